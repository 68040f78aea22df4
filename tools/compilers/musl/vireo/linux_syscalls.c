/* SPDX-License-Identifier: MIT */
/*
 * linux_syscalls.c - THE table: how each Linux system call musl makes is
 * served on Vireo, and the entry point musl calls for every one of them.
 *
 * musl's __syscallN(n, ...) (tools/compilers/musl/overlay/arch/x86_64/
 * syscall_arch.h) calls __vireo_linux_syscall(n, a, b, c, d, e, f) with
 * Linux's number n.  Each row below is one Linux call, of one of three
 * kinds:
 *   PASS(nr, name, SYS_x, note)        MAPPED: the arguments go unchanged
 *                                      to Vireo's SYS_x through parlib
 *   CALL(nr, name, MAPPED, fn, note)   MAPPED: fn translates arguments or
 *                                      results around Vireo syscalls
 *   CALL(nr, name, EMULATED, fn, note) EMULATED in user space, as the note
 *                                      says (some are recorded-only)
 *   NOSYS(nr, name, note)              -ENOSYS, and why
 * A number with no row is -ENOSYS too.  Every -ENOSYS also sets errstr() to
 * name the call, so a program that stops on it says what is missing.
 * The first call of a program also registers its signal queue
 * (lx_sig_start, lx_signal.c) and turns its faults into signals
 * (lx_fault_start, lx_fault.c).  Keep one row per line: tools/compilers/musl/lxtable.py turns the rows
 * into the table in Documentation/libc.md.
 */
#include <string.h>
#include "lx.h"
#include "lx_fault.h"

struct lx_call {
	const char *name;
	uint8_t kind;                   /* LX_KIND_* */
	uint16_t vsys;                  /* PASS: Vireo's number */
	lx_fn fn;                       /* CALL: the handler */
	const char *note;
};

#define PASS(nr, nm, vs, nt)       [nr] = { #nm, LX_KIND_MAPPED, vs, NULL, nt }
#define CALL(nr, nm, kd, f, nt)    [nr] = { #nm, LX_KIND_##kd, 0, f, nt }
#define NOSYS(nr, nm, nt)          [nr] = { #nm, LX_KIND_ENOSYS, 0, NULL, nt }

#define LX_NR_MAX 440

