/* SPDX-License-Identifier: MIT */
/*
 * utest_syscalls.c - /test/utest_syscalls: the syscall ABI from user space.
 *
 * Every call this program can reach without another process, with good
 * and bad arguments: the trap itself (bad arrays, registers kept), unknown
 * numbers, the vcore calls an SCP may not make, batches where each entry reports its own result,
 * and the file calls on the initramfs (/etc/motd), the console devices
 * (/dev/null, /dev/zero, fd 1) and #tmpfs (/tmp).  Bad arguments are
 * unmapped, read-only, non-canonical and kernel pointers, paths that run
 * into an unmapped page or are too long, huge and wrapping lengths, bad
 * FDs, unknown flags.  Every failure must come with its own errno and a
 * non-empty errstr (UT_SYSC_ERR).  Where the ABI leaves two errnos open
 * (a huge length may be EFAULT or EINVAL) the test accepts both.
 *
 * Assumptions about the boot: fd 1 is open on the console, /etc/motd is a
 * small regular file, /dev has the #cons files, /tmp is #tmpfs, and the
 * page after the image (tiny_image_end) is unmapped; the tests that rely
 * on the last check it first.  Run all: /test/utest_syscalls; some:
 * /test/utest_syscalls null_succeeds batch_many.
 */
#include <ros/fcntl.h>
#include <ros/kstat.h>
#include <ros/mmap.h>
#include <ros/mmu64.h>
#include <ros/procinfo.h>
#include <tiny/print.h>
#include <tiny/start.h>
#include <tiny/string.h>
#include <tiny/syscall.h>
#include <tiny/utest.h>

#define MOTD        "/etc/motd"
#define TMP_FILE    "/tmp/utest_syscalls.tmp"
#define FILE_MAX    4096                    /* motd is smaller than this */
#define BAD_FD      200                     /* never opened by this program */

/* Addresses no user pointer may reach. */
#define KADDR_DMAP  ((uint64_t)KERN_DMAP_BASE)          /* the direct map */
#define KADDR_TEXT  ((uint64_t)KERN_LOAD_ADDR)          /* the kernel image */
#define NONCANON    ((uint64_t)USER_LIMIT)              /* first non-canonical */

static const char ro_text[32] = "read-only data, must not change";
static char big_buf[3 * 4096];
static struct syscall batch_buf[64];

/* ------------------------------------------------------------ helpers */

static int64_t path_call(struct syscall *sc, uint32_t num, const char *path, uint64_t a2,
                         uint64_t a3)
{
	return sysc(sc, num, UP(path), strlen(path), a2, a3);
}

static int64_t open_at(struct syscall *sc, const char *path, size_t len, int flags)
{
	return sysc(sc, SYS_openat, (uint64_t)TINY_AT_FDCWD, UP(path), len, (uint64_t)flags, 0644);
}

static int64_t open_path(struct syscall *sc, const char *path, int flags)
{
	return open_at(sc, path, strlen(path), flags);
}

static bool close_fd(int64_t fd)
{
	return tsys(SYS_close, (uint64_t)fd) == 0;
}

/* The page at tiny_image_end must be unmapped: a write from it fails EFAULT. */
static bool image_end_unmapped(void)
{
	struct syscall sc;

	sysc(&sc, SYS_write, 1, UP(tiny_image_end), 1);
	return sc.err == EFAULT;
}

/* Reads fd to its end into buf (cap bytes); the total, or -errno. */
static int64_t read_all(int64_t fd, char *buf, size_t cap)
{
	size_t done = 0;

	while (done < cap) {
		int64_t n = tsys(SYS_read, (uint64_t)fd, UP(buf + done), cap - done);

		if (n <= 0)
			return n < 0 ? n : (int64_t)done;
		done += (size_t)n;
	}
	return (int64_t)done;
}

/* The contents of motd into buf; its length, or -errno. */
static int64_t motd_contents(char *buf, size_t cap)
{
	struct syscall sc;
	int64_t fd = open_path(&sc, MOTD, O_READ), n;

	if (fd < 0)
		return fd;
	n = read_all(fd, buf, cap);
	close_fd(fd);
	return n;
}

/* ----------------------------------------------------------- the trap */

UTEST(null_succeeds)
{
	struct syscall sc;

	UT_ASSERT_EQ(sysc(&sc, SYS_null), 0);
	UT_SYSC_OK(&sc);
	UT_ASSERT_EQ(sc.retval, 0);
}

UTEST(record_results_overwritten)
{
	struct syscall sc;

	sysc_prep(&sc, SYS_null);
	sc.err = 12345;
	sc.retval = 777;
	sc.u_data = 0xfeedface;
	sysc_run(&sc, 1);
	UT_SYSC_OK(&sc);
	UT_ASSERT_EQ(sc.retval, 0);
	UT_ASSERT_EQ(sc.u_data, 0xfeedface);    /* the kernel never writes it */
	UT_ASSERT_EQ(sc.num, SYS_null);
}

UTEST(getpcoreid_in_range)
{
	struct syscall sc;
	int64_t id = sysc(&sc, SYS_getpcoreid);

	UT_SYSC_OK(&sc);
	UT_ASSERT_MSG(id >= 0 && id < ROS_MAX_PCORES, "pcoreid %ld", (long)id);
}

