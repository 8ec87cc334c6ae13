#!/bin/bash
# ptpu_* come from the kernel command line (guest-init exports them).
# shellcheck disable=SC2154
# SPDX-License-Identifier: GPL-2.0-only
#
# make bench in the nested-KVM host (L1), chrooted into the build machine's
# root (read-only 9p), environment from guest-init (ptpu_* on the kernel
# command line). L1's CLOCK_REALTIME is the truth. It:
#   - optionally gives its own clock a frequency offset (see below);
#   - serves NTP from its own clock: chronyd -x (never steers L1), local
#     stratum, 127.0.0.1:PORT, which each L2 reaches as 10.0.2.2 (slirp);
#   - runs each contender (ptpu_bench_contenders, comma-separated) in a
#     fresh L2 guest under KVM, one after another, with its own results
#     folder exported to it over 9p (tag "results");
#   - serves the guest's "# @@bench-request pause N" (QMP stop, N s, cont)
#     and writes QEMU's STOP and RESUME event times to that folder's pause.txt.
set -u
R=$ptpu_results
K=$ptpu_kernel
here=$(cd "$(dirname "$0")" && pwd)
port=${ptpu_bench_ntp_port:-11123}
contenders=${ptpu_bench_contenders:-phc_steer,phc2sys,chronyd,chronyd_ntp}
l2_timeout=${ptpu_bench_l2_timeout:-1200}

log() { echo "L1: $(date +%s.%N) $*"; }
# l2_view_*: what L1 sees of an L2 that stops, for the retry rule.
# shellcheck source=selftests/vm/l2-view.sh
. "$here/../vm/l2-view.sh"
# shellcheck source=selftests/vm/kernel-args.sh
. "$here/../vm/kernel-args.sh"

log "kernel $(uname -r), clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
[ -c /dev/kvm ] || { log "no /dev/kvm (kvm_amd did not load)"; exit 1; }

ip link set lo up
# An oscillator error for the truth (ptpu_bench_l1_freq_ppb, default 0):
# L1's CLOCK_REALTIME then runs that much faster than the TSC under every
# guest clock, as a host clock disciplined by NTP runs off its oscillator.
# Set before chronyd starts; chronyd -x never changes it.
if [ "${ptpu_bench_l1_freq_ppb:-0}" != 0 ]; then
	busybox adjtimex -f $((ptpu_bench_l1_freq_ppb * 65536 / 1000)) >/dev/null &&
		log "L1 CLOCK_REALTIME frequency offset ${ptpu_bench_l1_freq_ppb} ppb"
fi
"$here/../vm/chronyd-serve.sh" /run/bench-ntp "$port" >"$R/l1-chronyd.log" 2>&1 &
ntp_pid=$!
log "chronyd (pid $ntp_pid) serving L1's clock on 127.0.0.1:$port"

# Every ptpu_bench_* knob goes on to the guest's command line.
knobs=$(env | sed -n 's/^\(ptpu_bench_[a-z_0-9]*=[^ ]*\)$/\1/p' | tr '\n' ' ')

run_l2() {
	local c=$1 dir=$R/$1 qmp=/run/qmp-$1.sock served=0 start l2 req
	mkdir -p "$dir"
	: >"$dir/tap.txt"
	l2_view_start "$dir/l1-view.txt" "/boot/vmlinuz-$K"
	start=$(date +%s)
	log "contender $c: starting L2"
	timeout -k 5 "$l2_timeout" qemu-system-x86_64 -enable-kvm -cpu host -m 512 -smp 2 \
		-display none -monitor none -no-reboot \
		-kernel "/boot/vmlinuz-$K" -initrd "$ptpu_initrd" \
		-append "$guest_kernel_args ptpu_role=test ptpu_suite=bench-$c ptpu_kind=nested $knobs" \
		-netdev user,id=n0 -device virtio-net-pci,netdev=n0 \
		-virtfs "local,path=$dir,mount_tag=results,security_model=none" \
		-qmp "unix:$qmp,server=on,wait=off" \
		-serial "file:$dir/console.log" -serial "file:$dir/tap.txt" &
	l2=$!
	local size=0 still=0
	while kill -0 $l2 2>/dev/null; do
		# A guest whose truth log stops growing for 90 s has hung (seen:
		# an L2 frozen in a PTP read, nothing on its console): what L1
		# sees of it goes to the retry rule, and it is stopped rather
		# than left to the time limit.
		if [ -s "$dir/offset.log" ]; then
			if [ "$(stat -c %s "$dir/offset.log")" = "$size" ]; then
				still=$((still + 1))
				if [ $still -ge 450 ]; then
					log "contender $c: no truth sample for 90 s: L2 hung; what L1 sees of it:"
					l2_view_silent "$dir/l1-view.txt" "$qmp" "$dir/console.log"
					sed 's/^/  /' "$dir/l1-view.txt"
					log "contender $c: stopping L2"
					kill $l2
					break
				fi
			else
				size=$(stat -c %s "$dir/offset.log") still=0
			fi
		fi
		mapfile -t reqs < <(grep -a $'^# @@bench-request .*\r$' "$dir/tap.txt")
		while [ "$served" -lt "${#reqs[@]}" ]; do
			req=${reqs[$served]#\# @@bench-request }
			req=${req%$'\r'}
			case $req in
			pause\ *)
				log "contender $c: pausing L2 for ${req#pause } s"
				python3 "$here/bench_pause.py" "$qmp" "${req#pause }" >>"$dir/pause.txt" 2>&1
				log "contender $c: resumed ($(tr '\n' ' ' <"$dir/pause.txt"))"
				;;
			*) log "contender $c: unknown request '$req'" ;;
			esac
			served=$((served + 1))
		done
		sleep 0.2
	done
	wait $l2
	log "contender $c: L2 exited with $? after $(($(date +%s) - start)) s"
	console_verdict "$dir/console.log" >"$dir/console-verdict"
	grep -aq '^# ptpu: guest done' "$dir/tap.txt" && return 0
	log "contender $c: L2 stopped before it finished"
	l2_view_dead "$dir/l1-view.txt"
	return 1
}

# The nested L2 sometimes stops under QEMU's emulated SVM: QEMU exits as on
# a triple fault, or the guest freezes (above). make check's retry rule
# judges it (scripts/lib/guest-retry.sh, l2_retry_verdict): a contender
# whose L2 the emulator stopped, and only such a one, is run once more in
# a fresh guest; the first run stays in NAME.try1 with the verdict in its
# retry-verdict, which analyze.py reports.
# shellcheck source=scripts/lib/guest-retry.sh
. "$here/../../scripts/lib/guest-retry.sh"
IFS=, read -ra list <<<"$contenders"
for c in "${list[@]}"; do
	run_l2 "$c" && continue
	l2_retry_verdict "$R/$c/l1-view.txt" "$R/$c/console.log" >"$R/$c/retry-verdict"
	log "contender $c: $(cat "$R/$c/retry-verdict")"
	grep -q '^retry: ' "$R/$c/retry-verdict" || continue
	rm -rf "$R/$c.try1"
	mv "$R/$c" "$R/$c.try1"
	log "contender $c: running it once more"
	run_l2 "$c"
done
kill $ntp_pid
wait $ntp_pid 2>/dev/null
log "bench done"
