/*
 * The peer's XAUTH messages judged as they come (draft-beaulieu-ike-xauth-02): a row of
 * xauth_check.def per requirement. The engine still answers what it can (a client answers a
 * REQUEST whatever else it carries); a broken rule is only recorded, in sa->xa.chk_broke with
 * what was seen, and a case that names the row (`expect kept ROW`, suite/verdict.c) judges it.
 * Rows that read the gateway's REQUEST and SET apply when we are the client, the ACK row when
 * we are the gateway.
 */
#include "consts.h"
#include "util.h"
#include "xchg.h"

#include <stdlib.h>
#include <string.h>

const struct ik_cfg_attr *ik_cfg_find(const struct ik_cfg_msg *c, uint16_t type)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->a[i].type == type)
			return &c->a[i];
	return NULL;
}

static const char *aname(uint16_t t)
{
	return ik_name(IK_T_CFG_ATTR, t);
}

/* xchg.h */
void ik_cfg_attr_list(const struct ik_cfg_msg *m, bool (*keep)(uint16_t), char *out, size_t n)
{
	size_t l = 0;
	out[0] = 0;
	for (size_t i = 0; i < m->n && l + 1 < n; i++) {
		const struct ik_cfg_attr *a = &m->a[i];
		if (keep && !keep(a->type))
			continue;
		int w = a->tv ? snprintf(out + l, n - l, "%s%s = %u", l ? ", " : "", aname(a->type),
		                         (unsigned)(a->v[0] << 8 | a->v[1]))
		        : a->len ? snprintf(out + l, n - l, "%s%s (%u octets)", l ? ", " : "",
		                            aname(a->type), a->len)
		                 : snprintf(out + l, n - l, "%s%s (empty)", l ? ", " : "",
		                            aname(a->type));
		l += w > 0 ? (size_t)w : 0;
	}
	if (!out[0])
		snprintf(out, n, "no attributes");
}

/* 6.1: what the edge wants back, "Attributes that it requires sent back in the reply". */
static bool returned(uint16_t t)
{
	return t == IK_CFG_ATTR_XAUTH_USER_NAME || t == IK_CFG_ATTR_XAUTH_USER_PASSWORD ||
	       t == IK_CFG_ATTR_XAUTH_PASSCODE || t == IK_CFG_ATTR_XAUTH_NEXT_PIN ||
	       t == IK_CFG_ATTR_XAUTH_ANSWER;
}

/* 6.2: XAUTH-ANSWER "MUST NOT be used in conjunction with any attributes other than XAUTH-TYPE
 * or XAUTH-MESSAGE"; 6.1: a SET "MUST only include the success of failure of the authentication
 * and MAY contain some clarification text". */
static bool not_answer_company(uint16_t t)
{
	return t != IK_CFG_ATTR_XAUTH_TYPE && t != IK_CFG_ATTR_XAUTH_MESSAGE &&
	       t != IK_CFG_ATTR_XAUTH_ANSWER;
}

static bool not_status_text(uint16_t t)
{
	return t != IK_CFG_ATTR_XAUTH_STATUS && t != IK_CFG_ATTR_XAUTH_MESSAGE;
}

static bool has_other(const struct ik_cfg_msg *m, bool (*other)(uint16_t))
{
	for (size_t i = 0; i < m->n; i++)
		if (other(m->a[i].type))
			return true;
	return false;
}

static const char *type_name(uint16_t t)
{
	return ik_name(IK_T_XAUTH_TYPE, t);
}

/* ---- the rows (xauth_check.def) ---- */

typedef ik_chk_fn chk_fn;

/* A row no message reads (from 0): kept or broken by its hook (ik_xa_row_kept, _broke). */
static bool chk_by_hook(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m,
                        char *note, size_t n)
{
	(void)sa, (void)qm, (void)m;
	snprintf(note, n, "-");
	return true;
}

bool mc_by_hook(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m, char *note,
                size_t n)
{
	return chk_by_hook(sa, qm, m, note, n);
}

/* mode-cfg 3.1.1 "HDR*, HASH, ATTR", HASH = prf(SKEYID_a, M-ID | ATTR): what did not verify
 * never gets here (ik_xa_check_hash_bad) */
static bool chk_tx_format(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m,
                          char *note, size_t n)
{
	(void)sa, (void)m;
	snprintf(note, n,
	         "its transactions (exchange type 6, the last message ID %08x) carry HASH then "
	         "one ATTR, and the HASH verified as prf(SKEYID_a, M-ID | ATTR)",
	         qm->msgid);
	return true;
}

