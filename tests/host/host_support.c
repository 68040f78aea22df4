/* SPDX-License-Identifier: MIT */
/*
 * host_support.c - the few kernel services that pure kernel code calls,
 * re-implemented on the host for unit tests: printk, panic, warn and the
 * core id.  A kernel panic inside a test fails that test (exit status 2),
 * unless the test announced it with htest_expect_panic(), which turns the
 * panic into a pass.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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
	fprintf(stderr, "kernel panic at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	_exit(2);
}

void _warn(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kernel warning at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
