/* SPDX-License-Identifier: MIT */
/*
 * chan.c - chans and their path names: creation, references, cloning,
 * reading and writing through the device, and the open-mode helpers.
 *
 * A chan is born with one reference (newchan), cloned with cclone() (a new
 * chan on the same file, never open, sharing the path name) and dropped
 * with cclose().  The last cclose() calls the device's close (every chan
 * reaches close, open or not: a device checks COPEN) and then frees what
 * the chan holds: its cname, mount head references, the union member being
 * read and the mount driver's chan.  An error in the device's close is
 * reported on the console and the chan is freed anyway.
 *
 * A cname is an immutable, refcounted string; chans share them and
 * cname_add() makes the name of a walked-to child.
 *
 * chan_nr_live() counts chans that exist, so tests can check for leaks.
 * Everything here may call error() and so needs a kthread.
 */
#include <assert.h>
#include <err.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <ninep.h>
#include <ns.h>
#include <printk.h>
#include <sysfile.h>

static atomic_t chans_live;

int64_t chan_nr_live(void)
{
	return atomic_read(&chans_live);
}

/* ---------------------------------------------------------------- cnames */

static struct cname *cname_alloc(size_t len)
{
	struct cname *n = kmalloc(sizeof(*n) + len + 1, MEM_WAIT);

	if (!n)
		error(ENOMEM, "no memory for a path name of %zu bytes", len);
	kref_init(&n->ref);
	n->len = len;
	return n;
}

struct cname *newcname(const char *s)
{
	size_t len = strlen(s);
	struct cname *n = cname_alloc(len);

	memcpy(n->s, s, len + 1);
	return n;
}

struct cname *cname_add(const struct cname *base, const char *elem, size_t elen)
{
	size_t blen = base ? base->len : 0;
	bool slash = blen && base->s[blen - 1] != '/';
	struct cname *n = cname_alloc(blen + slash + elen);

	if (blen)
		memcpy(n->s, base->s, blen);
	if (slash)
		n->s[blen] = '/';
	memcpy(n->s + blen + slash, elem, elen);
	n->s[n->len] = '\0';
	return n;
}

static void cname_release(struct kref *r)
{
	kfree(container_of(r, struct cname, ref));
}

void cnameclose(struct cname *n)
{
	if (n)
		kref_put(&n->ref, cname_release);
}

/* ----------------------------------------------------------------- chans */

struct chan *newchan(void)
{
	struct chan *c = kzmalloc(sizeof(*c), MEM_WAIT);

	if (!c)
		error(ENOMEM, "no memory for a chan");
	kref_init(&c->ref);
	spinlock_init(&c->lock, "chan");
	c->type = -1;
	atomic_inc(&chans_live);
	return c;
}

void chan_incref(struct chan *c)
{
	kref_get(&c->ref);
}

static void chan_dev_close(struct chan *c)
{
	ERRSTACK(1);

	if (c->type < 0 || !devtab_of(c)->close)
		return;
	if (waserror()) {
		printk("close of '%s' on #%s failed: %s\n", c->name ? c->name->s : "?",
		       devtab_of(c)->name, get_errstr());
		return;
	}
	devtab_of(c)->close(c);
	poperror();
}

static void chan_release(struct kref *r)
{
	struct chan *c = container_of(r, struct chan, ref);

	c->flag |= CFREE;
	chan_dev_close(c);
	cnameclose(c->name);
	if (c->mh)
		mhead_put(c->mh);
	if (c->umh)
		mhead_put(c->umh);
	if (c->umc)
		cclose(c->umc);
	if (c->mchan)
		cclose(c->mchan);
	kfree(c);
	atomic_dec(&chans_live);
}

void cclose(struct chan *c)
{
	if (c)
		kref_put(&c->ref, chan_release);
}

struct chan *cclone(struct chan *c)
{
	struct walkqid *wq = devtab_of(c)->walk(c, NULL, NULL, 0);
	struct chan *nc;

