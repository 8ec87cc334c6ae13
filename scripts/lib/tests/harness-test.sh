#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The test machinery's own tests: scripts/lib/tally.sh and
# scripts/lib/guest-retry.sh fed fake streams, consoles and run folders,
# each of which must end as the rules say (docs/testing.md, "The tally"
# and "Retry rules"). No guest: it runs with make check's unit tests.
# TAP on stdout; each case's tally output, when it is not as expected, as
# diagnostics.
set -uo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
n=0 bad=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); bad=1; echo "not ok $n - $*"; }

# ---- fixtures ---------------------------------------------------------------

# A kernel's System.map (a build tree's, so system_map_of finds it) and the
# running kernel's _text 0x1ea00000 higher (KASLR).
tree=$tmp/tree
mkdir -p "$tree/arch/x86/boot"
image=$tree/arch/x86/boot/bzImage
cat >"$tree/System.map" <<'EOF'
0000000000000000 D __per_cpu_start
ffffffff81000000 T _text
ffffffff81000000 T startup_64
ffffffff81b3c400 T default_idle
ffffffff81b3c4a0 T native_queued_spin_lock_slowpath
ffffffff81b3c900 T __mutex_lock.constprop.0
ffffffff81b3cc00 T fpu__init_system_xstate
ffffffff81e00000 T _etext
ffffffff82000000 D _sdata
EOF
kaslr=$((0x1ea00000))
# at SYMBOL_ADDRESS: the running kernel's address of a System.map address + 0x12.
at() { printf '%x' $((0x$1 + 0x12 + kaslr)); }
idle=$(at ffffffff81b3c400) spin=$(at ffffffff81b3c4a0) mutex=$(at ffffffff81b3c900)
module=ffffffffc0a41234

