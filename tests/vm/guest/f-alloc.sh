#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Allocation failures on every driver path (issue 11), on the debug kernel
# (CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC).  For each path, the 1st, 2nd,
# ... slab or page allocation of the task that runs the path is made to
# fail (/proc/thread-self/fail-nth, through vfio-fault: only that task and
# only that one system call), until the path makes fewer allocations than N
# and succeeds.  After every attempt: the errno userspace got is one the
# path may return, and the state is intact, checked through behaviour
# (binding, vf_users through PF opens without a token - SPEC C6/C9 -, the
# token through VF opens - C4/C5 -, the VFs present).  The PF open with a
# token shows C10 in the VM: an open that fails after the token decision
# has still set the token.  Every path prints one line
#
#   FAULTS path=NAME tried=N saw=ENOMEM:3,ok:1 final=ok
#
# for the report.  Each path must have had at least one failure injected
# (tried > 0), but for the paths zero_expected names with the reason, where
# it must have had none.  FAULT_MAX_NTH (default 400) bounds each path.
#
# FAULT_PATHS, the one way to run fewer paths (scripts/check-faults passes
# it from the host's environment; empty means all), is comma-separated
# shell patterns matched against the path names below.  Each pattern must
# match a path (a typo is refused: bail out).  A run it limits says so
# ("# FAULT_PATHS=... limits the run to K of N paths") and prints fewer
# cases than vm-manifest pins for this suite, so that the collector fails
# it: a partial run never passes for a full one.  Needs one igb PF.  TAP.
. vfio-lib.sh

# Every path, in the order they run.
all_paths="PF probe|sriov_numvfs|VF probe|VF open [group]|VF open [cdev]|PF open, no token [group]|PF open, no token [cdev]|PF open with a token (C10) [group]|PF open with a token (C10) [cdev]|FEATURE SET|module load ids="
# zero_expected PATH: why no allocation of PATH can be failed, for the
# paths where none is (their case then asserts that none was, so that one
# added later is noticed); nothing for the others.
zero_expected() {
	case $1 in
	"FEATURE SET") echo "the token is copied into the PF's state under its mutex, nothing allocated" ;;
	esac
}

MAX=${FAULT_MAX_NTH:-400}
T=52ac9bff-3a88-4fbd-901a-0d767c3b6c97
dbg=/sys/kernel/debug
ko=$(modinfo -n "$MOD" 2> /dev/null || find /lib/modules -name "$MOD.ko*" | head -n1)

[ -e /proc/self/fail-nth ] && [ -d $dbg/failslab ] && [ -d $dbg/fail_page_alloc ] || {
	echo "Bail out! needs the debug kernel (failslab, fail_page_alloc)"
	exit 1
}
# fail-nth counts every allocation that may fail: sleeping ones too, and
# single pages.  One line per injected failure, no stack (the serial
# console is slow under TCG).
# FAULT_VERBOSE=2 prints each injected failure's stack, and each attempt's
# result goes to the kernel log too, to tell which allocation did what.
verbose=${FAULT_VERBOSE:-1}
for a in failslab fail_page_alloc; do
	echo N > $dbg/$a/ignore-gfp-wait
	echo "$verbose" > $dbg/$a/verbose
	echo 32 > $dbg/$a/stacktrace-depth
done
echo N > $dbg/fail_page_alloc/ignore-gfp-highmem
echo 0 > $dbg/fail_page_alloc/min-order

# Only allocations with vfio-pci-rs on the stack count (the stacktrace
# filter, up to 32 frames): everything our callbacks do, vfio-pci-core's,
# the vfio core's and the PCI core's work under them included, but not the
# syscall's own plumbing before our code runs (sysfs, the group ioctl's
# copy of the device string).  Unfiltered, a PF probe alone makes more
# than 150 allocations and the run takes hours under TCG.  The range is
# our module's .text up to the section after it.
module_text() {
	local d=/sys/module/$MOD/sections start
	start=$(cat $d/.text)
	# Same-length lower-case hex: string order is numeric order.
	echo "$start $(cat $d/.* $d/* 2> /dev/null | sort -u |
		awk -v s="$start" '$1 > s { print; exit }')"
}
# reject_on START END: never fail an allocation with START..END on the
# stack; sym_range FN: FN's address range, up to the next symbol.
reject_on() {
	for a in failslab fail_page_alloc; do
		echo "$1" > $dbg/$a/reject-start
		echo "$2" > $dbg/$a/reject-end
	done
}
sym_range() {
	sort /proc/kallsyms | awk -v f="$1" '
		s != "" && $1 != s { print "0x" s, "0x" $1; exit }
		$3 == f && s == "" { s = $1 }'
}
filter_on() {
	for a in failslab fail_page_alloc; do
		echo "$1" > $dbg/$a/require-start
		echo "$2" > $dbg/$a/require-end
	done
}
# shellcheck disable=SC2046
set -- $(module_text)
[ -n "$2" ] || { echo "Bail out! cannot find $MOD's .text range"; exit 1; }
filter_on "$1" "$2"
echo "# allocations counted with $MOD's .text ($1..$2) on the stack"

