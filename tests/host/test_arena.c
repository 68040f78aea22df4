/* SPDX-License-Identifier: MIT */
/*
 * test_arena.c - host tests of kern/src/mm/arena.c (with slab.c and kmalloc.c,
 * which quantum caches and arena_create need).
 *
 * tests/host/mem_harness.c builds the host page arena under slab and
 * kmalloc; the arenas under test hand out plain integers (small address
 * spaces), checked against a byte map for overlap.  Constraints (align,
 * phase, nocross, min/max), the three policies, import/release through a
 * source, coalescing back to one free segment, stats, quantum caches, bad
 * frees (panic) and bad flags (warning + NULL) are each a named test.
 */
#include <arena.h>
#include <slab.h>
#include <kmalloc.h>
#include <errno.h>
#include <ros/mmu64.h>

#include <pthread.h>
#include <string.h>

#include "htest.h"
#include "mem_harness.h"

/* ------------------------------------------------------------ harness --- */

/* A byte per quantum of a small space: catches overlapping allocations. */
#define SPACE_BASE 0x100000u
#define SPACE_SIZE 0x100000u
static uint8_t owner[SPACE_SIZE];

static void mark(uintptr_t addr, size_t size, uint8_t val)
{
	HT_ASSERT_MSG(addr >= SPACE_BASE && addr + size <= SPACE_BASE + SPACE_SIZE,
	              "[%#lx, +%#zx) outside the space", (unsigned long)addr, size);
	for (size_t i = 0; i < size; i++) {
		uint8_t *o = &owner[addr - SPACE_BASE + i];

		HT_ASSERT_MSG(val ? *o == 0 : *o != 0, "overlap at %#lx",
		              (unsigned long)(addr + i));
		*o = val;
	}
}

static struct arena *space_arena(size_t quantum, int flags)
{
	struct arena *a = arena_create("space", (void *)SPACE_BASE, SPACE_SIZE,
	                               quantum, NULL, NULL, NULL, 0, flags);

	HT_ASSERT(a);
	return a;
}

/* Most tests' start: the host page arena, then a 16-byte-quantum space. */
static struct arena *setup_space(void)
{
	mem_harness_setup();
	return space_arena(16, MEM_WAIT);
}

static void assert_pristine(struct arena *a, size_t total)
{
	struct arena_stats st;

	arena_get_stats(a, &st);
	HT_ASSERT_EQ(st.allocated, 0);
	HT_ASSERT_EQ(st.total, total);
	HT_ASSERT_EQ(st.free, total);
	HT_ASSERT_EQ(arena_amt_free(a), total);
	HT_ASSERT_EQ(st.nr_free_segs, total ? 1 : 0);
	HT_ASSERT_EQ(st.nr_segs, total ? 1 : 0);
}

/* -------------------------------------------------------------- tests --- */

HTEST(arena_alloc_free_coalesce)
{
	struct arena *a;
	void *p[64];

	a = setup_space();
	for (int i = 0; i < 64; i++) {
		p[i] = arena_alloc(a, 16 * (i % 7 + 1), MEM_ATOMIC);
		HT_ASSERT(p[i]);
		HT_ASSERT_EQ((uintptr_t)p[i] % 16, 0);
		mark((uintptr_t)p[i], 16 * (i % 7 + 1), 1);
	}
	for (int i = 0; i < 64; i += 2)
		arena_free(a, p[i], 16 * (i % 7 + 1));
	for (int i = 1; i < 64; i += 2)
		arena_free(a, p[i], 16 * (i % 7 + 1));
	assert_pristine(a, SPACE_SIZE);
	arena_destroy(a);
}

