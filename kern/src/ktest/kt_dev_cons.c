/* SPDX-License-Identifier: MIT */
/*
 * kt_dev_cons.c - ktests of #cons, suite dev_cons: null and zero, stdout
 * reaching the kernel log (read back through kmesg at the offset it was
 * written), sysname set and refused, time advancing and the wall offset,
 * version, stdin: EAGAIN when non-blocking and empty, and a blocked read
 * woken by console input (fed through console_input() as the UART would);
 * the terminal (cons_tty.c): a cooked line edited and echoed into the
 * kernel log, end of file, raw mode with VMIN/VTIME, and consctl's
 * commands, good and bad (a kthread has no process: job control says
 * ENOTTY/EPERM).  Every test that changes the mode puts the old one back.
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
	KT_ASSERT_EQ(kt_dev_echo("#cons/consctl", "flush"), 5);  /* typed before */
	KT_ASSERT_EQ(sysread(nb, &c, 1), -1);
	KT_ASSERT_EQ(get_errno(), EAGAIN);
	r.fd = sysopen("#cons/stdin", O_READ, 0);
	KT_ASSERT(r.fd >= 0);
	kt = kt_dev_start(kt_dev_reader_fn, &r);
	kthread_usleep(30 * 1000);
	KT_ASSERT_EQ(atomic_read(&r.done), 0);
	console_input('h');
	console_input('i');
	kthread_usleep(30 * 1000);
	KT_ASSERT_EQ(atomic_read(&r.done), 0);  /* cooked: no line yet */
	console_input('\r');
	kthread_join(kt);
	KT_ASSERT(r.got >= 1 && r.buf[0] == 'h');
	while (r.got < 3 && sysread(nb, &c, 1) == 1)
		r.got++;
	KT_ASSERT_EQ(r.got, 3);                 /* "hi\n" */
	sysclose(r.fd);
	sysclose(nb);
	KT_ASSERT_EQ(sysopen("#cons/stdin", O_WRITE, 0), -1);
}

/* --------------------------------------------------------- the terminal */

/* consctl's first line "mode TEXT" into mode (NUL-terminated). */
static bool kt_cons_mode(char *mode, size_t n)
{
	char text[256];
	char *nl;

	KT_CHECK(kt_dev_cat("#cons/consctl", text, sizeof(text)) > 0);
	KT_CHECK(!strncmp(text, "mode ", 5) && (nl = strchr(text, '\n')));
	*nl = '\0';
	strlcpy(mode, text, n);
	return true;
}

static bool kt_cons_feed(const char *s)
{
	while (*s)
		console_input((unsigned char)*s++);
	return true;
}

static bool kt_cons_kmesg(char *buf, size_t n, uint64_t at)
{
	int km = sysopen("#cons/kmesg", O_READ, 0);
	ssize_t r = km < 0 ? -1 : syspread(km, buf, n, (int64_t)at);

	if (km >= 0)
		sysclose(km);
	return r == (ssize_t)n;
}

static bool kt_has(const char *text, const char *needle)
{
	for (size_t n = strlen(needle); *text; text++)
		if (!strncmp(text, needle, n))
			return true;
	return false;
}

/* A read of #cons/stdin that cannot hang the test: O_NONBLOCK after a
 * pause for the pump. */
static ssize_t kt_cons_read(char *buf, size_t n)
{
	int fd = sysopen("#cons/stdin", O_READ | O_NONBLOCK, 0);
	ssize_t r;

	if (fd < 0)
		return -1;
	kthread_usleep(20 * 1000);
	r = sysread(fd, buf, n);
	sysclose(fd);
	return r;
}

