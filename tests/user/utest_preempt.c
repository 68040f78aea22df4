/* SPDX-License-Identifier: MIT */
/*
 * utest_preempt.c - /test/utest_preempt: preemption, halt_core, whole
 * cores, event spamming and fault reflection for many-core processes
 * (Documentation/mcp.md).  Boots with 4 cores (core 0 low-latency: up to 3
 * vcores).  In order (the process turns into an MCP half-way):
 *  - as an SCP: vcore_request, halt_core and preempt refused;
 *  - an SCP spinner (/test/preempt_child scpspin) placed on a core we are
 *    then granted moves off it: no SCP slice and no kthread switch on any
 *    of our cores while our vcores spin there;
 *  - vcore_request and amt_wanted_min; bad arguments;
 *  - a preemption with warning honoured (the vcore yields before the
 *    deadline: sent 1, done 0), and one ignored (the alarm takes the core
 *    at the deadline: done 1, its vcore context resumed afterwards);
 *  - a preemption without warning of the vcore running thread0: another
 *    vcore recovers thread0 from the preempted VCPD (EV_VCORE_PREEMPT) and
 *    it goes on; the last vcore is never taken (EBUSY);
 *  - 32 event types sent with SPAM_PUBLIC to a preempted vcore: every one
 *    handled, on a running vcore;
 *  - halt_core: a vcore halts until a notification; a timed halt ends;
 *  - a core provisioned to a child (/test/preempt_child claim) is taken
 *    back from us with a warning, and comes back when the child is done;
 *  - faults: a uthread's fault reaches the 2LS hook, which repairs it; the
 *    default handler ends a child as killed by SIGSEGV; a fault in vcore
 *    context kills a child;
 *  - (a boot of its own, 6 cores) a bounded stress run: two MCP children
 *    and an SCP spinner while we preempt their vcores and provision cores
 *    at random; afterwards a new MCP gets every core; then preemptions
 *    without warning aimed at the vcores of a child whose vcores yield and
 *    come back all the time (taken as they start or restart).
 */
#include <parlib/uthread.h>
#include <parlib/vcore.h>
#include <ros/errno.h>
#include <ros/event.h>
#include <ros/fcntl.h>
#include <ros/globalinfo.h>
#include <ros/mmap.h>
#include <ros/procdata.h>
#include <ros/procinfo.h>
#include <tiny/print.h>
#include <tiny/proc.h>
#include <tiny/start.h>
#include <tiny/string.h>
#include <tiny/syscall.h>
#include <tiny/utest.h>

static const volatile struct procinfo *const pinfo = (const struct procinfo *)UINFO;
static const volatile struct proc_global_info *const ginfo =
	(const volatile struct proc_global_info *)UGINFO;
static struct procdata *const pd = (struct procdata *)UDATA;

static uint64_t now_tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static uint64_t ms_tsc(uint64_t ms)
{
	return ginfo->tsc_freq / 1000 * ms;
}

/* Cores an MCP may have: all but the low-latency core 0. */
static uint32_t nr_mcp_cores(void)
{
	return (uint32_t)ginfo->nr_cores - 1;
}

/* Spins until cond() or ms pass; cond()'s last answer. */
static bool wait_ms(bool (*cond)(void), uint64_t ms)
{
	uint64_t end = now_tsc() + ms_tsc(ms);

	while (now_tsc() < end)
		if (cond())
			return true;
	return cond();
}

static int64_t spawn_child(const char *mode, const char *arg)
{
	const char *argv[] = { "/test/preempt_child", mode, arg, NULL };
	int64_t pid = tiny_spawn("/test/preempt_child", argv);

	if (pid > 0 && tsys(SYS_proc_run, (uint64_t)pid) != 0)
		return -1;
	return pid;
}

/* ------------------------------------------------- vcore context hooks */

static volatile int hook_stop;
static volatile uint32_t hook_runs[ROS_MAX_VCORES], deaf_runs[ROS_MAX_VCORES];

/* Vcore context: runs thread0 here if it waits for a vcore.  (Returning
 * to vcore_continue instead would have every vcore that saw it runnable
 * race to claim it, and the losers yield their cores.) */
static void run_thread0_if_runnable(uint32_t v)
{
	struct uthread *t0 = current_uthread();

	if (uthread_claim(t0))
		uthread_run(t0, v);
}

/* Vcore context: stay on the core handling events (and running thread0
 * when it needs a vcore) until told to stop. */
static volatile int ignore_warning;

static void stay_hook(uint32_t v)
{
	__atomic_fetch_add(&hook_runs[v], 1, __ATOMIC_SEQ_CST);
	while (!hook_stop) {
		if (ignore_warning) {   /* deaf to events: only the deadline acts */
			__atomic_fetch_add(&deaf_runs[v], 1, __ATOMIC_SEQ_CST);
			while (ignore_warning)
				__asm__ volatile("pause");
			continue;
		}
		vcore_handle_events(v);
		run_thread0_if_runnable(v);
		__asm__ volatile("pause");
	}
}

