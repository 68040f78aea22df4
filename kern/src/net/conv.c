/* SPDX-License-Identifier: MIT */
/*
 * conv.c - conversations: the Plan 9 model of one endpoint of a protocol,
 * seen by user space as #ip/PROTO/N/{ctl,data,err,listen,local,remote,status}.
 *
 * Life and references.  A conversation is made by opening PROTO/clone
 * (conv_new: the opened chan is its ctl), or by a stream protocol for a
 * call it accepted (conv_new_call), published in p->conv[N] and opened by
 * index (conv_open).  References (c->ref): one while published (dropped
 * by conv_release), one for each open chan (taken with inuse, dropped at
 * the end of conv_close, so p->close always runs on live memory even if
 * the protocol releases c meanwhile), and one for each lookup from the
 * packet path (conv_lookup) for the time of a delivery.  c->inuse counts
 * open chans.  A conversation is handed out to a user by clone or by
 * listen (c->handed); only then does the last close set c->closing (no
 * new opens) and run p->close: a datagram protocol ends at once with
 * conv_release, a stream protocol (TCP) keeps going through its close
 * handshake and calls conv_release when done.  A call not yet handed out
 * (half-open, or waiting on a listen queue) may be opened by index (its
 * status, say) but closing that does not end it.  The last reference
 * frees the queues and the struct, so memory returns to where it was and
 * the index is recycled for the next clone.
 *
 * The ctl language common to every protocol (conv_ctl):
 *	connect ADDR!PORT [LPORT]   remote end; local port chosen if not given
 *	announce [ADDR!]PORT | *    accept from anyone on PORT (* = ephemeral)
 *	bind [ADDR!]PORT | *        local port only
 *	ttl N (1..255)   tos N (0..255)   headers   noheaders
 * anything else goes to p->ctl, or is refused.
 *
 * Ports: p->ports hashes bound conversations by local port; a port may be
 * bound by one conversation of a protocol at a time (EADDRINUSE).
 * Ephemeral ports are chosen at random in 49152..65535 (RFC 6335), then
 * probed upwards, so they are not predictable.
 *
 * Listen (for stream protocols): a protocol that accepts a call queues the
 * new conversation on the listener with conv_incall (at most
 * IP_LISTEN_MAX, and never on a listener that is closing: the caller
 * drops the call); opening
 * PROTO/N/listen sleeps until one is queued (EAGAIN when non-blocking)
 * and the opened chan becomes the new conversation's ctl.
 *
 * Locks: p->lock ("ip proto", spinlock) guards the slot table, the port
 * hash, inuse and closing, and the identity fields for readers on the
 * packet path; c->qlock ("ip conv") serialises ctl commands (identity
 * fields are written with both held); c->incall_lock ("ip incall",
 * spinlock) the listen queue.  Nothing sleeps or raises error() under the
 * spinlocks; rendez_wakeup and tap firing happen after they are dropped.
 */
#include <block.h>
#include <err.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <qio.h>
#include <slice.h>

#include <ip.h>

#define PORT_HASH(port) ((port) % 64)

static void conv_free(struct kref *r)
{
	struct conv *c = container_of(r, struct conv, ref);

	qfree(c->rq);
	qfree(c->wq);
	kfree(c->ptcl);
	atomic_dec(&c->p->nconv);
	kfree(c);
}

void conv_get(struct conv *c)
{
	kref_get(&c->ref);
}

void conv_put(struct conv *c)
{
	kref_put(&c->ref, conv_free);
}

/* wq's kick: a stream protocol pulls what was written. */
static void conv_kick(void *arg)
{
	struct conv *c = arg;

	c->p->kick(c);
}

static struct conv *conv_alloc(struct ip_proto *p)
{
	struct conv *c = kzmalloc(sizeof(*c), MEM_WAIT);

	if (!c)
		error(ENOMEM, "#ip/%s: no memory for a conversation", p->name);
	kref_init(&c->ref);
	c->p = p;
	qlock_init(&c->qlock, "ip conv");
	spinlock_init(&c->incall_lock, "ip incall");
	rendez_init(&c->listenr);
	c->ttl = IP4_DEFAULT_TTL;
	/* a stream protocol (no send: it pulls from wq) reads as a stream */
	c->rq = qopen(IP_CONV_QLIMIT, p->send ? Qmsg : 0, NULL, NULL);
	if (!p->send)
		c->wq = qopen(IP_CONV_QLIMIT, 0, conv_kick, c);
	conv_taps_init(c);
	return c;
}

