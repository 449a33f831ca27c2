#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The VF token is never readable (SPEC section 0): set known tokens on both
# PFs through every path there is, succeed and fail with them in every way,
# with all trace events on, then search the kernel log, sysfs, debugfs and
# tracefs for them in every form (secret-scan).  Each "no hit" case holds
# only when the scan ran to its summary and read that place; each place is
# read whole (no file timed out or cut short, no kernel log record or trace
# event lost); a canary in each place, and in files in every form, shows
# that the scan would have found a leak there.  The kernel's lines also go
# to the console, where the host searches for the tokens (SECRET below):
# the guest's log buffer drops its oldest lines.  Needs two igb PFs and
# the edu device (scripts/vm-run --pfs 2 --edu).  TAP.
. vfio-lib.sh

# Tokens of this suite only: a hit names the suite that leaked it.
SA=6d3c1b2a-4e5f-4a6b-8c7d-9e0f1a2b3c4d		# PF 1's
SA_UPPER=6D3C1B2A-4E5F-4A6B-8C7D-9E0F1A2B3C4D
SB=e8f7a6b5-c4d3-4e2f-9102-a3b4c5d6e7f8		# PF 2's
SW=71a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f9		# nobody's: only ever wrong
declare_secrets "$SA" "$SB" "$SW"
console_all
# scrub: the suite's own output never holds a token, or the host's search
# would find it there: what vfio-open and the scanner say goes through
# this, which puts <NAME> in the place of every token, as a UUID or as 32
# hex digits, in any case.
scrub() {
	awk -v list="SA=$SA SB=$SB SW=$SW" '
		BEGIN {
			n = split(list, a, " ")
			for (i = 1; i <= n; i++) {
				split(a[i], kv, "=")
				name[i] = kv[1]
				form[i, 1] = tolower(kv[2])
				form[i, 2] = form[i, 1]
				gsub(/-/, "", form[i, 2])
			}
		}
		{
			for (i = 1; i <= n; i++)
				for (f = 1; f <= 2; f++)
					while ((p = index(tolower($0), form[i, f])) > 0)
						$0 = substr($0, 1, p - 1) "<" name[i] ">" \
						     substr($0, p + length(form[i, f]))
			print
		}'
}
# The canary, and its forms written out by hand rather than by the scanner
# that is to find them.
C=a1b2c3d4-e5f6-4789-9abc-def012345678
C_UPPER=A1B2C3D4-E5F6-4789-9ABC-DEF012345678
C_HEX=a1b2c3d4e5f647899abcdef012345678
C_HEX_UPPER=A1B2C3D4E5F647899ABCDEF012345678
C_LE=d4c3b2a1-f6e5-8947-9abc-def012345678
C_HEX_LE=D4C3B2A1F6E589479ABCDEF012345678
C_RAW='\241\262\303\324\345\366\107\211\232\274\336\360\022\064\126\170'
C_RAW_LE='\324\303\262\241\366\345\211\107\232\274\336\360\022\064\126\170'

# op WANT VFIO-OPEN-ARGS...: one use of a token; the open, or the feature
# call if there is one, must end in WANT (ok, EACCES, ...), so that the
# suite knows it took the path it meant to.  Counted, not a TAP case each.
ops=0
bad_ops=0
op() {
	local want=$1 out got
	shift
	ops=$((ops + 1))
	out=$(vfio-open "$@" 2>&1)
	got=$(echo "$out" | sed -nE 's/^(open [^ ]*|feature|set token on [^ ]*): ([A-Za-z?]*).*/\2/p' |
		tail -n1)
	if [ "$got" != "$want" ]; then
		bad_ops=$((bad_ops + 1))
		echo "# op $ops: want $want, got: $(echo "$out" | tr '\n' ' ')" | scrub
	fi
}

params=/sys/module/vfio_pci_rs/parameters
need_pfs_edu

