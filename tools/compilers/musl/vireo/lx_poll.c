/* SPDX-License-Identifier: MIT */
/*
 * lx_poll.c - poll, ppoll, select and pselect6 over FD taps and one CEQ
 * per call (Documentation/readiness.md).
 *
 * One call: every fd >= 0 gets a tap (ev_id = its index in the array + 1,
 * filter = what the entry asks for plus ERROR and HANGUP, so a device does
 * not post, and wake the caller for, readiness nobody asked about; an fd
 * listed twice shares the first entry's tap, widened by a MOD to the union
 * of what both ask), sent in batches.  The
 * kernel posts at once what an ADD finds already true, before tap_fds
 * returns, so the CEQ then holds a true snapshot and a zero timeout needs
 * no wait.  Then: drain the CEQ into per-entry bits, count the entries
 * with something the caller wants, and park until the next post if none
 * (and the timeout, id 0, is not due).  At the end every tap is removed
 * (REM); after that no fd's event reaches the CEQ.  The context's CEQ is
 * made once and kept (its wait timer stays tapped into it, lx_wtimer.c):
 * each call first drains and drops what an earlier call left there.
 *
 * Per entry: a refused tap says what the fd is: EBADF -> POLLNVAL (select:
 * the call fails with EBADF); EPERM (the device has no taps: regular
 * files, #random, the console's output) -> always ready for reading and
 * writing, as Linux reports regular files; EEXIST -> the fd is listed
 * twice, so the entry shares the earlier one's tap.  Anything else
 * (ENOSPC: the process's tap bound) fails the call.
 *
 * Each call has a context of its own (struct lx_pollctx: the waiter, its
 * CEQ, the per-entry arrays), from a free list (the first one static,
 * more mapped when calls overlap: threads, or a signal handler that polls
 * while its thread's poll waits), never unmapped.  A context keeps its
 * wait timer (one #alarm, made by its first timed call).  With threads
 * the waiter parks its uthread (lx_ready.c).
 *
 * Limits: at most LX_POLL_MAX (4096) entries; select leaves the timeout
 * unchanged (Linux writes the time left).
 */
#include <string.h>
#include "lx.h"

#define LX_POLL_MAX   4096      /* NR_FILE_DESC_MAX: more fds cannot exist */
#define LX_POLL_RING  1024      /* the CEQ's ring; past it the CEQ scans */
#define LX_FD_SETSIZE 1024

/* lx_poll_alias values besides an entry index. */
#define LX_ENT_NONE   (-1)      /* fd < 0: ignored */
#define LX_ENT_NVAL   (-2)      /* not open */
#define LX_ENT_ALWAYS (-3)      /* no taps: always ready */
#define LX_ID_TIMEOUT 0         /* the CEQ id of the timeout; entry e is e + 1 */

struct lx_pollfd {
	int32_t fd;
	int16_t events;
	int16_t revents;
};

/* One call's state: a context per poll in progress (threads poll at once;
 * a signal handler may poll while its thread's poll waits).  Contexts are
 * kept for reuse, never unmapped (a late alert may name the waiter). */
struct lx_pollctx {
	struct lx_waiter w;
	struct lx_wtimer timer;         /* the timeout, id LX_ID_TIMEOUT */
	bool inited;                    /* w's CEQ is made */
	struct lx_pollfd *fds;
	struct ceq_event events[LX_POLL_MAX + 1];
	int32_t ring[LX_POLL_RING];
	struct fd_tap_req reqs[LX_POLL_MAX];
	uint32_t reqent[LX_POLL_MAX];   /* request -> entry */
	uint32_t bits[LX_POLL_MAX];     /* filter bits seen, per entry */
	int32_t alias[LX_POLL_MAX];     /* whose tap serves the entry */
	uint32_t filt[LX_POLL_MAX];     /* the filter of the entry's own tap */
	uint32_t widen[LX_POLL_MAX];    /* entries whose tap needs a wider filter */
	uint8_t widening[LX_POLL_MAX];  /* the entry is in widen */
	size_t nwiden;
	struct lx_pollfd sel_fds[LX_FD_SETSIZE];
	struct lx_pooled pool;          /* on lx_poll_pool's free list */
};

