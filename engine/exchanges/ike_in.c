/*
 * The driver's input side: a received datagram is decoded, matched to its ISAKMP SA (and quick
 * mode), recognised as a retransmission or decrypted, checked against the message rules and
 * handed to the step of the state table that expects it. Phase 1 and quick mode differ only in
 * their fronts (p1_input, qm_input: what names the exchange, what only it checks); the rest is
 * one path (take) over a view of either (struct progress).
 */
#include "consts.h"
#include "rules.h"
#include "xchg.h"
#include "mutate_apply.h"

#include <stdlib.h>
#include <string.h>

/* A refused message: say so on the ladder and, before phase 1 keys exist, with a plain notify
 * (RFC 2408 5: a notify tells the peer why); afterwards the notify is protected (info.c). */
static void refuse(struct ik_sa *sa, struct ik_qm *qm, const struct ik_status *st)
{
	ik_quirks_t quirks = sa->eng->cfg.quirks;
	/* Quirk no-notify: refuse without a word. */
	bool tell = st->notify && !(IK_HAS(quirks, NO_NOTIFY));

	/* Quirk die-on-refusal: the refusal "crashes" us before any answer (quirk.def). */
	if (IK_HAS(quirks, DIE_ON_REFUSAL))
		sa->eng->wedged = true;
	/* Quirk info-qm-mid: INVALID-ID-INFORMATION for a quick mode's identities goes under the
	 * refused exchange's own message ID. */
	if (tell && sa->established && qm && (IK_HAS(quirks, INFO_QM_MID)) &&
	    st->notify == IK_NOTIFY_INVALID_ID_INFORMATION)
		ik_send_notify_mid(sa, qm->msgid, st->notify, IK_PROTO_ISAKMP, NULL, 0, NULL, 0);
	else if (tell && sa->established)
		ik_send_notify(sa, st->notify, IK_PROTO_ISAKMP, NULL, 0, NULL, 0);
	else if (tell)
		ik_send_plain_notify(sa, st->notify);
	ik_sa_fail(sa, qm, st);
}

static void note_in(struct ik_sa *sa, enum ik_xchg x, int msgno, const struct ik_msg *m, bool enc,
                    const char *note)
{
	struct ik_rung *r = ik_ladder_add(&sa->ladder, false, x, msgno);
	if (!r)
		return;
	ik_ladder_payloads(m, enc, r->payloads, sizeof(r->payloads));
	const struct ik_node *n = ik_pl_find(m, IK_PAYLOAD_N, 0);
	r->notify = n ? (uint16_t)ik_fnum(n, IK_F_N_TYPE) : 0;
	if (note)
		snprintf(r->note, sizeof(r->note), "%s", note);
	size_t l = strlen(r->note);
	if (sa->eng->rx_frags && l < sizeof(r->note))
		snprintf(r->note + l, sizeof(r->note) - l, "%sreassembled from %u fragments",
		         l ? "; " : "", sa->eng->rx_frags);
}

/* Decrypt the body of m with a copy of iv (advanced to the last ciphertext block) and decode
 * it; *plain receives the buffer the node offsets point into. */
static bool open_body(struct ik_sa *sa, struct ik_msg *m, uint8_t *iv, uint8_t **plain,
                      struct ik_status *st)
{
	if (!sa->k.have_keys)
		return ik_fail(st, IK_NOTIFY_INVALID_FLAGS,
		               "encrypted message before the keys exist (RFC 2408 3.1 E flag)");
	if (!m->body_len || m->body_len % sa->k.blk)
		return ik_fail(st, IK_NOTIFY_PAYLOAD_MALFORMED,
		               "encrypted body of %zu octets is not a whole number of %zu-octet "
		               "blocks",
		               m->body_len, sa->k.blk);
	*plain = malloc(m->body_len);
	if (!*plain)
		return ik_fail(st, 0, "out of memory");
	memcpy(*plain, m->body, m->body_len);
	if (!ik_p1_crypt(&sa->k, iv, *plain, m->body_len, false, st))
		return false;
	if (!ik_decode_body_with(m, *plain, m->body_len, ik_dec_opts(sa->eng), st)) {
		/* Garbage after decryption in phase 1: almost always a wrong key, i.e. a PSK mismatch.
		 * Once phase 1 is established its keys are proven (HASH_I, HASH_R): a malformed message. */
		char why[sizeof(st->why)];
		snprintf(why, sizeof(why), "%.190s (after decryption%s)", st->why,
		         sa->established ? " with the established ISAKMP SA's keys"
		                         : ": likely a pre-shared key mismatch");
		return ik_fail(st, IK_NOTIFY_PAYLOAD_MALFORMED, "%s", why);
	}
	/* Quirk answer-unparsed: decrypted octets the decoder found fault with do not parse either
	 * (a wrong IV or key garbles them into odd payload types and RESERVED fields). */
	if (IK_HAS(sa->eng->cfg.quirks, ANSWER_UNPARSED) && (m->nfindings || !m->hdr->nkids))
		return ik_fail(st,
		               m->nfindings ? m->findings[0].notify : IK_NOTIFY_PAYLOAD_MALFORMED,
		               "%s", m->nfindings ? m->findings[0].text : "no payload");
	return true;
}

static struct ik_sa *p1_responder(struct ik_engine *e, struct ik_msg *m, const struct ik_dgram *d)
{
	uint8_t exch = (uint8_t)ik_fnum(m->hdr, IK_F_HDR_EXCH);
	enum ik_xchg x = exch == IK_EXCH_AGGRESSIVE ? IK_X_AGGR : IK_X_MAIN;
	char a[80];