/* Puts c in a free slot of p; handed: with inuse 1 and that chan's
 * reference.  False if p is full. */
static bool conv_publish(struct ip_proto *p, struct conv *c, bool handed)
{
	bool ok = false;

	spin_lock(&p->lock);
	for (unsigned int x = 0; x < p->maxconv && !ok; x++) {
		if (!p->conv[x]) {
			c->x = x;
			c->inuse = handed;
			c->handed = handed;
			if (handed)
				conv_get(c);
			p->conv[x] = c;
			ok = true;
		}
	}
	spin_unlock(&p->lock);
	return ok;
}

static struct conv *conv_make(struct ip_proto *p, bool handed)
{
	ERRSTACK(1);
	struct conv *c = conv_alloc(p);

	atomic_inc(&p->nconv);
	if (waserror()) {
		conv_put(c);
		nexterror();
	}
	if (p->create)
		p->create(c);
	if (!conv_publish(p, c, handed))
		error(ENFILE, "#ip/%s: all %u conversations are in use", p->name, p->maxconv);
	poperror();
	return c;
}

struct conv *conv_new(struct ip_proto *p)
{
	return conv_make(p, true);
}

struct conv *conv_new_call(struct ip_proto *p)
{
	return conv_make(p, false);
}

struct conv *conv_open(struct ip_proto *p, unsigned int x)
{
	struct conv *c = NULL;

	spin_lock(&p->lock);
	if (x < p->maxconv && p->conv[x] && !p->conv[x]->closing) {
		c = p->conv[x];
		c->inuse++;
		conv_get(c);
	}
	spin_unlock(&p->lock);
	if (!c)
		error(ENOENT, "#ip/%s/%u: no such conversation", p->name, x);
	return c;
}

bool conv_exists(struct ip_proto *p, unsigned int x)
{
	bool ok;

	spin_lock(&p->lock);
	ok = x < p->maxconv && p->conv[x] != NULL;
	spin_unlock(&p->lock);
	return ok;
}

/* Takes the first call queued on the listener c, or NULL. */
static struct conv *conv_pop_call(struct conv *c)
{
	struct conv *nc;

	spin_lock(&c->incall_lock);
	nc = c->incall;
	if (nc) {
		c->incall = nc->inext;
		c->nincall--;
	}
	spin_unlock(&c->incall_lock);
	return nc;
}

/* Ends the calls queued on a listener that is going away.  Each is held
 * across p->close, which may let the protocol release it. */
static void conv_drop_incalls(struct conv *c)
{
	struct conv *nc;

	while ((nc = conv_pop_call(c))) {
		conv_get(nc);
		spin_lock(&nc->p->lock);
		nc->closing = true;
		spin_unlock(&nc->p->lock);
		nc->p->close(nc);
		conv_put(nc);
	}
}

void conv_close(struct conv *c)
{
	struct ip_proto *p = c->p;
	bool last;

	spin_lock(&p->lock);
	last = --c->inuse == 0 && c->handed;
	if (last)
		c->closing = true;
	spin_unlock(&p->lock);
	if (last) {
		rendez_wakeup(&c->listenr);
		conv_drop_incalls(c);
		p->close(c);
	}
	conv_put(c);            /* the chan's: c may be freed here */
}

/* Unlinks c from the port hash ([p->lock] held). */
static void __conv_unhash(struct conv *c)
{
	struct conv **l = &c->p->ports[PORT_HASH(c->lport)];

	if (!c->bound)
		return;
	while (*l && *l != c)
		l = &(*l)->hnext;
	if (*l)
		*l = c->hnext;
	c->bound = false;
}

void conv_release(struct conv *c)
{
	struct ip_proto *p = c->p;

	spin_lock(&p->lock);
	__conv_unhash(c);
	if (p->conv[c->x] == c)
		p->conv[c->x] = NULL;
	spin_unlock(&p->lock);
	conv_put(c);
}

/* ------------------------------------------------------------ ports */

