#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# nvme, the second SR-IOV model: QEMU's nvme (1b36:0010) with SR-IOV.
#   1. the PF bound to $DRV, VFs created through sriov_numvfs and auto-bound
#      to $DRV (driver_override), the token rows C3-C10 and the feature SET
#      on the PF and its VFs, on the group and the cdev path;
#   2. the upstream vfio_pci_device_test on an nvme VF, C vfio-pci and $DRV
#      side by side, the PF on the kernel's nvme driver (no token, as in
#      upstream-suite) and the VF's secondary controller given its queues
#      and vector and set online with nvme-cli's virt-mgmt.  Its results
#      are the upstream-suite's "UPSTREAM test=... dev=nvme-vf ..." lines,
#      which the host's collector counts and holds side by side (every C
#      row needs its $DRV row, which must pass as many cases and fail
#      none); they are not TAP cases here as well.
#
#   scripts/vm-run --nvme --pack nvme-cli -- t-nvme.sh
# TAP.
. vfio-lib.sh

T1=52ac9bff-3a88-4fbd-901a-0d767c3b6c97
T2=88594674-90a0-47a9-aea8-9d9b352ac08a
T3=0b5e0ac1-58a4-4e5e-9d2c-6e0f4d7a1b23

pf=$(find_dev 0x1b36:0x0010 | head -n1)
[ -n "$pf" ] || { echo "Bail out! no nvme PF (scripts/vm-run --nvme)"; exit 1; }
echo "# nvme PF $pf, totalvfs $(cat /sys/bus/pci/devices/$pf/sriov_totalvfs)"
echo 1 > "$PARAMS/enable_sriov"

echo "# 1. The PF on $DRV, VFs auto-bound"
check "the nvme PF binds to $DRV" bind "$pf" "$DRV"
check "sriov_numvfs=2 on the PF" set_numvfs "$pf" 2
vf=$(vfs_of "$pf" | sed -n 1p)
vf2=$(vfs_of "$pf" | sed -n 2p)
check "the VFs are nvme functions ($vf $vf2)" \
	[ "$(cat /sys/bus/pci/devices/$vf/vendor)" = 0x1b36 -a -n "$vf2" ]
check "the VFs are auto-bound to $DRV" \
	[ "$(driver_of "$vf")" = "$DRV" -a "$(driver_of "$vf2")" = "$DRV" ]
check "driver_override of a new VF is $DRV" \
	[ "$(cat /sys/bus/pci/devices/$vf/driver_override)" = "$DRV" ]
echo "# groups: PF $(group_of "$pf"), VFs $(group_of "$vf") $(group_of "$vf2")"

echo "# Token rows before any token was set: the random default"
both EACCES "C4 nvme VF with a guessed token before any was set" --token "$T1" "$vf"
both EACCES "C3 nvme VF of an owned PF without a token" "$vf"

echo "# Token rows"
expect_open ok "C10 nvme PF opens with a token and sets it [group]" --token "$T1" "$pf"
both ok "C5 nvme VF opens with the PF's token" --token "$T1" "$vf"
both ok "C5 the second nvme VF opens with it too" --token "$T1" "$vf2"
both EACCES "C4 nvme VF with a wrong token" --token "$T2" "$vf"
both EACCES "C3 nvme VF without a token" "$vf"
both ok "C9 nvme PF without a token and no VF users" "$pf"
expect_open ok "C9 left the token unchanged" --token "$T1" "$vf"
expect_open ok "C10 nvme PF opens on the cdev path with a new token" --cdev --token "$T2" "$pf"
both ok "C10 the new token opens the nvme VF" --token "$T2" "$vf"
expect_open EACCES "C10 the old token no longer does" --token "$T1" "$vf"

# Held until released; a holder that does not open fails the cases that
# need it (vfio-lib.sh's hold).
hold "C5 an nvme VF user holds the VF [cdev]" --cdev --token "$T2" "$vf"
both EACCES "C6 nvme PF without a token while a VF is open" "$pf"
both EACCES "C7 nvme PF with a wrong token while a VF is open" --token "$T1" "$pf"
both ok "C8 nvme PF with the right token while a VF is open" --token "$T2" "$pf"
expect_open ok "C8 left the token unchanged" --token "$T2" "$vf2"
expect_line "set token on $pf: ok" "4 SET on the nvme PF while a VF is open" \
	--token "$T2" --set-token "$T3" "$pf"
expect_open ok "4 SET took effect for new nvme VF opens" --token "$T3" "$vf2"
release "C5 the nvme VF user held the VF until released" $holder
# The kernel's answer on the held fd after the SET (vfio-open --hold: a
# VFIO_DEVICE_GET_INFO and a config read), not the holder's own "open: ok".
check "4 the VF opened before the SET stayed usable until it closed" grep -q "^held $vf: ok" "$holder_out"

