/*
 * What a received message is checked against before a step takes it (ike_in.c): the decoder's
 * options under the quirks, the message rules of messages.def (RFC 2408 5, RFC 2409 5), and the
 * ID findings that are the sender's fault (RFC 2408 5.8).
 */
#include "consts.h"
#include "rules.h"
#include "xchg.h"

#include <string.h>

/* The decoder's checks each quirk skips (engine/codec/codec.h); a strict decoder without them. */
static const struct {
	ik_quirks_t quirk;
	unsigned opts;
} dec_quirks[] = {
	{IK_QUIRK(ACCEPT_BAD_HEADER), IK_DEC_PAD},
	{IK_QUIRK(LENIENT_PARSER), IK_DEC_LENIENT},
	{IK_QUIRK(SKIP_UNKNOWN_PAYLOADS), IK_DEC_SKIP_UNKNOWN},
	{IK_QUIRK(SKIP_SA_CHECKS), IK_DEC_ANY_SITUATION},
	{IK_QUIRK(ANY_ID), IK_DEC_ANY_ID_DATA},       /* well-formed or not */
	{IK_QUIRK(ANY_PROXY_ID), IK_DEC_ANY_ID_DATA}, /* likewise in quick mode */
	{IK_QUIRK(MODECFG_CUT_ATTR), IK_DEC_CUT_ATTR},
};

unsigned ik_dec_opts(const struct ik_engine *e)
{
	unsigned opts = 0;
	for (size_t i = 0; i < sizeof(dec_quirks) / sizeof(dec_quirks[0]); i++)
		if (ik_quirks_any(e->cfg.quirks, dec_quirks[i].quirk))
			opts |= dec_quirks[i].opts;
	return opts;
}

/* Quirk skip-unknown-payloads: the types the decoder kept as opaque data are not there. */
static size_t known_types(uint8_t *types, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (ik_payload_desc(types[i]))
			types[k++] = types[i];
	return k;
}

/* A payload the message must carry but lacks is taken as an empty one by the quirk that does not
 * check what it holds anyway, as a parser that hands its handlers "none" as "empty" would: no KE
 * is an empty value (weak-ke: fitted to the group, zero), no nonce an empty nonce
 * (any-nonce-length), no identity none (any-id: then the peer's address), no HASH one never
 * compared (ignore-hash; not under signatures, whose MM5 / MM6 / AM2 / AM3 carry SIG instead). */
static const struct {
	ik_quirks_t quirk;
	uint8_t type;
} missing_as_empty[] = {
	{IK_QUIRK(WEAK_KE), IK_PAYLOAD_KE},
	{IK_QUIRK(ANY_NONCE_LENGTH), IK_PAYLOAD_NONCE},
	{IK_QUIRK(ANY_ID), IK_PAYLOAD_ID},
	{IK_QUIRK(IGNORE_HASH), IK_PAYLOAD_HASH},
};

static void add_missing(const struct ik_engine *e, enum ik_xchg x, int msgno,
                        enum ik_rules_auth auth, struct ik_msg *m)
{
	for (size_t i = 0; i < sizeof(missing_as_empty) / sizeof(missing_as_empty[0]); i++) {
		uint8_t t = missing_as_empty[i].type;
		if (!ik_quirks_any(e->cfg.quirks, missing_as_empty[i].quirk) ||
		    !ik_rules_min_auth(x, msgno, t, auth) || ik_pl_find(m, t, 0))
			continue;
		struct ik_node *n = ik_payload_new(t);
		if (n && !ik_node_insert(m->hdr, ik_rules_first(x, msgno) == t ? 0 : SIZE_MAX, n))
			ik_node_free(n);
	}
}

/* The method of AM1's first transform: the responder reads AM1 before it has chosen, and under
 * public key encryption AM1's ID is already encrypted (RFC 2409 5.2). */
static enum ik_rules_auth offered_auth(const struct ik_msg *m)
{
	struct ik_p1_xform xf[IK_MAX_XFORMS];
	struct ik_status st;
	size_t n = 0;

