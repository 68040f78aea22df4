/* SPDX-License-Identifier: MIT */
/*
 * kt_dev.h - helpers shared by the device ktests (kt_dev_*.c): whole-file
 * reads and writes through the kernel file interface (sysfile.h), a helper
 * kthread on another core, and waiting with a deadline.  Every helper
 * returns a value the test asserts on; none asserts itself.
 */
#pragma once

#include <core_id.h>
#include <errno.h>
#include <kstring.h>
#include <kthread.h>
#include <printk.h>
#include <sysfile.h>
#include <time.h>

/* Reads up to n - 1 bytes of path into buf (NUL-terminated); -1 on error. */
static inline ssize_t kt_dev_cat(const char *path, char *buf, size_t n)
{
	int fd = sysopen(path, O_READ, 0);
	ssize_t got = 0, r;

	if (fd < 0)
		return -1;
	while (got < (ssize_t)n - 1 && (r = sysread(fd, buf + got, n - 1 - (size_t)got)) > 0)
		got += r;
	sysclose(fd);
	buf[got] = '\0';
	return r < 0 ? -1 : got;
}

/* Opens path for writing and writes s; returns syswrite's result (or -1
 * from the open); the errno of a failure stays in get_errno(). */
static inline ssize_t kt_dev_echo(const char *path, const char *s)
{
	int fd = sysopen(path, O_WRITE, 0);
	ssize_t r;
	int err;

	if (fd < 0)
		return -1;
	r = syswrite(fd, s, strlen(s));
	err = get_errno();
	sysclose(fd);
	if (r < 0)
		errstate_current()->errno_ = err;
	return r;
}

static inline uint32_t kt_dev_other_core(void)
{
	return num_cores > 1 ? (core_id() + 1) % num_cores : core_id();
}

/* Starts fn(arg) in a kthread on another core; kthread_join() it. */
static inline struct kthread *kt_dev_start(void (*fn)(void *), void *arg)
{
	struct kthread *kt = kthread_create(fn, arg, "kt_dev");

	kthread_get(kt);
	kthread_run_on(kt, kt_dev_other_core());
	return kt;
}

static inline uint64_t kt_dev_ms_since(uint64_t t0)
{
	return (nsec_now() - t0) / NSEC_PER_MSEC;
}

/* Whether needle occurs in the string hay. */
static inline bool kt_dev_has(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (!strncmp(hay, needle, n))
			return true;
	return !n;
}
