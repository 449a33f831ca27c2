#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The VF token across drivers (issue 19, item 5): a PF bound to vfio-pci-rs
# or to C vfio-pci, each with one VF bound to vfio-pci-rs and one to C
# vfio-pci, every VF opened with no token, its PF's token and a wrong token,
# on the group path and on the cdev path, the exact outcome asserted.  The
# C PF with its C VF is upstream alone, the reference the others are held
# against.  Then what keeps the mixed case from happening by accident: the
# driver_override every new VF gets from its PF's driver.
#
# Predicted from vfio_pci_core.c and src/vfio_pci_rs.rs, and asserted here:
#   - vfio-pci-rs enables SR-IOV through vfio_pci_core_sriov_configure(), so
#     its PF is on the core's list of SR-IOV PFs.  A C vfio-pci VF under it
#     finds it (vfio_pci_vf_init) and is checked against the core's own
#     token of that PF: random, never set (vfio-pci-rs keeps the token in
#     its own state).  No token, a wrong token and even the PF's real token
#     are refused (EACCES): mixed drivers fail closed, never open.  (Issue
#     19 expected upstream's rule for a VF whose PF is not on the list, no
#     token needed; that rule does not apply here.)
#   - a vfio-pci-rs VF under a C vfio-pci PF delegates to
#     vfio_pci_core_match_token_uuid(): the C PF's token opens it, exactly
#     as a C VF.
# Needs two igb PFs (scripts/vm-run --pfs 2) and C vfio-pci beside the
# driver under test, so not the drop-in build (module vfio_pci).  TAP.
. vfio-lib.sh

RIGHT_RS=3f1c1f5e-7a0b-4c47-9a59-6d8f2f3c1a01
RIGHT_C=9b2d7c44-1e6f-4d2a-8b3e-0c5a6f7e8d02
WRONG=d0e4a6b1-5c3f-4e8a-9f70-2b1c3d4e5f03

[ "$DRV" = vfio-pci ] && {
	echo "Bail out! needs C vfio-pci beside the driver under test, not the drop-in"
	exit 1
}
modprobe vfio-pci
modprobe igb
pfr=$(igb_pfs | sed -n 1p)	# the PF of vfio-pci-rs
pfc=$(igb_pfs | sed -n 2p)	# the PF of C vfio-pci
if [ -z "$pfr" ] || [ -z "$pfc" ]; then
	echo "Bail out! needs two igb PFs (vm-run --pfs 2)"
	exit 1
fi
echo 1 > "$PARAMS/enable_sriov"
echo 1 > /sys/module/vfio_pci/parameters/enable_sriov

# override_of DEV: its driver_override, "(null)" when none.
override_of() {
	cat "/sys/bus/pci/devices/$1/driver_override"
}

# both_are WANT A B: A and B are both WANT.
both_are() {
	[ "$2" = "$1" ] && [ "$3" = "$1" ]
}

echo "# the PFs, two VFs each, each PF's token set by its owner (FEATURE SET)"
check "$DRV PF $pfr binds to $DRV" bind "$pfr" "$DRV"
check "baseline: C PF $pfc binds to vfio-pci" bind "$pfc" vfio-pci
check "$DRV PF: sriov_numvfs=2" set_numvfs "$pfr" 2
check "baseline: C PF: sriov_numvfs=2" set_numvfs "$pfc" 2
vfr1=$(vfs_of "$pfr" | sed -n 1p)
vfr2=$(vfs_of "$pfr" | sed -n 2p)
vfc1=$(vfs_of "$pfc" | sed -n 1p)
vfc2=$(vfs_of "$pfc" | sed -n 2p)

echo "# what stops the mixed case by accident: the new VFs' driver_override"
check "new VFs of a $DRV PF get driver_override $DRV ($(override_of "$vfr1"), $(override_of "$vfr2"))" \
	both_are "$DRV" "$(override_of "$vfr1")" "$(override_of "$vfr2")"
check "and bind to $DRV ($(driver_of "$vfr1"), $(driver_of "$vfr2"))" \
	both_are "$DRV" "$(driver_of "$vfr1")" "$(driver_of "$vfr2")"
