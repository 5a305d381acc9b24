/*
 * Main mode with RSA signatures (RFC 2409 5.1), engine against engine in one process, with the
 * test PKI of harness/pki.sh: up in both directions, then each refusal of the peer's CERT or SIG
 * with the notify it carries (RFC 2408 3.14.1).
 */
#include "cunit.h"
#include "ike_pair.h"
#include "pki.h"

#include "cert.h"
#include "frag.h"

#include <stdio.h>
#include <string.h>

/* One side's credentials and trust, kept for the cfg that points at them. */
struct side {
	struct ik_creds creds;
	struct ik_trust trust;
};

static const char *crl;        /* the CRL both sides load with their CA: NULL, or a PKI file */
static ik_quirks_t dut_quirks; /* the responder's quirks (engine/mutation/quirk.def) */
/* IKEv1 fragmentation (frag.h) on both sides, and the fragments each side sent */
static uint8_t frag_mode;
static uint16_t frag_size;
static int res_frag = -1;      /* the responder's mode when not frag_mode */
static bool am3_enc;           /* the initiator sends AM3 encrypted (cfg.am3_encrypted) */
static unsigned frags_sent[2]; /* [0] the initiator's, [1] the responder's */
static struct ik_pair *cur_pair;

static void count_frags(struct ik_engine *e, bool sent, const struct sockaddr_storage *peer,
                        uint16_t local_port, const uint8_t *p, size_t len)
{
	(void)peer, (void)local_port;
	if (sent && len > IK_HDR_LEN && p[16] == IK_PAYLOAD_FRAG)
		frags_sent[e == &cur_pair->ini ? 0 : 1]++;
}

