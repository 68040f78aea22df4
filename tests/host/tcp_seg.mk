# SPDX-License-Identifier: MIT
# tcp_seg: the TCP segment codec (kern/src/net/tcp_seg.c: options, malformed
# headers, resets) and the engine's buffers (tcp_buf.c: ring wrap,
# out-of-order ranges, the SACK scoreboard), under ASan and UBSan.
HOST_SUITES += tcp_seg
tcp_seg_SRCS := kern/src/net/tcp_seg.c kern/src/net/tcp_buf.c kern/src/net/cksum.c \
	kern/src/ns/allocb.c tests/host/kmalloc_shim.c tests/host/test_tcp_seg.c
