/* SPDX-License-Identifier: MIT */
/*
 * lx.h - the internals of Vireo's Linux-syscall translation layer.
 *
 * musl keeps Linux's syscall numbers; every __syscallN() it makes arrives in
 * __vireo_linux_syscall() (linux_syscalls.c), which looks the number up in
 * one table and either passes the call to a Vireo syscall, runs a handler
 * that translates or emulates it, or answers -ENOSYS.  Handlers take the six
 * raw arguments and return a Linux result: the value, or -errno.
 *
 * This header carries the Linux ABI pieces the handlers need (structure
 * layouts and constants, as x86-64 Linux defines them) under LX_ names, so
 * the layer never includes musl's internal "syscall.h": Vireo's SYS_* names
 * (ros/syscall.h) and Linux's would collide.  Vireo's own flag names
 * (ros/fcntl.h) clash with musl's <fcntl.h> in the same way: the layer's
 * files include only ros/ and parlib/ headers plus <stdint.h>, <stddef.h>
 * and <string.h>.
 *
 * The emulated state (signal actions, umask, the timerfd table) is per
 * process and unlocked; the signal mask, alternate stack and interrupted
 * call are per thread, and the pending signals are locked (lx_sig.h).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <parlib/syscall.h>
#include <ros/event.h>
#include <ros/fdtap.h>

typedef long (*lx_fn)(const long *a);

/* How a Linux call is served (the table's kinds). */
#define LX_KIND_ENOSYS   0      /* not supported: -ENOSYS */
#define LX_KIND_MAPPED   1         /* a Vireo syscall does it (maybe translated) */
#define LX_KIND_EMULATED 2         /* done in user space; the table says how */

/* Linux errno values the layer returns (the same as ros/errno.h). */
#define LX_EPERM      1
#define LX_ENOENT     2
#define LX_ESRCH      3
#define LX_EINTR      4
#define LX_EIO        5
#define LX_E2BIG      7
#define LX_EBADF      9
#define LX_ECHILD    10
#define LX_EAGAIN    11
#define LX_ENOMEM    12
#define LX_EFAULT    14
#define LX_EACCES    13
#define LX_EBUSY     16
#define LX_EEXIST    17
#define LX_EINVAL    22
#define LX_EMFILE    24
#define LX_ENOTTY    25
#define LX_ENOSPC    28
#define LX_EPIPE     32
#define LX_ERANGE    34
#define LX_ENAMETOOLONG 36
#define LX_ENOSYS    38
#define LX_EOPNOTSUPP 95
#define LX_ETIMEDOUT 110
#define LX_EOVERFLOW 75
#define LX_EMSGSIZE  90

#define LX_AT_FDCWD            (-100)
#define LX_AT_SYMLINK_NOFOLLOW 0x100
#define LX_AT_REMOVEDIR        0x200
#define LX_AT_EMPTY_PATH       0x1000

/* Linux open flags (octal, as Linux spells them). */
#define LX_O_ACCMODE   03
#define LX_O_RDONLY    00
#define LX_O_WRONLY    01
#define LX_O_RDWR      02
#define LX_O_CREAT     0100
#define LX_O_EXCL      0200
#define LX_O_NOCTTY    0400
#define LX_O_TRUNC     01000
#define LX_O_APPEND    02000
#define LX_O_NONBLOCK  04000
#define LX_O_LARGEFILE 0100000
#define LX_O_DIRECTORY 0200000
#define LX_O_NOFOLLOW  0400000
#define LX_O_CLOEXEC   02000000
#define LX_O_PATH      010000000

/* struct stat of x86-64 Linux (144 bytes). */
struct lx_stat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint64_t st_nlink;
	uint32_t st_mode;
	uint32_t st_uid;
	uint32_t st_gid;
	uint32_t __pad0;
	uint64_t st_rdev;
	int64_t st_size;
	int64_t st_blksize;
	int64_t st_blocks;
	int64_t st_atime_sec, st_atime_nsec;
	int64_t st_mtime_sec, st_mtime_nsec;
	int64_t st_ctime_sec, st_ctime_nsec;
	int64_t __reserved[3];
};

