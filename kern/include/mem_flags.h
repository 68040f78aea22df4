/* SPDX-License-Identifier: MIT */
/*
 * mem_flags.h - the flags every memory allocation states.
 *
 * Every call into an allocator (arena, slab, kmalloc, kpage) passes exactly
 * one of:
 *	MEM_ATOMIC  never block; fail with NULL when memory is short.  The only
 *	            choice in IRQ context or with a spinlock held.
 *	MEM_WAIT    may block until memory is available; never returns NULL
 *	            for a request that could ever succeed.
 * Zero flags, or both, is a caller bug: the allocator warns and returns
 * NULL (mem_flags_ok() below is the one check they all use).
 *
 * MEM_WAIT may add MEM_USER: the allocation serves a user request, which
 * can be answered with ENOMEM.  It may block to reclaim, but it never waits
 * for other work to free memory and never ends a process: when reclaim
 * finds nothing it returns NULL, and the caller fails the request with
 * ENOMEM and a clear errstr.  (MEM_ATOMIC ignores MEM_USER.)
 *
 * When an allocator has nothing, MEM_WAIT calls mem_wait_for_memory(flags,
 * &w) and retries while it returns true; w (struct mem_wait, zeroed by the
 * allocator before its loop) remembers how long this allocation has waited.
 * The kernel's policy (kern/src/mm/mem_wait.c, Documentation/memory.md):
 * reclaim (every core's slab magazines, empty slabs, clean unmapped page
 * cache pages); then, for plain MEM_WAIT, end the largest user process and
 * sleep and retry; a kthread that waits too long is named on the console.
 * It never panics for lack of memory, but MEM_WAIT from IRQ context or with
 * interrupts off (a spinlock held) is a bug and panics when memory is short.
 * The weak default in arena.c (what host tests link) panics.
 *
 * Arena allocation policies (ARENA_*FIT) live in arena.h and share this
 * flags word; bits 0-7 are reserved for the MEM_ flags.
 */
#pragma once

#include <types.h>

#define MEM_ATOMIC   (1 << 0)
#define MEM_WAIT     (1 << 1)
#define MEM_USER     (1 << 2)
#define MEM_WAITMASK (MEM_ATOMIC | MEM_WAIT)

/* One MEM_WAIT allocation's waiting, kept by the allocator's retry loop. */
struct mem_wait {
	uint64_t since_ns;      /* first wait (0: not waited yet) */
	uint64_t reported_ns;   /* last watchdog report */
	unsigned int quick;     /* retries straight after a reclaim */
};

/* Frees what it can, maybe sleeps: true means retry, false give up (a
 * MEM_USER request that reclaim could not help).  Weak default: panic. */
bool mem_wait_for_memory(int flags, struct mem_wait *w);

/* True if exactly one of MEM_ATOMIC and MEM_WAIT is set. */
static inline bool mem_flags_ok(int flags)
{
	int w = flags & MEM_WAITMASK;

	return w == MEM_ATOMIC || w == MEM_WAIT;
}

/* The flags to pass on to a lower layer that must not block on its own. */
static inline int mem_flags_atomic(int flags)
{
	return (flags & ~(MEM_WAITMASK | MEM_USER)) | MEM_ATOMIC;
}
