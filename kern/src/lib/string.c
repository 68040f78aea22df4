/* SPDX-License-Identifier: MIT */
/*
 * string.c - the kernel's memory and string functions (kstring.h).
 *
 * memset and memcpy store whole 8-byte words with 'rep stosq' / 'rep
 * movsq', then the last n % 8 bytes with 'rep stosb' / 'rep movsb'; the
 * forward case of memmove uses 'rep movsb'.  Modern x86 cores run all of
 * them at full speed (ERMS), the compiler cannot turn them back into a
 * call to the function being defined, and under QEMU's TCG, where every
 * iteration of a rep instruction counts as one instruction (make bench's
 * icount figures), words cost an eighth of bytes.  The
 * backward case of memmove copies 8-byte words, then bytes, from the end; it
 * does not use the direction flag, so an interrupt arriving mid-copy never
 * sees DF=1.  The string functions are plain loops over unsigned chars.
 * kstrtou64 is the one strict number parser that devices, the monitor and
 * the command line share: a whole (ptr, len) string or an error, never a
 * partial number.
 *
 * Everything is reentrant and lock-free, usable in any context.  gcc may
 * still rewrite a loop as a call to memset/memcpy (loop distribution); the
 * loops here carry no such pattern, and the object is checked to reference
 * no outside symbol, but building this file with
 * -fno-tree-loop-distribute-patterns is the belt to go with those braces.
 *
 * Host unit tests build this file with -Dmemcpy=k_memcpy etc. (kstring.mk).
 */
#include <errno.h>
#include <kstring.h>

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;
	size_t words = n >> 3, bytes = n & 7;
	uint64_t v = (uint8_t)c * 0x0101010101010101ull;

	__asm__ volatile("rep stosq\n\t"
			 "movq %[bytes], %%rcx\n\t"
			 "rep stosb"
			 : "+D"(d), "+c"(words)
			 : "a"(v), [bytes] "r"(bytes)
			 : "memory");
	return dst;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	void *d = dst;
	size_t words = n >> 3, bytes = n & 7;

	__asm__ volatile("rep movsq\n\t"
			 "movq %[bytes], %%rcx\n\t"
			 "rep movsb"
			 : "+D"(d), "+S"(src), "+c"(words)
			 : [bytes] "r"(bytes)
			 : "memory");
	return dst;
}

/* Copies n bytes from the top down: correct when dst overlaps src from above. */
static void mem_copy_backward(unsigned char *d, const unsigned char *s, size_t n)
{
	uint64_t w;

	while (n >= 8) {
		n -= 8;
		__builtin_memcpy(&w, s + n, 8);         /* one unaligned load */
		__builtin_memcpy(d + n, &w, 8);
		cmb();          /* keeps gcc from recognising a memmove loop */
	}
	while (n) {
		n--;
		d[n] = s[n];
		cmb();
	}
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if ((uintptr_t)d < (uintptr_t)s || (uintptr_t)d - (uintptr_t)s >= n) {
		/* rep movsb moves byte by byte upward: safe when d is below s */
		__asm__ volatile("rep movsb"
				 : "+D"(d), "+S"(s), "+c"(n)
				 :
				 : "memory");
		return dst;
	}
	mem_copy_backward(d, s, n);
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	while (*x && *x == *y) {
		x++;
		y++;
	}
	return (*x > *y) - (*x < *y);
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x < *y ? -1 : 1;
		if (!*x)
			return 0;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	char ch = (char)c;

	for (;; s++) {
		if (*s == ch)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

/* The value of digit c in base, or -1 if c is not one. */
static int kstr_digit(char c, unsigned int base)
{
	int d;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'z')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'Z')
		d = c - 'A' + 10;
	else
		return -1;
	return d < (int)base ? d : -1;
}

/* Strips a "0x"/"0X" prefix when base is 0 (which it makes 16) or 16. */
static unsigned int kstr_base(const char **s, size_t *len, int base)
{
	bool hex_prefix = *len >= 2 && (*s)[0] == '0' && ((*s)[1] | 0x20) == 'x';

	if ((base == 0 || base == 16) && hex_prefix) {
		*s += 2;
		*len -= 2;
		return 16;
	}
	return base == 0 ? 10 : (unsigned int)base;
}

int kstrtou64(const char *s, size_t len, int base, uint64_t *out)
{
	unsigned int b;
	bool overflow = false;
	uint64_t v = 0;

	if (!s || !out || base < 0 || base == 1 || base > 36)
		return -EINVAL;
	b = kstr_base(&s, &len, base);
	if (len == 0)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		int d = kstr_digit(s[i], b);

		if (d < 0)
			return -EINVAL;
		overflow |= __builtin_mul_overflow(v, (uint64_t)b, &v) ||
			    __builtin_add_overflow(v, (uint64_t)d, &v);
	}
	if (overflow)
		return -ERANGE;
	*out = v;
	return 0;
}