static const struct lx_call lx_calls[LX_NR_MAX] = {
	CALL(0, read, MAPPED, lx_read, "read; on a timerfd, #alarm's decimal count becomes Linux's 8-byte value"),
	PASS(1, write, SYS_write, "write"),
	CALL(2, open, MAPPED, lx_open, "openat(AT_FDCWD) with O_* translated to ros/fcntl.h; mode & 07777, as Linux"),
	CALL(3, close, MAPPED, lx_close_call, "close; a timerfd also leaves the layer's timerfd table"),
	CALL(4, stat, MAPPED, lx_stat, "stat; struct kstat converted to Linux's struct stat"),
	CALL(5, fstat, MAPPED, lx_fstat, "fstat; kstat converted"),
	CALL(6, lstat, MAPPED, lx_lstat, "lstat; kstat converted"),
	CALL(7, poll, EMULATED, lx_poll, "FD taps (ADD, then REM) on one CEQ per call; waits in proc_yield, timeouts by a tapped timerfd (readiness.md)"),
	PASS(8, lseek, SYS_llseek, "llseek (same whence values)"),
	CALL(9, mmap, MAPPED, lx_mmap, "mmap; MAP_NORESERVE/MAP_STACK hints dropped, other flags unchanged"),
	PASS(10, mprotect, SYS_mprotect, "mprotect"),
	PASS(11, munmap, SYS_munmap, "munmap"),
	CALL(12, brk, EMULATED, lx_brk, "no program break: always -ENOMEM, so malloc uses mmap"),
	CALL(13, rt_sigaction, EMULATED, lx_rt_sigaction, "actions kept in the layer, which runs handlers when signal events arrive (libc.md: Signals)"),
	CALL(14, rt_sigprocmask, EMULATED, lx_rt_sigprocmask, "the mask is kept in the layer; unblocking delivers what is pending"),
	NOSYS(15, rt_sigreturn, "handlers are called as plain functions and simply return"),
	CALL(16, ioctl, EMULATED, lx_ioctl, "the console (#cons/stdin, stdout, stderr) is a raw terminal: TCGETS, TCSETS* (ICANON/ECHO/ISIG/input translation -EINVAL, the rest recorded), TIOCGWINSZ/TIOCSWINSZ (recorded, 24x80), TCFLSH; TIOCGPGRP/TIOCSPGRP/TIOCSCTTY and other fds -ENOTTY"),
	PASS(17, pread64, SYS_pread, "pread"),
	PASS(18, pwrite64, SYS_pwrite, "pwrite"),
	CALL(19, readv, EMULATED, lx_readv, "a loop of read, stopping at a short transfer"),
	CALL(20, writev, EMULATED, lx_writev, "a loop of write, stopping at a short transfer"),
	CALL(21, access, MAPPED, lx_access, "access"),
	CALL(22, pipe, MAPPED, lx_pipe, "open #pipe (O_PATH), then its data and data1 files"),
	CALL(23, select, EMULATED, lx_select, "poll over the fd sets; POLLNVAL is -EBADF; the timeout is not updated"),
	CALL(24, sched_yield, MAPPED, lx_sched_yield, "with threads (an MCP), the uthread yields to the others; else proc_yield(being_nice = 1)"),
	NOSYS(25, mremap, "no mremap: realloc copies instead"),
	NOSYS(28, madvise, "no madvise (musl ignores the failure)"),
	CALL(32, dup, MAPPED, lx_dup, "fcntl(F_DUPFD, 0)"),
	CALL(33, dup2, EMULATED, lx_dup2, "close(new) then fcntl(old, F_DUPFD, new): not atomic"),
	CALL(34, pause, EMULATED, lx_pause, "proc_yield(0) until a signal handler ran (signal events wake the process); then -EINTR"),
	CALL(35, nanosleep, MAPPED, lx_nanosleep, "nanosleep (struct timespec = struct ktimespec)"),
	CALL(39, getpid, EMULATED, lx_getpid, "procinfo's pid (no trap); -ENOSYS while procinfo is not mapped"),
	NOSYS(56, clone, "the syscall itself: musl's __clone (overlay clone.c) makes a uthread on the 2LS instead (pthreads.md); fork is the fork row"),
	CALL(57, fork, MAPPED, lx_fork, "fork (copy-on-write); the child drops the signals pending in its parent; EPERM once threads exist"),
	CALL(58, vfork, MAPPED, lx_fork, "a fork (copy-on-write, so no sharing)"),
	CALL(59, execve, MAPPED, lx_execve, "exec, with argv/envp packed by parlib_argenv_pack()"),
	CALL(60, exit, EMULATED, lx_exit_thread, "ends the calling thread (a uthread) while others live; the last one ends the process (proc_destroy)"),
	CALL(61, wait4, MAPPED, lx_wait4, "waitpid(pid, status, options); ESRCH (not our child) becomes ECHILD; rusage must be NULL (-EINVAL otherwise)"),
	CALL(62, kill, MAPPED, lx_kill_any, "SIGKILL: proc_destroy(pid); other signals: notify(pid, EV_POSIX_SIGNAL); to oneself: delivered at once; pid 0, -1, -pgid: signal_group (lx_pgrp.c)"),
	CALL(63, uname, EMULATED, lx_uname, "fixed strings: Vireo, vireo, 0.1, x86_64"),
	CALL(72, fcntl, MAPPED, lx_fcntl, "fcntl; F_GETFL/F_SETFL flags translated; locks are -EINVAL"),
	NOSYS(74, fsync, "no fsync"),
	NOSYS(75, fdatasync, "no fdatasync"),
	CALL(76, truncate, MAPPED, lx_truncate, "wstat(WSTAT_LENGTH) with a 9P stat whose other fields say don't-change"),
	CALL(77, ftruncate, MAPPED, lx_ftruncate, "fwstat(WSTAT_LENGTH), as truncate"),
	NOSYS(78, getdents, "only getdents64"),
	CALL(79, getcwd, MAPPED, lx_getcwd, "getcwd (returns the length, NUL included, as Linux)"),
	CALL(80, chdir, MAPPED, lx_chdir, "chdir(pid 0, path)"),
	CALL(81, fchdir, MAPPED, lx_fchdir, "fchdir(pid 0, fd)"),
	CALL(82, rename, MAPPED, lx_rename, "rename"),
	CALL(83, mkdir, MAPPED, lx_mkdir, "mkdir"),
	CALL(84, rmdir, MAPPED, lx_rmdir, "rmdir"),
	CALL(87, unlink, MAPPED, lx_unlink, "unlink"),
	CALL(88, symlink, MAPPED, lx_symlink, "symlink"),
	CALL(89, readlink, MAPPED, lx_readlink, "readlink"),
	NOSYS(90, chmod, "not yet translated (wstat of the mode)"),
	NOSYS(91, fchmod, "not yet translated (fwstat of the mode)"),
	CALL(95, umask, EMULATED, lx_umask, "recorded only: the kernel does not apply a umask"),
	CALL(96, gettimeofday, EMULATED, lx_gettimeofday, "from the global info page (TSC, no trap); -ENOSYS while it is not mapped"),
	NOSYS(97, getrlimit, "no resource limits"),
	CALL(102, getuid, EMULATED, lx_getid0, "no user identities: 0"),
	CALL(104, getgid, EMULATED, lx_getid0, "no user identities: 0"),
	CALL(107, geteuid, EMULATED, lx_getid0, "no user identities: 0"),
	CALL(108, getegid, EMULATED, lx_getid0, "no user identities: 0"),
	CALL(109, setpgid, MAPPED, lx_setpgid, "setpgid (POSIX's rules, kern/src/proc/session.c)"),
	CALL(110, getppid, EMULATED, lx_getppid, "procinfo's ppid; -ENOSYS while procinfo is not mapped"),
	CALL(111, getpgrp, MAPPED, lx_getpgrp, "getpgid(0)"),
	CALL(112, setsid, MAPPED, lx_setsid, "setsid"),
	CALL(121, getpgid, MAPPED, lx_getpgid, "getpgid"),
	CALL(124, getsid, MAPPED, lx_getsid, "getsid"),
	CALL(127, rt_sigpending, EMULATED, lx_rt_sigpending, "the layer's pending set, after draining the signal queue"),
	NOSYS(128, rt_sigtimedwait, "not yet (sigwait family)"),
	CALL(130, rt_sigsuspend, EMULATED, lx_rt_sigsuspend, "as pause, with the given mask meanwhile"),
	NOSYS(131, sigaltstack, "handlers run on the program's own stack"),
	CALL(158, arch_prctl, MAPPED, lx_arch_prctl, "ARCH_SET_FS: set_fsbase; ARCH_GET_FS: the recorded base; others -EINVAL"),
	CALL(186, gettid, EMULATED, lx_gettid, "the calling uthread's tid: the pid for thread0, 0x20000000 + n for the others"),
	CALL(200, tkill, MAPPED, lx_tkill, "as kill; a thread id signals its own process (signals are per process)"),
	CALL(201, time, EMULATED, lx_time, "from the global info page, as gettimeofday"),
	CALL(202, futex, EMULATED, lx_futex, "over uthreads (parlib futex.c): WAIT (timeouts ~1 ms grain), WAKE, REQUEUE, CMP_REQUEUE; without FUTEX_PRIVATE_FLAG on a shared mapping, WAIT and WAKE are the kernel futex (SYS_futex); others -ENOSYS"),
	CALL(213, epoll_create, EMULATED, lx_epoll_create, "as epoll_create1(0); size must be positive"),
	CALL(217, getdents64, EMULATED, lx_getdents64, "read of the directory (9P stat records) converted to dirent64"),
	CALL(218, set_tid_address, EMULATED, lx_set_tid_address, "the calling uthread's tid; with threads, the word is zeroed and futex-woken at its exit"),
	CALL(228, clock_gettime, EMULATED, lx_clock_gettime, "REALTIME/MONOTONIC/BOOTTIME (and _COARSE/_RAW) from the global info page; CPU-time clocks -EINVAL"),
	CALL(229, clock_getres, EMULATED, lx_clock_getres, "1 ns for the clocks clock_gettime knows"),
	CALL(230, clock_nanosleep, MAPPED, lx_clock_nanosleep, "nanosleep; TIMER_ABSTIME turned relative with clock_gettime"),
	CALL(231, exit_group, MAPPED, lx_exit, "proc_destroy(self, code)"),
	CALL(232, epoll_wait, EMULATED, lx_epoll_wait, "drain the set's CEQ; level-triggered fds re-checked with a tap MOD; ET, ONESHOT; park in proc_yield, timeout by a tapped timerfd"),
	CALL(233, epoll_ctl, EMULATED, lx_epoll_ctl, "ADD/MOD/DEL are tap ADD/MOD/REM with the set's ev_q and id = fd; Linux's errors"),
	CALL(234, tgkill, MAPPED, lx_tgkill, "as kill when tgid = tid, else -ESRCH"),
	CALL(240, mq_open, MAPPED, lx_mq_open, "open /dev/mqueue/NAME (#mqueue) read-write, then 'attr' (creator) and 'access r|w' control writes; Linux's name rules"),
	CALL(241, mq_unlink, MAPPED, lx_mq_unlink, "unlink /dev/mqueue/NAME; the queue lives until its last close"),
	CALL(242, mq_timedsend, MAPPED, lx_mq_timedsend, "pwrite of header + message; the offset carries the wait (absolute REALTIME made relative, us)"),
	CALL(243, mq_timedreceive, MAPPED, lx_mq_timedreceive, "pread of header + message through a stack buffer; the offset carries the wait"),
	CALL(244, mq_notify, MAPPED, lx_mq_notify, "control write: SIGEV_SIGNAL (EV_POSIX_SIGNAL, SI_MESGQ), SIGEV_NONE, or SIGEV_THREAD as an eventfd a helper thread waits on (overlay mq_notify.c)"),
	CALL(245, mq_getsetattr, MAPPED, lx_mq_getsetattr, "control read of the attributes; only O_NONBLOCK changes (fcntl F_SETFL)"),
	NOSYS(247, waitid, "only wait4"),
	CALL(257, openat, MAPPED, lx_openat, "openat with O_* translated; mode & 07777, as Linux"),
	CALL(258, mkdirat, MAPPED, lx_mkdirat, "mkdir; only AT_FDCWD or an absolute path (-ENOSYS otherwise)"),
	CALL(262, newfstatat, MAPPED, lx_newfstatat, "fstat (AT_EMPTY_PATH), lstat (AT_SYMLINK_NOFOLLOW) or stat; AT_FDCWD or absolute"),
	CALL(263, unlinkat, MAPPED, lx_unlinkat, "unlink, or rmdir with AT_REMOVEDIR; AT_FDCWD or absolute"),
	CALL(264, renameat, MAPPED, lx_renameat, "rename; AT_FDCWD or absolute"),
	CALL(267, readlinkat, MAPPED, lx_readlinkat, "readlink; AT_FDCWD or absolute"),
	CALL(269, faccessat, MAPPED, lx_faccessat, "access; AT_FDCWD or absolute, no flags"),
	CALL(270, pselect6, EMULATED, lx_pselect6, "select with a timespec and the signal mask swapped around the wait"),
	CALL(271, ppoll, EMULATED, lx_ppoll, "poll with a timespec and the signal mask swapped around the wait"),
	NOSYS(273, set_robust_list, "robust mutexes are not supported: musl ignores the failure"),
	CALL(281, epoll_pwait, EMULATED, lx_epoll_pwait, "epoll_wait with the signal mask swapped around the wait"),
	CALL(283, timerfd_create, MAPPED, lx_timerfd_create, "open #alarm/clone, then the alarm's count file is the fd; REALTIME, MONOTONIC, BOOTTIME"),
	CALL(284, eventfd, MAPPED, lx_eventfd, "eventfd2 with no flags"),
	CALL(286, timerfd_settime, MAPPED, lx_timerfd_settime, "#alarm writes: count 0, period, timer +N (absolute made relative with the clock)"),
	CALL(287, timerfd_gettime, EMULATED, lx_timerfd_gettime, "from the deadline and interval the layer recorded at settime"),
	CALL(290, eventfd2, MAPPED, lx_eventfd2, "open #eventfd/efd (#eventfd.sem for EFD_SEMAPHORE), O_NONBLOCK/O_CLOEXEC; a start value written"),
	CALL(291, epoll_create1, EMULATED, lx_epoll_create1, "a set (one CEQ, ids = fds) as a library fd in 3840..4095; EPOLL_CLOEXEC accepted"),
	CALL(292, dup3, EMULATED, lx_dup3, "as dup2, O_CLOEXEC through F_DUPFD_CLOEXEC; old == new is -EINVAL"),
	CALL(293, pipe2, MAPPED, lx_pipe2, "as pipe, with O_CLOEXEC/O_NONBLOCK on both ends"),
	NOSYS(302, prlimit64, "no resource limits"),
	CALL(318, getrandom, MAPPED, lx_getrandom, "a read of #random/urandom"),
	CALL(322, execveat, MAPPED, lx_execveat, "exec of AT_FDCWD or an absolute path, or with AT_EMPTY_PATH the fd's fd2path name"),
	NOSYS(332, statx, "only the stat family"),
	NOSYS(439, faccessat2, "only faccessat"),
};