/* int $0x80 is the fallback trap: same registers, same records. */
UTEST(int80_fallback)
{
	struct syscall b[2];

	sysc_prep(&b[0], SYS_null);
	sysc_prep(&b[1], SYS_getpcoreid);
	__asm__ volatile("int $0x80" : : "D"(b), "S"(2ul) : "rax", "rcx", "r11", "memory");
	sysc_wait(&b[0]);
	sysc_wait(&b[1]);
	UT_SYSC_OK(&b[0]);
	UT_SYSC_OK(&b[1]);
	UT_ASSERT(b[1].retval >= 0);
}

UTEST(unknown_numbers_enosys)
{
	static const uint32_t nums[] = { 0, 9, 18, 99, 139, SYS_MAX_NR, 1023, 1024,
	                                 0x10000, 0xffffffffu };

	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		struct syscall sc;

		sysc(&sc, nums[i], 1, 2, 3, 4, 5, 6);
		UT_ASSERT_MSG(!utest_sysc_check(&sc, ENOSYS, ENOSYS), "number %u: %s", nums[i],
		              utest_sysc_check(&sc, ENOSYS, ENOSYS));
		UT_ASSERT_EQ(sc.retval, -1);
	}
}

/* The vcore calls an SCP may not make answer EINVAL, never ENOSYS. */
UTEST(vcore_calls_refused_for_an_scp)
{
	static const uint32_t nums[] = { SYS_vcore_request, SYS_halt_core, SYS_poke_ksched };

	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		struct syscall sc;

		sysc(&sc, nums[i], 0, 0);
		UT_ASSERT_MSG(!utest_sysc_check(&sc, EINVAL, EINVAL), "%s: %s",
		              utest_sysc_name(nums[i]), utest_sysc_check(&sc, EINVAL, EINVAL));
	}
}

/*
 * trap_regs(sc, out): loads a known value into every register the trap
 * must keep, traps with (sc, 1), and stores them in out[]: rbx rbp rdx rsi
 * rdi r8 r9 r10 r12 r13 r14 r15, then rsp after and rsp before the trap.
 */
void trap_regs(struct syscall *sc, uint64_t *out);
#define REG_PATTERN(i) (0x5eed000000000000ull + (i))
__asm__(".text\n"
	"trap_regs:\n"
	"	push %rbx\n	push %rbp\n	push %r12\n	push %r13\n	push %r14\n	push %r15\n"
	"	push %rsi\n"
	"	mov %rsp, 104(%rsi)\n"
	"	movabs $0x5eed000000000000, %rbx\n"
	"	movabs $0x5eed000000000001, %rbp\n"
	"	movabs $0x5eed000000000002, %rdx\n"
	"	mov $1, %esi\n"
	"	movabs $0x5eed000000000005, %r8\n"
	"	movabs $0x5eed000000000006, %r9\n"
	"	movabs $0x5eed000000000007, %r10\n"
	"	movabs $0x5eed000000000008, %r12\n"
	"	movabs $0x5eed000000000009, %r13\n"
	"	movabs $0x5eed00000000000a, %r14\n"
	"	movabs $0x5eed00000000000b, %r15\n"
	"	syscall\n"
	"	mov (%rsp), %rcx\n"
	"	mov %rbx, 0(%rcx)\n	mov %rbp, 8(%rcx)\n	mov %rdx, 16(%rcx)\n"
	"	mov %rsi, 24(%rcx)\n	mov %rdi, 32(%rcx)\n	mov %r8, 40(%rcx)\n"
	"	mov %r9, 48(%rcx)\n	mov %r10, 56(%rcx)\n	mov %r12, 64(%rcx)\n"
	"	mov %r13, 72(%rcx)\n	mov %r14, 80(%rcx)\n	mov %r15, 88(%rcx)\n"
	"	mov %rsp, 96(%rcx)\n"
	"	pop %rsi\n"
	"	pop %r15\n	pop %r14\n	pop %r13\n	pop %r12\n	pop %rbp\n	pop %rbx\n"
	"	ret\n");

UTEST(trap_keeps_registers)
{
	static const char *const names[] = { "rbx", "rbp", "rdx", "rsi", "rdi", "r8", "r9",
	                                     "r10", "r12", "r13", "r14", "r15" };
	struct syscall sc;
	uint64_t out[14];

	sysc_prep(&sc, SYS_null);
	trap_regs(&sc, out);
	sysc_wait(&sc);
	UT_SYSC_OK(&sc);
	for (int i = 0; i < 12; i++) {
		uint64_t want = REG_PATTERN(i);

		if (i == 3)
			want = 1;               /* rsi: the count */
		else if (i == 4)
			want = UP(&sc);         /* rdi: the array */
		UT_ASSERT_MSG(out[i] == want, "%s is %#lx after the trap, was %#lx", names[i],
		              (unsigned long)out[i], (unsigned long)want);
	}
	UT_ASSERT_MSG(out[12] == out[13], "rsp %#lx after the trap, was %#lx",
	              (unsigned long)out[12], (unsigned long)out[13]);
}

UTEST(trap_bad_arrays_survive)
{
	static const uint64_t bad[] = { 0, 8, KADDR_DMAP, KADDR_TEXT, NONCANON,
	                                0xfffffffffffff000ull, 0x7ffffffffff8ull };
	struct syscall sc;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sysc_trap((struct syscall *)(uintptr_t)bad[i], 1);
		sysc_trap((struct syscall *)(uintptr_t)bad[i], 3);
	}
	/* The process is alive and the kernel still answers. */
	UT_ASSERT_EQ(sysc(&sc, SYS_null), 0);
	UT_SYSC_OK(&sc);
}