static struct lx_pollctx lx_poll_ctx0;
static struct lx_pool lx_poll_pool = { .free = &lx_poll_ctx0.pool };

uint32_t lx_filt_to_poll(uint32_t filt)
{
	uint32_t ev = 0;

	if (filt & FDTAP_FILT_READABLE)
		ev |= LX_POLLIN | LX_POLLRDNORM;
	if (filt & FDTAP_FILT_WRITABLE)
		ev |= LX_POLLOUT | LX_POLLWRNORM;
	if (filt & FDTAP_FILT_PRIORITY)
		ev |= LX_POLLPRI;
	if (filt & FDTAP_FILT_ERROR)
		ev |= LX_POLLERR;
	if (filt & FDTAP_FILT_HANGUP)
		ev |= LX_POLLHUP | LX_POLLRDHUP;
	return ev;
}

uint32_t lx_poll_to_filt(uint32_t events)
{
	uint32_t f = FDTAP_FILT_ERROR | FDTAP_FILT_HANGUP;      /* always reported */

	if (events & (LX_POLLIN | LX_POLLRDNORM | LX_POLLRDBAND))
		f |= FDTAP_FILT_READABLE;
	if (events & (LX_POLLOUT | LX_POLLWRNORM | LX_POLLWRBAND))
		f |= FDTAP_FILT_WRITABLE;
	if (events & LX_POLLPRI)
		f |= FDTAP_FILT_PRIORITY;
	return f;
}

/* Entry e shares another entry's tap: make that tap's filter cover e's. */
static void lx_poll_widen_for(struct lx_pollctx *x, uint32_t e)
{
	int32_t a = x->alias[e];
	uint32_t want = x->filt[e];

	if (a < 0 || !(want & ~x->filt[a]))
		return;
	if (!x->widening[a]) {
		x->widening[a] = 1;
		x->widen[x->nwiden++] = (uint32_t)a;
	}
	x->filt[a] |= want;
}

/* A refused ADD of request i: what it says about the entry. */
static long lx_poll_refused(size_t i, long err, void *arg)
{
	struct lx_pollctx *x = arg;
	const struct lx_pollfd *fds = x->fds;
	uint32_t e = x->reqent[i];

	if (err == -LX_EBADF) {
		x->alias[e] = LX_ENT_NVAL;
	} else if (err == -LX_EPERM) {
		x->alias[e] = LX_ENT_ALWAYS;
	} else if (err == -LX_EEXIST) {
		for (uint32_t k = 0; k < e; k++)
			if (fds[k].fd == fds[e].fd && x->alias[k] != LX_ENT_NONE)
				x->alias[e] = x->alias[k];
		lx_poll_widen_for(x, e);
	} else {
		return err;
	}
	return 0;
}

/* Removes the taps the entries own (refusals ignored: a tap whose fd was
 * closed meanwhile is gone already). */
static long lx_poll_rem_ok(size_t i, long err, void *arg)
{
	(void)i; (void)err; (void)arg;
	return 0;
}

static void lx_poll_untap(struct lx_pollctx *x, size_t n)
{
	size_t m = 0;

	for (size_t e = 0; e < n; e++) {
		if (x->alias[e] != (int32_t)e)
			continue;
		x->reqs[m++] = (struct fd_tap_req){ .fd = x->fds[e].fd, .cmd = FDTAP_CMD_REM,
		                                    .ev_q = (uint64_t)&x->w.q };
	}
	lx_tap_batch(x->reqs, m, lx_poll_rem_ok, NULL);
}

