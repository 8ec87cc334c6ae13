# SPDX-License-Identifier: GPL-2.0-only
#
# Sourced by run-suite.sh inside a test guest. On the debug kernel of
# `make check-debug` (KASAN, lockdep, DEBUG_ATOMIC_SLEEP, kmemleak, UBSAN:
# selftests/debug/debug.config) it sets debug=1 and provides:
#   debug_start          at the start of the suite: mounts debugfs, takes
#                        kmemleak's scanning into the suite's hands, and lists
#                        what the checkers found during boot (not ours: the
#                        module is not loaded yet)
#   debug_judge FILE     for dmesg_clean: splits the kernel log since the
#                        tests started into reports and attributes each one
#   t_kmemleak           unloads the module, scans twice, judges the leaks
#   t_lockdep_on         lockdep was still validating at the end
# Attribution: a report is ours when any line of it, other than "Modules
# linked in:" and the module's own messages, names the module (ptp_unified, a ptpu_ symbol, a frame tagged
# [ptp_unified]) or, in a kmemleak backtrace, is a frame in module space that
# no longer resolves (the only module this kernel loads is ptp_unified, and
# it is unloaded before the scan). Ours fail the check; the others are printed
# in full as diagnostics, marked "not ours", and do not fail it.
debug=
[ -d /sys/kernel/debug ] && ! grep -q ' /sys/kernel/debug debugfs' /proc/mounts &&
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
if [ -e /proc/lockdep ] || [ -e /sys/kernel/debug/kmemleak ]; then
	debug=1
fi
KML=/sys/kernel/debug/kmemleak

# A report starts at a line matching run-suite.sh's bad_re.
ours_re='ptp_unified|ptpu_'

