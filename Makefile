# SPDX-License-Identifier: MIT
#
# Vireo's one Makefile (non-recursive).  Each source folder lists its objects
# in a Kbuild file (obj-y += foo.o, or obj-$(CONFIG_X) += bar.o), kept in
# alphabetical order; this file stitches them together.  Every object goes
# under obj/.  Every top-level target first runs scripts/install-deps.sh (via
# obj/.deps-ok), so a fresh Debian machine needs no manual step.
#
#   make            build the kernel (obj/kern/vireo)
#   make run        build and boot it in QEMU at a shell prompt (serial console here)
#   make check      install, build, run every test; last line "N passed, N failed"
#   make bench      benchmarks beside Linux in the same QEMU (QUICK=1: short)
#   make conformance  the Open POSIX Test Suite in Vireo beside Linux (LINUX=1:
#                   measure Linux again; ONLY=family,family: just those)
#   make bbtest     BusyBox's own test suite in Vireo (LINUX=1: on Linux too)
#   make iso        GRUB2 rescue ISO for BIOS and UEFI (obj/vireo.iso)
#   make hosttest   host unit tests only (ASan + UBSan)
#   make fuzz       build and run the libFuzzer targets (tests/fuzz), 20 s each
#   make nettest    two guests on one wire, Linux to Linux (NET_PEER=vireo: Linux
#                   to Vireo), then the hostile packet injector (tests/net/)
#   make defconfig / menuconfig / clean
#   V=1             show the commands
#   O=DIR KCONFIG=FILE   build elsewhere with another configuration (the
#                   tests build a MAX_CORES=4 kernel this way)

O ?= obj
KCONFIG ?= .config
V ?= 0
ifeq ($(V),1)
Q :=
else
Q := @
endif

.DEFAULT_GOAL := all
.PHONY: all kernel iso run check bench conformance bbtest hosttest fuzz nettest ktest defconfig menuconfig clean deps
.DELETE_ON_ERROR:

# ---------------------------------------------------------------- set-up ---

DEPS_OK := $(O)/.deps-ok
$(DEPS_OK): scripts/install-deps.sh
	$(Q)mkdir -p $(O)
	$(Q)scripts/install-deps.sh
	$(Q)touch $@
deps: $(DEPS_OK)

# The configuration ($(KCONFIG), normally .config) is both Make syntax and
# the input of the C header.
$(KCONFIG): config-default
	$(Q)if [ ! -f $@ ]; then cp config-default $@; \
	     echo "  CONFIG  $@ from config-default"; fi
	$(Q)touch $@
-include $(KCONFIG)

AUTOCONF := $(O)/include/generated/autoconf.h
$(AUTOCONF): $(KCONFIG) scripts/mkautoconf.sh | $(DEPS_OK)
	$(Q)mkdir -p $(dir $@)
	$(Q)scripts/mkautoconf.sh $(KCONFIG) $@

# Build facts for #version; rewritten only when they change.
BUILDINFO := $(O)/include/generated/vireo_build.h
.PHONY: FORCE
$(BUILDINFO): FORCE | $(DEPS_OK)
	$(Q)mkdir -p $(dir $@)
	$(Q)scripts/mkbuildinfo.sh $(KCONFIG) $@

# Syscall numbers (kernel and user space) and the kernel's dispatch table,
# generated from the one list; rewritten only when their text changes.
SYSCALL_HDRS := $(O)/include/generated/syscall_nums.h \
	$(O)/include/generated/syscall_table.h
$(SYSCALL_HDRS) &: kern/include/ros/syscall.list scripts/mksyscalls.py | $(DEPS_OK)
	$(Q)python3 scripts/mksyscalls.py kern/include/ros/syscall.list \
		--nums $(word 1,$(SYSCALL_HDRS)) --table $(word 2,$(SYSCALL_HDRS))
# The errno names (for the syscall tracer), from the one errno header.
ERRNO_NAMES_H := $(O)/include/generated/errno_names.h
$(ERRNO_NAMES_H): kern/include/ros/errno.h scripts/mkerrnames.py | $(DEPS_OK)
	$(Q)python3 scripts/mkerrnames.py kern/include/ros/errno.h $@

