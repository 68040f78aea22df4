/* SPDX-License-Identifier: MIT */
/*
 * kthread.c - kthread creation, the per-core run queues, blocking and
 * waking, exit and reaping.
 *
 * Each core has a struct kthread_core: a FIFO run queue (irqsave lock, so
 * IRQ handlers and other cores can wake kthreads), its idle kthread, a
 * spare kthread that replaces the idle one if the idle one blocks, and the
 * kthread it last switched away from.  All switches happen with IRQs off.
 * After every switch the incoming kthread calls kthread_finish_switch(),
 * which reaps the outgoing one if it was DEAD (a kthread never frees the
 * stack it runs on), or, if it was PARKING (kthread_recycle), makes it NEW
 * again with a fresh start frame and calls its park hook.  Reaping frees
 * the stack and drops the kthread's own reference; if that was not the
 * last one, a joiner holds the struct and kt->exited is upped to release
 * it (kthread_join drops the last ref).
 *
 * Why a run queue and not a routine kernel message per wakeup (as Akaros
 * does): a wakeup then needs no allocation, so it cannot fail in IRQ context
 * or under memory pressure, and a kthread is never in two places at once.
 * A kthread that stops running switches straight to the head of the run
 * queue unless a routine message waits; then, or with the queue empty, it
 * switches to the idle kthread (sched/idle.c), which runs the messages: so
 * they still run at the next scheduling point.
 *
 * Lock order: a kthread's sleep_lock -> a rendez lock -> core run-queue
 * lock (innermost; rendez.c takes sleep_lock first and wakes under the
 * rendez lock).  Semaphores and CVs wake after dropping their lock, so
 * their locks never nest with the run-queue lock.  Not here: the sync
 * objects themselves (sem.c, cv.c, rendez.c), alarms (alarm.c), the idle
 * loop (sched/idle.c).
 */
#include <arch/irq.h>
#include <arch/kthread.h>
#include <arch/trap.h>
#include <assert.h>
#include <cputime.h>
#include <kmalloc.h>
#include <kmsg.h>
#include <kstring.h>
#include <kthread.h>
#include <page.h>
#include <printk.h>
#include <ros/mmu64.h>
#include <smp.h>

struct kthread_core kthread_cores[MAX_CORES];         /* kthread.h */
static atomic_t kthread_live = ATOMIC_INIT(0);
static atomic_t kthread_created = ATOMIC_INIT(0);
extern char boot_stack[];

static struct kthread_core *this_kcore(void)
{
	return &kthread_cores[core_id()];
}

void kthread_init_global(void)
{
	for (int i = 0; i < MAX_CORES; i++) {
		spinlock_init(&kthread_cores[i].lock, "kthread runq");
		list_init(&kthread_cores[i].runq);
	}
}

/* ----------------------------------------------------------- creation --- */

static struct kthread *kthread_alloc_struct(const char *name, int flags)
{
	struct kthread *kt = kzmalloc(sizeof(*kt), flags);

	if (!kt)
		return NULL;
	kt->state = KT_NEW;
	kt->migrate_to = ~0u;
	strlcpy(kt->name, name ? name : "kthread", sizeof(kt->name));
	list_init(&kt->runq_link);
	list_init(&kt->wait_link);
	kref_init(&kt->ref);
	sem_init(&kt->exited, 0);
	spinlock_init(&kt->sleep_lock, "kthread sleep");
	atomic_inc(&kthread_live);
	atomic_inc(&kthread_created);
	return kt;
}

static struct kthread *kthread_alloc(void (*fn)(void *), void *arg, const char *name,
                                     int flags)
{
	struct kthread *kt = kthread_alloc_struct(name, flags);

	if (!kt)
		return NULL;
	kt->stack = kpages_alloc(KSTACK_SIZE, flags);
	if (!kt->stack) {
		atomic_dec(&kthread_live);
		kfree(kt);
		return NULL;
	}
	kt->stack_owned = true;
	kt->fn = fn;
	kt->arg = arg;
	arch_kthread_ctx_init(&kt->ctx, (char *)kt->stack + KSTACK_SIZE, kt);
	return kt;
}

struct kthread *kthread_create(void (*fn)(void *), void *arg, const char *name)
{
	return kthread_alloc(fn, arg, name, MEM_WAIT);
}

struct kthread *kthread_try_create(void (*fn)(void *), void *arg, const char *name)
{
	return kthread_alloc(fn, arg, name, MEM_ATOMIC);
}

static void kthread_release(struct kref *ref)
{
	struct kthread *kt = container_of(ref, struct kthread, ref);

	atomic_dec(&kthread_live);
	kfree(kt);
}

void kthread_get(struct kthread *kt)
{
	kref_get(&kt->ref);
}

void kthread_put(struct kthread *kt)
{
	kref_put(&kt->ref, kthread_release);
}

uint64_t kthread_nr_live(void)
{
	return atomic_read(&kthread_live);
}

uint64_t kthread_nr_created(void)
{
	return atomic_read(&kthread_created);
}

/* ------------------------------------------------------ run queues --- */

