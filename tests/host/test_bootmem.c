/* SPDX-License-Identifier: MIT */
/*
 * test_bootmem.c - host tests of the usable-memory computation
 * (kern/src/mm/bootmem.c).
 *
 * Each test fills a struct boot_info by hand (RAM, reserved ranges,
 * modules), runs bootmem_compute_usable() with printk captured, and checks
 * the usable map and the messages.  A random test compares the result page
 * by page with a brute-force answer: a page is usable exactly when it lies
 * wholly in RAM, above 1 MiB, and touches no reserved range, no module and
 * not the kernel image.  bootmem_module_pages() (what a module no longer
 * needed gives back) is checked the same ways: a page is given back when
 * it lies wholly in the module and would be usable without that module.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "htest.h"

#include <bootmem.h>
#include <errno.h>

#define PG   4096ull
#define KSTART (1 * MiB)
#define KEND   (3 * MiB)

static struct boot_info bi;
static struct memmap usable;
static const char *cap_log;
static bool cap_quiet;

static int compute(uint64_t kstart, uint64_t kend)
{
	int ret;

	htest_capture_begin();
	ret = bootmem_compute_usable(&bi, kstart, kend, &usable);
	cap_log = htest_capture_end();
	if (!cap_quiet)
		fputs(cap_log, stderr);
	return ret;
}

#define HT_ASSERT_LOG(text) \
	HT_ASSERT_MSG(strstr(cap_log, (text)) != NULL, "log lacks \"%s\"", (text))
#define HT_ASSERT_QUIET() \
	HT_ASSERT_MSG(cap_log[0] == 0, "unexpected messages: %s", cap_log)

static void ram(uint64_t base, uint64_t end)
{
	HT_ASSERT_EQ(memmap_add(&bi.ram, base, end - base), 0);
}

static void reserved(uint64_t base, uint64_t end)
{
	HT_ASSERT_EQ(memmap_add(&bi.reserved, base, end - base), 0);
}

static void module(uint64_t start, uint64_t end, const char *name)
{
	struct boot_module *m = &bi.modules[bi.nr_modules++];

	m->start = start;
	m->end = end;
	snprintf(m->name, sizeof(m->name), "%s", name);
}

/* Asserts usable range i is [base, end). */
#define HT_ASSERT_RANGE(i, b, e)                                           \
	do {                                                               \
		HT_ASSERT_MSG((i) < usable.nr, "no usable range %d", (i)); \
		HT_ASSERT_EQ(usable.r[i].base, (b));                       \
		HT_ASSERT_EQ(usable.r[i].end, (e));                        \
	} while (0)

/* Every usable range is whole pages and claims nothing it should not. */
static void check_sane(uint64_t kstart, uint64_t kend)
{
	memmap_for_each(&usable, r) {
		HT_ASSERT(r->base % PG == 0 && r->end % PG == 0 && r->base < r->end);
		HT_ASSERT(r->base >= 1 * MiB);
		HT_ASSERT(memmap_contains(&bi.ram, r->base, r->end - r->base));
		HT_ASSERT(!memmap_overlaps(&bi.reserved, r->base, r->end - r->base));
		HT_ASSERT(!(r->base < kend && kstart < r->end));
		for (int i = 0; i < bi.nr_modules; i++) {
			const struct boot_module *m = &bi.modules[i];

			if (m->end > m->start)
				HT_ASSERT(!(r->base < m->end && m->start < r->end));
		}
	}
}

/* ------------------------------------------------------------- valid --- */

HTEST(pc_map_kernel_and_module)
{
	ram(0, 0x9fc00);
	reserved(0x9fc00, 0xa0000);
	reserved(0xf0000, 0x100000);
	ram(1 * MiB, 512 * MiB);
	module(8 * MiB, 8 * MiB + 100 * 1024 + 5, "initramfs");
	HT_ASSERT_EQ(compute(KSTART, KEND), 0);
	HT_ASSERT_QUIET();
	HT_ASSERT_EQ(usable.nr, 2);
	HT_ASSERT_RANGE(0, KEND, 8 * MiB);
	HT_ASSERT_RANGE(1, 8 * MiB + 26 * PG, 512 * MiB);    /* rounded up */
	check_sane(KSTART, KEND);
}

