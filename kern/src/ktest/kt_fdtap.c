/* SPDX-License-Identifier: MIT */
/*
 * kt_fdtap.c - ktests of FD taps (fdtap.h), suite fdtap, through the
 * kernel's own FD table and a kernel sink instead of an event queue: a
 * pipe's READABLE edge and its firing at ADD when already ready, WRITABLE,
 * HANGUP when the other end closes, several taps on one fd, REM and MOD,
 * close and dup-over removing the taps exactly once with no event after,
 * eventfd and alarm taps, #srv's directory (WRITTEN at a post, DELETED at
 * a removal), #proc/PID/status (READABLE | HANGUP at the exit, and at ADD
 * once dead), every refused request with its errno, the
 * per-table bound, and a removal racing a writer on another core.  Each
 * helper runs in a private name space and FD table (KT_NS_RUN), which also
 * checks that no chan or kmalloc object leaked.
 */
#include <atomic.h>
#include <errno.h>
#include <fdtap.h>
#include <kstring.h>
#include <ktest.h>
#include <process.h>
#include <ros/syscall.h>
#include <sysfile.h>

#include "kt_dev.h"

#define TAP_QS 4                /* ev_q values 0..3 name the sinks' slots */

static atomic_t tap_count[TAP_QS];
static atomic_t tap_bits[TAP_QS];
static atomic_t tap_data[TAP_QS];

static void tap_sink(struct fd_tap *tap, uint32_t bits)
{
	int q = (int)(tap->ev_q % TAP_QS);

	atomic_inc(&tap_count[q]);
	__atomic_fetch_or(&tap_bits[q].v, (int64_t)bits, __ATOMIC_SEQ_CST);
	atomic_set(&tap_data[q], (int64_t)tap->data);
}

static void tap_reset(void)
{
	for (int i = 0; i < TAP_QS; i++) {
		atomic_set(&tap_count[i], 0);
		atomic_set(&tap_bits[i], 0);
		atomic_set(&tap_data[i], 0);
	}
}

static int tap_req(int fd, int cmd, uint32_t filter, uint64_t q, uint64_t data)
{
	struct fd_tap_req r = { .fd = fd, .cmd = cmd, .filter = filter, .ev_id = 7,
	                        .ev_q = q, .data = data };

	return fdtap_request(current_fdt(), NULL, tap_sink, &r);
}

/* Lets the poster run (a routine message of this core) until slot q has
 * seen at least want events, for at most 2 s. */
static bool tap_wait(int q, int64_t want)
{
	uint64_t t0 = nsec_now();

	while (atomic_read(&tap_count[q]) < want) {
		if (kt_dev_ms_since(t0) > 2000)
			return false;
		kthread_usleep(200);
	}
	return true;
}

/* Lets the poster run a while; true if slot q still has exactly n events. */
static bool tap_quiet(int q, int64_t n)
{
	kthread_usleep(20 * 1000);
	return atomic_read(&tap_count[q]) == n;
}

/* Waits (at most 2 s) for the taps still queued for posting to be
 * dropped: a removed tap lives on until its queued fire is drained. */
static bool tap_settle(int64_t live)
{
	uint64_t t0 = nsec_now();

	while (fdtap_nr_live() != live) {
		if (kt_dev_ms_since(t0) > 2000)
			return false;
		kthread_usleep(200);
	}
	return true;
}

static bool pipe_open2(int fds[2])
{
	int dir = sysopen("#pipe", O_PATH, 0);

	if (dir < 0)
		return false;
	fds[0] = sysopenat(dir, "data", O_RDWR, 0);
	fds[1] = sysopenat(dir, "data1", O_RDWR, 0);
	sysclose(dir);
	return fds[0] >= 0 && fds[1] >= 0;
}

static bool pipe_close2(int fds[2])
{
	sysclose(fds[0]);
	sysclose(fds[1]);
	return tap_settle(0);
}

