#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs inside a test guest (busybox). Prints TAP on stdout: one line per
# check, the output of each check as "# " diagnostics.
#
# usage: run-suite.sh full|smoke|steer|tsc|stress|unpriv|fuzz|faults|saverestore|
#                     clockbound|readcost|canary|untrusted|leap|trust
#                     tcg|nested
suite=${1:-full}
kind=${2:-tcg}
B=/opt/ptpu
# make bench runs its own guest script (selftests/bench/bench-guest.sh).
case $suite in bench-*) exec /bin/sh $B/bench-guest.sh "${suite#bench-}" "$kind" ;; esac
n=0
failed=0
. /opt/ptpu/steer-tests.sh
. /opt/ptpu/stress-tests.sh
. /opt/ptpu/fault-tests.sh
. /opt/ptpu/trust-tests.sh
. /opt/ptpu/clockbound-tests.sh
. /opt/ptpu/read-cost.sh
# The debug kernel's checkers (make check-debug): sets debug=1 there.
debug=
# What dmesg_clean fails on (kernel_complaint_re; the reports of KASAN,
# UBSAN, debugobjects, lockdep and DEBUG_ATOMIC_SLEEP, which the debug
# kernel adds, among them): one list with the build machine's reading of
# the consoles.
. $B/kernel-complaints.sh
bad_re=$kernel_report_re
[ ! -f $B/guest-debug.sh ] || . $B/guest-debug.sh

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
diag() { sed 's/^/# /'; }
# why MESSAGE: say why a check fails. make check lists these lines again
# just above its tally (scripts/lib/tally.sh), where a CI log that keeps
# only its head and tail still shows them.
why() { echo "FAILED: $*"; }

# end_within PID SECONDS WHAT: SIGTERM to PID (a child of this shell), then
# wait up to SECONDS for it to exit; its exit status. A daemon must exit
# promptly on SIGTERM, and a suite must not wait forever on one that does
# not: WHAT is then named with where it sits in the kernel, killed, and
# 124 returned. (A zombie has exited: kill -0 still finds it.)
end_within() {
	ew_pid=$1 ew_i=0
	kill "$ew_pid" 2>/dev/null
	while [ -d "/proc/$ew_pid" ] && [ "$(cut -d' ' -f3 "/proc/$ew_pid/stat" 2>/dev/null)" != Z ]; do
		if [ $ew_i -ge $(($2 * 10)) ]; then
			why "$3 (pid $ew_pid) still running $2 s after SIGTERM, in the kernel at '$(cat "/proc/$ew_pid/wchan" 2>/dev/null)':"
			cat "/proc/$ew_pid/stack" 2>/dev/null
			kill -9 "$ew_pid"
			wait "$ew_pid"
			return 124
		fi
		sleep 0.1
		ew_i=$((ew_i + 1))
	done
	wait "$ew_pid"
}

# Run one check: a shell function or a command. Its output becomes
# diagnostics. ptpu_test_raise=FAULT@NAME (kernel command line) has the
# test module raise FAULT (warn or triple_fault) right after check NAME, in
# any suite: the run must then fail, and not be retried (docs/testing.md,
# "Testing the test machinery").
# Each check's output ends with the guest time it took (docs/testing.md's
# budget is read off these lines).
check() {
	name=$1
	shift
	read -r check_t0 _ </proc/uptime
	"$@" >/tmp/check.out 2>&1
	rc=$?
	read -r check_t1 _ </proc/uptime
	diag </tmp/check.out
	awk "BEGIN { printf \"# %s took %.1f s\\n\", \"$name\", $check_t1 - $check_t0 }"
	if [ $rc = 0 ]; then ok "$name"; else not_ok "$name (exit $rc)"; fi
	if [ "$name" = "${ptpu_test_raise#*@}" ]; then
		t_test_raise "${ptpu_test_raise%@*}" 2>&1 | diag
	fi
}

