/* SPDX-License-Identifier: MIT */
/*
 * ip.h - the #ip stack's internal interfaces (kern/src/net/; the design is
 * Documentation/net.md, the file tree Documentation/dev/ip.md).
 *
 * Layers, bottom up:
 *	media        loopback.c, ethermedium.c: struct ip_medium, one struct
 *	             iplink per binding of a medium to an interface
 *	interfaces   ipifc.c: struct ipifc, its addresses and MTU
 *	ARP, routes  arp.c (over arp_cache.c), iproute.c (over route_table.c)
 *	IPv4         ipv4_out.c (route, fragment, hand to the link),
 *	             ipv4_in.c (validate, reassemble, demultiplex)
 *	protocols    icmp.c, udp.c (and TCP next): struct ip_proto
 *	conversations conv.c: struct conv, the ctl language, ports, listen
 *	the device   kern/drivers/dev/ip.c: #ip's files over all of the above
 *
 * Context: every path in here runs in a kthread (a syscall, the loopback
 * and ether medium readers, the stack's timer kthread), never in an IRQ
 * handler, so the stack's spinlocks are plain (no irqsave).  They are
 * leaves among themselves: none is taken with another of them held
 * (Documentation/locking.md, "network").  Nothing holding one sleeps,
 * raises error() or calls into a queue that may block.
 *
 * Errors: the device and ctl parsing raise error(); the packet paths
 * (ip_output, ip_input, rcv) never do: they count, log and drop, and
 * ip_output returns a negative errno for its caller to raise.
 *
 * Field tags: the legend of Documentation/style.md; [p->lock] the
 * protocol's spinlock, [qlock] the conversation's qlock, [ifc->lock] the
 * interface's spinlock, [cfg] the interface's configuration qlock.
 */
#pragma once

#include <atomic.h>
#include <ether.h>          /* BLOCK_F_RX_*: what a NIC verified */
#include <fdtap.h>
#include <kref.h>
#include <rendez.h>
#include <sem.h>
#include <spinlock.h>
#include <types.h>

#include <ipwire.h>

struct block;
struct chan;
struct conv;
struct ipifc;
struct iplink;
struct queue;
struct slice;


#define IP_MAX_IFC       16
#define IPIFC_MAX_ADDR   8
#define IP_MAX_PROTO     8
#define IP_CONV_QLIMIT   (256 * 1024)   /* bytes a conversation's rq holds */
#define IP_LISTEN_MAX    64             /* incoming calls queued per listener */
#define IP_EPHEMERAL_LO  49152          /* RFC 6335 dynamic ports */
#define IP_EPHEMERAL_HI  65535

/* ------------------------------------------------------------ media */

struct ip_medium {
	const char *name;               /* "ether", "loopback" */
	unsigned int hdrlen;            /* link header bytes prepended */
	unsigned int maxmtu;
	/* Attaches to ifc with the words after "bind NAME" (error() on bad
	 * arguments); fills link->priv, link->mtu, link->desc. */
	void (*bind)(struct iplink *link, int argc, char **argv);
	/* Stops the link's kthreads and releases what bind took; may sleep. */
	void (*unbind)(struct iplink *link);
	/* Sends the IP datagram b (consumed) towards next hop nexthop. */
	void (*send)(struct iplink *link, struct block *b, uint32_t nexthop);
	/* An address was added (gratuitous ARP); may be NULL. */
	void (*addaddr)(struct iplink *link, uint32_t addr);
	/* Frees priv after the last reference went (may be NULL). */
	void (*release)(struct iplink *link);
};

/* One binding of a medium to an interface.  The interface holds one
 * reference while bound; a sender takes one for the duration of a send
 * (ipifc_link_get), so unbind never pulls a link out from under a send. */
struct iplink {
	struct kref ref;                /* [a] */
	const struct ip_medium *m;      /* [I] */
	struct ipifc *ifc;              /* [I] */
	void *priv;                     /* [I] the medium's */
	unsigned int mtu;               /* [I] of the medium */
	char desc[64];                  /* [I] "ether /net/ether0" */
};

