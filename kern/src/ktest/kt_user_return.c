/* SPDX-License-Identifier: MIT */
/*
 * kt_user_return.c - ktests of the CPU-state rules at the user boundary
 * (arch/user.h, user_return.c, user.c): the syscall MSRs and SMEP of the
 * running core, what trap_return refuses to load and how it cleans RFLAGS, and how
 * a fault of the iretq to user mode is recognised.  The same rules are
 * attacked from user space by /bin/hostile_cpu (tests/libc/hostile_cpu.c).
 */
#include <arch/irq.h>
#include <arch/percpu.h>
#include <arch/trap.h>
#include <arch/user.h>
#include <arch/x86.h>
#include <kstring.h>
#include <ktest.h>
#include <ros/mmu64.h>

extern char syscall_compat_entry[];
extern char trap_iret_user[];

static struct hw_trapframe kt_user_frame(void)
{
	return (struct hw_trapframe){
		.rip = 0x401000, .cs = GD_UT | 3, .rflags = RFLAGS_IF | 0x2,
		.rsp = 0x7fffffffe000, .ss = GD_UD | 3, .vector = T_SYSCALL,
	};
}

static bool kt_refused(struct hw_trapframe tf, const char *needle)
{
	char why[160] = "";
	size_t n = strlen(needle);

	if (!user_ctx_refused(&tf, why, sizeof(why)))
		return false;
	for (const char *p = why; *p; p++)
		if (!strncmp(p, needle, n))
			return true;
	return false;
}

KTEST(user_return, syscall_msrs)
{
	uint64_t mask = read_msr(MSR_SFMASK);

	KT_ASSERT((mask & (RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC | RFLAGS_NT)) ==
	          (RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC | RFLAGS_NT));
	KT_ASSERT((mask & RFLAGS_IOPL) == RFLAGS_IOPL);
	KT_ASSERT_EQ(read_msr(MSR_CSTAR), (uint64_t)syscall_compat_entry);
	KT_ASSERT_EQ(read_msr(MSR_SYSENTER_CS), 0);
	KT_ASSERT_EQ(read_msr(MSR_SYSENTER_EIP), 0);
}

KTEST(user_return, smep_when_the_cpu_has_it)
{
	if (!(cpuid(7, 0).ebx & (1u << 7)))
		return;                 /* no SMEP on this CPU */
	KT_ASSERT(read_cr4() & CR4_SMEP);
}

KTEST(user_return, sane_context_accepted)
{
	struct hw_trapframe tf = kt_user_frame();
	char why[160];

	KT_ASSERT(!user_ctx_refused(&tf, why, sizeof(why)));
	tf.rip = USER_LIMIT - 1;
	KT_ASSERT(!user_ctx_refused(&tf, why, sizeof(why)));
}

KTEST(user_return, compat_and_kernel_segments_refused)
{
	struct hw_trapframe tf = kt_user_frame();

	tf.cs = GD_UT32 | 3;
	KT_ASSERT(kt_refused(tf, "64-bit programs"));
	tf.cs = GD_KT;
	KT_ASSERT(kt_refused(tf, "code segment 0x8"));
	tf = kt_user_frame();
	tf.ss = 0;
	KT_ASSERT(kt_refused(tf, "stack segment"));
	tf.ss = GD_KD;
	KT_ASSERT(kt_refused(tf, "stack segment"));
}

KTEST(user_return, noncanonical_rip_refused)
{
	struct hw_trapframe tf = kt_user_frame();

	tf.rip = USER_LIMIT;            /* after a syscall in the last two bytes */
	KT_ASSERT(kt_refused(tf, "non-canonical"));
	tf.rip = 0xffff800000000000ul;
	KT_ASSERT(kt_refused(tf, "non-canonical"));
	tf.rip = 0x8000000000000000ul;
	KT_ASSERT(kt_refused(tf, "non-canonical"));
}

KTEST(user_return, rflags_cleaned)
{
	uint64_t dirty = RFLAGS_NT | RFLAGS_IOPL | RFLAGS_VM | RFLAGS_RF | (1ul << 19) |
	                 (1ul << 20) | (1ul << 40);
	uint64_t kept = RFLAGS_CF | RFLAGS_ZF | RFLAGS_DF | RFLAGS_AC | RFLAGS_TF | RFLAGS_ID;

	KT_ASSERT_EQ(user_rflags_clean(dirty), RFLAGS_IF | 0x2);
	KT_ASSERT_EQ(user_rflags_clean(dirty | kept), kept | RFLAGS_IF | 0x2);
	KT_ASSERT_EQ(user_rflags_clean(0), RFLAGS_IF | 0x2);
}

KTEST(user_return, iret_fault_recognised)
{
	struct hw_trapframe tf = { .rip = (uintptr_t)trap_iret_user, .cs = GD_KT,
	                           .vector = T_GPFLT };

	KT_ASSERT(tf_is_user_return_fault(&tf));
	tf.vector = T_SEGNP;
	KT_ASSERT(tf_is_user_return_fault(&tf));
	tf.vector = T_STACK;
	KT_ASSERT(tf_is_user_return_fault(&tf));
	tf.vector = T_NMI;              /* an NMI there is no fault of iretq */
	KT_ASSERT(!tf_is_user_return_fault(&tf));
	tf.vector = T_PGFLT;
	KT_ASSERT(!tf_is_user_return_fault(&tf));
	tf.vector = T_GPFLT;
	tf.rip++;
	KT_ASSERT(!tf_is_user_return_fault(&tf));
	tf.rip--;
	tf.cs = GD_UT | 3;              /* from user mode: an ordinary fault */
	KT_ASSERT(!tf_is_user_return_fault(&tf));
}

/*
 * An NMI between swapgs and iretq finds the user's GS base, which the user
 * may point anywhere.  Simulated: a decoy GS base (a zeroed buffer), then
 * `int $2` through the NMI gate.  The handler must run on the real percpu
 * (the decoy stays untouched) and the decoy must be the GS base afterwards.
 * Nothing between the two wrmsr may use this_cpu().
 */
static uint64_t kt_decoy_percpu[64] __aligned(64);

KTEST(user_return, nmi_sets_its_own_gs_base)
{
	uint64_t flags = irq_save();
	uint64_t real = read_msr(MSR_GS_BASE), seen;

	write_msr(MSR_GS_BASE, (uint64_t)kt_decoy_percpu);
	__asm__ __volatile__("int $2" ::: "memory");
	seen = read_msr(MSR_GS_BASE);
	write_msr(MSR_GS_BASE, real);
	irq_restore(flags);
	KT_ASSERT_EQ(seen, (uint64_t)kt_decoy_percpu);
	for (size_t i = 0; i < sizeof(kt_decoy_percpu) / 8; i++)
		KT_ASSERT_EQ(kt_decoy_percpu[i], 0);
}
