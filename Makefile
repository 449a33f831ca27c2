# SPDX-License-Identifier: GPL-2.0
#
# Developer entry points.  Kbuild reads ./Kbuild, not this file.
#
#   make            build vfio-pci-rs.ko against $(KDIR), in out/build/<kernel>/
#   make demo       set up, build, boot the VM and show the driver at work
#   make check      every test: host, KUnit, VM (with Debian sid's DPDK,
#                   libvirt and QEMU as consumers); ends "N passed, N failed"
#   make check-full the same plus the upstream vfio_pci_driver_test (slow)
#   make check-debug the VM suite and a longer stress on the debug kernel
#                   (lockdep, KASAN, kmemleak, ODEBUG, Rust debug assertions)
#   make check-debug-smoke  its short share: stress, t-token.sh, kmemleak
#                   scan (not in CI: the cold budget, .ci/run)
#   make check-kcsan  t-race.sh, the stress and t-token.sh on the KCSAN kernel
#   make check-faults  AER, surprise removal and allocation failures on
#                   every driver path, on the debug kernel
#   make check-sid  make check's boots of Debian sid's consumers alone:
#                   DPDK 25.11's testpmd, libvirt 12.8 with QEMU 11.1, and
#                   QEMU 11.1's vf-token (t-dpdk-sid.sh, t-libvirt.sh,
#                   t-qemu.sh), each beside C vfio-pci
#   make fuzz       fuzz the match-string parser (FUZZ_SECONDS=60)
#   make mutants    the mutation score: cargo-mutants over src/token/ and
#                   src/ids.rs with the host tests, then the curated driver
#                   mutants of tests/mutants/driver.list, a VM boot each
#                   (make mutants-host, make mutants-driver: one part;
#                   scripts/mutants ID: one driver mutant).  Not in CI
#   make bench      C vfio-pci and vfio-pci-rs side by side in one VM boot
#   make bench-distro  the one-ioctl paths side by side on Debian's own
#                   kernel: its C vfio-pci against ours built by make distro
#                   (DISTRO_KERNEL as for make distro)
#   make CLIPPY=1   build with clippy
#   make DROP_IN=1  build the drop-in: module vfio_pci, driver "vfio-pci"
#   make distro     build out/distro/<release>/vfio-pci-rs.ko and the drop-in
#                   vfio-pci.ko for Debian's packaged kernel (FLAVOUR=amd64):
#                   DISTRO_KERNEL=trixie-backports-7.3 (the default, in a
#                   Debian 13 root) or sid-7.2 (in a sid root)
#   make check-distro  those modules on Debian's own kernel image in the VM,
#                   both kernels unless DISTRO_KERNEL names one
#   make check-distro-smoke  its CI share: make distro, one boot, t-token.sh
#                   beside C vfio-pci and on the drop-in; trixie-backports-7.3
#                   only unless DISTRO_KERNEL names another
#   make check-dkms DKMS and make install of it, in make distro's build root
#   make deb        the Debian package vfio-pci-rs-dkms in out/deb/, built
#                   with dpkg-buildpackage in the Debian 13 build root and
#                   checked with lintian
#   make check-deb  apt install of that package in a Debian 13 root with
#                   trixie-backports' 7.3 kernel, DKMS's build, remove, purge
#   make check-host such a root, with 7.2.12, configured (modprobe.d, a unit
#                   making the VFs, driverctl, libvirt) and booted with
#                   systemd under QEMU, upgraded to 7.3.4 and booted twice,
#                   the package removed and booted again; not in CI
#   make check-host-smoke  its share in CI: the package and the recipe in
#                   the 7.3 root, one boot of it with systemd, checked
#   make patches    the in-tree patch series in out/patches/ (against Debian's
#                   linux-source-7.3), checked with git am, checkpatch.pl
#                   --strict and rustfmt (Documentation/vfio-pci-rs-intree.rst)
#   make check-intree  the series applied to the base tree, built after each
#                   patch, as a module and built in, both booted with
#                   t-token.sh and the upstream selftests, clippy, rustfmt,
#                   rustdoc; ends "N passed, N failed" (about an hour cold)
#   make check-intree-smoke  its CI share: make patches' checks, no build
#   make install / uninstall  the module of $(KDIR) into (from)
#                   /lib/modules/<release>/updates/, then depmod; with
#                   DROP_IN=1, vfio-pci.ko there takes C vfio-pci's place

# The cached test kernel, built on first use.
KDIR ?= $(shell scripts/test-kernel | tail -n1)
# The test kernels are clang-built (LLVM=-19); a GCC-built tree, such as the
# one make distro prepares for Debian's kernel, names its own compiler.
LLVM ?= $(if $(shell grep -sx CONFIG_CC_IS_CLANG=y $(KDIR)/.config),-19)



