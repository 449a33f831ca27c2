# SPDX-License-Identifier: GPL-2.0
# Guest helpers, sourced by the VM tests: . vfio-lib.sh

# The driver under test and its module: vfio-pci-rs, or vfio-pci when the VM
# runs the drop-in build (scripts/vm-run --drop-in writes /etc/vm-driver).
DRV=$(cat /etc/vm-driver 2>/dev/null || echo vfio-pci-rs)
MOD=$(echo "$DRV" | tr - _)
PARAMS=/sys/module/$MOD/parameters

# The devices with ID $1 (0xVENDOR:0xDEVICE), in bus order.
find_dev() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor"):$(cat "$d/device")" = "$1" ] && basename "$d"
	done
}

# The igb PFs (8086:10c9), in bus order.
igb_pfs() {
	find_dev 0x8086:0x10c9
}

# need_pfs_edu: sets pf and pf2, the two igb PFs in bus order, and edu,
# QEMU's edu device (1234:11e8), or bails out: the suites that need them run
# in the machine of scripts/vm-run --pfs 2 --edu.
need_pfs_edu() {
	pf=$(igb_pfs | sed -n 1p)
	pf2=$(igb_pfs | sed -n 2p)
	edu=$(find_dev 0x1234:0x11e8 | head -n1)
	[ -n "$pf" ] && [ -n "$pf2" ] && [ -n "$edu" ] && return
	echo "Bail out! needs two igb PFs and edu (vm-run --pfs 2 --edu)"
	exit 1
}

# The VFs of PF $1.
vfs_of() {
	for l in /sys/bus/pci/devices/"$1"/virtfn*; do
		[ -e "$l" ] && basename "$(readlink -f "$l")"
	done
}

# is_dev BDF: BDF is a PCI device that is there.  An empty name is none:
# "/sys/bus/pci/devices/" exists.
is_dev() {
	[ -n "$1" ] && [ -e "/sys/bus/pci/devices/$1/config" ]
}

# The driver bound to $1, or "none".  For an empty name or a device that is
# not there it prints nothing and fails, so that no comparison with "none"
# (or with any driver) can pass on a device a suite failed to find.
driver_of() {
	is_dev "$1" || return 1
	if [ -e "/sys/bus/pci/devices/$1/driver" ]; then
		basename "$(readlink -f "/sys/bus/pci/devices/$1/driver")"
	else
		echo none
	fi
}

# Unbind $1 from whatever driver it has; fails for a device not there.
unbind() {
	is_dev "$1" || return 1
	[ -e "/sys/bus/pci/devices/$1/driver" ] &&
		echo "$1" > "/sys/bus/pci/devices/$1/driver/unbind"
	return 0
}

# Bind $1 to driver $2 through driver_override, as userspace tools do.
bind() {
	unbind "$1" || return 1
	echo "$2" > "/sys/bus/pci/devices/$1/driver_override"
	echo "$1" > /sys/bus/pci/drivers_probe
	[ "$(driver_of "$1")" = "$2" ]
}

# The IOMMU group number of $1.
group_of() {
	basename "$(readlink -f "/sys/bus/pci/devices/$1/iommu_group")"
}

# Set the number of VFs of $1 to $2.
set_numvfs() {
	echo "$2" > "/sys/bus/pci/devices/$1/sriov_numvfs"
}