/* Linux's struct linux_dirent64: the fixed part before d_name. */
struct lx_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
};

struct lx_iovec {
	void *iov_base;
	size_t iov_len;
};

struct lx_timespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};

struct lx_timeval {
	int64_t tv_sec;
	int64_t tv_usec;
};

struct lx_itimerspec {
	struct lx_timespec it_interval;
	struct lx_timespec it_value;
};

#define LX_CLOCK_REALTIME  0
#define LX_CLOCK_MONOTONIC 1
#define LX_CLOCK_BOOTTIME  7

/* The kernel's sigaction as musl passes it (musl's arch/x86_64/ksigaction.h). */
struct lx_k_sigaction {
	unsigned long handler;
	unsigned long flags;
	unsigned long restorer;
	unsigned int mask[2];
};

#define LX_NSIG 65

/* --- helpers (lx_file.c) */

/* Length of a user path for Vireo's (path, len) calls, or -errno. */
long lx_path_len(const char *path);

/* Linux open flags to Vireo's (ros/fcntl.h), or -EINVAL. */
long lx_oflags_to_vireo(long lflags);

/* Vireo's F_GETFL answer to Linux's flags. */
long lx_oflags_from_vireo(long vflags);

/* Writes v in decimal and a NUL at buf (room for 21 bytes); the length. */
size_t lx_utoa(char *buf, uint64_t v);

/* The kernel's waitpid (lx_wait.c): -ECHILD for another's child, and for
 * a process group (not supported). */
long lx_waitpid(long pid, long status, long options);

/* Records the layer's own error text for errstr(). */
void lx_errstr(const char *what, const char *why);

/* --- handlers, by file */
long lx_open(const long *a);
long lx_openat(const long *a);
long lx_stat(const long *a);
long lx_lstat(const long *a);
long lx_fstat(const long *a);
long lx_newfstatat(const long *a);
long lx_access(const long *a);
long lx_faccessat(const long *a);
long lx_readv(const long *a);
long lx_writev(const long *a);
/* A write that failed with EPIPE (a pipe or connection with no reader):
 * SIGPIPE to the calling thread, as Linux sends it (lx_sig_send.c). */
#define LX_SIGPIPE 13
void lx_sigpipe(void);
long lx_getdents64(const long *a);
long lx_pipe(const long *a);
long lx_pipe2(const long *a);
long lx_dup(const long *a);
long lx_dup2(const long *a);
long lx_dup3(const long *a);
long lx_fcntl(const long *a);
long lx_truncate(const long *a);
/* Vireo's call vsys(path, its length, x, y) after measuring the path (lx_file.c). */
long lx_path_call(unsigned int vsys, const char *path, long x, long y);
/* AT_FDCWD or an absolute path (0), else -ENOSYS with an errstr (lx_file.c). */
long lx_at_check(long dirfd, const char *path, const char *call);

/* A 9P stat entry for wstat that changes nothing (Plan 9's null dir) in
 * st[LX_9P_STATFIX], and a little-endian field put into it (lx_file.c). */
#define LX_9P_STATFIX  49       /* STATFIXLEN: a 9P stat entry with empty strings */
#define LX_MKDIR_MODE  07777    /* the mode bits mkdir passes on, as Linux keeps */
void lx_9p_nulldir(unsigned char *st);
void lx_9p_put(unsigned char *st, int off, uint64_t v, int bytes);

/* --- a file's attributes over wstat (lx_fattr.c) */
long lx_chmod(const long *a);
long lx_fchmod(const long *a);
long lx_fchmodat(const long *a);
long lx_chown(const long *a);
long lx_lchown(const long *a);
long lx_fchown(const long *a);
long lx_fchownat(const long *a);
long lx_utime(const long *a);
long lx_utimes(const long *a);
long lx_futimesat(const long *a);
long lx_utimensat(const long *a);
long lx_ftruncate(const long *a);
long lx_getcwd(const long *a);
long lx_chdir(const long *a);
long lx_fchdir(const long *a);
long lx_mkdir(const long *a);
long lx_mkdirat(const long *a);
long lx_rmdir(const long *a);
long lx_unlink(const long *a);
long lx_unlinkat(const long *a);
long lx_rename(const long *a);
long lx_renameat(const long *a);
long lx_symlink(const long *a);
long lx_readlink(const long *a);
long lx_readlinkat(const long *a);

