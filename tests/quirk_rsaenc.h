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

#endif
