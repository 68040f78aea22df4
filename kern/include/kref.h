/* SPDX-License-Identifier: MIT */
/*
 * kref.h - reference counts for objects with a release function.
 *
 *	kref_init(&obj->ref);                      // one ref, the creator's
 *	kref_get(&obj->ref);                       // caller already holds one
 *	if (kref_get_not_zero(&obj->ref)) ...      // lookup side, see below
 *	kref_put(&obj->ref, obj_release);          // last put calls release
 *
 * Rules: kref_get() is only for a caller that already holds a reference
 * (so the count cannot be zero; it asserts so).  A lookup structure that
 * finds objects without holding a reference of its own (a hash of live
 * objects whose entries are removed by the release function) must use
 * kref_get_not_zero() under the lookup's lock and treat false as "not
 * found".  release runs exactly once, in the context of the last
 * kref_put(), which may be IRQ context if a put happens there.  Counts are
 * sequentially consistent atomics, so a put orders every earlier write to
 * the object before the release.
 *
 * Field tags ([I], [l], ...): the legend in Documentation/style.md.
 */
#pragma once

#include <assert.h>
#include <atomic.h>

struct kref {
	atomic_t refcount;      /* [a] */
};

static inline void kref_init(struct kref *k)
{
	atomic_set(&k->refcount, 1);
}

static inline int64_t kref_read(const struct kref *k)
{
	return atomic_read(&k->refcount);
}

static inline void kref_get(struct kref *k)
{
	int64_t old = atomic_fetch_add(&k->refcount, 1);

	assert(old > 0);
}

/* Takes a reference unless the count already reached zero. */
static inline bool kref_get_not_zero(struct kref *k)
{
	int64_t old = atomic_read(&k->refcount);

	while (old > 0) {
		if (atomic_cas(&k->refcount, old, old + 1))
			return true;
		old = atomic_read(&k->refcount);
	}
	return false;
}

/* Drops a reference; returns true if it was the last one (release ran). */
static inline bool kref_put(struct kref *k, void (*release)(struct kref *))
{
	int64_t old = atomic_fetch_add(&k->refcount, -1);

	assert(old > 0);
	if (old != 1)
		return false;
	release(k);
	return true;
}
