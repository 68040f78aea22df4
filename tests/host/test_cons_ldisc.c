/* SPDX-License-Identifier: MIT */
/*
 * test_cons_ldisc.c - host tests of the console's line discipline
 * (kern/drivers/dev/cons_ldisc.c).
 *
 * Each test types bytes into a fresh struct ldisc and checks what a reader
 * gets, what is echoed and which signal comes back: cooked lines, erase of
 * ASCII and of whole UTF-8 characters, word erase, kill, literal next, EOF,
 * the input translations, the signal characters, raw mode, changes between
 * the modes, full buffers, and the ctl text of a mode (good and bad input,
 * and a seeded run of random text that must never be taken half-way).
 */
#include <cons_ldisc.h>
#include <errno.h>

#include <string.h>

#include "htest.h"

static struct ldisc *fresh(void)
{
	static struct ldisc l;

	memset(&l, 0xee, sizeof(l));    /* ldisc_init must set every field */
	ldisc_init(&l);
	return &l;
}

/* Types s; returns the last non-zero signal. */
static int type(struct ldisc *l, const char *s)
{
	int sig = 0;

	for (; *s; s++) {
		int r = ldisc_input(l, (uint8_t)*s);

		if (r)
			sig = r;
	}
	return sig;
}

/* One read of up to 255 bytes as a string; "(none)" when nothing waits. */
static const char *rd(struct ldisc *l)
{
	static char buf[256];
	long r = ldisc_read(l, (uint8_t *)buf, sizeof(buf) - 1);

	if (r < 0)
		return "(none)";
	buf[r] = '\0';
	return buf;
}

static const char *echoed(struct ldisc *l)
{
	static char buf[LDISC_ECHO_MAX + 1];
	size_t n = ldisc_echo_take(l, (uint8_t *)buf, LDISC_ECHO_MAX);

	buf[n] = '\0';
	return buf;
}

static void set_lflag(struct ldisc *l, uint32_t on, uint32_t off)
{
	struct ldisc_mode m = l->mode;

	m.lflag = (m.lflag | on) & ~off;
	ldisc_set_mode(l, &m);
}

/* ------------------------------------------------------------ cooked --- */

HTEST(cooked_line_waits_for_newline)
{
	struct ldisc *l = fresh();

	type(l, "abc");
	HT_ASSERT(!ldisc_readable(l));
	HT_ASSERT_STREQ(rd(l), "(none)");
	type(l, "\r");          /* ICRNL: Enter is '\n' */
	HT_ASSERT(ldisc_readable(l));
	HT_ASSERT_STREQ(echoed(l), "abc\n");
	HT_ASSERT_STREQ(rd(l), "abc\n");
	HT_ASSERT_STREQ(rd(l), "(none)");
}

HTEST(cooked_read_takes_one_line_at_most)
{
	struct ldisc *l = fresh();
	uint8_t two[2];

	type(l, "one\ntwo\n");
	HT_ASSERT_EQ(ldisc_read(l, two, 2), 2);
	HT_ASSERT(!memcmp(two, "on", 2));
	HT_ASSERT_STREQ(rd(l), "e\n");
	HT_ASSERT_STREQ(rd(l), "two\n");
	HT_ASSERT(!ldisc_readable(l));
}

HTEST(erase_del_and_backspace)
{
	struct ldisc *l = fresh();

	type(l, "abx\x7f" "c\b" "d\n");
	HT_ASSERT_STREQ(rd(l), "abd\n");
	HT_ASSERT_STREQ(echoed(l), "abx\b \bc\b \bd\n");
	type(l, "\x7f\x7fz\n");  /* erase on an empty line: nothing */
	HT_ASSERT_STREQ(rd(l), "z\n");
	HT_ASSERT_STREQ(echoed(l), "z\n");
}