static bool __port_taken(struct ip_proto *p, uint16_t port, const struct conv *self)
{
	for (struct conv *o = p->ports[PORT_HASH(port)]; o; o = o->hnext)
		if (o != self && o->lport == port)
			return true;
	return false;
}

/* Binds c to port ([p->lock] held); false if taken. */
static bool __conv_hash(struct conv *c, uint16_t port)
{
	struct ip_proto *p = c->p;

	if (__port_taken(p, port, c))
		return false;
	__conv_unhash(c);
	c->lport = port;
	c->hnext = p->ports[PORT_HASH(port)];
	p->ports[PORT_HASH(port)] = c;
	c->bound = true;
	return true;
}

void __conv_bind_port(struct conv *c, uint16_t port)
{
	bool ok;

	if (port == 0) {
		__conv_bind_ephemeral(c);
		return;
	}
	spin_lock(&c->p->lock);
	ok = __conv_hash(c, port);
	spin_unlock(&c->p->lock);
	if (!ok)
		error(EADDRINUSE, "#ip/%s: port %u is in use", c->p->name, port);
}

void conv_accept_identity(struct conv *nc, uint32_t laddr, uint16_t lport,
                          uint32_t raddr, uint16_t rport)
{
	struct ip_proto *p = nc->p;

	spin_lock(&p->lock);
	nc->laddr = laddr;
	nc->raddr = raddr;
	nc->rport = rport;
	nc->lport = lport;
	nc->hnext = p->ports[PORT_HASH(lport)];
	p->ports[PORT_HASH(lport)] = nc;
	nc->bound = true;
	spin_unlock(&p->lock);
}

void __conv_bind_ephemeral(struct conv *c)
{
	const unsigned int span = IP_EPHEMERAL_HI - IP_EPHEMERAL_LO + 1;
	unsigned int start = (unsigned int)(ip_random_u32() % span);
	bool ok = false;

	spin_lock(&c->p->lock);
	for (unsigned int i = 0; i < span && !ok; i++)
		ok = __conv_hash(c, (uint16_t)(IP_EPHEMERAL_LO + (start + i) % span));
	spin_unlock(&c->p->lock);
	if (!ok)
		error(EADDRINUSE, "#ip/%s: no free ephemeral port", c->p->name);
}

struct conv *conv_lookup(struct ip_proto *p, uint32_t laddr, uint16_t lport,
                         uint32_t raddr, uint16_t rport)
{
	struct conv *best = NULL;

	spin_lock(&p->lock);
	for (struct conv *c = p->ports[PORT_HASH(lport)]; c; c = c->hnext) {
		if (c->lport != lport || (c->laddr && c->laddr != laddr))
			continue;
		/* a closing connection still finishes its handshake (TCP) */
		if (c->raddr == raddr && c->rport == rport) {
			best = c;
			break;
		}
		if (!c->raddr && !best && !c->closing)
			best = c;
	}
	if (best)
		conv_get(best);
	spin_unlock(&p->lock);
	return best;
}

/* ------------------------------------------------------------ ctl */

static void conv_set_identity(struct conv *c, uint32_t laddr, uint32_t raddr, uint16_t rport)
{
	spin_lock(&c->p->lock);
	c->laddr = laddr;
	c->raddr = raddr;
	c->rport = rport;
	spin_unlock(&c->p->lock);
}

/* [qlock] held. */
static void __conv_connect(struct conv *c, int argc, char **argv)
{
	uint32_t raddr, junk;
	uint16_t rport, lport = 0;

	if (argc < 2 || argc > 3 || !ip_parse_hostport(argv[1], &raddr, &rport) || !raddr ||
	    (argc == 3 && !ip_parse_hostport(argv[2], &junk, &lport)))
		error(EINVAL, "#ip/%s/%u: want 'connect ADDR!PORT [LPORT]'", c->p->name, c->x);
	if (c->state != CONV_IDLE)
		error(EISCONN, "#ip/%s/%u: already connected or announced", c->p->name, c->x);
	if (lport || !c->bound)
		__conv_bind_port(c, lport);
	conv_set_identity(c, c->laddr, raddr, rport);
	if (c->p->connect)
		c->p->connect(c);
	c->state = CONV_CONNECTED;
}