static void side_load(struct side *s, const char *name, const char *ca)
{
	char cert[32], key[32];
	struct ik_status st = {0};

	CU_ASSERT_NOT_EQUAL_FATAL(ik_pki()[0], '\0');
	snprintf(cert, sizeof(cert), "%s.pem", name);
	snprintf(key, sizeof(key), "%s.key", name);
	bool ok = ik_creds_load(&s->creds, ik_pki_file(cert), ik_pki_file("inter-ca.pem"),
	                        ik_pki_file(key), &st) &&
	          ik_trust_load(&s->trust, ik_pki_file(ca), crl ? ik_pki_file(crl) : NULL, &st);
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

/* pair_cfg with RSA signatures, our identity FQDN name (NULL: ID_DER_ASN1_DN, the subject of
 * our certificate), any well-formed peer identity: the certificate is what vouches for it. */
static void sig_cfg(struct ik_cfg *c, bool initiator, struct side *s, const char *name)
{
	pair_cfg(c, initiator);
	c->p1[0].auth = IK_P1_AUTH_RSA_SIG;
	c->psk_len = 0;
	c->creds = &s->creds;
	c->trust = &s->trust;
	if (name)
		id_fqdn(&c->id_local, name);
	else {
		memset(&c->id_local, 0, sizeof(c->id_local));
		c->id_local.type = IK_ID_TYPE_DER_ASN1_DN;
	}
	memset(&c->id_remote, 0, sizeof(c->id_remote));
}

enum { TESTER_STARTS = 0, DUT_STARTS = 1, AGGRESSIVE = 2 };

/* Run phase 1 + quick mode between the tester (cert ini, identity ini_id) and the DUT; the
 * tester initiates main mode unless how says otherwise. */
static void run(struct ik_pair *p, const char *ini, const char *ini_id, int how,
                const char *mutation)
{
	static struct side a, b;
	struct ik_cfg ci, cr;
	struct ik_status st;
	static struct ik_mutation mut;

	side_load(&a, ini, "root-ca.pem");
	side_load(&b, "dut", "root-ca.pem");
	sig_cfg(&ci, true, &a, ini_id);
	sig_cfg(&cr, false, &b, "dut.ikecheck.test");
	if (how & DUT_STARTS) { /* the same two sides, roles swapped */
		sig_cfg(&ci, true, &b, "dut.ikecheck.test");
		sig_cfg(&cr, false, &a, ini_id);
	}
	ci.aggressive = how & AGGRESSIVE;
	ci.am3_encrypted = am3_enc;
	cr.quirks = dut_quirks;
	ci.frag = cr.frag = frag_mode;
	if (res_frag >= 0)
		cr.frag = (uint8_t)res_frag;
	ci.frag_size = cr.frag_size = frag_size;
	CU_ASSERT_TRUE_FATAL(pair_open(p, &ci, &cr, &st));
	frags_sent[0] = frags_sent[1] = 0;
	if (frag_mode) {
		p->ini.tap = p->res.tap = count_frags;
		cur_pair = p;
	}
	if (mutation) {
		CU_ASSERT_TRUE_FATAL(ik_mutation_parse(mutation, &mut, &st));
		p->ini.mut = &mut;
		p->ini.nmut = 1;
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(ik_initiate(&p->ini));
	pair_run(p, 1, 4000);
	if (getenv("IK_SHOW") || (p->failed && !mutation && !strcmp(ini, "tester")))
		fprintf(stderr, "\n  %s: %s\n", ini, p->why.why);
	side_free(&a);
	side_free(&b);
}

static void test_up_tester_starts(void)
{
	struct ik_pair p;

	run(&p, "tester", "tester.ikecheck.test", TESTER_STARTS, NULL);
	CU_ASSERT_EQUAL(p.p1_up, 2);
	CU_ASSERT_EQUAL(p.p2_up, 2);
	CU_ASSERT_EQUAL(p.failed, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p.ini.sas);
	CU_ASSERT_EQUAL(p.ini.sas->msg, 6);
	CU_ASSERT_EQUAL(p.ini.sas->chosen.auth, IK_P1_AUTH_RSA_SIG);
	pair_close(&p);
}

static void test_up_dut_starts(void)
{
	struct ik_pair p;

	run(&p, "tester", "tester.ikecheck.test", DUT_STARTS, NULL);
	CU_ASSERT_EQUAL(p.p1_up, 2);
	CU_ASSERT_EQUAL(p.p2_up, 2);
	CU_ASSERT_EQUAL(p.failed, 0);
	pair_close(&p);
}

/* RFC 4945 3.1: ID_DER_ASN1_DN identities, each the DER subject of its certificate. */
static void test_dn_ids(void)
{
	struct ik_pair p;

	run(&p, "tester", NULL, TESTER_STARTS, NULL);
	CU_ASSERT_EQUAL(p.p2_up, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p.res.sas);
	CU_ASSERT_EQUAL(p.res_hs.id_peer.type, IK_ID_TYPE_DER_ASN1_DN);
	CU_ASSERT_EQUAL(p.res_hs.id_peer.data[0], 0x30); /* a DER SEQUENCE */
	pair_close(&p);
}

/* RFC 2409 5.1 aggressive mode: SIG_R with AM2, SIG_I with AM3. */
static void test_aggressive(void)
{
	for (int how = AGGRESSIVE; how <= (AGGRESSIVE | DUT_STARTS); how++) {
		struct ik_pair p;
		run(&p, "tester", "tester.ikecheck.test", how, NULL);
		CU_ASSERT_EQUAL(p.p1_up, 2);
		CU_ASSERT_EQUAL(p.p2_up, 2);
		CU_ASSERT_PTR_NOT_NULL_FATAL(p.ini.sas);
		CU_ASSERT_EQUAL(p.ini.sas->xchg, IK_X_AGGR);
		pair_close(&p);
	}
	/* The DUT initiates and refuses the AM2 of a tester whose CERT it does not trust. */
	struct ik_pair p;
	run(&p, "wrongca", "tester.ikecheck.test", AGGRESSIVE | DUT_STARTS, NULL);
	CU_ASSERT_EQUAL(p.p1_up, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p.ini.sas);
	CU_ASSERT_EQUAL(p.ini.sas->st.notify, IK_NOTIFY_INVALID_CERTIFICATE);
	pair_close(&p);
}

/* RFC 2409 5 lets AM3 go encrypted (HDR*); App. B then makes its last CBC block the base of
 * the phase 2 IVs on both sides (a clear AM3 leaves the first IV there: cfg.am3_encrypted off).
 * Libreswan 4.10 and Wireshark read the clear case otherwise (docs/interop.md). */
static void test_aggressive_am3_encrypted(void)
{
	for (int enc = 0; enc <= 1; enc++) {
		for (int how = AGGRESSIVE; how <= (AGGRESSIVE | DUT_STARTS); how++) {
			struct ik_pair p;
			am3_enc = enc;
			run(&p, "tester", "tester.ikecheck.test", how, NULL);
			am3_enc = false;
			CU_ASSERT_EQUAL(p.p2_up, 2);
			CU_ASSERT_PTR_NOT_NULL_FATAL(p.ini.sas);
			CU_ASSERT_PTR_NOT_NULL_FATAL(p.res.sas);
			const struct ik_sa_keys *ki = &p.ini.sas->k, *kr = &p.res.sas->k;
			CU_ASSERT_EQUAL(memcmp(ki->p1_last, kr->p1_last, ki->blk), 0);
			/* encrypted: the chain moved past the first IV, hash(g^xi | g^xr) */
			CU_ASSERT_EQUAL(memcmp(ki->p1_last, ki->p1.iv, ki->blk) != 0, enc);
			pair_close(&p);
		}
	}
}

/* The responder (the DUT, checking the tester's MM5) refused with notify. */
static void refused(struct ik_pair *p, uint16_t notify, const char *why)
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
	CU_ASSERT_EQUAL(r->msg, 4); /* MM5 refused: MM4 was the last one done */
	pair_close(p);
}

static void test_wrong_ca(void)
{
	struct ik_pair p;

	run(&p, "wrongca", "tester.ikecheck.test", TESTER_STARTS, NULL);
	refused(&p, IK_NOTIFY_INVALID_CERTIFICATE, "");
}

static void test_expired(void)
{
	struct ik_pair p;

	run(&p, "expired", "tester.ikecheck.test", TESTER_STARTS, NULL);
	refused(&p, IK_NOTIFY_INVALID_CERTIFICATE, "expired");
}

/* RFC 5280 6.3: a certificate the CRL revokes, both sides loading the CRL with their CA. */
static void test_revoked(void)
{
	struct ik_pair p;

	crl = "inter-ca.crl";
	run(&p, "revoked", "tester.ikecheck.test", TESTER_STARTS, NULL);
	crl = NULL;
	refused(&p, IK_NOTIFY_INVALID_CERTIFICATE, "revoked");
}

/* RFC 4945 5.1.3.2: keyUsage without digitalSignature. */
static void test_bad_key_usage(void)
{
	struct ik_pair p;

	run(&p, "badku", "tester.ikecheck.test", TESTER_STARTS, NULL);
	refused(&p, IK_NOTIFY_INVALID_CERTIFICATE, "digitalSignature");
}

/* RFC 4945 3.1: the certificate must name the identity of the ID payload. */
static void test_identity_mismatch(void)
{
	struct ik_pair p;

	run(&p, "noid", "tester.ikecheck.test", TESTER_STARTS, NULL);
	refused(&p, IK_NOTIFY_INVALID_ID_INFORMATION, "");
}

/* A flipped octet in SIG_I, after it was signed: INVALID-SIGNATURE. */
static void test_flipped_sig(void)
{
	struct ik_pair p;

	run(&p, "tester", "tester.ikecheck.test", TESTER_STARTS, "MM5 SIG.data flip:0");
	refused(&p, IK_NOTIFY_INVALID_SIGNATURE, "");
}

/* Quirk answer-unparsed: an MM5 that does not decrypt is answered as if it had come signed;
 * the initiator still checks the responder's SIG_R in MM6. */
static void test_answer_unparsed(void)
{
	struct ik_pair p;

	dut_quirks = IK_QUIRK(ANSWER_UNPARSED);
	run(&p, "tester", "tester.ikecheck.test", TESTER_STARTS, "MM5 crypto.iv flip:0");
	dut_quirks = (ik_quirks_t){0};
	CU_ASSERT_EQUAL(p.p1_up, 2);
	pair_close(&p);
}

/* Quirk ignore-hash under signatures: SIG_I and the certificate are not checked, so a flipped
 * SIG_I is taken; MM5 carries no HASH and none is made up for it (engine/exchanges/ike_in.c
 * missing_as_empty applies the PSK rules only under pre-shared keys). */
static void test_ignore_hash(void)
{
	struct ik_pair p;

	dut_quirks = IK_QUIRK(IGNORE_HASH);
	run(&p, "tester", "tester.ikecheck.test", TESTER_STARTS, "MM5 SIG.data flip:100");
	dut_quirks = (ik_quirks_t){0};
	CU_ASSERT_EQUAL(p.p1_up, 2);
	pair_close(&p);
}

/* IKEv1 fragmentation forced with 576-octet datagrams: the certificate messages MM5 and MM6
 * go out in FRAG payloads after encryption, are put together, and main mode completes. */
static void test_fragmented(void)
{
	struct ik_pair p;

	frag_mode = IK_FRAG_FORCE, frag_size = 576;
	run(&p, "tester", "tester.ikecheck.test", TESTER_STARTS, NULL);
	frag_mode = 0, frag_size = 0;
	CU_ASSERT_EQUAL(p.p1_up, 2);
	CU_ASSERT_EQUAL(p.p2_up, 2);
	CU_ASSERT(frags_sent[0] >= 2);
	CU_ASSERT(frags_sent[1] >= 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p.ini.sas);
	CU_ASSERT_TRUE(p.ini.sas->peer_frag);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p.res.frags);
	CU_ASSERT_EQUAL(ik_frag_pending(p.res.frags), 0);
	pair_close(&p);
}

