# SPDX-License-Identifier: MIT
# ACPI (RSDP, RSDT/XSDT, MADT, HPET, SRAT, MCFG) and MP table parsers, on
# synthetic table images (tests/host/acpi_images.c).
HOST_SUITES += acpi
acpi_SRCS := kern/drivers/firmware/acpi.c kern/drivers/firmware/hpet_table.c \
	kern/drivers/firmware/madt.c kern/drivers/firmware/mptable.c \
	kern/drivers/firmware/srat.c kern/drivers/firmware/mcfg.c \
	tests/host/acpi_images.c tests/host/test_acpi.c tests/host/test_mcfg.c
