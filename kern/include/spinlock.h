/* SPDX-License-Identifier: MIT */
/*
 * spinlock.h - test-and-test-and-set spinlocks, plain and irqsave.
 *
 *	static spinlock_t lock = SPINLOCK_INITIALIZER("mylock");
 *	spin_lock(&lock); ... spin_unlock(&lock);
 *	uint64_t flags = spin_lock_irqsave(&lock); ...
 *	spin_unlock_irqrestore(&lock, flags);
 *
 * Rules:
 *  - A lock that is ever taken from IRQ context must always be taken with
 *    spin_lock_irqsave(), or an interrupt on the holding core deadlocks.
 *  - Never sleep (block a kthread) or call error() with a spinlock held.
 *  - Spinlocks do not nest recursively.
 *
 * With CONFIG_SPINLOCK_DEBUG the lock checker (kern/src/sync/spinlock.c) records
 * the holder core and the file:line that took the lock, and panics, naming
 * the lock, on a recursive acquire, on a release by a core that does not
 * hold it, and on a lock used both with and without irqsave; and the
 * lock-order checker (lockorder.h) panics on the first acquisition that
 * inverts an order seen before.  A lock's name is its lock-order class:
 * give locks with different roles different names.
 *
 * spin_lock(), spin_trylock() and spin_lock_irqsave() are macros that pass
 * their call site (LOCK_SITE_HERE) to the *_at() functions, so reports name
 * the line that took the lock; a wrapper that takes locks for its caller
 * may pass its own caller's site to the *_at() forms.
 */
#pragma once

#include <types.h>
#include <arch/cpu.h>
#include <arch/irq.h>
#include <lockorder.h>

typedef struct spinlock {
	uint32_t locked;
#ifdef CONFIG_SPINLOCK_DEBUG
	int32_t holder_core;     /* -1 when free */
	const struct lock_site *holder_site;   /* where the holder took it */
	const char *name;        /* also the lock-order class */
	uint8_t irq_mode;        /* SPIN_IRQ_* seen first; 0 = not yet used */
	uint16_t class_id;       /* lockorder.c's class of name; 0 = not yet */
#endif
} spinlock_t;

#define SPIN_IRQ_PLAIN   1
#define SPIN_IRQ_SAVE    2

#ifdef CONFIG_SPINLOCK_DEBUG
#define SPINLOCK_INITIALIZER(lockname) \
	{ .locked = 0, .holder_core = -1, .holder_site = NULL, .name = lockname, \
	  .irq_mode = 0, .class_id = 0 }
void spinlock_debug_pre(spinlock_t *l, int irq_mode, const struct lock_site *site);
void spinlock_debug_post(spinlock_t *l, const struct lock_site *site);
void spinlock_debug_release(spinlock_t *l);
#else
#define SPINLOCK_INITIALIZER(lockname) { .locked = 0 }
static inline void spinlock_debug_pre(spinlock_t *l, int m, const struct lock_site *site)
{
	(void)l; (void)m; (void)site;
}
static inline void spinlock_debug_post(spinlock_t *l, const struct lock_site *site)
{
	(void)l; (void)site;
}
static inline void spinlock_debug_release(spinlock_t *l)
{
	(void)l;
}
#endif

void spinlock_init(spinlock_t *l, const char *name);

static __always_inline bool spin_try_once(spinlock_t *l)
{
	return !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}

static __always_inline void spin_acquire_at(spinlock_t *l, int mode,
                                            const struct lock_site *site)
{
	spinlock_debug_pre(l, mode, site);
	while (!spin_try_once(l)) {
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			cpu_relax();
	}
	spinlock_debug_post(l, site);
}

static __always_inline void spin_lock_at(spinlock_t *l, const struct lock_site *site)
{
	spin_acquire_at(l, SPIN_IRQ_PLAIN, site);
}

static __always_inline bool spin_trylock_at(spinlock_t *l, const struct lock_site *site)
{
	if (!spin_try_once(l))
		return false;
	spinlock_debug_post(l, site);
	return true;
}

static __always_inline void spin_unlock(spinlock_t *l)
{
	spinlock_debug_release(l);
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

static __always_inline uint64_t spin_lock_irqsave_at(spinlock_t *l,
                                                     const struct lock_site *site)
{
	uint64_t flags = irq_save();

	spin_acquire_at(l, SPIN_IRQ_SAVE, site);
	return flags;
}

#define spin_lock(l)            spin_lock_at((l), LOCK_SITE_HERE)
#define spin_trylock(l)         spin_trylock_at((l), LOCK_SITE_HERE)
#define spin_lock_irqsave(l)    spin_lock_irqsave_at((l), LOCK_SITE_HERE)

static __always_inline void spin_unlock_irqrestore(spinlock_t *l, uint64_t flags)
{
	spin_unlock(l);
	irq_restore(flags);
}

static inline bool spin_is_locked(const spinlock_t *l)
{
	return __atomic_load_n(&l->locked, __ATOMIC_RELAXED);
}
