/* SPDX-License-Identifier: MIT */
/*
 * trap.c - the IDT, trap dispatch, kernel faults and IRQ registration.
 *
 * One IDT serves every core.  trap_dispatch() is called by trapentry.S with
 * interrupts off.  CPU exceptions in kernel mode are kernel bugs: they print
 * the trap frame, the faulting address and a symbolized backtrace, then
 * panic (which stops the other cores and enters the monitor); the one
 * exception is a fault of the iretq to user mode, which kills the process
 * (user_return.c).  Everything
 * else goes to the handler registered for its vector; LAPIC-delivered
 * vectors are acknowledged (EOI) after their handler returns.
 *
 * Registration (register_irq_handler) takes a spinlock; dispatch reads the
 * table without a lock: a slot is written before its interrupt source is
 * unmasked, and unregister_irq_handler() runs only after the source is
 * masked (a dispatch that already read the handler may still run it).
 * Vectors VEC_DYN_FIRST..VEC_DYN_LAST (MSI, MSI-X) are handed out by
 * irq_vector_alloc(): a bitmap under "irq_vectors", dropped before the
 * handler is registered under "irq_reg", so the two never nest.
 */
#include <arch/apic.h>
#include <arch/percpu.h>
#include <arch/trap.h>
#include <arch/user.h>
#include <arch/x86.h>
#include <assert.h>
#include <backtrace.h>
#include <cputime.h>
#include <errno.h>
#include <percpu.h>
#include <printk.h>
#include <spinlock.h>
#include <uaccess.h>

struct __packed idt_gate {
	uint16_t off_lo;
	uint16_t sel;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t off_mid;
	uint32_t off_hi;
	uint32_t reserved;
};

struct irq_slot {
	irq_handler_fn fn;
	void *data;
	const char *name;
	uint64_t count;
};

extern char trap_stubs[];

static struct idt_gate idt[NR_VECTORS] __aligned(16);
static struct irq_slot irq_slots[NR_VECTORS];
static spinlock_t irq_reg_lock = SPINLOCK_INITIALIZER("irq_reg");

static_assert_msg(__builtin_offsetof(struct hw_trapframe, cs) == 0x90 &&
                  __builtin_offsetof(struct hw_trapframe, rip) == 0x88 &&
                  __builtin_offsetof(struct hw_trapframe, vector) == 0x78 &&
                  sizeof(struct hw_trapframe) + 8 == 0xb8,
                  "trapentry.S reads CS, RIP, the vector and the IST percpu word here");

static const char *const exception_names[NR_EXCEPTIONS] = {
	[T_DIVIDE] = "divide error", [T_DEBUG] = "debug", [T_NMI] = "NMI",
	[T_BRKPT] = "breakpoint", [T_OFLOW] = "overflow", [T_BOUND] = "bound range",
	[T_ILLOP] = "invalid opcode", [T_DEVICE] = "device not available",
	[T_DBLFLT] = "double fault", [T_TSS] = "invalid TSS",
	[T_SEGNP] = "segment not present", [T_STACK] = "stack fault",
	[T_GPFLT] = "general protection", [T_PGFLT] = "page fault",
	[T_FPERR] = "x87 FPU error", [T_ALIGN] = "alignment check",
	[T_MCHK] = "machine check", [T_SIMDERR] = "SIMD error",
};

static void idt_set(int vec, int ist, int dpl)
{
	uint64_t off = (uint64_t)trap_stubs + 16 * vec;

	idt[vec] = (struct idt_gate){
		.off_lo = off & 0xffff,
		.sel = GD_KT,
		.ist = ist,
		.type_attr = 0x8e | (dpl << 5),    /* present, interrupt gate */
		.off_mid = (off >> 16) & 0xffff,
		.off_hi = off >> 32,
	};
}

void trap_init(void)
{
	for (int v = 0; v < NR_VECTORS; v++)
		idt_set(v, 0, 0);
	idt_set(T_DBLFLT, IST_DOUBLE_FAULT, 0);
	idt_set(T_NMI, IST_NMI, 0);
	idt_set(T_MCHK, IST_MACHINE_CHK, 0);
	idt_set(T_BRKPT, 0, 3);
	idt_set(VEC_SYSCALL, 0, 3);     /* int $0x80 from user mode */
}

