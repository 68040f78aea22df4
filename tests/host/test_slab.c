/* SPDX-License-Identifier: MIT */
/*
 * test_slab.c - host tests of kern/src/mm/slab.c (with arena.c, and kmalloc.c
 * for arena_create).
 *
 * tests/host/mem_harness.c builds the host page arena.  Tests cover in-page
 * and off-page caches, alignment, constructors (objects stay constructed
 * in magazines), the magazine and depot layers, exact "in use" counts
 * after a drain, destroy with leaks, bad frees, NOTOUCH caches on memory
 * that does not exist, MEM_WAIT through a test mem_wait_for_memory(), and
 * a multi-threaded stress where each thread is a different core and every
 * object carries a checksum of its contents.
 */
#include <arena.h>
#include <slab.h>
#include <kmalloc.h>
#include <assert.h>
#include <errno.h>
#include <ros/mmu64.h>

#include <pthread.h>
#include <string.h>

#include "htest.h"
#include "mem_harness.h"

/* ------------------------------------------------------------ harness --- */

/* The kthread layer's job in the kernel; here a test may plug in a hook. */
static void (*wait_hook)(void);
static int waits;

bool mem_wait_for_memory(int flags, struct mem_wait *w)
{
	(void)flags;
	(void)w;
	waits++;
	if (!wait_hook)
		panic("out of memory");
	wait_hook();
	return true;
}

static size_t pages_in_use(void)
{
	struct arena_stats st;

	kmem_reap_all();
	arena_get_stats(&mem_harness_pages, &st);
	return st.allocated;
}

static struct kmem_cache_stats cstats(struct kmem_cache *c)
{
	struct kmem_cache_stats st;

	kmem_cache_get_stats(c, &st);
	return st;
}

/* -------------------------------------------------------------- tests --- */

HTEST(slab_small_objects)
{
	struct kmem_cache *c;
	uint8_t *p[1000];
	size_t base;

	mem_harness_setup();
	c = kmem_cache_create("small24", 24, 0, 0, NULL, NULL, NULL);
	HT_ASSERT(c);
	base = pages_in_use();
	for (int i = 0; i < 1000; i++) {
		p[i] = kmem_cache_alloc(c, MEM_ATOMIC);
		HT_ASSERT(p[i]);
		HT_ASSERT_EQ((uintptr_t)p[i] % 8, 0);
		memset(p[i], i & 0xff, 24);
	}
	for (int i = 0; i < 1000; i++)
		for (int k = 0; k < 24; k++)
			HT_ASSERT_EQ(p[i][k], i & 0xff);
	HT_ASSERT_EQ(cstats(c).nr_in_use, 1000);
	HT_ASSERT(cstats(c).nr_slabs >= 1000 / (4096 / 24));
	for (int i = 0; i < 1000; i++)
		kmem_cache_free(c, p[i]);
	HT_ASSERT_EQ(cstats(c).nr_in_use, 0);
	HT_ASSERT_EQ(pages_in_use(), base);
	HT_ASSERT_EQ(cstats(c).nr_slabs, 0);
	HT_ASSERT_EQ(kmem_cache_destroy(c), 0);
}

HTEST(slab_alignment)
{
	size_t sizes[] = { 1, 40, 100, 700, 3000, 5000 };
	size_t aligns[] = { 8, 16, 64, 256, 1024, 4096 };

	mem_harness_setup();
	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
		for (size_t a = 0; a < ARRAY_SIZE(aligns); a++) {
			struct kmem_cache *c = kmem_cache_create("al", sizes[s],
			                                         aligns[a], 0, NULL,
			                                         NULL, NULL);
			void *p[20];

			HT_ASSERT(c);
			for (int i = 0; i < 20; i++) {
				p[i] = kmem_cache_alloc(c, MEM_WAIT);
				HT_ASSERT_MSG((uintptr_t)p[i] % aligns[a] == 0,
				              "size %zu align %zu: %p", sizes[s],
				              aligns[a], p[i]);
				memset(p[i], 0x5a, sizes[s]);
			}
			for (int i = 0; i < 20; i++)
				kmem_cache_free(c, p[i]);
			HT_ASSERT_EQ(kmem_cache_destroy(c), 0);
		}
	}
}

HTEST(slab_large_objects_offpage)
{
	struct kmem_cache *c;
	uint32_t *p[100];
	size_t base;

	mem_harness_setup();
	c = kmem_cache_create("big3000", 3000, 0, 0, NULL, NULL, NULL);
	HT_ASSERT(c && !c->in_page);
	base = pages_in_use();
	for (int i = 0; i < 100; i++) {
		p[i] = kmem_cache_alloc(c, MEM_ATOMIC);
		HT_ASSERT(p[i]);
		for (int k = 0; k < 750; k++)
			p[i][k] = i * 1000 + k;
	}
	for (int i = 0; i < 100; i++)
		for (int k = 0; k < 750; k++)
			HT_ASSERT_EQ(p[i][k], (uint32_t)(i * 1000 + k));
	for (int i = 0; i < 100; i++)
		kmem_cache_free(c, p[i]);
	HT_ASSERT_EQ(pages_in_use(), base);
	HT_ASSERT_EQ(kmem_cache_destroy(c), 0);
}

