/* SPDX-License-Identifier: MIT */
/*
 * ros/vcpd.h - the VCPD (vcore preempt data): per-vcore state in procdata,
 * shared by the kernel and user space.
 *
 * Procdata holds one struct vcpd per possible vcore (ROS_MAX_VCORES, in
 * ros/procinfo.h); an SCP uses only vcore 0's (its mailboxes, and its
 * uthread context once it turns into an MCP).  Each VCPD is exactly
 * VCPD_SIZE bytes and page-aligned within procdata, so the kernel can leave
 * the VCPDs of vcores a process has never had without memory until needed.
 *
 * Contexts: the kernel saves a vcore's context into vcore_ctx when it is
 * preempted in vcore context, and a uthread's into uthread_ctx when
 * notifying or preempting it; FPU/vector state goes to preempt_anc.  The
 * layout of a saved context is the architecture's struct hw_user_ctx
 * (kern/arch/x86/ros/vcore_ctx.h); this file only reserves room, since the
 * shared layout must not depend on the kernel's configuration.
 *
 * Kernel side: kern/src/event/event.c posts to the VCPD mailboxes and sets
 * notif_pending; kern/src/vm/mm_shared.c maps procdata and populates VCPD
 * 0; kern/src/proc/vcore_notify.c reads vcore_entry, vcore_stack and
 * vcore_tls_desc (checked) to start a vcore, and writes uthread_ctx,
 * preempt_anc (FXSAVE) and rflags when it notifies one; mcp_preempt.c
 * writes vcore_ctx (preempted in vcore context, VC_VCCTX_SAVED) or
 * uthread_ctx, sets VC_PREEMPTED, and clears it when the vcore runs again
 * (a vcore preempted in vcore context resumes from the kernel's own copy:
 * vcore_ctx is for the user to read); user_exception reflects a uthread's
 * fault into uthread_ctx and refl_fault (VC_UTHREAD_FAULT), an SCP's too
 * when VCPD 0 asks for it (VC_SCP_FAULTS: proc/fault.c).  User side: user/parlib/vcore.c sets the
 * vcore_* fields and the mailboxes up, drains the mailboxes and takes the
 * saved context back; user/parlib/vcore_pop.c pops it.
 */
#pragma once

#include <stdint.h>
#include <ros/event.h>
#include <ros/mmu64.h>

#define VCPD_SIZE        (2 * PGSIZE)
#define VCPD_ANC_SIZE    4096       /* XSAVE area, AVX-512 included (64-aligned) */
#define VCPD_CTX_SIZE    512        /* room for the arch's struct hw_user_ctx */

/* flags, [a]: changed with atomic operations by both sides */
#define VC_K_LOCK            0x01u  /* the kernel is working on this VCPD */
#define VC_PREEMPTED         0x02u  /* preempted; its context is saved here */
#define VC_CAN_RCV_MSG       0x04u  /* spammed messages may be posted here (user-set) */
#define VC_UTHREAD_STEALING  0x08u  /* another vcore is taking uthread_ctx */
#define VC_SCP_NOVCCTX       0x10u  /* SCP without vcore context: wake, don't notify */
#define VC_SCP_FAULTS        0x20u  /* (user-set) reflect an SCP's faults to vcore_entry */

/* rflags: racy, only the vcore itself (or the kernel while it is off) */
#define VC_FPU_SAVED         0x01u  /* preempt_anc holds the uthread's FPU state */
#define VC_UTHREAD_FAULT     0x02u  /* uthread_ctx faulted: refl_fault says how */
#define VC_VCCTX_SAVED       0x04u  /* preempted in vcore context: vcore_ctx is valid */

/* A fault of a uthread, reflected to the 2LS (VC_UTHREAD_FAULT). */
struct vcpd_refl_fault {
	uint64_t addr;                  /* the faulting address (cr2), or the rip */
	uint32_t trap;                  /* x86 vector: 14 page fault, 13 #GP, ... */
	uint32_t err;                   /* the error code the CPU pushed (0: none) */
};

/* In refl_fault.err of a page fault: not the CPU's, the kernel's own bit:
 * the page is part of a file mapping but beyond the end of the file. */
#define VC_REFL_BEYOND_EOF   0x80000000u

struct vcpd_ctx {
	uint8_t bytes[VCPD_CTX_SIZE];
} __attribute__((aligned(64)));

struct vcpd_anc {
	uint8_t bytes[VCPD_ANC_SIZE];
} __attribute__((aligned(64)));

/*
 * Tags (Documentation/style.md): [k] written by the kernel while the vcore is not running user code,
 * read by the user after; [u] written by the user before the vcore can
 * start; [a] atomic, both sides; [v] the vcore and the kernel, racy by design.
 */
struct vcpd {
	struct vcpd_anc preempt_anc;    /* [k] FPU/vector state of the interrupted code */
	struct vcpd_ctx vcore_ctx;      /* [k] vcore context at preemption */
	struct vcpd_ctx uthread_ctx;    /* [k] uthread context at notification/preemption */
	uint64_t vcore_entry;           /* [u] where a vcore starts (user address) */
	uint64_t vcore_stack;           /* [u] its stack top */
	uint64_t vcore_tls_desc;        /* [u] its TLS descriptor (FS base) */
	uint32_t flags;                 /* [a] VC_* */
	uint32_t rflags;                /* [v] VC_FPU_SAVED */
	uint8_t notif_disabled;         /* [v] 1: in vcore context, no notification now */
	uint8_t notif_pending;          /* [v] a notification came while disabled */
	uint8_t __pad0[6];
	struct event_mbox ev_mbox_public;   /* drained by whoever recovers this vcore */
	struct event_mbox ev_mbox_private;  /* only for this vcore */
	struct vcpd_refl_fault refl_fault;  /* [k] with VC_UTHREAD_FAULT */
	uint8_t __reserved[VCPD_SIZE - VCPD_ANC_SIZE - 2 * VCPD_CTX_SIZE - 40 -
	                   2 * sizeof(struct event_mbox) - sizeof(struct vcpd_refl_fault)];
};

_Static_assert(__builtin_offsetof(struct vcpd, vcore_ctx) == VCPD_ANC_SIZE, "vcpd.vcore_ctx");
_Static_assert(__builtin_offsetof(struct vcpd, uthread_ctx) == VCPD_ANC_SIZE + VCPD_CTX_SIZE,
               "vcpd.uthread_ctx");
_Static_assert(__builtin_offsetof(struct vcpd, vcore_entry) == VCPD_ANC_SIZE + 2 * VCPD_CTX_SIZE,
               "vcpd.vcore_entry");
_Static_assert(__builtin_offsetof(struct vcpd, flags) == 5144, "vcpd.flags");
_Static_assert(__builtin_offsetof(struct vcpd, notif_disabled) == 5152, "vcpd.notif_disabled");
_Static_assert(__builtin_offsetof(struct vcpd, ev_mbox_public) == 5160, "vcpd.ev_mbox_public");
_Static_assert(__builtin_offsetof(struct vcpd, ev_mbox_private) == 5240, "vcpd.ev_mbox_private");
_Static_assert(__builtin_offsetof(struct vcpd, refl_fault) == 5320, "vcpd.refl_fault");
_Static_assert(sizeof(struct vcpd) == VCPD_SIZE, "struct vcpd is VCPD_SIZE bytes");
