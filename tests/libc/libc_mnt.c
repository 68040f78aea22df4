/* SPDX-License-Identifier: MIT */
/*
 * libc_mnt.c - utest suite of #mnt, the kernel's 9P client
 * (Documentation/dev/mnt.md), used through the C library.
 *
 * Suite "ramfs": /bin/ramfs9p runs in a child on one end of a pipe, the
 * other end is mounted on /tmp/m9, and the files are used with open, read,
 * write, readdir, stat, mkdir, rename, unlink: create and read back, ls,
 * stat, rm, mkdir, a file of 1 MiB through a server that agrees to an
 * msize of only 1 KiB, several processes and several threads at once on
 * one mount, a mount of a #srv entry and of a TCP connection on loopback,
 * a server that dies mid-use (EIO, never a hang), unmount hanging the
 * server up.
 *
 * Suite "hostile": the test plays the server itself, with the kernel's own
 * marshalling (ninep.h), and checks that the client refuses what a server
 * must not send (a wrong version, an msize out of range, a reply with a tag
 * not in flight, a size field beyond msize, bytes that are not 9P, a qid
 * of an auth file) and that a syscall aborted while its request waits
 * sends a Tflush for that request's tag.
 *
 * Suite "virtio": QEMU's own 9P2000.u server through virtio-9p, on a host
 * folder that scripts/ninep_share.py filled (and checks afterwards): the
 * host's file read, files written, a directory, rename, remove, append,
 * 64 MiB each way checked block by block.  Skipped without the device.
 *
 * Run by scripts/run-ktests.sh: run_utest libc_mnt (ramfs, hostile) and
 * run_virtio9p (virtio).
 */
/* The kernel's 9P marshalling first: its ros/fcntl.h spells the open modes
 * Vireo's way, and the C library's headers after it must win (as must
 * musl's use of the name __unused, a kernel macro). */
#include <ninep.h>
#undef __unused
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <parlib/ns.h>
#include <utest/utest.h>

#define M9 "/tmp/m9"

/* ------------------------------------------------------------ the server */

/* A pipe whose two ends both read and write (POSIX pipe() gives one-way
 * ends, and a 9P client needs both directions): an AF_UNIX socket pair,
 * which the C library makes of #pipe's data and data1. */
static void m9_pipe(int p[2])
{
	UT_SYS(socketpair(AF_UNIX, SOCK_STREAM, 0, p));
}

struct m9 {
	pid_t server;
};