# A distinct valid token per attempt.
tok() { printf '%08x-0000-4000-8000-%012x' "$1" "$2"; }

# A failed allocation in device_add() -> devtmpfs_create_node() (the
# node's name, from the class's devnode callback) leaves the device
# registered without its /dev node: device_add() ignores that error, for
# any driver; on a host, udev makes the node from the uevent.  The guest
# has no udev, so the checks do what udev would: make_nodes DEV makes
# DEV's missing vfio nodes (group, and device cdev) from their sysfs dev
# attributes, and the open that follows shows whether the device itself
# is intact.  The checks run in subshells, so make_nodes notes each node
# in $made_nodes; after the check, drop_nodes counts them in $nodes (one
# missing without an injected failure in this attempt is a failure),
# removes them and unbinds the device, so that devtmpfs makes the next
# ones itself.
made_nodes=/tmp/f-alloc.nodes
: > $made_nodes
nodes=0
make_nodes() {
	local d=/sys/bus/pci/devices/$1 g f node
	[ -e "$d/iommu_group" ] || return 0
	g=$(basename "$(readlink "$d/iommu_group")")
	for f in /sys/class/vfio/$g/dev "$d"/vfio-dev/vfio*/dev; do
		[ -e "$f" ] || continue
		case "$f" in
		/sys/class/*) node=/dev/vfio/$g ;;
		*) node=/dev/vfio/devices/$(basename "$(dirname "$f")") ;;
		esac
		[ ! -e "$node" ] || continue
		mkdir -p "$(dirname "$node")"
		mknod "$node" c "$(cut -d: -f1 "$f")" "$(cut -d: -f2 "$f")" || continue
		echo "$1 $node" >> $made_nodes
		echo "f-alloc: nth ${nth:-?}: $1 had no $node (devtmpfs), made it" > /dev/kmsg
	done
}
drop_nodes() {
	local dev node
	while read -r dev node; do
		nodes=$((nodes + 1))
		[ "${cur_inj:-0}" = 1 ] ||
			bad="$bad; nth ${nth:-?}: $node missing without an injected failure"
		rm -f "$node"
		unbind_fully "$dev"
	done < $made_nodes
	: > $made_nodes
}
unbind_fully() {
	[ "$(driver_of "$1")" != none ] || return 0
	[ ! -e "/sys/bus/pci/devices/$1/sriov_numvfs" ] || [ -z "$(vfs_of "$1")" ] ||
		set_numvfs "$1" 0
	unbind "$1"
}

# Quiet opens for the state checks: "ok" or the errno's name, or why
# vfio-open did not get as far as the open.
opened() {
	local out r
	eval "make_nodes \"\${$#}\""
	out=$(vfio-open "$@" 2>&1)
	r=$(echo "$out" | sed -n 's/^open [^ ]*: \([A-Za-z?]*\).*/\1/p' | head -n1)
	echo "${r:-"no open ($(echo "$out" | tail -n1))"}"
}

# The state every check below starts from: PF bound, 1 VF bound, token $cur.
pf_ready() {
	[ "$(driver_of "$pf")" = "$DRV" ] || bind "$pf" "$DRV" || return 1
	if [ -z "$(vfs_of "$pf")" ]; then
		set_numvfs "$pf" 1 || return 1
	fi
	vf=$(vfs_of "$pf" | sed -n 1p)
	for v in $(vfs_of "$pf"); do
		[ "$(driver_of "$v")" = "$DRV" ] || bind "$v" "$DRV" || return 1
	done
}

