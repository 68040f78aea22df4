# SPDX-License-Identifier: MIT
# ip_reasm: IPv4 reassembly (kern/src/net/reasm.c) driven by a stream of
# fragments decoded from the input (offsets, lengths, MF, ids, time); the
# target checks the limits after every step and that nothing leaks.
FUZZ_TARGETS += ip_reasm
ip_reasm_FUZZ_SRCS := kern/src/net/reasm.c kern/src/net/cksum.c kern/src/net/ip4_hdr.c \
	kern/src/ns/allocb.c tests/host/kmalloc_shim.c
ip_reasm_FUZZ_CFLAGS := -Ikern/src/net -DKMALLOC_SHIM_PRINTK
