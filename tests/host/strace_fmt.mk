# SPDX-License-Identifier: MIT
# strace_fmt: a syscall trace record as a line (kern/src/syscall/strace_fmt.c),
# decoded by the real generated syscall table (the test instantiates it with
# stub handlers) and the generated errno names; the kernel's formatter comes
# along, renamed as in printfmt.mk.
HOST_SUITES += strace_fmt
strace_fmt_SRCS := kern/src/syscall/strace_fmt.c kern/src/lib/printfmt.c tests/host/test_strace_fmt.c
strace_fmt_CFLAGS := -I$(O)/include -Dvsnprintf=k_vsnprintf -Dsnprintf=k_snprintf \
	-Dvprintfmt=k_vprintfmt
$(O)/host/strace_fmt: $(SYSCALL_HDRS) $(ERRNO_NAMES_H)
