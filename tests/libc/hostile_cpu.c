/* SPDX-License-Identifier: MIT */
/*
 * hostile_cpu.c - /test/hostile_cpu: the hostile suite's CPU-state part.
 * Each test runs one attack at the syscall/trap boundary in a forked child:
 * odd RFLAGS bits, odd segment selectors, 32-bit (compatibility) mode,
 * strange stack pointers, a syscall whose return address is not canonical,
 * privileged and trapping instructions.  The child is killed, or exits with
 * the code its attack function returns; the parent checks the status it
 * expected and that the kernel still answers syscalls.  The first test
 * reads #mem/free, the last one reads it again (after a settle) and fails
 * if pages or kernel objects went missing.  Documentation/security.md
 * ("CPU state at the boundary") lists the classes and how to add one.
 *
 * Rules for attack functions: they run in the child only, return the exit
 * code (HC_OK when the syscall they made completed), and never return to
 * C code with a state the C ABI forbids (DF set, a moved stack).  The
 * child leaves through hc_exit(), a raw syscall that needs neither %fs
 * (TLS) nor the stack protector, because some attacks clobber %fs.
 * Run by scripts/run-ktests.sh on one core and on four (run_utest).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <parlib/syscall.h>
#include <utest/utest.h>

#define HC_OK        0          /* survived; the syscall completed */
#define HC_NOT_DONE  2          /* survived, but the record is not SC_DONE */
#define HC_SURVIVED  3          /* survived an instruction that must trap */
#define HC_NO_SETUP  77         /* the attack could not be set up: skip */
#define HC_WARMUP_CHILDREN 200

#define RF_TF   (1ul << 8)
#define RF_DF   (1ul << 10)
#define RF_IOPL (3ul << 12)
#define RF_NT   (1ul << 14)
#define RF_RF   (1ul << 16)
#define RF_AC   (1ul << 18)

enum hc_expect { HC_EXITS_OK, HC_KILLED, HC_EITHER };

/* Records the attacks hand to the kernel: globals, never on the stack,
 * because some attacks move the stack pointer away first. */
static struct syscall hc_rec;
static struct syscall hc_exit_rec;

static void hc_rec_null(void)
{
	memset(&hc_rec, 0, sizeof(hc_rec));
	hc_rec.num = SYS_null;
}

static int hc_rec_verdict(void)
{
	return (hc_rec.flags & SC_DONE) && hc_rec.err == 0 ? HC_OK : HC_NOT_DONE;
}

static void __attribute__((noreturn)) hc_exit(int code)
{
	hc_exit_rec.num = SYS_proc_destroy;
	hc_exit_rec.arg0 = 0;
	hc_exit_rec.arg1 = (uint64_t)code;
	__asm__ __volatile__("cld\n\tsyscall\n\tud2"
	                     : : "D"(&hc_exit_rec), "S"(1L) : "rcx", "r11", "memory");
	__builtin_unreachable();
}

/* ---------------------------------------------------------- the harness */

static const char *hc_status_text(int st)
{
	static char buf[64];

	if (WIFSIGNALED(st))
		snprintf(buf, sizeof(buf), "killed by signal %d", WTERMSIG(st));
	else
		snprintf(buf, sizeof(buf), "exit code %d", WEXITSTATUS(st));
	return buf;
}

/* Runs fn in a child and checks its end against what we expect. */
static void hc_run(int (*fn)(void), enum hc_expect want)
{
	int st = 0;
	pid_t pid = fork();

	UT_ASSERT_MSG(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0)
		hc_exit(fn());
	UT_ASSERT_EQ(waitpid(pid, &st, 0), pid);
	if (WIFEXITED(st) && WEXITSTATUS(st) == HC_NO_SETUP)
		utest_skip("the attack could not be set up");
	if (want == HC_EXITS_OK)
		UT_ASSERT_MSG(WIFEXITED(st) && WEXITSTATUS(st) == HC_OK,
		              "child should have exited 0: %s", hc_status_text(st));
	if (want == HC_KILLED)
		UT_ASSERT_MSG(WIFSIGNALED(st), "child should have been killed: %s",
		              hc_status_text(st));
	if (want == HC_EITHER)
		UT_ASSERT_MSG(WIFSIGNALED(st) || WEXITSTATUS(st) == HC_OK,
		              "child should exit 0 or be killed: %s", hc_status_text(st));
	/* The kernel is intact: it still answers. */
	UT_ASSERT_EQ(getppid() >= 0, 1);
	UT_ASSERT_EQ(ros_syscall_raw(SYS_null, 0, 0, 0, 0, 0, 0), 0);
}

