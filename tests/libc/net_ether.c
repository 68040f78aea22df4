/* SPDX-License-Identifier: MIT */
/*
 * net_ether.c - utests of #ether on real (emulated) NICs through the file
 * interface, for every interface present whatever its model (e1000,
 * e1000e, virtio-net, ...).  Each NIC sits on QEMU user networking with
 * restrict=on, whose gateway 10.0.2.2 answers ARP.
 *
 * Suite ether: the interfaces are listed with an address and a model;
 * an ARP request "who has 10.0.2.2, tell 10.0.2.15" written to a
 * connection of type 0x806 gets a reply naming 10.0.2.2 with a MAC (poll
 * on the data file waits for it); ring wrap-around: ETHER_FLOOD requests
 * in bursts (a few bursts ahead of the replies) keep being answered, and the kernel's live blocks come back to
 * where they were (#mem/free blocks_live) once the replies are read and
 * the connection closed; promiscuous mode and a multicast address leave
 * ARP working; bad writes and ctl messages are refused, and the data file
 * polls writable and not readable; the stats count what went out.
 *
 * Suite ether_link (run by scripts/run-ktests.sh with a QEMU monitor,
 * scripts/linkflap.py): the test prints "linkflap: off", the harness
 * takes every link down with set_link; every interface's stats must show
 * "link: 0"; then "linkflap: on", every link must come back ("link: 1")
 * and ARP must answer again.  Without the harness (no "-- flap"
 * argument) it skips.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <utest/utest.h>

#define NE_MAX_IFC 8
#define ETHER_FLOOD 5000
#define FLOOD_BURST 32

static const unsigned char ne_gw_ip[4] = { 10, 0, 2, 2 };
static const unsigned char ne_my_ip[4] = { 10, 0, 2, 15 };

struct ne_conn {
	int ctl, data;
	unsigned char mac[6];
};

/* The names of #ether's interfaces ("ether0", ...); returns how many. */
static int ne_interfaces(char names[NE_MAX_IFC][16])
{
	DIR *d = UT_PTR(opendir("#ether"));
	struct dirent *de;
	int n = 0;

	while ((de = readdir(d)) && n < NE_MAX_IFC)
		if (!strncmp(de->d_name, "ether", 5))
			snprintf(names[n++], 16, "%.15s", de->d_name);
	closedir(d);
	return n;
}

/* The whole text of a small file into buf (NUL-terminated). */
static ssize_t ne_cat(const char *path, char *buf, size_t n)
{
	int fd = UT_SYS(open(path, O_RDONLY));
	ssize_t got = 0, r;

	while (got < (ssize_t)n - 1 && (r = read(fd, buf + got, n - 1 - (size_t)got)) > 0)
		got += r;
	close(fd);
	buf[got] = '\0';
	return got;
}

static int ne_hex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A connection of ethertype 0x806 on interface ifc. */
static void ne_open(const char *ifc, struct ne_conn *c, int dflags)
{
	char path[96], buf[32];
	ssize_t n;

	snprintf(path, sizeof(path), "#ether/%.15s/addr", ifc);
	UT_ASSERT_EQ(ne_cat(path, buf, sizeof(buf)), 12);
	for (int i = 0; i < 6; i++)
		c->mac[i] = (unsigned char)(ne_hex(buf[2 * i]) << 4 | ne_hex(buf[2 * i + 1]));
	snprintf(path, sizeof(path), "#ether/%.15s/clone", ifc);
	c->ctl = UT_SYS(open(path, O_RDWR));
	n = UT_SYS(read(c->ctl, buf, sizeof(buf) - 1));
	buf[n] = '\0';
	UT_ASSERT_EQ(write(c->ctl, "connect 0x806", 13), 13);
	snprintf(path, sizeof(path), "#ether/%.15s/%.15s/data", ifc, buf);
	c->data = UT_SYS(open(path, O_RDWR | dflags));
}

static void ne_close(struct ne_conn *c)
{
	UT_SYS(close(c->data));
	UT_SYS(close(c->ctl));
}

