# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
#
# What the nested host (L1) sees of a test guest (L2) that stopped talking:
# the evidence the retry rule judges (scripts/lib/guest-retry.sh,
# emulator_stop), as "L1 view: ..." lines in a file of the run's results
# (VIEW). Sourced in L1 by selftests/vm/l1-nested.sh and make bench's
# selftests/bench/l1-bench.sh; it gathers, it does not judge.
#
# l2_view_start VIEW IMAGE     before L2 starts: names L2's kernel image
#                              (its System.map resolves the addresses
#                              below) and has L1's KVM trace every shutdown
#                              exit of a guest (a triple fault) with the
#                              guest's RIP
# l2_view_silent VIEW QMP CONSOLE
#                              L2 runs but says nothing: QEMU's status, every
#                              vCPU's registers twice, 20 s apart, and how many
#                              heartbeat lines L2 (guest-init) wrote to its
#                              CONSOLE in between
# l2_view_dead VIEW            L2's QEMU exited before its tests finished:
#                              the shutdown exits L1's KVM traced
l2_view_vm=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
l2_view_tracing=/sys/kernel/tracing

l2_view_start() {
	local view=$1 ev=$l2_view_tracing/events/kvm/kvm_exit
	echo "L1 view: L2 kernel image $2" >>"$view"
	mountpoint -q $l2_view_tracing 2>/dev/null ||
		mount -t tracefs tracefs $l2_view_tracing 2>/dev/null
	# SVM_EXIT_SHUTDOWN: the guest triple-faulted (or shut down its CPU).
	if [ -w "$ev/filter" ] && echo 'exit_reason == 0x7f' >"$ev/filter" &&
		echo 1 >"$ev/enable" && : >$l2_view_tracing/trace; then
		echo "L1 view: tracing L2's shutdown exits" >>"$view"
	else
		echo "L1 view: cannot trace L2's shutdown exits ($ev)" >>"$view"
	fi
}

# l2_view_vcpus QMP N: one line with every vCPU's RIP, flags and halt state.
l2_view_vcpus() {
	echo "L1 view: vCPUs $2: $(python3 "$l2_view_vm/qmp.py" "$1" \
		'human-monitor-command:{"command-line": "info registers -a"}' 2>&1 |
		grep -oE 'CPU#[0-9]+|RIP=[0-9a-f]+|RFL=[0-9a-f]+|HLT=[0-9]' | tr '\n' ' ')"
}

l2_view_silent() {
	local view=$1 qmp=$2 console=$3 size0
	size0=$(stat -c %s "$console" 2>/dev/null || echo 0)
	{
		echo "L1 view: L2 status $(python3 "$l2_view_vm/qmp.py" "$qmp" query-status 2>&1)"
		l2_view_vcpus "$qmp" 1
		sleep 20
		l2_view_vcpus "$qmp" 2
		echo "L1 view: L2 heartbeats in 20 s: $(tail -c +$((size0 + 1)) "$console" 2>/dev/null |
			grep -c 'ptpu-guest: heartbeat')"
	} >>"$view"
}

l2_view_dead() {
	local view=$1
	grep -o 'kvm_exit: vcpu [0-9]* reason shutdown rip 0x[0-9a-f]*' $l2_view_tracing/trace 2>/dev/null |
		sed 's/^kvm_exit: /L1 view: shutdown exit: /' >>"$view"
	echo "L1 view: L2's QEMU exited; $(grep -c 'shutdown exit:' "$view") shutdown exit(s) traced" >>"$view"
}
