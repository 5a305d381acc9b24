#include "crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/provider.h>

/* Fetched once per digest of the table, as prf.c keeps HMAC: a fetch by name per digest took
 * about a tenth of a main mode's CPU (ikecheck load: a SHA-256 of every message received
 * spots retransmissions). A digest outside the table is fetched each time. */
static const EVP_MD *md_of(const struct ik_hash_alg *h)
{
	static EVP_MD *cache[16];
	size_t i = 0;

	while (i < ik_hash_alg_count && &ik_hash_algs[i] != h)
		i++;
	if (i >= ik_hash_alg_count || i >= sizeof(cache) / sizeof(cache[0]))
		return EVP_get_digestbyname(h->evp);
	if (!cache[i])
		cache[i] = EVP_MD_fetch(NULL, h->evp, NULL);
	return cache[i];
}

bool ik_digest_init(struct ik_digest_ctx *c, const struct ik_hash_alg *h)
{
	c->h = h;
	c->md = h ? EVP_MD_CTX_new() : NULL;
	if (!c->md)
		return false;
	const EVP_MD *md = md_of(h);
	if (!md || !EVP_DigestInit_ex(c->md, md, NULL)) {
		ik_digest_free(c);
		return false;
	}
	return true;
}

bool ik_digest_update(struct ik_digest_ctx *c, const void *p, size_t n)
{
	return c->md && (n == 0 || EVP_DigestUpdate(c->md, p, n));
}

bool ik_digest_final(struct ik_digest_ctx *c, uint8_t *out)
{
	unsigned int len = 0;
	bool ok = c->md && EVP_DigestFinal_ex(c->md, out, &len) && len == c->h->len;

	ik_digest_free(c);
	return ok;
}

void ik_digest_free(struct ik_digest_ctx *c)
{
	EVP_MD_CTX_free(c->md);
	c->md = NULL;
}

bool ik_digest(const struct ik_hash_alg *h, const struct ik_span *parts, size_t n, uint8_t *out)
{
	struct ik_digest_ctx c;

	if (!ik_digest_init(&c, h))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!ik_digest_update(&c, parts[i].p, parts[i].len)) {
			ik_digest_free(&c);
			return false;
		}
	return ik_digest_final(&c, out);
}

bool ik_ct_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

static OSSL_PROVIDER *prov_default, *prov_legacy;

/* Runs before OpenSSL's own atexit cleanup (registered earlier), so nothing is left behind. */
static void unload_providers(void)
{
	if (prov_legacy)
		OSSL_PROVIDER_unload(prov_legacy);
	if (prov_default)
		OSSL_PROVIDER_unload(prov_default);
	prov_legacy = prov_default = NULL;
}

bool ik_crypto_legacy(void)
{
	static int state; /* 0 not tried, 1 loaded, -1 unavailable */

	if (state == 0) {
		/* Loading any provider explicitly disables the implicit default: load both. */
		prov_default = OSSL_PROVIDER_load(NULL, "default");
		prov_legacy = OSSL_PROVIDER_load(NULL, "legacy");
		atexit(unload_providers);
		state = prov_default && prov_legacy ? 1 : -1;
		if (state < 0)
			fprintf(stderr,
			        "ik_crypto_legacy: OpenSSL legacy provider not available; "
			        "single DES is disabled\n");
	}
	return state > 0;
}
