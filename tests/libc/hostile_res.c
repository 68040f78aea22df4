/* SPDX-License-Identifier: MIT */
/*
 * hostile_res.c - the resource part of the hostile suite: a process tries
 * to make the kernel allocate without bound, or to starve a core, or to
 * reach memory its own protections forbid through a syscall.  Each attack
 * runs in a forked child; the parent reads #mem/free before and after
 * (letting the kernel settle), checks that the kernel still answers, and
 * checks the bound the attack ran into (Documentation/processes.md, "Limits
 * on kernel resources"; Documentation/security.md, "Resource bounds"):
 *
 *  - many pending syscalls: raw reads of an empty pipe, each its own record,
 *    never waited for: at most SYSC_MAX_DETACHED detach, the next one keeps
 *    its submitter (the child blocks, a kill ends it);
 *  - timer storms: periodic timerfds of 1 ns and 1 us count every period
 *    yet fire at most every ALARM_MIN_REARM_NS, and ALARM_MAX_PER_PROC
 *    storming #alarm timers leave a sleeper on the same core on time;
 *  - FD and chan exhaustion: opens until EMFILE at NR_FILE_DESC_MAX;
 *  - mount tables: a union bound onto itself (it doubles) stops at
 *    NS_MAX_UNION, binds on many directories at NS_MAX_MOUNTS, and binds
 *    and unmounts in front of a union leave the count of mounts right;
 *  - event queues: undrained UCQs flooded by send_event stop growing at
 *    UCQ_MAX_EXTRA_PGS per queue and EV_UCQ_MAX_PROC_PGS per process;
 *  - user copies against page protections: write() from and read() into
 *    PROT_NONE pages, read() into a PROT_READ page, a stat path in a
 *    PROT_NONE page: EFAULT, the page untouched; read() into a page shared
 *    copy-on-write with the parent: the child's copy only.
 *
 * Run by scripts/run-ktests.sh on two machine shapes (run_utest
 * hostile_res_smp1 and hostile_res_smp4).  A panic or a hang fails the boot.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <parlib/event.h>
#include <parlib/ns.h>
#include <parlib/syscall.h>
#include <ros/limits.h>
#include <utest/utest.h>

#define HR_UNUSED __attribute__((unused))

/* The kernel's bound on UCQ pages of one process (kern/include/event.h). */
#define EV_UCQ_MAX_PROC_PGS 1024

/* Pages of a kthread's stack (KSTACK_SIZE). */
#define HR_KSTACK_PAGES 4

/* Pages the kernel may keep in caches after an attack (slab magazines). */
#define HR_PAGE_SLACK   512
#define HR_SETTLE_MS    5000

/* ------------------------------------------------------------ helpers */

static uint64_t hr_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void hr_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* One value of #mem/free ("name value" lines); -1 if absent. */
static long hr_mem(const char *name)
{
	static char buf[1024];
	size_t len = strlen(name);
	int fd = open("#mem/free", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, name, len) && l[len] == ' ')
			return atol(l + len + 1);
	return -1;
}

/*
 * Waits until free pages are back within HR_PAGE_SLACK + cached of
 * 'before'.  'cached': pages the attack's bounded kernel objects may leave
 * in the allocator's caches (freed kthread stacks stay in the kpages
 * arena's caches, which #mem/free does not count as free).
 */
static void hr_settled(long before, long cached, const char *attack)
{
	long now = -1;

	for (int ms = 0; ms < HR_SETTLE_MS; ms += 50) {
		now = hr_mem("pages_free");
		if (now >= before - HR_PAGE_SLACK - cached)
			return;
		hr_sleep_ms(50);
	}
	UT_ASSERT_MSG(0, "%s: %ld free pages before, %ld after %d ms", attack, before, now,
	              HR_SETTLE_MS);
}

/*
 * One attack: the forked child, a page shared with it for its reports
 * (shared[1] and [2] are hr_note_error's), and the free pages before.
 */
struct hr_run {
	const char *what;
	volatile long *shared;
	long before;
	pid_t pid;
};

