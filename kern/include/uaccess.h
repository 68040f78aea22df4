/* SPDX-License-Identifier: MIT */
/*
 * uaccess.h - the only way the kernel touches user memory.
 *
 *	if (copy_from_user(&args, uargs, sizeof(args)))     (0 or -EFAULT)
 *		return -EFAULT;
 *	n = strncpy_from_user(path, upath, sizeof(path));   (length or -errno)
 *	if (copy_to_user(ubuf, data, len)) return -EFAULT;
 *
 * Model: every routine first checks the range against USER_LIMIT
 * (user_range_ok: below the limit, no wrap), so a kernel address is refused
 * before it is dereferenced.  The access itself runs in a few instructions
 * listed in the exception table (.ex_table, entries struct ex_table_entry);
 * a page fault or #GP on one of them resumes at its fixup (trap_dispatch
 * asks uaccess_fixup_addr), and the routine returns -EFAULT, unless
 * uaccess_fault_in() (below) resolves the fault and the access is retried.
 * A bad user pointer is never a kernel fault.  The copies run with
 * interrupts as the caller has them and may fault: call them only where a
 * page fault may be taken (not with a spinlock that the fault path needs).
 * From a context that may sleep they may sleep (in uaccess_fault_in, for
 * the mm's lock or a page), so a syscall batch armed to detach may detach
 * there.  They do not pin pages: the data may change under a racing user.
 *
 * Implementation: kern/arch/x86/uaccess.c.  Host tests: tests/host/uaccess.mk.
 *
 * Field tags ([I], [l], ...): the legend in Documentation/style.md.
 */
#pragma once

#include <ros/mmu64.h>
#include <types.h>

/* Marks a pointer that user space handed over; never dereference it. */
#ifndef __user
#define __user
#endif

/* True when [p, p + len) lies below USER_LIMIT without wrapping. */
static inline bool user_range_ok(uintptr_t p, size_t len)
{
	return p <= USER_LIMIT && len <= USER_LIMIT - p;
}

/* All of it or -EFAULT (then dst holds the bytes before the faulting one). */
int copy_from_user(void *dst, const void __user *usrc, size_t len);
int copy_to_user(void __user *udst, const void *src, size_t len);

/*
 * The longest accessible prefix: copies until the first byte that faults or
 * lies at or above USER_LIMIT and returns how many bytes were copied (len
 * when all of them were).  For read/write-style calls that report partial
 * progress.
 */
size_t copy_from_user_partial(void *dst, const void __user *usrc, size_t len);
size_t copy_to_user_partial(void __user *udst, const void *src, size_t len);

/*
 * Copies a NUL-terminated string of at most size - 1 bytes plus its NUL
 * into dst[size].  Returns its length, -EFAULT (a byte faulted or the
 * string runs into USER_LIMIT), -ENAMETOOLONG (no NUL among the first size
 * bytes) or -EINVAL (size 0).  dst is NUL-terminated on every return with
 * size > 0, holding the prefix that was read.
 */
ssize_t strncpy_from_user(char *dst, const char __user *usrc, size_t size);

/*
 * Single naturally aligned accesses (atomic with respect to the user's own
 * accesses): 0, -EFAULT, or -EINVAL for a misaligned address.  *val is
 * written only on success.
 */
int get_user_u32(uint32_t *val, const void __user *uaddr);
int get_user_u64(uint64_t *val, const void __user *uaddr);
int put_user_u32(void __user *uaddr, uint32_t val);
int put_user_u64(void __user *uaddr, uint64_t val);

/*
 * Atomic compare-and-swap on a user word (for flag protocols such as
 * SC_K_LOCK): stores desired if the word equals *expected and returns 0;
 * otherwise returns -EAGAIN with the current value in *expected.  -EFAULT
 * or -EINVAL (misaligned) as above.
 */
int cmpxchg_user_u32(void __user *uaddr, uint32_t *expected, uint32_t desired);

/*
 * The slow path of every routine above.  The fault handler resolves a
 * fault on a user page only without sleeping (mm_fault_atomic: it fails
 * while another core holds the mm's lock, or when a page must wait for
 * memory or be read in); the routine then calls this once per fault, and
 * retries the access (at most UACCESS_RETRIES times) if it says true.  It
 * resolves the fault at uaddr with a fault that may sleep (mm_fault), when
 * the caller may sleep: a kthread with an address space loaded, interrupts
 * on, not in IRQ context, no spinlock held (known with
 * CONFIG_SPINLOCK_DEBUG).  Otherwise, or for an address with no page to
 * give (no region, wrong protection), false: the access fails with EFAULT.
 * Kernel: kern/src/vm/mm_uaccess.c; the host tests give their own.
 */
#define UACCESS_RETRIES 8
bool uaccess_fault_in(const void __user *uaddr, bool write);

/*
 * The exception table.  Each entry names a faulting instruction and where
 * to resume, as 32-bit offsets from the field itself (position independent,
 * no relocations, half the size of two pointers).  The linker script
 * collects .ex_table between ex_table_start and ex_table_end.
 */
struct ex_table_entry {
	int32_t insn;   /* [I] instruction address - &insn */
	int32_t fixup;  /* [I] resume address - &fixup */
};

extern const struct ex_table_entry ex_table_start[], ex_table_end[];

/* The fixup address for a fault at ip, or 0 when ip is not in the table. */
uintptr_t uaccess_fixup_addr(uintptr_t ip);
