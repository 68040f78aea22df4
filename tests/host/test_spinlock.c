/* SPDX-License-Identifier: MIT */
/*
 * test_spinlock.c - host tests of the spinlock checker (kern/src/sync/spinlock.c,
 * which every host suite links) and of the path from its panics to a test
 * verdict.
 *
 * Threads and htest_core_id play cores.  The checker must panic, naming the
 * lock, on a recursive acquire, on a release of a free lock, on a release
 * by a core that does not hold the lock, and on a lock taken both with and
 * without irqsave; those tests announce the panic (htest_expect_panic).
 * One test lets an unannounced panic happen in a grandchild that is
 * capturing stderr, and checks that it exits with status 2 (a FAIL line)
 * with both the captured text and the panic message on its real stderr.
 */
#include <core_id.h>
#include <printk.h>
#include <spinlock.h>

#include <pthread.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "htest.h"

static spinlock_t lock = SPINLOCK_INITIALIZER("testlock");

HTEST(spin_lock_records_holder)
{
	spin_lock(&lock);
	HT_ASSERT(spin_is_locked(&lock));
	HT_ASSERT_EQ(lock.holder_core, 0);
	spin_unlock(&lock);
	HT_ASSERT(!spin_is_locked(&lock));
	HT_ASSERT_EQ(lock.holder_core, -1);
}

HTEST(spin_trylock_fails_while_held)
{
	spin_lock(&lock);
	htest_core_id = 3;
	HT_ASSERT(!spin_trylock(&lock));
	htest_core_id = 0;
	spin_unlock(&lock);
	htest_core_id = 3;
	HT_ASSERT(spin_trylock(&lock));
	HT_ASSERT_EQ(lock.holder_core, 3);
	spin_unlock(&lock);
}

HTEST(spin_irqsave_restores_flags)
{
	spinlock_t l = SPINLOCK_INITIALIZER("irqlock");
	uint64_t flags;

	HT_ASSERT(irq_is_enabled());
	flags = spin_lock_irqsave(&l);
	HT_ASSERT(!irq_is_enabled());
	spin_unlock_irqrestore(&l, flags);
	HT_ASSERT(irq_is_enabled());
}

HTEST(spin_recursive_acquire_panics)
{
	spin_lock(&lock);
	htest_expect_panic();
	spin_lock(&lock);
}

HTEST(spin_release_of_free_lock_panics)
{
	htest_expect_panic();
	spin_unlock(&lock);
}

HTEST(spin_release_by_other_core_panics)
{
	spin_lock(&lock);
	htest_core_id = 1;
	htest_expect_panic();
	spin_unlock(&lock);
}

HTEST(spin_mixed_irq_modes_panic)
{
	uint64_t flags = spin_lock_irqsave(&lock);

	spin_unlock_irqrestore(&lock, flags);
	htest_expect_panic();
	spin_lock(&lock);
}

/* ------------------------------------------------------ contention --- */

#define NR_CORES 4
#define ROUNDS   50000
static unsigned long counter;

static void *count_up(void *arg)
{
	htest_core_id = (uintptr_t)arg;
	for (int i = 0; i < ROUNDS; i++) {
		spin_lock(&lock);
		counter++;              /* plain: only the lock orders it */
		spin_unlock(&lock);
	}
	return NULL;
}

HTEST(spin_lock_excludes_other_cores)
{
	pthread_t t[NR_CORES];

	for (uintptr_t i = 0; i < NR_CORES; i++)
		HT_ASSERT_EQ(pthread_create(&t[i], NULL, count_up, (void *)(i + 1)), 0);
	for (int i = 0; i < NR_CORES; i++)
		pthread_join(t[i], NULL);
	HT_ASSERT_EQ(counter, NR_CORES * ROUNDS);
	HT_ASSERT(!spin_is_locked(&lock));
}

/* ------------------------------------------- an unannounced panic --- */

static void panic_while_capturing(void)
{
	htest_capture_begin();
	printk("said before the panic\n");
	spin_lock(&lock);
	spin_lock(&lock);
}

HTEST(spin_unexpected_panic_fails_with_its_log)
{
	FILE *log = tmpfile();
	char text[4096];
	int status;
	size_t n;
	pid_t pid;

	HT_ASSERT(log);
	fflush(stderr);
	pid = fork();
	HT_ASSERT(pid >= 0);
	if (pid == 0) {         /* the grandchild's stderr is the log file */
		dup2(fileno(log), 2);
		panic_while_capturing();
		_exit(0);
	}
	HT_ASSERT_EQ(waitpid(pid, &status, 0), pid);
	HT_ASSERT(WIFEXITED(status));
	HT_ASSERT_EQ(WEXITSTATUS(status), 2);
	rewind(log);
	n = fread(text, 1, sizeof(text) - 1, log);
	text[n] = '\0';
	HT_ASSERT_MSG(strstr(text, "said before the panic") &&
	              strstr(text, "kernel panic at") &&
	              strstr(text, "spinlock 'testlock': core 0 takes it again"),
	              "log: %s", text);
	fclose(log);
}
