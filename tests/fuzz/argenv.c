/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/argenv.c - libFuzzer target for the argv/envp blob and the
 * initial stack (kern/src/lib/argenv.c, linked alone with -Ikern/include).
 *
 * An input whose first byte is even is a blob (after that byte) handed to
 * argenv_unpack(); an odd one is cut at its NULs into strings, the second
 * byte choosing how many are argv, and packed with argenv_pack(), which
 * must then unpack.  Whatever unpacks is checked beyond the sanitizers:
 * the result is 0, -EINVAL or -E2BIG with a reason; a valid blob repacks
 * to exactly its own bytes (the format is canonical); and the stack built
 * from it, walked like a program would, has argc, NULL-terminated argv and
 * envp whose pointers land on the right strings inside the image, and an
 * auxv ending in AT_NULL.  Any broken promise aborts.
 */
#include <argenv.h>
#include <errno.h>
#include <ros/mmu64.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_CHECK(c) do { if (!(c)) abort(); } while (0)
#define FZ_TOP 0x7ffffffff000ull

static const char *fz_vec[ARGENV_MAX_STRINGS + 1];

static uint64_t fz_u64(const uint8_t *img, uint64_t sp, size_t size, uint64_t addr)
{
	uint64_t v;

	FZ_CHECK(addr >= sp && addr - sp + 8 <= size);
	memcpy(&v, img + (addr - sp), 8);
	return v;
}

static void fz_repack(const struct argenv *ae, const uint8_t *blob, size_t len)
{
	uint32_t n = ae->argc + ae->envc;
	uint8_t *b = malloc(len);

	FZ_CHECK(b && n <= ARGENV_MAX_STRINGS);
	for (uint32_t i = 0; i < n; i++)
		fz_vec[i] = argenv_str(ae, i);
	FZ_CHECK(argenv_pack(fz_vec, ae->argc, fz_vec + ae->argc, ae->envc, b, len) ==
	         (ssize_t)len);
	FZ_CHECK(memcmp(b, blob, len) == 0);
	free(b);
}

static void fz_stack(const struct argenv *ae, uint8_t salt)
{
	struct argenv_auxinfo ai = {
		.entry = 0x401000, .phdr = 0x400040, .phdr_mapped = salt & 1,
		.phnum = 4, .phent = 56, .execfn = (salt & 2) ? "/bin/x" : NULL,
	};
	struct argenv_stack st;
	uint64_t top = FZ_TOP - 16 * (uint64_t)salt;
	ssize_t size = argenv_stack_size(ae, &ai);
	uint8_t *img;
	uint64_t at;

	FZ_CHECK(size > 0 && size % 16 == 0);
	img = malloc(size);
	FZ_CHECK(img && argenv_build_stack(ae, &ai, top, img, size, &st) == 0);
	FZ_CHECK(st.sp == top - size && st.sp % 16 == 0);
	FZ_CHECK(fz_u64(img, st.sp, size, st.sp) == ae->argc);
	for (uint32_t i = 0; i < ae->argc + ae->envc; i++) {
		uint64_t slot = i < ae->argc ? st.argv + 8 * (uint64_t)i
		                             : st.envp + 8 * (uint64_t)(i - ae->argc);
		uint64_t p = fz_u64(img, st.sp, size, slot);

		FZ_CHECK(p >= st.sp && p - st.sp < (uint64_t)size);
		FZ_CHECK(strcmp((const char *)img + (p - st.sp), argenv_str(ae, i)) == 0);
	}
	FZ_CHECK(fz_u64(img, st.sp, size, st.argv + 8 * (uint64_t)ae->argc) == 0);
	FZ_CHECK(fz_u64(img, st.sp, size, st.envp + 8 * (uint64_t)ae->envc) == 0);
	for (at = st.auxv; fz_u64(img, st.sp, size, at) != AT_NULL; at += 16)
		FZ_CHECK(at - st.auxv < 16 * ARGENV_AUXV_MAX);
	free(img);
}

/* Packs the input's NUL-separated pieces; the result must unpack. */
static void fz_pack_pieces(const uint8_t *data, size_t size, uint8_t split)
{
	char *copy = malloc(size + 1);
	uint32_t n = 0, argc;
	ssize_t len;
	uint8_t *blob;
	struct argenv ae;

	FZ_CHECK(copy);
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (size_t i = 0; i <= size && n < ARGENV_MAX_STRINGS + 1; i += strlen(copy + i) + 1)
		fz_vec[n++] = copy + i;
	argc = 1 + split % n;
	len = argenv_packed_size(fz_vec, argc, fz_vec + argc, n - argc);
	FZ_CHECK(len > 0 || len == -E2BIG);
	if (len > 0) {
		blob = malloc(len);
		FZ_CHECK(blob && argenv_pack(fz_vec, argc, fz_vec + argc, n - argc, blob, len) == len);
		FZ_CHECK(argenv_unpack(blob, len, &ae, NULL) == 0);
		FZ_CHECK(ae.argc == argc && ae.envc == n - argc);
		fz_stack(&ae, split);
		free(blob);
	}
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct argenv ae;
	const char *why;
	int ret;

	if (size < 2)
		return 0;
	if (data[0] % 2) {
		fz_pack_pieces(data + 2, size - 2, data[1]);
		return 0;
	}
	ret = argenv_unpack(data + 1, size - 1, &ae, &why);
	FZ_CHECK(ret == 0 || ret == -EINVAL || ret == -E2BIG);
	FZ_CHECK((ret == 0) == (why == NULL));
	if (ret == 0) {
		fz_repack(&ae, data + 1, size - 1);
		fz_stack(&ae, data[size - 1]);
	}
	return 0;
}