static uint32_t want_nr;

static bool have_want_nr(void)
{
	return num_vcores() == want_nr;
}

/* Every other vcore leaves: back to thread0's alone. */
static bool back_to_one(void)
{
	hook_stop = 1;
	ignore_warning = 0;
	pd->head.res_req[RES_CORES].amt_wanted = 1;
	return num_vcores() == 1;
}

/* nr vcores, the others spinning in stay_hook. */
static bool grow_to(uint32_t nr)
{
	hook_stop = 0;
	vcore_sched_entry = stay_hook;
	want_nr = nr;
	vcore_request_total(nr);
	return wait_ms(have_want_nr, 3000);
}

/* ------------------------------------------------------------ as an SCP */

UTEST(scp_refused_vcore_request_halt_preempt)
{
	struct syscall sc;

	sysc(&sc, SYS_vcore_request, 2);
	UT_SYSC_ERR(&sc, EINVAL);
	UT_ASSERT_MSG(strstr(sc.errstr, "SCP"), "errstr '%s'", sc.errstr);
	sysc(&sc, SYS_halt_core, 0);
	UT_SYSC_ERR(&sc, EINVAL);
	sysc(&sc, SYS_preempt, 0, 0, 0);
	UT_SYSC_ERR(&sc, EINVAL);
	sysc(&sc, SYS_preempt, 99999, 0, 0);
	UT_SYSC_ERR(&sc, ESRCH);
	sysc(&sc, SYS_preempt, 0, 0, ~0ull);
	UT_SYSC_ERR(&sc, EINVAL);                   /* a warning of ages */
}

/* ------------------------------------------------------ whole cores */

static int64_t spinner_pid;

