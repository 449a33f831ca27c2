#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Fuzz the ioctls that carry the VF token (vfio-fuzz: the group path's
# device string, VFIO_DEVICE_FEATURE, VFIO_DEVICE_BIND_IOMMUFD) on a PF, one
# of its VFs and the edu device, then check that the token state survived:
# the right token still opens the VF, a wrong one is still refused, and the
# other PF's token was not touched.  A kernel splat fails the whole run
# (scripts/vm-run checks the log).  Needs two igb PFs and the edu device
# (scripts/vm-run --pfs 2 --edu).  TAP.
#
#   FUZZ_ITERATIONS  calls per target (default 2000; nine targets)
#   FUZZ_SECONDS     stop the fuzzer after this long (default 400); a
#                    fuzzer stopped by it did not reach all three phases
#                    (or ended one early) and fails the suite
#   FUZZ_SEED        the PRNG seed (default: from the clock, printed)
. vfio-lib.sh

# Tokens of this suite only, so that a leak can be traced to it.
TOKEN=2f1e6a7c-9d04-4b8e-a1c3-5e7d9f0b2c46
TOKEN2=c4b3a291-0f8e-4d7c-b6a5-948372615e0f
WRONG=2f1e6a7c-9d04-4b8e-a1c3-5e7d9f0b2c47

params=/sys/module/vfio_pci_rs/parameters
need_pfs_edu

echo 1 > $params/enable_sriov
bind "$pf" vfio-pci-rs
bind "$pf2" vfio-pci-rs
bind "$edu" vfio-pci-rs
set_numvfs "$pf" 2
set_numvfs "$pf2" 1
vf=$(vfs_of "$pf" | sed -n 1p)
vf2=$(vfs_of "$pf" | sed -n 2p)
vfb=$(vfs_of "$pf2" | sed -n 1p)
vfio-open --set-token "$TOKEN" "$pf" > /dev/null
vfio-open --set-token "$TOKEN2" "$pf2" > /dev/null
check "setup: the VF opens with the token before fuzzing" \
	sh -c "vfio-open --token $TOKEN $vf > /dev/null"

seed=${FUZZ_SEED:+--seed $FUZZ_SEED}
start=$(date +%s)
# shellcheck disable=SC2086
vfio-fuzz --pf "$pf" --vf "$vf" --edu "$edu" --token "$TOKEN" \
	--other "$pf2" --other "$vfb" --other "$vf2" \
	--iterations "${FUZZ_ITERATIONS:-2000}" --max-seconds "${FUZZ_SECONDS:-400}" $seed \
	> /tmp/fuzz.out 2>&1
status=$?
took=$(($(date +%s) - start))
sed 's/^\([^#]\)/# \1/' /tmp/fuzz.out
summary=$(grep '^fuzz: ' /tmp/fuzz.out)
# One case for the verdict: vfio-fuzz exits 0 only when nothing was
# unexpected, and its summary line must say so after at least one call.
check "the fuzzer made calls and none was unexpected (exit $status, ${took}s; ${summary:-no summary line})" \
	sh -c '[ "$1" = 0 ] && echo "$2" | grep -q "^fuzz: [1-9][0-9]* calls, 0 unexpected$"' \
	_ "$status" "$summary"
# vfio-fuzz exits 0 when its time limit stops it, even before phases 2
# and 3: the suite must not pass on phase 1 alone.
phases=$(grep -c '^# VFIO_\(GROUP_GET_DEVICE_FD\|DEVICE_FEATURE\|DEVICE_BIND_IOMMUFD\) phase: ' /tmp/fuzz.out)
stopped=$(grep -c '^# stopped at the time limit' /tmp/fuzz.out)
check "the fuzzer ran all three phases to the end ($phases phases, $stopped stops at the time limit)" \
	[ "$phases:$stopped" = 3:0 ]

echo "# The token state after fuzzing"
both ok "the VF opens with the PF's token" --token "$TOKEN" "$vf"
both EACCES "the VF refuses a wrong token" --token "$WRONG" "$vf"
both EACCES "the VF refuses no token" "$vf"
expect_open ok "the other VF of the PF opens with the token" --token "$TOKEN" "$vf2"
both ok "the PF opens" "$pf"
both ok "the other PF's VF opens with its own token" --token "$TOKEN2" "$vfb"
expect_open EACCES "the other PF's VF refuses the fuzzed PF's token" --token "$TOKEN" "$vfb"
both ok "the edu device opens" "$edu"
expect_open EINVAL "the edu device refuses a token" --token "$TOKEN" "$edu"

echo "# The fuzzer itself"
vfio-fuzz --pf "$pf" --vf "$vf" --edu "$edu" --token "$WRONG" --iterations 20 \
	> /tmp/fuzz-wrong.out 2>&1
grep -m1 UNEXPECTED /tmp/fuzz-wrong.out
check "self-test: told a wrong token, the fuzzer reports unexpected results" \
	grep -q '^fuzz: [0-9]* calls, [1-9][0-9]* unexpected$' /tmp/fuzz-wrong.out

set_numvfs "$pf" 0
set_numvfs "$pf2" 0
check "the VFs are gone" [ -z "$(vfs_of "$pf")$(vfs_of "$pf2")" ]
for d in "$pf" "$pf2" "$edu"; do
	unbind "$d"
	echo > "/sys/bus/pci/devices/$d/driver_override"
done
echo N > $params/enable_sriov

tap_end
