/* SPDX-License-Identifier: MIT */
/*
 * bootmem.c - the set of usable physical pages, computed from the boot
 * loader's report (struct boot_info) and the kernel image's placement.
 *
 * Model: start from the loader's RAM (already sorted and merged by
 * memmap.c) and carve out, in order, everything someone else claims: the
 * ranges the loader also lists as reserved, the first 1 MiB (BIOS data, the
 * AP trampoline), the kernel image, the boot modules.  Then shrink to whole
 * pages.  Carving is unconditional: a range is removed whether or not the
 * loader's map agrees it is RAM, so a contradictory map can cost memory but
 * never hands out the kernel, a module or firmware memory.
 *
 * Every contradiction is reported with a "bootmem:" message before it is
 * resolved that way: RAM also marked reserved, the kernel or a module not
 * inside RAM, a module overlapping the kernel or another module, a module
 * that ends before it starts.  Running out of room in the range list loses
 * memory (reported), never the reverse.
 *
 * bootmem_module_pages() answers the same question for one module once
 * its contents are no longer needed (kfs copied the initramfs): the whole
 * pages of the module that nobody else claims, by the same carving with
 * that module left out, then clipped to it.  Pages the module shares with
 * the kernel, a reserved range or another module stay out.
 *
 * Pure: reads only its arguments, no allocation, no locks; mem_init()
 * (kern/src/mm/mem.c) calls it once at boot, host tests call it freely.
 */
#include <bootmem.h>
#include <errno.h>
#include <printk.h>
#include <ros/mmu64.h>

#define BOOTMEM_LOW_RESERVED (1 * MiB)

static bool ranges_overlap(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end)
{
	return a < b_end && b < a_end;
}

/* Removes [base, end) from 'usable'; reports what a full range list lost. */
static void bootmem_carve(struct memmap *usable, uint64_t base, uint64_t end,
                          const char *what)
{
	if (end <= base)
		return;
	if (memmap_remove(usable, base, end - base))
		printk("bootmem: range list full while removing %s at %#lx-%#lx; "
		       "memory above it lost\n", what, (unsigned long)base, (unsigned long)end);
}

static void bootmem_carve_reserved(const struct boot_info *bi, bool report,
                                   struct memmap *usable)
{
	memmap_for_each(&bi->reserved, r) {
		if (report && memmap_overlaps(&bi->ram, r->base, r->end - r->base))
			printk("bootmem: RAM overlaps reserved range %#lx-%#lx; "
			       "treated as reserved\n", (unsigned long)r->base,
			       (unsigned long)r->end);
		bootmem_carve(usable, r->base, r->end, "a reserved range");
	}
}

static void bootmem_check_kernel(const struct boot_info *bi, uint64_t start, uint64_t end)
{
	if (!memmap_contains(&bi->ram, start, end - start))
		printk("bootmem: the kernel image at %#lx-%#lx is not (all) in the RAM map\n",
		       (unsigned long)start, (unsigned long)end);
	if (memmap_overlaps(&bi->reserved, start, end - start))
		printk("bootmem: the kernel image at %#lx-%#lx lies in a reserved range\n",
		       (unsigned long)start, (unsigned long)end);
}

/* Reports how module i sits against RAM, the kernel and modules 0..i-1. */
static void bootmem_check_module(const struct boot_info *bi, int i,
                                 uint64_t kstart, uint64_t kend)
{
	const struct boot_module *m = &bi->modules[i];

	if (!memmap_contains(&bi->ram, m->start, m->end - m->start))
		printk("bootmem: module %d ('%s') at %#lx-%#lx is not (all) in the RAM map\n",
		       i, m->name, (unsigned long)m->start, (unsigned long)m->end);
	if (ranges_overlap(m->start, m->end, kstart, kend))
		printk("bootmem: module %d ('%s') at %#lx-%#lx overlaps the kernel image\n",
		       i, m->name, (unsigned long)m->start, (unsigned long)m->end);
	for (int j = 0; j < i; j++) {
		const struct boot_module *o = &bi->modules[j];

		if (ranges_overlap(m->start, m->end, o->start, o->end))
			printk("bootmem: modules %d and %d overlap at %#lx-%#lx\n", j, i,
			       (unsigned long)MAX(m->start, o->start),
			       (unsigned long)MIN(m->end, o->end));
	}
}

