/* SPDX-License-Identifier: MIT */
/*
 * arp_cache.h - the ARP cache as a pure data structure (arp_cache.c): IPv4
 * address to Ethernet address per interface, with the RFC 826 merge rule,
 * timeouts, a bounded queue of packets waiting for an answer, and a bound
 * on the entries.  arp.c wraps it with a lock, a timer and the wire.
 *
 *	r = arp_cache_resolve(c, ifc, ip, now, b, mac, &ask);
 *	    1: mac filled, b untouched (send it)   0: b queued (ask: send a request)
 *	    <0: b was freed (no memory)
 *	done = arp_cache_learn(c, ifc, ip, mac, now, create);   // packets now sendable
 *	n = arp_cache_age(c, now, retry, max, &dead);           // timer
 *
 * States: PENDING (asked, no answer yet; retried every retry_ns up to
 * max_tries, then dropped with its packets), OK (answered; expires after
 * ttl_ns; RFC 1122 2.3.2.1 asks for a timeout), STATIC (written by the
 * user; never expires).  Each PENDING entry queues at most max_pending
 * packets (the oldest is dropped: RFC 1122 2.3.2.2 says keep at least
 * one, the latest).  When the cache is full the least recently used
 * non-static entry is evicted, so an ARP flood cannot grow it.
 *
 * Locking: none inside; the caller serialises.  Allocation: MEM_ATOMIC.
 * Pure, built for host tests (tests/host/ip_tables.mk).
 */
#pragma once

#include <types.h>

#include <ipwire.h>

struct block;

enum { ARP_PENDING = 1, ARP_OK, ARP_STATIC };

struct arp_entry {
	struct arp_entry *next;         /* hash chain */
	uint32_t ip;
	unsigned int ifc;
	uint8_t mac[ETH_ALEN];
	uint8_t state;
	uint8_t tries;                  /* requests sent (PENDING) */
	uint64_t when;                  /* PENDING: next retry; OK: expiry */
	uint64_t used;                  /* last lookup or update, for eviction */
	struct block *pending;          /* packets waiting (PENDING), by ->next */
	unsigned int npending;
};

struct arp_params {
	unsigned int max_entries;
	unsigned int max_pending;       /* per entry */
	unsigned int max_tries;
	uint64_t retry_ns, ttl_ns;
};

extern const struct arp_params arp_params_default;

#define ARP_HASH 64

struct arp_stats {
	uint64_t hits, misses, queued, dropped, evicted, learned, timeouts;
};

struct arp_cache {
	struct arp_params prm;
	struct arp_entry *hash[ARP_HASH];
	unsigned int nr;
	struct arp_stats st;
};

/* What arp_cache_age asks the caller to send again. */
struct arp_retry {
	uint32_t ip;
	unsigned int ifc;
};

void arp_cache_init(struct arp_cache *c, const struct arp_params *prm);
struct arp_entry *arp_cache_lookup(struct arp_cache *c, unsigned int ifc, uint32_t ip);
int arp_cache_resolve(struct arp_cache *c, unsigned int ifc, uint32_t ip, uint64_t now,
                      struct block *b, uint8_t mac[ETH_ALEN], bool *ask);
/* An address pair to remember.  state 0: an ARP packet for someone else
 * (RFC 826's merge: update an entry that exists, create none); ARP_OK: we
 * were the target or asked (create); ARP_STATIC: the user said so.  Returns the packets that were waiting for
 * ip (a list by ->next, the caller sends them), or NULL.  A STATIC entry
 * is not overwritten by the network. */
struct block *arp_cache_learn(struct arp_cache *c, unsigned int ifc, uint32_t ip,
                              const uint8_t mac[ETH_ALEN], uint64_t now, int state);
/* Removes an entry: 0 or -ENOENT.  Its waiting packets are freed. */
int arp_cache_del(struct arp_cache *c, unsigned int ifc, uint32_t ip);
/* Removes every entry (ifc < 0) or those of one interface. */
void arp_cache_flush(struct arp_cache *c, int ifc);
/* Expires old entries and collects PENDING ones due for another request
 * (at most max into retry; the rest wait a tick).  Packets of entries that
 * gave up are returned in *dead (a list; the caller frees them).  Returns
 * the number of retry slots filled. */
unsigned int arp_cache_age(struct arp_cache *c, uint64_t now, struct arp_retry *retry,
                           unsigned int max, struct block **dead);
/* Calls fn for each entry (listing).  fn must not change the cache. */
void arp_cache_foreach(struct arp_cache *c, void (*fn)(const struct arp_entry *e, void *arg),
                       void *arg);
