/* SPDX-License-Identifier: MIT */
/*
 * kt_dev.h - helpers shared by the device and name-space ktests (kt_dev_*.c,
 * kt_ns.c, kt_kfs.c, kt_tmpfs.c): whole-file reads and writes through the
 * kernel file interface (sysfile.h), a helper kthread on another core,
 * waiting with a deadline, and a private name space per test with leak
 * baselines (struct kt_ns_env).  Every helper returns a value the test
 * asserts on; none asserts itself (KT_ASSERT returns from the test, which
 * would skip a teardown), so checks inside helpers use KT_CHECK.
 */
#pragma once

#include <atomic.h>
#include <core_id.h>
#include <errno.h>
#include <fdtable.h>
#include <kmalloc.h>
#include <kstring.h>
#include <kthread.h>
#include <ktest.h>
#include <ns.h>
#include <printk.h>
#include <sysfile.h>
#include <time.h>

/* In a helper returning bool: on failure, say where and the last error,
 * and return false. */
#define KT_CHECK(c)                                                              	do {                                                                     		if (!(c)) {                                                      			printk("%s:%d: check failed: %s (last error %d '%s')\n",   			       __FILE__, __LINE__, #c, get_errno(), get_errstr()); 			return false;                                            		}                                                                	} while (0)

static inline size_t kt_kmalloc_objs(void)
{
	size_t objs, bytes;

	kmalloc_get_live(&objs, &bytes);
	return objs;
}

/*
 * A private name space (a copy of the current one) and FD table for one
 * test.  kt_ns_env_begin() takes the leak baselines first, then installs
 * them; the FD table's slot array is allocated up front, so a test may
 * compare kt_kmalloc_objs() before and after a bind/unmount or a
 * create/remove without the table's first open counting.  kt_ns_env_end()
 * puts the old ones back, frees the copies and returns true if no chan or
 * kmalloc object leaked.
 */
struct kt_ns_env {
	struct pgrp *old_pg, *pg;
	struct fd_table fdt, *old_fdt;
	int64_t chans;
	size_t kobjs;
};

static inline void kt_ns_env_begin(struct kt_ns_env *t)
{
	t->chans = chan_nr_live();
	t->kobjs = kt_kmalloc_objs();
	t->pg = pgrp_dup(current_pgrp());
	t->old_pg = ns_swap_pgrp(t->pg);
	fd_table_init(&t->fdt);
	fd_table_prealloc(&t->fdt);
	t->old_fdt = ns_swap_fdt(&t->fdt);
}

static inline bool kt_ns_env_end(struct kt_ns_env *t)
{
	int64_t chans;
	size_t objs;

	fd_table_destroy(&t->fdt);
	ns_swap_fdt(t->old_fdt);
	ns_swap_pgrp(t->old_pg);
	pgrp_close(t->pg);
	chans = chan_nr_live() - t->chans;
	objs = kt_kmalloc_objs();
	if (chans || objs != t->kobjs)
		printk("ktest: name space leaked %lld chans, %lld kmalloc objects\n",
		       (long long)chans, (long long)(objs - t->kobjs));
	return !chans && objs == t->kobjs;
}

/* Runs the bool helper 'fn' (a call expression) in a private name space;
 * fails the test if it fails or leaks. */
#define KT_NS_RUN(fn)                                                      	do {                                                               		struct kt_ns_env _t;                                       		bool _ok, _noleak;                                         		kt_ns_env_begin(&_t);                                      		_ok = (fn);                                                		_noleak = kt_ns_env_end(&_t);                              		KT_ASSERT_MSG(_ok, "%s failed", #fn);                      		KT_ASSERT_MSG(_noleak, "%s leaked", #fn);                  	} while (0)

/* Reads up to n - 1 bytes of path into buf (NUL-terminated); -1 on error. */
static inline ssize_t kt_dev_cat(const char *path, char *buf, size_t n)
{
	int fd = sysopen(path, O_READ, 0);
	ssize_t got = 0, r;

	if (fd < 0)
		return -1;
	while (got < (ssize_t)n - 1 && (r = sysread(fd, buf + got, n - 1 - (size_t)got)) > 0)
		got += r;
	sysclose(fd);
	buf[got] = '\0';
	return r < 0 ? -1 : got;
}

/* Opens path for writing and writes s; returns syswrite's result (or -1
 * from the open); the errno of a failure stays in get_errno(). */
static inline ssize_t kt_dev_echo(const char *path, const char *s)
{
	int fd = sysopen(path, O_WRITE, 0);
	ssize_t r;
	int err;

	if (fd < 0)
		return -1;
	r = syswrite(fd, s, strlen(s));
	err = get_errno();
	sysclose(fd);
	if (r < 0)
		errstate_current()->errno_ = err;
	return r;
}

static inline uint32_t kt_dev_other_core(void)
{
	return num_cores > 1 ? (core_id() + 1) % num_cores : core_id();
}

/* Starts fn(arg) in a kthread on another core; kthread_join() it. */
static inline struct kthread *kt_dev_start(void (*fn)(void *), void *arg)
{
	struct kthread *kt = kthread_create(fn, arg, "kt_dev");

	kthread_get(kt);
	kthread_run_on(kt, kt_dev_other_core());
	return kt;
}

static inline uint64_t kt_dev_ms_since(uint64_t t0)
{
	return (nsec_now() - t0) / NSEC_PER_MSEC;
}

/* A blocking read for another core: kt_dev_start(kt_dev_reader_fn, &r)
 * reads up to sizeof(buf) bytes of fd into buf; got is sysread's result
 * and done is set once it has returned. */
struct kt_dev_reader {
	int fd;
	ssize_t got;
	char buf[16];
	atomic_t done;
};

static inline void kt_dev_reader_fn(void *arg)
{
	struct kt_dev_reader *r = arg;

	r->got = sysread(r->fd, r->buf, sizeof(r->buf));
	atomic_set(&r->done, 1);
}

/* Whether needle occurs in the string hay. */
static inline bool kt_dev_has(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (!strncmp(hay, needle, n))
			return true;
	return !n;
}