# Trace every event while the tokens are in use, if the kernel can, but
# for a few that record only numbers and task names: at their rate they
# would push the rest out of the ring buffer before the scan, and make the
# trace too long to read under emulation.  On the debug kernel lockdep's
# lock and preemptirq events (lock names, caller addresses) alone overran
# the 8 MiB a CPU by millions of events.  The buffer is not cleared
# before the scan: older events are searched too.  It holds 8 MiB a CPU
# for the run (the test kernel's 1.4 MiB overran by some 20000 events a
# CPU, events the scan then never saw); the scan reads files of up to 32
# MiB whole, the trace file included.
# trace_losses STATS: a CPU's overrun, commit overrun and dropped events.
trace_losses() {
	awk -F': ' '$1 == "overrun" || $1 == "commit overrun" || $1 == "dropped events" { printf "%s ", $2 }' "$1"
}
mounted_tracefs=0
tracefs_mount && mounted_tracefs=1
if [ -e $tracing/events/enable ]; then
	have_tracefs=1
	was_on=$(cat $tracing/tracing_on)
	was_kb=$(trace_buffer_kb)
	echo 8192 > $tracing/buffer_size_kb
	# What the ring buffer had lost before this suite: a second run in a
	# boot finds the first one's restore of the size counted as overrun.
	for st in $tracing/per_cpu/cpu*/stats; do
		echo "$(basename "$(dirname "$st")") $(trace_losses "$st")"
	done > /tmp/secrecy-trace.before
	echo 1 > $tracing/events/enable
	for s in sched timer irq irq_vectors ipi rcu workqueue kmem percpu power msr lock preemptirq \
		 tlb x86_fpu csd; do
		[ -e $tracing/events/$s/enable ] && echo 0 > $tracing/events/$s/enable
	done
	echo "# tracing $(grep -c . $tracing/set_event) events"
	echo 1 > $tracing/tracing_on
else
	have_tracefs=0
	echo "# tracefs not mounted: searching the rest"
fi

echo 1 > $params/enable_sriov
bind "$pf" vfio-pci-rs
bind "$pf2" vfio-pci-rs
bind "$edu" vfio-pci-rs
set_numvfs "$pf" 2
set_numvfs "$pf2" 1
vf=$(vfs_of "$pf" | sed -n 1p)
vfb=$(vfs_of "$pf2" | sed -n 1p)

echo "# Setting the tokens: PF open with a token (group, cdev), feature SET"
op ok --token "$SA" "$pf"
op ok --cdev --token "$SB" "$pf2"
op ok --set-token "$SA" "$pf"
op ok --cdev --set-token "$SB" "$pf2"
op ok --raw "$pf   vf_token=$SA  " "$pf"

echo "# VF opens: right, wrong, none; both paths"
for path in "" --cdev; do
	op ok $path --token "$SA" "$vf"
	op ok $path --token "$SB" "$vfb"
	op EACCES $path --token "$SB" "$vf"
	op EACCES $path --token "$SA" "$vfb"
	op EACCES $path --token "$SW" "$vf"
	op EACCES $path "$vf"
done
op ok --token "$SA_UPPER" "$vf"

echo "# Malformed strings that carry a token"
op EINVAL --raw "$vf vf_token=${SA}x" "$vf"
op EINVAL --raw "$vf vf_token=$SA vf_token=$SA" "$vf"
op EINVAL --raw "$vf 	vf_token=$SA" "$vf"
op EINVAL --raw "$vf foo=$SA" "$vf"
op EINVAL --raw "$vf VF_TOKEN=$SB" "$vf"
op EINVAL --raw "$vf vf_token=$SW$SW" "$vf"
op EINVAL --raw "$vf vf_token=$(echo "$SA" | tr -d -)" "$vf"
op ENODEV --raw "$vf	vf_token=$SA" "$vf"
op ENODEV --raw "${vf}x vf_token=$SA" "$vf"
op EINVAL --raw "$pf vf_token=${SW}x" "$pf"

echo "# Tokens where none belongs, and feature calls that carry one"
op EINVAL --token "$SA" "$edu"
op EINVAL --cdev --token "$SW" "$edu"
op EINVAL --feature 20000:15:"$SW" "$pf"
op EINVAL --feature 10000:16:"$SW" "$pf"
op EINVAL --feature 30000:16:"$SW" "$pf"
op ok --feature 60000:16:"$SW" "$pf"
op ENOTTY --token "$SA" --feature 20000:16:"$SW" "$vf"
op ENOTTY --feature 20000:16:"$SW" "$edu"