# console_boot FILE [KIND]: a guest console up to the start of its suite,
# with the emulated CPU's SRSO notice and fpu xstate WARNING (nested).
console_boot() {
	{
		printf '[    0.936780] Speculative Return Stack Overflow: IBPB-extending microcode not applied!\r\n'
		printf '[    0.938642] Speculative Return Stack Overflow: WARNING: See https://kernel.org/doc/html/latest/admin-guide/hw-vuln/srso.html for mitigation options.\r\n'
		printf '[    0.959064] ------------[ cut here ]------------\r\n'
		printf '[    0.967025] XSAVE consistency problem: size 832 != kernel_size 576\r\n'
		printf '[    0.971445] WARNING: CPU: 0 PID: 0 at arch/x86/kernel/fpu/xstate.c:606 fpu__init_system_xstate+0x85a/0xb19\r\n'
		printf '[    0.978778] Modules linked in:\r\n'
		printf '[    1.086757] ---[ end trace 0000000000000000 ]---\r\n'
		printf 'ptpu-guest: kernel 6.1.0-57-amd64, _text at %x\r\n' $((0xffffffff81000000 + kaslr))
		printf 'ptpu-guest: suite full starts (kernel log record 437)\r\n'
		printf '[   27.510614] ptp_unified: loading out-of-tree module taints kernel.\r\n'
		printf 'ptpu-guest: heartbeat 33.22 modules ptp_unified@0xffffffffc0a40000+45056 ptp_kvm@0xffffffffc0a20000+16384 \r\n'
	} >"$1"
}
warn_module() {
	cat <<'EOF'
[   40.123456] ------------[ cut here ]------------
[   40.123460] WARNING: CPU: 1 PID: 312 at kmod/sysfs.c:88 enabled_store+0x5a/0x90 [ptp_unified]
[   40.123470] Modules linked in: ptp_unified(OE) ptp_kvm
[   40.123500] Call Trace:
[   40.123510]  <TASK>
[   40.123520]  kernfs_fop_write_iter+0x11c/0x1b0
[   40.123600] ---[ end trace 0000000000000000 ]---
EOF
}
hung_task() {
	cat <<'EOF'
[  245.771201] INFO: task sh:301 blocked for more than 120 seconds.
[  245.771900]       Tainted: G           OE      6.1.0-57-amd64 #1 Debian 6.1.192-3
[  245.772500] "echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.
[  245.773000] task:sh              state:D stack:0     pid:301   ppid:1      flags:0x00000000
[  245.773500] Call Trace:
[  245.774000]  <TASK>
[  245.774100]  __schedule+0x34d/0x9e0
[  245.774400]  __mutex_lock.constprop.0+0x399/0x700
EOF
}
rcu_stall() {
	cat <<'EOF'
[  130.501234] rcu: INFO: rcu_preempt self-detected stall on CPU
[  130.501240] rcu: 	1-....: (21002 ticks this GP) idle=b4c/1/0x4000000000000000 softirq=9152/9152 fqs=5171
[  130.501300] Call Trace:
[  130.501310]  <TASK>
EOF
}
# tap_full FILE [EXIT]: a whole guest suite stream (trailing plan, suite
# done, guest-init's last line).
tap_full() {
	printf 'TAP version 13\r\nok 1 - load\r\n# some diagnostics\r\nok 2 - phc_ctl\r\nok 3 - chronyd_refclock\r\nok 4 - dmesg_clean\r\n1..4\r\n# suite done: 0 of 4 failed\r\n# ptpu: guest done (suite exit %s)\r\n' \
		"${2:-0}" >"$1"
}
# run_folder DIR KIND: a finished run's folder; KIND tcg or nested.
run_folder() {
	mkdir -p "$1"
	tap_full "$1/tap.txt"
	if [ "$2" = nested ]; then
		console_boot "$1/l2-console.log"
		printf 'ptpu-guest: host (L1) script /x/l1-nested.sh starts\r\n' >"$1/console.log"
		echo "L1: kernel 6.1.0-57-amd64, clocksource tsc" >"$1/l1.log"
	else
		printf 'ptpu-guest: suite full starts (kernel log record 395)\r\n[   13.0] reboot: Power down\r\n' >"$1/console.log"
	fi
	echo "run-guest: $2 guest (6.1.0-57-amd64, full) finished in 100s" >"$1.log"
}
# view DIR LINES...: L1's view of L2 (as selftests/vm/l2-view.sh writes it).
view() {
	local d=$1
	shift
	{
		echo "L1 view: L2 kernel image $image"
		printf '%s\n' "$@"
	} >"$d/l1-view.txt"
}
frozen() { # frozen DIR RIP0 RIP1 [HEARTBEATS] [RIP0 IN THE SECOND SAMPLE]
	view "$1" "L1 view: L2 status {\"return\": {\"status\": \"running\"}}" \
		"L1 view: vCPUs 1: CPU#0 RIP=$2 RFL=00000246 HLT=1 CPU#1 RIP=$3 RFL=00000246 HLT=1 " \
		"L1 view: vCPUs 2: CPU#0 RIP=${5:-$2} RFL=00000246 HLT=1 CPU#1 RIP=$3 RFL=00000246 HLT=1 " \
		"L1 view: L2 heartbeats in 20 s: ${4:-0}"
}
# lost_l2 DIR: a nested run whose L2 went silent after a restore; the tap
# has a failure before it, the console no complaint.
lost_l2() {
	run_folder "$1" nested
	printf 'TAP version 13\r\nok 1 - load\r\n# FAILED: the clock left its bound\r\nnot ok 2 - kvm_failover\r\n# @@ptpu-request saverestore 20\r\n' >"$1/tap.txt"
	echo "L1: 1.0 L2 silent for 300 s after its restore; what L1 sees of it is in l1-view.txt" >>"$1/l1.log"
	echo "L1: L2 stopped before its tests finished: it crashed, triple-faulted or was killed" >>"$1/l1.log"
	echo "run-guest: nested guest (6.1.0-57-amd64, full) ended without finishing its tests (qemu exit 0)" >"$1.log"
}

# ---- running the tally on a case ----------------------------------------------

# tally CASE COMMANDS: run COMMANDS (tally.sh's functions) in a fresh shell
# and finish; the output in $tmp/CASE.out, the exit status in rc.
tally() {
	local c=$1
	mkdir -p "$tmp/L"
	(cd "$top" && L=$tmp/L t0=$(date +%s) bash -c ". scripts/lib/tally.sh; $2; finish $c") \
		>"$tmp/$c.out" 2>&1
	rc=$?
}
last() { tail -n 1 "$tmp/$1.out"; }
has() { grep -qE -- "$2" "$tmp/$1.out"; }
# expect CASE DESCRIPTION TEST...: one TAP line; on failure the case's output.
expect() {
	local c=$1 what=$2
	shift 2
	if "$@"; then
		ok "$c: $what"
	else
		not_ok "$c: $what"
		sed 's/^/#   /' "$tmp/$c.out"
	fi
}

