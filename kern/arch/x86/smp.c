/* SPDX-License-Identifier: MIT */
/*
 * smp.c - smp_boot(): starts every other core the platform lists.
 *
 * Model: the boot core is core 0.  The others are started one at a time,
 * in table order, and get the next dense core id (1, 2, ...) only if they
 * come up; a core that does not is reported by APIC id and left in
 * wait-for-SIPI (a second INIT parks it), and the next one reuses its core
 * id and stacks.  For each core: allocate its kernel stack and three IST
 * stacks (kept for its lifetime), fill the trampoline's parameter block,
 * send INIT, 10 ms, SIPI, 200 us, SIPI if it has not started, then wait up
 * to SMP_AP_TIMEOUT_MS for it to raise num_cores.  A core that answers in
 * a millisecond costs a millisecond.  The new core, in smp_ap_entry(), sets
 * up its per-cpu state and LAPIC, marks itself online, publishes num_cores
 * (release) and enters smp_idle(), which halts until there is work.
 *
 * Limits: 'nosmp' keeps the boot core alone, 'maxcores=N' stops at N
 * cores, CONFIG_MAX_CORES bounds the tables (platform.c reports the rest).
 * One core starts at a time, so the one parameter block needs no lock;
 * num_cores only grows, and only here.
 */
#include <arch/apic.h>
#include <arch/mmu.h>
#include <arch/smp.h>
#include <arch/topology.h>
#include <arch/trap.h>
#include <arch/x86.h>
#include <assert.h>
#include <cmdline.h>
#include <core_id.h>
#include <errno.h>
#include <init.h>
#include <kstring.h>
#include <page.h>
#include <percpu.h>
#include <pmap.h>
#include <printk.h>
#include <smp.h>
#include <time.h>

#define SMP_INIT_DELAY_US   10000
#define SMP_SIPI_DELAY_US   200

uint32_t num_cores = 1;                 /* [a] grows in smp_boot only */

struct smp_stacks {
	void *kstack;
	void *ist[NR_IST];
};

static struct smp_stacks smp_stacks[MAX_CORES];   /* [I] once the core is up */

static_assert_msg(sizeof(struct smp_tramp_params) == SMP_TP_SIZE, "tramp params");
static_assert_msg(__builtin_offsetof(struct smp_tramp_params, cr0) == SMP_TP_CR0,
                  "tramp params cr0");
static_assert_msg(__builtin_offsetof(struct smp_tramp_params, core) == SMP_TP_CORE,
                  "tramp params core");

/* ------------------------------------------------------------ the new core --- */

void smp_ap_entry(uint32_t core, uint32_t apic_id)
{
	percpu_init_core(core, apic_id);
	lapic_init_core();
	topology_init_core(core);
	if (lapic_id() != apic_id)
		printk("smp: core %u expected APIC id %u, has %u\n", core, apic_id,
		       lapic_id());
	WRITE_ONCE(this_cpu()->online, true);
	__atomic_store_n(&num_cores, core + 1, __ATOMIC_RELEASE);
	smp_idle();
	panic("smp_idle returned on core %u", core);
}

/* ------------------------------------------------------------- the limits --- */

static uint32_t smp_core_limit(void)
{
	uint64_t n;

	if (cmdline_has(&boot_cmdline, "nosmp"))
		return 1;
	if (!cmdline_has(&boot_cmdline, "maxcores"))
		return MAX_CORES;
	if (cmdline_get_u64(&boot_cmdline, "maxcores", &n) || n == 0) {
		printk("smp: ignoring bad maxcores='%s'\n",
		       cmdline_get(&boot_cmdline, "maxcores") ?: "");
		return MAX_CORES;
	}
	return n < MAX_CORES ? (uint32_t)n : MAX_CORES;
}

/* --------------------------------------------------------- the trampoline --- */

static struct smp_tramp_params *smp_tramp_params(void)
{
	return KADDR(SMP_TRAMPOLINE_PA + (smp_trampoline_params - smp_trampoline_start));
}

