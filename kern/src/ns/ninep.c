/* SPDX-License-Identifier: MIT */
/*
 * ninep.c - 9P2000 marshalling of stat entries and messages (ninep.h).
 *
 * Model: every wire format is walked by a cursor.  The encoder (struct
 * ninep_wr) runs twice over the same code: once with no buffer to count the
 * bytes (sizeD2M, sizeS2M), then into the caller's buffer, so the sizer and
 * the writer can never disagree.  The decoder (struct ninep_rd) checks each
 * field's bytes against its end before reading them; the first failure
 * records why and turns every later read into a no-op, so a parser body is
 * straight-line code that tests r->why once at the end.
 *
 * Wire facts (intro(5)): little-endian integers; strings are a 2-byte length
 * then UTF-8 bytes without a NUL; a qid is type[1] vers[4] path[8]; a message
 * is size[4] type[1] tag[2] then its fields, size counting itself.  Vireo's
 * stat extension (ninep.h): an optional fifth string, ext, after muid.
 * 9P2000.u (the dialect QEMU's server speaks): a few more fields in
 * Tauth, Tattach, Tcreate, Rerror and every stat entry; a cursor's dotu
 * says which dialect it walks.
 *
 * No allocation, no locks, no printk: the callers (devstat, devdirread, the
 * mount driver, fuzzers) decide how to report.  Entry points: sizeD2M,
 * convD2M, convM2D, statcheck, sizeS2M, convS2M, convM2S and the helpers at
 * the end.  It does not interpret messages (fids, modes, msize negotiation).
 */
#include <kstring.h>
#include <ninep.h>

#define NINEP_TIME_NONE 0xffffffffU     /* wstat "don't touch" on the wire */

/* ------------------------------------------------------------ encoder */

struct ninep_wr {
	uint8_t *buf;           /* NULL: only count */
	size_t n;               /* room in buf */
	size_t off;             /* bytes produced (or counted) so far */
	bool bad;               /* the value cannot be encoded */
	bool dotu;              /* 9P2000.u */
};

static void wr_bytes(struct ninep_wr *w, const void *src, size_t k)
{
	if (w->buf && !w->bad && k <= w->n - w->off) {
		if (k)
			memcpy(w->buf + w->off, src, k);
	}
	else if (w->buf)
		w->bad = true;
	w->off += k;
}

static void wr_uint(struct ninep_wr *w, uint64_t v, size_t width)
{
	uint8_t le[BIT64SZ];

	for (size_t i = 0; i < width; i++)
		le[i] = (uint8_t)(v >> (8 * i));
	wr_bytes(w, le, width);
}

static void wr_u8(struct ninep_wr *w, uint8_t v) { wr_uint(w, v, BIT8SZ); }
static void wr_u16(struct ninep_wr *w, uint16_t v) { wr_uint(w, v, BIT16SZ); }
static void wr_u32(struct ninep_wr *w, uint32_t v) { wr_uint(w, v, BIT32SZ); }
static void wr_u64(struct ninep_wr *w, uint64_t v) { wr_uint(w, v, BIT64SZ); }

/* NULL is the empty string; longer than 65535 bytes cannot be encoded. */
static void wr_str(struct ninep_wr *w, const char *s)
{
	size_t len = s ? strlen(s) : 0;

	if (len > 0xffff) {
		w->bad = true;
		len = 0;
	}
	wr_u16(w, (uint16_t)len);
	wr_bytes(w, s, len);
}

static void wr_qid(struct ninep_wr *w, const struct qid *q)
{
	wr_u8(w, q->type);
	wr_u32(w, q->vers);
	wr_u64(w, q->path);
}

/* Overwrites a little-endian field already produced at off. */
static void wr_patch(struct ninep_wr *w, size_t off, uint64_t v, size_t width)
{
	if (!w->buf || w->bad)
		return;
	for (size_t i = 0; i < width; i++)
		w->buf[off + i] = (uint8_t)(v >> (8 * i));
}

/* --------------------------------------------------------------- stat */

