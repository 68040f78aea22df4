#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""ash_shell.py - end-to-end tests of BusyBox ash at the console.

Boots the kernel with the initramfs and `initexit` (what `make run` boots:
/bin/init runs /etc/rc, which ends in `sh -l`), waits for /etc/profile's
prompt `vireo# ` and types
command lines into the serial console (tools/e2e_console.py's Console):
the shell's own line editing echoes each line, so every check looks for a
text the command line itself does not contain.  Covered: pipelines,
redirections, globbing, a here-document, variables, a for loop, command
substitution, exit codes, a background
job, kill -STOP and -CONT of one (#proc shows it STOPPED, then running),
Ctrl-C abandoning a typed line, Ctrl-C and Ctrl-\\ of a foreground
`sleep 100`, Ctrl-Z of one then `fg` and `bg`, a program reading through
the kernel's line discipline, ash's history, tab completion and cursor
keys, a background reader getting SIGTTIN/EIO, scripts (sh FILE), Vireo's
own tools run from ash, every BusyBox applet in /bin at least once (and the
honest errors of the ones the kernel cannot serve yet), `vi`, and `exit`
leaving QEMU.

Every check prints "e2e: PASS ash.NAME" or "e2e: FAIL ash.NAME: why";
scripts/check.sh counts them.  Usage: ash_shell.py KERNEL INITRAMFS LOGDIR
"""
import os
import sys
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tools"))
from e2e_console import Console, expect, report  # noqa: E402

PROMPT = b"vireo# "

# name, command line, texts the output must hold.  Applets marked (*) show
# what Vireo cannot do yet: the error must be said, never a silent success.
CHECKS = [
    ("pipeline", "echo a b c | wc -w", "\r\n3\r\n"),
    ("redirect", "echo one > /tmp/r; echo two >> /tmp/r; wc -l < /tmp/r; cat /tmp/r",
     "\r\n2\r\none\r\ntwo\r\n"),
    ("for_loop", "for i in 1 2 3; do echo n$i; done", "n1\r\nn2\r\nn3\r\n"),
    ("command_substitution", "x=$(echo sub); echo got-$x", "got-sub"),
    ("arithmetic", "echo $((6*7))", "\r\n42\r\n"),
    ("glob", "for f in /etc/*; do echo $f; done | grep -c etc", "\r\n6\r\n"),
    ("here_document", "tr a-z A-Z <<END\rheredoc line\rEND", "HEREDOC LINE"),
    ("variables", "v=val; export w=$v-x; sh -c 'echo w=$w'", "w=val-x"),
    ("exit_codes", "true; echo t=$?; false; echo f=$?; sh -c 'exit 7'; echo s=$?",
     "t=0", "f=1", "s=7"),
    ("background_job", "sleep 1 & jobs; wait; echo waited-$?", "Running", "waited-0"),
    ("script", "printf 'echo script-ran $1\\nexit 5\\n' > /tmp/x.sh; sh /tmp/x.sh arg; echo rc=$?",
     "script-ran arg", "rc=5"),
    ("vireo_ps", "/bin/ps", "PID  PPID STATE", " sh\r\n"),
    ("vireo_ls_cat_echo", "/bin/ls /etc; /bin/cat /etc/hostname; /bin/echo vireo-echo",
     "motd", "profile", "\r\nvireo\r\n", "\r\nvireo-echo\r\n"),
    ("vireo_bind", "bind -a /etc /tmp -- /bin/ls /tmp", "motd"),
    ("vireo_strace", "strace cat /etc/hostname",
     'openat(AT_FDCWD, "/etc/hostname", O_RDONLY) = 3', 'read(3, "vireo\\n", ', "+++ exited with 0 +++"),
    ("test_brackets", "[ 1 -lt 2 ] && [[ a = a ]] && test -f /etc/motd && echo br-ok", "\r\nbr-ok"),
    ("awk", "echo x | awk '{print \"awk-\" $1}'", "\r\nawk-x"),
    ("basename_dirname", "basename /a/b/c.txt .txt; dirname /a/b/c", "\r\nc\r\n/a/b\r\n"),
    ("cp_cmp_diff_mv_rm", "echo hi > /tmp/a; cp /tmp/a /tmp/b && cmp /tmp/a /tmp/b && echo same-ok;"
     " echo ho > /tmp/c; diff /tmp/a /tmp/c; echo d=$?; mv /tmp/b /tmp/b2 && rm /tmp/b2 && echo mvrm-ok",
     "same-ok", "-hi", "+ho", "d=1", "mvrm-ok"),
    ("stat", "stat -c '%s %F' /tmp/a", "3 regular file"),
    ("chmod", "chmod 600 /tmp/a; echo c=$?; stat -c '%a' /tmp/a", "c=0", "\r\n600\r\n"),
    ("touch", "touch /tmp/a; echo t=$?", "t=0"),
    ("cut_date_grep", "echo a:b:c | cut -d: -f2; date +%Y | grep -c 20", "\r\nb\r\n1\r\n"),
    ("du_df", "du -s /etc; df /tmp; echo df=$?", "\t/etc", "can't find mount point", "df=1"),
    ("env_expr_egrep_fgrep", "env | grep PATH=; expr 6 \\* 7; echo abc | egrep 'b+'; echo xyz | fgrep y",
     "PATH=/bin", "\r\n42\r\n", "\r\nabc\r\n", "\r\nxyz\r\n"),
    ("find", "find /etc -name 'mo*'", "/etc/motd"),
    ("gzip_gunzip_zcat", "echo zzz > /tmp/g; gzip /tmp/g && gunzip -c /tmp/g.gz && zcat /tmp/g.gz"
     " && gunzip /tmp/g.gz && cat /tmp/g", "zzz\r\nzzz\r\nzzz\r\n"),
    ("seq_head_tail", "seq 1 10 | head -n 2; seq 1 10 | tail -n 1", "\r\n1\r\n2\r\n10\r\n"),
    ("hexdump_od", "echo hi | hexdump -C; echo hi | od -c", "68 69 0a", "h   i  \\n"),
    ("ln_readlink_realpath", "ln -s /tmp/a /tmp/l; readlink /tmp/l; realpath /tmp/l", "\r\n/tmp/a\r\n/tmp/a\r\n"),
    ("mkdir_rmdir_pwd", "mkdir /tmp/d && cd /tmp/d && pwd && cd / && rmdir /tmp/d && echo md-ok",
     "\r\n/tmp/d\r\n", "md-ok"),
    ("md5sum_sha256sum", "echo hi | md5sum; echo hi | sha256sum",
     "764efa883dda1e11db47671c4a3bbd9e", "98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4"),
    ("printf_sed_sort_uniq", "printf '%s-%d\\n' pf 5; echo hello | sed s/l/L/g;"
     " printf '3\\n1\\n2\\n' | sort; printf 'a\\na\\nb\\n' | uniq", "pf-5", "heLLo", "1\r\n2\r\n3\r\n", "a\r\nb\r\n"),
    ("tar_tee", "tar -cf /tmp/t.tar /etc/motd; tar -tf /tmp/t.tar; echo teed | tee /tmp/tee; cat /tmp/tee",
     "etc/motd", "teed\r\nteed\r\n"),
    ("tr_uname_which_xargs_yes", "echo abc | tr a-c A-C; uname -s; which sh; echo a b | xargs echo xa; yes | head -n 2",
     "ABC", "Vireo", "/bin/sh", "xa a b", "y\r\ny\r\n"),
    ("sleep_timeout", "sleep 0; timeout 1 sleep 5; echo to=$?", "Terminated", "to=143"),
    ("stty_tty", "stty size; stty -a | grep -c icanon; tty; echo tty=$?", "24 80", "not a tty", "tty=1"),
    ("stty_cooked_modes", "stty -icanon -echo; stty -a | grep -o -- '-icanon'; stty sane; echo s=$?;"
     " stty -a | grep -o ' icanon'", "\r\n-icanon\r\n", "s=0", "\r\n icanon\r\n"),
    ("stty_winsize", "stty rows 40 cols 100; stty size; stty rows 24 cols 80", "\r\n40 100\r\n"),
    ("clear_reset", "clear; echo c=$?; reset; echo r=$?", "\x1b[H\x1b[J", "c=0", "r=0"),
    ("time", "time true", "real\t", "user\t", "sys\t"),
    ("busybox_applets", "busybox cat /etc/hostname; busybox ls /etc; busybox echo bb-echo; kill -0 $$; echo k=$?",
     "\r\nvireo\r\n", "profile", "bb-echo", "k=0"),
    ("more_less", "more /etc/hostname; less /etc/hostname < /dev/null > /tmp/lo; cat /tmp/lo", "\r\nvireo\r\n"),
    # ash never asks waitpid for WCONTINUED: a job it saw stop stays "stopped"
    # for it, and `wait` answers 128+SIGSTOP at once unless the killed child
    # was reaped first (the sleep between: a fork that ash waits for).
    ("kill_stop_cont", "sleep 30 & p=$!; kill -STOP $p; cut -d' ' -f4 /proc/$p/status; kill -CONT $p;"
     " grep -c STOPPED /proc/$p/status; kill -KILL $p; sleep 1; wait $p; echo w=$?",
     "\r\nSTOPPED\r\n0\r\n", "w=137"),
]


def typed(con, text, timeout=30):
    con.qemu.stdin.write(text)
    con.qemu.stdin.flush()
    return con.read_until(PROMPT, timeout)


def check_vi(con):
    """vi: insert a line, write and quit; cat shows it."""
    con.qemu.stdin.write(b"vi /tmp/v.txt\r")
    con.qemu.stdin.flush()
    screen = con.read_until(b"/tmp/v.txt", 30)
    # Escape alone, then a pause: vi reads ESC followed at once by more
    # bytes as a terminal's escape sequence.
    for keys in (b"ihello from vi", b"\x1b"):
        con.qemu.stdin.write(keys)
        con.qemu.stdin.flush()
        time.sleep(1)
    out = typed(con, b":wq\r")
    report("ash.vi_opens", screen is not None, "no vi screen")
    expect("ash.vi_saves", typed(con, b"cat /tmp/v.txt\r") if out is not None else None,
           "hello from vi\r\n")


def check_ctrl_c_line(con):
    """Ctrl-C while typing: the line is dropped, nothing runs."""
    out = typed(con, b"echo abandon\x03")
    after = typed(con, b"echo after-ctrl-c\r")
    ok = out is not None and after is not None and b"abandon\r\n" not in out + after \
        and b"\r\nafter-ctrl-c\r\n" in after
    report("ash.ctrl_c_drops_line", ok, "output %r then %r" % (out, after))


def keys(con, data, pause=0.0):
    con.qemu.stdin.write(data)
    con.qemu.stdin.flush()
    if pause:
        time.sleep(pause)


def check_signal_keys(con):
    """Ctrl-C and Ctrl-\\ reach a foreground job; the shell comes back."""
    for name, key, rc, say in (("ctrl_c_sleep", b"\x03", "130", b""),
                               ("ctrl_backslash_sleep", b"\x1c", "131", b"Quit")):
        keys(con, b"sleep 100\r", 2)
        out = typed(con, key, 20)
        after = typed(con, b"echo rc=$?\r")
        ok = out is not None and say in out and after is not None and \
            ("rc=" + rc).encode() in after
        report("ash." + name, ok, "output %r then %r" % (out, after))


def check_cooked_cat(con):
    """cat reads through the kernel's line discipline: erase, word erase,
    a UTF-8 character erased whole, Ctrl-D for end of file."""
    keys(con, b"cat > /tmp/cooked\r", 1)
    keys(con, b"ab\x7fc d\x17e \xc3\xa9\x7f!\r", 0.5)
    keys(con, b"\x04")
    con.read_until(PROMPT, 20)
    expect("ash.cooked_line_discipline", typed(con, b"od -c /tmp/cooked\r"),
           "a   c       e       !  \\n")


def check_line_editing(con):
    """ash's own editing: history (arrow up), tab completion, cursor keys."""
    typed(con, b"echo hist-one\r")
    keys(con, b"\x1b[A\r")       # the line is drawn again: read past its echo
    out = con.read_until(b"\r\nhist-one\r\n", 10)
    report("ash.history_arrow_up", out is not None and con.read_until(PROMPT, 10) is not None,
           "no second hist-one")
    keys(con, b"ls /etc/mo\t")
    shown = con.read_until(b"motd", 10)
    out = typed(con, b"\r")
    report("ash.tab_completion", shown is not None and out is not None and
           b"\r\n/etc/motd\r\n" in out, "output %r then %r" % (shown, out))
    expect("ash.cursor_editing", typed(con, b"echo abX\x7fc\x1b[D\x1b[D-\r"), "\r\na-bc\r\n")


def check_background_read(con):
    """A background job that reads the terminal: SIGTTIN stops it."""
    typed(con, b"cat &\r")
    out = typed(con, b"sleep 1; jobs\r")
    ok = out is not None and (b"I/O error" in out or b"Stopped" in out)
    report("ash.background_read_sigttin", ok, "output %r" % out)
    # A stopped job keeps a SIGTERM pending until it is continued: SIGKILL.
    typed(con, b"kill -KILL %1 2>/dev/null; sleep 1; jobs\r")


def check_job_control_stop(con):
    """Ctrl-Z stops a foreground job, jobs lists it, bg and fg resume it."""
    keys(con, b"sleep 100\r", 2)
    out = typed(con, b"\x1a", 20)
    listed = typed(con, b"jobs\r")
    report("ash.ctrl_z_stops", out is not None and b"Stopped" in out and
           listed is not None and b"Stopped" in listed, "output %r then %r" % (out, listed))
    expect("ash.bg_resumes", typed(con, b"bg; jobs\r"), "Running")
    keys(con, b"fg\r", 1)
    out = typed(con, b"\x03", 20)
    expect("ash.fg_then_ctrl_c", typed(con, b"echo rc=$?\r") if out is not None else None,
           "rc=130")


def main(kernel, initrd, logdir):
    con = Console(kernel, os.path.join(logdir, "e2e-ash.log"),
                  ["-initrd", initrd, "-append", "initexit"])
    out = con.read_until(PROMPT, 150)
    if not expect("ash.boot_to_prompt", out, "init: started /bin/init as pid 1", "built-in shell (ash)"):
        con.qemu.kill()
        return 0
    for check in CHECKS:
        name, line, needles = check[0], check[1], check[2:]
        expect("ash." + name, typed(con, line.encode() + b"\r"), *needles)
    check_ctrl_c_line(con)
    check_signal_keys(con)
    check_cooked_cat(con)
    check_line_editing(con)
    check_background_read(con)
    check_job_control_stop(con)
    check_vi(con)
    con.qemu.stdin.write(b"exit 4\r")
    con.qemu.stdin.flush()
    tail = con.read_until(b"init: /bin/init exited with status ", 30)
    rest = con.read_until(b"\n", 10)
    rc = con.wait_exit(30)
    report("ash.exit_leaves_qemu", tail is not None and rest is not None and
           rest.startswith(b"0x400") and rc == 3, "status %r, QEMU exit %r" % (rest, rc))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3]))
