/* SPDX-License-Identifier: MIT */
/*
 * cmdline.c - the kernel command-line parser (contract: cmdline.h and
 * Documentation/kapi/cmdline.md).
 *
 * Model: cmdline_parse() copies at most CMDLINE_MAX_LEN - 1 bytes of the raw
 * line into cl->raw (a cut line loses its partial last word, so a cut never
 * yields a wrong value), copies that into cl->buf and tokenises buf in
 * place.  Each option goes through three steps: cmdline_scan() finds its
 * extent without writing anything, cmdline_key_error() validates it, and
 * only then cmdline_commit() writes the NULs and records it in cl->opt[].  A
 * malformed option is printed and skipped; parsing resumes after it.
 *
 * Lookups walk opt[] from the end so the last occurrence of a key wins.
 * Nothing here allocates or locks: the parse runs once on the boot core and
 * the struct is read-only afterwards.  The values stay inside the struct, so
 * a struct cmdline must outlive every pointer cmdline_get() returned.
 */
#include <cmdline.h>
#include <errno.h>
#include <kstring.h>
#include <printk.h>

#define CMDLINE_SHOW 48         /* bytes of a bad option quoted in messages */

struct cmdline boot_cmdline;

/* One option as found in the line, before anything is written. */
struct cmdline_tok {
	char *key;
	size_t keylen;
	char *val;              /* NULL for a bare key */
	size_t vallen;
	char *end;              /* first byte after the option's text */
	const char *err;        /* why the option is malformed, or NULL */
};

static bool cmdline_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool cmdline_is_end(char c)
{
	return c == '\0' || cmdline_is_blank(c);
}

static char *cmdline_skip_blanks(char *p)
{
	while (cmdline_is_blank(*p))
		p++;
	return p;
}

static char *cmdline_skip_word(char *p)
{
	while (!cmdline_is_end(*p))
		p++;
	return p;
}

/* ------------------------------------------------------ raw line copy --- */

/*
 * Copies raw into cl->raw, at most CMDLINE_MAX_LEN - 1 bytes; reads at most
 * CMDLINE_MAX_LEN bytes of raw.  A cut inside a word drops that word.
 */
static void cmdline_copy_raw(struct cmdline *cl, const char *raw)
{
	size_t n = strnlen(raw, CMDLINE_MAX_LEN);
	size_t keep = n;

	if (n == CMDLINE_MAX_LEN) {
		keep = CMDLINE_MAX_LEN - 1;
		cl->truncated = true;
		if (!cmdline_is_blank(raw[keep]))
			while (keep && !cmdline_is_blank(raw[keep - 1]))
				keep--;
		printk("cmdline: line longer than %d bytes, cut after byte %zu "
		       "(a partial last option is dropped)\n", CMDLINE_MAX_LEN - 1, keep);
	}
	memcpy(cl->raw, raw, keep);
	cl->raw[keep] = '\0';
}

/* ----------------------------------------------------------- scanning --- */

static bool cmdline_key_is(const struct cmdline_tok *t, const char *name)
{
	size_t n = strlen(name);

	return t->keylen == n && strncmp(t->key, name, n) == 0;
}

/* init= takes the rest of the line, trailing blanks trimmed. */
static void cmdline_scan_rest(char *p, struct cmdline_tok *t)
{
	size_t n = strlen(p);

	t->val = p;
	t->end = p + n;
	while (n && cmdline_is_blank(p[n - 1]))
		n--;
	t->vallen = n;
}

/* A value starting with '"': up to the closing quote, which must end the option. */
static void cmdline_scan_quoted(char *p, struct cmdline_tok *t)
{
	char *q = p + 1;

	while (*q && *q != '"')
		q++;
	if (!*q) {
		t->err = "unterminated quote";
		t->end = cmdline_skip_word(p);
		return;
	}
	if (!cmdline_is_end(q[1])) {
		t->err = "text after closing quote";
		t->end = cmdline_skip_word(q + 1);
		return;
	}
	t->val = p + 1;
	t->vallen = (size_t)(q - p - 1);
	t->end = q + 1;
}

/* Finds the extent of the option at p (not a blank, not the end). */
static void cmdline_scan(char *p, struct cmdline_tok *t)
{
	*t = (struct cmdline_tok){ .key = p };
	while (!cmdline_is_end(*p) && *p != '=')
		p++;
	t->keylen = (size_t)(p - t->key);
	t->end = p;
	if (*p != '=')
		return;
	p++;
	if (cmdline_key_is(t, "init")) {
		cmdline_scan_rest(p, t);
	} else if (*p == '"') {
		cmdline_scan_quoted(p, t);
	} else {
		t->val = p;
		t->end = cmdline_skip_word(p);
		t->vallen = (size_t)(t->end - p);
	}
}

static const char *cmdline_key_error(const struct cmdline_tok *t)
{
	if (t->keylen == 0)
		return "empty key";
	if (t->keylen > CMDLINE_MAX_KEY)
		return "key too long";
	for (size_t i = 0; i < t->keylen; i++) {
		unsigned char c = (unsigned char)t->key[i];

		if (c <= ' ' || c >= 0x7f || c == '"')
			return "bad character in key";
	}
	return NULL;
}

/* ---------------------------------------------------------- recording --- */

