/* SPDX-License-Identifier: MIT */
/*
 * test_slice.c - host tests of kern/src/lib/slice.c.
 *
 * kmalloc/krealloc/kfree are supplied here over malloc: they count live
 * objects (every test ends with a leak check) and can be told to fail the
 * next allocation, which exercises the sticky error.  Covers appends that
 * cross many growth steps, the NUL kept after the contents, printf of
 * short and long outputs (the grow-and-format-again path), reads at every
 * offset including negative and past the end, truncation, the SLICE_MAX
 * limit and reuse after slice_free().
 */
#include <errno.h>
#include <slice.h>

#include <string.h>

#include "htest.h"

/* ------------------------------------------------- fake kmalloc --- */

static long live_objects;
static int fail_next_alloc;

void *kmalloc(size_t size, int flags);
void *krealloc(void *p, size_t size, int flags);
void kfree(void *p);

void *kmalloc(size_t size, int flags)
{
	(void)flags;
	if (fail_next_alloc) {
		fail_next_alloc = 0;
		return NULL;
	}
	live_objects++;
	return malloc(size ? size : 1);
}

void *krealloc(void *p, size_t size, int flags)
{
	void *n;

	if (!p)
		return kmalloc(size, flags);
	if (fail_next_alloc) {
		fail_next_alloc = 0;
		return NULL;
	}
	n = realloc(p, size ? size : 1);
	return n;
}

void kfree(void *p)
{
	if (!p)
		return;
	live_objects--;
	free(p);
}

/* ---------------------------------------------------------- tests --- */

HTEST(empty_slice)
{
	struct slice s;
	char buf[4];

	slice_init(&s);
	HT_ASSERT_EQ(slice_len(&s), 0);
	HT_ASSERT_STREQ(slice_str(&s), "");
	HT_ASSERT_EQ(slice_read(&s, buf, sizeof(buf), 0), 0);
	HT_ASSERT_EQ(slice_append(&s, "", 0), 0);
	HT_ASSERT_EQ(slice_error(&s), 0);
	slice_free(&s);
	HT_ASSERT_EQ(live_objects, 0);
}

HTEST(append_grows_and_keeps_nul)
{
	struct slice s;
	char expect[10000];
	size_t i;

	slice_init(&s);
	for (i = 0; i < sizeof(expect); i++) {
		char ch = (char)('a' + i % 26);

		expect[i] = ch;
		HT_ASSERT_EQ(slice_append(&s, &ch, 1), 0);
		HT_ASSERT(s.cap > s.len);
		HT_ASSERT_EQ(s.buf[s.len], '\0');
	}
	HT_ASSERT_EQ(slice_len(&s), sizeof(expect));
	HT_ASSERT(memcmp(s.buf, expect, sizeof(expect)) == 0);
	HT_ASSERT_EQ(live_objects, 1);
	slice_free(&s);
	HT_ASSERT_EQ(live_objects, 0);
	HT_ASSERT(s.buf == NULL && s.len == 0 && s.cap == 0);
}

HTEST(printf_short_and_long)
{
	struct slice s;
	char big[3000];
	size_t i;

	slice_init(&s);
	HT_ASSERT_EQ(slice_printf(&s, "x=%d y=%s\n", 42, "yes"), 0);
	HT_ASSERT_STREQ(slice_str(&s), "x=42 y=yes\n");
	for (i = 0; i < sizeof(big) - 1; i++)
		big[i] = (char)('0' + i % 10);
	big[sizeof(big) - 1] = '\0';
	/* Longer than any free space: the grow-and-retry path. */
	HT_ASSERT_EQ(slice_printf(&s, "[%s]", big), 0);
	HT_ASSERT_EQ(slice_len(&s), 11 + 2 + sizeof(big) - 1);
	HT_ASSERT(strncmp(s.buf, "x=42 y=yes\n[0123", 16) == 0);
	HT_ASSERT_EQ(s.buf[s.len - 1], ']');
	HT_ASSERT_EQ(s.buf[s.len], '\0');
	HT_ASSERT_EQ(slice_printf(&s, "%s", ""), 0);
	HT_ASSERT_EQ(slice_len(&s), 11 + 2 + sizeof(big) - 1);
	slice_free(&s);
	HT_ASSERT_EQ(live_objects, 0);
}

