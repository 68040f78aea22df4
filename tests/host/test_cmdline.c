/* SPDX-License-Identifier: MIT */
/*
 * test_cmdline.c - host tests of kern/src/init/cmdline.c.
 *
 * Covers the option syntax (bare, key=value, quoted, init= taking the rest
 * of the line), last-one-wins lookups, every kind of malformed option, the
 * length and option-count bounds, numbers with suffixes and overflow, the
 * unknown-option report and cmdline_split_words().  printk goes to stderr on
 * the host; tests that check a warning was printed capture it with
 * htest_capture_begin()/htest_capture_end().  Raw lines are heap copies of exact size so that ASan
 * catches any read past them, and a seeded random-line test checks the
 * struct's invariants on garbage.
 */
#include <cmdline.h>
#include <errno.h>

#include <string.h>

#include "htest.h"

/* ---------------------------------------------------------- helpers --- */

/* Parses a heap copy of exactly strlen(line) + 1 bytes, freed at once. */
static int parse_exact(struct cmdline *cl, const char *line)
{
	size_t n = strlen(line) + 1;
	char *copy = malloc(n);
	int ret;

	HT_ASSERT(copy);
	memcpy(copy, line, n);
	ret = cmdline_parse(cl, copy);
	memset(copy, 'X', n - 1);       /* the struct must not point into raw */
	free(copy);
	return ret;
}

static struct cmdline *new_cmdline(void)
{
	static struct cmdline cl;

	memset(&cl, 0xee, sizeof(cl)); /* no field may rely on a zeroed struct */
	return &cl;
}

/* ------------------------------------------------------------ syntax --- */

HTEST(plain_options)
{
	struct cmdline *cl = new_cmdline();
	int ret;
	const char *out;

	htest_capture_begin();
	ret = parse_exact(cl, "console=ttyS0 quiet  ktest=all\tfoo=bar=baz\n");
	out = htest_capture_end();
	HT_ASSERT_EQ(ret, 0);
	HT_ASSERT_STREQ(out, "");
	HT_ASSERT_EQ(cl->nr_opts, 4);
	HT_ASSERT_STREQ(cmdline_get(cl, "console"), "ttyS0");
	HT_ASSERT_STREQ(cmdline_get(cl, "ktest"), "all");
	HT_ASSERT_STREQ(cmdline_get(cl, "foo"), "bar=baz");
	HT_ASSERT(cmdline_has(cl, "quiet"));
	HT_ASSERT(cmdline_get(cl, "quiet") == NULL);    /* bare: no value */
	HT_ASSERT(!cmdline_has(cl, "quie"));
	HT_ASSERT(!cmdline_has(cl, "console=ttyS0"));
	HT_ASSERT(cmdline_get(cl, "nope") == NULL);
	HT_ASSERT(cmdline_get(cl, NULL) == NULL);
	HT_ASSERT(!cmdline_has(NULL, "quiet"));
	HT_ASSERT_STREQ(cl->raw, "console=ttyS0 quiet  ktest=all\tfoo=bar=baz\n");
}

HTEST(empty_lines)
{
	struct cmdline *cl = new_cmdline();

	HT_ASSERT_EQ(cmdline_parse(cl, NULL), 0);
	HT_ASSERT_EQ(cl->nr_opts, 0);
	HT_ASSERT_EQ(parse_exact(cl, ""), 0);
	HT_ASSERT_EQ(cl->nr_opts, 0);
	HT_ASSERT_EQ(parse_exact(cl, " \t\r\n  "), 0);
	HT_ASSERT_EQ(cl->nr_opts, 0);
	HT_ASSERT(!cmdline_has(cl, ""));
	HT_ASSERT_EQ(cmdline_parse(NULL, "a=b"), -EINVAL);
}

HTEST(quoted_values)
{
	struct cmdline *cl = new_cmdline();

	HT_ASSERT_EQ(parse_exact(cl, "msg=\"hello  world\" x=\"\" y=1 z=\"a=b\tc\""), 0);
	HT_ASSERT_EQ(cl->nr_opts, 4);
	HT_ASSERT_STREQ(cmdline_get(cl, "msg"), "hello  world");
	HT_ASSERT_STREQ(cmdline_get(cl, "x"), "");
	HT_ASSERT_STREQ(cmdline_get(cl, "y"), "1");
	HT_ASSERT_STREQ(cmdline_get(cl, "z"), "a=b\tc");
}

