/* SPDX-License-Identifier: MIT */
/*
 * lookup.c - iplib's name lookup (ipl_lookup): a dotted quad as it is,
 * then /etc/hosts, then DNS over UDP to each server of /etc/resolv.conf
 * (ipconfig writes it from DHCP; "nameserver A.B.C.D" lines, the format
 * musl's resolver reads too).  A query waits IPL_DNS_WAIT_MS for its
 * answer, doubling for each of IPL_DNS_TRIES tries per server; replies
 * that are not ours (another id or question) are dropped and the wait
 * goes on.  The messages themselves are dns.c's.  No state is kept:
 * every lookup reads the files again; thread-safe.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "ipaddr.h"
#include "iplib.h"

#define IPL_HOSTS "/etc/hosts"
#define IPL_RESOLV "/etc/resolv.conf"
#define IPL_FILE_MAX 8192
#define IPL_DNS_WAIT_MS 1000
#define IPL_DNS_TRIES 3
#define IPL_POLL_MS 5

/* Reads a whole (small) file into buf as a string; false if unreadable. */
static bool ipl_read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0;
	ssize_t r = 0;

	if (fd < 0)
		return false;
	while (n + 1 < size && (r = read(fd, buf + n, size - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	buf[n] = 0;
	return r >= 0;
}

static uint64_t ipl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A UDP conversation connected to server!53, its data fd non-blocking;
 * the ctl fd in *ctl. */
static int ipl_dns_open(uint32_t server, int *ctl)
{
	char addr[IP_STR], dir[IPL_DIR_MAX + 8], ds[64];
	int fd;

	ip_format(server, addr);
	snprintf(ds, sizeof(ds), "udp!%s!53", addr);
	fd = dial9(ds, NULL, dir, ctl);
	if (fd >= 0 && fcntl(fd, F_SETFL, O_NONBLOCK) < 0) {
		close(fd);
		close(*ctl);
		return -1;
	}
	return fd;
}

/* Waits up to ms for our answer on fd: its count, or an IPL_DNS code. */
static int ipl_dns_wait(int fd, uint16_t id, const char *name, uint32_t *addrs, int max,
			unsigned int ms)
{
	uint8_t msg[IPL_DNS_MAX];
	uint64_t end = ipl_now_ms() + ms;
	struct timespec nap = { 0, IPL_POLL_MS * 1000000L };

	while (ipl_now_ms() < end) {
		ssize_t r = read(fd, msg, sizeof(msg));
		int got;

		if (r < 0 && errno != EAGAIN && errno != EINTR)
			return IPL_DNS_SERVFAIL;
		if (r <= 0) {
			nanosleep(&nap, NULL);
			continue;
		}
		got = ipl_dns_answer(msg, (size_t)r, id, name, addrs, max);
		if (got != IPL_DNS_NOTOURS && got != IPL_DNS_SHORT)
			return got;
	}
	return IPL_DNS_NOTOURS;     /* nothing that counts came */
}

/* Asks one server: the count, or an IPL_DNS code (NOTOURS: silence). */
static int ipl_dns_ask(uint32_t server, const char *name, uint32_t *addrs, int max)
{
	uint8_t q[IPL_DNS_MAX];
	int ctl, fd = ipl_dns_open(server, &ctl), got = IPL_DNS_NOTOURS;
	uint16_t id = (uint16_t)(ipl_now_ms() * 2654435761u >> 7);

	if (fd < 0)
		return IPL_DNS_SERVFAIL;
	for (int t = 0; t < IPL_DNS_TRIES && got == IPL_DNS_NOTOURS; t++) {
		int len = ipl_dns_query(q, sizeof(q), ++id, name);

		if (len < 0 || write(fd, q, (size_t)len) != len) {
			got = IPL_DNS_SERVFAIL;
			break;
		}
		got = ipl_dns_wait(fd, id, name, addrs, max, IPL_DNS_WAIT_MS << t);
	}
	close(fd);
	close(ctl);
	return got;
}

static int ipl_dns_lookup(const char *name, uint32_t *addrs, int max)
{
	char text[IPL_FILE_MAX];
	uint32_t servers[4];
	int ns = 0, got = IPL_DNS_NOTOURS;

	if (ipl_read_file(IPL_RESOLV, text, sizeof(text)))
		ns = ipl_resolv_servers(text, servers, 4);
	for (int i = 0; i < ns; i++) {
		got = ipl_dns_ask(servers[i], name, addrs, max);
		if (got > 0 || got == IPL_DNS_NXDOMAIN || got == IPL_DNS_NOADDR)
			break;
	}
	if (got > 0)
		return got;
	errno = got == IPL_DNS_NOTOURS ? ETIMEDOUT : got == IPL_DNS_SERVFAIL ? EHOSTUNREACH
									       : ENOENT;
	if (ns == 0)
		errno = ENOENT;
	return -1;
}

int ipl_lookup(const char *host, uint32_t *addrs, int max)
{
	char text[IPL_FILE_MAX];
	int n;

	if (max < 1) {
		errno = EINVAL;
		return -1;
	}
	if (ip_parse(host, &addrs[0]))
		return 1;
	if (!ipl_valid_hostname(host)) {
		errno = EINVAL;
		return -1;
	}
	if (ipl_read_file(IPL_HOSTS, text, sizeof(text))) {
		n = ipl_hosts_find(text, host, addrs, max);
		if (n > 0)
			return n;
	}
	return ipl_dns_lookup(host, addrs, max);
}
