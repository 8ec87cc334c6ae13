#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs in the nested-KVM host (L1), chrooted into the build machine's root
# (read-only 9p), with the environment guest-init exported from the kernel
# command line. Starts the test guest (L2) under KVM; its TAP lands in the
# results folder the build machine reads.
#
# The test guest asks L1 for things only a host can do by writing TAP
# comment lines "# @@ptpu-request VERB ARGS" to its TAP stream:
#   pause SECONDS          QMP stop, wait, cont (a VM pause)
#   clocksource NAME       switch L1's clocksource (hpet makes KVM refuse
#                          clock pairing, tsc restores it)
#   saverestore SECONDS    stop L2, save it to a file (QMP migrate), quit its
#                          QEMU, wait, restore it in a new QEMU (-incoming)
#                          and continue it: l1-saverestore.sh
# L1 logs each request it served, with its own CLOCK_REALTIME, to l1.log.
#
# Suite untrusted (selftests/guest/trust-tests.sh) also gets NTP servers on
# L1's loopback, which L2 reaches as 10.0.2.2 through a slirp NIC: chronyd
# serving L1's clock (the truth) and ntp_liar.py serving it 1 s ahead.
# Suite leap gets a leap second: before L2 starts, L1 sets its clock to
# 120 s (ptpu_leap_lead) before the end of December 31 (UTC) of this
# year, enough for L2 to boot and reach the check with the 20 s it needs
# left (75 s went by in the first runs, under load), and arms a
# leap second insertion (its kernel repeats 23:59:59, stepping
# CLOCK_REALTIME, kvm's reference, back 1 s at 00:00:00), and serves its
# clock over NTP with leap indicator 1 (ntp_liar.py --offset 0 --leap 1);
# L2 learns the midnight as ptpu_leap_at and the port as ptpu_leapann_port.
# Suite trust (make check's 6.1 run) gets both, in one boot.
set -u
R=$ptpu_results
K=$ptpu_kernel
here=$(cd "$(dirname "$0")" && pwd)
qmp=/run/qmp.sock
# shellcheck source=selftests/vm/kernel-args.sh
. "$here/kernel-args.sh"
append="$guest_kernel_args ptpu_role=test ptpu_suite=$ptpu_suite ptpu_kind=nested"
if [ "${ptpu_l2cs:-kvm-clock}" = tsc ]; then
	append="$append clocksource=tsc tsc=reliable"
fi
# run-guest.sh --test-append, with its spaces as commas.
[ -z "${ptpu_l2_append:-}" ] || append="$append ${ptpu_l2_append//,/ }"

echo "L1: kernel $(uname -r), clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
if [ ! -c /dev/kvm ]; then
	echo "L1: no /dev/kvm (kvm_amd did not load)"
	exit 1
fi

# NTP on L1's loopback for the suites that need it; their ports go to L2's
# command line (ptpu_ntp_port, ptpu_liar_port).
l2_net=()
ntp_pids=
# Suite trust is both: the leap first (set up before the servers, so that
# chronyd starts on the clock it will serve), then the liars.
case $ptpu_suite in
leap|trust)
	ann_port=11125
	leap_at=$(date -u -d "$(($(date -u +%Y) + 1))-01-01 00:00:00" +%s)
	date -u -s "@$((leap_at - ${ptpu_leap_lead:-120}))" >/dev/null
	"$here/../../build/selftests/bin/clock_nudge" --leap ins --show
	echo "L1: $(date +%s.%N) clock set to $(date -u '+%F %T') UTC, leap second armed for $leap_at"
	ip link set lo up
	python3 "$here/ntp_liar.py" --port $ann_port --offset 0 --leap 1 --parent $$ >"$R/l1-ntp.log" 2>&1 &
	ntp_pids=$!
	append="$append ptpu_leap_at=$leap_at ptpu_leapann_port=$ann_port"
	l2_net=(-netdev "user,id=n0" -device "virtio-net-pci,netdev=n0")
	;;