	/* quirk natt-no-start: no new exchange on the NAT-T port (RFC 3947 4 says "MUST support") */
	if ((IK_HAS(e->cfg.quirks, NATT_NO_START)) && e->natt.fd >= 0 &&
	    d->local_port == e->natt.port)
		return NULL;
	if (ik_fnum(m->hdr, IK_F_HDR_MSGID)) {
		IK_LOG(e, "%s: phase 1 start with message ID %u dropped (RFC 2408 2.4: must be 0)",
		       ik_addr_str(&d->peer, a, sizeof(a)), ik_fnum(m->hdr, IK_F_HDR_MSGID));
		return NULL;
	}
	struct ik_sa *sa = ik_sa_new(e, IK_RESPONDER, x, &d->peer);
	if (!sa)
		return NULL;
	ik_sa_set_icookie(sa, ik_fget(m->hdr, IK_F_HDR_ICOOKIE)->bytes);
	sa->floated = e->natt.fd >= 0 && d->local_port == e->natt.port;
	return sa;
}

/* What the receive path needs of the exchange a message belongs to, phase 1 (qm NULL) or one
 * quick mode, so that both take their messages through one tail (take); qm also says what its
 * last message completes (complete). */
struct progress {
	struct ik_sa *sa;
	struct ik_qm *qm;
	enum ik_xchg x;
	enum ik_who role;
	int *msg;               /* the last message done: ik_state_of(x, *msg) */
	uint8_t *iv;            /* the CBC IV chain its messages are under */
	uint8_t *last_in;       /* digest of the last message taken: spots retransmissions */
	struct ik_wr *last_out; /* what we sent last: sent again for a retransmission */
	/* Restored when the message is refused (follow). */
	struct sockaddr_storage peer_old;
	bool floated_old;
	uint8_t iv_old[IK_MAX_BLOCK];
};

static struct progress progress_of(struct ik_sa *sa, struct ik_qm *qm)
{
	if (qm)
		return (struct progress){.sa = sa,
		                         .qm = qm,
		                         .x = ik_qm_xchg(qm),
		                         .role = qm->role,
		                         .msg = &qm->msg,
		                         .iv = qm->k.iv,
		                         .last_in = qm->last_in,
		                         .last_out = &qm->last_out};
	return (struct progress){.sa = sa,
	                         .x = sa->xchg,
	                         .role = sa->role,
	                         .msg = &sa->msg,
	                         .iv = sa->k.iv,
	                         .last_in = sa->last_in,
	                         .last_out = &sa->last_out};
}

static enum ik_state state_of(const struct progress *p)
{
	return ik_state_of(p->x, *p->msg);
}

/* Whether d holds the same octets as the message whose digest is dg. */
static bool same_in(const uint8_t *dg, const struct ik_dgram *d)
{
	uint8_t h[32];
	ik_digest_of(d->data, d->len, h);
	return !memcmp(h, dg, 32);
}

/* What we sent last, again, for a copy of the message it answered. */
static void resend_stored(const struct progress *p);

/* The same octets again: answer with what we sent last, and never advance twice. */
static bool retransmitted(const struct progress *p, const struct ik_dgram *d)
{
	if (!same_in(p->last_in, d))
		return false;
	resend_stored(p);
	return true;
}

static void resend_stored(const struct progress *p)
{
	struct ik_sa *sa = p->sa;
	struct ik_wr *keep = p->last_out;
	int msgno = *p->msg;
	struct ik_rung *r =
		ik_ladder_add(&sa->ladder, false, p->x, msgno - 1 > 0 ? msgno - 1 : msgno);
	if (r) {
		r->retransmit = true;
		snprintf(r->note, sizeof(r->note), "retransmission: stored reply sent again");
	}
	struct ik_status st;
	/* a REPLY the case leaves unanswered once more (xauth_rtx.c) */
	if (p->qm && p->qm->tx && ik_xa_rtx_hold(sa, p->qm)) {
		if (r)
			snprintf(r->note, sizeof(r->note),
			         "held: a copy left unanswered again, as if lost");
	} else if (keep->len && !sa->eng->nmut) {
		ik_send_wire(sa, keep->p, keep->len, &st);
	} else if (keep->len) {
		/* Our stored reply goes out again: a transmission mutations count (mutate.h #N). */
		int mine = ik_msg_sender(p->x, msgno) == p->role ? msgno : msgno - 1;
		char note[sizeof(r->note)] = "";
		ik_mut_resend(sa, p->x, mine, keep, true, note, sizeof(note), &st);
		if (r && note[0])
			snprintf(r->note, sizeof(r->note), "stored reply sent again; %.70s", note);
	}
}

/* Quirk answer-unparsed: HASH(1) of a made-up QM1, now that its octets exist (RFC 2409 5.5). */
static bool fake_hash1(struct ik_sa *sa, struct ik_qm *qm, struct ik_msg *m, uint8_t *b,
                       struct ik_status *st)
{
	uint8_t h[IK_MAX_HASH];
	struct ik_node *hash = ik_pl_find(m, IK_PAYLOAD_HASH, 0);
	if (!hash || !ik_hash_after(sa, m, b, qm->msgid, NULL, 0, h, st))
		return false;
	memcpy(b + hash->off + 4, h, sa->k.p1.h->len);
	return ik_node_set_bytes(hash, IK_F_HASH_DATA, h, sa->k.p1.h->len);
}

/* The made-up message of answer_unparsed, encoded (w) and decoded again (dec) so that it is
 * taken like one that came: made up from the responder's own side (phase1.c, xchg_quick.c). */
