/* SPDX-License-Identifier: MIT */
/*
 * utest_mcp.c - /test/utest_mcp: many-core processes from user space, as
 * far as they exist (Documentation/mcp.md): provisioning cores
 * (SYS_provision) with every bad argument, poking the ksched
 * (SYS_poke_ksched), which an SCP may not, and procinfo's core maps of an
 * SCP (no vcores granted, an even sequence counter).  Every failure must
 * carry its errno and an errstr naming the value at fault.  Boots with 4
 * cores.  Run all: /test/utest_mcp; some: /test/utest_mcp provision_bad.
 */
#include <ros/procinfo.h>
#include <tiny/print.h>
#include <tiny/proc.h>
#include <tiny/start.h>
#include <tiny/string.h>
#include <tiny/syscall.h>
#include <tiny/utest.h>

static const volatile struct procinfo *const pinfo = (const struct procinfo *)UINFO;

static uint64_t nr_cores(void)
{
	return 4;                       /* run-ktests.sh boots us with --smp 4 */
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

int main(int argc, char **argv, char **envp __attribute__((unused)))
{
	return utest_main("mcp", argc, argv);
}
