/* SPDX-License-Identifier: MIT */
/*
 * leak.c - the per-test leak checks of libutest: open FDs, malloc blocks and
 * mappings, compared before and after each test (utest_int.h).
 *
 * FDs: #proc/self/fd lists one "fd mode flags dev offset path" line per
 * open FD; without #proc the FDs are probed with fcntl(F_GETFD).  A leaked
 * FD is named with its #proc line.
 * malloc: the build links every tests/libc program with
 * -Wl,--wrap=malloc,--wrap=free,--wrap=realloc,--wrap=aligned_alloc, so
 * every public allocation (calloc, strdup, fopen, opendir... reach malloc)
 * passes through the __wrap_ functions below, which count live blocks and
 * their malloc_usable_size() bytes.  musl's private __libc_malloc users
 * (atexit, posix_spawn file actions, locales) are not counted.
 * Mappings: #proc/self/maps; a file mapping that was not there before is a
 * leak, and so is anonymous growth beyond the malloc bytes by more than
 * UTEST_MAP_SLACK (musl's malloc keeps some freed groups mapped); the
 * joined threads' stacks the C library keeps for new ones (bounded,
 * pthreads.md) count as malloc's bytes do.
 * Reads #proc into a static buffer with open/read/close: no allocation.
 * Single-threaded, like the runner.
 */
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utest/utest.h>
#include "utest_int.h"

void *__real_malloc(size_t n);
void __real_free(void *p);
void *__real_realloc(void *p, size_t n);
void *__real_aligned_alloc(size_t align, size_t n);
void *__wrap_malloc(size_t n);
void __wrap_free(void *p);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_aligned_alloc(size_t align, size_t n);

/* The C library's stack cache (lx_stack.c): bytes kept. */
size_t __vireo_stack_kept(void) __attribute__((weak));

static long leak_blocks, leak_bytes;
static char leak_buf[32768];

/* ---------------------------------------------------- malloc accounting */

static void leak_count(void *p, int sign)
{
	if (!p)
		return;
	leak_blocks += sign;
	leak_bytes += sign * (long)malloc_usable_size(p);
}

void *__wrap_malloc(size_t n)
{
	void *p = __real_malloc(n);

	leak_count(p, 1);
	return p;
}

void __wrap_free(void *p)
{
	leak_count(p, -1);
	__real_free(p);
}

void *__wrap_aligned_alloc(size_t align, size_t n)
{
	void *p = __real_aligned_alloc(align, n);

	leak_count(p, 1);
	return p;
}

void *__wrap_realloc(void *p, size_t n)
{
	long old = p ? (long)malloc_usable_size(p) : 0;
	void *q = __real_realloc(p, n);

	if (!q)
		return q;       /* p is untouched */
	leak_bytes += (long)malloc_usable_size(q) - old;
	if (!p)
		leak_blocks++;
	return q;
}

/* -------------------------------------------------------- #proc reading */

/* Reads #proc/self/NAME into leak_buf; its length, or -1. */
static long leak_read_proc(const char *name)
{
	char path[64];
	long n = 0, r;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (n < (long)sizeof(leak_buf) - 1 &&
	       (r = read(fd, leak_buf + n, sizeof(leak_buf) - 1 - n)) > 0)
		n += r;
	close(fd);
	leak_buf[n] = '\0';
	return n;
}

/* The line of leak_buf (after leak_read_proc("fd")) for fd, or "fd N". */
static void leak_fd_line(int fd, char *out, size_t cap)
{
	for (char *l = leak_buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		char *end;

		if (strtol(l, &end, 10) == fd && end != l) {
			snprintf(out, cap, "%.*s", (int)strcspn(l, "\n"), l);
			return;
		}
	}
	snprintf(out, cap, "fd %d", fd);
}

/* ----------------------------------------------------------- snapshots */

