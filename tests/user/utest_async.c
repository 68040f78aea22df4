/* SPDX-License-Identifier: MIT */
/*
 * utest_async.c - /test/utest_async: syscalls that complete after the trap
 * returned, aborting them, and process life cycles around them
 * (kern/src/syscall/async.c, process.c, proc/scp_sched.c).
 *
 * A call that sleeps must come back with SC_DONE clear and complete later;
 * every entry of a batch behind it completes on its own; a ctx call behind
 * it fails; abort_sysc and abort_sysc_fd cut sleeps short; a child that is
 * spinning, sleeping in a syscall, or exiting with syscalls in flight is
 * ended promptly; two processes on one core share it (time slices) and each
 * keeps its own SSE registers and %fs base; an SCP's faults are reflected
 * to user space only when it asked (proc/fault.c), and a bad VCPD or a fault
 * "in vcore context" still ends it.  Children are /test/victim.
 */
#include <parlib/event.h>
#include <parlib/syscall.h>
#include <parlib/uthread.h>
#include <parlib/vcore.h>
#include <ros/mmap.h>
#include <ros/procdata.h>
#include <ros/event.h>
#include <ros/fcntl.h>
#include <tiny/fpu.h>
#include <tiny/print.h>
#include <tiny/proc.h>
#include <tiny/start.h>
#include <tiny/string.h>
#include <tiny/syscall.h>
#include <tiny/utest.h>

struct ts {
	int64_t s, ns;
};

static bool done(const struct syscall *sc)
{
	return __atomic_load_n(&sc->flags, __ATOMIC_ACQUIRE) & SC_DONE;
}

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* A running /test/victim MODE; its pid, or -errno. */
static int64_t victim(const char *mode)
{
	const char *argv[] = { "/test/victim", mode, NULL };
	int64_t pid = tiny_spawn("/test/victim", argv);

	if (pid > 0 && tsys(SYS_proc_run, (uint64_t)pid) != 0)
		return -1;
	return pid;
}

UTEST(sleeping_call_returns_unfinished)
{
	struct syscall sc;

	sysc_prep(&sc, SYS_block, 200 * 1000);
	sysc_trap(&sc, 1);
	UT_ASSERT_MSG(!done(&sc), "block(200 ms) came back finished");
	sysc_wait(&sc);
	UT_SYSC_OK(&sc);
	UT_ASSERT_EQ(sc.retval, 0);
}

/* q with a fresh evbitmap mailbox. */
static void bitmap_queue(struct event_queue *q, struct event_mbox *mbox, uint32_t flags)
{
	event_mbox_init_bitmap(mbox);
	event_queue_init(q, mbox, flags);
}

/* The SCP way to block: an evbitmap ev_q with EVENT_WAKEUP, then
 * proc_yield(0) until the call is done.  The process sleeps WAITING. */
UTEST(completion_arrives_through_an_ev_q)
{
	static struct event_mbox mbox;
	static struct event_queue q;
	struct event_msg msg;
	struct syscall sc;
	int yields = 0;

	bitmap_queue(&q, &mbox, EVENT_WAKEUP);
	sysc_prep(&sc, SYS_block, 100 * 1000);
	sysc_trap(&sc, 1);
	UT_ASSERT(event_syscall_register(&sc, &q));
	while (!done(&sc)) {
		tsys(SYS_proc_yield, 0);
		yields++;
	}
	UT_SYSC_OK(&sc);
	UT_ASSERT_MSG(yields < 20, "%d yields: the wakeup did not come", yields);
	while (__atomic_load_n(&sc.flags, __ATOMIC_ACQUIRE) & SC_K_LOCK)
		;
	UT_ASSERT(event_mbox_get(&mbox, &msg));
	UT_ASSERT_EQ(msg.ev_type, EV_SYSCALL);
	UT_ASSERT(!event_mbox_get(&mbox, &msg));
}

/* Sets SC_UWAKE as parlib's blockon does; false if the call was done. */
static bool want_wake(struct syscall *sc)
{
	return ros_syscall_flag_unless_done(sc, SC_UWAKE);
}

/* The SCP way without an ev_q: SC_UWAKE, and the completion wakes the
 * yield; the kernel leaves the flag as it was and takes no SC_K_LOCK. */
