/* SPDX-License-Identifier: MIT */
/*
 * ros/limits.h - bounds on kernel resources that a process makes the kernel
 * allocate, where user space can see them (its runtime sizes its pools by
 * them, the hostile tests check them).  The whole table, with the bounds
 * that stay kernel-internal: Documentation/processes.md, "Limits on kernel
 * resources".  Values are ABI in spirit: raising one is fine, lowering one
 * may break a program that relied on it.
 */
#pragma once

/*
 * Syscalls of one process that sleep in the kernel without holding its user
 * context (each holds a kthread and its stack).  At the bound a call that
 * sleeps keeps the submitter: it completes before the trap returns, as a
 * synchronous call does (Documentation/syscalls.md).
 */
#define SYSC_MAX_DETACHED       1024

/*
 * #alarm: a timer interrupt comes at most every ALARM_MIN_REARM_NS per
 * alarm, whatever its period; the count still says how many periods
 * passed.  One process may hold ALARM_MAX_PER_PROC alarms (EAGAIN past).
 */
#define ALARM_MIN_REARM_NS      100000ULL
#define ALARM_MAX_PER_PROC      64
