/* SPDX-License-Identifier: MIT */
/*
 * ipconfig.c - /bin/ipconfig: configures an IP interface over an ether
 * device (Documentation/tools/ipconfig.md).
 *
 *	ipconfig [-b] [-r] [-e ETHER] [-t SECS]   DHCP (RFC 2131)
 *	ipconfig [-e ETHER] -s ADDR/MASK [GW]      static
 *	ipconfig -l                                lists the interfaces
 *
 * ETHER defaults to /net/ether0; the interface bound to it is reused, or a
 * new one is made (/net/ipifc/clone, "bind ether ETHER").  DHCP: a host
 * route sends 255.255.255.255 out of the interface (on link), a UDP
 * conversation in headers mode announces port 68 and sends DISCOVER and
 * REQUEST to 255.255.255.255:67, retrying after 4, 8, 16, 32, 64 s (±1 s);
 * the ACK's address and mask go to the interface, its router to
 * /net/iproute as the default route, everything to /net/ndb, its DNS
 * servers to /etc/resolv.conf (iplib's lookup and the C library read it).  -t bounds
 * the wait for a lease (60 s).  -r leaves a copy of itself in the
 * background (ipconfig -R ADDR MASK SERVER LEASE GW, started by us) that
 * renews the lease at T1 (unicast to the server), rebinds at T2
 * (broadcast), and at the lease's end removes the address and starts
 * again.  -b (boot, /etc/rc): without ETHER, exit 0
 * at once and silently.  Exit codes: 0, 1 on failure, 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "dhcp.h"
#include "ipaddr.h"
#include "netcfg.h"
#include "vbin.h"

#define IPC_POLL_MS 20
#define IPC_PKT (UDP_HDR_LEN + DHCP_MAX_LEN)
#define IPC_RESOLV "/etc/resolv.conf"

static const char ipc_usage[] =
	"usage: ipconfig [-b] [-r] [-e ETHER] [-t SECS]   (DHCP)\n"
	"       ipconfig [-e ETHER] -s ADDR/MASK [GW]      (static)\n"
	"       ipconfig -l                                (list interfaces)\n";

struct ipc {
	const char *ether;
	int ifc;                    /* N of /net/ipifc/N */
	char ctl[NET_PATH_MAX];     /* the interface's ctl */
	uint8_t mac[6];
	int data;                   /* the UDP conversation's data, O_NONBLOCK */
	int convctl;
	uint32_t xid;
	uint64_t start_ms;
	uint32_t jitter_seed;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void sleep_ms(uint32_t ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static uint32_t ipc_random(void)
{
	uint32_t v = 0;
	int fd = open("/dev/random", O_RDONLY);

	if (fd < 0 || read(fd, &v, sizeof(v)) != sizeof(v))
		v = (uint32_t)now_ms() * 2654435761u;
	if (fd >= 0)
		close(fd);
	return v;
}

/* A jitter in [-1000, 1000] ms from a xorshift of the seed. */
static int ipc_jitter(struct ipc *c)
{
	c->jitter_seed ^= c->jitter_seed << 13;
	c->jitter_seed ^= c->jitter_seed >> 17;
	c->jitter_seed ^= c->jitter_seed << 5;
	return (int)(c->jitter_seed % 2001) - 1000;
}

/* --------------------------------------------------------- configuring */

static int ipc_ctl(struct ipc *c, const char *fmt, uint32_t a, uint32_t m)
{
	char sa[IP_STR], sm[IP_STR], msg[64];

	ip_format(a, sa);
	ip_format(m, sm);
	snprintf(msg, sizeof(msg), fmt, sa, sm);
	/* Configured already (a second run, a renewal): as good as done. */
	if (net_write(c->ctl, msg) < 0 && !(errno == EEXIST && strncmp(msg, "add ", 4) == 0)) {
		vbin_fail("ipconfig", msg);
		return -1;
	}
	return 0;
}

static int ipc_default_route(uint32_t gw)
{
	char s[IP_STR], msg[64];

	ip_format(gw, s);
	snprintf(msg, sizeof(msg), "add 0.0.0.0 0.0.0.0 %s", s);
	net_write(NET_ROOT "/iproute", "remove 0.0.0.0 0.0.0.0");
	if (net_write(NET_ROOT "/iproute", msg) < 0) {
		vbin_fail("ipconfig", NET_ROOT "/iproute");
		return -1;
	}
	return 0;
}

/* The configuration as ndb text into /net/ndb; a failure is reported only. */
static void ipc_ndb(const struct dhcp_reply *r)
{
	char a[IP_STR], m[IP_STR], g[IP_STR], d[IP_STR], buf[512];
	size_t n;

	ip_format(r->yiaddr, a);
	ip_format(r->mask, m);
	n = (size_t)snprintf(buf, sizeof(buf), "ip=%s ipmask=%s", a, m);
	if (r->router) {
		ip_format(r->router, g);
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, " ipgw=%s", g);
	}
	for (unsigned int i = 0; i < r->ndns; i++) {
		ip_format(r->dns[i], d);
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\n\tdns=%s", d);
	}
	if (r->domain[0])
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\n\tdom=%s", r->domain);
	snprintf(buf + n, sizeof(buf) - n, "\n");
	if (net_write(NET_ROOT "/ndb", buf) < 0)
		vbin_fail("ipconfig", NET_ROOT "/ndb");
}

