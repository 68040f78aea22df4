/* SPDX-License-Identifier: MIT */
/*
 * parlib/uthread.h - user threads and the second-level scheduler (2LS)
 * interface (Documentation/parlib.md).
 *
 * A uthread is a user context the 2LS can save and resume on any vcore:
 * its registers (struct hw_user_ctx, ros/vcore_ctx.h), its FPU/SSE state
 * (an FXSAVE image) and its TLS base (ctx.fs_base).  thread0 is the
 * program's main thread; the C library makes the others (its __clone,
 * Documentation/pthreads.md) with uthread_init() + uthread_runnable().
 *
 * The 2LS is a struct schedule_ops (Akaros's shape), installed with
 * uthread_lib_init(); parlib's default is the FIFO scheduler of
 * uth_fifo.c.  Without one (the freestanding test programs) thread0 is the
 * only uthread and vcore context simply runs it again.
 *
 *	uthread_yield(true, NULL, NULL);        // let others run, come back
 *	uthread_yield(true, block_cb, obj);     // block: block_cb(u, obj) runs
 *	                                        // in vcore context, after u
 *	                                        // is saved; it queues u on obj
 *	uthread_runnable(u);                    // obj's waker: u runs again
 *
 * The yield callback is the generic "block on a sync object": the callback
 * runs on the vcore's stack once the uthread is fully saved, so a waker
 * that finds it on obj's list may run it at once on another vcore.
 *
 * Field tags (the legend in Documentation/style.md): [owner] written by
 * the vcore that runs the uthread, or by whoever holds it blocked or
 * queued; [a] atomic; [I] set before it first runs.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <ros/vcore_ctx.h>

#define UTHREAD_RUNNING   1
#define UTHREAD_BLOCKED   2
#define UTHREAD_DYING     3
#define UTHREAD_RUNNABLE  4

/* uthread.flags */
#define UTHREAD_DONT_MIGRATE 0x1        /* disabling notifications: stay put */

struct syscall;
struct uthread;

typedef void (*uthread_yield_fn)(struct uthread *u, void *arg);

struct uthread {
	struct hw_user_ctx ctx;         /* [owner] saved while not running */
	uint8_t fx[FXSAVE_SIZE] __attribute__((aligned(16)));  /* [owner] FPU state */
	bool fpu_saved;                 /* [owner] fx holds it */
	bool ctx_light;                 /* [owner] ctx holds only what a call keeps:
	                                 * rbx, rbp, r12-r15, rip, rsp (and fs_base),
	                                 * with mxcsr and fcw; popped by
	                                 * uthread_pop_light */
	uint32_t mxcsr;                 /* [owner] MXCSR of a light ctx */
	uint16_t fcw;                   /* [owner] x87 control word (mxcsr + 4) */
	int state;                      /* [a] UTHREAD_* */
	uint32_t flags;                 /* [owner] UTHREAD_DONT_MIGRATE */
	uint32_t vcoreid;               /* [owner] the vcore it runs on */
	uint32_t notif_depth;           /* [owner] uth_disable_notifs nesting */
	struct syscall *sysc;           /* [owner] the call it blocks on, or NULL */
	void *tls_base;                 /* [I] its thread pointer (FS base) */
	const char *name;               /* [I] for debugging */
	uthread_yield_fn yield_fn;      /* [owner] run in vcore context at a yield */
	void *yield_arg;
	struct uthread *next;           /* [owner] the 2LS's and sync objects' lists */
	void *sched_data;               /* [owner] the 2LS's */
	int tid;                        /* [I] the C library's thread id */
	int *clear_tid;                 /* [owner] zeroed and woken at exit (futex) */
	void *unmap_base;               /* [owner] unmapped after exit, or NULL */
	uint64_t unmap_len;
	uint64_t cpu_tsc;               /* [owner] TSC cycles run on vcores, before run_tsc */
	uint64_t run_tsc;               /* [owner] TSC when it last started on a vcore */
};

/*
 * The 2LS.  Required: sched_entry, thread_runnable, thread_paused,
 * thread_blockon_sysc, thread_exited.  Optional (NULL): thread_has_blocked,
 * thread_refl_fault (NULL: the process is killed, as the kernel does today),
 * preempt_pending, thread_next.  Every op but thread_runnable runs in vcore context;
 * thread_runnable may run in either (with notifications off).
 */