static bool do_pipe_readable_edge(void)
{
	int64_t live = fdtap_nr_live();
	int fds[2];
	char buf[8];

	tap_reset();
	KT_CHECK(pipe_open2(fds));
	KT_CHECK(tap_req(fds[0], FDTAP_CMD_ADD, FDTAP_FILT_READABLE, 1, 0x1234) == 0);
	KT_CHECK(fdtap_nr(current_fdt()) == 1);
	KT_CHECK(tap_quiet(1, 0));                      /* empty: nothing yet */
	KT_CHECK(syswrite(fds[1], "x", 1) == 1);
	KT_CHECK(tap_wait(1, 1));
	KT_CHECK(atomic_read(&tap_bits[1]) == FDTAP_FILT_READABLE);
	KT_CHECK(atomic_read(&tap_data[1]) == 0x1234);
	KT_CHECK(syswrite(fds[1], "y", 1) == 1);        /* not an edge: still readable */
	KT_CHECK(tap_quiet(1, 1));
	KT_CHECK(sysread(fds[0], buf, sizeof(buf)) == 2);
	KT_CHECK(syswrite(fds[1], "z", 1) == 1);        /* empty -> readable again */
	KT_CHECK(tap_wait(1, 2));
	KT_CHECK(pipe_close2(fds));
	KT_CHECK(fdtap_nr(current_fdt()) == 0);
	KT_CHECK(fdtap_nr_live() == live);
	return true;
}

KTEST(fdtap, pipe_readable_edge)
{
	KT_NS_RUN(do_pipe_readable_edge());
}

static bool do_fires_at_add(void)
{
	int fds[2];

	tap_reset();
	KT_CHECK(pipe_open2(fds));
	KT_CHECK(syswrite(fds[1], "x", 1) == 1);
	KT_CHECK(tap_req(fds[0], FDTAP_CMD_ADD, FDTAP_FILT_READABLE, 1, 0) == 0);
	KT_CHECK(tap_wait(1, 1));
	KT_CHECK(tap_quiet(1, 1));                      /* once */
	/* An empty pipe has room: WRITABLE fires at ADD. */
	KT_CHECK(tap_req(fds[1], FDTAP_CMD_ADD, FDTAP_FILT_WRITABLE, 2, 0) == 0);
	KT_CHECK(tap_wait(2, 1));
	KT_CHECK(atomic_read(&tap_bits[2]) == FDTAP_FILT_WRITABLE);
	KT_CHECK(pipe_close2(fds));
	return true;
}

KTEST(fdtap, fires_at_add_when_ready)
{
	KT_NS_RUN(do_fires_at_add());
}

static bool do_hangup(void)
{
	int fds[2];

	tap_reset();
	KT_CHECK(pipe_open2(fds));
	KT_CHECK(tap_req(fds[0], FDTAP_CMD_ADD, FDTAP_FILT_HANGUP, 1, 0) == 0);
	KT_CHECK(tap_quiet(1, 0));
	sysclose(fds[1]);
	KT_CHECK(tap_wait(1, 1));
	KT_CHECK(atomic_read(&tap_bits[1]) == FDTAP_FILT_HANGUP);
	sysclose(fds[0]);
	return true;
}

KTEST(fdtap, pipe_hangup)
{
	KT_NS_RUN(do_hangup());
}

static bool do_several_per_fd(void)
{
	int fds[2];

	tap_reset();
	KT_CHECK(pipe_open2(fds));
	KT_CHECK(tap_req(fds[0], FDTAP_CMD_ADD, FDTAP_FILT_READABLE, 1, 11) == 0);
	KT_CHECK(tap_req(fds[0], FDTAP_CMD_ADD, FDTAP_FILT_READABLE, 2, 22) == 0);
	KT_CHECK(tap_req(fds[0], FDTAP_CMD_ADD, FDTAP_FILT_READABLE, 2, 0) == -1);
	KT_CHECK(get_errno() == EEXIST);
	KT_CHECK(fdtap_nr(current_fdt()) == 2);
	KT_CHECK(syswrite(fds[1], "x", 1) == 1);
	KT_CHECK(tap_wait(1, 1) && tap_wait(2, 1));
	KT_CHECK(atomic_read(&tap_data[1]) == 11 && atomic_read(&tap_data[2]) == 22);
	KT_CHECK(pipe_close2(fds));
	KT_CHECK(fdtap_nr(current_fdt()) == 0);
	return true;
}

