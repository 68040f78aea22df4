/* SPDX-License-Identifier: MIT */
/*
 * devether.c - #ether (#l): the Ethernet interfaces as files, Plan 9's
 * netif protocol (Documentation/dev/ether.md).
 *
 *	#ether/
 *	    etherN/         one per registered interface
 *	        clone   rw  open: a new connection; the chan is its ctl
 *	        addr    r   the MAC, 12 hex digits
 *	        stats   r   "name: value" lines: counters, link, mbps
 *	        ifstats r   the driver's own counters
 *	        M/          connection M (exists while one of its files is open)
 *	            ctl   rw  read: "M"; write: connect TYPE, promiscuous,
 *	                      addmulti ADDR, remmulti ADDR, headersonly, nonblocking
 *	            data  rw  one frame per read / per write
 *	            stats r   the connection's counters
 *	            type  r   the ethertype received (-1: all, 0: none)
 *
 * Qids: (ifc + 1) << 24 | (conn + 1) << 8 | kind; the top is 0.  An open
 * chan on a connection's file holds one use of the connection in c->aux
 * (ether_conn.c frees it with the last, and the connection holds its
 * interface); an unopened chan holds nothing and looks the interface and
 * the connection up again.  Files of the interface are served holding
 * ether_ifc_lock, so the interface cannot be unregistered under them.
 * Lock order: ether_ifc_lock, then an interface's qlock.
 *
 * Data: reads return one frame (Qmsg); writes send one frame, checked and
 * given the interface's source address (ether.c).  A chan opened
 * O_NONBLOCK, or a connection told "nonblocking", gets EAGAIN instead of
 * waiting.  FD taps on data: READABLE, WRITABLE (room in the transmit
 * queue), HANGUP (the interface went away).
 */
#include <block.h>
#include <err.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <ns.h>
#include <printk.h>
#include <qio.h>
#include <slice.h>

#include "ether_internal.h"

enum { Qtop, Qifdir, Qclone, Qaddr, Qstats, Qifstats, Qconvdir, Qctl, Qdata,
       Qcstats, Qtype };

#define EQID(ifc, cv, kind) \
	((uint64_t)((ifc) + 1) << 24 | (uint64_t)((cv) + 1) << 8 | (kind))
#define EQ_IFC(path)   ((unsigned int)((path) >> 24) - 1)
#define EQ_CONN(path)  ((unsigned int)(((path) >> 8) & 0xffff) - 1)
#define EQ_KIND(path)  ((unsigned int)((path) & 0xff))
#define EQ_TOP(path)   (((path) >> 24) == 0)
#define EQ_IN_IFC(path) ((((path) >> 8) & 0xffff) == 0)

static const struct { const char *name; unsigned int kind; uint32_t perm; } ether_ifc_files[] = {
	{ "clone", Qclone, 0666 },
	{ "addr", Qaddr, 0444 },
	{ "stats", Qstats, 0444 },
	{ "ifstats", Qifstats, 0444 },
};

static const struct { const char *name; unsigned int kind; uint32_t perm; } ether_conn_files[] = {
	{ "ctl", Qctl, 0666 },
	{ "data", Qdata, 0666 },
	{ "stats", Qcstats, 0444 },
	{ "type", Qtype, 0444 },
};

/* ------------------------------------------------------------ names */

static const char *ether_path(const struct chan *c)
{
	return c->name ? c->name->s : "#ether/?";
}

/* Directory names, constant: a listing keeps pointers to them after the
 * interface or connection they name may be gone. */
static const char *const ether_ifc_names[ETHER_MAX_IFC] = {
	"ether0", "ether1", "ether2", "ether3", "ether4", "ether5", "ether6", "ether7",
};
static const char *const ether_conn_names[ETHER_MAX_CONNS] = {
	"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14",
	"15", "16", "17", "18", "19", "20", "21", "22", "23", "24", "25", "26", "27",
	"28", "29", "30", "31",
};

static int ether_gen_top(struct dir *dp, int i)
{
	if (i < 0 || i >= ETHER_MAX_IFC)
		return DEVGEN_END;
	if (!__ether_ifc_lookup((unsigned int)i))
		return DEVGEN_SKIP;
	mkdir_entry(dp, mkqid(EQID(i, -1, Qifdir), 0, QTDIR), ether_ifc_names[i], 0, "eve",
	            DMDIR | 0555);
	return DEVGEN_ENTRY;
}

