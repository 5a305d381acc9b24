#include "rng.h"
#include "consts.h"
#include "crypto.h"
#include "prf.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

static struct {
	bool seeded;
	uint8_t key[32];
	uint64_t counter;
	uint8_t block[32]; /* current output block */
	size_t used;       /* bytes of block already handed out */
} rng;

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

bool ik_rng_bytes(void *out, size_t n)
{
	uint8_t *p = out;

	if (!rng.seeded)
		return n == 0 || (n <= (size_t)0x7fffffff && RAND_bytes(p, (int)n) == 1);
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
