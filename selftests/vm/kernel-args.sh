# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The kernel command line every guest of the harness starts with: the TCG
# test guests, the nested host (L1) and its test guests (L2), make demo's
# and make bench's guests, and deb-boot-test.sh's packaged image.
#   console=ttyS0 loglevel=5
#       The console shows KERN_WARNING and above: WARN(), and the reports of
#       hung tasks and RCU stalls with their traces, reach the console log
#       the build machine reads (scripts/lib/guest-retry.sh). Debian's
#       `quiet` (console level 4) hid all of them.
#   watchdog_thresh=60 rcupdate.rcu_cpu_stall_timeout=120
#       Every guest here is emulated (TCG, or KVM inside TCG) on a shared
#       2-core machine, where other guests can starve its vCPU threads for
#       many seconds. A soft lockup is then reported after 120 s
#       (2 x watchdog_thresh; Debian's default 20 s), a hard lockup after
#       60 s, an RCU stall after 120 s (Debian's 21 s): a starved but
#       healthy guest does not report, a CPU stuck for real still does,
#       well within every run's timeout. The hung-task report keeps its 120 s.
#   panic=-1
#       A panic reboots at once, which QEMU's -no-reboot makes an exit.
# shellcheck disable=SC2034 # used by the scripts that source this
guest_kernel_args="console=ttyS0 loglevel=5 panic=-1 watchdog_thresh=60 rcupdate.rcu_cpu_stall_timeout=120"
