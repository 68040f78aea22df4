/* SPDX-License-Identifier: MIT */
/*
 * strace_fmt.c - one trace record as a line of text (strace.h): pure code,
 * no locks, no allocation, tested on the host (tests/host/test_strace_fmt.c).
 *
 *	E|X TS PID VCORE CORE CALL
 *	E 52001000 7 - 1 openat(AT_FDCWD, "/etc/motd", O_RDONLY)
 *	X 52001234 7 - 1 openat(AT_FDCWD, "/etc/motd", O_RDONLY) = 3
 *	X 52004321 7 - 1 read(3, "hello\n", 4096) = 6
 *	X 52009999 7 2 3 openat(AT_FDCWD, "/nope", O_RDONLY) = -1 ENOENT (openat: ...)
 *	D 12 records dropped
 *
 * VCORE is "-" for a call that did not come from an MCP's vcore.
 *
 * The call is decoded by the generated syscall table (scripts/mksyscalls.py):
 * the name, and for each argument its kind (SYSCALL_ARG_*: an fd, a path
 * shown from the record's copy of its first bytes, a buffer, open flags, a
 * mode in octal, hex flags, a pointer, a number).  A path's length argument
 * is not shown, nor openat's mode without O_CREAT.  A buffer the call
 * fills is shown at the exit only (an address at the entry).  Quoted bytes
 * end in "..." when the record kept fewer than there were.  Errors are
 * shown by their errno names (generated from ros/errno.h) and the errstr;
 * a return value of 2^28 or more is shown in hex (an address).
 */
#include <strace.h>

#include <generated/errno_names.h>
#include <generated/syscall_table.h>
#include <kstring.h>
#include <printk.h>
#include <ros/fcntl.h>

static const char *const strace_errno_names[ERRNO_NAMES_MAX] = { ERRNO_NAMES_INIT };

/* An output buffer that never overflows: text past the end is dropped. */
struct sfmt {
	char *buf;
	size_t n, len;
};

static void sfmt_put(struct sfmt *f, const char *fmt, ...) __printf(2, 3);

static void sfmt_put(struct sfmt *f, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (f->len + 1 >= f->n)
		return;
	va_start(ap, fmt);
	w = vsnprintf(f->buf + f->len, f->n - f->len, fmt, ap);
	va_end(ap);
	if (w > 0)
		f->len = f->len + (size_t)w < f->n ? f->len + (size_t)w : f->n - 1;
}

/* Ends the line with '\n', even a cut one. */
static size_t sfmt_end(struct sfmt *f)
{
	if (f->n < 2) {
		if (f->n)
			f->buf[0] = '\0';
		return 0;
	}
	if (f->len > f->n - 2)
		f->len = f->n - 2;
	f->buf[f->len++] = '\n';
	f->buf[f->len] = '\0';
	return f->len;
}

/* "bytes" with C escapes; "..." after it if whole > len. */
static void sfmt_quoted(struct sfmt *f, const char *s, size_t len, uint64_t whole)
{
	sfmt_put(f, "\"");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			sfmt_put(f, "\\n");
		else if (c == '\t')
			sfmt_put(f, "\\t");
		else if (c == '\r')
			sfmt_put(f, "\\r");
		else if (c == '"' || c == '\\')
			sfmt_put(f, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			sfmt_put(f, "%c", c);
		else
			sfmt_put(f, "\\x%02x", c);
	}
	sfmt_put(f, "\"%s", whole > len ? "..." : "");
}

static void sfmt_ptr(struct sfmt *f, uint64_t v)
{
	if (v)
		sfmt_put(f, "%#lx", (unsigned long)v);
	else
		sfmt_put(f, "NULL");
}

static void sfmt_oflags(struct sfmt *f, uint64_t v)
{
	static const struct { uint32_t bit; const char *name; } bits[] = {
		{ O_EXEC, "O_EXEC" }, { O_CREAT, "O_CREAT" }, { O_EXCL, "O_EXCL" },
		{ O_NOCTTY, "O_NOCTTY" }, { O_TRUNC, "O_TRUNC" }, { O_APPEND, "O_APPEND" },
		{ O_NONBLOCK, "O_NONBLOCK" }, { O_DIRECTORY, "O_DIRECTORY" },
		{ O_NOFOLLOW, "O_NOFOLLOW" }, { O_CLOEXEC, "O_CLOEXEC" }, { O_PATH, "O_PATH" },
		{ O_REMCLO, "O_REMCLO" },
	};
	uint32_t acc = (uint32_t)v & (O_READ | O_WRITE), rest = (uint32_t)v & ~acc;
	bool first = acc != 0;

	if (acc)
		sfmt_put(f, "%s", acc == O_RDWR ? "O_RDWR" : acc == O_READ ? "O_RDONLY" : "O_WRONLY");
	for (size_t i = 0; i < ARRAY_SIZE(bits); i++) {
		if (!(rest & bits[i].bit))
			continue;
		sfmt_put(f, "%s%s", first ? "|" : "", bits[i].name);
		rest &= ~bits[i].bit;
		first = true;
	}
	if (rest || !first)
		sfmt_put(f, "%s%#x", first ? "|" : "", rest);
}

