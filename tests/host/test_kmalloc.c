/* SPDX-License-Identifier: MIT */
/*
 * test_kmalloc.c - host tests of kern/src/mm/kmalloc.c and kern/src/mm/page.c,
 * on the whole stack (page.c -> arenas -> slab -> kmalloc).
 *
 * A 64 MiB aligned_alloc buffer plays physical memory: page_dmap_offset
 * points at it, so "physical address" pa lives at buf + pa.  Tests cover
 * size classes, large allocations from the page arena, krealloc,
 * kmalloc_array overflow, bad flags, kfree checks, poisoning, alignment,
 * page refcounts and conversions, free-range parsing, and leak checks
 * (live kmalloc counts and page_leakcheck_count() equal before and after
 * a random multi-core stress with checksummed contents).
 */
#include <page.h>
#include <arena.h>
#include <slab.h>
#include <kmalloc.h>
#include <assert.h>
#include <errno.h>
#include <ros/mmu64.h>

#include <pthread.h>
#include <string.h>

#include "htest.h"

/* ------------------------------------------------------------ harness --- */

#define PHYS_SIZE (64u << 20)
static uint8_t *phys;

static void *host_boot_alloc(size_t size, size_t align)
{
	return aligned_alloc(align, ALIGN_UP(size, align));
}

static void setup(void)
{
	phys = aligned_alloc(PGSIZE, PHYS_SIZE);
	HT_ASSERT(phys);
	page_dmap_offset = (uintptr_t)phys;
	page_alloc_init(PHYS_SIZE, host_boot_alloc);
	HT_ASSERT_EQ(nr_pages, PHYS_SIZE / PGSIZE);
	page_add_free_range(0, PHYS_SIZE);
	HT_ASSERT(kmem_is_ready());
}

static const char *find_name;
static struct kmem_cache *found_cache;

static void find_cache(struct kmem_cache *c, void *arg)
{
	if (strcmp(c->name, find_name) == 0)
		found_cache = c;
}

static uint64_t cache_allocs(const char *name)
{
	struct kmem_cache_stats st;

	find_name = name;
	found_cache = NULL;
	kmem_cache_for_each(find_cache, NULL);
	HT_ASSERT_MSG(found_cache, "no cache %s", name);
	kmem_cache_get_stats(found_cache, &st);
	return st.nr_allocs;
}

static void live(size_t *objs, size_t *bytes)
{
	kmalloc_get_live(objs, bytes);
}

/* ------------------------------------------------------ kmalloc tests --- */

HTEST(kmalloc_size_classes)
{
	static const struct { size_t size; const char *cache; } cases[] = {
		{ 0, "kmalloc-16" }, { 1, "kmalloc-32" }, { 16, "kmalloc-32" },
		{ 17, "kmalloc-48" }, { 100, "kmalloc-128" },
		{ 1000, "kmalloc-1024" }, { 1009, "kmalloc-1536" },
		{ 4000, "kmalloc-4096" }, { 8176, "kmalloc-8192" },
	};

	setup();
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t before = cache_allocs(cases[i].cache);
		uint8_t *p = kmalloc(cases[i].size, MEM_WAIT);

		HT_ASSERT(p);
		HT_ASSERT_EQ((uintptr_t)p % 16, 0);
		HT_ASSERT_EQ(kmalloc_size(p), cases[i].size);
		memset(p, 0xcc, cases[i].size);
		HT_ASSERT_MSG(cache_allocs(cases[i].cache) == before + 1,
		              "%zu bytes did not come from %s", cases[i].size,
		              cases[i].cache);
		kfree(p);
	}
}

HTEST(kmalloc_large_from_page_arena)
{
	size_t before, during;
	uint8_t *p;

	setup();
	before = page_leakcheck_count();
	p = kmalloc(100000, MEM_WAIT);        /* 25 pages with the header */
	HT_ASSERT(p);
	memset(p, 0x11, 100000);
	during = nr_free_pages();
	HT_ASSERT_EQ(before - arena_btag_nr_pages() - during, 25);
	kfree(p);
	HT_ASSERT_EQ(page_leakcheck_count(), before);
}

HTEST(kmalloc_kzmalloc_zeroes)
{
	uint8_t *p;

	setup();
	for (int i = 0; i < 50; i++) {
		p = kmalloc(300, MEM_WAIT);
		memset(p, 0xff, 300);
		kfree(p);
	}
	p = kzmalloc(300, MEM_WAIT);
	for (int i = 0; i < 300; i++)
		HT_ASSERT_EQ(p[i], 0);
	kfree(p);
}

