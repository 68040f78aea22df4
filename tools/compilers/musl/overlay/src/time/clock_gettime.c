/* SPDX-License-Identifier: MIT */
/*
 * clock_gettime.c - Vireo's clock_gettime, replacing musl's (which asks a
 * vDSO, then traps).  Vireo has no vDSO and reading a clock never traps:
 * the translation layer reads the global info page
 * (tools/compilers/musl/vireo/lx_time.c).  Called directly, as a vDSO
 * function would be, not through __vireo_linux_syscall()'s table; so
 * clock_gettime costs what the clock read costs.  syscall(SYS_clock_gettime)
 * still reaches the same code through the table.
 */
#include <errno.h>
#include <time.h>
#include "../vireo/lx_clock.h"

int __clock_gettime(clockid_t clk, struct timespec *ts)
{
	long r = __vireo_clock_gettime(clk, ts);

	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return 0;
}

weak_alias(__clock_gettime, clock_gettime);
