/* SPDX-License-Identifier: MIT */
/*
 * memmap.c - sorted, merged lists of physical ranges (see memmap.h).
 *
 * Ranges are half-open [base, end).  A length that would wrap past 2^64 is
 * clamped to end at UINT64_MAX, so a hostile firmware entry cannot wrap
 * around and describe low memory.
 */
#include <errno.h>
#include <memmap.h>

static uint64_t range_end(uint64_t base, uint64_t len)
{
	uint64_t end;

	if (__builtin_add_overflow(base, len, &end))
		return UINT64_MAX;
	return end;
}

static void memmap_delete_at(struct memmap *m, int i)
{
	for (int j = i; j < m->nr - 1; j++)
		m->r[j] = m->r[j + 1];
	m->nr--;
}

static int memmap_insert_at(struct memmap *m, int i, uint64_t base, uint64_t end)
{
	if (m->nr == MEMMAP_MAX_RANGES)
		return -ENOSPC;
	for (int j = m->nr; j > i; j--)
		m->r[j] = m->r[j - 1];
	m->r[i].base = base;
	m->r[i].end = end;
	m->nr++;
	return 0;
}

/* Merges range i with its successors while they touch or overlap. */
static void memmap_merge_from(struct memmap *m, int i)
{
	while (i + 1 < m->nr && m->r[i + 1].base <= m->r[i].end) {
		if (m->r[i + 1].end > m->r[i].end)
			m->r[i].end = m->r[i + 1].end;
		memmap_delete_at(m, i + 1);
	}
}

int memmap_add(struct memmap *m, uint64_t base, uint64_t len)
{
	uint64_t end = range_end(base, len);
	int i = 0;
	int ret;

	if (len == 0)
		return 0;
	while (i < m->nr && m->r[i].end < base)
		i++;
	if (i < m->nr && m->r[i].base <= end) {
		if (base < m->r[i].base)
			m->r[i].base = base;
		if (end > m->r[i].end)
			m->r[i].end = end;
	} else {
		ret = memmap_insert_at(m, i, base, end);
		if (ret)
			return ret;
	}
	memmap_merge_from(m, i);
	return 0;
}

int memmap_remove(struct memmap *m, uint64_t base, uint64_t len)
{
	uint64_t end = range_end(base, len);

	if (len == 0)
		return 0;
	for (int i = 0; i < m->nr; i++) {
		struct mem_range *r = &m->r[i];

		if (r->end <= base || r->base >= end)
			continue;
		if (r->base < base && r->end > end) {
			/* Split in two: keep the low part here, insert the high. */
			uint64_t hi_end = r->end;

			r->end = base;
			return memmap_insert_at(m, i + 1, end, hi_end);
		}
		if (r->base < base) {
			r->end = base;
		} else if (r->end > end) {
			r->base = end;
		} else {
			memmap_delete_at(m, i);
			i--;
		}
	}
	return 0;
}

/* Shrinks every range inward to whole pages; drops ranges that vanish. */
void memmap_page_align(struct memmap *m, uint64_t page_size)
{
	for (int i = 0; i < m->nr; i++) {
		struct mem_range *r = &m->r[i];
		uint64_t base = r->base, end = r->end & ~(page_size - 1);

		if (base & (page_size - 1))
			base = range_end(base, page_size - (base & (page_size - 1)));
		if (base >= end) {
			memmap_delete_at(m, i);
			i--;
			continue;
		}
		r->base = base;
		r->end = end;
	}
}

uint64_t memmap_total(const struct memmap *m)
{
	uint64_t total = 0;

	memmap_for_each(m, r)
		total += r->end - r->base;
	return total;
}

bool memmap_overlaps(const struct memmap *m, uint64_t base, uint64_t len)
{
	uint64_t end = range_end(base, len);

	memmap_for_each(m, r)
		if (r->base < end && base < r->end)
			return true;
	return false;
}

bool memmap_contains(const struct memmap *m, uint64_t base, uint64_t len)
{
	uint64_t end = range_end(base, len);

	memmap_for_each(m, r)
		if (r->base <= base && end <= r->end)
			return true;
	return false;
}
