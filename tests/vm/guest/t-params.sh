#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# What a user relies on from vfio-pci's module parameters and refusal log,
# vfio-pci-rs beside C vfio-pci in the same boot, on the same kind of
# device: disable_idle_d3 (runtime PM and the PCI power state of an idle
# bound PF), nointxmask (who masks INTx: the device's Interrupt Disable bit
# or the interrupt controller), ids= with class and class mask and with \v
# and 0xA0 as white space (which devices bind, what the module logs), and
# the refusal lines' rate limit (exactly DEFAULT_RATELIMIT_BURST lines of
# each reason within one window, every reason with a state of its own,
# the rest reported suppressed).  Needs two igb PFs and edu (scripts/vm-run
# --pfs 2 --edu).  TAP.
. vfio-lib.sh

CDRV=vfio-pci
CPARAMS=/sys/module/vfio_pci/parameters
T=7d2c9e41-5a0b-4f86-b1d3-c4e8f2a69d07
W=0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0
declare_secrets "$T"

modprobe vfio-pci
[ "$DRV" = vfio-pci-rs ] || {
	echo "Bail out! needs vfio-pci-rs beside C vfio-pci, not the drop-in"
	exit 1
}
need_pfs_edu
for d in "$pf" "$pf2" "$edu"; do
	unbind "$d"
	echo > "/sys/bus/pci/devices/$d/driver_override"
done

# The kernel log's timestamp (seconds) of the last line that ends with $1
# (the log's lines are stamped only while printk.time is on), or nothing.
ts_of() {
	dmesg | sed -n "s/^\[ *\([0-9.]*\)\] .*$1\$/\1/p" | tail -n1
}
# lt A B: A < B, both decimals.
lt() {
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && a + 0 < b + 0) }'
}

echo "# disable_idle_d3: an idle bound PF, its runtime PM and PCI power state"

# cfg_byte BDF OFFSET: one byte of BDF's config space, decimal.
cfg_byte() {
	od -An -tu1 -j"$2" -N1 "/sys/bus/pci/devices/$1/config" | tr -d ' '
}
# pmcsr_state BDF: the power state field of the PM capability's control
# register, found by walking the capability list (D0..D3hot), or "none".
pmcsr_state() {
	local p i=0
	p=$(cfg_byte "$1" 52)	# PCI_CAPABILITY_LIST
	while [ "${p:-0}" -ne 0 ] && [ $i -lt 48 ]; do
		if [ "$(cfg_byte "$1" "$p")" = 1 ]; then	# PCI_CAP_ID_PM
			case $(($(cfg_byte "$1" $((p + 4))) & 3)) in
			0) echo D0 ;; 1) echo D1 ;; 2) echo D2 ;; 3) echo D3hot ;;
			esac
			return
		fi
		p=$(cfg_byte "$1" $((p + 1)))
		i=$((i + 1))
	done
	echo none
}
# pm BDF: "CONTROL STATUS POWER_STATE PMCSR": power/control,
# power/runtime_status, the PCI core's power_state, the device's own
# register.
pm() {
	local d=/sys/bus/pci/devices/$1
	echo "$(cat "$d/power/control") $(cat "$d/power/runtime_status")" \
		"$(cat "$d/power_state") $(pmcsr_state "$1")"
}
suspended() { [ "$(cat "/sys/bus/pci/devices/$1/power/runtime_status")" = suspended ]; }

