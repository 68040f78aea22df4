/* SPDX-License-Identifier: MIT */
/*
 * test_printfmt.c - host tests of kern/src/lib/printfmt.c.
 *
 * The kernel's snprintf/vsnprintf/vprintfmt are compiled as k_snprintf,
 * k_vsnprintf and k_vprintfmt (printfmt.mk), and the same macros rename the
 * calls in this file.  Most checks compare with literal strings; a sweep of
 * integer and string conversions also compares with the host C library,
 * which is reached through __builtin_snprintf (the macro does not touch it).
 * Every check also verifies the return value, the NUL terminator and that
 * snprintf(NULL, 0, ...) predicts the length.
 */
#include <printk.h>

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "htest.h"

/* These checks feed the formatter odd and hostile formats on purpose. */
#pragma GCC diagnostic ignored "-Wformat-overflow"
#pragma GCC diagnostic ignored "-Wformat-truncation"
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-zero-length"

#define CANARY 0x5a

/* Formats into a canary-guarded buffer and checks every C99 promise. */
#define CHECK(expect, ...)                                                     \
	do {                                                                   \
		char _b[512];                                                  \
		int _n, _n0;                                                   \
		memset(_b, CANARY, sizeof(_b));                                \
		_n = snprintf(_b, sizeof(_b) - 16, __VA_ARGS__);               \
		_n0 = snprintf(NULL, 0, __VA_ARGS__);                          \
		HT_ASSERT_STREQ(_b, (expect));                                 \
		HT_ASSERT_EQ(_n, (int)strlen(expect));                         \
		HT_ASSERT_EQ(_n0, _n);                                         \
		for (size_t _i = sizeof(_b) - 16; _i < sizeof(_b); _i++)       \
			HT_ASSERT_EQ(_b[_i], CANARY);                          \
	} while (0)

HTEST(plain_text)
{
	CHECK("", "");
	CHECK("hello, world", "hello, world");
	CHECK("100%", "100%%");
	CHECK("%%", "%%%%");
}

HTEST(signed_decimal)
{
	CHECK("0", "%d", 0);
	CHECK("42 -42", "%d %i", 42, -42);
	CHECK("2147483647", "%d", INT_MAX);
	CHECK("-2147483648", "%d", INT_MIN);
	CHECK("-9223372036854775808", "%lld", (long long)INT64_MIN);
	CHECK("-9223372036854775808", "%ld", (long)INT64_MIN);
	CHECK("-9223372036854775808", "%jd", (intmax_t)INT64_MIN);
	CHECK("9223372036854775807", "%lld", (long long)INT64_MAX);
	CHECK("+5 -5 +0", "%+d %+d %+d", 5, -5, 0);
	CHECK(" 5 -5", "% d % d", 5, -5);
	CHECK("+5", "%+ d", 5);   /* '+' beats ' ' */
}

