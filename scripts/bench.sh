#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make bench: phc-steer on ptp_unified against phc2sys and chronyd on
# ptp_kvm, in nested KVM (docs/benchmarks.md). One L1 boot runs every
# contender in a fresh L2 guest (selftests/bench/l1-bench.sh); then
# selftests/bench/analyze.py turns the logs into build/bench/results.json,
# build/bench/table.md (printed) and build/bench/pause.png. Each L2 first
# measures the read costs (selftests/bench/read-cost.sh): the PHC ioctls,
# clock_gettime, and {earliest, latest} from the ClockBound segment, which
# the table and results.json (clockbound_read_ratio) set beside
# clock_gettime and the PRECISE ioctl as ratios. The suite readcost of
# the test harness runs that measurement alone, in one short guest.
#
# Knobs (environment), for short runs while developing:
#   BENCH_KVER         kernel of L1 and L2 (default: the first of
#                      build/kernels.txt, as make check)
#   BENCH_CONTENDERS   comma-separated (default phc_steer,phc2sys,chronyd,chronyd_ntp)
#   BENCH_CONVERGE_S   convergence window before the steady one (20)
#   BENCH_STEADY_S     steady window (90)
#   BENCH_SETTLE_S     chronyd_ntp's settling before its pause (20)
#   BENCH_PAUSE_S      VM pause (5)
#   BENCH_CAP_S        pause recovery cap (120)
#   BENCH_HOLDOVER_S   holdover (300)
#   BENCH_RTC_WAIT_S   longest wait for a calibrated rtc (bound < 10 ms) before it (180)
#   BENCH_READS        reads per read-cost method (3000)
#   BENCH_L1_FREQ_PPB  frequency offset of L1's clock, the truth, against the
#                      TSC every guest clock counts (10000: 10 ppm, an
#                      oscillator error a host's NTP corrects; 0 makes a
#                      free-running guest clock exact, see docs/benchmarks.md)
#   BENCH_TIMEOUT_S    the whole L1 run (2700: room for one contender run again)
#   BENCH_OUT          results folder (build/bench)
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kernel=${BENCH_KVER:-$(head -n 1 "$top/build/kernels.txt" 2>/dev/null)}
out=${BENCH_OUT:-$top/build/bench}
timeout=${BENCH_TIMEOUT_S:-2700}
initrd=$top/build/vm/initramfs-$kernel.cpio.gz
vmlinuz=/boot/vmlinuz-$kernel
[ -r "$initrd" ] || { echo "bench: $initrd missing (make vm-images)" >&2; exit 2; }
[ -r "$vmlinuz" ] || { echo "bench: $vmlinuz missing" >&2; exit 2; }
command -v gnuplot >/dev/null || { echo "bench: gnuplot missing (scripts/deps.sh)" >&2; exit 2; }

rm -rf "$out"
mkdir -p "$out/raw"
out=$(cd "$out" && pwd)

: "${BENCH_L1_FREQ_PPB:=10000}"
knobs="ptpu_bench_contenders=${BENCH_CONTENDERS:-phc_steer,phc2sys,chronyd,chronyd_ntp}"
for kv in converge:BENCH_CONVERGE_S steady:BENCH_STEADY_S settle:BENCH_SETTLE_S \
	pause:BENCH_PAUSE_S cap:BENCH_CAP_S holdover:BENCH_HOLDOVER_S reads:BENCH_READS \
	l1_freq_ppb:BENCH_L1_FREQ_PPB rtc_wait:BENCH_RTC_WAIT_S; do
	v=${kv#*:}
	[ -z "${!v:-}" ] || knobs="$knobs ptpu_bench_${kv%%:*}=${!v}"
done

echo "bench: kernel $kernel, $knobs; results in $out" >&2
# The symbols of the guests' kernel, for the retry rule (guest-retry.sh).
"$top/selftests/vm/kallsyms.sh" "$kernel" ||
	echo "bench: no symbols for $kernel: a lost L2 will not be run again" >&2
# shellcheck source=selftests/vm/kernel-args.sh
. "$top/selftests/vm/kernel-args.sh"
start=$(date +%s)
# L1 as run-guest.sh's nested kind boots it.
"$top/selftests/vm/boot-l1.sh" "$timeout" "$kernel" "$out/raw" "$top/selftests/bench/l1-bench.sh" \
	"$guest_kernel_args ptpu_initrd=$initrd $knobs" \
	-serial "file:$out/raw/l1-console.log" 2>"$out/raw/l1-qemu.log"
rc=$?
secs=$(($(date +%s) - start))
echo "bench: L1 ran ${secs}s (qemu exit $rc)" >&2
if ! grep -q "bench done" "$out/raw/l1.log" 2>/dev/null; then
	echo "bench: L1 did not finish; tails of its logs:" >&2
	tail -n 20 "$out/raw/l1-console.log" "$out/raw/l1.log" >&2
fi
python3 "$top/selftests/bench/analyze.py" --raw "$out/raw" --out "$out" \
	--gnuplot "$top/selftests/bench/pause.gp" --wall "$secs" --kernel "$kernel" \
	--cap "${BENCH_CAP_S:-120}" || exit

# A kernel complaint in any guest fails the benchmark, as it fails make
# check (scripts/lib/guest-retry.sh; each L2's verdict was taken in L1).
# shellcheck source=scripts/lib/guest-retry.sh
. "$top/scripts/lib/guest-retry.sh"
console_verdict "$out/raw/l1-console.log" >"$out/raw/l1-console-verdict"
bad=$(grep -H '^complaint: ' "$out/raw/l1-console-verdict" "$out"/raw/*/console-verdict 2>/dev/null)
if [ -n "$bad" ]; then
	echo "bench: FAILED: kernel complaints in the guests:" >&2
	sed "s|^$out/raw/||" <<<"$bad" | head -n 20 >&2
	exit 1
fi
