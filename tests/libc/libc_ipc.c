/* SPDX-License-Identifier: MIT */
/*
 * libc_ipc.c - utest suites of POSIX IPC through the C library: mq
 * (message queues over #mqueue on /dev/mqueue: priority order, attributes,
 * O_CREAT|O_EXCL, names, EMSGSIZE, EAGAIN, timeouts, EBADF, unlink while
 * open, blocking across processes, mq_notify, poll), shm (shm_open over
 * the /dev/shm tmpfs, MAP_SHARED pages shared with another process) and
 * sem (named semaphores, also across processes) and pshared (futexes
 * without FUTEX_PRIVATE_FLAG on shared memory: semaphores, mutexes with
 * condition variables and barriers shared by a parent and its child,
 * waking in the kernel; timeouts; a waiter killed while it waits; bad
 * addresses) and, last because a process with threads cannot fork,
 * threads (a blocking mq_receive and a kernel futex wait stop only their
 * own thread).  Run by
 * scripts/run-ktests.sh (run_utest libc_ipc).
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utest/utest.h>

#define LI_PAGE 4096

static mqd_t li_mq(const char *name, int flags, long maxmsg, long msgsize)
{
	struct mq_attr at = { .mq_maxmsg = maxmsg, .mq_msgsize = msgsize };

	mq_unlink(name);
	return mq_open(name, flags | O_CREAT | O_EXCL, 0600, &at);
}

/* CLOCK_REALTIME now + ms, as mq_timed* take it. */
static struct timespec li_after_ms(long ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += (ms % 1000) * 1000000L;
	ts.tv_sec += ms / 1000 + ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	return ts;
}

static long li_ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static int li_wait_child(pid_t pid)
{
	int status = -1;

	UT_ASSERT_EQ(waitpid(pid, &status, 0), pid);
	return status;
}

/* The child has not ended yet (it is blocked, as it should be). */
static bool li_still_running(pid_t pid)
{
	int status;

	return waitpid(pid, &status, WNOHANG) == 0;
}

/* ------------------------------------------------------------------- mq */

UTEST(mq, dirs_in_every_name_space)
{
	struct stat st;

	UT_SYS(stat("/dev/mqueue", &st));
	UT_ASSERT(S_ISDIR(st.st_mode));
	UT_SYS(stat("/dev/shm", &st));
	UT_ASSERT(S_ISDIR(st.st_mode));
}

UTEST(mq, priority_order_fifo_within_one)
{
	static const struct { unsigned prio; const char *text; } sent[] = {
		{ 1, "low" }, { 5, "high-a" }, { 3, "mid" }, { 5, "high-b" }, { 0, "zero" },
	};
	static const char *const want[] = { "high-a", "high-b", "mid", "low", "zero" };
	static const unsigned want_prio[] = { 5, 5, 3, 1, 0 };
	mqd_t q = UT_SYS(li_mq("/li_order", O_RDWR, 5, 64));
	struct mq_attr at;
	char buf[64];
	unsigned prio;

	for (unsigned i = 0; i < 5; i++)
		UT_SYS(mq_send(q, sent[i].text, strlen(sent[i].text) + 1, sent[i].prio));
	UT_SYS(mq_getattr(q, &at));
	UT_ASSERT_EQ(at.mq_maxmsg, 5);
	UT_ASSERT_EQ(at.mq_msgsize, 64);
	UT_ASSERT_EQ(at.mq_curmsgs, 5);
	UT_ASSERT_EQ(at.mq_flags, 0);
	for (unsigned i = 0; i < 5; i++) {
		ssize_t n = UT_SYS(mq_receive(q, buf, sizeof(buf), &prio));

		UT_ASSERT_EQ(n, (ssize_t)strlen(want[i]) + 1);
		UT_ASSERT_STREQ(buf, want[i]);
		UT_ASSERT_EQ(prio, want_prio[i]);
	}
	UT_SYS(mq_close(q));
	UT_SYS(mq_unlink("/li_order"));
}