# d3 DRIVER PARAMS: PF 1 bound to DRIVER with disable_idle_d3=1, then PF 2
# with 0 (the parameter is latched at probe); once PF 2 is suspended, both
# PFs' pm lines, "ON|OFF".  PF 2 suspending is what shows that the time and
# the work a suspend takes have passed for PF 1 too.
d3() {
	local on off
	echo 1 > "$2/disable_idle_d3"
	bind "$pf" "$1"
	echo 0 > "$2/disable_idle_d3"
	bind "$pf2" "$1"
	wait_until 30 suspended "$pf2"
	on=$(pm "$pf") off=$(pm "$pf2")
	unbind "$pf"
	unbind "$pf2"
	echo "$on|$off"
}
# Runtime PM is the kernel's (CONFIG_PM): without it there is no idle
# suspend for the parameter to keep away, and no power/ directory.
if [ -e "/sys/bus/pci/devices/$pf/power/runtime_status" ]; then
	rs=$(d3 "$DRV" "$PARAMS")
	c=$(d3 "$CDRV" "$CPARAMS")
	check "baseline: C vfio-pci, disable_idle_d3=0: the idle PF is runtime-suspended in D3hot (${c#*|})" \
		[ "${c#*|}" = "auto suspended D3hot D3hot" ]
	check "baseline: C vfio-pci, disable_idle_d3=1: the idle PF stays active in D0 (${c%|*})" \
		[ "${c%|*}" = "auto active D0 D0" ]
	check "disable_idle_d3=0: the idle PF is runtime-suspended in D3hot (${rs#*|})" \
		[ "${rs#*|}" = "auto suspended D3hot D3hot" ]
	check "disable_idle_d3=1: the idle PF stays active in D0 while its twin suspends (${rs%|*})" \
		[ "${rs%|*}" = "auto active D0 D0" ]
	check "disable_idle_d3: the same states as C vfio-pci's in both settings" [ "$rs" = "$c" ]
else
	why="no runtime PM in this kernel (CONFIG_PM unset)"
	na "baseline: C vfio-pci, disable_idle_d3=0: the idle PF is runtime-suspended in D3hot" "$why"
	na "baseline: C vfio-pci, disable_idle_d3=1: the idle PF stays active in D0" "$why"
	na "disable_idle_d3=0: the idle PF is runtime-suspended in D3hot" "$why"
	na "disable_idle_d3=1: the idle PF stays active in D0 while its twin suspends" "$why"
	na "disable_idle_d3: the same states as C vfio-pci's in both settings" "$why"
fi

echo "# nointxmask: INTx masked by the device's Interrupt Disable bit, or not"

# intx DRIVER PARAMS VALUE: PF 1 bound to DRIVER with nointxmask=VALUE,
# opened, INTx triggered, masked, unmasked (vfio-open --intx).
intx() {
	echo "$3" > "$2/nointxmask"
	bind "$pf" "$1"
	vfio-open --intx "$pf" 2>&1 | sed -n 's/^intx: //p'
	unbind "$pf"
	echo 0 > "$2/nointxmask"
}
rs0=$(intx "$DRV" "$PARAMS" 0)
rs1=$(intx "$DRV" "$PARAMS" 1)
c0=$(intx "$CDRV" "$CPARAMS" 0)
c1=$(intx "$CDRV" "$CPARAMS" 1)
masked="trigger ok mask ok disintx 1 unmask ok disintx 0"
unmasked="trigger ok mask ok disintx 0 unmask ok disintx 0"
check "baseline: C vfio-pci, nointxmask=0: the mask sets Interrupt Disable ($c0)" [ "$c0" = "$masked" ]
check "baseline: C vfio-pci, nointxmask=1: the mask leaves it clear ($c1)" [ "$c1" = "$unmasked" ]
check "nointxmask=0: the mask sets the PF's Interrupt Disable, the unmask clears it ($rs0)" \
	[ "$rs0" = "$masked" ]
check "nointxmask=1: the mask leaves Interrupt Disable clear ($rs1)" [ "$rs1" = "$unmasked" ]
check "nointxmask: the same as C vfio-pci's in both settings" [ "$rs0|$rs1" = "$c0|$c1" ]

echo "# ids= with class and class mask, and \\v and 0xA0 as white space"

