# SPDX-License-Identifier: MIT
# elf: the ELF64 validator (kern/src/proc/elf.c) on images the test builds,
# valid, then with every header and program-header rule broken in turn,
# truncated, read in pieces, and randomly corrupted.
HOST_SUITES += elf
elf_SRCS := kern/src/proc/elf.c tests/host/test_elf.c
