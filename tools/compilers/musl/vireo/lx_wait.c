/* SPDX-License-Identifier: MIT */
/*
 * lx_wait.c - waiting for children: wait4 and waitid, over Vireo's
 * waitpid (kern/src/syscall/sys_proc.c), which reports a child's exit and,
 * when asked, its stop (WUNTRACED) and its continue (WCONTINUED), each
 * once (kern/src/proc/jobctl.c).  The status word already has POSIX's
 * shape, so musl's W* macros read it unchanged.
 *
 * wait4 passes Linux's options through (the clone-type bits __WALL,
 * __WCLONE and __WNOTHREAD mean nothing here: one kind of child); waitid
 * maps its own: WSTOPPED is WUNTRACED, WNOWAIT goes through, no WEXITED
 * is the kernel's WNOEXIT; and fills the siginfo from the status word.
 * No state here.  Not supported: waiting for a process group (pid 0 or
 * < -1, P_PGID): ECHILD with an errstr.
 */
#include <string.h>
#include <parlib/parlib.h>
#include "lx.h"
#include "lx_sig.h"

#define LX_WNOHANG     1
#define LX_WSTOPPED    2
#define LX_WEXITED     4
#define LX_WCONTINUED  8
#define LX_WNOWAIT     0x01000000
#define LX_WCLONEBITS  0xe0000000u      /* __WNOTHREAD, __WALL, __WCLONE */
#define LX_P_ALL       0
#define LX_P_PID       1

static long lx_wait_kernel(int pid, int *status, int options)
{
	long r;

	if (pid == 0 || pid < -1) {
		lx_errstr("wait", "waiting for a process group is not supported on Vireo");
		return -LX_ECHILD;
	}
	r = ros_syscall_raw(SYS_waitpid, pid, (long)status, options, 0, 0, 0);
	return r == -LX_ESRCH ? -LX_ECHILD : r;     /* Linux: not our child is ECHILD */
}

long lx_waitpid(long pid, long status, long options)
{
	return lx_wait_kernel((int)pid, (int *)status, (int)options);
}

long lx_wait4(const long *a)
{
	int options = (int)a[2];

	if ((unsigned int)options & ~(LX_WNOHANG | LX_WSTOPPED | LX_WCONTINUED | LX_WCLONEBITS))
		return -LX_EINVAL;
	options &= ~(int)LX_WCLONEBITS;
	if ((int)a[0] == 0 || (int)a[0] < -1)
		return lx_waitpid(a[0], 0, options);
	if (a[3])
		return lx_wait4_rusage((const long[]){ a[0], a[1], options, a[3] });
	return lx_waitpid(a[0], a[1], options);
}

/* The siginfo waitid returns, from the status word of child pid. */
static void lx_wait_info(struct lx_siginfo *si, int pid, int st)
{
	memset(si, 0, sizeof(*si));
	si->si_signo = LX_SIGCHLD;
	si->si_pid = pid;
	if (st == 0xffff) {
		si->si_code = LX_CLD_CONTINUED;
		si->si_status = LX_SIGCONT;
	} else if ((st & 0xff) == 0x7f) {
		si->si_code = LX_CLD_STOPPED;
		si->si_status = (st >> 8) & 0xff;
	} else if ((st & 0x7f) == 0) {
		si->si_code = LX_CLD_EXITED;
		si->si_status = (st >> 8) & 0xff;
	} else {
		si->si_code = (st & 0x80) ? LX_CLD_DUMPED : LX_CLD_KILLED;
		si->si_status = st & 0x7f;
	}
}

/* waitid(idtype, id, infop, options, rusage). */
long lx_waitid(const long *a)
{
	int idtype = (int)a[0], options = (int)a[3], kopt, st = 0;
	struct lx_siginfo *si = (struct lx_siginfo *)a[2];
	long pid;

	if (options & ~(LX_WNOHANG | LX_WSTOPPED | LX_WEXITED | LX_WCONTINUED | LX_WNOWAIT) ||
	    !(options & (LX_WSTOPPED | LX_WEXITED | LX_WCONTINUED)))
		return -LX_EINVAL;
	if (idtype != LX_P_ALL && (idtype != LX_P_PID || (int)a[1] <= 0)) {
		if (idtype != LX_P_PID && idtype != 2)
			return -LX_EINVAL;
		lx_errstr("waitid", "P_PGID is not supported on Vireo");
		return -LX_ECHILD;
	}
	kopt = (options & (LX_WNOHANG | LX_WCONTINUED | LX_WNOWAIT)) |
	       ((options & LX_WSTOPPED) ? WUNTRACED : 0) | ((options & LX_WEXITED) ? 0 : WNOEXIT);
	pid = lx_wait_kernel(idtype == LX_P_ALL ? -1 : (int)a[1], &st, kopt);
	if (pid < 0)
		return pid;
	if (si && pid)
		lx_wait_info(si, (int)pid, st);
	else if (si)
		memset(si, 0, sizeof(*si));     /* WNOHANG, nothing yet: si_pid 0 */
	if (a[4])
		memset((void *)a[4], 0, 144);   /* struct rusage: nothing measured */
	return 0;
}
