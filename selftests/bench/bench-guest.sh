#!/bin/sh
# ptpu_* come from the kernel command line; `set -- $(...)` splits on purpose.
# shellcheck disable=SC2154,SC2046
# SPDX-License-Identifier: GPL-2.0-only
#
# make bench, inside one fresh nested-KVM test guest (L2): one contender.
# Started by run-suite.sh for ptpu_suite=bench-CONTENDER; its standard
# output is the TAP port that l1-bench.sh (in L1) watches for requests:
#   "# @@bench-request pause SECONDS"   QMP stop, wait, cont
# Everything measured goes to the results folder L1 exports to this guest
# over 9p (tag "results"), one folder per guest:
#   offset.log   truth_log: RAW KVM OFF [UOFF] (ns), 20 per second
#   events.txt   "LABEL RAW KVM OFF" stamps (truth_log --stamp), plus
#                "cpu LABEL UTIME_TICKS STIME_TICKS RUNTIME_NS CLK_TCK"
#   read_cost.txt, ntp_check.txt, the contender's own log, sources.txt
# all written there as they happen: a guest that hangs keeps its logs.
#
# Contenders (CONTENDER):
#   phc_steer    phc-steer on ptp_unified (defaults, no NTP); then holdover
#   phc2sys      phc2sys -s ptp_kvm -c CLOCK_REALTIME -O 0 (defaults)
#   chronyd      chronyd, refclock PHC ptp_kvm, makestep 0.1 3
#   chronyd_ntp  chronyd, NTP from the chronyd in L1 only, makestep 1 3
# Phases (seconds, from ptpu_bench_* on the kernel command line):
#   converge+steady: CLOCK_REALTIME put onto the truth, stepped +0.5 s, the
#     contender started; ptpu_bench_converge later the steady window of
#     ptpu_bench_steady begins (chronyd_ntp instead waits ptpu_bench_settle)
#   holdover (phc_steer only): contender stopped, rtc calibrated, kvm
#     source disabled, ptpu_bench_holdover s of the unified clock against
#     the truth; then the sources and phc-steer back, ptpu_bench_converge s
#   pause: ptpu_bench_pause s stop/cont, then until 5 s of |offset| < 1 ms
#     or ptpu_bench_cap s after the resume
set -u
C=$1
B=/opt/ptpu
CONV=${ptpu_bench_converge:-20}
STEADY=${ptpu_bench_steady:-90}
SETTLE=${ptpu_bench_settle:-20}
PAUSE=${ptpu_bench_pause:-5}
CAP=${ptpu_bench_cap:-120}
HOLD=${ptpu_bench_holdover:-300}
NTP_PORT=${ptpu_bench_ntp_port:-11123}
SRV=10.0.2.2:$NTP_PORT
R=/results
W=$R

say() { echo "# bench: $*"; }

mkdir -p $R
modprobe 9pnet_virtio && modprobe 9p &&
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 results $R ||
	{ say "cannot mount the results folder"; exit 1; }
exec 2>>$R/guest-stderr.txt
mkdir -p $W

phc_by_name() {
	for d in /sys/class/ptp/ptp*; do
		[ "$(cat "$d/clock_name" 2>/dev/null)" = "$1" ] && { echo "/dev/${d##*/}"; return 0; }
	done
	return 1
}