esac
case $ptpu_suite in
untrusted|trust)
	ntp_port=11123 liar_port=11124
	ip link set lo up
	"$here/chronyd-serve.sh" /run/l1-ntp $ntp_port >>"$R/l1-ntp.log" 2>&1 &
	ntp_pids="$ntp_pids $!"
	python3 "$here/ntp_liar.py" --port $liar_port --offset 1.0 --parent $$ >>"$R/l1-ntp.log" 2>&1 &
	ntp_pids="$ntp_pids $!"
	for _ in $(seq 100); do
		[ "$(ss -Hlun "( sport = :$ntp_port or sport = :$liar_port )" | wc -l)" = 2 ] && break
		sleep 0.1
	done
	echo "L1: NTP on 127.0.0.1:$ntp_port (chronyd, L1's clock) and :$liar_port (ntp_liar.py, +1 s): $(ss -Hlun "( sport = :$ntp_port or sport = :$liar_port )" | wc -l) of 2 listening"
	append="$append ptpu_ntp_port=$ntp_port ptpu_liar_port=$liar_port"
	l2_net=(-netdev "user,id=n0" -device "virtio-net-pci,netdev=n0")
	;;
esac

# l2_qmp COMMAND...: QMP commands to L2's QEMU (selftests/vm/qmp.py).
l2_qmp() { python3 "$here/qmp.py" "$qmp" "$@"; }
# l2_view_*: what L1 sees of an L2 that stops talking, for the retry rule.
# shellcheck source=selftests/vm/l2-view.sh
. "$here/l2-view.sh"
view=$R/l1-view.txt
l2_view_start "$view" "${ptpu_l2_vmlinuz:-/boot/vmlinuz-$K}"

serve() {
	local verb=$1 arg=${2:-}
	case $verb in
	pause)
		l2_qmp stop >/dev/null
		echo "L1: $(date +%s.%N) paused L2 for $arg s"
		sleep "$arg"
		l2_qmp cont >/dev/null
		echo "L1: $(date +%s.%N) resumed L2"
		;;
	clocksource)
		echo "$arg" >/sys/devices/system/clocksource/clocksource0/current_clocksource
		echo "L1: $(date +%s.%N) clocksource now $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
		;;
	saverestore)
		# Sets l2 to the new QEMU's pid: the loop below follows it.
		. "$here/l1-saverestore.sh"
		;;
	*)
		echo "L1: unknown request '$verb'"
		;;
	esac
}

# The serial files are appended to, so that a restored L2 (saverestore)
# writes on after what the first QEMU wrote.
l2_args=(-enable-kvm -cpu host -m "${ptpu_l2_mem:-512}" -smp 2
	-display none -monitor none -no-reboot
	-kernel "${ptpu_l2_vmlinuz:-/boot/vmlinuz-$K}" -initrd "$ptpu_initrd" -append "$append"
	-qmp "unix:$qmp,server=on,wait=off"
	-chardev "file,id=con,path=$R/l2-console.log,append=on" -serial chardev:con
	-chardev "file,id=tap,path=$R/tap.txt,append=on" -serial chardev:tap
	"${l2_net[@]}")
qemu-system-x86_64 "${l2_args[@]}" &
l2=$!