UTEST(completion_wakes_a_uwake_waiter)
{
	struct syscall sc;
	int yields = 0;

	sysc_prep(&sc, SYS_block, 100 * 1000);
	sysc_trap(&sc, 1);
	UT_ASSERT(want_wake(&sc));
	while (!done(&sc)) {
		tsys(SYS_proc_yield, 0);
		yields++;
	}
	UT_SYSC_OK(&sc);
	UT_ASSERT_MSG(yields >= 1 && yields < 20, "%d yields: the wakeup did not come", yields);
	UT_ASSERT_EQ(__atomic_load_n(&sc.flags, __ATOMIC_ACQUIRE), SC_DONE | SC_UWAKE);
}

/* SC_UWAKE on a call that finished in the trap is refused, and a record
 * that carries it from the start completes and wakes: the next yield
 * returns at once. */
UTEST(uwake_after_or_before_the_trap)
{
	struct syscall sc;

	sysc(&sc, SYS_null);
	UT_ASSERT(!want_wake(&sc));
	sysc_prep(&sc, SYS_null);
	sc.flags = SC_UWAKE;
	sysc_run(&sc, 1);
	UT_SYSC_OK(&sc);
	UT_ASSERT_EQ(__atomic_load_n(&sc.flags, __ATOMIC_ACQUIRE), SC_DONE | SC_UWAKE);
	UT_ASSERT_EQ(tsys(SYS_proc_yield, 0), 0);       /* remembered: no sleep */
}

/* Registering after the call finished fails, and no event comes. */
UTEST(registering_after_completion_fails)
{
	static struct event_mbox mbox;
	static struct event_queue q;
	struct event_msg msg;
	struct syscall sc;

	bitmap_queue(&q, &mbox, 0);
	sysc(&sc, SYS_null);
	UT_ASSERT(!event_syscall_register(&sc, &q));
	UT_ASSERT(!event_mbox_get(&mbox, &msg));
}

/* An ev_q registered before the trap gets the event of a call that
 * completes at once, too. */
UTEST(ev_q_set_before_the_trap)
{
	static struct event_mbox mbox;
	static struct event_queue q;
	struct event_msg msg;
	struct syscall sc;

	bitmap_queue(&q, &mbox, 0);
	sysc_prep(&sc, SYS_null);
	sc.ev_q = (uint64_t)(uintptr_t)&q;
	sc.flags = SC_UEVENT;
	sysc_run(&sc, 1);
	UT_SYSC_OK(&sc);
	UT_ASSERT(event_mbox_get(&mbox, &msg));
	UT_ASSERT_EQ(msg.ev_type, EV_SYSCALL);  /* a bitmap carries only the type */
}

UTEST(batch_behind_a_sleep_completes_in_order)
{
	struct syscall b[4];

	sysc_prep(&b[0], SYS_block, 100 * 1000);
	sysc_prep(&b[1], SYS_null);
	sysc_prep(&b[2], 999);
	sysc_prep(&b[3], SYS_getpcoreid);
	sysc_trap(b, 4);
	UT_ASSERT(!done(&b[0]));
	UT_ASSERT(!done(&b[1]));
	for (int i = 0; i < 4; i++)
		sysc_wait(&b[i]);
	UT_SYSC_OK(&b[0]);
	UT_SYSC_OK(&b[1]);
	UT_SYSC_ERR(&b[2], ENOSYS);
	UT_SYSC_OK(&b[3]);
	UT_ASSERT(b[3].retval >= 0);
}

/* A sleep in the middle: the entries before it are done when the trap
 * returns, those after it complete later, each in order. */
UTEST(sleeping_call_in_the_middle_of_a_batch)
{
	struct syscall b[5];

	sysc_prep(&b[0], SYS_null);
	sysc_prep(&b[1], SYS_getpcoreid);
	sysc_prep(&b[2], SYS_block, 50 * 1000);
	sysc_prep(&b[3], SYS_close, 200);
	sysc_prep(&b[4], SYS_null);
	sysc_trap(b, 5);
	UT_ASSERT(done(&b[0]) && done(&b[1]));
	UT_ASSERT(!done(&b[2]) && !done(&b[3]) && !done(&b[4]));
	for (int i = 0; i < 5; i++)
		sysc_wait(&b[i]);
	UT_SYSC_OK(&b[0]);
	UT_SYSC_OK(&b[1]);
	UT_SYSC_OK(&b[2]);
	UT_SYSC_ERR(&b[3], EBADF);      /* its errstr delivered after the sleep */
	UT_SYSC_OK(&b[4]);
}

