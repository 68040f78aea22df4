/* SPDX-License-Identifier: MIT */
/*
 * event.c - event delivery to processes (event.h is the API, ros/event.h
 * the ABI, Documentation/events.md the contract).
 *
 * send_event() copies the user's event_queue in once, checks its flags,
 * finds the mailbox (ev_mbox, or the VCPD mailbox of vcoreid in procdata at
 * UDATA), reads the mailbox type and hands the message to that producer
 * (ucq.c, evbitmap.c, ceq.c).  Then come the alerts: EVENT_INDIR posts
 * EV_EVENT naming the queue to the vcore's public VCPD mailbox, EVENT_IPI or
 * EVENT_INDIR notify the vcore (proc_notify), both throttled by the queue's
 * ev_alert_pending (flipped 0 -> 1 by CAS; the user clears it) unless
 * EVENT_NOTHROTTLE; EVENT_WAKEUP wakes a WAITING process.  A failed post
 * sends no alert; a failed indirection is returned after the wake-up.
 * send_kernel_event() reads procdata's kernel_evts[type] and sends there.
 *
 * Address space: every function here works on p's memory through uaccess.
 * When the caller does not run with p's page tables (current_proc() != p)
 * the public entry points load them for the call (proc_switch_to) and the
 * __ helpers below assume they are loaded.  Delivery to a process that has
 * no address space left (dying) answers -ESRCH.
 *
 * Also here: the kernel half of UCQ memory (ucq_page_map: anonymous pages
 * tagged as UCQ pages, bounded per process) and the hashed UCQ locks.
 * For an MCP the vcore comes from ev_pick.h (ROUNDROBIN, APPRO, the
 * spamming flags and MUST_RUN) over mcp_vcore_state(); a spammed message
 * or indirection goes to a vcore that runs and looks at its public
 * mailbox.  An SCP has only vcore 0: the spam and vcore flags are accepted
 * and use ev_vcore or the given vcoreid.
 */
#include <atomic.h>
#include <errno.h>
#include <ev_pick.h>
#include <event.h>
#include <mcp.h>
#include <mem_flags.h>
#include <mm.h>
#include <printk.h>
#include <process.h>
#include <ros/mmap.h>
#include <ros/procdata.h>
#include <sem.h>
#include <uaccess.h>
#include <vmr.h>

#define EV_UCQ_LOCKS      8
#define EV_UCQ_MAP_HINT   0x0000100000000000UL  /* where UCQ pages go (as mmap) */

#define EV_UCQ_LOCK(i) QLOCK_INITIALIZER(ev_ucq_locks[i], "ucq")
static struct sem ev_ucq_locks[EV_UCQ_LOCKS] = {
	EV_UCQ_LOCK(0), EV_UCQ_LOCK(1), EV_UCQ_LOCK(2), EV_UCQ_LOCK(3),
	EV_UCQ_LOCK(4), EV_UCQ_LOCK(5), EV_UCQ_LOCK(6), EV_UCQ_LOCK(7),
};

/* Tags the VMRs of kernel-mapped UCQ pages (their vmr backing). */
static const char ev_ucq_vmr_tag[] = "ucq";

static atomic_t ev_nr_dropped = ATOMIC_INIT(0);

/* ---------------------------------------------------------- UCQ memory */

static struct sem *ev_ucq_lock_of(struct proc *p)
{
	return &ev_ucq_locks[((uintptr_t)p >> 6) % EV_UCQ_LOCKS];
}

void ucq_lock(struct proc *p)
{
	sem_down(ev_ucq_lock_of(p));
}

void ucq_unlock(struct proc *p)
{
	sem_up(ev_ucq_lock_of(p));
}

/* With mm_lock: pages the kernel mapped for p's UCQs that p still holds. */
static size_t ev_ucq_pages_held(struct mm *mm)
{
	size_t n = 0;

	for (struct vmr *v = vmr_first(&mm->vmrs); v; v = vmr_next(v))
		if (v->backing == ev_ucq_vmr_tag)
			n += (v->end - v->start) / PGSIZE;
	return n;
}

