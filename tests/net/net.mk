# SPDX-License-Identifier: MIT
#
# net.mk - the network tests' Linux guest and runner (tests/net/,
# Documentation/net-testing.md), included by the Makefile.
#
#   $(O)/net/dl/             Debian's kernel, busybox and NIC modules
#                            (scripts/fetch-bench-linux.sh; fetched, never installed)
#   $(O)/net/udpcat          tests/net/udpcat.c for Linux (musl-gcc -static)
#   $(O)/net/g2g             tests/bench/g2g.c for Linux (the guest-to-guest
#                            benchmarks of make bench, tests/bench/guests.py)
#   $(O)/net/linux.cpio      busybox, /init (tests/net/linux-init.sh), the
#                            modules under /lib/net-modules/, /bin/udpcat, /bin/g2g,
#                            /etc/udhcpd.conf and /etc/udhcpc.script (--dhcp)
#
#   make nettest             the two-guest checks Linux to Linux on each NIC
#                            model, once more with the peer's address from
#                            DHCP (Linux's udhcpd), then the injector against
#                            a Linux guest
#   make nettest NET_PEER=vireo   Vireo on the second guest

NET_DL := $(O)/net/dl
NET_LINUX_KERNEL := $(NET_DL)/vmlinuz
NET_LINUX_INITRD := $(O)/net/linux.cpio
NET_PEER ?= linux
NET_MODELS ?= e1000 e1000e virtio

$(NET_LINUX_KERNEL): scripts/fetch-bench-linux.sh
	$(Q)scripts/fetch-bench-linux.sh $(NET_DL)

$(O)/net/udpcat $(O)/net/g2g: $(O)/net/%: | $(NET_LINUX_KERNEL)
	@echo "  LXCC    $@"
	$(Q)mkdir -p $(dir $@)
	$(Q)musl-gcc -static -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<
$(O)/net/udpcat: tests/net/udpcat.c
$(O)/net/g2g: tests/bench/g2g.c

$(NET_LINUX_INITRD): tests/net/linux-init.sh tests/net/udhcpd.conf tests/net/udhcpc.script \
		$(O)/net/udpcat $(O)/net/g2g tools/mkinitramfs.py | $(NET_LINUX_KERNEL)
	@echo "  CPIO    $@"
	$(Q)rm -rf $(O)/net/linux-root
	$(Q)mkdir -p $(O)/net/linux-root/bin $(O)/net/linux-root/lib $(O)/net/linux-root/etc
	$(Q)cp tests/net/udhcpd.conf tests/net/udhcpc.script $(O)/net/linux-root/etc/
	$(Q)cp $(NET_DL)/busybox $(O)/net/linux-root/bin/busybox
	$(Q)cp $(O)/net/udpcat $(O)/net/g2g $(O)/net/linux-root/bin/
	$(Q)cp -r $(NET_DL)/modules $(O)/net/linux-root/lib/net-modules
	$(Q)cp tests/net/linux-init.sh $(O)/net/linux-root/init
	$(Q)chmod 755 $(O)/net/linux-root/init
	$(Q)python3 tools/mkinitramfs.py $(O)/net/linux-root $@

.PHONY: net-images
net-images: $(NET_LINUX_KERNEL) $(NET_LINUX_INITRD)

nettest: net-images $(if $(filter vireo,$(NET_PEER)),$(KERNEL) $(INITRAMFS))
	$(Q)python3 tests/net/inject.py --self-test
	$(Q)for m in $(NET_MODELS); do \
		timeout 900 python3 tests/net/twoguests.py --peer $(NET_PEER) --nic $$m \
			--linux-kernel $(NET_LINUX_KERNEL) --linux-initrd $(NET_LINUX_INITRD) \
			--vireo-kernel $(KERNEL) --vireo-initrd $(INITRAMFS) \
			--logdir $(O)/test-logs || exit 1; done
	$(Q)timeout 900 python3 tests/net/twoguests.py --peer $(NET_PEER) --nic e1000 --dhcp \
		--linux-kernel $(NET_LINUX_KERNEL) --linux-initrd $(NET_LINUX_INITRD) \
		--vireo-kernel $(KERNEL) --vireo-initrd $(INITRAMFS) --logdir $(O)/test-logs
	$(Q)timeout 600 python3 tests/net/inject.py --target $(NET_PEER) --seed 1 \
		--linux-kernel $(NET_LINUX_KERNEL) --linux-initrd $(NET_LINUX_INITRD) \
		--vireo-kernel $(KERNEL) --vireo-initrd $(INITRAMFS) --logdir $(O)/test-logs
