#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A falseticker for the guest checks: a tiny NTP server (RFC 5905 server
mode) on the build machine's loopback that answers real client requests
with its own clock plus an offset (default +1 s), otherwise looking like a
healthy stratum-2 server (tiny root delay and dispersion, so its error bound
is small and it cannot hide behind a wide interval).

It holds its first reply to each client address and port back by 50 ms
(as server processing time, so the exchange stays a precise one), so a
client that asks an honest server and this one at the same moment hears
the honest one first (phc-steer names module sources ntp0, ntp1, ... in the
order it first hears them).

usage: ntp_liar.py [--addr 127.0.0.1] [--port 11124] [--offset 1.0]
                   [--parent PID]
Listens on loopback only. With --parent, exits when that process is gone.
Prints one line when listening and one per 100 replies.
"""
import argparse
import ipaddress
import os
import select
import socket
import struct
import sys
import time

NTP_EPOCH_OFFSET = 2208988800  # 1900-01-01 to 1970-01-01, s


def ntp_ts(ns):
    """Unix time in ns to a 64-bit NTP timestamp."""
    secs, frac_ns = divmod(ns, 1_000_000_000)
    return ((secs + NTP_EPOCH_OFFSET) << 32) | ((frac_ns << 32) // 1_000_000_000)


def parent_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--addr", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=11124)
    ap.add_argument("--offset", type=float, default=1.0, help="seconds added to the time served")
    ap.add_argument("--parent", type=int, default=0, help="exit when this process is gone")
    a = ap.parse_args()
    if not ipaddress.ip_address(a.addr).is_loopback:
        sys.exit("ntp_liar: serves loopback addresses only")
    offset_ns = int(round(a.offset * 1e9))

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((a.addr, a.port))
    print(f"ntp_liar: listening on {a.addr}:{a.port}, serving time {a.offset:+.3f} s off",
          flush=True)
    seen = set()
    replies = 0
    while True:
        ready, _, _ = select.select([sock], [], [], 1.0)
        if a.parent and not parent_alive(a.parent):
            print(f"ntp_liar: parent {a.parent} gone after {replies} replies; exiting", flush=True)
            return
        if not ready:
            continue
        data, peer = sock.recvfrom(1024)
        rx = time.time_ns() + offset_ns
        if len(data) < 48:
            continue
        li_vn_mode = data[0]
        version = (li_vn_mode >> 3) & 7
        if li_vn_mode & 7 != 3 or version not in (3, 4):  # client mode, NTPv3/v4
            continue
        if peer not in seen:
            seen.add(peer)
            time.sleep(0.05)
        poll = struct.unpack("!b", data[2:3])[0]
        origin = data[40:48]  # the client's transmit timestamp (or its cookie)
        reply = struct.pack(
            "!BBbbII4sQ8sQQ",
            (0 << 6) | (version << 3) | 4,  # leap none, the client's version, server
            2,                              # stratum
            poll,
            -20,                            # precision, about 1 us
            0x00000010,                     # root delay, 16/65536 s (0.24 ms)
            0x00000010,                     # root dispersion, the same
            b"LIAR",                        # reference id
            ntp_ts(rx - 1_000_000_000),     # reference time
            origin,
            ntp_ts(rx),                     # receive
            ntp_ts(time.time_ns() + offset_ns))  # transmit
        sock.sendto(reply, peer)
        replies += 1
        if replies % 100 == 0:
            print(f"ntp_liar: {replies} replies", flush=True)


if __name__ == "__main__":
    main()