all: modules

# The objects go to one tree per kernel (struct layouts differ between the
# test kernel and the debug kernel), never into the source tree.
# The drop-in build (SPEC section 8) gets a tree of its own.
ifeq ($(DROP_IN),1)
MO ?= $(CURDIR)/out/build/$(notdir $(KDIR))-drop-in
KCONFIG_VARS := CONFIG_VFIO_PCI_RS=m CONFIG_VFIO_PCI_RS_DROP_IN=y
KO := vfio-pci.ko
else
MO ?= $(CURDIR)/out/build/$(notdir $(KDIR))
KCONFIG_VARS := CONFIG_VFIO_PCI_RS=m
KO := vfio-pci-rs.ko
endif

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) MO=$(MO) LLVM=$(LLVM) $(KCONFIG_VARS) modules

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

# The KCSAN kernel (tests/vm/kernel-kcsan.config): t-race, t-stress and
# t-token; a data race report naming vfio fails.  Not in CI.
check-kcsan: setup
	scripts/check --kcsan

# Fault tests (Documentation/vfio-pci-rs-faults.rst).  The smoke share, CI's:
# AER and surprise removal on the test kernel.  stall-rate: how often a
# TCG guest stalls (N boots per TCG mode).
check-faults: setup
	scripts/check-faults

check-faults-smoke: setup
	scripts/check-faults --quick

stall-rate: setup
	scripts/stall-rate

fuzz:
	scripts/fuzz $(or $(FUZZ_SECONDS),60)

# Documentation/vfio-pci-rs-mutants.rst.  Not part of check or CI: the
# driver part boots a VM per mutant.
mutants:
	scripts/mutants

mutants-host:
	scripts/mutants --host

mutants-driver:
	scripts/mutants --driver

bench: setup
	scripts/bench

# Debian sid's DPDK, libvirt and QEMU in the guest, the boots make check
# ends with (Documentation/vfio-pci-rs-consumers.rst).
check-sid: setup
	scripts/check-sid

bench-distro: setup
	scripts/bench --distro --fast-only

# The in-tree series, generated from this tree; not part of make check or CI.
patches:
	scripts/patches

# The series applied, built, booted and checked; not part of make check.
check-intree: setup
	scripts/check-intree

# Its CI share: the series generated, git am, checkpatch, rustfmt.
check-intree-smoke: setup
	scripts/check-intree --smoke

.PHONY: patches check-intree check-intree-smoke
.PHONY: all modules clean setup demo check check-full check-debug check-debug-smoke check-kcsan check-faults check-faults-smoke check-sid stall-rate fuzz mutants mutants-host mutants-driver bench bench-distro

# ---- distribution kernels (Documentation/vfio-pci-rs-kernels.rst) ----
distro: setup
	scripts/distro

check-distro: setup
	scripts/check-distro

check-distro-smoke: setup
	scripts/check-distro --smoke

# DKMS and make install, tested in make distro's build root.
check-dkms: setup
	scripts/test-dkms

# The Debian package vfio-pci-rs-dkms (debian/), built in the Debian 13
# build root: out/deb/.
deb: setup
	scripts/deb

# The package installed, checked, removed and purged in a Debian 13 system
# root with trixie-backports' 7.3 kernel (Documentation/vfio-pci-rs-host.rst).
check-deb: setup
	scripts/test-deb

# A root with 7.2.12, configured as the administrator's recipe says,
# booted under QEMU with systemd, upgraded, booted again, the package
# removed; not part of make check or CI (the cold cost).  Its share in CI:
# the 7.3 root, one boot.
check-host: setup
	scripts/check-host

check-host-smoke: setup
	scripts/check-host --smoke

# KDIR must be a tree with Rust metadata for the target kernel: the test
# kernel, out of make distro (/var/cache/vfio-pci-rs/distro/<release>/build)
# or out of scripts/dkms-prepare.  INSTALL_MOD_PATH installs under a root.
KRELEASE = $(shell cat $(KDIR)/include/config/kernel.release)

install: modules
	install -D -m 0644 $(MO)/$(KO) $(INSTALL_MOD_PATH)/lib/modules/$(KRELEASE)/updates/$(KO)
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) -a $(KRELEASE)

uninstall:
	rm -f $(INSTALL_MOD_PATH)/lib/modules/$(KRELEASE)/updates/$(KO)
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) -a $(KRELEASE)

.PHONY: distro check-distro check-distro-smoke check-dkms deb check-deb check-host check-host-smoke install uninstall
