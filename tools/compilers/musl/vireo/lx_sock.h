/* SPDX-License-Identifier: MIT */
/*
 * lx_sock.h - the internals of the BSD socket calls of the translation
 * layer (Documentation/sockets.md): Linux's socket constants and
 * structures under LX_ names, the per-socket record and its table.
 *
 * A socket fd IS a file of the kernel: an AF_INET socket is the data file
 * of an #ip conversation (/net/tcp/N/data, /net/udp/N/data), an AF_UNIX
 * one an end of a #pipe.  struct lx_sock remembers what the fd alone does
 * not say (type, options, shutdown, a UDP peer); lx_socks[fd] points to it
 * (lx_socket.c).  Rules callers keep:
 *  - lx_sock_get() returns the record with a reference, or -EBADF /
 *    -ENOTSOCK; every get is paired with lx_sock_put().  Fields marked
 *    [lock] are read and written under s->lock; the others are fixed at
 *    creation.
 *  - An fd with no record whose fd2path names a conversation's data file
 *    (an exec'ed program inherits sockets, not the layer's memory) gets a
 *    record rebuilt from the path on first use.
 *  - dup/dup2/dup3/F_DUPFD share the record (lx_sock_dup); close drops
 *    the fd's reference (lx_sock_forget); fork copies the table with the
 *    address space, so parent and child each have their own records.
 */
#pragma once

#include <parlib/pdr_lock.h>
#include "lx.h"

#define LX_EDOM            33
#define LX_ENOTSOCK        88
#define LX_EDESTADDRREQ    89
#define LX_EMSGSIZE        90
#define LX_EPROTOTYPE      91
#define LX_ENOPROTOOPT     92
#define LX_EPROTONOSUPPORT 93
#define LX_EOPNOTSUPP      95
#define LX_EAFNOSUPPORT    97
#define LX_EADDRINUSE      98
#define LX_EADDRNOTAVAIL   99
#define LX_ECONNRESET     104
#define LX_EISCONN        106
#define LX_ENOTCONN       107
#define LX_ECONNREFUSED   111
#define LX_EALREADY       114
#define LX_EINPROGRESS    115

#define LX_AF_UNIX   1
#define LX_AF_INET   2

#define LX_SOCK_STREAM    1
#define LX_SOCK_DGRAM     2
#define LX_SOCK_TYPE_MASK 0xf
#define LX_SOCK_NONBLOCK  LX_O_NONBLOCK
#define LX_SOCK_CLOEXEC   LX_O_CLOEXEC

#define LX_IPPROTO_IP   0
#define LX_IPPROTO_TCP  6
#define LX_IPPROTO_UDP  17

#define LX_MSG_OOB       0x1
#define LX_MSG_PEEK      0x2
#define LX_MSG_TRUNC     0x20
#define LX_MSG_DONTWAIT  0x40
#define LX_MSG_EOR       0x80
#define LX_MSG_WAITALL   0x100
#define LX_MSG_NOSIGNAL  0x4000
#define LX_MSG_MORE      0x8000

#define LX_SHUT_RD   0
#define LX_SHUT_WR   1
#define LX_SHUT_RDWR 2

#define LX_SOL_SOCKET    1
#define LX_SO_REUSEADDR  2
#define LX_SO_TYPE       3
#define LX_SO_ERROR      4
#define LX_SO_SNDBUF     7
#define LX_SO_RCVBUF     8
#define LX_SO_KEEPALIVE  9
#define LX_SO_LINGER     13
#define LX_SO_RCVTIMEO   20
#define LX_SO_SNDTIMEO   21
#define LX_SO_ACCEPTCONN 30
#define LX_SO_DOMAIN     39
#define LX_SO_PROTOCOL   38
#define LX_TCP_NODELAY   1


struct lx_sockaddr_in {
	uint16_t sin_family;
	uint16_t sin_port;              /* big-endian */
	uint32_t sin_addr;              /* big-endian */
	uint8_t sin_zero[8];
};

struct lx_msghdr {
	void *msg_name;
	uint32_t msg_namelen;
	struct lx_iovec *msg_iov;
	size_t msg_iovlen;
	void *msg_control;
	size_t msg_controllen;
	int msg_flags;
};

struct lx_mmsghdr {
	struct lx_msghdr msg_hdr;
	unsigned int msg_len;
};

struct lx_linger {
	int l_onoff;
	int l_linger;
};

/* The socket's kind of kernel file. */
enum lx_sock_kind { LX_SK_TCP, LX_SK_UDP, LX_SK_UNIX };

