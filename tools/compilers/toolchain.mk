# SPDX-License-Identifier: MIT
#
# toolchain.mk - the C toolchain for Vireo programs, included by the
# Makefile (after the user tests, before the initramfs).  See
# Documentation/toolchain.md.
#
#   $(O)/toolchain/musl-fetch/   Debian's musl source (tools/compilers/fetch-musl.sh)
#   $(O)/toolchain/musl-src/     upstream + Vireo's port (musl-prepare.sh)
#   $(O)/toolchain/musl-build/   musl's own out-of-tree build
#   $(O)/toolchain/sysroot/      include/ (musl, ros/, generated/, parlib/),
#                                lib/ (crt*.o, libc.a, libparlib.a)
#   $(O)/toolchain/bin/          x86_64-vireo-gcc (+ its specs), x86_64-vireo-g++
#   $(O)/libc/bin/               tests/libc/X.c built as X; each goes to the
#                                initramfs's /test (appended to TEST_PROGS)
#   $(O)/ubin/                   user/bin/X.c (init and the tools) built as X
#                                with user/bin/lib/*.c, into /bin (BIN_PROGS)
#
# Everything is rebuilt only when its inputs change: musl-prepare.sh copies
# only changed port files, musl's make rebuilds only changed objects.

TC := $(O)/toolchain
TC_ABS = $(abspath $(TC))
SYSROOT := $(TC)/sysroot
MUSL_VERSION := 1.2.3
MUSL_FETCH := $(TC)/musl-fetch
MUSL_PRISTINE := $(MUSL_FETCH)/musl-$(MUSL_VERSION)
MUSL_SRC := $(TC)/musl-src
MUSL_BUILD := $(TC)/musl-build
VIREO_INC := $(TC)/vireo-inc
VIREO_CC := $(TC)/bin/x86_64-vireo-gcc
VIREO_CXX := $(TC)/bin/x86_64-vireo-g++
VIREO_SPECS := $(TC)/bin/vireo-gcc.specs
LIBC_A := $(SYSROOT)/lib/libc.a
PARLIB_A := $(SYSROOT)/lib/libparlib.a
SYSROOT_HDRS := $(SYSROOT)/include/.vireo-headers
MUSL_PORT_FILES := $(shell find tools/compilers/musl -type f 2>/dev/null)
VIREO_ABI_HDRS := $(wildcard kern/include/ros/*.h kern/arch/x86/ros/*.h user/parlib/include/parlib/*.h)

.PHONY: toolchain
toolchain: $(VIREO_CC) $(VIREO_CXX) $(LIBC_A) $(PARLIB_A) $(SYSROOT_HDRS) $(TC)/.lxtable-ok
all: toolchain

# Documentation/libc.md carries the translation table: refuse a stale copy.
$(TC)/.lxtable-ok: tools/compilers/musl/vireo/linux_syscalls.c Documentation/libc.md \
		tools/compilers/musl/lxtable.py
	$(Q)mkdir -p $(dir $@)
	$(Q)python3 tools/compilers/musl/lxtable.py --check $< Documentation/libc.md
	$(Q)touch $@

# 1. musl's source, fetched once with apt-get source and checked.
$(MUSL_PRISTINE)/.vireo-unpacked: tools/compilers/fetch-musl.sh | $(DEPS_OK)
	$(Q)tools/compilers/fetch-musl.sh $(MUSL_FETCH)
	$(Q)touch $@

# 2. The tree musl builds from: upstream plus the port.
$(MUSL_SRC)/.vireo-synced: $(MUSL_PRISTINE)/.vireo-unpacked $(MUSL_PORT_FILES) \
		tools/compilers/musl-prepare.sh
	$(Q)tools/compilers/musl-prepare.sh $(MUSL_PRISTINE) $(MUSL_SRC) $(MUSL_BUILD)
	$(Q)touch $@

# Vireo's headers the translation layer and programs include.
$(VIREO_INC)/.stamp: $(VIREO_ABI_HDRS) $(SYSCALL_HDRS)
	$(Q)rm -rf $(VIREO_INC)
	$(Q)mkdir -p $(VIREO_INC)/ros $(VIREO_INC)/generated $(VIREO_INC)/parlib
	$(Q)cp kern/include/ros/*.h kern/arch/x86/ros/*.h $(VIREO_INC)/ros/
	$(Q)cp $(word 1,$(SYSCALL_HDRS)) $(VIREO_INC)/generated/
	$(Q)cp user/parlib/include/parlib/*.h $(VIREO_INC)/parlib/
	$(Q)touch $@

$(MUSL_BUILD)/config.mak: $(MUSL_SRC)/.vireo-synced tools/compilers/toolchain.mk $(SYSROOT_PATH_STAMP)
	@echo "  CONFIG  musl $(MUSL_VERSION)"
	$(Q)mkdir -p $(MUSL_BUILD)
	$(Q)cd $(MUSL_BUILD) && $(abspath $(MUSL_SRC))/configure \
		--prefix=$(abspath $(SYSROOT)) --disable-shared --enable-static \
		--disable-wrapper CC=gcc CFLAGS="-O2 -I$(abspath $(VIREO_INC))" \
		> configure.log 2>&1 || { cat configure.log >&2; exit 1; }
	$(Q)touch $@

# 3. libc.a and the crt files (musl's make and install); a change of the
# ABI headers rebuilds the translation layer's objects.
$(LIBC_A): $(MUSL_SRC)/.vireo-synced $(MUSL_BUILD)/config.mak $(VIREO_INC)/.stamp
	@echo "  MUSL    $@"
	$(Q)if [ -n "$(filter $(VIREO_INC)/.stamp,$?)" ]; then rm -rf $(MUSL_BUILD)/obj/src/vireo; fi
	$(Q)$(MAKE) --no-print-directory -s -C $(MUSL_BUILD) > $(MUSL_BUILD)/make.log 2>&1 || \
		{ tail -n 40 $(MUSL_BUILD)/make.log >&2; exit 1; }
	$(Q)$(MAKE) --no-print-directory -s -C $(MUSL_BUILD) install-libs install-headers \
		>> $(MUSL_BUILD)/make.log 2>&1 || { tail -n 40 $(MUSL_BUILD)/make.log >&2; exit 1; }
	$(Q)touch $@

$(SYSROOT_HDRS): $(VIREO_INC)/.stamp $(LIBC_A)
	$(Q)rm -rf $(SYSROOT)/include/ros $(SYSROOT)/include/generated $(SYSROOT)/include/parlib
	$(Q)cp -r $(VIREO_INC)/ros $(VIREO_INC)/generated $(VIREO_INC)/parlib $(SYSROOT)/include/
	$(Q)touch $@

# 4. The wrapper and its specs file.  Both name the sysroot by its absolute
# path: a stamp holding that path makes them follow an object folder that
# was copied or moved (make O=elsewhere after cp -a).
SYSROOT_PATH_STAMP := $(TC)/.sysroot-path
ifneq ($(shell cat $(SYSROOT_PATH_STAMP) 2>/dev/null),$(abspath $(SYSROOT)))
.PHONY: $(SYSROOT_PATH_STAMP)
endif
$(SYSROOT_PATH_STAMP):
	$(Q)mkdir -p $(dir $@)
	$(Q)echo '$(abspath $(SYSROOT))' > $@

$(VIREO_SPECS): tools/compilers/vireo-gcc.specs.in $(SYSROOT_PATH_STAMP)
	$(Q)mkdir -p $(dir $@)
	$(Q)sed 's|@SYSROOT@|$(abspath $(SYSROOT))|g' $< > $@

$(VIREO_CC): tools/compilers/x86_64-vireo-gcc.in $(VIREO_SPECS) $(SYSROOT_PATH_STAMP)
	@echo "  GEN     $@"
	$(Q)mkdir -p $(dir $@)
	$(Q)sed 's|@SYSROOT@|$(abspath $(SYSROOT))|g; s|@HOSTCC@|gcc|g' $< > $@.tmp
	$(Q)chmod +x $@.tmp && mv $@.tmp $@

$(VIREO_CXX): tools/compilers/x86_64-vireo-g++.in
	$(Q)mkdir -p $(dir $@)
	$(Q)cp $< $@.tmp && chmod +x $@.tmp && mv $@.tmp $@

# Everything a program build needs before it can compile.
VIREO_CC_DEPS := $(VIREO_CC) $(VIREO_SPECS) $(LIBC_A) $(SYSROOT_HDRS)

# 5. parlib: the syscall layer, spinlocks, uthreads and the FIFO 2LS, the
# futex, the shared pages, and the event mailbox consumers.  The consumers and the syscall trap and wait
# (syscall_wait.c) are also built freestanding into user/tiny.
PARLIB_SRCS := user/parlib/argenv.c user/parlib/ceq.c user/parlib/evbitmap.c user/parlib/event.c \
	user/parlib/ns.c user/parlib/parlib.c user/parlib/spinlock.c user/parlib/syscall.c \
	user/parlib/syscall_wait.c user/parlib/ucq.c user/parlib/uthread.c \
	user/parlib/vcore.c user/parlib/vcore_pop.c user/parlib/vcore_preempt.c \
	user/parlib/pdr_lock.c user/parlib/mcs_pdr.c user/parlib/uth_fifo.c user/parlib/futex.c \
	user/parlib/fork.c
PARLIB_OBJS := $(patsubst user/parlib/%.c,$(TC)/parlib/%.o,$(PARLIB_SRCS))
# The argument-blob packer is the kernel's own (kern/src/lib/argenv.c,
# ros/argenv.h), built here a third time (the kernel, user/tiny): one copy.
# Its kernel headers come first, as in the host tests.
PARLIB_OBJS += $(TC)/parlib/klib_argenv.o
VIREO_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wmissing-prototypes \
	-Wstrict-prototypes -Wshadow -Wvla

$(TC)/parlib/%.o: user/parlib/%.c $(VIREO_CC_DEPS)
	@echo "  VCC     $<"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(VIREO_CC) $(VIREO_CFLAGS) -MMD -MP -c $< -o $@

$(TC)/parlib/klib_argenv.o: kern/src/lib/argenv.c $(VIREO_CC_DEPS)
	@echo "  VCC     $<"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(VIREO_CC) $(VIREO_CFLAGS) -Ikern/include -Ikern/arch/x86 -MMD -MP -c $< -o $@

$(PARLIB_A): $(PARLIB_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

# 5b. libutest: the test framework of the tests/libc programs (user/utest/,
# Documentation/utest.md): the library and <utest/utest.h> in the sysroot.
# Every tests/libc program links it, with malloc wrapped for its leak check.
UTEST_A := $(SYSROOT)/lib/libutest.a
UTEST_H := $(SYSROOT)/include/utest/utest.h
UTEST_OBJS := $(patsubst user/utest/%.c,$(TC)/utest/%.o,$(wildcard user/utest/*.c))
UTEST_LDFLAGS := -Wl,--wrap=malloc,--wrap=free,--wrap=realloc,--wrap=aligned_alloc \
	-Wl,-u,__wrap_malloc,-u,utest_main -L$(SYSROOT)/lib -lutest

$(UTEST_H): user/utest/include/utest/utest.h $(SYSROOT_HDRS)
	$(Q)mkdir -p $(dir $@)
	$(Q)cp $< $@

$(TC)/utest/%.o: user/utest/%.c $(wildcard user/utest/*.h) $(UTEST_H) $(VIREO_CC_DEPS)
	@echo "  VCC     $<"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(VIREO_CC) $(VIREO_CFLAGS) -MMD -MP -c $< -o $@

$(UTEST_A): $(UTEST_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

toolchain: $(UTEST_A) $(UTEST_H)

# 6. Test programs built with the C library: tests/libc/X.c -> /test/X.
LIBC_PROGS := $(patsubst tests/libc/%.c,$(O)/libc/bin/%,$(sort $(wildcard tests/libc/*.c)))

$(O)/libc/obj/%.o: tests/libc/%.c $(VIREO_CC_DEPS) $(PARLIB_A) $(UTEST_H)
	@echo "  VCC     $<"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(VIREO_CC) $(VIREO_CFLAGS) -Itests/libc -MMD -MP -c $< -o $@

$(LIBC_PROGS): $(O)/libc/bin/%: $(O)/libc/obj/%.o $(LIBC_A) $(PARLIB_A) $(UTEST_A)
	@echo "  VLD     $@"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(VIREO_CC) -g -o $@ $< $(UTEST_LDFLAGS)

TEST_PROGS += $(LIBC_PROGS)

# tests/libc/sysfuzz.c fuzzes every row of the Linux translation table: its
# rows, as LX_ROW(nr, name, kind) lines, come from the table at build time.
LX_ROWS_H := $(O)/libc/gen/lx_rows.h
$(LX_ROWS_H): tools/compilers/musl/vireo/linux_syscalls.c tools/compilers/musl/lxtable.py \
		tests/libc/lxrows.py
	$(Q)mkdir -p $(dir $@)
	$(Q)python3 tests/libc/lxrows.py $< > $@.tmp && mv $@.tmp $@
$(O)/libc/obj/sysfuzz.o: $(LX_ROWS_H)
$(O)/libc/obj/sysfuzz.o: private VIREO_CFLAGS += -I$(O)/libc/gen

# libc_pthread, libc_epoll_mt and libc_fork_mt are portable C built as for Linux:
# -pthread, linked with -lpthread (musl's empty libpthread.a: the threads
# are in libc.a).
$(O)/libc/obj/libc_pthread.o $(O)/libc/obj/libc_epoll_mt.o $(O)/libc/obj/libc_fork_mt.o: \
	private VIREO_CFLAGS += -pthread
$(O)/libc/bin/libc_pthread $(O)/libc/bin/libc_epoll_mt $(O)/libc/bin/libc_fork_mt: \
	private UTEST_LDFLAGS += -pthread -lpthread

# 7. /bin/init and the tools: user/bin/X.c -> /bin/X, each linked with the
# helpers in user/bin/lib/ (Documentation/init.md).
UBIN_LIB := $(wildcard user/bin/lib/*.c)
UBIN_PROGS := $(patsubst user/bin/%.c,$(O)/ubin/%,$(sort $(wildcard user/bin/*.c)))

$(UBIN_PROGS): $(O)/ubin/%: user/bin/%.c $(UBIN_LIB) $(wildcard user/bin/lib/*.h) $(VIREO_CC_DEPS) $(PARLIB_A)
	@echo "  VCC     $<"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(VIREO_CC) $(VIREO_CFLAGS) -Iuser/bin/lib -Iuser/bin/net -Iuser/iplib -o $@ $< \
		$(UBIN_LIB) $(filter user/bin/net/%.c,$^) $(filter %/libiplib.a,$^) \
		$(filter %/klib_ninep.o,$^)

# The network tools also link the helpers of user/bin/net/ (#ip's files,
# addresses, DHCP messages).
UBIN_NET := $(wildcard user/bin/net/*.c)
$(addprefix $(O)/ubin/,arp ipconfig netstat route udpcat): $(UBIN_NET) $(wildcard user/bin/net/*.h)

BIN_PROGS += $(UBIN_PROGS)

# /bin/ramfs9p and the #mnt utest speak 9P with the kernel's own
# marshalling (kern/src/ns/ninep.c, pure code), built once more for user
# space: one copy.  Its kernel headers come after the C library's, with
# the host tests' configuration and arch shims (tests/host/).
NINEP_UOBJ := $(TC)/parlib/klib_ninep.o
NINEP_UCFLAGS := -include tests/host/host_config.h -Itests/host/arch \
	-idirafter kern/include -idirafter kern/arch/x86
$(NINEP_UOBJ): kern/src/ns/ninep.c $(VIREO_CC_DEPS)
	@echo "  VCC     $<"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(VIREO_CC) $(VIREO_CFLAGS) $(NINEP_UCFLAGS) -MMD -MP -c $< -o $@
# -MMD leaves out headers found through -idirafter (system headers): name them.
NINEP_UHDRS := kern/include/ninep.h kern/include/ns.h
$(NINEP_UOBJ) $(O)/libc/obj/libc_mnt.o $(O)/ubin/ramfs9p: $(NINEP_UHDRS)
$(O)/ubin/ramfs9p: $(NINEP_UOBJ)
$(O)/ubin/ramfs9p: private VIREO_CFLAGS += $(NINEP_UCFLAGS)
$(O)/libc/obj/libc_mnt.o: private VIREO_CFLAGS += $(NINEP_UCFLAGS)
$(O)/libc/bin/libc_mnt: $(NINEP_UOBJ)
$(O)/libc/bin/libc_mnt: private UTEST_LDFLAGS += $(NINEP_UOBJ) -pthread -lpthread
$(O)/libc/obj/libc_mnt.o: private VIREO_CFLAGS += -pthread

# The tools that dial link user/iplib (iplib.h).
include user/iplib/iplib.mk

# 8. Your programs: apps/X.c -> /bin/X (plain C-library programs, no test
# framework), and EXTRA_PROGS, files already built (make run
# EXTRA_PROGS=path/to/prog), copied to /bin as they are.
APP_PROGS := $(patsubst apps/%.c,$(O)/apps/%,$(sort $(wildcard apps/*.c)))

$(APP_PROGS): $(O)/apps/%: apps/%.c $(VIREO_CC_DEPS) $(PARLIB_A)
	@echo "  VCC     $<"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(VIREO_CC) $(VIREO_CFLAGS) -o $@ $<

BIN_PROGS += $(APP_PROGS) $(EXTRA_PROGS)

LIBC_NAME_CLASH := $(filter $(notdir $(LIBC_PROGS)),$(notdir $(patsubst tests/user/%.c,%,$(wildcard tests/user/*.c))))
ifneq ($(LIBC_NAME_CLASH),)
$(error tests/libc and tests/user both build /test/$(firstword $(LIBC_NAME_CLASH)))
endif
APP_NAME_CLASH := $(filter $(notdir $(APP_PROGS) $(EXTRA_PROGS)),$(notdir $(UBIN_PROGS)))
ifneq ($(APP_NAME_CLASH),)
$(error apps/ or EXTRA_PROGS would replace the system's /bin/$(firstword $(APP_NAME_CLASH)))
endif
