/* SPDX-License-Identifier: MIT */
/*
 * test_ninep.c - host tests of kern/src/ns/ninep.c (9P2000 marshalling).
 *
 * Covers: round trips of stat entries (with and without the ext string, empty
 * and long strings, extreme numbers, wstat "don't touch" values) and of every
 * 9P2000 message; golden byte vectors computed by hand from intro(5) and the
 * message pages of the 9P2000 manual; malformed input: every message and stat
 * truncated at every byte offset (with the size field left alone and with it
 * rewritten to match), size fields too big and too small, nwname/nwqid 17,
 * strings and counts running past the end, NUL bytes in strings, unknown
 * types, bad stat payloads; encoders refusing short buffers without writing;
 * and a seeded stream of random and mutated buffers.  Inputs are heap copies
 * of exact size, so ASan catches any read past n.
 */
#include <ninep.h>

#include <string.h>

#include "htest.h"

/* ---------------------------------------------------------- helpers --- */

/* A heap copy of exactly n bytes (at least 1 allocated), for ASan. */
static uint8_t *exact_copy(const uint8_t *src, size_t n)
{
	uint8_t *p = malloc(n ? n : 1);

	HT_ASSERT(p);
	if (n)
		memcpy(p, src, n);
	return p;
}

static void put_le(uint8_t *p, uint64_t v, size_t width)
{
	for (size_t i = 0; i < width; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static bool qid_eq(const struct qid *a, const struct qid *b)
{
	return a->path == b->path && a->vers == b->vers && a->type == b->type;
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

static void assert_dir_eq(const struct dir *a, const struct dir *b)
{
	HT_ASSERT_EQ(a->type, b->type);
	HT_ASSERT_EQ(a->dev, b->dev);
	HT_ASSERT(qid_eq(&a->qid, &b->qid));
	HT_ASSERT_EQ(a->mode, b->mode);
	HT_ASSERT(a->atime == b->atime);
	HT_ASSERT(a->mtime == b->mtime);
	HT_ASSERT_EQ(a->length, b->length);
	HT_ASSERT_STREQ(nz(a->name), nz(b->name));
	HT_ASSERT_STREQ(nz(a->uid), nz(b->uid));
	HT_ASSERT_STREQ(nz(a->gid), nz(b->gid));
	HT_ASSERT_STREQ(nz(a->muid), nz(b->muid));
	HT_ASSERT_STREQ(nz(a->ext), nz(b->ext));
}

/* Encodes d, checks the size and the size field, decodes and compares. */
static size_t stat_roundtrip(const struct dir *d, uint8_t *buf, size_t cap)
{
	size_t n = sizeD2M(d);
	struct dir out;
	char *strs;
	uint8_t *copy;

	HT_ASSERT(n >= STATFIXLEN && n <= cap);
	HT_ASSERT_EQ(convD2M(d, buf, cap), n);
	HT_ASSERT_EQ(buf[0] | buf[1] << 8, n - BIT16SZ);
	HT_ASSERT_EQ(statcheck(buf, n), 0);
	copy = exact_copy(buf, n);
	strs = malloc(n);
	HT_ASSERT_EQ(convM2D(copy, n, &out, strs), n);
	assert_dir_eq(d, &out);
	free(strs);
	free(copy);
	return n;
}

static struct dir sample_dir(void)
{
	return (struct dir){
		.type = 0x1234, .dev = 0x56789abc,
		.qid = { .path = 0x0102030405060708ull, .vers = 1, .type = QTDIR },
		.mode = DMDIR | 0755, .atime = 1, .mtime = 2, .length = 3,
		.name = "a", .uid = "u", .gid = "g", .muid = "", .ext = "",
	};
}

/* -------------------------------------------------------------- stat --- */

HTEST(stat_roundtrip_plain_and_ext)
{
	uint8_t buf[512];
	struct dir d = sample_dir();
	size_t plain = stat_roundtrip(&d, buf, sizeof(buf));

	HT_ASSERT_EQ(plain, STATFIXLEN + 3);
	d.ext = "../target/file";
	d.mode = DMSYMLINK | 0777;
	d.qid.type = QTSYMLINK;
	HT_ASSERT_EQ(stat_roundtrip(&d, buf, sizeof(buf)),
	             plain + BIT16SZ + strlen(d.ext));
	d = (struct dir){ 0 };          /* NULL strings encode as empty */
	HT_ASSERT_EQ(stat_roundtrip(&d, buf, sizeof(buf)), STATFIXLEN);
}

HTEST(stat_roundtrip_extremes)
{
	uint8_t buf[512];
	struct dir d = {
		.type = 0xffff, .dev = 0xffffffff,
		.qid = { .path = UINT64_MAX, .vers = UINT32_MAX, .type = 0xff },
		.mode = 0xffffffff, .atime = UINT64_MAX, .mtime = 0xfffffffe,
		.length = -1, .name = "nom", .uid = "glenda", .gid = "sys",
		.muid = "bootes", .ext = "x",
	};

	stat_roundtrip(&d, buf, sizeof(buf));
	d.length = INT64_MIN;
	d.atime = 0;
	stat_roundtrip(&d, buf, sizeof(buf));
}

HTEST(stat_times_saturate)
{
	uint8_t buf[128];
	char strs[128];
	struct dir d = sample_dir(), out;
	size_t n;

	d.atime = 1ull << 40;           /* past 2106: saturates to "none" */
	d.mtime = 0xffffffffull;
	n = convD2M(&d, buf, sizeof(buf));
	HT_ASSERT(n > 0);
	HT_ASSERT_EQ(convM2D(buf, n, &out, strs), n);
	HT_ASSERT(out.atime == UINT64_MAX);
	HT_ASSERT(out.mtime == UINT64_MAX);
}

HTEST(stat_golden_bytes)
{
	static const uint8_t want[] = {
		0x32, 0x00,                             /* size 50 */
		0x34, 0x12,                             /* type */
		0xbc, 0x9a, 0x78, 0x56,                 /* dev */
		0x80, 0x01, 0x00, 0x00, 0x00,           /* qid.type, vers */
		0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,  /* path */
		0xed, 0x01, 0x00, 0x80,                 /* mode DMDIR|0755 */
		0x01, 0x00, 0x00, 0x00,                 /* atime */
		0x02, 0x00, 0x00, 0x00,                 /* mtime */
		0x03, 0, 0, 0, 0, 0, 0, 0,              /* length */
		0x01, 0x00, 'a', 0x01, 0x00, 'u', 0x01, 0x00, 'g', 0x00, 0x00,
	};
	struct dir d = sample_dir();
	uint8_t buf[sizeof(want)];

	HT_ASSERT_EQ(sizeD2M(&d), sizeof(want));
	HT_ASSERT_EQ(convD2M(&d, buf, sizeof(buf)), sizeof(want));
	HT_ASSERT(memcmp(buf, want, sizeof(want)) == 0);
}

HTEST(stat_short_buffer_writes_nothing)
{
	struct dir d = sample_dir();
	size_t n = sizeD2M(&d);
	uint8_t buf[256];

	for (size_t k = 0; k < n; k++) {
		memset(buf, 0xa5, sizeof(buf));
		HT_ASSERT_EQ(convD2M(&d, buf, k), 0);
		for (size_t i = 0; i < sizeof(buf); i++)
			HT_ASSERT_EQ(buf[i], 0xa5);
	}
}

HTEST(stat_too_big_refused)
{
	size_t len = 0xffff - STATFIXLEN + BIT16SZ + 1;
	char *name = malloc(len + 1);
	uint8_t *buf = malloc(STATMAXLEN + 16);
	struct dir d = sample_dir();

	memset(name, 'n', len);
	name[len] = '\0';
	d.name = name;
	d.uid = d.gid = d.muid = d.ext = "";
	/* One byte over the 16-bit size field: refused. */
	HT_ASSERT_EQ(sizeD2M(&d), STATMAXLEN + 1);
	HT_ASSERT_EQ(convD2M(&d, buf, STATMAXLEN + 16), 0);
	name[len - 1] = '\0';           /* exactly the largest entry */
	HT_ASSERT_EQ(stat_roundtrip(&d, buf, STATMAXLEN + 16), STATMAXLEN);
	free(name);
	free(buf);
}

/* Every proper prefix of a valid entry is malformed. */
HTEST(stat_truncated_every_offset)
{
	uint8_t buf[256];
	char strs[256];
	struct dir d = sample_dir(), out;
	size_t n;

	d.ext = "link";
	n = convD2M(&d, buf, sizeof(buf));
	for (size_t k = 0; k < n; k++) {
		uint8_t *copy = exact_copy(buf, k);

		HT_ASSERT_MSG(convM2D(copy, k, &out, strs) == 0, "prefix %zu", k);
		HT_ASSERT_EQ(statcheck(copy, k), -1);
		if (k >= BIT16SZ) {     /* and with the size field agreeing */
			/* Cut just before ext: a valid entry with no ext. */
			size_t ok = n - BIT16SZ - strlen(d.ext);

			put_le(copy, k - BIT16SZ, BIT16SZ);
			HT_ASSERT_MSG(convM2D(copy, k, &out, strs) == (k == ok ? k : 0),
			              "resized prefix %zu", k);
			HT_ASSERT_EQ(statcheck(copy, k), k == ok ? 0 : -1);
			if (k == ok)
				HT_ASSERT_STREQ(out.ext, "");
		}
		free(copy);
	}
}

HTEST(stat_malformed_fields)
{
	uint8_t buf[256], *copy;
	char strs[256];
	struct dir d = sample_dir(), out;
	size_t n = convD2M(&d, buf, sizeof(buf));

	/* Size field one too big / too small against the buffer. */
	put_le(buf, n - BIT16SZ + 1, BIT16SZ);
	HT_ASSERT_EQ(convM2D(buf, n, &out, strs), 0);
	HT_ASSERT_STREQ(ninep_stat_error(buf, n), "stat size field runs past the buffer");
	put_le(buf, n - BIT16SZ - 1, BIT16SZ);
	HT_ASSERT_EQ(convM2D(buf, n, &out, strs), 0);
	put_le(buf, 10, BIT16SZ);
	HT_ASSERT_STREQ(ninep_stat_error(buf, n),
	                "stat size field smaller than the fixed fields");
	put_le(buf, n - BIT16SZ, BIT16SZ);
	/* The name's length field running past the entry. */
	put_le(buf + STATFIXLEN - 4 * BIT16SZ, 200, BIT16SZ);
	HT_ASSERT_EQ(convM2D(buf, n, &out, strs), 0);
	HT_ASSERT_STREQ(ninep_stat_error(buf, n), "string runs past the end");
	put_le(buf + STATFIXLEN - 4 * BIT16SZ, 1, BIT16SZ);
	/* A NUL byte inside a string. */
	buf[STATFIXLEN - 4 * BIT16SZ + BIT16SZ] = 0;
	HT_ASSERT_STREQ(ninep_stat_error(buf, n), "string holds a NUL byte");
	buf[STATFIXLEN - 4 * BIT16SZ + BIT16SZ] = 'a';
	HT_ASSERT_EQ(statcheck(buf, n), 0);
	/* A trailing byte: fine for convM2D (a directory read), not statcheck. */
	copy = exact_copy(buf, n + 1);
	copy[n] = 0x77;
	HT_ASSERT_EQ(convM2D(copy, n + 1, &out, strs), n);
	HT_ASSERT_EQ(statcheck(copy, n + 1), -1);
	free(copy);
}

/* Six strings (one more than ext), or one stray byte after muid. */
HTEST(stat_extra_fields_rejected)
{
	uint8_t buf[256];
	char strs[256];
	struct dir d = sample_dir(), out;
	size_t n = convD2M(&d, buf, sizeof(buf));

	buf[n] = 0;                     /* empty fifth string: accepted */
	buf[n + 1] = 0;
	put_le(buf, n + 2 - BIT16SZ, BIT16SZ);
	HT_ASSERT_EQ(convM2D(buf, n + 2, &out, strs), n + 2);
	HT_ASSERT_STREQ(out.ext, "");
	buf[n + 2] = 0;                 /* sixth string: refused */
	buf[n + 3] = 0;
	put_le(buf, n + 4 - BIT16SZ, BIT16SZ);
	HT_ASSERT_EQ(convM2D(buf, n + 4, &out, strs), 0);
	HT_ASSERT_STREQ(ninep_stat_error(buf, n + 4),
	                "stat size field larger than its fields");
	put_le(buf, n + 1 - BIT16SZ, BIT16SZ);  /* one stray byte */
	HT_ASSERT_EQ(convM2D(buf, n + 1, &out, strs), 0);
}

HTEST(stat_directory_read_sequence)
{
	uint8_t buf[512];
	char strs[512];
	struct dir a = sample_dir(), b = sample_dir(), out;
	size_t na, nb, off = 0;

	b.name = "second";
	b.ext = "tgt";
	na = convD2M(&a, buf, sizeof(buf));
	nb = convD2M(&b, buf + na, sizeof(buf) - na);
	HT_ASSERT(na && nb);
	HT_ASSERT_EQ(convM2D(buf + off, na + nb - off, &out, strs), na);
	assert_dir_eq(&a, &out);
	off += na;
	HT_ASSERT_EQ(convM2D(buf + off, na + nb - off, &out, strs), nb);
	assert_dir_eq(&b, &out);
}

/* ---------------------------------------------------------- messages --- */

static const uint8_t sample_data[] = "hello, 9P\0with a NUL";

/* A valid stat entry for Rstat/Twstat payloads (filled on first use). */
static uint8_t sample_stat[128];
static uint16_t sample_stat_len(void)
{
	struct dir d = sample_dir();

	d.ext = "symlink-target";
	return (uint16_t)convD2M(&d, sample_stat, sizeof(sample_stat));
}

/* One of every message type, with non-trivial values in every field. */
static size_t sample_fcalls(struct fcall *f, size_t max)
{
	struct qid q = { .path = 0x1122334455667788ull, .vers = 9, .type = QTDIR };
	uint16_t ns = sample_stat_len();
	size_t k = 0;

	HT_ASSERT(max >= 40 && ns > 0);
	memset(f, 0, max * sizeof(*f));
	f[k++] = (struct fcall){ .type = Tversion, .tag = NOTAG, .msize = 8192, .version = "9P2000" };
	f[k++] = (struct fcall){ .type = Rversion, .tag = NOTAG, .msize = 4096, .version = "9P2000" };
	f[k++] = (struct fcall){ .type = Tauth, .tag = 1, .afid = 7, .uname = "glenda", .aname = "" };
	f[k++] = (struct fcall){ .type = Rauth, .tag = 1, .aqid = q };
	f[k++] = (struct fcall){ .type = Tattach, .tag = 2, .fid = 1, .afid = NOFID, .uname = "glenda", .aname = "main" };
	f[k++] = (struct fcall){ .type = Rattach, .tag = 2, .qid = q };
	f[k++] = (struct fcall){ .type = Rerror, .tag = 3, .ename = "file does not exist" };
	f[k++] = (struct fcall){ .type = Tflush, .tag = 4, .oldtag = 3 };
	f[k++] = (struct fcall){ .type = Rflush, .tag = 4 };
	f[k] = (struct fcall){ .type = Twalk, .tag = 5, .fid = 1, .newfid = 2, .nwname = MAXWELEM };
	for (int i = 0; i < MAXWELEM; i++)
		f[k].wname[i] = i & 1 ? "usr" : "a-longer-element-name";
	k++;
	f[k++] = (struct fcall){ .type = Twalk, .tag = 5, .fid = 1, .newfid = 1, .nwname = 0 };
	f[k] = (struct fcall){ .type = Rwalk, .tag = 5, .nwqid = MAXWELEM };
	for (int i = 0; i < MAXWELEM; i++)
		f[k].wqid[i] = (struct qid){ .path = (uint64_t)i << 40, .vers = (uint32_t)i, .type = (uint8_t)i };
	k++;
	f[k++] = (struct fcall){ .type = Rwalk, .tag = 5, .nwqid = 0 };
	f[k++] = (struct fcall){ .type = Topen, .tag = 6, .fid = 2, .mode = 0x11 };
	f[k++] = (struct fcall){ .type = Ropen, .tag = 6, .qid = q, .iounit = 8168 };
	f[k++] = (struct fcall){ .type = Tcreate, .tag = 7, .fid = 2, .name = "new", .perm = DMDIR | 0750, .mode = 2 };
	f[k++] = (struct fcall){ .type = Rcreate, .tag = 7, .qid = q, .iounit = 0 };
	f[k++] = (struct fcall){ .type = Tread, .tag = 8, .fid = 2, .offset = UINT64_MAX - 1, .count = 8168 };
	f[k++] = (struct fcall){ .type = Rread, .tag = 8, .count = sizeof(sample_data), .data = sample_data };
	f[k++] = (struct fcall){ .type = Rread, .tag = 8, .count = 0 };
	f[k++] = (struct fcall){ .type = Twrite, .tag = 9, .fid = 2, .offset = 1ull << 33, .count = sizeof(sample_data), .data = sample_data };
	f[k++] = (struct fcall){ .type = Rwrite, .tag = 9, .count = sizeof(sample_data) };
	f[k++] = (struct fcall){ .type = Tclunk, .tag = 10, .fid = 2 };
	f[k++] = (struct fcall){ .type = Rclunk, .tag = 10 };
	f[k++] = (struct fcall){ .type = Tremove, .tag = 11, .fid = 3 };
	f[k++] = (struct fcall){ .type = Rremove, .tag = 11 };
	f[k++] = (struct fcall){ .type = Tstat, .tag = 12, .fid = 4 };
	f[k++] = (struct fcall){ .type = Rstat, .tag = 12, .nstat = ns, .stat = sample_stat };
	f[k++] = (struct fcall){ .type = Twstat, .tag = 13, .fid = 4, .nstat = ns, .stat = sample_stat };
	f[k++] = (struct fcall){ .type = Rwstat, .tag = 13 };
	return k;
}

static void assert_bytes_eq(const uint8_t *a, const uint8_t *b, size_t n)
{
	if (n)
		HT_ASSERT(a && b && memcmp(a, b, n) == 0);
}

/* Compares the fields the message type carries. */
static void assert_fcall_eq(const struct fcall *a, const struct fcall *b)
{
	HT_ASSERT_EQ(a->type, b->type);
	HT_ASSERT_EQ(a->tag, b->tag);
	switch (a->type) {
	case Tversion: case Rversion:
		HT_ASSERT_EQ(a->msize, b->msize);
		HT_ASSERT_STREQ(nz(a->version), nz(b->version));
		break;
	case Tauth: case Tattach:
		HT_ASSERT_EQ(a->fid, b->fid);
		HT_ASSERT_EQ(a->afid, b->afid);
		HT_ASSERT_STREQ(nz(a->uname), nz(b->uname));
		HT_ASSERT_STREQ(nz(a->aname), nz(b->aname));
		break;
	case Rauth:
		HT_ASSERT(qid_eq(&a->aqid, &b->aqid));
		break;
	case Rerror:
		HT_ASSERT_STREQ(nz(a->ename), nz(b->ename));
		break;
	case Tflush:
		HT_ASSERT_EQ(a->oldtag, b->oldtag);
		break;
	case Twalk:
		HT_ASSERT_EQ(a->fid, b->fid);
		HT_ASSERT_EQ(a->newfid, b->newfid);
		HT_ASSERT_EQ(a->nwname, b->nwname);
		for (int i = 0; i < a->nwname; i++)
			HT_ASSERT_STREQ(nz(a->wname[i]), nz(b->wname[i]));
		break;
	case Rwalk:
		HT_ASSERT_EQ(a->nwqid, b->nwqid);
		for (int i = 0; i < a->nwqid; i++)
			HT_ASSERT(qid_eq(&a->wqid[i], &b->wqid[i]));
		break;
	case Rattach: case Ropen: case Rcreate:
		HT_ASSERT(qid_eq(&a->qid, &b->qid));
		HT_ASSERT_EQ(a->type == Rattach ? 0 : a->iounit,
		             a->type == Rattach ? 0 : b->iounit);
		break;
	case Topen: case Tcreate:
		HT_ASSERT_EQ(a->fid, b->fid);
		HT_ASSERT_EQ(a->mode, b->mode);
		if (a->type == Tcreate) {
			HT_ASSERT_EQ(a->perm, b->perm);
			HT_ASSERT_STREQ(nz(a->name), nz(b->name));
		}
		break;
	case Tread: case Twrite: case Rread: case Rwrite:
		HT_ASSERT_EQ(a->fid, b->fid);
		HT_ASSERT(a->offset == b->offset);
		HT_ASSERT_EQ(a->count, b->count);
		if (a->type == Twrite || a->type == Rread)
			assert_bytes_eq(a->data, b->data, a->count);
		break;
	case Rstat: case Twstat:
		HT_ASSERT_EQ(a->fid, b->fid);
		HT_ASSERT_EQ(a->nstat, b->nstat);
		assert_bytes_eq(a->stat, b->stat, a->nstat);
		break;
	default:                        /* fid-only and empty messages */
		HT_ASSERT_EQ(a->fid, b->fid);
	}
}

/* Encodes f into an exact buffer, decodes it, compares, re-encodes. */
static uint8_t *msg_roundtrip(const struct fcall *f, size_t *lenp)
{
	size_t n = sizeS2M(f);
	uint8_t *buf, *again;
	struct fcall out;
	char *strs;

	HT_ASSERT_MSG(n >= NINEP_HDRSZ, "%s: sizeS2M %zu", ninep_type_name(f->type), n);
	buf = malloc(n);
	strs = malloc(n);
	again = malloc(n);
	HT_ASSERT_EQ(convS2M(f, buf, n), n);
	HT_ASSERT_EQ(ninep_msg_size(buf, n), n);
	HT_ASSERT_EQ(buf[4], f->type);
	HT_ASSERT_MSG(convM2S(buf, n, &out, strs) == n, "%s: %s",
	              ninep_type_name(f->type), ninep_msg_error(buf, n));
	HT_ASSERT(ninep_msg_error(buf, n) == NULL);
	assert_fcall_eq(f, &out);
	HT_ASSERT_EQ(convS2M(&out, again, n), n);
	HT_ASSERT(memcmp(buf, again, n) == 0);
	free(again);
	free(strs);
	*lenp = n;
	return buf;
}

HTEST(msg_roundtrip_every_type)
{
	struct fcall f[40];
	size_t nf = sample_fcalls(f, 40), len;
	bool seen[Tmax] = { false };

	for (size_t i = 0; i < nf; i++) {
		free(msg_roundtrip(&f[i], &len));
		seen[f[i].type] = true;
	}
	for (int t = Tversion; t < Tmax; t++)
		HT_ASSERT_MSG(seen[t] || t == Terror, "%s untested", ninep_type_name(t));
}

/* Every proper prefix fails, whether or not the size field agrees. */
HTEST(msg_truncated_every_offset)
{
	struct fcall f[40], out;
	size_t nf = sample_fcalls(f, 40), len;
	char strs[1024];

	for (size_t i = 0; i < nf; i++) {
		uint8_t *buf = msg_roundtrip(&f[i], &len);

		for (size_t k = 0; k < len; k++) {
			uint8_t *copy = exact_copy(buf, k);

			HT_ASSERT_MSG(convM2S(copy, k, &out, strs) == 0, "%s prefix %zu",
			              ninep_type_name(f[i].type), k);
			if (k >= BIT32SZ) {
				put_le(copy, k, BIT32SZ);
				HT_ASSERT_MSG(convM2S(copy, k, &out, strs) == 0,
				              "%s resized prefix %zu",
				              ninep_type_name(f[i].type), k);
			}
			free(copy);
		}
		free(buf);
	}
}

HTEST(msg_size_field_mismatch)
{
	struct fcall f = { .type = Tclunk, .tag = 1, .fid = 2 }, out;
	uint8_t buf[32];
	char strs[32];
	size_t n = convS2M(&f, buf, sizeof(buf));

	HT_ASSERT_EQ(n, 11);
	put_le(buf, n + 1, BIT32SZ);            /* claims a byte it lacks */
	HT_ASSERT_EQ(convM2S(buf, n, &out, strs), 0);
	HT_ASSERT_STREQ(ninep_msg_error(buf, n), "size field runs past the buffer");
	buf[n] = 0;                             /* claims a stray byte */
	HT_ASSERT_EQ(convM2S(buf, n + 1, &out, strs), 0);
	HT_ASSERT_STREQ(ninep_msg_error(buf, n + 1),
	                "size field larger than the message's fields");
	put_le(buf, n - 1, BIT32SZ);            /* one byte short */
	HT_ASSERT_EQ(convM2S(buf, n, &out, strs), 0);
	put_le(buf, 6, BIT32SZ);                /* smaller than the header */
	HT_ASSERT_STREQ(ninep_msg_error(buf, n), "size field smaller than the header");
	put_le(buf, UINT32_MAX, BIT32SZ);
	HT_ASSERT_EQ(convM2S(buf, n, &out, strs), 0);
	put_le(buf, n, BIT32SZ);                /* a stream: more bytes follow */
	memset(buf + n, 0xee, 5);
	HT_ASSERT_EQ(convM2S(buf, n + 5, &out, strs), n);
	HT_ASSERT_EQ(out.fid, 2);
}

HTEST(msg_nwname_over_maxwelem)
{
	struct fcall f = { .type = Twalk, .tag = 1, .fid = 1, .newfid = 2, .nwname = MAXWELEM };
	uint8_t buf[256];
	char strs[256];
	struct fcall out;
	size_t n;

	for (int i = 0; i < MAXWELEM; i++)
		f.wname[i] = "e";
	n = convS2M(&f, buf, sizeof(buf));
	HT_ASSERT_EQ(n, NINEP_HDRSZ + 10 + MAXWELEM * 3);
	/* Rewrite nwname to 17 and append a 17th element. */
	put_le(buf + NINEP_HDRSZ + 8, MAXWELEM + 1, BIT16SZ);
	memcpy(buf + n, "\x01\x00" "e", 3);
	put_le(buf, n + 3, BIT32SZ);
	HT_ASSERT_EQ(convM2S(buf, n + 3, &out, strs), 0);
	HT_ASSERT_STREQ(ninep_msg_error(buf, n + 3), "Twalk nwname over MAXWELEM");
	/* The encoder refuses 17 too. */
	f.nwname = MAXWELEM + 1;
	HT_ASSERT_EQ(sizeS2M(&f), 0);
	HT_ASSERT_EQ(convS2M(&f, buf, sizeof(buf)), 0);
	f = (struct fcall){ .type = Rwalk, .nwqid = MAXWELEM + 1 };
	HT_ASSERT_EQ(sizeS2M(&f), 0);
	/* Rwalk nwqid 17 on the wire. */
	memset(buf, 0, sizeof(buf));
	put_le(buf, NINEP_HDRSZ + 2 + 17 * QIDSZ, BIT32SZ);
	buf[4] = Rwalk;
	put_le(buf + NINEP_HDRSZ, 17, BIT16SZ);
	HT_ASSERT_STREQ(ninep_msg_error(buf, NINEP_HDRSZ + 2 + 17 * QIDSZ),
	                "Rwalk nwqid over MAXWELEM");
}

HTEST(msg_strings_and_counts_past_end)
{
	struct fcall f = { .type = Tversion, .tag = NOTAG, .msize = 8192, .version = "9P2000" };
	struct fcall r = { .type = Rread, .tag = 1, .count = 4, .data = (const uint8_t *)"abcd" };
	uint8_t buf[64];
	char strs[64];
	struct fcall out;
	size_t n = convS2M(&f, buf, sizeof(buf));

	put_le(buf + NINEP_HDRSZ + 4, 7, BIT16SZ);      /* "9P2000" claims 7 */
	HT_ASSERT_EQ(convM2S(buf, n, &out, strs), 0);
	HT_ASSERT_STREQ(ninep_msg_error(buf, n), "string runs past the end");
	put_le(buf + NINEP_HDRSZ + 4, 0xffff, BIT16SZ);
	HT_ASSERT_EQ(convM2S(buf, sizeof(buf), &out, strs), 0);
	put_le(buf + NINEP_HDRSZ + 4, 6, BIT16SZ);
	buf[NINEP_HDRSZ + 7] = '\0';                    /* "9P\0000" */
	HT_ASSERT_STREQ(ninep_msg_error(buf, n), "string holds a NUL byte");

	n = convS2M(&r, buf, sizeof(buf));
	put_le(buf + NINEP_HDRSZ, 5, BIT32SZ);          /* count one too big */
	HT_ASSERT_STREQ(ninep_msg_error(buf, n), "data count runs past the message");
	put_le(buf + NINEP_HDRSZ, UINT32_MAX, BIT32SZ);
	HT_ASSERT_EQ(convM2S(buf, n, &out, strs), 0);
	put_le(buf + NINEP_HDRSZ, 3, BIT32SZ);          /* count one too small */
	HT_ASSERT_STREQ(ninep_msg_error(buf, n),
	                "size field larger than the message's fields");
}

HTEST(msg_bad_stat_payload)
{
	uint16_t ns = sample_stat_len();
	struct fcall f = { .type = Twstat, .tag = 1, .fid = 3, .nstat = ns, .stat = sample_stat };
	uint8_t buf[256], bad[128];
	char strs[256];
	struct fcall out;
	size_t n = convS2M(&f, buf, sizeof(buf));

	HT_ASSERT(n > 0);
	buf[NINEP_HDRSZ + 4 + 2] ^= 1;          /* the inner size field */
	HT_ASSERT_EQ(convM2S(buf, n, &out, strs), 0);
	buf[NINEP_HDRSZ + 4 + 2] ^= 1;
	HT_ASSERT_EQ(convM2S(buf, n, &out, strs), n);
	put_le(buf + NINEP_HDRSZ + 4, ns + 1, BIT16SZ);  /* nstat too big */
	HT_ASSERT_STREQ(ninep_msg_error(buf, n), "stat count runs past the message");
	/* The encoder refuses a malformed payload. */
	memcpy(bad, sample_stat, ns);
	bad[0] ^= 1;
	f.stat = bad;
	HT_ASSERT_EQ(sizeS2M(&f), 0);
	f.stat = NULL;
	HT_ASSERT_EQ(convS2M(&f, buf, sizeof(buf)), 0);
}

HTEST(msg_unknown_types)
{
	static const unsigned int types[] = { 0, 1, 99, Terror, Tmax, Tmax + 1, 255 };
	uint8_t buf[16] = { NINEP_HDRSZ, 0, 0, 0, 0, 1, 0 };
	char strs[16];
	struct fcall out;

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct fcall f = { .type = (uint8_t)types[i], .tag = 1 };

		buf[4] = (uint8_t)types[i];
		HT_ASSERT_MSG(convM2S(buf, NINEP_HDRSZ, &out, strs) == 0, "type %u", types[i]);
		HT_ASSERT_EQ(sizeS2M(&f), 0);
		HT_ASSERT_EQ(convS2M(&f, buf + 8, 8), 0);
	}
	HT_ASSERT_STREQ(ninep_type_name(Twalk), "Twalk");
	HT_ASSERT_STREQ(ninep_type_name(Rwstat), "Rwstat");
	HT_ASSERT_STREQ(ninep_type_name(Tmax), "unknown");
	HT_ASSERT_STREQ(ninep_type_name(3), "unknown");
}

HTEST(msg_short_buffer_writes_nothing)
{
	struct fcall f[40];
	size_t nf = sample_fcalls(f, 40);
	uint8_t buf[1024];

	for (size_t i = 0; i < nf; i++) {
		size_t n = sizeS2M(&f[i]);

		memset(buf, 0xa5, sizeof(buf));
		HT_ASSERT_EQ(convS2M(&f[i], buf, n - 1), 0);
		HT_ASSERT_EQ(convS2M(&f[i], buf, 0), 0);
		for (size_t j = 0; j < sizeof(buf); j++)
			HT_ASSERT_EQ(buf[j], 0xa5);
	}
}

HTEST(msg_check_msize)
{
	struct fcall r = { .type = Tread, .tag = 1, .fid = 1, .count = 8192 - IOHDRSZ };
	struct fcall w = { .type = Twrite, .tag = 1, .fid = 1, .count = 100, .data = sample_stat };

	HT_ASSERT_EQ(ninep_check_msize(&r, 8192), 0);
	r.count++;
	HT_ASSERT_EQ(ninep_check_msize(&r, 8192), -1);
	HT_ASSERT_EQ(ninep_check_msize(&r, 10), -1);
	HT_ASSERT_EQ(ninep_check_msize(&w, NINEP_HDRSZ + 16 + 100), 0);
	HT_ASSERT_EQ(ninep_check_msize(&w, NINEP_HDRSZ + 16 + 99), -1);
	HT_ASSERT_EQ(ninep_msg_size((const uint8_t *)"\x10\x20", 2), 0);
	HT_ASSERT_EQ(ninep_msg_size((const uint8_t *)"\x10\x20\x00\x01", 4), 0x01002010);
}

/* ------------------------------------------------ golden byte vectors --- */

static void assert_golden(const struct fcall *f, const uint8_t *want, size_t n)
{
	uint8_t buf[128];
	char strs[128];
	struct fcall out;

	HT_ASSERT_EQ(sizeS2M(f), n);
	HT_ASSERT_EQ(convS2M(f, buf, sizeof(buf)), n);
	HT_ASSERT_MSG(memcmp(buf, want, n) == 0, "%s bytes differ", ninep_type_name(f->type));
	HT_ASSERT_EQ(convM2S(want, n, &out, strs), n);
	assert_fcall_eq(f, &out);
}

HTEST(msg_golden_vectors)
{
	static const uint8_t tversion[] = { 19, 0, 0, 0, 100, 0xff, 0xff,
		0x00, 0x20, 0, 0, 6, 0, '9', 'P', '2', '0', '0', '0' };
	static const uint8_t tclunk[] = { 11, 0, 0, 0, 120, 1, 0, 2, 0, 0, 0 };
	static const uint8_t twalk[] = { 27, 0, 0, 0, 110, 3, 0, 1, 0, 0, 0,
		2, 0, 0, 0, 2, 0, 3, 0, 'u', 's', 'r', 3, 0, 'b', 'i', 'n' };
	static const uint8_t rerror[] = { 11, 0, 0, 0, 107, 5, 0, 2, 0, 'n', 'o' };
	static const uint8_t rread[] = { 14, 0, 0, 0, 117, 7, 0, 3, 0, 0, 0,
		'a', 'b', 'c' };
	static const uint8_t tcreate[] = { 21, 0, 0, 0, 114, 0x34, 0x12,
		9, 0, 0, 0, 3, 0, 'd', 'i', 'r', 0xe8, 0x01, 0, 0x80, 1 };
	static const uint8_t ropen[] = { 24, 0, 0, 0, 113, 8, 0,
		0x80, 4, 0, 0, 0, 0x0d, 0x0c, 0x0b, 0x0a, 0, 0, 0, 0,
		0xe8, 0x1f, 0, 0 };
	static const uint8_t tread[] = { 23, 0, 0, 0, 116, 2, 0, 5, 0, 0, 0,
		0, 0x10, 0, 0, 0, 0, 0, 0, 0x00, 0x20, 0, 0 };
	static const uint8_t rwalk0[] = { 9, 0, 0, 0, 111, 4, 0, 0, 0 };
	struct fcall f;
	const char *wn[2] = { "usr", "bin" };

	f = (struct fcall){ .type = Tversion, .tag = NOTAG, .msize = 8192, .version = "9P2000" };
	assert_golden(&f, tversion, sizeof(tversion));
	f = (struct fcall){ .type = Tclunk, .tag = 1, .fid = 2 };
	assert_golden(&f, tclunk, sizeof(tclunk));
	f = (struct fcall){ .type = Twalk, .tag = 3, .fid = 1, .newfid = 2, .nwname = 2 };
	f.wname[0] = wn[0];
	f.wname[1] = wn[1];
	assert_golden(&f, twalk, sizeof(twalk));
	f = (struct fcall){ .type = Rerror, .tag = 5, .ename = "no" };
	assert_golden(&f, rerror, sizeof(rerror));
	f = (struct fcall){ .type = Rread, .tag = 7, .count = 3, .data = (const uint8_t *)"abc" };
	assert_golden(&f, rread, sizeof(rread));
	f = (struct fcall){ .type = Tcreate, .tag = 0x1234, .fid = 9, .name = "dir",
	                    .perm = DMDIR | 0750, .mode = 1 };
	assert_golden(&f, tcreate, sizeof(tcreate));
	f = (struct fcall){ .type = Ropen, .tag = 8, .iounit = 8168,
	                    .qid = { .type = QTDIR, .vers = 4, .path = 0x0a0b0c0d } };
	assert_golden(&f, ropen, sizeof(ropen));
	f = (struct fcall){ .type = Tread, .tag = 2, .fid = 5, .offset = 0x1000, .count = 0x2000 };
	assert_golden(&f, tread, sizeof(tread));
	f = (struct fcall){ .type = Rwalk, .tag = 4, .nwqid = 0 };
	assert_golden(&f, rwalk0, sizeof(rwalk0));
}

/* ---------------------------------------------------- random inputs --- */

/* Decodes garbage and mutated valid messages; whatever decodes must
 * re-encode to the same bytes. */
static void check_random_msg(const uint8_t *src, size_t n)
{
	uint8_t *copy = exact_copy(src, n);
	char strs[1024];
	uint8_t again[1024];
	struct fcall out;
	size_t got = convM2S(copy, n, &out, strs);

	if (got) {
		HT_ASSERT(got <= n);
		HT_ASSERT_EQ(convS2M(&out, again, sizeof(again)), got);
		HT_ASSERT(memcmp(copy, again, got) == 0);
	}
	HT_ASSERT_EQ(got == 0, ninep_msg_error(copy, n) != NULL);
	free(copy);
}

HTEST(msg_random_and_mutated)
{
	struct fcall f[40];
	size_t nf = sample_fcalls(f, 40), len;
	uint8_t buf[512];

	for (int iter = 0; iter < 20000; iter++) {
		size_t n = htest_rand() % 64;

		for (size_t i = 0; i < n; i++)
			buf[i] = (uint8_t)htest_rand();
		if (n >= 5) {           /* plausible header half the time */
			put_le(buf, iter & 1 ? n : htest_rand() % 80, BIT32SZ);
			buf[4] = (uint8_t)(Tversion + htest_rand() % 28);
		}
		check_random_msg(buf, n);
	}
	for (size_t i = 0; i < nf; i++) {
		uint8_t *m = msg_roundtrip(&f[i], &len);

		for (int iter = 0; iter < 500; iter++) {
			memcpy(buf, m, len);
			buf[htest_rand() % len] ^= (uint8_t)(1u << (htest_rand() % 8));
			check_random_msg(buf, len);
		}
		free(m);
	}
}

/* --------------------------------------------------------- 9P2000.u --- */

/* The .u fields: Tattach's n_uname, Tcreate's extension, Rerror's errno,
 * each in golden bytes (QEMU's hw/9pfs layout) and round trips. */
HTEST(dotu_golden_vectors)
{
	static const uint8_t tattach[] = { 27, 0, 0, 0, 104, 1, 0,
		3, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 4, 0, 'n', 'o', 'n', 'e', 0, 0,
		0, 0, 0, 0 };
	static const uint8_t rerror[] = { 15, 0, 0, 0, 107, 5, 0, 2, 0, 'n', 'o',
		2, 0, 0, 0 };
	static const uint8_t tcreate[] = { 23, 0, 0, 0, 114, 6, 0, 9, 0, 0, 0,
		1, 0, 'l', 0xff, 0x01, 0, 0x02, 0, 2, 0, 't', 'o' };
	uint8_t buf[64];
	char strs[64];
	struct fcall f, out;

	f = (struct fcall){ .type = Tattach, .tag = 1, .dotu = true, .fid = 3,
	                    .afid = NOFID, .uname = "none", .aname = "", .n_uname = 0 };
	HT_ASSERT_EQ(convS2M(&f, buf, sizeof(buf)), sizeof(tattach));
	HT_ASSERT(memcmp(buf, tattach, sizeof(tattach)) == 0);
	HT_ASSERT_EQ(convM2Sx(tattach, sizeof(tattach), &out, strs, true), sizeof(tattach));
	HT_ASSERT_EQ(out.n_uname, 0);
	HT_ASSERT_STREQ(out.uname, "none");
	/* The same bytes are not a plain 9P2000 Tattach (4 bytes too many). */
	HT_ASSERT_EQ(convM2S(tattach, sizeof(tattach), &out, strs), 0);

	f = (struct fcall){ .type = Rerror, .tag = 5, .dotu = true, .ename = "no", .errnum = 2 };
	HT_ASSERT_EQ(convS2M(&f, buf, sizeof(buf)), sizeof(rerror));
	HT_ASSERT(memcmp(buf, rerror, sizeof(rerror)) == 0);
	HT_ASSERT_EQ(convM2Sx(rerror, sizeof(rerror), &out, strs, true), sizeof(rerror));
	HT_ASSERT_EQ(out.errnum, 2);
	HT_ASSERT(out.dotu);

	f = (struct fcall){ .type = Tcreate, .tag = 6, .dotu = true, .fid = 9, .name = "l",
	                    .perm = DMSYMLINK | 0777, .mode = 0, .extension = "to" };
	HT_ASSERT_EQ(convS2M(&f, buf, sizeof(buf)), sizeof(tcreate));
	HT_ASSERT(memcmp(buf, tcreate, sizeof(tcreate)) == 0);
	HT_ASSERT_EQ(convM2Sx(tcreate, sizeof(tcreate), &out, strs, true), sizeof(tcreate));
	HT_ASSERT_STREQ(out.extension, "to");
	/* Every prefix of each fails. */
	for (size_t k = 0; k < sizeof(tcreate); k++)
		HT_ASSERT_EQ(convM2Sx(tcreate, k, &out, strs, true), 0);
}

/* A .u stat entry: extension and the three numeric ids; the plain decoder
 * refuses it and the .u decoder refuses a plain one. */
HTEST(dotu_stat_roundtrip)
{
	struct dir d = { .type = 1, .dev = 2, .qid = { .path = 7, .vers = 1, .type = QTSYMLINK },
	                 .mode = DMSYMLINK | 0777, .atime = 10, .mtime = 20, .length = 3,
	                 .name = "link", .uid = "u", .gid = "g", .muid = "m", .ext = "target" };
	uint8_t buf[256], plain[256];
	char strs[256];
	struct dir out;
	size_t n = sizeD2Mx(&d, true), p = sizeD2M(&d);

	HT_ASSERT_EQ(n, p + 12);        /* the ids; ext is in both */
	HT_ASSERT_EQ(convD2Mx(&d, buf, sizeof(buf), true), n);
	HT_ASSERT_EQ(convM2Dx(buf, n, &out, strs, true), n);
	HT_ASSERT_STREQ(out.ext, "target");
	HT_ASSERT_STREQ(out.name, "link");
	HT_ASSERT_EQ(out.mode, DMSYMLINK | 0777);
	HT_ASSERT(ninep_stat_errorx(buf, n, true) == NULL);
	HT_ASSERT(statcheck(buf, n) != 0);
	for (size_t k = 0; k < n; k++)
		HT_ASSERT(ninep_stat_errorx(buf, k, true) != NULL);
	d.ext = "";
	HT_ASSERT_EQ(convD2M(&d, plain, sizeof(plain)), sizeD2M(&d));
	HT_ASSERT(ninep_stat_errorx(plain, sizeD2M(&d), true) != NULL);
	/* ids are NINEP_NONUM on the way out */
	n = convD2Mx(&d, buf, sizeof(buf), true);
	HT_ASSERT(n > 12);
	for (size_t i = n - 12; i < n; i++)
		HT_ASSERT_EQ(buf[i], 0xff);
}

/* Rstat and Twstat carry the dialect's stat: a .u message with a plain
 * entry (or the other way round) is refused. */
HTEST(dotu_stat_payloads_follow_the_dialect)
{
	struct dir d = { .qid = { .path = 1 }, .mode = 0644, .name = "f", .uid = "", .gid = "",
	                 .muid = "", .ext = "" };
	uint8_t st[128], msg[256];
	char strs[256];
	struct fcall f = { .type = Rstat, .tag = 1, .dotu = true }, out;

	f.nstat = (uint16_t)convD2Mx(&d, st, sizeof(st), true);
	f.stat = st;
	HT_ASSERT(f.nstat > 0);
	size_t n = convS2M(&f, msg, sizeof(msg));

	HT_ASSERT(n > 0);
	HT_ASSERT_EQ(convM2Sx(msg, n, &out, strs, true), n);
	HT_ASSERT_EQ(convM2S(msg, n, &out, strs), 0);
	f.dotu = false;
	HT_ASSERT_EQ(sizeS2M(&f), 0);   /* a .u entry in a plain message */
}
