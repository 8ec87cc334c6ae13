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

The fault checks also use it as a server that is wrong in other ways:
--leap 3 (alarm: the server is not synchronised) and --stratum 0 (a
kiss-o'-death, code --refid) make every reply one that a client must
refuse; --silent-after S stops answering S seconds after its first reply
(a server that vanishes), which with --offset 0 is an honest server until
then.

usage: ntp_liar.py [--addr 127.0.0.1] [--port 11124] [--offset 1.0]
                   [--leap 0..3] [--stratum 0..16] [--refid LIAR]
                   [--silent-after S] [--parent PID]
Listens on loopback only. With --parent, exits when that process is gone.
Prints one line when listening, one per 100 replies and one on going silent.
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
    ap.add_argument("--leap", type=int, default=0, choices=range(4),
                    help="leap indicator of every reply (3: unsynchronised)")
    ap.add_argument("--stratum", type=int, default=2, choices=range(17),
                    help="stratum of every reply (0: kiss-o'-death)")
    ap.add_argument("--refid", default="LIAR", help="reference id (the kiss code at stratum 0)")
    ap.add_argument("--silent-after", type=float, default=0,
                    help="stop answering this many seconds after the first reply (0: never)")
    ap.add_argument("--parent", type=int, default=0, help="exit when this process is gone")
    a = ap.parse_args()
    if not ipaddress.ip_address(a.addr).is_loopback:
        sys.exit("ntp_liar: serves loopback addresses only")
    offset_ns = int(round(a.offset * 1e9))

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((a.addr, a.port))
    refid = a.refid.encode("ascii")[:4].ljust(4, b"\0")
    print(f"ntp_liar: listening on {a.addr}:{a.port}, serving time {a.offset:+.3f} s off, "
          f"leap {a.leap}, stratum {a.stratum}, refid {a.refid}"
          + (f", silent {a.silent_after:g} s after the first reply" if a.silent_after else ""),
          flush=True)
    seen = set()
    replies = 0
    first_reply = None
    silent = False
    while True:
        ready, _, _ = select.select([sock], [], [], 1.0)
        if a.parent and not parent_alive(a.parent):
            print(f"ntp_liar: parent {a.parent} gone after {replies} replies; exiting", flush=True)
            return
        if not ready:
            continue
        data, peer = sock.recvfrom(1024)
        rx = time.time_ns() + offset_ns
        if first_reply is not None and a.silent_after and \
                time.monotonic() - first_reply >= a.silent_after:
            if not silent:
                silent = True
                print(f"ntp_liar: silent now, after {replies} replies", flush=True)
            continue
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
            (a.leap << 6) | (version << 3) | 4,  # leap, the client's version, server
            a.stratum,
            poll,
            -20,                            # precision, about 1 us
            0x00000010,                     # root delay, 16/65536 s (0.24 ms)
            0x00000010,                     # root dispersion, the same
            refid,
            ntp_ts(rx - 1_000_000_000),     # reference time
            origin,
            ntp_ts(rx),                     # receive
            ntp_ts(time.time_ns() + offset_ns))  # transmit
        sock.sendto(reply, peer)
        replies += 1
        if first_reply is None:
            first_reply = time.monotonic()
        if replies % 100 == 0:
            print(f"ntp_liar: {replies} replies", flush=True)


if __name__ == "__main__":
    main()
