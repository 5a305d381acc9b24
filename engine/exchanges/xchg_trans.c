/*
 * The transaction exchange, protected (draft-dukes-ike-mode-cfg-02 3.1.1; rows TX1 and TX2 of
 * messages.def):
 *
 *        Initiator                        Responder
 *        HDR*, HASH, ATTR      -->
 *                              <--        HDR*, HASH, ATTR
 *
 *   HASH = prf(SKEYID_a, M-ID | ATTR)    (both messages; no nonce, unlike quick mode)
 *
 * Each transaction has its own message ID and IV chain, the IV of its first message from the
 * last phase 1 block and the message ID (RFC 2409 App. B), later ones from the last cipher block
 * (3.1.1). These steps only carry ATTR payloads; what they say is xauth.c's.
 */
#include "consts.h"
#include "crypto.h"
#include "xchg.h"

#include <string.h>

/* ---- the ATTR payload (draft-dukes-ike-mode-cfg-02 3.2) as struct ik_cfg_msg ---- */

static struct ik_node *attr_node(const struct ik_cfg_attr *a)
{
	if (a->tv)
		return ik_attr_new(a->type, true, (uint16_t)(a->v[0] << 8 | a->v[1]), 0);
	struct ik_node *n = ik_attr_new(a->type, false, 0, 0);
	if (n && a->len && !ik_val_set_bytes(&n->v[IK_F_A_VALUE], a->v, a->len)) {
		ik_node_free(n);
		return NULL;
	}
	if (n)
		n->v[IK_F_A_LENGTH].num = a->len;
	return n;
}

bool ik_cfg_msg_add(struct ik_msg *out, const struct ik_cfg_msg *c)
{
	struct ik_node *p = ik_pl_add(out, IK_PAYLOAD_ATTR);
	if (!p || !ik_node_set_num(p, IK_F_ATTR_TYPE, c->type) ||
	    !ik_node_set_num(p, IK_F_ATTR_IDENTIFIER, c->id))
		return false;
	for (size_t i = 0; i < c->n; i++) {
		struct ik_node *a = attr_node(&c->a[i]);
		if (!a || !ik_node_insert(p, SIZE_MAX, a)) {
			ik_node_free(a);
			return false;
		}
	}
	return true;
}

/* One attribute node into a: a TV value as two octets, a TLV value as long as we keep. */
static void attr_read(const struct ik_node *n, struct ik_cfg_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->type = (uint16_t)ik_fnum(n, IK_F_A_TYPE);
	a->tv = ik_fnum(n, IK_F_A_AF);
	if (a->tv) {
		uint32_t v = ik_fnum(n, IK_F_A_VALUE);
		a->v[0] = (uint8_t)(v >> 8), a->v[1] = (uint8_t)v, a->len = 2;
		return;
	}
	const struct ik_val *v = ik_fget(n, IK_F_A_VALUE);
	a->len = (uint8_t)(v->len < sizeof(a->v) ? v->len : sizeof(a->v));
	if (a->len)
		memcpy(a->v, v->bytes, a->len);
}

bool ik_cfg_msg_read(const struct ik_msg *m, struct ik_cfg_msg *c, struct ik_status *st)
{
	const struct ik_node *p = ik_pl_find(m, IK_PAYLOAD_ATTR, 0);
	memset(c, 0, sizeof(*c));
	if (!p)
		return ik_fail(st, IK_NOTIFY_PAYLOAD_MALFORMED, "no ATTR payload");
	c->type = (uint8_t)ik_fnum(p, IK_F_ATTR_TYPE);
	c->id = (uint16_t)ik_fnum(p, IK_F_ATTR_IDENTIFIER);
	for (size_t i = 0; i < p->nkids && c->n < IK_CFG_MAX_ATTRS; i++)
		attr_read(p->kids[i], &c->a[c->n++]);
	return true;
}

/* ---- HASH ---- */

