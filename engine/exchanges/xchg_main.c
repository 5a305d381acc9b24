/*
 * Main mode with pre-shared keys, signatures or public key encryption, RFC 2409 5, 5.4, 5.1, 5.2
 * and 5.3 (identity protection
 * exchange, RFC 2408 4.5), both roles. Each handler is a short list of the shared phase 1 steps
 * (phase1.c, phase1_sig.c).
 *
 *      Initiator                          Responder
 *   MM1  HDR, SA                    -->
 *   MM2                             <--   HDR, SA
 *   MM3  HDR, KE, Ni [, NAT-D x2]   -->
 *   MM4                             <--   HDR, KE, Nr [, NAT-D x2]
 *   MM5  HDR*, IDii, HASH_I         -->
 *   MM6                             <--   HDR*, IDir, HASH_R
 *
 * Under signatures (5.1) MM3 / MM4 add a CR per CA we trust (RFC 2408 3.10), and MM5 / MM6
 * carry [CERT,] SIG_I / SIG_R in place of HASH_I / HASH_R. Under public key encryption (5.2,
 * 5.3; phase1_enc.c) MM3 / MM4 carry the encrypted IDs and nonces, MM5 / MM6 HASH_I / HASH_R
 * alone.
 */
#include "consts.h"
#include "xchg.h"

#include <string.h>

/* MM3 / MM4: KE and nonce in the clear [, NAT-D], or under public key encryption with the
 * encrypted ID (RFC 2409 5.2); the revised mode (5.3) sends no NAT-D, since every payload after
 * its nonce "MUST be encrypted with Ke_i or Ke_r" and RFC 3947 NAT-D never is. */
static bool add_ke_nonce(struct ik_sa *sa, struct ik_msg *out, struct ik_status *st)
{
	if (!ik_p1_enc(sa))
		return ik_p1_add_ke_nonce(sa, out, st) && ik_natd_add(sa, out, st);
	return ik_p1_enc_add(sa, out, st) && (ik_p1_enc_rev(sa) || ik_natd_add(sa, out, st));
}

static bool take_ke_nonce(struct ik_sa *sa, struct ik_in *in, struct ik_status *st)
{
	return ik_p1_enc(sa) ? ik_p1_enc_take(sa, in, st) : ik_p1_take_ke_nonce(sa, in, st);
}

bool main_outI1(struct ik_sa *sa, struct ik_qm *qm, struct ik_in *in, struct ik_msg *out,
                struct ik_status *st)
{
	(void)qm, (void)in;
	return ik_p1_offer(sa, out) || ik_fail(st, 0, "main_outI1: cannot build the SA offer");
}

bool main_inI1_outR1(struct ik_sa *sa, struct ik_qm *qm, struct ik_in *in, struct ik_msg *out,
                     struct ik_status *st)
{
	(void)qm;
	return ik_p1_choose(sa, in, out, st);
}

bool main_inR1_outI2(struct ik_sa *sa, struct ik_qm *qm, struct ik_in *in, struct ik_msg *out,
                     struct ik_status *st)
{
	(void)qm;
	return ik_p1_accept_reply(sa, in, st) && add_ke_nonce(sa, out, st) &&
	       ik_p1_add_cr(sa, out, st);
}

bool main_inI2_outR2(struct ik_sa *sa, struct ik_qm *qm, struct ik_in *in, struct ik_msg *out,
                     struct ik_status *st)
{
	(void)qm;
	if (!take_ke_nonce(sa, in, st) || !ik_p1_take_cr(sa, in, st) ||
	    !add_ke_nonce(sa, out, st) || !ik_p1_add_cr(sa, out, st))
		return false;
	ik_natd_check(sa, in);
	return ik_p1_derive_keys(sa, st);
}

/* RFC 2407 4.6.3.3: INITIAL-CONTACT with the first protected message, SPI = the cookies. */
static bool initial_contact(struct ik_sa *sa, struct ik_msg *out)
{
	uint8_t spi[16];
	struct ik_node *n;

	if (!sa->eng->cfg.initial_contact)
		return true;
	memcpy(spi, sa->icookie, 8);
	memcpy(spi + 8, sa->rcookie, 8);
	return (n = ik_pl_add(out, IK_PAYLOAD_N)) && ik_node_set_num(n, IK_F_N_DOI, IK_DOI_IPSEC) &&
	       ik_node_set_num(n, IK_F_N_PROTO, IK_PROTO_ISAKMP) &&
	       ik_node_set_num(n, IK_F_N_TYPE, IK_NOTIFY_INITIAL_CONTACT) &&
	       ik_node_set_bytes(n, IK_F_N_SPI, spi, 16);
}

bool main_inR2_outI3(struct ik_sa *sa, struct ik_qm *qm, struct ik_in *in, struct ik_msg *out,
                     struct ik_status *st)
{
	(void)qm;
	if (!take_ke_nonce(sa, in, st) || !ik_p1_take_cr(sa, in, st))
		return false;
	ik_natd_check(sa, in); /* RFC 3947 4: float before MM5 when a NAT is seen */
	return ik_p1_derive_keys(sa, st) && (ik_p1_enc(sa) || ik_p1_add_id(sa, out)) &&
	       ik_p1_add_auth(sa, out, st) && initial_contact(sa, out);
}

bool main_inI3_outR3(struct ik_sa *sa, struct ik_qm *qm, struct ik_in *in, struct ik_msg *out,
                     struct ik_status *st)
{
	(void)qm;
	ik_ic_note(sa, in); /* RFC 2407 4.6.3: "a payload in the last Main Mode exchange" */
	return (ik_p1_enc(sa) || ik_p1_take_id(sa, in, st)) && ik_p1_check_auth(sa, in, true, st) &&
	       (ik_p1_enc(sa) || ik_p1_add_id(sa, out)) && ik_p1_add_auth(sa, out, st);
}

bool main_inR3(struct ik_sa *sa, struct ik_qm *qm, struct ik_in *in, struct ik_msg *out,
               struct ik_status *st)
{
	(void)qm, (void)out;
	ik_ic_note(sa, in);
	return (ik_p1_enc(sa) || ik_p1_take_id(sa, in, st)) && ik_p1_check_auth(sa, in, false, st);
}
