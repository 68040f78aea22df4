/* SPDX-License-Identifier: MIT */
/*
 * ip.c - #ip (#I): the IPv4 stack's files (the stack is kern/src/net/;
 * Documentation/dev/ip.md is the reference, Documentation/net.md the design).
 *
 *	#ip/
 *	    arp        rw   the ARP cache; write flush | add ADDR MAC [IFC] | del ADDR
 *	    iproute    rw   routes; write add DST MASK GW [IFC] | remove DST MASK | flush
 *	    log        rw   read: logged lines (blocks); write set|clear CATEGORY...
 *	    ndb        rw   the configuration as ndb text (ndb.c; ipconfig writes it)
 *	    stats      r    IPv4 and ARP counters
 *	    ipifc/     clone (open: a new interface, the chan is its ctl),
 *	               N/{ctl,status}
 *	    PROTO/     one per protocol (icmp, udp): clone, stats,
 *	               N/{ctl,data,err,listen,local,remote,status}
 *
 * Opening PROTO/clone makes a conversation and the chan becomes its ctl,
 * whose read gives N.  ctl takes the common language of conv.c plus the
 * protocol's own; data is one datagram per write and per read (stream
 * protocols: bytes); err holds the last asynchronous error; listen blocks
 * until a call arrives and becomes that call's ctl (EAGAIN with
 * O_NONBLOCK); local and remote are "ADDR!PORT"; status the protocol's
 * state line.  data honours O_NONBLOCK (EAGAIN) and has FD taps
 * (READABLE, WRITABLE, HANGUP, from the queues' wake callbacks); taps on
 * ctl or an unopened listen fire READABLE when a call is waiting.
 *
 * Qids: kind | index << 8 | conversation << 16, where index is the
 * protocol's (PROTO files) or the interface's (ipifc files).  Unopened
 * chans hold nothing; an opened conversation file holds one inuse count
 * of its conversation in c->aux, an opened interface file one open count
 * of its interface.  Text files are built afresh at each read.
 */
#include <core_id.h>
#include <err.h>
#include <errno.h>
#include <fdtap.h>
#include <ip.h>
#include <kmalloc.h>
#include <kstring.h>
#include <ns.h>
#include <printk.h>
#include <qio.h>
#include <slice.h>

enum {
	Qtop = 1, Qarp, Qiproute, Qlog, Qndb, Qstats,
	Qifcdir, Qifcclone, Qifcn, Qifcctl, Qifcstatus,
	Qprotodir, Qclone, Qpstats,
	Qconvdir, Qctl, Qdata, Qerr, Qlisten, Qlocal, Qremote, Qstatus,
};

#define QK(path)   ((int)((path) & 0xff))
#define QI(path)   ((unsigned int)(((path) >> 8) & 0xff))
#define QX(path)   ((unsigned int)((path) >> 16))
#define QID(k, i, x) ((uint64_t)(k) | ((uint64_t)(i) << 8) | ((uint64_t)(x) << 16))

#define IP_CTL_MAX 256

static char ip_genbuf[MAX_CORES][16];

static const struct { const char *name; int kind; uint32_t perm; } ip_top_files[] = {
	{ "arp", Qarp, 0666 }, { "iproute", Qiproute, 0666 }, { "log", Qlog, 0666 },
	{ "ndb", Qndb, 0666 }, { "stats", Qstats, 0444 },
};

static const struct { const char *name; int kind; uint32_t perm; } ip_conv_files[] = {
	{ "ctl", Qctl, 0666 }, { "data", Qdata, 0666 }, { "err", Qerr, 0444 },
	{ "listen", Qlisten, 0666 }, { "local", Qlocal, 0444 }, { "remote", Qremote, 0444 },
	{ "status", Qstatus, 0444 },
};

static bool ip_kind_is_conv(int k)
{
	return k >= Qctl && k <= Qstatus;
}

static bool ip_kind_is_ifc(int k)
{
	return k == Qifcctl || k == Qifcstatus;
}

/* ------------------------------------------------------------ directories */

static int ip_entry(struct dir *dp, int kind, unsigned int i, unsigned int x,
                    const char *name, uint32_t perm)
{
	bool dir = kind == Qifcdir || kind == Qifcn || kind == Qprotodir || kind == Qconvdir;

	mkdir_entry(dp, mkqid(QID(kind, i, x), 0, dir ? QTDIR : QTFILE), name, 0, "eve",
	            dir ? DMDIR | 0555 : perm);
	return DEVGEN_ENTRY;
}

