#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# DKMS round trip on the build machine, for every kernel in build/kernels.txt:
# real `dkms add / build / install / uninstall / remove` of a copy of the
# module's sources (what the ptp-unified-dkms package ships: Kbuild, kmod/,
# dkms.conf, VERSION), checking that the installed ptp_unified.ko's vermagic
# is the kernel's and that depmod resolves it, and that dkms refuses to
# build it for another architecture (BUILD_EXCLUSIVE_ARCH). TAP on stdout.
#
# Idempotent: whatever an interrupted run left (the dkms tree entry, the copy
# in /usr/src, installed .ko files) is removed before and after. If the
# packaged ptp-unified-dkms of the same version is installed on this machine,
# the test leaves it alone and skips.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
name=ptp-unified
ver=$(cat "$top/VERSION")
work=$top/build/dkms-test
log=$work/dkms.log
mapfile -t kernels < <(grep -v '^$' "$top/build/kernels.txt" 2>/dev/null)

n=0 failures=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failures=$((failures + 1)); echo "not ok $n - $*"; }
# Run a command into the log; on failure show its tail as TAP diagnostics.
run() {
	echo "+ $*" >>"$log"
	if "$@" >>"$log" 2>&1 9>&-; then
		return 0
	fi
	tail -n 15 "$log" | sed 's/^/# /'
	return 1
}

echo "TAP version 13"
if [ ${#kernels[@]} = 0 ]; then
	echo "1..0 # SKIP build/kernels.txt is missing (scripts/deps.sh writes it)"
	exit 1
fi
echo "1..$((4 + 4 * ${#kernels[@]}))"
echo "# dkms $(dkms --version 2>/dev/null | awk '{print $NF}'), $name $ver, kernels: ${kernels[*]}"

if dpkg-query -S "/usr/src/$name-$ver" >/dev/null 2>&1; then
	for i in $(seq $((4 + 4 * ${#kernels[@]}))); do
		echo "ok $i # SKIP the packaged $name-dkms $ver is installed here; not touching it"
	done
	exit 0
fi

cleanup() {
	if [ -e "/var/lib/dkms/$name/$ver" ] || [ -L "/var/lib/dkms/$name/$ver/source" ]; then
		dkms remove "$name/$ver" --all >>"$log" 2>&1 || true
	fi
	rm -rf "/var/lib/dkms/$name/$ver" "/usr/src/$name-$ver"
	rmdir "/var/lib/dkms/$name" 2>/dev/null || true
	local k f
	for k in "${kernels[@]}"; do
		for f in "/lib/modules/$k/updates/dkms/ptp_unified.ko"*; do
			[ -e "$f" ] || continue
			rm -f "$f"
			depmod -a "$k" >>"$log" 2>&1 || true
		done
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$work"
: >"$log"
# One run at a time on a machine: the dkms tree and /usr/src are shared.
exec 9>/run/lock/ptp-unified-dkms-test.lock
flock -w 600 9 || { echo "not ok - another dkms-test holds /run/lock/ptp-unified-dkms-test.lock"; exit 1; }
cleanup
rm -rf "$work/src"
mkdir -p "$work/src"
cp -r "$top/Kbuild" "$top/kmod" "$top/dkms.conf" "$top/VERSION" "$work/src/"
# A copy of a tree that was built in place must not bring objects along.
find "$work/src" \( -name '*.o' -o -name '*.ko' -o -name '*.mod*' -o -name '.*.cmd' \) -delete

# dkms.conf takes its version from VERSION: dkms must see exactly that.
if run dkms add "$work/src" && [ -d "/usr/src/$name-$ver" ] &&
	dkms status "$name/$ver" 2>/dev/null | grep -q "^$name/$ver"; then
	ok "dkms add: $name/$ver (version from VERSION)"
else
	not_ok "dkms add: $name/$ver"
fi

# dkms.conf limits the module to x86_64: dkms itself must refuse i686 (its
# exit status 77, "should not be built"), before any compiler runs.
echo "+ dkms build $name/$ver -k ${kernels[0]} -a i686" >>"$log"
dkms build "$name/$ver" -k "${kernels[0]}" -a i686 >"$work/arch.log" 2>&1 9>&-
rc=$?
cat "$work/arch.log" >>"$log"
if [ $rc = 77 ] && grep -q 'BUILD_EXCLUSIVE directive which does not match' "$work/arch.log"; then
	ok "dkms refuses to build for i686 (BUILD_EXCLUSIVE_ARCH)"
else
	sed 's/^/# /' "$work/arch.log" | tail -n 5
	not_ok "dkms refuses to build for i686: exit status $rc"
fi

for k in "${kernels[@]}"; do
	t0=$(date +%s)
	if run dkms build "$name/$ver" -k "$k"; then
		ok "dkms build for $k ($(($(date +%s) - t0))s)"
	else
		not_ok "dkms build for $k"
	fi
	if run dkms install "$name/$ver" -k "$k" &&
		dkms status "$name/$ver" -k "$k" 2>/dev/null | grep -q ': installed'; then
		ok "dkms install for $k"
	else
		not_ok "dkms install for $k"
	fi
	# depmod must resolve the name to the DKMS copy, and its vermagic must be
	# this kernel's (6.12's modules are xz-compressed: modinfo reads both).
	ko=$(modinfo -k "$k" -n ptp_unified 2>/dev/null)
	vm=$(modinfo -F vermagic "$ko" 2>/dev/null | awk '{print $1}')
	case $ko in
	"/lib/modules/$k/updates/dkms/ptp_unified.ko"*)
		if [ "$vm" = "$k" ]; then
			ok "installed $ko: vermagic $vm"
		else
			not_ok "installed $ko: vermagic '$vm', expected $k"
		fi
		;;
	*) not_ok "modinfo -k $k ptp_unified: '$ko', expected /lib/modules/$k/updates/dkms/" ;;
	esac
	if run dkms uninstall "$name/$ver" -k "$k" &&
		! ls "/lib/modules/$k/updates/dkms/ptp_unified.ko"* >/dev/null 2>&1 &&
		! modinfo -k "$k" -n ptp_unified >/dev/null 2>&1; then
		ok "dkms uninstall for $k: module gone, depmod updated"
	else
		not_ok "dkms uninstall for $k"
	fi
done

if run dkms remove "$name/$ver" --all && [ ! -e "/var/lib/dkms/$name/$ver" ]; then
	ok "dkms remove --all"
else
	not_ok "dkms remove --all"
fi

cleanup
if [ ! -e "/usr/src/$name-$ver" ] && [ ! -e "/var/lib/dkms/$name" ] &&
	! ls /lib/modules/*/updates/dkms/ptp_unified.ko* >/dev/null 2>&1; then
	ok "nothing left behind"
else
	not_ok "leftovers in /usr/src, /var/lib/dkms or /lib/modules"
fi
[ "$failures" = 0 ]
