# SPDX-License-Identifier: MIT
# bootinfo: the Multiboot v1 / Multiboot2 parser (kern/arch/x86/bootinfo.c)
# on boot information built in fake physical memory, valid and hostile.
HOST_SUITES += bootinfo
bootinfo_SRCS := kern/arch/x86/bootinfo.c kern/src/mm/memmap.c tests/host/test_bootinfo.c
