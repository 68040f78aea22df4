/* SPDX-License-Identifier: MIT */
/*
 * srv.c - #srv (#s): a global directory where chans are posted by name.
 *
 *	#srv/
 *	    NAME    one file per post
 *
 * Posting: create #srv/NAME (open for writing; perm as given, & 0666),
 * then write an FD number, as decimal text, of the current FD table: the
 * entry now holds a reference to that FD's chan.  Later opens of NAME
 * return the posted chan itself (one more reference), provided the open
 * mode asks for no access the posted chan lacks (else EACCES).  Opening an
 * entry that has nothing posted is ENOENT.  remove(NAME) unposts and drops
 * the reference.  Reading the creating chan gives the posted chan's path.
 * Errors: a second post to one entry is EBUSY, a bad number or a closed FD
 * EINVAL/EBADF, an existing NAME on create EEXIST, all naming what.
 *
 * Entries live on srv_list under srv_lock (a spinlock, never held across
 * error() or a cclose()); chans find theirs by qid.path (a unique id), so
 * an entry removed while chans of it remain is just not found any more.
 * Directory entries are generated under the lock with the name copied into
 * a per-core buffer (see srv_gen).
 *
 * Taps (fdtap.h) on the directory only, so a process can wait for a
 * service to appear: WRITTEN when a chan is posted, DELETED when an entry
 * is removed, READABLE (always true: fired at ADD); the other readiness
 * filters are accepted and never fire.  Entry files refuse
 * taps (EPERM): opening a posted entry returns the posted chan, whose own
 * device has the taps that matter.
 */
#include <core_id.h>
#include <err.h>
#include <errno.h>
#include <fdtap.h>
#include <fdtable.h>
#include <kmalloc.h>
#include <kstring.h>
#include <list.h>
#include <ns.h>
#include <printk.h>
#include <spinlock.h>
#include <sysfile.h>

#define SRV_NAME_MAX 64

struct srv_entry {
	struct list_head link;          /* [srv_lock] */
	uint64_t path;                  /* [I] qid.path, unique */
	uint32_t perm;                  /* [I] */
	char name[SRV_NAME_MAX];        /* [I] */
	struct chan *chan;              /* [srv_lock] posted chan (a reference) */
};

static struct list_head srv_list = LIST_HEAD_INIT(srv_list);
static spinlock_t srv_lock = SPINLOCK_INITIALIZER("srv");
static uint64_t srv_next_path = 1;      /* [srv_lock] 0 is the directory */
static struct fdtap_list srv_dir_taps = {
	.lock = SPINLOCK_INITIALIZER("srv taps"),
	.taps = LIST_HEAD_INIT(srv_dir_taps.taps),
};

/* gen results are used right after gen returns, without sleeping, and
 * kthreads are not preempted: one name buffer per core suffices. */
static char srv_genbuf[MAX_CORES][SRV_NAME_MAX];

static struct srv_entry *__srv_find_path(uint64_t path)
{
	struct srv_entry *e;

	list_for_each_entry(e, &srv_list, link)
		if (e->path == path)
			return e;
	return NULL;
}

static struct srv_entry *__srv_find_name(const char *name)
{
	struct srv_entry *e;

	list_for_each_entry(e, &srv_list, link)
		if (!strcmp(e->name, name))
			return e;
	return NULL;
}

static int srv_gen(struct chan *c, const char *name, const struct dirtab *tab, int ntab,
                   int i, struct dir *dp)
{
	char *buf = srv_genbuf[core_id()];
	struct srv_entry *e;
	uint64_t path = 0;
	uint32_t perm = 0;
	uint64_t flags = spin_lock_irqsave(&srv_lock);

	list_for_each_entry(e, &srv_list, link) {
		if (i-- == 0) {
			path = e->path;
			perm = e->perm;
			strlcpy(buf, e->name, SRV_NAME_MAX);
			break;
		}
	}
	spin_unlock_irqrestore(&srv_lock, flags);
	if (!path)
		return DEVGEN_END;
	mkdir_entry(dp, mkqid(path, 0, QTFILE), buf, 0, "eve", perm);
	return DEVGEN_ENTRY;
}

static struct chan *srv_attach(const char *spec)
{
	return devattach("srv", spec);
}

static struct walkqid *srv_walk(struct chan *c, struct chan *nc, const char **names,
                                unsigned int nname)
{
	return devwalk(c, nc, names, nname, NULL, 0, srv_gen);
}

static size_t srv_stat(struct chan *c, uint8_t *db, size_t n)
{
	return devstat(c, db, n, NULL, 0, srv_gen);
}

/* The posted chan of entry 'path' with a new reference, or NULL. */
static struct chan *srv_posted(uint64_t path)
{
	struct srv_entry *e;
	struct chan *pc = NULL;
	uint64_t flags = spin_lock_irqsave(&srv_lock);

	e = __srv_find_path(path);
	if (e && e->chan) {
		pc = e->chan;
		chan_incref(pc);
	}
	spin_unlock_irqrestore(&srv_lock, flags);
	return pc;
}

static struct chan *srv_open(struct chan *c, int omode)
{
	struct chan *pc;
	uint32_t want = (uint32_t)(omode & O_ACCMODE);

	if (c->qid.type & QTDIR)
		return devopen(c, omode, NULL, 0, srv_gen);
	pc = srv_posted(c->qid.path);
	if (!pc)
		error(ENOENT, "#srv: nothing is posted at '%s'", c->name ? c->name->s : "?");
	if ((want & pc->mode) != want) {
		cclose(pc);
		error(EACCES, "#srv: '%s' was posted with mode %o, cannot open with %o",
		      c->name ? c->name->s : "?", pc->mode, want);
	}
	cclose(c);
	return pc;
}

