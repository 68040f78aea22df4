/* SPDX-License-Identifier: MIT */
/*
 * libc_pipe.c - utest suites of pipes (over #pipe) and descriptor
 * duplication through the C library: pipe (data through in both sizes and
 * many chunks, EOF once every write end is closed, a duplicated write end
 * keeps the pipe open, EPIPE on a pipe without readers when SIGPIPE is
 * ignored, SIGPIPE to the writer before EPIPE, the default SIGPIPE ending
 * the writer) and dup (dup2 onto an open fd closes it first, stdout redirected
 * into a pipe and restored, F_DUPFD's lowest free slot, dup keeps the
 * shared offset).  Errors are in libc_errors.c.
 * Run by scripts/run-ktests.sh (run_utest libc_pipe).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utest/utest.h>

static char lp_out[8192], lp_in[8192];

UTEST(pipe, data_through_in_many_chunks)
{
	int p[2];

	UT_SYS(pipe(p));
	for (int round = 0; round < 64; round++) {
		size_t n = 1 + (size_t)(round * 97) % sizeof(lp_out);

		for (size_t i = 0; i < n; i++)
			lp_out[i] = (char)(round + i);
		UT_ASSERT_EQ(write(p[1], lp_out, n), n);
		for (size_t got = 0; got < n;) {
			ssize_t r = UT_SYS(read(p[0], lp_in + got, n - got));

			UT_ASSERT_MSG(r > 0, "round %d: EOF after %zu of %zu bytes", round, got, n);
			got += (size_t)r;
		}
		UT_ASSERT_MEMEQ(lp_in, lp_out, n);
	}
	UT_SYS(close(p[0]));
	UT_SYS(close(p[1]));
}

UTEST(pipe, eof_when_every_writer_is_closed)
{
	int p[2], w2;
	char c;

	UT_SYS(pipe(p));
	w2 = UT_SYS(dup(p[1]));
	UT_ASSERT_EQ(write(p[1], "x", 1), 1);
	UT_SYS(close(p[1]));
	UT_ASSERT_EQ(read(p[0], &c, 1), 1);
	UT_ASSERT_EQ(write(w2, "y", 1), 1);
	UT_ASSERT_EQ(read(p[0], &c, 1), 1);
	UT_ASSERT_EQ(c, 'y');
	UT_SYS(close(w2));
	UT_ASSERT_EQ(read(p[0], &c, 1), 0);
	UT_ASSERT_EQ(read(p[0], &c, 1), 0);
	UT_SYS(close(p[0]));
}

/* Documented policy (Documentation/utest.md): with SIGPIPE ignored a write
 * to a pipe without readers fails with EPIPE and the writer lives on. */
UTEST(pipe, epipe_without_readers)
{
	struct sigaction old, ign = { .sa_handler = SIG_IGN };
	int p[2];

	UT_SYS(sigaction(SIGPIPE, &ign, &old));
	UT_SYS(pipe(p));
	UT_SYS(close(p[0]));
	errno = 0;
	ssize_t r = write(p[1], "lost", 4);
	int e = errno;

	close(p[1]);
	sigaction(SIGPIPE, &old, NULL);
	UT_ASSERT_MSG(r == -1 && e == EPIPE, "write to a reader-less pipe: %zd, %s", r,
	              utest_errdesc(e));
}

static volatile sig_atomic_t lp_sigpipes;

static void lp_on_sigpipe(int sig)
{
	(void)sig;
	lp_sigpipes++;
}

/* As Linux: the writer gets SIGPIPE first; with a handler the write then
 * fails with EPIPE; writev too. */
UTEST(pipe, sigpipe_to_the_writer_then_epipe)
{
	struct sigaction old, on = { .sa_handler = lp_on_sigpipe };
	struct iovec iov[2] = { { "ab", 2 }, { "cd", 2 } };
	int p[2];
	ssize_t r;
	int e;

	UT_SYS(sigaction(SIGPIPE, &on, &old));
	UT_SYS(pipe(p));
	UT_SYS(close(p[0]));
	lp_sigpipes = 0;
	errno = 0;
	r = write(p[1], "lost", 4);
	e = errno;
	UT_ASSERT_MSG(r == -1 && e == EPIPE, "write: %zd, %s", r, utest_errdesc(e));
	UT_ASSERT_EQ(lp_sigpipes, 1);
	r = writev(p[1], iov, 2);
	UT_ASSERT_MSG(r == -1 && errno == EPIPE, "writev: %zd, %s", r, utest_errdesc(errno));
	UT_ASSERT_EQ(lp_sigpipes, 2);
	close(p[1]);
	sigaction(SIGPIPE, &old, NULL);
}

