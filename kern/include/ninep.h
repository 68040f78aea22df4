/* SPDX-License-Identifier: MIT */
/*
 * ninep.h - 9P2000 marshalling: directory entries (stat) and messages, both
 * directions.  Implementation: kern/src/ns/ninep.c; reference page:
 * Documentation/kapi/ninep.md.
 *
 *	n = convD2M(&d, buf, len);          struct dir -> stat bytes (0: no room)
 *	n = convM2D(buf, len, &d, strs);    stat bytes -> struct dir (0: malformed)
 *	n = convS2M(&f, buf, len);          struct fcall -> message (0: no room/bad)
 *	n = convM2S(buf, len, &f, strs);    message -> struct fcall (0: malformed)
 *
 * Pure code: no allocation, no locks, no printk, callable from any context and
 * built for the host too.  Decoders never trust a length: every count is
 * checked against the buffer before anything is read, strings may not hold
 * NUL bytes, and a message's size field must match what its body holds.
 * Decoded strings are copied, NUL-terminated, into the caller's strs buffer
 * (room for n bytes always suffices); message data and stat payloads point
 * into the input buffer, which must outlive the struct fcall.
 *
 * Stat extension: a stat entry may carry one more string after muid, the
 * symlink target (struct dir.ext).  Encoders add it only when ext is not empty,
 * so ordinary entries are plain 9P2000; decoders accept 4 or 5 strings.
 *
 * 9P2000.u (the Unix extension QEMU's server speaks): the functions ending
 * in x take a dotu flag (struct fcall carries it in f->dotu), and then
 * Tauth/Tattach end with n_uname[4], Tcreate with extension[s], Rerror with
 * errno[4], and every stat entry with extension[s] n_uid[4] n_gid[4]
 * n_muid[4] (extension decoded into dir.ext, the ids encoded as
 * NINEP_NONUM and not decoded).
 */
#pragma once

#include <ns.h>
#include <types.h>

#define BIT8SZ      1
#define BIT16SZ     2
#define BIT32SZ     4
#define BIT64SZ     8
#define QIDSZ       (BIT8SZ + BIT32SZ + BIT64SZ)            /* 13 */

/* size[2] type[2] dev[4] qid[13] mode[4] atime[4] mtime[4] length[8]
 * name[s] uid[s] gid[s] muid[s]: the stat bytes with every string empty. */
#define STATFIXLEN  (BIT16SZ + QIDSZ + 5 * BIT16SZ + 4 * BIT32SZ + BIT64SZ)
#define STATMAXLEN  (BIT16SZ + 0xffff)      /* the size field is 16 bits */

#define NOTAG       ((uint16_t)~0U)
#define NOFID       ((uint32_t)~0U)
#define MAXWELEM    16                      /* names in one Twalk */
#define IOHDRSZ     24                      /* Twrite/Rread header, at most */
#define NINEP_HDRSZ (BIT32SZ + BIT8SZ + BIT16SZ)   /* size[4] type[1] tag[2] */
#define NINEP_VERSION "9P2000"
#define NINEP_VERSION_U "9P2000.u"
#define NINEP_NONUM ((uint32_t)~0U)         /* 9P2000.u: no numeric id */

/* --------------------------------------------------------------- stat */

/* Bytes convD2M will produce for d (including the 2-byte size field); may
 * exceed STATMAXLEN, in which case convD2M refuses d. */
size_t sizeD2M(const struct dir *d);

/* Encodes d into buf.  Returns the bytes written, or 0 (nothing written) if
 * n < sizeD2M(d) or d does not fit a 16-bit size.  Unlike Plan 9, a short
 * buffer never yields a BIT16SZ "size only" result: ask sizeD2M(). NULL
 * strings are encoded as empty. */
size_t convD2M(const struct dir *d, uint8_t *buf, size_t n);

/* Decodes the stat entry at the start of buf (its size field says how long
 * it is; n may be longer, e.g. a directory read).  Strings are copied into
 * strs, which needs room for n bytes (BIT16SZ + size suffices).  Returns the
 * entry's length, or 0 if it is malformed (d and strs then hold garbage). */
size_t convM2D(const uint8_t *buf, size_t n, struct dir *d, char *strs);

/* The same in either dialect (dotu: 9P2000.u). */
size_t sizeD2Mx(const struct dir *d, bool dotu);
size_t convD2Mx(const struct dir *d, uint8_t *buf, size_t n, bool dotu);
size_t convM2Dx(const uint8_t *buf, size_t n, struct dir *d, char *strs, bool dotu);
const char *ninep_stat_errorx(const uint8_t *buf, size_t n, bool dotu);