/* Starts /bin/ramfs9p with args on a pipe and mounts it on M9. */
static void m9_start(struct m9 *s, const char *msize, const char *limit)
{
	int p[2];

	mkdir(M9, 0755);
	m9_pipe(p);
	s->server = UT_SYS(fork());
	if (s->server == 0) {
		dup2(p[1], 0);
		close(p[0]);
		close(p[1]);
		execl("/bin/ramfs9p", "ramfs9p", "-m", msize, "-x", limit, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	UT_SYS(vireo_mount(p[0], M9, VIREO_MREPL | VIREO_MCREATE));
	close(p[0]);
}

/* Unmounts M9 and checks that the server saw the hangup and exited. */
static int m9_stop(struct m9 *s)
{
	int st = -1;

	vireo_unmount(NULL, M9);
	UT_SYS(waitpid(s->server, &st, 0));
	rmdir(M9);
	return st;
}

static void m9_write_file(const char *path, const void *buf, size_t n)
{
	int fd = UT_SYS(open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644));

	UT_ASSERT_EQ(write(fd, buf, n), (ssize_t)n);
	UT_SYS(close(fd));
}

static size_t m9_read_file(const char *path, void *buf, size_t n)
{
	int fd = UT_SYS(open(path, O_RDONLY));
	size_t got = 0;
	ssize_t k;

	while (got < n && (k = read(fd, (char *)buf + got, n - got)) > 0)
		got += (size_t)k;
	UT_SYS(close(fd));
	return got;
}

UTEST(ramfs, create_write_read_stat_list_remove)
{
	struct m9 s;
	char buf[64] = { 0 };
	struct stat st;

	m9_start(&s, "65560", "-1");
	UT_ASSERT_STREQ(utest_dir_names(M9), "");
	m9_write_file(M9 "/hello", "hello, 9P\n", 10);
	UT_ASSERT_EQ(m9_read_file(M9 "/hello", buf, sizeof(buf)), 10);
	UT_ASSERT_STREQ(buf, "hello, 9P\n");
	UT_SYS(stat(M9 "/hello", &st));
	UT_ASSERT_EQ(st.st_size, 10);
	UT_ASSERT(S_ISREG(st.st_mode));
	UT_SYS(mkdir(M9 "/dir", 0755));
	UT_SYS(stat(M9 "/dir", &st));
	UT_ASSERT(S_ISDIR(st.st_mode));
	m9_write_file(M9 "/dir/inner", "x", 1);
	UT_ASSERT_STREQ(utest_dir_names(M9), "dir hello");
	UT_ASSERT_STREQ(utest_dir_names(M9 "/dir"), "inner");
	UT_ASSERT_ERRNO(rmdir(M9 "/dir"), ENOTEMPTY);
	UT_SYS(rename(M9 "/dir/inner", M9 "/dir/renamed"));
	UT_ASSERT_STREQ(utest_dir_names(M9 "/dir"), "renamed");
	UT_SYS(unlink(M9 "/dir/renamed"));
	UT_SYS(rmdir(M9 "/dir"));
	UT_SYS(unlink(M9 "/hello"));
	UT_ASSERT_ERRNO(open(M9 "/hello", O_RDONLY), ENOENT);
	UT_ASSERT_ERRNO(mkdir(M9 "/a/b", 0755), ENOENT);
	UT_ASSERT_STREQ(utest_dir_names(M9), "");
	UT_ASSERT_EQ(m9_stop(&s), 0);
}

UTEST(ramfs, appends_truncates_and_offsets)
{
	struct m9 s;
	char buf[32] = { 0 };
	int fd;

	m9_start(&s, "65560", "-1");
	m9_write_file(M9 "/f", "0123456789", 10);
	fd = UT_SYS(open(M9 "/f", O_RDWR));
	UT_ASSERT_EQ(lseek(fd, 4, SEEK_SET), 4);
	UT_ASSERT_EQ(write(fd, "ab", 2), 2);
	UT_ASSERT_EQ(pread(fd, buf, sizeof(buf), 0), 10);
	UT_ASSERT_STREQ(buf, "0123ab6789");
	UT_SYS(ftruncate(fd, 3));
	UT_SYS(close(fd));
	memset(buf, 0, sizeof(buf));
	UT_ASSERT_EQ(m9_read_file(M9 "/f", buf, sizeof(buf)), 3);
	UT_ASSERT_STREQ(buf, "012");
	UT_SYS(unlink(M9 "/f"));
	UT_ASSERT_EQ(m9_stop(&s), 0);
}

/* 1 MiB through an msize of 1 KiB: about a thousand Twrites and Treads. */
UTEST(ramfs, large_file_across_a_small_msize)
{
	struct m9 s;
	size_t n = 1 << 20;
	uint8_t *a = UT_PTR(malloc(n)), *b = UT_PTR(malloc(n));

	for (size_t i = 0; i < n; i++)
		a[i] = (uint8_t)(i * 7 + (i >> 11));
	m9_start(&s, "1024", "-1");
	m9_write_file(M9 "/big", a, n);
	memset(b, 0, n);
	UT_ASSERT_EQ(m9_read_file(M9 "/big", b, n), n);
	UT_ASSERT_MEMEQ(a, b, n);
	UT_SYS(unlink(M9 "/big"));
	UT_ASSERT_EQ(m9_stop(&s), 0);
	free(a);
	free(b);
}

/* Several processes use one mount at once: requests from different
 * kthreads are in flight together and every reply finds its request. */
UTEST(ramfs, many_processes_at_once)
{
	enum { NPROC = 6, ROUNDS = 40 };
	struct m9 s;
	pid_t kids[NPROC];

	m9_start(&s, "65560", "-1");
	for (int k = 0; k < NPROC; k++) {
		kids[k] = UT_SYS(fork());
		if (kids[k] == 0) {
			char path[64], want[64], got[64];

			for (int r = 0; r < ROUNDS; r++) {
				snprintf(path, sizeof(path), M9 "/p%d", k);
				int len = snprintf(want, sizeof(want), "process %d round %d", k, r);
				int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

				if (fd < 0 || write(fd, want, (size_t)len) != len || close(fd))
					_exit(1);
				memset(got, 0, sizeof(got));
				fd = open(path, O_RDONLY);
				if (fd < 0 || read(fd, got, sizeof(got)) != len || close(fd) ||
				    strcmp(got, want))
					_exit(2);
			}
			_exit(unlink(path) ? 3 : 0);
		}
	}
	for (int k = 0; k < NPROC; k++) {
		int st;

		UT_SYS(waitpid(kids[k], &st, 0));
		UT_ASSERT_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "process %d: status %#x", k, st);
	}
	UT_ASSERT_STREQ(utest_dir_names(M9), "");
	UT_ASSERT_EQ(m9_stop(&s), 0);
}