/* With the default action the writer is ended by SIGPIPE (what stops
 * "yes | head" on Linux). */
UTEST(pipe, sigpipe_default_ends_the_writer)
{
	int p[2], status;
	pid_t pid;

	UT_SYS(pipe(p));
	pid = UT_SYS(fork());
	if (pid == 0) {
		close(p[0]);
		signal(SIGPIPE, SIG_DFL);
		for (int i = 0; i < 1000; i++)
			if (write(p[1], "yyyyyy", 6) < 0)
				_exit(3);       /* EPIPE returned: SIGPIPE did not end us */
		_exit(4);
	}
	UT_SYS(close(p[1]));
	UT_SYS(close(p[0]));
	UT_ASSERT_EQ(waitpid(pid, &status, 0), pid);
	UT_ASSERT_MSG(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE, "status %#x", status);
}

/* --------------------------------------------------------------------- dup */

UTEST(dup, dup2_onto_an_open_fd_closes_it)
{
	int p[2], fd = UT_SYS(open("/tmp/lp_file", O_RDWR | O_CREAT | O_TRUNC, 0644));
	char b[8] = { 0 };

	UT_SYS(pipe(p));
	UT_ASSERT_EQ(dup2(fd, p[1]), p[1]);
	UT_ASSERT_EQ(write(p[1], "file", 4), 4);
	UT_ASSERT_EQ(pread(fd, b, sizeof(b), 0), 4);
	UT_ASSERT_STREQ(b, "file");
	UT_ASSERT_EQ(read(p[0], b, 1), 0);       /* its only writer was replaced */
	UT_SYS(close(p[0]));
	UT_SYS(close(p[1]));
	UT_SYS(close(fd));
	UT_SYS(unlink("/tmp/lp_file"));
}

UTEST(dup, stdout_into_a_pipe_and_back)
{
	int p[2], saved = UT_SYS(dup(1));
	char b[32] = { 0 };

	UT_SYS(pipe(p));
	UT_ASSERT_EQ(dup2(p[1], 1), 1);
	ssize_t w = write(1, "to the pipe", 11);

	dup2(saved, 1);
	close(saved);
	UT_ASSERT_EQ(w, 11);
	UT_SYS(close(p[1]));
	UT_ASSERT_EQ(read(p[0], b, sizeof(b)), 11);
	UT_ASSERT_STREQ(b, "to the pipe");
	UT_SYS(close(p[0]));
	UT_ASSERT_EQ(fcntl(1, F_GETFD), 0);
}

UTEST(dup, lowest_free_slot_and_shared_offset)
{
	int fd = UT_SYS(open("/tmp/lp_off", O_RDWR | O_CREAT | O_TRUNC, 0644));
	int hi = UT_SYS(fcntl(fd, F_DUPFD, 40)), d;
	char b[4] = { 0 };

	UT_ASSERT_GE(hi, 40);
	d = UT_SYS(dup(fd));
	UT_ASSERT_LT(d, 40);
	UT_ASSERT_EQ(write(fd, "abcdef", 6), 6);
	UT_ASSERT_EQ(lseek(d, 0, SEEK_CUR), 6);
	UT_ASSERT_EQ(lseek(hi, 1, SEEK_SET), 1);
	UT_ASSERT_EQ(read(fd, b, 2), 2);
	UT_ASSERT_STREQ(b, "bc");
	UT_SYS(close(hi));
	UT_SYS(close(d));
	UT_SYS(close(fd));
	UT_SYS(unlink("/tmp/lp_off"));
}

int main(int argc, char **argv)
{
	return utest_main("libc_pipe", argc, argv);
}