UTEST(trap_count_zero_runs_nothing)
{
	struct syscall sc;

	sysc_prep(&sc, SYS_null);
	sc.retval = 42;
	sysc_trap(&sc, 0);
	UT_ASSERT_EQ(sc.flags, 0);
	UT_ASSERT_EQ(sc.retval, 42);
}

UTEST(trap_array_runs_into_unmapped_page)
{
	struct syscall *sc = (struct syscall *)(tiny_edge_page + TINY_EDGE_SIZE -
	                                         sizeof(struct syscall));

	UT_ASSERT_MSG(image_end_unmapped(), "the page at %p is mapped", tiny_image_end);
	sysc_prep(sc, SYS_getpcoreid);
	sysc_trap(sc, 2);               /* entry 1 lies in the unmapped page */
	sysc_wait(sc);
	UT_SYSC_OK(sc);
	UT_ASSERT(sc->retval >= 0);
}

/* ----------------------------------------------------------- batches */

UTEST(batch_each_reports_own_result)
{
	static const char missing[] = "/etc/no-such-file";
	static const char msg[] = "  (batch write to fd 1)\n";
	struct syscall *b = batch_buf;

	sysc_prep(&b[0], SYS_null);
	sysc_prep(&b[1], SYS_write, BAD_FD, UP(msg), sizeof(msg) - 1);
	sysc_prep(&b[2], SYS_getpcoreid);
	sysc_prep(&b[3], SYS_openat, (uint64_t)TINY_AT_FDCWD, UP(missing), sizeof(missing) - 1,
	          O_READ);
	sysc_prep(&b[4], 999);
	sysc_prep(&b[5], SYS_write, 1, UP(msg), sizeof(msg) - 1);
	sysc_prep(&b[6], SYS_close, BAD_FD);
	sysc_run(b, 7);
	UT_SYSC_OK(&b[0]);
	UT_SYSC_ERR(&b[1], EBADF);
	UT_SYSC_OK(&b[2]);
	UT_ASSERT(b[2].retval >= 0 && b[2].retval < ROS_MAX_PCORES);
	UT_SYSC_ERR(&b[3], ENOENT);
	UT_SYSC_ERR(&b[4], ENOSYS);
	UT_SYSC_OK(&b[5]);
	UT_ASSERT_EQ(b[5].retval, sizeof(msg) - 1);
	UT_SYSC_ERR(&b[6], EBADF);
	/* Each failure names its own problem. */
	UT_ASSERT(strcmp(b[1].errstr, b[3].errstr) != 0);
	UT_ASSERT(strcmp(b[3].errstr, b[4].errstr) != 0);
}

UTEST(batch_many)
{
	size_t n = sizeof(batch_buf) / sizeof(batch_buf[0]);

	for (size_t i = 0; i < n; i++)
		sysc_prep(&batch_buf[i], i % 2 ? SYS_getpcoreid : SYS_null);
	sysc_run(batch_buf, n);
	for (size_t i = 0; i < n; i++) {
		UT_SYSC_OK(&batch_buf[i]);
		if (i % 2 == 0)
			UT_ASSERT_EQ(batch_buf[i].retval, 0);
	}
}

UTEST(batch_ctx_call_only_last)
{
	struct syscall b[2];

	sysc_prep(&b[0], SYS_proc_yield, 1);
	sysc_prep(&b[1], SYS_null);
	sysc_run(b, 2);
	UT_SYSC_ERR(&b[0], EINVAL);
	UT_SYSC_OK(&b[1]);

	sysc_prep(&b[0], SYS_null);
	sysc_prep(&b[1], SYS_proc_yield, 1);
	sysc_run(b, 2);
	UT_SYSC_OK(&b[0]);
	UT_SYSC_OK(&b[1]);
}

/* ------------------------------------------- the record's own memory */

#define PG 4096

/* A page-aligned window of big_buf with two whole pages in it. */
static char *two_pages(void)
{
	return (char *)(((uintptr_t)big_buf + PG - 1) & ~(uintptr_t)(PG - 1));
}

/* A record that straddles a page boundary (the kernel copies its head in
 * word by word) completes like any other, success and failure. */
UTEST(record_across_a_page_boundary)
{
	/* Bytes of the record before the boundary (records are 8-aligned). */
	static const size_t before[] = { 8, 16, 24, 40, 88, 96, 208 };

	for (size_t i = 0; i < sizeof(before) / sizeof(before[0]); i++) {
		struct syscall *sc = (struct syscall *)(two_pages() + PG - before[i]);
		int64_t r = sysc(sc, SYS_getpcoreid);

		UT_SYSC_OK(sc);
		UT_ASSERT_EQ(r, sc->retval);
		UT_ASSERT(sc->retval >= 0 && sc->retval < ROS_MAX_PCORES);
		UT_ASSERT_EQ(sysc(sc, SYS_close, BAD_FD), -EBADF);
		UT_SYSC_ERR(sc, EBADF);
	}
}

/* A record that is not 8-aligned takes the dispatcher's general path
 * (the quick completion wants an aligned record): it completes all the
 * same, with SC_DONE, success and failure, while one 8-aligned beside it
 * in the same batch takes the quick path. */