HTEST(arena_size_rounds_to_quantum)
{
	struct arena *a;
	struct arena_stats st;
	void *p;

	mem_harness_setup();
	a = space_arena(64, MEM_WAIT);
	p = arena_alloc(a, 1, MEM_ATOMIC);
	HT_ASSERT(p);
	arena_get_stats(a, &st);
	HT_ASSERT_EQ(st.allocated, 64);
	HT_ASSERT_EQ(arena_amt_free(a), SPACE_SIZE - 64);
	arena_free(a, p, 1);
	assert_pristine(a, SPACE_SIZE);
	arena_destroy(a);
}

HTEST(arena_xalloc_align)
{
	struct arena *a;

	mem_harness_setup();
	a = arena_create("odd", (void *)(SPACE_BASE + 16), SPACE_SIZE - 16, 16,
	                 NULL, NULL, NULL, 0, MEM_WAIT);
	HT_ASSERT(a);
	for (size_t align = 16; align <= 0x10000; align <<= 1) {
		size_t size = 16 * (htest_rand() % 8 + 1);
		void *p = arena_xalloc(a, size, align, 0, 0, NULL, NULL, MEM_ATOMIC);

		HT_ASSERT_MSG(p, "align %zu failed", align);
		HT_ASSERT_MSG((uintptr_t)p % align == 0, "%p not %zu-aligned", p, align);
		mark((uintptr_t)p, size, 1);
	}
}

HTEST(arena_xalloc_phase)
{
	struct arena *a;

	a = setup_space();
	for (int i = 0; i < 200; i++) {
		size_t align = 16u << (htest_rand() % 10);
		size_t phase = (htest_rand() % (align / 16)) * 16;
		size_t size = 16 * (htest_rand() % 4 + 1);
		void *p = arena_xalloc(a, size, align, phase, 0, NULL, NULL,
		                       MEM_ATOMIC);

		HT_ASSERT_MSG(p, "align %zu phase %zu failed", align, phase);
		HT_ASSERT_EQ((uintptr_t)p % align, phase);
		mark((uintptr_t)p, size, 1);
	}
}

HTEST(arena_xalloc_nocross)
{
	struct arena *a;
	void *first;

	a = setup_space();
	/* Push the free space off a boundary so nocross has work to do. */
	first = arena_alloc(a, 48, MEM_ATOMIC);
	HT_ASSERT_EQ((uintptr_t)first, SPACE_BASE);
	for (int i = 0; i < 300; i++) {
		size_t nocross = 256u << (htest_rand() % 4);
		size_t size = 16 * (htest_rand() % (nocross / 16) + 1);
		uintptr_t p = (uintptr_t)arena_xalloc(a, size, 0, 0, nocross, NULL,
		                                      NULL, MEM_ATOMIC);

		HT_ASSERT_MSG(p, "nocross %zu size %zu failed", nocross, size);
		HT_ASSERT_MSG(p / nocross == (p + size - 1) / nocross,
		              "[%#lx, +%zu) crosses %zu", (unsigned long)p, size,
		              nocross);
		mark(p, size, 1);
	}
	/* A whole nocross block with a phase that forces a crossing fails. */
	HT_ASSERT(!arena_xalloc(a, 256, 512, 384, 512, NULL, NULL, MEM_ATOMIC));
}

HTEST(arena_xalloc_minmax)
{
	struct arena *a;
	uintptr_t lo = SPACE_BASE + 0x4000, hi = SPACE_BASE + 0x5000;
	size_t got = 0;
	void *p;

	a = setup_space();
	while ((p = arena_xalloc(a, 64, 0, 0, 0, (void *)lo, (void *)hi,
	                         MEM_ATOMIC))) {
		HT_ASSERT((uintptr_t)p >= lo && (uintptr_t)p + 64 <= hi);
		mark((uintptr_t)p, 64, 1);
		got += 64;
	}
	HT_ASSERT_EQ(got, hi - lo);
	/* Exact window: one fits, the next does not. */
	p = arena_xalloc(a, 32, 32, 0, 0, (void *)(hi + 32), (void *)(hi + 64),
	                 MEM_ATOMIC);
	HT_ASSERT_EQ((uintptr_t)p, hi + 32);
	HT_ASSERT(!arena_xalloc(a, 32, 0, 0, 0, (void *)(hi + 32),
	                        (void *)(hi + 64), MEM_ATOMIC));
	/* Window outside every span. */
	HT_ASSERT(!arena_xalloc(a, 16, 0, 0, 0, (void *)0x10, (void *)0x1000,
	                        MEM_ATOMIC));
}

