/* SPDX-License-Identifier: MIT */
/*
 * fdtap.c - FD tap sets: the tap_fds requests (ADD, REM, MOD) and the
 * removal of taps when their fd closes or their FD table dies.
 *
 * An FD table's set (t->taps) is made by its first ADD and freed by
 * fd_table_destroy (fdtap_table_destroy), which must not race with
 * requests on the same table (a process's table dies after its syscalls
 * have drained).  A tap is named by (fd, ev_q); the set holds at most
 * FDTAP_MAX_PER_PROC.  Everything that changes a set holds its lock (a
 * qlock) from the lookup of the fd to the end of the device call, so a
 * close that races an ADD finds the new tap: the close clears the slot
 * first and takes the set's lock after.
 *
 * Removal, in this order: the device unlinks the tap (REM), tap->dead is
 * set under post_lock (no event after this), the tap leaves the set's
 * list.  The chan reference and the set's tap reference are dropped after
 * the set's lock, since closing a chan may reach any device.
 *
 * Errors: -1 with the kthread's error state (set_error()), each message
 * naming the fd and what was wrong.
 */
#include <err.h>
#include <errno.h>
#include <fdtable.h>
#include <fdtap.h>
#include <kmalloc.h>
#include <ns.h>
#include <process.h>

/* The table's set, made if needed; NULL with the error set. */
static struct fd_tap_set *fdtap_set_get(struct fd_table *t)
{
	struct fd_tap_set *s, *n;

	spin_lock(&t->lock);
	s = t->closed ? NULL : t->taps;
	spin_unlock(&t->lock);
	if (s)
		return s;
	n = kzmalloc(sizeof(*n), MEM_WAIT);
	if (!n) {
		set_error(ENOMEM, "tap_fds: no memory for the tap set");
		return NULL;
	}
	qlock_init(&n->lock, "fd_tap_set");
	list_init(&n->taps);
	spin_lock(&t->lock);
	if (!t->taps && !t->closed) {
		t->taps = n;
		n = NULL;
	}
	s = t->closed ? NULL : t->taps;
	spin_unlock(&t->lock);
	kfree(n);
	if (!s)
		set_error(EBADF, "tap_fds: the FD table is closed");
	return s;
}

/* s->lock held. */
static struct fd_tap *fdtap_find(struct fd_tap_set *s, int fd, uint64_t ev_q)
{
	struct fd_tap *tap;

	list_for_each_entry(tap, &s->taps, set_link)
		if (tap->fd == fd && tap->ev_q == ev_q)
			return tap;
	return NULL;
}

/* The device's ADD, then what it fired already true is posted before
 * tap_fds returns (poll with no timeout relies on it); false with the
 * error set.  s->lock held. */
static bool fdtap_register(struct fd_tap *tap)
{
	ERRSTACK(1);
	struct chan *c = tap->chan;

	if (waserror())
		return false;
	devtab_of(c)->tapfd(c, tap, FDTAP_CMD_ADD);
	poperror();
	fdtap_post_now(tap);
	return true;
}

/* Unregisters tap and takes it off s; the caller drops tap->chan and the
 * reference afterwards (fdtap_finish).  s->lock held. */
static void fdtap_unlink(struct fd_tap_set *s, struct fd_tap *tap)
{
	struct chan *c = tap->chan;

	devtab_of(c)->tapfd(c, tap, FDTAP_CMD_REM);
	sem_down(&tap->post_lock);
	tap->dead = true;
	sem_up(&tap->post_lock);
	list_del(&tap->set_link);
	s->nr--;
}

/* After the set's lock: what fdtap_unlink left to drop. */
static void fdtap_finish(struct fd_tap *tap)
{
	cclose(tap->chan);
	tap->chan = NULL;
	fdtap_put(tap);
}

/* s->lock held.  A new tap for req on t; 0 or -1. */
static int fdtap_add(struct fd_table *t, struct fd_tap_set *s, struct proc *p,
                     fdtap_sink_t sink, const struct fd_tap_req *req)
{
	struct fd_tap *tap;
	struct chan *c;

	if (fdtap_find(s, req->fd, req->ev_q))
		return set_error(EEXIST, "tap_fds: fd %d already has a tap for ev_q %#llx",
		                 req->fd, (unsigned long long)req->ev_q);
	if (s->nr >= FDTAP_MAX_PER_PROC)
		return set_error(ENOSPC, "tap_fds: the process holds %d taps, the most allowed",
		                 FDTAP_MAX_PER_PROC);
	c = fd_get_chan(t, req->fd);
	if (!c)
		return set_error(EBADF, "tap_fds: fd %d is not open", req->fd);
	if (!devtab_of(c)->tapfd) {
		set_error(EPERM, "tap_fds: fd %d is a #%s file, which has no taps (its "
		          "readiness never changes)", req->fd, devtab_of(c)->name);
		cclose(c);
		return -1;
	}
	tap = fdtap_alloc();
	if (!tap) {
		cclose(c);
		return set_error(ENOMEM, "tap_fds: no memory for a tap");
	}
	tap->proc = p;
	if (p)
		kref_get(&p->ref);
	tap->sink = sink;
	tap->fd = req->fd;
	tap->ev_q = req->ev_q;
	tap->chan = c;
	tap->filter = req->filter;
	tap->ev_id = req->ev_id;
	tap->data = req->data;
	/* Listed before the device can fire it; a failed ADD fired nothing. */
	list_add_tail(&tap->set_link, &s->taps);
	s->nr++;
	if (fdtap_register(tap))
		return 0;
	list_del(&tap->set_link);
	s->nr--;
	fdtap_finish(tap);
	return -1;
}