/* One thread's rounds on its own file: NULL, or what went wrong. */
static void *m9_thread(void *arg)
{
	long k = (long)arg;
	char path[64], want[64], got[64];

	snprintf(path, sizeof(path), M9 "/t%ld", k);
	for (int r = 0; r < 30; r++) {
		int len = snprintf(want, sizeof(want), "thread %ld round %d", k, r);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0 || write(fd, want, (size_t)len) != len || close(fd))
			return "write";
		memset(got, 0, sizeof(got));
		fd = open(path, O_RDONLY);
		if (fd < 0 || read(fd, got, sizeof(got)) != len || close(fd) || strcmp(got, want))
			return "read back";
	}
	return unlink(path) ? "unlink" : NULL;
}

/* Threads of one process (uthreads whose syscalls block in the kernel
 * each on its own kthread) with requests in flight together.  In a child:
 * a process that has made threads cannot fork any more. */
static void m9_threads_child(void)
{
	enum { NTHR = 6 };
	pthread_t t[NTHR];

	for (long k = 0; k < NTHR; k++)
		if (pthread_create(&t[k], NULL, m9_thread, (void *)k))
			_exit(10);
	for (int k = 0; k < NTHR; k++) {
		void *why;

		if (pthread_join(t[k], &why) || why) {
			fprintf(stderr, "thread %d: %s\n", k, why ? (const char *)why : "join");
			_exit(11);
		}
	}
	_exit(0);
}

UTEST(ramfs, many_threads_at_once)
{
	struct m9 s;
	pid_t kid;
	int st;

	m9_start(&s, "65560", "-1");
	kid = UT_SYS(fork());
	if (kid == 0)
		m9_threads_child();
	UT_SYS(waitpid(kid, &st, 0));
	UT_ASSERT_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "threads' process: status %#x", st);
	UT_ASSERT_STREQ(utest_dir_names(M9), "");
	UT_ASSERT_EQ(m9_stop(&s), 0);
}

/* ramfs9p -s posts its end in #srv; mount opens the entry and mounts it,
 * as `mount -c /srv/NAME DIR` does.  Removing the entry and unmounting
 * drop the last references, which hangs the server up. */
UTEST(ramfs, mount_through_srv)
{
	char buf[8] = { 0 };
	pid_t server;
	int fd, status, i;

	mkdir(M9, 0755);
	server = UT_SYS(fork());
	if (server == 0) {
		execl("/bin/ramfs9p", "ramfs9p", "-s", "m9test", (char *)NULL);
		_exit(127);
	}
	/* The entry is created, then the fd posted in it: until then an open
	 * is ENOENT ("nothing is posted"). */
	for (i = 0; i < 500 && (fd = open("#srv/m9test", O_RDWR)) < 0; i++)
		usleep(10000);
	UT_ASSERT_MSG(fd >= 0, "#srv/m9test never posted: %s", utest_errdesc(errno));
	UT_SYS(vireo_mount(fd, M9, VIREO_MREPL | VIREO_MCREATE));
	UT_SYS(close(fd));
	m9_write_file(M9 "/via-srv", "srv", 3);
	UT_ASSERT_EQ(m9_read_file(M9 "/via-srv", buf, sizeof(buf)), 3);
	UT_ASSERT_STREQ(buf, "srv");
	UT_SYS(unlink("#srv/m9test"));
	UT_SYS(vireo_unmount(NULL, M9));
	UT_SYS(waitpid(server, &status, 0));
	UT_ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "server status %#x", status);
	rmdir(M9);
}

