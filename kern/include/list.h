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

#define list_for_each_entry(pos, h, member)                                   \
	for (pos = list_entry((h)->next, __typeof__(*pos), member);           \
	     &pos->member != (h);                                             \
	     pos = list_entry(pos->member.next, __typeof__(*pos), member))

/* Safe against removal of 'pos' inside the loop body. */
#define list_for_each_entry_safe(pos, tmp, h, member)                         \
	for (pos = list_entry((h)->next, __typeof__(*pos), member),           \
	     tmp = list_entry(pos->member.next, __typeof__(*pos), member);    \
	     &pos->member != (h);                                             \
	     pos = tmp, tmp = list_entry(tmp->member.next, __typeof__(*tmp), member))
