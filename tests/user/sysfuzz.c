/* SPDX-License-Identifier: MIT */
/*
 * sysfuzz.c - /bin/sysfuzz: a syscall fuzzer.  The kernel must survive
 * random calls with random and half-valid arguments, and every record
 * must come back well formed.
 *
 * Usage: /bin/sysfuzz [SEED [CALLS]] [-v[N]]  (defaults: a fixed seed and
 * 20000 calls; -vN prints each call from call N on, before its trap and
 * with its result after, to find the one that hangs or panics).  A
 * xorshift64 generator picks batches of 1..16 records: the numbers come
 * from the syscall list (SYS_FOREACH) minus fz_deny, plus unlisted ones;
 * each argument is drawn by its kind (fz_sigs: fd, buffer, length, path,
 * flags, offset, ...) from good values, edge values and bad ones (NULL,
 * unmapped, kernel and non-canonical addresses, huge lengths, lengths
 * that run past the end of a buffer, paths with wrong lengths), and one
 * argument in twelve is of a wrong kind.  A few files are reopened at the
 * lowest fds every FZ_CLEAN_EVERY batches, so fd arguments hit open files.
 *
 * After each batch: every record has SC_DONE (and SC_K_LOCK clear), err is
 * 0 or 1..FZ_ERRNO_MAX, a failure has a non-empty errstr NUL-terminated
 * within SYSC_ERRSTR_LEN, and num, u_data, ev_q and the arguments are as
 * sent.  At the end: no path outside /tmp that it could name appeared,
 * vanished or changed size, and everything it made under /tmp (walked,
 * unbound and removed) is gone.  It prints utest lines (one PASS/FAIL per
 * invariant group, then the summary) and per-call success counts on a
 * copy of fd 1 at FZ_OUT_FD, and returns the number of failed groups.
 *
 * To stay alive and bounded, the fuzzer keeps its own state out of reach
 * (fz_guard): it closes fds 0..2 (a read of the console's stdin would
 * block for ever), memory calls never touch its image, stack, scratch or
 * edge pages, no argument points into its writable image (records,
 * state), calls that create, remove or bind only name paths under /tmp,
 * sleeps are short, waitpid never waits, and mmap regions stay at most
 * FZ_MAP_MAX long.  Buffers the kernel may write are its scratch mapping
 * (an unmapped page follows) and the image's spare edge page.
 */
#include <stdarg.h>
#include <ros/fcntl.h>
#include <ros/kstat.h>
#include <ros/mmap.h>
#include <ros/mmu64.h>
#include <tiny/print.h>
#include <tiny/start.h>
#include <tiny/string.h>
#include <tiny/syscall.h>
#include <tiny/utest.h>

#define FZ_SEED_DEFAULT  0x9e3779b97f4a7c15ULL
#define FZ_CALLS_DEFAULT 20000
#define FZ_BATCH_MAX     16
#define FZ_OUT_FD        100                    /* our copy of fd 1 */
#define FZ_FD_MAX        40                     /* fds tried: -1..FZ_FD_MAX */
#define FZ_ERRNO_MAX     133
#define FZ_PG            4096ULL
#define FZ_SCRATCH_VA    0x00001f0000000000ULL  /* RW, the page after unmapped */
#define FZ_SCRATCH_LEN   (64 * 1024ULL)
#define FZ_EDGE_VA       0x00001f8000000000ULL  /* one R page per path, gaps between */
#define FZ_ARENA_VA      0x0000200000000000ULL  /* where memory calls play */
#define FZ_ARENA_PAGES   16384ULL               /* 64 MiB */
#define FZ_POPULATE_MAX  (1024 * 1024ULL)       /* populated bytes per call */
#define FZ_MAP_MAX       (1ULL << 30)           /* mmap: longest region (see fz_guard_mm) */
#define FZ_SLEEP_MAX_US  1000ULL                /* block/nanosleep: 1 ms at most */
#define FZ_SLEEP_LIMIT   (3600ULL * 1000000)    /* the kernel's limit (EINVAL above) */
#define FZ_STACK_GUARD   (32ULL * 1024 * 1024)  /* below USER_LIMIT: stack and more */
#define FZ_SPIN_LIMIT    (1u << 24)             /* a record not done by then hangs */
#define FZ_REPORTS_MAX   10                     /* bad records printed in detail */
#define FZ_CLEAN_EVERY   32                     /* batches between fd clean-ups */
#define FZ_SNAP_MAX      256
#define FZ_TMP_MINLEN    6                      /* "/tmp/f": shorter leaves /tmp */