static int ether_gen_ifc(struct dir *dp, unsigned int ifc, int i)
{
	struct ether_ifc *e = __ether_ifc_lookup(ifc);
	unsigned int m;

	if (!e || i < 0)
		return DEVGEN_END;
	if ((size_t)i < ARRAY_SIZE(ether_ifc_files)) {
		mkdir_entry(dp, mkqid(EQID(ifc, -1, ether_ifc_files[i].kind), 0, QTFILE),
		            ether_ifc_files[i].name, 0, "eve", ether_ifc_files[i].perm);
		return DEVGEN_ENTRY;
	}
	m = (unsigned int)i - ARRAY_SIZE(ether_ifc_files);
	if (m >= ETHER_MAX_CONNS)
		return DEVGEN_END;
	if (!READ_ONCE(e->conns[m]))
		return DEVGEN_SKIP;
	mkdir_entry(dp, mkqid(EQID(ifc, m, Qconvdir), 0, QTDIR), ether_conn_names[m], 0,
	            "eve", DMDIR | 0555);
	return DEVGEN_ENTRY;
}

static int ether_gen_conn(struct dir *dp, unsigned int ifc, unsigned int m, int i)
{
	struct ether_ifc *e = __ether_ifc_lookup(ifc);

	if (!e || m >= ETHER_MAX_CONNS || !READ_ONCE(e->conns[m]) || i < 0 ||
	    (size_t)i >= ARRAY_SIZE(ether_conn_files))
		return DEVGEN_END;
	mkdir_entry(dp, mkqid(EQID(ifc, m, ether_conn_files[i].kind), 0, QTFILE),
	            ether_conn_files[i].name, 0, "eve", ether_conn_files[i].perm);
	return DEVGEN_ENTRY;
}

/* A directory lists its children; a file lists its siblings (devstat). */
static int ether_gen(struct chan *c, const char *name, const struct dirtab *tab,
                     int ntab, int i, struct dir *dp)
{
	uint64_t path = c->qid.path;

	if (EQ_TOP(path))
		return ether_gen_top(dp, i);
	if (EQ_IN_IFC(path))
		return ether_gen_ifc(dp, EQ_IFC(path), i);
	return ether_gen_conn(dp, EQ_IFC(path), EQ_CONN(path), i);
}

static void ether_dev_init(void)
{
	ether_drivers_init();
}

static struct chan *ether_attach(const char *spec)
{
	if (spec && spec[0])
		error(EINVAL, "#ether: unknown attach spec '%s' (want none)", spec);
	return devattach("ether", spec);
}

static struct walkqid *ether_walk(struct chan *c, struct chan *nc, const char **names,
                                  unsigned int nname)
{
	return devwalk(c, nc, names, nname, NULL, 0, ether_gen);
}

static size_t ether_stat(struct chan *c, uint8_t *db, size_t n)
{
	return devstat(c, db, n, NULL, 0, ether_gen);
}

/* ------------------------------------------------------------ open/close */

/* The interface of c (ether_ifc_lock held), or error(). */
static struct ether_ifc *__ether_of(struct chan *c)
{
	struct ether_ifc *ifc = __ether_ifc_lookup(EQ_IFC(c->qid.path));

	if (!ifc)
		error(ENODEV, "#ether: interface %u is gone", EQ_IFC(c->qid.path));
	return ifc;
}

static void ether_err(int err, struct ether_ifc *ifc, const char *what)
{
	error(-err, "#ether/%s: %s failed (%s)", ifc->name, what,
	      err == -ENOSPC ? "no free connection" : err == -ENOENT ?
	      "no such connection" : "the device refused");
}

/* Opens c as the ctl of a new connection (clone) or as a use of an
 * existing one; c->aux holds the connection.  ether_ifc_lock held. */
static void __ether_open_conn(struct chan *c, struct ether_ifc *ifc, bool clone)
{
	struct ether_conn *cv = NULL;
	int err;

	sem_down(&ifc->qlock);
	err = __ether_open_dev(ifc);
	if (!err && clone)
		cv = __ether_conn_alloc(ifc, &err);
	else if (!err && !(cv = __ether_conn_get(ifc, EQ_CONN(c->qid.path))))
		err = -ENOENT;
	sem_up(&ifc->qlock);
	if (err)
		ether_err(err, ifc, clone ? "clone" : "open");
	c->aux = cv;
	if (clone)
		c->qid = mkqid(EQID(ifc->idx, cv->idx, Qctl), 0, QTFILE);
}

