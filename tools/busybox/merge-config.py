#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""merge-config.py CONFIG FRAGMENT - sets FRAGMENT's options in CONFIG.

CONFIG is a full BusyBox .config (from `make allnoconfig`); FRAGMENT holds
lines `CONFIG_X=VALUE` and `# CONFIG_X is not set` (tools/busybox/
vireo.config).  Each option of FRAGMENT replaces CONFIG's line for it; an
option CONFIG does not have stops the merge (a misspelt name would
otherwise be dropped silently by `make oldconfig`).
"""
import re
import sys

SET = re.compile(r"^(CONFIG_\w+)=")
UNSET = re.compile(r"^# (CONFIG_\w+) is not set")


def option(line):
    m = SET.match(line) or UNSET.match(line)
    return m.group(1) if m else None


def main(config, fragment):
    want = {}
    with open(fragment) as f:
        for line in f:
            name = option(line.strip())
            if name:
                want[name] = line.strip() + "\n"
    out = []
    with open(config) as f:
        for line in f:
            name = option(line)
            out.append(want.pop(name) if name in want else line)
    if want:
        sys.exit("merge-config: not BusyBox options: %s" % " ".join(sorted(want)))
    with open(config, "w") as f:
        f.writelines(out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
