/* SPDX-License-Identifier: MIT */
/*
 * kt_dev_cons.c - ktests of #cons, suite dev_cons: null and zero, stdout
 * reaching the kernel log (read back through kmesg at the offset it was
 * written), sysname set and refused, time advancing and the wall offset,
 * version, stdin: EAGAIN when non-blocking and empty, and a blocked read
 * woken by console input (fed through console_input() as the UART would).
 */
#include <atomic.h>
#include <console.h>
#include <errno.h>
#include <kstring.h>
#include <ktest.h>
#include <sysfile.h>

#include "kt_dev.h"

KTEST(dev_cons, null_and_zero)
{
	int64_t chans = chan_nr_live();
	char buf[16];
	int fd = sysopen("#cons/null", O_RDWR, 0);

	KT_ASSERT(fd >= 0);
	KT_ASSERT_EQ(sysread(fd, buf, sizeof(buf)), 0);
	KT_ASSERT_EQ(syswrite(fd, "gone", 4), 4);
	sysclose(fd);
	fd = sysopen("#c/zero", O_READ, 0);
	KT_ASSERT(fd >= 0);
	memset(buf, 'x', sizeof(buf));
	KT_ASSERT_EQ(sysread(fd, buf, sizeof(buf)), 16);
	for (int i = 0; i < 16; i++)
		KT_ASSERT_EQ(buf[i], 0);
	sysclose(fd);
	KT_ASSERT_EQ(chan_nr_live(), chans);
}

KTEST(dev_cons, stdout_to_kmesg)
{
	static const char msg[] = "kt_dev_cons: hello through stdout\n";
	uint64_t at = kmesg_end();
	char buf[64];
	int out = sysopen("#cons/stdout", O_WRITE, 0);
	int km = sysopen("#cons/kmesg", O_READ, 0);

	KT_ASSERT(out >= 0 && km >= 0);
	KT_ASSERT_EQ(syswrite(out, msg, sizeof(msg) - 1), (ssize_t)sizeof(msg) - 1);
	KT_ASSERT_EQ(syspread(km, buf, sizeof(msg) - 1, (int64_t)at), (ssize_t)sizeof(msg) - 1);
	KT_ASSERT(!memcmp(buf, msg, sizeof(msg) - 1));
	KT_ASSERT_EQ(sysopen("#cons/stdout", O_READ, 0), -1);
	sysclose(out);
	sysclose(km);
}

KTEST(dev_cons, sysname_time_version)
{
	char buf[64];
	unsigned long long up1 = 0, up2 = 0, wall = 0;

	KT_ASSERT(kt_dev_cat("#cons/sysname", buf, sizeof(buf)) > 0);
	KT_ASSERT(kt_dev_echo("#cons/sysname", "kt-box\n") == 7);
	KT_ASSERT(kt_dev_cat("#cons/sysname", buf, sizeof(buf)) > 0);
	KT_ASSERT(!strcmp(buf, "kt-box\n"));
	KT_ASSERT_EQ(kt_dev_echo("#cons/sysname", "a/b"), -1);
	KT_ASSERT_EQ(get_errno(), EINVAL);
	KT_ASSERT_EQ(kt_dev_echo("#cons/sysname", "vireo"), 5);

	KT_ASSERT(kt_dev_cat("#cons/time", buf, sizeof(buf)) > 0);
	for (char *p = buf; *p >= '0' && *p <= '9'; p++)
		up1 = up1 * 10 + (unsigned long long)(*p - '0');
	KT_ASSERT_EQ(kt_dev_echo("#cons/time", "1700000000000000000"), 19);
	kthread_usleep(2000);
	KT_ASSERT(kt_dev_cat("#cons/time", buf, sizeof(buf)) > 0);
	{
		char *p = buf;

		for (; *p >= '0' && *p <= '9'; p++)
			up2 = up2 * 10 + (unsigned long long)(*p - '0');
		for (p++; *p >= '0' && *p <= '9'; p++)
			wall = wall * 10 + (unsigned long long)(*p - '0');
	}
	KT_ASSERT(up2 > up1);
	KT_ASSERT(wall >= 1700000000000000000ULL && wall < 1700000010000000000ULL);
	KT_ASSERT_EQ(kt_dev_echo("#cons/time", "yesterday"), -1);
	KT_ASSERT_EQ(get_errno(), EINVAL);
	KT_ASSERT(kt_dev_cat("#cons/version", buf, sizeof(buf)) > 0);
	KT_ASSERT(!strncmp(buf, "Vireo", 5));
}

KTEST(dev_cons, stdin)
{
	struct kt_dev_reader r = { 0 };
	struct kthread *kt;
	char c;
	int nb = sysopen("#cons/stdin", O_READ | O_NONBLOCK, 0);

	KT_ASSERT(nb >= 0);
	while (sysread(nb, &c, 1) == 1)
		;                               /* drain anything typed before */
	KT_ASSERT_EQ(get_errno(), EAGAIN);
	r.fd = sysopen("#cons/stdin", O_READ, 0);
	KT_ASSERT(r.fd >= 0);
	kt = kt_dev_start(kt_dev_reader_fn, &r);
	kthread_usleep(30 * 1000);
	KT_ASSERT_EQ(atomic_read(&r.done), 0);
	console_input('h');
	console_input('i');
	kthread_join(kt);
	KT_ASSERT(r.got >= 1 && r.buf[0] == 'h');
	if (r.got == 1)
		KT_ASSERT_EQ(sysread(nb, &c, 1), 1);
	sysclose(r.fd);
	sysclose(nb);
	KT_ASSERT_EQ(sysopen("#cons/stdin", O_WRITE, 0), -1);
}