void trap_load_idt(void)
{
	struct desc_ptr p = { .limit = sizeof(idt) - 1, .base = (uint64_t)idt };

	lidt(&p);
}

int register_irq_handler(int vector, irq_handler_fn fn, void *data, const char *name)
{
	uint64_t flags;
	int ret = 0;

	if (vector < NR_EXCEPTIONS || vector >= NR_VECTORS)
		return -EINVAL;
	flags = spin_lock_irqsave(&irq_reg_lock);
	if (irq_slots[vector].fn) {
		ret = -EBUSY;
	} else {
		irq_slots[vector].data = data;
		irq_slots[vector].name = name;
		WRITE_ONCE(irq_slots[vector].fn, fn);
	}
	spin_unlock_irqrestore(&irq_reg_lock, flags);
	return ret;
}

void unregister_irq_handler(int vector)
{
	uint64_t flags;

	if (vector < NR_EXCEPTIONS || vector >= NR_VECTORS)
		return;
	flags = spin_lock_irqsave(&irq_reg_lock);
	WRITE_ONCE(irq_slots[vector].fn, NULL);
	irq_slots[vector].data = NULL;
	irq_slots[vector].name = NULL;
	spin_unlock_irqrestore(&irq_reg_lock, flags);
}

void print_trapframe(const struct hw_trapframe *tf)
{
	printk("  rax %016lx rbx %016lx rcx %016lx\n", tf->rax, tf->rbx, tf->rcx);
	printk("  rdx %016lx rsi %016lx rdi %016lx\n", tf->rdx, tf->rsi, tf->rdi);
	printk("  rbp %016lx rsp %016lx r8  %016lx\n", tf->rbp, tf->rsp, tf->r8);
	printk("  r9  %016lx r10 %016lx r11 %016lx\n", tf->r9, tf->r10, tf->r11);
	printk("  r12 %016lx r13 %016lx r14 %016lx\n", tf->r12, tf->r13, tf->r14);
	printk("  r15 %016lx rip %016lx rflags %08lx\n", tf->r15, tf->rip, tf->rflags);
	printk("  cs %04lx ss %04lx vector %lu err %#lx cr2 %016lx cr3 %016lx\n",
	       tf->cs, tf->ss, tf->vector, tf->err, read_cr2(), read_cr3());
}

static const char *exception_name(uint64_t vec)
{
	const char *n = vec < NR_EXCEPTIONS ? exception_names[vec] : NULL;

	return n ? n : "reserved exception";
}

static void __noreturn kernel_fault(struct hw_trapframe *tf)
{
	printk("\nKERNEL FAULT on core %u: %s (vector %lu, error %#lx)",
	       core_id(), exception_name(tf->vector), tf->vector, tf->err);
	if (tf->vector == T_PGFLT)
		printk(" at address %#lx (%s, %s)", read_cr2(),
		       tf->err & 1 ? "protection" : "not present",
		       tf->err & 2 ? "write" : (tf->err & 16 ? "fetch" : "read"));
	printk("\n");
	print_trapframe(tf);
	backtrace_from(tf->rip, tf->rbp);
	panic("unhandled %s in the kernel", exception_name(tf->vector));
}

static void trap_irq(struct hw_trapframe *tf)
{
	struct irq_slot *s = &irq_slots[tf->vector];
	irq_handler_fn fn = READ_ONCE(s->fn);

	s->count++;
	if (fn)
		fn(tf, s->data);
	else if (tf->vector >= PIC_BASE_VECTOR && tf->vector < PIC_BASE_VECTOR + 16)
		return;         /* a spurious PIC IRQ: the PIC is masked, no EOI */
	else if (tf->vector != VEC_LAPIC_SPURIOUS)
		printk("trap: stray interrupt, vector %lu, on core %u\n",
		       tf->vector, core_id());
	if (tf->vector != VEC_LAPIC_SPURIOUS && tf->vector >= IRQ_BASE_VECTOR)
		lapic_eoi();
}

/*
 * A uaccess routine faulted on a user address.  A page the process may
 * have but does not yet (demand zero) is faulted in and the access retried;
 * anything else resumes at the routine's fixup, which returns -EFAULT.
 */
