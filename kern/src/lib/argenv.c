/* SPDX-License-Identifier: MIT */
/*
 * argenv.c - the argv/envp blob (pack, check) and the initial user stack.
 *
 * The blob format is in ros/argenv.h, the stack image in argenv.h.  Three
 * parts: the packer (the one copy: the kernel's programs, the tiny test
 * programs and parlib all link this file), the checker that turns untrusted
 * bytes into a struct argenv, and the stack builder that lays out argc,
 * argv, envp, auxv and the strings for a given top of stack.
 *
 * The checker trusts nothing: it bounds the length and the counts first,
 * then walks the offsets and strings once, requiring the canonical packing,
 * so every later argenv_str() is a plain lookup.  Multi-byte fields are read
 * and written with memcpy, so neither blob nor image needs alignment.
 *
 * Pure code: no allocation, no locks, no printing (the fuzz target links
 * this file alone).  Writing the image to user memory is the caller's job.
 */
#include <argenv.h>
#include <errno.h>
#include <kstring.h>
#include <ros/mmu64.h>

#define ARGENV_PLATFORM     "x86_64"
#define ARGENV_CLKTCK       100

static uint32_t argenv_rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void argenv_wr32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void argenv_wr64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

/* ----------------------------------------------------------- packer --- */

static const char *argenv_vec_str(const char *const *argv, uint32_t argc,
                                  const char *const *envp, uint32_t i)
{
	return i < argc ? argv[i] : envp[i - argc];
}

int64_t argenv_packed_size(const char *const *argv, uint32_t argc,
                           const char *const *envp, uint32_t envc)
{
	uint64_t n = (uint64_t)argc + envc;
	uint64_t total;

	if (argc == 0 || !argv || (envc && !envp))
		return -EINVAL;
	if (n > ARGENV_MAX_STRINGS)
		return -E2BIG;
	total = ARGENV_HDR_LEN + 4 * n;
	for (uint32_t i = 0; i < n; i++) {
		const char *s = argenv_vec_str(argv, argc, envp, i);

		if (!s)
			return -EINVAL;
		total += strnlen(s, ARGENV_MAX_LEN) + 1;
		if (total > ARGENV_MAX_LEN)
			return -E2BIG;
	}
	return (int64_t)total;
}

int64_t argenv_pack(const char *const *argv, uint32_t argc,
                    const char *const *envp, uint32_t envc, void *buf, size_t cap)
{
	int64_t total = argenv_packed_size(argv, argc, envp, envc);
	uint32_t n = argc + envc;
	uint8_t *b = buf;
	uint8_t *str;
	uint32_t pos = 0;

	if (total < 0)
		return total;
	if ((size_t)total > cap)
		return -ENOSPC;
	str = b + ARGENV_HDR_LEN + 4 * (size_t)n;
	argenv_wr32(b, ARGENV_MAGIC);
	argenv_wr32(b + 4, argc);
	argenv_wr32(b + 8, envc);
	argenv_wr32(b + 12, (uint32_t)(b + total - str));
	for (uint32_t i = 0; i < n; i++) {
		const char *s = argenv_vec_str(argv, argc, envp, i);
		size_t len = strlen(s) + 1;

		argenv_wr32(b + ARGENV_HDR_LEN + 4 * (size_t)i, pos);
		memcpy(str + pos, s, len);
		pos += (uint32_t)len;
	}
	return total;
}

/* ---------------------------------------------------------- checker --- */

static int argenv_bad(const char **why, const char *text, int err)
{
	if (why)
		*why = text;
	return err;
}

