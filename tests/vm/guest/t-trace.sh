#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The trace events (system vfio_pci_rs, include/vfio_pci_rs_trace.h): each
# operation of the SPEC's cases leaves exactly the events it should, with
# every field as it should be (each event line compared whole, the task's
# pid with the pid of the record), and a burst of refusals far above the
# log's rate limit leaves one event per refusal.  Only this module's
# events are traced, in a buffer cleared before each operation.  Needs two
# igb PFs and the edu device (scripts/vm-run --pfs 2 --edu).  Runs the same
# under the drop-in name, without the case that needs C vfio-pci beside
# it.  TAP.
. vfio-lib.sh

T1=0d4b8e2f-6a1c-4f3e-9b7d-2c5a8e1f0b64
T2=93e1c7a5-2f4d-4b8e-a6c0-7d2e9f1b3a58
declare_secrets "$T1" "$T2"

tracefs_mount
[ -d $tracing/events/vfio_pci_rs ] || {
	echo "Bail out! no trace events vfio_pci_rs (tracefs: $(ls $tracing 2>&1 | head -n1))"
	exit 1
}

echo 1 > "$PARAMS/enable_sriov"
modprobe igb
need_pfs_edu

# Only our events, nothing else in the buffer, which holds the burst below
# whole: a suite that counts events sets the size it needs rather than
# trust what the suites before left, and puts back the size it found.
echo 0 > $tracing/tracing_on
echo 0 > $tracing/events/enable
was_kb=$(trace_buffer_kb)
echo 1024 > $tracing/buffer_size_kb
echo 1 > $tracing/events/vfio_pci_rs/enable
echo 1 > $tracing/tracing_on

# events: the events of this module in the buffer, one a line, as
# "EVENT: FIELDS"; a pid= field that is the pid of the task of the record
# reads pid=TASK.
events() { events_in $tracing/trace; }
# has_lines FILE N: FILE has N lines or more.
has_lines() { [ "$(wc -l < "$1")" -ge "$2" ]; }
# events_in FILE: the same, of FILE (- for standard input).
events_in() {
	awk '!/^#/ && match($0, / vfio_pci_rs_[a-z_]*: /) {
		task = $1; sub(/.*-/, "", task)
		body = substr($0, RSTART + 1)
		if (body ~ ("pid=" task "$"))
			sub(/pid=[0-9]*$/, "pid=TASK", body)
		print body
	}' "$1"
}

# expect_events DESC WANT CMD...: with the buffer cleared, CMD leaves
# exactly the events WANT (lines), in that order.
expect_events() {
	local desc=$1 want=$2 got
	shift 2
	echo > $tracing/trace
	"$@" > /tmp/trace-op.out 2>&1
	got=$(events)
	if [ "$got" = "$want" ]; then
		ok "$desc"
	else
		not_ok "$desc"
		echo "# want:"; echo "$want" | sed 's/^/#   /'
		echo "# got:"; echo "$got" | sed 's/^/#   /'
		echo "# the operation said:"; sed 's/^/#   /' /tmp/trace-op.out | head -n 5
	fi
}

# open_ev DEV PF ROLE PATH TOKEN VERDICT REASON ERR: the event line of one
# open decision.
open_ev() {
	echo "vfio_pci_rs_open: $1 pf=$2 role=$3 path=$4 token=$5 verdict=$6 reason=$7 err=$8"
}
users_ev() { echo "vfio_pci_rs_vf_users: $1 vf=$2 $3 users=$4"; }
set_ev() { echo "vfio_pci_rs_token_set: $1 path=$2 comm=vfio-open pid=TASK"; }
nl='
'
# The cdev cases run on the cdev path where the kernel has one, on the group
# path where it has none (Debian's kernels: no iommufd), so that every case
# runs on every kernel; the description names the path taken.
if [ -n "$(cdev_na)" ]; then
	echo "# $(cdev_na): the [cdev] cases take the group path"
	cdev= cp=group
else
	cdev=--cdev cp=cdev
fi

