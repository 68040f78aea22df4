/* SPDX-License-Identifier: MIT */
/*
 * kmsg.c - kernel messages (kmsg.h) and smp_call_function (smp.h).
 *
 * Each core has one queue per message type, guarded by one irqsave lock.
 * A sender allocates a struct kmsg (slab cache, MEM_ATOMIC; failing that,
 * its own core's emergency reserve of KMSG_RESERVE static structs; failing
 * that, panic), appends it to the target's queue and sends the target a
 * VEC_KMSG IPI.  The IPI handler drains the immediate queue; routine
 * messages wait for kmsg_run_routine() at a safe point (sched/idle.c).
 * Queues are FIFO and only the owning core removes from them, so order per
 * (target, type) is total, and so also per (sender, target, type).
 *
 * A handler may send messages, including to its own core; the drain loops
 * pick them up.  A routine handler may not return, so the message is freed
 * (and counted as received) before its handler is called.
 *
 * Not here: what runs at safe points besides messages (sched/idle.c).
 */
#include <arch/apic.h>
#include <arch/irq.h>
#include <arch/trap.h>
#include <assert.h>
#include <atomic.h>
#include <errno.h>
#include <kmsg.h>
#include <list.h>
#include <percpu.h>
#include <printk.h>
#include <slab.h>
#include <smp.h>
#include <spinlock.h>

#define KMSG_RESERVE 32
#define KMSG_NR_TYPES 2

struct kmsg {
	struct list_head link;          /* [kc->lock] target queue, or [kc->reserve_lock] reserve */
	kmsg_fn_t fn;
	uint64_t a0, a1, a2;
	uint16_t reserve_core;          /* owner of a reserve struct */
	bool from_reserve;
};

/* [l] lock, [reserve_lock], [a] relaxed atomic counters (Documentation/style.md) */
struct kmsg_core {
	spinlock_t lock;
	struct list_head queue[KMSG_NR_TYPES];          /* [l] */
	spinlock_t reserve_lock;
	struct list_head reserve;                       /* [reserve_lock] */
	uint64_t nr_reserve_used;                       /* [a] */
	uint64_t sent[KMSG_NR_TYPES];                   /* [a] by this core */
	uint64_t received[KMSG_NR_TYPES];               /* [a] by this core */
} __aligned(64);

static struct kmsg_core kmsg_cores[MAX_CORES];
static struct kmsg kmsg_reserve_pool[MAX_CORES][KMSG_RESERVE];
static struct kmem_cache *kmsg_cache;

static void kmsg_irq_handler(struct hw_trapframe *tf, void *data);

static void stat_inc(uint64_t *ctr)
{
	__atomic_fetch_add(ctr, 1, __ATOMIC_RELAXED);
}

/* ------------------------------------------------------- allocation --- */

static struct kmsg *kmsg_reserve_get(uint32_t core)
{
	struct kmsg_core *kc = &kmsg_cores[core];
	struct kmsg *m = NULL;
	uint64_t flags = spin_lock_irqsave(&kc->reserve_lock);

	if (!list_empty(&kc->reserve)) {
		m = list_first_entry(&kc->reserve, struct kmsg, link);
		list_del(&m->link);
	}
	spin_unlock_irqrestore(&kc->reserve_lock, flags);
	return m;
}

/*
 * A message from the cache, else from this core's reserve.  With both dry
 * (an atomic allocation can fail on a busy machine even with memory free)
 * it waits for one of its reserve messages to be run and freed by its
 * target: targets run messages without needing this core, so the wait
 * ends.  It says so once per episode rather than losing the message.
 */
static struct kmsg *kmsg_alloc(void)
{
	bool warned = false;
	struct kmsg *m;

