/* SPDX-License-Identifier: MIT */
/*
 * page.h - physical pages: the struct page array, the page arenas, and
 * reference counts.
 *
 * Boot: page_alloc_init(max_pa, boot_alloc), then page_add_free_range()
 * for every usable RAM range.  After page_alloc_init() slab (kmem_init)
 * and kmalloc are initialised too; they work once some range was added.
 *
 *	base_arena    physical addresses, quantum PGSIZE, the free RAM
 *	kpages_arena  direct-map addresses of the same pages (KADDR(pa)),
 *	              importing from base_arena, with quantum caches
 *
 *	void *p = kpage_alloc(MEM_WAIT);   refcount 1
 *	page_incref(kva2page(p)); ...; kpage_free(p);  (drops one reference)
 *
 * The direct-map offset is the variable page_dmap_offset (KERN_DMAP_BASE in
 * the kernel; host tests point it at a buffer that plays physical memory),
 * so this file needs no arch/mmu.h.  Refcounts are atomic; the last
 * page_decref() frees the page.  Pages from kpages_alloc() have refcount 1
 * each and go back only with kpages_free().
 *
 * Field tags ([I], [l], ...): the legend in Documentation/style.md.
 */
#pragma once

#include <types.h>
#include <atomic.h>
#include <mem_flags.h>

struct arena;

struct page {
	atomic32_t refcnt;    /* [a] 0: free or not RAM */
	uint32_t flags;       /* [a] reserved */
};

extern struct arena *base_arena;
extern struct arena *kpages_arena;
extern uintptr_t page_dmap_offset;
extern struct page *pages;
extern size_t nr_pages;       /* entries in pages[] */

#define KPAGES_QCACHE_MAX (8 * 4096)

void page_alloc_init(physaddr_t max_pa,
                     void *(*boot_alloc)(size_t size, size_t align));
void page_add_free_range(physaddr_t pa, size_t len);

void *kpage_alloc(int flags);
void *kpage_zalloc(int flags);
void kpage_free(void *kva);
/* size: bytes, rounded up to pages; physically contiguous. */
void *kpages_alloc(size_t size, int flags);
void kpages_free(void *kva, size_t size);

struct page *kva2page(const void *kva);
void *page2kva(const struct page *pg);
physaddr_t page2pa(const struct page *pg);
struct page *pa2page(physaddr_t pa);
void *page_kaddr(physaddr_t pa);
physaddr_t page_paddr(const void *kva);

void page_incref(struct page *pg);
/* Frees the page when the count drops to zero. */
void page_decref(struct page *pg);
int page_refcnt(const struct page *pg);

/* Free pages in base_arena (not counting pages cached by slab or kpages). */
size_t nr_free_pages(void);
/*
 * For leak checks: reaps every cache, then returns free pages plus pages
 * held by the boundary-tag pool (which grows and never shrinks).  Equal
 * before and after a leak-free run.
 */
size_t page_leakcheck_count(void);
/* printk free pages, kmalloc live counts, every arena and slab cache (for
 * the monitor's "mem"). */
void page_print_stats(void);