static const char *ip_num(unsigned int n)
{
	char *buf = ip_genbuf[core_id()];

	snprintf(buf, 16, "%u", n);
	return buf;
}

static int ip_gen_top(struct dir *dp, int i)
{
	if (i < (int)ARRAY_SIZE(ip_top_files))
		return ip_entry(dp, ip_top_files[i].kind, 0, 0, ip_top_files[i].name,
		                ip_top_files[i].perm);
	i -= ARRAY_SIZE(ip_top_files);
	if (i == 0)
		return ip_entry(dp, Qifcdir, 0, 0, "ipifc", 0);
	i--;
	if (i < (int)ip_nprotos)
		return ip_entry(dp, Qprotodir, (unsigned int)i, 0, ip_protos[i]->name, 0);
	return DEVGEN_END;
}

static int ip_gen_ifcdir(struct dir *dp, int i)
{
	if (i == 0)
		return ip_entry(dp, Qifcclone, 0, 0, "clone", 0666);
	if (i > IP_MAX_IFC)
		return DEVGEN_END;
	if (!READ_ONCE(ipifcs[i - 1].allocated))
		return DEVGEN_SKIP;
	return ip_entry(dp, Qifcn, (unsigned int)i - 1, 0, ip_num((unsigned int)i - 1), 0);
}

static int ip_gen_ifcn(struct dir *dp, unsigned int ifc, int i)
{
	if (i == 0)
		return ip_entry(dp, Qifcctl, ifc, 0, "ctl", 0666);
	if (i == 1)
		return ip_entry(dp, Qifcstatus, ifc, 0, "status", 0444);
	return DEVGEN_END;
}

static int ip_gen_proto(struct dir *dp, unsigned int pi, int i)
{
	struct ip_proto *p = ip_protos[pi];

	if (i == 0)
		return ip_entry(dp, Qclone, pi, 0, "clone", 0666);
	if (i == 1)
		return ip_entry(dp, Qpstats, pi, 0, "stats", 0444);
	i -= 2;
	if (i >= (int)p->maxconv)
		return DEVGEN_END;
	if (!conv_exists(p, (unsigned int)i))
		return DEVGEN_SKIP;
	return ip_entry(dp, Qconvdir, pi, (unsigned int)i, ip_num((unsigned int)i), 0);
}

static int ip_gen_conv(struct dir *dp, unsigned int pi, unsigned int x, int i)
{
	if (i >= (int)ARRAY_SIZE(ip_conv_files))
		return DEVGEN_END;
	return ip_entry(dp, ip_conv_files[i].kind, pi, x, ip_conv_files[i].name,
	                ip_conv_files[i].perm);
}

/* Lists the directory c is in (a file) or is (a directory). */
static int ip_gen(struct chan *c, const char *name, const struct dirtab *tab, int ntab,
                  int i, struct dir *dp)
{
	uint64_t path = c->qid.path;
	int k = QK(path);

	switch (k) {
	case Qtop: case Qarp: case Qiproute: case Qlog: case Qndb: case Qstats:
		return ip_gen_top(dp, i);
	case Qifcdir: case Qifcclone:
		return ip_gen_ifcdir(dp, i);
	case Qifcn: case Qifcctl: case Qifcstatus:
		return ip_gen_ifcn(dp, QI(path), i);
	case Qprotodir: case Qclone: case Qpstats:
		return QI(path) < ip_nprotos ? ip_gen_proto(dp, QI(path), i) : DEVGEN_END;
	default:
		if ((k == Qconvdir || ip_kind_is_conv(k)) && QI(path) < ip_nprotos)
			return ip_gen_conv(dp, QI(path), QX(path), i);
		return DEVGEN_END;
	}
}

static void ip_init(void)
{
	ip_stack_init();
}

static struct chan *ip_attach(const char *spec)
{
	struct chan *c;

	if (spec && spec[0])
		error(EINVAL, "#ip: unknown attach spec '%s' (want none)", spec);
	c = devattach("ip", spec);
	c->qid = mkqid(QID(Qtop, 0, 0), 0, QTDIR);
	return c;
}

static struct walkqid *ip_walk(struct chan *c, struct chan *nc, const char **names,
                               unsigned int nname)
{
	return devwalk(c, nc, names, nname, NULL, 0, ip_gen);
}

static size_t ip_stat(struct chan *c, uint8_t *db, size_t n)
{
	return devstat(c, db, n, NULL, 0, ip_gen);
}

/* ------------------------------------------------------------ open and close */

