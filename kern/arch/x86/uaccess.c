/* SPDX-License-Identifier: MIT */
/*
 * uaccess.c - copies to and from user memory, with exception-table fixups.
 *
 * Each public routine is two phases.  The C wrapper checks the user range
 * against USER_LIMIT (user_range_ok, or clips it for the partial and string
 * forms), so no kernel address is ever dereferenced on a user's behalf.
 * Then a primitive of a few instructions, written as inline assembly, does
 * the access; every instruction that may fault has an entry in .ex_table
 * (EX_ENTRY below).  When it faults, trap_dispatch finds the entry through
 * uaccess_fixup_addr() and resumes the primitive at its fixup label:
 *  - uaccess_copy_raw (rep movsq, then rep movsb for the rest) resumes just
 *    after the faulting instruction, where %rcx still holds the words or
 *    bytes not yet copied; the byte phase retries from the faulting word,
 *    so partial progress is exact to the byte;
 *  - the single loads, stores and cmpxchg preset their error register to
 *    -EFAULT and clear it only after the access, so the fixup skips the clear.
 *
 * The single-access primitives are inline in arch/uaccess.h, for the
 * callers here and for the few that check a whole structure once and then
 * access several of its words (the syscall completion).  The table is
 * searched linearly: it holds a few dozen entries.  The same file builds for the host tests, whose SIGSEGV handler plays
 * trap_dispatch's part (tests/host/test_uaccess.c).
 *
 * Not here: demand paging.  A fault on a user page that is merely not
 * present yet must be resolved by the page-fault handler before it falls
 * back to the fixup.  The handler never sleeps; when it could not resolve
 * the fault, the public routines ask uaccess_fault_in() (uaccess.h), which
 * may, and retry the access from where it stopped if it says so.  SMAP is not enabled; if it ever is, the primitives
 * need stac/clac around the access.
 */
#include <arch/uaccess.h>
#include <errno.h>
#include <uaccess.h>

/* ------------------------------------------------------- the table */

static uintptr_t ex_field_addr(const int32_t *field)
{
	return (uintptr_t)field + (intptr_t)*field;
}

uintptr_t uaccess_fixup_addr(uintptr_t ip)
{
	for (const struct ex_table_entry *e = ex_table_start; e < ex_table_end; e++) {
		if (ex_field_addr(&e->insn) == ip)
			return ex_field_addr(&e->fixup);
	}
	return 0;
}

/* ------------------------------------------------------ primitives */

/* ------------------------------------------------------ range rules */

/* How many of the len bytes at p lie below USER_LIMIT (a prefix). */
static size_t user_bytes_below_limit(uintptr_t p, size_t len)
{
	if (p >= USER_LIMIT)
		return 0;
	return len < USER_LIMIT - p ? len : USER_LIMIT - p;
}

static int user_word_check(const void *uaddr, size_t size)
{
	uintptr_t p = (uintptr_t)uaddr;

	if (p & (size - 1))
		return -EINVAL;
	return user_range_ok(p, size) ? 0 : -EFAULT;
}

/* ------------------------------------------------------ block copies */

/* After uaccess_copy_raw left 'left' of len bytes: retried from the
 * faulting byte after each fault that uaccess_fault_in resolved; returns
 * how many bytes were NOT copied.  The user side is uaddr (== dst for a
 * copy to user).  Out of line: the common copy never faults. */
static __attribute__((noinline)) size_t uaccess_copy_retry(void *dst, const void *src,
                                                         const void *uaddr, size_t len,
                                                         size_t left)
{
	bool write = dst == uaddr;

	for (int tries = 0; left && tries < UACCESS_RETRIES; tries++) {
		size_t done = len - left;

		if (!uaccess_fault_in((const uint8_t *)uaddr + done, write))
			break;
		dst = (uint8_t *)dst + done;
		src = (const uint8_t *)src + done;
		uaddr = (const uint8_t *)uaddr + done;
		len = left;
		left = uaccess_copy_raw(dst, src, len);
	}
	return left;
}

/* uaccess_copy_raw, then uaccess_copy_retry if that stopped at a fault. */
static inline size_t uaccess_copy(void *dst, const void *src, const void *uaddr, size_t len)
{
	size_t left = uaccess_copy_raw(dst, src, len);

	return __builtin_expect(left, 0) ? uaccess_copy_retry(dst, src, uaddr, len, left) : 0;
}

/* Copies all len bytes or fails: the user range is uaddr's. */
static inline int uaccess_copy_all(void *dst, const void *src, const void *uaddr, size_t len)
{
	if (!user_range_ok((uintptr_t)uaddr, len))
		return -EFAULT;
	return uaccess_copy(dst, src, uaddr, len) ? -EFAULT : 0;
}

/* Copies the prefix below USER_LIMIT until a fault; returns bytes copied. */
static size_t uaccess_copy_prefix(void *dst, const void *src, const void *uaddr,
                                  size_t len)
{
	size_t n = user_bytes_below_limit((uintptr_t)uaddr, len);

	return n - uaccess_copy(dst, src, uaddr, n);
}

