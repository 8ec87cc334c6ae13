#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# boot-l1.sh TIMEOUT KERNEL RESULTS SCRIPT APPEND [QEMU-ARGS...]
# Boot the nested-KVM host (L1) of run-guest.sh's nested kind and of make
# bench: Debian's KERNEL with the test initramfs, under TCG with emulated
# AMD SVM, this machine's root read-only over 9p (tag hostroot) and RESULTS
# read-write (tag results); guest-init runs SCRIPT in it. L1 runs on the TSC
# clocksource, or its KVM refuses clock pairing. APPEND goes on its kernel
# command line, QEMU-ARGS on QEMU's (console, network).
# Exit status: QEMU's, or 124/137 when it was killed after TIMEOUT seconds.
set -u
timeout=$1 kernel=$2 results=$3 script=$4 append=$5
shift 5
top=$(cd "$(dirname "$0")/../.." && pwd)
exec timeout -k 10 "$timeout" qemu-system-x86_64 -accel tcg,thread=multi -cpu EPYC,+svm \
	-m 2048 -smp 2 -display none -monitor none -no-reboot \
	-kernel "/boot/vmlinuz-$kernel" -initrd "$top/build/vm/initramfs-$kernel.cpio.gz" \
	-append "$append ptpu_role=host tsc=reliable clocksource=tsc ptpu_kernel=$kernel ptpu_results=$results ptpu_script=$script" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	-virtfs "local,path=$results,mount_tag=results,security_model=none" \
	"$@"