static int ctors, dtors;

struct thing {
	uint64_t magic;
	int uses;
};

static void thing_ctor(void *obj)
{
	struct thing *t = obj;

	t->magic = 0x7417;
	t->uses = 0;
	ctors++;
}

static void thing_dtor(void *obj)
{
	struct thing *t = obj;

	HT_ASSERT_EQ(t->magic, 0x7417);
	dtors++;
}

HTEST(slab_ctor_dtor_object_caching)
{
	struct kmem_cache *c;
	struct thing *t[300];

	mem_harness_setup();
	c = kmem_cache_create("thing", sizeof(struct thing), 0, 0, thing_ctor,
	                      thing_dtor, NULL);
	HT_ASSERT(c);
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 300; i++) {
			t[i] = kmem_cache_alloc(c, MEM_ATOMIC);
			HT_ASSERT_EQ(t[i]->magic, 0x7417);
			HT_ASSERT_EQ(t[i]->uses, round);
			t[i]->uses++;
		}
		for (int i = 0; i < 300; i++)
			kmem_cache_free(c, t[i]);   /* into magazines, still built */
	}
	HT_ASSERT(ctors >= 300);
	/* Through the slab layer: maybe destroyed and rebuilt, never raw. */
	kmem_cache_drain(c);
	for (int i = 0; i < 300; i++) {
		t[i] = kmem_cache_alloc(c, MEM_ATOMIC);
		HT_ASSERT_EQ(t[i]->magic, 0x7417);
	}
	for (int i = 0; i < 300; i++)
		kmem_cache_free(c, t[i]);
	HT_ASSERT_EQ(kmem_cache_destroy(c), 0);
	HT_ASSERT_EQ(dtors, ctors);
}

HTEST(slab_magazines_and_drain)
{
	struct kmem_cache *c;
	struct kmem_cache_stats st;
	void *p[100], *again;

	mem_harness_setup();
	c = kmem_cache_create("mag", 64, 0, 0, NULL, NULL, NULL);
	for (int i = 0; i < 100; i++)
		p[i] = kmem_cache_alloc(c, MEM_ATOMIC);
	for (int i = 0; i < 100; i++)
		kmem_cache_free(c, p[i]);
	st = cstats(c);
	HT_ASSERT_EQ(st.nr_in_use, 0);
	HT_ASSERT_EQ(st.nr_in_mags, 100);
	HT_ASSERT(st.nr_full_mags >= 100 / KMEM_MAG_ROUNDS - 2);
	again = kmem_cache_alloc(c, MEM_ATOMIC);
	HT_ASSERT(again == p[99]);    /* last freed, first reused */
	kmem_cache_free(c, again);
	/* Another core does not see this core's loaded magazine. */
	htest_core_id = 5;
	again = kmem_cache_alloc(c, MEM_ATOMIC);
	HT_ASSERT(again);
	HT_ASSERT_EQ(cstats(c).nr_in_use, 1);
	kmem_cache_free(c, again);
	htest_core_id = 0;
	kmem_cache_drain(c);
	st = cstats(c);
	HT_ASSERT_EQ(st.nr_in_mags, 0);
	HT_ASSERT_EQ(st.nr_full_mags + st.nr_empty_mags, 0);
	HT_ASSERT_EQ(st.nr_in_use, 0);
	HT_ASSERT_EQ(st.nr_allocs, 102);
	HT_ASSERT_EQ(st.nr_frees, 102);
}

HTEST(slab_destroy_reports_leaks)
{
	struct kmem_cache *c;
	const char *out;
	void *p[3];

	mem_harness_setup();
	c = kmem_cache_create("leaky", 100, 0, 0, NULL, NULL, NULL);
	for (int i = 0; i < 3; i++)
		p[i] = kmem_cache_alloc(c, MEM_ATOMIC);
	htest_capture_begin();
	HT_ASSERT_EQ(kmem_cache_destroy(c), -EBUSY);
	out = htest_capture_end();
	HT_ASSERT_MSG(strstr(out, "leaky") && strstr(out, "3 objects still in use"),
	              "got: %s", out);
	HT_ASSERT_EQ(cstats(c).nr_in_use, 3);
	for (int i = 0; i < 3; i++)
		kmem_cache_free(c, p[i]);
	HT_ASSERT_EQ(kmem_cache_destroy(c), 0);
}

