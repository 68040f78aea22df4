/* SPDX-License-Identifier: MIT */
/*
 * chacha20.c - the ChaCha20 block function of RFC 8439 and the "fast key
 * erasure" generator the #random device runs (model: chacha20.h).
 *
 * The block function works on a 4x4 matrix of 32-bit words: four constant
 * words ("expand 32-byte k"), the eight key words, the block counter and
 * the three nonce words, all read little-endian.  Twenty rounds (ten pairs
 * of a column round and a diagonal round of quarter-rounds) scramble a copy;
 * the copy plus the original, serialised little-endian, is the keystream.
 *
 * The generator never uses a key for more than one fill: each fill runs the
 * keystream with nonce = rng->nonce++, serves the caller from blocks 1..n
 * and takes the next key from block 0, which nobody else sees.
 *
 * Pure code, no locks (callers serialise), host tested against the RFC.
 */
#include <chacha20.h>
#include <errno.h>
#include <kstring.h>

#define CHACHA_ROUNDS 20
#define RNG_SLICE     (64 * 1024)   /* output bytes per key, at most */

static inline uint32_t rotl32(uint32_t v, int n)
{
	return (v << n) | (v >> (32 - n));
}

static inline uint32_t load_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline void store_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void chacha_qr(uint32_t *x, int a, int b, int c, int d)
{
	x[a] += x[b]; x[d] ^= x[a]; x[d] = rotl32(x[d], 16);
	x[c] += x[d]; x[b] ^= x[c]; x[b] = rotl32(x[b], 12);
	x[a] += x[b]; x[d] ^= x[a]; x[d] = rotl32(x[d], 8);
	x[c] += x[d]; x[b] ^= x[c]; x[b] = rotl32(x[b], 7);
}

static void chacha_init_state(uint32_t st[16], const uint8_t *key, uint32_t counter,
                              const uint8_t *nonce)
{
	st[0] = 0x61707865;     /* "expa" */
	st[1] = 0x3320646e;     /* "nd 3" */
	st[2] = 0x79622d32;     /* "2-by" */
	st[3] = 0x6b206574;     /* "te k" */
	for (int i = 0; i < 8; i++)
		st[4 + i] = load_le32(key + 4 * i);
	st[12] = counter;
	for (int i = 0; i < 3; i++)
		st[13 + i] = load_le32(nonce + 4 * i);
}

void chacha20_block(const uint8_t key[CHACHA20_KEY_BYTES], uint32_t counter,
                    const uint8_t nonce[CHACHA20_NONCE_BYTES],
                    uint8_t out[CHACHA20_BLOCK_BYTES])
{
	uint32_t st[16], x[16];

	chacha_init_state(st, key, counter, nonce);
	memcpy(x, st, sizeof(x));
	for (int i = 0; i < CHACHA_ROUNDS; i += 2) {
		chacha_qr(x, 0, 4, 8, 12);
		chacha_qr(x, 1, 5, 9, 13);
		chacha_qr(x, 2, 6, 10, 14);
		chacha_qr(x, 3, 7, 11, 15);
		chacha_qr(x, 0, 5, 10, 15);
		chacha_qr(x, 1, 6, 11, 12);
		chacha_qr(x, 2, 7, 8, 13);
		chacha_qr(x, 3, 4, 9, 14);
	}
	for (int i = 0; i < 16; i++)
		store_le32(out + 4 * i, x[i] + st[i]);
}

static void chacha_wipe(void *p, size_t n)
{
	volatile uint8_t *v = p;

	while (n--)
		*v++ = 0;
}

int chacha20_xor(const uint8_t key[CHACHA20_KEY_BYTES], uint32_t counter,
                 const uint8_t nonce[CHACHA20_NONCE_BYTES], uint8_t *buf, size_t n)
{
	uint8_t ks[CHACHA20_BLOCK_BYTES];
	uint64_t nblocks = (n + CHACHA20_BLOCK_BYTES - 1) / CHACHA20_BLOCK_BYTES;

	if (nblocks > (uint64_t)0xffffffffu - counter + 1)
		return -EOVERFLOW;
	for (size_t done = 0; done < n; counter++) {
		size_t chunk = n - done < sizeof(ks) ? n - done : sizeof(ks);

		chacha20_block(key, counter, nonce, ks);
		for (size_t i = 0; i < chunk; i++)
			buf[done + i] ^= ks[i];
		done += chunk;
	}
	chacha_wipe(ks, sizeof(ks));
	return 0;
}

/* ------------------------------------------------------------ generator */

static void rng_nonce(struct chacha_rng *rng, uint8_t nonce[CHACHA20_NONCE_BYTES])
{
	uint64_t n = rng->nonce++;

	memset(nonce, 0, CHACHA20_NONCE_BYTES);
	store_le32(nonce + 4, (uint32_t)n);
	store_le32(nonce + 8, (uint32_t)(n >> 32));
}

/* Serves up to RNG_SLICE bytes under the current key, then replaces it. */
static void rng_fill_slice(struct chacha_rng *rng, uint8_t *out, size_t n)
{
	uint8_t nonce[CHACHA20_NONCE_BYTES];
	uint8_t blk[CHACHA20_BLOCK_BYTES];
	uint32_t ctr = 1;

	rng_nonce(rng, nonce);
	for (size_t done = 0; done < n; ctr++) {
		size_t chunk = n - done < sizeof(blk) ? n - done : sizeof(blk);

		chacha20_block(rng->key, ctr, nonce, blk);
		memcpy(out + done, blk, chunk);
		done += chunk;
	}
	chacha20_block(rng->key, 0, nonce, blk);
	memcpy(rng->key, blk, CHACHA20_KEY_BYTES);
	chacha_wipe(blk, sizeof(blk));
	rng->bytes_out += n;
}

void chacha_rng_fill(struct chacha_rng *rng, void *buf, size_t n)
{
	uint8_t *out = buf;

	do {
		size_t chunk = n < RNG_SLICE ? n : RNG_SLICE;

		rng_fill_slice(rng, out, chunk);
		out += chunk;
		n -= chunk;
	} while (n);
}

void chacha_rng_reseed(struct chacha_rng *rng, const void *seed, size_t len)
{
	const uint8_t *p = seed;

	do {
		size_t chunk = len < CHACHA20_KEY_BYTES ? len : CHACHA20_KEY_BYTES;

		for (size_t i = 0; i < chunk; i++)
			rng->key[i] ^= p[i];
		rng_fill_slice(rng, NULL, 0);   /* rekey: mixes the chunk in */
		p += chunk;
		len -= chunk;
	} while (len);
	rng->nr_reseeds++;
	rng->bytes_out = 0;
}

void chacha_rng_init(struct chacha_rng *rng, const void *seed, size_t len)
{
	memset(rng, 0, sizeof(*rng));
	chacha_rng_reseed(rng, seed, len);
	rng->nr_reseeds = 0;
}

void chacha_rng_wipe(struct chacha_rng *rng)
{
	chacha_wipe(rng, sizeof(*rng));
}