struct schedule_ops {
	/* Vcore context's scheduler: runs a uthread or yields; never returns. */
	void (*sched_entry)(uint32_t vcoreid) __attribute__((noreturn));
	/* u may run now (new, woken, or yielded). */
	void (*thread_runnable)(struct uthread *u);
	/* u was interrupted (a notification) and is saved: it may run again. */
	void (*thread_paused)(struct uthread *u);
	/* u's syscall sc did not complete at once: park u until it does. */
	void (*thread_blockon_sysc)(struct uthread *u, struct syscall *sc);
	/* u ended (uthread_exit); its memory is the caller's again after. */
	void (*thread_exited)(struct uthread *u);
	/* u blocked on a sync object (bookkeeping only). */
	void (*thread_has_blocked)(struct uthread *u);
	/* u faulted (not reflected by the kernel yet). */
	void (*thread_refl_fault)(struct uthread *u, uint64_t addr, uint32_t flags);
	/* A preemption of vcore v is coming (EV_PREEMPT_PENDING). */
	void (*preempt_pending)(uint32_t vcoreid);
	/* Optional, the direct switch: vcore v just took its uthread off at a
	 * yield and has no event to handle; the uthread v runs next, claimed
	 * (RUNNING), or NULL (v goes through sched_entry). */
	struct uthread *(*thread_next)(uint32_t vcoreid);
};

/* The installed 2LS, or NULL (thread0 only). */
extern const struct schedule_ops *sched_ops;

/* Installs ops and makes the process an MCP (thread0 continues as a
 * uthread); if no core is free (change_to_m's EBUSY) the 2LS runs inside
 * the SCP instead (uthread_on_scp()).  0, or -errno (the 2LS is not
 * installed then).  Called once, from thread0, before any other uthread. */
int uthread_lib_init(const struct schedule_ops *ops);
/* True when the 2LS runs inside an SCP: one vcore, no notifications. */
bool uthread_on_scp(void);
/* In the child of a fork from a uthread (an MCP's), first thing: parlib's
 * state of the parent's other uthreads and vcores dropped, no 2LS, the
 * caller running as thread0 of an SCP (user/parlib/fork.c).  libparlib.a
 * only. */
void parlib_fork_child(void);
/* parlib_fork_child's part: no 2LS, no self hook, and
 * thread0 a fresh RUNNING uthread that stands for the caller; the next
 * uthread_lib_init starts over. */
void uthread_after_fork(void);

/* The running uthread.  With a 2LS, in vcore context: the one this vcore
 * runs or interrupted, or NULL.  Without one: thread0, the only uthread,
 * from either context. */
struct uthread *current_uthread(void);

/* Prepares u to run entry(arg) on the stack ending at stack_top with the
 * thread pointer tls (FS base), a clean FPU state; state BLOCKED until
 * uthread_runnable(u). */
void uthread_init(struct uthread *u, void (*entry)(void *), void *arg, void *stack_top,
                  void *tls);
/* u's CPU time in TSC cycles: the time it ran on vcores, between the pop
 * that started it and the yield or kernel interruption that stopped it
 * (time in vcore context is nobody's; a syscall that keeps the vcore counts
 * for its uthread).  Read from any context; a running u's figure includes
 * its current run. */
uint64_t uthread_cpu_tsc(struct uthread *u);
/* Hands u to the 2LS (thread_runnable), from uthread or vcore context. */
void uthread_runnable(struct uthread *u);

/*
 * Leaves the vcore: saves the caller (when save_state; otherwise it never
 * resumes) and runs fn(u, arg) in vcore context; with fn NULL, u is
 * runnable again at once (a plain yield).  Returns when u runs again.  On
 * an SCP, or in vcore context, a plain yield returns at once.
 */
void uthread_yield(bool save_state, uthread_yield_fn fn, void *arg);
/* Ends the calling uthread (thread_exited runs in vcore context). */
void uthread_exit(void) __attribute__((noreturn));

/* Notifications off/on for the calling uthread's vcore (nested: the
 * outermost pair counts): code between them stays on this vcore and is not interrupted by vcore
 * context (it may still be preempted by the kernel).  From vcore context
 * they do nothing. */
void uth_disable_notifs(void);
void uth_enable_notifs(void);
/* uth_disable_notifs, and the vcore the caller now stays on (0 on an
 * SCP): what the PDR locks need, in one pass. */
uint32_t uth_disable_notifs_vcoreid(void);

/* vcore.c's side: claims u (RUNNABLE -> RUNNING), true if this vcore won. */
bool uthread_claim(struct uthread *u);
/* Runs u on vcore v (vcore context; u claimed): never returns. */
void uthread_run(struct uthread *u, uint32_t vcoreid) __attribute__((noreturn));
/* The uthread of the calling uthread context, set by a 2LS with per-thread
 * TLS (NULL: thread0 is the only one). */
extern struct uthread *(*uthread_self_hook)(void);
/* Set by the C library: asked in vcore context once u is parked, listed as
 * a futex waiter (futex.c) or its system call handed to the 2LS
 * (thread_blockon_sysc), whether a signal already pending for u should end
 * the wait: then the futex wait ends with -EINTR (futex_interrupt), the
 * call is aborted (SYS_abort_sysc: it completes with EINTR).  A signal
 * queued later finds u parked.  NULL: never. */
extern bool (*uthread_wait_hook)(struct uthread *u);
/* u's uthread_wait_hook verdict, after a full fence that orders the caller's
 * listing of u (a store) before the hook's look at the signal queue. */
bool uthread_wait_interrupted(struct uthread *u);