int copy_from_user(void *dst, const void __user *usrc, size_t len)
{
	return uaccess_copy_all(dst, usrc, usrc, len);
}

int copy_to_user(void __user *udst, const void *src, size_t len)
{
	return uaccess_copy_all(udst, src, udst, len);
}

size_t copy_from_user_partial(void *dst, const void __user *usrc, size_t len)
{
	return uaccess_copy_prefix(dst, usrc, usrc, len);
}

size_t copy_to_user_partial(void __user *udst, const void *src, size_t len)
{
	return uaccess_copy_prefix(udst, src, udst, len);
}

/* Runs one single access (an expression giving 0 or -EFAULT) into err, and
 * again after each fault that uaccess_fault_in resolved. */
#define UACCESS_RETRY(err, access, uaddr, write)                                \
	do {                                                                    \
		int tries_ = 0;                                                 \
		while (((err) = (access)) == -EFAULT && tries_++ < UACCESS_RETRIES && \
		       uaccess_fault_in((uaddr), (write)))                      \
			;                                                       \
	} while (0)

/* ------------------------------------------------------------ strings */

ssize_t strncpy_from_user(char *dst, const char __user *usrc, size_t size)
{
	size_t n = user_bytes_below_limit((uintptr_t)usrc, size);
	uint8_t c;

	if (size == 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		int err;

		UACCESS_RETRY(err, uaccess_load_u8(&c, usrc + i), usrc + i, false);
		if (err) {
			dst[i] = '\0';
			return -EFAULT;
		}
		dst[i] = (char)c;
		if (c == '\0')
			return (ssize_t)i;
	}
	if (n < size) {                 /* ran into USER_LIMIT */
		dst[n] = '\0';
		return -EFAULT;
	}
	dst[size - 1] = '\0';
	return -ENAMETOOLONG;
}

/* ------------------------------------------------------------- words */

/* The retry of a single access after its first attempt faulted: once more
 * after each fault that uaccess_fault_in resolved.  Out of line, so the
 * common access is the check, the instruction and a test.  The access
 * itself is a macro argument, so each routine has its own. */
#define UACCESS_WORD_RETRY(name, params, access, uaddr, write)                  \
	static __attribute__((noinline)) int name params                        \
	{                                                                       \
		int err = -EFAULT;                                              \
                                                                                \
		for (int tries = 0; err == -EFAULT && tries < UACCESS_RETRIES &&  \
		     uaccess_fault_in((uaddr), (write)); tries++)              \
			err = (access);                                         \
		return err;                                                     \
	}

UACCESS_WORD_RETRY(load_u32_retry, (uint32_t *v, const void *p), uaccess_load_u32(v, p),
                   p, false)
UACCESS_WORD_RETRY(load_u64_retry, (uint64_t *v, const void *p), uaccess_load_u64(v, p),
                   p, false)
UACCESS_WORD_RETRY(store_u32_retry, (void *p, uint32_t v), uaccess_store_u32(p, v), p, true)
UACCESS_WORD_RETRY(store_u64_retry, (void *p, uint64_t v), uaccess_store_u64(p, v), p, true)
UACCESS_WORD_RETRY(cmpxchg_u32_retry, (void *p, uint32_t old, uint32_t new, uint32_t *cur),
                   uaccess_cmpxchg_u32(p, old, new, cur), p, true)

int get_user_u32(uint32_t *val, const void __user *uaddr)
{
	uint32_t v;
	int err = user_word_check(uaddr, sizeof(v));

	if (!err && (err = uaccess_load_u32(&v, uaddr)))
		err = load_u32_retry(&v, uaddr);
	if (!err)
		*val = v;
	return err;
}

int get_user_u64(uint64_t *val, const void __user *uaddr)
{
	uint64_t v;
	int err = user_word_check(uaddr, sizeof(v));

	if (!err && (err = uaccess_load_u64(&v, uaddr)))
		err = load_u64_retry(&v, uaddr);
	if (!err)
		*val = v;
	return err;
}

int put_user_u32(void __user *uaddr, uint32_t val)
{
	int err = user_word_check(uaddr, sizeof(val));

	if (!err && (err = uaccess_store_u32(uaddr, val)))
		err = store_u32_retry(uaddr, val);
	return err;
}

int put_user_u64(void __user *uaddr, uint64_t val)
{
	int err = user_word_check(uaddr, sizeof(val));

	if (!err && (err = uaccess_store_u64(uaddr, val)))
		err = store_u64_retry(uaddr, val);
	return err;
}

int cmpxchg_user_u32(void __user *uaddr, uint32_t *expected, uint32_t desired)
{
	uint32_t cur;
	int err = user_word_check(uaddr, sizeof(cur));

	if (!err && (err = uaccess_cmpxchg_u32(uaddr, *expected, desired, &cur)))
		err = cmpxchg_u32_retry(uaddr, *expected, desired, &cur);
	if (err)
		return err;
	if (cur == *expected)
		return 0;
	*expected = cur;
	return -EAGAIN;
}
