/* SPDX-License-Identifier: MIT */
/*
 * mq_notify.c - Vireo's mq_notify, replacing musl's, whose SIGEV_THREAD
 * waits for the kernel's message on a netlink socket (Vireo has none).
 *
 * SIGEV_SIGNAL, SIGEV_NONE and removal (sev NULL) go straight to the
 * translation layer (lx_mq.c).  SIGEV_THREAD: a non-blocking eventfd is
 * registered with the queue ("notify eventfd FD", Documentation/dev/
 * mqueue.md), then a detached thread (with the caller's attributes, if
 * any) waits on it.  #mqueue adds 1 when the notification fires, and the
 * thread then calls sigev_notify_function(sigev_value); it adds 2 when the
 * registration ends unfired (mq_notify(mqd, NULL), or the mqd closed), and
 * the thread just ends.  Either way the thread closes the eventfd.  If no
 * thread can be made, the registration is withdrawn and the call fails
 * with EAGAIN, as musl's does.
 */
#include <errno.h>
#include <mqueue.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include "syscall.h"

#define MQN_FIRED 1                     /* what #mqueue adds when it fires */

struct mqn_start {
	int efd;
	void (*fn)(union sigval);
	union sigval val;
};

/* The eventfd's value once it has one; 0 if it cannot be read. */
static uint64_t mqn_wait_value(int efd)
{
	struct pollfd p = { .fd = efd, .events = POLLIN };
	uint64_t v = 0;

	while (read(efd, &v, sizeof(v)) != sizeof(v)) {
		if (errno != EAGAIN)
			return 0;
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			return 0;
	}
	return v;
}

static void *mqn_thread(void *arg)
{
	struct mqn_start st = *(struct mqn_start *)arg;
	uint64_t v;

	free(arg);
	v = mqn_wait_value(st.efd);
	close(st.efd);
	if (v == MQN_FIRED)
		st.fn(st.val);
	return 0;
}

static int mqn_start_thread(const struct sigevent *sev, struct mqn_start *st)
{
	pthread_attr_t attr;
	pthread_t td;

	if (sev->sigev_notify_attributes)
		attr = *sev->sigev_notify_attributes;
	else
		pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	return pthread_create(&td, &attr, mqn_thread, st);
}

int mq_notify(mqd_t mqd, const struct sigevent *sev)
{
	struct sigevent reg = { .sigev_notify = SIGEV_THREAD };
	struct mqn_start *st;

	if (!sev || sev->sigev_notify != SIGEV_THREAD)
		return syscall(SYS_mq_notify, mqd, sev);
	st = malloc(sizeof(*st));
	if (!st)
		return -1;
	st->fn = sev->sigev_notify_function;
	st->val = sev->sigev_value;
	st->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	reg.sigev_signo = st->efd;
	if (st->efd < 0 || syscall(SYS_mq_notify, mqd, &reg) < 0) {
		int e = errno;

		if (st->efd >= 0)
			close(st->efd);
		free(st);
		errno = e;
		return -1;
	}
	if (mqn_start_thread(sev, st)) {
		__syscall(SYS_mq_notify, mqd, 0);
		close(st->efd);
		free(st);
		errno = EAGAIN;
		return -1;
	}
	return 0;
}
