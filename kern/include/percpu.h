/* SPDX-License-Identifier: MIT */
/*
 * percpu.h - per-core data, reached through the GS base.
 *
 * Each core's GS base points at its struct percpu; this_cpu() is one load of
 * %gs:0 (the 'self' field) and core_id() one load of %gs:8.  There is exactly
 * one such mechanism in the kernel: subsystems keep their per-core state as a
 * field here (or in an array indexed by core_id()).
 *
 * Field rules: [I] set once while the core boots, then read-only;
 * [c] touched only by the owning core with interrupts disabled;
 * [a] atomic, any core.
 *
 * Field tags ([I], [l], ...): the legend in Documentation/style.md.
 */
#pragma once

#include <arch/percpu.h>
#include <core_id.h>
#include <types.h>

struct kthread;

struct percpu {
	struct percpu *self;            /* [I] must stay at offset 0 */
	uint32_t core_id;               /* [I] must stay at offset 8 */
	uint32_t apic_id;               /* [I] */
	uint64_t kstack_top;            /* [c] offset 16: syscall entry's stack (arch/user.h) */
	uint64_t user_rsp_scratch;      /* [c] offset 24: user %rsp during syscall entry */
	uint32_t irq_depth;             /* [c] nesting of interrupt handlers */
	uint64_t nr_irqs;               /* [c] interrupts and kernel faults taken here */
	bool online;                    /* [a] set when the core finished booting */
	struct kthread *cur_kthread;    /* [c] the kthread running here */
	uint64_t cputime_kernel_since;  /* [c] TSC stamps of proc/cputime.c */
	uint64_t cputime_user_since;    /* [c] */
	struct arch_percpu arch;        /* [I] GDT, TSS, IST stacks */
};

static_assert_msg(__builtin_offsetof(struct percpu, self) == 0, "percpu.self");
static_assert_msg(__builtin_offsetof(struct percpu, core_id) == PERCPU_CORE_ID_OFFSET,
                  "percpu.core_id offset is used by arch/core_id.h");
static_assert_msg(__builtin_offsetof(struct percpu, kstack_top) == 16 &&
                  __builtin_offsetof(struct percpu, user_rsp_scratch) == 24,
                  "syscall_entry.S uses these offsets");

extern struct percpu percpu_area[MAX_CORES];

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	__asm__ __volatile__("movq %%gs:0, %0" : "=r"(p));
	return p;
}

static inline struct percpu *percpu_of(uint32_t core)
{
	return &percpu_area[core];
}

/* Sets up GS base (and the arch per-core state) for the calling core. */
void percpu_init_core(uint32_t core, uint32_t apic_id);
