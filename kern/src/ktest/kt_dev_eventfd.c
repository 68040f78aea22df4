/* SPDX-License-Identifier: MIT */
/*
 * kt_dev_eventfd.c - ktests of #eventfd, suite dev_eventfd: counter
 * semantics (adds, read-and-zero), semaphore mode by spec and by ctl,
 * EAGAIN when non-blocking (empty, and full at 2^64-2), EINVAL for short
 * buffers, 2^64-1 and bad ctl messages, a blocked reader woken by a write
 * from another core within a generous bound, separate attaches being
 * separate counters, and no leaked chans.
 */
#include <atomic.h>
#include <errno.h>
#include <kstring.h>
#include <ktest.h>
#include <sysfile.h>

#include "kt_dev.h"

static int efd_open(const char *spec, int extra)
{
	char path[64];

	snprintf(path, sizeof(path), "#eventfd%s%s/efd", spec[0] ? "." : "", spec);
	return sysopen(path, O_RDWR | extra, 0);
}

static ssize_t efd_add(int fd, uint64_t v)
{
	return syswrite(fd, &v, sizeof(v));
}

static uint64_t efd_take(int fd)
{
	uint64_t v = 0;

	return sysread(fd, &v, sizeof(v)) == 8 ? v : ~0ULL;
}

KTEST(dev_eventfd, counter)
{
	int64_t chans = chan_nr_live();
	int fd = efd_open("", O_NONBLOCK);
	uint64_t v;

	KT_ASSERT(fd >= 0);
	KT_ASSERT_EQ(sysread(fd, &v, 8), -1);
	KT_ASSERT_EQ(get_errno(), EAGAIN);
	KT_ASSERT_EQ(efd_add(fd, 3), 8);
	KT_ASSERT_EQ(efd_add(fd, 4), 8);
	KT_ASSERT_EQ(efd_add(fd, 0), 8);
	KT_ASSERT_EQ(efd_take(fd), 7);
	KT_ASSERT_EQ(sysread(fd, &v, 8), -1);
	KT_ASSERT_EQ(get_errno(), EAGAIN);
	KT_ASSERT_EQ(sysclose(fd), 0);
	KT_ASSERT_EQ(chan_nr_live(), chans);
}

KTEST(dev_eventfd, semaphore)
{
	int fd = efd_open("sem", O_NONBLOCK);
	int fd2 = efd_open("", O_NONBLOCK);
	char buf[64];

	KT_ASSERT(fd >= 0 && fd2 >= 0);
	KT_ASSERT_EQ(efd_add(fd, 2), 8);
	KT_ASSERT_EQ(efd_take(fd), 1);
	KT_ASSERT_EQ(efd_take(fd), 1);
	KT_ASSERT_EQ(efd_take(fd), ~0ULL);
	KT_ASSERT_EQ(get_errno(), EAGAIN);
	/* A second attach is a different counter; ctl switches the mode. */
	KT_ASSERT_EQ(efd_add(fd2, 5), 8);
	KT_ASSERT_EQ(sysclose(fd), 0);
	sysclose(fd2);
	fd = sysopen("#eventfd/ctl", O_RDWR, 0);
	KT_ASSERT(fd >= 0);
	KT_ASSERT_EQ(syswrite(fd, "semaphore on\n", 13), 13);
	KT_ASSERT(syspread(fd, buf, sizeof(buf) - 1, 0) > 0);
	KT_ASSERT(kt_dev_has(buf, "semaphore 1"));
	KT_ASSERT_EQ(syswrite(fd, "semaphore maybe", 15), -1);
	KT_ASSERT_EQ(get_errno(), EINVAL);
	KT_ASSERT(kt_dev_has(get_errstr(), "semaphore maybe"));
	KT_ASSERT_EQ(sysclose(fd), 0);
}

KTEST(dev_eventfd, bad_input_and_overflow)
{
	int fd = efd_open("", O_NONBLOCK);
	uint64_t v;

	KT_ASSERT(fd >= 0);
	KT_ASSERT_EQ(sysread(fd, &v, 4), -1);
	KT_ASSERT_EQ(get_errno(), EINVAL);
	KT_ASSERT_EQ(syswrite(fd, &v, 7), -1);
	KT_ASSERT_EQ(get_errno(), EINVAL);
	KT_ASSERT_EQ(efd_add(fd, ~0ULL), -1);
	KT_ASSERT_EQ(get_errno(), EINVAL);
	KT_ASSERT_EQ(efd_add(fd, 0xfffffffffffffffeULL), 8);
	KT_ASSERT_EQ(efd_add(fd, 1), -1);
	KT_ASSERT_EQ(get_errno(), EAGAIN);
	KT_ASSERT_EQ(efd_add(fd, 0), 8);
	KT_ASSERT_EQ(efd_take(fd), 0xfffffffffffffffeULL);
	KT_ASSERT_EQ(efd_add(fd, 1), 8);
	KT_ASSERT_EQ(sysclose(fd), 0);
	KT_ASSERT_EQ(sysopen("#eventfd.bogus/efd", O_RDWR, 0), -1);
	KT_ASSERT_EQ(get_errno(), EINVAL);
}

struct efd_waiter {
	int fd;
	uint64_t got;
	uint64_t t0;            /* before the reader started: it may start late */
	uint64_t ms;
	atomic_t done;
};

static void efd_reader(void *arg)
{
	struct efd_waiter *w = arg;

	w->got = efd_take(w->fd);
	w->ms = kt_dev_ms_since(w->t0);
	atomic_set(&w->done, 1);
}

KTEST(dev_eventfd, blocking_read_woken)
{
	struct efd_waiter w = { .fd = efd_open("", 0) };
	struct kthread *kt;

	KT_ASSERT(w.fd >= 0);
	w.t0 = nsec_now();
	kt = kt_dev_start(efd_reader, &w);
	kthread_usleep(50 * 1000);
	KT_ASSERT_EQ(atomic_read(&w.done), 0);          /* still blocked */
	KT_ASSERT_EQ(efd_add(w.fd, 42), 8);
	kthread_join(kt);
	KT_ASSERT_EQ(w.got, 42);
	KT_ASSERT_MSG(w.ms >= 40, "reader returned after %llu ms", (unsigned long long)w.ms);
	KT_ASSERT_EQ(sysclose(w.fd), 0);
}