HTEST(arena_xalloc_bad_requests)
{
	struct arena *a;
	const char *out;

	a = setup_space();
	htest_capture_begin();
	HT_ASSERT(!arena_xalloc(a, 16, 48, 0, 0, NULL, NULL, MEM_ATOMIC));
	HT_ASSERT(!arena_xalloc(a, 16, 8, 0, 0, NULL, NULL, MEM_ATOMIC));
	HT_ASSERT(!arena_xalloc(a, 16, 64, 64, 0, NULL, NULL, MEM_ATOMIC));
	HT_ASSERT(!arena_xalloc(a, 16, 64, 8, 0, NULL, NULL, MEM_ATOMIC));
	HT_ASSERT(!arena_xalloc(a, 512, 0, 0, 256, NULL, NULL, MEM_ATOMIC));
	HT_ASSERT(!arena_xalloc(a, 16, 0, 0, 0, (void *)0x200000,
	                        (void *)0x100000, MEM_ATOMIC));
	HT_ASSERT(!arena_xalloc(a, 0, 0, 0, 0, NULL, NULL, MEM_ATOMIC));
	HT_ASSERT(!arena_xalloc(a, SIZE_MAX, 0, 0, 0, NULL, NULL, MEM_ATOMIC));
	HT_ASSERT(!arena_xalloc(a, 16, 0, 0, 0, NULL, NULL,
	                        MEM_ATOMIC | ARENA_BESTFIT | ARENA_NEXTFIT));
	out = htest_capture_end();
	HT_ASSERT_MSG(strstr(out, "bad request"), "no warning: %s", out);
	assert_pristine(a, SPACE_SIZE);
	arena_destroy(a);
}

HTEST(arena_flags_must_be_one_of_two)
{
	struct arena *a;
	const char *out;

	a = setup_space();
	htest_capture_begin();
	HT_ASSERT(!arena_alloc(a, 16, 0));
	HT_ASSERT(!arena_alloc(a, 16, MEM_WAIT | MEM_ATOMIC));
	HT_ASSERT(!arena_xalloc(a, 16, 0, 0, 0, NULL, NULL, ARENA_BESTFIT));
	HT_ASSERT(!arena_create("x", NULL, 0, 16, NULL, NULL, NULL, 0, 0));
	HT_ASSERT_EQ(arena_add(a, (void *)0x400000, 16, 0), -EINVAL);
	out = htest_capture_end();
	HT_ASSERT_MSG(strstr(out, "warning"), "no warning: %s", out);
	assert_pristine(a, SPACE_SIZE);
	arena_destroy(a);
}

/* Free segments of 3 and 8 quanta, then a request for 3. */
static uintptr_t policy_pick(int create_flags, int alloc_flags, uintptr_t *seg3)
{
	struct arena *a = arena_create("pol", (void *)SPACE_BASE, 64, 1, NULL,
	                               NULL, NULL, 0, create_flags);
	void *p3, *s1, *p8, *s2, *r;

	HT_ASSERT(a);
	p3 = arena_alloc(a, 3, MEM_ATOMIC);
	s1 = arena_alloc(a, 1, MEM_ATOMIC);
	p8 = arena_alloc(a, 8, MEM_ATOMIC);
	s2 = arena_alloc(a, 52, MEM_ATOMIC);
	HT_ASSERT(p3 && s1 && p8 && s2);
	arena_free(a, p3, 3);
	arena_free(a, p8, 8);
	*seg3 = (uintptr_t)p3;
	r = arena_xalloc(a, 3, 0, 0, 0, NULL, NULL, alloc_flags);
	HT_ASSERT(r);
	return (uintptr_t)r;
}

