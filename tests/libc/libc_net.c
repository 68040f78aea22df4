/* SPDX-License-Identifier: MIT */
/*
 * libc_net.c - utests of #ip over loopback through the C library, on /net
 * (where the kernel binds #ip): /bin/ping to 127.0.0.1 with counts and
 * sizes up to 65535 bytes, including a 30,000-byte ping that the loopback
 * MTU (16 KiB) fragments; UDP between two conversations with contents
 * checked in many sizes, headers mode both ways (addresses and ports
 * checked), refused ctl messages, O_NONBLOCK reads (EAGAIN, also set later
 * with fcntl), poll woken by a datagram (FD taps), and a conversation leak
 * check: a hundred conversations opened, used and closed leave the
 * kernel's kmalloc objects (#mem/free), live blocks and conversations
 * (/net/stats, /net/udp/stats) where they were.  Suite slirp, on a boot
 * with one NIC on QEMU user networking (restrict=on): an interface bound
 * to /net/ether0 with 10.0.2.15/24 and a default route through 10.0.2.2,
 * ping -n 5 answered by QEMU's slirp, ARP seen in /net/arp, a 4000-byte
 * ping fragmented to the 1500-byte MTU, and unbind taking the routes.
 * Run by scripts/run-ktests.sh (run_utest libc_net "ping udp", and
 * net_ip_e1000, net_ip_e1000e and net_ip_virtio "slirp").
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utest/utest.h>

#define NET_HDRS 52

/* ------------------------------------------------------------ helpers */

/* Writes a ctl message; the write's result. */
static ssize_t ln_ctl(int fd, const char *msg)
{
	return write(fd, msg, strlen(msg));
}

/* Clones a conversation of proto: ctl fd, its number in *n. */
static int ln_clone(const char *proto, int *n)
{
	char path[64], buf[16];
	int fd;
	ssize_t r;

	snprintf(path, sizeof(path), "/net/%s/clone", proto);
	fd = UT_SYS(open(path, O_RDWR));
	r = UT_SYS(read(fd, buf, sizeof(buf) - 1));
	buf[r] = 0;
	*n = atoi(buf);
	return fd;
}

static int ln_open(const char *proto, int n, const char *file, int flags)
{
	char path[64];

	snprintf(path, sizeof(path), "/net/%s/%d/%s", proto, n, file);
	return UT_SYS(open(path, flags));
}

