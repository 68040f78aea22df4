# SPDX-License-Identifier: MIT
#
# iplib.mk - user/iplib (Plan 9 dialing and name lookup, iplib.h) built as
# $(O)/toolchain/iplib/libiplib.a, included by tools/compilers/toolchain.mk
# after the /bin tools.  The tools that dial link it (IPLIB_TOOLS), and so
# does tests/libc/libc_iplib.c.  It carries user/bin/net/ipaddr.c (dotted
# quads), which those tools do not link a second time.

IPLIB_A := $(TC)/iplib/libiplib.a
IPLIB_SRCS := $(wildcard user/iplib/*.c) user/bin/net/ipaddr.c
IPLIB_OBJS := $(patsubst %.c,$(TC)/iplib/%.o,$(notdir $(IPLIB_SRCS)))
IPLIB_CFLAGS := -Iuser/iplib -Iuser/bin/net

$(TC)/iplib/%.o: user/iplib/%.c $(VIREO_CC_DEPS)
	@echo "  VCC     $<"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(VIREO_CC) $(VIREO_CFLAGS) $(IPLIB_CFLAGS) -MMD -MP -c $< -o $@

$(TC)/iplib/ipaddr.o: user/bin/net/ipaddr.c $(VIREO_CC_DEPS)
	@echo "  VCC     $<"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(VIREO_CC) $(VIREO_CFLAGS) $(IPLIB_CFLAGS) -MMD -MP -c $< -o $@

$(IPLIB_A): $(IPLIB_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

IPLIB_TOOLS := $(addprefix $(O)/ubin/,dial get_html httpd listen listen1 ttcp)
$(IPLIB_TOOLS): $(IPLIB_A)

$(O)/libc/obj/libc_iplib.o: private VIREO_CFLAGS += $(IPLIB_CFLAGS)
$(O)/libc/obj/libc_iplib.o: $(wildcard user/iplib/*.h)
$(O)/libc/bin/libc_iplib: $(IPLIB_A)
$(O)/libc/bin/libc_iplib: private UTEST_LDFLAGS += $(IPLIB_A)
