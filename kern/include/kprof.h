/* SPDX-License-Identifier: MIT */
/*
 * kprof.h - the sampling profiler behind #kprof (Documentation/profiling.md).
 *
 *	kprof_start(1000 * NSEC_PER_USEC);   every core, one sample per ms
 *	...the workload...
 *	kprof_stop();
 *	n = kprof_samples(&samples);         read them (kprof_stop first, or
 *	                                     only what was complete when read)
 *
 * While running, every core has an alarm that fires once per period; the
 * timer interrupt records what it interrupted: the PC, user or kernel, the
 * process, and for kernel code the frame-pointer call chain.  Samples go to
 * a fixed per-core buffer allocated by kprof_start(); a full buffer counts
 * drops instead of growing.  One profile at a time: start, stop and clear
 * serialise on a semaphore, and they may sleep (process context only).
 */
#pragma once

#include <types.h>

#define KPROF_DEPTH            6       /* callers kept per kernel sample */
#define KPROF_SAMPLES_PER_CORE 16384
#define KPROF_MIN_PERIOD_NS    (100 * 1000UL)   /* 100 us */

struct hw_trapframe;

struct kprof_sample {
	uint64_t pc;
	uint64_t chain[KPROF_DEPTH];    /* callers of pc, kernel samples only */
	int32_t pid;                    /* 0: no process (a kernel kthread) */
	uint16_t core;
	uint8_t user;                   /* 1: pc is a user address */
	uint8_t depth;                  /* entries of chain[] filled */
};

struct kprof_status {
	bool running;
	uint64_t period_ns;
	uint64_t samples, dropped;
};

/* Starts sampling every core; -EBUSY if running, -EINVAL for a period
 * below KPROF_MIN_PERIOD_NS, -ENOMEM. */
int kprof_start(uint64_t period_ns);
/* Stops sampling (the samples stay until the next start or clear). */
void kprof_stop(void);
/* Frees the samples; -EBUSY while running. */
int kprof_clear(void);
void kprof_get_status(struct kprof_status *st);

/* A copy of every sample taken so far, in a kmalloc'd array the caller
 * kfree()s; returns the count (0 and NULL when there are none), or -ENOMEM. */
long kprof_copy_samples(struct kprof_sample **out);

/* From the timer interrupt, with the interrupted context. */
void kprof_tick(const struct hw_trapframe *tf);

struct slice;

/* The text of #kprof/profile and #kprof/kpdata (kprof_report.c); on
 * failure s->err is set, as with any slice. */
void kprof_format_report(struct slice *s);
void kprof_format_raw(struct slice *s);
