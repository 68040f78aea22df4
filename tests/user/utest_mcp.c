/* SPDX-License-Identifier: MIT */
/*
 * utest_mcp.c - /test/utest_mcp: many-core processes from user space
 * (Documentation/mcp.md).  Boots with 4 cores: core 0 is the low-latency
 * core, so an MCP may have 3 vcores; a second boot on one core runs
 * change_to_m, uthread_yield and the self-notification there (its one
 * vcore shares core 0).  In order (the process turns into an MCP half-way
 * and stays one):
 *  - as an SCP: provisioning (SYS_provision) with every bad argument, and
 *    for itself and a child; poke_ksched refused; empty core maps;
 *  - children (/test/mcp_victim) with a garbage VCPD (non-canonical
 *    vcore_entry, kernel-half stack or TLS, an unmapped stack; for vcore 0
 *    at change_to_m and for vcore 1): each is killed, the parent lives; an
 *    MCP with every vcore spinning is killed from outside, also just as its
 *    vcores start; one exits with a code while its other vcores spin;
 *  - change_to_m: thread0 goes on as a uthread on vcore 0, on a core that
 *    is not core 0; a second change_to_m, exec, and a fork with
 *    notifications off (no uthread to copy) are refused;
 *  - vcore requests: every vcore runs vcore_entry on its own physical core
 *    (as pcoremap says), yields it back, and again, many times;
 *  - uthread_yield into vcore context and back;
 *  - a self-notification: the handler runs in vcore context and the
 *    interrupted registers (GPRs and SSE) are intact after it clobbered
 *    them; a remote notification from another vcore interrupts thread0
 *    spinning with a pattern in every register; a notification sent while
 *    thread0 makes syscalls is never left for a later trap;
 *  - a sleeping syscall from thread0 comes back unfinished (the kernel
 *    detached it) and completes; from vcore context it is synchronous.
 * Every failure must carry its errno and an errstr naming the value at
 * fault.  Run all: /test/utest_mcp; some: /test/utest_mcp provision_bad.
 */
#include <parlib/uthread.h>
#include <parlib/vcore.h>
#include <ros/fcntl.h>
#include <ros/globalinfo.h>
#include <ros/kstat.h>
#include <ros/procdata.h>
#include <ros/procinfo.h>
#include <tiny/print.h>
#include <tiny/proc.h>
#include <tiny/start.h>
#include <tiny/string.h>
#include <tiny/syscall.h>
#include <tiny/utest.h>

static const volatile struct procinfo *const pinfo = (const struct procinfo *)UINFO;
static struct procdata *const pd = (struct procdata *)UDATA;

static uint64_t nr_cores(void)
{
	return ((const volatile struct proc_global_info *)UGINFO)->nr_cores;
}

/* One vcore per core but the low-latency core 0; a one-core machine has
 * none, and its one vcore shares core 0. */
static uint32_t want_max_vcores(void)
{
	return nr_cores() > 1 ? (uint32_t)nr_cores() - 1 : 1;
}

static int64_t spawn_hello(struct syscall *sc)
{
	static const char *const argv[] = { "/test/hello", NULL };

	return tiny_spawn_sc(sc, "/test/hello", argv, 0);
}

UTEST(provision_bad_arguments)
{
	struct syscall sc;

	sysc(&sc, SYS_provision, 0, RES_MEMORY, 1);
	UT_SYSC_ERR(&sc, EINVAL);
	UT_ASSERT_MSG(strstr(sc.errstr, "resource 1"), "errstr '%s'", sc.errstr);
	sysc(&sc, SYS_provision, 0, 77, 1);
	UT_SYSC_ERR(&sc, EINVAL);
	sysc(&sc, SYS_provision, 0, RES_CORES, nr_cores());
	UT_SYSC_ERR(&sc, EINVAL);
	UT_ASSERT_MSG(strstr(sc.errstr, "no core 4"), "errstr '%s'", sc.errstr);
	sysc(&sc, SYS_provision, 0, RES_CORES, ~0ull);
	UT_SYSC_ERR(&sc, EINVAL);
	sysc(&sc, SYS_provision, (uint64_t)pinfo->pid, RES_CORES, 0);
	UT_SYSC_ERR(&sc, EINVAL);                   /* the low-latency core */
	UT_ASSERT_MSG(strstr(sc.errstr, "low-latency"), "errstr '%s'", sc.errstr);
	sysc(&sc, SYS_provision, 99999, RES_CORES, 1);
	UT_SYSC_ERR(&sc, ESRCH);                    /* no such process */
	sysc(&sc, SYS_provision, (uint64_t)-5, RES_CORES, 1);
	UT_SYSC_ERR(&sc, ESRCH);
}

