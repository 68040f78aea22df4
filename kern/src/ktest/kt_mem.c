/* SPDX-License-Identifier: MIT */
/*
 * kt_mem.c - ktests of the memory system in the running kernel: arenas
 * (constraints, on a range of addresses that is never touched), kmalloc
 * size classes and bad requests, page refcounts, kernel page tables and TLB
 * shootdown across cores, and an allocator stress on every core at once.
 * The runner's leak check (free pages, slab objects, kmalloc objects) runs
 * around each of them.
 */
#include <arch/mmu.h>
#include <arena.h>
#include <kmalloc.h>
#include <kstring.h>
#include <ktest.h>
#include <kthread.h>
#include <leakcheck.h>
#include <overflow.h>
#include <page.h>
#include <percpu.h>
#include <pmap.h>
#include <smp.h>

/* An arena over addresses no one dereferences: constraints only. */
#define FAKE_BASE 0x100000UL
#define FAKE_SIZE (16 * MiB)

KTEST(mem, arena_xalloc_constraints)
{
	struct arena *a = arena_create("kt_fake", (void *)FAKE_BASE, FAKE_SIZE, PGSIZE,
	                               NULL, NULL, NULL, 0, MEM_WAIT);
	uintptr_t r;

	KT_ASSERT(a);
	r = (uintptr_t)arena_xalloc(a, 3 * PGSIZE, 64 * KiB, 0, 0, NULL, NULL, MEM_WAIT);
	KT_ASSERT_MSG(r && r % (64 * KiB) == 0, "align: got %#lx", r);
	arena_xfree(a, (void *)r, 3 * PGSIZE);
	r = (uintptr_t)arena_xalloc(a, PGSIZE, 64 * KiB, 8 * KiB, 0, NULL, NULL, MEM_WAIT);
	KT_ASSERT_MSG(r && r % (64 * KiB) == 8 * KiB, "phase: got %#lx", r);
	arena_xfree(a, (void *)r, PGSIZE);
	r = (uintptr_t)arena_xalloc(a, 8 * PGSIZE, 0, 0, 32 * KiB, (void *)(FAKE_BASE + 4 * KiB),
	                            NULL, MEM_WAIT);
	KT_ASSERT_MSG(r && r / (32 * KiB) == (r + 8 * PGSIZE - 1) / (32 * KiB),
	              "nocross: %#lx crosses", r);
	arena_xfree(a, (void *)r, 8 * PGSIZE);
	r = (uintptr_t)arena_xalloc(a, PGSIZE, 0, 0, 0, (void *)(FAKE_BASE + 5 * MiB),
	                            (void *)(FAKE_BASE + 6 * MiB), MEM_WAIT);
	KT_ASSERT_MSG(r >= FAKE_BASE + 5 * MiB && r + PGSIZE <= FAKE_BASE + 6 * MiB,
	              "min/max: got %#lx", r);
	arena_xfree(a, (void *)r, PGSIZE);
	KT_ASSERT(!arena_xalloc(a, 2 * FAKE_SIZE, 0, 0, 0, NULL, NULL, MEM_ATOMIC));
	arena_destroy(a);
}

KTEST(mem, arena_frees_coalesce)
{
	struct arena *a = arena_create("kt_coalesce", (void *)FAKE_BASE, FAKE_SIZE, PGSIZE,
	                               NULL, NULL, NULL, 0, MEM_WAIT);
	void *p[16];
	struct arena_stats st;

	KT_ASSERT(a);
	for (int i = 0; i < 16; i++)
		KT_ASSERT((p[i] = arena_alloc(a, (i + 1) * PGSIZE, MEM_WAIT)));
	for (int i = 0; i < 16; i += 2)
		arena_free(a, p[i], (i + 1) * PGSIZE);
	for (int i = 1; i < 16; i += 2)
		arena_free(a, p[i], (i + 1) * PGSIZE);
	arena_get_stats(a, &st);
	KT_ASSERT_EQ(st.allocated, 0);
	KT_ASSERT_EQ(st.nr_free_segs, 1);
	arena_destroy(a);
}