/* Gives the open chan c its connection, holding ether_ifc_lock. */
static void ether_open_conn(struct chan *c, bool clone)
{
	ERRSTACK(1);

	sem_down(&ether_ifc_lock);
	if (waserror()) {
		sem_up(&ether_ifc_lock);
		c->flag &= ~COPEN;      /* close must not drop a use it never had */
		nexterror();
	}
	__ether_open_conn(c, __ether_of(c), clone);
	poperror();
	sem_up(&ether_ifc_lock);
}

static struct chan *ether_open(struct chan *c, int omode)
{
	unsigned int kind = EQ_KIND(c->qid.path);

	c = devopen(c, omode, NULL, 0, ether_gen);
	if (kind == Qclone || !EQ_IN_IFC(c->qid.path))
		ether_open_conn(c, kind == Qclone);
	return c;
}

static void ether_close(struct chan *c)
{
	struct ether_conn *cv = c->aux;
	struct ether_ifc *ifc;
	bool last;

	if (!(c->flag & COPEN) || !cv)
		return;
	ifc = cv->ifc;
	c->aux = NULL;
	sem_down(&ifc->qlock);
	last = __ether_conn_put(cv);
	sem_up(&ifc->qlock);
	if (last)
		ether_ifc_put(ifc);
}

/* ------------------------------------------------------------ text files */

static void ether_stats_text(struct ether *e, struct slice *s)
{
	const struct ether_stats *st = &e->stats;
	static const struct { const char *name; size_t off; } ctrs[] = {
#define CTR(f) { #f, offsetof(struct ether_stats, f) }
		CTR(rx_packets), CTR(rx_bytes), CTR(rx_dropped), CTR(rx_errors),
		CTR(rx_crc_errors), CTR(rx_overruns), CTR(tx_packets), CTR(tx_bytes),
		CTR(tx_dropped), CTR(tx_errors), CTR(interrupts), CTR(link_changes),
#undef CTR
	};

	for (size_t i = 0; i < ARRAY_SIZE(ctrs); i++)
		slice_printf(s, "%s: %llu\n", ctrs[i].name, (unsigned long long)
		             ether_stat_read((const uint64_t *)((const char *)st + ctrs[i].off)));
	slice_printf(s, "rx_unwanted: %llu\nconn_overflows: %llu\n",
	             (unsigned long long)ether_stat_read(&e->rx_unwanted),
	             (unsigned long long)ether_stat_read(&e->conn_overflows));
	slice_printf(s, "link: %d\nmbps: %u\nmtu: %u\nmodel: %s\n", READ_ONCE(e->link_up),
	             READ_ONCE(e->link_mbps), e->mtu, e->model);
	slice_printf(s, "addr: %02x%02x%02x%02x%02x%02x\n", e->addr[0], e->addr[1],
	             e->addr[2], e->addr[3], e->addr[4], e->addr[5]);
}

static void ether_conn_stats_text(struct ether_conn *cv, struct slice *s)
{
	slice_printf(s, "in: %llu\nout: %llu\ndropped: %llu\nqueued: %zu\nlimit: %zu\ntype: %d\n",
	             (unsigned long long)ether_stat_read(&cv->rx_frames),
	             (unsigned long long)ether_stat_read(&cv->tx_frames),
	             (unsigned long long)qdropped(cv->rq), qlen(cv->rq), qlimit(cv->rq),
	             READ_ONCE(cv->type));
	slice_printf(s, "promiscuous: %d\nheadersonly: %d\nmulticast: %u\n",
	             READ_ONCE(cv->prom), READ_ONCE(cv->headersonly), cv->nmulti);
}

static size_t ether_slice_out(struct slice *s, void *buf, size_t n, int64_t off,
                              const char *who)
{
	size_t got;

	if (slice_error(s)) {
		slice_free(s);
		error(ENOMEM, "#ether: no memory for %s", who);
	}
	got = slice_read(s, buf, n, off);
	slice_free(s);
	return got;
}