/* Once on the run queue, kt is its core's: that core may run it, and it may
 * exit and be freed, before this returns.  kt is not touched after the
 * unlock. */
static void runq_add(struct kthread *kt)
{
	uint32_t core = kt->core;
	struct kthread_core *kc = &kthread_cores[core];
	uint64_t flags = spin_lock_irqsave(&kc->lock);

	list_add_tail(&kt->runq_link, &kc->runq);
	spin_unlock_irqrestore(&kc->lock, flags);
	if (core != core_id())
		kmsg_kick_core(core);
}

static struct kthread *runq_pop(void)
{
	struct kthread_core *kc = this_kcore();
	struct kthread *kt = NULL;
	uint64_t flags = spin_lock_irqsave(&kc->lock);

	if (!list_empty(&kc->runq)) {
		kt = list_first_entry(&kc->runq, struct kthread, runq_link);
		list_del(&kt->runq_link);
	}
	spin_unlock_irqrestore(&kc->lock, flags);
	return kt;
}

void kthread_run_on(struct kthread *kt, uint32_t core)
{
	assert(core < num_cores && kt->state == KT_NEW);
	kt->core = core;
	__atomic_store_n(&kt->state, KT_RUNNABLE, __ATOMIC_RELEASE);
	runq_add(kt);
}

