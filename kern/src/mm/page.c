/* SPDX-License-Identifier: MIT */
/*
 * page.c - physical page management: the struct page array, base_arena and
 * kpages_arena, page reference counts (see page.h).
 *
 * base_arena holds physical addresses of free RAM (one span per range the
 * boot code reports; page 0 is never added, as 0 means failure).
 * kpages_arena holds the same pages as direct-map addresses; it imports
 * exactly what each request needs from base_arena and gives a span back as
 * soon as it is wholly free, so base_arena's free count is the machine's
 * (after kmem_reap_all() has emptied the slab and quantum caches).
 *
 * Slab and kmalloc come up inside page_add_free_range() as soon as
 * base_arena holds KMEM_BOOT_PAGES pages: their bootstrap allocates.
 * The boundary-tag pool of the arenas gets its pages from base_arena
 * (arena_btag_page_alloc, below); the pool's own reserve covers the
 * allocation that such a refill makes.
 *
 * Locking: the arenas lock themselves; refcounts are atomic.  struct page
 * has no lock.
 */
#include <page.h>
#include <arena.h>
#include <slab.h>
#include <kmalloc.h>
#include <assert.h>
#include <kstring.h>
#include <overflow.h>
#include <printk.h>
#include <ros/mmu64.h>

#define KMEM_BOOT_PAGES 256

uintptr_t page_dmap_offset = KERN_DMAP_BASE;
struct page *pages;
size_t nr_pages;
struct arena *base_arena;
struct arena *kpages_arena;
static struct arena base_arena_store, kpages_arena_store;

void *page_kaddr(physaddr_t pa)
{
	return (void *)(pa + page_dmap_offset);
}

physaddr_t page_paddr(const void *kva)
{
	return (uintptr_t)kva - page_dmap_offset;
}

static void *kpages_import(struct arena *src, size_t size, int flags)
{
	void *pa = arena_alloc(src, size, flags);

	return pa ? page_kaddr((physaddr_t)pa) : NULL;
}

static void kpages_release(struct arena *src, void *kva, size_t size)
{
	arena_free(src, (void *)page_paddr(kva), size);
}

void *arena_btag_page_alloc(void)
{
	void *pa;

	if (!base_arena)
		return NULL;
	pa = arena_xalloc(base_arena, PGSIZE, 0, 0, 0, NULL, NULL, MEM_ATOMIC);
	return pa ? page_kaddr((physaddr_t)pa) : NULL;
}

void page_alloc_init(physaddr_t max_pa,
                     void *(*boot_alloc)(size_t size, size_t align))
{
	size_t bytes;

	nr_pages = max_pa / PGSIZE;
	bytes = array_size(nr_pages, sizeof(struct page));
	pages = boot_alloc(bytes, 64);
	if (!pages)
		panic("page_alloc_init: no memory for %zu struct pages", nr_pages);
	memset(pages, 0, bytes);
	if (arena_init(&base_arena_store, "base", NULL, 0, PGSIZE, NULL, NULL,
	               NULL, 0, MEM_ATOMIC) ||
	    arena_init(&kpages_arena_store, "kpages", NULL, 0, PGSIZE,
	               kpages_import, kpages_release, &base_arena_store,
	               KPAGES_QCACHE_MAX, MEM_ATOMIC))
		panic("page_alloc_init: cannot set up the page arenas");
	base_arena = &base_arena_store;
	kpages_arena = &kpages_arena_store;
}