long lx_mmap(const long *a);
long lx_brk(const long *a);
long lx_exit(const long *a);
long lx_getpid(const long *a);
long lx_getppid(const long *a);
long lx_getid0(const long *a);
long lx_set_tid_address(const long *a);
/* lx_thread.c: threads as uthreads (Documentation/pthreads.md). */
long lx_exit_thread(const long *a);
long lx_gettid(const long *a);
long lx_futex(const long *a);
bool lx_tid_is_thread(int tid);
bool lx_threads_running(void);
/* lx_cputime.c: thread0 becomes a uthread; its CPU clock starts at the
 * process's time so far. */
struct uthread;
void lx_cpu_thread0_start(struct uthread *t0);
/* In the child of a fork made while threads ran, first thing: the caller is
 * the only thread, thread0 of an SCP (its signal state too), as before the
 * first clone; parlib's copy of the other threads is dropped. */
void lx_threads_after_fork(void);
long lx_arch_prctl(const long *a);
long lx_sched_yield(const long *a);
long lx_uname(const long *a);
long lx_umask(const long *a);
long lx_wait4(const long *a);
long lx_waitid(const long *a);
long lx_getrandom(const long *a);

/* --- signals over events (lx_signal.c and lx_sig_*.c; libc.md: Signals) */

/* Linux's siginfo_t on x86-64 (128 bytes): the fields by si_code. */
struct lx_siginfo {
	int32_t si_signo;
	int32_t si_errno;
	int32_t si_code;
	int32_t __pad0;
	union {
		struct {                /* kill, sigqueue, tkill, SIGCHLD */
			int32_t si_pid;
			uint32_t si_uid;
		};
		struct {                /* SI_TIMER */
			int32_t si_timerid;
			int32_t si_overrun;
		};
		uint64_t si_addr;       /* SIGSEGV, SIGBUS, SIGFPE, SIGILL */
	};
	union {
		uint64_t si_value;      /* sigval: sival_int in the low 32 bits */
		int32_t si_status;      /* SIGCHLD: exit status or signal */
		int16_t si_addr_lsb;    /* BUS_MCEERR_* */
	};
	uint8_t __rest[96];
};

/* Linux's stack_t (sigaltstack). */
struct lx_stack {
	uint64_t ss_sp;
	int32_t ss_flags;
	int32_t __pad;
	uint64_t ss_size;
};

/* musl's ucontext_t on x86-64 (936 bytes): what a SA_SIGINFO handler's
 * third argument points to.  gregs are indexed as Linux's REG_* (REG_RIP
 * 16, REG_RSP 15...); uc_sigmask's first word is the kernel's mask. */
struct lx_ucontext {
	uint64_t uc_flags;
	struct lx_ucontext *uc_link;
	struct lx_stack uc_stack;
	uint64_t gregs[23];
	uint64_t fpregs;
	uint64_t __reserved1[8];
	uint64_t uc_sigmask[16];
	uint64_t __fpregs_mem[64];
};

#define LX_SI_USER     0
#define LX_SI_KERNEL   0x80
#define LX_SI_QUEUE    (-1)
#define LX_SI_TIMER    (-2)
#define LX_SI_MESGQ    (-3)
#define LX_SI_TKILL    (-6)

/* Runs the action for info->si_signo at once, in this thread, as a fault
 * would (Linux's force_sig): a handler gets info and uc (the caller's
 * registers in gregs; NULL: a zeroed context is made), whose uc_sigmask
 * and uc_stack are filled here; on its return the mask is uc_sigmask, as
 * after rt_sigreturn, and this returns (the caller resumes at gregs).  If the signal is
 * blocked, ignored or default, the default action is taken: the process
 * ends "killed by" the signal, or, for a signal ignored by default, this
 * returns.  For `faults` (SIGSEGV...) and anything that must run a handler
 * synchronously. */