HTEST(kmalloc_krealloc_keeps_data)
{
	size_t sizes[] = { 10, 24, 200, 5000, 70000, 300, 3, 200000 };
	size_t prev = 10;
	uint8_t *p;

	setup();
	p = krealloc(NULL, 10, MEM_WAIT);
	HT_ASSERT(p);
	for (size_t i = 0; i < 10; i++)
		p[i] = i;
	for (size_t s = 1; s < ARRAY_SIZE(sizes); s++) {
		size_t keep = MIN(prev, sizes[s]);

		p = krealloc(p, sizes[s], MEM_WAIT);
		HT_ASSERT(p);
		HT_ASSERT_EQ(kmalloc_size(p), sizes[s]);
		for (size_t i = 0; i < MIN((size_t)10, keep); i++)
			HT_ASSERT_EQ(p[i], i);
		for (size_t i = 10; i < sizes[s]; i++)
			p[i] = (uint8_t)(i * 7);
		for (size_t i = 10; i < keep; i++)
			HT_ASSERT_EQ(p[i], (uint8_t)(i * 7));
		prev = sizes[s];
	}
	HT_ASSERT(!krealloc(p, 0, MEM_WAIT));   /* frees */
}

HTEST(kmalloc_krealloc_in_place)
{
	uint8_t *p, *q;
	size_t objs, bytes;

	setup();
	p = kmalloc(20, MEM_WAIT);      /* 36 bytes -> kmalloc-48 */
	q = krealloc(p, 32, MEM_WAIT);
	HT_ASSERT(q == p);
	live(&objs, &bytes);
	HT_ASSERT_EQ(bytes, 32);
	q = krealloc(p, 33, MEM_WAIT);
	HT_ASSERT(q != p);
	kfree(q);
	live(&objs, &bytes);
	HT_ASSERT_EQ(objs, 0);
	HT_ASSERT_EQ(bytes, 0);
}

HTEST(kmalloc_array_overflow)
{
	void *p;

	setup();
	HT_ASSERT(!kmalloc_array(SIZE_MAX / 2, 3, MEM_ATOMIC));
	HT_ASSERT(!kmalloc_array((size_t)1 << 33, (size_t)1 << 33, MEM_WAIT));
	HT_ASSERT(!kmalloc(SIZE_MAX, MEM_WAIT));
	HT_ASSERT(!kmalloc(SIZE_MAX - 8, MEM_ATOMIC));
	p = kmalloc_array(100, sizeof(uint64_t), MEM_WAIT);
	HT_ASSERT(p);
	HT_ASSERT_EQ(kmalloc_size(p), 800);
	kfree(p);
}

HTEST(kmalloc_flags_must_be_one_of_two)
{
	const char *out;
	size_t objs, bytes;
	void *p;

	setup();
	p = kmalloc(8, MEM_WAIT);
	htest_capture_begin();
	HT_ASSERT(!kmalloc(8, 0));
	HT_ASSERT(!kmalloc(8, MEM_WAIT | MEM_ATOMIC));
	HT_ASSERT(!kzmalloc(8, 0));
	HT_ASSERT(!kmalloc_array(2, 8, 0));
	HT_ASSERT(!krealloc(p, 100, 0));
	HT_ASSERT(!kpage_alloc(0));
	HT_ASSERT(!kpages_alloc(3 * PGSIZE, MEM_ATOMIC | MEM_WAIT));
	out = htest_capture_end();
	HT_ASSERT_MSG(strstr(out, "exactly one of MEM_WAIT, MEM_ATOMIC"),
	              "got: %s", out);
	live(&objs, &bytes);
	HT_ASSERT_EQ(objs, 1);
	HT_ASSERT_EQ(kmalloc_size(p), 8);  /* the failed krealloc left p alone */
	kfree(p);
}

HTEST(kmalloc_kfree_null_is_noop)
{
	setup();
	kfree(NULL);
}

HTEST(kmalloc_double_free_panics)
{
	void *p;

	setup();
	p = kmalloc(40, MEM_WAIT);
	kfree(p);
	htest_expect_panic();
	kfree(p);
}

HTEST(kmalloc_foreign_pointer_panics)
{
	uint64_t local[8] = { 0 };

	setup();
	htest_expect_panic();
	kfree(&local[4]);
}

HTEST(kmalloc_align_power_of_two)
{
	setup();
	for (size_t align = 1; align <= 8192; align <<= 1) {
		uint8_t *p = kmalloc_align(100, align, MEM_WAIT);

		HT_ASSERT(p);
		HT_ASSERT_EQ((uintptr_t)p % align, 0);
		memset(p, 0x3c, 100);
		kfree(p);
	}
	HT_ASSERT(!kmalloc_align(100, 48, MEM_WAIT));
}

