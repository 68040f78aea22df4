#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""guests.py - guest-to-guest network benchmarks for make bench: Vireo
beside Linux on one wire, with the same NIC model on every guest.

For each NIC model two pairings run, each on its own wire (tests/net/
netguest.py: two QEMUs, TCG, -smp 1, socket netdevs joined on 127.0.0.1,
addresses from 198.18.0.0/15):

  linux-linux   client Linux 198.18.0.2, server Linux 198.18.0.1
  vireo-linux   client Vireo 198.18.0.2, server Linux 198.18.0.1

The server is the same Linux guest in both, so the pairings differ only in
the client's system.  On the client:

  ping_rtt_us         ping -n/-c PINGS to the server (56 data bytes); the
                      median of the per-reply times, the first reply (ARP)
                      left out
  udp_rtt_us          g2g rtt: a 16-byte datagram to g2g echo on the server
                      and back, median of UDP_ROUNDS
  udp_tx_mbps         g2g stream from the client for STREAM_SECS (1472-byte
                      datagrams, as fast as its stack takes them), counted
                      by g2g sink on the server: goodput, first to last
  udp_rx_mbps         the same the other way: the server streams, the
                      client's sink counts (a Vireo client's drop counters
                      are printed after it: #ether's conn_overflows, UDP's
                      RcvbufErrors)

Figures are wall-clock time (no icount: two machines that wait for each
other cannot keep instruction time), so the host's load moves them: each
pairing runs --runs times, alternating, and the table gives medians and the
ratio vireo-linux / linux-linux (below 1 is better for times, above 1 for
rates).  Writes OUT/guests.csv and OUT/guests.txt; a figure that did not
come is "-".  Never fails on a bad figure; exits 1 only when no guest
booted.