/* An abort that races with the completion of the call it names, at varied
 * moments: that call ends OK or EINTR, and the abort never lands on the
 * next call of the batch, run by the same kthread. */
UTEST(abort_races_with_completion)
{
	struct syscall b[2], ab;
	int hits = 0;

	for (int i = 0; i < 48; i++) {
		sysc_prep(&b[0], SYS_block, 100 + (uint64_t)(i % 6) * 100);
		sysc_prep(&b[1], SYS_block, 1000);
		sysc_trap(b, 2);
		for (int spin = 0; spin < (i % 8) * 2000; spin++)
			__builtin_ia32_pause();
		hits += sysc(&ab, SYS_abort_sysc, UP(&b[0])) == 1;
		sysc_wait(&b[0]);
		sysc_wait(&b[1]);
		UT_ASSERT_MSG(b[0].err == 0 || b[0].err == EINTR, "err %d", b[0].err);
		UT_SYSC_OK(&b[1]);
	}
	UT_ASSERT_MSG(hits > 0, "no abort found its call in 48 tries");
}

UTEST(ctx_call_behind_a_sleep_fails)
{
	struct syscall b[2];

	sysc_prep(&b[0], SYS_block, 50 * 1000);
	sysc_prep(&b[1], SYS_proc_yield, 1);
	sysc_run(b, 2);
	UT_SYSC_OK(&b[0]);
	UT_SYSC_ERR(&b[1], EINVAL);
}

UTEST(abort_sysc_cuts_a_nanosleep)
{
	struct ts req = { 30, 0 }, rem = { 0, 0 };
	struct syscall sc, ab;
	uint64_t t0 = rdtsc();

	sysc_prep(&sc, SYS_nanosleep, UP(&req), UP(&rem));
	sysc_trap(&sc, 1);
	UT_ASSERT(!done(&sc));
	UT_ASSERT_EQ(sysc(&ab, SYS_abort_sysc, UP(&sc)), 1);
	sysc_wait(&sc);
	UT_SYSC_ERR(&sc, EINTR);
	UT_ASSERT_MSG(rem.s >= 20, "remainder %lld s of 30", (long long)rem.s);
	UT_ASSERT(rdtsc() > t0);
	/* A record that is done, or no record: nothing to abort. */
	UT_ASSERT_EQ(sysc(&ab, SYS_abort_sysc, UP(&sc)), 0);
	sysc(&ab, SYS_abort_sysc, 0);
	UT_SYSC_ERR(&ab, EINVAL);
}

static int64_t open_at(int64_t dirfd, const char *path, int flags)
{
	return tsys(SYS_openat, (uint64_t)dirfd, UP(path), strlen(path), (uint64_t)flags, 0);
}

UTEST(abort_sysc_fd_cuts_a_pipe_read)
{
	struct syscall rd, ab;
	char buf[8];
	int64_t dir = open_at(TINY_AT_FDCWD, "#pipe", O_PATH);
	int64_t a = open_at(dir, "data", O_RDWR), b = open_at(dir, "data1", O_RDWR);

	UT_ASSERT(dir >= 0 && a >= 0 && b >= 0);
	sysc_prep(&rd, SYS_read, (uint64_t)a, UP(buf), sizeof(buf));
	sysc_trap(&rd, 1);
	UT_ASSERT_MSG(!done(&rd), "a read of an empty pipe finished");
	UT_ASSERT_EQ(sysc(&ab, SYS_abort_sysc_fd, (uint64_t)b), 0);     /* not that fd */
	UT_ASSERT_EQ(sysc(&ab, SYS_abort_sysc_fd, (uint64_t)a), 1);
	sysc_wait(&rd);
	UT_ASSERT_MSG(rd.err != 0, "aborted read returned %lld", (long long)rd.retval);
	/* The pipe still works afterwards. */
	UT_ASSERT_EQ(tsys(SYS_write, (uint64_t)b, UP("ok"), 2), 2);
	UT_ASSERT_EQ(tsys(SYS_read, (uint64_t)a, UP(buf), sizeof(buf)), 2);
	sysc(&ab, SYS_abort_sysc_fd, (uint64_t)-1);
	UT_SYSC_ERR(&ab, EBADF);
	tsys(SYS_close, (uint64_t)a);
	tsys(SYS_close, (uint64_t)b);
	tsys(SYS_close, (uint64_t)dir);
}

