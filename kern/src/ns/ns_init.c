/* SPDX-License-Identifier: MIT */
/*
 * ns_init.c - boot of the name-space layer: every device's reset and init,
 * then the kernel's name space.
 *
 * The kernel name space (the pgrp every kthread resolves paths in until
 * processes exist) has #root as "/" and then, for each device in the table
 * below that this kernel has (devno() >= 0), one bind:
 *
 *	#kfs     on /      before #root, and takes creates (the root fs)
 *	#cons    on /dev   after (the union of /dev collects the devices)
 *	#random  on /dev   after
 *	#srv     on /srv,  #env on /env,  #proc on /proc
 *	#ip      on /net   after, and #ether on /net before: one union holds
 *	                   the stack's files and the interfaces' etherN
 *	#tmpfs   on /tmp   and takes creates
 *	#tmpfs   on /dev/shm (another tree) and takes creates: POSIX shared
 *	                   memory and named semaphores (the C library's shm_open,
 *	                   sem_open) for every process, which inherit this
 *	                   name space, so unrelated processes share the files
 *	#mqueue  on /dev/mqueue: POSIX message queues
 *
 * A bind that fails is reported on the console and the boot carries on
 * with the rest; only a missing #root stops it (a kernel without "/" cannot
 * resolve any path).  Runs once, on the boot kthread, from kernel_main().
 */
#include <assert.h>
#include <err.h>
#include <fdtable.h>
#include <ns.h>
#include <printk.h>
#include <sysfile.h>

struct ns_boot_bind {
	const char *dev;
	const char *onto;
	int flag;
};

static const struct ns_boot_bind ns_boot_binds[] = {
	{ "kfs", "/", MBEFORE | MCREATE },
	{ "cons", "/dev", MAFTER },
	{ "random", "/dev", MAFTER },
	{ "srv", "/srv", MREPL },
	{ "env", "/env", MREPL },
	{ "proc", "/proc", MREPL },
	{ "ip", "/net", MAFTER },
	{ "ether", "/net", MBEFORE },
	{ "tmpfs", "/tmp", MREPL | MCREATE },
	{ "tmpfs", "/dev/shm", MREPL | MCREATE },
	{ "mqueue", "/dev/mqueue", MREPL | MCREATE },
};

static void ns_boot_bind_one(const struct ns_boot_bind *b)
{
	char src[32];

	if (devno(b->dev) < 0)
		return;
	snprintf(src, sizeof(src), "#%s", b->dev);
	if (sysbind(src, b->onto, b->flag) < 0)
		printk("ns: bind %s on %s failed: %s\n", src, b->onto, get_errstr());
}

static struct pgrp *ns_kernel_pgrp(void)
{
	ERRSTACK(1);
	int t = devno("root");
	struct pgrp *p;

	if (t < 0)
		panic("ns: no #root device");
	if (waserror())
		panic("ns: cannot build the kernel name space: %s", get_errstr());
	p = newpgrp();
	p->root = devtab_start[t].attach("");
	poperror();
	return p;
}

void ns_init(void)
{
	devtab_reset_all();
	devtab_init_all();
	ns_swap_pgrp(ns_kernel_pgrp());
	if (fd_table_prealloc(current_fdt()))
		panic("ns: no memory for the kernel FD table");
	for (size_t i = 0; i < ARRAY_SIZE(ns_boot_binds); i++)
		ns_boot_bind_one(&ns_boot_binds[i]);
	printk("ns: %d devices, kernel name space ready\n", devtab_count());
}
