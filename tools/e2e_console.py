#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""e2e_console.py - end-to-end tests that type into Vireo's serial console.

Boots the kernel under QEMU with the serial port on a pipe, waits for the
monitor's prompt, types commands and checks what comes back.  Every check
prints one line that scripts/check.sh counts:

    e2e: PASS monitor.help
    e2e: FAIL kernel.fault_enters_monitor: no 'Backtrace:' in 20 s

Usage: e2e_console.py KERNEL LOGFILE
Each wait is bounded; the whole run is bounded by the caller's timeout.
"""
import os
import select
import subprocess
import sys
import time

PROMPT = b"vireo> "


class Console:
    def __init__(self, kernel, log, extra_args=()):
        """extra_args: more QEMU arguments (tests/e2e/ adds -initrd, -append,
        a NIC).  Without a -nic or -netdev among them there is no NIC: q35's
        default one would be on unrestricted user networking."""
        self.log = open(log, "wb")
        self.buf = b""
        if not any(a in ("-nic", "-netdev", "-net") for a in extra_args):
            extra_args = list(extra_args) + ["-nic", "none"]
        self.qemu = subprocess.Popen(
            ["qemu-system-x86_64", "-accel", "tcg", "-M", "q35", "-cpu", "max",
             "-smp", "4", "-m", "512M", "-kernel", kernel, "-display", "none",
             "-monitor", "none", "-serial", "stdio", "-no-reboot",
             "-device", "isa-debug-exit,iobase=0xf4,iosize=4"] + list(extra_args),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def read_until(self, pattern, timeout):
        """Returns the text up to and including pattern, or None."""
        deadline = time.monotonic() + timeout
        while pattern not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.qemu.stdout], [], [], left)
            if not ready:
                continue
            data = os.read(self.qemu.stdout.fileno(), 4096)
            if not data:
                return None
            self.log.write(data)
            self.log.flush()
            self.buf += data
        idx = self.buf.index(pattern) + len(pattern)
        out, self.buf = self.buf[:idx], self.buf[idx:]
        return out

    def command(self, line, timeout=20):
        """Types a line; returns the output up to the next prompt (or None)."""
        self.qemu.stdin.write(line.encode() + b"\r")
        self.qemu.stdin.flush()
        return self.read_until(PROMPT, timeout)

    def wait_exit(self, timeout):
        try:
            return self.qemu.wait(timeout)
        except subprocess.TimeoutExpired:
            self.qemu.kill()
            return None


def report(name, ok, why=""):
    if ok:
        print("e2e: PASS %s" % name)
    else:
        print("e2e: FAIL %s: %s" % (name, why))
    sys.stdout.flush()


def expect(name, out, *needles):
    if out is None:
        report(name, False, "no prompt came back")
        return False
    text = out.decode("latin-1")
    for n in needles:
        if n not in text:
            report(name, False, "missing %r in output" % n)
            return False
    report(name, True)
    return True


def main(kernel, log):
    con = Console(kernel, log)
    if con.read_until(PROMPT, 120) is None:
        report("monitor.boot_to_prompt", False, "no prompt within 120 s")
        con.qemu.kill()
        return 1
    report("monitor.boot_to_prompt", True)
    expect("monitor.help", con.command("help"), "cpus", "trace", "kfunc", "exit")
    out = con.command("cpus")
    expect("monitor.cpus", out, "apic")
    if out is not None:
        online = out.decode("latin-1").count("online")
        report("monitor.cpus_all_online", online == 4, "%d of 4 cores online" % online)
    expect("monitor.mem", con.command("mem"), "free pages", "arena", "slab")
    expect("monitor.kmsg", con.command("kmsg"), "core")
    expect("monitor.trace_other_core", con.command("trace 3"), "core 3", "Backtrace:")
    expect("monitor.trace_bad_core", con.command("trace 99"), "not online")
    expect("monitor.trace_bad_number", con.command("trace x"), "usage: trace")
    expect("monitor.unknown_command", con.command("frobnicate"), "unknown command")
    expect("monitor.kfunc_unknown", con.command("kfunc no_such_function"), "no function named")
    expect("monitor.kfunc_calls", con.command("kfunc strlen 0xffffffff80000000"),
           "kfunc: strlen returned")
    expect("monitor.long_line", con.command("x" * 300, 60), "unknown command")
    # A kernel fault: register dump, faulting address, symbolized backtrace,
    # panic, and the monitor again (with the other cores stopped).
    expect("kernel.fault_enters_monitor", con.command("kfunc memset 0 0 8", 60),
           "KERNEL FAULT", "page fault", "at address 0 (not present, write)", "Backtrace:", "memset",
           "kernel panic", "Vireo kernel monitor")
    expect("monitor.works_after_panic", con.command("help"), "kfunc")
    con.qemu.stdin.write(b"exit 7\r")
    con.qemu.stdin.flush()
    rc = con.wait_exit(30)
    report("monitor.exit_code", rc == 15, "QEMU exit code %r, want 15" % rc)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
