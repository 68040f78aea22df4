/* SPDX-License-Identifier: MIT */
/*
 * test_termsize.c - the cursor position report parser of /bin/resize
 * (user/bin/lib/termsize.c): good answers, answers after typed keys and
 * other escape sequences, every truncation of a good answer, numbers out of
 * range, garbage, and random bytes against the parser's promises.
 */
#include <string.h>
#include "htest.h"
#include "termsize.h"

static enum termsize_result parse(const char *s, unsigned *rows, unsigned *cols)
{
	return termsize_parse(s, strlen(s), rows, cols);
}

HTEST(good_answer)
{
	unsigned r = 0, c = 0;

	HT_ASSERT_EQ(parse("\033[40;100R", &r, &c), TERMSIZE_DONE);
	HT_ASSERT_EQ(r, 40);
	HT_ASSERT_EQ(c, 100);
	HT_ASSERT_EQ(parse("\033[1;1R", &r, &c), TERMSIZE_DONE);
	HT_ASSERT_EQ(r, 1);
	HT_ASSERT_EQ(c, 1);
	HT_ASSERT_EQ(parse("\033[999;999R", &r, &c), TERMSIZE_DONE);
	HT_ASSERT_EQ(r, 999);
	HT_ASSERT_EQ(c, 999);
	/* Leading zeros are digits like any other. */
	HT_ASSERT_EQ(parse("\033[024;080R", &r, &c), TERMSIZE_DONE);
	HT_ASSERT_EQ(r, 24);
	HT_ASSERT_EQ(c, 80);
}

HTEST(answer_after_other_bytes)
{
	unsigned r = 0, c = 0;

	/* Keys typed before the answer, an arrow key, an ESC alone. */
	HT_ASSERT_EQ(parse("ls\r\033[A\033\033[50;132R", &r, &c), TERMSIZE_DONE);
	HT_ASSERT_EQ(r, 50);
	HT_ASSERT_EQ(c, 132);
	/* A sequence that starts like a report but is another one. */
	HT_ASSERT_EQ(parse("\033[2;5~\033[30;90R", &r, &c), TERMSIZE_DONE);
	HT_ASSERT_EQ(r, 30);
	HT_ASSERT_EQ(c, 90);
	/* Only the first report counts. */
	HT_ASSERT_EQ(parse("\033[30;90R\033[31;91R", &r, &c), TERMSIZE_DONE);
	HT_ASSERT_EQ(r, 30);
}

HTEST(every_truncation_wants_more)
{
	static const char answer[] = "x\033[40;100R";
	unsigned r = 7, c = 7;

	for (size_t n = 0; n < sizeof(answer) - 1; n++) {
		HT_ASSERT_MSG(termsize_parse(answer, n, &r, &c) == TERMSIZE_MORE,
		              "%zu bytes", n);
		HT_ASSERT_EQ(r, 7);
		HT_ASSERT_EQ(c, 7);
	}
	HT_ASSERT_EQ(termsize_parse(answer, sizeof(answer) - 1, &r, &c), TERMSIZE_DONE);
}

HTEST(out_of_range)
{
	unsigned r = 7, c = 7;

	HT_ASSERT_EQ(parse("\033[0;80R", &r, &c), TERMSIZE_BAD);
	HT_ASSERT_EQ(parse("\033[24;0R", &r, &c), TERMSIZE_BAD);
	HT_ASSERT_EQ(parse("\033[1000;80R", &r, &c), TERMSIZE_BAD);
	HT_ASSERT_EQ(parse("\033[24;9999R", &r, &c), TERMSIZE_BAD);
	HT_ASSERT_EQ(r, 7);
	HT_ASSERT_EQ(c, 7);
}

HTEST(huge_numbers_are_no_report)
{
	unsigned r = 7, c = 7;

	/* Five digits or more: never a report (and never an overflow). */
	HT_ASSERT_EQ(parse("\033[10000;80R", &r, &c), TERMSIZE_MORE);
	HT_ASSERT_EQ(parse("\033[24;99999999999999999999999R", &r, &c), TERMSIZE_MORE);
	HT_ASSERT_EQ(parse("\033[4294967296;4294967296R", &r, &c), TERMSIZE_MORE);
	HT_ASSERT_EQ(r, 7);
	HT_ASSERT_EQ(c, 7);
}

HTEST(garbage_is_no_report)
{
	static const char *const bad[] = {
		"", "hello", "\033", "\033]", "\033[;R", "\033[24;R", "\033[;80R",
		"\033[24R", "\033[24;80;1R", "\033[24:80R", "\033[ 24;80R",
		"\033[-24;80R", "\033[24;80r", "[24;80R", "\033[24\033[",
	};
	unsigned r = 7, c = 7;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		HT_ASSERT_MSG(parse(bad[i], &r, &c) == TERMSIZE_MORE, "case %zu", i);
		HT_ASSERT_EQ(r, 7);
		HT_ASSERT_EQ(c, 7);
	}
}

HTEST(nul_bytes_and_high_bytes)
{
	static const char answer[] = "\0\xff\033[\0" "\033[12;34R";
	unsigned r = 0, c = 0;

	HT_ASSERT_EQ(termsize_parse(answer, sizeof(answer) - 1, &r, &c), TERMSIZE_DONE);
	HT_ASSERT_EQ(r, 12);
	HT_ASSERT_EQ(c, 34);
}

/* Random bytes: never a read outside the buffer (ASan), and a DONE answer
 * always in range. */
HTEST(random_bytes)
{
	static const char alphabet[] = "\033[;R0123456789x";
	char buf[24];

	for (int round = 0; round < 200000; round++) {
		size_t len = htest_rand() % sizeof(buf);
		unsigned r = 0, c = 0;

		for (size_t i = 0; i < len; i++)
			buf[i] = alphabet[htest_rand() % (sizeof(alphabet) - 1)];
		if (termsize_parse(buf, len, &r, &c) == TERMSIZE_DONE)
			HT_ASSERT(r >= 1 && r <= TERMSIZE_MAX && c >= 1 && c <= TERMSIZE_MAX);
	}
}
