/*
 * Loading credentials and trust, and checking a peer's certificate chain (cert.h). The CERT and
 * CR payload bodies, identities and signatures are in cert_sig.c and cert_id.c.
 */
#include "cert.h"
#include "consts.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

/* Open a PEM file for reading, or say why not ("what" names it: "certificate", "CA", ...). */
static BIO *open_pem(const char *file, const char *what, struct ik_status *st)
{
	FILE *f = fopen(file, "rb");

	if (!f) {
		ik_fail(st, 0, "%s file '%.100s': %s", what, file, strerror(errno));
		return NULL;
	}
	BIO *b = BIO_new_fp(f, BIO_CLOSE);
	if (!b) {
		fclose(f);
		ik_fail(st, 0, "%s file '%.100s': out of memory", what, file);
	}
	return b;
}

STACK_OF(X509) * ik_pem_certs(const char *file, const char *what, struct ik_status *st)
{
	BIO *b = open_pem(file, what, st);
	STACK_OF(X509) *sk = b ? sk_X509_new_null() : NULL;
	X509 *x;

	if (!sk) {
		BIO_free(b);
		return NULL;
	}
	ERR_set_mark();
	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)))
		if (!sk_X509_push(sk, x)) {
			X509_free(x);
			break;
		}
	ERR_pop_to_mark(); /* the end of the file reads as "no start line" */
	BIO_free(b);
	if (sk_X509_num(sk) == 0) {
		sk_X509_free(sk);
		ik_fail(st, 0, "%s file '%.100s' holds no PEM certificate (BEGIN CERTIFICATE)",
		        what, file);
		return NULL;
	}
	return sk;
}

static EVP_PKEY *pem_key(const char *file, struct ik_status *st)
{
	BIO *b = open_pem(file, "key", st);
	EVP_PKEY *k;

	if (!b)
		return NULL;
	ERR_set_mark();
	k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	ERR_pop_to_mark();
	BIO_free(b);
	if (!k)
		ik_fail(st, 0, "key file '%.100s' holds no PEM private key (or it is encrypted)",
		        file);
	else if (!EVP_PKEY_is_a(k, "RSA") && !EVP_PKEY_is_a(k, "DSA")) {
		ik_fail(st, 0,
		        "key file '%.100s' holds a %s key; RFC 2409 5.1 here signs with RSA or DSS",
		        file, EVP_PKEY_get0_type_name(k));
		EVP_PKEY_free(k);
		k = NULL;
	}
	return k;
}

/* Move every certificate of src onto dst (src is freed). */
static bool take_all(STACK_OF(X509) * dst, STACK_OF(X509) * src)
{
	X509 *x;
	bool ok = true;

	while ((x = sk_X509_shift(src)))
		if (!sk_X509_push(dst, x)) {
			X509_free(x);
			ok = false;
		}
	sk_X509_free(src);
	return ok;
}

bool ik_creds_load(struct ik_creds *c, const char *cert_file, const char *chain_file,
                   const char *key_file, struct ik_status *st)
{
	STACK_OF(X509) *certs = ik_pem_certs(cert_file, "certificate", st), *more = NULL;

	memset(c, 0, sizeof(*c));
	if (!certs)
		return false;
	c->cert = sk_X509_shift(certs);
	c->chain = certs; /* what followed our certificate in its file */
	if (chain_file && *chain_file) {
		if (!(more = ik_pem_certs(chain_file, "chain", st)))
			goto bad;
		if (!take_all(c->chain, more)) {
			ik_fail(st, 0, "chain file '%.100s': out of memory", chain_file);
			goto bad;
		}
	}
	if (!key_file || !*key_file)
		return true; /* the certificate alone */
	if (!(c->key = pem_key(key_file, st)))
		goto bad;
	/* The key must be the certificate's: a peer checks SIG with the certificate's key. */
	if (EVP_PKEY_eq(X509_get0_pubkey(c->cert), c->key) != 1) {
		ik_fail(st, 0, "key file '%.100s' does not match certificate '%.100s'", key_file,
		        cert_file);
		goto bad;
	}
	return true;
bad:
	ik_creds_free(c);
	return false;
}

void ik_creds_free(struct ik_creds *c)
{
	X509_free(c->cert);
	sk_X509_pop_free(c->chain, X509_free);
	EVP_PKEY_free(c->key);
	memset(c, 0, sizeof(*c));
}