/* Files of the interface itself, served holding ether_ifc_lock. */
static size_t ether_ifc_read(struct chan *c, void *buf, size_t n, int64_t off)
{
	ERRSTACK(1);
	struct ether *e;
	struct slice s;

	slice_init(&s);
	sem_down(&ether_ifc_lock);
	if (waserror()) {
		sem_up(&ether_ifc_lock);
		slice_free(&s);
		nexterror();
	}
	e = __ether_of(c)->e;   /* set while in the table */
	switch (EQ_KIND(c->qid.path)) {
	case Qaddr:
		slice_printf(&s, "%02x%02x%02x%02x%02x%02x", e->addr[0], e->addr[1],
		             e->addr[2], e->addr[3], e->addr[4], e->addr[5]);
		break;
	case Qstats:
		ether_stats_text(e, &s);
		break;
	case Qifstats:
		if (e->ops->dump_stats)
			e->ops->dump_stats(e, &s);
		break;
	}
	poperror();
	sem_up(&ether_ifc_lock);
	return ether_slice_out(&s, buf, n, off, "an interface file");
}

static struct ether_conn *ether_conn_of(struct chan *c)
{
	if (!c->aux)
		error(EBADF, "#ether: '%s' is not open", ether_path(c));
	return c->aux;
}

static bool ether_nonblock(struct chan *c, struct ether_conn *cv)
{
	return (c->flag & CNONBLOCK) || READ_ONCE(cv->nonblocking);
}

static size_t ether_conn_read(struct chan *c, void *buf, size_t n, int64_t off)
{
	struct ether_conn *cv = ether_conn_of(c);
	char text[16];
	struct slice s;

	switch (EQ_KIND(c->qid.path)) {
	case Qctl:
		snprintf(text, sizeof(text), "%u", cv->idx);
		return readstr(off, buf, n, text);
	case Qtype:
		snprintf(text, sizeof(text), "%d", READ_ONCE(cv->type));
		return readstr(off, buf, n, text);
	case Qcstats:
		slice_init(&s);
		ether_conn_stats_text(cv, &s);
		return ether_slice_out(&s, buf, n, off, "a connection's stats");
	case Qdata:
		n = ether_nonblock(c, cv) ? qread_nonblock(cv->rq, buf, n) :
		    qread(cv->rq, buf, n);
		fdtap_flush();
		return n;
	}
	error(EINVAL, "#ether: read of unknown file %llu", (unsigned long long)c->qid.path);
}

static size_t ether_read(struct chan *c, void *buf, size_t n, int64_t off)
{
	if (c->qid.type & QTDIR)
		return devdirread(c, buf, n, NULL, 0, ether_gen);
	if (EQ_IN_IFC(c->qid.path))
		return ether_ifc_read(c, buf, n, off);
	return ether_conn_read(c, buf, n, off);
}

static struct block *ether_bread(struct chan *c, size_t n, int64_t off)
{
	struct ether_conn *cv;
	struct block *b;

	if (EQ_KIND(c->qid.path) != Qdata || EQ_IN_IFC(c->qid.path))
		return devbread(c, n, off);
	cv = ether_conn_of(c);
	b = ether_nonblock(c, cv) ? qbread_nonblock(cv->rq, n) : qbread(cv->rq, n);
	fdtap_flush();
	return b;
}

/* ------------------------------------------------------------ ctl */

/* One ctl message (NUL-terminated, no newline); ifc->qlock held. */
static int __ether_ctl(struct ether_conn *cv, char *msg)
{
	char *arg = strchr(msg, ' ');
	uint8_t addr[ETHER_ADDR_LEN];
	int type, err;

	if (arg)
		*arg++ = '\0';
	if (!strcmp(msg, "connect") && arg) {
		err = ether_parse_type(arg, &type);
		return err ? err : __ether_conn_set_type(cv, type);
	}
	if ((!strcmp(msg, "addmulti") || !strcmp(msg, "remmulti")) && arg) {
		if (ether_parse_addr(arg, addr))
			return -EINVAL;
		return __ether_conn_multi(cv, addr, msg[0] == 'a');
	}
	if (arg)
		return -EINVAL;
	if (!strcmp(msg, "promiscuous"))
		return __ether_conn_set_prom(cv);
	if (!strcmp(msg, "headersonly")) {
		__ether_conn_set_headersonly(cv);
		return 0;
	}
	if (!strcmp(msg, "nonblocking")) {
		WRITE_ONCE(cv->nonblocking, true);
		return 0;
	}
	return -EINVAL;
}

