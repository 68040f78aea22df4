/* SPDX-License-Identifier: MIT */
/*
 * libc_tty.c - the console as a terminal through the C library
 * (Documentation/terminal.md): isatty, tcgetattr's cooked default,
 * tcsetattr round trips (raw, c_cc, TCSAFLUSH), cfmakeraw, the window size
 * (TIOCGWINSZ/TIOCSWINSZ), tcflush, #cons/consctl's text, and job control:
 * tcgetpgrp/tcgetsid as the console's session leader (the test runs as
 * process 1), tcsetpgrp to a child's group and back, its errors (EINVAL,
 * EPERM for a group of no process, ENOTTY outside the console's session),
 * TIOCSCTTY refused while the console's session lives, and a read from a
 * background group failing with EIO.  Other fds: ENOTTY.
 * Typing cannot be done from here: tests/e2e/ash_shell.py types (Ctrl-C,
 * Ctrl-\, erase, EOF), kt_dev_cons.c feeds the line discipline.
 * Run by scripts/run-ktests.sh (run_utest libc_tty).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <utest/utest.h>

#define NO_SUCH_GROUP 999999

/* The console's mode as the test found it, put back after each change. */
static struct termios lt_saved;

static void lt_save(void)
{
	UT_SYS(tcgetattr(0, &lt_saved));
}

static void lt_restore(void)
{
	UT_SYS(tcsetattr(0, TCSANOW, &lt_saved));
}

/* A forked child's exit code (the child _exits 0 for success). */
static int lt_child_rc(pid_t pid)
{
	int st = -1;

	UT_ASSERT_EQ(waitpid(pid, &st, 0), pid);
	UT_ASSERT(WIFEXITED(st));
	return WEXITSTATUS(st);
}

/* ------------------------------------------------------------- modes */

UTEST(termios, console_fds_are_terminals)
{
	int p[2];

	UT_ASSERT(isatty(0) && isatty(1) && isatty(2));
	UT_SYS(pipe(p));
	UT_ASSERT(!isatty(p[0]));
	UT_ASSERT_ERRNO(tcgetpgrp(p[0]), ENOTTY);
	close(p[0]);
	close(p[1]);
}

UTEST(termios, default_is_cooked_with_echo_and_signals)
{
	struct termios t;

	UT_SYS(tcgetattr(0, &t));
	UT_ASSERT(t.c_lflag & ICANON);
	UT_ASSERT(t.c_lflag & ECHO);
	UT_ASSERT(t.c_lflag & ISIG);
	UT_ASSERT(t.c_iflag & ICRNL);
	UT_ASSERT((t.c_oflag & (OPOST | ONLCR)) == (OPOST | ONLCR));
	UT_ASSERT_EQ(t.c_cc[VINTR], 3);
	UT_ASSERT_EQ(t.c_cc[VQUIT], 28);
	UT_ASSERT_EQ(t.c_cc[VERASE], 127);
	UT_ASSERT_EQ(t.c_cc[VKILL], 21);
	UT_ASSERT_EQ(t.c_cc[VEOF], 4);
	UT_ASSERT_EQ(t.c_cc[VSUSP], 26);
	UT_ASSERT_EQ(t.c_cc[VMIN], 1);
}

UTEST(termios, set_and_read_back)
{
	struct termios t, back;

	lt_save();
	t = lt_saved;
	cfmakeraw(&t);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 3;
	t.c_cc[VINTR] = 7;
	UT_SYS(tcsetattr(0, TCSAFLUSH, &t));
	UT_SYS(tcgetattr(1, &back));            /* any of the console's fds */
	UT_ASSERT(!(back.c_lflag & (ICANON | ECHO | ISIG)));
	UT_ASSERT_EQ(back.c_iflag, t.c_iflag);
	UT_ASSERT_EQ(back.c_oflag, t.c_oflag);
	UT_ASSERT_EQ(back.c_lflag, t.c_lflag);
	UT_ASSERT_EQ(back.c_cc[VTIME], 3);
	UT_ASSERT_EQ(back.c_cc[VMIN], 0);
	UT_ASSERT_EQ(back.c_cc[VINTR], 7);
	lt_restore();
	UT_SYS(tcgetattr(2, &back));
	UT_ASSERT_EQ(back.c_lflag, lt_saved.c_lflag);
	UT_ASSERT_EQ(back.c_cc[VINTR], 3);
}

UTEST(termios, raw_read_with_vtime_times_out)
{
	struct termios t;
	char c;

	lt_save();
	t = lt_saved;
	cfmakeraw(&t);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 1;                      /* 0.1 s, nothing is typed */
	UT_SYS(tcsetattr(0, TCSANOW, &t));
	UT_ASSERT_EQ(read(0, &c, 1), 0);
	t.c_cc[VTIME] = 0;                      /* VMIN 0, VTIME 0: a poll */
	UT_SYS(tcsetattr(0, TCSANOW, &t));
	UT_ASSERT_EQ(read(0, &c, 1), 0);
	lt_restore();
}

UTEST(termios, flush_and_bad_requests)
{
	UT_SYS(tcflush(0, TCIFLUSH));
	UT_SYS(tcflush(0, TCOFLUSH));
	UT_SYS(tcflush(0, TCIOFLUSH));
	UT_ASSERT_ERRNO(tcflush(0, 7), EINVAL);
	UT_ASSERT_ERRNO(ioctl(0, 0x54ff, 0), EINVAL);
	UT_ASSERT_ERRNO(tcgetattr(0, NULL), EFAULT);
}

