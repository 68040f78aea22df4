/* SPDX-License-Identifier: MIT */
/*
 * namec.c - path resolution: from a name to a chan, in phases.
 *
 *   parse    check the bytes (length, NULs, element lengths), copy and
 *            clean them (cleanname: "." and ".." are resolved by name, so
 *            ".." never climbs above "/" or a "#dev" root); a relative path
 *            that starts with ".." is joined to the start directory's name
 *            (MAX_PATH_LEN limits the caller's path only: that name, like
 *            every chan name, may be longer in a deep directory)
 *   start    "/" is the name space's root, "#name[.spec]" attaches a device
 *            (whole name or Plan 9 letter), anything else the start dir
 *   walk     one element at a time: through a union, the first member that
 *            has the element wins; then follow the mounts of the result;
 *            a symlink restarts resolution with its target spliced in
 *            (at most MAX_SYMLINK_DEPTH times, else ELOOP)
 *   finish   by amode: ACCESS/MOUNT/REMOVE return the walked chan, OPEN
 *            opens it, CREATE walks all but the last element and then
 *            opens the last or creates it (in a union: in the MCREATE member)
 *
 * MOUNT does not follow the mount on its last element (mounting on a mount
 * point adds to its union).  The last element is not followed if it is a
 * symlink for REMOVE, or with O_NOFOLLOW (then OPEN without O_PATH fails
 * with ELOOP).  Every phase takes and returns chan references explicitly;
 * on error, whatever a phase holds is closed before the error moves on.
 */
#include <assert.h>
#include <err.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <ns.h>
#include <printk.h>
#include <sysfile.h>

struct namec_req {
	struct pgrp *pg;
	int amode;
	int omode;
	uint32_t perm;
	const char *ext;
	int depth;              /* symlinks followed so far */
	size_t max_len;         /* longest path taken: MAX_PATH_LEN from callers,
	                         * none for a chan's own name (namec_reopen) */
	char *path;             /* the cleaned path being resolved (kmalloc) */
	char *restart;          /* set by the walk when a symlink redirects */
};

/* ------------------------------------------------------------------ parse */

static void namec_check_elems(const char *p)
{
	while (*p) {
		size_t len = 0;

		while (p[len] && p[len] != '/')
			len++;
		if (len > MAX_NAME_LEN)
			error(ENAMETOOLONG, "path element '%.32s...' is longer than %d bytes",
			      p, MAX_NAME_LEN);
		p += len + (p[len] == '/');
	}
}

static char *namec_copy(const char *path, size_t len, size_t max_len)
{
	char *buf;

	if (len == 0)
		error(ENOENT, "empty path");
	if (len > max_len)
		error(ENAMETOOLONG, "path of %zu bytes is longer than %zu", len, max_len);
	for (size_t i = 0; i < len; i++)
		if (!path[i])
			error(EINVAL, "path contains a NUL byte at offset %zu", i);
	buf = kmalloc(len + 2, MEM_WAIT);
	if (!buf)
		error(ENOMEM, "no memory for a path of %zu bytes", len);
	memcpy(buf, path, len);
	buf[len] = '\0';
	return buf;
}

/*
 * "a" + "/" + "b", cleaned, kmalloc'd.  No MAX_PATH_LEN here: 'a' is a
 * name the kernel made (a directory's, however deep) or a symlink target,
 * and 'b' a checked path or target, so ".." from a deep directory and a
 * relative link there work at any depth.
 */
static char *namec_join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *buf;

	buf = kmalloc(la + lb + 2, MEM_WAIT);
	if (!buf)
		error(ENOMEM, "no memory for a path");
	memcpy(buf, a, la);
	buf[la] = '/';
	memcpy(buf + la + 1, b, lb + 1);
	return cleanname(buf);
}

static bool path_climbs(const char *p)
{
	return p[0] == '.' && p[1] == '.' && (p[2] == '/' || !p[2]);
}

/* Phase 1: r->path = the cleaned path, joined to dir's name if it climbs. */
static void namec_parse(struct namec_req *r, struct chan *dir, const char *path,
                        size_t len)
{
	char *joined;

	r->path = cleanname(namec_copy(path, len, r->max_len));
	if (path_climbs(r->path) && dir->name) {
		joined = namec_join(dir->name->s, r->path);
		kfree(r->path);
		r->path = joined;
	}
	namec_check_elems(r->path);
}

