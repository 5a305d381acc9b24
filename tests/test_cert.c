/*
 * Certificates and RSA signatures (engine/crypto/cert.h) against the test PKI of harness/pki.sh,
 * made once into a temporary directory: loading, chain checks (RFC 5280), identities (RFC 4945
 * 3.1), CERT/CR bodies (RFC 2408 3.9, 3.10) and SIG (RFC 2409 5.1), whose known answer is
 * `openssl pkeyutl -sign -pkeyopt rsa_padding_mode:pkcs1` over the same bytes.
 */
#include "cunit.h"
#include "pki.h"

#include "cert.h"
#include "consts.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>

/* The path of a PKI file; the PKI is made on first use. */
static const char *f(const char *name)
{
	CU_ASSERT_NOT_EQUAL_FATAL(ik_pki()[0], '\0');
	return ik_pki_file(name);
}

static bool has(const struct ik_status *st, const char *s)
{
	bool ok = strstr(st->why, s) != NULL;
	if (!ok)
		fprintf(stderr, "\n  want '%s' in '%s'\n", s, st->why);
	return ok;
}

static void load(struct ik_creds *c, const char *cert, const char *chain, const char *key)
{
	struct ik_status st = {0};
	bool ok = ik_creds_load(c, f(cert), chain ? f(chain) : NULL, f(key), &st);
	if (!ok)
		fprintf(stderr, "\n  %s\n", st.why);
	CU_ASSERT_TRUE_FATAL(ok);
}

static void test_load_good(void)
{
	struct ik_creds c;
	struct ik_trust t;
	struct ik_status st = {0};

	load(&c, "tester.pem", NULL, "tester.key");
	CU_ASSERT_EQUAL(sk_X509_num(c.chain), 0);
	ik_creds_free(&c);
	load(&c, "dut-chain.pem", NULL, "dut.key"); /* the chain follows in the same file */
	CU_ASSERT_EQUAL(sk_X509_num(c.chain), 1);
	ik_creds_free(&c);
	CU_ASSERT_TRUE(ik_creds_load(&c, f("dut-chain.pem"), NULL, NULL, &st)); /* no key */
	CU_ASSERT_PTR_NULL(c.key);
	CU_ASSERT_EQUAL(sk_X509_num(c.chain), 1);
	ik_creds_free(&c);
	load(&c, "tester.pem", "inter-ca.pem", "tester.key");
	CU_ASSERT_EQUAL(sk_X509_num(c.chain), 1);
	ik_creds_free(&c);
	CU_ASSERT_TRUE(ik_trust_load(&t, f("root-ca.pem"), f("inter-ca.crl"), &st));
	CU_ASSERT_TRUE(t.crl);
	CU_ASSERT_EQUAL(sk_X509_num(t.cas), 1);
	ik_trust_free(&t);
}

/* Bad files: each refused with a sentence naming the file and the problem. */
static void test_load_bad(void)
{
	static const struct {
		const char *cert, *chain, *key, *want;
	} rows[] = {
		{"nosuch.pem", NULL, "tester.key", "nosuch.pem': No such file"},
		{"MANIFEST", NULL, "tester.key", "holds no PEM certificate"},
		{"tester.key", NULL, "tester.key", "holds no PEM certificate"},
		{"tester.pem", "MANIFEST", "tester.key", "chain file"},
		{"tester.pem", NULL, "nosuch.key", "key file"},
		{"tester.pem", NULL, "tester.pem", "holds no PEM private key"},
		{"tester.pem", NULL, "dut.key", "does not match certificate"},
	};
	struct ik_creds c;
	struct ik_trust t;
	struct ik_status st;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&st, 0, sizeof(st));
		CU_ASSERT_FALSE(ik_creds_load(&c, f(rows[i].cert),
		                              rows[i].chain ? f(rows[i].chain) : NULL,
		                              f(rows[i].key), &st));
		CU_ASSERT_TRUE(has(&st, rows[i].want));
		CU_ASSERT_PTR_NULL(c.cert);
	}
	CU_ASSERT_FALSE(ik_trust_load(&t, f("MANIFEST"), NULL, &st));
	CU_ASSERT_TRUE(has(&st, "CA file"));
	CU_ASSERT_FALSE(ik_trust_load(&t, f("root-ca.pem"), f("root-ca.pem"), &st));
	CU_ASSERT_TRUE(has(&st, "holds no PEM CRL"));
	CU_ASSERT_FALSE(ik_trust_load(&t, f("root-ca.pem"), f("nosuch.crl"), &st));
	CU_ASSERT_TRUE(has(&st, "CRL file"));
}

