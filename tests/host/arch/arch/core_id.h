/* SPDX-License-Identifier: MIT */
/*
 * Host twin of kern/arch/x86/include/arch/core_id.h: a thread-local id, so a
 * test can pretend that its threads are different cores.
 */
#pragma once

#include <stdint.h>

extern __thread unsigned int htest_core_id;

static inline uint32_t core_id(void)
{
	return htest_core_id;
}