void page_add_free_range(physaddr_t pa, size_t len)
{
	physaddr_t start = ALIGN_UP(pa, PGSIZE), end = pa + len;
	physaddr_t limit = (physaddr_t)nr_pages * PGSIZE;

	if (!base_arena || end < pa || start < pa) {
		printk("page_add_free_range: bad range %#zx+%#zx\n", pa, len);
		return;
	}
	end = ALIGN_DOWN(end, PGSIZE);
	start = MAX(start, (physaddr_t)PGSIZE);
	if (end > limit) {
		printk("page_add_free_range: %#zx..%#zx beyond max_pa %#zx, "
		       "clipped\n", start, end, limit);
		end = limit;
	}
	if (start >= end)
		return;
	if (arena_add(base_arena, (void *)start, end - start, MEM_ATOMIC))
		printk("page_add_free_range: %#zx..%#zx refused (overlap?)\n",
		       start, end);
	if (!kmem_is_ready() && nr_free_pages() >= KMEM_BOOT_PAGES) {
		kmem_init(kpages_arena);
		kmalloc_init(kpages_arena);
	}
}

/* ------------------------------------------------------ conversions --- */

struct page *pa2page(physaddr_t pa)
{
	if (pa / PGSIZE >= nr_pages)
		panic("pa2page: %#zx is beyond the page array", pa);
	return &pages[pa / PGSIZE];
}

physaddr_t page2pa(const struct page *pg)
{
	return (physaddr_t)(pg - pages) * PGSIZE;
}

struct page *kva2page(const void *kva)
{
	return pa2page(page_paddr(kva));
}

void *page2kva(const struct page *pg)
{
	return page_kaddr(page2pa(pg));
}

/* ----------------------------------------------------- alloc and free --- */

static void kpages_set_ref(void *kva, size_t size, int ref)
{
	for (size_t off = 0; off < size; off += PGSIZE) {
		struct page *pg = kva2page((char *)kva + off);

		if (atomic32_read(&pg->refcnt) != !ref)
			warn("page %#zx: refcount %d, expected %d", page2pa(pg),
			     atomic32_read(&pg->refcnt), !ref);
		atomic32_set(&pg->refcnt, ref);
	}
}

void *kpages_alloc(size_t size, int flags)
{
	void *kva;

	if (!size || ALIGN_UP(size, PGSIZE) < size)
		return NULL;
	size = ALIGN_UP(size, PGSIZE);
	kva = arena_alloc(kpages_arena, size, flags);
	if (kva)
		kpages_set_ref(kva, size, 1);
	return kva;
}

void kpages_free(void *kva, size_t size)
{
	size = ALIGN_UP(size, PGSIZE);
	kpages_set_ref(kva, size, 0);
	arena_free(kpages_arena, kva, size);
}

void *kpage_alloc(int flags)
{
	return kpages_alloc(PGSIZE, flags);
}

void *kpage_zalloc(int flags)
{
	void *kva = kpage_alloc(flags);

	if (kva)
		memset(kva, 0, PGSIZE);
	return kva;
}

void kpage_free(void *kva)
{
	page_decref(kva2page(kva));
}

void page_incref(struct page *pg)
{
	if (atomic32_fetch_add(&pg->refcnt, 1) <= 0)
		panic("page_incref: page %#zx is free", page2pa(pg));
}

void page_decref(struct page *pg)
{
	int32_t old = atomic32_fetch_add(&pg->refcnt, -1);

	if (old <= 0)
		panic("page_decref: page %#zx is already free (refcount %d)",
		      page2pa(pg), old);
	if (old == 1)
		arena_free(kpages_arena, page2kva(pg), PGSIZE);
}

int page_refcnt(const struct page *pg)
{
	return atomic32_read(&pg->refcnt);
}

size_t nr_free_pages(void)
{
	return arena_amt_free(base_arena) / PGSIZE;
}

size_t page_leakcheck_count(void)
{
	kmem_reap_all();
	return nr_free_pages() + arena_btag_nr_pages();
}

void page_print_stats(void)
{
	size_t objs, bytes;

	kmalloc_get_live(&objs, &bytes);
	printk("pages: %zu free of %zu, %zu held by boundary tags\n",
	       nr_free_pages(), nr_pages, arena_btag_nr_pages());
	printk("kmalloc: %zu objects, %zu bytes live\n", objs, bytes);
	arena_for_each(arena_print, NULL);
	kmem_cache_for_each(kmem_cache_print, NULL);
}
