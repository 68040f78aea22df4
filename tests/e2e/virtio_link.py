#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""virtio_link.py - link down and up on a virtio-net device, from QEMU's monitor.

Boots the kernel (tools/e2e_console.py's Console, serial on a pipe) with one
virtio-net-pci (modern only, MAC 52:54:00:00:11:11, user networking with
restrict=on) and a human monitor on a Unix socket, running the ktest
virtio_net.link_follows_set_link (kern/src/ktest/kt_virtio_net.c).  When
the test prints "link: waiting for down" this script types
"set_link vl0 off" into the monitor, and "set_link vl0 on" at "link: waiting
for up"; the ktest checks that the driver reported both changes, that
nothing was answered while the link was down, and that ARP works again.

Prints "e2e: PASS virtio_link.NAME" or "e2e: FAIL virtio_link.NAME: why",
which scripts/check.sh counts.  Usage: virtio_link.py KERNEL LOGFILE
"""
import os
import socket
import sys
import tempfile
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tools"))
from e2e_console import Console, report  # noqa: E402

TEST = "virtio_net.link_follows_set_link"
MAC = "52:54:00:00:11:11"


def monitor(path, line):
    """Types one line into QEMU's human monitor; True once it was sent."""
    for _ in range(50):
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            break
        except OSError:
            time.sleep(0.1)
    else:
        return False
    s.settimeout(5)
    try:
        s.recv(4096)                    # the banner and prompt
        s.sendall(line.encode() + b"\n")
        time.sleep(0.3)
        s.recv(4096)
    except OSError:
        pass
    s.close()
    return True


def main(kernel, log):
    sock = os.path.join(tempfile.mkdtemp(prefix="vireo-link-"), "mon")
    con = Console(kernel, log, [
        "-append", "ktest=" + TEST, "-nic", "none",
        "-netdev", "user,id=vl0,restrict=on",
        "-device", "virtio-net-pci,disable-legacy=on,netdev=vl0,mac=" + MAC,
        "-monitor", "unix:%s,server,nowait" % sock])
    try:
        steps = ((b"link: waiting for down", "set_link vl0 off", 180),
                 (b"link: waiting for up", "set_link vl0 on", 60))
        for wait, cmd, secs in steps:
            if con.read_until(wait, secs) is None:
                report("virtio_link.monitor", False,
                       "no '%s' in %d s (see %s)" % (wait.decode(), secs, log))
                return
            if not monitor(sock, cmd):
                report("virtio_link.monitor", False, "cannot reach the monitor")
                return
        report("virtio_link.monitor", True)
        out = con.read_until(b"ktest: summary", 60)
        text = "" if out is None else out.decode("latin-1")
        ok = ("ktest: PASS " + TEST) in text
        why = "no result line" if out is None else "the ktest failed (see %s)" % log
        report("virtio_link.link_down_up", ok, why)
    finally:
        con.wait_exit(30)
        con.log.close()
        try:
            os.unlink(sock)
            os.rmdir(os.path.dirname(sock))
        except OSError:
            pass


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: virtio_link.py KERNEL LOGFILE")
    main(sys.argv[1], sys.argv[2])
