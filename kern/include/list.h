/* SPDX-License-Identifier: MIT */
/*
 * list.h - intrusive circular doubly-linked lists.
 *
 * A 'struct list_head' is both the head of a list and the link embedded in
 * each member.  An empty list points at itself.  Nothing here locks: the
 * structure that owns the head says which lock guards it.
 *
 *	struct list_head runq = LIST_HEAD_INIT(runq);
 *	list_add_tail(&kt->link, &runq);
 *	list_for_each_entry(kt, &runq, link) ...
 *
 * The iteration macros never make an entry pointer out of the head itself
 * (see the comment above them), so they are safe for over-aligned structs.
 */
#pragma once

#include <types.h>

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name) { &(name), &(name) }

static inline void list_init(struct list_head *h)
{
	h->next = h;
	h->prev = h;
}

static inline bool list_empty(const struct list_head *h)
{
	return h->next == h;
}

static inline void list_link_between(struct list_head *n, struct list_head *prev,
                                     struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}

static inline void list_add(struct list_head *n, struct list_head *h)
{
	list_link_between(n, h, h->next);
}

static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
	list_link_between(n, h->prev, h);
}

/* Unlinks n and leaves it pointing at itself, so list_empty(n) is true. */
static inline void list_del(struct list_head *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	list_init(n);
}

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(h, type, member) list_entry((h)->next, type, member)

/*
 * Iteration.  The loops walk list_head pointers and compare them with the
 * head; only a link known to be a member is turned into its entry.  No
 * entry pointer is made from the head by pointer arithmetic (undefined, and
 * UBSan's alignment check trips on it for over-aligned structs such as
 * struct kmem_cache).  The head is evaluated once; the hidden cursors have
 * __COUNTER__-made names, so loops nest without -Wshadow warnings.
 *
 * After a break, pos is the entry the loop stopped at.  After a loop that
 * ran to the end, pos holds the end sentinel: the address an entry would
 * have if the head were its member, made from the head's address as an
 * integer.  Only &pos->member (== the head) may be used, as an insert-before
 * point; never read through it.  New code should keep the insert point in a
 * struct list_head * of its own instead (as arena.c's __arena_add_span does).
 */
#define __list_end_sentinel(h, pos, member)                                   \
	((__typeof__(pos))((uintptr_t)(h) -                                   \
	                   __builtin_offsetof(__typeof__(*(pos)), member)))

/* The entry of link l, or the end sentinel if l is the head h. */
#define __list_pos(l, h, pos, member)                                         \
	((l) != (h) ? list_entry(l, __typeof__(*(pos)), member)               \
	            : __list_end_sentinel(h, pos, member))

#define __list_for_each_entry(pos, h, member, u)                              \
	for (struct list_head *__lh##u = (h), *__ln##u = __lh##u->next;       \
	     (pos = __list_pos(__ln##u, __lh##u, pos, member)),               \
	     __ln##u != __lh##u;                                              \
	     __ln##u = __ln##u->next)
#define __list_for_each_entry_(pos, h, member, u)                             \
	__list_for_each_entry(pos, h, member, u)
#define list_for_each_entry(pos, h, member)                                   \
	__list_for_each_entry_(pos, h, member, __COUNTER__)

/*
 * Safe against removal of 'pos' inside the loop body (not of the entry
 * after it).  tmp is that next entry, or the end sentinel on the last pass.
 */
#define __list_for_each_entry_safe(pos, tmp, h, member, u)                    \
	for (struct list_head *__lh##u = (h), *__ln##u = __lh##u->next,       \
	                      *__lnn##u = __ln##u->next;                      \
	     (pos = __list_pos(__ln##u, __lh##u, pos, member)),               \
	     (tmp = __list_pos(__lnn##u, __lh##u, tmp, member)),              \
	     __ln##u != __lh##u;                                              \
	     __ln##u = __lnn##u, __lnn##u = __ln##u->next)
#define __list_for_each_entry_safe_(pos, tmp, h, member, u)                   \
	__list_for_each_entry_safe(pos, tmp, h, member, u)
#define list_for_each_entry_safe(pos, tmp, h, member)                         \
	__list_for_each_entry_safe_(pos, tmp, h, member, __COUNTER__)
