/* SPDX-License-Identifier: MIT */
/*
 * leakcheck.h - snapshots of the allocators' counters, for tests that
 * check they leave nothing behind.
 *
 *	struct leak_snapshot a, b;
 *	leak_snapshot_take(&a);  ...work...  leak_snapshot_take(&b);
 *	if (!leak_snapshot_equal(&a, &b)) report(leak_snapshot_diff(&a, &b));
 *
 * Taking a snapshot reaps every slab cache first (magazines and empty slabs
 * go back to their arenas), so the page count is exact.  Call it only where
 * nothing else allocates concurrently (the ktest runner does).
 */
#pragma once

#include <types.h>

struct leak_snapshot {
	size_t pages;           /* free + boundary-tag + slab-owned pages */
	size_t slab_objs;       /* objects in use in all slab caches */
	size_t kmalloc_objs;    /* live kmalloc objects */
	size_t kmalloc_bytes;   /* bytes they asked for */
	int64_t chans;          /* live chans (9ns) */
	int64_t blocks;         /* live blocks (qio) */
};

void leak_snapshot_take(struct leak_snapshot *s);
/* Pages that slab caches on kpages_arena hold (in slabs, used or not). */
size_t leak_slab_pages(void);
bool leak_snapshot_equal(const struct leak_snapshot *a, const struct leak_snapshot *b);

/* A static description of the difference; valid until the next call. */
const char *leak_snapshot_diff(const struct leak_snapshot *before,
                               const struct leak_snapshot *after);
