/* SPDX-License-Identifier: MIT */
/*
 * kt_ip.c - ktests of #ip's internals, suite ip: the boot loopback
 * interface and its route, UDP between two conversations over loopback
 * (small, and a 20,000-byte datagram that loopback's 16 KiB MTU
 * fragments and reassembles), an ICMP echo answered by the kernel, the ctl
 * languages' refusals (conversations, interfaces, routes, ARP, log),
 * routes and static ARP entries added and removed through the files,
 * EAGAIN from data and listen opened non-blocking, and conversations
 * freed when their last chan closes (chans, kmalloc objects and blocks
 * back where they were; the runner checks memory too).
 */
#include <block.h>
#include <ip.h>
#include <ipwire.h>
#include <kstring.h>
#include <ktest.h>
#include <sysfile.h>

#include "kt_dev.h"

/* Does text contain needle? */
static bool kip_has(const char *text, const char *needle)
{
	size_t n = strlen(needle);

	for (; *text; text++)
		if (!strncmp(text, needle, n))
			return true;
	return false;
}

/* Opens a new conversation of proto: its ctl fd, and its number in *n. */
static int kip_clone(const char *proto, int *n)
{
	char path[32], buf[16];
	ssize_t r;
	int fd;

	snprintf(path, sizeof(path), "#ip/%s/clone", proto);
	fd = sysopen(path, O_RDWR, 0);
	if (fd < 0)
		return -1;
	r = sysread(fd, buf, sizeof(buf) - 1);
	if (r <= 0) {
		sysclose(fd);
		return -1;
	}
	buf[r] = 0;
	*n = 0;
	for (ssize_t i = 0; i < r; i++)
		*n = *n * 10 + (buf[i] - '0');
	return fd;
}

static int kip_open(const char *proto, int n, const char *file, int flags)
{
	char path[48];

	snprintf(path, sizeof(path), "#ip/%s/%d/%s", proto, n, file);
	return sysopen(path, flags, 0);
}

static bool kip_ctl(int fd, const char *msg)
{
	return syswrite(fd, msg, strlen(msg)) == (ssize_t)strlen(msg);
}

/* Reads a whole small file into buf. */
static ssize_t kip_slurp(const char *path, char *buf, size_t size)
{
	int fd = sysopen(path, O_READ, 0);
	ssize_t n = 0, r;

	if (fd < 0)
		return -1;
	while ((size_t)n + 1 < size && (r = sysread(fd, buf + n, size - 1 - n)) > 0)
		n += r;
	sysclose(fd);
	buf[n] = 0;
	return n;
}

KTEST(ip, loopback_configured)
{
	static char buf[1024];

	KT_ASSERT(kip_slurp("#ip/ipifc/0/status", buf, sizeof(buf)) > 0);
	KT_ASSERT_MSG(kip_has(buf, "medium loopback"), "status: %s", buf);
	KT_ASSERT_MSG(kip_has(buf, "addr 127.0.0.1 mask 255.0.0.0"), "status: %s", buf);
	KT_ASSERT(kip_slurp("#ip/iproute", buf, sizeof(buf)) > 0);
	KT_ASSERT_MSG(kip_has(buf, "127.0.0.0"), "iproute: %s", buf);
}

/* A UDP pair over loopback: server announced on port, client connected. */
struct kip_pair {
	int sctl, sdata, cctl, cdata, sn, cn;
};

static bool kip_pair_open(struct kip_pair *p, int port)
{
	char msg[48];

	p->sctl = kip_clone("udp", &p->sn);
	KT_CHECK(p->sctl >= 0);
	snprintf(msg, sizeof(msg), "announce %d", port);
	KT_CHECK(kip_ctl(p->sctl, msg));
	p->sdata = kip_open("udp", p->sn, "data", O_RDWR);
	p->cctl = kip_clone("udp", &p->cn);
	KT_CHECK(p->cctl >= 0);
	snprintf(msg, sizeof(msg), "connect 127.0.0.1!%d", port);
	KT_CHECK(kip_ctl(p->cctl, msg));
	p->cdata = kip_open("udp", p->cn, "data", O_RDWR);
	KT_CHECK(p->sdata >= 0 && p->cdata >= 0);
	return true;
}

