#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The VF token, row by row of SPEC.md, on the group path (VFIO_GROUP_GET_
# DEVICE_FD "BDF vf_token=UUID") and the cdev path (VFIO_DEVICE_BIND_IOMMUFD
# with VFIO_DEVICE_BIND_FLAG_TOKEN), with the exact errno.  Every case name
# starts with its SPEC row.  Needs two igb PFs and the edu device
# (scripts/vm-run --pfs 2 --edu).  Runs the same under the drop-in name
# (vm-run --drop-in), where the rows that need C vfio-pci beside it are not
# applicable.  TAP.
. vfio-lib.sh

# Tokens of this suite only: the host searches its console log for each
# (SECRET, below), and a hit names the suite whose token leaked.  The
# guessable tokens below are only ever wrong guesses, and zeros or ones
# are printed by the kernel for other reasons: not declared.
T1=4c7e2a91-0b3d-4f58-a6e2-9d1c8b5f3a70
T1_UPPER=4C7E2A91-0B3D-4F58-A6E2-9D1C8B5F3A70
T2=b93f5d08-7e21-4c6a-8f4b-2a0d6e9c1b35
T3=1e8a4c6f-d259-47b0-b3e1-7f5a0c2d8e96
declare_secrets "$T1" "$T2" "$T3"
# Every kernel line of this suite reaches the console, for that search.
console_all

echo 1 > "$PARAMS/enable_sriov"
[ "$DRV" = vfio-pci ] || modprobe vfio-pci
modprobe igb
need_pfs_edu
unbind "$pf2"
bind "$pf" $DRV
set_numvfs "$pf" 2
vf=$(vfs_of "$pf" | sed -n 1p)
vf2=$(vfs_of "$pf" | sed -n 2p)

echo "# Stage C before any token was set: the random default"
both EACCES "C4 VF with a guessed token before any was set" --token "$T1" "$vf"
both EACCES "C3 VF of an owned PF without a token" "$vf"
# SPEC 0: the initial token is random, never all-zero, never predictable.
# No path reads it back, but a constant or a counter in its place is
# one of these, which must be refused like any other wrong token.
for t in 00000000-0000-0000-0000-000000000000 00000000-0000-0000-0000-000000000001 \
	01000000-0000-0000-0000-000000000000 ffffffff-ffff-ffff-ffff-ffffffffffff; do
	expect_open EACCES "C4 VF with the guessable token $t before any was set" --token "$t" "$vf"
done

echo "# Stage A: the device string (group path), on the PF without VF users"
expect_open ENODEV "A1 another device's name matches nothing" --raw "0000:7f:00.0" "$pf"
expect_open ENODEV "A2 name followed by a tab" --raw "$pf	vf_token=$T1" "$pf"
expect_open ENODEV "A2 name followed by x" --raw "${pf}x" "$pf"
expect_open ENODEV "A2 name followed by a newline" --raw "$pf
" "$pf"
expect_open ok "A3 the name alone" --raw "$pf" "$pf"
expect_open ok "A3 the name and spaces" --raw "$pf   " "$pf"
expect_open EINVAL "A5 vf_token= with fewer than 36 chars" --raw "$pf vf_token=52ac9bff-3a88" "$pf"
expect_open EINVAL "A6 36 chars that are not a UUID" --raw "$pf vf_token=52ac9bff+3a88-4fbd-901a-0d767c3b6c97" "$pf"
expect_open EINVAL "A6 a non-hex digit" --raw "$pf vf_token=52ac9bff-3a88-4fbd-901a-0d767c3b6c9g" "$pf"
expect_open EINVAL "A7 a non-space right after the UUID" --raw "$pf vf_token=${T2}x" "$pf"
expect_open EINVAL "A8 unknown key" --raw "$pf foo=1" "$pf"
expect_open EINVAL "A8 upper-case key" --raw "$pf VF_TOKEN=$T2" "$pf"
expect_open EINVAL "A8 space before =" --raw "$pf vf_token =$T2" "$pf"
expect_open EINVAL "A8 stray word" --raw "$pf please" "$pf"
expect_open EINVAL "A9 vf_token twice, identical" --raw "$pf vf_token=$T2 vf_token=$T2" "$pf"
expect_open EINVAL "A10 a tab between options" --raw "$pf 	vf_token=$T2" "$pf"
expect_open EACCES "A stage A errors have no side effect (token not set)" --token "$T2" "$vf"

