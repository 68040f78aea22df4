/* SPDX-License-Identifier: MIT */
/*
 * relay.c - ipl_relay: what /bin/dial and /bin/listen do with a
 * connection, copying standard input to it and it to standard output,
 * one poll() loop, no threads.  Standard input's EOF half-closes the
 * connection ("shutdown wr" on its ctl) and the copying goes on until the
 * connection's EOF (or an error), when it closes both fds and returns.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include "iplib.h"

#define IPL_RELAY_BUF 16384

/* Writes all of buf[0, n) to fd; 0 or -1. */
static int ipl_write_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One read from 'from' copied to 'to': bytes moved, 0 at EOF, -1. */
static ssize_t ipl_pump(int from, int to)
{
	char buf[IPL_RELAY_BUF];
	ssize_t r = read(from, buf, sizeof(buf));

	if (r < 0 && errno == EINTR)
		return 1;
	if (r > 0 && ipl_write_all(to, buf, (size_t)r) < 0)
		return -1;
	return r;
}

static int ipl_relay_loop(int data, int ctl)
{
	struct pollfd p[2] = { { .fd = 0, .events = POLLIN }, { .fd = data, .events = POLLIN } };

	bool in_open = true;

	for (;;) {
		ssize_t r;

		p[0].revents = p[1].revents = 0;
		/* only the connection once standard input has ended */
		if (poll(in_open ? p : p + 1, in_open ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (p[1].revents) {
			r = ipl_pump(data, 1);
			if (r <= 0)
				return (int)(r < 0 ? -1 : 0);
		}
		if (in_open && p[0].revents) {
			r = ipl_pump(0, data);
			if (r < 0)
				return -1;
			if (r == 0) {   /* our EOF: theirs still to come */
				in_open = false;
				if (ctl >= 0 && write(ctl, "shutdown wr", 11) < 0)
					return -1;
			}
		}
	}
}

int ipl_relay(int data, int ctl)
{
	int rc = ipl_relay_loop(data, ctl), e = errno;

	close(data);
	if (ctl >= 0)
		close(ctl);
	errno = e;
	return rc;
}
