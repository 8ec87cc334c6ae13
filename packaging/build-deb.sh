#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make deb: the Debian packages ptp-unified-dkms and phc-steer, built with
# dpkg-buildpackage from a copy of the tree in build/deb/ptp-unified-VERSION (the tree itself
# stays clean). The copy holds what git would commit: tracked files and new
# files that are not ignored (without git: everything but build/ and .git).
# Results: build/deb/*.deb, *.changes, *.buildinfo; the log is
# build/deb/build.log.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/deb
ver=$(cat "$top/VERSION")
src=$out/ptp-unified-$ver

rm -rf "$out"
mkdir -p "$src"
cd "$top"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -co --exclude-standard -z |
		while IFS= read -r -d '' f; do
			case $f in build/*) continue ;; esac
			[ -e "$f" ] && printf '%s\0' "$f"
		done | tar -cf - --null -T - | tar -xf - -C "$src"
else
	tar -cf - --exclude=./build --exclude=./.git . | tar -xf - -C "$src"
fi

cd "$src"
echo "deb: building ptp-unified $ver in $src"
if ! dpkg-buildpackage -us -uc -b >"$out/build.log" 2>&1; then
	tail -40 "$out/build.log" >&2
	echo "deb: dpkg-buildpackage failed (log: $out/build.log)" >&2
	exit 1
fi
ls -1 "$out"/*.deb
