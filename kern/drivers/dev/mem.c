/* SPDX-License-Identifier: MIT */
/*
 * mem.c - #mem: statistics of the kernel's memory allocators, as text.
 *
 *	#mem/
 *	    free     r   page and kmalloc totals, "name value" per line
 *	    arenas   r   one line per arena: name total allocated free allocs frees imports
 *	    slabs    r   one line per slab cache: name objsize inuse slabs allocs frees
 *	    ctl      w   "reclaim": run mem_reclaim() now (tests, operators)
 *
 * Only ctl is writable.  Each open of the others takes a snapshot (devsnap.c): the
 * text is built once, so reads at any offset of one open file agree with
 * each other.  The allocator lists are walked under their own spinlocks, so
 * the stats are first copied into a fixed array (at most MEM_MAX_ENTRIES,
 * the rest counted as "... N more") and only formatted after the lock is
 * dropped (slice growth may sleep).
 */
#include <arena.h>
#include <block.h>
#include <err.h>
#include <errno.h>
#include <kmalloc.h>
#include <kthread.h>
#include <kstring.h>
#include <leakcheck.h>
#include <mem_pressure.h>
#include <ns.h>
#include <page.h>
#include <slab.h>
#include <slice.h>

#define MEM_MAX_ENTRIES 128

enum { Qtop, Qfree, Qarenas, Qslabs, Qctl };

static const struct dirtab mem_tab[] = {
	{ ".", { Qtop, 0, QTDIR }, 0, DMDIR | 0555 },
	{ "free", { Qfree, 0, QTFILE }, 0, 0444 },
	{ "arenas", { Qarenas, 0, QTFILE }, 0, 0444 },
	{ "slabs", { Qslabs, 0, QTFILE }, 0, 0444 },
	{ "ctl", { Qctl, 0, QTFILE }, 0, 0200 },
};

struct mem_entry {
	char name[32];
	union {
		struct arena_stats as;
		struct kmem_cache_stats cs;
	};
};

struct mem_collect {
	struct mem_entry *e;    /* MEM_MAX_ENTRIES of them */
	size_t n;               /* filled */
	size_t more;            /* that did not fit */
};

static void mem_collect_arena(struct arena *a, void *arg)
{
	struct mem_collect *mc = arg;

	if (mc->n == MEM_MAX_ENTRIES) {
		mc->more++;
		return;
	}
	strlcpy(mc->e[mc->n].name, a->name, sizeof(mc->e[0].name));
	arena_get_stats(a, &mc->e[mc->n].as);
	mc->n++;
}

static void mem_collect_cache(struct kmem_cache *kc, void *arg)
{
	struct mem_collect *mc = arg;

	if (mc->n == MEM_MAX_ENTRIES) {
		mc->more++;
		return;
	}
	strlcpy(mc->e[mc->n].name, kc->name, sizeof(mc->e[0].name));
	kmem_cache_get_stats(kc, &mc->e[mc->n].cs);
	mc->n++;
}

static void mem_fmt_pressure(struct slice *s)
{
	struct mem_reclaim_stats st;

	mem_reclaim_stats(&st);
	slice_printf(s, "pages_btag %zu\n", arena_btag_nr_pages());
	slice_printf(s, "pages_slab %zu\n", leak_slab_pages());
	slice_printf(s, "reclaim_runs %llu\n", (unsigned long long)st.runs);
	slice_printf(s, "reclaim_pages %llu\n", (unsigned long long)st.pages);
	slice_printf(s, "oom_kills %llu\n", (unsigned long long)st.oom_kills);
	slice_printf(s, "mem_waits %llu\n", (unsigned long long)st.waits);
	slice_printf(s, "user_enomem %llu\n", (unsigned long long)st.user_fails);
}

static void mem_fmt_free(struct slice *s)
{
	size_t objs, bytes;

	kmalloc_get_live(&objs, &bytes);
	slice_printf(s, "pages_total %zu\n", nr_pages);
	slice_printf(s, "pages_free %zu\n", nr_free_pages());
	slice_printf(s, "page_size %d\n", 4096);
	slice_printf(s, "kmalloc_objects %zu\n", objs);
	slice_printf(s, "kmalloc_bytes %zu\n", bytes);
	slice_printf(s, "slab_objects %zu\n", kmem_nr_in_use());
	slice_printf(s, "blocks_live %lld\n", (long long)block_live_count());
	slice_printf(s, "kthreads_live %llu\n", (unsigned long long)kthread_nr_live());
	mem_fmt_pressure(s);
}

