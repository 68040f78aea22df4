/* SPDX-License-Identifier: MIT */
/*
 * kprof.c - the sampling profiler (kprof.h).
 *
 * Each core owns a struct kprof_core: a buffer of samples, the count filled
 * and an ALARM_IRQ alarm that re-arms itself every period, so the core's
 * LAPIC timer interrupts at least that often.  The timer interrupt handler
 * calls kprof_tick() first (alarm.c) with the interrupted trap frame; the
 * tick records one sample when half a period has passed since the last
 * one, which spreads samples evenly whatever other alarms fire.  Each
 * re-arm is jittered, uniformly within [period/2, 3*period/2): under
 * QEMU's icount a fixed period beats against a periodic workload (a
 * ping-pong whose round is a fifth of the period) and samples only a few
 * phases of it.  Call chains are
 * walked only inside the interrupted kthread's own stack.
 *
 * Concurrency: a core's buffer is written only by that core, in its timer
 * interrupt (interrupts off); the sample is filled before `n` is released,
 * so a reader that acquires `n` sees complete samples below it.  `on` gates
 * the ticks.  kprof_start/stop/clear run under kprof_sem in process
 * context; stop clears `on` everywhere, waits out any tick in progress
 * (the in_tick handshake) and unsets every alarm (unset_alarm waits for a
 * running handler), so after it no tick writes and the buffers can be read
 * or freed.
 */
#include <alarm.h>
#include <arch/cpu.h>
#include <arch/trap.h>
#include <backtrace.h>
#include <core_id.h>
#include <errno.h>
#include <kmalloc.h>
#include <kprof.h>
#include <kthread.h>
#include <kstring.h>
#include <process.h>
#include <sem.h>
#include <time.h>

struct kprof_core {
	struct kprof_sample *buf;       /* [s] KPROF_SAMPLES_PER_CORE of them */
	uint32_t n;                     /* [c] filled; released after the sample */
	uint64_t dropped;               /* [c] ticks with a full buffer */
	uint64_t next_ns;               /* [c] no sample before this time */
	bool on;                        /* [s] written under kprof_sem, read in IRQ */
	bool in_tick;                   /* [c] a tick is looking at buf */
	uint64_t rng;                   /* [c] xorshift state for the jitter */
	struct alarm_waiter alarm;      /* [s] */
} __aligned(64);

static struct kprof_core kprof_cores[MAX_CORES];
static uint64_t kprof_period_ns;        /* [s] */
static bool kprof_running;              /* [s] */
static struct sem kprof_sem = QLOCK_INITIALIZER(kprof_sem, "kprof");

/* The delay to kc's next tick: the period, jittered by up to +-half. */
static uint64_t kprof_next_delay(struct kprof_core *kc)
{
	uint64_t x = kc->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	kc->rng = x;
	return kprof_period_ns / 2 + x % kprof_period_ns;
}

static void kprof_alarm_fire(struct alarm_waiter *a)
{
	struct kprof_core *kc = a->data;

	if (!READ_ONCE(kc->on))
		return;
	set_awaiter_rel(a, kprof_next_delay(kc));
	set_alarm(this_tchain(), a);
}

/* The callers of an interrupted kernel PC, walked only inside the current
 * kthread's stack (and only if the interrupt arrived on it): an idle or
 * boot stack, or a frame pointer that leads elsewhere, gives no chain. */
static uint8_t kprof_chain(const struct hw_trapframe *tf, uint64_t *chain)
{
	struct kthread *kt = kthread_current();
	uintptr_t lo, hi;

	if (!kt || !kt->stack)
		return 0;
	lo = (uintptr_t)kt->stack;
	hi = lo + KSTACK_SIZE;
	if ((uintptr_t)tf < lo || (uintptr_t)tf >= hi)
		return 0;
	return (uint8_t)backtrace_collect_within(tf->rbp, lo, hi, (uintptr_t *)chain, KPROF_DEPTH);
}

/* Records one sample if the period has passed; on this core, IRQs off. */
static void kprof_sample_now(struct kprof_core *kc, const struct hw_trapframe *tf)
{
	struct kprof_sample *s;
	struct proc *p;
	uint64_t now = nsec_now();

	if (now < kc->next_ns)
		return;
	kc->next_ns = now + kprof_period_ns / 2 - kprof_period_ns / 16;
	if (kc->n == KPROF_SAMPLES_PER_CORE) {
		kc->dropped++;
		return;
	}
	s = &kc->buf[kc->n];
	p = current_proc();
	s->pc = tf->rip;
	s->pid = p ? p->pid : 0;
	s->core = (uint16_t)core_id();
	s->user = tf_from_user(tf);
	s->depth = s->user ? 0 : kprof_chain(tf, s->chain);
	__atomic_store_n(&kc->n, kc->n + 1, __ATOMIC_RELEASE);
}