HTEST(arena_policy_bestfit_vs_instantfit)
{
	uintptr_t seg3, r;

	mem_harness_setup();
	r = policy_pick(MEM_WAIT | ARENA_BESTFIT, MEM_ATOMIC, &seg3);
	HT_ASSERT_EQ(r, seg3);
	r = policy_pick(MEM_WAIT, MEM_ATOMIC, &seg3);
	HT_ASSERT_EQ(r, seg3 + 4);   /* the 8-quantum hole: instant fit */
	r = policy_pick(MEM_WAIT, MEM_ATOMIC | ARENA_BESTFIT, &seg3);
	HT_ASSERT_EQ(r, seg3);       /* per-call policy */
	r = policy_pick(MEM_WAIT | ARENA_BESTFIT, MEM_ATOMIC | ARENA_INSTANTFIT,
	                &seg3);
	HT_ASSERT_EQ(r, seg3 + 4);
}

HTEST(arena_policy_nextfit_ids)
{
	struct arena *a;
	void *id;

	mem_harness_setup();
	a = arena_create("ids", (void *)1, 10, 1, NULL, NULL, NULL, 0,
	                 MEM_WAIT | ARENA_NEXTFIT);
	HT_ASSERT(a);
	HT_ASSERT_EQ((uintptr_t)arena_alloc(a, 1, MEM_ATOMIC), 1);
	HT_ASSERT_EQ((uintptr_t)arena_alloc(a, 1, MEM_ATOMIC), 2);
	arena_free(a, (void *)1, 1);
	HT_ASSERT_EQ((uintptr_t)arena_alloc(a, 1, MEM_ATOMIC), 3);
	for (uintptr_t want = 4; want <= 10; want++)
		HT_ASSERT_EQ((uintptr_t)arena_alloc(a, 1, MEM_ATOMIC), want);
	id = arena_alloc(a, 1, MEM_ATOMIC);   /* wraps around to the hole */
	HT_ASSERT_EQ((uintptr_t)id, 1);
	HT_ASSERT(!arena_alloc(a, 1, MEM_ATOMIC));
	for (uintptr_t i = 1; i <= 10; i++)
		arena_free(a, (void *)i, 1);
	assert_pristine(a, 10);
	arena_destroy(a);
}

static int imports, releases;

static void *count_import(struct arena *src, size_t size, int flags)
{
	imports++;
	return arena_alloc(src, size, flags);
}

static void count_release(struct arena *src, void *addr, size_t size)
{
	releases++;
	arena_free(src, addr, size);
}

HTEST(arena_import_and_release)
{
	struct arena *src, *a;
	struct arena_stats st;
	void *p[40];

	mem_harness_setup();
	src = space_arena(4096, MEM_WAIT);
	a = arena_create("child", NULL, 0, 1024, count_import, count_release,
	                 src, 0, MEM_WAIT);
	HT_ASSERT(a);
	for (int i = 0; i < 40; i++) {
		p[i] = arena_alloc(a, 1024 * (i % 5 + 1), MEM_ATOMIC);
		HT_ASSERT(p[i]);
		mark((uintptr_t)p[i], 1024 * (i % 5 + 1), 1);
	}
	arena_get_stats(a, &st);
	HT_ASSERT(imports > 0);
	HT_ASSERT_EQ(st.nr_imports, imports);
	arena_get_stats(src, &st);
	HT_ASSERT(st.allocated >= 40 * 1024);
	for (int i = 0; i < 40; i++)
		arena_free(a, p[i], 1024 * (i % 5 + 1));
	HT_ASSERT_EQ(releases, imports);
	assert_pristine(src, SPACE_SIZE);
	arena_get_stats(a, &st);
	HT_ASSERT_EQ(st.total, 0);
	arena_destroy(a);
	arena_destroy(src);
}