UTEST(mq, create_excl_enoent_and_defaults)
{
	mqd_t q = UT_SYS(li_mq("/li_excl", O_RDWR, 2, 16)), q2;
	struct mq_attr at;

	UT_ASSERT_ERRNO(mq_open("/li_excl", O_RDWR | O_CREAT | O_EXCL, 0600, NULL), EEXIST);
	/* O_CREAT of an existing queue opens it: its attributes stay. */
	at = (struct mq_attr){ .mq_maxmsg = 7, .mq_msgsize = 99 };
	q2 = UT_SYS(mq_open("/li_excl", O_RDWR | O_CREAT, 0600, &at));
	UT_SYS(mq_getattr(q2, &at));
	UT_ASSERT_EQ(at.mq_maxmsg, 2);
	UT_ASSERT_EQ(at.mq_msgsize, 16);
	UT_SYS(mq_close(q2));
	UT_SYS(mq_close(q));
	UT_SYS(mq_unlink("/li_excl"));
	UT_ASSERT_ERRNO(mq_open("/li_excl", O_RDWR), ENOENT);
	/* No attributes: Linux's defaults. */
	q = UT_SYS(mq_open("/li_excl", O_RDWR | O_CREAT, 0600, NULL));
	UT_SYS(mq_getattr(q, &at));
	UT_ASSERT_EQ(at.mq_maxmsg, 10);
	UT_ASSERT_EQ(at.mq_msgsize, 8192);
	UT_SYS(mq_close(q));
	UT_SYS(mq_unlink("/li_excl"));
}

UTEST(mq, bad_names_and_attributes)
{
	char longname[300];
	struct mq_attr at = { .mq_maxmsg = 0, .mq_msgsize = 16 };

	memset(longname, 'n', sizeof(longname));
	longname[0] = '/';
	longname[sizeof(longname) - 1] = '\0';
	UT_ASSERT_ERRNO(mq_open("/", O_RDWR | O_CREAT, 0600, NULL), EACCES);
	UT_ASSERT_ERRNO(mq_open("/a/b", O_RDWR | O_CREAT, 0600, NULL), EACCES);
	UT_ASSERT_ERRNO(mq_open("/..", O_RDWR | O_CREAT, 0600, NULL), EACCES);
	UT_ASSERT_ERRNO(mq_open(longname, O_RDWR | O_CREAT, 0600, NULL), ENAMETOOLONG);
	UT_ASSERT_ERRNO(mq_unlink(longname), ENAMETOOLONG);
	UT_ASSERT_ERRNO(mq_unlink("/li_never_made"), ENOENT);
	UT_ASSERT_ERRNO(mq_open("/li_attr", O_RDWR | O_CREAT, 0600, &at), EINVAL);
	at = (struct mq_attr){ .mq_maxmsg = 4, .mq_msgsize = -1 };
	UT_ASSERT_ERRNO(mq_open("/li_attr", O_RDWR | O_CREAT, 0600, &at), EINVAL);
	at = (struct mq_attr){ .mq_maxmsg = 1025, .mq_msgsize = 16 };
	UT_ASSERT_ERRNO(mq_open("/li_attr", O_RDWR | O_CREAT, 0600, &at), EINVAL);
	at = (struct mq_attr){ .mq_maxmsg = 101, .mq_msgsize = 8192 };  /* > 819200 bytes */
	UT_ASSERT_ERRNO(mq_open("/li_attr", O_RDWR | O_CREAT, 0600, &at), EINVAL);
	at = (struct mq_attr){ .mq_maxmsg = 4, .mq_msgsize = 8193 };
	UT_ASSERT_ERRNO(mq_open("/li_attr", O_RDWR | O_CREAT, 0600, &at), EINVAL);
	UT_ASSERT_ERRNO(mq_open("/li_attr", O_RDWR | O_WRONLY | O_CREAT, 0600, NULL), EINVAL);
	UT_ASSERT_ERRNO(mq_open("/li_attr", O_RDWR), ENOENT);    /* nothing was made */
}

UTEST(mq, emsgsize_and_bad_priority)
{
	mqd_t q = UT_SYS(li_mq("/li_size", O_RDWR, 2, 8));
	char buf[16] = "0123456789";

	UT_ASSERT_ERRNO(mq_send(q, buf, 9, 0), EMSGSIZE);
	UT_ASSERT_ERRNO(mq_send(q, buf, 9000, 0), EMSGSIZE);
	UT_ASSERT_ERRNO(mq_send(q, buf, 1, 32768), EINVAL);
	UT_ASSERT_ERRNO(mq_send(q, NULL, 1, 0), EFAULT);
	UT_ASSERT_ERRNO(mq_receive(q, NULL, 8, NULL), EFAULT);
	UT_SYS(mq_send(q, buf, 8, 0));
	UT_ASSERT_ERRNO(mq_receive(q, buf, 7, NULL), EMSGSIZE);
	UT_ASSERT_EQ(mq_receive(q, buf, 8, NULL), 8);
	UT_SYS(mq_send(q, buf, 0, 2));          /* an empty message is one */
	UT_ASSERT_EQ(mq_receive(q, buf, sizeof(buf), NULL), 0);
	UT_SYS(mq_close(q));
	UT_SYS(mq_unlink("/li_size"));
}

