/* SPDX-License-Identifier: MIT */
/*
 * mcp_victim.c - /test/mcp_victim MODE: a child that becomes a many-core
 * process and then does one thing the kernel must cope with
 * (utest_mcp.c):
 *
 *	bad-entry0    VCPD 0's vcore_entry non-canonical, then change_to_m:
 *	              vcore 0 cannot start (killed with a message)
 *	bad-entry     an MCP whose VCPD 1 has a non-canonical vcore_entry asks
 *	              for 2 vcores (killed when vcore 1 starts)
 *	bad-stack     the same with vcore_stack in the kernel half
 *	bad-tls       the same with vcore_tls_desc in the kernel half
 *	stack-unmapped  vcore_stack a canonical user address with nothing
 *	              mapped: vcore 1 faults in vcore context (killed)
 *	spin          an MCP on every vcore it can get, all spinning (the
 *	              parent kills it: every vcore must leave user mode)
 *	exit          an MCP with every vcore spinning but thread0, which
 *	              exits with code 7
 *
 * Anything else, or a mode that returns, exits with code 99.
 */
#include <parlib/uthread.h>
#include <parlib/vcore.h>
#include <ros/procdata.h>
#include <tiny/print.h>
#include <tiny/start.h>
#include <tiny/string.h>
#include <tiny/syscall.h>

static struct procdata *const pd = (struct procdata *)UDATA;

static void spin_forever(void)
{
	for (;;)
		__asm__ volatile("pause");
}

static void spin_hook(uint32_t vcoreid)
{
	(void)vcoreid;
	spin_forever();
}

/* Becomes an MCP, scribbles over VCPD 1's field at off, asks for 2 vcores. */
static int bad_vcpd1(size_t off, uint64_t val)
{
	if (vcore_change_to_m())
		return 98;
	*(uint64_t *)((uint8_t *)&pd->vcpd[1] + off) = val;
	vcore_request_total(2);
	spin_forever();
	return 0;
}

static int mode_bad_entry0(void)
{
	struct syscall sc;

	pd->vcpd[0].vcore_entry = 0x8000000000001000ull;
	pd->vcpd[0].vcore_stack = 0x10000000;
	sysc(&sc, SYS_change_to_m);    /* thread0's context is saved, vcore 0 dies */
	spin_forever();
	return 0;
}

/* An MCP with every vcore it can get spinning in vcore context. */
static int become_spinning_mcp(void)
{
	if (vcore_change_to_m())
		return 98;
	vcore_sched_entry = spin_hook;
	vcore_request_total(64);
	return 0;
}

static int mode_spin(void)
{
	int ret = become_spinning_mcp();

	if (!ret)
		spin_forever();
	return ret;
}

static int mode_exit(void)
{
	int ret = become_spinning_mcp();

	if (ret)
		return ret;
	while (num_vcores() < 2)
		__asm__ volatile("pause");
	tsys(SYS_proc_destroy, 0, 7);
	return 0;
}

int main(int argc, char **argv, char **envp __attribute__((unused)))
{
	const char *m = argc > 1 ? argv[1] : "";

	if (!strcmp(m, "bad-entry0"))
		return mode_bad_entry0();
	if (!strcmp(m, "bad-entry"))
		return bad_vcpd1(__builtin_offsetof(struct vcpd, vcore_entry), 0x8000000000000000ull);
	if (!strcmp(m, "bad-stack"))
		return bad_vcpd1(__builtin_offsetof(struct vcpd, vcore_stack), 0xffff800000100000ull);
	if (!strcmp(m, "bad-tls"))
		return bad_vcpd1(__builtin_offsetof(struct vcpd, vcore_tls_desc),
		                 0xffff800000000000ull);
	if (!strcmp(m, "stack-unmapped"))
		return bad_vcpd1(__builtin_offsetof(struct vcpd, vcore_stack), 0x00007e0000000000ull);
	if (!strcmp(m, "spin"))
		return mode_spin();
	if (!strcmp(m, "exit"))
		return mode_exit();
	return 99;
}