HTEST(arena_import_aligned_xalloc)
{
	struct arena *src, *a;
	void *p;

	mem_harness_setup();
	src = space_arena(4096, MEM_WAIT);
	a = arena_create("child", NULL, 0, 4096, NULL, NULL, src, 0, MEM_WAIT);
	HT_ASSERT(a);
	arena_alloc(src, 4096, MEM_ATOMIC);  /* misalign the source */
	p = arena_xalloc(a, 4096, 0x10000, 0x2000, 0, NULL, NULL, MEM_ATOMIC);
	HT_ASSERT(p);
	HT_ASSERT_EQ((uintptr_t)p % 0x10000, 0x2000);
	arena_xfree(a, p, 4096);
	arena_destroy(a);
}

HTEST(arena_random_stress_coalesces)
{
	struct { uintptr_t addr; size_t size; } live[512];
	int nr = 0;
	struct arena *a;

	a = setup_space();
	for (int iter = 0; iter < 20000; iter++) {
		if (nr && (nr == 512 || htest_rand() % 2)) {
			int i = htest_rand() % nr;

			mark(live[i].addr, live[i].size, 0);
			arena_xfree(a, (void *)live[i].addr, live[i].size);
			live[i] = live[--nr];
			continue;
		}
		size_t size = 16 * (htest_rand() % 64 + 1);
		size_t align = 16u << (htest_rand() % 6);
		size_t phase = htest_rand() % 3 ? 0 : 16 * (htest_rand() % (align / 16));
		size_t nocross = htest_rand() % 4 ? 0 : 0x4000;
		int pol = (int[]){ 0, ARENA_BESTFIT, ARENA_NEXTFIT }[htest_rand() % 3];
		uintptr_t p = (uintptr_t)arena_xalloc(a, size, align, phase,
		                                      nocross, NULL, NULL,
		                                      MEM_ATOMIC | pol);
		if (!p)
			continue;
		HT_ASSERT_EQ(p % align, phase);
		HT_ASSERT(!nocross || p / nocross == (p + size - 1) / nocross);
		mark(p, size, 1);
		live[nr].addr = p;
		live[nr++].size = size;
	}
	while (nr--)
		arena_xfree(a, (void *)live[nr].addr, live[nr].size);
	assert_pristine(a, SPACE_SIZE);
	arena_destroy(a);
}

HTEST(arena_stats_count)
{
	struct arena *a;
	struct arena_stats st;
	void *p, *q;

	a = setup_space();
	p = arena_alloc(a, 32, MEM_ATOMIC);
	q = arena_alloc(a, 48, MEM_ATOMIC);
	arena_free(a, p, 32);
	arena_get_stats(a, &st);
	HT_ASSERT_EQ(st.total, SPACE_SIZE);
	HT_ASSERT_EQ(st.allocated, 48);
	HT_ASSERT_EQ(st.free, SPACE_SIZE - 48);
	HT_ASSERT_EQ(st.nr_allocs, 2);
	HT_ASSERT_EQ(st.nr_frees, 1);
	HT_ASSERT_EQ(st.nr_segs, 3);
	HT_ASSERT_EQ(st.nr_free_segs, 2);
	arena_free(a, q, 48);
	arena_destroy(a);
}

