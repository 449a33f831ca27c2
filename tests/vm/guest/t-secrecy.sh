#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The VF token is never readable (SPEC section 0): set known tokens on both
# PFs through every path there is, succeed and fail with them in every way,
# with all trace events on when tracefs exists, then search the kernel log,
# sysfs, debugfs and tracefs for them in every form (secret-scan).  A
# canary planted in each place, and in files in every form, shows that the
# scan would have found a leak.  Needs two igb PFs and the edu device
# (scripts/vm-run --pfs 2 --edu).  TAP.
. vfio-lib.sh

# Tokens of this suite only: a hit names the suite that leaked it.
SA=6d3c1b2a-4e5f-4a6b-8c7d-9e0f1a2b3c4d		# PF 1's
SA_UPPER=6D3C1B2A-4E5F-4A6B-8C7D-9E0F1A2B3C4D
SB=e8f7a6b5-c4d3-4e2f-9102-a3b4c5d6e7f8		# PF 2's
SW=71a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f9		# nobody's: only ever wrong
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
		echo "# op $ops: want $want, got: $(echo "$out" | tr '\n' ' ')"
	fi
}

params=/sys/module/vfio_pci_rs/parameters
tracing=/sys/kernel/tracing
pf=$(igb_pfs | sed -n 1p)
pf2=$(igb_pfs | sed -n 2p)
edu=$(find_dev 0x1234:0x11e8 | head -n1)
[ -n "$pf" ] && [ -n "$pf2" ] && [ -n "$edu" ] || {
	echo "Bail out! needs two igb PFs and edu (vm-run --pfs 2 --edu)"
	exit 1
}

# Trace every event while the tokens are in use, if the kernel can, but
# for a few that record only numbers and task names: at their rate they
# would push the rest out of the ring buffer before the scan, and make the
# trace too long to read under emulation.  The buffer is not cleared
# before the scan: older events are searched too.
mounted_tracefs=0
if [ ! -e $tracing/events/enable ] && grep -qw tracefs /proc/filesystems; then
	mount -t tracefs tracefs $tracing && mounted_tracefs=1
fi
if [ -e $tracing/events/enable ]; then
	have_tracefs=1
	was_on=$(cat $tracing/tracing_on)
	echo 1 > $tracing/events/enable
	for s in sched timer irq irq_vectors ipi rcu workqueue kmem percpu power msr \
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
if [ $have_tracefs = 1 ]; then
	echo "secret-scan canary $C" > $tracing/trace_marker
	echo 0 > $tracing/tracing_on
	for s in $tracing/per_cpu/cpu*/stats; do
		echo "# trace $(dirname "$s" | xargs basename): $(grep -E '^(entries|overrun)' "$s" | tr '\n' ' ')"
	done
fi

start=$(date +%s)
secret-scan --token "SA=$SA" --token "SB=$SB" --token "SW=$SW" --canary "canary=$C" \
	--kmsg /sys $canary_dir > /tmp/secrecy-scan.out 2>&1
status=$?
took=$(($(date +%s) - start))
grep -v '^hit canary ' /tmp/secrecy-scan.out | sed 's/^\([^#]\)/# \1/'

hits() { grep -c "^hit $1 $2 " /tmp/secrecy-scan.out; }
for t in SA SB SW; do
	for loc in kmsg sysfs debugfs tracefs; do
		if [ $loc = tracefs ] && [ $have_tracefs = 0 ]; then
			ok "$t in $loc: no hit # SKIP tracefs not mounted"
			continue
		fi
		check "$t in $loc: no hit" [ "$(hits $t $loc)" = 0 ]
	done
done
check "the scan found no token (exit $status, ${took}s)" [ "$status" = 0 ]

files_in() { sed -n "s/^# $1: \([0-9]*\) .*/\1/p" /tmp/secrecy-scan.out; }
check "the scan read the kernel log ($(files_in kmsg) records)" [ "$(files_in kmsg)" -gt 10 ]
check "the scan read sysfs ($(files_in sysfs) files)" [ "$(files_in sysfs)" -gt 1000 ]
check "the scan read debugfs ($(files_in debugfs) files)" [ "$(files_in debugfs)" -gt 0 ]
for f in text TEXT hex HEX text-le hex-le raw raw-le; do
	check "the canary is found: $f" grep -q "^hit canary other .* $canary_dir/$f @" \
		/tmp/secrecy-scan.out
done
check "the canary is found in the kernel log" grep -q '^hit canary kmsg text ' /tmp/secrecy-scan.out
check "the canary is found in sysfs" \
	grep -q "^hit canary sysfs text .*/driver_override @" /tmp/secrecy-scan.out
if [ $have_tracefs = 1 ]; then
	check "the canary is found in tracefs" grep -q '^hit canary tracefs text ' /tmp/secrecy-scan.out
else
	ok "the canary is found in tracefs # SKIP tracefs not mounted"
fi

# Leave the machine as it was.
rm -rf $canary_dir
if [ $have_tracefs = 1 ]; then
	echo 0 > $tracing/events/enable
	echo "$was_on" > $tracing/tracing_on
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
