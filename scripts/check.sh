#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make check: every test, from a clean machine. Installs the dependencies,
# builds, lints, runs the userspace unit tests and bounded fuzzing, then the
# guest tests: the full suite on the first kernel (TCG, and nested KVM with
# L2 on kvm-clock; the kvm-source checks again with L2 on tsc) and a smoke run
# on every other kernel (TCG and nested).
# Each check is one TAP line; the last line is the tally.
#
# Environment: CHECK_ONLY="lint unit fuzz guests packaging" to run a subset
# (the default is everything), FUZZ_SECONDS (default 30 per target).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
B=$top/build
L=$B/check
mkdir -p "$L"
passed=0 failed=0 skipped=0
only=${CHECK_ONLY:-lint unit fuzz guests packaging}
export FUZZ_SECONDS=${FUZZ_SECONDS:-30}
t0=$(date +%s)

say() { echo "[$(($(date +%s) - t0))s] $*"; }

# Count one TAP stream's top-level results into the tally, and show failures.
tally_tap() {
	local file=$1 what=$2 p f s
	p=$(grep -cE '^ok [0-9]+' "$file" | tr -d ' ')
	s=$(grep -E '^ok [0-9]+' "$file" | grep -ciE '# SKIP' | tr -d ' ')
	f=$(grep -cE '^not ok [0-9]+' "$file" | tr -d ' ')
	passed=$((passed + p - s))
	skipped=$((skipped + s))
	failed=$((failed + f))
	grep -E '^not ok [0-9]+' "$file" | sed "s/^/  FAIL $what: /"
	say "$what: $((p - s)) passed, $f failed, $s skipped"
}

# A step that is one check: pass or fail by its exit status.
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
		return 1
	fi
}

# A step whose output is TAP: every line counts.
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
	fi
}

finish() {
	say "make check took $(($(date +%s) - t0))s"
	if [ "$skipped" -gt 0 ]; then
		echo "$passed passed, $failed failed, $skipped skipped"
	else
		echo "$passed passed, $failed failed"
	fi
	[ "$failed" = 0 ]
	exit
}

if ! step deps scripts/deps.sh; then
	finish
fi
mapfile -t kernels <"$B/kernels.txt"
say "kernels: ${kernels[*]} (full suite on ${kernels[0]})"

if ! step build make -j2 modules userspace selftests vm-images linux-src; then
	finish
fi

case " $only " in *" lint "*)
	tap_step lint env KERNELS="${kernels[*]}" scripts/lint.sh ;;
esac

case " $only " in *" unit "*)
	[ -f selftests/unit/Makefile ] && tap_step unit-arbiter make -s -C selftests/unit run
	[ -f userspace/Makefile ] && tap_step unit-userspace make -s -C userspace test O="$B/userspace"
	;;
esac

case " $only " in *" fuzz "*)
	[ -f selftests/fuzz/Makefile ] && tap_step fuzz-arbiter make -s -C selftests/fuzz run
	[ -f userspace/Makefile ] && tap_step fuzz-userspace make -s -C userspace fuzz O="$B/userspace"
	;;
esac

# The nested L2 guest sometimes stops dead under QEMU's emulated SVM: QEMU
# (-no-reboot) exits as on a triple fault, with nothing on the guest's
# console; seen when the build machine was heavily loaded. l1-nested.sh then
# logs L1's recent kernel messages for a closer look.
# Such a run, and only such a run, is tried once more, and said so. A guest
# whose console shows any kernel complaint is never retried.
abrupt_stop() {
	grep -q 'L2 stopped before its tests finished' "$1/l1.log" 2>/dev/null &&
		! grep -qE 'Oops|BUG|WARNING|panic|general protection|Call Trace' \
			"$1/l2-console.log" 2>/dev/null
}

# One guest run: its TAP is tallied; a guest that hangs or dies is a failure.
guest() {
	local name=$1 try
	shift
	local out=$B/guests/$name
	for try in 1 2; do
		if selftests/vm/run-guest.sh --out "$out" "$@" >"$L/guest-$name.log" 2>&1; then
			tally_tap "$out/tap.txt" "guest $name"
			say "$(tail -1 "$L/guest-$name.log")"
			return
		fi
		if [ $try = 1 ] && abrupt_stop "$out"; then
			say "NOTE guest $name: L2 stopped dead without a word (emulator), trying once more"
			cp -r "$out" "$out.stopped"
			continue
		fi
		break
	done
	[ -s "$out/tap.txt" ] && tally_tap "$out/tap.txt" "guest $name"
	failed=$((failed + 1))
	say "FAIL guest $name did not finish"
	sed 's/^/    /' "$L/guest-$name.log"
}

case " $only " in *" guests "*)
	k=${kernels[0]}
	# The fault checks (fault-tests.sh) add about 4 min to TCG, 2 to nested.
	guest "tcg-$k" --kernel "$k" --kind tcg --suite full --timeout 1200
	guest "kvm-$k" --kernel "$k" --kind nested --suite full --timeout 1500
	guest "kvm-tsc-$k" --kernel "$k" --kind nested --suite tsc --l2-clocksource tsc --timeout 900
	for k in "${kernels[@]:1}"; do
		guest "tcg-$k-smoke" --kernel "$k" --kind tcg --suite smoke --timeout 600
		guest "kvm-$k-smoke" --kernel "$k" --kind nested --suite smoke --timeout 900
	done
	;;
esac

# Packaging: DKMS round trip on the build machine's kernels, `make deb` with
# lintian, and the .debs installed into a Debian 12 root booted under systemd
# (packaging/tests/; the root is cached in /var/cache/ptp-unified).
case " $only " in *" packaging "*)
	tap_step packaging-dkms packaging/tests/dkms-test.sh
	tap_step packaging-deb packaging/tests/deb-test.sh
	tap_step packaging-boot packaging/tests/deb-boot-test.sh
	;;
esac

finish
