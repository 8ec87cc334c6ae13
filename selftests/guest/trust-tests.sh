# shellcheck shell=sh
# kind, B, D, pw_pid and the helpers come from run-suite.sh and steer-tests.sh;
# `set -- $(...)` splits on purpose.
# shellcheck disable=SC2154,SC2046,SC2015,SC2086
# SPDX-License-Identifier: GPL-2.0-only
#
# Untrusted sources (issue 15). Sourced by run-suite.sh after
# steer-tests.sh, whose helpers (st_fresh_module, st_start, st_stop,
# st_net_up, st_clock_reset; watch_bg from run-suite.sh) these use. Nested
# KVM only: the truth is ptp_kvm (L1's CLOCK_REALTIME), and L1 serves NTP on
# its loopback, which this guest reaches as 10.0.2.2 (l1-nested.sh, suite
# untrusted): chronyd serving L1's clock on :11123 and ntp_liar.py serving
# it 1 s ahead on :11124.
#
#   t_liar_beside_kvm       phc-steer feeds the liar alone, beside kvm
#   t_liar_plus_honest      phc-steer feeds the liar and the honest chronyd
#   t_leap_second           (suite leap) L1 inserts a leap second at the end
#                           of December 31 and an NTP server announces it
#
# In the first two, trust_watch reads the clock every 100 ms for 40 s from
# the moment before phc-steer starts: at every read the clock is within its
# bound of the truth, kvm is selected with a bound under 100 us, no
# disruption or step is counted, and the liar is flagged and not selected.
# phc-steer must not step the system clock after its first update either.
#
# 40 s is about 20 of the liar's answers (phc-steer polls every 2 s) and
# 400 reads. make check runs suite trust (the leap second, then the
# liars, in one boot) on 6.1 and suite untrusted on 6.12 (scripts/
# check.sh); by hand:
#   selftests/vm/run-guest.sh --kernel K --kind nested \
#       --suite untrusted|leap|trust --out DIR --timeout 900
# Variables are prefixed ut_.

ut_srv=10.0.2.2:${ptpu_ntp_port:-11123}
ut_liar=10.0.2.2:${ptpu_liar_port:-11124}
ut_secs=40

# ut_run LOG WATCH_ARGS STEER_ARGS: trust_watch WATCH_ARGS reads the clock
# while phc-steer STEER_ARGS steers (its log in LOG); then their outputs and
# the sources. False when the watch failed, phc-steer did not stop cleanly,
# or it stepped the system clock after its first update (CLOCK_REALTIME was
# put onto the clock moments before: a later step followed a bad clock).
ut_run() {
	watch_bg trust_watch /tmp/trust_watch.out $2 || return 1
	st_start "$1" -p 0.5 --ntp-poll 2 $3
	wait $pw_pid
	ut_rc=$?
	cat /tmp/trust_watch.out
	[ $ut_rc = 0 ] || why "see trust_watch's FAILED lines above"
	st_stop || ut_rc=1
	st_clock_reset
	show_sources
	echo "phc-steer's log (sources, leap, steps, module events):"
	grep -E 'source ntp|leap|module event| step ' "$1"
	if grep -E ' step .*(offset beyond the step threshold|disruption event)' "$1" >/dev/null; then
		why "phc-steer stepped the system clock after its first update"
		ut_rc=1
	fi
	return $ut_rc
}

# ut_watch LOG SERVER...: the watch while phc-steer feeds the module SERVERs.
ut_watch() {
	ut_log=$1
	shift
	st_fresh_module || return 1
	modprobe ptp_kvm || return 1
	st_net_up || { why "cannot configure eth0"; return 1; }
	ut_args=
	for ut_s in "$@"; do
		echo "\$ phc-steer ntp-probe $ut_s"
		phc-steer ntp-probe -t 5 "$ut_s" || { why "no NTP from $ut_s"; return 1; }
		ut_args="$ut_args -n $ut_s"
	done
	st_clock_reset || return 1
	ut_run "$ut_log" "-t $ut_secs" "$ut_args"
}

t_liar_beside_kvm() {
	ut_watch /tmp/steer_liar.log "$ut_liar"
}

t_liar_plus_honest() {
	ut_watch /tmp/steer_liar2.log "$ut_srv" "$ut_liar"
}

# (suite leap) L1 set its clock 2 minutes before the end of December 31
# UTC and armed a leap second insertion; at midnight it steps its clock,
# kvm's reference, back 1 s. An NTP server on L1 announces the leap
# (leap indicator 1) to phc-steer, which feeds the module. trust_watch -L
# reads the clock every 100 ms from before the leap until 30 s after: the
# host's clock must step back 1 s once (else the emulated host inserted no
# leap and the check proves nothing), the unified clock must follow with
# one step of the same size within 2 s and otherwise stay within its bound
# of the host's, kvm selected with a bound under 100 us. The module must
# count it as a leap (sysfs leap_count), not as a
# disruption, and pass the announcement on: phc-steer arms the leap in the
# guest kernel, which then inserts it itself, so phc-steer never steps.
t_leap_second() {
	ut_at=${ptpu_leap_at:-}
	[ -n "$ut_at" ] || { why "no ptpu_leap_at: this check needs suite leap"; return 1; }
	st_fresh_module || return 1
	modprobe ptp_kvm || return 1
	st_net_up || { why "cannot configure eth0"; return 1; }
	ut_ann=10.0.2.2:${ptpu_leapann_port:-11125}
	st_clock_reset || return 1
	ut_left=$((ut_at - $(date +%s)))
	echo "the leap is due at $ut_at ($(date -u -d "@$ut_at" 2>/dev/null || echo "$ut_at")), in $ut_left s"
	[ "$ut_left" -ge 20 ] || { why "only $ut_left s before the leap: L2 came up too late"; return 1; }
	ut_d0=$(cat "$D/disruption_count")
	ut_l0=$(cat "$D/leap_count" 2>/dev/null)
	dmesg_leap0=$(dmesg | grep -c 'leap second')
	ut_run /tmp/steer_leap.log "-L -t $((ut_left + 30))" "-n $ut_ann"
	ut_rc=$?
	echo "this guest's kernel on leap seconds:"
	dmesg | grep 'leap second' | tail -n +$((dmesg_leap0 + 1))
	ut_d1=$(cat "$D/disruption_count")
	ut_l1=$(cat "$D/leap_count" 2>/dev/null)
	echo "disruptions $ut_d0 -> $ut_d1, leaps ${ut_l0:-(no leap_count)} -> ${ut_l1:-(no leap_count)}"
	[ "$ut_d1" = "$ut_d0" ] || { why "the leap was counted as a disruption"; ut_rc=1; }
	if [ -z "$ut_l0" ] || [ "$ut_l1" != $((ut_l0 + 1)) ]; then
		why "not counted as one leap (sysfs leap_count)"
		ut_rc=1
	fi
	grep -q 'leap second insertion armed' /tmp/steer_leap.log ||
		{ why "phc-steer never armed the announced leap"; ut_rc=1; }
	return $ut_rc
}
