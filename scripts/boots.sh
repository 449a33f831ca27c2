# SPDX-License-Identifier: GPL-2.0
#
# Sourced by scripts/check and scripts/check-distro: the judged boot they
# share, and how its verdict is added up.
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
