/* SPDX-License-Identifier: MIT */
/*
 * rbtree.c - red-black tree balancing, walking and checking.
 *
 * The classic rules: every node is red or black, the top is black, a red
 * node has no red child, and every path from a node down to a missing
 * child passes the same number of black nodes.  Together they bound the
 * height by 2 log2(n + 1).  Missing children are NULL and count as black.
 *
 * Insertion links a red leaf and repairs red-red violations upwards
 * (recolour while the uncle is red, else one or two rotations).  Erasure
 * first reduces to removing a node with at most one child (swapping in the
 * in-order successor when it has two), then repairs a missing black on
 * the removed node's side with recolouring and at most three rotations.
 *
 * Augmentation rides along: a rotation re-summarises the two nodes it
 * moves (the lower one first) and leaves every ancestor's subtree
 * unchanged; inserts and erases re-summarise the path from the lowest
 * changed node to the top before rebalancing.  Header: rbtree.h.
 */
#include <rbtree.h>
#include <errno.h>
#include <printk.h>

static inline bool rb_is_red(const struct rb_node *n)
{
	return n && n->red;
}

static inline void rb_augment(struct rb_root *root, struct rb_node *n)
{
	if (root->augment)
		root->augment(n);
}

/* Points whatever pointed at old (its parent's child link or the top) at nw. */
static void rb_replace_child(struct rb_root *root, struct rb_node *old,
                             struct rb_node *nw, struct rb_node *parent)
{
	if (!parent)
		root->top = nw;
	else if (parent->left == old)
		parent->left = nw;
	else
		parent->right = nw;
}

/* x's right child y takes x's place; x becomes y's left child. */
static void rb_rotate_left(struct rb_root *root, struct rb_node *x)
{
	struct rb_node *y = x->right;

	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	y->parent = x->parent;
	rb_replace_child(root, x, y, x->parent);
	y->left = x;
	x->parent = y;
	rb_augment(root, x);
	rb_augment(root, y);
}

/* x's left child y takes x's place; x becomes y's right child. */
static void rb_rotate_right(struct rb_root *root, struct rb_node *x)
{
	struct rb_node *y = x->left;

	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	y->parent = x->parent;
	rb_replace_child(root, x, y, x->parent);
	y->right = x;
	x->parent = y;
	rb_augment(root, x);
	rb_augment(root, y);
}

void rb_augment_propagate(struct rb_root *root, struct rb_node *node)
{
	if (!root->augment)
		return;
	for (; node; node = node->parent)
		root->augment(node);
}

/* ------------------------------------------------------------ insert --- */

/* z is red; fixes a red parent above it, walking up. */
static void rb_insert_fixup(struct rb_root *root, struct rb_node *z)
{
	struct rb_node *p, *g, *u;

	while ((p = z->parent) && p->red) {
		g = p->parent;           /* exists: a red node is never the top */
		if (p == g->left) {
			u = g->right;
			if (rb_is_red(u)) {
				p->red = u->red = false;
				g->red = true;
				z = g;
				continue;
			}
			if (z == p->right) {
				rb_rotate_left(root, p);
				p = z;
			}
			p->red = false;
			g->red = true;
			rb_rotate_right(root, g);
			break;      /* p, black, now tops the subtree */
		} else {
			u = g->left;
			if (rb_is_red(u)) {
				p->red = u->red = false;
				g->red = true;
				z = g;
				continue;
			}
			if (z == p->left) {
				rb_rotate_right(root, p);
				p = z;
			}
			p->red = false;
			g->red = true;
			rb_rotate_left(root, g);
			break;
		}
	}
	root->top->red = false;
}

void rb_insert_at(struct rb_root *root, struct rb_node *node,
                  struct rb_node *parent, struct rb_node **link)
{
	node->parent = parent;
	node->left = node->right = NULL;
	node->red = true;
	*link = node;
	rb_augment_propagate(root, node);
	rb_insert_fixup(root, node);
}

void rb_insert(struct rb_root *root, struct rb_node *node, rb_cmp_fn cmp)
{
	struct rb_node **link = &root->top, *parent = NULL;

	while (*link) {
		parent = *link;
		link = cmp(node, parent) < 0 ? &parent->left : &parent->right;
	}
	rb_insert_at(root, node, parent, link);
}

/* ------------------------------------------------------------- erase --- */

/*
 * The subtree at parent->left is one black short (its sibling w exists:
 * that side is at least one black deep).  Recolours and returns parent,
 * now short itself, or rotates the missing black in and returns the top.
 */
static struct rb_node *rb_erase_fix_left(struct rb_root *root,
                                         struct rb_node *parent)
{
	struct rb_node *w = parent->right;

	if (w->red) {
		w->red = false;
		parent->red = true;
		rb_rotate_left(root, parent);
		w = parent->right;
	}
	if (!rb_is_red(w->left) && !rb_is_red(w->right)) {
		w->red = true;
		return parent;
	}
	if (!rb_is_red(w->right)) {
		w->left->red = false;
		w->red = true;
		rb_rotate_right(root, w);
		w = parent->right;
	}
	w->red = parent->red;
	parent->red = false;
	w->right->red = false;
	rb_rotate_left(root, parent);
	return root->top;
}

/* The mirror image of rb_erase_fix_left(). */
static struct rb_node *rb_erase_fix_right(struct rb_root *root,
                                          struct rb_node *parent)
{
	struct rb_node *w = parent->left;

