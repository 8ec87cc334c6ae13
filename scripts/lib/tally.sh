# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The tally that make check, make check-debug and make fuzz print: each
# check is one TAP line, the last line of the run is "N passed, N failed"
# (", N skipped" when any were). Sourced; the caller sets L (its log
# directory) and t0 (its start, date +%s).
#
# A CI log may keep only the head and the tail of the output, so every
# failure is told twice: where it happens, with its context, and again in
# a short list just above the tally line (why_list), which says why.
passed=0 failed=0 skipped=0
why_list=

# why_add LINE...: add lines to the list finish prints above the tally.
why_add() {
	local l
	for l in "$@"; do
		[ -z "$l" ] || why_list+=$(printf '%s\n' "$l" | sed 's/^/  /')$'\n'
	done
}

# shellcheck disable=SC2154 # t0 is the caller's
say() { echo "[$(($(date +%s) - t0))s] $*"; }

# tally_tap FILE WHAT: count one TAP stream's top-level results into the
# tally. Each failure is shown with the diagnostics the test printed before
# its result (its last 60 "# " lines), so that a CI log says why, not only
# what; its reasons (the diagnostics a guest check marks "FAILED:", or its
# last 5 when it marks none) go to the list above the tally line. A stream
# without any result is a failure of its own.
tally_tap() {
	local file=$1 what=$2 p f s
	p=$(grep -cE '^ok [0-9]+' "$file")
	s=$(grep -E '^ok [0-9]+' "$file" | grep -ciE '# SKIP')
	f=$(grep -cE '^not ok [0-9]+' "$file")
	passed=$((passed + p - s))
	skipped=$((skipped + s))
	failed=$((failed + f))
	awk -v what="$what" '
		/^(not )?ok [0-9]+/ {
			if ($1 == "not") {
				print "  FAIL " what ": " $0
				for (i = (n > 60 ? n - 60 : 0); i < n; i++)
					print "      " d[i % 60]
			}
			n = 0
			next
		}
		/^#/ { d[n++ % 60] = $0 }
	' "$file"
	[ "$f" = 0 ] || why_add "$(awk -v what="$what" '
		/^(not )?ok [0-9]+/ {
			if ($1 == "not") {
				print what ": " $0
				if (m > 0)
					for (i = 0; i < m && i < 12; i++)
						print "    " r[i]
				else
					for (i = (n > 5 ? n - 5 : 0); i < n; i++)
						print "    " d[i % 5]
			}
			n = 0
			m = 0
			next
		}
		/^#/ { d[n++ % 5] = $0 }
		/^#.*FAILED:/ { r[m++] = $0 }
	' "$file")"
	if [ "$p" = 0 ] && [ "$f" = 0 ]; then
		failed=$((failed + 1))
		say "FAIL $what: no results (log: $file)"
		tail -n 25 "$file" | sed 's/^/    /'
		why_add "$what: no results (log: $file)"
		return
	fi
	say "$what: $((p - s)) passed, $f failed, $s skipped"
}

# step NAME CMD...: a step that is one check, passed or failed by its exit
# status; a failure shows the tail of its log.
step() {
	local name=$1 log=$L/$1.log
	shift
	if "$@" >"$log" 2>&1; then
		passed=$((passed + 1))
		say "PASS $name"
	else
		failed=$((failed + 1))
		say "FAIL $name (log: $log)"
		tail -n 25 "$log" | sed 's/^/    /'
		why_add "$name (log: $log):"
		why_add "$(tail -n 5 "$log" | sed 's/^/    /')"
		return 1
	fi
}

# tap_step NAME CMD...: a step whose output is TAP: every line counts, and
# a non-zero exit without a failed test is a failure too.
tap_step() {
	local name=$1 log=$L/$1.tap
	shift
	"$@" >"$log" 2>&1
	local rc=$?
	tally_tap "$log" "$name"
	if [ $rc != 0 ] && ! grep -qE '^not ok [0-9]+' "$log"; then
		failed=$((failed + 1))
		say "FAIL $name exited $rc without a failed test (log: $log)"
		tail -n 25 "$log" | sed 's/^/    /'
		why_add "$name exited $rc without a failed test (log: $log)"
	fi
}

# finish WHAT: the time taken, the tally line, and the exit status.
finish() {
	if [ -n "$why_list" ]; then
		echo "Why the failed checks failed (their full context is above):"
		printf '%s' "$why_list" | head -n 60
	fi
	say "$1 took $(($(date +%s) - t0))s"
	if [ "$skipped" -gt 0 ]; then
		echo "$passed passed, $failed failed, $skipped skipped"
	else
		echo "$passed passed, $failed failed"
	fi
	[ "$failed" = 0 ]
	exit
}

# tally_guest WHAT OUT LOG RC: tally the TAP of the guest run in OUT (its
# run-guest.sh output in LOG, its status RC); a run that did not finish is
# a failure of its own, shown with its log.
tally_guest() {
	local what=$1 out=$2 log=$3 rc=$4
	[ ! -f "$log.note" ] || say "NOTE $what: $(cat "$log.note")"
	if [ "$rc" = 0 ]; then
		tally_tap "$out/tap.txt" "$what"
		say "$(tail -1 "$log")"
		return
	fi
	[ -s "$out/tap.txt" ] && tally_tap "$out/tap.txt" "$what"
	failed=$((failed + 1))
	say "FAIL $what did not finish"
	sed 's/^/    /' "$log"
	why_add "$what did not finish (log: $log):"
	why_add "$(tail -n 5 "$log" | sed 's/^/    /')"
}
