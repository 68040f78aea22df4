/* SPDX-License-Identifier: MIT */
/*
 * tiny/print.h - formatted output for the test programs, without a C library.
 *
 *	tiny_printf("read %d bytes of %s\n", n, path);		(to fd 1)
 *	tiny_snprintf(buf, sizeof(buf), "%#lx", addr);
 *
 * Conversions: %d %i %u %x %X %p %s %c %%, with the length modifiers hh,
 * h, l, ll, z, t, the flags '-', '0', '#' (0x for %x), a field width and,
 * for %s, a precision (both may be '*').  %s of NULL prints "(null)".
 * Unknown conversions print themselves.  snprintf always NUL-terminates
 * (when cap > 0) and returns the length it wanted, as C's does.
 * tiny_printf() formats into a 512-byte buffer (longer output is cut) and
 * writes it with one SYS_write, so a line is not interleaved with kernel
 * output; it returns the bytes written or -errno.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

#define TINY_PRINTF_MAX 512

int tiny_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap);
int tiny_snprintf(char *buf, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int tiny_dprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int tiny_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Writes all of buf[0, len) to fd (looping on short writes); bytes or -errno. */
long tiny_write_all(int fd, const void *buf, size_t len);