/* ------------------------------------------------------------------ start */

/* "#name[.spec]": attaches the device; *rest = what follows the element. */
static struct chan *namec_attach(const char *path, const char **rest)
{
	char elem[MAX_NAME_LEN + 1];
	const char *spec = "";
	size_t len = 0;
	char *dot;
	int t;

	while (path[len + 1] && path[len + 1] != '/')
		len++;
	memcpy(elem, path + 1, len);
	elem[len] = '\0';
	*rest = path + 1 + len + (path[1 + len] == '/');
	dot = strchr(elem, '.');
	if (dot) {
		*dot = '\0';
		spec = dot + 1;
	}
	t = devno(elem);
	if (t < 0)
		error(ENODEV, "no device '#%s'", elem);
	return devtab_start[t].attach(spec);
}

static void chan_set_name(struct chan *c, struct cname *n)
{
	cnameclose(c->name);
	c->name = n;
}

/* Phase 2: the chan the walk starts from (a new reference). */
static struct chan *namec_start(struct namec_req *r, struct chan *dir, const char **rest)
{
	const char *p = r->path;
	struct chan *c;

	if (p[0] == '#')
		return namec_attach(p, rest);
	if (p[0] == '/') {
		if (!r->pg->root)
			error(ENOENT, "name space has no root");
		c = cclone(r->pg->root);
		chan_set_name(c, newcname("/"));
		*rest = p + 1;
		return c;
	}
	*rest = (p[0] == '.' && !p[1]) ? p + 1 : p;
	return cclone(dir);
}

/* ------------------------------------------------------------------- walk */

/* One device walk of one name from c: a new chan, or error(). */
static struct chan *walk_dev(struct chan *c, const char *name)
{
	struct walkqid *wq = devtab_of(c)->walk(c, NULL, &name, 1);
	struct chan *nc;

	if (!wq)
		error(ENOENT, "'%s' does not exist in '%s'", name, c->name->s);
	nc = wq->clone;
	kfree(wq);
	if (!nc)
		error(ENOENT, "'%s' does not exist in '%s'", name, c->name->s);
	return nc;
}

/* Like walk_dev, but NULL (errno/errstr kept) instead of an error. */
static struct chan *walk_dev_try(struct chan *c, const char *name)
{
	ERRSTACK(1);
	struct chan *nc;

	if (waserror())
		return NULL;
	nc = walk_dev(c, name);
	poperror();
	return nc;
}

/* Walks name from c, through c's union if it is one. */
static struct chan *walk_elem(struct chan *c, const char *name)
{
	struct chan *m, *nc;
	int i;

	if (!c->mh)
		return walk_dev(c, name);
	for (i = 0; (m = mhead_member(c->mh, i)); i++) {
		nc = walk_dev_try(m, name);
		cclose(m);
		if (nc)
			return nc;
	}
	if (i == 0)
		return walk_dev(c, name);
	error(ENOENT, "'%s' does not exist in '%s'", name, c->name->s);
}

static struct chan *walk_elem_try(struct chan *c, const char *name)
{
	ERRSTACK(1);
	struct chan *nc;

	if (waserror())
		return NULL;
	nc = walk_elem(c, name);
	poperror();
	return nc;
}

/* If c is a mount point, the first member of its union instead (c's
 * reference is consumed either way, on error too). */
static struct chan *namec_follow(struct namec_req *r, struct chan *c)
{
	ERRSTACK(1);
	struct mhead *mh = mount_lookup(r->pg, c);
	struct chan *first, *nc;

	if (!mh)
		return c;
	first = mhead_member(mh, 0);
	if (!first) {
		mhead_put(mh);
		return c;
	}
	if (waserror()) {
		cclose(first);
		mhead_put(mh);
		cclose(c);
		nexterror();
	}
	nc = cclone(first);
	poperror();
	cclose(first);
	mhead_put(nc->mh);
	nc->mh = mh;
	kref_get(&c->name->ref);
	chan_set_name(nc, c->name);
	cclose(c);
	return nc;
}

/* Walks one element from cur: a new chan named cur's name + "/" + elem. */
static struct chan *namec_step(struct chan *cur, const char *elem, size_t len)
{
	ERRSTACK(1);
	struct cname *volatile name = cname_add(cur->name, elem, len);
	char buf[MAX_NAME_LEN + 1];
	struct chan *nc;

