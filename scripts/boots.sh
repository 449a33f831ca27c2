# SPDX-License-Identifier: GPL-2.0
#
# Sourced by scripts/check, scripts/check-distro and scripts/check-sid: the
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

vm_boot() {
	local t=$1 p f n tl r
	scripts/vm-boot ${allow_kernel:+--kernel "$allow_kernel"} "$t" "$2" "${@:3}"
	if ! read -r _ _ p f n tl _ r 2> /dev/null < "out/$t-verdict"; then
		note "FAIL vm $t: scripts/collect gave no verdict (out/$t-collect.txt)"
		count 0 1
		return
	fi
	count "$p" "$f"
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
