/* SPDX-License-Identifier: MIT */
/*
 * arp.c - ARP for the Ethernet medium (RFC 826, RFC 1122 2.3.2) over the
 * pure cache of arp_cache.c, and the #ip/arp file.
 *
 *	read #ip/arp:  "IFC ADDR MAC STATE" per entry (STATE ok, pending, static)
 *	write #ip/arp: "flush" | "add ADDR MAC [IFC]" (a static entry) |
 *	               "del ADDR [IFC]"                  (IFC defaults to 0)
 *
 * Input: a request or reply merges the sender's pair into an entry that
 * exists; one addressed to us creates it; a request for one of our
 * addresses is answered.  The waiting datagrams of an entry that got its
 * answer are sent after the lock is dropped.  The timer (arp_tick, from
 * the stack's timer kthread) re-asks up to three times, a second apart,
 * and expires answered entries after five minutes.
 *
 * Lock "arp" (spinlock): held for each cache call; nothing is sent, read or
 * formatted under it.
 */
#include <block.h>
#include <err.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <slice.h>
#include <time.h>

#include "arp_cache.h"
#include <ip.h>

#define ARP_RETRY_BATCH 16

static spinlock_t arp_lock = SPINLOCK_INITIALIZER("arp");
static struct arp_cache arp_cache;      /* [arp_lock] */
static atomic_t arp_in_bad, arp_replies_sent;

void arp_init(void)
{
	arp_cache_init(&arp_cache, &arp_params_default);
}

bool arp_resolve(struct iplink *link, uint32_t nexthop, struct block *b,
                 uint8_t mac[ETH_ALEN])
{
	bool ask;
	int r;

	spin_lock(&arp_lock);
	r = arp_cache_resolve(&arp_cache, link->ifc->idx, nexthop, nsec_now(), b, mac, &ask);
	spin_unlock(&arp_lock);
	if (ask)
		arp_request(link, nexthop);
	return r == 1;
}

void arp_request(struct iplink *link, uint32_t ip)
{
	struct arp_info a = { .op = ARP_REQUEST, .tpa = ip };

	ether_link_mac(link, a.sha);
	a.spa = ipifc_has_addr(link->ifc, ip) ? ip : ipifc_src_for(link->ifc, ip);
	ether_send_arp(link, &a, (const uint8_t[ETH_ALEN]){ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff });
}

/* Sends the datagrams that waited for mac. */
static void arp_release_waiting(struct iplink *link, struct block *list,
                                const uint8_t mac[ETH_ALEN])
{
	while (list) {
		struct block *b = list;

		list = b->next;
		b->next = NULL;
		ether_send_resolved(link, b, mac);
	}
}

static void arp_answer(struct iplink *link, const struct arp_info *req)
{
	struct arp_info a = { .op = ARP_REPLY, .spa = req->tpa, .tpa = req->spa };

	ether_link_mac(link, a.sha);
	memcpy(a.tha, req->sha, ETH_ALEN);
	ether_send_arp(link, &a, req->sha);
	atomic_inc(&arp_replies_sent);
}

void arp_input(struct iplink *link, const uint8_t *pkt, size_t len)
{
	struct arp_info a;
	const char *why = "";
	struct block *waiting;
	bool mine;
	char s[16];

	if (arp_parse(pkt, len, &a, &why) || a.spa == 0 || a.spa == IP4_BCAST ||
	    (a.sha[0] & 1)) {
		atomic_inc(&arp_in_bad);
		netlog(NETLOG_ARP, "arp: dropped a packet: %s\n", why[0] ? why : "bad sender");
		return;
	}
	mine = ipifc_has_addr(link->ifc, a.tpa);
	if (ipifc_has_addr(link->ifc, a.spa)) {
		netlog(NETLOG_ARP, "arp: %s claimed by another host\n", ip_fmt_addr(s, a.spa));
		return;
	}
	spin_lock(&arp_lock);
	waiting = arp_cache_learn(&arp_cache, link->ifc->idx, a.spa, a.sha, nsec_now(),
	                          mine ? ARP_OK : 0);
	spin_unlock(&arp_lock);
	arp_release_waiting(link, waiting, a.sha);
	if (mine && a.op == ARP_REQUEST)
		arp_answer(link, &a);
}

void arp_tick(uint64_t now)
{
	struct arp_retry retry[ARP_RETRY_BATCH];
	struct block *dead;
	unsigned int n;

	spin_lock(&arp_lock);
	n = arp_cache_age(&arp_cache, now, retry, ARP_RETRY_BATCH, &dead);
	spin_unlock(&arp_lock);
	freeblist(dead);
	for (unsigned int i = 0; i < n; i++) {
		struct iplink *link = ipifc_link_get(&ipifcs[retry[i].ifc]);

		if (!link)
			continue;
		if (link->m == &ether_medium)
			arp_request(link, retry[i].ip);
		iplink_put(link);
	}
}

