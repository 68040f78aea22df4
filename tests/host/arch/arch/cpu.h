/* SPDX-License-Identifier: MIT */
/* Host twin of kern/arch/x86/include/arch/cpu.h. */
#pragma once

static inline void cpu_relax(void)
{
	__asm__ __volatile__("pause" ::: "memory");
}

static inline void cpu_halt(void)
{
}
