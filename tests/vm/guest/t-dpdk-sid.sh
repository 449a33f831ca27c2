#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Debian sid's DPDK 25.11 (dpdk-testpmd unmodified, sid's own loader and
# libraries, scripts/guest-pack dpdk-sid) with its default EAL options on an
# igb PF and a VF, against the drop-in vfio-pci and then C vfio-pci in the
# same boot: the PF with --vfio-vf-token, the VF with the right, a wrong and
# no token.  Exact outcomes: testpmd's exit status, its ports and log lines,
# and the kernel's refusal lines, counted.
#
# This DPDK opens devices on the group path only (container /dev/vfio/vfio,
# group /dev/vfio/N, VFIO_GROUP_GET_DEVICE_FD with "ADDR vf_token=UUID"):
# its EAL has no iommufd or cdev code.  When the open with the token fails
# it asks again with the bare address, without the token; so a wrong token
# shows as two refusals in the kernel's log, the wrong token and then the
# missing one, and the VF stays closed.  With the container hidden, the VF's
# cdev (/dev/vfio/devices/vfioN) present, testpmd gets no port even with
# the right token: there is no cdev path to fall back to.  The VF's cdev
# itself, bound as a cdev-capable consumer that retried without the token
# would, stays closed too (vfio-open --cdev).  See
# Documentation/vfio-pci-rs-consumers.rst.  Needs scripts/vm-run --drop-in
# --pack dpdk-sid.  TAP.
. vfio-lib.sh

dpdk_init dpdk-testpmd-sid dpdk-sid

# lines DEV RE: how many of the kernel's lines for DEV match RE
# (case-insensitive: C says "Incorrect", vfio-pci-rs "incorrect").
lines() {
	grep -F "$1" /tmp/testpmd.dmesg | grep -ci "$2"
}
# show: the run's output and the kernel's token lines, as TAP comments.
show() {
	sed 's/^/# /' /tmp/testpmd.out
	grep -i token /tmp/testpmd.dmesg | sed 's/^/# dmesg: /'
}
# evidence: the run's vfio lines (EAL's, the kernel's token lines), its
# ports and exit status, as TAP comments.
evidence() {
	grep -E 'vfio|VFIO|cannot be used|^Number of available ports|^testpmd exit' /tmp/testpmd.out |
		sed 's/^/# testpmd: /'
	grep -i token /tmp/testpmd.dmesg | sed 's/^/# dmesg: /'
}
# expect DESC COND...: a case that holds when COND does; the evidence of the
# run printed before it, the whole run if it fails.
expect() {
	local d=$1
	shift
	evidence
	if "$@"; then
		ok "$d"
	else
		not_ok "$d"
		show
	fi
}
# probed PMD: exactly one port, driven by PMD, exit status 0, and no token
# line from the kernel.
probed() {
	grep -q '^Number of available ports: 1' /tmp/testpmd.out &&
		grep -qE "^0 .* $1 " /tmp/testpmd.out && [ "$tp_rc" = 0 ] &&
		! grep -qi token /tmp/testpmd.dmesg
}
# refused DEV WRONG REQUIRED: no port, exit status 0 (a refused device is
# not fatal to EAL), EAL's "Getting a vfio_dev_fd for DEV failed" and the
# PCI bus's "Requested device DEV cannot be used", and the kernel refused
# DEV exactly WRONG times for a wrong token and REQUIRED times for a
# missing one.
refused() {
	grep -q '^Number of available ports: 0' /tmp/testpmd.out && [ "$tp_rc" = 0 ] &&
		grep -q "Getting a vfio_dev_fd for $1 failed" /tmp/testpmd.out &&
		grep -q "Requested device $1 cannot be used" /tmp/testpmd.out &&
		[ "$(lines "$1" 'incorrect VF token provided for device')" = "$2" ] &&
		[ "$(lines "$1" 'VF token required to access device')" = "$3" ]
}
# no_vfio DEV: with the container hidden, no port, exit status 0, EAL
# cannot open the container and says VFIO could not be initialized, and the
# kernel saw no token for DEV.
no_vfio() {
	grep -q '^Number of available ports: 0' /tmp/testpmd.out && [ "$tp_rc" = 0 ] &&
		grep -q 'Cannot open VFIO container /dev/vfio/vfio' /tmp/testpmd.out &&
		grep -q 'VFIO support could not be initialized' /tmp/testpmd.out &&
		[ "$(lines "$1" token)" = 0 ]
}