# t_test_raise FAULT: the test-only RTC module (selftests/rtc_fault/)
# raises FAULT: warn (a kernel WARNING) or triple_fault.
t_test_raise() {
	modprobe ptpu_test_rtc || return 1
	echo "ptpu_test_rtc: raising $1"
	if ! echo 1 >"/sys/module/ptpu_test_rtc/parameters/$1"; then
		rmmod ptpu_test_rtc
		return 1
	fi
	rmmod ptpu_test_rtc || return 1
	echo "ptpu_test_rtc raised $1 on request"
}

# Run a kselftest binary and lift each of its results to the top level.
check_kselftest() {
	bin=$1
	shift
	"$B/$bin" "$@" >/tmp/ks.out 2>&1
	rc=$?
	sub_failed=0
	while IFS= read -r line; do
		case "$line" in
		"ok "*)
			ok "$bin: ${line#ok [0-9]* }" ;;
		"not ok "*)
			sub_failed=1
			not_ok "$bin: ${line#not ok [0-9]* }" ;;
		*)
			echo "# $line" ;;
		esac
	done </tmp/ks.out
	if [ $rc != 0 ] && [ $sub_failed = 0 ]; then
		not_ok "$bin (exit $rc)"
	fi
}

# phc_dev [CLOCK_NAME]: the device of the PTP clock of that name
# (default ptp_unified).
phc_dev() {
	for d in /sys/class/ptp/ptp*; do
		if [ "$(cat "$d/clock_name" 2>/dev/null)" = "${1:-ptp_unified}" ]; then
			echo "/dev/${d##*/}"
			return 0
		fi
	done
	return 1
}

t_load() {
	modprobe ptp_unified || return 1
	dev=$(phc_dev) || { why "no clock_name ptp_unified after load"; return 1; }
	echo "loaded, clock at $dev ($(cat /sys/class/ptp/${dev#/dev/}/clock_name))"
}

t_phc_ctl() {
	dev=$(phc_dev) || return 1
	out=$(phc_ctl "$dev" get) || { why "$out"; return 1; }
	echo "$out"
	phc_s=$(echo "$out" | sed -n 's/.*clock time is \([0-9]*\)\..*/\1/p')
	now=$(date +%s)
	[ -n "$phc_s" ] || { why "no time in phc_ctl output"; return 1; }
	d=$((phc_s - now))
	echo "phc_ctl time - date: ${d} s"
	[ "$d" -ge -2 ] && [ "$d" -le 2 ]
}

# chronyd, not steering (-x), takes the clock as a refclock and selects it.
t_chronyd() {
	dev=$(phc_dev) || return 1
	mkdir -p /var/lib/chrony /run/chrony
	cat >/tmp/chrony.conf <<EOC
refclock PHC $dev poll 0 dpoll -2 refid UNIF
cmdport 0
bindcmdaddress /
pidfile /tmp/chronyd.pid
EOC
	start=$(cut -d' ' -f1 /proc/uptime)
	chronyd -x -u root -d -f /tmp/chrony.conf >/tmp/chronyd.log 2>&1 &
	pid=$!
	i=0
	while [ $i -lt 120 ] && kill -0 $pid 2>/dev/null; do
		if grep -q "Selected source UNIF" /tmp/chronyd.log; then
			end=$(cut -d' ' -f1 /proc/uptime)
			kill $pid
			wait $pid
			cat /tmp/chronyd.log
			echo "chronyd selected the clock after $(echo "$start $end" | awk '{printf "%.1f", $2 - $1}') s"
			return 0
		fi
		sleep 1
		i=$((i + 1))
	done
	kill $pid 2>/dev/null
	cat /tmp/chronyd.log
	why "chronyd did not select the clock (waited $i s)"
	return 1
}