/* A query with IK_CFGQ_OVERRUN (a test of the receiver, 3.2: "If the length does not match ... then
 * entire payload MUST be discarded"): the last attribute, a TLV at the end of the plaintext (ATTR
 * is the last payload), says 4 octets more than follow. Done before the HASH, which then covers
 * the octets as sent: the peer can only discard the message for its ATTR. */
static void overrun(const struct ik_qm *qm, uint8_t *plain, size_t len)
{
	const struct ik_cfg_msg *c = &qm->tx_out;
	const struct ik_cfg_attr *last = c->n ? &c->a[c->n - 1] : NULL;
	if (!(qm->cfgq & IK_CFGQ_OVERRUN) || !last || last->tv || len < last->len + 4u)
		return;
	size_t at = len - last->len - 2;
	plain[at] = (uint8_t)((last->len + 4) >> 8), plain[at + 1] = (uint8_t)(last->len + 4);
}

bool ik_fill_tx_hash(struct ik_sa *sa, struct ik_qm *qm, uint8_t *plain, size_t len,
                     const struct ik_msg *dec, struct ik_status *st)
{
	uint8_t h[IK_MAX_HASH];
	overrun(qm, plain, len);
	/* Quirk xauth-hash-no-mid: the HASH over a zero message ID (3.1.1 wants the M-ID in it). */
	uint32_t mid = IK_HAS(sa->eng->cfg.quirks, XAUTH_HASH_NO_MID) ? 0 : qm->msgid;
	if (!ik_hash_after(sa, dec, plain, mid, NULL, 0, h, st))
		return false;
	memcpy(plain + dec->hdr->kids[0]->off + 4, h, sa->k.p1.h->len);
	return true;
}

static bool check_hash(struct ik_sa *sa, struct ik_qm *qm, const struct ik_in *in,
                       struct ik_status *st)
{
	uint8_t want[IK_MAX_HASH];
	const struct ik_val *got = ik_fget(ik_pl_find(&in->m, IK_PAYLOAD_HASH, 0), IK_F_HASH_DATA);

	if (!ik_hash_after(sa, &in->m, in->body, qm->msgid, NULL, 0, want, st))
		return false;
	/* Quirk ignore-hash: never compared, as in quick mode and informational. */
	if (IK_HAS(sa->eng->cfg.quirks, IGNORE_HASH))
		return true;
	if (!got || got->len != sa->k.p1.h->len || !ik_ct_equal(got->bytes, want, got->len)) {
		ik_xa_check_hash_bad(sa,
		                     qm->msgid); /* IMP-XAUTH-6-01, for the case that judges it */
		return ik_fail(st, IK_NOTIFY_INVALID_HASH_INFORMATION,
		               "transaction HASH does not verify (draft-dukes-ike-mode-cfg-02 "
		               "3.1.1: prf(SKEYID_a, M-ID | ATTR))");
	}
	return true;
}

static bool add_hash_attr(struct ik_sa *sa, struct ik_qm *qm, struct ik_msg *out,
                          struct ik_status *st)
{
	/* A query with IK_CFGQ_TWO_ATTR (a test of the receiver): the ATTR twice, which 3.1.1 says
	 * "MAY NOT" be; the HASH covers both. */
	bool twice = qm->cfgq & IK_CFGQ_TWO_ATTR;
	if (ik_p1_add_hash(out, sa->k.p1.h->len) && ik_cfg_msg_add(out, &qm->tx_out) &&
	    (!twice || ik_cfg_msg_add(out, &qm->tx_out)))
		return true;
	return ik_fail(st, 0, "transaction: out of memory");
}

/* ---- the steps ---- */

bool trans_outI1(struct ik_sa *sa, struct ik_qm *qm, struct ik_in *in, struct ik_msg *out,
                 struct ik_status *st)
{
	(void)in;
	return add_hash_attr(sa, qm, out, st);
}