static void kip_pair_close(struct kip_pair *p)
{
	sysclose(p->sdata);
	sysclose(p->sctl);
	sysclose(p->cdata);
	sysclose(p->cctl);
}

KTEST(ip, udp_over_loopback)
{
	int64_t chans = chan_nr_live(), blocks = block_live_count();
	static char buf[64];
	struct kip_pair p;

	KT_ASSERT(kip_pair_open(&p, 7001));
	KT_ASSERT_EQ(syswrite(p.cdata, "hello, ip", 9), 9);
	KT_ASSERT_EQ(sysread(p.sdata, buf, sizeof(buf)), 9);
	KT_ASSERT(!memcmp(buf, "hello, ip", 9));
	KT_ASSERT(kip_slurp("#ip/udp/stats", buf, sizeof(buf)) > 0);
	kip_pair_close(&p);
	KT_ASSERT_EQ(chan_nr_live(), chans);
	KT_ASSERT_EQ(block_live_count(), blocks);
}

KTEST(ip, udp_fragmented_datagram)
{
	const size_t len = 20000;
	uint8_t *out = kmalloc(len, MEM_WAIT), *in = kzmalloc(len + 16, MEM_WAIT);
	struct kip_pair p;
	bool ok;

	KT_ASSERT(out && in);
	for (size_t i = 0; i < len; i++)
		out[i] = (uint8_t)(i * 13 + 5);
	ok = kip_pair_open(&p, 7002) && syswrite(p.cdata, out, len) == (ssize_t)len &&
	     sysread(p.sdata, in, len + 16) == (ssize_t)len && !memcmp(in, out, len);
	kip_pair_close(&p);
	kfree(out);
	kfree(in);
	KT_ASSERT(ok);
}

KTEST(ip, icmp_echo_answered)
{
	uint8_t req[64], rep[128];
	struct icmp_info m = { .type = ICMP_ECHO, .seq = 42 };
	int n, ctl = kip_clone("icmp", &n), data;
	ssize_t r;

	KT_ASSERT(ctl >= 0);
	KT_ASSERT(kip_ctl(ctl, "connect 127.0.0.1!1"));
	data = kip_open("icmp", n, "data", O_RDWR);
	KT_ASSERT(data >= 0);
	memset(req, 0x5a, sizeof(req));
	icmp_build(req, &m);
	KT_ASSERT_EQ(syswrite(data, req, sizeof(req)), sizeof(req));
	r = sysread(data, rep, sizeof(rep));
	sysclose(data);
	sysclose(ctl);
	KT_ASSERT_EQ(r, IP4_HDR_LEN + sizeof(req));
	KT_ASSERT_EQ(rep[IP4_HDR_LEN], ICMP_ECHOREPLY);
	KT_ASSERT_EQ(get_be16(rep + IP4_HDR_LEN + 6), 42);
	KT_ASSERT_EQ(ip_csum(rep, IP4_HDR_LEN), 0);
	KT_ASSERT(!memcmp(rep + IP4_HDR_LEN + 8, req + 8, sizeof(req) - 8));
}

static bool kip_refused(int fd, const char *msg, int err)
{
	ssize_t r = syswrite(fd, msg, strlen(msg));

	if (r != -1 || get_errno() != err) {
		printk("kt_ip: '%s' gave %zd errno %d (want -1, %d)\n", msg, r, get_errno(), err);
		return false;
	}
	return true;
}