echo "# The format of each event: its fields, none with the token"
fields() {
	sed -n 's/^\tfield:\([^;]*\);.*/\1/p' $tracing/events/vfio_pci_rs/$1/format |
		grep -v ' common_' | sed 's/  */ /g' | tr '\n' ',' | sed 's/,$//'
}
check_fields() {
	local got
	got=$(fields "$1")
	if [ "$got" = "$2" ]; then ok "format of $1: $2"; else not_ok "format of $1: $got, want $2"; fi
}
check_fields vfio_pci_rs_open "__data_loc char[] dev,__data_loc char[] pf,u8 role,u8 path,bool token,__data_loc char[] reason,int err"
check_fields vfio_pci_rs_token_set "__data_loc char[] dev,u8 path,char comm[16],pid_t pid"
check_fields vfio_pci_rs_vf_users "__data_loc char[] pf,__data_loc char[] vf,bool up,u32 users"
check_fields vfio_pci_rs_sriov_configure "__data_loc char[] dev,int num_vfs"
check_fields vfio_pci_rs_sriov_configure_done "__data_loc char[] dev,int num_vfs,int ret"

echo "# sriov_configure"
unbind "$pf2"
bind "$pf" $DRV
expect_events "5 enabling 2 VFs: request and result" \
	"vfio_pci_rs_sriov_configure: $pf num_vfs=2${nl}vfio_pci_rs_sriov_configure_done: $pf num_vfs=2 ret=2" \
	set_numvfs "$pf" 2
vf=$(vfs_of "$pf" | sed -n 1p)
vf2=$(vfs_of "$pf" | sed -n 2p)

echo "# Stage C on our PF's VFs, both paths"
expect_events "C3 VF without a token [group]" \
	"$(open_ev "$vf" "$pf" vf group none deny required -13)" vfio-open "$vf"
expect_events "C3 VF without a token [$cp]" \
	"$(open_ev "$vf" "$pf" vf $cp none deny required -13)" vfio-open $cdev "$vf"
expect_events "C4 VF with a token never set [group]" \
	"$(open_ev "$vf" "$pf" vf group given deny incorrect -13)" vfio-open --token "$T1" "$vf"
expect_events "C10 PF open with a token sets it [group]: token_set by the task, then the open" \
	"$(set_ev "$pf" group)$nl$(open_ev "$pf" - pf group given allow - 0)" vfio-open --token "$T1" "$pf"
expect_events "C5 VF with the right token [$cp]: allowed, VF users 1 then 0" \
	"$(open_ev "$vf" "$pf" vf $cp given allow - 0)$nl$(users_ev "$pf" "$vf" open 1)$nl$(users_ev "$pf" "$vf" close 0)" \
	vfio-open $cdev --token "$T1" "$vf"
expect_events "C4 VF with a wrong token [$cp]" \
	"$(open_ev "$vf" "$pf" vf $cp given deny incorrect -13)" vfio-open $cdev --token "$T2" "$vf"
expect_events "C10 PF open with a token sets it [$cp]" \
	"$(set_ev "$pf" $cp)$nl$(open_ev "$pf" - pf $cp given allow - 0)" vfio-open $cdev --token "$T2" "$pf"
expect_events "C9 PF without a token, then 4 feature SET" \
	"$(open_ev "$pf" - pf group none allow - 0)$nl$(set_ev "$pf" feature)" \
	vfio-open --set-token "$T1" "$pf"