/* Reads a whole small file into buf. */
static void ln_slurp(const char *path, char *buf, size_t size)
{
	int fd = UT_SYS(open(path, O_RDONLY));
	size_t n = 0;
	ssize_t r;

	while (n + 1 < size && (r = read(fd, buf + n, size - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	buf[n] = 0;
}

/* The number after "key" in the file at path (-1 if absent). */
static long long ln_stat(const char *path, const char *key)
{
	static char buf[4096];
	char *p;

	ln_slurp(path, buf, sizeof(buf));
	p = strstr(buf, key);
	return p ? atoll(p + strlen(key)) : -1;
}

/* A UDP server announced on port and a client connected to it. */
struct ln_pair {
	int sctl, sdata, cctl, cdata, sn, cn;
};

static void ln_pair_open(struct ln_pair *p, int port, bool headers)
{
	char msg[64];

	p->sctl = ln_clone("udp", &p->sn);
	if (headers)
		UT_SYS(ln_ctl(p->sctl, "headers"));
	snprintf(msg, sizeof(msg), "announce %d", port);
	UT_SYS(ln_ctl(p->sctl, msg));
	p->sdata = ln_open("udp", p->sn, "data", O_RDWR);
	p->cctl = ln_clone("udp", &p->cn);
	snprintf(msg, sizeof(msg), "connect 127.0.0.1!%d", port);
	UT_SYS(ln_ctl(p->cctl, msg));
	p->cdata = ln_open("udp", p->cn, "data", O_RDWR);
}

static void ln_pair_close(struct ln_pair *p)
{
	UT_SYS(close(p->sdata));
	UT_SYS(close(p->sctl));
	UT_SYS(close(p->cdata));
	UT_SYS(close(p->cctl));
}

/* Runs /bin/ping with args, its output in out; the exit status. */
static int ln_ping(char *const args[], char *out, size_t size)
{
	int p[2], st;
	size_t n = 0;
	ssize_t r;
	pid_t pid;

	UT_SYS(pipe(p));
	pid = UT_SYS(fork());
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execv("/bin/ping", args);
		_exit(127);
	}
	close(p[1]);
	while (n + 1 < size && (r = read(p[0], out + n, size - 1 - n)) > 0)
		n += (size_t)r;
	out[n] = 0;
	close(p[0]);
	UT_SYS(waitpid(pid, &st, 0));
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* ------------------------------------------------------------ ping */

static char ln_out[8192];

UTEST(ping, loopback_counts)
{
	char *const args[] = { "ping", "-n", "3", "-i", "10", "127.0.0.1", NULL };

	UT_ASSERT_EQ(ln_ping(args, ln_out, sizeof(ln_out)), 0);
	UT_ASSERT_MSG(strstr(ln_out, "sending 3 64 byte messages 10 ms apart to icmp!127.0.0.1!1"),
	              "%s", ln_out);
	UT_ASSERT_MSG(strstr(ln_out, "  0: rtt ") && strstr(ln_out, "  2: rtt "), "%s", ln_out);
	UT_ASSERT_MSG(strstr(ln_out, "avg rtt") && strstr(ln_out, "ttl = 64"), "%s", ln_out);
	UT_ASSERT_MSG(strstr(ln_out, "0 out of 3 messages lost"), "%s", ln_out);
}

UTEST(ping, sizes_and_a_fragmented_30000)
{
	static const char *const sizes[] = { "64", "100", "1500", "16384", "16385", "30000",
	                                     "65535" };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char *const args[] = { "ping", "-q", "-n", "2", "-i", "5", "-s", (char *)sizes[i],
		                       "127.0.0.1", NULL };

		UT_ASSERT_MSG(ln_ping(args, ln_out, sizeof(ln_out)) == 0, "size %s: %s", sizes[i],
		              ln_out);
		UT_ASSERT_MSG(strstr(ln_out, "0 out of 2 messages lost"), "size %s: %s", sizes[i],
		              ln_out);
	}
	UT_ASSERT(ln_stat("/net/stats", "ReasmOKs: ") > 0);
}

UTEST(ping, addresses_and_bad_usage)
{
	char *const a[] = { "ping", "-a", "-n", "1", "127.0.0.1", NULL };
	char *const bad_size[] = { "ping", "-s", "63", "127.0.0.1", NULL };
	char *const bad_dest[] = { "ping", "-n", "1", "127.0.0", NULL };
	char *const none[] = { "ping", NULL };
	char *const help[] = { "ping", "-h", NULL };

	UT_ASSERT_EQ(ln_ping(a, ln_out, sizeof(ln_out)), 0);
	UT_ASSERT_MSG(strstr(ln_out, "0: 127.0.0.1 -> 127.0.0.1 rtt"), "%s", ln_out);
	UT_ASSERT_EQ(ln_ping(bad_size, ln_out, sizeof(ln_out)), 2);
	UT_ASSERT_EQ(ln_ping(bad_dest, ln_out, sizeof(ln_out)), 2);
	UT_ASSERT_EQ(ln_ping(none, ln_out, sizeof(ln_out)), 2);
	UT_ASSERT_EQ(ln_ping(help, ln_out, sizeof(ln_out)), 0);
	UT_ASSERT_MSG(strstr(ln_out, "usage: ping"), "%s", ln_out);
}

/* ------------------------------------------------------------ udp */

static unsigned char ln_buf[70000], ln_got[70000];

UTEST(udp, contents_in_many_sizes)
{
	static const size_t sizes[] = { 1, 7, 512, 1472, 1473, 9000, 16384, 40000, 65507 };
	struct ln_pair p;

	ln_pair_open(&p, 7101, false);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i];

		for (size_t j = 0; j < n; j++)
			ln_buf[j] = (unsigned char)(j * 31 + i);
		UT_ASSERT_EQ(write(p.cdata, ln_buf, n), (ssize_t)n);
		UT_ASSERT_EQ(read(p.sdata, ln_got, sizeof(ln_got)), (ssize_t)n);
		UT_ASSERT_MEMEQ(ln_got, ln_buf, n);
	}
	/* One byte too many for an IPv4 datagram. */
	UT_ASSERT_ERRNO(write(p.cdata, ln_buf, 65508), EMSGSIZE);
	ln_pair_close(&p);
}

static void ln_put_addr(unsigned char *a, const unsigned char ip[4])
{
	memset(a, 0, 10);
	a[10] = a[11] = 0xff;
	memcpy(a + 12, ip, 4);
}

