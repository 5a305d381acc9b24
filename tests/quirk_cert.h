/*
 * The rows of tests/test_quirk.c for the certificate quirks (engine/mutation/quirk.def,
 * suite/cases/cert): both engines with RSA signatures (RFC 2409 5.1) over the PKI of
 * harness/pki.sh, the initiator (the tester) presenting one of its bad certificates or breaking
 * SIG, CR or CERT on the wire. Included by test_quirk.c only (static functions, as tests/pki.h).
 */
#ifndef IK_QUIRK_CERT_H
#define IK_QUIRK_CERT_H

#include "cert.h"
#include "pki.h"

/* [0] the initiator's credentials and trust, [1] the responder's; reloaded by every row. */
static struct qc_side {
	struct ik_creds creds;
	struct ik_trust trust;
} qc_sides[2];
static bool qc_loaded;

static void qc_free(void)
{
	for (int i = 0; qc_loaded && i < 2; i++) {
		ik_creds_free(&qc_sides[i].creds);
		ik_trust_free(&qc_sides[i].trust);
	}
	qc_loaded = false;
}

static void qc_load(struct qc_side *s, const char *name)
{
	char cert[32], key[32];
	struct ik_status st = {0};

	snprintf(cert, sizeof(cert), "%s.pem", name);
	snprintf(key, sizeof(key), "%s.key", name);
	if (!ik_pki()[0] ||
	    !ik_creds_load(&s->creds, ik_pki_file(cert), ik_pki_file("inter-ca.pem"),
	                   ik_pki_file(key), &st) ||
	    !ik_trust_load(&s->trust, ik_pki_file("root-ca.pem"), ik_pki_file("inter-ca.crl"), &st))
		fprintf(stderr, "quirk_cert.h: %s: %s\n", name, st.why);
}

static void qc_id(struct ik_id *id, const char *fqdn)
{
	memset(id, 0, sizeof(*id));
	id->type = IK_ID_TYPE_FQDN;
	id->len = strlen(fqdn);
	memcpy(id->data, fqdn, id->len);
}

static void qc_cfg(struct ik_cfg *c, struct qc_side *s, const char *fqdn)
{
	c->p1[0].auth = IK_P1_AUTH_RSA_SIG;
	c->np1 = 1;
	c->psk_len = 0;
	c->creds = &s->creds;
	c->trust = &s->trust;
	qc_id(&c->id_local, fqdn);
	memset(&c->id_remote, 0, sizeof(c->id_remote)); /* the certificate vouches for it */
}

/* The tester (certificate `cert`) and the DUT's responder (`dut`), each with its own key. */
static void qc_pair_of(struct ik_cfg *ci, struct ik_cfg *cr, const char *cert, const char *dut)
{
	static bool once;
	if (!once && (once = true))
		atexit(qc_free);
	qc_free();
	qc_load(&qc_sides[0], cert);
	qc_load(&qc_sides[1], dut);
	qc_loaded = true;
	qc_cfg(ci, &qc_sides[0], "tester.ikecheck.test");
	qc_cfg(cr, &qc_sides[1], "dut.ikecheck.test");
}

/* The tester presents certificate `cert` (with its own key) to the DUT's responder. */
static void qc_pair(struct ik_cfg *ci, struct ik_cfg *cr, const char *cert)
{
	qc_pair_of(ci, cr, cert, "dut");
}

/* dss-der-sig: both sides with DSA keys and DSS signatures (RFC 2409 5.1, method 2). */
static void qc_dss(struct ik_cfg *ci, struct ik_cfg *cr)
{
	qc_pair_of(ci, cr, "tester-dss", "dut-dss");
	ci->p1[0].auth = cr->p1[0].auth = IK_P1_AUTH_DSS;
}

static void qc_good(struct ik_cfg *ci, struct ik_cfg *cr)
{
	qc_pair(ci, cr, "tester");
}
static void qc_wrongca(struct ik_cfg *ci, struct ik_cfg *cr)
{
	qc_pair(ci, cr, "wrongca");
}
static void qc_expired(struct ik_cfg *ci, struct ik_cfg *cr)
{
	qc_pair(ci, cr, "expired");
}
static void qc_revoked(struct ik_cfg *ci, struct ik_cfg *cr)
{
	qc_pair(ci, cr, "revoked");
}
static void qc_badku(struct ik_cfg *ci, struct ik_cfg *cr)
{
	qc_pair(ci, cr, "badku");
}
static void qc_noid(struct ik_cfg *ci, struct ik_cfg *cr)
{
	qc_pair(ci, cr, "noid");
}

/* sig-hash-20: both sides negotiate SHA2-256, so HASH_R is 32 octets (RFC 2409 5.1). */
static void qc_sha256(struct ik_cfg *ci, struct ik_cfg *cr)
{
	qc_pair(ci, cr, "tester");
	ci->p1[0].hash = cr->p1[0].hash = IK_P1_HASH_SHA2_256;
}

