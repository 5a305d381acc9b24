/*
 * CERT and CR payload bodies (RFC 2408 3.9, 3.10) and SIG_I / SIG_R (RFC 2409 5.1); cert.h.
 */
#include "cert.h"
#include "consts.h"

#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

bool ik_cert_payload(X509 *cert, uint8_t *out, size_t cap, size_t *len, struct ik_status *st)
{
	int n = i2d_X509(cert, NULL);
	unsigned char *p = out + 1;

	if (n <= 0)
		return ik_fail(st, 0, "ik_cert_payload: the certificate cannot be DER-encoded");
	if ((size_t)n + 1 > cap)
		return ik_fail(st, 0, "ik_cert_payload: %d octets of DER do not fit in %zu", n,
		               cap - 1);
	out[0] = IK_CERT_ENC_X509_SIG; /* RFC 2408 3.9: Cert Encoding, then Certificate Data */
	i2d_X509(cert, &p);
	*len = (size_t)n + 1;
	return true;
}

/* The encoding octet of a CERT or CR body: X.509 Certificate - Signature is all we take. */
static bool x509_sig_encoding(const uint8_t *body, size_t len, const char *what,
                              const char *section, struct ik_status *st)
{
	if (!len)
		return ik_fail(st, IK_NOTIFY_PAYLOAD_MALFORMED, "%s body is empty (RFC 2408 %s)",
		               what, section);
	/* 5.9, 5.10 step 1: an encoding 3.9 does not list (RESERVED, 11-255) is invalid, one it
	 * lists but we lack is not supported; either payload is discarded */
	if (body[0] > 10)
		return ik_fail(st, IK_NOTIFY_INVALID_CERT_ENCODING,
		               "%s encoding %u, which RFC 2408 3.9 reserves (invalid)", what,
		               body[0]);
	if (body[0] != IK_CERT_ENC_X509_SIG)
		return ik_fail(st, IK_NOTIFY_CERT_TYPE_UNSUPPORTED,
		               "%s encoding %s (%u); only X509-SIG (4) is supported (RFC 2408 3.9)",
		               what, ik_name(IK_T_CERT_ENC, body[0]), body[0]);
	return true;
}

X509 *ik_cert_from_payload(const uint8_t *body, size_t len, struct ik_status *st)
{
	const unsigned char *p = body + 1;
	X509 *x;

	if (!x509_sig_encoding(body, len, "CERT", "3.9", st))
		return NULL;
	ERR_set_mark();
	x = d2i_X509(NULL, &p, (long)(len - 1));
	ERR_pop_to_mark();
	if (x && p == body + len)
		return x;
	X509_free(x);
	ik_fail(st, IK_NOTIFY_INVALID_CERT_ENCODING,
	        x ? "CERT data holds %zu octets after the DER certificate (RFC 2408 3.9)"
	          : "CERT data (%zu octets) is not a DER X.509 certificate (RFC 2408 3.9)",
	        x ? (size_t)(body + len - p) : len - 1);
	return NULL;
}

bool ik_cr_payload(X509 *ca, uint8_t *out, size_t cap, size_t *len, struct ik_status *st)
{
	int n = ca ? i2d_X509_NAME(X509_get_subject_name(ca), NULL) : 0;
	unsigned char *p = out + 1;

	if (n < 0)
		return ik_fail(st, 0, "ik_cr_payload: the CA's name cannot be DER-encoded");
	if ((size_t)n + 1 > cap)
		return ik_fail(st, 0, "ik_cr_payload: %d octets do not fit in %zu", n, cap - 1);
	out[0] = IK_CERT_ENC_X509_SIG; /* RFC 2408 3.10: Cert. Type, then the CA's DN */
	if (ca)
		i2d_X509_NAME(X509_get_subject_name(ca), &p);
	*len = (size_t)n + 1;
	return true;
}

