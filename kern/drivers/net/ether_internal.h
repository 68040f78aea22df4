/* SPDX-License-Identifier: MIT */
/*
 * ether_internal.h - what ether.c (the interfaces, rx demultiplexing, the
 * transmit queue) shares with devether.c (the #ether files).  Drivers use
 * kern/include/ether.h only.
 *
 * An interface (struct ether_ifc) is #ether's own state for one
 * registered struct ether: its connections, transmit queue, settings and
 * locks.  It is counted (ref): the table holds one reference while the
 * driver is registered, each connection one; so open connections keep it
 * after ether_unregister, with ifc->e NULL (no ops are called any more).
 *
 * A connection (Plan 9's Netfile) is one clone of an interface: a type to
 * receive, a bounded read queue (Qmsg: one frame per read, a full queue
 * drops), its own flags and multicast addresses, and the FD taps of its
 * data file.  It lives while some chan has one of its files open (inuse,
 * [ifc->qlock]); the last close frees it.  ether_rx finds connections
 * through ifc->conns under ifc->conn_lock, and a connection leaves that
 * array under the same lock before it is freed, so the demultiplexer
 * never sees a freed one.
 */
#pragma once

#include <ether.h>
#include <fdtap.h>
#include <kref.h>
#include <sem.h>
#include <spinlock.h>

#define ETHER_CONN_QLIMIT (64 * 1024)  /* bytes queued per connection, at least */
#define ETHER_CONN_QMAX   (4 * 1024 * 1024)    /* and at most (rx_burst's share) */
#define ETHER_RX_COPYBREAK 256         /* frames this small leave a big buffer */
#define ETHER_RX_SPARE    1024         /* ... when it has this much room to spare */
#define ETHER_TXQ_LIMIT   (128 * 1024) /* bytes queued for transmission */
#define ETHER_CONN_MULTI  8            /* multicast addresses per connection */
#define ETHER_HEADERSONLY 64           /* bytes a headersonly connection gets */
#define ETHER_TYPE_NONE   0            /* not connected: receives nothing */
#define ETHER_TYPE_ALL    (-1)

/* One multicast address and how many connections asked for it. */
struct ether_multi {
	uint8_t addr[ETHER_ADDR_LEN];
	unsigned int refs;              /* 0: the slot is free */
};

/* The byte limit of a connection's receive queue: room for a whole
 * receive ring of full frames (the burst one interrupt can hand over while
 * the reader has not run yet), never below ETHER_CONN_QLIMIT nor above
 * ETHER_CONN_QMAX. */
size_t ether_conn_qlimit(unsigned int rx_burst, unsigned int mtu);

/* ether.c, any context: b, or a copy of its frame in a block of the
 * frame's size when b is a big receive buffer holding a small frame (b is
 * then freed; without memory b stays).  Queues count bytes of data, so a
 * connection full of small frames holds that much memory, not a ring
 * buffer per frame. */
struct block *ether_rx_compact(struct block *b);

/* Tags: [I] set before it is published; [q] qlock; [c] conn_lock
 * (written also holding qlock); [k] kick_lock (written also holding
 * qlock); [a] atomic. */
struct ether_ifc {
	struct kref ref;                /* [a] the table's, one per connection */
	struct ether *e;                /* [k] the driver's; NULL once unregistered */
	unsigned int idx;               /* [I] */
	char name[16];                  /* [I] "etherN" */
	unsigned int mtu;               /* [I] copies of the driver's */
	uint8_t addr[ETHER_ADDR_LEN];   /* [I] */
	uint32_t features;              /* [I] */
	size_t conn_qlimit;             /* [I] a connection's queue (ether_conn_qlimit) */
	struct sem qlock;               /* "ether" */
	bool opened;                    /* [q] ops->open succeeded (also read in kicks) */
	bool gone;                      /* [q] unregistered */
	unsigned int nprom;             /* [q] promiscuous connections */
	struct ether_multi multi[ETHER_MAX_MULTI];      /* [q] */
	spinlock_t conn_lock;           /* "ether conns", irqsave */
	struct ether_conn *conns[ETHER_MAX_CONNS];      /* [c] */
	spinlock_t kick_lock;           /* "ether kick", irqsave: kicks against unregister */
	struct queue *txq;              /* [I] frames to send (Qmsg) */
};

/* Tags: [I] set before the connection is published; [q] ifc->qlock; [c]
 * ifc->conn_lock (written also holding ifc->qlock); [a] atomic. */
struct ether_conn {
	struct ether_ifc *ifc;          /* [I] holds a reference */
	unsigned int idx;               /* [I] M of etherN/M */
	int type;                       /* [c] ethertype, ETHER_TYPE_ALL or _NONE */
	bool prom;                      /* [c] promiscuous */
	bool headersonly;               /* [c] */
	bool nonblocking;               /* [q] reads and writes never wait */
	unsigned int inuse;             /* [q] open chans on its files */
	struct queue *rq;               /* [I] received frames */
	struct fdtap_list taps;         /* of its data file */
	uint8_t multi[ETHER_CONN_MULTI][ETHER_ADDR_LEN];        /* [q] */
	unsigned int nmulti;            /* [q] */
	uint64_t rx_frames, tx_frames;  /* [a] */
};

/* ether.c: the interface table (ether_ifc_lock held for the lookup and
 * for as long as the result is used). */
extern struct sem ether_ifc_lock;
struct ether_ifc *__ether_ifc_lookup(unsigned int idx);
/* Drops a reference; the last frees the interface's state. */
void ether_ifc_put(struct ether_ifc *ifc);

/* ether.c: connections (ifc->qlock held by the caller for all of these). */
/* Opens the device on first use; 0 or -errno. */
int __ether_open_dev(struct ether_ifc *ifc);
/* A new connection with inuse 1, or NULL (-ENOSPC/-ENOMEM/-ENODEV in *err). */
struct ether_conn *__ether_conn_alloc(struct ether_ifc *ifc, int *err);
/* The connection M while it exists, or NULL. */
struct ether_conn *__ether_conn_get(struct ether_ifc *ifc, unsigned int m);
/* Drops one use; the last frees the connection and returns true: the
 * caller then drops the interface reference it held, with ether_ifc_put()
 * after releasing ifc->qlock. */
bool __ether_conn_put(struct ether_conn *cv);
/* Settings; 0 or -errno. */
int __ether_conn_set_type(struct ether_conn *cv, int type);
int __ether_conn_set_prom(struct ether_conn *cv);
void __ether_conn_set_headersonly(struct ether_conn *cv);
int __ether_conn_multi(struct ether_conn *cv, const uint8_t *addr, bool add);

/* ether_parse.c (pure: host-tested).  "XX:XX:XX:XX:XX:XX" or 12 hex
 * digits; an ethertype in decimal or 0x hex (1..0xffff) or -1.  0 or
 * -EINVAL (the output untouched). */
int ether_parse_addr(const char *s, uint8_t *addr);
int ether_parse_type(const char *s, int *type);
/* Whether a connection of conn_type (promiscuous or not) takes a frame
 * whose 14-byte header is hdr, on an interface of address mac. */
bool ether_conn_wants(int conn_type, bool prom, const uint8_t *hdr, const uint8_t *mac);

/* Queues one frame for transmission (b consumed); error()s like qbwrite. */
void ether_send(struct ether_conn *cv, struct block *b, bool nonblock);
/* What a data file's taps see now (FDTAP_FILT_* bits). */
uint32_t ether_conn_ready(struct ether_conn *cv);
