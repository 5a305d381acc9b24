/*
 * INITIAL-CONTACT received (RFC 2407 4.6.3.3, RFC 3947 6), when cfg.ic_delete says to act on it.
 *
 *   RFC 2407 4.6.3.3: "The receiver of this Notification Message might then elect to delete any
 *   existing SA's it has for the sending system under the assumption that the sending system
 *   has rebooted and no longer has access to the original SA's and their associated keying
 *   material."
 *   RFC 3947 6: the source IP and port of an INITIAL-CONTACT from behind a NAT "MUST NOT be used
 *   to determine which IKE/IPsec SAs to remove"; "the receiving end SHOULD remove all the SAs
 *   associated with the same ID payload."
 *
 * So the sending system is its phase 1 identity, never its address: every other ISAKMP SA whose
 * peer showed the same identity ends, and with it the IPsec SAs it negotiated (each gets
 * IK_EV_DELETE, so a caller's data path stops answering on it, as after a Delete). It is taken
 * only under protection: in the last main mode message (4.6.3: "a payload in the last Main Mode
 * exchange") or in a protected informational. Nothing is sent to the old SAs' peer: it is the
 * rebooted one and holds no keys for them. Quirk ic-keep: the old SAs stay.
 */
#include "xchg.h"

#include <string.h>

/* FNV-1a over the identity type and data (not protocol and port: RFC 3947 6 keys by ID). */
static uint64_t tag_of(const uint8_t *b, size_t len)
{
	uint64_t h = 0xcbf29ce484222325u;
	for (size_t i = 0; i < len; i++)
		if (i == 0 || i >= 4)
			h = (h ^ b[i]) * 0x100000001b3u;
	return h ? h : 1;
}

void ik_ic_note(struct ik_sa *sa, const struct ik_in *in)
{
	for (size_t k = 0;; k++) {
		const struct ik_node *n = ik_pl_find(&in->m, IK_PAYLOAD_N, k);
		if (!n)
			return;
		if (ik_fnum(n, IK_F_N_TYPE) == IK_NOTIFY_INITIAL_CONTACT)
			sa->ic_seen = true;
	}
}

void ik_ic_received(struct ik_sa *sa)
{
	struct ik_engine *e = sa->eng;
	if (!e->cfg.ic_delete || !sa->peer_tag || IK_HAS(e->cfg.quirks, IC_KEEP))
		return;
	for (struct ik_sa *o = e->sas; o; o = o->next) {
		if (o == sa || o->dead || !o->established || o->peer_tag != sa->peer_tag)
			continue;
		IK_LOG(e,
		       "INITIAL-CONTACT: the peer's earlier ISAKMP SA and its IPsec SAs end "
		       "(RFC 2407 4.6.3.3, RFC 3947 6)");
		for (struct ik_qm *q = o->qms; q; q = q->next)
			if (q->established)
				ik_emit_event(o, q, IK_EV_DELETE);
		o->dead = true;
		e->ndead++;
		o->st.notify = 0;
		snprintf(o->st.why, sizeof(o->st.why),
		         "ended by the peer's INITIAL-CONTACT on a newer ISAKMP SA");
		ik_emit_event(o, NULL, IK_EV_DELETE);
	}
}

void ik_ic_p1_done(struct ik_sa *sa)
{
	if (!sa->hs || !sa->hs->id_peer_len)
		return;
	sa->peer_tag = tag_of(sa->hs->id_peer_b, sa->hs->id_peer_len);
	if (sa->ic_seen)
		ik_ic_received(sa);
}