echo "# The same events to a reader of trace_pipe, as trace-cmd and perf read them"
# pipe_events DESC WANT CMD...: with the buffer cleared, CMD's events are
# read from trace_pipe, which consumes them: as many lines as WANT has,
# each as WANT says, and nothing left in the buffer after them.  head reads
# them in the background, a child of this shell that is waited for: the
# wait ends when its output has them all, and only stops a read that would
# wait for an event that never comes.  (Neither timeout(1), whose watcher
# outlives the read, nor read -t, which polls trace_pipe and timed out here
# with the events in the buffer.)
pipe_events() {
	local desc=$1 want=$2 lines got left reader
	shift 2
	echo > $tracing/trace
	"$@" > /tmp/trace-op.out 2>&1
	lines=$(echo "$want" | wc -l)
	head -n "$lines" $tracing/trace_pipe > /tmp/trace-pipe.out &
	reader=$!
	wait_until 60 has_lines /tmp/trace-pipe.out "$lines" || kill "$reader" 2> /dev/null
	wait "$reader"
	got=$(events_in /tmp/trace-pipe.out)
	left=$(events | wc -l)
	if [ "$got" = "$want" ] && [ "$left" = 0 ]; then
		ok "$desc"
	else
		not_ok "$desc ($left left in the buffer)"
		echo "# want:"; echo "$want" | sed 's/^/#   /'
		echo "# got:"; echo "$got" | sed 's/^/#   /'
	fi
}
pipe_events "trace_pipe: a refused open (C4, a wrong token)" \
	"$(open_ev "$vf" "$pf" vf group given deny incorrect -13)" vfio-open --token "$T2" "$vf"
pipe_events "trace_pipe: a token set (4, feature SET by the task)" \
	"$(open_ev "$pf" - pf group none allow - 0)$nl$(set_ev "$pf" feature)" vfio-open --set-token "$T1" "$pf"
pipe_events "trace_pipe: a VF user coming and going away (C5)" \
	"$(open_ev "$vf" "$pf" vf group given allow - 0)$nl$(users_ev "$pf" "$vf" open 1)$nl$(users_ev "$pf" "$vf" close 0)" \
	vfio-open --token "$T1" "$vf"

echo "# Stage A refusals: no token read, the reason"
expect_events "A5 truncated token" \
	"$(open_ev "$vf" "$pf" vf group none deny truncated-token -22)" vfio-open --raw "$vf vf_token=zz" "$vf"
expect_events "A6 malformed token" \
	"$(open_ev "$vf" "$pf" vf group none deny malformed-token -22)" \
	vfio-open --raw "$vf vf_token=52ac9bff+3a88-4fbd-901a-0d767c3b6c97" "$vf"
expect_events "A7 characters after the token" \
	"$(open_ev "$vf" "$pf" vf group none deny trailing-garbage -22)" vfio-open --raw "$vf vf_token=${T1}x" "$vf"
expect_events "A8 unknown option" \
	"$(open_ev "$vf" "$pf" vf group none deny unknown-option -22)" vfio-open --raw "$vf foo=1" "$vf"
expect_events "A9 duplicate token" \
	"$(open_ev "$vf" "$pf" vf group none deny duplicate-token -22)" \
	vfio-open --raw "$vf vf_token=$T1 vf_token=$T1" "$vf"
expect_events "A1 another device's name: no event" "" vfio-open --raw "0000:7f:00.0" "$vf"

echo "# The PF while a VF is open"
echo > $tracing/trace
hold "C5 a VF user holds the second VF" --token "$T1" "$vf2"
got=$(events)
want="$(open_ev "$vf2" "$pf" vf group given allow - 0)$nl$(users_ev "$pf" "$vf2" open 1)"
check "C5 the hold left its open and VF users 1 ($(echo "$got" | tr '\n' '|'))" [ "$got" = "$want" ]
expect_events "C6 PF without a token while a VF is open" \
	"$(open_ev "$pf" - pf group none deny required -13)" vfio-open "$pf"
expect_events "C7 PF with a wrong token while a VF is open [$cp]" \
	"$(open_ev "$pf" - pf $cp given deny incorrect -13)" vfio-open $cdev --token "$T2" "$pf"
expect_events "C8 PF with the right token while a VF is open: no token_set" \
	"$(open_ev "$pf" - pf group given allow - 0)" vfio-open --token "$T1" "$pf"
expect_events "0 the second VF users: 2, then 1" \
	"$(open_ev "$vf" "$pf" vf group given allow - 0)$nl$(users_ev "$pf" "$vf" open 2)$nl$(users_ev "$pf" "$vf" close 1)" \
	vfio-open --token "$T1" "$vf"