/* ------------------------------------------------ kernel memory counters */

struct hc_mem {
	long pages_free, kmalloc_objects, slab_objects;
};

static struct hc_mem hc_mem_before;

static long hc_mem_field(const char *text, const char *name)
{
	const char *p = strstr(text, name);

	return p ? strtol(p + strlen(name), NULL, 10) : -1;
}

static struct hc_mem hc_mem_read(void)
{
	static char text[1024];
	struct hc_mem m = { -1, -1, -1 };
	int fd = open("#mem/free", O_RDONLY);
	ssize_t n;

	UT_ASSERT_MSG(fd >= 0, "open #mem/free: %s", strerror(errno));
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	UT_ASSERT(n > 0);
	text[n] = 0;
	m.pages_free = hc_mem_field(text, "pages_free ");
	m.kmalloc_objects = hc_mem_field(text, "kmalloc_objects ");
	m.slab_objects = hc_mem_field(text, "slab_objects ");
	return m;
}

/* Within slack of the snapshot: exited children are reaped, but per-core
 * caches and the page cache may hold a little. */
static bool hc_mem_settled(const struct hc_mem *now)
{
	return now->pages_free + 64 >= hc_mem_before.pages_free &&
	       now->kmalloc_objects <= hc_mem_before.kmalloc_objects + 64 &&
	       now->slab_objects <= hc_mem_before.slab_objects + 256;
}

static int hc_benign(void) { return HC_OK; }

/* The per-core caches of the slab layer fill as children come and go on
 * every core: a warm-up of as many children as the attacks make lets them
 * settle before the snapshot, so what the attacks keep shows. */
UTEST(before, kernel_memory_snapshot)
{
	for (int i = 0; i < HC_WARMUP_CHILDREN; i++)
		hc_run(hc_benign, HC_EXITS_OK);
	hc_mem_before = hc_mem_read();
	UT_ASSERT(hc_mem_before.pages_free > 0);
	utest_note("pages_free %ld kmalloc_objects %ld slab_objects %ld",
	           hc_mem_before.pages_free, hc_mem_before.kmalloc_objects,
	           hc_mem_before.slab_objects);
}

/* ----------------------------------------------------------- RFLAGS */

/* Sets the RFLAGS bits in 'bits' with popf, makes a syscall, clears them. */
static int hc_flags_syscall(unsigned long bits)
{
	hc_rec_null();
	__asm__ __volatile__(
		"pushfq\n\t"
		"orq %[bits], (%%rsp)\n\t"
		"popfq\n\t"
		"syscall\n\t"
		"pushfq\n\t"
		"notq %[bits]\n\t"
		"andq %[bits], (%%rsp)\n\t"
		"popfq\n\t"
		: [bits] "+r"(bits)
		: "D"(&hc_rec), "S"(1L)
		: "rcx", "r11", "memory", "cc");
	return hc_rec_verdict();
}

static int atk_nt(void) { return hc_flags_syscall(RF_NT); }
static int atk_ac(void) { return hc_flags_syscall(RF_AC); }
static int atk_df(void) { return hc_flags_syscall(RF_DF); }
static int atk_rf(void) { return hc_flags_syscall(RF_RF); }
static int atk_all_flags(void) { return hc_flags_syscall(RF_NT | RF_AC | RF_DF | RF_RF); }

/* TF: the single step after popf lands on the syscall; the #DB that
 * follows belongs to user mode or to nobody, never to the kernel. */
static int atk_tf(void) { return hc_flags_syscall(RF_TF); }

