/* SPDX-License-Identifier: MIT */
/*
 * pgrp.c - name spaces: mount tables, bind/mount/unmount, union
 * directories, and the current name space.
 *
 * A pgrp hashes mount points (struct mhead, keyed by the mount point's
 * device, instance and qid path) to their union: an ordered list of
 * struct mount, each holding a reference to the chan mounted there.
 * cmount() adds to a union (MREPL replaces it, MBEFORE/MAFTER add in
 * front/at the back, MCREATE marks the member that receives creates); the
 * first MBEFORE/MAFTER mount on a directory also puts the directory itself
 * in the union, so its own files stay visible.  Binding a union flattens
 * it: each member is mounted.  cunmount() removes one member or all.
 *
 * Locks: ns_mount_lock, one global spinlock, guards every hash chain,
 * every union list and every pgrp's dot (what ns.h tags [m]); it is held
 * only for list operations and reference grabs, never across a device
 * call, an allocation or error().  A pgrp's ns_lock (a struct sem used as
 * a sleeping mutex) serialises that pgrp's mount-table writers (cmount,
 * cunmount, pgrp_dup's copy, pgrp_unmount_all) and is taken before
 * ns_mount_lock; a writer holding it may read its own lists without the
 * spinlock.  Readers (mount_lookup, mhead_member, union reads,
 * pgrp_get_dot) take only the spinlock, so a walk never waits for a bind.
 * References: the hash holds one on each mhead; a chan that is a union
 * (c->mh) or reads one (c->umh) holds one; each struct mount holds one on
 * its chan; the mhead holds one on the mount point; a pgrp holds one on
 * its root and its dot.  Chans are closed after every lock is dropped.
 *
 * Bounds (ros/limits.h): a union holds at most NS_MAX_UNION members and a
 * pgrp at most NS_MAX_MOUNTS mounts (nr_mounts, kept by every writer under
 * ns_lock); cmount checks both before it publishes, so a union bound onto
 * itself (which doubles) stops with ENOMEM instead of exhausting memory.
 *
 * Current: until processes exist, current_pgrp() is the kernel's name space
 * (built by ns_init.c), or whatever ns_swap_pgrp() installed.
 */
#include <assert.h>
#include <err.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <kthread.h>
#include <ns.h>
#include <printk.h>
#include <ros/limits.h>
#include <sysfile.h>

static spinlock_t ns_mount_lock = SPINLOCK_INITIALIZER("ns mounts");
static atomic_t pgrp_next_id;
static atomic_t mount_next_id;
static struct pgrp *pgrp_current_ptr;

/* A process's kthread resolves names in the process's pgrp. */
struct pgrp *current_pgrp(void)
{
	struct kthread *kt = kthread_current();
	struct pgrp *p = kt && kt->pgrp ? kt->pgrp : READ_ONCE(pgrp_current_ptr);

	if (!p)
		error(ENOENT, "no name space yet (ns_init has not run)");
	return p;
}

struct pgrp *ns_swap_pgrp(struct pgrp *p)
{
	struct pgrp *old = pgrp_current_ptr;

	WRITE_ONCE(pgrp_current_ptr, p);
	return old;
}

/* ------------------------------------------------------------ pgrp life */

struct pgrp *newpgrp(void)
{
	struct pgrp *p = kzmalloc(sizeof(*p), MEM_WAIT);

	if (!p)
		error(ENOMEM, "no memory for a name space");
	kref_init(&p->ref);
	qlock_init(&p->ns_lock, "ns_lock");
	p->pgrpid = (uint64_t)atomic_fetch_add(&pgrp_next_id, 1) + 1;
	return p;
}

static void pgrp_release(struct kref *r)
{
	struct pgrp *p = container_of(r, struct pgrp, ref);

	pgrp_unmount_all(p);
	cclose(p->root);
	cclose(p->dot);
	devtab_pgrp_release(p->pgrpid);
	kfree(p);
}

void pgrp_close(struct pgrp *p)
{
	if (p)
		kref_put(&p->ref, pgrp_release);
}

struct chan *pgrp_get_dot(struct pgrp *p)
{
	uint64_t flags = spin_lock_irqsave(&ns_mount_lock);
	struct chan *c = p->dot;

	if (c)
		chan_incref(c);
	spin_unlock_irqrestore(&ns_mount_lock, flags);
	return c;
}

void pgrp_set_dot(struct pgrp *p, struct chan *c)
{
	uint64_t flags;
	struct chan *old;

	chan_incref(c);
	flags = spin_lock_irqsave(&ns_mount_lock);
	old = p->dot;
	p->dot = c;
	spin_unlock_irqrestore(&ns_mount_lock, flags);
	cclose(old);
}

static unsigned int mnt_hash(const struct chan *c)
{
	return (unsigned int)(c->qid.path % MNTHASH);
}