/* One row per certificate of the PKI: with or without the CRL, the verdict and its reason. */
static void test_verify(void)
{
	static const struct {
		const char *cert;
		bool crl, ok;
		const char *want;
	} rows[] = {
		{"tester.pem", true, true, ""},
		{"dut.pem", false, true, ""},
		{"noid.pem", true, true, ""}, /* its defect is the identity, not the chain */
		{"wrongca.pem", false, false, "does not chain to a trusted CA"},
		{"expired.pem", false, false, "expired: notAfter"},
		{"notyet.pem", false, false, "not yet valid: notBefore"},
		{"revoked.pem", true, false, "is revoked by its issuer's CRL (RFC 5280 6.3.3)"},
		{"revoked.pem", false, true, ""}, /* no CRL given: nothing says so */
		{"badku.pem", false, false, "keyUsage lacks digitalSignature"},
	};
	struct ik_trust plain, crl;
	struct ik_status st;
	STACK_OF(X509) *inter = ik_pem_certs(f("inter-ca.pem"), "chain", &st);

	CU_ASSERT_TRUE_FATAL(ik_trust_load(&plain, f("root-ca.pem"), NULL, &st));
	CU_ASSERT_TRUE_FATAL(ik_trust_load(&crl, f("root-ca.pem"), f("inter-ca.crl"), &st));
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		STACK_OF(X509) *c = ik_pem_certs(f(rows[i].cert), "peer", &st);
		memset(&st, 0, sizeof(st));
		bool ok = ik_cert_verify(rows[i].crl ? &crl : &plain, sk_X509_value(c, 0), inter, 0,
		                         &st);
		CU_ASSERT_EQUAL(ok, rows[i].ok);
		if (!rows[i].ok) {
			CU_ASSERT_TRUE(has(&st, rows[i].want));
			CU_ASSERT_EQUAL(st.notify, IK_NOTIFY_INVALID_CERTIFICATE);
		}
		sk_X509_pop_free(c, X509_free);
	}
	/* Without the intermediate there is no chain; twenty years on, the tester has expired. */
	STACK_OF(X509) *t = ik_pem_certs(f("tester.pem"), "peer", &st);
	CU_ASSERT_FALSE(ik_cert_verify(&plain, sk_X509_value(t, 0), NULL, 0, &st));
	CU_ASSERT_TRUE(has(&st, "does not chain to a trusted CA"));
	CU_ASSERT_FALSE(ik_cert_verify(&plain, sk_X509_value(t, 0), inter,
	                               time(NULL) + 20L * 366 * 86400, &st));
	CU_ASSERT_TRUE(has(&st, "expired"));
	sk_X509_pop_free(t, X509_free);
	sk_X509_pop_free(inter, X509_free);
	ik_trust_free(&plain);
	ik_trust_free(&crl);
}

/* ik_cert_verify_lax (the serve quirks cert-any-ca, cert-no-validity, cert-no-crl, cert-no-ku):
 * each bad certificate passes with its own check left out, and only with that one. */
