/* SPDX-License-Identifier: MIT */
/*
 * test_shebang.c - host tests of kern/src/proc/shebang.c.
 *
 * Each line is parsed from a heap copy of exactly its length (no NUL after
 * it) so that ASan catches any read past the file: the plain and blank-laden
 * forms, the single unsplit argument, lines without a newline, the 256-byte
 * window (a long argument is cut, a long interpreter name refused), files
 * that are not scripts, and a seeded run over random bytes after "#!".
 */
#include <errno.h>
#include <shebang.h>
#include <stdlib.h>
#include <string.h>

#include "htest.h"

static struct shebang sb;
static const char *why;

/* Parses the first n bytes of text from an exact heap copy. */
static int parse_n(const char *text, size_t n)
{
	char *copy = malloc(n ? n : 1);
	int ret;

	HT_ASSERT(copy);
	memcpy(copy, text, n);
	ret = shebang_parse(copy, n, &sb, &why);
	free(copy);
	return ret;
}

static int parse(const char *text)
{
	return parse_n(text, strlen(text));
}

HTEST(shebang_plain)
{
	HT_ASSERT_EQ(parse("#!/bin/sh\necho hi\n"), 0);
	HT_ASSERT_STREQ(sb.interp, "/bin/sh");
	HT_ASSERT(!sb.has_arg);
	HT_ASSERT_STREQ(sb.arg, "");
}

HTEST(shebang_blanks_and_one_argument)
{
	HT_ASSERT_EQ(parse("#! \t/usr/bin/awk  -f \t \nBEGIN{}\n"), 0);
	HT_ASSERT_STREQ(sb.interp, "/usr/bin/awk");
	HT_ASSERT(sb.has_arg);
	HT_ASSERT_STREQ(sb.arg, "-f");
	HT_ASSERT_EQ(parse("#!/bin/env a b  c\n"), 0);
	HT_ASSERT_STREQ(sb.interp, "/bin/env");
	HT_ASSERT_STREQ(sb.arg, "a b  c");      /* never split */
}

HTEST(shebang_without_newline_or_body)
{
	HT_ASSERT_EQ(parse("#!/bin/sh"), 0);
	HT_ASSERT_STREQ(sb.interp, "/bin/sh");
	HT_ASSERT_EQ(parse("#!/bin/sh -e"), 0);
	HT_ASSERT_STREQ(sb.arg, "-e");
	HT_ASSERT_EQ(parse_n("#!/bin/sh\0junk", 14), 0);
	HT_ASSERT_STREQ(sb.interp, "/bin/sh");
	HT_ASSERT(!sb.has_arg);
}

HTEST(shebang_not_a_script)
{
	HT_ASSERT_EQ(parse(""), -ENOEXEC);
	HT_ASSERT_EQ(parse("#"), -ENOEXEC);
	HT_ASSERT_EQ(parse("\x7f" "ELF"), -ENOEXEC);
	HT_ASSERT_EQ(parse("# !/bin/sh\n"), -ENOEXEC);
	HT_ASSERT(!shebang_is_script("#", 1));
	HT_ASSERT(shebang_is_script("#!", 2));
}

HTEST(shebang_no_interpreter)
{
	HT_ASSERT_EQ(parse("#!"), -ENOEXEC);
	HT_ASSERT_EQ(parse("#!   \n/bin/sh\n"), -ENOEXEC);
	HT_ASSERT_EQ(parse("#!\t\t"), -ENOEXEC);
	HT_ASSERT(strstr(why, "no interpreter"));
}

HTEST(shebang_window_of_256_bytes)
{
	char line[600];

	/* A long argument is cut at the window's end. */
	memset(line, 'a', sizeof(line));
	memcpy(line, "#!/bin/sh ", 10);
	line[sizeof(line) - 1] = '\n';
	HT_ASSERT_EQ(parse_n(line, sizeof(line)), 0);
	HT_ASSERT_STREQ(sb.interp, "/bin/sh");
	HT_ASSERT_EQ(strlen(sb.arg), SHEBANG_BUF_MAX - 10);
	/* An interpreter name that does not end inside it is refused... */
	memset(line, 'b', sizeof(line));
	memcpy(line, "#!/", 3);
	HT_ASSERT_EQ(parse_n(line, sizeof(line)), -ENOEXEC);
	HT_ASSERT(strstr(why, "256"));
	/* ...unless the file ends there. */
	HT_ASSERT_EQ(parse_n(line, SHEBANG_BUF_MAX - 1), 0);
	HT_ASSERT_EQ(strlen(sb.interp), SHEBANG_BUF_MAX - 3);
	/* A name of exactly the window is refused: no room to know it ended. */
	HT_ASSERT_EQ(parse_n(line, SHEBANG_BUF_MAX + 1), -ENOEXEC);
}

HTEST(shebang_random_bytes)
{
	char buf[SHEBANG_BUF_MAX + 64];
	unsigned long long x = HTEST_RAND_SEED;

	for (int round = 0; round < 20000; round++) {
		size_t n = 2 + (size_t)(x % (sizeof(buf) - 2));

		buf[0] = '#';
		buf[1] = '!';
		for (size_t i = 2; i < n; i++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			buf[i] = (char)(x >> 56);
		}
		if (parse_n(buf, n) == 0) {
			HT_ASSERT(strlen(sb.interp) > 0 && strlen(sb.interp) < SHEBANG_BUF_MAX);
			HT_ASSERT(!strpbrk(sb.interp, " \t\n"));
			HT_ASSERT(sb.has_arg == (sb.arg[0] != '\0'));
			HT_ASSERT(!strchr(sb.arg, '\n'));
		}
	}
}
