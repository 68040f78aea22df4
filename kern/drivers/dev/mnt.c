/* SPDX-License-Identifier: MIT */
/*
 * mnt.c - #mnt (#M): the 9P2000 client, the chans of a mounted 9P server.
 * Design: Documentation/dev/mnt.md; the multiplexer is mnt_rpc.c.
 *
 * A mount (struct mnt) is made by mnt_attach() (mnt.h), which the mount
 * syscall calls with the server's chan; #mnt cannot be attached by name.
 * Every chan of the device names one fid of its server: c->aux is the
 * struct mnt (one reference per chan), c->devpriv holds the fid in its low
 * 32 bits (NOFID: none, e.g. after a remove) and the iounit of an open fid
 * in its high 32 bits, c->dev is the mount's id.  Each device operation is
 * one or more 9P requests:
 *
 *	walk   Twalk from the chan's fid to a new fid (16 names a message)
 *	open   Topen; create Tcreate (the cloned directory fid becomes the file)
 *	read   Tread in pieces of the iounit; a directory read returns whole
 *	       stat entries, each checked (statcheck) before it is passed on
 *	write  Twrite in pieces of the iounit
 *	stat   Tstat (type and dev patched to ours); wstat Twstat
 *	remove Tremove (the fid is gone whatever the answer)
 *	rename Twstat of the name, within one directory (9P2000's rule)
 *	close  Tclunk, whose failure only loses the fid
 *
 * 9P2000.u (mnt_rpc.c picks the dialect): stat entries are converted both
 * ways between .u's and Vireo's (a symlink's target is .u's extension),
 * directory reads entry by entry; a symlink is created with DMSYMLINK and
 * its target as the extension; the attach names numeric user 0.
 *
 * Replies are not trusted: qids must carry only known QT bits, a walk or
 * read or write may not return more than asked, a directory read only whole
 * well-formed entries; anything else is EIO and names the mount.
 */
#include <err.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <mnt.h>
#include <printk.h>

#include "mnt_internal.h"

#define QTAUTH  0x08    /* 9P's authentication file: never accepted here */
#define QTLINK  0x01    /* 9P2000.u: a hard link */
#define QTKNOWN (QTDIR | QTAPPEND | QTEXCL | QTMOUNT | QTAUTH | QTTMP | QTSYMLINK | QTLINK)
/* The mode bits a stat passes on (.u adds device, socket, setuid ... bits). */
#define DMKNOWN (DMDIR | DMAPPEND | DMEXCL | DMTMP | DMSYMLINK | 0777)

static struct mnt *mnt_of(struct chan *c)
{
	return c->aux;
}

static uint32_t mnt_chan_fid(const struct chan *c)
{
	return (uint32_t)c->devpriv;
}

static void mnt_set_fid(struct chan *c, uint32_t fid, uint32_t iounit)
{
	c->devpriv = (uint64_t)iounit << 32 | fid;
}

/* The largest read or write payload for c: its iounit, else the msize's. */
static uint32_t mnt_iounit(struct chan *c)
{
	uint32_t most = mnt_of(c)->msize - IOHDRSZ, iou = (uint32_t)(c->devpriv >> 32);

	return iou && iou < most ? iou : most;
}

static const char *mnt_path(const struct chan *c)
{
	return c->name ? c->name->s : "#mnt";
}

/* A server's qid: only known type bits, no auth file. */
static struct qid mnt_check_qid(struct chan *c, struct qid q, const char *what)
{
	if ((q.type & ~QTKNOWN) || (q.type & QTAUTH))
		error(EIO, "mount %u: %s of '%s' has a bad qid type %#x", mnt_of(c)->id, what,
		      mnt_path(c), q.type);
	return q;
}

/* One request on c's mount: the reply, which the caller frees. */
static struct mntrpc *mnt_call(struct chan *c, struct fcall *tx)
{
	if (mnt_chan_fid(c) == NOFID && tx->type != Tattach)
		error(EBADF, "'%s': its 9P fid is gone", mnt_path(c));
	return mnt_rpc(mnt_of(c), tx);
}

