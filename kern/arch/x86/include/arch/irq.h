/* SPDX-License-Identifier: MIT */
/*
 * arch/irq.h - enabling, disabling, saving and restoring the local core's
 * interrupt flag.  The generic spinlock code is written against exactly this
 * interface (host unit tests provide a no-op twin in tests/host/arch/).
 */
#pragma once

#include <types.h>

static inline uint64_t irq_save_flags(void)
{
	uint64_t flags;

	__asm__ __volatile__("pushfq; popq %0" : "=r"(flags) : : "memory");
	return flags;
}

static inline void irq_enable(void)
{
	__asm__ __volatile__("sti" ::: "memory");
}

static inline void irq_disable(void)
{
	__asm__ __volatile__("cli" ::: "memory");
}

static inline bool irq_is_enabled(void)
{
	return irq_save_flags() & (1u << 9);
}

/* Disables interrupts and returns the previous state for irq_restore(). */
static inline uint64_t irq_save(void)
{
	uint64_t flags = irq_save_flags();

	irq_disable();
	return flags;
}

static inline void irq_restore(uint64_t flags)
{
	if (flags & (1u << 9))
		irq_enable();
}

/* Enables interrupts and halts in one step, so no wake-up slips in between. */
static inline void irq_enable_and_halt(void)
{
	__asm__ __volatile__("sti; hlt" ::: "memory");
}