/* s->lock held.  New filter, ev_id and data for an existing tap. */
static int fdtap_mod(struct fd_tap_set *s, const struct fd_tap_req *req)
{
	struct fd_tap *tap = fdtap_find(s, req->fd, req->ev_q);
	struct chan *c;
	uint32_t old;

	if (!tap)
		return set_error(ENOENT, "tap_fds: fd %d has no tap for ev_q %#llx",
		                 req->fd, (unsigned long long)req->ev_q);
	c = tap->chan;
	devtab_of(c)->tapfd(c, tap, FDTAP_CMD_REM);
	old = tap->filter;
	sem_down(&tap->post_lock);
	tap->ev_id = req->ev_id;
	tap->data = req->data;
	sem_up(&tap->post_lock);
	tap->filter = req->filter;
	if (fdtap_register(tap))
		return 0;
	/* The old filter was accepted once, so this cannot fail. */
	tap->filter = old;
	devtab_of(c)->tapfd(c, tap, FDTAP_CMD_ADD);
	return -1;
}

static int fdtap_check_req(const struct fd_tap_req *req)
{
	if (req->cmd < FDTAP_CMD_ADD || req->cmd > FDTAP_CMD_MOD)
		return set_error(EINVAL, "tap_fds: unknown cmd %d (want 1 ADD, 2 REM, 3 MOD)",
		                 req->cmd);
	if (req->fd < 0 || req->fd >= NR_FILE_DESC_MAX)
		return set_error(EBADF, "tap_fds: fd %d is out of range", req->fd);
	if (req->cmd == FDTAP_CMD_REM)
		return 0;
	if (!req->filter || (req->filter & ~FDTAP_FILT_ALL))
		return set_error(EINVAL, "tap_fds: filter %#x of fd %d is %s (known bits %#x)",
		                 req->filter, req->fd, req->filter ? "unknown" : "empty",
		                 FDTAP_FILT_ALL);
	if (req->ev_id > FDTAP_MAX_EV_ID)
		return set_error(EINVAL, "tap_fds: ev_id %u of fd %d is over %u", req->ev_id,
		                 req->fd, FDTAP_MAX_EV_ID);
	return 0;
}

int fdtap_request(struct fd_table *t, struct proc *p, fdtap_sink_t sink,
                  const struct fd_tap_req *req)
{
	struct fd_tap_set *s;
	struct fd_tap *tap = NULL;
	int ret;

	if (fdtap_check_req(req))
		return -1;
	s = fdtap_set_get(t);
	if (!s)
		return -1;
	sem_down(&s->lock);
	switch (req->cmd) {
	case FDTAP_CMD_ADD:
		ret = fdtap_add(t, s, p, sink, req);
		break;
	case FDTAP_CMD_MOD:
		ret = fdtap_mod(s, req);
		break;
	default:
		tap = fdtap_find(s, req->fd, req->ev_q);
		ret = tap ? 0 : set_error(ENOENT, "tap_fds: fd %d has no tap for ev_q %#llx",
		                          req->fd, (unsigned long long)req->ev_q);
		if (tap)
			fdtap_unlink(s, tap);
	}
	sem_up(&s->lock);
	if (tap)
		fdtap_finish(tap);
	return ret;
}

/* Takes the first tap of (fd, c) off s, or every tap if c is NULL. */
static struct fd_tap *fdtap_take_one(struct fd_tap_set *s, int fd, struct chan *c)
{
	struct fd_tap *tap, *found = NULL;

	sem_down(&s->lock);
	list_for_each_entry(tap, &s->taps, set_link) {
		if (!c || (tap->fd == fd && tap->chan == c)) {
			found = tap;
			break;
		}
	}
	if (found)
		fdtap_unlink(s, found);
	sem_up(&s->lock);
	return found;
}

static struct fd_tap_set *fdtap_set_of(struct fd_table *t)
{
	struct fd_tap_set *s;

	spin_lock(&t->lock);
	s = t->taps;
	spin_unlock(&t->lock);
	return s;
}

void fdtap_fd_closed(struct fd_table *t, int fd, struct chan *c)
{
	struct fd_tap_set *s = fdtap_set_of(t);
	struct fd_tap *tap;

	if (!s || !c)
		return;
	while ((tap = fdtap_take_one(s, fd, c)))
		fdtap_finish(tap);
}

void fdtap_table_destroy(struct fd_table *t)
{
	struct fd_tap_set *s;
	struct fd_tap *tap;

	spin_lock(&t->lock);
	s = t->taps;
	t->taps = NULL;
	spin_unlock(&t->lock);
	if (!s)
		return;
	while ((tap = fdtap_take_one(s, -1, NULL)))
		fdtap_finish(tap);
	kfree(s);
}

int fdtap_nr(struct fd_table *t)
{
	struct fd_tap_set *s = fdtap_set_of(t);
	int n;

	if (!s)
		return 0;
	sem_down(&s->lock);
	n = s->nr;
	sem_up(&s->lock);
	return n;
}