HTEST(empty_value_and_last_wins)
{
	struct cmdline *cl = new_cmdline();

	HT_ASSERT_EQ(parse_exact(cl, "a=1 e= a=2 b=x b"), 0);
	HT_ASSERT_STREQ(cmdline_get(cl, "a"), "2");
	HT_ASSERT_STREQ(cmdline_get(cl, "e"), "");
	HT_ASSERT(cmdline_has(cl, "b"));
	HT_ASSERT(cmdline_get(cl, "b") == NULL);        /* the bare one came last */
	HT_ASSERT_STREQ(cl->opt[0].key, "a");
	HT_ASSERT_STREQ(cl->opt[0].value, "1");
}

HTEST(init_takes_the_rest)
{
	struct cmdline *cl = new_cmdline();

	HT_ASSERT_EQ(parse_exact(cl, "quiet initrd=x init=/bin/sh -c \"echo hi\" debug=1  \n"), 0);
	HT_ASSERT_EQ(cl->nr_opts, 3);
	HT_ASSERT_STREQ(cmdline_get(cl, "init"), "/bin/sh -c \"echo hi\" debug=1");
	HT_ASSERT_STREQ(cmdline_get(cl, "initrd"), "x");
	HT_ASSERT(!cmdline_has(cl, "debug"));           /* it belongs to init */

	HT_ASSERT_EQ(parse_exact(cl, "a init="), 0);
	HT_ASSERT_STREQ(cmdline_get(cl, "init"), "");
	HT_ASSERT_EQ(parse_exact(cl, "init b=1"), 0);    /* bare 'init' is not special */
	HT_ASSERT(cmdline_has(cl, "init"));
	HT_ASSERT_STREQ(cmdline_get(cl, "b"), "1");
}

/* --------------------------------------------------------- malformed --- */

HTEST(malformed_options_are_skipped)
{
	struct cmdline *cl = new_cmdline();
	const char *out;
	int ret;

	htest_capture_begin();
	/* an opening quote pairs with the next quote anywhere on the line */
	ret = parse_exact(cl, "=foo good1 q=\"x\"y after \"k\"=1 ok=2 a=\"unterminated b c");
	out = htest_capture_end();
	HT_ASSERT_EQ(ret, -EINVAL);
	HT_ASSERT_EQ(cl->nr_malformed, 4);
	HT_ASSERT_MSG(strstr(out, "empty key, skipping '=foo'"), "got: %s", out);
	HT_ASSERT_MSG(strstr(out, "unterminated quote, skipping 'a=\"unterminated'"), "got: %s", out);
	HT_ASSERT_MSG(strstr(out, "text after closing quote, skipping 'q=\"x\"y'"), "got: %s", out);
	HT_ASSERT_MSG(strstr(out, "bad character in key, skipping '\"k\"=1'"), "got: %s", out);
	HT_ASSERT(cmdline_has(cl, "good1"));
	HT_ASSERT(cmdline_has(cl, "b"));
	HT_ASSERT(cmdline_has(cl, "c"));
	HT_ASSERT(cmdline_has(cl, "after"));
	HT_ASSERT_STREQ(cmdline_get(cl, "ok"), "2");
	HT_ASSERT(!cmdline_has(cl, "a"));
	HT_ASSERT(!cmdline_has(cl, "q"));
	HT_ASSERT_EQ(cl->nr_opts, 5);
}

HTEST(key_length_and_characters)
{
	struct cmdline *cl = new_cmdline();
	char line[256], key63[64], key64[65];
	const char *out;
	int ret;

	memset(key63, 'k', 63);
	key63[63] = '\0';
	memset(key64, 'K', 64);
	key64[64] = '\0';
	snprintf(line, sizeof(line), "%s=1 %s=2 x\x01y=3 \xc3\xa9t\xc3\xa9 z=4", key63, key64);
	htest_capture_begin();
	ret = parse_exact(cl, line);
	out = htest_capture_end();
	HT_ASSERT_EQ(ret, -EINVAL);
	HT_ASSERT_STREQ(cmdline_get(cl, key63), "1");
	HT_ASSERT(!cmdline_has(cl, key64));
	HT_ASSERT_STREQ(cmdline_get(cl, "z"), "4");
	HT_ASSERT_EQ(cl->nr_opts, 2);
	HT_ASSERT_EQ(cl->nr_malformed, 3);
	HT_ASSERT_MSG(strstr(out, "key too long"), "got: %s", out);
	HT_ASSERT_MSG(strstr(out, "bad character in key"), "got: %s", out);
}

