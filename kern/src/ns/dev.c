/* SPDX-License-Identifier: MIT */
/*
 * dev.c - the device table and the default device operations.
 *
 * The table is the .devtab linker section (struct dev entries declared with
 * __devtab); a chan's type is its index there.  devno() finds a device by
 * its whole name ("cons") or by its Plan 9 letter ("c").
 *
 * Simple devices describe their files with a struct dirtab array and let
 * the defaults below do the work.  The convention is Plan 9's: tab[0] is the
 * "." entry of the device's top directory (its qid is the directory's), and
 * devgen(i) yields tab[i + 1], so listings and name lookups skip ".".
 * Devices whose tree is deeper write their own gen function or their own
 * walk/stat/open (tree_file.c does).
 *
 * Walk contract (every dev->walk): walking nname names from c either raises
 * error() because the first name could not be walked, or returns a walkqid
 * with 1..nname qids; when fewer than nname were walked, clone is NULL (the
 * device closed any clone it made) and the errstr says why the next failed.
 * nname == 0 returns a clone and no qids.  nc, when not NULL, is a chan the
 * caller made with devclone() for the device to fill in.  namec() resolves
 * "." and ".." itself and never passes them.
 *
 * Directory reads (devdirread, and tree_chan.c through dev_dirent_pack)
 * return whole 9P stat entries only, without the ext string: a symlink's
 * target is for stat, so an entry never passes DIRENT_MAX (ros/fcntl.h)
 * and a reader's buffer of that size always holds one.  An entry that does
 * not fit the room left ends the read before it (EINVAL if it would have
 * been the first: the buffer is too small).  An entry that would pass
 * DIRENT_MAX (a device with a huge name or owner string, or one 9P cannot
 * carry at all) is skipped on purpose, so the rest of the directory stays
 * readable, and the first such entry since boot is reported with printk.
 *
 * Every operation reports failures with error(); the defaults that refuse
 * (devcreate, devremove, ...) raise EPERM with the device and file named.
 * Nothing here takes locks; dirtab arrays are immutable.
 */
#include <assert.h>
#include <err.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <ninep.h>
#include <ns.h>
#include <printk.h>

#define DEV_OWNER "eve"

/* ------------------------------------------------------------ the table */

int devno(const char *name)
{
	int n = devtab_count();

	if (!name || !name[0])
		return -1;
	for (int i = 0; i < n; i++) {
		const struct dev *d = &devtab_start[i];

		if (!strcmp(d->name, name))
			return i;
		if (d->letter && !name[1] && d->letter == name[0])
			return i;
	}
	return -1;
}

void devtab_reset_all(void)
{
	for (int i = 0; i < devtab_count(); i++)
		if (devtab_start[i].reset)
			devtab_start[i].reset();
}

void devtab_init_all(void)
{
	for (int i = 0; i < devtab_count(); i++)
		if (devtab_start[i].init)
			devtab_start[i].init();
}

void devtab_pgrp_release(uint64_t pgrpid)
{
	for (int i = 0; i < devtab_count(); i++)
		if (devtab_start[i].pgrp_release)
			devtab_start[i].pgrp_release(pgrpid);
}

void devreset(void)
{
}

void devinit(void)
{
}

void devshutdown(void)
{
}

static const char *dev_name_of(const struct chan *c)
{
	if (c->type < 0 || c->type >= devtab_count())
		return "?";
	return devtab_of(c)->name;
}

static const char *chan_path_of(const struct chan *c)
{
	return c->name ? c->name->s : "?";
}

/* ------------------------------------------------------ entries, devgen */

void mkdir_entry(struct dir *d, struct qid qid, const char *name, int64_t length,
                 const char *owner, uint32_t perm)
{
	memset(d, 0, sizeof(*d));
	d->qid = qid;
	d->mode = perm | ((uint32_t)qid.type << 24);
	d->length = (qid.type & QTDIR) ? 0 : length;
	d->name = name;
	d->uid = owner;
	d->gid = owner;
	d->muid = owner;
	d->ext = "";
}

int devgen(struct chan *c, const char *name, const struct dirtab *tab, int ntab,
           int i, struct dir *dp)
{
	if (!tab || i < 0 || i + 1 >= ntab)
		return DEVGEN_END;
	tab += i + 1;
	mkdir_entry(dp, tab->qid, tab->name, tab->length, DEV_OWNER, tab->perm);
	return DEVGEN_ENTRY;
}

/* ----------------------------------------------------- attach and clone */

struct chan *devattach(const char *devname, const char *spec)
{
	int type = devno(devname);
	struct chan *c;
	char buf[64];

	if (type < 0)
		error(ENODEV, "attach: no device '#%s'", devname);
	c = newchan();
	c->type = type;
	c->qid = mkqid(0, 0, QTDIR);
	if (spec && spec[0])
		snprintf(buf, sizeof(buf), "#%s.%s", devtab_start[type].name, spec);
	else
		snprintf(buf, sizeof(buf), "#%s", devtab_start[type].name);
	c->name = newcname(buf);
	return c;
}

struct chan *devclone(struct chan *c)
{
	struct chan *nc;

