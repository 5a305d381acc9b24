/* RSA encrypted payload bodies and the revised mode's symmetric keys (RFC 2409 5.2, 5.3); pke.h. */
#include "pke.h"
#include "consts.h"
#include "keys.h"
#include "prf.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

static EVP_PKEY_CTX *rsa_ctx(EVP_PKEY *k, bool enc)
{
	EVP_PKEY_CTX *x =
		k && EVP_PKEY_is_a(k, "RSA") ? EVP_PKEY_CTX_new_from_pkey(NULL, k, NULL) : NULL;
	if (!x || (enc ? EVP_PKEY_encrypt_init(x) : EVP_PKEY_decrypt_init(x)) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(x, RSA_PKCS1_PADDING) <= 0) {
		EVP_PKEY_CTX_free(x);
		return NULL;
	}
	/* OpenSSL 3.2+ answers bad padding with a random plaintext (implicit rejection); 3.0 has
	 * no such parameter and fails. Either way the caller answers every failure alike. */
	if (!enc)
		(void)EVP_PKEY_CTX_ctrl_str(x, "rsa_pkcs1_implicit_rejection", "0");
	return x;
}

bool ik_pke_encrypt(EVP_PKEY *pub, const uint8_t *in, size_t len, uint8_t *out, size_t cap,
                    size_t *outlen, struct ik_status *st)
{
	EVP_PKEY_CTX *x = rsa_ctx(pub, true);
	size_t n = cap;

	if (!x)
		return ik_fail(st, 0, "ik_pke_encrypt: no RSA public key to encrypt with");
	/* PKCS #1 v1.5 takes at most k - 11 octets (RFC 8017 7.2.1). */
	bool ok = (size_t)EVP_PKEY_get_size(pub) <= cap &&
	          len + 11 <= (size_t)EVP_PKEY_get_size(pub) &&
	          EVP_PKEY_encrypt(x, out, &n, in, len) > 0;
	EVP_PKEY_CTX_free(x);
	ERR_clear_error();
	if (!ok)
		return ik_fail(st, 0, "ik_pke_encrypt: %zu octets do not fit an RSA-%d block", len,
		               EVP_PKEY_get_bits(pub));
	*outlen = n;
	return true;
}

bool ik_pke_decrypt(EVP_PKEY *key, const uint8_t *in, size_t len, uint8_t *out, size_t cap,
                    size_t *outlen, const char **cause, struct ik_status *st)
{
	uint8_t tmp[IK_PKE_MAX];
	size_t n = sizeof(tmp);
	const char *why = NULL;
	EVP_PKEY_CTX *x = rsa_ctx(key, false);

	if (!x)
		why = "no RSA private key";
	else if (len != (size_t)EVP_PKEY_get_size(key))
		why = "the ciphertext is not one modulus long";
	else if (EVP_PKEY_decrypt(x, tmp, &n, in, len) <= 0)
		why = "bad PKCS #1 v1.5 padding (or another key's ciphertext)";
	else if (n > cap)
		why = "the plaintext is longer than the payload may be";
	EVP_PKEY_CTX_free(x);
	ERR_clear_error();
	if (cause)
		*cause = why;
	if (why) {
		OPENSSL_cleanse(tmp, sizeof(tmp));
		return ik_fail(st, IK_NOTIFY_PAYLOAD_MALFORMED, IK_PKE_FAILED);
	}
	memcpy(out, tmp, n);
	OPENSSL_cleanse(tmp, sizeof(tmp));
	*outlen = n;
	return true;
}

bool ik_pke_ne(const struct ik_hash_alg *h, const uint8_t *nonce, size_t nlen, const uint8_t cky[8],
               uint8_t *ne, struct ik_status *st)
{
	return ik_prf1(h, nonce, nlen, cky, 8, ne) ||
	       ik_fail(st, 0, "ik_pke_ne: prf(N_b, CKY) failed");
}

bool ik_pke_ke(const struct ik_hash_alg *h, const struct ik_cipher_alg *c, const uint8_t *ne,
               uint8_t *ke, struct ik_status *st)
{
	if (!c || c->mode != IK_MODE_CBC)
		return ik_fail(st, IK_NOTIFY_NO_PROPOSAL_CHOSEN,
		               "the revised mode (RFC 2409 5.3) needs a CBC cipher");
	return ik_key_expand(h, ne, ke, c->key_len, st);
}

size_t ik_pke_sym_len(const struct ik_cipher_alg *c, size_t len)
{
	return (len / c->block + 1) * c->block; /* "there will always be padding" */
}

bool ik_pke_sym_encrypt(const struct ik_cipher_alg *c, const uint8_t *ke, uint8_t *iv,
                        const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *outlen,
                        struct ik_status *st)
{
	size_t n = ik_pke_sym_len(c, len);

	if (n > cap)
		return ik_fail(st, 0, "ik_pke_sym_encrypt: %zu octets do not fit", len);
	/* RFC 2409 5.3: zero octets, the last one the number of padding octets before it. */
	memcpy(out, in, len);
	memset(out + len, 0, n - len);
	out[n - 1] = (uint8_t)(n - len - 1);
	if (!ik_ike_encrypt(c, ke, iv, out, n, out, st))
		return false;
	*outlen = n;
	return true;
}

bool ik_pke_sym_decrypt(const struct ik_cipher_alg *c, const uint8_t *ke, uint8_t *iv,
                        const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *outlen,
                        struct ik_status *st)
{
	if (!len || len % c->block || len > cap)
		return ik_fail(st, IK_NOTIFY_PAYLOAD_MALFORMED,
		               "a payload under Ke of %zu octets is no whole number of %zu-octet "
		               "blocks (RFC 2409 5.3)",
		               len, c->block);
	if (!ik_ike_decrypt(c, ke, iv, in, len, out, st))
		return false;
	size_t pad = (size_t)out[len - 1] + 1;
	if (pad > c->block || pad > len)
		return ik_fail(st, IK_NOTIFY_PAYLOAD_MALFORMED,
		               "a payload under Ke ends in a padding count of %u, more than a "
		               "block (RFC 2409 5.3): a wrong Ke or a broken payload",
		               out[len - 1]);
	*outlen = len - pad;
	return true;
}