#define FZ_KDMAP   0xffff800000000000ULL
#define FZ_KTEXT   0xffffffff80000000ULL
#define FZ_NONCAN  0x0000800000000000ULL

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

/* ------------------------------------------------------------ tables */

#define FZ_NUM(nr, name, nargs, reserved) nr,
static const uint32_t fz_listed[] = { SYS_FOREACH(FZ_NUM) };
#undef FZ_NUM

/*
 * Calls the fuzzer never makes, and why.  Everything else in the list is
 * fair game, with fz_guard() shaping the arguments that could end or
 * stall the fuzzer.
 */
static const uint32_t fz_deny[] = {
	SYS_proc_destroy,       /* pid 0 or ours ends the fuzzer */
	SYS_proc_yield,         /* context call: gives the core away mid-batch */
	SYS_fork,               /* context call: a second fuzzer, once it exists */
	SYS_exec,               /* context call: would replace the fuzzer */
	SYS_change_to_m,        /* context call: turns us into an MCP, once it exists */
	SYS_reboot,             /* would end the machine, once processes may */
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
};

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
#define FZ_NPATHS (sizeof(fz_paths) / sizeof(fz_paths[0]))

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

struct fz_group {
	const char *name;
	uint64_t bad;
	char first[200];        /* the first failure, for the FAIL line */
};

enum { FZ_G_DONE, FZ_G_ERRNO, FZ_G_ERRSTR, FZ_G_INTACT, FZ_G_OUTSIDE, FZ_G_TMP, FZ_G_NR };

static struct fz_group fz_groups[FZ_G_NR] = {
	[FZ_G_DONE] = { .name = "records_done" },
	[FZ_G_ERRNO] = { .name = "errno_plausible" },
	[FZ_G_ERRSTR] = { .name = "errstr_terminated" },
	[FZ_G_INTACT] = { .name = "records_intact" },
	[FZ_G_OUTSIDE] = { .name = "nothing_outside_tmp" },
	[FZ_G_TMP] = { .name = "tmp_cleaned" },
};
static uint64_t fz_reports;
static uint64_t fz_ok[SYS_MAX_NR], fz_err[SYS_MAX_NR], fz_errnos[FZ_ERRNO_MAX + 1];