/* With mm_lock: a populated, zeroed, writable page tagged as UCQ memory. */
static int __ucq_page_map(struct mm *mm, uintptr_t *va)
{
	struct vmr_attr attr = { .prot = PROT_READ | PROT_WRITE, .type = VMR_ANON,
	                         .ops = &mm_anon_ops, .backing = (void *)ev_ucq_vmr_tag };
	uintptr_t at;
	int ret;

	if (ev_ucq_pages_held(mm) >= EV_UCQ_MAX_PROC_PGS)
		return -ENOSPC;
	ret = vmr_find_gap(&mm->vmrs, PGSIZE, EV_UCQ_MAP_HINT, &at);
	if (ret)
		return ret;
	attr.offset = at;       /* neighbours merge: offset runs with the address */
	ret = vmr_insert(&mm->vmrs, at, PGSIZE, &attr, MEM_WAIT, NULL);
	if (ret)
		return ret;
	ret = mm_populate(mm, at, PGSIZE, MEM_ATOMIC);
	if (ret) {
		vmr_remove(&mm->vmrs, at, PGSIZE, MEM_WAIT);
		return ret;
	}
	*va = at;
	return 0;
}

int ucq_page_map(struct proc *p, uintptr_t *va)
{
	struct mm *mm = p->mm;
	int ret;

	if (!mm)
		return -ENOMEM;
	mm_lock(mm);
	ret = __ucq_page_map(mm, va);
	mm_unlock(mm);
	return ret;
}

/* ------------------------------------------------------- address space */

/* Loads p's page tables unless they are; *prev for ev_leave.  0/-ENOSYS. */
static int ev_enter(struct proc *p, struct mm **prev, bool *switched)
{
	*switched = current_proc() != p;
	if (!*switched)
		return 0;
	return proc_switch_to(p, prev);
}

static void ev_leave(struct mm *prev, bool switched)
{
	if (switched)
		proc_switch_back(prev);
}

/* ------------------------------------------------------------ mailboxes */

static uintptr_t ev_vcpd_addr(uint32_t vcoreid)
{
	return UDATA + __builtin_offsetof(struct procdata, vcpd) +
	       (uintptr_t)vcoreid * sizeof(struct vcpd);
}

static uintptr_t ev_vcpd_mbox(uint32_t vcoreid, bool priv)
{
	return ev_vcpd_addr(vcoreid) + (priv ? __builtin_offsetof(struct vcpd, ev_mbox_private) :
	                                       __builtin_offsetof(struct vcpd, ev_mbox_public));
}

/* Posts msg into the event_mbox at user address mbox. */
static int ev_mbox_post(struct proc *p, uintptr_t mbox, const struct event_msg *msg)
{
	uintptr_t body = mbox + __builtin_offsetof(struct event_mbox, ucq);
	uint32_t type;

	if ((mbox & 7) || !user_range_ok(mbox, sizeof(struct event_mbox)) ||
	    get_user_u32(&type, (const void __user *)mbox))
		return -EFAULT;
	switch (type) {
	case EV_MBOX_UCQ:
		return ucq_post(p, body, msg);
	case EV_MBOX_BITMAP:
		return evbitmap_post(body, msg);
	case EV_MBOX_CEQ:
		return ceq_post(body, msg);
	default:
		return -EINVAL;
	}
}

/* A rate-limited console line for lost messages (1st, 2nd, 4th, 8th...). */
static void ev_warn_drop(struct proc *p, const struct event_msg *msg)
{
	int64_t n = atomic_fetch_add(&ev_nr_dropped, 1) + 1;

	if (n & (n - 1))
		return;
	printk("event: pid %d (%s): mailbox full, event type %u dropped (%ld dropped so far)\n",
	       p->pid, p->name, msg->ev_type, n);
}

/* ------------------------------------------------------- notification */

