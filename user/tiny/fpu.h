/* SPDX-License-Identifier: MIT */
/*
 * tiny/fpu.h - probes of the user state the kernel must keep per process:
 * %xmm0/%xmm1 (the tiny programs are built without SSE, so these asm
 * blocks are the only code that touches them) and the %fs base.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* xmm0 = {seed, seed+1}, xmm1 = {seed+2, seed+3} (64-bit lanes). */
static inline void fpu_fill(uint64_t seed)
{
	uint64_t v[4] __attribute__((aligned(16))) = { seed, seed + 1, seed + 2, seed + 3 };

	__asm__ volatile("movdqa (%0), %%xmm0\n\tmovdqa 16(%0), %%xmm1" : : "r"(v) : "memory");
}

static inline bool fpu_check(uint64_t seed)
{
	uint64_t v[4] __attribute__((aligned(16)));

	__asm__ volatile("movdqa %%xmm0, (%0)\n\tmovdqa %%xmm1, 16(%0)" : : "r"(v) : "memory");
	return v[0] == seed && v[1] == seed + 1 && v[2] == seed + 2 && v[3] == seed + 3;
}

/* The 8 bytes at %fs:0. */
static inline uint64_t fs_read0(void)
{
	uint64_t v;

	__asm__ volatile("movq %%fs:0, %0" : "=r"(v));
	return v;
}