static void test_verify_lax(void)
{
	static const struct {
		const char *cert;
		unsigned lax;
	} rows[] = {
		{"wrongca.pem", IK_CERT_LAX_CA},  {"expired.pem", IK_CERT_LAX_TIME},
		{"notyet.pem", IK_CERT_LAX_TIME}, {"revoked.pem", IK_CERT_LAX_CRL},
		{"badku.pem", IK_CERT_LAX_KU},
	};
	const unsigned all = IK_CERT_LAX_CA | IK_CERT_LAX_TIME | IK_CERT_LAX_CRL | IK_CERT_LAX_KU;
	struct ik_trust t;
	struct ik_status st;
	STACK_OF(X509) *inter = ik_pem_certs(f("inter-ca.pem"), "chain", &st);

	CU_ASSERT_TRUE_FATAL(ik_trust_load(&t, f("root-ca.pem"), f("inter-ca.crl"), &st));
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		STACK_OF(X509) *c = ik_pem_certs(f(rows[i].cert), "peer", &st);
		X509 *x = sk_X509_value(c, 0);
		bool own = ik_cert_verify_lax(&t, x, inter, 0, rows[i].lax, &st);
		bool others = ik_cert_verify_lax(&t, x, inter, 0, all & ~rows[i].lax, &st);
		CU_ASSERT_TRUE(own);
		CU_ASSERT_FALSE(others);
		if (!own || others)
			fprintf(stderr, "\n  %s: own %d, the others %d\n", rows[i].cert, own,
			        others);
		sk_X509_pop_free(c, X509_free);
	}
	sk_X509_pop_free(inter, X509_free);
	ik_trust_free(&t);
}

static X509 *cert(const char *name)
{
	struct ik_status st;
	STACK_OF(X509) *sk = ik_pem_certs(f(name), "test", &st);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sk);
	X509 *x = sk_X509_shift(sk);
	sk_X509_pop_free(sk, X509_free);
	return x;
}

/* RFC 4945 3.1: each ID type against its subjectAltName kind or the subject DN. */
static void test_identity(void)
{
	static const struct {
		const char *cert;
		uint8_t type;
		const char *value; /* text, or "ip:" 4 octets */
		bool ok;
	} rows[] = {
		{"tester.pem", IK_ID_TYPE_IPV4_ADDR, "ip:\xc0\x00\x02\x01", true},
		{"tester.pem", IK_ID_TYPE_IPV4_ADDR, "ip:\xc0\x00\x02\x02", false},
		{"dut.pem", IK_ID_TYPE_IPV4_ADDR, "ip:\xc0\x00\x02\x02", true},
		{"noid.pem", IK_ID_TYPE_IPV4_ADDR, "ip:\xc0\x00\x02\x01", false},
		{"tester.pem", IK_ID_TYPE_FQDN, "tester.ikecheck.test", true},
		{"tester.pem", IK_ID_TYPE_FQDN, "TESTER.ikecheck.TEST", true},
		{"tester.pem", IK_ID_TYPE_FQDN, "dut.ikecheck.test", false},
		{"tester.pem", IK_ID_TYPE_FQDN, "tester.ikecheck.tes", false},
		{"noid.pem", IK_ID_TYPE_FQDN, "tester.ikecheck.test", false},
		{"tester.pem", IK_ID_TYPE_USER_FQDN, "tester@ikecheck.test", true},
		{"tester.pem", IK_ID_TYPE_USER_FQDN, "tester@IKECHECK.test", true},
		{"tester.pem", IK_ID_TYPE_USER_FQDN, "Tester@ikecheck.test", false},
		{"dut.pem", IK_ID_TYPE_USER_FQDN, "tester@ikecheck.test", false},
		{"tester.pem", IK_ID_TYPE_KEY_ID, "tester", false},
	};
	struct ik_status st;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		X509 *x = cert(rows[i].cert);
		const char *v = rows[i].value;
		bool ip = !strncmp(v, "ip:", 3);
		memset(&st, 0, sizeof(st));
		CU_ASSERT_EQUAL(ik_cert_id_match(x, rows[i].type, (const uint8_t *)v + (ip ? 3 : 0),
		                                 ip ? 4 : strlen(v), &st),
		                rows[i].ok);
		if (!rows[i].ok)
			CU_ASSERT_EQUAL(st.notify, IK_NOTIFY_INVALID_ID_INFORMATION);
		X509_free(x);
	}
}