static void leak_take_fds(struct utest_snap *s)
{
	memset(s->fds, 0, sizeof(s->fds));
	s->fds_known = leak_read_proc("fd") >= 0;
	if (!s->fds_known) {
		for (int fd = 0; fd < UTEST_MAX_FD; fd++)
			if (fcntl(fd, F_GETFD) >= 0)
				s->fds[fd / 64] |= 1ull << (fd % 64);
		return;
	}
	for (char *l = leak_buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		char *end;
		long fd = strtol(l, &end, 10);

		if (end != l && fd >= 0 && fd < UTEST_MAX_FD)
			s->fds[fd / 64] |= 1ull << (fd % 64);
	}
}

static void leak_take_maps(struct utest_snap *s)
{
	s->mapped = 0;
	s->nfilemaps = 0;
	s->stacks_kept = __vireo_stack_kept ? __vireo_stack_kept() : 0;
	s->maps_known = leak_read_proc("maps") >= 0;
	for (char *l = leak_buf; s->maps_known && l && *l;
	     l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		unsigned long long start, end;
		char perms[8], name[16];

		if (sscanf(l, "%llx-%llx %7s %15s", &start, &end, perms, name) != 4)
			continue;
		if (end > start)
			s->mapped += end - start;
		if (!strcmp(name, "file") && s->nfilemaps < UTEST_MAX_FILEMAPS)
			s->filemaps[s->nfilemaps++] = start;
	}
}

void utest_snap_take(struct utest_snap *s)
{
	leak_take_fds(s);
	leak_take_maps(s);
	s->malloc_blocks = leak_blocks;
	s->malloc_bytes = leak_bytes;
}

/* ---------------------------------------------------------- comparison */

static bool leak_fds(const struct utest_snap *b, const struct utest_snap *a,
                     char *msg, size_t cap)
{
	char line[160];

	for (int fd = 0; fd < UTEST_MAX_FD; fd++) {
		bool was = b->fds[fd / 64] >> (fd % 64) & 1, is = a->fds[fd / 64] >> (fd % 64) & 1;

		if (was == is)
			continue;
		if (!is) {
			snprintf(msg, cap, "fd %d was open before the test and is closed after it",
			         fd);
			return true;
		}
		if (a->fds_known && leak_read_proc("fd") >= 0)
			leak_fd_line(fd, line, sizeof(line));
		else
			snprintf(line, sizeof(line), "fd %d", fd);
		snprintf(msg, cap, "leak: fd %d left open (%s)", fd, line);
		return true;
	}
	return false;
}

static bool leak_filemaps(const struct utest_snap *b, const struct utest_snap *a,
                          char *msg, size_t cap)
{
	for (int i = 0; i < a->nfilemaps; i++) {
		bool old = false;

		for (int j = 0; j < b->nfilemaps && !old; j++)
			old = b->filemaps[j] == a->filemaps[i];
		if (!old) {
			snprintf(msg, cap, "leak: a file mapping at %#llx left mapped",
			         (unsigned long long)a->filemaps[i]);
			return true;
		}
	}
	return false;
}

bool utest_snap_leaks(const struct utest_snap *before, char *msg, size_t cap)
{
	static struct utest_snap now;
	long grew;

	utest_snap_take(&now);
	if (leak_fds(before, &now, msg, cap))
		return true;
	if (now.malloc_blocks > before->malloc_blocks) {
		snprintf(msg, cap, "leak: %ld malloc blocks (%ld bytes) not freed",
		         now.malloc_blocks - before->malloc_blocks,
		         now.malloc_bytes - before->malloc_bytes);
		return true;
	}
	if (!before->maps_known || !now.maps_known)
		return false;
	if (leak_filemaps(before, &now, msg, cap))
		return true;
	grew = (long)(now.mapped - before->mapped) - (now.malloc_bytes - before->malloc_bytes) -
	       (long)(now.stacks_kept - before->stacks_kept);
	if (grew > UTEST_MAP_SLACK) {
		snprintf(msg, cap, "leak: %ld KiB more mapped than before the test (#proc/self/maps)",
		         grew / 1024);
		return true;
	}
	return false;
}