/* Forks a child that runs fn(shared, arg); fn must _exit. */
static struct hr_run hr_start(const char *what, void (*fn)(volatile long *, int), int arg)
{
	struct hr_run r = { .what = what, .before = hr_mem("pages_free") };
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	UT_ASSERT_MSG(p != MAP_FAILED, "%s: mmap of a shared page: %s", what, strerror(errno));
	memset(p, 0, 4096);
	r.shared = p;
	r.pid = fork();
	UT_ASSERT_MSG(r.pid >= 0, "%s: fork: %s", what, strerror(errno));
	if (r.pid == 0) {
		fn(r.shared, arg);
		_exit(98);
	}
	return r;
}

/* After the child is gone: drops the page, waits for the kernel to settle
 * ('cached' as hr_settled). */
static void hr_finish(struct hr_run *r, long cached)
{
	munmap((void *)r->shared, 4096);
	hr_settled(r->before, cached, r->what);
}

/* Reaps the child; its wait status. */
static int hr_reap(struct hr_run *r)
{
	int status = -1;

	UT_ASSERT_EQ(waitpid(r->pid, &status, 0), r->pid);
	return status;
}

/* The child must still be alive (blocked where the attack put it): kill it. */
static void hr_kill_alive(struct hr_run *r)
{
	int status;

	UT_ASSERT_MSG(waitpid(r->pid, &status, WNOHANG) == 0, "%s: the child ended (status %#x)",
	              r->what, status);
	UT_SYS(kill(r->pid, SIGKILL));
	status = hr_reap(r);
	UT_ASSERT_MSG(WIFSIGNALED(status), "%s: status %#x after a kill", r->what, status);
}

/* The child's verdict: exit code 0. */
static void hr_expect_ok(struct hr_run *r)
{
	int status = hr_reap(r);

	UT_ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	              "%s: child status %#x", r->what, status);
}

/* Child: the errno of the call that failed, and whether its errstr names
 * 'limit', into shared[1] and shared[2]. */
static void hr_note_error(volatile long *shared, const char *limit)
{
	shared[1] = errno;
	shared[2] = strstr(errstr(), limit) != NULL;
}

/* Parent: the child noted errno e and an errstr naming 'limit'. */
static void hr_expect_error(struct hr_run *r, int e, const char *limit)
{
	UT_ASSERT_MSG(r->shared[1] == e, "%s: errno %ld, want %d", r->what, r->shared[1], e);
	UT_ASSERT_MSG(r->shared[2], "%s: the errstr does not name %s", r->what, limit);
}

/* Waits up to 3 s for the child to set shared[i] to at least v. */
static void hr_wait_for(struct hr_run *r, int i, long v)
{
	for (int ms = 0; ms < 3000 && r->shared[i] < v; ms += 20)
		hr_sleep_ms(20);
}

/* How long ten 10 ms sleeps take, in ms (a starved core makes it long). */
static long hr_sleeper_ms(void)
{
	uint64_t t0 = hr_now_ns();

	for (int i = 0; i < 10; i++)
		hr_sleep_ms(10);
	return (long)((hr_now_ns() - t0) / 1000000);
}

/* --------------------------------------------------- pending syscalls */

/* Enough records to exhaust a 1 GiB kernel when every one gets a kthread. */
#define HR_PENDING_TRIES (SYSC_MAX_DETACHED * 80)

static struct syscall hr_scs[HR_PENDING_TRIES];
static char hr_bytes[SYSC_MAX_DETACHED];

/* The trap alone: parlib's ros_syscall would wait for the record. */
static void hr_trap(struct syscall *sc)
{
	__asm__ volatile("syscall" : : "D"(sc), "S"(1UL) : "rax", "rcx", "r11", "memory");
}

/* Child: raw reads of the empty pipe rfd, never waited for; shared[0]
 * counts the ones that came back unfinished, shared[3] is set by a
 * finished one. */
