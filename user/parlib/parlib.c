/* SPDX-License-Identifier: MIT */
/*
 * parlib.c - the shared-page accessors (parlib/parlib.h).
 *
 * parlib_page_probe() asks the kernel to copy one byte from the page
 * (SYS_access with a one-byte path): EFAULT says the page is not mapped;
 * any other answer (ENOENT, EINVAL...) says the kernel could read it; the
 * probe leaves errno and errstr() alone.  The
 * result is cached per page in a tri-state int (0 unknown, 1 mapped, -1 not
 * mapped); a race between two probes is harmless since both get the same
 * answer.
 */
#include <errno.h>
#include <parlib/parlib.h>
#include <parlib/syscall.h>

static int parlib_uinfo_state;
static int parlib_uginfo_state;

static int parlib_page_probe(uintptr_t addr)
{
	struct syscall sc = { .num = SYS_access, .arg0 = addr, .arg1 = 1 };

	ros_syscall_run(&sc);   /* not ros_syscall_raw: errstr() stays */
	return sc.err == EFAULT ? -1 : 1;
}

static const void *parlib_page(int *state, uintptr_t addr)
{
	int s = __atomic_load_n(state, __ATOMIC_RELAXED);

	if (s == 0) {
		s = parlib_page_probe(addr);
		__atomic_store_n(state, s, __ATOMIC_RELAXED);
	}
	return s > 0 ? (const void *)addr : NULL;
}

const struct procinfo *parlib_procinfo(void)
{
	return parlib_page(&parlib_uinfo_state, UINFO);
}

const struct proc_global_info *parlib_globalinfo(void)
{
	return parlib_page(&parlib_uginfo_state, UGINFO);
}

int parlib_getpid(void)
{
	const struct procinfo *pi = parlib_procinfo();

	return pi ? (int)pi->pid : -1;
}
