/* SPDX-License-Identifier: MIT */
/*
 * mnt_internal.h - what the two halves of #mnt share: the device (mnt.c,
 * chans and the 9P operations on them) and the multiplexer (mnt_rpc.c,
 * tags, the one reader, flushes, a dead server).  Design:
 * Documentation/dev/mnt.md.
 *
 *	struct mntrpc *r = mnt_rpc(m, &tx);    // sends tx, waits for its reply
 *	... use r->rx (the decoded R-message; strings and data in r) ...
 *	mnt_rpc_free(m, r);
 *
 * mnt_rpc() raises: the server's Rerror (errno from the text), EINTR when
 * the calling syscall was aborted (a Tflush is then on its way and the tag
 * stays reserved until its Rflush), EIO when the server is dead or broke the
 * protocol.  A reply of the wrong type is EIO too; r->rx.type is always
 * tx.type + 1 on return.
 *
 * Lifetime: struct mnt is reference counted: one reference per #mnt chan
 * (its fid), plus one held by each mnt_rpc() caller through its chan.  The
 * last put closes the server's chan and frees the orphaned requests.
 */
#pragma once

#include <kref.h>
#include <ninep.h>
#include <ns.h>
#include <rendez.h>
#include <sem.h>
#include <spinlock.h>

#define MNT_MSIZE   (64 * 1024 + IOHDRSZ)   /* the msize the client proposes */
#define MNT_MINSIZE 512                     /* smallest msize it accepts */
#define MNT_NTAGS   64                      /* requests in flight per mount */
#define MNT_VTAG    MNT_NTAGS               /* slot of the NOTAG (Tversion) */

struct mntrpc {
	uint16_t tag;           /* [I] wire tag: slot index, or NOTAG */
	bool done;              /* [m->lock] reply in, or given up */
	bool orphan;            /* [m->lock] no one waits: the reader frees it */
	struct mntrpc *flush;   /* [m->lock] the Tflush sent for it, if any */
	struct mntrpc *flushes; /* [I] for a Tflush: the request it flushes */
	uint8_t *reply;         /* [m->lock] the reply's bytes (kmalloc) */
	size_t rlen;
	struct fcall rx;        /* the decoded reply (mnt_rpc's caller) */
	char *strs;             /* its strings (kmalloc) */
};

struct mnt {
	struct kref ref;        /* [a] */
	uint32_t id;            /* [I] the dev of its chans */
	struct chan *c;         /* [I] the server's chan (one reference) */
	uint32_t msize;         /* [I] once mnt_version() returned */
	bool dotu;              /* [I] 9P2000.u (QEMU's server), from then too */
	struct sem wlock;       /* "mnt write": one T-message on the wire at a time */
	struct rendez rv;       /* waiters for replies, tags, the reader role */
	spinlock_t lock;        /* guards [m->lock] */
	struct mntrpc *tags[MNT_NTAGS + 1];  /* [m->lock] in flight, by slot */
	int nfree;              /* [m->lock] free slots of tags[0..MNT_NTAGS) */
	bool reading;           /* [m->lock] some kthread is the reader */
	bool dead;              /* [m->lock] no more requests: why says why */
	char why[ERRSTR_MAX];   /* [m->lock] */
	uint32_t next_fid;      /* [m->lock] fids are never reused */
	uint8_t *rbuf;          /* [reader] bytes read, a message collecting */
	size_t rlen;            /* [reader] */
};

struct mnt *mnt_new(struct chan *server);
void mnt_put(struct mnt *m);
/* Negotiates version and msize (before m is shared); raises on failure. */
void mnt_version(struct mnt *m);
struct mntrpc *mnt_rpc(struct mnt *m, struct fcall *tx);
void mnt_rpc_free(struct mnt *m, struct mntrpc *r);
/* A fresh fid (raises EIO past 2^32 - 2 fids). */
uint32_t mnt_fid(struct mnt *m);
/* Marks m dead (the first reason sticks) and wakes every waiter. */
void mnt_kill(struct mnt *m, const char *why);
/* The errno for a server's error text ("file does not exist": ENOENT). */
int mnt_errno(const char *ename);