/* A request whose reply carries nothing the caller needs. */
static void mnt_call0(struct chan *c, struct fcall *tx)
{
	mnt_rpc_free(mnt_of(c), mnt_call(c, tx));
}

/* ---------------------------------------------------------- attach/walk */

static struct chan *mnt_attach_by_name(const char *spec)
{
	error(EPERM, "#mnt cannot be attached by name: mount a 9P server's file instead");
}

/* A chan of m with no fid yet (one more reference to m). */
static struct chan *mnt_newchan(struct mnt *m)
{
	struct chan *c = newchan();

	c->type = devno("mnt");
	c->dev = m->id;
	kref_get(&m->ref);
	c->aux = m;
	mnt_set_fid(c, NOFID, 0);
	return c;
}

static void mnt_check_server(struct chan *server)
{
	if (!(server->flag & COPEN) || (server->mode & O_RDWR) != O_RDWR)
		error(EBADF, "mount: '%s' is not open for reading and writing",
		      server->name ? server->name->s : "?");
	if (server->qid.type & QTDIR)
		error(EISDIR, "mount: '%s' is a directory, not a 9P server",
		      server->name ? server->name->s : "?");
}

struct chan *mnt_attach(struct chan *server, const char *aname)
{
	ERRSTACK(1);
	struct mnt *m;
	struct chan *volatile c = NULL;
	struct mntrpc *volatile r = NULL;
	struct fcall tx = { .type = Tattach, .afid = NOFID, .uname = "none", .aname = aname,
	                    .n_uname = 0 };
	char name[32];

	mnt_check_server(server);
	m = mnt_new(server);
	if (waserror()) {
		mnt_rpc_free(m, r);
		cclose(c);
		mnt_put(m);
		nexterror();
	}
	mnt_version(m);
	c = mnt_newchan(m);
	tx.fid = mnt_fid(m);
	r = mnt_call(c, &tx);
	mnt_set_fid(c, tx.fid, 0);
	c->qid = mnt_check_qid(c, r->rx.qid, "Rattach");
	if (!(c->qid.type & QTDIR))
		error(EIO, "mount %u: the server's root is not a directory", m->id);
	c->mqid = c->qid;
	snprintf(name, sizeof(name), "#mnt.%u", m->id);
	c->name = newcname(name);
	poperror();
	mnt_rpc_free(m, r);
	mnt_put(m);
	return c;
}

/* Walks names[0..k) from fid to newfid: the qids walked (at most k). */
static unsigned int mnt_walk_some(struct chan *c, uint32_t fid, uint32_t newfid,
                                  const char **names, unsigned int k, struct qid *out)
{
	struct fcall tx = { .type = Twalk, .fid = fid, .newfid = newfid, .nwname = (uint16_t)k };
	struct mntrpc *r;
	unsigned int n;

	memcpy(tx.wname, names, k * sizeof(*names));
	r = mnt_call(c, &tx);
	n = r->rx.nwqid;
	for (unsigned int i = 0; i < n && i < k; i++)
		out[i] = r->rx.wqid[i];
	mnt_rpc_free(mnt_of(c), r);
	if (n > k || (k && !n))
		error(EIO, "mount %u: Rwalk of %u qids for %u names", mnt_of(c)->id, n, k);
	for (unsigned int i = 0; i < n; i++)
		mnt_check_qid(c, out[i], "Rwalk");
	return n;
}

/* Walks the rest of names after the first piece, from nc's own fid: a
 * failure here only shortens the walk. */
static void mnt_walk_rest(struct chan *nc, const char **names, unsigned int nname,
                          struct walkqid *wq)
{
	ERRSTACK(1);

	if (waserror())
		return;
	while (wq->nqid < nname) {
		unsigned int k = nname - wq->nqid > MAXWELEM ? MAXWELEM : nname - wq->nqid;
		unsigned int got = mnt_walk_some(nc, mnt_chan_fid(nc), mnt_chan_fid(nc),
		                                 names + wq->nqid, k, wq->qid + wq->nqid);

		wq->nqid += got;
		if (got < k)
			break;
	}
	poperror();
}