HTEST(long_bad_option_is_quoted_short)
{
	struct cmdline *cl = new_cmdline();
	char line[300];
	const char *out;
	int ret;

	memset(line, 'v', sizeof(line));
	memcpy(line, "=", 1);
	line[sizeof(line) - 1] = '\0';
	htest_capture_begin();
	ret = parse_exact(cl, line);
	out = htest_capture_end();
	HT_ASSERT_EQ(ret, -EINVAL);
	HT_ASSERT_MSG(strstr(out, "...'") == NULL && strstr(out, "'...") != NULL &&
		      strlen(out) < 120, "got: %s", out);
}

/* ------------------------------------------------------------ bounds --- */

HTEST(overlong_line_drops_the_partial_option)
{
	struct cmdline *cl = new_cmdline();
	char *line = malloc(2000);
	const char *out;
	int ret;

	HT_ASSERT(line);
	memset(line, 'x', 1999);
	line[1999] = '\0';
	memcpy(line, "a=1 b=2 big=", 12);
	htest_capture_begin();
	ret = parse_exact(cl, line);
	out = htest_capture_end();
	HT_ASSERT_EQ(ret, -E2BIG);
	HT_ASSERT(cl->truncated);
	HT_ASSERT_MSG(strstr(out, "longer than 1023 bytes"), "got: %s", out);
	HT_ASSERT_EQ(cl->nr_opts, 2);
	HT_ASSERT(!cmdline_has(cl, "big"));
	HT_ASSERT_STREQ(cl->raw, "a=1 b=2 ");
	free(line);
}

HTEST(line_length_edges)
{
	struct cmdline *cl = new_cmdline();
	char *line = malloc(CMDLINE_MAX_LEN);   /* no NUL at all: only 1024 bytes may be read */
	int ret;

	HT_ASSERT(line);
	/* 1023 bytes exactly fit. */
	memset(line, 'y', CMDLINE_MAX_LEN);
	memcpy(line, "k=", 2);
	line[CMDLINE_MAX_LEN - 1] = '\0';
	HT_ASSERT_EQ(cmdline_parse(cl, line), 0);
	HT_ASSERT_EQ(strlen(cmdline_get(cl, "k")), CMDLINE_MAX_LEN - 3);

	/* 1024 bytes with a blank just past the cut: the last option survives. */
	line[CMDLINE_MAX_LEN - 1] = ' ';
	htest_capture_begin();
	ret = cmdline_parse(cl, line);
	htest_capture_end();
	HT_ASSERT_EQ(ret, -E2BIG);
	HT_ASSERT(cl->truncated);
	HT_ASSERT_EQ(strlen(cmdline_get(cl, "k")), CMDLINE_MAX_LEN - 3);

	/* One long word with no blank at all: nothing is kept. */
	memset(line, 'z', CMDLINE_MAX_LEN);
	htest_capture_begin();
	ret = cmdline_parse(cl, line);
	htest_capture_end();
	HT_ASSERT_EQ(ret, -E2BIG);
	HT_ASSERT_EQ(cl->nr_opts, 0);
	HT_ASSERT_STREQ(cl->raw, "");
	free(line);
}

HTEST(too_many_options)
{
	struct cmdline *cl = new_cmdline();
	char line[CMDLINE_MAX_LEN];
	const char *out;
	size_t len = 0;
	int ret;

	for (int i = 0; i < 70; i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, "o%d=%d ", i, i);
	htest_capture_begin();
	ret = parse_exact(cl, line);
	out = htest_capture_end();
	HT_ASSERT_EQ(ret, -E2BIG);
	HT_ASSERT_EQ(cl->nr_opts, CMDLINE_MAX_OPTS);
	HT_ASSERT_EQ(cl->nr_dropped, 70 - CMDLINE_MAX_OPTS);
	HT_ASSERT_STREQ(cmdline_get(cl, "o63"), "63");
	HT_ASSERT(!cmdline_has(cl, "o64"));
	HT_ASSERT_MSG(strstr(out, "dropping 'o64'"), "got: %s", out);
	HT_ASSERT_MSG(strstr(out, "6 options dropped"), "got: %s", out);
}