/* [qlock] held.  announce and bind. */
static void __conv_announce(struct conv *c, int argc, char **argv, bool announce)
{
	uint32_t laddr;
	uint16_t lport;

	if (argc != 2 || !ip_parse_hostport(argv[1], &laddr, &lport))
		error(EINVAL, "#ip/%s/%u: want '%s [ADDR!]PORT' or '%s *'", c->p->name, c->x,
		      argv[0], argv[0]);
	if (laddr && !ipifc_is_local(laddr))
		error(EADDRNOTAVAIL, "#ip/%s/%u: %s is not one of our addresses", c->p->name,
		      c->x, argv[1]);
	if (c->state != CONV_IDLE)
		error(EISCONN, "#ip/%s/%u: already connected or announced", c->p->name, c->x);
	__conv_bind_port(c, lport);
	conv_set_identity(c, laddr, 0, 0);
	if (!announce)
		return;
	if (c->p->announce)
		c->p->announce(c);
	c->state = CONV_ANNOUNCED;
}

/* [qlock] held. */
static void __conv_byte_opt(struct conv *c, int argc, char **argv, uint8_t *field,
                            unsigned int lo)
{
	uint64_t v;

	if (argc != 2 || kstrtou64(argv[1], strlen(argv[1]), 10, &v) || v < lo || v > 255)
		error(EINVAL, "#ip/%s/%u: want '%s N' with N in %u..255", c->p->name, c->x,
		      argv[0], lo);
	*field = (uint8_t)v;
}

/* [qlock] held. */
static void __conv_ctl(struct conv *c, int argc, char **argv)
{
	if (!strcmp(argv[0], "connect"))
		__conv_connect(c, argc, argv);
	else if (!strcmp(argv[0], "announce"))
		__conv_announce(c, argc, argv, true);
	else if (!strcmp(argv[0], "bind"))
		__conv_announce(c, argc, argv, false);
	else if (!strcmp(argv[0], "ttl"))
		__conv_byte_opt(c, argc, argv, &c->ttl, 1);
	else if (!strcmp(argv[0], "tos"))
		__conv_byte_opt(c, argc, argv, &c->tos, 0);
	else if (!strcmp(argv[0], "headers") && argc == 1)
		c->headers = true;
	else if (!strcmp(argv[0], "noheaders") && argc == 1)
		c->headers = false;
	else if (c->p->ctl)
		c->p->ctl(c, argc, argv);
	else
		error(EINVAL, "#ip/%s/%u: unknown ctl '%s'", c->p->name, c->x, argv[0]);
}

void conv_ctl(struct conv *c, char *msg, bool nonblock)
{
	ERRSTACK(1);
	char *argv[8];
	int argc = ip_tokenize(msg, argv, ARRAY_SIZE(argv));

	if (argc <= 0)
		error(EINVAL, "#ip/%s/%u: empty or overlong ctl message", c->p->name, c->x);
	sem_down(&c->qlock);
	if (waserror()) {
		sem_up(&c->qlock);
		nexterror();
	}
	c->ctl_nonblock = nonblock;
	__conv_ctl(c, argc, argv);
	poperror();
	sem_up(&c->qlock);
}

void conv_set_err(struct conv *c, const char *msg)
{
	sem_down(&c->qlock);
	strlcpy(c->err, msg, sizeof(c->err));
	sem_up(&c->qlock);
}

/* ------------------------------------------------------------ listen */

bool conv_incall(struct conv *lc, struct conv *nc)
{
	bool ok = false;

	spin_lock(&lc->incall_lock);
	/* closing is set before conv_close drops the queue under this lock:
	 * a call is either seen there or refused here, never left behind */
	if (lc->nincall < IP_LISTEN_MAX && !READ_ONCE(lc->closing)) {
		struct conv **l = &lc->incall;

		while (*l)
			l = &(*l)->inext;
		nc->inext = NULL;
		*l = nc;
		lc->nincall++;
		ok = true;
	}
	spin_unlock(&lc->incall_lock);
	if (ok) {
		rendez_wakeup(&lc->listenr);
		fdtap_list_fire(&lc->listen_taps, FDTAP_FILT_READABLE);
		fdtap_list_fire(&lc->data_taps, FDTAP_FILT_READABLE);
	}
	return ok;
}