/* 0 if buf[0..n) is exactly one well-formed stat entry, -1 if not. */
int statcheck(const uint8_t *buf, size_t n);

/* Like statcheck, but returns NULL if well formed, else why not. */
const char *ninep_stat_error(const uint8_t *buf, size_t n);

/* ----------------------------------------------------------- messages */

enum ninep_type {
	Tversion = 100, Rversion,
	Tauth = 102, Rauth,
	Tattach = 104, Rattach,
	Terror = 106, Rerror,           /* Terror is illegal on the wire */
	Tflush = 108, Rflush,
	Twalk = 110, Rwalk,
	Topen = 112, Ropen,
	Tcreate = 114, Rcreate,
	Tread = 116, Rread,
	Twrite = 118, Rwrite,
	Tclunk = 120, Rclunk,
	Tremove = 122, Rremove,
	Tstat = 124, Rstat,
	Twstat = 126, Rwstat,
	Tmax,
};

/* One 9P message.  type and tag always; fid for every T-message that names
 * one (Tattach, Twalk, Topen, Tcreate, Tread, Twrite, Tclunk, Tremove, Tstat,
 * Twstat); the union member for the type, as commented. */
struct fcall {
	uint8_t type;
	uint16_t tag;
	bool dotu;                      /* 9P2000.u: encode/decoded so */
	uint32_t fid;
	union {
		struct {                        /* Tversion, Rversion */
			uint32_t msize;
			const char *version;
		};
		struct {                        /* Tflush */
			uint16_t oldtag;
		};
		struct {                        /* Rerror */
			const char *ename;
			uint32_t errnum;        /* .u: the server's errno */
		};
		struct {                        /* Ropen, Rcreate; Rattach: qid */
			struct qid qid;
			uint32_t iounit;
		};
		struct {                        /* Rauth */
			struct qid aqid;
		};
		struct {                        /* Tauth, Tattach */
			uint32_t afid;
			const char *uname;
			const char *aname;
			uint32_t n_uname;       /* .u: numeric user */
		};
		struct {                        /* Tcreate (name, perm, mode); Topen (mode) */
			uint32_t perm;
			const char *name;
			uint8_t mode;           /* 9P mode: OREAD.., OTRUNC, ORCLOSE */
			const char *extension;  /* .u Tcreate: symlink target etc. */
		};
		struct {                        /* Twalk */
			uint32_t newfid;
			uint16_t nwname;
			const char *wname[MAXWELEM];
		};
		struct {                        /* Rwalk */
			uint16_t nwqid;
			struct qid wqid[MAXWELEM];
		};
		struct {                        /* Tread; Twrite, Rread (+data); Rwrite */
			uint64_t offset;
			uint32_t count;
			const uint8_t *data;
		};
		struct {                        /* Rstat, Twstat */
			uint16_t nstat;
			const uint8_t *stat;
		};
	};
};

/* Bytes convS2M will produce for f, or 0 if f cannot be encoded (unknown
 * type, nwname/nwqid > MAXWELEM, a string or the whole over its size field). */
size_t sizeS2M(const struct fcall *f);

/* Encodes f into buf.  Returns the message length, or 0 (nothing written)
 * if f cannot be encoded or n is too small. */
size_t convS2M(const struct fcall *f, uint8_t *buf, size_t n);

/* Decodes the message at the start of buf (n may hold more after it).
 * Strings go into strs (room for n bytes suffices); data and stat point into
 * buf.  Returns the message's length, or 0 if it is malformed or incomplete.
 * Rstat/Twstat payloads must pass statcheck(). */
size_t convM2S(const uint8_t *buf, size_t n, struct fcall *f, char *strs);

/* NULL if buf holds one well-formed message first, else why not. */
const char *ninep_msg_error(const uint8_t *buf, size_t n);
/* convM2S and ninep_msg_error in either dialect (sizeS2M and convS2M
 * follow f->dotu). */
size_t convM2Sx(const uint8_t *buf, size_t n, struct fcall *f, char *strs, bool dotu);
const char *ninep_msg_errorx(const uint8_t *buf, size_t n, bool dotu);

/* The length the message at buf claims (its size field), or 0 if n < 4:
 * lets a reader of a byte stream know how much more to collect. */
size_t ninep_msg_size(const uint8_t *buf, size_t n);

/* 0 if f respects a negotiated msize: the encoded message fits, and a Tread
 * asks for at most msize - IOHDRSZ bytes; -1 if not. */
int ninep_check_msize(const struct fcall *f, uint32_t msize);

/* Name of a message type ("Twalk"), or "unknown". */
const char *ninep_type_name(unsigned int type);
