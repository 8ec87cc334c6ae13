#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Kernel-code lint, each check a TAP line:
#   checkpatch --strict on kmod/ and selftests/rtc_fault/ (zero errors, warnings and checks; the compat
#   header alone may use LINUX_VERSION_CODE, whose version tests checkpatch
#   also flags as CONSTANT_COMPARISON), and for every kernel with headers a
#   fresh build with sparse (C=2) and W=1 that must print no warning; the
#   netlink spec (docs/netlink/) valid against the kernel's schema, and the
#   uapi header generated from it by the kernel's ynl-gen-c.py defining the
#   same names with the same values as kmod/uapi/linux/ptp_unified.h; the
#   knob table (kmod/knob_table.h) restated alike by the spec, docs/ABI/ and
#   docs/interfaces.md (scripts/knobs_check.py); and Kbuild refusing, with
#   its reason, a kernel configured without 64BIT or ARCH_SUPPORTS_INT128
#   (each turned off on the command line).
# Needs build/linux-src (make linux-src).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
B=$top/build
CP=$B/linux-src/scripts/checkpatch.pl
n=0 failed=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }

echo "TAP version 13"
cp_args=(--strict --no-tree --quiet --show-types)
# With the fault checks' test-only RTC driver (selftests/rtc_fault/).
files=$(ls kmod/*.c kmod/*.h kmod/uapi/linux/*.h selftests/rtc_fault/*.c | grep -v '^kmod/compat.h$')
if out=$(perl "$CP" "${cp_args[@]}" -f $files 2>&1) &&
	out2=$(perl "$CP" "${cp_args[@]}" --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON -f kmod/compat.h 2>&1); then
	ok "checkpatch --strict kmod/ ($(echo $files kmod/compat.h | wc -w) files)"
else
	echo "$out" "${out2:-}" | sed 's/^/# /'
	not_ok "checkpatch --strict kmod/"
fi

# Debian's python3 with python3-yaml and python3-jsonschema (scripts/deps.sh).
spec=docs/netlink/ptp_unified.yaml
if out=$(/usr/bin/python3 scripts/nlspec_check.py "$B/linux-src" "$spec" kmod/uapi/linux/ptp_unified.h 2>&1); then
	echo "$out"
	ok "netlink spec $spec valid and the same as kmod/uapi/linux/ptp_unified.h"
else
	echo "$out" | sed 's/^\([^#]\)/# \1/'
	not_ok "netlink spec $spec valid and the same as kmod/uapi/linux/ptp_unified.h"
fi

table=kmod/knob_table.h
abi=docs/ABI/sysfs-class-ptp-ptp_unified
if out=$(/usr/bin/python3 scripts/knobs_check.py "$table" "$spec" "$abi" docs/interfaces.md 2>&1); then
	echo "$out"
	ok "knob table $table restated alike by $spec, $abi and docs/interfaces.md"
else
	echo "$out" | sed 's/^\([^#]\)/# \1/'
	not_ok "knob table $table restated alike by $spec, $abi and docs/interfaces.md"
fi

kernels=${KERNELS:-$(cd /lib/modules && ls -d */build 2>/dev/null | sed 's,/build$,,')}
for k in $kernels; do
	d=$B/lint/$k
	rm -rf "$d"
	mkdir -p "$d"
	cp -r Kbuild kmod "$d/"
	log=$d/build.log
	if make -C "/lib/modules/$k/build" M="$d" W=1 C=2 modules >"$log" 2>&1; then
		if grep -E 'warning:|error:|: sparse: ' "$log" >/dev/null; then
			grep -E 'warning:|error:|: sparse: ' "$log" | sed 's/^/# /'
			not_ok "W=1 + sparse clean on $k"
		else
			ok "W=1 + sparse clean on $k ($(grep -c '  CHECK' "$log") files checked)"
		fi
	else
		tail -20 "$log" | sed 's/^/# /'
		not_ok "build with W=1 C=2 on $k"
	fi
	for opt in CONFIG_64BIT CONFIG_ARCH_SUPPORTS_INT128; do
		log=$d/refuse-$opt.log
		if make -C "/lib/modules/$k/build" M="$d" "$opt=" modules >"$log" 2>&1; then
			not_ok "Kbuild refuses $k without $opt: it built"
		elif grep "ptp_unified needs a 64-bit kernel with __int128" "$log" | grep -qF "$opt=''"; then
			ok "Kbuild refuses $k without $opt, saying why"
		else
			tail -5 "$log" | sed 's/^/# /'
			not_ok "Kbuild refuses $k without $opt, saying why"
		fi
	done
done
echo "1..$n"
[ $failed = 0 ]