static void uaccess_fault(struct hw_trapframe *tf, uintptr_t fixup)
{
	if (tf->vector == T_PGFLT && read_cr2() < USER_LIMIT && user_demand_fault(tf, read_cr2()))
		return;
	tf->rip = fixup;
}

void trap_dispatch(struct hw_trapframe *tf);
void trap_dispatch(struct hw_trapframe *tf)
{
	struct percpu *pc = this_cpu();
	uintptr_t fixup;

	if (tf_from_user(tf) && tf->vector != T_NMI)
		cputime_user_exit();
	if (tf->vector < NR_EXCEPTIONS && tf->vector != T_NMI && tf_from_user(tf)) {
		/* A process's fault: handled like a syscall, in its kthread's
		 * context, with interrupts on (it may sleep or end the process). */
		irq_enable();
		user_exception(tf);
		user_before_return(tf);
		irq_disable();
		return;
	}
	if (tf->vector == VEC_SYSCALL && tf_from_user(tf)) {
		/* The fallback to the syscall instruction: same ABI.  From
		 * 32-bit code nothing runs: trap_return kills the process. */
		if (tf->cs != (GD_UT | 3))
			return;
		irq_enable();
		syscall_entry_c(tf);
		irq_disable();
		return;
	}
	if (tf_is_user_return_fault(tf))
		user_return_faulted(tf);        /* kills the process */
	pc->irq_depth++;
	pc->nr_irqs++;                  /* user_before_return looks for new ones */
	if (tf->vector == T_NMI)
		nmi_handler(tf);
	else if ((tf->vector == T_PGFLT || tf->vector == T_GPFLT) &&
	         (fixup = uaccess_fixup_addr(tf->rip)))
		uaccess_fault(tf, fixup);
	else if (tf->vector < NR_EXCEPTIONS)
		kernel_fault(tf);
	else
		trap_irq(tf);
	pc->irq_depth--;
	if (tf_from_user(tf) && tf->vector != T_NMI) {  /* not on the NMI stack */
		irq_enable();
		user_before_return(tf);
		irq_disable();
	}
}

bool in_irq_ctx(void)
{
	return this_cpu()->irq_depth != 0;
}

uint64_t irq_count(int vector)
{
	return vector >= 0 && vector < NR_VECTORS ? irq_slots[vector].count : 0;
}

/* ------------------------------------------------- dynamic vectors --- */

#define NR_DYN (VEC_DYN_LAST - VEC_DYN_FIRST + 1)

static spinlock_t irq_vectors_lock = SPINLOCK_INITIALIZER("irq_vectors");
static uint64_t irq_vectors_used[(NR_DYN + 63) / 64];  /* [irq_vectors_lock] */

static int vector_take(void)
{
	uint64_t flags = spin_lock_irqsave(&irq_vectors_lock);
	int vec = -ENOSPC;

	for (int i = 0; i < NR_DYN; i++) {
		if (!(irq_vectors_used[i / 64] & (1ull << (i % 64)))) {
			irq_vectors_used[i / 64] |= 1ull << (i % 64);
			vec = VEC_DYN_FIRST + i;
			break;
		}
	}
	spin_unlock_irqrestore(&irq_vectors_lock, flags);
	return vec;
}

static void vector_put(int vec)
{
	uint64_t flags = spin_lock_irqsave(&irq_vectors_lock);
	int i = vec - VEC_DYN_FIRST;

	irq_vectors_used[i / 64] &= ~(1ull << (i % 64));
	spin_unlock_irqrestore(&irq_vectors_lock, flags);
}

int irq_vector_alloc(irq_handler_fn fn, void *data, const char *name)
{
	int vec = vector_take();

	if (vec < 0)
		return vec;
	if (register_irq_handler(vec, fn, data, name)) {
		vector_put(vec);        /* someone registered it by hand */
		return -EBUSY;
	}
	return vec;
}

void irq_vector_free(int vector)
{
	if (vector < VEC_DYN_FIRST || vector > VEC_DYN_LAST)
		return;
	unregister_irq_handler(vector);
	vector_put(vector);
}
