/* SPDX-License-Identifier: MIT */
/*
 * tree_chan.c - the device glue of the in-memory file tree: the struct dev
 * operations (tree_chan_attach, _walk, _stat, _open, _create, _close,
 * _read, _write, _remove, _rename, _wstat) that #kfs and #tmpfs put in
 * their devtab entries, over the tree of tree_file.c (contract in
 * kern/include/tree_file.h; reference page Documentation/kapi/tree_file.md).
 *
 * Model: a chan of a tree device points at one tree_file (c->aux, one
 * reference) and holds one reference on its tree_fs; every chan, open or
 * not, drops both in tree_chan_close.  Walks take the walk cache one name
 * at a time (tree_file_lookup); a walk that fails past its first name
 * returns the qids walked and no clone, as dev.c's walk contract says.
 * Permission checks use the fs owner as every file's owner (there are no
 * users yet): an entry change needs the parent directory writable.
 *
 * This file takes no lock of its own: tree_file.c's functions take tfs->lock
 * and tf->lock, and the only callback run under them (directory reads,
 * tc_dirread_one) neither sleeps on the tree nor raises error().  Errors are
 * raised with error() naming the chan's path.  Not here: the tree itself,
 * file contents, the cpio loader (all tree_file.c).
 */
#include <err.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <ninep.h>
#include <ns.h>
#include <overflow.h>
#include <tree_file.h>

#define TF_DONT_TOUCH32 0xffffffffu     /* a wstat field left unchanged */

static const char *tc_path(const struct chan *c)
{
	return c->name ? c->name->s : "?";
}

static struct tree_fs *tc_fs(const struct chan *c)
{
	return tree_chan_file(c)->tfs;
}

/* Points c at tf, whose reference c takes over; drops c's old file. */
static void tc_set_file(struct chan *c, struct tree_file *tf)
{
	struct tree_file *old = c->aux;

	c->aux = tf;
	c->qid = tf->qid;
	tree_file_put(old);
}

struct chan *tree_chan_attach(struct tree_fs *tfs, const char *devname, const char *spec)
{
	struct chan *c = devattach(devname, spec);

	tree_fs_get(tfs);
	tree_file_get(tfs->root);
	c->aux = tfs->root;
	c->qid = tfs->root->qid;
	c->dev = tfs->dev_id;
	return c;
}

/* A clone of c on the same file, with its own references. */
static struct chan *tc_clone(struct chan *c, struct chan *nc)
{
	if (!nc)
		nc = devclone(c);
	nc->aux = NULL;         /* devclone copied c's pointer, not a reference */
	tree_fs_get(tc_fs(c));
	tree_file_get(tree_chan_file(c));
	tc_set_file(nc, tree_chan_file(c));
	return nc;
}

/* One walk step from *cur (a reference the caller holds, replaced by the
 * child's).  False with the errstr set if it fails. */
static bool tc_walk_step(struct tree_file **cur, const char *name, const char *path)
{
	struct tree_file *next;

	if (!((*cur)->mode & DMDIR)) {
		set_errstr("walk: '%s' in '%s': not a directory", name, path);
		errstate_current()->errno_ = ENOTDIR;
		return false;
	}
	next = tree_file_lookup(*cur, name);
	if (!next) {
		set_errstr("walk: '%s' in '%s': file does not exist", name, path);
		errstate_current()->errno_ = ENOENT;
		return false;
	}
	tree_file_put(*cur);
	*cur = next;
	return true;
}

static struct walkqid *tc_walkqid_alloc(unsigned int nname)
{
	struct walkqid *wq = kzmalloc(sizeof(*wq) + array_size(nname, sizeof(struct qid)),
	                              MEM_WAIT);

	if (!wq)
		error(ENOMEM, "walk: no memory for %u qids", nname);
	return wq;
}

/* The walk's result chan: the caller's nc or a clone of c, with its own
 * references, made before anything else is held. */
static struct chan *tc_walk_clone(struct chan *c, struct chan *nc, struct walkqid *wq)
{
	ERRSTACK(1);

	if (waserror()) {
		kfree(wq);
		nexterror();
	}
	nc = tc_clone(c, nc);
	poperror();
	return nc;
}

struct walkqid *tree_chan_walk(struct chan *c, struct chan *nc, const char **names,
                               unsigned int nname)
{
	struct walkqid *wq = tc_walkqid_alloc(nname);
	struct tree_file *cur = tree_chan_file(c);
	bool own_nc = !nc;
	char msg[ERRSTR_MAX];

	nc = tc_walk_clone(c, nc, wq);
	tree_file_get(cur);
	for (; wq->nqid < nname; wq->nqid++) {
		if (!tc_walk_step(&cur, names[wq->nqid], tc_path(c)))
			break;
		wq->qid[wq->nqid] = cur->qid;
	}
	if (wq->nqid < nname) {
		tree_file_put(cur);
		if (own_nc)
			cclose(nc);     /* keeps the errstr: close raises nothing */
		if (wq->nqid == 0) {
			kfree(wq);
			strlcpy(msg, get_errstr(), sizeof(msg));
			error(get_errno(), "%s", msg);
		}
		return wq;
	}
	tc_set_file(nc, cur);
	wq->clone = nc;
	return wq;
}