static bool make_up(const struct progress *p, int msgno, struct ik_msg *fake, struct ik_wr *w,
                    struct ik_msg *dec, struct ik_status *st)
{
	struct ik_sa *sa = p->sa;
	return ik_msg_start(fake, sa->icookie, sa->rcookie, ik_exch_of(p->x), 0,
	                    p->qm ? p->qm->msgid : 0) &&
	       (p->qm ? ik_qm_fake_input(sa, p->qm, fake, st)
	              : ik_p1_fake_input(sa, msgno, fake, st)) &&
	       ik_encode(fake, w, st) && ik_decode(dec, w->p, w->len, st) &&
	       (!p->qm || fake_hash1(sa, p->qm, dec, w->p, st));
}

/* Quirk answer-unparsed (RFC 2408 5.1-5.3 not done: "the message is discarded"): the responder
 * fails open. The datagram d it could not parse stands for the message it waits for: that one is
 * made up (make_up) and answered; the last cipher block of d is the IV that follows, as CBC
 * chaining would have it. Only phase 1 completes here: a quick mode taken so stays open. */
static void answer_unparsed(struct ik_engine *e, const struct progress *p, const struct ik_dgram *d)
{
	struct ik_sa *sa = p->sa;
	int msgno = *p->msg + 1;
	const struct ik_step *s = ik_step_find(p->x, IK_RESPONDER, msgno);
	struct ik_msg fake = {0}, dec = {0};
	struct ik_status st;
	struct ik_wr w;

	if (!s || p->role != IK_RESPONDER)
		return;
	IK_LOG(e, "quirk answer-unparsed: %s taken as the one expected", ik_msg_name(p->x, msgno));
	ik_status_clear(&st);
	ik_wr_init(&w);
	if (ik_rules_enc(p->x, msgno) == IK_ENC_YES && sa->k.have_keys && d->len >= sa->k.blk)
		memcpy(p->iv, d->data + d->len - sa->k.blk, sa->k.blk);
	bool ok = make_up(p, msgno, &fake, &w, &dec, &st);
	if (ok) {
		struct ik_in in = {.m = dec, .body = w.p, .len = w.len, .d = d, .made_up = true};
		note_in(sa, p->x, msgno, &dec, false, "made up (quirk answer-unparsed)");
		ok = ik_run_step(sa, p->qm, s, &in, &st);
	}
	if (ok)
		ik_digest_of(d->data, d->len, p->last_in);
	if (ok && !p->qm && ik_state_final(state_of(p)))
		ik_p1_done(sa);
	ik_msg_free(&dec);
	ik_msg_free(&fake);
	ik_wr_free(&w);
	if (!ok)
		refuse(sa, p->qm, &st);
}

/* RFC 3947 4: follow a port change only for a message that proves valid; what to restore if it
 * does not (reject) is kept, with the IV its decryption advances. */
static void follow(struct progress *p, const struct ik_dgram *d)
{
	p->peer_old = p->sa->peer;
	p->floated_old = p->sa->floated;
	memcpy(p->iv_old, p->iv, sizeof(p->iv_old));
	ik_natt_follow(p->sa, d);
}

static void reject(struct progress *p, const struct ik_status *st)
{
	memcpy(p->iv, p->iv_old, sizeof(p->iv_old));
	p->sa->peer = p->peer_old, p->sa->floated = p->floated_old;
	refuse(p->sa, p->qm, st);
}

/* The step that takes the next message in our role; NULL when none does (the message is
 * dropped: it is not one the exchange waits for). */
static const struct ik_step *expected(const struct progress *p)
{
	int expect = *p->msg + 1;
	const struct ik_step *s = ik_step_find(p->x, p->role, expect);
	if (s && ik_msg_sender(p->x, expect) != p->role && !(p->qm && p->qm->established))
		return s;
	IK_LOG(p->sa->eng, "unexpected %s message after %s dropped",
	       p->qm ? "quick mode" : "phase 1", ik_state_name(state_of(p)));
	return NULL;
}

/* An exchange's last message taken: phase 1 is up (ik_p1_done), or this quick mode. */
static void complete(struct ik_engine *e, const struct progress *p)
{
	if (!p->qm) {
		ik_p1_done(p->sa);
		return;
	}
	p->qm->established = true;
	if (p->qm->tx) {
		ik_xa_complete(p->sa, p->qm);
		return;
	}
	e->p2_up++;
	ik_emit_event(p->sa, p->qm, IK_EV_P2_UP);
}

/* The one receive path of phase 1 and quick mode, once a front (p1_input, qm_input) has matched
 * m to its exchange p, followed the port and found the step s that expects it: decrypt, the
 * message rules, the ladder, the step, and the exchange complete after its last message. */
static void take(struct ik_engine *e, struct progress *p, const struct ik_step *s, struct ik_msg *m,
                 const struct ik_dgram *d)
{
	int expect = *p->msg + 1;
	bool enc = ik_fnum(m->hdr, IK_F_HDR_FLAGS) & IK_HDR_FLAG_ENC;
	bool unparsed_ok = IK_HAS(e->cfg.quirks, ANSWER_UNPARSED);
	struct ik_in in = {.body = d->data, .len = d->len, .d = d};
	struct ik_status st;
	uint8_t *plain = NULL;

	ik_status_clear(&st);
	bool opened = !enc || open_body(p->sa, m, p->iv, &plain, &st);
	/* Quirk answer-unparsed: a body that does not decrypt to payloads, or a message not in the
	 * shape of its message, is answered all the same. */
	if (unparsed_ok && (!opened || !ik_rules_ok(e, p->sa, p->x, expect, m, enc, &st))) {
		free(plain);
		answer_unparsed(e, p, d);
		return;
	}
	if (!opened)
		goto refused;
	if (enc)
		in.body = plain, in.len = m->body_len;
	in.m = *m;
	note_in(p->sa, p->x, expect, m, enc, NULL);
	if (!ik_rules_ok(e, p->sa, p->x, expect, m, enc, &st)) {
		ik_id_fault(p->sa, p->x, expect, m);
		goto refused;
	}
	if (!ik_run_step(p->sa, p->qm, s, &in, &st))
		goto refused;
	ik_digest_of(d->data, d->len, p->last_in);
	if (!p->qm)
		ik_natt_judge_float(p->sa, expect, d); /* RFC 3947 4: where MM5 (AM3) came */
	if (ik_state_final(state_of(p)))
		complete(e, p);
	free(plain);
	return;
refused:
	free(plain);
	reject(p, &st);
}

