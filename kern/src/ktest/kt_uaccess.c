/* SPDX-License-Identifier: MIT */
/*
 * kt_uaccess.c - ktests of the user-memory copies (uaccess.h) against real
 * page faults in the running kernel.
 *
 * There are no processes yet, so a test borrows the lower half of the
 * kernel's own page tables: it maps one zeroed page at a user address
 * (KT_UVA, or the last page below USER_LIMIT) with pmap_map_range, leaves
 * the page after it unmapped, and unmaps it at the end.  A fault on the
 * unmapped side goes through trap_dispatch and the exception table; the
 * kernel carrying on to the next assertion is itself part of the check.
 *
 * The first mapping at an address allocates page-table pages that pmap
 * never frees, so these tests skip the runner's leak check and run their
 * own (kt_uaccess_run): they create the tables first, then compare the
 * allocators' counters around the body.
 */
#include <arch/mmu.h>
#include <errno.h>
#include <kstring.h>
#include <ktest.h>
#include <leakcheck.h>
#include <page.h>
#include <pmap.h>
#include <uaccess.h>

#define KT_UVA      0x400000UL                   /* mapped; the next page is not */
#define KT_UVA_TOP  (USER_LIMIT - PGSIZE)        /* the last user page */
#define KT_KPTR     ((void *)KERN_LOAD_ADDR)

struct kt_upage {
	uint8_t *kva;           /* the page through the direct map */
	uintptr_t uva;          /* where it is mapped in the user half */
};

static bool kt_upage_map(struct kt_upage *u, uintptr_t uva)
{
	u->uva = uva;
	u->kva = kpage_zalloc(MEM_WAIT);
	if (!u->kva)
		return false;
	if (pmap_map_range(kern_pml4, uva, PADDR(u->kva), PGSIZE, PTE_W | PTE_U, MEM_WAIT)) {
		kpage_free(u->kva);
		return false;
	}
	return true;
}

static void kt_upage_unmap(struct kt_upage *u)
{
	pmap_unmap_range(kern_pml4, u->uva, PGSIZE);
	kpage_free(u->kva);
}

static void *kt_uptr(const struct kt_upage *u, size_t off)
{
	return (void *)(u->uva + off);
}

/* Maps and runs body with its own leak check (see the file comment). */
static void kt_uaccess_run(uintptr_t uva, void (*body)(struct kt_upage *u))
{
	struct leak_snapshot before, after;
	struct kt_upage u;

	if (!kt_upage_map(&u, uva)) {       /* builds the page tables for uva */
		ktest_fail(__FILE__, __LINE__, "cannot map a test page at %#lx", uva);
		return;
	}
	kt_upage_unmap(&u);
	leak_snapshot_take(&before);
	if (!kt_upage_map(&u, uva)) {
		ktest_fail(__FILE__, __LINE__, "cannot map a test page at %#lx", uva);
		return;
	}
	body(&u);
	kt_upage_unmap(&u);
	leak_snapshot_take(&after);
	if (!ktest_current_failed() && !leak_snapshot_equal(&before, &after))
		ktest_fail(__FILE__, __LINE__, "leak: %s", leak_snapshot_diff(&before, &after));
}

#define KT_UACCESS(name_, uva_)                                                   \
	static void kt_uaccess_body_##name_(struct kt_upage *u);                  \
	KTEST_FLAGS(uaccess, name_, KTEST_NO_LEAK_CHECK)                          \
	{                                                                         \
		kt_uaccess_run(uva_, kt_uaccess_body_##name_);                    \
	}                                                                         \
	static void kt_uaccess_body_##name_(struct kt_upage *u)

/* ------------------------------------------------------------- tests */

KT_UACCESS(copy_round_trip, KT_UVA)
{
	uint8_t buf[256], back[256];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i ^ 0x5c);
	KT_ASSERT_EQ(copy_to_user(kt_uptr(u, 100), buf, sizeof(buf)), 0);
	KT_ASSERT(memcmp(u->kva + 100, buf, sizeof(buf)) == 0);
	KT_ASSERT_EQ(copy_from_user(back, kt_uptr(u, 100), sizeof(back)), 0);
	KT_ASSERT(memcmp(back, buf, sizeof(buf)) == 0);
	KT_ASSERT_EQ(copy_from_user(back, kt_uptr(u, 0), 0), 0);
}

