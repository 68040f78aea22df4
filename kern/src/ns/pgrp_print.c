/* SPDX-License-Identifier: MIT */
/*
 * pgrp_print.c - prints a name space's mount table as bind commands
 * (pgrp_print.h; the format is documented there and in
 * Documentation/dev/proc.md, whose ns file is the one user).
 *
 * Model: the table is read under the pgrp's ns_lock, the sleeping lock
 * every writer of that table takes first (pgrp.c), so while it is held the
 * hash chains and unions cannot change and may be read without
 * ns_mount_lock, as pgrp_dup() does.  The mount heads are gathered into an
 * array (allocated under ns_lock, which is allowed: it is a semaphore),
 * sorted by the id of their oldest mount so the output follows the order
 * the binds were made, and printed.  The chans in the table are held by
 * the table, so their names stay valid while ns_lock is held; each name
 * is a struct cname, immutable once made.  The root and the current
 * directory are taken with their own references (root is [I], dot comes
 * from pgrp_get_dot).  Errors are negative errnos: this is a helper for a
 * device that converts them at its boundary.
 */
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <pgrp_print.h>
#include <sysfile.h>

/* The name a chan was reached by, or "?" for one without. */
static const char *pgrp_print_name(const struct chan *c)
{
	return c && c->name ? c->name->s : "?";
}

static bool pgrp_print_needs_quotes(const char *s)
{
	if (!*s)
		return true;
	for (; *s; s++)
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\'')
			return true;
	return false;
}

/* Appends " PATH", quoted when needed (a quote inside is doubled). */
static void pgrp_print_path(struct slice *s, const char *path)
{
	slice_append_str(s, " ");
	if (!pgrp_print_needs_quotes(path)) {
		slice_append_str(s, path);
		return;
	}
	slice_append_str(s, "'");
	for (; *path; path++) {
		slice_append(s, path, 1);
		if (*path == '\'')
			slice_append(s, "'", 1);
	}
	slice_append_str(s, "'");
}

static uint64_t pgrp_print_oldest(const struct mhead *mh)
{
	uint64_t id = UINT64_MAX;

	for (const struct mount *m = mh->mount; m; m = m->next)
		if (m->mountid < id)
			id = m->mountid;
	return id;
}

/* Insertion sort by the oldest mount: tables are small. */
static void pgrp_print_sort(struct mhead **mh, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct mhead *x = mh[i];
		uint64_t key = pgrp_print_oldest(x);
		size_t j = i;

		for (; j > 0 && pgrp_print_oldest(mh[j - 1]) > key; j--)
			mh[j] = mh[j - 1];
		mh[j] = x;
	}
}

/* With p->ns_lock held: p's mount heads in a kmalloc'd array, or NULL
 * (with *n = 0 for an empty table). */
static struct mhead **__pgrp_print_gather(struct pgrp *p, size_t *n, int *err)
{
	struct mhead **arr;
	size_t count = 0, i = 0;

	*err = 0;
	for (int h = 0; h < MNTHASH; h++)
		for (struct mhead *mh = p->mnthash[h]; mh; mh = mh->hash)
			count++;
	*n = count;
	if (!count)
		return NULL;
	arr = kmalloc_array(count, sizeof(*arr), MEM_WAIT);
	if (!arr) {
		*err = -ENOMEM;
		return NULL;
	}
	for (int h = 0; h < MNTHASH; h++)
		for (struct mhead *mh = p->mnthash[h]; mh; mh = mh->hash)
			arr[i++] = mh;
	return arr;
}

/* One line per member of mh's union. */
static void pgrp_print_union(struct slice *s, const struct mhead *mh)
{
	bool first = true;

	for (const struct mount *m = mh->mount; m; m = m->next) {
		bool create = m->mflag & MCREATE;

		slice_append_str(s, "bind");
		if (!first || create)
			slice_printf(s, " -%s%s", first ? "" : "a", create ? "c" : "");
		pgrp_print_path(s, pgrp_print_name(m->to));
		pgrp_print_path(s, pgrp_print_name(mh->from));
		slice_append_str(s, "\n");
		first = false;
	}
}

static int pgrp_print_mounts(struct pgrp *p, struct slice *s)
{
	struct mhead **arr;
	size_t n;
	int err;

	sem_down(&p->ns_lock);
	arr = __pgrp_print_gather(p, &n, &err);
	if (arr) {
		pgrp_print_sort(arr, n);
		for (size_t i = 0; i < n; i++)
			pgrp_print_union(s, arr[i]);
	}
	sem_up(&p->ns_lock);
	kfree(arr);
	return err;
}

int pgrp_print(struct pgrp *p, struct slice *s)
{
	struct chan *dot;
	int err;

	if (p->root) {
		slice_append_str(s, "bind");
		pgrp_print_path(s, pgrp_print_name(p->root));
		slice_append_str(s, " /\n");
	}
	err = pgrp_print_mounts(p, s);
	dot = pgrp_get_dot(p);
	if (dot) {
		slice_append_str(s, "cd");
		pgrp_print_path(s, pgrp_print_name(dot));
		slice_append_str(s, "\n");
		cclose(dot);
	}
	return err ? err : slice_error(s);
}
