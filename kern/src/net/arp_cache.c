/* SPDX-License-Identifier: MIT */
/*
 * arp_cache.c - the ARP cache (model, states and limits: arp_cache.h).
 *
 * Entries hang off ARP_HASH chains hashed on the address; an interface
 * number is part of the key, so one address may be known on two
 * interfaces.  Eviction scans for the least recently used entry and runs
 * only when the cache is full.
 */
#include <block.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>

#include "arp_cache.h"

const struct arp_params arp_params_default = {
	.max_entries = 512,
	.max_pending = 4,
	.max_tries = 3,
	.retry_ns = 1000ull * 1000 * 1000,
	.ttl_ns = 300ull * 1000 * 1000 * 1000,
};

static unsigned int arp_hash(uint32_t ip)
{
	return (ip ^ (ip >> 8) ^ (ip >> 16) ^ (ip >> 24)) % ARP_HASH;
}

void arp_cache_init(struct arp_cache *c, const struct arp_params *prm)
{
	memset(c, 0, sizeof(*c));
	c->prm = *prm;
}

struct arp_entry *arp_cache_lookup(struct arp_cache *c, unsigned int ifc, uint32_t ip)
{
	for (struct arp_entry *e = c->hash[arp_hash(ip)]; e; e = e->next)
		if (e->ip == ip && e->ifc == ifc)
			return e;
	return NULL;
}

/* Unlinks and frees e; its waiting packets go to *dead (or are freed). */
static void arp_entry_free(struct arp_cache *c, struct arp_entry *e, struct block **dead)
{
	struct arp_entry **l = &c->hash[arp_hash(e->ip)];

	while (*l != e)
		l = &(*l)->next;
	*l = e->next;
	if (dead && e->pending) {
		struct block *t = e->pending;

		while (t->next)
			t = t->next;
		t->next = *dead;
		*dead = e->pending;
	} else {
		freeblist(e->pending);
	}
	c->nr--;
	kfree(e);
}

/* Frees the least recently used non-static entry; false if none. */
static bool arp_evict(struct arp_cache *c)
{
	struct arp_entry *victim = NULL;

	for (unsigned int i = 0; i < ARP_HASH; i++)
		for (struct arp_entry *e = c->hash[i]; e; e = e->next)
			if (e->state != ARP_STATIC && (!victim || e->used < victim->used))
				victim = e;
	if (!victim)
		return false;
	arp_entry_free(c, victim, NULL);
	c->st.evicted++;
	return true;
}

static struct arp_entry *arp_entry_new(struct arp_cache *c, unsigned int ifc, uint32_t ip,
                                       uint64_t now)
{
	struct arp_entry *e;
	unsigned int h = arp_hash(ip);

	if (c->nr >= c->prm.max_entries && !arp_evict(c))
		return NULL;
	e = kzmalloc(sizeof(*e), MEM_ATOMIC);
	if (!e)
		return NULL;
	e->ip = ip;
	e->ifc = ifc;
	e->used = now;
	e->next = c->hash[h];
	c->hash[h] = e;
	c->nr++;
	return e;
}

/* Queues b on a PENDING entry, dropping the oldest beyond the bound. */
static void arp_queue(struct arp_cache *c, struct arp_entry *e, struct block *b)
{
	struct block **l = &e->pending;

	while (*l)
		l = &(*l)->next;
	b->next = NULL;
	*l = b;
	c->st.queued++;
	if (++e->npending > c->prm.max_pending) {
		struct block *old = e->pending;

		e->pending = old->next;
		old->next = NULL;
		freeb(old);
		e->npending--;
		c->st.dropped++;
	}
}

int arp_cache_resolve(struct arp_cache *c, unsigned int ifc, uint32_t ip, uint64_t now,
                      struct block *b, uint8_t mac[ETH_ALEN], bool *ask)
{
	struct arp_entry *e = arp_cache_lookup(c, ifc, ip);

	*ask = false;
	if (e && e->state != ARP_PENDING) {
		memcpy(mac, e->mac, ETH_ALEN);
		e->used = now;
		c->st.hits++;
		return 1;
	}
	c->st.misses++;
	if (!e) {
		e = arp_entry_new(c, ifc, ip, now);
		if (!e) {
			freeb(b);
			c->st.dropped++;
			return -ENOMEM;
		}
		e->state = ARP_PENDING;
		e->tries = 1;
		e->when = now + c->prm.retry_ns;
		*ask = true;
	}
	arp_queue(c, e, b);
	return 0;
}

struct block *arp_cache_learn(struct arp_cache *c, unsigned int ifc, uint32_t ip,
                              const uint8_t mac[ETH_ALEN], uint64_t now, int state)
{
	struct arp_entry *e = arp_cache_lookup(c, ifc, ip);
	struct block *out;

	if (!e && state == 0)
		return NULL;
	if (e && e->state == ARP_STATIC && state != ARP_STATIC)
		return NULL;
	if (!e) {
		e = arp_entry_new(c, ifc, ip, now);
		if (!e)
			return NULL;
	}
	memcpy(e->mac, mac, ETH_ALEN);
	e->state = state == ARP_STATIC ? ARP_STATIC : ARP_OK;
	e->when = now + c->prm.ttl_ns;
	e->used = now;
	e->tries = 0;
	out = e->pending;
	e->pending = NULL;
	e->npending = 0;
	c->st.learned++;
	return out;
}

int arp_cache_del(struct arp_cache *c, unsigned int ifc, uint32_t ip)
{
	struct arp_entry *e = arp_cache_lookup(c, ifc, ip);

	if (!e)
		return -ENOENT;
	arp_entry_free(c, e, NULL);
	return 0;
}

void arp_cache_flush(struct arp_cache *c, int ifc)
{
	for (unsigned int i = 0; i < ARP_HASH; i++) {
		struct arp_entry *e = c->hash[i];

		while (e) {
			struct arp_entry *next = e->next;

			if (ifc < 0 || e->ifc == (unsigned int)ifc)
				arp_entry_free(c, e, NULL);
			e = next;
		}
	}
}

/* One entry's ageing; true if it was freed. */
static bool arp_age_one(struct arp_cache *c, struct arp_entry *e, uint64_t now,
                        struct arp_retry *retry, unsigned int max, unsigned int *n,
                        struct block **dead)
{
	if (e->state == ARP_STATIC || now < e->when)
		return false;
	if (e->state == ARP_OK || e->tries >= c->prm.max_tries) {
		if (e->state == ARP_PENDING)
			c->st.timeouts++;
		arp_entry_free(c, e, dead);
		return true;
	}
	if (*n < max) {
		retry[*n].ip = e->ip;
		retry[*n].ifc = e->ifc;
		(*n)++;
		e->tries++;
		e->when = now + c->prm.retry_ns;
	}
	return false;
}

unsigned int arp_cache_age(struct arp_cache *c, uint64_t now, struct arp_retry *retry,
                           unsigned int max, struct block **dead)
{
	unsigned int n = 0;

	*dead = NULL;
	for (unsigned int i = 0; i < ARP_HASH; i++) {
		struct arp_entry *e = c->hash[i];

		while (e) {
			struct arp_entry *next = e->next;

			arp_age_one(c, e, now, retry, max, &n, dead);
			e = next;
		}
	}
	return n;
}

void arp_cache_foreach(struct arp_cache *c, void (*fn)(const struct arp_entry *e, void *arg),
                       void *arg)
{
	for (unsigned int i = 0; i < ARP_HASH; i++)
		for (struct arp_entry *e = c->hash[i]; e; e = e->next)
			fn(e, arg);
}
