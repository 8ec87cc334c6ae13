# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The one place that decides whether a guest run lost is tried again, and
# what in a guest's console is a kernel complaint (docs/testing.md, "Retry
# rules", says the same in words). Sourced by make check, make check-debug,
# make demo and make bench (selftests/bench/l1-bench.sh, in L1), and by the
# tally (scripts/lib/tally.sh), which fails a run on any complaint.
#
# The rules:
# 1. A run whose consoles show a kernel complaint (kernel_complaint: the
#    list in selftests/lib/kernel-complaints.sh, the one dmesg_clean uses)
#    is never tried again. The only lines excused are known warnings of
#    the emulated CPU that a kernel prints while it boots, matched exactly
#    (boot_excused_re) and only before the console says the suite (or L1's
#    script) starts, so before anything loaded the module; the tally prints
#    each one it excused.
# 2. A run is tried again at most once, and only when the emulator lost it:
#    - L1 never booted: not a byte on its console (the module never ran);
#    - L1 stopped dead: its QEMU exited 0 as on a triple fault, L1's console
#      silent, before L2 exited (a guest cannot stop its host but through
#      the emulated SVM);
#    - a silent or dead L2 (its QEMU exited before its tests finished, a
#      restored L2 said nothing for 300 s, a running L2 neither beat its
#      heart nor wrote TAP for 180 s, a bench L2's truth log stalled)
#      only when L1's view of it (selftests/vm/l2-view.sh) shows an emulator
#      stop (emulator_stop).
# 3. Every not-ok of the first run still counts, and the tally names every
#    retried run and why (the first run stays in OUT.try1).

# kernel_complaint_re, kernel_report_re
# shellcheck source=selftests/lib/kernel-complaints.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../selftests/lib/kernel-complaints.sh"

# The emulated CPU's warnings at boot, whole lines (after the timestamp).
# QEMU's EPYC model (L1 under TCG, and L2 with -cpu host inside it) has no
# SRSO microcode, and reports an XSAVE area size that disagrees with its
# feature bits: the kernel says so while it boots, in start_kernel(), long
# before user space runs (seen on every nested run, 6.1 and 6.12).
boot_excused_re='^(Speculative Return Stack Overflow: WARNING: See https://kernel\.org/doc/html/latest/admin-guide/hw-vuln/srso\.html for mitigation options\.|WARNING: CPU: 0 PID: 0 at arch/x86/kernel/fpu/xstate\.c:[0-9]+ fpu__init_system_xstate\+0x[0-9a-f]+/0x[0-9a-f]+)$'

# console_verdict CONSOLE: every line of a guest console that is a kernel
# complaint, as "complaint: LINE", or a known emulator warning at boot, as
# "excused: LINE". Boot lasts until guest-init says the suite or L1's
# script starts ("ptpu-guest: ... starts").
console_verdict() {
	[ -f "$1" ] || return 0
	tr -d '\r' <"$1" | COMPLAINT_RE=$kernel_complaint_re EXCUSED_RE=$boot_excused_re awk '
		/^ptpu-guest: .* starts/ { started = 1 }
		{ line = $0; sub(/^\[ *[0-9]+\.[0-9]+\] /, "", line) }
		line ~ ENVIRON["COMPLAINT_RE"] {
			if (!started && line ~ ENVIRON["EXCUSED_RE"])
				print "excused: " line
			else
				print "complaint: " line
		}'
}

# kernel_complaint CONSOLE: true when a guest console shows a complaint.
kernel_complaint() {
	console_verdict "$1" | grep -q '^complaint: '
}

# Functions a vCPU may be found spinning or waiting in for a lock the
# module could hold (its mutexes, the PTP, RTC and netlink cores' locks),
# or waiting on another CPU that does.
lock_fn_re='spin|_lock|lock_|mutex|rwsem|osq_|__down|semaphore|seqcount|seqlock|csd_lock|smp_call_function|stop_machine|wait_for_|synchronize_'

# system_map_of IMAGE: the symbols of a kernel image: Debian's
# /boot/vmlinuz-K's are build/vm/kallsyms-K (selftests/vm/kallsyms.sh:
# Debian's own System.map is a placeholder), a build tree's
# arch/x86/boot/bzImage's are the tree's System.map.
guest_retry_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
system_map_of() {
	case $1 in
	/boot/vmlinuz-*) echo "$guest_retry_top/build/vm/kallsyms-${1#/boot/vmlinuz-}" ;;
	*/arch/x86/boot/bzImage) echo "${1%/arch/x86/boot/bzImage}/System.map" ;;
	esac
}