HTEST(slab_free_foreign_object_panics)
{
	struct kmem_cache *a, *b;
	void *p;

	mem_harness_setup();
	a = kmem_cache_create("a", 32, 0, 0, NULL, NULL, NULL);
	b = kmem_cache_create("b", 48, 0, 0, NULL, NULL, NULL);
	p = kmem_cache_alloc(a, MEM_ATOMIC);
	htest_expect_panic();
	kmem_cache_free(b, p);
}

HTEST(slab_free_misaligned_object_panics)
{
	struct kmem_cache *a;
	char *p;

	mem_harness_setup();
	a = kmem_cache_create("a", 32, 0, 0, NULL, NULL, NULL);
	p = kmem_cache_alloc(a, MEM_ATOMIC);
	htest_expect_panic();
	kmem_cache_free(a, p + 8);
}

HTEST(slab_offpage_double_free_panics)
{
	struct kmem_cache *c;
	void *p;

	mem_harness_setup();
	c = kmem_cache_create("nomags", 2000, 0, KMC_NOMAGS, NULL, NULL, NULL);
	p = kmem_cache_alloc(c, MEM_ATOMIC);
	kmem_cache_free(c, p);
	htest_expect_panic();
	kmem_cache_free(c, p);
}

HTEST(slab_bad_flags_and_args)
{
	struct kmem_cache *c;
	const char *out;

	mem_harness_setup();
	c = kmem_cache_create("f", 32, 0, 0, NULL, NULL, NULL);
	htest_capture_begin();
	HT_ASSERT(!kmem_cache_alloc(c, 0));
	HT_ASSERT(!kmem_cache_alloc(c, MEM_WAIT | MEM_ATOMIC));
	HT_ASSERT(!kmem_cache_create("z", 0, 0, 0, NULL, NULL, NULL));
	HT_ASSERT(!kmem_cache_create("z", 8, 24, 0, NULL, NULL, NULL));
	HT_ASSERT(!kmem_cache_create("z", 8, 0, KMC_NOTOUCH, thing_ctor, NULL,
	                             NULL));
	out = htest_capture_end();
	HT_ASSERT_MSG(strstr(out, "exactly one of MEM_WAIT"), "got: %s", out);
	HT_ASSERT_EQ(cstats(c).nr_allocs, 0);
}

HTEST(slab_create_before_init_fails)
{
	htest_capture_begin();
	HT_ASSERT(!kmem_cache_create("early", 32, 0, 0, NULL, NULL, NULL));
	HT_ASSERT(strstr(htest_capture_end(), "before kmem_init"));
}

HTEST(slab_notouch_on_addresses_without_memory)
{
	struct arena *ids;
	struct kmem_cache *c;
	void *p[500];

	mem_harness_setup();
	/* Nothing is mapped at these addresses: touching one would fault. */
	ids = arena_create("ids", (void *)0x1000, 0x100000, 16, NULL, NULL, NULL,
	                   0, MEM_WAIT);
	c = kmem_cache_create("idq", 32, 16, KMC_NOTOUCH, NULL, NULL, ids);
	HT_ASSERT(c && !c->in_page);
	for (int i = 0; i < 500; i++) {
		p[i] = kmem_cache_alloc(c, MEM_ATOMIC);
		HT_ASSERT((uintptr_t)p[i] >= 0x1000 && (uintptr_t)p[i] < 0x101000);
		HT_ASSERT_EQ((uintptr_t)p[i] % 16, 0);
		for (int j = 0; j < i; j++)
			HT_ASSERT(p[i] != p[j]);
	}
	for (int i = 0; i < 500; i++)
		kmem_cache_free(c, p[i]);
	HT_ASSERT_EQ(kmem_cache_destroy(c), 0);
	arena_destroy(ids);
}

static struct kmem_cache *wait_cache;
static void *wait_stash;

static void free_one(void)
{
	kmem_cache_free(wait_cache, wait_stash);
	wait_stash = NULL;
}

HTEST(slab_exhaustion_atomic_and_wait)
{
	static struct arena tiny;
	void *mem = aligned_alloc(PGSIZE, 4 * PGSIZE), *p, *last = NULL;
	int n = 0;

	mem_harness_setup();
	HT_ASSERT_EQ(arena_init(&tiny, "tiny", mem, 4 * PGSIZE, PGSIZE, NULL,
	                        NULL, NULL, 0, MEM_WAIT), 0);
	wait_cache = kmem_cache_create("w", 1000, 0, 0, NULL, NULL, &tiny);
	while ((p = kmem_cache_alloc(wait_cache, MEM_ATOMIC))) {
		last = p;
		n++;
	}
	HT_ASSERT_EQ(n, 16);          /* one 4-page slab of 1000-byte objects */
	HT_ASSERT_EQ(waits, 0);
	wait_stash = last;
	wait_hook = free_one;
	p = kmem_cache_alloc(wait_cache, MEM_WAIT);
	HT_ASSERT(p == last);
	HT_ASSERT_EQ(waits, 1);
}

