/* SPDX-License-Identifier: MIT */
/*
 * test_uaccess.c - host tests of kern/arch/x86/uaccess.c with real faults.
 *
 * A "user area" is two host pages, readable and writable, followed by a
 * PROT_NONE guard page.  Host addresses lie below USER_LIMIT, so the range
 * checks pass them as user pointers; addresses at or above USER_LIMIT play
 * kernel pointers.  The SIGSEGV/SIGBUS handler does what trap_dispatch does
 * in the kernel: look the faulting %rip up in the exception table, resume at
 * the fixup, and count the fault, so a test can tell a refusal by the range
 * check (no fault) from a caught fault.  A fault outside the table restores
 * the default action and kills the test.
 */
#define _GNU_SOURCE     /* REG_RIP */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "htest.h"
#include <uaccess.h>

#define PG 4096UL
#define KERNEL_PTR ((void *)0xffff800000001000UL)

static volatile int faults;

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	uintptr_t fix = uaccess_fixup_addr((uintptr_t)uc->uc_mcontext.gregs[REG_RIP]);

	(void)si;
	if (!fix) {
		signal(sig, SIG_DFL);   /* a real bug: let it kill the test */
		return;
	}
	faults++;
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)fix;
}

/*
 * The kernel's sleeping slow path (kern/src/vm/mm_uaccess.c), played here:
 * by default it cannot resolve anything (the guard page is unmapped for
 * good).  A test may name a page it "pages in": a fault there makes the
 * page readable and writable and says retry; fault_in_fake says retry
 * without fixing anything (a fault that keeps coming back).
 */
static uint8_t *fault_in_page;
static bool fault_in_fake;
static int fault_ins;

bool uaccess_fault_in(const void *uaddr, bool write)
{
	uintptr_t pg = (uintptr_t)uaddr & ~(PG - 1);

	(void)write;
	fault_ins++;
	if (fault_in_fake)
		return true;
	if (!fault_in_page || pg != (uintptr_t)fault_in_page)
		return false;
	HT_ASSERT(mprotect(fault_in_page, PG, PROT_READ | PROT_WRITE) == 0);
	fault_in_page = NULL;
	return true;
}

/* Two usable pages at the returned address, then a guard page. */
static uint8_t *area_setup(void)
{
	struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO };
	uint8_t *p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE,
	                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	HT_ASSERT(p != MAP_FAILED);
	HT_ASSERT(mprotect(p + 2 * PG, PG, PROT_NONE) == 0);
	sigemptyset(&sa.sa_mask);
	HT_ASSERT(sigaction(SIGSEGV, &sa, NULL) == 0);
	HT_ASSERT(sigaction(SIGBUS, &sa, NULL) == 0);
	faults = 0;
	fault_ins = 0;
	fault_in_page = NULL;
	fault_in_fake = false;
	return p;
}

static uint8_t *guard_of(uint8_t *area)
{
	return area + 2 * PG;
}

HTEST(range_ok_boundaries)
{
	HT_ASSERT(user_range_ok(0, 0));
	HT_ASSERT(user_range_ok(0, USER_LIMIT));
	HT_ASSERT(!user_range_ok(0, USER_LIMIT + 1));
	HT_ASSERT(user_range_ok(USER_LIMIT - 1, 1));
	HT_ASSERT(!user_range_ok(USER_LIMIT - 1, 2));
	HT_ASSERT(user_range_ok(USER_LIMIT, 0));
	HT_ASSERT(!user_range_ok(USER_LIMIT, 1));
	HT_ASSERT(!user_range_ok(USER_LIMIT + 1, 0));
	HT_ASSERT(!user_range_ok(0x1000, SIZE_MAX));
	HT_ASSERT(!user_range_ok(UINTPTR_MAX - 7, 16));     /* wraps to a low address */
	HT_ASSERT(!user_range_ok(UINTPTR_MAX, 1));
	HT_ASSERT(!user_range_ok(0xffff800000000000UL, 8));
}

HTEST(copy_whole_and_back)
{
	uint8_t *u = area_setup();
	uint8_t buf[2 * PG], back[2 * PG];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	HT_ASSERT_EQ(copy_to_user(u, buf, sizeof(buf)), 0);
	HT_ASSERT(memcmp(u, buf, sizeof(buf)) == 0);
	HT_ASSERT_EQ(copy_from_user(back, u, sizeof(back)), 0);
	HT_ASSERT(memcmp(back, buf, sizeof(buf)) == 0);
	HT_ASSERT_EQ(copy_from_user(back, u, 0), 0);
	HT_ASSERT_EQ(copy_from_user(back, guard_of(u), 0), 0);  /* nothing touched */
	HT_ASSERT_EQ(faults, 0);
}

