#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Pause a QEMU guest over QMP for make bench and say when, by QEMU's clock.

usage: bench_pause.py SOCKET SECONDS
Sends stop, sleeps, sends cont, and prints the STOP and RESUME events'
timestamps: QEMU stamps each event with its own CLOCK_REALTIME (in L1, the
truth the benchmark measures against), so the resume instant is known to
the microsecond without this script's own start-up time in it:
    stop SECONDS.MICROSECONDS
    resume SECONDS.MICROSECONDS
"""
import json
import socket
import sys
import time


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(sys.argv[1])
    f = sock.makefile("rw")
    stamps = {}

    def send(cmd):
        f.write(json.dumps({"execute": cmd}) + "\n")
        f.flush()

    def until(pred):
        while True:
            line = f.readline()
            if not line:
                raise SystemExit("bench_pause: QMP socket closed")
            msg = json.loads(line)
            if "event" in msg:
                ts = msg["timestamp"]
                stamps[msg["event"]] = "%d.%06d" % (ts["seconds"], ts["microseconds"])
            if "error" in msg:
                raise SystemExit("bench_pause: " + json.dumps(msg))
            if pred(msg):
                return

    until(lambda m: "QMP" in m)
    send("qmp_capabilities")
    until(lambda m: "return" in m)
    send("stop")
    until(lambda m: "STOP" in stamps)
    time.sleep(float(sys.argv[2]))
    send("cont")
    until(lambda m: "RESUME" in stamps)
    print("stop", stamps["STOP"])
    print("resume", stamps["RESUME"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