static struct walkqid *mnt_walk(struct chan *c, struct chan *given, const char **names,
                                unsigned int nname)
{
	ERRSTACK(1);
	struct chan *volatile nc;
	struct walkqid *volatile wq = kzmalloc(sizeof(*wq) + nname * sizeof(struct qid), MEM_WAIT);
	unsigned int k = nname > MAXWELEM ? MAXWELEM : nname;
	uint32_t newfid;

	if (!wq)
		error(ENOMEM, "walk: no memory for %u qids", nname);
	if (given) {
		kfree(wq);
		error(EINVAL, "#mnt: walk into a given chan");
	}
	nc = mnt_newchan(mnt_of(c));
	nc->qid = c->qid;
	nc->mqid = c->mqid;
	if (c->name) {
		kref_get(&c->name->ref);
		nc->name = c->name;
	}
	if (waserror()) {
		kfree(wq);
		cclose(nc);
		nexterror();
	}
	newfid = mnt_fid(mnt_of(c));
	wq->nqid = mnt_walk_some(c, mnt_chan_fid(c), newfid, names, k, wq->qid);
	poperror();
	if (wq->nqid == k) {
		mnt_set_fid(nc, newfid, 0);
		mnt_walk_rest(nc, names, nname, wq);
	}
	if (wq->nqid < nname) {
		cclose(nc);
		return wq;
	}
	if (nname)
		nc->qid = wq->qid[nname - 1];
	wq->clone = nc;
	return wq;
}

/* -------------------------------------------------------------- open */

static struct chan *mnt_open(struct chan *c, int omode)
{
	struct fcall tx = { .type = Topen, .fid = mnt_chan_fid(c),
	                    .mode = (uint8_t)omode_to_9p(omode) };
	struct mntrpc *r;

	if ((c->qid.type & QTDIR) && (omode & O_WRITE))
		error(EISDIR, "open: '%s' is a directory", mnt_path(c));
	r = mnt_call(c, &tx);
	c->qid = r->rx.qid;
	mnt_set_fid(c, tx.fid, r->rx.iounit);
	mnt_rpc_free(mnt_of(c), r);
	mnt_check_qid(c, c->qid, "Ropen");
	c->mode = (uint32_t)(omode & O_ACCMODE);
	c->flag |= COPEN;
	c->offset = 0;
	return c;
}

static void mnt_create(struct chan *c, const char *name, int omode, uint32_t perm,
                       const char *ext)
{
	struct fcall tx = { .type = Tcreate, .fid = mnt_chan_fid(c), .name = name, .perm = perm,
	                    .mode = (uint8_t)((perm & DMDIR) ? 0 : omode_to_9p(omode)),
	                    .extension = "" };
	struct mntrpc *r;

	if (ext && ext[0]) {
		if (!mnt_of(c)->dotu)
			error(EPERM, "create: symlink '%s' on '%s': 9P2000 has no symlinks", name,
			      mnt_path(c));
		tx.perm = DMSYMLINK | 0777;
		tx.mode = 0;
		tx.extension = ext;
	}
	r = mnt_call(c, &tx);
	c->qid = r->rx.qid;
	mnt_set_fid(c, tx.fid, r->rx.iounit);
	mnt_rpc_free(mnt_of(c), r);
	mnt_check_qid(c, c->qid, "Rcreate");
}

/* Clunks c's fid.  A failure only loses the fid, and must not replace the
 * error a caller may be unwinding with (a chan is often closed on an
 * error path), so the kthread's error state is put back. */