/* A TCP connection over loopback: *c the client end, *s the server's. */
static void m9_tcp_pair(int *c, int *s)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int ln = UT_SYS(socket(AF_INET, SOCK_STREAM, 0));

	UT_SYS(bind(ln, (struct sockaddr *)&a, sizeof(a)));
	UT_SYS(listen(ln, 1));
	UT_SYS(getsockname(ln, (struct sockaddr *)&a, &len));
	*c = UT_SYS(socket(AF_INET, SOCK_STREAM, 0));
	UT_SYS(connect(*c, (struct sockaddr *)&a, sizeof(a)));
	*s = UT_SYS(accept(ln, NULL, NULL));
	UT_SYS(close(ln));
}

/* The server on a TCP connection (#ip's data file): 9P over the network
 * stack, 256 KiB each way. */
UTEST(ramfs, mount_over_tcp_loopback)
{
	size_t n = 256 * 1024;
	uint8_t *a = UT_PTR(malloc(n)), *b = UT_PTR(malloc(n));
	pid_t server;
	int c, sv, st;

	for (size_t i = 0; i < n; i++)
		a[i] = (uint8_t)(i * 13 + (i >> 9));
	mkdir(M9, 0755);
	m9_tcp_pair(&c, &sv);
	server = UT_SYS(fork());
	if (server == 0) {
		dup2(sv, 0);
		close(sv);
		close(c);
		execl("/bin/ramfs9p", "ramfs9p", (char *)NULL);
		_exit(127);
	}
	close(sv);
	UT_SYS(vireo_mount(c, M9, VIREO_MREPL | VIREO_MCREATE));
	UT_SYS(close(c));
	m9_write_file(M9 "/net", a, n);
	memset(b, 0, n);
	UT_ASSERT_EQ(m9_read_file(M9 "/net", b, n), n);
	UT_ASSERT_MEMEQ(a, b, n);
	UT_SYS(unlink(M9 "/net"));
	UT_SYS(vireo_unmount(NULL, M9));
	UT_SYS(waitpid(server, &st, 0));
	UT_ASSERT_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "server status %#x", st);
	rmdir(M9);
	free(a);
	free(b);
}

/* The server exits after 30 requests: what follows fails with EIO and an
 * errstr saying the server hung up, and never hangs. */
UTEST(ramfs, server_dying_mid_use_gives_eio)
{
	struct m9 s;
	int fails = 0, st;
	char path[64];

	m9_start(&s, "65560", "30");
	for (int i = 0; i < 40; i++) {
		snprintf(path, sizeof(path), M9 "/f%d", i);
		int fd = open(path, O_WRONLY | O_CREAT, 0644);

		if (fd < 0) {
			UT_ASSERT_MSG(errno == EIO, "open after the server died: %s",
			              utest_errdesc(errno));
			UT_ASSERT_MSG(strstr(errstr(), "9P server"), "errstr '%s'", errstr());
			fails++;
			continue;
		}
		close(fd);
	}
	UT_ASSERT_GT(fails, 0);
	utest_note("after the server died: %s", errstr());
	UT_ASSERT_ERRNO(opendir(M9) ? 0 : -1, EIO);
	st = m9_stop(&s);
	UT_ASSERT_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 1, "server status %#x", st);
}

/* ------------------------------------------------------------- hostile */

/* The test is the server: a child mounts p[0] and runs a script of calls;
 * the parent answers on p[1]. */
struct hs {
	int fd;                 /* our end */
	pid_t kid;
	uint8_t in[8192];
	size_t inlen;
	char strs[8192];
	struct fcall t;         /* the last request */
};

