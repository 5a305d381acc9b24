#include "cipher.h"
#include "consts.h"
#include "crypto.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

/* Notify types (RFC 2408 3.14.1) this file reports. */
enum { N_PAYLOAD_MALFORMED = 16 };

/* Fetched once per cipher of the table, as crypto.c keeps digests: a fetch by name (a lock, a
 * lookup) for every IKE message encrypted or decrypted showed in a group 19 setup's profile.
 * *owned: a cipher outside the table, fetched for this call, to be freed by the caller. */
static EVP_CIPHER *alg_of(const struct ik_cipher_alg *c, bool *owned)
{
	static EVP_CIPHER *cache[32];
	size_t i = 0;

	while (i < ik_cipher_alg_count && &ik_cipher_algs[i] != c)
		i++;
	*owned = i >= ik_cipher_alg_count || i >= sizeof(cache) / sizeof(cache[0]);
	if (*owned)
		return EVP_CIPHER_fetch(NULL, c->evp, NULL);
	if (!cache[i])
		cache[i] = EVP_CIPHER_fetch(NULL, c->evp, NULL);
	return cache[i];
}

/* A context set up for c with key and iv (iv length default for the mode), padding off. */
static EVP_CIPHER_CTX *cipher_ctx(const struct ik_cipher_alg *c, const uint8_t *key,
                                  const uint8_t *iv, size_t ivlen, int enc, struct ik_status *st)
{
	if (c->ike_id == IK_P1_ENCR_DES_CBC && !ik_crypto_legacy()) {
		ik_fail(st, 0, "cipher_ctx: %s needs the OpenSSL legacy provider", c->name);
		return NULL;
	}
	bool owned;
	EVP_CIPHER *alg = alg_of(c, &owned);
	EVP_CIPHER_CTX *ctx = alg ? EVP_CIPHER_CTX_new() : NULL;
	bool ok = ctx && EVP_CipherInit_ex(ctx, alg, NULL, NULL, NULL, enc);

	if (ok && c->mode == IK_MODE_GCM)
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, (int)ivlen, NULL) > 0;
	ok = ok && EVP_CipherInit_ex(ctx, NULL, NULL, key, iv, enc) &&
	     EVP_CIPHER_CTX_set_padding(ctx, 0);
	if (owned)
		EVP_CIPHER_free(alg);
	if (!ok) {
		EVP_CIPHER_CTX_free(ctx);
		ik_fail(st, 0, "cipher_ctx: OpenSSL cannot set up %s", c->evp);
		return NULL;
	}
	return ctx;
}

/* One EVP update over the whole input; stream/CBC modes produce exactly len bytes. */
static bool run(EVP_CIPHER_CTX *ctx, const uint8_t *in, size_t len, uint8_t *out)
{
	int n = 0, fin = 0;

	if (len > (size_t)(1 << 30))
		return false;
	if (len && !EVP_CipherUpdate(ctx, out, &n, in, (int)len))
		return false;
	if (!EVP_CipherFinal_ex(ctx, out + n, &fin))
		return false;
	return (size_t)(n + fin) == len;
}

/* RFC 2409 Appendix B / RFC 3602 2.4: CBC over already padded data. */
bool ik_cbc_crypt(const struct ik_cipher_alg *c, const uint8_t *key, const uint8_t *iv,
                  const uint8_t *in, size_t len, uint8_t *out, bool encrypt, struct ik_status *st)
{
	if (!c || c->mode != IK_MODE_CBC)
		return ik_fail(st, 0, "ik_cbc_crypt: not a CBC cipher");
	if (len % c->block)
		return ik_fail(st, N_PAYLOAD_MALFORMED,
		               "ik_cbc_crypt: %zu bytes is not a multiple of the %s block size %zu",
		               len, c->name, c->block);
	EVP_CIPHER_CTX *ctx = cipher_ctx(c, key, iv, c->block, encrypt, st);
	if (!ctx)
		return false;
	bool ok = run(ctx, in, len, out);
	EVP_CIPHER_CTX_free(ctx);
	return ok ? true : ik_fail(st, 0, "ik_cbc_crypt: %s failed", c->evp);
}

