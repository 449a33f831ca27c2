#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Concurrency stress (vfio-stress) over every igb PF, bound to vfio-pci-rs
# with SR-IOV on, then the state it must leave behind: no fd open, the PFs
# open without a token (vf_users back to 0), no VF left once numvfs is 0,
# and the module unloads even with VFs enabled.  TAP.
#
#   STRESS_WORKERS (4), STRESS_SECONDS (20), STRESS_SEED (time) tune the run.
. vfio-lib.sh

params=/sys/module/vfio_pci_rs/parameters
why=$(cdev_na)
pfs=$(igb_pfs)
echo 1 > $params/enable_sriov
for pf in $pfs; do
	bind "$pf" vfio-pci-rs && set_numvfs "$pf" 2
done

# shellcheck disable=SC2086
vfio-stress --workers "${STRESS_WORKERS:-4}" --seconds "${STRESS_SECONDS:-20}" \
	${STRESS_SEED:+--seed "$STRESS_SEED"} ${why:+--no-cdev} $pfs > /tmp/stress.out 2>&1
status=$?
sed 's/^/# /' /tmp/stress.out
# One case for the verdict: vfio-stress exits 0 only when nothing was
# unexpected, and its summary line must say so after at least one
# operation (a run that did nothing, or died before its summary, fails).
summary=$(grep '^stress: [0-9]* operations, [0-9]* unexpected$' /tmp/stress.out)
check "stress: no unexpected result (exit $status; ${summary:-no summary line})" \
	sh -c '[ "$1" = 0 ] && echo "$2" | grep -q "^stress: [1-9][0-9]* operations, 0 unexpected$"' \
	_ "$status" "$summary"

# Coverage: every operation must have succeeded at least once (rmmod by being
# refused), or the run proved little.  Columns: name ok ... EWOULDBLOCK(8).
for op in pf-open-group pf-open-cdev vf-open-group vf-open-cdev set-token \
	  numvfs rebind rmmod; do
	col=2
	[ "$op" = rmmod ] && col=8
	got=$(awk -v op="$op" -v c="$col" '$1 == op { print $c }' /tmp/stress.out)
	case "$op" in *-cdev) [ -z "$why" ] || { na "stress: $op done at least once" "$why"; continue; } ;; esac
	check "stress: $op done at least once (${got:-0})" [ "${got:-0}" -gt 0 ]
done
rebinds=$(sed -n 's/^stress: \([0-9]*\) rebinds with a VF open.*/\1/p' /tmp/stress.out)
check "stress: a PF was rebound with a VF open across the unbind (${rebinds:-0})" \
	[ "${rebinds:-0}" -gt 0 ]

# Afterwards.
for pf in $pfs; do
	check "after: $pf is still bound to vfio-pci-rs" [ "$(driver_of "$pf")" = vfio-pci-rs ]
	out=$(vfio-open "$pf" 2>&1)
	check "after: $pf opens without a token, vf_users is 0 ($out)" [ "$out" = "open $pf: ok" ]
	if [ -n "$why" ]; then
		na "after: $pf opens without a token on the cdev path" "$why"
		continue
	fi
	out=$(vfio-open --cdev "$pf" 2>&1)
	check "after: $pf opens without a token on the cdev path ($out)" [ "$out" = "open $pf: ok" ]
done
for pf in $pfs; do
	set_numvfs "$pf" 0
done
left=$(ls -d /sys/bus/pci/devices/*/physfn 2>/dev/null | wc -l)
check "after: numvfs 0 leaves no VF behind ($left)" [ "$left" = 0 ]

# Unload with a PF bound and its VFs enabled and bound: removal must take the
# VFs down first, and nothing may stay behind.
set -- $pfs
set_numvfs "$1" 2
check "after: rmmod vfio_pci_rs with a PF and its VFs bound" rmmod vfio_pci_rs
check "after: the module is gone" [ ! -d /sys/module/vfio_pci_rs ]
left=$(ls -d /sys/bus/pci/devices/*/physfn 2>/dev/null | wc -l)
check "after: the unload took the VFs down ($left)" [ "$left" = 0 ]
for pf in $pfs; do
	echo > "/sys/bus/pci/devices/$pf/driver_override"
done
check "after: the module loads again" modprobe vfio_pci_rs

tap_end
