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
 * #alarm: a process's periodic alarms interrupt at most every
 * ALARM_MIN_REARM_NS on average, all of them together (each re-arms no
 * sooner than ALARM_MIN_REARM_NS times the number its owner holds),
 * whatever their periods; the count still says how many periods passed.  One process may hold ALARM_MAX_PER_PROC alarms (EAGAIN past).
 */
#define ALARM_MIN_REARM_NS      100000ULL
#define ALARM_MAX_PER_PROC      64

/*
 * Name spaces: a union (the members mounted on one file) holds at most
 * NS_MAX_UNION members, and one name space at most NS_MAX_MOUNTS mounts.
 * A bind or mount past either fails with ENOMEM and an errstr naming it.
 * (Binding a union mounts each of its members, so a union bound onto
 * itself doubles with every bind.)
 */
#define NS_MAX_UNION            64
#define NS_MAX_MOUNTS           1024

/* FD taps: FDTAP_MAX_PER_PROC taps per process, FDTAP_MAX_BATCH requests per
 * tap_fds call (ros/fdtap.h). */
