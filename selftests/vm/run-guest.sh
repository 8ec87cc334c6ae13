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
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
kernel= kind=tcg suite=full out= timeout=900 l2cs=kvm-clock
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2 ;;
	--kind) kind=$2 ;;
	--suite) suite=$2 ;;
	--out) out=$2 ;;
	--timeout) timeout=$2 ;;
	--l2-clocksource) l2cs=$2 ;;
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

rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
: >"$out/tap.txt"

base="console=ttyS0 quiet panic=-1 ptpu_suite=$suite"
start=$(date +%s)
case $kind in
tcg)
	timeout -k 10 "$timeout" qemu-system-x86_64 -accel tcg,thread=multi -cpu max \
		-m 1024 -smp 2 -display none -monitor none -no-reboot \
		-kernel "$vmlinuz" -initrd "$initrd" \
		-append "$base ptpu_role=test ptpu_kind=tcg" \
		-netdev user,id=n0 -device virtio-net-pci,netdev=n0 \
		-serial "file:$out/console.log" -serial "file:$out/tap.txt"
	rc=$?
	;;
nested)
	# L1 must run on the TSC clocksource or the host refuses clock pairing.
	timeout -k 10 "$timeout" qemu-system-x86_64 -accel tcg,thread=multi -cpu EPYC,+svm \
		-m 2048 -smp 2 -display none -monitor none -no-reboot \
		-kernel "$vmlinuz" -initrd "$initrd" \
		-append "$base ptpu_role=host tsc=reliable clocksource=tsc ptpu_kernel=$kernel ptpu_initrd=$initrd ptpu_results=$out ptpu_l2cs=$l2cs ptpu_script=$top/selftests/vm/l1-nested.sh" \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		-virtfs "local,path=$out,mount_tag=results,security_model=none" \
		-netdev user,id=n0 -device virtio-net-pci,netdev=n0 \
		-serial "file:$out/console.log"
	rc=$?
	;;
esac
secs=$(($(date +%s) - start))

if ! grep -q "^# ptpu: guest done" "$out/tap.txt"; then
	if [ $rc = 124 ] || [ $rc = 137 ]; then
		echo "run-guest: $kind guest ($kernel, $suite) killed after ${timeout}s: hung" >&2
	else
		echo "run-guest: $kind guest ($kernel, $suite) ended without finishing its tests (qemu exit $rc)" >&2
	fi
	for f in console.log l1.log l2-console.log tap.txt; do
		[ -s "$out/$f" ] && { echo "--- tail of $f" >&2; tail -n 30 "$out/$f" >&2; }
	done
	exit 1
fi
echo "run-guest: $kind guest ($kernel, $suite) finished in ${secs}s" >&2
exit 0
