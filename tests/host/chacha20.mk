# SPDX-License-Identifier: MIT
# chacha20: the RFC 8439 block function and stream (test vectors from the
# RFC, sections 2.3.2, 2.4.2 and appendix A.1) and the fast-key-erasure
# generator of kern/src/lib/chacha20.c.
HOST_SUITES += chacha20
chacha20_SRCS := kern/src/lib/chacha20.c tests/host/test_chacha20.c
