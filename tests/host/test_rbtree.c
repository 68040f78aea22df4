/* SPDX-License-Identifier: MIT */
/*
 * test_rbtree.c - host tests of kern/src/lib/rbtree.c.
 *
 * Every test checks the tree with rb_validate() after each change and
 * compares its in-order walk (both directions) with a sorted model array.
 * Nodes carry an augmented subtree size and value sum, checked at every
 * node, so rotations, inserts, erases and rb_augment_propagate() must all
 * keep the summaries right.  Covers ascending, descending and random
 * insertion, duplicates, erasing in random order down to empty, the height
 * bound, in-place edits, and rb_validate() catching broken trees.
 */
#include <rbtree.h>
#include <errno.h>

#include <string.h>

#include "htest.h"

struct tnode {
	struct rb_node node;
	long key;
	long val;
	size_t size;        /* augmented: nodes in the subtree */
	long sum;           /* augmented: sum of val in the subtree */
};

static struct tnode *tn(const struct rb_node *n)
{
	return n ? rb_entry(n, struct tnode, node) : NULL;
}

static void tnode_augment(struct rb_node *n)
{
	struct tnode *t = tn(n), *l = tn(n->left), *r = tn(n->right);

	t->size = 1 + (l ? l->size : 0) + (r ? r->size : 0);
	t->sum = t->val + (l ? l->sum : 0) + (r ? r->sum : 0);
}

static int tnode_cmp(const struct rb_node *a, const struct rb_node *b)
{
	long x = tn(a)->key, y = tn(b)->key;

	return x < y ? -1 : x > y;
}

/* Checks the summaries of n's subtree; returns its size. */
static size_t check_aug(const struct rb_node *n, long *sum)
{
	long ls = 0, rs = 0;
	size_t sz;

	if (!n)
		return *sum = 0, 0;
	sz = 1 + check_aug(n->left, &ls) + check_aug(n->right, &rs);
	*sum = tn(n)->val + ls + rs;
	HT_ASSERT_EQ(tn(n)->size, sz);
	HT_ASSERT_EQ(tn(n)->sum, *sum);
	return sz;
}

static int height(const struct rb_node *n)
{
	int l, r;

	if (!n)
		return 0;
	l = height(n->left);
	r = height(n->right);
	return 1 + (l > r ? l : r);
}

/* The model: keys in sorted order. */
struct model {
	long keys[4096];
	size_t nr;
};

static void model_insert(struct model *m, long key)
{
	size_t i = m->nr;

	while (i > 0 && m->keys[i - 1] > key) {
		m->keys[i] = m->keys[i - 1];
		i--;
	}
	m->keys[i] = key;
	m->nr++;
}

static void model_remove_at(struct model *m, size_t i)
{
	memmove(&m->keys[i], &m->keys[i + 1], (m->nr - i - 1) * sizeof(long));
	m->nr--;
}

static void check_tree(struct rb_root *r, const struct model *m)
{
	struct rb_node *n;
	size_t i = 0, lg = 0;
	long sum;

	HT_ASSERT(rb_validate(r, tnode_cmp) >= 0);
	HT_ASSERT_EQ(check_aug(r->top, &sum), m->nr);
	for (n = rb_first(r); n; n = rb_next(n), i++)
		HT_ASSERT_EQ(tn(n)->key, m->keys[i]);
	HT_ASSERT_EQ(i, m->nr);
	for (n = rb_last(r); n; n = rb_prev(n))
		HT_ASSERT_EQ(tn(n)->key, m->keys[--i]);
	while ((2UL << lg) <= m->nr + 1)
		lg++;
	HT_ASSERT_MSG(height(r->top) <= 2 * (int)(lg + 1),
	              "height %d for %zu nodes", height(r->top), m->nr);
}

static struct tnode *find_key(struct rb_root *r, long key)
{
	struct rb_node *n = r->top;

