# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The tally that make check, make check-debug and make fuzz print: each
# check is one TAP line, the last line of the run is "N passed, N failed"
# (", N skipped" when any were). Sourced; the caller sets L (its log
# directory) and t0 (its start, date +%s).
#
# Nothing that failed may vanish from it:
# - a TAP stream counts every result, and is a failure of its own when it
#   has no plan, fewer (or more) results than its plan, or, for a guest
#   suite, no "# suite done" line: each named with the last check seen;
# - a guest run also fails on any kernel complaint on its consoles
#   (console_verdict, guest-retry.sh);
# - a run that was tried again (guest-retry.sh) keeps every not-ok of its
#   first run, and the closing lines say which runs were retried and why,
#   which known emulator warnings at boot were excused, and which checks
#   were skipped.
#
# A CI log may keep only the head and the tail of the output, so every
# failure is told twice: where it happens, with its context, and again in
# a short list just above the tally line (why_list), which says why.
passed=0 failed=0 skipped=0
why_list='' retried_list='' excused_list='' skipped_list=''

# console_verdict: what a guest console's kernel messages mean.
# shellcheck source=scripts/lib/guest-retry.sh
. "$(dirname "${BASH_SOURCE[0]}")/guest-retry.sh"

# why_add LINE...: add lines to the list finish prints above the tally.
why_add() {
	local l
	for l in "$@"; do
		[ -z "$l" ] || why_list+=$(printf '%s\n' "$l" | sed 's/^/  /')$'\n'
	done
}

# shellcheck disable=SC2154 # t0 is the caller's
say() { echo "[$(($(date +%s) - t0))s] $*"; }

