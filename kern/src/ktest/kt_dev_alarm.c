/* SPDX-License-Identifier: MIT */
/*
 * kt_dev_alarm.c - ktests of #alarm, suite dev_alarm: clone makes aN and
 * the directory lists it while open and not after; a one-shot timer fires
 * no earlier than asked and within a TCG-generous bound; a periodic alarm
 * counts expirations; cancel stops it; count is EAGAIN when non-blocking
 * and nothing expired; count's "set TIMER PERIOD" re-arms in one write
 * (clearing the count, replacing the period, disarming with 0); bad
 * numbers and messages are EINVAL; no leaks; signal counts overruns while
 * a signal is outstanding, a read acknowledges, bad signal messages EINVAL.
 */
#include <errno.h>
#include <kstring.h>
#include <ktest.h>
#include <sysfile.h>

#include "kt_dev.h"

#define SLACK_MS 150    /* TCG and a busy host: generous */

/* Opens #alarm/clone (the ctl of a new alarm); its id in *id. */
static int alarm_new(unsigned long *id)
{
	int ctl = sysopen("#alarm/clone", O_RDWR, 0);
	char buf[32];
	ssize_t n;

	if (ctl < 0)
		return -1;
	n = sysread(ctl, buf, sizeof(buf) - 1);
	if (n <= 0) {
		sysclose(ctl);
		return -1;
	}
	buf[n] = '\0';
	*id = 0;
	for (char *p = buf; *p >= '0' && *p <= '9'; p++)
		*id = *id * 10 + (unsigned long)(*p - '0');
	return ctl;
}

static int alarm_file(unsigned long id, const char *file, int omode)
{
	char path[64];

	snprintf(path, sizeof(path), "#alarm/a%lu/%s", id, file);
	return sysopen(path, omode, 0);
}

static ssize_t alarm_printf_fd(int fd, const char *s)
{
	return syswrite(fd, s, strlen(s));
}

KTEST(dev_alarm, clone_lists_and_goes)
{
	int64_t chans = chan_nr_live();
	unsigned long id;
	char name[32], buf[1024];
	int ctl = alarm_new(&id), dir;
	ssize_t n;

	KT_ASSERT(ctl >= 0 && id > 0);
	snprintf(name, sizeof(name), "a%lu", id);
	dir = sysopen("#alarm", O_READ, 0);
	KT_ASSERT(dir >= 0);
	n = sysread(dir, buf, sizeof(buf));
	sysclose(dir);
	KT_ASSERT(n > 0);
	/* The 9P stat entries carry the names as raw bytes. */
	buf[n - 1] = '\0';
	{
		bool seen = false;

		for (ssize_t i = 0; i + (ssize_t)strlen(name) < n; i++)
			seen |= !memcmp(buf + i, name, strlen(name));
		KT_ASSERT(seen);
	}
	KT_ASSERT_EQ(sysclose(ctl), 0);
	snprintf(buf, sizeof(buf), "#alarm/a%lu/timer", id);
	KT_ASSERT_EQ(sysopen(buf, O_READ, 0), -1);      /* gone with its last chan */
	KT_ASSERT_EQ(get_errno(), ENOENT);
	KT_ASSERT_EQ(chan_nr_live(), chans);
}

KTEST(dev_alarm, one_shot_timing)
{
	unsigned long id;
	int ctl = alarm_new(&id);
	int timer = alarm_file(id, "timer", O_RDWR);
	int count = alarm_file(id, "count", O_READ);
	char buf[32];
	uint64_t t0 = nsec_now(), ms;

	KT_ASSERT(ctl >= 0 && timer >= 0 && count >= 0);
	KT_ASSERT_EQ(alarm_printf_fd(timer, "+50000000"), 9);     /* 50 ms */
	KT_ASSERT(syspread(timer, buf, sizeof(buf), 0) > 0);
	KT_ASSERT(buf[0] != '0');
	KT_ASSERT(sysread(count, buf, sizeof(buf)) > 0);     /* blocks until it fires */
	ms = kt_dev_ms_since(t0);
	KT_ASSERT_EQ(buf[0], '1');
	KT_ASSERT_MSG(ms >= 50 && ms < 50 + SLACK_MS, "fired after %llu ms",
	              (unsigned long long)ms);
	KT_ASSERT(syspread(timer, buf, sizeof(buf), 0) > 0);
	KT_ASSERT_EQ(buf[0], '0');                           /* disarmed */
	sysclose(count);
	sysclose(timer);
	sysclose(ctl);
}

