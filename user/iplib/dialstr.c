/* SPDX-License-Identifier: MIT */
/*
 * dialstr.c - the text iplib reads (iplib.h): dial strings
 * (NET!HOST!SERVICE), the services table, host names, and the lines of
 * /etc/hosts and /etc/resolv.conf.  Pure code, no I/O and no allocation:
 * tests/host/test_iplib.c and the libFuzzer target tests/fuzz/iplib.c run
 * it on the host.  Everything is bounded by the caller's sizes; nothing
 * is trusted to be short or well formed.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "ipaddr.h"
#include "iplib.h"

/* Both nets unless it says otherwise (IANA's service names registry). */
struct ipl_service {
	const char *name;
	unsigned short port;
	const char *net;        /* "tcp", "udp" or NULL for both */
};

static const struct ipl_service ipl_services[] = {
	{ "echo", 7, NULL },
	{ "discard", 9, NULL },
	{ "daytime", 13, NULL },
	{ "ftp", 21, "tcp" },
	{ "ssh", 22, "tcp" },
	{ "telnet", 23, "tcp" },
	{ "smtp", 25, "tcp" },
	{ "domain", 53, NULL },
	{ "dns", 53, NULL },
	{ "bootps", 67, "udp" },
	{ "bootpc", 68, "udp" },
	{ "tftp", 69, "udp" },
	{ "http", 80, "tcp" },
	{ "www", 80, "tcp" },
	{ "ntp", 123, "udp" },
	{ "https", 443, "tcp" },
	{ "9fs", 564, "tcp" },
	{ "ttcp", 5001, "tcp" },
	{ "http-alt", 8080, "tcp" },
};

#define IPL_NSERVICES (sizeof(ipl_services) / sizeof(ipl_services[0]))

static bool ipl_net_matches(const struct ipl_service *s, const char *net)
{
	return !s->net || !net || !strcmp(s->net, net);
}

int ipl_service_port(const char *serv, const char *net)
{
	unsigned long v = 0;
	size_t i;

	if (!serv || !*serv)
		return -1;
	if (strspn(serv, "0123456789") == strlen(serv)) {       /* "9fs" is a name */
		for (i = 0; serv[i]; i++) {
			if (i >= 5)
				return -1;
			v = v * 10 + (unsigned long)(serv[i] - '0');
		}
		return v <= 65535 ? (int)v : -1;
	}
	for (i = 0; i < IPL_NSERVICES; i++)
		if (!strcmp(ipl_services[i].name, serv) && ipl_net_matches(&ipl_services[i], net))
			return ipl_services[i].port;
	return -1;
}

const char *ipl_service_name(int port, const char *net)
{
	for (size_t i = 0; i < IPL_NSERVICES; i++)
		if (ipl_services[i].port == port && ipl_net_matches(&ipl_services[i], net))
			return ipl_services[i].name;
	return NULL;
}

bool ipl_valid_hostname(const char *name)
{
	size_t len = 0, label = 0;

	for (; name[len]; len++) {
		unsigned char c = (unsigned char)name[len];

		if (len >= 253)
			return false;
		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (!isalnum(c) && c != '-' && c != '_')
			return false;
		if (++label > 63)
			return false;
	}
	/* one trailing dot (the root) is allowed, an empty name is not */
	return len > 0 && (label > 0 || len > 1);
}

/* Copies the n bytes at s into out (size bytes) as a string; false if they
 * do not fit or are empty. */
static bool ipl_part(const char *s, size_t n, char *out, size_t size)
{
	if (n == 0 || n >= size)
		return false;
	memcpy(out, s, n);
	out[n] = 0;
	return true;
}

static bool ipl_known_net(const char *net)
{
	return !strcmp(net, "tcp") || !strcmp(net, "udp");
}

bool ipl_parse_dialstr(const char *s, const char *defnet, struct ipl_dialstr *d)
{
	const char *b1 = strchr(s, '!'), *b2 = b1 ? strchr(b1 + 1, '!') : NULL;
	const char *host = s, *serv = NULL;
	bool ok = true;

	memset(d, 0, sizeof(*d));
	if (b2 && strchr(b2 + 1, '!'))
		return false;
	if (b2) {                       /* NET!HOST!SERV */
		ok = ipl_part(s, (size_t)(b1 - s), d->net, sizeof(d->net));
		host = b1 + 1;
		serv = b2 + 1;
	} else if (b1) {                /* HOST!SERV */
		serv = b1 + 1;
	}
	if (!d->net[0] && ok)
		ok = defnet && ipl_part(defnet, strlen(defnet), d->net, sizeof(d->net));
	if (!ok)
		return false;
	if (!strcmp(d->net, "net"))
		strcpy(d->net, "tcp");
	if (!ipl_known_net(d->net))
		return false;
	if (!ipl_part(host, serv ? (size_t)(serv - 1 - host) : strlen(host), d->host,
		      sizeof(d->host)))
		return false;
	if (strcmp(d->host, "*") && !ipl_valid_hostname(d->host))
		return false;
	return !serv || ipl_part(serv, strlen(serv), d->serv, sizeof(d->serv));
}