/* Whether one credential's certificate or chain was issued by (or is) the CA named by name. */
static bool issued_by(const struct ik_creds *c, const X509_NAME *name)
{
	if (!X509_NAME_cmp(X509_get_issuer_name(c->cert), name))
		return true;
	for (int i = 0; i < sk_X509_num(c->chain); i++) {
		X509 *x = sk_X509_value(c->chain, i);
		if (!X509_NAME_cmp(X509_get_issuer_name(x), name) ||
		    !X509_NAME_cmp(X509_get_subject_name(x), name))
			return true;
	}
	return false;
}

bool ik_cr_well_formed(const uint8_t *body, size_t len, struct ik_status *st)
{
	const unsigned char *p = body + 1;

	if (!len || !body[0] || body[0] > 10)
		return ik_fail(st, IK_NOTIFY_INVALID_CERT_ENCODING,
		               "a CR of Certificate Type %u, which RFC 2408 3.9 does not list",
		               len ? body[0] : 0);
	if (len == 1 || (body[0] != IK_CERT_ENC_X509_SIG && body[0] != 5 && body[0] != 10))
		return true; /* no authority named (3.10), or one of a type we do not read */
	ERR_set_mark();
	X509_NAME *name = d2i_X509_NAME(NULL, &p, (long)(len - 1));
	ERR_pop_to_mark();
	X509_NAME_free(name);
	if (!name || p != body + len)
		return ik_fail(
			st, IK_NOTIFY_INVALID_CERT_AUTHORITY,
			"a CR(%u) whose %zu-octet authority is not one DER distinguished name "
			"(RFC 2408 3.10, 5.10)",
			body[0], len - 1);
	return true;
}

const struct ik_creds *ik_creds_for_cr(const struct ik_creds *c, size_t n, const uint8_t *body,
                                       size_t len, struct ik_status *st)
{
	const unsigned char *p = body + 1;
	X509_NAME *name;
	const struct ik_creds *hit = NULL;
	char text[128];

	if (!x509_sig_encoding(body, len, "CR", "3.10", st))
		return NULL;
	if (len == 1) /* no authority named: any certificate (RFC 2408 3.10) */
		return n ? c
		         : (ik_fail(st, IK_NOTIFY_CERTIFICATE_UNAVAILABLE, "no certificate"), NULL);
	ERR_set_mark();
	name = d2i_X509_NAME(NULL, &p, (long)(len - 1));
	ERR_pop_to_mark();
	if (!name || p != body + len) {
		X509_NAME_free(name);
		ik_fail(st, IK_NOTIFY_INVALID_CERT_AUTHORITY,
		        "CR authority (%zu octets) is not one DER distinguished name (RFC 2408 "
		        "3.10)",
		        len - 1);
		return NULL;
	}
	for (size_t i = 0; !hit && i < n; i++)
		if (issued_by(&c[i], name))
			hit = &c[i];
	if (!hit) {
		X509_NAME_oneline(name, text, sizeof(text));
		/* 5.10 step 3: a CA we hold nothing from is "not available", not an invalid one */
		ik_fail(st, IK_NOTIFY_CERTIFICATE_UNAVAILABLE,
		        "none of our certificates is issued by the requested CA %s (RFC 2408 3.10)",
		        text);
	}
	X509_NAME_free(name);
	return hit;
}

/* An RSA context for raw PKCS#1 v1.5 type 1 (no digest, so no DigestInfo: RFC 2409 5.1 as
 * IKEv1 implementations do it). */
static EVP_PKEY_CTX *raw_ctx(EVP_PKEY *key, bool sign, struct ik_status *st)
{
	EVP_PKEY_CTX *ctx;

	if (!key || !EVP_PKEY_is_a(key, "RSA")) {
		ik_fail(st, IK_NOTIFY_INVALID_KEY_INFORMATION,
		        "SIG needs an RSA or DSA key (RFC 2409 5.1)");
		return NULL;
	}
	ctx = EVP_PKEY_CTX_new(key, NULL);
	if (!ctx || (sign ? EVP_PKEY_sign_init(ctx) : EVP_PKEY_verify_init(ctx)) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) != 1) {
		EVP_PKEY_CTX_free(ctx);
		ik_fail(st, 0, "SIG: OpenSSL could not set up RSA PKCS#1 v1.5");
		return NULL;
	}
	return ctx;
}

