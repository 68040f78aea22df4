/* SPDX-License-Identifier: MIT */
/*
 * memmap.h - a small sorted list of physical memory ranges, used to turn the
 * boot loader's memory map into the set of pages the allocator may use.
 *
 *	struct memmap usable = MEMMAP_INIT;
 *	memmap_add(&usable, base, len);           // RAM the firmware reports
 *	memmap_remove(&usable, kernel_start, kernel_len);  // carve out what is in use
 *	memmap_for_each(&usable, r) ...
 *
 * Ranges are kept sorted, non-overlapping and merged, so overlapping or
 * duplicated firmware entries cannot make a page count twice.  The list has a
 * fixed capacity (the boot path runs before any allocator exists); an
 * operation that would overflow it drops the smallest effect and reports it
 * through the return value (-ENOSPC).  Not thread safe: boot-time only.
 */
#pragma once

#include <types.h>

#define MEMMAP_MAX_RANGES 128

struct mem_range {
	uint64_t base;
	uint64_t end;   /* exclusive */
};

struct memmap {
	int nr;
	struct mem_range r[MEMMAP_MAX_RANGES];
};

#define MEMMAP_INIT { .nr = 0 }

int memmap_add(struct memmap *m, uint64_t base, uint64_t len);
int memmap_remove(struct memmap *m, uint64_t base, uint64_t len);
void memmap_page_align(struct memmap *m, uint64_t page_size);
uint64_t memmap_total(const struct memmap *m);
bool memmap_overlaps(const struct memmap *m, uint64_t base, uint64_t len);
bool memmap_contains(const struct memmap *m, uint64_t base, uint64_t len);

#define memmap_for_each(m, range) \
	for (const struct mem_range *range = (m)->r; range < (m)->r + (m)->nr; range++)