/* popf at CPL 3 cannot raise IOPL; after a syscall, cli must still trap. */
static int atk_iopl(void)
{
	hc_flags_syscall(RF_IOPL);
	__asm__ __volatile__("cli\n\tsti");
	return HC_SURVIVED;
}

/* NT set when the kernel takes an interrupt or exception: int3 kills. */
static int atk_nt_then_int3(void)
{
	__asm__ __volatile__("pushfq\n\torq $0x4000, (%%rsp)\n\tpopfq\n\tint3" ::: "memory", "cc");
	return HC_SURVIVED;
}

UTEST(flags, nt_then_syscall) { hc_run(atk_nt, HC_EXITS_OK); }
UTEST(flags, ac_then_syscall) { hc_run(atk_ac, HC_EXITS_OK); }
UTEST(flags, df_then_syscall) { hc_run(atk_df, HC_EXITS_OK); }
UTEST(flags, rf_then_syscall) { hc_run(atk_rf, HC_EXITS_OK); }
UTEST(flags, nt_ac_df_rf_then_syscall) { hc_run(atk_all_flags, HC_EXITS_OK); }
UTEST(flags, tf_then_syscall) { hc_run(atk_tf, HC_EITHER); }
UTEST(flags, iopl_stays_zero) { hc_run(atk_iopl, HC_KILLED); }
UTEST(flags, nt_then_int3) { hc_run(atk_nt_then_int3, HC_KILLED); }

/* ------------------------------------------------- segment selectors */

/* Loads sel into one data segment register (0 ds, 1 es, 2 fs, 3 gs), then
 * makes a syscall; the old value comes back afterwards (fs/gs bases stay
 * clobbered: hc_exit does not need them). */
static int hc_seg_syscall(int reg, unsigned sel)
{
	hc_rec_null();
	switch (reg) {
	case 0:
		__asm__ __volatile__("mov %%ds, %%ebx\n\tmov %0, %%ds\n\tsyscall\n\tmov %%ebx, %%ds"
		                     : : "r"(sel), "D"(&hc_rec), "S"(1L) : "rbx", "rcx", "r11", "memory");
		break;
	case 1:
		__asm__ __volatile__("mov %%es, %%ebx\n\tmov %0, %%es\n\tsyscall\n\tmov %%ebx, %%es"
		                     : : "r"(sel), "D"(&hc_rec), "S"(1L) : "rbx", "rcx", "r11", "memory");
		break;
	case 2:
		__asm__ __volatile__("mov %0, %%fs\n\tsyscall"
		                     : : "r"(sel), "D"(&hc_rec), "S"(1L) : "rcx", "r11", "memory");
		break;
	default:
		__asm__ __volatile__("mov %0, %%gs\n\tsyscall"
		                     : : "r"(sel), "D"(&hc_rec), "S"(1L) : "rcx", "r11", "memory");
		break;
	}
	return hc_rec_verdict();
}

/* Selectors a CPL 3 program may load (null, the user descriptors with any
 * RPL): the syscall must work.  The others must kill at the mov. */
static const unsigned hc_good_sels[] = { 0, 1, 3, 0x18, 0x1b, 0x20, 0x23, 0x28, 0x2b };
static const unsigned hc_bad_sels[] = {
	0x08, 0x0b, 0x10, 0x13,         /* kernel code and data */
	0x30, 0x33, 0x38,               /* the TSS, its upper half */
	0x44, 0x47, 0x1c,               /* LDT (there is none) */
	0x40, 0x100, 0xfff8, 0xffff,    /* past the GDT's limit */
};
static int hc_sel_reg;
static unsigned hc_sel;

static int atk_sel(void) { return hc_seg_syscall(hc_sel_reg, hc_sel); }

static void hc_each_sel(const unsigned *sels, size_t n, enum hc_expect want)
{
	for (int reg = 0; reg < 4; reg++) {
		for (size_t i = 0; i < n; i++) {
			hc_sel_reg = reg;
			hc_sel = sels[i];
			hc_run(atk_sel, want);
		}
	}
}

UTEST(segments, loadable_selectors_then_syscall)
{
	hc_each_sel(hc_good_sels, sizeof(hc_good_sels) / sizeof(hc_good_sels[0]), HC_EXITS_OK);
}