/* The DNS servers and domain as /etc/resolv.conf ("nameserver A.B.C.D"
 * lines, what iplib's lookup and the C library's resolver read); a
 * failure is reported only. */
static void ipc_resolv(const struct dhcp_reply *r)
{
	char d[IP_STR], buf[512];
	size_t n = (size_t)snprintf(buf, sizeof(buf), "# written by ipconfig (DHCP)\n");
	int fd;

	if (!r->ndns)
		return;
	if (r->domain[0])
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "search %s\n", r->domain);
	for (unsigned int i = 0; i < r->ndns && n < sizeof(buf); i++) {
		ip_format(r->dns[i], d);
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "nameserver %s\n", d);
	}
	fd = open(IPC_RESOLV, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, buf, strlen(buf)) != (ssize_t)strlen(buf))
		vbin_fail("ipconfig", IPC_RESOLV);
	if (fd >= 0)
		close(fd);
}

static void ipc_print(const char *how, const struct dhcp_reply *r)
{
	char a[IP_STR], m[IP_STR], g[IP_STR] = "none", d[IP_STR] = "none", s[IP_STR];

	ip_format(r->yiaddr, a);
	ip_format(r->mask, m);
	if (r->router)
		ip_format(r->router, g);
	if (r->ndns)
		ip_format(r->dns[0], d);
	ip_format(r->server, s);
	printf("ipconfig: %s %s mask %s gateway %s dns %s", how, a, m, g, d);
	if (r->server)
		printf(" server %s lease %u s", s, r->lease);
	printf("\n");
	fflush(stdout);     /* the keeper's lines must not wait in a buffer */
}

/* The address of r onto the interface, its router as the default route. */
static int ipc_apply(struct ipc *c, const struct dhcp_reply *r)
{
	if (ipc_ctl(c, "add %s %s", r->yiaddr, r->mask) < 0)
		return -1;
	if (r->router && ipc_default_route(r->router) < 0)
		return -1;
	ipc_ndb(r);
	ipc_resolv(r);
	return 0;
}

/* --------------------------------------------------------------- DHCP */

/* The mask of a class when the server sends none (RFC 2131 leaves it to us). */
static uint32_t classful_mask(uint32_t a)
{
	return a < 0x80000000u ? 0xff000000u : a < 0xc0000000u ? 0xffff0000u : 0xffffff00u;
}

static int ipc_open_udp(struct ipc *c)
{
	char dir[NET_PATH_MAX], path[NET_PATH_MAX + 8];

	c->convctl = net_clone("udp", dir, sizeof(dir));
	if (c->convctl < 0) {
		vbin_fail("ipconfig", NET_ROOT "/udp/clone");
		return -1;
	}
	if (net_write_fd(c->convctl, "headers") < 0 || net_write_fd(c->convctl, "announce 68") < 0) {
		vbin_fail("ipconfig", "udp headers/announce 68");
		return -1;
	}
	snprintf(path, sizeof(path), "%s/data", dir);
	c->data = open(path, O_RDWR | O_NONBLOCK);
	if (c->data < 0) {
		vbin_fail("ipconfig", path);
		return -1;
	}
	return 0;
}

