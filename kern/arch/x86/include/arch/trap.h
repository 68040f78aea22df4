/* SPDX-License-Identifier: MIT */
/*
 * arch/trap.h - the trap frame, the vector map and interrupt registration.
 *
 * trapentry.S pushes every general-purpose register, so a trap frame is a
 * complete CPU state (minus FPU): the monitor, backtraces and later the
 * process code all read the same struct.  Vectors:
 *
 *	  0 ..  31   CPU exceptions
 *	 32 ..  47   legacy 8259 PIC (kept masked; spurious IRQs land here)
 *	 48 ..  79   IOAPIC pins: vector = IRQ_BASE_VECTOR + GSI
 *	      0x80   `int $0x80`: the syscall fallback (same registers as the
 *	             syscall instruction; arch/user.h T_SYSCALL)
 *	0x90 .. 0xdf allocated on demand (irq_vector_alloc: MSI, MSI-X)
 *	      0xe0   kernel-message IPI (kmsg.c)
 *	      0xef   LAPIC timer (alarms)
 *	      0xfe   LAPIC error
 *	      0xff   LAPIC spurious
 *
 * Handlers run with interrupts disabled on the interrupted core's stack
 * (double fault and NMI on their own IST stacks) and must return.
 */
#pragma once

#define NR_EXCEPTIONS        32
#define PIC_BASE_VECTOR      32
#define IRQ_BASE_VECTOR      48
#define IRQ_MAX_GSI          31
#define VEC_SYSCALL          0x80
#define VEC_DYN_FIRST        0x90
#define VEC_DYN_LAST         0xdf
#define VEC_KMSG             0xe0
#define VEC_LAPIC_TIMER      0xef
#define VEC_LAPIC_ERROR      0xfe
#define VEC_LAPIC_SPURIOUS   0xff
#define NR_VECTORS           256

#define T_DIVIDE     0
#define T_DEBUG      1
#define T_NMI        2
#define T_BRKPT      3
#define T_OFLOW      4
#define T_BOUND      5
#define T_ILLOP      6
#define T_DEVICE     7
#define T_DBLFLT     8
#define T_TSS       10
#define T_SEGNP     11
#define T_STACK     12
#define T_GPFLT     13
#define T_PGFLT     14
#define T_FPERR     16
#define T_ALIGN     17
#define T_MCHK      18
#define T_SIMDERR   19

/* IST slots in each core's TSS. */
#define IST_DOUBLE_FAULT 1
#define IST_NMI          2
#define IST_MACHINE_CHK  3
#define NR_IST           3

#ifndef __ASSEMBLY__
#include <types.h>

struct hw_trapframe {
	uint64_t rax, rbx, rcx, rdx, rbp, rsi, rdi;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t vector;
	uint64_t err;
	/* pushed by the CPU */
	uint64_t rip, cs, rflags, rsp, ss;
};

typedef void (*irq_handler_fn)(struct hw_trapframe *tf, void *data);

void trap_init(void);           /* builds the IDT, once, on the boot core */
void trap_load_idt(void);       /* every core */
int register_irq_handler(int vector, irq_handler_fn fn, void *data, const char *name);
/* Empties a slot; the caller has masked its source first. */
void unregister_irq_handler(int vector);
/* A free vector of VEC_DYN_FIRST..VEC_DYN_LAST with fn registered on it,
 * or -ENOSPC; irq_vector_free() unregisters and frees it. */
int irq_vector_alloc(irq_handler_fn fn, void *data, const char *name);
void irq_vector_free(int vector);
void print_trapframe(const struct hw_trapframe *tf);

static inline bool tf_from_user(const struct hw_trapframe *tf)
{
	return (tf->cs & 3) != 0;
}

/* Per-core interrupt nesting, for in_irq_ctx(). */
bool in_irq_ctx(void);

/* Called for vector 2: during a panic it parks the core; else it reports. */
void nmi_handler(struct hw_trapframe *tf);
uint64_t irq_count(int vector);
#endif /* __ASSEMBLY__ */
