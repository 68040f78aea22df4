/* SPDX-License-Identifier: MIT */
/*
 * lx_tty.c - ioctl (row 16 of linux_syscalls.c): the console as a terminal.
 *
 * Which fds are terminals.  An fd is the console when fstat gives the same
 * device and qid path as a stat of #cons/stdin, #cons/stdout or
 * #cons/stderr; every other fd answers every request with -ENOTTY.
 *
 * Where the terminal lives.  In the kernel: #cons keeps the line
 * discipline's mode, the window size, the console's session and its
 * foreground group (Documentation/terminal.md), read and set through the
 * text file #cons/consctl, which each request here opens, reads or writes
 * one command to, and closes (no state in the C library: fork and exec
 * need nothing).  The termios flags and c_cc travel as they are: the
 * kernel uses Linux's values.
 *
 *	TCGETS                 the "mode" line
 *	TCSETS, TCSETSW        "mode IFLAG OFLAG CFLAG LFLAG CC" (output is
 *	                       synchronous, so W has nothing to wait for)
 *	TCSETSF, TCFLSH in     "flush" first (TCFLSH of output: nothing to do)
 *	TIOCGWINSZ/TIOCSWINSZ  the "winsize" line / "winsize R C X Y"
 *	TIOCGPGRP, TIOCGSID    the "session SID PGRP" line; -ENOTTY unless the
 *	                       caller is of that session
 *	TIOCSPGRP              "pgrp N" (the kernel checks: -ENOTTY, -EPERM)
 *	TIOCSCTTY              "ctty", or "ctty steal" when arg is 1
 *
 * Other requests are -EINVAL, with an errstr.
 */
#include <string.h>
#include <ros/fcntl.h>
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
#define LX_TIOCGSID   0x5429
#define LX_TCIFLUSH   0
#define LX_TCOFLUSH   1
#define LX_TCIOFLUSH  2

#define LX_NCCS    19

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

#define LX_CTL_PATH  "#cons/consctl"
#define LX_CTL_TEXT  256

/* What a read of #cons/consctl says. */
struct lx_tty_state {
	struct lx_termios mode;
	struct lx_winsize size;
	long sid, pgrp;
};

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

/* Opens consctl, reads or writes it once, closes it: bytes, or -errno. */
static long lx_tty_ctl(int write, char *buf, size_t n)
{
	long fd = ros_syscall_raw(SYS_openat, LX_AT_FDCWD, (long)LX_CTL_PATH,
	                          (long)strlen(LX_CTL_PATH),
	                          (write ? O_WRONLY : O_RDONLY) | O_CLOEXEC, 0, 0);
	long r;

	if (fd < 0)
		return fd;
	r = ros_syscall_raw(write ? SYS_write : SYS_read, fd, (long)buf, (long)n, 0, 0, 0);
	ros_syscall_raw(SYS_close, fd, 0, 0, 0, 0, 0);
	return r;
}

/* A number in base (10 or 16) after blanks; 0 if there is none. */
static int lx_tty_num(const char **sp, unsigned int base, unsigned long *out)
{
	const char *s = *sp;
	unsigned long v = 0;
	int digits = 0;

	while (*s == ' ')
		s++;
	for (;; s++, digits++) {
		unsigned int d = *s >= '0' && *s <= '9' ? (unsigned int)(*s - '0') :
		                 base == 16 && *s >= 'a' && *s <= 'f' ? (unsigned int)(*s - 'a' + 10) : 99;

		if (d >= base)
			break;
		v = v * base + d;
	}
	*sp = s;
	*out = v;
	return digits > 0;
}

/* "key" at the start of a line of text: the rest of that line, or NULL. */
static const char *lx_tty_line(const char *text, const char *key)
{
	size_t n = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!strncmp(p, key, n) && p[n] == ' ')
			return p + n + 1;
	return NULL;
}

static int lx_tty_parse_mode(const char *p, struct lx_termios *t)
{
	uint32_t *flags[] = { &t->c_iflag, &t->c_oflag, &t->c_cflag, &t->c_lflag };
	unsigned long v;

	memset(t, 0, sizeof(*t));
	for (int i = 0; i < 4; i++) {
		if (!lx_tty_num(&p, 16, &v))
			return 0;
		*flags[i] = (uint32_t)v;
	}
	while (*p == ' ')
		p++;
	for (int i = 0; i < LX_NCCS; i++) {
		const char pair[3] = { p[2 * i], p[2 * i] ? p[2 * i + 1] : 0, 0 };
		const char *q = pair;

		if (!lx_tty_num(&q, 16, &v) || q != pair + 2)
			return 0;
		t->c_cc[i] = (uint8_t)v;
	}
	return 1;
}

static long lx_tty_get(struct lx_tty_state *st)
{
	char text[LX_CTL_TEXT];
	const char *p;
	unsigned long v[4];
	long n = lx_tty_ctl(0, text, sizeof(text) - 1);

	if (n < 0)
		return n;
	text[n] = '\0';
	if (!(p = lx_tty_line(text, "mode")) || !lx_tty_parse_mode(p, &st->mode))
		goto bad;
	if (!(p = lx_tty_line(text, "winsize")))
		goto bad;
	for (int i = 0; i < 4; i++)
		if (!lx_tty_num(&p, 10, &v[i]))
			goto bad;
	st->size = (struct lx_winsize){ (uint16_t)v[0], (uint16_t)v[1], (uint16_t)v[2],
	                                (uint16_t)v[3] };
	if (!(p = lx_tty_line(text, "session")) || !lx_tty_num(&p, 10, &v[0]) ||
	    !lx_tty_num(&p, 10, &v[1]))
		goto bad;
	st->sid = (long)v[0];
	st->pgrp = (long)v[1];
	return 0;
bad:
	lx_errstr("ioctl", "#cons/consctl's text is not what the C library knows");
	return -LX_EIO;
}