static void hr_pending_child(volatile long *shared, int rfd)
{
	static char byte;

	for (long i = 0; i < HR_PENDING_TRIES; i++) {
		struct syscall *sc = &hr_scs[i];

		sc->num = SYS_read;
		sc->arg0 = (uint64_t)rfd;
		sc->arg1 = (uint64_t)(uintptr_t)&byte;
		sc->arg2 = 1;
		hr_trap(sc);
		if (__atomic_load_n(&sc->flags, __ATOMIC_ACQUIRE) & SC_DONE)
			shared[3] = 1;
		else
			shared[0] = i + 1;
	}
	_exit(0);
}

UTEST(res, pending_syscalls_are_bounded)
{
	struct hr_run r;
	int p[2];

	UT_SYS(pipe(p));
	r = hr_start("pending syscalls", hr_pending_child, p[0]);
	hr_wait_for(&r, 0, SYSC_MAX_DETACHED);
	hr_sleep_ms(1500);              /* it would go on if it could (main: on to a panic) */
	UT_ASSERT_EQ(r.shared[0], SYSC_MAX_DETACHED);
	UT_ASSERT_EQ(r.shared[3], 0);
	hr_kill_alive(&r);
	UT_SYS(close(p[0]));
	UT_SYS(close(p[1]));
	hr_finish(&r, SYSC_MAX_DETACHED * HR_KSTACK_PAGES);
}

/* Child: SYSC_MAX_DETACHED pending reads of rfd, then one more through the
 * C library, which keeps the submitter until data comes. */
static void hr_past_bound_child(volatile long *shared, int rfd)
{
	char c = 0;
	long n;

	for (long i = 0; i < SYSC_MAX_DETACHED; i++) {
		hr_scs[i] = (struct syscall){ .num = SYS_read, .arg0 = (uint64_t)rfd,
		                              .arg1 = (uint64_t)(uintptr_t)&hr_bytes[i],
		                              .arg2 = 1 };
		hr_trap(&hr_scs[i]);
	}
	shared[0] = 1;
	n = read(rfd, &c, 1);
	_exit(n == 1 && c == 'z' ? 0 : 1);
}

/* A blocked submitter past the bound still completes its call normally. */
UTEST(res, call_past_the_bound_completes_when_it_can)
{
	struct hr_run r;
	int p[2];

	UT_SYS(pipe(p));
	r = hr_start("the call past the bound", hr_past_bound_child, p[0]);
	hr_wait_for(&r, 0, 1);
	UT_ASSERT_EQ(r.shared[0], 1);
	/* One byte per pending read, plus one for the submitter's. */
	for (long i = 0; i <= SYSC_MAX_DETACHED; i++)
		UT_ASSERT_EQ(write(p[1], "z", 1), 1);
	hr_expect_ok(&r);
	UT_SYS(close(p[0]));
	UT_SYS(close(p[1]));
	hr_finish(&r, SYSC_MAX_DETACHED * HR_KSTACK_PAGES);
}

/* ------------------------------------------------------- timer storms */

/* Nonblocking reads of fd for 50 ms: how many found expirations (the
 * count changes only when the timer interrupt comes); the time in *ns. */
static long hr_storm_reads(int fd, uint64_t *ns)
{
	uint64_t t0 = hr_now_ns(), count;
	long found = 0;

	while (hr_now_ns() - t0 < 50000000ULL)
		found += read(fd, &count, sizeof(count)) == sizeof(count);
	*ns = hr_now_ns() - t0;
	return found;
}

/*
 * Child: a periodic timerfd of period_ns for 300 ms.  shared[0]: the
 * expirations read (counted, not lost), shared[1]: the periods that
 * elapsed, shared[2]: reads that found expirations in shared[3] ns.
 */
static void hr_storm_child(volatile long *shared, int period_ns)
{
	struct itimerspec its = { { 0, period_ns }, { 0, period_ns } };
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	uint64_t t0, count = 0, ns;

	if (fd < 0 || timerfd_settime(fd, 0, &its, NULL))
		_exit(2);
	t0 = hr_now_ns();
	hr_sleep_ms(300);
	if (read(fd, &count, sizeof(count)) != sizeof(count))
		_exit(3);
	shared[0] = (long)count;
	shared[1] = (long)((hr_now_ns() - t0) / (uint64_t)period_ns);
	shared[2] = hr_storm_reads(fd, &ns);
	shared[3] = (long)ns;
	close(fd);
	_exit(0);
}

