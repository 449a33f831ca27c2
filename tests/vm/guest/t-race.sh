#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A VF probing while its PF's probe fails (issue 16): who owns the PF may be
# decided only from state that is stable for the VF's lifetime.
#
# The nvme PF (QEMU's nvme with SR-IOV) gets a VF from the kernel's nvme
# driver, which leaves SR-IOV enabled when it is unbound.  Both are then
# given to the driver under test.  vfio-pci-core refuses a PF that already
# has VFs ("Cannot bind to PF with SR-IOV enabled", EBUSY), but only after
# the driver's probe has set the PF's drvdata.  Each round starts that PF
# probe in the background while the VF is bound, opened without a token and
# unbound.  The PF never binds, so no vfio driver owns it: every open is
# C1 (no token, opens).  C vfio-pci first, then $DRV, in the same boot.
# A VF that trusted the failing PF's drvdata would demand a token nobody can
# set (EACCES), or take a reference in freed memory (KASAN on the debug
# kernel, refcount_t's "addition on 0" on the test kernel); vm-run fails the
# boot on either report.
#
#   scripts/vm-run --nvme -- t-race.sh       (RACE_ROUNDS, default 150)
# TAP.
. vfio-lib.sh

rounds=${RACE_ROUNDS:-150}

pf=$(find_dev 0x1b36:0x0010 | head -n1)
[ -n "$pf" ] || { echo "Bail out! no nvme PF (scripts/vm-run --nvme)"; exit 1; }
[ "$DRV" = vfio-pci ] || modprobe vfio-pci
modprobe nvme

echo "# nvme PF $pf: one VF from the nvme driver, left behind on unbind"
check "baseline: the nvme PF binds to the kernel's nvme driver" bind "$pf" nvme
echo 0 > "/sys/bus/pci/devices/$pf/sriov_drivers_autoprobe"
check "baseline: sriov_numvfs=1 under the nvme driver" set_numvfs "$pf" 1
vf=$(vfs_of "$pf" | sed -n 1p)
unbind "$pf"
check "baseline: the VF ($vf) outlives the nvme driver's unbind" \
	[ -n "$vf" -a -e "/sys/bus/pci/devices/$vf" -a "$(driver_of "$pf")" = none ]
cdev=$(cdev_na)

# race DRIVER: the rounds with both devices given to DRIVER.
race() {
	local drv=$1 b i=0 opened=0 refused=0 other=0 pfbound=0 path out got
	b=$(baseline_if "$drv")
	echo "$drv" > "/sys/bus/pci/devices/$pf/driver_override"
	echo "$drv" > "/sys/bus/pci/devices/$vf/driver_override"
	while [ $i -lt "$rounds" ]; do
		i=$((i + 1))
		# Half the rounds on the cdev path, where this kernel has one.
		path=
		[ -z "$cdev" ] && [ $((i % 2)) = 0 ] && path=--cdev
		echo "$pf" > /sys/bus/pci/drivers_probe 2>/dev/null &
		echo "$vf" > /sys/bus/pci/drivers_probe 2>/dev/null
		out=$(vfio-open $path "$vf" 2>&1)
		wait
		got=$(echo "$out" | sed -n 's/^open [^ ]*: \([A-Za-z?]*\).*/\1/p' | head -n1)
		case "$got" in
		ok) opened=$((opened + 1)) ;;
		EACCES) refused=$((refused + 1)) ;;
		*) other=$((other + 1)); echo "# round $i: $out" ;;
		esac
		[ "$(driver_of "$pf")" = none ] || pfbound=$((pfbound + 1))
		unbind "$vf"
		unbind "$pf"
	done
	echo "# $drv: $rounds rounds, $opened opened, $refused EACCES, $other other"
	check "${b}$drv: the PF's probe failed in every round (PF bound $pfbound times)" [ "$pfbound" = 0 ]
	check "${b}$drv: C1, the VF opened without a token in all $rounds rounds ($refused EACCES, $other other)" \
		[ "$opened" = "$rounds" ]
	echo > "/sys/bus/pci/devices/$pf/driver_override"
	echo > "/sys/bus/pci/devices/$vf/driver_override"
}

race vfio-pci
race "$DRV"

echo "# back to the nvme driver, to disable SR-IOV"
bind "$pf" nvme && set_numvfs "$pf" 0
check "baseline: SR-IOV disabled again" [ -z "$(vfs_of "$pf")" ]
unbind "$pf"
echo > "/sys/bus/pci/devices/$pf/driver_override"
tap_end
