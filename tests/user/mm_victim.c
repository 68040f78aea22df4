/* SPDX-License-Identifier: MIT */
/*
 * mm_victim.c - /test/mm_victim MODE: a child for utest_mm.c that touches
 * the kernel-shared pages, so a fault there kills it and not the test.
 *
 *	read-uinfo    exits with procinfo's pid & 0x7f (the parent compares)
 *	read-uginfo   exits 0 if the global info page's tsc_freq and nr_cores
 *	              look sane, else 1
 *	write-uinfo   writes to procinfo (read-only): must be killed
 *	write-udata   writes procdata's head and exits 0
 *
 * Unknown modes exit with 99.
 */
#include <ros/globalinfo.h>
#include <ros/mmu64.h>
#include <ros/procinfo.h>
#include <tiny/start.h>
#include <tiny/string.h>

static int mode_read_uginfo(void)
{
	const volatile struct proc_global_info *gi = (const void *)UGINFO;

	return gi->tsc_freq > 1000000 && gi->tsc_freq < 100000000000ull &&
	       gi->nr_cores >= 1 && gi->nr_cores <= 256 ? 0 : 1;
}

int main(int argc, char **argv, char **envp __attribute__((unused)))
{
	const char *mode = argc > 1 ? argv[1] : "";
	volatile struct procinfo *pi = (void *)UINFO;

	if (!strcmp(mode, "read-uinfo"))
		return (int)(pi->pid & 0x7f);
	if (!strcmp(mode, "read-uginfo"))
		return mode_read_uginfo();
	if (!strcmp(mode, "write-uinfo")) {
		pi->pid = 0;
		return 0;
	}
	if (!strcmp(mode, "write-udata")) {
		*(volatile uint64_t *)UDATA = 42;
		return *(volatile uint64_t *)UDATA == 42 ? 0 : 1;
	}
	return 99;
}
