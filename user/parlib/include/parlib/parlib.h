/* SPDX-License-Identifier: MIT */
/*
 * parlib/parlib.h - parlib's small helpers: the shared pages and debugging.
 *
 *	const struct procinfo *pi = parlib_procinfo();
 *	if (pi) printf("pid %u\n", pi->pid);
 *	I_AM_HERE;     prints "PID p, vcore v: in fn() at file:line" on stderr
 *
 * parlib_procinfo() / parlib_globalinfo() return the read-only pages the
 * kernel maps at UINFO / UGINFO (kern/arch/x86/ros/mmu64.h), or NULL while
 * the kernel does not map them yet: the first call probes the address with
 * a syscall that copies from it (SYS_access on one byte: EFAULT means
 * unmapped) and caches the answer.  The probe is a stop-gap: once every
 * kernel maps both pages, they become plain constants.
 */
#pragma once

#include <stdio.h>
#include <ros/procinfo.h>
#include <ros/globalinfo.h>
#include <parlib/vcore.h>

const struct procinfo *parlib_procinfo(void);
const struct proc_global_info *parlib_globalinfo(void);

/* The pid from procinfo, or -1 when procinfo is not mapped. */
int parlib_getpid(void);

#define I_AM_HERE                                                          \
	fprintf(stderr, "PID %d, vcore %u: in %s() at %s:%d\n",            \
	        parlib_getpid(), vcore_id(), __func__, __FILE__, __LINE__)