# Unload and reload; every fifth cycle a reader holds the device open across
# the rmmod and must then see ENODEV on its stale fd.
t_load_cycles() {
	cycles=${1:-50}
	held=0
	i=1
	while [ $i -le "$cycles" ]; do
		if [ $((i % 5)) = 0 ]; then
			rm -f /tmp/hold.ready /tmp/hold.go
			"$B/ptp_hold" /tmp/hold.ready /tmp/hold.go >/tmp/hold.out 2>&1 &
			hpid=$!
			w=0
			while [ ! -e /tmp/hold.ready ] && kill -0 $hpid 2>/dev/null && [ $w -lt 300 ]; do
				sleep 0.1
				w=$((w + 1))
			done
			[ -e /tmp/hold.ready ] || { cat /tmp/hold.out; why "cycle $i: holder not ready"; return 1; }
			rmmod ptp_unified || { why "cycle $i: rmmod with the device open failed"; return 1; }
			touch /tmp/hold.go
			wait $hpid || { cat /tmp/hold.out; why "cycle $i: stale fd did not get ENODEV"; return 1; }
			held=$((held + 1))
		else
			rmmod ptp_unified || { why "cycle $i: rmmod failed"; return 1; }
		fi
		modprobe ptp_unified || { why "cycle $i: modprobe failed"; return 1; }
		phc_dev >/dev/null || { why "cycle $i: no clock after reload"; return 1; }
		i=$((i + 1))
	done
	echo "$cycles load/unload cycles, $held with a reader holding the device open"
}

t_kvm_pair() {
	modprobe ptp_kvm || return 1
	"$B/phc_pair" ptp_unified "KVM virtual PTP" 1000
}

# make bench's read costs alone (read-cost.sh), suite readcost: every
# method's line is there, the segment's among them. No figure is judged:
# make bench compares them (docs/benchmarks.md).
t_read_cost() {
	udev=$(phc_dev) || return 1
	modprobe ptp_kvm || return 1
	kdev=$(phc_dev "KVM virtual PTP") || { why "no ptp_kvm clock"; return 1; }
	read_cost_measure "$kdev" "$udev" "${ptpu_bench_reads:-3000}" /tmp/read_cost.txt /tmp/read_cost_steer.log
	rc=$?
	cat /tmp/read_cost.txt
	grep 'clockbound: ' /tmp/read_cost_steer.log
	[ $rc = 0 ] || { why "read_cost exited $rc"; return 1; }
	for m in timer_overhead unified_precise unified_extended kvm_precise kvm_extended \
		syscall ioctl_floor clockbound_now vdso_realtime; do
		grep -Eq "^$m median -?[0-9]+ p99 -?[0-9]+ n [0-9]+ method " /tmp/read_cost.txt ||
			{ why "no $m line"; return 1; }
	done
}

# ---- sources and arbiter (nested KVM) ----

sysdev() {
	dev=$(phc_dev) || return 1
	echo "/sys/class/ptp/${dev#/dev/}/device"
}

# wait_for FILE VALUE SECONDS: poll until FILE holds VALUE; prints the wait.
wait_for() {
	w=0
	while [ "$(cat "$1" 2>/dev/null)" != "$2" ]; do
		if [ $w -ge $(($3 * 10)) ]; then
			why "$1 is '$(cat "$1" 2>/dev/null)' after $3 s, want '$2'"
			return 1
		fi
		sleep 0.1
		w=$((w + 1))
	done
	echo "$1 = $2 after $((w / 10)).$((w % 10)) s"
}

show_sources() {
	D=$(sysdev)
	echo "state $(cat "$D/state"), selected $(cat "$D/selected_source"), bound $(cat "$D/bound_ns") ns, disruptions $(cat "$D/disruption_count"), steps $(cat "$D/step_count")"
	for s in "$D"/sources/*; do
		echo "  ${s##*/}: class $(cat "$s/class") enabled $(cat "$s/enabled") available $(cat "$s/available") selected $(cat "$s/selected") calibrated $(cat "$s/calibrated") falseticker $(cat "$s/falseticker") offset $(cat "$s/offset_ns") bound $(cat "$s/bound_ns") jitter $(cat "$s/jitter_ns") age $(cat "$s/age_ns") samples $(cat "$s/samples")"
	done
}

