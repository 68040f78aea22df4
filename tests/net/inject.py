#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""inject.py - the hostile packet injector (issue 12's "hostile packets").

Boots one guest (--target linux or vireo, 198.18.0.2/15, NIC --nic) whose
socket netdev connects to this program, which plays a host at 198.18.0.1
(MAC 52:54:00:18:00:fe) on that wire and:

  1. probe: an ARP request for the guest and ICMP echo requests; the guest
     must answer (the program also answers ARP for 198.18.0.1);
  2. notes the guest's free memory (Linux: MemAvailable; Vireo: the
     monitor's free pages);
  3. sends --rate frames a second for --duration seconds from hostile.py's
     stream for --seed (truncated headers, bad lengths and checksums,
     overlapping and endless fragments, ARP floods, ICMP of every type,
     oversized frames, ...), reading and counting what comes back;
  4. waits for the guest to settle (--settle seconds: reassembly queues
     time out), then probes again and reads the free memory until it is
     back within --mem-slack KiB of the start (or --settle runs out).

Each step prints "net: PASS inject.NAME" or "net: FAIL inject.NAME: why"
(boot, probe_before, survived, probe_after, memory_back); the stream's
sha256 is printed, the same for the same seed, count and kinds.  Every
frame is written to LOGDIR/inject-TARGET-NIC.pcap.  Exits 1 if a check
failed.

--arp-probe: the probes ask ARP only (for a stack that does not answer
echo requests yet); the checks are otherwise the same.

--zero-frame: the storm starts with a frame of zero bytes (QEMU's e1000e
model stops receiving on one until its driver kicks it); with a short
--duration, make check's regression test of that.

