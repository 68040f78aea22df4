/* SPDX-License-Identifier: MIT */
/*
 * overflow.h - checked arithmetic for sizes.
 *
 * Every allocation of an array goes through array_size() (or
 * kmalloc_array(), which uses it): n * size either fits in a size_t or the
 * result is SIZE_MAX, which no allocator can satisfy, so an overflow turns
 * into an ordinary allocation failure instead of a short buffer.
 */
#pragma once

#include <types.h>

/* Returns false and leaves *out undefined if a * b overflows. */
static inline bool mul_overflows(size_t a, size_t b, size_t *out)
{
	return __builtin_mul_overflow(a, b, out);
}

static inline bool add_overflows(size_t a, size_t b, size_t *out)
{
	return __builtin_add_overflow(a, b, out);
}

/* n * size, saturating at SIZE_MAX. */
static inline size_t array_size(size_t n, size_t size)
{
	size_t bytes;

	if (mul_overflows(n, size, &bytes))
		return SIZE_MAX;
	return bytes;
}
