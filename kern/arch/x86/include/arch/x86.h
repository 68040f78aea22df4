/* SPDX-License-Identifier: MIT */
/*
 * arch/x86.h - thin inline wrappers around privileged x86-64 instructions:
 * port I/O, control registers, MSRs, CPUID, descriptor-table loads, TLB
 * invalidation and halting.
 *
 * Only kernel code includes this; host unit tests never do (they get their
 * interrupt and per-cpu shims from tests/host/arch/ instead).
 */
#pragma once

#include <types.h>

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ __volatile__("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	__asm__ __volatile__("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ __volatile__("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ __volatile__("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* A write to an unused port: about a microsecond on real hardware. */
static inline void io_delay(void)
{
	outb(0x80, 0);
}

static inline uint64_t read_cr0(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline void write_cr0(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline uint64_t read_cr2(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr3(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void write_cr3(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline uint64_t read_cr4(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void write_cr4(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline uint64_t read_msr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void write_msr(uint32_t msr, uint64_t v)
{
	__asm__ __volatile__("wrmsr" : : "c"(msr), "a"((uint32_t)v),
	                     "d"((uint32_t)(v >> 32)) : "memory");
}

static inline uint64_t read_tsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* rdtsc that cannot be hoisted above earlier loads (lfence first). */
static inline uint64_t read_tsc_serialized(void)
{
	__asm__ __volatile__("lfence" ::: "memory");
	return read_tsc();
}

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	__asm__ __volatile__("cpuid"
	                     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
	                     : "a"(leaf), "c"(subleaf));
	return r;
}

/* CPUID.1:ECX bit 31: a hypervisor (QEMU, KVM, ...) says it is there;
 * clear on bare metal.  For workarounds of emulated devices only. */
static inline bool cpu_under_hypervisor(void)
{
	return cpuid(1, 0).ecx & (1u << 31);
}

static inline void invlpg(uintptr_t va)
{
	__asm__ __volatile__("invlpg (%0)" : : "r"(va) : "memory");
}

static inline void tlbflush_all_nonglobal(void)
{
	write_cr3(read_cr3());
}

struct __packed desc_ptr {
	uint16_t limit;
	uint64_t base;
};

static inline void lgdt(const struct desc_ptr *p)
{
	__asm__ __volatile__("lgdt %0" : : "m"(*p));
}

static inline void lidt(const struct desc_ptr *p)
{
	__asm__ __volatile__("lidt %0" : : "m"(*p));
}

/* lldt(0) leaves no LDT: every selector with TI set faults (#GP). */
static inline void lldt(uint16_t sel)
{
	__asm__ __volatile__("lldt %0" : : "r"(sel));
}

static inline void ltr(uint16_t sel)
{
	__asm__ __volatile__("ltr %0" : : "r"(sel));
}

static inline uint64_t read_rbp(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%rbp, %0" : "=r"(v));
	return v;
}

/* MSR numbers the kernel uses. */
#define MSR_APIC_BASE       0x0000001b
#define MSR_SYSENTER_CS     0x00000174
#define MSR_SYSENTER_ESP    0x00000175
#define MSR_SYSENTER_EIP    0x00000176
#define MSR_EFER            0xc0000080
#define MSR_STAR            0xc0000081
#define MSR_LSTAR           0xc0000082
#define MSR_CSTAR           0xc0000083
#define MSR_SFMASK          0xc0000084
#define MSR_FS_BASE         0xc0000100
#define MSR_GS_BASE         0xc0000101
#define MSR_KERNEL_GS_BASE  0xc0000102
#define MSR_TSC_DEADLINE    0x000006e0

#define EFER_SCE  (1u << 0)
#define EFER_LME  (1u << 8)
#define EFER_NXE  (1u << 11)

#define CR0_PE (1u << 0)
#define CR0_MP (1u << 1)
#define CR0_EM (1u << 2)
#define CR0_TS (1u << 3)
#define CR0_NE (1u << 5)
#define CR0_WP (1u << 16)
#define CR0_PG (1u << 31)

#define CR4_PSE        (1u << 4)
#define CR4_PAE        (1u << 5)
#define CR4_PGE        (1u << 7)
#define CR4_OSFXSR     (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)
#define CR4_FSGSBASE   (1u << 16)
#define CR4_SMEP       (1u << 20)

#define RFLAGS_CF   (1ul << 0)
#define RFLAGS_PF   (1ul << 2)
#define RFLAGS_AF   (1ul << 4)
#define RFLAGS_ZF   (1ul << 6)
#define RFLAGS_SF   (1ul << 7)
#define RFLAGS_TF   (1ul << 8)
#define RFLAGS_IF   (1u << 9)
#define RFLAGS_DF   (1ul << 10)
#define RFLAGS_OF   (1ul << 11)
#define RFLAGS_IOPL (3ul << 12)
#define RFLAGS_NT   (1ul << 14)
#define RFLAGS_RF   (1ul << 16)
#define RFLAGS_VM   (1ul << 17)
#define RFLAGS_AC   (1ul << 18)
#define RFLAGS_ID   (1ul << 21)
