/* SPDX-License-Identifier: MIT */
/*
 * test_list.c - host tests of kern/include/list.h.
 *
 * Insertion order, deletion, and the iteration macros: order, break, nested
 * loops over the same list (built with -Wshadow), removal inside the _safe
 * loop, the head expression evaluated once, the end sentinel that a loop
 * run to the end leaves in pos, and walks over a 64-byte-aligned struct
 * whose list head is not 64-byte aligned, which UBSan's alignment check
 * rejects if a macro makes an entry pointer out of the head.
 */
#include <list.h>

#include "htest.h"

struct item {
	int val;
	struct list_head link;
};

/* Over-aligned, like struct kmem_cache. */
struct big {
	char pad[40];
	struct list_head link;
	int val;
} __attribute__((aligned(64)));

/* The head sits 8 bytes into an 8-aligned struct: never 64-aligned as a big. */
static struct {
	long before;
	struct list_head head;
} big_list;

static struct item items[5];

static void fill(struct list_head *h)
{
	list_init(h);
	for (int i = 0; i < 5; i++) {
		items[i].val = i;
		list_add_tail(&items[i].link, h);
	}
}

HTEST(list_add_and_tail_order)
{
	struct list_head h = LIST_HEAD_INIT(h);
	struct item a = { .val = 1 }, b = { .val = 2 }, *pos;
	int seen[2], n = 0;

	HT_ASSERT(list_empty(&h));
	list_add_tail(&b.link, &h);
	list_add(&a.link, &h);
	list_for_each_entry(pos, &h, link)
		seen[n++] = pos->val;
	HT_ASSERT_EQ(n, 2);
	HT_ASSERT_EQ(seen[0], 1);
	HT_ASSERT_EQ(seen[1], 2);
	HT_ASSERT(list_first_entry(&h, struct item, link) == &a);
	list_del(&a.link);
	HT_ASSERT(list_empty(&a.link));
	HT_ASSERT(list_first_entry(&h, struct item, link) == &b);
}

HTEST(list_empty_loop_runs_no_body)
{
	struct list_head h = LIST_HEAD_INIT(h);
	struct item *pos, *tmp;
	int n = 0;

	list_for_each_entry(pos, &h, link)
		n++;
	HT_ASSERT(&pos->link == &h);          /* the end sentinel */
	list_for_each_entry_safe(pos, tmp, &h, link)
		n++;
	HT_ASSERT_EQ(n, 0);
	HT_ASSERT(&pos->link == &h);
}

HTEST(list_break_leaves_pos_at_entry)
{
	struct list_head h;
	struct item *pos;

	fill(&h);
	list_for_each_entry(pos, &h, link)
		if (pos->val == 3)
			break;
	HT_ASSERT(pos == &items[3]);
	list_for_each_entry(pos, &h, link)
		if (pos->val == 99)
			break;
	HT_ASSERT(&pos->link == &h);   /* ran to the end: insert-before point */
}

HTEST(list_nested_loops)
{
	struct list_head h;
	struct item *a, *b, *tmp;
	int pairs = 0, sum = 0;

	fill(&h);
	list_for_each_entry(a, &h, link)
		list_for_each_entry(b, &h, link)
			if (a->val < b->val)
				pairs++;
	HT_ASSERT_EQ(pairs, 10);
	list_for_each_entry_safe(a, tmp, &h, link)
		list_for_each_entry(b, &h, link)
			sum += a->val * b->val;
	HT_ASSERT_EQ(sum, 100);
}

HTEST(list_safe_removes_every_other)
{
	struct list_head h;
	struct item *pos, *tmp;
	int left = 0;

	fill(&h);
	list_for_each_entry_safe(pos, tmp, &h, link) {
		HT_ASSERT(&tmp->link == pos->link.next);
		if (pos->val % 2 == 0)
			list_del(&pos->link);
	}
	list_for_each_entry(pos, &h, link) {
		HT_ASSERT(pos->val % 2 == 1);
		left++;
	}
	HT_ASSERT_EQ(left, 2);
	list_for_each_entry_safe(pos, tmp, &h, link)
		list_del(&pos->link);
	HT_ASSERT(list_empty(&h));
}

static int heads_asked;

static struct list_head *count_head(struct list_head *h)
{
	heads_asked++;
	return h;
}

HTEST(list_head_evaluated_once)
{
	struct list_head h;
	struct item *pos, *tmp;
	int n = 0;

	fill(&h);
	list_for_each_entry(pos, count_head(&h), link)
		n++;
	HT_ASSERT_EQ(heads_asked, 1);
	list_for_each_entry_safe(pos, tmp, count_head(&h), link)
		n++;
	HT_ASSERT_EQ(heads_asked, 2);
	HT_ASSERT_EQ(n, 10);
}

HTEST(list_over_aligned_entries)
{
	static struct big bigs[3];
	struct big *pos, *tmp;
	int n = 0;

	HT_ASSERT((uintptr_t)&big_list.head % 64 != 0);
	list_init(&big_list.head);
	for (int i = 0; i < 3; i++) {
		bigs[i].val = i;
		list_add_tail(&bigs[i].link, &big_list.head);
	}
	list_for_each_entry(pos, &big_list.head, link)
		n += pos->val;
	list_for_each_entry_safe(pos, tmp, &big_list.head, link) {
		list_del(&pos->link);
		n++;
	}
	HT_ASSERT_EQ(n, 0 + 1 + 2 + 3);
	HT_ASSERT(list_empty(&big_list.head));
}