static bool mnt_same_file(const struct chan *a, const struct chan *b)
{
	return a->type == b->type && a->dev == b->dev && a->qid.path == b->qid.path;
}

/* ----------------------------------------------------- mheads and mounts */

static void mhead_release(struct kref *r)
{
	struct mhead *mh = container_of(r, struct mhead, ref);

	assert(!mh->mount);
	cclose(mh->from);
	kfree(mh);
}

void mhead_put(struct mhead *mh)
{
	if (mh)
		kref_put(&mh->ref, mhead_release);
}

static struct mount *mount_new(struct chan *to, int mflag, const char *spec)
{
	struct mount *m = kzmalloc(sizeof(*m), MEM_WAIT);

	if (!m)
		error(ENOMEM, "mount: no memory");
	chan_incref(to);
	m->to = to;
	m->mflag = mflag;
	m->mountid = (uint64_t)atomic_fetch_add(&mount_next_id, 1) + 1;
	return m;
}

static int mount_list_len(const struct mount *m)
{
	int n = 0;

	for (; m; m = m->next)
		n++;
	return n;
}

/* Frees a detached list of mounts (no lock held). */
static void mount_free_list(struct mount *m)
{
	while (m) {
		struct mount *next = m->next;

		cclose(m->to);
		kfree(m->spec);
		kfree(m);
		m = next;
	}
}

struct mhead *mount_lookup(struct pgrp *p, struct chan *c)
{
	struct mhead *mh;
	uint64_t flags = spin_lock_irqsave(&ns_mount_lock);

	for (mh = p->mnthash[mnt_hash(c)]; mh; mh = mh->hash)
		if (mnt_same_file(mh->from, c))
			break;
	if (mh)
		kref_get(&mh->ref);
	spin_unlock_irqrestore(&ns_mount_lock, flags);
	return mh;
}

struct chan *mhead_member(struct mhead *mh, int i)
{
	struct chan *to = NULL;
	struct mount *m;
	uint64_t flags = spin_lock_irqsave(&ns_mount_lock);

	for (m = mh->mount; m && i > 0; m = m->next)
		i--;
	if (m) {
		to = m->to;
		chan_incref(to);
	}
	spin_unlock_irqrestore(&ns_mount_lock, flags);
	return to;
}

struct chan *mhead_create_member(struct mhead *mh)
{
	struct chan *to = NULL;
	uint64_t flags = spin_lock_irqsave(&ns_mount_lock);

	for (struct mount *m = mh->mount; m; m = m->next) {
		if (m->mflag & MCREATE) {
			to = m->to;
			chan_incref(to);
			break;
		}
	}
	spin_unlock_irqrestore(&ns_mount_lock, flags);
	return to;
}

/* ----------------------------------------------------------------- cmount */

/* The mounts that binding 'new' makes: one, or one per member of a union. */
static struct mount *cmount_build_list(struct chan *new, int flag, const char *spec)
{
	struct mount *head = NULL, **tail = &head;
	struct chan *member;

	if (!new->mh || !(member = mhead_member(new->mh, 0)))
		return mount_new(new, flag, spec);
	for (int i = 0; member; member = mhead_member(new->mh, ++i)) {
		*tail = mount_new(member, flag & MCREATE, NULL);
		tail = &(*tail)->next;
		cclose(member);
	}
	return head;
}

static void cmount_check(struct chan *new, struct chan *old, int flag)
{
	if (flag & ~MFLAGMASK || (flag & MORDER) == MORDER)
		error(EINVAL, "mount: bad flags %#x", flag);
	if ((new->qid.type ^ old->qid.type) & QTDIR)
		error((old->qid.type & QTDIR) ? ENOTDIR : EISDIR,
		      "mount: '%s' and '%s' must both be directories or both files",
		      new->name ? new->name->s : "?", old->name ? old->name->s : "?");
	if ((flag & MCREATE) && !(new->qid.type & QTDIR))
		error(ENOTDIR, "mount: MCREATE on a file");
	if (new->flag & COPEN)
		error(EINVAL, "mount: '%s' is an open file", new->name ? new->name->s : "?");
}

/*
 * ns_lock held: error()s unless 'adding' more mounts fit in mh's union
 * (NULL: a new one; MREPL replaces its members) and in p's table.
 */
static void cmount_check_bounds(struct pgrp *p, struct mhead *mh, int order, int adding)
{
	int members = mh && order != MREPL ? mount_list_len(mh->mount) : 0;
	int replaced = mh && order == MREPL ? mount_list_len(mh->mount) : 0;

	if (members + adding > NS_MAX_UNION)
		error(ENOMEM, "mount: a union would have %d members, the limit is %d "
		      "(NS_MAX_UNION)", members + adding, NS_MAX_UNION);
	if (p->nr_mounts - replaced + adding > NS_MAX_MOUNTS)
		error(ENOMEM, "mount: the name space holds %d mounts, the limit is %d "
		      "(NS_MAX_MOUNTS)", p->nr_mounts, NS_MAX_MOUNTS);
}