static void hr_storm(int period_ns)
{
	struct hr_run r = hr_start("timer storm", hr_storm_child, period_ns);
	volatile long *sh = r.shared;
	long slept = hr_sleeper_ms();

	hr_expect_ok(&r);
	UT_ASSERT_MSG(slept < 2000, "ten 10 ms sleeps took %ld ms during the storm", slept);
	/* Every period that passed is counted, none lost to the coalescing.
	 * (The upper bound is loose: under TCG the count was seen up to 12%
	 * ahead of the child's CLOCK_MONOTONIC, before the bounds too.) */
	UT_ASSERT_MSG(sh[0] >= 280000000L / period_ns && sh[0] <= sh[1] / 4 * 5,
	              "period %d ns: count %ld, %ld periods elapsed", period_ns, sh[0], sh[1]);
	/* ... but the timer interrupt came at most every ALARM_MIN_REARM_NS. */
	UT_ASSERT_MSG(sh[2] <= sh[3] / (long)ALARM_MIN_REARM_NS + 2,
	              "period %d ns: %ld reads found new expirations in %ld ns", period_ns,
	              sh[2], sh[3]);
	hr_finish(&r, 0);
}

UTEST(res, timer_storm_1ns)
{
	hr_storm(1);
}

UTEST(res, timer_storm_1us)
{
	hr_storm(1000);
}

/* Opens one #alarm timer firing every 1 us; its count fd, or -1. */
static int hr_alarm_open_storming(void)
{
	char dir[64], path[80];
	int ctl = open("#alarm/clone", O_RDWR), fd;
	ssize_t n;

	if (ctl < 0)
		return -1;
	n = read(ctl, dir, sizeof(dir) - 1);
	dir[n > 0 ? n - 1 : 0] = '\0';
	snprintf(path, sizeof(path), "#alarm/a%s/period", dir);
	fd = open(path, O_RDWR);
	if (fd < 0 || write(fd, "1000", 4) != 4)
		_exit(4);
	close(fd);
	snprintf(path, sizeof(path), "#alarm/a%s/timer", dir);
	fd = open(path, O_RDWR);
	if (fd < 0 || write(fd, "+1000", 5) != 5)
		_exit(5);
	close(fd);
	return ctl;
}

/* Child: storming alarms until the kernel refuses one (shared[0] made). */
static void hr_timers_child(volatile long *shared, int unused HR_UNUSED)
{
	long n = 0;

	while (n < 4 * ALARM_MAX_PER_PROC && hr_alarm_open_storming() >= 0)
		shared[0] = ++n;
	hr_note_error(shared, "ALARM_MAX_PER_PROC");
	hr_sleep_ms(500);
	_exit(0);       /* the kernel closes them */
}

UTEST(res, many_storming_timers_are_bounded)
{
	struct hr_run r = hr_start("many timers", hr_timers_child, 0);
	long slept;

	hr_sleep_ms(100);
	slept = hr_sleeper_ms();
	hr_expect_ok(&r);
	UT_ASSERT_EQ(r.shared[0], ALARM_MAX_PER_PROC);
	hr_expect_error(&r, EAGAIN, "ALARM_MAX_PER_PROC");
	UT_ASSERT_MSG(slept < 2000, "ten 10 ms sleeps took %ld ms beside %d timers", slept,
	              ALARM_MAX_PER_PROC);
	hr_finish(&r, 0);
}

/* ------------------------------------------------ FDs and their chans */

/* Child: opens of one file until EMFILE; each open is a chan of its own
 * (a dup would share one). */
static void hr_fds_child(volatile long *shared, int unused HR_UNUSED)
{
	long n = 0;

	while (n < 100000 && open("/tmp/hr_file", O_RDONLY) >= 0)
		n++;
	shared[0] = n;
	hr_note_error(shared, "");
	_exit(0);
}

