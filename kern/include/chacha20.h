/* SPDX-License-Identifier: MIT */
/*
 * chacha20.h - the ChaCha20 block function (RFC 8439) and a CSPRNG built on
 * it (kern/src/lib/chacha20.c).  The #random device (kern/drivers/dev/random.c)
 * owns the kernel's generator, gathers the entropy and does the locking.
 *
 *	struct chacha_rng rng;
 *	chacha_rng_init(&rng, seed, seed_len);     // any length, mixed in
 *	chacha_rng_fill(&rng, buf, n);             // n bytes of output
 *	chacha_rng_reseed(&rng, more, more_len);   // fold in fresh entropy
 *	chacha_rng_wipe(&rng);                     // before freeing it
 *
 * Model: "fast key erasure".  The state is a 256-bit key; a fill runs
 * ChaCha20 under that key with a fresh nonce, hands out the keystream and
 * then replaces the key with keystream the caller never saw, so a later
 * compromise of the state cannot reproduce earlier output.  A reseed XORs
 * the new material into the key (in 32-byte chunks, each followed by a
 * rekey), so it can only add entropy, never remove it.
 *
 * Pure code: no locks, no allocation, no arch access (host tested with the
 * RFC's vectors, tests/host/chacha20.mk).  Callers serialise use of one
 * chacha_rng themselves.
 */
#pragma once

#include <types.h>

#define CHACHA20_KEY_BYTES   32
#define CHACHA20_NONCE_BYTES 12
#define CHACHA20_BLOCK_BYTES 64

/* One 64-byte keystream block for (key, counter, nonce); bytes are in the
 * RFC's serialised order. */
void chacha20_block(const uint8_t key[CHACHA20_KEY_BYTES], uint32_t counter,
                    const uint8_t nonce[CHACHA20_NONCE_BYTES],
                    uint8_t out[CHACHA20_BLOCK_BYTES]);

/* XORs n bytes of keystream, starting at block 'counter', into buf (this
 * is encryption and decryption).  Returns -EOVERFLOW if the 32-bit block
 * counter would wrap, leaving buf untouched. */
int chacha20_xor(const uint8_t key[CHACHA20_KEY_BYTES], uint32_t counter,
                 const uint8_t nonce[CHACHA20_NONCE_BYTES], uint8_t *buf, size_t n);

struct chacha_rng {
	uint8_t key[CHACHA20_KEY_BYTES];
	uint64_t nonce;         /* bumped on every fill: a key never repeats a nonce */
	uint64_t nr_reseeds;    /* statistics */
	uint64_t bytes_out;     /* since the last reseed */
};

void chacha_rng_init(struct chacha_rng *rng, const void *seed, size_t len);
void chacha_rng_reseed(struct chacha_rng *rng, const void *seed, size_t len);
/* Fills buf with n bytes; any n (long requests are cut in 64 KiB slices,
 * each followed by a rekey). */
void chacha_rng_fill(struct chacha_rng *rng, void *buf, size_t n);
void chacha_rng_wipe(struct chacha_rng *rng);

/* The kernel's generator (kern/drivers/dev/random.c, the #random device):
 * n bytes of cryptographically strong randomness.  Seeded at device reset
 * from RDSEED/RDRAND or TSC jitter; never blocks; kthread or IRQ context
 * (it takes an irqsave spinlock per 256 bytes). */
void random_bytes(void *buf, size_t n);
