#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The guest side of `make demo` (scripts/demo.sh), run by run-suite.sh for
# the suite "demo" in a nested-KVM guest (L2, kvm-clock). No verdicts: it
# narrates for someone new to clocks and leaves the measurements to the host.
#
#   1. ptp_kvm (the host's clock: the truth) and offset_log, which samples
#      the system clock's and the unified clock's offsets to it all along
#   2. the system clock set wrong on purpose: +3 s and 100 ppm fast
#   3. ptp_unified loaded; `phc-steer status`
#   4. phc-steer started: the offset, a line a second, until it is under
#      10 us for 5 s (at most 60 s); `phc-steer status` again
#   5. the host (L1) pauses this VM for 5 s; the recovery
#   6. everything stopped, then the data for the host: offset_log's lines
#      (thinned, gzip, base64) as "@@gz ...", phc-steer's steps as
#      "@@steer ...", then "@@demo done"
#
# Everything goes to stdout, the TAP serial port that the host follows; L1
# serves the "# @@ptpu-request pause 5" line (l1-nested.sh).
# `set -- $(...)` splits on purpose.
# shellcheck disable=SC2046
B=/opt/ptpu
OFF=/tmp/offsets
MARK=/tmp/demo.mark
STEER_LOG=/tmp/steer.log
log_pid='' steer_pid=''

cleanup() {
	[ -z "$steer_pid" ] || { kill "$steer_pid" 2>/dev/null; wait "$steer_pid" 2>/dev/null; }
	[ -z "$log_pid" ] || { kill "$log_pid" 2>/dev/null; wait "$log_pid" 2>/dev/null; }
	steer_pid='' log_pid=''
	"$B/clock_nudge" --unsync --freq 0 --tick-ppm 0 >/dev/null 2>&1
}
trap cleanup EXIT

fail() {
	echo "DEMO FAILED in the guest: $*"
	echo "@@demo failed"
	exit 1
}

phc_dev() {
	for d in /sys/class/ptp/ptp*; do
		if [ "$(cat "$d/clock_name" 2>/dev/null)" = ptp_unified ]; then
			echo "/dev/${d##*/}"
			return 0
		fi
	done
	return 1
}

# mark LABEL: a mark in offset_log's data at this moment (it takes the file).
mark() {
	echo "$1" >"$MARK.new" && mv "$MARK.new" "$MARK"
	w=0
	while [ -e "$MARK" ] && [ $w -lt 50 ]; do
		sleep 0.1
		w=$((w + 1))
	done
}

# The latest sample: "T SYS" (host seconds since the start, ns).
latest() {
	tail -n 5 "$OFF" | awk '$1 == "s" { l = $2 " " $3 } END { print l }'
}

# awk functions: human(NS), an offset in the unit that suits it; row(T, NS),
# a row of the table under scale_header, with a bar as long as the offset's
# log: 3 marks a decade from 1 ns (from the digits: busybox awk has no log()).
AWK_FMT='
function human(x,   a, s) {
	a = x < 0 ? -x : x; s = x < 0 ? "-" : "+"
	if (a >= 1e9) return sprintf("%s%.6f s", s, a / 1e9)
	if (a >= 1e6) return sprintf("%s%.3f ms", s, a / 1e6)
	if (a >= 1e3) return sprintf("%s%.1f us", s, a / 1e3)
	return sprintf("%s%d ns", s, a)
}
function row(t, x,   a, lead, n, bar) {
	a = sprintf("%.0f", x < 0 ? -x : x)
	lead = substr(a, 1, 2) + 0
	if (length(a) < 2) lead *= 10
	n = 3 * (length(a) - 1) + (lead >= 46 ? 2 : lead >= 22 ? 1 : 0)
	if (a + 0 < 1) n = 0
	bar = ""
	while (n-- > 0) bar = bar "#"
	printf "  %6.1f s   %-30s |%s\n", t, human(x), bar
}'

