/* SPDX-License-Identifier: MIT */
/*
 * arch/mmu.h - page-table entry bits and address conversions between the
 * direct map and physical addresses.  The picture of the address space is in
 * ros/mmu64.h.
 */
#pragma once

#include <ros/mmu64.h>
#include <types.h>

#define PTE_P     (1ULL << 0)   /* present */
#define PTE_W     (1ULL << 1)   /* writable */
#define PTE_U     (1ULL << 2)   /* user */
#define PTE_PWT   (1ULL << 3)
#define PTE_PCD   (1ULL << 4)   /* cache disable */
#define PTE_A     (1ULL << 5)
#define PTE_D     (1ULL << 6)
#define PTE_PS    (1ULL << 7)   /* large page, in PDPTEs and PDEs */
#define PTE_G     (1ULL << 8)   /* global */
#define PTE_NX    (1ULL << 63)
/*
 * Software bit (ignored by the CPU): a page kept but not accessible at all,
 * by user or kernel (PROT_NONE).  pmap stores such an entry without PTE_P,
 * so every access faults, and still reports it as mapped (pmap.h).
 */
#define PTE_NOACCESS (1ULL << 10)
#define PTE_ADDR_MASK 0x000ffffffffff000ULL

#define PML4_SHIFT 39
#define PDPT_SHIFT 30
#define PD_SHIFT   21
#define PT_SHIFT   12
#define PT_INDEX(va, shift) (((uintptr_t)(va) >> (shift)) & 0x1ff)

typedef uint64_t pte_t;

/* Physical address to its alias in the direct map, and back. */
static inline void *KADDR(physaddr_t pa)
{
	return (void *)(pa + KERN_DMAP_BASE);
}

/*
 * Works for direct-map addresses and for addresses inside the kernel image;
 * anything else (vmap) has no fixed physical address and is a caller bug.
 */
static inline physaddr_t PADDR(const void *va)
{
	uintptr_t v = (uintptr_t)va;

	if (v >= KERN_LOAD_ADDR)
		return v - KERN_LOAD_ADDR;
	return v - KERN_DMAP_BASE;
}