UTEST(res, fd_and_chan_exhaustion)
{
	long slabs = hr_mem("slab_objects");
	struct hr_run r;

	UT_SYS(close(UT_SYS(open("/tmp/hr_file", O_CREAT | O_RDWR, 0644))));
	r = hr_start("fd exhaustion", hr_fds_child, 0);
	hr_expect_ok(&r);
	UT_SYS(unlink("/tmp/hr_file"));
	hr_expect_error(&r, EMFILE, "");
	UT_ASSERT_MSG(r.shared[0] > 1000 && r.shared[0] < 4096, "%ld opens before EMFILE",
	              r.shared[0]);
	hr_finish(&r, 0);
	UT_ASSERT_MSG(hr_mem("slab_objects") < slabs + 1000,
	              "slab objects %ld before, %ld after", slabs, hr_mem("slab_objects"));
}

/* ------------------------------------------------------ mount tables */

/* Child: a union bound onto itself doubles at each bind (binding a union
 * mounts each member), so 40 binds would ask for 2^40 mounts. */
static void hr_union_child(volatile long *shared, int unused HR_UNUSED)
{
	int r = 0;

	mkdir("/tmp/hr_union", 0755);
	for (int i = 0; i < 40 && r >= 0; i++) {
		r = vireo_bind("/tmp/hr_union", "/tmp/hr_union", VIREO_MAFTER);
		if (r >= 0)
			shared[0] = i + 1;
	}
	hr_note_error(shared, "NS_MAX_UNION");
	_exit(0);
}

/* Child: binds in front of a union of 9 and unmounts again, 300 times:
 * the name space's count of mounts must not drift towards its limit. */
static void hr_union_churn_child(volatile long *shared, int unused HR_UNUSED)
{
	mkdir("/tmp/hr_churn", 0755);
	mkdir("/tmp/hr_front", 0755);
	for (int i = 0; i < 8; i++)
		if (vireo_bind("#proc", "/tmp/hr_churn", VIREO_MAFTER) < 0)
			_exit(2);
	for (int i = 0; i < 300; i++) {
		if (vireo_bind("/tmp/hr_front", "/tmp/hr_churn", VIREO_MBEFORE) < 0 ||
		    vireo_unmount("/tmp/hr_front", "/tmp/hr_churn") < 0) {
			hr_note_error(shared, "");
			_exit(3);
		}
		shared[0] = i + 1;
	}
	vireo_unmount(NULL, "/tmp/hr_churn");
	_exit(rmdir("/tmp/hr_churn") || rmdir("/tmp/hr_front") ? 4 : 0);
}

UTEST(res, union_churn_keeps_the_mount_count)
{
	struct hr_run r = hr_start("union churn", hr_union_churn_child, 0);

	hr_expect_ok(&r);
	UT_ASSERT_EQ(r.shared[0], 300);
	hr_finish(&r, 0);
}

UTEST(res, union_growth_is_bounded)
{
	struct hr_run r = hr_start("union growth", hr_union_child, 0);

	hr_expect_ok(&r);
	rmdir("/tmp/hr_union");
	UT_ASSERT_MSG(r.shared[0] < 40, "40 doubling binds all worked");
	hr_expect_error(&r, ENOMEM, "NS_MAX_UNION");
	hr_finish(&r, 0);
}

/* Child: one bind on each of many directories until the name space's
 * table is full (shared[0] binds made); then it takes them down. */
static void hr_mounts_child(volatile long *shared, int unused HR_UNUSED)
{
	char path[64];
	int r = 0;

	mkdir("/tmp/hr_mnt", 0755);
	for (int i = 0; i < 2 * NS_MAX_MOUNTS && r >= 0; i++) {
		snprintf(path, sizeof(path), "/tmp/hr_mnt/%d", i);
		if (mkdir(path, 0755))
			_exit(2);
		r = vireo_bind("#proc", path, VIREO_MREPL);
		shared[0] += r >= 0;
	}
	hr_note_error(shared, "NS_MAX_MOUNTS");
	for (int i = 0; i < 2 * NS_MAX_MOUNTS; i++) {
		snprintf(path, sizeof(path), "/tmp/hr_mnt/%d", i);
		vireo_unmount(NULL, path);
		if (rmdir(path))
			break;
	}
	_exit(rmdir("/tmp/hr_mnt") ? 3 : 0);
}

