#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot one test guest and collect its TAP.
#   tcg:    the test guest runs directly under QEMU's TCG
#   nested: a TCG guest with emulated AMD SVM (L1) runs KVM and starts the
#           test guest (L2) under real KVM paravirtualisation
# The guest writes TAP to its second serial port: OUT/tap.txt. Console logs go
# to OUT/console.log (and, nested, OUT/l1.log and OUT/l2-console.log).
# A guest that does not finish within --timeout is killed; that is a failure
# and the tail of its console is printed.
#
# usage: run-guest.sh --kernel KVER --kind tcg|nested --suite NAME --out DIR
#                     [--timeout SECONDS] [--l2-clocksource kvm-clock|tsc]
#                     [--append 'ptpu_NAME=VALUE ...']
#                     [--test-vmlinuz PATH --test-initrd PATH]
#                     [--test-append 'ARGS'] [--l2-mem MB]
# --append: more kernel command line; the guest exports its ptpu_* words to
# the suite (e.g. ptpu_fuzz_minutes for the fuzz suite).
# --test-vmlinuz/--test-initrd: the tests run on that kernel (a custom build
# such as make check-debug's) instead of KVER's: the TCG guest, or the nested
# L2 guest (L1 stays KVER); --test-append adds to its command line (no commas).
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
kernel= kind=tcg suite=full out= timeout=900 l2cs=kvm-clock extra=
test_vmlinuz= test_initrd= test_append= l2mem=512
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2 ;;
	--kind) kind=$2 ;;
	--suite) suite=$2 ;;
	--out) out=$2 ;;
	--timeout) timeout=$2 ;;
	--l2-clocksource) l2cs=$2 ;;
	--append) extra=$2 ;;
	--test-vmlinuz) test_vmlinuz=$2 ;;
	--test-initrd) test_initrd=$2 ;;
	--test-append) test_append=$2 ;;
	--l2-mem) l2mem=$2 ;;
	*) echo "run-guest: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift 2 || { echo "run-guest: '$1' needs a value" >&2; exit 2; }
done
case $kind in tcg|nested) ;; *) echo "run-guest: --kind must be tcg or nested" >&2; exit 2 ;; esac
[ -n "$kernel" ] && [ -n "$out" ] || { echo "run-guest: --kernel and --out are required" >&2; exit 2; }

initrd=$top/build/vm/initramfs-$kernel.cpio.gz
vmlinuz=/boot/vmlinuz-$kernel
[ -r "$initrd" ] || { echo "run-guest: $initrd missing (make vm-images)" >&2; exit 2; }
[ -r "$vmlinuz" ] || { echo "run-guest: $vmlinuz missing (scripts/deps.sh)" >&2; exit 2; }
# The kernel the tests run on, and what to call it in messages.
t_vmlinuz=${test_vmlinuz:-$vmlinuz} t_initrd=${test_initrd:-$initrd} label=$kernel
if [ -n "$test_vmlinuz$test_initrd" ]; then
	[ -r "$test_vmlinuz" ] && [ -r "$test_initrd" ] ||
		{ echo "run-guest: --test-vmlinuz and --test-initrd need each other and must exist" >&2; exit 2; }
	# Absolute: a nested L1 opens them through its 9p view of this machine.
	test_vmlinuz=$(readlink -f "$test_vmlinuz") test_initrd=$(readlink -f "$test_initrd")
	t_vmlinuz=$test_vmlinuz t_initrd=$test_initrd
	label="$test_vmlinuz"
	[ "$kind" = tcg ] || label="L1 $kernel, L2 $test_vmlinuz"
fi

rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
: >"$out/tap.txt"

# shellcheck source=selftests/vm/kernel-args.sh
. "$top/selftests/vm/kernel-args.sh"
base="$guest_kernel_args ptpu_suite=$suite${extra:+ $extra}"

