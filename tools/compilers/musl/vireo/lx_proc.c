/* SPDX-License-Identifier: MIT */
/*
 * lx_proc.c - memory, process, identity and signal calls of the
 * translation layer (see lx.h and the table in linux_syscalls.c).
 *
 * Emulated state, per process, unlocked (one thread): the umask (recorded
 * only) and the TLS base last set with ARCH_SET_FS.  Signals are
 * lx_signal.c; fork, exec and spawn lx_exec.c.  getpid and friends read procinfo
 * through parlib, which answers NULL while the kernel does not map it: then
 * they return -ENOSYS with an errstr saying so.
 */
#include <string.h>
#include <ros/fcntl.h>
#include <ros/mmap.h>
#include <parlib/parlib.h>
#include "lx.h"

#ifndef SYS_set_fsbase
#define SYS_set_fsbase 8        /* being added by the kernel (misc group) */
#endif

#define LX_MAP_GROWSDOWN 0x0100
#define LX_MAP_NORESERVE 0x4000
#define LX_MAP_STACK     0x20000
#define LX_ARCH_SET_FS   0x1002
#define LX_ARCH_GET_FS   0x1003
#define LX_UTS_LEN       65

static long lx_umask_bits = 022;
static unsigned long lx_fsbase;

long lx_mmap(const long *a)
{
	long flags = a[3] & ~(long)(LX_MAP_NORESERVE | LX_MAP_STACK);

	return ros_syscall_raw(SYS_mmap, a[0], a[1], (int)a[2], (int)flags, (int)a[4], a[5]);
}

long lx_brk(const long *a)
{
	(void)a;
	return -LX_ENOMEM;
}

long lx_exit(const long *a)
{
	for (int tries = 0; tries < 3; tries++)
		ros_syscall_raw(SYS_proc_destroy, 0, (int)a[0], 0, 0, 0, 0);
	for (;;)
		__builtin_trap();
}

static const struct procinfo *lx_procinfo(const char *call)
{
	const struct procinfo *pi = parlib_procinfo();

	if (!pi)
		lx_errstr(call, "procinfo is not mapped by this kernel");
	return pi;
}

long lx_getpid(const long *a)
{
	const struct procinfo *pi = lx_procinfo("getpid");

	(void)a;
	return pi ? (long)pi->pid : -LX_ENOSYS;
}

long lx_getppid(const long *a)
{
	const struct procinfo *pi = lx_procinfo("getppid");

	(void)a;
	return pi ? (long)pi->ppid : -LX_ENOSYS;
}

long lx_getid0(const long *a)
{
	(void)a;
	return 0;
}

long lx_arch_prctl(const long *a)
{
	long r;

	switch (a[0]) {
	case LX_ARCH_SET_FS:
		r = ros_syscall_raw(SYS_set_fsbase, a[1], 0, 0, 0, 0, 0);
		if (r == 0)
			lx_fsbase = (unsigned long)a[1];
		return r;
	case LX_ARCH_GET_FS:
		if (!a[1])
			return -LX_EFAULT;
		memcpy((void *)a[1], &lx_fsbase, sizeof(lx_fsbase));
		return 0;
	default:
		return -LX_EINVAL;
	}
}

long lx_sched_yield(const long *a)
{
	(void)a;
	ros_yield(1);                   /* being nice: proc_yield(0) would sleep */
	return 0;
}

long lx_uname(const long *a)
{
	static const char *const fields[6] = { "Vireo", "vireo", "0.1", "0.1", "x86_64", "" };
	char *u = (char *)a[0];

	if (!u)
		return -LX_EFAULT;
	memset(u, 0, 6 * LX_UTS_LEN);
	for (int i = 0; i < 6; i++)
		strcpy(u + i * LX_UTS_LEN, fields[i]);
	return 0;
}

long lx_umask(const long *a)
{
	long old = lx_umask_bits;

	lx_umask_bits = a[0] & 0777;
	return old;
}

long lx_getrandom(const long *a)
{
	long fd, r;

	if (a[2] & ~7L)                 /* GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE */
		return -LX_EINVAL;
	fd = ros_syscall_raw(SYS_openat, LX_AT_FDCWD, (long)"#random/urandom", 15,
	                     O_READ | O_CLOEXEC, 0, 0);
	if (fd < 0)
		return fd;
	r = ros_syscall_raw(SYS_read, fd, a[0], a[1], 0, 0, 0);
	ros_syscall_raw(SYS_close, fd, 0, 0, 0, 0, 0);
	return r;
}
