/* SPDX-License-Identifier: MIT */
/*
 * corealloc.h - the core allocator: which physical cores are idle, which
 * are handed whole to a many-core process (MCP), and which are provisioned
 * (reserved) for one.  Pure bookkeeping: no locks, no processes, no IPIs.
 *
 *	struct corealloc ca;
 *	corealloc_init(&ca, num_cores, 1, &corealloc_fcfs);  // core 0: LL
 *	corealloc_provision(&ca, pid, 3);                     // 3 is pid's first choice
 *	int pc = corealloc_take(&ca, pid);                    // -1: none idle
 *	corealloc_give_back(&ca, pc);
 *
 * Cores [0, nr_ll) are low-latency/management cores (SCPs, kernel
 * housekeeping): never handed out nor provisioned.  The others start idle.
 * Owners and provisionees are pids (> 0); 0 means nobody.  A policy
 * (struct corealloc_policy) picks which idle core an owner gets next; two
 * exist, corealloc_fcfs.c (provisioned first, then lowest id) and
 * corealloc_packed.c (provisioned first, then nearest in the topology to
 * the cores the owner holds).
 *
 * Rules: the caller serializes every call on one struct corealloc (the
 * ksched holds its lock, kern/src/sched/ksched.c); policies only read it.
 */
#pragma once

#include <types.h>
#include <ros/procinfo.h>

#define COREALLOC_MAX ROS_MAX_PCORES

struct corealloc_core {
	int owner;                      /* pid the core is handed to; 0: idle */
	int prov;                       /* pid it is provisioned to; 0: nobody */
	int claim;                      /* pid taking it back from its holder; 0: none.
	                                 * Idle and claimed: only the claimant gets it */
	bool ll;                        /* low-latency core: never handed out */
	uint32_t pkg, core, node;       /* topology, for packing policies */
};

struct corealloc;

struct corealloc_policy {
	const char *name;
	/* The idle core 'owner' should get next, or -1 if no core is idle. */
	int (*find_best_core)(const struct corealloc *ca, int owner);
};

struct corealloc {
	uint32_t nr_cores;
	uint32_t nr_idle;
	const struct corealloc_policy *policy;
	struct corealloc_core core[COREALLOC_MAX];
};

extern const struct corealloc_policy corealloc_fcfs;
extern const struct corealloc_policy corealloc_packed;

/* Every core but [0, nr_ll) idle, nothing provisioned, all on package 0. */
void corealloc_init(struct corealloc *ca, uint32_t nr_cores, uint32_t nr_ll,
                    const struct corealloc_policy *policy);
void corealloc_set_topology(struct corealloc *ca, uint32_t pcore, uint32_t pkg,
                            uint32_t core, uint32_t node);
/* Hands the policy's best idle core to owner: its id, or -1. */
int corealloc_take(struct corealloc *ca, int owner);
/* pcore (held by someone) becomes idle again. */
void corealloc_give_back(struct corealloc *ca, uint32_t pcore);
/* Provisions pcore to pid (0: to nobody): 0, or -EINVAL for an LL core or
 * one out of range. */
int corealloc_provision(struct corealloc *ca, int pid, uint32_t pcore);
/* pid is gone: its provisions and claims lapse.  It must hold no core. */
void corealloc_forget(struct corealloc *ca, int pid);
uint32_t corealloc_nr_held(const struct corealloc *ca, int owner);

/* For policies: 0 provisioned to owner, 1 to nobody, 2 to someone else;
 * -1 if pcore is not idle, is an LL core, or is claimed by another pid. */
int corealloc_rank(const struct corealloc *ca, uint32_t pcore, int owner);
/* For policies: the idle core with the lowest score(ca, pcore, owner) (the
 * lowest id among equals), called only for idle cores; -1 if none. */
int corealloc_lowest(const struct corealloc *ca, int owner,
                     int (*score)(const struct corealloc *ca, uint32_t pcore, int owner));