HTEST(arena_add_spans)
{
	struct arena *a;
	struct arena_stats st;
	void *p;

	mem_harness_setup();
	a = arena_create("spans", NULL, 0, 16, NULL, NULL, NULL, 0, MEM_WAIT);
	HT_ASSERT(a);
	HT_ASSERT(!arena_alloc(a, 16, MEM_ATOMIC));
	HT_ASSERT_EQ(arena_add(a, (void *)0x2000, 0x1000, MEM_ATOMIC), 0);
	HT_ASSERT_EQ(arena_add(a, (void *)0x1000, 0x1000, MEM_ATOMIC), 0);
	HT_ASSERT_EQ(arena_add(a, (void *)0x2800, 0x1000, MEM_ATOMIC), -EINVAL);
	HT_ASSERT_EQ(arena_add(a, NULL, 0x1000, MEM_ATOMIC), -EINVAL);
	HT_ASSERT_EQ(arena_add(a, (void *)0x5008, 0x1000, MEM_ATOMIC), -EINVAL);
	/* Adjacent spans stay separate: 0x2000 bytes never fit. */
	HT_ASSERT(!arena_alloc(a, 0x2000, MEM_ATOMIC));
	p = arena_alloc(a, 0x1000, MEM_ATOMIC);
	HT_ASSERT(p);
	arena_get_stats(a, &st);
	HT_ASSERT_EQ(st.total, 0x2000);
	arena_free(a, p, 0x1000);
	arena_destroy(a);
}

HTEST(arena_quantum_caches)
{
	struct arena *a;
	struct arena_stats st;
	void *p[200];

	mem_harness_setup();
	a = arena_create("qc", (void *)SPACE_BASE, SPACE_SIZE, 16, NULL, NULL,
	                 NULL, 4 * 16, MEM_WAIT);
	HT_ASSERT(a);
	HT_ASSERT_EQ(a->nr_qcaches, 4);
	for (int i = 0; i < 200; i++) {
		p[i] = arena_alloc(a, 16 * (i % 4 + 1), MEM_ATOMIC);
		HT_ASSERT(p[i]);
		HT_ASSERT_EQ((uintptr_t)p[i] % 16, 0);
		mark((uintptr_t)p[i], 16 * (i % 4 + 1), 1);
	}
	arena_get_stats(a, &st);
	HT_ASSERT_MSG(st.nr_allocs < 200, "qcaches unused: %lu segment allocs",
	              (unsigned long)st.nr_allocs);
	for (int i = 0; i < 200; i++)
		arena_free(a, p[i], 16 * (i % 4 + 1));
	kmem_reap_all();
	assert_pristine(a, SPACE_SIZE);
	arena_destroy(a);
}

HTEST(arena_qcaches_deferred_until_kmem_init)
{
	static struct arena early;

	HT_ASSERT_EQ(arena_init(&early, "early", (void *)SPACE_BASE, SPACE_SIZE,
	                        16, NULL, NULL, NULL, 64, MEM_ATOMIC), 0);
	HT_ASSERT_EQ(early.nr_qcaches, 0);
	HT_ASSERT(arena_alloc(&early, 32, MEM_ATOMIC));
	mem_harness_setup();
	HT_ASSERT_EQ(early.nr_qcaches, 4);
}

HTEST(arena_free_never_allocated_panics)
{
	struct arena *a;
	void *p;

	a = setup_space();
	p = arena_alloc(a, 64, MEM_ATOMIC);
	htest_expect_panic();
	arena_free(a, (char *)p + 16, 16);
}

HTEST(arena_free_wrong_size_panics)
{
	struct arena *a;
	void *p;

	a = setup_space();
	p = arena_alloc(a, 64, MEM_ATOMIC);
	htest_expect_panic();
	arena_free(a, p, 32);
}

HTEST(arena_double_free_panics)
{
	struct arena *a;
	void *p;

	a = setup_space();
	p = arena_alloc(a, 64, MEM_ATOMIC);
	arena_free(a, p, 64);
	htest_expect_panic();
	arena_free(a, p, 64);
}

HTEST(arena_exhaustion)
{
	struct arena *a;

	mem_harness_setup();
	a = arena_create("small", (void *)0x1000, 0x100, 16, NULL, NULL, NULL,
	                 0, MEM_WAIT);
	HT_ASSERT(a);
	HT_ASSERT(arena_alloc(a, 0x100, MEM_ATOMIC));
	HT_ASSERT(!arena_alloc(a, 16, MEM_ATOMIC));
	htest_expect_panic();         /* default mem_wait_for_memory() */
	arena_alloc(a, 16, MEM_WAIT);
}

