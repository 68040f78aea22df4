#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""lxtable.py - the translation table of linux_syscalls.c as Markdown.

    lxtable.py tools/compilers/musl/vireo/linux_syscalls.c
        prints the table (and the counts) for Documentation/libc.md
    lxtable.py --check linux_syscalls.c Documentation/libc.md
        exits 1 (saying so) unless the document carries exactly that text
        between the markers <!-- lxtable begin --> and <!-- lxtable end -->

Rows are the PASS/CALL/NOSYS lines of the table, one per line.  A row that
does not parse is an error, so the document cannot silently lose a call.
"""
import re
import sys

ROW = re.compile(r'^\s*(PASS|CALL|NOSYS)\((.*)\),\s*$')
ARGS = re.compile(r'\s*([^,"]+|"(?:[^"\\]|\\.)*")\s*(?:,|$)')
BEGIN = "<!-- lxtable begin -->"
END = "<!-- lxtable end -->"


def parse_args(text):
    args = [m.group(1).strip() for m in ARGS.finditer(text)]
    return [a[1:-1] if a.startswith('"') else a for a in args]


def rows(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not re.match(r'^\s*(PASS|CALL|NOSYS)\(', line):
                continue
            m = ROW.match(line)
            if not m:
                sys.exit("%s:%d: table row does not parse" % (path, n))
            kind, args = m.group(1), parse_args(m.group(2))
            if kind == "PASS" and len(args) == 4:
                out.append((int(args[0]), args[1], "mapped", "`%s`: %s" % (args[2], args[3])))
            elif kind == "CALL" and len(args) == 5 and args[2] in ("MAPPED", "EMULATED"):
                out.append((int(args[0]), args[1], args[2].lower(), args[4]))
            elif kind == "NOSYS" and len(args) == 3:
                out.append((int(args[0]), args[1], "ENOSYS", args[2]))
            else:
                sys.exit("%s:%d: table row has the wrong arguments" % (path, n))
    return out


def markdown(path):
    table = rows(path)
    counts = {}
    for r in table:
        counts[r[2]] = counts.get(r[2], 0) + 1
    lines = ["%d rows: %d mapped, %d emulated, %d ENOSYS (every other number is "
             "ENOSYS too)." % (len(table), counts.get("mapped", 0),
                               counts.get("emulated", 0), counts.get("ENOSYS", 0)),
             "", "| nr | Linux call | kind | how |", "|---|---|---|---|"]
    for nr, name, kind, how in table:
        lines.append("| %d | %s | %s | %s |" % (nr, name, kind, how.replace("|", "\\|")))
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) == 2:
        sys.stdout.write(markdown(sys.argv[1]))
        return 0
    if len(sys.argv) == 4 and sys.argv[1] == "--check":
        want = markdown(sys.argv[2])
        doc = open(sys.argv[3], encoding="utf-8").read()
        if BEGIN not in doc or END not in doc:
            print("lxtable: %s has no lxtable markers" % sys.argv[3], file=sys.stderr)
            return 1
        have = doc.split(BEGIN, 1)[1].split(END, 1)[0].strip("\n") + "\n"
        if have != want:
            print("lxtable: the table in %s is stale: regenerate it with "
                  "tools/compilers/musl/lxtable.py %s" % (sys.argv[3], sys.argv[2]),
                  file=sys.stderr)
            return 1
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