/* Unaligned RAM edges shrink inward to whole pages. */
HTEST(unaligned_ram_shrinks_to_pages)
{
	ram(4 * MiB + 123, 6 * MiB + 77);
	HT_ASSERT_EQ(compute(KSTART, KEND + 5), 0);
	HT_ASSERT_MSG(strstr(cap_log, "kernel image") != NULL, "kernel not in RAM unreported");
	HT_ASSERT_RANGE(0, 4 * MiB + PG, 6 * MiB);
	check_sane(KSTART, KEND + 5);
}

/* Overlapping and duplicated RAM entries count once (merged by memmap). */
HTEST(overlapping_duplicated_ram)
{
	ram(1 * MiB, 64 * MiB);
	ram(1 * MiB, 64 * MiB);
	ram(32 * MiB, 128 * MiB);
	ram(100 * MiB, 110 * MiB);
	HT_ASSERT_EQ(compute(KSTART, KEND), 0);
	HT_ASSERT_QUIET();
	HT_ASSERT_EQ(usable.nr, 1);
	HT_ASSERT_EQ(memmap_total(&usable), 128 * MiB - KEND);
}

/* ------------------------------------------------------ contradictions --- */

/* The RAM map covers the kernel, but so does a reserved range. */
HTEST(kernel_in_ram_and_reserved)
{
	ram(0, 256 * MiB);
	reserved(2 * MiB, 4 * MiB);
	HT_ASSERT_EQ(compute(KSTART, KEND), 0);
	HT_ASSERT_LOG("RAM overlaps reserved range 0x200000-0x400000; treated as reserved");
	HT_ASSERT_LOG("the kernel image at 0x100000-0x300000 lies in a reserved range");
	HT_ASSERT_RANGE(0, 4 * MiB, 256 * MiB);
	check_sane(KSTART, KEND);
}

HTEST(kernel_outside_ram)
{
	ram(16 * MiB, 256 * MiB);
	HT_ASSERT_EQ(compute(KSTART, KEND), 0);
	HT_ASSERT_LOG("the kernel image at 0x100000-0x300000 is not (all) in the RAM map");
	HT_ASSERT_RANGE(0, 16 * MiB, 256 * MiB);
}

HTEST(kernel_partly_outside_ram)
{
	ram(2 * MiB, 256 * MiB);
	HT_ASSERT_EQ(compute(KSTART, KEND), 0);
	HT_ASSERT_LOG("is not (all) in the RAM map");
	HT_ASSERT_RANGE(0, KEND, 256 * MiB);
}

HTEST(module_overlaps_kernel)
{
	ram(0, 64 * MiB);
	module(2 * MiB, 5 * MiB, "initramfs");
	HT_ASSERT_EQ(compute(KSTART, KEND), 0);
	HT_ASSERT_LOG("module 0 ('initramfs') at 0x200000-0x500000 overlaps the kernel image");
	HT_ASSERT_RANGE(0, 5 * MiB, 64 * MiB);
	check_sane(KSTART, KEND);
}

HTEST(modules_overlap_each_other)
{
	ram(0, 64 * MiB);
	module(8 * MiB, 10 * MiB, "a");
	module(12 * MiB, 13 * MiB, "b");
	module(9 * MiB, 12 * MiB + 1, "c");
	HT_ASSERT_EQ(compute(KSTART, KEND), 0);
	HT_ASSERT_LOG("modules 0 and 2 overlap at 0x900000-0xa00000");
	HT_ASSERT_LOG("modules 1 and 2 overlap at 0xc00000-0xc00001");
	HT_ASSERT_EQ(usable.nr, 2);
	HT_ASSERT_RANGE(0, KEND, 8 * MiB);
	HT_ASSERT_RANGE(1, 13 * MiB, 64 * MiB);
}

