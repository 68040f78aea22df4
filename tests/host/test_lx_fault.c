/* SPDX-License-Identifier: MIT */
/*
 * test_lx_fault.c - host tests of lx_fault_classify (lx_fault_code.c):
 * each x86 vector and page-fault error code gives the signal, si_code and
 * si_addr x86-64 Linux gives; the kernel's beyond-EOF bit gives SIGBUS;
 * x87/SIMD status words pick the floating-point code; vectors user code
 * cannot raise (and garbage) still give a signal that ends the process.
 */
#include "htest.h"
#include "lx_fault.h"

#define RIP  0x401234ull
#define ADDR 0x7000dead0ull

static struct lx_fault_sig classify(uint32_t trap, uint32_t err, uint32_t fp)
{
	struct lx_fault_in in = { .trap = trap, .err = err, .addr = trap == 14 ? ADDR : RIP,
	                          .rip = RIP, .fp_status = fp };
	struct lx_fault_sig s;

	lx_fault_classify(&in, &s);
	return s;
}

#define EXPECT(trap, err, fp, sig_, code_, addr_)                                   \
	do {                                                                        \
		struct lx_fault_sig s_ = classify(trap, err, fp);                   \
		HT_ASSERT_MSG(s_.sig == (sig_) && s_.code == (code_) &&              \
		              s_.addr == (addr_),                                   \
		              "trap %u err %#x: sig %d code %d addr %#llx", trap, err, \
		              s_.sig, s_.code, (unsigned long long)s_.addr);        \
	} while (0)

HTEST(page_faults_maperr_accerr_and_bus)
{
	EXPECT(14, 0x4, 0, LX_SIGSEGV, LX_SEGV_MAPERR, ADDR);          /* user read, absent */
	EXPECT(14, 0x6, 0, LX_SIGSEGV, LX_SEGV_MAPERR, ADDR);          /* user write, absent */
	EXPECT(14, 0x7, 0, LX_SIGSEGV, LX_SEGV_ACCERR, ADDR);          /* write, present */
	EXPECT(14, 0x15, 0, LX_SIGSEGV, LX_SEGV_ACCERR, ADDR);         /* fetch, NX */
	EXPECT(14, 0x4 | LX_FAULT_BEYOND_EOF, 0, LX_SIGBUS, LX_BUS_ADRERR, ADDR);
	EXPECT(14, 0x5 | LX_FAULT_BEYOND_EOF, 0, LX_SIGBUS, LX_BUS_ADRERR, ADDR);
}

HTEST(traps_that_name_the_instruction)
{
	EXPECT(0, 0, 0, LX_SIGFPE, LX_FPE_INTDIV, RIP);
	EXPECT(4, 0, 0, LX_SIGFPE, LX_FPE_INTOVF, RIP);
	EXPECT(6, 0, 0, LX_SIGILL, LX_ILL_ILLOPN, RIP);
	EXPECT(17, 0, 0, LX_SIGBUS, LX_BUS_ADRALN, RIP);
	EXPECT(1, 0, 0, LX_SIGTRAP, LX_TRAP_TRACE, RIP);
}

HTEST(traps_without_an_address)
{
	EXPECT(3, 0, 0, LX_SIGTRAP, LX_SI_KERNEL, 0);
	EXPECT(13, 0, 0, LX_SIGSEGV, LX_SI_KERNEL, 0);
	EXPECT(13, 0x1234, 0, LX_SIGSEGV, LX_SI_KERNEL, 0);
	EXPECT(11, 0, 0, LX_SIGSEGV, LX_SI_KERNEL, 0);
	EXPECT(10, 0, 0, LX_SIGSEGV, LX_SI_KERNEL, 0);
	EXPECT(5, 0, 0, LX_SIGSEGV, LX_SI_KERNEL, 0);
	EXPECT(12, 0, 0, LX_SIGBUS, LX_SI_KERNEL, 0);
}

HTEST(floating_point_status_picks_the_code)
{
	EXPECT(19, 0, 0x01, LX_SIGFPE, LX_FPE_FLTINV, RIP);
	EXPECT(19, 0, 0x04, LX_SIGFPE, LX_FPE_FLTDIV, RIP);
	EXPECT(19, 0, 0x08, LX_SIGFPE, LX_FPE_FLTOVF, RIP);
	EXPECT(16, 0, 0x10, LX_SIGFPE, LX_FPE_FLTUND, RIP);
	EXPECT(16, 0, 0x20, LX_SIGFPE, LX_FPE_FLTRES, RIP);
	EXPECT(19, 0, 0x0c, LX_SIGFPE, LX_FPE_FLTDIV, RIP);    /* the first that counts */
	EXPECT(19, 0, 0, LX_SIGFPE, 0, RIP);
}

HTEST(garbage_vectors_still_end_the_process)
{
	static const uint32_t odd[] = { 2, 7, 8, 9, 15, 18, 20, 31, 32, 255, 0xffffffffu };

	for (unsigned i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		struct lx_fault_sig s = classify(odd[i], 0xffffffffu, 0xffffffffu);

		HT_ASSERT_MSG(s.sig == LX_SIGSEGV && s.code == LX_SI_KERNEL && s.addr == 0,
		              "vector %u: sig %d code %d", odd[i], s.sig, s.code);
	}
}
