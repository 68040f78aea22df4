#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""init_tools.py - end-to-end tests of /bin/init, /etc/rc and the tools.

Boots the kernel with the initramfs under QEMU (tools/e2e_console.py's
Console, serial on a pipe) and checks what the programs print:

  boot 1  init=/bin/init /bin/ps (initexit): init is pid 1 and in ps's list
  boot 2  init=/bin/init /bin/ls /bin (initexit): names, exit code 0
  boot 3  initexit and no init= (make run's boot): /bin/init runs /etc/rc
          with ash; rc asks the terminal its size, the test answers
          ESC[40;100R, and the shell at `vireo# ` reports 40 x 100 (stty
          size), runs commands and /bin/resize by hand (answered,
          unanswered, not a terminal, bad usage), and `exit` ends QEMU
          with success
  boot 4  init=/bin/unmount /tmp -- /bin/unmount /proc -- /bin/init: rc
          binds #tmpfs and #proc again for its shell, which uses them
  boot 5  no command line at all: rc's size query gets a bad answer that
          must change nothing and leave nothing in the input; at `vireo# `
          the shell starts two spinners in the background, then Ctrl-G opens
          the monitor, whose 'run' command starts each tool (echo, cat, ls,
          bind, mount, unmount, ps, kill, prov, notify, and the network
          tools' argument checks) and the output is checked (prov and notify
          against the MCP spinning on its vcores); /bin holds no test
          program (tests/user/X.c, tests/libc/X.c) and /test all.
          'continue' goes back to the shell, and its `exit` to the monitor
  boots 6-8  an e1000, an e1000e, then a virtio-net, on QEMU's user networking with
          restrict=on: /etc/rc's ipconfig -r gets 10.0.2.15 by DHCP and
          leaves its lease keeper running; ipconfig -l, route, /net/ndb,
          ping 10.0.2.2, arp, netstat, a second DHCP client refused (port 68
          is the keeper's), all from the monitor (Ctrl-G at the shell).  The
          e1000 boot has one core: the monitor sleeping at its prompt must
          leave it to the keeper and the stack (it used to halt there and
          starve them)

Every check prints "e2e: PASS init.NAME" or "e2e: FAIL init.NAME: why";
scripts/check.sh counts them.  Usage: init_tools.py KERNEL INITRAMFS LOGDIR
"""
import glob
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tools"))
from e2e_console import Console, PROMPT, expect, report  # noqa: E402

INIT_DONE = b"init: /bin/init exited with status "
SHELL_PROMPT = b"vireo# "
SIZE_QUERY = b"\0337\033[999;999H\033[6n"      # /bin/resize's, from /etc/rc


def boot(kernel, initrd, log, append=None, qemu_args=()):
    extra = ["-initrd", initrd] + list(qemu_args)
    if append:
        extra += ["-append", append]
    return Console(kernel, log, extra)


def text_of(out):
    return None if out is None else out.decode("latin-1")


def one_shot(kernel, initrd, logdir, name, cmd, *needles):
    """Boots init=/bin/init CMD with initexit; checks output and exit code."""
    con = boot(kernel, initrd, os.path.join(logdir, "e2e-init-%s.log" % name),
               "initexit init=/bin/init " + cmd)
    out = con.read_until(INIT_DONE, 120)
    rest = con.read_until(b"\n", 10)
    rc = con.wait_exit(30)
    ok = expect("init." + name, out, *needles)
    if out is not None and ok:
        report("init.%s_status" % name, rest is not None and rest.startswith(b"0") and rc == 1,
               "status %r, QEMU exit %r" % (rest, rc))
    return text_of(out)


def run(con, cmd, timeout=30):
    return con.command("run " + cmd, timeout)


def test_programs():
    """The names the build gives the test programs (the Makefile's TEST_PROGS)."""
    return {os.path.basename(p)[:-len(".c")]
            for d in ("tests/user", "tests/libc") for p in glob.glob(os.path.join(ROOT, d, "*.c"))}


def listed_names(out):
    """The lines of ls output (one name per line) without init's own lines."""
    return {line.strip() for line in (out or "").split("\n")
            if line.strip() and not line.startswith("init: ")}


def shell(con, line, timeout=30):
    """Types a line at ash; the output up to the next prompt (or None)."""
    con.qemu.stdin.write(line.encode() + b"\r")
    con.qemu.stdin.flush()
    return con.read_until(SHELL_PROMPT, timeout)


def rc_to_prompt(con, name, answer):
    """Boots through /etc/rc to the shell: answers the size query (None: no
    answer) and checks what came before the prompt."""
    out = con.read_until(SIZE_QUERY, 150)
    if out is not None and answer is not None:
        con.qemu.stdin.write(answer)
        con.qemu.stdin.flush()
    rest = con.read_until(SHELL_PROMPT, 60) if out is not None else None
    return expect("init.%s_to_prompt" % name, None if rest is None else out + rest,
                  "init: started /bin/init as pid 1", "Welcome to Vireo.",
                  "Ctrl-G opens the kernel monitor", "built-in shell (ash)")


def monitor(con):
    """Ctrl-G at the shell: the kernel monitor's prompt (or None)."""
    con.qemu.stdin.write(b"\x07")
    con.qemu.stdin.flush()
    return con.read_until(PROMPT, 30)


def check_default_shell(kernel, initrd, logdir):
    """make run's boot: the size learnt from the terminal, the shell, exit."""
    con = boot(kernel, initrd, os.path.join(logdir, "e2e-init-shell.log"), "initexit")
    if not rc_to_prompt(con, "shell", b"\033[40;100R"):
        con.qemu.kill()
        return
    expect("init.shell_window_size", shell(con, "stty size"), "\r\n40 100\r\n")
    expect("init.shell_runs_commands", shell(con, "echo $((6 * 7)) $$; ls /etc | wc -l"),
           "\r\n42 2\r\n")
    expect("init.shell_is_login", shell(con, "echo $HOME $PATH"), "/tmp /bin")
    check_resize_by_hand(con)
    con.qemu.stdin.write(b"exit\r")
    con.qemu.stdin.flush()
    out = con.read_until(INIT_DONE, 30)
    rest = con.read_until(b"\n", 10)
    rc = con.wait_exit(30)
    report("init.shell_exit_powers_off", out is not None and rest is not None and
           rest.startswith(b"0") and rc == 1, "status %r, QEMU exit %r" % (rest, rc))


def check_resize_by_hand(con):
    """/bin/resize at the prompt: answered, unanswered, not a terminal, usage."""
    con.qemu.stdin.write(b"resize; stty size\r")
    con.qemu.stdin.flush()
    out = con.read_until(SIZE_QUERY, 20)
    if out is not None:
        con.qemu.stdin.write(b"\033[33;77R")
        con.qemu.stdin.flush()
        out = con.read_until(SHELL_PROMPT, 20)
    expect("init.resize_answered", out, "\0338" "33 77\r\n")     # after resize's ESC 8
    expect("init.resize_unanswered", shell(con, "resize -t 200; echo r=$?; stty size"),
           "resize: no answer from the terminal; size unchanged", "r=1\r\n33 77\r\n")
    expect("init.resize_not_a_terminal", shell(con, "resize < /dev/null; echo r=$?"),
           "resize: not a terminal", "r=1")
    expect("init.resize_usage", shell(con, "resize -t 0; echo r=$?; resize -h"),
           "usage: resize [-q] [-t MS]\r\nr=2\r\nusage: resize")


def check_rc_binds(kernel, initrd, logdir):
    """/etc/rc binds what is missing from the name space for its shell:
    init started under unmount of /tmp and /proc."""
    con = boot(kernel, initrd, os.path.join(logdir, "e2e-init-binds.log"),
               "initexit init=/bin/unmount /tmp -- /bin/unmount /proc -- /bin/init")
    out = con.read_until(SHELL_PROMPT, 150)
    expect("init.rc_binds_missing", out, "rc: binding #proc on /proc",
           "rc: binding #tmpfs on /tmp")
    if out is not None:
        expect("init.rc_binds_reach_the_shell",
               shell(con, "echo x > /tmp/f && cat /tmp/f; ls /proc/self/ns; echo done"),
               "\r\nx\r\n/proc/self/ns\r\ndone")
        con.qemu.stdin.write(b"exit\r")
        con.qemu.stdin.flush()
        rc = con.wait_exit(30)
        report("init.rc_binds_exit", rc == 1, "QEMU exit %r" % rc)
    con.qemu.kill()


def check_rc_boot(con):
    """No command line: a bad answer to the size query changes nothing and
    leaves nothing behind; spinners start from the shell, then the monitor.
    Their pids (None for one that did not start)."""
    if not rc_to_prompt(con, "rc", b"\033[0;80Rjunk"):
        return None
    # The junk would come before the typed line if it were still waiting.
    expect("init.rc_bad_size_answer_ignored", shell(con, "stty size"),
           "stty size\r\n24 80\r\n")
    pids = []
    for prog in ("victim", "mcp_victim"):
        out = text_of(shell(con, "/test/%s spin & echo started=$!" % prog))
        m = re.search(r"\r\nstarted=(\d+)", out or "")
        report("init.shell_starts_" + prog, m is not None,
               "no 'started=PID' in %r" % (out or "")[-300:])
        pids.append(m.group(1) if m else None)
    if not expect("init.ctrl_g_opens_monitor", monitor(con), "Vireo kernel monitor"):
        return None
    return pids


def check_back_to_shell(con):
    """continue: the shell again; its exit ends init, and the monitor follows."""
    con.qemu.stdin.write(b"continue\r")
    con.qemu.stdin.flush()
    expect("init.monitor_continue_to_shell", shell(con, "echo back$((1 + 1))"), "back2")
    con.qemu.stdin.write(b"exit\r")
    con.qemu.stdin.flush()
    expect("init.shell_exit_to_monitor", con.read_until(PROMPT, 30),
           "init: /bin/init exited with status 0", "Entering the kernel monitor")


def check_echo_cat(con):
    expect("init.echo", run(con, "/bin/echo hello  vireo world"), "hello vireo world\r\n",
           "exited with status 0")
    expect("init.echo_n", run(con, "/bin/echo -n abc"), "abcinit: /bin/echo exited")
    expect("init.cat_motd", run(con, "/bin/cat /etc/motd"), "Welcome to Vireo.",
           "exited with status 0")
    expect("init.cat_missing", run(con, "/bin/cat /no/such /etc/hostname"),
           "cat: /no/such: No such file or directory", "vireo", "status 0x100")
    expect("init.cat_usage", run(con, "/bin/cat -h"), "usage: cat")
    # README's example program (apps/greet.c), built by make like any app.
    expect("init.readme_greet", run(con, "/bin/greet"), "hello from /bin/greet, pid",
           "exited with status 0")


def check_ls(con):
    out = run(con, "/bin/ls /bin")
    expect("init.ls_bin", out, "cat\r\n", "init\r\n", "ls\r\n", "ps\r\n", "greet\r\n",
           "exited with status 0")
    tests = test_programs()
    in_bin = sorted(tests & listed_names(text_of(out)))
    report("init.bin_holds_no_test", out is not None and not in_bin,
           "test programs in /bin: %s" % " ".join(in_bin))
    out = run(con, "/bin/ls /test")
    missing = sorted(tests - listed_names(text_of(out)))
    report("init.test_holds_the_tests", out is not None and not missing,
           "missing from /test: %s" % " ".join(missing))
    out = text_of(run(con, "/bin/ls -l /etc"))
    report("init.ls_long", out is not None and
           re.search(r"-rw-r--r-- +18 motd", out) is not None and "hostname" in out,
           "no '-rw-r--r-- 18 motd' line in %r" % (out or "")[-400:])
    expect("init.ls_many", run(con, "/bin/ls /etc /lib"), "/etc:", "/lib:", "motd", "test")
    expect("init.ls_file", run(con, "/bin/ls /etc/motd"), "/etc/motd\r\n")
    expect("init.ls_missing", run(con, "/bin/ls /nope"), "ls: /nope: No such file",
           "status 0x100")
    expect("init.ls_bad_option", run(con, "/bin/ls -z"), "unknown option", "status 0x200")


def check_ns_tools(con):
    expect("init.bind_union", run(con, "/bin/bind -a /etc /bin -- /bin/ls /bin"),
           "motd\r\n", "hostname\r\n", "ls\r\n", "exited with status 0")
    out = text_of(run(con, "/bin/ls /bin"))
    report("init.bind_stays_in_its_process", out is not None and "motd" not in out,
           "motd still in /bin")
    expect("init.bind_before", run(con, "/bin/bind -b /etc /bin -- /bin/ls /bin/motd"),
           "/bin/motd", "exited with status 0")
    expect("init.bind_usage", run(con, "/bin/bind /etc"), "wrong number of arguments",
           "usage: bind", "status 0x200")
    expect("init.bind_error", run(con, "/bin/bind /nope /bin"), "bind: /nope on /bin:", "status 0x100")
    expect("init.mount_write_only_fd", run(con, "/bin/mount 1 /mnt"), "mount: /mnt:",
           "not open for reading and writing", "status 0x100")
    expect("init.mount_missing", run(con, "/bin/mount /srv/none /mnt"),
           "mount: /srv/none: No such file", "status 0x100")
    out = text_of(run(con, "/bin/unmount /dev -- /bin/ls /dev"))
    report("init.unmount_all", out is not None and "exited with status 0" in out and
           "cons" not in out, "unexpected %r" % (out or "")[-300:])
    expect("init.unmount_error", run(con, "/bin/unmount /etc /tmp"), "unmount: /etc on /tmp:",
           "status 0x100")
    expect("init.bad_option", run(con, "/bin/init -f /etc/rc"), "init: bad option -f",
           "usage: init", "status 0x200")
    expect("init.usage", run(con, "/bin/init -h"), "usage: init")
    expect("init.command_fails", run(con, "/bin/init /bin/no-such"),
           "init: /bin/no-such:", "status 0x7f00")


def check_ps_kill(con, pid):
    """pid: the spinner the shell started in the background."""
    out = text_of(run(con, "/bin/ps"))
    ok = out is not None and pid is not None and \
        re.search(r"\b%s +2 +RUNNING_S +\S+\r\n" % pid, out) is not None
    report("init.ps_lists_spinner", ok, "no victim line in %r" % (out or "")[-400:])
    expect("init.ps_self", out and out.encode(), "PID  PPID STATE", "RUNNING_S  ps")
    if pid:
        out = text_of(run(con, "/bin/kill -9 " + pid))
        report("init.kill_spinner", out is not None and "kill:" not in out,
               "kill failed: %r" % (out or "")[-300:])
        out = text_of(run(con, "/bin/ps"))
        gone = out is not None and re.search(r"\b%s +\d+ +RUNNING_S " % pid, out) is None
        report("init.killed_spinner_gone", gone, "victim still running: %r" % (out or "")[-400:])
    expect("init.kill_bad_pid", run(con, "/bin/kill x"), "not a process id", "status 0x100")
    expect("init.kill_bad_signal", run(con, "/bin/kill -FOO 3"), "unknown signal",
           "status 0x200")
    expect("init.kill_usage", run(con, "/bin/kill -h"), "usage: kill")
    expect("init.run_missing", run(con, "/bin/no-such"), "init: cannot start /bin/no-such")
    expect("init.run_usage", con.command("run"), "usage: run")


def check_prov_notify(con, pid):
    """pid: the MCP spinner the shell started in the background."""
    if pid:
        out = text_of(run(con, "/bin/prov -s"))
        ok = out is not None and re.search(r"\b%s +0 +[1-9]\d* +0 +0 +0" % pid, out) is not None
        report("init.prov_shows_vcores", ok, "no vcore 0 line for %s in %r" % (pid, (out or "")[-400:]))
        expect("init.prov_not_a_child", run(con, "/bin/prov -p %s -c 1" % pid),
               "prov: provision:", "not a child", "status 0x100")
        expect("init.notify_unwanted", run(con, "/bin/notify %s 3 7" % pid),
               "notify: %s:" % pid, "takes no events", "status 0x100")
        run(con, "/bin/kill -9 " + pid)
    expect("init.prov_ll_core_refused", run(con, "/bin/prov -p 0 -c 0"),
           "prov: provision:", "low-latency", "status 0x100")
    expect("init.prov_usage", run(con, "/bin/prov -p 3"), "usage: prov", "status 0x200")
    expect("init.prov_no_process", run(con, "/bin/prov -p 99999 -c 1"), "prov: provision:",
           "status 0x100")
    expect("init.notify_usage", run(con, "/bin/notify 1 999"), "usage: notify", "status 0x200")
    expect("init.notify_no_process", run(con, "/bin/notify 99999 3"), "no process",
           "status 0x100")


def check_net_tools(con):
    """The network tools' argument checks, which need no #ip (issue 12's
    tests/net/ drive them against a real stack)."""
    out = text_of(run(con, "/bin/ipconfig -b -e /net/no-ether"))
    report("init.ipconfig_boot_without_nic", out is not None and
           "exited with status 0" in out and "ipconfig:" not in out,
           "not a silent success: %r" % (out or "")[-300:])
    expect("init.ipconfig_no_device", run(con, "/bin/ipconfig -e /net/no-ether"),
           "ipconfig: /net/no-ether:", "status 0x100")
    expect("init.ipconfig_bad_static", run(con, "/bin/ipconfig -s 198.18.0.2/33"),
           "not ADDR/LEN or ADDR/MASK", "status 0x200")
    expect("init.ipconfig_bad_gateway", run(con, "/bin/ipconfig -s 198.18.0.2/15 1.2.3"),
           "1.2.3: not an address", "status 0x200")
    expect("init.ipconfig_usage", run(con, "/bin/ipconfig -z"), "usage: ipconfig", "status 0x200")
    expect("init.route_bad_mask", run(con, "/bin/route add 1.2.3.0 255.0.255.0 1.2.3.1"),
           "usage: route", "status 0x200")
    expect("init.arp_bad_address", run(con, "/bin/arp -d 1.2.3.256"), "usage: arp",
           "status 0x200")
    expect("init.arp_bad_mac", run(con, "/bin/arp -s 1.2.3.4 52:54:00:12:34"), "usage: arp",
           "status 0x200")
    expect("init.netstat_usage", run(con, "/bin/netstat -h"), "usage: netstat",
           "exited with status 0")
    expect("init.udpcat_usage", run(con, "/bin/udpcat recv 7"), "usage: udpcat", "status 0x200")


def check_dhcp_boot(kernel, initrd, logdir, model, smp=None):
    """Issue 12's acceptance on QEMU's user networking (restrict=on): the
    boot's /etc/rc runs ipconfig -b -r, which gets 10.0.2.15 from slirp
    and leaves a lease keeper; the interface, routes, /net/ndb and ARP show
    it; ping answers."""
    name = "dhcp_" + model
    nic = ["-nic", "user,restrict=on,model=%s" % model]
    if model == "virtio":       # the driver is for modern (non-legacy) virtio only
        nic = ["-netdev", "user,id=n0,restrict=on",
               "-device", "virtio-net-pci,disable-legacy=on,netdev=n0"]
    if smp:
        nic += ["-smp", str(smp)]
    con = boot(kernel, initrd, os.path.join(logdir, "e2e-init-%s.log" % name), None, nic)
    out = con.read_until(SHELL_PROMPT, 150)
    mon = monitor(con) if out is not None else None
    if not expect("init.%s_rc" % name, mon and out + mon, "Welcome to Vireo.",
                  "Vireo kernel monitor"):
        con.qemu.kill()
        return
    keeper = b"ipconfig: keeping the lease of 10.0.2.15"
    # In the background: before either prompt or after them.
    ok = keeper in out + mon or con.read_until(keeper, 60) is not None
    report("init.%s_lease" % name, ok, "no '%s' line" % keeper.decode())
    expect("init.%s_keeper" % name, run(con, "/bin/ps"), "ipconfig", "exited with status 0")
    expect("init.%s_ipifc" % name, run(con, "/bin/ipconfig -l"), "medium ether /net/ether0",
           "addr 10.0.2.15 mask 255.255.255.0")
    expect("init.%s_route" % name, run(con, "/bin/route"), "10.0.2.0", "255.255.255.255")
    expect("init.%s_ndb" % name, run(con, "/bin/cat /net/ndb"),
           "ip=10.0.2.15 ipmask=255.255.255.0")
    expect("init.%s_ping" % name, run(con, "/bin/ping -n 3 10.0.2.2", 60),
           "0 out of 3 messages lost", "exited with status 0")
    expect("init.%s_arp" % name, run(con, "/bin/arp"), "10.0.2.2", "52:55:0a:00:02:02")
    expect("init.%s_netstat" % name, run(con, "/bin/netstat"), "proto N", "exited with status 0")
    # The keeper holds the DHCP client port: a second client is refused
    # plainly (it would otherwise fight the keeper over the lease).
    expect("init.%s_again_refused" % name, run(con, "/bin/ipconfig -t 30", 60),
           "port 68 is in use", "status 0x100")
    con.qemu.kill()


def main(kernel, initrd, logdir):
    out = one_shot(kernel, initrd, logdir, "ps", "/bin/ps", "PID  PPID STATE")
    report("init.ps_shows_init", out is not None and
           re.search(r"\b1 +0 +\S+ +init", out) is not None, "no pid 1 init line")
    one_shot(kernel, initrd, logdir, "ls_argv", "/bin/ls /bin", "init", "echo", "bind")
    out = one_shot(kernel, initrd, logdir, "kprof", "/bin/kprof -p 100 /bin/ls -l /test",
                   "samples ", "by process", "/bin/ls (pid ", "user mode, by function")
    report("init.kprof_symbolizes_the_kernel", out is not None and
           re.search(r"\d+ +\d+\.\d%  [a-z_]+", out) is not None, "no symbolized line")
    check_default_shell(kernel, initrd, logdir)
    check_rc_binds(kernel, initrd, logdir)
    con = boot(kernel, initrd, os.path.join(logdir, "e2e-init-rc.log"))
    pids = check_rc_boot(con)
    if pids:
        check_echo_cat(con)
        check_ls(con)
        check_ns_tools(con)
        check_ps_kill(con, pids[0])
        check_prov_notify(con, pids[1])
        check_net_tools(con)
        check_back_to_shell(con)
    con.qemu.kill()
    check_dhcp_boot(kernel, initrd, logdir, "e1000", smp=1)
    for model in ("e1000e", "virtio"):
        check_dhcp_boot(kernel, initrd, logdir, model)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3]))