KTEST(mem, kmalloc_sizes_and_contents)
{
	static const size_t sizes[] = { 1, 15, 16, 17, 100, 512, 1000, 4096, 5000,
	                                8192, 9000, 65536, 300000 };
	uint8_t *p[ARRAY_SIZE(sizes)];

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[i] = kmalloc(sizes[i], MEM_WAIT);
		KT_ASSERT_MSG(p[i], "kmalloc(%zu) failed", sizes[i]);
		KT_ASSERT_MSG(((uintptr_t)p[i] & 15) == 0, "kmalloc(%zu) misaligned", sizes[i]);
		memset(p[i], (int)i + 1, sizes[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		for (size_t j = 0; j < sizes[i]; j++)
			KT_ASSERT_MSG(p[i][j] == i + 1, "object %zu overwritten at %zu", i, j);
		KT_ASSERT_EQ(kmalloc_size(p[i]), sizes[i]);
		kfree(p[i]);
	}
}

KTEST(mem, krealloc_keeps_data)
{
	char *p = kmalloc(10, MEM_WAIT);

	KT_ASSERT(p);
	memcpy(p, "123456789", 10);
	p = krealloc(p, 20000, MEM_WAIT);
	KT_ASSERT(p && memcmp(p, "123456789", 10) == 0);
	p = krealloc(p, 5, MEM_WAIT);
	KT_ASSERT(p && memcmp(p, "12345", 5) == 0);
	kfree(p);
}

KTEST(mem, bad_requests_fail_cleanly)
{
	KT_ASSERT(kmalloc_array(SIZE_MAX / 2, 4, MEM_WAIT) == NULL);
	KT_ASSERT(array_size(1UL << 40, 1UL << 40) == SIZE_MAX);
	KT_ASSERT(kmalloc(16, 0) == NULL);                       /* no flag */
	KT_ASSERT(kmalloc(16, MEM_WAIT | MEM_ATOMIC) == NULL);   /* both */
	KT_ASSERT(kmalloc((size_t)1 << 50, MEM_ATOMIC) == NULL); /* more than RAM */
	kfree(NULL);
}

KTEST(mem, page_refcounts)
{
	void *kva = kpage_alloc(MEM_WAIT);
	struct page *pg;

	KT_ASSERT(kva);
	pg = kva2page(kva);
	KT_ASSERT_EQ(page_refcnt(pg), 1);
	KT_ASSERT(page2kva(pg) == kva);
	KT_ASSERT(pa2page(PADDR(kva)) == pg);
	page_incref(pg);
	KT_ASSERT_EQ(page_refcnt(pg), 2);
	page_decref(pg);
	KT_ASSERT_EQ(page_refcnt(pg), 1);
	page_decref(pg);        /* frees it */
}

KTEST(mem, pmap_map_protect_unmap)
{
	uint64_t *page = kpage_zalloc(MEM_WAIT);
	uintptr_t va = (uintptr_t)arena_alloc(vmap_arena, PGSIZE, MEM_WAIT);
	physaddr_t pa = 0;
	uint64_t perm = 0;

	KT_ASSERT(page && va);
	KT_ASSERT_EQ(pmap_map_range(kern_pml4, va, PADDR(page), PGSIZE, PTE_W, MEM_WAIT), 0);
	*(volatile uint64_t *)va = 0x1234abcd;
	KT_ASSERT_EQ(page[0], 0x1234abcd);
	KT_ASSERT(pmap_lookup(kern_pml4, va + 8, &pa, &perm));
	KT_ASSERT_EQ(pa, PADDR(page) + 8);
	KT_ASSERT(perm & PTE_W);
	KT_ASSERT_EQ(pmap_protect_range(kern_pml4, va, PGSIZE, 0), 0);
	KT_ASSERT(pmap_lookup(kern_pml4, va, NULL, &perm) && !(perm & PTE_W));
	KT_ASSERT_EQ(pmap_unmap_range(kern_pml4, va, PGSIZE), 1);
	KT_ASSERT(!pmap_lookup(kern_pml4, va, NULL, NULL));
	/* Bad requests: misaligned, the direct map, the kernel image. */
	KT_ASSERT(pmap_map_range(kern_pml4, va + 1, PADDR(page), PGSIZE, PTE_W, MEM_WAIT) < 0);
	KT_ASSERT(pmap_map_range(kern_pml4, (uintptr_t)page, 0, PGSIZE, PTE_W, MEM_WAIT) < 0);
	KT_ASSERT(pmap_map_range(kern_pml4, KERN_LOAD_ADDR, 0, PGSIZE, PTE_W, MEM_WAIT) < 0);
	tlb_shootdown(va, PGSIZE);
	arena_free(vmap_arena, (void *)va, PGSIZE);
	kpage_free(page);
}

struct tlb_probe {
	uintptr_t va;
	uint64_t seen[MAX_CORES];
};

static void tlb_probe_read(void *arg)
{
	struct tlb_probe *p = arg;

	p->seen[core_id()] = *(volatile uint64_t *)p->va;
}

/* Every core caches a translation, the kernel changes it, every core must see the change. */
KTEST(mem, tlb_shootdown_reaches_all_cores)
{
	uint64_t *a = kpage_zalloc(MEM_WAIT), *b = kpage_zalloc(MEM_WAIT);
	static struct tlb_probe probe;

	KT_ASSERT(a && b);
	a[0] = 0xaaaa;
	b[0] = 0xbbbb;
	probe.va = (uintptr_t)arena_alloc(vmap_arena, PGSIZE, MEM_WAIT);
	KT_ASSERT(probe.va);
	KT_ASSERT_EQ(pmap_map_range(kern_pml4, probe.va, PADDR(a), PGSIZE, PTE_W, MEM_WAIT), 0);
	smp_call_function_all(tlb_probe_read, &probe, true);
	for (uint32_t c = 0; c < num_cores; c++)
		KT_ASSERT_EQ(probe.seen[c], 0xaaaa);
	KT_ASSERT_EQ(pmap_map_range(kern_pml4, probe.va, PADDR(b), PGSIZE, PTE_W, MEM_WAIT), 0);
	tlb_shootdown(probe.va, PGSIZE);
	smp_call_function_all(tlb_probe_read, &probe, true);
	for (uint32_t c = 0; c < num_cores; c++)
		KT_ASSERT_MSG(probe.seen[c] == 0xbbbb, "core %u still sees %#lx", c, probe.seen[c]);
	pmap_unmap_range(kern_pml4, probe.va, PGSIZE);
	tlb_shootdown(probe.va, PGSIZE);
	arena_free(vmap_arena, (void *)probe.va, PGSIZE);
	kpage_free(a);
	kpage_free(b);
}

/* ---------------------------------------------- stress on every core */

#define STRESS_ROUNDS 3000
#define STRESS_SLOTS  64

struct stress_state {
	atomic_t errors;
};

static uint64_t stress_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static size_t stress_size(uint64_t r)
{
	switch (r % 8) {
	case 0: return PGSIZE * (1 + r % 5);    /* page-sized and bigger */
	case 1: return 1 + r % 8192;
	default: return 1 + r % 512;            /* mostly small */
	}
}

/* Each slot holds a buffer filled with a byte derived from its address. */
static bool stress_check_and_free(uint8_t *p, size_t n)
{
	uint8_t want = (uint8_t)((uintptr_t)p >> 4);
	bool ok = true;

	for (size_t i = 0; i < n; i++)
		ok &= p[i] == want;
	kfree(p);
	return ok;
}

static void stress_worker(void *arg)
{
	struct stress_state *st = arg;
	uint8_t *slot[STRESS_SLOTS] = { 0 };
	size_t len[STRESS_SLOTS] = { 0 };
	uint64_t seed = 0x9e3779b97f4a7c15ULL * (core_id() + 1);

	for (int i = 0; i < STRESS_ROUNDS; i++) {
		uint64_t r = stress_rand(&seed);
		int s = r % STRESS_SLOTS;

		if (slot[s] && !stress_check_and_free(slot[s], len[s]))
			atomic_inc(&st->errors);
		len[s] = stress_size(r >> 8);
		slot[s] = kmalloc(len[s], MEM_WAIT);
		if (!slot[s]) {
			atomic_inc(&st->errors);
			continue;
		}
		memset(slot[s], (uint8_t)((uintptr_t)slot[s] >> 4), len[s]);
	}
	for (int s = 0; s < STRESS_SLOTS; s++)
		if (slot[s] && !stress_check_and_free(slot[s], len[s]))
			atomic_inc(&st->errors);
}

KTEST(mem, kmalloc_stress_all_cores)
{
	struct kthread *workers[MAX_CORES];
	struct stress_state st;

	atomic_set(&st.errors, 0);
	for (uint32_t c = 0; c < num_cores; c++) {
		workers[c] = kthread_create(stress_worker, &st, "kt_mem_stress");
		KT_ASSERT(workers[c]);
		kthread_get(workers[c]);
		kthread_run_on(workers[c], c);
	}
	for (uint32_t c = 0; c < num_cores; c++)
		kthread_join(workers[c]);
	KT_ASSERT_MSG(atomic_read(&st.errors) == 0, "%ld corrupted or failed allocations",
	              (long)atomic_read(&st.errors));
}

/* The leak checker itself must see each kind of leak. */
KTEST(mem, leak_checker_sees_leaks)
{
	struct leak_snapshot base, now;
	void *obj, *page, *big;

	leak_snapshot_take(&base);
	obj = kmalloc(100, MEM_WAIT);
	leak_snapshot_take(&now);
	KT_ASSERT_MSG(!leak_snapshot_equal(&base, &now), "missed a kmalloc object");
	kfree(obj);
	page = kpage_alloc(MEM_WAIT);
	leak_snapshot_take(&now);
	KT_ASSERT_MSG(!leak_snapshot_equal(&base, &now), "missed a page");
	kpage_free(page);
	big = kpages_alloc(64 * PGSIZE, MEM_WAIT);
	leak_snapshot_take(&now);
	KT_ASSERT_MSG(!leak_snapshot_equal(&base, &now), "missed 64 pages");
	KT_ASSERT_EQ(base.pages - now.pages, 64);
	kpages_free(big, 64 * PGSIZE);
	leak_snapshot_take(&now);
	KT_ASSERT_MSG(leak_snapshot_equal(&base, &now), "%s", leak_snapshot_diff(&base, &now));
}
