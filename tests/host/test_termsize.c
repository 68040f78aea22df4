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

/* A good answer, alone or after other bytes, and the size it gives. */
struct answer {
	const char *text;
	unsigned rows, cols;
};

static void expect_answers(const struct answer *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned r = 0, c = 0;

		HT_ASSERT_MSG(parse(a[i].text, &r, &c) == TERMSIZE_DONE, "case %zu", i);
		HT_ASSERT_MSG(r == a[i].rows && c == a[i].cols, "case %zu: %u x %u", i, r, c);
	}
}

HTEST(good_answer)
{
	static const struct answer good[] = {
		{ "\033[40;100R", 40, 100 },
		{ "\033[1;1R", 1, 1 },
		{ "\033[999;999R", 999, 999 },
		{ "\033[024;080R", 24, 80 },     /* leading zeros are digits too */
	};

	expect_answers(good, sizeof(good) / sizeof(good[0]));
}

HTEST(answer_after_other_bytes)
{
	static const struct answer after[] = {
		/* Keys typed before the answer, an arrow key, an ESC alone. */
		{ "ls\r\033[A\033\033[50;132R", 50, 132 },
		/* A sequence that starts like a report but is another one. */
		{ "\033[2;5~\033[30;90R", 30, 90 },
		/* Only the first report counts. */
		{ "\033[30;90R\033[31;91R", 30, 90 },
	};

	expect_answers(after, sizeof(after) / sizeof(after[0]));
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

/* Each text gives want and leaves the size alone. */
static void expect_no_size(const char *const *texts, size_t n, enum termsize_result want)
{
	for (size_t i = 0; i < n; i++) {
		unsigned r = 7, c = 7;

		HT_ASSERT_MSG(parse(texts[i], &r, &c) == want, "case %zu", i);
		HT_ASSERT_MSG(r == 7 && c == 7, "case %zu: size changed", i);
	}
}

HTEST(out_of_range)
{
	static const char *const bad[] = {
		"\033[0;80R", "\033[24;0R", "\033[1000;80R", "\033[24;9999R",
	};

	expect_no_size(bad, sizeof(bad) / sizeof(bad[0]), TERMSIZE_BAD);
}

/* Five digits or more: never a report (and never an overflow). */
HTEST(huge_numbers_are_no_report)
{
	static const char *const huge[] = {
		"\033[10000;80R", "\033[24;99999999999999999999999R",
		"\033[4294967296;4294967296R",
	};

	expect_no_size(huge, sizeof(huge) / sizeof(huge[0]), TERMSIZE_MORE);
}

HTEST(garbage_is_no_report)
{
	static const char *const bad[] = {
		"", "hello", "\033", "\033]", "\033[;R", "\033[24;R", "\033[;80R",
		"\033[24R", "\033[24;80;1R", "\033[24:80R", "\033[ 24;80R",
		"\033[-24;80R", "\033[24;80r", "[24;80R", "\033[24\033[",
	};

	expect_no_size(bad, sizeof(bad) / sizeof(bad[0]), TERMSIZE_MORE);
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
