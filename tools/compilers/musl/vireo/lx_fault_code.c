/* SPDX-License-Identifier: MIT */
/*
 * lx_fault_code.c - which signal a reflected fault is (lx_fault.h): the
 * x86 vector and error code the kernel put in the VCPD's refl_fault, read
 * as x86-64 Linux reads them (its trap and page-fault handlers):
 *
 *	#DE divide error         SIGFPE  FPE_INTDIV  si_addr = rip
 *	#OF overflow (INTO)      SIGFPE  FPE_INTOVF  (no INTO in 64-bit mode)
 *	#DB debug, single step   SIGTRAP TRAP_TRACE
 *	#BP int3                 SIGTRAP SI_KERNEL
 *	#UD invalid opcode       SIGILL  ILL_ILLOPN  si_addr = rip
 *	#MF, #XM x87/SIMD error  SIGFPE  (FPE_FLTINV .. FPE_FLTRES by status)
 *	#PF page fault           SIGSEGV SEGV_MAPERR (not present) or
 *	                         SEGV_ACCERR (present, protection);
 *	                         SIGBUS BUS_ADRERR beyond the end of a file
 *	                         mapping (the kernel's VC_REFL_BEYOND_EOF);
 *	                         si_addr = the faulting address
 *	#AC alignment check      SIGBUS  BUS_ADRALN  si_addr = rip
 *	#SS stack segment        SIGBUS  SI_KERNEL
 *	#GP, #NP, #TS, #BR       SIGSEGV SI_KERNEL   si_addr = 0
 * Anything else (a vector user code cannot raise): SIGSEGV SI_KERNEL.
 * Pure: no system calls, no state.
 */
#include "lx_fault.h"

#define X86_DE  0
#define X86_DB  1
#define X86_BP  3
#define X86_OF  4
#define X86_BR  5
#define X86_UD  6
#define X86_TS  10
#define X86_NP  11
#define X86_SS  12
#define X86_GP  13
#define X86_PF  14
#define X86_MF  16
#define X86_AC  17
#define X86_XM  19

#define PF_PRESENT 0x1u

/* The first unmasked exception of an x87 status or MXCSR word (flags in
 * bits 0..5, masks 7..12 in MXCSR; x87 masks are in its control word, so
 * every flag counts there). */
static int32_t lx_fault_fp_code(uint32_t status)
{
	if (status & 0x01)
		return LX_FPE_FLTINV;
	if (status & 0x04)
		return LX_FPE_FLTDIV;
	if (status & 0x08)
		return LX_FPE_FLTOVF;
	if (status & 0x10)
		return LX_FPE_FLTUND;
	if (status & 0x20)
		return LX_FPE_FLTRES;
	return 0;
}

void lx_fault_classify(const struct lx_fault_in *in, struct lx_fault_sig *out)
{
	out->sig = LX_SIGSEGV;
	out->code = LX_SI_KERNEL;
	out->addr = 0;
	switch (in->trap) {
	case X86_DE:
		*out = (struct lx_fault_sig){ LX_SIGFPE, LX_FPE_INTDIV, in->rip };
		break;
	case X86_OF:
		*out = (struct lx_fault_sig){ LX_SIGFPE, LX_FPE_INTOVF, in->rip };
		break;
	case X86_DB:
		*out = (struct lx_fault_sig){ LX_SIGTRAP, LX_TRAP_TRACE, in->rip };
		break;
	case X86_BP:
		out->sig = LX_SIGTRAP;
		break;
	case X86_UD:
		*out = (struct lx_fault_sig){ LX_SIGILL, LX_ILL_ILLOPN, in->rip };
		break;
	case X86_MF: case X86_XM:
		*out = (struct lx_fault_sig){ LX_SIGFPE, lx_fault_fp_code(in->fp_status), in->rip };
		break;
	case X86_PF:
		if (in->err & LX_FAULT_BEYOND_EOF)
			*out = (struct lx_fault_sig){ LX_SIGBUS, LX_BUS_ADRERR, in->addr };
		else
			*out = (struct lx_fault_sig){ LX_SIGSEGV, in->err & PF_PRESENT ?
			                              LX_SEGV_ACCERR : LX_SEGV_MAPERR, in->addr };
		break;
	case X86_AC:
		*out = (struct lx_fault_sig){ LX_SIGBUS, LX_BUS_ADRALN, in->rip };
		break;
	case X86_SS:
		out->sig = LX_SIGBUS;
		break;
	default:                /* #GP, #NP, #TS, #BR and the impossible ones */
		break;
	}
}
