/* SPDX-License-Identifier: MIT */
/*
 * ros/procinfo.h - procinfo: the read-only page(s) the kernel maps into every
 * process, telling it about itself.  Shared by the kernel and user space.
 *
 * Consistent reads: the kernel changes vcoremap/pcoremap/num_vcores only
 * between two increments of coremap_seqctr (odd while it writes).  A reader
 * loads the counter, reads, and retries if the counter was odd or changed.
 * The other fields are set before the process first runs (pid, ppid,
 * tsc_freq...) or at exec (argenv, program_end) and do not change while its
 * code runs.
 *
 * Kernel side: kern/src/proc/process.c (fills it; the procinfo pages belong to the
 * process), kern/src/sched/ksched.c and kern/src/proc/vcoremap.c (the core
 * maps and res_grant).  User side: user/parlib (vcore
 * ids, the seqctr reader) and the C library's start-up (argenv, pid).
 * Where it is mapped: kern/arch/x86/ros/mmu64.h.
 */
#pragma once

#include <stdint.h>
#include <ros/mmu64.h>

#define ROS_MAX_VCORES      256     /* vcoremap entries and VCPDs: the kernel's largest MAX_CORES */
#define ROS_MAX_PCORES      256     /* pcoremap entries */
#define PROCINFO_NUM_PAGES  4

/* Resources a process asks for (procdata res_req) and is granted (res_grant). */
#define RES_CORES   0
#define RES_MEMORY  1
#define RES_NR      2

/* vcoremap[v]: [s] under coremap_seqctr, [k] kernel-written counters. */
struct vcore_info {
	uint32_t pcoreid;               /* [s] where vcore v runs, if valid */
	uint32_t valid;                 /* [s] v has a pcore */
	uint32_t nr_preempts_sent;      /* [k] preemptions the kernel started */
	uint32_t nr_preempts_done;      /* [k] preemptions finished (context saved) */
	uint64_t preempt_pending;       /* [k] TSC deadline of a warned preemption, or 0 */
	uint64_t resume_ticks;          /* [k] TSC when v last started running */
	uint64_t total_ticks;           /* [k] TSC ticks v has run in all */
	uint64_t __pad0;
};

/* pcoremap[p]: [s] */
struct pcore_info {
	uint32_t vcoreid;               /* the vcore on pcore p, if valid */
	uint32_t valid;
};

/* Tags (Documentation/style.md): [I] set before the process runs; [x] set at exec; [s] seqctr. */
struct procinfo {
	uint32_t pid;                   /* [I] */
	uint32_t ppid;                  /* [I] (a reparented orphan keeps its first ppid) */
	uint32_t max_vcores;            /* [I] vcores this process may ever have */
	uint32_t is_mcp;                /* [s] 0: SCP, 1: MCP */
	uint64_t tsc_freq;              /* [I] TSC ticks per second */
	uint64_t timing_overhead;       /* [I] TSC ticks to read the TSC */
	uint64_t program_end;           /* [x] the end of the loaded image (heap start) */
	uint64_t argenv;                /* [x] user address of the argument blob */
	uint64_t argenv_len;            /* [x] its size in bytes */
	uint64_t res_grant[RES_NR];     /* [s] what the kernel granted, by RES_* */
	uint64_t coremap_seqctr;        /* odd while the kernel changes [s] fields */
	uint32_t num_vcores;            /* [s] vcores with a pcore now */
	uint32_t __pad0;
	struct vcore_info vcoremap[ROS_MAX_VCORES];
	struct pcore_info pcoremap[ROS_MAX_PCORES];
};

_Static_assert(sizeof(struct vcore_info) == 48, "struct vcore_info is 48 bytes");
_Static_assert(sizeof(struct pcore_info) == 8, "struct pcore_info is 8 bytes");
_Static_assert(__builtin_offsetof(struct procinfo, tsc_freq) == 16, "procinfo.tsc_freq");
_Static_assert(__builtin_offsetof(struct procinfo, argenv) == 40, "procinfo.argenv");
_Static_assert(__builtin_offsetof(struct procinfo, coremap_seqctr) == 72, "procinfo.coremap_seqctr");
_Static_assert(__builtin_offsetof(struct procinfo, vcoremap) == 88, "procinfo.vcoremap");
_Static_assert(sizeof(struct procinfo) <= PROCINFO_NUM_PAGES * PGSIZE,
               "procinfo fits PROCINFO_NUM_PAGES");
