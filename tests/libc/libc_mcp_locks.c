/* SPDX-License-Identifier: MIT */
/*
 * libc_mcp_locks.c - /test/libc_mcp_locks: pthread programs (MCPs) whose
 * threads hold parlib's PDR locks while their vcores are preempted, and a
 * pthread program that loses cores to a second MCP by provisioning
 * (Documentation/mcp.md, "Preemption" and "ensure_vcore_runs").
 *
 *	/test/libc_mcp_locks                    the utest suite (an SCP parent)
 *	/test/libc_mcp_locks child locks FD     threads take MCS-PDR and
 *	                                        spin-PDR locks, others keep
 *	                                        xmm8-15 and two x87 registers
 *	                                        across long windows; exits 0 if
 *	                                        no count was lost, no two
 *	                                        holders met, no register changed
 *	/test/libc_mcp_locks child switch FD    threads yield to each other and
 *	                                        hand a condvar turn back and
 *	                                        forth (parlib's direct switch);
 *	                                        exits 0 if every callee-saved
 *	                                        register, MXCSR and x87 control
 *	                                        word came back and no turn was
 *	                                        lost
 *	/test/libc_mcp_locks child hog FD FD2   threads on every core; FD gets a
 *	                                        byte once all are ours, FD2's
 *	                                        byte ends the run; exits with
 *	                                        10 * most vcores + fewest after
 *	/test/libc_mcp_locks child claim FD     waits for FD's byte, turns into
 *	                                        an MCP (its provisioned cores
 *	                                        are claimed from the hog) and
 *	                                        exits with the most vcores seen
 *
 * The parent preempts the children's vcores at random, with a warning and
 * without, until they exit (a bounded wait: a deadlock fails the test).
 * Run by scripts/run-ktests.sh on four cores (run_utest mcp_locks).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <parlib/mcs_pdr.h>
#include <parlib/parlib.h>
#include <parlib/pdr_lock.h>
#include <parlib/syscall.h>
#include <parlib/vcore.h>
#include <utest/utest.h>

#include "lswitch.h"

#define ML_LOCKERS 6
#define ML_FPU_THREADS 2
#define ML_ITERS 3000
#define ML_WAIT_S 60

/* Cores an MCP may have: all but the low-latency core 0 (the default). */
static uint32_t ml_mcp_cores(void)
{
	const struct proc_global_info *gi = parlib_globalinfo();

	return gi && gi->nr_cores > 1 ? gi->nr_cores - 1 : 0;
}

static uint64_t ml_now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000;
}

/* change_to_m, retried while no core is idle (the cores of the child
 * before may not be back yet; a claimed core comes free after its
 * warning): 0, or -errno after 10 s.  Without it the first
 * pthread_create would run the 2LS inside this SCP. */
static int ml_become_mcp(void)
{
	struct timespec ms = { 0, 1000 * 1000 };
	uint64_t end = ml_now_ms() + 10000;
	int ret;

	while ((ret = vcore_change_to_m()) == -EBUSY && ml_now_ms() < end)
		nanosleep(&ms, NULL);
	return ret;
}

/* ------------------------------------------------------- the lock child */

static struct mcs_pdr_lock ml_mcs = MCS_PDR_INITIALIZER;
static struct spin_pdr_lock ml_spin = SPIN_PDR_INITIALIZER;
static long ml_count_mcs, ml_count_spin;        /* [the lock] */
static int ml_inside_mcs, ml_inside_spin, ml_overlaps;
static int ml_lockers_done, ml_fpu_bad;
static long ml_fpu_windows;

static void ml_hold(int *inside, long *count)
{
	if (__atomic_fetch_add(inside, 1, __ATOMIC_SEQ_CST))
		__atomic_fetch_add(&ml_overlaps, 1, __ATOMIC_SEQ_CST);
	(*count)++;
	for (int i = 0; i < 40; i++)
		__builtin_ia32_pause();
	__atomic_fetch_sub(inside, 1, __ATOMIC_SEQ_CST);
}

