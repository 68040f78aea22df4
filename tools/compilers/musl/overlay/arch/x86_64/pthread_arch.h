/* SPDX-License-Identifier: MIT */
/*
 * pthread_arch.h (Vireo overlay of musl's arch/x86_64/pthread_arch.h).
 *
 * musl finds its thread descriptor with __get_tp().  Upstream reads %fs:0;
 * on Vireo the thread pointer is also kept in __vireo_tp (set by
 * __set_thread_area, src/thread/x86_64/__set_thread_area.c) and read from
 * there, so the C library works before the kernel's set_fsbase call exists
 * and whatever %fs holds.  One thread per process (thread0) makes one
 * variable enough; the MCP issue's threads will bring back %fs:0.
 * Compiler-generated TLS (__thread) still uses %fs and needs set_fsbase.
 */
extern __attribute__((__visibility__("hidden"))) uintptr_t __vireo_tp;

static inline uintptr_t __get_tp()
{
	return __vireo_tp;
}

#define MC_PC gregs[REG_RIP]