# module_at CONSOLE RIP: the module RIP lies in, as "NAME+0xOFFSET", by
# the module addresses of the last heartbeat on a nested guest's CONSOLE.
module_at() {
	local m name rest base size
	for m in $(tr -d '\r' <"$1" 2>/dev/null | sed -n 's/^ptpu-guest: heartbeat [0-9.]* modules //p' | tail -n 1); do
		name=${m%%@*} rest=${m#*@}
		base=${rest%+*} size=${rest#*+}
		[[ $base =~ ^0x[0-9a-f]+$ && $size =~ ^[0-9]+$ ]] || continue
		if [ $((0x$2)) -ge $((base)) ] && [ $((0x$2)) -lt $((base + size)) ]; then
			printf '%s+0x%x\n' "$name" $((0x$2 - base))
			return 0
		fi
	done
	return 1
}

# rip_where MAP TEXT RIP [CONSOLE]: where a vCPU's RIP lies, for a kernel
# whose System.map is MAP and whose _text the running kernel has at TEXT
# (both hex; the difference is the KASLR offset). Prints "in FUNCTION" and
# succeeds for a kernel function that takes no lock, or for user space;
# prints why not and fails for the module area (anything outside the
# kernel's text: the module is named when CONSOLE's last heartbeat places
# it), a lock function, or an address it cannot resolve.
rip_where() {
	local map=$1 text=$2 rip=$3 console=${4:-} map_text addr sym mod
	if [ $((0x$rip)) -ge 0 ]; then
		echo "in user space (0x$rip)"
		return 0
	fi
	map_text=$(awk '$3 == "_text" { print $1; exit }' "$map" 2>/dev/null)
	if [ -z "$map_text" ] || [ -z "$text" ]; then
		echo "at 0x$rip, which cannot be resolved (no System.map or no _text from the guest)"
		return 1
	fi
	addr=$(printf '%016x' $((0x$rip - (0x$text - 0x$map_text))))
	sym=$(awk -v a="$addr" '
		$3 == "_text" { t = $1 } $3 == "_etext" { e = $1 }
		$1 <= a { s = $3 }
		END { if (t != "" && e != "" && a >= t && a < e) print s }' "$map")
	if [ -z "$sym" ]; then
		if mod=$(module_at "$console" "$rip"); then
			echo "at 0x$rip, outside the kernel's text: in module $mod (by the last heartbeat's module addresses)"
		else
			echo "at 0x$rip, outside the kernel's text: in a module (ptp_unified's, perhaps)"
		fi
		return 1
	fi
	if [[ $sym =~ $lock_fn_re ]]; then
		echo "in $sym, a lock or wait the module could be holding up"
		return 1
	fi
	echo "in $sym"
}

# emulator_stop VIEW CONSOLE: whether L1's view (VIEW, written by
# selftests/vm/l2-view.sh) of a silent or dead L2, whose console is
# CONSOLE, shows that the emulator stopped it. Prints the reason either
# way; succeeds only for a stop:
# - a silent L2: no heartbeat on its console in the 20 s between two
#   samples of its vCPUs, every vCPU's registers the same in both (it did
#   not execute), and every RIP rip_where-clean (not in the module area,
#   not in a lock function; a halted vCPU sits in the idle loop). A guest
#   whose task waits forever on one of the module's mutexes keeps its
#   heartbeat, and is reported by the hung-task detector besides;
# - a dead L2 (its QEMU exited): L1's KVM traced its shutdown exit (a
#   triple fault) at RIPs that are rip_where-clean. A module that corrupts
#   memory so that the kernel triple-faults elsewhere is not told apart
#   this way; its second run would fail again.
emulator_stop() {
	local view=$1 console=$2 image map text s1 s2 hb rip cpu where all=''
	[ -s "$view" ] || { echo "no view of L2 from L1"; return 1; }
	image=$(sed -n 's/^L1 view: L2 kernel image //p' "$view" | tail -n 1)
	map=$(system_map_of "$image")
	text=$(tr -d '\r' <"$console" 2>/dev/null |
		sed -n 's/^ptpu-guest: kernel .*, _text at \([0-9a-f]*\)$/\1/p' | tail -n 1)
	if grep -q '^L1 view: vCPUs 1: ' "$view"; then
		hb=$(sed -n 's/^L1 view: L2 heartbeats in 20 s: //p' "$view" | tail -n 1)
		if [ "$hb" != 0 ]; then
			echo "L2 was running: ${hb:-an unknown number of} heartbeat(s) in the 20 s L1 watched"
			return 1
		fi
		s1=$(sed -n 's/^L1 view: vCPUs 1: //p' "$view" | tail -n 1)
		s2=$(sed -n 's/^L1 view: vCPUs 2: //p' "$view" | tail -n 1)
		if [[ ! $s1 =~ RIP= ]] || [ "$s1" != "$s2" ]; then
			echo "L2's vCPUs were not frozen: '$s1' then '$s2'"
			return 1
		fi
		for rip in $(grep -oE 'RIP=[0-9a-f]+' <<<"$s1"); do
			cpu=$((cpu + 1))
			where=$(rip_where "$map" "$text" "${rip#RIP=}" "$console") || {
				echo "vCPU $((cpu - 1)) frozen $where"
				return 1
			}
			all+="${all:+, }vCPU $((cpu - 1)) $where"
		done
		echo "L2 frozen (no heartbeat in 20 s, registers unchanged): $all"
	elif grep -q '^L1 view: shutdown exit: ' "$view"; then
		while read -r cpu rip; do
			where=$(rip_where "$map" "$text" "${rip#0x}" "$console") || {
				echo "L2 triple-faulted on vCPU $cpu $where"
				return 1
			}
			all+="${all:+, }vCPU $cpu $where"
		done < <(sed -n 's/^L1 view: shutdown exit: vcpu \([0-9]*\) reason shutdown rip \(0x[0-9a-f]*\)$/\1 \2/p' "$view")
		echo "L2 triple-faulted (L1's KVM saw its shutdown exit): $all"
	else
		echo "L1 has no sample of L2's vCPUs nor a shutdown exit: $(grep -c . "$view") lines of view"
		return 1
	fi
}

# l2_retry_verdict VIEW CONSOLE: whether a silent or dead L2 (its console
# CONSOLE, L1's view of it VIEW) is tried again: "retry: REASON" and
# success, or "no retry: REASON" and failure. make check's nested runs
# (retry_verdict) and make bench's L2 guests (l1-bench.sh) ask this.
l2_retry_verdict() {
	local why
	why=$(console_verdict "$2" | sed -n 's/^complaint: //p' | head -n 1)
	if [ -n "$why" ]; then
		echo "no retry: a kernel complaint on L2's console: $why"
		return 1
	fi
	if why=$(emulator_stop "$1" "$2"); then
		echo "retry: $why"
		return 0
	fi
	echo "no retry: L2 went silent, but not by the emulator's doing: $why"
	return 1
}

# retry_verdict OUT [LOG]: whether the guest run in OUT (run-guest.sh's
# output in LOG) is tried again: prints "retry: REASON" and succeeds, or
# prints "no retry: REASON" and fails. Without LOG, L1 stopping dead is not
# told from a run killed at its timeout, and is not retried.
retry_verdict() {
	local out=$1 log=${2:-} f why
	for f in console.log l2-console.log; do
		why=$(console_verdict "$out/$f" | sed -n 's/^complaint: //p' | head -n 1)
		if [ -n "$why" ]; then
			echo "no retry: a kernel complaint on $f: $why"
			return 1
		fi
	done
	if [ ! -f "$out/l1.log" ]; then
		if [ -n "$log" ] && grep -q '^run-guest: nested guest (' "$log" &&
			[ ! -s "$out/console.log" ] && [ ! -s "$out/tap.txt" ]; then
			echo "retry: L1 never booted (emulator): not a byte on its console"
			return 0
		fi
		echo "no retry: not a nested run that the emulator lost"
		return 1
	fi
	if grep -qE 'L2 silent for |L2 stopped before its tests finished' "$out/l1.log"; then
		l2_retry_verdict "$out/l1-view.txt" "$out/l2-console.log"
		return
	fi
	if [ -n "$log" ] && grep -q 'ended without finishing its tests (qemu exit 0)' "$log" &&
		! grep -q '^L1: L2 exited' "$out/l1.log"; then
		echo "retry: L1 stopped dead without a word (emulator) after: $(grep '^L1: ' "$out/l1.log" | tail -n 1)"
		return 0
	fi
	echo "no retry: the run did not end in a way the emulator is known to cause"
	return 1
}

# run_guest_retrying OUT LOG ARGS...: selftests/vm/run-guest.sh --out OUT
# ARGS, its output in LOG. A run that did not finish is judged
# (retry_verdict, written to OUT/retry-verdict); one the emulator lost is
# moved to OUT.try1 and run once more. The status of the last run.
run_guest_retrying() {
	local out=$1 log=$2 try rc
	shift 2
	rm -rf "$out.try1"
	for try in 1 2; do
		selftests/vm/run-guest.sh --out "$out" "$@" >"$log" 2>&1
		rc=$?
		[ $rc != 0 ] || break
		retry_verdict "$out" "$log" >"$out/retry-verdict"
		grep -q '^retry: ' "$out/retry-verdict" || break
		if [ $try = 2 ]; then
			sed -i 's/^retry: /no retry: tried once already, lost again: /' "$out/retry-verdict"
			break
		fi
		cp "$log" "$out/run-guest.log"
		mv "$out" "$out.try1"
	done
	return $rc
}
