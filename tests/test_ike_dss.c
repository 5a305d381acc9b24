/*
 * DSS signatures (RFC 2409 5.1, authentication method 2), with the DSA certificates of
 * harness/pki.sh: the r||s encoding of engine/crypto/cert_dss.c ("DSS signatures MUST be
 * encoded as r followed by s": 40 octets, no DER), a SIG of another length refused naming the
 * rule, and main and aggressive mode engine against engine with DSS-SIG in both directions.
 */
#include "cunit.h"
#include "ike_pair.h"
#include "pki.h"

#include "cert.h"

#include <stdio.h>
#include <string.h>

struct side {
	struct ik_creds creds;
	struct ik_trust trust;
};

static void side_load(struct side *s, const char *name)
{
	char cert[32], key[32];
	struct ik_status st = {0};

	CU_ASSERT_NOT_EQUAL_FATAL(ik_pki()[0], '\0');
	snprintf(cert, sizeof(cert), "%s.pem", name);
	snprintf(key, sizeof(key), "%s.key", name);
	bool ok = ik_creds_load(&s->creds, ik_pki_file(cert), ik_pki_file("inter-ca.pem"),
	                        ik_pki_file(key), &st) &&
	          ik_trust_load(&s->trust, ik_pki_file("root-ca.pem"), NULL, &st);
	if (!ok)
		fprintf(stderr, "\n  %s: %s\n", name, st.why);
	CU_ASSERT_TRUE_FATAL(ok);
}

static void side_free(struct side *s)
{
	ik_creds_free(&s->creds);
	ik_trust_free(&s->trust);
}

/* r||s: 40 octets that verify; the DER form, a truncated one and a flipped one do not. */
static void test_encoding(void)
{
	struct side d;
	struct ik_status st = {0};
	uint8_t hash[20], sig[64], der[64];
	size_t n = 0;

	for (size_t i = 0; i < sizeof(hash); i++)
		hash[i] = (uint8_t)(i * 7 + 1);
	side_load(&d, "dut-dss");
	EVP_PKEY *pub = X509_get0_pubkey(d.creds.cert);
	CU_ASSERT_TRUE(ik_key_is_dsa(d.creds.key));
	CU_ASSERT_EQUAL(ik_sig_size(d.creds.key), IK_DSS_SIG_LEN);
	CU_ASSERT_TRUE(ik_sig_sign(d.creds.key, hash, sizeof(hash), sig, sizeof(sig), &n, &st));
	CU_ASSERT_EQUAL(n, 40);
	CU_ASSERT_TRUE(ik_sig_verify(pub, hash, sizeof(hash), sig, n, &st));
	CU_ASSERT_FALSE(ik_sig_verify(pub, hash, sizeof(hash), sig, 39, &st));
	CU_ASSERT_EQUAL(st.notify, IK_NOTIFY_INVALID_SIGNATURE);
	CU_ASSERT_PTR_NOT_NULL(strstr(st.why, "not r||s of 40: RFC 2409 5.1"));
	sig[30] ^= 1;
	CU_ASSERT_FALSE(ik_sig_verify(pub, hash, sizeof(hash), sig, n, &st));
	CU_ASSERT_PTR_NOT_NULL(strstr(st.why, "no DSA signature"));
	/* the DER of the quirk dss-der-sig: a SEQUENCE, refused as such */
	size_t len = ik_dss_der_len(d.creds.key, &st);
	CU_ASSERT_TRUE(len > 40 && len <= sizeof(der));
	CU_ASSERT_TRUE(ik_dss_sign_der(d.creds.key, hash, sizeof(hash), der, len, &st));
	CU_ASSERT_EQUAL(der[0], 0x30);
	CU_ASSERT_FALSE(ik_sig_verify(pub, hash, sizeof(hash), der, len, &st));
	CU_ASSERT_PTR_NOT_NULL(strstr(st.why, "octets (DER?), not r||s"));
	side_free(&d);
}

