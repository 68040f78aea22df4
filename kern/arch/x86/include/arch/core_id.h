/* SPDX-License-Identifier: MIT */
/*
 * arch/core_id.h - core_id() as one %gs-relative load.
 *
 * GS base points at the core's struct percpu (kern/include/percpu.h), whose
 * second word is the core id; percpu.h checks that offset at compile time.
 */
#pragma once

#include <types.h>

#define PERCPU_CORE_ID_OFFSET 8

static inline uint32_t core_id(void)
{
	uint32_t id;

	__asm__ __volatile__("movl %%gs:" STRINGIFY(PERCPU_CORE_ID_OFFSET) ", %0"
	                     : "=r"(id));
	return id;
}
