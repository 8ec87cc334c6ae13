# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The read costs of make bench, in a nested-KVM test guest: sourced by
# bench-guest.sh (one measurement per contender's guest) and by run-suite.sh
# (suite readcost: the same measurement alone, to try it without a whole
# make bench). One way of measuring for both, so what is tried alone is what
# the benchmark reports.
#
# read_cost_measure KVMDEV UNIFIEDDEV READS OUT LOG: phc-steer writes the
# ClockBound segment (/run/clockbound/shm0) for 3 s and is stopped
# (SIGTERM: the segment stays, free-running, as a reader that maps it sees
# it); then read_cost times every method, {earliest, latest} from the
# segment among them, READS reads each, with nothing else running. Its
# lines go to OUT, phc-steer's log to LOG. Returns read_cost's status
# (non-zero also when the segment could not be read).

read_cost_measure() {
	mkdir -p /run/clockbound
	phc-steer --ntp-discover no --clockbound yes >"$5" 2>&1 &
	rc_steer=$!
	sleep 3
	kill "$rc_steer"
	wait "$rc_steer"
	/opt/ptpu/read_cost -k "$1" -u "$2" -c /run/clockbound/shm0 -n "$3" >"$4" 2>&1
}
