/* SPDX-License-Identifier: MIT */
/*
 * lx_pgrp.c - process groups and sessions, for the translation layer
 * (rows setpgid, getpgid, getpgrp, setsid, getsid, and kill to a group):
 * Vireo's calls of the same names (kern/src/proc/session.c) keep the state
 * and check POSIX's rules and the permission to signal
 * (Documentation/processes.md, "Process groups and sessions").
 *
 * kill(pid, sig): pid > 0 is lx_signal.c's; pid 0 (the caller's group),
 * -1 (every process but init and the caller) and -pgid go to the kernel's
 * signal_group, which sends each member the EV_POSIX_SIGNAL message a
 * kill(pid) would (the caller's own, if it is a member, is delivered by the
 * syscall hook as the call returns).  killpg is musl's kill(-pgid).
 * No state here.
 */
#include "lx.h"

long lx_setpgid(const long *a)
{
	return ros_syscall_raw(SYS_setpgid, (int)a[0], (int)a[1], 0, 0, 0, 0);
}

long lx_getpgid(const long *a)
{
	return ros_syscall_raw(SYS_getpgid, (int)a[0], 0, 0, 0, 0, 0);
}

long lx_getpgrp(const long *a)
{
	(void)a;
	return ros_syscall_raw(SYS_getpgid, 0, 0, 0, 0, 0, 0);
}

long lx_setsid(const long *a)
{
	(void)a;
	return ros_syscall_raw(SYS_setsid, 0, 0, 0, 0, 0, 0);
}

long lx_getsid(const long *a)
{
	return ros_syscall_raw(SYS_getsid, (int)a[0], 0, 0, 0, 0, 0);
}

long lx_kill_any(const long *a)
{
	int pid = (int)a[0], sig = (int)a[1];

	if (pid > 0)
		return lx_kill(a);
	if (sig < 0 || sig >= LX_NSIG)
		return -LX_EINVAL;
	if (pid == INT32_MIN)
		return -LX_ESRCH;               /* -INT_MIN names no group */
	lx_sig_start();
	return ros_syscall_raw(SYS_signal_group, pid < -1 ? -pid : pid, sig, 0, 0, 0, 0);
}
