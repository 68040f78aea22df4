/* SPDX-License-Identifier: MIT */
/*
 * init.c - kernel_main(): the boot core's path from entry32.S to a running
 * kernel, in order.  Each step is one call into its subsystem; this file
 * only sequences them and reports what the machine turned out to be.
 *
 *   console      serial + VGA, so everything after can print
 *   boot info    Multiboot or Multiboot2 -> boot_info; the command line
 *   cpu          GDT/TSS/IDT and per-cpu data of the boot core
 *   memory       page tables with a direct map of all RAM, then the page,
 *                arena, slab and kmalloc allocators
 *   platform     ACPI (or MP tables), LAPIC, IOAPIC, HPET, TSC
 *   smp          start every other core
 *   kernel core  kernel messages, kthreads, alarms
 *   name space   every device's reset and init, the kernel's name space
 *   then         the ktests named by ktest=..., or the first process
 *                (init=PATH ARGS..., or /bin/init when the root has it and
 *                neither init= nor noinit is given) in a kthread of its
 *                own, while the boot kthread serves the monitor: Ctrl-G
 *                opens it, and so does the first process's end
 *
 * init_run_program() (start a program from a kernel thread and wait for it)
 * is shared with the monitor's 'run' command.
 */
#include <arch/trap.h>
#include <assert.h>
#include <boot.h>
#include <cmdline.h>
#include <console.h>
#include <globalinfo.h>
#include <init.h>
#include <kthread.h>
#include <ktest.h>
#include <monitor.h>
#include <pci.h>
#include <percpu.h>
#include <printk.h>
#include <process.h>
#include <qemu.h>
#include <rtc.h>
#include <sysfile.h>
#include <time.h>

static const char *const known_options[] = {
	"ktest", "init", "console", "nosmp", "maxcores", "nox2apic", "nohpet",
	"noacpi", "quiet", "initexit", "panicexit", "noinit", "llcores", NULL,
};

static void boot_banner(void)
{
	printk("\nVireo kernel, booted by %s\n",
	       boot_info.protocol == BOOT_MULTIBOOT2 ? "Multiboot2" : "Multiboot");
	printk("command line: '%s'\n", boot_info.cmdline);
}

static void run_ktests_and_exit(const char *sel)
{
	int failed = ktest_run_selection(sel);

	qemu_exit(failed ? QEMU_EXIT_FAILURE : QEMU_EXIT_SUCCESS);
}

#define INIT_MAX_ARGS 32
#define INIT_DEFAULT_PATH "/bin/init"

/* Declared in monitor.c too, until <init.h> carries it. */
/*
 * Starts argv[0] with argv (environment PATH=/bin) in the calling kthread's
 * name space and waits for it: 0 with *status (the wait status), or -errno
 * when it could not be started (reported on the console).  Sleeps.
 */
int init_run_program(const char *const *argv, int *status)
{
	const char *envp[] = { "PATH=/bin", NULL };
	struct proc *p;
	int ret = proc_create(argv[0], argv, envp, &p);

	if (ret) {
		printk("init: cannot start %s: error %d: %s\n", argv[0], -ret, get_errstr());
		return ret;
	}
	printk("init: started %s as pid %d\n", argv[0], p->pid);
	if (proc_run(p))
		panic("init: proc_run refused a new process");
	*status = proc_wait(p);
	printk("init: %s exited with status %#x\n", argv[0], *status);
	return 0;
}

/*
 * The first process's kthread: runs init=PATH ARGS... and waits for it.
 * With 'initexit' on the command line the boot then leaves QEMU with the
 * process's success (make run and the user-space test boots do this);
 * otherwise the monitor opens.
 */
static void run_init(void *arg)
{
	const char *cmd = arg;
	static char words[BOOT_CMDLINE_MAX];
	const char *argv[INIT_MAX_ARGS + 1];
	int argc = cmdline_split_words(cmd, words, sizeof(words), argv, INIT_MAX_ARGS + 1);
	int status = -1;

	if (argc <= 0)
		printk("init: cannot split '%s' into words\n", cmd);
	else if (init_run_program(argv, &status))
		status = -1;
	if (cmdline_has(&boot_cmdline, "initexit"))
		qemu_exit(status == 0 ? QEMU_EXIT_SUCCESS : QEMU_EXIT_FAILURE);
	printk("Entering the kernel monitor (type 'help').\n");
	monitor_open();
}

/*
 * The first process to run: init=..., else /bin/init if the root file
 * system has it (and 'noinit' is absent), else none (NULL).
 */
static const char *init_command(void)
{
	const char *cmd = cmdline_get(&boot_cmdline, "init");
	int fd;

	if (cmd || cmdline_has(&boot_cmdline, "noinit"))
		return cmd;
	fd = sysopen(INIT_DEFAULT_PATH, O_READ, 0);
	if (fd < 0)
		return NULL;
	sysclose(fd);
	return INIT_DEFAULT_PATH;
}

void kernel_main(uint32_t magic, physaddr_t info_pa);
void kernel_main(uint32_t magic, physaddr_t info_pa)
{
	const char *ktest_sel, *init_cmd;

	console_init();
	trap_init();
	percpu_init_core(0, 0);
	if (bootinfo_parse(magic, info_pa))
		panic("cannot continue without boot information");
	cmdline_parse(&boot_cmdline, boot_info.cmdline);
	boot_banner();
	cmdline_check_known(&boot_cmdline, known_options);

	mem_init();
	platform_init();
	tsc_calibrate();
	smp_boot();
	kernel_core_init();
	console_irq_init();
	globalinfo_init();
	rtc_init();
	pci_init();
	ns_init();

	ktest_sel = cmdline_get(&boot_cmdline, "ktest");
	if (ktest_sel)
		run_ktests_and_exit(ktest_sel);
	init_cmd = init_command();
	if (init_cmd) {
		kthread_run_on(kthread_create(run_init, (void *)init_cmd, "init"), core_id());
	} else {
		printk("Entering the kernel monitor (type 'help').\n");
		monitor_open();
	}
	monitor_serve_forever();
}