/* The wire has 32-bit times: larger values saturate to all ones, which is
 * also wstat's "don't touch"; convM2D maps it back to UINT64_MAX. */
static uint32_t ninep_time_out(uint64_t t)
{
	return t >= NINEP_TIME_NONE ? NINEP_TIME_NONE : (uint32_t)t;
}

static void enc_stat(struct ninep_wr *w, const struct dir *d)
{
	size_t start = w->off;

	wr_u16(w, 0);                   /* size, patched below */
	wr_u16(w, d->type);
	wr_u32(w, d->dev);
	wr_qid(w, &d->qid);
	wr_u32(w, d->mode);
	wr_u32(w, ninep_time_out(d->atime));
	wr_u32(w, ninep_time_out(d->mtime));
	wr_u64(w, (uint64_t)d->length);
	wr_str(w, d->name);
	wr_str(w, d->uid);
	wr_str(w, d->gid);
	wr_str(w, d->muid);
	if (w->dotu) {                  /* extension[s] n_uid[4] n_gid[4] n_muid[4] */
		wr_str(w, d->ext);
		wr_u32(w, NINEP_NONUM);
		wr_u32(w, NINEP_NONUM);
		wr_u32(w, NINEP_NONUM);
	} else if (d->ext && d->ext[0]) {
		wr_str(w, d->ext);
	}
	if (w->off - start > STATMAXLEN)
		w->bad = true;
	wr_patch(w, start, w->off - start - BIT16SZ, BIT16SZ);
}

size_t sizeD2Mx(const struct dir *d, bool dotu)
{
	struct ninep_wr w = { .dotu = dotu };

	enc_stat(&w, d);
	return w.off;
}

size_t convD2Mx(const struct dir *d, uint8_t *buf, size_t n, bool dotu)
{
	struct ninep_wr w = { .buf = buf, .n = n, .dotu = dotu };
	size_t need = sizeD2Mx(d, dotu);

	if (need > n || need > STATMAXLEN)
		return 0;
	enc_stat(&w, d);
	return w.bad ? 0 : w.off;
}

size_t sizeD2M(const struct dir *d)
{
	return sizeD2Mx(d, false);
}

size_t convD2M(const struct dir *d, uint8_t *buf, size_t n)
{
	return convD2Mx(d, buf, n, false);
}

/* ------------------------------------------------------------ decoder */

struct ninep_rd {
	const uint8_t *p;
	const uint8_t *end;
	char *strs;             /* where the next decoded string goes */
	const char *why;        /* first failure, or NULL */
	bool dotu;              /* 9P2000.u */
};

static bool rd_fail(struct ninep_rd *r, const char *why)
{
	if (!r->why)
		r->why = why;
	return false;
}

/* True if k more bytes are there to read (and nothing failed yet). */
static bool rd_need(struct ninep_rd *r, size_t k, const char *why)
{
	if (r->why)
		return false;
	if (k > (size_t)(r->end - r->p))
		return rd_fail(r, why);
	return true;
}

static uint64_t rd_uint(struct ninep_rd *r, size_t width)
{
	uint64_t v = 0;

	if (!rd_need(r, width, "truncated: a field runs past the end"))
		return 0;
	for (size_t i = 0; i < width; i++)
		v |= (uint64_t)r->p[i] << (8 * i);
	r->p += width;
	return v;
}

static uint8_t rd_u8(struct ninep_rd *r) { return (uint8_t)rd_uint(r, BIT8SZ); }
static uint16_t rd_u16(struct ninep_rd *r) { return (uint16_t)rd_uint(r, BIT16SZ); }
static uint32_t rd_u32(struct ninep_rd *r) { return (uint32_t)rd_uint(r, BIT32SZ); }
static uint64_t rd_u64(struct ninep_rd *r) { return rd_uint(r, BIT64SZ); }

