# shellcheck shell=sh
# kind, B, D and the helpers come from run-suite.sh and steer-tests.sh;
# `set -- $(...)` splits on purpose.
# shellcheck disable=SC2154,SC2046,SC2015,SC2086
# SPDX-License-Identifier: GPL-2.0-only
#
# Faults (issue 8). Sourced by run-suite.sh after steer-tests.sh, whose
# helpers (st_fresh_module, st_start, st_stop, st_read, st_probe, st_net_up,
# st_true, st_clock_reset, st_wait_log) these use. Every check prints the
# faults it injected and what it saw, and asserts that the unified clock
# stays within its published bound (bound_ns) of the truth or says it is
# unsynchronised, and that phc-steer never steps the system clock the
# wrong way. Truth: nested, ptp_kvm (L1's CLOCK_REALTIME); TCG, the build
# machine's clock through its chronyd (run-guest.sh), read with
# `phc-steer ntp-probe`.
#
#   t_fault_rtc             (TCG) the rtc source on the test RTC
#                           (selftests/rtc_fault/) failing, invalid, jumping,
#                           stuck, a day off, in the year 2343; each until
#                           5 s after it was flagged (10 s at least); then
#                           good again
#   t_fault_ntp             (TCG) NTP servers answering with leap indicator
#                           3 or stratum 0, and one that vanishes
#   t_fault_vmstop VERB S   (nested, kvm-clock) L1 pauses (pause) or saves
#                           and restores (saverestore) this VM for S seconds
#                           while phc-steer steers
#
# phc-steer runs with --ntp-discover no or -n 10.0.2.2:PORT only (see
# steer-tests.sh). Variables are prefixed ft_.

# ft_truth SERVER: unified minus the build machine's clock, as
# "DIFF UNCERTAINTY BOUND" (ns). phc-steer holds CLOCK_REALTIME on the
# unified clock; `phc-steer read` gives that residual, ntp-probe (best of 3)
# the server against CLOCK_REALTIME, with half its delay as uncertainty.
ft_truth() {
	set -- $(st_probe "$1" 3) $(st_read)
	[ -n "${1:-}" ] && [ -n "${4:-}" ] || return 1
	awk "BEGIN { printf \"%.0f %.0f\", -($1) - ($4), $2 / 2 + $5 }"
	echo " $(cat "$D/bound_ns")"
}

# ft_truth_check SERVER WHAT: print unified minus truth against the bound;
# false when outside it and the clock does not say it is unsynchronised.
ft_truth_check() {
	ft_state=$(cat "$D/state")
	ft_what=$2
	ft_t=$(ft_truth "$1") || { why "$ft_what: no truth (ntp-probe failed)"; return 1; }
	set -- $ft_t
	echo "  $ft_what: unified - build machine $1 ns (uncertainty $2 ns), bound $3 ns, state $ft_state"
	[ "$ft_state" = unsynchronised ] && return 0
	st_true "${1#-} <= $3 + $2" ||
		{ why "$ft_what: unified - truth $1 ns is outside the bound $3 ns (+ uncertainty $2 ns), state $ft_state"; return 1; }
}

# Uptime in centiseconds, and centiseconds as seconds.
ft_uptime_cs() {
	awk '{ printf "%.0f", $1 * 100 }' /proc/uptime
}

ft_s() {
	echo "$(($1 / 100)).$(($1 % 100 / 10))"
}

# ft_rtc_mode MODE: the test RTC's mode; "offset" is a day ahead, "future"
# 10^10 s ahead (the year 2343, past 2262, where an s64 of ns ends).
ft_rtc_mode() {
	ft_mode=$1
	case $1 in
	offset)
		echo 86400 >/sys/module/ptpu_test_rtc/parameters/offset_s || return 1
		;;
	future)
		echo 10000000000 >/sys/module/ptpu_test_rtc/parameters/offset_s || return 1
		ft_mode=offset
		;;
	esac
	echo "$ft_mode" >/sys/module/ptpu_test_rtc/parameters/mode
}

