/* SPDX-License-Identifier: MIT */
/*
 * ipifc.c - interfaces: #ip/ipifc/N, each a medium binding (struct iplink)
 * with up to IPIFC_MAX_ADDR addresses and an MTU.
 *
 *	ctl:  bind ether PATH | bind loopback | unbind
 *	      add ADDR MASK    (MASK dotted or /LEN; adds the subnet's route and
 *	                        announces the address: gratuitous ARP)
 *	      remove ADDR MASK | mtu N
 *	status: "medium ether /net/ether0 mtu 1500\naddr A mask M\n...\n
 *	         in N out N inerr N outerr N\n"
 *
 * Life: a slot is allocated by opening ipifc/clone (the opened chan is the
 * new interface's ctl) and freed when it is unbound and no chan is open
 * on it.  The loopback interface (0, 127.0.0.1/8) is made at boot and
 * never closed.  Unbind takes the link out under ifc->lock, removes the
 * interface's routes and ARP entries, then lets the medium stop its
 * kthreads (which may sleep) and drops the interface's reference: a send
 * in progress holds its own (ipifc_link_get), so the link dies after it.
 *
 * Locks: ifc->cfg (qlock "ipifc cfg") serialises ctl commands and is held
 * across a medium's bind and unbind; ifc->lock (spinlock "ipifc") guards
 * the fields and is held only to copy them.  Address checks on the input
 * path (ipifc_is_local) take each interface's spinlock in turn.
 */
#include <block.h>
#include <err.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <printk.h>
#include <slice.h>

#include <ip.h>
#include "route_table.h"

struct ipifc ipifcs[IP_MAX_IFC];

static const struct ip_medium *const ip_media[] = { &loopback_medium, &ether_medium };

void ipifc_init(void)
{
	for (unsigned int i = 0; i < IP_MAX_IFC; i++) {
		ipifcs[i].idx = i;
		qlock_init(&ipifcs[i].cfg, "ipifc cfg");
		spinlock_init(&ipifcs[i].lock, "ipifc");
	}
}

struct ipifc *ipifc_alloc(void)
{
	for (unsigned int i = 0; i < IP_MAX_IFC; i++) {
		struct ipifc *ifc = &ipifcs[i];

		spin_lock(&ifc->lock);
		if (!ifc->allocated) {
			ifc->allocated = true;
			ifc->nopen = 1;
			ifc->naddr = 0;
			ifc->mtu = 0;
			spin_unlock(&ifc->lock);
			return ifc;
		}
		spin_unlock(&ifc->lock);
	}
	return NULL;
}

bool ipifc_open(unsigned int idx)
{
	struct ipifc *ifc = &ipifcs[idx];
	bool ok;

	spin_lock(&ifc->lock);
	ok = ifc->allocated;
	if (ok)
		ifc->nopen++;
	spin_unlock(&ifc->lock);
	return ok;
}

void ipifc_close(struct ipifc *ifc)
{
	spin_lock(&ifc->lock);
	if (--ifc->nopen == 0 && !ifc->link)
		ifc->allocated = false;
	spin_unlock(&ifc->lock);
}

/* ------------------------------------------------------------ links */

static void iplink_release(struct kref *r)
{
	struct iplink *link = container_of(r, struct iplink, ref);

	if (link->m->release)
		link->m->release(link);
	kfree(link);
}

void iplink_put(struct iplink *link)
{
	kref_put(&link->ref, iplink_release);
}

struct iplink *ipifc_link_get(struct ipifc *ifc)
{
	struct iplink *link;

	spin_lock(&ifc->lock);
	link = ifc->link;
	if (link)
		kref_get(&link->ref);
	spin_unlock(&ifc->lock);
	return link;
}

void ipifc_input(struct iplink *link, struct block *b)
{
	atomic_inc(&link->ifc->st.in);
	ip_input(link->ifc, b);
}

/* ------------------------------------------------------------ addresses */

bool ipifc_has_addr(struct ipifc *ifc, uint32_t addr)
{
	bool found = false;

	spin_lock(&ifc->lock);
	for (unsigned int i = 0; i < ifc->naddr && !found; i++)
		found = ifc->addr[i].addr == addr;
	spin_unlock(&ifc->lock);
	return found;
}

bool ipifc_is_local(uint32_t addr)
{
	for (unsigned int i = 0; i < IP_MAX_IFC; i++)
		if (ipifc_has_addr(&ipifcs[i], addr))
			return true;
	return false;
}

/* Is addr the broadcast (all ones host part) of one of ifc's subnets? */
static bool ipifc_bcast_of(struct ipifc *ifc, uint32_t addr)
{
	bool found = false;

	spin_lock(&ifc->lock);
	for (unsigned int i = 0; i < ifc->naddr && !found; i++) {
		uint32_t m = ifc->addr[i].mask;

		found = m != 0xffffffff && (addr & m) == (ifc->addr[i].addr & m) &&
		        (addr | m) == 0xffffffff;
	}
	spin_unlock(&ifc->lock);
	return found;
}