# tokens_intact: vf_users is 0 (C9: the PF opens without a token) and the
# token is $cur (C5 with it, C4 without the right one).
bad=""
tokens_intact() {
	local r
	r=$(opened "$pf")
	[ "$r" = ok ] || bad="$bad; PF open without a token: $r (vf_users not 0?)"
	r=$(opened --token "$cur" "$vf")
	[ "$r" = ok ] || bad="$bad; VF open with the token: $r"
	r=$(opened "$vf")
	[ "$r" = EACCES ] || bad="$bad; VF open without a token: $r"
}

# FAULT_PATHS picks paths: comma-separated shell patterns matched against
# the path names; by default all of them.
want() {
	local p r=1 IFS=,
	set -f
	for p in ${FAULT_PATHS:-*}; do
		# shellcheck disable=SC2254
		case "$1" in $p) r=0 ;; esac
	done
	set +f
	return $r
}
# paths_limit: refuses a FAULT_PATHS pattern that matches no path, and says
# how many paths a FAULT_PATHS run leaves.
paths_limit() {
	local p q hit k=0 total=0 IFS='|'
	for q in $all_paths; do
		total=$((total + 1))
		want "$q" && k=$((k + 1))
	done
	set -f
	IFS=,
	for p in $FAULT_PATHS; do
		hit=0
		IFS='|'
		for q in $all_paths; do
			# shellcheck disable=SC2254
			case "$q" in $p) hit=1 ;; esac
		done
		IFS=,
		[ $hit = 1 ] || { set +f; echo "Bail out! FAULT_PATHS: '$p' matches no path"; exit 1; }
	done
	set +f
	echo "# FAULT_PATHS=$FAULT_PATHS limits the run to $k of $total paths"
}
[ -z "${FAULT_PATHS:-}" ] || paths_limit

# sweep NAME ALLOWED RESET CHECK VFIO-FAULT-ARGS...: the loop.  RESET
# brings the state back before each attempt, CHECK RESULT INJECTED checks
# it after (adding to $bad).  ALLOWED is the space-separated list of
# results userspace may see when an allocation fails.  An argument "%n"
# is the attempt's own token ($attempt_tok).
sweep() {
	local name=$1 allowed=$2 reset=$3 chk=$4 nth=1 tried=0 saw="" out inj res final=""
	shift 4
	bad=""
	nodes=0
	case "|$all_paths|" in
	*"|$name|"*) ;;
	*) echo "Bail out! path '$name' is not in all_paths"; exit 1 ;;
	esac
	if ! want "$name"; then
		echo "# $name: not selected (FAULT_PATHS)"
		return 0
	fi
	while [ $nth -le "$MAX" ]; do
		$reset || { bad="$bad; nth $nth: could not set the state up"; break; }
		attempt_tok=$(tok "$nth" "$(date +%s)")
		out=$(FAULT_TOKEN=$attempt_tok vfio-fault --nth "$nth" "$@" 2>&1)
		inj=$(echo "$out" | sed -n 's/^nth [0-9]*: injected=\([01]\) .*/\1/p')
		res=$(echo "$out" | sed -n 's/^nth [0-9]*: .* result=\(.*\)/\1/p')
		if [ -z "$inj" ]; then
			bad="$bad; nth $nth: vfio-fault: $out"
			break
		fi
		[ "$verbose" = 1 ] || echo "f-alloc: $name: nth $nth: injected=$inj result=$res" > /dev/kmsg
		cur_inj=$inj
		$chk "$res" "$inj"
		drop_nodes
		if [ "$inj" = 0 ]; then
			final=$res
			break
		fi
		tried=$((tried + 1))
		[ $((tried % 25)) != 0 ] || echo "f-alloc: $name: $tried tried" > /dev/kmsg
		saw="$saw $res"
		case " $allowed ok " in
		*" $res "*) ;;
		*) bad="$bad; nth $nth: userspace saw $res" ;;
		esac
		nth=$((nth + 1))
	done
	saw=$(echo "$saw" | tr ' ' '\n' | grep . | sort | uniq -c | awk '{printf "%s%s:%s", s, $2, $1; s=","}')
	echo "FAULTS path=$name tried=$tried saw=${saw:-none} final=${final:-none} nodes=$nodes"
	echo "f-alloc: $name: $tried tried, saw ${saw:-none}, then ${final:-none}; $nodes /dev nodes made" > /dev/kmsg
	# A path where no failure was injected proved nothing, unless none can
	# be: then that none was is the assertion.
	why0=$(zero_expected "$name")
	if [ -n "$why0" ]; then
		check "$name: no allocation to fail ($why0): $tried injected" [ -z "$bad" -a "$tried" = 0 ]
	else
		check "$name: $tried injected failures, userspace saw ${saw:-nothing but success}" \
			[ -z "$bad" -a "$tried" -gt 0 ]
	fi
	[ -z "$bad" ] || echo "# $name:$bad" | head -c 2000
	check "$name: the path succeeds once no allocation fails (within $MAX)" [ "$final" = ok ]
}

