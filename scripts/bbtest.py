# SPDX-License-Identifier: MIT
"""bbtest.py - BusyBox's own test suite in Vireo, and beside it on Linux
(make bbtest; make check runs the Vireo half; Documentation/userland.md).

The suite is testsuite/ of the pinned BusyBox source (tools/busybox/build.sh
fetches it), run unchanged by tests/busybox/run.sh in the guest against a
busybox and its .config:

  vireo  the busybox of /bin ($O/busybox/), in an image made of Vireo's
         initramfs root plus /bbtest; init=/bin/sh /bbtest/run.sh.
  linux  the same source and .config built with Debian's musl-gcc
         ($O/bbtest/linux-busybox/), on the Linux kernel make bench fetches,
         with tests/busybox/linux-init.sh as /init.

Both boot with make conformance's QEMU line.  The console's PASS:, FAIL:,
SKIPPED: and UNTESTED: lines are the results (a name seen twice gets
" #2"); when the console says nothing for --silence seconds the run is
recorded as hung after the last test and QEMU is killed (run.sh already
kills one applet's tests that run past its limit, and goes on).

  --record FILE   writes "RESULT name" lines (the stored Linux results,
                  tests/busybox/linux-results.txt, come from LINUX=1)
  --expect FILE   the tests that must pass (tests/busybox/vireo-pass.txt):
                  prints "busybox: PASS name" or "busybox: FAIL name" for
                  each, the lines make check counts, then the totals beside
                  Linux's stored ones
"""
import argparse
import os
import queue
import shutil
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import conformance_run as crun  # noqa: E402  (the QEMU line, the reader)

WORDS = ("PASS", "FAIL", "SKIPPED", "UNTESTED")
BOOT_S = 240


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--obj", required=True)
    ap.add_argument("--system", choices=("vireo", "linux"), default="vireo")
    ap.add_argument("--record", help="write RESULT name lines here")
    ap.add_argument("--expect", help="tests that must pass (one name a line)")
    ap.add_argument("--linux", default="tests/busybox/linux-results.txt",
                    help="stored Linux results, for the totals")
    ap.add_argument("--silence", type=int, default=900,
                    help="seconds without output that mean a hang (run.sh kills an "
                    "applet's tests at 600)")
    return ap.parse_args()


def suite_dir(obj):
    fetch = os.path.join(obj, "busybox", "fetch")
    for name in sorted(os.listdir(fetch)):
        path = os.path.join(fetch, name, "testsuite")
        if name.startswith("busybox-") and os.path.isdir(path):
            return path
    raise SystemExit(f"bbtest: no BusyBox source under {fetch}")


def image_parts(obj, system):
    """(base root or None, {image path: host file}, kernel, append)."""
    if system == "vireo":
        bb = os.path.join(obj, "busybox")
        return (os.path.join(obj, "initramfs-root"),
                {"bbtest/busybox": os.path.join(bb, "busybox"),
                 "bbtest/config": os.path.join(bb, "config"),
                 "bbtest/applets": os.path.join(bb, "applets")},
                os.path.join(obj, "kern", "vireo"), "initexit init=/bin/sh /bbtest/run.sh")
    dl, bb = os.path.join(obj, "bench", "dl"), os.path.join(obj, "bbtest", "linux-busybox")
    return (None,
            {"bin/busybox": os.path.join(dl, "busybox"),
             "init": "tests/busybox/linux-init.sh",
             "bbtest/busybox": os.path.join(bb, "busybox"),
             "bbtest/config": os.path.join(bb, "config"),
             "bbtest/applets": os.path.join(bb, "applets")},
            os.path.join(dl, "vmlinuz"), "console=ttyS0 tsc=reliable quiet panic=-1")


def make_image(obj, system):
    base, files, kernel, append = image_parts(obj, system)
    out = os.path.join(obj, "bbtest")
    stage = os.path.join(out, f"{system}-root")
    if os.path.exists(stage):
        shutil.rmtree(stage)
    if base:
        shutil.copytree(base, stage, symlinks=True)
    os.makedirs(os.path.join(stage, "bbtest"), exist_ok=True)
    shutil.copytree(suite_dir(obj), os.path.join(stage, "bbtest", "testsuite"), symlinks=True)
    files = dict(files, **{"bbtest/run.sh": "tests/busybox/run.sh"})
    for dst, host in files.items():
        os.makedirs(os.path.dirname(os.path.join(stage, dst)), exist_ok=True)
        shutil.copy(host, os.path.join(stage, dst))
    cpio = os.path.join(out, f"{system}.cpio")
    subprocess.run(["python3", "tools/mkinitramfs.py", stage, cpio], check=True)
    shutil.rmtree(stage)
    return kernel, cpio, append


def add_result(results, word, name):
    key, k = name, 1
    while key in results:
        k += 1
        key = f"{name} #{k}"
    results[key] = word


