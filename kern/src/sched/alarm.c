/* SPDX-License-Identifier: MIT */
/*
 * alarm.c - per-core timer chains on the LAPIC one-shot timer (alarm.h).
 *
 * A chain is a sorted list under an irqsave lock.  The owning core arms its
 * LAPIC timer for the head's deadline whenever the head changes; another
 * core that puts a new head on a chain asks the owner to re-arm with an
 * immediate kernel message (only the owner can program its LAPIC).  The
 * timer IRQ (VEC_LAPIC_TIMER) pops expired alarms one at a time, marks
 * them running, fires them with the lock dropped (so handlers may set and
 * unset alarms), and re-arms.  'running' ends when an IRQ handler returns
 * or when the routine message of an RKM alarm has run its handler; that is
 * what unset_alarm() waits for.  A timer interrupt that comes early (LAPIC
 * and TSC clocks drift) finds nothing expired and simply re-arms.
 * kthread_usleep() lives here because it is an awaiter.
 */
#include <alarm.h>
#include <kprof.h>
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/trap.h>
#include <assert.h>
#include <errno.h>
#include <kmsg.h>
#include <kthread.h>
#include <printk.h>
#include <sem.h>
#include <time.h>

static struct timer_chain tchains[MAX_CORES];

struct timer_chain *tchain_of(uint32_t core)
{
	return &tchains[core];
}

struct timer_chain *this_tchain(void)
{
	return &tchains[core_id()];
}

void init_alarm(struct alarm_waiter *a, void (*func)(struct alarm_waiter *),
                void *data, int type)
{
	assert(type == ALARM_IRQ || type == ALARM_RKM);
	*a = (struct alarm_waiter){ .func = func, .data = data, .type = type };
	list_init(&a->link);
}

static void awaiter_fire(struct alarm_waiter *a)
{
	sem_up(a->data);
}

void init_awaiter(struct alarm_waiter *a, struct sem *sem)
{
	init_alarm(a, awaiter_fire, sem, ALARM_IRQ);
}

void set_awaiter_abs(struct alarm_waiter *a, uint64_t abs_ns)
{
	a->deadline = abs_ns;
}

void set_awaiter_rel(struct alarm_waiter *a, uint64_t rel_ns)
{
	uint64_t now = nsec_now();

	a->deadline = rel_ns > UINT64_MAX - now ? UINT64_MAX : now + rel_ns;
}

/* ------------------------------------------------------------ arming --- */

/* Owning core, tc->lock held: arm the LAPIC timer for the head. */
static void __tchain_arm(struct timer_chain *tc)
{
	struct alarm_waiter *head;
	uint64_t now;

	if (list_empty(&tc->waiters)) {
		lapic_timer_stop();
		return;
	}
	head = list_first_entry(&tc->waiters, struct alarm_waiter, link);
	now = nsec_now();
	lapic_timer_oneshot_ns(head->deadline > now ? head->deadline - now : 0);
}

static void tchain_arm(struct timer_chain *tc)
{
	uint64_t flags = spin_lock_irqsave(&tc->lock);

	__tchain_arm(tc);
	spin_unlock_irqrestore(&tc->lock, flags);
}

static void tchain_arm_kmsg(uint64_t tc, uint64_t a1, uint64_t a2)
{
	tchain_arm((struct timer_chain *)tc);
}

/* tc->lock held; returns true if a became the head. */
static bool __tchain_insert(struct timer_chain *tc, struct alarm_waiter *a)
{
	struct list_head *at = &tc->waiters;     /* insert before this */
	struct alarm_waiter *pos;

	list_for_each_entry(pos, &tc->waiters, link) {
		if (a->deadline < pos->deadline) {
			at = &pos->link;
			break;
		}
	}
	list_add_tail(&a->link, at);
	return tc->waiters.next == &a->link;
}

int set_alarm(struct timer_chain *tc, struct alarm_waiter *a)
{
	uint64_t flags = spin_lock_irqsave(&tc->lock);
	bool head, remote = false;

	if (a->pending || (a->running && a->tchain != tc)) {
		spin_unlock_irqrestore(&tc->lock, flags);
		printk("set_alarm: alarm %p is already pending or running elsewhere\n", a);
		return -EBUSY;
	}
	a->tchain = tc;
	a->pending = true;
	head = __tchain_insert(tc, a);
	if (head && tc->core == core_id())
		__tchain_arm(tc);
	else if (head)
		remote = true;
	spin_unlock_irqrestore(&tc->lock, flags);
	if (remote)
		send_kernel_message(tc->core, tchain_arm_kmsg, (uint64_t)tc, 0, 0,
		                    KMSG_IMMEDIATE);
	return 0;
}

/* ---------------------------------------------------------- unsetting --- */

/* tc->lock held: is the caller the running handler of a itself? */
static bool __alarm_is_self(struct alarm_waiter *a)
{
	if (a->type == ALARM_IRQ)
		return in_irq_ctx() && core_id() == a->tchain->core;
	return a->runner && a->runner == kthread_current();
}

/* tc->lock held: may we wait for a's handler? */
static bool __alarm_must_wait(struct alarm_waiter *a)
{
	if (!a->running || __alarm_is_self(a))
		return false;
	if (a->type == ALARM_RKM && in_irq_ctx() && a->tchain->core == core_id()) {
		warn("unset_alarm: cannot wait for this core's RKM alarm in IRQ context");
		return false;
	}
	return true;
}

