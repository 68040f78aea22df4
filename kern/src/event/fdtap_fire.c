/* SPDX-License-Identifier: MIT */
/*
 * fdtap_fire.c - FD tap objects (allocation, references) and firing them:
 * from a device's edge to send_event().
 *
 * A device fires a tap in any context (qio wake callbacks, the timer IRQ),
 * where send_event() cannot run: it may sleep on user memory.  So firing
 * is split in two.  fdtap_fire() ORs the bits into tap->pending and, if the
 * tap was not queued yet, takes a reference and pushes it on one global
 * lock-free stack (a CAS on its head); fdtap_kick() then sends one
 * routine kernel message to this core, unless one is on its way.  A device
 * operation that fired taps from a syscall (a pipe write) calls
 * fdtap_flush() at its end, holding no lock: it drains the stack at once,
 * so the reader's event is posted before the write returns and an
 * epoll_wait with no timeout that follows sees it.  The message then
 * finds nothing.  Edges raised in IRQ handlers (the timer, the console)
 * wait for the message.  The drain (fdtap_drain) clears the "scheduled" flag, takes the whole stack
 * with one swap, and for each tap clears queued, takes the pending bits and
 * posts them: a tap fired many times before the drain posts once, with the
 * union of the bits.
 *
 * Posting holds tap->post_lock and posts nothing once tap->dead is set
 * (fdtap.c sets it under the same lock at removal).  A failed post (a bad
 * or full queue) is dropped, counted, and reported on the console at the
 * 1st, 2nd, 4th, ... failure.  Rules for callers: fdtap_fire only on a
 * registered tap (so the set's reference keeps it alive), fdtap_kick with
 * no lock held.
 */
#include <arch/irq.h>
#include <arch/trap.h>
#include <core_id.h>
#include <event.h>
#include <fdtap.h>
#include <kmalloc.h>
#include <kmsg.h>
#include <kthread.h>
#include <printk.h>
#include <process.h>

static atomic_t fdtap_stack = ATOMIC_INIT(0);           /* struct fd_tap * */
static atomic_t fdtap_scheduled = ATOMIC_INIT(0);
static atomic_t fdtap_live = ATOMIC_INIT(0);
static atomic_t fdtap_dropped = ATOMIC_INIT(0);

void fdtap_fire(struct fd_tap *tap, uint32_t bits)
{
	int64_t head;

	__atomic_fetch_or(&tap->pending.v, (int64_t)bits, __ATOMIC_SEQ_CST);
	if (atomic_swap(&tap->queued, 1))
		return;
	kref_get(&tap->ref);
	do {
		head = atomic_read(&fdtap_stack);
		tap->fire_next = (struct fd_tap *)head;
	} while (!atomic_cas(&fdtap_stack, head, (int64_t)tap));
}

static void fdtap_drain(uint64_t a0, uint64_t a1, uint64_t a2);

/* A kthread with interrupts on, outside an IRQ handler (the caller of
 * fdtap_flush promises it holds no lock). */
static bool fdtap_may_post_here(void)
{
	return irq_is_enabled() && !in_irq_ctx() && kthread_current();
}

void fdtap_kick(void)
{
	if (!atomic_read(&fdtap_stack) || atomic_swap(&fdtap_scheduled, 1))
		return;
	send_kernel_message(core_id(), fdtap_drain, 0, 0, 0, KMSG_ROUTINE);
}

void fdtap_flush(void)
{
	if (atomic_read(&fdtap_stack) && fdtap_may_post_here())
		fdtap_drain(0, 0, 0);
}

static void fdtap_release(struct kref *r)
{
	struct fd_tap *tap = container_of(r, struct fd_tap, ref);

	if (tap->proc)
		proc_put(tap->proc);
	kfree(tap);
	atomic_dec(&fdtap_live);
}

void fdtap_put(struct fd_tap *tap)
{
	kref_put(&tap->ref, fdtap_release);
}

int64_t fdtap_nr_live(void)
{
	return atomic_read(&fdtap_live);
}

struct fd_tap *fdtap_alloc(void)
{
	struct fd_tap *tap = kzmalloc(sizeof(*tap), MEM_WAIT);

	if (!tap)
		return NULL;
	kref_init(&tap->ref);
	qlock_init(&tap->post_lock, "fd_tap post");
	list_init(&tap->set_link);
	list_init(&tap->dev_link);
	atomic_inc(&fdtap_live);
	return tap;
}

static void fdtap_report_drop(struct fd_tap *tap, int err)
{
	int64_t n = atomic_fetch_add(&fdtap_dropped, 1) + 1;

	if (n & (n - 1))
		return;
	printk("fdtap: event of fd %d (pid %d, ev_q %#llx) dropped: error %d "
	       "(%lld dropped so far)\n", tap->fd, tap->proc ? tap->proc->pid : 0,
	       (unsigned long long)tap->ev_q, err, (long long)n);
}

void fdtap_post(struct fd_tap *tap, uint32_t bits)
{
	struct event_msg msg = { 0 };
	int err;

	sem_down(&tap->post_lock);
	if (tap->dead) {
		sem_up(&tap->post_lock);
		return;
	}
	if (tap->sink) {
		tap->sink(tap, bits);
		sem_up(&tap->post_lock);
		return;
	}
	msg.ev_type = (uint16_t)tap->ev_id;
	msg.ev_arg1 = (uint16_t)tap->fd;
	msg.ev_arg2 = bits;
	msg.ev_arg3 = tap->data;
	err = send_event(tap->proc, tap->ev_q, &msg, 0);
	sem_up(&tap->post_lock);
	if (err)
		fdtap_report_drop(tap, err);
}

void fdtap_post_now(struct fd_tap *tap)
{
	uint32_t bits = (uint32_t)atomic_swap(&tap->pending, 0);

	if (bits)
		fdtap_post(tap, bits);
	fdtap_kick();
}

/* Routine kernel message: posts every queued tap. */
static void fdtap_drain(uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct fd_tap *tap, *next;

	(void)a0; (void)a1; (void)a2;
	atomic_set(&fdtap_scheduled, 0);
	tap = (struct fd_tap *)atomic_swap(&fdtap_stack, 0);
	for (; tap; tap = next) {
		uint32_t bits;

		next = tap->fire_next;
		atomic_set(&tap->queued, 0);
		bits = (uint32_t)atomic_swap(&tap->pending, 0);
		if (bits)
			fdtap_post(tap, bits);
		fdtap_put(tap);
	}
}
