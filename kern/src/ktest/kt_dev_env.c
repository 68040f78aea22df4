/* SPDX-License-Identifier: MIT */
/*
 * kt_dev_env.c - ktests of #env, suite dev_env: create, write, read back,
 * write at an offset (gap of zeros), O_TRUNC, the directory listing,
 * remove (and ENOENT after), EEXIST, bad names, the per-name-space scope
 * (a private pgrp sees none of the kernel's variables), and no leaks: the
 * environment's memory is gone once its last variable is removed, or when
 * its pgrp goes away with variables left (the pgrp_release hook).
 */
#include <errno.h>
#include <kmalloc.h>
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
	struct pgrp *mine = pgrp_dup(current_pgrp());
	struct pgrp *old;
	int fd, err;

	fd = syscreate("#env/kt_scope", O_RDWR, 0666);
	KT_ASSERT(fd >= 0);
	sysclose(fd);
	old = ns_swap_pgrp(mine);
	fd = sysopen("#env/kt_scope", O_READ, 0);      /* not in this name space */
	err = get_errno();
	ns_swap_pgrp(old);
	pgrp_close(mine);
	if (fd >= 0)
		sysclose(fd);
	KT_ASSERT_EQ(sysremove("#env/kt_scope"), 0);
	KT_ASSERT_EQ(fd, -1);
	KT_ASSERT_EQ(err, ENOENT);
}

static size_t env_kmalloc_objs(void)
{
	size_t objs, bytes;

	kmalloc_get_live(&objs, &bytes);
	return objs;
}

/* Creates path in the current name space with value val; false on error. */
static bool env_put(const char *path, const char *val)
{
	int fd = syscreate(path, O_RDWR, 0666);
	bool ok = fd >= 0 && syswrite(fd, val, strlen(val)) == (ssize_t)strlen(val);

	if (fd >= 0)
		sysclose(fd);
	return ok;
}

/* A pgrp that dies with variables left frees them all (and its space),
 * and only its own: the kernel's variables stay. */
KTEST(dev_env, dead_pgrp_frees_its_variables)
{
	int64_t chans = chan_nr_live();
	size_t objs;
	struct pgrp *mine, *old;
	char buf[16];
	bool ok;

	KT_ASSERT(env_put("#env/kt_keep", "kept"));
	objs = env_kmalloc_objs();
	mine = pgrp_dup(current_pgrp());
	old = ns_swap_pgrp(mine);
	ok = env_put("#env/kt_a", "one") && env_put("#env/kt_b", "two") &&
	     env_put("#env/kt_keep", "shadow");
	if (!ok)
		printk("kt_dev_env: create in a private name space: %s\n", get_errstr());
	ns_swap_pgrp(old);
	KT_ASSERT(env_kmalloc_objs() > objs + 3);
	pgrp_close(mine);
	KT_ASSERT_EQ(env_kmalloc_objs(), objs);
	KT_ASSERT_EQ(chan_nr_live(), chans);
	KT_ASSERT_EQ(kt_dev_cat("#env/kt_keep", buf, sizeof(buf)), 4);
	KT_ASSERT_EQ(sysremove("#env/kt_keep"), 0);
	KT_ASSERT_MSG(ok, "could not create variables in a private name space");
}