	if (!ik_sa_p1_read(ik_pl_find(m, IK_PAYLOAD_SA, 0), xf, IK_MAX_XFORMS, &n, &st) || !n)
		return IK_RULES_PSK;
	return ik_p1_auth_sig(xf[0].auth) ? IK_RULES_SIG
	       : xf[0].auth == IK_P1_AUTH_RSA_ENC || xf[0].auth == IK_P1_AUTH_RSA_REV_ENC
	               ? IK_RULES_ENC
	               : IK_RULES_PSK;
}

/* RFC 2409 5.2 / 5.3: an ID payload whose body is a ciphertext is no ID the decoder can judge
 * (its first octet may read as any identification type): what it noted on it is dropped. */
static void drop_id_findings(enum ik_xchg x, int msgno, struct ik_msg *m)
{
	size_t k = 0;

	if (msgno > (x == IK_X_MAIN ? 4 : 2) || (x == IK_X_MAIN && msgno < 3))
		return;
	for (size_t i = 0; i < m->nfindings; i++)
		if (m->findings[i].notify != IK_NOTIFY_INVALID_ID_INFORMATION)
			m->findings[k++] = m->findings[i];
	m->nfindings = k;
}

/* The message rules (messages.def) and what the decoder noted (RFC 2408 2.5.2: a RESERVED field not
 * zero, 3.1: a minor version above ours -- the receiver SHOULD discard such a message). */
bool ik_rules_ok(const struct ik_engine *e, const struct ik_sa *sa, enum ik_xchg x, int msgno,
                 struct ik_msg *m, bool enc, struct ik_status *st)
{
	/* RFC 2409 5.1: under signatures, [CERT,] SIG where pre-shared keys put HASH; 5.2 / 5.3:
	 * under encryption the IDs come encrypted in MM3 / MM4 (AM1 / AM2). */
	enum ik_rules_auth auth = sa && x != IK_X_QUICK ? ik_p1_rules_auth(sa) : IK_RULES_PSK;
	if (x == IK_X_AGGR && msgno == 1)
		auth = offered_auth(m);
	if (auth == IK_RULES_ENC)
		drop_id_findings(x, msgno, m);
	add_missing(e, x, msgno, auth, m);
	/* Quirk answer-malformed: no payload rules, no findings. */
	if (IK_HAS(e->cfg.quirks, ANSWER_MALFORMED))
		return true;
	if (m->nfindings)
		return ik_fail(st, m->findings[0].notify, "%s", m->findings[0].text);
	uint8_t types[IK_MAX_PAYLOADS];
	size_t n = ik_pl_types(m, types, IK_MAX_PAYLOADS);
	if (IK_HAS(e->cfg.quirks, SKIP_UNKNOWN_PAYLOADS))
		n = known_types(types, n);
	return ik_rules_check_auth(x, msgno, enc, auth, types, n, st) &&
	       (!IK_HAS(e->cfg.quirks, FIXED_ORDER) ||
	        ik_rules_in_order(x, msgno, auth, types, n, st));
}

/* RFC 2408 5.8, RFC 2407 4.6.2: an ID of a type of fixed size (an address, a subnet, a range)
 * whose data has another length is the sender's fault, noted by the decoder (the only finding
 * with INVALID-ID-INFORMATION; ik_rules_ok dropped those on encrypted IDs, RFC 2409 5.2). Not in
 * QM2, whose IDci and IDcr are ours sent back (RFC 2409 5.5), maybe as a case broke them. */
void ik_id_fault(struct ik_sa *sa, enum ik_xchg x, int msgno, const struct ik_msg *m)
{
	if (x == IK_X_QUICK && msgno == 2)
		return;
	for (size_t i = 0; sa && i < m->nfindings; i++)
		if (m->findings[i].notify == IK_NOTIFY_INVALID_ID_INFORMATION) {
			struct ik_status why = {0};
			ik_fail(&why, 0, "%s", m->findings[i].text);
			ik_sa_fault(sa, IK_RULE_ID_DATA, &why);
			return;
		}
}