KTEST(dev_alarm, periodic_and_cancel)
{
	unsigned long id;
	int ctl = alarm_new(&id);
	int timer = alarm_file(id, "timer", O_WRITE);
	int period = alarm_file(id, "period", O_WRITE);
	int count = alarm_file(id, "count", O_READ | O_NONBLOCK);
	char buf[32];
	unsigned long total = 0, most;
	uint64_t armed;

	KT_ASSERT(ctl >= 0 && timer >= 0 && period >= 0 && count >= 0);
	KT_ASSERT_EQ(sysread(count, buf, sizeof(buf)), -1);
	KT_ASSERT_EQ(get_errno(), EAGAIN);
	KT_ASSERT(alarm_printf_fd(period, "10000000") > 0);     /* 10 ms */
	armed = nsec_now();
	KT_ASSERT(alarm_printf_fd(timer, "+10000000") > 0);
	kthread_usleep(200 * 1000);
	KT_ASSERT(alarm_printf_fd(ctl, "cancel") > 0);
	/* No more than the periods that really passed: a loaded host may wake
	 * this kthread well after its 200 ms. */
	most = (nsec_now() - armed) / (10 * NSEC_PER_MSEC);
	KT_ASSERT(sysread(count, buf, sizeof(buf)) > 0);
	for (char *p = buf; *p >= '0' && *p <= '9'; p++)
		total = total * 10 + (unsigned long)(*p - '0');
	/* About 20 in 200 ms; missed periods count too, so not much fewer. */
	KT_ASSERT_MSG(total >= 10 && total <= most, "%lu expirations, at most %lu periods",
	              total, most);
	kthread_usleep(50 * 1000);
	KT_ASSERT_EQ(sysread(count, buf, sizeof(buf)), -1);   /* cancelled */
	KT_ASSERT_EQ(get_errno(), EAGAIN);
	sysclose(count);
	sysclose(period);
	sysclose(timer);
	sysclose(ctl);
}