# The rtc source on the test RTC, with two NTP servers (the build machine's
# chronyd, and ntp_liar.py serving the same clock) so that a majority can
# outvote a wrong RTC. Once the rtc is calibrated against NTP, each fault
# until 5 s after the module flagged it (10 s at least, the flag within 30
# s), then good again: while faulty it is flagged (withdrawn,
# available 0, or a falseticker), never selected once flagged, and still
# flagged at the end; the clock never steps and stays
# within its bound of the build machine's; phc-steer never steps; when the
# RTC is good again the source comes back (a fresh sample, available, no
# falseticker).
t_fault_rtc() {
	ft_srv=10.0.2.2:${ptpu_ntp_port:-11123}
	ft_hon=10.0.2.2:${ptpu_honest_port:-11128}
	st_fresh_module || return 1
	st_net_up || { why "cannot configure eth0"; return 1; }
	modprobe ptpu_test_rtc || return 1
	ft_rtc=
	for ft_r in /sys/class/rtc/rtc*; do
		grep -q ptpu_test_rtc "$ft_r/name" && ft_rtc=${ft_r##*/}
	done
	[ -n "$ft_rtc" ] || { why "the test RTC did not register"; return 1; }
	echo "test RTC is $ft_rtc; rtc_device $(cat "$D/rtc_device") -> $ft_rtc, rtc_interval_s 2"
	echo "$ft_rtc" >"$D/rtc_device" && echo 2 >"$D/rtc_interval_s" || return 1
	st_clock_reset || return 1
	ft_fails=0
	st_start /tmp/fault_rtc.log -p 0.5 -S 0.01 -n "$ft_srv" -n "$ft_hon" --ntp-poll 2
	ft_w=0
	until case $(cat "$D/selected_source") in ntp*) true ;; *) false ;; esac; do
		[ $ft_w -lt 600 ] || { why "no ntp source selected after 60 s"; show_sources; st_stop; return 1; }
		sleep 0.1
		ft_w=$((ft_w + 1))
	done
	wait_for "$D/sources/rtc/calibrated" 1 120 || { show_sources; st_stop; return 1; }
	sleep 4
	show_sources
	ft_truth_check "$ft_srv" "rtc good" || ft_fails=$((ft_fails + 1))
	ft_steps=$(cat "$D/step_count")
	ft_dis=$(cat "$D/disruption_count")
	ft_ststeps=$(grep -c ' step ' /tmp/fault_rtc.log)
	for ft_m in fail invalid jumpy stuck offset future; do
		echo "--- fault: test RTC $ft_m"
		ft_past=$(dmesg | grep -c "rtc: $ft_rtc reads a time past 2262")
		ft_rtc_mode "$ft_m" || { st_stop; return 1; }
		# A good, calibrated RTC may be the selected source when the
		# fault begins; the module learns of the fault at its next
		# edge, within rtc_interval_s (2 s) plus a whole-second search
		# (1.1 s) and the emulator's delays, and of an RTC a day off
		# only when the NTP sources, polled every 2 s, have outvoted
		# its jump (seen 2.1 to 5.8 s here). Until it flags the source
		# (withdrawn or a falseticker) the RTC may stay selected; once
		# flagged it must never be selected again. The fault lasts
		# until 5 s after the flag, 10 s at least; no flag within 30 s
		# fails. The flags are read before the selection, so a look
		# that sees both saw the selection after the flag.
		ft_flag_at='' ft_sel=0 ft_sel0=0 ft_at= ft_t0=$(ft_uptime_cs) ft_t=0
		while [ $ft_t -lt 1000 ] || { [ -n "$ft_flag_at" ] && [ $ft_t -lt $((ft_flag_at + 500)) ]; } ||
			{ [ -z "$ft_flag_at" ] && [ $ft_t -lt 3000 ]; }; do
			ft_av=$(cat "$D/sources/rtc/available")
			ft_ft=$(cat "$D/sources/rtc/falseticker")
			[ -n "$ft_flag_at" ] || { [ "$ft_av" = 1 ] && [ "$ft_ft" = 0 ]; } || ft_flag_at=$ft_t
			if [ "$(cat "$D/selected_source")" = rtc ]; then
				ft_at="$ft_at $(ft_s "$ft_t")"
				if [ -z "$ft_flag_at" ]; then
					ft_sel0=$((ft_sel0 + 1))
				else
					ft_sel=$((ft_sel + 1))
				fi
			fi
			sleep 0.5
			ft_t=$(($(ft_uptime_cs) - ft_t0))
		done
		show_sources
		ft_av=$(cat "$D/sources/rtc/available")
		ft_ft=$(cat "$D/sources/rtc/falseticker")
		ft_when=never
		[ -z "$ft_flag_at" ] || ft_when="$(ft_s "$ft_flag_at") s"
		echo "  faulty for $(ft_s "$ft_t") s, flagged after $ft_when; rtc selected in $ft_sel0 looks before and $ft_sel after${ft_at:+ (at$ft_at s)}; now available $ft_av falseticker $ft_ft"
		[ -n "$ft_flag_at" ] ||
			{ why "the rtc $ft_m was not flagged (withdrawn or a falseticker) within 30 s"; ft_fails=$((ft_fails + 1)); }
		[ $ft_sel = 0 ] || { why "the rtc $ft_m was selected after it was flagged"; ft_fails=$((ft_fails + 1)); }
		[ "$ft_av" = 0 ] || [ "$ft_ft" = 1 ] ||
			{ why "the rtc $ft_m is neither withdrawn nor a falseticker at the end of the fault"; ft_fails=$((ft_fails + 1)); }
		# Past 2262 the RTC's time has no ns count: its edges are
		# refused with a reason and the source withdrawn, not taken
		# (a wrapped time would make it a falseticker instead).
		if [ "$ft_m" = future ]; then
			ft_past=$(($(dmesg | grep -c "rtc: $ft_rtc reads a time past 2262") - ft_past))
			echo "  kernel log: $ft_past refusal(s) of a time past 2262"
			[ "$ft_past" -gt 0 ] ||
				{ why "no refusal of the rtc's time past 2262 in the kernel log"; ft_fails=$((ft_fails + 1)); }
			[ "$ft_av" = 0 ] && [ "$ft_ft" = 0 ] ||
				{ why "the rtc past 2262 is not withdrawn (available $ft_av, falseticker $ft_ft)"; ft_fails=$((ft_fails + 1)); }
		fi
		ft_truth_check "$ft_srv" "rtc $ft_m" || ft_fails=$((ft_fails + 1))
		ft_rtc_mode good || { st_stop; return 1; }
		# Back: a fresh sample (younger than two intervals), available,
		# not a falseticker.
		ft_i=0
		until [ "$(cat "$D/sources/rtc/available")" = 1 ] &&
			[ "$(cat "$D/sources/rtc/falseticker")" = 0 ] &&
			st_true "$(cat "$D/sources/rtc/age_ns") < 4000000000"; do
			[ $ft_i -lt 600 ] || break
			sleep 0.1
			ft_i=$((ft_i + 1))
		done
		if [ $ft_i -lt 600 ]; then
			echo "  good again: the rtc source is back (a fresh sample, available, no falseticker) after $((ft_i / 10)).$((ft_i % 10)) s, calibrated $(cat "$D/sources/rtc/calibrated")"
		else
			why "good again after $ft_m: the rtc source did not come back within 60 s"
			show_sources
			ft_fails=$((ft_fails + 1))
		fi
	done
	show_sources
	ft_truth_check "$ft_srv" "after the faults" || ft_fails=$((ft_fails + 1))
	echo "clock steps $ft_steps -> $(cat "$D/step_count"), disruptions $ft_dis -> $(cat "$D/disruption_count"); phc-steer steps $ft_ststeps -> $(grep -c ' step ' /tmp/fault_rtc.log)"
	grep -E ' step |module event' /tmp/fault_rtc.log
	[ "$(cat "$D/step_count")" = "$ft_steps" ] && [ "$(cat "$D/disruption_count")" = "$ft_dis" ] ||
		{ why "the faulty rtc moved the clock"; ft_fails=$((ft_fails + 1)); }
	[ "$(grep -c ' step ' /tmp/fault_rtc.log)" = "$ft_ststeps" ] ||
		{ why "phc-steer stepped during the faults"; ft_fails=$((ft_fails + 1)); }
	st_stop || ft_fails=$((ft_fails + 1))
	st_clock_reset
	echo rtc0 >"$D/rtc_device" && echo 16 >"$D/rtc_interval_s" && rmmod ptpu_test_rtc ||
		{ why "could not put the rtc source back on rtc0 and unload ptpu_test_rtc"; ft_fails=$((ft_fails + 1)); }
	[ $ft_fails = 0 ]
}