extern const struct ip_medium loopback_medium;
extern const struct ip_medium ether_medium;

/* ------------------------------------------------------------ interfaces */

struct ipifc_addr {
	uint32_t addr, mask;
};

struct ipifc_stats {
	atomic_t in, out, in_err, out_err;
};

struct ipifc {
	unsigned int idx;               /* [I] N of #ip/ipifc/N */
	struct sem cfg;                 /* qlock "ipifc cfg": ctl commands */
	spinlock_t lock;                /* "ipifc" */
	bool allocated;                 /* [lock] */
	int nopen;                      /* [lock] open chans on the dir */
	struct iplink *link;            /* [lock] one reference; NULL unbound */
	unsigned int mtu;               /* [lock] */
	unsigned int naddr;             /* [lock] */
	struct ipifc_addr addr[IPIFC_MAX_ADDR];  /* [lock] */
	struct ipifc_stats st;
};

extern struct ipifc ipifcs[IP_MAX_IFC];

void ipifc_init(void);
/* A free interface slot, allocated (nopen 1), or NULL. */
struct ipifc *ipifc_alloc(void);
/* Drops one open; frees the slot if unbound and unused. */
void ipifc_close(struct ipifc *ifc);
bool ipifc_open(unsigned int idx);
/* The ctl language of #ip/ipifc/N/ctl (error() on bad input). */
void ipifc_ctl(struct ipifc *ifc, char *msg);
void ipifc_status(struct ipifc *ifc, struct slice *s);
/* The link with a reference, or NULL if unbound; put with iplink_put. */
struct iplink *ipifc_link_get(struct ipifc *ifc);
void iplink_put(struct iplink *link);
/* Received IP datagram on link (consumed): counted and passed up. */
void ipifc_input(struct iplink *link, struct block *b);
/* One of our addresses (on any interface)?  A broadcast of one of our
 * subnets, or 255.255.255.255? */
bool ipifc_is_local(uint32_t addr);
bool ipifc_is_bcast(uint32_t addr);
/* One of our addresses on ifc? */
bool ipifc_has_addr(struct ipifc *ifc, uint32_t addr);
/* The source address for dst out of ifc (0 if it has none). */
uint32_t ipifc_src_for(struct ipifc *ifc, uint32_t dst);
/* The interface bound to the loopback medium, or NULL. */
struct ipifc *ipifc_loopback(void);
/* Boot configuration: loopback on interface 0 with 127.0.0.1/8. */
void ipifc_boot_loopback(void);

/* ------------------------------------------------------------ ARP */

void arp_init(void);
/* Resolves nexthop on link's interface for frame b (its IP datagram;
 * consumed): fills mac and returns true, or queues b (asking the network
 * if new) and returns false. */
bool arp_resolve(struct iplink *link, uint32_t nexthop, struct block *b,
                 uint8_t mac[ETH_ALEN]);
/* An ARP packet arrived on link; the medium passes its 28 bytes. */
void arp_input(struct iplink *link, const uint8_t *pkt, size_t len);
/* Sends one request for ip (used for retries and gratuitous ARP). */
void arp_request(struct iplink *link, uint32_t ip);
/* Timer tick: retries and expiries. */
void arp_tick(uint64_t now);
void arp_flush_ifc(int ifc);
void arp_read(struct slice *s);
void arp_stats(struct slice *s);
void arp_ctl(char *msg);

/* ------------------------------------------------------------ routes */

struct route;
void iproute_init(void);
/* Longest-prefix match for dst: true and *r filled. */
bool iproute_lookup(uint32_t dst, struct route *r);
int iproute_add(uint32_t dst, uint32_t mask, uint32_t gw, unsigned int ifc, uint32_t flags);
int iproute_remove(uint32_t dst, uint32_t mask);
void iproute_flush_ifc(int ifc);
void iproute_read(struct slice *s);
void iproute_ctl(char *msg);

/* ------------------------------------------------------------ IPv4 */

