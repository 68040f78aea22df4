/* SPDX-License-Identifier: MIT */
/*
 * lx_tty.c - ioctl (row 16 of linux_syscalls.c): the console as a terminal.
 *
 * Which fds are terminals.  An fd is the console when fstat gives the same
 * device and qid path as a stat of #cons/stdin, #cons/stdout or
 * #cons/stderr; every other fd answers every request with -ENOTTY.
 *
 * What the console is.  #cons/stdin hands over the bytes typed, as they
 * come: no line editing, no echo, no signal characters (a "raw" terminal
 * in termios terms), and #cons/stdout turns "\n" into "\r\n" (OPOST,
 * ONLCR).  TCGETS reports exactly that: lflag 0, iflag 0, oflag OPOST |
 * ONLCR, cflag CS8 | CREAD | B38400, VMIN 1, the usual control characters.
 *
 * What a program may change.  TCSETS/TCSETSW/TCSETSF that ask for
 * canonical mode, echo or signal characters (ICANON, ECHO*, ISIG) or for
 * input translations (ICRNL, INLCR, IGNCR, IXON, ...) fail with -EINVAL
 * and say so in errstr: the console cannot do them, and claiming it did
 * would be a silent lie (BusyBox's line editing, vi and less ask only for
 * what it is).  The rest (oflag, cflag, c_cc, VMIN/VTIME) is recorded and
 * read back by TCGETS; the console's output does not change.  The window
 * size (TIOCGWINSZ) is 24 x 80 until TIOCSWINSZ records another.  The
 * state is the program image's own (one thread; an exec starts afresh).
 * Process groups: there are none on Vireo yet, so TIOCGPGRP, TIOCSPGRP and
 * TIOCSCTTY fail with -ENOTTY (a shell then turns job control off); other
 * requests are -EINVAL.
 */
#include <string.h>
#include <ros/kstat.h>
#include <parlib/parlib.h>
#include "lx.h"

#define LX_TCGETS     0x5401
#define LX_TCSETS     0x5402
#define LX_TCSETSW    0x5403
#define LX_TCSETSF    0x5404
#define LX_TCFLSH     0x540B
#define LX_TIOCSCTTY  0x540E
#define LX_TIOCGPGRP  0x540F
#define LX_TIOCSPGRP  0x5410
#define LX_TIOCGWINSZ 0x5413
#define LX_TIOCSWINSZ 0x5414

/* termios bits (Linux's values). */
#define LX_ISIG    0x0001u
#define LX_ICANON  0x0002u
#define LX_ECHO    0x0008u
#define LX_ECHOE   0x0010u
#define LX_ECHOK   0x0020u
#define LX_ECHONL  0x0040u
#define LX_IGNCR   0x0080u
#define LX_INLCR   0x0040u
#define LX_ICRNL   0x0100u
#define LX_IUCLC   0x0200u
#define LX_IXON    0x0400u
#define LX_IXOFF   0x1000u
#define LX_OPOST   0x0001u
#define LX_ONLCR   0x0004u
#define LX_B38400  0x000Fu
#define LX_CS8     0x0030u
#define LX_CREAD   0x0080u
#define LX_NCCS    19
enum { LX_VINTR, LX_VQUIT, LX_VERASE, LX_VKILL, LX_VEOF, LX_VTIME, LX_VMIN,
       LX_VSWTC, LX_VSTART, LX_VSTOP, LX_VSUSP };

/* The kernel's struct termios, what TCGETS/TCSETS carry (36 bytes). */
struct lx_termios {
	uint32_t c_iflag;
	uint32_t c_oflag;
	uint32_t c_cflag;
	uint32_t c_lflag;
	uint8_t c_line;
	uint8_t c_cc[LX_NCCS];
};
_Static_assert(sizeof(struct lx_termios) == 36, "Linux struct termios");

struct lx_winsize {
	uint16_t ws_row;
	uint16_t ws_col;
	uint16_t ws_xpixel;
	uint16_t ws_ypixel;
};