# Unified minus ptp_kvm (the host's clock), median of N paired reads, and
# the read uncertainty of that ("MEDIAN UNCERTAINTY"): 0 when ptp_kvm can
# cross-timestamp, half a hypercall's window when the guest runs on tsc.
unified_minus_host() {
	"$B/phc_pair" ptp_unified "KVM virtual PTP" "$1" |
		sed -n 's/.*paired reads: median \(-*[0-9]*\) ns.*read uncertainty \([0-9]*\) ns.*/\1 \2/p'
}

# within D U B: is |D| <= B + U?
within() {
	[ -n "$1" ] && [ "$(abs "$1")" -le $(($3 + $2)) ] ||
		{ why "offset '$1' ns is not within the bound $3 ns (+ read uncertainty $2 ns)"; return 1; }
}

abs() { echo "${1#-}"; }

t_kvm_selected() {
	D=$(sysdev)
	modprobe ptp_kvm || return 1
	[ -d "$D/sources/kvm" ] || { why "no kvm source"; show_sources; return 1; }
	wait_for "$D/selected_source" kvm 60 || { show_sources; return 1; }
	show_sources
}

# The unified clock agrees with ptp_kvm within the bound it publishes, and
# that bound is in the microseconds.
t_kvm_agrees() {
	D=$(sysdev)
	sleep 3
	"$B/phc_pair" ptp_unified "KVM virtual PTP" 1000
	set -- $(unified_minus_host 1000)
	b=$(cat "$D/bound_ns")
	echo "unified - ptp_kvm: median ${1:-?} ns over 1000 paired reads (read uncertainty ${2:-?} ns); published bound $b ns"
	within "${1:-}" "${2:-0}" "$b" || return 1
	[ "$b" -lt 100000 ] || { why "the bound $b ns is not in the microseconds"; return 1; }
}

t_rtc_calibrated() {
	D=$(sysdev)
	[ -d "$D/sources/rtc" ] || { why "no rtc source"; return 1; }
	wait_for "$D/sources/rtc/calibrated" 1 120 || { show_sources; return 1; }
	show_sources
}

# With the kvm source disabled, the calibrated rtc holds the clock within
# its published bound of the host's time.
t_holdover() {
	D=$(sysdev)
	secs=${1:-150}
	echo 0 >"$D/sources/kvm/enabled" || return 1
	wait_for "$D/selected_source" rtc 30 || { show_sources; echo 1 >"$D/sources/kvm/enabled"; return 1; }
	fails=0
	t=0
	echo "   t/s   unified-host/ns   bound/ns   read uncertainty/ns"
	while [ $t -le "$secs" ]; do
		set -- $(unified_minus_host 50)
		b=$(cat "$D/bound_ns")
		printf '%6d %17s %10s %21s\n' "$t" "${1:-?}" "$b" "${2:-?}"
		within "${1:-}" "${2:-0}" "$b" || fails=$((fails + 1))
		sleep 15
		t=$((t + 15))
	done
	show_sources
	echo 1 >"$D/sources/kvm/enabled"
	wait_for "$D/selected_source" kvm 30 || return 1
	[ $fails = 0 ]
}

# L1 pauses this VM for 5 s; the module must declare one disruption.
# watch_bg PROG OUT ARGS...: start the watcher $B/PROG ARGS in the
# background (output in OUT, pid in pw_pid) and return once it holds its
# reference reading (it prints "watching"): a pause asked for before that
# could go unseen.
watch_bg() {
	pw_prog=$1
	pw_out=$2
	shift 2
	"$B/$pw_prog" "$@" >"$pw_out" 2>&1 &
	pw_pid=$!
	pw_w=0
	until grep -q '^watching$' "$pw_out" 2>/dev/null; do
		if ! kill -0 $pw_pid 2>/dev/null; then
			cat "$pw_out"
			why "$pw_prog $* exited before it was watching"
			return 1
		fi
		[ $pw_w -lt 300 ] || { why "$pw_prog $* not watching after 30 s"; kill $pw_pid; return 1; }
		sleep 0.1
		pw_w=$((pw_w + 1))
	done
}