	for (uint64_t spins = 0;; spins++) {
		m = kmsg_cache ? kmem_cache_alloc(kmsg_cache, MEM_ATOMIC) : NULL;
		if (m) {
			m->from_reserve = false;
			return m;
		}
		m = kmsg_reserve_get(core_id());
		if (m)
			break;
		if (!warned && spins > 1000000) {
			warn("kmsg: core %u: no memory and its %d reserve messages are in flight; "
			     "waiting", core_id(), KMSG_RESERVE);
			warned = true;
		}
		cpu_relax();
	}
	stat_inc(&kmsg_cores[core_id()].nr_reserve_used);
	return m;
}

static void kmsg_free(struct kmsg *m)
{
	struct kmsg_core *kc;
	uint64_t flags;

	if (!m->from_reserve) {
		kmem_cache_free(kmsg_cache, m);
		return;
	}
	kc = &kmsg_cores[m->reserve_core];
	flags = spin_lock_irqsave(&kc->reserve_lock);
	list_add(&m->link, &kc->reserve);
	spin_unlock_irqrestore(&kc->reserve_lock, flags);
}

void kmsg_init(void)
{
	for (int c = 0; c < MAX_CORES; c++) {
		struct kmsg_core *kc = &kmsg_cores[c];

		spinlock_init(&kc->lock, "kmsg queue");
		spinlock_init(&kc->reserve_lock, "kmsg reserve");
		for (int t = 0; t < KMSG_NR_TYPES; t++)
			list_init(&kc->queue[t]);
		list_init(&kc->reserve);
		for (int i = 0; i < KMSG_RESERVE; i++) {
			kmsg_reserve_pool[c][i].from_reserve = true;
			kmsg_reserve_pool[c][i].reserve_core = c;
			list_add_tail(&kmsg_reserve_pool[c][i].link, &kc->reserve);
		}
	}
	kmsg_cache = kmem_cache_create("kmsg", sizeof(struct kmsg), 0, 0, NULL, NULL, NULL);
	if (!kmsg_cache)
		warn("kmsg: no slab cache; only the per-core reserves carry messages");
	if (register_irq_handler(VEC_KMSG, kmsg_irq_handler, NULL, "kmsg"))
		panic("kmsg: vector %#x is taken", VEC_KMSG);
}

/* ---------------------------------------------------------- sending --- */

void kmsg_kick_core(uint32_t core)
{
	int err = lapic_send_ipi(percpu_of(core)->apic_id, VEC_KMSG);

	if (err)
		printk("kmsg: IPI to core %u failed (%d); it runs its messages late\n",
		       core, err);
}

int send_kernel_message(uint32_t core, kmsg_fn_t fn, uint64_t a0, uint64_t a1,
                        uint64_t a2, int type)
{
	struct kmsg_core *kc;
	struct kmsg *m;
	uint64_t flags;

	if (core >= num_cores || !fn || (type != KMSG_IMMEDIATE && type != KMSG_ROUTINE)) {
		printk("kmsg: refusing a message to core %u (of %u), fn %p, type %d\n",
		       core, num_cores, fn, type);
		return -EINVAL;
	}
	m = kmsg_alloc();
	m->fn = fn;
	m->a0 = a0;
	m->a1 = a1;
	m->a2 = a2;
	kc = &kmsg_cores[core];
	flags = spin_lock_irqsave(&kc->lock);
	list_add_tail(&m->link, &kc->queue[type - 1]);
	spin_unlock_irqrestore(&kc->lock, flags);
	stat_inc(&kmsg_cores[core_id()].sent[type - 1]);
	/* A routine message to ourselves needs no IPI: we are not halted. */
	if (core != core_id() || type == KMSG_IMMEDIATE)
		kmsg_kick_core(core);
	return 0;
}

/* -------------------------------------------------------- receiving --- */

static struct kmsg *kmsg_pop(int type)
{
	struct kmsg_core *kc = &kmsg_cores[core_id()];
	struct kmsg *m = NULL;
	uint64_t flags = spin_lock_irqsave(&kc->lock);

	if (!list_empty(&kc->queue[type - 1])) {
		m = list_first_entry(&kc->queue[type - 1], struct kmsg, link);
		list_del(&m->link);
	}
	spin_unlock_irqrestore(&kc->lock, flags);
	return m;
}

