/*
 * The rows of tests/test_quirk.c for the public key encryption quirk (engine/mutation/quirk.def,
 * suite/cases/rsaenc): both engines authenticating with RSA encryption (RFC 2409 5.2), each
 * holding its own key and the other's certificate, over the PKI of harness/pki.sh (the loading
 * of tests/quirk_cert.h). Included by test_quirk.c after quirk_cert.h.
 */
#ifndef IK_QUIRK_RSAENC_H
#define IK_QUIRK_RSAENC_H

#include "quirk_cert.h"

/* The tester and the DUT under method 4, each side knowing the other's certificate. */
static void qe_pair(struct ik_cfg *ci, struct ik_cfg *cr)
{
	qc_pair(ci, cr, "tester");
	for (int i = 0; i < 2; i++) {
		STACK_OF(X509) *x = ik_pem_certs(ik_pki_file(i ? "tester.pem" : "dut.pem"), "peer",
		                                 &(struct ik_status){0});
		if (x)
			qc_sides[i].trust.peer = sk_X509_shift(x);
		sk_X509_pop_free(x, X509_free);
	}
	ci->p1[0].auth = cr->p1[0].auth = IK_P1_AUTH_RSA_ENC;
	qc_id(&ci->id_remote, "dut.ikecheck.test");
	qc_id(&cr->id_remote, "tester.ikecheck.test");
}

/* pke-padding-oracle: a nonce ciphertext with octet 128 inverted (bad PKCS #1 padding) answered
 * otherwise than a ciphertext of the wrong length, which is refused with PAYLOAD-MALFORMED by
 * both the conformant and the quirky responder (tests/test_ike_enc.c). */
static bool qe_padding_told_apart(struct ik_pair *p)
{
	qc_mutate(p, "MM3 NONCE.data flip:128", NULL);
	return p->res.sas && !p->res.p1_up && p->res.sas->st.notify &&
	       p->res.sas->st.notify != IK_NOTIFY_PAYLOAD_MALFORMED;
}

/* The revised mode (RFC 2409 5.3) with the initiator sending HASH(1) (5.2). */
static void qe_rev_hash1(struct ik_cfg *ci, struct ik_cfg *cr)
{
	qe_pair(ci, cr);
	ci->p1[0].auth = cr->p1[0].auth = IK_P1_AUTH_RSA_REV_ENC;
	ci->pke_hash1 = true;
}

/* Method 4 with the initiator sending HASH(1). */
static void qe_hash1(struct ik_cfg *ci, struct ik_cfg *cr)
{
	qe_pair(ci, cr);
	ci->pke_hash1 = true;
}

/* pke-hash1-late: HASH(1) moved behind the encrypted nonce (RFC 2409 5.3 wants it first), taken
 * by the quirky responder, which skips it, refused by the conformant one at MM3. */
static bool qe_late_hash1_taken(struct ik_pair *p)
{
	qc_mutate(p, "MM3 HASH reorder:1", NULL);
	return p->res.p1_up > 0;
}

/* pke-ignore-hash1: HASH(1) naming no certificate of the responder's (octet 0 inverted)
 * decrypted with its only key all the same (RFC 2408 5.11: the message is discarded). */
static bool qe_wrong_hash1_taken(struct ik_pair *p)
{
	qc_mutate(p, "MM3 HASH.data flip:0", NULL);
	return p->res.p1_up > 0;
}

/* How long the responder took over MM3: from the first datagram it received that carries its
 * cookie (MM3, the first after MM2) to the next one it sent (its refusal; the pair stops at the
 * failure, before the initiator reads it). */
static uint64_t qe_mm3_at;
static long qe_answer_ms;
static void qe_tap(struct ik_engine *e, bool sent, const struct sockaddr_storage *peer,
                   uint16_t local_port, const uint8_t *b, size_t len)
{
	static const uint8_t zero[8];
	(void)peer, (void)local_port;
	if (e != &((struct ik_pair *)e->user)->res || len < 16)
		return;
	if (!sent && !qe_mm3_at && memcmp(b + 8, zero, 8))
		qe_mm3_at = ik_now_ms();
	else if (sent && qe_mm3_at && qe_answer_ms < 0)
		qe_answer_ms = (long)(ik_now_ms() - qe_mm3_at);
}

/* pke-slow-padding: bad PKCS #1 padding refused alike (PAYLOAD-MALFORMED), but at least 100 ms
 * after MM3 came, where the conformant responder answers in a few ms (its refusal is one RSA
 * decryption; the quirk adds 150 ms). */
static bool qe_padding_slow(struct ik_pair *p)
{
	qe_mm3_at = 0, qe_answer_ms = -1;
	p->res.tap = qe_tap;
	qc_mutate(p, "MM3 NONCE.data flip:128", NULL);
	return !p->res.p1_up && p->res.sas &&
	       p->res.sas->st.notify == IK_NOTIFY_PAYLOAD_MALFORMED && qe_answer_ms >= 100;
}

#endif