# PCI names from Debian's pci.ids (package pci.ids), a selection of them
# (kern/drivers/pci/pci_ids.want); rewritten only when the text changes.
PCI_IDS_FILE ?= /usr/share/misc/pci.ids
PCI_IDS_H := $(O)/include/generated/pci_ids.h
$(PCI_IDS_H): scripts/mkpciids.py kern/drivers/pci/pci_ids.want $(wildcard $(PCI_IDS_FILE)) | $(DEPS_OK)
	$(Q)python3 scripts/mkpciids.py $(PCI_IDS_FILE) kern/drivers/pci/pci_ids.want $@

defconfig: $(DEPS_OK)
	$(Q)cp config-default $(KCONFIG)
	$(Q)KCONFIG_CONFIG=$(KCONFIG) kconfig-conf --olddefconfig Kconfig >/dev/null
	@echo "  CONFIG  $(KCONFIG) reset to config-default"

menuconfig: $(DEPS_OK) $(KCONFIG)
	$(Q)KCONFIG_CONFIG=$(KCONFIG) kconfig-mconf Kconfig

# ---------------------------------------------------------------- kernel ---

KERN_SUBSYSTEMS := init lib mm vm sync sched proc event syscall ns net ktest
KERN_DIRS := kern/arch/x86 $(addprefix kern/src/,$(KERN_SUBSYSTEMS)) \
	kern/drivers/firmware kern/drivers/pci kern/drivers/virtio kern/drivers/dev \
	kern/drivers/net

define read_kbuild
obj-y :=
include $(1)/Kbuild
KERN_OBJS += $$(addprefix $(O)/$(1)/,$$(obj-y))
endef
KERN_OBJS :=
$(foreach d,$(KERN_DIRS),$(eval $(call read_kbuild,$(d))))

GCC_INCLUDE := $(shell gcc -print-file-name=include)
KERN_CPPFLAGS := -nostdinc -isystem $(GCC_INCLUDE) \
	-Ikern/include -Ikern/arch/x86/include -Ikern/arch/x86 -I$(O)/include \
	-include $(AUTOCONF) -D__KERNEL__
KERN_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-pic -fno-pie \
	-mcmodel=kernel -mno-red-zone -mno-sse -mno-sse2 -mno-mmx -mno-avx \
	-mno-3dnow -fno-omit-frame-pointer -fno-stack-protector \
	-fno-strict-aliasing -fno-common -fno-asynchronous-unwind-tables \
	-Wall -Wextra -Werror -Wno-unused-parameter -Wmissing-prototypes \
	-Wstrict-prototypes -Wshadow -Wvla
KERN_LDFLAGS := -nostdlib -z max-page-size=0x1000 -z noexecstack \
	--no-warn-rwx-segments -T kern/arch/x86/kernel.ld

$(O)/kern/%.o: kern/%.c $(AUTOCONF)
	@echo "  CC      $<"
	$(Q)mkdir -p $(dir $@)
	$(Q)gcc $(KERN_CPPFLAGS) $(KERN_CFLAGS) -MMD -MP -c $< -o $@

$(O)/kern/drivers/dev/version.o: $(BUILDINFO)
$(O)/kern/drivers/pci/names.o: $(PCI_IDS_H)
# Any kernel object may include the generated syscall headers.
$(KERN_OBJS): | $(SYSCALL_HDRS) $(ERRNO_NAMES_H)

$(O)/kern/%.o: kern/%.S $(AUTOCONF)
	@echo "  AS      $<"
	$(Q)mkdir -p $(dir $@)
	$(Q)gcc $(KERN_CPPFLAGS) -D__ASSEMBLY__ -MMD -MP -c $< -o $@

# The kernel carries its own symbol table for backtraces.  Pass 1 links with
# an empty table; its text symbols become obj/kern/ksymtab.S; pass 2 links
# that in.  .ksymtab sits after all text (kernel.ld), so no text address
# moves between the passes; tools/mksymtab.py --verify checks that it is so.
KERNEL := $(O)/kern/vireo

$(O)/kern/ksymtab-empty.S: tools/mksymtab.py | $(DEPS_OK)
	$(Q)mkdir -p $(dir $@)
	$(Q)python3 tools/mksymtab.py --empty > $@

