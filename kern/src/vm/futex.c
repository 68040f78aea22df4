/* SPDX-License-Identifier: MIT */
/*
 * futex.c - kernel futexes on shared memory (futex.h, ros/futex.h,
 * Documentation/futex.md): what lets musl's process-shared semaphores,
 * mutexes, condition variables and barriers wake waiters in other
 * processes.
 *
 * Key: the physical address of the word, found under mm->lock from the
 * region at uaddr, which must be shared (VMR_F_SHARED, anonymous or a
 * file's page cache) and readable; the page is faulted in if absent.  Every
 * process that maps the page (page cache, or shared anonymous memory
 * after fork) finds the same key.  A private region is -EXDEV: those words
 * belong to the process alone and its C library serves them.  The waiter
 * holds a reference on the page while it sleeps, so the key cannot be
 * reused for another page meanwhile, and reads the word through the
 * direct map, with no user access under the bucket lock.
 *
 * Waiters: a struct futex_waiter on the sleeping kthread's stack, listed
 * in one of FUTEX_BUCKETS buckets (a spinlock and a FIFO list); no
 * allocation, so memory is bounded by the kthreads that can sleep.  The
 * word check and the listing happen under the bucket lock, and a waker
 * takes that lock after changing the word: no lost wake-up.  A waker
 * unlists a waiter, marks it woken and calls rendez_wakeup() all under the
 * bucket lock; the waiter takes the lock again before it returns, so its
 * stack outlives the waker's last touch.  Sleeps are rendez sleeps, so the
 * syscall layer can abort them (EINTR; a dying process's calls are
 * aborted).  A waiter that was woken but leaves because of an abort passes
 * the wake-up on to the next waiter of the word, so a process that dies
 * while waiting loses no one else's wake-up.
 *
 * Lock order: mm->lock (only to find the key, dropped before the bucket)
 * then a bucket lock, then the rendez locks rendez_wakeup() takes.
 */
#include <arch/mmu.h>
#include <errno.h>
#include <futex.h>
#include <mem_flags.h>
#include <mm.h>
#include <page.h>
#include <pmap.h>
#include <rendez.h>
#include <ros/mmap.h>
#include <spinlock.h>

#define FUTEX_BUCKETS 64

struct futex_waiter {
	struct futex_waiter *next;      /* [bucket lock] */
	physaddr_t key;                 /* [I] */
	bool woken;                     /* [bucket lock]; read by the sleep condition */
	struct rendez rv;
};

struct futex_bucket {
	spinlock_t lock;
	struct futex_waiter *head;      /* [lock] oldest first */
};

static struct futex_bucket futex_buckets[FUTEX_BUCKETS] = {
	[0 ... FUTEX_BUCKETS - 1] = { .lock = SPINLOCK_INITIALIZER("futex") },
};
static atomic_t futex_sleepers = ATOMIC_INIT(0);

static struct futex_bucket *futex_bucket_of(physaddr_t key)
{
	return &futex_buckets[((key >> 2) ^ (key >> 12) ^ (key >> 20)) % FUTEX_BUCKETS];
}

/* __: mm->lock held.  The physical address of the word, its page present. */
static int __futex_key(struct mm *mm, uintptr_t uaddr, physaddr_t *key)
{
	uintptr_t page = ALIGN_DOWN(uaddr, PGSIZE);
	struct vmr *v = vmr_lookup(&mm->vmrs, uaddr);
	uint64_t perm;
	physaddr_t pa;

	if (!v || !(v->prot & PROT_READ))
		return -EFAULT;
	if (!(v->flags & VMR_F_SHARED) || (v->ops != &mm_anon_ops && v->ops != &mm_file_ops))
		return -EXDEV;
	if (!pmap_lookup(mm->pml4, page, &pa, &perm)) {
		int r = mm_populate(mm, page, PGSIZE, MEM_WAIT | MEM_USER);

		if (r)
			return r == -ENOMEM ? -ENOMEM : -EFAULT;
		if (!pmap_lookup(mm->pml4, page, &pa, &perm))
			return -EFAULT;
	}
	*key = (pa & PTE_ADDR_MASK) + (uaddr - page);
	return 0;
}

