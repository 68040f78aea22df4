/* SPDX-License-Identifier: MIT */
/*
 * hostile_mem.c - memory attacks from user space
 * (Documentation/security.md, "Memory pressure").  Each attack runs in a
 * forked child; the kernel must never panic, the parent's ordinary calls
 * must work afterwards, and the kernel's allocator counts (#mem/free after
 * a "reclaim" written to #mem/ctl) must come back to where they were.
 *
 * Attacks: touching anonymous memory until the child is killed, then a
 * read() with a multi-page kernel buffer (it panicked in kmalloc); squeezing
 * memory with MAP_POPULATE, then ordinary calls in the squeezed child and
 * in the parent; exec of an ELF whose segment is 1 TiB, and one as large as
 * all of RAM (built in /tmp at run time); the anonymous exhaustion N times
 * in a row (N from the arguments after --, 20 by default), then a child
 * that allocates normally.  Run by scripts/run-ktests.sh on 128 MiB and on
 * 1 GiB (run_utest hostile_mem*).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <parlib/syscall.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utest/utest.h>

#define HM_PAGE   4096UL
#define HM_CHUNK  (16UL << 20)
#define HM_BUF    (64 * 1024)   /* read/write size: a multi-page kernel bounce */
#define HM_FILE   "/tmp/hm_file"
#define HM_ELF    "/tmp/hm_huge_elf"

struct hm_counts {
	long total, free, btag, slab_pages, slab, kobjs, kbytes;
	long reclaimed, oom_kills, waits, enomem;
};

static char hm_buf[HM_BUF], hm_back[HM_BUF];

static long hm_field(const char *text, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!strncmp(p, name, n) && p[n] == ' ')
			return atol(p + n + 1);
	UT_ASSERT_MSG(0, "#mem/free has no '%s'", name);
	return -1;
}

static void hm_reclaim(void)
{
	int fd = UT_SYS(open("#mem/ctl", O_WRONLY));

	UT_ASSERT_EQ(write(fd, "reclaim", 7), 7);
	UT_SYS(close(fd));
}

/* The allocator counts after a reclaim. */
static void hm_counts(struct hm_counts *c)
{
	static char text[1024];
	int fd;
	ssize_t n;

	hm_reclaim();
	fd = UT_SYS(open("#mem/free", O_RDONLY));
	n = UT_SYS(read(fd, text, sizeof(text) - 1));
	UT_SYS(close(fd));
	text[n] = 0;
	*c = (struct hm_counts){ .total = hm_field(text, "pages_total"),
		.free = hm_field(text, "pages_free"), .btag = hm_field(text, "pages_btag"),
		.slab_pages = hm_field(text, "pages_slab"),
		.slab = hm_field(text, "slab_objects"),
		.kobjs = hm_field(text, "kmalloc_objects"),
		.kbytes = hm_field(text, "kmalloc_bytes"),
		.reclaimed = hm_field(text, "reclaim_pages"),
		.oom_kills = hm_field(text, "oom_kills"), .waits = hm_field(text, "mem_waits"),
		.enomem = hm_field(text, "user_enomem") };
}

/* The kernel's own leak check (memory.md): boundary-tag pages only grow,
 * and pages in slabs hold the objects counted next (a partly used slab
 * left behind is fragmentation, not a leak): both count as free. */
static void hm_expect_back(const struct hm_counts *b)
{
	struct hm_counts a;

	hm_counts(&a);
	utest_note("reclaimed %ld pages, %ld OOM kills, %ld waits, %ld ENOMEM answers",
	           a.reclaimed - b->reclaimed, a.oom_kills - b->oom_kills,
	           a.waits - b->waits, a.enomem - b->enomem);
	UT_ASSERT_EQ(a.free + a.btag + a.slab_pages, b->free + b->btag + b->slab_pages);
	UT_ASSERT_EQ(a.slab, b->slab);
	UT_ASSERT_EQ(a.kobjs, b->kobjs);
	UT_ASSERT_EQ(a.kbytes, b->kbytes);
}