static int ipc_send(struct ipc *c, const struct dhcp_req *q, uint32_t to)
{
	static uint8_t pkt[IPC_PKT];
	struct udp_hdr h = { .raddr = to, .rport = DHCP_SERVER_PORT, .lport = DHCP_CLIENT_PORT };
	size_t n;

	udp_hdr_pack(pkt, &h);
	n = dhcp_build(pkt + UDP_HDR_LEN, DHCP_MAX_LEN, q);
	if (write(c->data, pkt, UDP_HDR_LEN + n) < 0) {
		vbin_fail("ipconfig", "send");
		return -1;
	}
	return 0;
}

/* Waits until deadline for a reply to our xid of one of the two types;
 * its type, or 0 at the deadline, -1 on a read error. */
static int ipc_wait(struct ipc *c, uint64_t deadline, uint8_t want, struct dhcp_reply *r)
{
	static uint8_t pkt[UDP_HDR_LEN + 2048];

	while (now_ms() < deadline) {
		ssize_t n = read(c->data, pkt, sizeof(pkt));

		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			vbin_fail("ipconfig", "receive");
			return -1;
		}
		if (n <= 0) {
			sleep_ms(IPC_POLL_MS);
			continue;
		}
		if ((size_t)n <= UDP_HDR_LEN ||
		    dhcp_parse(pkt + UDP_HDR_LEN, (size_t)n - UDP_HDR_LEN, c->xid, c->mac, r) != DHCP_OK)
			continue;
		if (r->type == want || r->type == DHCP_NAK)
			return r->type;
	}
	return 0;
}

/* Sends q to `to` and waits for a reply of type want, with the RFC's
 * backoff, until deadline: the reply's type, 0 at the deadline, -1. */
static int ipc_exchange(struct ipc *c, struct dhcp_req *q, uint32_t to, uint8_t want,
			uint64_t deadline, struct dhcp_reply *r)
{
	for (unsigned int attempt = 0; now_ms() < deadline; attempt++) {
		uint64_t next = now_ms() + dhcp_backoff_ms(attempt, ipc_jitter(c));
		int t;

		q->secs = (uint16_t)((now_ms() - c->start_ms) / 1000);
		if (ipc_send(c, q, to) < 0)
			return -1;
		t = ipc_wait(c, next < deadline ? next : deadline, want, r);
		if (t != 0)
			return t;
	}
	return 0;
}

/* INIT to BOUND: DISCOVER, OFFER, REQUEST, ACK; 0 with *r the ACK, or -1. */
static int ipc_acquire(struct ipc *c, uint64_t deadline, struct dhcp_reply *r)
{
	while (now_ms() < deadline) {
		struct dhcp_req q = { .type = DHCP_DISCOVER, .broadcast = true };
		struct dhcp_reply offer;
		int t;

		c->xid = ipc_random();
		q.xid = c->xid;
		memcpy(q.mac, c->mac, 6);
		c->start_ms = now_ms();
		t = ipc_exchange(c, &q, 0xffffffffu, DHCP_OFFER, deadline, &offer);
		if (t != DHCP_OFFER) {
			if (t == 0)
				fprintf(stderr, "ipconfig: no DHCP offer\n");
			if (t <= 0)
				return -1;
			continue;
		}
		q.type = DHCP_REQUEST;
		q.requested = offer.yiaddr;
		q.server = offer.server;
		t = ipc_exchange(c, &q, 0xffffffffu, DHCP_ACK, deadline, r);
		if (t == DHCP_ACK) {
			if (r->mask == 0 || !ip_mask_valid(r->mask))
				r->mask = classful_mask(r->yiaddr);
			return 0;
		}
		if (t < 0)
			return -1;
		fprintf(stderr, "ipconfig: %s to our REQUEST; starting again\n",
			t == DHCP_NAK ? "NAK" : "no answer");
	}
	fprintf(stderr, "ipconfig: no lease in time\n");
	return -1;
}