# pause_watch_bg OUT ARGS...: watch_bg for pause_watch.
pause_watch_bg() {
	watch_bg pause_watch "$@"
}

t_pause() {
	D=$(sysdev)
	netlink_listen_start
	pause_watch_bg /tmp/pause_watch.out "$D" 120 || return 1
	echo "# @@ptpu-request pause 5" >&9
	wait $pw_pid
	rc=$?
	cat /tmp/pause_watch.out
	show_sources
	return $rc
}

t_pause_rtc_only() {
	D=$(sysdev)
	echo 0 >"$D/sources/kvm/enabled" || return 1
	wait_for "$D/selected_source" rtc 30 || { echo 1 >"$D/sources/kvm/enabled"; return 1; }
	t_pause
	rc=$?
	echo 1 >"$D/sources/kvm/enabled"
	wait_for "$D/selected_source" kvm 30 || return 1
	return $rc
}

# L1 leaves the TSC clocksource, so KVM refuses clock pairing: the arbiter
# fails over without a step, and comes back when L1 is on tsc again. The
# failover must keep the clock within its bound of the host's time or mark
# it unsynchronised: ptp_kvm is refused too meanwhile, so the first paired
# read it allows again measures what the clock held (the kvm source then
# slews, it does not step, and the correction left is in the bound).
t_kvm_failover() {
	D=$(sysdev)
	steps=$(cat "$D/step_count")
	echo "uptime $(cut -d' ' -f1 /proc/uptime) s: asking L1 to leave tsc"
	echo "# @@ptpu-request clocksource hpet" >&9
	w=0
	while [ "$(cat "$D/selected_source")" = kvm ] && [ $w -lt 600 ]; do
		sleep 0.5
		w=$((w + 1))
	done
	echo "after L1 left tsc: selected $(cat "$D/selected_source") after $((w / 2)) s"
	show_sources
	failed_over=$(cat "$D/selected_source")
	sleep 10
	echo "10 s later:"
	show_sources
	echo "uptime $(cut -d' ' -f1 /proc/uptime) s: asking L1 to go back to tsc"
	echo "# @@ptpu-request clocksource tsc" >&9
	w=0
	until set -- $(unified_minus_host 20) && [ -n "${1:-}" ]; do
		[ $w -lt 1200 ] || { why "ptp_kvm unreadable 120 s after L1 went back to tsc"; return 1; }
		sleep 0.1
		w=$((w + 1))
	done
	held=$1 held_u=$2 held_b=$(cat "$D/bound_ns") held_state=$(cat "$D/state")
	echo "first ptp_kvm read after the failover: unified - host $held ns (read uncertainty $held_u ns), bound $held_b ns, state $held_state, selected $(cat "$D/selected_source")"
	wait_for "$D/selected_source" kvm 120 || { show_sources; return 1; }
	sleep 2
	set -- $(unified_minus_host 200)
	b=$(cat "$D/bound_ns")
	echo "back on kvm: unified - host ${1:-?} ns (read uncertainty ${2:-?} ns), bound $b ns; steps $steps -> $(cat "$D/step_count")"
	[ "$held_state" = unsynchronised ] || within "$held" "$held_u" "$held_b" ||
		{ why "the clock left its bound of the host's time during the failover"; return 1; }
	[ "$failed_over" != kvm ] && [ "$(cat "$D/step_count")" = "$steps" ] &&
		within "${1:-}" "${2:-0}" "$b"
}

# ---- netlink family, sysfs knobs, module parameters ----

# A listener for the next disruption event, in the background: the pause
# checks start it, t_netlink_pause_event reports what it heard.
netlink_listen_start() {
	rm -f /tmp/event_listen.out
	"$B/event_listen" 150 "$(sysdev)" >/tmp/event_listen.out 2>&1 &
	echo $! >/tmp/event_listen.pid
	nl_w=0
	while ! grep -q listening /tmp/event_listen.out 2>/dev/null && [ $nl_w -lt 50 ]; do
		sleep 0.1
		nl_w=$((nl_w + 1))
	done
}