HTEST(arena_many_segments_grow_btag_pool)
{
	struct arena *a;

	size_t given;

	mem_harness_setup();
	given = mem_harness_btag_pages();
	a = space_arena(16, MEM_WAIT);
	for (uintptr_t i = 0; i < 4000; i++)
		HT_ASSERT(arena_xalloc(a, 16, 0, 0, 0,
		                       (void *)(SPACE_BASE + i * 64), NULL,
		                       MEM_ATOMIC) == (void *)(SPACE_BASE + i * 64));
	HT_ASSERT(mem_harness_btag_pages() > given);
	HT_ASSERT(arena_btag_nr_pages() >= mem_harness_btag_pages());
	for (uintptr_t i = 0; i < 4000; i++)
		arena_xfree(a, (void *)(SPACE_BASE + i * 64), 16);
	assert_pristine(a, SPACE_SIZE);
	arena_destroy(a);
}

static void count_arena(struct arena *a, void *arg)
{
	if (strcmp(a->name, "walkme") == 0)
		(*(int *)arg)++;
	arena_print(a, NULL);
}

HTEST(arena_walk_and_destroy)
{
	struct arena *a;
	const char *out;
	int n = 0;

	mem_harness_setup();
	a = arena_create("walkme", (void *)SPACE_BASE, SPACE_SIZE, 16, NULL,
	                 NULL, NULL, 0, MEM_WAIT);
	arena_for_each(count_arena, &n);
	HT_ASSERT_EQ(n, 1);
	HT_ASSERT(arena_alloc(a, 32, MEM_ATOMIC));
	htest_capture_begin();
	arena_destroy(a);
	out = htest_capture_end();
	HT_ASSERT_MSG(strstr(out, "32 bytes still allocated"), "got: %s", out);
	n = 0;
	arena_for_each(count_arena, &n);
	HT_ASSERT_EQ(n, 0);
}

/* Several fake cores allocating from one arena (spinlock irqsave path). */
static struct arena *shared;

static void *arena_thread(void *arg)
{
	uint8_t tag = (uint8_t)(uintptr_t)arg;
	uint64_t seed = tag * 7919 + 1;
	uint8_t *mine[64];
	size_t size[64];

	htest_core_id = tag;
	for (int round = 0; round < 200; round++) {
		for (int i = 0; i < 64; i++) {
			seed = seed * 6364136223846793005ull + 1;
			size[i] = 16 * ((seed >> 33) % 8 + 1);
			mine[i] = arena_alloc(shared, size[i], MEM_ATOMIC);
			if (mine[i])
				memset(mine[i], tag, size[i]);
		}
		for (int i = 0; i < 64; i++) {
			for (size_t k = 0; mine[i] && k < size[i]; k++)
				if (mine[i][k] != tag)
					htest_fail(__FILE__, __LINE__, "overlap");
			if (mine[i])
				arena_free(shared, mine[i], size[i]);
		}
	}
	return NULL;
}

HTEST(arena_threads_on_real_memory)
{
	pthread_t t[6];
	void *mem = aligned_alloc(4096, 1 << 20);

	mem_harness_setup();
	shared = arena_create("shared", mem, 1 << 20, 16, NULL, NULL, NULL, 64,
	                      MEM_WAIT);
	HT_ASSERT(shared);
	for (uintptr_t i = 0; i < 6; i++)
		pthread_create(&t[i], NULL, arena_thread, (void *)(i + 1));
	for (int i = 0; i < 6; i++)
		pthread_join(t[i], NULL);
	kmem_reap_all();
	assert_pristine(shared, 1 << 20);
}
