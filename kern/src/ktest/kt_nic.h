/* SPDX-License-Identifier: MIT */
/*
 * kt_nic.h - helpers of the ktests that drive a real (QEMU) NIC through
 * #ether (kt_virtio_net.c, kt_e1000.c): each NIC of the PCI
 * configurations sits on QEMU user networking, whose gateway 10.0.2.2
 * answers ARP, so an ARP request "who has 10.0.2.2, tell 10.0.2.15" on a
 * connection of type 0x806 is the traffic, and the gateway's replies are
 * counted.  Static inline: included by one ktest file each.
 */
#pragma once

#include <ether.h>
#include <kstring.h>
#include <ktest.h>

#include "kt_dev.h"

#define KT_ARP_WAIT_MS 2000

static const uint8_t kt_gw_ip[4] = { 10, 0, 2, 2 };
static const uint8_t kt_my_ip[4] = { 10, 0, 2, 15 };

/* A connection on e for ARP: fds[0] ctl, fds[1] data (non-blocking). */
static inline bool kt_arp_conn(struct ether *e, int fds[2])
{
	char path[64], m[16];
	ssize_t n;

	snprintf(path, sizeof(path), "#ether/%s/clone", e->name);
	fds[0] = sysopen(path, O_RDWR, 0);
	KT_CHECK(fds[0] >= 0);
	n = syspread(fds[0], m, sizeof(m) - 1, 0);
	KT_CHECK(n > 0);
	m[n] = '\0';
	snprintf(path, sizeof(path), "#ether/%s/%s/data", e->name, m);
	fds[1] = sysopen(path, O_RDWR | O_NONBLOCK, 0);
	KT_CHECK(fds[1] >= 0);
	KT_CHECK(syswrite(fds[0], "connect 0x806", 13) == 13);
	return true;
}

static inline void kt_conn_close(int fds[2])
{
	sysclose(fds[1]);
	sysclose(fds[0]);
}

/* An ARP request (RFC 826) from us for 10.0.2.2, broadcast: 60 bytes. */
static inline size_t kt_arp_request(const struct ether *e, uint8_t *f)
{
	memset(f, 0, 60);
	memset(f, 0xff, 6);
	memcpy(f + 6, e->addr, 6);
	f[12] = 0x08, f[13] = 0x06;
	f[14] = 0, f[15] = 1;                   /* hardware: Ethernet */
	f[16] = 0x08, f[17] = 0x00;             /* protocol: IPv4 */
	f[18] = 6, f[19] = 4;
	f[20] = 0, f[21] = 1;                   /* request */
	memcpy(f + 22, e->addr, 6);
	memcpy(f + 28, kt_my_ip, 4);
	memcpy(f + 38, kt_gw_ip, 4);
	return 60;
}

/* Whether f is the gateway's ARP reply to us. */
static inline bool kt_is_gw_reply(const struct ether *e, const uint8_t *f, ssize_t n)
{
	return n >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[21] == 2 &&
	       !memcmp(f, e->addr, 6) && !memcmp(f + 28, kt_gw_ip, 4) &&
	       !memcmp(f + 32, e->addr, 6) && !memcmp(f + 38, kt_my_ip, 4);
}

/* Reads frames until 'want' gateway replies came or the wait ran out;
 * returns the replies seen. */
static inline unsigned int kt_read_replies(struct ether *e, int fd, unsigned int want,
                                    unsigned int wait_ms)
{
	uint8_t f[1600];
	unsigned int got = 0, idle = 0;

	while (got < want && idle < wait_ms) {
		ssize_t n = sysread(fd, f, sizeof(f));

		if (n > 0) {
			got += kt_is_gw_reply(e, f, n);
			idle = 0;
			continue;
		}
		kthread_usleep(1000);
		idle++;
	}
	return got;
}

/* Whether text contains needle. */
static inline bool kt_has(const char *text, const char *needle)
{
	size_t n = strlen(needle);

	for (; *text; text++)
		if (!strncmp(text, needle, n))
			return true;
	return false;
}

/* Sends total ARP requests in bursts, reading the replies after each;
 * returns the gateway's replies. */
static inline unsigned int kt_arp_burst(struct ether *e, int fd, unsigned int total,
                                 unsigned int burst)
{
	unsigned int replies = 0;
	uint8_t f[60];

	kt_arp_request(e, f);
	for (unsigned int sent = 0; sent < total; sent += burst) {
		for (unsigned int i = 0; i < burst; i++)
			if (syswrite(fd, f, sizeof(f)) != (ssize_t)sizeof(f))
				return replies;
		replies += kt_read_replies(e, fd, burst, KT_ARP_WAIT_MS);
	}
	return replies;
}

/* The number after "name: " in text, or -1. */
static inline long long kt_stat(const char *text, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = text; *p; p++) {
		const char *v = p + n + 2, *end;
		uint64_t x;

		if (strncmp(p, name, n) || p[n] != ':' || (p != text && p[-1] != '\n'))
			continue;
		end = strchr(v, '\n');
		if (!end || kstrtou64(v, (size_t)(end - v), 10, &x))
			return -1;
		return (long long)x;
	}
	return -1;
}

static inline long long kt_ifstat(struct ether *e, const char *name)
{
	char path[64], text[1024];

	snprintf(path, sizeof(path), "#ether/%s/ifstats", e->name);
	if (kt_dev_cat(path, text, sizeof(text)) <= 0)
		return -1;
	return kt_stat(text, name);
}