UTEST(record_not_aligned)
{
	static const size_t offs[] = { 4, 12 };

	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		struct syscall *sc = (struct syscall *)(two_pages() + offs[i]);
		struct syscall *al = (struct syscall *)(two_pages() + PG);
		struct syscall *b[2] = { sc, al };

		sysc_prep(sc, SYS_getpcoreid);
		sysc_trap(sc, 1);
		sysc_wait(sc);
		UT_ASSERT(sc->flags & SC_DONE);
		UT_SYSC_OK(sc);
		UT_ASSERT(sc->retval >= 0 && sc->retval < ROS_MAX_PCORES);
		UT_ASSERT_EQ(sysc(sc, SYS_close, BAD_FD), -EBADF);
		UT_SYSC_ERR(sc, EBADF);
		for (int j = 0; j < 2; j++) {
			sysc_prep(b[j], SYS_null);
			b[j]->retval = 99;
			sysc_trap(b[j], 1);
			sysc_wait(b[j]);
			UT_SYSC_OK(b[j]);
			UT_ASSERT_EQ(b[j]->retval, 0);
		}
	}
}

/* Records on a page nobody touched yet (no MAP_POPULATE): the kernel's
 * first access faults the page in, and the batch completes. */
UTEST(records_on_an_untouched_page)
{
	int64_t a = tsys(SYS_mmap, 0, 2 * PG, PROT_READ | PROT_WRITE,
	                 MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0);
	struct syscall *b;

	UT_ASSERT_MSG(a > 0, "mmap: %lld", (long long)a);
	/* Zero pages: num 0 is refused (ENOSYS), and still completed. */
	b = (struct syscall *)(uintptr_t)a;
	sysc_trap(b, 2);
	sysc_wait(&b[1]);
	UT_SYSC_ERR(&b[0], ENOSYS);
	UT_SYSC_ERR(&b[1], ENOSYS);
	/* The second page, first touched by the kernel's copy of a record that
	 * starts on the first one. */
	b = (struct syscall *)((char *)(uintptr_t)a + PG - 16);
	b->num = SYS_null;
	b->retval = 5;
	sysc_trap(b, 1);
	sysc_wait(b);
	UT_SYSC_OK(b);
	UT_ASSERT_EQ(b->retval, 0);
	UT_ASSERT_EQ(tsys(SYS_munmap, (uint64_t)a, 2 * PG), 0);
}

/* The kernel writes the errstr only when a call fails, and then a
 * NUL-terminated message over whatever the record held. */
UTEST(errstr_only_on_failure)
{
	struct syscall sc;

	sysc_prep(&sc, SYS_null);
	memset(sc.errstr, 'x', sizeof(sc.errstr));
	sysc_run(&sc, 1);
	UT_SYSC_OK(&sc);
	UT_ASSERT_EQ(sc.errstr[0], 'x');
	UT_ASSERT_EQ(sc.errstr[sizeof(sc.errstr) - 1], 'x');

	sysc_prep(&sc, SYS_close, BAD_FD);
	memset(sc.errstr, 'x', sizeof(sc.errstr));
	sysc_run(&sc, 1);
	UT_SYSC_ERR(&sc, EBADF);
	UT_ASSERT(strlen(sc.errstr) > 0 && strlen(sc.errstr) < sizeof(sc.errstr));
	UT_ASSERT_MSG(strstr(sc.errstr, "close") != NULL, "errstr '%s'", sc.errstr);
}

/* Head in the last mapped page, errstr in the unmapped one: the call runs
 * and completes; a failure still delivers its err. */
UTEST(record_whose_errstr_is_unmapped)
{
	struct syscall *sc = (struct syscall *)(tiny_edge_page + TINY_EDGE_SIZE -
	                                         __builtin_offsetof(struct syscall, errstr));

	UT_ASSERT_MSG(image_end_unmapped(), "the page at %p is mapped", tiny_image_end);
	memset(sc, 0, __builtin_offsetof(struct syscall, errstr));
	sc->num = SYS_getpcoreid;
	sysc_trap(sc, 1);
	sysc_wait(sc);
	UT_ASSERT_EQ(sc->err, 0);
	UT_ASSERT(sc->retval >= 0 && sc->retval < ROS_MAX_PCORES);

	memset(sc, 0, __builtin_offsetof(struct syscall, errstr));
	sc->num = SYS_close;
	sc->arg0 = BAD_FD;
	sysc_trap(sc, 1);
	sysc_wait(sc);
	UT_ASSERT_EQ(sc->err, EBADF);
	UT_ASSERT_EQ(sc->retval, -1);
}

/* The last entry of a batch on a read-only page: the entries before it
 * complete, it gets no result, and the process goes on. */
UTEST(batch_last_entry_read_only)
{
	int64_t a = tsys(SYS_mmap, 0, 2 * PG, PROT_READ | PROT_WRITE,
	                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, (uint64_t)-1, 0);
	struct syscall *b, sc;

	UT_ASSERT_MSG(a > 0, "mmap: %lld", (long long)a);
	b = (struct syscall *)((char *)(uintptr_t)a + PG - sizeof(struct syscall));
	sysc_prep(&b[0], SYS_getpcoreid);
	sysc_prep(&b[1], SYS_null);
	b[1].retval = 42;
	UT_ASSERT_EQ(tsys(SYS_mprotect, (uint64_t)a + PG, PG, PROT_READ), 0);
	sysc_trap(b, 2);
	sysc_wait(&b[0]);
	UT_SYSC_OK(&b[0]);
	UT_ASSERT_EQ(b[1].flags, 0);
	UT_ASSERT_EQ(b[1].retval, 42);
	UT_ASSERT_EQ(sysc(&sc, SYS_null), 0);
	UT_ASSERT_EQ(tsys(SYS_munmap, (uint64_t)a, 2 * PG), 0);
}

