/* SPDX-License-Identifier: MIT */
/*
 * monitor.c - the kernel monitor: a command line on the serial console.
 *
 * Entered at the end of boot (until user space exists), after a panic, and
 * when Ctrl-G arrives on the console: the boot kthread serves the monitor
 * (monitor_serve_forever) and sleeps on a semaphore that the UART interrupt
 * ups for each Ctrl-G.  Commands are the table
 * below; each takes argc/argv and prints a usage line for bad arguments.
 * While waiting for input the monitor's kthread sleeps on the console's
 * input (console_wait_input), so on one core the processes and the network
 * stack go on running under the prompt.  Where it must not sleep (after a
 * panic, from a trap) the core halts when interrupts are on (the UART
 * interrupt wakes it) and polls otherwise.
 *
 * The monitor trusts its user (it can call any kernel function), but not
 * its input: lines are bounded and numbers are parsed strictly.
 *
 * 'run PATH ARGS...' starts a program in the kernel's name space (through
 * init.c's init_run_program) and waits for it; while it runs the monitor
 * reads nothing, so the console's input goes to the program.  It is refused
 * after a panic or from a trap, where sleeping is not safe.
 */
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/irq.h>
#include <arch/mmu.h>
#include <arch/topology.h>
#include <arch/trap.h>
#include <arch/x86.h>
#include <arena.h>
#include <backtrace.h>
#include <cmdline.h>
#include <console.h>
#include <errno.h>
#include <init.h>
#include <kmsg.h>
#include <kstring.h>
#include <monitor.h>
#include <page.h>
#include <percpu.h>
#include <printk.h>
#include <qemu.h>
#include <sem.h>
#include <slab.h>
#include <time.h>

#define MON_LINE_MAX 128
#define MON_ARGS_MAX 16
#define CTRL_G 0x07
#define MON_WAIT_US (1000 * 1000)       /* a sleep at the prompt, at most */

/* Returns 0 to keep reading commands, 1 to leave the monitor. */
struct mon_cmd;
typedef int (*mon_fn)(const struct mon_cmd *self, int argc, char **argv,
                      struct hw_trapframe *tf);

struct mon_cmd {
	const char *name;
	const char *args;
	const char *help;
	mon_fn fn;
};

static const struct mon_cmd mon_cmds[];

static int mon_usage(const struct mon_cmd *c)
{
	printk("usage: %s %s\n", c->name, c->args);
	return 0;
}

/* Strict unsigned parse: decimal or 0x hex, nothing trailing. */
static int mon_parse_u64(const char *s, uint64_t *out)
{
	return kstrtou64(s, strlen(s), 0, out);
}

/* ------------------------------------------------------------ commands */

static int mon_help(const struct mon_cmd *self, int argc, char **argv,
			struct hw_trapframe *tf)
{
	for (const struct mon_cmd *c = mon_cmds; c->name; c++)
		printk("  %-8s %-16s %s\n", c->name, c->args, c->help);
	return 0;
}

static int mon_cpus(const struct mon_cmd *self, int argc, char **argv,
			struct hw_trapframe *tf)
{
	topology_print();
	return 0;
}

static int mon_mem(const struct mon_cmd *self, int argc, char **argv,
			struct hw_trapframe *tf)
{
	printk("free pages: %lu (%lu MiB)\n", (unsigned long)nr_free_pages(),
	       (unsigned long)(nr_free_pages() * PGSIZE / MiB));
	printk("arenas:\n");
	arena_for_each(arena_print, NULL);
	printk("slab caches:\n");
	kmem_cache_for_each(kmem_cache_print, NULL);
	return 0;
}

static int mon_kmsg(const struct mon_cmd *self, int argc, char **argv,
			struct hw_trapframe *tf)
{
	kmsg_print_stats();
	return 0;
}

static int mon_bt(const struct mon_cmd *self, int argc, char **argv,
			struct hw_trapframe *tf)
{
	if (tf) {
		print_trapframe(tf);
		backtrace_from(tf->rip, tf->rbp);
	} else {
		backtrace_here();
	}
	return 0;
}

static void mon_trace_here(uint64_t a0, uint64_t a1, uint64_t a2)
{
	printk("core %u:\n", core_id());
	backtrace_here();
	WRITE_ONCE(*(volatile bool *)a0, true);
}

