#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runs inside the booted Debian image (deb-boot-test.sh installs it as
# ptpu-boot-check.service): checks that the packages work under systemd and
# writes one result line per check to the second serial port, then powers
# the guest off. Lines are "ok - ..." / "not ok - ..." / "# ..."; the build
# machine numbers them.
out=/dev/ttyS1
exec 3>"$out"
say() { echo "$*" >&3; echo "ptpu-boot-check: $*" >/dev/console; }
check() { # check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then say "ok - $what"; else say "not ok - $what"; fi
}
wait_for() { # wait_for SECONDS COMMAND...: poll once a second
	local t=$1
	shift
	while ! "$@"; do
		t=$((t - 1))
		[ $t -gt 0 ] || return 1
		sleep 1
	done
}

say "# guest: $(uname -r), systemd $(systemctl --version | awk 'NR==1 {print $2}'), up $(cut -d' ' -f1 /proc/uptime)s"

# 1. modules-load.d loaded the DKMS-built module.
loaded_by_modules_load() {
	[ -d /sys/module/ptp_unified ] &&
		journalctl -b -q -o cat -t systemd-modules-load | grep -q "Inserted module 'ptp_unified'"
}
check "systemd-modules-load loaded ptp_unified (modules-load.d)" loaded_by_modules_load
ko=$(modinfo -n ptp_unified 2>/dev/null)
say "# module: $ko, vermagic $(modinfo -F vermagic ptp_unified 2>/dev/null)"
dkms_dir=/lib/modules/$(uname -r)/updates/dkms
check "the module is the one DKMS built ($dkms_dir)" \
	test "${ko#"$dkms_dir"/ptp_unified.ko}" != "$ko"

# 2. udev named it.
dev_by_udev() {
	local n
	[ -L /dev/ptp_unified ] || return 1
	n=$(basename "$(readlink -f /dev/ptp_unified)")
	say "# /dev/ptp_unified -> $n, clock_name '$(cat "/sys/class/ptp/$n/clock_name")'"
	[ "$(cat "/sys/class/ptp/$n/clock_name")" = ptp_unified ] &&
		udevadm info -q symlink "/dev/$n" | grep -qw ptp_unified
}
check "/dev/ptp_unified: a udev symlink to the ptp_unified clock" wait_for 10 dev_by_udev

# 3. phc-steer runs, in its sandbox, and steers.
active() { [ "$(systemctl is-active phc-steer.service)" = active ]; }
check "systemctl is-active phc-steer: active" wait_for 30 active
pid=$(systemctl show -p MainPID --value phc-steer.service)
say "# phc-steer: pid $pid, restarts $(systemctl show -p NRestarts --value phc-steer.service), $(/usr/sbin/phc-steer --version)"
sandboxed() {
	local s=/proc/$pid/status
	[ "$pid" -gt 0 ] 2>/dev/null || return 1
	say "# $(grep -E '^(CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' "$s" | tr -s '\t\n' '  ')"
	# CAP_SYS_TIME is bit 25 and the only capability left.
	grep -q '^CapEff:[[:space:]]*0000000002000000$' "$s" &&
		grep -q '^CapBnd:[[:space:]]*0000000002000000$' "$s" &&
		grep -q '^NoNewPrivs:[[:space:]]*1$' "$s" &&
		grep -q '^Seccomp:[[:space:]]*2$' "$s"
}
check "phc-steer is sandboxed: only CAP_SYS_TIME, no_new_privs, seccomp filter" sandboxed
# Two offset lines (per poll, or rms/max summaries): it keeps going.
steering() {
	[ "$(journalctl -b -q -o cat -u phc-steer.service | grep -Ec ' (offset|rms) +-?[0-9]+')" -ge 2 ]
}
check "phc-steer is steering: offset lines in its journal" wait_for 40 steering
synced() { [ "$(timedatectl show -p NTPSynchronized --value 2>/dev/null)" = yes ]; }
check "the kernel clock is marked synchronised (timedatectl NTPSynchronized=yes)" wait_for 30 synced

# The ClockBound segment: written (the packaged config turns it on), 0644
# under the unit's UMask=0077, and an unprivileged application reads a
# synchronized interval from it.
clockbound_for_all() {
	local out
	[ "$(stat -c '%a %U' /run/clockbound/shm0 2>/dev/null)" = "644 root" ] || return 1
	out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups /usr/sbin/phc-steer now 2>&1)
	say "# phc-steer now (uid nobody): $out"
	case $out in *"status synchronized"*) ;; *) return 1 ;; esac
}
check "/run/clockbound/shm0 is 0644 and uid nobody reads a synchronized interval (phc-steer now)" \
	wait_for 30 clockbound_for_all

# 4. What the module says about its sources (sysfs on its own device).
sysfs_state() {
	local d
	for d in /sys/class/ptp/ptp*; do
		[ "$(cat "$d/clock_name" 2>/dev/null)" = ptp_unified ] || continue
		d=$d/device
		say "# sysfs: selected_source $(cat "$d/selected_source" 2>&1), state $(cat "$d/state" 2>&1), bound_ns $(cat "$d/bound_ns" 2>&1)"
		local s
		for s in "$d"/sources/*/; do
			[ -d "$s" ] || continue
			say "# sysfs: source $(basename "$s"): available $(cat "$s/available" 2>&1), selected $(cat "$s/selected" 2>&1), bound_ns $(cat "$s/bound_ns" 2>&1)"
		done
		grep -Eqx 'unsynchronised|synchronised|no-majority|free-running' "$d/state"
		return
	done
	return 1
}
check "module status readable in sysfs (selected_source, state, sources/*)" sysfs_state
/usr/sbin/phc-steer status 2>&1 | sed 's/^/# status: /' >&3
check "phc-steer status" /usr/sbin/phc-steer status

# 5. The sandbox as systemd rates it.
systemd-analyze security --no-pager phc-steer.service >/tmp/security.txt 2>&1
grep -E '✗|Overall' /tmp/security.txt | sed 's/^/# security: /' >&3
score=$(sed -n 's/.*Overall exposure level for phc-steer.service: \([0-9.]*\).*/\1/p' /tmp/security.txt)
say "# systemd-analyze security phc-steer: exposure $score"
check "systemd-analyze security phc-steer: exposure $score (at most 3.0, 'OK')" \
	awk -v s="${score:-99}" 'BEGIN { exit !(s <= 3.0) }'

journalctl -b -q -o cat -u phc-steer.service | sed -n '1,10p;$p' | sed 's/^/# journal: /' >&3
failed=$(systemctl list-units --failed --plain --no-legend | awk '{print $1}' | tr '\n' ' ')
say "# failed units: ${failed:-none}"
say "# ptpu-boot: done"
exec 3>&-
systemctl poweroff --no-block
