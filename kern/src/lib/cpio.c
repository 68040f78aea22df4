/* SPDX-License-Identifier: MIT */
/*
 * cpio.c - the newc cpio parser (contract: kern/include/cpio.h).
 *
 * One pass over the archive, one entry at a time, in two phases per entry:
 * cpio_decode() checks everything about the entry - the header fits, the
 * magic, thirteen fields of eight hex digits, the name's size and its NUL,
 * the zero padding, the file type against its size, the data inside the
 * archive, the 070702 checksum - and fills a struct cpio_entry; only then
 * does cpio_parse() hand it to the callback.  Every offset is computed with
 * overflow checks against the archive's length, so a hostile header can
 * neither make us read past the buffer nor loop: each entry advances the
 * offset by at least CPIO_HDR_LEN bytes.
 *
 * Deliberately self-contained (no kernel string functions, no printk) so
 * the host tests and the libFuzzer target (tests/fuzz/cpio.c) link this
 * file alone.  No state, no locks: reentrant.
 */
#include <cpio.h>
#include <errno.h>

#define CPIO_NR_FIELDS  13
#define CPIO_TRAILER    "TRAILER!!!"

/* Header field indices, in archive order. */
enum {
	F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE,
	F_DEVMAJOR, F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK,
};

static int cpio_bad(struct cpio_status *st, size_t off, const char *why)
{
	st->bad_offset = off;
	st->why = why;
	return -EBADMSG;
}

static int cpio_hexval(uint8_t ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Exactly eight hex digits; false if any is not one. */
static bool cpio_hex8(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		int d = cpio_hexval(p[i]);

		if (d < 0)
			return false;
		v = (v << 4) | (uint32_t)d;
	}
	*out = v;
	return true;
}

/* off rounded up to 4, into *out; false on overflow. */
static bool cpio_align4(size_t off, size_t *out)
{
	if (off > SIZE_MAX - 3)
		return false;
	*out = (off + 3) & ~(size_t)3;
	return true;
}

/* True if [from, to) lies inside the archive and holds only NULs. */
static bool cpio_pad_ok(const uint8_t *a, size_t len, size_t from, size_t to)
{
	if (to > len)
		return false;
	for (size_t i = from; i < to; i++)
		if (a[i])
			return false;
	return true;
}

/* Magic and the thirteen hex fields of the header at off. */
static int cpio_decode_header(const uint8_t *a, size_t len, size_t off,
                              uint32_t f[CPIO_NR_FIELDS], bool *crc,
                              struct cpio_status *st)
{
	const uint8_t *h = a + off;

	if (len - off < CPIO_HDR_LEN)
		return cpio_bad(st, off, "truncated header (no TRAILER!!! entry)");
	if (h[0] != '0' || h[1] != '7' || h[2] != '0' || h[3] != '7' ||
	    h[4] != '0' || (h[5] != '1' && h[5] != '2'))
		return cpio_bad(st, off, "bad magic (not newc 070701/070702)");
	*crc = h[5] == '2';
	for (int i = 0; i < CPIO_NR_FIELDS; i++)
		if (!cpio_hex8(h + 6 + 8 * i, &f[i]))
			return cpio_bad(st, off + 6 + 8 * (size_t)i,
			                "header field is not 8 hex digits");
	if (!*crc && f[F_CHECK] != 0)
		return cpio_bad(st, off + 6 + 8 * F_CHECK, "non-zero check field in a 070701 header");
	return 0;
}

/* The name after the header: size bounds, inside the archive, one NUL at
 * its end, zero padding.  Sets *data_off to where the file data starts. */
static int cpio_decode_name(const uint8_t *a, size_t len, size_t off, uint32_t namesize,
                            struct cpio_entry *e, size_t *data_off,
                            struct cpio_status *st)
{
	size_t name_off = off + CPIO_HDR_LEN;
	size_t name_end;

	if (namesize < 2 || namesize > CPIO_NAME_MAX)
		return cpio_bad(st, off + 6 + 8 * F_NAMESIZE, "name size out of range");
	name_end = name_off + namesize;         /* no overflow: name_off <= len */
	if (name_end > len)
		return cpio_bad(st, name_off, "name runs past the end of the archive");
	if (a[name_end - 1] != '\0')
		return cpio_bad(st, name_end - 1, "name is not NUL-terminated");
	for (size_t i = name_off; i < name_end - 1; i++)
		if (a[i] == '\0')
			return cpio_bad(st, i, "NUL inside the name");
	if (!cpio_align4(name_end, data_off) || !cpio_pad_ok(a, len, name_end, *data_off))
		return cpio_bad(st, name_end, "bad or missing padding after the name");
	e->name = (const char *)a + name_off;
	e->name_len = namesize - 1;
	return 0;
}

