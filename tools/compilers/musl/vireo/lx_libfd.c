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
 * drops them all.  Single-threaded, as the rest of the layer.
 */
#include <ros/fcntl.h>
#include "lx.h"

#define LX_LIBFD_BASE 3840      /* NR_FILE_DESC_USER_BASE */
#define LX_LIBFD_MAX  4096      /* NR_FILE_DESC_MAX */

struct lx_libfd {
	const struct lx_libfd_ops *ops;         /* NULL: free */
	void *obj;
};

static struct lx_libfd lx_libfds[LX_LIBFD_MAX - LX_LIBFD_BASE];

static struct lx_libfd *lx_libfd_slot(long fd)
{
	if (fd < LX_LIBFD_BASE || fd >= LX_LIBFD_MAX)
		return NULL;
	return &lx_libfds[fd - LX_LIBFD_BASE];
}

long lx_libfd_alloc(const struct lx_libfd_ops *ops, void *obj)
{
	for (long fd = LX_LIBFD_BASE; fd < LX_LIBFD_MAX; fd++) {
		struct lx_libfd *s = lx_libfd_slot(fd);

		if (s->ops || ros_syscall_raw(SYS_fcntl, fd, F_GETFD, 0, 0, 0, 0) != -LX_EBADF)
			continue;
		s->ops = ops;
		s->obj = obj;
		return fd;
	}
	lx_errstr(ops->name, "all 256 library fds (3840..4095) are in use");
	return -LX_EMFILE;
}

void *lx_libfd_get(long fd, const struct lx_libfd_ops *ops)
{
	struct lx_libfd *s = lx_libfd_slot(fd);

	return s && s->ops == ops ? s->obj : NULL;
}

bool lx_libfd_is(long fd)
{
	struct lx_libfd *s = lx_libfd_slot(fd);

	return s && s->ops;
}

bool lx_libfd_close(long fd)
{
	struct lx_libfd *s = lx_libfd_slot(fd);
	const struct lx_libfd_ops *ops;

	if (!s || !s->ops)
		return false;
	ops = s->ops;
	s->ops = NULL;
	ops->close(s->obj);
	s->obj = NULL;
	return true;
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
		if (lx_libfd_slot(fd)->ops == ops)
			fn(lx_libfd_slot(fd)->obj);
}
