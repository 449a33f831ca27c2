#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Removal with open fds (issue 11).  Each open device has its request
# eventfd registered (vfio-events), and releases the device when asked:
#   1. device_del of PF pf0 (hotplug root port, pciehp) with a VF fd open;
#   2. removal of a VF of pf1 with its fd open (sriov_numvfs=0: Linux has
#      no sysfs remove for VFs);
#   3. device_del of PF pf1 with the PF fd open.
# Each time: remove runs, the user is asked to release the device (request
# eventfd), the device goes away once it does, and in the end the module
# unloads.  Splats fail the run in scripts/vm-run, leaks in the debug
# kernel's kmemleak scan.  Needs scripts/vm-run --monitor --pfs 2.  TAP.
. vfio-lib.sh

T1=52ac9bff-3a88-4fbd-901a-0d767c3b6c97
T2=88594674-90a0-47a9-aea8-9d9b352ac08a

# gone BDF [SECONDS]: wait until the device has left sysfs.
gone() {
	local i=0
	while [ -e "/sys/bus/pci/devices/$1" ] && [ $i -lt $((${2:-60} * 10)) ]; do
		sleep 0.1; i=$((i + 1))
	done
	[ ! -e "/sys/bus/pci/devices/$1" ]
}

echo 1 > /sys/module/$MOD/parameters/enable_sriov
pf=$(igb_pfs | sed -n 1p)
pf1=$(igb_pfs | sed -n 2p)
[ -n "$pf" ] && [ -n "$pf1" ] || { echo "Bail out! needs two igb PFs"; exit 1; }
vm-monitor "info version" > /dev/null
[ $? != 2 ] || { echo "Bail out! needs vm-run --monitor"; exit 1; }

# del_while_open C QEMU-ID WHO VFIO-EVENTS-ARGS...: case C, device_del of
# QEMU-ID while WHO (the VF, the PF) is open in vfio-events with its
# eventfds armed: its user must be asked to release it, and exit.
del_while_open() {
	local c=$1 id=$2 who=$3 out h
	shift 3
	vfio-events --timeout 120 "$@" > /tmp/rm$c.out 2>&1 &
	h=$!
	# An open resets the device: over 30 s once on the debug kernel under
	# TCG with the host busy (see f-aer.sh); the wait ends at the line.
	# The cases after it need the device open: without that they fail
	# too (vfio-lib.sh's block).
	check_show /tmp/rm$c.out "$c $who open, eventfds armed" wait_grep /tmp/rm$c.out '^armed' 300 ||
		block "the $who's user in case $c is not armed"
	out=$(vm-monitor "device_del $id" 2>&1)
	check "$c device_del $id accepted ($out)" [ -z "$out" ]
	# pciehp waits 5 s after the attention button before it powers the
	# slot off.
	check_show /tmp/rm$c.out "$c the $who's user was asked to release it" wait_grep /tmp/rm$c.out '^req event' 90
	wait $h
	check "$c the $who's user released it and exited" [ $? = 0 ]
	unblock
}

echo "# 1. device_del of the PF with a VF fd open"
bind "$pf" "$DRV" && set_numvfs "$pf" 2
vf=$(vfs_of "$pf" | sed -n 1p)
vf2=$(vfs_of "$pf" | sed -n 2p)
vfio-open --set-token "$T1" "$pf" > /dev/null
del_while_open 1 pf0 VF --token "$T1" "$vf"
check "1 the VF is gone" gone "$vf"
check "1 the other VF is gone" gone "$vf2"
check "1 the PF is gone" gone "$pf"
check "1 QEMU saw the PF go (DEVICE_DELETED)" sh -c \
	'i=0; while [ $i -lt 100 ]; do vm-monitor "info pci" | grep -q "id \"pf0\"" || exit 0; sleep 0.2; i=$((i + 1)); done; exit 1'

echo "# 2. removal of a VF with its fd open"
bind "$pf1" "$DRV" && set_numvfs "$pf1" 2
vf=$(vfs_of "$pf1" | sed -n 1p)
vf2=$(vfs_of "$pf1" | sed -n 2p)
# Linux offers no sysfs "remove" on a VF (pci_dev_hp_attrs_are_visible()
# hides it); a VF goes away with its PF's SR-IOV.
check "2 a VF has no sysfs remove file" [ ! -e "/sys/bus/pci/devices/$vf/remove" ]
vfio-open --set-token "$T2" "$pf1" > /dev/null
vfio-events --cdev --token "$T2" --timeout 120 "$vf" > /tmp/rm2.out 2>&1 &
h=$!
check_show /tmp/rm2.out "2 VF open, eventfds armed [cdev]" wait_grep /tmp/rm2.out '^armed' 300 ||
	block "the VF's user in case 2 is not armed"
echo 0 > "/sys/bus/pci/devices/$pf1/sriov_numvfs" &
rmh=$!
check_show /tmp/rm2.out "2 the VF's user was asked to release it" wait_grep /tmp/rm2.out '^req event' 60
wait $h
check "2 the VF's user released it and exited" [ $? = 0 ]
wait $rmh
check "2 sriov_numvfs=0 completed" [ $? = 0 ]
unblock
check "2 the VFs are gone" gone "$vf"
both ok "2 C9 PF opens without a token: vf_users is 0 again" "$pf1"
set_numvfs "$pf1" 2
vf2=$(vfs_of "$pf1" | sed -n 2p)
both ok "2 C5 a new VF opens with the token" --token "$T2" "$vf2"

echo "# 3. device_del of the PF with the PF fd open"
del_while_open 3 pf1 PF --token "$T2" "$pf1"
check "3 the VF is gone" gone "$vf2"
check "3 the PF is gone" gone "$pf1"

echo "# the module unloads afterwards"
check "rmmod $MOD" rmmod $MOD
check "the module is gone" [ ! -e /sys/module/$MOD ]
tap_end
