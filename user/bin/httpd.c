/* SPDX-License-Identifier: MIT */
/*
 * httpd.c - /bin/httpd: a static-file HTTP/1.1 server over iplib
 * (Documentation/tools/httpd.md).
 *
 *	httpd [-p PORT] [-r ROOT]          PORT 80, ROOT /www
 *
 * announce9("tcp!*!PORT"), then for each call (listen9, accept9) one
 * pthread (the 2LS of parlib: a thread blocked in a read parks alone).
 * A connection serves requests until the client says "Connection: close",
 * speaks HTTP/1.0 without keep-alive, sends something unparsable, or goes
 * quiet and closes.  GET and HEAD only (405 otherwise); a request line or
 * header block that is malformed or longer than HD_REQ_MAX is a 400; a path
 * with a ".." segment, a NUL or a byte below 0x20 (after %XX decoding) is
 * refused with 403, never looked up; a folder serves its index.html;
 * anything not a readable regular file is a 404.  Every response has a
 * Content-Length.  Each request is logged on standard output:
 * 'httpd: REMOTE "METHOD PATH" STATUS BYTES'.
 *
 * The threads share nothing but standard output (stdio's lock).
 */
#define _GNU_SOURCE             /* memmem */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "iplib.h"
#include "vbin.h"

#define HD_REQ_MAX 8192
#define HD_FILE_BUF 65536
#define HD_PATH_MAX 1024

static const char hd_usage[] = "usage: httpd [-p PORT] [-r ROOT]\n";
static const char *hd_root = "/www";

struct hd_conn {
	int data, ctl;
	char remote[64];
	char buf[HD_REQ_MAX];
	size_t have;                    /* bytes of buf read, not yet used */
};

struct hd_req {
	char method[16];
	char path[HD_PATH_MAX];
	bool keep;
};

static int hd_write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static const char *hd_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	default: return "Internal Server Error";
	}
}

static const char *hd_type(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot && (!strcmp(dot, ".html") || !strcmp(dot, ".htm")))
		return "text/html";
	if (dot && !strcmp(dot, ".txt"))
		return "text/plain";
	return "application/octet-stream";
}

static int hd_head(struct hd_conn *c, int status, long long len, const char *type, bool keep)
{
	char h[256];
	int n = snprintf(h, sizeof(h),
			 "HTTP/1.1 %d %s\r\nServer: vireo-httpd\r\nContent-Length: %lld\r\n"
			 "Content-Type: %s\r\nConnection: %s\r\n\r\n",
			 status, hd_reason(status), len, type, keep ? "keep-alive" : "close");

	return hd_write_all(c->data, h, (size_t)n);
}

/* An error page; its status. */
static int hd_error(struct hd_conn *c, int status, bool keep, bool body)
{
	char page[96];
	int n = snprintf(page, sizeof(page), "%d %s\n", status, hd_reason(status));

	if (hd_head(c, status, n, "text/plain", keep) == 0 && body)
		hd_write_all(c->data, page, (size_t)n);
	return status;
}

/* ---------------------------------------------------------- requests */

/* Reads until buf holds a whole header block; its length (through the
 * blank line), 0 at a clean EOF, -1 if too long or broken. */
static long hd_read_head(struct hd_conn *c)
{
	for (;;) {
		char *end = c->have >= 4 ? memmem(c->buf, c->have, "\r\n\r\n", 4) : NULL;
		ssize_t r;

		if (end)
			return end + 4 - c->buf;
		if (c->have >= sizeof(c->buf) - 1)
			return -1;
		r = read(c->data, c->buf + c->have, sizeof(c->buf) - 1 - c->have);
		if (r <= 0)
			return r == 0 && c->have == 0 ? 0 : -1;
		c->have += (size_t)r;
	}
}

static int hd_hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = (char)(ch | 0x20);
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* Decodes %XX in place (the query string dropped); false on a bad escape
 * or a control byte. */
static bool hd_decode(char *s)
{
	char *o = s;

	for (; *s && *s != '?' && *s != '#'; s++) {
		char ch = *s;

		if (ch == '%') {
			int hi = hd_hexval(s[1]), lo = hi < 0 ? -1 : hd_hexval(s[2]);

			if (lo < 0)
				return false;
			ch = (char)(hi << 4 | lo);
			s += 2;
		}
		if ((unsigned char)ch < 0x20 || ch == 0x7f)
			return false;
		*o++ = ch;
	}
	*o = 0;
	return true;
}

/* True if a segment of path is "..". */
static bool hd_climbs(const char *path)
{
	for (const char *p = path; (p = strstr(p, "..")); p += 2)
		if ((p == path || p[-1] == '/') && (p[2] == 0 || p[2] == '/'))
			return true;
	return false;
}