size_t tree_chan_stat(struct chan *c, uint8_t *buf, size_t n)
{
	char name[MAX_NAME_LEN + 1];
	struct dir d;

	tree_file_stat(tree_chan_file(c), &d, name, sizeof(name));
	d.type = (uint16_t)c->type;
	d.dev = c->dev;
	return dev_stat_pack(&d, buf, n);
}

/* Applies the open flags to c; the checks are done. */
static void tc_mark_open(struct chan *c, int omode)
{
	c->mode = (uint32_t)(omode & O_ACCMODE);
	c->flag |= COPEN;
	if (omode & O_APPEND)
		c->flag |= CAPPEND;
	if (omode & O_REMCLO)
		c->flag |= CRCLOSE;
	c->offset = 0;
	c->dri = 0;
}

struct chan *tree_chan_open(struct chan *c, int omode)
{
	struct tree_file *tf = tree_chan_file(c);

	if ((tf->mode & DMSYMLINK) && (omode & O_ACCMODE))
		error(ELOOP, "open: '%s' is a symlink", tc_path(c));
	if ((tf->mode & DMDIR) && (omode & (O_WRITE | O_TRUNC)))
		error(EISDIR, "open: '%s' is a directory", tc_path(c));
	if ((omode & O_TRUNC) && !(omode & O_WRITE))
		error(EINVAL, "open: '%s': O_TRUNC without O_WRITE", tc_path(c));
	devpermcheck(tc_fs(c)->owner, READ_ONCE(tf->mode), omode);
	if (omode & O_TRUNC)
		tree_file_truncate(tf, 0);
	c->qid = tf->qid;
	tc_mark_open(c, omode);
	return c;
}

void tree_chan_create(struct chan *c, const char *name, int omode, uint32_t perm,
                      const char *ext)
{
	struct tree_file *dir = tree_chan_file(c);
	struct tree_file *tf;

	if (!(dir->mode & DMDIR))
		error(ENOTDIR, "create '%s': '%s' is not a directory", name, tc_path(c));
	if ((perm & DMDIR) && (omode & O_WRITE))
		error(EISDIR, "create '%s': a directory cannot be opened for writing", name);
	devpermcheck(tc_fs(c)->owner, READ_ONCE(dir->mode), O_WRITE);
	perm &= DMDIR | DMSYMLINK | DMAPPEND | DMEXCL | 0777;
	tf = tree_file_create(dir, name, perm, ext);
	tc_set_file(c, tf);
	tc_mark_open(c, omode);
}

void tree_chan_close(struct chan *c)
{
	struct tree_file *tf = tree_chan_file(c);
	struct tree_fs *tfs;

	if (!tf)
		return;
	tfs = tf->tfs;
	if ((c->flag & (COPEN | CRCLOSE)) == (COPEN | CRCLOSE))
		tree_file_try_remove(tf);       /* a failure leaves the file */
	c->aux = NULL;
	tree_file_put(tf);
	tree_fs_put(tfs);
}

struct tc_dirread {
	struct chan *c;
	uint8_t *buf;
	size_t n, m;            /* room, bytes packed */
	bool too_small;         /* the first entry did not fit at all */
};

/* Packs one child (tfs->lock held: no error()); false to stop. */
static bool tc_dirread_one(const struct dir *child, void *arg)
{
	struct tc_dirread *r = arg;
	struct dir d = *child;
	bool full;

	d.type = (uint16_t)r->c->type;
	r->m += dev_dirent_pack(r->c, &d, r->buf + r->m, r->n - r->m, &full);
	if (full)
		r->too_small = r->m == 0;
	return !full;
}

/* c->dri is the seq of the last child returned (0: none yet), so the
 * listing goes on from the right place whatever was removed meanwhile. */
static size_t tc_dirread(struct chan *c, void *buf, size_t n, int64_t off)
{
	struct tc_dirread r = { .c = c, .buf = buf, .n = n };

	if (off == 0)
		c->dri = 0;
	tree_file_for_each_child(tree_chan_file(c), &c->dri, tc_dirread_one, &r);
	if (r.too_small)
		error(EINVAL, "read of directory '%s': buffer of %zu bytes too small",
		      tc_path(c), n);
	return r.m;
}

size_t tree_chan_read(struct chan *c, void *buf, size_t n, int64_t off)
{
	struct tree_file *tf = tree_chan_file(c);

	if (tf->mode & DMDIR)
		return tc_dirread(c, buf, n, off);
	if (tf->mode & DMSYMLINK)
		return readstr(off, buf, n, tf->target);
	return tree_file_read(tf, buf, n, off);
}