echo 1 > /sys/module/$MOD/parameters/enable_sriov
pf=$(igb_pfs | sed -n 1p)
[ -n "$pf" ] || { echo "Bail out! needs an igb PF"; exit 1; }
cur=$T

# --- PF probe: bind through drivers_probe --------------------------------
pf_unbound() {
	unbind_fully "$pf"
	echo "$DRV" > "/sys/bus/pci/devices/$pf/driver_override"
}
check_pf_probe() {
	local d r
	d=$(driver_of "$pf")
	case "$d" in
	"$DRV")
		# Bound: a working device with a fresh token.
		r=$(opened "$pf")
		[ "$r" = ok ] || bad="$bad; nth $nth: bound PF does not open: $r"
		;;
	none)
		[ "$2" = 1 ] || bad="$bad; nth $nth: PF unbound without an injected failure"
		[ ! -e "/sys/bus/pci/devices/$pf/vfio-dev" ] ||
			bad="$bad; nth $nth: unbound PF kept a vfio device"
		;;
	*) bad="$bad; nth $nth: PF bound to $d" ;;
	esac
}
# The driver's init-failure path (its data built, then
# vfio_pci_core_init_dev() failing, the data dropped) runs only when that
# call fails, which it can only through pcim_p2pdma_init()'s allocations
# (CONFIG_PCI_P2PDMA).  A kretprobe counts the failed calls during the
# sweep: the path must have run.
tracefs_mount
echo 'r:f_alloc_init vfio_pci_core_init_dev ret=$retval:s32' > $tracing/kprobe_events
echo > $tracing/trace
echo 1 > $tracing/events/kprobes/f_alloc_init/enable
sweep "PF probe" "ENOMEM" pf_unbound check_pf_probe \
	write /sys/bus/pci/drivers_probe "$pf"
echo 0 > $tracing/events/kprobes/f_alloc_init/enable
init_failed=$(grep -c 'f_alloc_init:.* ret=-12$' $tracing/trace)
echo > $tracing/kprobe_events
check "PF probe: the driver's init-failure path ran ($init_failed failed vfio_pci_core_init_dev())" \
	[ "$init_failed" -gt 0 ]

