# shellcheck shell=sh
# kind, B and the helpers come from run-suite.sh; `set -- $(...)` splits on
# purpose; `A && B || C` here means "unless both A and B".
# shellcheck disable=SC2154,SC2046,SC2015
# SPDX-License-Identifier: GPL-2.0-only
#
# phc-steer in real guests (issue 5). Sourced by run-suite.sh, which runs
# these functions with `check` and provides sysdev, phc_dev, wait_for,
# show_sources, abs, $B (the test binaries) and $kind (tcg or nested):
#
#   t_steer_converges +|-   from +/-0.5 s and +/-100 ppm (ADJ_TICK), phc-steer
#                           brings CLOCK_REALTIME onto the unified clock
#   t_steer_pause           (nested, kvm-clock) a 5 s VM pause: phc-steer steps
#                           on the module's disruption event
#   t_steer_ntp             (TCG) NTP from the build machine's chronyd reaches
#                           the module; a +1 s responder is a falseticker
#   t_status_json           `phc-steer status`, and its JSON against sysfs
#
# phc-steer always runs here with --ntp-discover no or -n 10.0.2.2:PORT: its
# default discovery would ask 169.254.169.254, which slirp would send off the
# build machine. The only network peer is 10.0.2.2 (the build machine's
# loopback, where run-guest.sh starts the NTP servers).
# Variables are prefixed st_ (the suite's functions share one namespace).

st_pid=

# st_start LOG ARGS...: phc-steer steering in the background, its log in LOG.
st_start() {
	st_log=$1
	shift
	phc-steer "$@" >"$st_log" 2>&1 &
	st_pid=$!
	echo "started: phc-steer $* (pid $st_pid)"
}

# st_stop: SIGTERM to phc-steer. Fails when it had already exited by itself,
# does not exit within 10 s or does not exit with 0 (its exit status on
# SIGTERM).
st_stop() {
	[ -n "$st_pid" ] || return 0
	st_rc=0
	if kill -0 "$st_pid" 2>/dev/null; then
		end_within "$st_pid" 10 phc-steer || st_rc=$?
		[ $st_rc = 0 ] || [ $st_rc = 124 ] || why "phc-steer exited with $st_rc on SIGTERM"
	else
		wait "$st_pid"
		st_rc=$?
		why "phc-steer had exited by itself (exit $st_rc); its log follows"
		cat "$st_log"
		[ $st_rc != 0 ] || st_rc=1
	fi
	st_pid=
	return $st_rc
}

# st_read: "METHOD OFFSET DELAY", CLOCK_REALTIME minus the unified clock (ns)
# from `phc-steer read`.
st_read() {
	phc-steer read | sed -n 's/.* method \([a-z]*\) offset \(-*[0-9]*\) delay \([0-9]*\) .*/\1 \2 \3/p'
}

# st_true EXPR: awk's verdict on EXPR (nanoseconds overflow 32 bits).
st_true() {
	awk "BEGIN { exit !($1) }"
}

# Each check starts from a freshly loaded module (the checks before it, the
# netlink fuzzers above all, may leave external sources or a clock stepped
# anywhere behind; nested, the kvm source is selected again first) and with
# CLOCK_REALTIME put onto it, so that no check inherits the clock of one
# before it (the pause checks leave it seconds behind, a failed check
# anywhere).
st_fresh_module() {
	rmmod ptp_unified && modprobe ptp_unified || return 1
	D=$(sysdev) || return 1
	# Synchronised first: the first synchronisation steps the clock (TCG:
	# onto the rtc's first edge, a second or more after the load; on a
	# slow debug kernel after the checks have begun), and a check that
	# nudges CLOCK_REALTIME must not see that step land in its window.
	if [ "$kind" = nested ]; then
		wait_for "$D/selected_source" kvm 30 >/dev/null ||
			{ why "kvm not selected 30 s after a reload"; return 1; }
	else
		wait_for "$D/state" synchronised 30 >/dev/null ||
			{ why "not synchronised 30 s after a reload"; return 1; }
	fi
	set -- $(st_read)
	[ -n "${2:-}" ] || { why "phc-steer read gave nothing"; return 1; }
	"$B/clock_nudge" --unsync --step "$(awk "BEGIN { printf \"%.0f\", -($2) }")" >/dev/null || return 1
	echo "fresh module: $(cat "$D/state"), selected $(cat "$D/selected_source"), bound $(cat "$D/bound_ns") ns; CLOCK_REALTIME stepped onto it from $2 ns"
}