KTEST(ip, conv_ctl_refusals)
{
	static const char *const bad[] = {
		"", "connect", "connect 1.2.3!5", "connect 1.2.3.4", "connect 1.2.3.4!70000",
		"connect 1.2.3.4.5!6", "ttl 0", "ttl 256", "ttl x", "tos -1", "bogus",
		"announce", "announce 1.2.3.4!5", "connect 0.0.0.0!5",
	};
	int n, ctl = kip_clone("udp", &n), ctl2, n2;
	bool ok = ctl >= 0;

	for (size_t i = 0; ok && i < ARRAY_SIZE(bad); i++)
		ok = kip_refused(ctl, bad[i], bad[i][0] == 'a' && bad[i][8] ? EADDRNOTAVAIL : EINVAL);
	ok = ok && kip_ctl(ctl, "ttl 7") && kip_ctl(ctl, "announce 7003");
	ok = ok && kip_refused(ctl, "connect 127.0.0.1!9", EISCONN);
	ctl2 = kip_clone("udp", &n2);
	ok = ok && ctl2 >= 0 && kip_refused(ctl2, "announce 7003", EADDRINUSE);
	sysclose(ctl2);
	sysclose(ctl);
	KT_ASSERT(ok);
}

KTEST(ip, files_ctl_refusals)
{
	int arp = sysopen("#ip/arp", O_RDWR, 0), rt = sysopen("#ip/iproute", O_RDWR, 0);
	int log = sysopen("#ip/log", O_RDWR, 0), ifc = sysopen("#ip/ipifc/0/ctl", O_RDWR, 0);
	bool ok = arp >= 0 && rt >= 0 && log >= 0 && ifc >= 0;

	ok = ok && kip_refused(arp, "add 1.2.3.4", EINVAL) &&
	     kip_refused(arp, "add 1.2.3.4 02:00:00:00:00", EINVAL) &&
	     kip_refused(arp, "del 9.9.9.9", ENOENT) && kip_refused(arp, "zap", EINVAL);
	ok = ok && kip_refused(rt, "add 10.0.0.0 255.0.255.0 0.0.0.0 0", EINVAL) &&
	     kip_refused(rt, "add 10.9.0.0 255.255.0.0 10.8.0.1", ENETUNREACH) &&
	     kip_refused(rt, "remove 10.77.0.0 255.255.0.0", ENOENT) &&
	     kip_refused(rt, "add 10.9.0.0 255.255.0.0 0.0.0.0 99", EINVAL);
	ok = ok && kip_refused(log, "set nothing", EINVAL) && kip_refused(log, "loud", EINVAL);
	ok = ok && kip_refused(ifc, "bind loopback", EBUSY) &&
	     kip_refused(ifc, "bind token-ring", EINVAL) &&
	     kip_refused(ifc, "add 127.0.0.1 255.0.0.0", EEXIST) &&
	     kip_refused(ifc, "add 127.0.0.255 255.255.255.0", EINVAL) &&
	     kip_refused(ifc, "mtu 20", EINVAL) && kip_refused(ifc, "remove 1.2.3.4 /8", ENOENT);
	sysclose(arp);
	sysclose(rt);
	sysclose(log);
	sysclose(ifc);
	KT_ASSERT(ok);
}

KTEST(ip, routes_and_arp_entries)
{
	static char buf[2048];
	int rt = sysopen("#ip/iproute", O_RDWR, 0), arp = sysopen("#ip/arp", O_RDWR, 0);
	bool ok = rt >= 0 && arp >= 0;

	ok = ok && kip_ctl(rt, "add 10.9.0.0 255.255.0.0 0.0.0.0 0") &&
	     kip_ctl(rt, "add 10.10.0.0 /16 10.9.0.1") &&
	     kip_slurp("#ip/iproute", buf, sizeof(buf)) > 0 && kip_has(buf, "10.10.0.0") &&
	     kip_has(buf, "10.9.0.1");
	ok = ok && kip_ctl(rt, "remove 10.10.0.0 255.255.0.0") &&
	     kip_ctl(rt, "remove 10.9.0.0 255.255.0.0") &&
	     kip_slurp("#ip/iproute", buf, sizeof(buf)) > 0 && !kip_has(buf, "10.9.0.0");
	ok = ok && kip_ctl(arp, "add 10.1.1.1 02:00:00:00:00:01") &&
	     kip_slurp("#ip/arp", buf, sizeof(buf)) > 0 &&
	     kip_has(buf, "10.1.1.1") && kip_has(buf, "02:00:00:00:00:01 static") &&
	     kip_ctl(arp, "del 10.1.1.1") && kip_refused(arp, "del 10.1.1.1", ENOENT);
	sysclose(rt);
	sysclose(arp);
	KT_ASSERT(ok);
}