size_t ik_sig_size(EVP_PKEY *key)
{
	if (ik_key_is_dsa(key))
		return IK_DSS_SIG_LEN;
	return key && EVP_PKEY_get_size(key) > 0 ? (size_t)EVP_PKEY_get_size(key) : 0;
}

bool ik_sig_sign(EVP_PKEY *key, const uint8_t *hash, size_t hlen, uint8_t *sig, size_t cap,
                 size_t *siglen, struct ik_status *st)
{
	if (ik_key_is_dsa(key)) { /* DSS: r||s (RFC 2409 5.1) */
		*siglen = IK_DSS_SIG_LEN;
		return cap >= IK_DSS_SIG_LEN ? ik_dss_sign(key, hash, hlen, sig, st)
		                             : ik_fail(st, 0, "SIG of 40 octets does not fit");
	}
	EVP_PKEY_CTX *ctx = raw_ctx(key, true, st);
	size_t n = cap;
	bool ok;

	if (!ctx)
		return false;
	if ((size_t)EVP_PKEY_get_size(key) > cap) {
		EVP_PKEY_CTX_free(ctx);
		return ik_fail(st, 0, "SIG of %d octets does not fit in %zu",
		               EVP_PKEY_get_size(key), cap);
	}
	ERR_set_mark();
	ok = EVP_PKEY_sign(ctx, sig, &n, hash, hlen) == 1;
	ERR_pop_to_mark();
	EVP_PKEY_CTX_free(ctx);
	if (!ok)
		return ik_fail(st, 0, "SIG: RSA signing of a %zu-octet hash failed", hlen);
	*siglen = n;
	return true;
}

/* Why a signature did not verify: recover what it signed, if anything (RFC 8017 8.2.2). */
static bool explain_bad(EVP_PKEY *pub, size_t hlen, const uint8_t *sig, size_t siglen,
                        struct ik_status *st)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pub, NULL);
	uint8_t got[1024];
	size_t n = sizeof(got);
	bool recovered;

	ERR_set_mark();
	recovered = ctx && EVP_PKEY_verify_recover_init(ctx) == 1 &&
	            EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
	            EVP_PKEY_verify_recover(ctx, got, &n, sig, siglen) == 1;
	ERR_pop_to_mark();
	EVP_PKEY_CTX_free(ctx);
	if (!recovered)
		return ik_fail(st, IK_NOTIFY_INVALID_SIGNATURE,
		               "SIG is no PKCS#1 v1.5 type 1 block under the certificate's key: "
		               "made with another key, or corrupted (RFC 2409 5.1)");
	return ik_fail(st, IK_NOTIFY_INVALID_SIGNATURE,
	               "SIG signs %zu octets that are not the %zu-octet HASH%s (RFC 2409 5.1)", n,
	               hlen, n > hlen ? " (a DigestInfo? IKEv1 signs the bare hash)" : "");
}

bool ik_sig_verify(EVP_PKEY *pub, const uint8_t *hash, size_t hlen, const uint8_t *sig,
                   size_t siglen, struct ik_status *st)
{
	if (ik_key_is_dsa(pub))
		return ik_dss_verify(pub, hash, hlen, sig, siglen, st);
	EVP_PKEY_CTX *ctx = raw_ctx(pub, false, st);
	size_t want;
	bool ok;

	if (!ctx)
		return false;
	want = (size_t)EVP_PKEY_get_size(pub);
	if (siglen != want) {
		EVP_PKEY_CTX_free(ctx);
		return ik_fail(st, IK_NOTIFY_INVALID_SIGNATURE,
		               "SIG is %zu octets, the key's modulus %zu: %s (RFC 8017 8.2.2)",
		               siglen, want, siglen < want ? "truncated" : "too long");
	}
	ERR_set_mark();
	ok = EVP_PKEY_verify(ctx, sig, siglen, hash, hlen) == 1;
	ERR_pop_to_mark();
	EVP_PKEY_CTX_free(ctx);
	return ok || explain_bad(pub, hlen, sig, siglen, st);
}