HTEST(module_outside_ram)
{
	ram(0, 64 * MiB);
	module(0xfd000000, 0xfd100000, "far");
	HT_ASSERT_EQ(compute(KSTART, KEND), 0);
	HT_ASSERT_LOG("module 0 ('far') at 0xfd000000-0xfd100000 is not (all) in the RAM map");
	HT_ASSERT_RANGE(0, KEND, 64 * MiB);
}

HTEST(module_straddles_ram_end)
{
	ram(0, 64 * MiB);
	module(63 * MiB, 65 * MiB, "edge");
	HT_ASSERT_EQ(compute(KSTART, KEND), 0);
	HT_ASSERT_LOG("is not (all) in the RAM map");
	HT_ASSERT_RANGE(0, KEND, 63 * MiB);
}

/* bootinfo.c drops these, but a hand-made boot_info must not confuse us. */
HTEST(module_end_before_start)
{
	ram(0, 64 * MiB);
	module(9 * MiB, 8 * MiB, "backwards");
	HT_ASSERT_EQ(compute(KSTART, KEND), 0);
	HT_ASSERT_LOG("module 0 at 0x900000-0x800000 ends before it starts; not reserved");
	HT_ASSERT_RANGE(0, KEND, 64 * MiB);
}

HTEST(empty_module_is_harmless)
{
	ram(0, 64 * MiB);
	module(8 * MiB, 8 * MiB, "empty");
	HT_ASSERT_EQ(compute(KSTART, KEND), 0);
	HT_ASSERT_QUIET();
	HT_ASSERT_RANGE(0, KEND, 64 * MiB);
}

HTEST(bad_module_count)
{
	ram(0, 64 * MiB);
	bi.nr_modules = BOOT_MAX_MODULES + 1;
	HT_ASSERT_EQ(compute(KSTART, KEND), 0);
	HT_ASSERT_LOG("module count 9 is not in 0..8");
	bi.nr_modules = -1;
	HT_ASSERT_EQ(compute(KSTART, KEND), 0);
	HT_ASSERT_LOG("module count -1");
}

/* ------------------------------------------------------------- errors --- */

HTEST(no_ram_at_all)
{
	reserved(0, 4 * MiB);
	HT_ASSERT_EQ(compute(KSTART, KEND), -ENOMEM);
	HT_ASSERT_LOG("the boot memory map lists no RAM");
	HT_ASSERT_EQ(usable.nr, 0);
}

HTEST(ram_all_below_1mib)
{
	ram(0, 0x9fc00);
	HT_ASSERT_EQ(compute(KSTART, KEND), -ENOMEM);
	HT_ASSERT_LOG("no usable RAM is left above 1 MiB");
	HT_ASSERT_EQ(usable.nr, 0);
}

HTEST(ram_only_under_kernel_and_modules)
{
	ram(0, 4 * MiB);
	module(KEND, 4 * MiB - 1, "rest");
	HT_ASSERT_EQ(compute(KSTART, KEND), -ENOMEM);
	HT_ASSERT_LOG("no usable RAM is left");
}

/* Less than one whole page survives: nothing usable. */
HTEST(ram_sliver_smaller_than_a_page)
{
	ram(8 * MiB + 1, 8 * MiB + PG + 100);
	HT_ASSERT_EQ(compute(KSTART, KEND), -ENOMEM);
}

HTEST(empty_kernel_range)
{
	ram(0, 64 * MiB);
	HT_ASSERT_EQ(compute(KEND, KSTART), -EINVAL);
	HT_ASSERT_LOG("kernel image range 0x300000-0x100000 is empty");
	HT_ASSERT_EQ(usable.nr, 0);
}

/* A RAM range reaching 2^64 (clamped by memmap) is still handled. */
HTEST(ram_to_top_of_address_space)
{
	ram(0xfffffffffff00000ull, UINT64_MAX);
	ram(0, 16 * MiB);
	HT_ASSERT_EQ(compute(KSTART, KEND), 0);
	HT_ASSERT_EQ(usable.nr, 2);
	HT_ASSERT_RANGE(1, 0xfffffffffff00000ull, 0xfffffffffffff000ull);
	check_sane(KSTART, KEND);
}