UTEST(udp, headers_mode_both_ways)
{
	static const unsigned char lo[4] = { 127, 0, 0, 1 };
	unsigned char msg[NET_HDRS + 16];
	char local[64];
	struct ln_pair p;
	int cport;

	ln_pair_open(&p, 7102, true);
	UT_ASSERT_EQ(write(p.cdata, "question", 8), 8);
	UT_ASSERT_EQ(read(p.sdata, msg, sizeof(msg)), NET_HDRS + 8);
	snprintf(local, sizeof(local), "/net/udp/%d/local", p.cn);
	ln_slurp(local, local, sizeof(local));
	cport = atoi(strchr(local, '!') + 1);
	UT_ASSERT(!memcmp(msg + 12, lo, 4));                    /* raddr */
	UT_ASSERT(!memcmp(msg + 28, lo, 4));                    /* laddr */
	UT_ASSERT_EQ(msg[48] << 8 | msg[49], cport);           /* rport */
	UT_ASSERT_EQ(msg[50] << 8 | msg[51], 7102);            /* lport */
	UT_ASSERT(!memcmp(msg + NET_HDRS, "question", 8));
	/* The answer goes back where the header says. */
	memset(msg, 0, NET_HDRS);
	ln_put_addr(msg, lo);
	msg[48] = (unsigned char)(cport >> 8);
	msg[49] = (unsigned char)cport;
	memcpy(msg + NET_HDRS, "answer", 6);
	UT_ASSERT_EQ(write(p.sdata, msg, NET_HDRS + 6), NET_HDRS + 6);
	UT_ASSERT_EQ(read(p.cdata, msg, sizeof(msg)), 6);
	UT_ASSERT(!memcmp(msg, "answer", 6));
	/* A write shorter than the header, and one to a non-mapped address. */
	UT_ASSERT_ERRNO(write(p.sdata, msg, 10), EINVAL);
	memset(msg, 1, NET_HDRS);
	UT_ASSERT_ERRNO(write(p.sdata, msg, NET_HDRS + 1), EINVAL);
	ln_pair_close(&p);
}

UTEST(udp, bad_ctl_messages)
{
	static const char *const bad[] = { "connect", "connect 127.0.0.1", "connect x!1",
	                                   "connect 127.0.0.1!0", "announce x", "ttl 999",
	                                   "frobnicate", "headers please" };
	int n, ctl = ln_clone("udp", &n), data;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		UT_ASSERT_MSG(ln_ctl(ctl, bad[i]) == -1 && errno == EINVAL, "'%s' accepted",
		              bad[i]);
	data = ln_open("udp", n, "data", O_RDWR);
	UT_ASSERT_ERRNO(write(data, "x", 1), EDESTADDRREQ);
	UT_SYS(close(data));
	UT_SYS(close(ctl));
	UT_ASSERT_ERRNO(open("/net/udp/99999/ctl", O_RDWR), ENOENT);
}

UTEST(udp, nonblocking_and_poll)
{
	struct ln_pair p;
	struct pollfd pf;
	char c;

	ln_pair_open(&p, 7103, false);
	UT_SYS(fcntl(p.sdata, F_SETFL, O_NONBLOCK));
	UT_ASSERT_ERRNO(read(p.sdata, &c, 1), EAGAIN);
	pf = (struct pollfd){ .fd = p.sdata, .events = POLLIN };
	UT_ASSERT_EQ(poll(&pf, 1, 0), 0);
	UT_ASSERT_EQ(write(p.cdata, "z", 1), 1);
	UT_ASSERT_EQ(poll(&pf, 1, 5000), 1);
	UT_ASSERT(pf.revents & POLLIN);
	UT_ASSERT_EQ(read(p.sdata, &c, 1), 1);
	UT_ASSERT_EQ(c, 'z');
	UT_ASSERT_ERRNO(read(p.sdata, &c, 1), EAGAIN);
	ln_pair_close(&p);
}

/* Waits up to 2 s for the counters to come back to where they were. */
static bool ln_settled(long long kobjs, long long blocks, long long convs)
{
	for (int i = 0; i < 200; i++) {
		if (ln_stat("#mem/free", "kmalloc_objects ") == kobjs &&
		    ln_stat("/net/stats", "Blocks: ") == blocks &&
		    ln_stat("/net/udp/stats", "Conversations: ") == convs)
			return true;
		usleep(10000);
	}
	return false;
}

