/*
 * Aggressive mode with pre-shared keys, signatures or public key encryption, RFC 2409 5, 5.4,
 * 5.1, 5.2 and 5.3 (RFC 2408 4.7), both roles. Under signatures AM2 carries [CERT,] SIG_R and
 * AM3 [CERT,] SIG_I in place of HASH_R and HASH_I (5.1). Under encryption AM1 and AM2 carry
 * the nonces and IDs encrypted as MM3 / MM4 do (5.2: <IDii_b>PubKey_r, <Ni_b>PubKey_r; 5.3:
 * <Ni_b>PubKey_r, <KE_b>Ke_i, <IDii_b>Ke_i), AM2 and AM3 the HASHes; no NAT-D in the revised
 * mode (phase1_enc.c).
 * NAT-D rides in AM2 and AM3 (RFC 3947 3.2). RFC 2409 5.4 shows AM3 in the clear; that is what
 * we send.
 *
 *      Initiator                               Responder
 *   AM1  HDR, SA, KE, Ni, IDii          -->
 *   AM2                                 <--    HDR, SA, KE, Nr, IDir, HASH_R [, NAT-D x2]
 *   AM3  HDR, HASH_I [, NAT-D x2]       -->
 */
#include "consts.h"
#include "xchg.h"

/* KE, nonce and ID in the clear, or encrypted (RFC 2409 5.2 / 5.3: AM1 and AM2 carry them as
 * MM3 and MM4 do, phase1_enc.c). */
static bool add_ke_nonce_id(struct ik_sa *sa, struct ik_msg *out, struct ik_status *st)
{
	if (ik_p1_enc(sa))
		return ik_p1_enc_add(sa, out, st);
	return ik_p1_add_ke_nonce(sa, out, st) &&
	       (ik_p1_add_id(sa, out) || ik_fail(st, 0, "out of memory"));
}

static bool take_ke_nonce_id(struct ik_sa *sa, struct ik_in *in, struct ik_status *st)
{
	if (ik_p1_enc(sa))
		return ik_p1_enc_take(sa, in, st);
	return ik_p1_take_ke_nonce(sa, in, st) && ik_p1_take_id(sa, in, st);
}

/* The vendor IDs after the SA go to the end, behind what follows them; in the revised mode
 * (5.3) they stay before the nonce, since every payload after it is encrypted with Ke. */
static void move_vids(struct ik_sa *sa, struct ik_msg *out, size_t nvid)
{
	for (size_t i = 0; !ik_p1_enc_rev(sa) && i < nvid; i++)
		ik_node_insert(out->hdr, SIZE_MAX, ik_node_remove(out->hdr, 1));
}

bool aggr_outI1(struct ik_sa *sa, struct ik_qm *qm, struct ik_in *in, struct ik_msg *out,
                struct ik_status *st)
{
	(void)qm, (void)in;
	/* RFC 2409 5: the KE in AM1 fixes the group, so every offer must use the same one. */
	for (size_t i = 1; i < sa->eng->cfg.np1; i++)
		if (sa->eng->cfg.p1[i].group != sa->eng->cfg.p1[0].group)
			return ik_fail(st, 0, "aggressive mode offers must share one DH group");
	if (!ik_p1_offer(sa, out))
		return ik_fail(st, 0, "aggr_outI1: cannot build the SA offer");
	/* Public key encryption (RFC 2409 5.2, 5.3): AM1 is already encrypted under the method
	 * offered, and the revised mode's Ke_i under the cipher offered; so one method and one
	 * cipher, that of the first offer, are taken as chosen until AM2 says (ik_p1_accept_reply). */
	uint16_t auth = sa->hs->offers[0].auth;
	if (auth == IK_P1_AUTH_RSA_ENC || auth == IK_P1_AUTH_RSA_REV_ENC)
		sa->chosen = sa->hs->offers[0];
	/* SA must come first (RFC 2409 5): move the VIDs behind KE, Ni and ID. */
	size_t nvid = out->hdr->nkids - 1;
	if (!add_ke_nonce_id(sa, out, st))
		return false;
	move_vids(sa, out, nvid);
	return true;
}

bool aggr_inI1_outR1(struct ik_sa *sa, struct ik_qm *qm, struct ik_in *in, struct ik_msg *out,
                     struct ik_status *st)
{
	(void)qm;
	/* RFC 2409 5: aggressive mode is optional, a policy without it refuses AM1; quirk
	 * accept-any-proposal takes it whatever the configuration. */
	if (sa->eng->cfg.refuse_aggressive && !(IK_HAS(sa->eng->cfg.quirks, ACCEPT_ANY_PROPOSAL)))
		return ik_fail(st, IK_NOTIFY_UNSUPPORTED_EXCHANGE_TYPE,
		               "aggressive mode is not in the policy (phase1.modes)");
	if (!ik_p1_choose(sa, in, out, st) || !take_ke_nonce_id(sa, in, st))
		return false;
	size_t nvid = out->hdr->nkids - 1;
	if (!add_ke_nonce_id(sa, out, st) || !ik_p1_derive_keys(sa, st) ||
	    !ik_p1_add_auth(sa, out, st) || (!ik_p1_enc_rev(sa) && !ik_natd_add(sa, out, st)))
		return false;
	move_vids(sa, out, nvid);
	return true;
}

bool aggr_inR1_outI2(struct ik_sa *sa, struct ik_qm *qm, struct ik_in *in, struct ik_msg *out,
                     struct ik_status *st)
{
	(void)qm;
	if (!ik_p1_accept_reply(sa, in, st) || !take_ke_nonce_id(sa, in, st) ||
	    !ik_p1_derive_keys(sa, st) || !ik_p1_check_auth(sa, in, false, st))
		return false;
	ik_natd_check(sa, in); /* RFC 3947 4: AM3 already goes to the NAT-T port */
	/* AM3 carries HASH_I over IDii, which is not in AM3: hash it from our AM1 now. */
	return ik_p1_add_auth(sa, out, st) && ik_natd_add(sa, out, st);
}

bool aggr_inI2(struct ik_sa *sa, struct ik_qm *qm, struct ik_in *in, struct ik_msg *out,
               struct ik_status *st)
{
	(void)qm, (void)out;
	ik_natd_check(sa, in);
	return ik_p1_check_auth(sa, in, true, st);
}
