# SPDX-License-Identifier: MIT
# tcp_flow: two TCP engines (kern/src/net/tcp_*.c) over the simulated link
# of tests/host/tcp_sim.c: handshakes, bulk transfers checked byte by byte
# under loss, reordering, duplication and corruption, SACK, zero windows,
# simultaneous open and close, half-close, TIME_WAIT, keep-alive, many
# connections, sequence wrap.
HOST_SUITES += tcp_flow
TCP_ENGINE_SRCS := kern/src/net/tcp_seg.c kern/src/net/tcp_buf.c kern/src/net/tcp_conn.c \
	kern/src/net/tcp_input.c kern/src/net/tcp_output.c kern/src/net/tcp_timer.c \
	kern/src/net/tcp_cc.c kern/src/net/cksum.c kern/src/ns/allocb.c
tcp_flow_SRCS := $(TCP_ENGINE_SRCS) tests/host/kmalloc_shim.c tests/host/tcp_sim.c \
	tests/host/test_tcp_flow.c