UTEST(mq, nonblock_eagain_and_setattr)
{
	mqd_t q = UT_SYS(li_mq("/li_nb", O_RDWR | O_NONBLOCK, 2, 8));
	struct mq_attr at, old;
	char buf[8];

	UT_ASSERT_ERRNO(mq_receive(q, buf, sizeof(buf), NULL), EAGAIN);
	UT_SYS(mq_send(q, "a", 1, 0));
	UT_SYS(mq_send(q, "b", 1, 0));
	UT_ASSERT_ERRNO(mq_send(q, "c", 1, 0), EAGAIN);
	/* Only O_NONBLOCK changes; the old attributes come back. */
	at = (struct mq_attr){ .mq_flags = 0, .mq_maxmsg = 9, .mq_msgsize = 99 };
	UT_SYS(mq_setattr(q, &at, &old));
	UT_ASSERT_EQ(old.mq_flags, O_NONBLOCK);
	UT_ASSERT_EQ(old.mq_curmsgs, 2);
	UT_SYS(mq_getattr(q, &at));
	UT_ASSERT_EQ(at.mq_flags, 0);
	UT_ASSERT_EQ(at.mq_maxmsg, 2);
	UT_ASSERT_EQ(at.mq_msgsize, 8);
	at.mq_flags = O_NONBLOCK | O_APPEND;
	UT_ASSERT_ERRNO(mq_setattr(q, &at, NULL), EINVAL);
	at.mq_flags = O_NONBLOCK;
	UT_SYS(mq_setattr(q, &at, NULL));
	UT_ASSERT_ERRNO(mq_send(q, "c", 1, 0), EAGAIN);
	UT_SYS(mq_close(q));
	UT_SYS(mq_unlink("/li_nb"));
}

UTEST(mq, timeouts_and_bad_timespecs)
{
	mqd_t q = UT_SYS(li_mq("/li_timed", O_RDWR, 1, 8));
	struct timespec ts = li_after_ms(60), t0, bad = { .tv_sec = 0, .tv_nsec = 1000000000 };
	char buf[8];
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	UT_ASSERT_ERRNO(mq_timedreceive(q, buf, sizeof(buf), NULL, &ts), ETIMEDOUT);
	ms = li_ms_since(&t0);
	UT_ASSERT_MSG(ms >= 50 && ms < 5000, "waited %ld ms for a 60 ms timeout", ms);
	UT_ASSERT_ERRNO(mq_timedreceive(q, buf, sizeof(buf), NULL, &bad), EINVAL);
	bad.tv_nsec = -1;
	UT_ASSERT_ERRNO(mq_timedsend(q, "x", 1, 0, &bad), EINVAL);
	ts = li_after_ms(0);                    /* passed: a message still goes in */
	UT_SYS(mq_timedsend(q, "x", 1, 0, &ts));
	ts = li_after_ms(30);
	UT_ASSERT_ERRNO(mq_timedsend(q, "y", 1, 0, &ts), ETIMEDOUT);
	UT_ASSERT_EQ(mq_timedreceive(q, buf, sizeof(buf), NULL, &ts), 1);
	UT_SYS(mq_close(q));
	UT_SYS(mq_unlink("/li_timed"));
}

UTEST(mq, ebadf_for_wrong_direction_and_other_fds)
{
	mqd_t q = UT_SYS(li_mq("/li_badf", O_RDWR, 2, 8)), r, w;
	char buf[8];
	struct stat st;
	int fd;

	r = UT_SYS(mq_open("/li_badf", O_RDONLY));
	w = UT_SYS(mq_open("/li_badf", O_WRONLY));
	UT_ASSERT_ERRNO(mq_send(r, "x", 1, 0), EBADF);
	UT_SYS(mq_send(w, "x", 1, 0));
	UT_ASSERT_ERRNO(mq_receive(w, buf, sizeof(buf), NULL), EBADF);
	UT_ASSERT_EQ(mq_receive(r, buf, sizeof(buf), NULL), 1);
	fd = UT_SYS(open("/tmp/li_plain", O_RDWR | O_CREAT | O_TRUNC, 0600));
	UT_ASSERT_ERRNO(mq_send(fd, "x", 1, 0), EBADF);
	UT_ASSERT_ERRNO(mq_getattr(fd, &(struct mq_attr){ 0 }), EBADF);
	UT_SYS(fstat(fd, &st));
	UT_ASSERT_EQ(st.st_size, 0);            /* nothing was written into it */
	UT_SYS(close(fd));
	UT_SYS(unlink("/tmp/li_plain"));
	UT_SYS(mq_close(w));
	UT_ASSERT_ERRNO(mq_send(w, "x", 1, 0), EBADF);          /* closed */
	UT_ASSERT_ERRNO(mq_send(-1, "x", 1, 0), EBADF);
	UT_ASSERT_ERRNO(mq_notify(12345, NULL), EBADF);
	UT_SYS(mq_close(r));
	UT_SYS(mq_close(q));
	UT_SYS(mq_unlink("/li_badf"));
}