def run(kernel, cpio, append, log, silence, applets=()):
    """({name: word}, {name: applet}, how it ended: done, hang after X, or
    QEMU ended), for the given applets (all when none)."""
    if applets:
        append += " " + " ".join(applets) if "init=" in append else \
            " bbtest_applets=" + ",".join(applets)
    cmd = crun.QEMU + ["-kernel", kernel, "-initrd", cpio, "-append", append]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    lines = queue.Queue()
    threading.Thread(target=crun.reader, args=(proc.stdout, lines), daemon=True).start()
    results, began, ended, last, timeouts = {}, False, "", "(none)", []
    applet_of, applet = {}, ""
    t0 = time.monotonic()
    try:
        while not ended:
            try:
                text = lines.get(timeout=silence if began else BOOT_S)
            except queue.Empty:
                ended = f"hang after {last}"
                break
            if text is None:
                ended = "QEMU ended before BBTEST-DONE"
                break
            log.write(f"{time.monotonic() - t0:7.1f} {text}\n")
            word, _, name = text.partition(": ")
            if text.startswith("BBTEST-BEGIN"):
                began = True
            elif text.startswith("BBTEST-APPLET "):
                applet = text.split()[1]
            elif text.startswith("BBTEST-TIMEOUT "):
                timeouts.append(text.split()[1])
            elif text.startswith("BBTEST-DONE"):
                ended = "done"
            elif began and word in WORDS and name:
                add_result(results, word, name.strip())
                last = name.strip()
                applet_of[last] = applet
    finally:
        proc.kill()
        proc.wait()
    if timeouts and ended == "done":
        ended = "done; killed at the time limit: " + " ".join(timeouts)
    return results, applet_of, ended


def read_results(path):
    out = {}
    if path and os.path.exists(path):
        for line in open(path):
            word, _, name = line.rstrip("\n").partition(" ")
            if word in WORDS:
                out[name] = word
    return out


def totals(results):
    return {w: sum(1 for v in results.values() if v == w) for w in WORDS}


def describe(label, results):
    t = totals(results)
    return (f"{label}: {t['PASS']} passed, {t['FAIL']} failed, "
            f"{t['SKIPPED'] + t['UNTESTED']} skipped or untested")


def report_expected(expect_path, results, ended):
    names = expected_names(expect_path)
    for name in names:
        got = results.get(name)
        if got == "PASS":
            print(f"busybox: PASS {name}")
        else:
            why = got if got else f"not run ({ended})"
            print(f"busybox: FAIL {name}: {why}")
    extra = sorted(n for n, w in results.items() if w == "PASS" and n not in names)
    if extra:
        print(f"bbtest: {len(extra)} more pass than {expect_path} lists: " + "; ".join(extra[:20]))


def expected_names(path):
    return [l.rstrip("\n") for l in open(path) if l.strip() and not l.startswith("#")]


def retry_failed(args, results, applet_of, ended, boot, log):
    """Runs once more the applets of expected tests that did not pass (a
    slow machine, a hang of the guest); their new results replace the
    first run's.  (results, how the run ended)."""
    missed = [n for n in expected_names(args.expect) if results.get(n) != "PASS"]
    if not missed:
        return results, ended
    applets = sorted({applet_of[n] for n in missed if n in applet_of})
    if not ended.startswith("done") or not applets or len(applets) > 20:
        applets = []            # a hang or many failures: everything again
    print(f"bbtest: {len(missed)} expected passes did not pass; running "
          f"{' '.join(applets) or 'all applets'} again", flush=True)
    log.write("=== bbtest: again\n")
    again, _, ended2 = run(*boot, log, args.silence, applets)
    if applets:
        results = {n: w for n, w in results.items() if applet_of.get(n) not in applets}
        results.update(again)
        return results, ended2
    return again, ended2


def main():
    args = parse_args()
    t0 = time.monotonic()
    kernel, cpio, append = make_image(args.obj, args.system)
    with open(os.path.join(args.obj, "bbtest", f"{args.system}.log"), "w", buffering=1) as log:
        results, applet_of, ended = run(kernel, cpio, append, log, args.silence)
        print(f"bbtest: {args.system}: {len(results)} results in "
              f"{time.monotonic() - t0:.0f} s ({ended})", flush=True)
        if args.expect:
            results, ended = retry_failed(args, results, applet_of, ended,
                                          (kernel, cpio, append), log)
    if args.record:
        with open(args.record, "w") as f:
            f.write(f"# BusyBox testsuite results on {args.system} (scripts/bbtest.py)\n")
            for name in sorted(results):
                f.write(f"{results[name]} {name}\n")
    if args.expect:
        report_expected(args.expect, results, ended)
    print("bbtest: " + describe(args.system, results))
    linux = read_results(args.linux) if args.system == "vireo" else {}
    if linux:
        both = sum(1 for n, w in results.items() if w == "PASS" and linux.get(n) == "PASS")
        print("bbtest: " + describe("linux (stored)", linux) +
              f"; Vireo passes {both} of Linux's {totals(linux)['PASS']} passes")
    return 0 if ended.startswith("done") or args.expect else 1


if __name__ == "__main__":
    sys.exit(main())