HTEST(unsigned_and_bases)
{
	CHECK("4294967295", "%u", UINT_MAX);
	CHECK("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
	CHECK("ffffffffffffffff", "%lx", (unsigned long)UINT64_MAX);
	CHECK("FFFFFFFFFFFFFFFF", "%llX", (unsigned long long)UINT64_MAX);
	CHECK("1777777777777777777777", "%llo", (unsigned long long)UINT64_MAX);
	CHECK("deadbeef DEADBEEF", "%x %X", 0xdeadbeefu, 0xdeadbeefu);
	CHECK("0x1f 0X1F 017", "%#x %#X %#o", 31u, 31u, 15u);
	CHECK("0 0 0", "%#x %#X %#o", 0u, 0u, 0u);
	CHECK("7 7", "%+u % u", 7u, 7u);   /* sign flags: signed only */
}

HTEST(length_modifiers)
{
	CHECK("44", "%hhd", 300);
	CHECK("-1", "%hhd", 255);
	CHECK("255", "%hhu", -1);
	CHECK("ff", "%hhx", -1);
	CHECK("-32768", "%hd", 32768);
	CHECK("65535", "%hu", -1);
	CHECK("123456789012", "%zu", (size_t)123456789012ull);
	CHECK("-123456789012", "%zd", (ssize_t)-123456789012ll);
	CHECK("-7", "%td", (ptrdiff_t)-7);
	CHECK("18446744073709551615", "%ju", (uintmax_t)UINT64_MAX);
}

HTEST(width_and_flags)
{
	CHECK("   42", "%5d", 42);
	CHECK("42   |", "%-5d|", 42);
	CHECK("00042", "%05d", 42);
	CHECK("-0042", "%05d", -42);
	CHECK("+0042", "%+05d", 42);
	CHECK(" 0042", "% 05d", 42);
	CHECK("42   |", "%-05d|", 42);     /* '-' beats '0' */
	CHECK("0x002a", "%#06x", 42u);
	CHECK("  0x2a", "%#6x", 42u);
	CHECK("42", "%1d", 42);            /* width smaller than the field */
	CHECK("    a|a    |", "%5c|%-5c|", 'a', 'a');
}

HTEST(precision)
{
	CHECK("00042", "%.5d", 42);
	CHECK("-00042", "%.5d", -42);
	CHECK("   00042", "%8.5d", 42);
	CHECK("   00042", "%08.5d", 42);      /* '0' ignored with a precision */
	CHECK("", "%.0d", 0);                 /* C: no digits at all */
	CHECK("", "%.0x", 0u);
	CHECK("     ", "%5.0d", 0);
	CHECK("+", "%+.0d", 0);
	CHECK("0", "%#.0o", 0u);              /* '#' forces the one zero */
	CHECK("", "%#.0x", 0u);
	CHECK("00012", "%#.5o", 10u);         /* already starts with 0 */
	CHECK("0x0000ff", "%#.6x", 255u);
	CHECK("7", "%.d", 7);                 /* bare '.' is precision 0 */
}

HTEST(star_width_and_precision)
{
	CHECK("   42", "%*d", 5, 42);
	CHECK("42   |", "%*d|", -5, 42);     /* negative '*' width: left */
	CHECK("00042", "%.*d", 5, 42);
	CHECK("42", "%.*d", -3, 42);          /* negative precision: none */
	CHECK("  007", "%*.*d", 5, 3, 7);
	CHECK("ab   |", "%-*.*s|", 5, 2, "abcdef");
	CHECK("x", "%.*s", 1, "xyz");
}

HTEST(strings)
{
	static const char unterminated[3] = { 'a', 'b', 'c' };

	CHECK("hi", "%s", "hi");
	CHECK("   hi|hi   |", "%5s|%-5s|", "hi", "hi");
	CHECK("he", "%.2s", "hello");
	CHECK("", "%.0s", "hello");
	CHECK("abc", "%.3s", unterminated);   /* ASan: no read past 3 bytes */
	CHECK("(null)", "%s", (char *)NULL);
	CHECK("  (null)", "%8s", (char *)NULL);
	CHECK("", "%s", "");
	CHECK("x\xff", "x%c", 0xff);
}

HTEST(pointers)
{
	CHECK("0x0", "%p", NULL);
	CHECK("0xdeadbeef", "%p", (void *)0xdeadbeefUL);
	CHECK("0xffffffff80000000", "%p", (void *)0xffffffff80000000UL);
	CHECK("     0x1234|", "%11p|", (void *)0x1234UL);
	CHECK("0x1234     |", "%-11p|", (void *)0x1234UL);
	CHECK("0x00001234", "%010p", (void *)0x1234UL);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-extra-args"
HTEST(unknown_and_truncated_specs)
{
	CHECK("%y", "%y");
	CHECK("%5y3", "%5y%d", 3);            /* no argument consumed */
	CHECK("%*y7", "%*y%d", 7);            /* not even for '*' */
	CHECK("%-08.3lly|9", "%-08.3lly|%d", 9);
	CHECK("abc%", "abc%");
	CHECK("abc%08.3l", "abc%08.3l");
	CHECK("%%", "%5%%%");                 /* "%5%" is '%', then "%%" */
	CHECK("%q1", "%q%d", 1);
}
#pragma GCC diagnostic pop

HTEST(width_is_clamped)
{
	char *buf = malloc(10000);
	int n;

	HT_ASSERT(buf);
	n = snprintf(buf, 10000, "%100000d", 1);
	HT_ASSERT_EQ(n, 4096);
	HT_ASSERT_EQ(strlen(buf), 4096);
	n = snprintf(buf, 10000, "%*d", INT_MIN, 1);   /* -INT_MIN must not overflow */
	HT_ASSERT_EQ(n, 4096);
	HT_ASSERT_EQ(buf[0], '1');
	n = snprintf(buf, 10000, "%.99999d", 1);
	HT_ASSERT_EQ(n, 4096);
	free(buf);
}

HTEST(truncation)
{
	char b[16];
	int n;

	memset(b, CANARY, sizeof(b));
	n = snprintf(b, 4, "%s", "abcdefgh");
	HT_ASSERT_EQ(n, 8);
	HT_ASSERT_STREQ(b, "abc");
	HT_ASSERT_EQ(b[4], CANARY);

	memset(b, CANARY, sizeof(b));
	n = snprintf(b, 1, "%d", 12345);
	HT_ASSERT_EQ(n, 5);
	HT_ASSERT_EQ(b[0], '\0');
	HT_ASSERT_EQ(b[1], CANARY);

	memset(b, CANARY, sizeof(b));
	n = snprintf(b, 0, "%d", 12345);      /* size 0: nothing written */
	HT_ASSERT_EQ(n, 5);
	HT_ASSERT_EQ(b[0], CANARY);

	HT_ASSERT_EQ(snprintf(NULL, 0, "%s-%d", "ab", -1), 5);
	HT_ASSERT_EQ(snprintf(NULL, 100, "xyz"), 3);   /* NULL buf: size ignored */

	memset(b, CANARY, sizeof(b));
	n = snprintf(b, 6, "%05d", 42);       /* exactly fits */
	HT_ASSERT_EQ(n, 5);
	HT_ASSERT_STREQ(b, "00042");
	n = snprintf(b, 5, "%05d", 42);       /* one short */
	HT_ASSERT_EQ(n, 5);
	HT_ASSERT_STREQ(b, "0004");
}

static int forward(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

HTEST(vsnprintf_forwards)
{
	char b[64];

	HT_ASSERT_EQ(forward(b, sizeof(b), "%s=%lu", "k", 10ul), 4);
	HT_ASSERT_STREQ(b, "k=10");
}

struct collect {
	char buf[128];
	int n;
};

static void collect_putch(int ch, void *arg)
{
	struct collect *c = arg;

	if (c->n < (int)sizeof(c->buf) - 1)
		c->buf[c->n] = (char)ch;
	c->n++;
}

static int collect_fmt(struct collect *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintfmt(collect_putch, c, fmt, ap);
	va_end(ap);
	c->buf[MIN(c->n, (int)sizeof(c->buf) - 1)] = '\0';
	return n;
}

HTEST(vprintfmt_counts_what_it_writes)
{
	struct collect c = { .n = 0 };
	int n;

	n = collect_fmt(&c, "[%-4d|%x|%c|%s]", 7, 255u, 'z', "ok");
	HT_ASSERT_EQ(n, c.n);
	HT_ASSERT_STREQ(c.buf, "[7   |ff|z|ok]");

	c.n = 0;
	HT_ASSERT_EQ(collect_fmt(&c, "%c", 0), 1);   /* %c of NUL is a char */
	HT_ASSERT_EQ(c.n, 1);
	HT_ASSERT_EQ(c.buf[0], '\0');
}

HTEST(bad_arguments)
{
	HT_ASSERT_EQ(forward(NULL, 0, NULL), 6);     /* NULL format prints "(null)" */
}

/* ----------------------------------------- sweep against the C library --- */

static const char *const sweep_flags[] = { "", "-", "+", " ", "0", "#", "-+", "0+", "#0", "- #" };
static const char *const sweep_width[] = { "", "1", "7", "24" };
static const char *const sweep_prec[] = { "", ".", ".0", ".1", ".5", ".22" };

static void sweep_one(const char *fmt, long long sv, unsigned long long uv, char conv)
{
	char mine[128], libc[128];
	int a, b;

	if (conv == 'd' || conv == 'i') {
		a = snprintf(mine, sizeof(mine), fmt, sv);
		b = __builtin_snprintf(libc, sizeof(libc), fmt, sv);
	} else {
		a = snprintf(mine, sizeof(mine), fmt, uv);
		b = __builtin_snprintf(libc, sizeof(libc), fmt, uv);
	}
	HT_ASSERT_MSG(a == b && strcmp(mine, libc) == 0,
		      "format \"%s\": kernel \"%s\" (%d), libc \"%s\" (%d)",
		      fmt, mine, a, libc, b);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
HTEST(integer_sweep_matches_libc)
{
	static const long long vals[] = { 0, 1, -1, 7, -8, 255, 4096, 123456789,
					  INT_MIN, INT_MAX, LLONG_MIN, LLONG_MAX };
	static const char convs[] = "diuxXo";
	char fmt[32];

	for (size_t c = 0; c < sizeof(convs) - 1; c++)
		for (size_t f = 0; f < ARRAY_SIZE(sweep_flags); f++)
			for (size_t w = 0; w < ARRAY_SIZE(sweep_width); w++)
				for (size_t p = 0; p < ARRAY_SIZE(sweep_prec); p++)
					for (size_t v = 0; v < ARRAY_SIZE(vals); v++) {
						if (convs[c] <= 'i' && strchr(sweep_flags[f], '#'))
							continue;   /* '#' with d is undefined */
						__builtin_snprintf(fmt, sizeof(fmt), "%%%s%s%sll%c",
								   sweep_flags[f], sweep_width[w],
								   sweep_prec[p], convs[c]);
						sweep_one(fmt, vals[v], (unsigned long long)vals[v],
							  convs[c]);
					}
}

HTEST(string_sweep_matches_libc)
{
	static const char *const strs[] = { "", "a", "hello", "a much longer string here" };
	static const char *const flags[] = { "", "-" };
	char fmt[32], mine[128], libc[128];

	for (size_t f = 0; f < ARRAY_SIZE(flags); f++)
		for (size_t w = 0; w < ARRAY_SIZE(sweep_width); w++)
			for (size_t p = 0; p < ARRAY_SIZE(sweep_prec); p++)
				for (size_t s = 0; s < ARRAY_SIZE(strs); s++) {
					int a, b;

					__builtin_snprintf(fmt, sizeof(fmt), "|%%%s%s%ss|", flags[f],
							   sweep_width[w], sweep_prec[p]);
					a = snprintf(mine, sizeof(mine), fmt, strs[s]);
					b = __builtin_snprintf(libc, sizeof(libc), fmt, strs[s]);
					HT_ASSERT_MSG(a == b && strcmp(mine, libc) == 0,
						      "format \"%s\": kernel \"%s\", libc \"%s\"",
						      fmt, mine, libc);
				}
}
#pragma GCC diagnostic pop
