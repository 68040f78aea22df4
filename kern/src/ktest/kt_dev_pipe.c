/* SPDX-License-Identifier: MIT */
/*
 * kt_dev_pipe.c - ktests of #pipe, suite dev_pipe: data both directions,
 * EAGAIN on an empty non-blocking end, a blocked reader woken from another
 * core, hangup (reader EOF after draining, writer EPIPE) from either end,
 * ctl limit and its bad messages, separate attaches being separate pipes,
 * and no leaked chans or memory (the runner checks kmalloc and pages).
 */
#include <atomic.h>
#include <errno.h>
#include <kstring.h>
#include <ktest.h>
#include <sysfile.h>

#include "kt_dev.h"

/* Opens both ends of one pipe: the directory is opened once and both data
 * files walked from it (an attach per path would make two pipes). */
static bool pipe_open2(int fds[2], int extra)
{
	int dir = sysopen("#pipe", O_PATH, 0);

	if (dir < 0)
		return false;
	fds[0] = sysopenat(dir, "data", O_RDWR | extra, 0);
	fds[1] = sysopenat(dir, "data1", O_RDWR | extra, 0);
	sysclose(dir);
	return fds[0] >= 0 && fds[1] >= 0;
}

KTEST(dev_pipe, both_directions)
{
	int64_t chans = chan_nr_live();
	int fds[2];
	char buf[32];

	KT_ASSERT(pipe_open2(fds, 0));
	KT_ASSERT_EQ(syswrite(fds[0], "ping", 4), 4);
	KT_ASSERT_EQ(sysread(fds[1], buf, sizeof(buf)), 4);
	KT_ASSERT(!memcmp(buf, "ping", 4));
	KT_ASSERT_EQ(syswrite(fds[1], "pong!", 5), 5);
	KT_ASSERT_EQ(sysread(fds[0], buf, sizeof(buf)), 5);
	KT_ASSERT(!memcmp(buf, "pong!", 5));
	sysclose(fds[0]);
	sysclose(fds[1]);
	KT_ASSERT_EQ(chan_nr_live(), chans);
}

KTEST(dev_pipe, nonblocking_empty)
{
	int fds[2];
	char buf[8];

	KT_ASSERT(pipe_open2(fds, O_NONBLOCK));
	KT_ASSERT_EQ(sysread(fds[0], buf, sizeof(buf)), -1);
	KT_ASSERT_EQ(get_errno(), EAGAIN);
	KT_ASSERT_EQ(sysread(fds[1], buf, sizeof(buf)), -1);
	KT_ASSERT_EQ(get_errno(), EAGAIN);
	sysclose(fds[0]);
	sysclose(fds[1]);
}

KTEST(dev_pipe, hangup_each_end)
{
	for (int closer = 0; closer < 2; closer++) {
		int fds[2];
		char buf[8];
		int other = !closer;

		KT_ASSERT(pipe_open2(fds, 0));
		KT_ASSERT_EQ(syswrite(fds[closer], "bye", 3), 3);
		KT_ASSERT_EQ(sysclose(fds[closer]), 0);
		/* The survivor drains what was sent, then sees EOF. */
		KT_ASSERT_EQ(sysread(fds[other], buf, sizeof(buf)), 3);
		KT_ASSERT_EQ(sysread(fds[other], buf, sizeof(buf)), 0);
		KT_ASSERT_EQ(syswrite(fds[other], "x", 1), -1);
		KT_ASSERT_EQ(get_errno(), EPIPE);
		KT_ASSERT_EQ(sysclose(fds[other]), 0);
	}
}

KTEST(dev_pipe, blocked_reader_woken)
{
	int fds[2];
	struct kt_dev_reader r = { 0 };
	struct kthread *kt;

	KT_ASSERT(pipe_open2(fds, 0));
	r.fd = fds[1];
	kt = kt_dev_start(kt_dev_reader_fn, &r);
	kthread_usleep(30 * 1000);
	KT_ASSERT_EQ(atomic_read(&r.done), 0);
	KT_ASSERT_EQ(syswrite(fds[0], "wake", 4), 4);
	kthread_join(kt);
	KT_ASSERT_EQ(r.got, 4);
	KT_ASSERT(!memcmp(r.buf, "wake", 4));
	/* And a blocked reader is released by a hangup with EOF. */
	kt = kt_dev_start(kt_dev_reader_fn, &r);
	kthread_usleep(30 * 1000);
	sysclose(fds[0]);
	kthread_join(kt);
	KT_ASSERT_EQ(r.got, 0);
	sysclose(fds[1]);
}

KTEST(dev_pipe, ctl_limit)
{
	int dir = sysopen("#pipe", O_PATH, 0);
	int ctl, fd;
	char buf[64], big[300];

	KT_ASSERT(dir >= 0);
	ctl = sysopenat(dir, "ctl", O_RDWR, 0);
	fd = sysopenat(dir, "data", O_RDWR | O_NONBLOCK, 0);
	sysclose(dir);
	KT_ASSERT(ctl >= 0 && fd >= 0);
	KT_ASSERT_EQ(syswrite(ctl, "limit 256", 9), 9);
	KT_ASSERT(syspread(ctl, buf, sizeof(buf) - 1, 0) > 0);
	KT_ASSERT(kt_dev_has(buf, "limit 256"));
	memset(big, 'z', sizeof(big));
	KT_ASSERT(syswrite(fd, big, sizeof(big)) > 0);
	KT_ASSERT_EQ(syswrite(fd, big, sizeof(big)), -1);   /* full now */
	KT_ASSERT_EQ(get_errno(), EAGAIN);
	KT_ASSERT_EQ(syswrite(ctl, "limit 0", 7), -1);
	KT_ASSERT_EQ(get_errno(), EINVAL);
	KT_ASSERT_EQ(syswrite(ctl, "size 5", 6), -1);
	KT_ASSERT(kt_dev_has(get_errstr(), "size 5"));
	sysclose(fd);
	sysclose(ctl);
}
