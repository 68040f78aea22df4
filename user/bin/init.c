/* SPDX-License-Identifier: MIT */
/*
 * init.c - /bin/init, the first process (Documentation/init.md).
 *
 *	init [-f SCRIPT] [CMD [ARGS...]]
 *
 * 1. Completes the name space: each device of init_binds[] that is not yet
 *    bound where it belongs (read from our own #proc/self/ns) is bound.
 * 2. Opens the console on whichever of fds 0, 1 and 2 is closed.
 * 3. Runs CMD with ARGS (the kernel passes the rest of init= as our argv)
 *    and exits with its exit code; without CMD it runs the script (default
 *    /etc/rc) line by line and exits 0 if every line succeeded, else with
 *    the code of the last line that failed.
 *
 * Script lines: words separated by blanks, 'single quotes' group a word
 * ('' is a quote inside), a line whose first non-blank character is '#' is
 * a comment, a last word '&' starts the program without waiting.  The
 * first word is a program (a path, or a name under /bin) or one of the
 * built-ins bind, mount, unmount (same syntax as the tools, applied to
 * init's own name space so later lines see it) and cd.
 *
 * As process 1, init inherits orphans: every wait takes any child, and
 * the leftovers are reaped with WNOHANG before it exits (later orphans
 * reap themselves once init is gone).  There is no shell: no pipes,
 * redirections or variables.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "vbin.h"

#define INIT_SCRIPT_MAX (64 * 1024)
#define INIT_NS_MAX     8192
#define INIT_WORDS_MAX  64

static const char init_usage[] = "usage: init [-h] [-f SCRIPT] [CMD [ARGS...]]\n";

struct init_bind {
	const char *dev;
	const char *onto;
	int flags;
};

/* What every process should find; the kernel's name space has it already. */
static const struct init_bind init_binds[] = {
	{ "#cons", "/dev", VBIN_MAFTER },
	{ "#random", "/dev", VBIN_MAFTER },
	{ "#proc", "/proc", VBIN_MREPL },
	{ "#srv", "/srv", VBIN_MREPL },
	{ "#env", "/env", VBIN_MREPL },
	{ "#tmpfs", "/tmp", VBIN_MREPL | VBIN_MCREATE },
};

/* True if ns (bind commands) mounts dev on onto: "bind [-x] DEV ONTO". */
static bool init_ns_has(const char *ns, const char *dev, const char *onto)
{
	char want[128];
	size_t wl = (size_t)snprintf(want, sizeof(want), "%s %s\n", dev, onto);

	for (const char *l = ns; *l; ) {
		const char *end = strchr(l, '\n');
		size_t len = end ? (size_t)(end - l) + 1 : strlen(l);

		if (len > wl && strncmp(l + len - wl, want, wl) == 0 && l[len - wl - 1] == ' ')
			return true;
		l += len;
	}
	return false;
}

static void init_namespace(void)
{
	static char ns[INIT_NS_MAX];

	if (vbin_slurp("#proc/self/ns", ns, sizeof(ns)) < 0) {
		vbin_fail("init", "#proc/self/ns (binding everything)");
		ns[0] = 0;
	}
	for (size_t i = 0; i < sizeof(init_binds) / sizeof(init_binds[0]); i++) {
		const struct init_bind *b = &init_binds[i];
		struct vbin_ns_req req = { VBIN_BIND, b->flags, b->dev, b->onto, NULL };

		if (!init_ns_has(ns, b->dev, b->onto) && vbin_ns_apply(&req) == 0)
			printf("init: bound %s on %s\n", b->dev, b->onto);
	}
}

/* Puts the console on fds 0-2 where they are closed. */
static void init_fds(void)
{
	static const char *const names[] = { "/dev/stdin", "/dev/stdout", "/dev/stderr" };

	for (int fd = 0; fd < 3; fd++) {
		int nfd;

		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		nfd = open(names[fd], fd == 0 ? O_RDONLY : O_WRONLY);
		if (nfd < 0) {
			vbin_fail("init", names[fd]);
			continue;
		}
		if (nfd != fd) {
			if (dup2(nfd, fd) < 0)
				vbin_fail("init", "dup2");
			close(nfd);
		}
	}
}

/* Waits for pid, reaping any other child (orphans) on the way. */
static int init_wait_for(int pid)
{
	int status, r;

	for (;;) {
		r = vbin_wait(-1, &status, 0);
		if (r == pid)
			return status;
		if (r < 0) {
			vbin_fail("init", "waitpid");
			return 255 << 8;
		}
	}
}