HTEST(copy_unmapped_is_efault)
{
	uint8_t *u = area_setup();
	uint8_t buf[64];

	memset(buf, 0xaa, sizeof(buf));
	HT_ASSERT_EQ(copy_from_user(buf, guard_of(u), 8), -EFAULT);
	HT_ASSERT_EQ(buf[0], 0xaa);
	HT_ASSERT_EQ(copy_to_user(guard_of(u), buf, 8), -EFAULT);
	HT_ASSERT_EQ(copy_from_user(buf, NULL, 8), -EFAULT);
	HT_ASSERT_EQ(copy_to_user((void *)8, buf, 8), -EFAULT);
	HT_ASSERT_EQ(faults, 8);        /* each: its one word, then its first byte */
}

HTEST(kernel_addresses_refused_without_access)
{
	uint8_t *u = area_setup();
	char s[16];
	uint8_t buf[16];
	uint64_t v64 = 1;
	uint32_t v32 = 1;

	(void)u;
	HT_ASSERT_EQ(copy_from_user(buf, KERNEL_PTR, 8), -EFAULT);
	HT_ASSERT_EQ(copy_to_user(KERNEL_PTR, buf, 8), -EFAULT);
	HT_ASSERT_EQ(copy_from_user_partial(buf, KERNEL_PTR, 8), 0);
	HT_ASSERT_EQ(copy_to_user_partial(KERNEL_PTR, buf, 8), 0);
	HT_ASSERT_EQ(strncpy_from_user(s, KERNEL_PTR, sizeof(s)), -EFAULT);
	HT_ASSERT_EQ(s[0], '\0');
	HT_ASSERT_EQ(get_user_u64(&v64, KERNEL_PTR), -EFAULT);
	HT_ASSERT_EQ(v64, 1);
	HT_ASSERT_EQ(get_user_u32(&v32, KERNEL_PTR), -EFAULT);
	HT_ASSERT_EQ(put_user_u64(KERNEL_PTR, 5), -EFAULT);
	HT_ASSERT_EQ(put_user_u32(KERNEL_PTR, 5), -EFAULT);
	HT_ASSERT_EQ(cmpxchg_user_u32(KERNEL_PTR, &v32, 5), -EFAULT);
	/* A user start whose end reaches into the kernel half. */
	HT_ASSERT_EQ(copy_from_user(buf, (void *)(USER_LIMIT - 8), 16), -EFAULT);
	/* The test's own (host "user") pointers would pass, so these count. */
	HT_ASSERT_EQ(faults, 0);
}

HTEST(wrapping_and_huge_lengths)
{
	uint8_t *u = area_setup();
	uint8_t buf[16];

	HT_ASSERT_EQ(copy_from_user(buf, (void *)(UINTPTR_MAX - 7), 16), -EFAULT);
	HT_ASSERT_EQ(copy_to_user((void *)(UINTPTR_MAX - 7), buf, 16), -EFAULT);
	HT_ASSERT_EQ(copy_from_user(buf, u, SIZE_MAX), -EFAULT);
	HT_ASSERT_EQ(copy_to_user(u, buf, SIZE_MAX), -EFAULT);
	HT_ASSERT_EQ(copy_from_user(buf, u, USER_LIMIT), -EFAULT);
	HT_ASSERT_EQ(faults, 0);        /* all refused by the range check */
}

/* A huge length is clipped to USER_LIMIT and stops at the first fault. */
HTEST(huge_partial_stops_at_fault)
{
	uint8_t *u = area_setup();
	static uint8_t dst[3 * PG];

	memset(u, 0x5a, 2 * PG);
	memset(dst, 0xee, sizeof(dst));
	HT_ASSERT_EQ(copy_from_user_partial(dst, u + PG, SIZE_MAX), PG);
	HT_ASSERT_EQ(dst[PG - 1], 0x5a);
	HT_ASSERT_EQ(dst[PG], 0xee);            /* nothing past the fault */
	HT_ASSERT_EQ(faults, 2);                /* the word phase, then the byte phase */
}