static void cmdline_commit(struct cmdline *cl, struct cmdline_tok *t)
{
	t->key[t->keylen] = '\0';
	if (t->val)
		t->val[t->vallen] = '\0';
	if (cl->nr_opts == CMDLINE_MAX_OPTS) {
		if (cl->nr_dropped++ == 0)
			printk("cmdline: more than %d options, dropping '%s' and all after it\n",
			       CMDLINE_MAX_OPTS, t->key);
		return;
	}
	cl->opt[cl->nr_opts].key = t->key;
	cl->opt[cl->nr_opts].value = t->val;
	cl->nr_opts++;
}

static void cmdline_report(struct cmdline *cl, const struct cmdline_tok *t)
{
	size_t len = (size_t)(t->end - t->key);

	cl->nr_malformed++;
	printk("cmdline: %s, skipping '%.*s'%s\n", t->err, (int)MIN(len, (size_t)CMDLINE_SHOW),
	       t->key, len > CMDLINE_SHOW ? "..." : "");
}

/* Parses the option at p; returns where the next one may start. */
static char *cmdline_parse_one(struct cmdline *cl, char *p)
{
	struct cmdline_tok t;
	char *next;

	cmdline_scan(p, &t);
	if (!t.err)
		t.err = cmdline_key_error(&t);
	next = *t.end ? t.end + 1 : t.end;
	if (t.err)
		cmdline_report(cl, &t);
	else
		cmdline_commit(cl, &t);
	return next;
}

int cmdline_parse(struct cmdline *cl, const char *raw)
{
	char *p;

	if (!cl)
		return -EINVAL;
	cl->nr_opts = cl->nr_malformed = cl->nr_dropped = 0;
	cl->truncated = false;
	cmdline_copy_raw(cl, raw ? raw : "");
	memcpy(cl->buf, cl->raw, strlen(cl->raw) + 1);
	for (p = cmdline_skip_blanks(cl->buf); *p; p = cmdline_skip_blanks(p))
		p = cmdline_parse_one(cl, p);
	if (cl->nr_dropped)
		printk("cmdline: %u options dropped in all\n", cl->nr_dropped);
	if (cl->nr_malformed)
		return -EINVAL;
	return (cl->truncated || cl->nr_dropped) ? -E2BIG : 0;
}

/* ------------------------------------------------------------ lookups --- */

static const struct cmdline_opt *cmdline_find(const struct cmdline *cl, const char *key)
{
	if (!cl || !key)
		return NULL;
	for (unsigned int i = cl->nr_opts; i-- > 0;)
		if (strcmp(cl->opt[i].key, key) == 0)
			return &cl->opt[i];
	return NULL;
}

const char *cmdline_get(const struct cmdline *cl, const char *key)
{
	const struct cmdline_opt *o = cmdline_find(cl, key);

	return o ? o->value : NULL;
}

bool cmdline_has(const struct cmdline *cl, const char *key)
{
	return cmdline_find(cl, key) != NULL;
}

int cmdline_get_u64(const struct cmdline *cl, const char *key, uint64_t *out)
{
	const struct cmdline_opt *o = cmdline_find(cl, key);

	if (!o)
		return -ENOENT;
	if (!o->value || !out)
		return -EINVAL;
	return cmdline_parse_u64(o->value, out);
}

/* ------------------------------------------------------------ numbers --- */

static unsigned int cmdline_suffix_shift(char c)
{
	switch (c) {
	case 'k': case 'K': return 10;
	case 'm': case 'M': return 20;
	case 'g': case 'G': return 30;
	default: return 0;
	}
}

int cmdline_parse_u64(const char *s, uint64_t *out)
{
	unsigned int shift;
	uint64_t v;
	size_t len;
	int ret;

	if (!s || !out)
		return -EINVAL;
	len = strlen(s);
	shift = len ? cmdline_suffix_shift(s[len - 1]) : 0;
	if (shift)
		len--;
	ret = kstrtou64(s, len, 0, &v);
	if (ret)
		return ret;
	if (shift && (v >> (64 - shift)) != 0)
		return -ERANGE;
	*out = v << shift;
	return 0;
}

/* ------------------------------------------------------------- checks --- */

static bool cmdline_in_list(const char *key, const char *const known[])
{
	for (size_t i = 0; known && known[i]; i++)
		if (strcmp(known[i], key) == 0)
			return true;
	return false;
}

int cmdline_check_known(const struct cmdline *cl, const char *const known[])
{
	int unknown = 0;

	if (!cl)
		return 0;
	for (unsigned int i = 0; i < cl->nr_opts; i++) {
		if (cmdline_in_list(cl->opt[i].key, known))
			continue;
		printk("cmdline: unknown option '%s'\n", cl->opt[i].key);
		unknown++;
	}
	return unknown;
}

int cmdline_split_words(const char *s, char *buf, size_t size, const char **argv,
			int max_argv)
{
	size_t n;
	int argc = 0;
	char *p;

	if (!s || !buf || !argv || max_argv < 1)
		return -EINVAL;
	n = strnlen(s, size);
	if (n == size)
		return -E2BIG;
	memcpy(buf, s, n + 1);
	for (p = cmdline_skip_blanks(buf); *p; p = cmdline_skip_blanks(p)) {
		if (argc == max_argv - 1)
			return -E2BIG;
		argv[argc++] = p;
		p = cmdline_skip_word(p);
		if (*p)
			*p++ = '\0';
	}
	argv[argc] = NULL;
	return argc;
}
