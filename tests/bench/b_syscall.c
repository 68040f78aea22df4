/* SPDX-License-Identifier: MIT */
/*
 * b_syscall.c - B1, the kernel entry/exit floor.
 *
 *	null_syscall    Vireo: the native SYS_null, one struct syscall per
 *	                trap (parlib's ros_syscall_raw).  Linux: the raw
 *	                getppid system call through syscall(2).
 *	getppid_libc    getppid() through the C library on both: on Vireo
 *	                that is musl's call translated into the native ABI.
 */
#include <unistd.h>

#include "bench.h"

#ifdef __vireo__
#include <parlib/syscall.h>

static void null_round(void *arg, long iters)
{
	for (long i = 0; i < iters; i++)
		ros_syscall_raw(SYS_null, 0, 0, 0, 0, 0, 0);
}
#else
#include <sys/syscall.h>

static void null_round(void *arg, long iters)
{
	for (long i = 0; i < iters; i++)
		syscall(SYS_getppid);
}
#endif

static void getppid_round(void *arg, long iters)
{
	for (long i = 0; i < iters; i++)
		getppid();
}

int main(void)
{
	bench_report("null_syscall", "ns", null_round, NULL, 20000);
	bench_report("getppid_libc", "ns", getppid_round, NULL, 20000);
	return 0;
}
