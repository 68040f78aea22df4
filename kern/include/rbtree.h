/* SPDX-License-Identifier: MIT */
/*
 * rbtree.h - intrusive red-black trees, optionally augmented.
 *
 *	struct foo { struct rb_node node; uint64_t key; };
 *	struct rb_root r;
 *	rb_root_init(&r, NULL);                  (or an augment callback)
 *	rb_insert(&r, &f->node, foo_cmp);        (or descend, then rb_insert_at)
 *	for (n = rb_first(&r); n; n = rb_next(n)) ... rb_entry(n, struct foo, node)
 *	rb_erase(&r, &f->node);
 *
 * The tree orders nodes however the caller descends: rb_insert_at() links a
 * node at a leaf position the caller found and rebalances; rb_insert() does
 * the descent with a comparison (equal keys go right).  Lookups are the
 * caller's own loops over node->left/right, so keys of any shape work.
 *
 * Augmentation: a root may carry augment(node), which recomputes a node's
 * summary of its subtree (e.g. a maximum) from its own fields and its
 * children's summaries only.  The tree calls it bottom-up on every node
 * whose subtree changes (rotations, inserts, erases).  A caller that edits
 * a linked node's fields in place calls rb_augment_propagate() afterwards.
 *
 * No locking and no allocation: the owner of the tree serialises every
 * call (lookups included, unless writers are excluded some other way).
 * Implementation: kern/src/lib/rbtree.c; tests: tests/host/test_rbtree.c.
 */
#pragma once

#include <types.h>

struct rb_node {
	struct rb_node *parent;
	struct rb_node *left, *right;
	bool red;
};

typedef void (*rb_augment_fn)(struct rb_node *node);
/* <0, 0, >0 as a sorts before, equal to, after b. */
typedef int (*rb_cmp_fn)(const struct rb_node *a, const struct rb_node *b);

struct rb_root {
	struct rb_node *top;
	rb_augment_fn augment;      /* NULL: not augmented */
};

#define rb_entry(ptr, type, member) container_of(ptr, type, member)

static inline void rb_root_init(struct rb_root *root, rb_augment_fn augment)
{
	root->top = NULL;
	root->augment = augment;
}

static inline bool rb_empty(const struct rb_root *root)
{
	return root->top == NULL;
}

/*
 * Links node at *link, a NULL child pointer of parent (or &root->top when
 * parent is NULL) found by the caller's descent, then rebalances.
 */
void rb_insert_at(struct rb_root *root, struct rb_node *node,
                  struct rb_node *parent, struct rb_node **link);
/* Descends with cmp and links node; nodes equal to it stay before it. */
void rb_insert(struct rb_root *root, struct rb_node *node, rb_cmp_fn cmp);
/* Unlinks node (which must be in this tree) and rebalances. */
void rb_erase(struct rb_root *root, struct rb_node *node);

/* In-order walk; NULL at either end. */
struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_last(const struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *node);
struct rb_node *rb_prev(const struct rb_node *node);

/* Re-runs augment on node and every ancestor (after an in-place edit). */
void rb_augment_propagate(struct rb_root *root, struct rb_node *node);

/*
 * Checks every red-black invariant, the parent links and, if cmp is not
 * NULL, the in-order sorting.  Returns the black height (>= 0), or -EINVAL
 * with a printk naming the broken rule.  For tests and debugging: O(n).
 */
int rb_validate(const struct rb_root *root, rb_cmp_fn cmp);