static void __proc_notify(struct proc *p, uint32_t vcoreid)
{
	static const uint8_t one = 1;
	uintptr_t pending = ev_vcpd_addr(vcoreid) + __builtin_offsetof(struct vcpd, notif_pending);

	/* A VCPD that cannot be written (procdata not mapped) only loses the
	 * hint: the wake-up below still happens. */
	if (vcoreid < ROS_MAX_VCORES)
		(void)copy_to_user((void __user *)pending, &one, 1);
	mcp_kick(p, vcoreid);           /* an MCP's vcore sees it on its way out */
	proc_wakeup(p);
}

void proc_notify(struct proc *p, uint32_t vcoreid)
{
	struct mm *prev = NULL;
	bool switched;

	if (ev_enter(p, &prev, &switched)) {
		proc_wakeup(p);
		return;
	}
	__proc_notify(p, vcoreid);
	ev_leave(prev, switched);
}

/* True if this alert may go out: NOTHROTTLE, or ev_alert_pending 0 -> 1. */
static bool ev_alert_claim(uintptr_t ev_q, uint32_t flags)
{
	uint32_t expected = 0;
	void __user *pending = (void __user *)(ev_q +
	                       __builtin_offsetof(struct event_queue, ev_alert_pending));

	if (flags & EVENT_NOTHROTTLE)
		return true;
	return cmpxchg_user_u32(pending, &expected, 1) == 0;
}

/* INDIR, IPI and WAKEUP after a successful post.  0 or the INDIR's error. */
static int ev_alert(struct proc *p, uintptr_t ev_q, uint32_t flags, uint32_t vcoreid,
                    const struct ev_pick *in)
{
	struct event_msg indir = { .ev_type = EV_EVENT, .ev_arg3 = ev_q };
	int ret = 0;

	if ((flags & (EVENT_INDIR | EVENT_IPI)) && ev_alert_claim(ev_q, flags)) {
		if (in && (flags & EVENT_SPAM_INDIR))
			vcoreid = ev_pick_spam(in, vcoreid, true);
		if (flags & EVENT_INDIR)
			ret = ev_mbox_post(p, ev_vcpd_mbox(vcoreid, false), &indir);
		__proc_notify(p, vcoreid);
	}
	if (flags & EVENT_WAKEUP)
		proc_wakeup(p);
	return ret;
}

/* ---------------------------------------------------------- send_event */

static uint32_t ev_mcp_state(void *arg, uint32_t vcoreid)
{
	return mcp_vcore_state(arg, vcoreid);
}

/* An MCP: the vcore the queue wants (the round-robin cursor moves on);
 * *mbox_v where a VCPD-mailbox message goes (spammed if asked). */
static uint32_t ev_mcp_choose(struct proc *p, uintptr_t ev_q, const struct event_queue *q,
                              struct ev_pick *in, uint32_t vcoreid, uint32_t *mbox_v)
{
	uint32_t cursor, want;

	*in = (struct ev_pick){ .flags = q->ev_flags, .ev_vcore = q->ev_vcore, .appro = vcoreid,
	                        .nr_vcores = p->nr_vcores_max, .state = ev_mcp_state, .arg = p };
	want = ev_pick_wanted(in, &cursor);
	if (cursor != q->ev_vcore)
		(void)put_user_u32((void __user *)(ev_q + __builtin_offsetof(struct event_queue,
		                   ev_vcore)), cursor);
	*mbox_v = want;
	if (!q->ev_mbox && (q->ev_flags & EVENT_SPAM_PUBLIC))
		*mbox_v = ev_pick_spam(in, want, q->ev_flags & EVENT_VCORE_MUST_RUN);
	return want;
}

/* A spammed message went to vcore v: still there to look?  (It may have
 * started to yield or been preempted since we chose it: mcp_yield sets
 * 'yielding' and then reads notif_pending, we set notif_pending and then
 * read this, so one of us notices.) */
static bool ev_spam_landed(struct proc *p, uint32_t v)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return mcp_vcore_state(p, v) & EVP_ONLINE;
}