# --- sriov_numvfs, and with it the VFs' probe ----------------------------
pf_novfs() {
	[ "$(driver_of "$pf")" = "$DRV" ] || bind "$pf" "$DRV" || return 1
	[ -z "$(vfs_of "$pf")" ] || set_numvfs "$pf" 0
	vfio-open --set-token "$cur" "$pf" > /dev/null
}
check_numvfs() {
	local v n
	n=$(vfs_of "$pf" | wc -l)
	if [ "$1" = ok ]; then
		[ "$n" = 1 ] || bad="$bad; nth $nth: numvfs ok but $n VFs"
		for v in $(vfs_of "$pf"); do
			case "$(driver_of "$v")" in
			"$DRV") ;;
			none) [ "$2" = 1 ] || bad="$bad; nth $nth: VF $v unbound" ;;
			*) bad="$bad; nth $nth: VF $v bound to $(driver_of "$v")" ;;
			esac
		done
		vf=$(vfs_of "$pf" | sed -n 1p)
		[ "$(driver_of "$vf")" = "$DRV" ] && tokens_intact
	else
		[ "$n" = 0 ] || bad="$bad; nth $nth: numvfs failed with $n VFs left"
		[ "$(opened "$pf")" = ok ] || bad="$bad; nth $nth: PF does not open"
	fi
}
# On Linux 7.3 a failed allocation while the PCI core sets a new VF up
# oopses the kernel: pci_setup_device() ignores dev_set_name()'s error,
# device_add() then fails for want of a name, pci_device_add() only WARNs
# (it returns void), and pci_iov_add_virtfn()'s error path removes the
# half-added VF: KASAN null-ptr-deref in device_del(), the VM panics.  The
# same sriov_enable() runs for any PF driver.  So no allocation with the
# PCI core's device setup on the stack is failed here: the filter's reject
# range, from pci_setup_device() to the end of pci_device_add() in
# drivers/pci/probe.c's text (which also spares pci_alloc_dev()).  Every
# other allocation of the path is failed: vfio-pci-core's sriov_configure,
# sriov_enable()'s own and the VFs' probe.  FAULT_PCI_DEVICE_ADD=1 fails
# those too, to show the kernel's oops.
if [ "${FAULT_PCI_DEVICE_ADD:-0}" != 1 ] && want sriov_numvfs; then
	# shellcheck disable=SC2046
	set -- $(sym_range pci_setup_device) $(sym_range pci_device_add)
	# Same-length lower-case hex: string order is numeric order.
	[ -n "$4" ] && [ "$(printf '%s\n' "$4" "$1" | sort | head -n1)" = "$1" ] ||
		{ echo "Bail out! no pci_setup_device..pci_device_add in /proc/kallsyms"; exit 1; }
	reject_on "$1" "$4"
	echo "# sriov_numvfs: no failure under pci_setup_device..pci_device_add ($1..$4)"
fi
sweep "sriov_numvfs" "ENOMEM" pf_novfs check_numvfs \
	write "/sys/bus/pci/devices/$pf/sriov_numvfs" 1
reject_on 0 0

# --- VF probe: bind a VF through drivers_probe ----------------------------
vf_unbound() {
	pf_ready || return 1
	vf=$(vfs_of "$pf" | sed -n 1p)
	unbind "$vf"
}
check_vf_probe() {
	case "$(driver_of "$vf")" in
	"$DRV") tokens_intact ;;
	none)
		[ "$2" = 1 ] || bad="$bad; nth $nth: VF unbound without an injected failure"
		[ "$(opened "$pf")" = ok ] || bad="$bad; nth $nth: PF does not open without a token"
		;;
	*) bad="$bad; nth $nth: VF bound to $(driver_of "$vf")" ;;
	esac
}
pf_ready && vfio-open --set-token "$cur" "$pf" > /dev/null
sweep "VF probe" "ENOMEM" vf_unbound check_vf_probe \
	write /sys/bus/pci/drivers_probe "$vf"

# --- opens ---------------------------------------------------------------
pf_ready && vfio-open --set-token "$cur" "$pf" > /dev/null
check_open() { tokens_intact; }
sweep "VF open [group]" "ENOMEM" pf_ready check_open open --token "$cur" "$vf"
sweep "VF open [cdev]" "ENOMEM" pf_ready check_open --cdev --token "$cur" open "$vf"
sweep "PF open, no token [group]" "ENOMEM" pf_ready check_open open "$pf"
sweep "PF open, no token [cdev]" "ENOMEM" pf_ready check_open --cdev open "$pf"

