/* SPDX-License-Identifier: MIT */
/*
 * ramfs9p.c - /bin/ramfs9p: a 9P2000 file server that keeps its files in
 * memory, the other end of #mnt (Documentation/dev/mnt.md) for tests and
 * for users.
 *
 *	ramfs9p [-t] [-m MSIZE] [-x N] [FD]     serve on FD (default 0)
 *	ramfs9p [-t] [-m MSIZE] [-x N] -s NAME  post a pipe end as #srv/NAME,
 *	                                        serve on the other end
 *
 * Then `mount -c '#srv/NAME' DIR` (or the mount syscall on FD's other
 * end) shows the tree.  -m caps the msize it agrees to (to test transfers
 * in many messages), -x N exits after N requests (to test a server that
 * dies mid-use), -t traces each request and its answer on stderr.  One
 * request at a time, in order, so a Tflush always finds its request
 * answered and gets Rflush at once.  Exits 0 at EOF, 1 on a write error or
 * -x, 2 on bad usage.
 *
 * Files are nodes in one growing array, never reused (a removed node is
 * marked gone, so a fid on it fails cleanly); fids map to nodes in a small
 * open table.  Messages are made and checked with the kernel's own
 * marshalling (kern/src/ns/ninep.c, built for user space): a malformed
 * request gets Rerror, never a crash.
 */
/* The kernel's 9P marshalling first: its ros/fcntl.h spells the open modes
 * Vireo's way, and the C library's headers after it must win (as must
 * musl's use of the name __unused, a kernel macro). */
#include <ninep.h>
#undef __unused
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

#define RF_MSIZE_MAX  (64 * 1024 + IOHDRSZ)
#define RF_NAME_MAX   255

struct rf_node {
	char name[RF_NAME_MAX + 1];
	int parent;             /* node index; the root is its own parent */
	bool gone;              /* removed */
	uint32_t mode;          /* DMDIR | permission bits */
	uint32_t vers;
	uint64_t mtime;
	uint8_t *data;
	size_t len, cap;
};

struct rf_fid {
	uint32_t fid;           /* NOFID: free slot */
	int node;
	bool open, rclose;
	int omode;              /* 9P's OREAD .. ORDWR */
	uint64_t dir_off;       /* directory read: the offset the next read must ask */
	int dir_next;           /* ... and the node to go on from */
};

static struct rf_node *nodes;
static int nnodes;
static struct rf_fid *fids;
static int nfids;
static uint32_t msize = RF_MSIZE_MAX, msize_cap = RF_MSIZE_MAX;
static bool trace;              /* -t: each request and its answer on stderr */

/* ---------------------------------------------------------------- nodes */

static int rf_node_new(const char *name, int parent, uint32_t mode)
{
	struct rf_node *n;

	if (nnodes % 64 == 0) {
		n = realloc(nodes, (size_t)(nnodes + 64) * sizeof(*nodes));
		if (!n)
			return -1;
		nodes = n;
	}
	n = &nodes[nnodes];
	memset(n, 0, sizeof(*n));
	snprintf(n->name, sizeof(n->name), "%s", name);
	n->parent = parent;
	n->mode = mode;
	n->mtime = (uint64_t)time(NULL);
	return nnodes++;
}

static struct qid rf_qid(int i)
{
	return mkqid((uint64_t)i, nodes[i].vers, (uint8_t)(nodes[i].mode >> 24));
}

static int rf_child(int dir, const char *name)
{
	for (int i = 1; i < nnodes; i++)
		if (!nodes[i].gone && nodes[i].parent == dir && !strcmp(nodes[i].name, name))
			return i;
	return -1;
}

static void rf_dir(int i, struct dir *d)
{
	memset(d, 0, sizeof(*d));
	d->qid = rf_qid(i);
	d->mode = nodes[i].mode;
	d->atime = d->mtime = nodes[i].mtime;
	d->length = (nodes[i].mode & DMDIR) ? 0 : (int64_t)nodes[i].len;
	d->name = i ? nodes[i].name : "/";
	d->uid = d->gid = d->muid = "ramfs";
	d->ext = "";
}

