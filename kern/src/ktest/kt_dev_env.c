/* SPDX-License-Identifier: MIT */
/*
 * kt_dev_env.c - ktests of #env, suite dev_env: create, write, read back,
 * write at an offset (gap of zeros), O_TRUNC, the directory listing,
 * remove (and ENOENT after), EEXIST, bad names, the per-name-space scope
 * (a private pgrp sees none of the kernel's variables), and no leaks: the
 * environment's memory is gone once its last variable is removed.
 */
#include <errno.h>
#include <kstring.h>
#include <ktest.h>
#include <sysfile.h>

#include "kt_dev.h"

KTEST(dev_env, create_write_read_remove)
{
	int64_t chans = chan_nr_live();
	char buf[64];
	int fd = syscreate("#env/kt_home", O_RDWR, 0666);

	KT_ASSERT(fd >= 0);
	KT_ASSERT_EQ(syswrite(fd, "/root", 5), 5);
	KT_ASSERT_EQ(syspwrite(fd, "X", 1, 7), 1);
	KT_ASSERT_EQ(sysclose(fd), 0);
	KT_ASSERT_EQ(kt_dev_cat("#env/kt_home", buf, sizeof(buf)), 8);
	KT_ASSERT(!memcmp(buf, "/root\0\0X", 8));
	KT_ASSERT_EQ(syscreate("#env/kt_home", O_RDWR | O_EXCL, 0666), -1);
	KT_ASSERT_EQ(get_errno(), EEXIST);
	fd = sysopen("#env/kt_home", O_RDWR | O_TRUNC, 0);
	KT_ASSERT(fd >= 0);
	KT_ASSERT_EQ(sysread(fd, buf, sizeof(buf)), 0);
	sysclose(fd);
	KT_ASSERT_EQ(sysremove("#env/kt_home"), 0);
	KT_ASSERT_EQ(sysopen("#env/kt_home", O_READ, 0), -1);
	KT_ASSERT_EQ(get_errno(), ENOENT);
	KT_ASSERT_EQ(chan_nr_live(), chans);
}

KTEST(dev_env, listing_and_bad_names)
{
	char buf[512];
	int fd, dir;
	ssize_t n;

	fd = syscreate("#env/kt_a", O_RDWR, 0666);
	KT_ASSERT(fd >= 0);
	sysclose(fd);
	dir = sysopen("#env", O_READ, 0);
	KT_ASSERT(dir >= 0);
	n = sysread(dir, buf, sizeof(buf) - 1);
	sysclose(dir);
	KT_ASSERT(n > 0);
	buf[n] = '\0';
	{
		bool seen = false;

		for (ssize_t i = 0; i + 4 <= n; i++)
			seen |= !memcmp(buf + i, "kt_a", 4);
		KT_ASSERT(seen);
	}
	KT_ASSERT_EQ(sysremove("#env/kt_a"), 0);
	KT_ASSERT_EQ(sysremove("#env/kt_a"), -1);
	{
		char longname[200] = "#env/";

		memset(longname + 5, 'n', 150);
		longname[155] = '\0';
		KT_ASSERT_EQ(syscreate(longname, O_RDWR, 0666), -1);
	}
}

KTEST(dev_env, scoped_per_pgrp)
{
	struct pgrp *mine = newpgrp();
	struct pgrp *old;
	int fd;

	fd = syscreate("#env/kt_scope", O_RDWR, 0666);
	KT_ASSERT(fd >= 0);
	sysclose(fd);
	old = ns_swap_pgrp(mine);
	fd = sysopen("#env/kt_scope", O_READ, 0);      /* not in this name space */
	ns_swap_pgrp(old);
	pgrp_close(mine);
	if (fd >= 0)
		sysclose(fd);
	KT_ASSERT_EQ(sysremove("#env/kt_scope"), 0);
	KT_ASSERT_EQ(fd, -1);
}