/* Frees m, then runs its handler (which may not return). */
static void kmsg_deliver(struct kmsg *m, int type)
{
	struct kmsg copy = *m;

	kmsg_free(m);
	stat_inc(&kmsg_cores[core_id()].received[type - 1]);
	copy.fn(copy.a0, copy.a1, copy.a2);
}

void kmsg_run_immediate(void)
{
	struct kmsg *m;

	assert(!irq_is_enabled());
	while ((m = kmsg_pop(KMSG_IMMEDIATE)))
		kmsg_deliver(m, KMSG_IMMEDIATE);
}

void kmsg_run_routine(void)
{
	struct kmsg *m;

	while ((m = kmsg_pop(KMSG_ROUTINE)))
		kmsg_deliver(m, KMSG_ROUTINE);
}

bool kmsg_routine_pending(void)
{
	return !list_empty(&kmsg_cores[core_id()].queue[KMSG_ROUTINE - 1]);
}

static void kmsg_irq_handler(struct hw_trapframe *tf, void *data)
{
	kmsg_run_immediate();
}

/* ------------------------------------------------------- statistics --- */

void kmsg_get_counts(uint32_t core, uint64_t sent[2], uint64_t received[2])
{
	struct kmsg_core *kc = &kmsg_cores[core];

	for (int t = 0; t < KMSG_NR_TYPES; t++) {
		sent[t] = __atomic_load_n(&kc->sent[t], __ATOMIC_RELAXED);
		received[t] = __atomic_load_n(&kc->received[t], __ATOMIC_RELAXED);
	}
}

void kmsg_print_stats(void)
{
	uint64_t s[2], r[2];

	printk("core  sent-imm  sent-rtn  recv-imm  recv-rtn  reserve-used\n");
	for (uint32_t c = 0; c < num_cores; c++) {
		kmsg_get_counts(c, s, r);
		printk("%4u %9lu %9lu %9lu %9lu %13lu\n", c, s[0], s[1], r[0], r[1],
		       __atomic_load_n(&kmsg_cores[c].nr_reserve_used, __ATOMIC_RELAXED));
	}
}

/* ------------------------------------------------- smp_call_function --- */

static void smp_call_kmsg(uint64_t fn, uint64_t arg, uint64_t pending)
{
	((void (*)(void *))fn)((void *)arg);
	if (pending)
		atomic_dec((atomic_t *)pending);
}

static void smp_call_wait(atomic_t *pending)
{
	while (atomic_read(pending)) {
		if (!irq_is_enabled())
			kmsg_run_immediate();
		cpu_relax();
	}
}

static void smp_call_local(void (*fn)(void *), void *arg)
{
	uint64_t flags = irq_save();

	fn(arg);
	irq_restore(flags);
}

int smp_call_function(uint32_t core, void (*fn)(void *), void *arg, bool wait)
{
	atomic_t pending = ATOMIC_INIT(1);
	int ret;

	if (core == core_id()) {
		smp_call_local(fn, arg);
		return 0;
	}
	ret = send_kernel_message(core, smp_call_kmsg, (uint64_t)fn, (uint64_t)arg,
	                          wait ? (uint64_t)&pending : 0, KMSG_IMMEDIATE);
	if (ret == 0 && wait)
		smp_call_wait(&pending);
	return ret;
}

int smp_call_function_all(void (*fn)(void *), void *arg, bool wait)
{
	atomic_t pending = ATOMIC_INIT(0);
	uint32_t self = core_id();

	for (uint32_t c = 0; c < num_cores; c++) {
		if (c == self || !READ_ONCE(percpu_of(c)->online))
			continue;
		atomic_inc(&pending);
		if (send_kernel_message(c, smp_call_kmsg, (uint64_t)fn, (uint64_t)arg,
		                        wait ? (uint64_t)&pending : 0, KMSG_IMMEDIATE))
			atomic_dec(&pending);
	}
	smp_call_local(fn, arg);
	if (wait)
		smp_call_wait(&pending);
	return 0;
}