/* 4: the vendor ID; whether it was authenticated (KIV) cannot be seen */
static bool chk_vid(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m,
                    char *note, size_t n)
{
	(void)qm, (void)m;
	snprintf(note, n, "%s",
	         sa->xa.peer_vid ? "its phase 1 carried the XAUTH vendor ID 0x09002689DFD6B712"
	                         : "its phase 1 carried no XAUTH vendor ID 0x09002689DFD6B712");
	return sa->xa.peer_vid;
}

static bool chk_req_attrs(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m,
                          char *note, size_t n)
{
	char l[IK_XC_NOTE];
	(void)sa, (void)qm;
	ik_cfg_attr_list(m, NULL, l, sizeof(l));
	snprintf(note, n, "its REQUEST asks: %.100s", l);
	return true;
}

static bool chk_pairs(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m,
                      char *note, size_t n)
{
	(void)qm, (void)m;
	snprintf(note, n, "it ran %u REQUEST/REPLY pair%s before its SET", sa->xa.nreq,
	         sa->xa.nreq == 1 ? "" : "s");
	return true;
}

static bool chk_pair_types(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m,
                           char *note, size_t n)
{
	(void)qm, (void)m;
	size_t l = (size_t)snprintf(note, n, "the XAUTH_TYPE of its REQUESTs:");
	for (unsigned i = 0; i < sa->xa.nreq && i < 4 && l < n; i++)
		l += (size_t)snprintf(note + l, n - l, " %s", type_name(sa->xa.req_types[i]));
	return true;
}

/* 6: "All ISAKMP-Config messages in an extended authentication transaction MUST contain the
 * same ISAKMP-Config transaction identifier" (the edge's REQUESTs and SET; a SET without a
 * REQUEST, 5.5, has nothing to match) */
static bool chk_same_id(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m,
                        char *note, size_t n)
{
	(void)qm;
	if (!sa->xa.nreq) {
		snprintf(note, n, "its SET (identifier %u) came without a REQUEST", m->id);
		return true;
	}
	if (m->id != sa->xa.req_id) {
		snprintf(note, n, "its %s carries identifier %u, its first REQUEST %u",
		         m->type == IK_CFG_TYPE_SET ? "SET" : "REQUEST", m->id, sa->xa.req_id);
		return false;
	}
	snprintf(note, n, "its REQUEST%s and SET carry the same identifier %u",
	         sa->xa.nreq > 1 ? "s" : "", m->id);
	return true;
}

static bool chk_retry(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m,
                      char *note, size_t n)
{
	(void)qm;
	const struct ik_cfg_attr *s = ik_cfg_find(m, IK_CFG_ATTR_XAUTH_STATUS);
	bool ok = s && s->tv && (s->v[0] << 8 | s->v[1]) == IK_XAUTH_STATUS_OK;
	snprintf(note, n, "its SET(XAUTH_STATUS %s) came after %u REQUEST%s%s", ok ? "OK" : "FAIL",
	         sa->xa.nreq, sa->xa.nreq == 1 ? " (no retry)" : "s (it asked again)",
	         sa->xa.nreq > 1 && m->id == sa->xa.req_id ? ", all under one identifier" : "");
	return true;
}

/* 6.1 "Attributes that it requires sent back in the reply MUST be included with a length of
 * zero (0)" */
static bool chk_req_empty(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m,
                          char *note, size_t n)
{
	(void)sa, (void)qm;
	for (size_t i = 0; i < m->n; i++)
		if (returned(m->a[i].type) && (m->a[i].tv || m->a[i].len)) {
			snprintf(note, n, "its REQUEST carries %s with %u octets, not empty",
			         aname(m->a[i].type), m->a[i].tv ? 2u : m->a[i].len);
			return false;
		}
	char l[IK_XC_NOTE];
	ik_cfg_attr_list(m, returned, l, sizeof(l));
	snprintf(note, n, "what its REQUEST wants back is empty: %.90s", l);
	return true;
}

/* 6.1 "Attributes required for the authentication reply, such as a challenge string MUST be
 * included with the proper values filled in" */
static bool chk_req_values(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m,
                           char *note, size_t n)
{
	(void)sa, (void)qm;
	const struct ik_cfg_attr *c = ik_cfg_find(m, IK_CFG_ATTR_XAUTH_CHALLENGE);
	if (!c)
		snprintf(note, n, "its REQUEST carries no XAUTH_CHALLENGE: nothing to fill in");
	else if (!c->len)
		snprintf(note, n, "its REQUEST carries an empty XAUTH_CHALLENGE");
	else
		snprintf(note, n, "its REQUEST's XAUTH_CHALLENGE holds %u octets", c->len);
	return !c || c->len;
}

