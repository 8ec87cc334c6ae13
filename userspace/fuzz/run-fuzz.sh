#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-fuzz.sh FUZZER CORPUS SECONDS: run a libFuzzer binary for SECONDS on
# CORPUS and report one TAP line, "ok 1 - NAME (RUNS runs in S s)". A crash
# leaves its input next to the corpus and fails.
set -u

bin=$1
corpus=$2
secs=$3
name=$(basename "$bin")
out=$(dirname "$corpus")
log=$out/$name.log

start=$(date +%s)
"$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=10 \
	-artifact_prefix="$out/" "$corpus" >"$log" 2>&1
rc=$?
elapsed=$(( $(date +%s) - start ))
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")

if [ "$rc" -eq 0 ] && [ -n "$runs" ]; then
	echo "ok 1 - $name (${runs} runs in ${elapsed} s)"
	echo "1..1"
	exit 0
fi
tail -n 40 "$log" | sed 's/^/# /'
echo "not ok 1 - $name (exit $rc after ${elapsed} s, log in $log)"
echo "1..1"
exit 1