modprobe ptp_kvm && modprobe ptp_unified || { say "modules do not load"; exit 1; }
K=$(phc_by_name "KVM virtual PTP") || { say "no ptp_kvm"; exit 1; }
U=$(phc_by_name ptp_unified) || { say "no ptp_unified"; exit 1; }
D=/sys/class/ptp/${U#/dev/}/device
say "contender $C, ptp_kvm $K, ptp_unified $U, clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"

# Network to L1's chronyd (slirp: L1's loopback is 10.0.2.2).
modprobe virtio_net
i=0
while ! ip link show eth0 >/dev/null 2>&1 && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
ip link set lo up
ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 && ip route add default via 10.0.2.2

stamp() { $B/truth_log -k "$K" --stamp "$1" >>$W/events.txt; }
off_now() { $B/truth_log -k "$K" --stamp x | cut -d' ' -f4; }
abs_lt() { awk "BEGIN { v = $1; if (v < 0) v = -v; exit !(v < $2) }"; }

cpu_stamp() {
	# utime and stime (fields 14, 15 of /proc/PID/stat; comm has no blanks
	# here) and the scheduler's runtime in ns.
	[ -n "${cpid:-}" ] && [ -r /proc/$cpid/stat ] || return 0
	cl=$1
	set -- $(cat /proc/$cpid/stat)
	echo "cpu $cl ${14} ${15} $(cut -d' ' -f1 /proc/$cpid/schedstat) $(getconf CLK_TCK 2>/dev/null || echo 100)" >>$W/events.txt
}

# Start from a clock on the truth, nominal frequency, unsynchronised (no
# RTC writes by the kernel).
reset_clock() {
	$B/clock_nudge --unsync --freq 0 --tick-ppm 0 >/dev/null
	o=$(off_now)
	$B/clock_nudge --step "$((-o))" >/dev/null
}

# The read costs first, with nothing else running.
if [ "$(cat $D/selected_source)" != kvm ]; then
	i=0
	while [ "$(cat $D/selected_source)" != kvm ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
fi
# read-cost.sh: the ClockBound segment written by phc-steer for 3 s (the
# steering it does meanwhile reset_clock below undoes), then read_cost.
. $B/read-cost.sh
read_cost_measure "$K" "$U" "${ptpu_bench_reads:-3000}" $W/read_cost.txt $W/clockbound.log
say "read cost: $(tr '\n' ';' <$W/read_cost.txt)"

ntp_check() {
	# NTP probe to L1's chronyd against ptp_kvm: both are L1's clock.
	for _ in 1 2 3 4 5; do
		p=$(phc-steer ntp-probe -t 2 "$SRV" | sed -n 's/.* offset *\(-*[0-9]*\) delay *\([0-9]*\) .*/\1 \2/p')
		echo "$1 $p $(off_now)" >>$W/ntp_check.txt
		sleep 0.2
	done
}

# Holdover (phc_steer only, between the steady window and the pause, while
# the rtc still has the calibration it got after the load; after a pause
# it takes minutes to come back under 10 ms): phc-steer stopped, every
# source but the rtc disabled for HOLD s, then all enabled again and
# phc-steer restarted, CONV s before the pause.
holdover() {
	kill "$cpid" 2>/dev/null
	wait "$cpid" 2>/dev/null
	# Nothing steers; the kernel may not write the RTC. "Calibrated"
	# is more than the flag: an rtc just recalibrated against kvm may
	# have no usable estimate yet (bound S64_MAX), and taking kvm away
	# then leaves it to find its phase alone. Wait (up to
	# ptpu_bench_rtc_wait s) for its bound to be below 10 ms;
	# sources.txt records what it was.
	$B/clock_nudge --unsync >/dev/null
	i=0
	while [ $i -lt $((${ptpu_bench_rtc_wait:-180} * 2)) ]; do
		[ "$(cat $D/sources/rtc/calibrated)" = 1 ] &&
			[ "$(cat $D/sources/rtc/bound_ns)" -lt 10000000 ] 2>/dev/null && break
		sleep 0.5
		i=$((i + 1))
	done
	echo "waited $((i / 2)) s for the rtc (calibrated, bound < 10 ms)" >>$W/sources.txt
	for s in $D/sources/*; do
		echo "before holdover: ${s##*/} enabled $(cat $s/enabled) calibrated $(cat $s/calibrated 2>/dev/null) bound $(cat $s/bound_ns 2>/dev/null)" >>$W/sources.txt
	done
	stamp holdover_start
	for s in $D/sources/*; do
		case ${s##*/} in rtc) ;; *) echo 0 >$s/enabled ;; esac
	done
	sleep "$HOLD"
	stamp holdover_end
	for s in $D/sources/*; do
		echo "after holdover: ${s##*/} enabled $(cat $s/enabled) selected $(cat $s/selected) bound $(cat $s/bound_ns 2>/dev/null)" >>$W/sources.txt
	done
	echo "state $(cat $D/state) selected $(cat $D/selected_source) bound $(cat $D/bound_ns)" >>$W/sources.txt
	for s in $D/sources/*; do
		echo 1 >$s/enabled
	done
	phc-steer --ntp-discover no >>$W/phc-steer.log 2>&1 &
	cpid=$!
	sleep "$CONV"
}

reset_clock
$B/truth_log -k "$K" -u "$U" -r 20 -o $W/offset.log &
lpid=$!
sleep 2
ntp_check start

cpid=
case $C in
phc_steer|phc2sys|chronyd)
	$B/clock_nudge --step 500000000 >/dev/null
	stamp start
	case $C in
	phc_steer)
		phc-steer --ntp-discover no >$W/phc-steer.log 2>&1 &
		;;
	phc2sys)
		phc2sys -s "$K" -c CLOCK_REALTIME -O 0 -m >$W/phc2sys.log 2>&1 &
		;;
	chronyd)
		printf 'refclock PHC %s poll 0 dpoll -2\nmakestep 0.1 3\ncmdport 0\nbindcmdaddress /\npidfile /run/chronyd.pid\ndriftfile /run/chrony.drift\n' "$K" >$W/chrony.conf
		chronyd -d -u root -f $W/chrony.conf >$W/chronyd.log 2>&1 &
		;;
	esac
	cpid=$!
	sleep "$CONV"
	stamp steady_start
	cpu_stamp steady_start
	sleep "$STEADY"
	stamp steady_end
	cpu_stamp steady_end
	;;
chronyd_ntp)
	printf 'server 10.0.2.2 port %s iburst minpoll 0 maxpoll 0\nmakestep 1 3\ncmdport 0\nbindcmdaddress /\npidfile /run/chronyd.pid\ndriftfile /run/chrony.drift\n' "$NTP_PORT" >$W/chrony.conf
	stamp start
	chronyd -d -u root -f $W/chrony.conf >$W/chronyd.log 2>&1 &
	cpid=$!
	sleep "$SETTLE"
	stamp settled
	;;
*)
	say "unknown contender $C"
	exit 1
	;;
esac
ntp_check steady

[ "$C" != phc_steer ] || holdover

# The pause: L1 stops this guest for PAUSE s. Wait for the jump, then until
# |offset| < 1 ms for 5 s in a row, or CAP s.
stamp pause_request
echo "# @@bench-request pause $PAUSE"
# The resume shows as host time (ptp_kvm) jumping against the raw counter,
# which stops with the guest on kvm-clock.
kvm_raw() { $B/truth_log -k "$K" --stamp x | awk '{ printf "%.0f", ($3 - $2) / 1e6 }'; }
d0=$(kvm_raw)
i=0
while [ $(($(kvm_raw) - d0)) -lt $((PAUSE * 500)) ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
stamp resumed_seen
# Host time (ns) at the resume as seen here; then poll until |offset| has
# stayed below 1 ms for 5 s of host time, or CAP s have passed.
set -- $(tail -n 1 $W/events.txt)
k0=$3 good_since='' verdict=no
while :; do
	set -- $($B/truth_log -k "$K" --stamp x)
	[ $(($3 - k0)) -lt $((CAP * 1000000000)) ] || break
	if abs_lt "$4" 1000000; then
		[ -n "$good_since" ] || good_since=$3
		[ $(($3 - good_since)) -lt 5000000000 ] || { verdict=yes; break; }
	else
		good_since=
	fi
	sleep 0.2
done
sleep 1
stamp pause_end
say "pause phase over after $((($3 - k0) / 1000000000)) s (recovered: $verdict)"

kill "$cpid" 2>/dev/null
wait "$cpid" 2>/dev/null
cpid=

kill $lpid
wait $lpid 2>/dev/null
sync
say "done"