/* Appends v in hex (digits: at least that many) and a NUL; the new end. */
static char *lx_tty_hex(char *p, unsigned long v, int digits)
{
	char tmp[17];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v || n < digits);
	while (n)
		*p++ = tmp[--n];
	*p = '\0';
	return p;
}

static long lx_tty_cmd(const char *cmd)
{
	long r = lx_tty_ctl(1, (char *)cmd, strlen(cmd));

	return r < 0 ? r : 0;
}

static long lx_tty_set(const struct lx_termios *t, int flush)
{
	const uint32_t flags[] = { t->c_iflag, t->c_oflag, t->c_cflag, t->c_lflag };
	char cmd[LX_CTL_TEXT] = "mode", *p = cmd + 4;
	long r;

	for (int i = 0; i < 4; i++) {
		*p++ = ' ';
		p = lx_tty_hex(p, flags[i], 1);
	}
	*p++ = ' ';
	for (int i = 0; i < LX_NCCS; i++)
		p = lx_tty_hex(p, t->c_cc[i], 2);
	if (flush && (r = lx_tty_cmd("flush")) < 0)
		return r;
	return lx_tty_cmd(cmd);
}

static long lx_tty_set_winsize(const struct lx_winsize *w)
{
	const uint16_t v[] = { w->ws_row, w->ws_col, w->ws_xpixel, w->ws_ypixel };
	char cmd[LX_CTL_TEXT] = "winsize", *p = cmd + 7;

	for (int i = 0; i < 4; i++) {
		*p++ = ' ';
		p += lx_utoa(p, v[i]);
	}
	return lx_tty_cmd(cmd);
}

static long lx_tty_set_pgrp(const int *pgrp)
{
	char cmd[32] = "pgrp ";

	if (*pgrp < 0)
		return -LX_EINVAL;
	lx_utoa(cmd + 5, (uint64_t)*pgrp);
	return lx_tty_cmd(cmd);
}

/* TIOCGPGRP and TIOCGSID: the console's, if it is the caller's terminal. */
static long lx_tty_get_session(int *out, int want_sid)
{
	struct lx_tty_state st;
	long r = lx_tty_get(&st);

	if (r < 0)
		return r;
	if (!st.sid || ros_syscall_raw(SYS_getsid, 0, 0, 0, 0, 0, 0) != st.sid) {
		lx_errstr("ioctl", "the console is not the caller's controlling terminal");
		return -LX_ENOTTY;
	}
	*out = (int)(want_sid ? st.sid : st.pgrp);
	return 0;
}

static long lx_tty_get_mode(struct lx_termios *t, struct lx_winsize *w)
{
	struct lx_tty_state st;
	long r = lx_tty_get(&st);

	if (r < 0)
		return r;
	if (t)
		*t = st.mode;
	if (w)
		*w = st.size;
	return 0;
}

static int lx_tty_takes_pointer(unsigned int req)
{
	switch (req) {
	case LX_TCGETS: case LX_TCSETS: case LX_TCSETSW: case LX_TCSETSF:
	case LX_TIOCGWINSZ: case LX_TIOCSWINSZ: case LX_TIOCGPGRP: case LX_TIOCGSID:
	case LX_TIOCSPGRP:
		return 1;
	}
	return 0;
}

long lx_ioctl(const long *a)
{
	unsigned int req = (unsigned int)a[1];
	void *arg = (void *)a[2];

	if (!lx_is_console(a[0]))
		return -LX_ENOTTY;
	if (!arg && lx_tty_takes_pointer(req))
		return -LX_EFAULT;
	switch (req) {
	case LX_TCGETS:
		return lx_tty_get_mode(arg, NULL);
	case LX_TCSETS:
	case LX_TCSETSW:
	case LX_TCSETSF:
		return lx_tty_set(arg, req == LX_TCSETSF);
	case LX_TIOCGWINSZ:
		return lx_tty_get_mode(NULL, arg);
	case LX_TIOCSWINSZ:
		return lx_tty_set_winsize(arg);
	case LX_TCFLSH:
		if (a[2] < LX_TCIFLUSH || a[2] > LX_TCIOFLUSH)
			return -LX_EINVAL;
		return a[2] == LX_TCOFLUSH ? 0 : lx_tty_cmd("flush");
	case LX_TIOCGPGRP:
		return lx_tty_get_session(arg, 0);
	case LX_TIOCGSID:
		return lx_tty_get_session(arg, 1);
	case LX_TIOCSPGRP:
		return lx_tty_set_pgrp(arg);
	case LX_TIOCSCTTY:
		return lx_tty_cmd(a[2] == 1 ? "ctty steal" : "ctty");
	}
	lx_errstr("ioctl", "not a request the console knows");
	return -LX_EINVAL;
}
