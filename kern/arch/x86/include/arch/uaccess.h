/* SPDX-License-Identifier: MIT */
/*
 * arch/uaccess.h - the x86 primitives of user access: single loads,
 * stores and a cmpxchg, each one instruction listed in the exception
 * table, and the block copy (rep movsq, then rep movsb).
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
 * Copies len bytes; returns how many were NOT copied (0 on success).  Whole
 * words first (rep movsq: an eighth of the iterations), then the rest byte
 * by byte.  A fault in the word phase leaves %rdi/%rsi at the faulting word
 * and %rcx at the words not copied; the byte phase then goes on from there
 * and stops at the exact faulting byte, so partial progress stays exact.
 */
static inline size_t uaccess_copy_raw(void *dst, const void *src, size_t len)
{
	size_t words = len >> 3, bytes;

	__asm__ __volatile__("1:	rep movsq\n\t"
	                     "2:\n\t"
	                     EX_ENTRY("1b", "2b")
	                     : "+D"(dst), "+S"(src), "+c"(words)
	                     :
	                     : "memory");
	bytes = (words << 3) + (len & 7);
	__asm__ __volatile__("1:	rep movsb\n\t"
	                     "2:\n\t"
	                     EX_ENTRY("1b", "2b")
	                     : "+D"(dst), "+S"(src), "+c"(bytes)
	                     :
	                     : "memory");
	return bytes;
}