UTEST(res, mount_table_is_bounded)
{
	struct hr_run r = hr_start("mount table", hr_mounts_child, 0);

	hr_expect_ok(&r);
	hr_expect_error(&r, ENOMEM, "NS_MAX_MOUNTS");
	UT_ASSERT_MSG(r.shared[0] > NS_MAX_MOUNTS / 2 && r.shared[0] <= NS_MAX_MOUNTS,
	              "%ld binds", r.shared[0]);
	hr_finish(&r, 0);
}

/* --------------------------------------------------- event queues */

#define HR_NR_UCQS   6
#define HR_EV_BATCH  64

static struct { struct event_queue q; struct event_mbox mbox; } hr_ucqs[HR_NR_UCQS];

static void *hr_ucq_page_alloc(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void hr_ucq_page_free(void *p)
{
	munmap(p, 4096);
}

static const struct ucq_mem_ops hr_ucq_ops = { hr_ucq_page_alloc, hr_ucq_page_free };

/* Sends to q until a whole batch is refused (ENOSPC); how many were refused. */
static long hr_flood(struct event_queue *q)
{
	static struct syscall b[HR_EV_BATCH];
	static struct event_msg m = { .ev_type = EV_USER_IPI };
	long refused = 0;

	for (long round = 0; round < 1000; round++) {
		long no = 0;

		for (int i = 0; i < HR_EV_BATCH; i++)
			b[i] = (struct syscall){ .num = SYS_send_event,
			                         .arg0 = (uint64_t)(uintptr_t)q,
			                         .arg1 = (uint64_t)(uintptr_t)&m };
		__asm__ volatile("syscall" : : "D"(b), "S"((uint64_t)HR_EV_BATCH)
		                 : "rax", "rcx", "r11", "memory");
		for (int i = 0; i < HR_EV_BATCH; i++)
			no += b[i].err == ENOSPC;
		refused += no;
		if (no == HR_EV_BATCH)
			break;
	}
	return refused;
}

/* Child: UCQs nobody drains; the kernel maps pages for them up to its
 * bounds and then refuses the messages (shared[3] of them).  shared[0]:
 * set when done; then it waits for its kill. */
static void hr_ucq_child(volatile long *shared, int unused HR_UNUSED)
{
	long refused = 0;

	for (int i = 0; i < HR_NR_UCQS; i++) {
		if (event_mbox_init_ucq(&hr_ucqs[i].mbox, &hr_ucq_ops))
			_exit(2);
		event_queue_init(&hr_ucqs[i].q, &hr_ucqs[i].mbox, 0);
		refused += hr_flood(&hr_ucqs[i].q);
	}
	shared[3] = refused;
	shared[0] = 1;
	for (;;)
		hr_sleep_ms(1000);
}

UTEST(res, event_queue_growth_is_bounded)
{
	struct hr_run r = hr_start("event queues", hr_ucq_child, 0);
	long during;

	for (int ms = 0; ms < 60000 && !r.shared[0]; ms += 50)
		hr_sleep_ms(50);
	UT_ASSERT_MSG(r.shared[0], "the child did not finish flooding its queues");
	during = hr_mem("pages_free");
	hr_kill_alive(&r);
	UT_ASSERT_MSG(r.shared[3] > 0, "no message was refused");
	/* The kernel's UCQ pages, the child's own pages and tables: far less
	 * than HR_NR_UCQS unbounded queues would take. */
	UT_ASSERT_MSG(r.before - during < 2 * EV_UCQ_MAX_PROC_PGS + 2048,
	              "%ld pages went to %d undrained queues", r.before - during, HR_NR_UCQS);
	hr_finish(&r, EV_UCQ_MAX_PROC_PGS);
}

/* ------------------------------------------------- user copies vs prot */

/* A touched page of 'fill' bytes, then given prot. */
static char *hr_page(int fill, int prot)
{
	char *pg = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	UT_ASSERT_MSG(pg != MAP_FAILED, "mmap: %s", strerror(errno));
	memset(pg, fill, 4096);
	UT_SYS(mprotect(pg, 4096, prot));
	return pg;
}

/* Reads the page back (it must hold only 'fill') after giving it PROT_READ. */
static void hr_page_holds(char *pg, int fill, const char *what)
{
	UT_SYS(mprotect(pg, 4096, PROT_READ));
	for (int i = 0; i < 4096; i++)
		UT_ASSERT_MSG(pg[i] == (char)fill, "%s: byte %d is %#x", what, i, pg[i] & 0xff);
	munmap(pg, 4096);
}

/* A native call (no C-library code touches the pointers): -err or retval. */
#define HR_SYS(num, a, b, c) ros_syscall_raw((num), (long)(a), (long)(b), (long)(c), 0, 0, 0)

/* Child: every direction of a syscall against a page it may not use;
 * exit code 0, or which check failed. */
static int hr_prot_checks(void)
{
	char *none = hr_page('n', PROT_NONE), *ro = hr_page('r', PROT_READ);
	char data[64];
	int p[2];

	memset(data, 'd', sizeof(data));
	if (pipe(p))
		return 10;
	if (HR_SYS(SYS_write, p[1], none, 64) != -EFAULT)
		return 11;              /* the kernel read a PROT_NONE page */
	/* (A read that faults may still consume what it took from the pipe:
	 * each one gets data of its own, so none can block.) */
	if (HR_SYS(SYS_write, p[1], data, 64) != 64)
		return 12;
	if (HR_SYS(SYS_read, p[0], none, 64) != -EFAULT)
		return 13;              /* the kernel wrote a PROT_NONE page */
	if (HR_SYS(SYS_write, p[1], data, 64) != 64)
		return 14;
	if (HR_SYS(SYS_read, p[0], ro, 64) != -EFAULT)
		return 15;              /* the kernel wrote a PROT_READ page */
	if (HR_SYS(SYS_stat, none, 4, data) != -EFAULT)
		return 16;              /* a path read from a PROT_NONE page */
	if (HR_SYS(SYS_fstat, p[0], none, 0) != -EFAULT)
		return 17;              /* a kstat written into a PROT_NONE page */
	if (HR_SYS(SYS_fstat, p[0], ro, 0) != -EFAULT)
		return 18;              /* ... into a PROT_READ page */
	close(p[0]);
	close(p[1]);
	hr_page_holds(none, 'n', "PROT_NONE page");
	hr_page_holds(ro, 'r', "PROT_READ page");
	return 0;
}

static void hr_prot_child(volatile long *shared HR_UNUSED, int unused HR_UNUSED)
{
	_exit(hr_prot_checks());
}

UTEST(res, user_copies_respect_page_protection)
{
	struct hr_run r = hr_start("protection", hr_prot_child, 0);

	hr_expect_ok(&r);
	hr_finish(&r, 0);
}

static char *hr_cow_page;

/* Child: read() from rfd into a page shared copy-on-write with the parent. */
static void hr_cow_child(volatile long *shared HR_UNUSED, int rfd)
{
	char *pg = hr_cow_page;

	_exit(read(rfd, pg, 8) == 8 && !memcmp(pg, "cccccccc", 8) && pg[8] == 'p' ? 0 : 1);
}

UTEST(res, kernel_write_breaks_copy_on_write)
{
	struct hr_run r;
	int p[2];

	hr_cow_page = hr_page('p', PROT_READ | PROT_WRITE);
	UT_SYS(pipe(p));
	UT_ASSERT_EQ(write(p[1], "cccccccc", 8), 8);
	r = hr_start("copy-on-write", hr_cow_child, p[0]);
	hr_expect_ok(&r);
	UT_SYS(close(p[0]));
	UT_SYS(close(p[1]));
	hr_page_holds(hr_cow_page, 'p', "the parent's copy");
	hr_finish(&r, 0);
}

int main(int argc, char **argv)
{
	return utest_main("hostile_res", argc, argv);
}