static bool chk_set_only(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m,
                         char *note, size_t n)
{
	char l[IK_XC_NOTE];
	(void)sa, (void)qm;
	bool other = has_other(m, not_status_text);
	ik_cfg_attr_list(m, other ? not_status_text : NULL, l, sizeof(l));
	snprintf(note, n, "%s: %.100s",
	         other ? "its SET carries more than the status and text" : "its SET carries", l);
	return !other;
}

static bool chk_set_text(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m,
                         char *note, size_t n)
{
	(void)sa, (void)qm;
	const struct ik_cfg_attr *t = ik_cfg_find(m, IK_CFG_ATTR_XAUTH_MESSAGE);
	if (t && !t->tv)
		snprintf(note, n, "its SET carries XAUTH_MESSAGE \"%.*s\"",
		         t->len > 80 ? 80 : t->len, (const char *)t->v);
	else
		snprintf(note, n, "its SET carries no XAUTH_MESSAGE");
	return true;
}

/* 6.1 ACK: "Its attributes are not relevant and MAY be skipped entirely, thus no attributes
 * SHOULD be included". docs/REQUIREMENTS.md takes echoes of the SET's attributes too (mode-cfg
 * 2: an ACK returns the attributes it accepted, with zero length). */
static bool chk_ack_empty(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m,
                          char *note, size_t n)
{
	char l[IK_XC_NOTE];
	(void)sa;
	ik_cfg_attr_list(m, NULL, l, sizeof(l));
	for (size_t i = 0; i < m->n; i++)
		if (!ik_cfg_find(&qm->tx_out, m->a[i].type)) {
			snprintf(note, n, "its ACK carries what our SET did not: %.90s", l);
			return false;
		}
	snprintf(note, n, "its ACK carries %s%.90s", m->n ? "only echoes of our SET: " : "", l);
	return true;
}

/* 6.2 "This attribute SHOULD only be sent in an ISAKMP-CFG-REQUEST message" */
static bool chk_set_no_challenge(struct ik_sa *sa, const struct ik_qm *qm,
                                 const struct ik_cfg_msg *m, char *note, size_t n)
{
	(void)sa, (void)qm;
	bool c = ik_cfg_find(m, IK_CFG_ATTR_XAUTH_CHALLENGE);
	snprintf(note, n, "its SET carries %s", c ? "an XAUTH_CHALLENGE" : "no XAUTH_CHALLENGE");
	return !c;
}

static bool chk_answer_seen(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m,
                            char *note, size_t n)
{
	(void)sa, (void)qm;
	snprintf(note, n, "its REQUEST %s",
	         ik_cfg_find(m, IK_CFG_ATTR_XAUTH_ANSWER) ? "prompts with XAUTH_ANSWER"
	                                                  : "carries no XAUTH_ANSWER");
	return true;
}

/* 6.2 XAUTH-ANSWER in a REQUEST: "it MUST be accompanied by an XAUTH-MESSAGE attribute" */
static bool chk_answer_message(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m,
                               char *note, size_t n)
{
	(void)sa, (void)qm;
	bool a = ik_cfg_find(m, IK_CFG_ATTR_XAUTH_ANSWER),
	     t = ik_cfg_find(m, IK_CFG_ATTR_XAUTH_MESSAGE);
	snprintf(note, n, "%s",
	         !a  ? "its REQUEST carries no XAUTH_ANSWER"
	         : t ? "its REQUEST's XAUTH_ANSWER comes with an XAUTH_MESSAGE"
	             : "its REQUEST carries XAUTH_ANSWER without an XAUTH_MESSAGE");
	return !a || t;
}

static bool chk_answer_only(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m,
                            char *note, size_t n)
{
	char l[IK_XC_NOTE];
	(void)sa, (void)qm;
	bool a = ik_cfg_find(m, IK_CFG_ATTR_XAUTH_ANSWER),
	     other = a && has_other(m, not_answer_company);
	ik_cfg_attr_list(m, not_answer_company, l, sizeof(l));
	if (!a)
		snprintf(note, n, "its REQUEST carries no XAUTH_ANSWER");
	else
		snprintf(note, n, "its REQUEST's XAUTH_ANSWER comes with %.100s",
		         other ? l : "only XAUTH_TYPE / XAUTH_MESSAGE");
	return !other;
}

/* 6.2 "The XAUTH-CHALLENGE attribute MUST NOT be used when XAUTH-TYPE is set to generic"; 6.2
 * "If the XAUTH-TYPE is not present, then it is assumed to be Generic" */
