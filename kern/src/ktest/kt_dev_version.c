/* SPDX-License-Identifier: MIT */
/*
 * kt_dev_version.c - ktests of #version, suite dev_version: every file
 * reads, the letter alias works, build_id is 16 hex digits, writes and
 * unknown names fail, no chan leaks.
 */
#include <errno.h>
#include <kstring.h>
#include <ktest.h>
#include <sysfile.h>

#include "kt_dev.h"

KTEST(dev_version, files_read)
{
	int64_t chans = chan_nr_live();
	char buf[512];

	KT_ASSERT(kt_dev_cat("#version/version", buf, sizeof(buf)) > 6);
	KT_ASSERT(!strncmp(buf, "Vireo ", 6));
	KT_ASSERT(kt_dev_cat("#v/date", buf, sizeof(buf)) > 10);
	KT_ASSERT(kt_dev_cat("#version/commit", buf, sizeof(buf)) > 1);
	KT_ASSERT(kt_dev_cat("#version/kconfig", buf, sizeof(buf)) > 0);
	KT_ASSERT(kt_dev_has(buf, "CONFIG_MAX_CORES="));
	KT_ASSERT_EQ(kt_dev_cat("#version/build_id", buf, sizeof(buf)), 17);
	for (int i = 0; i < 16; i++)
		KT_ASSERT((buf[i] >= '0' && buf[i] <= '9') || (buf[i] >= 'a' && buf[i] <= 'f'));
	KT_ASSERT_EQ(chan_nr_live(), chans);
}

KTEST(dev_version, bad_access)
{
	int64_t chans = chan_nr_live();

	KT_ASSERT_EQ(sysopen("#version/version", O_WRITE, 0), -1);
	KT_ASSERT_EQ(get_errno(), EACCES);
	KT_ASSERT_EQ(sysopen("#version/nope", O_READ, 0), -1);
	KT_ASSERT_EQ(get_errno(), ENOENT);
	KT_ASSERT_EQ(sysopen("#version/version/x", O_READ, 0), -1);
	KT_ASSERT_EQ(chan_nr_live(), chans);
}
