# SPDX-License-Identifier: MIT
#
# bench.mk - the benchmark programs and the two boot images of make bench,
# included by the Makefile after the toolchain and the initramfs.  The
# runner is scripts/bench.sh (Documentation/benchmarks.md).
#
#   $(O)/bench/vireo/NAME      tests/bench/NAME.c for Vireo (x86_64-vireo-gcc)
#   $(O)/bench/linux/NAME      the same source for Linux (Debian's musl-gcc)
#   $(O)/bench/vireo.cpio      Vireo's initramfs plus /bench
#   $(O)/bench/linux.cpio      busybox, /init (tests/bench/linux-init.sh), /bench
#                              (with net-up.sh, tests/bench/linux-net-up.sh)
#                              and the NIC modules in /lib/net-modules
#
# The Linux kernel and busybox come from Debian's packages, fetched (never
# installed) by scripts/fetch-bench-linux.sh into $(BENCH_DL).

# g2g is not run by runall (only b_*): tests/bench/guests.py drives it.
BENCH_NAMES := $(notdir $(basename $(sort $(wildcard tests/bench/b_*.c)))) runall bench_true g2g
BENCH_VIREO := $(addprefix $(O)/bench/vireo/,$(BENCH_NAMES))
BENCH_LINUX := $(addprefix $(O)/bench/linux/,$(BENCH_NAMES))
BENCH_COMMON := tests/bench/bench.c tests/bench/bench.h
BENCH_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter
BENCH_DL := $(O)/bench/dl
BENCH_LINUX_KERNEL := $(BENCH_DL)/vmlinuz

$(BENCH_VIREO): $(O)/bench/vireo/%: tests/bench/%.c $(BENCH_COMMON) $(VIREO_CC_DEPS) $(LIBC_A) $(PARLIB_A)
	@echo "  VCC     $@"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(VIREO_CC) $(BENCH_CFLAGS) -o $@ $< tests/bench/bench.c

# musl-gcc sees only musl's headers; io_uring's come from linux-libc-dev.
$(BENCH_LINUX): $(O)/bench/linux/%: tests/bench/%.c $(BENCH_COMMON) | $(BENCH_LINUX_KERNEL)
	@echo "  LXCC    $@"
	$(Q)mkdir -p $(dir $@)
	$(Q)musl-gcc -static $(BENCH_CFLAGS) -idirafter /usr/include \
		-idirafter /usr/include/x86_64-linux-gnu -o $@ $< tests/bench/bench.c

# A download from before the script kept the NIC modules lacks modules/order.
$(BENCH_LINUX_KERNEL) $(BENCH_DL)/modules/order &: scripts/fetch-bench-linux.sh
	$(Q)scripts/fetch-bench-linux.sh $(BENCH_DL)

$(O)/bench/vireo.cpio: $(INITRAMFS) $(BENCH_VIREO) tools/mkinitramfs.py
	@echo "  CPIO    $@"
	$(Q)rm -rf $(O)/bench/vireo-root
	$(Q)cp -a $(INITRAMFS_STAGE) $(O)/bench/vireo-root
	$(Q)mkdir -p $(O)/bench/vireo-root/bench
	$(Q)cp $(BENCH_VIREO) $(O)/bench/vireo-root/bench/
	$(Q)python3 tools/mkinitramfs.py $(O)/bench/vireo-root $@

$(O)/bench/linux.cpio: $(BENCH_LINUX) tests/bench/linux-init.sh tests/bench/linux-net-up.sh tools/mkinitramfs.py \
		| $(BENCH_LINUX_KERNEL) $(BENCH_DL)/modules/order
	@echo "  CPIO    $@"
	$(Q)rm -rf $(O)/bench/linux-root
	$(Q)mkdir -p $(O)/bench/linux-root/bin $(O)/bench/linux-root/bench $(O)/bench/linux-root/lib
	$(Q)cp $(BENCH_DL)/busybox $(O)/bench/linux-root/bin/busybox
	$(Q)cp tests/bench/linux-init.sh $(O)/bench/linux-root/init
	$(Q)chmod 755 $(O)/bench/linux-root/init
	$(Q)cp $(BENCH_LINUX) $(O)/bench/linux-root/bench/
	$(Q)cp tests/bench/linux-net-up.sh $(O)/bench/linux-root/bench/net-up.sh
	$(Q)cp -r $(BENCH_DL)/modules $(O)/bench/linux-root/lib/net-modules
	$(Q)python3 tools/mkinitramfs.py $(O)/bench/linux-root $@

.PHONY: bench-images
bench-images: $(KERNEL) $(O)/bench/vireo.cpio $(O)/bench/linux.cpio