struct lx_sock {
	int refs;                       /* [a] fds naming it, and gets in flight */
	uint8_t kind;                   /* enum lx_sock_kind */
	char dir[40];                   /* AF_INET: the conversation, "/net/tcp/3" */
	struct spin_pdr_lock lock;
	/* [lock] */
	bool bound, listening, connected, connecting;
	bool shut_rd, shut_wr;
	bool reuseaddr, keepalive, nodelay;
	int so_error;                   /* latched, cleared by SO_ERROR */
	int rcvbuf, sndbuf;
	struct lx_linger linger;
	struct lx_timeval rcvtimeo, sndtimeo;
	uint32_t peer_addr;             /* UDP connect: host order */
	uint16_t peer_port;
	void *peek;                     /* MSG_PEEK's bytes (lx_sockio.c) */
	char upath[109];                /* AF_UNIX: bound or connected path */
};

/* --- the table (lx_socket.c) */
struct lx_sock *lx_sock_get(long fd, long *err);
/* A new record of that kind (one reference), or NULL. */
struct lx_sock *lx_sock_alloc(int kind);
/* Makes fd name s (its own reference); the record fd had is dropped. */
void lx_sock_install(long fd, struct lx_sock *s);
/* The record the table has for fd (a reference), or NULL: no rebuild. */
struct lx_sock *lx_sock_find(long fd);
void lx_sock_put(struct lx_sock *s);
/* The stream or datagram type of s (SO_TYPE). */
int lx_sock_type(const struct lx_sock *s);

/* The record's last reference went: its peek buffer goes (lx_sockio.c). */
void lx_sock_peek_free(struct lx_sock *s);

/* --- conversation files (lx_socket.c) */
/* Writes msg to s's ctl (opened for the call); O_NONBLOCK if nonblock. */
long lx_sock_ctl(struct lx_sock *s, const char *msg, bool nonblock);
/* Reads s's file (local, remote, status) into buf (NUL-terminated). */
long lx_sock_file(struct lx_sock *s, const char *file, char *buf, size_t n);
/* The fd's O_NONBLOCK, or -errno. */
long lx_sock_nonblock(long fd);

/* A non-blocking connect still out: 0 once connected, -EALREADY while
 * waiting, or the error it ended with (then latched in so_error). */
long lx_sock_connect_poll(struct lx_sock *s);
/* Brings a non-blocking connect's outcome into the record if it is
 * known: 0 (connected, or still connecting) or the error it ended with. */
long lx_sock_settle(struct lx_sock *s);
/* Writes the recorded options #ip knows to a connected TCP socket's ctl. */
long lx_sock_apply_opts(struct lx_sock *s);

/* --- named AF_UNIX sockets (lx_unix.c) */
/* A new #pipe: its ends (data, data1) in fds, opened read-write with
 * flags0 and flags1; 0 or -errno. */
long lx_unix_pipe(long fds[2], long flags0, long flags1);
long lx_unix_socket(long flags);
long lx_unix_bind(struct lx_sock *s, long fd, const void *sa, uint32_t len);
long lx_unix_connect(struct lx_sock *s, long fd, const void *sa, uint32_t len);
long lx_unix_accept(long fd, long flags);

/* --- addresses (lx_sockaddr.c) */
/* A sockaddr_in from the user: host-order address and port; -errno. */
long lx_sa_in_get(const void *sa, uint32_t len, uint32_t *addr, uint16_t *port);
/* Stores a sockaddr_in at sa, *lenp bytes at most; *lenp = its size. */
long lx_sa_in_put(void *sa, uint32_t *lenp, uint32_t addr, uint16_t port);
/* Stores an AF_UNIX address: path, or no name when NULL or "". */
long lx_sa_un_put(void *sa, uint32_t *lenp, const char *path);
/* "A.B.C.D!PORT" into host-order address and port; false if malformed. */
bool lx_sa_parse(const char *text, uint32_t *addr, uint16_t *port);
/* "A.B.C.D!PORT" at buf (room for 24 bytes). */
void lx_sa_format(char *buf, uint32_t addr, uint16_t port);
/* The UDP headers-mode header (52 bytes) for and from addresses. */
void lx_udp_hdr_put(uint8_t *h, uint32_t raddr, uint16_t rport);
void lx_udp_hdr_get(const uint8_t *h, uint32_t *raddr, uint16_t *rport);
#define LX_UDP_HDR 52