/*
 * 127 reserved holes cut RAM into 128 pieces (the list's capacity); the
 * kernel in the middle of one needs a 129th: the upper part is given up,
 * reported, and never handed out wrongly.
 */
HTEST(range_list_full_loses_memory_safely)
{
	ram(1 * MiB, 1 * MiB + 128 * 16 * MiB);
	for (int i = 1; i < 128; i++) {
		uint64_t hole = 1 * MiB + (uint64_t)i * 16 * MiB;

		reserved(hole, hole + PG);
	}
	cap_quiet = true;
	HT_ASSERT_EQ(compute(1 * MiB + 4 * MiB, 1 * MiB + 6 * MiB), 0);
	HT_ASSERT_LOG("range list full while removing the kernel image");
	HT_ASSERT(usable.nr <= MEMMAP_MAX_RANGES);
	check_sane(1 * MiB + 4 * MiB, 1 * MiB + 6 * MiB);
}

/* ------------------------------------------------------ module pages --- */

static struct memmap mpages;

static int module_pages(int i, uint64_t kstart, uint64_t kend)
{
	int ret;

	htest_capture_begin();
	ret = bootmem_module_pages(&bi, i, kstart, kend, &mpages);
	cap_log = htest_capture_end();
	return ret;
}

/* The initramfs alone: its whole pages come back, the partial ones stay. */
HTEST(module_pages_whole_pages_of_a_lone_module)
{
	ram(1 * MiB, 512 * MiB);
	module(8 * MiB + 100, 9 * MiB + 5, "initramfs");
	HT_ASSERT_EQ(module_pages(0, KSTART, KEND), 0);
	HT_ASSERT_QUIET();
	HT_ASSERT_EQ(mpages.nr, 1);
	HT_ASSERT_EQ(mpages.r[0].base, 8 * MiB + PG);
	HT_ASSERT_EQ(mpages.r[0].end, 9 * MiB);
}

/* What the module shares with the kernel, another module, a reserved
 * range, the first MiB or non-RAM is never given back. */
HTEST(module_pages_leave_what_others_claim)
{
	ram(0, 20 * MiB);
	reserved(10 * MiB, 10 * MiB + 2 * PG);
	module(512 * 1024, 12 * MiB, "wide");
	module(11 * MiB, 11 * MiB + 3 * PG, "inner");
	HT_ASSERT_EQ(module_pages(0, 2 * MiB, 3 * MiB), 0);
	HT_ASSERT_QUIET();
	HT_ASSERT_EQ(mpages.nr, 4);
	HT_ASSERT_EQ(mpages.r[0].base, 1 * MiB);
	HT_ASSERT_EQ(mpages.r[0].end, 2 * MiB);
	HT_ASSERT_EQ(mpages.r[1].base, 3 * MiB);
	HT_ASSERT_EQ(mpages.r[1].end, 10 * MiB);
	HT_ASSERT_EQ(mpages.r[2].base, 10 * MiB + 2 * PG);
	HT_ASSERT_EQ(mpages.r[2].end, 11 * MiB);
	HT_ASSERT_EQ(mpages.r[3].base, 11 * MiB + 3 * PG);
	HT_ASSERT_EQ(mpages.r[3].end, 12 * MiB);
}

HTEST(module_pages_bad_index_and_empty_module)
{
	ram(1 * MiB, 64 * MiB);
	module(8 * MiB, 8 * MiB, "empty");
	HT_ASSERT_EQ(module_pages(0, KSTART, KEND), 0);
	HT_ASSERT_EQ(mpages.nr, 0);
	HT_ASSERT_EQ(module_pages(1, KSTART, KEND), -EINVAL);
	HT_ASSERT_EQ(module_pages(-1, KSTART, KEND), -EINVAL);
	HT_ASSERT_EQ(mpages.nr, 0);
	bi.modules[0].end = 0;                  /* ends before it starts */
	HT_ASSERT_EQ(module_pages(0, KSTART, KEND), 0);
	HT_ASSERT_EQ(mpages.nr, 0);
}