char *netmkaddr_r(char *buf, size_t size, const char *linear, const char *defnet,
		  const char *defsrv)
{
	const char *b = strchr(linear, '!');
	const char *net = defnet ? defnet : "net";

	if (!b) {
		if (defsrv)
			snprintf(buf, size, "%s!%s!%s", net, linear, defsrv);
		else
			snprintf(buf, size, "%s!%s", net, linear);
	} else if (strchr(b + 1, '!') || !defsrv) {
		snprintf(buf, size, "%s", linear);      /* it has a service already */
	} else {
		snprintf(buf, size, "%s!%s", linear, defsrv);
	}
	return buf;
}

char *netmkaddr(const char *linear, const char *defnet, const char *defsrv)
{
	static char buf[IPL_ADDR_MAX];

	return netmkaddr_r(buf, sizeof(buf), linear, defnet, defsrv);
}

/* ------------------------------------------------- configuration text */

/* The next whitespace-separated word of line [*p, end), up to '#'; its
 * length (0 at the end of the line), its start in *word. */
static size_t ipl_word(const char **p, const char *end, const char **word)
{
	const char *s = *p;
	size_t n = 0;

	while (s < end && (*s == ' ' || *s == '\t' || *s == '\r'))
		s++;
	if (s < end && *s == '#')
		s = end;
	while (s + n < end && !strchr(" \t\r#", s[n]))
		n++;
	*word = s;
	*p = s + n;
	return n;
}

/* A word as a dotted quad. */
static bool ipl_word_ip(const char *w, size_t n, uint32_t *a)
{
	char tmp[IP_STR];

	return ipl_part(w, n, tmp, sizeof(tmp)) && ip_parse(tmp, a);
}

static bool ipl_line_names(const char *p, const char *end, const char *name)
{
	size_t nl = strlen(name), n;
	const char *w;

	while ((n = ipl_word(&p, end, &w)) > 0)
		if (n == nl && !strncasecmp(w, name, n))
			return true;
	return false;
}

/* One line of a configuration file: true if it yields an address. */
typedef bool (*ipl_line_fn)(const char *p, const char *end, const void *arg, uint32_t *a);

/* Calls fn on each line of text (up to '\n' or the end): the addresses
 * it yields, at most max. */
static int ipl_each_line(const char *text, ipl_line_fn fn, const void *arg, uint32_t *addrs,
			 int max)
{
	int count = 0;

	for (const char *line = text; *line && count < max;) {
		const char *end = strchr(line, '\n');

		if (!end)
			end = line + strlen(line);
		if (fn(line, end, arg, &addrs[count]))
			count++;
		line = *end ? end + 1 : end;
	}
	return count;
}

/* "ADDR NAME ALIAS..." naming arg. */
static bool ipl_hosts_line(const char *p, const char *end, const void *arg, uint32_t *a)
{
	const char *w;
	size_t n = ipl_word(&p, end, &w);

	return n > 0 && ipl_word_ip(w, n, a) && ipl_line_names(p, end, arg);
}

/* "nameserver A.B.C.D". */
static bool ipl_resolv_line(const char *p, const char *end, const void *arg, uint32_t *a)
{
	const char *w;
	size_t n = ipl_word(&p, end, &w);

	(void)arg;
	if (n != 10 || strncmp(w, "nameserver", 10))
		return false;
	n = ipl_word(&p, end, &w);
	return n > 0 && ipl_word_ip(w, n, a);
}

int ipl_hosts_find(const char *text, const char *name, uint32_t *addrs, int max)
{
	return ipl_each_line(text, ipl_hosts_line, name, addrs, max);
}

int ipl_resolv_servers(const char *text, uint32_t *addrs, int max)
{
	return ipl_each_line(text, ipl_resolv_line, NULL, addrs, max);
}
