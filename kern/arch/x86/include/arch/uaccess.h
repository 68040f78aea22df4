/* SPDX-License-Identifier: MIT */
/*
 * arch/uaccess.h - the x86 primitives of user access: single loads,
 * stores and a cmpxchg, each one instruction listed in the exception
 * table, the same as asm goto statements for the syscall path (a load,
 * and a record's completion: three accesses in one block), and the block
 * copies (rep movsq, then rep movsb).
 *
 * They do no range check and no retry: each returns 0, or -EFAULT when the
 * instruction faulted (resumed at its fixup by trap_dispatch); the copy
 * returns how many bytes it did not copy.  Callers
 * are the checked routines of uaccess.c (uaccess.h: they check the range
 * first and retry after uaccess_fault_in), and code that checked a whole
 * user structure itself (user_range_ok, and the alignment of each word)
 * and, when a primitive fails, falls back to the checked routine, which
 * faults the page in: the syscall dispatcher's copy of a record's head and
 * its completion (syscall/dispatch.c, syscall/async.c).  Never
 * hand them an address that was not checked against USER_LIMIT.
 */
#pragma once

#include <errno.h>
#include <types.h>

/* One table entry: the instruction at label 'insn' resumes at 'fixup'. */
#define EX_ENTRY(insn, fixup)                                   \
	".pushsection .ex_table, \"a\"\n\t"                    \
	".balign 4\n\t"                                         \
	".long (" insn ") - ., (" fixup ") - .\n\t"             \
	".popsection\n\t"

/*
 * A single access that may fault: err is preset to -EFAULT and cleared
 * only after insn, so a fault resumes at 2 with err still set.
 */
#define UACCESS_ONE(insn)                                       \
	"1:	" insn "\n\t"                                        \
	"	xorl %[err], %[err]\n\t"                              \
	"2:\n\t"                                                 \
	EX_ENTRY("1b", "2b")

static inline int uaccess_load_u8(uint8_t *val, const void *p)
{
	int err = -EFAULT;
	uint32_t v = 0;

	__asm__ __volatile__(UACCESS_ONE("movzbl (%[p]), %k[v]")
	                     : [err] "+r"(err), [v] "+r"(v)
	                     : [p] "r"(p)
	                     : "memory", "cc");
	*val = (uint8_t)v;
	return err;
}

static inline int uaccess_load_u32(uint32_t *val, const void *p)
{
	int err = -EFAULT;
	uint32_t v = 0;

	__asm__ __volatile__(UACCESS_ONE("movl (%[p]), %[v]")
	                     : [err] "+r"(err), [v] "+r"(v)
	                     : [p] "r"(p)
	                     : "memory", "cc");
	*val = v;
	return err;
}

static inline int uaccess_load_u64(uint64_t *val, const void *p)
{
	int err = -EFAULT;
	uint64_t v = 0;

	__asm__ __volatile__(UACCESS_ONE("movq (%[p]), %[v]")
	                     : [err] "+r"(err), [v] "+r"(v)
	                     : [p] "r"(p)
	                     : "memory", "cc");
	*val = v;
	return err;
}

static inline int uaccess_store_u32(void *p, uint32_t v)
{
	int err = -EFAULT;

	__asm__ __volatile__(UACCESS_ONE("movl %[v], (%[p])")
	                     : [err] "+r"(err)
	                     : [p] "r"(p), [v] "r"(v)
	                     : "memory", "cc");
	return err;
}

static inline int uaccess_store_u64(void *p, uint64_t v)
{
	int err = -EFAULT;

	__asm__ __volatile__(UACCESS_ONE("movq %[v], (%[p])")
	                     : [err] "+r"(err)
	                     : [p] "r"(p), [v] "r"(v)
	                     : "memory", "cc");
	return err;
}

/* lock cmpxchg; *cur gets the value found (== old when the swap happened). */
static inline int uaccess_cmpxchg_u32(void *p, uint32_t old, uint32_t desired, uint32_t *cur)
{
	int err = -EFAULT;
	uint32_t found = old;

	/* mov, not xor, clears err: xor would destroy the flags cmpxchg set. */
	__asm__ __volatile__("1:	lock cmpxchgl %[new], (%[p])\n\t"
	                     "	movl $0, %[err]\n\t"
	                     "2:\n\t"
	                     EX_ENTRY("1b", "2b")
	                     : [err] "+r"(err), "+a"(found)
	                     : [p] "r"(p), [new] "r"(desired)
	                     : "memory", "cc");
	*cur = found;
	return err;
}

