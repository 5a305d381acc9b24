/*
 * Main mode with public key encryption (RFC 2409 5.2, method 4) and its revised mode (5.3,
 * method 5), engine against engine in one process, with the test PKI of harness/pki.sh: each
 * side holds its own key and the other's certificate beforehand ("the initiator must already
 * have the responder's public key", 5.2). Up in both directions, then the refusals: a nonce
 * encrypted with another key, malformed ciphertexts (refused alike, no crash).
 */
#include "cunit.h"
#include "ike_pair.h"
#include "pki.h"

#include "cert.h"
#include "pke.h"

#include <stdio.h>
#include <string.h>

/* One side's credentials and the peer certificate it knows, kept for the cfg. */
struct side {
	struct ik_creds creds;
	struct ik_trust trust;
};

static ik_quirks_t dut_quirks; /* the responder's quirks (engine/mutation/quirk.def) */
static bool hash1;             /* the initiator sends HASH(1) (RFC 2409 5.2) */

/* Our key and certificate (name.pem / name.key), the peer's certificate (peer.pem). */
static void side_load(struct side *s, const char *name, const char *peer)
{
	char cert[32], key[32], pc[32];
	struct ik_status st = {0};

	CU_ASSERT_NOT_EQUAL_FATAL(ik_pki()[0], '\0');
	snprintf(cert, sizeof(cert), "%s.pem", name);
	snprintf(key, sizeof(key), "%s.key", name);
	snprintf(pc, sizeof(pc), "%s.pem", peer);
	memset(s, 0, sizeof(*s));
	STACK_OF(X509) *x = NULL;
	bool ok = ik_creds_load(&s->creds, ik_pki_file(cert), NULL, ik_pki_file(key), &st) &&
	          ik_trust_load(&s->trust, ik_pki_file("root-ca.pem"), NULL, &st) &&
	          (x = ik_pem_certs(ik_pki_file(pc), "peer cert", &st));
	if (x)
		s->trust.peer = sk_X509_shift(x);
	sk_X509_pop_free(x, X509_free);
	if (!ok)
		fprintf(stderr, "\n  %s: %s\n", name, st.why);
	CU_ASSERT_TRUE_FATAL(ok);
}

static void side_free(struct side *s)
{
	ik_creds_free(&s->creds);
	ik_trust_free(&s->trust);
}

static void id_fqdn(struct ik_id *id, const char *name)
{
	memset(id, 0, sizeof(*id));
	id->type = IK_ID_TYPE_FQDN;
	id->len = strlen(name);
	memcpy(id->data, name, id->len);
}

/* pair_cfg with method auth, our FQDN identity, the peer's expected. */
static void enc_cfg(struct ik_cfg *c, bool initiator, uint16_t auth, struct side *s, const char *me,
                    const char *peer)
{
	pair_cfg(c, initiator);
	c->p1[0].auth = auth;
	c->psk_len = 0;
	c->creds = &s->creds;
	c->trust = &s->trust;
	id_fqdn(&c->id_local, me);
	id_fqdn(&c->id_remote, peer);
}

enum { TESTER_STARTS = 0, DUT_STARTS = 1, AGGRESSIVE = 2 };

/* Phase 1 + quick mode between the tester (its certificate tester.pem) and the DUT; the tester
 * believes the DUT's certificate is dut_cert. */
