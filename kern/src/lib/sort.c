/* SPDX-License-Identifier: MIT */
/*
 * sort.c - heapsort (sort.h).
 *
 * The array is first made a max-heap (each parent >= its children, by cmp),
 * then the largest element is swapped to the end and the heap, one shorter,
 * is repaired, n - 1 times.  Elements are swapped byte by byte in 8-byte
 * steps where the size allows; nothing is allocated.
 */
#include <sort.h>

static void swap_items(char *a, char *b, size_t size)
{
	while (size >= sizeof(uint64_t)) {
		uint64_t t;

		__builtin_memcpy(&t, a, sizeof(t));
		__builtin_memcpy(a, b, sizeof(t));
		__builtin_memcpy(b, &t, sizeof(t));
		a += sizeof(t);
		b += sizeof(t);
		size -= sizeof(t);
	}
	for (; size; size--, a++, b++) {
		char t = *a;

		*a = *b;
		*b = t;
	}
}

/* Moves item i down until neither child (below n) is larger. */
static void sift_down(char *base, size_t i, size_t n, size_t size,
                      int (*cmp)(const void *, const void *))
{
	for (;;) {
		size_t big = i, left = 2 * i + 1, right = left + 1;

		if (left < n && cmp(base + left * size, base + big * size) > 0)
			big = left;
		if (right < n && cmp(base + right * size, base + big * size) > 0)
			big = right;
		if (big == i)
			return;
		swap_items(base + i * size, base + big * size, size);
		i = big;
	}
}

void sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	char *b = base;

	if (n < 2 || size == 0)
		return;
	for (size_t i = n / 2; i-- > 0;)
		sift_down(b, i, n, size, cmp);
	for (size_t end = n - 1; end > 0; end--) {
		swap_items(b, b + end * size, size);
		sift_down(b, 0, end, size, cmp);
	}
}
