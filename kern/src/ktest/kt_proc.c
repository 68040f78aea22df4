/* SPDX-License-Identifier: MIT */
/*
 * kt_proc.c - ktests of processes: create, run and reap a user program from
 * the initramfs, a program that faults, and the loader's refusals (a
 * missing file, a file that is not ELF).  Each test checks that no process,
 * page or chan is left behind (the runner's leak check, plus the process
 * count).
 */
#include <errno.h>
#include <ktest.h>
#include <process.h>
#include <ros/syscall.h>

static int run_and_wait(const char *path, const char *const *argv, int *status)
{
	struct proc *p;
	int ret = proc_create(path, argv, NULL, &p);

	if (ret)
		return ret;
	proc_run(p);
	*status = proc_wait(p);
	return 0;
}

KTEST(proc, hello_runs_and_exits_zero)
{
	const char *argv[] = { "/bin/hello", NULL };
	int64_t before = proc_nr_live();
	int status = -1;

	KT_ASSERT_EQ(run_and_wait("/bin/hello", argv, &status), 0);
	KT_ASSERT_MSG(status == WSTATUS_EXITED(0), "status %#x", status);
	KT_ASSERT_EQ(proc_nr_live(), before);
}

KTEST(proc, many_processes_in_a_row)
{
	const char *argv[] = { "/bin/hello", NULL };
	int64_t before = proc_nr_live();

	for (int i = 0; i < 8; i++) {
		int status = -1;

		KT_ASSERT_EQ(run_and_wait("/bin/hello", argv, &status), 0);
		KT_ASSERT_EQ(status, WSTATUS_EXITED(0));
	}
	KT_ASSERT_EQ(proc_nr_live(), before);
}

KTEST(proc, missing_file_is_refused)
{
	const char *argv[] = { "/bin/no-such-program", NULL };
	struct proc *p = NULL;

	KT_ASSERT_EQ(proc_create("/bin/no-such-program", argv, NULL, &p), -ENOENT);
	KT_ASSERT(p == NULL);
}

KTEST(proc, non_elf_is_refused_with_enoexec)
{
	const char *argv[] = { "/etc/motd", NULL };
	struct proc *p = NULL;
	int64_t before = proc_nr_live();

	KT_ASSERT_EQ(proc_create("/etc/motd", argv, NULL, &p), -ENOEXEC);
	KT_ASSERT_EQ(proc_nr_live(), before);
}
