/* SPDX-License-Identifier: MIT */
/*
 * utest_events.c - /test/utest_events: event delivery to an SCP
 * (kern/src/event/event.c, sys_event.c, the producers ucq.c, evbitmap.c, ceq.c)
 * read back with the user consumers (user/parlib/).
 *
 * Covers send_event to the caller's own queues through each mailbox type,
 * thousands of UCQ messages (page growth, pages recycled by the consumer),
 * the UCQ bounds (per queue: drops counted with ENOSPC; per process:
 * kernel pages stop at EV_UCQ_MAX_PROC_PGS), bad queues, messages, flags
 * and mailbox types, and, through procdata at UDATA, self_notify into the
 * VCPD mailbox, EVENT_INDIR with its ev_alert_pending throttle and
 * notify(pid) through kernel_evts[].  Until the kernel maps procdata, those
 * last tests map an ordinary page range at UDATA (it sits where procdata
 * will) and say so on the console: the kernel reaches both the same way.
 */
#include <parlib/event.h>
#include <ros/mmap.h>
#include <ros/procdata.h>
#include <tiny/print.h>
#include <tiny/start.h>
#include <tiny/string.h>
#include <tiny/syscall.h>
#include <tiny/utest.h>

#define KADDR   0xffff800000100000ull   /* a kernel address */
#define BATCH   128

/* Must match kern/include/event.h (the per-process kernel UCQ page cap). */
#define EV_UCQ_MAX_PROC_PGS 1024

static long pages_live;

/* --------------------------------------------------------------- helpers */

static void *map_pages(size_t n)
{
	int64_t a = tsys(SYS_mmap, 0, n * PGSIZE, PROT_READ | PROT_WRITE,
	                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, (uint64_t)-1, 0);

	return a < 0 ? NULL : (void *)(uintptr_t)a;
}

static void *page_alloc(void)
{
	void *pg = map_pages(1);

	if (pg)
		pages_live++;
	return pg;
}

static void page_free(void *pg)
{
	pages_live--;
	tsys(SYS_munmap, UP(pg), PGSIZE);
}

static const struct ucq_mem_ops mmap_ops = { page_alloc, page_free };

static struct event_msg mk(uint16_t type, uint32_t a2, uint64_t a3)
{
	return (struct event_msg){ .ev_type = type, .ev_arg2 = a2, .ev_arg3 = a3, .ev_arg4 = ~a3 };
}

static int64_t send(struct syscall *sc, const void *evq, const struct event_msg *m)
{
	return sysc(sc, SYS_send_event, UP(evq), UP(m), 0);
}

/* Sends n messages (seq first..first+n) in batches; how many failed with
 * ENOSPC in *nospc; false on any other failure. */
static bool send_many(struct event_queue *q, uint32_t first, uint32_t n, uint32_t *nospc)
{
	static struct syscall b[BATCH];
	static struct event_msg m[BATCH];

	*nospc = 0;
	for (uint32_t done = 0; done < n;) {
		uint32_t k = n - done < BATCH ? n - done : BATCH;

		for (uint32_t i = 0; i < k; i++) {
			m[i] = mk(EV_USER_IPI, first + done + i, first + done + i);
			sysc_prep(&b[i], SYS_send_event, UP(q), UP(&m[i]), 0);
		}
		sysc_run(b, k);
		for (uint32_t i = 0; i < k; i++) {
			if (b[i].err == ENOSPC)
				(*nospc)++;
			else if (b[i].err)
				return false;
		}
		done += k;
	}
	return true;
}

/* Reads n messages seq first..; NULL or what went wrong. */
static const char *read_seq(struct event_mbox *mb, uint32_t first, uint32_t n)
{
	struct event_msg m;

	for (uint32_t i = 0; i < n; i++) {
		if (!event_mbox_get(mb, &m))
			return "a message is missing";
		if (m.ev_type != EV_USER_IPI || m.ev_arg2 != first + i || m.ev_arg3 != first + i ||
		    m.ev_arg4 != ~(uint64_t)(first + i))
			return "a message is out of order or damaged";
	}
	return event_mbox_get(mb, &m) ? "an extra message" : NULL;
}

/*
 * procdata at UDATA: the kernel's when it maps one (mmap FIXED there is
 * refused), else a plain mapping made here.  NULL if neither works.
 */
static struct procdata *procdata_get(void)
{
	static struct procdata *pd;
	int64_t a;

	if (pd)
		return pd;
	a = tsys(SYS_mmap, UDATA, PROCDATA_NUM_PAGES * PGSIZE, PROT_READ | PROT_WRITE,
	         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, (uint64_t)-1, 0);
	if (a == (int64_t)UDATA)
		tiny_printf("utest_events: NOTE procdata is not mapped by the kernel yet: using "
		            "an anonymous mapping at UDATA (%#lx) in its place\n", (unsigned long)UDATA);
	pd = (struct procdata *)UDATA;
	return pd;
}