HTEST(erase_takes_a_whole_utf8_character)
{
	struct ldisc *l = fresh();

	/* "a", U+00E9 (2 bytes), U+20AC (3 bytes), U+1F600 (4 bytes) */
	type(l, "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	echoed(l);
	type(l, "\x7f");
	HT_ASSERT_STREQ(echoed(l), "\b \b");
	type(l, "\x7f\n");
	HT_ASSERT_STREQ(rd(l), "a\xc3\xa9\n");
	type(l, "\xc3\xa9\x7f\x7f\n");
	HT_ASSERT_STREQ(rd(l), "\n");
}

HTEST(utf8_passes_untouched)
{
	struct ldisc *l = fresh();
	const char *text = "h\xc3\xa9llo \xe6\x97\xa5\xe6\x9c\xac \xff\x80\n";

	type(l, text);
	HT_ASSERT_STREQ(rd(l), text);
	HT_ASSERT_STREQ(echoed(l), text);
}

HTEST(word_erase)
{
	struct ldisc *l = fresh();

	type(l, "ls -l  /tmp  \x17" "/etc\n");
	HT_ASSERT_STREQ(rd(l), "ls -l  /etc\n");
	type(l, "word\x17\x17\x17" "x\n");
	HT_ASSERT_STREQ(rd(l), "x\n");
}

HTEST(kill_line)
{
	struct ldisc *l = fresh();

	type(l, "junk\x15ok\n");
	HT_ASSERT_STREQ(rd(l), "ok\n");
	HT_ASSERT_STREQ(echoed(l), "junk\b \b\b \b\b \b\b \bok\n");
	set_lflag(l, 0, LDISC_ECHOKE);       /* ECHOK alone: ^U and a new line */
	type(l, "ab\x15" "c\n");
	HT_ASSERT_STREQ(rd(l), "c\n");
	HT_ASSERT_STREQ(echoed(l), "ab^U\nc\n");
}

HTEST(control_characters_echo_as_caret)
{
	struct ldisc *l = fresh();

	type(l, "a\x01");
	HT_ASSERT_STREQ(echoed(l), "a^A");
	type(l, "\x7f");       /* two columns to take back */
	HT_ASSERT_STREQ(echoed(l), "\b \b\b \b");
	type(l, "\n");
	HT_ASSERT_STREQ(rd(l), "a\n");
}

HTEST(literal_next)
{
	struct ldisc *l = fresh();

	type(l, "a\x16\x7f\x16\x03\x16\x04\n");
	HT_ASSERT_STREQ(rd(l), "a\x7f\x03\x04\n");
}

HTEST(eof_on_an_empty_line_reads_zero)
{
	struct ldisc *l = fresh();
	uint8_t b[8];

	type(l, "\x04");
	HT_ASSERT(ldisc_readable(l));
	HT_ASSERT_EQ(ldisc_read(l, b, sizeof(b)), 0);
	HT_ASSERT_EQ(ldisc_read(l, b, sizeof(b)), -1);
	type(l, "abc\x04");     /* ends the line without a byte */
	HT_ASSERT_STREQ(rd(l), "abc");
	HT_ASSERT_EQ(ldisc_read(l, b, sizeof(b)), -1);
	HT_ASSERT_STREQ(echoed(l), "abc");
}

HTEST(eol_characters_end_a_line)
{
	struct ldisc *l = fresh();
	struct ldisc_mode m = l->mode;

	m.cc[LDISC_VEOL] = ';';
	ldisc_set_mode(l, &m);
	type(l, "a;b");
	HT_ASSERT_STREQ(rd(l), "a;");
	HT_ASSERT_STREQ(rd(l), "(none)");
}

HTEST(echo_off_and_echonl)
{
	struct ldisc *l = fresh();

	set_lflag(l, 0, LDISC_ECHO);
	type(l, "secret\n");
	HT_ASSERT_STREQ(echoed(l), "");
	HT_ASSERT_STREQ(rd(l), "secret\n");
	set_lflag(l, LDISC_ECHONL, 0);
	type(l, "pw\n");
	HT_ASSERT_STREQ(echoed(l), "\n");
}

/* ------------------------------------------------------- translation --- */

HTEST(input_translation)
{
	struct ldisc *l = fresh();
	struct ldisc_mode m = l->mode;

	m.lflag &= ~LDISC_ICANON;
	m.iflag = 0;
	ldisc_set_mode(l, &m);
	type(l, "\r\n");
	HT_ASSERT_STREQ(rd(l), "\r\n");
	m.iflag = LDISC_INLCR | LDISC_ICRNL;
	ldisc_set_mode(l, &m);
	type(l, "\r\n");
	HT_ASSERT_STREQ(rd(l), "\n\r");
	m.iflag = LDISC_IGNCR | LDISC_ISTRIP;
	ldisc_set_mode(l, &m);
	type(l, "\ra\xe1");
	HT_ASSERT_STREQ(rd(l), "aa");
}

/* ----------------------------------------------------------- signals --- */

HTEST(signal_characters_flush_and_signal)
{
	struct ldisc *l = fresh();

	type(l, "done\nhalf");
	HT_ASSERT_EQ(type(l, "\x03"), LDISC_SIG_INT);
	HT_ASSERT(!ldisc_readable(l));  /* flushed: the line and the ring */
	HT_ASSERT_STREQ(echoed(l), "done\nhalf^C");
	HT_ASSERT_EQ(type(l, "\x1c"), LDISC_SIG_QUIT);
	HT_ASSERT_EQ(type(l, "\x1a"), LDISC_SIG_TSTP);
	HT_ASSERT_STREQ(echoed(l), "^\\^Z");
	type(l, "x\n");
	HT_ASSERT_STREQ(rd(l), "x\n");
}

HTEST(noflsh_keeps_input)
{
	struct ldisc *l = fresh();

	set_lflag(l, LDISC_NOFLSH, 0);
	type(l, "keep\n");
	HT_ASSERT_EQ(type(l, "\x03"), LDISC_SIG_INT);
	HT_ASSERT_STREQ(rd(l), "keep\n");
}

HTEST(isig_off_passes_the_bytes)
{
	struct ldisc *l = fresh();

	set_lflag(l, 0, LDISC_ISIG | LDISC_ICANON);
	HT_ASSERT_EQ(type(l, "\x03\x1c\x1a"), 0);
	HT_ASSERT_STREQ(rd(l), "\x03\x1c\x1a");
}

HTEST(disabled_character_is_never_a_signal)
{
	struct ldisc *l = fresh();
	struct ldisc_mode m = l->mode;

	m.cc[LDISC_VINTR] = 0;  /* _POSIX_VDISABLE */
	m.lflag &= ~LDISC_ICANON;
	ldisc_set_mode(l, &m);
	HT_ASSERT_EQ(ldisc_input(l, 0), 0);
	HT_ASSERT_EQ(ldisc_avail(l), 1);
}

/* --------------------------------------------------------------- raw --- */

HTEST(raw_mode_hands_over_every_byte)
{
	struct ldisc *l = fresh();

	set_lflag(l, 0, LDISC_ICANON | LDISC_ECHO);
	type(l, "a\x7f\x15\x04");
	HT_ASSERT_EQ(ldisc_avail(l), 4);
	HT_ASSERT_STREQ(rd(l), "a\x7f\x15\x04");
	HT_ASSERT_STREQ(echoed(l), "");
}

HTEST(raw_echo)
{
	struct ldisc *l = fresh();

	set_lflag(l, 0, LDISC_ICANON);
	type(l, "k\x01");
	HT_ASSERT_STREQ(echoed(l), "k^A");
}

HTEST(cooked_to_raw_hands_over_the_partial_line)
{
	struct ldisc *l = fresh();

	type(l, "one\npart");
	set_lflag(l, 0, LDISC_ICANON);
	HT_ASSERT_STREQ(rd(l), "one\npart");
}

HTEST(raw_to_cooked_makes_waiting_bytes_a_line)
{
	struct ldisc *l = fresh();
	uint8_t b[4];

	set_lflag(l, 0, LDISC_ICANON);
	type(l, "xy");
	set_lflag(l, LDISC_ICANON, 0);
	HT_ASSERT_STREQ(rd(l), "xy");
	HT_ASSERT_EQ(ldisc_read(l, b, sizeof(b)), -1);
	set_lflag(l, 0, LDISC_ICANON);
	set_lflag(l, LDISC_ICANON, 0);  /* nothing waited: no empty line */
	HT_ASSERT_EQ(ldisc_read(l, b, sizeof(b)), -1);
}

/* -------------------------------------------------------------- full --- */

HTEST(long_line_is_cut_but_still_ends)
{
	struct ldisc *l = fresh();
	static uint8_t buf[2 * LDISC_LINE_MAX];

	for (int i = 0; i < 2 * LDISC_LINE_MAX; i++)
		ldisc_input(l, 'x');
	ldisc_input(l, '\n');
	HT_ASSERT_EQ(ldisc_read(l, buf, sizeof(buf)), LDISC_LINE_MAX);
	HT_ASSERT_EQ(buf[LDISC_LINE_MAX - 1], '\n');
	HT_ASSERT(l->dropped > 0);
}

HTEST(full_ring_drops_and_recovers)
{
	struct ldisc *l = fresh();
	static uint8_t buf[LDISC_IN_MAX];
	size_t got = 0;
	long r;

	set_lflag(l, 0, LDISC_ICANON | LDISC_ECHO);
	for (int i = 0; i < LDISC_IN_MAX + 10; i++)
		ldisc_input(l, (uint8_t)('a' + i % 26));
	HT_ASSERT_EQ(ldisc_avail(l), LDISC_IN_MAX);
	HT_ASSERT_EQ(l->dropped, 10);
	while ((r = ldisc_read(l, buf, 1000)) > 0)
		got += (size_t)r;
	HT_ASSERT_EQ(got, LDISC_IN_MAX);
	type(l, "z");
	HT_ASSERT_STREQ(rd(l), "z");
}

HTEST(too_many_short_lines)
{
	struct ldisc *l = fresh();
	int lines = 0;

	for (int i = 0; i < LDISC_BRK_MAX + 5; i++)
		type(l, "\n");
	while (ldisc_readable(l) && strcmp(rd(l), "\n") == 0)
		lines++;
	HT_ASSERT_EQ(lines, LDISC_BRK_MAX);
}

HTEST(echo_ring_full_loses_echo_not_input)
{
	struct ldisc *l = fresh();
	static uint8_t buf[LDISC_IN_MAX];

	set_lflag(l, 0, LDISC_ICANON);
	for (int i = 0; i < LDISC_ECHO_MAX + 100; i++)
		ldisc_input(l, 'e');
	HT_ASSERT_EQ(ldisc_echo_take(l, buf, sizeof(buf)), LDISC_ECHO_MAX);
	HT_ASSERT_EQ(ldisc_avail(l), LDISC_IN_MAX);
}

/* ---------------------------------------------------------- ctl text --- */

HTEST(mode_text_round_trip)
{
	struct ldisc_mode m, back;
	char text[LDISC_MODE_TEXT];

	ldisc_mode_default(&m);
	HT_ASSERT(ldisc_mode_format(&m, text, sizeof(text)) < LDISC_MODE_TEXT);
	HT_ASSERT_STREQ(text, "4100 5 bf 8a3b 031c7f150400010011131a00120f1716000000");
	memset(&back, 0, sizeof(back));
	HT_ASSERT_EQ(ldisc_mode_parse(&back, text), 0);
	HT_ASSERT(!memcmp(&m, &back, sizeof(m)));
	HT_ASSERT_EQ(ldisc_mode_parse(&back, "0 0 0 0 00000000000000000000000000000000000000  "), 0);
	HT_ASSERT_EQ(back.lflag, 0);
}

HTEST(mode_text_bad_input)
{
	static const char *const bad[] = {
		"", "1 2 3", "1 2 3 4", "1 2 3 4 00", "g 2 3 4 " "00000000000000000000000000000000000000",
		"123456789 0 0 0 00000000000000000000000000000000000000",
		"0 0 0 0 0000000000000000000000000000000000000z",
		"0 0 0 0 00000000000000000000000000000000000000 extra",
		"0 0 0 0 000000000000000000000000000000000000000",
		"0,0 0 0 00000000000000000000000000000000000000", "-1 0 0 0 00",
	};
	struct ldisc_mode m, before;

	ldisc_mode_default(&m);
	before = m;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		HT_ASSERT_MSG(ldisc_mode_parse(&m, bad[i]) == -EINVAL, "took '%s'", bad[i]);
		HT_ASSERT_MSG(!memcmp(&m, &before, sizeof(m)), "'%s' changed the mode", bad[i]);
	}
}

