/* SPDX-License-Identifier: MIT */
/*
 * leakcheck.c - allocator snapshots for leak checks (leakcheck.h).
 *
 * A snapshot first frees the syscalls' spare bounce buffers
 * (sysf_bounce_drain) and reaps every slab cache (page_leakcheck_count()
 * does: magazines of every core are drained, empty slabs go back to their
 * arenas).  Then it counts three things that a leak-free piece of work
 * leaves unchanged:
 *  - slab objects in use (kmem_nr_in_use(), without slab's own bookkeeping
 *    caches, whose size follows the other caches, not the caller);
 *  - live kmalloc objects and their bytes;
 *  - live chans and blocks (they are also slab objects, but naming them
 *    tells the reader what leaked);
 *  - pages that are free or owned by slab caches.  Pages inside slabs are
 *    counted as 'not leaked' because the objects in them are counted above:
 *    a partially used slab that stays around after a test (fragmentation)
 *    is not a leak, while a page taken straight from the page arena and
 *    never returned is.
 */
#include <arch/mmu.h>
#include <block.h>
#include <kmalloc.h>
#include <leakcheck.h>
#include <page.h>
#include <printk.h>
#include <slab.h>
#include <syscall.h>
#include <sysfile.h>

static void add_slab_pages(struct kmem_cache *c, void *arg)
{
	struct kmem_cache_stats st;

	kmem_cache_get_stats(c, &st);
	if (st.source == kpages_arena)
		*(size_t *)arg += st.slab_bytes / PGSIZE;
}

size_t leak_slab_pages(void)
{
	size_t slab_pages = 0;

	kmem_cache_for_each(add_slab_pages, &slab_pages);
	return slab_pages;
}

void leak_snapshot_take(struct leak_snapshot *s)
{
	sysf_bounce_drain();
	s->pages = page_leakcheck_count();
	s->pages += leak_slab_pages();
	s->slab_objs = kmem_nr_in_use();
	kmalloc_get_live(&s->kmalloc_objs, &s->kmalloc_bytes);
	s->chans = chan_nr_live();
	s->blocks = block_live_count();
}

bool leak_snapshot_equal(const struct leak_snapshot *a, const struct leak_snapshot *b)
{
	return a->pages == b->pages && a->slab_objs == b->slab_objs &&
	       a->kmalloc_objs == b->kmalloc_objs && a->kmalloc_bytes == b->kmalloc_bytes &&
	       a->chans == b->chans && a->blocks == b->blocks;
}

const char *leak_snapshot_diff(const struct leak_snapshot *before,
                               const struct leak_snapshot *after)
{
	static char buf[224];

	snprintf(buf, sizeof(buf),
	         "pages %zu -> %zu, slab objects %zu -> %zu, kmalloc %zu -> %zu objects "
	         "(%zu -> %zu bytes), chans %ld -> %ld, blocks %ld -> %ld",
	         before->pages, after->pages, before->slab_objs, after->slab_objs,
	         before->kmalloc_objs, after->kmalloc_objs,
	         before->kmalloc_bytes, after->kmalloc_bytes,
	         (long)before->chans, (long)after->chans,
	         (long)before->blocks, (long)after->blocks);
	return buf;
}