/* Carves every module but 'skip' (-1: none); 'report' prints what is odd. */
static void bootmem_carve_modules(const struct boot_info *bi, uint64_t kstart,
                                  uint64_t kend, int skip, bool report, struct memmap *usable)
{
	int n = bi->nr_modules;

	if (n < 0 || n > BOOT_MAX_MODULES) {
		printk("bootmem: module count %d is not in 0..%d; modules ignored\n", n,
		       BOOT_MAX_MODULES);
		return;
	}
	for (int i = 0; i < n; i++) {
		const struct boot_module *m = &bi->modules[i];

		if (m->end < m->start) {
			if (report)
				printk("bootmem: module %d at %#lx-%#lx ends before it starts; "
				       "not reserved\n", i, (unsigned long)m->start,
				       (unsigned long)m->end);
			continue;
		}
		if (m->end == m->start || i == skip)
			continue;
		if (report)
			bootmem_check_module(bi, i, kstart, kend);
		bootmem_carve(usable, m->start, m->end, "a boot module");
	}
}

/* RAM minus every claim but module 'skip's, in whole pages (report: say
 * what contradicts); 0, or the errors of bootmem_compute_usable. */
static int bootmem_carve_all(const struct boot_info *bi, uint64_t kernel_start,
                             uint64_t kernel_end, int skip, bool report,
                             struct memmap *usable)
{
	usable->nr = 0;
	if (kernel_end <= kernel_start) {
		printk("bootmem: kernel image range %#lx-%#lx is empty\n",
		       (unsigned long)kernel_start, (unsigned long)kernel_end);
		return -EINVAL;
	}
	if (bi->ram.nr <= 0 || bi->ram.nr > MEMMAP_MAX_RANGES) {
		printk("bootmem: the boot memory map lists no RAM\n");
		return -ENOMEM;
	}
	*usable = bi->ram;
	bootmem_carve_reserved(bi, report, usable);
	bootmem_carve(usable, 0, BOOTMEM_LOW_RESERVED, "the first MiB");
	if (report)
		bootmem_check_kernel(bi, kernel_start, kernel_end);
	bootmem_carve(usable, kernel_start, kernel_end, "the kernel image");
	bootmem_carve_modules(bi, kernel_start, kernel_end, skip, report, usable);
	memmap_page_align(usable, PGSIZE);
	return 0;
}

int bootmem_compute_usable(const struct boot_info *bi, uint64_t kernel_start,
                           uint64_t kernel_end, struct memmap *usable)
{
	int ret = bootmem_carve_all(bi, kernel_start, kernel_end, -1, true, usable);

	if (ret)
		return ret;
	if (usable->nr == 0) {
		printk("bootmem: no usable RAM is left above 1 MiB after the kernel "
		       "and modules (%lu bytes of RAM listed)\n",
		       (unsigned long)memmap_total(&bi->ram));
		return -ENOMEM;
	}
	return 0;
}

int bootmem_module_pages(const struct boot_info *bi, int i, uint64_t kernel_start,
                         uint64_t kernel_end, struct memmap *pages)
{
	const struct boot_module *m;
	int ret;

	pages->nr = 0;
	if (i < 0 || i >= bi->nr_modules || bi->nr_modules > BOOT_MAX_MODULES)
		return -EINVAL;
	m = &bi->modules[i];
	if (m->end <= m->start)
		return 0;
	ret = bootmem_carve_all(bi, kernel_start, kernel_end, i, false, pages);
	if (ret)
		return ret;
	bootmem_carve(pages, 0, m->start, "below the module");
	bootmem_carve(pages, m->end, UINT64_MAX, "above the module");
	memmap_page_align(pages, PGSIZE);
	return 0;
}