UTEST(termios, window_size)
{
	struct winsize w = { 0 }, set = { .ws_row = 50, .ws_col = 132 }, back = { 0 };

	UT_SYS(ioctl(1, TIOCGWINSZ, &w));
	UT_ASSERT(w.ws_row > 0 && w.ws_col > 0);
	UT_SYS(ioctl(1, TIOCSWINSZ, &set));
	UT_SYS(ioctl(0, TIOCGWINSZ, &back));
	UT_ASSERT_EQ(back.ws_row, 50);
	UT_ASSERT_EQ(back.ws_col, 132);
	UT_SYS(ioctl(1, TIOCSWINSZ, &w));
}

UTEST(termios, consctl_text)
{
	char buf[256];
	int fd = UT_SYS(open("#cons/consctl", O_RDONLY));
	ssize_t n = UT_SYS(read(fd, buf, sizeof(buf) - 1));

	close(fd);
	buf[n] = '\0';
	UT_ASSERT_MSG(!strncmp(buf, "mode ", 5) && strstr(buf, "\nwinsize ") &&
	              strstr(buf, "\nsession 1 "), "consctl says '%s'", buf);
	fd = UT_SYS(open("#cons/consctl", O_WRONLY));
	UT_ASSERT_ERRNO(write(fd, "mode 1 2", 8), EINVAL);
	UT_ASSERT_ERRNO(write(fd, "nonsense", 8), EINVAL);
	close(fd);
}

/* ------------------------------------------------------- job control */

UTEST(jobctl, process_1_owns_the_console)
{
	pid_t sid = -1;

	UT_ASSERT_EQ(getpid(), 1);
	UT_ASSERT_EQ(tcgetpgrp(0), getpgrp());
	UT_SYS(ioctl(0, TIOCGSID, &sid));
	UT_ASSERT_EQ(sid, 1);
	UT_ASSERT_EQ(tcgetsid(2), 1);
	UT_SYS(ioctl(0, TIOCSCTTY, 0));         /* ours already: nothing to do */
}

UTEST(jobctl, tcsetpgrp_errors)
{
	UT_ASSERT_ERRNO(tcsetpgrp(0, -5), EINVAL);
	UT_ASSERT_ERRNO(tcsetpgrp(0, NO_SUCH_GROUP), EPERM);
	UT_ASSERT_EQ(tcgetpgrp(0), getpgrp());
}

/* The foreground moves to a child's own group and back (the child waits
 * on a pipe so its group lives). */
UTEST(jobctl, tcsetpgrp_to_a_child_group_and_back)
{
	int p[2];
	char c;
	pid_t pid;

	UT_SYS(pipe(p));
	pid = fork();
	UT_ASSERT(pid >= 0);
	if (pid == 0) {
		close(p[1]);
		setpgid(0, 0);
		_exit(read(p[0], &c, 1) == 0 ? 0 : 1);
	}
	close(p[0]);
	setpgid(pid, pid);                      /* the parent too, as shells do */
	UT_ASSERT_EQ(getpgid(pid), pid);
	UT_SYS(tcsetpgrp(0, pid));
	UT_ASSERT_EQ(tcgetpgrp(0), pid);
	UT_SYS(tcsetpgrp(0, getpgrp()));        /* the session's leader may, from the background */
	UT_ASSERT_EQ(tcgetpgrp(0), getpgrp());
	close(p[1]);
	UT_ASSERT_EQ(lt_child_rc(pid), 0);
}

UTEST(jobctl, background_read_is_eio)
{
	pid_t pid = fork();

	UT_ASSERT(pid >= 0);
	if (pid == 0) {
		char c;

		signal(SIGTTIN, SIG_IGN);
		if (setpgid(0, 0) != 0)
			_exit(2);
		_exit(read(0, &c, 1) == -1 && errno == EIO ? 0 : 1);
	}
	UT_ASSERT_EQ(lt_child_rc(pid), 0);
}

/* A new session: the console is not its terminal, and it cannot take it
 * while session 1 lives. */
UTEST(jobctl, other_session_is_not_the_console_s)
{
	pid_t pid = fork();

	UT_ASSERT(pid >= 0);
	if (pid == 0) {
		if (setsid() < 0)
			_exit(2);
		if (tcgetpgrp(0) != -1 || errno != ENOTTY)
			_exit(3);
		if (tcsetpgrp(0, getpgrp()) != -1 || errno != ENOTTY)
			_exit(4);
		if (ioctl(0, TIOCSCTTY, 0) != -1 || errno != EPERM)
			_exit(5);
		_exit(0);
	}
	UT_ASSERT_EQ(lt_child_rc(pid), 0);
	UT_ASSERT_EQ(tcgetpgrp(0), getpgrp());
}

UTEST(jobctl, not_a_session_leader_cannot_take_it)
{
	pid_t pid = fork();

	UT_ASSERT(pid >= 0);
	if (pid == 0)
		_exit(ioctl(0, TIOCSCTTY, 1) == -1 && errno == EPERM ? 0 : 1);
	UT_ASSERT_EQ(lt_child_rc(pid), 0);
}

int main(int argc, char **argv)
{
	return utest_main("libc_tty", argc, argv);
}
