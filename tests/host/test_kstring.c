/* SPDX-License-Identifier: MIT */
/*
 * test_kstring.c - host tests of kern/src/lib/string.c.
 *
 * The kernel functions are compiled as k_memcpy, k_strlen and so on
 * (kstring.mk), and the same macros rename the calls here.  Results are
 * checked against obvious byte loops written in this file; buffers carry
 * canary bytes on both sides, because the kernel's rep movsb/stosb code is
 * inline assembly that ASan cannot see into.
 */
#include <errno.h>
#include <kstring.h>

#include <stdint.h>

#include "htest.h"

#define BUF 160
#define PAD 16
#define CANARY 0xa5

static unsigned char area[BUF + 2 * PAD];
static unsigned char *const buf = area + PAD;

static void fill_pattern(void)
{
	for (size_t i = 0; i < sizeof(area); i++)
		area[i] = CANARY;
	for (size_t i = 0; i < BUF; i++)
		buf[i] = (unsigned char)(i * 7 + 1);
}

static void check_canaries(void)
{
	for (size_t i = 0; i < PAD; i++) {
		HT_ASSERT_EQ(area[i], CANARY);
		HT_ASSERT_EQ(area[PAD + BUF + i], CANARY);
	}
}

HTEST(memset_sizes_and_value)
{
	for (size_t off = 0; off < 9; off++)
		for (size_t n = 0; off + n <= BUF; n += (n < 40 ? 1 : 13)) {
			fill_pattern();
			HT_ASSERT(memset(buf + off, 0x1ab, n) == buf + off);
			for (size_t i = 0; i < BUF; i++) {
				unsigned char want = (i >= off && i < off + n) ?
						     0xab : (unsigned char)(i * 7 + 1);
				HT_ASSERT_MSG(buf[i] == want, "off %zu n %zu byte %zu", off, n, i);
			}
			check_canaries();
		}
}

HTEST(memcpy_sizes_and_alignments)
{
	static unsigned char src[BUF];

	for (size_t i = 0; i < BUF; i++)
		src[i] = (unsigned char)(255 - i);
	for (size_t so = 0; so < 8; so++)
		for (size_t d = 0; d < 8; d++)
			for (size_t n = 0; d + n <= BUF && so + n <= BUF; n += (n < 33 ? 1 : 29)) {
				fill_pattern();
				HT_ASSERT(memcpy(buf + d, src + so, n) == buf + d);
				for (size_t i = 0; i < n; i++)
					HT_ASSERT_EQ(buf[d + i], src[so + i]);
				if (d)
					HT_ASSERT_EQ(buf[d - 1], (unsigned char)((d - 1) * 7 + 1));
				if (d + n < BUF)
					HT_ASSERT_EQ(buf[d + n], (unsigned char)((d + n) * 7 + 1));
				check_canaries();
			}
}

/* memmove against a copy through a scratch buffer, for every overlap. */
HTEST(memmove_overlaps_both_ways)
{
	static unsigned char want[BUF], tmp[BUF];

	for (size_t s = 0; s < 40; s++)
		for (size_t d = 0; d < 40; d++)
			for (size_t n = 0; n <= 100; n += (n < 20 ? 1 : 9)) {
				fill_pattern();
				for (size_t i = 0; i < BUF; i++)
					want[i] = buf[i];
				for (size_t i = 0; i < n; i++)
					tmp[i] = want[s + i];
				for (size_t i = 0; i < n; i++)
					want[d + i] = tmp[i];
				HT_ASSERT(memmove(buf + d, buf + s, n) == buf + d);
				for (size_t i = 0; i < BUF; i++)
					HT_ASSERT_MSG(buf[i] == want[i], "s %zu d %zu n %zu byte %zu",
						      s, d, n, i);
				check_canaries();
			}
}

HTEST(memcmp_is_unsigned)
{
	unsigned char a[4] = { 1, 2, 0x80, 4 }, b[4] = { 1, 2, 0x7f, 4 };

	HT_ASSERT(memcmp(a, b, 4) > 0);
	HT_ASSERT(memcmp(b, a, 4) < 0);
	HT_ASSERT_EQ(memcmp(a, b, 2), 0);
	HT_ASSERT_EQ(memcmp(a, b, 0), 0);
	HT_ASSERT_EQ(memcmp(a, a, 4), 0);
}

HTEST(strlen_and_strnlen)
{
	HT_ASSERT_EQ(strlen(""), 0);
	HT_ASSERT_EQ(strlen("vireo"), 5);
	HT_ASSERT_EQ(strnlen("vireo", 3), 3);
	HT_ASSERT_EQ(strnlen("vireo", 99), 5);
	HT_ASSERT_EQ(strnlen("vireo", 0), 0);

	char *raw = malloc(4);          /* unterminated: ASan checks the bound */
	HT_ASSERT(raw);
	raw[0] = raw[1] = raw[2] = raw[3] = 'x';
	HT_ASSERT_EQ(strnlen(raw, 4), 4);
	free(raw);
}

HTEST(strcmp_and_strncmp)
{
	HT_ASSERT_EQ(strcmp("abc", "abc"), 0);
	HT_ASSERT(strcmp("abc", "abd") < 0);
	HT_ASSERT(strcmp("abd", "abc") > 0);
	HT_ASSERT(strcmp("ab", "abc") < 0);
	HT_ASSERT(strcmp("abc", "ab") > 0);
	HT_ASSERT(strcmp("\x80", "\x7f") > 0);      /* compares as unsigned */
	HT_ASSERT_EQ(strcmp("", ""), 0);
	HT_ASSERT_EQ(strncmp("abcX", "abcY", 3), 0);
	HT_ASSERT(strncmp("abcX", "abcY", 4) < 0);
	HT_ASSERT_EQ(strncmp("ab", "ab", 10), 0);   /* stops at the NUL */
	HT_ASSERT(strncmp("ab", "abc", 10) < 0);
	HT_ASSERT_EQ(strncmp("x", "y", 0), 0);
	HT_ASSERT(strncmp("\xff", "a", 1) > 0);
}