/* Parses the header block [0, len): 0, or the status to answer. */
static int hd_parse(char *head, struct hd_req *q)
{
	char *line_end = strstr(head, "\r\n"), version[16], *h;
	int n = 0;

	*line_end = 0;
	if (sscanf(head, "%15s %1023s %15s%n", q->method, q->path, version, &n) != 3 ||
	    head[n] != 0 || strncmp(version, "HTTP/1.", 7) || q->path[0] != '/')
		return 400;
	q->keep = strcmp(version, "HTTP/1.0") != 0;
	for (h = line_end + 2; *h && strncmp(h, "\r\n", 2); h = strstr(h, "\r\n") + 2) {
		if (!strncasecmp(h, "Connection:", 11)) {
			const char *v = h + 11 + strspn(h + 11, " \t");

			if (!strncasecmp(v, "close", 5))
				q->keep = false;
			else if (!strncasecmp(v, "keep-alive", 10))
				q->keep = true;
		} else if (!strncasecmp(h, "Content-Length:", 15) && atol(h + 15) != 0) {
			return 400;     /* GET and HEAD carry no body */
		}
	}
	if (strcmp(q->method, "GET") && strcmp(q->method, "HEAD"))
		return 405;
	if (!hd_decode(q->path))
		return 400;
	return hd_climbs(q->path) ? 403 : 0;
}

/* Sends the file q names; its status; *sent the body bytes. */
static int hd_file(struct hd_conn *c, const struct hd_req *q, long long *sent)
{
	char path[HD_PATH_MAX + 64], *buf;
	struct stat st;
	bool body = strcmp(q->method, "HEAD") != 0;
	int fd, n = snprintf(path, sizeof(path), "%s%s", hd_root, q->path);

	if (n > 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		snprintf(path + n, sizeof(path) - (size_t)n, "%sindex.html",
			 path[n - 1] == '/' ? "" : "/");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return hd_error(c, 404, q->keep, body);
	}
	buf = malloc(HD_FILE_BUF);
	if (!buf || hd_head(c, 200, st.st_size, hd_type(path), q->keep) < 0) {
		free(buf);
		close(fd);
		return -1;
	}
	for (ssize_t r; body && (r = read(fd, buf, HD_FILE_BUF)) > 0; *sent += r)
		if (hd_write_all(c->data, buf, (size_t)r) < 0)
			break;
	free(buf);
	close(fd);
	return *sent == st.st_size || !body ? 200 : -1;
}

/* Serves one request: true to go on with the next. */
static bool hd_one(struct hd_conn *c)
{
	struct hd_req q = { "?", "?", false };
	long len = hd_read_head(c);
	long long sent = 0;
	int status;

	if (len == 0)
		return false;
	if (len < 0) {
		status = hd_error(c, 400, false, true);
	} else {
		c->buf[len - 2] = 0;
		status = hd_parse(c->buf, &q);
		status = status ? hd_error(c, status, q.keep && status != 400, true)
			        : hd_file(c, &q, &sent);
		memmove(c->buf, c->buf + len, c->have - (size_t)len);
		c->have -= (size_t)len;
	}
	printf("httpd: %s \"%s %s\" %d %lld\n", c->remote, q.method, q.path, status, sent);
	fflush(stdout);
	return status > 0 && q.keep && status != 400 && len > 0;
}

static void *hd_serve(void *arg)
{
	struct hd_conn *c = arg;

	while (hd_one(c))
		;
	close(c->data);
	close(c->ctl);
	free(c);
	return NULL;
}

/* ---------------------------------------------------------- listening */

static void hd_remote(const char *dir, char *out, size_t size)
{
	char path[IPL_DIR_MAX + 8];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/remote", dir);
	n = vbin_slurp(path, out, size);
	if (n <= 0)
		snprintf(out, size, "?");
	else
		out[strcspn(out, "\n")] = 0;
}

/* Takes the next call and starts its thread; false if listening failed. */
static bool hd_accept(const char *adir)
{
	char ldir[IPL_DIR_MAX];
	struct hd_conn *c;
	pthread_attr_t attr;
	pthread_t t;
	int lcfd = listen9(adir, ldir);

	if (lcfd < 0) {
		vbin_fail("httpd", "listen");
		return errno == EINTR;
	}
	c = malloc(sizeof(*c));
	if (!c || (c->data = accept9(lcfd, ldir)) < 0) {
		vbin_fail("httpd", "accept");
		free(c);
		close(lcfd);
		return true;
	}
	c->ctl = lcfd;
	c->have = 0;
	hd_remote(ldir, c->remote, sizeof(c->remote));
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, hd_serve, c) != 0)
		hd_serve(c);            /* no thread: serve it ourselves */
	pthread_attr_destroy(&attr);
	return true;
}

int main(int argc, char **argv)
{
	char addr[64], adir[IPL_DIR_MAX];
	const char *port = "80";
	int opt, afd;

	while ((opt = getopt(argc, argv, "hp:r:")) != -1) {
		if (opt == 'p')
			port = optarg;
		else if (opt == 'r')
			hd_root = optarg;
		else {
			fputs(hd_usage, opt == 'h' ? stdout : stderr);
			return opt == 'h' ? 0 : 2;
		}
	}
	if (optind != argc || ipl_service_port(port, "tcp") <= 0) {
		fputs(hd_usage, stderr);
		return 2;
	}
	snprintf(addr, sizeof(addr), "tcp!*!%s", port);
	afd = announce9(addr, adir);
	if (afd < 0) {
		vbin_fail("httpd", addr);
		return 1;
	}
	printf("httpd: serving %s on %s (%s)\n", hd_root, addr, adir);
	fflush(stdout);
	while (hd_accept(adir))
		;
	close(afd);
	return 1;
}
