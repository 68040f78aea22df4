/* SPDX-License-Identifier: MIT */
/*
 * ros/globalinfo.h - the global info page: one read-only page the kernel maps
 * into every process, the same for all.  Shared by the kernel and user space.
 *
 * It carries what user space needs to tell time without a syscall and to
 * pick code paths by CPU feature.  Wall time: the kernel periodically stores
 * a pair (walltime_ns_last, tsc_last) between two increments of
 * walltime_seqctr (odd while it writes); the reader retries like procinfo's
 * coremap reader and computes now = walltime_ns_last + (rdtsc() - tsc_last)
 * * 1e9 / tsc_freq.  Monotonic time is rdtsc() scaled by tsc_freq.
 *
 * Kernel side: kern/src/proc/process.c maps it; the time code (kern/include/time.h)
 * fills it.  User side: the C library's clock_gettime/gettimeofday and
 * user/parlib's feature checks.  Where it is mapped:
 * kern/arch/x86/ros/mmu64.h.
 */
#pragma once

#include <stdint.h>
#include <ros/mmu64.h>

#define GLOBALINFO_NUM_PAGES 1

/* cpu_feats[] bit numbers */
#define CPU_FEAT_X86_XSAVE     0
#define CPU_FEAT_X86_XSAVEOPT  1
#define CPU_FEAT_X86_FSGSBASE  2
#define CPU_FEAT_X86_RDTSCP    3
#define CPU_FEAT_X86_INVARIANT_TSC 4
#define CPU_FEAT_X86_AVX       5
#define CPU_FEAT_X86_AVX512F   6
#define CPU_FEAT_X86_MWAIT     7
#define CPU_FEAT_NR            256

/* Tags (Documentation/style.md): [I] set at boot; [s] under walltime_seqctr. */
struct proc_global_info {
	uint64_t cpu_feats[CPU_FEAT_NR / 64];   /* [I] bit CPU_FEAT_* set: present */
	uint64_t x86_default_xcr0;      /* [I] XCR0 user state the kernel enables */
	uint64_t x86_xsave_size;        /* [I] bytes XSAVE writes (<= VCPD_ANC_SIZE) */
	uint64_t tsc_freq;              /* [I] TSC ticks per second */
	uint64_t tsc_overhead;          /* [I] ticks to read the TSC */
	uint64_t bus_freq;              /* [I] LAPIC timer ticks per second */
	uint32_t nr_cores;              /* [I] cores the kernel runs on */
	uint32_t __pad0;
	uint64_t walltime_seqctr;       /* odd while the kernel updates the pair */
	uint64_t walltime_ns_last;      /* [s] nanoseconds since the epoch at tsc_last */
	uint64_t tsc_last;              /* [s] */
};

_Static_assert(__builtin_offsetof(struct proc_global_info, x86_default_xcr0) == 32,
               "proc_global_info.x86_default_xcr0");
_Static_assert(__builtin_offsetof(struct proc_global_info, tsc_freq) == 48,
               "proc_global_info.tsc_freq");
_Static_assert(__builtin_offsetof(struct proc_global_info, walltime_seqctr) == 80,
               "proc_global_info.walltime_seqctr");
_Static_assert(sizeof(struct proc_global_info) == 104, "struct proc_global_info is 104 bytes");
_Static_assert(sizeof(struct proc_global_info) <= GLOBALINFO_NUM_PAGES * PGSIZE,
               "the global info fits its page");
