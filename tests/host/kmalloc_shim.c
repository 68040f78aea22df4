/* SPDX-License-Identifier: MIT */
/*
 * kmalloc_shim.c - kmalloc, kzmalloc, krealloc and kfree over malloc for the
 * network stack's host tests (ip_wire, ip_reasm, ip_tables suites and the
 * ip fuzz targets), counting live objects so a test can check it freed
 * everything: kmalloc_shim_live() and block_live_count() must end at zero.
 * With KMALLOC_SHIM_PRINTK (the fuzz targets, which lack host_support.c) it
 * also supplies a silent printk.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

void *kmalloc(size_t size, int flags);
void *kzmalloc(size_t size, int flags);
void *krealloc(void *p, size_t size, int flags);
void kfree(void *p);
long kmalloc_shim_live(void);

static long shim_objects;

void *kmalloc(size_t size, int flags)
{
	void *p = malloc(size ? size : 1);

	(void)flags;
	if (p)
		shim_objects++;
	return p;
}

void *kzmalloc(size_t size, int flags)
{
	void *p = kmalloc(size, flags);

	if (p)
		memset(p, 0, size);
	return p;
}

void *krealloc(void *p, size_t size, int flags)
{
	void *q;

	(void)flags;
	if (!p)
		return kmalloc(size, flags);
	q = realloc(p, size ? size : 1);
	return q;
}

void kfree(void *p)
{
	if (p)
		shim_objects--;
	free(p);
}

long kmalloc_shim_live(void)
{
	return shim_objects;
}

#ifdef KMALLOC_SHIM_PRINTK
/* The fuzz targets link no host_support.c: printk goes nowhere. */
int printk(const char *fmt, ...);

int printk(const char *fmt, ...)
{
	(void)fmt;
	return 0;
}
#endif