HTEST(reparse_resets_state)
{
	struct cmdline *cl = new_cmdline();
	int ret;

	htest_capture_begin();
	ret = parse_exact(cl, "=bad a=1");
	htest_capture_end();
	HT_ASSERT_EQ(ret, -EINVAL);
	HT_ASSERT_EQ(parse_exact(cl, "b=2"), 0);
	HT_ASSERT_EQ(cl->nr_opts, 1);
	HT_ASSERT_EQ(cl->nr_malformed, 0);
	HT_ASSERT(!cmdline_has(cl, "a"));
}

/* ----------------------------------------------------------- numbers --- */

static uint64_t num_ok(const char *s)
{
	uint64_t v = 12345;
	int ret = cmdline_parse_u64(s, &v);

	HT_ASSERT_MSG(ret == 0, "\"%s\": returned %d", s, ret);
	return v;
}

static void num_bad(const char *s, int want)
{
	uint64_t v = 777;
	int ret = cmdline_parse_u64(s, &v);

	HT_ASSERT_MSG(ret == want, "\"%s\": returned %d, wanted %d", s, ret, want);
	HT_ASSERT_EQ(v, 777);   /* untouched on error */
}

HTEST(numbers_and_suffixes)
{
	HT_ASSERT_EQ(num_ok("0"), 0);
	HT_ASSERT_EQ(num_ok("123"), 123);
	HT_ASSERT_EQ(num_ok("007"), 7);                 /* decimal, not octal */
	HT_ASSERT_EQ(num_ok("0x1f"), 31);
	HT_ASSERT_EQ(num_ok("0XAbC"), 0xabc);
	HT_ASSERT_EQ(num_ok("4K"), 4096);
	HT_ASSERT_EQ(num_ok("4k"), 4096);
	HT_ASSERT_EQ(num_ok("2M"), 2u << 20);
	HT_ASSERT_EQ(num_ok("3g"), 3ull << 30);
	HT_ASSERT_EQ(num_ok("0x10K"), 16u << 10);
	HT_ASSERT_EQ(num_ok("18446744073709551615"), UINT64_MAX);
	HT_ASSERT_EQ(num_ok("0xffffffffffffffff"), UINT64_MAX);
	HT_ASSERT_EQ(num_ok("17179869183G"), 17179869183ull << 30);
	HT_ASSERT_EQ(num_ok("0"), 0);
}

HTEST(bad_numbers)
{
	num_bad("", -EINVAL);
	num_bad("abc", -EINVAL);
	num_bad("12abc", -EINVAL);
	num_bad("-1", -EINVAL);
	num_bad("+1", -EINVAL);
	num_bad("0x", -EINVAL);
	num_bad("0xg", -EINVAL);
	num_bad("1KB", -EINVAL);
	num_bad("K", -EINVAL);
	num_bad(" 1", -EINVAL);
	num_bad("1 ", -EINVAL);
	num_bad("1.5", -EINVAL);
	num_bad("99999999999999999999x", -EINVAL);      /* syntax first */
	num_bad("18446744073709551616", -ERANGE);
	num_bad("0x10000000000000000", -ERANGE);
	num_bad("99999999999999999999999999", -ERANGE);
	num_bad("17179869184G", -ERANGE);               /* 2^34 G = 2^64 */
	num_bad("18014398509481984K", -ERANGE);         /* 2^54 K */
	num_bad(NULL, -EINVAL);
	HT_ASSERT_EQ(cmdline_parse_u64("1", NULL), -EINVAL);
}

HTEST(get_u64_from_options)
{
	struct cmdline *cl = new_cmdline();
	uint64_t v = 5;

	HT_ASSERT_EQ(parse_exact(cl, "mem=512M cores=0x10 flag junk=12q big=99999999999999999999"), 0);
	HT_ASSERT_EQ(cmdline_get_u64(cl, "mem", &v), 0);
	HT_ASSERT_EQ(v, 512ull << 20);
	HT_ASSERT_EQ(cmdline_get_u64(cl, "cores", &v), 0);
	HT_ASSERT_EQ(v, 16);
	HT_ASSERT_EQ(cmdline_get_u64(cl, "missing", &v), -ENOENT);
	HT_ASSERT_EQ(cmdline_get_u64(cl, "flag", &v), -EINVAL);
	HT_ASSERT_EQ(cmdline_get_u64(cl, "junk", &v), -EINVAL);
	HT_ASSERT_EQ(cmdline_get_u64(cl, "big", &v), -ERANGE);
	HT_ASSERT_EQ(v, 16);
}

/* ----------------------------------------------------- known options --- */

