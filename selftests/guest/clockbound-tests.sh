# shellcheck shell=sh
# kind, B, pw_pid and the helpers come from run-suite.sh and steer-tests.sh;
# `A && B || C` here means "unless both A and B".
# shellcheck disable=SC2154,SC2015
# SPDX-License-Identifier: GPL-2.0-only
#
# phc-steer's ClockBound segment (issue 20) in a nested-KVM guest on
# kvm-clock, read by selftests/clockbound_watch.c against the host's time
# (ptp_kvm). Sourced by run-suite.sh after steer-tests.sh, whose st_*
# helpers these use:
#
#   t_clockbound_pause     a 5 s VM pause while phc-steer writes the
#                          segment: every reading outside the post-resume
#                          window brackets the host's time, the window is
#                          measured, disrupted is seen, then synchronized
#   t_clockbound_stopped   phc-steer killed (SIGKILL), then stopped
#                          (SIGTERM): the segment expires (unknown), after
#                          a free-running that still holds when stopped
#   t_clockbound_unloaded  the module unloaded under phc-steer: once it has
#                          noticed, no reading says synchronized, those
#                          that may be trusted hold; loaded again:
#                          synchronized again
#   t_clockbound_no_dir    the segment's directory missing, then read-only:
#                          one clear message each, steering goes on, and
#                          the segment is written once the directory is there
# Variables are prefixed cb_.

cb_seg=/run/clockbound/shm0

# cb_start LOG ARGS...: phc-steer steering at 0.5 s polls with the segment.
cb_start() {
	cb_log=$1
	shift
	st_start "$cb_log" -p 0.5 --ntp-discover no --clockbound yes "$@"
}

# cb_start_synced LOG: cb_start, then until the segment says synchronized.
cb_start_synced() {
	cb_start "$1"
	cb_wait_synced 30 || { st_stop; return 1; }
}

# cb_watch_done: wait for the watcher (watch_bg), show what it saw; its verdict.
cb_watch_done() {
	wait "$pw_pid"
	cb_rc=$?
	cat /tmp/cb_watch.out
	return $cb_rc
}

# cb_wait_synced SECONDS [SEGMENT]: until `phc-steer now` says synchronized.
cb_wait_synced() {
	cb_w=0
	until phc-steer now "${2:-$cb_seg}" >/tmp/cb_now.out 2>&1 &&
		grep -q 'status synchronized' /tmp/cb_now.out; do
		if [ $cb_w -ge $(($1 * 10)) ]; then
			cat /tmp/cb_now.out
			[ -z "${cb_log:-}" ] || grep -E 'clockbound|module|reading with' "$cb_log"
			why "the segment not synchronized after $1 s"
			return 1
		fi
		sleep 0.1
		cb_w=$((cb_w + 1))
	done
	echo "synchronized after $((cb_w / 10)).$((cb_w % 10)) s: \$ phc-steer now; $(cat /tmp/cb_now.out)"
}

# cb_kvm_clock: the checks read ptp_kvm's cross timestamps, which kvm-clock has.
cb_kvm_clock() {
	modprobe ptp_kvm || return 1
	cb_cs=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)
	[ "$cb_cs" = kvm-clock ] || { why "needs kvm-clock, the guest runs $cb_cs"; return 1; }
}

cb_fresh() {
	st_fresh_module && cb_kvm_clock && st_clock_reset || return 1
	mkdir -p /run/clockbound
	rm -f "$cb_seg"
}

t_clockbound_pause() {
	cb_fresh || return 1
	# The unit's umask: the segment must be readable by everyone anyway.
	cb_umask=$(umask)
	umask 077
	cb_start_synced /tmp/cb_pause.log || { umask "$cb_umask"; return 1; }
	umask "$cb_umask"
	cb_fails=0
	cb_mode=$(stat -c '%a %s' "$cb_seg")
	echo "phc-steer under umask 077: the segment's mode and size: $cb_mode"
	[ "$cb_mode" = "644 80" ] || { why "want 644 80"; cb_fails=$((cb_fails + 1)); }
	if ! su -s /bin/sh nobody -c "phc-steer now $cb_seg"; then
		why "uid nobody cannot read the segment"
		cb_fails=$((cb_fails + 1))
	fi
	watch_bg clockbound_watch /tmp/cb_watch.out --pause "$cb_seg" 20 || { st_stop; return 1; }
	sleep 2
	echo "# @@ptpu-request pause 5" >&9
	cb_watch_done || cb_fails=$((cb_fails + 1))
	st_stop || cb_fails=$((cb_fails + 1))
	st_clock_reset
	echo "phc-steer's log around the pause:"
	grep -E 'clockbound|module event| step ' /tmp/cb_pause.log
	[ $cb_fails = 0 ]
}

