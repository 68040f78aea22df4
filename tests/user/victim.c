/* SPDX-License-Identifier: MIT */
/*
 * victim.c - /test/victim MODE: a child process for the process tests
 * (utest_async.c).  Each mode does one thing the kernel must cope with:
 *
 *	spin          loops in user mode forever (killing it needs an IPI)
 *	sleep         one synchronous 60 s nanosleep (killed while asleep)
 *	exit-asleep   starts three 60 s nanosleeps without waiting, then exits
 *	              with code 7 (its syscall kthreads must be aborted)
 *	tick          writes "x" on fd 1, then spins (time slicing)
 *	fpu           fills %xmm0-%xmm1 and %fs with its own values, yields
 *	              1000 times and checks they survived; exit code 0 or 1
 *	fault         writes to a read-only page (killed with a message)
 *	protnone      reads a page it wrote after mprotect(PROT_NONE) (killed)
 *	forkbomb      forks until fork fails (children sleep 1 s and exit);
 *	              exits 0 if it failed with ENOMEM after some successes
 *	sigexit       ends itself "by signal 6" (PROC_EXIT_SIGNALED)
 *	fds           exits 0 if fd 3 is open and fd 4 is not (after an exec
 *	              that had 4 marked close-on-exec), else 1
 *	scpf-default  asks for its faults (VC_SCP_FAULTS) and reads 0x10:
 *	              reflected, parlib's default ends it "by signal 11"
 *	scpf-badentry the same with a kernel address as VCPD 0's vcore_entry
 *	              (killed: the kernel never jumps there)
 *	scpf-vcctx    the same with notif_disabled set (a fault "in vcore
 *	              context": killed, not reflected)
 *	naps          32 synchronous 100 us SYS_block calls, each of which
 *	              sleeps and so detaches (kthread recycling); exit code 0
 */
#include <ros/errno.h>
#include <ros/kstat.h>
#include <ros/mmap.h>
#include <tiny/print.h>
#include <tiny/start.h>
#include <tiny/string.h>
#include <tiny/syscall.h>
#include <tiny/fpu.h>
#include <parlib/vcore.h>
#include <ros/procdata.h>

static void spin_forever(void)
{
	for (;;)
		__asm__ volatile("pause");
}

static int mode_sleep(void)
{
	struct { int64_t s, ns; } req = { 60, 0 };

	return (int)tsys(SYS_nanosleep, UP(&req), 0);
}

static int mode_exit_asleep(void)
{
	static struct { int64_t s, ns; } req = { 60, 0 };
	static struct syscall scs[3];

	for (int i = 0; i < 3; i++)
		sysc_prep(&scs[i], SYS_nanosleep, UP(&req), 0);
	sysc_trap(scs, 3);
	return 7;
}

static int mode_fault(void)
{
	int64_t va = tsys(SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	*(volatile char *)va = 1;
	return 0;
}

static int mode_protnone(void)
{
	int64_t va = tsys(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE,
	                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	*(volatile char *)va = 1;
	if (tsys(SYS_mprotect, (uint64_t)va, 4096, PROT_NONE) != 0)
		return 2;
	return *(volatile char *)va;
}

static volatile int *volatile scpf_ptr = (volatile int *)0x10;

/* Reflected SCP faults (proc/fault.c) with VCPD 0 as mode says. */
static int mode_scp_fault(const char *how)
{
	struct procdata *pd = (struct procdata *)UDATA;

	if (vcore_scp_faults())
		return 3;
	if (!strcmp(how, "badentry"))
		pd->vcpd[0].vcore_entry = 0xffff800000100000ull;
	else if (!strcmp(how, "vcctx"))
		pd->vcpd[0].notif_disabled = 1;
	return *scpf_ptr;
}

static int mode_forkbomb(void)
{
	int64_t pid;
	int n = 0;

	while ((pid = tsys(SYS_fork)) > 0)
		n++;
	if (pid == 0) {
		tsys(SYS_block, 1000 * 1000);
		return 0;
	}
	tiny_printf("victim: %d forks, then error %lld\n", n, (long long)-pid);
	return n > 10 && pid == -ENOMEM ? 0 : 1;
}

static int mode_naps(void)
{
	for (int i = 0; i < 32; i++)
		if (tsys(SYS_block, 100) != 0)
			return 1;
	return 0;
}

static int mode_fpu(void)
{
	static uint64_t fs_word = 0x5eed;
	struct syscall y;

	fpu_fill(0xb0b0);
	if (tsys(SYS_set_fsbase, UP(&fs_word)) != 0)
		return 2;
	for (int i = 0; i < 1000; i++) {
		sysc_prep(&y, SYS_proc_yield, 1);
		sysc_trap(&y, 1);
		if (!fpu_check(0xb0b0) || fs_read0() != 0x5eed)
			return 1;
	}
	return 0;
}

int main(int argc, char **argv, char **envp)
{
	const char *mode = argc > 1 ? argv[1] : "";

	(void)envp;
	if (!strcmp(mode, "spin"))
		spin_forever();
	if (!strcmp(mode, "sleep"))
		return mode_sleep();
	if (!strcmp(mode, "exit-asleep"))
		return mode_exit_asleep();
	if (!strcmp(mode, "tick")) {
		tsys(SYS_write, 1, UP("x"), 1);
		spin_forever();
	}
	if (!strcmp(mode, "fpu"))
		return mode_fpu();
	if (!strcmp(mode, "naps"))
		return mode_naps();
	if (!strcmp(mode, "fault"))
		return mode_fault();
	if (!strcmp(mode, "protnone"))
		return mode_protnone();
	if (!strncmp(mode, "scpf-", 5))
		return mode_scp_fault(mode + 5);
	if (!strcmp(mode, "forkbomb"))
		return mode_forkbomb();
	if (!strcmp(mode, "sigexit"))
		return (int)tsys(SYS_proc_destroy, 0, PROC_EXIT_SIGNALED | 6);
	if (!strcmp(mode, "fds")) {
		struct kstat st;

		return tsys(SYS_fstat, 3, UP(&st)) == 0 && tsys(SYS_fstat, 4, UP(&st)) == -EBADF ?
		       0 : 1;
	}
	tiny_printf("victim: unknown mode '%s'\n", mode);
	return 64;
}
