/* SPDX-License-Identifier: MIT */
/*
 * cons_ldisc.c - the console's line discipline: what the bytes typed become
 * before a reader of #cons/stdin sees them (cons_ldisc.h has the synopsis).
 *
 * Input translation first (ISTRIP, IGNCR, ICRNL, INLCR), then, with ISIG,
 * the signal characters (VINTR, VQUIT, VSUSP): the input is flushed (unless
 * NOFLSH), "^C" echoed and the signal handed back to the caller.  Cooked
 * mode (ICANON) edits a line: VERASE (and ^H) takes back one character,
 * a whole UTF-8 sequence; VWERASE a word; VKILL the line; VLNEXT quotes
 * the next byte; '\n', VEOL and VEOL2 finish the line (kept in it), VEOF
 * finishes it without a byte, so VEOF on an empty line is a read of 0
 * (end of file).  Finished lines go to the input ring with their ends
 * recorded, and a read takes from one line at most.  Raw mode puts every
 * byte straight into the ring.  ECHO echoes what is typed (ECHOCTL: control
 * characters as ^X), ECHOE erases on the screen with "\b \b", ECHOK/ECHOKE
 * the same for a killed line, ECHONL echoes '\n' even without ECHO.
 *
 * Bytes at 0x80 and above are never translated: UTF-8 passes untouched.
 * Nothing here locks or sleeps; the caller serialises every call.  When the
 * line or the ring is full, bytes are dropped and counted (l->dropped).
 */
#include <cons_ldisc.h>
#include <errno.h>
#include <kstring.h>
#include <printk.h>

#define CTRL(c) ((uint8_t)((c) & 0x1f))
#define DEL     0x7f

void ldisc_mode_default(struct ldisc_mode *m)
{
	static const uint8_t cc[LDISC_NCCS] = {
		[LDISC_VINTR] = CTRL('C'), [LDISC_VQUIT] = CTRL('\\'), [LDISC_VERASE] = DEL,
		[LDISC_VKILL] = CTRL('U'), [LDISC_VEOF] = CTRL('D'), [LDISC_VMIN] = 1,
		[LDISC_VSTART] = CTRL('Q'), [LDISC_VSTOP] = CTRL('S'), [LDISC_VSUSP] = CTRL('Z'),
		[LDISC_VREPRINT] = CTRL('R'), [LDISC_VDISCARD] = CTRL('O'),
		[LDISC_VWERASE] = CTRL('W'), [LDISC_VLNEXT] = CTRL('V'),
	};

	memset(m, 0, sizeof(*m));
	m->iflag = LDISC_ICRNL | LDISC_IUTF8;
	m->oflag = LDISC_OPOST | LDISC_ONLCR;
	m->cflag = LDISC_CS8 | LDISC_CREAD | LDISC_B38400;
	m->lflag = LDISC_ISIG | LDISC_ICANON | LDISC_ECHO | LDISC_ECHOE | LDISC_ECHOK |
	           LDISC_ECHOCTL | LDISC_ECHOKE | LDISC_IEXTEN;
	memcpy(m->cc, cc, sizeof(cc));
}

void ldisc_init(struct ldisc *l)
{
	memset(l, 0, sizeof(*l));
	ldisc_mode_default(&l->mode);
}

/* ------------------------------------------------------------ echo */

static void echo_byte(struct ldisc *l, uint8_t c)
{
	if (l->echo_n == LDISC_ECHO_MAX)
		return;         /* nobody prints: echo is lost, input is not */
	l->echo[(l->echo_head + l->echo_n++) % LDISC_ECHO_MAX] = c;
}

static void echo_str(struct ldisc *l, const char *s)
{
	while (*s)
		echo_byte(l, (uint8_t)*s++);
}

static bool is_ctl(uint8_t c)
{
	return (c < 0x20 && c != '\t' && c != '\n') || c == DEL;
}

/* Echo of a typed byte (ECHO set), as ECHOCTL wants control bytes. */
static void echo_typed(struct ldisc *l, uint8_t c)
{
	if (is_ctl(c) && (l->mode.lflag & LDISC_ECHOCTL)) {
		echo_byte(l, '^');
		echo_byte(l, c == DEL ? '?' : (uint8_t)(c + 0x40));
		return;
	}
	echo_byte(l, c);
}

size_t ldisc_echo_take(struct ldisc *l, uint8_t *buf, size_t n)
{
	size_t got = 0;

	while (got < n && l->echo_n) {
		buf[got++] = l->echo[l->echo_head];
		l->echo_head = (l->echo_head + 1) % LDISC_ECHO_MAX;
		l->echo_n--;
	}
	return got;
}

/* ------------------------------------------------------- the ring */

static size_t ring_free(const struct ldisc *l)
{
	return LDISC_IN_MAX - (size_t)(l->in_wr - l->in_rd);
}

static void ring_put(struct ldisc *l, uint8_t c)
{
	l->in[l->in_wr++ % LDISC_IN_MAX] = c;
}

/* Ends a line at the ring's current end. */
static void brk_push(struct ldisc *l)
{
	l->brk[(l->brk_head + l->brk_n++) % LDISC_BRK_MAX] = l->in_wr;
}