UTEST(provision_self_child_and_unprovision)
{
	struct syscall sc;
	int status = -1;
	int64_t pid = spawn_hello(&sc);

	UT_SYSC_OK(&sc);
	UT_ASSERT_EQ(sysc(&sc, SYS_provision, (uint64_t)pinfo->pid, RES_CORES, 3), 0);
	UT_ASSERT_EQ(sysc(&sc, SYS_provision, (uint64_t)pid, RES_CORES, 3), 0);   /* our child */
	UT_ASSERT_EQ(sysc(&sc, SYS_provision, 0, RES_CORES, 3), 0);     /* a child's: may */
	UT_ASSERT_EQ(sysc(&sc, SYS_provision, (uint64_t)pid, RES_CORES, 2), 0);
	UT_ASSERT_EQ(tsys(SYS_proc_destroy, (uint64_t)pid, 0), 0);     /* CREATED: ends */
	UT_ASSERT_EQ(tiny_wait(pid, &status), pid);
	UT_ASSERT_EQ(status, WSTATUS_KILLED);
	UT_ASSERT_EQ(sysc(&sc, SYS_provision, 0, RES_CORES, 2), 0);     /* gone: lapsed */
	UT_ASSERT_EQ(sysc(&sc, SYS_provision, 0, RES_CORES, 1), 0);
}

UTEST(poke_ksched_refused_for_an_scp)
{
	struct syscall sc;

	sysc(&sc, SYS_poke_ksched, 0, RES_CORES);
	UT_SYSC_ERR(&sc, EINVAL);
	UT_ASSERT_MSG(strstr(sc.errstr, "SCP"), "errstr '%s'", sc.errstr);
	sysc(&sc, SYS_poke_ksched, (uint64_t)pinfo->pid, RES_MEMORY);
	UT_SYSC_ERR(&sc, EINVAL);
	sysc(&sc, SYS_poke_ksched, (uint64_t)pinfo->pid + 1, RES_CORES);
	UT_SYSC_ERR(&sc, ESRCH);                    /* only our own request */
}

UTEST(scp_has_no_vcores_in_procinfo)
{
	uint64_t seq = pinfo->coremap_seqctr;

	UT_ASSERT_EQ(seq & 1, 0);
	UT_ASSERT_EQ(pinfo->num_vcores, 0);
	UT_ASSERT_EQ(pinfo->is_mcp, 0);
	UT_ASSERT_EQ(pinfo->max_vcores, 1);
	for (int i = 0; i < 4; i++)
		UT_ASSERT(!pinfo->vcoremap[i].valid && !pinfo->pcoremap[i].valid);
	UT_ASSERT_EQ(pinfo->coremap_seqctr, seq);
}

/* ------------------------------------------------------ hostile VCPDs */

/* Runs /test/mcp_victim MODE; its wait status. */
static int run_victim(const char *mode, bool kill_it)
{
	const char *argv[] = { "/test/mcp_victim", mode, NULL };
	int status = -1;
	int64_t pid = tiny_spawn("/test/mcp_victim", argv);

	if (pid <= 0 || tsys(SYS_proc_run, (uint64_t)pid) != 0)
		return -1000;
	if (kill_it) {
		for (int i = 0; i < 200; i++)   /* let it get its vcores */
			tsys(SYS_null);
		struct { int64_t s, ns; } req = { 0, 50 * 1000 * 1000 };
		tsys(SYS_nanosleep, UP(&req), 0);
		tsys(SYS_proc_destroy, (uint64_t)pid, 0);
	}
	if (tiny_wait(pid, &status) != pid)
		return -1001;
	return status;
}

UTEST(garbage_vcpd_kills_only_the_process)
{
	static const char *const modes[] = { "bad-entry0", "bad-entry", "bad-stack", "bad-tls",
	                                     "stack-unmapped" };

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		int st = run_victim(modes[i], false);

		UT_ASSERT_MSG(st == WSTATUS_KILLED, "%s: status %#x", modes[i], st);
	}
}

