/* SPDX-License-Identifier: MIT */
/*
 * ceq.c - the kernel's CEQ producer (ros/ceq.h is the layout and the model).
 *
 * ceq_post() takes one snapshot of the struct ceq, checks it (array
 * addresses, nr_events, a power-of-two ring_sz, the operation), and then
 * for id = ev_type: merges ev_arg2 into events[id].coalesce (OR, or ADD),
 * stores ev_arg3 in blob_data, raises max_event_ever, and if it flips
 * idx_posted from 0 to 1 appends id to the ring.  A full ring (prod_idx -
 * cons_pub_idx == ring_sz) sets ring_overflowed instead; the id stays
 * posted and the consumer's scan finds it.  The ring slot is claimed by CAS
 * on prod_idx and written after, so the consumer treats a slot holding -1
 * (its "empty" mark) as not yet written.
 *
 * Lock-free: kernel producers race only through 32-bit CAS on user words
 * (all uaccess offers).  An ADD of ev_arg2 to the 64-bit coalesce is a CAS
 * on the low half plus, on carry, one on the high half: a consumer that
 * swaps coalesce between the two sees the carry in its next take, so the
 * sum over all takes is exact.  The current address space must be the
 * process's.
 */
#include <errno.h>
#include <event.h>
#include <ros/ceq.h>
#include <uaccess.h>

#define CEQ_FIELD(ceq, f) ((void __user *)((ceq) + __builtin_offsetof(struct ceq, f)))
#define CEQ_EV_FIELD(ev, f) ((void __user *)((ev) + __builtin_offsetof(struct ceq_event, f)))
#define CEQ_OP_MAX 0            /* ceq_update_u32: keep the larger value */

/* *word = op(*word, arg) atomically (CEQ_OR, CEQ_ADD or CEQ_OP_MAX); the
 * previous value in *old.  0 or -errno. */
static int ceq_update_u32(void __user *word, uint32_t arg, int op, uint32_t *old)
{
	uint32_t cur, next;
	int ret;

	if (get_user_u32(&cur, word))
		return -EFAULT;
	do {
		next = op == CEQ_OR ? (cur | arg) : op == CEQ_ADD ? cur + arg :
		       (cur > arg ? cur : arg);
		ret = cmpxchg_user_u32(word, &cur, next);
	} while (ret == -EAGAIN);
	*old = cur;
	return ret;
}

static bool ceq_is_pow2(uint32_t x)
{
	return x && !(x & (x - 1));
}

static int ceq_check(const struct ceq *c)
{
	if (c->operation != CEQ_OR && c->operation != CEQ_ADD)
		return -EINVAL;
	if (!c->nr_events || c->nr_events > CEQ_MAX_EVENTS || !ceq_is_pow2(c->ring_sz) ||
	    c->ring_sz > CEQ_MAX_RING_SZ)
		return -EINVAL;
	if ((c->events & 7) || (c->ring & 3) ||
	    !user_range_ok(c->events, (size_t)c->nr_events * sizeof(struct ceq_event)) ||
	    !user_range_ok(c->ring, (size_t)c->ring_sz * sizeof(int32_t)))
		return -EFAULT;
	return 0;
}

/* Merges arg into the 64-bit coalesce at ev (OR, or ADD with carry). */
static int ceq_coalesce(uintptr_t ev, uint32_t arg, int op)
{
	uintptr_t lo = (uintptr_t)CEQ_EV_FIELD(ev, coalesce);
	uint32_t old;
	int ret;

	ret = ceq_update_u32((void __user *)lo, arg, op, &old);
	if (ret || op != CEQ_ADD || old + arg >= old)
		return ret;
	return ceq_update_u32((void __user *)(lo + 4), 1, CEQ_ADD, &old);
}

/* Appends id to the ring, or flags the overflow when it is full. */
static int ceq_ring_append(uintptr_t ceq, const struct ceq *c, uint32_t id)
{
	uint32_t prod, cons;
	int ret;

	if (get_user_u32(&prod, CEQ_FIELD(ceq, prod_idx)))
		return -EFAULT;
	do {
		if (get_user_u32(&cons, CEQ_FIELD(ceq, cons_pub_idx)))
			return -EFAULT;
		if (prod - cons >= c->ring_sz)
			return put_user_u32(CEQ_FIELD(ceq, ring_overflowed), 1);
		ret = cmpxchg_user_u32(CEQ_FIELD(ceq, prod_idx), &prod, prod + 1);
	} while (ret == -EAGAIN);
	if (ret)
		return ret;
	return put_user_u32((void __user *)(c->ring + (prod & (c->ring_sz - 1)) * 4), id);
}

int ceq_post(uintptr_t ceq, const struct event_msg *msg)
{
	uint32_t id = msg->ev_type, old;
	struct ceq c;
	uintptr_t ev;
	int ret;

	if ((ceq & 7) || copy_from_user(&c, (const void __user *)ceq, sizeof(c)))
		return -EFAULT;
	ret = ceq_check(&c);
	if (ret)
		return ret;
	if (id >= c.nr_events)
		return -EINVAL;
	ev = c.events + (uintptr_t)id * sizeof(struct ceq_event);
	ret = ceq_coalesce(ev, msg->ev_arg2, (int)c.operation);
	if (!ret)
		ret = put_user_u64(CEQ_EV_FIELD(ev, blob_data), msg->ev_arg3);
	if (!ret)
		ret = ceq_update_u32(CEQ_FIELD(ceq, max_event_ever), id, CEQ_OP_MAX, &old);
	if (!ret)
		ret = ceq_update_u32(CEQ_EV_FIELD(ev, idx_posted), 1, CEQ_OR, &old);
	if (ret || old)
		return ret;
	return ceq_ring_append(ceq, &c, id);
}