static void find_cache(struct kmem_cache *c, void *arg)
{
	if (strcmp(c->name, "findme") == 0) {
		*(struct kmem_cache **)arg = c;
		kmem_cache_print(c, NULL);
	}
}

HTEST(slab_walk)
{
	struct kmem_cache *c, *found = NULL;

	mem_harness_setup();
	c = kmem_cache_create("findme", 32, 0, 0, NULL, NULL, NULL);
	kmem_cache_for_each(find_cache, &found);
	HT_ASSERT(found == c);
	HT_ASSERT_EQ(kmem_cache_destroy(c), 0);
	found = NULL;
	kmem_cache_for_each(find_cache, &found);
	HT_ASSERT(!found);
}

/* ------------------------------------------------ multi-core stress --- */

#define NR_THREADS   8
#define NR_SLOTS     128
#define STRESS_ITERS 100000

static struct kmem_cache *stress_caches[5];
static const size_t stress_sizes[5] = { 16, 72, 256, 1000, 5000 };
/* Objects handed between cores, tagged with their class in the low bits. */
static uintptr_t exchange[64];

static uint64_t obj_sum(const uint8_t *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 8; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

/* First 8 bytes: checksum of the rest, which is a pointer-seeded pattern. */
static void obj_fill(uint8_t *p, size_t n, uint64_t seed)
{
	for (size_t i = 8; i < n; i++)
		p[i] = (uint8_t)(seed >> (i % 8 * 8)) ^ (uint8_t)i;
	*(uint64_t *)p = obj_sum(p, n);
}

static void obj_check(const uint8_t *p, size_t n)
{
	if (*(const uint64_t *)p != obj_sum(p, n))
		htest_fail(__FILE__, __LINE__, "object %p (%zu bytes) corrupted",
		           (void *)p, n);
}

static void *stress_thread(void *arg)
{
	uint64_t seed = (uintptr_t)arg * 0x9e3779b97f4a7c15ull + 1;
	uint8_t *slot[NR_SLOTS] = { 0 };
	int cls[NR_SLOTS];

	htest_core_id = (uintptr_t)arg;
	for (int it = 0; it < STRESS_ITERS; it++) {
		int i = htest_rand_r(&seed) % NR_SLOTS;

		if (slot[i]) {
			obj_check(slot[i], stress_sizes[cls[i]]);
			if (seed & (1 << 20)) {     /* swap with another core */
				int e = (seed >> 24) % 64;
				uintptr_t old = __atomic_exchange_n(&exchange[e],
					(uintptr_t)slot[i] | cls[i], __ATOMIC_ACQ_REL);

				slot[i] = (uint8_t *)(old & ~(uintptr_t)7);
				cls[i] = old & 7;
				continue;
			}
			kmem_cache_free(stress_caches[cls[i]], slot[i]);
			slot[i] = NULL;
			continue;
		}
		cls[i] = (seed >> 32) % 5;
		slot[i] = kmem_cache_alloc(stress_caches[cls[i]], MEM_ATOMIC);
		HT_ASSERT(slot[i]);
		obj_fill(slot[i], stress_sizes[cls[i]], seed);
	}
	for (int i = 0; i < NR_SLOTS; i++)
		if (slot[i])
			kmem_cache_free(stress_caches[cls[i]], slot[i]);
	return NULL;
}

HTEST(slab_stress_many_cores)
{
	pthread_t t[NR_THREADS];
	size_t base;

	mem_harness_setup();
	for (int i = 0; i < 5; i++)
		stress_caches[i] = kmem_cache_create("stress", stress_sizes[i], 0, 0,
		                                     NULL, NULL, NULL);
	base = pages_in_use();
	for (uintptr_t i = 0; i < NR_THREADS; i++)
		pthread_create(&t[i], NULL, stress_thread, (void *)(i + 1));
	for (int i = 0; i < NR_THREADS; i++)
		pthread_join(t[i], NULL);
	for (int e = 0; e < 64; e++) {
		uint8_t *p = (uint8_t *)(exchange[e] & ~(uintptr_t)7);
		int cls = exchange[e] & 7;

		if (p) {
			obj_check(p, stress_sizes[cls]);
			kmem_cache_free(stress_caches[cls], p);
		}
	}
	for (int i = 0; i < 5; i++) {
		HT_ASSERT_EQ(cstats(stress_caches[i]).nr_in_use, 0);
		HT_ASSERT(cstats(stress_caches[i]).nr_allocs > 1000);
	}
	HT_ASSERT_EQ(pages_in_use(), base);
	for (int i = 0; i < 5; i++)
		HT_ASSERT_EQ(kmem_cache_destroy(stress_caches[i]), 0);
}