# split_reports FILE: one report per paragraph on stdout (reports separated
# by a line "@@@@"). A report runs from a line matching bad_re to the next
# such line, the end of a KASAN/UBSAN box, "---[ end trace" or 200 lines.
split_reports() {
	awk -v re="$bad_re" '
		function close_r() { if (inr) print "@@@@"; inr = 0 }
		{
			line = $0
			sub(/^\[ *[0-9.]+\] /, "", line)
			if (line ~ re) { close_r(); inr = 1; n = 0 }
			if (!inr) next
			print $0; n++
			if (line ~ /^---\[ end trace/ || (n > 3 && line ~ /^====================/) || n >= 200) close_r()
		}
		END { close_r() }' "$1"
}

# judge_reports FILE KIND: print each report in FILE, ours first; the exit
# status is 1 when any report is ours.
judge_reports() {
	rm -f /tmp/rep.ours /tmp/rep.other
	split_reports "$1" | awk -v ours="$ours_re" '
		/^@@@@$/ {
			f = mine ? "/tmp/rep.ours" : "/tmp/rep.other"
			printf "%s", buf >> f
			print "" >> f
			buf = ""; mine = 0; next
		}
		{
			buf = buf $0 "\n"
			line = $0
			sub(/^\[ *[0-9.]+\] /, "", line)
			# Not the list of loaded modules, nor the module'"'"'s own
			# messages that happen to follow a report in the log.
			if (line ~ ours && line !~ /Modules linked in:/ &&
			    (line !~ /^ptp_unified[ :]/ || line ~ /\+0x/)) mine = 1
		}'
	n_ours=0 n_other=0
	[ ! -f /tmp/rep.ours ] || n_ours=$(grep -c '^$' /tmp/rep.ours)
	[ ! -f /tmp/rep.other ] || n_other=$(grep -c '^$' /tmp/rep.other)
	if [ "$n_ours" -gt 0 ]; then
		echo "=== $n_ours $2 report(s) involving ptp_unified:"
		cat /tmp/rep.ours
	fi
	if [ "$n_other" -gt 0 ]; then
		echo "=== $n_other $2 report(s) not involving ptp_unified (not ours, not a failure):"
		cat /tmp/rep.other
	fi
	[ "$n_ours" = 0 ]
}

debug_lockdep_on() {
	[ -e /proc/lockdep_stats ] && grep -qE '^ *debug_locks: +1' /proc/lockdep_stats
}

debug_start() {
	lockdep=absent kml=absent
	# Debian's kernels set the system clock from rtc0 when it registers
	# (RTC_HCTOSYS); the debug kernel does not, and its system clock is
	# then off by the time its slow early boot lost (seen: 5.7 s in TCG),
	# which fails checks that compare the clock with date. Do what those
	# kernels do.
	if ! dmesg | grep -q 'setting system clock to' && [ -e /dev/rtc0 ]; then
		t_before=$(date +%s)
		if hwclock -s -u 2>/dev/null; then
			echo "# debug kernel: no RTC_HCTOSYS: system clock set from rtc0 as Debian's kernels do at boot: stepped by $(($(date +%s) - t_before)) s"
		fi
	fi
	if [ -e /proc/lockdep_stats ]; then
		if debug_lockdep_on; then lockdep=on; else lockdep=OFF; fi
	fi
	if [ -e $KML ]; then
		# No automatic scans in the middle of timed checks; the suite scans
		# itself at the end. What boot left unreferenced is not ours (the
		# module is not loaded yet): clear forgets what a scan has already
		# found, the attribution sorts out the rest.
		if echo scan=off >$KML 2>/dev/null && echo clear >$KML 2>/dev/null; then
			kml=on
		else
			kml="disabled ($(dmesg | grep -m1 'kmemleak:.*disabled' || echo 'writes refused'))"
		fi
	fi
	echo "# debug kernel: lockdep $lockdep, kmemleak $kml, KASAN $(dmesg | grep -q 'KernelAddressSanitizer initialized' && echo on || echo absent)$(grep -qw kasan_multi_shot /proc/cmdline && echo ' (multi-shot)'), $(dmesg | grep -c 'Modules linked in') kernel warnings at boot"
	dmesg >/tmp/dmesg.boot
	if ! judge_reports /tmp/dmesg.boot boot-time >/tmp/debug.boot; then
		echo "# debug: a boot-time report names ptp_unified before it was loaded?"
	fi
	if [ -s /tmp/debug.boot ]; then
		echo "# debug: the kernel's own reports during boot, before the tests:"
		sed 's/^/#   /' /tmp/debug.boot
	fi
}

debug_judge() {
	judge_reports "$1" "kernel log"
}

t_lockdep_on() {
	if debug_lockdep_on; then
		echo "lockdep still validating at the end ($(grep -E 'dependency chains|lock-classes' /proc/lockdep_stats | tr -s ' ' | tr '\n' ';'))"
		return 0
	fi
	echo "lockdep turned itself off: whatever locking ran after that went unchecked"
	dmesg | grep -B2 -A2 'turning off the locking correctness validator'
	return 1
}

t_kmemleak() {
	[ -e $KML ] || { echo "no $KML"; return 1; }
	if grep -q '^ptp_unified ' /proc/modules; then
		# Background readers of earlier checks hold it for a moment at most.
		k=0
		until rmmod ptp_unified 2>/dev/null; do
			k=$((k + 1))
			[ $k -lt 50 ] || { echo "rmmod ptp_unified kept failing"; return 1; }
			sleep 0.2
		done
		echo "ptp_unified unloaded"
	fi
	# kmemleak reports objects older than 5 s that two scans found
	# unreferenced and unchanged.
	sleep 6
	echo scan >$KML || { echo "kmemleak refuses to scan (disabled?)"; dmesg | grep kmemleak; return 1; }
	sleep 6
	echo scan >$KML || return 1
	cat $KML >/tmp/kmemleak.txt
	total=$(grep -c '^unreferenced object' /tmp/kmemleak.txt)
	echo "$total unreferenced object(s) since the suite started"
	# One report per object; a backtrace frame in module space that no
	# longer resolves is the unloaded ptp_unified's.
	awk '
		/^unreferenced object/ { if (buf != "") { print buf; print "@@@@" } buf = $0; next }
		{ buf = buf "\n" $0 }
		END { if (buf != "") { print buf; print "@@@@" } }' /tmp/kmemleak.txt |
		sed 's/^\( *\[<[0-9a-f]*>\]\) \(0x[0-9a-f]*\)$/\1 \2 (unloaded module: ptp_unified)/' >/tmp/kml.split
	rm -f /tmp/rep.ours /tmp/rep.other
	awk -v ours="$ours_re" '
		/^@@@@$/ {
			f = mine ? "/tmp/rep.ours" : "/tmp/rep.other"
			printf "%s", buf >> f
			print "" >> f
			buf = ""; mine = 0; next
		}
		{ buf = buf $0 "\n"; if ($0 ~ ours) mine = 1 }' /tmp/kml.split
	n_ours=0 n_other=0
	[ ! -f /tmp/rep.ours ] || n_ours=$(grep -c '^unreferenced object' /tmp/rep.ours)
	[ ! -f /tmp/rep.other ] || n_other=$(grep -c '^unreferenced object' /tmp/rep.other)
	if [ "$n_ours" -gt 0 ]; then
		echo "=== $n_ours leak(s) allocated by ptp_unified:"
		cat /tmp/rep.ours
	fi
	if [ "$n_other" -gt 0 ]; then
		echo "=== $n_other leak(s) not allocated by ptp_unified (not ours, not a failure):"
		cat /tmp/rep.other
	fi
	[ "$n_ours" = 0 ]
}