/* What a protocol asks ip_output for. */
struct ip_out {
	uint32_t src;                   /* 0: chosen from the route */
	uint32_t dst;
	uint8_t proto, ttl, tos;
	bool df;
};

/* Sends payload b (consumed; its headroom takes the header) to o->dst:
 * routes it, fragments it to the interface's MTU and hands it to the
 * link.  0, or -ENETUNREACH (no route), -EHOSTUNREACH (interface
 * unbound), -EMSGSIZE (too big with df, or above 65515 bytes). */
int ip_output(struct block *b, const struct ip_out *o);
/* A received datagram from ifc (consumed): validated, reassembled,
 * handed to its protocol. */
void ip_input(struct ipifc *ifc, struct block *b);
void ip_reasm_tick(uint64_t now);
/* Counters of ipv4_out.c and ipv4_in.c (RFC 4293's names in ip_stats). */
struct ipv4_stats {
	atomic_t out, out_frags, out_noroute, out_discards, in, in_hdr_err, in_csum_err,
		in_not_ours, in_unknown_proto, in_delivered, reasm_reqds, reasm_oks, reasm_fails;
};
extern struct ipv4_stats ipv4_st;
void ip_stats(struct slice *s);
void ipv4_init(void);

/* ------------------------------------------------------------ protocols */

struct ip_proto {
	const char *name;               /* [I] "udp": the #ip directory */
	uint8_t ipproto;                /* [I] IP protocol number, 0 = none */
	unsigned int idx;               /* [I] index in ip_protos */
	unsigned int maxconv;           /* [I] */
	/* Operations (conv.c calls them; error() allowed unless noted):
	 * create: a new conv is being set up (allocate c->ptcl).
	 * connect / announce: after the generic parse (addresses, ports set);
	 *   may refuse.  NULL: accepted as parsed.
	 * ctl: messages the generic parser did not know; NULL: refused.
	 * close: the last open chan went; the protocol ends the conversation
	 *   and calls conv_release() when done (TCP: after its close
	 *   handshake); never error()s.
	 * send: one write to data (b consumed); NULL: data is queued on wq
	 *   for kick (a stream protocol pulls it out).
	 * kick: data was queued on wq (NULL if send is set).
	 * rcv: a datagram from IP, rp at its IP header (consumed); never
	 *   error()s.
	 * advise: an ICMP error quoted one of our datagrams (h its header,
	 *   l4 its first bytes); never error()s.
	 * state: the status file's text.  stats: the stats file's text.
	 * connecting: true while a connect has not finished (data is not
	 *   writable yet; may be NULL); never error()s. */
	void (*create)(struct conv *c);
	void (*connect)(struct conv *c);
	void (*announce)(struct conv *c);
	void (*ctl)(struct conv *c, int argc, char **argv);
	void (*close)(struct conv *c);
	void (*send)(struct conv *c, struct block *b);
	void (*kick)(struct conv *c);
	/* rq_drained: a reader took rq below its limit (may be NULL; TCP
	 * refills rq from its window). */
	void (*rq_drained)(struct conv *c);
	bool (*connecting)(struct conv *c);
	void (*rcv)(struct ipifc *ifc, struct block *b, const struct ip4_info *h);
	void (*advise)(const struct ip4_info *h, const uint8_t *l4, size_t len,
	               const char *why);
	void (*state)(struct conv *c, struct slice *s);
	void (*stats)(struct slice *s);
	/* Conversations: */
	spinlock_t lock;                /* "ip proto" */
	struct conv **conv;             /* [lock] maxconv slots */
	struct conv *ports[64];         /* [lock] hash of bound lports, by hnext */
	atomic_t nconv;                 /* [a] live conversations */
	void *priv;                     /* [I] the protocol's */
};

extern struct ip_proto *ip_protos[IP_MAX_PROTO];
extern unsigned int ip_nprotos;

/* Registration at boot. */
void ip_proto_register(struct ip_proto *p);
struct ip_proto *ip_proto_by_num(uint8_t ipproto);
void icmp_init(void);
void udp_init(void);
void tcp_init(void);

/* ------------------------------------------------------------ conversations */

