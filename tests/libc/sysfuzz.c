/* SPDX-License-Identifier: MIT */
/*
 * sysfuzz.c - /test/sysfuzz: the syscall fuzzer, built on the C library.
 * The kernel and the Linux translation layer must survive random calls
 * with random and half-valid arguments, and every result must be well
 * formed.  Documentation/fuzzing.md describes it in full.
 *
 * Usage: /test/sysfuzz [SEED [CALLS]] [-v[N]] [-n] [-l] [-k]  (defaults: a
 * fixed seed, 20000 calls; -vN prints each call from call N on, before it
 * runs and with its result; -n only native calls, -l only Linux calls; -k
 * also the rows of fz_lx_known_hangs).  A
 * xorshift64 generator picks steps of 1..16 calls, each step either
 *  - a native batch: Vireo syscalls (SYS_FOREACH minus fz_deny, plus
 *    unlisted numbers) in one trap, or one call through parlib's
 *    ros_syscall_raw; arguments drawn by kind (fz_sigs) from good, edge and
 *    bad values, one in twelve of a wrong kind; or
 *  - Linux calls through musl's syscall(): every row of the translation
 *    table (generated at build time into lx_rows.h by lxrows.py) minus
 *    fz_lx_deny, plus numbers the table does not know.
 * Invariants: every native record comes back SC_DONE (SC_K_LOCK clear) with
 * err 0 or 1..FZ_ERRNO_MAX, a NUL-terminated non-empty errstr on failure,
 * and num/u_data/ev_q/args as sent; every Linux call returns >= 0 or -1
 * with errno in 1..FZ_ERRNO_MAX, ENOSYS rows and unknown numbers answer
 * ENOSYS with an errstr naming the number; nothing outside /tmp that the
 * fuzzer can name changes, and what it made under /tmp is removed.  A
 * timed 1 GiB / 1 TiB / 64 TiB mmap+mprotect+munmap runs first.  One
 * native batch in FZ_CPU_ONE_IN traps from a forked child with random CPU
 * state (RFLAGS bits, segment selectors, %rsp, 32-bit mode): the child
 * must exit 0 or be killed, and the kernel must live on.
 *
 * To stay alive, the fuzzer keeps its own state out of reach (fz_guard):
 * output goes to a copy of fd 1 at FZ_OUT_FD, fds 0..2 are closed, memory
 * calls never touch its image, stack or its own mappings, no argument
 * points into its writable image, creating calls name only /tmp paths,
 * sleeps are short, waits never wait, %fs stays (the stack protector and
 * TLS read it), a signal action set is SIG_DFL or SIG_IGN (signals do
 * arrive: SIGCHLD when a forked child ends), and pointers the translation layer itself dereferences
 * (paths, struct stat, iovecs, timespecs...) are NULL or valid: the layer
 * faults there by design (Documentation/libc.md, "Paths").
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <elf.h>
#include <ros/fcntl.h>
#include <ros/futex.h>
#include <ros/kstat.h>
#include <ros/mmap.h>
#include <ros/mmu64.h>
#include <parlib/syscall.h>

#define FZ_SEED_DEFAULT  0x9e3779b97f4a7c15ULL
#define FZ_CALLS_DEFAULT 20000
#define FZ_BATCH_MAX     16
#define FZ_OUT_FD        100                    /* our copy of fd 1 */
#define FZ_FD_MAX        40                     /* fds tried: -1..FZ_FD_MAX */
#define FZ_FD_CLOSE_ALL  1023                   /* closed at the end */
#define FZ_ERRNO_MAX     133
#define FZ_PG            4096ULL
#define FZ_SCRATCH_VA    0x00001f0000000000ULL  /* RW, the page after unmapped */
#define FZ_SCRATCH_LEN   (64 * 1024ULL)
#define FZ_AUX_VA        0x00001f4000000000ULL  /* RW: iovecs, timespecs (not a buffer) */
#define FZ_AUX_LEN       (4 * FZ_PG)
#define FZ_EDGE_VA       0x00001f8000000000ULL  /* one R page per path, gaps between */
#define FZ_ARENA_VA      0x0000200000000000ULL  /* where memory calls play */
#define FZ_ARENA_PAGES   16384ULL               /* 64 MiB */
#define FZ_POPULATE_MAX  (1024 * 1024ULL)       /* populated bytes per call */
#define FZ_SLEEP_MAX_US  1000ULL                /* block/nanosleep: 1 ms at most */
#define FZ_SLEEP_LIMIT   (3600ULL * 1000000)    /* the kernel's limit (EINVAL above) */
#define FZ_STACK_GUARD   (32ULL * 1024 * 1024)  /* below USER_LIMIT: stack and more */
#define FZ_SPIN_LIMIT    (1u << 24)             /* a record not done by then hangs */
#define FZ_REPORTS_MAX   10                     /* bad results printed in detail */
#define FZ_CLEAN_EVERY   32                     /* steps between fd clean-ups */
#define FZ_SNAP_MAX      256
#define FZ_TMP_MINLEN    6                      /* "/tmp/f": shorter leaves /tmp */
#define FZ_LX_IOV_MAX    8                      /* iovecs built per readv/writev */
#define FZ_BIGMAP_MS_MAX 5000                   /* large_mapping: the bound */

#define FZ_KDMAP   0xffff800000000000ULL
#define FZ_KTEXT   0xffffffff80000000ULL
#define FZ_NONCAN  0x0000800000000000ULL

#define UP(p) ((uint64_t)(uintptr_t)(p))
#define FZ_N(a) (sizeof(a) / sizeof((a)[0]))

