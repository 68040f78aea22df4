/* SPDX-License-Identifier: MIT */
/*
 * ksched.h - the kernel scheduler for many-core processes: hands physical
 * cores to processes as vcores (corealloc.h picks the core, vcoremap.h
 * numbers the vcores and publishes the maps in procinfo).
 *
 *	ksched_provision(pid, 3);       // core 3 is pid's first choice
 *	n = ksched_poke(p);             // grant up to procdata's amt_wanted
 *	ksched_yield_vcore(p, v);       // v's core goes back to the idle set
 *	ksched_proc_gone(p);            // at exit: everything back
 *
 * Cores [0, llcores) (boot option, default 1: core 0) are the
 * low-latency/management cores (SCPs, the monitor, kernel housekeeping);
 * the others can be handed whole to MCPs.  A one-core
 * machine has no low-latency core: its MCP's one vcore shares core 0.  Kconfig picks
 * the allocation policy (COREALLOC_PACKED: topology-aware packing;
 * otherwise first come, first served); both put provisioned cores first.
 *
 * Rules: all state sits under one irqsave leaf lock, "ksched" (locking.md);
 * these functions take it themselves, so call them with no spinlock held.
 * They read procdata (user memory) before taking it, through uaccess, and
 * trust nothing there.  Granting today only records the grant: starting a
 * vcore on its core comes with change_to_m (Documentation/mcp.md).
 */
#pragma once

#include <types.h>

struct proc;

/* Provisions pcore to process pid (0: to nobody): 0, or -EINVAL for a
 * core that does not exist or is a low-latency core. */
int ksched_provision(int pid, uint32_t pcore);
/* The pid core pcore is provisioned to (0: nobody), or -EINVAL. */
int ksched_provisioned_to(uint32_t pcore);
/* Grants p more vcores, until it has what procdata's amt_wanted asks
 * (clamped to the vcores it may have) or no core is idle.  Returns how
 * many it has, or -EFAULT if procdata cannot be read. */
int ksched_poke(struct proc *p);
/* The same with the wish given: how many vcores p has afterwards. */
uint32_t ksched_grant(struct proc *p, uint64_t want);
/* Vcore v of p gives its core back (a yield); its id is reused first. */
void ksched_yield_vcore(struct proc *p, uint32_t vcoreid);
/* Vcore 'from' of p hands its core to vcore 'to', which has none: the
 * maps say so, from's id goes on top of the free ids.  0, or -EBUSY if
 * 'to' has a core (or from has none, or p is gone). */
int ksched_change_vcore(struct proc *p, uint32_t from, uint32_t to);
/* p became an MCP that may have max vcores: procinfo says so. */
void ksched_set_mcp(struct proc *p, uint32_t max);
/* p is ending: every core it holds goes back, its provisions lapse. */
void ksched_proc_gone(struct proc *p);
/* Vcores a process may ever have: the cores that are not low-latency
 * ones (on a one-core machine, that one core: it has no low-latency core). */
uint32_t ksched_max_vcores(void);
/* Whether pcore is handed to a process now (SCP placement avoids it). */
bool ksched_core_held(uint32_t pcore);
/* A core came back: offers the idle cores to their claimants, then to
 * the MCPs short of cores.  Kthread context, no lock held. */
void ksched_offer_idle(void);
/* p lost a core it did not give up (a preemption): if it still wants more
 * than it has (want: procdata's amt_wanted now, capped by its last poke),
 * it is offered the next idle core. */
void ksched_note_short(struct proc *p, uint64_t want);
/* How many low-latency cores ([0, n)): llcores= on the command line. */
uint32_t ksched_nr_ll_cores(void);
/* Idle cores now (for tests and #proc). */
uint32_t ksched_nr_idle(void);
