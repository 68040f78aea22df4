/* SPDX-License-Identifier: MIT */
/*
 * template.c - #template: a small, complete device to copy when writing a
 * new one, and the device the name-space ktests (kt_ns.c) walk and read.
 *
 *	#template/
 *	    ctl     rw   "reset" empties data; "fill C N" sets data to N bytes C
 *	    data    rw   up to TEMPLATE_DATA_MAX bytes, written at any offset
 *	    hello   r    the string "hello, world\n"
 *	    link    symlink to "hello" (stat's ext field carries the target)
 *
 * What to copy: a dirtab with "." first (dev.c's convention), a gen
 * function (only needed because of the symlink; devgen does the rest), the
 * default dev* operations for everything generic, a ctl parser that names
 * what was wrong, and a struct dev with designated initialisers.  State is
 * one buffer shared by every attach, guarded by a spinlock held only to
 * copy bytes (error() is never called with it held).  Close has nothing to
 * undo.  The device is compiled in and registered because the tests use it;
 * it holds no resources until written to.
 */
#include <err.h>
#include <errno.h>
#include <kstring.h>
#include <ns.h>
#include <printk.h>
#include <spinlock.h>

#define TEMPLATE_DATA_MAX 256

enum { Qtop, Qctl, Qdata, Qhello, Qlink };

static const struct dirtab template_tab[] = {
	{ ".", { Qtop, 0, QTDIR }, 0, DMDIR | 0555 },
	{ "ctl", { Qctl, 0, QTFILE }, 0, 0666 },
	{ "data", { Qdata, 0, QTFILE }, 0, 0666 },
	{ "hello", { Qhello, 0, QTFILE }, 13, 0444 },
	{ "link", { Qlink, 0, QTSYMLINK }, 5, DMSYMLINK | 0777 },
};

static struct {
	spinlock_t lock;
	size_t len;                             /* [lock] */
	uint8_t buf[TEMPLATE_DATA_MAX];         /* [lock] */
} template_data = { .lock = SPINLOCK_INITIALIZER("template data") };

static int template_gen(struct chan *c, const char *name, const struct dirtab *tab,
                        int ntab, int i, struct dir *dp)
{
	int r = devgen(c, name, tab, ntab, i, dp);

	if (r == DEVGEN_ENTRY && dp->qid.path == Qlink)
		dp->ext = "hello";
	if (r == DEVGEN_ENTRY && dp->qid.path == Qdata)
		dp->length = (int64_t)READ_ONCE(template_data.len);
	return r;
}

static struct chan *template_attach(const char *spec)
{
	return devattach("template", spec);
}

static struct walkqid *template_walk(struct chan *c, struct chan *nc,
                                     const char **names, unsigned int nname)
{
	return devwalk(c, nc, names, nname, template_tab, ARRAY_SIZE(template_tab),
	               template_gen);
}

static size_t template_stat(struct chan *c, uint8_t *db, size_t n)
{
	return devstat(c, db, n, template_tab, ARRAY_SIZE(template_tab), template_gen);
}

static struct chan *template_open(struct chan *c, int omode)
{
	return devopen(c, omode, template_tab, ARRAY_SIZE(template_tab), template_gen);
}

static void template_close(struct chan *c)
{
}

static size_t template_data_read(void *buf, size_t n, int64_t off)
{
	uint8_t copy[TEMPLATE_DATA_MAX];
	size_t len;
	uint64_t flags = spin_lock_irqsave(&template_data.lock);

	len = template_data.len;
	memcpy(copy, template_data.buf, len);
	spin_unlock_irqrestore(&template_data.lock, flags);
	return readmem(off, buf, n, copy, len);
}

static size_t template_read(struct chan *c, void *buf, size_t n, int64_t off)
{
	char line[32];

	switch (c->qid.path) {
	case Qtop:
		return devdirread(c, buf, n, template_tab, ARRAY_SIZE(template_tab),
		                  template_gen);
	case Qhello:
		return readstr(off, buf, n, "hello, world\n");
	case Qdata:
		return template_data_read(buf, n, off);
	case Qctl:
		snprintf(line, sizeof(line), "len %zu\n", READ_ONCE(template_data.len));
		return readstr(off, buf, n, line);
	}
	error(EINVAL, "#template: read of unknown file %llu",
	      (unsigned long long)c->qid.path);
}

static size_t template_data_write(const void *buf, size_t n, int64_t off)
{
	uint64_t flags;

	if (off < 0 || (uint64_t)off > TEMPLATE_DATA_MAX ||
	    n > TEMPLATE_DATA_MAX - (size_t)off)
		error(ENOSPC, "#template/data: write of %zu bytes at %lld past %d bytes",
		      n, (long long)off, TEMPLATE_DATA_MAX);
	flags = spin_lock_irqsave(&template_data.lock);
	if ((size_t)off > template_data.len)
		memset(template_data.buf + template_data.len, 0,
		       (size_t)off - template_data.len);
	memcpy(template_data.buf + off, buf, n);
	if ((size_t)off + n > template_data.len)
		template_data.len = (size_t)off + n;
	spin_unlock_irqrestore(&template_data.lock, flags);
	return n;
}

/* "fill C N": N (decimal, at most the buffer) copies of the byte C. */
static void template_ctl_fill(const char *arg)
{
	size_t count = 0;
	uint64_t flags;
	char ch = arg[0];

	if (!ch || arg[1] != ' ' || !arg[2])
		error(EINVAL, "#template/ctl: usage: fill C N");
	for (const char *p = arg + 2; *p; p++) {
		if (*p < '0' || *p > '9' || count > TEMPLATE_DATA_MAX)
			error(EINVAL, "#template/ctl: fill: bad count '%s'", arg + 2);
		count = count * 10 + (size_t)(*p - '0');
	}
	if (count > TEMPLATE_DATA_MAX)
		error(EINVAL, "#template/ctl: fill: %zu is more than %d", count,
		      TEMPLATE_DATA_MAX);
	flags = spin_lock_irqsave(&template_data.lock);
	memset(template_data.buf, ch, count);
	template_data.len = count;
	spin_unlock_irqrestore(&template_data.lock, flags);
}

static size_t template_ctl_write(const void *buf, size_t n)
{
	char msg[64];

	if (n >= sizeof(msg))
		error(EINVAL, "#template/ctl: message of %zu bytes is too long", n);
	memcpy(msg, buf, n);
	msg[n] = '\0';
	if (n && msg[n - 1] == '\n')
		msg[n - 1] = '\0';
	if (!strcmp(msg, "reset"))
		template_ctl_fill("x 0");
	else if (!strncmp(msg, "fill ", 5))
		template_ctl_fill(msg + 5);
	else
		error(EINVAL, "#template/ctl: unknown message '%s'", msg);
	return n;
}

static size_t template_write(struct chan *c, const void *buf, size_t n, int64_t off)
{
	switch (c->qid.path) {
	case Qdata:
		return template_data_write(buf, n, off);
	case Qctl:
		return template_ctl_write(buf, n);
	}
	error(EPERM, "#template: '%s' is not writable", c->name ? c->name->s : "?");
}

struct dev template_devtab __devtab = {
	.name = "template",
	.reset = devreset,
	.init = devinit,
	.shutdown = devshutdown,
	.attach = template_attach,
	.walk = template_walk,
	.stat = template_stat,
	.open = template_open,
	.create = devcreate,
	.close = template_close,
	.read = template_read,
	.bread = devbread,
	.write = template_write,
	.bwrite = devbwrite,
	.remove = devremove,
	.rename = devrename,
	.wstat = devwstat,
};