/* The same with a fragment of MM5 dropped on its first transmission: the responder never
 * completes that set, and the retransmission (every fragment again) does. */
static void test_fragment_lost(void)
{
	struct ik_pair p;

	frag_mode = IK_FRAG_YES, frag_size = 576;
	run(&p, "tester", "tester.ikecheck.test", TESTER_STARTS, "MM5#1 frag[2] drop");
	frag_mode = 0, frag_size = 0;
	CU_ASSERT_EQUAL(p.p1_up, 2);
	CU_ASSERT_EQUAL(p.ini.mut[0].applied, 1);
	pair_close(&p);
}

/* Fragments of MM5 out of order (the last first) are put together by number. */
static void test_fragments_reordered(void)
{
	struct ik_pair p;

	frag_mode = IK_FRAG_YES, frag_size = 576;
	run(&p, "tester", "tester.ikecheck.test", TESTER_STARTS, "MM5 frag[1] reorder:9");
	frag_mode = 0, frag_size = 0;
	CU_ASSERT_EQUAL(p.p1_up, 2);
	CU_ASSERT(p.ini.mut[0].applied >= 1);
	pair_close(&p);
}

/* Without the vendor ID from the peer, "yes" sends whole messages (IP fragments, if any); a
 * peer that only accepts fragments sends its own whole. */