UTEST(mq, unlinked_queue_lives_until_close)
{
	mqd_t q = UT_SYS(li_mq("/li_unl", O_RDWR, 2, 8));
	char buf[8];

	UT_SYS(mq_send(q, "kept", 5, 1));
	UT_SYS(mq_unlink("/li_unl"));
	UT_ASSERT_ERRNO(mq_open("/li_unl", O_RDWR), ENOENT);
	UT_ASSERT_ERRNO(mq_unlink("/li_unl"), ENOENT);
	UT_ASSERT_EQ(mq_receive(q, buf, sizeof(buf), NULL), 5);
	UT_ASSERT_STREQ(buf, "kept");
	UT_SYS(mq_close(q));
}

/* A child blocks in receive until the parent sends, then blocks in a send
 * to a full queue (the answers go back on a second queue) until the
 * parent receives. */
UTEST(mq, blocking_across_processes)
{
	mqd_t q = UT_SYS(li_mq("/li_block", O_RDWR, 1, 16));
	mqd_t back = UT_SYS(li_mq("/li_back", O_RDWR, 1, 16));
	char buf[16];
	pid_t pid;
	int status;

	pid = UT_SYS(fork());
	if (pid == 0) {
		unsigned prio = 0;

		if (mq_receive(q, buf, sizeof(buf), &prio) != 6 || strcmp(buf, "hello") ||
		    prio != 7)
			_exit(2);
		if (mq_send(back, "one", 4, 0) || mq_send(back, "two", 4, 0))
			_exit(3);
		_exit(0);
	}
	usleep(100 * 1000);
	UT_ASSERT(li_still_running(pid));       /* blocked in its receive */
	UT_SYS(mq_send(q, "hello", 6, 7));
	UT_ASSERT_EQ(mq_receive(back, buf, sizeof(buf), NULL), 4);
	UT_ASSERT_STREQ(buf, "one");
	UT_ASSERT_EQ(mq_receive(back, buf, sizeof(buf), NULL), 4);
	UT_ASSERT_STREQ(buf, "two");
	status = li_wait_child(pid);
	UT_ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %#x", status);
	UT_SYS(mq_close(back));
	UT_SYS(mq_close(q));
	UT_SYS(mq_unlink("/li_back"));
	UT_SYS(mq_unlink("/li_block"));
}

static volatile int li_usr1;

static void li_on_usr1(int sig)
{
	(void)sig;
	li_usr1++;
}

static bool li_wait_usr1(int want)
{
	for (int i = 0; i < 200 && li_usr1 < want; i++)
		usleep(5 * 1000);
	return li_usr1 >= want;
}

UTEST(mq, notify_signal_once_then_removed)
{
	mqd_t q = UT_SYS(li_mq("/li_notify", O_RDWR, 4, 8)), q2;
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	char buf[8];
	pid_t pid;
	int status;

	li_usr1 = 0;
	UT_ASSERT(signal(SIGUSR1, li_on_usr1) != SIG_ERR);
	UT_SYS(mq_notify(q, &sev));
	UT_ASSERT_ERRNO(mq_notify(q, &sev), EBUSY);
	pid = UT_SYS(fork());
	if (pid == 0) {         /* another process: busy too */
		mqd_t c = mq_open("/li_notify", O_RDWR);

		_exit(c >= 0 && mq_notify(c, &sev) == -1 && errno == EBUSY ? 0 : 2);
	}
	status = li_wait_child(pid);
	UT_ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %#x", status);
	UT_SYS(mq_send(q, "a", 1, 0));
	UT_ASSERT_MSG(li_wait_usr1(1), "no SIGUSR1 after a send to the empty queue");
	UT_SYS(mq_send(q, "b", 1, 0));          /* removed after it fired */
	usleep(20 * 1000);
	UT_ASSERT_EQ(li_usr1, 1);
	/* Not empty: registering again fires nothing on the next send. */
	UT_SYS(mq_notify(q, &sev));
	UT_SYS(mq_send(q, "c", 1, 0));
	usleep(20 * 1000);
	UT_ASSERT_EQ(li_usr1, 1);
	for (int i = 0; i < 3; i++)
		UT_ASSERT_EQ(mq_receive(q, buf, sizeof(buf), NULL), 1);
	UT_SYS(mq_send(q, "d", 1, 0));
	UT_ASSERT_MSG(li_wait_usr1(2), "no SIGUSR1 for the second registration");
	UT_SYS(mq_notify(q, NULL));             /* none left: still fine */
	sev.sigev_notify = SIGEV_NONE;
	UT_SYS(mq_notify(q, &sev));
	UT_ASSERT_ERRNO(mq_notify(q, &sev), EBUSY);
	/* The registering process may remove it through another mqd. */
	q2 = UT_SYS(mq_open("/li_notify", O_RDWR));
	UT_SYS(mq_notify(q2, NULL));
	UT_SYS(mq_notify(q2, &sev));
	UT_SYS(mq_close(q2));                   /* ends q2's registration */
	UT_SYS(mq_notify(q, &sev));
	UT_SYS(mq_notify(q, NULL));
	sev.sigev_notify = 99;
	UT_ASSERT_ERRNO(mq_notify(q, &sev), EINVAL);
	sev = (struct sigevent){ .sigev_notify = SIGEV_SIGNAL, .sigev_signo = 0 };
	UT_ASSERT_ERRNO(mq_notify(q, &sev), EINVAL);
	signal(SIGUSR1, SIG_DFL);
	UT_SYS(mq_close(q));
	UT_SYS(mq_unlink("/li_notify"));
}