/* A record whose num, err, retval and flags are readable and writable but
 * whose arguments lie on a page it may not read: skipped (it does not run
 * and gets no result), even for calls that read no argument (the kernel
 * copies in only the arguments a call declares, and still requires the
 * whole head to be readable). */
UTEST(record_head_not_all_readable_is_skipped)
{
	static const size_t before[] = { 24, 40 };
	static const uint32_t nums[] = { SYS_null, SYS_getpcoreid };
	int64_t a = tsys(SYS_mmap, 0, 2 * PG, PROT_READ | PROT_WRITE,
	                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, (uint64_t)-1, 0);
	struct syscall sc;

	UT_ASSERT_MSG(a > 0, "mmap: %lld", (long long)a);
	UT_ASSERT_EQ(tsys(SYS_mprotect, (uint64_t)a + PG, PG, PROT_NONE), 0);
	for (size_t i = 0; i < sizeof(before) / sizeof(before[0]); i++) {
		for (size_t j = 0; j < sizeof(nums) / sizeof(nums[0]); j++) {
			struct syscall *r = (struct syscall *)((char *)(uintptr_t)a + PG - before[i]);

			memset(r, 0, before[i]);
			r->num = nums[j];
			r->retval = 42;
			sysc_trap(r, 1);
			UT_ASSERT_EQ(r->flags, 0);
			UT_ASSERT_EQ(r->err, 0);
			UT_ASSERT_EQ(r->retval, 42);
		}
	}
	UT_ASSERT_EQ(sysc(&sc, SYS_null), 0);
	UT_ASSERT_EQ(tsys(SYS_munmap, (uint64_t)a, 2 * PG), 0);
}

/* A batch whose calls declare fewer arguments than the one before: each
 * reads its own (the kernel copies only the declared ones per record). */
UTEST(batch_calls_read_only_their_own_arguments)
{
	static const char msg[] = "  (batch: write, then close of a bad fd)\n";
	struct syscall *b = batch_buf;

	sysc_prep(&b[0], SYS_write, 1, UP(msg), sizeof(msg) - 1);
	sysc_prep(&b[1], SYS_close, BAD_FD);
	sysc_prep(&b[2], SYS_null);
	sysc_prep(&b[3], SYS_write, 1, UP(msg), 0);
	sysc_run(b, 4);
	UT_SYSC_OK(&b[0]);
	UT_ASSERT_EQ(b[0].retval, (int64_t)(sizeof(msg) - 1));
	UT_SYSC_ERR(&b[1], EBADF);
	UT_SYSC_OK(&b[2]);
	UT_ASSERT_EQ(b[2].retval, 0);
	UT_SYSC_OK(&b[3]);
	UT_ASSERT_EQ(b[3].retval, 0);
}

/* ------------------------------------------------------- file calls */

UTEST(write_stdout)
{
	static const char msg[] = "  (write to fd 1)\n";
	struct syscall sc;

	UT_ASSERT_EQ(sysc(&sc, SYS_write, 1, UP(msg), sizeof(msg) - 1), sizeof(msg) - 1);
	UT_SYSC_OK(&sc);
	UT_ASSERT_EQ(sysc(&sc, SYS_write, 1, UP(msg), 0), 0);
	UT_SYSC_OK(&sc);
}

UTEST(open_read_fstat_close_motd)
{
	static char buf[FILE_MAX];
	struct syscall sc;
	struct kstat st;
	int64_t fd = open_path(&sc, MOTD, O_READ), n;

	UT_SYSC_OK(&sc);
	UT_ASSERT(fd >= 0);
	sysc(&sc, SYS_fstat, (uint64_t)fd, UP(&st));
	UT_SYSC_OK(&sc);
	UT_ASSERT_EQ(st.st_mode & S_IFMT, S_IFREG);
	UT_ASSERT(st.st_size > 0 && st.st_size < FILE_MAX);
	n = read_all(fd, buf, sizeof(buf));
	UT_ASSERT_EQ(n, st.st_size);
	UT_ASSERT_EQ(sysc(&sc, SYS_read, (uint64_t)fd, UP(buf), sizeof(buf)), 0);   /* EOF */
	UT_SYSC_OK(&sc);
	UT_ASSERT_EQ(sysc(&sc, SYS_close, (uint64_t)fd), 0);
	UT_SYSC_OK(&sc);
	sysc(&sc, SYS_close, (uint64_t)fd);
	UT_SYSC_ERR(&sc, EBADF);
	sysc(&sc, SYS_read, (uint64_t)fd, UP(buf), 1);
	UT_SYSC_ERR(&sc, EBADF);
}

