/* SPDX-License-Identifier: MIT */
/*
 * spinlock.c - spinlock_init() and the lock checker (CONFIG_SPINLOCK_DEBUG).
 *
 * The checker records, for each held lock, the core that holds it and the
 * file:line that took it, and panics with the lock's name when:
 *  - a core takes a lock it already holds (a certain deadlock);
 *  - a core releases a lock that it does not hold;
 *  - a lock is taken both with and without irqsave (a deadlock waiting for
 *    an interrupt to arrive at the wrong moment).
 * The checks run before the lock is touched, so the panic path (whose
 * printk does not use spinlock_t) can still report.  Then the lock-order
 * checker (lockorder.c) sees every acquisition and release.
 */
#include <assert.h>
#include <core_id.h>
#include <lockorder.h>
#include <spinlock.h>

void spinlock_init(spinlock_t *l, const char *name)
{
	*l = (spinlock_t)SPINLOCK_INITIALIZER(name);
}

#ifdef CONFIG_SPINLOCK_DEBUG

static const char *lock_name(const spinlock_t *l)
{
	return l->name ? l->name : "(unnamed)";
}

void spinlock_debug_pre(spinlock_t *l, int irq_mode, const struct lock_site *site)
{
	uint8_t seen = __atomic_load_n(&l->irq_mode, __ATOMIC_RELAXED);

	if (__atomic_load_n(&l->holder_core, __ATOMIC_RELAXED) == (int32_t)core_id() &&
	    __atomic_load_n(&l->locked, __ATOMIC_RELAXED))
		panic("spinlock '%s': core %u takes it again at %s:%d (held since %s:%d)",
		      lock_name(l), core_id(), lock_site_file(site), lock_site_line(site),
		      lock_site_file(l->holder_site), lock_site_line(l->holder_site));
	if (!seen)
		__atomic_compare_exchange_n(&l->irq_mode, &seen, (uint8_t)irq_mode, false,
		                            __ATOMIC_RELAXED, __ATOMIC_RELAXED);
	else if (seen != irq_mode)
		panic("spinlock '%s': taken %s irqsave at %s:%d, but %s elsewhere",
		      lock_name(l), irq_mode == SPIN_IRQ_SAVE ? "with" : "without",
		      lock_site_file(site), lock_site_line(site),
		      seen == SPIN_IRQ_SAVE ? "with" : "without");
	lockorder_acquire(l, site);
}

void spinlock_debug_post(spinlock_t *l, const struct lock_site *site)
{
	__atomic_store_n(&l->holder_core, (int32_t)core_id(), __ATOMIC_RELAXED);
	l->holder_site = site;
	lockorder_acquired(l, site);
}

void spinlock_debug_release(spinlock_t *l)
{
	int32_t holder = __atomic_load_n(&l->holder_core, __ATOMIC_RELAXED);

	if (!__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
		panic("spinlock '%s': released by core %u but not held", lock_name(l), core_id());
	if (holder != (int32_t)core_id())
		panic("spinlock '%s': released by core %u but held by core %d",
		      lock_name(l), core_id(), holder);
	__atomic_store_n(&l->holder_core, -1, __ATOMIC_RELAXED);
	lockorder_release(l);
}

#endif