# ---- the tally ------------------------------------------------------------------

run_folder "$tmp/clean" tcg
tally clean "tally_guest 'guest clean' '$tmp/clean' '$tmp/clean.log' 0"
expect clean "a whole, clean TCG run passes: 4 checks and its console" \
	[ "$rc/$(last clean)" = "0/5 passed, 0 failed" ]

run_folder "$tmp/nested" nested
tally nested "tally_guest 'guest nested' '$tmp/nested' '$tmp/nested.log' 0"
expect nested "a clean nested run passes, its emulator boot warnings excused" \
	[ "$rc/$(last nested)" = "0/5 passed, 0 failed" ]
expect nested "the closing lines print the excused SRSO notice and fpu xstate WARNING" \
	has nested '^  WARNING: CPU: 0 PID: 0 at arch/x86/kernel/fpu/xstate.c:606 .*'

run_folder "$tmp/late-xstate" nested
{ console_boot /dev/stdout; printf '[   50.0] WARNING: CPU: 0 PID: 0 at arch/x86/kernel/fpu/xstate.c:606 fpu__init_system_xstate+0x85a/0xb19\r\n'; } \
	>"$tmp/late-xstate/l2-console.log"
tally late-xstate "tally_guest 'guest late' '$tmp/late-xstate' '$tmp/late-xstate.log' 0"
expect late-xstate "the emulator's signature after the suite started is a complaint, not excused" \
	[ "$rc/$(last late-xstate)" = "1/4 passed, 1 failed" ]

run_folder "$tmp/warn" nested
warn_module >>"$tmp/warn/l2-console.log"
tally warn "tally_guest 'guest warn' '$tmp/warn' '$tmp/warn.log' 0"
expect warn "a module WARNING on L2's console fails a run whose TAP passed" \
	[ "$rc/$(last warn)" = "1/4 passed, 1 failed" ]
expect warn "the failure names the WARNING" \
	has warn 'kernel complaint on l2-console.log: WARNING: CPU: 1 PID: 312 at kmod/sysfs.c:88'

run_folder "$tmp/hung" nested
hung_task >>"$tmp/hung/l2-console.log"
tally hung "tally_guest 'guest hung' '$tmp/hung' '$tmp/hung.log' 0"
expect hung "a hung-task report (no module frame in it) fails the run" \
	[ "$rc/$(last hung)" = "1/4 passed, 1 failed" ]

run_folder "$tmp/rcu" tcg
rcu_stall >>"$tmp/rcu/console.log"
tally rcu "tally_guest 'guest rcu' '$tmp/rcu' '$tmp/rcu.log' 0"
expect rcu "an RCU stall report fails the run" \
	[ "$rc/$(last rcu)" = "1/4 passed, 1 failed" ]

run_folder "$tmp/truncated" tcg
printf 'TAP version 13\r\nok 1 - load\r\nok 2 - phc_ctl\r\n# ptpu: guest done (suite exit 139)\r\n' >"$tmp/truncated/tap.txt"
tally truncated "tally_guest 'guest truncated' '$tmp/truncated' '$tmp/truncated.log' 0"
expect truncated "a suite that died half-way fails (no plan, no suite done, its shell's exit)" \
	[ "$rc/$(last truncated)" = "1/3 passed, 3 failed" ]
expect truncated "the failure names the last check seen" \
	has truncated 'last check seen: ok 2 - phc_ctl'

run_folder "$tmp/noplan" tcg
grep -v '^1\.\.' "$tmp/noplan/tap.txt" >"$tmp/x" && mv "$tmp/x" "$tmp/noplan/tap.txt"
tally noplan "tally_guest 'guest noplan' '$tmp/noplan' '$tmp/noplan.log' 0"
expect noplan "a stream without its plan fails" \
	[ "$rc/$(last noplan)" = "1/5 passed, 1 failed" ]
expect noplan "the failure says so" has noplan 'no plan \(1\.\.N\)'

run_folder "$tmp/nodone" tcg
grep -v '^# suite done' "$tmp/nodone/tap.txt" >"$tmp/x" && mv "$tmp/x" "$tmp/nodone/tap.txt"
tally nodone "tally_guest 'guest nodone' '$tmp/nodone' '$tmp/nodone.log' 0"
expect nodone "a stream without '# suite done' fails" \
	[ "$rc/$(last nodone)" = "1/5 passed, 1 failed" ]

