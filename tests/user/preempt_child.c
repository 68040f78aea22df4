/* SPDX-License-Identifier: MIT */
/*
 * preempt_child.c - /test/preempt_child MODE: the other processes of
 * utest_preempt.c.
 *
 *	scpspin     an SCP spinning in user mode until killed
 *	claim       change_to_m, retried while no core is idle (the parent
 *	            provisioned a core it holds to us: the ksched takes it
 *	            back); exits with the pcore its vcore 0 got
 *	ufault      an MCP whose thread0 reads address 0x10 (uthread context):
 *	            the fault is reflected, parlib's default handler ends us
 *	            as killed by SIGSEGV
 *	vcfault     an MCP whose vcore context reads address 0x10: the kernel
 *	            kills us with a message
 *	count       an MCP asking for every vcore: exits with how many it has
 *	            after at most two seconds
 *	stress SEED an MCP that for two seconds asks for a random number of
 *	            vcores, yields some, halts some; exits 0 when done
 *	churn       an MCP whose vcores ask for every vcore and yield at once,
 *	            for 1.5 s, while thread0 checks its registers across
 *	            uthread yields: vcores start and restart all the time (the
 *	            parent preempts them as they do); exits 0, or 1 if thread0
 *	            found a register changed
 *
 * Anything else, or a mode that returns, exits with code 99.
 */
#include <parlib/uthread.h>
#include <parlib/vcore.h>
#include <ros/errno.h>
#include <ros/globalinfo.h>
#include <ros/procdata.h>
#include <tiny/start.h>
#include <tiny/string.h>
#include <tiny/syscall.h>

static const volatile struct proc_global_info *const ginfo =
	(const volatile struct proc_global_info *)UGINFO;
static const volatile struct procinfo *const pinfo = (const volatile struct procinfo *)UINFO;

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

static int mode_scpspin(void)
{
	for (;;)
		__asm__ volatile("pause");
	return 0;
}

static int mode_claim(void)
{
	uint64_t end = now_tsc() + ms_tsc(10000);
	int ret;

	while ((ret = vcore_change_to_m()) == -EBUSY && now_tsc() < end)
		tsys(SYS_block, 1000);
	if (ret)
		return 98;
	return (int)pinfo->vcoremap[vcore_id()].pcoreid;
}

static volatile uint64_t *volatile fault_ptr = (uint64_t *)0x10;

static int mode_ufault(void)
{
	if (vcore_change_to_m())
		return 98;
	return (int)*fault_ptr;         /* reflected; parlib's default ends us */
}

static void fault_hook(uint32_t v)
{
	(void)v;
	(void)*fault_ptr;               /* vcore context: the kernel kills us */
}

static int mode_vcfault(void)
{
	if (vcore_change_to_m())
		return 98;
	vcore_sched_entry = fault_hook;
	uthread_yield(true, NULL, NULL);        /* into vcore context */
	return 97;
}

/* ------------------------------------------------------------ stress */

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static volatile int stress_done;

/* Vcore context: spin a little, halt a little or yield, as the dice say. */
static void stress_hook(uint32_t v)
{
	uint64_t local = rng + v * 7919 + now_tsc();

	for (int i = 0; i < 50 && !stress_done; i++) {
		vcore_handle_events(v);
		if (current_uthread()->state == UTHREAD_RUNNABLE)
			return;
		local = local * 6364136223846793005ull + 1;
		if ((local >> 60) == 0)
			vcore_halt(2000);
		else if ((local >> 60) == 1)
			return;         /* vcore_continue yields */
		tsys(SYS_block, 100);
	}
}

static int mode_stress(const char *seed)
{
	uint64_t end;

	rng = 88172645463325252ull;
	for (const char *s = seed; *s; s++)
		rng = rng * 31 + (uint64_t)*s;
	if (vcore_change_to_m())
		return 98;
	vcore_sched_entry = stress_hook;
	end = now_tsc() + ms_tsc(2000);
	while (now_tsc() < end) {
		vcore_request_total(1 + rnd(pinfo->max_vcores));
		for (uint32_t i = rnd(200000); i; i--)
			__asm__ volatile("pause");
		if (rnd(4) == 0)
			uthread_yield(true, NULL, NULL);
	}
	stress_done = 1;
	return 0;
}

/* ------------------------------------------------------------- churn */

/* Vcore context: ask for every vcore again, then yield (vcore_continue). */
static void churn_hook(uint32_t v)
{
	(void)v;
	if (!stress_done)
		vcore_request_total(pinfo->max_vcores);
}

/* A value in a callee-saved register across a yield into vcore context. */
static uint64_t churn_round(uint64_t x)
{
	register uint64_t r12 __asm__("r12") = x;

	__asm__ volatile("" : "+r"(r12));
	uthread_yield(true, NULL, NULL);
	__asm__ volatile("" : "+r"(r12));
	return r12;
}

static int mode_churn(void)
{
	uint64_t end;
	int bad = 0;

	if (vcore_change_to_m())
		return 98;
	vcore_sched_entry = churn_hook;
	vcore_request_total(pinfo->max_vcores);
	end = now_tsc() + ms_tsc(1500);
	for (uint64_t i = 1; now_tsc() < end; i++)
		if (churn_round(i * 0x9e3779b97f4a7c15ull) != i * 0x9e3779b97f4a7c15ull)
			bad = 1;
	stress_done = 1;
	vcore_request_total(1);
	return bad;
}

static void idle_hook(uint32_t v)
{
	uint64_t end = now_tsc() + ms_tsc(2500);

	while (now_tsc() < end && current_uthread()->state != UTHREAD_RUNNABLE)
		vcore_handle_events(v);
}

static int mode_count(void)
{
	uint64_t end = now_tsc() + ms_tsc(2000);

	if (vcore_change_to_m())
		return 98;
	vcore_sched_entry = idle_hook;
	while (vcore_request_total(pinfo->max_vcores) < (int)pinfo->max_vcores &&
	       now_tsc() < end)
		tsys(SYS_block, 10000);
	return (int)num_vcores();
}

int main(int argc, char **argv, char **envp __attribute__((unused)))
{
	const char *m = argc > 1 ? argv[1] : "";

	if (!strcmp(m, "scpspin"))
		return mode_scpspin();
	if (!strcmp(m, "claim"))
		return mode_claim();
	if (!strcmp(m, "ufault"))
		return mode_ufault();
	if (!strcmp(m, "vcfault"))
		return mode_vcfault();
	if (!strcmp(m, "churn"))
		return mode_churn();
	if (!strcmp(m, "count"))
		return mode_count();
	if (!strcmp(m, "stress") && argc > 2)
		return mode_stress(argv[2]);
	return 99;
}