static struct mhead *mhead_new(struct chan *old)
{
	struct mhead *mh = kzmalloc(sizeof(*mh), MEM_WAIT);

	if (!mh)
		error(ENOMEM, "mount: no memory");
	kref_init(&mh->ref);
	chan_incref(old);
	mh->from = old;
	return mh;
}

static struct mount *mount_list_tail(struct mount *m)
{
	while (m->next)
		m = m->next;
	return m;
}

/* Puts list into mh by order; returns a detached list to free (MREPL). */
static struct mount *mhead_insert(struct mhead *mh, struct mount *list, int order)
{
	struct mount *old = NULL;

	for (struct mount *m = list; m; m = m->next)
		m->head = mh;
	if (order == MREPL) {
		old = mh->mount;
		mh->mount = list;
	} else if (order == MBEFORE || !mh->mount) {
		mount_list_tail(list)->next = mh->mount;
		mh->mount = list;
	} else {
		mount_list_tail(mh->mount)->next = list;
	}
	return old;
}

static void cmount_publish(struct pgrp *p, struct mhead *mh, bool fresh,
                           struct mount *self, struct mount *list, int order,
                           struct mount **to_free)
{
	uint64_t flags = spin_lock_irqsave(&ns_mount_lock);

	if (fresh) {
		mh->hash = p->mnthash[mnt_hash(mh->from)];
		p->mnthash[mnt_hash(mh->from)] = mh;
	}
	if (self)
		mhead_insert(mh, self, MREPL);
	*to_free = mhead_insert(mh, list, order);
	spin_unlock_irqrestore(&ns_mount_lock, flags);
}

int cmount(struct chan *new, struct chan *old, int flag, const char *spec)
{
	ERRSTACK(1);
	struct pgrp *p = current_pgrp();
	struct mount *volatile list = NULL, *volatile self = NULL;
	struct mhead *volatile mh = NULL;
	struct mount *to_free = NULL;
	bool fresh;
	int id, adding;

	cmount_check(new, old, flag);
	sem_down(&p->ns_lock);
	if (waserror()) {
		sem_up(&p->ns_lock);
		mount_free_list(list);
		mount_free_list(self);
		mhead_put(mh);
		nexterror();
	}
	list = cmount_build_list(new, flag, spec);
	mh = mount_lookup(p, old);
	fresh = !mh;
	if (fresh && (flag & MORDER) != MREPL)
		self = mount_new(old, 0, NULL);
	adding = mount_list_len(list) + !!self;   /* before publishing links list on */
	cmount_check_bounds(p, mh, flag & MORDER, adding);
	if (fresh) {
		mh = mhead_new(old);    /* the hash's reference ... */
		kref_get(&mh->ref);     /* ... and ours */
	}
	id = (int)list->mountid;
	cmount_publish(p, mh, fresh, self, list, flag & MORDER, &to_free);
	p->nr_mounts += adding - mount_list_len(to_free);
	poperror();
	sem_up(&p->ns_lock);
	mhead_put(mh);
	mount_free_list(to_free);
	return id;
}

/* ---------------------------------------------------------------- unmount */

/* Unlinks mh from p's hash; ns_mount_lock held. */
static void __mhead_unhash(struct pgrp *p, struct mhead *mh)
{
	struct mhead **pp = &p->mnthash[mnt_hash(mh->from)];

	while (*pp && *pp != mh)
		pp = &(*pp)->hash;
	if (*pp)
		*pp = mh->hash;
}

/* Detaches the member matching 'mounted' (all if NULL); NULL if none. */
static struct mount *__mhead_detach(struct mhead *mh, struct chan *mounted)
{
	struct mount **pp = &mh->mount, *m;

	if (!mounted) {
		m = mh->mount;
		mh->mount = NULL;
		return m;
	}
	while ((m = *pp) && !mnt_same_file(m->to, mounted))
		pp = &m->next;
	if (m) {
		*pp = m->next;
		m->next = NULL;
	}
	return m;
}

static struct mount *unmount_locked_detach(struct pgrp *p, struct mhead *mh,
                                           struct chan *mounted, bool *emptied)
{
	uint64_t flags = spin_lock_irqsave(&ns_mount_lock);
	struct mount *m = __mhead_detach(mh, mounted);

	*emptied = m && !mh->mount;
	if (*emptied)
		__mhead_unhash(p, mh);
	spin_unlock_irqrestore(&ns_mount_lock, flags);
	return m;
}

