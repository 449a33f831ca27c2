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
# The two probes are started by probe-race, which also says whether the
# round hit the window: one probe seen running from right before the
# other's write to right after it (sysfs: the PF's driver link is there
# only while its failing probe runs, the VF's probe runs until its vfio
# device appears).  In every other round the PF's write waits until the
# VF's probe has begun (--follow): the window widened from userspace.  A
# driver's rounds must hit it at least once, or they did not test the race.
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
	local drv=$1 b i=0 opened=0 refused=0 other=0 pfbound=0 path out got follow
	local win pf_in_vf=0 vf_in_pf=0 hit=0
	b=$(baseline_if "$drv")
	echo "$drv" > "/sys/bus/pci/devices/$pf/driver_override"
	echo "$drv" > "/sys/bus/pci/devices/$vf/driver_override"
	while [ $i -lt "$rounds" ]; do
		i=$((i + 1))
		# Half the rounds on the cdev path, where this kernel has one;
		# crosswise, half with the PF's write following the VF's probe.
		path=
		[ -z "$cdev" ] && [ $((i % 2)) = 0 ] && path=--cdev
		follow=
		[ $((i % 4)) -lt 2 ] && follow=--follow
		win=$(probe-race $follow "$pf" "$vf" 2>&1)
		case "$win" in
		"window: pf-in-vf="[01]" vf-in-pf="[01]" "*) ;;
		*) other=$((other + 1)); echo "# round $i: probe-race: $win" ;;
		esac
		case "$win" in *pf-in-vf=1*) pf_in_vf=$((pf_in_vf + 1)) ;; esac
		case "$win" in *vf-in-pf=1*) vf_in_pf=$((vf_in_pf + 1)) ;; esac
		case "$win" in *-in-*=1*) hit=$((hit + 1)) ;; esac
		out=$(vfio-open $path "$vf" 2>&1)
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
	echo "# $drv: the window was hit in $hit rounds: the PF's probe inside the VF's in $pf_in_vf, the VF's inside the PF's in $vf_in_pf"
	check "${b}$drv: the PF's probe failed in every round (PF bound $pfbound times)" [ "$pfbound" = 0 ]
	check "${b}$drv: C1, the VF opened without a token in all $rounds rounds ($refused EACCES, $other other)" \
		[ "$opened" = "$rounds" -a "$other" = 0 ]
	check "${b}$drv: the race window was hit in $hit of $rounds rounds" [ "$hit" -gt 0 ]
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