Usage: guests.py --vireo-kernel K --vireo-initrd I (with /bench/g2g)
        --linux-kernel K --linux-initrd I (tests/net's image, with /bin/g2g)
        [--nic e1000 ...] [--runs N] [--quick] --out DIR
"""
import argparse
import csv
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "net"))
from netguest import Wire, make_guest, mac  # noqa: E402

SERVER = "198.18.0.1"
CLIENT = "198.18.0.2"
PORT_ECHO, PORT_TX, PORT_RX = 7400, 7401, 7402
METRICS = ["ping_rtt_us", "udp_rtt_us", "udp_tx_mbps", "udp_rx_mbps"]
G2G = {"linux": "/bin/g2g", "vireo": "/bench/g2g"}


def ping_times(guest, out):
    """Per-reply round trips in microseconds from either system's ping."""
    if guest.kind == "linux":
        return [float(t) * 1000 for t in re.findall(r"time=([0-9.]+) ms", out)]
    return [float(t) for t in re.findall(r"\d+: rtt (\d+) usec", out)]


def g2g_figure(out, name):
    m = re.search(r"G2G %s ([0-9.]+)" % name, out or "")
    return float(m.group(1)) if m else None


def measure(client, server, pings, rounds, secs):
    """One pairing's figures: {metric: value or None}."""
    fig = {}
    st, out = client.run(client.ping(SERVER, pings + 1), pings * 3 + 60)
    times = ping_times(client, out or "")[1:]
    fig["ping_rtt_us"] = statistics.median(times) if times else None

    mark = server.start("%s echo %d 5" % (G2G["linux"], PORT_ECHO))
    st, out = client.run("%s rtt %s %d %d" % (G2G[client.kind], SERVER, PORT_ECHO, rounds),
                         rounds * 2 + 60)
    server.finish(mark, 60)
    fig["udp_rtt_us"] = g2g_figure(out, "udp_rtt_us")

    mark = server.start("%s sink %d 5" % (G2G["linux"], PORT_TX))
    client.run("%s stream %s %d %d 1472" % (G2G[client.kind], SERVER, PORT_TX, secs),
               secs + 60)
    st, out = server.finish(mark, 60)
    fig["udp_tx_mbps"] = g2g_figure(out, "udp_stream_mbps")

    mark = client.start("%s sink %d 5" % (G2G[client.kind], PORT_RX))
    server.run("%s stream %s %d %d 1472" % (G2G["linux"], CLIENT, PORT_RX, secs), secs + 60)
    st, out = client.finish(mark, 60)
    fig["udp_rx_mbps"] = g2g_figure(out, "udp_stream_mbps")
    if client.kind == "vireo":
        print("guests: %s" % rx_drops(client))
    return fig


def rx_drops(guest):
    """Where a Vireo receiver dropped the stream (the counters go to its
    log too): #ether's connection queues, then the UDP socket's."""
    st, out = guest.run("/bin/cat /net/ether0/stats /net/udp/stats", 30)
    got = dict(re.findall(r"^(\w+): (\d+)", out or "", re.M))
    return "vireo receive drops: ether conn_overflows %s, udp RcvbufErrors %s of %s" % (
        got.get("conn_overflows", "?"), got.get("RcvbufErrors", "?"),
        got.get("InDatagrams", "?"))


def run_pairing(args, nic, kind, run, pings, rounds, secs):
    tag = "%s-%s-%s-%d" % (nic, kind, "linux", run)
    wire = Wire(None)
    server = make_guest("linux", "server", args.linux_kernel, args.linux_initrd,
                        os.path.join(args.out, "guests-%s-server.log" % tag), nic,
                        wire.ports[0], mac(1), SERVER + "/15")
    kernel, initrd = ((args.vireo_kernel, args.vireo_initrd) if kind == "vireo"
                      else (args.linux_kernel, args.linux_initrd))
    client = make_guest(kind, "client", kernel, initrd,
                        os.path.join(args.out, "guests-%s-client.log" % tag), nic,
                        wire.ports[1], mac(2), CLIENT + "/15")
    try:
        if not (server.boot() and client.boot()):
            print("guests: %s: a guest did not boot (logs guests-%s-*.log)" % (tag, tag),
                  file=sys.stderr)
            return None
        return measure(client, server, pings, rounds, secs)
    finally:
        client.close()
        server.close()
        wire.close()


def fmt(x):
    return "-" if x is None else ("%.1f" % x if x < 100 else "%.0f" % x)


def main():
    ap = argparse.ArgumentParser()
    for opt in ("vireo-kernel", "vireo-initrd", "linux-kernel", "linux-initrd", "out"):
        ap.add_argument("--" + opt, required=True)
    ap.add_argument("--nic", action="append")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    nics = args.nic or (["e1000"] if args.quick else ["e1000", "e1000e", "virtio"])
    pings, rounds, secs = (10, 50, 3) if args.quick else (20, 200, 5)
    rows, booted = [], 0
    for nic in nics:
        for run in range(args.runs):
            for kind in ("linux", "vireo"):
                fig = run_pairing(args, nic, kind, run, pings, rounds, secs)
                if fig is None:
                    continue
                booted += 1
                for m in METRICS:
                    rows.append((nic, kind + "-linux", run, m, fig[m]))
                print("guests: %s %s-linux run %d: %s" % (
                    nic, kind, run, ", ".join("%s %s" % (m, fmt(fig[m])) for m in METRICS)))
                sys.stdout.flush()
    with open(os.path.join(args.out, "guests.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["nic", "pairing", "run", "metric", "value"])
        for r in rows:
            w.writerow(r[:4] + ("" if r[4] is None else "%.3f" % r[4],))
    lines = ["%-8s %-12s %14s %14s %7s" % ("nic", "metric", "linux-linux", "vireo-linux",
                                           "ratio")]
    for nic in nics:
        for m in METRICS:
            med = {}
            for p in ("linux-linux", "vireo-linux"):
                vals = [r[4] for r in rows if r[0] == nic and r[1] == p and r[3] == m
                        and r[4] is not None]
                med[p] = statistics.median(vals) if vals else None
            a, b = med["linux-linux"], med["vireo-linux"]
            ratio = "%.2f" % (b / a) if a and b else "-"
            lines.append("%-8s %-12s %14s %14s %7s" % (nic, m, fmt(a), fmt(b), ratio))
    table = "\n".join(lines) + "\n"
    with open(os.path.join(args.out, "guests.txt"), "w") as f:
        f.write(table)
    print(table, end="")
    return 0 if booted else 1


if __name__ == "__main__":
    sys.exit(main())