static int mon_trace(const struct mon_cmd *self, int argc, char **argv,
			struct hw_trapframe *tf)
{
	static volatile bool done;
	uint64_t core;
	uint64_t deadline;

	if (argc != 2 || mon_parse_u64(argv[1], &core))
		return mon_usage(self);
	if (core >= num_cores || !percpu_of(core)->online) {
		printk("trace: core %lu is not online (%u cores)\n", core, num_cores);
		return 0;
	}
	done = false;
	send_kernel_message(core, mon_trace_here, (uint64_t)&done, 0, 0, KMSG_IMMEDIATE);
	deadline = nsec_now() + NSEC_PER_SEC;
	while (!READ_ONCE(done) && nsec_now() < deadline)
		cpu_relax();
	if (!done)
		printk("trace: core %lu did not answer in 1 s (interrupts off?)\n", core);
	return 0;
}

static int mon_kfunc(const struct mon_cmd *self, int argc, char **argv,
			struct hw_trapframe *tf)
{
	uint64_t args[6] = { 0 };
	uintptr_t addr;
	uint64_t ret;

	if (argc < 2 || argc > 8)
		return mon_usage(self);
	addr = ksym_address(argv[1]);
	if (!addr) {
		printk("kfunc: no function named '%s'\n", argv[1]);
		return 0;
	}
	for (int i = 2; i < argc; i++) {
		if (mon_parse_u64(argv[i], &args[i - 2])) {
			printk("kfunc: bad number '%s'\n", argv[i]);
			return 0;
		}
	}
	ret = ((uint64_t (*)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t))addr)
		(args[0], args[1], args[2], args[3], args[4], args[5]);
	printk("kfunc: %s returned %#lx (%ld)\n", argv[1], ret, (long)ret);
	return 0;
}

static int mon_reboot(const struct mon_cmd *self, int argc, char **argv,
			struct hw_trapframe *tf)
{
	printk("rebooting\n");
	outb(0x64, 0xfe);               /* keyboard controller reset */
	struct desc_ptr none = { 0, 0 };
	lidt(&none);                    /* if that failed: triple fault */
	__asm__ __volatile__("int3");
	return 1;
}

static int mon_exit(const struct mon_cmd *self, int argc, char **argv,
			struct hw_trapframe *tf)
{
	uint64_t code = 0;

	if (argc > 2 || (argc == 2 && (mon_parse_u64(argv[1], &code) || code > 0x7fffffff)))
		return mon_usage(self);
	qemu_exit((int)code);
}

/* True where the monitor runs on a kthread that may sleep: not after a
 * panic, not from a trap, interrupts on (monitor_serve_forever). */
static bool mon_may_sleep(struct hw_trapframe *tf)
{
	return !tf && !console_panicking && irq_is_enabled();
}

static int mon_run(const struct mon_cmd *self, int argc, char **argv,
			struct hw_trapframe *tf)
{
	const char *args[MON_ARGS_MAX + 1];
	int status;

	if (argc < 2)
		return mon_usage(self);
	if (!mon_may_sleep(tf)) {
		printk("run: not after a panic or from a trap (it would sleep)\n");
		return 0;
	}
	for (int i = 1; i < argc; i++)
		args[i - 1] = argv[i];
	args[argc - 1] = NULL;
	if (init_run_program(args, &status) == 0 && status != 0)
		printk("run: %s failed (status %#x)\n", args[0], status);
	return 0;
}

static int mon_continue(const struct mon_cmd *self, int argc, char **argv,
			struct hw_trapframe *tf)
{
	return 1;
}

static const struct mon_cmd mon_cmds[] = {
	{ "help", "", "list the commands", mon_help },
	{ "cpus", "", "cores, APIC ids and topology", mon_cpus },
	{ "mem", "", "free pages, arenas and slab caches", mon_mem },
	{ "kmsg", "", "kernel-message counters per core", mon_kmsg },
	{ "trace", "CORE", "backtrace of a core (immediate message)", mon_trace },
	{ "kfunc", "NAME [ARGS...]", "call a kernel function with numbers", mon_kfunc },
	{ "bt", "", "backtrace of this core (or the trap frame)", mon_bt },
	{ "run", "PATH [ARGS...]", "start a program and wait for it", mon_run },
	{ "exit", "[CODE]", "leave QEMU through isa-debug-exit", mon_exit },
	{ "reboot", "", "reset the machine", mon_reboot },
	{ "continue", "", "leave the monitor", mon_continue },
	{ NULL, NULL, NULL, NULL },
};

