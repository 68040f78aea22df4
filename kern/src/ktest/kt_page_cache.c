/* SPDX-License-Identifier: MIT */
/*
 * kt_page_cache.c - ktests of the page cache (page_cache.h) over #tmpfs
 * files: a fill reads the file's bytes and zero-fills past a short read, a
 * second get hits the same page, page references count holders, a page past
 * the end of the file is -ENXIO, two chans on one file share one cache
 * file, writeback writes dirty pages and never grows the file, a file
 * truncated below a dirty page keeps its new length, and the last put
 * writes back what is still dirty and frees every page.
 *
 * Each test runs in a private name space with a fresh #tmpfs on /tmp
 * (kt_dev.h); helpers return bool and check with KT_CHECK.  The runner's
 * leak check covers pages; KT_NS_RUN covers chans and kmalloc objects.
 */
#include <errno.h>
#include <fdtable.h>
#include <kmalloc.h>
#include <kstring.h>
#include <ktest.h>
#include <arch/mmu.h>
#include <page.h>
#include <page_cache.h>
#include <sysfile.h>

#include "kt_dev.h"

#define CHECK(c) KT_CHECK(c)
#define PC_FILE_LEN 5000

static uint8_t pc_byte(size_t i)
{
	return (uint8_t)(i * 7 + 3);
}

/* Creates path with PC_FILE_LEN pattern bytes; returns it open with omode. */
static int pc_make_file(const char *path, int omode)
{
	uint8_t *buf = kmalloc(PC_FILE_LEN, MEM_WAIT);
	int fd = syscreate(path, O_RDWR, 0644);
	ssize_t w;

	if (!buf || fd < 0) {
		kfree(buf);
		return -1;
	}
	for (size_t i = 0; i < PC_FILE_LEN; i++)
		buf[i] = pc_byte(i);
	w = syswrite(fd, buf, PC_FILE_LEN);
	kfree(buf);
	sysclose(fd);
	return w == PC_FILE_LEN ? sysopen(path, omode, 0) : -1;
}

static int64_t pc_file_len(const char *path)
{
	int fd = sysopen(path, O_READ, 0);
	int64_t len = fd < 0 ? -1 : sysseek(fd, 0, SEEK_END);

	if (fd >= 0)
		sysclose(fd);
	return len;
}

static bool pc_fill_and_hit(void)
{
	int fd = pc_make_file("/tmp/f", O_READ);
	struct chan *c = fd < 0 ? NULL : fd_get_chan(current_fdt(), fd);
	size_t files = pcache_nr_files(), npages = pcache_nr_pages();
	struct pcache_file *pcf;
	uint8_t *p0, *again, *p1, *none = NULL;

	CHECK(c);
	pcf = pcache_file_get(c);
	CHECK(pcf && pcache_nr_files() == files + 1);
	CHECK(pcache_page_get(pcf, c, 0, (void **)&p0) == 0);
	CHECK(page_refcnt(kva2page(p0)) == 2);          /* the cache's and ours */
	for (size_t i = 0; i < PGSIZE; i++)
		CHECK(p0[i] == pc_byte(i));
	CHECK(pcache_page_get(pcf, c, 0, (void **)&again) == 0 && again == p0);
	CHECK(page_refcnt(kva2page(p0)) == 3);
	CHECK(pcache_page_get(pcf, c, 1, (void **)&p1) == 0);
	for (size_t i = 0; i < PGSIZE; i++)
		CHECK(p1[i] == (PGSIZE + i < PC_FILE_LEN ? pc_byte(PGSIZE + i) : 0));
	CHECK(pcache_page_get(pcf, c, 2, (void **)&none) == -ENXIO && !none);
	CHECK(pcache_page_get(pcf, c, PCACHE_MAX_IDX, (void **)&none) == -EFBIG);
	CHECK(pcache_file_nr_pages(pcf) == 2 && pcache_nr_pages() == npages + 2);
	CHECK(pcache_page_peek(pcf, 3) == NULL);
	page_decref(kva2page(p0));
	page_decref(kva2page(again));
	page_decref(kva2page(p1));
	pcache_file_put(pcf);
	CHECK(pcache_nr_files() == files && pcache_nr_pages() == npages);
	cclose(c);
	return sysclose(fd) == 0;
}