	if (c->flag & COPEN)
		error(EINVAL, "clone of open file '%s'", chan_path_of(c));
	nc = newchan();
	nc->type = c->type;
	nc->dev = c->dev;
	nc->mode = c->mode;
	nc->qid = c->qid;
	nc->offset = c->offset;
	nc->flag = c->flag & ~(COPEN | CRCLOSE);
	nc->aux = c->aux;
	nc->devpriv = c->devpriv;
	nc->mqid = c->mqid;
	if (c->name) {
		kref_get(&c->name->ref);
		nc->name = c->name;
	}
	return nc;
}

/* ----------------------------------------------------------------- walk */

/* Finds 'name' among the entries of the directory nc; false if absent. */
static bool devwalk_one(struct chan *nc, const char *name, const struct dirtab *tab,
                        int ntab, devgen_fn gen)
{
	struct dir d;

	for (int i = 0;; i++) {
		int r = gen(nc, name, tab, ntab, i, &d);

		if (r == DEVGEN_END)
			return false;
		if (r == DEVGEN_ENTRY && !strcmp(name, d.name)) {
			nc->qid = d.qid;
			return true;
		}
	}
}

static struct walkqid *walkqid_alloc(unsigned int nname)
{
	struct walkqid *wq = kzmalloc(sizeof(*wq) + nname * sizeof(struct qid), MEM_WAIT);

	if (!wq)
		error(ENOMEM, "walk: no memory for %u qids", nname);
	return wq;
}

/* Walks names[j] from nc; false (errstr set) if it fails. */
static bool devwalk_step(struct chan *nc, const char *name, const struct dirtab *tab,
                         int ntab, devgen_fn gen)
{
	if (!(nc->qid.type & QTDIR)) {
		set_errstr("walk: '%s' in '%s': not a directory", name, chan_path_of(nc));
		errstate_current()->errno_ = ENOTDIR;
		return false;
	}
	if (!strcmp(name, "."))
		return true;
	if (!devwalk_one(nc, name, tab, ntab, gen)) {
		set_errstr("walk: '%s' in '%s': file does not exist", name, chan_path_of(nc));
		errstate_current()->errno_ = ENOENT;
		return false;
	}
	return true;
}

struct walkqid *devwalk(struct chan *c, struct chan *nc, const char **names,
                        unsigned int nname, const struct dirtab *tab, int ntab,
                        devgen_fn gen)
{
	struct walkqid *wq = walkqid_alloc(nname);
	bool alloc = !nc;

	if (alloc) {
		nc = devclone(c);
		nc->type = -1;  /* not the device's yet: cclose must not close it */
	}
	for (unsigned int j = 0; j < nname; j++) {
		if (!devwalk_step(nc, names[j], tab, ntab, gen))
			break;
		wq->qid[wq->nqid++] = nc->qid;
	}
	if (wq->nqid < nname) {
		if (alloc)
			cclose(nc);
		if (wq->nqid == 0) {
			char msg[ERRSTR_MAX];

			kfree(wq);
			strlcpy(msg, get_errstr(), sizeof(msg));
			error(get_errno(), "%s", msg);
		}
		return wq;
	}
	nc->type = c->type;
	wq->clone = nc;
	return wq;
}

/* ----------------------------------------------------------------- stat */

static const char *cname_last(const struct chan *c)
{
	const char *s = chan_path_of(c);
	const char *slash = NULL;

	for (const char *p = s; *p; p++)
		if (*p == '/' && p[1])
			slash = p;
	return slash ? slash + 1 : s;
}

/* The entry describing c itself: false if gen does not list it. */
static bool devstat_find(struct chan *c, const struct dirtab *tab, int ntab,
                         devgen_fn gen, struct dir *d)
{
	for (int i = 0;; i++) {
		int r = gen(c, NULL, tab, ntab, i, d);

		if (r == DEVGEN_END)
			return false;
		if (r == DEVGEN_ENTRY && d->qid.path == c->qid.path)
			return true;
	}
}

/* Marshals d into buf; a buffer too small is an error naming the sizes. */
size_t dev_stat_pack(const struct dir *d, uint8_t *buf, size_t n)
{
	size_t need = sizeD2M(d);
	size_t got;

	if (n < need)
		error(EINVAL, "stat of '%s': buffer of %zu bytes, need %zu", d->name, n, need);
	got = convD2M(d, buf, n);
	if (got != need)
		error(EINVAL, "stat of '%s': cannot marshal entry", d->name);
	return got;
}

size_t devstat(struct chan *c, uint8_t *db, size_t n, const struct dirtab *tab,
               int ntab, devgen_fn gen)
{
	struct dir d;

	if (!devstat_find(c, tab, ntab, gen, &d)) {
		if (!(c->qid.type & QTDIR))
			error(ENOENT, "stat: '%s' no longer exists", chan_path_of(c));
		mkdir_entry(&d, c->qid, cname_last(c), 0, DEV_OWNER, DMDIR | 0555);
	}
	d.type = (uint16_t)c->type;
	d.dev = c->dev;
	if (c->flag & CMSG)
		d.mode |= DMMOUNT;
	return dev_stat_pack(&d, db, n);
}

