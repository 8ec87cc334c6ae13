# shellcheck shell=sh
# B and the helpers come from run-suite.sh.
# shellcheck disable=SC2154
# SPDX-License-Identifier: GPL-2.0-only
#
# Reliability and security under load and hostile input (issue 8). Sourced by
# run-suite.sh, which runs these functions with `check` and provides sysdev,
# phc_dev and $B (the test binaries):
#
#   t_stress SECONDS RELOADS  readers, netlink pushers, knob writers and a
#                             source toggler at once, then RELOADS module
#                             reloads under the readers (selftests/stress.c)
#   t_unpriv nobody|nocap     every write path from a process without
#                             CAP_SYS_TIME is refused and changes nothing
#                             (selftests/unpriv.c)
#   t_fuzz_long MINUTES       the netlink fuzzer and random sysfs writes for
#                             MINUTES (make fuzz), then the clock still reads
#
# The kernel log is judged by the suite's last check, dmesg_clean.
# Variables are prefixed ss_ (the suite's functions share one namespace).

t_stress() {
	"$B/stress" -t "${1:-60}" -r "${2:-100}"
}

t_unpriv() {
	"$B/unpriv" "$1" "$(sysdev)"
}

# nl_fuzz's own checks run at its end (sources gone, knobs back, 1000 clock
# reads); then a fresh module, since the storm may have stepped the clock.
t_fuzz_long() {
	ss_secs=$((${1:-10} * 60))
	echo "netlink and sysfs fuzzing for $ss_secs s"
	"$B/nl_fuzz" -n 1000000000 -t "$ss_secs" -d "$(sysdev)"
	ss_rc=$?
	rmmod ptp_unified && modprobe ptp_unified || return 1
	dev=$(phc_dev) || { why "no clock after the reload"; return 1; }
	phc_ctl "$dev" get || return 1
	return $ss_rc
}