echo "# The PF while a VF is open"
# Held until released (vfio-lib.sh's hold): the PF's opens below count
# only while it has the VF.
hold "a VF user holds the VF" --token "$SA" "$vf"
op EACCES "$pf"
op EACCES --token "$SW" "$pf"
op EACCES --cdev --token "$SB" "$pf"
op ok --token "$SA" "$pf"
op ok --cdev --token "$SA" "$pf"
release "the VF user held the VF all along" $holder
check "the $ops uses of the tokens ended as meant ($bad_ops did not)" [ "$bad_ops" = 0 ]

echo "# Canaries in every place searched"
canary_dir=/tmp/secrecy-canary
mkdir -p $canary_dir
printf 'before %s after\n' "$C" > $canary_dir/text
printf '%s' "$C_UPPER" > $canary_dir/TEXT
printf '%s' "$C_HEX" > $canary_dir/hex
printf '%s' "$C_HEX_UPPER" > $canary_dir/HEX
printf '%s' "$C_LE" > $canary_dir/text-le
printf '%s' "$C_HEX_LE" > $canary_dir/hex-le
printf "\\001$C_RAW\\002" > $canary_dir/raw
printf "$C_RAW_LE" > $canary_dir/raw-le
echo "secret-scan canary $C" > /dev/kmsg
echo "secret-scan canary $C" > "/sys/bus/pci/devices/$edu/driver_override"
# debugfs has no file on this kernel that takes a string from userspace
# and shows it back (its writable files are numbers, KUnit's "run" and the
# scheduler's feature names), so its canary is read rather than planted:
# 16 bytes of a KUnit suite's results file, read with head, given to the scan
# as a UUID whose raw bytes they are.  Found there, they show that the scan
# reads debugfs files' contents and matches in them.
dbg_file=$(for f in /sys/kernel/debug/kunit/*/results; do
	[ "$(head -c 16 "$f" 2> /dev/null | wc -c)" = 16 ] && { echo "$f"; break; }
done)
DC=$(head -c 16 "$dbg_file" 2> /dev/null | od -An -tx1 | tr -d ' \n' |
	sed -n 's/^\(.\{8\}\)\(.\{4\}\)\(.\{4\}\)\(.\{4\}\)\(.\{12\}\)$/\1-\2-\3-\4-\5/p')
echo "# debugfs canary: the first 16 bytes of ${dbg_file:-no KUnit results file} ($DC)"
if [ $have_tracefs = 1 ]; then
	echo "secret-scan canary $C" > $tracing/trace_marker
	echo 0 > $tracing/tracing_on
fi

start=$(date +%s)
secret-scan --token "SA=$SA" --token "SB=$SB" --token "SW=$SW" --canary "canary=$C" \
	${DC:+--canary "dcanary=$DC"} --max-bytes $((32 << 20)) --kmsg /sys $canary_dir \
	> /tmp/secrecy-scan.out 2>&1
status=$?
took=$(($(date +%s) - start))
grep -v '^hit canary ' /tmp/secrecy-scan.out | sed 's/^\([^#]\)/# \1/' | scrub

hits() { grep -c "^hit $1 $2 " /tmp/secrecy-scan.out; }
# scan_fig LOCATION FIELD: a figure of the scan's line for LOCATION, "# sysfs:
# 2345 files, 678 bytes, 3 read errors, 0 timed out, 0 capped, 0 lost".
scan_fig() {
	sed -n "s/^# $1: \([0-9]*\) [a-z]*, \([0-9]*\) bytes, \([0-9]*\) read errors, \([0-9]*\) timed out, \([0-9]*\) capped, \([0-9]*\) lost$/\\$2/p" \
		/tmp/secrecy-scan.out
}
files_in() { scan_fig "$1" 1; }
summary=$(grep '^scan: [0-9]* files, [0-9]* bytes, [0-9]* token hits, [0-9]* canary hits$' /tmp/secrecy-scan.out)
echo "# ${summary:-no summary line from secret-scan} (exit $status, ${took}s)"
# no_hit TOKEN LOCATION: the scan ran to its summary (exit 0, or 1 for a
# token found; 2 is a usage error), read files in LOCATION, and found TOKEN
# in none of them.  An empty or cut-short scan fails it.
no_hit() {
	[ -n "$summary" ] && [ "$status" -le 1 ] && [ "$(files_in "$2")" -gt 0 ] &&
		[ "$(hits "$1" "$2")" = 0 ]
}
for t in SA SB SW; do
	for loc in kmsg sysfs debugfs tracefs; do
		check "$t in $loc: no hit ($(hits $t $loc) in $(files_in $loc) $([ $loc = kmsg ] && echo records || echo files) read)" \
			no_hit $t $loc
	done
done

# whole LOCATION MIN: the scan read more than MIN files (records) there,
# every one whole: none timed out, none cut at --max-bytes, no kernel log
# record overwritten before it was read.  A leak in what was not read
# would go unseen.
whole() {
	[ "$(files_in "$1")" -gt "$2" ] && [ "$(scan_fig "$1" 4):$(scan_fig "$1" 5):$(scan_fig "$1" 6)" = 0:0:0 ]
}
for loc in kmsg:10 sysfs:1000 debugfs:0 tracefs:0; do
	l=${loc%:*}
	check "self-test: the scan read $l whole ($(files_in $l) $([ $l = kmsg ] && echo records || echo files), $(scan_fig $l 4) timed out, $(scan_fig $l 5) capped, $(scan_fig $l 6) lost)" \
		whole "$l" "${loc#*:}"
done
grep '^# \(timed out\|read the first\|kernel log records\)' /tmp/secrecy-scan.out | head -n 20 | scrub
# The trace ring buffer: an event overwritten (overrun) or dropped while
# this suite traced was never searched.
lost_events=
for st in $tracing/per_cpu/cpu*/stats; do
	cpu=$(basename "$(dirname "$st")")
	was=$(sed -n "s/^$cpu //p" /tmp/secrecy-trace.before)
	echo "# trace $cpu: $(grep -E '^(entries|overrun|commit overrun|dropped events):' "$st" |
		tr '\n' ' ')(overrun, commit overrun, dropped before: $was)"
	[ "$(trace_losses "$st")" = "$was" ] || lost_events="$lost_events $cpu"