static bool chk_req_generic_challenge(struct ik_sa *sa, const struct ik_qm *qm,
                                      const struct ik_cfg_msg *m, char *note, size_t n)
{
	(void)sa, (void)qm;
	const struct ik_cfg_attr *t = ik_cfg_find(m, IK_CFG_ATTR_XAUTH_TYPE),
				 *c = ik_cfg_find(m, IK_CFG_ATTR_XAUTH_CHALLENGE);
	uint16_t type = t && t->tv ? (uint16_t)(t->v[0] << 8 | t->v[1]) : IK_XAUTH_TYPE_GENERIC;
	bool generic = type == IK_XAUTH_TYPE_GENERIC;
	snprintf(note, n, "its REQUEST of type %s%s carries %s", type_name(type),
	         t ? "" : " (no XAUTH_TYPE)", c ? "an XAUTH_CHALLENGE" : "no XAUTH_CHALLENGE");
	return !(generic && c);
}

/* 6.2 XAUTH-NEXT-PIN "MUST NOT be used in conjunction with any attributes other than
 * XAUTH-MESSAGE and / or XAUTH-TYPE" */
static bool not_pin_company(uint16_t t)
{
	return t != IK_CFG_ATTR_XAUTH_TYPE && t != IK_CFG_ATTR_XAUTH_MESSAGE &&
	       t != IK_CFG_ATTR_XAUTH_NEXT_PIN;
}

static bool chk_next_pin_only(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m,
                              char *note, size_t n)
{
	char l[IK_XC_NOTE];
	(void)sa, (void)qm;
	bool p = ik_cfg_find(m, IK_CFG_ATTR_XAUTH_NEXT_PIN),
	     other = p && has_other(m, not_pin_company);
	ik_cfg_attr_list(m, not_pin_company, l, sizeof(l));
	if (!p)
		snprintf(note, n, "its REQUEST carries no XAUTH_NEXT_PIN");
	else
		snprintf(note, n, "its REQUEST's XAUTH_NEXT_PIN comes with %.100s",
		         other ? l : "only XAUTH_TYPE / XAUTH_MESSAGE");
	return !other;
}

static const struct {
	const char *req;
	unsigned from;
	chk_fn *fn;
} rows[IK_XC__N] = {
#define XCHK(id, req, from, fn) [IK_XC_##id] = {req, from, fn},
#include "xauth_check.def"
#include "cfg_check.def"
#undef XCHK
};

const char *ik_xa_check_req(unsigned i)
{
	return i < IK_XC__N ? rows[i].req : NULL;
}

int ik_xa_check_find(const char *req)
{
	for (unsigned i = 0; i < IK_XC__N; i++)
		if (!strcmp(rows[i].req, req))
			return (int)i;
	return -1;
}

/* The notes live outside struct ik_sa (kept small: tests/test_sa_memory.c), made when needed. */
static bool notes(struct ik_xa_state *xa)
{
	if (!xa->chk_note)
		xa->chk_note = calloc(IK_XC__N, sizeof(*xa->chk_note));
	return xa->chk_note != NULL;
}

/* Run the rows of kind `from` on m; a row that broke keeps the note of its first break. */
static void run_rows(struct ik_sa *sa, unsigned from, const struct ik_qm *qm,
                     const struct ik_cfg_msg *m)
{
	struct ik_xa_state *xa = &sa->xa;
	if (!notes(xa))
		return;
	for (unsigned i = 0; i < IK_XC__N; i++) {
		char note[IK_XC_NOTE];
		if (!(rows[i].from & from) || (xa->chk_broke & IK_XC_BIT(i)))
			continue;
		bool kept = rows[i].fn(sa, qm, m, note, sizeof(note));
		xa->chk_seen |= IK_XC_BIT(i);
		if (!kept)
			xa->chk_broke |= IK_XC_BIT(i);
		memcpy(xa->chk_note[i], note, sizeof(note));
	}
}

static bool xauth_in_play(const struct ik_sa *sa)
{
	const struct ik_xauth_cfg *x = &sa->eng->cfg.xauth;
	return x->client || x->gateway || x->cfg_client || x->cfg_gateway;
}

