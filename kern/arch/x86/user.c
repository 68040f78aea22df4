/* SPDX-License-Identifier: MIT */
/*
 * user.c - user-mode plumbing (arch/user.h): the syscall MSRs, fresh user
 * contexts, and the per-switch update of cr3, TSS.rsp0 and the syscall
 * stack (called from kthread.c).
 */
#include <arch/kthread.h>
#include <arch/mmu.h>
#include <arch/percpu.h>
#include <arch/user.h>
#include <arch/x86.h>
#include <kstring.h>
#include <percpu.h>
#include <pmap.h>

extern char syscall_entry[];

#define SFMASK_BITS (RFLAGS_IF | (1u << 8) /* TF */ | (1u << 10) /* DF */ | (1u << 18) /* AC */)

void arch_user_init_core(void)
{
	write_msr(MSR_EFER, read_msr(MSR_EFER) | EFER_SCE);
	/* sysret would load CS from STAR[63:48] + 16 and SS from + 8; syscall
	 * loads the kernel's from STAR[47:32]. */
	write_msr(MSR_STAR, ((uint64_t)(GD_UT32 | 3) << 48) | ((uint64_t)GD_KT << 32));
	write_msr(MSR_LSTAR, (uint64_t)syscall_entry);
	write_msr(MSR_SFMASK, SFMASK_BITS);
}

void user_ctx_init(struct hw_trapframe *tf, uintptr_t entry, uintptr_t sp)
{
	memset(tf, 0, sizeof(*tf));
	tf->rip = entry;
	tf->rsp = sp;
	tf->cs = GD_UT | 3;
	tf->ss = GD_UD | 3;
	tf->rflags = RFLAGS_IF | 0x2;     /* bit 1 is always set */
	tf->vector = T_SYSCALL;
}

void arch_kthread_switch_space(uint64_t cr3, uintptr_t kstack_top)
{
	uint64_t want = cr3 ? cr3 : PADDR(kern_pml4);
	struct percpu *pc = this_cpu();

	if (read_cr3() != want)
		write_cr3(want);
	if (cr3) {
		pc->kstack_top = kstack_top;
		pc->arch.tss.rsp[0] = kstack_top;
	}
}
