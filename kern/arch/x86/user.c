/* SPDX-License-Identifier: MIT */
/*
 * user.c - user-mode plumbing (arch/user.h): the syscall MSRs, FPU and
 * SMEP setup of each core, fresh user contexts, the user's extended state
 * (FXSAVE image, FS/GS bases), and the per-switch update of that state,
 * cr3, TSS.rsp0 and the syscall stack (called from kthread.c).  What a
 * context may hold when it goes back to user mode is user_return.c's.
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
extern char syscall_compat_entry[];

/*
 * RFLAGS bits syscall clears on entry: IF (interrupts come back with sti),
 * TF (no single step into the kernel), DF (the C ABI), AC (alignment checks
 * and, with SMAP, user access), NT (iretq would #GP on it), IOPL and RF.
 * The user's RFLAGS (in %r11) is what trap_return cleans and restores.
 */
#define SFMASK_BITS (RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC | RFLAGS_NT | \
                     RFLAGS_IOPL | RFLAGS_RF)

#define CR4_OSFXSR     (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)
#define CR4_FSGSBASE   (1u << 16)
#define MXCSR_DEFAULT  0x1f80u          /* all SSE exceptions masked */
#define FCW_DEFAULT    0x037fu          /* all x87 exceptions masked */

/* x87 and SSE for user code: the kernel itself is built without them. */
static void user_fpu_init_core(void)
{
	uint64_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;

	write_cr0((read_cr0() | CR0_MP | CR0_NE) & ~(uint64_t)(CR0_EM | CR0_TS));
	if (cpuid(7, 0).ebx & 1)         /* FSGSBASE: user code may wrfsbase */
		cr4 |= CR4_FSGSBASE;
	write_cr4(cr4);
	__asm__ __volatile__("fninit");
}

void user_ext_init(struct user_ext *ux)
{
	memset(ux, 0, sizeof(*ux));
	*(uint16_t *)&ux->fx[0] = FCW_DEFAULT;
	*(uint32_t *)&ux->fx[24] = MXCSR_DEFAULT;
}

void user_ext_save(struct user_ext *ux)
{
	__asm__ __volatile__("fxsave64 %0" : "=m"(ux->fx));
	ux->fs_base = read_msr(MSR_FS_BASE);
	ux->gs_base = read_msr(MSR_KERNEL_GS_BASE);
}

void user_ext_load(const struct user_ext *ux)
{
	__asm__ __volatile__("fxrstor64 %0" : : "m"(ux->fx));
	write_msr(MSR_FS_BASE, ux->fs_base);
	write_msr(MSR_KERNEL_GS_BASE, ux->gs_base);
}

bool user_set_fs_base(struct user_ext *ux, uint64_t base)
{
	if (base >= USER_LIMIT)
		return false;
	ux->fs_base = base;
	write_msr(MSR_FS_BASE, base);
	return true;
}

/* SMEP: the kernel never runs code from a user page, even if something
 * (a call gate, a corrupted pointer) sends it there: that is a #PF. */
static void user_smep_init_core(void)
{
	if (cpuid(7, 0).ebx & (1u << 7))
		write_cr4(read_cr4() | CR4_SMEP);
}

void arch_user_init_core(void)
{
	user_fpu_init_core();
	user_smep_init_core();
	write_msr(MSR_EFER, read_msr(MSR_EFER) | EFER_SCE);
	/* sysret would load CS from STAR[63:48] + 16 and SS from + 8; syscall
	 * loads the kernel's from STAR[47:32]. */
	write_msr(MSR_STAR, ((uint64_t)(GD_UT32 | 3) << 48) | ((uint64_t)GD_KT << 32));
	write_msr(MSR_LSTAR, (uint64_t)syscall_entry);
	write_msr(MSR_CSTAR, (uint64_t)syscall_compat_entry);
	write_msr(MSR_SFMASK, SFMASK_BITS);
	/* sysenter stays unusable: with SYSENTER_CS 0 it raises #GP (Intel;
	 * AMD CPUs raise #UD in long mode), so it never reaches kernel code
	 * with the user's stack.  Whatever firmware left there is cleared. */
	write_msr(MSR_SYSENTER_CS, 0);
	write_msr(MSR_SYSENTER_ESP, 0);
	write_msr(MSR_SYSENTER_EIP, 0);
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

void arch_kthread_switch_space(struct user_ext *prev_ux, struct user_ext *next_ux,
                               uint64_t cr3, uintptr_t kstack_top)
{
	uint64_t want = cr3 ? cr3 : PADDR(kern_pml4);
	struct percpu *pc = this_cpu();

	if (prev_ux && prev_ux != next_ux)
		user_ext_save(prev_ux);
	if (next_ux && next_ux != prev_ux)
		user_ext_load(next_ux);

	if (read_cr3() != want)
		write_cr3(want);
	if (cr3) {
		pc->kstack_top = kstack_top;
		pc->arch.tss.rsp[0] = kstack_top;
	}
}
