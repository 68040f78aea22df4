#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""conformance_selftest.py - checks the pure parts of make conformance
(Documentation/conformance.md) without QEMU: which file names are tests,
how console lines become results (a test's output without a newline, a
hang), how a result is classified, and how failing tests group by reason.
Prints "conformance: PASS self-test.NAME" or "conformance: FAIL
self-test.NAME: why" per check (scripts/check.sh counts them).
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import conformance_build as cb      # noqa: E402
import conformance_report as cr     # noqa: E402
import conformance_run as crun      # noqa: E402


def check_discover():
    with tempfile.TemporaryDirectory() as src:
        for rel in ("a_fam/1-1.c", "a_fam/10-2.c", "a_fam/2-1.c", "a_fam/3-buildonly.c",
                    "a_fam/4-1.sh", "a_fam/speculative/5-1.c", "a_fam/helper.c",
                    "b_fam/1-1.c"):
            path = os.path.join(src, "conformance", "interfaces", rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            open(path, "w").close()
        got = [n for n, _ in cb.discover(src)]
        want = ["a_fam/1-1", "a_fam/2-1", "a_fam/10-2", "b_fam/1-1"]
        assert got == want, got
        got = [n for n, _ in cb.discover(src, {"b_fam"})]
        assert got == ["b_fam/1-1"], got


def feed(lines):
    boot = crun.Boot()
    for line in lines:
        boot.line(line, [])
    return boot


def check_console():
    boot = feed(["boot noise", "CONF-START 0 f/1-1", "Test PASSED", "CONF-RESULT f/1-1 0",
                 "CONF-START 1 f/2-1", "no newline here.CONF-RESULT f/2-1 1",
                 "CONF-START 2 f/3-1", "CONF-RESULT f/3-1 SIGNAL 11",
                 "CONF-START 3 f/4-1", "kernel panic: oops"])
    got = [(i, n, r, last) for i, n, r, last, _ in boot.results]
    assert got == [(0, "f/1-1", "0", "Test PASSED"), (1, "f/2-1", "1", "no newline here."),
                   (2, "f/3-1", "SIGNAL 11", "")], got
    assert boot.current[:2] == (3, "f/4-1") and boot.panic and not boot.done
    assert feed(["CONF-START 0 f/1-1", "CONF-RESULT f/1-1 TIMEOUT", "CONF-DONE 1"]).done
    # A CONF-RESULT without a CONF-START before it is not a result.
    assert feed(["CONF-RESULT f/1-1 0"]).results == []


def check_category():
    want = {"0": "pass", "1": "fail", "2": "unresolved", "4": "unsupported",
            "5": "untested", "TIMEOUT": "timeout", "SIGNAL 9": "crash", "3": "crash",
            "HANG": "hang", "PANIC": "hang", "BUILD-FAIL": "build-fail", "NORUN": "",
            "": ""}
    for result, cat in want.items():
        assert cr.category(result) == cat, (result, cr.category(result))
    names = ["a/1-1", "a/1-2", "b/1-1"]
    vireo, linux = {"a/1-1": "0", "a/1-2": "1", "b/1-1": "0"}, dict.fromkeys(names, "0")
    table = cr.counts(vireo, names)
    assert table["a"]["pass"] == 1 and table["a"]["fail"] == 1 and table[""]["pass"] == 2
    assert cr.summary(vireo, linux, names).startswith(
        "Vireo passes 2 of the 3 Linux passes (66.7%)")


def check_reasons():
    assert cr.normalise("x at 0xdeadbeef, errno 22 in 'foo'") == "x at N, errno N in 'X'"
    assert cr.normalise("/o/src/conformance/interfaces/kill/2-1.c: bad") == "kill/N-N.c: bad"
    assert cr.reason("HANG", "") == "hang"
    assert cr.reason("BUILD-FAIL", "t.c:3:1: error: no mq_open") == "does not compile: no mq_open"
    got = cr.compact(["s/12-2", "s/12-1", "s/12-3", "s/13-1", "s/4-5", "k/1-1"])
    assert got == "`k` 1-1; `s` 4-5, 12-1..3, 13-1", got


def main():
    bad = 0
    for name, check in (("discover", check_discover), ("console", check_console),
                        ("category", check_category), ("reasons", check_reasons)):
        try:
            check()
            print(f"conformance: PASS self-test.{name}")
        except AssertionError as e:
            print(f"conformance: FAIL self-test.{name}: {e}")
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