HTEST(partial_copies_at_page_edge)
{
	uint8_t *u = area_setup();
	uint8_t *edge = guard_of(u) - 10;
	uint8_t buf[32], src[32];

	for (int i = 0; i < 32; i++)
		src[i] = (uint8_t)(0x40 + i);
	memset(edge, 0, 10);
	HT_ASSERT_EQ(copy_to_user(edge, src, 20), -EFAULT);
	HT_ASSERT(memcmp(edge, src, 10) == 0);   /* the bytes before the fault landed */
	memset(buf, 0, sizeof(buf));
	HT_ASSERT_EQ(copy_from_user(buf, edge, 20), -EFAULT);
	HT_ASSERT(memcmp(buf, src, 10) == 0);
	HT_ASSERT_EQ(buf[10], 0);
	HT_ASSERT_EQ(copy_from_user_partial(buf, edge, 20), 10);
	HT_ASSERT_EQ(copy_to_user_partial(edge, src + 1, 20), 10);
	HT_ASSERT_EQ(edge[0], 0x41);
	HT_ASSERT_EQ(copy_from_user_partial(buf, edge, 10), 10);
	HT_ASSERT_EQ(copy_from_user(buf, edge, 10), 0);
	/* Each failing copy faults twice: on the word that straddles the
	 * edge, then on the byte after the last good one. */
	HT_ASSERT_EQ(faults, 8);
}

/* Random offsets and lengths around the guard page, both directions. */
HTEST(random_edge_copies_match_model)
{
	uint8_t *u = area_setup();
	static uint8_t src[PG], dst[PG];
	int expect_faults = 0;

	for (int iter = 0; iter < 2000; iter++) {
		size_t off = htest_rand() % (PG + 1), len = htest_rand() % (PG + 1);
		uint8_t *p = guard_of(u) - off;
		size_t ok = len < off ? len : off;

		for (size_t i = 0; i < len; i++)
			src[i] = (uint8_t)htest_rand();
		HT_ASSERT_EQ(copy_to_user_partial(p, src, len), ok);
		HT_ASSERT(memcmp(p, src, ok) == 0);
		memset(dst, 0, len);
		HT_ASSERT_EQ(copy_from_user(dst, p, len), len <= off ? 0 : -EFAULT);
		HT_ASSERT(memcmp(dst, src, ok) == 0);
		/* Per copy: the byte phase faults when the copy runs past
		 * the edge; the word phase first when its words do. */
		expect_faults += 2 * ((len > off) + ((len & ~(size_t)7) > off));
	}
	HT_ASSERT_EQ(faults, expect_faults);
}

HTEST(strncpy_results)
{
	uint8_t *u = area_setup();
	char s[8];

	strcpy((char *)u, "hello");
	HT_ASSERT_EQ(strncpy_from_user(s, (char *)u, sizeof(s)), 5);
	HT_ASSERT(strcmp(s, "hello") == 0);
	strcpy((char *)u, "1234567");           /* exactly fits with its NUL */
	HT_ASSERT_EQ(strncpy_from_user(s, (char *)u, sizeof(s)), 7);
	HT_ASSERT(strcmp(s, "1234567") == 0);
	strcpy((char *)u, "12345678");          /* one too long */
	HT_ASSERT_EQ(strncpy_from_user(s, (char *)u, sizeof(s)), -ENAMETOOLONG);
	HT_ASSERT_EQ(s[7], '\0');
	HT_ASSERT_EQ(strncpy_from_user(s, (char *)u, 0), -EINVAL);
	u[0] = '\0';
	HT_ASSERT_EQ(strncpy_from_user(s, (char *)u, 1), 0);
	HT_ASSERT_EQ(faults, 0);
}

HTEST(strncpy_unterminated_at_edge)
{
	uint8_t *u = area_setup();
	char *edge = (char *)guard_of(u) - 3;
	char s[64];

	memcpy(edge, "abc", 3);                 /* no NUL before the guard page */
	HT_ASSERT_EQ(strncpy_from_user(s, edge, sizeof(s)), -EFAULT);
	HT_ASSERT(strcmp(s, "abc") == 0);       /* terminated after what was read */
	HT_ASSERT_EQ(strncpy_from_user(s, edge, 3), -ENAMETOOLONG);  /* never reaches it */
	HT_ASSERT_EQ(strncpy_from_user(s, (char *)guard_of(u), sizeof(s)), -EFAULT);
	HT_ASSERT_EQ(s[0], '\0');
	HT_ASSERT_EQ(strncpy_from_user(s, edge, SIZE_MAX), -EFAULT);
	HT_ASSERT_EQ(faults, 3);
}