# Back to an unsteered clock: unsynchronised (so the kernel writes nothing
# into the RTC), nominal tick and frequency.
st_clock_reset() {
	"$B/clock_nudge" --unsync --freq 0 --tick-ppm 0 >/dev/null
}

# From an initial error of SIGN 0.5 s and a SIGN 100 ppm frequency error
# (ADJ_TICK: phc-steer owns ADJ_FREQUENCY), phc-steer, polling every 0.5 s,
# brings CLOCK_REALTIME onto the unified clock and holds it: after 35 s, five
# reads 2 s apart are within the clock's bound and, read with
# PTP_SYS_OFFSET_PRECISE, within a tight limit. PRECISE takes both clocks
# from one counter read, so the offset read is exact and what is left is the
# servo's residual: the unified clock's own rate moves only when its model
# is updated (nested: every kvm poll, 1 s, by ns; TCG: rtc samples every
# 16 s), so a PI servo at 0.5 s keeps the residual under 10 us nested and
# under 100 us in TCG, whose timers fire late by up to milliseconds.
# The first update must also step the right way: by minus the offset seen
# after the nudge (the fresh module has synchronised before the nudge, so
# no step of its own lands in between).
t_steer_converges() {
	st_sign=$1
	st_fresh_module || return 1
	case $kind in
	nested) st_lim=10000 ;;
	*) st_lim=100000 ;;
	esac
	st_clock_reset || return 1
	set -- $(st_read)
	[ -n "${2:-}" ] || { why "phc-steer read gave nothing"; return 1; }
	st_off0=$2
	echo "before: CLOCK_REALTIME - unified $st_off0 ns ($1)"
	"$B/clock_nudge" --tick-ppm "${st_sign}100" --step "${st_sign}500000000" --show || return 1
	set -- $(st_read)
	echo "after the nudge: CLOCK_REALTIME - unified $2 ns"
	st_want=$(awk "BEGIN { printf \"%.0f\", -($2) }")
	st_start /tmp/steer_conv.log -p 0.5 --ntp-discover no
	sleep 35
	st_fails=0
	echo " read  method    CLOCK_REALTIME-unified/ns    bound/ns  limit/ns"
	st_i=1
	while [ $st_i -le 5 ]; do
		set -- $(st_read)
		st_b=$(cat "$D/bound_ns")
		printf '%5d  %-8s %28s %11s %9s\n' $st_i "${1:-?}" "${2:-?}" "$st_b" "$st_lim"
		if [ -z "${2:-}" ] || ! st_true "${2#-} <= $st_b"; then
			why "outside the unified clock's bound"
			st_fails=$((st_fails + 1))
		elif [ "$1" = precise ] && ! st_true "${2#-} <= $st_lim"; then
			why "above the limit"
			st_fails=$((st_fails + 1))
		fi
		sleep 2
		st_i=$((st_i + 1))
	done
	st_stop || st_fails=$((st_fails + 1))
	st_clock_reset
	echo "phc-steer's log (steps, then the last offsets):"
	grep -E ' step |reading with' /tmp/steer_conv.log
	grep ' offset ' /tmp/steer_conv.log | tail -n 4
	st_step=$(sed -n 's/.* step \(-*[0-9]*\) ns (\(first update\|disruption event\)).*/\1/p' /tmp/steer_conv.log | head -n 1)
	st_freq=$(sed -n 's/.* s2 freq *\([-+]*[0-9]*\) .*/\1/p' /tmp/steer_conv.log | tail -n 1)
	echo "first step ${st_step:-nothing} ns, want about $st_want ns (within 10 ms)"
	if [ -z "$st_step" ] || ! st_true "$st_step - ($st_want) <= 10000000 && ($st_want) - $st_step <= 10000000"; then
		why "wrong step"
		st_fails=$((st_fails + 1))
	fi
	# 100 ppm injected: the servo must take it out (the guest's own rate
	# error against the unified clock is a few ppm).
	st_wantf=$(awk "BEGIN { print -(${st_sign}1) * 100000 }")
	echo "locked frequency ${st_freq:-?} ppb, want about $st_wantf ppb (within 50 ppm)"
	if [ -z "$st_freq" ] || ! st_true "$st_freq - ($st_wantf) <= 50000 && ($st_wantf) - $st_freq <= 50000"; then
		why "the servo did not take the frequency error out"
		st_fails=$((st_fails + 1))
	fi
	[ $st_fails = 0 ]
}