VT=$(printf '\v')
NB=$(printf '\240')
edu_class=$(cut -c3- "/sys/bus/pci/devices/$edu/class")
sv=$(cut -c3- "/sys/bus/pci/devices/$pf/subsystem_vendor")
other_sv=$(printf %04x $((0x$sv ^ 1)))
# ids MODULE IDS: MODULE loaded with ids="IDS" (quoted: the kernel's
# parse_args splits an unquoted value at \v and 0xA0 too); prints "BOUND
# -- LOG": the drivers of PF 1, PF 2 and edu, and the module's ids lines
# with its name cut, then unloads it again.
ids() {
	local m bound
	m=$(kmsg_mark "ids $1")
	modprobe "$1" "ids=\"$2\""
	bound="$(driver_of "$pf") $(driver_of "$pf2") $(driver_of "$edu")"
	rmmod "$1"
	echo "$bound -- $(since_mark "$m" | sed -n "s/^$1: \(add \|invalid id\|failed to add\)/\1/p" |
		tr '\n' '|')"
}
for d in "$pf" "$pf2" "$edu"; do
	echo > "/sys/bus/pci/devices/$d/driver_override"
done
rmmod vfio_pci_rs
rmmod vfio_pci
# ids_case DESC IDS WANT: the devices that bind, vfio-pci-rs's and C
# vfio-pci's (WANT, "PF1 PF2 edu", each "bound" or "none"), and the same
# log lines from both.
ids_case() {
	local rs c want_rs want_c
	rs=$(ids vfio_pci_rs "$2")
	c=$(ids vfio_pci "$2")
	want_rs=$(echo "$3" | sed "s/bound/$DRV/g")
	want_c=$(echo "$3" | sed "s/bound/$CDRV/g")
	check "baseline: C vfio-pci, ids=$1: binds $3" [ "${c%% -- *}" = "$want_c" ]
	check "ids=$1: binds $3, and logs what C vfio-pci logs" \
		[ "${rs%% -- *}|${rs#* -- }" = "$want_rs|${c#* -- }" ]
	[ "${rs#* -- }" = "${c#* -- }" ] || echo "# vfio-pci-rs: ${rs#* -- }; C: ${c#* -- }"
}
ids_case "8086:10c9 class 020000 mask ffff00" "8086:10c9:ffffffff:ffffffff:020000:ffff00" \
	"bound bound none"
ids_case "8086:10c9 class 010000 mask ff0000 (not the PFs')" \
	"8086:10c9:ffffffff:ffffffff:010000:ff0000" "none none none"
ids_case "8086:10c9 class ffffff mask 0 (class ignored)" "8086:10c9:ffffffff:ffffffff:ffffff:0" \
	"bound bound none"
ids_case "any vendor and device, edu's class $edu_class mask ffffff" \
	"ffffffff:ffffffff:ffffffff:ffffffff:$edu_class:ffffff" "none none bound"
ids_case "any device of 8086, class 020000 mask ffff00, the PFs' subvendor $sv" \
	"8086:ffffffff:$sv:ffffffff:020000:ffff00" "bound bound none"
ids_case "any device of 8086, class 020000 mask ffff00, a subvendor $other_sv no PF has" \
	"8086:ffffffff:$other_sv:ffffffff:020000:ffff00" "none none none"
ids_case "\\v before each number" "${VT}8086:${VT}10c9" "bound bound none"
ids_case "0xA0 before each number" "${NB}8086:${NB}10c9" "bound bound none"
ids_case "\\v and 0xA0 before the class and its mask" \
	"8086:10c9:ffffffff:ffffffff:${VT}020000:${NB}ffff00" "bound bound none"
ids_case "\\v and 0xA0 after an entry, before the comma" \
	"8086:10c9${VT}${NB},1234:11e8${NB}" "bound bound bound"
ids_case "\\v before a colon (one number read: refused)" "8086${VT}:10c9" "none none none"
modprobe vfio_pci_rs
modprobe vfio-pci
for d in "$pf" "$pf2" "$edu"; do
	echo > "/sys/bus/pci/devices/$d/driver_override"
done

echo "# The refusal lines' rate limit: every reason, interleaved, one window"

# The kernel log's own clock on its lines (the test kernels do not stamp
# them by default), restored after.
time_was=$(cat /sys/module/printk/parameters/time)
echo Y > /sys/module/printk/parameters/time

