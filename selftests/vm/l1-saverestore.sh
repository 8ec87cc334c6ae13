# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The saverestore request of l1-nested.sh, sourced by its serve() with $arg
# (seconds to stay saved), l2_qmp and $qmp (its socket), $l2 (the running
# QEMU's pid), l2_args (its arguments) and l2_output_size. L2 is stopped,
# its state migrated to a file in L1's /tmp, its QEMU quit; after $arg
# seconds a new QEMU with the same arguments plus -incoming loads the file
# and L2 continues. Sets l2 to the new QEMU's pid.
sr_state=/tmp/l2-state
# sr_migrated: wait until the (outgoing or incoming) migration completed.
sr_migrated() {
	local i
	for i in $(seq 600); do
		case $(l2_qmp query-migrate) in
		*'"status": "completed"'*) return 0 ;;
		*'"status": "failed"'*) return 1 ;;
		esac
		sleep 0.1
	done
	return 1
}
l2_qmp stop >/dev/null
echo "L1: $(date +%s.%N) stopped L2, saving it to $sr_state"
rm -f "$sr_state"
if l2_qmp 'migrate:{"uri": "exec:cat > '"$sr_state"'"}' >/dev/null && sr_migrated; then
	echo "L1: $(date +%s.%N) saved L2 ($(du -k "$sr_state" | cut -f1) KiB); quitting its QEMU (pid $l2)"
	l2_qmp quit >/dev/null
	wait "$l2"
	sleep "$arg"
	rm -f "$qmp"
	qemu-system-x86_64 "${l2_args[@]}" -incoming "exec:cat $sr_state" &
	l2=$!
	for _ in $(seq 100); do
		[ -S "$qmp" ] && break
		sleep 0.1
	done
	if sr_migrated; then
		l2_qmp cont >/dev/null
		echo "L1: $(date +%s.%N) restored L2 in a new QEMU (pid $l2) and continued it"
	else
		echo "L1: $(date +%s.%N) restoring L2 failed: $(l2_qmp query-migrate)"
	fi
	# l1-nested.sh's loop now waits for L2 to say something (a failed
	# restore leaves it silent too).
	restored_at=$(date +%s) restored_size=$(l2_output_size)
	rm -f "$sr_state"
else
	echo "L1: $(date +%s.%N) saving L2 failed: $(l2_qmp query-migrate); continuing it"
	l2_qmp cont >/dev/null
fi
