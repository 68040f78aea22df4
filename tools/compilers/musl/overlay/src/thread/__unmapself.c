/* SPDX-License-Identifier: MIT */
/*
 * __unmapself.c (Vireo: replaces musl's generic version, which switches
 * to one static stack shared by every exiting thread).
 *
 * A detached thread's last step: the translation layer (tools/compilers/
 * musl/vireo/lx_thread.c) ends the uthread, and the 2LS unmaps base..base+size in
 * vcore context, off the thread's stack.
 */
#include "pthread_impl.h"

_Noreturn void __vireo_unmapself(void *, unsigned long);

void __unmapself(void *base, size_t size)
{
	__vireo_unmapself(base, size);
}