/* Phase 1 and quick mode with DSS-SIG; ini and res name the certificates; hash the prf. */
static void run(struct ik_pair *p, const char *ini, const char *res, bool aggressive, uint16_t hash)
{
	static struct side a, b;
	struct ik_cfg ci, cr;
	struct ik_status st;

	side_load(&a, ini);
	side_load(&b, res);
	pair_cfg(&ci, true);
	pair_cfg(&cr, false);
	struct ik_cfg *c[2] = {&ci, &cr};
	struct side *s[2] = {&a, &b};
	for (int i = 0; i < 2; i++) {
		c[i]->p1[0].auth = IK_P1_AUTH_DSS;
		c[i]->p1[0].hash = hash;
		c[i]->psk_len = 0;
		c[i]->creds = &s[i]->creds;
		c[i]->trust = &s[i]->trust;
		/* the FQDN of the certificate's subjectAltName (RFC 4945 3.1); any peer identity */
		const char *fqdn = !strncmp(i ? res : ini, "dut", 3) ? "dut.ikecheck.test"
		                                                     : "tester.ikecheck.test";
		memset(&c[i]->id_local, 0, sizeof(c[i]->id_local));
		c[i]->id_local.type = IK_ID_TYPE_FQDN;
		c[i]->id_local.len = strlen(fqdn);
		memcpy(c[i]->id_local.data, fqdn, c[i]->id_local.len);
		memset(&c[i]->id_remote, 0, sizeof(c[i]->id_remote));
	}
	ci.aggressive = aggressive;
	CU_ASSERT_TRUE_FATAL(pair_open(p, &ci, &cr, &st));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ik_initiate(&p->ini));
	pair_run(p, 1, 4000);
	if (getenv("IK_SHOW"))
		fprintf(stderr, "\n  %s -> %s: %s\n", ini, res, p->why.why);
	side_free(&a);
	side_free(&b);
}

static void up(const char *ini, const char *res, bool aggressive, uint16_t hash)
{
	struct ik_pair p;

	run(&p, ini, res, aggressive, hash);
	if (p.failed)
		fprintf(stderr, "\n  %s -> %s: %s\n", ini, res, p.why.why);
	CU_ASSERT_EQUAL(p.p1_up, 2);
	CU_ASSERT_EQUAL(p.p2_up, 2);
	CU_ASSERT_EQUAL(p.failed, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p.ini.sas);
	CU_ASSERT_EQUAL(p.ini.sas->chosen.auth, IK_P1_AUTH_DSS);
	pair_close(&p);
}

static void test_main(void)
{
	up("tester-dss", "dut-dss", false, IK_P1_HASH_SHA);
	up("dut-dss", "tester-dss", false, IK_P1_HASH_SHA);
}

static void test_aggressive(void)
{
	up("tester-dss", "dut-dss", true, IK_P1_HASH_SHA);
	up("dut-dss", "tester-dss", true, IK_P1_HASH_SHA);
}

/* SHA2-256 negotiated: SIG still signs HASH_R by HMAC-SHA-1 (RFC 2409 5.1, IMP-IKE-5.1-01). */
static void test_sha256_prf(void)
{
	up("tester-dss", "dut-dss", false, IK_P1_HASH_SHA2_256);
}

/* An RSA certificate under DSS-SIG: no SIG made with the wrong algorithm (Appendix A). */
static void test_rsa_key_refused(void)
{
	struct ik_pair p;

	run(&p, "tester-dss", "dut", false, IK_P1_HASH_SHA);
	CU_ASSERT_EQUAL(p.p2_up, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(p.why.why, "but our key is RSA"));
	pair_close(&p);
}

static const struct ik_test tests[] = {
	{"DSS SIG is r||s of 40 octets; DER, short or flipped refused (RFC 2409 5.1)",
         test_encoding},
	{"main + quick mode with DSS signatures, both directions", test_main},
	{"aggressive + quick mode with DSS signatures, both directions", test_aggressive},
	{"DSS under a SHA2-256 prf signs an HMAC-SHA-1 HASH (RFC 2409 5.1)", test_sha256_prf},
	{"DSS-SIG with an RSA key: refused, naming the key", test_rsa_key_refused},
};

IK_TEST_MAIN("ike_dss", tests)