HTEST(kmalloc_poison)
{
	uint8_t *p;

	setup();
	p = kmalloc(64, MEM_WAIT);
	for (int i = 0; i < 64; i++)
		HT_ASSERT_EQ(p[i], 0xa5);
	memset(p, 0, 64);
	kfree(p);
	/* The object sits in a magazine, untouched but for the poison. */
	for (int i = 0; i < 64; i++)
		HT_ASSERT_EQ(p[i], 0x6b);
}

/* Random sizes, realloc and free with a fixed seed; contents checksummed. */
struct blob {
	uint8_t *p;
	size_t size;
	uint8_t seed;
};

static void blob_fill(struct blob *b)
{
	for (size_t i = 0; i < b->size; i++)
		b->p[i] = (uint8_t)(b->seed + i * 31);
}

static void blob_check(const struct blob *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b->p[i] != (uint8_t)(b->seed + i * 31))
			htest_fail(__FILE__, __LINE__, "blob %p byte %zu corrupted",
			           (void *)b->p, i);
}

static size_t random_size(uint64_t r)
{
	switch (r % 8) {
	case 0:
		return r >> 40 & 0x7fff;      /* up to 32 KiB: large path */
	case 1:
		return r >> 40 & 0x1fff;
	default:
		return r >> 40 & 0x1ff;
	}
}

static void *kmalloc_stress(void *arg)
{
	struct blob b[256] = { 0 };
	uint64_t r = (uintptr_t)arg * 0x9e3779b97f4a7c15ull + 12345;

	htest_core_id = (uintptr_t)arg;
	for (int it = 0; it < 30000; it++) {
		struct blob *x = &b[htest_rand_r(&r) % 256];

		if (x->p && (r & 0x300) == 0x100) {
			size_t n = random_size(r * 3);
			uint8_t *np = krealloc(x->p, n, MEM_WAIT);

			if (!n) {            /* krealloc(p, 0) frees */
				HT_ASSERT(!np);
				x->p = NULL;
				x->size = 0;
				continue;
			}
			HT_ASSERT(np);
			x->p = np;
			blob_check(x, MIN(n, x->size));
			x->size = n;
			blob_fill(x);
		} else if (x->p) {
			blob_check(x, x->size);
			kfree(x->p);
			x->p = NULL;
			x->size = 0;
		} else {
			x->size = random_size(r);
			x->seed = r >> 8;
			x->p = kmalloc(x->size, MEM_ATOMIC);
			HT_ASSERT(x->p);
			blob_fill(x);
		}
	}
	for (int i = 0; i < 256; i++) {
		blob_check(&b[i], b[i].size);
		kfree(b[i].p);
	}
	return NULL;
}

HTEST(kmalloc_random_stress_leak_check)
{
	size_t objs0, bytes0, objs, bytes, pages0, inuse0;
	pthread_t t[6];

	setup();
	live(&objs0, &bytes0);
	pages0 = page_leakcheck_count();
	inuse0 = kmem_nr_in_use();
	kmalloc_stress((void *)0);
	for (uintptr_t i = 0; i < 6; i++)
		pthread_create(&t[i], NULL, kmalloc_stress, (void *)(i + 1));
	for (int i = 0; i < 6; i++)
		pthread_join(t[i], NULL);
	live(&objs, &bytes);
	HT_ASSERT_EQ(objs, objs0);
	HT_ASSERT_EQ(bytes, bytes0);
	HT_ASSERT_EQ(page_leakcheck_count(), pages0);
	HT_ASSERT_EQ(kmem_nr_in_use(), inuse0);
}

HTEST(kmalloc_leak_is_seen)
{
	size_t objs0, bytes0, objs, bytes, pages0, inuse0;

	setup();
	live(&objs0, &bytes0);
	pages0 = page_leakcheck_count();
	inuse0 = kmem_nr_in_use();
	HT_ASSERT(kmalloc(50, MEM_WAIT));
	HT_ASSERT(kmalloc(50000, MEM_WAIT));
	live(&objs, &bytes);
	HT_ASSERT_EQ(objs, objs0 + 2);
	HT_ASSERT_EQ(bytes, bytes0 + 50050);
	HT_ASSERT(page_leakcheck_count() < pages0);
	HT_ASSERT(kmem_nr_in_use() > inuse0);
}

/* --------------------------------------------------------- page tests --- */

HTEST(page_counts_after_init)
{
	struct arena_stats st;

	setup();
	arena_get_stats(base_arena, &st);
	HT_ASSERT_EQ(st.total, PHYS_SIZE - PGSIZE);   /* page 0 is never added */
	HT_ASSERT_EQ(nr_free_pages() + st.allocated / PGSIZE,
	             PHYS_SIZE / PGSIZE - 1);
	HT_ASSERT(nr_free_pages() > PHYS_SIZE / PGSIZE - 200);
	htest_capture_begin();
	page_print_stats();
	HT_ASSERT(strstr(htest_capture_end(), "arena kpages"));
}