echo > $tracing/trace
release "C5 the VF user held the VF until released" $holder
check "0 the release left VF users 0 ($(events | tr '\n' '|'))" [ "$(events)" = "$(users_ev "$pf" "$vf2" close 0)" ]

echo "# A burst of refusals far above the log's rate limit (10 in 5 s)"
BADSTR="$vf vf_token=52ac9bff+3a88-4fbd-901a-0d767c3b6c97"
echo > $tracing/trace
vfio-bench open 300 "$vf" "$BADSTR" EINVAL > /tmp/trace-op.out 2>&1
st=$?
nref=$(events | grep -c "^$(open_ev "$vf" "$pf" vf group none deny malformed-token -22)\$")
all=$(events | wc -l)
check "3 300 refusals (vfio-bench exit $st): 300 events, each the refusal ($nref of $all)" \
	[ "$st" = 0 -a "$nref" = 300 -a "$all" = 300 ]

echo "# sriov_configure refused, and disabled"
echo 0 > "$PARAMS/enable_sriov"
expect_events "5 enable_sriov off: numvfs=0 is refused with ENOENT" \
	"vfio_pci_rs_sriov_configure: $pf num_vfs=0${nl}vfio_pci_rs_sriov_configure_done: $pf num_vfs=0 ret=-2" \
	set_numvfs "$pf" 0
echo 1 > "$PARAMS/enable_sriov"
expect_events "5 disabling the VFs" \
	"vfio_pci_rs_sriov_configure: $pf num_vfs=0${nl}vfio_pci_rs_sriov_configure_done: $pf num_vfs=0 ret=0" \
	set_numvfs "$pf" 0
unbind "$pf"

echo "# A VF of a PF bound to no vfio driver (C1, C2)"
bind "$pf2" igb && set_numvfs "$pf2" 1
vfb=$(vfs_of "$pf2" | sed -n 1p)
bind "$vfb" $DRV
expect_events "C1 without a token" \
	"$(open_ev "$vfb" "$pf2" vf-unowned-pf group none allow - 0)" vfio-open "$vfb"
expect_events "C2 with a token [$cp]" \
	"$(open_ev "$vfb" "$pf2" vf-unowned-pf $cp given deny pf-not-owned -22)" vfio-open $cdev --token "$T1" "$vfb"
unbind "$vfb"
set_numvfs "$pf2" 0
unbind "$pf2"

if [ "$DRV" = vfio-pci-rs ]; then
	echo "# A VF of a PF bound to C vfio-pci: the core's token decides"
	modprobe vfio-pci
	echo 1 > /sys/module/vfio_pci/parameters/enable_sriov
	bind "$pf2" vfio-pci
	set_numvfs "$pf2" 1
	vfb=$(vfs_of "$pf2" | sed -n 1p)
	bind "$vfb" $DRV
	expect_events "mixed: VF of C vfio-pci's PF without a token" \
		"$(open_ev "$vfb" "$pf2" vf-other-pf group none deny other-pf-driver -13)" vfio-open "$vfb"
	unbind "$vfb"
	set_numvfs "$pf2" 0
	unbind "$pf2"
	echo 0 > /sys/module/vfio_pci/parameters/enable_sriov
fi

echo "# Neither PF nor VF (C11, C12)"
bind "$edu" $DRV
expect_events "C11 without a token" "$(open_ev "$edu" - plain group none allow - 0)" vfio-open "$edu"
expect_events "C12 with a token" \
	"$(open_ev "$edu" - plain group given deny not-sriov -22)" vfio-open --token "$T1" "$edu"
unbind "$edu"

# Leave the machine as it was.
echo 0 > $tracing/events/vfio_pci_rs/enable
echo > $tracing/trace
echo "$was_kb" > $tracing/buffer_size_kb
for d in "$pf" "$pf2" "$edu" "$vfb"; do
	[ -e "/sys/bus/pci/devices/$d/driver_override" ] && echo > "/sys/bus/pci/devices/$d/driver_override"
done
echo 0 > "$PARAMS/enable_sriov"

tap_end