UTEST(mcp_killed_from_outside_and_exit_code)
{
	int st = run_victim("spin", true);

	UT_ASSERT_MSG(st == WSTATUS_KILLED, "spin: status %#x", st);
	st = run_victim("exit", false);
	UT_ASSERT_MSG(st == WSTATUS_EXITED(7), "exit: status %#x", st);
}

/* Waits up to about 10 s for pid (SYS_block between looks); its status,
 * or -1 if it is still alive. */
static int wait_bounded(int64_t pid)
{
	int status = -1;

	for (int i = 0; i < 10000; i++) {
		if (tsys(SYS_waitpid, (uint64_t)pid, UP(&status), WNOHANG) == pid)
			return status;
		tsys(SYS_block, 1000);
	}
	return -1;
}

/* #proc/PID/FILE's text (a line or two) into buf, for a failure message. */
static const char *proc_text(int64_t pid, const char *file, char *buf, size_t len)
{
	char path[48];
	struct syscall sc;
	int64_t fd, n;

	tiny_snprintf(path, sizeof(path), "#proc/%ld/%s", (long)pid, file);
	fd = sysc(&sc, SYS_openat, (uint64_t)TINY_AT_FDCWD, UP(path), strlen(path), O_READ, 0);
	n = fd < 0 ? 0 : tsys(SYS_read, (uint64_t)fd, UP(buf), len - 1);
	if (fd >= 0)
		tsys(SYS_close, (uint64_t)fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/*
 * Kills aimed at the moment an MCP's vcores start (a few hundred
 * microseconds after proc_run, at random): a vcore whose kick came between
 * its last check for a kill and its entry to user mode, if the kick were
 * lost, would spin in user mode for ever and the process never die.
 */
UTEST(mcp_killed_while_its_vcores_start)
{
	const char *argv[] = { "/test/mcp_victim", "spin", NULL };
	uint64_t rng = 0x853c49e6748fea9bull;

	for (int round = 0; round < 40; round++) {
		int64_t pid = tiny_spawn("/test/mcp_victim", argv);
		int st;

		UT_ASSERT(pid > 0);
		UT_ASSERT_EQ(tsys(SYS_proc_run, (uint64_t)pid), 0);
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		for (uint32_t i = (uint32_t)(rng % 400); i; i--)
			tsys(SYS_null);
		tsys(SYS_proc_destroy, (uint64_t)pid, 0);
		st = wait_bounded(pid);
		if (st == -1) {
			char a[96], b[160];

			UT_ASSERT_MSG(0, "round %d: still alive: status '%s' vcores '%s'", round,
			              proc_text(pid, "status", a, sizeof(a)),
			              proc_text(pid, "vcores", b, sizeof(b)));
		}
		UT_ASSERT_MSG(st == WSTATUS_KILLED, "round %d: status %#x", round, st);
	}
}

/* ------------------------------------------------------- change_to_m */

UTEST(change_to_m_thread0_goes_on)
{
	volatile uint64_t canary = 0x1234567887654321ull;
	struct syscall sc;
	uint32_t pc;

	UT_ASSERT(!in_multi_mode());
	UT_ASSERT_EQ(vcore_change_to_m(), 0);
	UT_ASSERT(in_multi_mode());
	UT_ASSERT(!in_vcore_context());
	UT_ASSERT_EQ(canary, 0x1234567887654321ull);
	UT_ASSERT_EQ(num_vcores(), 1);
	UT_ASSERT_EQ(pinfo->max_vcores, want_max_vcores());
	UT_ASSERT_EQ(vcore_id(), 0);
	UT_ASSERT_EQ(tsys(SYS_getvcoreid), 0);
	UT_ASSERT(pinfo->vcoremap[0].valid);
	pc = pinfo->vcoremap[0].pcoreid;
	UT_ASSERT_MSG((pc != 0 || nr_cores() == 1) && pc < nr_cores(), "vcore 0 on pcore %u", pc);
	UT_ASSERT_EQ(tsys(SYS_getpcoreid), pc);
	UT_ASSERT(pinfo->pcoremap[pc].valid && pinfo->pcoremap[pc].vcoreid == 0);
	sysc(&sc, SYS_change_to_m);
	UT_SYSC_ERR(&sc, EINVAL);
	UT_ASSERT_MSG(strstr(sc.errstr, "already an MCP"), "errstr '%s'", sc.errstr);
	/* A fork copies the calling uthread: from vcore context (notifications
	 * off) there is none (tests/libc/libc_fork_mt.c forks from uthreads). */
	uth_disable_notifs();
	sysc(&sc, SYS_fork);
	uth_enable_notifs();
	UT_SYSC_ERR(&sc, EPERM);
	UT_ASSERT_MSG(strstr(sc.errstr, "vcore context"), "errstr '%s'", sc.errstr);
	sysc(&sc, SYS_exec, UP("/test/hello"), 11, 0, 0);
	UT_SYSC_ERR(&sc, EPERM);
}

/* -------------------------------------------------------- vcore requests */

static volatile uint32_t seen_pcore[ROS_MAX_VCORES], map_pcore[ROS_MAX_VCORES];
static volatile uint32_t nr_entries[ROS_MAX_VCORES];

static void record_hook(uint32_t v)
{
	seen_pcore[v] = (uint32_t)tsys(SYS_getpcoreid);
	map_pcore[v] = pinfo->vcoremap[v].pcoreid;
	__atomic_fetch_add(&nr_entries[v], 1, __ATOMIC_SEQ_CST);
}

/* Spins (with syscalls, so the core is shared fairly) until cond(). */
static bool wait_until(bool (*cond)(void))
{
	for (int i = 0; i < 2000000; i++) {
		if (cond())
			return true;
		__asm__ volatile("pause");
	}
	return cond();
}

static uint32_t round_want;

static bool all_entered(void)
{
	for (uint32_t v = 1; v < 3; v++)
		if (nr_entries[v] < round_want)
			return false;
	return true;
}

static bool back_to_one(void)
{
	return num_vcores() == 1;
}

UTEST(request_vcores_distinct_pcores_and_yield)
{
	vcore_sched_entry = record_hook;
	for (round_want = 1; round_want <= 20; round_want++) {
		UT_ASSERT_EQ(vcore_request_total(3), 3);
		UT_ASSERT_MSG(wait_until(all_entered), "round %u: entries %u %u", round_want,
		              nr_entries[1], nr_entries[2]);
		for (uint32_t v = 1; v < 3; v++) {
			UT_ASSERT_MSG(seen_pcore[v] == map_pcore[v] && seen_pcore[v] != 0 &&
			              seen_pcore[v] != pinfo->vcoremap[0].pcoreid,
			              "vcore %u on pcore %u, vcoremap says %u", v, seen_pcore[v],
			              map_pcore[v]);
		}
		UT_ASSERT(seen_pcore[1] != seen_pcore[2]);
		UT_ASSERT_MSG(wait_until(back_to_one), "round %u: %u vcores", round_want,
		              num_vcores());
		UT_ASSERT_EQ(pd->head.res_req[RES_CORES].amt_wanted, 1);
	}
	vcore_sched_entry = 0;
	UT_ASSERT_EQ(nr_entries[0], 0);         /* vcore 0 never left thread0 */
}

/* ---------------------------------------------------------- uthread_yield */

static volatile uint32_t yield_entries;

static void count_hook(uint32_t v)
{
	(void)v;
	yield_entries++;
}

UTEST(uthread_yield_round_trip)
{
	volatile uint64_t local = 42;

	vcore_sched_entry = count_hook;
	for (int i = 0; i < 100; i++) {
		uthread_yield(true, NULL, NULL);
		UT_ASSERT(!in_vcore_context());
	}
	vcore_sched_entry = 0;
	UT_ASSERT_EQ(yield_entries, 100);
	UT_ASSERT_EQ(local, 42);
}

/* ---------------------------------------------------------- notifications */

#define NREGS 21        /* rbx rbp rdx r8 r9 r10 r12 r13 r14 r15, rsi rdi rax rcx r11,
                         * xmm0 lo, xmm0 hi, xmm8 lo, xmm15 lo, xmm15 hi, rsp delta */
#define PAT(i) (0xc0de000000000000ull + ((uint64_t)(i) << 8) + (i))

static volatile uint32_t ev_count, ev_vcore, ev_in_vc;
static volatile int remote_flag __attribute__((used));

static void ipi_handler(const struct event_msg *msg, uint32_t v)
{
	(void)msg;
	ev_vcore = v;
	ev_in_vc = in_vcore_context();
	/* Vcore context may use the FPU: clobber what thread0 left there. */
	__asm__ volatile("pxor %%xmm0, %%xmm0\n\tpxor %%xmm8, %%xmm8\n\tpcmpeqd %%xmm15, %%xmm15"
	                 ::: "memory");
	ev_count++;
	remote_flag = 1;
}

/* A pattern in xmm0 (both halves), xmm8, xmm15 (both) and in rbx rbp rdx
 * r8 r9 r10 r12-r15 (PAT(0..9)); rax is scratch. */
#define LOAD_PATTERNS                                                          \
	"	movabs $0xc0de000000000000, %rax\n	movq %rax, %xmm0\n"             \
	"	movabs $0xc0de000000001111, %rax\n	pinsrq $1, %rax, %xmm0\n"       \
	"	movabs $0xc0de000000002222, %rax\n	movq %rax, %xmm8\n"             \
	"	movabs $0xc0de000000003333, %rax\n	movq %rax, %xmm15\n"            \
	"	movabs $0xc0de000000004444, %rax\n	pinsrq $1, %rax, %xmm15\n"      \
	"	movabs $0xc0de000000000000, %rbx\n"                               \
	"	movabs $0xc0de000000000101, %rbp\n"                               \
	"	movabs $0xc0de000000000202, %rdx\n"                               \
	"	movabs $0xc0de000000000303, %r8\n"                                \
	"	movabs $0xc0de000000000404, %r9\n"                                \
	"	movabs $0xc0de000000000505, %r10\n"                               \
	"	movabs $0xc0de000000000606, %r12\n"                               \
	"	movabs $0xc0de000000000707, %r13\n"                               \
	"	movabs $0xc0de000000000808, %r14\n"                               \
	"	movabs $0xc0de000000000909, %r15\n"

/* Stores those registers into out[0..9] and the xmm words into
 * out[15..19] at base b, with scratch register t. */
#define STORE_PATTERNS(b, t)                                                   \
	"	mov %rbx, 0(" b ")\n	mov %rbp, 8(" b ")\n	mov %rdx, 16(" b ")\n"     \
	"	mov %r8, 24(" b ")\n	mov %r9, 32(" b ")\n	mov %r10, 40(" b ")\n"      \
	"	mov %r12, 48(" b ")\n	mov %r13, 56(" b ")\n	mov %r14, 64(" b ")\n"    \
	"	mov %r15, 72(" b ")\n"                                            \
	"	movq %xmm0, " t "\n	mov " t ", 120(" b ")\n"                       \
	"	pextrq $1, %xmm0, " t "\n	mov " t ", 128(" b ")\n"                 \
	"	movq %xmm8, " t "\n	mov " t ", 136(" b ")\n"                       \
	"	movq %xmm15, " t "\n	mov " t ", 144(" b ")\n"                      \
	"	pextrq $1, %xmm15, " t "\n	mov " t ", 152(" b ")\n"

/*
 * self_notify_regs(sc, out): a pattern in every register the syscall
 * keeps (and in xmm0/8/15), traps with sc (self_notify), and stores them.
 */
void self_notify_regs(struct syscall *sc, uint64_t *out);
__asm__(".text\n"
	"self_notify_regs:\n"
	"	push %rbx\n	push %rbp\n	push %r12\n	push %r13\n	push %r14\n	push %r15\n"
	"	push %rsi\n"
	LOAD_PATTERNS
	"	mov $1, %esi\n"
	"	syscall\n"
	"	pop %rsi\n"
	STORE_PATTERNS("%rsi", "%rax")
	"	pop %r15\n	pop %r14\n	pop %r13\n	pop %r12\n	pop %rbp\n	pop %rbx\n"
	"	ret\n");

static const uint64_t xmm_want[5] = { 0xc0de000000000000ull, 0xc0de000000001111ull,
                                      0xc0de000000002222ull, 0xc0de000000003333ull,
                                      0xc0de000000004444ull };

/* NULL if out[0..nr_gprs) hold PAT(i) and out[15..19] the xmm words. */
static const char *regs_wrong(const uint64_t *out, int nr_gprs)
{
	static char why[80];

	for (int i = 0; i < 20; i++) {
		uint64_t want = i < 15 ? PAT(i) : xmm_want[i - 15];

		if ((i < nr_gprs || i >= 15) && out[i] != want) {
			tiny_snprintf(why, sizeof(why), "word %d (15+: xmm): %#lx, wanted %#lx", i,
			              (unsigned long)out[i], (unsigned long)want);
			return why;
		}
	}
	return NULL;
}

UTEST(self_notify_handler_runs_context_intact)
{
	uint64_t out[NREGS] = { 0 };
	struct syscall sc;
	uint32_t before = ev_count;

	vcore_register_ev_handler(EV_USER_IPI, ipi_handler);
	sysc_fill(&sc, SYS_self_notify, (const uint64_t[6]){ vcore_id(), EV_USER_IPI, 0, 1 });
	self_notify_regs(&sc, out);
	UT_SYSC_OK(&sc);
	UT_ASSERT_EQ(ev_count, before + 1);
	UT_ASSERT(ev_in_vc);
	UT_ASSERT_MSG(!regs_wrong(out, 10), "%s", regs_wrong(out, 10));
}

/*
 * spin_regs(out): every register but rsp holds a pattern (and xmm0/8/15)
 * while it spins on remote_flag; then it stores them all and rsp's change.
 */
void spin_regs(uint64_t *out);
static uint64_t spin_out_ptr __attribute__((used));
__asm__(".text\n"
	"spin_regs:\n"
	"	push %rbx\n	push %rbp\n	push %r12\n	push %r13\n	push %r14\n	push %r15\n"
	"	mov %rdi, spin_out_ptr(%rip)\n"
	"	mov %rsp, 160(%rdi)\n"
	LOAD_PATTERNS
	"	movabs $0xc0de000000000a0a, %rsi\n"
	"	movabs $0xc0de000000000b0b, %rdi\n"
	"	movabs $0xc0de000000000c0c, %rax\n"
	"	movabs $0xc0de000000000d0d, %rcx\n"
	"	movabs $0xc0de000000000e0e, %r11\n"
	"1:	pause\n"
	"	cmpl $0, remote_flag(%rip)\n"
	"	je 1b\n"
	"	push %rax\n"
	"	mov spin_out_ptr(%rip), %rax\n"
	"	mov %rsi, 80(%rax)\n	mov %rdi, 88(%rax)\n"
	"	mov %rcx, 104(%rax)\n	mov %r11, 112(%rax)\n"
	"	mov %rbx, 0(%rax)\n"
	"	pop %rbx\n	mov %rbx, 96(%rax)\n"
	"	mov 0(%rax), %rbx\n"
	STORE_PATTERNS("%rax", "%rsi")
	"	mov 160(%rax), %rbx\n	sub %rsp, %rbx\n	mov %rbx, 160(%rax)\n"
	"	pop %r15\n	pop %r14\n	pop %r13\n	pop %r12\n	pop %rbp\n	pop %rbx\n"
	"	ret\n");

static volatile int remote_sent;
static struct uthread *remote_t0;       /* thread0 (current_uthread() in vcore
                                         * context is that vcore's own) */

/* On any vcore but thread0's: notify thread0's vcore, once. */
static void remote_hook(uint32_t v)
{
	uint32_t target = remote_t0->vcoreid;
	struct syscall sc;

	if (v == target || __atomic_exchange_n(&remote_sent, 1, __ATOMIC_SEQ_CST))
		return;
	sysc(&sc, SYS_self_notify, target, EV_USER_IPI, 0, 1);
}

UTEST(remote_notify_interrupts_thread0_intact)
{
	uint64_t out[NREGS + 1] = { 0 };

	remote_flag = 0;
	remote_sent = 0;
	remote_t0 = current_uthread();
	ev_vcore = 99;
	vcore_register_ev_handler(EV_USER_IPI, ipi_handler);
	vcore_sched_entry = remote_hook;
	UT_ASSERT_EQ(vcore_request_total(2), 2);
	spin_regs(out);
	vcore_sched_entry = 0;
	UT_ASSERT_EQ(remote_sent, 1);
	UT_ASSERT_MSG(ev_vcore == 0, "handler ran on vcore %u", ev_vcore);
	UT_ASSERT_MSG(!regs_wrong(out, 15), "%s", regs_wrong(out, 15));
	UT_ASSERT_EQ(out[20], 0);                       /* rsp unchanged */
	UT_ASSERT(wait_until(back_to_one));
}

/*
 * A notification sent while thread0's vcore is on its way back to user
 * mode from a syscall: the kernel's kick (an IPI) may land after that
 * return's checks, with interrupts on, where no check follows it; thread0
 * then spins without a trap and must still be interrupted.  Each round
 * thread0 makes a few syscalls while another vcore sends at a random
 * moment; then it spins (counted loops, not time: a host that stalls the
 * virtual CPU stalls both) until the handler ran.
 */
#define RACE_ROUNDS 1500
#define RACE_SPINS 4000000

static volatile uint32_t race_round, race_sent, race_stop;

static void race_hook(uint32_t v)
{
	uint64_t rng = 0x2545f4914f6cdd1dull + v;
	uint32_t last = 0;
	struct syscall sc;

	if (v == remote_t0->vcoreid)
		return;
	while (!race_stop) {
		uint32_t r = race_round;

		if (r == last) {
			__asm__ volatile("pause");
			continue;
		}
		last = r;
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		for (uint32_t i = (uint32_t)(rng % 3000); i; i--)
			__asm__ volatile("pause");
		sysc(&sc, SYS_self_notify, remote_t0->vcoreid, EV_USER_IPI, 0, 1);
		__atomic_store_n(&race_sent, r, __ATOMIC_SEQ_CST);
	}
}

/* Spins without syscalls until cond() or spins loops. */
static bool race_spin(bool (*cond)(void), uint32_t spins)
{
	for (uint32_t i = 0; i < spins; i++)
		if (cond())
			return true;
	return cond();
}

static uint32_t race_before;

static bool race_was_sent(void)
{
	return __atomic_load_n(&race_sent, __ATOMIC_SEQ_CST) == race_round;
}

static bool race_handled(void)
{
	return ev_count != race_before;
}

UTEST(remote_notify_never_lost_at_a_syscall_return)
{
	uint32_t lost = 0, r;

	remote_t0 = current_uthread();
	race_stop = 0;
	vcore_register_ev_handler(EV_USER_IPI, ipi_handler);
	vcore_sched_entry = race_hook;
	UT_ASSERT_EQ(vcore_request_total(2), 2);
	for (r = 1; r <= RACE_ROUNDS; r++) {
		race_before = ev_count;
		__atomic_store_n(&race_round, r, __ATOMIC_SEQ_CST);
		for (int k = 0; k < 6; k++)
			tsys(SYS_null);
		UT_ASSERT_MSG(race_spin(race_was_sent, 50 * RACE_SPINS), "round %u: no sender", r);
		if (!race_spin(race_handled, RACE_SPINS)) {
			lost++;
			tsys(SYS_null);         /* the next return delivers it */
			UT_ASSERT(race_handled());
		}
	}
	race_stop = 1;
	vcore_sched_entry = 0;
	tiny_printf("race: %u of %u notifications waited for a later trap\n", lost,
	            RACE_ROUNDS);
	UT_ASSERT_EQ(lost, 0);
	UT_ASSERT(wait_until(back_to_one));
}

/* ----------------------------------------------------- blocking syscalls */

static struct ktimespec nap_ts = { 0, 5 * 1000 * 1000 };
static volatile uint32_t nap_flags_after_trap, nap_hook_runs;

/* Vcore context: a sleeping call is synchronous (nothing to switch to). */
static void nap_hook(uint32_t v)
{
	struct syscall sc = { .num = SYS_nanosleep, .arg0 = UP(&nap_ts) };

	(void)v;
	ros_syscall_trap(&sc, 1);
	nap_flags_after_trap = __atomic_load_n(&sc.flags, __ATOMIC_ACQUIRE);
	ros_syscall_blockon(&sc);
	nap_hook_runs++;
}

UTEST(sleeping_syscall_detaches_in_uthread_context_only)
{
	struct ktimespec ts = { 0, 20 * 1000 * 1000 };
	struct syscall sc = { .num = SYS_nanosleep, .arg0 = UP(&ts) };

	/* From thread0 (uthread context): the trap comes back unfinished, the
	 * call completes on its own kthread; without a 2LS thread0 waits. */
	ros_syscall_trap(&sc, 1);
	UT_ASSERT_EQ(__atomic_load_n(&sc.flags, __ATOMIC_ACQUIRE) & SC_DONE, 0);
	ros_syscall_blockon(&sc);
	UT_ASSERT(__atomic_load_n(&sc.flags, __ATOMIC_ACQUIRE) & SC_DONE);
	UT_ASSERT_EQ(sc.err, 0);
	/* From vcore context: synchronous. */
	vcore_sched_entry = nap_hook;
	uthread_yield(true, NULL, NULL);
	vcore_sched_entry = 0;
	UT_ASSERT_EQ(nap_hook_runs, 1);
	UT_ASSERT(nap_flags_after_trap & SC_DONE);
}

int main(int argc, char **argv, char **envp __attribute__((unused)))
{
	return utest_main("mcp", argc, argv);
}