static bool load_crl(struct ik_trust *t, const char *file, struct ik_status *st)
{
	BIO *b = open_pem(file, "CRL", st);
	X509_CRL *crl;

	if (!b)
		return false;
	ERR_set_mark();
	crl = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL);
	ERR_pop_to_mark();
	BIO_free(b);
	if (!crl)
		return ik_fail(st, 0, "CRL file '%.100s' holds no PEM CRL (BEGIN X509 CRL)", file);
	bool ok = X509_STORE_add_crl(t->store, crl) == 1;
	X509_CRL_free(crl);
	if (!ok)
		return ik_fail(st, 0, "CRL file '%.100s' could not be added", file);
	/* RFC 5280 6.3: the end entity's revocation state; its issuer's CRL is the one given. */
	X509_STORE_set_flags(t->store, X509_V_FLAG_CRL_CHECK);
	t->crl = true;
	return true;
}

bool ik_trust_load(struct ik_trust *t, const char *ca_file, const char *crl_file,
                   struct ik_status *st)
{
	memset(t, 0, sizeof(*t));
	if (!(t->cas = ik_pem_certs(ca_file, "CA", st)))
		return false;
	if (!(t->store = X509_STORE_new())) {
		ik_trust_free(t);
		return ik_fail(st, 0, "CA file '%.100s': out of memory", ca_file);
	}
	for (int i = 0; i < sk_X509_num(t->cas); i++)
		if (X509_STORE_add_cert(t->store, sk_X509_value(t->cas, i)) != 1) {
			ik_trust_free(t);
			return ik_fail(st, 0, "CA file '%.100s': certificate %d not added", ca_file,
			               i + 1);
		}
	if (crl_file && *crl_file && !load_crl(t, crl_file, st)) {
		ik_trust_free(t);
		return false;
	}
	return true;
}

bool ik_trust_add_intermediates(struct ik_trust *t, const char *file, struct ik_status *st)
{
	STACK_OF(X509) *more = ik_pem_certs(file, "intermediate", st);
	if (!more)
		return false;
	if (!t->inter) {
		t->inter = more;
		return true;
	}
	while (sk_X509_num(more))
		if (!sk_X509_push(t->inter, sk_X509_shift(more))) {
			sk_X509_pop_free(more, X509_free);
			return ik_fail(st, 0, "intermediates '%.100s': out of memory", file);
		}
	sk_X509_free(more);
	return true;
}

void ik_trust_free(struct ik_trust *t)
{
	X509_STORE_free(t->store);
	sk_X509_pop_free(t->cas, X509_free);
	sk_X509_pop_free(t->inter, X509_free);
	X509_free(t->peer);
	memset(t, 0, sizeof(*t));
}

/* A name or a time as one line of text, for messages. */
static void name_text(const X509_NAME *n, char *out, size_t len)
{
	X509_NAME_oneline(n, out, (int)len);
}

static void time_text(const ASN1_TIME *tm, char *out, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());
	int n = b && ASN1_TIME_print(b, tm) == 1 ? BIO_read(b, out, (int)len - 1) : 0;

	out[n > 0 ? n : 0] = '\0';
	BIO_free(b);
}

/* The sentence for an X509_verify_cert failure, naming the certificate and the rule. */
static bool chain_fail(X509_STORE_CTX *ctx, struct ik_status *st)
{
	int err = X509_STORE_CTX_get_error(ctx), depth = X509_STORE_CTX_get_error_depth(ctx);
	X509 *x = X509_STORE_CTX_get_current_cert(ctx);
	char who[96] = "?", when[40] = "";

	if (x)
		name_text(X509_get_subject_name(x), who, sizeof(who));
	switch (err) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		time_text(X509_get0_notAfter(x), when, sizeof(when));
		return ik_fail(st, IK_NOTIFY_INVALID_CERTIFICATE,
		               "certificate %s (depth %d) expired: notAfter %s (RFC 5280 4.1.2.5)",
		               who, depth, when);
	case X509_V_ERR_CERT_NOT_YET_VALID:
		time_text(X509_get0_notBefore(x), when, sizeof(when));
		return ik_fail(st, IK_NOTIFY_INVALID_CERTIFICATE,
		               "certificate %s (depth %d) not yet valid: notBefore %s "
		               "(RFC 5280 4.1.2.5)",
		               who, depth, when);
	case X509_V_ERR_CERT_REVOKED:
		return ik_fail(st, IK_NOTIFY_INVALID_CERTIFICATE,
		               "certificate %s (depth %d) is revoked by its issuer's CRL "
		               "(RFC 5280 6.3.3)",
		               who, depth);
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
		return ik_fail(st, IK_NOTIFY_INVALID_CERTIFICATE,
		               "certificate %s (depth %d) does not chain to a trusted CA: %s "
		               "(RFC 5280 6.1)",
		               who, depth, X509_verify_cert_error_string(err));
	}
	return ik_fail(st, IK_NOTIFY_INVALID_CERTIFICATE,
	               "certificate %s (depth %d): %s (RFC 5280 6.1)", who, depth,
	               X509_verify_cert_error_string(err));
}