/* Generic states; a protocol may show its own in status. */
enum conv_state { CONV_IDLE, CONV_ANNOUNCED, CONV_CONNECTED, CONV_CLOSED };

struct conv {
	struct kref ref;                /* [a] published: one; each open chan and
	                                 * lookup: one (conv.c) */
	struct ip_proto *p;             /* [I] */
	unsigned int x;                 /* [I] N of #ip/PROTO/N */
	struct sem qlock;               /* qlock "ip conv": ctl, state changes */
	/* Identity, written with qlock and p->lock held, read under either: */
	uint32_t laddr, raddr;
	uint16_t lport, rport;
	bool bound;                     /* on p->ports */
	struct conv *hnext;             /* [p->lock] ports chain */
	int state;                      /* [qlock] enum conv_state */
	int inuse;                      /* [p->lock] open chans */
	bool closing;                   /* [p->lock] inuse went to 0 after handed,
	                                 * or a queued call was dropped */
	bool handed;                    /* [p->lock] given to a user (clone or
	                                 * listen): its last close ends it */
	/* Options: */
	uint8_t ttl, tos;               /* [qlock] */
	bool headers;                   /* [qlock] datagrams carry addresses */
	bool df;                        /* [qlock] don't fragment */
	bool ctl_nonblock;              /* [qlock] the ctl write being served is
	                                 * O_NONBLOCK: connect does not wait */
	/* Data: */
	struct queue *rq, *wq;          /* [I] input (read), output (write) */
	struct fdtap_list data_taps;    /* data's taps */
	struct fdtap_list listen_taps;  /* listen's taps */
	/* Listen (stream protocols): */
	spinlock_t incall_lock;         /* "ip incall" */
	struct conv *incall;            /* [incall_lock] queued calls, by inext */
	struct conv *inext;             /* [incall_lock] */
	unsigned int nincall;           /* [incall_lock] */
	struct rendez listenr;          /* listen sleeps here */
	char owner[32];                 /* [qlock] */
	char err[128];                  /* [qlock] the last asynchronous error */
	void *ptcl;                     /* the protocol's, set by create */
};

/* A new conversation of p for the chan opening clone (inuse 1, handed,
 * with the chan's reference) or error(ENFILE). */
struct conv *conv_new(struct ip_proto *p);
/* A new conversation for a call a stream protocol accepted: published,
 * inuse 0, not handed out until conv_listen takes it; the caller's only
 * hold on it is the published reference (conv_release drops it). */
struct conv *conv_new_call(struct ip_proto *p);
/* Opens conversation x of p for a chan (inuse + 1 and a reference):
 * error(ENOENT) if it does not exist or is closing. */
struct conv *conv_open(struct ip_proto *p, unsigned int x);
/* A chan on c closed: inuse - 1 (the last of a handed-out conversation
 * calls p->close), then drops the chan's reference. */
void conv_close(struct conv *c);
/* The protocol is done with c: unpublish it and drop the published
 * reference.  c must not be touched by the caller afterwards unless it
 * holds a reference of its own. */
void conv_release(struct conv *c);
void conv_get(struct conv *c);
void conv_put(struct conv *c);
/* Does conversation x of p exist (for directory listings)? */
bool conv_exists(struct ip_proto *p, unsigned int x);
/* The ctl language common to every protocol (error() on bad input). */
void conv_ctl(struct conv *c, char *msg, bool nonblock);
/* Looks up the conversation for a datagram to (laddr, lport) from (raddr,
 * rport): a connected one first, then one bound or announced to lport.
 * Returns it with a reference (conv_put), or NULL. */
struct conv *conv_lookup(struct ip_proto *p, uint32_t laddr, uint16_t lport,
                         uint32_t raddr, uint16_t rport);
/* Chooses and binds a free ephemeral port for c ([qlock] held). */
void __conv_bind_ephemeral(struct conv *c);
/* Sets c's local port to port, refusing one in use (EADDRINUSE). */
void __conv_bind_port(struct conv *c, uint16_t port);
/* Gives nc, a call a stream protocol accepted, its identity: it shares
 * lport with its listener in the port hash (conv_lookup prefers it for
 * segments from raddr!rport). */