# tap_summary FILE: one pass over a TAP stream, which may hold several
# documents (one per test program: each starts with "TAP version" or a
# result numbered 1, and ends with its trailing plan). Prints
#   P n / S n / F n      results passed, skipped, failed
#   K line               each skipped result (or "1..0 # SKIP" plan)
#   X problem            each document without a plan or with fewer or
#                        more results than its plan
#   L line               the last result ("none" when there was none)
tap_summary() {
	tr -d '\r' <"$1" 2>/dev/null | awk '
		function close_doc() {
			if (open && (count > 0 || plan >= 0)) {
				d++
				if (plan < 0)
					print "X document " d ": no plan (1..N), " count " result(s)"
				else if (count != plan)
					print "X document " d ": planned " plan ", " count " result(s) ran"
			}
			open = 1; count = 0; plan = -1; trailing = 0
		}
		BEGIN { open = 1; plan = -1; last = "none" }
		/^TAP version / { close_doc(); next }
		/^1\.\.[0-9]+/ {
			n = substr($1, 4) + 0
			if (plan >= 0) close_doc()
			plan = n
			if (n == 0 && $0 ~ /# *[Ss][Kk][Ii][Pp]/) { s++; print "K " $0 }
			if (count > 0) close_doc()
			next
		}
		/^(not )?ok [0-9]+/ {
			num = ($1 == "not") ? $3 : $2
			if (count > 0 && num + 0 == 1) close_doc()
			count++
			last = $0
			if ($1 == "not") f++
			else if ($0 ~ /# *[Ss][Kk][Ii][Pp]/) { s++; print "K " $0 }
			else p++
		}
		END {
			close_doc()
			print "P " p + 0; print "S " s + 0; print "F " f + 0
			print "L " last
		}'
}

# tap_failures FILE WHAT: each failed result with the diagnostics the test
# printed before it (its last 60 "# " lines), so that a CI log says why;
# its reasons (the diagnostics a guest check marks "FAILED:", or its last 5
# when it marks none) go to the list above the tally line.
tap_failures() {
	local file=$1 what=$2
	tr -d '\r' <"$file" | awk -v what="$what" '
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
	'
	why_add "$(tr -d '\r' <"$file" | awk -v what="$what" '
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
	')"
}

# fail_one WHAT REASON [LOG]: one failure that is not a TAP result.
fail_one() {
	failed=$((failed + 1))
	say "FAIL $1: $2${3:+ (log: $3)}"
	[ -z "${3:-}" ] || tail -n 25 "$3" | sed 's/^/    /'
	why_add "$1: $2${3:+ (log: $3)}"
}

# tally_tap FILE WHAT [MODE]: count one TAP stream into the tally.
# MODE plain (the default): the stream must be whole (tap_summary's
# problems, and a stream without any result, fail); guest: a guest
# suite's stream, which must also end with "# suite done" and a guest-init
# line saying the suite's shell exited 0; unfinished: a run that did not
# finish, whose caller fails it once (every result counts, nothing more is
# asked); first-run: the first run of a retried guest run, whose checks
# ran again: only its failures count.
tally_tap() {
	local file=$1 what=$2 mode=${3:-plain} sum p s f last x exit_line
	sum=$(tap_summary "$file")
	p=$(sed -n 's/^P //p' <<<"$sum")
	s=$(sed -n 's/^S //p' <<<"$sum")
	f=$(sed -n 's/^F //p' <<<"$sum")
	last=$(sed -n 's/^L //p' <<<"$sum")
	failed=$((failed + f))
	[ "$f" = 0 ] || tap_failures "$file" "$what"
	if [ "$mode" = first-run ]; then
		say "$what: $f failed of the $((p + s + f)) checks it ran before it was lost (they ran again)"
		return
	fi
	passed=$((passed + p))
	skipped=$((skipped + s))
	while IFS= read -r x; do
		[ -z "$x" ] || skipped_list+="  $what: $x"$'\n'
	done < <(sed -n 's/^K //p' <<<"$sum")
	say "$what: $p passed, $f failed, $s skipped"
	[ "$mode" != unfinished ] || return 0
	if [ $((p + s + f)) = 0 ] && ! grep -q '^K ' <<<"$sum"; then
		fail_one "$what" "no results" "$file"
		return
	fi
	while IFS= read -r x; do
		[ -z "$x" ] || fail_one "$what" "incomplete stream: $x; last check seen: $last"
	done < <(sed -n 's/^X //p' <<<"$sum")
	if [ "$mode" = guest ]; then
		if ! tr -d '\r' <"$file" | grep -q '^# suite done'; then
			fail_one "$what" "no '# suite done' line: the suite stopped after: $last"
		fi
		exit_line=$(tr -d '\r' <"$file" | grep -m1 '^# ptpu: guest done')
		if [ "$exit_line" != "# ptpu: guest done (suite exit 0)" ]; then
			fail_one "$what" "the suite's shell did not exit 0 ('${exit_line:-no guest done line}'); last check seen: $last"
		fi
	fi
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

# tap_step NAME CMD...: a step whose output is TAP: every line counts, the
# stream must be whole, and a non-zero exit without a failed test is a
# failure too.
tap_step() {
	local name=$1 log=$L/$1.tap
	shift
	"$@" >"$log" 2>&1
	local rc=$?
	tally_tap "$log" "$name"
	if [ $rc != 0 ] && ! grep -qE '^not ok [0-9]+' "$log"; then
		fail_one "$name" "exited $rc without a failed test" "$log"
	fi
}

# tally_consoles OUT WHAT: a guest run's consoles (console.log, and nested
# l2-console.log) are one check: any kernel complaint fails it; the known
# emulator warnings at boot that guest-retry.sh excuses are listed in the
# closing lines.
tally_consoles() {
	local out=$1 what=$2 f v x bad=0
	for f in console.log l2-console.log; do
		[ -f "$out/$f" ] || continue
		v=$(console_verdict "$out/$f")
		while IFS= read -r x; do
			[ -z "$x" ] || excused_list+="${x#excused: }"$'\t'"$what ($f)"$'\n'
		done < <(grep '^excused: ' <<<"$v")
		if grep -q '^complaint: ' <<<"$v"; then
			bad=1
			fail_one "$what" "kernel complaint on $f: $(sed -n 's/^complaint: //p' <<<"$v" | head -n 1) ($(grep -c '^complaint: ' <<<"$v") line(s); console: $out/$f)"
			sed -n 's/^complaint: /      /p' <<<"$v" | head -n 20
		fi
	done
	if [ $bad = 0 ]; then
		passed=$((passed + 1))
		say "PASS $what: no kernel complaint on its consoles"
	fi
}

# run_end LOG: how run-guest.sh said a run that did not finish ended
# (killed at its timeout, or its QEMU's exit), from its output LOG.
run_end() {
	sed -n 's/^run-guest: .*) \(killed after [0-9]*s: hung\|ended without finishing its tests (qemu exit [0-9]*)\)$/\1/p' "$1" 2>/dev/null |
		tail -n 1 | grep . || echo "no end reported by run-guest"
}

# last_words OUT: the last lines a run that did not finish wrote, for the
# closing lines (CI keeps only the tail of make check's output): L1's last
# line, and the last three of the test guest's console that are not
# heartbeats (L2's on a nested run).
last_words() {
	local out=$1 con=$1/console.log
	[ ! -f "$out/l1.log" ] || {
		echo "  L1's last line: $(grep -v '^L1 dmesg: ' "$out/l1.log" | tail -n 1)"
		con=$out/l2-console.log
	}
	[ -f "$con" ] || return 0
	echo "  the last lines on ${con##*/}:"
	tr -d '\r' <"$con" | grep -v '^ptpu-guest: heartbeat ' | tail -n 3 | cut -c1-160 | sed 's/^/    /'
}

# tally_guest WHAT OUT LOG RC: tally the guest run in OUT (its run-guest.sh
# output in LOG, its status RC): its TAP, its consoles, and the first run
# when it was tried again (OUT.try1, guest-retry.sh). A run that did not
# finish is a failure of its own, shown with its log and with why it was
# not tried again.
tally_guest() {
	local what=$1 out=$2 log=$3 rc=$4 last
	if [ -d "$out.try1" ]; then
		retried_list+="  $what: $(sed 's/^retry: //' "$out.try1/retry-verdict") (first run: $out.try1)"$'\n'
		say "NOTE $what was tried again: $(cat "$out.try1/retry-verdict")"
		tally_tap "$out.try1/tap.txt" "$what (first run)" first-run
		tally_consoles "$out.try1" "$what (first run)"
	fi
	if [ "$rc" = 0 ]; then
		tally_tap "$out/tap.txt" "$what" guest
		say "$(tail -1 "$log")"
	else
		[ ! -f "$out/tap.txt" ] || tally_tap "$out/tap.txt" "$what" unfinished
		last=$(tap_summary "$out/tap.txt" 2>/dev/null | sed -n 's/^L //p')
		fail_one "$what" "did not finish ($(run_end "$log")); last check seen: ${last:-none}; $(cat "$out/retry-verdict" 2>/dev/null || echo 'not judged for a retry')" "$log"
		why_add "$(last_words "$out")"
	fi
	tally_consoles "$out" "$what"
}

# finish WHAT: the closing lines (why the failed checks failed, the runs
# tried again, the excused boot warnings, the skipped checks), the time
# taken, the tally line, and the exit status.
finish() {
	if [ -n "$why_list" ]; then
		echo "Why the failed checks failed (their full context is above):"
		printf '%s' "$why_list" | head -n 60
	fi
	echo "Runs tried again: $(printf '%s' "$retried_list" | grep -c .)"
	printf '%s' "$retried_list"
	if [ -n "$excused_list" ]; then
		echo "Known emulator warnings excused at boot, before the suite (scripts/lib/guest-retry.sh):"
		printf '%s' "$excused_list" | awk -F '\t' '
			!($1 in where) { order[n++] = $1 }
			{ where[$1] = where[$1] (where[$1] == "" ? "" : ", ") $2; count[$1]++ }
			END { for (i = 0; i < n; i++) print "  " order[i] "\n    " count[order[i]] "x: " where[order[i]] }'
	fi
	if [ -n "$skipped_list" ]; then
		echo "Skipped: $skipped"
		printf '%s' "$skipped_list"
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