/* Header, limits and the exact length. */
static int argenv_check_header(const uint8_t *b, size_t len, struct argenv *ae,
                               const char **why)
{
	uint64_t n;

	if (len < ARGENV_HDR_LEN)
		return argenv_bad(why, "argenv blob shorter than its header", -EINVAL);
	if (len > ARGENV_MAX_LEN)
		return argenv_bad(why, "argenv blob larger than 256 KiB", -E2BIG);
	if (argenv_rd32(b) != ARGENV_MAGIC)
		return argenv_bad(why, "argenv blob has a bad magic number", -EINVAL);
	ae->argc = argenv_rd32(b + 4);
	ae->envc = argenv_rd32(b + 8);
	ae->strbytes = argenv_rd32(b + 12);
	n = (uint64_t)ae->argc + ae->envc;
	if (n > ARGENV_MAX_STRINGS)
		return argenv_bad(why, "too many argument and environment strings", -E2BIG);
	if (ae->argc == 0)
		return argenv_bad(why, "argv is empty (argv[0] is required)", -EINVAL);
	if (ARGENV_HDR_LEN + 4 * n + ae->strbytes != len)
		return argenv_bad(why, "argenv blob length does not match its counts", -EINVAL);
	ae->offs = b + ARGENV_HDR_LEN;
	ae->strings = (const char *)(ae->offs + 4 * n);
	return 0;
}

/* Every string starts where the previous one ended and ends in a NUL. */
static int argenv_check_strings(const struct argenv *ae, const char **why)
{
	uint32_t n = ae->argc + ae->envc;
	uint32_t pos = 0;

	for (uint32_t i = 0; i < n; i++) {
		size_t left = ae->strbytes - pos;
		size_t len;

		if (argenv_rd32(ae->offs + 4 * (size_t)i) != pos)
			return argenv_bad(why, "argenv strings are not packed in order", -EINVAL);
		len = strnlen(ae->strings + pos, left);
		if (len == left)
			return argenv_bad(why, "argenv string not NUL-terminated inside the blob",
			                  -EINVAL);
		pos += (uint32_t)len + 1;
	}
	if (pos != ae->strbytes)
		return argenv_bad(why, "argenv blob has bytes after its last string", -EINVAL);
	return 0;
}

int argenv_unpack(const void *buf, size_t len, struct argenv *ae, const char **why)
{
	struct argenv tmp;
	int ret;

	if (why)
		*why = NULL;
	ret = argenv_check_header(buf, len, &tmp, why);
	if (!ret)
		ret = argenv_check_strings(&tmp, why);
	if (!ret)
		*ae = tmp;
	return ret;
}

const char *argenv_str(const struct argenv *ae, uint32_t i)
{
	return ae->strings + argenv_rd32(ae->offs + 4 * (size_t)i);
}

/* ---------------------------------------------------- stack builder --- */

/* Where the pieces go: offsets from the image start (sp). */
struct argenv_layout {
	size_t size;            /* top - sp */
	size_t argv, envp, auxv;
	size_t random, platform, execfn, strings;
	size_t execfn_len;      /* NUL included, 0 for none */
	size_t nauxv;           /* pairs, AT_NULL included */
};

/* Writes the auxv pairs (or only counts them if out is NULL); addresses of
 * the information block are computed from base = the user address of sp. */
static size_t argenv_auxv(const struct argenv_auxinfo *ai, const struct argenv_layout *l,
                          uint64_t base, uint8_t *out)
{
	uint64_t v[2 * ARGENV_AUXV_MAX];
	size_t n = 0;

#define AUX(t, val) do { v[n++] = (t); v[n++] = (val); } while (0)
	if (ai->phdr_mapped) {
		AUX(AT_PHDR, ai->phdr);
		AUX(AT_PHENT, ai->phent);
		AUX(AT_PHNUM, ai->phnum);
	}
	AUX(AT_PAGESZ, PGSIZE);
	AUX(AT_BASE, ai->base);
	AUX(AT_FLAGS, 0);
	AUX(AT_ENTRY, ai->entry);
	AUX(AT_UID, 0);
	AUX(AT_EUID, 0);
	AUX(AT_GID, 0);
	AUX(AT_EGID, 0);
	AUX(AT_SECURE, 0);
	AUX(AT_CLKTCK, ARGENV_CLKTCK);
	AUX(AT_HWCAP, ai->hwcap);
	AUX(AT_HWCAP2, ai->hwcap2);
	AUX(AT_RANDOM, base + l->random);
	AUX(AT_PLATFORM, base + l->platform);
	if (l->execfn_len)
		AUX(AT_EXECFN, base + l->execfn);
	if (ai->sysinfo_ehdr)
		AUX(AT_SYSINFO_EHDR, ai->sysinfo_ehdr);
	AUX(AT_NULL, 0);
#undef AUX
	if (out)
		memcpy(out, v, n * sizeof(v[0]));
	return n / 2;
}