	if (!wq || !wq->clone) {
		kfree(wq);
		error(EIO, "#%s: clone of '%s' failed", devtab_of(c)->name,
		      c->name ? c->name->s : "?");
	}
	nc = wq->clone;
	kfree(wq);
	if (nc->name != c->name) {
		cnameclose(nc->name);
		nc->name = c->name;
		if (nc->name)
			kref_get(&nc->name->ref);
	}
	if (c->mh) {
		kref_get(&c->mh->ref);
		nc->mh = c->mh;
	}
	return nc;
}

/* ------------------------------------------------------------ open modes */

int omode_to_9p(int omode)
{
	int acc = omode & O_ACCMODE;
	int m;

	if ((acc & O_WRITE) && (acc & (O_READ | O_EXEC)))
		m = 2;          /* ORDWR */
	else if (acc & O_WRITE)
		m = 1;          /* OWRITE */
	else if (acc == O_EXEC)
		m = 3;          /* OEXEC */
	else
		m = 0;          /* OREAD */
	if (omode & O_TRUNC)
		m |= 0x10;      /* OTRUNC */
	if (omode & O_REMCLO)
		m |= 0x40;      /* ORCLOSE */
	return m;
}

int omode_to_rwx(int omode)
{
	int need = 0;

	if (omode & O_READ)
		need |= DMREAD;
	if (omode & O_WRITE)
		need |= DMWRITE;
	if (omode & O_EXEC)
		need |= DMEXEC;
	return need;
}

/* ------------------------------------------------------ I/O through chans */

void chan_path(struct chan *c, char *buf, size_t len)
{
	const char *s = c->name ? c->name->s : "";

	if (strlen(s) + 1 > len)
		error(ENAMETOOLONG, "path '%s' does not fit in %zu bytes", s, len);
	strlcpy(buf, s, len);
}

static void chan_dir_rewind(struct chan *c)
{
	c->dri = 0;
	c->uri = 0;
	if (c->umc) {
		cclose(c->umc);
		c->umc = NULL;
	}
}

size_t chan_read(struct chan *c, void *buf, size_t n, int64_t off)
{
	if (!(c->flag & COPEN))
		error(EBADF, "read of '%s': not open", c->name ? c->name->s : "?");
	if (!(c->mode & (O_READ | O_EXEC)))
		error(EBADF, "read of '%s': not open for reading", c->name->s);
	if (off < 0)
		error(EINVAL, "read of '%s' at negative offset", c->name->s);
	if (!(c->qid.type & QTDIR))
		return devtab_of(c)->read(c, buf, n, off);
	if (off == 0)
		chan_dir_rewind(c);
	if (c->umh)
		return union_read(c, buf, n);
	return devtab_of(c)->read(c, buf, n, off);
}

size_t chan_write(struct chan *c, const void *buf, size_t n, int64_t off)
{
	if (!(c->flag & COPEN))
		error(EBADF, "write to '%s': not open", c->name ? c->name->s : "?");
	if (!(c->mode & O_WRITE))
		error(EBADF, "write to '%s': not open for writing", c->name->s);
	if (c->qid.type & QTDIR)
		error(EISDIR, "write to '%s': is a directory", c->name->s);
	if (off < 0)
		error(EINVAL, "write to '%s' at negative offset", c->name->s);
	return devtab_of(c)->write(c, buf, n, off);
}

#define CHAN_STAT_BUF (MAX_PATH_LEN + 3 * 64 + MAX_NAME_LEN + 128)

struct dir *chan_dirstat(struct chan *c)
{
	ERRSTACK(1);
	uint8_t *volatile buf = kmalloc(CHAN_STAT_BUF, MEM_WAIT);
	struct dir *d;
	size_t n;

	if (!buf)
		error(ENOMEM, "stat: no memory");
	if (waserror()) {
		kfree(buf);
		nexterror();
	}
	n = devtab_of(c)->stat(c, buf, CHAN_STAT_BUF);
	d = kmalloc(sizeof(*d) + n, MEM_WAIT);
	if (!d)
		error(ENOMEM, "stat: no memory");
	if (convM2D(buf, n, d, (char *)(d + 1)) != n) {
		kfree(d);
		error(EIO, "stat of '%s': #%s returned a malformed entry",
		      c->name ? c->name->s : "?", devtab_of(c)->name);
	}
	poperror();
	kfree(buf);
	return d;
}