--self-test: checks the stream itself (same seed, same frames; every
kind drawn; no frame past QEMU's limit; the checksum), no guest.

--listen-only PORT: no guest; listens on 127.0.0.1:PORT for a QEMU you
start (-netdev socket,id=n0,connect=127.0.0.1:PORT), probes, injects,
probes again (no memory check).

Usage: inject.py [--target linux|vireo] [--nic e1000|e1000e|virtio]
        [--seed N] [--rate N] [--duration S] [--settle S] [--zero-frame]
        --linux-kernel K --linux-initrd I [--vireo-kernel K --vireo-initrd I]
        [--logdir DIR]
"""
import argparse
import hashlib
import os
import queue
import select
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostile import (BROADCAST, ETH_ARP, ETH_IP, Frames, arp, csum, eth,  # noqa: E402
                     icmp, ip_bytes, ipv4)
from netguest import Pcap, Wire, make_guest, mac, read_frame, write_frame  # noqa: E402

HOST_MAC = bytes.fromhex("5254001800fe")
HOST_IP = "198.18.0.1"
GUEST_ADDR = "198.18.0.2/15"
GUEST_IP = "198.18.0.2"


class Peer:
    """Our end of the wire: answers ARP for HOST_IP, queues echo replies."""

    def __init__(self, sock, pcap):
        self.sock, self.pcap = sock, pcap
        self.replies = queue.Queue()
        self.received = 0
        self.guest_mac = None
        self.wlock = threading.Lock()
        threading.Thread(target=self._reader, daemon=True).start()

    def send(self, frame, timeout=10):
        """Sends one frame; OSError (TimeoutError) if the guest's QEMU has
        taken nothing for timeout seconds (its NIC stopped receiving, so
        QEMU stopped reading the socket)."""
        self.pcap.write(frame)
        with self.wlock:
            if not select.select([], [self.sock], [], timeout)[1]:
                raise TimeoutError("the guest took no frame for %d s" % timeout)
            write_frame(self.sock, frame)

    def _reader(self):
        while True:
            f = read_frame(self.sock)
            if f is None:
                return
            self.received += 1
            self.pcap.write(f)
            if len(f) < 42:
                continue
            etype = struct.unpack("!H", f[12:14])[0]
            if etype == ETH_ARP:
                self._arp(f)
            elif etype == ETH_IP and f[23] == 1 and f[14 + (f[14] & 15) * 4] == 0:
                self.replies.put(f)

    def _arp(self, f):
        op = struct.unpack("!H", f[20:22])[0]
        sha, spa, tpa = f[22:28], f[28:32], f[38:42]
        if spa == ip_bytes(GUEST_IP):
            self.guest_mac = sha
        if op == 1 and tpa == ip_bytes(HOST_IP):
            self.send(eth(sha, HOST_MAC, ETH_ARP, arp(2, HOST_MAC, tpa, sha, spa)))

    def probe(self, count=3, timeout=10, arp_only=False):
        """ARP for the guest, then count echo requests; how many were
        answered (arp_only: count if the ARP was answered)."""
        deadline = time.monotonic() + timeout
        self.guest_mac = None
        while self.guest_mac is None and time.monotonic() < deadline:
            self.send(eth(BROADCAST, HOST_MAC, ETH_ARP,
                          arp(1, HOST_MAC, ip_bytes(HOST_IP), b"\0" * 6, ip_bytes(GUEST_IP))))
            time.sleep(0.5)
        if self.guest_mac is None:
            return 0
        if arp_only:
            return count
        while not self.replies.empty():
            self.replies.get()
        answered = 0
        for seq in range(count):
            payload = b"inject-probe-%d" % seq
            echo = icmp(8, 0, struct.pack("!HH", 0x1d1d, seq), payload)
            self.send(eth(self.guest_mac, HOST_MAC, ETH_IP,
                          ipv4(ip_bytes(HOST_IP), ip_bytes(GUEST_IP), 1, echo, ident=seq)))
            if self._wait_reply(seq, payload, deadline):
                answered += 1
        return answered

    def _wait_reply(self, seq, payload, deadline):
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                f = self.replies.get(timeout=left)
            except queue.Empty:
                return False
            ic = f[14 + (f[14] & 15) * 4:]
            if ic[4:8] == struct.pack("!HH", 0x1d1d, seq) and ic[8:] .startswith(payload):
                return True


def inject(peer, frames, rate, duration):
    """Sends rate * duration frames at rate a second; their sha256 and count."""
    digest = hashlib.sha256()
    total = int(rate * duration)
    start = time.monotonic()
    for i in range(total):
        f = next(frames)
        digest.update(struct.pack("!I", len(f)) + f)
        try:
            peer.send(f)
        except OSError:
            return digest.hexdigest(), i
        ahead = (i + 1) / rate - (time.monotonic() - start)
        if ahead > 0.005:
            time.sleep(ahead)
    return digest.hexdigest(), total


FAILED = []


def report(name, ok, why=""):
    if not ok:
        FAILED.append(name)
    print("net: PASS inject.%s" % name if ok else "net: FAIL inject.%s: %s" % (name, why))
    sys.stdout.flush()
    return ok


def memory_back(guest, start_kib, slack, settle):
    """Polls the guest's free memory until it is within slack of start_kib."""
    deadline = time.monotonic() + settle
    now = None
    while time.monotonic() < deadline:
        now = guest.meminfo()
        if now is not None and now >= start_kib - slack:
            return True, now
        mark = guest.hold(3)        # Vireo: its kernel threads run meanwhile
        if mark is None:
            time.sleep(3)
        guest.release(mark, 3)
    return False, now


def self_test():
    """The stream is a function of the seed; every kind shows up; no frame
    passes QEMU's limit; the checksum matches RFC 1071's example."""
    def digest(seed, n=3000):
        fr = Frames(seed, HOST_MAC, HOST_IP, mac_bytes(2), GUEST_IP)
        h = hashlib.sha256()
        longest = 0
        for _ in range(n):
            f = next(fr)
            longest = max(longest, len(f))
            h.update(struct.pack("!I", len(f)) + f)
        return h.hexdigest(), fr.counts, longest
    d1, counts, longest = digest(1)
    d2, _, _ = digest(1)
    d3, _, _ = digest(2)
    report("self_test.same_seed_same_stream", d1 == d2, "%s != %s" % (d1, d2))
    report("self_test.other_seed_other_stream", d1 != d3, "seeds 1 and 2 agree")
    report("self_test.every_kind", all(counts.values()), "counts %r" % counts)
    report("self_test.within_qemu_limit", longest <= 9018, "a frame of %d bytes" % longest)
    ex = bytes([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7])
    report("self_test.checksum", csum(ex) == (~0xddf2 & 0xffff), "csum %#x" % csum(ex))
    return 1 if FAILED else 0


def mac_bytes(n):
    return bytes.fromhex(mac(n).replace(":", ""))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", choices=("linux", "vireo"), default="linux")
    ap.add_argument("--nic", choices=("e1000", "e1000e", "virtio"), default="e1000")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rate", type=float, default=1000)
    ap.add_argument("--duration", type=float, default=20)
    ap.add_argument("--settle", type=float, default=60)
    ap.add_argument("--mem-slack", type=int, default=None,
                    help="KiB; default 8192 for Linux (neighbour and socket caches "
                         "shrink lazily), 2048 for Vireo")
    ap.add_argument("--linux-kernel")
    ap.add_argument("--linux-initrd")
    ap.add_argument("--vireo-kernel")
    ap.add_argument("--vireo-initrd")
    ap.add_argument("--logdir", default=".")
    ap.add_argument("--listen-only", type=int, default=0)
    ap.add_argument("--self-test", action="store_true")
    ap.add_argument("--arp-probe", action="store_true",
                    help="probe with ARP alone (a stack without ICMP echo yet)")
    ap.add_argument("--zero-frame", action="store_true",
                    help="start the storm with a frame of zero bytes")
    args = ap.parse_args()
    if args.self_test:
        return self_test()
    if args.mem_slack is None:
        args.mem_slack = 8192 if args.target == "linux" else 2048
    os.makedirs(args.logdir, exist_ok=True)
    tag = "inject-%s-%s" % (args.target, args.nic)
    pcap = Pcap(os.path.join(args.logdir, tag + ".pcap"))
    guest = None
    if args.listen_only:
        ls = socket.socket()
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("127.0.0.1", args.listen_only))
        ls.listen(1)
        print("inject: waiting for QEMU on 127.0.0.1:%d" % args.listen_only)
        sock, wire = ls.accept()[0], None
    else:
        wire = Wire(None, ports=1)
        kern, initrd = ((args.vireo_kernel, args.vireo_initrd) if args.target == "vireo"
                        else (args.linux_kernel, args.linux_initrd))
        guest = make_guest(args.target, args.target, kern, initrd,
                           os.path.join(args.logdir, tag + ".log"), args.nic,
                           wire.ports[0], mac(2), GUEST_ADDR)
        sock = wire.connection(0, 60)
    try:
        if guest is not None and not report("boot", sock is not None and guest.boot(),
                                            "the guest did not come up"):
            return 1
        peer = Peer(sock, pcap)
        hold = guest.hold(15) if guest else None
        ok = peer.probe(arp_only=args.arp_probe) == 3
        if guest:
            guest.release(hold, 15)
        if not report("probe_before", ok, "no answer before the storm"):
            return 1
        mem0 = guest.meminfo() if guest else None
        frames = Frames(args.seed, HOST_MAC, HOST_IP, peer.guest_mac, GUEST_IP)
        busy = int(args.duration) + 10
        hold = guest.hold(busy) if guest else None
        t0 = time.monotonic()
        if args.zero_frame:
            peer.send(b"")
        digest, sent = inject(peer, frames, args.rate, args.duration)
        secs = time.monotonic() - t0
        if guest:
            guest.release(hold, busy)
        print("  inject: seed %d, %d frames in %.1f s, %d frames back, sha256 %s" % (
            args.seed, sent, secs, peer.received, digest))
        print("  inject: kinds %s" % " ".join("%s=%d" % kv for kv in frames.counts.items()))
        alive = guest is None or guest.proc.poll() is None
        report("survived", alive and sent == int(args.rate * args.duration),
               "QEMU exited, or it stopped taking frames, after %d frames" % sent)
        ok = False
        deadline = time.monotonic() + args.settle
        while not ok and time.monotonic() < deadline:
            hold = guest.hold(15) if guest else None
            ok = peer.probe(3, 10, args.arp_probe) == 3
            if guest:
                guest.release(hold, 15)
        report("probe_after", ok, "no answer within %d s of the storm" % args.settle)
        if guest is not None and mem0 is not None:
            back, now = memory_back(guest, mem0, args.mem_slack, args.settle)
            report("memory_back", back, "free %s KiB, %d KiB before the storm" % (now, mem0))
        elif guest is not None:
            report("memory_back", False, "could not read the guest's free memory")
    finally:
        if guest:
            guest.close()
        if wire:
            wire.close()
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
