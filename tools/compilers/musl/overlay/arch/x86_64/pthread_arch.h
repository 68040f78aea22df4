/* SPDX-License-Identifier: MIT */
/*
 * pthread_arch.h (Vireo overlay of musl's arch/x86_64/pthread_arch.h).
 *
 * musl finds its thread descriptor with __get_tp(): %fs:0, as upstream.
 * Each thread is a uthread whose FS base is its own TLS block (parlib's
 * pop_ctx loads it), so this is per thread.  __set_thread_area also keeps
 * the pointer in __vireo_tp (src/thread/x86_64/__set_thread_area.c) for
 * the record; vcore context (parlib's 2LS) runs with another FS and never
 * calls into musl.
 */
extern __attribute__((__visibility__("hidden"))) uintptr_t __vireo_tp;

static inline uintptr_t __get_tp()
{
	uintptr_t tp;

	__asm__ ("mov %%fs:0,%0" : "=r" (tp));
	return tp;
}

#define MC_PC gregs[REG_RIP]
