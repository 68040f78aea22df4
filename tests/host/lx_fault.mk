# SPDX-License-Identifier: MIT
# lx_fault: the C library's reading of a reflected x86 fault as a Linux
# signal and si_code (tools/compilers/musl/vireo/lx_fault_code.c).
HOST_SUITES += lx_fault
lx_fault_SRCS := tools/compilers/musl/vireo/lx_fault_code.c tests/host/test_lx_fault.c
lx_fault_CFLAGS := -Itools/compilers/musl/vireo
$(O)/host/lx_fault: tools/compilers/musl/vireo/lx_fault.h
