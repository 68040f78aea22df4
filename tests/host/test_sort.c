/* SPDX-License-Identifier: MIT */
/*
 * test_sort.c - host tests of kern/src/lib/sort.c: random arrays of several
 * lengths and element sizes (odd sizes exercise the byte-wise swap) come
 * out equal to what the host's qsort makes of the same input; empty and
 * one-element arrays are left alone; duplicates and presorted inputs.
 */
#include <sort.h>

#include <string.h>

#include "htest.h"

struct odd {                    /* 11 bytes: not a multiple of 8 */
	uint32_t key;
	char tag[7];
};

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

static int cmp_odd(const void *a, const void *b)
{
	const struct odd *x = a, *y = b;

	return (x->key > y->key) - (x->key < y->key);
}

static void check_longs(size_t n, long modulo)
{
	long *mine = malloc(n * sizeof(long) + 1), *ref = malloc(n * sizeof(long) + 1);

	for (size_t i = 0; i < n; i++)
		mine[i] = ref[i] = (long)(htest_rand() % (uint64_t)modulo) - modulo / 2;
	sort(mine, n, sizeof(long), cmp_long);
	qsort(ref, n, sizeof(long), cmp_long);
	HT_ASSERT_MSG(memcmp(mine, ref, n * sizeof(long)) == 0, "n=%zu differs from qsort", n);
	free(mine);
	free(ref);
}

HTEST(sort_random_lengths)
{
	static const size_t lens[] = { 0, 1, 2, 3, 7, 8, 63, 64, 65, 1000, 4097 };

	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		check_longs(lens[i], 1L << 40);
		check_longs(lens[i], 5);        /* many duplicates */
	}
}

HTEST(sort_presorted_and_reversed)
{
	long a[500];

	for (int i = 0; i < 500; i++)
		a[i] = i;
	sort(a, 500, sizeof(long), cmp_long);
	for (int i = 0; i < 500; i++)
		HT_ASSERT_EQ(a[i], i);
	for (int i = 0; i < 500; i++)
		a[i] = 500 - i;
	sort(a, 500, sizeof(long), cmp_long);
	for (int i = 0; i < 500; i++)
		HT_ASSERT_EQ(a[i], i + 1);
}

HTEST(sort_odd_element_size)
{
	struct odd items[300];

	for (int i = 0; i < 300; i++) {
		items[i].key = (uint32_t)(htest_rand() % 1000);
		memset(items[i].tag, 'a' + (int)(items[i].key % 26), sizeof(items[i].tag));
	}
	sort(items, 300, sizeof(items[0]), cmp_odd);
	for (int i = 0; i < 300; i++) {
		HT_ASSERT(i == 0 || items[i - 1].key <= items[i].key);
		HT_ASSERT_EQ(items[i].tag[6], 'a' + (int)(items[i].key % 26));  /* moved whole */
	}
}
