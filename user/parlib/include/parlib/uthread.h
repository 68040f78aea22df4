/* SPDX-License-Identifier: MIT */
/*
 * parlib/uthread.h - user threads: a minimal layer for now, thread0 only.
 *
 * A uthread is a user context the second-level scheduler (2LS) can save
 * and resume on any vcore: its registers (struct hw_user_ctx, ros/
 * vcore_ctx.h), its FPU/SSE state (an FXSAVE image) and its TLS base.  The
 * only uthread today is thread0, the program's main thread.  On an SCP it
 * just runs.  On an MCP (vcore_change_to_m) it runs on whichever vcore
 * claims it: a vcore entering vcore context takes thread0's context from
 * its VCPD if thread0 was running there (a notification, change_to_m), and
 * the default scheduler (vcore.c) pops it on the first vcore that finds it
 * runnable.  uthread_yield() gives the vcore back to vcore context, which
 * runs thread0 again.  The full 2LS (Akaros's struct schedule_ops, many uthreads,
 * blocking on syscalls) is the next phase (Documentation/mcp.md).
 *
 * Field tags (the legend in Documentation/style.md): [owner] written by
 * the vcore that owns the uthread (claimed it by moving state from
 * UTHREAD_RUNNABLE to UTHREAD_RUNNING), [a] atomic.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <ros/vcore_ctx.h>

#define UTHREAD_RUNNING   1
#define UTHREAD_BLOCKED   2
#define UTHREAD_DYING     3
#define UTHREAD_RUNNABLE  4

struct syscall;

struct uthread {
	struct hw_user_ctx ctx;         /* [owner] saved while not running */
	uint8_t fx[FXSAVE_SIZE] __attribute__((aligned(16)));  /* [owner] FPU state */
	bool fpu_saved;                 /* [owner] fx holds it */
	int state;                      /* [a] UTHREAD_* */
	uint32_t vcoreid;               /* [owner] the vcore it runs on */
	struct syscall *sysc;           /* [owner] the call it blocks on, or NULL */
	void *tls_base;                 /* [owner] its thread pointer */
	const char *name;               /* [owner] for debugging */
};

/* The running uthread: &thread0 (the only one). */
struct uthread *current_uthread(void);

/* In uthread context on an MCP: gives the vcore to vcore context (the 2LS),
 * which resumes this uthread later; returns then.  On an SCP it returns at
 * once. */
void uthread_yield(void);

/* vcore.c's side: claims u (RUNNABLE -> RUNNING), true if this vcore won. */
bool uthread_claim(struct uthread *u);
/* Runs u on vcore v (vcore context; u claimed): never returns. */
void uthread_run(struct uthread *u, uint32_t vcoreid) __attribute__((noreturn));