UTEST(pread_llseek_motd)
{
	static char all[FILE_MAX];
	char part[8];
	struct syscall sc;
	int64_t len = motd_contents(all, sizeof(all)), fd;

	UT_ASSERT_MSG(len > 6, "motd read gave %ld", (long)len);
	fd = open_path(&sc, MOTD, O_READ);
	UT_SYSC_OK(&sc);
	UT_ASSERT_EQ(sysc(&sc, SYS_pread, (uint64_t)fd, UP(part), 4, 1), 4);
	UT_ASSERT(memcmp(part, all + 1, 4) == 0);
	UT_ASSERT_EQ(sysc(&sc, SYS_llseek, (uint64_t)fd, 2, TINY_SEEK_SET), 2);
	UT_ASSERT_EQ(sysc(&sc, SYS_read, (uint64_t)fd, UP(part), 3), 3);
	UT_ASSERT(memcmp(part, all + 2, 3) == 0);
	UT_ASSERT_EQ(sysc(&sc, SYS_llseek, (uint64_t)fd, 0, TINY_SEEK_END), len);
	sysc(&sc, SYS_llseek, (uint64_t)fd, 0, 99);
	UT_SYSC_ERR(&sc, EINVAL);
	sysc(&sc, SYS_llseek, (uint64_t)fd, (uint64_t)-1, TINY_SEEK_SET);
	UT_SYSC_ERR(&sc, EINVAL);
	sysc(&sc, SYS_pread, (uint64_t)fd, UP(part), 1, (uint64_t)-5);
	UT_SYSC_ERR(&sc, EINVAL);
	UT_ASSERT(close_fd(fd));
}

UTEST(path_uses_length_not_nul)
{
	static const char longer[] = MOTD "XYZ";
	struct syscall sc;
	int64_t fd = open_at(&sc, longer, strlen(MOTD), O_READ);

	UT_SYSC_OK(&sc);
	UT_ASSERT(close_fd(fd));
	open_at(&sc, longer, sizeof(longer) - 1, O_READ);
	UT_SYSC_ERR(&sc, ENOENT);
}

UTEST(path_bad_contents)
{
	static const char with_nul[] = MOTD "\0x";
	static char too_long[SYSC_MAX_PATH_LEN + 2];
	struct syscall sc;

	open_at(&sc, MOTD, 0, O_READ);
	UT_SYSC_ERR2(&sc, ENOENT, EINVAL);
	open_at(&sc, with_nul, sizeof(with_nul) - 1, O_READ);
	UT_SYSC_ERR(&sc, EINVAL);
	memset(too_long, 'a', sizeof(too_long) - 1);
	too_long[0] = '/';
	open_at(&sc, too_long, SYSC_MAX_PATH_LEN + 1, O_READ);
	UT_SYSC_ERR(&sc, ENAMETOOLONG);
	open_at(&sc, too_long, 1ull << 40, O_READ);
	UT_SYSC_ERR(&sc, ENAMETOOLONG);
	open_at(&sc, too_long, (size_t)-1, O_READ);
	UT_SYSC_ERR(&sc, ENAMETOOLONG);
	/* One element longer than a name may be. */
	open_at(&sc, too_long, 300, O_READ);
	UT_SYSC_ERR(&sc, ENAMETOOLONG);
}

UTEST(path_bad_pointers)
{
	static const uint64_t bad[] = { 0, 4096, KADDR_DMAP, KADDR_TEXT, NONCANON,
	                                0xfffffffffffffff0ull };
	struct syscall sc;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		open_at(&sc, (const char *)(uintptr_t)bad[i], strlen(MOTD), O_READ);
		UT_ASSERT_MSG(!utest_sysc_check(&sc, EFAULT, EFAULT), "path at %#lx: %s",
		              (unsigned long)bad[i], utest_sysc_check(&sc, EFAULT, EFAULT));
	}
}

UTEST(path_runs_into_unmapped_page)
{
	size_t len = strlen(MOTD);
	char *fits = tiny_edge_page + TINY_EDGE_SIZE - len;
	char *straddles = tiny_edge_page + TINY_EDGE_SIZE - 5;
	struct syscall sc;

	UT_ASSERT_MSG(image_end_unmapped(), "the page at %p is mapped", tiny_image_end);
	memcpy(fits, MOTD, len);                /* ends on the last mapped byte */
	UT_ASSERT(close_fd(open_at(&sc, fits, len, O_READ)));
	UT_SYSC_OK(&sc);
	memcpy(straddles, MOTD, 5);             /* "/etc/" then the unmapped page */
	open_at(&sc, straddles, len, O_READ);
	UT_SYSC_ERR(&sc, EFAULT);
	open_at(&sc, tiny_image_end, len, O_READ);
	UT_SYSC_ERR(&sc, EFAULT);
}

UTEST(open_missing_and_not_dirs)
{
	struct syscall sc;

	open_path(&sc, "/etc/no-such-file", O_READ);
	UT_SYSC_ERR(&sc, ENOENT);
	open_path(&sc, "/no-such-dir/motd", O_READ);
	UT_SYSC_ERR(&sc, ENOENT);
	open_path(&sc, MOTD "/x", O_READ);
	UT_SYSC_ERR2(&sc, ENOTDIR, ENOENT);
	open_path(&sc, MOTD, O_READ | O_DIRECTORY);
	UT_SYSC_ERR(&sc, ENOTDIR);
}

UTEST(open_bad_flags)
{
	uint32_t unknown = 1;
	struct syscall sc;

	while (unknown & O_ALL_FLAGS)
		unknown <<= 1;
	open_path(&sc, MOTD, O_READ | (int)unknown);
	UT_SYSC_ERR(&sc, EINVAL);
	open_path(&sc, MOTD, (int)0x80000000u | O_READ);
	UT_SYSC_ERR(&sc, EINVAL);
}