/* Moves the edited line (and term, if >= 0) to the ring as one line. */
static bool line_finish(struct ldisc *l, int term)
{
	size_t need = l->line_len + (term >= 0);

	if (ring_free(l) < need || l->brk_n == LDISC_BRK_MAX) {
		l->dropped += need;
		return false;
	}
	for (size_t i = 0; i < l->line_len; i++)
		ring_put(l, l->line[i]);
	if (term >= 0)
		ring_put(l, (uint8_t)term);
	brk_push(l);
	l->line_len = 0;
	return true;
}

void ldisc_flush_input(struct ldisc *l)
{
	l->line_len = 0;
	l->lnext = false;
	l->in_rd = l->in_wr;
	l->brk_n = 0;
}

/* ----------------------------------------------------- line editing */

/* Width on the screen of an edited byte as it was echoed. */
static unsigned int echo_width(const struct ldisc *l, uint8_t c)
{
	if ((c & 0xc0) == 0x80)
		return 0;       /* a UTF-8 continuation: its lead byte counts */
	return is_ctl(c) && (l->mode.lflag & LDISC_ECHOCTL) ? 2 : 1;
}

/* Takes back the line's last character (a whole UTF-8 sequence). */
static void erase_one(struct ldisc *l, bool visual)
{
	unsigned int cols = 0;
	uint8_t c;

	if (!l->line_len)
		return;
	do {
		c = l->line[--l->line_len];
		cols += echo_width(l, c);
	} while (l->line_len && (c & 0xc0) == 0x80);
	while (visual && cols--)
		echo_str(l, "\b \b");
}

static bool is_space(uint8_t c)
{
	return c == ' ' || c == '\t';
}

static void erase_word(struct ldisc *l, bool visual)
{
	while (l->line_len && is_space(l->line[l->line_len - 1]))
		erase_one(l, visual);
	while (l->line_len && !is_space(l->line[l->line_len - 1]))
		erase_one(l, visual);
}

/* An editing byte (erase, word erase, kill); false if c is none. */
static bool edit_key(struct ldisc *l, uint8_t c)
{
	const uint8_t *cc = l->mode.cc;
	uint32_t lf = l->mode.lflag;
	bool echo = lf & LDISC_ECHO, visual = echo && (lf & LDISC_ECHOE);

	if (c == cc[LDISC_VERASE] || c == '\b') {
		if (echo && !visual && l->line_len)
			echo_typed(l, c);
		erase_one(l, visual);
	} else if (c == cc[LDISC_VWERASE] && (lf & LDISC_IEXTEN)) {
		erase_word(l, visual);
	} else if (c == cc[LDISC_VKILL]) {
		bool kill_visual = echo && (lf & LDISC_ECHOKE) && (lf & LDISC_ECHOE);

		if (echo && !kill_visual) {
			echo_typed(l, c);
			if (lf & LDISC_ECHOK)
				echo_byte(l, '\n');
		}
		while (l->line_len)
			erase_one(l, kill_visual);
	} else {
		return false;
	}
	return true;
}

/* A byte of a cooked line. */
static void cooked_byte(struct ldisc *l, uint8_t c)
{
	const uint8_t *cc = l->mode.cc;
	uint32_t lf = l->mode.lflag;

	if (!l->lnext && c && edit_key(l, c))
		return;
	if (!l->lnext && c && c == cc[LDISC_VLNEXT] && (lf & LDISC_IEXTEN)) {
		l->lnext = true;
		return;
	}
	if (!l->lnext && c && c == cc[LDISC_VEOF]) {
		line_finish(l, -1);
		return;
	}
	if (!l->lnext && (c == '\n' || (c && (c == cc[LDISC_VEOL] || c == cc[LDISC_VEOL2])))) {
		if ((lf & LDISC_ECHO) || (c == '\n' && (lf & LDISC_ECHONL)))
			echo_byte(l, c);
		line_finish(l, c);
		return;
	}
	l->lnext = false;
	if (l->line_len == LDISC_LINE_MAX - 1) {
		l->dropped++;   /* room is kept for the '\n' that ends it */
		return;
	}
	l->line[l->line_len++] = c;
	if (lf & LDISC_ECHO)
		echo_typed(l, c);
}

static void raw_byte(struct ldisc *l, uint8_t c)
{
	if (!ring_free(l)) {
		l->dropped++;
		return;
	}
	ring_put(l, c);
	if (l->mode.lflag & LDISC_ECHO)
		echo_typed(l, c);
}

/* ISIG: the signal a byte stands for, or LDISC_SIG_NONE. */
static int signal_of(const struct ldisc *l, uint8_t c)
{
	const uint8_t *cc = l->mode.cc;

	if (!(l->mode.lflag & LDISC_ISIG) || !c || l->lnext)
		return LDISC_SIG_NONE;
	if (c == cc[LDISC_VINTR])
		return LDISC_SIG_INT;
	if (c == cc[LDISC_VQUIT])
		return LDISC_SIG_QUIT;
	if (c == cc[LDISC_VSUSP])
		return LDISC_SIG_TSTP;
	return LDISC_SIG_NONE;
}

