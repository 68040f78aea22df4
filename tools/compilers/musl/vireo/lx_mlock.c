/* SPDX-License-Identifier: MIT */
/*
 * lx_mlock.c - memory locking and file syncing for the translation layer
 * (rows mlock, munlock, mlockall, munlockall, mlock2, fsync, fdatasync,
 * msync).
 *
 * Vireo never pages out: every page a process has stays resident until it
 * is unmapped.  So locking a range means making it resident now: mlock and
 * mlock2 populate it (SYS_populate_va faults in every page, reading file
 * pages), which also checks that it is all mapped (ENOMEM otherwise, as
 * Linux).  MLOCK_ONFAULT, munlock and munlockall check the same way but a
 * locked page would stay anyway.  mlockall(MCL_CURRENT) does not prefault
 * the whole address space (reservations such as thread stacks would be
 * backed for nothing): mapped pages are faulted at first touch and then
 * stay, which is what the lock promises.  Everybody is uid 0 with no
 * RLIMIT_MEMLOCK: no EPERM.
 *
 * fsync and fdatasync: Vireo's file systems keep their data in memory
 * (tmpfs, kfs, the initramfs) with no write-back cache in front of a disk,
 * so a write is as durable as it will get when it returns; the call
 * checks the fd (EBADF) and refuses what Linux refuses (EINVAL): pipes,
 * sockets, eventfds, timerfds and other files that are not regular files
 * or directories.
 */
#include <string.h>
#include <ros/kstat.h>
#include <ros/mmu64.h>
#include "lx.h"

#define LX_MCL_CURRENT   1
#define LX_MCL_FUTURE    2
#define LX_MCL_ONFAULT   4
#define LX_MLOCK_ONFAULT 1
#define LX_PG            4096ul
#define LX_MS_ASYNC      1
#define LX_MS_INVALIDATE 2
#define LX_MS_SYNC       4

/* Faults in every page of [addr, addr + len) (resident pages cost
 * nothing); 0, -EINVAL (the range wraps), -ENOMEM (not all mapped). */
static long lx_mlock_range(long addr, long len)
{
	uint64_t start = (uint64_t)addr & ~(LX_PG - 1), end;
	long r;

	if (__builtin_add_overflow((uint64_t)addr, (uint64_t)len, &end) || end > UINT64_MAX - LX_PG)
		return -LX_EINVAL;
	end = (end + LX_PG - 1) & ~(LX_PG - 1);
	if (end == start)
		return 0;
	r = ros_syscall_raw(SYS_populate_va, (long)start, (long)((end - start) / LX_PG), 0, 0, 0,
	                    0);
	if (r == -LX_EPERM)
		return 0;       /* procinfo/procdata: the kernel's, always resident */
	return r < 0 ? -LX_ENOMEM : 0;
}

long lx_mlock(const long *a)
{
	return lx_mlock_range(a[0], a[1]);
}

long lx_mlock2(const long *a)
{
	if (a[2] & ~(long)LX_MLOCK_ONFAULT)
		return -LX_EINVAL;
	return lx_mlock_range(a[0], a[1]);
}

long lx_munlock(const long *a)
{
	return lx_mlock_range(a[0], a[1]);
}

long lx_mlockall(const long *a)
{
	long flags = a[0];

	if (!flags || (flags & ~(long)(LX_MCL_CURRENT | LX_MCL_FUTURE | LX_MCL_ONFAULT)) ||
	    flags == LX_MCL_ONFAULT)
		return -LX_EINVAL;
	return 0;
}

long lx_munlockall(const long *a)
{
	(void)a;
	return 0;
}

/* msync: Linux's flag checks here, then Vireo's msync writes the shared
 * file mappings of the range back (also for MS_ASYNC: it is quick, the
 * files being in memory); a range not all mapped is ENOMEM.  MS_INVALIDATE
 * has nothing to drop: a shared mapping is the file's cached pages. */
long lx_msync(const long *a)
{
	long flags = a[2];

	if ((flags & ~(long)(LX_MS_ASYNC | LX_MS_INVALIDATE | LX_MS_SYNC)) ||
	    ((flags & LX_MS_ASYNC) && (flags & LX_MS_SYNC)) || (a[0] & (long)(LX_PG - 1)))
		return -LX_EINVAL;
	return ros_syscall_raw(SYS_msync, a[0], a[1], 0, 0, 0, 0);
}

/* 0 if fd may be synced, -EBADF or -EINVAL. */
static long lx_fsync_check(long fd)
{
	static const char *const nosync[] = { "#pipe", "#ip", "#eventfd", "#alarm", "#srv",
	                                      "#cons" };
	struct kstat st;
	char path[64];
	long r;

	if (lx_libfd_is(fd))
		return -LX_EINVAL;      /* an epoll set */
	if ((r = ros_syscall_raw(SYS_fstat, fd, (long)&st, 0, 0, 0, 0)) < 0)
		return r;
	if ((st.st_mode & S_IFMT) != S_IFREG && (st.st_mode & S_IFMT) != S_IFDIR)
		return -LX_EINVAL;
	r = ros_syscall_raw(SYS_fd2path, fd, (long)path, sizeof(path), 0, 0, 0);
	path[sizeof(path) - 1] = '\0';
	for (size_t i = 0; r >= 0 && i < sizeof(nosync) / sizeof(nosync[0]); i++)
		if (!strncmp(path, nosync[i], strlen(nosync[i])))
			return -LX_EINVAL;
	return 0;
}

long lx_fsync(const long *a)
{
	return lx_fsync_check(a[0]);
}