void ik_ctr_esp_block(const uint8_t nonce[4], const uint8_t iv[8], uint8_t out[16])
{
	/* RFC 3686 section 4: nonce (4) | IV (8) | block counter (4) starting at 1. */
	memcpy(out, nonce, 4);
	memcpy(out + 4, iv, 8);
	out[12] = out[13] = out[14] = 0;
	out[15] = 1;
}

bool ik_ctr_crypt(const struct ik_cipher_alg *c, const uint8_t *key, const uint8_t *ctr_block,
                  const uint8_t *in, size_t len, uint8_t *out, struct ik_status *st)
{
	if (!c || c->mode != IK_MODE_CTR)
		return ik_fail(st, 0, "ik_ctr_crypt: not a CTR cipher");
	EVP_CIPHER_CTX *ctx = cipher_ctx(c, key, ctr_block, 16, 1, st);
	if (!ctx)
		return false;
	bool ok = run(ctx, in, len, out);
	EVP_CIPHER_CTX_free(ctx);
	return ok ? true : ik_fail(st, 0, "ik_ctr_crypt: %s failed", c->evp);
}

static bool gcm_check(const struct ik_cipher_alg *c, size_t ivlen, size_t taglen, size_t aadlen,
                      struct ik_status *st)
{
	if (!c || c->mode != IK_MODE_GCM)
		return ik_fail(st, 0, "gcm: not a GCM cipher");
	if (ivlen == 0 || ivlen > 128 || taglen == 0 || taglen > 16 || aadlen > (1u << 30))
		return ik_fail(st, 0, "gcm: IV length %zu or tag length %zu out of range", ivlen,
		               taglen);
	return true;
}

/* RFC 4106 / NIST SP 800-38D: encrypt and authenticate; aad is authenticated only. */
bool ik_gcm_seal(const struct ik_cipher_alg *c, const uint8_t *key, const uint8_t *iv, size_t ivlen,
                 const uint8_t *aad, size_t aadlen, const uint8_t *in, size_t len, uint8_t *out,
                 uint8_t *tag, size_t taglen, struct ik_status *st)
{
	uint8_t full[16];
	int n = 0;

	if (!gcm_check(c, ivlen, taglen, aadlen, st))
		return false;
	EVP_CIPHER_CTX *ctx = cipher_ctx(c, key, iv, ivlen, 1, st);
	if (!ctx)
		return false;
	bool ok = !aadlen || EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aadlen);
	ok = ok && run(ctx, in, len, out) &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, full) > 0;
	EVP_CIPHER_CTX_free(ctx);
	if (!ok)
		return ik_fail(st, 0, "ik_gcm_seal: %s failed", c->evp);
	memcpy(tag, full, taglen);
	return true;
}

bool ik_gcm_open(const struct ik_cipher_alg *c, const uint8_t *key, const uint8_t *iv, size_t ivlen,
                 const uint8_t *aad, size_t aadlen, const uint8_t *in, size_t len,
                 const uint8_t *tag, size_t taglen, uint8_t *out, struct ik_status *st)
{
	int n = 0;

	if (!gcm_check(c, ivlen, taglen, aadlen, st))
		return false;
	EVP_CIPHER_CTX *ctx = cipher_ctx(c, key, iv, ivlen, 0, st);
	if (!ctx)
		return false;
	bool ok = !aadlen || EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aadlen);
	ok = ok && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, (int)taglen, (void *)tag) > 0;
	/* The final call verifies the tag; a mismatch fails run(). */
	ok = ok && run(ctx, in, len, out);
	EVP_CIPHER_CTX_free(ctx);
	if (!ok) {
		OPENSSL_cleanse(out, len);
		return ik_fail(st, 0, "ik_gcm_open: %s ICV does not verify", c->name);
	}
	return true;
}
