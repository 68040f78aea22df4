/* SPDX-License-Identifier: MIT */
/*
 * kt_dev_mqueue.c - ktests of #mqueue, suite dev_mqueue: priority order
 * with FIFO within a priority, the control read, the creator's attributes
 * (once, EPERM after), bad input (short header, priority, pad, EMSGSIZE
 * both ways, names, control messages, access narrowing), EAGAIN and a
 * timed wait that expires, a blocked receiver woken from another core,
 * eventfd notifications (fired, withdrawn, ended by close, bad fds),
 * an unlinked queue living until its close, the ENOSPC bound on queues,
 * and no leaked chans or kmalloc objects.
 */
#include <atomic.h>
#include <errno.h>
#include <kstring.h>
#include <ktest.h>
#include <sysfile.h>
#include <ros/mqueue.h>

#include "kt_dev.h"

static int mqk_create(const char *name, int extra)
{
	char path[64];

	snprintf(path, sizeof(path), "#mqueue/%s", name);
	return sysopen(path, O_RDWR | O_CREAT | O_EXCL | extra, 0600);
}

static void mqk_remove(const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "#mqueue/%s", name);
	sysremove(path);
}

static ssize_t mqk_send(int fd, uint32_t prio, const char *text, int64_t off)
{
	uint8_t buf[MQ_HDR_LEN + 64];
	struct mq_hdr h = { .prio = prio };
	size_t n = strlen(text) + 1;

	memcpy(buf, &h, MQ_HDR_LEN);
	memcpy(buf + MQ_HDR_LEN, text, n);
	return syspwrite(fd, buf, MQ_HDR_LEN + n, off);
}

/* Receives into text (64 bytes); the priority, or -1. */
static int64_t mqk_recv(int fd, char *text, int64_t off)
{
	uint8_t buf[MQ_HDR_LEN + 64];
	struct mq_hdr h;
	ssize_t n = syspread(fd, buf, sizeof(buf), off);

	if (n < MQ_HDR_LEN)
		return -1;
	memcpy(&h, buf, MQ_HDR_LEN);
	memcpy(text, buf + MQ_HDR_LEN, (size_t)n - MQ_HDR_LEN);
	return h.prio;
}

static bool mqk_errno(ssize_t r, int e)
{
	if (r == -1 && get_errno() == e)
		return true;
	printk("mqueue ktest: got %ld errno %d, wanted -1 errno %d\n", (long)r, get_errno(), e);
	return false;
}

KTEST(dev_mqueue, priority_order_and_ctl)
{
	struct kt_ns_env env;
	int fd;
	char text[64], ctl[96];

	kt_ns_env_begin(&env);
	mqk_remove("kt_order");
	fd = mqk_create("kt_order", 0);
	KT_ASSERT(fd >= 0);
	KT_ASSERT_EQ(syspwrite(fd, "attr 4 64", 9, MQ_OFF_CTL), 9);
	KT_ASSERT(mqk_send(fd, 2, "two-a", 0) > 0);
	KT_ASSERT(mqk_send(fd, 9, "nine", 0) > 0);
	KT_ASSERT(mqk_send(fd, 2, "two-b", 0) > 0);
	KT_ASSERT(mqk_send(fd, 0, "zero", 0) > 0);
	KT_ASSERT(syspread(fd, ctl, sizeof(ctl) - 1, MQ_OFF_CTL) > 0);
	KT_ASSERT(kt_dev_has(ctl, "maxmsg 4 msgsize 64 curmsgs 4"));
	KT_ASSERT_EQ(mqk_recv(fd, text, 0), 9);
	KT_ASSERT(!strcmp(text, "nine"));
	KT_ASSERT_EQ(mqk_recv(fd, text, 0), 2);
	KT_ASSERT(!strcmp(text, "two-a"));
	KT_ASSERT_EQ(mqk_recv(fd, text, 0), 2);
	KT_ASSERT(!strcmp(text, "two-b"));
	KT_ASSERT_EQ(mqk_recv(fd, text, 0), 0);
	/* The attributes are fixed now, for the creator too. */
	KT_ASSERT(mqk_errno(syspwrite(fd, "attr 2 8", 8, MQ_OFF_CTL), EPERM));
	KT_ASSERT_EQ(sysclose(fd), 0);
	mqk_remove("kt_order");
	KT_ASSERT(kt_ns_env_end(&env));
}