KTEST(fdtap, several_taps_per_fd)
{
	KT_NS_RUN(do_several_per_fd());
}

static bool do_rem_and_mod(void)
{
	int fds[2];
	char buf[8];

	tap_reset();
	KT_CHECK(pipe_open2(fds));
	KT_CHECK(tap_req(fds[0], FDTAP_CMD_ADD, FDTAP_FILT_READABLE, 1, 0) == 0);
	KT_CHECK(tap_req(fds[0], FDTAP_CMD_REM, 0, 1, 0) == 0);
	KT_CHECK(tap_req(fds[0], FDTAP_CMD_REM, 0, 1, 0) == -1);
	KT_CHECK(get_errno() == ENOENT);
	KT_CHECK(syswrite(fds[1], "x", 1) == 1);
	KT_CHECK(tap_quiet(1, 0));                      /* removed: no event */
	KT_CHECK(sysread(fds[0], buf, sizeof(buf)) == 1);
	/* MOD: a READABLE tap becomes WRITABLE and fires at once (room). */
	KT_CHECK(tap_req(fds[0], FDTAP_CMD_ADD, FDTAP_FILT_READABLE, 2, 1) == 0);
	KT_CHECK(tap_quiet(2, 0));
	KT_CHECK(tap_req(fds[0], FDTAP_CMD_MOD, FDTAP_FILT_WRITABLE, 2, 2) == 0);
	KT_CHECK(tap_wait(2, 1));
	KT_CHECK(atomic_read(&tap_bits[2]) == FDTAP_FILT_WRITABLE);
	KT_CHECK(atomic_read(&tap_data[2]) == 2);
	KT_CHECK(tap_req(fds[1], FDTAP_CMD_MOD, FDTAP_FILT_READABLE, 3, 0) == -1);
	KT_CHECK(get_errno() == ENOENT);
	/* A refused MOD keeps the tap as it was. */
	KT_CHECK(tap_req(fds[0], FDTAP_CMD_MOD, FDTAP_FILT_DELETED, 2, 0) == -1);
	KT_CHECK(get_errno() == EINVAL);
	KT_CHECK(fdtap_nr(current_fdt()) == 1);
	KT_CHECK(pipe_close2(fds));
	return true;
}

KTEST(fdtap, rem_and_mod)
{
	KT_NS_RUN(do_rem_and_mod());
}

static bool do_close_removes(void)
{
	int64_t live = fdtap_nr_live(), chans = chan_nr_live();
	int fds[2], dup;

	tap_reset();
	KT_CHECK(pipe_open2(fds));
	dup = sysdup(fds[0], 0, 0);
	KT_CHECK(dup >= 0);
	KT_CHECK(tap_req(fds[0], FDTAP_CMD_ADD, FDTAP_FILT_READABLE, 1, 0) == 0);
	KT_CHECK(tap_req(dup, FDTAP_CMD_ADD, FDTAP_FILT_READABLE, 2, 0) == 0);
	KT_CHECK(sysclose(fds[0]) == 0);                /* only fds[0]'s tap goes */
	KT_CHECK(fdtap_nr(current_fdt()) == 1);
	KT_CHECK(tap_req(fds[0], FDTAP_CMD_REM, 0, 1, 0) == -1);
	KT_CHECK(get_errno() == ENOENT);
	KT_CHECK(syswrite(fds[1], "x", 1) == 1);
	KT_CHECK(tap_wait(2, 1));
	KT_CHECK(tap_quiet(1, 0));
	/* dup2 onto a tapped fd closes what it named: its tap goes. */
	KT_CHECK(sysdup_to(fds[1], dup, 0) == dup);
	KT_CHECK(fdtap_nr(current_fdt()) == 0);
	KT_CHECK(fdtap_nr_live() == live);
	sysclose(dup);
	sysclose(fds[1]);
	KT_CHECK(chan_nr_live() == chans);
	return true;
}

KTEST(fdtap, close_and_dup2_remove)
{
	KT_NS_RUN(do_close_removes());
}

