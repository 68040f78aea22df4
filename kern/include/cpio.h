/* SPDX-License-Identifier: MIT */
/*
 * cpio.h - a parser for "newc" cpio archives (the initramfs format).
 *
 *	static int add(const struct cpio_entry *e, void *arg) { ...; return 0; }
 *
 *	struct cpio_status st;
 *	int ret = cpio_parse(buf, len, add, ctx, &st);
 *	if (ret == -EBADMSG)
 *		printk("initramfs: bad archive at offset %zu: %s\n",
 *		       st.bad_offset, st.why);
 *
 * Format: each entry is a 110-byte ASCII header ("070701", then 13 fields
 * of exactly 8 hex digits: ino, mode, uid, gid, nlink, mtime, filesize,
 * devmajor, devminor, rdevmajor, rdevminor, namesize, check), the name
 * (namesize bytes, its NUL included), NUL padding to a 4-byte boundary, the
 * file data (filesize bytes) and NUL padding again.  The entry named
 * "TRAILER!!!" ends the archive; bytes after it are ignored.  "070702"
 * (the same, with 'check' the 32-bit sum of the data bytes) is accepted
 * and its checksum verified.
 *
 * The parser is pure: no allocation, no locks, no printing (so the fuzz
 * target links with cpio.c alone).  It validates every field before
 * calling back, and never reads outside [buf, buf + len).  Entries are
 * delivered in order; the first malformed one stops the parse, and every
 * entry delivered before it was whole and valid.  Names are not cleaned:
 * the consumer decides what "./a", "/a" or "a/../b" mean.
 */
#pragma once

#include <types.h>

#define CPIO_HDR_LEN    110
#define CPIO_NAME_MAX   4096          /* namesize limit, NUL included */
#define CPIO_SYMLINK_MAX 4096         /* longest symlink target */

/* File type bits of an entry's mode (the POSIX values). */
#define CPIO_S_IFMT     0170000
#define CPIO_S_IFSOCK   0140000
#define CPIO_S_IFLNK    0120000
#define CPIO_S_IFREG    0100000
#define CPIO_S_IFBLK    0060000
#define CPIO_S_IFDIR    0040000
#define CPIO_S_IFCHR    0020000
#define CPIO_S_IFIFO    0010000

struct cpio_entry {
	const char *name;       /* NUL-terminated, inside the archive */
	size_t name_len;        /* strlen(name) */
	uint32_t ino;
	uint32_t mode;          /* CPIO_S_IF* | permission bits */
	uint32_t uid, gid;
	uint32_t nlink;
	uint32_t mtime;         /* seconds since 1970 */
	uint32_t dev_major, dev_minor;
	uint32_t rdev_major, rdev_minor;
	const uint8_t *data;    /* file data (or symlink target), inside the archive */
	size_t size;            /* bytes at data */
	size_t offset;          /* of this entry's header in the archive */
};

/* Called once per entry (the trailer excluded).  Return 0 to go on; a
 * negative errno stops the parse and is returned by cpio_parse(). */
typedef int (*cpio_entry_fn)(const struct cpio_entry *e, void *arg);

struct cpio_status {
	unsigned int nr_entries;        /* entries delivered to the callback */
	size_t end;                     /* offset just past the last good entry */
	size_t bad_offset;              /* where the malformed field is */
	const char *why;                /* static text: what was wrong, or NULL */
};

/*
 * Parses the archive at buf (len bytes), calling fn for each entry.
 * Returns 0 when the trailer was reached, -EBADMSG for a malformed archive
 * (st->bad_offset and st->why say where and what; entries before it were
 * delivered), or the callback's negative return (st->bad_offset is then
 * that entry's offset).  st may not be NULL.
 */
int cpio_parse(const void *buf, size_t len, cpio_entry_fn fn, void *arg,
               struct cpio_status *st);
