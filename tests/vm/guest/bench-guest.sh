#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The guest half of `make bench` (scripts/bench): C vfio-pci and vfio-pci-rs
# bound alternately, in ABBA order, in one boot, every path timed by
# vfio-bench (CLOCK_MONOTONIC, many iterations per sample).  Needs igb PFs
# (vm-run --pfs 8) and a group of edu functions (vm-run --group-fns 8).
#
# Prints "bench: ..." progress lines, then the samples between
# "BENCH-BEGIN" and "BENCH-END", one per line:
#   S <section> <driver> <round> <path> <param> <ns per op> <median ns>
# where the first figure is the fastest of the sample's loops (vfio-bench).
# and the allocation and size figures as "A ..." lines.
#
# Environment: BENCH_ROUNDS (main table, default 8), BENCH_SCALE_ROUNDS
# (scaling curves, default 2), BENCH_QUICK=1 (a smoke run: 2 rounds, few
# iterations), BENCH_FAST_ONLY=1 (only the paths of an ioctl each: the
# Rust-owned ones and the reads), BENCH_PROFILE=1 (a function_graph
# profile of the Rust-owned paths, see profile() below).
. vfio-lib.sh

T=52ac9bff-3a88-4fbd-901a-0d767c3b6c97
T2=88594674-90a0-47a9-aea8-9d9b352ac08a
BAD=52ac9bff+3a88-4fbd-901a-0d767c3b6c97
NOBODY=0000:ff:1f.7
C=vfio-pci
RS=vfio-pci-rs

ROUNDS=${BENCH_ROUNDS:-8}
SROUNDS=${BENCH_SCALE_ROUNDS:-2}
# Iterations per sample: cheap paths (an ioctl: microseconds), opens (a
# device reset each: 0.2-0.5 s), the PF's bind (milliseconds) and SR-IOV
# (over 1 s: the kernel sleeps 1 s to disable it), opens in the scaling
# curves.
CHEAP=${BENCH_CHEAP:-100x40}
OPEN=${BENCH_OPEN:-4}
BIND=${BENCH_BIND:-20}
SRIOV=${BENCH_SRIOV:-1}
SOPEN=${BENCH_SCALE_OPEN:-2}
SLOW=1
[ "${BENCH_FAST_ONLY:-0}" = 1 ] && SLOW=0 SROUNDS=0
if [ "${BENCH_QUICK:-0}" = 1 ]; then
	ROUNDS=2 SROUNDS=2 CHEAP=50x10 OPEN=1 BIND=2 SOPEN=1
fi

out=/tmp/bench.out
: > $out
dmesg -n 1

echo 1 > /sys/module/vfio_pci_rs/parameters/enable_sriov
modprobe vfio-pci || exit 1
# vfio asks for the type1 backend without waiting (request_module_nowait):
# where it is a module (Debian's kernel), the first VFIO_SET_IOMMU may come
# before it is loaded.
modprobe -q vfio_iommu_type1 2>/dev/null
echo 1 > /sys/module/vfio_pci/parameters/enable_sriov

pfs=$(igb_pfs)
pf=$(echo "$pfs" | sed -n 1p)
pf2=$(echo "$pfs" | sed -n 2p)
edus=$(find_dev 0x1234:0x11e8)
g1=$(group_of "$(echo "$edus" | sed -n 1p)")
gfns=$(for d in $edus; do [ "$(group_of "$d")" = "$g1" ] && echo "$d"; done)
gfns2=$(for d in $edus; do [ "$(group_of "$d")" != "$g1" ] && echo "$d"; done)
ngfn=$(echo "$gfns" | grep -c .)
[ -n "$pf2" ] && [ "$ngfn" -ge 2 ] && [ "$(echo "$gfns2" | grep -c .)" = "$ngfn" ] || {
	echo "bench: needs 2+ igb PFs and two groups of edu functions (vm-run --pfs 8 --group-fns 8)"
	exit 1
}
[ "$(group_of "$(echo "$gfns2" | sed -n 1p)")" = "$(group_of "$(echo "$gfns2" | sed -n "${ngfn}p")")" ] || {
	echo "bench: the edu functions are not two IOMMU groups"
	exit 1
}

