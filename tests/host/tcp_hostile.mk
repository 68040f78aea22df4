# SPDX-License-Identifier: MIT
# tcp_hostile: segments a peer should not send, against the TCP engine over
# tests/host/tcp_sim.c: resets in every state, SYNs and ACKs outside RFC
# 5961's ranges, SYN with data, stray segments to a listener, PAWS, and a
# storm of random segments.  TCP_ENGINE_SRCS comes from tcp_flow.mk.
HOST_SUITES += tcp_hostile
tcp_hostile_SRCS = $(TCP_ENGINE_SRCS) tests/host/kmalloc_shim.c tests/host/tcp_sim.c \
	tests/host/test_tcp_hostile.c