# (nested, kvm-clock) L1 pauses this VM for 5 s while phc-steer steers. The
# guest's clocks stop with it, so CLOCK_REALTIME comes back 5 s behind; the
# module declares a disruption and tells phc-steer, which must step at once
# (on the event, not at its next poll) by about +5 s, and then hold the
# system clock within the unified clock's bound of L1's (ptp_kvm). Prints
# the recovery time: from the resume (host time jumping against
# CLOCK_MONOTONIC_RAW, which no step moves) to the system clock within 1 ms
# of L1's.
t_steer_pause() {
	st_fresh_module || return 1
	modprobe ptp_kvm || return 1
	st_cs=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)
	[ "$st_cs" = kvm-clock ] || { why "needs kvm-clock, the guest runs $st_cs"; return 1; }
	st_clock_reset || return 1
	st_start /tmp/steer_pause.log -p 0.5 --ntp-discover no
	sleep 10
	set -- $(st_read)
	echo "before the pause: CLOCK_REALTIME - unified ${2:-?} ns (${1:-?})"
	st_d0=$(cat "$D/disruption_count")
	pause_watch_bg /tmp/steer_pw.out --system "$D" 120 || { st_stop; return 1; }
	echo "# @@ptpu-request pause 5" >&9
	wait $pw_pid
	st_fails=$?
	cat /tmp/steer_pw.out
	sleep 1
	st_stop || st_fails=$((st_fails + 1))
	st_clock_reset
	echo "phc-steer's log around the pause:"
	grep -E 'module event|step' /tmp/steer_pause.log
	st_d1=$(cat "$D/disruption_count")
	st_ev=$(sed -n 's/.*module event disruption step +*\(-*[0-9]*\) ns.*/\1/p' /tmp/steer_pause.log | tail -n 1)
	st_evt=$(sed -n 's/^phc-steer\[\([0-9.]*\)\]: module event disruption.*/\1/p' /tmp/steer_pause.log | tail -n 1)
	# The step normally comes on the event; a poll that reads the stepped
	# clock before the event is handled steps for the offset instead
	# (seen under load), and the event's step is then ~0: the largest.
	st_step=$(sed -n 's/.* step \(-*[0-9]*\) ns (\(disruption event\|offset beyond the step threshold\)).*/\1/p' /tmp/steer_pause.log | sort -n | tail -n 1)
	st_stept=$(sed -n "s/^phc-steer\\[\\([0-9.]*\\)\\]: .* step $st_step ns .*/\\1/p" /tmp/steer_pause.log | tail -n 1)
	echo "disruptions $st_d0 -> $st_d1; module event step ${st_ev:-none} ns; phc-steer step ${st_step:-none} ns"
	[ "$st_d1" = $((st_d0 + 1)) ] || { why "want exactly one disruption"; st_fails=$((st_fails + 1)); }
	if [ -z "$st_ev" ] || ! st_true "$st_ev > 1000000000"; then
		why "no disruption event of about +5 s in phc-steer's log"
		st_fails=$((st_fails + 1))
	fi
	if [ -z "$st_step" ] || ! st_true "$st_step > 1000000000"; then
		why "phc-steer did not step forward on the disruption event"
		st_fails=$((st_fails + 1))
	elif [ -n "$st_ev" ]; then
		# Before the pause CLOCK_REALTIME was on the unified clock within
		# microseconds; both stopped together: the steps are the same.
		echo "phc-steer's step - the module's: $(awk "BEGIN { print $st_step - $st_ev }") ns, $(awk "BEGIN { printf \"%.1f\", ($st_stept - $st_evt) * 1000 }") ms after the event"
		st_true "$st_step - $st_ev <= 1000000 && $st_ev - $st_step <= 1000000" ||
			{ why "differs from the module's step by more than 1 ms"; st_fails=$((st_fails + 1)); }
	fi
	show_sources
	[ $st_fails = 0 ]
}

