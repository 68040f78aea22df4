/* SPDX-License-Identifier: MIT */
/*
 * leakcheck.c - allocator snapshots for leak checks (leakcheck.h).
 *
 * A snapshot first reaps every slab cache (page_leakcheck_count() does:
 * magazines of every core are drained, empty slabs go back to their
 * arenas), so what remains is exactly what callers hold.  Slab objects are
 * counted with kmem_nr_in_use(), which leaves out slab's own bookkeeping
 * caches (their size follows the other caches, not the test).
 */
#include <kmalloc.h>
#include <leakcheck.h>
#include <page.h>
#include <printk.h>
#include <slab.h>

void leak_snapshot_take(struct leak_snapshot *s)
{
	s->pages = page_leakcheck_count();
	s->slab_objs = kmem_nr_in_use();
	kmalloc_get_live(&s->kmalloc_objs, &s->kmalloc_bytes);
}

bool leak_snapshot_equal(const struct leak_snapshot *a, const struct leak_snapshot *b)
{
	return a->pages == b->pages && a->slab_objs == b->slab_objs &&
	       a->kmalloc_objs == b->kmalloc_objs && a->kmalloc_bytes == b->kmalloc_bytes;
}

const char *leak_snapshot_diff(const struct leak_snapshot *before,
                               const struct leak_snapshot *after)
{
	static char buf[160];

	snprintf(buf, sizeof(buf),
	         "pages %zu -> %zu, slab objects %zu -> %zu, kmalloc %zu -> %zu objects (%zu -> %zu bytes)",
	         before->pages, after->pages, before->slab_objs, after->slab_objs,
	         before->kmalloc_objs, after->kmalloc_objs,
	         before->kmalloc_bytes, after->kmalloc_bytes);
	return buf;
}
