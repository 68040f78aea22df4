#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""fwd_relay.py - the command behind a QEMU guestfwd (tests/e2e/iplib_net.py).

QEMU runs it once per connection the guest makes to the forwarded address,
with the connection on standard input and output; it connects to
127.0.0.1:PORT (a Python http.server of the test) and copies bytes both
ways: standard input's EOF becomes a half-close towards the server, the
server's EOF ends the relay.  Usage: fwd_relay.py PORT
"""
import os
import select
import socket
import sys


def main(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.settimeout(None)
    inputs = [0, s.fileno()]
    while True:
        ready, _, _ = select.select(inputs, [], [], 60)
        if not ready:
            return 1
        if s.fileno() in ready:
            data = s.recv(65536)
            if not data:
                return 0
            while data:
                data = data[os.write(1, data):]
        if 0 in ready:
            data = os.read(0, 65536)
            if data:
                s.sendall(data)
            else:
                s.shutdown(socket.SHUT_WR)
                inputs = [s.fileno()]


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1])))