/* Copies a string into r->strs (if any) with a NUL; "" on failure. */
static const char *rd_str(struct ninep_rd *r)
{
	size_t len = rd_u16(r);
	char *s = r->strs;

	if (!rd_need(r, len, "string runs past the end"))
		return "";
	for (size_t i = 0; i < len; i++) {
		if (r->p[i] == 0) {
			rd_fail(r, "string holds a NUL byte");
			return "";
		}
	}
	r->p += len;
	if (!s)
		return "";
	if (len)
		memcpy(s, r->p - len, len);
	s[len] = '\0';
	r->strs += len + 1;
	return s;
}

static struct qid rd_qid(struct ninep_rd *r)
{
	struct qid q;

	q.type = rd_u8(r);
	q.vers = rd_u32(r);
	q.path = rd_u64(r);
	return q;
}

static uint64_t ninep_time_in(uint32_t t)
{
	return t == NINEP_TIME_NONE ? UINT64_MAX : t;
}

/* The fixed fields and the strings of one entry whose extent r bounds. */
static void dec_stat_body(struct ninep_rd *r, struct dir *d)
{
	d->type = rd_u16(r);
	d->dev = rd_u32(r);
	d->qid = rd_qid(r);
	d->mode = rd_u32(r);
	d->atime = ninep_time_in(rd_u32(r));
	d->mtime = ninep_time_in(rd_u32(r));
	d->length = (int64_t)rd_u64(r);
	d->name = rd_str(r);
	d->uid = rd_str(r);
	d->gid = rd_str(r);
	d->muid = rd_str(r);
	d->ext = "";
	if (r->dotu) {                  /* the numeric ids are not kept */
		d->ext = rd_str(r);
		rd_u32(r);
		rd_u32(r);
		rd_u32(r);
	} else if (!r->why && r->p != r->end) {
		d->ext = rd_str(r);
	}
	if (!r->why && r->p != r->end)
		rd_fail(r, "stat size field larger than its fields");
}

/* One entry at r->p: its size field must fit what is left; r is advanced
 * past it.  d may be NULL to only check. */
static void dec_stat(struct ninep_rd *r, struct dir *d)
{
	struct dir scratch;
	struct ninep_rd sub;
	uint16_t size = rd_u16(r);

	if (r->why)
		return;
	if (size < STATFIXLEN - BIT16SZ) {
		rd_fail(r, "stat size field smaller than the fixed fields");
		return;
	}
	if (!rd_need(r, size, "stat size field runs past the buffer"))
		return;
	sub = (struct ninep_rd){ .p = r->p, .end = r->p + size, .strs = r->strs,
	                         .dotu = r->dotu };
	dec_stat_body(&sub, d ? d : &scratch);
	r->p += size;
	r->strs = sub.strs;
	if (sub.why)
		rd_fail(r, sub.why);
}

size_t convM2Dx(const uint8_t *buf, size_t n, struct dir *d, char *strs, bool dotu)
{
	struct ninep_rd r = { .p = buf, .end = buf + n, .strs = strs, .dotu = dotu };

	memset(d, 0, sizeof(*d));
	dec_stat(&r, d);
	return r.why ? 0 : (size_t)(r.p - buf);
}

size_t convM2D(const uint8_t *buf, size_t n, struct dir *d, char *strs)
{
	return convM2Dx(buf, n, d, strs, false);
}

const char *ninep_stat_errorx(const uint8_t *buf, size_t n, bool dotu)
{
	struct ninep_rd r = { .p = buf, .end = buf + n, .dotu = dotu };

	dec_stat(&r, NULL);
	if (!r.why && r.p != r.end)
		rd_fail(&r, "bytes left after the stat entry");
	return r.why;
}

const char *ninep_stat_error(const uint8_t *buf, size_t n)
{
	return ninep_stat_errorx(buf, n, false);
}

int statcheck(const uint8_t *buf, size_t n)
{
	return ninep_stat_error(buf, n) ? -1 : 0;
}

/* ----------------------------------------------------- message bodies */

/* Fields after size[4] type[1] tag[2], by type.  Encoders mark what cannot
 * be encoded (w->bad); unknown types are refused by the caller. */
