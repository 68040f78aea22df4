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
 * Single-threaded (thread0): the emulated state (signal actions, mask and
 * pending set, umask, TLS base, the timerfd table) is per process and
 * unlocked.
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
#define LX_ERANGE    34
#define LX_ENAMETOOLONG 36
#define LX_ENOSYS    38
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
long lx_getdents64(const long *a);
long lx_pipe(const long *a);
long lx_pipe2(const long *a);
long lx_dup(const long *a);
long lx_dup2(const long *a);
long lx_dup3(const long *a);
long lx_fcntl(const long *a);
long lx_truncate(const long *a);
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
long lx_arch_prctl(const long *a);
long lx_sched_yield(const long *a);
long lx_uname(const long *a);
long lx_umask(const long *a);
long lx_wait4(const long *a);
long lx_getrandom(const long *a);

/* --- signals over events (lx_signal.c) */

/* Registers the EV_POSIX_SIGNAL queue once per program image (from the
 * first syscall); the parlib hook that delivers; the child's reset. */
void lx_sig_start(void);
void lx_sig_hook(void);
void lx_sig_after_fork(void);
long lx_rt_sigaction(const long *a);
long lx_rt_sigprocmask(const long *a);
long lx_rt_sigpending(const long *a);
long lx_rt_sigsuspend(const long *a);
long lx_pause(const long *a);
long lx_kill(const long *a);
long lx_tkill(const long *a);
long lx_tgkill(const long *a);

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

/* The timerfd table follows close and dup (lx_file.c calls these); the
 * forget also drops fd from lx_mq.c's set of known queues. */
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
	struct event_queue q;           /* EVENT_WAKEUP, mailbox below */
	struct event_mbox mbox;         /* a CEQ (CEQ_OR of tap filter bits) */
	long timer_fd;                  /* the timeout's timerfd, or -1 */
};

/* A waiter on events[nr_events] and ring[ring_sz] (zeroed here); 0 or
 * -EINVAL (geometry). */
int lx_waiter_init(struct lx_waiter *w, struct ceq_event *events, uint32_t nr_events,
                   int32_t *ring, uint32_t ring_sz);
/* Arms a timerfd for ns from now whose tap posts id to w; 0 or -errno. */
long lx_waiter_timeout(struct lx_waiter *w, uint64_t ns, uint32_t id);
/* Sleeps until something may have been posted (an SCP: proc_yield). */
void lx_waiter_park(struct lx_waiter *w);
/* Closes the timeout's timerfd, if any. */
void lx_waiter_end(struct lx_waiter *w);
/* One coalesced entry of the CEQ: its id, the bits, the tap's data. */
bool lx_waiter_get(struct lx_waiter *w, uint32_t *id, uint32_t *bits, uint64_t *data);
/* Sends n tap requests; a refused request i goes to refused(i, -err, arg),
 * which returns 0 to go on or -errno to stop (returned).  0 when done. */
long lx_tap_batch(struct fd_tap_req *reqs, size_t n,
                  long (*refused)(size_t i, long err, void *arg), void *arg);

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

/* Nanoseconds on a Linux clock (REALTIME, MONOTONIC...), or -errno (lx_time.c). */
long lx_clock_ns(long clk, uint64_t *ns);

long lx_clock_gettime(const long *a);
long lx_clock_getres(const long *a);
long lx_gettimeofday(const long *a);
long lx_time(const long *a);
long lx_nanosleep(const long *a);
long lx_clock_nanosleep(const long *a);

/* --- the console as a terminal (lx_tty.c) */
long lx_ioctl(const long *a);