/* Opening clone: a new conversation whose ctl c becomes. */
static void ip_open_clone(struct chan *c)
{
	struct ip_proto *p = ip_protos[QI(c->qid.path)];
	struct conv *cv = conv_new(p);

	c->qid = mkqid(QID(Qctl, p->idx, cv->x), 0, QTFILE);
	c->aux = cv;
}

/* Opening listen: waits for a call; c becomes its ctl. */
static void ip_open_listen(struct chan *c, struct conv *cv, int omode)
{
	ERRSTACK(1);
	struct conv *nc;

	if (waserror()) {
		conv_close(cv);
		nexterror();
	}
	nc = conv_listen(cv, omode & O_NONBLOCK);
	poperror();
	conv_close(cv);
	c->qid = mkqid(QID(Qctl, nc->p->idx, nc->x), 0, QTFILE);
	c->aux = nc;
}

static void ip_open_ifc(struct chan *c, int k)
{
	struct ipifc *ifc;

	if (k == Qifcclone) {
		ifc = ipifc_alloc();
		if (!ifc)
			error(ENFILE, "#ip/ipifc: all %d interfaces are in use", IP_MAX_IFC);
		c->qid = mkqid(QID(Qifcctl, ifc->idx, 0), 0, QTFILE);
	} else {
		ifc = &ipifcs[QI(c->qid.path) % IP_MAX_IFC];
		if (!ipifc_open(ifc->idx))
			error(ENOENT, "#ip/ipifc/%u: no such interface", ifc->idx);
	}
	c->aux = ifc;
}

static struct chan *ip_open(struct chan *c, int omode)
{
	int k = QK(c->qid.path);

	c = devopen(c, omode, NULL, 0, ip_gen);
	if (omode & O_PATH)
		return c;
	if (k == Qclone) {
		ip_open_clone(c);
	} else if (k == Qifcclone || ip_kind_is_ifc(k)) {
		ip_open_ifc(c, k);
	} else if (ip_kind_is_conv(k)) {
		struct conv *cv = conv_open(ip_protos[QI(c->qid.path)], QX(c->qid.path));

		if (k == Qlisten)
			ip_open_listen(c, cv, omode);
		else
			c->aux = cv;
	}
	return c;
}

static void ip_close(struct chan *c)
{
	int k = QK(c->qid.path);

	if (!(c->flag & COPEN) || !c->aux)
		return;
	if (ip_kind_is_conv(k))
		conv_close(c->aux);
	else if (ip_kind_is_ifc(k))
		ipifc_close(c->aux);
	c->aux = NULL;
}

/* ------------------------------------------------------------ read */

/* Serves a read at off from text that build writes. */
static size_t ip_read_text(void *buf, size_t n, int64_t off,
                           void (*build)(struct slice *s, void *arg), void *arg)
{
	ERRSTACK(1);
	struct slice s;
	size_t r;

	slice_init(&s);
	if (waserror()) {
		slice_free(&s);
		nexterror();
	}
	build(&s, arg);
	if (slice_error(&s))
		error(ENOMEM, "#ip: no memory for the text of a file");
	r = slice_read(&s, buf, n, off);
	poperror();
	slice_free(&s);
	return r;
}

static void ip_proto_stats(struct ip_proto *p, struct slice *s)
{
	slice_printf(s, "Conversations: %lld\n", (long long)atomic_read(&p->nconv));
	p->stats(s);
}

static void ip_build(struct slice *s, void *arg)
{
	struct chan *c = arg;
	struct conv *cv = c->aux;

	switch (QK(c->qid.path)) {
	case Qarp: arp_read(s); break;
	case Qiproute: iproute_read(s); break;
	case Qndb: ip_ndb_read(s); break;
	case Qstats: ip_stats(s); arp_stats(s); break;
	case Qifcstatus: ipifc_status(c->aux, s); break;
	case Qpstats: ip_proto_stats(ip_protos[QI(c->qid.path)], s); break;
	case Qlocal: conv_local(cv, s); break;
	case Qremote: conv_remote(cv, s); break;
	case Qstatus: conv_status(cv, s); break;
	case Qerr: slice_printf(s, "%s", cv->err); break;
	case Qctl: slice_printf(s, "%u", cv->x); break;
	case Qifcctl: slice_printf(s, "%u", ((struct ipifc *)c->aux)->idx); break;
	}
}

static size_t ip_read_data(struct chan *c, void *buf, size_t n)
{
	struct conv *cv = c->aux;

	n = c->flag & CNONBLOCK ? qread_nonblock(cv->rq, buf, n) : qread(cv->rq, buf, n);
	fdtap_flush();
	return n;
}