UTEST(segments, forbidden_selectors_kill)
{
	hc_each_sel(hc_bad_sels, sizeof(hc_bad_sels) / sizeof(hc_bad_sels[0]), HC_KILLED);
}

/* %ss takes only 0x23 at CPL 3: anything else kills at the mov. */
static int atk_ss(void)
{
	__asm__ __volatile__("mov %0, %%ss\n\tsyscall" : : "r"(hc_sel), "D"(&hc_rec), "S"(1L)
	                     : "rcx", "r11", "memory");
	return HC_SURVIVED;
}

UTEST(segments, forbidden_stack_selectors_kill)
{
	static const unsigned sels[] = { 0, 3, 0x1b, 0x2b, 0x10, 0x44, 0xfff8 };

	for (size_t i = 0; i < sizeof(sels) / sizeof(sels[0]); i++) {
		hc_sel = sels[i];
		hc_run(atk_ss, HC_KILLED);
	}
}

/* ss reloaded with its own value, then a syscall: the mov-ss shadow. */
static int atk_ss_same(void)
{
	hc_rec_null();
	__asm__ __volatile__("mov %%ss, %%eax\n\tmov %%eax, %%ss\n\tsyscall"
	                     : : "D"(&hc_rec), "S"(1L) : "rax", "rcx", "r11", "memory");
	return hc_rec_verdict();
}

UTEST(segments, ss_reload_shadow_then_syscall) { hc_run(atk_ss_same, HC_EXITS_OK); }

/* Null data selectors everywhere, then a fault: the kernel's way back
 * from the exception is the kill path. */
static int atk_null_segs_fault(void)
{
	__asm__ __volatile__("xorl %%eax, %%eax\n\tmov %%eax, %%ds\n\tmov %%eax, %%es\n\t"
	                     "mov %%eax, %%fs\n\tmov %%eax, %%gs\n\tud2" ::: "rax", "memory");
	return HC_SURVIVED;
}

static int atk_code_seg_in_ds_fault(void)
{
	__asm__ __volatile__("movl $0x1b, %%eax\n\tmov %%eax, %%ds\n\tmov %%eax, %%es\n\t"
	                     "mov %%eax, %%gs\n\tmovq $0, (0)" ::: "rax", "memory");
	return HC_SURVIVED;
}

UTEST(segments, null_selectors_then_fault) { hc_run(atk_null_segs_fault, HC_KILLED); }
UTEST(segments, code_selector_in_ds_then_fault) { hc_run(atk_code_seg_in_ds_fault, HC_KILLED); }

/*
 * The LDT.  Vireo has none (lldt 0), so every selector with TI set must
 * fault.  Before, the LDTR kept its reset state, base 0 and limit 0xffff:
 * user memory at 0x1000 became LDT entry 0x200 onwards.  The attack maps
 * that page and writes there a DPL 3 data descriptor, and a DPL 3 64-bit
 * call gate to the kernel's code segment aimed at a user page holding
 * ud2, which the CPU would run at CPL 0.
 */
#define HC_FAKE_LDT     0x1000ul                /* LDT offset 0x1000: index 0x200 */
#define HC_GATE_SEL     0x1007u                 /* index 0x200, TI, RPL 3 */
#define HC_LDT_DATA_SEL 0x1017u                 /* index 0x202, TI, RPL 3 */

