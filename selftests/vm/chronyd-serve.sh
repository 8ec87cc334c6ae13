#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# chronyd-serve.sh DIR PORT: serve this machine's clock over NTP on
# 127.0.0.1:PORT with chronyd in the foreground, its files in DIR. Local
# stratum 8, no command port, and -x: it never adjusts the clock it serves.
# The loopback server of the TCG guests' NTP checks (run-guest.sh, on the
# build machine) and of the bench's NTP probes (l1-bench.sh, in L1).
set -eu
dir=$1 port=$2
mkdir -p "$dir"
cat >"$dir/chrony.conf" <<EOC
local stratum 8
allow 127.0.0.0/8
bindaddress 127.0.0.1
port $port
cmdport 0
bindcmdaddress /
pidfile $dir/chronyd.pid
driftfile $dir/chrony.drift
EOC
exec chronyd -d -x -u root -f "$dir/chrony.conf"