static void enc_walk(struct ninep_wr *w, const struct fcall *f)
{
	wr_u32(w, f->fid);
	wr_u32(w, f->newfid);
	wr_u16(w, f->nwname);
	if (f->nwname > MAXWELEM) {
		w->bad = true;
		return;
	}
	for (unsigned int i = 0; i < f->nwname; i++)
		wr_str(w, f->wname[i]);
}

static void enc_rwalk(struct ninep_wr *w, const struct fcall *f)
{
	wr_u16(w, f->nwqid);
	if (f->nwqid > MAXWELEM) {
		w->bad = true;
		return;
	}
	for (unsigned int i = 0; i < f->nwqid; i++)
		wr_qid(w, &f->wqid[i]);
}

/* count[4] data[count]. */
static void enc_data(struct ninep_wr *w, const struct fcall *f)
{
	wr_u32(w, f->count);
	if (f->count && !f->data)
		w->bad = true;
	else
		wr_bytes(w, f->data, f->count);
}

/* n[2] stat[n], where stat must be one well-formed entry. */
static void enc_statbuf(struct ninep_wr *w, const struct fcall *f)
{
	wr_u16(w, f->nstat);
	if (!f->stat || ninep_stat_errorx(f->stat, f->nstat, w->dotu))
		w->bad = true;
	else
		wr_bytes(w, f->stat, f->nstat);
}

static void enc_tmsg(struct ninep_wr *w, const struct fcall *f)
{
	switch (f->type) {
	case Tversion:
		wr_u32(w, f->msize);
		wr_str(w, f->version);
		break;
	case Tauth:
		wr_u32(w, f->afid);
		wr_str(w, f->uname);
		wr_str(w, f->aname);
		if (w->dotu)
			wr_u32(w, f->n_uname);
		break;
	case Tattach:
		wr_u32(w, f->fid);
		wr_u32(w, f->afid);
		wr_str(w, f->uname);
		wr_str(w, f->aname);
		if (w->dotu)
			wr_u32(w, f->n_uname);
		break;
	case Tflush:
		wr_u16(w, f->oldtag);
		break;
	case Twalk:
		enc_walk(w, f);
		break;
	case Topen:
		wr_u32(w, f->fid);
		wr_u8(w, f->mode);
		break;
	case Tcreate:
		wr_u32(w, f->fid);
		wr_str(w, f->name);
		wr_u32(w, f->perm);
		wr_u8(w, f->mode);
		if (w->dotu)
			wr_str(w, f->extension);
		break;
	case Tread:
		wr_u32(w, f->fid);
		wr_u64(w, f->offset);
		wr_u32(w, f->count);
		break;
	case Twrite:
		wr_u32(w, f->fid);
		wr_u64(w, f->offset);
		enc_data(w, f);
		break;
	case Tclunk:
	case Tremove:
	case Tstat:
		wr_u32(w, f->fid);
		break;
	case Twstat:
		wr_u32(w, f->fid);
		enc_statbuf(w, f);
		break;
	default:
		w->bad = true;
	}
}

static void enc_rmsg(struct ninep_wr *w, const struct fcall *f)
{
	switch (f->type) {
	case Rversion:
		wr_u32(w, f->msize);
		wr_str(w, f->version);
		break;
	case Rauth:
		wr_qid(w, &f->aqid);
		break;
	case Rattach:
		wr_qid(w, &f->qid);
		break;
	case Rerror:
		wr_str(w, f->ename);
		if (w->dotu)
			wr_u32(w, f->errnum);
		break;
	case Rwalk:
		enc_rwalk(w, f);
		break;
	case Ropen:
	case Rcreate:
		wr_qid(w, &f->qid);
		wr_u32(w, f->iounit);
		break;
	case Rread:
		enc_data(w, f);
		break;
	case Rwrite:
		wr_u32(w, f->count);
		break;
	case Rstat:
		enc_statbuf(w, f);
		break;
	case Rflush:
	case Rclunk:
	case Rremove:
	case Rwstat:
		break;
	default:
		w->bad = true;
	}
}