UTEST(udp, conversations_do_not_leak)
{
	long long kobjs, blocks, convs;
	struct ln_pair p;
	char buf[16];

	ln_pair_open(&p, 7104, false);                  /* warm up */
	ln_pair_close(&p);
	convs = ln_stat("/net/udp/stats", "Conversations: ");
	blocks = ln_stat("/net/stats", "Blocks: ");
	kobjs = ln_stat("#mem/free", "kmalloc_objects ");
	UT_ASSERT(convs >= 0 && blocks >= 0 && kobjs > 0);
	for (int i = 0; i < 100; i++) {
		ln_pair_open(&p, 7105, i & 1);
		UT_ASSERT_EQ(write(p.cdata, "leak?", 5), 5);
		UT_ASSERT(read(p.sdata, buf, sizeof(buf)) > 0);
		if (i % 3 == 0)
			UT_ASSERT_EQ(write(p.cdata, "unread", 6), 6);   /* left queued */
		ln_pair_close(&p);
	}
	UT_ASSERT_MSG(ln_settled(kobjs, blocks, convs),
	              "kmalloc objects %lld -> %lld, blocks %lld -> %lld, convs %lld -> %lld",
	              kobjs, ln_stat("#mem/free", "kmalloc_objects "), blocks,
	              ln_stat("/net/stats", "Blocks: "), convs,
	              ln_stat("/net/udp/stats", "Conversations: "));
}

/* ------------------------------------------------------------ slirp */

/* Suite slirp runs on a boot with one NIC on QEMU user networking
 * (restrict=on): run-ktests.sh's net_ip_e1000, net_ip_e1000e and
 * net_ip_virtio. */
static int ln_ifc = -1;

static void ln_slirp_up(void)
{
	int rt;

	if (access("/net/ether0/clone", F_OK) < 0)
		utest_skip("no /net/ether0 (this boot has no NIC)");
	ln_ifc = UT_SYS(open("/net/ipifc/clone", O_RDWR));
	UT_SYS(ln_ctl(ln_ifc, "bind ether /net/ether0"));
	UT_SYS(ln_ctl(ln_ifc, "add 10.0.2.15 255.255.255.0"));
	rt = UT_SYS(open("/net/iproute", O_RDWR));
	UT_SYS(ln_ctl(rt, "add 0.0.0.0 0.0.0.0 10.0.2.2"));
	UT_SYS(close(rt));
}

/* Pings the gateway 5 times; the ARP entry and the interface's status. */
static void ln_slirp_ping(void)
{
	char *const args[] = { "ping", "-n", "5", "-i", "100", "10.0.2.2", NULL };
	static char buf[4096];

	UT_ASSERT_MSG(ln_ping(args, ln_out, sizeof(ln_out)) == 0, "%s", ln_out);
	UT_ASSERT_MSG(strstr(ln_out, "0 out of 5 messages lost"), "%s", ln_out);
	printf("%s", ln_out);                   /* the round trips, for the log */
	ln_slurp("/net/arp", buf, sizeof(buf));
	UT_ASSERT_MSG(strstr(buf, "10.0.2.2") && strstr(buf, " ok"), "arp: %s", buf);
	ln_slurp("/net/ipifc/1/status", buf, sizeof(buf));
	UT_ASSERT_MSG(strstr(buf, "medium ether /net/ether0 mtu 1500"), "status: %s", buf);
}

UTEST(slirp, ping_gateway_fragments_unbind)
{
	char *const big[] = { "ping", "-q", "-n", "2", "-i", "100", "-s", "4000", "10.0.2.2",
	                      NULL };
	char *const gone[] = { "ping", "-n", "1", "-w", "500", "10.0.2.2", NULL };
	int rt;

	ln_slirp_up();
	ln_slirp_ping();
	UT_ASSERT_MSG(ln_ping(big, ln_out, sizeof(ln_out)) == 0, "%s", ln_out);
	UT_SYS(ln_ctl(ln_ifc, "unbind"));
	/* Unbound: the routes through it went, a ping cannot be sent. */
	UT_ASSERT_EQ(ln_ping(gone, ln_out, sizeof(ln_out)), 1);
	UT_ASSERT_MSG(strstr(ln_out, "1 out of 1 messages lost"), "%s", ln_out);
	rt = UT_SYS(open("/net/iproute", O_RDWR));
	UT_ASSERT_ERRNO(ln_ctl(rt, "remove 0.0.0.0 0.0.0.0"), ENOENT);
	UT_SYS(close(rt));
	UT_SYS(close(ln_ifc));
	ln_ifc = -1;
}

int main(int argc, char **argv)
{
	return utest_main("libc_net", argc, argv);
}
