/* SPDX-License-Identifier: MIT */
/*
 * ktest_thread.c - ktest_thread_run(): the runner's way of giving every
 * test a fresh kthread.  The test runs on the calling core (the boot core)
 * with IRQs on; the caller blocks in kthread_join() until the test's
 * kthread has exited and been reaped (stack freed), so the runner's leak
 * check after it sees a clean slate.
 */
#include <kthread.h>

static void ktest_thread_main(void *arg)
{
	void (*fn)(void) = (void (*)(void))arg;

	fn();
}

void ktest_thread_run(void (*fn)(void))
{
	struct kthread *kt = kthread_create(ktest_thread_main, (void *)fn, "ktest");

	kthread_get(kt);
	kthread_run_on(kt, core_id());
	kthread_join(kt);
}
