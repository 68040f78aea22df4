# SPDX-License-Identifier: MIT
# apic: the local APIC's pure encoders (ICR values in both modes, x2APIC
# MSR numbers, timer tick clamping) and its xAPIC register traffic against
# a fake MMIO page (kern/arch/x86/apic.c).  The test file supplies the few
# kernel functions apic.c calls (ioremap_nocache, register_irq_handler, ...).
HOST_SUITES += apic
apic_SRCS := kern/arch/x86/apic.c tests/host/test_apic.c
apic_CFLAGS := -Ikern/arch/x86/include -DCONFIG_X2APIC=1
