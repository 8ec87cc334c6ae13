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
# (the default is everything), FUZZ_SECONDS (default 20 per target; make
# fuzz runs them longer).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
B=$top/build
L=$B/check
mkdir -p "$L"
only=${CHECK_ONLY:-lint unit fuzz guests packaging}
export FUZZ_SECONDS=${FUZZ_SECONDS:-20}
t0=$(date +%s)

# say, step, tap_step, finish, tally_guest; run_guest_retrying
# (tally.sh sources guest-retry.sh)
. scripts/lib/tally.sh

if ! step deps scripts/deps.sh; then
	finish "make check"
fi
mapfile -t kernels <"$B/kernels.txt"
say "kernels: ${kernels[*]} (full suite on ${kernels[0]})"

if ! step build make -j2 modules userspace selftests vm-images linux-src; then
	finish "make check"
fi

case " $only " in *" lint "*)
	tap_step lint env KERNELS="${kernels[*]}" scripts/lint.sh ;;
esac

case " $only " in *" unit "*)
	# The test machinery's own tests: the tally and the retry rule fed
	# fake runs (scripts/lib/tests/harness-test.sh).
	tap_step unit-harness scripts/lib/tests/harness-test.sh
	[ -f selftests/unit/Makefile ] && tap_step unit-arbiter make -s -C selftests/unit run
	[ -f userspace/Makefile ] && tap_step unit-userspace make -s -C userspace test O="$B/userspace"
	;;
esac

case " $only " in *" fuzz "*)
	[ -f selftests/fuzz/Makefile ] && tap_step fuzz-arbiter make -s -C selftests/fuzz run
	[ -f userspace/Makefile ] && tap_step fuzz-userspace make -s -C userspace fuzz O="$B/userspace"
	;;
esac

# One guest run: its TAP and its consoles are tallied; a guest that hangs
# or dies is a failure. A nested run the emulator lost is tried once more,
# and said so (run_guest_retrying; the rules: scripts/lib/guest-retry.sh).
guest() {
	local name=$1
	shift
	run_guest_retrying "$B/guests/$name" "$L/guest-$name.log" "$@"
	tally_guest "guest $name" "$B/guests/$name" "$L/guest-$name.log" $?
}

case " $only " in *" guests "*)
	k=${kernels[0]}
	# The canary: a TCG guest whose test-only module raises a WARNING in
	# the middle of its suite; its run must fail, and canary.sh checks
	# that the tally says so (about 30 s).
	selftests/vm/run-guest.sh --kernel "$k" --kind tcg --suite canary \
		--out "$B/guests/canary-$k" --timeout 300 >"$L/guest-canary-$k.log" 2>&1
	tap_step canary scripts/lib/tests/canary.sh "$B/guests/canary-$k" "$L/guest-canary-$k.log" $?
	# The fault checks (fault-tests.sh) add about 4 min to TCG, 2 to nested.
	guest "tcg-$k" --kernel "$k" --kind tcg --suite full --timeout 1200
	guest "kvm-$k" --kernel "$k" --kind nested --suite full --timeout 1500
	guest "kvm-saverestore-$k" --kernel "$k" --kind nested --suite saverestore --timeout 600
	guest "kvm-tsc-$k" --kernel "$k" --kind nested --suite tsc --l2-clocksource tsc --timeout 900
	# A leap second inserted by L1, then lying NTP servers on L1's
	# loopback beside kvm (issue 15), in one boot.
	guest "kvm-trust-$k" --kernel "$k" --kind nested --suite trust --timeout 900
	# The nested host (L1) stays on the first kernel, Debian 12's own: it
	# is scaffolding, not what is tested, and 6.12's KVM under QEMU's
	# emulated SVM panicked once in CI (apic_has_pending_timer) where
	# 6.1's never has. The module is tested in L2, on the other kernel.
	for k in "${kernels[@]:1}"; do
		guest "tcg-$k-smoke" --kernel "$k" --kind tcg --suite smoke --timeout 600
		guest "kvm-$k-smoke" --kernel "${kernels[0]}" --kind nested --suite smoke --timeout 900 \
			--test-vmlinuz "/boot/vmlinuz-$k" --test-initrd "build/vm/initramfs-$k.cpio.gz"
		guest "kvm-untrusted-$k" --kernel "${kernels[0]}" --kind nested --suite untrusted \
			--timeout 900 --test-vmlinuz "/boot/vmlinuz-$k" --test-initrd "build/vm/initramfs-$k.cpio.gz"
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

finish "make check"