static void srv_check_name(const char *name)
{
	size_t len = strnlen(name, SRV_NAME_MAX);

	if (len == 0 || len >= SRV_NAME_MAX)
		error(EINVAL, "#srv: name must be 1..%d bytes", SRV_NAME_MAX - 1);
	if (!strcmp(name, ".") || !strcmp(name, "..") || strchr(name, '/'))
		error(EINVAL, "#srv: bad name '%s'", name);
}

static void srv_create(struct chan *c, const char *name, int omode, uint32_t perm,
                       const char *ext)
{
	struct srv_entry *e;
	uint64_t flags;
	bool dup;

	if (perm & DMDIR)
		error(EPERM, "#srv: cannot make directory '%s'", name);
	srv_check_name(name);
	e = kzmalloc(sizeof(*e), MEM_WAIT);
	if (!e)
		error(ENOMEM, "#srv: no memory for '%s'", name);
	strlcpy(e->name, name, sizeof(e->name));
	e->perm = perm & 0666;
	flags = spin_lock_irqsave(&srv_lock);
	dup = __srv_find_name(name) != NULL;
	if (!dup) {
		e->path = srv_next_path++;
		list_add_tail(&e->link, &srv_list);
	}
	spin_unlock_irqrestore(&srv_lock, flags);
	if (dup) {
		kfree(e);
		error(EEXIST, "#srv: '%s' already exists", name);
	}
	c->qid = mkqid(e->path, 0, QTFILE);
	c->mode = (uint32_t)(omode & O_ACCMODE);
	c->flag |= COPEN;
	c->offset = 0;
}

static void srv_remove(struct chan *c)
{
	struct srv_entry *e;
	uint64_t flags = spin_lock_irqsave(&srv_lock);

	e = __srv_find_path(c->qid.path);
	if (e)
		list_del(&e->link);
	spin_unlock_irqrestore(&srv_lock, flags);
	if (!e)
		error(ENOENT, "#srv: '%s' was already removed", c->name ? c->name->s : "?");
	if (e->chan)
		cclose(e->chan);
	kfree(e);
	fdtap_list_fire(&srv_dir_taps, FDTAP_FILT_DELETED);
	fdtap_flush();
}

static void srv_close(struct chan *c)
{
}

static size_t srv_read(struct chan *c, void *buf, size_t n, int64_t off)
{
	char path[128];
	struct chan *pc;

	if (c->qid.type & QTDIR)
		return devdirread(c, buf, n, NULL, 0, srv_gen);
	pc = srv_posted(c->qid.path);
	snprintf(path, sizeof(path), "%s\n", pc && pc->name ? pc->name->s : "");
	cclose(pc);
	return readstr(off, buf, n, path);
}

static int srv_parse_fd(const void *buf, size_t n)
{
	const char *s = buf;
	uint64_t fd;

	if (n && s[n - 1] == '\n')
		n--;
	if (n == 0)
		error(EINVAL, "#srv: write an FD number as decimal text");
	if (n > 32 || kstrtou64(s, n, 10, &fd) || fd > INT32_MAX)
		error(EINVAL, "#srv: '%.*s' is not an FD number", (int)(n > 32 ? 32 : n), s);
	return (int)fd;
}

static size_t srv_write(struct chan *c, const void *buf, size_t n, int64_t off)
{
	int fd = srv_parse_fd(buf, n);
	struct chan *pc = fd_get_chan(current_fdt(), fd);
	struct srv_entry *e;
	bool posted = false;
	uint64_t flags;

	if (!pc)
		error(EBADF, "#srv: FD %d is not open", fd);
	flags = spin_lock_irqsave(&srv_lock);
	e = __srv_find_path(c->qid.path);
	if (e && !e->chan) {
		e->chan = pc;
		posted = true;
	}
	spin_unlock_irqrestore(&srv_lock, flags);
	if (!posted) {
		cclose(pc);
		error(e ? EBUSY : ENOENT, "#srv: '%s' %s", c->name ? c->name->s : "?",
		      e ? "already has a chan posted" : "was removed");
	}
	fdtap_list_fire(&srv_dir_taps, FDTAP_FILT_WRITTEN);
	fdtap_flush();
	return n;
}

static void srv_tapfd(struct chan *c, struct fd_tap *tap, int cmd)
{
	bool dir = c->qid.type & QTDIR;

	if (fdtap_dev_tapfd_filters(dir ? &srv_dir_taps : NULL, tap, cmd, "#srv",
	                            "the directory", FDTAP_FILT_READINESS |
	                            FDTAP_FILT_WRITTEN | FDTAP_FILT_DELETED) &&
	    (tap->filter & FDTAP_FILT_READABLE))
		fdtap_fire(tap, FDTAP_FILT_READABLE);
}

struct dev srv_devtab __devtab = {
	.name = "srv",
	.letter = 's',
	.reset = devreset,
	.init = devinit,
	.shutdown = devshutdown,
	.attach = srv_attach,
	.walk = srv_walk,
	.stat = srv_stat,
	.open = srv_open,
	.create = srv_create,
	.close = srv_close,
	.read = srv_read,
	.bread = devbread,
	.write = srv_write,
	.bwrite = devbwrite,
	.remove = srv_remove,
	.tapfd = srv_tapfd,
	.rename = devrename,
	.wstat = devwstat,
};