# The disruption of the last pause reached a netlink listener (and when).
t_netlink_pause_event() {
	[ -f /tmp/event_listen.pid ] || { why "no listener was started"; return 1; }
	# A guest whose counter ran on through the pause (tsc) lost nothing:
	# there was no disruption to hear of.
	if grep -q "nothing was lost" /tmp/pause_watch.out 2>/dev/null; then
		kill "$(cat /tmp/event_listen.pid)" 2>/dev/null
		wait "$(cat /tmp/event_listen.pid)" 2>/dev/null
		rm -f /tmp/event_listen.pid
		echo "the pause lost the guest no time: no disruption event expected, none awaited"
		return 0
	fi
	wait "$(cat /tmp/event_listen.pid)"
	nl_rc=$?
	rm -f /tmp/event_listen.pid
	cat /tmp/event_listen.out
	return $nl_rc
}

# Load-time defaults: valid values are taken, invalid ones fall back to the
# default with a warning.
t_netlink_module_params() {
	nl_knobs="max_drift_ppb slew_limit_ppb hysteresis_pct step_threshold_ns stale_limit_s"
	rmmod ptp_unified || return 1
	modprobe ptp_unified max_drift_ppb=70000 slew_limit_ppb=400000 hysteresis_pct=30 \
		step_threshold_ns=200000000 stale_limit_s=200 || return 1
	D=$(sysdev)
	nl_got=$(for nl_k in $nl_knobs; do cat "$D/$nl_k"; done | tr '\n' ' ')
	echo "valid parameters: $nl_got"
	[ "$nl_got" = "70000 400000 30 200000000 200 " ] || { why "want 70000 400000 30 200000000 200"; return 1; }
	rmmod ptp_unified || return 1
	nl_seq=$($B/kmsg_since next) || return 1
	modprobe ptp_unified max_drift_ppb=1000001 slew_limit_ppb=999 hysteresis_pct=91 \
		step_threshold_ns=999999 stale_limit_s=0 || return 1
	D=$(sysdev)
	nl_got=$(for nl_k in $nl_knobs; do cat "$D/$nl_k"; done | tr '\n' ' ')
	$B/kmsg_since "$nl_seq" >/tmp/nl_kmsg || { why "kernel log records lost while loading"; return 1; }
	nl_warned=$(grep -c 'using the default' /tmp/nl_kmsg)
	grep 'using the default' /tmp/nl_kmsg
	echo "invalid parameters: $nl_got, $nl_warned warnings"
	rmmod ptp_unified && modprobe ptp_unified || return 1
	[ "$nl_got" = "50000 500000 20 100000000 300 " ] && [ "$nl_warned" = 5 ]
}

# 100000 random and mutated messages and random sysfs writes; the fuzzer
# then checks the clock. A fresh module afterwards: the storm may have
# stepped the clock anywhere.
t_netlink_fuzz() {
	"$B/nl_fuzz" -n 100000 -t "${1:-60}" -d "$(sysdev)"
	nl_rc=$?
	rmmod ptp_unified && modprobe ptp_unified || return 1
	return $nl_rc
}

# rmmod and modprobe while a fuzzer keeps sending: no operation may meet a
# clock that is going away.
t_netlink_unload_race() {
	nl_cycles=${1:-10}
	"$B/nl_fuzz" -r -n 100000000 -t 300 >/tmp/nl_race.out 2>&1 &
	nl_fpid=$!
	nl_i=0
	while [ $nl_i -lt "$nl_cycles" ]; do
		sleep 0.3
		nl_try=0
		# A dump in progress holds a module reference for a moment.
		until rmmod ptp_unified 2>/dev/null; do
			nl_try=$((nl_try + 1))
			[ $nl_try -lt 100 ] || { why "cycle $nl_i: rmmod kept failing"; kill $nl_fpid; return 1; }
			sleep 0.05
		done
		nl_i=$((nl_i + 1))
		# The fuzzer stops before the last load: the clock the checks
		# after this one get has seen none of its messages.
		if [ $nl_i = "$nl_cycles" ]; then
			kill $nl_fpid
			wait $nl_fpid
		fi
		modprobe ptp_unified || { why "cycle $nl_i: modprobe failed"; kill $nl_fpid 2>/dev/null; return 1; }
	done
	cat /tmp/nl_race.out
	echo "$nl_cycles unload/reload cycles under the fuzzer"
	phc_dev >/dev/null
}