/* What the arguments of r show: the data slot each path or buffer uses. */
struct sfmt_args {
	const struct strace_rec *r;
	const struct syscall_desc *d;
	unsigned int slot;              /* next data slot */
};

/* A path or buffer argument i whose whole is 'whole' bytes. */
static void sfmt_data(struct sfmt *f, struct sfmt_args *a, unsigned int i, uint64_t whole)
{
	unsigned int s = a->slot++;

	if (s >= STRACE_NR_DATA || (a->r->bad & (1u << s)))
		sfmt_ptr(f, a->r->args[i]);
	else
		sfmt_quoted(f, a->r->data[s], a->r->data_len[s], whole);
}

/* Argument i; false if it is not shown. */
static bool sfmt_arg(struct sfmt *f, struct sfmt_args *a, unsigned int i)
{
	const struct strace_rec *r = a->r;
	uint64_t v = r->args[i], next = i + 1 < 6 ? r->args[i + 1] : 0;

	switch (a->d->argk[i]) {
	case SYSCALL_ARG_PATHLEN:
		return false;
	case SYSCALL_ARG_MODE:
		if (i > 0 && a->d->argk[i - 1] == SYSCALL_ARG_OFLAGS && !(r->args[i - 1] & O_CREAT))
			return false;
		sfmt_put(f, "0%o", (unsigned int)v);
		return true;
	case SYSCALL_ARG_FD: sfmt_put(f, "%d", (int)v); return true;
	case SYSCALL_ARG_DIRFD:
		if ((int)v == STRACE_AT_FDCWD)
			sfmt_put(f, "AT_FDCWD");
		else
			sfmt_put(f, "%d", (int)v);
		return true;
	case SYSCALL_ARG_PATH: sfmt_data(f, a, i, next); return true;
	case SYSCALL_ARG_INBUF: sfmt_data(f, a, i, next); return true;
	case SYSCALL_ARG_OUTBUF:
		if (r->kind == STRACE_EXIT && !r->err && r->retval >= 0)
			sfmt_data(f, a, i, (uint64_t)r->retval);
		else
			sfmt_ptr(f, v);
		return true;
	case SYSCALL_ARG_OFLAGS: sfmt_oflags(f, v); return true;
	case SYSCALL_ARG_HEX: sfmt_put(f, "%#lx", (unsigned long)v); return true;
	case SYSCALL_ARG_PTR: sfmt_ptr(f, v); return true;
	case SYSCALL_ARG_INT: sfmt_put(f, "%d", (int)v); return true;
	case SYSCALL_ARG_LONG: sfmt_put(f, "%ld", (long)v); return true;
	default: sfmt_put(f, "%lu", (unsigned long)v); return true;
	}
}

static void sfmt_call(struct sfmt *f, const struct strace_rec *r, const struct syscall_desc *d)
{
	struct sfmt_args a = { .r = r, .d = d };
	bool comma = false;

	if (!d || !d->name) {
		sfmt_put(f, "syscall_%u(%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)", r->num,
		         (unsigned long)r->args[0], (unsigned long)r->args[1],
		         (unsigned long)r->args[2], (unsigned long)r->args[3],
		         (unsigned long)r->args[4], (unsigned long)r->args[5]);
		return;
	}
	sfmt_put(f, "%s(", d->name);
	for (unsigned int i = 0; i < d->nargs && i < 6; i++) {
		size_t before = f->len;

		if (comma)
			sfmt_put(f, ", ");
		if (sfmt_arg(f, &a, i))
			comma = true;
		else
			f->len = before;        /* not shown: take the comma back */
	}
	sfmt_put(f, ")");
}

static void sfmt_result(struct sfmt *f, const struct strace_rec *r)
{
	const char *name = r->err < ERRNO_NAMES_MAX ? strace_errno_names[r->err] : NULL;

	if (r->err) {
		if (name)
			sfmt_put(f, " = %ld %s (%s)", (long)r->retval, name, r->errstr);
		else
			sfmt_put(f, " = %ld E%u (%s)", (long)r->retval, r->err, r->errstr);
	} else if (r->retval >= (1L << 28)) {
		sfmt_put(f, " = %#lx", (unsigned long)r->retval);
	} else {
		sfmt_put(f, " = %ld", (long)r->retval);
	}
}

size_t strace_format(const struct strace_rec *r, const struct syscall_desc *d, char *buf,
                     size_t n)
{
	struct sfmt f = { .buf = buf, .n = n };

	if (n)
		buf[0] = '\0';
	sfmt_put(&f, "%c %lu %d ", r->kind == STRACE_EXIT ? 'X' : 'E', (unsigned long)r->ts_ns,
	         r->pid);
	if (r->vcore == STRACE_NO_VCORE)
		sfmt_put(&f, "- %u ", r->core);
	else
		sfmt_put(&f, "%u %u ", r->vcore, r->core);
	sfmt_call(&f, r, d);
	if (r->kind == STRACE_EXIT)
		sfmt_result(&f, r);
	return sfmt_end(&f);
}

size_t strace_format_dropped(uint64_t nr, char *buf, size_t n)
{
	struct sfmt f = { .buf = buf, .n = n };

	if (n)
		buf[0] = '\0';
	sfmt_put(&f, "D %lu records dropped", (unsigned long)nr);
	return sfmt_end(&f);
}