printf 'TAP version 13\n1..5\nok 1 - a\nok 2 - b\nok 3 - c\n' >"$tmp/short.tap"
tally short "tally_tap '$tmp/short.tap' short"
expect short "fewer results than the plan fail" \
	[ "$rc/$(last short)" = "1/3 passed, 1 failed" ]
expect short "the failure names the plan and the last check seen" \
	has short 'planned 5, 3 result\(s\) ran; last check seen: ok 3 - c'

printf 'ok 1 - fuzz_a (10 runs in 1 s)\n1..1\nok 1 - fuzz_b (10 runs in 1 s)\n1..1\n# a\nTAP version 13\nok 1 - x\nnot ok 2 - y\n1..2\n' >"$tmp/docs.tap"
tally docs "tally_tap '$tmp/docs.tap' docs"
expect docs "several whole documents in one stream: every result counts, nothing else fails" \
	[ "$rc/$(last docs)" = "1/3 passed, 1 failed" ]

run_folder "$tmp/skip" tcg
printf 'TAP version 13\r\nok 1 - load\r\nok 2 - phc_ctl\r\nok 3 - steer_ntp # SKIP no NTP server\r\nok 4 - dmesg_clean\r\n1..4\r\n# suite done: 0 of 4 failed\r\n# ptpu: guest done (suite exit 0)\r\n' >"$tmp/skip/tap.txt"
tally skip "tally_guest 'guest skip' '$tmp/skip' '$tmp/skip.log' 0"
expect skip "a skip is counted on the last line" \
	[ "$rc/$(last skip)" = "0/4 passed, 0 failed, 1 skipped" ]
expect skip "and shown in the closing lines" has skip 'guest skip: ok 3 - steer_ntp # SKIP no NTP server'

printf 'TAP version 13\n1..0 # SKIP the packaged thing is installed\n' >"$tmp/skipall.tap"
tally skipall "tally_tap '$tmp/skipall.tap' skipall"
expect skipall "a whole stream skipped is a skip, shown" \
	[ "$rc/$(last skipall)" = "0/0 passed, 0 failed, 1 skipped" ]

run_folder "$tmp/died" tcg
printf 'TAP version 13\r\nok 1 - load\r\nnot ok 2 - phc_ctl\r\n' >"$tmp/died/tap.txt"
tally died "tally_guest 'guest died' '$tmp/died' '$tmp/died.log' 1"
expect died "a run that did not finish: its failure and the run itself count" \
	[ "$rc/$(last died)" = "1/2 passed, 2 failed" ]

printf 'TAP version 13\nok 1 - a\n1..1\n' >"$tmp/exit.tap"
tally exit "tap_step exit sh -c 'cat $tmp/exit.tap; exit 3'"
expect exit "a TAP step that exits non-zero with every result ok fails" \
	[ "$rc/$(last exit)" = "1/1 passed, 1 failed" ]

# ---- the retry rule --------------------------------------------------------------

# verdict CASE DIR: retry_verdict on a run folder, into $tmp/CASE.out.
verdict() {
	(cd "$top" && bash -c '. scripts/lib/guest-retry.sh; retry_verdict "$1" "$1.log"' _ "$2") \
		>"$tmp/$1.out" 2>&1
	rc=$?
}

lost_l2 "$tmp/frozen"
frozen "$tmp/frozen" "$idle" "$idle"
verdict frozen "$tmp/frozen"
expect frozen "a silent L2 frozen in the idle loop, no heartbeat: retried" \
	[ "$rc/$(cut -c1-6 "$tmp/frozen.out")" = "0/retry:" ]
expect frozen "the verdict names where each vCPU stood (KASLR undone)" \
	has frozen 'vCPU 0 in default_idle, vCPU 1 in default_idle'

# A nested run killed at its timeout is not retried, and the closing lines
# say how it ended and what L1 and L2 last said (CI keeps only the tail).
run_folder "$tmp/timedout" nested
printf 'TAP version 13\r\nok 1 - load\r\n' >"$tmp/timedout/tap.txt"
printf 'ptpu-guest: heartbeat 20.1 modules x\r\nphc-steer: step -500000000 ns (first update)\r\nptpu-guest: heartbeat 30.1 modules x\r\n' \
	>>"$tmp/timedout/l2-console.log"