bool ipifc_is_bcast(uint32_t addr)
{
	if (addr == IP4_BCAST)
		return true;
	for (unsigned int i = 0; i < IP_MAX_IFC; i++)
		if (ipifc_bcast_of(&ipifcs[i], addr))
			return true;
	return false;
}

uint32_t ipifc_src_for(struct ipifc *ifc, uint32_t dst)
{
	uint32_t src = 0;

	spin_lock(&ifc->lock);
	for (unsigned int i = 0; i < ifc->naddr; i++) {
		const struct ipifc_addr *a = &ifc->addr[i];

		if (!src || (dst & a->mask) == (a->addr & a->mask))
			src = a->addr;
		if ((dst & a->mask) == (a->addr & a->mask))
			break;
	}
	spin_unlock(&ifc->lock);
	return src;
}

struct ipifc *ipifc_loopback(void)
{
	for (unsigned int i = 0; i < IP_MAX_IFC; i++) {
		struct iplink *link = ipifc_link_get(&ipifcs[i]);
		bool lo = link && link->m == &loopback_medium;

		if (link)
			iplink_put(link);
		if (lo)
			return &ipifcs[i];
	}
	return NULL;
}

/* ------------------------------------------------------------ ctl */

/* [cfg] held. */
static void __ipifc_bind(struct ipifc *ifc, int argc, char **argv)
{
	ERRSTACK(1);
	const struct ip_medium *m = NULL;
	struct iplink *link;

	for (size_t i = 0; i < ARRAY_SIZE(ip_media) && argc >= 2; i++)
		if (!strcmp(argv[1], ip_media[i]->name))
			m = ip_media[i];
	if (!m)
		error(EINVAL, "#ip/ipifc/%u: want 'bind ether PATH' or 'bind loopback'", ifc->idx);
	if (READ_ONCE(ifc->link))
		error(EBUSY, "#ip/ipifc/%u: already bound (unbind first)", ifc->idx);
	link = kzmalloc(sizeof(*link), MEM_WAIT);
	if (!link)
		error(ENOMEM, "#ip/ipifc/%u: no memory for a link", ifc->idx);
	kref_init(&link->ref);
	link->m = m;
	link->ifc = ifc;
	if (waserror()) {
		kfree(link);
		nexterror();
	}
	m->bind(link, argc - 2, argv + 2);
	poperror();
	spin_lock(&ifc->lock);
	ifc->link = link;
	ifc->mtu = link->mtu;
	spin_unlock(&ifc->lock);
	netlog(NETLOG_IFC, "ipifc %u: bound %s\n", ifc->idx, link->desc);
}

/* [cfg] held. */
static void __ipifc_unbind(struct ipifc *ifc)
{
	struct ipifc_addr addrs[IPIFC_MAX_ADDR];
	struct iplink *link;
	unsigned int n;

	spin_lock(&ifc->lock);
	link = ifc->link;
	ifc->link = NULL;
	n = ifc->naddr;
	memcpy(addrs, ifc->addr, sizeof(addrs));
	ifc->naddr = 0;
	spin_unlock(&ifc->lock);
	if (!link)
		error(EINVAL, "#ip/ipifc/%u: not bound", ifc->idx);
	iproute_flush_ifc((int)ifc->idx);
	arp_flush_ifc((int)ifc->idx);
	link->m->unbind(link);
	netlog(NETLOG_IFC, "ipifc %u: unbound %s (%u addresses)\n", ifc->idx, link->desc, n);
	iplink_put(link);
}

static void ipifc_parse_am(struct ipifc *ifc, int argc, char **argv, uint32_t *a, uint32_t *m)
{
	if (argc != 3 || !ip_parse_addr(argv[1], a) || !ip_parse_mask(argv[2], m))
		error(EINVAL, "#ip/ipifc/%u: want '%s ADDR MASK' (MASK dotted or /LEN)",
		      ifc->idx, argv[0]);
	if (*a == 0 || *a == IP4_BCAST || (*m != 0xffffffff && (*a | *m) == 0xffffffff))
		error(EINVAL, "#ip/ipifc/%u: %s is not a host address for mask %s", ifc->idx,
		      argv[1], argv[2]);
}

/* [cfg] held. */
static void __ipifc_add(struct ipifc *ifc, int argc, char **argv)
{
	uint32_t a, m;
	struct iplink *link;
	int ret = 0;

	ipifc_parse_am(ifc, argc, argv, &a, &m);
	if (ipifc_is_local(a))
		error(EEXIST, "#ip/ipifc/%u: %s is already configured", ifc->idx, argv[1]);
	spin_lock(&ifc->lock);
	if (!ifc->link)
		ret = -EINVAL;
	else if (ifc->naddr >= IPIFC_MAX_ADDR)
		ret = -ENOSPC;
	else
		ifc->addr[ifc->naddr++] = (struct ipifc_addr){ a, m };
	spin_unlock(&ifc->lock);
	if (ret)
		error(-ret, "#ip/ipifc/%u: %s", ifc->idx,
		      ret == -EINVAL ? "not bound" : "too many addresses");
	iproute_add(a & m, m, 0, ifc->idx, ROUTE_IFC);
	link = ipifc_link_get(ifc);
	if (link && link->m->addaddr)
		link->m->addaddr(link, a);
	if (link)
		iplink_put(link);
	netlog(NETLOG_IFC, "ipifc %u: add %s %s\n", ifc->idx, argv[1], argv[2]);
}