KTEST(dev_cons, cooked_line_editing_and_echo)
{
	char saved[128], buf[64];
	uint64_t at;

	KT_ASSERT(kt_cons_mode(saved, sizeof(saved)));
	KT_ASSERT(kt_dev_echo("#cons/consctl", "mode 4100 5 bf 8a3b "
	                      "031c7f150400010011131a00120f1716000000") > 0);
	KT_ASSERT(kt_dev_echo("#cons/consctl", "flush") == 5);
	at = kmesg_end();
	kt_cons_feed("ab\x7f" "c \xc3\xa9\x7f" "d\x17" "e\r");
	KT_ASSERT_EQ(kt_cons_read(buf, sizeof(buf)), 5);
	KT_ASSERT(!memcmp(buf, "ac e\n", 5));
	KT_ASSERT(kt_cons_kmesg(buf, 12, at));
	KT_ASSERT(!memcmp(buf, "ab\b \bc \xc3\xa9\b \b", 12));
	kt_cons_feed("\x04");
	KT_ASSERT_EQ(kt_cons_read(buf, sizeof(buf)), 0);        /* EOF */
	KT_ASSERT(kt_dev_echo("#cons/consctl", "mode 4100 5 bf 8a33 "       /* no ECHO */
	                      "031c7f150400010011131a00120f1716000000") > 0);
	kt_cons_feed("half");                   /* no line yet */
	KT_ASSERT_EQ(kt_cons_read(buf, sizeof(buf)), -1);
	KT_ASSERT_EQ(get_errno(), EAGAIN);
	KT_ASSERT_EQ(kt_dev_echo("#cons/consctl", saved), (ssize_t)strlen(saved));
	KT_ASSERT(kt_dev_echo("#cons/consctl", "flush") == 5);
}

KTEST(dev_cons, raw_mode_vmin_vtime)
{
	char saved[128], buf[16];
	uint64_t t0;
	int fd;

	KT_ASSERT(kt_cons_mode(saved, sizeof(saved)));
	/* lflag 0 (raw, no echo), VMIN 0, VTIME 2 (0.2 s) */
	KT_ASSERT(kt_dev_echo("#cons/consctl", "mode 0 5 bf 0 "
	                      "031c7f150402000011131a00120f1716000000") > 0);
	KT_ASSERT(kt_dev_echo("#cons/consctl", "flush") == 5);
	kt_cons_feed("\x7fq\x03");
	KT_ASSERT_EQ(kt_cons_read(buf, sizeof(buf)), 3);
	KT_ASSERT(!memcmp(buf, "\x7fq\x03", 3));
	fd = sysopen("#cons/stdin", O_READ, 0);
	KT_ASSERT(fd >= 0);
	t0 = nsec_now();
	KT_ASSERT_EQ(sysread(fd, buf, sizeof(buf)), 0);         /* VTIME ran out */
	KT_ASSERT(nsec_now() - t0 >= 150 * NSEC_PER_MSEC);
	sysclose(fd);
	KT_ASSERT_EQ(kt_dev_echo("#cons/consctl", saved), (ssize_t)strlen(saved));
}

KTEST(dev_cons, consctl_commands)
{
	static const char *const bad[] = {
		"mode 1 2 3", "mode zz 0 0 0 00", "winsize 24", "winsize 1 2 3 70000",
		"winsize a b c d", "pgrp", "pgrp x", "ctty please", "flush now", "bogus", "",
		"winsize 1 2 3 4 5",
	};
	char text[256], long_cmd[200];

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		KT_ASSERT_MSG(kt_dev_echo("#cons/consctl", bad[i]) == -1, "took '%s'", bad[i]);
		KT_ASSERT_EQ(get_errno(), EINVAL);
	}
	memset(long_cmd, 'x', sizeof(long_cmd) - 1);
	long_cmd[sizeof(long_cmd) - 1] = '\0';
	KT_ASSERT_EQ(kt_dev_echo("#cons/consctl", long_cmd), -1);
	KT_ASSERT_EQ(get_errno(), EINVAL);
	/* A kthread has no process: no session, no terminal. */
	KT_ASSERT_EQ(kt_dev_echo("#cons/consctl", "pgrp 1"), -1);
	KT_ASSERT_EQ(get_errno(), ENOTTY);
	KT_ASSERT_EQ(kt_dev_echo("#cons/consctl", "ctty"), -1);
	KT_ASSERT_EQ(get_errno(), EPERM);
	KT_ASSERT(kt_dev_echo("#cons/consctl", "winsize 50 132 0 0\n") > 0);
	KT_ASSERT(kt_dev_cat("#cons/consctl", text, sizeof(text)) > 0);
	KT_ASSERT(kt_has(text, "\nwinsize 50 132 0 0\n"));
	KT_ASSERT(kt_has(text, "\nsession "));
	KT_ASSERT(kt_dev_echo("#cons/consctl", "winsize 24 80 0 0") > 0);
}