void cunmount(struct chan *mnt, struct chan *mounted)
{
	struct pgrp *p = current_pgrp();
	struct mhead *mh;
	struct mount *m;
	bool emptied;

	sem_down(&p->ns_lock);
	mh = mount_lookup(p, mnt);
	if (!mh) {
		sem_up(&p->ns_lock);
		error(EINVAL, "unmount: nothing is mounted on '%s'", mnt->name->s);
	}
	m = unmount_locked_detach(p, mh, mounted, &emptied);
	p->nr_mounts -= mount_list_len(m);
	sem_up(&p->ns_lock);
	if (emptied)
		mhead_put(mh);          /* the hash's reference */
	mhead_put(mh);
	if (!m)
		error(ENOENT, "unmount: '%s' is not mounted on '%s'",
		      mounted->name ? mounted->name->s : "?", mnt->name->s);
	mount_free_list(m);
}

/* Takes one mhead out of p's hash; NULL once empty.  ns_lock held. */
static struct mhead *pgrp_pop_mhead(struct pgrp *p, struct mount **list)
{
	uint64_t flags = spin_lock_irqsave(&ns_mount_lock);
	struct mhead *mh = NULL;

	for (int i = 0; i < MNTHASH && !mh; i++) {
		mh = p->mnthash[i];
		if (mh) {
			p->mnthash[i] = mh->hash;
			*list = __mhead_detach(mh, NULL);
		}
	}
	spin_unlock_irqrestore(&ns_mount_lock, flags);
	return mh;
}

void pgrp_unmount_all(struct pgrp *p)
{
	struct mount *list;
	struct mhead *mh;

	sem_down(&p->ns_lock);
	while ((mh = pgrp_pop_mhead(p, &list))) {
		mount_free_list(list);
		mhead_put(mh);
	}
	p->nr_mounts = 0;
	sem_up(&p->ns_lock);
}

/* --------------------------------------------------------------- pgrp_dup */

static struct mount *mount_copy_list(struct mhead *nmh, const struct mount *m)
{
	struct mount *head = NULL, **tail = &head;

	for (; m; m = m->next) {
		*tail = mount_new(m->to, m->mflag, NULL);
		(*tail)->head = nmh;
		tail = &(*tail)->next;
	}
	return head;
}

/* Copies from's table into to; from->ns_lock held, so from's lists hold. */
static void pgrp_copy_mounts(struct pgrp *to, struct pgrp *from)
{
	for (int i = 0; i < MNTHASH; i++) {
		for (struct mhead *mh = from->mnthash[i]; mh; mh = mh->hash) {
			struct mhead *nmh = mhead_new(mh->from);
			uint64_t flags;

			nmh->mount = mount_copy_list(nmh, mh->mount);
			flags = spin_lock_irqsave(&ns_mount_lock);
			nmh->hash = to->mnthash[i];
			to->mnthash[i] = nmh;
			spin_unlock_irqrestore(&ns_mount_lock, flags);
		}
	}
}

struct pgrp *pgrp_dup(struct pgrp *from)
{
	ERRSTACK(1);
	struct pgrp *volatile p = newpgrp();

	sem_down(&from->ns_lock);
	if (waserror()) {
		sem_up(&from->ns_lock);
		pgrp_close(p);
		nexterror();
	}
	pgrp_copy_mounts(p, from);
	p->nr_mounts = from->nr_mounts;
	if (from->root)
		chan_incref(p->root = from->root);
	p->dot = pgrp_get_dot(from);
	poperror();
	sem_up(&from->ns_lock);
	return p;
}

/* ------------------------------------------------------------ union reads */

/* A clone of 'to' opened for reading, or NULL if that fails. */
static struct chan *union_try_open(struct chan *to)
{
	ERRSTACK(1);
	struct chan *volatile nc = NULL;

	if (waserror()) {
		cclose(nc);
		return NULL;
	}
	nc = cclone(to);
	nc = devtab_of(nc)->open(nc, O_READ);
	poperror();
	return nc;
}

/* Opens the next member of c's union for reading into c->umc; false at end.
 * A member that cannot be opened is skipped. */
static bool union_next_member(struct chan *c)
{
	struct chan *to;

	while ((to = mhead_member(c->umh, c->uri))) {
		c->umc = union_try_open(to);
		cclose(to);
		if (c->umc)
			return true;
		c->uri++;
	}
	return false;
}

size_t union_read(struct chan *c, void *buf, size_t n)
{
	for (;;) {
		size_t r;

		if (!c->umc && !union_next_member(c))
			return 0;
		r = devtab_of(c->umc)->read(c->umc, buf, n, c->umc->offset);
		if (r) {
			c->umc->offset += (int64_t)r;
			return r;
		}
		cclose(c->umc);
		c->umc = NULL;
		c->uri++;
	}
}
