#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs in the nested-KVM host (L1), chrooted into the build machine's root
# (read-only 9p), with the environment guest-init exported from the kernel
# command line. Starts the test guest (L2) under KVM; its TAP lands in the
# results folder the build machine reads.
set -u
R=$ptpu_results
K=$ptpu_kernel
append="console=ttyS0 quiet panic=-1 ptpu_role=test ptpu_suite=$ptpu_suite ptpu_kind=nested"
if [ "${ptpu_l2cs:-kvm-clock}" = tsc ]; then
	append="$append clocksource=tsc tsc=reliable"
fi

echo "L1: kernel $(uname -r), clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
if [ ! -c /dev/kvm ]; then
	echo "L1: no /dev/kvm (kvm_amd did not load)"
	exit 1
fi

qemu-system-x86_64 -enable-kvm -cpu host -m 512 -smp 2 \
	-display none -monitor none -no-reboot \
	-kernel "/boot/vmlinuz-$K" -initrd "$ptpu_initrd" -append "$append" \
	-qmp unix:/run/qmp.sock,server=on,wait=off \
	-serial "file:$R/l2-console.log" -serial "file:$R/tap.txt"
echo "L1: L2 exited with $?"
