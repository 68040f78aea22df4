/* SPDX-License-Identifier: MIT */
/*
 * resize.c - /bin/resize [-q] [-t MS]: learns the window size from the
 * terminal and sets it (TIOCSWINSZ), so that `stty size`, ash's line
 * editing and vi see the real size (Documentation/terminal.md).  /etc/rc
 * runs it at boot when the console is interactive.
 *
 * The query: save the cursor (ESC 7), move it to row and column 999 (the
 * terminal stops it at its last ones), ask where it is (ESC [ 6 n), then
 * restore it (ESC 8).  The answer ESC [ ROW ; COL R is read in raw mode
 * without echo for at most MS milliseconds (default 500), a tenth of a
 * second per read (VTIME), and parsed by termsize_parse().  After no
 * answer or a bad one, what still comes is read and dropped until a tenth
 * of a second passes without a byte (for at most MS again).  The mode is
 * then put back with TCSAFLUSH, which drops whatever else came (keys typed
 * meanwhile), so nothing of the exchange reaches the next reader.  No
 * answer or a bad one changes nothing.
 *
 * Exit codes: 0 size set; 1 not a terminal, no answer or a bad one (a
 * message on stderr unless -q); 2 bad usage.
 */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "termsize.h"
#include "vbin.h"

#define RESIZE_TIMEOUT_MS   500
#define RESIZE_MAX_MS       10000
#define RESIZE_BUF          64

static const char resize_usage[] = "usage: resize [-q] [-t MS]\n";
static const char resize_query[] = "\0337\033[999;999H\033[6n";
static const char resize_restore[] = "\0338";

static bool resize_quiet;

static void resize_say(const char *what)
{
	if (!resize_quiet)
		fprintf(stderr, "resize: %s\n", what);
}

static long resize_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Raw, no echo, no signal characters, reads that wait a tenth of a second. */
static void resize_raw(struct termios *t)
{
	t->c_iflag &= ~(tcflag_t)(ICRNL | INLCR | IGNCR | ISTRIP | IXON);
	t->c_lflag &= ~(tcflag_t)(ICANON | ECHO | ECHONL | ISIG | IEXTEN);
	t->c_cc[VMIN] = 0;
	t->c_cc[VTIME] = 1;
}

/* Reads the answer for up to ms milliseconds; what termsize_parse said. */
static enum termsize_result resize_read(long ms, unsigned *rows, unsigned *cols)
{
	char buf[RESIZE_BUF];
	size_t len = 0;
	long deadline = resize_now_ms() + ms;
	enum termsize_result r = TERMSIZE_MORE;

	while (r == TERMSIZE_MORE && resize_now_ms() < deadline) {
		ssize_t n = read(0, buf + len, sizeof(buf) - len);

		if (n < 0)
			break;
		len += (size_t)n;
		r = termsize_parse(buf, len, rows, cols);
		if (len == sizeof(buf))
			break;
	}
	return r;
}

/* Reads and drops what comes until a tenth of a second passes without a
 * byte (the rest of a bad answer), for at most ms milliseconds. */
static void resize_drain(long ms)
{
	char buf[RESIZE_BUF];
	long deadline = resize_now_ms() + ms;

	while (read(0, buf, sizeof(buf)) > 0 && resize_now_ms() < deadline)
		;
}

/* Asks the terminal; 0 and the size, or -1 (said why). */
static int resize_ask(long ms, unsigned *rows, unsigned *cols)
{
	struct termios old, raw;
	enum termsize_result r;

	if (!isatty(0) || !isatty(1) || tcgetattr(0, &old) < 0) {
		resize_say("not a terminal");
		return -1;
	}
	raw = old;
	resize_raw(&raw);
	if (tcsetattr(0, TCSANOW, &raw) < 0) {
		vbin_fail("resize", "tcsetattr");
		return -1;
	}
	write(1, resize_query, sizeof(resize_query) - 1);
	r = resize_read(ms, rows, cols);
	if (r != TERMSIZE_DONE)
		resize_drain(ms);
	write(1, resize_restore, sizeof(resize_restore) - 1);
	tcsetattr(0, TCSAFLUSH, &old);
	if (r == TERMSIZE_MORE)
		resize_say("no answer from the terminal; size unchanged");
	else if (r == TERMSIZE_BAD)
		resize_say("the terminal's answer is out of range; size unchanged");
	return r == TERMSIZE_DONE ? 0 : -1;
}

/* The options; -1 bad usage, 1 for -h, else 0 and *ms. */
static int resize_options(int argc, char **argv, long *ms)
{
	*ms = RESIZE_TIMEOUT_MS;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0)
			return 1;
		if (strcmp(argv[i], "-q") == 0) {
			resize_quiet = true;
		} else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc) {
			*ms = vbin_parse_pid(argv[++i]);
			if (*ms < 1 || *ms > RESIZE_MAX_MS)
				return -1;
		} else {
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct winsize ws = { 0 };
	unsigned rows, cols;
	long ms;
	int o = resize_options(argc, argv, &ms);

	if (o != 0) {
		fputs(resize_usage, o > 0 ? stdout : stderr);
		return o > 0 ? 0 : 2;
	}
	if (resize_ask(ms, &rows, &cols) < 0)
		return 1;
	ws.ws_row = (unsigned short)rows;
	ws.ws_col = (unsigned short)cols;
	if (ioctl(0, TIOCSWINSZ, &ws) < 0) {
		vbin_fail("resize", "TIOCSWINSZ");
		return 1;
	}
	return 0;
}
