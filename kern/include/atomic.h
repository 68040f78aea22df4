/* SPDX-License-Identifier: MIT */
/*
 * atomic.h - atomic operations as inline functions, in one header.
 *
 * All atomics are compiler builtins with explicit memory orders, so they
 * inline to single instructions (lock xadd, lock cmpxchg, xchg) and cost
 * nothing to call.  atomic_t is a 64-bit signed counter; atomic32_t exists
 * for fields that must stay 32 bits wide (shared-memory ABIs).
 *
 * Orders: the plain operations are sequentially consistent, which on x86 is
 * what a locked instruction gives anyway.  Use the _relaxed forms only for
 * statistics counters.
 */
#pragma once

#include <types.h>

typedef struct { int64_t v; } atomic_t;
typedef struct { int32_t v; } atomic32_t;

#define ATOMIC_INIT(x) { (x) }

static inline int64_t atomic_read(const atomic_t *a)
{
	return __atomic_load_n(&a->v, __ATOMIC_SEQ_CST);
}

static inline void atomic_set(atomic_t *a, int64_t x)
{
	__atomic_store_n(&a->v, x, __ATOMIC_SEQ_CST);
}

static inline void atomic_add(atomic_t *a, int64_t x)
{
	__atomic_fetch_add(&a->v, x, __ATOMIC_SEQ_CST);
}

static inline void atomic_add_relaxed(atomic_t *a, int64_t x)
{
	__atomic_fetch_add(&a->v, x, __ATOMIC_RELAXED);
}

static inline void atomic_inc(atomic_t *a)
{
	atomic_add(a, 1);
}

static inline void atomic_dec(atomic_t *a)
{
	atomic_add(a, -1);
}

/* Returns the value before the addition. */
static inline int64_t atomic_fetch_add(atomic_t *a, int64_t x)
{
	return __atomic_fetch_add(&a->v, x, __ATOMIC_SEQ_CST);
}

/* Returns true if the counter reached zero. */
static inline bool atomic_sub_and_test(atomic_t *a, int64_t x)
{
	return __atomic_sub_fetch(&a->v, x, __ATOMIC_SEQ_CST) == 0;
}

static inline int64_t atomic_swap(atomic_t *a, int64_t x)
{
	return __atomic_exchange_n(&a->v, x, __ATOMIC_SEQ_CST);
}

/* Sets *a to 'new' if it held 'old'; returns true on success. */
static inline bool atomic_cas(atomic_t *a, int64_t old, int64_t new)
{
	return __atomic_compare_exchange_n(&a->v, &old, new, false,
	                                   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

static inline int32_t atomic32_read(const atomic32_t *a)
{
	return __atomic_load_n(&a->v, __ATOMIC_SEQ_CST);
}

static inline void atomic32_set(atomic32_t *a, int32_t x)
{
	__atomic_store_n(&a->v, x, __ATOMIC_SEQ_CST);
}

static inline int32_t atomic32_fetch_add(atomic32_t *a, int32_t x)
{
	return __atomic_fetch_add(&a->v, x, __ATOMIC_SEQ_CST);
}

static inline int32_t atomic32_fetch_or(atomic32_t *a, int32_t x)
{
	return __atomic_fetch_or(&a->v, x, __ATOMIC_SEQ_CST);
}

static inline int32_t atomic32_fetch_and(atomic32_t *a, int32_t x)
{
	return __atomic_fetch_and(&a->v, x, __ATOMIC_SEQ_CST);
}

static inline bool atomic32_cas(atomic32_t *a, int32_t old, int32_t new)
{
	return __atomic_compare_exchange_n(&a->v, &old, new, false,
	                                   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

/* Full fences.  On x86 only a store-load reordering needs mfence. */
static inline void mb(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static inline void rmb(void)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
}

static inline void wmb(void)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
}