size_t tree_chan_write(struct chan *c, const void *buf, size_t n, int64_t off)
{
	struct tree_file *tf = tree_chan_file(c);

	if (!(c->flag & COPEN) || !(c->mode & O_WRITE))
		error(EBADF, "write: '%s' is not open for writing", tc_path(c));
	return tree_file_write(tf, buf, n, off, c->flag & CAPPEND);
}

/* Changing a directory's entries needs write permission on it. */
static void tc_check_parent_writable(struct tree_file *tf, const char *op, const char *path)
{
	struct tree_file *p = tree_file_parent(tf);
	uint32_t mode;

	if (!p)
		return;         /* the tree operation reports root/removed */
	mode = READ_ONCE(p->mode);
	tree_file_put(p);
	if (!(mode & (DMWRITE << 6)))
		error(EACCES, "%s '%s': directory is not writable", op, path);
}

void tree_chan_remove(struct chan *c)
{
	struct tree_file *tf = tree_chan_file(c);

	tc_check_parent_writable(tf, "remove", tc_path(c));
	tree_file_remove(tf);
}

void tree_chan_rename(struct chan *c, struct chan *new_dir, const char *new_name)
{
	if (new_dir->type != c->type || !new_dir->aux || tc_fs(new_dir) != tc_fs(c))
		error(EXDEV, "rename '%s' to '%s': not in the same file system", tc_path(c),
		      new_name);
	tc_check_parent_writable(tree_chan_file(c), "rename", tc_path(c));
	if (!(READ_ONCE(tree_chan_file(new_dir)->mode) & (DMWRITE << 6)))
		error(EACCES, "rename '%s': target directory is not writable", tc_path(c));
	tree_file_rename(tree_chan_file(c), tree_chan_file(new_dir), new_name);
}

/* ---------------------------------------------------------------- wstat */

/* Everything a wstat may not do, checked before anything changes. */
static void tc_wstat_check(struct chan *c, const struct dir *d)
{
	struct tree_file *tf = tree_chan_file(c);
	const char *owner = tc_fs(c)->owner;

	if (d->mode != TF_DONT_TOUCH32 && (d->mode & (DMDIR | DMSYMLINK)) !=
	    (tf->mode & (DMDIR | DMSYMLINK)))
		error(EINVAL, "wstat '%s': cannot change the file type", tc_path(c));
	if (d->length != -1 && (d->length < 0 || (tf->mode & (DMDIR | DMSYMLINK))))
		error(EINVAL, "wstat '%s': bad length %lld for this file", tc_path(c),
		      (long long)d->length);
	if ((d->uid && d->uid[0] && strcmp(d->uid, owner)) ||
	    (d->gid && d->gid[0] && strcmp(d->gid, owner)))
		error(EPERM, "wstat '%s': cannot change the owner", tc_path(c));
}

/* The rename part of a wstat: within the file's own directory. */
static void tc_wstat_rename(struct chan *c, const char *name)
{
	ERRSTACK(1);
	struct tree_file *tf = tree_chan_file(c);
	struct tree_file *p = tree_file_parent(tf);

	if (!p)
		error(EBUSY, "wstat '%s': cannot rename this file", tc_path(c));
	if (waserror()) {
		tree_file_put(p);
		nexterror();
	}
	tree_file_rename(tf, p, name);
	poperror();
	tree_file_put(p);
}

/* Applies a checked wstat; only the rename can still fail, and it goes first. */
static void tc_wstat_apply(struct chan *c, const struct dir *d)
{
	struct tree_file *tf = tree_chan_file(c);

	if (d->name && d->name[0])
		tc_wstat_rename(c, d->name);
	if (d->length != -1)
		tree_file_truncate(tf, d->length);
	sem_down(&tf->lock);
	if (d->mode != TF_DONT_TOUCH32) {
		tf->mode = (tf->mode & ~(DMAPPEND | DMEXCL | 0777)) |
		           (d->mode & (DMAPPEND | DMEXCL | 0777));
		tf->qid.type = (uint8_t)(tf->mode >> 24);
	}
	if (d->mtime != TF_DONT_TOUCH32 && d->mtime != ~0ULL)
		tf->mtime = d->mtime;
	tf->qid.vers++;
	sem_up(&tf->lock);
}

size_t tree_chan_wstat(struct chan *c, const uint8_t *buf, size_t n)
{
	ERRSTACK(1);
	char *strs = kmalloc(n + 1, MEM_WAIT);
	struct dir d;

	if (!strs)
		error(ENOMEM, "wstat '%s': out of memory", tc_path(c));
	if (waserror()) {
		kfree(strs);
		nexterror();
	}
	if (statcheck(buf, n) || convM2D(buf, n, &d, strs) == 0)
		error(EINVAL, "wstat '%s': malformed stat entry", tc_path(c));
	tc_wstat_check(c, &d);
	tc_wstat_apply(c, &d);
	poperror();
	kfree(strs);
	c->qid = tree_chan_file(c)->qid;
	return n;
}