static char lx_nosys_msg[SYSC_ERRSTR_LEN];
static int lx_started;          /* lx_sig_start() ran in this program image */

/* errstr for -ENOSYS: "Linux syscall NR (name) is not supported on Vireo". */
static long lx_nosys(long nr, const char *name)
{
	char num[24];

	lx_utoa(num, (uint64_t)nr);
	lx_nosys_msg[0] = '\0';
	strncat(lx_nosys_msg, "Linux syscall ", sizeof(lx_nosys_msg) - 1);
	strncat(lx_nosys_msg, num, sizeof(lx_nosys_msg) - strlen(lx_nosys_msg) - 1);
	if (name) {
		strncat(lx_nosys_msg, " (", sizeof(lx_nosys_msg) - strlen(lx_nosys_msg) - 1);
		strncat(lx_nosys_msg, name, sizeof(lx_nosys_msg) - strlen(lx_nosys_msg) - 1);
		strncat(lx_nosys_msg, ")", sizeof(lx_nosys_msg) - strlen(lx_nosys_msg) - 1);
	}
	strncat(lx_nosys_msg, " is not supported on Vireo",
	        sizeof(lx_nosys_msg) - strlen(lx_nosys_msg) - 1);
	errstr_set(lx_nosys_msg);
	return -LX_ENOSYS;
}

long __vireo_linux_syscall(long n, long a, long b, long c, long d, long e, long f);

long __vireo_linux_syscall(long n, long a, long b, long c, long d, long e, long f)
{
	const long args[6] = { a, b, c, d, e, f };
	const struct lx_call *call;

	if (__builtin_expect(!lx_started, 0)) {
		lx_started = 1;
		lx_sig_start();
		lx_fault_start();
	}
	if (n < 0 || n >= LX_NR_MAX)
		return lx_nosys(n, NULL);
	call = &lx_calls[n];
	if (call->kind == LX_KIND_ENOSYS)
		return lx_nosys(n, call->name);
	if (call->fn)
		return call->fn(args);
	return ros_syscall_raw(call->vsys, a, b, c, d, e, f);
}