human() {
	awk -v x="$1" "$AWK_FMT"' BEGIN { printf "%s", human(x) }'
}

scale_header() {
	printf '  %8s   %-30s |1ns     |1us     |1ms     |1s\n' time "system clock minus true time"
}

# line T SYS: one row.
line() {
	awk -v t="$1" -v x="$2" "$AWK_FMT"' BEGIN { row(t, x) }'
}

# watch_offsets SECONDS [UNDER_NS]: the latest sample as a row, about a
# second apart; with UNDER_NS, stop once the offset has been under it for 5
# rows in a row. One awk a row: processes are slow to start in this guest.
watch_offsets() {
	n=0 good=0
	while [ $n -lt "$1" ]; do
		sleep 1
		n=$((n + 1))
		tail -n 5 "$OFF" | awk -v under="${2:-0}" "$AWK_FMT"'
			$1 == "s" { t = $2; x = $3 }
			END {
				if (t == "") exit 2
				row(t, x)
				exit !(under > 0 && (x < 0 ? -x : x) < under + 0)
			}'
		case $? in
		0) good=$((good + 1)); [ $good -lt 5 ] || break ;;
		*) good=0 ;;
		esac
	done
}

# thin FILE: offset_log's lines with fewer samples, nothing the summary
# needs lost: every mark and jump with the samples either side, every
# sample where an offset crosses 1 ms or 10 us or the disruption count
# moves (and the one before it), and else a sample every 0.5 s.
thin() {
	awk 'function cls(x) { x = x < 0 ? -x : x; return x >= 1e6 ? 2 : x >= 1e4 ? 1 : 0 }
	$1 != "s" { if (pend != "") print pend; pend = ""; print; ev = 1; next }
	{
		c = cls($3) "/" ($4 == "-" ? "-" : cls($4)) "/" $5
		if (c != pc && pend != "") print pend
		if (ev || last == "" || $2 - last >= 0.5 || c != pc) {
			print; last = $2; pend = ""
		} else {
			pend = $0
		}
		pc = c; ev = 0
	}
	END { if (pend != "") print pend }' "$1"
}

step_lines() {
	grep -E ' step -?[0-9]+ ns | module event disruption' "$STEER_LOG" | sed 's/^phc-steer\[[0-9.]*\]: /    phc-steer: /'
}

echo "The guest is up: Linux $(uname -r), its clock source is $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)."
modprobe ptp_kvm || fail "modprobe ptp_kvm"
rm -f "$OFF" "$MARK"
"$B/offset_log" -i 250 -f 10 -m "$MARK" -t 600 "$OFF" &
log_pid=$!
w=0
while ! grep -q '^s ' "$OFF" 2>/dev/null; do
	kill -0 "$log_pid" 2>/dev/null || fail "offset_log could not read the host's clock"
	[ $w -lt 100 ] || fail "offset_log wrote nothing in 10 s"
	sleep 0.1
	w=$((w + 1))
done
cat <<'TXT'
The true time here is the host's clock, which the guest can read exactly
through KVM (the ptp_kvm driver). A sampler now compares the guest's own
clock (the "system clock", what `date` and every program use) with it,
four times a second, for the plot at the end.

== 1. The guest's clock goes wrong ==
We set the guest's clock 3 seconds ahead, and make it run 100 parts per
million fast (8.6 s a day; real VMs drift too, less, and jump when paused):
TXT
# 3 s ahead of the truth: the clock was already off by what the RTC's
# whole seconds left at boot.
set -- $(latest)
mark wrong
"$B/clock_nudge" --unsync --tick-ppm 100 --step "$(awk "BEGIN { printf \"%.0f\", 3e9 - ($2) }")" \
	>/tmp/nudge.out 2>&1 || { cat /tmp/nudge.out; fail "clock_nudge could not set the clock wrong"; }