static void alarm_wait_a_bit(void)
{
	if (kthread_current() && !in_irq_ctx())
		kthread_yield();
	else
		cpu_relax();
}

bool unset_alarm(struct timer_chain *tc, struct alarm_waiter *a)
{
	bool removed = false, wait;
	uint64_t flags;

	if (a->tchain && a->tchain != tc) {
		warn("unset_alarm: alarm %p was set on another chain", a);
		tc = a->tchain;
	}
	for (;;) {
		flags = spin_lock_irqsave(&tc->lock);
		if (a->pending) {
			list_del(&a->link);
			a->pending = false;
			removed = true;
		}
		wait = __alarm_must_wait(a);
		spin_unlock_irqrestore(&tc->lock, flags);
		if (!wait)
			return removed;
		alarm_wait_a_bit();
	}
}

bool reset_alarm_abs(struct timer_chain *tc, struct alarm_waiter *a, uint64_t abs_ns)
{
	bool was = unset_alarm(tc, a);

	set_awaiter_abs(a, abs_ns);
	set_alarm(tc, a);
	return was;
}

bool reset_alarm_rel(struct timer_chain *tc, struct alarm_waiter *a, uint64_t rel_ns)
{
	bool was = unset_alarm(tc, a);

	set_awaiter_rel(a, rel_ns);
	set_alarm(tc, a);
	return was;
}

/* ------------------------------------------------------------- firing --- */

static void alarm_fire_done(struct alarm_waiter *a)
{
	struct timer_chain *tc = a->tchain;
	uint64_t flags = spin_lock_irqsave(&tc->lock);

	a->running = false;
	a->runner = NULL;
	spin_unlock_irqrestore(&tc->lock, flags);
}

static void alarm_rkm(uint64_t arg, uint64_t a1, uint64_t a2)
{
	struct alarm_waiter *a = (struct alarm_waiter *)arg;
	uint64_t flags = spin_lock_irqsave(&a->tchain->lock);

	a->runner = kthread_current();
	spin_unlock_irqrestore(&a->tchain->lock, flags);
	a->func(a);
	alarm_fire_done(a);
}

/* Takes the head off tc if its deadline has passed, marking it running. */
static struct alarm_waiter *tchain_pop_expired(struct timer_chain *tc)
{
	struct alarm_waiter *a = NULL;
	uint64_t flags = spin_lock_irqsave(&tc->lock);

	if (!list_empty(&tc->waiters)) {
		a = list_first_entry(&tc->waiters, struct alarm_waiter, link);
		if (a->deadline > nsec_now()) {
			a = NULL;
		} else {
			list_del(&a->link);
			a->pending = false;
			a->running = true;
			tc->nr_fired++;
		}
	}
	spin_unlock_irqrestore(&tc->lock, flags);
	return a;
}

static void alarm_fire(struct timer_chain *tc, struct alarm_waiter *a)
{
	if (a->type == ALARM_RKM) {
		send_kernel_message(tc->core, alarm_rkm, (uint64_t)a, 0, 0, KMSG_ROUTINE);
		return;
	}
	a->func(a);
	alarm_fire_done(a);
}

static void alarm_irq_handler(struct hw_trapframe *tf, void *data)
{
	struct timer_chain *tc = this_tchain();
	struct alarm_waiter *a;

	kprof_tick(tf);                 /* the profiler samples what we interrupted */
	while ((a = tchain_pop_expired(tc)))
		alarm_fire(tc, a);
	tchain_arm(tc);
}

/* ------------------------------------------------------- set-up, info --- */

void alarm_init(void)
{
	for (uint32_t c = 0; c < MAX_CORES; c++) {
		spinlock_init(&tchains[c].lock, "tchain");
		list_init(&tchains[c].waiters);
		tchains[c].core = c;
	}
	if (register_irq_handler(VEC_LAPIC_TIMER, alarm_irq_handler, NULL, "lapic timer"))
		panic("alarm: the LAPIC timer vector %#x is taken", VEC_LAPIC_TIMER);
}

void alarm_print_chain(uint32_t core)
{
	struct timer_chain *tc = tchain_of(core);
	struct alarm_waiter *a;
	uint64_t now = nsec_now();
	uint64_t flags = spin_lock_irqsave(&tc->lock);

	printk("core %u: %lu alarms fired; pending:\n", core, tc->nr_fired);
	list_for_each_entry(a, &tc->waiters, link)
		printk("  %p %s in %ld ns, func %p\n", a, a->type == ALARM_IRQ ? "irq" : "rkm",
		       (long)(a->deadline - now), a->func);
	spin_unlock_irqrestore(&tc->lock, flags);
}

void kthread_usleep(uint64_t usec)
{
	struct timer_chain *tc = this_tchain();
	struct alarm_waiter a;
	struct sem s;

	sem_init(&s, 0);
	init_awaiter(&a, &s);
	set_awaiter_rel(&a, usec * NSEC_PER_USEC);
	set_alarm(tc, &a);
	sem_down(&s);
	unset_alarm(tc, &a);
}