static void fz_fail(int g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fz_fail(int g, const char *fmt, ...)
{
	struct fz_group *grp = &fz_groups[g];
	va_list ap;

	if (grp->bad++ == 0) {
		va_start(ap, fmt);
		tiny_vsnprintf(grp->first, sizeof(grp->first), fmt, ap);
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
		return (uint64_t)(uintptr_t)tiny_image_end;
	return bad[fz_below(sizeof(bad) / sizeof(bad[0]))];
}

static uint64_t fz_huge_len(void)
{
	static const uint64_t huge[] = {
		4097, 65536, 1ULL << 31, 1ULL << 32, 1ULL << 40, FZ_NONCAN, ~0ULL,
		~0ULL >> 1, 0x7fffffff,
	};

	return huge[fz_below(sizeof(huge) / sizeof(huge[0]))];
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

/* A path pointer and its length, right or wrong. */
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

static uint64_t fz_buf_ptr(void)
{
	uint64_t off;

	fz_room = 0;
	switch (fz_below(10)) {
	case 0: case 1: case 2:
		off = fz_below(FZ_SCRATCH_LEN);
		fz_room = FZ_SCRATCH_LEN - off;
		return FZ_SCRATCH_VA + off;
	case 3:
		fz_room = 1 + fz_below(256);
		return FZ_SCRATCH_VA + FZ_SCRATCH_LEN - fz_room;
	case 4:
		fz_room = 1 + fz_below(FZ_PG);
		return (uint64_t)(uintptr_t)tiny_image_end - fz_room;
	case 5:
		return fz_one_in(2) ? UP(fz_ro) : UP(&main);             /* read-only */
	case 6:
		return FZ_SCRATCH_VA + 1 + 2 * fz_below(64);             /* odd */
	default:
		return fz_bad_ptr();
	}
}

static uint64_t fz_len(void)
{
	static const uint64_t small[] = { 0, 1, 8, 16, 64, 128, 216, 512, 4096, 65536 };

	if (fz_room && fz_one_in(2))                    /* straddle the buffer's end */
		return fz_room + fz_below(64) - (fz_room > 16 ? 16 : 0);
	switch (fz_below(4)) {
	case 0: return fz_below(300);
	case 1: return small[fz_below(sizeof(small) / sizeof(small[0]))];
	case 2: return fz_huge_len();
	default: return fz_below(1 << 17);
	}
}

static uint64_t fz_fd(void)
{
	if (fz_one_in(16))
		return fz_one_in(2) ? (uint64_t)(int64_t)TINY_AT_FDCWD : fz_rand();
	if (fz_one_in(2))
		return fz_below(8);                     /* the fds most likely open */
	return (uint64_t)(int64_t)((int)fz_below(FZ_FD_MAX + 2) - 1);
}

static uint64_t fz_flags(void)
{
	uint64_t f = 0;

	if (fz_one_in(8))
		return fz_one_in(2) ? 0 : (uint32_t)fz_rand();
	for (size_t i = 0; i < sizeof(fz_flag_bits) / sizeof(fz_flag_bits[0]); i++)
		if (fz_one_in(4))
			f |= fz_flag_bits[i];
	return f;
}

/* Mostly sensible: an access mode plus a few of the open flags. */
static uint64_t fz_open_flags(void)
{
	static const uint64_t modes[] = { O_READ, O_READ, O_WRITE, O_RDWR, 0, O_EXEC };
	static const uint64_t extra[] = {
		O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY, O_CLOEXEC, O_NOFOLLOW,
		O_NONBLOCK, O_PATH, O_REMCLO,
	};
	uint64_t f;

	if (fz_one_in(8))
		return fz_flags();
	f = modes[fz_below(sizeof(modes) / sizeof(modes[0]))];
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		if (fz_one_in(6))
			f |= extra[i];
	return f;
}

static uint64_t fz_perm(void)
{
	static const uint64_t perms[] = { 0644, 0755, 0600, 0, 0777, 07777 };

	if (fz_one_in(8))
		return fz_one_in(2) ? 010000 : fz_rand();       /* EINVAL */
	return perms[fz_below(sizeof(perms) / sizeof(perms[0]))];
}

static uint64_t fz_int(void)
{
	static const int64_t ints[] = { -1, 0, 1, 2, 3, 1000, 0x7fffffff, -0x7fffffff - 1 };

	if (fz_one_in(2))
		return (uint64_t)ints[fz_below(sizeof(ints) / sizeof(ints[0]))];
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
	return (uint64_t)offs[fz_below(sizeof(offs) / sizeof(offs[0]))];
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

static uint64_t fz_fcntl_cmd(void)
{
	static const uint64_t cmds[] = {
		F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_DUPFD_CLOEXEC,
	};

	return fz_one_in(8) ? fz_int() : cmds[fz_below(sizeof(cmds) / sizeof(cmds[0]))];
}

/* One argument of kind k; paths fill two slots (returns how many it filled). */
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
	case 'd': a[0] = fz_one_in(2) ? (uint64_t)(int64_t)TINY_AT_FDCWD : fz_fd(); break;
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

/* ----------------------------------------------------------- the guards */

static bool fz_denied(uint32_t num)
{
	for (size_t i = 0; i < sizeof(fz_deny) / sizeof(fz_deny[0]); i++)
		if (fz_deny[i] == num)
			return true;
	return false;
}

static uint32_t fz_pick_num(void)
{
	static const uint32_t odd[] = { 0, 8, 9, 99, SYS_MAX_NR, 1023, 1024, 0xffffffffu };
	uint32_t num;

	do {
		if (fz_one_in(8))
			num = fz_one_in(2) ? (uint32_t)fz_below(SYS_MAX_NR + 16) :
			      fz_one_in(2) ? odd[fz_below(sizeof(odd) / sizeof(odd[0]))] :
			                     (uint32_t)fz_rand();
		else
			num = fz_listed[fz_below(sizeof(fz_listed) / sizeof(fz_listed[0]))];
	} while (fz_denied(num));
	return num;
}

/* Whether [a, a + len) (page-rounded as the kernel does) hits our own memory. */
static bool fz_mm_hits_us(uint64_t a, uint64_t len)
{
	uint64_t end = a + ((len + FZ_PG - 1) & ~(FZ_PG - 1));
	uint64_t image_end = (uint64_t)(uintptr_t)tiny_image_end + FZ_PG;
	uint64_t edge_end = FZ_EDGE_VA + 2 * FZ_PG * FZ_NPATHS;

	if (a >= FZ_NONCAN || end <= a)
		return false;                   /* the kernel refuses these */
	return (a < image_end && end > 0x400000) ||
	       (a < FZ_SCRATCH_VA + FZ_SCRATCH_LEN + FZ_PG && end > FZ_SCRATCH_VA) ||
	       (a < edge_end && end > FZ_EDGE_VA) ||
	       end > FZ_NONCAN - FZ_STACK_GUARD;
}

static void fz_guard_mm(struct syscall *sc)
{
	uint64_t len;

	if (sc->num == SYS_populate_va && sc->arg1 > FZ_POPULATE_MAX / FZ_PG &&
	    sc->arg1 <= FZ_NONCAN / FZ_PG)
		sc->arg1 %= FZ_POPULATE_MAX / FZ_PG;            /* bounded work */
	len = sc->num == SYS_populate_va ? sc->arg1 * FZ_PG : sc->arg1;
	if (sc->num == SYS_mmap) {
		if (fz_one_in(2)) {                             /* often valid */
			sc->arg2 &= PROT_ALL;
			sc->arg3 = (sc->arg3 & MAP_ALL_FLAGS) | MAP_ANONYMOUS;
		}
		if ((sc->arg3 & MAP_POPULATE) && sc->arg1 > FZ_POPULATE_MAX)
			sc->arg3 &= ~(uint64_t)MAP_POPULATE;
		/*
		 * munmap and mprotect walk a region page by page, populated or
		 * not (proc_mm.c: anon_unmap, anon_protect): tearing down a
		 * 1 TiB region takes seconds under TCG, a 64 TiB one minutes.
		 * Until that walk skips empty page tables, regions the kernel
		 * would accept stay at most FZ_MAP_MAX long, so a run stays
		 * bounded; lengths it refuses still pass.
		 */
		if (sc->arg1 > FZ_MAP_MAX && sc->arg1 <= FZ_NONCAN)
			sc->arg1 = FZ_MAP_MAX - (sc->arg1 & (FZ_MAP_MAX - 1));
		if (!(sc->arg3 & MAP_FIXED))
			return;                                 /* never replaces */
	}
	if (fz_mm_hits_us(sc->arg0, len)) {
		sc->arg0 = FZ_ARENA_VA + FZ_PG * fz_below(FZ_ARENA_PAGES);
		sc->arg1 = sc->num == SYS_populate_va ? 1 + fz_below(16) :
		           FZ_PG * (1 + fz_below(16));
	}
}

/*
 * Points nanosleep at a short (or invalid) request of ours, in bss where no
 * buffer the kernel writes can reach (one slot per record of a batch).
 */
static void fz_guard_sleep(struct syscall *sc)
{
	static struct ktimespec slots[FZ_BATCH_MAX];
	static unsigned next;
	struct ktimespec *ts = &slots[next++ % FZ_BATCH_MAX];
	uint64_t a = sc->arg0;

	if (a >= FZ_NONCAN || a < 0x400000)
		return;                                 /* unreadable: EFAULT */
	ts->tv_sec = 0;
	ts->tv_nsec = (int64_t)fz_below(FZ_SLEEP_MAX_US * 1000);
	if (fz_one_in(8))
		ts->tv_nsec = fz_one_in(2) ? -1 : 1000000000;
	if (fz_one_in(16))
		ts->tv_sec = fz_one_in(2) ? -1 : 3601;  /* EINVAL, no sleep */
	sc->arg0 = UP(ts);
}

/* openat with anything that writes, creates, truncates or removes: /tmp only. */
static void fz_guard_open(struct syscall *sc)
{
	const uint64_t quiet = O_READ | O_EXEC | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC |
	                       O_PATH | O_NONBLOCK | O_NOCTTY;

	if (sc->arg3 & ~quiet)
		fz_path_args(true, &sc->arg1, &sc->arg2);
}

/* The end of the read-only part of the image (user/tiny/user.ld). */
extern const char utests_end[];

/*
 * Any value (flags bits can look like one) that points into the writable
 * part of our image, below the edge page, moves to the scratch mapping: the
 * kernel would write our records and state there.
 */
static uint64_t fz_guard_image(uint64_t v)
{
	uint64_t data = (UP(utests_end) + FZ_PG - 1) & ~(FZ_PG - 1);

	if (v >= data && v < UP(tiny_edge_page))
		return FZ_SCRATCH_VA + (v & (FZ_PG - 1));
	return v;
}

/* Keeps the call from ending, stalling or blinding the fuzzer. */
static void fz_guard(struct syscall *sc, const char *sig)
{
	for (int i = 0; i < SYSC_MAX_ARGS; i++)
		(&sc->arg0)[i] = fz_guard_image((&sc->arg0)[i]);
	for (int i = 0; sig && sig[i]; i++)     /* letter i is argument i */
		if ((sig[i] == 'f' || sig[i] == 'd') && (int)(&sc->arg0)[i] == FZ_OUT_FD)
			(&sc->arg0)[i] = (uint64_t)-1;
	switch (sc->num) {
	case SYS_block:
		if (sc->arg0 <= FZ_SLEEP_LIMIT)
			sc->arg0 %= FZ_SLEEP_MAX_US;
		break;
	case SYS_nanosleep: fz_guard_sleep(sc); break;
	case SYS_waitpid:
		if (!(sc->arg2 & ~(uint64_t)WAIT_ALL_OPTIONS))
			sc->arg2 |= WNOHANG;            /* never wait */
		break;
	case SYS_openat: fz_guard_open(sc); break;
	case SYS_mmap: case SYS_munmap: case SYS_mprotect: case SYS_populate_va:
		fz_guard_mm(sc);
		break;
	default: break;
	}
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
	sysc_fill(sc, num, args);
	sc->u_data = cookie;
	sc->ev_q = fz_rand();                   /* ignored without SC_UEVENT */
	memset(sc->errstr, 'Z', sizeof(sc->errstr));
	fz_guard(sc, sig);
}

/* ------------------------------------------------------------- running */

static void fz_print_rec(const char *what, uint64_t idx, const struct syscall *sc)
{
	tiny_dprintf(fz_out, "sysfuzz: %s call %lu: %s(%u) %#lx %#lx %#lx %#lx %#lx %#lx"
	             " -> flags %#x err %d retval %ld\n", what, idx, utest_sysc_name(sc->num),
	             sc->num, sc->arg0, sc->arg1, sc->arg2, sc->arg3, sc->arg4, sc->arg5,
	             sc->flags, sc->err, sc->retval);
}

/* Waits a bounded time for sc; false if the kernel never finished it. */
static bool fz_wait(struct syscall *sc)
{
	struct syscall y;

	for (uint32_t spins = 0; spins < FZ_SPIN_LIMIT; spins++) {
		uint32_t f = __atomic_load_n(&sc->flags, __ATOMIC_ACQUIRE);

		if ((f & SC_DONE) && !(f & SC_K_LOCK))
			return true;
		__asm__ volatile("pause");
		if (spins % 1024 == 1023) {
			sysc_prep(&y, SYS_proc_yield, 1);
			sysc_trap(&y, 1);
		}
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
	fz_fail(g, "call %lu: %s(%u) %#lx %#lx %#lx: %s", idx, utest_sysc_name(sc->num),
	        sc->num, sc->arg0, sc->arg1, sc->arg2, why);
	if (fz_reports++ < FZ_REPORTS_MAX)
		fz_print_rec(why, idx, sc);
}

/* Checks record i (call number idx) after its batch; false if it never finished. */
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
		tiny_dprintf(fz_out, "sysfuzz: done call %lu: err %d retval %ld %.*s\n", idx,
		             sc->err, sc->retval, sc->err ? SYSC_ERRSTR_LEN : 0, sc->errstr);
	if (sc->num < SYS_MAX_NR)
		(sc->err ? fz_err : fz_ok)[sc->num]++;
	if (sc->err > 0 && sc->err <= FZ_ERRNO_MAX)
		fz_errnos[sc->err]++;
	return true;
}

/* Undoes what would pile up: successful anonymous mappings. */
static void fz_tidy(const struct syscall *sc)
{
	if (sc->num == SYS_mmap && sc->err == 0)
		tsys(SYS_munmap, (uint64_t)sc->retval, sc->arg1);
}

static void fz_close_fds(void)
{
	for (int fd = 0; fd <= FZ_FD_MAX; fd++)
		tsys(SYS_close, (uint64_t)fd);
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

	fz_close_fds();
	for (size_t i = 0; i < sizeof(fix) / sizeof(fix[0]); i++)
		tsys(SYS_openat, (uint64_t)(int64_t)TINY_AT_FDCWD, UP(fix[i].path),
		     strlen(fix[i].path), fix[i].flags, 0644);
}

/* Runs one batch of n calls, numbered from idx; false to stop the run. */
static bool fz_batch_run(uint64_t idx, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fz_make(&fz_batch[i], 0xc0ffee0000000000ULL + idx + i);
		fz_sent[i] = fz_batch[i];
		if (idx + i >= fz_verbose_from)
			fz_print_rec("run", idx + i, &fz_batch[i]);
	}
	sysc_trap(fz_batch, n);
	for (size_t i = 0; i < n; i++) {
		if (!fz_check(idx + i, &fz_batch[i], &fz_sent[i]))
			return false;
		fz_tidy(&fz_batch[i]);
	}
	return true;
}

/* Runs 'calls' calls; returns how many ran. */
static uint64_t fz_run(uint64_t calls)
{
	uint64_t done = 0, batches = 0;

	while (done < calls) {
		size_t n = 1 + fz_below(FZ_BATCH_MAX);

		if (n > calls - done)
			n = calls - done;
		if (!fz_batch_run(done, n))
			return done;
		done += n;
		if (++batches % FZ_CLEAN_EVERY == 0)
			fz_reset_fds();
	}
	return done;
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
	s->err = tsys(SYS_lstat, UP(s->path), s->len, UP(&st));
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
	int64_t fd = tsys(SYS_openat, (uint64_t)(int64_t)TINY_AT_FDCWD, UP(path), len,
	                  O_READ | O_DIRECTORY | O_NOFOLLOW, 0);
	int64_t got = 0, r = 0;

	if (fd < 0)
		return fd;
	while (got < FZ_DIRBUF &&
	       (r = tsys(SYS_read, (uint64_t)fd, UP(buf + got), FZ_DIRBUF - got)) > 0)
		got += r;
	tsys(SYS_close, (uint64_t)fd);
	return got ? got : r;
}

static bool fz_rm_tree(const char *path, size_t len, int depth, uint64_t *inos);

/* Removes each entry of the 9P stat entries in buf[0..n) under path. */
static bool fz_rm_entries(const char *path, size_t len, const uint8_t *buf, int64_t n,
                          int depth, uint64_t *inos)
{
	static char paths[FZ_TREE_DEPTH][512];
	char *sub = paths[depth];
	bool ok = true;

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

/*
 * Removes path[0..len) (under /tmp) and, for a directory, what is in it:
 * names the fuzzer made through symlinks, renames and binds that its own
 * list does not spell.  Each name is unbound first: a bind made through
 * another bind (onto /tmp/fz2/a, reached as /tmp/fzd/a) is reachable only
 * by walking the tree.  inos[0..depth) are the directories above: meeting
 * one again is a loop (false), as is a tree deeper than FZ_TREE_DEPTH.
 */
static bool fz_rm_tree(const char *path, size_t len, int depth, uint64_t *inos)
{
	static uint8_t bufs[FZ_TREE_DEPTH][FZ_DIRBUF];
	static struct kstat st;
	bool ok = true;

	for (int k = 0; k < 8 && tsys(SYS_nunmount, 0, 0, UP(path), len) == 0; k++)
		;
	if (tsys(SYS_lstat, UP(path), len, UP(&st)) < 0 || (st.st_mode & S_IFMT) != S_IFDIR) {
		tsys(SYS_unlink, UP(path), len);
		return true;
	}
	for (int i = 0; i < depth; i++)
		if (inos[i] == st.st_ino) {
			tiny_dprintf(fz_out, "sysfuzz: a loop: %.*s\n", (int)len, path);
			return false;
		}
	if (depth >= FZ_TREE_DEPTH) {
		tiny_dprintf(fz_out, "sysfuzz: too deep: %.*s\n", (int)len, path);
		return false;
	}
	inos[depth] = st.st_ino;
	for (int pass = 0; ok && pass < FZ_RM_PASSES; pass++) {
		int64_t n = fz_read_dir(path, len, bufs[depth]);

		ok = fz_rm_entries(path, len, bufs[depth], n, depth, inos);
		if (tsys(SYS_rmdir, UP(path), len) != -ENOTEMPTY)
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
				tsys(SYS_nunmount, 0, 0, UP(fz_paths[i].s), len);
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
			struct syscall sc;
			int64_t r = tsys(SYS_lstat, UP(fz_paths[i].s), len, UP(&st));

			if (r == -ENOENT)
				continue;
			sysc(&sc, (st.st_mode & S_IFMT) == S_IFDIR ? SYS_rmdir : SYS_unlink,
			     UP(fz_paths[i].s), len);
			fz_fail(FZ_G_TMP, "'%.*s' is left (lstat %ld, mode %#x; removing: %s)",
			        (int)len, fz_paths[i].s, r, st.st_mode,
			        sc.err ? sc.errstr : "worked");
		}
	}
}

/* ---------------------------------------------------------------- setup */

static int64_t fz_map(uint64_t va, uint64_t len, int prot)
{
	return tsys(SYS_mmap, va, len, (uint64_t)prot,
	            MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_POPULATE, (uint64_t)-1, 0);
}

/*
 * Scratch (random bytes), the edge pages (a path at each page's end) and
 * the arena (not populated: memory calls find something to act on).
 */
static bool fz_setup_memory(void)
{
	uint8_t *scratch = (uint8_t *)(uintptr_t)FZ_SCRATCH_VA;

	if (tsys(SYS_mmap, FZ_ARENA_VA, FZ_ARENA_PAGES * FZ_PG, PROT_READ | PROT_WRITE,
	         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, (uint64_t)-1, 0) < 0)
		return false;
	if (fz_map(FZ_SCRATCH_VA, FZ_SCRATCH_LEN, PROT_READ | PROT_WRITE) < 0)
		return false;
	for (uint64_t i = 0; i < FZ_SCRATCH_LEN; i++)
		scratch[i] = (uint8_t)fz_rand();
	for (size_t i = 0; i < FZ_NPATHS; i++) {
		uint64_t page = FZ_EDGE_VA + i * 2 * FZ_PG;

		if (fz_map(page, FZ_PG, PROT_READ | PROT_WRITE) < 0)
			return false;
		memcpy((void *)(uintptr_t)fz_edge_ptr(i), fz_paths[i].s, strlen(fz_paths[i].s));
		if (tsys(SYS_mprotect, page, FZ_PG, PROT_READ) < 0)
			return false;
	}
	return true;
}

/* Moves our output to FZ_OUT_FD and closes 0..2 (stdin reads would block). */
static bool fz_setup_fds(void)
{
	int64_t fd = tsys(SYS_fcntl, 1, F_DUPFD, FZ_OUT_FD);

	if (fd != FZ_OUT_FD)
		return false;
	fz_out = FZ_OUT_FD;
	for (int i = 0; i < 3; i++)
		tsys(SYS_close, (uint64_t)i);
	return true;
}

static uint64_t fz_parse_u64(const char *s)
{
	uint64_t v = 0;
	unsigned base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; *s; s++) {
		unsigned d = *s >= '0' && *s <= '9' ? (unsigned)(*s - '0') :
		             *s >= 'a' && *s <= 'f' ? (unsigned)(*s - 'a' + 10) :
		             *s >= 'A' && *s <= 'F' ? (unsigned)(*s - 'A' + 10) : 99;
		if (d >= base)
			break;
		v = v * base + d;
	}
	return v;
}

/* --------------------------------------------------------------- report */

/* What the run reached: successes and failures per call, errnos seen. */
static void fz_print_stats(void)
{
	char line[400];
	int n = 0;

	for (uint32_t i = 0; i < SYS_MAX_NR; i++) {
		if ((fz_ok[i] || fz_err[i]) && strcmp(utest_sysc_name(i), "?"))
			n += tiny_snprintf(line + n, sizeof(line) - n, " %s:%lu/%lu",
			                   utest_sysc_name(i), fz_ok[i], fz_ok[i] + fz_err[i]);
		if (n > 300 || (i + 1 == SYS_MAX_NR && n)) {
			tiny_dprintf(fz_out, "sysfuzz: ok/calls:%s\n", line);
			n = 0;
		}
	}
	for (int e = 1; e <= FZ_ERRNO_MAX && n < (int)sizeof(line) - 40; e++)
		if (fz_errnos[e])
			n += tiny_snprintf(line + n, sizeof(line) - n, " %d:%lu", e, fz_errnos[e]);
	tiny_dprintf(fz_out, "sysfuzz: errnos:%s\n", line);
}

static int fz_print_results(uint64_t ran, uint64_t calls)
{
	int passed = 0, failed = 0;

	if (ran == calls) {
		tiny_dprintf(fz_out, "utest: PASS sysfuzz.survived_%lu_calls\n", ran);
		passed++;
	} else {
		tiny_dprintf(fz_out, "utest: FAIL sysfuzz.survived_%lu_calls: stopped after %lu\n",
		             calls, ran);
		failed++;
	}
	for (int g = 0; g < FZ_G_NR; g++) {
		if (fz_groups[g].bad) {
			tiny_dprintf(fz_out, "utest: FAIL sysfuzz.%s: %lu bad, first: %s\n",
			             fz_groups[g].name, fz_groups[g].bad, fz_groups[g].first);
			failed++;
		} else {
			tiny_dprintf(fz_out, "utest: PASS sysfuzz.%s\n", fz_groups[g].name);
			passed++;
		}
	}
	tiny_dprintf(fz_out, "utest: summary %d passed, %d failed\n", passed, failed);
	return failed;
}

int main(int argc, char **argv, char **envp)
{
	uint64_t seed = FZ_SEED_DEFAULT, calls = FZ_CALLS_DEFAULT, ran;
	int pos = 0;

	(void)envp;
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "-v", 2))
			fz_verbose_from = fz_parse_u64(argv[i] + 2);
		else if (pos++ == 0)
			seed = fz_parse_u64(argv[i]);
		else
			calls = fz_parse_u64(argv[i]);
	}
	fz_seed_state = seed ? seed : FZ_SEED_DEFAULT;
	if (!fz_setup_fds() || !fz_setup_memory()) {
		tiny_dprintf(fz_out, "utest: FAIL sysfuzz.setup: cannot set up fds or memory\n");
		tiny_dprintf(fz_out, "utest: summary 0 passed, 1 failed\n");
		return 1;
	}
	tiny_dprintf(fz_out, "utest: running sysfuzz: %d tests (seed %#lx, %lu calls)\n",
	             1 + FZ_G_NR, seed, calls);
	fz_clean_tmp();
	fz_snap_outside();
	fz_reset_fds();
	ran = fz_run(calls);
	fz_close_fds();
	fz_check_outside();
	fz_clean_tmp();
	fz_check_tmp_clean();
	fz_print_stats();
	return fz_print_results(ran, calls);
}