# cdev_closed DEV: the VF's cdev, the path a cdev-capable consumer takes
# (VFIO_DEVICE_BIND_IOMMUFD, the token with VFIO_DEVICE_BIND_FLAG_TOKEN),
# opened by vfio-open as such a consumer that retries without the token
# would: the wrong token, then none, both refused with EACCES and one
# kernel line each; then the right token opens it.
cdev_closed() {
	local w n r
	dmesg -c > /dev/null
	w=$(vfio-open --cdev --token "$W" "$1" 2>&1)
	n=$(vfio-open --cdev "$1" 2>&1)
	dmesg | sed 's/^\[[ 0-9.]*\] //' > /tmp/testpmd.dmesg
	r=$(vfio-open --cdev --token "$T" "$1" 2>&1)
	printf '# vfio-open: %s\n' "$w" "$n" "$r"
	grep -i token /tmp/testpmd.dmesg | sed 's/^/# dmesg: /'
	[ "$w" = "open $1: EACCES (Permission denied)" ] &&
		[ "$n" = "open $1: EACCES (Permission denied)" ] && [ "$r" = "open $1: ok" ] &&
		[ "$(lines "$1" 'incorrect VF token provided for device')" = 1 ] &&
		[ "$(lines "$1" 'VF token required to access device')" = 1 ]
}

# cases LABEL: the runs against whichever vfio-pci is loaded.
cases() {
	local label=$1 vf
	bind "$pf" vfio-pci
	echo 1 > /sys/module/vfio_pci/parameters/enable_sriov
	set_numvfs "$pf" 1
	vf=$(vfs_of "$pf" | sed -n 1p)
	[ "$(driver_of "$vf")" = vfio-pci ] || echo "# VF $vf is on $(driver_of "$vf")"
	testpmd -a "$pf" --vfio-vf-token="$T"
	expect "$label: DPDK 25.11 testpmd drives the PF with --vfio-vf-token (net_e1000_igb, exit 0)" \
		probed net_e1000_igb
	testpmd -a "$vf" --vfio-vf-token="$T"
	expect "$label: DPDK 25.11 testpmd drives the VF with the right token (net_e1000_igb_vf, exit 0)" \
		probed net_e1000_igb_vf
	testpmd -a "$vf" --vfio-vf-token="$W"
	expect "$label: a wrong token: refused, then DPDK's retry without it refused too (kernel: 1 incorrect, 1 required; no port)" \
		refused "$vf" 1 1
	testpmd -a "$vf"
	expect "$label: no token: refused (kernel: 1 required; no port)" \
		refused "$vf" 0 1
	# No cdev fallback: the container hidden, the VF's cdev still there.
	if [ -e /dev/vfio/devices ] && ls /sys/bus/pci/devices/"$vf"/vfio-dev/vfio* > /dev/null 2>&1; then
		mv /dev/vfio/vfio /dev/vfio/vfio.hidden
		testpmd -a "$vf" --vfio-vf-token="$T"
		mv /dev/vfio/vfio.hidden /dev/vfio/vfio
		expect "$label: no group container, the VF's cdev there: DPDK 25.11 does not open it (VFIO not initialized, no port)" \
			no_vfio "$vf"
	else
		not_ok "$label: no cdev for $vf (the test kernel has VFIO_DEVICE_CDEV)"
	fi
	check "$label: the VF's cdev: a wrong token then none refused (EACCES, 1 incorrect, 1 required), the right one opens" \
		cdev_closed "$vf"
	set_numvfs "$pf" 0
	unbind "$pf"
}

echo "# vfio-pci-rs as the drop-in vfio-pci"
cases "drop-in"
c_in_place
cases "baseline: C vfio-pci"
drop_in_back
tap_end
