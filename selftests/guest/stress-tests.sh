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
#
# The kernel log is judged by the suite's last check, dmesg_clean.
# Variables are prefixed ss_ (the suite's functions share one namespace).

t_stress() {
	"$B/stress" -t "${1:-60}" -r "${2:-100}"
}

t_unpriv() {
	"$B/unpriv" "$1" "$(sysdev)"
}
