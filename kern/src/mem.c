/* SPDX-License-Identifier: MIT */
/*
 * mem.c - mem_init(): from the boot loader's memory map to working
 * allocators, plus boot_alloc() for the steps before the page allocator.
 *
 * The set of usable pages is the loader's RAM minus: the first 1 MiB (BIOS
 * data, the AP trampoline), the kernel image, the boot modules, anything the
 * loader also listed as reserved, and whatever boot_alloc() hands out.  A
 * memory map that claims the kernel or a module is free is reported (the
 * overlap is carved out, never trusted).  boot_alloc() takes from the
 * bottom of the usable map below 4 GiB, where the boot page tables reach.
 */
#include <arch/mmu.h>
#include <arena.h>
#include <assert.h>
#include <boot.h>
#include <init.h>
#include <kmalloc.h>
#include <kstring.h>
#include <memmap.h>
#include <page.h>
#include <pmap.h>
#include <printk.h>
#include <slab.h>

extern char kernel_phys_start[], kernel_end[];

static struct memmap usable;
static bool boot_alloc_closed;

void *boot_alloc(size_t size, size_t align)
{
	size = ALIGN_UP(size, 16);
	assert(!boot_alloc_closed);
	memmap_for_each(&usable, r) {
		uint64_t pa = ALIGN_UP(r->base, align);

		if (pa + size > r->end || pa + size > BOOT_MAP_SIZE)
			continue;
		memmap_remove(&usable, pa, size);
		memset(KADDR(pa), 0, size);
		return KADDR(pa);
	}
	panic("boot_alloc: no memory for %zu bytes", size);
}

static void mem_reserve(uint64_t base, uint64_t end, const char *what)
{
	if (!memmap_contains(&boot_info.ram, base, end - base))
		printk("mem: %s at %#lx-%#lx is not (all) in the RAM map\n", what,
		       (unsigned long)base, (unsigned long)end);
	memmap_remove(&usable, base, end - base);
}

static void mem_check_modules(void)
{
	uint64_t kstart = (uintptr_t)kernel_phys_start, kend = PADDR(kernel_end);

	for (int i = 0; i < boot_info.nr_modules; i++) {
		struct boot_module *m = &boot_info.modules[i];

		if (m->start < kend && kstart < m->end)
			printk("mem: module %d ('%s') overlaps the kernel image\n", i, m->name);
		mem_reserve(m->start, m->end, "boot module");
	}
}

static void mem_build_usable(void)
{
	usable = boot_info.ram;
	memmap_for_each(&boot_info.reserved, r)
		memmap_remove(&usable, r->base, r->end - r->base);
	memmap_remove(&usable, 0, 1 * MiB);
	/* kernel_phys_start is linked at its physical address (.boot). */
	mem_reserve((uintptr_t)kernel_phys_start, PADDR(kernel_end), "the kernel image");
	mem_check_modules();
	memmap_page_align(&usable, PGSIZE);
	if (usable.nr == 0)
		panic("mem: no usable RAM after the kernel and modules");
}

static void mem_print_map(void)
{
	printk("mem: %lu MiB of RAM, %lu MiB usable, highest address %#lx\n",
	       memmap_total(&boot_info.ram) / MiB, memmap_total(&usable) / MiB,
	       (unsigned long)boot_info.max_pa);
}

void mem_init(void)
{
	mem_build_usable();
	mem_print_map();
	pmap_init();
	page_alloc_init(boot_info.max_pa, boot_alloc);
	boot_alloc_closed = true;
	memmap_for_each(&usable, r)
		page_add_free_range(r->base, r->end - r->base);
	pmap_pages_now_ready();
	if (!kmem_is_ready())
		panic("mem: slab did not start (%zu free pages)", nr_free_pages());
	vmap_arena = arena_create("vmap", (void *)KERN_VMAP_BASE,
	                          KERN_VMAP_END - KERN_VMAP_BASE, PGSIZE,
	                          NULL, NULL, NULL, 0, MEM_WAIT);
	if (!vmap_arena)
		panic("mem: cannot create the vmap arena");
	printk("mem: %lu free pages\n", (unsigned long)nr_free_pages());
}
