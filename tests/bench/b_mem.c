/* SPDX-License-Identifier: MIT */
/*
 * b_mem.c - the anonymous page fault, and B19's user-space copy.
 *
 *	page_fault      per page: mmap an anonymous region, touch one byte of
 *	                each page (a demand-zero fault each), munmap
 *	memcpy_64k      one 64 KiB memcpy between two warm buffers
 */
#include <string.h>
#include <sys/mman.h>

#include "bench.h"

#define FAULT_PAGES 256
#define PAGE 4096

static void fault_round(void *arg, long iters)
{
	for (long done = 0; done < iters; done += FAULT_PAGES) {
		volatile char *p = mmap(NULL, FAULT_PAGES * PAGE, PROT_READ | PROT_WRITE,
		                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			bench_die("mmap");
		for (int i = 0; i < FAULT_PAGES; i++)
			p[i * PAGE] = 1;
		munmap((void *)p, FAULT_PAGES * PAGE);
	}
}

static char copy_src[65536], copy_dst[65536];

static void memcpy_round(void *arg, long iters)
{
	for (long i = 0; i < iters; i++) {
		memcpy(copy_dst, copy_src, sizeof(copy_dst));
		__asm__ volatile("" : : "r"(copy_dst) : "memory");
	}
}

int main(void)
{
	bench_report("page_fault", "ns", fault_round, NULL, FAULT_PAGES * 20);
	memset(copy_src, 1, sizeof(copy_src));
	bench_report("memcpy_64k", "ns", memcpy_round, NULL, 200);
	return 0;
}