modprobe igb
# The reasons: NAME|DEVICE|STRING|ERRNO|LINE (LINE: the start of the
# refusal line's text after "DRIVER BDF: ", case ignored).  VF
# reasons on VF 2 (VF 1 is held open with the token), PF reasons on the PF
# while VF 1 is open, "PF not owned" on a VF of an igb PF, "not a PF or
# VF" on edu.
reasons() {
	cat << EOF
VF token required|$vf2|$vf2|EACCES|VF token required to access device
VF token incorrect|$vf2|$vf2 vf_token=$W|EACCES|incorrect VF token provided for device
PF token required|$pf|$pf|EACCES|VF token required to access device
PF token incorrect|$pf|$pf vf_token=$W|EACCES|incorrect VF token provided for device
PF not owned|$vfb|$vfb vf_token=$W|EINVAL|VF token incorrectly provided, PF not bound to
not a PF or VF|$edu|$edu vf_token=$W|EINVAL|VF token incorrectly provided, not a PF or VF
truncated option|$vf2|$vf2 vf_token=zz|EINVAL|truncated vf_token option
malformed option|$vf2|$vf2 vf_token=52ac9bff+3a88-4fbd-901a-0d767c3b6c97|EINVAL|malformed vf_token option
characters after the token|$vf2|$vf2 vf_token=${W}x|EINVAL|unexpected characters after vf_token option
unknown option|$vf2|$vf2 foo=1|EINVAL|unknown option
duplicate option|$vf2|$vf2 vf_token=$W vf_token=$W|EINVAL|duplicate vf_token option
EOF
}
# flood TAG ROUNDS: vfio-flood over every reason.
flood() {
	local IFS='
'
	# shellcheck disable=SC2046
	vfio-flood "$1" "$2" $(reasons | awk -F'|' '{ print $2; print $3; print $4 }')
}
# window_after TAG: wait until the kernel's clock is 5.3 s past TAG's end
# marker: every rate-limit window a line of TAG opened has closed then
# (DEFAULT_RATELIMIT_INTERVAL, 5 s, in jiffies).
window_after() {
	local end
	end=$(ts_of "vfio-flood $1: end")
	sleep 5
	wait_until 20 passed "$end"
}
passed() {
	local now
	echo "t-params[$$]: now" > /dev/kmsg
	now=$(ts_of "t-params\\[$$\\]: now")
	lt "$(awk -v a="$1" 'BEGIN { print a + 5.3 }')" "$now" && [ -n "$1" ]
}
# between TAG: the kernel log between TAG's markers, timestamps cut.
between() {
	dmesg | sed 's/^\[[ 0-9.]*\] //' |
		sed -n "/^vfio-flood $1: start\$/,/^vfio-flood $1: end\$/p"
}
# rate DRIVER: the flood (ROUNDS of every reason, interleaved) on DRIVER's
# devices, set up as above; prints one line per reason,
# "NAME|PRINTED|SUPPRESSED", and first "span S attempt A" (S: the
# flood's span in the kernel's clock).  PRINTED counts the reason's lines
# between the flood's markers, SUPPRESSED the "N callbacks suppressed" line
# right before the reason's line when, a window later, each reason is
# refused once more.
ROUNDS=12
rate() {
	local drv=$1 params=$2 a span s e name bdf line p q
	echo 1 > "$params/enable_sriov"
	bind "$pf" "$drv"
	set_numvfs "$pf" 2
	vf=$(vfs_of "$pf" | sed -n 1p)
	vf2=$(vfs_of "$pf" | sed -n 2p)
	vfio-open --set-token "$T" "$pf" > /dev/null
	vfio-open --hold 600 --token "$T" "$vf" > /tmp/t-params.hold 2>&1 &
	h=$!
	wait_grep /tmp/t-params.hold ': ok$' 300
	bind "$pf2" igb
	set_numvfs "$pf2" 1
	vfb=$(vfs_of "$pf2" | sed -n 1p)
	bind "$vfb" "$drv"
	bind "$edu" "$drv"
	# Every window earlier refusals opened is closed before the flood:
	# one refusal of each reason, then a window's wait after it.
	flood "prime-$drv" 1 > /dev/null 2>&1
	window_after "prime-$drv"
	# A flood that outlasted a window (the host busy) is run again, a
	# window later; the span printed says how long the one taken ran.
	for a in 1 2 3; do
		flood "$drv-$a" $ROUNDS || echo "# vfio-flood $drv-$a failed"
		s=$(ts_of "vfio-flood $drv-$a: start")
		e=$(ts_of "vfio-flood $drv-$a: end")
		span=$(awk -v s="$s" -v e="$e" 'BEGIN { if (s == "" || e == "") print "unstamped"; else printf "%.3f", e - s }')
		lt "$span" 4.5 && break
		window_after "$drv-$a"
	done
	echo "span $span attempt $a"
	window_after "$drv-$a"
	flood "after-$drv" 1 > /dev/null 2>&1
	reasons | while IFS='|' read -r name bdf _ _ line; do
		p=$(between "$drv-$a" | grep -ci "^$drv $bdf: $line")
		# The "N callbacks suppressed" line (whatever names itself in
		# it: C's function, a device and a site) is printed by the call
		# that opens the next window, right before that call's own line.
		q=$(between "after-$drv" | grep -i -B1 "^$drv $bdf: $line" |
			sed -n 's/^.*: \([0-9]*\) callbacks suppressed$/\1/p')
		echo "$name|$p|${q:-0}"
	done
	kill -USR1 $h
	wait $h
	unbind "$edu"
	unbind "$vfb"
	set_numvfs "$pf2" 0
	unbind "$pf2"
	set_numvfs "$pf" 0
	unbind "$pf"
	echo 0 > "$params/enable_sriov"
}
rs=$(rate "$DRV" "$PARAMS")
c=$(rate "$CDRV" "$CPARAMS")
echo "$time_was" > /sys/module/printk/parameters/time
echo "$rs" | sed 's/^/# vfio-pci-rs: /'
echo "$c" | sed 's/^/# C vfio-pci: /'
burst=10
lines=$((ROUNDS - burst))
span=$(echo "$rs" | sed -n 's/^span \([^ ]*\) .*/\1/p')
check "rate: the flood, $ROUNDS of each of 11 reasons interleaved, ran within one window ($(echo "$rs" | grep '^span '))" \
	lt "${span:-9}" 4.5