/*
 * Our pid.  There is no getpid call, and procinfo (UINFO) cannot be probed
 * safely from here (reading it unmapped kills us), so: 1, as this test runs
 * as the first process (init=).  If that ever stops being true the notify
 * test fails (its message goes elsewhere); it cannot pass by mistake.
 */
static uint32_t my_pid(void)
{
	return 1;
}

/* ----------------------------------------------------------- the tests */

UTEST(send_event_bitmap)
{
	struct event_queue_big q;
	struct event_msg m = mk(EV_ALARM, 5, 6), out;
	struct syscall sc;

	event_mbox_init_bitmap(&q.mbox);
	event_queue_init(&q.q, &q.mbox, 0);
	UT_ASSERT_EQ(send(&sc, &q.q, &m), 0);
	UT_ASSERT_EQ(send(&sc, &q.q, &m), 0);
	UT_ASSERT(event_mbox_get(&q.mbox, &out));
	UT_ASSERT_EQ(out.ev_type, EV_ALARM);
	UT_ASSERT(!event_mbox_get(&q.mbox, &out));      /* coalesced */
}

UTEST(send_event_ceq_coalesces)
{
	static struct ceq_event evs[EV_NR_TYPES];
	static int32_t ring[8];
	struct event_queue_big q;
	struct event_msg m = mk(EV_ALARM, 0x1, 11), out;
	struct syscall sc;

	UT_ASSERT_EQ(event_mbox_init_ceq(&q.mbox, CEQ_OR, evs, EV_NR_TYPES, ring, 8), 0);
	event_queue_init(&q.q, &q.mbox, 0);
	UT_ASSERT_EQ(send(&sc, &q.q, &m), 0);
	m.ev_arg2 = 0x8;
	m.ev_arg3 = 22;
	UT_ASSERT_EQ(send(&sc, &q.q, &m), 0);
	UT_ASSERT(event_mbox_get(&q.mbox, &out));
	UT_ASSERT_EQ(out.ev_type, EV_ALARM);
	UT_ASSERT_EQ(out.ev_arg2, 0x9);
	UT_ASSERT_EQ(out.ev_arg3, 22);
	UT_ASSERT(!event_mbox_get(&q.mbox, &out));
	m.ev_type = EV_NR_TYPES - 1;
	q.mbox.ceq.nr_events = EV_NR_TYPES - 1;         /* id past nr_events */
	send(&sc, &q.q, &m);
	UT_SYSC_ERR(&sc, EINVAL);
}

UTEST(send_event_ucq_thousands_grow_and_recycle)
{
	static struct event_queue_big q;
	const uint32_t n = 4000;
	uint32_t nospc;
	const char *why;

	pages_live = 0;
	UT_ASSERT_EQ(event_mbox_init_ucq(&q.mbox, &mmap_ops), 0);
	event_queue_init(&q.q, &q.mbox, 0);
	UT_ASSERT(send_many(&q.q, 0, n, &nospc));
	UT_ASSERT_EQ(nospc, 0);
	UT_ASSERT_EQ(q.mbox.ucq.nr_extra_pgs, (n - 1) / UCQ_SLOTS_PER_PAGE);
	why = read_seq(&q.mbox, 0, n);
	UT_ASSERT_MSG(!why, "%s", why);
	UT_ASSERT_EQ(q.mbox.ucq.nr_extra_pgs, 0);
	UT_ASSERT_EQ(q.mbox.ucq.nr_dropped, 0);
	UT_ASSERT(q.mbox.ucq.spare_pg != 0);
	/* Again: the kernel links the spare and the consumer returns pages. */
	UT_ASSERT(send_many(&q.q, n, 3 * UCQ_SLOTS_PER_PAGE, &nospc));
	why = read_seq(&q.mbox, n, 3 * UCQ_SLOTS_PER_PAGE);
	UT_ASSERT_MSG(!why, "%s", why);
	ucq_destroy(&q.mbox.ucq);
}

UTEST(ucq_bound_per_queue_drops)
{
	static struct event_queue_big q;
	const uint32_t cap = (UCQ_MAX_EXTRA_PGS + 1) * UCQ_SLOTS_PER_PAGE;
	uint32_t nospc;
	struct syscall sc;
	struct event_msg m = mk(EV_USER_IPI, 0, 0);
	const char *why;

	UT_ASSERT_EQ(event_mbox_init_ucq(&q.mbox, &mmap_ops), 0);
	event_queue_init(&q.q, &q.mbox, 0);
	UT_ASSERT(send_many(&q.q, 0, cap + 50, &nospc));
	UT_ASSERT_EQ(nospc, 50);
	UT_ASSERT_EQ(q.mbox.ucq.nr_dropped, 50);
	UT_ASSERT_EQ(q.mbox.ucq.nr_extra_pgs, UCQ_MAX_EXTRA_PGS);
	send(&sc, &q.q, &m);
	UT_SYSC_ERR(&sc, ENOSPC);
	why = read_seq(&q.mbox, 0, cap);
	UT_ASSERT_MSG(!why, "%s", why);
	UT_ASSERT_EQ(send(&sc, &q.q, &m), 0);           /* drained: room again */
	ucq_destroy(&q.mbox.ucq);
}

