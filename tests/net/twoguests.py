#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""twoguests.py - two guests, one wire (issue 12's acceptance test).

Boots Debian's Linux (guest "linux", 198.18.0.1/15) and a peer (another
Linux, or Vireo with --peer vireo; 198.18.0.2/15), each with one NIC of
the model --nic, joined by a Wire (netguest.py; every frame goes to
LOGDIR/net-NIC-PEER.pcap), and checks, each printing
"net: PASS NIC.NAME" or "net: FAIL NIC.NAME: why":

  boot_linux, boot_PEER     both consoles ready, addresses configured
                            (PEER is "vireo", or "linux2" for a Linux peer)
  ping_PEER_to_linux        3 echo requests, all answered
  ping_linux_to_PEER        the same the other way
  arp_linux, arp_PEER       each ARP table holds the other's MAC
  udp_linux_to_PEER         one datagram with a random token: the receiver
  udp_PEER_to_linux         prints the sender's address and port and the token
  frag_ping_*               a 30,000-byte ping both ways (IPv4 fragments)

--dhcp: the peer boots with no address; Linux starts busybox's udhcpd
(tests/net/udhcpd.conf: a pool from 198.18.0.100, a 40 s lease) and the
peer asks for one (Linux: udhcpc; Vireo: ipconfig -r), then the checks run
with the leased address:

  dhcp_server, dhcp_PEER    the server starts; the client prints its lease
  dhcp_ndb_vireo            /net/ndb holds the address, gateway, DNS, domain
  dhcp_renewed_vireo        the lease keeper renewed the lease (T1 = 20 s)