/* ------------------------------------------------------------ attacks --- */

static void hm_touch_until_killed(void)
{
	for (;;) {
		char *m = mmap(NULL, HM_CHUNK, PROT_READ | PROT_WRITE,
		               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (m == MAP_FAILED)
			_exit(3);
		for (size_t off = 0; off < HM_CHUNK; off += HM_PAGE)
			m[off] = 1;
	}
}

/* Maps with MAP_POPULATE, halving the size on ENOMEM, until one page fails. */
static void hm_squeeze(void)
{
	size_t len = 64UL << 20;

	while (len >= HM_PAGE) {
		void *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
		               MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

		if (m != MAP_FAILED)
			continue;
		if (errno != ENOMEM)
			_exit(4);
		len /= 2;
	}
}

/* 0 if r is a success, or a failure for lack of memory that says why. */
static int hm_ok_or_nomem(long r)
{
	if (r >= 0)
		return 0;
	return (errno == ENOMEM || errno == ENOSPC) && errstr()[0] ? 0 : -1;
}

/* Ordinary calls while memory is short: they work or fail cleanly. */
static int hm_calls_squeezed(void)
{
	int fd, p[2], bad = 0;

	bad |= getpid() <= 0;
	fd = open(HM_FILE, O_RDWR | O_CREAT | O_TRUNC, 0644);
	bad |= hm_ok_or_nomem(fd);
	if (fd >= 0) {
		bad |= hm_ok_or_nomem(write(fd, hm_buf, HM_BUF));
		bad |= hm_ok_or_nomem(pread(fd, hm_back, HM_BUF, 0));
		close(fd);
	}
	if (!hm_ok_or_nomem(pipe(p)) && p[0] >= 0) {
		bad |= hm_ok_or_nomem(write(p[1], "x", 1));
		close(p[0]);
		close(p[1]);
	}
	return bad;
}

/* Ordinary calls of a healthy process: all of them work. */
static void hm_calls_work(void)
{
	int fd = UT_SYS(open(HM_FILE, O_RDWR | O_CREAT | O_TRUNC, 0644)), p[2];
	char c = 0;

	memset(hm_buf, 'h', sizeof(hm_buf));
	UT_ASSERT_EQ(write(fd, hm_buf, HM_BUF), HM_BUF);
	UT_ASSERT_EQ(pread(fd, hm_back, HM_BUF, 0), HM_BUF);
	UT_ASSERT_MEMEQ(hm_buf, hm_back, HM_BUF);
	UT_SYS(close(fd));
	UT_SYS(unlink(HM_FILE));
	UT_SYS(pipe(p));
	UT_ASSERT_EQ(write(p[1], "y", 1), 1);
	UT_ASSERT_EQ(read(p[0], &c, 1), 1);
	UT_ASSERT_EQ(c, 'y');
	UT_SYS(close(p[0]));
	UT_SYS(close(p[1]));
}

static int hm_run_child(void (*fn)(void))
{
	int status = 0;
	pid_t pid = fork();

	UT_ASSERT_MSG(pid >= 0, "fork: %s", utest_errdesc(errno));
	if (pid == 0) {
		fn();
		_exit(0);
	}
	UT_ASSERT_EQ(waitpid(pid, &status, 0), pid);
	return status;
}

/* The child was killed (the fault it could not have), or ran out of
 * regions first (exit 3); anything else is wrong. */
static void hm_expect_exhausted(int status)
{
	UT_ASSERT_MSG(WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) == 3),
	              "exhausting child: status %#x", status);
}

/* --------------------------------------------------------------- tests --- */

UTEST(mem, anon_exhaustion_then_read)
{
	struct hm_counts before;

	hm_calls_work();
	hm_counts(&before);
	hm_expect_exhausted(hm_run_child(hm_touch_until_killed));
	hm_calls_work();
	hm_expect_back(&before);
}

static void hm_squeezed_child(void)
{
	hm_squeeze();
	_exit(hm_calls_squeezed() ? 5 : 0);
}

