/* SPDX-License-Identifier: MIT */
/*
 * lswitch.h - what a thread switch must keep, checked from the thread's
 * side (the SysV x86-64 ABI: a call preserves rbx, rbp, r12-r15, rsp, the
 * MXCSR control bits and the x87 control word).  For the tests of parlib's
 * direct uthread switch (libc_pthread, libc_mcp_locks; parlib.md):
 *
 *	lsw_set_fpu_control(seed);              // this thread's own modes
 *	if (!lsw_yield_keeps_registers(seed))   // sched_yield from asm
 *		... a callee-saved register came back changed
 *	lsw_uthread_yield_keeps_registers(seed) // parlib's uthread_yield
 *	if (!lsw_fpu_control_kept(seed)) ...
 *
 * The yield is made from inline assembly, with a pattern derived from the
 * seed in all six callee-saved registers, so no compiler choice can hide
 * a register the switch failed to restore.
 */
#pragma once

#include <sched.h>
#include <stdbool.h>
#include <stdint.h>

/* Rounding mode and x87 precision from the seed (exceptions stay masked). */
static inline uint32_t lsw_mxcsr_of(uint64_t seed)
{
	return 0x1f80u | (uint32_t)(seed & 3) << 13;            /* RC bits 13-14 */
}

static inline uint16_t lsw_fcw_of(uint64_t seed)
{
	static const uint16_t pc[3] = { 0x000, 0x200, 0x300 };  /* single, double, extended */

	return (uint16_t)(0x07f | pc[(seed >> 2) % 3] | (uint16_t)((seed >> 4) & 3) << 10);
}

static inline void lsw_set_fpu_control(uint64_t seed)
{
	uint32_t mx = lsw_mxcsr_of(seed);
	uint16_t cw = lsw_fcw_of(seed);

	__asm__ volatile("ldmxcsr %0\n\tfldcw %1" : : "m"(mx), "m"(cw));
}

static inline bool lsw_fpu_control_kept(uint64_t seed)
{
	uint32_t mx;
	uint16_t cw;

	__asm__ volatile("stmxcsr %0\n\tfnstcw %1" : "=m"(mx), "=m"(cw));
	return (mx & 0xffc0u) == (lsw_mxcsr_of(seed) & 0xffc0u) && cw == lsw_fcw_of(seed);
}

/*
 * A yield with seed + k in rbx, r12-r15 and rbp: true if all six came
 * back.  LSW_YIELD_ASM(callee) is the body: the call is made below the red
 * zone on a 16-aligned stack; rbp is saved and restored by hand (it may be
 * the frame pointer); the seed is read first, while its (stack) address is
 * still good.  Through sched_yield the C library's frames in between save
 * and restore some of these themselves; uthread_yield(true, NULL, NULL)
 * saves nothing before parlib's switch does (it tail-calls the save), so
 * that one checks the switch's own save and restore of each register.
 */
#define LSW_YIELD_ASM(callee, args)                                            \
	"mov %[seed], %%rbx\n\t"                                               \
	"mov %%rsp, %%rax\n\t"                                                 \
	"sub $160, %%rsp\n\t"                                                  \
	"and $-16, %%rsp\n\t"                                                  \
	"push %%rax\n\t"                                                       \
	"push %%rbp\n\t"                                                       \
	"push %%rbx\n\t"                                                       \
	"push %%rbx\n\t"                                                       \
	"lea 1(%%rbx), %%r12\n\t"                                              \
	"lea 2(%%rbx), %%r13\n\t"                                              \
	"lea 3(%%rbx), %%r14\n\t"                                              \
	"lea 4(%%rbx), %%r15\n\t"                                              \
	"lea 5(%%rbx), %%rbp\n\t"                                              \
	args                                                                   \
	"call " callee "\n\t"                                                   \
	"mov (%%rsp), %%rcx\n\t"                                               \
	"xor %%eax, %%eax\n\t"                                                 \
	"cmp %%rcx, %%rbx\n\t"                                                 \
	"setne %%al\n\t"                                                       \
	"lea 1(%%rcx), %%rdx\n\t"                                              \
	"cmp %%rdx, %%r12\n\t"                                                 \
	"setne %%dl\n\t"                                                       \
	"or %%dl, %%al\n\t"                                                    \
	"lea 2(%%rcx), %%rdx\n\t"                                              \
	"cmp %%rdx, %%r13\n\t"                                                 \
	"setne %%dl\n\t"                                                       \
	"or %%dl, %%al\n\t"                                                    \
	"lea 3(%%rcx), %%rdx\n\t"                                              \
	"cmp %%rdx, %%r14\n\t"                                                 \
	"setne %%dl\n\t"                                                       \
	"or %%dl, %%al\n\t"                                                    \
	"lea 4(%%rcx), %%rdx\n\t"                                              \
	"cmp %%rdx, %%r15\n\t"                                                 \
	"setne %%dl\n\t"                                                       \
	"or %%dl, %%al\n\t"                                                    \
	"lea 5(%%rcx), %%rdx\n\t"                                              \
	"cmp %%rdx, %%rbp\n\t"                                                 \
	"setne %%dl\n\t"                                                       \
	"or %%dl, %%al\n\t"                                                    \
	"add $16, %%rsp\n\t"                                                   \
	"pop %%rbp\n\t"                                                        \
	"pop %%rsp\n\t"

#define LSW_CLOBBERS                                                           \
	"rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", \
	"r14", "r15", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",       \
	"xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",        \
	"xmm15", "memory", "cc"

/* Through the C library: sched_yield(). */
static inline bool lsw_yield_keeps_registers(uint64_t seed)
{
	uint64_t bad;

	__asm__ volatile(LSW_YIELD_ASM("sched_yield", "")
	                 : "=&a"(bad) : [seed] "m"(seed) : LSW_CLOBBERS);
	return !bad;
}

/* Straight into parlib's switch: uthread_yield(true, NULL, NULL). */
static inline bool lsw_uthread_yield_keeps_registers(uint64_t seed)
{
	uint64_t bad;

	__asm__ volatile(LSW_YIELD_ASM("uthread_yield",
	                               "mov $1, %%edi\n\txor %%esi, %%esi\n\txor %%edx, %%edx\n\t")
	                 : "=&a"(bad) : [seed] "m"(seed) : LSW_CLOBBERS);
	return !bad;
}