static bool cpio_is_trailer(const struct cpio_entry *e)
{
	const char *t = CPIO_TRAILER;

	if (e->name_len != sizeof(CPIO_TRAILER) - 1)
		return false;
	for (size_t i = 0; i < e->name_len; i++)
		if (e->name[i] != t[i])
			return false;
	return true;
}

/* The file type must be known, and agree with the data size. */
static const char *cpio_type_error(uint32_t mode, size_t size, const uint8_t *data)
{
	switch (mode & CPIO_S_IFMT) {
	case CPIO_S_IFREG:
		return NULL;
	case CPIO_S_IFDIR:
		return size ? "directory with data" : NULL;
	case CPIO_S_IFLNK:
		if (size == 0 || size > CPIO_SYMLINK_MAX)
			return "symlink target size out of range";
		for (size_t i = 0; i < size; i++)
			if (data[i] == '\0')
				return "NUL inside a symlink target";
		return NULL;
	case CPIO_S_IFCHR: case CPIO_S_IFBLK: case CPIO_S_IFIFO: case CPIO_S_IFSOCK:
		return size ? "special file with data" : NULL;
	default:
		return "unknown file type in mode";
	}
}

/* The data: inside the archive, zero padding, the right type, checksum. */
static int cpio_decode_data(const uint8_t *a, size_t len, size_t data_off, uint32_t size,
                            uint32_t check, bool crc, struct cpio_entry *e,
                            size_t *next, struct cpio_status *st)
{
	size_t data_end = data_off + size;      /* no overflow: both < 2^63 */
	const char *why;
	uint32_t sum = 0;

	if (data_end > len)
		return cpio_bad(st, data_off, "file data runs past the end of the archive");
	if (!cpio_align4(data_end, next) || !cpio_pad_ok(a, len, data_end, *next))
		return cpio_bad(st, data_end, "bad or missing padding after the data");
	e->data = a + data_off;
	e->size = size;
	why = cpio_type_error(e->mode, e->size, e->data);
	if (why)
		return cpio_bad(st, e->offset + 6 + 8 * F_MODE, why);
	if (crc) {
		for (size_t i = 0; i < size; i++)
			sum += e->data[i];
		if (sum != check)
			return cpio_bad(st, e->offset + 6 + 8 * F_CHECK, "070702 checksum mismatch");
	}
	return 0;
}

static void cpio_fill_entry(struct cpio_entry *e, const uint32_t f[CPIO_NR_FIELDS],
                            size_t off)
{
	e->offset = off;
	e->ino = f[F_INO];
	e->mode = f[F_MODE];
	e->uid = f[F_UID];
	e->gid = f[F_GID];
	e->nlink = f[F_NLINK];
	e->mtime = f[F_MTIME];
	e->dev_major = f[F_DEVMAJOR];
	e->dev_minor = f[F_DEVMINOR];
	e->rdev_major = f[F_RDEVMAJOR];
	e->rdev_minor = f[F_RDEVMINOR];
	e->data = NULL;
	e->size = 0;
}

/* Validates the entry at off into e; *next is the following entry's offset.
 * 1 for the trailer, 0 for an ordinary entry, or -EBADMSG. */
static int cpio_decode(const uint8_t *a, size_t len, size_t off, struct cpio_entry *e,
                       size_t *next, struct cpio_status *st)
{
	uint32_t f[CPIO_NR_FIELDS];
	size_t data_off;
	bool crc;
	int ret;

	ret = cpio_decode_header(a, len, off, f, &crc, st);
	if (ret)
		return ret;
	cpio_fill_entry(e, f, off);
	ret = cpio_decode_name(a, len, off, f[F_NAMESIZE], e, &data_off, st);
	if (ret)
		return ret;
	if (cpio_is_trailer(e)) {
		*next = data_off;
		return 1;
	}
	return cpio_decode_data(a, len, data_off, f[F_FILESIZE], f[F_CHECK], crc, e,
	                        next, st);
}

int cpio_parse(const void *buf, size_t len, cpio_entry_fn fn, void *arg,
               struct cpio_status *st)
{
	const uint8_t *a = buf;
	struct cpio_entry e;
	size_t off = 0, next;
	int ret;

	st->nr_entries = 0;
	st->end = 0;
	st->bad_offset = 0;
	st->why = NULL;
	if (len > SIZE_MAX / 2)
		return cpio_bad(st, 0, "archive size is absurd");
	for (;;) {
		ret = cpio_decode(a, len, off, &e, &next, st);
		if (ret < 0)
			return ret;
		if (ret == 1) {
			st->end = next;
			return 0;
		}
		ret = fn(&e, arg);
		if (ret < 0) {
			cpio_bad(st, off, "entry rejected by the consumer");
			return ret;
		}
		st->nr_entries++;
		st->end = next;
		off = next;
	}
}