# The kernel log since the suite started, by record sequence number
# (kmsg_since): exact however the ring buffer wraps; records lost to it fail.
t_dmesg_clean() {
	if ! $B/kmsg_since "$kmsg_start" >/tmp/dmesg.new; then
		why "the kernel log since the tests started (record $kmsg_start on) is not whole"
		return 1
	fi
	if [ -n "$debug" ]; then
		# Each KASAN/lockdep/UBSAN/... report attributed (guest-debug.sh).
		debug_judge /tmp/dmesg.new || return 1
		echo "$(wc -l </tmp/dmesg.new) kernel log lines since the tests started (record $kmsg_start on), no report involving ptp_unified"
		return 0
	elif grep -E "$kernel_complaint_re" /tmp/dmesg.new; then
		why "the kernel log since the tests started (record $kmsg_start on) has the lines above"
		return 1
	fi
	echo "$(wc -l </tmp/dmesg.new) kernel log lines since the tests started (record $kmsg_start on), none bad"
}

# make demo: its own script, no verdicts (selftests/guest/demo.sh).
if [ "$suite" = demo ]; then
	exec sh /opt/ptpu/demo.sh
fi

# ptpu_test_raise=FAULT@CHECK (see check()), none by default.
ptpu_test_raise=${ptpu_test_raise:-@}
exec 9>&1
echo "TAP version 13"
echo "# suite $suite in a $kind guest, kernel $(uname -r), $(nproc) CPUs, clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
kmsg_start=$($B/kmsg_since next)
echo "# kernel log: the suite starts at record $kmsg_start"
[ -z "$debug" ] || debug_start

check load t_load
case $suite in
canary)
	# make check's canary: a WARNING mid-suite, which dmesg_clean and the
	# build machine's reading of the console must both catch.
	check test_warn t_test_raise warn
	;;
full)
	check_kselftest ptp_unified_test
	check phc_ctl t_phc_ctl
	check chronyd_refclock t_chronyd
	check load_unload_50 t_load_cycles 50
	;;
smoke|tsc)
	check_kselftest ptp_unified_test -t offsets_agree
	check phc_ctl t_phc_ctl
	check chronyd_refclock t_chronyd
	;;
esac
# A restore from a file gets a run (and an L1) of its own, suite
# saverestore: a restored L2 that never runs again (an emulated-SVM hazard
# seen under load, l1-nested.sh) then costs that short run, tried again,
# and none of the other checks.
if [ "$suite" = saverestore ]; then
	check kvm_selected t_kvm_selected
	check fault_saverestore_steer t_fault_vmstop saverestore 20
elif [ "$suite" = readcost ]; then
	check kvm_selected t_kvm_selected
	check read_cost t_read_cost
# Lying NTP servers beside kvm, and a leap second (trust-tests.sh): nested
# only, suites of their own (L1 serves them NTP, and suite leap sets L1's
# clock to the end of a year); suite trust runs both in one boot.
elif [ "$suite" = untrusted ] || [ "$suite" = trust ]; then
	check kvm_selected t_kvm_selected
	# The leap first: L1's midnight comes about 2 minutes after its boot.
	[ "$suite" = trust ] && check leap_second t_leap_second
	check liar_beside_kvm t_liar_beside_kvm
	check liar_plus_honest t_liar_plus_honest
elif [ "$suite" = leap ]; then
	check kvm_selected t_kvm_selected
	check leap_second t_leap_second