UTEST(mq, poll_readable_and_writable)
{
	mqd_t q = UT_SYS(li_mq("/li_poll", O_RDWR, 1, 8));
	struct pollfd p = { .fd = q, .events = POLLIN | POLLOUT };
	char buf[8];

	UT_ASSERT_EQ(poll(&p, 1, 0), 1);
	UT_ASSERT_EQ(p.revents, POLLOUT);
	UT_SYS(mq_send(q, "x", 1, 0));
	UT_ASSERT_EQ(poll(&p, 1, 0), 1);
	UT_ASSERT_EQ(p.revents, POLLIN);
	UT_ASSERT_EQ(mq_receive(q, buf, sizeof(buf), NULL), 1);
	p.events = POLLIN;
	UT_ASSERT_EQ(poll(&p, 1, 30), 0);
	UT_SYS(mq_close(q));
	UT_SYS(mq_unlink("/li_poll"));
}

/* ------------------------------------------------------------------ shm */

/* Another process opens the object by name and maps it: the pages are the
 * same, both ways, while both mappings live. */
UTEST(shm, map_shared_between_processes)
{
	int fd, status;
	char *m;
	pid_t pid;

	shm_unlink("/li_shm");
	fd = UT_SYS(shm_open("/li_shm", O_RDWR | O_CREAT | O_EXCL, 0600));
	UT_SYS(ftruncate(fd, 2 * LI_PAGE));
	m = mmap(NULL, 2 * LI_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	UT_ASSERT(m != MAP_FAILED);
	UT_ASSERT_EQ(m[LI_PAGE + 7], 0);
	strcpy(m + LI_PAGE, "from-parent");
	pid = UT_SYS(fork());
	if (pid == 0) {
		int cfd;
		char *cm;

		munmap(m, 2 * LI_PAGE);         /* only the child's own mapping */
		cfd = shm_open("/li_shm", O_RDWR, 0);
		cm = cfd < 0 ? MAP_FAILED : mmap(NULL, 2 * LI_PAGE, PROT_READ | PROT_WRITE,
		                                 MAP_SHARED, cfd, 0);
		if (cm == MAP_FAILED || strcmp(cm + LI_PAGE, "from-parent"))
			_exit(2);
		strcpy(cm, "from-child");
		while (strcmp(cm + 100, "seen"))        /* the parent answers live */
			usleep(1000);
		_exit(0);
	}
	for (int i = 0; i < 2000 && strcmp(m, "from-child"); i++)
		usleep(1000);
	UT_ASSERT_STREQ(m, "from-child");
	strcpy(m + 100, "seen");
	status = li_wait_child(pid);
	UT_ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %#x", status);
	UT_SYS(munmap(m, 2 * LI_PAGE));
	UT_SYS(close(fd));
	UT_SYS(shm_unlink("/li_shm"));
}

/* MAP_SHARED|MAP_ANONYMOUS: pages first touched after the fork are
 * shared too (the region is made whole at the fork). */
UTEST(shm, anon_shared_pages_touched_after_fork)
{
	char *m = mmap(NULL, 4 * LI_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
	               -1, 0);
	pid_t pid;
	int status;

	UT_ASSERT(m != MAP_FAILED);
	pid = UT_SYS(fork());
	if (pid == 0) {
		strcpy(m + 3 * LI_PAGE, "child-page");
		_exit(0);
	}
	status = li_wait_child(pid);
	UT_ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %#x", status);
	UT_ASSERT_STREQ(m + 3 * LI_PAGE, "child-page");
	UT_ASSERT_EQ(m[0], 0);
	UT_SYS(munmap(m, 4 * LI_PAGE));
}

UTEST(shm, excl_enoent_and_unlink)
{
	int fd;

	shm_unlink("/li_shm2");
	fd = UT_SYS(shm_open("/li_shm2", O_RDWR | O_CREAT | O_EXCL, 0600));
	UT_ASSERT_ERRNO(shm_open("/li_shm2", O_RDWR | O_CREAT | O_EXCL, 0600), EEXIST);
	UT_SYS(close(fd));
	UT_SYS(shm_unlink("/li_shm2"));
	UT_ASSERT_ERRNO(shm_open("/li_shm2", O_RDWR, 0), ENOENT);
	UT_ASSERT_ERRNO(shm_unlink("/li_shm2"), ENOENT);
}

/* ------------------------------------------------------------------ sem */

UTEST(sem, named_semaphore_across_processes)
{
	sem_t *s, *again;
	pid_t pid;
	int v = -1, status;

	sem_unlink("/li_sem");
	s = sem_open("/li_sem", O_CREAT | O_EXCL, 0600, 1);
	UT_ASSERT_MSG(s != SEM_FAILED, "sem_open: %s", utest_errdesc(errno));
	UT_ASSERT_ERRNO_P(sem_open("/li_sem", O_CREAT | O_EXCL, 0600, 1) == SEM_FAILED ? NULL : s,
	                  EEXIST);
	again = sem_open("/li_sem", 0);
	UT_ASSERT_EQ(again, s);                 /* musl maps a name once per process */
	UT_SYS(sem_close(again));
	UT_SYS(sem_wait(s));
	UT_SYS(sem_getvalue(s, &v));
	UT_ASSERT_EQ(v, 0);
	UT_ASSERT_ERRNO(sem_trywait(s), EAGAIN);
	pid = UT_SYS(fork());
	if (pid == 0) {
		sem_t *c = sem_open("/li_sem", 0);

		usleep(50 * 1000);
		_exit(c != SEM_FAILED && sem_post(c) == 0 ? 0 : 2);
	}
	UT_SYS(sem_wait(s));                    /* the child's post */
	status = li_wait_child(pid);
	UT_ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %#x", status);
	UT_SYS(sem_close(s));
	UT_SYS(sem_unlink("/li_sem"));
	UT_ASSERT_ERRNO_P(sem_open("/li_sem", 0) == SEM_FAILED ? NULL : s, ENOENT);
	UT_ASSERT_ERRNO(sem_unlink("/li_sem"), ENOENT);
}

/* -------------------------------------------------------------- pshared */

static void *li_shared(size_t len)
{
	void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	UT_ASSERT_MSG(m != MAP_FAILED, "mmap shared anon: %s", utest_errdesc(errno));
	return m;
}

UTEST(pshared, semaphore_woken_from_another_process)
{
	sem_t *s = li_shared(LI_PAGE);
	pid_t pid;
	int status;

	UT_SYS(sem_init(s, 1, 0));
	pid = UT_SYS(fork());
	if (pid == 0)
		_exit(sem_wait(s) == 0 ? 0 : 2);
	usleep(100 * 1000);
	UT_ASSERT_MSG(li_still_running(pid), "the child did not wait on a zero semaphore");
	UT_SYS(sem_post(s));
	status = li_wait_child(pid);
	UT_ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %#x", status);
	UT_SYS(munmap(s, LI_PAGE));
}

UTEST(pshared, semaphore_timed_wait_times_out)
{
	sem_t *s = li_shared(LI_PAGE);
	struct timespec ts = li_after_ms(60), t0;
	long ms;

	UT_SYS(sem_init(s, 1, 0));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	UT_ASSERT_ERRNO(sem_timedwait(s, &ts), ETIMEDOUT);
	ms = li_ms_since(&t0);
	UT_ASSERT_MSG(ms >= 50 && ms < 5000, "waited %ld ms for a 60 ms timeout", ms);
	UT_SYS(munmap(s, LI_PAGE));
}

struct li_mc {
	pthread_mutex_t m;
	pthread_cond_t c;
	int flag;
};

UTEST(pshared, mutex_and_condvar_across_processes)
{
	struct li_mc *mc = li_shared(LI_PAGE);
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
	pid_t pid;
	int status;

	pthread_mutexattr_init(&ma);
	UT_ASSERT_EQ(pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED), 0);
	UT_ASSERT_EQ(pthread_mutex_init(&mc->m, &ma), 0);
	pthread_condattr_init(&ca);
	UT_ASSERT_EQ(pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED), 0);
	UT_ASSERT_EQ(pthread_cond_init(&mc->c, &ca), 0);
	pid = UT_SYS(fork());
	if (pid == 0) {
		pthread_mutex_lock(&mc->m);
		while (!mc->flag)
			pthread_cond_wait(&mc->c, &mc->m);
		mc->flag = 2;
		pthread_mutex_unlock(&mc->m);
		_exit(0);
	}
	usleep(100 * 1000);
	UT_ASSERT(li_still_running(pid));
	UT_ASSERT_EQ(pthread_mutex_lock(&mc->m), 0);
	mc->flag = 1;
	UT_ASSERT_EQ(pthread_cond_signal(&mc->c), 0);
	UT_ASSERT_EQ(pthread_mutex_unlock(&mc->m), 0);
	status = li_wait_child(pid);
	UT_ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %#x", status);
	UT_ASSERT_EQ(mc->flag, 2);
	pthread_cond_destroy(&mc->c);
	pthread_mutex_destroy(&mc->m);
	UT_SYS(munmap(mc, LI_PAGE));
}