	memcpy(buf, elem, len);
	buf[len] = '\0';
	if (waserror()) {
		cnameclose(name);
		nexterror();
	}
	nc = walk_elem(cur, buf);
	poperror();
	chan_set_name(nc, name);
	return nc;
}

static bool namec_follow_symlink(struct namec_req *r, bool last)
{
	if (!last)
		return true;
	if (r->amode == NAMEC_REMOVE || (r->omode & O_NOFOLLOW))
		return false;
	return true;
}

/* The path that replaces r->path when the walk meets a symlink. */
static char *namec_symlink_path(struct namec_req *r, struct chan *dirc,
                                struct chan *link, const char *rest)
{
	ERRSTACK(1);
	struct dir *d = chan_dirstat(link);
	char *volatile target = NULL;
	char *full;

	if (waserror()) {
		kfree(d);
		kfree(target);
		nexterror();
	}
	if (++r->depth > MAX_SYMLINK_DEPTH)
		error(ELOOP, "too many symbolic links at '%s'", link->name->s);
	if (!d->ext || !d->ext[0])
		error(EIO, "symbolic link '%s' has no target", link->name->s);
	if (d->ext[0] == '/' || d->ext[0] == '#')
		target = namec_join(d->ext, ".");
	else
		target = namec_join(dirc->name->s, d->ext);
	full = *rest ? namec_join(target, rest) : namec_join(target, ".");
	poperror();
	kfree(d);
	kfree(target);
	return full;
}

static bool walk_next_elem(const char **p, const char **elem, size_t *len)
{
	const char *s = *p;

	while (*s == '/')
		s++;
	if (!*s)
		return false;
	*elem = s;
	*len = 0;
	while (s[*len] && s[*len] != '/')
		(*len)++;
	*p = s + *len + (s[*len] == '/');
	return true;
}

/* Whether the walked-to chan should have its mounts followed. */
static bool namec_wants_follow(struct namec_req *r, bool last)
{
	return !(last && r->amode == NAMEC_MOUNT);
}

/* Symlink met: set r->restart, close nc; returns NULL. */
static struct chan *namec_redirect(struct namec_req *r, struct chan *cur,
                                   struct chan *nc, const char *rest)
{
	ERRSTACK(1);

	if (waserror()) {
		cclose(nc);
		nexterror();
	}
	r->restart = namec_symlink_path(r, cur, nc, rest);
	poperror();
	cclose(nc);
	return NULL;
}

/* One walk step with its symlink and mount handling; consumes nothing. */
static struct chan *namec_walk_one(struct namec_req *r, struct chan *cur,
                                   const char *elem, size_t len, const char *rest,
                                   bool last)
{
	struct chan *nc = namec_step(cur, elem, len);

	if (nc->qid.type & QTSYMLINK) {
		if (namec_follow_symlink(r, last))
			return namec_redirect(r, cur, nc, rest);
		if (r->amode == NAMEC_OPEN && !(r->omode & O_PATH)) {
			cclose(nc);
			error(ELOOP, "'%.*s' in '%s' is a symbolic link (O_NOFOLLOW)",
			      (int)len, elem, cur->name->s);
		}
	}
	if (namec_wants_follow(r, last))
		nc = namec_follow(r, nc);
	return nc;
}

/* Walks each element of rest, replacing *curp as it goes (the caller
 * closes *curp if this raises an error). */
static void namec_walk_elems(struct namec_req *r, struct chan *volatile *curp,
                             const char *rest, bool keep_last, const char **last_elem)
{
	const char *elem;
	size_t len;

	while (walk_next_elem(&rest, &elem, &len)) {
		struct chan *nc;
		bool last = !*rest;

		if (last && keep_last) {
			*last_elem = elem;
			return;
		}
		nc = namec_walk_one(r, *curp, elem, len, rest, last);
		cclose(*curp);
		*curp = nc;
		if (!nc)
			return;
	}
}

/* Phase 3: walks 'rest' from c (consumed), leaving the last element
 * unwalked if keep_last.  NULL with r->restart set on a symlink. */
static struct chan *namec_walk(struct namec_req *r, struct chan *c, const char *rest,
                               bool keep_last, const char **last_elem)
{
	ERRSTACK(1);
	struct chan *volatile cur = c;

	if (waserror()) {
		cclose(cur);
		nexterror();
	}
	if (r->path[0] == '/' && (*rest || r->amode != NAMEC_MOUNT))
		cur = namec_follow(r, cur);
	namec_walk_elems(r, &cur, rest, keep_last, last_elem);
	poperror();
	return cur;
}