# vb SECTION DRIVER ROUND PATH PARAM OP ITERS ARGS...: one sample.
vb() {
	local sec=$1 drv=$2 round=$3 path=$4 param=$5 res
	shift 5
	if ! res=$(vfio-bench "$@"); then
		echo "bench: FAIL: $sec $drv $path $param: vfio-bench $*"
		exit 1
	fi
	# "ns OP BEST MEDIAN": the round's figure is the best loop's.
	set -- $res
	echo "S $sec $drv $round $path $param $3 $4" >> $out
}

# ABBA: rounds 0 and 3 of every 4 start with C, 1 and 2 with Rust.
order() {
	case $(($1 % 4)) in
	0|3) echo "$C $RS" ;;
	*) echo "$RS $C" ;;
	esac
}

# Leave every device unbound and SR-IOV off.
reset_all() {
	for p in $pfs; do
		[ -e "/sys/bus/pci/devices/$p/driver" ] && set_numvfs "$p" 0
		unbind "$p"
	done
	for d in $edus; do unbind "$d"; done
}

# bind_all D DEV...: bind every DEV to D.
bind_all() {
	local drv=$1 d
	shift
	for d in "$@"; do bind "$d" "$drv" || { echo "bench: FAIL: bind $d $drv"; exit 1; }; done
}

# The paths that take a device reset or a sysfs write: PF1 bound to $1.
main_round() {
	local drv=$1 r=$2 n vf1
	reset_all
	bind_all "$drv" "$pf"
	for n in 1 2 3 4 5 6 7; do
		vb main "$drv" "$r" numvfs "$n" numvfs "$SRIOV" "$pf" "$n"
	done
	set_numvfs "$pf" 2
	vf1=$(vfs_of "$pf" | sed -n 1p)
	[ "$(driver_of "$vf1")" = "$drv" ] || { echo "bench: FAIL: VF $vf1 not bound to $drv"; exit 1; }
	vfio-bench feature 1 "$pf" "$pf" set "$T" > /dev/null || exit 1
	vb main "$drv" "$r" pf_open - open "$OPEN" "$pf" "$pf" ok
	vb main "$drv" "$r" vf_open - open "$OPEN" "$vf1" "$vf1 vf_token=$T" ok
	# The cdev path needs IOMMUFD, which Debian's kernel leaves out.
	if [ -e /dev/iommu ]; then
		vb main "$drv" "$r" cdev_bind - cdev "$OPEN" "$vf1" "$T"
	elif [ "$r" = 0 ]; then
		echo "bench: n/a cdev_bind: no /dev/iommu (CONFIG_IOMMUFD unset)"
	fi
}

# vbp ROUND PATH PARAM A-DRIVER B-DRIVER VFIO-BENCH-ARGS...: one sample of
# each driver, their loops interleaved by vfio-bench pair or bindpair.
vbp() {
	local round=$1 path=$2 param=$3 da=$4 db=$5 res
	shift 5
	if ! res=$(vfio-bench "$@"); then
		echo "bench: FAIL: $path: vfio-bench $*"
		exit 1
	fi
	# shellcheck disable=SC2086
	set -- $res
	echo "S main $da $round $path $param $3 $4" >> $out
	echo "S main $db $round $path $param $5 $6" >> $out
}

# Both drivers bound at once to twin devices (PF1 and PF2 with two VFs each,
# the two edu groups), which driver gets which twin alternating by round:
# sets a and b (the drivers), va and vb2 (a VF of each), ga and gb (an edu
# function of each group).  With "timed", the PFs' binds are timed, side by
# side, on the way.
pair_setup() {
	local r=$1
	set -- $(order "$r") "$2"
	a=$1 b=$2
	reset_all
	bind_all "$a" "$pf"
	bind_all "$b" "$pf2"
	[ "$3" != timed ] || vbp "$r" bind - "$a" "$b" bindpair "$BIND" "$a" "$pf" "$b" "$pf2"
	set_numvfs "$pf" 2
	set_numvfs "$pf2" 2
	va=$(vfs_of "$pf" | sed -n 1p)
	vb2=$(vfs_of "$pf2" | sed -n 1p)
	[ "$(driver_of "$va")" = "$a" ] && [ "$(driver_of "$vb2")" = "$b" ] ||
		{ echo "bench: FAIL: VFs not bound to their PF's driver"; exit 1; }
	vfio-bench feature 1 "$pf" "$pf" set "$T" > /dev/null || exit 1
	vfio-bench feature 1 "$pf2" "$pf2" set "$T" > /dev/null || exit 1
	# shellcheck disable=SC2086
	bind_all "$a" $gfns
	# shellcheck disable=SC2086
	bind_all "$b" $gfns2
	ga=$(echo "$gfns" | sed -n 1p)
	gb=$(echo "$gfns2" | sed -n 1p)
}