/*
 * Two statements for the hottest path (syscall/dispatch.c), as asm goto:
 * a fault resumes at the C label `fault` (no error value to set and test).
 * Explicitly volatile: GCC 12 deletes an asm goto whose outputs are unused.
 *
 * UACCESS_LOAD_U32_OR(val, p, fault): val = the u32 at p.
 * UACCESS_SYSC_DONE_OR(u, rv, done, other): the common completion of a
 * struct syscall: u->err = 0, u->retval = rv, then u->flags from 0 to
 * `done` with lock cmpxchg; `other` when flags was not 0 (the two stores
 * happened) or an access faulted (those before it happened).  u must be
 * 8-byte aligned, and a struct syscall * (the caller includes ros/syscall.h).
 */
#define UACCESS_LOAD_U32_OR(val, p, fault)                                        \
	__asm__ __volatile__ goto("1:	movl %[um], %[uv]\n\t"                   \
	                          EX_ENTRY("1b", "%l[" #fault "]")                \
	                          : [uv] "=r"(val)                                \
	                          : [um] "m"(*(const uint32_t *)(p))              \
	                          : "memory"                                      \
	                          : fault)

#define UACCESS_SYSC_DONE_OR(u, rv, done, other)                                  \
	do {                                                                      \
		uint32_t found_ = 0;                                              \
		__asm__ __volatile__ goto(                                        \
			"1:	movl $0, %c[eo](%[up])\n\t"                            \
			"2:	movq %[uret], %c[ro](%[up])\n\t"                       \
			"3:	lock cmpxchgl %[nw], %c[fo](%[up])\n\t"                \
			"	jne %l[" #other "]\n\t"                                   \
			EX_ENTRY("1b", "%l[" #other "]")                          \
			EX_ENTRY("2b", "%l[" #other "]")                          \
			EX_ENTRY("3b", "%l[" #other "]")                          \
			: "+a"(found_)                                            \
			: [up] "r"(u), [uret] "r"(rv), [nw] "r"(done),            \
			  [eo] "i"(__builtin_offsetof(__typeof__(*(u)), err)),      \
			  [ro] "i"(__builtin_offsetof(__typeof__(*(u)), retval)),   \
			  [fo] "i"(__builtin_offsetof(__typeof__(*(u)), flags))     \
			: "memory", "cc"                                          \
			: other);                                                 \
	} while (0)

/* Copies n 8-byte words (rep movsq); returns how many were NOT copied. */
static inline size_t uaccess_copy_words(void *dst, const void *src, size_t n)
{
	__asm__ __volatile__("1:	rep movsq\n\t"
	                     "2:\n\t"
	                     EX_ENTRY("1b", "2b")
	                     : "+D"(dst), "+S"(src), "+c"(n)
	                     :
	                     : "memory");
	return n;
}

/*
 * Copies len bytes; returns how many were NOT copied (0 on success).  Whole
 * words first (rep movsq: an eighth of the iterations), then the rest byte
 * by byte.  A fault in the word phase leaves %rdi/%rsi at the faulting word
 * and %rcx at the words not copied; the byte phase then goes on from there
 * and stops at the exact faulting byte, so partial progress stays exact.
 */
static inline size_t uaccess_copy_raw(void *dst, const void *src, size_t len)
{
	size_t words = len >> 3, left = uaccess_copy_words(dst, src, words), bytes;

	dst = (char *)dst + ((words - left) << 3);
	src = (const char *)src + ((words - left) << 3);
	bytes = (left << 3) + (len & 7);
	__asm__ __volatile__("1:	rep movsb\n\t"
	                     "2:\n\t"
	                     EX_ENTRY("1b", "2b")
	                     : "+D"(dst), "+S"(src), "+c"(bytes)
	                     :
	                     : "memory");
	return bytes;
}
