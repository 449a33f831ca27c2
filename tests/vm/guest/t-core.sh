#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# What vfio-pci-rs takes from vfio-pci-core, answered as C vfio-pci answers
# it on the same kind of device in the same boot: dma-buf export of a BAR
# (VFIO_DEVICE_FEATURE_DMA_BUF, which needs the PCI device ops vfio-pci
# sets; the test kernels have CONFIG_VFIO_PCI_DMABUF, as Debian's) and a
# PASID attachment (VFIO_DEVICE_ATTACH_IOMMUFD_PT with
# VFIO_DEVICE_ATTACH_PASID).  Each answer of ours is compared with C's, and
# C's own answers are held where the kernel fixes them, so that a kernel
# where neither driver could export a dma-buf fails instead of passing two
# equal refusals.  Needs two igb PFs and the vfio cdev.  TAP.
. vfio-lib.sh

pf=$(igb_pfs | sed -n 1p)
pfc=$(igb_pfs | sed -n 2p)
modprobe vfio-pci
echo "1..12"

check "PF binds to $DRV" bind "$pf" "$DRV"
check "baseline: another PF binds to C vfio-pci" bind "$pfc" vfio-pci

# ask NAME ARGS...: vfio-core-ops's answer for one device, its line
# without the device's name ("ok size=4096", "ENODEV").
ask() {
	local what=$1 bdf=$2
	shift 2
	vfio-core-ops "$what" "$bdf" "$@" 2>&1 | sed "s/^$what $bdf: //"
}

# same DESC WANT ARGS...: C's answer is WANT (a baseline), and ours is C's.
same() {
	local desc=$1 want=$2 what=$3 c ours
	shift 3
	c=$(ask "$what" "$pfc" "$@")
	ours=$(ask "$what" "$pf" "$@")
	check "baseline: C vfio-pci: $desc: $want ($c)" [ "$c" = "$want" ]
	check "$desc: as C vfio-pci ($ours)" [ "$ours" = "$c" ]
}

# A BAR of the igb PF: BAR 0 is 128 KiB of memory.
same "DMA_BUF probed" ok dma-buf-probe
same "a dma-buf of BAR 0's first page" "ok size=4096" dma-buf 0 0 4096
same "a dma-buf of the ROM region (not a BAR)" ENODEV dma-buf 6 0 4096
same "a dma-buf past BAR 0's end" EINVAL dma-buf 0 0x20000 4096

# igb has no PASID capability: the IOMMU refuses the attachment, the same
# way for both drivers (vfio-pci-core's pasid_attach_ioas, which the
# driver's ops must have: without it vfio answers EOPNOTSUPP itself).
c=$(ask pasid "$pfc" 1)
ours=$(ask pasid "$pf" 1)
check "baseline: C vfio-pci: a PASID attachment on a device without PASID is refused ($c)" \
	sh -c '[ "$1" != ok ] && [ "$1" != EOPNOTSUPP ]' _ "$c"
check "a PASID attachment: as C vfio-pci ($ours)" [ "$ours" = "$c" ]

unbind "$pf"
unbind "$pfc"
[ "$fails" = 0 ]