/* Keeps the lease r (granted at `got`) for as long as we run (-r). */
static void ipc_keep(struct ipc *c, struct dhcp_reply *r, uint64_t got)
{
	for (;;) {
		uint32_t t1, t2;
		struct dhcp_req q = { .type = DHCP_REQUEST, .ciaddr = r->yiaddr };
		struct dhcp_reply nr;
		uint64_t end;
		int t;

		dhcp_lease_times(r, &t1, &t2);
		if (t1 == DHCP_INFINITE)
			for (;;)
				sleep_ms(3600 * 1000);
		end = got + (uint64_t)r->lease * 1000;
		while (now_ms() < got + (uint64_t)t1 * 1000)
			sleep_ms(1000);
		c->xid = ipc_random();
		q.xid = c->xid;
		memcpy(q.mac, c->mac, 6);
		c->start_ms = now_ms();
		/* RENEWING: to the server; REBINDING: to anyone. */
		t = ipc_exchange(c, &q, r->server, DHCP_ACK, got + (uint64_t)t2 * 1000, &nr);
		if (t != DHCP_ACK && t >= 0)
			t = ipc_exchange(c, &q, 0xffffffffu, DHCP_ACK, end, &nr);
		if (t == DHCP_ACK && nr.yiaddr == r->yiaddr) {
			if (nr.mask == 0)
				nr.mask = r->mask;
			*r = nr;
			got = now_ms();
			ipc_ndb(r);
			ipc_print("renewed", r);
			continue;
		}
		fprintf(stderr, "ipconfig: lease lost; starting again\n");
		ipc_ctl(c, "remove %s %s", r->yiaddr, r->mask);
		if (ipc_acquire(c, UINT64_MAX, r) < 0)
			return;
		ipc_apply(c, r);
		got = now_ms();
		ipc_print("dhcp", r);
	}
}

static int ipc_spawn_keeper(struct ipc *c, const struct dhcp_reply *r);

/* Broadcasts must leave by our interface before it has an address (and
 * while rebinding): a host route for 255.255.255.255 on it, on link.  It
 * stays: it says only where the limited broadcast goes. */
static int ipc_bcast_route(struct ipc *c)
{
	char msg[80];

	net_write(NET_ROOT "/iproute", "remove 255.255.255.255 255.255.255.255");
	snprintf(msg, sizeof(msg), "add 255.255.255.255 255.255.255.255 0.0.0.0 %d", c->ifc);
	if (net_write(NET_ROOT "/iproute", msg) < 0) {
		vbin_fail("ipconfig", msg);
		return -1;
	}
	return 0;
}

static int ipc_dhcp(struct ipc *c, int secs, bool renew)
{
	struct dhcp_reply r;

	if (ipc_open_udp(c) < 0 || ipc_bcast_route(c) < 0)
		return 1;
	c->jitter_seed = ipc_random() | 1;
	if (ipc_acquire(c, now_ms() + (uint64_t)secs * 1000, &r) < 0 || ipc_apply(c, &r) < 0)
		return 1;
	ipc_print("dhcp", &r);
	fflush(stdout);
	if (renew)
		return ipc_spawn_keeper(c, &r);
	return 0;
}

/* -r: a copy of us in the background keeps the lease (-R), we return. */
static int ipc_spawn_keeper(struct ipc *c, const struct dhcp_reply *r)
{
	char a[IP_STR], m[IP_STR], s[IP_STR], g[IP_STR], lease[16];
	char *argv[] = { "/bin/ipconfig", "-e", (char *)c->ether, "-R", a, m, s, lease, g, NULL };

	ip_format(r->yiaddr, a);
	ip_format(r->mask, m);
	ip_format(r->server, s);
	ip_format(r->router, g);
	snprintf(lease, sizeof(lease), "%u", r->lease);
	/* Port 68 is the keeper's from now on. */
	close(c->data);
	close(c->convctl);
	if (vbin_spawn(argv) < 0) {
		vbin_fail("ipconfig", "starting the lease keeper");
		return 1;
	}
	return 0;
}