static void enc_fcall(struct ninep_wr *w, const struct fcall *f)
{
	wr_u32(w, 0);                   /* size, patched below */
	wr_u8(w, f->type);
	wr_u16(w, f->tag);
	if (f->type & 1)
		enc_rmsg(w, f);
	else
		enc_tmsg(w, f);
	if (w->off > UINT32_MAX)
		w->bad = true;
	wr_patch(w, 0, w->off, BIT32SZ);
}

size_t sizeS2M(const struct fcall *f)
{
	struct ninep_wr w = { .dotu = f->dotu };

	enc_fcall(&w, f);
	return w.bad ? 0 : w.off;
}

size_t convS2M(const struct fcall *f, uint8_t *buf, size_t n)
{
	struct ninep_wr w = { .buf = buf, .n = n, .dotu = f->dotu };
	size_t need = sizeS2M(f);

	if (need == 0 || need > n)
		return 0;
	enc_fcall(&w, f);
	return w.bad ? 0 : w.off;
}

/* ------------------------------------------------------ message decode */

static void dec_walk(struct ninep_rd *r, struct fcall *f)
{
	f->fid = rd_u32(r);
	f->newfid = rd_u32(r);
	f->nwname = rd_u16(r);
	if (f->nwname > MAXWELEM) {
		rd_fail(r, "Twalk nwname over MAXWELEM");
		return;
	}
	for (unsigned int i = 0; i < f->nwname; i++)
		f->wname[i] = rd_str(r);
}

static void dec_rwalk(struct ninep_rd *r, struct fcall *f)
{
	f->nwqid = rd_u16(r);
	if (f->nwqid > MAXWELEM) {
		rd_fail(r, "Rwalk nwqid over MAXWELEM");
		return;
	}
	for (unsigned int i = 0; i < f->nwqid; i++)
		f->wqid[i] = rd_qid(r);
}

static void dec_data(struct ninep_rd *r, struct fcall *f)
{
	f->count = rd_u32(r);
	if (!rd_need(r, f->count, "data count runs past the message"))
		return;
	f->data = r->p;
	r->p += f->count;
}

static void dec_statbuf(struct ninep_rd *r, struct fcall *f)
{
	const char *why;

	f->nstat = rd_u16(r);
	if (!rd_need(r, f->nstat, "stat count runs past the message"))
		return;
	f->stat = r->p;
	why = ninep_stat_errorx(r->p, f->nstat, r->dotu);
	if (why)
		rd_fail(r, why);
	r->p += f->nstat;
}

static void dec_tmsg(struct ninep_rd *r, struct fcall *f)
{
	switch (f->type) {
	case Tversion:
		f->msize = rd_u32(r);
		f->version = rd_str(r);
		break;
	case Tauth:
		f->afid = rd_u32(r);
		f->uname = rd_str(r);
		f->aname = rd_str(r);
		if (r->dotu)
			f->n_uname = rd_u32(r);
		break;
	case Tattach:
		f->fid = rd_u32(r);
		f->afid = rd_u32(r);
		f->uname = rd_str(r);
		f->aname = rd_str(r);
		if (r->dotu)
			f->n_uname = rd_u32(r);
		break;
	case Tflush:
		f->oldtag = rd_u16(r);
		break;
	case Twalk:
		dec_walk(r, f);
		break;
	case Topen:
		f->fid = rd_u32(r);
		f->mode = rd_u8(r);
		break;
	case Tcreate:
		f->fid = rd_u32(r);
		f->name = rd_str(r);
		f->perm = rd_u32(r);
		f->mode = rd_u8(r);
		f->extension = r->dotu ? rd_str(r) : NULL;
		break;
	case Tread:
		f->fid = rd_u32(r);
		f->offset = rd_u64(r);
		f->count = rd_u32(r);
		break;
	case Twrite:
		f->fid = rd_u32(r);
		f->offset = rd_u64(r);
		dec_data(r, f);
		break;
	case Tclunk:
	case Tremove:
	case Tstat:
		f->fid = rd_u32(r);
		break;
	case Twstat:
		f->fid = rd_u32(r);
		dec_statbuf(r, f);
		break;
	default:
		rd_fail(r, "unknown or illegal message type");
	}
}