/* ARP request who-has 10.0.2.2 tell 10.0.2.15 (42 bytes; the NIC pads). */
static size_t ne_arp_request(unsigned char *f, const unsigned char *mac)
{
	static const unsigned char arp_hdr[8] = { 0, 1, 8, 0, 6, 4, 0, 1 };

	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	f[12] = 0x08;
	f[13] = 0x06;
	memcpy(f + 14, arp_hdr, 8);
	memcpy(f + 22, mac, 6);
	memcpy(f + 28, ne_my_ip, 4);
	memset(f + 32, 0, 6);
	memcpy(f + 38, ne_gw_ip, 4);
	return 42;
}

/* Whether f (n bytes) is an ARP reply from 10.0.2.2 to us, with a MAC. */
static bool ne_is_gw_reply(const unsigned char *f, ssize_t n, const unsigned char *mac)
{
	static const unsigned char zero[6];

	return n >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[20] == 0 && f[21] == 2 &&
	       !memcmp(f + 28, ne_gw_ip, 4) && memcmp(f + 22, zero, 6) &&
	       !memcmp(f + 38, ne_my_ip, 4) && !memcmp(f + 32, mac, 6) &&
	       !memcmp(f, mac, 6);
}

/* Reads frames until a reply from the gateway or timeout_ms of quiet. */
static bool ne_wait_reply(struct ne_conn *c, int timeout_ms)
{
	unsigned char f[1600];
	struct pollfd p = { .fd = c->data, .events = POLLIN };

	while (poll(&p, 1, timeout_ms) == 1) {
		ssize_t n = read(c->data, f, sizeof(f));

		if (n > 0 && ne_is_gw_reply(f, n, c->mac))
			return true;
		if (n <= 0)
			return false;
	}
	return false;
}

/* Asks the gateway (up to 'tries' times); whether it answered. */
static bool ne_arp_ok(struct ne_conn *c, int tries)
{
	unsigned char f[64];
	size_t n = ne_arp_request(f, c->mac);

	for (int i = 0; i < tries; i++) {
		UT_ASSERT_EQ(write(c->data, f, n), (ssize_t)n);
		if (ne_wait_reply(c, 1000))
			return true;
	}
	return false;
}

UTEST(ether, interfaces_have_model_and_addr)
{
	char names[NE_MAX_IFC][16], path[64], text[1024];
	int n = ne_interfaces(names);

	UT_ASSERT_MSG(n > 0, "no interface in #ether");
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "#ether/%.15s/stats", names[i]);
		ne_cat(path, text, sizeof(text));
		UT_ASSERT_MSG(strstr(text, "model: ") && strstr(text, "mtu: 1500"),
		              "%s: %s", names[i], text);
		snprintf(path, sizeof(path), "#ether/%.15s/addr", names[i]);
		UT_ASSERT_EQ(ne_cat(path, text, sizeof(text)), 12);
		utest_note("%s", names[i]);
	}
}

UTEST(ether, arp_gateway_answers_on_every_interface)
{
	char names[NE_MAX_IFC][16];
	int n = ne_interfaces(names);

	for (int i = 0; i < n; i++) {
		struct ne_conn c;

		ne_open(names[i], &c, 0);
		UT_ASSERT_MSG(ne_arp_ok(&c, 3), "%s: no ARP reply from 10.0.2.2", names[i]);
		ne_close(&c);
	}
}

/* #mem/free's blocks_live. */
static long long ne_blocks_live(void)
{
	char text[2048], *p;

	ne_cat("#mem/free", text, sizeof(text));
	p = strstr(text, "blocks_live ");
	UT_ASSERT_MSG(p, "#mem/free has no blocks_live");
	return atoll(p + 12);
}

/* One counter of #ether/IFC/stats ("interrupts", ...). */
static long long ne_stat(const char *ifc, const char *name)
{
	char path[64], text[2048], key[40], *p;

	snprintf(path, sizeof(path), "#ether/%.15s/stats", ifc);
	ne_cat(path, text, sizeof(text));
	snprintf(key, sizeof(key), "\n%s: ", name);
	p = strstr(text, key);
	UT_ASSERT_MSG(p, "%s: no %s in stats", ifc, name);
	return atoll(p + strlen(key));
}

/* Reads what is queued (waiting up to wait_ms for more); replies counted. */
static int ne_drain(struct ne_conn *c, unsigned char *f, size_t len, int wait_ms)
{
	struct pollfd p = { .fd = c->data, .events = POLLIN };
	int got = 0;
	ssize_t n;

	while (poll(&p, 1, wait_ms) == 1 && (n = read(c->data, f, len)) > 0)
		got += ne_is_gw_reply(f, n, c->mac);
	return got;
}

