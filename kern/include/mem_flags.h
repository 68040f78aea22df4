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
 * MEM_WAIT calls mem_wait_for_memory() and retries when an allocator has
 * nothing.  Today that (weak, in kern/src/mm/arena.c) panics "out of memory":
 * no sleeping policy exists yet, so code that a user can drive into
 * exhausting memory (user pages, tmpfs contents, process creation) uses
 * MEM_ATOMIC or a limit and fails with ENOMEM/ENOSPC instead.
 *
 * Arena allocation policies (ARENA_*FIT) live in arena.h and share this
 * flags word; bits 0-7 are reserved for the MEM_ flags.
 */
#pragma once

#include <types.h>

#define MEM_ATOMIC   (1 << 0)
#define MEM_WAIT     (1 << 1)
#define MEM_WAITMASK (MEM_ATOMIC | MEM_WAIT)

/* Blocks until some memory may have been freed.  Weak default: panic. */
void mem_wait_for_memory(void);

/* True if exactly one of MEM_ATOMIC and MEM_WAIT is set. */
static inline bool mem_flags_ok(int flags)
{
	int w = flags & MEM_WAITMASK;

	return w == MEM_ATOMIC || w == MEM_WAIT;
}

/* The flags to pass on to a lower layer that must not block on its own. */
static inline int mem_flags_atomic(int flags)
{
	return (flags & ~MEM_WAITMASK) | MEM_ATOMIC;
}
