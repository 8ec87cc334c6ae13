#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make demo: ptp_unified end to end in a VM under real KVM (nested inside a
# QEMU-emulated host, so it runs on any machine).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
B=$top/build

cat <<'TXT'
== ptp_unified demo ==
A virtual machine's clock drifts, and loses time whenever the VM is paused or
migrated. ptp_unified is a kernel module for the guest: it combines every time
source the guest can see (the hypervisor's clock, the emulated hardware RTC,
NTP) into one clock device, /dev/ptp_unified, that tools such as chrony and
phc-steer keep the system clock on.

Step 1: install what is needed (Debian packages) and build.
TXT
scripts/deps.sh || exit 1
make -s -j2 modules selftests vm-images linux-src >"$B/demo-build.log" 2>&1 || {
	tail -20 "$B/demo-build.log"
	exit 1
}
k=$(head -1 "$B/kernels.txt")
cat <<TXT

Step 2: boot a "host" VM (L1) that runs KVM, and inside it a guest (L2) with
kernel $k. The guest loads ptp_kvm (the hypervisor's clock) and ptp_unified.
This takes about half a minute.

TXT
out=$B/demo
rm -rf "$out"
selftests/vm/run-guest.sh --kernel "$k" --kind nested --suite demo --out "$out" \
	--timeout 600 2>"$B/demo-guest.log" &
pid=$!
while [ ! -e "$out/tap.txt" ] && kill -0 $pid 2>/dev/null; do
	sleep 0.2
done
tail -n +1 -f --pid=$pid "$out/tap.txt" 2>/dev/null | grep -v '^# ptpu: guest done'
wait $pid
rc=$?
[ $rc = 0 ] || cat "$B/demo-guest.log"
cat <<'TXT'
How to read this: the guest's own clock (CLOCK_REALTIME) was set from the
emulated RTC at boot, so it is off by up to a second. ptp_unified found the
hypervisor's clock (the kvm source), selected it, and now agrees with it to
within nanoseconds ("ptp_unified - KVM virtual PTP"), with an honest error
bound of microseconds (it grows between polls of the hypervisor's clock, by
the 50 ppm the raw counter might drift). The rtc source is there too, to be
calibrated against kvm, as a holdover if kvm ever goes away.
TXT
[ $rc = 0 ] && echo "Demo finished. Logs: $out" || echo "Demo failed (see $out)"
exit $rc