HTEST(words_get_put)
{
	uint8_t *u = area_setup();
	uint64_t v64 = 0;
	uint32_t v32 = 0;

	HT_ASSERT_EQ(put_user_u64(u + 8, 0x1122334455667788ULL), 0);
	HT_ASSERT_EQ(get_user_u64(&v64, u + 8), 0);
	HT_ASSERT_EQ(v64, 0x1122334455667788ULL);
	HT_ASSERT_EQ(put_user_u32(u + 4, 0xdeadbeef), 0);
	HT_ASSERT_EQ(get_user_u32(&v32, u + 4), 0);
	HT_ASSERT_EQ(v32, 0xdeadbeef);
	HT_ASSERT_EQ(get_user_u64(&v64, u + 4), -EINVAL);
	HT_ASSERT_EQ(get_user_u32(&v32, u + 2), -EINVAL);
	HT_ASSERT_EQ(put_user_u64(u + 1, 1), -EINVAL);
	HT_ASSERT_EQ(put_user_u32(u + 3, 1), -EINVAL);
	HT_ASSERT_EQ(faults, 0);
	v64 = 7;
	HT_ASSERT_EQ(get_user_u64(&v64, guard_of(u)), -EFAULT);
	HT_ASSERT_EQ(v64, 7);                   /* untouched on failure */
	HT_ASSERT_EQ(get_user_u32(&v32, guard_of(u) + 4), -EFAULT);
	HT_ASSERT_EQ(put_user_u64(guard_of(u) + 8, 1), -EFAULT);
	HT_ASSERT_EQ(put_user_u32(guard_of(u), 1), -EFAULT);
	HT_ASSERT_EQ(faults, 4);
}

HTEST(read_only_page_refuses_writes)
{
	uint8_t *u = area_setup();
	uint32_t v = 0, expected = 9;

	memset(u, 0, PG);
	u[PG - 4] = 9;
	HT_ASSERT(mprotect(u, PG, PROT_READ) == 0);
	HT_ASSERT_EQ(get_user_u32(&v, u + PG - 4), 0);
	HT_ASSERT_EQ(v, 9);
	HT_ASSERT_EQ(put_user_u32(u, 1), -EFAULT);
	HT_ASSERT_EQ(copy_to_user(u + 100, &v, 4), -EFAULT);
	HT_ASSERT_EQ(cmpxchg_user_u32(u + PG - 4, &expected, 10), -EFAULT);
	HT_ASSERT_EQ(u[PG - 4], 9);
	HT_ASSERT_EQ(faults, 3);
}

HTEST(cmpxchg_swaps_or_reports)
{
	uint8_t *u = area_setup();
	uint32_t *w = (uint32_t *)(u + 64);
	uint32_t expected = 5;

	*w = 5;
	HT_ASSERT_EQ(cmpxchg_user_u32(w, &expected, 6), 0);
	HT_ASSERT_EQ(*w, 6);
	HT_ASSERT_EQ(expected, 5);
	HT_ASSERT_EQ(cmpxchg_user_u32(w, &expected, 7), -EAGAIN);
	HT_ASSERT_EQ(expected, 6);              /* the value found */
	HT_ASSERT_EQ(*w, 6);
	HT_ASSERT_EQ(cmpxchg_user_u32(w, &expected, 7), 0);
	HT_ASSERT_EQ(*w, 7);
	HT_ASSERT_EQ(expected, 6);
	HT_ASSERT_EQ(cmpxchg_user_u32(u + 2, &expected, 1), -EINVAL);
	HT_ASSERT_EQ(faults, 0);
	HT_ASSERT_EQ(cmpxchg_user_u32(guard_of(u), &expected, 1), -EFAULT);
	HT_ASSERT_EQ(expected, 6);              /* untouched on a fault */
	HT_ASSERT_EQ(faults, 1);
}

