/* SPDX-License-Identifier: MIT */
/*
 * iplib.h - Plan 9's dialing over #ip's conversation files (/net), with
 * the names Akaros gives them (dial9, announce9, ...): C libraries define
 * listen() and accept() for BSD sockets, so the Plan 9 names would clash.
 *
 *	fd = dial9("tcp!10.0.2.2!http", NULL, dir, &cfd);   data fd (+ ctl)
 *	afd = announce9("tcp!*!80", adir);                  ctl of the listener
 *	lcfd = listen9(adir, ldir);                         waits for a call:
 *	dfd = accept9(lcfd, ldir);                          its data fd
 *	reject9(lcfd, ldir, "busy");                        or a reset
 *	netmkaddr("host", "tcp", "http") -> "tcp!host!http"
 *
 * A dial string is NET!HOST!SERVICE.  NET is tcp, udp or net (tcp);
 * HOST is a dotted quad, a name (/etc/hosts, then DNS to the servers of
 * /etc/resolv.conf, which ipconfig writes from DHCP) or * (any, for
 * announce); SERVICE is a port number or a name of the services table
 * (ipl_service_port).  dir (and adir, ldir) receive the conversation's
 * folder, "/net/tcp/4"; they must hold IPL_DIR_MAX bytes; NULL is fine.
 *
 * Every call returns -1 with errno set on failure; the kernel's message
 * stays in errstr() (parlib/syscall.h).  A conversation lives while any of
 * its files is open.  The functions keep no state and are thread-safe
 * except netmkaddr (one static buffer: use netmkaddr_r in threads).
 *
 * The pure parts (dial strings, services, hosts and resolv.conf text, DNS
 * messages) are in dialstr.c and dns.c, host-tested; dial.c and lookup.c
 * do the I/O.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define IPL_DIR_MAX 40          /* "/net/tcp/65535" with room to spare */
#define IPL_ADDR_MAX 320        /* a whole dial string */
#define IPL_NET_MAX 8
#define IPL_HOST_MAX 256        /* a DNS name is at most 253 characters */
#define IPL_SERV_MAX 32
#define IPL_ADDRS_MAX 8         /* addresses one lookup returns */

/* ------------------------------------------------------ dial.c (I/O) */

int dial9(const char *addr, const char *local, char *dir, int *cfdp);
int announce9(const char *addr, char *dir);
int listen9(const char *dir, char *newdir);
int accept9(int ctl, const char *dir);
int reject9(int ctl, const char *dir, const char *cause);

/* Copies between the connection (data fd, ctl fd or -1) and fds 0/1 until
 * the connection's EOF; stdin's EOF becomes "shutdown wr".  Closes data
 * and ctl; 0 or -1 (errno). */
int ipl_relay(int data, int ctl);

/* ---------------------------------------------------- lookup.c (I/O) */

/* The IPv4 addresses of host: a dotted quad, an /etc/hosts entry, or a DNS
 * answer.  The count (>= 1), or -1: errno ENOENT (no such name), ETIMEDOUT
 * (no server answered), EINVAL (a bad name). */
int ipl_lookup(const char *host, uint32_t *addrs, int max);

/* ----------------------------------------------- dialstr.c (pure code) */

/* Plan 9's netmkaddr: adds defnet (NULL: "net") and defsrv where linear
 * lacks them: ("host", "tcp", "http") -> "tcp!host!http". */
char *netmkaddr(const char *linear, const char *defnet, const char *defsrv);
char *netmkaddr_r(char *buf, size_t size, const char *linear, const char *defnet,
		  const char *defsrv);

struct ipl_dialstr {
	char net[IPL_NET_MAX];          /* "tcp", "udp" ("net" becomes "tcp") */
	char host[IPL_HOST_MAX];        /* "" when absent */
	char serv[IPL_SERV_MAX];        /* "" when absent */
};

/* Splits NET!HOST[!SERVICE] (or HOST!SERVICE, or HOST: defnet fills
 * the net); false on an empty, overlong or unknown part. */
bool ipl_parse_dialstr(const char *s, const char *defnet, struct ipl_dialstr *d);
/* A port number (0-65535, decimal) or a name of the services table for
 * net ("tcp", "udp"); -1 if neither. */
int ipl_service_port(const char *serv, const char *net);
/* The name of port in the table, or NULL. */
const char *ipl_service_name(int port, const char *net);
/* A host name as DNS allows (letters, digits, '-', '.', '_'; labels of
 * 1-63 bytes; at most 253 bytes). */
bool ipl_valid_hostname(const char *name);

/* The addresses of name in /etc/hosts text ("ADDR NAME ALIAS... # x"),
 * case-insensitive, first line first: the count (0 if none). */
int ipl_hosts_find(const char *text, const char *name, uint32_t *addrs, int max);
/* The "nameserver A.B.C.D" lines of resolv.conf text: the count. */
int ipl_resolv_servers(const char *text, uint32_t *addrs, int max);

/* --------------------------------------------------- dns.c (pure code) */

#define IPL_DNS_MAX 512         /* a UDP message (RFC 1035 4.2.1) */

enum {
	IPL_DNS_OK = 0,
	IPL_DNS_SHORT = -1,     /* truncated or malformed */
	IPL_DNS_NOTOURS = -2,   /* not a response to our id and question */
	IPL_DNS_NXDOMAIN = -3,  /* the name does not exist */
	IPL_DNS_SERVFAIL = -4,  /* any other error code */
	IPL_DNS_NOADDR = -5,    /* no A record in the answer */
	IPL_DNS_TRUNC = -6,     /* TC set: the answer did not fit */
};

/* A standard query for name's A record with recursion desired: its length,
 * or -1 if name is not a valid host name or buf is too small. */
int ipl_dns_query(uint8_t *buf, size_t size, uint16_t id, const char *name);
/* The A records of a response to ipl_dns_query(.., id, name): the count
 * (>= 1), or an IPL_DNS_* code < 0.  CNAMEs are followed within the
 * message. */
int ipl_dns_answer(const uint8_t *msg, size_t n, uint16_t id, const char *name,
		   uint32_t *addrs, int max);
const char *ipl_dns_strerror(int code);
