#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `make deb`, then checks on what it built: the packages and their versions
# (VERSION, debian/changelog, the installed dkms.conf and phc-steer --version
# must agree), what each ships where, and lintian (every tag, down to
# pedantic, is a failure unless debian/*.lintian-overrides justifies it).
# TAP on stdout.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/deb
ver=$(cat "$top/VERSION")
arch=$(dpkg --print-architecture)
dkms_deb=$out/ptp-unified-dkms_${ver}_all.deb
steer_deb=$out/phc-steer_${ver}_${arch}.deb
changes=$out/ptp-unified_${ver}_${arch}.changes

n=0 failures=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failures=$((failures + 1)); echo "not ok $n - $*"; }
check() { # check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

echo "TAP version 13"
echo "1..7"
t0=$(date +%s)
if make -s -C "$top" deb >"$top/build/deb-make.log" 2>&1 && [ -f "$dkms_deb" ] && [ -f "$steer_deb" ]; then
	ok "make deb: $(basename "$dkms_deb") $(basename "$steer_deb") ($(($(date +%s) - t0))s)"
else
	not_ok "make deb (log: build/deb-make.log, build/deb/build.log)"
	tail -n 20 "$top/build/deb-make.log" | sed 's/^/# /'
	for i in 2 3 4 5 6 7; do echo "not ok $i - skipped: no packages"; done
	exit 1
fi

x=$(mktemp -d)
trap 'rm -rf "$x"' EXIT
dpkg-deb -x "$dkms_deb" "$x/dkms"
dpkg-deb -x "$steer_deb" "$x/steer"
dpkg-deb -e "$dkms_deb" "$x/dkms.ctl"
dpkg-deb -e "$steer_deb" "$x/steer.ctl"

# One version everywhere.
cl=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
dv=$(dpkg-deb -f "$dkms_deb" Version)
sv=$(dpkg-deb -f "$steer_deb" Version)
cv=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$x/dkms/usr/src/ptp-unified-$ver/dkms.conf")
pv=$("$x/steer/usr/sbin/phc-steer" --version 2>&1)
echo "# VERSION $ver, changelog $cl, debs $dv $sv, dkms.conf $cv, '$pv'"
check "one version: VERSION = changelog = packages = dkms.conf = phc-steer --version" \
	test "$cl $dv $sv $cv $pv" = "$ver $ver $ver $ver phc-steer $ver"

has_all() { # has_all ROOT PATH...
	local r=$1 p missing=0
	shift
	for p in "$@"; do
		[ -e "$r/$p" ] || { echo "# missing: $p"; missing=1; }
	done
	return $missing
}
check "ptp-unified-dkms ships the module source, dkms.conf, udev rule, modules-load.d, modprobe.d, chrony example" \
	has_all "$x/dkms" "usr/src/ptp-unified-$ver/dkms.conf" "usr/src/ptp-unified-$ver/Kbuild" \
	"usr/src/ptp-unified-$ver/kmod/main.c" lib/udev/rules.d/60-ptp-unified.rules \
	usr/lib/modules-load.d/ptp-unified.conf etc/modprobe.d/ptp-unified.conf \
	usr/share/doc/ptp-unified-dkms/examples/chrony/ptp_unified.conf
check "phc-steer ships the binary, the unit, the config file, the man page and the ClockBound reader" \
	has_all "$x/steer" usr/sbin/phc-steer lib/systemd/system/phc-steer.service \
	etc/phc-steer.conf usr/share/man/man8/phc-steer.8.gz \
	usr/share/doc/phc-steer/examples/clockbound/clockbound_shm.h \
	usr/share/doc/phc-steer/examples/clockbound/clockbound_example.c
conffiles() {
	grep -qx /etc/phc-steer.conf "$x/steer.ctl/conffiles" &&
		grep -qx /etc/modprobe.d/ptp-unified.conf "$x/dkms.ctl/conffiles"
}
check "conffiles: /etc/phc-steer.conf and /etc/modprobe.d/ptp-unified.conf" conffiles
# The dkms package's maintainer scripts register it with DKMS; phc-steer's
# enable the unit.
if grep -q 'common.postinst' "$x/dkms.ctl/postinst" && grep -q "deb-systemd-helper enable 'phc-steer.service'" "$x/steer.ctl/postinst"; then
	ok "maintainer scripts: dkms registration, phc-steer.service enabled"
else
	not_ok "maintainer scripts: dkms registration, phc-steer.service enabled"
fi

# lintian: every tag down to pedantic fails; overridden ones are only shown.
lintian -I --pedantic --fail-on error,warning,info,pedantic "$changes" >"$out/lintian.txt" 2>&1
rc=$?
lintian -I --pedantic --show-overrides "$changes" 2>&1 |
	grep -v -e 'running with root privileges' -e '^N: ' | sed 's/^/# lintian: /'
if [ $rc = 0 ]; then
	ok "lintian clean down to pedantic ($(lintian -I --pedantic --show-overrides "$changes" 2>/dev/null | grep -c '^O:') tag(s) overridden with a reason)"
else
	grep -v 'running with root privileges' "$out/lintian.txt" | sed 's/^/# /'
	not_ok "lintian: tags above"
fi
[ "$failures" = 0 ]