/* -R ADDR MASK SERVER LEASE GW: keeps the lease a DHCP run got. */
static int ipc_keeper(struct ipc *c, char **args)
{
	struct dhcp_reply r = { .type = DHCP_ACK };

	if (!ip_parse(args[0], &r.yiaddr) || !ip_parse(args[1], &r.mask) ||
	    !ip_parse(args[2], &r.server) || !ip_parse(args[4], &r.router)) {
		fprintf(stderr, "%s", ipc_usage);
		return 2;
	}
	r.lease = (uint32_t)strtoul(args[3], NULL, 10);
	if (ipc_open_udp(c) < 0)
		return 1;
	c->jitter_seed = ipc_random() | 1;
	printf("ipconfig: keeping the lease of %s (%u s)\n", args[0], r.lease);
	fflush(stdout);
	ipc_keep(c, &r, now_ms());
	return 1;
}

/* ------------------------------------------------------------- static */

/* Parses -s's arguments into r; false after saying what is wrong. */
static bool ipc_static_args(const char *cidr, const char *gw, struct dhcp_reply *r)
{
	if (!ip_parse_cidr(cidr, &r->yiaddr, &r->mask)) {
		fprintf(stderr, "ipconfig: %s: not ADDR/LEN or ADDR/MASK\n", cidr);
		return false;
	}
	if (gw && !ip_parse(gw, &r->router)) {
		fprintf(stderr, "ipconfig: %s: not an address\n", gw);
		return false;
	}
	return true;
}

static int ipc_static(struct ipc *c, const struct dhcp_reply *r)
{
	if (ipc_apply(c, r) < 0)
		return 1;
	ipc_print("static", r);
	return 0;
}

/* -------------------------------------------------------------- listing */

static void ipc_list_one(int n, void *arg)
{
	char path[NET_PATH_MAX], buf[8192];

	(void)arg;
	snprintf(path, sizeof(path), NET_ROOT "/ipifc/%d/status", n);
	if (vbin_slurp(path, buf, sizeof(buf)) < 0) {
		vbin_fail("ipconfig", path);
		return;
	}
	printf("ipifc %d: %s%s", n, buf, buf[0] && buf[strlen(buf) - 1] == '\n' ? "" : "\n");
}

static int ipc_list(void)
{
	if (net_each_conv(NET_ROOT "/ipifc", ipc_list_one, NULL) < 0) {
		vbin_fail("ipconfig", NET_ROOT "/ipifc");
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct ipc c = { .ether = NET_ROOT "/ether0", .data = -1, .convctl = -1 };
	const char *cidr = NULL;
	struct dhcp_reply st = { 0 };
	bool boot = false, renew = false, keeper = false;
	int opt, secs = 60;

	while ((opt = getopt(argc, argv, "bre:t:s:lRh")) != -1) {
		switch (opt) {
		case 'b': boot = true; break;
		case 'r': renew = true; break;
		case 'e': c.ether = optarg; break;
		case 't': secs = atoi(optarg); break;
		case 's': cidr = optarg; break;
		case 'l': return ipc_list();
		case 'R': keeper = true; break;
		case 'h': printf("%s", ipc_usage); return 0;
		default: fprintf(stderr, "%s", ipc_usage); return 2;
		}
	}
	if ((keeper ? argc - optind != 5 : optind < argc - (cidr ? 1 : 0)) || secs <= 0) {
		fprintf(stderr, "%s", ipc_usage);
		return 2;
	}
	if (cidr && !ipc_static_args(cidr, optind < argc ? argv[optind] : NULL, &st))
		return 2;
	if (boot && access(c.ether, F_OK) < 0)
		return 0;
	if (net_ether_mac(c.ether, c.mac) < 0) {
		vbin_fail("ipconfig", c.ether);
		return 1;
	}
	c.ifc = net_ipifc_bind(c.ether);
	if (c.ifc < 0) {
		vbin_fail("ipconfig", "binding an interface");
		return 1;
	}
	snprintf(c.ctl, sizeof(c.ctl), NET_ROOT "/ipifc/%d/ctl", c.ifc);
	if (keeper)
		return ipc_keeper(&c, argv + optind);
	if (cidr)
		return ipc_static(&c, &st);
	return ipc_dhcp(&c, secs, renew);
}
