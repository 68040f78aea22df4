/* SPDX-License-Identifier: MIT */
/*
 * __set_thread_area.c (Vireo: replaces musl's x86_64 __set_thread_area.s).
 *
 * Asks the kernel to load the thread pointer into %fs (arch_prctl(
 * ARCH_SET_FS), which the translation layer maps to Vireo's set_fsbase)
 * and keeps a copy in __vireo_tp for debuggers.  musl reads the pointer
 * back from %fs:0 (arch/x86_64/pthread_arch.h), so a refusal is fatal:
 * -1, and musl stops at start-up; 0 when %fs is set.
 */
#include <stdint.h>
#include "pthread_impl.h"
#include "syscall.h"

hidden uintptr_t __vireo_tp;

int __set_thread_area(void *p)
{
	__vireo_tp = (uintptr_t)p;
	return __syscall(SYS_arch_prctl, 0x1002 /* ARCH_SET_FS */, p) == 0 ? 0 : -1;
}