# The paths of one ioctl or read each, the Rust-owned ones among them, on
# the twin devices of pair_setup, the two drivers timed in interleaved
# loops.
pair_round() {
	local r=$1
	pair_setup "$r" timed
	vbp "$r" feature_set - "$a" "$b" pair "$CHEAP" feature "$pf" "$pf" set "$T" -- feature "$pf2" "$pf2" set "$T"
	vbp "$r" feature_probe - "$a" "$b" pair "$CHEAP" feature "$pf" "$pf" probe "$T" -- feature "$pf2" "$pf2" probe "$T"
	vbp "$r" vf_wrong_token - "$a" "$b" pair "$CHEAP" open "$va" "$va vf_token=$T2" EACCES -- open "$vb2" "$vb2 vf_token=$T2" EACCES
	vbp "$r" vf_no_token - "$a" "$b" pair "$CHEAP" open "$va" "$va" EACCES -- open "$vb2" "$vb2" EACCES
	vbp "$r" malformed - "$a" "$b" pair "$CHEAP" open "$va" "$va vf_token=$BAD" EINVAL -- open "$vb2" "$vb2 vf_token=$BAD" EINVAL
	vbp "$r" group_not_me "$ngfn" "$a" "$b" pair "$CHEAP" open "$ga" "$NOBODY" ENODEV -- open "$gb" "$NOBODY" ENODEV
	vbp "$r" cfg_read - "$a" "$b" pair "$CHEAP" cfgread "$pf" "$pf" -- cfgread "$pf2" "$pf2"
	vbp "$r" bar_read - "$a" "$b" pair "$CHEAP" barread "$pf" "$pf" -- barread "$pf2" "$pf2"
}

# The Rust-owned token paths of vfio-pci-rs with its trace events
# (vfio_pci_rs) off and on, samples of section "trace" whose "driver" is
# off or on, in ABBA order by round, on the Rust twin of pair_setup: what
# an event costs when it records.  The main table, taken with the events
# off as they are by default, is the control of their cost when off.
trace_round() {
	local r=$1 dev pfr st was
	if [ "$a" = "$RS" ]; then dev=$va pfr=$pf; else dev=$vb2 pfr=$pf2; fi
	case $((r % 4)) in 0|3) set -- off on ;; *) set -- on off ;; esac
	was=$(cat $TR/tracing_on)
	echo 1 > $TR/tracing_on
	for st in "$@"; do
		if [ "$st" = on ]; then echo 1; else echo 0; fi > $TR/events/vfio_pci_rs/enable
		vb trace "$st" "$r" feature_set - feature "$CHEAP" "$pfr" "$pfr" set "$T"
		vb trace "$st" "$r" vf_wrong_token - open "$CHEAP" "$dev" "$dev vf_token=$T2" EACCES
		vb trace "$st" "$r" vf_no_token - open "$CHEAP" "$dev" "$dev" EACCES
		vb trace "$st" "$r" malformed - open "$CHEAP" "$dev" "$dev vf_token=$BAD" EINVAL
	done
	echo 0 > $TR/events/vfio_pci_rs/enable
	echo "$was" > $TR/tracing_on
}

