/* SPDX-License-Identifier: MIT */
/*
 * ros/fdtap.h - FD taps, shared by the kernel and user space: the request
 * that tap_fds(reqs, n) takes, its commands and its filters.
 *
 * A tap asks the device behind an FD to post an event when the file
 * becomes readable, writable, hung up, ...: the message has ev_type =
 * ev_id, ev_arg1 = the fd, ev_arg2 = the filter bits that fired, ev_arg3 =
 * data.  Posting it to a CEQ (ros/ceq.h) with CEQ_OR gives one slot per
 * ev_id whose coalesced value is the union of the bits since the consumer
 * last looked: the shared-memory core of epoll.  A process may hold several
 * taps on one FD, one per ev_q (an FD in several epoll sets); (fd, ev_q)
 * names a tap for REMOVE and MODIFY.  Taps are edge-triggered, except that
 * ADD and MODIFY fire once at once for a filter that is already true, so
 * no edge is missed.  Closing the FD removes its taps.
 *
 * tap_fds returns how many requests were done in order: n, or i < n when
 * request i failed (reissue from i to get its error), or -1 with errno and
 * errstr when the first one failed.
 *
 * Kernel: kern/src/event/fdtap.c (kern/include/fdtap.h); the syscall is
 * sys_tap_fds.  Documentation/events.md, "FD taps".
 */
#pragma once

#include <stdint.h>

/* cmd */
#define FDTAP_CMD_ADD     1     /* new tap; EEXIST if (fd, ev_q) has one */
#define FDTAP_CMD_REM     2     /* remove (fd, ev_q)'s tap; ENOENT if none */
#define FDTAP_CMD_MOD     3     /* change filter, ev_id and data; fires if ready */

/* filter */
#define FDTAP_FILT_READABLE   0x0001  /* data to read, or EOF */
#define FDTAP_FILT_WRITABLE   0x0002  /* room to write */
#define FDTAP_FILT_WRITTEN    0x0004  /* someone wrote the file */
#define FDTAP_FILT_DELETED    0x0008  /* the file went away */
#define FDTAP_FILT_ERROR      0x0010  /* an error condition */
#define FDTAP_FILT_PRIORITY   0x0020  /* urgent data */
#define FDTAP_FILT_HANGUP     0x0040  /* the other side is gone (pipe end, process exit) */
#define FDTAP_FILT_ALL        0x007f
/* What poll and epoll ask for; every device with taps accepts these five
 * (a filter that cannot happen on a file simply never fires there). */
#define FDTAP_FILT_READINESS  (FDTAP_FILT_READABLE | FDTAP_FILT_WRITABLE | FDTAP_FILT_ERROR | \
                               FDTAP_FILT_PRIORITY | FDTAP_FILT_HANGUP)

#define FDTAP_MAX_BATCH       1024    /* nr_taps of one tap_fds call */
#define FDTAP_MAX_PER_PROC    8192    /* live taps of one process */
#define FDTAP_MAX_EV_ID       0xffff  /* ev_type is 16 bits */

struct fd_tap_req {
	int32_t fd;
	int32_t cmd;            /* FDTAP_CMD_* */
	uint32_t filter;        /* FDTAP_FILT_* (ADD, MOD) */
	uint32_t ev_id;         /* the ev_type posted (ADD, MOD) */
	uint64_t ev_q;          /* struct event_queue * in the caller; names the tap */
	uint64_t data;          /* ev_arg3 of every event (ADD, MOD) */
};

_Static_assert(sizeof(struct fd_tap_req) == 32, "struct fd_tap_req is 32 bytes");
