/* SPDX-License-Identifier: MIT */
/*
 * test_chacha20.c - host tests of kern/src/lib/chacha20.c.
 *
 * The block function and the stream against RFC 8439's vectors (block with
 * counter 1, the "sunscreen" encryption, the all-zero key of appendix A.1),
 * counter overflow refused, and the generator: deterministic for one seed,
 * different for another seed, output never repeating across fills, reseed
 * changing the stream, long fills crossing the rekey slice, the key wiped.
 */
#include <chacha20.h>
#include <errno.h>

#include <string.h>

#include "htest.h"

static void hex_to_bytes(const char *hex, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned int v;

		sscanf(hex + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
}

static void key_0_to_31(uint8_t key[32])
{
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
}

HTEST(rfc8439_block_2_3_2)
{
	static const char want_hex[] =
		"10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
		"d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e";
	uint8_t key[32], nonce[12] = { 0, 0, 0, 9, 0, 0, 0, 0x4a, 0, 0, 0, 0 };
	uint8_t out[64], want[64];

	key_0_to_31(key);
	hex_to_bytes(want_hex, want, 64);
	chacha20_block(key, 1, nonce, out);
	HT_ASSERT(memcmp(out, want, 64) == 0);
}

HTEST(rfc8439_zero_key_a_1)
{
	static const char want_hex[] =
		"76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
		"da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586";
	uint8_t key[32] = { 0 }, nonce[12] = { 0 }, out[64], want[64];

	hex_to_bytes(want_hex, want, 64);
	chacha20_block(key, 0, nonce, out);
	HT_ASSERT(memcmp(out, want, 64) == 0);
}

HTEST(rfc8439_encrypt_2_4_2)
{
	static const char plain[] = "Ladies and Gentlemen of the class of '99: If I could "
		"offer you only one tip for the future, sunscreen would be it.";
	static const char want_hex[] =
		"6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
		"f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
		"07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
		"5af90bbf74a35be6b40b8eedf2785e42874d";
	uint8_t key[32], nonce[12] = { 0, 0, 0, 0, 0, 0, 0, 0x4a, 0, 0, 0, 0 };
	size_t n = strlen(plain);
	uint8_t buf[128], want[128];

	HT_ASSERT_EQ(n, 114);
	key_0_to_31(key);
	hex_to_bytes(want_hex, want, n);
	memcpy(buf, plain, n);
	HT_ASSERT_EQ(chacha20_xor(key, 1, nonce, buf, n), 0);
	HT_ASSERT(memcmp(buf, want, n) == 0);
	/* And back. */
	HT_ASSERT_EQ(chacha20_xor(key, 1, nonce, buf, n), 0);
	HT_ASSERT(memcmp(buf, plain, n) == 0);
}

HTEST(xor_refuses_counter_wrap)
{
	uint8_t key[32] = { 0 }, nonce[12] = { 0 }, buf[130];

	memset(buf, 0x5a, sizeof(buf));
	/* Three blocks from 0xfffffffe would need counter 2^32. */
	HT_ASSERT_EQ(chacha20_xor(key, 0xfffffffeu, nonce, buf, sizeof(buf)), -EOVERFLOW);
	HT_ASSERT_EQ(buf[0], 0x5a);
	/* Two blocks fit exactly. */
	HT_ASSERT_EQ(chacha20_xor(key, 0xfffffffeu, nonce, buf, 128), 0);
	HT_ASSERT_EQ(chacha20_xor(key, 0, nonce, buf, 0), 0);
}

HTEST(rng_deterministic_per_seed)
{
	struct chacha_rng a, b, c;
	uint8_t oa[100], ob[100], oc[100];

	chacha_rng_init(&a, "seed one", 8);
	chacha_rng_init(&b, "seed one", 8);
	chacha_rng_init(&c, "seed two", 8);
	chacha_rng_fill(&a, oa, sizeof(oa));
	chacha_rng_fill(&b, ob, sizeof(ob));
	chacha_rng_fill(&c, oc, sizeof(oc));
	HT_ASSERT(memcmp(oa, ob, sizeof(oa)) == 0);
	HT_ASSERT(memcmp(oa, oc, sizeof(oa)) != 0);
}

HTEST(rng_fills_never_repeat_and_key_changes)
{
	struct chacha_rng r;
	uint8_t o1[64], o2[64], key_before[32];

	chacha_rng_init(&r, "x", 1);
	memcpy(key_before, r.key, 32);
	chacha_rng_fill(&r, o1, sizeof(o1));
	HT_ASSERT(memcmp(key_before, r.key, 32) != 0);
	chacha_rng_fill(&r, o2, sizeof(o2));
	HT_ASSERT(memcmp(o1, o2, sizeof(o1)) != 0);
	/* The new key is not any part of what was handed out. */
	HT_ASSERT(memcmp(r.key, o2, 32) != 0 && memcmp(r.key, o2 + 32, 32) != 0);
}

HTEST(rng_reseed_changes_stream)
{
	struct chacha_rng a, b;
	uint8_t oa[48], ob[48];
	uint8_t big[100];

	chacha_rng_init(&a, "s", 1);
	chacha_rng_init(&b, "s", 1);
	memset(big, 7, sizeof(big));
	chacha_rng_reseed(&b, big, sizeof(big));     /* several 32-byte chunks */
	HT_ASSERT_EQ(b.nr_reseeds, 1);
	chacha_rng_fill(&a, oa, sizeof(oa));
	chacha_rng_fill(&b, ob, sizeof(ob));
	HT_ASSERT(memcmp(oa, ob, sizeof(oa)) != 0);
	/* Reseeding with nothing still rekeys. */
	chacha_rng_reseed(&a, NULL, 0);
	HT_ASSERT_EQ(a.nr_reseeds, 1);
}

HTEST(rng_long_fill_crosses_slices)
{
	struct chacha_rng r;
	size_t n = 200 * 1024 + 13;
	uint8_t *buf = malloc(n);
	size_t zeros = 0;

	HT_ASSERT(buf);
	memset(buf, 0, n);
	chacha_rng_init(&r, "long", 4);
	chacha_rng_fill(&r, buf, n);
	for (size_t i = 0; i < n; i++)
		zeros += buf[i] == 0;
	/* About n/256 zero bytes; far fewer than an unfilled tail would give. */
	HT_ASSERT_MSG(zeros < n / 128, "%zu zero bytes of %zu", zeros, n);
	/* The slices are not copies of each other. */
	HT_ASSERT(memcmp(buf, buf + 64 * 1024, 64) != 0);
	HT_ASSERT_EQ(r.bytes_out, n);
	free(buf);
}

HTEST(rng_wipe_clears_key)
{
	struct chacha_rng r;
	uint8_t zero[sizeof(r)];

	chacha_rng_init(&r, "w", 1);
	chacha_rng_wipe(&r);
	memset(zero, 0, sizeof(zero));
	HT_ASSERT(memcmp(&r, zero, sizeof(r)) == 0);
}
