#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build (once) the debug kernel `make check-debug` runs the guests on:
# Debian's linux-source-6.1 with x86_64_defconfig, kvm_guest.config and
# selftests/debug/debug.config (KASAN, lockdep, DEBUG_ATOMIC_SLEEP, kmemleak).
# The tree is kept outside the clone, under $PTPU_CACHE (default
# /var/cache/ptp-unified), keyed by the source package's version and the
# fragment's hash, so a second run reuses it. On this 2-core machine the first
# build took 35 minutes (with other guests running).
#
# Prints the tree's path on its last line.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${PTPU_CACHE:-/var/cache/ptp-unified}
src=/usr/src/linux-source-6.1.tar.xz
frag=$top/selftests/debug/debug.config
[ -r "$src" ] || { echo "debug-kernel: $src missing (scripts/deps.sh installs linux-source-6.1)" >&2; exit 1; }

mkdir -p "$cache"
# One build at a time: a second run waits for the first and then reuses it.
exec 9>"$cache/linux-debug.lock"
flock 9

ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
key=$(cat "$frag" | sha256sum | cut -c1-12)
tree=$cache/linux-debug-$ver-$key
if [ -f "$tree/.ptpu-built" ]; then
	echo "debug-kernel: using $tree" >&2
	echo "$tree"
	exit 0
fi

mkdir -p "$cache"
rm -rf "$tree" "$tree.tmp"
mkdir -p "$tree.tmp"
echo "debug-kernel: extracting $src into $tree" >&2
tar -xJf "$src" -C "$tree.tmp" --strip-components=1
mv "$tree.tmp" "$tree"
cd "$tree"
make -s x86_64_defconfig >&2
scripts/kconfig/merge_config.sh -m .config kernel/configs/kvm_guest.config "$frag" >&2
make -s olddefconfig >&2
# Every option of the fragment must have survived olddefconfig (a dependency
# missing would silently drop one).
bad=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=n) opt=${line%%=*}
		grep -q "^$opt=" .config && { echo "debug-kernel: $opt still set" >&2; bad=1; } ;;
	CONFIG_*=*) grep -qx "$line" .config || { echo "debug-kernel: $line did not stick" >&2; bad=1; } ;;
	esac
done <"$frag"
[ $bad = 0 ] || exit 1
echo "debug-kernel: building (make -j$(nproc) bzImage modules), log in $tree/build.log" >&2
start=$(date +%s)
if ! make -j"$(nproc)" LOCALVERSION=-ptpu-debug bzImage modules >build.log 2>&1; then
	tail -30 build.log >&2
	echo "debug-kernel: build failed" >&2
	exit 1
fi
echo "debug-kernel: built in $(($(date +%s) - start)) s: $(make -s kernelrelease LOCALVERSION=-ptpu-debug)" >&2
touch .ptpu-built
echo "$tree"