/* Reports the first entry since boot that 9P cannot carry (see below). */
static void dev_dirent_report_unpackable(const struct chan *c, const struct dir *d,
                                         size_t need)
{
	static atomic_t reported;

	if (atomic_swap(&reported, 1))
		return;
	printk("dev: directory '%s' (#%s): skipping an entry longer than a listing "
	       "carries (a string over 64 KiB or a stat over %u bytes; sized %zu) named "
	       "'%.32s...'; further ones are not reported\n", chan_path_of(c),
	       dev_name_of(c), (unsigned int)DIRENT_MAX, need, d->name ? d->name : "");
}

size_t dev_dirent_pack(const struct chan *c, const struct dir *d, uint8_t *buf,
                       size_t n, bool *full)
{
	struct dir e = *d;
	size_t need, got = 0;

	e.ext = NULL;           /* a symlink's target travels in stat only */
	need = sizeD2M(&e);
	*full = false;
	if (need <= DIRENT_MAX && need > n) {
		*full = true;
		return 0;
	}
	/* Past DIRENT_MAX, or a single string over 64 KiB (which sizeD2M
	 * counts as empty): convD2M refuses the entry. */
	if (need <= DIRENT_MAX)
		got = convD2M(&e, buf, n);
	if (!got)
		dev_dirent_report_unpackable(c, &e, need);
	return got;
}

size_t devdirread(struct chan *c, void *buf, size_t n, const struct dirtab *tab,
                  int ntab, devgen_fn gen)
{
	uint8_t *p = buf;
	size_t m = 0;
	struct dir d;
	bool full;

	for (;; c->dri++) {
		int r = gen(c, NULL, tab, ntab, (int)c->dri, &d);
		size_t got;

		if (r == DEVGEN_END)
			break;
		if (r == DEVGEN_SKIP)
			continue;
		d.type = (uint16_t)c->type;
		d.dev = c->dev;
		got = dev_dirent_pack(c, &d, p + m, n - m, &full);
		if (full) {
			if (m == 0)
				error(EINVAL, "read of directory '%s': buffer of %zu bytes "
				      "too small for entry '%s'", chan_path_of(c), n, d.name);
			break;
		}
		m += got;
	}
	return m;
}

/* ----------------------------------------------------------------- open */

void devpermcheck(const char *owner, uint32_t perm, int omode)
{
	uint32_t need = (uint32_t)omode_to_rwx(omode);

	/* No users yet: every caller is the owner of every file. */
	if ((((perm >> 6) & 7) & need) != need)
		error(EACCES, "permission denied: mode %o does not allow %s%s%s",
		      perm & 0777, need & DMREAD ? "r" : "", need & DMWRITE ? "w" : "",
		      need & DMEXEC ? "x" : "");
}

struct chan *devopen(struct chan *c, int omode, const struct dirtab *tab, int ntab,
                     devgen_fn gen)
{
	struct dir d;

	if ((c->qid.type & QTDIR) && (omode & O_WRITE))
		error(EISDIR, "open: '%s' is a directory", chan_path_of(c));
	if (devstat_find(c, tab, ntab, gen, &d))
		devpermcheck(d.uid, d.mode, omode);
	c->mode = (uint32_t)(omode & O_ACCMODE);
	c->flag |= COPEN;
	c->offset = 0;
	return c;
}

/* ------------------------------------------------- operations that refuse */

struct block *devbread(struct chan *c, size_t n, int64_t off)
{
	error(EPERM, "#%s: block read of '%s' not supported", dev_name_of(c), chan_path_of(c));
}

size_t devbwrite(struct chan *c, struct block *b, int64_t off)
{
	error(EPERM, "#%s: block write of '%s' not supported", dev_name_of(c),
	      chan_path_of(c));
}

void devcreate(struct chan *c, const char *name, int omode, uint32_t perm,
               const char *ext)
{
	error(EPERM, "#%s: cannot create '%s' in '%s'", dev_name_of(c), name, chan_path_of(c));
}

void devremove(struct chan *c)
{
	error(EPERM, "#%s: cannot remove '%s'", dev_name_of(c), chan_path_of(c));
}

void devrename(struct chan *c, struct chan *new_dir, const char *new_name)
{
	error(EPERM, "#%s: cannot rename '%s'", dev_name_of(c), chan_path_of(c));
}

size_t devwstat(struct chan *c, const uint8_t *buf, size_t n)
{
	error(EPERM, "#%s: cannot change the attributes of '%s'", dev_name_of(c),
	      chan_path_of(c));
}

/* ------------------------------------------------------ read helpers */

size_t readmem(int64_t off, void *buf, size_t n, const void *mem, size_t len)
{
	size_t avail;

	if (off < 0)
		error(EINVAL, "read at negative offset %lld", (long long)off);
	if ((uint64_t)off >= len)
		return 0;
	avail = len - (size_t)off;
	if (n > avail)
		n = avail;
	memcpy(buf, (const uint8_t *)mem + off, n);
	return n;
}

size_t readstr(int64_t off, void *buf, size_t n, const char *str)
{
	return readmem(off, buf, n, str, strlen(str));
}