/* --------------------------------------------------------------- input */

/*
 * The next input character.  A monitor that may sleep blocks on the
 * console's input (the timeout only bounds a sleep whose wakeup went
 * astray).  Otherwise, with interrupts on, the check and the halt must not
 * be split: the ring is checked with interrupts off and the core halts
 * with "sti; hlt", so a UART interrupt that lands after the check ends the
 * halt instead of being consumed before it (which left the core asleep
 * until the next key: a typed line appeared lost).
 */
static int mon_getc(bool may_sleep)
{
	bool irqs = irq_is_enabled();
	int c;

	for (;;) {
		if (may_sleep && (c = console_getc_nonblock()) >= 0)
			return c;
		if (may_sleep && console_wait_input(MON_WAIT_US) != -EAGAIN)
			continue;
		if (irqs)
			irq_disable();
		c = console_getc_nonblock();    /* with IRQs off it also polls the UART */
		if (c >= 0)
			break;
		if (irqs)
			irq_enable_and_halt();  /* the UART or a timer wakes us */
		else
			cpu_relax();
	}
	if (irqs)
		irq_enable();
	return c;
}

static size_t mon_readline(char *buf, size_t size, bool may_sleep)
{
	size_t n = 0;

	for (;;) {
		int c = mon_getc(may_sleep);

		if (c == '\r' || c == '\n') {
			printk("\n");
			buf[n] = 0;
			return n;
		}
		if ((c == 0x7f || c == '\b') && n > 0) {
			n--;
			printk("\b \b");
		} else if (c >= ' ' && c < 0x7f && n + 1 < size) {
			buf[n++] = (char)c;
			printk("%c", c);
		}
	}
}

static int mon_split(char *line, char **argv)
{
	int argc = 0;

	while (*line) {
		while (*line == ' ' || *line == '\t')
			*line++ = 0;
		if (!*line)
			break;
		if (argc == MON_ARGS_MAX)
			return -E2BIG;
		argv[argc++] = line;
		while (*line && *line != ' ' && *line != '\t')
			line++;
	}
	return argc;
}

static int mon_run_line(char *line, struct hw_trapframe *tf)
{
	char *argv[MON_ARGS_MAX];
	int argc = mon_split(line, argv);

	if (argc < 0) {
		printk("too many arguments (at most %d)\n", MON_ARGS_MAX - 1);
		return 0;
	}
	if (argc == 0)
		return 0;
	for (const struct mon_cmd *c = mon_cmds; c->name; c++)
		if (strcmp(argv[0], c->name) == 0)
			return c->fn(c, argc, argv, tf);
	printk("unknown command '%s'; 'help' lists the commands\n", argv[0]);
	return 0;
}

static bool mon_reading;        /* waiting for a line: the console's input is ours */

bool monitor_reading(void)
{
	return READ_ONCE(mon_reading);
}

void monitor(struct hw_trapframe *tf)
{
	char line[MON_LINE_MAX];

	printk("Vireo kernel monitor on core %u. Type 'help'.\n", core_id());
	for (;;) {
		printk("vireo> ");
		WRITE_ONCE(mon_reading, true);
		mon_readline(line, sizeof(line), mon_may_sleep(tf));
		WRITE_ONCE(mon_reading, false);
		if (mon_may_sleep(tf))
			console_input_kick();   /* typed while we read: #cons's now */
		if (mon_run_line(line, tf))
			return;
	}
}

static struct sem monitor_wanted = SEM_INITIALIZER(monitor_wanted, 0);

bool monitor_check_hotkey(int c)
{
	if (c != CTRL_G)
		return false;
	sem_up(&monitor_wanted);
	return true;
}

void monitor_open(void)
{
	sem_up(&monitor_wanted);
}

void monitor_serve_forever(void)
{
	for (;;) {
		sem_down(&monitor_wanted);
		monitor(NULL);
		while (sem_trydown(&monitor_wanted))
			;               /* Ctrl-G typed while it was open */
		printk("monitor: closed; Ctrl-G opens it again\n");
	}
}