static int hc_fake_ldt(void)
{
	uint64_t *ldt = mmap((void *)HC_FAKE_LDT, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
	                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	uint64_t target = HC_FAKE_LDT + 0x800;  /* ud2 */

	if (ldt == MAP_FAILED)
		return HC_NO_SETUP;
	((unsigned char *)HC_FAKE_LDT)[0x800] = 0x0f;
	((unsigned char *)HC_FAKE_LDT)[0x801] = 0x0b;
	/* 64-bit call gate: offset, selector 0x08, type 0xc, DPL 3, present. */
	ldt[0] = (target & 0xffff) | (0x08ul << 16) | (0xecul << 40) |
	         ((target >> 16) & 0xffff) << 48;
	ldt[1] = target >> 32;
	ldt[2] = 0x00cff3000000fffful;          /* data, read/write, DPL 3 */
	return HC_OK;
}

static int atk_ldt_data_selector(void)
{
	int r = hc_fake_ldt();

	if (r != HC_OK)
		return r;
	__asm__ __volatile__("mov %0, %%es" : : "r"(HC_LDT_DATA_SEL));
	return HC_SURVIVED;
}

static int atk_ldt_call_gate(void)
{
	static struct { uint32_t off; uint16_t sel; } __attribute__((packed)) far = {
		0, HC_GATE_SEL,
	};
	int r = hc_fake_ldt();

	if (r != HC_OK)
		return r;
	__asm__ __volatile__("lcall *%0" : : "m"(far) : "memory");
	return HC_SURVIVED;
}

UTEST(segments, ldt_selector_in_user_memory) { hc_run(atk_ldt_data_selector, HC_KILLED); }
UTEST(segments, ldt_call_gate_to_ring0) { hc_run(atk_ldt_call_gate, HC_KILLED); }

/* ------------------------------------------------ 32-bit (compat) mode */

/* A far return into the 32-bit user code segment (0x1b), then one
 * instruction there.  Every way into the kernel from compat mode kills. */
#define HC_IN_COMPAT(insn)                                                  \
	"pushq $0x1b\n\tleaq 1f(%%rip), %%rax\n\tpushq %%rax\n\tlretq\n"     \
	".code32\n1:\t" insn "\n\tud2\n.code64"

static int atk_compat_syscall(void)
{
	hc_rec_null();
	__asm__ __volatile__(HC_IN_COMPAT("syscall")
	                     : : "D"(&hc_rec), "S"(1L) : "rax", "rcx", "r11", "memory");
	return HC_SURVIVED;
}

static int atk_compat_int80(void)
{
	hc_rec_null();
	__asm__ __volatile__(HC_IN_COMPAT("int $0x80")
	                     : : "D"(&hc_rec), "S"(1L) : "rax", "rcx", "r11", "memory");
	return HC_SURVIVED;
}

static int atk_compat_sysenter(void)
{
	__asm__ __volatile__(HC_IN_COMPAT("sysenter") ::: "rax", "memory");
	return HC_SURVIVED;
}

/* A far jump (through memory) into 0x1b, then a page fault there. */
static int atk_compat_ljmp_fault(void)
{
	static struct { uint32_t off; uint16_t sel; } __attribute__((packed)) target;

	__asm__ __volatile__("leaq 1f(%%rip), %%rax\n\tmovl %%eax, %0\n\tmovw $0x1b, %1\n\t"
	                     "ljmp *%0\n"
	                     ".code32\n1:\tmovl $0, 0x10\n\tud2\n.code64"
	                     : "+m"(target.off), "+m"(target.sel) : : "rax", "memory");
	return HC_SURVIVED;
}

UTEST(compat, far_return_then_syscall) { hc_run(atk_compat_syscall, HC_KILLED); }
UTEST(compat, far_return_then_int80) { hc_run(atk_compat_int80, HC_KILLED); }
UTEST(compat, far_return_then_sysenter) { hc_run(atk_compat_sysenter, HC_KILLED); }
UTEST(compat, far_jump_then_fault) { hc_run(atk_compat_ljmp_fault, HC_KILLED); }

/* sysenter and int $0x80 from 64-bit mode. */
static int atk_sysenter64(void)
{
	__asm__ __volatile__("sysenter" ::: "memory");
	return HC_SURVIVED;
}

static int atk_int80(void)
{
	hc_rec_null();
	__asm__ __volatile__("int $0x80" : : "D"(&hc_rec), "S"(1L) : "memory");
	return hc_rec_verdict();
}

UTEST(compat, sysenter_in_64bit_mode) { hc_run(atk_sysenter64, HC_KILLED); }
UTEST(compat, int80_in_64bit_mode_works) { hc_run(atk_int80, HC_EXITS_OK); }

/* ------------------------------------------------------ stack pointer */

/* The syscall with rsp = sp; rbx keeps the real one. */
static int hc_rsp_syscall(unsigned long sp)
{
	hc_rec_null();
	__asm__ __volatile__("movq %%rsp, %%rbx\n\tmovq %0, %%rsp\n\tsyscall\n\tmovq %%rbx, %%rsp"
	                     : : "r"(sp), "D"(&hc_rec), "S"(1L) : "rbx", "rcx", "r11", "memory");
	return hc_rec_verdict();
}

static int atk_rsp_misaligned(void)
{
	unsigned long sp;

	__asm__ __volatile__("movq %%rsp, %0" : "=r"(sp));
	return hc_rsp_syscall(sp - 0x103);
}

static int atk_rsp_noncanonical(void) { return hc_rsp_syscall(0x8000000000000000ul); }
static int atk_rsp_kernel(void) { return hc_rsp_syscall(0xffff800000100000ul); }
static int atk_rsp_zero(void) { return hc_rsp_syscall(0); }

/* A fault with an unusable stack: exception delivery takes the kernel's. */
static int atk_rsp_kernel_fault(void)
{
	__asm__ __volatile__("movabsq $0xffffffff80100000, %%rsp\n\tpushq $0" ::: "memory");
	return HC_SURVIVED;
}

UTEST(stack, misaligned_rsp_at_syscall) { hc_run(atk_rsp_misaligned, HC_EXITS_OK); }
UTEST(stack, noncanonical_rsp_at_syscall) { hc_run(atk_rsp_noncanonical, HC_EITHER); }
UTEST(stack, kernel_rsp_at_syscall) { hc_run(atk_rsp_kernel, HC_EXITS_OK); }
UTEST(stack, zero_rsp_at_syscall) { hc_run(atk_rsp_zero, HC_EXITS_OK); }
UTEST(stack, kernel_rsp_then_push) { hc_run(atk_rsp_kernel_fault, HC_KILLED); }

/* ------------------------------------------------ the return address */

#define HC_TOP_PAGE 0x00007ffffffff000ul        /* the last user page */

/* syscall as the last two bytes below 0x0000800000000000 would return to
 * a non-canonical address (Intel's sysret faults in ring 0 there).  The
 * page is the guard page above USER_STACK_TOP: mapping it must fail; if it
 * ever works, the return must kill the child. */
static int atk_syscall_at_top(void)
{
	void *pg = mmap((void *)HC_TOP_PAGE, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
	                MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	unsigned char *code = (unsigned char *)HC_TOP_PAGE + 4096 - 2;

	if (pg == MAP_FAILED)
		return errno == EINVAL ? HC_OK : HC_NO_SETUP;
	code[0] = 0x0f;
	code[1] = 0x05;                 /* syscall */
	hc_rec_null();
	__asm__ __volatile__("call *%0" : : "r"(code), "D"(&hc_rec), "S"(1L)
	                     : "rcx", "r11", "memory");
	return HC_SURVIVED;
}

UTEST(rip, syscall_returning_to_noncanonical) { hc_run(atk_syscall_at_top, HC_EITHER); }

/* ------------------------------------ traps and privileged instructions */

static int atk_int3(void) { __asm__ __volatile__("int3"); return HC_SURVIVED; }
static int atk_ud2(void) { __asm__ __volatile__("ud2"); return HC_SURVIVED; }
static int atk_hlt(void) { __asm__ __volatile__("hlt"); return HC_SURVIVED; }
static int atk_cli(void) { __asm__ __volatile__("cli"); return HC_SURVIVED; }
static int atk_inb(void) { __asm__ __volatile__("inb $0x60, %%al" ::: "rax"); return HC_SURVIVED; }
static int atk_outb(void) { __asm__ __volatile__("outb %%al, $0x80" ::: "rax"); return HC_SURVIVED; }
static int atk_rdmsr(void) { __asm__ __volatile__("movl $0xc0000101, %%ecx\n\trdmsr" ::: "rax", "rcx", "rdx"); return HC_SURVIVED; }
static int atk_wrmsr(void) { __asm__ __volatile__("movl $0xc0000082, %%ecx\n\txorl %%eax, %%eax\n\txorl %%edx, %%edx\n\twrmsr" ::: "rax", "rcx", "rdx"); return HC_SURVIVED; }
static int atk_mov_cr3(void) { __asm__ __volatile__("xorl %%eax, %%eax\n\tmov %%rax, %%cr3" ::: "rax"); return HC_SURVIVED; }
static int atk_lgdt(void) { static char d[10]; __asm__ __volatile__("lgdt %0" : : "m"(d)); return HC_SURVIVED; }
static int atk_swapgs(void) { __asm__ __volatile__("swapgs"); return HC_SURVIVED; }
static int atk_sysret(void) { __asm__ __volatile__("sysretq"); return HC_SURVIVED; }
static int atk_iretq_bad(void) { __asm__ __volatile__("pushq $0\n\tpushq $0\n\tpushq $0\n\tpushq $0x08\n\tpushq $0\n\tiretq" ::: "memory"); return HC_SURVIVED; }
static int atk_int_gp(void) { __asm__ __volatile__("int $0x0d"); return HC_SURVIVED; }
static int atk_int_nmi(void) { __asm__ __volatile__("int $0x02"); return HC_SURVIVED; }
static int atk_int_df(void) { __asm__ __volatile__("int $0x08"); return HC_SURVIVED; }
static int atk_int_timer(void) { __asm__ __volatile__("int $0xef"); return HC_SURVIVED; }
static int atk_int1(void) { __asm__ __volatile__(".byte 0xf1"); return HC_SURVIVED; }

UTEST(traps, int3) { hc_run(atk_int3, HC_KILLED); }
UTEST(traps, ud2) { hc_run(atk_ud2, HC_KILLED); }
UTEST(traps, int1_icebp) { hc_run(atk_int1, HC_KILLED); }
UTEST(privileged, hlt) { hc_run(atk_hlt, HC_KILLED); }
UTEST(privileged, cli) { hc_run(atk_cli, HC_KILLED); }
UTEST(privileged, in_and_out) { hc_run(atk_inb, HC_KILLED); hc_run(atk_outb, HC_KILLED); }
UTEST(privileged, rdmsr_wrmsr) { hc_run(atk_rdmsr, HC_KILLED); hc_run(atk_wrmsr, HC_KILLED); }
UTEST(privileged, mov_cr3) { hc_run(atk_mov_cr3, HC_KILLED); }
UTEST(privileged, lgdt) { hc_run(atk_lgdt, HC_KILLED); }
UTEST(privileged, swapgs_sysret_iretq) { hc_run(atk_swapgs, HC_KILLED); hc_run(atk_sysret, HC_KILLED); hc_run(atk_iretq_bad, HC_KILLED); }
UTEST(privileged, kernel_vectors_by_int)
{
	hc_run(atk_int_gp, HC_KILLED);
	hc_run(atk_int_nmi, HC_KILLED);
	hc_run(atk_int_df, HC_KILLED);
	hc_run(atk_int_timer, HC_KILLED);
}

/* ---------------------------------------------------------- the end */

UTEST(after, kernel_memory_not_leaked)
{
	struct hc_mem now;

	if (hc_mem_before.pages_free <= 0)
		utest_skip("run alone: no snapshot from before.kernel_memory_snapshot");
	now = hc_mem_read();
	for (int i = 0; i < 200 && !hc_mem_settled(&now); i++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		nanosleep(&ts, NULL);
		now = hc_mem_read();
	}
	utest_note("pages_free %ld kmalloc_objects %ld slab_objects %ld",
	           now.pages_free, now.kmalloc_objects, now.slab_objects);
	UT_ASSERT_MSG(hc_mem_settled(&now), "kernel memory went missing: pages_free %ld -> %ld, "
	              "kmalloc_objects %ld -> %ld, slab_objects %ld -> %ld",
	              hc_mem_before.pages_free, now.pages_free, hc_mem_before.kmalloc_objects,
	              now.kmalloc_objects, hc_mem_before.slab_objects, now.slab_objects);
}

int main(int argc, char **argv)
{
	return utest_main("hostile_cpu", argc, argv);
}