KTEST(ip, nonblocking_eagain)
{
	int n, ctl = kip_clone("udp", &n), data, listen;
	char buf[8];
	bool ok = ctl >= 0 && kip_ctl(ctl, "announce 7004");

	data = kip_open("udp", n, "data", O_RDWR | O_NONBLOCK);
	ok = ok && data >= 0 && sysread(data, buf, sizeof(buf)) == -1 && get_errno() == EAGAIN;
	listen = kip_open("udp", n, "listen", O_RDWR | O_NONBLOCK);
	ok = ok && listen == -1 && get_errno() == EAGAIN;
	sysclose(data);
	sysclose(ctl);
	KT_ASSERT(ok);
}

KTEST(ip, conversations_recycled)
{
	int64_t chans = chan_nr_live(), blocks = block_live_count();
	static char buf[256];
	int first = -1;

	for (int i = 0; i < 50; i++) {
		int n, ctl = kip_clone("udp", &n);

		KT_ASSERT(ctl >= 0);
		if (first < 0)
			first = n;
		KT_ASSERT_EQ(n, first);         /* the freed index comes back */
		KT_ASSERT(kip_ctl(ctl, "connect 127.0.0.1!9"));
		sysclose(ctl);
	}
	KT_ASSERT(kip_slurp("#ip/udp", buf, sizeof(buf)) >= 0);
	KT_ASSERT_EQ(chan_nr_live(), chans);
	KT_ASSERT_EQ(block_live_count(), blocks);
}

KTEST(ip, port_unreachable_advised_and_rate_limited)
{
	static char buf[256];
	int n, ctl = kip_clone("udp", &n), data;
	char path[48];
	bool seen = false;

	KT_ASSERT(ctl >= 0);
	KT_ASSERT(kip_ctl(ctl, "connect 127.0.0.1!7999"));     /* nobody there */
	data = kip_open("udp", n, "data", O_RDWR);
	KT_ASSERT(data >= 0);
	for (int i = 0; i < 200; i++)
		KT_ASSERT_EQ(syswrite(data, "knock", 5), 5);
	snprintf(path, sizeof(path), "#ip/udp/%d/err", n);
	for (int i = 0; i < 100 && !seen; i++) {
		kthread_usleep(10000);
		seen = kip_slurp(path, buf, sizeof(buf)) > 0 && kip_has(buf, "unreachable");
	}
	sysclose(data);
	sysclose(ctl);
	KT_ASSERT_MSG(seen, "err: '%s'", buf);
	KT_ASSERT(kip_slurp("#ip/icmp/stats", buf, sizeof(buf)) > 0);
	KT_ASSERT_MSG(kip_has(buf, "OutRateLimited: ") && !kip_has(buf, "OutRateLimited: 0\n"),
	              "%s", buf);
}

/* Builds a datagram for 127.0.0.1 from seed: a real header with random
 * protocol, fragment fields and length, a payload of random bytes, and a
 * correct header checksum three times in four. */