/*
 * in_tick and on are a handshake with kprof_stop(), both sequentially
 * consistent: either this tick sees on cleared, or kprof_stop() sees
 * in_tick set and waits, so no tick touches a buffer after stop returns.
 */
void kprof_tick(const struct hw_trapframe *tf)
{
	struct kprof_core *kc = &kprof_cores[core_id()];

	if (!READ_ONCE(kc->on))
		return;
	__atomic_store_n(&kc->in_tick, true, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&kc->on, __ATOMIC_SEQ_CST))
		kprof_sample_now(kc, tf);
	__atomic_store_n(&kc->in_tick, false, __ATOMIC_RELEASE);
}

static void kprof_free_buffers(void)
{
	for (uint32_t c = 0; c < MAX_CORES; c++) {
		kfree(kprof_cores[c].buf);
		kprof_cores[c].buf = NULL;
		kprof_cores[c].n = 0;
		kprof_cores[c].dropped = 0;
	}
}

static int kprof_alloc_buffers(void)
{
	for (uint32_t c = 0; c < num_cores; c++) {
		kprof_cores[c].buf = kmalloc_array(KPROF_SAMPLES_PER_CORE,
		                                   sizeof(struct kprof_sample), MEM_WAIT);
		if (!kprof_cores[c].buf) {
			kprof_free_buffers();
			return -ENOMEM;
		}
	}
	return 0;
}

int kprof_start(uint64_t period_ns)
{
	int err = 0;

	if (period_ns < KPROF_MIN_PERIOD_NS)
		return -EINVAL;
	sem_down(&kprof_sem);
	if (kprof_running) {
		err = -EBUSY;
		goto out;
	}
	kprof_free_buffers();
	err = kprof_alloc_buffers();
	if (err)
		goto out;
	kprof_period_ns = period_ns;
	kprof_running = true;
	for (uint32_t c = 0; c < num_cores; c++) {
		struct kprof_core *kc = &kprof_cores[c];

		kc->next_ns = 0;
		kc->rng = (nsec_now() ^ ((c + 1) * 0x9e3779b97f4a7c15ull)) | 1;
		init_alarm(&kc->alarm, kprof_alarm_fire, kc, ALARM_IRQ);
		WRITE_ONCE(kc->on, true);
		set_awaiter_rel(&kc->alarm, period_ns);
		set_alarm(tchain_of(c), &kc->alarm);
	}
out:
	sem_up(&kprof_sem);
	return err;
}

void kprof_stop(void)
{
	sem_down(&kprof_sem);
	if (kprof_running) {
		for (uint32_t c = 0; c < num_cores; c++)
			__atomic_store_n(&kprof_cores[c].on, false, __ATOMIC_SEQ_CST);
		for (uint32_t c = 0; c < num_cores; c++) {
			while (__atomic_load_n(&kprof_cores[c].in_tick, __ATOMIC_SEQ_CST))
				cpu_relax();
			unset_alarm(tchain_of(c), &kprof_cores[c].alarm);
		}
		kprof_running = false;
	}
	sem_up(&kprof_sem);
}

int kprof_clear(void)
{
	int err = 0;

	sem_down(&kprof_sem);
	if (kprof_running)
		err = -EBUSY;
	else
		kprof_free_buffers();
	sem_up(&kprof_sem);
	return err;
}

void kprof_get_status(struct kprof_status *st)
{
	memset(st, 0, sizeof(*st));
	sem_down(&kprof_sem);
	st->running = kprof_running;
	st->period_ns = kprof_period_ns;
	for (uint32_t c = 0; c < num_cores; c++) {
		st->samples += __atomic_load_n(&kprof_cores[c].n, __ATOMIC_ACQUIRE);
		st->dropped += READ_ONCE(kprof_cores[c].dropped);
	}
	sem_up(&kprof_sem);
}

long kprof_copy_samples(struct kprof_sample **out)
{
	struct kprof_sample *all = NULL;
	uint32_t counts[MAX_CORES];
	size_t total = 0, at = 0;

	*out = NULL;
	sem_down(&kprof_sem);
	for (uint32_t c = 0; c < num_cores; c++) {
		counts[c] = kprof_cores[c].buf ?
		            __atomic_load_n(&kprof_cores[c].n, __ATOMIC_ACQUIRE) : 0;
		total += counts[c];
	}
	if (total)
		all = kmalloc_array(total, sizeof(*all), MEM_WAIT);
	if (total && !all) {
		sem_up(&kprof_sem);
		return -ENOMEM;
	}
	for (uint32_t c = 0; c < num_cores; c++) {
		if (counts[c])
			memcpy(all + at, kprof_cores[c].buf, counts[c] * sizeof(*all));
		at += counts[c];
	}
	sem_up(&kprof_sem);
	*out = all;
	return (long)total;
}
