#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench.py - boots Vireo and Linux with one QEMU command line, runs the
benchmark programs of tests/bench/ in each, and compares them.

Each boot runs /bench/runall, which prints "BENCH name value unit ..."
lines (tests/bench/bench.h).  Boots alternate (Vireo, Linux, Vireo, ...)
for --runs rounds, so a slow spell of the host hits both.  For every
benchmark the figure of one boot is its median over rounds; the table shows
the median over boots, the ratio Vireo / Linux, and the spread
((max - min) / median over boots).  Under icount (-smp 1) figures are
instruction counts and the spread is near zero.

Writes OUT/bench.csv (one row per boot and benchmark, with the commit and
the configuration), OUT/table.txt and OUT/ratios.png.  Never exits
non-zero because a figure is bad: a benchmark that does not run is
reported as missing.
"""
import argparse
import csv
import os
import re
import statistics
import subprocess
import sys
import textwrap
import threading
import time

QEMU_COMMON = ["qemu-system-x86_64", "-accel", "tcg", "-M", "q35",
               "-cpu", "max,la57=off", "-smp", "1", "-m", "1G",
               "-icount", "shift=0,sleep=off", "-no-reboot",
               "-display", "none", "-monitor", "none", "-serial", "stdio",
               "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
               "-nic", "none", "-netdev", "user,id=n0,restrict=on",
               "-device", "e1000,netdev=n0"]


def boot_args(system, args):
    if system == "vireo":
        append = "initexit init=/bench/runall" + (" quick" if args.quick else "")
        return ["-kernel", args.vireo_kernel, "-initrd", args.vireo_initrd,
                "-append", append]
    append = "console=ttyS0 tsc=reliable quiet panic=-1" + (" bench_quick" if args.quick else "")
    return ["-kernel", args.linux_kernel, "-initrd", args.linux_initrd,
            "-append", append]


def boot(system, args, log_path):
    """One boot: {name: (value, unit)}, wall seconds to the first BENCH line."""
    cmd = QEMU_COMMON + boot_args(system, args)
    figures, first_line_s, done = {}, None, False
    start = time.monotonic()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        # A guest that hangs prints nothing more: only a timer can end it.
        watchdog = threading.Timer(args.timeout, proc.kill)
        watchdog.start()
        try:
            for raw in proc.stdout:
                log.write(raw)
                line = raw.decode("utf-8", "replace").strip()
                if line.startswith("BENCH ") and first_line_s is None:
                    first_line_s = time.monotonic() - start
                parse_line(line, system, figures)
                if line.startswith("BENCH-DONE"):
                    done = True
        finally:
            watchdog.cancel()
            proc.kill()
            proc.wait()
    if time.monotonic() - start >= args.timeout:
        print(f"bench: {system} boot timed out after {args.timeout} s", file=sys.stderr)
    if not done:
        print(f"bench: {system} boot did not finish its list (log {log_path})", file=sys.stderr)
    return figures, first_line_s


def parse_line(line, system, figures):
    if line.startswith("BENCH-ERROR"):
        print(f"bench: {system}: {line}", file=sys.stderr)
        return
    fields = line.split()
    if len(fields) >= 4 and fields[0] == "BENCH":
        try:
            figures[fields[1]] = (float(fields[2]), fields[3])
        except ValueError:
            print(f"bench: {system}: cannot read '{line}'", file=sys.stderr)


def spread(values):
    if len(values) < 2:
        return 0.0
    mid = statistics.median(values)
    return (max(values) - min(values)) / mid * 100 if mid else 0.0


def commit_id():
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        return rev + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def config_name(path):
    try:
        with open(path) as f:
            off = [l.split()[1] for l in f if l.startswith("# CONFIG_") and "not set" in l]
    except OSError:
        return "unknown"
    return "release (off: " + ", ".join(o[len("CONFIG_"):] for o in off) + ")" if off else "default"


def natural_key(name):
    """boot_to_init first, then by name with numbers in numeric order."""
    parts = re.split(r"(\d+)", name)
    return (name != "boot_to_init", [int(p) if p.isdigit() else p for p in parts])


def make_table(results, boots_wall):
    names = sorted({n for s in results.values() for n in s}, key=natural_key)
    rows = [("benchmark", "unit", "Vireo", "Linux", "V/L", "spread V", "spread L")]
    ratios = {}
    for name in names:
        v = results["vireo"].get(name, [])
        lx = results["linux"].get(name, [])
        unit = (v or lx)[0][1]
        vm = statistics.median(x for x, _ in v) if v else None
        lm = statistics.median(x for x, _ in lx) if lx else None
        ratio = vm / lm if vm is not None and lm else None
        if ratio is not None:
            ratios[name] = ratio
        rows.append((name, unit, fmt(vm), fmt(lm), f"{ratio:.2f}" if ratio is not None else "-",
                     f"{spread([x for x, _ in v]):.1f}%" if v else "-",
                     f"{spread([x for x, _ in lx]):.1f}%" if lx else "-"))
    for system in ("vireo", "linux"):
        w = [s for s in boots_wall[system] if s is not None]
        if w:
            boots_wall[system] = statistics.median(w)
    rows.append(("boot_wall (TCG, noisy)", "s", fmt(boots_wall.get("vireo")),
                 fmt(boots_wall.get("linux")), "-", "-", "-"))
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    text = "\n".join("  ".join(str(c).rjust(widths[i]) if i else str(c).ljust(widths[i])
                               for i, c in enumerate(r)) for r in rows)
    return text, ratios


def fmt(x):
    if not isinstance(x, (int, float)):
        return "-"
    return f"{x:,.1f}" if x < 100000 else f"{x:,.0f}"


def plot(ratios, path, title):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("bench: no matplotlib, no plot", file=sys.stderr)
        return
    names = list(ratios)
    fig, ax = plt.subplots(figsize=(8, 0.4 * len(names) + 1.5))
    colours = ["tab:grey" if 0.95 <= ratios[n] <= 1.05 else
               "tab:green" if ratios[n] < 1 else "tab:red" for n in names]
    ax.barh(names, [ratios[n] for n in names], color=colours)
    ax.axvline(1.0, color="black", linewidth=1)
    ax.set_xscale("log")
    ax.set_xlabel("Vireo / Linux (lower is better for Vireo)")
    ax.set_title(textwrap.fill(title, 80), fontsize=8)
    ax.invert_yaxis()
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for opt in ("vireo-kernel", "vireo-initrd", "linux-kernel", "linux-initrd", "out"):
        ap.add_argument("--" + opt, required=True)
    ap.add_argument("--linux-versions", default="")
    ap.add_argument("--config", default="")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--timeout", type=int, default=900)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    commit, config = commit_id(), config_name(args.config)
    linux = "Linux"
    if args.linux_versions and os.path.exists(args.linux_versions):
        with open(args.linux_versions) as f:
            linux = next((l.split()[1] + " " + l.split()[2] for l in f if l.startswith("kernel")), linux)
    results = {"vireo": {}, "linux": {}}
    walls = {"vireo": [], "linux": []}
    rows = []
    for run in range(args.runs):
        for system in ("vireo", "linux"):
            print(f"bench: run {run + 1}/{args.runs}: {system}", flush=True)
            figures, wall = boot(system, args, os.path.join(args.out, f"{system}-{run + 1}.log"))
            walls[system].append(wall)
            for name, (value, unit) in figures.items():
                results[system].setdefault(name, []).append((value, unit))
                rows.append([commit, config, system, linux if system == "linux" else "vireo",
                             run + 1, name, value, unit])
    with open(os.path.join(args.out, "bench.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["commit", "config", "system", "kernel", "run", "benchmark", "value", "unit"])
        w.writerows(rows)
    table, ratios = make_table(results, walls)
    header = (f"Vireo {commit}, {config}, vs {linux}; QEMU TCG -smp 1 icount "
              f"(1 ns = 1 instruction); {args.runs} interleaved boot(s) each"
              + (", quick" if args.quick else ""))
    with open(os.path.join(args.out, "table.txt"), "w") as f:
        f.write(header + "\n\n" + table + "\n")
    print(header + "\n\n" + table)
    plot(ratios, os.path.join(args.out, "ratios.png"), header)
    print(f"\nbench: {args.out}/bench.csv, table.txt, ratios.png")


if __name__ == "__main__":
    main()
