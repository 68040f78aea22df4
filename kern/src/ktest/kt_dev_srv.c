/* SPDX-License-Identifier: MIT */
/*
 * kt_dev_srv.c - ktests of #srv, suite dev_srv: post a pipe end under a
 * name, open the name and talk through the posted chan, the directory
 * lists the name, EEXIST/EBUSY/EBADF/EINVAL for the bad cases, ENOENT for
 * a name with nothing posted and after remove, and remove dropping the
 * posted chan (the pipe hangs up once every chan is gone; no chan leaks).
 */
#include <errno.h>
#include <kstring.h>
#include <ktest.h>
#include <sysfile.h>

#include "kt_dev.h"

KTEST(dev_srv, post_open_remove)
{
	int64_t chans = chan_nr_live();
	int dir = sysopen("#pipe", O_PATH, 0);
	int p0, p1, post, got;
	char num[16], buf[16];

	KT_ASSERT(dir >= 0);
	p0 = sysopenat(dir, "data", O_RDWR, 0);
	p1 = sysopenat(dir, "data1", O_RDWR, 0);
	sysclose(dir);
	KT_ASSERT(p0 >= 0 && p1 >= 0);
	post = syscreate("#srv/kt_pipe", O_WRITE, 0666);
	KT_ASSERT(post >= 0);
	snprintf(num, sizeof(num), "%d\n", p1);
	KT_ASSERT_EQ(syswrite(post, num, strlen(num)), (ssize_t)strlen(num));
	KT_ASSERT_EQ(syswrite(post, num, strlen(num)), -1);
	KT_ASSERT_EQ(get_errno(), EBUSY);
	sysclose(post);
	sysclose(p1);           /* the post keeps that end open */
	got = sysopen("#srv/kt_pipe", O_RDWR, 0);
	KT_ASSERT(got >= 0);
	KT_ASSERT_EQ(syswrite(p0, "via srv", 7), 7);
	KT_ASSERT_EQ(sysread(got, buf, sizeof(buf)), 7);
	KT_ASSERT(!memcmp(buf, "via srv", 7));
	sysclose(got);
	KT_ASSERT_EQ(syscreate("#srv/kt_pipe", O_WRITE | O_EXCL, 0666), -1);
	KT_ASSERT_EQ(sysremove("#srv/kt_pipe"), 0);
	KT_ASSERT_EQ(sysopen("#srv/kt_pipe", O_RDWR, 0), -1);
	KT_ASSERT_EQ(get_errno(), ENOENT);
	/* The last chan of end 1 went with the post: end 0 sees EOF. */
	KT_ASSERT_EQ(sysread(p0, buf, sizeof(buf)), 0);
	sysclose(p0);
	KT_ASSERT_EQ(chan_nr_live(), chans);
}

KTEST(dev_srv, bad_posts)
{
	int64_t chans = chan_nr_live();
	int post = syscreate("#srv/kt_bad", O_WRITE, 0666);

	KT_ASSERT(post >= 0);
	KT_ASSERT_EQ(syswrite(post, "seven", 5), -1);
	KT_ASSERT_EQ(get_errno(), EINVAL);
	KT_ASSERT_EQ(syswrite(post, "3999", 4), -1);
	KT_ASSERT_EQ(get_errno(), EBADF);
	sysclose(post);
	KT_ASSERT_EQ(sysopen("#srv/kt_bad", O_READ, 0), -1);   /* nothing posted */
	KT_ASSERT_EQ(get_errno(), ENOENT);
	KT_ASSERT_EQ(sysremove("#srv/kt_bad"), 0);
	KT_ASSERT_EQ(chan_nr_live(), chans);
}