/* ------------------------------------------------- random vs brute force --- */

#define RND_SPACE   (64 * MiB)
#define RND_PAGES   (RND_SPACE / PG)

static uint64_t rnd_addr(void)
{
	return htest_rand() % RND_SPACE;
}

static void rnd_range(uint64_t *base, uint64_t *end, uint64_t max_len)
{
	*base = rnd_addr();
	*end = MIN(*base + 1 + htest_rand() % max_len, RND_SPACE);
}

static bool claimed(uint64_t pa, uint64_t end, uint64_t ks, uint64_t ke)
{
	if (pa < 1 * MiB || memmap_overlaps(&bi.reserved, pa, end - pa))
		return true;
	if (pa < ke && ks < end)
		return true;
	for (int i = 0; i < bi.nr_modules; i++)
		if (pa < bi.modules[i].end && bi.modules[i].start < end)
			return true;
	return false;
}

static void rnd_fill(uint64_t *ks, uint64_t *ke)
{
	uint64_t b, e;

	memset(&bi, 0, sizeof(bi));
	for (int n = 1 + htest_rand() % 6; n > 0; n--) {
		rnd_range(&b, &e, 16 * MiB);
		ram(b, e);
	}
	for (int n = htest_rand() % 5; n > 0; n--) {
		rnd_range(&b, &e, 2 * MiB);
		reserved(b, e);
	}
	for (int n = htest_rand() % 4; n > 0; n--) {
		rnd_range(&b, &e, 4 * MiB);
		module(b, e, "r");
	}
	rnd_range(ks, ke, 4 * MiB);
}

HTEST(random_maps_match_brute_force)
{
	static bool want[RND_PAGES];

	cap_quiet = true;
	for (int round = 0; round < 300; round++) {
		uint64_t ks, ke, nwant = 0;
		int ret;

		rnd_fill(&ks, &ke);
		for (uint64_t p = 0; p < RND_PAGES; p++) {
			uint64_t pa = p * PG;

			want[p] = memmap_contains(&bi.ram, pa, PG) && !claimed(pa, pa + PG, ks, ke);
			nwant += want[p];
		}
		ret = compute(ks, ke);
		HT_ASSERT_EQ(ret, nwant ? 0 : -ENOMEM);
		HT_ASSERT_EQ(memmap_total(&usable), nwant * PG);
		for (uint64_t p = 0; p < RND_PAGES; p++)
			HT_ASSERT_MSG(want[p] == memmap_contains(&usable, p * PG, PG),
			              "round %d page %#llx: want %d", round,
			              (unsigned long long)(p * PG), want[p]);
		check_sane(ks, ke);
	}
}

/* Module i's page is given back exactly when it lies wholly in module i and
 * would be usable were module i not there. */
HTEST(random_module_pages_match_brute_force)
{
	cap_quiet = true;
	for (int round = 0; round < 300; round++) {
		struct boot_module keep;
		uint64_t ks, ke, nwant = 0;
		int i;

		rnd_fill(&ks, &ke);
		if (!bi.nr_modules)
			continue;
		i = (int)(htest_rand() % (uint64_t)bi.nr_modules);
		HT_ASSERT_EQ(module_pages(i, ks, ke), 0);
		keep = bi.modules[i];
		bi.modules[i].end = bi.modules[i].start;        /* as if absent */
		for (uint64_t p = 0; p < RND_PAGES; p++) {
			uint64_t pa = p * PG;
			bool want = pa >= keep.start && pa + PG <= keep.end &&
			            memmap_contains(&bi.ram, pa, PG) && !claimed(pa, pa + PG, ks, ke);

			nwant += want;
			HT_ASSERT_MSG(want == memmap_contains(&mpages, pa, PG),
			              "round %d page %#llx: want %d", round,
			              (unsigned long long)pa, want);
		}
		HT_ASSERT_EQ(memmap_total(&mpages), nwant * PG);
	}
}
