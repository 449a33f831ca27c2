#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# DPDK's testpmd, unmodified (Debian's package) and with its default EAL
# options, drives an igb PF and a VF through the drop-in vfio-pci, and is
# refused a VF without the right token; then the same against C vfio-pci in
# the same boot.  With a PF and a VF testpmd running at once, packets move
# between them through the emulated igb's VMDq loopback (the PF's testpmd
# programs it and answers the VF's mailbox), counted in both directions.
# Needs scripts/vm-run --drop-in --pack dpdk, and --mem under 2816M for the
# packets (the VF BARs must be under 4 GiB, see scripts/vm-run).  TAP.
. vfio-lib.sh

dpdk_init dpdk-testpmd dpdk

# probed DESC PMD: testpmd probed exactly one port, driven by PMD, and
# quit with status 0.
probed() {
	if grep -q '^Number of available ports: 1' /tmp/testpmd.out &&
		grep -qE "^0 .* $2 " /tmp/testpmd.out && [ "$tp_rc" = 0 ]; then
		ok "$1"
	else
		not_ok "$1"
		sed 's/^/# /' /tmp/testpmd.out
	fi
}
# refused DESC DEV INCORRECT REQUIRED: testpmd got no port and quit by
# itself with status 0 (a refused device is not fatal to EAL: testpmd runs
# on with no port), and the kernel's lines about a token for DEV during the
# run (testpmd's /tmp/testpmd.dmesg) were exactly INCORRECT times the wrong
# token's reason line and REQUIRED times the missing token's, whole lines
# as the driver logs them ($why_incorrect, $why_required: SPEC section 3's
# reasons for the drop-in, C vfio-pci's own wording for C), and no other.
# EAL opens with "BDF vf_token=UUID" first and, when that fails, asks again
# with the bare BDF: a wrong token is refused twice, as incorrect and then
# as required.
refused() {
	local inc req other
	inc=$(grep -cxF "vfio-pci $2: $why_incorrect" /tmp/testpmd.dmesg)
	req=$(grep -cxF "vfio-pci $2: $why_required" /tmp/testpmd.dmesg)
	other=$(grep -F "$2" /tmp/testpmd.dmesg | grep -i token |
		grep -vxF -e "vfio-pci $2: $why_incorrect" -e "vfio-pci $2: $why_required" | wc -l)
	grep -F "$2" /tmp/testpmd.dmesg | grep -i token | sed 's/^/# dmesg: /'
	if grep -q '^Number of available ports: 0' /tmp/testpmd.out && [ "$tp_rc" = 0 ] &&
		[ "$inc:$req:$other" = "$3:$4:0" ]; then
		ok "$1"
	else
		not_ok "$1 (kernel: $inc incorrect, $req required, $other other token lines; testpmd exit $tp_rc)"
		sed 's/^/# /' /tmp/testpmd.out
	fi
}

# tp_start NAME DEV: a testpmd on DEV (token $T) in the background, its
# commands read from the FIFO /tmp/NAME.in, its output in /tmp/NAME.out;
# waits for its prompt.  EAL's defaults but for a file prefix of its own
# (two primary processes at once) and a small mbuf pool.
tp_start() {
	rm -f "/tmp/$1.in" "/tmp/$1.out"
	mkfifo "/tmp/$1.in"
	timeout 300 "$TESTPMD" -a "$2" --vfio-vf-token="$T" --file-prefix="$1" \
		-- -i --total-num-mbufs=2048 < "/tmp/$1.in" > "/tmp/$1.out" 2>&1 &
	eval "${1}_pid=$!"
	# Hold the FIFO open for writing until tp_quit.
	case $1 in pf) exec 5> /tmp/pf.in ;; vf) exec 6> /tmp/vf.in ;; esac
	wait_grep "/tmp/$1.out" 'testpmd>' 120
}
# tp NAME LINE...: commands to a running testpmd.
tp() {
	local fd=5
	[ "$1" = vf ] && fd=6
	shift
	printf '%s\n' "$@" >&$fd
}
# tp_quit NAME: quit, and wait for the process (its output is then whole);
# its exit status is in $NAME_rc (124: timeout killed it).
tp_quit() {
	tp "$1" quit
	case $1 in pf) exec 5>&- ;; vf) exec 6>&- ;; esac
	eval "wait \$${1}_pid; ${1}_rc=\$?"
}
# mac_of NAME: the MAC address testpmd printed for its port.
mac_of() {
	sed -n 's/^Port 0: \([0-9A-Fa-f:]\{17\}\)$/\1/p' "/tmp/$1.out" | head -n1
}
# fwd NAME N RX|TX: the RX-packets or TX-packets of the Nth "stop" of
# testpmd NAME (the forward statistics of its port, counted by testpmd).
fwd() {
	awk -v n="$2" -v f="$3-packets:" '
		/Forward statistics for port 0/ { b++ }
		b == n && $1 == f { print $2; exit }' "/tmp/$1.out"
}