/* [cfg] held. */
static void __ipifc_remove(struct ipifc *ifc, int argc, char **argv)
{
	uint32_t a, m;
	bool found = false;

	ipifc_parse_am(ifc, argc, argv, &a, &m);
	spin_lock(&ifc->lock);
	for (unsigned int i = 0; i < ifc->naddr; i++) {
		if (ifc->addr[i].addr == a && ifc->addr[i].mask == m) {
			ifc->addr[i] = ifc->addr[--ifc->naddr];
			found = true;
			break;
		}
	}
	spin_unlock(&ifc->lock);
	if (!found)
		error(ENOENT, "#ip/ipifc/%u: no address %s %s", ifc->idx, argv[1], argv[2]);
	iproute_remove(a & m, m);
}

/* [cfg] held. */
static void __ipifc_mtu(struct ipifc *ifc, int argc, char **argv)
{
	struct iplink *link = ipifc_link_get(ifc);
	unsigned int max = link ? link->mtu : 0;
	uint64_t v;

	if (link)
		iplink_put(link);
	if (!max)
		error(EINVAL, "#ip/ipifc/%u: not bound", ifc->idx);
	if (argc != 2 || kstrtou64(argv[1], strlen(argv[1]), 10, &v) || v < 68 || v > max)
		error(EINVAL, "#ip/ipifc/%u: want 'mtu N' with N in 68..%u", ifc->idx, max);
	spin_lock(&ifc->lock);
	ifc->mtu = (unsigned int)v;
	spin_unlock(&ifc->lock);
}

void ipifc_ctl(struct ipifc *ifc, char *msg)
{
	ERRSTACK(1);
	char *argv[8];
	int argc = ip_tokenize(msg, argv, ARRAY_SIZE(argv));

	if (argc <= 0)
		error(EINVAL, "#ip/ipifc/%u: empty or overlong ctl message", ifc->idx);
	sem_down(&ifc->cfg);
	if (waserror()) {
		sem_up(&ifc->cfg);
		nexterror();
	}
	if (!strcmp(argv[0], "bind"))
		__ipifc_bind(ifc, argc, argv);
	else if (!strcmp(argv[0], "unbind") && argc == 1)
		__ipifc_unbind(ifc);
	else if (!strcmp(argv[0], "add"))
		__ipifc_add(ifc, argc, argv);
	else if (!strcmp(argv[0], "remove"))
		__ipifc_remove(ifc, argc, argv);
	else if (!strcmp(argv[0], "mtu"))
		__ipifc_mtu(ifc, argc, argv);
	else
		error(EINVAL, "#ip/ipifc/%u: unknown ctl '%s' (want bind, unbind, add, remove, mtu)",
		      ifc->idx, argv[0]);
	poperror();
	sem_up(&ifc->cfg);
}

void ipifc_status(struct ipifc *ifc, struct slice *s)
{
	struct iplink *link = ipifc_link_get(ifc);
	struct ipifc_addr addrs[IPIFC_MAX_ADDR];
	unsigned int n, mtu;
	char a[16], m[16];

	spin_lock(&ifc->lock);
	n = ifc->naddr;
	mtu = ifc->mtu;
	memcpy(addrs, ifc->addr, sizeof(addrs));
	spin_unlock(&ifc->lock);
	slice_printf(s, "medium %s mtu %u\n", link ? link->desc : "none", mtu);
	if (link)
		iplink_put(link);
	for (unsigned int i = 0; i < n; i++)
		slice_printf(s, "addr %s mask %s\n", ip_fmt_addr(a, addrs[i].addr),
		             ip_fmt_addr(m, addrs[i].mask));
	slice_printf(s, "in %lld out %lld inerr %lld outerr %lld\n",
	             (long long)atomic_read(&ifc->st.in), (long long)atomic_read(&ifc->st.out),
	             (long long)atomic_read(&ifc->st.in_err),
	             (long long)atomic_read(&ifc->st.out_err));
}

void ipifc_boot_loopback(void)
{
	ERRSTACK(1);
	struct ipifc *ifc = ipifc_alloc();
	char bind[] = "bind loopback", add[] = "add 127.0.0.1 255.0.0.0";

	if (!ifc)
		return;
	if (waserror()) {
		printk("ip: loopback set-up failed: %s\n", get_errstr());
		ipifc_close(ifc);
		return;                 /* error() popped the frame */
	}
	ipifc_ctl(ifc, bind);
	ipifc_ctl(ifc, add);
	poperror();
	ipifc_close(ifc);
}
