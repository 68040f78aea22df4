/* SPDX-License-Identifier: MIT */
/*
 * irq_vector.c - handing out IDT vectors VEC_DYN_FIRST..VEC_DYN_LAST to
 * interrupt sources that have no fixed vector (MSI and MSI-X).
 *
 * A bitmap under the irqsave spinlock "irq_vectors" says which vectors are
 * taken.  The lock is dropped before register_irq_handler() takes
 * irq_reg_lock, so the two are never nested.  irq_vector_free() is for a
 * vector whose source is masked (see unregister_irq_handler()).  Vectors
 * are the same on every core (one IDT).
 */
#include <arch/trap.h>
#include <errno.h>
#include <spinlock.h>

#define NR_DYN (VEC_DYN_LAST - VEC_DYN_FIRST + 1)

static spinlock_t irq_vectors_lock = SPINLOCK_INITIALIZER("irq_vectors");
static uint64_t irq_vectors_used[(NR_DYN + 63) / 64];  /* [irq_vectors_lock] */

static int vector_take(void)
{
	uint64_t flags = spin_lock_irqsave(&irq_vectors_lock);
	int vec = -ENOSPC;

	for (int i = 0; i < NR_DYN; i++) {
		if (!(irq_vectors_used[i / 64] & (1ull << (i % 64)))) {
			irq_vectors_used[i / 64] |= 1ull << (i % 64);
			vec = VEC_DYN_FIRST + i;
			break;
		}
	}
	spin_unlock_irqrestore(&irq_vectors_lock, flags);
	return vec;
}

static void vector_put(int vec)
{
	uint64_t flags = spin_lock_irqsave(&irq_vectors_lock);
	int i = vec - VEC_DYN_FIRST;

	irq_vectors_used[i / 64] &= ~(1ull << (i % 64));
	spin_unlock_irqrestore(&irq_vectors_lock, flags);
}

int irq_vector_alloc(irq_handler_fn fn, void *data, const char *name)
{
	int vec = vector_take();

	if (vec < 0)
		return vec;
	if (register_irq_handler(vec, fn, data, name)) {
		vector_put(vec);        /* someone registered it by hand */
		return -EBUSY;
	}
	return vec;
}

void irq_vector_free(int vector)
{
	if (vector < VEC_DYN_FIRST || vector > VEC_DYN_LAST)
		return;
	unregister_irq_handler(vector);
	vector_put(vector);
}
