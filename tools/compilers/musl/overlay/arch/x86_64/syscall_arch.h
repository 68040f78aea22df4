/* SPDX-License-Identifier: MIT */
/*
 * syscall_arch.h (Vireo overlay of musl's arch/x86_64/syscall_arch.h).
 *
 * musl keeps Linux's syscall numbers and argument conventions; on Vireo no
 * `syscall` instruction is executed here.  Every __syscallN(n, ...) calls
 * __vireo_linux_syscall() (tools/compilers/musl/vireo/linux_syscalls.c),
 * which serves the Linux call through Vireo's native syscalls or emulates
 * it, and returns a Linux result (value or -errno), as the kernel would.
 * No vDSO: clock_gettime goes straight to the layer, which reads the global
 * info page without trapping.
 */
#define __SYSCALL_LL_E(x) (x)
#define __SYSCALL_LL_O(x) (x)

long __vireo_linux_syscall(long, long, long, long, long, long, long);

static __inline long __syscall0(long n)
{
	return __vireo_linux_syscall(n, 0, 0, 0, 0, 0, 0);
}

static __inline long __syscall1(long n, long a1)
{
	return __vireo_linux_syscall(n, a1, 0, 0, 0, 0, 0);
}

static __inline long __syscall2(long n, long a1, long a2)
{
	return __vireo_linux_syscall(n, a1, a2, 0, 0, 0, 0);
}

static __inline long __syscall3(long n, long a1, long a2, long a3)
{
	return __vireo_linux_syscall(n, a1, a2, a3, 0, 0, 0);
}

static __inline long __syscall4(long n, long a1, long a2, long a3, long a4)
{
	return __vireo_linux_syscall(n, a1, a2, a3, a4, 0, 0);
}

static __inline long __syscall5(long n, long a1, long a2, long a3, long a4, long a5)
{
	return __vireo_linux_syscall(n, a1, a2, a3, a4, a5, 0);
}

static __inline long __syscall6(long n, long a1, long a2, long a3, long a4, long a5, long a6)
{
	return __vireo_linux_syscall(n, a1, a2, a3, a4, a5, a6);
}

#define IPC_64 0
