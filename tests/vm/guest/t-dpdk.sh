#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# DPDK's testpmd, unmodified (Debian's package) and with its default EAL
# options, drives an igb PF and a VF through the drop-in vfio-pci, and is
# refused a VF without the right token; then the same against C vfio-pci in
# the same boot.  Needs scripts/vm-run --drop-in --pack dpdk.  TAP.
. vfio-lib.sh

T=6a0d2f4e-8c1b-4e7a-9b3d-5f2e1c0a7d94
W=11111111-2222-3333-4444-555555555555
cvfio=/lib/vfio-pci-c.ko
[ "$DRV" = vfio-pci ] && [ -f "$cvfio" ] && command -v dpdk-testpmd > /dev/null || {
	echo "Bail out! needs vm-run --drop-in --pack dpdk"
	exit 1
}
pf=$(igb_pfs | sed -n 1p)
# DPDK keeps its runtime state in /var/run/dpdk when run as root.
mkdir -p /var/run

# testpmd ARGS...: start testpmd with EAL arguments ARGS, list the ports it
# probed and quit.  The output is in /tmp/testpmd.out.
testpmd() {
	dmesg -c > /dev/null
	printf 'show port summary all\nquit\n' |
		timeout 180 dpdk-testpmd "$@" -- -i > /tmp/testpmd.out 2>&1
	echo "testpmd exit $?" >> /tmp/testpmd.out
}
# probed DESC PMD: testpmd probed exactly one port, driven by PMD.
probed() {
	if grep -q '^Number of available ports: 1' /tmp/testpmd.out &&
		grep -qE "^0 .* $2 " /tmp/testpmd.out; then
		ok "$1"
	else
		not_ok "$1"
		sed 's/^/# /' /tmp/testpmd.out
	fi
}
# refused DESC DEV: testpmd got no port, and the kernel said why for DEV.
refused() {
	local why
	why=$(dmesg | grep "$2" | grep -i token | sed 's/^\[[ 0-9.]*\] //' | sort | uniq -c)
	echo "$why" | sed 's/^ */# dmesg: /'
	[ -n "$why" ] || echo "# dmesg: (nothing)"
	if grep -q '^Number of available ports: 0' /tmp/testpmd.out && [ -n "$why" ]; then
		ok "$1"
	else
		not_ok "$1"
		sed 's/^/# /' /tmp/testpmd.out
	fi
}

# cases LABEL: the four testpmd runs against whichever vfio-pci is loaded.
cases() {
	local label=$1 vf
	bind "$pf" vfio-pci
	echo 1 > /sys/module/vfio_pci/parameters/enable_sriov
	set_numvfs "$pf" 1
	vf=$(vfs_of "$pf" | sed -n 1p)
	[ "$(driver_of "$vf")" = vfio-pci ] || echo "# VF $vf is on $(driver_of "$vf")"
	testpmd -a "$pf" --vfio-vf-token="$T"
	probed "$label: testpmd drives the PF with --vfio-vf-token (net_e1000_igb)" net_e1000_igb
	testpmd -a "$vf" --vfio-vf-token="$T"
	probed "$label: testpmd drives the VF with the right token (net_e1000_igb_vf)" net_e1000_igb_vf
	testpmd -a "$vf" --vfio-vf-token="$W"
	refused "$label: testpmd cannot open the VF with a wrong token" "$vf"
	testpmd -a "$vf"
	refused "$label: testpmd cannot open the VF without a token" "$vf"
	set_numvfs "$pf" 0
	unbind "$pf"
}

echo "# vfio-pci-rs as the drop-in vfio-pci"
cases "drop-in"
rmmod vfio_pci
echo "# C vfio-pci, same boot"
insmod "$cvfio"
check "C vfio-pci loaded in its place" sh -c '! grep -q O /sys/module/vfio_pci/taint'
cases "C vfio-pci"
rmmod vfio_pci
modprobe vfio-pci
tap_end