static int smp_tramp_install(void)
{
	size_t len = smp_trampoline_end - smp_trampoline_start;

	if (len > PGSIZE) {
		printk("smp: trampoline is %zu bytes, more than a page\n", len);
		return -E2BIG;
	}
	if (read_cr3() >= 4 * GiB) {
		printk("smp: kernel page tables at %#lx, above 4 GiB\n", read_cr3());
		return -ERANGE;
	}
	memcpy(KADDR(SMP_TRAMPOLINE_PA), smp_trampoline_start, len);
	return 0;
}

static void smp_tramp_fill(uint32_t core, uint32_t apic_id)
{
	struct smp_tramp_params *p = smp_tramp_params();

	p->cr3 = read_cr3();
	p->cr4 = read_cr4();
	p->efer = (read_msr(MSR_EFER) & (EFER_SCE | EFER_NXE)) | EFER_LME;
	p->cr0 = (uint32_t)read_cr0() | CR0_PE | CR0_PG;
	p->stack = (uintptr_t)smp_stacks[core].kstack + KSTACK_SIZE;
	p->entry = (uintptr_t)smp_ap_entry;
	p->core = core;
	p->apic_id = apic_id;
	mb();
}

/* ------------------------------------------------------------- one core --- */

static void smp_stacks_alloc(uint32_t core)
{
	struct smp_stacks *s = &smp_stacks[core];

	if (s->kstack)
		return;         /* left over from a core that failed to start */
	s->kstack = kpages_alloc(KSTACK_SIZE, MEM_WAIT);
	for (int i = 0; i < NR_IST; i++)
		s->ist[i] = kpages_alloc(KSTACK_SIZE, MEM_WAIT);
}

static bool smp_core_arrived(uint32_t core)
{
	return __atomic_load_n(&num_cores, __ATOMIC_ACQUIRE) > core;
}

static bool smp_wait_arrival(uint32_t core, uint64_t ms)
{
	uint64_t end = nsec_now() + ms * NSEC_PER_MSEC;

	while (!smp_core_arrived(core)) {
		if (nsec_now() > end)
			return false;
		__asm__ __volatile__("pause");
	}
	return true;
}

/* Intel's INIT-SIPI-SIPI; the second SIPI only if the first was missed. */
static int smp_send_start(uint32_t core, uint32_t apic_id)
{
	uint8_t page = SMP_TRAMPOLINE_PA >> PGSHIFT;
	int err = lapic_send_init(apic_id);

	if (err)
		return err;
	udelay(SMP_INIT_DELAY_US);
	err = lapic_send_startup(apic_id, page);
	if (err)
		return err;
	udelay(SMP_SIPI_DELAY_US);
	if (smp_core_arrived(core))
		return 0;
	return lapic_send_startup(apic_id, page);
}

static bool smp_start_core(uint32_t core, uint32_t apic_id)
{
	smp_stacks_alloc(core);
	percpu_set_ist_stacks(core, smp_stacks[core].ist);
	smp_tramp_fill(core, apic_id);
	if (smp_send_start(core, apic_id) == 0 && smp_wait_arrival(core, SMP_AP_TIMEOUT_MS))
		return true;
	printk("smp: the core with APIC id %u did not start; going on without it\n",
	       apic_id);
	lapic_send_init(apic_id);       /* back to wait-for-SIPI, for good */
	return false;
}

/* ------------------------------------------------------------ smp_boot --- */

static void smp_start_all(uint32_t limit)
{
	uint32_t bsp = lapic_id();

	for (unsigned int i = 0; i < platform.nr_cpus; i++) {
		uint32_t apic_id = platform.cpus[i].apic_id;

		if (apic_id == bsp)
			continue;
		if (num_cores >= limit) {
			printk("smp: stopping at %u cores (limit)\n", limit);
			return;
		}
		if (smp_start_core(num_cores, apic_id))
			smp_others_running = true;
	}
}

void smp_boot(void)
{
	uint32_t limit = smp_core_limit();

	WRITE_ONCE(percpu_of(0)->online, true);
	lapic_timer_calibrate();
	if (limit > 1 && platform.nr_cpus > 1 && smp_tramp_install() == 0) {
		pmap_boot_identity(true);
		smp_start_all(limit);
		pmap_boot_identity(false);
	}
	printk("smp: %u of %u cores online%s\n", num_cores, platform.nr_cpus,
	       limit == 1 ? " ('nosmp' or maxcores=1)" : "");
}