static void hs_start(struct hs *h, void (*client)(int fd))
{
	int p[2];

	mkdir(M9, 0755);
	m9_pipe(p);
	h->kid = UT_SYS(fork());
	if (h->kid == 0) {
		close(p[1]);
		client(p[0]);
		_exit(0);
	}
	close(p[0]);
	h->fd = p[1];
	h->inlen = 0;
}

/* Reads the next request into h->t; false at EOF. */
static bool hs_next(struct hs *h)
{
	for (;;) {
		size_t want = ninep_msg_size(h->in, h->inlen);

		if (want && h->inlen >= want) {
			UT_ASSERT_MSG(convM2S(h->in, want, &h->t, h->strs) == want, "bad request: %s",
			              ninep_msg_error(h->in, want));
			memmove(h->in, h->in + want, h->inlen - want);
			h->inlen -= want;
			return true;
		}
		ssize_t n = read(h->fd, h->in + h->inlen, sizeof(h->in) - h->inlen);

		if (n <= 0)
			return false;
		h->inlen += (size_t)n;
	}
}

static void hs_send(struct hs *h, struct fcall *r)
{
	uint8_t out[512];
	size_t n = convS2M(r, out, sizeof(out));

	UT_ASSERT_MSG(n > 0, "cannot encode %s", ninep_type_name(r->type));
	UT_ASSERT_EQ(write(h->fd, out, n), (ssize_t)n);
}

/* Answers the request in h->t the ordinary way (a tiny tree: / and /f). */
static void hs_answer(struct hs *h)
{
	struct fcall r = { .type = (uint8_t)(h->t.type + 1), .tag = h->t.tag };

	switch (h->t.type) {
	case Tversion:
		r.msize = h->t.msize;
		r.version = "9P2000";
		break;
	case Tattach:
		r.qid = mkqid(0, 0, QTDIR);
		break;
	case Twalk:
		r.nwqid = h->t.nwname;
		for (int i = 0; i < r.nwqid; i++)
			r.wqid[i] = mkqid(1, 0, QTFILE);
		break;
	case Topen:
		r.qid = mkqid(1, 0, QTFILE);
		break;
	default:
		break;          /* Rclunk, Rflush, ...: nothing more */
	}
	hs_send(h, &r);
}

/* Waits for the client child; its exit status. */
static int hs_finish(struct hs *h)
{
	int st;

	close(h->fd);
	UT_SYS(waitpid(h->kid, &st, 0));
	rmdir(M9);
	return st;
}

/* The client of the mount-refusal tests: exit 0 if the mount failed with EIO
 * or EPROTO, 1 if it worked, 2 for another errno. */
static void hs_client_mount_fails(int fd)
{
	int r = vireo_mount(fd, M9, VIREO_MREPL);

	if (r >= 0)
		_exit(1);
	fprintf(stderr, "mount refused: %s\n", errstr());
	_exit(errno == EIO || errno == EPROTO ? 0 : 2);
}

static void hs_expect_refusal(void (*reply)(struct hs *h))
{
	struct hs h;
	int st;

	hs_start(&h, hs_client_mount_fails);
	UT_ASSERT(hs_next(&h));
	UT_ASSERT_EQ(h.t.type, Tversion);
	UT_ASSERT_EQ(h.t.tag, NOTAG);
	reply(&h);
	while (hs_next(&h))     /* a Tattach, if the version passed */
		hs_answer(&h);
	st = hs_finish(&h);
	UT_ASSERT_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "client status %#x", st);
}

static void hs_bad_version(struct hs *h)
{
	struct fcall r = { .type = Rversion, .tag = NOTAG, .msize = 8192, .version = "9P1999" };

	hs_send(h, &r);
}

static void hs_huge_msize(struct hs *h)
{
	struct fcall r = { .type = Rversion, .tag = NOTAG, .msize = 0x7fffffff, .version = "9P2000" };

	hs_send(h, &r);
}

static void hs_wrong_tag(struct hs *h)
{
	struct fcall r = { .type = Rversion, .tag = 7, .msize = 8192, .version = "9P2000" };

	hs_send(h, &r);
	close(h->fd);           /* the client must not wait for more */
	h->fd = -1;
}