static size_t ether_ctl_write(struct ether_conn *cv, const void *buf, size_t n)
{
	struct ether_ifc *e = cv->ifc;
	char msg[64];
	int err;

	if (n >= sizeof(msg))
		error(EINVAL, "#ether/%s/%u/ctl: message of %zu bytes is too long", e->name,
		      cv->idx, n);
	if (strnlen(buf, n) != n)
		error(EINVAL, "#ether/%s/%u/ctl: a NUL inside the message", e->name, cv->idx);
	memcpy(msg, buf, n);
	msg[n] = '\0';
	if (n && msg[n - 1] == '\n')
		msg[n - 1] = '\0';
	sem_down(&e->qlock);
	err = e->gone ? -ENODEV : __ether_ctl(cv, msg);
	sem_up(&e->qlock);
	if (err == -EINVAL)
		error(EINVAL, "#ether/%s/%u/ctl: bad message '%s' (want connect TYPE, "
		      "promiscuous, addmulti ADDR, remmulti ADDR, headersonly, nonblocking)",
		      e->name, cv->idx, msg);
	if (err)
		error(-err, "#ether/%s/%u/ctl: '%s' failed (errno %d)", e->name, cv->idx,
		      msg, -err);
	return n;
}

/* ------------------------------------------------------------ write */

static size_t ether_data_write(struct chan *c, struct ether_conn *cv, const void *buf,
                               size_t n)
{
	struct ether_ifc *e = cv->ifc;
	struct block *b;

	if (n < ETHER_HDR_LEN || n > e->mtu + ETHER_HDR_LEN)
		error(EINVAL, "#ether/%s: a frame of %zu bytes (want %d..%u with the header)",
		      e->name, n, ETHER_HDR_LEN, e->mtu + ETHER_HDR_LEN);
	b = allocb(n);
	memcpy(b->wp, buf, n);
	b->wp += n;
	ether_send(cv, b, ether_nonblock(c, cv));
	fdtap_flush();
	return n;
}

static size_t ether_write(struct chan *c, const void *buf, size_t n, int64_t off)
{
	struct ether_conn *cv;

	if (EQ_IN_IFC(c->qid.path) || (c->qid.type & QTDIR))
		error(EPERM, "#ether: '%s' is not writable", ether_path(c));
	cv = ether_conn_of(c);
	switch (EQ_KIND(c->qid.path)) {
	case Qctl:
		return ether_ctl_write(cv, buf, n);
	case Qdata:
		return ether_data_write(c, cv, buf, n);
	}
	error(EPERM, "#ether: '%s' is not writable", ether_path(c));
}

static size_t ether_bwrite(struct chan *c, struct block *b, int64_t off)
{
	struct ether_conn *cv;
	size_t n = blocklen(b);

	if (EQ_KIND(c->qid.path) != Qdata || EQ_IN_IFC(c->qid.path) || !c->aux) {
		freeblist(b);
		error(EPERM, "#ether: block write of '%s' not supported", ether_path(c));
	}
	cv = c->aux;
	ether_send(cv, b, ether_nonblock(c, cv));
	fdtap_flush();
	return n;
}

/* ------------------------------------------------------------ taps */

static void ether_tapfd(struct chan *c, struct fd_tap *tap, int cmd)
{
	struct ether_conn *cv = c->aux;
	bool data = cv && EQ_KIND(c->qid.path) == Qdata && !EQ_IN_IFC(c->qid.path);
	uint32_t ready;

	if (!fdtap_dev_tapfd(data ? &cv->taps : NULL, tap, cmd, "#ether", "data"))
		return;
	ready = ether_conn_ready(cv) & tap->filter;
	if (ready)
		fdtap_fire(tap, ready);
}

static char *ether_chaninfo(struct chan *c, char *buf, size_t len)
{
	struct ether_conn *cv = c->aux;

	if (cv)
		snprintf(buf, len, "%s conn %u kind %u type %d", cv->ifc->name, cv->idx,
		         EQ_KIND(c->qid.path), READ_ONCE(cv->type));
	else
		snprintf(buf, len, "qid %llu", (unsigned long long)c->qid.path);
	return buf;
}

struct dev ether_devtab __devtab = {
	.name = "ether",
	.letter = 'l',
	.reset = devreset,
	.init = ether_dev_init,
	.shutdown = devshutdown,
	.attach = ether_attach,
	.walk = ether_walk,
	.stat = ether_stat,
	.open = ether_open,
	.create = devcreate,
	.close = ether_close,
	.read = ether_read,
	.bread = ether_bread,
	.write = ether_write,
	.bwrite = ether_bwrite,
	.remove = devremove,
	.rename = devrename,
	.wstat = devwstat,
	.chaninfo = ether_chaninfo,
	.tapfd = ether_tapfd,
};