HTEST(printf_many_pieces)
{
	struct slice s;
	char line[32];
	size_t off = 0;
	int i;

	slice_init(&s);
	for (i = 0; i < 1000; i++)
		HT_ASSERT_EQ(slice_printf(&s, "line %d\n", i), 0);
	for (i = 0; i < 1000; i++) {
		int n = snprintf(line, sizeof(line), "line %d\n", i);

		HT_ASSERT(memcmp(s.buf + off, line, (size_t)n) == 0);
		off += (size_t)n;
	}
	HT_ASSERT_EQ(off, slice_len(&s));
	slice_free(&s);
	HT_ASSERT_EQ(live_objects, 0);
}

HTEST(read_at_offsets)
{
	struct slice s;
	char buf[8];

	slice_init(&s);
	slice_append_str(&s, "hello, world");
	HT_ASSERT_EQ(slice_read(&s, buf, 5, 0), 5);
	HT_ASSERT(memcmp(buf, "hello", 5) == 0);
	HT_ASSERT_EQ(slice_read(&s, buf, sizeof(buf), 7), 5);
	HT_ASSERT(memcmp(buf, "world", 5) == 0);
	HT_ASSERT_EQ(slice_read(&s, buf, sizeof(buf), 11), 1);
	HT_ASSERT_EQ(slice_read(&s, buf, sizeof(buf), 12), 0);
	HT_ASSERT_EQ(slice_read(&s, buf, sizeof(buf), 1000), 0);
	HT_ASSERT_EQ(slice_read(&s, buf, sizeof(buf), -1), 0);
	HT_ASSERT_EQ(slice_read(&s, buf, sizeof(buf), INT64_MIN), 0);
	HT_ASSERT_EQ(slice_read(&s, buf, 0, 3), 0);
	slice_free(&s);
}

HTEST(failed_growth_is_sticky)
{
	struct slice s;

	slice_init(&s);
	HT_ASSERT_EQ(slice_append_str(&s, "keep"), 0);
	fail_next_alloc = 1;
	/* 100 bytes do not fit the first 64-byte buffer: growth fails. */
	HT_ASSERT_EQ(slice_printf(&s, "%100s", "x"), -ENOMEM);
	HT_ASSERT_EQ(slice_error(&s), -ENOMEM);
	HT_ASSERT_STREQ(slice_str(&s), "keep");
	HT_ASSERT_EQ(slice_append_str(&s, "more"), -ENOMEM);
	HT_ASSERT_EQ(slice_printf(&s, "z"), -ENOMEM);
	HT_ASSERT_EQ(slice_len(&s), 4);
	slice_free(&s);
	HT_ASSERT_EQ(slice_error(&s), 0);
	HT_ASSERT_EQ(slice_append_str(&s, "again"), 0);
	HT_ASSERT_STREQ(slice_str(&s), "again");
	slice_free(&s);
	HT_ASSERT_EQ(live_objects, 0);
}

HTEST(first_allocation_failure)
{
	struct slice s;

	slice_init(&s);
	fail_next_alloc = 1;
	HT_ASSERT_EQ(slice_append(&s, "a", 1), -ENOMEM);
	HT_ASSERT(s.buf == NULL);
	HT_ASSERT_STREQ(slice_str(&s), "");
	slice_free(&s);
	HT_ASSERT_EQ(live_objects, 0);
}

HTEST(size_limit)
{
	struct slice s;

	slice_init(&s);
	HT_ASSERT_EQ(slice_append(&s, "ab", 2), 0);
	HT_ASSERT_EQ(slice_reserve(&s, SLICE_MAX), -EFBIG);
	HT_ASSERT_EQ(slice_append(&s, "c", 1), -EFBIG);
	slice_free(&s);
	slice_init(&s);
	HT_ASSERT_EQ(slice_reserve(&s, SIZE_MAX), -EFBIG);
	slice_free(&s);
	HT_ASSERT_EQ(live_objects, 0);
}

HTEST(truncate_keeps_memory)
{
	struct slice s;
	size_t cap;

	slice_init(&s);
	slice_printf(&s, "%s", "0123456789");
	cap = s.cap;
	slice_truncate(&s, 4);
	HT_ASSERT_STREQ(slice_str(&s), "0123");
	HT_ASSERT_EQ(s.cap, cap);
	slice_truncate(&s, 100);
	HT_ASSERT_EQ(slice_len(&s), 4);
	slice_truncate(&s, 0);
	HT_ASSERT_STREQ(slice_str(&s), "");
	slice_append_str(&s, "x");
	HT_ASSERT_STREQ(slice_str(&s), "x");
	slice_free(&s);
	HT_ASSERT_EQ(live_objects, 0);
}