static void hs_size_beyond_msize(struct hs *h)
{
	uint8_t junk[16] = { 0xff, 0xff, 0xff, 0x7f, Rversion, 0xff, 0xff };

	UT_ASSERT_EQ(write(h->fd, junk, sizeof(junk)), (ssize_t)sizeof(junk));
}

static void hs_not_9p(struct hs *h)
{
	UT_ASSERT_EQ(write(h->fd, "HTTP/1.0 200 OK\r\n\r\n", 19), 19);
}

static void hs_auth_root(struct hs *h)
{
	struct fcall r = { .type = Rversion, .tag = NOTAG, .msize = 8192, .version = "9P2000" };

	hs_send(h, &r);
	UT_ASSERT(hs_next(h));
	UT_ASSERT_EQ(h->t.type, Tattach);
	r = (struct fcall){ .type = Rattach, .tag = h->t.tag, .qid = mkqid(0, 0, QTDIR | 0x08) };
	hs_send(h, &r);
}

UTEST(hostile, refuses_a_version_other_than_9p2000)
{
	hs_expect_refusal(hs_bad_version);
}

UTEST(hostile, refuses_an_msize_above_what_it_offered)
{
	hs_expect_refusal(hs_huge_msize);
}

UTEST(hostile, refuses_a_reply_whose_tag_is_not_in_flight)
{
	hs_expect_refusal(hs_wrong_tag);
}

UTEST(hostile, refuses_a_size_field_beyond_msize)
{
	hs_expect_refusal(hs_size_beyond_msize);
}

UTEST(hostile, refuses_bytes_that_are_not_9p)
{
	hs_expect_refusal(hs_not_9p);
}

UTEST(hostile, refuses_an_auth_file_as_root)
{
	hs_expect_refusal(hs_auth_root);
}

/* The client: mounts, then reads /f, which the server never answers. */
static void hs_client_read_forever(int fd)
{
	char c;

	if (vireo_mount(fd, M9, VIREO_MREPL) < 0) {
		fprintf(stderr, "mount failed: %s\n", errstr());
		_exit(10);
	}
	close(fd);
	int f = open(M9 "/f", O_RDONLY);

	if (f < 0)
		_exit(11);
	(void)read(f, &c, 1);
	_exit(12);
}

/* Killing a process whose read waits on the server sends Tflush(oldtag =
 * the Tread's tag); answering it lets the process die. */
UTEST(hostile, an_aborted_request_is_flushed)
{
	struct hs h;
	uint16_t rtag;
	int st;

	hs_start(&h, hs_client_read_forever);
	while (hs_next(&h) && h.t.type != Tread)
		hs_answer(&h);
	if (h.t.type != Tread) {
		st = hs_finish(&h);
		UT_ASSERT_MSG(0, "no Tread: the client ended with status %#x", st);
	}
	rtag = h.t.tag;
	UT_SYS(kill(h.kid, SIGKILL));
	while (hs_next(&h) && h.t.type != Tflush)
		hs_answer(&h);          /* a Tclunk may come first */
	UT_ASSERT_EQ(h.t.type, Tflush);
	UT_ASSERT_EQ(h.t.oldtag, rtag);
	UT_ASSERT_NE(h.t.tag, rtag);
	hs_answer(&h);
	st = hs_finish(&h);
	UT_ASSERT_MSG(WIFSIGNALED(st), "client status %#x", st);
}

/* ------------------------------------------------------------- virtio */

/* A share made by scripts/run-ktests.sh (run_virtio9p) and checked by it
 * afterwards: QEMU's own 9P server (9P2000.u) through virtio-9p. */
#define MH "/tmp/mh"

/* Block k of a pattern file: its number, then bytes rotated by k * seed. */
static void vt_block(uint8_t *b, uint64_t k, unsigned int seed)
{
	unsigned int rot = (unsigned int)((k * seed) % 256);

	for (unsigned int j = 0; j < 4096; j++)
		b[j] = (uint8_t)((j + rot) & 0xff);
	memcpy(b, &k, sizeof(k));
}