elif [ "$kind" = nested ]; then
	check ptp_kvm_side_by_side t_kvm_pair
	check kvm_selected t_kvm_selected
	check kvm_agrees_within_bound t_kvm_agrees
	check pause_5s t_pause
	check netlink_pause_event t_netlink_pause_event
	if [ "$suite" = full ]; then
		check rtc_calibrated t_rtc_calibrated
		check holdover_rtc t_holdover 120
		check pause_seen_by_rtc_alone t_pause_rtc_only
		check netlink_pause_event_rtc t_netlink_pause_event
		check kvm_failover t_kvm_failover
	fi
fi
# netlink family and sysfs knobs: the module's own interfaces, the same
# code whatever the hypervisor, so in the TCG full run only. The nested
# full run keeps what only a hypervisor has (the kvm source, pauses,
# restores): the shorter a nested run, the fewer the emulator loses.
if [ "$suite" = full ] && [ "$kind" = tcg ]; then
	check_kselftest ptpu_nl_test
	check netlink_module_params t_netlink_module_params
	check netlink_fuzz t_netlink_fuzz 60
	check netlink_unload_race t_netlink_unload_race 10
fi
# ---- stress and privileges (stress-tests.sh): suites "stress" and "unpriv" run only
# those checks, suite "fuzz" only the long fuzzing (make fuzz) ----
case $suite-$kind in
full-tcg|unpriv-*)
	check unpriv_nobody t_unpriv nobody
	check unpriv_root_without_cap_sys_time t_unpriv nocap
	;;
esac
case $suite in
full)
	# CLOCK_REALTIME is the truth stress feeds the clock: not in a nested
	# guest, whose kvm source serves the host's time.
	[ "$kind" = tcg ] && check stress t_stress 60 100
	;;
stress)
	check stress t_stress "${ptpu_stress_seconds:-180}" "${ptpu_stress_reloads:-100}"
	;;
fuzz)
	check netlink_fuzz_long t_fuzz_long "${ptpu_fuzz_minutes:-10}"
	check_kselftest ptp_unified_test -t offsets_agree
	;;
esac
# ---- end of stress and privileges ----
# ---- phc-steer (steer-tests.sh); suite "steer" runs only these after the
# common checks ----
case $suite in
full|steer)
	# The servo's sign is the same code either way: in full, TCG steers
	# one direction and nested the other, with the tight limit PRECISE
	# reads allow; suite steer runs both.
	[ "$suite-$kind" = full-tcg ] || check steer_converges_plus t_steer_converges +
	[ "$suite-$kind" = full-nested ] || check steer_converges_minus t_steer_converges -
	if [ "$kind" = nested ]; then
		check steer_pause t_steer_pause
		check status_json t_status_json
	else
		check steer_ntp t_steer_ntp
	fi
	;;
esac
# ---- end of phc-steer ----
# ---- the ClockBound segment (clockbound-tests.sh), nested on kvm-clock;
# suite "clockbound" runs only these after the common checks ----
case $suite in
full|smoke|clockbound)
	if [ "$kind" = nested ]; then
		check clockbound_pause t_clockbound_pause
		check clockbound_stopped t_clockbound_stopped
		check clockbound_unloaded t_clockbound_unloaded
		check clockbound_no_dir t_clockbound_no_dir
	fi
	;;
esac
# ---- end of the ClockBound segment ----
# ---- faults (fault-tests.sh); suite "faults" runs only these after the
# common checks ----
case $suite in
full|faults)
	if [ "$kind" = nested ]; then
		if [ "$suite" = faults ]; then
			check rtc_calibrated t_rtc_calibrated
			check kvm_failover t_kvm_failover
		fi
		check fault_pause_30s_steer t_fault_vmstop pause 30
		# In full, the restore is its own run (suite saverestore).
		[ "$suite" = faults ] && check fault_saverestore_steer t_fault_vmstop saverestore 20
	else
		check fault_rtc t_fault_rtc
		check fault_ntp t_fault_ntp
	fi
	;;
esac
# ---- end of faults ----
if [ -n "$debug" ]; then
	check kmemleak t_kmemleak
	check lockdep_on t_lockdep_on
fi
check dmesg_clean t_dmesg_clean
echo "1..$n"
echo "# suite done: $failed of $n failed"