/* ----------------------------------------------------------------- finish */

static void namec_set_flags(struct chan *c, int omode)
{
	if (omode & O_APPEND)
		c->flag |= CAPPEND;
	if (omode & O_NONBLOCK)
		c->flag |= CNONBLOCK;
	if (omode & O_REMCLO)
		c->flag |= CRCLOSE;
}

/* Opens c (consumed) per r->omode; union directories read their union. */
static struct chan *namec_open(struct namec_req *r, struct chan *c_in)
{
	ERRSTACK(1);
	struct chan *volatile c = c_in;
	struct chan *nc;

	if (waserror()) {
		cclose(c);
		nexterror();
	}
	if ((r->omode & O_DIRECTORY) && !(c->qid.type & QTDIR))
		error(ENOTDIR, "open: '%s' is not a directory", c->name->s);
	if ((c->qid.type & QTDIR) && (r->omode & (O_WRITE | O_TRUNC)))
		error(EISDIR, "open: '%s' is a directory", c->name->s);
	poperror();
	if (r->omode & O_PATH)
		return c;
	if (waserror()) {
		cclose(c);
		nexterror();
	}
	nc = devtab_of(c)->open(c, r->omode);
	poperror();
	namec_set_flags(nc, r->omode);
	if ((nc->qid.type & QTDIR) && nc->mh && !nc->umh) {
		kref_get(&nc->mh->ref);
		nc->umh = nc->mh;
	}
	return nc;
}

/* The directory a create in parent goes to (a new reference). */
static struct chan *namec_create_dir(struct chan *parent)
{
	struct chan *d;

	if (!parent->mh || !(d = mhead_member(parent->mh, 0))) {
		chan_incref(parent);
		return parent;
	}
	cclose(d);
	d = mhead_create_member(parent->mh);
	if (!d)
		error(EPERM, "create in '%s': no member of the union was mounted with "
		      "MCREATE", parent->name->s);
	return d;
}

static struct chan *namec_create_new(struct namec_req *r, struct chan *parent,
                                     const char *name)
{
	ERRSTACK(1);
	struct chan *d = namec_create_dir(parent);
	struct chan *volatile nc = NULL;

	if (waserror()) {
		cclose(d);
		cclose(nc);
		nexterror();
	}
	nc = cclone(d);
	chan_set_name(nc, cname_add(parent->name, name, strlen(name)));
	devtab_of(nc)->create(nc, name, r->omode, r->perm, r->ext ? r->ext : "");
	poperror();
	cclose(d);
	nc->flag |= COPEN;
	nc->mode = (uint32_t)(r->omode & O_ACCMODE);
	namec_set_flags(nc, r->omode);
	return nc;
}

/* Opens 'name' in parent (consumed) if it exists, else creates it. */
static struct chan *namec_create(struct namec_req *r, struct chan *parent,
                                 const char *name)
{
	ERRSTACK(1);
	struct chan *nc;

	if (waserror()) {
		cclose(parent);
		nexterror();
	}
	if (!name)
		error(EEXIST, "create: '%s' exists", parent->name->s);
	if (!(parent->qid.type & QTDIR))
		error(ENOTDIR, "create: '%s' is not a directory", parent->name->s);
	nc = walk_elem_try(parent, name);
	if (nc) {
		chan_set_name(nc, cname_add(parent->name, name, strlen(name)));
		if (r->omode & O_EXCL) {
			cclose(nc);
			error(EEXIST, "create: '%s' exists in '%s'", name, parent->name->s);
		}
		poperror();
		cclose(parent);
		return namec_open(r, namec_follow(r, nc));
	}
	nc = namec_create_new(r, parent, name);
	poperror();
	cclose(parent);
	return nc;
}

static struct chan *namec_finish(struct namec_req *r, struct chan *c, const char *last)
{
	switch (r->amode) {
	case NAMEC_OPEN:
		return namec_open(r, c);
	case NAMEC_CREATE:
		return namec_create(r, c, last);
	default:
		return c;
	}
}

/* ------------------------------------------------------------------ namec */

