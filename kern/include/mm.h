/* SPDX-License-Identifier: MIT */
/*
 * mm.h - an address space: the lower-half page tables and the VMR set that
 * describes them (proc_mm.c).
 *
 *	struct mm *mm = mm_create();             // empty; kernel upper half
 *	mm_lock(mm); vmr_insert(&mm->vmrs, ...); mm_populate(mm, va, len, MEM_WAIT);
 *	mm_unlock(mm);
 *	mm_fault(mm, va, write, exec);           // a user page fault
 *	mm_put(mm);                              // last reference frees it all
 *
 * A process points at one mm (p->mm).  exec builds a whole new mm, loads
 * the image into it and only then swaps it in, so a failed exec leaves the
 * caller untouched; fork copies one (mm_dup, copy-on-write).
 *
 * Locking: mm->lock (a semaphore: page allocation may sleep) around every
 * change to the regions and to the lower-half page tables, lookups
 * included.  The page tables may be walked without it only by the MMU.
 * Lifetime: a kref; the process holds one, a kthread that loaded mm's cr3
 * must hold one for as long as it may run with it.
 */
#pragma once

#include <arch/mmu.h>
#include <kref.h>
#include <sem.h>
#include <types.h>
#include <vmr.h>

/* The top of the user stack, below one guard page under USER_LIMIT; the
 * VMR set of every mm ends here. */
#define USER_STACK_TOP 0x00007ffffffff000UL

struct mm {
	pte_t *pml4;                    /* [I] upper half = kern_pml4's */
	struct sem lock;                /* guards [m] */
	struct vmr_set vmrs;            /* [m] the regions, owner = this mm */
	struct kref ref;                /* [a] */
};

extern const struct vmr_ops mm_anon_ops;

struct mm *mm_create(void);                     /* NULL: no memory */
void mm_get(struct mm *mm);
void mm_put(struct mm *mm);                     /* must not have mm's cr3 loaded */
static inline void mm_lock(struct mm *mm) { sem_down(&mm->lock); }
static inline void mm_unlock(struct mm *mm) { sem_up(&mm->lock); }

/* With the lock held.  Backs every page of [va, va+len) in anon regions. */
int mm_populate(struct mm *mm, uintptr_t va, size_t len, int mem_flags);
/* With the lock held: copies into mapped pages through the direct map. */
int mm_write(struct mm *mm, uintptr_t va, const void *buf, size_t len);
/* A user page fault at va: true if it was resolved.  Takes the lock. */
bool mm_fault(struct mm *mm, uintptr_t va, bool write, bool exec);
/* The same without sleeping (uaccess, interrupts off): only if the lock is
 * free and a page comes without waiting. */
bool mm_fault_atomic(struct mm *mm, uintptr_t va, bool write);