UTEST(bad_fds)
{
	static const int64_t fds[] = { -1, -100, BAD_FD, 1 << 20, 0x7fffffff, -0x7fffffff - 1 };
	struct kstat st;
	char buf[4];

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		struct syscall b[6];
		uint64_t fd = (uint64_t)fds[i];

		sysc_prep(&b[0], SYS_read, fd, UP(buf), sizeof(buf));
		sysc_prep(&b[1], SYS_write, fd, UP(buf), sizeof(buf));
		sysc_prep(&b[2], SYS_pread, fd, UP(buf), sizeof(buf), 0);
		sysc_prep(&b[3], SYS_llseek, fd, 0, TINY_SEEK_SET);
		sysc_prep(&b[4], SYS_fstat, fd, UP(&st));
		sysc_prep(&b[5], SYS_close, fd);
		sysc_run(b, 6);
		for (int j = 0; j < 6; j++)
			UT_ASSERT_MSG(!utest_sysc_check(&b[j], EBADF, EBADF), "fd %ld: %s",
			              (long)fds[i], utest_sysc_check(&b[j], EBADF, EBADF));
	}
}

UTEST(access_mode_enforced)
{
	char buf[4];
	struct syscall sc;
	int64_t rfd = open_path(&sc, MOTD, O_READ), wfd;

	UT_SYSC_OK(&sc);
	wfd = open_path(&sc, "/dev/null", O_WRITE);
	UT_SYSC_OK(&sc);
	sysc(&sc, SYS_write, (uint64_t)rfd, UP("x"), 1);
	UT_SYSC_ERR(&sc, EBADF);
	sysc(&sc, SYS_read, (uint64_t)wfd, UP(buf), sizeof(buf));
	UT_SYSC_ERR(&sc, EBADF);
	UT_ASSERT(close_fd(rfd));
	UT_ASSERT(close_fd(wfd));
}

UTEST(dev_null_and_zero)
{
	char buf[64];
	struct syscall sc;
	int64_t nfd = open_path(&sc, "/dev/null", O_RDWR), zfd;

	UT_SYSC_OK(&sc);
	zfd = open_path(&sc, "/dev/zero", O_READ);
	UT_SYSC_OK(&sc);
	UT_ASSERT_EQ(sysc(&sc, SYS_write, (uint64_t)nfd, UP(big_buf), 100), 100);
	UT_ASSERT_EQ(sysc(&sc, SYS_read, (uint64_t)nfd, UP(buf), sizeof(buf)), 0);
	memset(buf, 0xaa, sizeof(buf));
	UT_ASSERT_EQ(sysc(&sc, SYS_read, (uint64_t)zfd, UP(buf), sizeof(buf)), sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		UT_ASSERT_MSG(buf[i] == 0, "byte %zu of /dev/zero is %#x", i, buf[i] & 0xff);
	UT_ASSERT(close_fd(nfd));
	UT_ASSERT(close_fd(zfd));
}

/* Reads /dev/zero into dst (len bytes): must fail with e1 or e2. */
static const char *zero_read_fails(int64_t zfd, uint64_t dst, uint64_t len, int e1, int e2)
{
	struct syscall sc;
	static char why[200];
	const char *w;

	sysc(&sc, SYS_read, (uint64_t)zfd, dst, len);
	w = utest_sysc_check(&sc, e1, e2);
	if (!w)
		return NULL;
	tiny_snprintf(why, sizeof(why), "read to %#lx, %#lx bytes: %s", (unsigned long)dst,
	              (unsigned long)len, w);
	return why;
}

UTEST(read_to_bad_buffers)
{
	static const uint64_t bad[] = { 0, KADDR_DMAP, KADDR_TEXT, NONCANON };
	struct syscall sc;
	int64_t zfd = open_path(&sc, "/dev/zero", O_READ);
	const char *w;

	UT_SYSC_OK(&sc);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		w = zero_read_fails(zfd, bad[i], 16, EFAULT, EFAULT);
		UT_ASSERT_MSG(!w, "%s", w);
	}
	/* Read-only memory of our own: text and rodata stay as they were. */
	w = zero_read_fails(zfd, UP(ro_text), 16, EFAULT, EFAULT);
	UT_ASSERT_MSG(!w, "%s", w);
	UT_ASSERT(strcmp(ro_text, "read-only data, must not change") == 0);
	w = zero_read_fails(zfd, UP(&trap_regs), 16, EFAULT, EFAULT);
	UT_ASSERT_MSG(!w, "%s", w);
	/* Ranges that wrap or leave user space. */
	w = zero_read_fails(zfd, USER_LIMIT - 4096, 8192, EFAULT, EINVAL);
	UT_ASSERT_MSG(!w, "%s", w);
	w = zero_read_fails(zfd, UP(big_buf), (uint64_t)-1, EFAULT, EINVAL);
	UT_ASSERT_MSG(!w, "%s", w);
	w = zero_read_fails(zfd, UP(big_buf), USER_LIMIT, EFAULT, EINVAL);
	UT_ASSERT_MSG(!w, "%s", w);
	UT_ASSERT(close_fd(zfd));
}

