# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The kernel's reports that fail a test run: one list for everything that
# reads a kernel log, sourced by the guest suite's dmesg_clean
# (selftests/guest/run-suite.sh; the initramfs carries this file) and by
# the build machine's reading of guest consoles and its retry rule
# (scripts/lib/guest-retry.sh). Each alternative matches the first line of
# a report (an extended regular expression, for grep -E and awk):
#   WARN()/WARN_ON()                 WARNING: CPU: 0 PID: 1 at FILE:LINE ...
#   BUG(), bad accesses, KASAN,      BUG: ..., kernel BUG at ..., Oops: ...,
#   soft lockups                     general protection fault, BUG: soft lockup
#   hard lockups                     Watchdog detected hard LOCKUP on cpu N
#   hung tasks                       INFO: task NAME:PID blocked for more than N seconds.
#   RCU stalls                       rcu: INFO: rcu_preempt self-detected stall on CPU
#                                    (and "detected stalls on CPUs/tasks", expedited)
#   panics                           Kernel panic - not syncing: ...
#   UBSAN, kmemleak, debugobjects,   UBSAN: ..., kmemleak: N new suspected memory leaks,
#   refcount and list corruption     ODEBUG: ..., refcount_t: ..., list_add corruption
#   lockdep and atomic sleep         possible circular locking, inconsistent lock state, ...
# kernel_report_re: the first lines of reports; kernel_complaint_re: those
# and any stack frame in the module ("[ptp_unified]"), whatever report it
# belongs to.
# shellcheck disable=SC2034 # used by the scripts that source this
kernel_report_re='WARNING:|BUG:|kernel BUG at|Oops|general protection fault|hard LOCKUP|blocked for more than [0-9]+ seconds|rcu: INFO: |self-detected stall|detected stalls on CPUs|detected expedited stalls|Kernel panic|UBSAN:|KASAN|kmemleak: [0-9]+ new suspected memory leak|ODEBUG:|refcount_t:|list_add corruption|list_del corruption|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|sleeping function called from invalid context|bad unlock balance|held lock freed|lock held when returning|DEBUG_LOCKS_WARN|turning off the locking correctness validator'
# shellcheck disable=SC2034
kernel_complaint_re="$kernel_report_re|\\[ptp_unified\\]"