# phc-steer with the build machine's chronyd and three bad servers
# (run-guest.sh): one answering with leap indicator 3 (alarm), one with
# stratum 0 (a kiss-o'-death), one honest that goes silent 20 s after its
# first reply. The first two must be refused by phc-steer (no source in the
# module, never selected); the vanished one ages out (stale_limit_s, 30 s
# here) and is not selected afterwards; none of it moves the clock, which
# ends within its bound of the build machine's.
t_fault_ntp() {
	ft_srv=10.0.2.2:${ptpu_ntp_port:-11123}
	ft_li3=10.0.2.2:${ptpu_li3_port:-11125}
	ft_s0=10.0.2.2:${ptpu_s0_port:-11126}
	ft_van=10.0.2.2:${ptpu_vanish_port:-11127}
	st_fresh_module || return 1
	st_net_up || { why "cannot configure eth0"; return 1; }
	ft_stale=$(cat "$D/stale_limit_s")
	echo 30 >"$D/stale_limit_s" || return 1
	echo "faults: $ft_li3 leap indicator 3, $ft_s0 stratum 0, $ft_van silent 20 s after its first reply; stale_limit_s $ft_stale -> 30"
	st_clock_reset || return 1
	ft_fails=0
	st_start /tmp/fault_ntp.log -p 0.5 -S 0.01 -n "$ft_srv" -n "$ft_li3" -n "$ft_s0" -n "$ft_van" --ntp-poll 2
	if ! st_wait_log /tmp/fault_ntp.log "in the module is $ft_van" 30; then
		cat /tmp/fault_ntp.log
		st_stop
		echo "$ft_stale" >"$D/stale_limit_s"
		return 1
	fi
	ft_vname=$(sed -n "s/.*source \([a-z0-9]*\) in the module is $ft_van\$/\1/p" /tmp/fault_ntp.log | head -n 1)
	ft_gname=$(sed -n "s/.*source \([a-z0-9]*\) in the module is $ft_srv\$/\1/p" /tmp/fault_ntp.log | head -n 1)
	echo "chronyd is ${ft_gname:-not heard}, the vanishing server $ft_vname"
	wait_for "$D/selected_source" "$ft_gname" 60 || wait_for "$D/selected_source" "$ft_vname" 1 ||
		ft_fails=$((ft_fails + 1))
	sleep 3
	show_sources
	ft_steps=$(cat "$D/step_count")
	ft_dis=$(cat "$D/disruption_count")
	ft_ststeps=$(grep -c ' step ' /tmp/fault_ntp.log)
	# Until the vanished server has been lost for 5 s (at most 120 s).
	ft_i=0 ft_lost=0 ft_bad=0 ft_lostat=
	while [ $ft_i -lt 240 ] && [ $ft_lost -lt 10 ]; do
		ft_sel=$(cat "$D/selected_source")
		if [ "$(cat "$D/sources/$ft_vname/available")" = 0 ]; then
			[ -n "$ft_lostat" ] || ft_lostat=$((ft_i / 2))
			ft_lost=$((ft_lost + 1))
			[ "$ft_sel" != "$ft_vname" ] || ft_bad=$((ft_bad + 1))
		fi
		sleep 0.5
		ft_i=$((ft_i + 1))
	done
	show_sources
	echo "\$ phc-steer status"
	phc-steer status
	echo "phc-steer's log (refusals, unreachable, steps):"
	grep -E 'rejected|unreachable|kiss|in the module is| step |module event' /tmp/fault_ntp.log | sort | uniq -c | sort -rn | head -n 20
	ft_nli3=$(grep -c "$ft_li3: reply rejected: server unsynchronised (leap indicator 3)" /tmp/fault_ntp.log)
	ft_ns0=$(grep -c "$ft_s0: reply rejected: kiss-o'-death" /tmp/fault_ntp.log)
	echo "replies refused: $ft_nli3 with leap indicator 3, $ft_ns0 with stratum 0"
	[ "$ft_nli3" -gt 0 ] && [ "$ft_ns0" -gt 0 ] ||
		{ why "phc-steer did not log refusing both"; ft_fails=$((ft_fails + 1)); }
	if grep -qE "in the module is ($ft_li3|$ft_s0)\$" /tmp/fault_ntp.log; then
		why "phc-steer passed a refused server's replies on to the module"
		ft_fails=$((ft_fails + 1))
	fi
	echo "$ft_vname lost (available 0) $ft_lostat s after the watch began, selected while lost in $ft_bad looks"
	[ -n "$ft_lostat" ] || { why "the vanished server never aged out"; ft_fails=$((ft_fails + 1)); }
	[ $ft_bad = 0 ] || { why "the vanished server stayed selected"; ft_fails=$((ft_fails + 1)); }
	ft_truth_check "$ft_srv" "after the faults" || ft_fails=$((ft_fails + 1))
	echo "clock steps $ft_steps -> $(cat "$D/step_count"), disruptions $ft_dis -> $(cat "$D/disruption_count"); phc-steer steps $ft_ststeps -> $(grep -c ' step ' /tmp/fault_ntp.log)"
	[ "$(cat "$D/step_count")" = "$ft_steps" ] && [ "$(cat "$D/disruption_count")" = "$ft_dis" ] ||
		{ why "the faults moved the clock"; ft_fails=$((ft_fails + 1)); }
	[ "$(grep -c ' step ' /tmp/fault_ntp.log)" = "$ft_ststeps" ] ||
		{ why "phc-steer stepped during the faults"; ft_fails=$((ft_fails + 1)); }
	st_stop || ft_fails=$((ft_fails + 1))
	st_clock_reset
	echo "$ft_stale" >"$D/stale_limit_s"
	[ $ft_fails = 0 ]
}

