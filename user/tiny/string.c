/* SPDX-License-Identifier: MIT */
/*
 * string.c - the string functions the kernel library does not have
 * (strrchr, strstr).  The standard memory and string functions of
 * tiny/string.h come from kern/src/lib/string.c, built for user space by the
 * Makefile, so user programs and the kernel share one copy.
 */
#include <tiny/string.h>

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

char *strstr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack; haystack++)
		if (strncmp(haystack, needle, n) == 0)
			return (char *)haystack;
	return n == 0 ? (char *)haystack : NULL;
}
