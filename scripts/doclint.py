#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""doclint.py - checks that every path the documentation cites exists.

Scans README.md, GETTING_STARTED.md and Documentation/**/*.md for `code
spans` that look like paths in this repository (they start with one of the
top-level folders, or name a file with a source/doc extension relative to a
folder mentioned in the same span) and reports each one that does not exist.
Generated paths under obj/ are skipped.  Prints one line per file checked:

    doc: PASS Documentation/boot.md
    doc: FAIL Documentation/boot.md: cites kern/src/nothing.c (line 12)
"""
import os
import re
import sys

TOP = ("kern/", "tests/", "tools/", "scripts/", "user/", "Documentation/", ".ci/")
SPAN = re.compile(r"`([^`\s]+)`")


def candidates(line):
    for m in SPAN.finditer(line):
        text = m.group(1).rstrip(".,:;)")
        if text.startswith("obj/") or "*" in text or "<" in text or "..." in text:
            continue
        if text.startswith(TOP):
            yield text.split(":")[0]


def check(path):
    missing = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            for cited in candidates(line):
                if not os.path.exists(cited):
                    missing.append((cited, n))
    return missing


def main():
    docs = ["README.md", "GETTING_STARTED.md"]
    for root, _, files in os.walk("Documentation"):
        docs += [os.path.join(root, f) for f in sorted(files) if f.endswith(".md")]
    bad = 0
    for d in sorted(docs):
        missing = check(d)
        if missing:
            bad += 1
            cited, line = missing[0]
            more = " (+%d more)" % (len(missing) - 1) if len(missing) > 1 else ""
            print("doc: FAIL %s: cites %s (line %d), which does not exist%s"
                  % (d, cited, line, more))
        else:
            print("doc: PASS %s" % d)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
