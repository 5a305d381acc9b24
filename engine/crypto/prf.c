#include "prf.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

/* Fetched once: an explicit fetch per HMAC would dominate the 3,400-case KAT run. */
static EVP_MAC *hmac_alg(void)
{
	static EVP_MAC *mac;

	if (!mac)
		mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	return mac;
}

bool ik_prf_init(struct ik_prf_ctx *c, const struct ik_hash_alg *h, const uint8_t *key, size_t klen)
{
	static const uint8_t empty[1];
	OSSL_PARAM params[2];
	EVP_MAC *alg = hmac_alg();

	c->h = h;
	c->mac = h && alg ? EVP_MAC_CTX_new(alg) : NULL;
	if (!c->mac)
		return false;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)h->evp, 0);
	params[1] = OSSL_PARAM_construct_end();
	/* A zero-length key is legal HMAC (RFC 2104 2); OpenSSL wants a non-NULL pointer. */
	if (!EVP_MAC_init(c->mac, klen ? key : empty, klen, params)) {
		ik_prf_free(c);
		return false;
	}
	return true;
}

bool ik_prf_update(struct ik_prf_ctx *c, const void *p, size_t n)
{
	return c->mac && (n == 0 || EVP_MAC_update(c->mac, p, n));
}

bool ik_prf_final(struct ik_prf_ctx *c, uint8_t *out)
{
	size_t len = 0;
	bool ok = c->mac && EVP_MAC_final(c->mac, out, &len, c->h->len) && len == c->h->len;

	ik_prf_free(c);
	return ok;
}

void ik_prf_free(struct ik_prf_ctx *c)
{
	EVP_MAC_CTX_free(c->mac); /* clears the keyed state */
	c->mac = NULL;
}

/* ik_prf's own context per digest of the table, its digest set once and keyed again for each
 * call: a new context per HMAC fetched the digest by name in EVP_MAC_init (a lock and a lookup)
 * and took twice the time of the HMAC itself on short inputs (a setup makes 13 per side).
 * NULL for a digest outside the table. One engine thread (rng.h): never in use twice at once. */
static EVP_MAC_CTX *oneshot_of(const struct ik_hash_alg *h)
{
	static EVP_MAC_CTX *cache[16];
	size_t i = 0;

	while (i < ik_hash_alg_count && &ik_hash_algs[i] != h)
		i++;
	if (i >= ik_hash_alg_count || i >= sizeof(cache) / sizeof(cache[0]))
		return NULL;
	if (!cache[i] && hmac_alg()) {
		OSSL_PARAM params[2] = {
			OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)h->evp, 0),
			OSSL_PARAM_construct_end(),
		};
		EVP_MAC_CTX *m = EVP_MAC_CTX_new(hmac_alg());
		if (m && !EVP_MAC_CTX_set_params(m, params))
			EVP_MAC_CTX_free(m), m = NULL;
		cache[i] = m;
	}
	return cache[i];
}

bool ik_prf(const struct ik_hash_alg *h, const uint8_t *key, size_t klen,
            const struct ik_span *parts, size_t n, uint8_t *out)
{
	static const uint8_t empty[1];
	EVP_MAC_CTX *m = h ? oneshot_of(h) : NULL;
	struct ik_prf_ctx c;

	if (m) {
		size_t len = 0;
		bool ok = EVP_MAC_init(m, klen ? key : empty, klen, NULL);
		for (size_t i = 0; ok && i < n; i++)
			ok = !parts[i].len || EVP_MAC_update(m, parts[i].p, parts[i].len);
		return ok && EVP_MAC_final(m, out, &len, h->len) && len == h->len;
	}

	if (!ik_prf_init(&c, h, key, klen))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!ik_prf_update(&c, parts[i].p, parts[i].len)) {
			ik_prf_free(&c);
			return false;
		}
	return ik_prf_final(&c, out);
}

bool ik_prf1(const struct ik_hash_alg *h, const uint8_t *key, size_t klen, const uint8_t *data,
             size_t dlen, uint8_t *out)
{
	struct ik_span s = IK_SPAN(data, dlen);

	return ik_prf(h, key, klen, &s, 1, out);
}
