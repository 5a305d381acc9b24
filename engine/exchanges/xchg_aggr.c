/*
 * Aggressive mode with pre-shared keys or signatures, RFC 2409 5, 5.4 and 5.1 (RFC 2408 4.7),
 * both roles. Under signatures AM2 carries [CERT,] SIG_R and AM3 [CERT,] SIG_I in place of
 * HASH_R and HASH_I (5.1).
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
	/* SA must come first (RFC 2409 5): move the VIDs behind KE, Ni and ID. */
	size_t nvid = out->hdr->nkids - 1;
	if (!ik_p1_add_ke_nonce(sa, out, st) || !ik_p1_add_id(sa, out))
		return false;
	for (size_t i = 0; i < nvid; i++)
		ik_node_insert(out->hdr, SIZE_MAX, ik_node_remove(out->hdr, 1));
	return true;
}

bool aggr_inI1_outR1(struct ik_sa *sa, struct ik_qm *qm, struct ik_in *in, struct ik_msg *out,
                     struct ik_status *st)
{
	(void)qm;
	/* RFC 2409 5: aggressive mode is optional, a policy without it refuses AM1; quirk
	 * accept-any-proposal takes it whatever the configuration. */
	if (sa->eng->cfg.refuse_aggressive && !(sa->eng->cfg.quirks & IK_QUIRK_ACCEPT_ANY_PROPOSAL))
		return ik_fail(st, IK_NOTIFY_UNSUPPORTED_EXCHANGE_TYPE,
		               "aggressive mode is not in the policy (phase1.modes)");
	if (!ik_p1_choose(sa, in, out, st) || !ik_p1_take_ke_nonce(sa, in, st) ||
	    !ik_p1_take_id(sa, in, st))
		return false;
	size_t nvid = out->hdr->nkids - 1;
	if (!ik_p1_add_ke_nonce(sa, out, st) || !ik_p1_derive_keys(sa, st) ||
	    !ik_p1_add_id(sa, out) || !ik_p1_add_auth(sa, out, st) || !ik_natd_add(sa, out, st))
		return false;
	for (size_t i = 0; i < nvid; i++)
		ik_node_insert(out->hdr, SIZE_MAX, ik_node_remove(out->hdr, 1));
	return true;
}

bool aggr_inR1_outI2(struct ik_sa *sa, struct ik_qm *qm, struct ik_in *in, struct ik_msg *out,
                     struct ik_status *st)
{
	(void)qm;
	if (!ik_p1_accept_reply(sa, in, st) || !ik_p1_take_ke_nonce(sa, in, st) ||
	    !ik_p1_take_id(sa, in, st) || !ik_p1_derive_keys(sa, st) ||
	    !ik_p1_check_auth(sa, in, false, st))
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