HTEST(unknown_options_are_reported)
{
	static const char *const known[] = { "console", "init", "ktest", NULL };
	struct cmdline *cl = new_cmdline();
	const char *out;
	int ret;

	HT_ASSERT_EQ(parse_exact(cl, "console=ttyS0 nosmp ktest=all bogus=1 init=/bin/sh -x"), 0);
	htest_capture_begin();
	ret = cmdline_check_known(cl, known);
	out = htest_capture_end();
	HT_ASSERT_EQ(ret, 2);
	HT_ASSERT_MSG(strstr(out, "unknown option 'nosmp'"), "got: %s", out);
	HT_ASSERT_MSG(strstr(out, "unknown option 'bogus'"), "got: %s", out);
	HT_ASSERT_MSG(!strstr(out, "'console'") && !strstr(out, "'init'"), "got: %s", out);

	htest_capture_begin();
	ret = cmdline_check_known(cl, NULL);
	htest_capture_end();
	HT_ASSERT_EQ(ret, 5);
	HT_ASSERT_EQ(cmdline_check_known(NULL, known), 0);
}

/* ------------------------------------------------------- split words --- */

HTEST(split_words_for_init)
{
	struct cmdline *cl = new_cmdline();
	const char *argv[4];
	char buf[64];

	HT_ASSERT_EQ(parse_exact(cl, "init=/bin/sh  -c\tls"), 0);
	HT_ASSERT_EQ(cmdline_split_words(cmdline_get(cl, "init"), buf, sizeof(buf), argv, 4), 3);
	HT_ASSERT_STREQ(argv[0], "/bin/sh");
	HT_ASSERT_STREQ(argv[1], "-c");
	HT_ASSERT_STREQ(argv[2], "ls");
	HT_ASSERT(argv[3] == NULL);

	HT_ASSERT_EQ(cmdline_split_words("", buf, sizeof(buf), argv, 4), 0);
	HT_ASSERT(argv[0] == NULL);
	HT_ASSERT_EQ(cmdline_split_words("a b c d", buf, sizeof(buf), argv, 4), -E2BIG);
	HT_ASSERT_EQ(cmdline_split_words("a b c", buf, sizeof(buf), argv, 4), 3);
	HT_ASSERT_EQ(cmdline_split_words("abcdef", buf, 6, argv, 4), -E2BIG);
	HT_ASSERT_EQ(cmdline_split_words("abcde", buf, 6, argv, 4), 1);
	HT_ASSERT_EQ(cmdline_split_words("x", buf, 0, argv, 4), -E2BIG);
	HT_ASSERT_EQ(cmdline_split_words(NULL, buf, 6, argv, 4), -EINVAL);
	HT_ASSERT_EQ(cmdline_split_words("x", buf, 6, argv, 0), -EINVAL);
}

/* ------------------------------------------------------ random input --- */

static void check_invariants(const struct cmdline *cl)
{
	HT_ASSERT(cl->nr_opts <= CMDLINE_MAX_OPTS);
	HT_ASSERT(strlen(cl->raw) < CMDLINE_MAX_LEN);
	for (unsigned int i = 0; i < cl->nr_opts; i++) {
		const char *k = cl->opt[i].key, *v = cl->opt[i].value;
		size_t kl = strlen(k);

		HT_ASSERT(k >= cl->buf && k + kl < cl->buf + CMDLINE_MAX_LEN);
		HT_ASSERT(kl >= 1 && kl <= CMDLINE_MAX_KEY);
		HT_ASSERT(strpbrk(k, " \t\r\n=\"") == NULL);
		if (v)
			HT_ASSERT(v >= cl->buf && v + strlen(v) < cl->buf + CMDLINE_MAX_LEN);
		HT_ASSERT(cmdline_has(cl, k));
	}
}

HTEST(random_lines_keep_invariants)
{
	static const char alphabet[] = "ab=\" \t\n\x01\xffinit0x9K";
	struct cmdline *cl = new_cmdline();
	char line[1400];

	for (int round = 0; round < 3000; round++) {
		size_t n = (unsigned int)(htest_rand() >> 32) % (sizeof(line) - 1);

		for (size_t i = 0; i < n; i++)
			line[i] = alphabet[(unsigned int)(htest_rand() >> 32) % (sizeof(alphabet) - 1)];
		line[n] = '\0';
		htest_capture_begin();       /* one round's warnings at a time */
		parse_exact(cl, line);
		htest_capture_end();
		check_invariants(cl);
	}
}