/* Reads replies until at most 'ahead' are outstanding, or 200 ms pass
 * without one (then they are lost). */
static int ne_catch_up(struct ne_conn *c, unsigned char *f, size_t len, int sent, int got,
                       int ahead)
{
	struct pollfd p = { .fd = c->data, .events = POLLIN };
	ssize_t n;

	while (sent - got > ahead && poll(&p, 1, 200) == 1 &&
	       (n = read(c->data, f, len)) > 0)
		got += ne_is_gw_reply(f, n, c->mac);
	return got;
}

/* Sends ETHER_FLOOD requests in bursts, keeping at most four bursts of
 * replies outstanding (the receive ring holds many more, but a host
 * under load may not run the interrupt's vCPU for a while); returns the
 * replies counted. */
static int ne_flood(struct ne_conn *c)
{
	unsigned char req[64], f[1600];
	size_t rn = ne_arp_request(req, c->mac);
	int sent = 0, got = 0;

	while (sent < ETHER_FLOOD) {
		for (int b = 0; b < FLOOD_BURST && sent < ETHER_FLOOD; b++) {
			if (write(c->data, req, rn) == (ssize_t)rn)
				sent++;
			else
				UT_ASSERT_EQ(errno, EAGAIN);    /* transmit queue full */
		}
		got = ne_catch_up(c, f, sizeof(f), sent, got + ne_drain(c, f, sizeof(f), 0),
		                  4 * FLOOD_BURST);
	}
	return got + ne_drain(c, f, sizeof(f), 500);
}

UTEST(ether, promiscuous_and_multicast_keep_traffic)
{
	char names[NE_MAX_IFC][16];
	int n = ne_interfaces(names);

	for (int i = 0; i < n; i++) {
		struct ne_conn c;
		ssize_t r;

		ne_open(names[i], &c, 0);
		UT_ASSERT_EQ(write(c.ctl, "promiscuous", 11), 11);
		r = write(c.ctl, "addmulti 01:00:5e:00:00:fb", 26);
		UT_ASSERT_MSG(r == 26 || errno == EOPNOTSUPP, "%s: addmulti: %s", names[i],
		              strerror(errno));
		UT_ASSERT_MSG(ne_arp_ok(&c, 3), "%s: no ARP reply in promiscuous mode",
		              names[i]);
		if (r == 26)
			UT_ASSERT_EQ(write(c.ctl, "remmulti 01:00:5e:00:00:fb", 26), 26);
		ne_close(&c);                   /* promiscuous off again */
		ne_open(names[i], &c, 0);
		UT_ASSERT(ne_arp_ok(&c, 3));
		ne_close(&c);
	}
}

UTEST(ether, ring_wraps_under_load_without_leaking)
{
	char names[NE_MAX_IFC][16];
	int n = ne_interfaces(names);

	for (int i = 0; i < n; i++) {
		struct ne_conn c;
		long long before, after, irqs;
		int got;

		ne_open(names[i], &c, O_NONBLOCK);
		UT_ASSERT(ne_arp_ok(&c, 3));            /* the rings are up */
		before = ne_blocks_live();
		irqs = ne_stat(names[i], "interrupts");
		got = ne_flood(&c);
		irqs = ne_stat(names[i], "interrupts") - irqs;
		/* Replies keep coming all through (a few may be dropped under TCG). */
		UT_ASSERT_MSG(got >= ETHER_FLOOD * 9 / 10, "%s: %d replies to %d requests",
		              names[i], got, ETHER_FLOOD);
		UT_ASSERT_MSG(ne_arp_ok(&c, 3), "%s: no reply after the flood", names[i]);
		ne_close(&c);
		usleep(100 * 1000);                     /* last tx completions */
		after = ne_blocks_live();
		UT_ASSERT_MSG(after <= before + 16, "%s: blocks %lld -> %lld", names[i], before,
		              after);
		utest_note("%s: %d replies to %d requests, %lld interrupts, blocks %lld -> %lld",
		           names[i], got, ETHER_FLOOD, irqs, before, after);
	}
}

