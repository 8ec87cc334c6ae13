#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build one initramfs that serves every guest role of the harness for one
# kernel: busybox, the kernel modules the roles load (9p for the host root,
# kvm_amd for a nested-KVM host, ptp_kvm, virtio-net), ptp_unified.ko, the
# test binaries, and the build machine's chronyd/phc_ctl/phc2sys with the
# shared libraries they need.
#
# usage: mkinitramfs.sh KVER MODULE.ko BINDIR OUT.cpio.gz [PHC_STEER [TEST_RTC.ko]]
# With KDIR set to a kernel build tree (make KDIR=TREE KVER=RELEASE vm-images)
# the kernel's modules come from that tree, not /lib/modules/KVER.
# PHC_STEER (default build/userspace/phc-steer) goes in as /usr/sbin/phc-steer;
# TEST_RTC.ko (the fault checks' RTC, selftests/rtc_fault/) next to the module.
set -euo pipefail

kver=$1 ko=$2 bindir=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)
root=$(mktemp -d)
# mktemp makes it 0700: the guest's / would shut out every uid but root.
chmod 755 "$root"
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,run,mnt,host,results,root,lib64}
mkdir -p "$root"/usr/{bin,sbin} "$root"/var/{lib,run,log} "$root/opt/ptpu"
cp /bin/busybox "$root/bin/busybox"
for app in sh mount mkdir ln cat echo; do
	ln -s busybox "$root/bin/$app"
done

# Kernel modules: copy each dependency closure, then index it for modprobe.
mods="9p 9pnet_virtio virtio_pci virtio_net ptp_kvm kvm_amd"
if [ -n "${KDIR:-}" ] && [ -f "$KDIR/modules.builtin" ]; then
	# A kernel given by its build tree (make KDIR=TREE KVER=RELEASE, e.g.
	# the debug kernel of make check-debug): see tree-modules.sh.
	"$here/../debug/tree-modules.sh" "$KDIR" "$root/lib/modules/$kver" $mods
else
	for m in $mods; do
		modprobe -S "$kver" --show-depends "$m" | awk '$1 == "insmod" {print $2}'
	done | sort -u | while read -r f; do
		mkdir -p "$root$(dirname "$f")"
		cp "$f" "$root$f"
	done
	cp "/lib/modules/$kver/modules.order" "/lib/modules/$kver/modules.builtin" \
		"/lib/modules/$kver/modules.builtin.modinfo" "$root/lib/modules/$kver/" 2>/dev/null || true
fi
mkdir -p "$root/lib/modules/$kver/extra"
cp "$ko" "$root/lib/modules/$kver/extra/ptp_unified.ko"
[ -z "${6:-}" ] || cp "$6" "$root/lib/modules/$kver/extra/ptpu_test_rtc.ko"
depmod -b "$root" "$kver"

# Programs with their shared-library closure (and the dynamic loader).
copy_prog() {
	local src=$1 dst=$2 lib
	cp "$src" "$root$dst"
	ldd "$src" 2>/dev/null | awk '/=> \// {print $3} /^\t\/lib/ {print $1}' |
	while read -r lib; do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}
for p in /usr/sbin/chronyd /usr/bin/chronyc /usr/sbin/phc_ctl /usr/sbin/phc2sys; do
	copy_prog "$p" "$p"
done
for p in "$bindir"/*; do
	[ -x "$p" ] && [ -f "$p" ] && copy_prog "$p" "/opt/ptpu/$(basename "$p")"
done
# phc-steer, the tool under test, where a package would put it.
copy_prog "${5:-$here/../../build/userspace/phc-steer}" /usr/sbin/phc-steer
cp "$here"/../guest/*.sh "$root/opt/ptpu/"
cp "$here"/../bench/*.sh "$root/opt/ptpu/"
# What dmesg_clean fails on, one list with the build machine's (guest-retry.sh).
cp "$here/../lib/kernel-complaints.sh" "$root/opt/ptpu/"
# The debug kernel's checks (kmemleak, attribution of KASAN/lockdep reports).
[ ! -f "$here/../debug/guest-debug.sh" ] || cp "$here/../debug/guest-debug.sh" "$root/opt/ptpu/"

printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
cp "$here/guest-init" "$root/init"
chmod +x "$root/init"

(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
