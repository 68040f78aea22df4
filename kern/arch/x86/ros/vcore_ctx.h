/* SPDX-License-Identifier: MIT */
/*
 * ros/vcore_ctx.h - the x86-64 layout of a saved user context in a VCPD
 * (ros/vcpd.h: uthread_ctx, vcore_ctx), shared by the kernel and user space.
 *
 * The kernel writes a struct hw_user_ctx when it notifies a vcore that runs
 * a uthread: every general register, rip, rsp, rflags and the FS base; the
 * x87/SSE state goes to the VCPD's preempt_anc as an FXSAVE64 image (512
 * bytes) and VC_FPU_SAVED is set in the VCPD's rflags.  User space (parlib's
 * pop_ctx) restores it.  The HWC_* offsets are for assembly.
 *
 * Kernel side: kern/src/proc/vcore_notify.c.  User side: user/parlib
 * (vcore_pop.c, uthread.c).
 */
#pragma once

#define HWC_RAX     0
#define HWC_RBX     8
#define HWC_RCX     16
#define HWC_RDX     24
#define HWC_RSI     32
#define HWC_RDI     40
#define HWC_RBP     48
#define HWC_R8      56
#define HWC_R9      64
#define HWC_R10     72
#define HWC_R11     80
#define HWC_R12     88
#define HWC_R13     96
#define HWC_R14     104
#define HWC_R15     112
#define HWC_RIP     120
#define HWC_RSP     128
#define HWC_RFLAGS  136
#define HWC_FS_BASE 144
#define HWC_SIZE    152

#define FXSAVE_SIZE 512             /* the FPU image at the start of preempt_anc */

#ifndef __ASSEMBLY__
#include <stdint.h>

struct hw_user_ctx {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rsp, rflags;
	uint64_t fs_base;
};

_Static_assert(sizeof(struct hw_user_ctx) == HWC_SIZE, "struct hw_user_ctx is HWC_SIZE bytes");
_Static_assert(__builtin_offsetof(struct hw_user_ctx, rip) == HWC_RIP, "hw_user_ctx.rip");
_Static_assert(__builtin_offsetof(struct hw_user_ctx, r15) == HWC_R15, "hw_user_ctx.r15");
_Static_assert(__builtin_offsetof(struct hw_user_ctx, fs_base) == HWC_FS_BASE,
               "hw_user_ctx.fs_base");
#endif