static void mnt_close(struct chan *c)
{
	ERRSTACK(1);
	struct mnt *m = mnt_of(c);
	struct fcall tx = { .type = Tclunk, .fid = mnt_chan_fid(c) };
	char saved[ERRSTR_MAX];
	int saved_errno = get_errno();

	if (!m)
		return;
	strlcpy(saved, get_errstr(), sizeof(saved));
	if (tx.fid != NOFID && !READ_ONCE(m->dead)) {
		if (waserror())
			set_error(saved_errno, "%s", saved);
		else {
			mnt_call0(c, &tx);
			poperror();
		}
	}
	mnt_put(m);
}

/* ------------------------------------------------------------ .u stats */

/* Re-encodes the server's stat entry src (in its dialect) into dst as
 * Vireo's (ext only for a symlink, and only if keep_ext): the bytes
 * written, or 0 if it does not fit.  Raises EIO for a malformed entry. */
static size_t mnt_stat_in(struct chan *c, const uint8_t *src, size_t n, uint8_t *dst,
                          size_t room, bool keep_ext)
{
	ERRSTACK(1);
	char *volatile strs = kmalloc(n, MEM_WAIT);
	struct dir d;
	size_t len;

	if (!strs)
		error(ENOMEM, "mount %u: no memory for a stat", mnt_of(c)->id);
	if (waserror()) {
		kfree(strs);
		nexterror();
	}
	if (convM2Dx(src, n, &d, strs, mnt_of(c)->dotu) != n)
		error(EIO, "mount %u: a bad stat entry for '%s'", mnt_of(c)->id, mnt_path(c));
	d.mode &= DMKNOWN;
	if (!keep_ext || !(d.mode & DMSYMLINK))
		d.ext = "";
	len = convD2M(&d, dst, room);
	poperror();
	kfree(strs);
	return len;
}

/* A .u server's directory read: each entry of src[0..n) re-encoded into
 * buf (never longer); the bytes in buf. */
static size_t mnt_dirents_in(struct chan *c, const uint8_t *src, size_t n, uint8_t *buf)
{
	size_t off = 0, out = 0;

	while (off < n) {
		size_t len = n - off < BIT16SZ ? 0 : BIT16SZ + (src[off] | src[off + 1] << 8);

		if (!len || len > n - off)
			error(EIO, "mount %u: a directory read of '%s' returned a bad entry",
			      mnt_of(c)->id, mnt_path(c));
		out += mnt_stat_in(c, src + off, len, buf + out, len, false);
		off += len;
	}
	return out;
}

/* ------------------------------------------------------------ read/write */

/* Checks that buf[0..n) is whole stat entries, as a directory read gives. */
static void mnt_check_dirents(struct chan *c, const uint8_t *buf, size_t n)
{
	size_t off = 0;

	while (off < n) {
		size_t len = n - off < BIT16SZ ? 0 : BIT16SZ + (buf[off] | buf[off + 1] << 8);

		if (!len || len > n - off || statcheck(buf + off, len))
			error(EIO, "mount %u: a directory read of '%s' returned a bad entry",
			      mnt_of(c)->id, mnt_path(c));
		off += len;
	}
}

/* One Tread of at most the iounit: the bytes read. */
static size_t mnt_read_once(struct chan *c, uint8_t *buf, size_t n, int64_t off)
{
	struct fcall tx = { .type = Tread, .fid = mnt_chan_fid(c), .offset = (uint64_t)off };
	struct mntrpc *r;
	size_t got;

	tx.count = (uint32_t)(n < mnt_iounit(c) ? n : mnt_iounit(c));
	r = mnt_call(c, &tx);
	got = r->rx.count;
	if (got <= tx.count)
		memcpy(buf, r->rx.data, got);
	mnt_rpc_free(mnt_of(c), r);
	if (got > tx.count)
		error(EIO, "mount %u: Rread of %zu bytes for %u asked", mnt_of(c)->id, got, tx.count);
	return got;
}

/* A directory read from a .u server: one Tread into a bounce buffer, its
 * entries converted into buf. */