check "baseline: new VFs of a C vfio-pci PF get driver_override vfio-pci ($(override_of "$vfc1"), $(override_of "$vfc2"))" \
	both_are vfio-pci "$(override_of "$vfc1")" "$(override_of "$vfc2")"
check "baseline: and bind to vfio-pci ($(driver_of "$vfc1"), $(driver_of "$vfc2"))" \
	both_are vfio-pci "$(driver_of "$vfc1")" "$(driver_of "$vfc2")"
# An explicit bind to the other driver is refused while the override
# names ours (the PCI core matches only the override's driver).
unbind "$vfr2"
echo "$vfr2" > /sys/bus/pci/drivers/vfio-pci/bind 2>/dev/null
check "C vfio-pci's bind file refuses a VF whose driver_override is $DRV ($(driver_of "$vfr2"))" \
	[ "$(driver_of "$vfr2")" = none ]
unbind "$vfc2"
echo "$vfc2" > "/sys/bus/pci/drivers/$DRV/bind" 2>/dev/null
check "$DRV's bind file refuses a VF whose driver_override is vfio-pci ($(driver_of "$vfc2"))" \
	[ "$(driver_of "$vfc2")" = none ]

# The mixed pairs take an administrator's deliberate driver_override.
echo "mixed-start[$$]" > /dev/kmsg
check "baseline: a $DRV PF's VF moved to C vfio-pci on purpose" bind "$vfr2" vfio-pci
check "a C PF's VF moved to $DRV on purpose" bind "$vfc2" "$DRV"
warned=$(dmesg | sed -n "/mixed-start\[$$\]/,\$p" |
	grep -c "VF $vfr2 bound to driver vfio-pci while PF bound to driver $DRV")
check "the kernel logs the VF bound to another driver than its PF's ($warned)" [ "$warned" -ge 1 ]

expect_line "set token on $pfr: ok" "the $DRV PF's owner sets its token" --set-token "$RIGHT_RS" "$pfr"
expect_line "set token on $pfc: ok" "baseline: the C PF's owner sets its token" --set-token "$RIGHT_C" "$pfc"

# cell PF-DRV VF-DRV VF RIGHT-TOKEN WANT-NONE WANT-RIGHT WANT-WRONG: the
# three opens of one cell of the matrix, on both paths (vfio-lib.sh's both).
# The cell of C vfio-pci alone is the baseline the others are held to.
cell() {
	cellname="PF $1, VF $2"
	[ "$1:$2" != vfio-pci:vfio-pci ] || cellname="baseline: $cellname"
	both "$5" "$cellname, no token: $5" "$3"
	both "$6" "$cellname, the PF's token: $6" --token "$4" "$3"
	both "$7" "$cellname, a wrong token: $7" --token "$WRONG" "$3"
}

echo "# the matrix: PF driver x VF driver x token x path"
cell vfio-pci vfio-pci "$vfc1" "$RIGHT_C" EACCES ok EACCES	# upstream alone
cell "$DRV" "$DRV" "$vfr1" "$RIGHT_RS" EACCES ok EACCES
cell vfio-pci "$DRV" "$vfc2" "$RIGHT_C" EACCES ok EACCES
cell "$DRV" vfio-pci "$vfr2" "$RIGHT_RS" EACCES EACCES EACCES	# closed

echo "# back where it was"
bind "$vfr2" "$DRV"
expect_open ok "rebound to $DRV, that VF opens with its PF's token" --token "$RIGHT_RS" "$vfr2"
set_numvfs "$pfr" 0
set_numvfs "$pfc" 0
check "SR-IOV off on both PFs" [ -z "$(vfs_of "$pfr")$(vfs_of "$pfc")" ]
unbind "$pfr"
unbind "$pfc"
echo > "/sys/bus/pci/devices/$pfr/driver_override"
echo > "/sys/bus/pci/devices/$pfc/driver_override"
echo N > "$PARAMS/enable_sriov"
echo N > /sys/module/vfio_pci/parameters/enable_sriov
tap_end
