/* SPDX-License-Identifier: MIT */
/*
 * termsize.h - the window size as a terminal reports it (termsize.c).
 *
 * /bin/resize moves the cursor to row and column TERMSIZE_MAX, which the
 * terminal clamps to its last row and column, and asks where it is
 * (ESC [ 6 n); the terminal answers ESC [ ROW ; COL R.  termsize_parse()
 * reads that answer from the bytes that came back so far.  Pure code, no
 * state: call it again with the longer buffer as more bytes come.
 */
#pragma once

#include <stddef.h>

/* The row and column the query asks for: no reply can be larger. */
#define TERMSIZE_MAX 999

enum termsize_result {
	TERMSIZE_MORE,          /* no complete report yet: read on */
	TERMSIZE_DONE,          /* *rows and *cols are set */
	TERMSIZE_BAD,           /* a report, but a number is 0 or above TERMSIZE_MAX */
};

/*
 * Looks for the first report ESC [ ROW ; COL R in the len bytes of buf
 * (ROW and COL decimal, 1 to 3 digits).  Bytes that are no report (keys
 * typed meanwhile, or an ESC that starts something else) are skipped.
 */
enum termsize_result termsize_parse(const char *buf, size_t len, unsigned *rows,
                                    unsigned *cols);
