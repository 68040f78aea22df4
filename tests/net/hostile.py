# SPDX-License-Identifier: MIT
"""hostile.py - the frames of the hostile packet injector (inject.py).

Frames(seed, src_mac, src_ip, dst_mac, dst_ip) yields an endless stream of
random and half-valid Ethernet frames, the same stream for the same seed
(nothing but the seed feeds its random.Random).  Each frame is drawn from
one of the kinds in KINDS, by weight:

  junk         random bytes, 0 to 2,000 long
  runt         a truncated Ethernet header (0 to 13 bytes)
  oversized    up to 9,018 bytes (QEMU drops a socket netdev peer whose
               frame passes its 69,632-byte buffer, so never more)
  ethertype    VLAN tags, IPv6, random types, multicast destinations
  ipv4         bad version, IHL below 5 or past the frame, total length
               past the frame or below the header, bad header checksum,
               random options, TTL 0, random protocols
  udp          truncated headers, length fields too long and too short,
               bad checksums, to ports that listen and ports that don't
  icmp         every type (0-255) with codes 0-15, truncated, bad
               checksums, errors quoting truncated or bogus IP headers
  fragment     overlapping offsets, the same id again, endless first
               fragments (MF set, no last), offset + length past 65,535,
               zero-length and 8-byte fragments
  arp          floods of requests from random senders, unsolicited
               replies, bad hardware/protocol lengths, truncated ARP,
               claims of the target's own address

Source and destination addresses are drawn from 198.18.0.0/15 (the wire's
block) or from special ones (0.0.0.0, 255.255.255.255, 127.0.0.1,
224.0.0.1, the target's own); whatever the target answers goes back on
the same socket and nowhere else.
"""
import random
import struct

BROADCAST = b"\xff" * 6
ETH_IP, ETH_ARP, ETH_VLAN, ETH_IPV6 = 0x0800, 0x0806, 0x8100, 0x86dd