void lx_sig_deliver_sync(const struct lx_siginfo *info, struct lx_ucontext *uc);

/* Registers the EV_POSIX_SIGNAL queue once per program image (from the
 * first syscall); the parlib hook that delivers; the child's reset. */
void lx_sig_start(void);
void lx_sig_hook(void);
void lx_sig_after_fork(void);
/* Thread start and end (lx_thread.c): at clone, the creator makes the
 * new thread's state (thread pointer tp) with its own mask; the thread
 * ends its own. */
struct uthread;
void lx_sig_thread_begin(void *tp, int tid, struct uthread *u);
void lx_sig_thread_end(void);
/* thread0 becomes a uthread (the first clone). */
void lx_sig_thread0(struct uthread *u);
/* A fork child of a process with threads (lx_threads_after_fork, before
 * threads are off): the caller's state becomes thread0's, the others'
 * are forgotten, the queue's lock is free and no vcore is interrupted. */
void lx_sig_threads_after_fork(void);
/* The calling thread's signal state copied out to buf (len bytes, enough
 * or the process ends with SIGABRT) and back: musl's __reset_tls keeps it
 * (lx_tls.h). */
void lx_sig_tls_save(unsigned char *buf, size_t len);
void lx_sig_tls_restore(const unsigned char *buf);

/* Interrupted calls (lx_sig_intr.c): the dispatcher brackets each Linux
 * call; a waiting loop of the layer (poll, select...) asks whether a
 * handler ran meanwhile (then it returns -EINTR). */
void lx_sig_call_begin(void);
bool lx_sig_interrupted(void);
bool lx_sig_restart(long nr);

long lx_rt_sigaction(const long *a);
long lx_rt_sigprocmask(const long *a);
long lx_rt_sigpending(const long *a);
long lx_rt_sigsuspend(const long *a);
long lx_rt_sigtimedwait(const long *a);
long lx_pause(const long *a);
long lx_sigaltstack(const long *a);
long lx_kill(const long *a);
long lx_tkill(const long *a);
long lx_tgkill(const long *a);
long lx_rt_sigqueueinfo(const long *a);
long lx_rt_tgsigqueueinfo(const long *a);

/* --- POSIX timers and the itimer over #alarm (lx_timer.c) */
long lx_timer_create(const long *a);
long lx_timer_settime(const long *a);
long lx_timer_gettime(const long *a);
long lx_timer_getoverrun(const long *a);
long lx_timer_delete(const long *a);
long lx_setitimer(const long *a);
long lx_getitimer(const long *a);
long lx_alarm(const long *a);
/* The signal layer calls this when it delivers, accepts or discards a
 * signal whose message had si_code SI_TIMER (timer id) or SI_KERNEL: it
 * acknowledges the alarm's signal and returns the overrun (si_overrun);
 * 0 for a signal no timer of ours sent. */
int lx_timer_delivered(int sig, int32_t code, uint32_t id);
/* The thread a timer's signal is for (SIGEV_THREAD_ID: its tid), or 0:
 * the process.  Any context (a plain read of the table). */
int lx_timer_target(uint32_t id);
/* A fork child has no timers: the alarms inherited are closed. */
void lx_timer_after_fork(void);

/* --- scheduling attributes (lx_sched.c) */
long lx_sched_setparam(const long *a);
long lx_sched_getparam(const long *a);
long lx_sched_setscheduler(const long *a);
long lx_sched_getscheduler(const long *a);
long lx_sched_get_priority_max(const long *a);
long lx_sched_get_priority_min(const long *a);
long lx_sched_rr_get_interval(const long *a);

/* --- memory locking and fsync (lx_mlock.c) */
long lx_mlock(const long *a);
long lx_msync(const long *a);
long lx_mlock2(const long *a);
long lx_munlock(const long *a);
long lx_mlockall(const long *a);
long lx_munlockall(const long *a);
long lx_fsync(const long *a);