#define LX_LFLAG_CANNOT (LX_ISIG | LX_ICANON | LX_ECHO | LX_ECHOE | LX_ECHOK | LX_ECHONL)
#define LX_IFLAG_CANNOT (LX_IGNCR | LX_INLCR | LX_ICRNL | LX_IUCLC | LX_IXON | LX_IXOFF)

static struct lx_termios lx_tty_mode;
static struct lx_winsize lx_tty_size = { 24, 80, 0, 0 };
static int lx_tty_inited;

static void lx_tty_init(void)
{
	static const uint8_t cc[] = {
		[LX_VINTR] = 3, [LX_VQUIT] = 28, [LX_VERASE] = 127, [LX_VKILL] = 21,
		[LX_VEOF] = 4, [LX_VTIME] = 0, [LX_VMIN] = 1, [LX_VSTART] = 17,
		[LX_VSTOP] = 19, [LX_VSUSP] = 26,
	};

	if (lx_tty_inited)
		return;
	lx_tty_inited = 1;
	lx_tty_mode.c_oflag = LX_OPOST | LX_ONLCR;
	lx_tty_mode.c_cflag = LX_CS8 | LX_CREAD | LX_B38400;
	memcpy(lx_tty_mode.c_cc, cc, sizeof(cc));
}

/* Is fd one of the console's files (#cons/stdin, stdout, stderr)? */
static int lx_is_console(long fd)
{
	static const char *const names[] = { "#cons/stdin", "#cons/stdout", "#cons/stderr" };
	struct kstat f, c;

	if (ros_syscall_raw(SYS_fstat, (int)fd, (long)&f, 0, 0, 0, 0) < 0)
		return 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (ros_syscall_raw(SYS_stat, (long)names[i], (long)strlen(names[i]), (long)&c,
		                    0, 0, 0) < 0)
			continue;
		if (c.st_dev == f.st_dev && c.st_ino == f.st_ino)
			return 1;
	}
	return 0;
}

static long lx_tty_set(const struct lx_termios *t)
{
	if ((t->c_lflag & LX_LFLAG_CANNOT) || (t->c_iflag & LX_IFLAG_CANNOT)) {
		lx_errstr("tcsetattr", "the console is raw: no canonical mode, echo, signal "
		          "characters or input translation on Vireo yet");
		return -LX_EINVAL;
	}
	lx_tty_mode = *t;
	return 0;
}

long lx_ioctl(const long *a)
{
	void *arg = (void *)a[2];

	if (!lx_is_console(a[0]))
		return -LX_ENOTTY;
	lx_tty_init();
	switch ((unsigned int)a[1]) {
	case LX_TCGETS:
		if (!arg)
			return -LX_EFAULT;
		memcpy(arg, &lx_tty_mode, sizeof(lx_tty_mode));
		return 0;
	case LX_TCSETS:
	case LX_TCSETSW:
	case LX_TCSETSF:
		if (!arg)
			return -LX_EFAULT;
		return lx_tty_set(arg);
	case LX_TIOCGWINSZ:
		if (!arg)
			return -LX_EFAULT;
		memcpy(arg, &lx_tty_size, sizeof(lx_tty_size));
		return 0;
	case LX_TIOCSWINSZ:
		if (!arg)
			return -LX_EFAULT;
		memcpy(&lx_tty_size, arg, sizeof(lx_tty_size));
		return 0;
	case LX_TCFLSH:
		return a[2] >= 0 && a[2] <= 2 ? 0 : -LX_EINVAL;
	case LX_TIOCGPGRP:
	case LX_TIOCSPGRP:
	case LX_TIOCSCTTY:
		lx_errstr("ioctl", "no process groups or controlling terminals on Vireo yet");
		return -LX_ENOTTY;
	}
	lx_errstr("ioctl", "not a request the console knows");
	return -LX_EINVAL;
}