/* One Vireo call through parlib: retval or -err. */
#define fz_sys(...) fz_sys_n(__VA_ARGS__, 0, 0, 0, 0, 0, 0)
#define fz_sys_n(n, a, b, c, d, e, f, ...) \
	ros_syscall_raw((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

/* Linux values the Linux side needs (musl's <fcntl.h> clashes with ros/fcntl.h). */
#define LXF_O_WRONLY    01
#define LXF_O_RDWR      02
#define LXF_O_QUIET     (0400 | 04000 | 0100000 | 0200000 | 0400000 | 02000000 | 010000000)
#define LXF_ENOSYS      38
#define LXF_ARCH_SET_FS 0x1002
#define LXF_ARCH_GET_FS 0x1003

/* ------------------------------------------------------------ random */

static uint64_t fz_seed_state;

static uint64_t fz_rand(void)
{
	uint64_t x = fz_seed_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	fz_seed_state = x;
	return x;
}

static uint64_t fz_below(uint64_t n)
{
	return n ? fz_rand() % n : 0;
}

static bool fz_one_in(uint64_t n)
{
	return fz_below(n) == 0;
}

/* ------------------------------------------------------ native tables */

#define FZ_NUM(nr, name, nargs, reserved) nr,
static const uint32_t fz_listed[] = { SYS_FOREACH(FZ_NUM) };
#undef FZ_NUM
#define FZ_NAME(nr, name, nargs, reserved) [nr] = #name,
static const char *const fz_names[SYS_MAX_NR] = { SYS_FOREACH(FZ_NAME) };
#undef FZ_NAME

static const char *fz_sys_name(uint32_t num)
{
	return num < SYS_MAX_NR && fz_names[num] ? fz_names[num] : "?";
}

/*
 * Native calls the fuzzer never makes, and why.  Everything else in the
 * list is fair game, with fz_guard() shaping the arguments that could end
 * or stall the fuzzer.
 */
static const uint32_t fz_deny[] = {
	SYS_proc_destroy,       /* pid 0 or ours ends the fuzzer */
	SYS_proc_yield,         /* context call: gives the core away mid-batch */
	SYS_fork,               /* context call: a second fuzzer */
	SYS_exec,               /* context call: would replace the fuzzer */
	SYS_change_to_m,        /* context call: turns us into an MCP (no exec) */
	SYS_reboot,             /* would end the machine, once processes may */
	SYS_signal_group,       /* group 0 or -1 is ours: SIGKILL/SIGTERM end the fuzzer */
	SYS_setsid,             /* a session of its own: init's children no longer ours */
	SYS_signal_proc,        /* our own pid: SIGKILL ends, SIGSTOP stops the fuzzer */
	SYS_proc_stop,          /* a stop signal stops the fuzzer for good */
};

/*
 * The kinds of each call's arguments, one letter per argument:
 *   f fd   d dir fd   p buffer   l length   P/T path pointer (+ its length,
 *   the next letter; T: only paths under /tmp, for calls that create,
 *   remove or bind)   F flags   O open flags   M permission bits
 *   o offset   i int/pid   c fcntl command   u microseconds
 *   m memory address   n memory length   x anything
 */
static const char *const fz_sigs[SYS_MAX_NR] = {
	[SYS_block] = "u",              [SYS_nanosleep] = "pp",
	[SYS_abort_sysc] = "p",         [SYS_abort_sysc_fd] = "f",
	[SYS_proc_create] = "PLplF",    [SYS_proc_run] = "i",
	[SYS_waitpid] = "ipF",          [SYS_vcore_request] = "i",
	[SYS_provision] = "iii",        [SYS_poke_ksched] = "ii",
	[SYS_mmap] = "mnFFfo",          [SYS_munmap] = "mn",
	[SYS_mprotect] = "mnF",         [SYS_populate_va] = "mi",
	[SYS_notify] = "iip",           [SYS_self_notify] = "iipi",
	[SYS_send_event] = "ppi",       [SYS_tap_fds] = "pi",
	[SYS_openat] = "dPLOM",         [SYS_read] = "fpl",
	[SYS_write] = "fpl",            [SYS_pread] = "fplo",
	[SYS_pwrite] = "fplo",          [SYS_llseek] = "foi",
	[SYS_close] = "f",              [SYS_fstat] = "fp",
	[SYS_stat] = "PLp",             [SYS_lstat] = "PLp",
	[SYS_fcntl] = "fcx",            [SYS_access] = "PLi",
	[SYS_mkdir] = "TLM",            [SYS_rmdir] = "TL",
	[SYS_unlink] = "TL",            [SYS_rename] = "TLTL",
	[SYS_symlink] = "TLTL",         [SYS_readlink] = "PLpl",
	[SYS_getcwd] = "pl",            [SYS_chdir] = "iPL",
	[SYS_fchdir] = "if",            [SYS_fd2path] = "fpl",
	[SYS_wstat] = "TLplF",          [SYS_fwstat] = "fplF",
	[SYS_dup_fds_to] = "ipl",       [SYS_nbind] = "TLTLF",
	[SYS_nmount] = "fTLF",          [SYS_nunmount] = "TLTL",
	[SYS_set_fsbase] = "m",         [SYS_futex] = "mixx",
	[SYS_cputime] = "p",            [SYS_msync] = "mn",
};

/* ------------------------------------------------------- Linux tables */

enum { FZ_LX_mapped, FZ_LX_emulated, FZ_LX_ENOSYS };

struct fz_lx_row {
	int nr;
	const char *name;
	int kind;                       /* FZ_LX_* */
};

#define LX_ROW(nr_, name_, kind_) { nr_, #name_, FZ_LX_##kind_ },
static const struct fz_lx_row fz_lx_rows[] = {
#include "lx_rows.h"
};
#undef LX_ROW
#define FZ_LX_NROWS FZ_N(fz_lx_rows)

/*
 * Rows the fuzzer never calls unless they are ENOSYS (the layer then does
 * nothing): they end, replace, duplicate or signal the fuzzer.
 */
static const char *const fz_lx_deny[] = {
	"exit", "exit_group", "execve", "fork", "vfork", "clone", "kill", "tkill",
	"tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "rt_sigreturn", "execveat",
	"pause", "rt_sigsuspend",       /* wait for a signal nobody sends */
	"rt_sigtimedwait",              /* the same, without a timeout */
	"epoll_create", "epoll_create1",        /* library fds and a 250 KiB set each */
	"timer_create", "setitimer", "alarm",   /* signals with default actions */
};

/*
 * Argument kinds of the Linux calls, by name.  Besides the native letters
 * (f d p l F M o i c m n x; P/T here fill one slot: a NUL-terminated path
 * or NULL, as the layer measures it with strnlen):
 *   O Linux open flags   S a buffer the layer itself reads or writes
 *   (NULL or room in scratch)   V iovec array + count (two slots)
 *   Z a timespec the layer reads (NULL or a short one)   z clock id
 *   A arch_prctl code + address (two slots)   g sigset size (mostly 8)
 * A non-ENOSYS row without an entry is a FAIL (linux_kinds) and is not
 * called: the fuzzer cannot know which of its arguments the layer reads.
 */
static const struct { const char *name, *sig; } fz_lx_sigs[] = {
	{ "read", "fpl" },              { "write", "fpl" },
	{ "open", "POM" },              { "close", "f" },
	{ "stat", "PS" },               { "fstat", "fS" },
	{ "lstat", "PS" },              { "lseek", "foi" },
	{ "mmap", "mnFFfo" },           { "mprotect", "mnF" },
	{ "munmap", "mn" },             { "brk", "m" },
	{ "rt_sigaction", "iSSg" },     { "rt_sigprocmask", "iSSg" },
	{ "ioctl", "fix" },             { "pread64", "fplo" },
	{ "pwrite64", "fplo" },         { "readv", "fV" },
	{ "writev", "fV" },             { "access", "Pi" },
	{ "pipe", "S" },                { "sched_yield", "" },
	{ "dup", "f" },                 { "dup2", "ff" },
	{ "nanosleep", "Zp" },          { "getpid", "" },
	{ "wait4", "ipFS" },            { "uname", "S" },
	{ "waitid", "iiSFS" },
	{ "fcntl", "fcx" },             { "truncate", "To" },
	{ "ftruncate", "fo" },          { "getcwd", "pl" },
	{ "chdir", "P" },               { "fchdir", "f" },
	{ "rename", "TT" },             { "mkdir", "TM" },
	{ "rmdir", "T" },               { "unlink", "T" },
	{ "symlink", "TT" },            { "readlink", "Ppl" },
	{ "umask", "M" },               { "gettimeofday", "S" },
	{ "getuid", "" },               { "getgid", "" },
	{ "geteuid", "" },              { "getegid", "" },
	{ "getppid", "" },              { "arch_prctl", "A" },
	{ "setpgid", "ii" },            { "getpgid", "i" },
	{ "getpgrp", "" },              { "setsid", "" },
	{ "getsid", "i" },
	{ "chmod", "TM" },              { "fchmod", "fM" },
	{ "fchmodat", "dTM" },          { "chown", "Tii" },
	{ "fchown", "fii" },            { "lchown", "Tii" },
	{ "fchownat", "dTiiF" },        { "utime", "TS" },
	{ "utimes", "TS" },             { "futimesat", "dTS" },
	{ "utimensat", "dTSF" },
	{ "gettid", "" },               { "time", "S" },
	{ "getdents64", "fpl" },        { "set_tid_address", "x" },
	{ "futex", "SziZSi" },
	{ "clock_gettime", "zS" },      { "clock_getres", "zS" },
	{ "clock_nanosleep", "zFZp" },  { "openat", "dPOM" },
	{ "mkdirat", "dTM" },           { "newfstatat", "dPSF" },
	{ "unlinkat", "dTF" },          { "renameat", "dTdT" },
	{ "readlinkat", "dPpl" },       { "faccessat", "dPiF" },
	{ "dup3", "ffF" },              { "pipe2", "SF" },
	{ "getrandom", "plF" },         { "rt_sigpending", "Sg" },
	{ "timerfd_settime", "fFSS" },  { "timerfd_gettime", "fS" },
	{ "poll", "Sli" },              { "ppoll", "SlZSg" },
	{ "select", "iSSSS" },          { "pselect6", "iSSSZx" },
	{ "epoll_ctl", "fifS" },        { "epoll_wait", "fSii" },
	{ "epoll_pwait", "fSiiSg" },    { "sigaltstack", "SS" },
	{ "mq_open", "POMS" },          { "mq_unlink", "P" },
	{ "mq_timedsend", "fpliZ" },    { "mq_timedreceive", "fplSZ" },
	{ "mq_notify", "fS" },          { "mq_getsetattr", "fSS" },
	{ "socket", "iFi" },            { "connect", "fSl" },
	{ "accept", "fSS" },            { "sendto", "fplFSl" },
	{ "recvfrom", "fplFSS" },       { "sendmsg", "fSF" },
	{ "recvmsg", "fSF" },           { "shutdown", "fi" },
	{ "bind", "fSl" },              { "listen", "fi" },
	{ "getsockname", "fSS" },       { "getpeername", "fSS" },
	{ "socketpair", "iFiS" },       { "setsockopt", "fiiSl" },
	{ "getsockopt", "fiiSS" },      { "accept4", "fSSF" },
	{ "recvmmsg", "fSiFx" },        { "sendmmsg", "fSiF" },
	{ "getitimer", "iS" },          { "fsync", "f" },
	{ "fdatasync", "f" },           { "sched_setparam", "iS" },
	{ "sched_getparam", "iS" },     { "sched_setscheduler", "iiS" },
	{ "sched_getscheduler", "i" },  { "sched_get_priority_max", "i" },
	{ "sched_get_priority_min", "i" }, { "sched_rr_get_interval", "iS" },
	{ "mlock", "mn" },              { "munlock", "mn" },
	{ "msync", "mnF" },
	{ "mlockall", "F" },            { "munlockall", "" },
	{ "mlock2", "mnF" },            { "adjtimex", "S" },
	{ "settimeofday", "SS" },       { "timer_settime", "iFSS" },
	{ "timer_gettime", "iS" },      { "timer_getoverrun", "i" },
	{ "timer_delete", "i" },        { "clock_settime", "zS" },
	{ "clock_adjtime", "zS" },      { "getrusage", "iS" },
	{ "times", "S" },
};

/*
 * Rows that hang today (a bug in the layer or kernel, reported): left out
 * unless -k is given, so that make check stays bounded.  Remove an entry
 * once its bug is fixed.
 */
static const char *const fz_lx_known_hangs[] = {
	"timerfd_create",       /* new fds whose reads block: no O_NONBLOCK guard yet */
	"eventfd", "eventfd2",
	/* sockets: new fds whose reads and accepts block, as above; the
	 * other socket calls are fuzzed on the fuzzer's own fds */
	"socket", "socketpair", "accept", "accept4",
};
static bool fz_lx_with_hangs;           /* -k: call them anyway */

static const char *fz_lx_sig_of[FZ_LX_NROWS];   /* per row; NULL: not called */

/* ------------------------------------------------------------- paths */

/* Paths, each in a slot padded with NULs: a length past the string reads them. */
struct fz_path {
	char s[24];
	bool tmp;               /* under /tmp: calls that create may use it */
};

static const struct fz_path fz_paths[] = {
	{ "/etc/motd", false }, { "/dev/null", false }, { "/dev/zero", false },
	{ "/etc", false },      { "/dev", false },      { "/", false },
	{ "/nonexistent", false },
	{ "/tmp/fz", true },    { "/tmp/fz2", true },   { "/tmp/fzd", true },
	{ "/tmp/fzd/a", true },
};
#define FZ_NPATHS FZ_N(fz_paths)

static char fz_long_path[SYSC_MAX_PATH_LEN + 64];      /* "/tmp/aaaa...": too long */

static const uint32_t fz_flag_bits[] = {
	0x1, 0x2, 0x4, 0x10, 0x20, 0x40, 0x80, 0x100, 0x200, 0x400, 0x800,
	0x2000, 0x8000, 0x10000, 0x20000, 0x80000, 0x200000, 0x400000,
};

/* --------------------------------------------------------------- state */

static int fz_out = 1;
static uint64_t fz_verbose_from = ~0ULL;  /* -v[N]: print calls from N on */
static uint64_t fz_room;                /* bytes after the last buffer picked */
static struct syscall fz_batch[FZ_BATCH_MAX];
static struct syscall fz_sent[FZ_BATCH_MAX];
static const char fz_ro[64] = "read-only bytes the kernel must not write";
static uint64_t fz_img_lo, fz_img_hi;   /* the image, page-rounded */
static uint64_t fz_rw_lo, fz_rw_hi;     /* its writable part, page-rounded */
static uint64_t fz_fsbase;              /* %fs as musl set it */

struct fz_group {
	const char *name;
	uint64_t bad;
	char first[200];        /* the first failure, for the FAIL line */
};

enum {
	FZ_G_BIGMAP, FZ_G_DONE, FZ_G_ERRNO, FZ_G_ERRSTR, FZ_G_INTACT, FZ_G_LX_RESULT,
	FZ_G_LX_ENOSYS, FZ_G_LX_KINDS, FZ_G_OUTSIDE, FZ_G_TMP, FZ_G_CPU, FZ_G_NR
};

static struct fz_group fz_groups[FZ_G_NR] = {
	[FZ_G_BIGMAP] = { .name = "large_mapping" },
	[FZ_G_DONE] = { .name = "records_done" },
	[FZ_G_ERRNO] = { .name = "errno_plausible" },
	[FZ_G_ERRSTR] = { .name = "errstr_terminated" },
	[FZ_G_INTACT] = { .name = "records_intact" },
	[FZ_G_LX_RESULT] = { .name = "linux_results" },
	[FZ_G_LX_ENOSYS] = { .name = "linux_enosys" },
	[FZ_G_LX_KINDS] = { .name = "linux_kinds" },
	[FZ_G_OUTSIDE] = { .name = "nothing_outside_tmp" },
	[FZ_G_TMP] = { .name = "tmp_cleaned" },
	[FZ_G_CPU] = { .name = "cpu_state_children" },
};
static uint64_t fz_reports;
static uint64_t fz_cpu_children;        /* batches trapped with hostile CPU state */
static uint64_t fz_ok[SYS_MAX_NR], fz_err[SYS_MAX_NR], fz_errnos[FZ_ERRNO_MAX + 1];
static uint64_t fz_lx_ok[FZ_LX_NROWS], fz_lx_err[FZ_LX_NROWS], fz_lx_unknown;

static void fz_fail(int g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fz_fail(int g, const char *fmt, ...)
{
	struct fz_group *grp = &fz_groups[g];
	va_list ap;

	if (grp->bad++ == 0) {
		va_start(ap, fmt);
		vsnprintf(grp->first, sizeof(grp->first), fmt, ap);
		va_end(ap);
	}
}

/* ------------------------------------------------------- argument values */

static uint64_t fz_edge_ptr(size_t i)
{
	return FZ_EDGE_VA + i * 2 * FZ_PG + FZ_PG - strlen(fz_paths[i].s);
}

static uint64_t fz_bad_ptr(void)
{
	static const uint64_t bad[] = {
		0, 1, FZ_PG, FZ_KDMAP, FZ_KTEXT, FZ_NONCAN, FZ_NONCAN + FZ_PG,
		~0ULL, ~0ULL - 7, FZ_SCRATCH_VA + FZ_SCRATCH_LEN, 0x00003fff00000000ULL,
	};

	if (fz_one_in(8))
		return fz_img_hi;                       /* the page after the image */
	return bad[fz_below(FZ_N(bad))];
}

static uint64_t fz_huge_len(void)
{
	static const uint64_t huge[] = {
		4097, 65536, 1ULL << 31, 1ULL << 32, 1ULL << 40, FZ_NONCAN, ~0ULL,
		~0ULL >> 1, 0x7fffffff,
	};

	return huge[fz_below(FZ_N(huge))];
}

/* Index of a path: any, or (tmp_only) one under /tmp. */
static size_t fz_pick_path(bool tmp_only)
{
	size_t i;

	do {
		i = fz_below(FZ_NPATHS);
	} while (tmp_only && !fz_paths[i].tmp);
	return i;
}

/* A native path pointer and its length, right or wrong. */
static void fz_path_args(bool tmp_only, uint64_t *ptr, uint64_t *len)
{
	size_t i = fz_pick_path(tmp_only), sl = strlen(fz_paths[i].s);
	size_t minlen = fz_paths[i].tmp ? FZ_TMP_MINLEN : 1;

	*ptr = UP(fz_paths[i].s);
	*len = sl;
	switch (fz_below(14)) {
	case 0: *len = sl + 1 + fz_below(3); break;             /* NULs inside */
	case 1: *len = minlen + fz_below(sl - minlen + 1); break; /* a prefix */
	case 2: *len = fz_huge_len(); break;
	case 3: *len = 0; break;
	case 4: *ptr = fz_bad_ptr(); break;
	case 5: *ptr = fz_edge_ptr(i); break;                    /* ends at a page end */
	case 6: *ptr = fz_edge_ptr(i); *len = sl + 1 + fz_below(8); break; /* runs past it */
	default: break;
	}
}

/* A Linux path: NUL-terminated (the layer runs strnlen over it) or NULL. */
static uint64_t fz_lx_path(bool tmp_only)
{
	switch (fz_below(16)) {
	case 0: return 0;                                        /* EFAULT */
	case 1: return UP(fz_long_path);                         /* ENAMETOOLONG */
	case 2: return UP("");
	default: return UP(fz_paths[fz_pick_path(tmp_only)].s);
	}
}

static uint64_t fz_buf_ptr(void)
{
	uint64_t off;

	fz_room = 0;
	switch (fz_below(10)) {
	case 0: case 1: case 2: case 4:
		off = fz_below(FZ_SCRATCH_LEN);
		fz_room = FZ_SCRATCH_LEN - off;
		return FZ_SCRATCH_VA + off;
	case 3:
		fz_room = 1 + fz_below(256);
		return FZ_SCRATCH_VA + FZ_SCRATCH_LEN - fz_room;
	case 5:
		return fz_one_in(2) ? UP(fz_ro) : UP(&fz_rand);          /* read-only */
	case 6:
		return FZ_SCRATCH_VA + 1 + 2 * fz_below(64);             /* odd */
	default:
		return fz_bad_ptr();
	}
}

/* A buffer the translation layer reads or writes itself: NULL or room. */
static uint64_t fz_lx_struct(void)
{
	if (fz_one_in(6))
		return 0;
	return FZ_SCRATCH_VA + 8 * fz_below((FZ_SCRATCH_LEN - 1024) / 8);
}

static uint64_t fz_len(void)
{
	static const uint64_t small[] = { 0, 1, 8, 16, 64, 128, 216, 512, 4096, 65536 };

	if (fz_room && fz_one_in(2))                    /* straddle the buffer's end */
		return fz_room + fz_below(64) - (fz_room > 16 ? 16 : 0);
	switch (fz_below(4)) {
	case 0: return fz_below(300);
	case 1: return small[fz_below(FZ_N(small))];
	case 2: return fz_huge_len();
	default: return fz_below(1 << 17);
	}
}

static uint64_t fz_fd(void)
{
	if (fz_one_in(16))
		return fz_one_in(2) ? (uint64_t)-100 : fz_rand();   /* AT_FDCWD */
	if (fz_one_in(2))
		return fz_below(8);                     /* the fds most likely open */
	return (uint64_t)(int64_t)((int)fz_below(FZ_FD_MAX + 2) - 1);
}

static uint64_t fz_flags(void)
{
	uint64_t f = 0;

	if (fz_one_in(8))
		return fz_one_in(2) ? 0 : (uint32_t)fz_rand();
	for (size_t i = 0; i < FZ_N(fz_flag_bits); i++)
		if (fz_one_in(4))
			f |= fz_flag_bits[i];
	return f;
}

/* Mostly sensible: an access mode plus a few of the flags in extra[]. */
static uint64_t fz_mode_flags(const uint64_t *modes, size_t nm, const uint64_t *extra,
                              size_t ne)
{
	uint64_t f;

	if (fz_one_in(8))
		return fz_flags();
	f = modes[fz_below(nm)];
	for (size_t i = 0; i < ne; i++)
		if (fz_one_in(6))
			f |= extra[i];
	return f;
}

static uint64_t fz_open_flags(void)
{
	static const uint64_t modes[] = { O_READ, O_READ, O_WRITE, O_RDWR, 0, O_EXEC };
	static const uint64_t extra[] = {
		O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY, O_CLOEXEC, O_NOFOLLOW,
		O_NONBLOCK, O_PATH, O_REMCLO,
	};

	return fz_mode_flags(modes, FZ_N(modes), extra, FZ_N(extra));
}

/* Linux's O_* (octal): the ones Vireo has, and the ones it refuses. */
static uint64_t fz_lx_open_flags(void)
{
	static const uint64_t modes[] = { 0, 0, 01, 02, 03 };
	static const uint64_t extra[] = {
		0100, 0200, 0400, 01000, 02000, 04000, 0100000, 0200000, 0400000, 02000000,
		010000000, 04010000, 040000, 020000, 01000000, 020200000,
	};

	return fz_mode_flags(modes, FZ_N(modes), extra, FZ_N(extra));
}

static uint64_t fz_perm(void)
{
	static const uint64_t perms[] = { 0644, 0755, 0600, 0, 0777, 07777 };

	if (fz_one_in(8))
		return fz_one_in(2) ? 010000 : fz_rand();       /* EINVAL */
	return perms[fz_below(FZ_N(perms))];
}

static uint64_t fz_int(void)
{
	static const int64_t ints[] = { -1, 0, 1, 2, 3, 8, 1000, 0x7fffffff, -0x7fffffff - 1 };

	if (fz_one_in(2))
		return (uint64_t)ints[fz_below(FZ_N(ints))];
	return fz_one_in(4) ? fz_rand() : fz_below(65);
}

static uint64_t fz_off(void)
{
	static const int64_t offs[] = {
		0, 1, 100, 4096, 1 << 20, 1LL << 32, 1LL << 40, -1, -4096,
		0x7fffffffffffffffLL, (int64_t)0x8000000000000000ULL,
	};

	if (fz_one_in(3))
		return fz_below(8192);
	return (uint64_t)offs[fz_below(FZ_N(offs))];
}

static uint64_t fz_mm_addr(void)
{
	switch (fz_below(6)) {
	case 0: return fz_bad_ptr();
	case 1: return FZ_ARENA_VA + fz_below(FZ_ARENA_PAGES * FZ_PG);   /* unaligned */
	case 2: return fz_one_in(2) ? 0 : FZ_PG * (1 + fz_below(1000));
	default: return FZ_ARENA_VA + FZ_PG * fz_below(FZ_ARENA_PAGES);
	}
}

static uint64_t fz_mm_len(void)
{
	switch (fz_below(6)) {
	case 0: return fz_huge_len();
	case 1: return fz_below(3 * FZ_PG);
	case 2: return FZ_PG * fz_below(FZ_ARENA_PAGES);
	default: return FZ_PG * (1 + fz_below(16));
	}
}

static uint64_t fz_any(void)
{
	switch (fz_below(8)) {
	case 0: return fz_fd();
	case 1: return fz_buf_ptr();
	case 2: return fz_len();
	case 3: return fz_flags();
	case 4: return fz_bad_ptr();
	case 5: return fz_rand();
	default: return fz_int();
	}
}

/* fcntl commands: Vireo's and Linux's agree on these numbers. */
static uint64_t fz_fcntl_cmd(void)
{
	static const uint64_t cmds[] = { 0, 1, 2, 3, 4, 5, 6, 7, 1030 };

	return fz_one_in(8) ? fz_int() : cmds[fz_below(FZ_N(cmds))];
}

/* A timespec in the aux page: short, or invalid (EINVAL, no sleep). */
static uint64_t fz_timespec(void)
{
	static unsigned next;
	struct ktimespec *ts = (struct ktimespec *)(uintptr_t)FZ_AUX_VA + next++ % 64;

	ts->tv_sec = 0;
	ts->tv_nsec = (int64_t)fz_below(FZ_SLEEP_MAX_US * 1000);
	if (fz_one_in(8))
		ts->tv_nsec = fz_one_in(2) ? -1 : 1000000000;
	if (fz_one_in(16))
		ts->tv_sec = fz_one_in(2) ? -1 : 3601;  /* EINVAL, no sleep */
	return UP(ts);
}

/* One native argument of kind k; paths fill two slots (returns how many). */
static int fz_arg(char k, uint64_t *a)
{
	if (k == 'P' || k == 'T') {
		fz_path_args(k == 'T', &a[0], &a[1]);
		return 2;
	}
	if (fz_one_in(12) && k != 'u' && k != 'm' && k != 'n') {
		a[0] = fz_any();                        /* half-valid: a wrong kind */
		return 1;
	}
	switch (k) {
	case 'f': a[0] = fz_fd(); break;
	case 'd': a[0] = fz_one_in(2) ? (uint64_t)-100 : fz_fd(); break;
	case 'p': a[0] = fz_buf_ptr(); break;
	case 'l': a[0] = fz_len(); break;
	case 'F': a[0] = fz_flags(); break;
	case 'O': a[0] = fz_open_flags(); break;
	case 'M': a[0] = fz_perm(); break;
	case 'o': a[0] = fz_off(); break;
	case 'i': a[0] = fz_int(); break;
	case 'c': a[0] = fz_fcntl_cmd(); break;
	case 'u': a[0] = fz_one_in(8) ? fz_rand() : fz_below(2 * FZ_SLEEP_MAX_US); break;
	case 'm': a[0] = fz_mm_addr(); break;
	case 'n': a[0] = fz_mm_len(); break;
	default: a[0] = fz_any(); break;
	}
	return 1;
}

/* An iovec array (in the aux page) and its count: two slots. */
static void fz_lx_iov(uint64_t *a)
{
	static const int64_t counts[] = { 0, 1, 2, 3, FZ_LX_IOV_MAX, -1, 1025 };
	uint64_t *iov = (uint64_t *)(uintptr_t)(FZ_AUX_VA + 2 * FZ_PG);

	for (int i = 0; i < FZ_LX_IOV_MAX; i++) {
		iov[2 * i] = fz_buf_ptr();
		iov[2 * i + 1] = fz_len();
	}
	a[0] = fz_one_in(8) ? 0 : UP(iov);
	a[1] = (uint64_t)counts[fz_below(FZ_N(counts))];
	if (a[0] == 0 && (int64_t)a[1] > 0)
		a[1] = 0;                       /* NULL with a count faults the layer */
}

/* arch_prctl: a code and an address the layer may use (two slots). */
static void fz_lx_arch(uint64_t *a)
{
	static const uint64_t codes[] = { 0x1001, LXF_ARCH_SET_FS, LXF_ARCH_GET_FS, 0x1004, 0 };

	a[0] = fz_one_in(8) ? fz_rand() : codes[fz_below(FZ_N(codes))];
	if (a[0] == LXF_ARCH_SET_FS)
		a[1] = fz_one_in(2) ? fz_fsbase : FZ_NONCAN + fz_below(FZ_PG);
	else if (a[0] == LXF_ARCH_GET_FS)
		a[1] = fz_lx_struct();
	else
		a[1] = fz_any();
}

/* One Linux argument of kind k; returns the slots it filled. */
static int fz_lx_arg(char k, uint64_t *a)
{
	switch (k) {
	case 'P': case 'T': a[0] = fz_lx_path(k == 'T'); return 1;
	case 'S': a[0] = fz_lx_struct(); return 1;
	case 'V': fz_lx_iov(a); return 2;
	case 'A': fz_lx_arch(a); return 2;
	case 'Z': a[0] = fz_one_in(8) ? 0 : fz_timespec(); return 1;
	case 'O': a[0] = fz_one_in(12) ? fz_any() : fz_lx_open_flags(); return 1;
	case 'z': a[0] = fz_one_in(4) ? fz_int() : fz_below(12); return 1;
	case 'g': a[0] = fz_one_in(4) ? fz_int() : 8; return 1;
	default: return fz_arg(k, a);
	}
}

/* ----------------------------------------------------------- the guards */

static bool fz_denied(uint32_t num)
{
	for (size_t i = 0; i < FZ_N(fz_deny); i++)
		if (fz_deny[i] == num)
			return true;
	return false;
}

static uint32_t fz_pick_num(void)
{
	static const uint32_t odd[] = { 0, 9, 99, SYS_MAX_NR, 1023, 1024, 0xffffffffu };
	uint32_t num;

	do {
		if (fz_one_in(8))
			num = fz_one_in(2) ? (uint32_t)fz_below(SYS_MAX_NR + 16) :
			      fz_one_in(2) ? odd[fz_below(FZ_N(odd))] : (uint32_t)fz_rand();
		else
			num = fz_listed[fz_below(FZ_N(fz_listed))];
	} while (fz_denied(num));
	return num;
}

/* Whether [a, a + len) (page-rounded as the kernel does) hits our own memory. */
static bool fz_mm_hits_us(uint64_t a, uint64_t len)
{
	uint64_t end = a + ((len + FZ_PG - 1) & ~(FZ_PG - 1));
	uint64_t edge_end = FZ_EDGE_VA + 2 * FZ_PG * FZ_NPATHS;

	if (a >= FZ_NONCAN || end <= a)
		return false;                   /* the kernel refuses these */
	return (a < fz_img_hi + FZ_PG && end > fz_img_lo) ||
	       (a < FZ_SCRATCH_VA + FZ_SCRATCH_LEN + FZ_PG && end > FZ_SCRATCH_VA) ||
	       (a < FZ_AUX_VA + FZ_AUX_LEN && end > FZ_AUX_VA) ||
	       (a < edge_end && end > FZ_EDGE_VA) ||
	       end > FZ_NONCAN - FZ_STACK_GUARD;
}

/*
 * mmap, munmap, mprotect, populate_va (native and Linux: the same argument
 * layout).  Lengths are not capped: the kernel skips empty page-table
 * levels, so even a 64 TiB region comes and goes in milliseconds
 * (large_mapping measures it).  Only populating is bounded.
 */
static void fz_guard_mm(uint32_t num, uint64_t *arg)
{
	uint64_t len;

	if (num == SYS_populate_va && arg[1] > FZ_POPULATE_MAX / FZ_PG &&
	    arg[1] <= FZ_NONCAN / FZ_PG)
		arg[1] %= FZ_POPULATE_MAX / FZ_PG;              /* bounded work */
	len = num == SYS_populate_va ? arg[1] * FZ_PG : arg[1];
	if (num == SYS_mmap) {
		if (fz_one_in(2)) {                             /* often valid */
			arg[2] &= PROT_ALL;
			arg[3] = (arg[3] & MAP_ALL_FLAGS) | MAP_ANONYMOUS;
		}
		if ((arg[3] & MAP_POPULATE) && arg[1] > FZ_POPULATE_MAX)
			arg[3] &= ~(uint64_t)MAP_POPULATE;
		if (!(arg[3] & MAP_FIXED))
			return;                                 /* never replaces */
	}
	if (fz_mm_hits_us(arg[0], len)) {
		arg[0] = FZ_ARENA_VA + FZ_PG * fz_below(FZ_ARENA_PAGES);
		arg[1] = num == SYS_populate_va ? 1 + fz_below(16) : FZ_PG * (1 + fz_below(16));
	}
}

/* Points nanosleep at a short (or invalid) request of ours. */
static void fz_guard_sleep(uint64_t *arg)
{
	if (arg[0] >= FZ_NONCAN || arg[0] < 0x400000)
		return;                                 /* unreadable: EFAULT */
	arg[0] = fz_timespec();
}

/* openat with anything that writes, creates, truncates or removes: /tmp only. */
static void fz_guard_open(struct syscall *sc)
{
	const uint64_t quiet = O_READ | O_EXEC | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC |
	                       O_PATH | O_NONBLOCK | O_NOCTTY;

	if (sc->arg3 & ~quiet)
		fz_path_args(true, &sc->arg1, &sc->arg2);
}

/*
 * Any value (flags bits can look like one) that points into the writable
 * part of our image moves to the scratch mapping: the kernel would write
 * our records and state there.
 */
static uint64_t fz_guard_image(uint64_t v)
{
	if (v >= fz_rw_lo && v < fz_rw_hi)
		return FZ_SCRATCH_VA + (v & (FZ_PG - 1));
	return v;
}

/* fd arguments never name our output. */
static void fz_guard_fds(uint64_t *arg, const char *sig)
{
	for (int i = 0; sig && sig[i] && i < SYSC_MAX_ARGS; i++)
		if ((sig[i] == 'f' || sig[i] == 'd') && (int)arg[i] == FZ_OUT_FD)
			arg[i] = (uint64_t)-1;
}

/* Keeps a native call from ending, stalling or blinding the fuzzer. */
static void fz_guard(struct syscall *sc, const char *sig)
{
	uint64_t *arg = &sc->arg0;

	for (int i = 0; i < SYSC_MAX_ARGS; i++)
		arg[i] = fz_guard_image(arg[i]);
	fz_guard_fds(arg, sig);
	switch (sc->num) {
	case SYS_block:
		if (sc->arg0 <= FZ_SLEEP_LIMIT)
			sc->arg0 %= FZ_SLEEP_MAX_US;
		break;
	case SYS_nanosleep: fz_guard_sleep(arg); break;
	case SYS_waitpid:
		if (!(sc->arg2 & ~(uint64_t)WAIT_ALL_OPTIONS))
			sc->arg2 |= WNOHANG;            /* never wait */
		break;
	case SYS_openat: fz_guard_open(sc); break;
	case SYS_fcntl:
		if (sc->arg1 == 4 /* F_SETFL */)
			sc->arg2 |= O_NONBLOCK;         /* pipes never block us */
		break;
	case SYS_set_fsbase:
		if (sc->arg0 < USER_LIMIT)
			sc->arg0 = fz_fsbase;           /* %fs: canary and TLS */
		break;
	case SYS_futex:
		if (sc->arg1 == FUTEX_OP_WAIT || sc->arg1 == (FUTEX_OP_WAIT | FUTEX_OP_TIMED)) {
			sc->arg1 = FUTEX_OP_WAIT | FUTEX_OP_TIMED;      /* a shared word */
			sc->arg3 %= FZ_SLEEP_MAX_US * 1000;             /* may match */
		}
		break;
	case SYS_mmap: case SYS_munmap: case SYS_mprotect: case SYS_populate_va:
		fz_guard_mm(sc->num, arg);
		break;
	default: break;
	}
}

static void fz_fill(struct syscall *sc, uint32_t num, const uint64_t *args)
{
	memset(sc, 0, sizeof(*sc));
	sc->num = num;
	memcpy(&sc->arg0, args, SYSC_MAX_ARGS * sizeof(uint64_t));
}

static void fz_make(struct syscall *sc, uint64_t cookie)
{
	uint32_t num = fz_pick_num();
	const char *sig = num < SYS_MAX_NR ? fz_sigs[num] : NULL;
	uint64_t args[SYSC_MAX_ARGS + 1] = { 0 };
	int n = 0;

	fz_room = 0;
	if (sig) {
		for (int i = 0; sig[i] && n < SYSC_MAX_ARGS; i = n)
			n += fz_arg(sig[i], &args[n]);  /* a path also fills its 'L' */
	} else if (!(num < SYS_MAX_NR && fz_one_in(2))) {
		for (n = 0; n < SYSC_MAX_ARGS; n++)             /* unknown: anything */
			args[n] = fz_any();
	}
	fz_fill(sc, num, args);
	sc->u_data = cookie;
	sc->ev_q = fz_rand();        /* ignored without SC_UEVENT */
	memset(sc->errstr, 'Z', sizeof(sc->errstr));
	fz_guard(sc, sig);
}

/* ------------------------------------------------------- native running */

static void fz_print_rec(const char *what, uint64_t idx, const struct syscall *sc)
{
	dprintf(fz_out, "sysfuzz: %s call %lu: %s(%u) %#lx %#lx %#lx %#lx %#lx %#lx"
	        " -> flags %#x err %d retval %ld\n", what, idx, fz_sys_name(sc->num),
	        sc->num, sc->arg0, sc->arg1, sc->arg2, sc->arg3, sc->arg4, sc->arg5,
	        sc->flags, sc->err, sc->retval);
}

/* The trap alone, for a batch (parlib's own trap takes one record). */
static void fz_trap(struct syscall *scs, uint64_t count)
{
	__asm__ volatile("syscall" : : "D"(scs), "S"(count) : "rax", "rcx", "r11", "memory");
}

/* Waits a bounded time for sc; false if the kernel never finished it. */
static bool fz_wait(struct syscall *sc)
{
	for (uint32_t spins = 0; spins < FZ_SPIN_LIMIT; spins++) {
		uint32_t f = __atomic_load_n(&sc->flags, __ATOMIC_ACQUIRE);

		if ((f & SC_DONE) && !(f & SC_K_LOCK))
			return true;
		__asm__ volatile("pause");
		if (spins % 1024 == 1023)
			ros_yield(1);
	}
	return false;
}

static bool fz_intact(const struct syscall *a, const struct syscall *b)
{
	return a->num == b->num && a->u_data == b->u_data && a->ev_q == b->ev_q &&
	       a->arg0 == b->arg0 && a->arg1 == b->arg1 && a->arg2 == b->arg2 &&
	       a->arg3 == b->arg3 && a->arg4 == b->arg4 && a->arg5 == b->arg5;
}

static void fz_report(uint64_t idx, const struct syscall *sc, int g, const char *why)
{
	fz_fail(g, "call %lu: %s(%u) %#lx %#lx %#lx: %s", idx, fz_sys_name(sc->num),
	        sc->num, sc->arg0, sc->arg1, sc->arg2, why);
	if (fz_reports++ < FZ_REPORTS_MAX)
		fz_print_rec(why, idx, sc);
}

static void fz_count(uint32_t num, int err)
{
	if (num < SYS_MAX_NR)
		(err ? fz_err : fz_ok)[num]++;
	if (err > 0 && err <= FZ_ERRNO_MAX)
		fz_errnos[err]++;
}

/* Checks a record after its batch; false if it never finished. */
static bool fz_check(uint64_t idx, const struct syscall *sc, const struct syscall *sent)
{
	if (!fz_wait((struct syscall *)sc)) {
		fz_report(idx, sc, FZ_G_DONE, "not done (hung?)");
		return false;
	}
	if (sc->err < 0 || sc->err > FZ_ERRNO_MAX)
		fz_report(idx, sc, FZ_G_ERRNO, "implausible errno");
	if (sc->err && (sc->errstr[0] == 0 || strnlen(sc->errstr, SYSC_ERRSTR_LEN) ==
	                SYSC_ERRSTR_LEN))
		fz_report(idx, sc, FZ_G_ERRSTR, "errstr empty or not NUL-terminated");
	if (!fz_intact(sc, sent))
		fz_report(idx, sc, FZ_G_INTACT, "kernel changed num, u_data, ev_q or args");
	if (idx >= fz_verbose_from)
		dprintf(fz_out, "sysfuzz: done call %lu: err %d retval %ld %.*s\n", idx,
		        sc->err, sc->retval, sc->err ? SYSC_ERRSTR_LEN : 0, sc->errstr);
	fz_count(sc->num, sc->err);
	return true;
}

/* Undoes what would pile up: successful anonymous mappings. */
static void fz_tidy(uint32_t num, long ret, uint64_t len)
{
	if (num == SYS_mmap)
		fz_sys(SYS_munmap, ret, len);
}

/* One call through parlib's ros_syscall_raw: retval, or -err with errstr(). */
static void fz_raw_run(uint64_t idx, struct syscall *sc)
{
	long r;

	if (idx >= fz_verbose_from)
		fz_print_rec("run (parlib)", idx, sc);
	errstr_set("");
	r = ros_syscall_raw(sc->num, (long)sc->arg0, (long)sc->arg1, (long)sc->arg2,
	                    (long)sc->arg3, (long)sc->arg4, (long)sc->arg5);
	sc->err = r < 0 && r >= -FZ_ERRNO_MAX ? (int)-r : 0;
	sc->retval = r;
	if (r < 0 && r >= -4095 && (r < -FZ_ERRNO_MAX || !errstr()[0]))
		fz_report(idx, sc, FZ_G_ERRNO, "parlib: implausible -err or no errstr()");
	if (idx >= fz_verbose_from)
		dprintf(fz_out, "sysfuzz: done call %lu: %ld %s\n", idx, r, r < 0 ? errstr() : "");
	fz_count(sc->num, sc->err);
	if (r >= 0)
		fz_tidy(sc->num, r, sc->arg1);
}

/* ---------------------------------------------- hostile CPU state */

/*
 * One native batch in FZ_CPU_ONE_IN traps from a forked child with random
 * CPU state at the syscall instruction: RFLAGS bits set by popf, a selector
 * (loadable or not) in %ds, %es, %fs or %gs, a strange %rsp, or 32-bit
 * mode.  The child leaves by a raw proc_destroy (its %fs may be gone) and
 * must exit 0 or be killed; the kernel must simply live on.  The records'
 * results stay in the child: they are not checked or counted.
 */
#define FZ_CPU_ONE_IN 32

struct fz_cpu {
	uint64_t flags;         /* ORed into RFLAGS just before the trap */
	uint64_t rsp;           /* 0: keep; else the %rsp at the trap */
	uint32_t sel;           /* loaded into sreg */
	int sreg;               /* -1 none, 0 ds, 1 es, 2 fs, 3 gs */
	bool compat;            /* trap from the 32-bit code segment */
};

static const uint64_t fz_cpu_flag_bits[] = {
	1ul << 0, 1ul << 8 /* TF */, 1ul << 10 /* DF */, 3ul << 12 /* IOPL */,
	1ul << 14 /* NT */, 1ul << 16 /* RF */, 1ul << 18 /* AC */, 1ul << 21 /* ID */,
};
static const uint32_t fz_cpu_sels[] = {
	0, 3, 0x1b, 0x23, 0x2b, 0x0b, 0x10, 0x30, 0x44, 0xfff8,
};
static const uint64_t fz_cpu_rsps[] = {
	1, 0x1000, FZ_NONCAN, 0x8000000000000000ULL, FZ_KDMAP, FZ_KTEXT, FZ_NONCAN - 8,
};
static struct syscall fz_cpu_exit_rec;

static struct fz_cpu fz_cpu_pick(void)
{
	struct fz_cpu c = { .sreg = -1 };

	for (size_t i = 0; i < FZ_N(fz_cpu_flag_bits); i++)
		if (fz_one_in(3))
			c.flags |= fz_cpu_flag_bits[i];
	if (fz_one_in(2)) {
		c.sreg = (int)fz_below(4);
		c.sel = fz_cpu_sels[fz_below(FZ_N(fz_cpu_sels))];
	}
	if (fz_one_in(2))
		c.rsp = fz_cpu_rsps[fz_below(FZ_N(fz_cpu_rsps))];
	c.compat = fz_one_in(8);
	return c;
}

static void fz_cpu_load_sel(int sreg, uint32_t sel)
{
	if (sreg == 0)
		__asm__ volatile("mov %0, %%ds" : : "r"(sel));
	else if (sreg == 1)
		__asm__ volatile("mov %0, %%es" : : "r"(sel));
	else if (sreg == 2)
		__asm__ volatile("mov %0, %%fs" : : "r"(sel));
	else if (sreg == 3)
		__asm__ volatile("mov %0, %%gs" : : "r"(sel));
}

/* In the child: the state, the trap, then a raw exit(0) (no stack used). */
static void __attribute__((noreturn)) fz_cpu_trap(const struct fz_cpu *c, size_t n)
{
	uint64_t rsp = c->rsp;

	fz_cpu_exit_rec.num = SYS_proc_destroy;
	fz_cpu_load_sel(c->sreg, c->sel);
	if (c->compat)
		__asm__ volatile("pushq $0x1b\n\tleaq 1f(%%rip), %%rax\n\tpushq %%rax\n\t"
		                 "lretq\n.code32\n1:\tsyscall\n\tud2\n.code64"
		                 : : "D"(fz_batch), "S"(n) : "rax", "rcx", "r11", "memory");
	/* popf on our own stack; TF then traps one instruction later. */
	__asm__ volatile("pushfq\n\torq %[fl], (%%rsp)\n\tpopfq\n\ttestq %[sp], %[sp]\n\t"
	                 "jz 1f\n\tmovq %[sp], %%rsp\n1:\tsyscall\n\t"
	                 "movq %[ex], %%rdi\n\tmovl $1, %%esi\n\tsyscall\n\tud2"
	                 : : [fl] "r"(c->flags), [sp] "r"(rsp), [ex] "r"(&fz_cpu_exit_rec),
	                   "D"(fz_batch), "S"(n)
	                 : "rcx", "r11", "memory");
	__builtin_unreachable();
}

static void fz_cpu_batch(uint64_t idx, size_t n)
{
	struct fz_cpu c = fz_cpu_pick();
	int st = 0;
	pid_t pid;

	if (idx >= fz_verbose_from)
		dprintf(fz_out, "sysfuzz: cpu-state call %lu: %zu records, rflags |= %#lx, "
		        "sreg %d = %#x, rsp %#lx, compat %d\n", idx, n, c.flags, c.sreg, c.sel,
		        c.rsp, c.compat);
	pid = fork();
	if (pid == 0)
		fz_cpu_trap(&c, n);
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		fz_fail(FZ_G_CPU, "call %lu: fork or waitpid failed (errno %d)", idx, errno);
	else if (!(WIFSIGNALED(st) || (WIFEXITED(st) && WEXITSTATUS(st) == 0)))
		fz_fail(FZ_G_CPU, "call %lu: child ended with status %#x (rflags |= %#lx, sreg %d"
		        " = %#x, rsp %#lx, compat %d)", idx, st, c.flags, c.sreg, c.sel, c.rsp,
		        c.compat);
	else
		fz_cpu_children++;
}

/* Runs one native batch of n calls, numbered from idx; false to stop. */
static bool fz_batch_run(uint64_t idx, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fz_make(&fz_batch[i], 0xc0ffee0000000000ULL + idx + i);
		fz_sent[i] = fz_batch[i];
	}
	if (n == 1 && fz_one_in(3)) {
		fz_raw_run(idx, &fz_batch[0]);
		return true;
	}
	if (fz_one_in(FZ_CPU_ONE_IN)) {
		fz_cpu_batch(idx, n);
		return true;
	}
	for (size_t i = 0; i < n && idx + i >= fz_verbose_from; i++)
		fz_print_rec("run", idx + i, &fz_batch[i]);
	fz_trap(fz_batch, n);
	for (size_t i = 0; i < n; i++) {
		if (!fz_check(idx + i, &fz_batch[i], &fz_sent[i]))
			return false;
		if (fz_batch[i].err == 0)
			fz_tidy(fz_batch[i].num, fz_batch[i].retval, fz_batch[i].arg1);
	}
	return true;
}

/* -------------------------------------------------------- Linux running */

static const char *fz_lx_lookup_sig(const char *name)
{
	for (size_t i = 0; i < FZ_N(fz_lx_sigs); i++)
		if (!strcmp(fz_lx_sigs[i].name, name))
			return fz_lx_sigs[i].sig;
	return NULL;
}

/* Fills fz_lx_sig_of: ENOSYS rows take anything, denied rows nothing. */
static void fz_lx_setup(void)
{
	for (size_t i = 0; i < FZ_LX_NROWS; i++) {
		const struct fz_lx_row *row = &fz_lx_rows[i];
		bool deny = false;

		for (size_t j = 0; j < FZ_N(fz_lx_deny); j++)
			deny |= !strcmp(fz_lx_deny[j], row->name);
		for (size_t j = 0; j < FZ_N(fz_lx_known_hangs) && !fz_lx_with_hangs; j++)
			deny |= !strcmp(fz_lx_known_hangs[j], row->name);
		if (row->kind == FZ_LX_ENOSYS)
			fz_lx_sig_of[i] = "xxxxxx";
		else if (!deny && !(fz_lx_sig_of[i] = fz_lx_lookup_sig(row->name)))
			fz_fail(FZ_G_LX_KINDS, "row %d (%s) has no argument kinds in fz_lx_sigs",
			        row->nr, row->name);
	}
}

static int fz_lx_row_of(long nr)
{
	for (size_t i = 0; i < FZ_LX_NROWS; i++)
		if (fz_lx_rows[i].nr == nr)
			return (int)i;
	return -1;
}

/* A row to call (its index), or -1 with *nr a number the table lacks. */
static int fz_lx_pick(long *nr)
{
	static const long odd[] = { -1, -100, 23, 440, 1000, 0x7fffffff, (long)-0x80000000L };
	int row;

	for (;;) {
		if (fz_one_in(8)) {
			*nr = fz_one_in(2) ? (long)fz_below(460) :
			      fz_one_in(2) ? odd[fz_below(FZ_N(odd))] : (long)fz_rand();
			if (fz_lx_row_of(*nr) < 0)
				return -1;
			continue;
		}
		row = (int)fz_below(FZ_LX_NROWS);
		if (fz_lx_sig_of[row]) {
			*nr = fz_lx_rows[row].nr;
			return row;
		}
	}
}

/* TIMER_ABSTIME: a time already past (3601 s would sleep an hour). */
static void fz_lx_past(struct ktimespec *ts)
{
	if (ts->tv_sec > 0)
		ts->tv_sec = 0;
}

/*
 * ftruncate only on files under /tmp: nothing outside /tmp may change (the
 * layer refuses read-only fds now, but an fd opened for writing elsewhere
 * would be truncated for real).
 */
static uint64_t fz_lx_tmp_fd(uint64_t fd)
{
	char path[64];
	long r = fz_sys(SYS_fd2path, fd, path, sizeof(path));

	return r >= 0 && !strncmp(path, "/tmp/", 5) ? fd : (uint64_t)-1;
}

/* Pipes never block the fuzzer: both ends O_NONBLOCK (the same bit in both ABIs). */
static void fz_lx_pipe_nonblock(const char *name, uint64_t a0, long r)
{
	const int *fds = (const int *)(uintptr_t)a0;

	if (r == 0 && !strcmp(name, "pipe"))
		for (int i = 0; i < 2; i++)
			fz_sys(SYS_fcntl, fds[i], 4 /* F_SETFL */, O_NONBLOCK);
}

static const struct ktimespec fz_zero_ts;     /* also a zero timeval */

/* The readiness calls: few entries (the scratch buffers hold them), and
 * never a wait: every timeout is zero (the fuzzer's timespecs may be long). */
static void fz_lx_guard_wait(const char *name, uint64_t *a)
{
	if (!strcmp(name, "poll")) {
		a[1] %= 8;
		a[2] = 0;
	} else if (!strcmp(name, "ppoll")) {
		a[1] %= 8;
		a[2] = (uint64_t)(uintptr_t)&fz_zero_ts;
	} else if (!strcmp(name, "select") || !strcmp(name, "pselect6")) {
		a[0] %= 64;
		a[4] = (uint64_t)(uintptr_t)&fz_zero_ts;
		if (name[0] == 'p')
			a[5] = 0;
	} else if (!strcmp(name, "epoll_wait") || !strcmp(name, "epoll_pwait")) {
		a[2] %= 8;
		a[3] = 0;
	} else if (!strcmp(name, "mq_timedsend") || !strcmp(name, "mq_timedreceive")) {
		a[4] = (uint64_t)(uintptr_t)&fz_zero_ts;        /* passed: never waits */
	} else if (!strcmp(name, "futex") && (a[1] & 0x7f) == 0 /* WAIT */) {
		a[3] = (uint64_t)(uintptr_t)&fz_zero_ts;        /* a shared word may match */
	}
}

/* The Linux calls' guards (see the file comment). */
static void fz_lx_guard(const char *name, uint64_t *a, const char *sig)
{
	for (int i = 0; i < SYSC_MAX_ARGS; i++)
		a[i] = fz_guard_image(a[i]);
	fz_guard_fds(a, sig);
	/* %fs is musl's thread pointer (and the TLS): a user address becomes
	 * the one musl set, as the native set_fsbase guard does (the image
	 * guard above would have moved musl's TLS block into scratch). */
	if (!strcmp(name, "arch_prctl") && a[0] == LXF_ARCH_SET_FS && a[1] < USER_LIMIT)
		a[1] = fz_fsbase;
	if (!strcmp(name, "open") && (a[1] & ~(uint64_t)LXF_O_QUIET) && a[0])
		a[0] = fz_lx_path(true);
	else if (!strcmp(name, "openat") && (a[2] & ~(uint64_t)LXF_O_QUIET) && a[1])
		a[1] = fz_lx_path(true);
	else if (!strcmp(name, "mmap"))
		fz_guard_mm(SYS_mmap, a);
	else if (!strcmp(name, "munmap"))
		fz_guard_mm(SYS_munmap, a);
	else if (!strcmp(name, "mprotect"))
		fz_guard_mm(SYS_mprotect, a);
	else if (!strncmp(name, "mlock", 5) || !strcmp(name, "munlock"))
		a[1] %= FZ_POPULATE_MAX;                /* they populate: bounded work */
	else if (!strcmp(name, "wait4") && !(a[2] & ~(uint64_t)WAIT_ALL_OPTIONS))
		a[2] |= WNOHANG;
	else if (!strcmp(name, "waitid"))
		a[3] |= WNOHANG;                        /* never wait */
	else if (!strcmp(name, "ftruncate"))
		a[0] = fz_lx_tmp_fd(a[0]);
	else if (!strcmp(name, "pipe2"))
		a[1] |= O_NONBLOCK;
	else if (!strcmp(name, "fcntl") && a[1] == 4 /* F_SETFL */)
		a[2] |= O_NONBLOCK;
	else if (!strcmp(name, "clock_nanosleep") && (a[1] & 1) && a[2])
		fz_lx_past((struct ktimespec *)(uintptr_t)a[2]);
	else if (!strcmp(name, "rt_sigaction") && a[1])
		*(uint64_t *)(uintptr_t)a[1] = fz_below(2);     /* SIG_DFL or SIG_IGN */
	else
		fz_lx_guard_wait(name, a);
}

/* Whether the layer's ENOSYS message names Linux call nr. */
static bool fz_lx_names(const char *msg, long nr)
{
	char want[48];

	snprintf(want, sizeof(want), "Linux syscall %lu", (unsigned long)nr);
	return !strncmp(msg, want, strlen(want)) &&
	       (msg[strlen(want)] == ' ' || msg[strlen(want)] == '\0');
}

/* Checks one Linux result against the invariants. */
static void fz_lx_check(uint64_t idx, long nr, int row, const uint64_t *a, long r, int e)
{
	const char *name = row < 0 ? "(none)" : fz_lx_rows[row].name;
	bool nosys = row < 0 || fz_lx_rows[row].kind == FZ_LX_ENOSYS;

	if (idx >= fz_verbose_from)
		dprintf(fz_out, "sysfuzz: done linux call %lu: %ld = %ld errno %d %s\n",
		        idx, nr, r, r == -1 ? e : 0, r == -1 ? errstr() : "");
	if (r < -1 || (r == -1 && (e < 1 || e > FZ_ERRNO_MAX)))
		fz_fail(FZ_G_LX_RESULT, "call %lu: linux %ld (%s) %#lx %#lx %#lx: "
		        "returned %ld, errno %d", idx, nr, name, a[0], a[1], a[2], r, e);
	else if (nosys && !(r == -1 && e == LXF_ENOSYS && fz_lx_names(errstr(), nr)))
		fz_fail(FZ_G_LX_ENOSYS, "call %lu: linux %ld (%s): returned %ld, errno %d, "
		        "errstr '%s'", idx, nr, name, r, e, errstr());
	if (row < 0)
		fz_lx_unknown++;
	else
		(r == -1 ? fz_lx_err : fz_lx_ok)[row]++;
	if (r == -1 && e > 0 && e <= FZ_ERRNO_MAX)
		fz_errnos[e]++;
	if (r >= 0 && !strcmp(name, "mmap"))
		fz_sys(SYS_munmap, r, a[1]);
}

/* Makes and runs Linux call number idx. */
static void fz_lx_one(uint64_t idx)
{
	uint64_t a[SYSC_MAX_ARGS + 2] = { 0 };
	long nr, r;
	int row = fz_lx_pick(&nr), e;
	const char *sig = row < 0 ? "xxxxxx" : fz_lx_sig_of[row];

	fz_room = 0;
	for (int i = 0, n = 0; sig[i] && n < SYSC_MAX_ARGS; i++)
		n += fz_lx_arg(sig[i], &a[n]);
	if (row >= 0 && fz_lx_rows[row].kind != FZ_LX_ENOSYS)
		fz_lx_guard(fz_lx_rows[row].name, a, sig);
	if (idx >= fz_verbose_from)
		dprintf(fz_out, "sysfuzz: run linux call %lu: %ld (%s) %#lx %#lx %#lx %#lx "
		        "%#lx %#lx\n", idx, nr, row < 0 ? "-" : fz_lx_rows[row].name, a[0],
		        a[1], a[2], a[3], a[4], a[5]);
	errno = 0;
	errstr_set("");
	r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	e = errno;
	fz_lx_check(idx, nr, row, a, r, e);
	if (row >= 0)
		fz_lx_pipe_nonblock(fz_lx_rows[row].name, a[0], r);
}

static void fz_reset_fds(void);

/* Runs 'calls' calls in steps (native batches or Linux calls); returns how many ran. */
static uint64_t fz_run(uint64_t calls, bool native, bool linux_too)
{
	uint64_t done = 0, steps = 0;

	while (done < calls) {
		size_t n = 1 + fz_below(FZ_BATCH_MAX);
		bool lx = linux_too && (!native || fz_one_in(2));

		if (n > calls - done)
			n = calls - done;
		if (lx) {
			for (size_t i = 0; i < n; i++)
				fz_lx_one(done + i);
		} else if (!fz_batch_run(done, n)) {
			return done;
		}
		done += n;
		if (++steps % FZ_CLEAN_EVERY == 0)
			fz_reset_fds();
	}
	return done;
}

/* Closes fds 0..last, except our output. */
static void fz_close_fds(int last)
{
	for (int fd = 0; fd <= last; fd++)
		if (fd != FZ_OUT_FD)
			fz_sys(SYS_close, fd);
}

/*
 * Closes everything in the fuzzed range and opens a few files at the
 * lowest fds, so that fd arguments often name something open.
 */
static void fz_reset_fds(void)
{
	static const struct { const char *path; uint64_t flags; } fix[] = {
		{ "/etc/motd", O_READ }, { "/dev/null", O_RDWR }, { "/dev/zero", O_READ },
		{ "/tmp/fz", O_RDWR | O_CREAT }, { "/", O_READ | O_DIRECTORY },
	};

	fz_close_fds(FZ_FD_MAX);
	for (size_t i = 0; i < FZ_N(fix); i++)
		fz_sys(SYS_openat, -100, fix[i].path, strlen(fix[i].path), fix[i].flags, 0644);
}

/* ------------------------------------------------- the file system check */

struct fz_snap {
	const char *path;
	size_t len;
	int64_t err;            /* stat's result: 0 or -errno */
	uint32_t type;          /* S_IFMT bits */
	int64_t size;           /* for regular files */
};

static struct fz_snap fz_snaps[FZ_SNAP_MAX];
static size_t fz_nsnaps;

static void fz_stat(struct fz_snap *s)
{
	static struct kstat st;

	memset(&st, 0, sizeof(st));
	s->err = fz_sys(SYS_lstat, s->path, s->len, &st);
	s->type = s->err ? 0 : st.st_mode & S_IFMT;
	s->size = s->err || s->type != S_IFREG ? 0 : st.st_size;
}

/* Every prefix the fuzzer may name that lies outside /tmp. */
static void fz_snap_outside(void)
{
	for (size_t i = 0; i < FZ_NPATHS; i++) {
		size_t sl = strlen(fz_paths[i].s);
		size_t max = fz_paths[i].tmp ? FZ_TMP_MINLEN - 1 : sl;

		for (size_t len = 1; len <= max && fz_nsnaps < FZ_SNAP_MAX; len++) {
			fz_snaps[fz_nsnaps].path = fz_paths[i].s;
			fz_snaps[fz_nsnaps].len = len;
			fz_stat(&fz_snaps[fz_nsnaps++]);
		}
	}
}

static void fz_check_outside(void)
{
	for (size_t i = 0; i < fz_nsnaps; i++) {
		struct fz_snap now = fz_snaps[i], *was = &fz_snaps[i];

		fz_stat(&now);
		if (now.err != was->err || now.type != was->type || now.size != was->size)
			fz_fail(FZ_G_OUTSIDE, "'%.*s': stat %ld type %#x size %ld, was %ld %#x %ld",
			        (int)was->len, was->path, now.err, now.type, now.size,
			        was->err, was->type, was->size);
	}
}

#define FZ_TREE_DEPTH  32       /* deeper than renames plausibly nest */
#define FZ_DIRBUF      4096     /* per pass; a fuller directory takes more passes */
#define FZ_RM_PASSES   4
#define FZ_STAT_NAME   41       /* 9P stat: size type dev qid[13] mode atime mtime length */

/* Reads directory path[0..len) into buf; returns the bytes or -errno. */
static int64_t fz_read_dir(const char *path, size_t len, uint8_t *buf)
{
	int64_t fd = fz_sys(SYS_openat, -100, path, len, O_READ | O_DIRECTORY | O_NOFOLLOW, 0);
	int64_t got = 0, r = 0;

	if (fd < 0)
		return fd;
	while (got < FZ_DIRBUF && (r = fz_sys(SYS_read, fd, buf + got, FZ_DIRBUF - got)) > 0)
		got += r;
	fz_sys(SYS_close, fd);
	return got ? got : r;
}

static bool fz_rm_tree(const char *path, size_t len, int depth, uint64_t *inos);

/* Removes each entry of the 9P stat entries in buf[0..n) under path. */
static bool fz_rm_entries(const char *path, size_t len, const uint8_t *buf, int64_t n,
                          int depth, uint64_t *inos)
{
	static char paths[FZ_TREE_DEPTH][512];
	char *sub;
	bool ok = true;

	if (depth < 0 || depth >= FZ_TREE_DEPTH || len >= sizeof(paths[0]))
		return false;
	sub = paths[depth];
	for (uint64_t off = 0; n > 0 && off + FZ_STAT_NAME + 2 <= (uint64_t)n;) {
		uint32_t size = buf[off] | (uint32_t)buf[off + 1] << 8;
		uint32_t nl = buf[off + FZ_STAT_NAME] | (uint32_t)buf[off + FZ_STAT_NAME + 1] << 8;

		if (nl == 0 || len + 1 + nl >= sizeof(paths[0]) ||
		    off + FZ_STAT_NAME + 2 + nl > (uint64_t)n)
			break;
		memcpy(sub, path, len);
		sub[len] = '/';
		memcpy(sub + len + 1, buf + off + FZ_STAT_NAME + 2, nl);
		ok &= fz_rm_tree(sub, len + 1 + nl, depth + 1, inos);
		off += 2 + size;
	}
	return ok;
}

/* The fuzzer's chmod calls may have taken a directory's permissions away:
 * give them back so that its entries can be listed and removed. */
static void fz_restore_dir_mode(const char *path, size_t len)
{
	char p[64];

	if (len >= sizeof(p))
		return;
	memcpy(p, path, len);
	p[len] = '\0';
	chmod(p, 0700);
}

/*
 * Removes path[0..len) (under /tmp) and, for a directory, what is in it:
 * names the fuzzer made through symlinks, renames and binds that its own
 * list does not spell.  Each name is unbound first: a bind made through
 * another bind is reachable only by walking the tree.  inos[0..depth) are
 * the directories above: meeting one again is a loop (false), as is a tree
 * deeper than FZ_TREE_DEPTH.
 */
static bool fz_rm_tree(const char *path, size_t len, int depth, uint64_t *inos)
{
	static uint8_t bufs[FZ_TREE_DEPTH][FZ_DIRBUF];
	static struct kstat st;
	bool ok = true;

	for (int k = 0; k < 8 && fz_sys(SYS_nunmount, 0, 0, path, len) == 0; k++)
		;
	if (fz_sys(SYS_lstat, path, len, &st) < 0 || (st.st_mode & S_IFMT) != S_IFDIR) {
		fz_sys(SYS_unlink, path, len);
		return true;
	}
	for (int i = 0; i < depth; i++)
		if (inos[i] == st.st_ino) {
			dprintf(fz_out, "sysfuzz: a loop: %.*s\n", (int)len, path);
			return false;
		}
	if (depth >= FZ_TREE_DEPTH) {
		dprintf(fz_out, "sysfuzz: too deep: %.*s\n", (int)len, path);
		return false;
	}
	inos[depth] = st.st_ino;
	fz_restore_dir_mode(path, len);
	for (int pass = 0; ok && pass < FZ_RM_PASSES; pass++) {
		int64_t n = fz_read_dir(path, len, bufs[depth]);

		ok = fz_rm_entries(path, len, bufs[depth], n, depth, inos);
		if (fz_sys(SYS_rmdir, path, len) != -ENOTEMPTY)
			break;
	}
	return ok;
}

/* Unbinds and removes every name under /tmp the fuzzer may have made. */
static void fz_clean_tmp(void)
{
	static uint64_t inos[FZ_TREE_DEPTH];

	for (size_t i = 0; i < FZ_NPATHS; i++)          /* binds: on any name it used */
		for (size_t len = FZ_TMP_MINLEN; fz_paths[i].tmp && len <= strlen(fz_paths[i].s);
		     len++)
			for (int k = 0; k < 4; k++)
				fz_sys(SYS_nunmount, 0, 0, fz_paths[i].s, len);
	for (size_t len = 24; len >= FZ_TMP_MINLEN; len--)      /* deepest first */
		for (size_t i = 0; i < FZ_NPATHS; i++) {
			if (!fz_paths[i].tmp || strlen(fz_paths[i].s) < len)
				continue;
			if (!fz_rm_tree(fz_paths[i].s, len, 0, inos))
				fz_fail(FZ_G_TMP, "'%.*s' holds a directory loop or is deeper "
				        "than %d levels", (int)len, fz_paths[i].s, FZ_TREE_DEPTH);
		}
}

static void fz_check_tmp_clean(void)
{
	static struct kstat st;

	for (size_t i = 0; i < FZ_NPATHS; i++) {
		size_t sl = strlen(fz_paths[i].s);

		for (size_t len = FZ_TMP_MINLEN; fz_paths[i].tmp && len <= sl; len++) {
			long r = fz_sys(SYS_lstat, fz_paths[i].s, len, &st), rm;

			if (r == -ENOENT)
				continue;
			rm = fz_sys((st.st_mode & S_IFMT) == S_IFDIR ? SYS_rmdir : SYS_unlink,
			            fz_paths[i].s, len);
			fz_fail(FZ_G_TMP, "'%.*s' is left (lstat %ld, mode %#x; removing: %s)",
			        (int)len, fz_paths[i].s, r, st.st_mode, rm ? errstr() : "worked");
		}
	}
}

/* ---------------------------------------------------------------- setup */

static long fz_map(uint64_t va, uint64_t len, int prot)
{
	return fz_sys(SYS_mmap, va, len, prot,
	              MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_POPULATE, -1, 0);
}

/*
 * Scratch (random bytes), aux (timespecs, iovecs), the edge pages (a path
 * at each page's end) and the arena (not populated: memory calls find
 * something to act on).
 */
static bool fz_setup_memory(void)
{
	uint8_t *scratch = (uint8_t *)(uintptr_t)FZ_SCRATCH_VA;

	if (fz_sys(SYS_mmap, FZ_ARENA_VA, FZ_ARENA_PAGES * FZ_PG, PROT_READ | PROT_WRITE,
	           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) < 0)
		return false;
	if (fz_map(FZ_SCRATCH_VA, FZ_SCRATCH_LEN, PROT_READ | PROT_WRITE) < 0 ||
	    fz_map(FZ_AUX_VA, FZ_AUX_LEN, PROT_READ | PROT_WRITE) < 0)
		return false;
	for (uint64_t i = 0; i < FZ_SCRATCH_LEN; i++)
		scratch[i] = (uint8_t)fz_rand();
	for (size_t i = 0; i < FZ_NPATHS; i++) {
		uint64_t page = FZ_EDGE_VA + i * 2 * FZ_PG;

		if (fz_map(page, FZ_PG, PROT_READ | PROT_WRITE) < 0)
			return false;
		memcpy((void *)(uintptr_t)fz_edge_ptr(i), fz_paths[i].s, strlen(fz_paths[i].s));
		if (fz_sys(SYS_mprotect, page, FZ_PG, PROT_READ) < 0)
			return false;
	}
	memcpy(fz_long_path, "/tmp/", 5);
	memset(fz_long_path + 5, 'a', sizeof(fz_long_path) - 6);
	return true;
}

/* The image and its writable part, from our own program headers. */
static bool fz_setup_image(void)
{
	extern const Elf64_Ehdr __ehdr_start;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)((const char *)&__ehdr_start +
	                                            __ehdr_start.e_phoff);

	fz_img_lo = ~0ULL;
	for (int i = 0; i < __ehdr_start.e_phnum; i++) {
		uint64_t lo = ph[i].p_vaddr & ~(FZ_PG - 1);
		uint64_t hi = (ph[i].p_vaddr + ph[i].p_memsz + FZ_PG - 1) & ~(FZ_PG - 1);

		if (ph[i].p_type != PT_LOAD)
			continue;
		fz_img_lo = lo < fz_img_lo ? lo : fz_img_lo;
		fz_img_hi = hi > fz_img_hi ? hi : fz_img_hi;
		if (ph[i].p_flags & PF_W) {
			fz_rw_lo = lo;
			fz_rw_hi = hi;
		}
	}
	return fz_rw_hi && fz_img_lo < fz_img_hi;
}

/* Moves our output to FZ_OUT_FD, closes 0..2 (stdin reads would block). */
static bool fz_setup_fds(void)
{
	if (fz_sys(SYS_fcntl, 1, 0 /* F_DUPFD */, FZ_OUT_FD) != FZ_OUT_FD)
		return false;
	fz_out = FZ_OUT_FD;
	for (int i = 0; i < 3; i++)
		fz_sys(SYS_close, i);
	return syscall(158, LXF_ARCH_GET_FS, &fz_fsbase) == 0 && fz_fsbase;
}

/* ----------------------------------------------------- the large mapping */

static uint64_t fz_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* mmap + mprotect + munmap of len bytes (with one page touched): microseconds. */
static int64_t fz_bigmap_us(uint64_t len)
{
	uint64_t t0 = fz_now_us();
	long a = fz_sys(SYS_mmap, 0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	                -1, 0);

	if (a < 0) {
		fz_fail(FZ_G_BIGMAP, "mmap of %#lx bytes: %s", len, errstr());
		return -1;
	}
	*(volatile uint8_t *)(uintptr_t)(a + len / 2) = 1;
	if (fz_sys(SYS_mprotect, a, len, PROT_READ) < 0 || fz_sys(SYS_munmap, a, len) < 0) {
		fz_fail(FZ_G_BIGMAP, "mprotect/munmap of %#lx bytes: %s", len, errstr());
		return -1;
	}
	return (int64_t)(fz_now_us() - t0);
}

/*
 * Times the path the old FZ_MAP_MAX cap avoided: 1 GiB, 1 TiB and 64 TiB
 * regions, each mapped, touched once, protected and unmapped.
 */
static void fz_bigmap(void)
{
	static const uint64_t lens[] = { 1ULL << 30, 1ULL << 40, 1ULL << 46 };
	int64_t us[FZ_N(lens)], total = 0;

	for (size_t i = 0; i < FZ_N(lens); i++) {
		us[i] = fz_bigmap_us(lens[i]);
		total += us[i] > 0 ? us[i] : 0;
	}
	dprintf(fz_out, "sysfuzz: large mapping (mmap+touch+mprotect+munmap): 1 GiB %ld us, "
	        "1 TiB %ld us, 64 TiB %ld us\n", us[0], us[1], us[2]);
	if (total > FZ_BIGMAP_MS_MAX * 1000)
		fz_fail(FZ_G_BIGMAP, "took %ld ms in all (bound %d ms)", total / 1000,
		        FZ_BIGMAP_MS_MAX);
}

/* --------------------------------------------------------------- report */

/* Appends " name:ok/calls" to line; prints and empties it when full or last. */
static int fz_stat_add(char *line, int n, size_t size, const char *what, const char *name,
                       uint64_t ok, uint64_t calls, bool last)
{
	if (calls)
		n += snprintf(line + n, size - n, " %s:%lu/%lu", name, ok, calls);
	if (n > 300 || (last && n)) {
		dprintf(fz_out, "sysfuzz: %s ok/calls:%s\n", what, line);
		n = 0;
	}
	return n;
}

/* What the run reached: successes and failures per call, errnos seen. */
static void fz_print_stats(void)
{
	char line[400];
	int n = 0;

	for (uint32_t i = 0; i < SYS_MAX_NR; i++)
		n = fz_stat_add(line, n, sizeof(line), "native", fz_sys_name(i), fz_ok[i],
		                fz_names[i] ? fz_ok[i] + fz_err[i] : 0, i + 1 == SYS_MAX_NR);
	for (size_t i = 0; i < FZ_LX_NROWS; i++)
		n = fz_stat_add(line, n, sizeof(line), "linux", fz_lx_rows[i].name, fz_lx_ok[i],
		                fz_lx_ok[i] + fz_lx_err[i], i + 1 == FZ_LX_NROWS);
	dprintf(fz_out, "sysfuzz: linux numbers outside the table: %lu\n", fz_lx_unknown);
	dprintf(fz_out, "sysfuzz: batches trapped with hostile CPU state: %lu\n",
	        fz_cpu_children);
	for (int e = 1; e <= FZ_ERRNO_MAX && n < (int)sizeof(line) - 40; e++)
		if (fz_errnos[e])
			n += snprintf(line + n, sizeof(line) - n, " %d:%lu", e, fz_errnos[e]);
	dprintf(fz_out, "sysfuzz: errnos:%s\n", n ? line : "");
}

static int fz_print_results(uint64_t ran, uint64_t calls)
{
	int passed = 0, failed = 0;

	if (ran == calls) {
		dprintf(fz_out, "utest: PASS sysfuzz.survived_%lu_calls\n", ran);
		passed++;
	} else {
		dprintf(fz_out, "utest: FAIL sysfuzz.survived_%lu_calls: stopped after %lu\n",
		        calls, ran);
		failed++;
	}
	for (int g = 0; g < FZ_G_NR; g++) {
		if (fz_groups[g].bad) {
			dprintf(fz_out, "utest: FAIL sysfuzz.%s: %lu bad, first: %s\n",
			        fz_groups[g].name, fz_groups[g].bad, fz_groups[g].first);
			failed++;
		} else {
			dprintf(fz_out, "utest: PASS sysfuzz.%s\n", fz_groups[g].name);
			passed++;
		}
	}
	dprintf(fz_out, "utest: summary %d passed, %d failed\n", passed, failed);
	return failed;
}

int main(int argc, char **argv)
{
	uint64_t seed = FZ_SEED_DEFAULT, calls = FZ_CALLS_DEFAULT, ran;
	bool native = true, linux_too = true;
	int pos = 0;

	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "-v", 2))
			fz_verbose_from = strtoull(argv[i] + 2, NULL, 0);
		else if (!strcmp(argv[i], "-n"))
			linux_too = false;
		else if (!strcmp(argv[i], "-l"))
			native = false;
		else if (!strcmp(argv[i], "-k"))
			fz_lx_with_hangs = true;
		else if (pos++ == 0)
			seed = strtoull(argv[i], NULL, 0);
		else
			calls = strtoull(argv[i], NULL, 0);
	}
	fz_seed_state = seed ? seed : FZ_SEED_DEFAULT;
	if (!fz_setup_fds() || !fz_setup_image() || !fz_setup_memory()) {
		dprintf(fz_out, "utest: FAIL sysfuzz.setup: cannot set up fds, image or memory\n");
		dprintf(fz_out, "utest: summary 0 passed, 1 failed\n");
		return 1;
	}
	dprintf(fz_out, "utest: running sysfuzz: %d tests (seed %#lx, %lu calls, %zu linux "
	        "rows)\n", 1 + FZ_G_NR, seed, calls, FZ_LX_NROWS);
	fz_lx_setup();
	fz_bigmap();
	fz_clean_tmp();
	fz_snap_outside();
	fz_reset_fds();
	ran = fz_run(calls, native, linux_too || !native);
	fz_close_fds(FZ_FD_CLOSE_ALL);      /* dup2/F_DUPFD reach past FZ_FD_MAX */
	fz_check_outside();
	fz_clean_tmp();
	fz_check_tmp_clean();
	fz_print_stats();
	return fz_print_results(ran, calls);
}