span=$(echo "$c" | sed -n 's/^span \([^ ]*\) .*/\1/p')
check "baseline: rate: C vfio-pci's flood ran within one window ($(echo "$c" | grep '^span '))" \
	lt "${span:-9}" 4.5
# Interleaved, any two reasons that shared a state would print $burst
# lines between them: each reason printing its own $burst holds every
# pair independent.
# A here-document, not a pipe: the cases must count in this shell.
while IFS='|' read -r name _; do
	got=$(echo "$rs" | awk -F'|' -v n="$name" '$1 == n { print $2 "/" $3 }')
	check "rate: $name: exactly $burst of $ROUNDS printed in the window, $lines reported suppressed ($got)" \
		[ "$got" = "$burst/$lines" ]
done << EOF
$(reasons)
EOF
# C vfio-pci logs the token decision's refusals, one call site each (the
# PF's and the VF's "required" and "incorrect" are separate sites), and
# none of the malformed strings.
c_logs="VF token required|VF token incorrect|PF token required|PF token incorrect|PF not owned|not a PF or VF"
want=$(echo "$c_logs" | tr '|' '\n' | sed "s/\$/|$burst|$lines/")
got=$(echo "$c" | grep -E "^($c_logs)\|")
check "baseline: rate: C vfio-pci prints $burst of $ROUNDS of each of its six reasons, $lines suppressed" \
	[ "$got" = "$want" ]
check "baseline: rate: C vfio-pci logs none of the malformed strings" \
	[ "$(echo "$c" | grep -Ev "^($c_logs)\||^span " | cut -d'|' -f2,3 | sort -u)" = "0|0" ]
check "rate: the same counts as C vfio-pci for each of C's six reasons" \
	[ "$(echo "$rs" | grep -E "^($c_logs)\|")" = "$got" ]
for d in "$pf" "$pf2" "$edu"; do
	echo > "/sys/bus/pci/devices/$d/driver_override"
done

tap_end
