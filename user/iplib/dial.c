/* SPDX-License-Identifier: MIT */
/*
 * dial.c - Plan 9's dial, announce, listen, accept and reject (iplib.h)
 * over #ip's files:
 *
 *	dial9      /net/NET/clone -> ctl; "connect A!P [LPORT]"; open N/data
 *	           (each address of the host in turn until one answers)
 *	announce9  /net/NET/clone -> ctl; "announce [A!]P"; returns the ctl
 *	listen9    open DIR/listen: waits for a call, returns the new
 *	           conversation's ctl, whose text is its number N
 *	accept9    open N/data (#ip has completed the handshake already)
 *	reject9    "hangup" on the call's ctl: a reset to the caller
 *
 * Each call cleans up after itself on failure, keeping the errno of the
 * step that failed (errstr keeps the kernel's words).  No state; safe in
 * threads.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ipaddr.h"
#include "iplib.h"

#define IPL_NET "/net"

/* Closes fd keeping errno. */
static void ipl_close(int fd)
{
	int e = errno;

	if (fd >= 0)
		close(fd);
	errno = e;
}

static int ipl_ctl(int ctl, const char *msg)
{
	ssize_t n = write(ctl, msg, strlen(msg));

	return n == (ssize_t)strlen(msg) ? 0 : -1;
}

/* Reads the conversation number from an open ctl fd into dir
 * (/net/NET/N); -1 on failure. */
static int ipl_conv_dir(int ctl, const char *net, char *dir)
{
	char num[16];
	ssize_t r = pread(ctl, num, sizeof(num) - 1, 0);

	if (r <= 0) {
		if (r == 0)
			errno = EIO;
		return -1;
	}
	num[r] = 0;
	if (dir)
		snprintf(dir, IPL_DIR_MAX, IPL_NET "/%s/%d", net, atoi(num));
	return 0;
}

/* A new conversation of net: its ctl fd, its folder in dir. */
static int ipl_clone(const char *net, char *dir)
{
	char path[IPL_DIR_MAX];
	int ctl;

	snprintf(path, sizeof(path), IPL_NET "/%s/clone", net);
	ctl = open(path, O_RDWR | O_CLOEXEC);
	if (ctl >= 0 && ipl_conv_dir(ctl, net, dir) < 0) {
		ipl_close(ctl);
		return -1;
	}
	return ctl;
}

static int ipl_open_in(const char *dir, const char *file, int flags)
{
	char path[IPL_DIR_MAX + 16];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return open(path, flags);
}

/* Parses addr and its service (required): 0, or -1 with EINVAL. */
static int ipl_parse(const char *addr, struct ipl_dialstr *d, int *port)
{
	if (!addr || !ipl_parse_dialstr(addr, "net", d) || !d->serv[0] ||
	    (*port = ipl_service_port(d->serv, d->net)) < 0) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* Dials one address: the data fd, the ctl in *ctl, the folder in dir. */
static int ipl_dial_one(const char *net, uint32_t a, int port, int lport, char *dir, int *ctl)
{
	char s[IP_STR], msg[64], d[IPL_DIR_MAX];
	int data;

	*ctl = ipl_clone(net, d);
	if (*ctl < 0)
		return -1;
	ip_format(a, s);
	if (lport > 0)
		snprintf(msg, sizeof(msg), "connect %s!%d %d", s, port, lport);
	else
		snprintf(msg, sizeof(msg), "connect %s!%d", s, port);
	data = ipl_ctl(*ctl, msg) < 0 ? -1 : ipl_open_in(d, "data", O_RDWR | O_CLOEXEC);
	if (data < 0) {
		ipl_close(*ctl);
		return -1;
	}
	if (dir)
		memcpy(dir, d, IPL_DIR_MAX);
	return data;
}

int dial9(const char *addr, const char *local, char *dir, int *cfdp)
{
	struct ipl_dialstr d, l;
	uint32_t addrs[IPL_ADDRS_MAX];
	int port, lport = 0, n, ctl = -1, data = -1;

	if (ipl_parse(addr, &d, &port) < 0)
		return -1;
	if (local && (!ipl_parse_dialstr(local, d.net, &l) ||
		      (lport = ipl_service_port(l.serv[0] ? l.serv : l.host, d.net)) < 0)) {
		errno = EINVAL;
		return -1;
	}
	if (!strcmp(d.host, "*")) {
		errno = EINVAL;
		return -1;
	}
	n = ipl_lookup(d.host, addrs, IPL_ADDRS_MAX);
	for (int i = 0; i < n && data < 0; i++)
		data = ipl_dial_one(d.net, addrs[i], port, lport, dir, &ctl);
	if (data < 0)
		return -1;
	if (cfdp)
		*cfdp = ctl;
	else
		close(ctl);
	return data;
}

int announce9(const char *addr, char *dir)
{
	struct ipl_dialstr d;
	uint32_t a = 0;
	char s[IP_STR], msg[64];
	int port, ctl;

	if (ipl_parse(addr, &d, &port) < 0)
		return -1;
	if (strcmp(d.host, "*") && ipl_lookup(d.host, &a, 1) < 0)
		return -1;
	ctl = ipl_clone(d.net, dir);
	if (ctl < 0)
		return -1;
	ip_format(a, s);
	if (a)
		snprintf(msg, sizeof(msg), "announce %s!%d", s, port);
	else
		snprintf(msg, sizeof(msg), "announce %d", port);
	if (ipl_ctl(ctl, msg) < 0) {
		ipl_close(ctl);
		return -1;
	}
	return ctl;
}

int listen9(const char *dir, char *newdir)
{
	char net[IPL_NET_MAX] = "";
	const char *p = dir ? strstr(dir, IPL_NET "/") : NULL;
	int ctl;

	if (!p || sscanf(p, IPL_NET "/%7[a-z]/", net) != 1) {
		errno = EINVAL;
		return -1;
	}
	ctl = ipl_open_in(dir, "listen", O_RDWR | O_CLOEXEC);
	if (ctl >= 0 && ipl_conv_dir(ctl, net, newdir) < 0) {
		ipl_close(ctl);
		return -1;
	}
	return ctl;
}

int accept9(int ctl, const char *dir)
{
	(void)ctl;
	if (!dir) {
		errno = EINVAL;
		return -1;
	}
	return ipl_open_in(dir, "data", O_RDWR | O_CLOEXEC);
}

int reject9(int ctl, const char *dir, const char *cause)
{
	(void)dir;
	(void)cause;            /* TCP has no way to carry it: a reset */
	return ipl_ctl(ctl, "hangup");
}
