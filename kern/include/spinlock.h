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
 * the holder core and caller and panics, naming the lock, on a recursive
 * acquire, on a release by a core that does not hold it, and on a lock used
 * both with and without irqsave.
 */
#pragma once

#include <types.h>
#include <arch/cpu.h>
#include <arch/irq.h>

typedef struct spinlock {
	uint32_t locked;
#ifdef CONFIG_SPINLOCK_DEBUG
	int32_t holder_core;     /* -1 when free */
	uintptr_t holder_pc;     /* return address of the acquirer */
	const char *name;
	uint8_t irq_mode;        /* SPIN_IRQ_* seen first; 0 = not yet used */
#endif
} spinlock_t;

#define SPIN_IRQ_PLAIN   1
#define SPIN_IRQ_SAVE    2

#ifdef CONFIG_SPINLOCK_DEBUG
#define SPINLOCK_INITIALIZER(lockname) \
	{ .locked = 0, .holder_core = -1, .holder_pc = 0, .name = lockname, .irq_mode = 0 }
void spinlock_debug_pre(spinlock_t *l, int irq_mode, uintptr_t pc);
void spinlock_debug_post(spinlock_t *l, uintptr_t pc);
void spinlock_debug_release(spinlock_t *l);
#else
#define SPINLOCK_INITIALIZER(lockname) { .locked = 0 }
static inline void spinlock_debug_pre(spinlock_t *l, int m, uintptr_t pc)
{
	(void)l; (void)m; (void)pc;
}
static inline void spinlock_debug_post(spinlock_t *l, uintptr_t pc)
{
	(void)l; (void)pc;
}
static inline void spinlock_debug_release(spinlock_t *l)
{
	(void)l;
}
#endif

void spinlock_init(spinlock_t *l, const char *name);

static __always_inline bool __spin_try(spinlock_t *l)
{
	return !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}

static __always_inline void __spin_acquire(spinlock_t *l, int mode, uintptr_t pc)
{
	spinlock_debug_pre(l, mode, pc);
	while (!__spin_try(l)) {
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			cpu_relax();
	}
	spinlock_debug_post(l, pc);
}

static __always_inline void spin_lock(spinlock_t *l)
{
	__spin_acquire(l, SPIN_IRQ_PLAIN, (uintptr_t)__builtin_return_address(0));
}

static __always_inline bool spin_trylock(spinlock_t *l)
{
	if (!__spin_try(l))
		return false;
	spinlock_debug_post(l, (uintptr_t)__builtin_return_address(0));
	return true;
}

static __always_inline void spin_unlock(spinlock_t *l)
{
	spinlock_debug_release(l);
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

static __always_inline uint64_t spin_lock_irqsave(spinlock_t *l)
{
	uint64_t flags = irq_save();

	__spin_acquire(l, SPIN_IRQ_SAVE, (uintptr_t)__builtin_return_address(0));
	return flags;
}

static __always_inline void spin_unlock_irqrestore(spinlock_t *l, uint64_t flags)
{
	spin_unlock(l);
	irq_restore(flags);
}

static inline bool spin_is_locked(const spinlock_t *l)
{
	return __atomic_load_n(&l->locked, __ATOMIC_RELAXED);
}