/* Input translation; -1: the byte is dropped (IGNCR). */
static int translate(const struct ldisc *l, uint8_t c)
{
	uint32_t in = l->mode.iflag;

	if (in & LDISC_ISTRIP)
		c &= 0x7f;
	if (c == '\r' && (in & LDISC_IGNCR))
		return -1;
	if (c == '\r' && (in & LDISC_ICRNL))
		return '\n';
	if (c == '\n' && (in & LDISC_INLCR))
		return '\r';
	return c;
}

int ldisc_input(struct ldisc *l, uint8_t byte)
{
	int c = translate(l, byte), sig;

	if (c < 0)
		return LDISC_SIG_NONE;
	sig = signal_of(l, (uint8_t)c);
	if (sig) {
		if (!(l->mode.lflag & LDISC_NOFLSH))
			ldisc_flush_input(l);
		if (l->mode.lflag & LDISC_ECHO)
			echo_typed(l, (uint8_t)c);
		return sig;
	}
	if (l->mode.lflag & LDISC_ICANON)
		cooked_byte(l, (uint8_t)c);
	else
		raw_byte(l, (uint8_t)c);
	return LDISC_SIG_NONE;
}

/* ---------------------------------------------------------- readers */

size_t ldisc_avail(const struct ldisc *l)
{
	return (size_t)(l->in_wr - l->in_rd);
}

bool ldisc_readable(const struct ldisc *l)
{
	return l->mode.lflag & LDISC_ICANON ? l->brk_n > 0 : ldisc_avail(l) > 0;
}

long ldisc_read(struct ldisc *l, uint8_t *buf, size_t n)
{
	bool cooked = l->mode.lflag & LDISC_ICANON;
	size_t can = ldisc_avail(l), got = 0;

	if (cooked) {
		if (!l->brk_n)
			return -1;
		can = (size_t)(l->brk[l->brk_head] - l->in_rd);
	} else if (!can) {
		return -1;
	}
	while (got < n && got < can)
		buf[got++] = l->in[l->in_rd++ % LDISC_IN_MAX];
	if (cooked && l->in_rd == l->brk[l->brk_head]) {
		l->brk_head = (l->brk_head + 1) % LDISC_BRK_MAX;
		l->brk_n--;
	}
	return (long)got;
}

/* A change of ICANON: raw to cooked makes what waits one line; cooked to
 * raw hands over the line being edited. */
void ldisc_set_mode(struct ldisc *l, const struct ldisc_mode *m)
{
	bool was = l->mode.lflag & LDISC_ICANON, now = m->lflag & LDISC_ICANON;

	l->mode = *m;
	if (was && !now) {
		for (size_t i = 0; i < l->line_len && ring_free(l); i++)
			ring_put(l, l->line[i]);
		l->line_len = 0;
		l->lnext = false;
		l->brk_n = 0;
	} else if (!was && now) {
		l->brk_n = 0;
		if (ldisc_avail(l))
			brk_push(l);
	}
}

/* ------------------------------------------------------ ctl text */

int ldisc_mode_format(const struct ldisc_mode *m, char *buf, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char cc[2 * LDISC_NCCS + 1];

	for (int i = 0; i < LDISC_NCCS; i++) {
		cc[2 * i] = hex[m->cc[i] >> 4];
		cc[2 * i + 1] = hex[m->cc[i] & 15];
	}
	cc[2 * LDISC_NCCS] = '\0';
	return snprintf(buf, n, "%x %x %x %x %s", m->iflag, m->oflag, m->cflag, m->lflag, cc);
}

/* The next blank-separated word of *sp: its start, and its length in *len. */
static const char *next_word(const char **sp, size_t *len)
{
	const char *s = *sp, *w;

	while (*s == ' ')
		s++;
	for (w = s; *s && *s != ' '; s++)
		;
	*sp = s;
	*len = (size_t)(s - w);
	return w;
}

int ldisc_mode_parse(struct ldisc_mode *m, const char *s)
{
	struct ldisc_mode new;
	uint64_t f[4], v;
	const char *w;
	size_t len;

	memset(&new, 0, sizeof(new));   /* the padding too: modes compare whole */
	for (int i = 0; i < 4; i++) {
		w = next_word(&s, &len);
		if (kstrtou64(w, len, 16, &f[i]) || f[i] > UINT32_MAX)
			return -EINVAL;
	}
	w = next_word(&s, &len);
	if (len != 2 * LDISC_NCCS)
		return -EINVAL;
	for (int i = 0; i < LDISC_NCCS; i++) {
		if (kstrtou64(w + 2 * i, 2, 16, &v))
			return -EINVAL;
		new.cc[i] = (uint8_t)v;
	}
	if (next_word(&s, &len) && len)
		return -EINVAL;
	new.iflag = (uint32_t)f[0];
	new.oflag = (uint32_t)f[1];
	new.cflag = (uint32_t)f[2];
	new.lflag = (uint32_t)f[3];
	*m = new;
	return 0;
}