KT_UACCESS(unmapped_is_efault, KT_UVA)
{
	void *next = kt_uptr(u, PGSIZE);
	uint8_t buf[16];

	KT_ASSERT(!pmap_lookup(kern_pml4, u->uva + PGSIZE, NULL, NULL));
	KT_ASSERT(!pmap_lookup(kern_pml4, 0, NULL, NULL));
	memset(buf, 0xaa, sizeof(buf));
	KT_ASSERT_EQ(copy_from_user(buf, next, 8), -EFAULT);
	KT_ASSERT_EQ(buf[0], 0xaa);
	KT_ASSERT_EQ(copy_to_user(next, buf, 8), -EFAULT);
	KT_ASSERT_EQ(copy_from_user(buf, NULL, 8), -EFAULT);
	KT_ASSERT_EQ(copy_to_user((void *)0x7f0000001000UL, buf, 8), -EFAULT);
	KT_ASSERT_EQ(copy_from_user_partial(buf, next, 8), 0);
}

/* Kernel memory is mapped: only the range check can refuse these. */
KT_UACCESS(kernel_addresses_refused, KT_UVA)
{
	uint8_t secret[16], buf[16];
	char s[16];
	uint64_t v = 1;
	uint32_t w = 1;

	memset(secret, 0x77, sizeof(secret));
	memset(buf, 0, sizeof(buf));
	KT_ASSERT_EQ(copy_from_user(buf, secret, sizeof(buf)), -EFAULT);
	KT_ASSERT_EQ(buf[0], 0);
	KT_ASSERT_EQ(copy_to_user(secret, buf, sizeof(buf)), -EFAULT);
	KT_ASSERT_EQ(secret[0], 0x77);
	KT_ASSERT_EQ(copy_from_user(buf, KT_KPTR, 8), -EFAULT);
	KT_ASSERT_EQ(copy_from_user(buf, u->kva, 8), -EFAULT);          /* direct map */
	KT_ASSERT_EQ(copy_to_user_partial(secret, buf, 8), 0);
	KT_ASSERT_EQ(copy_from_user_partial(buf, KT_KPTR, 8), 0);
	KT_ASSERT_EQ(strncpy_from_user(s, (const char *)KT_KPTR, sizeof(s)), -EFAULT);
	KT_ASSERT_EQ(get_user_u64(&v, secret), -EFAULT);
	KT_ASSERT_EQ(v, 1);
	KT_ASSERT_EQ(get_user_u32(&w, KT_KPTR), -EFAULT);
	KT_ASSERT_EQ(put_user_u64(secret, 0), -EFAULT);
	KT_ASSERT_EQ(put_user_u32(secret, 0), -EFAULT);
	KT_ASSERT_EQ(cmpxchg_user_u32(secret, &w, 0), -EFAULT);
	KT_ASSERT_EQ(secret[0], 0x77);
}