/* cr-bad-ca: an initiator that checks how the responder built its CRs (tester.check_cr). */
static void qc_check_cr(struct ik_cfg *ci, struct ik_cfg *cr)
{
	qc_pair(ci, cr, "tester");
	ci->check_peer_cr = true;
}

/* cert-required: the initiator sends SIG_I without CERT (RFC 2409 5.1 "[ CERT, ]"), the
 * responder holds its certificate (dut.peer_cert, CERT-POS-007). */
static void qc_no_cert(struct ik_cfg *ci, struct ik_cfg *cr)
{
	struct ik_status st = {0};
	STACK_OF(X509) *x = ik_pem_certs(ik_pki_file("tester.pem"), "tester", &st);

	qc_pair(ci, cr, "tester");
	ci->no_cert = true;
	qc_sides[1].trust.peer = x ? sk_X509_shift(x) : NULL;
	/* no CERT brings the intermediate either: the responder holds it (the profile's chain) */
	CU_ASSERT_TRUE(
		ik_trust_add_intermediates(&qc_sides[1].trust, ik_pki_file("inter-ca.pem"), &st));
	sk_X509_pop_free(x, X509_free);
}

/* cr-not-sent: an initiator that wants a CR from its peer (tester.need_cr, CERT-CR-002). */
static void qc_need_cr(struct ik_cfg *ci, struct ik_cfg *cr)
{
	qc_pair(ci, cr, "tester");
	ci->need_peer_cr = true;
}

/* The initiator's messages broken by the mutations specs (at most 2), then phase 1 run. */
static void qc_mutate(struct ik_pair *p, const char *a, const char *b)
{
	static struct ik_mutation mut[2];
	struct ik_status st;

	memset(mut, 0, sizeof(mut));
	bool ok = ik_mutation_parse(a, &mut[0], &st) && (!b || ik_mutation_parse(b, &mut[1], &st));
	CU_ASSERT_TRUE(ok);
	p->ini.mut = mut;
	p->ini.nmut = b ? 2 : 1;
	p->ini.auto_quick = false;
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, (p->res.p1_up && p->ini.p1_up) || p->failed, 2000);
}

/* sig-no-verify: SIG_I with octet 100 inverted (RFC 2408 5.12) took phase 1 up. */
static bool qc_bad_sig_taken(struct ik_pair *p)
{
	qc_mutate(p, "MM5 SIG.data flip:100", NULL);
	return p->res.p1_up > 0;
}

/* cert-encoding-fatal: a CERT of encoding 200 beside the good ones (RFC 2408 5.9) refused. */
static bool qc_odd_cert_refused(struct ik_pair *p)
{
	qc_mutate(p, "MM5 CERT[1] duplicate", "MM5 CERT[2].encoding set:6");
	return !p->res.p1_up;
}

/* cr-strict: a CR naming "CN=unknown CA" (RFC 2408 3.10) refused. */
static bool qc_odd_cr_refused(struct ik_pair *p)
{
	qc_mutate(p, "MM3 CR.data set:30153113301106035504030c0a756e6b6e6f776e204341", NULL);
	return !p->res.p1_up;
}

/* cr-type-fatal: a CR asking for certificate type 6, Kerberos Tokens (RFC 2408 5.10 step 1),
 * refused. */
static bool qc_cr_type_refused(struct ik_pair *p)
{
	qc_mutate(p, "MM3 CR.cert_type set:6", NULL);
	return !p->res.p1_up;
}

/* cr-ca-fatal: a CR(4) whose authority is no DER name (RFC 2408 5.10 step 2) refused. */
static bool qc_cr_ca_refused(struct ik_pair *p)
{
	qc_mutate(p, "MM3 CR.data set:deadbeef", NULL);
	return !p->res.p1_up;
}

/* cert-not-sent: the responder's MM6 carried no CERT, so the initiator (which knows no
 * certificate of it) could not check SIG_R. Also sig-hash-20 and dss-der-sig: a SIG_R the
 * initiator refuses (over 20 octets of a longer HASH_R; DER instead of r||s). */
static bool qc_no_cert_sent(struct ik_pair *p)
{
	p->ini.auto_quick = false;
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, (p->res.p1_up && p->ini.p1_up) || p->failed, 2000);
	return p->res.p1_up && !p->ini.p1_up;
}

/* cr-not-sent: the responder's MM2 / MM4 / MM6 carried no CR (RFC 2408 3.10), so the initiator
 * that wants one refused SIG_R in MM6 while the responder took phase 1 up. */
static bool qc_no_cr_sent(struct ik_pair *p)
{
	return qc_no_cert_sent(p);
}

/* cert-required: MM5 without CERT refused though the responder holds the certificate. */
static bool qc_certless_refused(struct ik_pair *p)
{
	p->ini.auto_quick = false;
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, (p->res.p1_up && p->ini.p1_up) || p->failed, 2000);
	return !p->res.p1_up;
}

#endif
