/* SPDX-License-Identifier: MIT */
/*
 * kstring.h - the memory and string functions of the kernel's small C
 * library (kern/src/lib/string.c).  The prototypes are the standard ones, so the
 * compiler's builtins and host builds agree with them.
 */
#pragma once

#include <types.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

/* Copies at most size-1 bytes and NUL-terminates; returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);

/*
 * Parses exactly the len bytes at s as an unsigned number into *out.
 * base 0: "0x"/"0X" then hex, else decimal (a leading 0 is not octal);
 * base 2..36: those digits ("0x" allowed for 16).  No sign, no spaces, no
 * trailing newline: strip those first.  Returns 0, -EINVAL (empty, a
 * character that is not a digit, a NUL inside len, a bad base) or -ERANGE
 * (over UINT64_MAX); *out is written only on success.
 */
int kstrtou64(const char *s, size_t len, int base, uint64_t *out);
