#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# kallsyms.sh KVER: makes build/vm/kallsyms-KVER, the text symbols of
# Debian's kernel KVER as its /proc/kallsyms lists them (sorted; addresses
# of one boot, KASLR included: a reader takes the offset from _text). The
# retry rule (scripts/lib/guest-retry.sh) names with it the functions a
# silent nested guest's vCPUs were found in. Debian's /boot/System.map-K is
# a placeholder (the real one is in the -dbg package), so the kernel is
# booted once in a TCG guest (guest-init's role "symbols", about 15 s),
# which writes the list to a 9p share. Kept until the kernel image changes.
# Boots a guest: run it where guests may run (make check's guest runs).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
k=$1
out=$top/build/vm/kallsyms-$k
[ -s "$out" ] && [ "$out" -nt "/boot/vmlinuz-$k" ] && exit 0
# shellcheck source=selftests/vm/kernel-args.sh
. "$top/selftests/vm/kernel-args.sh"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
timeout -k 5 300 qemu-system-x86_64 -accel tcg,thread=multi -cpu max -m 1024 -smp 1 \
	-display none -monitor none -no-reboot \
	-kernel "/boot/vmlinuz-$k" -initrd "$top/build/vm/initramfs-$k.cpio.gz" \
	-append "$guest_kernel_args ptpu_role=symbols" \
	-virtfs "local,path=$dir,mount_tag=results,security_model=none" \
	-serial "file:$dir/console.log" 2>"$dir/qemu.log"
if ! grep -q ' T _etext$' "$dir/kallsyms" 2>/dev/null; then
	echo "kallsyms.sh: no symbols from $k's guest; its console:" >&2
	tail -n 20 "$dir/console.log" "$dir/qemu.log" >&2
	exit 1
fi
mkdir -p "$(dirname "$out")"
mv "$dir/kallsyms" "$out"