/*
 * Five UCQs that nobody drains: together they would need 5 * 255 kernel
 * pages, but the kernel maps at most EV_UCQ_MAX_PROC_PGS for the process.
 */
UTEST(ucq_bound_per_process_stops_kernel_pages)
{
	static struct event_queue_big q[5];
	const uint32_t per = (UCQ_MAX_EXTRA_PGS + 1) * UCQ_SLOTS_PER_PAGE;
	uint64_t linked = 0, dropped = 0;
	uint32_t nospc;

	for (int i = 0; i < 5; i++) {
		UT_ASSERT_EQ(event_mbox_init_ucq(&q[i].mbox, &mmap_ops), 0);
		event_queue_init(&q[i].q, &q[i].mbox, 0);
		UT_ASSERT(send_many(&q[i].q, 0, per, &nospc));
		linked += q[i].mbox.ucq.nr_extra_pgs;
		dropped += q[i].mbox.ucq.nr_dropped;
	}
	/* Each UCQ linked its spare (1) plus kernel pages; the kernel's total
	 * stops at the cap, the rest of the messages are counted as drops. */
	UT_ASSERT_EQ(linked - 5, EV_UCQ_MAX_PROC_PGS);
	UT_ASSERT(dropped > 0);
	for (int i = 0; i < 5; i++)
		ucq_destroy(&q[i].mbox.ucq);
}

UTEST(send_event_bad_arguments)
{
	struct event_queue_big q;
	struct event_msg m = mk(EV_USER_IPI, 0, 0);
	struct syscall sc;

	event_mbox_init_bitmap(&q.mbox);
	event_queue_init(&q.q, &q.mbox, 0);
	send(&sc, NULL, &m);
	UT_SYSC_ERR(&sc, EFAULT);
	send(&sc, (void *)KADDR, &m);
	UT_SYSC_ERR(&sc, EFAULT);
	send(&sc, (char *)&q.q + 4, &m);
	UT_SYSC_ERR(&sc, EFAULT);
	send(&sc, &q.q, NULL);
	UT_SYSC_ERR(&sc, EFAULT);
	send(&sc, &q.q, (void *)KADDR);
	UT_SYSC_ERR(&sc, EFAULT);
	sysc(&sc, SYS_send_event, UP(&q.q), UP(&m), 1u << 20);
	UT_SYSC_ERR(&sc, EINVAL);
	q.q.ev_flags = 0x400;
	send(&sc, &q.q, &m);
	UT_SYSC_ERR(&sc, EINVAL);
	q.q.ev_flags = 0;
	q.mbox.type = 0;
	send(&sc, &q.q, &m);
	UT_SYSC_ERR(&sc, EINVAL);
	q.mbox.type = 7;
	send(&sc, &q.q, &m);
	UT_SYSC_ERR(&sc, EINVAL);
	q.mbox.type = EV_MBOX_UCQ;                      /* never initialised */
	__builtin_memset(&q.mbox.ucq, 0, sizeof(q.mbox.ucq));
	send(&sc, &q.q, &m);
	UT_SYSC_ERR(&sc, EINVAL);
	q.q.ev_mbox = KADDR;
	send(&sc, &q.q, &m);
	UT_SYSC_ERR(&sc, EFAULT);
	m.ev_type = EV_NR_TYPES;                        /* a bitmap has no such bit */
	event_mbox_init_bitmap(&q.mbox);
	q.q.ev_mbox = UP(&q.mbox);
	send(&sc, &q.q, &m);
	UT_SYSC_ERR(&sc, EINVAL);
}

