/*
 * The mode-config client judged by us, its gateway (draft-dukes-ike-mode-cfg-02): the rows of
 * cfg_check.def that read the client's own REQUEST (XC_CREQ) and its transactions (XC_TX), and
 * what no single message shows: a quick mode that began before any address REQUEST, a
 * transaction that came in the clear. Run by xauth_check.c as its own rows are.
 */
#include "consts.h"
#include "util.h"
#include "xchg.h"

#include <string.h>

static bool is_addr(uint16_t t)
{
	return t == IK_CFG_ATTR_INTERNAL_IP4_ADDRESS || t == IK_CFG_ATTR_INTERNAL_IP6_ADDRESS;
}

/* draft-beaulieu-ike-xauth-02 6.2: the XAUTH attributes are 16520-16529 */
static bool is_xauth_attr(uint16_t t)
{
	return t >= IK_CFG_ATTR_XAUTH_TYPE && t <= IK_CFG_ATTR_XAUTH_ANSWER;
}

/* A mode-config REQUEST the peer started (not an XAUTH message). */
static bool client_request(const struct ik_qm *q)
{
	if (q->role != IK_RESPONDER || q->tx_in.type != IK_CFG_TYPE_REQUEST)
		return false;
	for (size_t i = 0; i < q->tx_in.n; i++)
		if (is_xauth_attr(q->tx_in.a[i].type))
			return false;
	return true;
}

/* 5.1 "ATTR1(REQUEST) MUST contain at least an INTERNAL_ADDRESS attribute (either IPv4 or
 * IPv6)": judged on the REQUESTs before quick mode, the address request 5.1 places there; one
 * after (5.2's version, 3.4's renewal) is noted. */
bool mc_cli_addr_req(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m,
                     char *note, size_t n)
{
	char l[IK_XC_NOTE];
	(void)qm;
	ik_cfg_attr_list(m, NULL, l, sizeof(l));
	if (sa->qms) {
		snprintf(note, n, "its REQUEST after quick mode asks: %.100s", l);
		return true;
	}
	for (size_t i = 0; i < m->n; i++)
		if (is_addr(m->a[i].type)) {
			snprintf(note, n, "its REQUEST before quick mode asks: %.100s", l);
			return true;
		}
	snprintf(note, n, "its REQUEST before quick mode asks for no INTERNAL_ADDRESS: %.100s", l);
	return false;
}

/* 5.1 "This Transaction Exchange MUST occur after an ISAKMP phase 1 SA is already established
 * and before an ISAKMP phase 2 negotiation has started": after phase 1 is what a protected
 * transaction is (ike_in.c takes none before); before phase 2 is judged on its first REQUEST. */
bool mc_cli_order(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m, char *note,
                  size_t n)
{
	(void)m;
	unsigned before = 0;
	for (const struct ik_qm *q = sa->txs; q; q = q->next)
		before += q != qm && client_request(q);
	if (before) {
		snprintf(note, n,
		         "its first mode-config REQUEST came after phase 1, before quick mode");
		return true;
	}
	if (sa->qms) {
		snprintf(
			note, n,
			"its first mode-config REQUEST (message ID %08x) came after its quick mode "
			"%08x had begun",
			qm->msgid, sa->qms->msgid);
		return false;
	}
	snprintf(note, n, "its mode-config REQUEST came after phase 1 and before any quick mode");
	return true;
}

/* 4 "the exchange SHOULD be secured with an ISAKMP phase 1 SA": what came in the clear or with a
 * HASH that did not verify never gets here (ik_xa_check_clear, ik_xa_check_hash_bad) */
bool mc_cli_protected(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m,
                      char *note, size_t n)
{
	(void)sa, (void)m;
	snprintf(note, n,
	         "its transaction messages came encrypted (HDR*) with a HASH that verified (the "
	         "last under message ID %08x)",
	         qm->msgid);
	return true;
}

static bool asked(const struct ik_sa *sa)
{
	for (const struct ik_qm *q = sa->txs; q; q = q->next)
		if (client_request(q))
			return true;
	return false;
}

void ik_xa_check_quick(struct ik_sa *sa)
{
	const struct ik_xauth_cfg *x = &sa->eng->cfg.xauth;
	if (sa->role != IK_RESPONDER || !x->cfg_gateway || x->cfg_push || sa->qms || asked(sa))
		return;
	ik_xa_row_broke(sa, IK_XC_CLI_ORDER,
	                "its quick mode began before any mode-config REQUEST for its address");
}

void ik_xa_check_clear(struct ik_sa *sa, uint32_t msgid)
{
	char note[IK_XC_NOTE];
	snprintf(note, sizeof(note),
	         "its transaction message under message ID %08x came in the clear (no E flag) "
	         "under the ISAKMP SA",
	         msgid);
	ik_xa_row_broke(sa, IK_XC_CLI_PROTECTED, note);
}

/* 2 "The Acknowledge code MUST return the zero length attributes that it accepted": an
 * attribute of the client's ACK of our SET that carries a value breaks it (a TV attribute always
 * does: mode-cfg's own attributes are variable length, 3.2). An ACK of no attribute accepted
 * none, which 2 allows; the note says so. */
bool mc_cli_ack_zero(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m,
                     char *note, size_t n)
{
	char l[IK_XC_NOTE];
	(void)sa, (void)qm;
	ik_cfg_attr_list(m, NULL, l, sizeof(l));
	for (size_t i = 0; i < m->n; i++)
		if (m->a[i].tv || m->a[i].len) {
			snprintf(note, n,
			         "its ACK of our SET returns attributes with a value: %.90s", l);
			return false;
		}
	snprintf(note, n, "its ACK of our SET returns %s%.90s",
	         m->n ? "zero-length attributes: " : "", m->n ? l : "no attribute (accepts none)");
	return true;
}