UTEST(ether, bad_writes_and_ctl_refused)
{
	char names[NE_MAX_IFC][16];
	unsigned char f[1600] = { 0 };
	struct ne_conn c;

	UT_ASSERT(ne_interfaces(names) > 0);
	ne_open(names[0], &c, O_NONBLOCK);
	UT_ASSERT_ERRNO(write(c.data, f, 13), EINVAL);
	UT_ASSERT_ERRNO(write(c.data, f, 1515), EINVAL);
	UT_ASSERT_ERRNO(write(c.ctl, "connect 65536", 13), EINVAL);
	UT_ASSERT_ERRNO(write(c.ctl, "bogus", 5), EINVAL);
	UT_ASSERT_ERRNO(write(c.ctl, "addmulti 00:11:22:33:44:55", 26), EINVAL);
	UT_ASSERT_ERRNO(read(c.data, f, sizeof(f)), EAGAIN);
	{       /* taps: writable (room to send), not readable (nothing came) */
		struct pollfd p = { .fd = c.data, .events = POLLIN | POLLOUT };

		UT_ASSERT_EQ(poll(&p, 1, 0), 1);
		UT_ASSERT_EQ(p.revents, POLLOUT);
	}
	ne_close(&c);
}

UTEST(ether, stats_count_frames_out)
{
	char names[NE_MAX_IFC][16], path[64], text[2048], *p;
	struct ne_conn c;
	long long before;
	int n = ne_interfaces(names);

	UT_ASSERT(n > 0);
	snprintf(path, sizeof(path), "#ether/%.15s/stats", names[0]);
	ne_cat(path, text, sizeof(text));
	p = UT_PTR(strstr(text, "tx_packets: "));
	before = atoll(p + 12);
	ne_open(names[0], &c, 0);
	UT_ASSERT(ne_arp_ok(&c, 3));
	ne_close(&c);
	ne_cat(path, text, sizeof(text));
	p = UT_PTR(strstr(text, "tx_packets: "));
	UT_ASSERT_GE(atoll(p + 12), before + 1);
	UT_ASSERT(strstr(text, "link: 1"));
	for (int i = 0; i < n; i++) {           /* the drivers' own lines */
		char *irq;

		snprintf(path, sizeof(path), "#ether/%.15s/ifstats", names[i]);
		ne_cat(path, text, sizeof(text));
		irq = strstr(text, "irq: ");
		if (irq)
			irq[strcspn(irq, "\n")] = '\0';
		utest_note("%s: %zu bytes of ifstats, %s", names[i], strlen(text),
		           irq ? irq : "no irq line");
	}
}

/* Waits up to 20 s for every interface's stats to say want ("link: 0"). */
static bool ne_all_links(char names[NE_MAX_IFC][16], int n, const char *want)
{
	char path[64], text[2048];

	for (int t = 0; t < 200; t++) {
		int ok = 0;

		for (int i = 0; i < n; i++) {
			snprintf(path, sizeof(path), "#ether/%.15s/stats", names[i]);
			ne_cat(path, text, sizeof(text));
			ok += strstr(text, want) != NULL;
		}
		if (ok == n)
			return true;
		usleep(100 * 1000);
	}
	return false;
}

UTEST(ether_link, down_and_up_seen_traffic_resumes)
{
	char names[NE_MAX_IFC][16];
	struct ne_conn c[NE_MAX_IFC];
	int nargs, n = ne_interfaces(names);
	char **args = utest_args(&nargs);

	if (nargs < 1 || strcmp(args[0], "flap"))
		utest_skip("needs the monitor harness (-- flap)");
	for (int i = 0; i < n; i++) {
		ne_open(names[i], &c[i], 0);            /* opened: the drivers watch the link */
		UT_ASSERT(ne_arp_ok(&c[i], 3));
	}
	UT_ASSERT(ne_all_links(names, n, "link: 1"));
	printf("linkflap: off\n");
	UT_ASSERT_MSG(ne_all_links(names, n, "link: 0"), "a link stayed up");
	printf("linkflap: on\n");
	UT_ASSERT_MSG(ne_all_links(names, n, "link: 1"), "a link stayed down");
	for (int i = 0; i < n; i++) {
		UT_ASSERT_MSG(ne_arp_ok(&c[i], 5), "%s: no ARP after the link came back",
		              names[i]);
		ne_close(&c[i]);
	}
}

int main(int argc, char **argv)
{
	return utest_main("net_ether", argc, argv);
}