/* --- setting the clocks: EINVAL or EPERM (lx_clockset.c) */
long lx_clock_settime(const long *a);
long lx_settimeofday(const long *a);
long lx_adjtimex(const long *a);
long lx_clock_adjtime(const long *a);

/* --- process groups and sessions (lx_pgrp.c) */
long lx_setpgid(const long *a);
long lx_getpgid(const long *a);
long lx_getpgrp(const long *a);
long lx_setsid(const long *a);
long lx_getsid(const long *a);
long lx_kill_any(const long *a);

/* --- fork, exec, spawn (lx_exec.c) */
long lx_fork(const long *a);
long lx_execve(const long *a);
long lx_execveat(const long *a);

/* --- eventfd, timerfd, and the calls that must know a timerfd (lx_fdev.c) */
long lx_eventfd(const long *a);
long lx_eventfd2(const long *a);
long lx_timerfd_create(const long *a);
long lx_timerfd_settime(const long *a);
long lx_timerfd_gettime(const long *a);
long lx_read(const long *a);
long lx_close_call(const long *a);

/* #alarm: opens clone (a new alarm: its ctl fd, its id in *id); opens
 * the alarm's file name; reads the decimal number of an #alarm file
 * (-EIO for text that is not a number).  Each returns an fd or -errno. */
long lx_alarm_new(uint64_t *id);
long lx_alarm_open(unsigned int id, const char *name, long flags);
long lx_alarm_read_num(long fd, uint64_t *v);
/* Arms the alarm whose count file is fd (-1: none, only the times are
 * computed) from a Linux itimerspec on clock (abs: TIMER_ABSTIME, made
 * relative with the clock; a zero it_value disarms) in one write of
 * "set +N PERIOD"; the deadline (ns on clock, 0: disarmed) and interval
 * in *deadline and *interval.  0 or -errno; nv is valid (lx_ts_ok). */
long lx_alarm_set(long fd, int clock, bool abs, const struct lx_itimerspec *nv,
                  uint64_t *deadline, uint64_t *interval);

/* The timerfd table follows close and dup (lx_file.c calls these); the
 * forget also drops fd from lx_mq.c's set of known queues and from
 * lx_wtimer.c's wait timers. */
void lx_fdev_forget(long fd);
void lx_fdev_dup(long old, long new);

/* --- POSIX message queues over #mqueue (lx_mq.c) */
long lx_mq_open(const long *a);
long lx_mq_unlink(const long *a);
long lx_mq_timedsend(const long *a);
long lx_mq_timedreceive(const long *a);
long lx_mq_notify(const long *a);
long lx_mq_getsetattr(const long *a);
void lx_mq_forget(long fd);

/* --- readiness: the waiter poll, select and epoll share (lx_ready.c) */
struct lx_waiter {
	struct event_queue q;           /* EVENT_WAKEUP (+ INDIR... threaded), mailbox below */
	struct event_mbox mbox;         /* a CEQ (CEQ_OR of tap filter bits) */
	int gen;                        /* [a] bumped by each alert; threads park on it */
	bool threaded;                  /* the queue alerts the 2LS; never unmapped */
	struct lx_waiter *next_threaded;        /* [I] lx_ready.c's list of those */
};

/* A mutex for state threads share (futex; no 2LS: a plain flag). */
struct lx_lock {
	int word;                       /* 0 free, 1 held, 2 held and waited for */
	void *owner;                    /* the holder's uthread */
};
/* Takes l; false (not taken) if the caller holds it already or, with no
 * threads, anyone does: a signal handler re-entered. */
bool lx_lock(struct lx_lock *l);
void lx_unlock(struct lx_lock *l);

/* Objects kept mapped for reuse (threaded waiters must stay mapped): a
 * free list.  An object has a struct lx_pooled at offset off. */
struct lx_pooled {
	struct lx_pooled *next;
};
struct lx_pool {
	struct lx_lock lock;
	struct lx_pooled *free;
};
/* A free object of the pool, or a new zeroed mapping of size bytes; NULL
 * without memory. */
void *lx_pool_get(struct lx_pool *p, size_t size, size_t off);
void lx_pool_put(struct lx_pool *p, void *obj, size_t off);