bool kthread_wake(struct kthread *kt)
{
	int32_t old = KT_BLOCKED;

	if (!__atomic_compare_exchange_n(&kt->state, &old, KT_RUNNABLE, false,
	                                 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		warn("kthread_wake: '%s' is not blocked (state %d)", kt->name, old);
		return false;
	}
	runq_add(kt);
	return true;
}

/* ------------------------------------------------------- switching --- */

static void kthread_reap(struct kthread *kt)
{
	if (kt->stack_owned)
		kpages_free(kt->stack, KSTACK_SIZE);
	kt->stack = NULL;
	/* Last ref: nobody can be joining.  Else a joiner holds the struct
	 * alive until sem_up lets it drop its ref. */
	if (!kref_put(&kt->ref, kthread_release))
		sem_up(&kt->exited);
}

/* A recycled kthread, now off its stack: a fresh start frame, a clean
 * error state, KT_NEW, and its park hook hands it on. */
static void kthread_park(struct kthread *kt)
{
	arch_kthread_ctx_init(&kt->ctx, (char *)kt->stack + KSTACK_SIZE, kt);
	kt->err.top = NULL;
	kt->err.errno_ = 0;
	kt->err.errstr[0] = 0;
	__atomic_store_n(&kt->state, KT_NEW, __ATOMIC_RELEASE);
	kt->park(kt);
}

/* The incoming kthread's first act after every switch; IRQs off. */
static void kthread_finish_switch(void)
{
	struct kthread_core *kc = this_kcore();
	struct kthread *prev = kc->prev;
	int32_t state;

	kc->prev = NULL;
	if (!prev)
		return;
	state = __atomic_load_n(&prev->state, __ATOMIC_ACQUIRE);
	if (state == KT_DEAD) {
		kthread_reap(prev);
	} else if (state == KT_PARKING) {
		kthread_park(prev);
	} else if (prev->migrate_to != ~0u) {   /* off its old stack: it may go */
		prev->core = prev->migrate_to;
		prev->migrate_to = ~0u;
		__atomic_store_n(&prev->state, KT_RUNNABLE, __ATOMIC_RELEASE);
		runq_add(prev);
	}
}

static void kthread_switch_to(struct kthread *next)
{
	struct kthread_core *kc = this_kcore();
	struct kthread *prev = kthread_current();

	assert(!irq_is_enabled());
	if (next == prev)
		return;
	kc->prev = prev;
	kc->nr_switches++;
	cputime_switch(prev);
	this_cpu()->cur_kthread = next;
	__atomic_store_n(&next->state, KT_RUNNING, __ATOMIC_RELEASE);
	arch_kthread_switch_space(prev->uext, next->uext, next->cr3,
	                          (uintptr_t)next->stack + KSTACK_SIZE);
	kthread_switch(&prev->ctx.rsp, next->ctx.rsp);
	kthread_finish_switch();
}

/* The idle kthread blocks: its spare takes over as the core's idle. */
static struct kthread *kthread_promote_spare(struct kthread_core *kc)
{
	struct kthread *next = kc->spare;

	if (!next)
		panic("core %u: idle kthread blocks and no spare kthread is left",
		      core_id());
	next->core = core_id();
	kc->spare = NULL;
	kc->idle = next;
	return next;
}

/*
 * The caller (IRQs off) stops running: blocked, yielding, exiting or
 * parking.  A kthread other than the idle one goes straight to the head of
 * the run queue when there is one and no routine message waits (those run
 * on the idle kthread); otherwise to the idle kthread.  The head may be the
 * caller itself (woken, or queued by its own yield, before this pop): it
 * then just goes on running.
 */
static void kthread_sched_to_idle(void)
{
	struct kthread_core *kc = this_kcore();
	struct kthread *cur = kthread_current(), *next = kc->idle;

	if (next == cur) {
		next = kthread_promote_spare(kc);
	} else if (!kmsg_routine_pending()) {
		struct kthread *head = runq_pop();

		if (head == cur) {
			__atomic_store_n(&cur->state, KT_RUNNING, __ATOMIC_RELEASE);
			return;
		}
		if (head)
			next = head;
	}
	kthread_switch_to(next);
}

void kthread_entry(struct kthread *kt);
void kthread_entry(struct kthread *kt)
{
	kthread_finish_switch();
	irq_enable();
	kt->fn(kt->arg);
	kthread_exit();
}

/* ------------------------------------------------ block, yield, exit --- */

uint64_t kthread_nr_switches(uint32_t core)
{
	return core < MAX_CORES ? READ_ONCE(kthread_cores[core].nr_switches) : 0;
}

/* The switch away finishes first (kthread_finish_switch on the incoming
 * kthread), so the target core never runs us while our stack is in use. */
void kthread_migrate(uint32_t core)
{
	struct kthread *cur = kthread_current();
	uint64_t flags;

	if (core >= num_cores || core == core_id())
		return;
	flags = irq_save();
	assert(cur != this_kcore()->idle);
	cur->migrate_to = core;
	kthread_sched_to_idle();
	irq_restore(flags);
}

void kthread_block(spinlock_t *lock)
{
	struct kthread *cur = kthread_current();

	assert(cur && !irq_is_enabled() && !in_irq_ctx());
	if (cur->block_hook) {
		void (*hook)(void *) = cur->block_hook;

		cur->block_hook = NULL;
		hook(cur->block_arg);
	}
	__atomic_store_n(&cur->state, KT_BLOCKED, __ATOMIC_RELEASE);
	spin_unlock(lock);
	kthread_sched_to_idle();
}

void kthread_yield(void)
{
	struct kthread *cur = kthread_current();
	uint64_t flags = irq_save();

	if (cur == this_kcore()->idle) {
		kthread_run_next();
	} else {
		__atomic_store_n(&cur->state, KT_RUNNABLE, __ATOMIC_RELEASE);
		runq_add(cur);
		kthread_sched_to_idle();
	}
	irq_restore(flags);
}

void kthread_exit(void)
{
	struct kthread *cur = kthread_current();

	irq_disable();
	__atomic_store_n(&cur->state, KT_DEAD, __ATOMIC_RELEASE);
	kthread_sched_to_idle();
	panic("dead kthread '%s' was switched back in", cur->name);
}

void kthread_recycle(void (*fn)(void *), void *arg, void (*park)(struct kthread *kt))
{
	struct kthread *cur = kthread_current();

	irq_disable();
	assert(cur->stack_owned && cur != this_kcore()->idle && !cur->block_hook &&
	       !cur->uext && !cur->err.top);
	cur->fn = fn;
	cur->arg = arg;
	cur->park = park;
	__atomic_store_n(&cur->state, KT_PARKING, __ATOMIC_RELEASE);
	kthread_sched_to_idle();
	panic("parked kthread '%s' was switched back in", cur->name);
}

void kthread_discard(struct kthread *kt)
{
	assert(kt->state == KT_NEW);
	kthread_reap(kt);
}

void kthread_join(struct kthread *kt)
{
	sem_down(&kt->exited);
	sem_up(&kt->exited);            /* let any other joiner through too */
	kthread_put(kt);
}

/* ------------------------------------------------ idle-loop helpers --- */

/* Idle kthread, IRQs off: runs the next runnable kthread, if any. */
bool kthread_run_next(void)
{
	struct kthread *kt = runq_pop();

	if (!kt)
		return false;
	kthread_switch_to(kt);
	return true;
}

bool kthread_is_idle(void)
{
	return kthread_current() == this_kcore()->idle;
}

static void kthread_idle_entry(void *arg)
{
	smp_idle_loop();
}

/* Idle kthread: makes sure the core has a spare, without blocking. */
void kthread_refill_spare(void)
{
	struct kthread_core *kc = this_kcore();

	if (!kc->spare)
		kc->spare = kthread_alloc(kthread_idle_entry, NULL, "idle", MEM_ATOMIC);
}

/* The current context (boot stack or AP stack) becomes a kthread. */
static struct kthread *kthread_adopt_current(const char *name, void *stack)
{
	struct kthread *kt = kthread_alloc_struct(name, MEM_WAIT);

	kt->stack = stack;
	kt->stack_owned = false;
	kt->core = core_id();
	kt->state = KT_RUNNING;
	this_cpu()->cur_kthread = kt;
	return kt;
}

void kthread_init_boot_core(void)
{
	struct kthread_core *kc = this_kcore();

	kthread_adopt_current("boot", boot_stack);
	kc->idle = kthread_alloc(kthread_idle_entry, NULL, "idle", MEM_WAIT);
	kc->idle->core = core_id();
	kc->spare = kthread_alloc(kthread_idle_entry, NULL, "idle", MEM_WAIT);
}

void kthread_init_ap_core(void)
{
	struct kthread_core *kc = this_kcore();

	kc->idle = kthread_adopt_current("idle", NULL);
	kc->spare = kthread_alloc(kthread_idle_entry, NULL, "idle", MEM_WAIT);
}