static void *ml_locker(void *arg)
{
	(void)arg;
	for (int i = 0; i < ML_ITERS; i++) {
		if (i & 1) {
			mcs_pdr_lock(&ml_mcs);
			ml_hold(&ml_inside_mcs, &ml_count_mcs);
			mcs_pdr_unlock(&ml_mcs);
		} else {
			spin_pdr_lock(&ml_spin);
			ml_hold(&ml_inside_spin, &ml_count_spin);
			spin_pdr_unlock(&ml_spin);
		}
		if (i % 100 == 99)
			sched_yield();  /* the threads move between vcores */
	}
	__atomic_fetch_add(&ml_lockers_done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/*
 * xmm8-15 and two x87 registers loaded, `spins` pauses (a notification or
 * a preemption lands in there, and the thread may move to another vcore),
 * then read back: true if all came back.  As Akaros's xmm test.
 */
static bool ml_fpu_window(uint64_t salt, long spins)
{
	uint64_t in[16], out[16];
	double fin[2] = { 1.25 + (double)(salt & 0xffff), -3.5 * (double)(salt & 0xff) }, fout[2];

	for (int i = 0; i < 16; i++)
		in[i] = (0x0123456789abcdefull * (uint64_t)(i + 1)) ^ salt;
	__asm__ volatile(
		"movdqu 0(%[in]), %%xmm8\n\t"
		"movdqu 16(%[in]), %%xmm9\n\t"
		"movdqu 32(%[in]), %%xmm10\n\t"
		"movdqu 48(%[in]), %%xmm11\n\t"
		"movdqu 64(%[in]), %%xmm12\n\t"
		"movdqu 80(%[in]), %%xmm13\n\t"
		"movdqu 96(%[in]), %%xmm14\n\t"
		"movdqu 112(%[in]), %%xmm15\n\t"
		"fldl 0(%[fin])\n\t"
		"fldl 8(%[fin])\n\t"
		"1: pause\n\t"
		"dec %[n]\n\t"
		"jnz 1b\n\t"
		"movdqu %%xmm8, 0(%[out])\n\t"
		"movdqu %%xmm9, 16(%[out])\n\t"
		"movdqu %%xmm10, 32(%[out])\n\t"
		"movdqu %%xmm11, 48(%[out])\n\t"
		"movdqu %%xmm12, 64(%[out])\n\t"
		"movdqu %%xmm13, 80(%[out])\n\t"
		"movdqu %%xmm14, 96(%[out])\n\t"
		"movdqu %%xmm15, 112(%[out])\n\t"
		"fstpl 0(%[fout])\n\t"
		"fstpl 8(%[fout])\n\t"
		: [n] "+r"(spins)
		: [in] "r"(in), [out] "r"(out), [fin] "r"(fin), [fout] "r"(fout)
		: "memory", "cc", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",
		  "xmm15");
	if (!memcmp(in, out, sizeof(in)) && fout[0] == fin[1] && fout[1] == fin[0])
		return true;
	for (int i = 0; i < 16; i++)
		if (in[i] != out[i])
			fprintf(stderr, "libc_mcp_locks: xmm%d.%d %#llx, not %#llx\n", 8 + i / 2, i % 2,
			        (unsigned long long)out[i], (unsigned long long)in[i]);
	if (fout[0] != fin[1] || fout[1] != fin[0])
		fprintf(stderr, "libc_mcp_locks: st0 %g st1 %g, not %g %g\n", fout[0], fout[1],
		        fin[1], fin[0]);
	return false;
}

static void *ml_fpu_thread(void *arg)
{
	uint64_t salt = (uintptr_t)arg * 0x9e3779b97f4a7c15ull;

	while (__atomic_load_n(&ml_lockers_done, __ATOMIC_SEQ_CST) < ML_LOCKERS) {
		if (!ml_fpu_window(salt++, 20000))
			__atomic_fetch_add(&ml_fpu_bad, 1, __ATOMIC_SEQ_CST);
		__atomic_fetch_add(&ml_fpu_windows, 1, __ATOMIC_RELAXED);
		sched_yield();
	}
	return NULL;
}

static int ml_child_locks(int fd)
{
	pthread_t t[ML_LOCKERS + ML_FPU_THREADS];
	int n = 0;

	if (ml_become_mcp())
		return 12;
	for (uintptr_t i = 0; i < ML_FPU_THREADS; i++)
		if (pthread_create(&t[n++], NULL, ml_fpu_thread, (void *)(i + 1)))
			return 10;
	for (int i = 0; i < ML_LOCKERS; i++)
		if (pthread_create(&t[n++], NULL, ml_locker, NULL))
			return 10;
	if (write(fd, "r", 1) != 1)
		return 11;
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	if (ml_count_mcs != ML_LOCKERS * ML_ITERS / 2 || ml_count_spin != ML_LOCKERS * ML_ITERS / 2)
		return 1;
	if (ml_overlaps)
		return 2;
	if (ml_fpu_bad)
		return 3;
	if (!ml_fpu_windows)
		return 4;
	return 0;
}

/* ------------------------------------------------ the direct switch */

#define ML_SWITCHERS 4
#define ML_SWITCH_ITERS 100000
#define ML_PINGS 40000

static long ml_switch_bad_regs, ml_switch_bad_fpu;
static pthread_mutex_t ml_turn_m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ml_turn_cv = PTHREAD_COND_INITIALIZER;
static int ml_turn;                             /* [ml_turn_m] whose turn: 0 or 1 */
static long ml_turns;                           /* [ml_turn_m] */

/* Yields to the others (both ways: through the C library and straight
 * into parlib), each switch direct while others are runnable; a
 * preemption lands in the middle of some of them. */
static void *ml_switcher(void *arg)
{
	uint64_t seed = (uintptr_t)arg * 0x0101010101010101ull;

	lsw_set_fpu_control(seed);
	for (int i = 0; i < ML_SWITCH_ITERS; i++) {
		uint64_t s = seed + (uint64_t)i * 0x1000;

		if (!((i & 1) ? lsw_uthread_yield_keeps_registers(s) : lsw_yield_keeps_registers(s)))
			__atomic_fetch_add(&ml_switch_bad_regs, 1, __ATOMIC_RELAXED);
		if (!lsw_fpu_control_kept(seed))
			__atomic_fetch_add(&ml_switch_bad_fpu, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* One side of a condvar ping-pong: every wait blocks (a futex callback),
 * then the switch goes straight to the next thread. */
static void *ml_pinger(void *arg)
{
	int me = (int)(uintptr_t)arg;

	pthread_mutex_lock(&ml_turn_m);
	for (int i = 0; i < ML_PINGS; i++) {
		while (ml_turn != me)
			pthread_cond_wait(&ml_turn_cv, &ml_turn_m);
		ml_turns++;
		ml_turn = !me;
		pthread_cond_signal(&ml_turn_cv);
	}
	pthread_mutex_unlock(&ml_turn_m);
	return NULL;
}

static int ml_child_switch(int fd)
{
	pthread_t t[ML_SWITCHERS + 2];
	int n = 0;

	if (ml_become_mcp())
		return 12;
	for (uintptr_t i = 0; i < 2; i++)
		if (pthread_create(&t[n++], NULL, ml_pinger, (void *)i))
			return 10;
	for (uintptr_t i = 0; i < ML_SWITCHERS; i++)
		if (pthread_create(&t[n++], NULL, ml_switcher, (void *)(i + 1)))
			return 10;
	if (write(fd, "r", 1) != 1)
		return 11;
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	if (ml_switch_bad_regs)
		return 5;
	if (ml_switch_bad_fpu)
		return 3;
	if (ml_turns != 2 * ML_PINGS)
		return 1;
	return 0;
}

/* ------------------------------------------------ the hog and the claimer */

static int ml_stop, ml_max_seen, ml_min_after = 99, ml_all_ours;

static void *ml_hog_thread(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&ml_stop, __ATOMIC_SEQ_CST)) {
		int nv = (int)num_vcores();

		mcs_pdr_lock(&ml_mcs);
		ml_hold(&ml_inside_mcs, &ml_count_mcs);
		if (nv > ml_max_seen)
			ml_max_seen = nv;
		if (__atomic_load_n(&ml_all_ours, __ATOMIC_SEQ_CST) && nv < ml_min_after)
			ml_min_after = nv;
		mcs_pdr_unlock(&ml_mcs);
	}
	return NULL;
}

static int ml_child_hog(int fd, int stop_fd)
{
	const struct procinfo *pi = parlib_procinfo();
	int n = pi ? (int)pi->max_vcores : 1;
	struct timespec ms = { 0, 1000 * 1000 };
	pthread_t t[8];
	char c;

	n = n > 8 ? 8 : n;
	if (ml_become_mcp())
		return 95;
	for (int i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, ml_hog_thread, NULL))
			return 98;
	/* The 2LS asked for a vcore per thread; asked again while short (a
	 * vcore that found nothing queued yet lowers the want). */
	for (int i = 0; i < 10000 && num_vcores() < (uint32_t)n; i++) {
		vcore_request_total((uint32_t)n);
		nanosleep(&ms, NULL);
	}
	if (num_vcores() < (uint32_t)n)
		return 94;
	__atomic_store_n(&ml_all_ours, 1, __ATOMIC_SEQ_CST);
	if (write(fd, "r", 1) != 1 || read(stop_fd, &c, 1) != 1)
		return 97;
	__atomic_store_n(&ml_stop, 1, __ATOMIC_SEQ_CST);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	if (ml_overlaps)
		return 96;
	return 10 * ml_max_seen + (ml_min_after > 9 ? 9 : ml_min_after);
}

/* Spins until the claimer has held two vcores for 300 ms (the hog runs on
 * one meanwhile), or until the deadline *arg (ms). */
static void *ml_claim_thread(void *arg)
{
	uint64_t end = *(uint64_t *)arg, t, held_since = 0;

	while ((t = ml_now_ms()) < end && (!held_since || t < held_since + 300)) {
		int nv = (int)num_vcores();

		if (nv > __atomic_load_n(&ml_max_seen, __ATOMIC_SEQ_CST))
			__atomic_store_n(&ml_max_seen, nv, __ATOMIC_SEQ_CST);
		if (nv >= 2 && !held_since)
			held_since = t;
	}
	return NULL;
}

static int ml_child_claim(int fd)
{
	pthread_t t[2];
	uint64_t end;
	char c;

	if (read(fd, &c, 1) != 1)
		return 98;
	end = ml_now_ms() + 10000;
	/* Our provisioned cores are the hog's: the ksched claims them (a
	 * warning, then a preemption); change_to_m is EBUSY until one is idle. */
	if (ml_become_mcp())
		return 97;
	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, ml_claim_thread, &end))
			return 95;
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	return ml_max_seen;
}