static bool do_eventfd(void)
{
	int fd = sysopen("#eventfd/efd", O_RDWR, 0);
	uint64_t v = 5;

	tap_reset();
	KT_CHECK(fd >= 0);
	KT_CHECK(tap_req(fd, FDTAP_CMD_ADD, FDTAP_FILT_READABLE, 1, 0) == 0);
	KT_CHECK(tap_req(fd, FDTAP_CMD_ADD, FDTAP_FILT_WRITABLE, 2, 0) == 0);
	KT_CHECK(tap_wait(2, 1));                       /* writable at once */
	KT_CHECK(tap_quiet(1, 0));
	KT_CHECK(syswrite(fd, &v, sizeof(v)) == sizeof(v));
	KT_CHECK(tap_wait(1, 1));
	KT_CHECK(sysread(fd, &v, sizeof(v)) == sizeof(v) && v == 5);
	KT_CHECK(tap_wait(2, 2));
	sysclose(fd);
	KT_CHECK(tap_settle(0));
	return true;
}

KTEST(fdtap, eventfd)
{
	KT_NS_RUN(do_eventfd());
}

static bool do_alarm(void)
{
	int ctl = sysopen("#alarm/clone", O_RDWR, 0), count, timer;
	char buf[32], path[64];
	ssize_t n;

	tap_reset();
	KT_CHECK(ctl >= 0);
	n = sysread(ctl, buf, sizeof(buf) - 1);
	KT_CHECK(n > 0);
	buf[n - 1] = '\0';
	snprintf(path, sizeof(path), "#alarm/a%s/count", buf);
	count = sysopen(path, O_READ, 0);
	snprintf(path, sizeof(path), "#alarm/a%s/timer", buf);
	timer = sysopen(path, O_RDWR, 0);
	KT_CHECK(count >= 0 && timer >= 0);
	KT_CHECK(tap_req(count, FDTAP_CMD_ADD, FDTAP_FILT_WRITTEN, 1, 0) == -1);
	KT_CHECK(get_errno() == EINVAL && kt_dev_has(get_errstr(), "#alarm"));
	KT_CHECK(tap_req(timer, FDTAP_CMD_ADD, FDTAP_FILT_READABLE, 1, 0) == -1);
	KT_CHECK(get_errno() == EPERM);
	KT_CHECK(tap_req(count, FDTAP_CMD_ADD, FDTAP_FILT_READABLE, 1, 0) == 0);
	KT_CHECK(syswrite(timer, "+1000000", 8) == 8);  /* 1 ms */
	KT_CHECK(tap_wait(1, 1));
	KT_CHECK(sysread(count, buf, sizeof(buf)) > 0 && buf[0] == '1');
	sysclose(timer);
	sysclose(count);
	sysclose(ctl);
	KT_CHECK(tap_settle(0));
	return true;
}

KTEST(fdtap, alarm_count)
{
	KT_NS_RUN(do_alarm());
}

static bool tap_refused(int fd, int cmd, uint32_t filter, int err, const char *what)
{
	KT_CHECK(tap_req(fd, cmd, filter, 1, 0) == -1);
	KT_CHECK(get_errno() == err);
	KT_CHECK(kt_dev_has(get_errstr(), what));
	return true;
}