# Bring up virtio-net on slirp: 10.0.2.15/24, the build machine's loopback
# is 10.0.2.2 (the only peer these checks talk to).
st_net_up() {
	if ! ip -4 addr show dev eth0 2>/dev/null | grep -q 10.0.2.15; then
		modprobe virtio_net || return 1
		st_i=0
		while ! ip link show eth0 >/dev/null 2>&1 && [ $st_i -lt 50 ]; do
			sleep 0.1
			st_i=$((st_i + 1))
		done
		ip link set lo up
		ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 &&
			ip route add default via 10.0.2.2 || return 1
	fi
	ip -4 addr show dev eth0 | sed -n 's/^ *inet \([^ ]*\).*/eth0 \1/p'
}

# st_probe SERVER N: the best (shortest delay) of N `phc-steer ntp-probe`
# exchanges as "OFFSET DELAY" (server minus this guest's CLOCK_REALTIME).
st_probe() {
	st_n=0
	while [ $st_n -lt "$2" ]; do
		phc-steer ntp-probe -t 2 "$1" | sed -n 's/.* offset *\(-*[0-9]*\) delay *\([0-9]*\) .*/\1 \2/p'
		st_n=$((st_n + 1))
		sleep 0.3
	done | sort -n -k 2 | head -n 1
}

# st_wait_log FILE PATTERN SECONDS: wait for a line matching PATTERN.
st_wait_log() {
	st_w=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		[ $st_w -lt $(($3 * 10)) ] || { why "no '$2' in $1 after $3 s"; return 1; }
		sleep 0.1
		st_w=$((st_w + 1))
	done
}

