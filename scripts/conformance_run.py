# SPDX-License-Identifier: MIT
"""conformance_run.py - the host side of a make conformance run
(Documentation/conformance.md): boots one system in QEMU on a batch image,
reads what tests/conformance/conf-run prints on the serial console, and
survives tests that hang or crash the guest.

Both systems boot with the same QEMU line (TCG, -smp 2, 1 GiB).  Vireo
runs conf-run as its first process (init=/conf/conf-run /conf/list FIRST,
initexit); Linux runs tests/conformance/linux-init.sh, which reads
conf_first=FIRST from its command line.  When the console says nothing for
silence_s seconds while a test runs (conf-run kills a test after 20 s and
then speaks), or QEMU ends before CONF-DONE, that test is recorded HANG
(PANIC when the console said "panic" or QEMU itself ended), QEMU is
killed, and the next boot starts with the next test.

A test's "last line" is the last non-empty line the console showed
between its CONF-START and its result: what the test printed, or what the
kernel said about it.
"""
import queue
import subprocess
import threading
import time

QEMU = ["qemu-system-x86_64", "-accel", "tcg", "-M", "q35", "-cpu", "max,la57=off",
        "-smp", "2", "-m", "1G", "-no-reboot", "-display", "none", "-monitor", "none",
        "-serial", "stdio", "-device", "isa-debug-exit,iobase=0xf4,iosize=4", "-nic", "none"]
BOOT_S = 240          # from QEMU's start to the first CONF-START
LAST_LINE_MAX = 160
BOOTS_WITHOUT_PROGRESS = 3


def boot_cmd(system, kernel, cpio, first):
    if system == "vireo":
        append = f"initexit init=/conf/conf-run /conf/list {first}"
    else:
        append = f"console=ttyS0 tsc=reliable quiet panic=-1 conf_first={first}"
    return QEMU + ["-kernel", kernel, "-initrd", cpio, "-append", append]


def reader(stream, lines):
    for raw in stream:
        lines.put(raw.decode("utf-8", "replace").rstrip("\r\n"))
    lines.put(None)


class Boot:
    """One boot's state: the test that runs, the results so far."""

    def __init__(self):
        self.current = None          # (index, name, start time)
        self.last = ""
        self.panic = False
        self.results = []            # (index, name, result, last line, seconds)
        self.done = False

    def line(self, text, names):
        # A test whose last output has no newline shares its line with ours.
        for marker in ("CONF-RESULT ", "CONF-START ", "CONF-DONE"):
            at = text.find(marker)
            if at > 0:
                self.line(text[:at], names)
                text = text[at:]
                break
        words = text.split()
        if text.startswith("CONF-START ") and len(words) == 3:
            self.current = (int(words[1]), words[2], time.monotonic())
            self.last, self.panic = "", False
        elif text.startswith("CONF-RESULT ") and self.current and len(words) >= 3:
            index, name, start = self.current
            self.results.append((index, name, " ".join(words[2:]), self.last,
                                 time.monotonic() - start))
            self.current = None
        elif text.startswith("CONF-DONE"):
            self.done = True
        elif self.current and text.strip():
            self.last = text.strip()[:LAST_LINE_MAX]
            if "panic" in text.lower():
                self.panic = True


def boot_once(system, kernel, cpio, first, names, log, silence_s):
    """Boots once from test index first; the Boot, and whether QEMU ended
    by itself."""
    proc = subprocess.Popen(boot_cmd(system, kernel, cpio, first), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines = queue.Queue()
    threading.Thread(target=reader, args=(proc.stdout, lines), daemon=True).start()
    state, ended = Boot(), False
    try:
        while not state.done:
            limit = silence_s if state.current or state.results else BOOT_S
            try:
                text = lines.get(timeout=limit)
            except queue.Empty:
                break
            if text is None:
                ended = True
                break
            log.write(text + "\n")
            state.line(text, names)
    finally:
        proc.kill()
        proc.wait()
    log.flush()
    return state, ended


def run_batch(system, kernel, cpio, names, log, silence_s):
    """{name: (result, last line, seconds)} for the tests of one image."""
    results, first, idle = {}, 0, 0
    while first < len(names):
        log.write(f"=== conformance: boot {system} from {first} ({names[first]})\n")
        state, ended = boot_once(system, kernel, cpio, first, names, log, silence_s)
        for index, name, result, last, secs in state.results:
            results[name] = (result, last, secs)
            first = max(first, index + 1)
        if state.done:
            break
        if state.current:
            index, name, start = state.current
            verdict = "PANIC" if state.panic or ended else "HANG"
            results[name] = (verdict, state.last, time.monotonic() - start)
            first = index + 1
            print(f"conformance: {system}: {name}: {verdict}, rebooting", flush=True)
        if state.results or state.current:
            idle = 0
            continue
        idle += 1
        if idle >= BOOTS_WITHOUT_PROGRESS:
            print(f"conformance: {system}: {BOOTS_WITHOUT_PROGRESS} boots ran no test; "
                  f"the {len(names) - first} left are NORUN", flush=True)
            break
    for name in names:
        results.setdefault(name, ("NORUN", "", 0.0))
    return results