UTEST(mem, populate_squeeze_then_calls)
{
	struct hm_counts before;
	int st;

	hm_calls_work();
	hm_counts(&before);
	st = hm_run_child(hm_squeezed_child);
	UT_ASSERT_MSG((WIFEXITED(st) && WEXITSTATUS(st) == 0) || WIFSIGNALED(st),
	              "squeezed child: status %#x (4: mmap not ENOMEM, 5: a call "
	              "failed other than for memory)", st);
	hm_calls_work();
	hm_expect_back(&before);
}

/* The hog: squeezes memory, says so in a shared page (a syscall might
 * find no memory), then waits to be ended. */
static volatile int *hm_hog_ready;

static void hm_hog(void)
{
	hm_squeeze();
	*hm_hog_ready = 1;
	for (;;)
		pause();
}

#define HM_MAX_REGIONS (2 * 65536L)     /* more than an mm may have */

/* Regions cost kernel memory that only a plain MEM_WAIT allocation gets
 * (alternating protections keep them from merging): makes them until the
 * hog is reaped (0, status in *st) or no more are allowed (-1). */
static int hm_regions_until_reaped(pid_t hog, int *st)
{
	char *base = mmap(NULL, HM_MAX_REGIONS * HM_PAGE, PROT_READ,
	                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int reaped = -1;

	UT_ASSERT_MSG(base != MAP_FAILED, "mmap: %s", utest_errdesc(errno));
	for (long i = 0; i < HM_MAX_REGIONS && reaped; i += 2) {
		if (mprotect(base + i * HM_PAGE, HM_PAGE, PROT_NONE))
			break;
		if (i % 256 == 0 && waitpid(hog, st, WNOHANG) == hog)
			reaped = 0;
	}
	UT_SYS(munmap(base, HM_MAX_REGIONS * HM_PAGE));
	return reaped;
}

/* 0 once the hog is reaped (status in *st), or after about ms ms. */
static int hm_reap_within(pid_t hog, int *st, int ms)
{
	for (int i = 0; i < ms; i++) {
		if (waitpid(hog, st, WNOHANG) == hog)
			return 0;
		usleep(1000);
	}
	return -1;
}

UTEST(mem, oom_ends_the_largest_process)
{
	struct hm_counts before, after;
	int st = 0, reaped;
	pid_t hog;

	hm_calls_work();
	hm_counts(&before);
	hm_hog_ready = mmap(NULL, HM_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
	                    -1, 0);
	UT_ASSERT(hm_hog_ready != MAP_FAILED);
	*hm_hog_ready = 0;
	hog = fork();
	UT_ASSERT_MSG(hog >= 0, "fork: %s", utest_errdesc(errno));
	if (hog == 0)
		hm_hog();
	while (!*hm_hog_ready && waitpid(hog, &st, WNOHANG) == 0)
		sched_yield();
	reaped = *hm_hog_ready ? hm_regions_until_reaped(hog, &st) : 0;
	if (reaped && (reaped = hm_reap_within(hog, &st, 5000))) {
		kill(hog, SIGKILL);
		waitpid(hog, &st, 0);
	}
	UT_SYS(munmap((void *)hm_hog_ready, HM_PAGE));
	UT_ASSERT_MSG(!reaped && WIFSIGNALED(st), "the hog: status %#x, not killed", st);
	hm_calls_work();
	hm_counts(&after);
	UT_ASSERT_GE(after.oom_kills - before.oom_kills, 1);
	hm_expect_back(&before);
}

/* The hog asks for plain MEM_WAIT kernel memory itself, as many regions
 * as an mm may have: the OOM policy ends it while its own call waits, and
 * that call must still get out.  (Exit 7: a region was refused first.) */
static void hm_greedy_hog(void)
{
	char *base;

	hm_squeeze();
	base = mmap(NULL, HM_MAX_REGIONS * HM_PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
	            -1, 0);
	for (long i = 0; base != MAP_FAILED && i < HM_MAX_REGIONS; i += 2)
		if (mprotect(base + i * HM_PAGE, HM_PAGE, PROT_NONE))
			_exit(7);
	_exit(8);
}

UTEST(mem, oom_ends_a_process_waiting_in_the_kernel)
{
	struct hm_counts before;
	int st;

	hm_calls_work();
	hm_counts(&before);
	st = hm_run_child(hm_greedy_hog);
	UT_ASSERT_MSG(WIFSIGNALED(st), "the hog: status %#x, not killed", st);
	hm_calls_work();
	hm_expect_back(&before);
}

/* A static ELF with one loadable segment of memsz bytes. */
static void hm_write_elf(uint64_t memsz)
{
	struct {
		Elf64_Ehdr eh;
		Elf64_Phdr ph;
		uint8_t code[8];
	} img;
	int fd = UT_SYS(open(HM_ELF, O_WRONLY | O_CREAT | O_TRUNC, 0755));

	memset(&img, 0, sizeof(img));
	memcpy(img.eh.e_ident, ELFMAG, SELFMAG);
	img.eh.e_ident[EI_CLASS] = ELFCLASS64;
	img.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	img.eh.e_ident[EI_VERSION] = EV_CURRENT;
	img.eh.e_type = ET_EXEC;
	img.eh.e_machine = EM_X86_64;
	img.eh.e_version = EV_CURRENT;
	img.eh.e_entry = 0x400000 + offsetof(__typeof__(img), code);
	img.eh.e_phoff = sizeof(img.eh);
	img.eh.e_ehsize = sizeof(img.eh);
	img.eh.e_phentsize = sizeof(img.ph);
	img.eh.e_phnum = 1;
	img.ph = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
		.p_vaddr = 0x400000, .p_paddr = 0x400000, .p_filesz = sizeof(img),
		.p_memsz = memsz, .p_align = HM_PAGE };
	img.code[0] = 0x0f;     /* ud2: never reached */
	img.code[1] = 0x0b;
	UT_ASSERT_EQ(write(fd, &img, sizeof(img)), sizeof(img));
	UT_SYS(close(fd));
}