echo "L1: 1.0 paused L2 for 5 s" >>"$tmp/timedout/l1.log"
echo "run-guest: nested guest (6.1.0-57-amd64, full) killed after 1500s: hung" >"$tmp/timedout.log"
verdict timedout "$tmp/timedout"
cp "$tmp/timedout.out" "$tmp/timedout/retry-verdict"
tally timedout "tally_guest 'guest kvm' '$tmp/timedout' '$tmp/timedout.log' 1"
expect timedout "a nested run killed at its timeout: failed, not retried, and the closing lines say it was killed" \
	has timedout '^  guest kvm: did not finish \(killed after 1500s: hung\); last check seen: ok 1 - load; no retry: '
expect timedout "the closing lines carry L1's last line and L2's last non-heartbeat line" \
	sh -c "sed -n '/^Why the failed/,\$p' '$tmp/timedout.out' | grep -q \"L1's last line: L1: 1.0 paused L2\" &&
		sed -n '/^Why the failed/,\$p' '$tmp/timedout.out' | grep -q '^      phc-steer: step -500000000 ns'"

lost_l2 "$tmp/alive"
frozen "$tmp/alive" "$idle" "$idle" 2
verdict alive "$tmp/alive"
expect alive "a silent L2 whose heartbeat went on: not retried" \
	has alive '^no retry: .*heartbeat'

lost_l2 "$tmp/inmodule"
frozen "$tmp/inmodule" "$idle" "$module"
verdict inmodule "$tmp/inmodule"
expect inmodule "a vCPU frozen outside the kernel's text (the module area): not retried" \
	has inmodule '^no retry: .*vCPU 1 frozen at 0xffffffffc0a41234, outside the kernel.s text: in module ptp_unified\+0x1234 '

lost_l2 "$tmp/inlock"
frozen "$tmp/inlock" "$spin" "$idle"
verdict inlock "$tmp/inlock"
expect inlock "a vCPU frozen in a spinlock: not retried" \
	has inlock '^no retry: .*native_queued_spin_lock_slowpath, a lock'

lost_l2 "$tmp/moved"
frozen "$tmp/moved" "$idle" "$idle" 0 "$mutex"
verdict moved "$tmp/moved"
expect moved "vCPUs that moved between the samples: not retried" \
	has moved "^no retry: .*not frozen"

lost_l2 "$tmp/hungl2"
frozen "$tmp/hungl2" "$idle" "$idle"
hung_task >>"$tmp/hungl2/l2-console.log"
verdict hungl2 "$tmp/hungl2"
expect hungl2 "a frozen-looking L2 with a hung-task report: not retried" \
	has hungl2 '^no retry: a kernel complaint on l2-console.log: INFO: task sh:301 blocked'

lost_l2 "$tmp/rcul2"
frozen "$tmp/rcul2" "$idle" "$idle"
rcu_stall >>"$tmp/rcul2/l2-console.log"
verdict rcul2 "$tmp/rcul2"
expect rcul2 "a frozen-looking L2 with an RCU stall report: not retried" \
	has rcul2 '^no retry: a kernel complaint on l2-console.log: rcu: INFO: rcu_preempt self-detected stall'

lost_l2 "$tmp/warnl2"
frozen "$tmp/warnl2" "$idle" "$idle"
warn_module >>"$tmp/warnl2/l2-console.log"
verdict warnl2 "$tmp/warnl2"
expect warnl2 "a frozen-looking L2 with a WARNING: not retried" has warnl2 '^no retry: a kernel complaint'

lost_l2 "$tmp/triple"
view "$tmp/triple" "L1 view: shutdown exit: vcpu 1 reason shutdown rip 0x$idle" "L1 view: L2's QEMU exited; 1 shutdown exit(s) traced"
verdict triple "$tmp/triple"
expect triple "a dead L2 whose shutdown exit is in the kernel's own code: retried" \
	has triple '^retry: L2 triple-faulted .*vCPU 1 in default_idle'

lost_l2 "$tmp/triplemod"
view "$tmp/triplemod" "L1 view: shutdown exit: vcpu 0 reason shutdown rip 0x$module"
verdict triplemod "$tmp/triplemod"
expect triplemod "a dead L2 whose shutdown exit is in the module area: not retried, the module named" \
	has triplemod '^no retry: .*triple-faulted on vCPU 0 at 0xffffffffc0a41234, outside the kernel.s text: in module ptp_unified\+0x1234 '

