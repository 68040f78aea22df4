/* SPDX-License-Identifier: MIT */
/*
 * kt_ip_ndb.c - ktests of #ip/ndb (kern/src/net/ndb.c), suite ip_ndb: a
 * write at 0 replaces the text, a write at an offset inside it replaces
 * from there, a write past its end or beyond IP_NDB_MAX is refused and
 * leaves it as it was.  The text is left empty afterwards.
 */
#include <ip.h>
#include <kstring.h>
#include <ktest.h>
#include <sysfile.h>

/* Writes text at off to #ip/ndb; what pwrite returned. */
static ssize_t kndb_write(const char *text, size_t n, int64_t off)
{
	int fd = sysopen("#ip/ndb", O_RDWR, 0);
	ssize_t r;

	if (fd < 0)
		return -1;
	r = syspwrite(fd, text, n, off);
	sysclose(fd);
	return r;
}

/* Is #ip/ndb exactly want? */
static bool kndb_is(const char *want)
{
	static char buf[IP_NDB_MAX + 2];
	int fd = sysopen("#ip/ndb", O_READ, 0);
	ssize_t n = 0, r;

	if (fd < 0)
		return false;
	while ((size_t)n + 1 < sizeof(buf) && (r = sysread(fd, buf + n, sizeof(buf) - 1 - n)) > 0)
		n += r;
	sysclose(fd);
	buf[n] = 0;
	return strcmp(buf, want) == 0;
}

KTEST(ip_ndb, replace_and_offsets)
{
	static const char first[] = "ip=10.0.2.15 ipmask=255.255.255.0\n\tdns=10.0.2.3\n";

	KT_ASSERT(kndb_write(first, strlen(first), 0) == (ssize_t)strlen(first));
	KT_ASSERT(kndb_is(first));
	/* From offset 3 on: "ip=" stays, the rest is replaced. */
	KT_ASSERT(kndb_write("198.18.0.2\n", 11, 3) == 11);
	KT_ASSERT(kndb_is("ip=198.18.0.2\n"));
	KT_ASSERT(kndb_write("", 0, 0) == 0);
	KT_ASSERT(kndb_is(""));
}

KTEST(ip_ndb, refusals_keep_the_text)
{
	static char big[IP_NDB_MAX + 1];

	memset(big, 'x', sizeof(big));
	KT_ASSERT(kndb_write("dns=1.1.1.1\n", 12, 0) == 12);
	KT_ASSERT(kndb_write("y", 1, 13) < 0);                 /* past the end */
	KT_ASSERT(kndb_write(big, sizeof(big), 0) < 0);        /* too long */
	KT_ASSERT(kndb_write(big, 2, IP_NDB_MAX - 1) < 0);     /* ends past the limit */
	KT_ASSERT(kndb_write("y", 1, -1) < 0);
	KT_ASSERT(kndb_is("dns=1.1.1.1\n"));
	KT_ASSERT(kndb_write(big, IP_NDB_MAX, 0) == IP_NDB_MAX);  /* exactly full */
	KT_ASSERT(kndb_write("", 0, 0) == 0);
	KT_ASSERT(kndb_is(""));
}
