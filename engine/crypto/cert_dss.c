/*
 * DSS signatures for SIG_I / SIG_R (RFC 2409 5.1, authentication method 2 of Appendix A):
 * "DSS signatures MUST be encoded as r followed by s". OpenSSL signs and verifies DSA as the
 * DER SEQUENCE { r INTEGER, s INTEGER } (RFC 3279 2.2.2); here it becomes the fixed r||s of
 * IK_DSS_SIG_LEN octets and back. The DER of a DSA signature is the one of ECDSA-Sig-Value, so
 * OpenSSL 3's ECDSA_SIG (not deprecated, unlike DSA_SIG) converts it. cert.h.
 */
#include "cert.h"
#include "consts.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#define HALF (IK_DSS_SIG_LEN / 2) /* one of r and s: the 160 bits of q (FIPS 186-2) */

bool ik_key_is_dsa(EVP_PKEY *key)
{
	return key && EVP_PKEY_is_a(key, "DSA");
}

/* OpenSSL's DER signature of hash under key (no digest set: hash is the message digest DSA
 * signs, cut to q's length by FIPS 186-3 4.6 when longer). */
static bool der_sign(EVP_PKEY *key, const uint8_t *hash, size_t hlen, uint8_t *der, size_t *n,
                     struct ik_status *st)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key, NULL);
	bool ok;

	ERR_set_mark();
	ok = ctx && EVP_PKEY_sign_init(ctx) == 1 && EVP_PKEY_sign(ctx, der, n, hash, hlen) == 1;
	ERR_pop_to_mark();
	EVP_PKEY_CTX_free(ctx);
	return ok || ik_fail(st, 0, "SIG: DSA signing of a %zu-octet hash failed", hlen);
}

/* r and s of a DER signature, each left-padded to HALF octets (RFC 2409 5.1: r followed by s). */
static bool der_to_rs(const uint8_t *der, size_t n, uint8_t *rs, struct ik_status *st)
{
	const unsigned char *p = der;
	ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)n);
	const BIGNUM *r = s ? ECDSA_SIG_get0_r(s) : NULL, *v = s ? ECDSA_SIG_get0_s(s) : NULL;
	bool ok =
		s && BN_bn2binpad(r, rs, HALF) == HALF && BN_bn2binpad(v, rs + HALF, HALF) == HALF;

	ECDSA_SIG_free(s);
	return ok || ik_fail(st, 0,
	                     "SIG: the DSA signature does not fit r||s of %d octets (a "
	                     "key whose q is over 160 bits?)",
	                     IK_DSS_SIG_LEN);
}

bool ik_dss_sign(EVP_PKEY *key, const uint8_t *hash, size_t hlen, uint8_t *sig,
                 struct ik_status *st)
{
	uint8_t der[256];
	size_t n = sizeof(der);

	return der_sign(key, hash, hlen, der, &n, st) && der_to_rs(der, n, sig, st);
}

/* The DER lengths vary with the leading zeros r and s need (RFC 3279 2.2.2): sign again until
 * one is len octets long. Each try is a fresh random k, so a length seen once comes back. */
bool ik_dss_sign_der(EVP_PKEY *key, const uint8_t *hash, size_t hlen, uint8_t *sig, size_t len,
                     struct ik_status *st)
{
	uint8_t der[256];

	for (int i = 0; i < 2000; i++) {
		size_t n = sizeof(der);
		if (!der_sign(key, hash, hlen, der, &n, st))
			return false;
		if (n == len) {
			memcpy(sig, der, n);
			return true;
		}
	}
	return ik_fail(st, 0, "SIG: no DER DSA signature of %zu octets in 2000 tries", len);
}

size_t ik_dss_der_len(EVP_PKEY *key, struct ik_status *st)
{
	uint8_t der[256], zero[IK_DSS_SIG_LEN / 2] = {0};
	size_t n = sizeof(der);

	return der_sign(key, zero, sizeof(zero), der, &n, st) ? n : 0;
}

bool ik_dss_verify(EVP_PKEY *pub, const uint8_t *hash, size_t hlen, const uint8_t *sig,
                   size_t siglen, struct ik_status *st)
{
	if (siglen != IK_DSS_SIG_LEN)
		return ik_fail(
			st, IK_NOTIFY_INVALID_SIGNATURE,
			"DSS SIG of %zu octets%s, not r||s of %d: RFC 2409 5.1 \"DSS signatures "
			"MUST be encoded as r followed by s\"",
			siglen, siglen > IK_DSS_SIG_LEN && sig[0] == 0x30 ? " (DER?)" : "",
			IK_DSS_SIG_LEN);
	ECDSA_SIG *s = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, HALF, NULL), *v = BN_bin2bn(sig + HALF, HALF, NULL);
	unsigned char *der = NULL;
	int n = -1;

	if (s && r && v && ECDSA_SIG_set0(s, r, v) == 1) {
		r = v = NULL; /* s owns them */
		n = i2d_ECDSA_SIG(s, &der);
	}
	BN_free(r);
	BN_free(v);
	ECDSA_SIG_free(s);
	if (n <= 0)
		return ik_fail(st, 0, "SIG: OpenSSL could not encode r and s");
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pub, NULL);
	ERR_set_mark();
	bool ok = ctx && EVP_PKEY_verify_init(ctx) == 1 &&
	          EVP_PKEY_verify(ctx, der, (size_t)n, hash, hlen) == 1;
	ERR_pop_to_mark();
	EVP_PKEY_CTX_free(ctx);
	OPENSSL_free(der);
	return ok || ik_fail(st, IK_NOTIFY_INVALID_SIGNATURE,
	                     "SIG (r||s) is no DSA signature of the %zu-octet HASH under the "
	                     "certificate's key: made with another key or hash, or corrupted "
	                     "(RFC 2409 5.1)",
	                     hlen);
}
