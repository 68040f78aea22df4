/* SPDX-License-Identifier: MIT */
/*
 * platform.c - platform_init(): find out what the machine is and bring up
 * its interrupt and timer hardware on the boot core.
 *
 * Order: install the ACPI memory accessor (the direct map, for ranges
 * pmap says it covers), discover the platform (ACPI with the Multiboot2
 * RSDP copy when the loader gave one, else the BIOS scan; the MP table when
 * ACPI gives nothing or 'noacpi' asks for it; a lone boot core when both
 * fail), print the summary, then: the 8259s (remapped, masked), the boot
 * core's LAPIC, the IOAPICs (all pins masked) and the HPET (unless
 * 'nohpet').  The HPET must be up before tsc_calibrate() runs.
 *
 * 'platform' is filled here once, on the boot core, before any other core
 * runs; afterwards it is read-only ([I]) and read without locks.
 */
#include <acpi.h>
#include <arch/apic.h>
#include <arch/hpet.h>
#include <arch/ioapic.h>
#include <arch/mmu.h>
#include <arch/pic.h>
#include <arch/topology.h>
#include <arch/x86.h>
#include <assert.h>
#include <boot.h>
#include <cmdline.h>
#include <init.h>
#include <percpu.h>
#include <platform.h>
#include <pmap.h>
#include <printk.h>

struct platform_info platform;

static const void *platform_acpi_map(physaddr_t pa, size_t len)
{
	return pmap_dmap_covers(pa, len) ? KADDR(pa) : NULL;
}

static int platform_discover_tables(void)
{
	const void *hint = boot_info.rsdp_len ? boot_info.rsdp : NULL;

	if (!cmdline_has(&boot_cmdline, "noacpi"))
		return platform_discover(&platform, hint, boot_info.rsdp_len);
	printk("platform: 'noacpi': using the MP table\n");
	platform_info_init(&platform);
	return mptable_init(&platform);
}

/* No usable tables: run on the boot core alone, at the default addresses. */
static void platform_fallback_uniprocessor(void)
{
	struct cpuid_regs r = cpuid(1, 0);

	printk("platform: no processor tables; running on the boot core only\n");
	platform_info_init(&platform);
	platform.lapic_phys = 0;        /* lapic_init_bsp reads MSR_APIC_BASE */
	platform_add_cpu(&platform, r.ebx >> 24, 0, 1, false);
}

static bool platform_want_x2apic(void)
{
#ifdef CONFIG_X2APIC
	return !cmdline_has(&boot_cmdline, "nox2apic");
#else
	return false;
#endif
}

static void platform_init_hpet(void)
{
	if (cmdline_has(&boot_cmdline, "nohpet")) {
		printk("hpet: disabled by 'nohpet'\n");
		return;
	}
	if (!platform.hpet.present) {
		printk("hpet: the firmware lists none\n");
		return;
	}
	if (platform.hpet.phys_addr && hpet_init(platform.hpet.phys_addr))
		printk("hpet: not used; calibrating against the PIT\n");
}

static void platform_init_lapic(void)
{
	int err = lapic_init_bsp(platform.lapic_phys, platform_want_x2apic());

	if (err)
		panic("no usable local APIC (%d): Vireo needs one", err);
	lapic_init_core();
	percpu_of(0)->apic_id = lapic_id();     /* percpu_init_core guessed 0 */
	printk("lapic: %s mode, boot core APIC id %u\n",
	       lapic_mode() == LAPIC_MODE_X2APIC ? "x2APIC" : "xAPIC", lapic_id());
	if (!platform_cpu_by_apic_id(&platform, lapic_id()))
		printk("platform: the boot core (APIC id %u) is not in the tables\n",
		       lapic_id());
}

void platform_init(void)
{
	acpi_set_map(platform_acpi_map);
	if (platform_discover_tables() || platform.nr_cpus == 0)
		platform_fallback_uniprocessor();
	platform_print(&platform);
	pic_init();
	platform_init_lapic();
	ioapic_init(&platform);
	platform_init_hpet();
	topology_init_core(0);
}
