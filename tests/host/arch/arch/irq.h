/* SPDX-License-Identifier: MIT */
/*
 * Host twin of kern/arch/x86/include/arch/irq.h: host unit tests run in user
 * space, where the interrupt flag cannot be touched, so these only track a
 * per-thread "enabled" bit that tests can inspect.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

extern __thread uint64_t htest_irq_flags;

static inline uint64_t irq_save_flags(void)
{
	return htest_irq_flags;
}

static inline void irq_enable(void)
{
	htest_irq_flags = 1u << 9;
}

static inline void irq_disable(void)
{
	htest_irq_flags = 0;
}

static inline bool irq_is_enabled(void)
{
	return htest_irq_flags & (1u << 9);
}

static inline uint64_t irq_save(void)
{
	uint64_t f = htest_irq_flags;

	htest_irq_flags = 0;
	return f;
}

static inline void irq_restore(uint64_t flags)
{
	if (flags & (1u << 9))
		htest_irq_flags = 1u << 9;
}