HTEST(strchr_finds_bytes_and_nul)
{
	const char *s = "ab=c\xe9=";

	HT_ASSERT(strchr(s, '=') == s + 2);
	HT_ASSERT(strchr(s, 'a') == s);
	HT_ASSERT(strchr(s, 0xe9) == s + 4);
	HT_ASSERT(strchr(s, 'z') == NULL);
	HT_ASSERT(strchr(s, '\0') == s + 6);
}

HTEST(strlcpy_truncates_and_terminates)
{
	char d[8];

	memset(d, 'Q', sizeof(d));
	HT_ASSERT_EQ(strlcpy(d, "hello", sizeof(d)), 5);
	HT_ASSERT_STREQ(d, "hello");
	HT_ASSERT_EQ(d[6], 'Q');

	HT_ASSERT_EQ(strlcpy(d, "a longer string", sizeof(d)), 15);
	HT_ASSERT_STREQ(d, "a longe");

	memset(d, 'Q', sizeof(d));
	HT_ASSERT_EQ(strlcpy(d, "abc", 0), 3);      /* size 0 writes nothing */
	HT_ASSERT_EQ(d[0], 'Q');
	HT_ASSERT_EQ(strlcpy(d, "abc", 1), 3);
	HT_ASSERT_EQ(d[0], '\0');
	HT_ASSERT_EQ(d[1], 'Q');
}

/* ------------------------------------------------------------ kstrtou64 */

static uint64_t u64_ok(const char *s, int base)
{
	uint64_t v = 12345;
	int ret = kstrtou64(s, strlen(s), base, &v);

	HT_ASSERT_MSG(ret == 0, "\"%s\" base %d: returned %d", s, base, ret);
	return v;
}

static void u64_bad(const char *s, size_t len, int base, int want)
{
	uint64_t v = 777;
	int ret = kstrtou64(s, len, base, &v);

	HT_ASSERT_MSG(ret == want, "\"%.*s\" base %d: returned %d, wanted %d", (int)len, s,
	              base, ret, want);
	HT_ASSERT_EQ(v, 777);   /* untouched on error */
}

HTEST(kstrtou64_accepts_whole_numbers)
{
	HT_ASSERT_EQ(u64_ok("0", 10), 0);
	HT_ASSERT_EQ(u64_ok("123", 10), 123);
	HT_ASSERT_EQ(u64_ok("007", 0), 7);              /* decimal, not octal */
	HT_ASSERT_EQ(u64_ok("0x1f", 0), 31);
	HT_ASSERT_EQ(u64_ok("0XAbC", 0), 0xabc);
	HT_ASSERT_EQ(u64_ok("ff", 16), 255);
	HT_ASSERT_EQ(u64_ok("0xff", 16), 255);
	HT_ASSERT_EQ(u64_ok("101", 2), 5);
	HT_ASSERT_EQ(u64_ok("zz", 36), 35 * 36 + 35);
	HT_ASSERT_EQ(u64_ok("18446744073709551615", 10), UINT64_MAX);
	HT_ASSERT_EQ(u64_ok("0xffffffffffffffff", 0), UINT64_MAX);
	HT_ASSERT_EQ(u64_ok("00000000000000000000000000042", 10), 42);
}

HTEST(kstrtou64_reads_exactly_len_bytes)
{
	uint64_t v = 0;

	/* A longer buffer: only the first len bytes count. */
	HT_ASSERT_EQ(kstrtou64("12345", 3, 10, &v), 0);
	HT_ASSERT_EQ(v, 123);
	HT_ASSERT_EQ(kstrtou64("0x10zz", 4, 0, &v), 0);
	HT_ASSERT_EQ(v, 16);
}

HTEST(kstrtou64_rejects_junk)
{
	u64_bad("", 0, 10, -EINVAL);
	u64_bad("0x", 2, 0, -EINVAL);
	u64_bad("0x", 2, 16, -EINVAL);
	u64_bad("12a", 3, 10, -EINVAL);
	u64_bad("0x1f", 4, 10, -EINVAL);         /* no prefix in base 10 */
	u64_bad("12\n", 3, 10, -EINVAL);          /* callers strip newlines */
	u64_bad(" 12", 3, 10, -EINVAL);
	u64_bad("+12", 3, 10, -EINVAL);
	u64_bad("-1", 2, 10, -EINVAL);
	u64_bad("1\0" "2", 3, 10, -EINVAL);       /* NUL inside len */
	u64_bad("2", 1, 2, -EINVAL);              /* not a binary digit */
	u64_bad("10", 2, 1, -EINVAL);             /* bad bases */
	u64_bad("10", 2, 37, -EINVAL);
	u64_bad("10", 2, -1, -EINVAL);
	u64_bad(NULL, 0, 10, -EINVAL);
	HT_ASSERT_EQ(kstrtou64("1", 1, 10, NULL), -EINVAL);
}

HTEST(kstrtou64_overflow_is_erange)
{
	u64_bad("18446744073709551616", 20, 10, -ERANGE);
	u64_bad("99999999999999999999999", 23, 10, -ERANGE);
	u64_bad("0x10000000000000000", 19, 0, -ERANGE);
	/* junk wins over overflow: the string is not a number at all */
	u64_bad("99999999999999999999999x", 24, 10, -EINVAL);
}