	while (n) {
		if (key < tn(n)->key)
			n = n->left;
		else if (key > tn(n)->key)
			n = n->right;
		else
			return tn(n);
	}
	return NULL;
}

/* -------------------------------------------------------------- tests --- */

HTEST(rbtree_empty_and_single)
{
	struct rb_root r;
	struct tnode a = { .key = 5, .val = 7 };

	rb_root_init(&r, tnode_augment);
	HT_ASSERT(rb_empty(&r));
	HT_ASSERT(!rb_first(&r) && !rb_last(&r));
	HT_ASSERT_EQ(rb_validate(&r, tnode_cmp), 0);
	rb_insert(&r, &a.node, tnode_cmp);
	HT_ASSERT(!a.node.red);
	HT_ASSERT_EQ(a.size, 1);
	HT_ASSERT_EQ(a.sum, 7);
	HT_ASSERT(rb_first(&r) == &a.node && rb_last(&r) == &a.node);
	HT_ASSERT(!rb_next(&a.node) && !rb_prev(&a.node));
	rb_erase(&r, &a.node);
	HT_ASSERT(rb_empty(&r));
}

static void run_sequence(const long *keys, size_t n, bool augment)
{
	static struct tnode nodes[4096];
	static struct model m;
	struct rb_root r;
	size_t i;

	rb_root_init(&r, augment ? tnode_augment : NULL);
	m.nr = 0;
	for (i = 0; i < n; i++) {
		nodes[i] = (struct tnode){ .key = keys[i], .val = keys[i] * 3 };
		rb_insert(&r, &nodes[i].node, tnode_cmp);
		model_insert(&m, keys[i]);
		if (augment)
			check_tree(&r, &m);
		else
			HT_ASSERT(rb_validate(&r, tnode_cmp) >= 0);
	}
}

HTEST(rbtree_ascending_descending)
{
	long keys[1000];
	size_t i;

	for (i = 0; i < 1000; i++)
		keys[i] = (long)i;
	run_sequence(keys, 1000, true);
	for (i = 0; i < 1000; i++)
		keys[i] = 1000 - (long)i;
	run_sequence(keys, 1000, true);
	run_sequence(keys, 1000, false);
}

HTEST(rbtree_random_insert_erase)
{
	static struct tnode nodes[2048];
	static struct tnode *free_slots[2048];
	static struct model m;
	struct rb_root r;
	struct tnode *t;
	size_t i, nfree = 0, k;
	int round;

	for (i = 0; i < 2048; i++)
		free_slots[nfree++] = &nodes[i];
	rb_root_init(&r, tnode_augment);
	m.nr = 0;
	for (round = 0; round < 6000; round++) {
		if (m.nr < 2000 && (htest_rand() % 3 || !m.nr)) {
			t = free_slots[--nfree];
			/* small key space: plenty of duplicates */
			*t = (struct tnode){ .key = (long)(htest_rand() % 500),
			                     .val = (long)(htest_rand() % 100) };
			rb_insert(&r, &t->node, tnode_cmp);
			model_insert(&m, t->key);
		} else {
			k = htest_rand() % m.nr;
			t = find_key(&r, m.keys[k]);
			HT_ASSERT(t);
			rb_erase(&r, &t->node);
			free_slots[nfree++] = t;
			for (i = 0; m.keys[i] != t->key; i++)
				;
			model_remove_at(&m, i);
		}
		if (round % 7 == 0 || m.nr < 50)
			check_tree(&r, &m);
	}
	check_tree(&r, &m);
}

