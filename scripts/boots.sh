# SPDX-License-Identifier: GPL-2.0
#
# Sourced by scripts/check, scripts/check-distro, scripts/check-sid and
# scripts/check-faults, before they count anything: the counters, the
# judged boot they share, how its verdict is added up, and the boots of
# Debian sid's consumers.
#
#   vm_boot TAG MODE VM-RUN-OPTION... -- GUEST-COMMAND
#
# One boot of vm-tests in MODE by scripts/vm-boot (KDIR from the
# environment): judged by scripts/collect against the suites
# tests/vm/guest/vm-manifest declares for MODE, retried once only for the
# TCG stall.  The verdict (out/TAG-collect.txt; scripts/collect MODE
# out/TAG-vm.log judges the saved log again) is added to the caller's
# count (a function: count PASSED FAILED), na, tolerated, retries and
# summary (its suite, lockdep and hung-task lines); no verdict is a failure
# noted by the caller's note.  With allow_kernel set, the n/a cases are
# judged against that kernel's lines of tests/vm/na-allow (collect
# --kernel).

# The counters every check target adds up, and count PASSED FAILED
# [CLASS]: the totals and, per class, assertions about vfio-pci-rs
# ("driver", the default), baselines (C vfio-pci or a consumer alone) and
# self-tests of the harness and the project.
passed=0 failed=0 na=0 tolerated=0 retries=
summary=()
declare -A cp=([driver]=0 [baseline]=0 [selftest]=0) cf=([driver]=0 [baseline]=0 [selftest]=0)
count() {
	local k=${3:-driver}
	passed=$((passed + $1)) failed=$((failed + $2))
	cp[$k]=$((cp[$k] + $1)) cf[$k]=$((cf[$k] + $2))
}
# count_verdict TAG: a boot's counts by class, from the second line of
# out/TAG-verdict (scripts/vm-boot): driver=P/F baseline=P/F selftest=P/F.
count_verdict() {
	local c k cls
	cls=$(sed -n 2p "out/$1-verdict" 2> /dev/null)
	for k in driver baseline selftest; do
		c=$(sed -n "s/.*$k=\([0-9]*\/[0-9]*\).*/\1/p" <<< "$cls")
		[ -n "$c" ] || { echo "FAIL vm $1: no $k count in out/$1-verdict"; count 0 1; continue; }
		count "${c%/*}" "${c#*/}" "$k"
	done
}
# The summary's line before the last: the three classes.
classes_line() {
	echo "vfio-pci-rs: ${cp[driver]} passed, ${cf[driver]} failed;" \
		"baselines (C vfio-pci or a consumer alone): ${cp[baseline]} passed, ${cf[baseline]} failed;" \
		"self-tests: ${cp[selftest]} passed, ${cf[selftest]} failed"
}

vm_boot() {
	local t=$1 n tl r
	scripts/vm-boot ${allow_kernel:+--kernel "$allow_kernel"} "$t" "$2" "${@:3}"
	# The first line's counts by class are on its second (count_verdict).
	if ! read -r _ _ _ _ n tl _ r 2> /dev/null < "out/$t-verdict"; then
		note "FAIL vm $t: scripts/collect gave no verdict (out/$t-collect.txt)"
		count 0 1
		return
	fi
	count_verdict "$t"
	na=$((na + n)) tolerated=$((tolerated + tl))
	[ "$r" = - ] || retries="$retries $t ($r)"
	while read -r l; do
		summary+=("$t: $l")
	done < <(grep '^\(suite\|lockdep:\|hung-task detector:\) ' "out/$t-collect.txt")
}

# sid_boots KDIR: Debian sid's consumers of the VF token, their packages
# staged by scripts/sid-sysroot (nothing installed), in two boots: the
# drop-in vfio-pci and then C vfio-pci with DPDK 25.11's testpmd
# (t-dpdk-sid.sh) and libvirt 12.8 with QEMU 11.1 (t-libvirt.sh); then
# vfio-pci-rs beside C vfio-pci with QEMU 11.1 (t-qemu.sh) and libvirt
# binding the VF to vfio-pci-rs by name (t-libvirt.sh).  2560M keeps the
# VF BARs under 4 GiB for testpmd (scripts/vm-run --mem).
sid_boots() {
	note "== vm: Debian sid's DPDK 25.11 and libvirt 12.8 (drop-in vs C vfio-pci)"
	KDIR=$1 vm_boot check-sid-drop-in sid-drop-in --timeout "${VM_TIMEOUT:-1800}" --drop-in \
		--pfs 1 --mem 2560M --pack dpdk-sid --pack virt-sid -- "vm-tests sid-drop-in"
	note "== vm: Debian sid's QEMU 11.1 and libvirt 12.8 (vfio-pci-rs vs C vfio-pci)"
	KDIR=$1 vm_boot check-sid sid --timeout "${VM_TIMEOUT:-1800}" --pfs 2 \
		--pack virt-sid -- "QEMU=qemu-sid-system-x86_64 vm-tests sid"
}
