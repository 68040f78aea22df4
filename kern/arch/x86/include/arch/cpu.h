/* SPDX-License-Identifier: MIT */
/*
 * arch/cpu.h - the two instructions generic code needs to wait politely:
 * cpu_relax() inside spin loops and cpu_halt() when a core has nothing to do.
 */
#pragma once

static inline void cpu_relax(void)
{
	__asm__ __volatile__("pause" ::: "memory");
}

static inline void cpu_halt(void)
{
	__asm__ __volatile__("hlt" ::: "memory");
}
