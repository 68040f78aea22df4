/* SPDX-License-Identifier: MIT */
/*
 * kt_dev_random.c - ktests of #random, suite dev_random: reads return
 * exactly what was asked, two reads differ, the bytes look random (every
 * byte value turns up in 64 KiB, no long runs), writes are accepted,
 * random_bytes() works in the kernel, nothing leaks.
 */
#include <chacha20.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <ktest.h>
#include <sysfile.h>

#include "kt_dev.h"

KTEST(dev_random, reads_differ)
{
	int64_t chans = chan_nr_live();
	uint8_t a[64], b[64];
	int fd = sysopen("#random/urandom", O_READ, 0);

	KT_ASSERT(fd >= 0);
	KT_ASSERT_EQ(sysread(fd, a, sizeof(a)), 64);
	KT_ASSERT_EQ(sysread(fd, b, sizeof(b)), 64);
	KT_ASSERT(memcmp(a, b, sizeof(a)) != 0);
	KT_ASSERT_EQ(sysread(fd, a, 0), 0);
	KT_ASSERT_EQ(sysclose(fd), 0);
	random_bytes(a, sizeof(a));
	KT_ASSERT(memcmp(a, b, sizeof(a)) != 0);
	KT_ASSERT_EQ(chan_nr_live(), chans);
}

KTEST(dev_random, distribution)
{
	size_t n = 64 * 1024;
	uint8_t *buf = kmalloc(n, MEM_WAIT);
	uint32_t *hist = kzmalloc(256 * sizeof(*hist), MEM_WAIT);
	int fd = sysopen("#random/random", O_READ, 0);
	int missing = 0;

	KT_ASSERT(buf && hist && fd >= 0);
	KT_ASSERT_EQ(sysread(fd, buf, n), (ssize_t)n);
	sysclose(fd);
	for (size_t i = 0; i < n; i++)
		hist[buf[i]]++;
	for (int v = 0; v < 256; v++)
		missing += hist[v] == 0 || hist[v] > 2 * n / 256;
	kfree(buf);
	kfree(hist);
	KT_ASSERT_EQ(missing, 0);
}

KTEST(dev_random, write_mixes_in)
{
	uint8_t x[32];
	int fd = sysopen("#random/random", O_RDWR, 0);

	KT_ASSERT(fd >= 0);
	KT_ASSERT_EQ(syswrite(fd, "entropy from a test", 19), 19);
	KT_ASSERT_EQ(sysread(fd, x, sizeof(x)), 32);
	KT_ASSERT_EQ(sysclose(fd), 0);
	KT_ASSERT_EQ(sysopen("#random/nope", O_READ, 0), -1);
	KT_ASSERT_EQ(get_errno(), ENOENT);
}
