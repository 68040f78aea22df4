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
#define LX_NR_WRITE 1
#define LX_NR_WRITEV 20

static const struct lx_call lx_calls[LX_NR_MAX] = {
	CALL(0, read, MAPPED, lx_read, "read; on a timerfd, #alarm's decimal count becomes Linux's 8-byte value"),
	PASS(1, write, SYS_write, "write"),
	CALL(2, open, MAPPED, lx_open, "openat(AT_FDCWD) with O_* translated to ros/fcntl.h; mode & 07777, as Linux"),
	CALL(3, close, MAPPED, lx_close_call, "close; a timerfd also leaves the layer's timerfd table"),
	CALL(4, stat, MAPPED, lx_stat, "stat; struct kstat converted to Linux's struct stat"),
	CALL(5, fstat, MAPPED, lx_fstat, "fstat; kstat converted"),
	CALL(6, lstat, MAPPED, lx_lstat, "lstat; kstat converted"),
	CALL(7, poll, EMULATED, lx_poll, "FD taps (ADD, then REM) on one CEQ per call; waits in proc_yield (threads: the uthread parks on the waiter's futex), timeouts by the context's kept `#alarm`, one write per timed call (readiness.md, Timeouts)"),
	PASS(8, lseek, SYS_llseek, "llseek (same whence values)"),
	CALL(9, mmap, MAPPED, lx_mmap, "mmap; MAP_NORESERVE/MAP_STACK hints dropped, other flags unchanged"),
	PASS(10, mprotect, SYS_mprotect, "mprotect"),
	PASS(11, munmap, SYS_munmap, "munmap"),
	CALL(12, brk, EMULATED, lx_brk, "no program break: always -ENOMEM, so malloc uses mmap"),
	CALL(13, rt_sigaction, EMULATED, lx_rt_sigaction, "actions kept in the layer, which runs handlers when signal events arrive (libc.md: Signals); pending instances of a now-ignored signal are discarded"),
	CALL(14, rt_sigprocmask, EMULATED, lx_rt_sigprocmask, "a mask per thread, kept in the layer; unblocking delivers what is pending before the call returns"),
	NOSYS(15, rt_sigreturn, "handlers are called as plain functions and return; the mask afterwards is their ucontext's uc_sigmask"),
	CALL(16, ioctl, EMULATED, lx_ioctl, "the console (#cons/stdin, stdout, stderr) through #cons/consctl: TCGETS, TCSETS/W/F, TCFLSH, TIOCGWINSZ/TIOCSWINSZ, TIOCGPGRP/TIOCSPGRP/TIOCGSID/TIOCSCTTY (the kernel's line discipline and foreground group); other fds -ENOTTY"),
	PASS(17, pread64, SYS_pread, "pread"),
	PASS(18, pwrite64, SYS_pwrite, "pwrite"),
	CALL(19, readv, EMULATED, lx_readv, "a loop of read, stopping at a short transfer"),
	CALL(20, writev, EMULATED, lx_writev, "a loop of write, stopping at a short transfer"),
	CALL(21, access, MAPPED, lx_access, "access"),
	CALL(22, pipe, MAPPED, lx_pipe, "open #pipe (O_PATH), then its data and data1 files"),
	CALL(23, select, EMULATED, lx_select, "poll over the fd sets; POLLNVAL is -EBADF; the timeout is not updated"),
	CALL(24, sched_yield, MAPPED, lx_sched_yield, "with threads (an MCP), the uthread yields to the others; else proc_yield(being_nice = 1)"),
	NOSYS(25, mremap, "no mremap: realloc copies instead"),
	CALL(26, msync, EMULATED, lx_msync, "flags and alignment -EINVAL, then Vireo's msync: the range's shared file mappings written back; not all mapped -ENOMEM"),
	NOSYS(28, madvise, "no madvise (musl ignores the failure)"),
	CALL(32, dup, MAPPED, lx_dup, "fcntl(F_DUPFD, 0)"),
	CALL(33, dup2, EMULATED, lx_dup2, "close(new) then fcntl(old, F_DUPFD, new): not atomic"),
	CALL(34, pause, EMULATED, lx_pause, "sleeps (abortable block) until a signal handler ran; then -EINTR"),
	CALL(35, nanosleep, MAPPED, lx_nanosleep, "nanosleep (struct timespec = struct ktimespec)"),
	CALL(36, getitimer, EMULATED, lx_getitimer, "ITIMER_REAL from the times recorded at setitimer; ITIMER_VIRTUAL/PROF -EINVAL (no CPU-time itimers)"),
	CALL(37, alarm, MAPPED, lx_alarm, "setitimer(ITIMER_REAL) one-shot; the seconds left rounded as Linux"),
	CALL(38, setitimer, MAPPED, lx_setitimer, "ITIMER_REAL: an #alarm whose signal file sends SIGALRM (SI_KERNEL) itself; ITIMER_VIRTUAL/PROF -EINVAL; ends at exec"),
	CALL(39, getpid, EMULATED, lx_getpid, "procinfo's pid (no trap); -ENOSYS while procinfo is not mapped"),
	CALL(41, socket, EMULATED, lx_socket, "AF_INET: open /net/tcp|udp/clone, then N/data is the socket fd (UDP in headers mode); AF_UNIX stream: a #pipe end; a record per fd (sockets.md); other families -EAFNOSUPPORT"),
	CALL(42, connect, EMULATED, lx_connect, "TCP: ctl connect ADDR!PORT (O_NONBLOCK: ctl written non-blocking, -EINPROGRESS, status says the outcome); UDP: ctl connect + noheaders; AF_UNIX: a new #pipe, one end posted in #srv and named to the listener's post"),
	CALL(43, accept, EMULATED, lx_accept, "open the listener's listen file (the new conversation's ctl), then its data; peer from remote; AF_UNIX: a request read from the listening pipe names the #srv post to open"),
	CALL(44, sendto, EMULATED, lx_sendto, "write of data (UDP headers mode: a 52-byte header with the address); MSG_DONTWAIT, MSG_NOSIGNAL (else EPIPE raises SIGPIPE)"),
	CALL(45, recvfrom, EMULATED, lx_recvfrom, "read of data (UDP: the header gives the sender); MSG_PEEK (a peek buffer), MSG_DONTWAIT, MSG_WAITALL"),
	CALL(46, sendmsg, EMULATED, lx_sendmsg, "as sendto with the iovec gathered; no control messages"),
	CALL(47, recvmsg, EMULATED, lx_recvmsg, "as recvfrom, scattered to the iovec; msg_controllen 0"),
	CALL(48, shutdown, EMULATED, lx_shutdown, "SHUT_WR: ctl shutdown wr (TCP); SHUT_RD recorded: receives return 0"),
	CALL(49, bind, EMULATED, lx_bind, "TCP: ctl bind ADDR!PORT (port 0: ephemeral); UDP: ctl announce; AF_UNIX: a #pipe end posted as #srv/unix-HASH of the path"),
	CALL(50, listen, EMULATED, lx_listen, "ctl announce on the bound port (or *); the backlog is #ip's (64 calls)"),
	CALL(51, getsockname, EMULATED, lx_getsockname, "the conversation's local file"),
	CALL(52, getpeername, EMULATED, lx_getpeername, "the conversation's remote file; -ENOTCONN before connect"),
	CALL(53, socketpair, EMULATED, lx_socketpair, "AF_UNIX SOCK_STREAM: the two files of one #pipe, each read-write"),
	CALL(54, setsockopt, EMULATED, lx_setsockopt, "SO_KEEPALIVE and TCP_NODELAY as ctl messages; SO_RCVTIMEO/SO_SNDTIMEO bound the waits (ppoll); SO_REUSEADDR, buffers, linger recorded; others -ENOPROTOOPT"),
	CALL(55, getsockopt, EMULATED, lx_getsockopt, "SO_TYPE, SO_ERROR (status err N), SO_ACCEPTCONN, SO_DOMAIN, SO_PROTOCOL and the recorded ones"),
	NOSYS(56, clone, "the syscall itself: musl's __clone (overlay clone.c) makes a uthread on the 2LS instead (pthreads.md); fork is the fork row"),
	CALL(57, fork, MAPPED, lx_fork, "fork (copy-on-write); the child drops the signals pending in its parent; with threads the child runs only the caller (pthreads.md)"),
	CALL(58, vfork, MAPPED, lx_fork, "a fork (copy-on-write, so no sharing)"),
	CALL(59, execve, MAPPED, lx_execve, "exec, with argv/envp packed by parlib_argenv_pack()"),
	CALL(60, exit, EMULATED, lx_exit_thread, "ends the calling thread (a uthread) while others live; the last one ends the process (proc_destroy)"),
	CALL(61, wait4, MAPPED, lx_wait4, "waitpid(pid, status, options): exits, stops (WUNTRACED), continues (WCONTINUED); ESRCH (not our child) becomes ECHILD; a process group (pid 0, < -1) is ECHILD; a rusage gets the reaped child's CPU time (#proc/self/times before and after), the other fields 0"),
	CALL(62, kill, MAPPED, lx_kill_any, "SIGKILL: proc_destroy(pid); SIGSTOP, SIGCONT: signal_proc(pid, sig), the kernel stops or continues; other signals: notify(pid, EV_POSIX_SIGNAL) with SI_USER; to oneself: queued and delivered at once (SIGSTOP: signal_proc); pid 0, -1, -pgid: signal_group (lx_pgrp.c)"),
	CALL(63, uname, EMULATED, lx_uname, "fixed strings: Vireo, vireo, 0.1, x86_64"),
	CALL(72, fcntl, MAPPED, lx_fcntl, "fcntl; F_GETFL/F_SETFL flags translated; locks are -EINVAL"),
		CALL(74, fsync, MAPPED, lx_fsync, "fstat and fd2path only: file data lives in memory (no write-back cache); pipes, sockets, eventfd, timerfd, the console -EINVAL"),
		CALL(75, fdatasync, MAPPED, lx_fsync, "as fsync"),
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
	CALL(90, chmod, MAPPED, lx_chmod, "wstat of the permission bits (type kept; set-id and sticky bits dropped)"),
	CALL(91, fchmod, MAPPED, lx_fchmod, "fwstat of the permission bits, as chmod"),
	CALL(92, chown, EMULATED, lx_chown, "one user: to the file's own uid/gid (or -1) succeeds, else EPERM"),
	CALL(93, fchown, EMULATED, lx_fchown, "as chown, by fd"),
	CALL(94, lchown, EMULATED, lx_lchown, "as chown, of the link itself"),
	CALL(95, umask, EMULATED, lx_umask, "recorded only: the kernel does not apply a umask"),
	CALL(96, gettimeofday, EMULATED, lx_gettimeofday, "from the global info page (TSC, no trap); -ENOSYS while it is not mapped"),
	CALL(98, getrusage, MAPPED, lx_getrusage, "ru_utime/ru_stime from #proc/self/times (SELF, THREAD = the process, CHILDREN = reaped ones); the other fields 0"),
	CALL(100, times, MAPPED, lx_times, "#proc/self/times in 100 Hz ticks; returns monotonic time in ticks"),
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
	CALL(127, rt_sigpending, EMULATED, lx_rt_sigpending, "the queued signals for the process and the calling thread that its mask blocks, after draining the signal queue"),
	CALL(128, rt_sigtimedwait, EMULATED, lx_rt_sigtimedwait, "takes a queued signal of the set (siginfo copied) without its handler; waits in an abortable block; -EAGAIN at the timeout, -EINTR after another signal's handler"),
	CALL(129, rt_sigqueueinfo, MAPPED, lx_rt_sigqueueinfo, "as kill, with the caller's si_code (>= 0 or SI_TKILL to another process: -EPERM) and si_value; to oneself -EAGAIN when the real-time queue is full"),
	CALL(130, rt_sigsuspend, EMULATED, lx_rt_sigsuspend, "as pause, with the given mask meanwhile"),
	CALL(131, sigaltstack, EMULATED, lx_sigaltstack, "per thread; SA_ONSTACK handlers run on it; Linux's EPERM/EINVAL/ENOMEM rules (MINSIGSTKSZ 2048)"),
	CALL(132, utime, MAPPED, lx_utime, "wstat of the mtime (whole seconds; the atime is not kept)"),
	CALL(142, sched_setparam, EMULATED, lx_sched_setparam, "validated as Linux and recorded per thread of ours; the scheduler ignores it; other processes -EPERM"),
	CALL(143, sched_getparam, EMULATED, lx_sched_getparam, "the recorded priority (0 for other processes)"),
	CALL(144, sched_setscheduler, EMULATED, lx_sched_setscheduler, "policy and priority validated (OTHER/BATCH/IDLE 0, FIFO/RR 1..99) and recorded per thread; ignored by the scheduler"),
	CALL(145, sched_getscheduler, EMULATED, lx_sched_getscheduler, "the recorded policy (SCHED_OTHER unless set)"),
	CALL(146, sched_get_priority_max, EMULATED, lx_sched_get_priority_max, "Linux's: 99 for FIFO/RR, 0 for the others"),
	CALL(147, sched_get_priority_min, EMULATED, lx_sched_get_priority_min, "Linux's: 1 for FIFO/RR, 0 for the others"),
	CALL(148, sched_rr_get_interval, EMULATED, lx_sched_rr_get_interval, "the SCP time slice, 10 ms"),
	CALL(149, mlock, MAPPED, lx_mlock, "populate_va: the range is faulted in now and, as every page on Vireo, never paged out; unmapped -ENOMEM"),
	CALL(150, munlock, MAPPED, lx_munlock, "checks the range is mapped (populate_va); pages stay resident"),
	CALL(151, mlockall, EMULATED, lx_mlockall, "flags validated; pages are faulted at first touch and never paged out"),
	CALL(152, munlockall, EMULATED, lx_munlockall, "nothing to undo: 0"),
	CALL(159, adjtimex, EMULATED, lx_adjtimex, "modes 0 reads (unsynchronised, no offset); any adjustment -EPERM"),
	CALL(158, arch_prctl, MAPPED, lx_arch_prctl, "ARCH_SET_FS: set_fsbase; ARCH_GET_FS: the recorded base; others -EINVAL"),
	CALL(164, settimeofday, EMULATED, lx_settimeofday, "bad values -EINVAL, else -EPERM: only the kernel sets the clock"),
	CALL(186, gettid, EMULATED, lx_gettid, "the calling uthread's tid: the pid for thread0, 0x20000000 + n for the others"),
	CALL(200, tkill, MAPPED, lx_tkill, "one of our threads: queued for it (delivered at its next call); another process's pid: as kill, SI_TKILL"),
	CALL(201, time, EMULATED, lx_time, "from the global info page, as gettimeofday"),
	CALL(202, futex, EMULATED, lx_futex, "over uthreads (parlib futex.c): WAIT (timeouts ~1 ms grain), WAKE, REQUEUE, CMP_REQUEUE; without FUTEX_PRIVATE_FLAG on a shared mapping, WAIT and WAKE are the kernel futex (SYS_futex); others -ENOSYS"),
	CALL(213, epoll_create, EMULATED, lx_epoll_create, "as epoll_create1(0); size must be positive"),
	CALL(217, getdents64, EMULATED, lx_getdents64, "read of the directory (9P stat records) converted to dirent64"),
	CALL(218, set_tid_address, EMULATED, lx_set_tid_address, "the calling uthread's tid; with threads, the word is zeroed and futex-woken at its exit"),
	CALL(222, timer_create, MAPPED, lx_timer_create, "an #alarm whose signal file makes the kernel send the EV_POSIX_SIGNAL (SI_TIMER, si_value, id) at expiry, queued for SIGEV_THREAD_ID's thread (musl's SIGEV_THREAD) or the process; SIGEV_NONE has none; REALTIME/MONOTONIC/BOOTTIME; 32 timers (-EAGAIN)"),
	CALL(223, timer_settime, MAPPED, lx_timer_settime, "one write of set +N PERIOD to the alarm's count (TIMER_ABSTIME made relative)"),
	CALL(224, timer_gettime, EMULATED, lx_timer_gettime, "from the deadline and interval recorded at settime"),
	CALL(225, timer_getoverrun, EMULATED, lx_timer_getoverrun, "the overrun #alarm counted for the signal last delivered"),
	CALL(226, timer_delete, MAPPED, lx_timer_delete, "closes the alarm's files, which frees it"),
	CALL(227, clock_settime, EMULATED, lx_clock_settime, "bad clocks and values -EINVAL, else -EPERM: only the kernel sets the clock"),
	CALL(228, clock_gettime, EMULATED, lx_clock_gettime, "REALTIME/MONOTONIC/BOOTTIME (and _COARSE/_RAW) from the global info page; CPU-time clocks (PROCESS, THREAD = the process, other pids) from #proc/PID/times"),
	CALL(229, clock_getres, EMULATED, lx_clock_getres, "1 ns for the clocks clock_gettime knows (a CPU clock of a pid that does not exist: -EINVAL)"),
	CALL(230, clock_nanosleep, MAPPED, lx_clock_nanosleep, "nanosleep; TIMER_ABSTIME turned relative with clock_gettime"),
	CALL(231, exit_group, MAPPED, lx_exit, "proc_destroy(self, code)"),
	CALL(232, epoll_wait, EMULATED, lx_epoll_wait, "drain the set's CEQ under its lock; level-triggered fds re-checked with a tap MOD; ET, ONESHOT; park in proc_yield (threads: the uthread parks, one woken per alert), timeout by the slot's kept `#alarm`, one write per timed call"),
	CALL(233, epoll_ctl, EMULATED, lx_epoll_ctl, "ADD/MOD/DEL are tap ADD/MOD/REM with the set's ev_q and id = fd; Linux's errors"),
	CALL(234, tgkill, MAPPED, lx_tgkill, "as tkill when tid is tgid's or one of our threads, else -ESRCH"),
	CALL(235, utimes, MAPPED, lx_utimes, "wstat of the mtime, as utime; NULL is now"),
	CALL(240, mq_open, MAPPED, lx_mq_open, "open /dev/mqueue/NAME (#mqueue) read-write, then 'attr' (creator) and 'access r|w' control writes; Linux's name rules"),
	CALL(241, mq_unlink, MAPPED, lx_mq_unlink, "unlink /dev/mqueue/NAME; the queue lives until its last close"),
	CALL(242, mq_timedsend, MAPPED, lx_mq_timedsend, "pwrite of header + message; the offset carries the wait (absolute REALTIME made relative, us)"),
	CALL(243, mq_timedreceive, MAPPED, lx_mq_timedreceive, "pread of header + message through a stack buffer; the offset carries the wait"),
	CALL(244, mq_notify, MAPPED, lx_mq_notify, "control write: SIGEV_SIGNAL (EV_POSIX_SIGNAL, SI_MESGQ), SIGEV_NONE, or SIGEV_THREAD as an eventfd a helper thread waits on (overlay mq_notify.c)"),
	CALL(245, mq_getsetattr, MAPPED, lx_mq_getsetattr, "control read of the attributes; only O_NONBLOCK changes (fcntl F_SETFL)"),
	CALL(247, waitid, MAPPED, lx_waitid, "waitpid with WEXITED, WSTOPPED, WCONTINUED, WNOHANG, WNOWAIT; the siginfo from the status word; P_ALL and P_PID (P_PGID is ECHILD); a rusage is zeroed"),
	CALL(257, openat, MAPPED, lx_openat, "openat with O_* translated; mode & 07777, as Linux"),
	CALL(258, mkdirat, MAPPED, lx_mkdirat, "mkdir; only AT_FDCWD or an absolute path (-ENOSYS otherwise)"),
	CALL(260, fchownat, EMULATED, lx_fchownat, "as chown; AT_FDCWD, absolute or AT_EMPTY_PATH"),
	CALL(261, futimesat, MAPPED, lx_futimesat, "as utimes; AT_FDCWD or absolute"),
	CALL(262, newfstatat, MAPPED, lx_newfstatat, "fstat (AT_EMPTY_PATH), lstat (AT_SYMLINK_NOFOLLOW) or stat; AT_FDCWD or absolute"),
	CALL(263, unlinkat, MAPPED, lx_unlinkat, "unlink, or rmdir with AT_REMOVEDIR; AT_FDCWD or absolute"),
	CALL(264, renameat, MAPPED, lx_renameat, "rename; AT_FDCWD or absolute"),
	CALL(267, readlinkat, MAPPED, lx_readlinkat, "readlink; AT_FDCWD or absolute"),
	CALL(268, fchmodat, MAPPED, lx_fchmodat, "as chmod; AT_FDCWD or absolute"),
	CALL(269, faccessat, MAPPED, lx_faccessat, "access; AT_FDCWD or absolute, no flags"),
	CALL(270, pselect6, EMULATED, lx_pselect6, "select with a timespec and the signal mask swapped around the wait"),
	CALL(271, ppoll, EMULATED, lx_ppoll, "poll with a timespec and the signal mask swapped around the wait"),
	NOSYS(273, set_robust_list, "robust mutexes are not supported: musl ignores the failure"),
	CALL(280, utimensat, MAPPED, lx_utimensat, "wstat of the mtime (seconds), UTIME_NOW/UTIME_OMIT; NULL path: the fd; the atime is not kept"),
	CALL(281, epoll_pwait, EMULATED, lx_epoll_pwait, "epoll_wait with the signal mask swapped around the wait"),
	CALL(283, timerfd_create, MAPPED, lx_timerfd_create, "open #alarm/clone, then the alarm's count file is the fd; REALTIME, MONOTONIC, BOOTTIME"),
	CALL(284, eventfd, MAPPED, lx_eventfd, "eventfd2 with no flags"),
	CALL(286, timerfd_settime, MAPPED, lx_timerfd_settime, "#alarm writes: count 0, period, timer +N (absolute made relative with the clock)"),
	CALL(287, timerfd_gettime, EMULATED, lx_timerfd_gettime, "from the deadline and interval the layer recorded at settime"),
	CALL(288, accept4, EMULATED, lx_accept4, "accept with SOCK_NONBLOCK/SOCK_CLOEXEC on the new data fd"),
	CALL(290, eventfd2, MAPPED, lx_eventfd2, "open #eventfd/efd (#eventfd.sem for EFD_SEMAPHORE), O_NONBLOCK/O_CLOEXEC; a start value written"),
	CALL(291, epoll_create1, EMULATED, lx_epoll_create1, "a set (one CEQ, ids = fds) as a library fd in 3840..4095; EPOLL_CLOEXEC accepted"),
	CALL(292, dup3, EMULATED, lx_dup3, "as dup2, O_CLOEXEC through F_DUPFD_CLOEXEC; old == new is -EINVAL"),
	CALL(293, pipe2, MAPPED, lx_pipe2, "as pipe, with O_CLOEXEC/O_NONBLOCK on both ends"),
	CALL(297, rt_tgsigqueueinfo, MAPPED, lx_rt_tgsigqueueinfo, "rt_sigqueueinfo to one thread, as tgkill"),
	CALL(299, recvmmsg, EMULATED, lx_recvmmsg, "a loop of recvmsg; a timeout is -EINVAL"),
	NOSYS(302, prlimit64, "no resource limits"),
	CALL(305, clock_adjtime, EMULATED, lx_clock_adjtime, "REALTIME as adjtimex; the monotonic clocks -EOPNOTSUPP"),
	CALL(307, sendmmsg, EMULATED, lx_sendmmsg, "a loop of sendmsg"),
	CALL(318, getrandom, MAPPED, lx_getrandom, "a read of #random/urandom"),
	CALL(322, execveat, MAPPED, lx_execveat, "exec of AT_FDCWD or an absolute path, or with AT_EMPTY_PATH the fd's fd2path name"),
	CALL(325, mlock2, MAPPED, lx_mlock2, "mlock; MLOCK_ONFAULT accepted (same), other flags -EINVAL"),
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

/* One call; again while a signal handler interrupted it under SA_RESTART
 * and Linux restarts that call (lx_sig_intr.c), unless the call is a
 * cancellation point (cancel: musl's flag of this thread) and the thread
 * was cancelled meanwhile: then -EINTR, on which musl acts on the
 * request (on Linux musl's SIGCANCEL handler moves the interrupted pc to
 * __cp_cancel instead; our handlers interrupt no pc).  A write or writev
 * that found no reader (EPIPE) raises SIGPIPE first, as Linux's kernel
 * does; ignored or blocked, the caller sees EPIPE alone.  Then the signal
 * hook, for the calls done without a Vireo syscall (sched_yield of a
 * uthread). */
static long lx_run(long n, const struct lx_call *call, const long *args,
                   const volatile int *cancel)
{
	long r;

	do {
		lx_sig_call_begin();
		if (call->fn)
			r = call->fn(args);
		else
			r = ros_syscall_raw(call->vsys, args[0], args[1], args[2], args[3],
			                    args[4], args[5]);
	} while (r == -LX_EINTR && !(cancel && *cancel) && lx_sig_restart(n));
	if (r == -LX_EPIPE && (n == LX_NR_WRITE || n == LX_NR_WRITEV))
		lx_sigpipe();   /* sendto/sendmsg raise it themselves (MSG_NOSIGNAL) */
	lx_sig_hook();
	return r;
}

static long lx_dispatch(long n, const long *args, const volatile int *cancel)
{
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
	return lx_run(n, call, args, cancel);
}

long __vireo_linux_syscall(long n, long a, long b, long c, long d, long e, long f);

long __vireo_linux_syscall(long n, long a, long b, long c, long d, long e, long f)
{
	const long args[6] = { a, b, c, d, e, f };

	return lx_dispatch(n, args, NULL);
}

/* A cancellation point's call (overlay syscall_cp.s, __syscall_cp_asm's
 * own arguments): cancel is the thread's flag, not set at entry. */
long __vireo_linux_syscall_cp(const volatile int *cancel, long n, long a, long b, long c,
                              long d, long e, long f);

long __vireo_linux_syscall_cp(const volatile int *cancel, long n, long a, long b, long c,
                              long d, long e, long f)
{
	const long args[6] = { a, b, c, d, e, f };

	return lx_dispatch(n, args, cancel);
}