UTEST(pshared, barrier_across_processes)
{
	pthread_barrier_t *b = li_shared(LI_PAGE);
	pthread_barrierattr_t ba;
	pid_t pid;
	int status, r;

	pthread_barrierattr_init(&ba);
	UT_ASSERT_EQ(pthread_barrierattr_setpshared(&ba, PTHREAD_PROCESS_SHARED), 0);
	UT_ASSERT_EQ(pthread_barrier_init(b, &ba, 2), 0);
	pid = UT_SYS(fork());
	if (pid == 0) {
		r = pthread_barrier_wait(b);
		_exit(r == 0 || r == PTHREAD_BARRIER_SERIAL_THREAD ? 0 : 2);
	}
	usleep(50 * 1000);
	UT_ASSERT(li_still_running(pid));
	r = pthread_barrier_wait(b);
	UT_ASSERT(r == 0 || r == PTHREAD_BARRIER_SERIAL_THREAD);
	status = li_wait_child(pid);
	UT_ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %#x", status);
	UT_SYS(munmap(b, LI_PAGE));
}

/* Wakes one waiter of w, retrying until one is there; how many woke. */
static long li_wake_one(int *w)
{
	long n = 0;

	for (int i = 0; i < 5000 && n == 0; i++) {      /* 10 s: a slow child */
		n = syscall(SYS_futex, w, 1 /* FUTEX_WAKE */, 1, 0, 0, 0);
		if (n == 0)
			usleep(2000);
	}
	return n;
}

