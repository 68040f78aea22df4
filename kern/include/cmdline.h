/* SPDX-License-Identifier: MIT */
/*
 * cmdline.h - the kernel command line (kern/src/init/cmdline.c,
 * Documentation/kapi/cmdline.md).
 *
 *	cmdline_parse(&boot_cmdline, raw);          // once, early, boot core
 *	if (cmdline_has(&boot_cmdline, "quiet")) ...
 *	const char *t = cmdline_get(&boot_cmdline, "ktest");
 *	err = cmdline_get_u64(&boot_cmdline, "mem", &bytes);   // 512M, 0x1000
 *	cmdline_check_known(&boot_cmdline, known_options);
 *
 * Syntax: options separated by blanks (space, tab, CR, LF): 'key',
 * 'key=value' or 'key="value with blanks"'.  'init=' is special: its value
 * is the whole rest of the line, e.g. "init=/bin/sh -c ls" (split it with
 * cmdline_split_words()).  When a key repeats, the last one wins.
 *
 * A struct cmdline owns a bounded copy of the line, so the raw string need
 * not outlive the call.  Parsing writes the struct and is done once, by one
 * thread; afterwards every field is immutable and the lookups are safe from
 * any core and any context (no locks, no allocation).  Bad input is reported
 * with printk and skipped; it never stops the rest of the line being parsed.
 *
 * Field tags ([I], [l], ...): the legend in Documentation/style.md.
 */
#pragma once

#include <types.h>

#define CMDLINE_MAX_LEN  1024   /* bytes of the line kept, the NUL included */
#define CMDLINE_MAX_OPTS 64     /* options kept; more are reported and dropped */
#define CMDLINE_MAX_KEY  63     /* longest key, in bytes */

struct cmdline_opt {
	const char *key;        /* [I] NUL-terminated, inside cmdline.buf */
	const char *value;      /* [I] NULL for a bare key, "" for 'key=' */
};

struct cmdline {
	char raw[CMDLINE_MAX_LEN];      /* [I] the line as kept (maybe cut) */
	char buf[CMDLINE_MAX_LEN];      /* [I] tokenised copy; opt[] points here */
	struct cmdline_opt opt[CMDLINE_MAX_OPTS];  /* [I] in line order */
	unsigned int nr_opts;           /* [I] */
	unsigned int nr_malformed;      /* [I] options reported and skipped */
	unsigned int nr_dropped;        /* [I] options beyond CMDLINE_MAX_OPTS */
	bool truncated;                 /* [I] the line was longer than the buffer */
};

/* Filled by the boot code (cmdline_parse) before other cores start. */
extern struct cmdline boot_cmdline;

/*
 * Parses 'raw' (NULL means an empty line) into cl.  Returns 0 if every
 * option was kept, -EINVAL if malformed options were skipped, -E2BIG if the
 * line was cut or options were dropped (and nothing was malformed).  In all
 * cases cl holds every well-formed option that fit.  -EINVAL also for a NULL cl.
 */
int cmdline_parse(struct cmdline *cl, const char *raw);

/* The value of the last 'key=value', or NULL (absent, or a bare 'key'). */
const char *cmdline_get(const struct cmdline *cl, const char *key);

/* True if key appears at all, bare or with a value. */
bool cmdline_has(const struct cmdline *cl, const char *key);

/*
 * Reads key's value as a number (see cmdline_parse_u64).  Returns 0 and sets
 * *out, or -ENOENT (no such key), -EINVAL (no value or not a number),
 * -ERANGE (does not fit in 64 bits); *out is untouched on error.
 */
int cmdline_get_u64(const struct cmdline *cl, const char *key, uint64_t *out);

/*
 * Parses a whole string as an unsigned number: decimal, or hex after 0x/0X,
 * optionally followed by one K, M or G (either case: times 2^10, 2^20,
 * 2^30).  No sign, no blanks.  Returns 0, -EINVAL or -ERANGE.
 */
int cmdline_parse_u64(const char *s, uint64_t *out);

/*
 * Prints "cmdline: unknown option 'x'" for each option whose key is not in
 * 'known' (a NULL-terminated array; NULL means none known) and returns how
 * many there were.
 */
int cmdline_check_known(const struct cmdline *cl, const char *const known[]);

/*
 * Splits s at blanks into words for an argv: copies s into buf (size bytes),
 * points argv[0..n-1] at the words and sets argv[n] = NULL.  No quoting.
 * Returns n, or -E2BIG if s does not fit in buf or there are more than
 * max_argv - 1 words (argv has max_argv slots), -EINVAL for bad arguments;
 * after an error buf and argv hold nothing usable.
 */
int cmdline_split_words(const char *s, char *buf, size_t size, const char **argv,
			int max_argv);
