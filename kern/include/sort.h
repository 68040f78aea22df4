/* SPDX-License-Identifier: MIT */
/*
 * sort.h - sorting an array in place.
 *
 *	sort(items, n, sizeof(items[0]), cmp_by_count);
 *
 * Heapsort: O(n log n) in the worst case, no allocation, no recursion, so
 * it is safe with large arrays on a kernel stack.  Not stable.  cmp returns
 * <0, 0 or >0 as qsort's does.
 */
#pragma once

#include <types.h>

void sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
