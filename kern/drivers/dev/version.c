/* SPDX-License-Identifier: MIT */
/*
 * version.c - #version (#v): what kernel this is.
 *
 *	#version/
 *	    version   r   "Vireo <release>\n"
 *	    date      r   build date and time, "Mmm dd yyyy hh:mm:ss\n"
 *	    commit    r   the git commit built, or "unknown\n"
 *	    build_id  r   16 hex digits: FNV-1a of the four texts here
 *	    kconfig   r   the configuration, one "CONFIG_X=value" per line
 *
 * No ctl, nothing writable, no state: every file is a constant string
 * served with readstr().  The commit and the configuration text come from
 * <generated/vireo_build.h> (VIREO_COMMIT, VIREO_KCONFIG_TEXT), which
 * scripts/mkbuildinfo.sh writes at every build (the commit is "unknown"
 * outside a git checkout).  build_id is computed once, at reset.
 */
#include <err.h>
#include <errno.h>
#include <kstring.h>
#include <ns.h>
#include <printk.h>
#include <version.h>

#include <generated/vireo_build.h>

#define VIREO_RELEASE "0.1"

enum { Qtop, Qversion, Qdate, Qcommit, Qbuild_id, Qkconfig };

static const struct dirtab version_tab[] = {
	{ ".", { Qtop, 0, QTDIR }, 0, DMDIR | 0555 },
	{ "version", { Qversion, 0, QTFILE }, 0, 0444 },
	{ "date", { Qdate, 0, QTFILE }, 0, 0444 },
	{ "commit", { Qcommit, 0, QTFILE }, 0, 0444 },
	{ "build_id", { Qbuild_id, 0, QTFILE }, 17, 0444 },
	{ "kconfig", { Qkconfig, 0, QTFILE }, 0, 0444 },
};

static const char version_text[] = "Vireo " VIREO_RELEASE "\n";
static const char version_date[] = __DATE__ " " __TIME__ "\n";
static const char version_commit[] = VIREO_COMMIT "\n";
static const char version_kconfig[] = VIREO_KCONFIG_TEXT;
static char version_build_id[20];       /* [I] after reset */

const char *version_banner(void)
{
	return version_text;
}

static uint64_t version_fnv1a(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (uint8_t)*s;
		h *= 0x100000001b3ull;
	}
	return h;
}

static void version_reset(void)
{
	uint64_t h = 0xcbf29ce484222325ull;

	h = version_fnv1a(h, version_text);
	h = version_fnv1a(h, version_date);
	h = version_fnv1a(h, version_commit);
	h = version_fnv1a(h, version_kconfig);
	snprintf(version_build_id, sizeof(version_build_id), "%016llx\n",
	         (unsigned long long)h);
}

static const char *version_text_of(uint64_t path)
{
	switch (path) {
	case Qversion:
		return version_text;
	case Qdate:
		return version_date;
	case Qcommit:
		return version_commit;
	case Qbuild_id:
		return version_build_id;
	case Qkconfig:
		return version_kconfig;
	}
	return NULL;
}

/* Lengths in stat come from the texts, not the table. */
static int version_gen(struct chan *c, const char *name, const struct dirtab *tab,
                       int ntab, int i, struct dir *dp)
{
	int r = devgen(c, name, tab, ntab, i, dp);
	const char *s;

	if (r == DEVGEN_ENTRY && (s = version_text_of(dp->qid.path)))
		dp->length = (int64_t)strlen(s);
	return r;
}

static struct chan *version_attach(const char *spec)
{
	return devattach("version", spec);
}

static struct walkqid *version_walk(struct chan *c, struct chan *nc,
                                    const char **names, unsigned int nname)
{
	return devwalk(c, nc, names, nname, version_tab, ARRAY_SIZE(version_tab),
	               version_gen);
}

static size_t version_stat(struct chan *c, uint8_t *db, size_t n)
{
	return devstat(c, db, n, version_tab, ARRAY_SIZE(version_tab), version_gen);
}

static struct chan *version_open(struct chan *c, int omode)
{
	return devopen(c, omode, version_tab, ARRAY_SIZE(version_tab), version_gen);
}

static void version_close(struct chan *c)
{
}

static size_t version_read(struct chan *c, void *buf, size_t n, int64_t off)
{
	const char *s;

	if (c->qid.path == Qtop)
		return devdirread(c, buf, n, version_tab, ARRAY_SIZE(version_tab),
		                  version_gen);
	s = version_text_of(c->qid.path);
	if (!s)
		error(EINVAL, "#version: read of unknown file %llu",
		      (unsigned long long)c->qid.path);
	return readstr(off, buf, n, s);
}

static size_t version_write(struct chan *c, const void *buf, size_t n, int64_t off)
{
	error(EPERM, "#version: '%s' is read-only", c->name ? c->name->s : "?");
}

struct dev version_devtab __devtab = {
	.name = "version",
	.letter = 'v',
	.reset = version_reset,
	.init = devinit,
	.shutdown = devshutdown,
	.attach = version_attach,
	.walk = version_walk,
	.stat = version_stat,
	.open = version_open,
	.create = devcreate,
	.close = version_close,
	.read = version_read,
	.bread = devbread,
	.write = version_write,
	.bwrite = devbwrite,
	.remove = devremove,
	.rename = devrename,
	.wstat = devwstat,
};
