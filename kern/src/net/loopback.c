/* SPDX-License-Identifier: MIT */
/*
 * loopback.c - the loopback medium ("bind loopback"): what is sent comes
 * back in as received on the same interface.
 *
 * A send queues the datagram (qpass: never blocks; a full queue drops and
 * counts it) and a reader kthread per binding takes it out and passes it
 * up (ipifc_input), so sending never recurses into the input path: an
 * echo request to 127.0.0.1 is answered by the reader kthread, and its
 * reply is queued again.  Unbind hangs the queue up; the reader sees EOF,
 * exits, and is joined before the link's reference is dropped.
 */
#include <block.h>
#include <err.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <kthread.h>
#include <core_id.h>
#include <qio.h>

#include <ip.h>

#define LOOPBACK_QLIMIT (1024 * 1024)
#define LOOPBACK_MTU    16384

struct loopback {
	struct queue *q;                /* [I] datagrams sent, not yet received */
	struct kthread *reader;         /* [I] one reference (for the join) */
};

/* The next datagram, or NULL once the queue is hung up (or aborted). */
static struct block *loopback_next(struct loopback *lb)
{
	ERRSTACK(1);
	struct block *b;

	if (waserror())
		return NULL;            /* error() popped the frame */
	b = qbread(lb->q, IP4_MAX_LEN + 64);
	poperror();
	return b;
}

static void loopback_reader(void *arg)
{
	struct iplink *link = arg;
	struct loopback *lb = link->priv;
	struct block *b;

	while ((b = loopback_next(lb)))
		ipifc_input(link, b);
}

static void loopback_bind(struct iplink *link, int argc, char **argv)
{
	struct loopback *lb;

	if (argc)
		error(EINVAL, "ipifc: 'bind loopback' takes no arguments");
	lb = kzmalloc(sizeof(*lb), MEM_WAIT);
	if (!lb)
		error(ENOMEM, "ipifc: no memory for a loopback");
	lb->q = qopen(LOOPBACK_QLIMIT, Qmsg, NULL, NULL);
	link->priv = lb;
	link->mtu = LOOPBACK_MTU;
	strlcpy(link->desc, "loopback", sizeof(link->desc));
	lb->reader = kthread_create(loopback_reader, link, "ip loopback");
	kthread_get(lb->reader);
	kthread_run_on(lb->reader, core_id());
}

static void loopback_unbind(struct iplink *link)
{
	struct loopback *lb = link->priv;

	qhangup(lb->q, "loopback unbound");
	kthread_join(lb->reader);
}

static void loopback_send(struct iplink *link, struct block *b, uint32_t nexthop)
{
	struct loopback *lb = link->priv;

	atomic_inc(&link->ifc->st.out);
	if (qpass(lb->q, b) <= 0)
		atomic_inc(&link->ifc->st.out_err);
}

static void loopback_release(struct iplink *link)
{
	struct loopback *lb = link->priv;

	qfree(lb->q);
	kfree(lb);
}

const struct ip_medium loopback_medium = {
	.name = "loopback",
	.hdrlen = 0,
	.maxmtu = LOOPBACK_MTU,
	.bind = loopback_bind,
	.unbind = loopback_unbind,
	.send = loopback_send,
	.release = loopback_release,
};