/* A waiter on events[nr_events] and ring[ring_sz] (zeroed here); 0 or
 * -EINVAL (geometry).  w->threaded survives (a recycled waiter). */
int lx_waiter_init(struct lx_waiter *w, struct ceq_event *events, uint32_t nr_events,
                   int32_t *ring, uint32_t ring_sz);
/* Before each drain: switches w to threaded mode if a 2LS runs now, and
 * returns the generation lx_waiter_park compares. */
int lx_waiter_prepare(struct lx_waiter *w);
/* Sleeps until something may have been posted since prepare returned seen
 * (one thread: proc_yield; threads: futex on w->gen, at most *timeout_ns
 * if not NULL), then runs the signal hook.  0, -EINTR (a handler ran) or
 * -ETIMEDOUT. */
int lx_waiter_park(struct lx_waiter *w, int seen, const uint64_t *timeout_ns);
/* Threaded: wakes nr more parked threads (work is left for them). */
void lx_waiter_kick(struct lx_waiter *w, int nr);
/* One coalesced entry of the CEQ: its id, the bits, the tap's data. */
bool lx_waiter_get(struct lx_waiter *w, uint32_t *id, uint32_t *bits, uint64_t *data);
/* Sends n tap requests; a refused request i goes to refused(i, -err, arg),
 * which returns 0 to go on or -errno to stop (returned).  0 when done. */
long lx_tap_batch(struct fd_tap_req *reqs, size_t n,
                  long (*refused)(size_t i, long err, void *arg), void *arg);

/* A wait timer (lx_ready.c): an #alarm of the layer kept open and tapped
 * READABLE into one waiter under one id, re-armed for each timed wait.
 * Zeroed: none yet.  Its expiries may come late (a wait that ended before
 * its deadline leaves it armed), so an expiry counts only when the clock
 * says the deadline passed (lx_wtimer_due). */
struct lx_wtimer {
	uint32_t tag;                   /* lx_ready.c's tag of fd; 0: none */
	int fd;
	uint64_t deadline;              /* CLOCK_MONOTONIC ns the wait ends at */
};
/* Arms t for ns from now, making it (tapped into w as id) first if it has
 * no live alarm; 0 or -errno. */
long lx_wtimer_arm(struct lx_wtimer *t, struct lx_waiter *w, uint32_t id, uint64_t ns);
/* t's id was drained: true if its deadline passed; false if the expiry
 * was an earlier wait's or early (t is re-armed for the rest). */
bool lx_wtimer_due(struct lx_wtimer *t);
/* Closes t's alarm (its tap goes: nothing is posted after). */
void lx_wtimer_close(struct lx_wtimer *t);
/* close() or dup2 onto fd: if it was a wait timer, forget it. */
void lx_wtimer_forget(long fd);
/* In a fork child: closes the inherited wait timers (copies of the
 * parent's alarms, untapped), so no waiter re-arms the parent's. */
void lx_ready_after_fork(void);

/* ppoll, pselect6, epoll_pwait: call(a, ns) with mask (if not NULL; size
 * must be 8) as the signal mask, the old one put back after. */
long lx_masked(const void *mask, long size, long (*call)(const long *a, int64_t ns),
               const long *a, int64_t ns);

/* Linux's poll bits (the same values as EPOLL*). */
#define LX_POLLIN     0x001
#define LX_POLLPRI    0x002
#define LX_POLLOUT    0x004
#define LX_POLLERR    0x008
#define LX_POLLHUP    0x010
#define LX_POLLNVAL   0x020
#define LX_POLLRDNORM 0x040
#define LX_POLLRDBAND 0x080
#define LX_POLLWRNORM 0x100
#define LX_POLLWRBAND 0x200
#define LX_POLLRDHUP  0x2000

/* Tap filter bits to poll bits, and back (lx_poll.c). */
uint32_t lx_filt_to_poll(uint32_t filt);
uint32_t lx_poll_to_filt(uint32_t events);