# Time per open against: VFs of a PF, PFs bound, concurrent openers, devices
# in a group.
scale_round() {
	local drv=$1 r=$2 n p t vfs names first
	reset_all
	bind_all "$drv" "$pf"
	vfio-bench feature 1 "$pf" "$pf" set "$T" > /dev/null || exit 1
	for n in 1 2 3 4 5 6 7; do
		set_numvfs "$pf" "$n"
		vfn=$(vfs_of "$pf" | sed -n "${n}p")
		vb vfs "$drv" "$r" vf_open "$n" open "$SOPEN" "$vfn" "$vfn vf_token=$T" ok
		vb vfs "$drv" "$r" vf_wrong_token "$n" open "$CHEAP" "$vfn" "$vfn vf_token=$T2" EACCES
		set_numvfs "$pf" 0
	done
	echo "bench: scaling $drv: VFs done at $(cut -d' ' -f1 /proc/uptime) s"
	p=0
	for q in $pfs; do
		p=$((p + 1))
		bind_all "$drv" "$q"
		set_numvfs "$q" 1
		vfio-bench feature 1 "$q" "$q" set "$T" > /dev/null || exit 1
		vfn=$(vfs_of "$pf" | sed -n 1p)
		vb pfs "$drv" "$r" vf_open "$p" open "$SOPEN" "$vfn" "$vfn vf_token=$T" ok
		vb pfs "$drv" "$r" vf_wrong_token "$p" open "$CHEAP" "$vfn" "$vfn vf_token=$T2" EACCES
	done
	echo "bench: scaling $drv: PFs done at $(cut -d' ' -f1 /proc/uptime) s"
	reset_all
	bind_all "$drv" "$pf"
	vfio-bench feature 1 "$pf" "$pf" set "$T" > /dev/null || exit 1
	set_numvfs "$pf" 4
	vfs=$(vfs_of "$pf")
	for t in 1 2 4; do
		names=$(echo "$vfs" | head -n "$t" | sed "s/\$/ vf_token=$T/")
		old_ifs=$IFS
		IFS='
'
		# shellcheck disable=SC2086
		set -- $names
		IFS=$old_ifs
		vb threads "$drv" "$r" vf_open "$t" threads "$SOPEN" "$t" "$@"
	done
	set_numvfs "$pf" 0
	echo "bench: scaling $drv: threads done at $(cut -d' ' -f1 /proc/uptime) s"
	n=0
	# The group's device list has the last bound device first: opening the
	# first bound one walks every other device's match() first.
	first=$(echo "$gfns" | sed -n 1p)
	for d in $gfns; do
		n=$((n + 1))
		bind_all "$drv" "$d"
		vb group "$drv" "$r" open_first "$n" open "$SOPEN" "$first" "$first" ok
		vb group "$drv" "$r" not_me "$n" open "$CHEAP" "$first" "$NOBODY" ENODEV
	done
}

# Allocations (kmem trace events) of LOOPS runs of the match and feature
# paths, and the sizes the drivers allocate at bind.
alloc_check() {
	local drv=$1 tr=/sys/kernel/tracing vf1 loops=200 ev l
	[ -d $tr/events ] || mount -t tracefs tracefs $tr 2>/dev/null
	[ -d $tr/events/kmem ] || { echo "A $drv no-trace-events"; return; }
	reset_all
	echo 0 > $tr/tracing_on
	echo > $tr/trace
	echo 4096 > $tr/buffer_size_kb
	for ev in kmalloc kmem_cache_alloc kmalloc_node kmem_cache_alloc_node; do
		[ -e $tr/events/kmem/$ev/enable ] && echo 1 > $tr/events/kmem/$ev/enable
	done
	# The bind: the vfio device allocation and the per-PF token state.
	echo 1 > $tr/tracing_on
	bind_all "$drv" "$pf"
	set_numvfs "$pf" 1
	echo 0 > $tr/tracing_on
	grep -E 'call_site=[^ ]*(vfio|kvmalloc|allocator|Kmalloc)' $tr/trace |
		sed -n 's/.*call_site=\([^ ]*\).*bytes_req=\([0-9]*\) bytes_alloc=\([0-9]*\).*/A '"$drv"' bind \1 \2 \3/p' >> $out
	vf1=$(vfs_of "$pf" | sed -n 1p)
	vfio-bench feature 1 "$pf" "$pf" set "$T" > /dev/null || exit 1
	# shellcheck disable=SC2086
	bind_all "$drv" $gfns
	# Each path twice, with $loops and 2 x $loops iterations: the difference
	# is what the loop allocated, without vfio-bench's own setup.
	for p in wrong_token malformed not_me feature_set feature_probe; do
		for l in $loops $((2 * loops)); do
			echo > $tr/trace
			echo 1 > $tr/tracing_on
			case $p in
			wrong_token) vfio-bench open $l "$vf1" "$vf1 vf_token=$T2" EACCES ;;
			malformed) vfio-bench open $l "$vf1" "$vf1 vf_token=$BAD" EINVAL ;;
			not_me) vfio-bench open $l "$(echo "$gfns" | sed -n 1p)" "$NOBODY" ENODEV ;;
			feature_set) vfio-bench feature $l "$pf" "$pf" set "$T" ;;
			feature_probe) vfio-bench feature $l "$pf" "$pf" probe "$T" ;;
			esac > /dev/null || exit 1
			echo 0 > $tr/tracing_on
			# Every allocation of vfio-bench's, by call site.
			grep 'vfio-bench' $tr/trace | sed -n 's/.*call_site=\([^ ]*\).*/\1/p' |
				sed 's/+0x[0-9a-f]*\/0x[0-9a-f]*//' | sort | uniq -c |
				sed "s/^ *\([0-9]*\) \(.*\)/A $drv path $p $l \2 \1/" >> $out
			echo "A $drv path $p $l TOTAL $(grep -c 'vfio-bench' $tr/trace)" >> $out
		done
	done
	for ev in kmalloc kmem_cache_alloc kmalloc_node kmem_cache_alloc_node; do
		[ -e $tr/events/kmem/$ev/enable ] && echo 0 > $tr/events/kmem/$ev/enable
	done
	echo > $tr/trace
}

