#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The in-tree series' kselftest of the VF token, vfio_pci_vf_token_test
# (tests/selftests/vfio/, patch 4; scripts/check-intree builds it with the
# patched tree's selftests Makefile and scripts/vm-run --add puts it on
# PATH), on the first igb PF bound to the driver under test: each of its
# cases is a case here.  Then the same test with the PF bound to C
# vfio-pci, as one more case: the token is upstream's behaviour (SPEC.md),
# so C vfio-pci passes every case too, which shows the test checks that
# behaviour and not a quirk of ours.  TAP.
. vfio-lib.sh

test=vfio_pci_vf_token_test
pf=$(igb_pfs | sed -n 1p)
[ -n "$pf" ] || { echo "Bail out! no igb PF"; exit 1; }
command -v $test > /dev/null || { echo "Bail out! no $test on PATH (vm-run --add)"; exit 1; }
[ "$DRV" = vfio-pci ] || modprobe vfio-pci

# run DRIVER: the test on $pf bound to DRIVER (SR-IOV allowed), its output
# in /tmp/$test.DRIVER; returns its status.
run() {
	echo 1 > "/sys/module/$(echo "$1" | tr - _)/parameters/enable_sriov"
	bind "$pf" "$1" || { echo "Bail out! cannot bind $pf to $1"; exit 1; }
	$test "$pf" > "/tmp/$test.$1" 2>&1
	st=$?
	unbind "$pf"
	return $st
}

run "$DRV"
rc=$?
# Its cases as they are, its plan left out (this suite prints its own at
# the end), its diagnostics as comments.
grep -E '^(ok|not ok) ' "/tmp/$test.$DRV"
grep -vE '^(ok|not ok) |^1\.\.[0-9]' "/tmp/$test.$DRV" | sed 's/^\([^#]\)/# \1/'
# vfio-lib.sh's counters go on from its cases.
n=$(grep -cE '^(ok|not ok) ' "/tmp/$test.$DRV")
# shellcheck disable=SC2034	# (tap_end's)
fails=$(grep -cE '^not ok |^ok .*# SKIP' "/tmp/$test.$DRV")
ours=$n
check "$test on $DRV: exit status 0 ($rc)" [ "$rc" = 0 ]

if [ "$DRV" = vfio-pci ]; then
	na "baseline: $test on C vfio-pci passes the same cases" \
		"the drop-in is module vfio_pci: C vfio-pci cannot be loaded beside it"
else
	run vfio-pci
	crc=$?
	cpass=$(grep -E '^ok ' "/tmp/$test.vfio-pci" | grep -vc '# SKIP')
	cases=$(grep -cE '^(ok|not ok) ' "/tmp/$test.vfio-pci")
	same() { [ "$crc" = 0 ] && [ "$cpass" = "$cases" ] && [ "$cases" = "$ours" ]; }
	check "baseline: $test on C vfio-pci passes the same cases ($cpass of $cases, exit $crc)" same ||
		grep -E '^not ok |# SKIP' "/tmp/$test.vfio-pci" | sed 's/^/# C vfio-pci: /'
fi

tap_end
