/* SPDX-License-Identifier: MIT */
/*
 * syscall.h - the kernel side of the syscall ABI (ros/syscall.h is the
 * shared half; Documentation/syscalls.md the contract).
 *
 * syscall/dispatch.c is the dispatcher: for each struct syscall in the user's array
 * it copies the record's head in (SYSC_HEAD_LEN), validates the number,
 * calls the handler from the generated table (kern/include/ros/syscall.list),
 * and copies err and retval back (the errstr too when the call failed)
 * before setting SC_DONE.  A handler:
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
 * errstr in the kthread).  They never run waserror() themselves: 9ns work
 * belongs in a sysfile.c call, the error boundary of that layer.  They run
 * on the process's kthread with interrupts on and may sleep.
 */
#pragma once

#include <arch/trap.h>
#include <generated/syscall_table.h>
#include <list.h>
#include <ros/syscall.h>
#include <types.h>

struct proc;

/* One batch in flight, on the stack of the kthread that runs it.  Fields
 * are the running kthread's; aborters read usc and fd under kt->sleep_lock
 * while kt->sysc points here. */
struct syscall_ctx {
	struct syscall sc;              /* the kernel's copy of the record */
	uintptr_t usc;                  /* its user address */
	struct proc *p;                 /* the caller */
	struct hw_trapframe *tf;        /* the caller's user context; NULL once
	                                 * the batch went asynchronous */
	bool failed;                    /* sysc_fail() was called */
	bool detached;                  /* the user context went on without us */
	bool armed;                     /* sysc_arm_detach ran for this batch */
	bool no_complete;               /* the record is gone (a good exec) */
	int fd;                         /* the FD the call works on, or -1 */
	struct kthread *kt;             /* the kthread running the batch; while
	                                 * a handler runs, kt->sysc points here */
};

/* The head of a record that the kernel copies in: num to arg5, not the
 * errstr (a handler reads nothing else). */
#define SYSC_HEAD_LEN __builtin_offsetof(struct syscall, errstr)

int64_t sysc_fail(struct syscall_ctx *ctx, int err, const char *fmt, ...) __printf(3, 4);
/* The failure a sysfile.c call recorded in this kthread (get_errno(),
 * get_errstr()), as the user's err + errstr: the message gets "call: " in
 * front unless it already starts so; an errno of 0 becomes EIO. */
int64_t sysc_fail_from_kthread(struct syscall_ctx *ctx, const char *call);

/*
 * Copies a (pointer, length) path from user space into a kmalloc'd,
 * NUL-terminated string; NULL after sysc_fail() (EFAULT, ENAMETOOLONG for
 * len > SYSC_MAX_PATH_LEN, EINVAL for len 0 or a NUL inside).  kfree() it.
 */
char *sysc_copy_path(struct syscall_ctx *ctx, uint64_t uptr, uint64_t len, const char *what);

/*
 * The asynchronous half (syscall/async.c).  A batch that sleeps on the
 * kthread that owns the user context hands that context to a spare kthread
 * (made ahead by sysc_arm_detach, called once per batch) just before it
 * sleeps; the user context returns to user space with SC_DONE clear and
 * this kthread finishes the batch, completes each record, and exits.  Call
 * contexts (ctx calls) run disarmed: they sleep like ordinary kernel code.
 */
void sysc_arm_detach(struct syscall_ctx *ctx);          /* may sleep; sets armed */
void sysc_disarm_detach(struct syscall_ctx *ctx);
void sysc_detached_exit(struct syscall_ctx *ctx) __noreturn;
/* Recycling finished detached kthreads as spares (async.c): the caller, a
 * detached kthread done with its batch, parks for reuse if p has no parked
 * one (returns if not); take gives the parked one, to start at fn(arg), or
 * NULL; close (before a drain: a parked one exits) and open (after it). */
void sysc_recycle_self(struct proc *p);
struct kthread *sysc_take_recycled(struct proc *p, void (*fn)(void *), void *arg);
void sysc_recycle_close(struct proc *p);
void sysc_recycle_open(struct proc *p);
/* Tracking the running handler, for abort and kill: begin fails (false,
 * after sysc_fail) if the process is being killed.  No lock and one fence
 * for a call that no abort touched.  sysc_track_forget is for a kthread
 * that leaves a handler without returning (proc_exit from a syscall). */
bool sysc_track_begin(struct syscall_ctx *ctx);
void sysc_track_end(struct syscall_ctx *ctx);
void sysc_track_forget(void);
/* Sets SC_DONE under the SC_K_LOCK protocol and sends EV_SYSCALL if the
 * user registered an ev_q; false if the record is not writable. */
bool sysc_complete(struct syscall_ctx *ctx);
/* Aborts the sleeping handlers of p: the one on record usc (0: all; fd >=
 * 0: those working on fd).  Returns how many. */
int sysc_abort(struct proc *p, uintptr_t usc, int fd);

/* sys_file.c: frees the read/write bounce buffers kept for reuse (leak
 * snapshots do, as they reap the slab caches). */
void sysf_bounce_drain(void);