static int rf_truncate(struct rf_node *n, size_t len)
{
	if (len > n->cap) {
		size_t cap = n->cap ? n->cap : 4096;
		uint8_t *p;

		while (cap < len)
			cap *= 2;
		p = realloc(n->data, cap);
		if (!p)
			return -1;
		n->data = p;
		n->cap = cap;
	}
	if (len > n->len)
		memset(n->data + n->len, 0, len - n->len);
	n->len = len;
	n->vers++;
	n->mtime = (uint64_t)time(NULL);
	return 0;
}

/* ----------------------------------------------------------------- fids */

static struct rf_fid *rf_fid(uint32_t fid)
{
	for (int i = 0; i < nfids; i++)
		if (fids[i].fid == fid && fid != NOFID)
			return &fids[i];
	return NULL;
}

static struct rf_fid *rf_fid_new(uint32_t fid, int node)
{
	struct rf_fid *f = NULL;

	for (int i = 0; i < nfids && !f; i++)
		if (fids[i].fid == NOFID)
			f = &fids[i];
	if (!f) {
		struct rf_fid *p = realloc(fids, (size_t)(nfids + 1) * sizeof(*fids));

		if (!p)
			return NULL;
		fids = p;
		f = &fids[nfids++];
	}
	memset(f, 0, sizeof(*f));
	f->fid = fid;
	f->node = node;
	return f;
}

static void rf_clunk(struct rf_fid *f)
{
	f->fid = NOFID;
}

/* ------------------------------------------------------------- requests */

/* Each handler fills r (type preset to the R-type) or returns an error text. */
typedef const char *(*rf_handler)(const struct fcall *t, struct fcall *r, uint8_t *io);

/* The fid's live node, or NULL with *why set. */
static struct rf_fid *rf_use(uint32_t fid, const char **why)
{
	struct rf_fid *f = rf_fid(fid);

	*why = !f ? "unknown fid" : nodes[f->node].gone ? "file does not exist" : NULL;
	return *why ? NULL : f;
}

static const char *rf_version(const struct fcall *t, struct fcall *r, uint8_t *io)
{
	(void)io;
	for (int i = 0; i < nfids; i++)
		rf_clunk(&fids[i]);
	msize = t->msize < msize_cap ? t->msize : msize_cap;
	r->msize = msize;
	r->version = strncmp(t->version, "9P2000", 6) ? "unknown" : "9P2000";
	return NULL;
}

static const char *rf_attach(const struct fcall *t, struct fcall *r, uint8_t *io)
{
	(void)io;
	if (rf_fid(t->fid))
		return "fid in use";
	if (!rf_fid_new(t->fid, 0))
		return "out of memory";
	r->qid = rf_qid(0);
	return NULL;
}

static const char *rf_walk(const struct fcall *t, struct fcall *r, uint8_t *io)
{
	const char *why;
	struct rf_fid *f = rf_use(t->fid, &why);
	int n;

	(void)io;
	if (!f)
		return why;
	if (f->open)
		return "fid is open";
	if (t->newfid != t->fid && rf_fid(t->newfid))
		return "newfid in use";
	n = f->node;
	for (r->nwqid = 0; r->nwqid < t->nwname; r->nwqid++) {
		const char *e = t->wname[r->nwqid];
		int next = !(nodes[n].mode & DMDIR) ? -1 :
		           !strcmp(e, "..") ? nodes[n].parent : rf_child(n, e);

		if (next < 0)
			break;
		n = next;
		r->wqid[r->nwqid] = rf_qid(n);
	}
	if (t->nwname && !r->nwqid)
		return "file does not exist";
	if (r->nwqid < t->nwname)
		return NULL;
	if (t->newfid == t->fid)
		f->node = n;
	else if (!rf_fid_new(t->newfid, n))
		return "out of memory";
	return NULL;
}