	if (w->red) {
		w->red = false;
		parent->red = true;
		rb_rotate_right(root, parent);
		w = parent->left;
	}
	if (!rb_is_red(w->left) && !rb_is_red(w->right)) {
		w->red = true;
		return parent;
	}
	if (!rb_is_red(w->left)) {
		w->right->red = false;
		w->red = true;
		rb_rotate_left(root, w);
		w = parent->left;
	}
	w->red = parent->red;
	parent->red = false;
	w->left->red = false;
	rb_rotate_right(root, parent);
	return root->top;
}

/*
 * x (maybe NULL) under parent carries one black too few on its paths; a
 * red x takes the black itself, otherwise the fix moves up or finishes.
 */
static void rb_erase_fixup(struct rb_root *root, struct rb_node *x,
                           struct rb_node *parent)
{
	while (x != root->top && !rb_is_red(x)) {
		if (x == parent->left)
			x = rb_erase_fix_left(root, parent);
		else
			x = rb_erase_fix_right(root, parent);
		parent = x->parent;
	}
	if (x)
		x->red = false;
}

/* Moves y (the successor of z, a leftmost node of z's right subtree) into
 * z's place.  Sets *x and *xparent to where y's old position lost a node. */
static void rb_swap_in_successor(struct rb_root *root, struct rb_node *z,
                                 struct rb_node *y, struct rb_node **x,
                                 struct rb_node **xparent)
{
	*x = y->right;
	if (y->parent == z) {
		*xparent = y;
	} else {
		*xparent = y->parent;
		y->parent->left = y->right;
		if (y->right)
			y->right->parent = y->parent;
		y->right = z->right;
		y->right->parent = y;
	}
	rb_replace_child(root, z, y, z->parent);
	y->parent = z->parent;
	y->left = z->left;
	y->left->parent = y;
	y->red = z->red;
}

void rb_erase(struct rb_root *root, struct rb_node *z)
{
	struct rb_node *x, *xparent, *y;
	bool removed_black;

	if (!z->left || !z->right) {
		x = z->left ? z->left : z->right;
		xparent = z->parent;
		removed_black = !z->red;
		rb_replace_child(root, z, x, z->parent);
		if (x)
			x->parent = z->parent;
	} else {
		y = z->right;
		while (y->left)
			y = y->left;
		removed_black = !y->red;
		rb_swap_in_successor(root, z, y, &x, &xparent);
	}
	rb_augment_propagate(root, xparent);
	if (removed_black)
		rb_erase_fixup(root, x, xparent);
	z->parent = z->left = z->right = NULL;
}

/* -------------------------------------------------------------- walk --- */

struct rb_node *rb_first(const struct rb_root *root)
{
	struct rb_node *n = root->top;

	while (n && n->left)
		n = n->left;
	return n;
}

struct rb_node *rb_last(const struct rb_root *root)
{
	struct rb_node *n = root->top;

	while (n && n->right)
		n = n->right;
	return n;
}

struct rb_node *rb_next(const struct rb_node *n)
{
	const struct rb_node *p;

	if (n->right) {
		n = n->right;
		while (n->left)
			n = n->left;
		return (struct rb_node *)n;
	}
	while ((p = n->parent) && n == p->right)
		n = p;
	return (struct rb_node *)p;
}

struct rb_node *rb_prev(const struct rb_node *n)
{
	const struct rb_node *p;

	if (n->left) {
		n = n->left;
		while (n->right)
			n = n->right;
		return (struct rb_node *)n;
	}
	while ((p = n->parent) && n == p->left)
		n = p;
	return (struct rb_node *)p;
}

/* ------------------------------------------------------------- check --- */

/* Black height of n's subtree, or -EINVAL.  Recursion depth is the tree
 * height, which the checks bound as they go. */
static int rb_validate_node(const struct rb_node *n,
                            const struct rb_node *parent, int depth)
{
	int lh, rh;

	if (!n)
		return 0;
	if (depth > 2 * 64) {
		printk("rbtree: deeper than any balanced tree can be\n");
		return -EINVAL;
	}
	if (n->parent != parent) {
		printk("rbtree: node %p has a wrong parent link\n", n);
		return -EINVAL;
	}
	if (n->red && (rb_is_red(n->left) || rb_is_red(n->right))) {
		printk("rbtree: red node %p has a red child\n", n);
		return -EINVAL;
	}
	lh = rb_validate_node(n->left, n, depth + 1);
	rh = rb_validate_node(n->right, n, depth + 1);
	if (lh < 0 || rh < 0)
		return -EINVAL;
	if (lh != rh) {
		printk("rbtree: node %p has black heights %d and %d\n", n, lh,
		       rh);
		return -EINVAL;
	}
	return lh + !n->red;
}

static int rb_validate_order(const struct rb_root *root, rb_cmp_fn cmp)
{
	struct rb_node *n, *prev = NULL;

	for (n = rb_first(root); n; prev = n, n = rb_next(n)) {
		if (prev && cmp(prev, n) > 0) {
			printk("rbtree: nodes %p and %p out of order\n", prev,
			       n);
			return -EINVAL;
		}
	}
	return 0;
}

int rb_validate(const struct rb_root *root, rb_cmp_fn cmp)
{
	int height;

	if (rb_is_red(root->top)) {
		printk("rbtree: the top node is red\n");
		return -EINVAL;
	}
	/* structure first: the in-order walk trusts the parent links */
	height = rb_validate_node(root->top, NULL, 0);
	if (height < 0 || (cmp && rb_validate_order(root, cmp)))
		return -EINVAL;
	return height;
}
