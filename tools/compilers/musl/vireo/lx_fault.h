/* SPDX-License-Identifier: MIT */
/*
 * lx_fault.h - faults as signals, for the translation layer: the pure
 * mapping from a reflected x86 fault to a Linux signal (lx_fault_code.c,
 * host-tested) and the signal frame and delivery (lx_fault.c).
 * Documentation/libc.md ("Faults") tells the whole path.
 */
#pragma once

#include <stdint.h>

#define LX_SIGILL   4
#define LX_SIGTRAP  5
#define LX_SIGBUS   7
#define LX_SIGFPE   8
#define LX_SIGSEGV 11

/* si_code values of x86-64 Linux. */
#define LX_SI_KERNEL     0x80
#define LX_ILL_ILLOPN    2
#define LX_FPE_INTDIV    1
#define LX_FPE_INTOVF    2
#define LX_FPE_FLTDIV    3
#define LX_FPE_FLTOVF    4
#define LX_FPE_FLTUND    5
#define LX_FPE_FLTRES    6
#define LX_FPE_FLTINV    7
#define LX_SEGV_MAPERR   1
#define LX_SEGV_ACCERR   2
#define LX_BUS_ADRALN    1
#define LX_BUS_ADRERR    2
#define LX_TRAP_TRACE    2

/* ros/vcpd.h's VC_REFL_BEYOND_EOF (checked in lx_fault.c). */
#define LX_FAULT_BEYOND_EOF 0x80000000u

/* What the kernel reflected, plus what lx_fault.c reads for #MF/#XM. */
struct lx_fault_in {
	uint32_t trap;                  /* x86 vector */
	uint32_t err;                   /* error code (+ LX_FAULT_BEYOND_EOF) */
	uint64_t addr;                  /* cr2 for #PF, else the rip */
	uint64_t rip;
	uint32_t fp_status;             /* unmasked x87/SIMD flags, for #MF/#XM */
};

struct lx_fault_sig {
	int sig;
	int32_t code;                   /* si_code */
	uint64_t addr;                  /* si_addr */
};

void lx_fault_classify(const struct lx_fault_in *in, struct lx_fault_sig *out);

/* lx_fault.c: the C library's faults become signals from here on (the
 * first system call; a fork's child inherits it, an exec starts again). */
void lx_fault_start(void);
