/* SPDX-License-Identifier: MIT */
/*
 * lx_libfd.c - library FDs: descriptors that name objects of the C library
 * (epoll sets) rather than kernel chans.
 *
 * They live in the FD range the kernel keeps for them (9ns.md, "FD
 * tables": 3840..4095, NR_FILE_DESC_USER_BASE up), which it never hands out
 * unless asked, so they cannot collide with kernel FDs.  A slot is free
 * here and closed in the kernel (F_GETFD says EBADF: nobody dup2'ed a
 * kernel fd there).  close() of a library fd runs its close callback.
 * Rules, as documented in Documentation/readiness.md: dup, dup2/dup3 from
 * and F_DUPFD of a library fd are EINVAL (not supported yet); dup2 onto one
 * closes it first; a forked child keeps the table (its memory is a copy)
 * and each kind says what its objects mean there (lx_ep_after_fork); exec
 * drops them all.  Threads: alloc and close take lx_libfd_lock (a slot's
 * obj is written before its ops, which readers load with acquire); using
 * an fd while another thread closes it is the program's race.
 */
#include <ros/fcntl.h>
#include "lx.h"

#define LX_LIBFD_BASE 3840      /* NR_FILE_DESC_USER_BASE */
#define LX_LIBFD_MAX  4096      /* NR_FILE_DESC_MAX */

struct lx_libfd {
	const struct lx_libfd_ops *ops;         /* NULL: free */
	void *obj;
};

static struct lx_libfd lx_libfds[LX_LIBFD_MAX - LX_LIBFD_BASE];  /* [lx_libfd_lock] */
static struct lx_lock lx_libfd_lock;

/* The ops of s, read with acquire (obj was written before). */
static const struct lx_libfd_ops *lx_libfd_ops_of(const struct lx_libfd *s)
{
	return __atomic_load_n(&s->ops, __ATOMIC_ACQUIRE);
}

static struct lx_libfd *lx_libfd_slot(long fd)
{
	if (fd < LX_LIBFD_BASE || fd >= LX_LIBFD_MAX)
		return NULL;
	return &lx_libfds[fd - LX_LIBFD_BASE];
}

long lx_libfd_alloc(const struct lx_libfd_ops *ops, void *obj)
{
	if (!lx_lock(&lx_libfd_lock)) {
		lx_errstr(ops->name, "called from a signal handler while this thread makes one");
		return -LX_EINVAL;
	}
	for (long fd = LX_LIBFD_BASE; fd < LX_LIBFD_MAX; fd++) {
		struct lx_libfd *s = lx_libfd_slot(fd);

		if (s->ops || ros_syscall_raw(SYS_fcntl, fd, F_GETFD, 0, 0, 0, 0) != -LX_EBADF)
			continue;
		s->obj = obj;
		__atomic_store_n(&s->ops, ops, __ATOMIC_RELEASE);
		lx_unlock(&lx_libfd_lock);
		return fd;
	}
	lx_unlock(&lx_libfd_lock);
	lx_errstr(ops->name, "all 256 library fds (3840..4095) are in use");
	return -LX_EMFILE;
}

void *lx_libfd_get(long fd, const struct lx_libfd_ops *ops)
{
	struct lx_libfd *s = lx_libfd_slot(fd);

	return s && lx_libfd_ops_of(s) == ops ? s->obj : NULL;
}

bool lx_libfd_is(long fd)
{
	struct lx_libfd *s = lx_libfd_slot(fd);

	return s && lx_libfd_ops_of(s);
}

bool lx_libfd_close(long fd)
{
	struct lx_libfd *s = lx_libfd_slot(fd);
	const struct lx_libfd_ops *ops;
	void *obj;

	if (!s || !lx_libfd_ops_of(s) || !lx_lock(&lx_libfd_lock))
		return false;
	ops = s->ops;
	obj = s->obj;
	__atomic_store_n(&s->ops, NULL, __ATOMIC_RELEASE);
	s->obj = NULL;
	lx_unlock(&lx_libfd_lock);
	if (ops)
		ops->close(obj);
	return ops != NULL;
}

long lx_libfd_nodup(long fd)
{
	if (!lx_libfd_is(fd))
		return 0;
	lx_errstr("dup", "library fds (epoll) cannot be duplicated yet");
	return -LX_EINVAL;
}

void lx_libfd_each(const struct lx_libfd_ops *ops, void (*fn)(void *obj))
{
	for (long fd = LX_LIBFD_BASE; fd < LX_LIBFD_MAX; fd++)
		if (lx_libfd_ops_of(lx_libfd_slot(fd)) == ops)
			fn(lx_libfd_slot(fd)->obj);
}