done
check "self-test: the trace buffer lost no event before the scan (${lost_events:-none lost})" \
	[ -z "$lost_events" -a -n "$(ls $tracing/per_cpu/cpu*/stats 2> /dev/null)" ]

for f in text TEXT hex HEX text-le hex-le raw raw-le; do
	check "self-test: the canary is found: $f" grep -q "^hit canary other .* $canary_dir/$f @" \
		/tmp/secrecy-scan.out
done
check "self-test: the canary is found in the kernel log" grep -q '^hit canary kmsg text ' /tmp/secrecy-scan.out
check "self-test: the canary is found in sysfs" \
	grep -q "^hit canary sysfs text .*/driver_override @" /tmp/secrecy-scan.out
check "self-test: the canary is found in debugfs (16 bytes of ${dbg_file:-no file}, raw)" \
	grep -q "^hit dcanary debugfs raw ${dbg_file:-none} @0\$" /tmp/secrecy-scan.out
check "self-test: the canary is found in tracefs" grep -q '^hit canary tracefs text ' /tmp/secrecy-scan.out

# Leave the machine as it was.
rm -rf $canary_dir
if [ $have_tracefs = 1 ]; then
	echo 0 > $tracing/events/enable
	echo "$was_on" > $tracing/tracing_on
	echo "$was_kb" > $tracing/buffer_size_kb
	[ $mounted_tracefs = 1 ] && umount $tracing
fi
set_numvfs "$pf" 0
set_numvfs "$pf2" 0
for d in "$pf" "$pf2" "$edu"; do
	unbind "$d"
	echo > "/sys/bus/pci/devices/$d/driver_override"
done
echo N > $params/enable_sriov

tap_end
