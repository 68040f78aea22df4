/* SPDX-License-Identifier: MIT */
/*
 * ucq.c - the kernel's UCQ producer (ros/ucq.h is the layout and the model).
 *
 * ucq_post() writes one message into a UCQ in the current address space.
 * The fast path fills the slot prod_idx names, sets its ready word and then
 * publishes prod_idx + 1, so a consumer that sees the new index finds the
 * slot written.  When the slot number reaches UCQ_SLOTS_PER_PAGE the page
 * is full and ucq_grow() links in another: the user's spare_pg if it left
 * one, else a page ucq_page_map() maps for the process (event.c, bounded
 * per process by EV_UCQ_MAX_PROC_PGS).  The new page's header is cleared,
 * the message goes into its slot 0, the full page's cons_next_pg points at
 * it, and prod_idx becomes page | 1.  prod_overflow is 1 while this runs.
 * nr_extra_pgs counts the pages linked beyond the first (the consumer
 * subtracts the ones it retires, so both sides update it atomically); at UCQ_MAX_EXTRA_PGS, or when the process
 * bound is reached, the message is dropped, nr_dropped goes up, and the
 * caller gets -ENOSPC.
 *
 * Locking: every producer of a process runs under ucq_lock(p), a sleeping
 * lock of the kernel's (never one in user memory), because uaccess offers
 * no 64-bit compare-and-swap on user memory: the claim of a slot is a plain
 * read and store of prod_idx under that lock instead of Akaros's lock-free
 * fetch-and-add.  Consumers never write prod_idx, so they need no part in it.
 * Every value read from the UCQ is untrusted: a prod_idx naming a page
 * outside user memory or a slot past the page is -EINVAL, a fault -EFAULT.
 */
#include <errno.h>
#include <event.h>
#include <ros/ucq.h>
#include <uaccess.h>

#define UCQ_FIELD(ucq, f) ((void __user *)((ucq) + __builtin_offsetof(struct ucq, f)))

static uintptr_t ucq_slot_addr(uintptr_t page, uint64_t slot)
{
	return page + __builtin_offsetof(struct ucq_page, slots) + slot * sizeof(struct ucq_slot);
}

static bool ucq_page_ok(uintptr_t page)
{
	return page && !(page & UCQ_SLOT_MASK) && user_range_ok(page, PGSIZE);
}

/* Writes msg into the slot, then marks it ready. */
static int ucq_fill(uintptr_t page, uint64_t slot, const struct event_msg *msg)
{
	uintptr_t s = ucq_slot_addr(page, slot);

	if (copy_to_user((void __user *)s, msg, sizeof(*msg)))
		return -EFAULT;
	return put_user_u64((void __user *)(s + __builtin_offsetof(struct ucq_slot, ready)), 1);
}

/*
 * Adds 1 to the 64-bit counter at uaddr, atomically against the consumer
 * (which may CAS the whole word): a CAS on the low half, then on the high
 * half if the low one wrapped.
 */
static int ucq_count_u64(uintptr_t uaddr)
{
	uint32_t cur;
	int ret;

	for (int half = 0; half < 2; half++) {
		void __user *w = (void __user *)(uaddr + 4 * half);

		if (get_user_u32(&cur, w))
			return -EFAULT;
		do {
			ret = cmpxchg_user_u32(w, &cur, cur + 1);
		} while (ret == -EAGAIN);
		if (ret || cur != UINT32_MAX)
			return ret;
	}
	return 0;
}

/* Counts a lost message; -ENOSPC for the caller. */
static int ucq_drop(uintptr_t ucq)
{
	int ret = ucq_count_u64((uintptr_t)UCQ_FIELD(ucq, nr_dropped));

	return ret ? ret : -ENOSPC;
}

/* The page to link next: the user's spare (taken) or a new kernel page. */
static int ucq_next_page(struct proc *p, uintptr_t ucq, uintptr_t *page)
{
	uint64_t spare;

	if (get_user_u64(&spare, UCQ_FIELD(ucq, spare_pg)))
		return -EFAULT;
	if (spare) {
		if (!ucq_page_ok(spare))
			return -EINVAL;
		*page = spare;
		return put_user_u64(UCQ_FIELD(ucq, spare_pg), 0);
	}
	return ucq_page_map(p, page);
}

/* Links a new page after the full one at 'full' with msg in its slot 0. */
static int ucq_link_page(struct proc *p, uintptr_t ucq, uintptr_t full,
                         const struct event_msg *msg)
{
	struct ucq_page_header hdr = { 0 };
	uint64_t extra;
	uintptr_t page;
	int ret;

	if (get_user_u64(&extra, UCQ_FIELD(ucq, nr_extra_pgs)))
		return -EFAULT;
	if (extra >= UCQ_MAX_EXTRA_PGS)
		return ucq_drop(ucq);
	ret = ucq_next_page(p, ucq, &page);
	if (ret == -ENOSPC)
		return ucq_drop(ucq);
	if (ret)
		return ret;
	if (copy_to_user((void __user *)page, &hdr, sizeof(hdr)) || ucq_fill(page, 0, msg) ||
	    put_user_u64((void __user *)full, page) ||
	    ucq_count_u64((uintptr_t)UCQ_FIELD(ucq, nr_extra_pgs)))
		return -EFAULT;
	return put_user_u64(UCQ_FIELD(ucq, prod_idx), page | 1);
}

/* The slow path: prod_overflow is up while the new page goes in. */
static int ucq_grow(struct proc *p, uintptr_t ucq, uintptr_t full, const struct event_msg *msg)
{
	int ret;

	if (put_user_u32(UCQ_FIELD(ucq, prod_overflow), 1))
		return -EFAULT;
	ret = ucq_link_page(p, ucq, full, msg);
	if (put_user_u32(UCQ_FIELD(ucq, prod_overflow), 0))
		return -EFAULT;
	return ret;
}

/* With ucq_lock(p) held: one message into the UCQ at user address ucq. */
static int __ucq_post(struct proc *p, uintptr_t ucq, const struct event_msg *msg)
{
	uint32_t ready;
	uint64_t idx, slot;
	uintptr_t page;
	int ret;

	if (get_user_u32(&ready, UCQ_FIELD(ucq, ucq_ready)) ||
	    get_user_u64(&idx, UCQ_FIELD(ucq, prod_idx)))
		return -EFAULT;
	page = idx & ~(uint64_t)UCQ_SLOT_MASK;
	slot = idx & UCQ_SLOT_MASK;
	if (!ready || !ucq_page_ok(page) || slot > UCQ_SLOTS_PER_PAGE)
		return -EINVAL;
	if (slot == UCQ_SLOTS_PER_PAGE)
		return ucq_grow(p, ucq, page, msg);
	ret = ucq_fill(page, slot, msg);
	if (ret)
		return ret;
	return put_user_u64(UCQ_FIELD(ucq, prod_idx), idx + 1);
}

int ucq_post(struct proc *p, uintptr_t ucq, const struct event_msg *msg)
{
	int ret;

	if ((ucq & 7) || !user_range_ok(ucq, sizeof(struct ucq)))
		return -EFAULT;
	ucq_lock(p);
	ret = __ucq_post(p, ucq, msg);
	ucq_unlock(p);
	return ret;
}
