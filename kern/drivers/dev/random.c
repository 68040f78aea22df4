/* SPDX-License-Identifier: MIT */
/*
 * random.c - #random: the kernel's cryptographically strong generator.
 *
 *	#random/
 *	    random    rw   read: random bytes; write: bytes mixed into the state
 *	    urandom   rw   the same generator (both exist for Linux programs)
 *
 * No ctl.  The generator is chacha20.c's fast-key-erasure CSPRNG, one for
 * the kernel, seeded at reset: 64 bytes from RDSEED when CPUID says the
 * instruction exists, else from RDRAND, plus 256 TSC jitter samples always
 * (so a CPU without either, or one whose instruction keeps failing, still
 * gets a seed of timing noise).  Each RDSEED/RDRAND is retried a bounded
 * number of times.  The state is reseeded the same way after every
 * RANDOM_RESEED_BYTES of output or RANDOM_RESEED_NS of time, whichever
 * comes first, at the next read.  Reads never block and return exactly the
 * bytes asked for; writes are mixed in (never trusted as the only seed).
 *
 * Locking: random_lock (irqsave spinlock) guards the state; output is made
 * 256 bytes per lock hold into a stack buffer and copied out after the
 * lock is dropped, so a long read does not keep other cores waiting.
 * random_bytes() is the in-kernel interface (chacha20.h).
 */
#include <arch/x86.h>
#include <chacha20.h>
#include <err.h>
#include <errno.h>
#include <kstring.h>
#include <ns.h>
#include <printk.h>
#include <spinlock.h>
#include <time.h>

#define RANDOM_RESEED_BYTES (1ULL << 20)
#define RANDOM_RESEED_NS    (60ULL * NSEC_PER_SEC)
#define RANDOM_CHUNK        256
#define RANDOM_HW_WORDS     8           /* 64 bytes from RDSEED/RDRAND */
#define RANDOM_RDSEED_TRIES 128
#define RANDOM_RDRAND_TRIES 16
#define RANDOM_JITTER_SAMPLES 256
#define RANDOM_WRITE_MAX    4096        /* bytes mixed in per lock hold */

enum { Qtop, Qrandom, Qurandom };

static const struct dirtab random_tab[] = {
	{ ".", { Qtop, 0, QTDIR }, 0, DMDIR | 0555 },
	{ "random", { Qrandom, 0, QTFILE }, 0, 0666 },
	{ "urandom", { Qurandom, 0, QTFILE }, 0, 0666 },
};

static spinlock_t random_lock = SPINLOCK_INITIALIZER("random");
static struct chacha_rng random_rng;    /* [random_lock] */
static uint64_t random_last_reseed;     /* [random_lock] nsec_now() */
static bool random_ready;               /* [random_lock] seeded */
static bool random_have_rdseed, random_have_rdrand;    /* [I] after reset */

/* ------------------------------------------------------------ entropy */

