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
# Everything happens in a private copy of dkms's trees under
# build/dkms-test/root (dkms --dkmstree, --sourcetree, --installtree,
# --no-depmod; depmod -b on that root), never in the machine's own
# /var/lib/dkms, /usr/src or /lib/modules: a machine that has the packaged
# ptp-unified-dkms installed is tested like any other, and the last check
# is that the machine's own dkms state is as it was. The packaged module in
# the system's own trees is deb-boot-test.sh's to check (dkms autoinstall
# in a Debian root).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
name=ptp-unified
ver=$(cat "$top/VERSION")
work=$top/build/dkms-test
root=$work/root
log=$work/dkms.log
mapfile -t kernels < <(grep -v '^$' "$top/build/kernels.txt" 2>/dev/null)
# dkms on the private trees; depmod and modinfo likewise.
dkms_private() {
	dkms "$@" --dkmstree "$root/var/lib/dkms" --sourcetree "$root/usr/src" \
		--installtree "$root/lib/modules" --no-depmod
}

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
# What this machine's own dkms state is for the module: the package's
# source, its dkms tree and installed modules, if any.
system_state() {
	ls -ld --time-style=+%s "/usr/src/$name-$ver" "/var/lib/dkms/$name" \
		/lib/modules/*/updates/dkms/ptp_unified.ko* 2>/dev/null
}

echo "TAP version 13"
if [ ${#kernels[@]} = 0 ]; then
	printf "1..1\nnot ok 1 - build/kernels.txt is missing (scripts/deps.sh writes it)\n"
	exit 1
fi
echo "1..$((4 + 4 * ${#kernels[@]}))"
echo "# dkms $(dkms --version 2>/dev/null | awk '{print $NF}'), $name $ver, kernels: ${kernels[*]}; private trees in $root"
before=$(system_state)
echo "# this machine's own $name (to be left as it is):"
echo "${before:-none}" | sed 's/^/#   /'

mkdir -p "$work"
# One run at a time per clone: the private trees are this clone's.
exec 9>"$work/lock"
flock -w 600 9 || { echo "not ok - another dkms-test holds $work/lock"; exit 1; }
trap 'rm -rf "$root"' EXIT
trap 'exit 130' INT TERM
rm -rf "$root" "$work/src"
: >"$log"
mkdir -p "$root/var/lib/dkms" "$root/usr/src" "$work/src"
for k in "${kernels[@]}"; do
	# The kernel's headers (dkms builds against /lib/modules/K/build) and
	# what depmod -b needs to index the private tree.
	mkdir -p "$root/lib/modules/$k"
	ln -s "/lib/modules/$k/build" "$root/lib/modules/$k/build"
	cp "/lib/modules/$k/modules.order" "/lib/modules/$k/modules.builtin" \
		"/lib/modules/$k/modules.builtin.modinfo" "$root/lib/modules/$k/"
done
cp -r "$top/Kbuild" "$top/kmod" "$top/dkms.conf" "$top/VERSION" "$work/src/"
# A copy of a tree that was built in place must not bring objects along.
find "$work/src" \( -name '*.o' -o -name '*.ko' -o -name '*.mod*' -o -name '.*.cmd' \) -delete

# dkms.conf takes its version from VERSION: dkms must see exactly that.
if run dkms_private add "$work/src" && [ -d "$root/usr/src/$name-$ver" ] &&
	dkms_private status "$name/$ver" 2>/dev/null | grep -q "^$name/$ver"; then
	ok "dkms add: $name/$ver (version from VERSION)"
else
	not_ok "dkms add: $name/$ver"
fi

# dkms.conf limits the module to x86_64: dkms itself must refuse i686 (its
# exit status 77, "should not be built"), before any compiler runs.
echo "+ dkms_private build $name/$ver -k ${kernels[0]} -a i686" >>"$log"
dkms_private build "$name/$ver" -k "${kernels[0]}" -a i686 >"$work/arch.log" 2>&1 9>&-
rc=$?
cat "$work/arch.log" >>"$log"
if [ $rc = 77 ] && grep -q 'BUILD_EXCLUSIVE directive which does not match' "$work/arch.log"; then
	ok "dkms refuses to build for i686 (BUILD_EXCLUSIVE_ARCH)"
else
	sed 's/^/# /' "$work/arch.log" | tail -n 5
	not_ok "dkms refuses to build for i686: exit status $rc"
fi

for k in "${kernels[@]}"; do
	lib=$root/lib/modules/$k
	t0=$(date +%s)
	if run dkms_private build "$name/$ver" -k "$k"; then
		ok "dkms build for $k ($(($(date +%s) - t0))s)"
	else
		not_ok "dkms build for $k"
	fi
	if run dkms_private install "$name/$ver" -k "$k" &&
		dkms_private status "$name/$ver" -k "$k" 2>/dev/null | grep -q ': installed'; then
		ok "dkms install for $k"
	else
		not_ok "dkms install for $k"
	fi
	# depmod must resolve the name to the DKMS copy, and its vermagic must be
	# this kernel's (6.12's modules are xz-compressed: modinfo reads both).
	run depmod -b "$root" "$k"
	ko=$(modinfo -b "$root" -k "$k" -n ptp_unified 2>/dev/null)
	vm=$(modinfo -F vermagic "$ko" 2>/dev/null | awk '{print $1}')
	case $ko in
	"$lib/updates/dkms/ptp_unified.ko"*)
		if [ "$vm" = "$k" ]; then
			ok "installed $ko: vermagic $vm"
		else
			not_ok "installed $ko: vermagic '$vm', expected $k"
		fi
		;;
	*) not_ok "modinfo -b $root -k $k ptp_unified: '$ko', expected $lib/updates/dkms/" ;;
	esac
	if run dkms_private uninstall "$name/$ver" -k "$k" && run depmod -b "$root" "$k" &&
		! ls "$lib/updates/dkms/ptp_unified.ko"* >/dev/null 2>&1 &&
		! modinfo -b "$root" -k "$k" -n ptp_unified >/dev/null 2>&1; then
		ok "dkms uninstall for $k: module gone, depmod updated"
	else
		not_ok "dkms uninstall for $k"
	fi
done

if run dkms_private remove "$name/$ver" --all && [ ! -e "$root/var/lib/dkms/$name/$ver" ]; then
	ok "dkms remove --all"
else
	not_ok "dkms remove --all"
fi

after=$(system_state)
if [ "$after" = "$before" ]; then
	ok "this machine's own /usr/src, /var/lib/dkms and /lib/modules untouched"
else
	not_ok "this machine's own dkms state changed"
	diff <(echo "$before") <(echo "$after") | sed 's/^/# /'
fi
[ "$failures" = 0 ]