static struct block *kip_hostile_one(uint64_t *seed)
{
	uint64_t r = *seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
	size_t len = IP4_HDR_LEN + (r >> 20) % 3000;
	struct block *b = allocb(len);
	static const uint8_t protos[] = { IP_PROTO_ICMP, IP_PROTO_UDP, IP_PROTO_TCP, 99 };
	struct ip4_info h = { .src = IP4(127, 0, 0, 1), .dst = IP4(127, 0, 0, 1),
	                      .id = (uint16_t)(r >> 8), .ttl = 64,
	                      .proto = protos[(r >> 40) & 3],
	                      .frag_off = (uint16_t)(((r >> 44) & 3) ? 0 : ((r >> 46) & 31) * 8),
	                      .mf = (r >> 52) & 1, .tot_len = (uint16_t)len };

	for (size_t i = IP4_HDR_LEN; i < len; i++) {
		*seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
		b->wp[i] = (uint8_t)(*seed >> 33);
	}
	ip4_build(b->wp, &h);
	if (((r >> 56) & 3) == 0)
		b->wp[10] ^= 0x5a;                      /* a bad checksum */
	if (((r >> 58) & 7) == 0)
		b->wp[0] = (uint8_t)(r >> 3);           /* a bad version or length */
	if (h.proto == IP_PROTO_ICMP && ((r >> 61) & 1) && len >= IP4_HDR_LEN + 8)
		b->wp[IP4_HDR_LEN] = ICMP_ECHO;         /* reach the echo path */
	b->wp += len - ((r >> 62) ? 0 : (r >> 24) % len);       /* sometimes cut short */
	return b;
}

KTEST_FLAGS(ip, hostile_datagrams_leave_nothing, KTEST_NO_LEAK_CHECK)
{
	int64_t blocks = block_live_count();
	struct ipifc *lo = ipifc_loopback();
	uint64_t seed = 12345;

	KT_ASSERT(lo);
	for (int i = 0; i < 5000; i++)
		ip_input(lo, kip_hostile_one(&seed));
	/* Echo replies and ICMP errors drain through loopback; what waits in
	 * the reassembler is timed out. */
	for (int i = 0; i < 100 && block_live_count() != blocks; i++) {
		ip_reasm_tick(nsec_now() + 31ull * 1000 * 1000 * 1000);
		kthread_usleep(50000);
	}
	KT_ASSERT_EQ(block_live_count(), blocks);
}

/* The number after key in the file at path, or -1. */
static int64_t kip_stat(const char *path, const char *key)
{
	static char buf[1024];
	size_t kl = strlen(key);

	if (kip_slurp(path, buf, sizeof(buf)) <= 0)
		return -1;
	for (const char *p = buf; *p; p++) {
		if (!strncmp(p, key, kl)) {
			int64_t v = 0;

			for (p += kl; *p >= '0' && *p <= '9'; p++)
				v = v * 10 + (*p - '0');
			return v;
		}
	}
	return -1;
}

KTEST_FLAGS(ip, reassembly_timeout_sends_time_exceeded, KTEST_NO_LEAK_CHECK)
{
	struct ip4_info h = { .src = IP4(127, 0, 0, 1), .dst = IP4(127, 0, 0, 1), .id = 777,
	                      .ttl = 64, .proto = IP_PROTO_UDP, .mf = true,
	                      .tot_len = IP4_HDR_LEN + 200 };
	int64_t before = kip_stat("#ip/icmp/stats", "InTimeExcds: "), after = before;
	int64_t blocks = block_live_count();
	struct block *b = allocb(h.tot_len);

	KT_ASSERT(before >= 0);
	kthread_usleep(100000);                         /* ICMP tokens refill */
	memset(b->wp, 0x33, h.tot_len);
	ip4_build(b->wp, &h);
	b->wp += h.tot_len;
	ip_input(ipifc_loopback(), b);
	ip_reasm_tick(nsec_now() + 31ull * 1000 * 1000 * 1000);
	for (int i = 0; i < 50 && after == before; i++) {
		kthread_usleep(10000);
		after = kip_stat("#ip/icmp/stats", "InTimeExcds: ");
	}
	KT_ASSERT_EQ(after, before + 1);
	KT_ASSERT_EQ(block_live_count(), blocks);
}