/* MODs the taps that duplicate entries widened (rare: an fd listed twice
 * with different events); the kernel posts what the wider filter finds. */
static long lx_poll_widen_taps(struct lx_pollctx *x)
{
	for (size_t i = 0; i < x->nwiden; i++) {
		uint32_t a = x->widen[i];

		x->widening[a] = 0;
		x->reqs[i] = (struct fd_tap_req){ .fd = x->fds[a].fd, .cmd = FDTAP_CMD_MOD,
		                                  .filter = x->filt[a], .ev_id = a + 1,
		                                  .ev_q = (uint64_t)&x->w.q };
	}
	return lx_tap_batch(x->reqs, x->nwiden, lx_poll_rem_ok, NULL);
}

static long lx_poll_tap(struct lx_pollctx *x, size_t n)
{
	struct lx_pollfd *fds = x->fds;
	size_t m = 0;
	long r;

	for (size_t e = 0; e < n; e++) {
		fds[e].revents = 0;
		x->bits[e] = 0;
		x->alias[e] = fds[e].fd < 0 ? LX_ENT_NONE : (int32_t)e;
		if (fds[e].fd < 0)
			continue;
		x->filt[e] = lx_poll_to_filt((uint16_t)fds[e].events);
		x->reqs[m] = (struct fd_tap_req){ .fd = fds[e].fd, .cmd = FDTAP_CMD_ADD,
		                                  .filter = x->filt[e], .ev_id = (uint32_t)e + 1,
		                                  .ev_q = (uint64_t)&x->w.q };
		x->reqent[m++] = (uint32_t)e;
	}
	x->nwiden = 0;
	r = lx_tap_batch(x->reqs, m, lx_poll_refused, x);
	if (r >= 0 && x->nwiden)
		r = lx_poll_widen_taps(x);
	if (r < 0)
		lx_poll_untap(x, n);
	return r;
}

/* Fills revents from what was seen; the number of entries with any. */
static long lx_poll_count(struct lx_pollctx *x, size_t n)
{
	struct lx_pollfd *fds = x->fds;
	long ready = 0;

	for (size_t e = 0; e < n; e++) {
		int32_t a = x->alias[e];
		uint32_t want = (uint16_t)fds[e].events | LX_POLLERR | LX_POLLHUP;
		uint32_t rev = 0;

		if (a == LX_ENT_NVAL)
			rev = LX_POLLNVAL;
		else if (a == LX_ENT_ALWAYS)
			rev = want & (LX_POLLIN | LX_POLLRDNORM | LX_POLLOUT | LX_POLLWRNORM);
		else if (a >= 0)
			rev = lx_filt_to_poll(x->bits[a]) & want;
		fds[e].revents = (int16_t)rev;
		ready += rev != 0;
	}
	return ready;
}

/* Drains the CEQ; true if this call's timeout (timed) is due. */
static bool lx_poll_drain(struct lx_pollctx *x, size_t n, bool timed)
{
	uint32_t id, bits;
	bool timed_out = false;

	while (lx_waiter_get(&x->w, &id, &bits, NULL)) {
		if (id == LX_ID_TIMEOUT)
			timed_out |= timed && lx_wtimer_due(&x->timer);
		else if (id <= n)
			x->bits[id - 1] |= bits;
	}
	return timed_out;
}

static long lx_poll_wait(struct lx_pollctx *x, size_t n, int64_t timeout_ns)
{
	long r = 0;

	if (timeout_ns > 0)
		r = lx_wtimer_arm(&x->timer, &x->w, LX_ID_TIMEOUT, (uint64_t)timeout_ns);
	while (r >= 0) {
		int seen = lx_waiter_prepare(&x->w);
		bool timed_out = lx_poll_drain(x, n, timeout_ns > 0);

		r = lx_poll_count(x, n);
		if (r || timed_out || timeout_ns == 0)
			break;
		r = lx_waiter_park(&x->w, seen, NULL);  /* -EINTR: a handler ran */
	}
	return r;
}

