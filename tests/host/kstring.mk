# SPDX-License-Identifier: MIT
# kstring: the kernel's memory and string functions (kern/src/lib/string.c),
# renamed k_* so they do not replace the host C library's.  The renames reach
# htest.c too, which then simply uses the kernel's strcmp.  Other suites that
# link string.c (for kstrtou64) use the same renames: $(KSTRING_RENAMES).
KSTRING_RENAMES := -Dmemset=k_memset -Dmemcpy=k_memcpy -Dmemmove=k_memmove \
	-Dmemcmp=k_memcmp -Dstrlen=k_strlen -Dstrnlen=k_strnlen \
	-Dstrcmp=k_strcmp -Dstrncmp=k_strncmp -Dstrchr=k_strchr \
	-Dstrlcpy=k_strlcpy
HOST_SUITES += kstring
kstring_SRCS := kern/src/lib/string.c tests/host/test_kstring.c
kstring_CFLAGS = $(KSTRING_RENAMES)
