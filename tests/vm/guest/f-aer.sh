#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# AER with open fds (issue 11): QEMU's pcie_aer_inject_error below an igb
# PF bound to vfio-pci-rs while the PF and one of its VFs are open with
# their error eventfds registered (vfio-events).  Linux's AER recovery walks
# every device below the root port, so vfio-pci-core's error_detected runs
# for the PF and its VFs alike: both eventfds must fire, both devices must
# still answer config reads, and the VF token and vf_users must be what
# they were (checked through opens, SPEC C3-C10).  The error is injected
# into the root port, see error_reporting_on.  Needs scripts/vm-run
# --monitor and one igb PF (QEMU ids pf0, rp0).  TAP.
. vfio-lib.sh

T1=52ac9bff-3a88-4fbd-901a-0d767c3b6c97
T2=88594674-90a0-47a9-aea8-9d9b352ac08a

# cfg_or BDF OFFSET BITS: set BITS in the 16-bit config register at OFFSET.
cfg_or() {
	local f=/sys/bus/pci/devices/$1/config v
	v=$(($(od -An -tu2 -j"$2" -N2 "$f" | tr -d ' ') | $3))
	printf "$(printf '\\%03o\\%03o' $((v & 255)) $((v >> 8)))" |
		dd of="$f" bs=1 seek="$2" conv=notrunc 2> /dev/null
}

# QEMU forwards an error message only from devices whose Command register
# has SERR# set and whose Device Control enables that severity.  QEMU's igb
# keeps its Device Control error reporting bits at 0 (read-only), so an
# error injected into the PF never leaves it.  The errors are injected
# into the PF's root port (QEMU id rp0) instead, with SERR# set there
# (Linux does not set it): Linux's recovery for an error of a root port
# walks every device below it, so vfio-pci-core's error_detected runs for
# the PF and its VFs, exactly as for an error reported by the PF.
error_reporting_on() {
	cfg_or "$(basename "$(dirname "$(readlink -f "/sys/bus/pci/devices/$1")")")" 4 0x100
}

echo 1 > /sys/module/$MOD/parameters/enable_sriov
pf=$(igb_pfs | sed -n 1p)
[ -n "$pf" ] || { echo "Bail out! needs an igb PF"; exit 1; }
vm-monitor "info version" > /dev/null
[ $? != 2 ] || { echo "Bail out! needs vm-run --monitor"; exit 1; }
bind "$pf" "$DRV" && set_numvfs "$pf" 2
vf=$(vfs_of "$pf" | sed -n 1p)
vf2=$(vfs_of "$pf" | sed -n 2p)
vfio-open --set-token "$T1" "$pf" > /dev/null

# round ERROR PATH-PF PATH-VF: one injection with both devices open.
round() {
	local err=$1 pfp=$2 vfp=$3 c_pf= c_vf=
	[ "$pfp" = cdev ] && c_pf=--cdev
	[ "$vfp" = cdev ] && c_vf=--cdev
	echo "# $err: PF open on the $pfp path, VF on the $vfp path"
	# The VF user holds the device until it is killed below: a timeout
	# of its own would let it close while the PF cases still count on it
	# (CI once saw the PF take over 120 s, the VF user's 90 s ran out, and
	# C6/C7 then opened the PF without a token, rightly: nothing was open).
	vfio-events $c_vf --token "$T1" --until req --timeout 86400 "$vf" > /tmp/aer-vf.out 2>&1 &
	vfh=$!
	# An open resets the device: on the debug kernel under TCG, with the
	# host busy, that took over 30 s once.  The wait ends at the line.
	# The cases after it need the VF open: without that they fail too
	# (vfio-lib.sh's block), and likewise below for the PF.
	check_show /tmp/aer-vf.out "AER $err: VF open, eventfds armed [$vfp]" \
		wait_grep /tmp/aer-vf.out '^armed' 300 || block "the VF user of this round is not armed"
	# The PF user's timeout counts from "armed": the injection follows.
	vfio-events $c_pf --token "$T1" --until err --timeout 300 "$pf" > /tmp/aer-pf.out 2>&1 &
	pfh=$!
	check_show /tmp/aer-pf.out "AER $err: PF open with the token (C8), eventfds armed [$pfp]" \
		wait_grep /tmp/aer-pf.out '^armed' 300 || block "the PF user of this round is not armed"
	error_reporting_on "$pf"
	out=$(vm-monitor "pcie_aer_inject_error rp0 $err" 2>&1)
	check "AER $err: injected on rp0, pf0's root port ($out)" sh -c "echo '$out' | grep -q '^OK id: rp0'"
	check "AER $err: the PF's error eventfd fired" wait_grep /tmp/aer-pf.out '^err event' 60
	check "AER $err: the PF answers config reads after recovery" \
		wait_grep /tmp/aer-pf.out "^config $pf: 8086:10c9"
	check "AER $err: the VF's error eventfd fired" wait_grep /tmp/aer-vf.out '^err event' 30
	check "AER $err: the VF answers config reads after recovery" \
		wait_grep /tmp/aer-vf.out "^config $vf: 8086:10ca"
	wait $pfh
	check_show /tmp/aer-pf.out "AER $err: the PF user exited cleanly" [ $? = 0 ]
	# The VF is still open: vf_users must still be 1, the token T1.
	check_show /tmp/aer-vf.out "AER $err: the VF user still holds the VF" kill -0 "$vfh"
	both EACCES "AER $err: C6 PF without a token while the VF is open" "$pf"
	expect_open EACCES "AER $err: C7 PF with a wrong token while the VF is open" --token "$T2" "$pf"
	both ok "AER $err: C8 PF with the token while the VF is open" --token "$T1" "$pf"
	both ok "AER $err: C5 the other VF opens with the token" --token "$T1" "$vf2"
	both EACCES "AER $err: C3 the other VF without a token" "$vf2"
	kill "$vfh"
	wait "$vfh"
	both ok "AER $err: C9 vf_users back to 0 once the VF closed" "$pf"
	both ok "AER $err: C5 the token is unchanged" --token "$T1" "$vf"
	check "AER $err: the PF is still bound" [ "$(driver_of "$pf")" = "$DRV" ]
	check "AER $err: the VFs are still bound" \
		[ "$(driver_of "$vf")/$(driver_of "$vf2")" = "$DRV/$DRV" ]
	unblock
}

# Non-fatal (severity bit clear by default): the devices are not reset.
round COMP_ABORT group group
round COMP_ABORT cdev cdev
# Fatal: the link below the root port is reset, and the devices with it.
round DLP group cdev

dmesg | grep -iE 'aer|pcieport' | tail -n 20 | sed 's/^/# /'
# Later opens keep following SPEC after everything: C10 still sets the token.
expect_open ok "AER: C10 PF opens with a new token afterwards" --token "$T2" "$pf"
both ok "AER: C5 the VF opens with the new token" --token "$T2" "$vf"
set_numvfs "$pf" 0
unbind "$pf"
tap_end