HTEST(fixup_table_sane)
{
	size_t n = (size_t)(ex_table_end - ex_table_start);

	HT_ASSERT(n >= 7);
	for (size_t i = 0; i < n; i++) {
		const struct ex_table_entry *e = &ex_table_start[i];
		uintptr_t insn = (uintptr_t)&e->insn + (intptr_t)e->insn;
		uintptr_t fix = (uintptr_t)&e->fixup + (intptr_t)e->fixup;

		HT_ASSERT_EQ(uaccess_fixup_addr(insn), fix);
		HT_ASSERT_MSG(fix > insn && fix - insn < 32, "entry %zu: %#lx -> %#lx", i,
		              (unsigned long)insn, (unsigned long)fix);
	}
	HT_ASSERT_EQ(uaccess_fixup_addr(0), 0);
	HT_ASSERT_EQ(uaccess_fixup_addr((uintptr_t)&fixup_table_sane), 0);
}

/* A fault the slow path resolves: the copy goes on from the faulting byte
 * and completes; every other routine retries the same way. */
HTEST(fault_in_resolves_and_retries)
{
	uint8_t *u = area_setup();
	uint8_t src[64], back[64];
	uint32_t v32 = 0, expected = 0;
	uint64_t v64 = 0;
	char s[8];

	for (int i = 0; i < 64; i++)
		src[i] = (uint8_t)(i + 1);
	fault_in_page = guard_of(u);
	HT_ASSERT_EQ(copy_to_user(guard_of(u) - 24, src, 64), 0);
	HT_ASSERT(memcmp(guard_of(u) - 24, src, 64) == 0);
	HT_ASSERT_EQ(fault_ins, 1);
	HT_ASSERT_EQ(faults, 2);        /* word, then byte phase; the retry ran clean */

	HT_ASSERT(mprotect(guard_of(u), PG, PROT_NONE) == 0);
	fault_in_page = guard_of(u);
	HT_ASSERT_EQ(copy_from_user_partial(back, guard_of(u) - 8, 64), 64);
	HT_ASSERT(memcmp(back, src + 16, 48) == 0);      /* what the first copy wrote */

	HT_ASSERT(mprotect(guard_of(u), PG, PROT_NONE) == 0);
	fault_in_page = guard_of(u);
	HT_ASSERT_EQ(put_user_u64(guard_of(u), 0x1122334455667788UL), 0);
	HT_ASSERT_EQ(get_user_u64(&v64, guard_of(u)), 0);
	HT_ASSERT_EQ(v64, 0x1122334455667788UL);

	HT_ASSERT(mprotect(guard_of(u), PG, PROT_NONE) == 0);
	fault_in_page = guard_of(u);
	expected = 0x55667788;
	HT_ASSERT_EQ(cmpxchg_user_u32(guard_of(u), &expected, 9), 0);
	HT_ASSERT_EQ(get_user_u32(&v32, guard_of(u)), 0);
	HT_ASSERT_EQ(v32, 9);

	HT_ASSERT(mprotect(guard_of(u), PG, PROT_NONE) == 0);
	fault_in_page = guard_of(u);
	memcpy(guard_of(u) - 2, "ab", 2);
	HT_ASSERT_EQ(put_user_u32(guard_of(u), 0x00636261), 0);     /* "abc" */
	HT_ASSERT_EQ(strncpy_from_user(s, (const char *)guard_of(u) - 2, sizeof(s)), 5);
	HT_ASSERT(strcmp(s, "ababc") == 0);
	HT_ASSERT(mprotect(guard_of(u), PG, PROT_NONE) == 0);
}

/* A slow path that says "retry" but leaves the page unmapped: the routines
 * give up after UACCESS_RETRIES retries with EFAULT, never loop for ever. */
HTEST(fault_in_retries_are_bounded)
{
	uint8_t *u = area_setup();
	uint8_t buf[8] = { 0 };
	uint32_t v32 = 0;

	fault_in_fake = true;
	HT_ASSERT_EQ(copy_to_user(guard_of(u), buf, 8), -EFAULT);
	HT_ASSERT_EQ(fault_ins, UACCESS_RETRIES);
	fault_ins = 0;
	HT_ASSERT_EQ(get_user_u32(&v32, guard_of(u)), -EFAULT);
	HT_ASSERT_EQ(fault_ins, UACCESS_RETRIES);
	fault_in_fake = false;
	fault_ins = 0;
	HT_ASSERT_EQ(copy_from_user(buf, guard_of(u), 8), -EFAULT);
	HT_ASSERT_EQ(fault_ins, 1);     /* refused: no retry */
}