/* Our own ID data from our certificate, and the DN type, which is only DER. */
static void test_identity_data(void)
{
	X509 *t = cert("tester.pem"), *d = cert("dut.pem");
	uint8_t buf[512], *der = NULL;
	size_t len = 0;
	struct ik_status st;

	CU_ASSERT_TRUE(ik_cert_id_data(t, IK_ID_TYPE_IPV4_ADDR, buf, sizeof(buf), &len, &st));
	CU_ASSERT_TRUE(len == 4 && !memcmp(buf, "\xc0\x00\x02\x01", 4));
	CU_ASSERT_TRUE(ik_cert_id_data(t, IK_ID_TYPE_FQDN, buf, sizeof(buf), &len, &st));
	CU_ASSERT_TRUE(len == 20 && !memcmp(buf, "tester.ikecheck.test", 20));
	CU_ASSERT_TRUE(ik_cert_id_data(t, IK_ID_TYPE_USER_FQDN, buf, sizeof(buf), &len, &st));
	CU_ASSERT_TRUE(len == 20 && !memcmp(buf, "tester@ikecheck.test", 20));
	CU_ASSERT_FALSE(ik_cert_id_data(d, IK_ID_TYPE_USER_FQDN, buf, sizeof(buf), &len, &st));
	CU_ASSERT_TRUE(has(&st, "no subjectAltName rfc822Name"));
	CU_ASSERT_FALSE(ik_cert_id_data(t, IK_ID_TYPE_FQDN, buf, 5, &len, &st));
	CU_ASSERT_TRUE(ik_cert_id_data(t, IK_ID_TYPE_DER_ASN1_DN, buf, sizeof(buf), &len, &st));
	int n = i2d_X509_NAME(X509_get_subject_name(t), &der);
	CU_ASSERT_TRUE(n > 0 && (size_t)n == len && !memcmp(buf, der, len));
	OPENSSL_free(der);
	CU_ASSERT_TRUE(ik_cert_id_match(t, IK_ID_TYPE_DER_ASN1_DN, buf, len, &st));
	CU_ASSERT_FALSE(ik_cert_id_match(d, IK_ID_TYPE_DER_ASN1_DN, buf, len, &st));
	CU_ASSERT_TRUE(has(&st, "not the certificate's subject DN"));
	CU_ASSERT_FALSE(ik_cert_id_match(t, IK_ID_TYPE_DER_ASN1_DN, buf, len - 1, &st));
	X509_free(t);
	X509_free(d);
}