static const char *rf_open(const struct fcall *t, struct fcall *r, uint8_t *io)
{
	const char *why;
	struct rf_fid *f = rf_use(t->fid, &why);
	struct rf_node *n;

	(void)io;
	if (!f)
		return why;
	n = &nodes[f->node];
	if (f->open)
		return "fid already open";
	if ((n->mode & DMDIR) && ((t->mode & 3) != 0 || (t->mode & 0x10)))
		return "is a directory";
	if ((t->mode & 0x10) && rf_truncate(n, 0))
		return "out of memory";
	f->open = true;
	f->omode = t->mode & 3;
	f->rclose = t->mode & 0x40;
	r->qid = rf_qid(f->node);
	r->iounit = 0;
	return NULL;
}

static const char *rf_create(const struct fcall *t, struct fcall *r, uint8_t *io)
{
	const char *why;
	struct rf_fid *f = rf_use(t->fid, &why);
	int i;

	(void)io;
	if (!f)
		return why;
	if (f->open || !(nodes[f->node].mode & DMDIR))
		return f->open ? "fid is open" : "not a directory";
	if (!strcmp(t->name, ".") || !strcmp(t->name, "..") || strchr(t->name, '/') ||
	    !t->name[0] || strlen(t->name) > RF_NAME_MAX)
		return "invalid file name";
	if (rf_child(f->node, t->name) >= 0)
		return "file exists";
	i = rf_node_new(t->name, f->node, t->perm & (DMDIR | 0777));
	if (i < 0)
		return "out of memory";
	f->node = i;
	f->open = true;
	f->omode = t->mode & 3;
	f->rclose = t->mode & 0x40;
	r->qid = rf_qid(i);
	r->iounit = 0;
	return NULL;
}

/* Packs directory entries from f->dir_next into io, up to count bytes. */
static uint32_t rf_dirread(struct rf_fid *f, uint32_t count, uint8_t *io)
{
	uint32_t n = 0;
	struct dir d;

	for (; f->dir_next < nnodes; f->dir_next++) {
		struct rf_node *c = &nodes[f->dir_next];
		size_t k;

		if (c->gone || f->dir_next == 0 || c->parent != f->node)
			continue;
		rf_dir(f->dir_next, &d);
		k = convD2M(&d, io + n, count - n);
		if (!k)
			break;
		n += (uint32_t)k;
	}
	return n;
}

static const char *rf_read(const struct fcall *t, struct fcall *r, uint8_t *io)
{
	const char *why;
	struct rf_fid *f = rf_use(t->fid, &why);
	struct rf_node *n;
	uint32_t count = t->count;

	if (!f)
		return why;
	n = &nodes[f->node];
	if (!f->open || f->omode == 1)
		return "fid not open for reading";
	if (count > msize - IOHDRSZ)
		count = msize - IOHDRSZ;
	r->data = io;
	if (n->mode & DMDIR) {
		if (t->offset == 0)
			f->dir_next = 0;
		else if (t->offset != f->dir_off)
			return "bad offset in directory read";
		r->count = rf_dirread(f, count, io);
		f->dir_off = t->offset + r->count;
		return NULL;
	}
	r->count = t->offset >= n->len ? 0 :
	           (uint32_t)(n->len - t->offset < count ? n->len - t->offset : count);
	memcpy(io, n->data + (t->offset < n->len ? t->offset : 0), r->count);
	return NULL;
}

static const char *rf_write(const struct fcall *t, struct fcall *r, uint8_t *io)
{
	const char *why;
	struct rf_fid *f = rf_use(t->fid, &why);
	struct rf_node *n;

	(void)io;
	if (!f)
		return why;
	n = &nodes[f->node];
	if (!f->open || f->omode == 0 || f->omode == 3)
		return "fid not open for writing";
	if (t->offset > (1ULL << 31) || t->count > (1U << 31))
		return "file too large";
	if (t->offset + t->count > n->len && rf_truncate(n, t->offset + t->count))
		return "no space left";
	memcpy(n->data + t->offset, t->data, t->count);
	n->vers++;
	r->count = t->count;
	return NULL;
}