/* RFC 3947 4: "Once port change has occurred, if a packet is received on port 500, that packet
 * is old. ... If the packet is a Main Mode or an Aggressive Mode packet (with the same cookies as
 * previous packets), it SHOULD be discarded." True when d is such a packet of sa: dropped, or
 * (quirk natt-old-500) a copy of the peer's last message answered from our IKE port. Quirk
 * natt-old-taken: false, so it is taken (a copy answered as a retransmission, on the NAT-T port). */
static bool old_port(struct ik_engine *e, struct ik_sa *sa, const struct ik_dgram *d)
{
	struct ik_status st;
	char a[80];

	if (e->natt.fd < 0 || !sa->floated || d->local_port == e->natt.port ||
	    (IK_HAS(e->cfg.quirks, NATT_OLD_TAKEN)))
		return false;
	if ((IK_HAS(e->cfg.quirks, NATT_OLD_500)) && same_in(sa->last_in, d) && sa->last_out.len)
		ik_send_datagram(e, &e->sock, &d->peer, sa->last_out.p, sa->last_out.len, &st);
	else
		IK_LOG(e,
		       "phase 1 message from %s on port %u after the float dropped (RFC 3947 4: "
		       "old)",
		       ik_addr_str(&d->peer, a, sizeof(a)), d->local_port);
	return true;
}

/* Quirk natt-new-500-ignored: a new phase 1 on our IKE port from where a peer was before one of
 * its SAs floated (sa->peer_ike) is taken for an old packet; RFC 3947 4 wants it "processed
 * normally". The address and port, not the address alone: on loopback every tester shares it. */
static bool new_500_ignored(const struct ik_engine *e, const struct ik_dgram *d)
{
	if (!(IK_HAS(e->cfg.quirks, NATT_NEW_500_IGNORED)) || d->local_port == e->natt.port)
		return false;
	for (const struct ik_sa *s = e->sas; s; s = s->next)
		if (s->floated && s->established && !s->dead &&
		    ik_addr_equal(&s->peer_ike, &d->peer))
			return true;
	return false;
}

/* The front of phase 1: the cookies name the SA (RFC 2408 2.5.3) or a first message starts one,
 * message ID 0 (RFC 2408 3.1), the exchange type of the SA. */
static void p1_input(struct ik_engine *e, struct ik_msg *m, const struct ik_dgram *d)
{
	static const uint8_t zero[8];
	const uint8_t *ic = ik_fget(m->hdr, IK_F_HDR_ICOOKIE)->bytes,
		      *rc = ik_fget(m->hdr, IK_F_HDR_RCOOKIE)->bytes;
	struct ik_sa *sa = ik_sa_find(e, ic, rc, &d->peer);

	if (!sa && memcmp(rc, zero, 8)) {
		IK_LOG(e, "phase 1 message for unknown cookies dropped (RFC 2408 2.5.3)");
		return;
	}
	if (!sa && (new_500_ignored(e, d) || !(sa = p1_responder(e, m, d))))
		return;
	if (old_port(e, sa, d))
		return;
	/* Quirk restart-on-retransmit: MM1/AM1 again (no responder cookie) opens a new SA. */
	if (IK_HAS(e->cfg.quirks, RESTART_ON_RETRANSMIT) && sa->role == IK_RESPONDER && sa->msg &&
	    !memcmp(rc, zero, 8) && !(sa = p1_responder(e, m, d)))
		return;
	struct progress p = progress_of(sa, NULL);
	if (retransmitted(&p, d) || sa->dead)
		return;
	/* No responder cookie, yet the SA is past its first message: an old copy of MM1/AM1, not
	 * the message expected next (RFC 2408 2.5.3: the cookie pair names the SA). */
	if (sa->role == IK_RESPONDER && sa->msg && !memcmp(rc, zero, 8)) {
		IK_LOG(e, "stale %s (no responder cookie) after %s dropped",
		       ik_msg_name(sa->xchg, 1), ik_state_name(ik_sa_state(sa)));
		return;
	}
	/* RFC 2408 3.1: the message ID is 0 throughout phase 1 (p1_responder checks the first
	 * message). */
	if (ik_fnum(m->hdr, IK_F_HDR_MSGID)) {
		IK_LOG(e, "phase 1 message with message ID %u dropped (RFC 2408 3.1: must be 0)",
		       ik_fnum(m->hdr, IK_F_HDR_MSGID));
		return;
	}
	follow(&p, d);
	if (ik_exch_of(sa->xchg) != ik_fnum(m->hdr, IK_F_HDR_EXCH)) {
		IK_LOG(e, "exchange type %u on a %s SA dropped", ik_fnum(m->hdr, IK_F_HDR_EXCH),
		       sa->xchg == IK_X_MAIN ? "main mode" : "aggressive mode");
		return;
	}
	const struct ik_step *s = expected(&p);
	if (!s)
		return;
	if (sa->role == IK_INITIATOR && !memcmp(sa->rcookie, zero, 8))
		memcpy(sa->rcookie, rc, 8);
	take(e, &p, s, m, d);
}