/* RFC 2408 3.9: encoding 4 and the DER, both ways; what a receiver refuses. */
static void test_cert_payload(void)
{
	X509 *t = cert("tester.pem"), *back;
	uint8_t body[4096];
	size_t len = 0;
	struct ik_status st;

	CU_ASSERT_TRUE_FATAL(ik_cert_payload(t, body, sizeof(body), &len, &st));
	CU_ASSERT_EQUAL(body[0], 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(back = ik_cert_from_payload(body, len, &st));
	CU_ASSERT_EQUAL(X509_cmp(t, back), 0);
	X509_free(back);
	CU_ASSERT_FALSE(ik_cert_payload(t, body, 100, &len, &st));
	CU_ASSERT_PTR_NULL(ik_cert_from_payload(body, len - 1, &st)); /* truncated */
	CU_ASSERT_EQUAL(st.notify, IK_NOTIFY_INVALID_CERT_ENCODING);
	body[len] = 0;
	CU_ASSERT_PTR_NULL(ik_cert_from_payload(body, len + 1, &st)); /* a byte too many */
	CU_ASSERT_TRUE(has(&st, "1 octets after the DER"));
	body[0] = 1; /* PKCS #7 */
	CU_ASSERT_PTR_NULL(ik_cert_from_payload(body, len, &st));
	CU_ASSERT_EQUAL(st.notify, IK_NOTIFY_CERT_TYPE_UNSUPPORTED);
	CU_ASSERT_TRUE(has(&st, "PKCS7"));
	CU_ASSERT_PTR_NULL(ik_cert_from_payload(body, 0, &st));
	X509_free(t);
}

/* RFC 2408 3.10: a CR names a CA; the credential whose chain leads to it answers. */
static void test_cr(void)
{
	struct ik_creds c[2];
	X509 *inter = cert("inter-ca.pem"), *root = cert("root-ca.pem"),
	     *rogue = cert("rogue-ca.pem");
	uint8_t body[1024];
	size_t len = 0;
	struct ik_status st;

	load(&c[0], "wrongca.pem", NULL, "wrongca.key");
	load(&c[1], "tester.pem", NULL, "tester.key");
	CU_ASSERT_TRUE(ik_cr_payload(inter, body, sizeof(body), &len, &st));
	CU_ASSERT_EQUAL(body[0], 4);
	CU_ASSERT_PTR_EQUAL(ik_creds_for_cr(c, 2, body, len, &st), &c[1]);
	CU_ASSERT_TRUE(ik_cr_payload(rogue, body, sizeof(body), &len, &st));
	CU_ASSERT_PTR_EQUAL(ik_creds_for_cr(c, 2, body, len, &st), &c[0]);
	/* The root issued only the intermediate: the tester answers once it carries its chain. */
	CU_ASSERT_TRUE(ik_cr_payload(root, body, sizeof(body), &len, &st));
	CU_ASSERT_PTR_NULL(ik_creds_for_cr(c, 2, body, len, &st));
	CU_ASSERT_EQUAL(st.notify, IK_NOTIFY_CERTIFICATE_UNAVAILABLE);
	CU_ASSERT_TRUE(has(&st, "ikecheck root CA"));
	ik_creds_free(&c[1]);
	load(&c[1], "tester-chain.pem", NULL, "tester.key");
	CU_ASSERT_PTR_EQUAL(ik_creds_for_cr(c, 2, body, len, &st), &c[1]);
	CU_ASSERT_TRUE(ik_cr_payload(NULL, body, sizeof(body), &len, &st)); /* any CA */
	CU_ASSERT_EQUAL(len, 1);
	CU_ASSERT_PTR_EQUAL(ik_creds_for_cr(c, 2, body, len, &st), &c[0]);
	static const uint8_t junk[] = {4, 0x30, 0x03, 0x01}, pgp[] = {2};
	CU_ASSERT_PTR_NULL(ik_creds_for_cr(c, 2, junk, sizeof(junk), &st));
	CU_ASSERT_TRUE(has(&st, "not one DER distinguished name"));
	CU_ASSERT_EQUAL(st.notify, IK_NOTIFY_INVALID_CERT_AUTHORITY);
	CU_ASSERT_PTR_NULL(ik_creds_for_cr(c, 2, pgp, sizeof(pgp), &st));
	CU_ASSERT_EQUAL(st.notify, IK_NOTIFY_CERT_TYPE_UNSUPPORTED);
	/* How a sender builds a CR (RFC 2408 5.10): a type of 3.9, an X.509 authority in DER. */
	static const uint8_t type0[] = {0}, type11[] = {11, 1}, text[] = {4, '/', 'O', '='};
	CU_ASSERT_TRUE(ik_cr_well_formed(body, 1, &st) && ik_cr_well_formed(pgp, 1, &st));
	CU_ASSERT_TRUE(ik_cr_payload(root, body, sizeof(body), &len, &st));
	CU_ASSERT_TRUE(ik_cr_well_formed(body, len, &st));
	CU_ASSERT_FALSE(ik_cr_well_formed(body, len - 1, &st)); /* a DER name cut short */
	CU_ASSERT_FALSE(ik_cr_well_formed(junk, sizeof(junk), &st));
	CU_ASSERT_FALSE(ik_cr_well_formed(text, sizeof(text), &st));
	CU_ASSERT_EQUAL(st.notify, IK_NOTIFY_INVALID_CERT_AUTHORITY);
	CU_ASSERT_FALSE(ik_cr_well_formed(type0, 1, &st) || ik_cr_well_formed(type11, 2, &st));
	CU_ASSERT_FALSE(ik_cr_well_formed(body, 0, &st));
	ik_creds_free(&c[0]);
	ik_creds_free(&c[1]);
	X509_free(inter);
	X509_free(root);
	X509_free(rogue);
}

/* A fixed HASH_I stand-in: 20 octets, the size of a SHA-1 HASH. */
static const uint8_t hash20[20] = "HASH_I of SHA-1 size";

/* RFC 2409 5.1: sign, verify, and each way a verify fails with its reason. */
static void test_sig(void)
{
	struct ik_creds t, d;
	uint8_t sig[512], h32[32];
	size_t n = 0;
	struct ik_status st;

	load(&t, "tester.pem", NULL, "tester.key");
	load(&d, "dut.pem", NULL, "dut.key");
	EVP_PKEY *pub = X509_get0_pubkey(t.cert);
	CU_ASSERT_TRUE_FATAL(ik_sig_sign(t.key, hash20, 20, sig, sizeof(sig), &n, &st));
	CU_ASSERT_EQUAL(n, 256);
	CU_ASSERT_TRUE(ik_sig_verify(pub, hash20, 20, sig, n, &st));
	memset(h32, 0x5a, sizeof(h32)); /* a SHA-256 sized hash too */
	CU_ASSERT_TRUE_FATAL(ik_sig_sign(t.key, h32, 32, sig, sizeof(sig), &n, &st));
	CU_ASSERT_TRUE(ik_sig_verify(pub, h32, 32, sig, n, &st));
	CU_ASSERT_FALSE(ik_sig_verify(pub, hash20, 20, sig, n, &st)); /* another hash */
	CU_ASSERT_TRUE(has(&st, "signs 32 octets that are not the 20-octet HASH"));
	CU_ASSERT_FALSE(ik_sig_verify(pub, h32, 32, sig, n - 1, &st));
	CU_ASSERT_TRUE(has(&st, "truncated"));
	CU_ASSERT_EQUAL(st.notify, IK_NOTIFY_INVALID_SIGNATURE);
	CU_ASSERT_FALSE(ik_sig_verify(X509_get0_pubkey(d.cert), h32, 32, sig, n, &st));
	CU_ASSERT_TRUE(has(&st, "made with another key, or corrupted"));
	sig[100] ^= 0x01;
	CU_ASSERT_FALSE(ik_sig_verify(pub, h32, 32, sig, n, &st));
	CU_ASSERT_TRUE(has(&st, "made with another key, or corrupted"));
	CU_ASSERT_FALSE(ik_sig_sign(t.key, hash20, 20, sig, 100, &n, &st)); /* no room */
	ik_creds_free(&t);
	ik_creds_free(&d);
}

/* A signature with a DigestInfo (RFC 8017 9.2) is not what IKEv1 peers make: said so. */
static void test_sig_digestinfo(void)
{
	struct ik_creds t;
	uint8_t sig[512];
	size_t n = sizeof(sig);
	struct ik_status st;

	load(&t, "tester.pem", NULL, "tester.key");
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(t.key, NULL);
	CU_ASSERT_EQUAL_FATAL(EVP_PKEY_sign_init(ctx), 1);
	CU_ASSERT_EQUAL(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING), 1);
	CU_ASSERT_EQUAL(EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha1()), 1);
	CU_ASSERT_EQUAL_FATAL(EVP_PKEY_sign(ctx, sig, &n, hash20, 20), 1);
	EVP_PKEY_CTX_free(ctx);
	CU_ASSERT_FALSE(ik_sig_verify(X509_get0_pubkey(t.cert), hash20, 20, sig, n, &st));
	CU_ASSERT_TRUE(has(&st, "35 octets")); /* 15 octets of SHA-1 DigestInfo + 20 */
	CU_ASSERT_TRUE(has(&st, "DigestInfo"));
	ik_creds_free(&t);
}