KT_UACCESS(wrapping_and_huge_lengths, KT_UVA)
{
	static uint8_t dst[2 * PGSIZE];

	KT_ASSERT_EQ(copy_from_user(dst, (void *)(UINTPTR_MAX - 7), 16), -EFAULT);
	KT_ASSERT_EQ(copy_to_user((void *)(UINTPTR_MAX - 7), dst, 16), -EFAULT);
	KT_ASSERT_EQ(copy_from_user(dst, kt_uptr(u, 0), SIZE_MAX), -EFAULT);
	KT_ASSERT_EQ(copy_to_user(kt_uptr(u, 0), dst, SIZE_MAX), -EFAULT);
	/* In range but huge: copies the mapped page, stops at the fault. */
	memset(u->kva, 0x3c, PGSIZE);
	memset(dst, 0xee, sizeof(dst));
	KT_ASSERT_EQ(copy_from_user_partial(dst, kt_uptr(u, 0), SIZE_MAX), PGSIZE);
	KT_ASSERT_EQ(dst[PGSIZE - 1], 0x3c);
	KT_ASSERT_EQ(dst[PGSIZE], 0xee);
	KT_ASSERT_EQ(copy_from_user(dst, kt_uptr(u, 0), USER_LIMIT - u->uva), -EFAULT);
	KT_ASSERT_EQ(dst[PGSIZE], 0xee);
}

KT_UACCESS(partial_at_page_edge, KT_UVA)
{
	uint8_t src[32], buf[32];
	void *edge = kt_uptr(u, PGSIZE - 10);

	for (int i = 0; i < 32; i++)
		src[i] = (uint8_t)(0x40 + i);
	KT_ASSERT_EQ(copy_to_user(edge, src, 20), -EFAULT);
	KT_ASSERT(memcmp(u->kva + PGSIZE - 10, src, 10) == 0);
	memset(buf, 0, sizeof(buf));
	KT_ASSERT_EQ(copy_from_user(buf, edge, 20), -EFAULT);
	KT_ASSERT(memcmp(buf, src, 10) == 0);
	KT_ASSERT_EQ(buf[10], 0);
	KT_ASSERT_EQ(copy_from_user_partial(buf, edge, 20), 10);
	KT_ASSERT_EQ(copy_to_user_partial(edge, src + 1, 20), 10);
	KT_ASSERT_EQ(u->kva[PGSIZE - 10], 0x41);
	KT_ASSERT_EQ(copy_from_user(buf, edge, 10), 0);
}

KT_UACCESS(strings, KT_UVA)
{
	char s[8], big[64];
	char *edge = kt_uptr(u, PGSIZE - 3);

	memcpy(u->kva, "hello", 6);
	KT_ASSERT_EQ(strncpy_from_user(s, kt_uptr(u, 0), sizeof(s)), 5);
	KT_ASSERT(strcmp(s, "hello") == 0);
	memcpy(u->kva, "12345678", 9);
	KT_ASSERT_EQ(strncpy_from_user(s, kt_uptr(u, 0), sizeof(s)), -ENAMETOOLONG);
	KT_ASSERT_EQ(s[7], '\0');
	KT_ASSERT_EQ(strncpy_from_user(s, kt_uptr(u, 1), sizeof(s)), 7);
	KT_ASSERT_EQ(strncpy_from_user(s, kt_uptr(u, 0), 0), -EINVAL);
	memcpy(u->kva + PGSIZE - 3, "abc", 3);      /* unterminated at the edge */
	KT_ASSERT_EQ(strncpy_from_user(big, edge, sizeof(big)), -EFAULT);
	KT_ASSERT(strcmp(big, "abc") == 0);
	KT_ASSERT_EQ(strncpy_from_user(big, edge, SIZE_MAX), -EFAULT);
	KT_ASSERT_EQ(strncpy_from_user(big, kt_uptr(u, PGSIZE), sizeof(big)), -EFAULT);
}