# TAP for the t-* suites: ok/not_ok number the cases and count failures;
# tap_end prints the plan and fails when a case did.
#
# While $blocked is set (block, by hold when its open failed), ok fails the
# case instead, naming why: the cases that follow a precondition which did
# not come about (a device held open, eventfds armed) would otherwise test
# another state, and could pass for the wrong reason.  unblock ends that.
#
# Case classes, which the host's collector counts apart: a description
# that starts with "baseline: " asserts only something other than the
# driver under test (C vfio-pci, a consumer such as DPDK or QEMU on C
# vfio-pci, another kernel driver); "self-test: " only the test tools (a
# canary found, a checker that must object when fed a wrong input).  Any
# other case asserts the driver under test.
n=0
fails=0
blocked=
ok() {
	if [ -n "$blocked" ]; then
		not_ok "$1 (not run: $blocked)"
		return 1
	fi
	n=$((n + 1))
	echo "ok $n - $1"
}
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
block() { blocked=$1; }
unblock() { blocked=; }
# baseline_if DRIVER: "baseline: " when DRIVER is not the driver under test
# (C vfio-pci beside vfio-pci-rs), nothing when it is.  Only where the two
# have different names: in the drop-in boots C vfio-pci is "vfio-pci" too,
# and its cases say "baseline: " themselves.
baseline_if() {
	[ "$1" = "$DRV" ] || echo "baseline: "
}
# na DESC WHY: a case this kernel or build cannot have, printed as
# "ok N - DESC # SKIP not applicable: WHY".  It is neither passed nor
# failed when tests/vm/na-allow lists it (boot, suite, DESC, WHY): the
# collector (scripts/collect) counts it then, and fails the run for any
# other n/a, as for any other SKIP.  Never for a case that merely did not
# work.
na() { n=$((n + 1)); echo "ok $n - $1 # SKIP not applicable: $2"; }
tap_end() {
	echo "1..$n"
	[ "$fails" = 0 ]
}

# check DESC CMD...: one case, passed when CMD succeeds; returns CMD's
# verdict too.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; return 1; fi
}

# check_show FILE DESC CMD...: check, and when it fails, FILE (a holder's
# output) as TAP diagnostics, so that the log says what the holder saw.
check_show() {
	local file=$1
	shift
	if ! check "$@"; then
		sed 's/^/# /' "$file" 2> /dev/null | tail -n 20
		return 1
	fi
}

# expect_open WANT DESC VFIO-OPEN-ARGS...: the open ends in WANT (ok, EACCES...)
expect_open() {
	local want=$1 desc=$2 out got
	shift 2
	out=$(vfio-open "$@" 2>&1)
	got=$(echo "$out" | sed -n 's/^open [^ ]*: \([A-Za-z?]*\).*/\1/p' | head -n1)
	if [ "$got" = "$want" ]; then ok "$desc"; else not_ok "$desc (want $want: $out)"; fi
}


# Why this kernel has no vfio device cdev (/dev/vfio/devices/vfioN), or
# nothing when it has one.  The cdev path needs iommufd: without
# CONFIG_IOMMUFD (Debian's 7.3 kernels) there is only the group path.  This
# asks the kernel, not the driver under test.
cdev_na() {
	modprobe -q iommufd 2>/dev/null
	[ -e /dev/iommu ] ||
		echo "no iommufd in this kernel (CONFIG_IOMMUFD unset), so no vfio device cdev"
}

# tracefs, where the suites that trace mount it: tracefs_mount mounts it
# there unless it is mounted already, and succeeds only if it mounted it.
tracing=/sys/kernel/tracing
tracefs_mount() {
	[ ! -e $tracing/events ] && grep -qw tracefs /proc/filesystems &&
		mount -t tracefs tracefs $tracing
}

# trace_buffer_kb: the trace buffer's size a CPU in KiB, as a suite that
# resizes it writes it back to buffer_size_kb.  A buffer never used reads
# "7 (expanded: 1408)": it holds 7 KiB until its first use, when it grows
# to 1408; writing back the 7 would shrink it to 7 KiB for every suite
# after.
trace_buffer_kb() {
	sed -n 's/.*(expanded: \([0-9]*\)).*/\1/p; t; s/^\([0-9]*\).*/\1/p' $tracing/buffer_size_kb
}

# expect_line PATTERN DESC VFIO-OPEN-ARGS...: vfio-open prints a line PATTERN
expect_line() {
	local want=$1 desc=$2 out
	shift 2
	out=$(vfio-open "$@" 2>&1)
	if echo "$out" | grep -qx "$want"; then ok "$desc"; else not_ok "$desc (want '$want': $out)"; fi
}