# packets LABEL PF VF: a PF and a VF testpmd at once; VF txonly to the PF's
# MAC while the PF counts what it receives (rxonly), then the other way.
packets() {
	local label=$1 pf=$2 vf=$3 pfmac vfmac vtx prx ptx vrx
	dmesg -c > /dev/null
	if ! tp_start pf "$pf"; then
		not_ok "$label: PF testpmd started for the packet runs"
		sed 's/^/# /' /tmp/pf.out
		tp_quit pf
		return
	fi
	pfmac=$(mac_of pf)
	tp pf "set fwd rxonly" start
	if ! tp_start vf "$vf"; then
		not_ok "$label: VF testpmd started for the packet runs"
		sed 's/^/# /' /tmp/vf.out
		tp_quit vf
		tp_quit pf
		return
	fi
	vfmac=$(mac_of vf)
	echo "# PF $pfmac, VF $vfmac"
	# First run: the VF sends, the PF receives.
	tp vf "set eth-peer 0 $pfmac" "set fwd txonly" start
	sleep 4
	tp vf stop
	sleep 1
	tp pf stop
	# Second run: the PF sends, the VF receives.
	tp vf "set fwd rxonly" start
	tp pf "set eth-peer 0 $vfmac" "set fwd txonly" start
	sleep 4
	tp pf stop
	sleep 1
	tp vf stop
	tp_quit vf
	tp_quit pf
	check "$label: the PF and VF testpmds quit with status 0 (PF $pf_rc, VF $vf_rc)" \
		[ "$pf_rc:$vf_rc" = 0:0 ]
	vtx=$(fwd vf 1 TX) prx=$(fwd pf 1 RX) ptx=$(fwd pf 2 TX) vrx=$(fwd vf 2 RX)
	echo "# VF->PF: VF sent ${vtx:-?}, PF received ${prx:-?}; PF->VF: PF sent ${ptx:-?}, VF received ${vrx:-?}"
	if [ "${vtx:-0}" -gt 0 ] && [ "${prx:-0}" -gt 0 ]; then
		ok "$label: packets move VF -> PF (VF txonly: $vtx sent, PF rxonly: $prx received)"
	else
		not_ok "$label: packets move VF -> PF (VF sent ${vtx:-?}, PF received ${prx:-?})"
	fi
	if [ "${ptx:-0}" -gt 0 ] && [ "${vrx:-0}" -gt 0 ]; then
		ok "$label: packets move PF -> VF (PF txonly: $ptx sent, VF rxonly: $vrx received)"
	else
		not_ok "$label: packets move PF -> VF (PF sent ${ptx:-?}, VF received ${vrx:-?})"
	fi
	if [ "${vtx:-0}" = 0 ] || [ "${vrx:-0}" = 0 ]; then
		echo "# PF testpmd:"; sed 's/^/#   /' /tmp/pf.out | tail -n 40
		echo "# VF testpmd:"; sed 's/^/#   /' /tmp/vf.out | tail -n 40
	fi
}

# vf_bar_low VF: the VF's BAR 0 is under 4 GiB, where QEMU 10.0's igbvf
# decodes it (scripts/vm-run --mem).
vf_bar_low() {
	local start
	start=$(sed -n 1p "/sys/bus/pci/devices/$1/resource" | cut -d' ' -f1)
	[ $((start)) -lt $((1 << 32)) ]
}

# cases LABEL INCORRECT: the four testpmd runs against whichever vfio-pci
# is loaded, whose line for a wrong token is INCORRECT.
cases() {
	local label=$1 vf
	why_incorrect=$2
	why_required="VF token required to access device"
	bind "$pf" vfio-pci
	echo 1 > /sys/module/vfio_pci/parameters/enable_sriov
	set_numvfs "$pf" 1
	vf=$(vfs_of "$pf" | sed -n 1p)
	[ "$(driver_of "$vf")" = vfio-pci ] || echo "# VF $vf is on $(driver_of "$vf")"
	testpmd -a "$pf" --vfio-vf-token="$T"
	probed "$label: testpmd drives the PF with --vfio-vf-token (net_e1000_igb)" net_e1000_igb
	testpmd -a "$vf" --vfio-vf-token="$T"
	probed "$label: testpmd drives the VF with the right token (net_e1000_igb_vf)" net_e1000_igb_vf
	testpmd -a "$vf" --vfio-vf-token="$W"
	refused "$label: testpmd cannot open the VF with a wrong token (kernel: 1 incorrect, then 1 required)" "$vf" 1 1
	testpmd -a "$vf"
	refused "$label: testpmd cannot open the VF without a token (kernel: 1 required)" "$vf" 0 1
	if vf_bar_low "$vf"; then
		packets "$label" "$pf" "$vf"
	else
		not_ok "$label: VF BAR 0 of $vf is above 4 GiB, which QEMU's igbvf does not decode: boot with vm-run --mem 2560M"
	fi
	set_numvfs "$pf" 0
	unbind "$pf"
}

echo "# vfio-pci-rs as the drop-in vfio-pci"
cases "drop-in" "incorrect VF token provided for device"
c_in_place
cases "baseline: C vfio-pci" "Incorrect VF token provided for device"
drop_in_back
tap_end
