#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""conformance.py - make conformance: the Open POSIX Test Suite run in
Vireo beside Linux (Documentation/conformance.md).

Fetches the suite (scripts/conformance-fetch.sh), builds every test for
both systems (conformance_build.py), boots each system on images of
--batch tests (conformance_run.py), prints pass/fail/... per interface
family beside each other and writes $O/conformance/results.csv.  Without
--linux the Linux side is the stored baseline,
tests/conformance/linux-baseline.csv; with it, Linux is measured again
and the new baseline is left in $O/conformance/linux-baseline.csv.

  --only FAM,FAM    just those families
  --subset FILE     just the tests FILE lists, in Vireo (make check):
                    prints "conformance: PASS name" or "conformance: FAIL
                    name: result (last line)" for each and exits 1 when one
                    does not pass; writes no results.csv
  --report          no run: Vireo's side of results.csv beside the stored
                    baseline again (after the baseline changed)
  --suggest         no run: from results.csv, the quickest test per family
                    that passes on both systems (subset.txt's candidates),
                    then every test Linux passes and Vireo does not
  --doc / --check   rewrite / check the generated table of
                    Documentation/conformance.md from results.csv
"""
import argparse
import hashlib
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import commit_id        # noqa: E402
import conformance_build as cb      # noqa: E402
import conformance_report as cr     # noqa: E402
import conformance_run as crun      # noqa: E402

BASELINE = "tests/conformance/linux-baseline.csv"
DOC = "Documentation/conformance.md"
SUITE_TREE = "posixtestsuite-1.5.2"


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--obj", default="obj")
    ap.add_argument("--linux", action="store_true", help="measure Linux too")
    ap.add_argument("--no-vireo", action="store_true", help="measure Linux only")
    ap.add_argument("--only", default="")
    ap.add_argument("--subset", default="")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--batch", type=int, default=250)
    ap.add_argument("--silence", type=int, default=60)
    ap.add_argument("--config", default="")
    ap.add_argument("--report", action="store_true")
    ap.add_argument("--suggest", action="store_true")
    ap.add_argument("--doc", action="store_true")
    ap.add_argument("--check", action="store_true")
    return ap.parse_args()


def config_name(path):
    """'default', or the options that differ from config-default."""
    if not path or not os.path.exists(path):
        return "default"
    with open(path) as f, open("config-default") as g:
        mine, default = set(f.read().split("\n")), set(g.read().split("\n"))
    diff = sorted(l for l in mine - default if l.startswith(("CONFIG_", "# CONFIG_")))
    return "default" + (" (" + "; ".join(diff) + ")" if diff else "")


def select_tests(src, args):
    if args.subset:
        with open(args.subset) as f:
            want = [l.split()[0] for l in f if l.strip() and not l.startswith("#")]
        known = dict(cb.discover(src))
        missing = [n for n in want if n not in known]
        if missing:
            sys.exit(f"conformance: {args.subset}: no such test: {', '.join(missing)}")
        return [(n, known[n]) for n in want]
    only = set(f for f in args.only.split(",") if f)
    tests = cb.discover(src, only or None)
    unknown = only - {cr.family(n) for n, _ in tests}
    if unknown:
        sys.exit(f"conformance: no such family: {', '.join(sorted(unknown))}")
    return tests


def compilers(obj, systems):
    tc = os.path.join(obj, "toolchain")
    out = {}
    if "vireo" in systems:
        out["vireo"] = (os.path.abspath(os.path.join(tc, "bin", "x86_64-vireo-gcc")),
                        [os.path.abspath(os.path.join(tc, p)) for p in
                         ("bin/x86_64-vireo-gcc", "bin/vireo-gcc.specs",
                          "sysroot/lib/libc.a", "sysroot/lib/libparlib.a")])
    if "linux" in systems:
        out["linux"] = ("musl-gcc -static", [])
    return out


def image_inputs(obj, system):
    """(base root folder or None, {image path: host file}, kernel)."""
    if system == "vireo":
        return os.path.join(obj, "initramfs-root"), {}, os.path.join(obj, "kern", "vireo")
    dl = os.path.join(obj, "bench", "dl")
    return None, {"bin/busybox": os.path.join(dl, "busybox"),
                  "init": "tests/conformance/linux-init.sh"}, os.path.join(dl, "vmlinuz")


def signature(paths):
    h = hashlib.sha256()
    for p in paths:
        st = os.stat(p)
        h.update(f"{p} {st.st_size} {st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def make_image(obj, out, system, k, names, tag):
    """The k-th batch image of system, packed again only when its inputs changed."""
    base, files, _ = image_inputs(obj, system)
    progs = [os.path.join(out, system, n) for n in names]
    inputs = progs + list(files.values()) + [os.path.join(out, system, "conf-run")]
    if base:
        inputs.append(os.path.join(obj, "initramfs.cpio"))
    sig = signature(inputs) + "\n" + "\n".join(names)
    cpio = os.path.join(out, "img", f"{tag}{system}-{k}.cpio")
    if os.path.exists(cpio + ".sig") and open(cpio + ".sig").read() == sig:
        return cpio
    stage = os.path.join(out, "img", f"{tag}{system}-stage")
    cb.stage_batch(stage, base, files, out, system, names)
    cb.pack(stage, cpio)
    with open(cpio + ".sig", "w") as f:
        f.write(sig)
    return cpio


def run_system(obj, out, system, names, built, args):
    """{name: (result, last line, seconds)} for system."""
    results = {n: ("BUILD-FAIL", built[n][1], 0.0) for n in names if not built[n][0]}
    runnable = [n for n in names if built[n][0]]
    kernel = image_inputs(obj, system)[2]
    os.makedirs(os.path.join(out, "img"), exist_ok=True)
    parts = cb.batches(runnable, args.batch)
    start = time.monotonic()
    tag = "subset-" if args.subset else ""
    with open(os.path.join(out, f"{tag}{system}.log"), "w") as log:
        for k, part in enumerate(parts):
            cpio = make_image(obj, out, system, k, part, tag)
            print(f"  CONFRUN {system} batch {k + 1}/{len(parts)}: {len(part)} tests "
                  f"({part[0]} .. {part[-1]})", flush=True)
            results.update(crun.run_batch(system, kernel, cpio, part, log, args.silence))
    print(f"conformance: {system}: {len(runnable)} tests ran in "
          f"{time.monotonic() - start:.0f} s", flush=True)
    return results


def linux_about(obj):
    path = os.path.join(obj, "bench", "dl", "versions.txt")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                if line.startswith("kernel "):
                    return "Debian " + " ".join(line.split()[1:3])
    return "Debian Linux"


def baseline_about(path):
    with open(path) as f:
        for line in f:
            if line.startswith("# linux: "):
                return line[len("# linux: "):].strip()
    return "Linux"


def measure(args):
    """Fetch, build, run; the commit is the one the run starts from."""
    obj, out, commit = args.obj, os.path.join(args.obj, "conformance"), commit_id()
    subprocess.run(["scripts/conformance-fetch.sh", os.path.join(out, "src")], check=True)
    src = os.path.join(out, "src", SUITE_TREE)
    tests = select_tests(src, args)
    names = [n for n, _ in tests]
    systems = ([] if args.no_vireo else ["vireo"]) + (["linux"] if args.linux else [])
    built = cb.build(src, out, tests, compilers(obj, systems), args.jobs)
    results = {s: run_system(obj, out, s, names, built[s], args) for s in systems}
    if args.linux:
        about = linux_about(obj)
        cr.write_baseline(os.path.join(out, "linux-baseline.csv"),
                          [f"linux: {about}", f"measured at {commit}",
                           "by scripts/conformance.py --linux"], results["linux"])
    else:
        results["linux"], about = stored_linux(names)
    if args.no_vireo or args.subset:
        return names, results, about, commit
    cr.write_results(os.path.join(out, "results.csv"), commit, config_name(args.config),
                     names, results["vireo"], results["linux"])
    return names, results, about, commit


def stored_linux(names):
    """The baseline's results for names, and which Linux it measured."""
    if not os.path.exists(BASELINE):
        return {n: ("", "", 0.0) for n in names}, "no baseline"
    stored = cr.read_baseline(BASELINE)
    return {n: stored.get(n, ("", "", 0.0)) for n in names}, baseline_about(BASELINE)


def report_again(args):
    """results.csv's Vireo side beside the stored baseline, rewritten."""
    path = os.path.join(args.obj, "conformance", "results.csv")
    names, vireo, _ = cr.read_results(path)
    row = cr.first_row(path)
    linux, about = stored_linux(names)
    cr.write_results(path, row.get("commit", "unknown"), row.get("config", "default"),
                     names, vireo, linux)
    return names, {"vireo": vireo, "linux": linux}, about, row.get("commit", "unknown")


def subset_verdict(names, vireo):
    """make check's lines (scripts/check.sh counts them)."""
    bad = 0
    for n in names:
        res, last = vireo[n][:2]
        if res == "0":
            print(f"conformance: PASS {n}")
        else:
            print(f"conformance: FAIL {n}: {res}" + (f" ({last})" if last else ""))
            bad += 1
    return 1 if bad else 0


def doc_mode(args):
    out = os.path.join(args.obj, "conformance")
    names, vireo, linux = cr.read_results(os.path.join(out, "results.csv"))
    commit = cr.first_row(os.path.join(out, "results.csv")).get("commit", "unknown")
    about = baseline_about(BASELINE) if os.path.exists(BASELINE) else "Linux"
    new = cr.splice_doc(DOC, cr.doc_section(names, vireo, linux, commit, about))
    if args.check:
        if new != open(DOC).read():
            print(f"conformance: {DOC}: the table is not what results.csv says "
                  "(scripts/conformance.py --doc)")
            return 1
        return 0
    with open(DOC, "w") as f:
        f.write(new)
    print(f"conformance: {DOC} rewritten")
    return 0


def suggest(args):
    names, vireo, linux = cr.read_results(os.path.join(args.obj, "conformance", "results.csv"))
    best = {}
    for n in names:
        if vireo[n][0] == "0" and linux[n][0] == "0":
            fam = cr.family(n)
            if fam not in best or vireo[n][2] < vireo[best[fam]][2]:
                best[fam] = n
    print("# quickest passing test of each family (subset.txt)")
    print("\n".join(best[f] for f in sorted(best)))
    print("# Linux passes, Vireo does not")
    print("\n".join(n for n in names if linux[n][0] == "0" and vireo[n][0] != "0"))
    return 0


def main():
    args = parse_args()
    if args.suggest:
        return suggest(args)
    if args.doc or args.check:
        return doc_mode(args)
    if args.report:
        names, results, about, commit = report_again(args)
    else:
        names, results, about, commit = measure(args)
    if args.subset:
        return subset_verdict(names, results["vireo"])
    if args.no_vireo:
        results["vireo"] = {}
    flat = {s: {n: r[0] for n, r in results[s].items()} for s in results}
    print(f"\nVireo {commit} beside {about}\n")
    print(cr.text_table(flat["vireo"], flat["linux"], names))
    print(f"\nconformance: {os.path.join(args.obj, 'conformance', 'results.csv')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
