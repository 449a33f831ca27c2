# SPDX-License-Identifier: GPL-2.0-only
#
# Developer entry points.  Kbuild reads ./Kbuild, not this file.
#
#   make            build vfio-pci-rs.ko against $(KDIR), in out/build/<kernel>/
#   make demo       set up, build, boot the VM and show the driver at work
#   make check      every test: host, KUnit, VM; ends "N passed, N failed"
#   make check-full the same plus the upstream vfio_pci_driver_test (slow)
#   make check-debug the VM suite and a longer stress on the debug kernel
#                   (lockdep, KASAN, kmemleak, ODEBUG, Rust debug assertions)
#   make check-debug-smoke  its CI share: stress, t-token.sh, kmemleak scan
#   make check-faults  AER, surprise removal and allocation failures on
#                   every driver path, on the debug kernel
#   make fuzz       fuzz the match-string parser (FUZZ_SECONDS=60)
#   make CLIPPY=1   build with clippy

# The cached test kernel, built on first use.
KDIR ?= $(shell scripts/build-kernel | tail -n1)
LLVM ?= -19



all: modules

# The objects go to one tree per kernel (struct layouts differ between the
# test kernel and the debug kernel), never into the source tree.
MO ?= $(CURDIR)/out/build/$(notdir $(KDIR))

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) MO=$(MO) LLVM=$(LLVM) CONFIG_VFIO_PCI_RS=m modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) LLVM=$(LLVM) clean
	rm -rf out target

setup:
	scripts/setup

demo: setup
	scripts/demo

check: setup
	scripts/check

check-full: setup
	scripts/check --full

check-debug: setup
	scripts/check --debug

check-debug-smoke: setup
	scripts/check --debug --smoke

# Fault tests (issue 11, Documentation/vfio-pci-rs-faults.rst).
check-faults: setup
	scripts/check-faults

fuzz:
	scripts/fuzz $(or $(FUZZ_SECONDS),60)

.PHONY: all modules clean setup demo check check-full check-debug check-debug-smoke fuzz
.PHONY: check-faults
