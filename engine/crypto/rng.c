#include "rng.h"
#include "consts.h"
#include "crypto.h"
#include "prf.h"

#include <limits.h>
#include <pthread.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

/* Unseeded, small requests are served from this many octets drawn from RAND_bytes at once: each
 * call costs a lock, a getpid() system call (OpenSSL's fork check) and a DRBG round whatever
 * its size, and a setup asks for a dozen small pieces (cookie, nonce, private value, SPI,
 * message IDs); one call per several setups took about 10 % of a group 19 setup's CPU away
 * (bench/README.md). */
#define IK_RNG_POOL 1024

static struct {
	bool seeded;
	uint8_t key[32];
	uint64_t counter;
	uint8_t block[32]; /* current output block */
	size_t used;       /* bytes of block already handed out */
	uint8_t pool[IK_RNG_POOL];
	size_t avail; /* unseeded: octets at the end of pool not handed out yet */
} rng;

static int atfork = -1; /* pthread_atfork's answer, once registered */

void ik_rng_seed(uint64_t seed)
{
	static const char label[] = "ikecheck rng v1";
	uint8_t s[8];

	for (int i = 0; i < 8; i++)
		s[i] = (uint8_t)(seed >> (56 - 8 * i));
	struct ik_span parts[] = {IK_SPAN(label, sizeof(label) - 1), IK_SPAN(s, sizeof(s))};
	ik_rng_unseed();
	rng.seeded = ik_digest(ik_hash_by_id(IK_P1_HASH_SHA2_256), parts, 2, rng.key);
	rng.used = sizeof(rng.block); /* force a fresh block on first use */
}

void ik_rng_unseed(void)
{
	OPENSSL_cleanse(&rng, sizeof(rng));
}

bool ik_rng_seeded(void)
{
	return rng.seeded;
}

static bool next_block(void)
{
	uint8_t ctr[8];

	for (int i = 0; i < 8; i++)
		ctr[i] = (uint8_t)(rng.counter >> (56 - 8 * i));
	rng.counter++;
	rng.used = 0;
	return ik_prf1(ik_hash_by_id(IK_P1_HASH_SHA2_256), rng.key, sizeof(rng.key), ctr,
	               sizeof(ctr), rng.block);
}

/* A child of fork() must never hand out octets its parent may hand out too: it starts empty. */
static void pool_drop(void)
{
	OPENSSL_cleanse(rng.pool, sizeof(rng.pool));
	rng.avail = 0;
}

/* n octets from the pool, refilled when short; each octet handed out is wiped from it. Without
 * the fork hook, or for a large request, straight from RAND_bytes. */
static bool pooled(uint8_t *p, size_t n)
{
	if (atfork < 0)
		atfork = pthread_atfork(NULL, NULL, pool_drop);
	if (atfork != 0 || n > sizeof(rng.pool) / 4)
		return n <= INT_MAX && RAND_bytes(p, (int)n) == 1;
	if (rng.avail < n) {
		if (RAND_bytes(rng.pool, sizeof(rng.pool)) != 1)
			return false;
		rng.avail = sizeof(rng.pool);
	}
	uint8_t *src = rng.pool + sizeof(rng.pool) - rng.avail;
	memcpy(p, src, n);
	OPENSSL_cleanse(src, n);
	rng.avail -= n;
	return true;
}

bool ik_rng_bytes(void *out, size_t n)
{
	uint8_t *p = out;

	if (!rng.seeded)
		return n == 0 || pooled(p, n);
	while (n) {
		if (rng.used == sizeof(rng.block) && !next_block())
			return false;
		size_t k = sizeof(rng.block) - rng.used;
		if (k > n)
			k = n;
		memcpy(p, rng.block + rng.used, k);
		rng.used += k;
		p += k;
		n -= k;
	}
	return true;
}
