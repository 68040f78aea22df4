/* SPDX-License-Identifier: MIT */
/*
 * kmalloc.h - general-purpose kernel memory.
 *
 *	struct foo *f = kzmalloc(sizeof(*f), MEM_WAIT);
 *	struct bar *v = kmalloc_array(n, sizeof(*v), MEM_ATOMIC);
 *	kfree(f);
 *
 * Every object carries a 16-byte header (magic, size class, requested
 * size) just before the pointer returned, so kfree() needs no size and
 * detects double frees and foreign pointers (it panics: that is kernel
 * memory corruption).  Requests whose size plus header fit in 8192 bytes
 * come from slab caches of 16..8192 bytes (powers of two and the 1.5x
 * steps between); larger ones are whole pages from the page arena.
 * Memory is 16-byte aligned; kmalloc_align() gives more.
 *
 * Flags: exactly one of MEM_WAIT and MEM_ATOMIC (mem_flags.h); anything
 * else warns and returns NULL.  All functions are IRQ safe with MEM_ATOMIC.
 * kfree(NULL) does nothing.  kmalloc(0) returns a unique, freeable pointer
 * to no bytes; krealloc(p, 0) frees p and returns NULL.  With
 * CONFIG_KMALLOC_POISON new memory is filled with 0xa5 and freed memory
 * with 0x6b.
 */
#pragma once

#include <types.h>
#include <mem_flags.h>

struct arena;

#define KMALLOC_MAX_CACHED 8192   /* largest slab size class, header included */

void *kmalloc(size_t size, int flags);
void *kzmalloc(size_t size, int flags);
/* n * size with overflow checked: an overflow returns NULL. */
void *kmalloc_array(size_t n, size_t size, int flags);
/* align: a power of two; the result must be freed with kfree(). */
void *kmalloc_align(size_t size, size_t align, int flags);
/* Keeps the contents up to the smaller size; on failure returns NULL and
 * leaves ptr alone. */
void *krealloc(void *ptr, size_t size, int flags);
void kfree(void *ptr);

/* Bytes the caller asked for when ptr was allocated. */
size_t kmalloc_size(const void *ptr);
/* Live objects and requested bytes: equal before and after a leak-free run. */
void kmalloc_get_live(size_t *nr_objects, size_t *nr_bytes);

/* Creates the size-class caches; large requests come from 'pages'
 * (quantum PGSIZE).  Needs kmem_init() first. */
void kmalloc_init(struct arena *pages);