lost_l2 "$tmp/noview"
verdict noview "$tmp/noview"
expect noview "a lost L2 without L1's view of it: not retried" has noview '^no retry: .*no view'

mkdir -p "$tmp/l1never"
: >"$tmp/l1never/console.log"
: >"$tmp/l1never/tap.txt"
echo "run-guest: nested guest (6.1.0-57-amd64, full) killed after 1500s: hung" >"$tmp/l1never.log"
verdict l1never "$tmp/l1never"
expect l1never "L1 never booted: retried" has l1never '^retry: L1 never booted'

mkdir -p "$tmp/tcglost"
printf 'ptpu-guest: suite full starts (kernel log record 395)\r\n' >"$tmp/tcglost/console.log"
printf 'TAP version 13\r\nok 1 - load\r\n' >"$tmp/tcglost/tap.txt"
echo "run-guest: tcg guest (6.1.0-57-amd64, full) killed after 1200s: hung" >"$tmp/tcglost.log"
verdict tcglost "$tmp/tcglost"
expect tcglost "a TCG run that hung: not retried" has tcglost '^no retry: '

# ---- a retried run, end to end (run_guest_retrying, then tally_guest) ----------
# A fake selftests/vm/run-guest.sh: the first run is lost (a failure, then
# a frozen L2), the second whole and clean.
fake=$tmp/fake
mkdir -p "$fake/selftests/vm"
{
	declare -f console_boot tap_full run_folder view frozen lost_l2
	echo "tmp=$tmp image=$image idle=$idle kaslr=$kaslr"
	cat <<'EOF'
out=$2
rm -rf "$out"
if [ -e "$tmp/fake/second" ] && [ ! -e "$tmp/fake/always-lost" ]; then
	run_folder "$out" nested
	cat "$out.log" >&2
	rm -f "$out.log"
	exit 0
fi
touch "$tmp/fake/second"
lost_l2 "$out"
frozen "$out" "$idle" "$idle"
cat "$out.log" >&2
rm -f "$out.log"
exit 1
EOF
} >"$tmp/fake-run-guest"
printf '#!/bin/bash\n. %s\n' "$tmp/fake-run-guest" >"$fake/selftests/vm/run-guest.sh"
chmod +x "$fake/selftests/vm/run-guest.sh"
(cd "$fake" && bash -c '. "$1/scripts/lib/guest-retry.sh"; run_guest_retrying "$2/out" "$2/run.log" --kind nested' \
	_ "$top" "$tmp/fake") >"$tmp/retried-run.out" 2>&1
retried_rc=$?
tally retried "tally_guest 'guest kvm' '$tmp/fake/out' '$tmp/fake/run.log' $retried_rc"
expect retried "the lost first run was kept in OUT.try1 with its verdict, and the second run passed" \
	[ "$retried_rc/$(cut -c1-6 "$tmp/fake/out.try1/retry-verdict")" = "0/retry:" ]
expect retried "the first run's not-ok still fails make check; both runs' consoles are checks" \
	[ "$rc/$(last retried)" = "1/6 passed, 1 failed" ]
expect retried "the closing lines say one run was tried again, and why" \
	has retried '^Runs tried again: 1$'
expect retried "and name the first run's failure" has retried 'guest kvm \(first run\): not ok 2 - kvm_failover'

# Lost twice: one retry, then a failure that says why there was no third run.
rm -rf "$tmp/fake/out" "$tmp/fake/out.try1" "$tmp/fake/second"
touch "$tmp/fake/always-lost"
(cd "$fake" && bash -c '. "$1/scripts/lib/guest-retry.sh"; run_guest_retrying "$2/out" "$2/run.log" --kind nested' \
	_ "$top" "$tmp/fake") >"$tmp/lost-twice-run.out" 2>&1
retried_rc=$?
tally lost-twice "tally_guest 'guest kvm' '$tmp/fake/out' '$tmp/fake/run.log' $retried_rc"
expect lost-twice "a run lost again after its retry fails, and says it was tried once already" \
	has lost-twice 'FAIL guest kvm: did not finish \(ended without finishing its tests \(qemu exit 0\)\); last check seen: not ok 2 - kvm_failover; no retry: tried once already, lost again: L2 frozen'
expect lost-twice "both runs' not-oks count: 3 failed (two kvm_failover, the unfinished run)" \
	[ "$rc/$(last lost-twice)" = "1/3 passed, 3 failed" ]

echo "1..$n"
exit $bad