/* The raw call: a child's FUTEX_WAIT on a shared word sleeps in the kernel
 * and the parent's FUTEX_WAKE reports that it woke it (the C library's
 * own futex could never count a waiter of another process). */
UTEST(pshared, raw_wait_woken_by_another_process)
{
	int *w = li_shared(LI_PAGE);
	pid_t pid;
	int status;

	pid = UT_SYS(fork());
	if (pid == 0)
		_exit(syscall(SYS_futex, w, 0 /* FUTEX_WAIT */, 0, 0, 0, 0) == 0 ? 0 : 2);
	UT_ASSERT_EQ(li_wake_one(w), 1);
	status = li_wait_child(pid);
	UT_ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %#x", status);
	UT_SYS(munmap(w, LI_PAGE));
}

/* A waiter killed in its wait leaves the queue: a wake then finds no one,
 * and the next waiter is the one woken. */
UTEST(pshared, killed_waiter_takes_no_wakeup)
{
	int *w = li_shared(LI_PAGE);
	pid_t dead, alive;
	int status;

	dead = UT_SYS(fork());
	if (dead == 0)
		_exit(syscall(SYS_futex, w, 0, 0, 0, 0, 0) == 0 ? 3 : 2);
	usleep(100 * 1000);
	UT_SYS(kill(dead, SIGKILL));
	status = li_wait_child(dead);
	UT_ASSERT_MSG(WIFSIGNALED(status), "killed child status %#x", status);
	UT_ASSERT_EQ(syscall(SYS_futex, w, 1, 1, 0, 0, 0), 0);
	alive = UT_SYS(fork());
	if (alive == 0)
		_exit(syscall(SYS_futex, w, 0, 0, 0, 0, 0) == 0 ? 0 : 2);
	UT_ASSERT_EQ(li_wake_one(w), 1);
	status = li_wait_child(alive);
	UT_ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %#x", status);
	UT_SYS(munmap(w, LI_PAGE));
}

UTEST(pshared, bad_addresses)
{
	int *w = li_shared(LI_PAGE);

	/* No mapping: EFAULT; unaligned: EINVAL; a private word still works
	 * (the C library's futex: a wake finds no one). */
	UT_ASSERT_ERRNO(syscall(SYS_futex, (int *)0x1000, 1 /* WAKE */, 1, 0, 0, 0), EFAULT);
	UT_ASSERT_ERRNO(syscall(SYS_futex, (int *)((char *)w + 2), 1, 1, 0, 0, 0), EINVAL);
	UT_ASSERT_ERRNO(syscall(SYS_futex, w, 0 /* WAIT */, 5, 0, 0, 0), EAGAIN);
	UT_ASSERT_EQ(syscall(SYS_futex, w, 1, 1, 0, 0, 0), 0);
	UT_ASSERT_EQ(syscall(SYS_futex, &(int){ 0 }, 1, 1, 0, 0, 0), 0);
	UT_ASSERT_ERRNO(syscall(SYS_futex, w, 0, 0, &(struct timespec){ 0, -1 }, 0, 0), EINVAL);
	UT_SYS(munmap(w, LI_PAGE));
}