/* --------------------------------------------------------------- parent */

static uint64_t ml_rng = 0x2545f4914f6cdd1dull;

static uint32_t ml_rnd(uint32_t n)
{
	ml_rng ^= ml_rng << 13;
	ml_rng ^= ml_rng >> 7;
	ml_rng ^= ml_rng << 17;
	return (uint32_t)(ml_rng % n);
}

static pid_t ml_fork(char *const argv[])
{
	pid_t pid = fork();

	UT_ASSERT_MSG(pid >= 0, "fork: %s", utest_errdesc(errno));
	if (pid == 0) {
		execv("/test/libc_mcp_locks", argv);
		_exit(UTEST_CHILD_FAILED);
	}
	return pid;
}

/* What #proc/PID/vcores says of a child that seems stuck. */
static void ml_note_vcores(pid_t pid)
{
	char path[48], buf[1024];
	ssize_t n = -1;
	int fd;

	snprintf(path, sizeof(path), "#proc/%d/vcores", pid);
	if ((fd = open(path, O_RDONLY)) >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = 0;
	utest_note("%s:\n%s", path, buf);
}

/* Preempts pid's vcores (warn: with a warning of 1-5 ms, else none) until
 * it exits, at most ML_WAIT_S seconds: its wait status; *taken counts the
 * preemptions the kernel took. */
static int ml_preempt_until_exit(pid_t pid, bool warn, uint32_t *taken)
{
	struct timespec pause = { 0, 0 };
	int st = -1;
	time_t end = time(NULL) + ML_WAIT_S;

	while (waitpid(pid, &st, WNOHANG) == 0) {
		if (time(NULL) > end) {
			ml_note_vcores(pid);
			ros_syscall_raw(SYS_proc_destroy, pid, 0, 0, 0, 0, 0);
			waitpid(pid, &st, 0);
			UT_ASSERT_MSG(false, "child %d still running after %d s: deadlock", pid,
			              ML_WAIT_S);
		}
		if (ros_syscall_raw(SYS_preempt, pid, ml_rnd(3),
		                    warn ? 1000 + ml_rnd(4000) : 0, 0, 0, 0) == 0)
			(*taken)++;
		pause.tv_nsec = (1 + ml_rnd(3)) * 1000 * 1000;
		nanosleep(&pause, NULL);
	}
	return st;
}

static void ml_child_under_preemption(const char *what, bool warn)
{
	char fdarg[16];
	int fds[2], st;
	uint32_t taken = 0;
	pid_t pid;
	char c;

	if (ml_mcp_cores() < 3)
		utest_skip("needs three cores for MCPs (-smp 4)");
	UT_ASSERT_EQ(pipe(fds), 0);
	snprintf(fdarg, sizeof(fdarg), "%d", fds[1]);
	pid = ml_fork((char *[]){ "libc_mcp_locks", "child", (char *)what, fdarg, NULL });
	close(fds[1]);
	UT_ASSERT_EQ(read(fds[0], &c, 1), 1);
	close(fds[0]);
	st = ml_preempt_until_exit(pid, warn, &taken);
	utest_note("%u preemptions %s warning taken", taken, warn ? "with" : "without");
	UT_ASSERT_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	              "child status %#x (exit 1: a count lost, 2: two holders, 3: fpu state, "
	              "4: no fpu window, 5: a callee-saved register)", st);
	UT_ASSERT_GT(taken, 0);
}

