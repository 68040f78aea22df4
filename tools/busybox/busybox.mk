# SPDX-License-Identifier: MIT
#
# busybox.mk - BusyBox as /bin/busybox and its applet links, included by
# the Makefile after toolchain.mk (Documentation/userland.md).
#
#   $(O)/busybox/fetch/    Debian's busybox source (fetch-debsrc.sh)
#   $(O)/busybox/cache/H/  a build, keyed by the hash H of its inputs
#   $(O)/busybox/busybox   the program for /bin (BIN_PROGS)
#   $(O)/busybox/applets   its applet names, one a line
#   $(O)/busybox/config    its full .config (busybox's testsuite reads it)
#
# build.sh decides from the inputs' hash whether anything is compiled; make
# runs it only when one of the inputs is newer than the result.

BUSYBOX := $(O)/busybox/busybox
BUSYBOX_APPLETS := $(O)/busybox/applets
BUSYBOX_CONFIG := $(O)/busybox/config
BUSYBOX_INPUTS := $(VIREO_CC) $(VIREO_SPECS) $(LIBC_A) $(PARLIB_A)

$(BUSYBOX) $(BUSYBOX_APPLETS) $(BUSYBOX_CONFIG) &: tools/busybox/build.sh tools/busybox/vireo.config \
		tools/busybox/merge-config.py tools/compilers/fetch-debsrc.sh \
		$(wildcard tools/busybox/patches/*.patch) $(BUSYBOX_INPUTS) $(SYSROOT_HDRS)
	$(Q)tools/busybox/build.sh $(O)/busybox $(VIREO_CC) $(BUSYBOX_INPUTS)
	$(Q)touch $(BUSYBOX) $(BUSYBOX_APPLETS) $(BUSYBOX_CONFIG)

BIN_PROGS += $(BUSYBOX)

# In the staged /bin: a symlink to busybox for each applet whose name no
# other program has (Vireo's own tools keep their names; `busybox NAME`
# still runs the applet).
define link_applets
	$(Q)for a in $$(cat $(BUSYBOX_APPLETS)); do \
		[ -e $(INITRAMFS_STAGE)/bin/$$a ] || ln -s busybox $(INITRAMFS_STAGE)/bin/$$a; done
endef