static struct ik_qm *qm_find(struct ik_sa *sa, uint32_t msgid)
{
	for (struct ik_qm *q = sa->qms; q; q = q->next)
		if (q->msgid == msgid)
			return q;
	return NULL;
}

static struct ik_qm *qm_responder(struct ik_sa *sa, uint32_t msgid)
{
	struct ik_qm *qm = calloc(1, sizeof(*qm));
	if (!qm)
		return NULL;
	qm->sa = sa;
	qm->role = IK_RESPONDER;
	qm->msgid = msgid;
	ik_wr_init(&qm->last_out);
	ik_p1_phase2_iv(&sa->k, msgid, qm->k.iv); /* RFC 2409 App. B */
	qm->next = sa->qms;
	sa->qms = qm;
	return qm;
}

/* Quirk answer-unparsed: message ID 0 is phase 1's (RFC 2408 3.1), so a quick mode under it is
 * a header that does not fit: taken for QM1 all the same and answered under 0. */
static void qm_under_zero(struct ik_engine *e, struct ik_sa *sa, const struct ik_dgram *d)
{
	struct ik_qm *q0 = qm_find(sa, 0);
	if (q0) {
		struct progress p = progress_of(sa, q0);
		if (retransmitted(&p, d))
			return;
	}
	if (q0 || (q0 = qm_responder(sa, 0))) {
		struct progress p = progress_of(sa, q0);
		answer_unparsed(e, &p, d);
	}
}

/* The quick mode a message ID names under an established ISAKMP SA, or a new one as
 * responder; NULL when the message is done with (a retransmission answered, no memory). */
static struct ik_qm *qm_of(struct ik_engine *e, struct ik_sa *sa, uint32_t msgid,
                           const struct ik_dgram *d)
{
	struct ik_qm *qm = qm_find(sa, msgid);
	/* Quirk restart-on-retransmit: QM1 again opens a new quick mode; quirk replay-qm: so does a
	 * QM1 with the message ID of a completed one. Both end up in qm_responder below. */
	if (qm && qm->role == IK_RESPONDER &&
	    ((IK_HAS(e->cfg.quirks, RESTART_ON_RETRANSMIT) && qm->msg == 2 &&
	      same_in(qm->last_in, d)) ||
	     (IK_HAS(e->cfg.quirks, REPLAY_QM) && qm->established)))
		qm = NULL;
	if (qm) {
		struct progress p = progress_of(sa, qm);
		return retransmitted(&p, d) ? NULL : qm;
	}
	return qm_responder(sa, msgid);
}

/* The front of quick mode: an established ISAKMP SA, the quick mode its message ID names (RFC
 * 2408 3.1), and encryption (RFC 2409 5.5: HDR*). */
static void qm_input(struct ik_engine *e, struct ik_msg *m, const struct ik_dgram *d)
{
	struct ik_sa *sa = ik_sa_find(e, ik_fget(m->hdr, IK_F_HDR_ICOOKIE)->bytes,
	                              ik_fget(m->hdr, IK_F_HDR_RCOOKIE)->bytes, &d->peer);
	uint32_t msgid = ik_fnum(m->hdr, IK_F_HDR_MSGID);
	struct ik_status st;

	ik_status_clear(&st);
	if (IK_HAS(e->cfg.quirks, ANSWER_UNPARSED) && !msgid && sa && sa->established &&
	    !sa->dead) {
		qm_under_zero(e, sa, d);
		return;
	}
	if (!sa || !sa->established || sa->dead || !msgid) {
		IK_LOG(e, "quick mode without an established ISAKMP SA (or message ID 0) dropped");
		return;
	}
	/* draft-beaulieu-ike-xauth-02 6: XAUTH comes "before any other exchange". */
	if (ik_xa_blocks_quick(sa)) {
		IK_LOG(e,
		       "quick mode before XAUTH was done dropped (draft-beaulieu-ike-xauth-02 6)");
		return;
	}
	ik_xa_check_quick(sa); /* the client's order (draft-dukes-ike-mode-cfg-02 5.1) */
	struct ik_qm *qm = qm_of(e, sa, msgid, d);
	if (!qm)
		return;
	struct progress p = progress_of(sa, qm);
	follow(&p, d);
	const struct ik_step *s = expected(&p);
	if (!s)
		return;
	if (!(ik_fnum(m->hdr, IK_F_HDR_FLAGS) & IK_HDR_FLAG_ENC)) {
		ik_fail(&st, IK_NOTIFY_INVALID_FLAGS,
		        "quick mode message in the clear (RFC 2409 5.5)");
		reject(&p, &st);
		return;
	}
	take(e, &p, s, m, d);
}

/* The transaction exchange a message ID names under sa (sa->txs), or a new one as its responder
 * (draft-dukes-ike-mode-cfg-02 3.1: the initiator of a transaction need not be phase 1's); NULL
 * when the message is done with (a retransmission answered, no memory). */
static struct ik_qm *tx_of(struct ik_sa *sa, uint32_t msgid, const struct ik_dgram *d)
{
	for (struct ik_qm *q = sa->txs; q; q = q->next) {
		if (q->msgid != msgid)
			continue;
		struct progress p = progress_of(sa, q);
		/* a copy of the client's mode-config REQUEST whose REPLY the case holds back is
		 * timed and compared (xauth_rtx.c), and other octets under its ID taken as a copy */
		bool same = same_in(p.last_in, d);
		if (ik_xa_rtx_copy(sa, q, same) || same) {
			resend_stored(&p);
			return NULL;
		}
		/* new octets under the ID of a transaction already done: the peer used its message ID
		 * again (draft-dukes-ike-mode-cfg-02 3.1.1); dropped as unexpected after this */
		if (q->established)
			ik_xa_check_mid_reuse(sa, msgid);
		return q;
	}
	return ik_qm_new(sa, IK_RESPONDER, msgid, true);
}