void ik_xa_check_msg(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m)
{
	struct ik_xa_state *xa = &sa->xa;
	bool theirs = qm->role == IK_RESPONDER; /* the peer started the transaction */
	unsigned from = 0;

	if (!xauth_in_play(sa))
		return;
	if (sa->role == IK_INITIATOR && theirs && m->type == IK_CFG_TYPE_REQUEST &&
	    ik_cfg_has_xauth(m)) {
		from = XC_REQ;
		if (qm->msgid != xa->req_msgid) { /* a new pair, not its retransmission */
			if (!xa->nreq)
				xa->req_id = m->id;
			const struct ik_cfg_attr *t = ik_cfg_find(m, IK_CFG_ATTR_XAUTH_TYPE);
			if (xa->nreq < 4)
				xa->req_types[xa->nreq] =
					t && t->tv ? (uint16_t)(t->v[0] << 8 | t->v[1]) : 0;
			xa->nreq++, xa->req_msgid = qm->msgid;
		}
	} else if (sa->role == IK_INITIATOR && theirs && m->type == IK_CFG_TYPE_SET &&
	           ik_cfg_find(m, IK_CFG_ATTR_XAUTH_STATUS)) {
		from = XC_SET;
	} else if (sa->role == IK_RESPONDER && !theirs && qm->tx_out.type == IK_CFG_TYPE_SET &&
	           ik_cfg_find(&qm->tx_out, IK_CFG_ATTR_XAUTH_STATUS)) {
		from = XC_ACK | XC_ANS;
	} else if (sa->role == IK_RESPONDER && !theirs && qm->tx_out.type == IK_CFG_TYPE_SET) {
		from = XC_CACK; /* the client's ACK of our mode-config SET (push, mode-cfg 2) */
	} else if (sa->role == IK_RESPONDER && !theirs && qm->tx_out.type == IK_CFG_TYPE_REQUEST &&
	           ik_cfg_has_xauth(&qm->tx_out)) {
		from = XC_ANS; /* the client's REPLY to our XAUTH REQUEST */
	} else if (sa->role == IK_RESPONDER && theirs && m->type == IK_CFG_TYPE_REQUEST &&
	           !ik_cfg_has_xauth(m)) {
		from = XC_CREQ; /* the client's mode-config REQUEST */
	} else if (sa->role == IK_INITIATOR && !theirs && qm->tx_out.type == IK_CFG_TYPE_REQUEST &&
	           !ik_cfg_has_xauth(&qm->tx_out)) {
		from = XC_CFG; /* the answer to a mode-config REQUEST of ours */
	}
	run_rows(sa, XC_TX | from, qm, m);
}

/* Row i broken by what no message read shows (a HASH that did not verify, a message ID used
 * again): recorded once, with what was seen. */
void ik_xa_row_broke(struct ik_sa *sa, unsigned i, const char *note)
{
	if (!xauth_in_play(sa) || (sa->xa.chk_broke & IK_XC_BIT(i)) || !notes(&sa->xa))
		return;
	sa->xa.chk_seen |= IK_XC_BIT(i), sa->xa.chk_broke |= IK_XC_BIT(i);
	snprintf(sa->xa.chk_note[i], IK_XC_NOTE, "%s", note);
}

/* Row i kept so far, with what was seen; a row already broken keeps its break. */
void ik_xa_row_kept(struct ik_sa *sa, unsigned i, const char *note)
{
	if (!xauth_in_play(sa) || (sa->xa.chk_broke & IK_XC_BIT(i)) || !notes(&sa->xa))
		return;
	sa->xa.chk_seen |= IK_XC_BIT(i);
	snprintf(sa->xa.chk_note[i], IK_XC_NOTE, "%s", note);
}

void ik_xa_check_hash_bad(struct ik_sa *sa, uint32_t msgid)
{
	char note[IK_XC_NOTE];
	snprintf(note, sizeof(note),
	         "the HASH of its transaction (message ID %08x) does not verify as prf(SKEYID_a, "
	         "M-ID | ATTR)",
	         msgid);
	ik_xa_row_broke(sa, IK_XC_TX_FORMAT, note);
	ik_xa_row_broke(sa, IK_XC_CLI_PROTECTED, note);
}

/* mode-cfg 3.1.1: the message ID "MUST NOT be the same as the message ID of another transaction
 * exchange" */
void ik_xa_check_mid_reuse(struct ik_sa *sa, uint32_t msgid)
{
	char note[IK_XC_NOTE];
	snprintf(note, sizeof(note),
	         "it sent a new transaction message under message ID %08x, that of a transaction "
	         "already done",
	         msgid);
	ik_xa_row_broke(sa, IK_XC_CFG_MID, note);
}

void ik_xa_check_p1(struct ik_sa *sa)
{
	if (xauth_in_play(sa))
		run_rows(sa, XC_P1, NULL, NULL);
}
