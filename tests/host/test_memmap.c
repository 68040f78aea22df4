/* SPDX-License-Identifier: MIT */
/*
 * test_memmap.c - host tests of the boot memory-range lists (memmap.c):
 * merging, carving, page alignment, hostile firmware entries (wrapping
 * lengths, duplicates, overlaps) and the fixed capacity.
 */
#include <string.h>

#include "htest.h"
#include <errno.h>
#include <memmap.h>

static void expect_ranges(const struct memmap *m, const uint64_t *pairs, int n)
{
	HT_ASSERT_EQ(m->nr, n);
	for (int i = 0; i < n; i++) {
		HT_ASSERT_EQ(m->r[i].base, pairs[2 * i]);
		HT_ASSERT_EQ(m->r[i].end, pairs[2 * i + 1]);
	}
}

HTEST(add_sorts_and_merges)
{
	struct memmap m = MEMMAP_INIT;
	static const uint64_t want[] = { 0x1000, 0x5000, 0x8000, 0x9000 };

	memmap_add(&m, 0x8000, 0x1000);
	memmap_add(&m, 0x1000, 0x1000);
	memmap_add(&m, 0x3000, 0x2000);
	memmap_add(&m, 0x2000, 0x1000);     /* touches both neighbours */
	expect_ranges(&m, want, 2);
	HT_ASSERT_EQ(memmap_total(&m), 0x5000);
}

HTEST(duplicates_and_overlaps_count_once)
{
	struct memmap m = MEMMAP_INIT;

	memmap_add(&m, 0x100000, 0x100000);
	memmap_add(&m, 0x100000, 0x100000);
	memmap_add(&m, 0x180000, 0x100000);
	HT_ASSERT_EQ(m.nr, 1);
	HT_ASSERT_EQ(memmap_total(&m), 0x180000);
}

HTEST(remove_splits_and_trims)
{
	struct memmap m = MEMMAP_INIT;
	static const uint64_t want[] = { 0x0, 0x1000, 0x3000, 0x4000, 0x6000, 0x8000 };

	memmap_add(&m, 0, 0x8000);
	memmap_remove(&m, 0x1000, 0x2000);  /* split */
	memmap_remove(&m, 0x4000, 0x2000);  /* split again */
	expect_ranges(&m, want, 3);
	memmap_remove(&m, 0, 0x100000);     /* everything */
	HT_ASSERT_EQ(m.nr, 0);
}

HTEST(wrapping_length_is_clamped)
{
	struct memmap m = MEMMAP_INIT;

	memmap_add(&m, 0xfffffffffffff000ULL, 0x10000);   /* would wrap to 0xf000 */
	HT_ASSERT_EQ(m.nr, 1);
	HT_ASSERT_EQ(m.r[0].base, 0xfffffffffffff000ULL);
	HT_ASSERT_EQ(m.r[0].end, UINT64_MAX);
	HT_ASSERT(!memmap_overlaps(&m, 0, 0x10000));
}

HTEST(page_align_shrinks_inward)
{
	struct memmap m = MEMMAP_INIT;
	static const uint64_t want[] = { 0x2000, 0x5000 };

	memmap_add(&m, 0x1800, 0x3900);     /* [0x1800, 0x5100) */
	memmap_add(&m, 0x9100, 0x800);      /* less than a page once aligned */
	memmap_page_align(&m, 0x1000);
	expect_ranges(&m, want, 1);
}

HTEST(contains_and_overlaps)
{
	struct memmap m = MEMMAP_INIT;

	memmap_add(&m, 0x1000, 0x1000);
	memmap_add(&m, 0x3000, 0x1000);
	HT_ASSERT(memmap_contains(&m, 0x1000, 0x1000));
	HT_ASSERT(!memmap_contains(&m, 0x1000, 0x3000));   /* spans a hole */
	HT_ASSERT(memmap_overlaps(&m, 0x1fff, 2));
	HT_ASSERT(!memmap_overlaps(&m, 0x2000, 0x1000));
	HT_ASSERT(!memmap_contains(&m, 0x3000, UINT64_MAX));
}

HTEST(capacity_is_reported)
{
	struct memmap m = MEMMAP_INIT;
	int ret = 0;

	for (int i = 0; i <= MEMMAP_MAX_RANGES && !ret; i++)
		ret = memmap_add(&m, (uint64_t)i * 0x10000, 0x1000);
	HT_ASSERT_EQ(ret, -ENOSPC);
	HT_ASSERT_EQ(m.nr, MEMMAP_MAX_RANGES);
	/* A split that needs one more slot fails cleanly too. */
	HT_ASSERT_EQ(memmap_remove(&m, 0x400, 0x100), -ENOSPC);
}

HTEST(zero_length_is_a_no_op)
{
	struct memmap m = MEMMAP_INIT;

	HT_ASSERT_EQ(memmap_add(&m, 0x1000, 0), 0);
	HT_ASSERT_EQ(m.nr, 0);
	memmap_add(&m, 0x1000, 0x1000);
	HT_ASSERT_EQ(memmap_remove(&m, 0x1000, 0), 0);
	HT_ASSERT_EQ(m.nr, 1);
}
