/* SPDX-License-Identifier: MIT */
/*
 * lx_stack.c - the stack cache of musl's threads (Documentation/pthreads.md):
 * pthread_join keeps the joined thread's mapping (stack, guard, TLS and
 * TSD, one region musl mapped) here instead of unmapping it, and
 * pthread_create takes one of the same size and guard before it would map
 * (tools/compilers/musl/patches/stack-cache.patch).  A thread then costs
 * no mmap, mprotect or munmap, and no first-touch faults on its stack.
 *
 * What a reused region keeps and what it does not: its guard pages stay
 * PROT_NONE (the region is never remapped); pthread_create zeroes the TLS
 * and TSD part (the thread descriptor with its cancellation and detach
 * state, the __thread data, the keys' values), as a new mapping's would
 * be; the stack below keeps the old thread's bytes (a new thread's stack
 * holds no promise).  Detached threads' stacks are still unmapped at exit
 * (lx_thread.c), off their stack in vcore context.
 *
 * At most LX_STACK_SLOTS regions and LX_STACK_MAX_BYTES in all; a region
 * that does not fit is unmapped as before.  The most recently joined is
 * handed out first (its pages are the warmest).  Uthread context only,
 * under one spin-PDR lock (lx_stack_lock).
 */
#include <parlib/pdr_lock.h>
#include "lx.h"

#define LX_STACK_SLOTS     16
#define LX_STACK_MAX_BYTES (16ul << 20)

struct lx_kept_stack {
	void *base;
	size_t size;
	size_t guard;
};

static struct spin_pdr_lock lx_stack_lock = SPIN_PDR_INITIALIZER;
static struct lx_kept_stack lx_stacks[LX_STACK_SLOTS];  /* [lx_stack_lock] */
static int lx_nr_stacks;                                /* [lx_stack_lock] */
static size_t lx_stack_bytes;                           /* [lx_stack_lock] */

int __munmap(void *base, size_t len);
void *__vireo_stack_get(size_t size, size_t guard);
void __vireo_stack_put(void *base, size_t size, size_t guard);
size_t __vireo_stack_kept(void);

/* A kept region of exactly size bytes with guard bytes of guard, or NULL. */
void *__vireo_stack_get(size_t size, size_t guard)
{
	void *base = NULL;

	spin_pdr_lock(&lx_stack_lock);
	for (int i = lx_nr_stacks - 1; i >= 0; i--) {
		if (lx_stacks[i].size != size || lx_stacks[i].guard != guard)
			continue;
		base = lx_stacks[i].base;
		lx_stacks[i] = lx_stacks[--lx_nr_stacks];
		lx_stack_bytes -= size;
		break;
	}
	spin_pdr_unlock(&lx_stack_lock);
	return base;
}

/* A joined thread's region: kept, or unmapped when the cache is full. */
void __vireo_stack_put(void *base, size_t size, size_t guard)
{
	bool kept = false;

	spin_pdr_lock(&lx_stack_lock);
	if (lx_nr_stacks < LX_STACK_SLOTS && size <= LX_STACK_MAX_BYTES - lx_stack_bytes) {
		lx_stacks[lx_nr_stacks++] = (struct lx_kept_stack){ base, size, guard };
		lx_stack_bytes += size;
		kept = true;
	}
	spin_pdr_unlock(&lx_stack_lock);
	if (!kept)
		__munmap(base, size);
}

/* Bytes kept (libutest's leak check counts them as in use). */
size_t __vireo_stack_kept(void)
{
	size_t n;

	spin_pdr_lock(&lx_stack_lock);
	n = lx_stack_bytes;
	spin_pdr_unlock(&lx_stack_lock);
	return n;
}