$(O)/kern/vireo.pass1: $(KERN_OBJS) $(O)/kern/ksymtab-empty.o kern/arch/x86/kernel.ld
	@echo "  LD      $@"
	$(Q)ld $(KERN_LDFLAGS) -o $@ $(KERN_OBJS) $(O)/kern/ksymtab-empty.o

$(O)/kern/ksymtab.S: $(O)/kern/vireo.pass1 tools/mksymtab.py
	$(Q)nm -n $< | python3 tools/mksymtab.py > $@

$(KERNEL): $(KERN_OBJS) $(O)/kern/ksymtab.o kern/arch/x86/kernel.ld
	@echo "  LD      $@"
	$(Q)ld $(KERN_LDFLAGS) -o $@ $(KERN_OBJS) $(O)/kern/ksymtab.o
	$(Q)nm -n $@ | python3 tools/mksymtab.py --verify $(O)/kern/ksymtab.S

$(O)/kern/ksymtab.o $(O)/kern/ksymtab-empty.o: $(O)/kern/%.o: $(O)/kern/%.S
	$(Q)gcc -c $< -o $@

kernel: $(KERNEL)

# A kernel built for fewer cores than the test machines have: the firmware
# lists 8, the build supports 4 (scripts/run-ktests.sh boots it with -smp 8).
VARIANT_MAX4 := $(O)/variants/max4/kern/vireo
$(VARIANT_MAX4): FORCE | $(DEPS_OK)
	$(Q)mkdir -p $(O)/variants
	$(Q)sed 's/^CONFIG_MAX_CORES=.*/CONFIG_MAX_CORES=4/' $(KCONFIG) > $(O)/variants/max4.config.new
	$(Q)cmp -s $(O)/variants/max4.config.new $(O)/variants/max4.config || \
		mv $(O)/variants/max4.config.new $(O)/variants/max4.config
	$(Q)rm -f $(O)/variants/max4.config.new
	$(Q)$(MAKE) --no-print-directory O=$(O)/variants/max4 \
		KCONFIG=$(O)/variants/max4.config kernel
all: $(DEPS_OK) $(KERNEL)

# ------------------------------------------------------------ user tests ---

