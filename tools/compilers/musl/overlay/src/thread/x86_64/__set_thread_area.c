/* SPDX-License-Identifier: MIT */
/*
 * __set_thread_area.c (Vireo: replaces musl's x86_64 __set_thread_area.s).
 *
 * Records the thread pointer for __get_tp() (arch/x86_64/pthread_arch.h)
 * and asks the kernel to load it into %fs (arch_prctl(ARCH_SET_FS), which
 * the translation layer maps to Vireo's set_fsbase).  Returns 0 when %fs
 * is set too; 1 when only the recorded pointer works (musl then runs, but
 * refuses to create threads and __thread variables fault); never < 0, since
 * musl's own thread pointer always works.
 */
#include <stdint.h>
#include "pthread_impl.h"
#include "syscall.h"

hidden uintptr_t __vireo_tp;

int __set_thread_area(void *p)
{
	__vireo_tp = (uintptr_t)p;
	return __syscall(SYS_arch_prctl, 0x1002 /* ARCH_SET_FS */, p) == 0 ? 0 : 1;
}
