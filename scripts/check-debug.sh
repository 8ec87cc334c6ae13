#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make check-debug: the guest tests on a debug kernel. Builds (once, cached
# outside the clone: scripts/debug-kernel.sh) Debian's linux-source-6.1 with
# KASAN, lockdep (PROVE_LOCKING), DEBUG_ATOMIC_SLEEP, kmemleak, UBSAN and
# debugobjects (selftests/debug/debug.config), builds ptp_unified.ko and an
# initramfs for it, and runs the full suite in a TCG guest and in a nested-KVM
# L2 guest on that kernel (L1 stays Debian's 6.1), plus the stress suite
# (180 s and 100 reloads) in a TCG guest. In those guests the suite also
# fails on any KASAN, lockdep, atomic-sleep, UBSAN or debugobjects report
# that involves the module, and on a kmemleak leak the module allocated
# (selftests/debug/guest-debug.sh); the kernel's own reports are printed as
# diagnostics. Not part of make check: the first kernel build takes about
# 35 minutes on 2 cores.
#
# Each check is one TAP line; the last line is the tally. Logs are in
# build/check-debug/, guest consoles in build/guests-debug/.
#
# Environment: CHECK_DEBUG_RUNS="KIND:SUITE ..." to choose the guest runs
# (default "tcg:full nested:full tcg:stress"), CHECK_DEBUG_SLOWDOWN
# (default 3): the guests' timeouts are make check's times this,
# CHECK_DEBUG_PARALLEL=1: run the guests at the same time (faster on an
# idle machine; the timed checks get less CPU each).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
B=$top/build
L=$B/check-debug
G=$B/guests-debug
mkdir -p "$L"
slow=${CHECK_DEBUG_SLOWDOWN:-3}
t0=$(date +%s)

# say, step, finish, tally_guest; run_guest_retrying
# (tally.sh sources guest-retry.sh)
. scripts/lib/tally.sh

# What the checkers said in one guest: the reports that involve the module
# (failures), those that do not, and the kmemleak verdict.
findings() {
	local tap=$1 what=$2
	grep -E '^# ={3} ' "$tap" | sed "s/^# /  $what: /"
	grep -E '^# debug kernel:' "$tap" | sed "s/^# /  $what: /"
	grep -E '^# .*(BUG: KASAN|UBSAN:|WARNING: (possible|inconsistent|suspicious)|BUG: sleeping function|ODEBUG:|unreferenced object 0x)' "$tap" |
		sort | uniq -c | sort -rn | head -n 20 | sed "s/^/  $what:   /"
}

if ! step deps scripts/deps.sh; then
	finish "make check-debug"
fi
mapfile -t kernels <"$B/kernels.txt"
k=${kernels[0]}

# The debug kernel: built once, then reused (its tree is the last line).
say "debug kernel: scripts/debug-kernel.sh (the first build takes about 35 minutes)"
if ! step debug-kernel scripts/debug-kernel.sh; then
	finish "make check-debug"
fi
tree=$(tail -n 1 "$L/debug-kernel.log")
krel=$(cat "$tree/include/config/kernel.release")
bz=$tree/arch/x86/boot/bzImage
say "debug kernel $krel: $bz"

# L1 of the nested runs is Debian's kernel with its own initramfs; the module
# and the initramfs for the debug kernel are built against its tree (the
# initramfs takes the tree's modules.builtin: ptp_kvm, 9p, virtio are built in).
if ! step build make -j2 KVER="$k" modules userspace selftests vm-images linux-src ||
	! step build-debug make KDIR="$tree" KVER="$krel" modules vm-images; then
	finish "make check-debug"
fi
initrd=$B/vm/initramfs-$krel.cpio.gz

# One guest run on the debug kernel (run_guest), then its TAP tallied with
# what the checkers found (collect); a guest that hangs or dies is a failure.
# KASAN reports every bad access, not just the first (kasan_multi_shot); the
# log is large enough that the suite's view of it since the tests started
# never wraps. no5lvl: with TCG's -cpu max the kernel runs 5-level paging,
# and then an interrupt early in boot sometimes sets off an endless stream of
# KASAN wild-memory-access reports in do_raw_spin_lock (seen once in two
# boots: 15000 reports in two minutes, the guest never reached its tests);
# nested L2 (EPYC) and the clouds' guests run 4-level paging anyway.
# As in make check, a nested run whose L2 stopped dead without a word is
# tried once more, and said so (run_guest_retrying).
run_guest() {
	local name=$1 kind=$2 suite=$3 tmo=$4
	run_guest_retrying "$G/$name" "$L/guest-$name.log" --kernel "$k" \
		--kind "$kind" --suite "$suite" \
		--test-vmlinuz "$bz" --test-initrd "$initrd" \
		--test-append "kasan_multi_shot log_buf_len=8M no5lvl" \
		--l2-mem 1024 --timeout "$tmo"
	echo $? >"$L/guest-$name.rc"
}
collect() {
	local name=$1
	tally_guest "guest $name" "$G/$name" "$L/guest-$name.log" "$(cat "$L/guest-$name.rc")"
	[ ! -s "$G/$name/tap.txt" ] || findings "$G/$name/tap.txt" "$name"
}

# The suites: full in both kinds (nested full's restore from a file is a
# run of its own, nested:saverestore), and the long stress run.
runs=${CHECK_DEBUG_RUNS:-tcg:full nested:full nested:saverestore tcg:stress}
say "guest runs on $krel: $runs (timeouts ${slow}x make check's)"
names=()
for r in $runs; do
	kind=${r%%:*} suite=${r#*:}
	case $kind in
	tcg) tmo=$((900 * slow)) ;;
	*) [ "$suite" = saverestore ] && tmo=$((400 * slow)) || tmo=$((1200 * slow)) ;;
	esac
	name=$kind-$suite-debug
	names+=("$name")
	rm -f "$L/guest-$name.rc"
	say "guest $name: $kind guest, suite $suite, timeout ${tmo}s"
	if [ "${CHECK_DEBUG_PARALLEL:-0}" = 1 ]; then
		run_guest "$name" "$kind" "$suite" "$tmo" &
	else
		run_guest "$name" "$kind" "$suite" "$tmo"
		collect "$name"
	fi
done
if [ "${CHECK_DEBUG_PARALLEL:-0}" = 1 ]; then
	wait
	for name in "${names[@]}"; do
		collect "$name"
	done
fi

finish "make check-debug"
