/* SPDX-License-Identifier: MIT */
/*
 * kmsg.h - kernel messages: "run fn(a0, a1, a2) on core N".
 *
 *	send_kernel_message(core, fn, a0, a1, a2, KMSG_IMMEDIATE);
 *	send_kernel_message(core, fn, a0, a1, a2, KMSG_ROUTINE);
 *
 * Immediate messages run in IRQ context on the target (VEC_KMSG IPI), with
 * IRQs off; their handlers must return and must not block or enable IRQs.
 * Routine messages run only at safe points of the target core: its idle
 * loop (sched/idle.c) and, later, the return-to-user path; their handlers
 * run in kthread context with IRQs on and may block or never return
 * (starting a kthread, popping to user space).
 *
 * Guarantees (Documentation/kernel-messages.md): every accepted message is
 * delivered exactly once; messages of one type to one core run in the order
 * they were queued (so also per sender).  Message structs come from a slab
 * cache (MEM_ATOMIC), then from a per-core emergency reserve; if both are
 * empty the kernel panics rather than drop one.  Sending to yourself works:
 * an immediate one arrives by self-IPI as soon as IRQs are on, a routine one
 * at this core's next safe point.  send_kernel_message() works from any
 * context, IRQ handlers included.
 */
#pragma once

#include <types.h>

#define KMSG_IMMEDIATE 1
#define KMSG_ROUTINE   2

typedef void (*kmsg_fn_t)(uint64_t a0, uint64_t a1, uint64_t a2);

/* 0, or -EINVAL for a bad core or type (the message is not sent). */
int send_kernel_message(uint32_t core, kmsg_fn_t fn, uint64_t a0, uint64_t a1,
                        uint64_t a2, int type);

/* Safe points: run queued messages of this core. */
void kmsg_run_immediate(void);      /* IRQs off */
void kmsg_run_routine(void);        /* kthread context, IRQs on */
bool kmsg_routine_pending(void);

/* Wakes a (possibly halted) core so it looks at its queues again. */
void kmsg_kick_core(uint32_t core);

void kmsg_init(void);               /* boot core, kernel_core_init */
void kmsg_print_stats(void);        /* monitor 'kmsg' */
/* Per-core counters, for tests and the monitor. */
void kmsg_get_counts(uint32_t core, uint64_t sent[2], uint64_t received[2]);