static bool do_refusals(void)
{
	int fds[2], ctl, rnd;
	struct fd_tap_req r = { .fd = 0, .cmd = FDTAP_CMD_ADD, .filter = 1,
	                        .ev_id = FDTAP_MAX_EV_ID + 1 };

	KT_CHECK(pipe_open2(fds));
	ctl = sysopen("#pipe/ctl", O_RDWR, 0);
	rnd = sysopen("#random/random", O_READ, 0);
	KT_CHECK(ctl >= 0 && rnd >= 0);
	KT_CHECK(tap_refused(fds[0], 9, FDTAP_FILT_READABLE, EINVAL, "unknown cmd"));
	KT_CHECK(tap_refused(fds[0], FDTAP_CMD_ADD, 0, EINVAL, "empty"));
	KT_CHECK(tap_refused(fds[0], FDTAP_CMD_ADD, 0x8000, EINVAL, "unknown"));
	KT_CHECK(tap_refused(fds[0], FDTAP_CMD_ADD, FDTAP_FILT_DELETED, EINVAL, "#pipe"));
	KT_CHECK(tap_refused(77, FDTAP_CMD_ADD, FDTAP_FILT_READABLE, EBADF, "not open"));
	KT_CHECK(tap_refused(-1, FDTAP_CMD_ADD, FDTAP_FILT_READABLE, EBADF, "range"));
	KT_CHECK(tap_refused(ctl, FDTAP_CMD_ADD, FDTAP_FILT_READABLE, EPERM, "data"));
	KT_CHECK(tap_refused(rnd, FDTAP_CMD_ADD, FDTAP_FILT_READABLE, EPERM, "no taps"));
	r.fd = fds[0];
	KT_CHECK(fdtap_request(current_fdt(), NULL, tap_sink, &r) == -1);
	KT_CHECK(get_errno() == EINVAL && kt_dev_has(get_errstr(), "ev_id"));
	KT_CHECK(fdtap_nr(current_fdt()) == 0);
	sysclose(rnd);
	sysclose(ctl);
	KT_CHECK(pipe_close2(fds));
	return true;
}

KTEST(fdtap, refusals_name_the_problem)
{
	KT_NS_RUN(do_refusals());
}

static bool do_bound(void)
{
	int64_t live = fdtap_nr_live();
	int fds[2];
	uint64_t q;

	KT_CHECK(pipe_open2(fds));
	for (q = 0; q < FDTAP_MAX_PER_PROC; q++)
		KT_CHECK(tap_req(fds[0], FDTAP_CMD_ADD, FDTAP_FILT_READABLE, q * TAP_QS, 0) == 0);
	KT_CHECK(tap_refused(fds[1], FDTAP_CMD_ADD, FDTAP_FILT_READABLE, ENOSPC, "most"));
	KT_CHECK(fdtap_nr(current_fdt()) == FDTAP_MAX_PER_PROC);
	KT_CHECK(pipe_close2(fds));
	KT_CHECK(fdtap_nr(current_fdt()) == 0);
	KT_CHECK(fdtap_nr_live() == live);
	return true;
}

KTEST(fdtap, bounded_per_table)
{
	KT_NS_RUN(do_bound());
}

struct tap_writer {
	int fd;
	atomic_t stop;
};

static void tap_writer_fn(void *arg)
{
	struct tap_writer *w = arg;
	char buf[64];

	/* Fill-and-drain edges on fd's own pipe: end 0 reads what end 1
	 * writes, so write and read back through the same end pair. */
	while (!atomic_read(&w->stop)) {
		if (syswrite(w->fd + 1, "x", 1) != 1)
			break;
		sysread(w->fd, buf, sizeof(buf));
		kthread_yield();
	}
}

/* A tap removed while another core keeps firing it posts nothing after
 * REM returns. */
static bool do_remove_races_writer(void)
{
	struct tap_writer w = { .stop = ATOMIC_INIT(0) };
	struct kthread *kt;
	int fds[2];
	int64_t seen;

	tap_reset();
	KT_CHECK(pipe_open2(fds));
	KT_CHECK(fds[1] == fds[0] + 1);
	w.fd = fds[0];
	KT_CHECK(tap_req(fds[0], FDTAP_CMD_ADD, FDTAP_FILT_READABLE, 1, 0) == 0);
	kt = kt_dev_start(tap_writer_fn, &w);
	KT_CHECK(kt);
	KT_CHECK(tap_wait(1, 3));
	KT_CHECK(tap_req(fds[0], FDTAP_CMD_REM, 0, 1, 0) == 0);
	seen = atomic_read(&tap_count[1]);
	KT_CHECK(tap_quiet(1, seen));
	atomic_set(&w.stop, 1);
	kthread_join(kt);
	KT_CHECK(pipe_close2(fds));
	return true;
}

KTEST(fdtap, remove_races_a_writer)
{
	KT_NS_RUN(do_remove_races_writer());
}

