#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
#
# ninep_share.py - the host half of the virtio-9p test (run_virtio9p in
# scripts/run-ktests.sh; the guest half is tests/libc/libc_mnt.c, suite
# virtio).  Only ever touches the folder it is given, which the caller made.
#
#   ninep_share.py make DIR MIB   fills DIR: from_host.txt and big.bin (MIB
#                                 MiB of pattern seed 1)
#   ninep_share.py check DIR      checks what the guest left and prints
#                                 "utest-virtio9p: PASS|FAIL name" lines
#
# A pattern file is 4096-byte blocks: block k holds the bytes 0..255
# rotated by k * seed (mod 256), with k (little-endian, 8 bytes) over its
# first 8 bytes (vt_block in the guest).
import os
import struct
import sys

BASE = bytes(range(256)) * 17


def block(k, seed):
    rot = (k * seed) % 256
    return struct.pack("<Q", k) + BASE[rot + 8:rot + 4096]


def make(d, mib):
    with open(os.path.join(d, "from_host.txt"), "w") as f:
        f.write("hello from the host\n")
    with open(os.path.join(d, "big.bin"), "wb") as f:
        for k in range(mib * 256):
            f.write(block(k, 1))


def report(name, ok, why=""):
    print("utest-virtio9p: %s %s%s" % ("PASS" if ok else "FAIL", name,
                                        "" if ok else ": " + why))
    return ok


def read(d, name):
    try:
        with open(os.path.join(d, name), "rb") as f:
            return f.read()
    except OSError as e:
        return str(e).encode()


def check(d):
    ok = report("host_sees_guest_file", read(d, "from_guest.txt") == b"hello from Vireo\nagain\n",
                repr(read(d, "from_guest.txt")[:80]))
    ok &= report("host_sees_guest_dir", sorted(os.listdir(os.path.join(d, "gdir")))
                 == ["kept"] if os.path.isdir(os.path.join(d, "gdir")) else False,
                 "gdir: %r" % (os.listdir(d),))
    ok &= report("host_sees_guest_remove", not os.path.exists(os.path.join(d, "doomed")),
                 "doomed still there")
    size = os.path.getsize(os.path.join(d, "big.bin"))
    g = os.path.join(d, "guest_big.bin")
    good = os.path.exists(g) and os.path.getsize(g) == size
    if good:
        with open(g, "rb") as f:
            for k in range(size // 4096):
                if f.read(4096) != block(k, 3):
                    good = False
                    break
    ok &= report("host_sees_guest_big_file", good, "guest_big.bin missing, short or wrong")
    return ok


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "make":
        make(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 3 and sys.argv[1] == "check":
        sys.exit(0 if check(sys.argv[2]) else 1)
    else:
        sys.exit("usage: ninep_share.py make DIR MIB | check DIR")