/* A context for one call: the free list's head, or a new mapping. */
static struct lx_pollctx *lx_poll_get(void)
{
	return lx_pool_get(&lx_poll_pool, sizeof(struct lx_pollctx),
	                   __builtin_offsetof(struct lx_pollctx, pool));
}

static void lx_poll_put(struct lx_pollctx *x)
{
	lx_pool_put(&lx_poll_pool, x, __builtin_offsetof(struct lx_pollctx, pool));
}

/* Makes x's CEQ the first time; later, drops what earlier calls left in
 * it (fd events posted before their REM, a late expiry of the timer). */
static bool lx_poll_ready(struct lx_pollctx *x)
{
	uint32_t id, bits;

	if (!x->inited) {
		if (lx_waiter_init(&x->w, x->events, LX_POLL_MAX + 1, x->ring, LX_POLL_RING))
			return false;
		x->inited = true;
	}
	while (lx_waiter_get(&x->w, &id, &bits, NULL))
		;
	return true;
}

/* poll's core on context x (x->fds set): timeout_ns < 0 waits for ever. */
static long lx_poll_core(struct lx_pollctx *x, size_t n, int64_t timeout_ns)
{
	long r;

	if (n > LX_POLL_MAX) {
		lx_errstr("poll", "more than 4096 entries (no process has more fds)");
		return -LX_EINVAL;
	}
	if (n && !x->fds) {
		lx_errstr("poll", "NULL array of pollfd");
		return -LX_EFAULT;
	}
	if (!lx_poll_ready(x))
		return -LX_EINVAL;
	r = lx_poll_tap(x, n);
	if (r == 0) {
		r = lx_poll_wait(x, n, timeout_ns);
		lx_poll_untap(x, n);
	}
	return r;
}

/* lx_poll_core with a context of its own. */
static long lx_poll_call(struct lx_pollfd *fds, size_t n, int64_t timeout_ns)
{
	struct lx_pollctx *x = lx_poll_get();
	long r;

	if (!x) {
		lx_errstr("poll", "no memory for another poll in progress");
		return -LX_ENOMEM;
	}
	x->fds = fds;
	r = lx_poll_core(x, n, timeout_ns);
	lx_poll_put(x);
	return r;
}

/* A timespec as *ns (-1: NULL or too far, for ever); false if malformed. */
static bool lx_timeout_ts(const struct lx_timespec *ts, int64_t *ns, const char *call)
{
	*ns = -1;
	if (!ts)
		return true;
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000) {
		lx_errstr(call, "timeout with negative or out-of-range fields");
		return false;
	}
	if (ts->tv_sec <= INT64_MAX / 1000000000 - 1)
		*ns = ts->tv_sec * 1000000000 + ts->tv_nsec;
	return true;
}

long lx_poll(const long *a)
{
	int64_t ms = (int)a[2];

	return lx_poll_call((struct lx_pollfd *)a[0], (size_t)a[1],
	                    ms < 0 ? -1 : ms * 1000000);
}

static long lx_ppoll_call(const long *a, int64_t ns)
{
	return lx_poll_call((struct lx_pollfd *)a[0], (size_t)a[1], ns);
}

long lx_ppoll(const long *a)
{
	int64_t ns;

	if (!lx_timeout_ts((const struct lx_timespec *)a[2], &ns, "ppoll"))
		return -LX_EINVAL;
	return lx_masked((const void *)a[3], a[4], lx_ppoll_call, a, ns);
}

static bool lx_fd_isset(const unsigned long *set, int fd)
{
	return set && (set[fd / 64] >> (fd % 64)) & 1;
}