/* #srv: the directory says when a chan is posted and when an entry goes. */
static bool do_srv_directory(void)
{
	int dir = sysopen("#srv", O_READ, 0), efd = sysopen("#eventfd/efd", O_RDWR, 0), ent;
	char num[16];

	tap_reset();
	KT_CHECK(dir >= 0 && efd >= 0);
	KT_CHECK(tap_req(dir, FDTAP_CMD_ADD, FDTAP_FILT_WRITTEN | FDTAP_FILT_DELETED, 1, 0) == 0);
	KT_CHECK(tap_req(dir, FDTAP_CMD_ADD, FDTAP_FILT_READABLE, 2, 0) == 0);
	KT_CHECK(tap_wait(2, 1));                       /* a directory is readable */
	KT_CHECK(tap_quiet(1, 0));
	ent = syscreate("#srv/kt_tap_svc", O_WRITE, 0666);
	KT_CHECK(ent >= 0);
	KT_CHECK(tap_refused(ent, FDTAP_CMD_ADD, FDTAP_FILT_READABLE, EPERM, "the directory"));
	snprintf(num, sizeof(num), "%d", efd);
	KT_CHECK(syswrite(ent, num, strlen(num)) == (ssize_t)strlen(num));
	KT_CHECK(tap_wait(1, 1));
	KT_CHECK(atomic_read(&tap_bits[1]) == FDTAP_FILT_WRITTEN);
	KT_CHECK(sysremove("#srv/kt_tap_svc") == 0);
	KT_CHECK(tap_wait(1, 2));
	KT_CHECK(atomic_read(&tap_bits[1]) & FDTAP_FILT_DELETED);
	sysclose(ent);
	sysclose(efd);
	sysclose(dir);
	KT_CHECK(tap_settle(0));
	return true;
}

KTEST(fdtap, srv_directory)
{
	KT_NS_RUN(do_srv_directory());
}

static int tap_open_status(int pid)
{
	char path[48];

	snprintf(path, sizeof(path), "#proc/%d/status", pid);
	return sysopen(path, O_READ, 0);
}

/* #proc/PID/status: READABLE | HANGUP at the exit, and at ADD after it. */
static bool do_proc_exit(void)
{
	static const char *const argv[] = { "/test/hello", NULL };
	struct proc *p;
	char path[48];
	int st, st2, args;

	tap_reset();
	KT_CHECK(proc_create("/test/hello", argv, NULL, &p) == 0);
	st = tap_open_status(p->pid);
	snprintf(path, sizeof(path), "#proc/%d/args", p->pid);
	args = sysopen(path, O_READ, 0);
	KT_CHECK(st >= 0 && args >= 0);
	KT_CHECK(tap_refused(args, FDTAP_CMD_ADD, FDTAP_FILT_READABLE, EPERM, "status"));
	KT_CHECK(tap_refused(st, FDTAP_CMD_ADD, FDTAP_FILT_WRITTEN, EINVAL, "#proc"));
	KT_CHECK(tap_req(st, FDTAP_CMD_ADD, FDTAP_FILT_READABLE | FDTAP_FILT_HANGUP, 1, 0) == 0);
	KT_CHECK(tap_quiet(1, 0));                      /* alive: nothing to say */
	KT_CHECK(proc_kill(p, WSTATUS_KILLED) == 0);
	KT_CHECK(tap_wait(1, 1));
	KT_CHECK(atomic_read(&tap_bits[1]) == (FDTAP_FILT_READABLE | FDTAP_FILT_HANGUP));
	st2 = tap_open_status(p->pid);
	KT_CHECK(st2 >= 0);
	KT_CHECK(tap_req(st2, FDTAP_CMD_ADD, FDTAP_FILT_HANGUP, 2, 0) == 0);
	KT_CHECK(tap_wait(2, 1));                       /* already dead: fired at ADD */
	KT_CHECK(atomic_read(&tap_bits[2]) == FDTAP_FILT_HANGUP);
	sysclose(st2);
	sysclose(st);
	sysclose(args);
	KT_CHECK(proc_wait(p) == WSTATUS_KILLED);
	KT_CHECK(tap_settle(0));
	return true;
}

KTEST(fdtap, proc_exit)
{
	KT_NS_RUN(do_proc_exit());
}
