/* SPDX-License-Identifier: MIT */
/*
 * host_support.c - the few kernel services that pure kernel code calls,
 * re-implemented on the host for unit tests: printk, panic, warn, the core
 * id, and strlcpy (glibc 2.36 has none; the kernel's own, in
 * kern/src/lib/string.c, is tested by the kstring suite under another name).
 * A kernel panic inside a test - including one from the real spinlock
 * checker, kern/src/sync/spinlock.c, which every suite links - fails that test
 * (exit status 2), unless the test announced it with htest_expect_panic(),
 * which turns the panic into a pass.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "htest.h"

int htest_panic_expected(void);

__thread unsigned int htest_core_id;
__thread uint64_t htest_irq_flags = 1u << 9;
unsigned int num_cores = 1;

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(stderr, fmt, ap);
	va_end(ap);
	return n;
}

void _panic(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (htest_panic_expected())
		_exit(0);
	htest_capture_abort();
	va_start(ap, fmt);
	htest_vreport("kernel panic at ", file, line, fmt, ap);
	va_end(ap);
	_exit(2);
}

void _warn(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	htest_vreport("kernel warning at ", file, line, fmt, ap);
	va_end(ap);
}

/* The kstring suite renames the kernel's strlcpy (-Dstrlcpy=k_strlcpy). */
#ifndef strlcpy
size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size) {
		size_t c = n < size - 1 ? n : size - 1;

		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}
#endif