/* The front of the transaction exchange (draft-dukes-ike-mode-cfg-02 3.1.1): protected, so only
 * under an established ISAKMP SA, with its own non-zero message ID, encrypted. The unprotected
 * form of 3.1.2 is not run. */
static void tx_input(struct ik_engine *e, struct ik_msg *m, const struct ik_dgram *d)
{
	struct ik_sa *sa = ik_sa_find(e, ik_fget(m->hdr, IK_F_HDR_ICOOKIE)->bytes,
	                              ik_fget(m->hdr, IK_F_HDR_RCOOKIE)->bytes, &d->peer);
	uint32_t msgid = ik_fnum(m->hdr, IK_F_HDR_MSGID);
	struct ik_status st;

	ik_status_clear(&st);
	if (!sa || !sa->established || sa->dead || !msgid) {
		if (sa && !sa->dead)
			ik_xa_clear_in(sa, m, d); /* judged, or answered by a quirk */
		IK_LOG(e, "transaction without an established ISAKMP SA (or message ID 0) dropped");
		return;
	}
	struct ik_qm *qm = tx_of(sa, msgid, d);
	if (!qm)
		return;
	struct progress p = progress_of(sa, qm);
	follow(&p, d);
	const struct ik_step *s = expected(&p);
	if (!s)
		return;
	if (!(ik_fnum(m->hdr, IK_F_HDR_FLAGS) & IK_HDR_FLAG_ENC)) {
		ik_fail(&st, IK_NOTIFY_INVALID_FLAGS,
		        "transaction in the clear under an ISAKMP SA "
		        "(draft-dukes-ike-mode-cfg-02 3.1.1: HDR*)");
		ik_xa_check_clear(sa, msgid);
		ik_xa_clear_in(sa, m, d); /* a password in the clear (xauth_clear.c) */
		reject(&p, &st);
		return;
	}
	take(e, &p, s, m, d);
}

