/* SPDX-License-Identifier: MIT */
/*
 * syscall.c - parlib's syscall stub over the asynchronous ABI (see
 * parlib/syscall.h and Documentation/syscalls.md).
 *
 * ros_syscall_trap() is the one place that executes `syscall` (rdi = array,
 * rsi = count; rcx and r11 clobbered, nothing useful in rax).  After the
 * trap a call that slept in the kernel comes back with SC_DONE clear, and
 * ros_syscall_blockon() waits for it: it spins a little (most calls finish
 * at once), then asks for EV_SYSCALL on an evbitmap ev_q with EVENT_WAKEUP
 * and sleeps in SYS_proc_yield(0) until SC_DONE is set: the process is
 * WAITING, not polling.  The kernel remembers a wakeup that lands before
 * the yield, so none is lost.  Events of earlier calls left in the bitmap
 * are drained each time (the flags word, not the bitmap, is the truth).
 *
 * Flags are read with acquire loads, so err/retval/errstr written before
 * SC_DONE are visible; the record is not reused until SC_K_LOCK clears.
 * The errstr buffer is per process (thread0 is the only uthread).
 *
 * ros_syscall_hook, when set (the C library sets it for signals over
 * events, Documentation/libc.md), runs after every call issued through
 * ros_syscall_run() and after each wake-up while a call waits: that is
 * when an SCP looks at its event mailboxes.
 */
#include <errno.h>
#include <string.h>
#include <parlib/event.h>
#include <parlib/syscall.h>

#define ROS_SPINS_BEFORE_YIELD 64

static char ros_errstr_buf[SYSC_ERRSTR_LEN];

static void ros_syscall_trap(struct syscall *scs, unsigned long count)
{
	__asm__ volatile("syscall"
	                 :
	                 : "D"(scs), "S"(count)
	                 : "rax", "rcx", "r11", "memory");
}

static uint32_t ros_syscall_flags(const struct syscall *sc)
{
	return __atomic_load_n(&sc->flags, __ATOMIC_ACQUIRE);
}

void ros_yield(int being_nice)
{
	struct syscall y;

	memset(&y, 0, sizeof(y));
	y.num = SYS_proc_yield;
	y.arg0 = (uint64_t)(being_nice != 0);
	ros_syscall_trap(&y, 1);
}

void (*ros_syscall_hook)(void);

static void ros_run_hook(void)
{
	void (*hook)(void) = __atomic_load_n(&ros_syscall_hook, __ATOMIC_RELAXED);

	if (hook)
		hook();
}

static struct event_mbox ros_wake_mbox;
static struct event_queue ros_wake_q;

static void ros_wake_q_init(void)
{
	if (ros_wake_q.ev_mbox)
		return;
	event_mbox_init_bitmap(&ros_wake_mbox);
	event_queue_init(&ros_wake_q, &ros_wake_mbox, EVENT_WAKEUP);
}

static void ros_park(void)
{
	ros_yield(0);
	ros_run_hook();
}

void ros_syscall_blockon(struct syscall *sc)
{
	for (unsigned int spins = 0; spins < ROS_SPINS_BEFORE_YIELD; spins++) {
		if (ros_syscall_flags(sc) & SC_DONE)
			break;
		__asm__ volatile("pause");
	}
	if (!(ros_syscall_flags(sc) & SC_DONE)) {
		ros_wake_q_init();
		event_syscall_wait(sc, &ros_wake_q, ros_park);
	}
	while (ros_syscall_flags(sc) & SC_K_LOCK)
		__asm__ volatile("pause");
}

void ros_syscall_run(struct syscall *sc)
{
	ros_syscall_trap(sc, 1);
	ros_syscall_blockon(sc);
	ros_run_hook();
}

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

static void ros_syscall_keep_errstr(const struct syscall *sc)
{
	size_t n = strnlen(sc->errstr, sizeof(sc->errstr) - 1);

	memcpy(ros_errstr_buf, sc->errstr, n);
	ros_errstr_buf[n] = '\0';
}

long ros_syscall_raw(unsigned int num, long a0, long a1, long a2, long a3, long a4, long a5)
{
	struct syscall sc;

	memset(&sc, 0, sizeof(sc));
	sc.num = num;
	sc.arg0 = (uint64_t)a0;
	sc.arg1 = (uint64_t)a1;
	sc.arg2 = (uint64_t)a2;
	sc.arg3 = (uint64_t)a3;
	sc.arg4 = (uint64_t)a4;
	sc.arg5 = (uint64_t)a5;
	ros_syscall_run(&sc);
	if (sc.err == 0)
		return sc.retval;
	ros_syscall_keep_errstr(&sc);
	/* A kernel err outside 1..4095 would read as a valid result. */
	if (sc.err < 0 || sc.err > 4095)
		return -EIO;
	return -(long)sc.err;
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