UTEST(write_from_bad_buffers)
{
	static const uint64_t bad[] = { 0, KADDR_DMAP, KADDR_TEXT, NONCANON };
	struct syscall sc;

	UT_ASSERT_MSG(image_end_unmapped(), "the page at %p is mapped", tiny_image_end);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sysc(&sc, SYS_write, 1, bad[i], 16);
		UT_ASSERT_MSG(!utest_sysc_check(&sc, EFAULT, EFAULT), "write from %#lx: %s",
		              (unsigned long)bad[i], utest_sysc_check(&sc, EFAULT, EFAULT));
	}
	sysc(&sc, SYS_write, 1, UP(big_buf), (uint64_t)-1);
	UT_SYSC_ERR2(&sc, EFAULT, EINVAL);
	sysc(&sc, SYS_write, 1, UP(big_buf), USER_LIMIT);
	UT_SYSC_ERR2(&sc, EFAULT, EINVAL);
}

UTEST(fstat_and_stat)
{
	struct kstat st, st2, dst;
	struct syscall sc;
	int64_t fd = open_path(&sc, MOTD, O_READ), dfd;

	UT_SYSC_OK(&sc);
	sysc(&sc, SYS_fstat, (uint64_t)fd, UP(&st));
	UT_SYSC_OK(&sc);
	path_call(&sc, SYS_stat, MOTD, UP(&st2), 0);
	UT_SYSC_OK(&sc);
	UT_ASSERT_EQ(st.st_ino, st2.st_ino);
	UT_ASSERT_EQ(st.st_dev, st2.st_dev);
	UT_ASSERT_EQ(st.st_size, st2.st_size);
	sysc(&sc, SYS_fstat, (uint64_t)fd, 0);
	UT_SYSC_ERR(&sc, EFAULT);
	sysc(&sc, SYS_fstat, (uint64_t)fd, KADDR_DMAP);
	UT_SYSC_ERR(&sc, EFAULT);
	sysc(&sc, SYS_fstat, (uint64_t)fd, UP(ro_text));
	UT_SYSC_ERR(&sc, EFAULT);
	UT_ASSERT(close_fd(fd));
	path_call(&sc, SYS_stat, "/etc/no-such-file", UP(&st2), 0);
	UT_SYSC_ERR(&sc, ENOENT);
	dfd = open_path(&sc, "/etc", O_READ);
	UT_SYSC_OK(&sc);
	sysc(&sc, SYS_fstat, (uint64_t)dfd, UP(&dst));
	UT_SYSC_OK(&sc);
	UT_ASSERT_EQ(dst.st_mode & S_IFMT, S_IFDIR);
	UT_ASSERT(close_fd(dfd));
}

UTEST(access_calls)
{
	struct syscall sc;

	UT_ASSERT_EQ(path_call(&sc, SYS_access, MOTD, R_OK, 0), 0);
	UT_SYSC_OK(&sc);
	path_call(&sc, SYS_access, "/etc/no-such-file", F_OK, 0);
	UT_SYSC_ERR(&sc, ENOENT);
	path_call(&sc, SYS_access, MOTD, 0x100, 0);
	UT_SYSC_ERR(&sc, EINVAL);
}

UTEST(fds_lowest_free_reused)
{
	struct syscall sc;
	int64_t a = open_path(&sc, MOTD, O_READ), b, c;

	UT_SYSC_OK(&sc);
	b = open_path(&sc, MOTD, O_READ);
	UT_SYSC_OK(&sc);
	UT_ASSERT(a != b);
	UT_ASSERT(close_fd(a));
	c = open_path(&sc, MOTD, O_READ);
	UT_SYSC_OK(&sc);
	UT_ASSERT_EQ(c, a);
	UT_ASSERT(close_fd(b));
	UT_ASSERT(close_fd(c));
}

UTEST(tmp_file_round_trip)
{
	static char back[sizeof(big_buf)];
	struct syscall sc;
	struct kstat st;
	int64_t fd;

	for (size_t i = 0; i < sizeof(big_buf); i++)
		big_buf[i] = (char)(i * 7 + 3);
	fd = open_path(&sc, TMP_FILE, O_RDWR | O_CREAT | O_EXCL);
	UT_SYSC_OK(&sc);
	UT_ASSERT_EQ(sysc(&sc, SYS_write, (uint64_t)fd, UP(big_buf), sizeof(big_buf)),
	             sizeof(big_buf));
	UT_ASSERT_EQ(sysc(&sc, SYS_pread, (uint64_t)fd, UP(back), sizeof(back), 0), sizeof(back));
	UT_ASSERT(memcmp(back, big_buf, sizeof(back)) == 0);
	sysc(&sc, SYS_fstat, (uint64_t)fd, UP(&st));
	UT_SYSC_OK(&sc);
	UT_ASSERT_EQ(st.st_size, sizeof(big_buf));
	UT_ASSERT(close_fd(fd));
	open_path(&sc, TMP_FILE, O_RDWR | O_CREAT | O_EXCL);
	UT_SYSC_ERR(&sc, EEXIST);
	UT_ASSERT_EQ(path_call(&sc, SYS_unlink, TMP_FILE, 0, 0), 0);
	UT_SYSC_OK(&sc);
	open_path(&sc, TMP_FILE, O_READ);
	UT_SYSC_ERR(&sc, ENOENT);
}

int main(int argc, char **argv, char **envp)
{
	(void)envp;
	return utest_main("syscalls", argc, argv);
}
