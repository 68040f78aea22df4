/* SPDX-License-Identifier: MIT */
/*
 * syscall.c - filling records and running them (see tiny/syscall.h).
 *
 * The trap and the wait for completion are parlib's (user/parlib/
 * syscall_wait.c, linked into every tiny program): sysc_trap() and
 * sysc_wait() are ros_syscall_trap() and ros_syscall_blockon().  This file
 * only fills records and runs batches over them.
 */
#include <tiny/string.h>
#include <tiny/syscall.h>

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