KTEST(dev_mqueue, bad_input)
{
	struct kt_ns_env env;
	uint8_t buf[MQ_HDR_LEN + 64] = { 0 };
	struct mq_hdr h = { .prio = MQ_PRIO_MAX };
	int fd, fd2;

	kt_ns_env_begin(&env);
	mqk_remove("kt_bad");
	fd = mqk_create("kt_bad", O_NONBLOCK);
	KT_ASSERT(fd >= 0);
	KT_ASSERT(mqk_errno(mqk_create("kt_bad", 0), EEXIST));
	KT_ASSERT(mqk_errno(syspwrite(fd, "attr 0 8", 8, MQ_OFF_CTL), EINVAL));
	KT_ASSERT(mqk_errno(syspwrite(fd, "attr 1025 8", 11, MQ_OFF_CTL), EINVAL));
	KT_ASSERT(mqk_errno(syspwrite(fd, "attr 101 8192", 13, MQ_OFF_CTL), EINVAL));
	KT_ASSERT(mqk_errno(syspwrite(fd, "attr 2 8193", 11, MQ_OFF_CTL), EINVAL));
	KT_ASSERT(mqk_errno(syspwrite(fd, "attr 2", 6, MQ_OFF_CTL), EINVAL));
	KT_ASSERT(mqk_errno(syspwrite(fd, "bogus", 5, MQ_OFF_CTL), EINVAL));
	KT_ASSERT(mqk_errno(syspwrite(fd, "notify signal 0 1", 17, MQ_OFF_CTL), EINVAL));
	KT_ASSERT(mqk_errno(syspwrite(fd, "notify a b c d e f", 18, MQ_OFF_CTL), EINVAL));
	KT_ASSERT_EQ(syspwrite(fd, "attr 2 8", 8, MQ_OFF_CTL), 8);
	KT_ASSERT(mqk_errno(syspwrite(fd, buf, MQ_HDR_LEN - 1, 0), EINVAL));
	memcpy(buf, &h, sizeof(h));
	KT_ASSERT(mqk_errno(syspwrite(fd, buf, MQ_HDR_LEN, 0), EINVAL));
	h = (struct mq_hdr){ .prio = 1, .pad = 1 };
	memcpy(buf, &h, sizeof(h));
	KT_ASSERT(mqk_errno(syspwrite(fd, buf, MQ_HDR_LEN, 0), EINVAL));
	KT_ASSERT(mqk_errno(mqk_send(fd, 0, "123456789", 0), EMSGSIZE));
	KT_ASSERT(mqk_errno(syspread(fd, buf, MQ_HDR_LEN + 7, 0), EMSGSIZE));
	KT_ASSERT(mqk_errno(syspread(fd, buf, sizeof(buf), 0), EAGAIN));
	KT_ASSERT(mqk_send(fd, 0, "a", 0) > 0);
	KT_ASSERT(mqk_send(fd, 0, "b", 0) > 0);
	KT_ASSERT(mqk_errno(mqk_send(fd, 0, "c", 0), EAGAIN));
	/* A second chan, narrowed to receiving: sends are EBADF; a second
	 * notification is EBUSY. */
	fd2 = sysopen("#mqueue/kt_bad", O_RDWR, 0);
	KT_ASSERT(fd2 >= 0);
	KT_ASSERT(mqk_errno(syspwrite(fd2, "attr 2 8", 8, MQ_OFF_CTL), EPERM));
	KT_ASSERT_EQ(syspwrite(fd2, "access r", 8, MQ_OFF_CTL), 8);
	KT_ASSERT(mqk_errno(syspwrite(fd2, "access w", 8, MQ_OFF_CTL), EINVAL));
	KT_ASSERT(mqk_errno(mqk_send(fd2, 0, "x", 0), EBADF));
	KT_ASSERT_EQ(syspwrite(fd, "notify none", 11, MQ_OFF_CTL), 11);
	KT_ASSERT(mqk_errno(syspwrite(fd2, "notify none", 11, MQ_OFF_CTL), EBUSY));
	KT_ASSERT_EQ(syspwrite(fd2, "notify off", 10, MQ_OFF_CTL), 10);   /* not its own */
	KT_ASSERT(mqk_errno(syspwrite(fd2, "notify none", 11, MQ_OFF_CTL), EBUSY));
	KT_ASSERT_EQ(sysclose(fd), 0);          /* ends fd's registration */
	KT_ASSERT_EQ(syspwrite(fd2, "notify none", 11, MQ_OFF_CTL), 11);
	KT_ASSERT_EQ(sysclose(fd2), 0);
	KT_ASSERT(mqk_errno(sysopen("#mqueue/kt_bad/deeper", O_RDWR, 0), ENOTDIR));
	mqk_remove("kt_bad");
	KT_ASSERT(kt_ns_env_end(&env));
}