/* The key of uaddr with a reference on its page (futex_key_put drops it). */
static int futex_key_get(struct mm *mm, uintptr_t uaddr, physaddr_t *key)
{
	int r;

	if (uaddr & 3)
		return -EINVAL;
	if (!uaddr || uaddr >= USER_STACK_TOP)
		return -EFAULT;
	mm_lock(mm);
	r = __futex_key(mm, uaddr, key);
	if (!r)
		page_incref(pa2page(*key & PTE_ADDR_MASK));
	mm_unlock(mm);
	return r;
}

static void futex_key_put(physaddr_t key)
{
	page_decref(pa2page(key & PTE_ADDR_MASK));
}

/* __: b->lock held.  Wakes up to nr waiters of key, oldest first. */
static int __futex_wake(struct futex_bucket *b, physaddr_t key, int nr)
{
	struct futex_waiter **pp = &b->head;
	int n = 0;

	while (*pp && n < nr) {
		struct futex_waiter *w = *pp;

		if (w->key != key) {
			pp = &w->next;
			continue;
		}
		*pp = w->next;
		WRITE_ONCE(w->woken, true);
		rendez_wakeup(&w->rv);
		n++;
	}
	return n;
}

/* __: b->lock held.  Lists w last. */
static void __futex_list(struct futex_bucket *b, struct futex_waiter *w)
{
	struct futex_waiter **pp = &b->head;

	while (*pp)
		pp = &(*pp)->next;
	w->next = NULL;
	*pp = w;
}

/* __: b->lock held.  Unlists w if it is still listed. */
static void __futex_unlist(struct futex_bucket *b, struct futex_waiter *w)
{
	for (struct futex_waiter **pp = &b->head; *pp; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			return;
		}
	}
}

static bool futex_woken(void *arg)
{
	return READ_ONCE(((struct futex_waiter *)arg)->woken);
}

/* Lists w if the word still holds val; false (not listed) otherwise. */
static bool futex_enqueue(struct futex_bucket *b, struct futex_waiter *w, int val)
{
	uint64_t flags = spin_lock_irqsave(&b->lock);
	bool same = READ_ONCE(*(int *)KADDR(w->key)) == val;

	if (same)
		__futex_list(b, w);
	spin_unlock_irqrestore(&b->lock, flags);
	return same;
}

/* After the sleep: unlist, or pass on a wake-up an abort would lose. */
static int futex_dequeue(struct futex_bucket *b, struct futex_waiter *w, int r)
{
	uint64_t flags = spin_lock_irqsave(&b->lock);

	if (!w->woken)
		__futex_unlist(b, w);
	else if (r == -ECANCELED)
		__futex_wake(b, w->key, 1);
	else
		r = 0;                  /* woken: that wins over a racing timeout */
	spin_unlock_irqrestore(&b->lock, flags);
	return r;
}

int futex_wait(struct mm *mm, uintptr_t uaddr, int val, bool timed, uint64_t usec)
{
	struct futex_waiter w = { .woken = false };
	struct futex_bucket *b;
	int r = futex_key_get(mm, uaddr, &w.key);

	if (r)
		return r;
	b = futex_bucket_of(w.key);
	rendez_init(&w.rv);
	if (!futex_enqueue(b, &w, val)) {
		futex_key_put(w.key);
		return -EAGAIN;
	}
	atomic_inc(&futex_sleepers);
	if (timed)
		r = rendez_sleep_timeout(&w.rv, futex_woken, &w, usec);
	else
		r = rendez_sleep(&w.rv, futex_woken, &w);
	r = futex_dequeue(b, &w, r);
	atomic_dec(&futex_sleepers);
	futex_key_put(w.key);
	return r == -ECANCELED ? -EINTR : r;
}

int futex_wake(struct mm *mm, uintptr_t uaddr, int nr)
{
	struct futex_bucket *b;
	physaddr_t key;
	uint64_t flags;
	int r = futex_key_get(mm, uaddr, &key), n;

	if (r)
		return r;
	b = futex_bucket_of(key);
	flags = spin_lock_irqsave(&b->lock);
	n = nr > 0 ? __futex_wake(b, key, nr) : 0;
	spin_unlock_irqrestore(&b->lock, flags);
	futex_key_put(key);
	return n;
}

int futex_nr_waiters(void)
{
	return atomic_read(&futex_sleepers);
}