static bool conv_listen_cond(void *arg)
{
	struct conv *c = arg;

	return READ_ONCE(c->incall) != NULL || READ_ONCE(c->closing);
}

/* The first queued call, handed out to the taker's chan (inuse + 1 and
 * its reference: a by-index opener may hold it too), or NULL. */
static struct conv *conv_take_call(struct conv *c)
{
	struct conv *nc = conv_pop_call(c);

	if (nc) {
		spin_lock(&nc->p->lock);
		nc->inuse++;
		nc->handed = true;
		conv_get(nc);
		spin_unlock(&nc->p->lock);
	}
	return nc;
}

struct conv *conv_listen(struct conv *c, bool nonblock)
{
	struct conv *nc;

	for (;;) {
		if (READ_ONCE(c->state) != CONV_ANNOUNCED)
			error(EINVAL, "#ip/%s/%u: listen on a conversation that is not announced",
			      c->p->name, c->x);
		nc = conv_take_call(c);
		if (nc)
			return nc;
		if (READ_ONCE(c->closing))
			error(ECONNABORTED, "#ip/%s/%u: the listener is closing", c->p->name, c->x);
		if (nonblock)
			error(EAGAIN, "#ip/%s/%u: no incoming call", c->p->name, c->x);
		if (rendez_sleep(&c->listenr, conv_listen_cond, c))
			error(EINTR, "#ip/%s/%u: listen interrupted", c->p->name, c->x);
	}
}

/* ------------------------------------------------------------ taps */

static void conv_rq_wake(struct queue *q, void *data, int filter)
{
	struct conv *c = data;

	if (filter == QIO_WAKE_READABLE)
		fdtap_list_fire(&c->data_taps, FDTAP_FILT_READABLE);
	else if (filter == QIO_WAKE_WRITABLE && c->p->rq_drained)
		c->p->rq_drained(c);
	else if (filter == QIO_WAKE_HANGUP)
		fdtap_list_fire(&c->data_taps, FDTAP_FILT_HANGUP | FDTAP_FILT_READABLE);
}

static void conv_wq_wake(struct queue *q, void *data, int filter)
{
	struct conv *c = data;

	if (filter == QIO_WAKE_WRITABLE)
		fdtap_list_fire(&c->data_taps, FDTAP_FILT_WRITABLE);
}

void conv_taps_init(struct conv *c)
{
	fdtap_list_init(&c->data_taps, "ip conv taps");
	fdtap_list_init(&c->listen_taps, "ip conv taps");
	qio_set_wake_cb(c->rq, conv_rq_wake, c);
	if (c->wq)
		qio_set_wake_cb(c->wq, conv_wq_wake, c);
}

uint32_t conv_data_ready(struct conv *c)
{
	uint32_t r = 0;

	if (qcanread(c->rq) || READ_ONCE(c->incall))
		r |= FDTAP_FILT_READABLE;
	if ((!c->wq || qcanwrite(c->wq)) && !(c->p->connecting && c->p->connecting(c)))
		r |= FDTAP_FILT_WRITABLE;
	if (qisclosed(c->rq))
		r |= FDTAP_FILT_HANGUP;
	return r;
}

uint32_t conv_listen_ready(struct conv *c)
{
	return READ_ONCE(c->incall) ? FDTAP_FILT_READABLE : 0;
}

/* ------------------------------------------------------------ text */

static void conv_addr_text(struct slice *s, uint32_t a, uint16_t port)
{
	char buf[16];

	slice_printf(s, "%s!%u\n", ip_fmt_addr(buf, a), port);
}

void conv_local(struct conv *c, struct slice *s)
{
	uint32_t a = c->laddr;

	if (!a && c->raddr)
		a = ip_route_src(c->raddr);
	conv_addr_text(s, a, c->lport);
}

void conv_remote(struct conv *c, struct slice *s)
{
	conv_addr_text(s, c->raddr, c->rport);
}

void conv_status(struct conv *c, struct slice *s)
{
	static const char *const names[] = { "Idle", "Announced", "Connected", "Closed" };

	if (c->p->state) {
		c->p->state(c, s);
		return;
	}
	slice_printf(s, "%s/%u %d %s\n", c->p->name, c->x, c->inuse, names[c->state & 3]);
}
