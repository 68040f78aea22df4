# SPDX-License-Identifier: MIT
# tcp_input: the TCP engine (kern/src/net/tcp_*.c) over tests/host/tcp_sim.c,
# fed segments decoded from the input (raw options, any flags, sequence and
# acknowledgement numbers near the window or anywhere, bad data offsets) to
# an established connection and to a listener, with simulated time passing
# between them; checks the buffer invariants after every step and that
# nothing leaks once both hosts are freed.
FUZZ_TARGETS += tcp_input
tcp_input_FUZZ_SRCS := kern/src/net/tcp_seg.c kern/src/net/tcp_buf.c kern/src/net/tcp_conn.c \
	kern/src/net/tcp_input.c kern/src/net/tcp_output.c kern/src/net/tcp_timer.c \
	kern/src/net/tcp_cc.c kern/src/net/cksum.c kern/src/ns/allocb.c \
	tests/host/kmalloc_shim.c tests/host/tcp_sim.c
tcp_input_FUZZ_CFLAGS := -DKMALLOC_SHIM_PRINTK