# wait_grep FILE PATTERN [SECONDS]: wait up to SECONDS (30) until FILE has a
# line matching PATTERN; fails if it never does.
wait_grep() {
	wait_until "${3:-30}" grep -q "$2" "$1"
}

# wait_until SECONDS CMD...: run CMD every 0.1 s until it succeeds, for at
# most SECONDS; CMD's last verdict.
wait_until() {
	local i=0 limit=$(($1 * 10))
	shift
	while ! "$@" 2> /dev/null; do
		[ $i -lt $limit ] || return 1
		sleep 0.1
		i=$((i + 1))
	done
}

# hold DESC VFIO-OPEN-ARGS...: a case: a device opened in the background
# (vfio-open --hold, until release), open for sure: its ": ok" printed
# within 300 s (an open resets the device: over a minute once, on Debian's
# kernel under TCG with the host busy; the wait ends at the line).  The
# holder's pid is in $holder, its output in $holder_out
# (a file of its own).  When the open fails or does not come, the case
# fails with the holder's words, and so does every case after it until
# release: they would test a device nobody holds.
holds=0
hold() {
	local desc=$1
	shift
	holds=$((holds + 1))
	holder_out=/tmp/holder.$holds.out
	vfio-open --hold 86400 "$@" > "$holder_out" 2>&1 &
	holder=$!
	# The wait ends at ": ok", or when the holder gave up (an open refused).
	local t0 st
	t0=$(cut -d' ' -f1 /proc/uptime)
	wait_until 300 held_or_gone "$holder" "$holder_out"
	st=$?
	if grep -q ': ok$' "$holder_out"; then
		ok "$desc"
	else
		# What ended the wait, for the log: the wait's status and length,
		# and the holder's state then.
		not_ok "$desc (no ': ok' from holder $holder: wait status $st after $t0 to $(cut -d' ' -f1 /proc/uptime) s, holder $(sed -n 's/^State:\t//p' /proc/$holder/status 2>&1 || echo gone); it said: $(tr '\n' ' ' < "$holder_out"))"
		block "the holder of case '$desc' did not open the device"
	fi
}
held_or_gone() { grep -q ': ok$' "$2" || ! kill -0 "$1"; }

# release DESC PID...: a case: the holders PID... still held their devices
# when released (SIGUSR1: each asks the kernel whether its fd still works,
# "held BDF: ok", closes it and exits 0).  Ends the block of a failed hold.
release() {
	local desc=$1 p why=
	shift
	for p in "$@"; do
		kill -USR1 "$p" 2> /dev/null || why="$why; holder $p had exited before"
	done
	for p in "$@"; do
		wait "$p" || why="$why; holder $p exited $?"
	done
	unblock
	check "$desc${why:+ ($why)}" [ -z "$why" ]
}

# kmsg_mark NAME: write a marker line naming NAME to the kernel log and
# print it; since_mark MARK: the kernel log after the last line with MARK
# (timestamps cut).  Reading after a marker, not after a count of lines,
# because the log buffer drops its oldest lines once full: a count stops
# growing then.  A marker the buffer has dropped already prints
# "since_mark: lost MARK" (and fails), which no caller takes for a line.
kmsg_mark() {
	local m seq
	# Numbered through a file: callers run it in subshells too.
	seq=$(($(cat /tmp/vfio-lib.marks 2> /dev/null || echo 0) + 1))
	echo "$seq" > /tmp/vfio-lib.marks
	m="vfio-lib[$$]: mark $seq at $(cut -d' ' -f1 /proc/uptime): $1"
	echo "$m" > /dev/kmsg
	echo "$m"
}
since_mark() {
	dmesg | sed 's/^\[[ 0-9.]*\] //' | awk -v m="$1" '
		$0 == m { out = ""; seen = 1; next }
		seen { out = out $0 "\n" }
		END { if (!seen) { print "since_mark: lost " m; exit 1 } printf "%s", out }'
}