static size_t ip_read(struct chan *c, void *buf, size_t n, int64_t off)
{
	int k = QK(c->qid.path);

	if (c->qid.type & QTDIR)
		return devdirread(c, buf, n, NULL, 0, ip_gen);
	if (k == Qdata)
		return ip_read_data(c, buf, n);
	if (k == Qlog)
		return c->flag & CNONBLOCK ? qread_nonblock(netlog_queue(), buf, n) :
		       qread(netlog_queue(), buf, n);
	if (k == Qlisten)
		error(EINVAL, "#ip: listen is opened, not read");
	return ip_read_text(buf, n, off, ip_build, c);
}

/* ------------------------------------------------------------ write */

/* Copies a ctl message into msg (NUL-terminated). */
static void ip_copy_msg(char *msg, const void *buf, size_t n)
{
	if (n >= IP_CTL_MAX)
		error(EINVAL, "#ip: ctl message of %zu bytes is too long", n);
	memcpy(msg, buf, n);
	msg[n] = '\0';
	if (strlen(msg) != n)
		error(EINVAL, "#ip: ctl message holds a NUL byte");
}

/* Datagram protocols: one write, one datagram (send).  Stream protocols:
 * bytes onto the write queue, which the protocol's kick drains. */
static size_t ip_write_data(struct chan *c, const void *buf, size_t n)
{
	struct conv *cv = c->aux;
	struct block *b;

	if (!cv->p->send) {
		n = c->flag & CNONBLOCK ? qwrite_nonblock(cv->wq, buf, n) : qwrite(cv->wq, buf, n);
		fdtap_flush();
		return n;
	}
	if (n > IP4_MAX_LEN)
		error(EMSGSIZE, "#ip/%s/%u: a write of %zu bytes is too long", cv->p->name, cv->x,
		      n);
	b = allocb(n);
	memcpy(b->wp, buf, n);
	b->wp += n;
	cv->p->send(cv, b);
	return n;
}

static size_t ip_write(struct chan *c, const void *buf, size_t n, int64_t off)
{
	char msg[IP_CTL_MAX];
	int k = QK(c->qid.path);

	if (k == Qdata)
		return ip_write_data(c, buf, n);
	if (k == Qndb)
		return ip_ndb_write(buf, n, off);
	ip_copy_msg(msg, buf, n);
	switch (k) {
	case Qctl: conv_ctl(c->aux, msg, c->flag & CNONBLOCK); break;
	case Qifcctl: ipifc_ctl(c->aux, msg); break;
	case Qarp: arp_ctl(msg); break;
	case Qiproute: iproute_ctl(msg); break;
	case Qlog: netlog_ctl(msg); break;
	default:
		error(EPERM, "#ip: '%s' is not writable", c->name ? c->name->s : "?");
	}
	return n;
}

/* ------------------------------------------------------------ taps */

static void ip_tapfd(struct chan *c, struct fd_tap *tap, int cmd)
{
	int k = QK(c->qid.path);
	struct conv *cv = c->aux;
	struct fdtap_list *l = NULL;
	uint32_t ready = 0;

	if (cv && k == Qdata)
		l = &cv->data_taps;
	else if (cv && (k == Qctl || k == Qlisten))
		l = &cv->listen_taps;
	if (!fdtap_dev_tapfd(l, tap, cmd, "#ip", "an opened conversation's data and ctl"))
		return;
	ready = (k == Qdata ? conv_data_ready(cv) : conv_listen_ready(cv)) & tap->filter;
	if (ready)
		fdtap_fire(tap, ready);
}

static char *ip_chaninfo(struct chan *c, char *buf, size_t len)
{
	uint64_t path = c->qid.path;

	snprintf(buf, len, "ip kind %d index %u conv %u", QK(path), QI(path), QX(path));
	return buf;
}

struct dev ip_devtab __devtab = {
	.name = "ip",
	.letter = 'I',
	.reset = devreset,
	.init = ip_init,
	.shutdown = devshutdown,
	.attach = ip_attach,
	.walk = ip_walk,
	.stat = ip_stat,
	.open = ip_open,
	.create = devcreate,
	.close = ip_close,
	.read = ip_read,
	.bread = devbread,
	.write = ip_write,
	.bwrite = devbwrite,
	.remove = devremove,
	.rename = devrename,
	.wstat = devwstat,
	.chaninfo = ip_chaninfo,
	.tapfd = ip_tapfd,
};