/* The last user page: a string or copy may not run into USER_LIMIT. */
KT_UACCESS(user_limit_edge, KT_UVA_TOP)
{
	static uint8_t dst[PGSIZE + 16];
	char s[32];

	memset(u->kva, 'x', PGSIZE);                /* no NUL anywhere */
	KT_ASSERT_EQ(copy_from_user(dst, kt_uptr(u, 0), PGSIZE), 0);
	KT_ASSERT_EQ(copy_from_user(dst, kt_uptr(u, 0), PGSIZE + 1), -EFAULT);
	KT_ASSERT_EQ(copy_from_user_partial(dst, kt_uptr(u, 0), PGSIZE + 16), PGSIZE);
	KT_ASSERT_EQ(copy_to_user_partial(kt_uptr(u, PGSIZE - 4), dst, 16), 4);
	KT_ASSERT_EQ(strncpy_from_user(s, kt_uptr(u, PGSIZE - 5), sizeof(s)), -EFAULT);
	KT_ASSERT(strcmp(s, "xxxxx") == 0);
	KT_ASSERT_EQ(strncpy_from_user(s, kt_uptr(u, PGSIZE - 5), 5), -ENAMETOOLONG);
	u->kva[PGSIZE - 1] = '\0';
	KT_ASSERT_EQ(strncpy_from_user(s, kt_uptr(u, PGSIZE - 5), sizeof(s)), 4);
	KT_ASSERT_EQ(put_user_u64(kt_uptr(u, PGSIZE - 8), 42), 0);
	KT_ASSERT_EQ(*(uint64_t *)(u->kva + PGSIZE - 8), 42);
}

KT_UACCESS(words_and_cmpxchg, KT_UVA)
{
	uint64_t v = 0;
	uint32_t w = 0, expected = 5;
	void *next = kt_uptr(u, PGSIZE);

	KT_ASSERT_EQ(put_user_u64(kt_uptr(u, 8), 0x0102030405060708ULL), 0);
	KT_ASSERT_EQ(get_user_u64(&v, kt_uptr(u, 8)), 0);
	KT_ASSERT_EQ(v, 0x0102030405060708ULL);
	KT_ASSERT_EQ(put_user_u32(kt_uptr(u, 4), 5), 0);
	KT_ASSERT_EQ(get_user_u32(&w, kt_uptr(u, 4)), 0);
	KT_ASSERT_EQ(w, 5);
	KT_ASSERT_EQ(get_user_u64(&v, kt_uptr(u, 4)), -EINVAL);
	KT_ASSERT_EQ(put_user_u32(kt_uptr(u, 2), 1), -EINVAL);
	KT_ASSERT_EQ(cmpxchg_user_u32(kt_uptr(u, 4), &expected, 6), 0);
	KT_ASSERT_EQ(*(uint32_t *)(u->kva + 4), 6);
	KT_ASSERT_EQ(cmpxchg_user_u32(kt_uptr(u, 4), &expected, 7), -EAGAIN);
	KT_ASSERT_EQ(expected, 6);
	v = 9;
	KT_ASSERT_EQ(get_user_u64(&v, next), -EFAULT);
	KT_ASSERT_EQ(v, 9);
	KT_ASSERT_EQ(get_user_u32(&w, next), -EFAULT);
	KT_ASSERT_EQ(put_user_u64(next, 1), -EFAULT);
	KT_ASSERT_EQ(put_user_u32(next, 1), -EFAULT);
	KT_ASSERT_EQ(cmpxchg_user_u32(next, &expected, 1), -EFAULT);
}

/* A read-only user page: reads work, every kind of write faults. */
KT_UACCESS(read_only_page, KT_UVA)
{
	uint32_t v = 0, expected = 3;

	*(uint32_t *)u->kva = 3;
	KT_ASSERT_EQ(pmap_protect_range(kern_pml4, u->uva, PGSIZE, PTE_U), 0);
	KT_ASSERT_EQ(get_user_u32(&v, kt_uptr(u, 0)), 0);
	KT_ASSERT_EQ(v, 3);
	KT_ASSERT_EQ(put_user_u32(kt_uptr(u, 0), 4), -EFAULT);
	KT_ASSERT_EQ(copy_to_user(kt_uptr(u, 16), &v, sizeof(v)), -EFAULT);
	KT_ASSERT_EQ(cmpxchg_user_u32(kt_uptr(u, 0), &expected, 4), -EFAULT);
	KT_ASSERT_EQ(*(uint32_t *)u->kva, 3);
}