# (nested, kvm-clock) L1 stops this VM for SECONDS: VERB pause (QMP stop,
# cont) or saverestore (saved to a file, its QEMU quit, restored in a new
# one). phc-steer steers meanwhile. The module's view (pause_watch: one
# disruption stepping the way and by the amount host time jumped, then
# within the bound of ptp_kvm) and the system clock's (pause_watch
# --system: back within 1 ms of the host, then within the bound) run side
# by side; phc-steer's first step must be forward (the guest's clocks stood
# still) by the module's step (on its disruption event, or a poll just
# before it), and any later one tiny. A VM whose counter ran on
# (nothing lost) must see no disruption and no step.
t_fault_vmstop() {
	ft_verb=$1 ft_secs=$2
	st_fresh_module || return 1
	modprobe ptp_kvm || return 1
	ft_cs=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)
	[ "$ft_cs" = kvm-clock ] || { why "needs kvm-clock, the guest runs $ft_cs"; return 1; }
	st_clock_reset || return 1
	st_start /tmp/fault_$ft_verb.log -p 0.5 --ntp-discover no
	sleep 10
	set -- $(st_read)
	echo "before: CLOCK_REALTIME - unified ${2:-?} ns (${1:-?}); state $(cat "$D/state"), bound $(cat "$D/bound_ns") ns"
	ft_d0=$(cat "$D/disruption_count")
	ft_ststeps=$(grep -c ' step ' /tmp/fault_$ft_verb.log)
	# A raw-time gap shorter than half the pause is a stall of a loaded host.
	pause_watch_bg /tmp/fault_pw.out "$D" 300 $((ft_secs / 2)) || { st_stop; return 1; }
	ft_pw=$pw_pid
	pause_watch_bg /tmp/fault_pws.out --system "$D" 300 || { kill $ft_pw; st_stop; return 1; }
	ft_pws=$pw_pid
	echo "fault: L1 $ft_verb $ft_secs s"
	echo "# @@ptpu-request $ft_verb $ft_secs" >&9
	wait $ft_pws
	ft_src=$?
	wait $ft_pw
	ft_mrc=$?
	echo "module (pause_watch):"
	sed 's/^/  /' /tmp/fault_pw.out
	echo "system clock (pause_watch --system):"
	sed 's/^/  /' /tmp/fault_pws.out
	sleep 1
	ft_fails=0
	st_stop || ft_fails=$((ft_fails + 1))
	st_clock_reset
	ft_d1=$(cat "$D/disruption_count")
	echo "phc-steer's log around it:"
	grep -E 'module event|step' /tmp/fault_$ft_verb.log
	[ $ft_mrc = 0 ] || { why "pause_watch: the module mishandled it"; ft_fails=$((ft_fails + 1)); }
	if grep -q "nothing was lost" /tmp/fault_pw.out; then
		echo "the guest's counter ran on: disruptions $ft_d0 -> $ft_d1, phc-steer steps $ft_ststeps -> $(grep -c ' step ' /tmp/fault_$ft_verb.log)"
		[ "$ft_d1" = "$ft_d0" ] && [ "$(grep -c ' step ' /tmp/fault_$ft_verb.log)" = "$ft_ststeps" ] ||
			{ why "a step for a VM that lost no time"; ft_fails=$((ft_fails + 1)); }
		set -- $(unified_minus_host 200)
		echo "unified - host ${1:-?} ns (read uncertainty ${2:-?} ns), bound $(cat "$D/bound_ns") ns"
		within "${1:-}" "${2:-0}" "$(cat "$D/bound_ns")" || ft_fails=$((ft_fails + 1))
		show_sources
		[ $ft_fails = 0 ]
		return
	fi
	[ $ft_src = 0 ] || { why "pause_watch --system: the system clock did not recover"; ft_fails=$((ft_fails + 1)); }
	ft_jump=$(sed -n 's/.*host time jumped \([0-9.]*\) s against the guest.*/\1/p' /tmp/fault_pw.out)
	ft_ev=$(sed -n 's/.*module event disruption step +*\(-*[0-9]*\) ns.*/\1/p' /tmp/fault_$ft_verb.log | tail -n 1)
	# phc-steer's steps since the fault: the first must be the module's
	# step, forward. It normally comes on the disruption event; a poll
	# that reads the stepped clock before the event is handled steps
	# for the offset instead (seen under load), and the event's step is
	# then ~0. Any later step must be that small.
	grep ' step ' /tmp/fault_$ft_verb.log | tail -n +$((ft_ststeps + 1)) |
		sed -n 's/.* step \(-*[0-9]*\) ns (.*/\1/p' >/tmp/fault_steps
	ft_step=$(head -n 1 /tmp/fault_steps)
	ft_later=$(tail -n +2 /tmp/fault_steps | tr '\n' ' ')
	echo "host time jumped ${ft_jump:-?} s; disruptions $ft_d0 -> $ft_d1; module step ${ft_ev:-none} ns; phc-steer step ${ft_step:-none} ns, then ${ft_later:-none}"
	for ft_x in $ft_later; do
		st_true "$ft_x <= 1000000 && -($ft_x) <= 1000000" ||
			{ why "phc-steer stepped again by $ft_x ns"; ft_fails=$((ft_fails + 1)); }
	done
	[ "$ft_d1" = $((ft_d0 + 1)) ] || { why "want exactly one disruption"; ft_fails=$((ft_fails + 1)); }
	if [ -z "$ft_ev" ] || [ -z "$ft_jump" ] ||
		! st_true "$ft_ev > 0 && ($ft_ev / 1e9 - $ft_jump) < 0.5 && ($ft_jump - $ft_ev / 1e9) < 0.5"; then
		why "the module's step is not forward by the jump (within 0.5 s)"
		ft_fails=$((ft_fails + 1))
	fi
	if [ -z "$ft_step" ] || [ -z "$ft_ev" ] ||
		! st_true "$ft_step > 0 && $ft_step - $ft_ev <= 1000000 && $ft_ev - $ft_step <= 1000000"; then
		why "phc-steer did not step forward by the module's step (within 1 ms)"
		ft_fails=$((ft_fails + 1))
	fi
	show_sources
	[ $ft_fails = 0 ]
}