static void run(struct ik_pair *p, uint16_t auth, const char *dut_cert, int how,
                const char *mutation)
{
	static struct side a, b;
	static struct ik_mutation mut;
	struct ik_cfg ci, cr;
	struct ik_status st;
	const char *t = "tester.ikecheck.test", *d = "dut.ikecheck.test";

	side_load(&a, "tester", dut_cert);
	side_load(&b, "dut", "tester");
	enc_cfg(&ci, true, auth, &a, t, d);
	enc_cfg(&cr, false, auth, &b, d, t);
	if (how & DUT_STARTS) {
		enc_cfg(&ci, true, auth, &b, d, t);
		enc_cfg(&cr, false, auth, &a, t, d);
	}
	cr.quirks = dut_quirks;
	ci.aggressive = how & AGGRESSIVE;
	ci.pke_hash1 = hash1;
	CU_ASSERT_TRUE_FATAL(pair_open(p, &ci, &cr, &st));
	if (mutation) {
		CU_ASSERT_TRUE_FATAL(ik_mutation_parse(mutation, &mut, &st));
		p->ini.mut = &mut;
		p->ini.nmut = 1;
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(ik_initiate(&p->ini));
	pair_run(p, 1, 4000);
	if (getenv("IK_SHOW") || (p->failed && !mutation && !strcmp(dut_cert, "dut")))
		fprintf(stderr, "\n  %s\n", p->why.why);
	side_free(&a);
	side_free(&b);
}

static void up(uint16_t auth, int how)
{
	struct ik_pair p;

	run(&p, auth, "dut", how, NULL);
	CU_ASSERT_EQUAL(p.p1_up, 2);
	CU_ASSERT_EQUAL(p.p2_up, 2);
	CU_ASSERT_EQUAL(p.failed, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p.ini.sas);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p.res.sas);
	CU_ASSERT_EQUAL(p.ini.sas->msg, how & AGGRESSIVE ? 3 : 6);
	CU_ASSERT_EQUAL(p.ini.sas->xchg, how & AGGRESSIVE ? IK_X_AGGR : IK_X_MAIN);
	CU_ASSERT_EQUAL(p.ini.sas->chosen.auth, auth);
	/* each side decrypted the other's identity (RFC 2409 5.2 / 5.3) */
	CU_ASSERT_EQUAL(p.res_hs.id_peer.type, IK_ID_TYPE_FQDN);
	CU_ASSERT_EQUAL(p.ini_hs.id_peer.type, IK_ID_TYPE_FQDN);
	CU_ASSERT_EQUAL(p.ini_hs.id_peer.len,
	                strlen(how & DUT_STARTS ? "tester.ikecheck.test" : "dut.ikecheck.test"));
	pair_close(&p);
}

static void test_enc_tester_starts(void)
{
	up(IK_P1_AUTH_RSA_ENC, TESTER_STARTS);
}

static void test_enc_dut_starts(void)
{
	up(IK_P1_AUTH_RSA_ENC, DUT_STARTS);
}