/* Computes every offset for a stack ending at a 16-aligned top; the
 * information block sits at the top, the vectors below it. */
static int argenv_layout(const struct argenv *ae, const struct argenv_auxinfo *ai,
                         struct argenv_layout *l)
{
	size_t info, words, vecs;

	memset(l, 0, sizeof(*l));
	if (ai->execfn) {
		l->execfn_len = strnlen(ai->execfn, ARGENV_EXECFN_MAX) + 1;
		if (l->execfn_len > ARGENV_EXECFN_MAX)
			return -EINVAL;
	}
	l->nauxv = argenv_auxv(ai, l, 0, NULL);
	info = sizeof(ai->random) + sizeof(ARGENV_PLATFORM) + l->execfn_len + ae->strbytes;
	info = ALIGN_UP(info, 16);
	words = 1 + (ae->argc + 1) + (ae->envc + 1) + 2 * l->nauxv;
	vecs = ALIGN_UP(words * 8, 16);
	l->size = vecs + info;
	l->argv = 8;
	l->envp = l->argv + 8 * ((size_t)ae->argc + 1);
	l->auxv = l->envp + 8 * ((size_t)ae->envc + 1);
	l->random = vecs;
	l->platform = l->random + sizeof(ai->random);
	l->execfn = l->platform + sizeof(ARGENV_PLATFORM);
	l->strings = l->execfn + l->execfn_len;
	return 0;
}

ssize_t argenv_stack_size(const struct argenv *ae, const struct argenv_auxinfo *ai)
{
	struct argenv_layout l;
	int ret = argenv_layout(ae, ai, &l);

	return ret ? ret : (ssize_t)l.size;
}

static void argenv_fill_vectors(const struct argenv *ae, const struct argenv_layout *l,
                                uint64_t sp, uint8_t *b)
{
	uint64_t strings = sp + l->strings;

	argenv_wr64(b, ae->argc);
	for (uint32_t i = 0; i < ae->argc; i++)
		argenv_wr64(b + l->argv + 8 * (size_t)i,
		            strings + argenv_rd32(ae->offs + 4 * (size_t)i));
	argenv_wr64(b + l->argv + 8 * (size_t)ae->argc, 0);
	for (uint32_t i = 0; i < ae->envc; i++)
		argenv_wr64(b + l->envp + 8 * (size_t)i,
		            strings + argenv_rd32(ae->offs + 4 * ((size_t)ae->argc + i)));
	argenv_wr64(b + l->envp + 8 * (size_t)ae->envc, 0);
}

int argenv_build_stack(const struct argenv *ae, const struct argenv_auxinfo *ai,
                       uint64_t top, void *buf, size_t cap, struct argenv_stack *st)
{
	struct argenv_layout l;
	uint8_t *b = buf;
	uint64_t sp;
	int ret;

	if (top % 16 || top > USER_LIMIT)
		return -EINVAL;
	ret = argenv_layout(ae, ai, &l);
	if (ret)
		return ret;
	if (l.size > cap)
		return -ENOSPC;
	if (top < PGSIZE || top - PGSIZE < l.size)
		return -E2BIG;
	sp = top - l.size;
	memset(b, 0, l.size);
	argenv_fill_vectors(ae, &l, sp, b);
	argenv_auxv(ai, &l, sp, b + l.auxv);
	memcpy(b + l.random, ai->random, sizeof(ai->random));
	memcpy(b + l.platform, ARGENV_PLATFORM, sizeof(ARGENV_PLATFORM));
	if (l.execfn_len) {
		memcpy(b + l.execfn, ai->execfn, l.execfn_len - 1);
		b[l.execfn + l.execfn_len - 1] = '\0';
	}
	memcpy(b + l.strings, ae->strings, ae->strbytes);
	*st = (struct argenv_stack){
		.sp = sp, .size = l.size, .argv = sp + l.argv, .envp = sp + l.envp,
		.auxv = sp + l.auxv, .strings = sp + l.strings,
	};
	return 0;
}