# C10: every attempt opens the PF with a new token.  The token must be the
# attempt's exactly when the open got past the token decision: from some
# attempt on, always; before it, never.  A failed open that set it is C10.
c10_set=0
c10_failed_set=0
c10_order=ok
check_c10() {
	local t
	t=$(echo "$attempt_tok")
	if [ "$(opened --token "$t" "$vf")" = ok ]; then
		cur=$t
		c10_set=1
		[ "$1" = ok ] || c10_failed_set=$((c10_failed_set + 1))
	else
		[ "$c10_set" = 0 ] || c10_order="nth $nth: token not set after an earlier attempt set it"
		[ "$1" != ok ] || bad="$bad; nth $nth: a successful open did not set the token"
	fi
	tokens_intact
}
for path in group cdev; do
	c10_set=0 c10_failed_set=0 c10_order=ok
	flag=
	[ $path = cdev ] && flag=--cdev
	want "PF open with a token (C10) [$path]" || continue
	sweep "PF open with a token (C10) [$path]" "ENOMEM" pf_ready check_c10 \
		$flag --token %n open "$pf"
	check "C10 [$path]: the token is set from the token decision on ($c10_order)" [ "$c10_order" = ok ]
	if [ $path = cdev ]; then
		check "C10 [cdev]: $c10_failed_set failed opens set the token" [ "$c10_failed_set" -gt 0 ]
		continue
	fi
	# On the group path the token is decided in match(), and every
	# allocation failure after it was absorbed: the open succeeded each
	# time, with C vfio-pci exactly as with vfio-pci-rs (65 of 65, make
	# check-faults --c-vfio-pci).  The open is made to fail after match()
	# by the group itself: no container, EINVAL.
	attempt_tok=$(tok 0 "$(date +%s)")
	r=$(opened --no-container --token "$attempt_tok" "$pf")
	check "C10 [group]: a PF open that fails after match() (no container) is $r, want EINVAL" [ "$r" = EINVAL ]
	bad="" nth=none c10_failed_set=0
	check_c10 "$r" 1
	[ -n "$bad" ] || [ "$c10_failed_set" -gt 0 ] || bad="; the token was not set"
	check "C10 [group]: that failed open set the token, and the state is intact$bad" [ -z "$bad" ]
done

# --- FEATURE SET ---------------------------------------------------------
check_feature() {
	local t
	t=$(echo "$attempt_tok")
	if [ "$1" = ok ]; then
		cur=$t
	fi
	tokens_intact
}
sweep "FEATURE SET" "ENOMEM" pf_ready check_feature feature "$pf" %n

# --- module load with ids= -----------------------------------------------
mod_unloaded() {
	if [ -e /sys/module/$MOD ]; then
		[ "$(driver_of "$pf")" != "$DRV" ] || [ -z "$(vfs_of "$pf")" ] ||
			set_numvfs "$pf" 0
		rmmod $MOD || return 1
	fi
	echo > "/sys/bus/pci/devices/$pf/driver_override"
	[ "$(driver_of "$pf")" = none ]
}
check_insmod() {
	if [ "$1" = ok ]; then
		[ -e /sys/module/$MOD ] || bad="$bad; nth $nth: loaded but no /sys/module"
		case "$(driver_of "$pf")" in
		"$DRV") [ "$(opened "$pf")" = ok ] || bad="$bad; nth $nth: PF does not open" ;;
		none) [ "$2" = 1 ] || bad="$bad; nth $nth: ids= did not bind the PF" ;;
		*) bad="$bad; nth $nth: PF bound to $(driver_of "$pf")" ;;
		esac
	else
		# The driver core answers one allocation failure with EINVAL:
		# module_add_driver() (drivers/base/module.c), when it cannot
		# make /sys/module/M/drivers, returns -EINVAL and
		# bus_add_driver() prints why.  Any other EINVAL is a failure.
		[ "$1" != EINVAL ] || dmesg | tail -n 20 |
			grep -q "failed to create module links for $DRV" ||
			bad="$bad; nth $nth: EINVAL without the driver core's module links failure"
		[ ! -e /sys/module/$MOD ] || bad="$bad; nth $nth: load failed, module still there"
		[ "$(driver_of "$pf")" = none ] || bad="$bad; nth $nth: load failed, PF bound"
	fi
}
# The module's text is only there once it is loaded, and a reload may land
# at another address: for this path the filter takes the whole module
# area: from the end of the kernel's text (_etext; nothing above it but
# freed init code and data until the modules) to x86-64's MODULES_END.
# Module code runs in finit_module() only from the new module's init on
# (the loader itself is in the kernel image), so what counts is our init
# and everything under it, as for the other paths.
kernel_etext=$(awk '$3 == "_etext" { print "0x" $1; exit }' /proc/kallsyms)
filter_on "${kernel_etext:?no _etext in /proc/kallsyms}" 0xffffffffff000000
sweep "module load ids=" "ENOMEM EINVAL" mod_unloaded check_insmod \
	insmod "$ko" "ids=8086:10c9 enable_sriov=1"

# After it all: the driver still works end to end.
pf_ready && vfio-open --set-token "$T" "$pf" > /dev/null
cur=$T
bad=""
tokens_intact
check "after every injected failure the driver works (C5, C9)" [ -z "$bad" ]
set_numvfs "$pf" 0
unbind "$pf"
check "the module unloads" rmmod $MOD
tap_end
