/* SPDX-License-Identifier: MIT */
/*
 * termsize.c - parsing a terminal's cursor position report (termsize.h),
 * the answer /bin/resize reads to learn the window size.  Pure code, no
 * state; the host suite termsize tests it.
 */
#include <stdbool.h>
#include "termsize.h"

/* A number can have one digit more than TERMSIZE_MAX's three, so that a
 * four-digit answer is seen whole and refused rather than cut short. */
#define TERMSIZE_DIGITS 4

enum termsize_match { MATCH_NO, MATCH_PARTIAL, MATCH_YES };

/*
 * Reads the decimal number at buf[*i], ended by end: MATCH_YES (*v set,
 * *i past end), MATCH_PARTIAL if buf runs out first, MATCH_NO if there is
 * no digit, a fifth digit, or another byte.
 */
static enum termsize_match termsize_number(const char *buf, size_t len, size_t *i,
                                           char end, unsigned *v)
{
	size_t digits = 0;

	*v = 0;
	for (; *i < len; (*i)++) {
		char c = buf[*i];

		if (c == end && digits > 0) {
			(*i)++;
			return MATCH_YES;
		}
		if (c < '0' || c > '9' || digits == TERMSIZE_DIGITS)
			return MATCH_NO;
		*v = *v * 10 + (unsigned)(c - '0');
		digits++;
	}
	return MATCH_PARTIAL;
}

/* Tries a report at buf[at], which is ESC. */
static enum termsize_match termsize_at(const char *buf, size_t len, size_t at,
                                       unsigned *rows, unsigned *cols)
{
	size_t i = at + 1;
	enum termsize_match m;

	if (i == len)
		return MATCH_PARTIAL;
	if (buf[i++] != '[')
		return MATCH_NO;
	m = termsize_number(buf, len, &i, ';', rows);
	if (m != MATCH_YES)
		return m;
	return termsize_number(buf, len, &i, 'R', cols);
}

static bool termsize_fits(unsigned v)
{
	return v >= 1 && v <= TERMSIZE_MAX;
}

enum termsize_result termsize_parse(const char *buf, size_t len, unsigned *rows,
                                    unsigned *cols)
{
	for (size_t at = 0; at < len; at++) {
		unsigned r, c;

		if (buf[at] != '\033')
			continue;
		switch (termsize_at(buf, len, at, &r, &c)) {
		case MATCH_PARTIAL:
			return TERMSIZE_MORE;
		case MATCH_YES:
			if (!termsize_fits(r) || !termsize_fits(c))
				return TERMSIZE_BAD;
			*rows = r;
			*cols = c;
			return TERMSIZE_DONE;
		case MATCH_NO:
			break;
		}
	}
	return TERMSIZE_MORE;
}
