#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The C programs the docs show users compile as they stand: each ```c block
# of each DOC that has a main() is cut out and built as a user would build
# it, with the ClockBound reader's folder on the include path
# (docs/install.md: -I/usr/share/doc/phc-steer/examples/clockbound), and
# with -Wall -Wextra -Werror. A doc whose example no longer compiles fails
# here, not in a user's hands. TAP, one line per program.
#
# usage: doc_examples.sh OUTDIR CC DOC...
set -u
out=$1 cc=$2
cb=$(cd "$(dirname "$0")/../clockbound" && pwd)
shift 2
mkdir -p "$out"
n=0 failed=0
for doc in "$@"; do
	name=$(basename "$doc" .md)
	rm -f "$out/$name"-*
	# Block k of the doc into $out/NAME-k.c.
	awk -v base="$out/$name" '
		/^```c$/ { k++; inside = 1; f = base "-" k ".c"; printf "" >f; next }
		/^```/ && inside { inside = 0; close(f); next }
		inside { print >>f }
	' "$doc"
	for src in "$out/$name"-*.c; do
		[ -e "$src" ] || continue
		grep -q '^int main(' "$src" || continue
		n=$((n + 1))
		if $cc -std=gnu11 -O2 -Wall -Wextra -Werror -I"$cb" -o "${src%.c}" "$src" \
			>"${src%.c}.log" 2>&1; then
			echo "ok $n - $doc: $(basename "$src") compiles"
		else
			sed 's/^/# /' "${src%.c}.log"
			echo "not ok $n - $doc: $(basename "$src") does not compile"
			failed=$((failed + 1))
		fi
	done
done
if [ $n = 0 ]; then
	echo "not ok 1 - no C program found in $*"
	n=1 failed=1
fi
echo "1..$n"
[ $failed = 0 ]