/* --- library FDs (lx_libfd.c): epoll sets in 3840..4095 */
struct lx_libfd_ops {
	const char *name;               /* for errstr: "epoll" */
	void (*close)(void *obj);
};
/* A free library fd now naming obj; -EMFILE if none. */
long lx_libfd_alloc(const struct lx_libfd_ops *ops, void *obj);
/* fd's object if it is a library fd of that kind, else NULL. */
void *lx_libfd_get(long fd, const struct lx_libfd_ops *ops);
bool lx_libfd_is(long fd);
/* Runs fd's close callback: true if fd was a library fd. */
bool lx_libfd_close(long fd);
/* -EINVAL (with errstr) if fd is a library fd: they cannot be dup'ed. */
long lx_libfd_nodup(long fd);
/* Calls fn on every object of that kind (fork). */
void lx_libfd_each(const struct lx_libfd_ops *ops, void (*fn)(void *obj));

/* --- epoll (lx_epoll.c) */
long lx_epoll_create(const long *a);
long lx_epoll_create1(const long *a);
long lx_epoll_ctl(const long *a);
long lx_epoll_wait(const long *a);
long lx_epoll_pwait(const long *a);
void lx_ep_after_fork(void);

long lx_poll(const long *a);
long lx_ppoll(const long *a);
long lx_select(const long *a);
long lx_pselect6(const long *a);

/* CPU-time clocks (lx_cputime.c): whether clk is one (PROCESS/THREAD
 * CPUTIME or a dynamic id); its ns, or -EINVAL for an id naming nothing. */
bool lx_clock_is_cpu(long clk);
long lx_cpuclock_ns(long clk, uint64_t *ns);
long lx_getrusage(const long *a);
long lx_times(const long *a);
/* wait4 with a struct rusage: the reaped child's CPU time in it. */
long lx_wait4_rusage(const long *a);

/* Nanoseconds on a Linux clock (REALTIME, MONOTONIC...), or -errno (lx_time.c). */
long lx_clock_ns(long clk, uint64_t *ns);

/* A valid timespec (tv_sec >= 0, tv_nsec in [0, 1e9)); its ns (huge
 * values capped at UINT64_MAX / 2, centuries); ns back to a timespec. */
bool lx_ts_ok(const struct lx_timespec *ts);
uint64_t lx_ts_ns(const struct lx_timespec *ts);
void lx_ns_ts(uint64_t ns, struct lx_timespec *ts);
/* What a timer on clock armed at deadline (0: disarmed) with interval
 * says now: the time to its next expiration, and the interval; 0 or the
 * clock's -errno. */
long lx_itimer_left(int clock, uint64_t deadline, uint64_t interval,
                    struct lx_itimerspec *out);

long lx_clock_gettime(const long *a);
long lx_clock_getres(const long *a);
long lx_gettimeofday(const long *a);
long lx_time(const long *a);
long lx_nanosleep(const long *a);
long lx_clock_nanosleep(const long *a);

/* --- the console as a terminal (lx_tty.c) */
long lx_ioctl(const long *a);


/* --- BSD sockets over #ip conversations (lx_socket.c, lx_sockio.c,
 * lx_sockopt.c, lx_sockaddr.c; internals in lx_sock.h) */
long lx_socket(const long *a);
long lx_socketpair(const long *a);
long lx_bind(const long *a);
long lx_listen(const long *a);
long lx_accept(const long *a);
long lx_accept4(const long *a);
long lx_connect(const long *a);
long lx_shutdown(const long *a);
long lx_getsockname(const long *a);
long lx_getpeername(const long *a);
long lx_sendto(const long *a);
long lx_recvfrom(const long *a);
long lx_sendmsg(const long *a);
long lx_recvmsg(const long *a);
long lx_sendmmsg(const long *a);
long lx_recvmmsg(const long *a);
long lx_setsockopt(const long *a);
long lx_getsockopt(const long *a);
/* The socket table follows close and dup (lx_file.c, lx_fdev.c call these). */
void lx_sock_forget(long fd);
void lx_sock_dup(long old, long new);
/* read() of a socket holding MSG_PEEK'ed bytes; -ENOSYS: not one. */
long lx_sock_read(long fd, void *buf, size_t n);
