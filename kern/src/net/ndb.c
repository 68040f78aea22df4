/* SPDX-License-Identifier: MIT */
/*
 * ndb.c - #ip/ndb: the network's configuration as ndb text ("ip=A
 * ipmask=M ipgw=G" and tab-indented "dns=D" lines), written by ipconfig
 * (Documentation/tools/ipconfig.md) for whoever needs a DNS server.
 *
 * Plan 9's rule: a write at offset OFF replaces the text from OFF on (so
 * a write at 0 replaces all of it); OFF past the text's end, or a text
 * longer than IP_NDB_MAX bytes, is refused with EINVAL.  A read gives the
 * text.  Lock "ip ndb" (spinlock, a leaf): held only to copy the text in
 * or out.
 */
#include <err.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <slice.h>

#include <ip.h>

static spinlock_t ndb_lock = SPINLOCK_INITIALIZER("ip ndb");
static char ndb_text[IP_NDB_MAX];       /* [ndb_lock] */
static size_t ndb_len;                  /* [ndb_lock] */

void ip_ndb_read(struct slice *s)
{
	char *copy = kmalloc(IP_NDB_MAX, MEM_WAIT);
	size_t n;

	spin_lock(&ndb_lock);
	n = ndb_len;
	memcpy(copy, ndb_text, n);
	spin_unlock(&ndb_lock);
	slice_append(s, copy, n);
	kfree(copy);
}

size_t ip_ndb_write(const void *buf, size_t n, int64_t off)
{
	int ret = 0;

	if (off < 0 || n > IP_NDB_MAX || (uint64_t)off > IP_NDB_MAX - n)
		error(EINVAL, "#ip/ndb: the text may hold %d bytes", IP_NDB_MAX);
	spin_lock(&ndb_lock);
	if ((size_t)off > ndb_len) {
		ret = -EINVAL;
	} else {
		memcpy(ndb_text + off, buf, n);
		ndb_len = (size_t)off + n;
	}
	spin_unlock(&ndb_lock);
	if (ret)
		error(EINVAL, "#ip/ndb: a write at %lld, past the text's end", (long long)off);
	return n;
}