# After a restore (saverestore), L2 must say something within
# $silence_limit s: the check that asked for it prints when its watchers
# are done, and they give up 300 s after the request. A restored L2 that
# says nothing (seen under emulated SVM on a loaded machine: the restore
# completed, then not a line more) is described and stopped here, rather
# than left to the run's timeout; the retry rule judges what L1 saw of it
# (l2_view_silent).
silence_limit=${ptpu_l2_silence_limit:-300}
restored_at=''
# The size of L2's TAP port: it changes when the suite says anything (its
# console also carries guest-init's heartbeat).
l2_output_size() { stat -c %s "$R/tap.txt" 2>/dev/null; }
# Any other time, L2's heartbeat (guest-init, every 10 s) or its TAP must
# move within $quiet_limit s, not counting the time L1 itself held L2
# stopped for a request. An L2 whose vCPUs the emulator froze says nothing
# more and never exits: without this, only the run's timeout ends it, a
# quarter of an hour later and judged a hang (seen in CI: a full run
# killed at 1500 s after check 38). So does an L2 whose timers stopped
# firing on one CPU (seen here: an RCU stall, "timer wakeup didn't happen
# ... Possible timer handling issue on cpu=0", then the stall reports went
# on while the heartbeat and the suite slept for ever): the heartbeat is
# counted, not the console's size. Stopped here, the retry rule judges
# what L1 saw of it, as after a restore. 180 s: after L2's own soft-lockup,
# RCU-stall and hung-task reports (120 s each, docs/testing.md), so that a
# CPU stuck for real is reported by L2's kernel first. Looked at every 5 s
# (L1 is emulated: its own time is dear).
quiet_limit=${ptpu_l2_quiet_limit:-180}
l2_liveness() {
	echo "$(stat -c %s "$R/tap.txt" 2>/dev/null) $(grep -c '^ptpu-guest: heartbeat ' "$R/l2-console.log" 2>/dev/null)"
}
quiet_seen=$(l2_liveness)
quiet_since=$(date +%s)
quiet_looked=$quiet_since
l2_silent() {
	echo "L1: $(date +%s.%N) L2 silent for $1; what L1 sees of it is in l1-view.txt"
	l2_view_silent "$view" "$qmp" "$R/l2-console.log"
	sed 's/^/L1: /' "$view"
	dmesg | tail -n 20 | sed 's/^/L1 dmesg: /'
	echo "L1: stopping L2"
	l2_qmp quit >/dev/null 2>&1
	sleep 2
	kill "$l2" 2>/dev/null
}

served=0
while kill -0 $l2 2>/dev/null; do
	if [ -n "$restored_at" ]; then
		if [ "$(l2_output_size)" != "$restored_size" ]; then
			restored_at=''
		elif [ $(($(date +%s) - restored_at)) -ge "$silence_limit" ]; then
			l2_silent "${silence_limit} s after its restore"
			restored_at=''
		fi
	elif [ $(($(date +%s) - quiet_looked)) -ge 5 ]; then
		quiet_looked=$(date +%s)
		quiet_now=$(l2_liveness)
		if [ "$quiet_now" != "$quiet_seen" ]; then
			quiet_seen=$quiet_now
			quiet_since=$quiet_looked
		elif [ $((quiet_looked - quiet_since)) -ge "$quiet_limit" ]; then
			l2_silent "${quiet_limit} s while running (no heartbeat, no TAP)"
			quiet_since=$(date +%s)
		fi
	fi
	# Only whole lines: the serial port writes byte by byte, and a line is
	# complete once its CR has arrived.
	grep $'^# @@ptpu-request .*\r$' "$R/tap.txt" >/run/requests 2>/dev/null
	mapfile -t reqs </run/requests
	while [ "$served" -lt "${#reqs[@]}" ]; do
		req=${reqs[$served]#\# @@ptpu-request }
		# The guest's serial port ends lines with CR LF.
		# shellcheck disable=SC2086
		serve ${req%$'\r'}
		served=$((served + 1))
		quiet_since=$(date +%s)
	done
	sleep 0.2
done
wait $l2
echo "L1: L2 exited with $?"
for p in $ntp_pids; do kill "$p" 2>/dev/null; done
case $ptpu_suite in leap|trust) dmesg | grep -E "leap second" | sed "s/^/L1 dmesg: /" ;; esac
if ! grep -q '^# ptpu: guest done' "$R/tap.txt"; then
	# QEMU with -no-reboot exits quietly on a guest triple fault: say so,
	# with what L1's KVM logged about it.
	echo "L1: L2 stopped before its tests finished: it crashed, triple-faulted or was killed"
	l2_view_dead "$view"
	grep 'shutdown exit' "$view" | sed 's/^/L1: /'
	dmesg | tail -n 20 | sed 's/^/L1 dmesg: /'
fi