# declare_secrets UUID...: one line "SECRET <the token's 32 hex digits,
# reversed>" per VF token a suite uses.  vm-tests forwards them to the
# host, which searches its whole console log for each token (as a UUID and
# as 32 hex digits, in any case) and fails the boot on a hit: the kernel
# log on the console has every line, unlike the guest's ring buffer,
# which drops the oldest.  Reversed, so that the line itself never holds
# the token; a suite that declares one must not print it anywhere else.
declare_secrets() {
	local t
	for t in "$@"; do
		echo "SECRET $(echo "$t" | tr -d - | tr A-F a-f | rev)"
	done
}

# console_all: every kernel line to the console (dmesg -n 8) from here to
# the suite's end, so that the host sees each one even when the ring
# buffer drops it; the level the console had comes back when the suite
# exits.
console_all() {
	console_was=$(cut -f1 /proc/sys/kernel/printk)
	dmesg -n 8
	trap 'dmesg -n "$console_was"' EXIT
}

# both WANT DESC ARGS...: the same open on the group and the cdev path
both() {
	local want=$1 desc=$2 why
	shift 2
	expect_open "$want" "$desc [group]" "$@"
	why=$(cdev_na)
	if [ -n "$why" ]; then
		na "$desc [cdev]" "$why"
	else
		expect_open "$want" "$desc [cdev]" --cdev "$@"
	fi
}

# The drop-in boots' side-by-side suites: C vfio-pci's module, at
# /lib/vfio-pci-c.ko (scripts/vm-run --drop-in).  c_in_place swaps it in for
# the drop-in, as one case: C's module loaded, untainted, in its place;
# drop_in_back undoes that.
cvfio=/lib/vfio-pci-c.ko
c_in_place() {
	rmmod vfio_pci
	echo "# C vfio-pci, same boot"
	insmod "$cvfio"
	check "baseline: C vfio-pci loaded in its place" sh -c '! grep -q O /sys/module/vfio_pci/taint'
}
drop_in_back() {
	rmmod vfio_pci
	modprobe vfio-pci
}

# The DPDK suites (t-dpdk.sh with Debian 12's testpmd, t-dpdk-sid.sh with
# sid's): dpdk_init PROGRAM BUNDLE bails out unless the drop-in vfio-pci is
# under test, with C's module at hand and PROGRAM packed (vm-run --pack
# BUNDLE), and sets TESTPMD, T (the PF's token), W (a wrong one) and pf.
dpdk_init() {
	TESTPMD=$1
	T=6a0d2f4e-8c1b-4e7a-9b3d-5f2e1c0a7d94
	W=11111111-2222-3333-4444-555555555555
	[ "$DRV" = vfio-pci ] && [ -f "$cvfio" ] && command -v "$TESTPMD" > /dev/null || {
		echo "Bail out! needs vm-run --drop-in --pack $2"
		exit 1
	}
	pf=$(igb_pfs | sed -n 1p)
	# DPDK keeps its runtime state in /var/run/dpdk when run as root.
	mkdir -p /var/run
}
# testpmd ARGS...: $TESTPMD with EAL arguments ARGS lists the ports it
# probed and quits.  Its output is in /tmp/testpmd.out, ending with
# "testpmd exit N", its exit status in $tp_rc (124: timeout killed it, a
# hung open or close; above 128: a signal did), the kernel's lines
# meanwhile in /tmp/testpmd.dmesg.
testpmd() {
	dmesg -c > /dev/null
	printf 'show port summary all\nquit\n' |
		timeout 180 "$TESTPMD" "$@" -- -i > /tmp/testpmd.out 2>&1
	tp_rc=$?
	dmesg | sed 's/^\[[ 0-9.]*\] //' > /tmp/testpmd.dmesg
	echo "testpmd exit $tp_rc" >> /tmp/testpmd.out
}
