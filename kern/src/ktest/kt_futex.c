/* SPDX-License-Identifier: MIT */
/*
 * kt_futex.c - ktests of the kernel futex (futex.h), suite futex, on bare
 * mms that no process runs on: the bad words (unaligned, unmapped,
 * private: EINVAL, EFAULT, EXDEV) and a value that differs (EAGAIN); a
 * waiter on another core woken through a second mm (mm_dup) that maps the
 * same shared page, so the key is the page and not the address space; a
 * timed wait that expires; an aborted wait (EINTR) that leaves no waiter
 * behind, so a later wake finds no one; and the page references and
 * waiter count back where they were.
 */
#include <atomic.h>
#include <errno.h>
#include <futex.h>
#include <ktest.h>
#include <mm.h>
#include <page.h>
#include <pmap.h>
#include <rendez.h>
#include <ros/mmap.h>

#include "kt_dev.h"

#define FT_VA     0x500000UL            /* two shared pages */
#define FT_PRIV   0x600000UL            /* one private page */

/* An mm with FT_VA shared and FT_PRIV private anon memory, both populated. */
static struct mm *ft_mm(void)
{
	struct vmr_attr shared = { .prot = PROT_READ | PROT_WRITE, .type = VMR_ANON,
	                           .ops = &mm_anon_ops, .flags = VMR_F_SHARED };
	struct vmr_attr priv = shared;
	struct mm *mm = mm_create();
	int r;

	if (!mm)
		return NULL;
	priv.flags = 0;
	mm_lock(mm);
	r = vmr_insert(&mm->vmrs, FT_VA, 2 * PGSIZE, &shared, MEM_WAIT, NULL);
	if (!r)
		r = vmr_insert(&mm->vmrs, FT_PRIV, PGSIZE, &priv, MEM_WAIT, NULL);
	if (!r)
		r = mm_populate(mm, FT_VA, 2 * PGSIZE, MEM_WAIT);
	mm_unlock(mm);
	if (r) {
		mm_put(mm);
		return NULL;
	}
	return mm;
}

static uint32_t ft_refcnt(struct mm *mm, uintptr_t va)
{
	physaddr_t pa;

	return pmap_lookup(mm->pml4, va, &pa, NULL) ? page_refcnt(pa2page(pa & PTE_ADDR_MASK))
	                                            : 0;
}

KTEST(futex, bad_words)
{
	struct mm *mm = ft_mm();
	uint32_t refs;

	KT_ASSERT(mm);
	refs = ft_refcnt(mm, FT_VA);
	KT_ASSERT_EQ(futex_wait(mm, FT_VA + 2, 0, false, 0), -EINVAL);
	KT_ASSERT_EQ(futex_wake(mm, FT_VA + 1, 1), -EINVAL);
	KT_ASSERT_EQ(futex_wait(mm, 0x700000UL, 0, false, 0), -EFAULT);
	KT_ASSERT_EQ(futex_wake(mm, 0, 1), -EFAULT);
	KT_ASSERT_EQ(futex_wake(mm, USER_STACK_TOP + 64, 1), -EFAULT);
	KT_ASSERT_EQ(futex_wait(mm, FT_PRIV, 0, false, 0), -EXDEV);
	KT_ASSERT_EQ(futex_wake(mm, FT_PRIV, 1), -EXDEV);
	KT_ASSERT_EQ(futex_wait(mm, FT_VA, 7, false, 0), -EAGAIN);      /* the word is 0 */
	KT_ASSERT_EQ(futex_wake(mm, FT_VA, 5), 0);
	KT_ASSERT_EQ(futex_wake(mm, FT_VA, -1), 0);
	KT_ASSERT_EQ(ft_refcnt(mm, FT_VA), refs);
	mm_put(mm);
}

struct ft_waiter {
	struct mm *mm;
	uintptr_t va;
	bool timed;
	uint64_t usec;
	int result;
	atomic_t done;
};

static void ft_wait_fn(void *arg)
{
	struct ft_waiter *w = arg;

	w->result = futex_wait(w->mm, w->va, 0, w->timed, w->usec);
	atomic_set(&w->done, 1);
}

/* Wakes one waiter of va through mm, trying for up to a second. */
static int ft_wake_one(struct mm *mm, uintptr_t va)
{
	int n = 0;

	for (int i = 0; i < 1000 && n == 0; i++) {
		n = futex_wake(mm, va, 1);
		if (n == 0)
			kthread_usleep(1000);
	}
	return n;
}

KTEST(futex, woken_through_another_mm)
{
	struct mm *mm = ft_mm(), *child;
	struct ft_waiter w = { .va = FT_VA + PGSIZE + 8, .result = 99 };
	struct kthread *kt;
	int before = futex_nr_waiters();

	KT_ASSERT(mm);
	child = mm_dup(mm);
	KT_ASSERT(child);
	w.mm = mm;
	kt = kt_dev_start(ft_wait_fn, &w);
	KT_ASSERT_EQ(futex_wake(child, FT_VA + 8, 1), 0);       /* another word */
	KT_ASSERT_EQ(ft_wake_one(child, w.va), 1);
	kthread_join(kt);
	KT_ASSERT_EQ(w.result, 0);
	KT_ASSERT_EQ(futex_nr_waiters(), before);
	mm_put(child);
	mm_put(mm);
}

KTEST(futex, timed_wait_expires)
{
	struct mm *mm = ft_mm();
	uint64_t t0 = nsec_now(), ms;

	KT_ASSERT(mm);
	KT_ASSERT_EQ(futex_wait(mm, FT_VA, 0, true, 20000), -ETIMEDOUT);
	ms = kt_dev_ms_since(t0);
	KT_ASSERT_MSG(ms >= 15 && ms < 5000, "20 ms wait took %llu ms", (unsigned long long)ms);
	KT_ASSERT_EQ(futex_wait(mm, FT_VA, 0, true, 0), -ETIMEDOUT);
	mm_put(mm);
}

KTEST(futex, aborted_wait_leaves_no_waiter)
{
	struct mm *mm = ft_mm();
	struct ft_waiter w = { .va = FT_VA, .result = 99 };
	int before = futex_nr_waiters();
	struct kthread *kt;
	uint32_t refs;

	KT_ASSERT(mm);
	refs = ft_refcnt(mm, FT_VA);
	w.mm = mm;
	kt = kt_dev_start(ft_wait_fn, &w);
	for (int i = 0; i < 1000 && futex_nr_waiters() == before; i++)
		kthread_usleep(1000);
	KT_ASSERT_EQ(futex_nr_waiters(), before + 1);
	KT_ASSERT_EQ(atomic_read(&w.done), 0);
	rendez_abort_kthread(kt);
	kthread_join(kt);
	KT_ASSERT_EQ(w.result, -EINTR);
	KT_ASSERT_EQ(futex_nr_waiters(), before);
	KT_ASSERT_EQ(futex_wake(mm, FT_VA, 1), 0);              /* nobody left */
	KT_ASSERT_EQ(ft_refcnt(mm, FT_VA), refs);
	mm_put(mm);
}
