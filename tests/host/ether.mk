# SPDX-License-Identifier: MIT
# ether_parse: #ether's ctl parsers and its receive filter
# (kern/drivers/net/ether_parse.c), with string.c for kstrtou64 under the
# k_* renames of kstring.mk.
HOST_SUITES += ether_parse
ether_parse_SRCS := kern/drivers/net/ether_parse.c kern/src/lib/string.c \
	tests/host/test_ether_parse.c
ether_parse_CFLAGS = $(KSTRING_RENAMES) -Ikern/drivers/net