echo "# Stage C"
expect_open ok "A4 C10 PF opens with a token amid spaces and sets it" --raw "$pf   vf_token=$T1  " "$pf"
both ok "C5 VF opens with the PF's token while the PF is closed" --token "$T1" "$vf"
expect_open ok "A6 an upper-case token is the same token" --token "$T1_UPPER" "$vf"
both EACCES "C4 VF with a wrong token" --token "$T2" "$vf"
both EACCES "C3 VF without a token" "$vf"
both ok "C9 PF without a token and no VF users" "$pf"
expect_open ok "C9 left the token unchanged" --token "$T1" "$vf"
why=$(cdev_na)
if [ -z "$why" ]; then
	expect_open ok "C10 PF opens on the cdev path with a new token" --cdev --token "$T2" "$pf"
else
	na "C10 PF opens on the cdev path with a new token" "$why"
	expect_open ok "C10 PF opens on the group path with a new token" --token "$T2" "$pf"
fi
both ok "C10 the new token opens the VF" --token "$T2" "$vf"
expect_open EACCES "C10 the old token no longer does" --token "$T1" "$vf"
# The group path without a container: vfio runs match(), where the token
# is decided, and only then refuses the open itself (EINVAL).
expect_open EINVAL "C10 a PF open with a token that fails after match (group, no container)" \
	--no-container --token "$T1" "$pf"
both ok "C10 that failed open set the token: the VF opens with it" --token "$T1" "$vf"
expect_open EACCES "C10 the token before it no longer does" --token "$T2" "$vf"
expect_open ok "C10 a PF open sets the earlier token again" --token "$T2" "$pf"

# Held until released; a holder that does not open fails the cases that
# need it (vfio-lib.sh's hold).
hold "C5 a VF user holds the VF" --token "$T2" "$vf"
both EACCES "C6 PF without a token while a VF is open" "$pf"
both EACCES "C7 PF with a wrong token while a VF is open" --token "$T1" "$pf"
both ok "C8 PF with the right token while a VF is open" --token "$T2" "$pf"
expect_open ok "C8 left the token unchanged" --token "$T2" "$vf2"
expect_line "set token on $pf: ok" "4 SET is allowed while a VF is open" --token "$T2" --set-token "$T3" "$pf"
expect_open ok "4 SET took effect for new VF opens" --token "$T3" "$vf2"
release "C5 the VF user held the VF until released" $holder
# The kernel's answer on the held fd after the SET, not the holder's own
# "open: ok" from before it.
check "4 the VF opened before the SET stayed usable until it closed" grep -q "^held $vf: ok" "$holder_out"
expect_open ok "0 vf_users is back to 0 once the VF closed" "$pf"

hold "0 a VF user holds the VF with two fds" --twice --token "$T3" "$vf"
check "0 two fds on one VF (group path)" wait_grep "$holder_out" '^second open .*: ok$' 60
h1=$holder
# The second VF on the cdev path where the kernel has one.
path=
[ -n "$(cdev_na)" ] || path=--cdev
hold "0 a second VF user holds the second VF" $path --token "$T3" "$vf2"
expect_open EACCES "0 a PF needs the token while VFs are open" "$pf"
release "0 both VF users held their VFs until released" $h1 $holder
expect_open ok "0 vf_users counts devices, not fds: back to 0 after close" "$pf"

