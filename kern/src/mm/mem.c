/* SPDX-License-Identifier: MIT */
/*
 * mem.c - mem_init(): from the boot loader's memory map to working
 * allocators, plus boot_alloc() for the steps before the page allocator.
 *
 * The set of usable pages is the loader's RAM minus: the first 1 MiB (BIOS
 * data, the AP trampoline), the kernel image, the boot modules, anything the
 * loader also listed as reserved (computed and checked by bootmem.c), and
 * whatever boot_alloc() hands out.  boot_alloc() takes from the bottom of
 * the usable map below 4 GiB, where the boot page tables reach.  A module
 * whose contents were copied out (the initramfs, by kfs) is given to the
 * page allocator afterwards: mem_free_boot_module().
 */
#include <arch/mmu.h>
#include <arena.h>
#include <assert.h>
#include <boot.h>
#include <bootmem.h>
#include <init.h>
#include <kmalloc.h>
#include <kstring.h>
#include <mem_pressure.h>
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

static void mem_print_map(void)
{
	printk("mem: %lu MiB of RAM, %lu MiB usable, highest address %#lx\n",
	       memmap_total(&boot_info.ram) / MiB, memmap_total(&usable) / MiB,
	       (unsigned long)boot_info.max_pa);
}

void mem_init(void)
{
	/* kernel_phys_start is linked at its physical address (.boot). */
	if (bootmem_compute_usable(&boot_info, (uintptr_t)kernel_phys_start,
	                           PADDR(kernel_end), &usable))
		panic("mem: no usable RAM after the kernel and modules");
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
	mem_reserve_init();
	printk("mem: %lu free pages\n", (unsigned long)nr_free_pages());
}

void mem_free_boot_module(int i)
{
	static struct memmap freed;     /* the boot kthread's alone */
	struct boot_module *m = &boot_info.modules[i];

	if (bootmem_module_pages(&boot_info, i, (uintptr_t)kernel_phys_start, PADDR(kernel_end),
	                         &freed))
		return;
	memmap_for_each(&freed, r)
		page_add_free_range(r->base, r->end - r->base);
	printk("mem: boot module %d ('%s'): %lu KiB given back\n", i, m->name,
	       (unsigned long)(memmap_total(&freed) / 1024));
	m->end = m->start;
}
