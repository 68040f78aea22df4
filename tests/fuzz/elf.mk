# SPDX-License-Identifier: MIT
# elf: the ELF64 validator (kern/src/proc/elf.c) on arbitrary bytes read in
# pieces; the target checks every promise a successful plan makes and that
# a refusal names its reason.
FUZZ_TARGETS += elf
elf_FUZZ_SRCS := kern/src/proc/elf.c