static void input_one(struct ik_engine *e, const struct ik_dgram *d);

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Quirk accept-bad-header: the header b (a copy of the datagram's) rewritten to what the SA its
 * cookies name expects next, so that none of the checks of RFC 2408 5.1 (Length) and 5.2 steps
 * 2-6 (Next Payload, version, exchange type, flags, message ID) can fail: phase 1 while the SA is
 * not up, quick mode under an established one (informational stays informational), E as the
 * exchange's rules say (messages.def), the first payload that message must start with. */
static void lax_header(struct ik_engine *e, uint8_t *b, size_t len, const struct ik_dgram *d)
{
	const struct ik_sa *sa = ik_sa_find(e, b, b + 8, &d->peer);
	uint8_t exch = b[18];
	uint32_t msgid = be32(b + 20);
	enum ik_xchg x = exch == IK_EXCH_AGGRESSIVE ? IK_X_AGGR : IK_X_MAIN;
	int msg = 1;

	if (exch == IK_EXCH_INFO)
		x = IK_X_INFO, msg = sa && sa->k.have_keys ? 1 : IK_INFO_PLAIN;
	else if (sa && sa->established && msgid)
		x = IK_X_QUICK, msg = 1;
	else if (sa)
		x = sa->xchg, msg = sa->msg + 1, msgid = 0;
	else
		msgid = 0;
	enum ik_enc enc = ik_rules_enc(x, msg);
	uint8_t first = ik_rules_first(x, msg);
	if (first)
		b[16] = first;
	b[17] = 0x10; /* version 1.0 */
	b[18] = ik_exch_of(x);
	b[19] = enc == IK_ENC_ANY   ? b[19] & IK_HDR_FLAG_ENC
	        : enc == IK_ENC_YES ? IK_HDR_FLAG_ENC
	                            : 0;
	for (int i = 0; i < 4; i++) {
		b[20 + i] = (uint8_t)(msgid >> (24 - 8 * i));
		b[24 + i] = (uint8_t)(len >> (24 - 8 * i));
	}
}

/* An IKE header (RFC 2408 3.1) whose Length is the datagram's, version 1.x: what the non-ESP
 * marker promises. ESP under SPI 0 has its sequence number and IV there instead. */
static bool ike_shaped(const struct ik_dgram *d)
{
	return d->len >= IK_HDR_LEN && d->data[17] >> 4 == 1 && be32(d->data + 24) == d->len;
}

/* recv mutations (mutate.h) decide how often a datagram is processed: 0 = as if lost. */
void ik_engine_input(struct ik_engine *e, const struct ik_dgram *d)
{
	if (e->rx_tap)
		e->rx_tap(e, d);
	/* RFC 3948 2.1: the peer's ESP under SPI 0 reads as IKE after the non-ESP marker; what is
	 * not shaped like IKE the data path may claim as such (ik_engine esp_marked). */
	if (d->kind == IK_DGRAM_IKE && e->esp_marked && e->natt.fd >= 0 &&
	    d->local_port == e->natt.port && !ike_shaped(d) && e->esp_marked(e, d))
		return;
	/* The tap sees what arrived, even a datagram a recv mutation then drops (pcaps show the wire). */
	if (e->tap && d->kind == IK_DGRAM_IKE)
		e->tap(e, false, &d->peer, d->local_port, d->data, d->len);
	/* ESP and NAT-keepalives (RFC 3948 2.3) belong to the data path: the caller's esp_in
	 * ignores keepalives (or, with a quirk, does not). */
	/* quirk natt-marker-optional: "ESP" whose first octets are the cookies of an SA is taken for
	 * IKE, though RFC 3948 2.2 tells them apart by the marker alone */
	if ((IK_HAS(e->cfg.quirks, NATT_MARKER_OPTIONAL)) && d->kind == IK_DGRAM_ESP &&
	    d->len >= IK_HDR_LEN && ik_sa_find(e, d->data, d->data + 8, &d->peer)) {
		static struct ik_dgram ike;
		ike = *d;
		ike.kind = IK_DGRAM_IKE;
		input_one(e, &ike);
		return;
	}
	/* quirk keepalive-alive: a NAT-keepalive restarts the peer's DPD idle period (dpd.c) */
	if (d->kind == IK_DGRAM_KEEPALIVE && (IK_HAS(e->cfg.quirks, KEEPALIVE_ALIVE)))
		ik_dpd_keepalive(e, d);
	bool data = d->kind == IK_DGRAM_ESP || d->kind == IK_DGRAM_KEEPALIVE;
	if (data && e->esp_tap)
		e->esp_tap(e, false, &d->peer, d->data, d->len);
	if (data && e->esp_in && !e->wedged) {
		e->esp_in(e, d);
		return;
	}
	unsigned times = e->nmut ? ik_mut_recv(e, d) : 1;
	for (unsigned i = 0; i < times; i++)
		input_one(e, d);
}

/* Quirk answer-unparsed: a datagram that does not even decode still names an SA by its first 16
 * octets (the cookies; by the initiator cookie alone when they name none; a new initiator cookie
 * starts one, aggressive if octet 18 says so or the message m, as far as it decoded, carries a
 * KE), and under an established one a quick mode by
 * octets 20-23 (the message ID). */
static void unparsed_datagram(struct ik_engine *e, const struct ik_dgram *d, const struct ik_msg *m)
{
	struct ik_sa *sa = d->len >= 16 ? ik_sa_find(e, d->data, d->data + 8, &d->peer) : NULL;
	uint32_t msgid = d->len >= 24 ? be32(d->data + 20) : 0;
	struct ik_qm *qm = NULL;

	/* What follows the initiator cookie is not to be trusted: the newest SA of this peer
	 * with that initiator cookie, or a new one. */
	for (struct ik_sa *s = e->sas; !sa && d->len >= 16 && s; s = s->next)
		if (!memcmp(s->icookie, d->data, 8) && ik_addr_equal(&s->peer, &d->peer))
			sa = s;
	if (!sa && d->len >= 16) {
		/* aggressive mode's first message is the one that carries a KE */
		bool aggr = (d->len > 18 && d->data[18] == IK_EXCH_AGGRESSIVE) ||
		            (m && ik_pl_find(m, IK_PAYLOAD_KE, 0));
		if (!(sa = ik_sa_new(e, IK_RESPONDER, aggr ? IK_X_AGGR : IK_X_MAIN, &d->peer)))
			return;
		ik_sa_set_icookie(sa, d->data);
		sa->floated = e->natt.fd >= 0 && d->local_port == e->natt.port;
	}
	/* an informational is not an exchange step a responder waits for */
	if (!sa || sa->dead || (sa->established && (!msgid || d->data[18] == IK_EXCH_INFO)))
		return;
	if (sa->established && !(qm = qm_find(sa, msgid)) && !(qm = qm_responder(sa, msgid)))
		return;
	struct progress p = progress_of(sa, qm);
	answer_unparsed(e, &p, d);
}

/* Quirk ignore-cookies (RFC 2408 5.2 step 1 not done): a responder cookie that names no SA is
 * replaced by the cookies of the peer's newest SA (sas are newest first), or by none, which makes
 * the message a first one; a zero one on an SA that is past its first message by that SA's. A
 * zero responder cookie with a new initiator cookie is left alone: that is how a new exchange
 * looks (a retransmitted first message is recognised by its octets, ike_in.c retransmitted). */
static void lax_cookies(struct ik_engine *e, struct ik_msg *m, const struct ik_dgram *d)
{
	static const uint8_t zero[8];
	struct ik_val *ic = &m->hdr->v[IK_F_HDR_ICOOKIE], *rc = &m->hdr->v[IK_F_HDR_RCOOKIE];
	const struct ik_sa *sa = e->sas, *named = ik_sa_find(e, ic->bytes, rc->bytes, &d->peer);

	/* a zero one on an SA past its first message: that SA's (not "a stale first message") */
	if (named && named->role == IK_RESPONDER && named->msg > 1 && !memcmp(rc->bytes, zero, 8))
		memcpy(rc->bytes, named->rcookie, 8);
	if (!memcmp(rc->bytes, zero, 8) || named)
		return;
	while (sa && (sa->dead || !ik_addr_equal(&sa->peer, &d->peer)))
		sa = sa->next;
	if (sa)
		memcpy(ic->bytes, sa->icookie, 8);
	memcpy(rc->bytes, sa ? sa->rcookie : zero, 8);
}

/* RFC 3947 4: once an SA has moved to the NAT-T port, "all subsequent packets sent to this peer
 * (including informational notifications) MUST be sent on port 4500". A quick mode,
 * transaction or informational of an established, floated SA that reaches our IKE port breaks it
 * (phase 1 messages are left out: a retransmitted MM4 may still be on its way on 500). */
static void after_float(struct ik_engine *e, const struct ik_msg *m, const struct ik_dgram *d)
{
	uint8_t exch = (uint8_t)ik_fnum(m->hdr, IK_F_HDR_EXCH);
	if (e->natt.fd < 0 || d->local_port == e->natt.port ||
	    (exch != IK_EXCH_INFO && exch != IK_EXCH_QUICK && exch != IK_EXCH_TRANSACTION))
		return;
	struct ik_sa *sa = ik_sa_find(e, ik_fget(m->hdr, IK_F_HDR_ICOOKIE)->bytes,
	                              ik_fget(m->hdr, IK_F_HDR_RCOOKIE)->bytes, &d->peer);
	if (!sa || !sa->established || !sa->floated)
		return;
	struct ik_status st;
	char a[80];
	ik_fail(&st, 0, "after the float, its %s came to port %u from %s", ik_name(IK_T_EXCH, exch),
	        d->local_port, ik_addr_str(&d->peer, a, sizeof(a)));
	/* the sentence that binds the peer in its role */
	ik_sa_fault(sa,
	            sa->role == IK_INITIATOR
	                    ? "RFC 3947 4 \"MUST update local state so that all subsequent "
	                      "packets ... use the new port\""
	                    : "RFC 3947 4 \"All subsequent packets ... MUST be sent on port "
	                      "4500\"",
	            &st);
}

/* Quirk natt-port-500-only: a source port a NAT made (RFC 3947 3) reaching our IKE port: not 500,
 * not the peer's configured port, and below the ephemeral ports our own tester sockets take. */
static bool nat_made_port(const struct ik_engine *e, const struct ik_dgram *d)
{
	uint16_t p = ik_addr_port(&d->peer);
	return d->local_port == e->sock.port && p != 500 && p != ik_addr_port(&e->cfg.remote) &&
	       p < 32768;
}

static void input_one(struct ik_engine *e, const struct ik_dgram *d)
{
	struct ik_msg m = {0};
	struct ik_status st;
	char a[80];

	if (d->kind != IK_DGRAM_IKE)
		return; /* keepalives need no answer; ESP without a caller's SAs is dropped */
	if (e->wedged)
		return; /* quirk die-on-refusal: "crashed" */
	if ((IK_HAS(e->cfg.quirks, NATT_PORT_500_ONLY)) && nat_made_port(e, d)) {
		IK_LOG(e, "quirk natt-port-500-only: IKE from source port %u dropped",
		       ik_addr_port(&d->peer));
		return;
	}
	static uint8_t lax[IK_MAX_DGRAM];
	bool ok;
	/* IKEv1 fragments (frag.h) are put together before anything else looks at them; E is
	 * cleared first, as strongSwan does: racoon sets it on fragments that are not encrypted. */
	if (d->len > IK_HDR_LEN && d->data[16] == IK_PAYLOAD_FRAG) {
		memcpy(lax, d->data, d->len);
		lax[19] &= (uint8_t)~IK_HDR_FLAG_ENC;
		if (ik_decode(&m, lax, d->len, &st))
			ik_frag_input(e, &m, d);
		else
			IK_LOG(e, "malformed fragment from %s dropped: %s",
			       ik_addr_str(&d->peer, a, sizeof(a)), st.why);
		ik_msg_free(&m);
		return;
	}
	/* Quirk accept-bad-header: the header as the state expects it, the chain's end believed. */
	if (IK_HAS(e->cfg.quirks, ACCEPT_BAD_HEADER) && d->len >= IK_HDR_LEN) {
		memcpy(lax, d->data, d->len);
		lax_header(e, lax, d->len, d);
		ok = ik_decode_with(&m, lax, d->len, ik_dec_opts(e), &st);
	} else {
		ok = ik_decode_with(&m, d->data, d->len, ik_dec_opts(e), &st);
	}
	if (!ok) {
		IK_LOG(e, "malformed message from %s dropped: %s (%s)",
		       ik_addr_str(&d->peer, a, sizeof(a)), st.why,
		       ik_name(IK_T_NOTIFY, st.notify));
		/* Quirk die-on-refusal: a malformed message "crashes" us. */
		if (IK_HAS(e->cfg.quirks, DIE_ON_REFUSAL))
			e->wedged = true;
		/* Quirk answer-unparsed: it is answered instead (RFC 2408 5.1-5.3: discarded). */
		if (IK_HAS(e->cfg.quirks, ANSWER_UNPARSED))
			unparsed_datagram(e, d, NULL);
		return;
	}
	/* Quirk ignore-cookies: a responder cookie naming no SA names the peer's newest one. */
	if (IK_HAS(e->cfg.quirks, IGNORE_COOKIES))
		lax_cookies(e, &m, d);
	/* Quirk answer-unparsed: what the decoder found fault with is answered as unparsed. */
	if (IK_HAS(e->cfg.quirks, ANSWER_UNPARSED) && m.nfindings) {
		unparsed_datagram(e, d, &m);
		ik_msg_free(&m);
		return;
	}
	after_float(e, &m, d);
	switch (ik_fnum(m.hdr, IK_F_HDR_EXCH)) {
	case IK_EXCH_ID_PROT:
	case IK_EXCH_AGGRESSIVE: p1_input(e, &m, d); break;
	case IK_EXCH_QUICK: qm_input(e, &m, d); break;
	case IK_EXCH_TRANSACTION: tx_input(e, &m, d); break;
	case IK_EXCH_INFO:
		ik_info_input(e,
		              ik_sa_find(e, ik_fget(m.hdr, IK_F_HDR_ICOOKIE)->bytes,
		                         ik_fget(m.hdr, IK_F_HDR_RCOOKIE)->bytes, &d->peer),
		              &m, d);
		break;
	default:
		IK_LOG(e, "exchange type %s from %s not supported, dropped",
		       ik_name(IK_T_EXCH, ik_fnum(m.hdr, IK_F_HDR_EXCH)),
		       ik_addr_str(&d->peer, a, sizeof(a)));
	}
	ik_msg_free(&m);
}

void ik_engine_reinput(struct ik_engine *e, const struct ik_dgram *d)
{
	input_one(e, d);
}