# The writer gone: a crash (SIGKILL, nothing said), then a clean stop
# (SIGTERM: phc-steer says free-running as it goes). The segment must
# expire for readers, and while it may be trusted it must hold.
t_clockbound_stopped() {
	cb_fresh || return 1
	cb_fails=0
	cb_start_synced /tmp/cb_stop.log || return 1
	watch_bg clockbound_watch /tmp/cb_watch.out --expire "$cb_seg" 20 || { st_stop; return 1; }
	echo "--- SIGKILL"
	kill -9 "$st_pid"
	wait "$st_pid"
	st_pid=
	cb_watch_done || cb_fails=$((cb_fails + 1))
	echo "--- phc-steer again (it keeps the segment), then SIGTERM"
	cb_start_synced /tmp/cb_stop2.log || return 1
	grep clockbound /tmp/cb_stop2.log
	watch_bg clockbound_watch /tmp/cb_watch.out --expire --free-running "$cb_seg" 20 ||
		{ st_stop; return 1; }
	st_stop || cb_fails=$((cb_fails + 1))
	cb_watch_done || cb_fails=$((cb_fails + 1))
	st_clock_reset
	[ $cb_fails = 0 ]
}

t_clockbound_unloaded() {
	cb_fresh || return 1
	cb_fails=0
	cb_start_synced /tmp/cb_unload.log || return 1
	rmmod ptp_unified || { st_stop; return 1; }
	# Until phc-steer's next poll the segment says what was true a moment ago.
	st_wait_log /tmp/cb_unload.log 'clockbound: status free-running' 30 ||
		{ modprobe ptp_unified; st_stop; return 1; }
	echo "module unloaded; phc-steer noticed: $(grep 'read failed' /tmp/cb_unload.log)"
	watch_bg clockbound_watch /tmp/cb_watch.out --not-synced "$cb_seg" 6 ||
		{ modprobe ptp_unified; st_stop; return 1; }
	cb_watch_done || cb_fails=$((cb_fails + 1))
	modprobe ptp_unified || { st_stop; return 1; }
	echo "module loaded again"
	cb_wait_synced 90 || cb_fails=$((cb_fails + 1))
	st_stop || cb_fails=$((cb_fails + 1))
	grep -E 'clockbound|read failed|back$' /tmp/cb_unload.log
	st_clock_reset
	[ $cb_fails = 0 ]
}

# cb_refused LOG SEGMENT REASON: phc-steer started with a segment it cannot
# write says so once, "clockbound: SEGMENT: REASON; steering goes on", and
# goes on locking (s2 lines after the message). It is left running.
cb_refused() {
	cb_start "$1" --clockbound-path "$2"
	sleep 4
	grep clockbound "$1"
	cb_n=$(grep -cF "clockbound: $2: $3; steering goes on" "$1")
	[ "$cb_n" = 1 ] || { why "want the message once, got it $cb_n times"; return 1; }
	kill -0 "$st_pid" 2>/dev/null || { why "phc-steer exited"; return 1; }
	cb_s2=$(sed -n '/clockbound: .*; steering goes on$/,$p' "$1" | grep -c ' offset .* s2 ')
	echo "$cb_s2 locked polls after the message"
	[ "$cb_s2" -ge 2 ] || { why "no locked polls after the message"; return 1; }
}

t_clockbound_no_dir() {
	cb_fresh || return 1
	cb_fails=0
	rm -rf /run/cb-missing
	cb_refused /tmp/cb_nodir.log /run/cb-missing/shm0 \
		'cannot create: its directory does not exist (the phc-steer unit makes it with RuntimeDirectory=clockbound)' ||
		cb_fails=$((cb_fails + 1))
	mkdir /run/cb-missing
	echo "--- the directory made"
	cb_wait_synced 10 /run/cb-missing/shm0 || cb_fails=$((cb_fails + 1))
	grep 'clockbound: writing' /tmp/cb_nodir.log || { why "not written once the directory was there"; cb_fails=$((cb_fails + 1)); }
	st_stop || cb_fails=$((cb_fails + 1))
	rm -rf /run/cb-missing

	echo "--- a read-only directory"
	mkdir -p /run/cb-ro
	mount -t tmpfs -o ro tmpfs /run/cb-ro || return 1
	cb_refused /tmp/cb_ro.log /run/cb-ro/shm0 'cannot open for writing: Read-only file system' ||
		cb_fails=$((cb_fails + 1))
	st_stop || cb_fails=$((cb_fails + 1))
	umount /run/cb-ro
	st_clock_reset
	[ $cb_fails = 0 ]
}