static size_t mnt_dirread_u(struct chan *c, void *buf, size_t n, int64_t off)
{
	ERRSTACK(1);
	uint8_t *volatile tmp = kmalloc(n ? n : 1, MEM_WAIT);
	size_t got;

	if (!tmp)
		error(ENOMEM, "mount %u: no memory for a directory read", mnt_of(c)->id);
	if (waserror()) {
		kfree(tmp);
		nexterror();
	}
	got = mnt_read_once(c, tmp, n, off);
	got = mnt_dirents_in(c, tmp, got, buf);
	poperror();
	kfree(tmp);
	return got;
}

static size_t mnt_read(struct chan *c, void *buf, size_t n, int64_t off)
{
	size_t done = 0, got;

	if (off < 0)
		error(EINVAL, "read: negative offset %lld", (long long)off);
	if ((c->qid.type & QTDIR) && mnt_of(c)->dotu)
		return mnt_dirread_u(c, buf, n, off);
	if (c->qid.type & QTDIR) {
		got = mnt_read_once(c, buf, n, off);
		mnt_check_dirents(c, buf, got);
		return got;
	}
	while (done < n) {
		size_t want = n - done < mnt_iounit(c) ? n - done : mnt_iounit(c);

		got = mnt_read_once(c, (uint8_t *)buf + done, want, off + (int64_t)done);
		done += got;
		if (got < want)
			break;
	}
	return done;
}

static size_t mnt_write(struct chan *c, const void *buf, size_t n, int64_t off)
{
	size_t done = 0;

	if (off < 0)
		error(EINVAL, "write: negative offset %lld", (long long)off);
	while (done < n) {
		struct fcall tx = { .type = Twrite, .fid = mnt_chan_fid(c),
		                    .offset = (uint64_t)off + done,
		                    .data = (const uint8_t *)buf + done };
		struct mntrpc *r;
		size_t got;

		tx.count = (uint32_t)(n - done < mnt_iounit(c) ? n - done : mnt_iounit(c));
		r = mnt_call(c, &tx);
		got = r->rx.count;
		mnt_rpc_free(mnt_of(c), r);
		if (got > tx.count)
			error(EIO, "mount %u: Rwrite of %zu bytes for %u sent", mnt_of(c)->id, got,
			      tx.count);
		done += got;
		if (got < tx.count)
			break;
	}
	return done;
}

/* ---------------------------------------------------------- stat/remove */

static size_t mnt_stat(struct chan *c, uint8_t *buf, size_t n)
{
	ERRSTACK(1);
	struct fcall tx = { .type = Tstat, .fid = mnt_chan_fid(c) };
	struct mntrpc *r = mnt_call(c, &tx);
	size_t len;

	if (waserror()) {
		mnt_rpc_free(mnt_of(c), r);
		nexterror();
	}
	len = mnt_stat_in(c, r->rx.stat, r->rx.nstat, buf, n, true);
	poperror();
	mnt_rpc_free(mnt_of(c), r);
	if (!len)
		error(EINVAL, "stat of '%s': the entry does not fit %zu bytes", mnt_path(c), n);
	/* type[2] at 2 and dev[4] at 4: ours, as every device's stat says */
	buf[2] = (uint8_t)c->type;
	buf[3] = (uint8_t)(c->type >> 8);
	for (int i = 0; i < 4; i++)
		buf[4 + i] = (uint8_t)(c->dev >> (8 * i));
	return len;
}

/* d as a stat entry in the server's dialect (kmalloc'd; *n its length). */
static uint8_t *mnt_stat_out(struct chan *c, const struct dir *d, size_t *n)
{
	bool dotu = mnt_of(c)->dotu;
	uint8_t *buf;

	*n = sizeD2Mx(d, dotu);
	buf = kmalloc(*n, MEM_WAIT);
	if (!buf || convD2Mx(d, buf, *n, dotu) != *n) {
		kfree(buf);
		error(ENAMETOOLONG, "wstat of '%s': the entry does not fit a stat", mnt_path(c));
	}
	return buf;
}