# Freestanding user programs (Documentation/user-tests.md): tests/user/X.c
# becomes obj/user/X, linked with user/tiny/ (crt0, syscall stub, printf,
# the utest harness) at 0x400000 by user/tiny/user.ld: static ELF64
# ET_EXEC, no PT_INTERP.  They include only ros/ and generated/ headers.
# No SSE (-mgeneral-regs-only): they must not depend on the kernel saving
# FPU state.  -fno-toplevel-reorder keeps UTESTs in source order.  The
# initramfs carries them under /test (TEST_PROGS).
USER_TINY_SRCS := $(sort $(wildcard user/tiny/*.c)) user/tiny/crt0.S
# The syscall trap and wait and the event mailbox consumers are
# freestanding parlib files (also built into parlib over the C library):
# every tiny program gets them, so there is one copy of each.
USER_TINY_SRCS += user/parlib/ceq.c user/parlib/evbitmap.c user/parlib/event.c \
	user/parlib/syscall_wait.c user/parlib/ucq.c user/parlib/uthread.c \
	user/parlib/vcore.c user/parlib/vcore_pop.c user/parlib/vcore_preempt.c
USER_TINY_OBJS := $(patsubst %,$(O)/%.o,$(basename $(USER_TINY_SRCS)))
# The standard memory and string functions and the argument-blob packer are
# the kernel's own (kern/src/lib/string.c, argenv.c), built a second time for
# user space: one copy.
USER_TINY_OBJS += $(O)/user/klib_string.o $(O)/user/klib_argenv.o
USER_PROGS := $(patsubst tests/user/%.c,$(O)/user/%,$(sort $(wildcard tests/user/*.c)))
USER_LD := user/tiny/user.ld
USER_CPPFLAGS := -nostdinc -isystem $(GCC_INCLUDE) -Iuser -Iuser/parlib/include \
	-Ikern/include -Ikern/arch/x86 -I$(O)/include
USER_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-pic -fno-pie \
	-fno-stack-protector -mgeneral-regs-only -fno-asynchronous-unwind-tables \
	-fno-tree-loop-distribute-patterns -fno-toplevel-reorder -fno-common \
	-Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes -Wshadow -Wvla
USER_LDFLAGS := -static -nostdlib -no-pie -Wl,-T,$(USER_LD) -Wl,--build-id=none \
	-Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack

$(O)/user/%.o: user/%.c | $(SYSCALL_HDRS)
	@echo "  UCC     $<"
	$(Q)mkdir -p $(dir $@)
	$(Q)gcc $(USER_CPPFLAGS) $(USER_CFLAGS) -MMD -MP -c $< -o $@

$(O)/user/%.o: user/%.S
	@echo "  UAS     $<"
	$(Q)mkdir -p $(dir $@)
	$(Q)gcc $(USER_CPPFLAGS) -D__ASSEMBLY__ -MMD -MP -c $< -o $@

$(O)/user/klib_%.o: kern/src/lib/%.c | $(SYSCALL_HDRS)
	@echo "  UCC     $<"
	$(Q)mkdir -p $(dir $@)
	$(Q)gcc $(USER_CPPFLAGS) $(USER_CFLAGS) -MMD -MP -c $< -o $@

$(O)/user/tests/%.o: tests/user/%.c | $(SYSCALL_HDRS)
	@echo "  UCC     $<"
	$(Q)mkdir -p $(dir $@)
	$(Q)gcc $(USER_CPPFLAGS) $(USER_CFLAGS) -MMD -MP -c $< -o $@

$(USER_PROGS): $(O)/user/%: $(O)/user/tests/%.o $(USER_TINY_OBJS) $(USER_LD)
	@echo "  ULD     $@"
	$(Q)gcc $(USER_LDFLAGS) -o $@ $< $(USER_TINY_OBJS)

# What the initramfs carries: the test programs in /test, the programs a
# user runs in /bin.  toolchain.mk adds the ones built with the C library.
TEST_PROGS := $(USER_PROGS)
BIN_PROGS :=
include tools/compilers/toolchain.mk
include tools/busybox/busybox.mk

# ------------------------------------------------------------- initramfs ---

# The root file system #kfs loads at boot (the first boot module): the
# folder initramfs/ plus the programs, BIN_PROGS under /bin (with the
# BusyBox applet links, tools/busybox/busybox.mk) and TEST_PROGS
# under /test, staged in $(O)/initramfs-root/ and packed as newc cpio.
# scripts/qemu.sh passes it with -initrd, the ISO carries it as a module2.
INITRAMFS := $(O)/initramfs.cpio
INITRAMFS_SRCS := $(shell find initramfs -type d -o -type f 2>/dev/null)
INITRAMFS_STAGE := $(O)/initramfs-root
# The list of programs, rewritten only when it changes: removing a program
# (or moving it between /bin and /test) must rebuild the image too.
PROG_LIST := $(O)/user/programs.list
$(PROG_LIST): FORCE
	$(Q)mkdir -p $(dir $@)
	$(Q)echo "bin: $(BIN_PROGS) test: $(TEST_PROGS)" > $@.new
	$(Q)cmp -s $@.new $@ && rm -f $@.new || mv $@.new $@

# $(call stage_progs,DIR,PROGRAMS): copies PROGRAMS into the staged DIR/,
# refusing to replace a file that initramfs/ already has there.
define stage_progs
	$(Q)mkdir -p $(INITRAMFS_STAGE)/$(1)
	$(Q)for p in $(2); do \
		if [ -e $(INITRAMFS_STAGE)/$(1)/$${p##*/} ]; then \
			echo "initramfs: $(1)/$${p##*/} is both in initramfs/ and a built program" >&2; \
			exit 1; fi; \
		cp $$p $(INITRAMFS_STAGE)/$(1)/; done
endef

$(INITRAMFS): tools/mkinitramfs.py $(INITRAMFS_SRCS) $(BIN_PROGS) $(BUSYBOX_APPLETS) \
		$(TEST_PROGS) $(PROG_LIST) | $(DEPS_OK)
	@echo "  CPIO    $@"
	$(Q)rm -rf $(INITRAMFS_STAGE)
	$(Q)mkdir -p $(INITRAMFS_STAGE)
	$(Q)cp -a initramfs/. $(INITRAMFS_STAGE)/
	$(call stage_progs,bin,$(BIN_PROGS))
	$(call link_applets)
	$(call stage_progs,test,$(TEST_PROGS))
	$(Q)python3 tools/mkinitramfs.py $(INITRAMFS_STAGE) $@
