/* SPDX-License-Identifier: MIT */
/*
 * kt_dev_mem.c - ktests of #mem, suite dev_mem: each file has its header
 * and plausible numbers, reads at an offset agree with the snapshot taken
 * at open, writes are refused, nothing leaks; ctl takes "reclaim" and
 * refuses anything else with EINVAL.
 */
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <ktest.h>
#include <sysfile.h>

#include "kt_dev.h"

KTEST(dev_mem, files_read)
{
	int64_t chans = chan_nr_live();
	char *buf = kmalloc(16384, MEM_WAIT);

	KT_ASSERT(buf);
	KT_ASSERT(kt_dev_cat("#mem/free", buf, 16384) > 0);
	KT_ASSERT(kt_dev_has(buf, "pages_free ") && kt_dev_has(buf, "kmalloc_objects "));
	KT_ASSERT(kt_dev_cat("#mem/arenas", buf, 16384) > 0);
	KT_ASSERT(!strncmp(buf, "name", 4) && strchr(buf, '\n')[1] != '\0');
	KT_ASSERT(kt_dev_cat("#mem/slabs", buf, 16384) > 0);
	KT_ASSERT(kt_dev_has(buf, "objsize"));
	kfree(buf);
	KT_ASSERT_EQ(chan_nr_live(), chans);
}

KTEST(dev_mem, snapshot_and_offsets)
{
	char a[64], b[64];
	int fd = sysopen("#mem/free", O_READ, 0);

	KT_ASSERT(fd >= 0);
	KT_ASSERT_EQ(syspread(fd, a, 40, 0), 40);
	KT_ASSERT_EQ(syspread(fd, b, 30, 10), 30);
	KT_ASSERT(!memcmp(a + 10, b, 30));
	KT_ASSERT_EQ(syspread(fd, a, 10, 1 << 20), 0);
	KT_ASSERT_EQ(syswrite(fd, "x", 1), -1);
	KT_ASSERT_EQ(sysclose(fd), 0);
	KT_ASSERT_EQ(sysopen("#mem/free", O_RDWR, 0), -1);
	KT_ASSERT_EQ(get_errno(), EACCES);
}

KTEST(dev_mem, ctl_reclaim_and_bad_commands)
{
	int fd = sysopen("#mem/ctl", O_WRITE, 0);

	KT_ASSERT(fd >= 0);
	KT_ASSERT_EQ(syswrite(fd, "reclaim\n", 8), 8);
	KT_ASSERT_EQ(syswrite(fd, "reclaim", 7), 7);
	KT_ASSERT_EQ(syswrite(fd, "reclaimx", 8), -1);
	KT_ASSERT_EQ(get_errno(), EINVAL);
	KT_ASSERT_EQ(syswrite(fd, "", 0), -1);
	KT_ASSERT_EQ(get_errno(), EINVAL);
	KT_ASSERT_EQ(sysclose(fd), 0);
	KT_ASSERT_EQ(sysopen("#mem/ctl", O_READ, 0), -1);
	KT_ASSERT_EQ(get_errno(), EACCES);
}