echo "# Section 4: VFIO_DEVICE_FEATURE_PCI_VF_TOKEN"
# flags: GET 0x10000, SET 0x20000, PROBE 0x40000; feature index 0
expect_line "feature: ENOTTY" "4 on a VF: ENOTTY" --token "$T3" --feature 20000:16 "$vf"
expect_line "feature: ENOTTY" "4 PROBE on a VF: ENOTTY before any flag check" --token "$T3" --feature 50000:0 "$vf"
expect_line "feature: EINVAL" "4 GET on a PF: EINVAL" --feature 10000:16 "$pf"
expect_line "feature: EINVAL" "4 GET|SET: EINVAL" --feature 30000:16 "$pf"
expect_line "feature: EINVAL" "4 GET|PROBE: EINVAL" --feature 50000:16 "$pf"
expect_line "feature: ok" "4 PROBE: 0" --feature 40000:0 "$pf"
expect_line "feature: ok" "4 PROBE|SET: 0" --feature 60000:0 "$pf"
expect_line "feature: EINVAL" "4 neither GET nor SET: EINVAL" --feature 0:16 "$pf"
expect_line "feature: EINVAL" "4 SET with 15 payload bytes: EINVAL" --feature 20000:15 "$pf"
expect_line "feature: EFAULT" "4 SET with an unmapped payload: EFAULT" --feature-fault "$pf"
expect_open ok "4 failed SETs left the token alone" --token "$T3" "$vf"
expect_line "set token on $pf: ok" "4 SET" --set-token "$T1" "$pf"
expect_open ok "4 SET: the VF opens with the new token" --token "$T1" "$vf"

echo "# The token's life"
set_numvfs "$pf" 0 && set_numvfs "$pf" 2
vf=$(vfs_of "$pf" | sed -n 1p)
vf2=$(vfs_of "$pf" | sed -n 2p)
expect_open ok "5 the token survives sriov_numvfs 2 -> 0 -> 2" --token "$T1" "$vf"

bind "$pf2" $DRV && set_numvfs "$pf2" 1
vfb=$(vfs_of "$pf2" | sed -n 1p)
vfio-open --set-token "$T2" "$pf2" > /dev/null
expect_open EACCES "0 two PFs: PF2's VF refuses PF1's token" --token "$T1" "$vfb"
expect_open ok "0 two PFs: PF2's VF opens with PF2's token" --token "$T2" "$vfb"
expect_open ok "0 two PFs: PF1's VF still opens with PF1's token" --token "$T1" "$vf"
set_numvfs "$pf2" 0

echo "# Mixed drivers fail closed"
if [ "$DRV" = vfio-pci ]; then
	why="the drop-in is module vfio_pci: C vfio-pci cannot be loaded beside it"
	for c in "3 a VF of our PF bound to C vfio-pci: no token [group]" \
		"3 a VF of our PF bound to C vfio-pci: no token [cdev]" \
		"3 a VF of our PF bound to C vfio-pci: not even our token" \
		"3 rebound to our driver it opens with the token" \
		"3 our VF under a C vfio-pci PF: no token [group]" \
		"3 our VF under a C vfio-pci PF: no token [cdev]" \
		"3 our VF under a C vfio-pci PF: wrong token" \
		"3 our VF under a C vfio-pci PF: that PF's token [group]" \
		"3 our VF under a C vfio-pci PF: that PF's token [cdev]"; do
		na "$c" "$why"
	done
else
	bind "$vf2" vfio-pci
	both EACCES "3 a VF of a $DRV PF bound to C vfio-pci: no token" "$vf2"
	expect_open EACCES "3 a VF of a $DRV PF bound to C vfio-pci: not even our token" --token "$T1" "$vf2"
	bind "$vf2" $DRV
	expect_open ok "3 rebound to $DRV it opens with the token" --token "$T1" "$vf2"

	bind "$pf2" vfio-pci
	echo 1 > /sys/module/vfio_pci/parameters/enable_sriov
	set_numvfs "$pf2" 1
	vfb=$(vfs_of "$pf2" | sed -n 1p)
	bind "$vfb" $DRV
	vfio-open --set-token "$T3" "$pf2" > /dev/null
	both EACCES "3 a $DRV VF under a C vfio-pci PF: no token" "$vfb"
	expect_open EACCES "3 a $DRV VF under a C vfio-pci PF: wrong token" --token "$T1" "$vfb"
	both ok "3 a $DRV VF under a C vfio-pci PF: that PF's token" --token "$T3" "$vfb"
	set_numvfs "$pf2" 0
fi

bind "$pf2" igb && set_numvfs "$pf2" 1
vfb=$(vfs_of "$pf2" | sed -n 1p)
bind "$vfb" $DRV
both ok "C1 a VF whose PF is on a non-vfio driver, no token" "$vfb"
both EINVAL "C2 a VF whose PF is on a non-vfio driver, with a token" --token "$T1" "$vfb"
set_numvfs "$pf2" 0
unbind "$pf2"