/* Reads count (non-blocking chan) as a number; -1 for EAGAIN. */
static long alarm_count(int count)
{
	char buf[32];
	long v = 0;

	if (sysread(count, buf, sizeof(buf)) <= 0)
		return -1;
	for (char *p = buf; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (*p - '0');
	return v;
}

KTEST(dev_alarm, set_rearms_in_one_write)
{
	unsigned long id;
	int ctl = alarm_new(&id);
	int count = alarm_file(id, "count", O_RDWR | O_NONBLOCK);
	int period = alarm_file(id, "period", O_READ);
	char buf[32];

	KT_ASSERT(ctl >= 0 && count >= 0 && period >= 0);
	KT_ASSERT(alarm_printf_fd(count, "7") > 0);
	KT_ASSERT(alarm_printf_fd(count, "set +100000000 0") > 0);     /* 100 ms one-shot */
	KT_ASSERT_EQ(alarm_count(count), -1);                   /* the 7 is gone */
	kthread_usleep(200 * 1000);
	KT_ASSERT_EQ(alarm_count(count), 1);
	/* Periodic, then a set to 0 disarms and clears what was counted. */
	KT_ASSERT(alarm_printf_fd(count, "set +1000000 2000000") > 0);
	KT_ASSERT(syspread(period, buf, sizeof(buf), 0) > 0);
	KT_ASSERT(!strncmp(buf, "2000000", 7));
	kthread_usleep(30 * 1000);
	KT_ASSERT(alarm_printf_fd(count, "set 0 0") > 0);
	KT_ASSERT_EQ(alarm_count(count), -1);
	kthread_usleep(10 * 1000);
	KT_ASSERT_EQ(alarm_count(count), -1);                   /* disarmed */
	KT_ASSERT_EQ(alarm_printf_fd(count, "set +5"), -1);
	KT_ASSERT_EQ(get_errno(), EINVAL);
	KT_ASSERT(kt_dev_has(get_errstr(), "set TIMER PERIOD"));
	KT_ASSERT_EQ(alarm_printf_fd(count, "set +5 soon"), -1);
	KT_ASSERT(kt_dev_has(get_errstr(), "soon"));
	KT_ASSERT_EQ(alarm_printf_fd(count, "set later 5"), -1);
	KT_ASSERT(kt_dev_has(get_errstr(), "later"));
	sysclose(period);
	sysclose(count);
	sysclose(ctl);
}

KTEST(dev_alarm, bad_input)
{
	int64_t chans = chan_nr_live();
	unsigned long id;
	int ctl = alarm_new(&id);
	int timer = alarm_file(id, "timer", O_WRITE);

	KT_ASSERT(ctl >= 0 && timer >= 0);
	KT_ASSERT_EQ(alarm_printf_fd(timer, "soon"), -1);
	KT_ASSERT_EQ(get_errno(), EINVAL);
	KT_ASSERT(kt_dev_has(get_errstr(), "soon"));
	KT_ASSERT_EQ(alarm_printf_fd(timer, "99999999999999999999999"), -1);
	KT_ASSERT(kt_dev_has(get_errstr(), "over 2^64"));
	KT_ASSERT_EQ(alarm_printf_fd(timer, "+18446744073709551615"), -1);
	KT_ASSERT_EQ(get_errno(), EINVAL);
	KT_ASSERT_EQ(alarm_printf_fd(timer, "+"), -1);
	KT_ASSERT_EQ(alarm_printf_fd(timer, "12 "), -1);
	KT_ASSERT_EQ(alarm_printf_fd(ctl, "snooze"), -1);
	KT_ASSERT_EQ(get_errno(), EINVAL);
	KT_ASSERT_EQ(sysopen("#alarm/a999999/ctl", O_READ, 0), -1);
	sysclose(timer);
	sysclose(ctl);
	KT_ASSERT_EQ(chan_nr_live(), chans);
}

static unsigned long alarm_read_num(int fd)
{
	char buf[32];
	ssize_t n = sysread(fd, buf, sizeof(buf) - 1);
	unsigned long v = 0;

	if (n <= 0)
		return ~0ul;
	buf[n] = '\0';
	for (char *p = buf; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (unsigned long)(*p - '0');
	return v;
}

/* Arms a one-shot 1 ms timer through count and waits until it fired. */
static bool alarm_fire_once(int count)
{
	if (alarm_printf_fd(count, "set +1000000 0") <= 0)
		return false;
	kthread_usleep(30 * 1000);
	return true;
}

/* signal: with a signal "outstanding" (a kthread owns no process, so none
 * is posted and none acknowledged), every later expiration is overrun; a
 * read gives the overrun and acknowledges; "off" stops the counting. */
KTEST(dev_alarm, signal_overrun_counted_and_acknowledged)
{
	int64_t chans = chan_nr_live();
	unsigned long id, over, most;
	int ctl = alarm_new(&id);
	int sig = alarm_file(id, "signal", O_RDWR);
	int count = alarm_file(id, "count", O_RDWR);
	uint64_t armed;

	KT_ASSERT(ctl >= 0 && sig >= 0 && count >= 0);
	KT_ASSERT_EQ(alarm_read_num(sig), 0);
	KT_ASSERT(alarm_printf_fd(sig, "timer 34 12345 7") > 0);
	armed = nsec_now();
	KT_ASSERT(alarm_printf_fd(count, "set +10000000 10000000") > 0);
	kthread_usleep(200 * 1000);
	KT_ASSERT(alarm_printf_fd(ctl, "cancel") > 0);
	most = (nsec_now() - armed) / (10 * NSEC_PER_MSEC);
	over = alarm_read_num(sig);
	/* About 19: every expiration after the first, none lost to the 100 us
	 * rearm bound. */
	KT_ASSERT_MSG(over >= 9 && over < most, "overrun %lu of at most %lu periods", over, most);
	KT_ASSERT_EQ(alarm_read_num(sig), 0);   /* acknowledged */
	/* After the read, the next expiration is a new signal (overrun 0),
	 * the one after it overrun 1. */
	KT_ASSERT(alarm_fire_once(count));
	KT_ASSERT_EQ(alarm_read_num(sig), 0);
	KT_ASSERT(alarm_fire_once(count) && alarm_fire_once(count));
	KT_ASSERT_EQ(alarm_read_num(sig), 1);
	KT_ASSERT(alarm_printf_fd(sig, "off") > 0);
	KT_ASSERT(alarm_fire_once(count) && alarm_fire_once(count));
	KT_ASSERT_EQ(alarm_read_num(sig), 0);
	KT_ASSERT(alarm_printf_fd(sig, "kernel 14\n") > 0);
	sysclose(count);
	sysclose(sig);
	sysclose(ctl);
	KT_ASSERT_EQ(chan_nr_live(), chans);
}

KTEST(dev_alarm, signal_bad_input)
{
	static const char *const bad[] = {
		"timer", "timer 0 1 2", "timer 65 1 2", "timer 34 1", "timer 34 x 2",
		"timer 34 1 2147483648", "timer 34 1 2 3", "kernel", "kernel 99",
		"kernel 14 1", "on", "", "timer -1 0 0",
	};
	unsigned long id;
	int ctl = alarm_new(&id);
	int sig = alarm_file(id, "signal", O_RDWR);

	KT_ASSERT(ctl >= 0 && sig >= 0);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		KT_ASSERT_MSG(syswrite(sig, bad[i], strlen(bad[i])) == -1, "'%s' taken", bad[i]);
		KT_ASSERT_EQ(get_errno(), EINVAL);
	}
	KT_ASSERT(kt_dev_has(get_errstr(), "'-1'"));
	KT_ASSERT(alarm_printf_fd(sig, "timer 64 18446744073709551615 2147483647") > 0);
	KT_ASSERT(alarm_printf_fd(sig, "off") > 0);
	sysclose(sig);
	sysclose(ctl);
}
