# SPDX-License-Identifier: MIT
# acpi_text: the #acpi views of MADT, SRAT and MCFG (kern/drivers/firmware/
# acpi_text.c) on good, short and broken tables, written into slices (the
# test file supplies kmalloc over malloc; the kernel formatter is renamed
# k_* beside the host C library, as in slice.mk).
HOST_SUITES += acpi_text
acpi_text_SRCS := kern/drivers/firmware/acpi_text.c kern/drivers/firmware/acpi.c \
	kern/drivers/firmware/hpet_table.c kern/drivers/firmware/madt.c \
	kern/drivers/firmware/mcfg.c kern/drivers/firmware/mptable.c \
	kern/drivers/firmware/srat.c kern/src/lib/slice.c kern/src/lib/printfmt.c tests/host/acpi_images.c \
	tests/host/test_acpi_text.c
acpi_text_CFLAGS := -Dvsnprintf=k_vsnprintf -Dsnprintf=k_snprintf -Dvprintfmt=k_vprintfmt
