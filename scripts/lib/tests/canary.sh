#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# canary.sh OUT LOG RC: the canary of make check, judged. OUT is a TCG guest
# run of suite "canary" (selftests/vm/run-guest.sh --suite canary, its
# output in LOG, its status RC), in which the test-only RTC module raised a
# kernel WARNING in the middle of the suite. The tally (scripts/lib/tally.sh)
# must fail that run twice over: dmesg_clean fails on the warning, and the
# console shows it. TAP on stdout, the canary's own tally as diagnostics.
# Its checks are not in make check's tally; this script's are.
set -uo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
out=$1 log=$2 rc=$3
n=0 bad=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); bad=1; echo "not ok $n - $*"; }
expect() { # expect DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

echo "TAP version 13"
tally=$(cd "$top" && L=$(mktemp -d) t0=$(date +%s) bash -c '
	. scripts/lib/tally.sh
	tally_guest "guest canary" "$1" "$2" "$3"
	finish canary' _ "$out" "$log" "$rc" 2>&1)
tally_rc=$?
sed 's/^/# /' <<<"$tally"
expect "the guest ran the suite to its end (run-guest.sh exit $rc)" [ "$rc" = 0 ]
expect "the test module raised its WARNING mid-suite (ok test_warn, a WARNING in dmesg_clean's window)" \
	grep -q '^ok [0-9]* - test_warn' "$out/tap.txt"
expect "the canary's tally fails (exit $tally_rc)" [ "$tally_rc" != 0 ]
expect "dmesg_clean failed on the WARNING" \
	grep -qE 'FAIL guest canary: not ok [0-9]+ - dmesg_clean' <<<"$tally"
expect "the console check failed on the WARNING" \
	grep -qE 'FAIL guest canary: kernel complaint on console.log: WARNING: .*ptpu_test_rtc' <<<"$tally"
expect "the canary's last line: 2 passed (load, test_warn), 2 failed (dmesg_clean, console)" \
	[ "$(tail -n 1 <<<"$tally")" = "2 passed, 2 failed" ]
echo "1..$n"
exit $bad
