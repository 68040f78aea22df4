/* SPDX-License-Identifier: MIT */
/*
 * ros/mqueue.h - the protocol of #mqueue (POSIX message queues), shared by
 * the kernel device (kern/drivers/dev/mqueue.c) and the C library
 * (tools/compilers/musl/vireo/lx_mq.c).  Documentation/dev/mqueue.md.
 *
 * Every file of #mqueue is one queue.  Its I/O is message-sized, and the
 * offset of a pread/pwrite says how to wait or what to do:
 *   - write: MQ_HDR_LEN bytes of header (struct mq_hdr: the priority) and
 *     then the message; read: the same header (the message's priority) and
 *     the message, so a read needs room for MQ_HDR_LEN + mq_msgsize bytes.
 *   - offset 0 (or any offset without the bits below): wait as long as it
 *     takes (EAGAIN at once on an O_NONBLOCK chan);
 *   - MQ_OFF_TIMED | usec: wait at most usec microseconds, then ETIMEDOUT;
 *   - MQ_OFF_CTL: a control read ("maxmsg M msgsize S curmsgs C\n") or
 *     write (the messages in Documentation/dev/mqueue.md: attr, notify).
 */
#pragma once

#include <stdint.h>

#define MQ_HDR_LEN        8
#define MQ_MAXMSG_DEFAULT 10            /* Linux's default msg_max */
#define MQ_MSGSIZE_MAX    8192          /* Linux's default msgsize_max */
/* A queue's own attributes: at most MQ_MAXMSG_MAX messages and at most
 * MQ_BYTES_MAX bytes of messages in all (Linux's RLIMIT_MSGQUEUE default:
 * every Vireo process is the one user, as root, whom Linux lets exceed
 * msg_max up to the byte limit). */
#define MQ_MAXMSG_MAX     1024
#define MQ_BYTES_MAX      819200
#define MQ_PRIO_MAX       32768         /* priorities are 0 .. MQ_PRIO_MAX - 1 */
#define MQ_QUEUES_MAX     256           /* Linux's default queues_max */

/* Whether maxmsg x msgsize are attributes a queue may have. */
static inline int mq_attr_valid(uint64_t maxmsg, uint64_t msgsize)
{
	return maxmsg && maxmsg <= MQ_MAXMSG_MAX && msgsize && msgsize <= MQ_MSGSIZE_MAX &&
	       maxmsg * msgsize <= MQ_BYTES_MAX;
}
#define MQ_NAME_MAX       255

#define MQ_OFF_TIMED      (1LL << 60)   /* low 60 bits: the wait in microseconds */
#define MQ_OFF_CTL        (1LL << 61)
#define MQ_OFF_USEC_MASK  (MQ_OFF_TIMED - 1)

struct mq_hdr {
	uint32_t prio;
	uint32_t pad;                   /* 0 */
};
