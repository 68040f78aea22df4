#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""linkflap.py - takes QEMU's links down and up when a test asks.

    scripts/linkflap.py LOG SOCK TIMEOUT NETDEV...

Follows the serial log LOG of a boot started with `qemu.sh --monitor SOCK`.
A line "linkflap: off" makes it send `set_link NETDEV off` for every NETDEV
to the monitor, "linkflap: on" the same with on (net_ether's ether_link
suite prints them).  It ends at the test's summary line, when QEMU goes
away, or after TIMEOUT seconds; it exits 0 unless the monitor refused.
"""
import os
import socket
import sys
import time


def monitor_cmd(sock_path, cmd):
    """Sends one command to the human monitor; returns its answer."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(sock_path)
    out = b""
    try:
        out += s.recv(4096)                 # the banner and prompt
        s.sendall(cmd.encode() + b"\n")
        time.sleep(0.2)
        out += s.recv(4096)
    except socket.timeout:
        pass
    s.close()
    return out.decode(errors="replace")


def main():
    log, sock, timeout, netdevs = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4:]
    end = time.time() + timeout
    pos, ok = 0, True
    while time.time() < end:
        if not os.path.exists(log):
            time.sleep(0.2)
            continue
        with open(log, "rb") as f:
            f.seek(pos)
            chunk = f.read()
        # only whole lines
        cut = chunk.rfind(b"\n") + 1
        pos += cut
        for line in chunk[:cut].decode(errors="replace").splitlines():
            line = line.strip()
            if line in ("linkflap: off", "linkflap: on"):
                state = line.split()[1]
                for nd in netdevs:
                    answer = monitor_cmd(sock, f"set_link {nd} {state}")
                    if "rror" in answer or "not found" in answer:
                        print(f"linkflap: set_link {nd} {state}: {answer!r}", file=sys.stderr)
                        ok = False
            if line.startswith("utest: summary"):
                return 0 if ok else 1
        time.sleep(0.1)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