# The profile (BENCH_PROFILE=1): ftrace function_graph, in this boot, of
# every Rust-owned path of both drivers, on pair_setup's twins.  Each
# traced loop is one vfio-bench trace (tracing on only around the loop),
# pinned to CPU 0, its graph summed by graph_sum into lines
#   P <driver> <path> <function path> <calls> <total ns> <self ns>
# and "P <driver> <path> OPS <n>".  A function path is the chain of traced
# callers, root first, joined by "/"; self is the time not spent in traced
# callees.  Functions without an fentry call (none of ftrace's
# available_filter_functions) do not appear: their time is their caller's
# self time.
TR=/sys/kernel/tracing
PITERS=${BENCH_PROFILE_ITERS:-200}

# graph_sum DRIVER PATH < trace (function_graph with funcgraph-tail)
graph_sum() {
	awk -v drv="$1" -v path="$2" '
	function dur(l,   m) {
		if (!match(l, /[0-9]+\.[0-9]+ us/))
			return -1
		return substr(l, RSTART, RLENGTH - 3) * 1000
	}
	function done(depth, name, d,   key) {
		key = ""
		for (i = 0; i < depth; i++)
			key = key stack[i] "/"
		key = key name
		calls[key]++
		tot[key] += d
		self[key] += d - (depth in kids ? kids[depth] : 0)
		if (depth > 0)
			kids[depth - 1] += d
		if (depth == 0)
			ops++
	}
	index($0, "|") {
		i = index($0, "|")
		left = substr($0, 1, i - 1)
		right = substr($0, i + 1)
		match(right, /^ */)
		depth = int((RLENGTH - 2) / 2)
		rest = substr(right, RLENGTH + 1)
		gsub(/ \[/, "[", rest)
		if (rest ~ /\(\) \{ *$/) {
			sub(/\(\) \{ *$/, "", rest)
			stack[depth] = rest
			kids[depth] = 0
		} else if (rest ~ /^\} \/\* /) {
			sub(/^\} \/\* /, "", rest)
			sub(/ \*\/.*$/, "", rest)
			d = dur(left)
			if (d >= 0)
				done(depth, rest, d)
		} else if (rest ~ /\(\);/) {
			sub(/\(\);.*$/, "", rest)
			d = dur(left)
			if (d >= 0) {
				kids[depth] = 0
				done(depth, rest, d)
			}
		}
	}
	END {
		printf "P %s %s OPS %d\n", drv, path, ops
		for (k in calls)
			printf "P %s %s %s %d %d %d\n", drv, path, k, calls[k], tot[k], self[k]
	}'
}

# profile_one DRIVER PATH ROOT FASTOP ARGS...: one traced loop.
profile_one() {
	local drv=$1 path=$2 root=$3
	shift 3
	echo > $TR/trace
	echo "$root" > $TR/set_graph_function || { echo "bench: FAIL: profile: cannot trace $root"; exit 1; }
	taskset 1 vfio-bench trace "$PITERS" "$@" > /dev/null ||
		{ echo "bench: FAIL: profile $drv $path: vfio-bench trace $*"; exit 1; }
	graph_sum "$drv" "$path" < $TR/trace >> $out
}

profile() {
	# The roots: the group fd's ioctl (VFIO_GROUP_GET_DEVICE_FD) and the
	# device fd's (VFIO_DEVICE_FEATURE), whose callees are inlined.
	local r n rs pg=vfio_group_fops_unl_ioctl pd=vfio_device_fops_unl_ioctl
	[ -e $TR/current_tracer ] || mount -t tracefs tracefs $TR 2>/dev/null
	if ! grep -qw function_graph $TR/available_tracers 2>/dev/null; then
		echo "bench: n/a profile: this kernel has no function_graph tracer (CONFIG_FUNCTION_GRAPH_TRACER)"
		return
	fi
	# What ftrace can see of vfio-pci-rs: its C shim has fentry calls; a
	# Rust function would be listed under its mangled name (_R...).
	n=$(grep -c '\[vfio_pci_rs\]' $TR/available_filter_functions)
	rs=$(grep '\[vfio_pci_rs\]' $TR/available_filter_functions | grep -c '^_R')
	echo "bench: profile: ftrace can trace $n functions of vfio_pci_rs, $rs of them Rust"
	echo "F traceable vfio_pci_rs $n rust $rs" >> $out
	# Callees of the paths that ftrace may not see (notrace or inlined):
	# listed, so that the summary says where their time went.
	for f in strlen strncmp uuid_parse uuid_is_valid _copy_from_user \
		rust_helper_mutex_assert_is_held vfio_check_feature; do
		grep -q "^$f\( \|\$\)" $TR/available_filter_functions || echo "F untraceable $f" >> $out
	done
	echo "F traceable rust_helper $(grep -c '^rust_helper_' $TR/available_filter_functions)" >> $out
	echo 0 > $TR/tracing_on
	echo 8192 > $TR/buffer_size_kb
	echo function_graph > $TR/current_tracer
	echo 1 > $TR/options/funcgraph-tail
	echo 0 > $TR/options/funcgraph-irqs
	echo 6 > $TR/max_graph_depth
	for r in 0 1; do
		pair_setup "$r"
		for x in a b; do
			if [ $x = a ]; then
				drv=$a p=$pf v=$va gg=$ga
			else
				drv=$b p=$pf2 v=$vb2 gg=$gb
			fi
			profile_one "$drv" vf_wrong_token $pg open "$v" "$v vf_token=$T2" EACCES
			profile_one "$drv" vf_no_token $pg open "$v" "$v" EACCES
			profile_one "$drv" malformed $pg open "$v" "$v vf_token=$BAD" EINVAL
			profile_one "$drv" group_not_me $pg open "$gg" "$NOBODY" ENODEV
			profile_one "$drv" feature_probe $pd feature "$p" "$p" probe "$T"
			profile_one "$drv" feature_set $pd feature "$p" "$p" set "$T"
		done
	done
	echo nop > $TR/current_tracer
	echo > $TR/set_graph_function
	echo 0 > $TR/max_graph_depth
	echo > $TR/trace
}

# The CPU the guest sees and the kernel's mitigations: what every call and
# return costs depends on them (return thunks, call depth tracking).
for f in /sys/devices/system/cpu/vulnerabilities/*; do
	[ -e "$f" ] && echo "C $(basename "$f") $(cat "$f")" >> $out
done
grep -m1 '^model name' /proc/cpuinfo | sed 's/^model name[^:]*: */C cpu /' >> $out

start=$(cut -d' ' -f1 /proc/uptime)
echo "bench: $ROUNDS main rounds, $SROUNDS scaling rounds, $ngfn devices in the group"
echo "bench: warm-up"
if [ "$SLOW" = 1 ]; then
	main_round "$C" w > /dev/null
	main_round "$RS" w > /dev/null
fi
pair_round 0 > /dev/null
sed -i '/^S main [^ ]* [w0] /d' $out
r=0
while [ $r -lt "$ROUNDS" ]; do
	if [ "$SLOW" = 1 ]; then
		for drv in $(order $r); do
			main_round "$drv" "$r"
		done
	fi
	pair_round "$r"
	trace_round "$r"
	r=$((r + 1))
	echo "bench: main round $r of $ROUNDS done at $(cut -d' ' -f1 /proc/uptime) s"
done
r=0
while [ $r -lt "$SROUNDS" ]; do
	for drv in $(order $r); do
		scale_round "$drv" "$r"
	done
	r=$((r + 1))
	echo "bench: scaling round $r of $SROUNDS done at $(cut -d' ' -f1 /proc/uptime) s"
done
if [ "${BENCH_PROFILE:-0}" = 1 ]; then
	echo "bench: profile (function_graph)"
	profile
fi
echo "bench: allocation check"
alloc_check "$C"
alloc_check "$RS"
reset_all
echo "bench: guest done in $(awk -v s="$start" '{ printf "%d", $1 - s }' /proc/uptime) s"
echo BENCH-BEGIN
cat $out
echo BENCH-END