Addresses come from 198.18.0.0/15 (RFC 2544's benchmarking block), which
exists only on the wire.  Exits 1 if a check failed.  The next issue's TCP
checks reuse the guests and the wire (netguest.py).

Usage: twoguests.py [--peer linux|vireo] [--nic e1000|e1000e|virtio]
        --linux-kernel K --linux-initrd I [--vireo-kernel K --vireo-initrd I]
        [--dhcp] [--logdir DIR]
"""
import argparse
import os
import random
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netguest import Wire, make_guest, mac  # noqa: E402

ADDR_A = "198.18.0.1/15"
ADDR_B = "198.18.0.2/15"
UDP_PORT = 7001
UDP_SRC_PORT = 5555


class Checks:
    def __init__(self, nic):
        self.nic = nic
        self.failed = 0

    def report(self, name, ok, why=""):
        if ok:
            print("net: PASS %s.%s" % (self.nic, name))
        else:
            self.failed += 1
            print("net: FAIL %s.%s: %s" % (self.nic, name, why))
        sys.stdout.flush()
        return ok


def ping_ok(guest, status, out, count):
    """A ping's status and output say every request was answered."""
    if status != 0:
        return False
    if guest.kind == "linux":
        return " 0% packet loss" in out
    return re.search(r"\b0 out of %d messages lost" % count, out) is not None


def check_ping(c, name, src, dst, count=3, size=56, timeout=60):
    hold = dst.hold(count + 8)
    st, out = src.run(src.ping(dst.addr, count, size), timeout)
    dst.release(hold, count + 8)
    return c.report(name, ping_ok(src, st, out or "", count),
                    "status %r, output %r" % (st, (out or "")[-300:]))


def check_arp(c, name, guest, peer_mac):
    st, out = guest.run(guest.arp_table(), 20)
    c.report(name, st == 0 and peer_mac in (out or "").lower(),
             "status %r, no %s in %r" % (st, peer_mac, (out or "")[-300:]))


def check_udp(c, name, src, dst, src_addr):
    """dst waits for one datagram; src sends it (again if the first one was
    sent before dst's socket was bound)."""
    token = "vireo-net-%08x" % random.getrandbits(32)
    for attempt in range(2):
        mark = dst.start("%sudpcat recv %d 15" % (dst.prefix, UDP_PORT))
        time.sleep(3)
        st_s, out_s = src.run("%sudpcat send %s %d %s %d" % (
            src.prefix, dst.addr, UDP_PORT, token, UDP_SRC_PORT + attempt), 30)
        st, out = dst.finish(mark, 40)
        want = "udpcat: from %s:%d %d bytes: %s" % (src_addr, UDP_SRC_PORT + attempt,
                                                   len(token), token)
        if st == 0 and want in (out or ""):
            return c.report(name, True)
    return c.report(name, False, "sender %r %r; receiver %r %r (want %r)" % (
        st_s, (out_s or "")[-200:], st, (out or "")[-300:], want))


def check_dhcp(c, p, a, b):
    """Linux's udhcpd (tests/net/udhcpd.conf) leases the peer its address;
    for Vireo, /net/ndb must hold it and the DNS server."""
    st, out = a.run("touch /tmp/udhcpd.leases && udhcpd /etc/udhcpd.conf", 20)
    if not c.report("dhcp_server", st == 0, "udhcpd: %r %r" % (st, (out or "")[-300:])):
        return False
    cmd, want = b.dhcp()
    st, out = b.run(cmd, 90)
    m = re.search(want, out or "")
    if not c.report("dhcp_" + p, st == 0 and m is not None,
                    "status %r, no lease line in %r" % (st, (out or "")[-400:])):
        return False
    b.addr = m.group(1)
    if b.kind == "vireo":
        st, out = b.run("/bin/cat /net/ndb", 20)
        c.report("dhcp_ndb_" + p, st == 0 and "ip=%s ipmask=255.254.0.0 ipgw=198.18.0.1" % b.addr
                 in (out or "") and "dns=198.18.0.1" in (out or "")
                 and "dom=wire.test" in (out or ""), "/net/ndb: %r" % (out or "")[-300:])
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--peer", choices=("linux", "vireo"), default="linux")
    ap.add_argument("--nic", choices=("e1000", "e1000e", "virtio"), default="e1000")
    ap.add_argument("--linux-kernel", required=True)
    ap.add_argument("--linux-initrd", required=True)
    ap.add_argument("--vireo-kernel")
    ap.add_argument("--vireo-initrd")
    ap.add_argument("--logdir", default=".")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--dhcp", action="store_true",
                    help="the peer gets its address from Linux's udhcpd")
    args = ap.parse_args()
    random.seed(args.seed)
    os.makedirs(args.logdir, exist_ok=True)
    tag = "net-%s-%s%s" % (args.nic, args.peer, "-dhcp" if args.dhcp else "")
    c = Checks(args.nic)
    wire = Wire(os.path.join(args.logdir, tag + ".pcap"))
    a = make_guest("linux", "linux", args.linux_kernel, args.linux_initrd,
                   os.path.join(args.logdir, tag + "-linux.log"), args.nic,
                   wire.ports[0], mac(1), ADDR_A)
    kern, initrd = ((args.vireo_kernel, args.vireo_initrd) if args.peer == "vireo"
                    else (args.linux_kernel, args.linux_initrd))
    b = make_guest(args.peer, args.peer, kern, initrd,
                   os.path.join(args.logdir, tag + "-%s-peer.log" % args.peer), args.nic,
                   wire.ports[1], mac(2), None if args.dhcp else ADDR_B)
    p = "linux2" if args.peer == "linux" else "vireo"
    try:
        ok_a = c.report("boot_linux", a.boot(), "no NETGUEST-READY (see the log)")
        ok_b = c.report("boot_" + p, b.boot(), "the peer did not come up (see the log)")
        if not (ok_a and ok_b):
            return 1
        if args.dhcp and not check_dhcp(c, p, a, b):
            return 1
        check_ping(c, "ping_%s_to_linux" % p, b, a)
        check_ping(c, "ping_linux_to_%s" % p, a, b)
        check_arp(c, "arp_linux", a, mac(2))
        check_arp(c, "arp_" + p, b, mac(1))
        check_udp(c, "udp_linux_to_" + p, a, b, a.addr)
        check_udp(c, "udp_%s_to_linux" % p, b, a, b.addr)
        check_ping(c, "frag_ping_%s_to_linux" % p, b, a, 2, 30000, 120)
        check_ping(c, "frag_ping_linux_to_" + p, a, b, 2, 30000, 120)
        if args.dhcp and b.kind == "vireo":
            # The lease is 40 s: the keeper (ipconfig -r) renews at 20 s.
            # It runs only while the monitor waits in "run" (at its prompt
            # the monitor polls the console and the one core is its), so
            # something that waits 25 s is run meanwhile.
            b.run("/bin/udpcat recv 7999 25", 60)
            c.report("dhcp_renewed_vireo", b.seen(r"ipconfig: renewed " + re.escape(b.addr), 5)
                     is not None, "no 'ipconfig: renewed' line within the lease")
    finally:
        a.close()
        b.close()
        wire.close()
    print("  (wire: %d frames from linux, %d from the %s peer; pcap in %s)" % (
        wire.frames[0], wire.frames[1], p, os.path.join(args.logdir, tag + ".pcap")))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