void arp_flush_ifc(int ifc)
{
	spin_lock(&arp_lock);
	arp_cache_flush(&arp_cache, ifc);
	spin_unlock(&arp_lock);
}

/* ------------------------------------------------------------ the file */

struct arp_copy {
	struct arp_entry *v;
	unsigned int n, max;
};

static void arp_copy_one(const struct arp_entry *e, void *arg)
{
	struct arp_copy *cp = arg;

	if (cp->n < cp->max)
		cp->v[cp->n++] = *e;
}

void arp_read(struct slice *s)
{
	static const char *const states[] = { "?", "pending", "ok", "static" };
	struct arp_copy cp = { .max = arp_params_default.max_entries };
	char a[16];

	cp.v = kmalloc_array(cp.max, sizeof(*cp.v), MEM_WAIT);
	if (!cp.v)
		error(ENOMEM, "#ip/arp: no memory for a listing");
	spin_lock(&arp_lock);
	arp_cache_foreach(&arp_cache, arp_copy_one, &cp);
	spin_unlock(&arp_lock);
	for (unsigned int i = 0; i < cp.n; i++) {
		const uint8_t *m = cp.v[i].mac;

		slice_printf(s, "%u %-15s %02x:%02x:%02x:%02x:%02x:%02x %s\n", cp.v[i].ifc,
		             ip_fmt_addr(a, cp.v[i].ip), m[0], m[1], m[2], m[3], m[4], m[5],
		             states[cp.v[i].state & 3]);
	}
	kfree(cp.v);
}

static bool arp_parse_mac(const char *s, uint8_t mac[ETH_ALEN])
{
	for (int i = 0; i < ETH_ALEN; i++, s += 3) {
		uint64_t v;

		if (kstrtou64(s, 2, 16, &v) || (i < 5 && s[2] != ':') || (i == 5 && s[2]))
			return false;
		mac[i] = (uint8_t)v;
	}
	return true;
}

static unsigned int arp_parse_ifc(int argc, char **argv, int at)
{
	uint64_t v = 0;

	if (argc > at && (kstrtou64(argv[at], strlen(argv[at]), 10, &v) || v >= IP_MAX_IFC))
		error(EINVAL, "#ip/arp: bad interface '%s'", argv[at]);
	return (unsigned int)v;
}

void arp_ctl(char *msg)
{
	char *argv[6];
	int argc = ip_tokenize(msg, argv, ARRAY_SIZE(argv));
	uint8_t mac[ETH_ALEN];
	uint32_t ip;
	unsigned int ifc;
	int ret;

	if (argc == 1 && !strcmp(argv[0], "flush")) {
		arp_flush_ifc(-1);
	} else if (argc >= 3 && argc <= 4 && !strcmp(argv[0], "add")) {
		if (!ip_parse_addr(argv[1], &ip) || strlen(argv[2]) != 17 ||
		    !arp_parse_mac(argv[2], mac))
			error(EINVAL, "#ip/arp: want 'add ADDR XX:XX:XX:XX:XX:XX [IFC]'");
		ifc = arp_parse_ifc(argc, argv, 3);
		spin_lock(&arp_lock);
		freeblist(arp_cache_learn(&arp_cache, ifc, ip, mac, nsec_now(), ARP_STATIC));
		spin_unlock(&arp_lock);
	} else if (argc >= 2 && argc <= 3 && !strcmp(argv[0], "del")) {
		if (!ip_parse_addr(argv[1], &ip))
			error(EINVAL, "#ip/arp: want 'del ADDR [IFC]'");
		ifc = arp_parse_ifc(argc, argv, 2);
		spin_lock(&arp_lock);
		ret = arp_cache_del(&arp_cache, ifc, ip);
		spin_unlock(&arp_lock);
		if (ret)
			error(ENOENT, "#ip/arp: no entry for %s on interface %u", argv[1], ifc);
	} else {
		error(EINVAL, "#ip/arp: unknown message (want flush, add, del)");
	}
}

void arp_stats(struct slice *s)
{
	slice_printf(s, "entries: %u\nhits: %llu\nmisses: %llu\nqueued: %llu\n", arp_cache.nr,
	             (unsigned long long)arp_cache.st.hits,
	             (unsigned long long)arp_cache.st.misses,
	             (unsigned long long)arp_cache.st.queued);
	slice_printf(s, "dropped: %llu\nevicted: %llu\ntimeouts: %llu\nbad: %lld\nreplies: %lld\n",
	             (unsigned long long)arp_cache.st.dropped,
	             (unsigned long long)arp_cache.st.evicted,
	             (unsigned long long)arp_cache.st.timeouts,
	             (long long)atomic_read(&arp_in_bad), (long long)atomic_read(&arp_replies_sent));
}