KTEST(page_cache, fill_hit_refcount_eof)
{
	KT_NS_RUN(sysbind("#tmpfs", "/tmp", MREPL | MCREATE) >= 0 && pc_fill_and_hit());
}

static bool pc_same_file(void)
{
	int a = pc_make_file("/tmp/f", O_READ), b = sysopen("/tmp/f", O_READ, 0);
	struct chan *ca = fd_get_chan(current_fdt(), a), *cb = fd_get_chan(current_fdt(), b);
	struct pcache_file *pa, *pb;

	CHECK(ca && cb && ca != cb);
	pa = pcache_file_get(ca);
	pb = pcache_file_get(cb);
	CHECK(pa && pa == pb && pcache_file_lookup(ca) == pa);
	pcache_file_put(pa);
	pcache_file_put(pa);
	pcache_file_put(pb);
	cclose(ca);
	cclose(cb);
	return sysclose(a) == 0 && sysclose(b) == 0;
}

KTEST(page_cache, one_cache_file_per_file)
{
	KT_NS_RUN(sysbind("#tmpfs", "/tmp", MREPL | MCREATE) >= 0 && pc_same_file());
}

/* Dirties page idx (writes 'x' at its byte 0 and at 'at'). */
static bool pc_dirty(struct pcache_file *pcf, struct chan *c, uint64_t idx, size_t at)
{
	uint8_t *p;

	CHECK(pcache_page_get(pcf, c, idx, (void **)&p) == 0);
	p[0] = 'x';
	p[at] = 'y';
	pcache_page_dirty(pcf, idx);
	page_decref(kva2page(p));
	return true;
}

static bool pc_byte_at(const char *path, int64_t off, uint8_t want)
{
	int fd = sysopen(path, O_READ, 0);
	uint8_t b = 0;

	CHECK(fd >= 0);
	CHECK(syspread(fd, &b, 1, off) == 1);
	sysclose(fd);
	CHECK(b == want);
	return true;
}

static bool pc_writeback(void)
{
	int fd = pc_make_file("/tmp/f", O_RDWR);
	struct chan *c = fd_get_chan(current_fdt(), fd);
	struct pcache_file *pcf = c ? pcache_file_get(c) : NULL;

	CHECK(pcf);
	CHECK(pc_dirty(pcf, c, 0, 100) && pc_dirty(pcf, c, 1, PGSIZE - 1));
	CHECK(pc_byte_at("/tmp/f", 0, pc_byte(0)));             /* not yet written */
	CHECK(pcache_writeback(pcf, c, 0, 1) == 0);             /* page 0 only */
	CHECK(pc_byte_at("/tmp/f", 0, 'x') && pc_byte_at("/tmp/f", 100, 'y'));
	CHECK(pc_byte_at("/tmp/f", PGSIZE, pc_byte(PGSIZE)));
	CHECK(pcache_writeback(pcf, c, 0, PCACHE_MAX_IDX) == 0);
	CHECK(pc_byte_at("/tmp/f", PGSIZE, 'x'));
	CHECK(pc_file_len("/tmp/f") == PC_FILE_LEN);           /* 'y' past the end: dropped */
	/* truncation below a dirty page: the file keeps its new length */
	CHECK(pc_dirty(pcf, c, 1, 10));
	CHECK(systruncate("/tmp/f", 100) == 0);
	CHECK(pcache_writeback(pcf, c, 0, PCACHE_MAX_IDX) == 0);
	CHECK(pc_file_len("/tmp/f") == 100);
	/* the last put writes back what is still dirty */
	CHECK(pc_dirty(pcf, c, 0, 50));
	CHECK(pc_byte_at("/tmp/f", 50, pc_byte(50)));
	pcache_file_put(pcf);
	CHECK(pc_byte_at("/tmp/f", 50, 'y') && pc_file_len("/tmp/f") == 100);
	cclose(c);
	return sysclose(fd) == 0;
}

KTEST(page_cache, writeback_truncate_release)
{
	KT_NS_RUN(sysbind("#tmpfs", "/tmp", MREPL | MCREATE) >= 0 && pc_writeback());
}