KTEST(dev_mqueue, timed_wait_expires)
{
	int fd;
	char text[64];
	uint64_t t0, ms;

	mqk_remove("kt_timed");
	fd = mqk_create("kt_timed", 0);
	KT_ASSERT(fd >= 0);
	KT_ASSERT_EQ(syspwrite(fd, "attr 1 64", 9, MQ_OFF_CTL), 9);
	t0 = nsec_now();
	KT_ASSERT(mqk_errno(mqk_recv(fd, text, MQ_OFF_TIMED | 30000), ETIMEDOUT));
	ms = kt_dev_ms_since(t0);
	KT_ASSERT_MSG(ms >= 25 && ms < 5000, "30 ms wait took %llu ms", (unsigned long long)ms);
	KT_ASSERT(mqk_send(fd, 4, "x", MQ_OFF_TIMED) > 0);     /* room: no wait */
	KT_ASSERT(mqk_errno(mqk_send(fd, 4, "y", MQ_OFF_TIMED | 1000), ETIMEDOUT));
	KT_ASSERT_EQ(mqk_recv(fd, text, MQ_OFF_TIMED), 4);
	KT_ASSERT_EQ(sysclose(fd), 0);
	mqk_remove("kt_timed");
}

struct mqk_waiter {
	int fd;
	int64_t prio;
	char text[64];
	atomic_t done;
};

static void mqk_reader(void *arg)
{
	struct mqk_waiter *w = arg;

	w->prio = mqk_recv(w->fd, w->text, 0);
	atomic_set(&w->done, 1);
}

KTEST(dev_mqueue, blocked_receiver_woken)
{
	struct mqk_waiter w = { .prio = -2 };
	struct kthread *kt;

	mqk_remove("kt_block");
	w.fd = mqk_create("kt_block", 0);
	KT_ASSERT(w.fd >= 0);
	KT_ASSERT_EQ(syspwrite(w.fd, "attr 2 64", 9, MQ_OFF_CTL), 9);
	kt = kt_dev_start(mqk_reader, &w);
	kthread_usleep(50 * 1000);
	KT_ASSERT_EQ(atomic_read(&w.done), 0);
	KT_ASSERT(mqk_send(w.fd, 7, "wake", 0) > 0);
	kthread_join(kt);
	KT_ASSERT_EQ(w.prio, 7);
	KT_ASSERT(!strcmp(w.text, "wake"));
	KT_ASSERT_EQ(sysclose(w.fd), 0);
	mqk_remove("kt_block");
}

KTEST(dev_mqueue, unlinked_queue_lives_until_close)
{
	int64_t chans = chan_nr_live();
	size_t objs = kt_kmalloc_objs();
	char text[64];
	int fd;

	mqk_remove("kt_unl");
	fd = mqk_create("kt_unl", 0);
	KT_ASSERT(fd >= 0);
	KT_ASSERT_EQ(syspwrite(fd, "attr 2 64", 9, MQ_OFF_CTL), 9);
	KT_ASSERT(mqk_send(fd, 1, "kept", 0) > 0);
	KT_ASSERT_EQ(sysremove("#mqueue/kt_unl"), 0);
	KT_ASSERT(mqk_errno(sysopen("#mqueue/kt_unl", O_RDWR, 0), ENOENT));
	KT_ASSERT(mqk_errno(sysremove("#mqueue/kt_unl"), ENOENT));
	KT_ASSERT_EQ(mqk_recv(fd, text, 0), 1);
	KT_ASSERT(!strcmp(text, "kept"));
	KT_ASSERT(mqk_send(fd, 1, "freed with the queue", 0) > 0);
	KT_ASSERT_EQ(sysclose(fd), 0);
	KT_ASSERT_EQ(chan_nr_live(), chans);
	KT_ASSERT_EQ(kt_kmalloc_objs(), objs);
}