UTEST(mcp_locks, pdr_locks_held_across_preemptions_with_warning)
{
	ml_child_under_preemption("locks", true);
}

UTEST(mcp_locks, pdr_locks_held_across_preemptions_without_warning)
{
	ml_child_under_preemption("locks", false);
}

/* Preemptions land in the middle of direct switches (notifications off,
 * on the vcore's stack or in the pop): the vcore is resumed where it was
 * (a stuck vcore others hand their core to), a uthread caught after the
 * re-enable is stolen, and every thread ends with its registers.  These
 * once deadlocked now and then (parlib.md, Tests: an EV_VCORE_PREEMPT
 * left in the preempted vcore's own mailbox, and the last vcore idle). */
UTEST(mcp_locks, direct_switches_across_preemptions_with_warning)
{
	ml_child_under_preemption("switch", true);
}

UTEST(mcp_locks, direct_switches_across_preemptions_without_warning)
{
	ml_child_under_preemption("switch", false);
}

/* A pthread program on every core; a second MCP provisioned with two of
 * them takes them away, the first goes on with fewer and ends well. */
UTEST(mcp_locks, second_mcp_takes_cores_by_provisioning)
{
	int ready[2], stop[2], go[2], st = -1;
	char a1[16], a2[16], a3[16], c;
	pid_t hog, claim;

	if (ml_mcp_cores() != 3)
		utest_skip("made for -smp 4 (three cores for MCPs)");
	UT_ASSERT(pipe(ready) == 0 && pipe(stop) == 0 && pipe(go) == 0);
	snprintf(a1, sizeof(a1), "%d", ready[1]);
	snprintf(a2, sizeof(a2), "%d", stop[0]);
	snprintf(a3, sizeof(a3), "%d", go[0]);
	hog = ml_fork((char *[]){ "libc_mcp_locks", "child", "hog", a1, a2, NULL });
	UT_ASSERT_MSG(read(ready[0], &c, 1) == 1, "the hog ended before all cores were its own");
	claim = ml_fork((char *[]){ "libc_mcp_locks", "child", "claim", a3, NULL });
	UT_ASSERT_EQ(ros_syscall_raw(SYS_provision, claim, RES_CORES, 2, 0, 0, 0), 0);
	UT_ASSERT_EQ(ros_syscall_raw(SYS_provision, claim, RES_CORES, 3, 0, 0, 0), 0);
	close(ready[1]);
	close(stop[0]);
	close(go[0]);
	UT_ASSERT_EQ(write(go[1], "g", 1), 1);
	UT_ASSERT_EQ(waitpid(claim, &st, 0), claim);
	utest_note("the claimer held up to %d vcores", WEXITSTATUS(st));
	UT_ASSERT_MSG(WIFEXITED(st) && WEXITSTATUS(st) >= 2 && WEXITSTATUS(st) <= 3,
	              "claimer status %#x", st);
	UT_ASSERT_EQ(write(stop[1], "s", 1), 1);
	UT_ASSERT_EQ(waitpid(hog, &st, 0), hog);
	close(ready[0]);
	close(stop[1]);
	close(go[1]);
	utest_note("the hog: most vcores %d, fewest after %d", WEXITSTATUS(st) / 10,
	           WEXITSTATUS(st) % 10);
	UT_ASSERT_MSG(WIFEXITED(st) && WEXITSTATUS(st) / 10 == 3 && WEXITSTATUS(st) % 10 <= 1,
	              "hog status %#x", st);
	UT_ASSERT_EQ(ros_syscall_raw(SYS_provision, 0, RES_CORES, 2, 0, 0, 0), 0);
	UT_ASSERT_EQ(ros_syscall_raw(SYS_provision, 0, RES_CORES, 3, 0, 0, 0), 0);
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "child")) {
		if (!strcmp(argv[2], "locks"))
			return ml_child_locks(atoi(argv[3]));
		if (!strcmp(argv[2], "switch"))
			return ml_child_switch(atoi(argv[3]));
		if (!strcmp(argv[2], "hog") && argc == 5)
			return ml_child_hog(atoi(argv[3]), atoi(argv[4]));
		if (!strcmp(argv[2], "claim"))
			return ml_child_claim(atoi(argv[3]));
		return UTEST_CHILD_FAILED;
	}
	return utest_main("libc_mcp_locks", argc, argv);
}