bind "$edu" $DRV
both ok "C11 neither PF nor VF, no token" "$edu"
both EINVAL "C12 neither PF nor VF, with a token" --token "$T1" "$edu"
expect_line "feature: ENOTTY" "4 on a device that is neither: ENOTTY" --feature 20000:16 "$edu"
unbind "$edu"

set_numvfs "$pf" 0 && unbind "$pf" && bind "$pf" $DRV && set_numvfs "$pf" 1
vf=$(vfs_of "$pf" | sed -n 1p)
expect_open EACCES "5 a PF rebind starts a new random token: the old one is refused" --token "$T1" "$vf"

echo "# sriov_numvfs=0 waits for an open VF"
vfio-open --set-token "$T2" "$pf" > /dev/null
# The holder keeps its fd until it is killed: no timing is assumed.
hold "7 a VF user holds the VF" --token "$T2" "$vf"
# The write removes the VFs, and the removal of the held one waits in
# vfio_unregister_group_dev() for its user to close it: in
# wait_for_completion_interruptible_timeout(), 10 s at a time (a
# schedule_timeout() sleep), asking the user each time (ops->request).  So
# the writer sleeps, state S (D once a signal has interrupted that wait,
# which then goes on uninterruptible), with vfio_unregister_group_dev() on
# its stack (/proc/PID/stack; its wchan reads process_timeout, the timer of
# that sleep, which the test kernel's guess unwinder finds first), and
# vfio-pci-core says, the first time it is asked, that the VF has no
# request channel and waits for its user.  Those are the assertion, not
# that the writer is still alive after some seconds.
mark=$(kmsg_mark "numvfs=0 with $vf held")
set_numvfs "$pf" 0 &
writer=$!
# writer_state PID: "STATE WCHAN FRAMES" of PID, as /proc says: FRAMES are
# its stack's vfio functions ("gone" when it has exited, "Z" when it has
# but is not reaped yet).
writer_state() {
	local st
	st=$(sed -n 's/^.*) \([A-Za-z]\) .*/\1/p' "/proc/$1/stat" 2> /dev/null)
	echo "${st:-gone} $(cat "/proc/$1/wchan" 2> /dev/null)" \
		$(sed -n 's/^\[<[0-9a-f]*>\] \(vfio[a-z_]*\).*/\1/p' "/proc/$1/stack" 2> /dev/null)
}
waits_in_vfio() {
	seen=$(writer_state "$1")
	case "$seen" in
	[SD]" "*" vfio_unregister_group_dev"*) ;;
	*) return 1 ;;
	esac
	since_mark "$mark" | grep -qxF "$DRV $vf: No device request channel registered, blocked until released by user"
}
wait_until 60 waits_in_vfio "$writer"
check "7 sriov_numvfs=0 blocks while the VF fd is open (writer: $seen)" waits_in_vfio "$writer"
check "7 the held VF is still there meanwhile" [ -e "/sys/bus/pci/devices/$vf" ]
kill "$holder"
wait "$holder" 2> /dev/null
unblock
# Once the fd is closed the removal finishes and the write returns: the
# writer's state is Z (exited, not reaped) or it is gone.
writer_done() { case $(writer_state "$1") in Z* | gone*) return 0 ;; esac; return 1; }
if wait_until 60 writer_done "$writer"; then
	wait "$writer"
	st=$?
else
	st="still blocked after 60 s: $(writer_state "$writer")"
	kill -9 "$writer" 2> /dev/null
fi
check "7 the write completes once the VF fd is closed (status $st)" [ "$st" = 0 ]
check "7 then the VFs are gone" [ -z "$(vfs_of "$pf")" ]

echo "# Reasons in the kernel log, and no token anywhere"
sleep 6	# let the rate limit's window pass
set_numvfs "$pf" 1
vf=$(vfs_of "$pf" | sed -n 1p)
vfio-open --set-token "$T2" "$pf" > /dev/null
reason() {
	local want=$1 desc=$2 last
	shift 2
	vfio-open "$@" > /dev/null 2>&1
	last=$(dmesg | grep "$DRV " | tail -n1)
	case "$last" in *"$want"*) ok "$desc" ;; *) not_ok "$desc (last: $last)" ;; esac
}
reason "VF token required" "3 reason: token required" "$vf"
reason "incorrect VF token" "3 reason: token incorrect" --token "$T1" "$vf"
reason "truncated vf_token" "3 reason: truncated option" --raw "$vf vf_token=zz" "$vf"
reason "malformed vf_token" "3 reason: malformed option" --raw "$vf vf_token=52ac9bff+3a88-4fbd-901a-0d767c3b6c97" "$vf"
reason "unknown option" "3 reason: unknown option" --raw "$vf foo=1" "$vf"
reason "unexpected characters after vf_token" "3 reason: characters right after the token" \
	--raw "$vf vf_token=${T2}x" "$vf"