static void dec_rmsg(struct ninep_rd *r, struct fcall *f)
{
	switch (f->type) {
	case Rversion:
		f->msize = rd_u32(r);
		f->version = rd_str(r);
		break;
	case Rauth:
		f->aqid = rd_qid(r);
		break;
	case Rattach:
		f->qid = rd_qid(r);
		break;
	case Rerror:
		f->ename = rd_str(r);
		if (r->dotu)
			f->errnum = rd_u32(r);
		break;
	case Rwalk:
		dec_rwalk(r, f);
		break;
	case Ropen:
	case Rcreate:
		f->qid = rd_qid(r);
		f->iounit = rd_u32(r);
		break;
	case Rread:
		dec_data(r, f);
		break;
	case Rwrite:
		f->count = rd_u32(r);
		break;
	case Rstat:
		dec_statbuf(r, f);
		break;
	case Rflush:
	case Rclunk:
	case Rremove:
	case Rwstat:
		break;
	default:
		rd_fail(r, "unknown message type");
	}
}

/* Decodes one message; returns its size, or 0 with r->why set. */
static size_t dec_fcall(struct ninep_rd *r, struct fcall *f)
{
	const uint8_t *start = r->p;
	uint32_t size = rd_u32(r);

	if (size < NINEP_HDRSZ)
		rd_fail(r, "size field smaller than the header");
	else if (size > (size_t)(r->end - start))
		rd_fail(r, "size field runs past the buffer");
	if (r->why)
		return 0;
	r->end = start + size;
	f->type = rd_u8(r);
	f->tag = rd_u16(r);
	if (f->type & 1)
		dec_rmsg(r, f);
	else
		dec_tmsg(r, f);
	if (!r->why && r->p != r->end)
		rd_fail(r, "size field larger than the message's fields");
	return r->why ? 0 : size;
}

size_t convM2Sx(const uint8_t *buf, size_t n, struct fcall *f, char *strs, bool dotu)
{
	struct ninep_rd r = { .p = buf, .end = buf + n, .strs = strs, .dotu = dotu };

	memset(f, 0, sizeof(*f));
	f->dotu = dotu;
	return dec_fcall(&r, f);
}

size_t convM2S(const uint8_t *buf, size_t n, struct fcall *f, char *strs)
{
	return convM2Sx(buf, n, f, strs, false);
}

const char *ninep_msg_errorx(const uint8_t *buf, size_t n, bool dotu)
{
	struct ninep_rd r = { .p = buf, .end = buf + n, .dotu = dotu };
	struct fcall f;

	memset(&f, 0, sizeof(f));
	dec_fcall(&r, &f);
	return r.why;
}

const char *ninep_msg_error(const uint8_t *buf, size_t n)
{
	return ninep_msg_errorx(buf, n, false);
}

/* ------------------------------------------------------------ helpers */

size_t ninep_msg_size(const uint8_t *buf, size_t n)
{
	struct ninep_rd r = { .p = buf, .end = buf + n };
	uint32_t size = rd_u32(&r);

	return r.why ? 0 : size;
}

int ninep_check_msize(const struct fcall *f, uint32_t msize)
{
	size_t size = sizeS2M(f);

	if (size == 0 || size > msize)
		return -1;
	if (f->type == Tread && (msize < IOHDRSZ || f->count > msize - IOHDRSZ))
		return -1;
	return 0;
}

static const char *const ninep_names[Tmax - Tversion] = {
	"Tversion", "Rversion", "Tauth", "Rauth", "Tattach", "Rattach",
	"Terror", "Rerror", "Tflush", "Rflush", "Twalk", "Rwalk",
	"Topen", "Ropen", "Tcreate", "Rcreate", "Tread", "Rread",
	"Twrite", "Rwrite", "Tclunk", "Rclunk", "Tremove", "Rremove",
	"Tstat", "Rstat", "Twstat", "Rwstat",
};

const char *ninep_type_name(unsigned int type)
{
	if (type < Tversion || type >= Tmax)
		return "unknown";
	return ninep_names[type - Tversion];
}
