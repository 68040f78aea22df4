/* SPDX-License-Identifier: MIT */
/*
 * netlog.c - #ip/log: the stack's log of dropped and unusual packets, by
 * category (Plan 9's netlog).
 *
 *	netlog(NETLOG_UDP, "udp: bad checksum from %s\n", ...);
 *	write "set udp icmp" / "clear all" to #ip/log to choose categories
 *	read #ip/log: the lines logged since, blocking while there are none
 *
 * Lines go into one qio queue (NETLOG_QLIMIT bytes, Qdropoverflow): a
 * logger never blocks and never fails; when nobody reads, the oldest text
 * stays and new lines are dropped (counted in the log's status).  The
 * category mask is one atomic word, so an unset category costs a load.
 * Categories: ip icmp udp arp ifc route tcp, and "all".
 */
#include <block.h>
#include <err.h>
#include <errno.h>
#include <kstring.h>
#include <printk.h>
#include <qio.h>
#include <slice.h>

#include <ip.h>

#define NETLOG_QLIMIT (64 * 1024)

static struct queue *netlog_q;          /* [I] */
static atomic_t netlog_mask;            /* [a] NETLOG_* */

static const struct { const char *name; int bit; } netlog_cats[] = {
	{ "ip", NETLOG_IP }, { "icmp", NETLOG_ICMP }, { "udp", NETLOG_UDP },
	{ "arp", NETLOG_ARP }, { "ifc", NETLOG_IFC }, { "route", NETLOG_ROUTE },
	{ "tcp", NETLOG_TCP }, { "all", ~0 },
};

void netlog_init(void)
{
	netlog_q = qopen(NETLOG_QLIMIT, Qcoalesce | Qdropoverflow, NULL, NULL);
}

struct queue *netlog_queue(void)
{
	return netlog_q;
}

void netlog(int cat, const char *fmt, ...)
{
	char line[160];
	va_list ap;
	int n;

	if (!(atomic_read(&netlog_mask) & cat))
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	if (n > 0)
		qiwrite(netlog_q, line, (size_t)n);
}

static int netlog_cat(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(netlog_cats); i++)
		if (!strcmp(name, netlog_cats[i].name))
			return netlog_cats[i].bit;
	error(EINVAL, "#ip/log: unknown category '%s' (want ip icmp udp arp ifc route tcp all)",
	      name);
}

void netlog_ctl(char *msg)
{
	char *argv[16];
	int argc = ip_tokenize(msg, argv, ARRAY_SIZE(argv)), bits = 0;

	if (argc < 2 || (strcmp(argv[0], "set") && strcmp(argv[0], "clear")))
		error(EINVAL, "#ip/log: want 'set CATEGORY...' or 'clear CATEGORY...'");
	for (int i = 1; i < argc; i++)
		bits |= netlog_cat(argv[i]);
	if (!strcmp(argv[0], "set"))
		__atomic_fetch_or(&netlog_mask.v, bits, __ATOMIC_SEQ_CST);
	else
		__atomic_fetch_and(&netlog_mask.v, ~(int64_t)bits, __ATOMIC_SEQ_CST);
}

void netlog_status(struct slice *s)
{
	int mask = atomic_read(&netlog_mask);

	slice_printf(s, "categories:");
	for (size_t i = 0; i + 1 < ARRAY_SIZE(netlog_cats); i++)
		if (mask & netlog_cats[i].bit)
			slice_printf(s, " %s", netlog_cats[i].name);
	slice_printf(s, "\nqueued: %zu dropped: %llu\n", qlen(netlog_q),
	             (unsigned long long)qdropped(netlog_q));
}
