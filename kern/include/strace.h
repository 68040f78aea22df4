/* SPDX-License-Identifier: MIT */
/*
 * strace.h - the syscall tracer: per-process trace switches and a bounded
 * buffer of records, read as text from #proc/PID/strace
 * (Documentation/dev/proc.md, Documentation/tools/strace.md).
 *
 *	strace_on(p, follow);            // #proc ctl "strace on" / "strace follow"
 *	strace_off(p);                   // #proc ctl "strace off"
 *	st = strace_open(p);             // a reader's reference, or NULL
 *	n = strace_read(st, rd, buf, n); // text lines; blocks; 0 at the end
 *	strace_close(st);
 *
 * The syscall path (syscall/dispatch.c) sends every batch of a traced
 * process down its slow path (p->sysc_batch_max is 0 while tracing is on:
 * no test of its own), which runs strace_enter()/strace_exit() around each
 * call: a record at the entry (the arguments, and the first
 * bytes of a path or of a buffer the call reads, copied with the uaccess
 * routines) and one at the exit (the return value, errno and errstr, and
 * the first bytes of a buffer the call filled).  A record holds raw
 * values; strace_format() (strace_fmt.c, pure) decodes it into a line by
 * the generated syscall table's names and argument kinds.
 *
 * Lifetime and locks: a struct strace is shared by the processes that post
 * to it (one traced process, and with "follow" the children it creates)
 * and the readers; each holds a reference.  p->strace is set by the first
 * "strace on" and kept until the process's resources go (strace_proc_gone,
 * after its syscalls drained), so the syscall path uses it without a
 * reference; p->strace_on is the switch.  Readers see the end (0) once no
 * process has tracing on and the buffer is drained.  Lock order: a
 * process's "proc" lock, then "strace" (the ring and the counts), then the
 * readers' rendez; nothing else is taken under "strace".
 */
#pragma once

#include <kref.h>
#include <rendez.h>
#include <spinlock.h>
#include <types.h>
#include <ros/syscall.h>

struct proc;
struct syscall_ctx;
struct syscall_desc;

#define STRACE_NR_RECS    256           /* records a buffer holds */
#define STRACE_DATA_MAX   32            /* bytes kept of a path or buffer */
#define STRACE_NR_DATA    2             /* paths or buffers kept per record */
#define STRACE_LINE_MAX   1024          /* longest text line of a record */
#define STRACE_AT_FDCWD   (-100)        /* sysfile.h's AT_FDCWD */
#define STRACE_NO_VCORE   UINT32_MAX    /* the call did not come from an MCP's vcore */

enum { STRACE_ENTER = 'E', STRACE_EXIT = 'X' };

/* One record: raw values, decoded only when read. */
struct strace_rec {
	uint64_t ts_ns;                 /* nsec_now() */
	uint64_t args[6];
	int64_t retval;                 /* exit records */
	uint64_t dropped_before;        /* records dropped just before this one */
	int32_t pid;
	uint32_t vcore;                 /* an MCP's vcore, or STRACE_NO_VCORE */
	uint32_t core;
	uint32_t err;                   /* exit records: 0 or the errno */
	uint32_t num;
	uint8_t kind;                   /* STRACE_ENTER or STRACE_EXIT */
	uint8_t bad;                    /* bit i: data slot i was not readable */
	uint8_t data_len[STRACE_NR_DATA];
	char data[STRACE_NR_DATA][STRACE_DATA_MAX];
	char errstr[SYSC_ERRSTR_LEN];   /* exit records that failed */
};

struct strace {
	struct kref ref;                /* [a] each attached process, each reader */
	spinlock_t lock;                /* "strace", irqsave: the fields below */
	struct strace_rec *recs;        /* [I] STRACE_NR_RECS of them */
	uint64_t rd, wr;                /* [l] records read and written, ever */
	uint64_t dropped;               /* [l] dropped since the last kept record */
	uint32_t nr_on;                 /* [l] processes with tracing on here */
	bool follow;                    /* [l] children inherit tracing */
	struct rendez rv;               /* readers wait for a record or the end */
};

/* A reader's partial line (one per open chan). */
struct strace_reader {
	char line[STRACE_LINE_MAX];
	size_t pos, len;                /* what is left of line to hand out */
};

/* The #proc ctl commands: 0 or -errno (on: -ENOMEM, -ESRCH for a DYING
 * process; off: -EINVAL if tracing is not on). */
int strace_on(struct proc *p, bool follow);
int strace_off(struct proc *p);
/* p's buffer with a reference, or NULL if p was never traced. */
struct strace *strace_open(struct proc *p);
void strace_close(struct strace *st);
/* Whole or partial lines into buf (kernel memory): the bytes, 0 at the end
 * (no process traced here and nothing left), -ECANCELED (an aborted wait)
 * or -EAGAIN (nothing yet and !wait).  Waits only while nothing has been
 * copied. */
ssize_t strace_read(struct strace *st, struct strace_reader *rd, char *buf, size_t n,
                    bool wait);

/* Process life (proc/process.c): child inherits creator's tracing if it
 * follows; p's resources go (its syscalls have drained). */
void strace_inherit(struct proc *child, struct proc *creator);
void strace_proc_gone(struct proc *p);

/* The syscall path (syscall/dispatch.c), for a process with strace_on:
 * r is the dispatcher's, filled at the entry and completed at the exit. */
void strace_enter(struct syscall_ctx *ctx, struct strace_rec *r);
void strace_exit(struct syscall_ctx *ctx, struct strace_rec *r);

/* Formats r as one line ending in '\n' into buf[n] (strace_fmt.c); d is
 * r->num's table entry, or NULL for a number with no syscall.  Returns the
 * length (the line is cut, still ending in '\n', if n is short). */
size_t strace_format(const struct strace_rec *r, const struct syscall_desc *d, char *buf,
                     size_t n);
/* The line that says how many records were dropped. */
size_t strace_format_dropped(uint64_t nr, char *buf, size_t n);