HTEST(rbtree_erase_all_random_order)
{
	static struct tnode nodes[1500];
	static struct model m;
	struct rb_root r;
	size_t i, j, order[1500], tmp;

	rb_root_init(&r, tnode_augment);
	m.nr = 0;
	for (i = 0; i < 1500; i++) {
		nodes[i] = (struct tnode){ .key = (long)(htest_rand() % 100000),
		                           .val = 1 };
		rb_insert(&r, &nodes[i].node, tnode_cmp);
		model_insert(&m, nodes[i].key);
		order[i] = i;
	}
	check_tree(&r, &m);
	for (i = 1500; i > 1; i--) {
		j = htest_rand() % i;
		tmp = order[i - 1], order[i - 1] = order[j], order[j] = tmp;
	}
	for (i = 0; i < 1500; i++) {
		rb_erase(&r, &nodes[order[i]].node);
		for (j = 0; m.keys[j] != nodes[order[i]].key; j++)
			;
		model_remove_at(&m, j);
		if (i % 11 == 0)
			check_tree(&r, &m);
	}
	HT_ASSERT(rb_empty(&r));
}

HTEST(rbtree_insert_at_with_own_descent)
{
	static struct tnode nodes[300];
	static struct model m;
	struct rb_root r;
	struct rb_node **link, *parent;
	size_t i;

	rb_root_init(&r, tnode_augment);
	m.nr = 0;
	for (i = 0; i < 300; i++) {
		nodes[i] = (struct tnode){ .key = (long)((i * 7919) % 300) };
		link = &r.top;
		parent = NULL;
		while (*link) {
			parent = *link;
			link = nodes[i].key < tn(parent)->key ? &parent->left
			                                      : &parent->right;
		}
		rb_insert_at(&r, &nodes[i].node, parent, link);
		model_insert(&m, nodes[i].key);
	}
	check_tree(&r, &m);
	HT_ASSERT_EQ(tn(r.top)->size, 300);
}

HTEST(rbtree_augment_propagate_after_edit)
{
	static struct tnode nodes[200];
	static struct model m;
	struct rb_root r;
	size_t i;
	long sum;

	rb_root_init(&r, tnode_augment);
	m.nr = 0;
	for (i = 0; i < 200; i++) {
		nodes[i] = (struct tnode){ .key = (long)i, .val = 1 };
		rb_insert(&r, &nodes[i].node, tnode_cmp);
		model_insert(&m, (long)i);
	}
	for (i = 0; i < 200; i += 13) {
		nodes[i].val = 1000 + (long)i;     /* in-place edit */
		rb_augment_propagate(&r, &nodes[i].node);
		check_tree(&r, &m);
	}
	check_aug(r.top, &sum);
	HT_ASSERT_EQ(tn(r.top)->sum, sum);
}

HTEST(rbtree_validate_catches_broken_trees)
{
	struct tnode n[3];
	struct rb_root r;
	const char *out;
	size_t i;

	rb_root_init(&r, NULL);
	for (i = 0; i < 3; i++) {
		n[i] = (struct tnode){ .key = (long)i };
		rb_insert(&r, &n[i].node, tnode_cmp);
	}
	/* balanced: n[1] black on top, n[0] and n[2] red */
	HT_ASSERT(r.top == &n[1].node);
	HT_ASSERT_EQ(rb_validate(&r, tnode_cmp), 1);

	htest_capture_begin();
	n[1].node.red = true;
	HT_ASSERT_EQ(rb_validate(&r, tnode_cmp), -EINVAL);
	n[1].node.red = false;
	n[0].node.red = false;                  /* black heights 1 and 0 */
	HT_ASSERT_EQ(rb_validate(&r, tnode_cmp), -EINVAL);
	n[0].node.red = true;
	n[2].node.parent = &n[0].node;          /* wrong parent link */
	HT_ASSERT_EQ(rb_validate(&r, tnode_cmp), -EINVAL);
	n[2].node.parent = &n[1].node;
	n[0].key = 9;                           /* out of order */
	HT_ASSERT_EQ(rb_validate(&r, tnode_cmp), -EINVAL);
	HT_ASSERT_EQ(rb_validate(&r, NULL), 1); /* order not checked */
	out = htest_capture_end();
	HT_ASSERT(strstr(out, "top node is red"));
	HT_ASSERT(strstr(out, "black heights"));
	HT_ASSERT(strstr(out, "parent link"));
	HT_ASSERT(strstr(out, "out of order"));
}