/* Reads #proc/self/vcores: per pcore, the switches and slices made. */
static int read_vcores(uint64_t sw[], uint64_t sl[], uint32_t *nr_lines)
{
	char buf[1024], *p = buf;
	struct syscall sc;
	int64_t fd, n;

	fd = sysc(&sc, SYS_openat, (uint64_t)-100, (uint64_t)"#proc/self/vcores", 17, O_RDONLY, 0);
	if (fd < 0)
		return -1;
	n = tsys(SYS_read, (uint64_t)fd, (uint64_t)buf, sizeof(buf) - 1);
	tsys(SYS_close, (uint64_t)fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	*nr_lines = 0;
	while (*p) {
		uint64_t f[7] = { 0 };

		for (int i = 0; i < 7; i++) {
			while (*p == ' ')
				p++;
			while (*p >= '0' && *p <= '9')
				f[i] = f[i] * 10 + (uint64_t)(*p++ - '0');
		}
		while (*p && *p != '\n')
			p++;
		if (*p)
			p++;
		if (f[1] < 8) {
			sw[f[1]] = f[5];
			sl[f[1]] = f[6];
		}
		(*nr_lines)++;
	}
	return 0;
}

UTEST(scp_moves_off_a_granted_core)
{
	uint64_t sw0[8] = { 0 }, sl0[8] = { 0 }, sw1[8] = { 0 }, sl1[8] = { 0 };
	uint32_t lines = 0;
	int status = -1;
	uint64_t end;

	spinner_pid = spawn_child("scpspin", NULL);
	UT_ASSERT(spinner_pid > 0);
	tsys(SYS_block, 20000);                    /* it runs on some core 1..3 */
	UT_ASSERT_EQ(vcore_change_to_m(), 0);
	UT_ASSERT(grow_to(3));
	tsys(SYS_block, 20000);                    /* the spinner leaves our cores */
	UT_ASSERT_EQ(read_vcores(sw0, sl0, &lines), 0);
	UT_ASSERT_EQ(lines, 3);
	end = now_tsc() + ms_tsc(300);
	while (now_tsc() < end)
		__asm__ volatile("pause");
	UT_ASSERT_EQ(read_vcores(sw1, sl1, &lines), 0);
	for (uint32_t v = 0; v < 3; v++) {
		uint32_t pc = pinfo->vcoremap[v].pcoreid;

		UT_ASSERT_MSG(pc != 0 && pc < 8, "vcore %u on pcore %u", v, pc);
		UT_ASSERT_MSG(sl1[pc] == sl0[pc], "pcore %u: %lu SCP slices in 300 ms", pc,
		              (unsigned long)(sl1[pc] - sl0[pc]));
		UT_ASSERT_MSG(sw1[pc] == sw0[pc], "pcore %u: %lu switches in 300 ms", pc,
		              (unsigned long)(sw1[pc] - sw0[pc]));
	}
	UT_ASSERT(wait_ms(back_to_one, 3000));
	UT_ASSERT_EQ(tsys(SYS_proc_destroy, (uint64_t)spinner_pid, 0), 0);
	UT_ASSERT_EQ(tiny_wait(spinner_pid, &status), spinner_pid);
}

/* ---------------------------------------------------- vcore_request */

UTEST(vcore_request_and_amt_wanted_min)
{
	struct syscall sc;

	hook_stop = 0;
	vcore_sched_entry = stay_hook;
	UT_ASSERT_EQ(sysc(&sc, SYS_vcore_request, 2), 2);
	UT_ASSERT_EQ(pd->head.res_req[RES_CORES].amt_wanted, 2);
	sysc(&sc, SYS_vcore_request, ROS_MAX_VCORES + 1);
	UT_SYSC_ERR(&sc, EINVAL);
	/* amt_wanted 1 but a minimum of 3: the ksched grants 3. */
	pd->head.res_req[RES_CORES].amt_wanted = 1;
	pd->head.res_req[RES_CORES].amt_wanted_min = 3;
	UT_ASSERT_EQ(sysc(&sc, SYS_vcore_request, 0), 3);
	/* ... and never takes us below it: */
	sysc(&sc, SYS_preempt, 0, 1, 0);
	UT_SYSC_ERR(&sc, EBUSY);
	pd->head.res_req[RES_CORES].amt_wanted_min = 0;
	UT_ASSERT_EQ(sysc(&sc, SYS_vcore_request, 3), 3);
	sysc(&sc, SYS_preempt, 0, 77, 0);
	UT_SYSC_ERR(&sc, EINVAL);                   /* no vcore 77 */
	UT_ASSERT(wait_ms(back_to_one, 3000));
}

/* ------------------------------------------------------- preemption */

static uint32_t victim;

static bool victim_gone(void)
{
	return !pinfo->vcoremap[victim].valid;
}

/* A vcore other than thread0's. */
static uint32_t other_vcore(void)
{
	uint32_t me = vcore_id();

	for (uint32_t v = 0; v < 3; v++)
		if (v != me && pinfo->vcoremap[v].valid)
			return v;
	return me;
}

UTEST(preempt_with_warning_honoured_before_the_deadline)
{
	uint32_t sent, done;
	uint64_t t0, deadline;

	UT_ASSERT(grow_to(3));
	victim = other_vcore();
	sent = pinfo->vcoremap[victim].nr_preempts_sent;
	done = pinfo->vcoremap[victim].nr_preempts_done;
	/* Keep our want at 2, so the freed core is not handed back. */
	pd->head.res_req[RES_CORES].amt_wanted = 2;
	vcore_request_total(2);
	t0 = now_tsc();
	deadline = t0 + ms_tsc(2000);
	/* A 2 s warning (the vcore may be gone before the call returns). */
	UT_ASSERT_EQ(tsys(SYS_preempt, 0, victim, 2000000), 0);
	UT_ASSERT(wait_ms(victim_gone, 3000));
	UT_ASSERT_MSG(now_tsc() < deadline, "the vcore left %lu ms after the deadline",
	              (unsigned long)((now_tsc() - deadline) / ms_tsc(1)));
	UT_ASSERT_EQ(pinfo->vcoremap[victim].nr_preempts_sent, sent + 1);
	UT_ASSERT_EQ(pinfo->vcoremap[victim].nr_preempts_done, done);       /* it yielded */
	UT_ASSERT_EQ(pinfo->vcoremap[victim].preempt_pending, 0);
	UT_ASSERT(wait_ms(back_to_one, 3000));
}

UTEST(preempt_with_warning_ignored_taken_at_the_deadline)
{
	uint32_t done, runs;
	uint64_t t0;

	UT_ASSERT(grow_to(3));
	victim = other_vcore();
	done = pinfo->vcoremap[victim].nr_preempts_done;
	ignore_warning = 1;                         /* stay_hook goes deaf */
	tsys(SYS_block, 20000);
	runs = deaf_runs[victim];
	UT_ASSERT_EQ(runs, 1);
	pd->head.res_req[RES_CORES].amt_wanted = 2;
	vcore_request_total(2);
	t0 = now_tsc();
	UT_ASSERT_EQ(tsys(SYS_preempt, 0, victim, 50000), 0);      /* 50 ms */
	UT_ASSERT(wait_ms(victim_gone, 3000));
	UT_ASSERT_MSG(now_tsc() - t0 >= ms_tsc(45), "taken after %lu ms",
	              (unsigned long)((now_tsc() - t0) / ms_tsc(1)));
	UT_ASSERT_EQ(pinfo->vcoremap[victim].nr_preempts_done, done + 1);
	UT_ASSERT(pd->vcpd[victim].flags & VC_PREEMPTED);
	UT_ASSERT(pd->vcpd[victim].rflags & VC_VCCTX_SAVED);       /* in vcore context */
	/* Back: it resumes where it was, deaf, not at vcore_entry. */
	vcore_request_total(3);
	want_nr = 3;
	UT_ASSERT(wait_ms(have_want_nr, 3000));
	tsys(SYS_block, 20000);
	UT_ASSERT(!(pd->vcpd[victim].flags & VC_PREEMPTED));
	UT_ASSERT_EQ(deaf_runs[victim], runs);
	ignore_warning = 0;
	UT_ASSERT(wait_ms(back_to_one, 3000));
}

static bool victim_not_stealing(void)
{
	return !(__atomic_load_n(&pd->vcpd[victim].flags, __ATOMIC_ACQUIRE) & VC_UTHREAD_STEALING);
}

UTEST(preempt_without_warning_thread0_recovered_elsewhere)
{
	uint32_t me, done;
	struct syscall sc;

	UT_ASSERT(grow_to(3));
	me = vcore_id();
	done = pinfo->vcoremap[me].nr_preempts_done;
	pd->head.res_req[RES_CORES].amt_wanted = 2;
	vcore_request_total(2);
	/* Our own vcore, in uthread context: we go on elsewhere. */
	UT_ASSERT_EQ(sysc(&sc, SYS_preempt, 0, me, 0), 0);
	UT_ASSERT_EQ(pinfo->vcoremap[me].nr_preempts_done, done + 1);
	UT_ASSERT_MSG(vcore_id() != me, "thread0 still on vcore %u", me);
	UT_ASSERT(!pinfo->vcoremap[me].valid);
	/* The stealer clears its bit after draining the mailbox: thread0 may
	 * run (on a third vcore) before that. */
	victim = me;
	UT_ASSERT(wait_ms(victim_not_stealing, 1000));
	/* The last vcores are never taken. */
	UT_ASSERT(wait_ms(back_to_one, 3000));
	sysc(&sc, SYS_preempt, 0, vcore_id(), 0);
	UT_SYSC_ERR(&sc, EBUSY);
}

/* ------------------------------------------------------- change_vcore */

/* Bad arguments, with notifications off (as vcore context) and on. */
UTEST(change_vcore_refuses_bad_targets)
{
	struct syscall sc;
	uint32_t me, other;

	UT_ASSERT(grow_to(3));
	me = vcore_id();
	other = other_vcore();
	UT_ASSERT(other != me);
	uth_disable_notifs();
	UT_ASSERT_EQ(vcore_change_to(me, false), -EINVAL);
	UT_ASSERT_EQ(vcore_change_to(ROS_MAX_VCORES, false), -EINVAL);
	UT_ASSERT_EQ(vcore_change_to(pinfo->max_vcores, false), -EINVAL);
	UT_ASSERT_EQ(vcore_change_to(other, false), -EBUSY);      /* it runs */
	uth_enable_notifs();
	sysc(&sc, SYS_change_vcore, other, 0);
	UT_SYSC_ERR(&sc, EINVAL);               /* uthread context, notifications on */
	UT_ASSERT_MSG(strstr(sc.errstr, "vcore context"), "errstr '%s'", sc.errstr);
	UT_ASSERT(pinfo->vcoremap[me].valid && pinfo->vcoremap[other].valid);
	UT_ASSERT(wait_ms(back_to_one, 3000));
}

static volatile uint32_t cv_target = 99, cv_changer = 99, cv_changer_pc, cv_go, cv_release;
static volatile uint32_t cv_done, cv_returned;
static volatile uint64_t cv_spins;
static volatile int cv_ret = 1;

/* Vcore context: the target spins deaf until released; the first other
 * vcore to see cv_go while thread0 runs elsewhere hands its core to the
 * (preempted) target; the rest as stay_hook.  thread0 moves between
 * vcores whenever an event interrupts it, so the changer cannot be chosen
 * in advance: a vcore holding thread0 would take it away with its core. */
static void cv_hook(uint32_t v)
{
	while (!hook_stop) {
		if (v == cv_target && !cv_done) {
			while (!cv_release)
				__atomic_fetch_add(&cv_spins, 1, __ATOMIC_SEQ_CST);
			cv_done = 1;
		}
		if (v != cv_target && cv_go &&
		    __atomic_load_n(&current_uthread()->state, __ATOMIC_ACQUIRE) == UTHREAD_RUNNING &&
		    __atomic_exchange_n(&cv_go, 0, __ATOMIC_SEQ_CST)) {
			cv_changer_pc = pinfo->vcoremap[v].pcoreid;
			cv_changer = v;
			cv_ret = vcore_change_to(cv_target, false);
			__atomic_fetch_add(&cv_returned, 1, __ATOMIC_SEQ_CST);
		}
		vcore_handle_events(v);
		run_thread0_if_runnable(v);
		__asm__ volatile("pause");
	}
}

static bool cv_target_on_changers_core(void)
{
	uint32_t c = cv_changer;

	return c < 3 && pinfo->vcoremap[cv_target].valid && !pinfo->vcoremap[c].valid;
}

static uint64_t cv_seen;

static bool cv_target_spinning(void)
{
	return __atomic_load_n(&cv_spins, __ATOMIC_SEQ_CST) > 1000;
}

static bool cv_target_spins_again(void)
{
	return __atomic_load_n(&cv_spins, __ATOMIC_SEQ_CST) > cv_seen + 1000;
}

static bool cv_changer_back(void)
{
	return cv_returned == 1;
}

static bool cv_target_finished(void)
{
	return cv_done == 1;
}

/*
 * Vcore t, preempted without warning in vcore context (spinning with
 * notifications off), gets the core of vcore c, which calls change_vcore:
 * t resumes where it spun, on c's old core, and c is preempted in its
 * place (VC_PREEMPTED, its vcore context saved); when c gets a core again
 * its change_vcore returns 0.
 */
UTEST(change_vcore_gives_the_core_to_a_preempted_vcore)
{
	hook_stop = 0;
	vcore_sched_entry = cv_hook;
	want_nr = 3;
	vcore_request_total(3);
	UT_ASSERT(wait_ms(have_want_nr, 3000));
	cv_target = other_vcore();
	UT_ASSERT(cv_target < 3 && cv_target != vcore_id());
	UT_ASSERT(wait_ms(cv_target_spinning, 3000));
	pd->head.res_req[RES_CORES].amt_wanted = 2;
	vcore_request_total(2);                 /* its core is not handed back */
	victim = cv_target;
	UT_ASSERT_EQ(tsys(SYS_preempt, 0, cv_target, 0), 0);
	UT_ASSERT(wait_ms(victim_gone, 3000));
	UT_ASSERT(pd->vcpd[cv_target].flags & VC_PREEMPTED);
	UT_ASSERT(pd->vcpd[cv_target].rflags & VC_VCCTX_SAVED);
	cv_seen = cv_spins;
	cv_go = 1;
	UT_ASSERT_MSG(wait_ms(cv_target_on_changers_core, 3000), "target %u valid %u, changer "
	              "%u, go %u, ret %d, %u vcores", cv_target, pinfo->vcoremap[cv_target].valid,
	              cv_changer, cv_go, cv_ret, num_vcores());
	UT_ASSERT_EQ(pinfo->vcoremap[cv_target].pcoreid, cv_changer_pc);
	UT_ASSERT(wait_ms(cv_target_spins_again, 3000));  /* resumed in its loop */
	UT_ASSERT(!(pd->vcpd[cv_target].flags & VC_PREEMPTED));
	UT_ASSERT(pd->vcpd[cv_changer].flags & VC_PREEMPTED);
	UT_ASSERT(pd->vcpd[cv_changer].rflags & VC_VCCTX_SAVED);
	UT_ASSERT_EQ(cv_returned, 0);
	UT_ASSERT_EQ(num_vcores(), 2);
	/* The changer comes back where it called. */
	cv_release = 1;
	UT_ASSERT(wait_ms(cv_target_finished, 3000));
	vcore_request_total(3);
	UT_ASSERT(wait_ms(cv_changer_back, 3000));
	UT_ASSERT_EQ(cv_ret, 0);
	cv_target = cv_changer = 99;
	UT_ASSERT(wait_ms(back_to_one, 3000));
	vcore_sched_entry = stay_hook;
}

/* ---------------------------------------------------------- spamming */

#define NR_SPAM 32
static volatile uint32_t spam_seen[NR_SPAM], spam_on_victim;

static void spam_handler(const struct event_msg *m, uint32_t v)
{
	if (m->ev_type >= EV_FIRST_DYNAMIC && m->ev_type < EV_FIRST_DYNAMIC + NR_SPAM)
		__atomic_fetch_add(&spam_seen[m->ev_type - EV_FIRST_DYNAMIC], 1, __ATOMIC_SEQ_CST);
	if (v == victim)
		spam_on_victim++;
}

static bool all_spam_seen(void)
{
	for (int i = 0; i < NR_SPAM; i++)
		if (!spam_seen[i])
			return false;
	return true;
}

UTEST(spam_public_to_a_preempted_vcore_none_lost)
{
	static struct event_queue q;
	struct event_msg m = { 0 };

	UT_ASSERT(grow_to(3));
	victim = other_vcore();
	pd->head.res_req[RES_CORES].amt_wanted = 2;
	vcore_request_total(2);
	UT_ASSERT_EQ(tsys(SYS_preempt, 0, victim, 0), 0);
	UT_ASSERT(wait_ms(victim_gone, 3000));
	for (int i = 0; i < NR_SPAM; i++)
		vcore_register_ev_handler((uint16_t)(EV_FIRST_DYNAMIC + i), spam_handler);
	q.ev_flags = EVENT_IPI | EVENT_SPAM_PUBLIC | EVENT_VCORE_MUST_RUN | EVENT_NOTHROTTLE;
	q.ev_vcore = victim;
	for (int i = 0; i < NR_SPAM; i++) {
		m.ev_type = (uint16_t)(EV_FIRST_DYNAMIC + i);
		UT_ASSERT_EQ(tsys(SYS_send_event, (uint64_t)&q, (uint64_t)&m, victim), 0);
	}
	UT_ASSERT_MSG(wait_ms(all_spam_seen, 3000), "lost events");
	UT_ASSERT_EQ(spam_on_victim, 0);
	/* Round robin skips the preempted vcore too. */
	q.ev_flags = EVENT_IPI | EVENT_ROUNDROBIN | EVENT_NOTHROTTLE;
	q.ev_vcore = victim;
	m.ev_type = EV_FIRST_DYNAMIC;
	UT_ASSERT_EQ(tsys(SYS_send_event, (uint64_t)&q, (uint64_t)&m, victim), 0);
	UT_ASSERT(q.ev_vcore != victim);
	UT_ASSERT(wait_ms(back_to_one, 3000));
}

/* ---------------------------------------------------------- halt_core */

static volatile uint64_t halt_t0, halt_t1;
static volatile uint32_t halted_vcore = ~0u, ipi_seen;

static void halt_ipi(const struct event_msg *m, uint32_t v)
{
	(void)m;
	(void)v;
	ipi_seen++;
}

static void halt_hook(uint32_t v)
{
	if (v == vcore_id() && !hook_stop && halted_vcore == ~0u &&
	    current_uthread()->vcoreid != v) {
		halted_vcore = v;
		halt_t0 = now_tsc();
		vcore_halt(5000000);
		halt_t1 = now_tsc();
		vcore_handle_events(v);
	}
	stay_hook(v);
}

static bool halt_started(void)
{
	return halted_vcore != ~0u;
}

static bool halt_ended(void)
{
	return halt_t1 != 0;
}

UTEST(halt_core_sleeps_until_an_event)
{
	struct syscall sc;
	uint64_t sent;

	vcore_register_ev_handler(EV_USER_IPI, halt_ipi);
	vcore_sched_entry = halt_hook;
	hook_stop = 0;
	want_nr = 2;
	vcore_request_total(2);
	UT_ASSERT(wait_ms(halt_started, 3000));
	tsys(SYS_block, 100000);                   /* 100 ms: it stays halted */
	UT_ASSERT_EQ(halt_t1, 0);
	UT_ASSERT(pinfo->vcoremap[halted_vcore].valid);    /* it keeps its core */
	sent = now_tsc();
	UT_ASSERT_EQ(sysc(&sc, SYS_self_notify, halted_vcore, EV_USER_IPI, 0, 1), 0);
	UT_ASSERT(wait_ms(halt_ended, 3000));
	UT_ASSERT(halt_t1 >= sent);
	UT_ASSERT(halt_t1 - halt_t0 >= ms_tsc(90));
	UT_ASSERT(ipi_seen >= 1);
	sysc(&sc, SYS_halt_core, 61ull * 1000 * 1000);
	UT_SYSC_ERR(&sc, EINVAL);
	UT_ASSERT(wait_ms(back_to_one, 3000));
}

/* ------------------------------------------------------ provisioning */

UTEST(provisioned_core_taken_back_and_returned)
{
	uint32_t pc, v, sent;
	int64_t pid;
	int status = -1;

	UT_ASSERT(grow_to(3));
	v = other_vcore();
	pc = pinfo->vcoremap[v].pcoreid;
	sent = pinfo->vcoremap[v].nr_preempts_sent;
	pid = spawn_child("claim", NULL);
	UT_ASSERT(pid > 0);
	UT_ASSERT_EQ(tsys(SYS_provision, (uint64_t)pid, RES_CORES, pc), 0);
	UT_ASSERT_EQ(tiny_wait(pid, &status), pid);
	UT_ASSERT_MSG(status == (int)WSTATUS_EXITED(pc), "child status %#x, wanted exit %u",
	              status, pc);
	UT_ASSERT(pinfo->vcoremap[v].nr_preempts_sent > sent);
	/* The child is gone: we want 3, the core comes back to us. */
	want_nr = 3;
	UT_ASSERT(wait_ms(have_want_nr, 3000));
	UT_ASSERT(wait_ms(back_to_one, 3000));
}

/* ------------------------------------------------------------- faults */

static volatile uint8_t *prot_page;
static volatile uint32_t refl_trap, refl_count;
static volatile uint64_t refl_addr;

static void refl_hook(struct uthread *u, const struct vcpd_refl_fault *f)
{
	refl_trap = f->trap;
	refl_addr = f->addr;
	refl_count++;
	tsys(SYS_mprotect, (uint64_t)prot_page, 4096, PROT_READ | PROT_WRITE);
	__atomic_store_n(&u->state, UTHREAD_RUNNABLE, __ATOMIC_RELEASE);  /* retry it */
}

UTEST(uthread_fault_reflected_to_the_2ls_hook)
{
	int64_t a = tsys(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE,
	                 MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0);

	UT_ASSERT(a > 0);
	prot_page = (volatile uint8_t *)a;
	prot_page[0] = 42;
	UT_ASSERT_EQ(tsys(SYS_mprotect, (uint64_t)a, 4096, PROT_NONE), 0);
	vcore_refl_fault_hook = refl_hook;
	UT_ASSERT_EQ(prot_page[0], 42);             /* faults, reflected, repaired */
	vcore_refl_fault_hook = 0;
	UT_ASSERT_EQ(refl_count, 1);
	UT_ASSERT_EQ(refl_trap, 14);
	UT_ASSERT_EQ(refl_addr, (uint64_t)a);
}

UTEST(uthread_fault_default_handler_ends_child_sigsegv)
{
	int status = -1;
	int64_t pid = spawn_child("ufault", NULL);

	UT_ASSERT(pid > 0);
	UT_ASSERT_EQ(tiny_wait(pid, &status), pid);
	UT_ASSERT_MSG(status == WSTATUS_SIGNALED(11), "status %#x", status);
}

UTEST(vcore_context_fault_kills_child)
{
	int status = -1;
	int64_t pid = spawn_child("vcfault", NULL);

	UT_ASSERT(pid > 0);
	UT_ASSERT_EQ(tiny_wait(pid, &status), pid);
	UT_ASSERT_MSG(status == WSTATUS_KILLED, "status %#x", status);
}

/* ------------------------------------------------------------- stress */

static uint64_t srng = 0x9e3779b97f4a7c15ull;

static uint32_t srnd(uint32_t n)
{
	srng ^= srng << 13;
	srng ^= srng >> 7;
	srng ^= srng << 17;
	return (uint32_t)(srng % n);
}

/* #mem/free's counters of what a process takes from the kernel. */
struct mem_snap {
	uint64_t pages_free, kmalloc_objects, slab_objects, kthreads_live;
};

/* The number after "name " in text (0 if missing). */
static uint64_t mem_field(const char *text, const char *name)
{
	size_t len = strlen(name);
	uint64_t v = 0;

	for (const char *p = text; *p; p++) {
		if ((p == text || p[-1] == '\n') && !strncmp(p, name, len) && p[len] == ' ') {
			for (p += len + 1; *p >= '0' && *p <= '9'; p++)
				v = v * 10 + (uint64_t)(*p - '0');
			return v;
		}
	}
	return 0;
}

static void mem_snap(struct mem_snap *m)
{
	static char buf[2048];
	struct syscall sc;
	int64_t fd, n;

	/* The per-core magazines and clean cached pages back first. */
	fd = sysc(&sc, SYS_openat, (uint64_t)-100, (uint64_t)"#mem/ctl", 8, O_WRONLY, 0);
	UT_ASSERT_MSG(fd >= 0, "open #mem/ctl: %s", sc.errstr);
	UT_ASSERT_EQ(tsys(SYS_write, (uint64_t)fd, (uint64_t)"reclaim", 7), 7);
	tsys(SYS_close, (uint64_t)fd);
	fd = sysc(&sc, SYS_openat, (uint64_t)-100, (uint64_t)"#mem/free", 9, O_RDONLY, 0);
	UT_ASSERT_MSG(fd >= 0, "open #mem/free: %s", sc.errstr);
	n = tsys(SYS_read, (uint64_t)fd, (uint64_t)buf, sizeof(buf) - 1);
	tsys(SYS_close, (uint64_t)fd);
	UT_ASSERT(n > 0);
	buf[n] = 0;
	m->pages_free = mem_field(buf, "pages_free");
	m->kmalloc_objects = mem_field(buf, "kmalloc_objects");
	m->slab_objects = mem_field(buf, "slab_objects");
	m->kthreads_live = mem_field(buf, "kthreads_live");
	UT_ASSERT(m->pages_free > 0 && m->kthreads_live > 0);
}

/* Back where it was (both snapshots taken after a reclaim, which empties
 * the per-core magazines): kthreads and objects exactly, pages within a
 * few (a magazine refilled between the reclaim and the read), far below
 * what a leaked process (page tables, procdata, VCPD pages: dozens) would
 * leave. */
static bool mem_back(const struct mem_snap *b, const struct mem_snap *n)
{
	return n->kthreads_live <= b->kthreads_live && n->pages_free + 16 >= b->pages_free &&
	       n->kmalloc_objects <= b->kmalloc_objects && n->slab_objects <= b->slab_objects;
}

static void mem_check_back(const struct mem_snap *before)
{
	struct mem_snap now;

	mem_snap(&now);
	for (int i = 0; i < 100 && !mem_back(before, &now); i++) {
		tsys(SYS_block, 20000);         /* reaping settles */
		mem_snap(&now);
	}
	tiny_printf("stress: pages_free %llu -> %llu, kmalloc %llu -> %llu, slab %llu -> %llu, "
	            "kthreads %llu -> %llu\n", (unsigned long long)before->pages_free,
	            (unsigned long long)now.pages_free, (unsigned long long)before->kmalloc_objects,
	            (unsigned long long)now.kmalloc_objects,
	            (unsigned long long)before->slab_objects, (unsigned long long)now.slab_objects,
	            (unsigned long long)before->kthreads_live, (unsigned long long)now.kthreads_live);
	UT_ASSERT_MSG(mem_back(before, &now), "the stress run leaked kernel memory or kthreads");
}

/* Children that fill the page cache with the child's program and the
 * per-core caches of pages, objects and kernel stacks before a snapshot. */
static void stress_warm_up(void)
{
	int status = -1;

	for (int i = 0; i < 2; i++) {
		int64_t c = spawn_child("count", NULL), s = spawn_child("scpspin", NULL);

		UT_ASSERT(c > 0 && s > 0);
		UT_ASSERT_EQ(tiny_wait(c, &status), c);
		tsys(SYS_block, 1000);
		UT_ASSERT_EQ(tsys(SYS_proc_destroy, (uint64_t)s, 0), 0);
		UT_ASSERT_EQ(tiny_wait(s, &status), s);
	}
}

/* Runs on 6 cores (a boot of its own): 5 for MCPs, so that the two
 * children have vcores to take.  Seeded (srng), bounded (1.5 s); nothing
 * leaks: #mem/free's pages, objects and kthreads come back. */
UTEST(stress_two_mcps_and_an_scp)
{
	struct mem_snap before;
	int64_t a, b, spin, all;
	int64_t kids[2];
	int status = -1;
	uint64_t end;
	uint32_t preempts = 0, tries = 0;

	stress_warm_up();
	mem_snap(&before);
	a = spawn_child("stress", "alpha");
	b = spawn_child("stress", "beta");
	spin = spawn_child("scpspin", NULL);
	kids[0] = a;
	kids[1] = b;
	end = now_tsc() + ms_tsc(1500);
	UT_ASSERT(a > 0 && b > 0 && spin > 0);
	while (now_tsc() < end) {
		int64_t k = kids[srnd(2)];

		tries++;
		if (tsys(SYS_preempt, (uint64_t)k, srnd(5), srnd(2) ? 0 : 1000 + srnd(5000)) == 0)
			preempts++;
		if (srnd(8) == 0)
			tsys(SYS_provision, (uint64_t)kids[srnd(2)], RES_CORES, 1 + srnd(5));
		tsys(SYS_block, 1000 + srnd(4000));
	}
	UT_ASSERT_EQ(tiny_wait(a, &status), a);
	UT_ASSERT_MSG(status == 0, "alpha status %#x", status);
	UT_ASSERT_EQ(tiny_wait(b, &status), b);
	UT_ASSERT_MSG(status == 0, "beta status %#x", status);
	tiny_printf("stress: %u of %u preemptions taken\n", preempts, tries);
	UT_ASSERT(preempts > 0);
	/* Every core is back: a new MCP gets them all. */
	all = spawn_child("count", NULL);
	UT_ASSERT(all > 0);
	UT_ASSERT_EQ(tiny_wait(all, &status), all);
	UT_ASSERT_MSG(status == (int)WSTATUS_EXITED(nr_mcp_cores()),
	              "count status %#x, wanted exit %u", status, nr_mcp_cores());
	UT_ASSERT_EQ(tsys(SYS_proc_destroy, (uint64_t)spin, 0), 0);
	UT_ASSERT_EQ(tiny_wait(spin, &status), spin);
	mem_check_back(&before);
}

/* Preemptions without warning aimed at vcores that keep yielding and being
 * granted again (/test/preempt_child churn): many land on a vcore whose
 * kthread has started but not yet entered user mode, or restarted after a
 * preemption and not yet resumed.  The child must neither die nor see its
 * thread0 damaged. */
UTEST(preempt_as_vcores_start_and_restart)
{
	int64_t c = spawn_child("churn", NULL);
	uint64_t end = now_tsc() + ms_tsc(1500);
	uint32_t preempts = 0, tries = 0;
	int status = -1;

	UT_ASSERT(c > 0);
	while (now_tsc() < end) {
		tries++;
		if (tsys(SYS_preempt, (uint64_t)c, 1 + srnd(nr_mcp_cores() - 1), 0) == 0)
			preempts++;
	}
	UT_ASSERT_EQ(tiny_wait(c, &status), c);
	UT_ASSERT_MSG(status == 0, "churn status %#x", status);
	tiny_printf("churn: %u of %u preemptions taken\n", preempts, tries);
	UT_ASSERT(preempts > 0);
}

int main(int argc, char **argv, char **envp __attribute__((unused)))
{
	return utest_main("preempt", argc, argv);
}
