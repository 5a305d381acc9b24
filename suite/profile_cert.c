/*
 * auth.method = rsa-sig, dss-sig (or rsa-enc, rsa-enc-rev) in a profile (docs/certificates.md):
 * every file it names is loaded with the engine's certificate layer (engine/crypto/cert.h), so a profile that loads has
 * credentials that fit together: each key is its certificate's, each certificate chains to
 * auth.ca (and is not revoked by auth.crl), and each endpoint's identity is in its certificate
 * (RFC 4945 3.1), taken from it by auth.id_type when the profile gives none.
 */
#include "cert.h"
#include "profile.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>

/* A copy of st->why, for a sentence that wraps it (ik_fail writes st->why while it formats). */
static const char *saved(const struct ik_status *st, char why[sizeof(st->why)])
{
	memcpy(why, st->why, sizeof(st->why));
	return why;
}

/* The auth.method value, for the sentences that name it. */
static const char *method(const struct ik_profile *p)
{
	return p->auth == IK_AUTH_DSS_SIG       ? "dss-sig"
	       : p->auth == IK_AUTH_RSA_ENC     ? "rsa-enc"
	       : p->auth == IK_AUTH_RSA_ENC_REV ? "rsa-enc-rev"
	                                        : "rsa-sig";
}

/* RFC 2409 Appendix A: DSS-SIG (2) signs with a DSA key, the others use RSA keys. */
static bool key_type_fits(const struct ik_profile *p, X509 *x, const char *key,
                          struct ik_status *st)
{
	EVP_PKEY *k = X509_get0_pubkey(x);
	const char *want = p->auth == IK_AUTH_DSS_SIG ? "DSA" : "RSA";

	if (k && EVP_PKEY_is_a(k, want))
		return true;
	return ik_fail(st, 0, "%s: holds a %s key; auth.method = %s needs %s (RFC 2409 5.1, %s)",
	               key, k ? EVP_PKEY_get0_type_name(k) : "no", method(p), want,
	               p->auth == IK_AUTH_DSS_SIG ? "DSS signatures" : "Appendix A");
}

/* The key a file belongs to, readable, or st says which key and path are wrong. */
static bool readable(const char *key, const char *path, struct ik_status *st)
{
	if (!access(path, R_OK))
		return true;
	return ik_fail(st, 0, "%s: cannot read '%.100s': %s", key, path, strerror(errno));
}

/* The subject DN as strongSwan writes it ("O=ikecheck test PKI, CN=dut"). */
static void dn_text(X509 *x, char *out, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());
	int n = 0;

	if (b && X509_NAME_print_ex(b, X509_get_subject_name(x), 0, XN_FLAG_SEP_CPLUS_SPC) >= 0)
		n = BIO_read(b, out, (int)len - 1);
	out[n > 0 ? n : 0] = '\0';
	BIO_free(b);
}

