# SPDX-License-Identifier: MIT
# events: the kernel's mailbox producers (kern/src/event/ucq.c, evbitmap.c,
# ceq.c) against the user consumers (user/parlib/) on plain memory.
# test_events.c shims uaccess (plain loads, stores and CAS, with the range
# and alignment checks), the UCQ lock and the kernel's UCQ page mapping.
HOST_SUITES += events
events_SRCS := kern/src/event/ucq.c kern/src/event/evbitmap.c kern/src/event/ceq.c \
	user/parlib/ucq.c user/parlib/evbitmap.c user/parlib/ceq.c user/parlib/event.c \
	tests/host/test_events.c
events_CFLAGS := -Iuser/parlib/include
events_LIBS := -lpthread
# parlib/event.h includes ros/syscall.h, which needs the generated numbers.
events_CFLAGS += -I$(O)/include
$(O)/host/events: $(SYSCALL_HDRS)
