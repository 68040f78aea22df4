/* SPDX-License-Identifier: MIT */
/*
 * ethermedium.c - the Ethernet medium ("bind ether PATH"), a client of
 * #ether's file protocol (Documentation/dev/ether.md) through kernel chans.
 *
 * Bind, in the caller's name space: reads PATH/addr (the MAC), opens
 * PATH/clone twice and writes "connect 0x800" and "connect 0x806" on the
 * two connections' ctl, then opens each PATH/M/data.  One reader kthread
 * per connection reads whole frames with the device's bread and passes IP
 * datagrams up (ipifc_input) and ARP packets to arp.c.  Sends go out with
 * the device's bwrite on the IP connection's data chan: broadcast to
 * ff:ff:ff:ff:ff:ff, the rest after ARP (arp_resolve queues a datagram
 * until the answer comes, then arp.c calls ether_send_resolved).
 *
 * Unbind: marks the binding dying, aborts each reader's sleep
 * (rendez_abort_kthread; its bread raises EINTR), joins them and closes the
 * chans, which frees #ether's connections.  Frames shorter than a header,
 * and ARP packets that do not parse, are dropped and counted (in_err).
 */
#include <block.h>
#include <core_id.h>
#include <err.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <kthread.h>
#include <ns.h>
#include <printk.h>

#include <ip.h>

#define ETHER_MTU       1500
#define ETHER_FRAME_MAX (ETHER_MTU + ETH_HDR_LEN)

enum { EM_IP, EM_ARP, EM_NCONN };

struct ethermedium {
	uint8_t mac[ETH_ALEN];          /* [I] */
	struct chan *ctl[EM_NCONN];     /* [I] the clone chans (connection ctl) */
	struct chan *data[EM_NCONN];    /* [I] */
	struct kthread *reader[EM_NCONN];       /* [I] one reference each */
	struct iplink *link;            /* [I] */
	bool dying;                     /* [a] unbind started */
};

static const uint8_t ether_bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* ------------------------------------------------------------ output */

/* Writes one frame (consumed) on connection which. */
static void ether_xmit(struct iplink *link, int which, struct block *b)
{
	ERRSTACK(1);
	struct ethermedium *em = link->priv;
	struct chan *c = em->data[which];

	if (waserror()) {
		atomic_inc(&link->ifc->st.out_err);
		netlog(NETLOG_IFC, "ether: send failed: %s\n", get_errstr());
		return;                 /* bwrite consumed b */
	}
	devtab_of(c)->bwrite(c, b, 0);
	poperror();
	atomic_inc(&link->ifc->st.out);
}

/* Prepends the Ethernet header for type to b, addressed to dst. */
static struct block *ether_frame(struct ethermedium *em, struct block *b,
                                 const uint8_t dst[ETH_ALEN], uint16_t type)
{
	b = padblock(b, ETH_HDR_LEN);
	memcpy(b->rp, dst, ETH_ALEN);
	memcpy(b->rp + ETH_ALEN, em->mac, ETH_ALEN);
	put_be16(b->rp + 2 * ETH_ALEN, type);
	return b;
}

void ether_send_resolved(struct iplink *link, struct block *b, const uint8_t mac[ETH_ALEN])
{
	struct ethermedium *em = link->priv;

	ether_xmit(link, EM_IP, ether_frame(em, b, mac, ETHERTYPE_IP));
}

void ether_send_arp(struct iplink *link, const struct arp_info *a, const uint8_t dst[ETH_ALEN])
{
	struct ethermedium *em = link->priv;
	struct block *b = allocb(ARP_PKT_LEN);

	b->wp += arp_build(b->wp, a);
	ether_xmit(link, EM_ARP, ether_frame(em, b, dst, ETHERTYPE_ARP));
}

void ether_link_mac(struct iplink *link, uint8_t mac[ETH_ALEN])
{
	struct ethermedium *em = link->priv;

	memcpy(mac, em->mac, ETH_ALEN);
}

static void ether_send(struct iplink *link, struct block *b, uint32_t nexthop)
{
	uint8_t mac[ETH_ALEN];

	if (ipifc_is_bcast(nexthop)) {
		ether_send_resolved(link, b, ether_bcast);
		return;
	}
	if (arp_resolve(link, nexthop, b, mac))
		ether_send_resolved(link, b, mac);
}

static void ether_addaddr(struct iplink *link, uint32_t addr)
{
	arp_request(link, addr);        /* gratuitous: target is our own address */
}

/* ------------------------------------------------------------ input */

/* One bread on c: a frame, or NULL with *failed set (error) or clear (EOF). */
static struct block *ether_read_one(struct chan *c, bool *failed)
{
	ERRSTACK(1);
	struct block *b;

	*failed = false;
	if (waserror()) {
		*failed = true;
		return NULL;            /* error() popped the frame */
	}
	b = devtab_of(c)->bread(c, ETHER_FRAME_MAX + 64, 0);
	poperror();
	return b;
}

/* The next frame of connection which, or NULL once unbinding (or EOF:
 * the device went away). */
static struct block *ether_next(struct ethermedium *em, int which)
{
	struct block *b;
	bool failed;

	while (!READ_ONCE(em->dying)) {
		b = ether_read_one(em->data[which], &failed);
		if (b || !failed)
			return b;
		if (READ_ONCE(em->dying))
			break;
		netlog(NETLOG_IFC, "ether: read failed: %s\n", get_errstr());
		kthread_usleep(10000);
	}
	return NULL;
}