/* Runs argv and waits: its exit code, or 127 if it could not start. */
static int init_run(char *const *argv, bool background)
{
	int pid, status;

	fflush(NULL);
	pid = vbin_spawn(argv);
	if (pid < 0) {
		vbin_fail("init", argv[0]);
		return 127;
	}
	if (background) {
		printf("init: %s started as pid %d\n", argv[0], pid);
		return 0;
	}
	status = init_wait_for(pid);
	if (WIFSIGNALED(status))
		fprintf(stderr, "init: %s: killed\n", argv[0]);
	return vbin_status_code(status);
}

/* Copies the quoted word at *in (past its opening quote) to *out; false
 * if the closing quote is missing. */
static bool init_unquote(char **in, char **out)
{
	for (char *p = *in; *p; ) {
		if (*p != '\'') {
			*(*out)++ = *p++;
		} else if (p[1] == '\'') {
			*(*out)++ = '\'';
			p += 2;
		} else {
			*in = p + 1;
			return true;
		}
	}
	return false;
}

static bool init_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Splits line (modified in place) into at most max - 1 words; their
 * count, or -1. */
static int init_split(char *line, char **words, int max)
{
	int n = 0;
	char *out;

	for (;;) {
		while (init_blank(*line))
			line++;
		if (!*line)
			return n;
		if (n == max - 1)
			return -1;
		words[n++] = out = line;
		while (*line && !init_blank(*line)) {
			if (*line != '\'')
				*out++ = *line++;
			else if (line++, !init_unquote(&line, &out))
				return -1;
		}
		if (*line)
			line++;
		*out = 0;
	}
}

/* Runs one script line: 0 or its exit code (nonzero on failure). */
static int init_line(int argc, char **argv)
{
	bool bg = argc > 1 && strcmp(argv[argc - 1], "&") == 0;

	if (bg)
		argv[--argc] = NULL;
	if (strcmp(argv[0], "bind") == 0)
		return vbin_ns_main(VBIN_BIND, argc, argv);
	if (strcmp(argv[0], "mount") == 0)
		return vbin_ns_main(VBIN_MOUNT, argc, argv);
	if (strcmp(argv[0], "unmount") == 0)
		return vbin_ns_main(VBIN_UNMOUNT, argc, argv);
	if (strcmp(argv[0], "cd") == 0) {
		if (argc == 2 && chdir(argv[1]) == 0)
			return 0;
		if (argc == 2)
			vbin_fail("cd", argv[1]);
		else
			fprintf(stderr, "cd: usage: cd DIR\n");
		return 1;
	}
	return init_run(argv, bg);
}

static int init_script(const char *path)
{
	static char text[INIT_SCRIPT_MAX];
	char *words[INIT_WORDS_MAX + 1];
	int lineno = 0, last_bad = 0;

	if (vbin_slurp(path, text, sizeof(text)) < 0) {
		vbin_fail("init", path);
		return 1;
	}
	for (char *line = text, *next; line; line = next) {
		int n, code;

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		lineno++;
		if (line[strspn(line, " \t\r")] == '#')
			continue;
		n = init_split(line, words, INIT_WORDS_MAX + 1);
		if (n == 0)
			continue;
		if (n < 0) {
			fprintf(stderr, "init: %s:%d: unbalanced quote or too many words\n",
				path, lineno);
			last_bad = 2;
			continue;
		}
		words[n] = NULL;
		code = init_line(n, words);
		fflush(NULL);
		if (code) {
			fprintf(stderr, "init: %s:%d: %s: exit status %d\n", path, lineno,
				words[0], code);
			last_bad = code;
		}
	}
	return last_bad;
}

/* Reaps what has already exited; children still running become orphans. */
static void init_reap_finished(void)
{
	int status;

	while (vbin_wait(-1, &status, WNOHANG) > 0)
		;
}

int main(int argc, char **argv)
{
	const char *script = "/etc/rc";
	int i = 1, code;

	init_fds();
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-f") == 0 && i + 1 < argc) {
			script = argv[++i];
		} else if (strcmp(argv[i], "-h") == 0) {
			fputs(init_usage, stdout);
			return 0;
		} else {
			fprintf(stderr, "init: bad option %s\n%s", argv[i], init_usage);
			return 2;
		}
	}
	init_namespace();
	if (i < argc)
		code = init_line(argc - i, argv + i);
	else
		code = init_script(script);
	fflush(NULL);
	init_reap_finished();
	return code;
}