/* The select sets as poll entries in x->sel_fds; how many. */
static size_t lx_sel_build(struct lx_pollctx *x, int n, const unsigned long *r,
                           const unsigned long *w, const unsigned long *e)
{
	size_t m = 0;

	for (int fd = 0; fd < n; fd++) {
		int16_t ev = (int16_t)((lx_fd_isset(r, fd) ? LX_POLLIN : 0) |
		                       (lx_fd_isset(w, fd) ? LX_POLLOUT : 0) |
		                       (lx_fd_isset(e, fd) ? LX_POLLPRI : 0));

		if (ev)
			x->sel_fds[m++] = (struct lx_pollfd){ .fd = fd, .events = ev };
	}
	return m;
}

static long lx_sel_mark(unsigned long *set, int fd, bool on)
{
	if (!set || !on)
		return 0;
	set[fd / 64] |= 1ul << (fd % 64);
	return 1;
}

/* Linux's mapping back: read on IN/HUP/ERR, write on OUT/ERR, except PRI. */
static long lx_sel_result(const struct lx_pollctx *x, size_t m, int n, unsigned long *r,
                          unsigned long *w, unsigned long *e)
{
	long count = 0;

	for (size_t i = 0; i < m; i++) {
		if (x->sel_fds[i].revents & LX_POLLNVAL) {
			lx_errstr("select", "a set names an fd that is not open");
			return -LX_EBADF;
		}
	}
	for (unsigned long **s = (unsigned long *[]){ r, w, e, NULL }; *s; s++)
		if (*s)
			memset(*s, 0, (size_t)(n + 63) / 64 * 8);
	for (size_t i = 0; i < m; i++) {
		int fd = x->sel_fds[i].fd, ev = x->sel_fds[i].events;
		int rev = x->sel_fds[i].revents;

		count += lx_sel_mark(r, fd, (ev & LX_POLLIN) &&
		                     (rev & (LX_POLLIN | LX_POLLHUP | LX_POLLERR)));
		count += lx_sel_mark(w, fd, (ev & LX_POLLOUT) && (rev & (LX_POLLOUT | LX_POLLERR)));
		count += lx_sel_mark(e, fd, (ev & LX_POLLPRI) && (rev & LX_POLLPRI));
	}
	return count;
}

static long lx_select_ns(const long *a, int64_t ns)
{
	int n = (int)a[0];
	unsigned long *r = (unsigned long *)a[1], *w = (unsigned long *)a[2];
	unsigned long *e = (unsigned long *)a[3];
	struct lx_pollctx *x;
	size_t m;
	long ret;

	if (n < 0 || n > LX_FD_SETSIZE) {
		lx_errstr("select", "nfds is negative or over FD_SETSIZE (1024)");
		return -LX_EINVAL;
	}
	x = lx_poll_get();
	if (!x) {
		lx_errstr("select", "no memory for another select in progress");
		return -LX_ENOMEM;
	}
	m = lx_sel_build(x, n, r, w, e);
	x->fds = x->sel_fds;
	ret = lx_poll_core(x, m, ns);
	if (ret >= 0)
		ret = lx_sel_result(x, m, n, r, w, e);
	lx_poll_put(x);
	return ret;
}

long lx_select(const long *a)
{
	const struct lx_timeval *tv = (const struct lx_timeval *)a[4];
	int64_t ns = -1;

	if (tv) {
		if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000) {
			lx_errstr("select", "timeout with negative or out-of-range fields");
			return -LX_EINVAL;
		}
		ns = tv->tv_sec > INT64_MAX / 1000000000 - 1 ? -1 :
		     tv->tv_sec * 1000000000 + tv->tv_usec * 1000;
	}
	return lx_select_ns(a, ns);
}

long lx_pselect6(const long *a)
{
	const long *data = (const long *)a[5];
	int64_t ns;

	if (!lx_timeout_ts((const struct lx_timespec *)a[4], &ns, "pselect"))
		return -LX_EINVAL;
	return lx_masked(data ? (const void *)data[0] : NULL, data ? data[1] : 0,
	                 lx_select_ns, a, ns);
}