all: $(INITRAMFS)

include tests/bench/bench.mk
include tests/net/net.mk

# ------------------------------------------------------------------- ISO ---

ISO := $(O)/vireo.iso
iso: $(ISO)
$(ISO): $(KERNEL) $(INITRAMFS) scripts/mkiso.sh | $(DEPS_OK)
	@echo "  ISO     $@"
	$(Q)scripts/mkiso.sh $(KERNEL) $@ "" $(INITRAMFS)

# ----------------------------------------------------------------- tests ---

HOST_SUITES :=
include $(sort $(wildcard tests/host/*.mk))

HOST_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -include tests/host/host_config.h \
	-Itests/host -Itests/host/arch -Ikern/include -Ikern/arch/x86
HOST_COMMON := tests/host/htest.c tests/host/host_support.c kern/src/sync/spinlock.c kern/src/sync/lockorder.c

define host_suite
$(O)/host/$(1): $$($(1)_SRCS) $(HOST_COMMON) $$(wildcard tests/host/*.h tests/host/arch/arch/*.h kern/include/*.h) | $(DEPS_OK)
	@echo "  HOSTCC  $$@"
	$(Q)mkdir -p $$(dir $$@)
	$(Q)gcc $(HOST_CFLAGS) $$($(1)_CFLAGS) -o $$@ $$($(1)_SRCS) $(HOST_COMMON) $$($(1)_LIBS)
endef
$(foreach s,$(HOST_SUITES),$(eval $(call host_suite,$(s))))
HOST_BINS := $(addprefix $(O)/host/,$(HOST_SUITES))

# libFuzzer targets: tests/fuzz/<name>.mk declares one, like a host suite:
#	FUZZ_TARGETS += name
#	name_FUZZ_SRCS := kern/src/foo.c        (the code under test)
#	name_FUZZ_CFLAGS := (optional)
# and tests/fuzz/<name>.c defines LLVMFuzzerTestOneInput.  Each builds to
# obj/fuzz/<name>; scripts/check.sh runs each for FUZZ_TIME seconds (20),
# keeping its corpus in obj/fuzz/<name>-corpus/ and any crash input as
# obj/fuzz/<name>-crash-*.
FUZZ_TARGETS :=
include $(sort $(wildcard tests/fuzz/*.mk))

FUZZ_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -include tests/host/host_config.h \
	-Itests/host -Itests/host/arch -Ikern/include -Ikern/arch/x86

define fuzz_target
$(O)/fuzz/$(1): tests/fuzz/$(1).c tests/fuzz/$(1).mk $$($(1)_FUZZ_SRCS) $$(wildcard kern/include/*.h) | $(DEPS_OK)
	@echo "  FUZZCC  $$@"
	$(Q)mkdir -p $$(dir $$@)
	$(Q)clang $(FUZZ_CFLAGS) $$($(1)_FUZZ_CFLAGS) -o $$@ tests/fuzz/$(1).c $$($(1)_FUZZ_SRCS)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_target,$(t))))
FUZZ_BINS := $(addprefix $(O)/fuzz/,$(FUZZ_TARGETS))

hosttest: $(HOST_BINS)
	$(Q)O="$(O)" scripts/check.sh --host-only $(HOST_BINS)

fuzz: $(FUZZ_BINS)
	$(Q)O="$(O)" scripts/check.sh --fuzz-only $(FUZZ_BINS)

check: $(DEPS_OK) $(KERNEL) $(VARIANT_MAX4) $(INITRAMFS) $(HOST_BINS) $(FUZZ_BINS)
	$(Q)O="$(O)" FUZZ_BINS="$(FUZZ_BINS)" scripts/check.sh $(HOST_BINS)

# Benchmarks beside Linux in the same QEMU (Documentation/benchmarks.md);
# QUICK=1 for the short version, GUESTS=0 without the guest-to-guest part
# (tests/bench/guests.py).  Never part of check.
bench: $(DEPS_OK)
	$(Q)O="$(O)" QUICK="$(QUICK)" GUESTS="$(GUESTS)" scripts/bench.sh

# The Open POSIX Test Suite in Vireo beside Linux, or beside the stored
# Linux baseline (Documentation/conformance.md).  Never part of all or check
# (check runs only tests/conformance/subset.txt).
LINUX ?= 0
conformance: $(DEPS_OK) $(KERNEL) $(INITRAMFS) toolchain $(if $(filter 1,$(LINUX)),$(BENCH_LINUX_KERNEL))
	$(Q)python3 scripts/conformance.py --obj "$(O)" --config "$(KCONFIG)" \
		$(if $(filter 1,$(LINUX)),--linux) $(if $(ONLY),--only "$(ONLY)")

# BusyBox's own test suite in Vireo; LINUX=1 also runs it on Linux (the
# same source and .config built with Debian's musl-gcc) and records
# tests/busybox/linux-results.txt (Documentation/userland.md).  make check
# runs the Vireo half against tests/busybox/vireo-pass.txt.
BBTEST_LINUX_BB := $(O)/bbtest/linux-busybox/busybox
$(BBTEST_LINUX_BB): tools/busybox/build.sh tools/busybox/vireo.config | $(DEPS_OK)
	$(Q)tools/busybox/build.sh $(dir $@) /usr/bin/musl-gcc

bbtest: $(DEPS_OK) $(KERNEL) $(INITRAMFS) $(if $(filter 1,$(LINUX)),$(BENCH_LINUX_KERNEL) $(BBTEST_LINUX_BB))
	$(Q)python3 scripts/bbtest.py --obj "$(O)" --system vireo --expect tests/busybox/vireo-pass.txt
	$(Q)$(if $(filter 1,$(LINUX)),python3 scripts/bbtest.py --obj "$(O)" --system linux \
		--record tests/busybox/linux-results.txt,true)

# make run boots the default way, /bin/init running /etc/rc, which ends in
# the shell (BusyBox ash, /etc/profile); with initexit, `exit` leaves QEMU.
# RUNARGS replaces that: RUNARGS= boots with an empty command line, where
# `exit` leads to the kernel monitor.  SHARE=DIR adds DIR through virtio-9p
# and starts init under /bin/mount, so the shell's name space shows DIR at
# /mnt (Documentation/drivers/virtio-9p.md).
RUN_HASH := \#
RUN_INIT := $(if $(SHARE), init=/bin/mount -c $(RUN_HASH)virtio9p/host /mnt -- /bin/init)
RUNARGS ?= --append "initexit$(RUN_INIT)"
run: $(DEPS_OK) $(KERNEL) $(INITRAMFS)
	$(Q)scripts/qemu.sh --interactive $(if $(SHARE),--share $(SHARE)) $(RUNARGS)

clean:
	rm -rf $(O)

# (Not under any busybox/ folder: BusyBox's own tree has .d files and
# folders such as init.d, and make bench keeps a second tree in
# $(O)/bench-release/busybox/.)
DEP_FILES = $(shell find $(O) -name busybox -type d -prune -o -name '*.d' -type f -print 2>/dev/null)

# The .d files name generated headers by $(O)'s absolute path.  In an
# object folder copied from elsewhere (cp -a obj1 obj2) they would keep
# naming obj1's headers, and objects built against an older syscall table
# or configuration would never be rebuilt.  $(O)/.obj-path records where
# the folder was built; when that differs, the .d files are moved along.
OBJ_PATH_FILE := $(O)/.obj-path
OBJ_PATH_OLD := $(shell cat $(OBJ_PATH_FILE) 2>/dev/null)
ifneq ($(OBJ_PATH_OLD),$(abspath $(O)))
ifneq ($(OBJ_PATH_OLD),)
$(info   MOVE    $(OBJ_PATH_OLD) -> $(abspath $(O)) (dependency files))
$(shell find $(O) -name '*.d' -type f -print0 | xargs -0 -r sed -i 's|$(OBJ_PATH_OLD)/|$(abspath $(O))/|g')
endif
$(shell mkdir -p $(O) && echo '$(abspath $(O))' > $(OBJ_PATH_FILE))
endif
-include $(DEP_FILES)