static void ether_input(struct iplink *link, int which, struct block *b)
{
	b = pullupblock(b, which == EM_ARP ? ETH_HDR_LEN + ARP_PKT_LEN : ETH_HDR_LEN);
	if (!b) {
		atomic_inc(&link->ifc->st.in_err);
		return;
	}
	if (which == EM_ARP) {
		arp_input(link, b->rp + ETH_HDR_LEN, BHLEN(b) - ETH_HDR_LEN);
		freeb(b);
		return;
	}
	block_consume(b, ETH_HDR_LEN);
	ipifc_input(link, b);
}

static void ether_reader(void *arg, int which)
{
	struct iplink *link = arg;
	struct ethermedium *em = link->priv;
	struct block *b;

	while ((b = ether_next(em, which)))
		ether_input(link, which, b);
}

static void ether_reader_ip(void *arg)
{
	ether_reader(arg, EM_IP);
}

static void ether_reader_arp(void *arg)
{
	ether_reader(arg, EM_ARP);
}

/* ------------------------------------------------------------ bind */

/* Reads the whole small file path into buf (NUL-terminated). */
static void ether_read_file(const char *path, char *buf, size_t size)
{
	ERRSTACK(1);
	struct chan *c = namec(path, NAMEC_OPEN, O_READ, 0, NULL);
	size_t n;

	if (waserror()) {
		cclose(c);
		nexterror();
	}
	n = devtab_of(c)->read(c, buf, size - 1, 0);
	poperror();
	cclose(c);
	buf[n] = '\0';
}

static void ether_read_mac(const char *dir, uint8_t mac[ETH_ALEN])
{
	char path[MAX_NAME_LEN + 16], text[32];

	snprintf(path, sizeof(path), "%s/addr", dir);
	ether_read_file(path, text, sizeof(text));
	if (strlen(text) < 2 * ETH_ALEN)
		error(EINVAL, "ether: %s holds no MAC address ('%s')", path, text);
	for (int i = 0; i < ETH_ALEN; i++) {
		uint64_t v;

		if (kstrtou64(text + 2 * i, 2, 16, &v))
			error(EINVAL, "ether: %s holds no MAC address ('%s')", path, text);
		mac[i] = (uint8_t)v;
	}
}

/* Opens a connection of type on dir: its ctl (the clone chan) and data. */
static void ether_connect(struct ethermedium *em, const char *dir, int which, int type)
{
	char path[MAX_NAME_LEN + 32], msg[32], num[16];
	struct chan *ctl;
	size_t n;

	snprintf(path, sizeof(path), "%s/clone", dir);
	ctl = namec(path, NAMEC_OPEN, O_RDWR, 0, NULL);
	em->ctl[which] = ctl;
	n = devtab_of(ctl)->read(ctl, num, sizeof(num) - 1, 0);
	num[n] = '\0';
	while (n && (num[n - 1] == '\n' || num[n - 1] == ' '))
		num[--n] = '\0';
	snprintf(msg, sizeof(msg), "connect 0x%x", type);
	devtab_of(ctl)->write(ctl, msg, strlen(msg), 0);
	snprintf(path, sizeof(path), "%s/%s/data", dir, num);
	em->data[which] = namec(path, NAMEC_OPEN, O_RDWR, 0, NULL);
}

static void ether_close_chans(struct ethermedium *em)
{
	for (int i = 0; i < EM_NCONN; i++) {
		if (em->data[i])
			cclose(em->data[i]);
		if (em->ctl[i])
			cclose(em->ctl[i]);
		em->data[i] = em->ctl[i] = NULL;
	}
}

static void ether_start_readers(struct iplink *link, struct ethermedium *em)
{
	static void (*const fn[EM_NCONN])(void *) = { ether_reader_ip, ether_reader_arp };

	for (int i = 0; i < EM_NCONN; i++) {
		em->reader[i] = kthread_create(fn[i], link, i == EM_IP ? "ip ether" : "ip arp");
		kthread_get(em->reader[i]);
		kthread_run_on(em->reader[i], core_id());
	}
}

static void ether_bind(struct iplink *link, int argc, char **argv)
{
	ERRSTACK(1);
	struct ethermedium *em;

	if (argc != 1 || strlen(argv[0]) > MAX_NAME_LEN)
		error(EINVAL, "ipifc: want 'bind ether PATH' (e.g. /net/ether0)");
	em = kzmalloc(sizeof(*em), MEM_WAIT);
	if (!em)
		error(ENOMEM, "ipifc: no memory for an ether binding");
	if (waserror()) {
		ether_close_chans(em);
		kfree(em);
		nexterror();
	}
	ether_read_mac(argv[0], em->mac);
	ether_connect(em, argv[0], EM_IP, ETHERTYPE_IP);
	ether_connect(em, argv[0], EM_ARP, ETHERTYPE_ARP);
	poperror();
	em->link = link;
	link->priv = em;
	link->mtu = ETHER_MTU;
	snprintf(link->desc, sizeof(link->desc), "ether %s", argv[0]);
	ether_start_readers(link, em);
}

static void ether_unbind(struct iplink *link)
{
	struct ethermedium *em = link->priv;

	WRITE_ONCE(em->dying, true);
	for (int i = 0; i < EM_NCONN; i++)
		rendez_abort_kthread(em->reader[i]);
	for (int i = 0; i < EM_NCONN; i++)
		kthread_join(em->reader[i]);
	ether_close_chans(em);
}

static void ether_release(struct iplink *link)
{
	kfree(link->priv);
}

const struct ip_medium ether_medium = {
	.name = "ether",
	.hdrlen = ETH_HDR_LEN,
	.maxmtu = ETHER_MTU,
	.bind = ether_bind,
	.unbind = ether_unbind,
	.send = ether_send,
	.addaddr = ether_addaddr,
	.release = ether_release,
};
