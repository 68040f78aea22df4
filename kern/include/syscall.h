/* SPDX-License-Identifier: MIT */
/*
 * syscall.h - the kernel side of the syscall ABI (ros/syscall.h is the
 * shared half; Documentation/syscalls.md the contract).
 *
 * syscall.c is the dispatcher: for each struct syscall in the user's array
 * it copies the record in, validates the number, calls the handler from the
 * generated table (kern/include/ros/syscall.list), and copies retval, err
 * and errstr back before setting SC_DONE.  A handler:
 *
 *	int64_t sys_close(struct syscall_ctx *ctx)
 *	{
 *		int fd = (int)ctx->sc.arg0;
 *		...copy in and validate, act, copy out...
 *		return sysc_fail(ctx, EBADF, "close: fd %d is not open", fd);  // -1
 *	}
 *
 * Handlers follow copy-in/validate -> act -> copy-out, trust no argument,
 * and fail only through sysc_fail() (a specific message every time) or
 * sysc_fail_from_kthread() (after a sysfile.c call that left errno and
 * errstr in the kthread).  They run on the process's kthread with
 * interrupts on and may sleep.
 */
#pragma once

#include <arch/trap.h>
#include <generated/syscall_table.h>
#include <ros/syscall.h>
#include <types.h>

struct proc;

struct syscall_ctx {
	struct syscall sc;              /* the kernel's copy of the record */
	uintptr_t usc;                  /* its user address */
	struct proc *p;                 /* the caller */
	struct hw_trapframe *tf;        /* the caller's user context */
	bool failed;                    /* sysc_fail() was called */
};

int64_t sysc_fail(struct syscall_ctx *ctx, int err, const char *fmt, ...) __printf(3, 4);
/* The failure a sysfile.c call (or error()) recorded in this kthread. */
int64_t sysc_fail_from_kthread(struct syscall_ctx *ctx);

/*
 * Copies a (pointer, length) path from user space into a kmalloc'd,
 * NUL-terminated string; NULL after sysc_fail() (EFAULT, ENAMETOOLONG for
 * len > SYSC_MAX_PATH_LEN, EINVAL for len 0 or a NUL inside).  kfree() it.
 */
char *sysc_copy_path(struct syscall_ctx *ctx, uint64_t uptr, uint64_t len, const char *what);