/* Two DN texts alike but for blanks and case (the engine compares DER: RFC 4945 3.1.5). */
static bool same_dn(const char *a, const char *b)
{
	for (;;) {
		while (*a == ' ')
			a++;
		while (*b == ' ')
			b++;
		if (!*a || !*b || tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return !*a && !*b;
		a++, b++;
	}
}

/* The identity the certificate gives for auth.id_type (the address stays the address). */
static bool id_from_cert(struct ik_ident *id, X509 *x, enum ik_id_type type, const char *side,
                         struct ik_status *st)
{
	char text[IK_PROFILE_TEXT] = "", val[IK_PROFILE_TEXT], why[sizeof(st->why)];
	size_t len = 0;
	const char *bad = NULL;

	if (type == IK_ID_DER_ASN1_DN)
		dn_text(x, text, sizeof(text));
	else if (type != IK_ID_IPV4_ADDR) {
		if (!ik_cert_id_data(x, (uint8_t)type, (uint8_t *)val, sizeof(val) - 1, &len, st))
			return ik_fail(st, 0, "%s.cert: %s (set %s.id or auth.id_type)", side,
			               saved(st, why), side);
		snprintf(text, sizeof(text), "%s%.*s", type == IK_ID_FQDN ? "@" : "", (int)len,
		         val);
	}
	if (*text && !ik_ident_parse(id, text, &bad))
		return ik_fail(st, 0, "%s.cert: its identity '%.64s' is not usable: %s", side, text,
		               bad);
	return true;
}

/* The endpoint's identity must be one its certificate vouches for (RFC 4945 3.1). */
static bool id_in_cert(const struct ik_ident *id, X509 *x, const char *side, struct ik_status *st)
{
	char dn[IK_PROFILE_TEXT], why[sizeof(st->why)];
	const uint8_t *data = (const uint8_t *)id->value;
	size_t len = strlen(id->value);

	if (id->type == IK_ID_DER_ASN1_DN) {
		dn_text(x, dn, sizeof(dn));
		return same_dn(dn, id->value) ||
		       ik_fail(st, 0, "%s.id: '%.64s' is not the subject of %s.cert ('%.64s')",
		               side, id->value, side, dn);
	}
	if (id->type == IK_ID_IPV4_ADDR || id->type == IK_ID_IPV6_ADDR || id->type == IK_ID_KEY_ID)
		data = id->bin, len = id->bin_len;
	if (ik_cert_id_match(x, (uint8_t)id->type, data, len, st))
		return true;
	return ik_fail(st, 0, "%s.id: %.64s is not in %s.cert: %s", side, id->text, side,
	               saved(st, why));
}

/* Load one endpoint's files; the key is needed for the tester (it signs), optional for the
 * DUT (a real DUT keeps its own). */
static bool endpoint(struct ik_profile *p, struct ik_endpoint *e, const char *side, bool need_key,
                     bool id_set, const struct ik_trust *t, struct ik_status *st)
{
	struct ik_creds c = {0};
	char k[3][32], why[sizeof(st->why)];

	snprintf(k[0], sizeof(k[0]), "%s.cert", side);
	snprintf(k[1], sizeof(k[1]), "%s.key", side);
	snprintf(k[2], sizeof(k[2]), "%s.chain", side);
	if (!*e->cert && (need_key || *e->key))
		return ik_fail(st, 0, "%s: required with auth.method = %s", k[0], method(p));
	if (!*e->cert)
		return true;
	if (!*e->key && need_key)
		return ik_fail(st, 0, "%s: required with auth.method = %s", k[1], method(p));
	if (!readable(k[0], e->cert, st) || (*e->key && !readable(k[1], e->key, st)) ||
	    (*e->chain && !readable(k[2], e->chain, st)))
		return false;
	if (!ik_creds_load(&c, e->cert, e->chain, e->key, st)) {
		int which = strstr(st->why, "key file") == st->why     ? 1
		            : strstr(st->why, "chain file") == st->why ? 2
		                                                       : 0;
		return ik_fail(st, 0, "%s: %s", k[which], saved(st, why));
	}
	bool ok =
		key_type_fits(p, c.cert, k[0], st) &&
		(ik_cert_verify(t, c.cert, c.chain, 0, st) ||
	         ik_fail(st, 0, "%s: does not verify against auth.ca: %s", k[0], saved(st, why))) &&
		(id_set || id_from_cert(&e->id, c.cert, p->pki.id_type, side, st)) &&
		id_in_cert(&e->id, c.cert, side, st);
	ik_creds_free(&c);
	return ok;
}

/* dut.peer_cert names the tester's certificate as the DUT holds it: the one tester.cert is, or
 * the DUT would check SIG_I with another key (CERT-POS-007). */
static bool peer_cert_same(const struct ik_profile *p, struct ik_status *st)
{
	char why[sizeof(st->why)];

	if (!*p->dut.peer_cert)
		return true;
	if (!readable("dut.peer_cert", p->dut.peer_cert, st))
		return false;
	STACK_OF(X509) *a = ik_pem_certs(p->dut.peer_cert, "dut.peer_cert", st);
	if (!a)
		return ik_fail(st, 0, "dut.peer_cert: %s", saved(st, why));
	STACK_OF(X509) *b = ik_pem_certs(p->tester.cert, "tester.cert", st);
	bool same = b && !X509_cmp(sk_X509_value(a, 0), sk_X509_value(b, 0));
	sk_X509_pop_free(a, X509_free);
	sk_X509_pop_free(b, X509_free);
	return same || ik_fail(st, 0,
	                       "dut.peer_cert: '%.80s' is not the certificate of tester.cert "
	                       "('%.80s'): the DUT would check SIG_I with another key",
	                       p->dut.peer_cert, p->tester.cert);
}

bool ik_profile_check_certs(struct ik_profile *p, bool dut_id_set, bool tester_id_set,
                            struct ik_status *st)
{
	struct ik_trust t;
	char why[sizeof(st->why)];
	bool ok;

	if (!*p->pki.ca)
		return ik_fail(st, 0, "auth.ca: required with auth.method = %s", method(p));
	if (!readable("auth.ca", p->pki.ca, st) ||
	    (*p->pki.crl && !readable("auth.crl", p->pki.crl, st)))
		return false;
	if (!ik_trust_load(&t, p->pki.ca, p->pki.crl, st))
		return ik_fail(st, 0, "auth.%s: %s",
		               strstr(st->why, "CRL") == st->why ? "crl" : "ca", saved(st, why));
	ok = endpoint(p, &p->tester, "tester", true, tester_id_set, &t, st) &&
	     endpoint(p, &p->dut, "dut", false, dut_id_set, &t, st);
	ok = ok && peer_cert_same(p, st);
	if (ok && *p->tester.bad_cert) {
		char cert[IK_PROFILE_TEXT], key[IK_PROFILE_TEXT];
		ok = ik_profile_bad_cert(p, cert, key, sizeof(cert), st);
	}
	ik_trust_free(&t);
	return ok;
}

/* A bad certificate's name: letters, digits, '-' and '_' (a file name, never a path). */
static bool plain_name(const char *s)
{
	for (const char *c = s; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_')
			return false;
	return *s != '\0';
}

bool ik_profile_bad_cert(const struct ik_profile *p, char *cert, char *key, size_t n,
                         struct ik_status *st)
{
	const struct ik_endpoint *e = &p->tester;
	char dir[IK_PROFILE_TEXT];

	if (!plain_name(e->bad_cert))
		return ik_fail(st, 0,
		               "tester.bad_cert: '%.64s' is not a certificate name (letters, "
		               "digits, - and _: expired, notyet, wrongca, noid, badku, revoked)",
		               e->bad_cert);
	snprintf(dir, sizeof(dir), "%s", e->bad_certs);
	if (!*dir) { /* the directory of tester.cert, where harness/pki.sh puts them all */
		const char *slash = strrchr(e->cert, '/');
		snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - e->cert) : 1,
		         slash ? e->cert : ".");
	}
	if (snprintf(cert, n, "%s/%s.pem", dir, e->bad_cert) >= (int)n ||
	    snprintf(key, n, "%s/%s.key", dir, e->bad_cert) >= (int)n)
		return ik_fail(st, 0, "tester.bad_cert: path too long");
	/* The name and the key first: a case's ERROR reason keeps about 150 characters. */
	if (access(cert, R_OK) || access(key, R_OK))
		return ik_fail(
			st, 0,
			"tester.bad_cert: no %s.%s in tester.bad_certs (harness/pki.sh makes it): "
			"%s: '%.100s'",
			e->bad_cert, access(cert, R_OK) ? "pem" : "key", strerror(errno), dir);
	return true;
}