# ---- NTP servers for a TCG guest (phc-steer's steer_ntp check) ----
# On this machine's loopback, reached by the guest as 10.0.2.2 through slirp:
# chronyd serving this machine's clock on 127.0.0.1:11123 (-x: it never
# steers this machine; its own config, pid and drift files in a temp dir,
# nothing of /etc/chrony) and ntp_liar.py serving it +1 s on :11124. Both run
# under `timeout`, the liar also exits when this script is gone, and both are
# stopped when this script exits, also on failure or a signal. When another
# run holds those ports, the next free six (+10) are used and the guest is
# told on its command line (ptpu_ntp_port, ptpu_liar_port, ...). Runs side by
# side (make check-debug's parallel mode) choose their ports one at a time,
# each holding a lock until its servers are bound: two runs started in the
# same second both saw 11123 free, and one used the other's servers, which
# went away with the other run.
ntp_dir='' ntp_pids=''
ntp_stop() {
	local p
	for p in $ntp_pids; do kill "$p" 2>/dev/null; done
	for p in $ntp_pids; do wait "$p" 2>/dev/null; done
	ntp_pids=
	[ -z "$ntp_dir" ] || rm -rf "$ntp_dir"
	ntp_dir=
}
udp_free() { ! ss -Hlun "sport = :$1" | grep -q .; }
# ports_are free|bound PORT: the six ports from PORT all free, all bound.
ports_are() {
	local p
	for p in 0 1 2 3 4 5; do
		if udp_free $(($2 + p)); then [ "$1" = free ]; else [ "$1" = bound ]; fi || return 1
	done
}
ntp_fault_server() {
	timeout -k 5 $((timeout + 60)) python3 "$top/selftests/vm/ntp_liar.py" "$@" \
		--parent $$ >>"$out/ntp-servers.log" 2>&1 7>&- &
	ntp_pids="$ntp_pids $!"
}
ntp_start() {
	local port=11123 log=$out/ntp-servers.log i answered=0 p
	exec 7>/tmp/ptpu-ntp-ports.lock && flock 7 ||
		{ echo "run-guest: cannot lock /tmp/ptpu-ntp-ports.lock" >&2; return 1; }
	while ! ports_are free $port; do
		port=$((port + 10))
		[ $port -lt 11300 ] || { echo "run-guest: no 6 free UDP ports in a row for the NTP servers" >&2; return 1; }
	done
	ntp_dir=$(mktemp -d /tmp/ptpu-ntp.XXXXXX) || return 1
	timeout -k 5 $((timeout + 60)) "$top/selftests/vm/chronyd-serve.sh" "$ntp_dir" $port >>"$log" 2>&1 7>&- &
	ntp_pids=$!
	ntp_fault_server --port $((port + 1)) --offset 1.0
	# The fault checks' servers (fault-tests.sh): leap indicator 3,
	# stratum 0 (kiss-o'-death), an honest one that goes silent 20 s after
	# its first reply, and an honest one (a second voice against a wrong RTC).
	ntp_fault_server --port $((port + 2)) --offset 1.0 --leap 3
	ntp_fault_server --port $((port + 3)) --offset 1.0 --stratum 0 --refid XXXX
	ntp_fault_server --port $((port + 4)) --offset 0 --silent-after 20
	ntp_fault_server --port $((port + 5)) --offset 0
	# Bound, all six, before the next run may choose.
	for i in $(seq 100); do
		ports_are bound $port && break
		sleep 0.1
	done
	flock -u 7
	exec 7>&-
	for p in 0 1 2 3 4 5; do
		! udp_free $((port + p)) ||
			echo "run-guest: nothing listens on 127.0.0.1:$((port + p)) (see $log)" >&2
	done
	for i in $(seq 20); do
		if "$top/build/userspace/phc-steer" ntp-probe -t 1 "127.0.0.1:$port" >>"$log" 2>&1; then
			answered=1
			break
		fi
		sleep 0.5
	done
	[ $answered = 1 ] || echo "run-guest: chronyd on 127.0.0.1:$port does not answer (see $log)" >&2
	base="$base ptpu_ntp_port=$port ptpu_liar_port=$((port + 1))"
	base="$base ptpu_li3_port=$((port + 2)) ptpu_s0_port=$((port + 3))"
	base="$base ptpu_vanish_port=$((port + 4)) ptpu_honest_port=$((port + 5))"
	echo "run-guest: NTP on 127.0.0.1:$port (chronyd), :$((port + 1)) (ntp_liar, +1 s), :$((port + 2))-$((port + 5)) (leap 3, stratum 0, silent after 20 s, honest)" >&2
}
if [ "$kind" = tcg ]; then
	trap ntp_stop EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
	ntp_start
fi
# ---- end of the NTP servers ----

start=$(date +%s)
case $kind in
tcg)
	timeout -k 10 "$timeout" qemu-system-x86_64 -accel tcg,thread=multi -cpu max \
		-m 1024 -smp 2 -display none -monitor none -no-reboot \
		-kernel "$t_vmlinuz" -initrd "$t_initrd" \
		-append "$base ptpu_role=test ptpu_kind=tcg${test_append:+ $test_append}" \
		-netdev user,id=n0 -device virtio-net-pci,netdev=n0 \
		-serial "file:$out/console.log" -serial "file:$out/tap.txt"
	rc=$?
	;;
nested)
	# The symbols of L2's kernel, which the retry rule needs to judge an
	# L2 that is lost (scripts/lib/guest-retry.sh); made once per kernel.
	case $t_vmlinuz in
	/boot/vmlinuz-*)
		"$top/selftests/vm/kallsyms.sh" "${t_vmlinuz#/boot/vmlinuz-}" ||
			echo "run-guest: no symbols for $t_vmlinuz: a lost L2 will not be retried" >&2
		;;
	esac
	"$top/selftests/vm/boot-l1.sh" "$timeout" "$kernel" "$out" "$top/selftests/vm/l1-nested.sh" \
		"$base ptpu_initrd=$t_initrd ptpu_l2_vmlinuz=$t_vmlinuz ptpu_l2_mem=$l2mem${test_append:+ ptpu_l2_append=${test_append// /,}} ptpu_l2cs=$l2cs" \
		-netdev user,id=n0 -device virtio-net-pci,netdev=n0 \
		-serial "file:$out/console.log"
	rc=$?
	;;
esac
secs=$(($(date +%s) - start))

if ! grep -q "^# ptpu: guest done" "$out/tap.txt"; then
	if [ $rc = 124 ] || [ $rc = 137 ]; then
		echo "run-guest: $kind guest ($label, $suite) killed after ${timeout}s: hung" >&2
	else
		echo "run-guest: $kind guest ($label, $suite) ended without finishing its tests (qemu exit $rc)" >&2
	fi
	for f in console.log l1.log l2-console.log tap.txt; do
		[ -s "$out/$f" ] && { echo "--- tail of $f" >&2; tail -n 30 "$out/$f" >&2; }
	done
	exit 1
fi
echo "run-guest: $kind guest ($label, $suite) finished in ${secs}s" >&2
exit 0