void conv_accept_identity(struct conv *nc, uint32_t laddr, uint16_t lport,
                          uint32_t raddr, uint16_t rport);
/* Queues the incoming call nc on the listener lc (stream protocols);
 * false if the listen queue is full or lc is closing (the caller drops
 * nc). */
bool conv_incall(struct conv *lc, struct conv *nc);
/* Waits for an incoming call on c (error(EAGAIN) if nonblock); returns it
 * handed out, with inuse + 1 and a reference for the taker's chan. */
struct conv *conv_listen(struct conv *c, bool nonblock);
/* Text forms of the conversation files. */
void conv_local(struct conv *c, struct slice *s);
void conv_remote(struct conv *c, struct slice *s);
void conv_status(struct conv *c, struct slice *s);
/* Records an asynchronous error (ICMP unreachable...). */
void conv_set_err(struct conv *c, const char *msg);
/* Wake-callback wiring: rq's readers' and the listen file's taps. */
void conv_taps_init(struct conv *c);
uint32_t conv_data_ready(struct conv *c);
uint32_t conv_listen_ready(struct conv *c);

/* ------------------------------------------------------------ parsing */

/* "a.b.c.d" -> host order; false if not one. */
bool ip_parse_addr(const char *s, uint32_t *out);
/* "255.255.255.0" or "/24" -> a mask; false if not one. */
bool ip_parse_mask(const char *s, uint32_t *out);
/* "addr!port", "*!port", "port" -> parts (addr 0 for '*' or absent). */
bool ip_parse_hostport(const char *s, uint32_t *addr, uint16_t *port);
/* Splits msg into at most max blank-separated words (in place). */
int ip_tokenize(char *msg, char **argv, int max);
/* Formats an address (buf of at least 16 bytes). */
char *ip_fmt_addr(char *buf, uint32_t a);

/* ------------------------------------------------------------ log */

enum {
	NETLOG_IP = 1 << 0, NETLOG_ICMP = 1 << 1, NETLOG_UDP = 1 << 2,
	NETLOG_ARP = 1 << 3, NETLOG_IFC = 1 << 4, NETLOG_ROUTE = 1 << 5,
	NETLOG_TCP = 1 << 6,
};

/* #ip/ndb (ndb.c): the configuration text, Plan 9's write-at-offset rule. */
#define IP_NDB_MAX 1024
void ip_ndb_read(struct slice *s);
size_t ip_ndb_write(const void *buf, size_t n, int64_t off);

void netlog_init(void);
void netlog(int cat, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void netlog_ctl(char *msg);
struct queue *netlog_queue(void);
void netlog_status(struct slice *s);

/* ------------------------------------------------------------ the stack */

/* Brings the stack up once (#ip's init): log, routes, ARP, interfaces,
 * protocols, loopback, the timer kthread. */
void ip_stack_init(void);
uint64_t ip_random_u32(void);

/* ------------------------------------------------------------ Ethernet */

/* Sends IP datagram b (consumed) to mac on an ether link. */
void ether_send_resolved(struct iplink *link, struct block *b, const uint8_t mac[ETH_ALEN]);
/* Sends an ARP packet to dst on an ether link. */
void ether_send_arp(struct iplink *link, const struct arp_info *a, const uint8_t dst[ETH_ALEN]);
void ether_link_mac(struct iplink *link, uint8_t mac[ETH_ALEN]);

/* ICMP errors about datagram b (rp at its IP header; not consumed):
 * rate-limited, and never about ICMP errors, broadcasts or later
 * fragments (RFC 1122 3.2.2). */
void icmp_error(const struct block *b, const struct ip4_info *h, uint8_t type, uint8_t code);
/* The source address a datagram to dst would carry (0: no route). */
uint32_t ip_route_src(uint32_t dst);
/* The MTU of the interface a datagram to dst would leave by (0: none). */
unsigned int ip_route_mtu(uint32_t dst);
