#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Send QMP commands to a QEMU monitor socket, one per argument.

usage: qmp.py SOCKET COMMAND [COMMAND ...]
A COMMAND is a QMP command name, or name:JSON-arguments
(e.g. 'migrate:{"uri": "exec:cat > /run/state"}'). Prints each reply; exits
non-zero on a QMP error.
"""
import json
import socket
import sys


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(sys.argv[1])
    f = sock.makefile("rw")

    def reply():
        while True:
            msg = json.loads(f.readline())
            if "return" in msg or "error" in msg:
                return msg

    json.loads(f.readline())  # greeting
    f.write(json.dumps({"execute": "qmp_capabilities"}) + "\n")
    f.flush()
    reply()
    rc = 0
    for cmd in sys.argv[2:]:
        name, _, args = cmd.partition(":")
        req = {"execute": name}
        if args:
            req["arguments"] = json.loads(args)
        f.write(json.dumps(req) + "\n")
        f.flush()
        msg = reply()
        print(json.dumps(msg))
        if "error" in msg:
            rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