echo "# VFIO_DEVICE_FEATURE_PCI_VF_TOKEN on the nvme PF and VF"
expect_line "feature: ok" "4 PROBE|SET on the nvme PF: 0" --feature 60000:0 "$pf"
expect_line "feature: EINVAL" "4 GET on the nvme PF: EINVAL" --feature 10000:16 "$pf"
expect_line "feature: ENOTTY" "4 SET on an nvme VF: ENOTTY" --token "$T3" --feature 20000:16 "$vf"
expect_line "set token on $pf: ok" "4 SET on the nvme PF [cdev]" --cdev --set-token "$T1" "$pf"
both ok "4 SET: the nvme VF opens with the new token" --token "$T1" "$vf"
both EACCES "4 SET: the old token is refused" --token "$T3" "$vf"
set_numvfs "$pf" 0 && set_numvfs "$pf" 2
vf=$(vfs_of "$pf" | sed -n 1p)
expect_open ok "5 the token survives sriov_numvfs 2 -> 0 -> 2" --token "$T1" "$vf"
set_numvfs "$pf" 0
unbind "$pf"

echo "# 2. upstream vfio_pci_device_test on an nvme VF, side by side"
# upstream TEST LABEL DRIVER BDF: run it, print the UPSTREAM line, and set
# $up_pass/$up_fail/$up_skip.
upstream() {
	t=$1 label=$2 drv=$3 bdf=$4
	out=/tmp/$t.$label.$drv.log
	start=$(date +%s)
	timeout 600 "$t" "$bdf" > "$out" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	totals=$(grep '^# Totals:' "$out" | tail -n1)
	up_pass=$(echo "$totals" | sed -n 's/.* pass:\([0-9]*\).*/\1/p')
	up_fail=$(echo "$totals" | sed -n 's/.* fail:\([0-9]*\).*/\1/p')
	up_skip=$(echo "$totals" | sed -n 's/.* skip:\([0-9]*\).*/\1/p')
	e=$(echo "$totals" | sed -n 's/.* error:\([0-9]*\).*/\1/p')
	if [ -z "$up_pass" ]; then
		up_pass=0 up_fail=1 up_skip=0 e=0
	fi
	up_fail=$((up_fail + e))
	grep -E '^(ok|not ok) ' "$out" | sed "s|^|# $t/$label/$drv: |"
	[ "$up_fail" = 0 ] || grep -E 'ASSERT|FAIL|rror' "$out" | head -n 10 | sed "s|^|# $t/$label/$drv: |"
	echo "UPSTREAM test=$t dev=$label driver=$drv pass=$up_pass fail=$up_fail skip=$up_skip rc=$rc secs=$secs"
}

modprobe nvme
if [ "$DRV" != vfio-pci ]; then
	modprobe vfio-pci
	drivers="vfio-pci $DRV"
else
	echo "# drop-in mode: vfio-pci is the driver under test, no C baseline"
	drivers=$DRV
fi
check "baseline: the nvme PF binds to the kernel's nvme driver" bind "$pf" nvme
check "baseline: the nvme PF's controller comes up (/dev/nvme0)" wait_until 20 [ -c /dev/nvme0 ]
echo 0 > "/sys/bus/pci/devices/$pf/sriov_drivers_autoprobe"
check "baseline: sriov_numvfs=1 under the nvme driver" set_numvfs "$pf" 1
vf=$(vfs_of "$pf" | sed -n 1p)
# side_by_side LABEL: vfio_pci_device_test on the VF with each driver, one
# UPSTREAM row each (the collector compares them).  A driver the VF does
# not bind to has no row, and a case here says why.
side_by_side() {
	label=$1
	for d in $drivers; do
		bind "$vf" "$d" || { not_ok "$(baseline_if "$d")$label: bind the nvme VF to $d"; continue; }
		upstream vfio_pci_device_test "$label" "$d" "$vf"
		unbind "$vf"
	done
}

# First as the VF comes: its secondary controller offline, with no queue
# or interrupt resources (its registers read as 0 but CSTS).
side_by_side nvme-vf-offline

# Then as an NVMe host would use it: the PF's virtualization management
# gives the VF's secondary controller an admin and an I/O queue and one
# interrupt, and sets it online.
scid=$(nvme list-secondary /dev/nvme0 | awk '
	/SCID/ { id = $NF } /VFN/ && $NF ~ /^0x0*1$/ { print id; exit }')
echo "# VF $vf is secondary controller ${scid:-unknown}"
check "baseline: virt-mgmt: assign 2 queues to the VF's controller" \
	nvme virt-mgmt /dev/nvme0 -c "$scid" -r 0 -a 8 -n 2
check "baseline: virt-mgmt: assign 1 interrupt to the VF's controller" \
	nvme virt-mgmt /dev/nvme0 -c "$scid" -r 1 -a 8 -n 1
check "baseline: virt-mgmt: set the VF's controller online" \
	nvme virt-mgmt /dev/nvme0 -c "$scid" -a 9
nvme list-secondary /dev/nvme0 | sed 's/^/# /'
check "baseline: the VF's secondary controller is online" \
	sh -c "nvme list-secondary /dev/nvme0 | grep -m1 'SCS' | grep -q Online"
side_by_side nvme-vf
set_numvfs "$pf" 0
unbind "$pf"

tap_end
