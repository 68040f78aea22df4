/* SPDX-License-Identifier: MIT */
/*
 * cons_ldisc.h - the console's line discipline (kern/drivers/dev/cons_ldisc.c):
 * pure logic, no locks, no sleeping, no output of its own.
 *
 *	struct ldisc l;  ldisc_init(&l);            // cooked, echo, signals on
 *	typed byte:  sig = ldisc_input(&l, c);      // LDISC_SIG_*: caller signals
 *	echo:        n = ldisc_echo_take(&l, buf, sizeof(buf));  // caller prints
 *	reader:      r = ldisc_read(&l, buf, n);    // -1: nothing yet, 0: EOF
 *	settings:    ldisc_set_mode(&l, &mode);  ldisc_flush_input(&l);
 *	ctl text:    ldisc_mode_format() / ldisc_mode_parse()
 *
 * The caller (#cons, cons_tty.c) keeps one ldisc under its lock and feeds it
 * the bytes typed in order.  The mode is termios's, with Linux's flag values
 * and c_cc indices (the C library passes a struct termios through as it
 * is).  Cooked mode (ICANON) edits a line and hands a reader one line at a
 * time; raw mode hands over every byte at once (VMIN/VTIME are the caller's
 * business: ldisc_avail() says how many bytes wait).
 */
#pragma once

#include <types.h>

/* termios (Linux's values). */
#define LDISC_IGNBRK   0x0001u      /* iflag */
#define LDISC_ISTRIP   0x0020u
#define LDISC_INLCR    0x0040u
#define LDISC_IGNCR    0x0080u
#define LDISC_ICRNL    0x0100u
#define LDISC_IXON     0x0400u
#define LDISC_IUTF8    0x4000u
#define LDISC_OPOST    0x0001u      /* oflag */
#define LDISC_ONLCR    0x0004u
#define LDISC_CS8      0x0030u      /* cflag */
#define LDISC_CREAD    0x0080u
#define LDISC_B38400   0x000Fu
#define LDISC_ISIG     0x0001u      /* lflag */
#define LDISC_ICANON   0x0002u
#define LDISC_ECHO     0x0008u
#define LDISC_ECHOE    0x0010u
#define LDISC_ECHOK    0x0020u
#define LDISC_ECHONL   0x0040u
#define LDISC_NOFLSH   0x0080u
#define LDISC_ECHOCTL  0x0200u
#define LDISC_ECHOKE   0x0800u
#define LDISC_IEXTEN   0x8000u

#define LDISC_NCCS 19
enum { LDISC_VINTR, LDISC_VQUIT, LDISC_VERASE, LDISC_VKILL, LDISC_VEOF, LDISC_VTIME,
       LDISC_VMIN, LDISC_VSWTC, LDISC_VSTART, LDISC_VSTOP, LDISC_VSUSP, LDISC_VEOL,
       LDISC_VREPRINT, LDISC_VDISCARD, LDISC_VWERASE, LDISC_VLNEXT, LDISC_VEOL2 };

/* What ldisc_input asks the caller to do: signal the foreground group. */
enum { LDISC_SIG_NONE = 0, LDISC_SIG_INT = 2, LDISC_SIG_QUIT = 3, LDISC_SIG_TSTP = 20 };

#define LDISC_LINE_MAX  1024        /* a cooked line being edited */
#define LDISC_IN_MAX    4096        /* bytes a reader may take */
#define LDISC_BRK_MAX   64          /* finished lines not read yet */
#define LDISC_ECHO_MAX  4096        /* echo not printed yet */
#define LDISC_MODE_TEXT 128         /* ldisc_mode_format's text, NUL included */

struct ldisc_mode {
	uint32_t iflag, oflag, cflag, lflag;
	uint8_t cc[LDISC_NCCS];
};

struct ldisc {
	struct ldisc_mode mode;
	uint8_t line[LDISC_LINE_MAX];   /* cooked: the line being edited */
	size_t line_len;
	bool lnext;                     /* the next byte is literal (VLNEXT) */
	uint8_t in[LDISC_IN_MAX];       /* ring of bytes a reader may take */
	uint64_t in_rd, in_wr;          /* counts read and written since init */
	uint64_t brk[LDISC_BRK_MAX];    /* cooked: ring of line ends (in_wr values) */
	unsigned int brk_head, brk_n;
	uint8_t echo[LDISC_ECHO_MAX];   /* ring of echo to print */
	size_t echo_head, echo_n;
	uint64_t dropped;               /* bytes lost: a line or the ring full */
};

void ldisc_init(struct ldisc *l);
void ldisc_mode_default(struct ldisc_mode *m);
int ldisc_input(struct ldisc *l, uint8_t c);
size_t ldisc_echo_take(struct ldisc *l, uint8_t *buf, size_t n);
long ldisc_read(struct ldisc *l, uint8_t *buf, size_t n);
size_t ldisc_avail(const struct ldisc *l);
bool ldisc_readable(const struct ldisc *l);
void ldisc_set_mode(struct ldisc *l, const struct ldisc_mode *m);
void ldisc_flush_input(struct ldisc *l);

/* "IFLAG OFLAG CFLAG LFLAG CC" in hex (CC: 2 digits per c_cc byte). */
int ldisc_mode_format(const struct ldisc_mode *m, char *buf, size_t n);
/* Parses that text (as written to #cons/consctl after "mode "): 0 or -EINVAL. */
int ldisc_mode_parse(struct ldisc_mode *m, const char *text);