/* The responder (the DUT) refused MM3 with notify and a reason containing why. */
static void refused_mm3(struct ik_pair *p, uint16_t notify, const char *why)
{
	struct ik_sa *r = p->res.sas;

	CU_ASSERT_EQUAL(p->p1_up, 0);
	CU_ASSERT(p->failed >= 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	if (r->st.notify != notify || !strstr(r->st.why, why))
		fprintf(stderr, "\n  want %u '%s', got %u '%s'\n", notify, why, r->st.notify,
		        r->st.why);
	CU_ASSERT_EQUAL(r->st.notify, notify);
	CU_ASSERT_PTR_NOT_NULL(strstr(r->st.why, why));
	CU_ASSERT_EQUAL(r->msg, 2); /* MM3 refused: MM2 was the last one done */
	pair_close(p);
}

/* The tester encrypts for a key that is not the DUT's (another certificate of the PKI): the
 * DUT cannot decrypt the nonce and says so. */
static void wrong_key(uint16_t auth)
{
	struct ik_pair p;

	run(&p, auth, "wrongca", TESTER_STARTS, NULL);
	refused_mm3(&p, IK_NOTIFY_PAYLOAD_MALFORMED, "does not decrypt with our key");
}

static void test_enc_wrong_key(void)
{
	wrong_key(IK_P1_AUTH_RSA_ENC);
}

/* Malformed ciphertexts in the NONCE of MM3 -- a flipped octet (bad padding), cut short, one octet more -- are each refused with the same notify and reason:
 * nothing tells a prober which failed how (issue 11 item 6). */
static const char *const bad_nonces[] = {
	"MM3 NONCE.data flip:64",
	"MM3 NONCE.data flip:128",
	"MM3 NONCE.data truncate:255",
	"MM3 NONCE.data append:00",
};

static void malformed(uint16_t auth, ik_quirks_t quirks, uint16_t want_padding)
{
	dut_quirks = quirks;
	for (size_t i = 0; i < sizeof(bad_nonces) / sizeof(bad_nonces[0]); i++) {
		struct ik_pair p;
		run(&p, auth, "dut", TESTER_STARTS, bad_nonces[i]);
		CU_ASSERT_EQUAL(p.ini.mut[0].applied, 1);
		bool padding = i < 2; /* a flip past the first octet stays below the modulus */
		refused_mm3(&p, padding ? want_padding : IK_NOTIFY_PAYLOAD_MALFORMED,
		            padding && want_padding != IK_NOTIFY_PAYLOAD_MALFORMED ? "PKCS"
		                                                                   : IK_PKE_FAILED);
	}
	dut_quirks = (ik_quirks_t){0};
}

static void test_enc_malformed(void)
{
	malformed(IK_P1_AUTH_RSA_ENC, (ik_quirks_t){0}, IK_NOTIFY_PAYLOAD_MALFORMED);
}

/* Quirk pke-padding-oracle: the same bad padding answered with its own notify. */
static void test_enc_padding_oracle_quirk(void)
{
	malformed(IK_P1_AUTH_RSA_ENC, IK_QUIRK(PKE_PADDING_ORACLE),
	          IK_NOTIFY_INVALID_KEY_INFORMATION);
}

/* A flipped octet of the encrypted ID: refused at MM3, never a crash. */
static void test_enc_bad_id(void)
{
	struct ik_pair p;

	run(&p, IK_P1_AUTH_RSA_ENC, "dut", TESTER_STARTS, "MM3 ID.data flip:100");
	refused_mm3(&p, IK_NOTIFY_PAYLOAD_MALFORMED, IK_PKE_FAILED);
}

/* The revised mode (RFC 2409 5.3): the nonce under RSA first, the KE and ID under Ke_i / Ke_r. */
static void test_rev_tester_starts(void)
{
	up(IK_P1_AUTH_RSA_REV_ENC, TESTER_STARTS);
}

static void test_rev_dut_starts(void)
{
	up(IK_P1_AUTH_RSA_REV_ENC, DUT_STARTS);
}

static void test_rev_wrong_key(void)
{
	wrong_key(IK_P1_AUTH_RSA_REV_ENC);
}

static void test_rev_malformed(void)
{
	malformed(IK_P1_AUTH_RSA_REV_ENC, (ik_quirks_t){0}, IK_NOTIFY_PAYLOAD_MALFORMED);
	malformed(IK_P1_AUTH_RSA_REV_ENC, IK_QUIRK(PKE_PADDING_ORACLE),
	          IK_NOTIFY_INVALID_KEY_INFORMATION);
}

/* 5.3: the KE and ID under Ke_i broken (a flipped octet, a length off the block): refused at
 * MM3, never a crash; the nonce moved after the KE breaks "the first payload ... MUST be the
 * encrypted nonce". */
static void test_rev_broken_payloads(void)
{
	static const char *const muts[] = {"MM3 ID.data flip:3", "MM3 KE.data truncate:100",
	                                   "MM3 KE.data flip:271", "MM3 NONCE reorder:2"};
	for (size_t i = 0; i < sizeof(muts) / sizeof(muts[0]); i++) {
		struct ik_pair p;
		run(&p, IK_P1_AUTH_RSA_REV_ENC, "dut", TESTER_STARTS, muts[i]);
		CU_ASSERT_EQUAL(p.ini.mut[0].applied, 1);
		CU_ASSERT_EQUAL(p.p1_up, 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(p.res.sas);
		CU_ASSERT_EQUAL(p.res.sas->msg, 2);
		CU_ASSERT_NOT_EQUAL(p.res.sas->st.notify, 0);
		if (getenv("IK_SHOW"))
			fprintf(stderr, "\n  %s: %s\n", muts[i], p.res.sas->st.why);
		pair_close(&p);
	}
}

/* Aggressive mode (RFC 2409 5.2 / 5.3): AM1 and AM2 carry the encrypted nonces and IDs, AM2 and
 * AM3 the HASHes; both methods, both ways. */
static void test_aggressive(void)
{
	for (int how = AGGRESSIVE; how <= (AGGRESSIVE | DUT_STARTS); how++) {
		up(IK_P1_AUTH_RSA_ENC, how);
		up(IK_P1_AUTH_RSA_REV_ENC, how);
	}
}

/* Aggressive mode: AM1 with a nonce for another key, or with bad padding, is refused at AM1
 * alike; the revised mode's KE under Ke_i broken too. */
static void test_aggressive_refused(void)
{
	struct ik_pair p;

	run(&p, IK_P1_AUTH_RSA_ENC, "wrongca", AGGRESSIVE, NULL);
	CU_ASSERT_EQUAL(p.p1_up, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p.res.sas);
	CU_ASSERT_EQUAL(p.res.sas->st.notify, IK_NOTIFY_PAYLOAD_MALFORMED);
	CU_ASSERT_PTR_NOT_NULL(strstr(p.res.sas->st.why, IK_PKE_FAILED));
	pair_close(&p);
	run(&p, IK_P1_AUTH_RSA_REV_ENC, "dut", AGGRESSIVE, "AM1 NONCE.data flip:128");
	CU_ASSERT_EQUAL(p.p1_up, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p.res.sas);
	CU_ASSERT_PTR_NOT_NULL(strstr(p.res.sas->st.why, IK_PKE_FAILED));
	pair_close(&p);
	run(&p, IK_P1_AUTH_RSA_REV_ENC, "dut", AGGRESSIVE, "AM1 KE.data truncate:100");
	CU_ASSERT_EQUAL(p.p1_up, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p.res.sas);
	CU_ASSERT_EQUAL(p.res.sas->st.notify, IK_NOTIFY_PAYLOAD_MALFORMED);
	pair_close(&p);
}

/* HASH(1), the hash of the certificate the initiator encrypts to (RFC 2409 5.2; 5.3: before
 * the nonce): taken when it names the responder's, refused when it does not. */
static void test_hash1(void)
{
	struct ik_pair p;

	hash1 = true;
	up(IK_P1_AUTH_RSA_ENC, TESTER_STARTS);
	up(IK_P1_AUTH_RSA_REV_ENC, TESTER_STARTS);
	up(IK_P1_AUTH_RSA_REV_ENC, AGGRESSIVE);
	run(&p, IK_P1_AUTH_RSA_ENC, "dut", TESTER_STARTS, "MM3 HASH.data flip:0");
	refused_mm3(&p, IK_NOTIFY_INVALID_HASH_INFORMATION, "HASH(1) names a certificate");
	run(&p, IK_P1_AUTH_RSA_REV_ENC, "dut", TESTER_STARTS, "MM3 HASH.data flip:3");
	refused_mm3(&p, IK_NOTIFY_INVALID_HASH_INFORMATION, "HASH(1) names a certificate");
	hash1 = false;
}

/* Without the peer's certificate the initiator stops at MM2 rather than guess. */
static void test_enc_no_peer_cert(void)
{
	static struct side a, b;
	struct ik_cfg ci, cr;
	struct ik_pair p;
	struct ik_status st;

	side_load(&a, "tester", "dut");
	side_load(&b, "dut", "tester");
	X509_free(a.trust.peer);
	a.trust.peer = NULL;
	enc_cfg(&ci, true, IK_P1_AUTH_RSA_ENC, &a, "tester.ikecheck.test", "dut.ikecheck.test");
	enc_cfg(&cr, false, IK_P1_AUTH_RSA_ENC, &b, "dut.ikecheck.test", "tester.ikecheck.test");
	CU_ASSERT_TRUE_FATAL(pair_open(&p, &ci, &cr, &st));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ik_initiate(&p.ini));
	pair_run(&p, 1, 2000);
	CU_ASSERT_EQUAL(p.p1_up, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p.ini.sas);
	CU_ASSERT_PTR_NOT_NULL(strstr(p.ini.sas->st.why, "RSA-ENC"));
	pair_close(&p);
	side_free(&a);
	side_free(&b);
}

static const struct ik_test tests[] = {
	{"main + quick mode, RSA encryption, tester initiates (RFC 2409 5.2)",
         test_enc_tester_starts},
	{"main + quick mode, RSA encryption, DUT initiates (RFC 2409 5.2)", test_enc_dut_starts},
	{"nonce encrypted for another key refused at MM3 (RFC 2409 5.2)", test_enc_wrong_key},
	{"malformed nonce ciphertexts all refused alike", test_enc_malformed},
	{"quirk pke-padding-oracle answers bad padding apart", test_enc_padding_oracle_quirk},
	{"a broken encrypted ID refused at MM3", test_enc_bad_id},
	{"no certificate of the peer: the initiator stops at MM2", test_enc_no_peer_cert},
	{"main + quick mode, revised mode, tester initiates (RFC 2409 5.3)",
         test_rev_tester_starts},
	{"main + quick mode, revised mode, DUT initiates (RFC 2409 5.3)", test_rev_dut_starts},
	{"revised mode: nonce for another key refused at MM3", test_rev_wrong_key},
	{"revised mode: malformed nonce ciphertexts refused alike (and apart under the quirk)",
         test_rev_malformed},
	{"revised mode: broken KE / ID under Ke_i, nonce not first: refused",
         test_rev_broken_payloads},
	{"aggressive mode, both methods, both ways (RFC 2409 5.2, 5.3)", test_aggressive},
	{"HASH(1) of our certificate taken, of another refused (RFC 2409 5.2)", test_hash1},
	{"aggressive mode: another key, bad padding, a broken KE refused at AM1",
         test_aggressive_refused},
};

IK_TEST_MAIN("ike_enc", tests)