/* Sends stat (the server's dialect) as c's Twstat, and frees it. */
static void mnt_wstat_send(struct chan *c, uint8_t *stat, size_t n)
{
	ERRSTACK(1);
	struct fcall tx = { .type = Twstat, .fid = mnt_chan_fid(c), .nstat = (uint16_t)n,
	                    .stat = stat };

	if (waserror()) {
		kfree(stat);
		nexterror();
	}
	mnt_call0(c, &tx);
	poperror();
	kfree(stat);
}

static size_t mnt_wstat(struct chan *c, const uint8_t *buf, size_t n)
{
	ERRSTACK(1);
	char *volatile strs = kmalloc(n ? n : 1, MEM_WAIT);
	struct dir d;
	uint8_t *stat;
	size_t len;

	if (!strs)
		error(ENOMEM, "wstat of '%s': no memory", mnt_path(c));
	if (waserror()) {
		kfree(strs);
		nexterror();
	}
	if (n > 0xffff || convM2D(buf, n, &d, strs) != n)
		error(EINVAL, "wstat of '%s': not one stat entry", mnt_path(c));
	stat = mnt_stat_out(c, &d, &len);
	mnt_wstat_send(c, stat, len);
	poperror();
	kfree(strs);
	return n;
}

static void mnt_remove(struct chan *c)
{
	ERRSTACK(1);
	struct fcall tx = { .type = Tremove, .fid = mnt_chan_fid(c) };

	/* The server clunks the fid whatever it answers: never again. */
	if (waserror()) {
		mnt_set_fid(c, NOFID, 0);
		nexterror();
	}
	mnt_call0(c, &tx);
	poperror();
	mnt_set_fid(c, NOFID, 0);
}

/* Whether c is in directory dir: a walk from dir of c's last name reaches
 * c's file (9P walks only down from directories, so not ".." from c). */
static bool mnt_in_dir(struct chan *c, struct chan *dir)
{
	ERRSTACK(1);
	const char *s = mnt_path(c), *last = s;
	struct fcall tx = { .type = Tclunk, .fid = mnt_fid(mnt_of(c)) };
	struct qid q;

	for (const char *p = s; *p; p++)
		if (*p == '/' && p[1])
			last = p + 1;
	if (waserror())
		return false;
	mnt_walk_some(dir, mnt_chan_fid(dir), tx.fid, &last, 1, &q);
	poperror();
	if (!waserror()) {
		mnt_call0(c, &tx);
		poperror();
	}
	return q.path == c->qid.path;
}

static void mnt_rename(struct chan *c, struct chan *new_dir, const char *new_name)
{
	struct dir d = { .type = 0xffff, .dev = ~0U, .qid = mkqid(~0ULL, ~0U, 0xff),
	                 .mode = ~0U, .atime = ~0ULL, .mtime = ~0ULL, .length = -1,
	                 .name = new_name, .uid = "", .gid = "", .muid = "", .ext = "" };
	uint8_t *stat;
	size_t n;

	if (new_dir->aux != c->aux || !mnt_in_dir(c, new_dir))
		error(EXDEV, "rename of '%s': 9P2000 renames only within a directory",
		      mnt_path(c));
	stat = mnt_stat_out(c, &d, &n);         /* only the name changes */
	mnt_wstat_send(c, stat, n);
}

static char *mnt_chaninfo(struct chan *c, char *buf, size_t len)
{
	snprintf(buf, len, "mount %u fid %u iounit %u", mnt_of(c)->id, mnt_chan_fid(c),
	         mnt_iounit(c));
	return buf;
}

struct dev mnt_devtab __devtab = {
	.name = "mnt",
	.letter = 'M',
	.reset = devreset,
	.init = devinit,
	.shutdown = devshutdown,
	.attach = mnt_attach_by_name,
	.walk = mnt_walk,
	.stat = mnt_stat,
	.open = mnt_open,
	.create = mnt_create,
	.close = mnt_close,
	.read = mnt_read,
	.bread = devbread,
	.write = mnt_write,
	.bwrite = devbwrite,
	.remove = mnt_remove,
	.rename = mnt_rename,
	.wstat = mnt_wstat,
	.chaninfo = mnt_chaninfo,
};