static bool killed_and_reaped(int64_t pid)
{
	int status = -1;

	return tsys(SYS_proc_destroy, (uint64_t)pid, 0) == 0 &&
	       tiny_wait(pid, &status) == pid && status == WSTATUS_KILLED;
}

UTEST(kill_a_spinning_child)
{
	int64_t pid = victim("spin");

	UT_ASSERT(pid > 0);
	tsys(SYS_block, 20 * 1000);
	UT_ASSERT(killed_and_reaped(pid));
	UT_ASSERT_EQ(tsys(SYS_proc_destroy, (uint64_t)pid, 0), -ESRCH);
}

UTEST(kill_a_child_asleep_in_a_syscall)
{
	int64_t pid = victim("sleep");

	UT_ASSERT(pid > 0);
	tsys(SYS_block, 50 * 1000);
	UT_ASSERT(killed_and_reaped(pid));
}

/* Runs /test/victim MODE to its end: its wait status, or -1. */
static int victim_status(const char *mode)
{
	int64_t pid = victim(mode);
	int status = -1;

	return pid > 0 && tiny_wait(pid, &status) == pid ? status : -1;
}

UTEST(exit_with_syscalls_in_flight)
{
	UT_ASSERT_EQ(victim_status("exit-asleep"), WSTATUS_EXITED(7));
}

/* proc_destroy with PROC_EXIT_SIGNALED: "killed by signal N", of another
 * process or of oneself; bad signal codes are refused. */
UTEST(signal_shaped_statuses)
{
	int64_t pid = victim("spin");
	int status = -1;

	UT_ASSERT(pid > 0);
	UT_ASSERT_EQ(tsys(SYS_proc_destroy, (uint64_t)pid, PROC_EXIT_SIGNALED | 15), 0);
	UT_ASSERT_EQ(tiny_wait(pid, &status), pid);
	UT_ASSERT_EQ(status, WSTATUS_SIGNALED(15));
	UT_ASSERT_EQ(victim_status("sigexit"), WSTATUS_SIGNALED(6));
	UT_ASSERT_EQ(tsys(SYS_proc_destroy, 0, PROC_EXIT_SIGNALED), -EINVAL);
	UT_ASSERT_EQ(tsys(SYS_proc_destroy, 0, PROC_EXIT_SIGNALED | 0x80), -EINVAL);
}

UTEST(kill_a_created_child)
{
	const char *argv[] = { "/test/victim", "spin", NULL };
	int64_t pid = tiny_spawn("/test/victim", argv);

	UT_ASSERT(pid > 0);
	UT_ASSERT(killed_and_reaped(pid));
}

UTEST(fault_kills_the_child_only)
{
	UT_ASSERT_EQ(victim_status("fault"), WSTATUS_KILLED);
}

UTEST(prot_none_kills_on_access)
{
	UT_ASSERT_EQ(victim_status("protnone"), WSTATUS_KILLED);
}

/* proc/fault.c: an SCP's fault is reflected only when VCPD 0 asks, to a
 * vcore_entry the kernel checks, and never from "vcore context". */
UTEST(scp_fault_reflected_only_when_asked)
{
	UT_ASSERT_EQ(victim_status("fault"), WSTATUS_KILLED);
	UT_ASSERT_EQ(victim_status("scpf-default"), WSTATUS_SIGNALED(11));
	UT_ASSERT_EQ(victim_status("scpf-badentry"), WSTATUS_KILLED);
	UT_ASSERT_EQ(victim_status("scpf-vcctx"), WSTATUS_KILLED);
}

static volatile uint8_t *scpf_page;
static volatile uint32_t scpf_trap, scpf_err, scpf_count;
static volatile uint64_t scpf_addr;

static void scpf_hook(struct uthread *u, const struct vcpd_refl_fault *f)
{
	scpf_trap = f->trap;
	scpf_err = f->err;
	scpf_addr = f->addr;
	scpf_count++;
	tsys(SYS_mprotect, (uint64_t)scpf_page, 4096, PROT_READ | PROT_WRITE);
	__atomic_store_n(&u->state, UTHREAD_RUNNABLE, __ATOMIC_RELEASE);  /* retry it */
}

