/* SPDX-License-Identifier: MIT */
/*
 * virtio9p.c - #virtio9p: the hypervisor's 9P file servers, one file per
 * virtio-9p device (kern/drivers/virtio/9p.c, virtio9p.h).
 *
 *	#virtio9p/
 *	    TAG     rw   a 9P conversation with the device whose mount tag is
 *	                 TAG: write one whole T-message per write, read the
 *	                 replies as a byte stream
 *
 * It is meant to be mounted, not read by hand:
 *	mount -c '#virtio9p/host' /mnt
 * opens TAG for reading and writing and gives the chan to #mnt.  One open
 * of a TAG at a time (EBUSY): QEMU keeps one 9P session per device, and a
 * second Tversion would end the first.  Closing the last chan of the open
 * ends the session (replies still coming are dropped).
 *
 * Qids: the directory is path 0, TAG i is path i + 1.  The device list is
 * fixed after boot (probe runs in #virtio9p's init), so the table needs no
 * lock.  Design: Documentation/drivers/virtio-9p.md.
 */
#include <err.h>
#include <errno.h>
#include <kstring.h>
#include <ns.h>
#include <virtio9p.h>

static int v9pdev_gen(struct chan *c, const char *name, const struct dirtab *tab,
                      int ntab, int i, struct dir *dp)
{
	struct v9p *d = v9p_get(i);

	(void)c;
	(void)name;
	(void)tab;
	(void)ntab;
	if (!d)
		return DEVGEN_END;
	mkdir_entry(dp, mkqid((uint64_t)i + 1, 0, QTFILE), v9p_tag(d), 0, "eve", 0666);
	return DEVGEN_ENTRY;
}

static void v9pdev_init(void)
{
	virtio_9p_init();
}

static struct chan *v9pdev_attach(const char *spec)
{
	if (spec && spec[0])
		error(EINVAL, "#virtio9p: unknown attach spec '%s' (want none)", spec);
	return devattach("virtio9p", spec);
}

static struct walkqid *v9pdev_walk(struct chan *c, struct chan *nc, const char **names,
                                   unsigned int nname)
{
	return devwalk(c, nc, names, nname, NULL, 0, v9pdev_gen);
}

static size_t v9pdev_stat(struct chan *c, uint8_t *db, size_t n)
{
	return devstat(c, db, n, NULL, 0, v9pdev_gen);
}

static struct v9p *v9pdev_of(struct chan *c)
{
	struct v9p *d = v9p_get((int)c->qid.path - 1);

	if (!d)
		error(ENOENT, "#virtio9p: no device %llu", (unsigned long long)c->qid.path);
	return d;
}

static struct chan *v9pdev_open(struct chan *c, int omode)
{
	c = devopen(c, omode, NULL, 0, v9pdev_gen);
	if (c->qid.path) {
		v9p_open(v9pdev_of(c));
		c->aux = v9pdev_of(c);
	}
	return c;
}

static void v9pdev_close(struct chan *c)
{
	if ((c->flag & COPEN) && c->aux)
		v9p_close(c->aux);
}

static size_t v9pdev_read(struct chan *c, void *buf, size_t n, int64_t off)
{
	if (!c->qid.path)
		return devdirread(c, buf, n, NULL, 0, v9pdev_gen);
	return v9p_read(c->aux, buf, n);
}

static size_t v9pdev_write(struct chan *c, const void *buf, size_t n, int64_t off)
{
	if (!c->qid.path)
		error(EISDIR, "#virtio9p: write to the directory");
	return v9p_write(c->aux, buf, n);
}

struct dev virtio9p_devtab __devtab = {
	.name = "virtio9p",
	.reset = devreset,
	.init = v9pdev_init,
	.shutdown = devshutdown,
	.attach = v9pdev_attach,
	.walk = v9pdev_walk,
	.stat = v9pdev_stat,
	.open = v9pdev_open,
	.create = devcreate,
	.close = v9pdev_close,
	.read = v9pdev_read,
	.bread = devbread,
	.write = v9pdev_write,
	.bwrite = devbwrite,
	.remove = devremove,
	.rename = devrename,
	.wstat = devwstat,
};
