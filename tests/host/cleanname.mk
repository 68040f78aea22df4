# SPDX-License-Identifier: MIT
# cleanname: lexical path clean-up (kern/src/ns/cleanname.c).
HOST_SUITES += cleanname
cleanname_SRCS := kern/src/ns/cleanname.c tests/host/test_cleanname.c