bool trans_inI1_outR1(struct ik_sa *sa, struct ik_qm *qm, struct ik_in *in, struct ik_msg *out,
                      struct ik_status *st)
{
	if (!check_hash(sa, qm, in, st) || !ik_cfg_msg_read(&in->m, &qm->tx_in, st))
		return false;
	ik_xa_check_msg(sa, qm, &qm->tx_in); /* judged before answered (xauth_check.c) */
	ik_xa_rtx_copy(sa, qm, true);        /* its first copy (xauth_rtx.c) */
	return ik_xa_answer(sa, qm, st) && add_hash_attr(sa, qm, out, st);
}

/* draft-dukes-ike-mode-cfg-02 2: a REQUEST is answered by a REPLY, a SET by an ACKNOWLEDGE,
 * under the same identifier (draft-beaulieu-ike-xauth-02 6). */
bool trans_inR1(struct ik_sa *sa, struct ik_qm *qm, struct ik_in *in, struct ik_msg *out,
                struct ik_status *st)
{
	(void)out;
	if (!check_hash(sa, qm, in, st) || !ik_cfg_msg_read(&in->m, &qm->tx_in, st))
		return false;
	ik_xa_check_msg(sa, qm, &qm->tx_in);
	uint8_t want = qm->tx_out.type == IK_CFG_TYPE_REQUEST ? IK_CFG_TYPE_REPLY : IK_CFG_TYPE_ACK;
	/* A query of an unknown type (3.3, a test of the peer) has no answer of its own: whatever
	 * comes is the peer answering it, for the case to judge. */
	bool any = qm->cfgq && qm->tx_out.type != IK_CFG_TYPE_REQUEST &&
	           qm->tx_out.type != IK_CFG_TYPE_SET;
	if (qm->tx_in.type != want && !any)
		return ik_fail(st, IK_NOTIFY_PAYLOAD_MALFORMED,
		               "%s answered by %s, not %s (draft-dukes-ike-mode-cfg-02 2)",
		               ik_name(IK_T_CFG_TYPE, qm->tx_out.type),
		               ik_name(IK_T_CFG_TYPE, qm->tx_in.type),
		               ik_name(IK_T_CFG_TYPE, want));
	/* draft-beaulieu-ike-xauth-02 6: the same identifier throughout. strongSwan 5.9 answers
	 * with 0: the message ID and the HASH already tie the answer to our request, so it is
	 * taken, and said. */
	if (qm->tx_in.id != qm->tx_out.id)
		IK_LOG(sa->eng,
		       "%s answered with identifier %u to our %u (draft-beaulieu-ike-xauth-02 6 "
		       "wants the same): taken",
		       ik_name(IK_T_CFG_TYPE, qm->tx_in.type), qm->tx_in.id, qm->tx_out.id);
	return true;
}

static struct ik_qm *trans_start(struct ik_sa *sa, const struct ik_cfg_msg *msg, unsigned cfgq)
{
	struct ik_status st;
	/* Quirk modecfg-same-mid: a new transaction under the last one's message ID (3.1.1: it "MUST
	 * NOT be the same as the message ID of another transaction exchange"). */
	uint32_t mid =
		IK_HAS(sa->eng->cfg.quirks, MODECFG_SAME_MID) && sa->txs ? sa->txs->msgid : 0;
	struct ik_qm *qm = ik_qm_new(sa, IK_INITIATOR, mid, true);

	if (!qm)
		return NULL;
	qm->tx_out = *msg;
	qm->cfgq = (uint8_t)cfgq;
	if (!ik_run_step(sa, qm, ik_step_find(IK_X_TRANS, IK_INITIATOR, 0), NULL, &st))
		ik_sa_fail(sa, qm, &st);
	return qm;
}

struct ik_qm *ik_trans_initiate(struct ik_sa *sa, const struct ik_cfg_msg *msg)
{
	return trans_start(sa, msg, 0);
}

struct ik_qm *ik_cfg_query(struct ik_sa *sa, const struct ik_cfg_msg *msg, unsigned flaws)
{
	return trans_start(sa, msg, IK_CFGQ_QUERY | flaws);
}