UTEST(scp_fault_reflected_repaired_and_retried)
{
	struct procdata *pd = (struct procdata *)UDATA;
	int64_t a = tsys(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE,
	                 MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0);

	UT_ASSERT(a > 0);
	scpf_page = (volatile uint8_t *)a;
	scpf_page[0] = 42;
	UT_ASSERT_EQ(tsys(SYS_mprotect, (uint64_t)a, 4096, PROT_READ), 0);
	UT_ASSERT_EQ(vcore_scp_faults(), 0);
	__atomic_store_n(&vcore_refl_fault_hook, scpf_hook, __ATOMIC_SEQ_CST);
	scpf_page[1] = 43;                      /* faults, reflected, repaired */
	__atomic_store_n(&vcore_refl_fault_hook, NULL, __ATOMIC_SEQ_CST);
	__atomic_fetch_and(&pd->vcpd[0].flags, ~VC_SCP_FAULTS, __ATOMIC_RELEASE);
	UT_ASSERT_EQ(scpf_count, 1);
	UT_ASSERT_EQ(scpf_trap, 14);
	UT_ASSERT_EQ(scpf_err & 7, 7);          /* user, write, present */
	UT_ASSERT_EQ(scpf_addr, (uint64_t)a + 1);
	UT_ASSERT_EQ(scpf_page[0] + scpf_page[1], 85);
	tsys(SYS_munmap, (uint64_t)a, 4096);
}

/* The child writes "x" once it runs.  We spin in user mode without a
 * syscall; only a time slice lets the child (same core) run meanwhile. */
UTEST(time_slices_share_a_core)
{
	const char *argv[] = { "/test/victim", "tick", NULL };
	struct childfdmap map = { .childfd = 1 };
	int64_t dir = open_at(TINY_AT_FDCWD, "#pipe", O_PATH);
	int64_t a = open_at(dir, "data", O_RDWR | O_NONBLOCK), b = open_at(dir, "data1", O_RDWR);
	int64_t pid = tiny_spawn("/test/victim", argv), n;
	uint64_t t0;
	char c = 0;

	UT_ASSERT(dir >= 0 && a >= 0 && b >= 0 && pid > 0);
	map.parentfd = (uint32_t)b;
	UT_ASSERT_EQ(tsys(SYS_dup_fds_to, (uint64_t)pid, UP(&map), 1), 1);
	UT_ASSERT_EQ(tsys(SYS_proc_run, (uint64_t)pid), 0);
	for (t0 = rdtsc(); rdtsc() - t0 < 1500ull * 1000 * 1000;)
		__asm__ volatile("pause");
	n = tsys(SYS_read, (uint64_t)a, UP(&c), 1);
	UT_ASSERT(killed_and_reaped(pid));
	tsys(SYS_close, (uint64_t)a);
	tsys(SYS_close, (uint64_t)b);
	tsys(SYS_close, (uint64_t)dir);
	UT_ASSERT_MSG(n == 1 && c == 'x', "the child did not run while we spun (read %lld)",
	              (long long)n);
}

UTEST(each_process_keeps_its_sse_and_fs)
{
	static uint64_t fs_word = 0xa11ce;
	int64_t pid;
	int status = -1;

	fpu_fill(0xa0a0);
	UT_ASSERT_EQ(tsys(SYS_set_fsbase, UP(&fs_word)), 0);
	pid = victim("fpu");
	UT_ASSERT(pid > 0);
	for (int i = 0; i < 300; i++) {
		tsys(SYS_proc_yield, 1);
		UT_ASSERT_MSG(fpu_check(0xa0a0), "xmm0/1 changed under us after %d yields", i);
		UT_ASSERT_EQ(fs_read0(), 0xa11ce);
	}
	UT_ASSERT_EQ(tiny_wait(pid, &status), pid);
	UT_ASSERT_EQ(status, WSTATUS_EXITED(0));
	UT_ASSERT_EQ(tsys(SYS_set_fsbase, 0xffff800000000000ull), -EINVAL);
	UT_ASSERT_EQ(tsys(SYS_set_fsbase, 0), 0);
}

int main(int argc, char **argv, char **envp)
{
	(void)envp;
	return utest_main("async", argc, argv);
}