static void hm_exec_elf(void)
{
	char *argv[] = { HM_ELF, NULL }, *envp[] = { NULL };

	UT_ASSERT_ERRSTR(execve(HM_ELF, argv, envp), ENOMEM, "segment");
}

static void hm_exec_expect_enomem(uint64_t memsz)
{
	int st;

	hm_write_elf(memsz);
	st = hm_run_child(hm_exec_elf);
	hm_calls_work();
	UT_ASSERT_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	              "exec of a %llu-byte segment: child status %#x",
	              (unsigned long long)memsz, st);
}

UTEST(mem, exec_of_huge_segments_fails_cleanly)
{
	struct hm_counts before;

	hm_calls_work();
	hm_counts(&before);
	hm_exec_expect_enomem(1ULL << 40);
	hm_exec_expect_enomem((uint64_t)before.total * HM_PAGE - (1 << 20));
	UT_SYS(unlink(HM_ELF));
	hm_expect_back(&before);
}

static void hm_allocate_normally(void)
{
	size_t len = 8UL << 20;
	char *p = malloc(len);

	if (!p)
		_exit(6);
	memset(p, 'n', len);
	free(p);
	hm_calls_work();
}

UTEST(mem, exhaustion_in_a_loop)
{
	int n = 0, loops = 20;
	char **args = utest_args(&n);
	struct hm_counts before;
	struct timespec t0, t1;
	int st;

	if (n > 0)
		loops = atoi(args[0]);
	hm_calls_work();
	hm_counts(&before);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < loops; i++) {
		hm_expect_exhausted(hm_run_child(hm_touch_until_killed));
		hm_calls_work();
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	utest_note("%d exhaustions of %ld pages in %ld ms", loops, before.total,
	           (long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000));
	st = hm_run_child(hm_allocate_normally);
	UT_ASSERT_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	              "a normal child after the attacks: status %#x", st);
	hm_expect_back(&before);
}

int main(int argc, char **argv)
{
	return utest_main("hostile_mem", argc, argv);
}
