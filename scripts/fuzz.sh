#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make fuzz: longer fuzzing than make check does, outside it.
#   - the libFuzzer targets: the arbiter (selftests/fuzz) and phc-steer's NTP
#     packet parser and discovery (userspace), FUZZ_SECONDS each
#   - in a 6.1 TCG guest, at the same time: the netlink fuzzer with random
#     sysfs writes (selftests/nl_fuzz.c) for FUZZ_MINUTES, then its own
#     checks (sources gone, knobs back, the clock reads), a fresh module
#     that phc_ctl and the PRECISE/EXTENDED/basic reads agree on, and the
#     kernel log since the start clean (suite "fuzz", dmesg_clean)
# Each check is one TAP line; the last line is the tally.
#
# Environment: FUZZ_MINUTES (default 10), FUZZ_SECONDS (default 300),
# FUZZ_KERNEL (default the first of build/kernels.txt).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
B=$top/build
L=$B/fuzz-run
mkdir -p "$L"
minutes=${FUZZ_MINUTES:-10}
export FUZZ_SECONDS=${FUZZ_SECONDS:-300}
t0=$(date +%s)

# say, step, tap_step, finish, tally_guest
. scripts/lib/tally.sh

# What a TAP stream's tests were: every result, not only the failures.
results() {
	grep -E '^(not )?ok [0-9]+' "$1" | sed "s/^/  $2: /"
}

if ! step build make -j2 modules userspace selftests vm-images linux-src; then
	finish "make fuzz"
fi
# build/kernels.txt is written by scripts/deps.sh (make check); without it
# the oldest kernel with headers here.
kernel=${FUZZ_KERNEL:-$(head -n 1 "$B/kernels.txt" 2>/dev/null)}
[ -n "$kernel" ] || kernel=$(find /lib/modules -maxdepth 2 -name build -printf '%h\n' |
	xargs -r -n1 basename | sort -V | head -n 1)

say "guest: $minutes min of netlink and sysfs fuzzing on $kernel (TCG), in the background"
out=$B/guests/fuzz-$kernel
selftests/vm/run-guest.sh --kernel "$kernel" --kind tcg --suite fuzz --out "$out" \
	--append "ptpu_fuzz_minutes=$minutes" --timeout $((minutes * 60 + 900)) \
	>"$L/guest.log" 2>&1 &
guest_pid=$!

say "libFuzzer targets, $FUZZ_SECONDS s each"
tap_step fuzz-arbiter make -s -C selftests/fuzz run
results "$L/fuzz-arbiter.tap" fuzz-arbiter
tap_step fuzz-userspace make -s -C userspace fuzz O="$B/userspace"
results "$L/fuzz-userspace.tap" fuzz-userspace

say "waiting for the guest"
wait $guest_pid
tally_guest "guest fuzz" "$out" "$L/guest.log" $?
if [ -s "$out/tap.txt" ]; then
	results "$out/tap.txt" "guest fuzz"
	# What the fuzzer did: its own summary lines.
	grep -E '^# (seed|[0-9]+ messages|answers:|[0-9]+ events received|after:|clock after|netlink and sysfs)' "$out/tap.txt" |
		head -n 30 | sed 's/^/    /'
fi
say "logs in $L and $out"
finish "make fuzz"