static void vt_mount(void)
{
	struct stat st;
	int fd;

	if (stat("#virtio9p/host", &st))
		utest_skip("no virtio-9p device with mount tag 'host'");
	mkdir(MH, 0755);
	fd = UT_SYS(open("#virtio9p/host", O_RDWR));
	UT_SYS(vireo_mount(fd, MH, VIREO_MREPL | VIREO_MCREATE));
	UT_SYS(close(fd));
}

static void vt_unmount(void)
{
	UT_SYS(vireo_unmount(NULL, MH));
	rmdir(MH);
}

/* Files both ways, a directory, rename, remove, a listing; the host side
 * is checked after the boot. */
UTEST(virtio, host_folder_files)
{
	char buf[64] = { 0 };
	int fd;

	vt_mount();
	UT_ASSERT_EQ(m9_read_file(MH "/from_host.txt", buf, sizeof(buf)), 20);
	UT_ASSERT_STREQ(buf, "hello from the host\n");
	m9_write_file(MH "/from_guest.txt", "hello from Vireo\n", 17);
	UT_SYS(mkdir(MH "/gdir", 0755));
	m9_write_file(MH "/gdir/a", "a", 1);
	UT_SYS(rename(MH "/gdir/a", MH "/gdir/b"));
	UT_ASSERT_STREQ(utest_dir_names(MH "/gdir"), "b");
	UT_ASSERT_ERRNO(rmdir(MH "/gdir"), ENOTEMPTY);
	UT_SYS(unlink(MH "/gdir/b"));
	UT_ASSERT_STREQ(utest_dir_names(MH "/gdir"), "");
	m9_write_file(MH "/gdir/kept", "kept\n", 5);
	m9_write_file(MH "/doomed", "x", 1);
	UT_SYS(unlink(MH "/doomed"));
	UT_ASSERT_ERRNO(open(MH "/doomed", O_RDONLY), ENOENT);
	fd = UT_SYS(open(MH "/from_guest.txt", O_WRONLY | O_APPEND));
	UT_ASSERT_EQ(write(fd, "again\n", 6), 6);
	UT_SYS(close(fd));
	utest_note("host folder lists: %s", utest_dir_names(MH));
	vt_unmount();
}

/* big.bin (pattern seed 1, made by the host) read and checked block by
 * block; guest_big.bin of the same size written with seed 3. */
UTEST(virtio, big_files_both_ways)
{
	struct stat st;
	uint8_t *got = UT_PTR(malloc(65536)), want[4096];
	uint64_t blocks;
	int fd;

	vt_mount();
	UT_SYS(stat(MH "/big.bin", &st));
	UT_ASSERT(st.st_size > 0 && st.st_size % 4096 == 0);
	blocks = (uint64_t)st.st_size / 4096;
	fd = UT_SYS(open(MH "/big.bin", O_RDONLY));
	for (uint64_t k = 0; k < blocks; k += 16) {
		size_t n = 0;
		ssize_t r;

		while (n < 65536 && (r = read(fd, got + n, 65536 - n)) > 0)
			n += (size_t)r;
		UT_ASSERT_EQ(n, (size_t)(blocks - k < 16 ? blocks - k : 16) * 4096);
		for (size_t j = 0; j < n / 4096; j++) {
			vt_block(want, k + j, 1);
			UT_ASSERT_MSG(!memcmp(got + j * 4096, want, 4096), "block %llu differs",
			              (unsigned long long)(k + j));
		}
	}
	UT_SYS(close(fd));
	fd = UT_SYS(open(MH "/guest_big.bin", O_WRONLY | O_CREAT | O_TRUNC, 0644));
	for (uint64_t k = 0; k < blocks; k += 16) {
		size_t n = (size_t)(blocks - k < 16 ? blocks - k : 16);

		for (size_t j = 0; j < n; j++)
			vt_block(got + j * 4096, k + j, 3);
		UT_ASSERT_EQ(write(fd, got, n * 4096), (ssize_t)(n * 4096));
	}
	UT_SYS(close(fd));
	utest_note("%llu MiB read and written", (unsigned long long)(blocks / 256));
	free(got);
	vt_unmount();
}

int main(int argc, char **argv)
{
	return utest_main("libc_mnt", argc, argv);
}
