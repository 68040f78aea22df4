/* SPDX-License-Identifier: MIT */
/*
 * clone.c (Vireo: replaces musl's generic src/thread/clone.c, which
 * returns -ENOSYS; musl-prepare.sh removes the x86_64 assembly version,
 * which executes `syscall`).
 *
 * musl's pthread_create (and nothing else in musl) calls __clone with a
 * stack, a TLS block and its flags; on Vireo the new thread is a uthread
 * of parlib's 2LS, made by the translation layer (tools/compilers/musl/vireo/lx_thread.c,
 * Documentation/pthreads.md).  Returns the tid or -errno.
 */
#include <errno.h>
#include <stdarg.h>
#include "pthread_impl.h"

int __vireo_clone(int (*)(void *), void *, int, void *, int *, void *, int *);

int __clone(int (*func)(void *), void *stack, int flags, void *arg, ...)
{
	va_list ap;
	int *ptid, *ctid;
	void *tls;

	va_start(ap, arg);
	ptid = va_arg(ap, int *);
	tls = va_arg(ap, void *);
	ctid = va_arg(ap, int *);
	va_end(ap);
	return __vireo_clone(func, stack, flags, arg, ptid, tls, ctid);
}
