/* SPDX-License-Identifier: MIT */
/*
 * syscall.c - parlib's syscall calls over the asynchronous ABI (see
 * parlib/syscall.h and Documentation/syscalls.md): one record on the
 * caller's stack, run by ros_syscall_run() (syscall_wait.c: the trap and
 * the wait, shared with the freestanding test programs), its result
 * returned as retval or -err, errno set by ros_syscall(), and the errstr of
 * the last failure kept.  The errstr buffer is per process (thread0 is the
 * only uthread).
 */
#include <errno.h>
#include <string.h>
#include <parlib/syscall.h>

static char ros_errstr_buf[SYSC_ERRSTR_LEN];

void errstr_set(const char *msg)
{
	size_t n = strnlen(msg, sizeof(ros_errstr_buf) - 1);

	memcpy(ros_errstr_buf, msg, n);
	ros_errstr_buf[n] = '\0';
}

const char *errstr(void)
{
	return ros_errstr_buf;
}

/* A failed call: its errstr kept, -err returned.  Out of line, so that
 * the common path saves no register. */
static __attribute__((noinline)) long ros_syscall_failed(const struct syscall *sc)
{
	size_t n = strnlen(sc->errstr, sizeof(sc->errstr) - 1);

	memcpy(ros_errstr_buf, sc->errstr, n);
	ros_errstr_buf[n] = '\0';
	/* A kernel err outside 1..4095 would read as a valid result. */
	if (sc->err < 0 || sc->err > 4095)
		return -EIO;
	return -(long)sc->err;
}

long ros_syscall_raw(unsigned int num, long a0, long a1, long a2, long a3, long a4, long a5)
{
	struct syscall sc;

	/* Only what the kernel reads before SC_DONE: not the 128-byte errstr,
	 * which it writes when err != 0 (ev_q is set by the wait if needed). */
	sc.num = num;
	sc.flags = 0;
	sc.arg0 = (uint64_t)a0;
	sc.arg1 = (uint64_t)a1;
	sc.arg2 = (uint64_t)a2;
	sc.arg3 = (uint64_t)a3;
	sc.arg4 = (uint64_t)a4;
	sc.arg5 = (uint64_t)a5;
	ros_syscall_run(&sc);
	if (sc.err == 0)
		return sc.retval;
	return ros_syscall_failed(&sc);
}

long ros_syscall(unsigned int num, long a0, long a1, long a2, long a3, long a4, long a5)
{
	long r = ros_syscall_raw(num, a0, a1, a2, a3, a4, a5);

	if (r < 0 && r >= -4095) {
		errno = (int)-r;
		return -1;
	}
	return r;
}