static int __send_event(struct proc *p, uintptr_t ev_q, const struct event_msg *msg,
                        uint32_t vcoreid)
{
	struct event_queue q;
	struct ev_pick in, *pin = NULL;
	uint32_t mbox_v;
	uintptr_t mbox;
	int ret, tries = 0;

	if ((ev_q & 7) || copy_from_user(&q, (const void __user *)ev_q, sizeof(q)))
		return -EFAULT;
	if (q.ev_flags & ~EVENT_ALL_FLAGS)
		return -EINVAL;
	if (proc_is_mcp(p)) {
		pin = &in;
		vcoreid = ev_mcp_choose(p, ev_q, &q, &in, vcoreid, &mbox_v);
	} else {
		if (q.ev_flags & (EVENT_ROUNDROBIN | EVENT_SPAM_PUBLIC | EVENT_SPAM_INDIR))
			vcoreid = q.ev_vcore;   /* an SCP's vcores: the queue's choice */
		mbox_v = vcoreid;
	}
	if (vcoreid >= ROS_MAX_VCORES)
		return -EINVAL;
	for (;;) {
		mbox = q.ev_mbox ? q.ev_mbox : ev_vcpd_mbox(mbox_v, q.ev_flags & EVENT_VCORE_PRIVATE);
		ret = ev_mbox_post(p, mbox, msg);
		if (ret == -ENOSPC)
			ev_warn_drop(p, msg);
		if (ret)
			return ret;
		/* A spammed message alerts the vcore it went to. */
		ret = ev_alert(p, ev_q, q.ev_flags | (tries ? EVENT_NOTHROTTLE : 0),
		               q.ev_mbox ? vcoreid : mbox_v, pin);
		if (!pin || q.ev_mbox || !(q.ev_flags & EVENT_SPAM_PUBLIC) || ++tries > 3 ||
		    ev_spam_landed(p, mbox_v))
			return ret;
		/* Once more, elsewhere: spammed messages may come twice. */
		mbox_v = ev_pick_spam(&in, vcoreid, true);
	}
}

int send_event(struct proc *p, uintptr_t ev_q, const struct event_msg *msg, uint32_t vcoreid)
{
	struct mm *prev = NULL;
	bool switched;
	int ret;

	ret = ev_enter(p, &prev, &switched);
	if (ret)
		return ret;
	ret = __send_event(p, ev_q, msg, vcoreid);
	ev_leave(prev, switched);
	return ret;
}

int send_vcpd_event(struct proc *p, const struct event_msg *msg, uint32_t vcoreid, bool priv)
{
	struct mm *prev = NULL;
	bool switched;
	int ret;

	if (vcoreid >= ROS_MAX_VCORES)
		return -EINVAL;
	ret = ev_enter(p, &prev, &switched);
	if (ret)
		return ret;
	ret = ev_mbox_post(p, ev_vcpd_mbox(vcoreid, priv), msg);
	if (ret == -ENOSPC)
		ev_warn_drop(p, msg);
	if (!ret)
		__proc_notify(p, vcoreid);
	ev_leave(prev, switched);
	return ret;
}

int send_kernel_event(struct proc *p, const struct event_msg *msg, uint32_t vcoreid)
{
	uintptr_t slot = UDATA + __builtin_offsetof(struct procdata, head.kernel_evts) +
	                 (uintptr_t)msg->ev_type * sizeof(uint64_t);
	struct mm *prev = NULL;
	uint64_t ev_q = 0;
	bool switched;
	int ret;

	if (msg->ev_type >= EV_NR_TYPES)
		return -EINVAL;
	ret = ev_enter(p, &prev, &switched);
	if (ret)
		return ret;
	/* Unreadable (procdata not mapped) or 0: nobody wants this type. */
	if (!get_user_u64(&ev_q, (const void __user *)slot) && ev_q)
		ret = __send_event(p, ev_q, msg, vcoreid);
	else
		ret = -ENOENT;
	ev_leave(prev, switched);
	return ret;
}
