/* SPDX-License-Identifier: MIT */
/*
 * pmap.h - the kernel's page tables: the direct map, mappings of 4 KiB
 * pages, protection changes, TLB shootdown, and MMIO windows.
 *
 * Rules:
 *  - kern_pml4 is built once by pmap_init() and shared by every core; its
 *    upper half (the kernel's) is the same in every future address space.
 *  - pmap_map_range/unmap/protect modify a page table under pmap_lock and
 *    flush only the calling core's TLB; a caller that changes or removes a
 *    mapping other cores may have cached calls tlb_shootdown() afterwards.
 *  - Intermediate tables are never freed (they cost 4 KiB per 1 GiB of
 *    kernel mappings at most).
 *  - An entry with PTE_NOACCESS (arch/mmu.h) is written without PTE_P: the
 *    page stays mapped for pmap_lookup, unmap and protect (which report and
 *    change it like any other), but every access to it faults.
 *  - The direct map covers [0, 4 GiB) and all RAM, with 2 MiB or 1 GiB
 *    pages; pmap_map_range refuses to touch it (and the kernel image).
 */
#pragma once

#include <arch/mmu.h>
#include <types.h>

extern pte_t *kern_pml4;

void pmap_init(void);

int pmap_map_range(pte_t *pml4, uintptr_t va, physaddr_t pa, size_t len,
                   uint64_t perm, int mem_flags);
size_t pmap_unmap_range(pte_t *pml4, uintptr_t va, size_t len);
int pmap_protect_range(pte_t *pml4, uintptr_t va, size_t len, uint64_t perm);
bool pmap_lookup(pte_t *pml4, uintptr_t va, physaddr_t *pa, uint64_t *perm);
/* Next address in [va, end) with a page table under it, else end. */
uintptr_t pmap_next_table_addr(pte_t *pml4, uintptr_t va, uintptr_t end);

/* Invalidates [va, va+len) on every online core and waits until done. */
void tlb_shootdown(uintptr_t va, size_t len);

/* An uncached kernel mapping of device registers; never unmapped. */
void *ioremap_nocache(physaddr_t pa, size_t len);

bool pmap_dmap_covers(physaddr_t pa, size_t len);

/* Installs/removes the identity map of low memory that AP start-up needs. */
void pmap_boot_identity(bool on);

/* The arena of kernel virtual ranges in [KERN_VMAP_BASE, KERN_VMAP_END). */
extern struct arena *vmap_arena;

/* mem_init() calls this once the page allocator works. */
void pmap_pages_now_ready(void);