HTEST(mode_text_random_garbage)
{
	static const char alphabet[] = "0123456789abcdefABCDEFxz -\n";
	struct ldisc_mode m, before;
	char text[80];

	ldisc_mode_default(&m);
	before = m;
	for (int round = 0; round < 20000; round++) {
		size_t n = htest_rand() % (sizeof(text) - 1);

		for (size_t i = 0; i < n; i++)
			text[i] = alphabet[htest_rand() % (sizeof(alphabet) - 1)];
		text[n] = '\0';
		if (ldisc_mode_parse(&m, text) == 0)
			continue;       /* a rare well-formed line: fine */
		HT_ASSERT_MSG(!memcmp(&m, &before, sizeof(m)), "'%s' half-taken", text);
	}
}

HTEST(random_typing_keeps_the_invariants)
{
	struct ldisc *l = fresh();
	uint8_t buf[64];

	for (int i = 0; i < 200000; i++) {
		uint64_t r = htest_rand();

		if (r % 97 == 0)
			set_lflag(l, (r >> 8) & 1 ? LDISC_ICANON : 0, (r >> 9) & 1 ? LDISC_ICANON : 0);
		ldisc_input(l, (uint8_t)(r >> 16));
		if (r % 5 == 0)
			ldisc_read(l, buf, (r >> 24) % sizeof(buf));
		if (r % 3 == 0)
			ldisc_echo_take(l, buf, sizeof(buf));
		HT_ASSERT(ldisc_avail(l) <= LDISC_IN_MAX);
		HT_ASSERT(l->line_len < LDISC_LINE_MAX);
		HT_ASSERT(l->brk_n <= LDISC_BRK_MAX);
		HT_ASSERT(l->echo_n <= LDISC_ECHO_MAX);
	}
}