static void rf_remove_node(int i)
{
	nodes[i].gone = true;
	free(nodes[i].data);
	nodes[i].data = NULL;
	nodes[i].len = nodes[i].cap = 0;
}

static const char *rf_clunk_req(const struct fcall *t, struct fcall *r, uint8_t *io)
{
	struct rf_fid *f = rf_fid(t->fid);

	(void)r;
	(void)io;
	if (!f)
		return "unknown fid";
	if (f->rclose && !nodes[f->node].gone && f->node)
		rf_remove_node(f->node);
	rf_clunk(f);
	return NULL;
}

static const char *rf_remove(const struct fcall *t, struct fcall *r, uint8_t *io)
{
	const char *why;
	struct rf_fid *f = rf_use(t->fid, &why);
	int i;

	(void)r;
	(void)io;
	if (!f) {
		if (rf_fid(t->fid))
			rf_clunk(rf_fid(t->fid));
		return why;
	}
	i = f->node;
	rf_clunk(f);
	if (i == 0)
		return "permission denied";
	for (int k = 1; k < nnodes; k++)
		if (!nodes[k].gone && nodes[k].parent == i)
			return "directory not empty";
	rf_remove_node(i);
	return NULL;
}

static const char *rf_stat(const struct fcall *t, struct fcall *r, uint8_t *io)
{
	const char *why;
	struct rf_fid *f = rf_use(t->fid, &why);
	struct dir d;

	if (!f)
		return why;
	rf_dir(f->node, &d);
	r->nstat = (uint16_t)convD2M(&d, io, msize - IOHDRSZ);
	r->stat = io;
	return r->nstat ? NULL : "stat too long";
}

static const char *rf_wstat(const struct fcall *t, struct fcall *r, uint8_t *io)
{
	const char *why;
	struct rf_fid *f = rf_use(t->fid, &why);
	struct rf_node *n;
	struct dir d;
	char *strs = (char *)io;

	(void)r;
	if (!f)
		return why;
	n = &nodes[f->node];
	if (!convM2D(t->stat, t->nstat, &d, strs))
		return "bad stat";
	if (d.name[0] && strcmp(d.name, n->name)) {
		if (f->node == 0 || strchr(d.name, '/') || strlen(d.name) > RF_NAME_MAX)
			return "invalid file name";
		if (rf_child(n->parent, d.name) >= 0)
			return "file exists";
	}
	if (d.length != -1 && (n->mode & DMDIR))
		return "is a directory";
	if (d.length != -1 && (d.length < 0 || d.length > (1LL << 31) ||
	                       rf_truncate(n, (size_t)d.length)))
		return "no space left";
	if (d.name[0])
		snprintf(n->name, sizeof(n->name), "%s", d.name);
	if (d.mode != ~0U)
		n->mode = (n->mode & DMDIR) | (d.mode & 0777);
	if (d.mtime != UINT64_MAX)
		n->mtime = d.mtime;
	return NULL;
}

static const char *rf_flush(const struct fcall *t, struct fcall *r, uint8_t *io)
{
	(void)t;
	(void)r;
	(void)io;
	return NULL;            /* every earlier request is already answered */
}

static const char *rf_auth(const struct fcall *t, struct fcall *r, uint8_t *io)
{
	(void)t;
	(void)r;
	(void)io;
	return "no authentication required";
}

static const rf_handler rf_handlers[Tmax] = {
	[Tversion] = rf_version, [Tauth] = rf_auth, [Tattach] = rf_attach,
	[Tflush] = rf_flush, [Twalk] = rf_walk, [Topen] = rf_open,
	[Tcreate] = rf_create, [Tread] = rf_read, [Twrite] = rf_write,
	[Tclunk] = rf_clunk_req, [Tremove] = rf_remove, [Tstat] = rf_stat,
	[Twstat] = rf_wstat,
};

/* --------------------------------------------------------------- the loop */

static uint8_t inbuf[RF_MSIZE_MAX], outbuf[RF_MSIZE_MAX], iobuf[RF_MSIZE_MAX];
static char strs[RF_MSIZE_MAX];
static size_t inlen;

