/* SPDX-License-Identifier: MIT */
/*
 * b_notify.c - B3, a notification to oneself with the FPU state saved.
 *
 *	notify_self     Vireo: the process turns into an MCP (one vcore),
 *	                and each operation is a SYS_self_notify to its own
 *	                vcore: the kernel saves the uthread's registers, its
 *	                FXSAVE image and FS base into the VCPD and enters
 *	                vcore context, which runs the EV_USER_IPI handler and
 *	                pops the uthread back (FXRSTOR, the notif_pending
 *	                re-check).  Linux: kill(getpid(), SIGUSR1) to a handler.
 *
 * B5 (vcore request to entry) needs a second core, and the benchmarks run
 * on one (Documentation/benchmarks.md): not measured yet.
 */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "bench.h"

static volatile long handled;

#ifdef __vireo__
#include <parlib/syscall.h>
#include <parlib/vcore.h>

static void on_ipi(const struct event_msg *msg, uint32_t vcoreid)
{
	handled++;
}

static int notify_setup(void)
{
	int ret = vcore_change_to_m();

	if (ret) {
		printf("b_notify: change_to_m: error %d\n", -ret);
		return ret;
	}
	vcore_register_ev_handler(EV_USER_IPI, on_ipi);
	return 0;
}

static void notify_round(void *arg, long iters)
{
	for (long i = 0; i < iters; i++)
		ros_syscall_raw(SYS_self_notify, vcore_id(), EV_USER_IPI, 0, 1, 0, 0);
}
#else
static void on_usr1(int sig)
{
	handled++;
}

static int notify_setup(void)
{
	return signal(SIGUSR1, on_usr1) == SIG_ERR ? -1 : 0;
}

static void notify_round(void *arg, long iters)
{
	for (long i = 0; i < iters; i++)
		kill(getpid(), SIGUSR1);
}
#endif

int main(void)
{
	long iters = 5000;

	if (notify_setup())
		return 1;
	bench_report("notify_self", "ns", notify_round, NULL, iters);
	if (handled < bench_iters(iters)) {     /* the round quick mode runs */
		printf("b_notify: %ld notifications handled, fewer than one round\n", handled);
		return 1;
	}
	return 0;
}