/* RFC 5280 4.2.1.3: when keyUsage is present it must allow signing; RFC 4945 5.1.3.2 takes
 * digitalSignature or nonRepudiation (either one) for IKE. */
static bool key_usage_ok(X509 *x, struct ik_status *st)
{
	char who[96];

	if (!(X509_get_extension_flags(x) & EXFLAG_KUSAGE) ||
	    (X509_get_key_usage(x) & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)))
		return true;
	name_text(X509_get_subject_name(x), who, sizeof(who));
	return ik_fail(st, IK_NOTIFY_INVALID_CERTIFICATE,
	               "certificate %s: keyUsage lacks digitalSignature (and nonRepudiation), so "
	               "it may not sign SIG_I/SIG_R (RFC 5280 4.2.1.3, RFC 4945 5.1.3.2)",
	               who);
}

/* Which lax bit forgives an X509_verify_cert error (0: none does). */
static unsigned lax_bit(int err)
{
	switch (err) {
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_CERT_UNTRUSTED:
	case X509_V_ERR_UNABLE_TO_GET_CRL: /* an unknown issuer has no CRL of ours */
		return IK_CERT_LAX_CA;
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_CERT_NOT_YET_VALID: return IK_CERT_LAX_TIME;
	case X509_V_ERR_CERT_REVOKED: return IK_CERT_LAX_CRL;
	}
	return 0;
}

/* X509_verify_cert callback: go on past the errors the lax mask (the app data) forgives. */
static int lax_cb(int ok, X509_STORE_CTX *ctx)
{
	const unsigned *lax = X509_STORE_CTX_get_app_data(ctx);

	if (!ok && lax && (*lax & lax_bit(X509_STORE_CTX_get_error(ctx))))
		return 1;
	return ok;
}

bool ik_cert_verify(const struct ik_trust *t, X509 *peer, STACK_OF(X509) * untrusted, time_t at,
                    struct ik_status *st)
{
	return ik_cert_verify_lax(t, peer, untrusted, at, 0, st);
}

bool ik_cert_verify_lax(const struct ik_trust *t, X509 *peer, STACK_OF(X509) * untrusted, time_t at,
                        unsigned lax, struct ik_status *st)
{
	X509_STORE_CTX *ctx;
	bool ok;

	if (!t->store || !peer)
		return ik_fail(st, IK_NOTIFY_INVALID_CERTIFICATE,
		               "no %s to check the certificate with", t->store ? "peer" : "CA");
	/* what the peer sent first, then the intermediates we knew beforehand */
	STACK_OF(X509) *all = untrusted ? sk_X509_dup(untrusted) : sk_X509_new_null();
	for (int i = 0; all && t->inter && i < sk_X509_num(t->inter); i++)
		if (!sk_X509_push(all, sk_X509_value(t->inter, i)))
			break;
	ctx = all ? X509_STORE_CTX_new() : NULL;
	if (!ctx || X509_STORE_CTX_init(ctx, t->store, peer, all) != 1) {
		X509_STORE_CTX_free(ctx);
		sk_X509_free(all);
		return ik_fail(st, 0, "ik_cert_verify: out of memory");
	}
	if (at)
		X509_STORE_CTX_set_time(ctx, 0, at);
	if (lax) {
		X509_STORE_CTX_set_app_data(ctx, &lax);
		X509_STORE_CTX_set_verify_cb(ctx, lax_cb);
	}
	ERR_set_mark();
	ok = X509_verify_cert(ctx) == 1;
	ERR_pop_to_mark();
	if (!ok)
		chain_fail(ctx, st);
	X509_STORE_CTX_free(ctx);
	sk_X509_free(all); /* the stack only: its certificates belong to the caller and to t */
	return ok && ((lax & IK_CERT_LAX_KU) || key_usage_ok(peer, st));
}