static void mem_fmt_arenas(struct slice *s, const struct mem_collect *mc)
{
	slice_printf(s, "%-24s %14s %14s %14s %10s %10s %8s\n", "name", "total",
	             "allocated", "free", "allocs", "frees", "imports");
	for (size_t i = 0; i < mc->n; i++) {
		const struct arena_stats *st = &mc->e[i].as;

		slice_printf(s, "%-24s %14zu %14zu %14zu %10llu %10llu %8llu\n",
		             mc->e[i].name, st->total, st->allocated, st->free,
		             (unsigned long long)st->nr_allocs,
		             (unsigned long long)st->nr_frees,
		             (unsigned long long)st->nr_imports);
	}
}

static void mem_fmt_slabs(struct slice *s, const struct mem_collect *mc)
{
	slice_printf(s, "%-24s %8s %10s %8s %12s %12s\n", "name", "objsize", "inuse",
	             "slabs", "allocs", "frees");
	for (size_t i = 0; i < mc->n; i++) {
		const struct kmem_cache_stats *st = &mc->e[i].cs;

		slice_printf(s, "%-24s %8zu %10zu %8zu %12llu %12llu\n", mc->e[i].name,
		             st->obj_size, st->nr_in_use, st->nr_slabs,
		             (unsigned long long)st->nr_allocs,
		             (unsigned long long)st->nr_frees);
	}
}

/* Builds the text of file 'path' into s; a failed slice is the caller's. */
static void mem_build(struct slice *s, uint64_t path)
{
	struct mem_collect mc = { 0 };

	if (path == Qfree) {
		mem_fmt_free(s);
		return;
	}
	mc.e = kmalloc_array(MEM_MAX_ENTRIES, sizeof(*mc.e), MEM_WAIT);
	if (!mc.e) {
		s->err = -ENOMEM;
		return;
	}
	if (path == Qarenas) {
		arena_for_each(mem_collect_arena, &mc);
		mem_fmt_arenas(s, &mc);
	} else {
		kmem_cache_for_each(mem_collect_cache, &mc);
		mem_fmt_slabs(s, &mc);
	}
	if (mc.more)
		slice_printf(s, "... %zu more\n", mc.more);
	kfree(mc.e);
}

static struct chan *mem_attach(const char *spec)
{
	return devattach("mem", spec);
}

static struct walkqid *mem_walk(struct chan *c, struct chan *nc, const char **names,
                                unsigned int nname)
{
	return devwalk(c, nc, names, nname, mem_tab, ARRAY_SIZE(mem_tab), devgen);
}

static size_t mem_stat(struct chan *c, uint8_t *db, size_t n)
{
	return devstat(c, db, n, mem_tab, ARRAY_SIZE(mem_tab), devgen);
}

static struct chan *mem_open(struct chan *c, int omode)
{
	c = devopen(c, omode, mem_tab, ARRAY_SIZE(mem_tab), devgen);
	if (!(c->qid.type & QTDIR) && c->qid.path != Qctl)
		devsnap_open(c, mem_build, "mem");
	return c;
}

static void mem_close(struct chan *c)
{
	devsnap_close(c);
}

static size_t mem_read(struct chan *c, void *buf, size_t n, int64_t off)
{
	if (c->qid.path == Qtop)
		return devdirread(c, buf, n, mem_tab, ARRAY_SIZE(mem_tab), devgen);
	return devsnap_read(c, buf, n, off, "mem");
}

/* ctl: one command per write, "reclaim" (a trailing newline is fine). */
static size_t mem_write(struct chan *c, const void *buf, size_t n, int64_t off)
{
	static const char cmd[] = "reclaim";
	size_t len = n;

	if (c->qid.path != Qctl)
		error(EPERM, "#mem: '%s' is read-only", c->name ? c->name->s : "?");
	if (len && ((const char *)buf)[len - 1] == '\n')
		len--;
	if (len != sizeof(cmd) - 1 || memcmp(buf, cmd, len))
		error(EINVAL, "#mem/ctl: unknown command (the one command is 'reclaim')");
	mem_reclaim();
	mem_reserve_refill();
	return n;
}

struct dev mem_devtab __devtab = {
	.name = "mem",
	.reset = devreset,
	.init = devinit,
	.shutdown = devshutdown,
	.attach = mem_attach,
	.walk = mem_walk,
	.stat = mem_stat,
	.open = mem_open,
	.create = devcreate,
	.close = mem_close,
	.read = mem_read,
	.bread = devbread,
	.write = mem_write,
	.bwrite = devbwrite,
	.remove = devremove,
	.rename = devrename,
	.wstat = devwstat,
};