/* -------------------------------------------------------------- threads */

struct li_thr {
	mqd_t q;
	sem_t *s;
	volatile int done;
	char got[16];
};

static void *li_receiver(void *arg)
{
	struct li_thr *t = arg;

	if (mq_receive(t->q, t->got, sizeof(t->got), NULL) < 0)
		strcpy(t->got, "error");
	t->done = 1;
	return NULL;
}

static void *li_sem_waiter(void *arg)
{
	struct li_thr *t = arg;

	t->done = sem_wait(t->s) == 0 ? 1 : 2;
	return NULL;
}

static pthread_t li_thread(void *(*fn)(void *), void *arg)
{
	pthread_t th;
	int r;

	utest_no_leak_check();          /* the first thread maps the 2LS's stacks for good */
	r = pthread_create(&th, NULL, fn, arg);

	if (r == EAGAIN)
		utest_skip("NOTE: no core for a second thread (pthread_create: EAGAIN)");
	UT_ASSERT_EQ(r, 0);
	return th;
}

UTEST(threads, blocking_receive_stops_only_its_thread)
{
	struct li_thr t = { .q = UT_SYS(li_mq("/li_thr", O_RDWR, 2, 16)) };
	pthread_t th = li_thread(li_receiver, &t);

	usleep(50 * 1000);                      /* this thread runs meanwhile */
	UT_ASSERT_EQ(t.done, 0);
	UT_SYS(mq_send(t.q, "to-thread", 10, 0));
	UT_ASSERT_EQ(pthread_join(th, NULL), 0);
	UT_ASSERT_STREQ(t.got, "to-thread");
	UT_SYS(mq_close(t.q));
	UT_SYS(mq_unlink("/li_thr"));
}

UTEST(threads, kernel_futex_wait_stops_only_its_thread)
{
	struct li_thr t = { .s = li_shared(LI_PAGE) };
	pthread_t th;

	UT_SYS(sem_init(t.s, 1, 0));
	th = li_thread(li_sem_waiter, &t);
	usleep(50 * 1000);
	UT_ASSERT_EQ(t.done, 0);
	UT_SYS(sem_post(t.s));
	UT_ASSERT_EQ(pthread_join(th, NULL), 0);
	UT_ASSERT_EQ(t.done, 1);
	UT_SYS(munmap(t.s, LI_PAGE));
}

static volatile int li_thread_calls;
static volatile long li_thread_value;

static void li_on_message(union sigval v)
{
	li_thread_value = (long)v.sival_ptr;
	li_thread_calls++;
}

/* SIGEV_THREAD: a thread calls the function once a message arrives on the
 * empty queue; a second registration is EBUSY meanwhile; removing one
 * calls nothing. */
UTEST(threads, notify_sigev_thread)
{
	mqd_t q = UT_SYS(li_mq("/li_thrn", O_RDWR, 2, 8));
	struct sigevent sev = { .sigev_notify = SIGEV_THREAD,
	                        .sigev_notify_function = li_on_message,
	                        .sigev_value.sival_ptr = (void *)0x5eed };
	char buf[8];

	utest_no_leak_check();          /* helper threads free their stacks later */
	li_thread_calls = 0;
	if (mq_notify(q, &sev) && errno == EAGAIN)
		utest_skip("NOTE: no core for the notification thread");
	UT_ASSERT_ERRNO(mq_notify(q, &sev), EBUSY);
	UT_SYS(mq_send(q, "m", 1, 0));
	for (int i = 0; i < 400 && !li_thread_calls; i++)
		usleep(5 * 1000);
	UT_ASSERT_EQ(li_thread_calls, 1);
	UT_ASSERT_EQ(li_thread_value, 0x5eed);
	UT_ASSERT_EQ(mq_receive(q, buf, sizeof(buf), NULL), 1);
	UT_SYS(mq_notify(q, &sev));             /* again, then withdrawn */
	UT_SYS(mq_notify(q, NULL));
	UT_SYS(mq_send(q, "n", 1, 0));
	usleep(50 * 1000);
	UT_ASSERT_EQ(li_thread_calls, 1);
	UT_SYS(mq_close(q));
	UT_SYS(mq_unlink("/li_thrn"));
}

int main(int argc, char **argv)
{
	return utest_main("libc_ipc", argc, argv);
}
