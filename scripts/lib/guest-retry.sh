# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The nested L2 guest sometimes stops under QEMU's emulated SVM, through no
# doing of the module (which L1 never loads), in one of three ways, each
# seen when the build machine was loaded:
# - L2 stops dead: QEMU (-no-reboot) exits as on a triple fault, nothing on
#   L2's console; l1-nested.sh logs L1's recent kernel messages;
# - a restored L2 (saverestore) never runs again: l1-nested.sh describes it
#   and stops it after 300 s of silence;
# - L1's own KVM panics (seen once, in CI: L1 on 6.12,
#   apic_has_pending_timer);
# - L1 itself stops dead: its QEMU (-no-reboot) exits 0 as on a triple
#   fault, L1's console silent and l1-nested.sh cut off mid-run (seen once,
#   just after L1 switched its clocksource to hpet for kvm_failover);
# - L1 never boots: not a byte on its console until the run's timeout
#   (seen once, in the same make check, on the run after that).
#
# stop_kind OUT [LOG]: when the guest run in OUT (run-guest.sh's output in
# LOG) ended one of those ways, says which, in words; otherwise prints
# nothing and fails. A run whose L2 console shows a kernel complaint, or
# whose L1 console names the module, never counts. Without LOG, L1
# stopping dead is not told from a run killed at its timeout, and does
# not count.
stop_kind() {
	if [ ! -f "$1/l1.log" ]; then
		[ -n "${2:-}" ] && grep -q '^run-guest: nested guest (' "$2" &&
			[ ! -s "$1/console.log" ] && [ ! -s "$1/tap.txt" ] || return 1
		echo "L1 never booted (emulator): not a byte on its console"
		return 0
	fi
	! kernel_complaint "$1/l2-console.log" || return 1
	if grep -q 'silent for .* after its restore' "$1/l1.log"; then
		echo "L2 restored from a file never ran again (emulator)"
	elif grep -q 'L2 stopped before its tests finished' "$1/l1.log"; then
		echo "L2 stopped dead without a word (emulator)"
	elif grep -q 'Kernel panic' "$1/console.log" 2>/dev/null &&
		! grep -q 'ptp_unified' "$1/console.log"; then
		echo "L1's own kernel panicked: $(grep -m1 -oE 'RIP: [^ ]+ [^ ]+' "$1/console.log")"
	elif [ -n "${2:-}" ] && grep -q 'ended without finishing its tests (qemu exit 0)' "$2" &&
		! grep -q '^L1: L2 exited' "$1/l1.log" && ! kernel_complaint "$1/console.log"; then
		echo "L1 stopped dead without a word (emulator) after: $(grep '^L1: ' "$1/l1.log" | tail -n 1)"
	else
		return 1
	fi
}

# abrupt_stop OUT: true when the guest run in OUT ended one of those ways,
# and only then (such a run is tried once more).
abrupt_stop() {
	stop_kind "$1" >/dev/null
}

# kernel_complaint CONSOLE: true when a guest console log shows a kernel
# complaint (such a guest is never run again as if the emulator were to
# blame; make bench's l1-bench.sh asks this too). A bare stack trace (an
# RCU stall or hung-task report, which an L2 stopped for long by the
# emulator prints) is one only when the module is in it.
kernel_complaint() {
	grep -qE 'Oops|BUG|WARNING|panic|general protection|KASAN|UBSAN' "$1" 2>/dev/null ||
		grep -q '\[ptp_unified\]' "$1" 2>/dev/null
}

# run_guest_retrying OUT LOG ARGS...: selftests/vm/run-guest.sh --out OUT
# ARGS, its output in LOG; a run that stopped dead (abrupt_stop) is kept in
# OUT.stopped and tried once more, and LOG.note says so. The run's status.
run_guest_retrying() {
	local out=$1 log=$2 try rc kind
	shift 2
	rm -f "$log.note"
	for try in 1 2; do
		selftests/vm/run-guest.sh --out "$out" "$@" >"$log" 2>&1
		rc=$?
		if [ $rc != 0 ] && [ $try = 1 ] && kind=$(stop_kind "$out" "$log"); then
			echo "$kind after $(grep -cE '^(ok|not ok) ' "$out/tap.txt" 2>/dev/null) checks, tried once more (first run: $out.stopped)" >"$log.note"
			rm -rf "$out.stopped"
			cp -r "$out" "$out.stopped"
			continue
		fi
		break
	done
	return $rc
}