HTEST(page_alloc_conversions_refcounts)
{
	size_t before;
	uint8_t *p;
	struct page *pg;

	setup();
	before = page_leakcheck_count();
	p = kpage_zalloc(MEM_WAIT);
	HT_ASSERT(p);
	HT_ASSERT_EQ((uintptr_t)p % PGSIZE, 0);
	for (int i = 0; i < PGSIZE; i++)
		HT_ASSERT_EQ(p[i], 0);
	pg = kva2page(p);
	HT_ASSERT(page2kva(pg) == p);
	HT_ASSERT(pa2page(page2pa(pg)) == pg);
	HT_ASSERT_EQ(page2pa(pg), (uintptr_t)(p - phys));
	HT_ASSERT(page_kaddr(page2pa(pg)) == p);
	HT_ASSERT_EQ(page_refcnt(pg), 1);
	page_incref(pg);
	HT_ASSERT_EQ(page_refcnt(pg), 2);
	kpage_free(p);                         /* drops one reference */
	HT_ASSERT_EQ(page_refcnt(pg), 1);
	page_decref(pg);                       /* the last: frees */
	HT_ASSERT_EQ(page_refcnt(pg), 0);
	HT_ASSERT_EQ(page_leakcheck_count(), before);
}

HTEST(page_decref_free_page_panics)
{
	void *p;

	setup();
	p = kpage_alloc(MEM_WAIT);
	kpage_free(p);
	htest_expect_panic();
	kpage_free(p);
}

HTEST(page_kpages_contiguous)
{
	size_t before;
	uint8_t *p;

	setup();
	before = page_leakcheck_count();
	p = kpages_alloc(5 * PGSIZE - 100, MEM_WAIT);
	HT_ASSERT(p);
	for (int i = 0; i < 5; i++)
		HT_ASSERT_EQ(page_refcnt(kva2page(p + i * PGSIZE)), 1);
	memset(p, 0x77, 5 * PGSIZE);
	kpages_free(p, 5 * PGSIZE - 100);
	HT_ASSERT_EQ(page_refcnt(kva2page(p)), 0);
	p = kpages_alloc(40 * PGSIZE, MEM_WAIT);   /* past the quantum caches */
	HT_ASSERT(p);
	kpages_free(p, 40 * PGSIZE);
	HT_ASSERT_EQ(page_leakcheck_count(), before);
}

HTEST(page_exhaustion)
{
	size_t before, n = 0;
	void **all = calloc(PHYS_SIZE / PGSIZE, sizeof(void *));
	void *p;

	setup();
	before = page_leakcheck_count();
	while ((p = kpage_alloc(MEM_ATOMIC)))
		all[n++] = p;
	HT_ASSERT_MSG(n + 200 > before - arena_btag_nr_pages(),
	              "only %zu of %zu pages", n, before);
	HT_ASSERT(!kmalloc(20000, MEM_ATOMIC));
	while (n)
		kpage_free(all[--n]);
	HT_ASSERT_EQ(page_leakcheck_count(), before);
	free(all);
}

HTEST(page_free_ranges_checked)
{
	static struct arena_stats st;
	const char *out;

	phys = aligned_alloc(PGSIZE, PHYS_SIZE);
	page_dmap_offset = (uintptr_t)phys;
	page_alloc_init(PHYS_SIZE, host_boot_alloc);
	htest_capture_begin();
	page_add_free_range(0, 3 * PGSIZE);                 /* page 0 dropped */
	page_add_free_range(0x10100, 0x3000);               /* trimmed inward */
	page_add_free_range(0x20000, 0x100);                /* under a page */
	page_add_free_range(PHYS_SIZE - PGSIZE, 4 * PGSIZE); /* clipped */
	page_add_free_range(0x1000, PGSIZE);                /* overlap */
	page_add_free_range(~(physaddr_t)0 - 10, 100);      /* wraps */
	out = htest_capture_end();
	HT_ASSERT_MSG(strstr(out, "clipped") && strstr(out, "refused") &&
	              strstr(out, "bad range"), "got: %s", out);
	arena_get_stats(base_arena, &st);
	HT_ASSERT_EQ(st.total, 2 * PGSIZE + 2 * PGSIZE + PGSIZE);
	HT_ASSERT(!kmem_is_ready());         /* too little RAM yet */
	page_add_free_range(1 << 20, 16 << 20);
	HT_ASSERT(kmem_is_ready());
	HT_ASSERT(kmalloc(10, MEM_ATOMIC));
}