static bool random_rdseed64(uint64_t *v)
{
	for (int i = 0; i < RANDOM_RDSEED_TRIES; i++) {
		uint8_t ok;

		__asm__ __volatile__("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok));
		if (ok)
			return true;
		cpu_relax();
	}
	return false;
}

static bool random_rdrand64(uint64_t *v)
{
	for (int i = 0; i < RANDOM_RDRAND_TRIES; i++) {
		uint8_t ok;

		__asm__ __volatile__("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
		if (ok)
			return true;
	}
	return false;
}

/* One word of hardware entropy, 0 if neither instruction delivers. */
static uint64_t random_hw_word(void)
{
	uint64_t v = 0;

	if (random_have_rdseed && random_rdseed64(&v))
		return v;
	if (random_have_rdrand && random_rdrand64(&v))
		return v;
	return 0;
}

/* TSC deltas across a little memory work: the low bits vary with cache,
 * TLB, interrupt and (under emulation) host scheduling noise. */
static void random_jitter(uint64_t *out, size_t n)
{
	static volatile uint32_t scratch[64];
	uint64_t prev = read_tsc();

	for (size_t i = 0; i < n; i++) {
		uint64_t now;

		for (uint32_t j = 0; j < 16 + (prev & 15); j++)
			scratch[(prev + j * 7) & 63] += (uint32_t)prev;
		now = read_tsc();
		out[i] = (now - prev) ^ (now << 32);
		prev = now;
	}
}

/* Gathers a seed (hardware words, then jitter) and mixes it in.  Called
 * without the lock: gathering is slow. */
static void random_gather_and_mix(void)
{
	uint64_t seed[RANDOM_HW_WORDS + RANDOM_JITTER_SAMPLES];
	uint64_t flags;

	for (int i = 0; i < RANDOM_HW_WORDS; i++)
		seed[i] = random_hw_word();
	random_jitter(seed + RANDOM_HW_WORDS, RANDOM_JITTER_SAMPLES);
	flags = spin_lock_irqsave(&random_lock);
	if (random_ready) {
		chacha_rng_reseed(&random_rng, seed, sizeof(seed));
	} else {
		chacha_rng_init(&random_rng, seed, sizeof(seed));
		random_ready = true;
	}
	random_last_reseed = nsec_now();
	spin_unlock_irqrestore(&random_lock, flags);
	memset(seed, 0, sizeof(seed));
}

static bool random_reseed_due(void)
{
	return random_rng.bytes_out >= RANDOM_RESEED_BYTES ||
	       nsec_now() - random_last_reseed >= RANDOM_RESEED_NS;
}

/* --------------------------------------------------------- the output */

void random_bytes(void *buf, size_t n)
{
	uint8_t chunk[RANDOM_CHUNK];
	uint8_t *out = buf;
	bool due = false;

	if (!READ_ONCE(random_ready))
		random_gather_and_mix();        /* used before the device's reset */
	while (n) {
		size_t m = n < sizeof(chunk) ? n : sizeof(chunk);
		uint64_t flags = spin_lock_irqsave(&random_lock);

		chacha_rng_fill(&random_rng, chunk, m);
		due = due || random_reseed_due();
		spin_unlock_irqrestore(&random_lock, flags);
		memcpy(out, chunk, m);
		out += m;
		n -= m;
	}
	memset(chunk, 0, sizeof(chunk));
	if (due && irq_is_enabled())
		random_gather_and_mix();
}

/* Mixes n bytes in, RANDOM_WRITE_MAX per lock hold. */
static void random_mix_in(const uint8_t *buf, size_t n)
{
	while (n) {
		size_t m = n < RANDOM_WRITE_MAX ? n : RANDOM_WRITE_MAX;
		uint64_t flags = spin_lock_irqsave(&random_lock);

		chacha_rng_reseed(&random_rng, buf, m);
		spin_unlock_irqrestore(&random_lock, flags);
		buf += m;
		n -= m;
	}
}

/* ------------------------------------------------------------ device */

static void random_reset(void)
{
	struct cpuid_regs r = cpuid(0, 0);

	if (r.eax >= 7)
		random_have_rdseed = cpuid(7, 0).ebx & (1u << 18);
	random_have_rdrand = cpuid(1, 0).ecx & (1u << 30);
	random_gather_and_mix();
	printk("random: seeded from %s%stsc jitter\n",
	       random_have_rdseed ? "rdseed, " : "", random_have_rdrand ? "rdrand, " : "");
}

static struct chan *random_attach(const char *spec)
{
	return devattach("random", spec);
}

static struct walkqid *random_walk(struct chan *c, struct chan *nc,
                                   const char **names, unsigned int nname)
{
	return devwalk(c, nc, names, nname, random_tab, ARRAY_SIZE(random_tab), devgen);
}

static size_t random_stat(struct chan *c, uint8_t *db, size_t n)
{
	return devstat(c, db, n, random_tab, ARRAY_SIZE(random_tab), devgen);
}

static struct chan *random_open(struct chan *c, int omode)
{
	return devopen(c, omode, random_tab, ARRAY_SIZE(random_tab), devgen);
}

static void random_close(struct chan *c)
{
}

static size_t random_read(struct chan *c, void *buf, size_t n, int64_t off)
{
	switch (c->qid.path) {
	case Qtop:
		return devdirread(c, buf, n, random_tab, ARRAY_SIZE(random_tab), devgen);
	case Qrandom:
	case Qurandom:
		random_bytes(buf, n);
		return n;
	}
	error(EINVAL, "#random: read of unknown file %llu",
	      (unsigned long long)c->qid.path);
}

static size_t random_write(struct chan *c, const void *buf, size_t n, int64_t off)
{
	if (c->qid.path != Qrandom && c->qid.path != Qurandom)
		error(EPERM, "#random: '%s' is not writable", c->name ? c->name->s : "?");
	random_mix_in(buf, n);
	return n;
}

struct dev random_devtab __devtab = {
	.name = "random",
	.reset = random_reset,
	.init = devinit,
	.shutdown = devshutdown,
	.attach = random_attach,
	.walk = random_walk,
	.stat = random_stat,
	.open = random_open,
	.create = devcreate,
	.close = random_close,
	.read = random_read,
	.bread = devbread,
	.write = random_write,
	.bwrite = devbwrite,
	.remove = devremove,
	.rename = devrename,
	.wstat = devwstat,
};