static void test_vid_rules(void)
{
	struct ik_pair p;

	frag_mode = IK_FRAG_YES, frag_size = 576, res_frag = IK_FRAG_NO;
	run(&p, "tester", "tester.ikecheck.test", TESTER_STARTS, NULL);
	CU_ASSERT_EQUAL(p.p1_up, 2);
	CU_ASSERT_EQUAL(frags_sent[0] + frags_sent[1], 0);
	pair_close(&p);
	res_frag = IK_FRAG_ACCEPT;
	run(&p, "tester", "tester.ikecheck.test", TESTER_STARTS, NULL);
	frag_mode = 0, frag_size = 0, res_frag = -1;
	CU_ASSERT_EQUAL(p.p1_up, 2);
	CU_ASSERT(frags_sent[0] >= 2);
	CU_ASSERT_EQUAL(frags_sent[1], 0);
	pair_close(&p);
}

static const struct ik_test tests[] = {
	{"main + quick mode, RSA signatures, tester initiates (RFC 2409 5.1)",
         test_up_tester_starts},
	{"main + quick mode, RSA signatures, DUT initiates (RFC 2409 5.1)", test_up_dut_starts},
	{"certificate of an untrusted CA refused: INVALID-CERTIFICATE", test_wrong_ca},
	{"expired certificate refused: INVALID-CERTIFICATE (RFC 5280 4.1.2.5)", test_expired},
	{"certificate not naming the ID refused: INVALID-ID-INFORMATION (RFC 4945 3.1)",
         test_identity_mismatch},
	{"DN identities from the certificates (RFC 4945 3.1)", test_dn_ids},
	{"revoked certificate refused with the CRL: INVALID-CERTIFICATE (RFC 5280 6.3)",
         test_revoked},
	{"keyUsage without digitalSignature refused (RFC 4945 5.1.3.2)", test_bad_key_usage},
	{"aggressive mode, RSA signatures, both ways (RFC 2409 5.1)", test_aggressive},
	{"aggressive mode with AM3 encrypted or clear: one base for the phase 2 IVs (RFC 2409 5, "
         "App. B)",
         test_aggressive_am3_encrypted},
	{"quirk answer-unparsed answers an MM5 it cannot read under signatures",
         test_answer_unparsed},
	{"flipped SIG_I refused: INVALID-SIGNATURE (RFC 2409 5.1)", test_flipped_sig},
	{"quirk ignore-hash under signatures takes a flipped SIG_I", test_ignore_hash},
	{"fragmentation forced: MM5/MM6 in FRAG payloads, reassembled", test_fragmented},
	{"a lost fragment: the set waits, the retransmission completes it", test_fragment_lost},
	{"fragments out of order put together by number", test_fragments_reordered},
	{"vendor ID rules: none from the peer, or accept only: whole messages", test_vid_rules},
};

IK_TEST_MAIN("ike_sig", tests)