/* Phases 2-4 on r->path, restarting after each symlink. */
static struct chan *namec_resolve(struct namec_req *r, struct chan *dir)
{
	for (;;) {
		const char *rest, *last = NULL;
		struct chan *c = namec_start(r, dir, &rest);

		c = namec_walk(r, c, rest, r->amode == NAMEC_CREATE, &last);
		if (c)
			return namec_finish(r, c, last);
		kfree(r->path);
		r->path = r->restart;
		r->restart = NULL;
		namec_check_elems(r->path);
	}
}

static void namec_check_args(int amode, int omode)
{
	if (amode < NAMEC_ACCESS || amode > NAMEC_REMOVE)
		error(EINVAL, "namec: bad access mode %d", amode);
	if (omode & ~O_ALL_FLAGS)
		error(EINVAL, "open: unknown flags %#x", omode & ~O_ALL_FLAGS);
}

/* The directory a relative path starts from (a new reference): dir, else
 * the name space's current directory, else its root. */
static struct chan *namec_dir(struct pgrp *pg, struct chan *dir)
{
	struct chan *d = dir;

	if (d && (d->flag & COPEN))
		return namec_reopen(d);

	if (!d) {
		d = pgrp_get_dot(pg);
		if (d)
			return d;
		d = pg->root;
	}
	if (!d)
		error(ENOENT, "name space has no current directory");
	chan_incref(d);
	return d;
}

/* All four phases of r on (path, len) from dir (NULL: the cwd). */
static struct chan *namec_run(struct namec_req *r, struct chan *dir, const char *path,
                              size_t len)
{
	ERRSTACK(1);
	struct chan *volatile d = NULL;
	struct chan *c;

	namec_check_args(r->amode, r->omode);
	if (waserror()) {
		kfree(*(char *volatile *)&r->path);
		kfree(*(char *volatile *)&r->restart);
		cclose(d);
		nexterror();
	}
	d = namec_dir(r->pg, dir);
	namec_parse(r, d, path, len);
	c = namec_resolve(r, d);
	poperror();
	kfree(r->path);
	cclose(d);
	return c;
}

struct chan *namec_n(struct chan *dir, const char *path, size_t len, int amode,
                     int omode, uint32_t perm, const char *ext)
{
	struct namec_req r = {
		.pg = current_pgrp(), .amode = amode, .omode = omode,
		.perm = perm, .ext = ext, .max_len = MAX_PATH_LEN,
	};

	return namec_run(&r, dir, path, len);
}

/* c's name with a reference, read under c->lock; ENOENT if it has none. */
static struct cname *namec_chan_name(struct chan *c)
{
	struct cname *name;

	spin_lock(&c->lock);
	name = c->name;
	if (name)
		kref_get(&name->ref);
	spin_unlock(&c->lock);
	if (name && !name->len) {
		cnameclose(name);
		name = NULL;
	}
	if (!name)
		error(ENOENT, "an open file with no path cannot be looked up again");
	return name;
}

/*
 * An open chan cannot be walked from (devclone refuses it), but openat()
 * and fchdir() with a directory FD from an ordinary open must work: look
 * the file up again by its own name, which may be longer than a caller's
 * path may be (MAX_PATH_LEN) in a deep directory, and insist that it is
 * still the same file.
 */
struct chan *namec_reopen(struct chan *c)
{
	ERRSTACK(1);
	struct cname *volatile name = namec_chan_name(c);
	struct namec_req r = { .pg = current_pgrp(), .amode = NAMEC_ACCESS,
	                       .max_len = (size_t)-1 };
	struct chan *w;

	if (waserror()) {
		cnameclose(name);
		nexterror();
	}
	w = namec_run(&r, NULL, name->s, name->len);
	if (w->type != c->type || w->dev != c->dev || w->qid.path != c->qid.path) {
		cclose(w);
		error(ENOENT, "'%s' no longer names the file that was opened", name->s);
	}
	poperror();
	cnameclose(name);
	return w;
}

struct chan *namec_from(struct chan *dir, const char *path, int amode, int omode,
                        uint32_t perm, const char *ext)
{
	return namec_n(dir, path, strnlen(path, MAX_PATH_LEN + 1), amode, omode, perm, ext);
}

struct chan *namec(const char *path, int amode, int omode, uint32_t perm,
                   const char *ext)
{
	return namec_from(NULL, path, amode, omode, perm, ext);
}