/* Reads until one whole message is in inbuf: its length, 0 at EOF, -1 if
 * the stream is broken (a size outside [7, msize]). */
static long rf_collect(int fd)
{
	for (;;) {
		size_t want = ninep_msg_size(inbuf, inlen);
		ssize_t n;

		if (want && (want < NINEP_HDRSZ || want > RF_MSIZE_MAX))
			return -1;
		if (want && inlen >= want)
			return (long)want;
		n = read(fd, inbuf + inlen, sizeof(inbuf) - inlen);
		if (n <= 0)
			return 0;
		inlen += (size_t)n;
	}
}

static int rf_reply(int fd, struct fcall *r)
{
	size_t n = convS2M(r, outbuf, sizeof(outbuf));

	if (!n) {
		r->type = Rerror;
		r->ename = "reply does not fit";
		n = convS2M(r, outbuf, sizeof(outbuf));
	}
	return write(fd, outbuf, n) == (ssize_t)n ? 0 : -1;
}

static int rf_serve(int fd, long limit)
{
	for (long served = 0;; served++) {
		long n = rf_collect(fd);
		struct fcall t, r = { 0 };
		const char *why;

		if (n <= 0)
			return n < 0 ? 1 : 0;
		if (limit >= 0 && served >= limit)
			return 1;
		if (!convM2S(inbuf, (size_t)n, &t, strs) || (t.type & 1) || !rf_handlers[t.type]) {
			r.type = Rerror;
			r.tag = (uint16_t)(inbuf[5] | inbuf[6] << 8);
			r.ename = "malformed request";
		} else {
			r.type = (uint8_t)(t.type + 1);
			r.tag = t.tag;
			why = rf_handlers[t.type](&t, &r, iobuf);
			if (why) {
				r.type = Rerror;
				r.ename = why;
			}
		}
		if (trace)
			fprintf(stderr, "ramfs9p: %s tag %u fid %u -> %s%s\n",
			        ninep_type_name(inbuf[4]), r.tag, t.fid, ninep_type_name(r.type),
			        r.type == Rerror ? r.ename : "");
		memmove(inbuf, inbuf + n, inlen - (size_t)n);
		inlen -= (size_t)n;
		if (rf_reply(fd, &r))
			return 1;
	}
}

/* Makes a pipe, posts one end as /srv/NAME, returns the other. */
static int rf_post(const char *name)
{
	char path[300], num[16];
	int p[2], s;

	/* both ends read and write, unlike pipe()'s */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, p))
		return -1;
	snprintf(path, sizeof(path), "#srv/%s", name);
	s = creat(path, 0666);
	if (s < 0)
		return -1;
	snprintf(num, sizeof(num), "%d", p[0]);
	if (write(s, num, strlen(num)) < 0)
		return -1;
	close(s);
	close(p[0]);
	return p[1];
}

int main(int argc, char **argv)
{
	long limit = -1;
	int fd = 0, c;
	const char *srv = NULL;

	while ((c = getopt(argc, argv, "m:x:s:t")) != -1) {
		if (c == 't')
			trace = true;
		else if (c == 'm')
			msize_cap = (uint32_t)strtoul(optarg, NULL, 0);
		else if (c == 'x')
			limit = strtol(optarg, NULL, 0);
		else if (c == 's')
			srv = optarg;
		else
			goto usage;
	}
	if (msize_cap < 256 || msize_cap > RF_MSIZE_MAX)
		goto usage;
	if (optind < argc)
		fd = atoi(argv[optind]);
	if (srv && (fd = rf_post(srv)) < 0) {
		fprintf(stderr, "ramfs9p: post #srv/%s: %s\n", srv, strerror(errno));
		return 1;
	}
	if (rf_node_new("/", 0, DMDIR | 0777) != 0)
		return 1;
	return rf_serve(fd, limit);
usage:
	fprintf(stderr, "usage: ramfs9p [-t] [-m msize] [-x nreq] [-s srvname | fd]\n");
	return 2;
}
