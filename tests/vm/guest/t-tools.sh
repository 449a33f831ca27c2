#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The tools written for vfio-pci, unchanged, against the drop-in vfio-pci:
# DPDK's dpdk-devbind.py (Debian's dpdk) and driverctl (Debian's driverctl)
# bind, list and unbind an igb PF and its VF; then the same against C
# vfio-pci in the same boot.  After every bind, the driver behind
# /sys/bus/pci/devices/DEV/driver is checked to be the one under test: ours
# is out of tree (taint O), C vfio-pci is not.  Needs scripts/vm-run
# --drop-in --pack devbind --pack driverctl.  TAP.
. vfio-lib.sh

[ "$DRV" = vfio-pci ] && [ -f "$cvfio" ] && command -v dpdk-devbind.py > /dev/null &&
	command -v driverctl > /dev/null || {
	echo "Bail out! needs vm-run --drop-in --pack devbind --pack driverctl"
	exit 1
}
# The PF starts on its kernel driver, as on a host.
modprobe igb
pf=$(igb_pfs | sed -n 1p)

# bound_to WANT DEV: DEV is bound to vfio-pci, and the module behind
# that driver is ours (WANT=ours, taint O) or C vfio-pci's (WANT=c).
bound_to() {
	local mod
	[ "$(driver_of "$2")" = vfio-pci ] || return 1
	mod=$(basename "$(readlink -f /sys/bus/pci/drivers/vfio-pci/module)")
	[ "$mod" = vfio_pci ] || return 1
	case $1 in
	ours) grep -q O /sys/module/vfio_pci/taint ;;
	c) ! grep -q O /sys/module/vfio_pci/taint ;;
	esac
}
# run CMD...: a tool's command; its output, and its exit status as the last
# line, in /tmp/tool.out.
run() {
	"$@" > /tmp/tool.out 2>&1
	echo "exit $?" >> /tmp/tool.out
}
exited() { [ "$(tail -n1 /tmp/tool.out)" = "exit $1" ]; }
# expect DESC CONDITION: a case that passes when the shell condition holds;
# the last tool's output is shown when it does not.
expect() {
	if eval "$2"; then
		ok "$1"
	else
		not_ok "$1"
		sed 's/^/#   /' /tmp/tool.out
	fi
}
# dpdk_section: the "Network devices using DPDK-compatible driver" lines of
# dpdk-devbind.py's status (in /tmp/tool.out).
dpdk_section() {
	awk '/^Network devices using DPDK-compatible driver/ { on = 1; next }
		on && /^=+$/ { next }
		on && /^$/ { exit }
		on { print }' /tmp/tool.out
}
listed_dpdk() { dpdk_section | grep -q "^$1 .* drv=vfio-pci"; }
override_of() { cat "/sys/bus/pci/devices/$1/driver_override"; }
# on_igb DEV: DEV on igb and no driver_override, as a host boots it.
on_igb() {
	bind "$1" igb
	echo > "/sys/bus/pci/devices/$1/driver_override"
}

# cases LABEL WANT: both tools against whichever vfio-pci is loaded (WANT:
# ours or c, see bound_to).
cases() {
	local label=$1 want=$2 vf
	on_igb "$pf"

	echo "# dpdk-devbind.py"
	run dpdk-devbind.py -b vfio-pci "$pf"
	expect "$label: dpdk-devbind.py -b vfio-pci moves the PF from igb to this vfio-pci's module" \
		'exited 0 && bound_to $want $pf'
	expect "$label: ... and clears the driver_override it used" \
		'[ "$(override_of $pf)" = "(null)" ]'
	echo 1 > /sys/module/vfio_pci/parameters/enable_sriov
	set_numvfs "$pf" 1
	vf=$(vfs_of "$pf" | sed -n 1p)
	run dpdk-devbind.py --status-dev net
	dpdk_section | sed 's/^/# DPDK-compatible: /'
	expect "$label: dpdk-devbind.py --status lists the PF and its VF as DPDK-compatible, drv=vfio-pci" \
		'exited 0 && listed_dpdk $pf && listed_dpdk $vf'
	run dpdk-devbind.py -u "$vf"
	expect "$label: dpdk-devbind.py -u unbinds the VF" \
		'exited 0 && [ "$(driver_of $vf)" = none ]'
	run dpdk-devbind.py -b vfio-pci "$vf"
	expect "$label: dpdk-devbind.py -b vfio-pci binds the VF again, to this vfio-pci's module" \
		'exited 0 && bound_to $want $vf'
	set_numvfs "$pf" 0
	run dpdk-devbind.py -u "$pf"
	expect "$label: dpdk-devbind.py -u unbinds the PF" \
		'exited 0 && [ "$(driver_of $pf)" = none ]'

	echo "# driverctl"
	on_igb "$pf"
	run driverctl set-override "$pf" vfio-pci
	expect "$label: driverctl set-override binds the PF to this vfio-pci's module" \
		'exited 0 && bound_to $want $pf'
	expect "$label: ... with driver_override=vfio-pci, saved in /etc/driverctl.d" \
		'[ "$(override_of $pf)" = vfio-pci ] && [ "$(cat /etc/driverctl.d/pci-$pf)" = vfio-pci ]'
	set_numvfs "$pf" 1
	vf=$(vfs_of "$pf" | sed -n 1p)
	run driverctl list-overrides
	sed 's/^/# list-overrides: /' /tmp/tool.out
	expect "$label: driverctl list-overrides lists the PF, and the VF whose override this vfio-pci set" \
		'exited 0 && grep -qx "$pf vfio-pci" /tmp/tool.out && grep -qx "$vf vfio-pci" /tmp/tool.out'
	set_numvfs "$pf" 0
	run driverctl unset-override "$pf"
	expect "$label: driverctl unset-override gives the PF back to igb, no override left, none saved" \
		'exited 0 && [ "$(driver_of $pf)" = igb ] && [ "$(override_of $pf)" = "(null)" ] &&
			[ ! -e /etc/driverctl.d/pci-$pf ]'
}

echo "# vfio-pci-rs as the drop-in vfio-pci"
cases "drop-in" ours
c_in_place
cases "baseline: C vfio-pci" c
drop_in_back
tap_end
