/* SPDX-License-Identifier: MIT */
/*
 * syscall.c - the trap and the wait for completion (see tiny/syscall.h).
 *
 * sysc_trap() is the only code that executes `syscall`.  rdi and rsi carry
 * the array and the count; the kernel clobbers rcx and r11, the compiler is
 * told rax is clobbered too (the kernel returns nothing useful there), and
 * "memory" because the kernel writes the records.
 *
 * sysc_wait() reads flags with acquire loads: once SC_DONE is seen, err,
 * retval and errstr (written before it) are visible.  A call that is not
 * done after a short spin is waited for the SCP way (parlib's
 * event_syscall_wait): an evbitmap ev_q with EVENT_WAKEUP and
 * SYS_proc_yield(0), so the process sleeps WAITING.  It then waits for
 * SC_K_LOCK to clear, as the completion protocol asks before a record is
 * reused.  The yield is a ctx call: it completes before its trap returns.
 */
#include <parlib/event.h>
#include <tiny/string.h>
#include <tiny/syscall.h>

#define SYSC_SPINS_BEFORE_PARK 1024

void sysc_fill(struct syscall *sc, uint32_t num, const uint64_t *args)
{
	memset(sc, 0, sizeof(*sc));
	sc->num = num;
	sc->arg0 = args[0];
	sc->arg1 = args[1];
	sc->arg2 = args[2];
	sc->arg3 = args[3];
	sc->arg4 = args[4];
	sc->arg5 = args[5];
}

void sysc_trap(struct syscall *scs, uint64_t count)
{
	__asm__ volatile("syscall"
	                 :
	                 : "D"(scs), "S"(count)
	                 : "rax", "rcx", "r11", "memory");
}

static uint32_t sysc_flags(const struct syscall *sc)
{
	return __atomic_load_n(&sc->flags, __ATOMIC_ACQUIRE);
}

static void sysc_park(void)
{
	struct syscall y;

	sysc_prep(&y, SYS_proc_yield, 0);
	sysc_trap(&y, 1);
}

void sysc_wait(struct syscall *sc)
{
	static struct event_mbox mbox;
	static struct event_queue q;

	for (unsigned int spins = 0; spins < SYSC_SPINS_BEFORE_PARK; spins++) {
		if (sysc_flags(sc) & SC_DONE)
			break;
		__asm__ volatile("pause");
	}
	if (!(sysc_flags(sc) & SC_DONE)) {
		if (!q.ev_mbox) {
			event_mbox_init_bitmap(&mbox);
			event_queue_init(&q, &mbox, EVENT_WAKEUP);
		}
		event_syscall_wait(sc, &q, sysc_park);
	}
	while (sysc_flags(sc) & SC_K_LOCK)
		__asm__ volatile("pause");
}

void sysc_run(struct syscall *scs, size_t count)
{
	sysc_trap(scs, count);
	for (size_t i = 0; i < count; i++)
		sysc_wait(&scs[i]);
}

int64_t sysc_call(struct syscall *sc, uint32_t num, const uint64_t *args)
{
	sysc_fill(sc, num, args);
	sysc_run(sc, 1);
	return sc->err ? -(int64_t)sc->err : sc->retval;
}

int64_t tsys_call(uint32_t num, const uint64_t *args)
{
	struct syscall sc;

	return sysc_call(&sc, num, args);
}