# (TCG) NTP through phc-steer into the module, from the build machine's
# chronyd (run-guest.sh: 127.0.0.1:11123, here 10.0.2.2:11123). The samples
# reach the module as source ntp0, the rtc gets calibrated from them, ntp0
# is selected, and the system clock ends within ntp0's bound of the build
# machine's (measured with ntp-probe, within its own delay / 2). Then
# phc-steer again with a second server, ntp_liar.py serving +1 s (:11124):
# its source is marked a falseticker and never selected, and it moves
# nothing (no disruption, no step of the clock).
# phc-steer runs with a 10 ms step threshold (-S 0.01): the module's first
# synchronisation onto NTP steps the unified clock by its seed's error (in
# TCG up to a second: the seed is the system clock, set at boot from the
# RTC's whole seconds). That step is no disruption, so phc-steer hears no
# event; when it comes after phc-steer's first update and is below the
# default threshold (0.128 s), phc-steer slews it out at 500 ppm at most:
# 100 ms would take over 200 s.
t_steer_ntp() {
	st_srv=10.0.2.2:${ptpu_ntp_port:-11123}
	st_liar=10.0.2.2:${ptpu_liar_port:-11124}
	st_fresh_module || return 1
	st_net_up || { why "cannot configure eth0"; return 1; }
	phc-steer ntp-probe -t 5 "$st_srv" || { why "no NTP from $st_srv"; return 1; }
	st_clock_reset || return 1
	st_fails=0
	st_start /tmp/steer_ntp.log -p 0.5 -S 0.01 -n "$st_srv" --ntp-poll 2
	st_t0=$(cut -d' ' -f1 /proc/uptime)
	st_wait_log /tmp/steer_ntp.log "source ntp0 in the module is $st_srv" 30 &&
		wait_for "$D/sources/ntp0/class" ntp 10 || { show_sources; st_stop; return 1; }
	st_i=0
	while [ "$(cat "$D/sources/ntp0/samples")" = 0 ] && [ $st_i -lt 100 ]; do
		sleep 0.1
		st_i=$((st_i + 1))
	done
	echo "ntp0 has $(cat "$D/sources/ntp0/samples") samples"
	[ "$(cat "$D/sources/ntp0/samples")" != 0 ] || { why "ntp0 has no samples"; st_fails=$((st_fails + 1)); }
	wait_for "$D/selected_source" ntp0 60 || st_fails=$((st_fails + 1))
	wait_for "$D/sources/rtc/calibrated" 1 120 || st_fails=$((st_fails + 1))
	echo "(from phc-steer's start: $(awk "BEGIN { printf \"%.1f\", $(cut -d' ' -f1 /proc/uptime) - $st_t0 }") s)"
	sleep 3
	show_sources
	set -- $(st_probe "$st_srv" 5)
	st_b=$(cat "$D/sources/ntp0/bound_ns")
	echo "build machine - CLOCK_REALTIME: ${1:-?} ns (ntp-probe, best of 5, delay ${2:-?} ns); ntp0's bound $st_b ns"
	if [ -z "${1:-}" ] || ! st_true "${1#-} <= $st_b + $2 / 2"; then
		why "the system clock is not within ntp0's bound (+ the probe's delay / 2) of the build machine's"
		st_fails=$((st_fails + 1))
	fi
	grep -E ' step |module event|source ntp' /tmp/steer_ntp.log
	st_stop || st_fails=$((st_fails + 1))

	echo "--- a second server 1 s off: $st_liar"
	st_dis=$(cat "$D/disruption_count")
	st_steps=$(cat "$D/step_count")
	st_start /tmp/steer_ntp2.log -p 0.5 -S 0.01 -n "$st_srv" -n "$st_liar" --ntp-poll 2
	if ! st_wait_log /tmp/steer_ntp2.log "in the module is $st_liar" 30; then
		cat /tmp/steer_ntp2.log
		st_stop
		return 1
	fi
	st_lname=$(sed -n "s/.*source \([a-z0-9]*\) in the module is $st_liar\$/\1/p" /tmp/steer_ntp2.log | head -n 1)
	st_gname=$(sed -n "s/.*source \([a-z0-9]*\) in the module is $st_srv\$/\1/p" /tmp/steer_ntp2.log | head -n 1)
	echo "the liar is $st_lname, chronyd ${st_gname:-not heard}"
	# Watch the selection and the liar's mark for 25 s.
	st_sel_liar=0 st_ft=0 st_i=0
	while [ $st_i -lt 50 ]; do
		[ "$(cat "$D/selected_source")" != "$st_lname" ] || st_sel_liar=$((st_sel_liar + 1))
		[ "$(cat "$D/sources/$st_lname/falseticker" 2>/dev/null)" != 1 ] || st_ft=$((st_ft + 1))
		sleep 0.5
		st_i=$((st_i + 1))
	done
	show_sources
	echo "\$ phc-steer status"
	phc-steer status
	echo "over 25 s (50 looks): $st_lname marked falseticker in $st_ft, selected in $st_sel_liar; disruptions $st_dis -> $(cat "$D/disruption_count"), steps $st_steps -> $(cat "$D/step_count")"
	grep -E ' step |module event|source ntp|refused' /tmp/steer_ntp2.log
	st_stop || st_fails=$((st_fails + 1))
	[ "$(cat "$D/sources/$st_lname/falseticker" 2>/dev/null)" = 1 ] ||
		{ why "$st_lname is not a falseticker at the end"; st_fails=$((st_fails + 1)); }
	[ "$st_gname" = ntp0 ] || { why "chronyd should have stayed ntp0"; st_fails=$((st_fails + 1)); }
	[ $st_sel_liar = 0 ] || { why "the liar was selected"; st_fails=$((st_fails + 1)); }
	[ $st_ft -ge 40 ] || { why "the liar was not marked a falseticker within 5 s"; st_fails=$((st_fails + 1)); }
	[ "$(cat "$D/disruption_count")" = "$st_dis" ] && [ "$(cat "$D/step_count")" = "$st_steps" ] ||
		{ why "the liar moved the clock"; st_fails=$((st_fails + 1)); }
	st_clock_reset
	[ $st_fails = 0 ]
}

# `phc-steer status` while phc-steer steers (the text goes into the TAP
# diagnostics: the example in docs/interfaces.md), then its JSON checked
# against sysfs by status_json_test.
t_status_json() {
	D=$(sysdev) || return 1
	st_clock_reset || return 1
	st_start /tmp/steer_status.log -p 0.5 --ntp-discover no
	sleep 8
	st_fails=0
	echo "\$ phc-steer status"
	phc-steer status || st_fails=$((st_fails + 1))
	echo "\$ phc-steer status -j | status_json_test"
	"$B/status_json_test" || st_fails=$((st_fails + 1))
	st_stop || st_fails=$((st_fails + 1))
	st_clock_reset
	[ $st_fails = 0 ]
}