reason "duplicate vf_token" "3 reason: duplicate option" --raw "$vf vf_token=$T2 vf_token=$T2" "$vf"

# The line is rate limited (10 a window of 5 s, a state per reason): a
# flood prints the burst and counts the rest, which the next
# window reports ("N callbacks suppressed", as ___ratelimit() does).
BADSTR="$vf vf_token=52ac9bff+3a88-4fbd-901a-0d767c3b6c97"
sleep 6	# a new window
# Lines are counted after a marker written to the kernel log, not as the
# difference of two counts: the test kernel's small log buffer drops old
# lines while the flood is logged.
# The markers carry this run's pid: a boot may run the suite twice
# (make check-distro-smoke), and the log keeps the first run's lines.
since() { dmesg | sed -n "/t-token\[$$\]: $1\$/,\$p"; }
echo "t-token[$$]: flood" > /dev/kmsg
vfio-bench open 200 "$vf" "$BADSTR" EINVAL > /dev/null
printed=$(since flood | grep -c "$DRV .*: malformed vf_token")
# Under TCG the flood may outlast one 5-s window: each window prints its
# burst of 10 and counts the rest, so what is printed and what is reported
# suppressed add up to the 200, whatever the number of windows.
check "3 a flood of 200 refusals prints bursts of 10, not every line ($printed)" \
	sh -c '[ "$1" -ge 10 ] && [ "$1" -lt 200 ]' _ "$printed"
# One rate limit per reason, as C has one per call site: the flood of one
# reason leaves another's line printed, in the same window.
echo "t-token[$$]: after the flood" > /dev/kmsg
vfio-open "$vf" > /dev/null 2>&1
other=$(since "after the flood" | grep -c "$DRV .*: VF token required")
check "3 and another reason is still printed in that window ($other)" [ "$other" = 1 ]
sleep 6
# Counted after a marker, not the last line: the flood's own lines say the
# same.
echo "t-token[$$]: next window" > /dev/kmsg
vfio-open --raw "$BADSTR" "$vf" > /dev/null 2>&1
again=$(since "next window" | grep -c "$DRV .*: malformed vf_token")
check "3 the next window prints the line again ($again)" [ "$again" = 1 ]
# The report names the reason's rate limit (src/vfio/ratelimit.rs), as
# ___ratelimit() names the function of the call site.
got=$(since flood |
	sed -n 's/.*: MatchError::MalformedToken: \([0-9]*\) callbacks suppressed.*/\1/p' |
	awk '{ n += $1 } END { print n + 0 }')
check "3 and reports the $((200 - printed)) suppressed ones (${got:-none})" [ "${got:-0}" = $((200 - printed)) ]
set_numvfs "$pf" 0
bind "$pf2" igb && set_numvfs "$pf2" 1
vfb=$(vfs_of "$pf2" | sed -n 1p)
bind "$vfb" $DRV
reason "PF not bound" "3 reason: PF not owned" --token "$T1" "$vfb"
set_numvfs "$pf2" 0
unbind "$pf2"
bind "$edu" $DRV
reason "not a PF or VF" "3 reason: a token for a device that is neither PF nor VF" --token "$T1" "$edu"
unbind "$edu"
unbind "$pf"

leaks=0
for t in $T1 $T2 $T3; do
	hex=$(echo "$t" | tr -d -)
	upper=$(echo "$t" | tr a-f A-F)
	for pat in "$t" "$upper" "$hex" "$(echo "$hex" | tr a-f A-F)"; do
		dmesg | grep -qi "$pat" && leaks=$((leaks + 1))
	done
done
check "3 no token appears in the kernel log" [ "$leaks" = 0 ]

tap_end
