# shellcheck shell=sh
# kind, B, D and the helpers come from run-suite.sh and steer-tests.sh;
# `set -- $(...)` splits on purpose.
# shellcheck disable=SC2154,SC2046,SC2015,SC2086
# SPDX-License-Identifier: GPL-2.0-only
#
# Untrusted sources (issue 15). Sourced by run-suite.sh after
# steer-tests.sh, whose helpers (st_fresh_module, st_start, st_stop,
# st_net_up, st_clock_reset) these use. Nested KVM only: the truth is
# ptp_kvm (L1's CLOCK_REALTIME), and L1 serves NTP on its loopback, which
# this guest reaches as 10.0.2.2 (l1-nested.sh, suite untrusted): chronyd
# serving L1's clock on :11123 and ntp_liar.py serving it 1 s ahead on
# :11124.
#
#   t_liar_beside_kvm       phc-steer feeds the liar alone, beside kvm
#   t_liar_plus_honest      phc-steer feeds the liar and the honest chronyd
#
# In both, liar_watch reads the clock every 100 ms for 90 s from the moment
# before phc-steer starts: at every read the clock is within its bound of
# the truth, kvm is selected with a bound under 100 us, no disruption or
# step is counted, and the liar is flagged and not selected. phc-steer must
# not step the system clock after its first update either.
#
# These hold only with the trust rules of issue 15's phase 2: until then
# the suite is left out of make check (scripts/check.sh), and runs with
#   /work/tools/guest-slot selftests/vm/run-guest.sh --kernel K --kind nested \
#       --suite untrusted --out build/g-untrusted --timeout 1200
# Variables are prefixed ut_.

ut_srv=10.0.2.2:${ptpu_ntp_port:-11123}
ut_liar=10.0.2.2:${ptpu_liar_port:-11124}
ut_secs=90

# ut_watch LOG SERVER...: the watch, phc-steer feeding the module SERVERs.
ut_watch() {
	ut_log=$1
	shift
	st_fresh_module || return 1
	modprobe ptp_kvm || return 1
	st_net_up || { why "cannot configure eth0"; return 1; }
	for ut_s in "$@"; do
		echo "\$ phc-steer ntp-probe $ut_s"
		phc-steer ntp-probe -t 5 "$ut_s" || { why "no NTP from $ut_s"; return 1; }
	done
	st_clock_reset || return 1
	"$B/liar_watch" -t $ut_secs >/tmp/liar_watch.out 2>&1 &
	ut_wpid=$!
	ut_w=0
	until grep -q '^watching$' /tmp/liar_watch.out 2>/dev/null; do
		if ! kill -0 $ut_wpid 2>/dev/null || [ $ut_w -ge 300 ]; then
			cat /tmp/liar_watch.out
			why "liar_watch did not start watching"
			kill $ut_wpid 2>/dev/null
			return 1
		fi
		sleep 0.1
		ut_w=$((ut_w + 1))
	done
	ut_args=
	for ut_s in "$@"; do ut_args="$ut_args -n $ut_s"; done
	st_start "$ut_log" -p 0.5 --ntp-poll 2 $ut_args
	wait $ut_wpid
	ut_rc=$?
	cat /tmp/liar_watch.out
	st_stop || ut_rc=1
	st_clock_reset
	show_sources
	echo "phc-steer's log (sources, steps, module events):"
	grep -E 'source ntp|module event| step ' "$ut_log"
	# Its first update may step (CLOCK_REALTIME was put onto the clock
	# moments before); any later step followed the liar.
	if grep -E ' step .*(offset beyond the step threshold|disruption event)' "$ut_log"; then
		why "phc-steer stepped the system clock after its first update"
		ut_rc=1
	fi
	[ $ut_rc = 0 ] || why "see liar_watch's FAILED lines above"
	return $ut_rc
}

t_liar_beside_kvm() {
	ut_watch /tmp/steer_liar.log "$ut_liar"
}

t_liar_plus_honest() {
	ut_watch /tmp/steer_liar2.log "$ut_srv" "$ut_liar"
}
