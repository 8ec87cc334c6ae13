# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The nested L2 guest sometimes stops dead under QEMU's emulated SVM: QEMU
# (-no-reboot) exits as on a triple fault, with nothing on the guest's
# console; seen when the build machine was heavily loaded. l1-nested.sh then
# logs L1's recent kernel messages for a closer look.
# abrupt_stop OUT: true when the guest run in OUT ended that way, and only
# then: a guest whose console shows any kernel complaint is never retried.
abrupt_stop() {
	grep -q 'L2 stopped before its tests finished' "$1/l1.log" 2>/dev/null &&
		! kernel_complaint "$1/l2-console.log"
}

# kernel_complaint CONSOLE: true when a guest console log shows any kernel
# complaint (such a guest is never run again as if the emulator were to
# blame; make bench's l1-bench.sh asks this too).
kernel_complaint() {
	grep -qE 'Oops|BUG|WARNING|panic|general protection|Call Trace|KASAN|UBSAN' "$1" 2>/dev/null
}

# run_guest_retrying OUT LOG ARGS...: selftests/vm/run-guest.sh --out OUT
# ARGS, its output in LOG; a run that stopped dead (abrupt_stop) is kept in
# OUT.stopped and tried once more, and LOG.note says so. The run's status.
run_guest_retrying() {
	local out=$1 log=$2 try rc
	shift 2
	rm -f "$log.note"
	for try in 1 2; do
		selftests/vm/run-guest.sh --out "$out" "$@" >"$log" 2>&1
		rc=$?
		if [ $rc != 0 ] && [ $try = 1 ] && abrupt_stop "$out"; then
			echo "L2 stopped dead without a word (emulator) after $(grep -cE '^(ok|not ok) ' "$out/tap.txt" 2>/dev/null) checks, tried once more (first run: $out.stopped)" >"$log.note"
			rm -rf "$out.stopped"
			cp -r "$out" "$out.stopped"
			continue
		fi
		break
	done
	return $rc
}