/* "notify eventfd FD": 1 added when it fires, 2 when it ends unfired; the
 * fd must be a writable, non-blocking eventfd. */
KTEST(dev_mqueue, notify_eventfd)
{
	int fd, efd, blocking;
	char msg[48], text[64];
	uint64_t v = 0;

	mqk_remove("kt_efd");
	fd = mqk_create("kt_efd", 0);
	efd = sysopen("#eventfd/efd", O_RDWR | O_NONBLOCK, 0);
	blocking = sysopen("#eventfd/efd", O_RDWR, 0);
	KT_ASSERT(fd >= 0 && efd >= 0 && blocking >= 0);
	KT_ASSERT_EQ(syspwrite(fd, "attr 2 64", 9, MQ_OFF_CTL), 9);
	snprintf(msg, sizeof(msg), "notify eventfd %d", blocking);
	KT_ASSERT(mqk_errno(syspwrite(fd, msg, strlen(msg), MQ_OFF_CTL), EINVAL));
	snprintf(msg, sizeof(msg), "notify eventfd %d", fd);    /* not an eventfd */
	KT_ASSERT(mqk_errno(syspwrite(fd, msg, strlen(msg), MQ_OFF_CTL), EINVAL));
	KT_ASSERT(mqk_errno(syspwrite(fd, "notify eventfd 999", 18, MQ_OFF_CTL), EBADF));
	snprintf(msg, sizeof(msg), "notify eventfd %d", efd);
	KT_ASSERT_EQ(syspwrite(fd, msg, strlen(msg), MQ_OFF_CTL), (ssize_t)strlen(msg));
	KT_ASSERT(mqk_send(fd, 1, "fire", 0) > 0);
	KT_ASSERT_EQ(sysread(efd, &v, 8), 8);
	KT_ASSERT_EQ(v, 1);
	KT_ASSERT_EQ(mqk_recv(fd, text, 0), 1);
	KT_ASSERT_EQ(syspwrite(fd, msg, strlen(msg), MQ_OFF_CTL), (ssize_t)strlen(msg));
	KT_ASSERT_EQ(syspwrite(fd, "notify off", 10, MQ_OFF_CTL), 10);
	KT_ASSERT_EQ(sysread(efd, &v, 8), 8);
	KT_ASSERT_EQ(v, 2);
	KT_ASSERT_EQ(syspwrite(fd, msg, strlen(msg), MQ_OFF_CTL), (ssize_t)strlen(msg));
	KT_ASSERT_EQ(sysclose(fd), 0);          /* ends it too */
	KT_ASSERT_EQ(sysread(efd, &v, 8), 8);
	KT_ASSERT_EQ(v, 2);
	sysclose(efd);
	sysclose(blocking);
	mqk_remove("kt_efd");
}

KTEST(dev_mqueue, queue_count_bounded)
{
	char name[32];
	int n = 0, fd;

	for (; n <= MQ_QUEUES_MAX; n++) {
		snprintf(name, sizeof(name), "kt_many%d", n);
		fd = mqk_create(name, 0);
		if (fd < 0)
			break;
		sysclose(fd);
	}
	KT_ASSERT_MSG(n <= MQ_QUEUES_MAX && get_errno() == ENOSPC,
	              "%d queues made, then errno %d", n, get_errno());
	while (n-- > 0) {
		snprintf(name, sizeof(name), "kt_many%d", n);
		mqk_remove(name);
	}
	fd = mqk_create("kt_many0", 0);
	KT_ASSERT(fd >= 0);                     /* room again */
	sysclose(fd);
	mqk_remove("kt_many0");
}
