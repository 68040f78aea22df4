/* SPDX-License-Identifier: MIT */
/*
 * root.c - #root: the fixed skeleton of "/", a directory of empty
 * directories that exist to be mounted upon.
 *
 *	#root/
 *	    bin/ dev/ env/ etc/ lib/ mnt/ net/ proc/ srv/ tmp/
 *	    dev/mqueue/ dev/shm/
 *
 * ns_init() binds #root on "/" and then mounts the other devices on these
 * directories (#cons on /dev, #srv on /srv, ...) and the root file system
 * (#kfs) before #root in the union of "/", so /bin, /lib and /etc come from
 * the file system when it has them.  dev/ holds the two mount points that
 * must sit below /dev (#mqueue on /dev/mqueue, a #tmpfs on /dev/shm, where
 * the C library looks for message queues, shared memory and named
 * semaphores).  Every directory here is read-only (create, remove and
 * wstat fail with EPERM) and empty but for dev/'s two, so a walk below any
 * other fails.  No ctl files, no
 * state, no locks: the table is constant.  Documentation/dev/root.md.
 */
#include <err.h>
#include <errno.h>
#include <ns.h>

enum {
	Qroot, Qbin, Qdev, Qenv, Qetc, Qlib, Qmnt, Qnet, Qproc, Qsrv, Qtmp,
	Qdevmqueue, Qdevshm,
};

#define ROOT_DIR(n, q) { n, { q, 0, QTDIR }, 0, DMDIR | 0555 }

static const struct dirtab root_tab[] = {
	ROOT_DIR(".", Qroot),
	ROOT_DIR("bin", Qbin),   ROOT_DIR("dev", Qdev),   ROOT_DIR("env", Qenv),
	ROOT_DIR("etc", Qetc),   ROOT_DIR("lib", Qlib),   ROOT_DIR("mnt", Qmnt),
	ROOT_DIR("net", Qnet),   ROOT_DIR("proc", Qproc), ROOT_DIR("srv", Qsrv),
	ROOT_DIR("tmp", Qtmp),
};

static const struct dirtab root_dev_tab[] = {
	ROOT_DIR(".", Qdev),
	ROOT_DIR("mqueue", Qdevmqueue), ROOT_DIR("shm", Qdevshm),
};

/* The top directory and dev/ have entries; the other mount points are empty. */
static int root_gen(struct chan *c, const char *name, const struct dirtab *tab,
                    int ntab, int i, struct dir *dp)
{
	if (c->qid.path == Qroot)
		return devgen(c, name, root_tab, ARRAY_SIZE(root_tab), i, dp);
	if (c->qid.path == Qdev)
		return devgen(c, name, root_dev_tab, ARRAY_SIZE(root_dev_tab), i, dp);
	return DEVGEN_END;
}

/* Stat and open look an entry up among every directory's entries. */
static int root_gen_any(struct chan *c, const char *name, const struct dirtab *tab,
                        int ntab, int i, struct dir *dp)
{
	int ntop = (int)ARRAY_SIZE(root_tab) - 1;

	if (i < ntop)
		return devgen(c, name, root_tab, ARRAY_SIZE(root_tab), i, dp);
	return devgen(c, name, root_dev_tab, ARRAY_SIZE(root_dev_tab), i - ntop, dp);
}

static struct chan *root_attach(const char *spec)
{
	return devattach("root", spec);
}

static struct walkqid *root_walk(struct chan *c, struct chan *nc, const char **names,
                                 unsigned int nname)
{
	return devwalk(c, nc, names, nname, root_tab, ARRAY_SIZE(root_tab), root_gen);
}

static size_t root_stat(struct chan *c, uint8_t *db, size_t n)
{
	return devstat(c, db, n, root_tab, ARRAY_SIZE(root_tab), root_gen_any);
}

static struct chan *root_open(struct chan *c, int omode)
{
	return devopen(c, omode, root_tab, ARRAY_SIZE(root_tab), root_gen_any);
}

static void root_close(struct chan *c)
{
}

static size_t root_read(struct chan *c, void *buf, size_t n, int64_t off)
{
	return devdirread(c, buf, n, root_tab, ARRAY_SIZE(root_tab), root_gen);
}

static size_t root_write(struct chan *c, const void *buf, size_t n, int64_t off)
{
	error(EPERM, "#root: '%s' is a directory", c->name ? c->name->s : "?");
}

struct dev root_devtab __devtab = {
	.name = "root",
	.reset = devreset,
	.init = devinit,
	.shutdown = devshutdown,
	.attach = root_attach,
	.walk = root_walk,
	.stat = root_stat,
	.open = root_open,
	.create = devcreate,
	.close = root_close,
	.read = root_read,
	.bread = devbread,
	.write = root_write,
	.bwrite = devbwrite,
	.remove = devremove,
	.rename = devrename,
	.wstat = devwstat,
};