UTEST(self_notify_into_the_vcpd_mailbox)
{
	struct procdata *pd = procdata_get();
	struct vcpd *v = &pd->vcpd[0];
	struct event_msg m = mk(EV_USER_IPI, 3, 4), out;
	struct syscall sc;

	event_mbox_init_bitmap(&v->ev_mbox_private);
	event_mbox_init_bitmap(&v->ev_mbox_public);
	v->notif_pending = 0;
	UT_ASSERT_EQ(sysc(&sc, SYS_self_notify, 0, EV_USER_IPI, UP(&m), 1), 0);
	UT_ASSERT(event_mbox_get(&v->ev_mbox_private, &out));
	UT_ASSERT_EQ(out.ev_type, EV_USER_IPI);
	UT_ASSERT(!event_mbox_get(&v->ev_mbox_public, &out));
	UT_ASSERT_EQ(v->notif_pending, 1);
	UT_ASSERT_EQ(sysc(&sc, SYS_self_notify, 0, EV_ALARM, 0, 0), 0);  /* no msg: zeroed */
	UT_ASSERT(event_mbox_get(&v->ev_mbox_public, &out));
	UT_ASSERT_EQ(out.ev_type, EV_ALARM);
	sysc(&sc, SYS_self_notify, ROS_MAX_VCORES, EV_ALARM, 0, 0);
	UT_SYSC_ERR(&sc, EINVAL);
	sysc(&sc, SYS_self_notify, 0, EV_NR_TYPES, 0, 0);
	UT_SYSC_ERR(&sc, EINVAL);
	sysc(&sc, SYS_self_notify, 0, EV_ALARM, KADDR, 0);
	UT_SYSC_ERR(&sc, EFAULT);
	v->ev_mbox_public.type = 0;
	sysc(&sc, SYS_self_notify, 0, EV_ALARM, 0, 0);
	UT_SYSC_ERR(&sc, EINVAL);
}

UTEST(indir_and_its_throttle)
{
	struct procdata *pd = procdata_get();
	struct vcpd *v = &pd->vcpd[0];
	struct event_queue_big q;
	struct event_msg m = mk(EV_USER_IPI, 0, 0), out;
	struct syscall sc;

	event_mbox_init_bitmap(&v->ev_mbox_public);
	event_mbox_init_bitmap(&q.mbox);
	event_queue_init(&q.q, &q.mbox, EVENT_INDIR | EVENT_WAKEUP);
	UT_ASSERT_EQ(send(&sc, &q.q, &m), 0);
	UT_ASSERT(event_mbox_get(&v->ev_mbox_public, &out));
	UT_ASSERT_EQ(out.ev_type, EV_EVENT);
	UT_ASSERT_EQ(q.q.ev_alert_pending, 1);
	UT_ASSERT_EQ(send(&sc, &q.q, &m), 0);           /* throttled: no second INDIR */
	UT_ASSERT(!event_mbox_get(&v->ev_mbox_public, &out));
	q.q.ev_flags |= EVENT_NOTHROTTLE;
	UT_ASSERT_EQ(send(&sc, &q.q, &m), 0);
	UT_ASSERT(event_mbox_get(&v->ev_mbox_public, &out));
	UT_ASSERT_EQ(out.ev_type, EV_EVENT);
	UT_ASSERT(event_mbox_get(&q.mbox, &out));       /* the message itself */
	UT_ASSERT_EQ(out.ev_type, EV_USER_IPI);
}

UTEST(notify_self_through_kernel_evts)
{
	struct procdata *pd = procdata_get();
	uint32_t pid = my_pid();
	struct event_queue_big q;
	struct event_msg m = mk(0, 77, 88), out;
	struct syscall sc;

	event_mbox_init_ucq(&q.mbox, &mmap_ops);
	event_queue_init(&q.q, &q.mbox, 0);
	pd->head.kernel_evts[EV_POSIX_SIGNAL] = 0;
	sysc(&sc, SYS_notify, pid, EV_POSIX_SIGNAL, UP(&m));     /* unwanted: said so */
	UT_SYSC_ERR(&sc, ENOENT);
	UT_ASSERT(!event_mbox_get(&q.mbox, &out));
	pd->head.kernel_evts[EV_POSIX_SIGNAL] = UP(&q.q);
	UT_ASSERT_EQ(sysc(&sc, SYS_notify, pid, EV_POSIX_SIGNAL, UP(&m)), 0);
	UT_ASSERT_MSG(event_mbox_get(&q.mbox, &out), "no message in kernel_evts' queue (pid %u)",
	              pid);
	UT_ASSERT_EQ(out.ev_type, EV_POSIX_SIGNAL);
	UT_ASSERT_EQ(out.ev_arg2, 77);
	UT_ASSERT_EQ(out.ev_arg3, 88);
	pd->head.kernel_evts[EV_POSIX_SIGNAL] = 0;
	sysc(&sc, SYS_notify, 99999, EV_POSIX_SIGNAL, 0);
	UT_SYSC_ERR(&sc, ESRCH);
	sysc(&sc, SYS_notify, pid, EV_NR_TYPES, 0);
	UT_SYSC_ERR(&sc, EINVAL);
	sysc(&sc, SYS_notify, pid, EV_ALARM, KADDR);
	UT_SYSC_ERR(&sc, EFAULT);
	ucq_destroy(&q.mbox.ucq);
}

int main(int argc, char **argv, char **envp __attribute__((unused)))
{
	return utest_main("events", argc, argv);
}
