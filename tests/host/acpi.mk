# SPDX-License-Identifier: MIT
# ACPI (RSDP, RSDT/XSDT, MADT, HPET, SRAT) and MP table parsers, on
# synthetic table images (tests/host/acpi_images.c).
HOST_SUITES += acpi
acpi_SRCS := kern/drivers/acpi/acpi.c kern/drivers/acpi/hpet_table.c \
	kern/drivers/acpi/madt.c kern/drivers/acpi/mptable.c \
	kern/drivers/acpi/srat.c tests/host/acpi_images.c tests/host/test_acpi.c