def csum(data):
    """The Internet checksum (RFC 1071) of data."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip_bytes(a):
    return bytes(int(x) for x in a.split("."))


def eth(dst, src, etype, payload):
    return dst + src + struct.pack("!H", etype) + payload


def ipv4(src, dst, proto, payload, ident=0, frag=0, ttl=64, options=b"", good_csum=True,
         total=None):
    ihl = 5 + (len(options) + 3) // 4
    options = options.ljust((ihl - 5) * 4, b"\0")
    tl = ihl * 4 + len(payload) if total is None else total
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, tl & 0xffff, ident, frag, ttl, proto, 0,
                    src, dst) + options
    c = csum(h) if good_csum else csum(h) ^ 0xa5a5
    return h[:10] + struct.pack("!H", c) + h[12:] + payload


def icmp(itype, code, rest, body, good_csum=True):
    h = struct.pack("!BBH", itype, code, 0) + rest + body
    c = csum(h) if good_csum else (csum(h) ^ 0x5a5a)
    return h[:2] + struct.pack("!H", c) + h[4:]


def udp(src, dst, sport, dport, data, good_csum=True, length=None):
    ln = 8 + len(data) if length is None else length
    pseudo = src + dst + struct.pack("!BBH", 0, 17, 8 + len(data))
    h = struct.pack("!HHHH", sport, dport, ln & 0xffff, 0)
    c = csum(pseudo + h + data) or 0xffff
    if not good_csum:
        c ^= 0x1234
    return h[:6] + struct.pack("!H", c) + data


def arp(op, sha, spa, tha, tpa, hlen=6, plen=4):
    return struct.pack("!HHBBH", 1, ETH_IP, hlen, plen, op) + sha + spa + tha + tpa


class Frames:
    def __init__(self, seed, src_mac, src_ip, dst_mac, dst_ip):
        self.r = random.Random(seed)
        self.src_mac, self.dst_mac = src_mac, dst_mac
        self.src_ip, self.dst_ip = ip_bytes(src_ip), ip_bytes(dst_ip)
        self.ident = 0
        self.kinds = [(k, w) for k, w in KINDS]
        self.total = sum(w for _, w in KINDS)
        self.counts = {k: 0 for k, _ in KINDS}

    def __iter__(self):
        return self

    def __next__(self):
        x = self.r.randrange(self.total)
        for kind, w in self.kinds:
            if x < w:
                self.counts[kind] += 1
                return getattr(self, "gen_" + kind)()
            x -= w
        raise AssertionError("unreachable")

    # -- helpers
    def rbytes(self, n):
        return bytes(self.r.getrandbits(8) for _ in range(n))

    def some_ip(self):
        c = self.r.randrange(10)
        if c < 6:
            return bytes([198, 18 + self.r.randrange(2), self.r.randrange(256), self.r.randrange(256)])
        return [b"\0\0\0\0", b"\xff\xff\xff\xff", b"\x7f\0\0\1", b"\xe0\0\0\1",
                self.dst_ip, self.src_ip][c - 4]

    def some_mac(self):
        return bytes([self.r.randrange(256) & 0xfe | 0x02]) + self.rbytes(5)

    def dst(self):
        return self.r.choice([self.dst_mac, self.dst_mac, BROADCAST, b"\x01\0\x5e\0\0\1"])

    def ip_frame(self, proto, payload, **kw):
        src = kw.pop("src", None) or (self.src_ip if self.r.random() < 0.5 else self.some_ip())
        return eth(self.dst(), self.src_mac, ETH_IP, ipv4(src, self.dst_ip, proto, payload, **kw))

    # -- the kinds
    def gen_junk(self):
        return self.rbytes(self.r.randrange(2001))

    def gen_runt(self):
        return (self.dst_mac + self.src_mac + b"\x08\x00")[:self.r.randrange(14)]

    def gen_oversized(self):
        body = self.rbytes(self.r.randrange(1500, 9005))
        return eth(self.dst_mac, self.src_mac, self.r.choice([ETH_IP, ETH_ARP, 0x1234]), body)

    def gen_ethertype(self):
        etype = self.r.choice([ETH_VLAN, ETH_IPV6, self.r.getrandbits(16), 0x0000, 0x05dc])
        body = self.rbytes(self.r.randrange(0, 100))
        if etype == ETH_VLAN and self.r.random() < 0.5:
            body = struct.pack("!HH", self.r.getrandbits(16), ETH_IP) + \
                ipv4(self.src_ip, self.dst_ip, 1, icmp(8, 0, b"\0\1\0\1", b"vlan"))
        return eth(self.r.choice([self.dst_mac, BROADCAST, b"\x33\x33\0\0\0\1"]),
                   self.src_mac, etype, body)

    def gen_ipv4(self):
        payload = self.rbytes(self.r.randrange(0, 200))
        proto = self.r.choice([1, 6, 17, 0, 2, 41, 47, 255, self.r.randrange(256)])
        fault = self.r.randrange(8)
        if fault == 0:      # the version nibble
            f = bytearray(ipv4(self.src_ip, self.dst_ip, proto, payload))
            f[0] = (self.r.randrange(16) << 4) | (f[0] & 0xf)
            return eth(self.dst_mac, self.src_mac, ETH_IP, bytes(f))
        if fault == 1:      # IHL below 5 or past the packet
            f = bytearray(ipv4(self.src_ip, self.dst_ip, proto, payload))
            f[0] = 0x40 | self.r.choice([0, 1, 4, 15])
            f = f[:self.r.randrange(1, len(f) + 1)]
            return eth(self.dst_mac, self.src_mac, ETH_IP, bytes(f))
        if fault == 2:      # total length past the frame or below the header
            return self.ip_frame(proto, payload,
                                 total=self.r.choice([0, 1, 19, 21, 65535, len(payload) + 400]))
        if fault == 3:
            return self.ip_frame(proto, payload, good_csum=False)
        if fault == 4:      # options: random bytes, sometimes well-formed-looking
            opts = self.rbytes(self.r.randrange(1, 41))
            return self.ip_frame(proto, payload, options=opts)
        if fault == 5:
            return self.ip_frame(proto, payload, ttl=0)
        if fault == 6:      # cut anywhere
            f = self.ip_frame(proto, payload)
            return f[:14 + self.r.randrange(0, 21)]
        return self.ip_frame(proto, payload, src=self.some_ip())

    def gen_udp(self):
        data = self.rbytes(self.r.randrange(0, 300))
        sport = self.r.choice([68, 67, 53, 7, self.r.randrange(65536)])
        dport = self.r.choice([7001, 68, 67, 7, 0, self.r.randrange(65536)])
        fault = self.r.randrange(5)
        if fault == 0:
            seg = udp(self.src_ip, self.dst_ip, sport, dport, data)[:self.r.randrange(8)]
        elif fault == 1:
            seg = udp(self.src_ip, self.dst_ip, sport, dport, data,
                      length=self.r.choice([0, 7, 8, len(data) + 9, 65535]))
        elif fault == 2:
            seg = udp(self.src_ip, self.dst_ip, sport, dport, data, good_csum=False)
        else:
            seg = udp(self.src_ip, self.dst_ip, sport, dport, data)
        return self.ip_frame(17, seg, src=self.src_ip)

    def gen_icmp(self):
        itype = self.r.choice([self.r.randrange(256), 0, 3, 5, 8, 11, 12, 13, 17])
        code = self.r.randrange(16)
        fault = self.r.randrange(5)
        if itype in (3, 4, 5, 11, 12) and fault < 3:
            # An error quoting an IP header: truncated, bogus, or real-looking.
            inner = ipv4(self.dst_ip, self.some_ip(), self.r.choice([1, 6, 17]), self.rbytes(8))
            inner = inner[:self.r.choice([0, 4, 19, 20, 28, len(inner)])]
            body = icmp(itype, code, self.rbytes(4), inner)
        elif fault == 3:
            body = icmp(itype, code, self.rbytes(4), self.rbytes(self.r.randrange(64)))
            body = body[:self.r.randrange(len(body))]
        else:
            body = icmp(itype, code, self.rbytes(4), self.rbytes(self.r.randrange(64)),
                        good_csum=fault != 4)
        return self.ip_frame(1, body)

    def gen_fragment(self):
        self.ident = (self.ident + 1) & 0xffff
        ident = self.r.choice([self.ident, 7, 7, self.r.getrandbits(16)])
        fault = self.r.randrange(6)
        size = self.r.choice([0, 8, 16, 64, 512, 1480])
        more = 0x2000
        if fault == 0:      # overlapping: offsets land inside earlier ones
            off = self.r.randrange(0, 64)
        elif fault == 1:    # past 65,535
            off, size = 8189, 1480
        elif fault == 2:    # the last fragment, somewhere
            off, more = self.r.randrange(0, 8000), 0
        elif fault == 3:    # endless: a new id, first fragment only
            ident, off = self.r.getrandbits(16), 0
        else:
            off = self.r.randrange(0, 8192)
        proto = self.r.choice([1, 17, 6])
        return self.ip_frame(proto, self.rbytes(size), ident=ident, frag=more | off,
                             src=self.r.choice([self.src_ip, self.some_ip()]))

    def gen_arp(self):
        op = self.r.choice([1, 1, 2, 3, 0, self.r.getrandbits(16)])
        sha = self.some_mac()
        spa = self.r.choice([self.some_ip(), self.dst_ip, self.src_ip])
        tpa = self.r.choice([self.dst_ip, self.some_ip()])
        fault = self.r.randrange(5)
        if fault == 0:
            body = arp(op, sha, spa, b"\0" * 6, tpa, hlen=self.r.choice([0, 5, 7, 255]),
                       plen=self.r.choice([0, 3, 16]))
        elif fault == 1:
            body = arp(op, sha, spa, b"\0" * 6, tpa)[:self.r.randrange(28)]
        else:
            body = arp(op, sha, spa, b"\0" * 6, tpa)
        return eth(self.r.choice([BROADCAST, self.dst_mac]), sha, ETH_ARP, body)


KINDS = [("junk", 5), ("runt", 3), ("oversized", 2), ("ethertype", 4), ("ipv4", 14),
         ("udp", 12), ("icmp", 20), ("fragment", 20), ("arp", 20)]