echo
scale_header
watch_offsets 5
cat <<'TXT'
The error is 3 s, and growing by 0.1 ms every second.

== 2. Load ptp_unified ==
The module gathers every time source the guest has (here the host's clock
through KVM, and the emulated hardware clock, the RTC) into one clock,
/dev/ptp_unified, with an honest error bound. `phc-steer status` shows it
picking the KVM source, and the system clock still 3 s off:
TXT
mark module
modprobe ptp_unified || fail "modprobe ptp_unified"
dev=$(phc_dev) || fail "no ptp_unified clock after modprobe"
D=/sys/class/ptp/${dev#/dev/}/device
w=0
while [ "$(cat "$D/selected_source" 2>/dev/null)" != kvm ]; do
	[ $w -lt 300 ] || fail "ptp_unified did not select its kvm source in 30 s"
	sleep 0.1
	w=$((w + 1))
done
sleep 2
echo
echo "  \$ phc-steer status"
phc-steer status | sed 's/^/  /' || fail "phc-steer status"

cat <<'TXT'

== 3. Start phc-steer ==
phc-steer keeps the system clock on /dev/ptp_unified: it steps it once when
it is far off, then adjusts its rate until the two agree. About a line a
second, until it has been within 10 microseconds (us) for 5 lines:
TXT
echo
scale_header
line $(latest)
mark steer
phc-steer -p 0.5 --ntp-discover no >"$STEER_LOG" 2>&1 &
steer_pid=$!
watch_offsets 60 10000
kill -0 "$steer_pid" 2>/dev/null || { cat "$STEER_LOG"; fail "phc-steer exited"; }
echo
echo "What phc-steer did:"
step_lines
echo "  and then slewed the rest: its \"Frequency\" below, about -100 ppm, takes out"
echo "  the 100 ppm we added."
echo
echo "  \$ phc-steer status"
phc-steer status | sed 's/^/  /'

cat <<'TXT'

== 4. The host pauses the guest for 5 seconds ==
As for a snapshot or a live migration (the emulated host takes a few seconds
more to resume us). Every clock inside the VM stops with it, so when it
resumes, it is seconds behind the true time. ptp_unified notices the jump of
the host's clock and tells phc-steer, which then steps the system clock.
Waiting for the host to pause us...
TXT
mark pause
d0=$(cat "$D/disruption_count")
echo "# @@ptpu-request pause 5"
w=0
while ! grep -q '^j ' "$OFF"; do
	[ $w -lt 900 ] || fail "the host did not pause the guest within 90 s"
	kill -0 "$log_pid" 2>/dev/null || fail "offset_log stopped"
	sleep 0.1
	w=$((w + 1))
done
set -- $(grep -A 1 '^j ' "$OFF" | head -n 2 | tr '\n' ' ')
echo "Resumed: the host's clock jumped $(human "$3") ahead of the guest's."
echo "Right after the resume:"
scale_header
[ "${4:-}" = s ] && line "$5" "$6"
watch_offsets 8
echo
echo "What ptp_unified and phc-steer did (disruptions $d0 -> $(cat "$D/disruption_count")):"
step_lines | tail -n 2
echo
echo "  \$ phc-steer status"
phc-steer status | sed 's/^/  /'

kill "$steer_pid" 2>/dev/null
wait "$steer_pid" 2>/dev/null
steer_pid=''
kill "$log_pid"
wait "$log_pid"
log_pid=''
echo
echo "The guest is done; it hands its measurements to the host."
# The serial port is slow from L2 (a few hundred bytes a second when the
# machine is busy): the samples go thinned and compressed, as base64 lines.
thin "$OFF" | gzip -9 | base64 | sed 's/^/@@gz /'
sed -n 's/^phc-steer\[[0-9.]*\]: .* step \(-*[0-9]*\) ns (\(.*\))$/@@steer \1 \2/p' "$STEER_LOG"
echo "@@demo done"