/* Neither RSA nor DSA: refused with a reason, not a crash. */
static void test_sig_not_rsa(void)
{
	EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	uint8_t sig[512];
	size_t n;
	struct ik_status st;

	CU_ASSERT_PTR_NOT_NULL_FATAL(ec);
	CU_ASSERT_FALSE(ik_sig_sign(ec, hash20, 20, sig, sizeof(sig), &n, &st));
	CU_ASSERT_TRUE(has(&st, "needs an RSA or DSA key"));
	CU_ASSERT_FALSE(ik_sig_verify(ec, hash20, 20, sig, 64, &st));
	CU_ASSERT_FALSE(ik_sig_verify(NULL, hash20, 20, sig, 64, &st));
	EVP_PKEY_free(ec);
}

/*
 * Known answer: PKCS#1 v1.5 type 1 signing is deterministic, so our SIG over a fixed hash with
 * the tester's key must equal what the openssl command line makes of the same raw bytes
 * (pkeyutl with no digest signs the input as is).
 */
static void test_sig_openssl_cli(void)
{
	struct ik_creds t;
	uint8_t ours[512], theirs[512];
	size_t n = 0, m;
	char in[160], out[160], cmd[600];
	struct ik_status st;

	load(&t, "tester.pem", NULL, "tester.key");
	snprintf(in, sizeof(in), "%s/hash.bin", ik_pki());
	snprintf(out, sizeof(out), "%s/sig.bin", ik_pki());
	FILE *h = fopen(in, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_EQUAL(fwrite(hash20, 1, 20, h), 20);
	fclose(h);
	snprintf(cmd, sizeof(cmd),
	         "openssl pkeyutl -sign -inkey '%s' -pkeyopt rsa_padding_mode:pkcs1 -in '%s' "
	         "-out '%s' && cat '%s'",
	         f("tester.key"), in, out, out);
	FILE *p = popen(cmd, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	m = fread(theirs, 1, sizeof(theirs), p);
	CU_ASSERT_EQUAL(pclose(p), 0);
	CU_ASSERT_TRUE_FATAL(ik_sig_sign(t.key, hash20, 20, ours, sizeof(ours), &n, &st));
	CU_ASSERT_EQUAL(m, n);
	CU_ASSERT_EQUAL(memcmp(ours, theirs, n), 0);
	ik_creds_free(&t);
}

static const struct ik_test tests[] = {
	{"load good credentials and trust", test_load_good},
	{"load bad files: missing, not PEM, key not the certificate's", test_load_bad},
	{"verify: chain, wrong CA, expired, not yet valid, revoked, key usage", test_verify},
	{"verify with checks left out (the certificate quirks)", test_verify_lax},
	{"identity: IPV4_ADDR, FQDN, USER_FQDN against subjectAltName", test_identity},
	{"identity: our ID data, DER_ASN1_DN against the subject", test_identity_data},
	{"CERT payload body round trip and refusals (RFC 2408 3.9)", test_cert_payload},
	{"CR payload body and which certificate answers (RFC 2408 3.10)", test_cr},
	{"SIG sign/verify; flipped, truncated, other key (RFC 2409 5.1)", test_sig},
	{"SIG with a DigestInfo is recognised", test_sig_digestinfo},
	{"SIG with a non-RSA key is refused", test_sig_not_rsa},
	{"SIG known answer: openssl pkeyutl pkcs1 over the raw hash", test_sig_openssl_cli},
};

IK_TEST_MAIN("cert", tests)
