/*
 * The driver: every received IKE message and every message we send passes through here.
 *
 *   in:  datagram -> header decode -> SA lookup -> retransmission? -> decrypt -> body decode
 *        -> message rules (rules.c) -> the step that expects it (ik_step_find) -> reply; every
 *        message's rules and steps are one row of messages.def
 *   out: tree -> encode -> fill HASHes on the encoded octets -> pad, encrypt -> send, keep for
 *        retransmission -> ladder
 *
 * Quick mode and informational exchanges live under their ISAKMP SA (ik_qm), phase 1 in ik_sa.
 */
#include "ike.h"
#include "consts.h"
#include "crypto.h"
#include "rng.h"
#include "rules.h"
#include "xchg.h"
#include "mutate_apply.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

void ik_log(const struct ik_engine *e, const char *fn, const char *fmt, ...)
{
	va_list ap;

	if (e && e->quiet)
		return;
	fprintf(stderr, "%s: ", fn);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

#define OTHER(role) ((role) == IK_INITIATOR ? IK_RESPONDER : IK_INITIATOR)

/* Two steps per row of messages.def, without a handler where the row names none: the one its
 * sender runs to build it (having received the message before it), and the one its receiver runs
 * to take it when it ends the exchange. */
static const struct ik_step steps[] = {
#define BUILD(f, fl) .fn = f, .fill = fl, .name = #f,
#define LAST(f)
#define MSG(state, name, x, n, sender, enc, payloads, ios, hint, handlers) \
	{.xchg = x, .role = sender, .in = (n)-1, .out = n, handlers},
#include "messages.def"
#undef MSG
#undef LAST
#undef BUILD
#define BUILD(f, fl)
#define LAST(f) .fn = f, .name = #f,
#define MSG(state, name, x, n, sender, enc, payloads, ios, hint, handlers) \
	{.xchg = x, .role = OTHER(sender), .in = n, .out = 0, handlers},
#include "messages.def"
#undef MSG
#undef LAST
#undef BUILD
};

const struct ik_step *ik_step_find(enum ik_xchg x, enum ik_who role, int in)
{
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i].fn && steps[i].xchg == x && steps[i].role == role && steps[i].in == in)
			return &steps[i];
	return NULL;
}

uint8_t ik_exch_of(enum ik_xchg x)
{
	switch (x) {
	case IK_X_MAIN: return IK_EXCH_ID_PROT;
	case IK_X_AGGR: return IK_EXCH_AGGRESSIVE;
	case IK_X_QUICK: return IK_EXCH_QUICK;
	case IK_X_TRANS: return IK_EXCH_TRANSACTION;
	default: return IK_EXCH_INFO;
	}
}

void ik_digest_of(const uint8_t *p, size_t len, uint8_t out[32])
{
	struct ik_span s = IK_SPAN(p, len);
	ik_digest(ik_hash_by_id(IK_P1_HASH_SHA2_256), &s, 1, out);
}

/* ---- the SA index: ISAKMP SAs by initiator cookie ---- */

/* Cookies are random (RFC 2408 2.5.3), ours from the RNG; mixing the 64 bits spreads a peer's
 * that are not. A peer that picks colliding cookies gets no worse than the list walk. */
static size_t icky_bucket(const struct ik_engine *e, const uint8_t ck[8])
{
	uint64_t x;
	memcpy(&x, ck, 8);
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return (size_t)x & (e->icky_cap - 1);
}

/* Twice the buckets (load factor 1). Each chain is moved in order, so SAs with one cookie
 * stay newest first. */
static bool icky_grow(struct ik_engine *e)
{
	size_t ocap = e->icky_cap, cap = ocap ? 2 * ocap : 64;
	struct ik_sa **old = e->icky, **b = calloc(cap, sizeof(*b));

	if (!b)
		return false;
	e->icky = b;
	e->icky_cap = cap;
	for (size_t i = 0; i < ocap; i++) {
		for (struct ik_sa *s = old[i], *nx; s; s = nx) {
			struct ik_sa **pp = &b[icky_bucket(e, s->icky_key)];
			nx = s->icky_next;
			s->icky_next = NULL;
			while (*pp)
				pp = &(*pp)->icky_next;
			*pp = s;
		}
	}
	free(old);
	return true;
}

static void icky_unfile(struct ik_sa *sa)
{
	struct ik_engine *e = sa->eng;

	if (!sa->indexed) {
		if (e->icky_unfiled)
			e->icky_unfiled--;
		return;
	}
	for (struct ik_sa **pp = &e->icky[icky_bucket(e, sa->icky_key)]; *pp;
	     pp = &(*pp)->icky_next)
		if (*pp == sa) {
			*pp = sa->icky_next;
			break;
		}
	sa->icky_next = NULL;
	sa->indexed = false;
	e->icky_n--;
}

/* File sa under its cookie, at the head of its bucket (it is the newest); when memory runs
 * out it stays unfiled and ik_sa_find walks the list as before. */
static void icky_file(struct ik_sa *sa)
{
	struct ik_engine *e = sa->eng;

	if (e->icky_n >= e->icky_cap && !icky_grow(e)) {
		e->icky_unfiled++;
		return;
	}
	memcpy(sa->icky_key, sa->icookie, 8);
	struct ik_sa **head = &e->icky[icky_bucket(e, sa->icky_key)];
	sa->icky_next = *head;
	*head = sa;
	sa->indexed = true;
	e->icky_n++;
}

void ik_sa_set_icookie(struct ik_sa *sa, const uint8_t ck[8])
{
	icky_unfile(sa);
	memcpy(sa->icookie, ck, 8);
	icky_file(sa);
}

/* ---- SAs ---- */

struct ik_sa *ik_sa_new(struct ik_engine *e, enum ik_who role, enum ik_xchg x,
                        const struct sockaddr_storage *peer)
{
	struct ik_sa *sa = calloc(1, sizeof(*sa));
	if (!sa || !(sa->hs = calloc(1, sizeof(*sa->hs)))) {
		free(sa);
		return NULL;
	}
	sa->eng = e;
	sa->role = role;
	sa->xchg = x;
	sa->peer = *peer;
	ik_wr_init(&sa->last_out);
	ik_ladder_init(&sa->ladder);
	sa->ladder.off = e->cfg.no_ladder;
	/* RFC 2408 2.5.3: cookies unique per SA; from the RNG so seeded runs are reproducible. */
	ik_rng_bytes(role == IK_INITIATOR ? sa->icookie : sa->rcookie, 8);
	sa->next = e->sas;
	e->sas = sa;
	e->sa_count++;
	/* a responder learns the initiator cookie from the message (ik_sa_set_icookie) */
	if (role == IK_INITIATOR)
		icky_file(sa);
	else
		e->icky_unfiled++;
	return sa;
}

void ik_qm_free(struct ik_qm *qm)
{
	struct ik_loop *l = qm->sa->eng->loop;
	ik_loop_cancel(l, qm->rtx_timer);
	ik_qm_keys_wipe(&qm->k);
	ik_wr_free(&qm->last_out);
	free(qm);
}

void ik_sa_end_handshake(struct ik_sa *sa)
{
	if (!sa->hs)
		return;
	ik_p1_hs_wipe(&sa->hs->k);
	OPENSSL_cleanse(sa->hs, sizeof(*sa->hs));
	free(sa->hs);
	sa->hs = NULL;
	OPENSSL_cleanse(sa->k.p1.skeyid, sizeof(sa->k.p1.skeyid));
}

void ik_sa_free(struct ik_sa *sa)
{
	while (sa->txs) {
		struct ik_qm *q = sa->txs;
		sa->txs = q->next;
		ik_qm_free(q);
	}
	icky_unfile(sa);
	while (sa->qms) {
		struct ik_qm *q = sa->qms;
		sa->qms = q->next;
		ik_qm_free(q);
	}
	ik_loop_cancel(sa->eng->loop, sa->held_timer);
	free(sa->held_info);
	ik_loop_cancel(sa->eng->loop, sa->rtx_timer);
	ik_loop_cancel(sa->eng->loop, sa->dpd_timer);
	ik_loop_cancel(sa->eng->loop, sa->ka_timer);
	ik_xa_timers_cancel(sa);
	ik_sa_end_handshake(sa);
	ik_sa_keys_wipe(&sa->k);
	ik_wr_free(&sa->last_out);
	ik_ladder_free(&sa->ladder);
	free(sa->xa.chk_note);
	free(sa->sh.note);
	free(sa->xa.rtx);
	free(sa);
}

/* The first SA, newest first, that the cookies name: the one of both cookies, a responder's
 * still waiting for a retransmitted first message (zero responder cookie, same peer), or our own
 * first message's before its reply named the responder cookie. */
static struct ik_sa *named(struct ik_sa *sa, const uint8_t *ic, const uint8_t *rc,
                           const struct sockaddr_storage *peer)
{
	static const uint8_t zero[8];

	if (memcmp(sa->icookie, ic, 8))
		return NULL;
	if (!memcmp(sa->rcookie, rc, 8))
		return sa;
	if (!memcmp(rc, zero, 8) && sa->role == IK_RESPONDER && ik_addr_equal(&sa->peer, peer))
		return sa;
	if (sa->role == IK_INITIATOR && !memcmp(sa->rcookie, zero, 8))
		return sa;
	return NULL;
}

struct ik_sa *ik_sa_find(struct ik_engine *e, const uint8_t *ic, const uint8_t *rc,
                         const struct sockaddr_storage *peer)
{
	struct ik_sa *found = NULL;

	/* With every SA filed, its bucket holds all candidates in list order (newest first). */
	if (!e->icky_unfiled) {
		for (struct ik_sa *sa = e->icky_cap ? e->icky[icky_bucket(e, ic)] : NULL;
		     sa && !found; sa = sa->icky_next)
			found = named(sa, ic, rc, peer);
		return found;
	}
	for (struct ik_sa *sa = e->sas; sa && !found; sa = sa->next)
		found = named(sa, ic, rc, peer);
	return found;
}

void ik_emit_event(struct ik_sa *sa, struct ik_qm *qm, enum ik_event ev)
{
	if (sa->eng->on_event)
		sa->eng->on_event(sa->eng, sa, qm, ev);
}

void ik_sa_fault(struct ik_sa *sa, const char *rule, const struct ik_status *st)
{
	if (!sa->fault[0])
		snprintf(sa->fault, sizeof(sa->fault), "%s: %.100s", rule, st->why);
}

/* Whether a mutation of the case breaks our offer (message 1 of the exchange): the reply to a
 * broken offer is the case's to judge, not a sender rule's (docs/verdicts.md 6). */
static bool offer_mutated(const struct ik_sa *sa, bool phase1)
{
	for (size_t i = 0; i < sa->eng->nmut; i++)
		if (sa->eng->mut[i].msg == 1 &&
		    sa->eng->mut[i].xchg == (phase1 ? sa->xchg : IK_X_QUICK))
			return true;
	return false;
}

void ik_sa_check_doi(struct ik_sa *sa, const struct ik_node *sa_pl, bool reply, bool phase1)
{
	struct ik_status why = {0};

	if (!sa_pl || (reply && offer_mutated(sa, phase1)))
		return;
	uint32_t doi = ik_fnum(sa_pl, IK_F_SA_DOI), sit = ik_fnum(sa_pl, IK_F_SA_SITUATION);
	/* An initiator may open another DOI's phase 1 (0, generic; 2, GDOI): ours to refuse. */
	if (!reply && (phase1 || doi != 0))
		return;
	if (doi != IK_DOI_IPSEC)
		ik_fail(&why, 0, "its %s SA payload has DOI %u%s",
		        phase1 ? "phase 1" : "quick mode", doi,
		        reply ? ", our offer's is 1" : ", 0 is for phase 1 only");
	else if (sit != IK_SIT_IDENTITY_ONLY)
		ik_fail(&why, 0, "its reply has situation 0x%x, our offer's is 0x1", sit);
	if (why.why[0])
		ik_sa_fault(sa, IK_RULE_SA_DOI, &why);
}

void ik_sa_check_xform_numbers(struct ik_sa *sa, const struct ik_node *sa_pl)
{
	struct ik_status why = {0};

	for (size_t i = 0; sa_pl && i < sa_pl->nkids && !why.why[0]; i++) {
		const struct ik_node *p = sa_pl->kids[i];
		for (size_t a = 0; a < p->nkids && !why.why[0]; a++)
			for (size_t b = a + 1; b < p->nkids && !why.why[0]; b++)
				if (ik_fnum(p->kids[a], IK_F_T_NUMBER) ==
				    ik_fnum(p->kids[b], IK_F_T_NUMBER))
					ik_fail(&why, 0,
					        "proposal #%u has transforms %zu and %zu both #%u",
					        ik_fnum(p, IK_F_P_NUMBER), a + 1, b + 1,
					        ik_fnum(p->kids[a], IK_F_T_NUMBER));
	}
	if (why.why[0])
		ik_sa_fault(sa, IK_RULE_XFORM_NUM, &why);
}

/* The exchange cannot go on: record why and where, stop retransmitting, tell the user. */
void ik_sa_fail(struct ik_sa *sa, struct ik_qm *qm, const struct ik_status *st)
{
	if (sa->dead && !qm)
		return;
	sa->st = *st;
	if (qm) {
		ik_loop_cancel(sa->eng->loop, qm->rtx_timer);
		qm->rtx_timer = 0;
	} else {
		sa->dead = true;
		sa->eng->ndead++;
		ik_loop_cancel(sa->eng->loop, sa->rtx_timer);
		sa->rtx_timer = 0;
	}
	IK_LOG(sa->eng, "%s: %s", !qm ? "phase 1" : qm->tx ? "transaction" : "quick mode", st->why);
	ik_emit_event(sa, qm, IK_EV_FAILED);
	/* the handlers of the event may still read the handshake part */
	if (!qm)
		ik_sa_end_handshake(sa);
}

/* ---- output ---- */

static void rtx_fire(void *arg);
static void qm_rtx_fire(void *arg);

bool ik_send_wire(struct ik_sa *sa, const uint8_t *p, size_t len, struct ik_status *st)
{
	struct ik_engine *e = sa->eng;
	if (e->wedged)
		return true;     /* quirk die-on-refusal: a "crashed" daemon sends nothing */
	sa->tx_ms = ik_now_ms(); /* RFC 3948 4: a packet to the peer postpones its keepalive */
	struct ik_sock *s = sa->floated && e->natt.fd >= 0 ? &e->natt : &e->sock;
	/* quirk natt-info-500: informationals after the float go where the peer was before it */
	if ((IK_HAS(e->cfg.quirks, NATT_INFO_500)) && s == &e->natt && len > 18 &&
	    p[18] == IK_EXCH_INFO && sa->peer_ike.ss_family)
		return ik_send_datagram(e, &e->sock, &sa->peer_ike, p, len, st);
	/* quirk natt-float-src-500: the floated initiator's IKE leaves from its IKE port, marker
	 * and all, for the peer's NAT-T port */
	if ((IK_HAS(e->cfg.quirks, NATT_FLOAT_SRC_500)) && s == &e->natt &&
	    sa->role == IK_INITIATOR) {
		struct ik_sock from = e->sock;
		from.natt = true;
		return ik_sock_send_ike(&from, &sa->peer, p, len, st);
	}
	/* IKEv1 fragmentation (frag.h): after encryption, the complete message in slices. */
	e->tx_frags = 0;
	if (ik_frag_wanted(sa, len, s == &e->natt))
		return ik_frag_send(sa, s, p, len, st);
	return ik_send_datagram(e, s, &sa->peer, p, len, st);
}

#define LOCAL_TRIES 3 /* sends of one datagram our host refuses before it counts as lost */

/* One datagram: IKE on the NAT-T port after the non-ESP marker (RFC 3948 2.2), but for the quirk. */
static bool send_once(struct ik_engine *e, struct ik_sock *s, const struct sockaddr_storage *peer,
                      const uint8_t *p, size_t len, struct ik_status *st)
{
	/* cfg.natt_no_marker: the tester breaks RFC 3948 2.2 on purpose (NATT-013) */
	if (s == &e->natt && ((IK_HAS(e->cfg.quirks, NATT_NO_MARKER)) || e->cfg.natt_no_marker))
		return ik_sock_send_raw(s, peer, p, len, st);
	return ik_sock_send_ike(s, peer, p, len, st);
}

bool ik_send_datagram(struct ik_engine *e, struct ik_sock *s, const struct sockaddr_storage *peer,
                      const uint8_t *p, size_t len, struct ik_status *st)
{
	/* A refusal by our own host is often momentary (a full queue, a firewall dropping a share of
	 * packets): tried again at once, a few times, because a message nobody answers (QM3, a
	 * Delete, MM6) is never retransmitted and would be lost for good. */
	for (int i = 0; !send_once(e, s, peer, p, len, st); i++) {
		/* Our own host refused the datagram (a firewall answering EPERM, a full queue, no
		 * route): to the exchange it is a datagram lost on the way, so the retransmission
		 * timer resends it (RFC 2408 5.1); the count and the reason tell the caller that the
		 * fault was local, not the peer's. */
		e->send_failed = true;
		e->send_errors++;
		snprintf(e->send_error, sizeof(e->send_error), "%.119s", st->why);
		IK_LOG(e, "not sent: %s", st->why);
		if (i + 1 == LOCAL_TRIES)
			return true;
	}
	e->send_failed = false;
	if (e->tap)
		e->tap(e, true, peer, s->port, p, len);
	return true;
}

bool ik_engine_send_esp(struct ik_engine *e, const struct sockaddr_storage *to, const uint8_t *p,
                        size_t len, struct ik_status *st)
{
	return ik_engine_send_esp_marked(e, to, p, len, 0, 0, st);
}

/* Whether ESP may go (false with st set), the tap told when it does; a wedged engine sends
 * nothing. */
static bool esp_goes(struct ik_engine *e, const struct sockaddr_storage *to, const uint8_t *p,
                     size_t len, struct ik_status *st)
{
	if (e->natt.fd < 0)
		return ik_fail(st, 0, "ESP: no NAT-T socket (ESP travels in UDP here, RFC 3948)");
	/* RFC 3948 2.1: an ESP packet's SPI is never zero, so no marker is needed to tell it
	 * from IKE. Quirk esp-udp-spi-zero: it goes all the same. */
	if (len < 8 || (!(p[0] | p[1] | p[2] | p[3]) && !(IK_HAS(e->cfg.quirks, ESP_UDP_SPI_ZERO))))
		return ik_fail(st, 0, "ESP: a packet with SPI 0 would read as IKE (RFC 3948 2.1)");
	if (!e->wedged && e->esp_tap)
		e->esp_tap(e, true, to, p, len);
	return true;
}

/* RFC 3948 2.1 (UDP-ESP), 2.3 (NAT-keepalives): "the UDP checksum SHOULD be transmitted as
 * a zero value" over IPv4. The NAT-T socket also carries IKE, whose checksum stays: the option
 * is on for this one datagram. Quirk udp-checksum: the kernel's checksum goes on it. */
static void udp_zero(struct ik_engine *e, bool on)
{
	if (!IK_HAS(e->cfg.quirks, UDP_CHECKSUM))
		ik_sock_no_check(&e->natt, on);
}

bool ik_engine_send_esp_marked(struct ik_engine *e, const struct sockaddr_storage *to,
                               const uint8_t *p, size_t len, uint8_t tos, uint8_t ttl,
                               struct ik_status *st)
{
	if (!esp_goes(e, to, p, len, st))
		return false;
	if (e->wedged)
		return true;
	udp_zero(e, true);
	bool ok = tos || ttl ? ik_sock_send_marked(&e->natt, to, p, len, tos, ttl, st)
	                     : ik_sock_send_raw(&e->natt, to, p, len, st);
	udp_zero(e, false);
	return ok;
}

bool ik_engine_send_esp_fragments(struct ik_engine *e, const struct sockaddr_storage *to,
                                  const uint8_t *p, size_t len, size_t frag, struct ik_status *st)
{
	if (!esp_goes(e, to, p, len, st))
		return false;
	return e->wedged || ik_sock_send_fragments(&e->natt, to, p, len, frag, st);
}

bool ik_engine_send_keepalive(struct ik_engine *e, const struct sockaddr_storage *to,
                              struct ik_status *st)
{
	static const uint8_t ka = 0xff;
	if (e->natt.fd < 0)
		return ik_fail(
			st, 0,
			"keepalive: no NAT-T socket (RFC 3948 2.3: it goes where UDP-ESP goes)");
	if (e->wedged)
		return true;
	if (e->esp_tap)
		e->esp_tap(e, true, to, &ka, 1);
	udp_zero(e, true);
	bool ok = ik_sock_send_raw(&e->natt, to, &ka, 1, st);
	udp_zero(e, false);
	return ok;
}

/* Short payload list for the ladder: "HDR*, HASH, SA, NONCE", "HDR*, HASH, ATTR(CFG-SET)". */
void ik_ladder_payloads(const struct ik_msg *m, bool enc, char *buf, size_t cap)
{
	size_t l = (size_t)snprintf(buf, cap, "HDR%s", enc ? "*" : "");
	for (size_t i = 0; m->hdr && i < m->hdr->nkids && l < cap; i++) {
		const struct ik_node *k = m->hdr->kids[i];
		l += (size_t)snprintf(buf + l, cap - l, ", %s", k->sd->name);
		/* a transaction's ATTR says what it is: "ATTR(CFG-REQUEST)" (draft-dukes 3.2) */
		if (k->type == IK_PAYLOAD_ATTR && l < cap)
			l += (size_t)snprintf(buf + l, cap - l, "(%s)",
			                      ik_name(IK_T_CFG_TYPE, ik_fnum(k, IK_F_ATTR_TYPE)));
	}
}

static uint16_t first_notify(const struct ik_msg *m)
{
	const struct ik_node *n = ik_pl_find(m, IK_PAYLOAD_N, 0);
	return n ? (uint16_t)ik_fnum(n, IK_F_N_TYPE) : 0;
}

/*
 * Encode, fill the HASH payloads over the encoded octets, pad and encrypt when enc: the wire
 * octets of out in *wire. iv: the CBC IV chain to use and advance (phase 1 or this quick
 * mode's). mx: the mutations to apply on the way (mutate_apply.c), NULL for none; each hook is
 * one of the named places of DESIGN.md "Mutations".
 */
bool ik_emit_build(struct ik_sa *sa, struct ik_qm *qm, ik_filler fill, bool enc, struct ik_msg *out,
                   uint8_t *iv, struct ik_mut_ctx *mx, struct ik_wr *wire, struct ik_status *st)
{
	struct ik_wr plain;
	struct ik_msg dec = {0};
	bool ok = false;

	ik_wr_init(&plain);
	if (enc && mx && ik_mut_clear(mx)) /* `MSG crypto omit`: in the clear */
		enc = false;
	if (mx && !ik_mut_tree(mx, out, false, st)) /* field paths, before encoding */
		goto done;
	if (!ik_encode_body(out, &plain, st))
		goto done;
	if (fill) {
		dec.hdr = ik_node_clone(out->hdr);
		if (!dec.hdr || !ik_decode_body(&dec, plain.p, plain.len, st)) {
			if (!mx || !ik_mut_dec_of(mx, out, &dec, st))
				goto done;
		}
		if (!fill(sa, qm, plain.p, plain.len, &dec, st) &&
		    !(mx && ik_mut_fill_failed(mx, st)))
			goto done;
		if (mx && !ik_mut_after_fill(mx, out, &plain, st)) /* paths into HASH */
			goto done;
	}
	if (mx && !ik_mut_plain(mx, &plain, st))
		goto done;
	if (enc) {
		/* RFC 2409 App. B: pad with zero octets to the cipher block size. */
		size_t blk = sa->k.blk;
		if (plain.len % blk && !ik_wr_zero(&plain, blk - plain.len % blk))
			goto done;
		if (mx)
			ik_mut_iv(mx, iv, blk);
		if (!ik_p1_crypt(&sa->k, iv, plain.p, plain.len, true, st))
			goto done;
		/* unless a mutation pinned the flags: then the encrypted body goes out as it says */
		const struct ik_val *fl = ik_fget(out->hdr, IK_F_HDR_FLAGS);
		if (!fl || !fl->pinned)
			ik_node_set_num(out->hdr, IK_F_HDR_FLAGS,
			                ik_fnum(out->hdr, IK_F_HDR_FLAGS) | IK_HDR_FLAG_ENC);
	}
	if (enc || fill || (mx && mx->plain_changed)) {
		/* Encrypted, HASH-filled (AM2, AM3) or edited: the patched octets are the message. */
		free(out->body);
		out->body = malloc(plain.len ? plain.len : 1);
		if (!out->body)
			goto done;
		if (plain.len) /* a plaintext cut to nothing (plain truncate:0) has no buffer */
			memcpy(out->body, plain.p, plain.len);
		out->body_len = plain.len;
	}
	if (!ik_encode(out, wire, st) || (mx && !ik_mut_wire(mx, wire, st)))
		goto done;
	ok = true;
done:
	ik_msg_free(&dec);
	ik_wr_free(&plain);
	return ok;
}

/* A transmission our own host refused: the ladder says so (the runner tells that apart from
 * a datagram the DUT never answered). */
static void note_not_sent(const struct ik_engine *e, struct ik_rung *r)
{
	size_t l = strlen(r->note);
	if (e->send_failed && l < sizeof(r->note))
		snprintf(r->note + l, sizeof(r->note) - l, "%s" IK_NOT_SENT, l ? "; " : "");
	l = strlen(r->note);
	if (e->tx_frags && l < sizeof(r->note))
		snprintf(r->note + l, sizeof(r->note) - l, "%sin %u fragments", l ? "; " : "",
		         e->tx_frags);
}

/* Send a message built in out and keep its wire bytes in *keep for retransmission. */
bool ik_emit(struct ik_sa *sa, struct ik_qm *qm, enum ik_xchg x, int msgno, ik_filler fill,
             struct ik_msg *out, uint8_t *iv, struct ik_wr *keep, struct ik_status *st)
{
	struct ik_wr wire;
	/* AM3 may go either way (RFC 2409 5); encrypted, its last CBC block is the base of the
	 * phase 2 IVs (App. B), which a clear AM3 leaves to readings that differ (docs/interop.md). */
	bool enc = ik_rules_enc(x, msgno) == IK_ENC_YES || (x == IK_X_INFO && iv) ||
	           (x == IK_X_AGGR && msgno == 3 && sa->eng->cfg.am3_encrypted);
	/* Quirk modecfg-clear: a transaction we start goes in the clear (mode-cfg 4, 3.1.1). */
	if (x == IK_X_TRANS && msgno == 1 && IK_HAS(sa->eng->cfg.quirks, MODECFG_CLEAR))
		enc = false;
	char note[sizeof(((struct ik_rung *)0)->note)] = "";
	bool ok;

	ik_wr_init(&wire);
	sa->eng->tx_frags = 0;
	if (sa->eng->nmut) {
		ok = ik_mut_emit(sa, qm, x, msgno, fill, enc, out, iv, keep, note, sizeof(note),
		                 st);
	} else {
		/* a REPLY the case leaves unanswered (tester cfg_unanswered): built and kept for
		 * the client's next copy, not sent, as if lost (xauth_rtx.c) */
		bool hold = x == IK_X_TRANS && msgno == 2 && qm && ik_xa_rtx_hold(sa, qm);
		ok = ik_emit_build(sa, qm, fill, enc, out, iv, NULL, &wire, st) &&
		     (hold || ik_send_wire(sa, wire.p, wire.len, st));
		if (hold)
			snprintf(note, sizeof(note), "held: not sent, left unanswered as if lost");
		if (ok) {
			ik_wr_reset(keep);
			ik_wr_bytes(keep, wire.p, wire.len);
		}
	}
	struct ik_rung *r = ok ? ik_ladder_add(&sa->ladder, true, x, msgno) : NULL;
	if (r) {
		ik_ladder_payloads(out, enc, r->payloads, sizeof(r->payloads));
		r->notify = first_notify(out);
		snprintf(r->note, sizeof(r->note), "%s", note);
		note_not_sent(sa->eng, r);
	}
	ik_wr_free(&wire);
	return ok;
}

/* A stored message again (retransmission): the mutations for this transmission apply. */
static void resend(struct ik_sa *sa, enum ik_xchg x, int msgno, const struct ik_wr *keep)
{
	struct ik_status st;
	char note[sizeof(((struct ik_rung *)0)->note)] = "";
	sa->eng->tx_frags = 0;
	bool sent = sa->eng->nmut
	                    ? ik_mut_resend(sa, x, msgno, keep, false, note, sizeof(note), &st)
	                    : ik_send_wire(sa, keep->p, keep->len, &st);
	struct ik_rung *r = sent ? ik_ladder_add(&sa->ladder, true, x, msgno) : NULL;
	if (r) {
		r->retransmit = true;
		snprintf(r->note, sizeof(r->note), "%s", note);
		note_not_sent(sa->eng, r);
	}
}

/* A give-up caused by our own host (sends refused) must not read as a silent peer. */
static void local_errors(const struct ik_engine *e, struct ik_status *st)
{
	size_t l = strlen(st->why);
	if (e->send_errors && l < sizeof(st->why))
		snprintf(st->why + l, sizeof(st->why) - l,
		         "; our host refused %u of our datagrams (%s)", e->send_errors,
		         e->send_error);
}

static void arm_rtx(struct ik_sa *sa, struct ik_qm *qm)
{
	struct ik_engine *e = sa->eng;
	uint32_t n = qm ? qm->rtx_count : sa->rtx_count;
	uint64_t delay = e->cfg.retrans_ms,
		 growth = e->cfg.retrans_growth ? e->cfg.retrans_growth : 100;
	for (uint32_t i = 0; i < n && i < 6; i++) /* at most 2^6 times the first, as before */
		delay += delay * growth / 100;

	if (qm) {
		ik_loop_cancel(e->loop, qm->rtx_timer);
		qm->rtx_timer = ik_loop_timer(e->loop, delay, qm_rtx_fire, qm);
	} else {
		ik_loop_cancel(e->loop, sa->rtx_timer);
		sa->rtx_timer = ik_loop_timer(e->loop, delay, rtx_fire, sa);
	}
}

/* Retransmission with backoff (initiator side, and a responder's last message of an exchange
 * where the initiator speaks last is never retransmitted: RFC 2408 has no acknowledgement). */
static void rtx_fire(void *arg)
{
	struct ik_sa *sa = arg;
	struct ik_status st;
	int expect = sa->msg + 1;

	sa->rtx_timer = 0;
	if (sa->dead || sa->established)
		return;
	if (sa->rtx_count >= sa->eng->cfg.retrans_tries) {
		ik_fail(&st, 0, "no %s from the peer after %u retransmissions of %s (%s): %s",
		        ik_msg_name(sa->xchg, expect), sa->rtx_count,
		        ik_state_name(ik_sa_state(sa)), ik_ios_state(sa->xchg, sa->msg),
		        ik_stall_hint(sa->xchg, expect));
		local_errors(sa->eng, &st);
		ik_sa_fail(sa, NULL, &st);
		return;
	}
	sa->rtx_count++;
	resend(sa, sa->xchg, sa->msg, &sa->last_out);
	arm_rtx(sa, NULL);
}

static void qm_rtx_fire(void *arg)
{
	struct ik_qm *qm = arg;
	struct ik_sa *sa = qm->sa;
	struct ik_status st;

	qm->rtx_timer = 0;
	if (qm->established || sa->dead)
		return;
	if (qm->rtx_count >= sa->eng->cfg.retrans_tries) {
		ik_fail(&st, 0, "no %s from the peer after %u retransmissions of %s: %s",
		        ik_msg_name(ik_qm_xchg(qm), qm->msg + 1), qm->rtx_count,
		        ik_state_name(ik_qm_state(qm)), ik_stall_hint(ik_qm_xchg(qm), qm->msg + 1));
		local_errors(sa->eng, &st);
		ik_sa_fail(sa, qm, &st);
		return;
	}
	/* Quirk tx-rtx-new-mid: an unanswered REQUEST goes again as a new transaction. */
	if (ik_xa_rtx_new_mid(sa, qm))
		return;
	qm->rtx_count++;
	resend(sa, ik_qm_xchg(qm), qm->msg, &qm->last_out);
	arm_rtx(sa, qm);
}

/* Serve quirks p1-iv-restart and qm-iv-restart: the message goes out under its exchange's first
 * IV instead of the last cipher block of the message before (RFC 2409 App. B), so the peer
 * cannot decrypt it. Before the keys exist there is no chain to break. */
static void quirk_iv_restart(struct ik_sa *sa, struct ik_qm *qm, uint8_t *iv)
{
	ik_quirks_t q = sa->eng->cfg.quirks;

	if (!sa->k.have_keys)
		return;
	if (!qm && (IK_HAS(q, P1_IV_RESTART)))
		memcpy(iv, sa->k.p1.iv, sa->k.blk);
	else if (qm && !qm->tx && (IK_HAS(q, QM_IV_RESTART)))
		ik_p1_phase2_iv(&sa->k, qm->msgid, iv);
}

/* Run one step: build its message, send it, advance. `in` is NULL when the step starts. */
bool ik_run_step(struct ik_sa *sa, struct ik_qm *qm, const struct ik_step *s, struct ik_in *in,
                 struct ik_status *st)
{
	struct ik_msg out = {0};
	static const uint8_t zero[8];
	uint32_t msgid = qm ? qm->msgid : 0;
	bool ok;

	/* A phase 1 step once phase 1 is over (its handshake part is gone): none runs. */
	if (!qm && !sa->hs)
		return ik_fail(st, 0, "%s: phase 1 is over", s->name);
	if (s->out &&
	    !ik_msg_start(&out, sa->icookie, sa->rcookie, ik_exch_of(s->xchg), 0, msgid)) {
		ik_fail(st, 0, "%s: out of memory", s->name);
		return false;
	}
	(void)zero;
	/* The received message counts as done while its reply is built: fillers read it. */
	int *at = qm ? &qm->msg : &sa->msg, before = *at;
	if (s->in)
		*at = s->in;
	ok = s->fn(sa, qm, in, &out, st);
	if (ok && s->out) {
		uint8_t *iv = qm ? qm->k.iv : sa->k.iv;
		quirk_iv_restart(sa, qm, iv);
		ok = ik_emit(sa, qm, s->xchg, s->out, s->fill, &out, iv,
		             qm ? &qm->last_out : &sa->last_out, st);
	}
	ik_msg_free(&out);
	if (!ok) {
		*at = before;
		return false;
	}
	int done = s->out ? s->out : s->in;
	if (qm) {
		qm->msg = done;
		qm->rtx_count = 0;
	} else {
		sa->msg = done;
		sa->rtx_count = 0;
	}
	/* The side that sent the last message of an exchange cannot know it arrived, so only
	 * messages that expect an answer are retransmitted (RFC 2408 has no acknowledgement). */
	bool last =
		!ik_step_find(s->xchg, s->role == IK_INITIATOR ? IK_RESPONDER : IK_INITIATOR, done);
	if (s->out && !last)
		arm_rtx(sa, qm);
	/* a test of an XAUTH client: a clear REQUEST after MM2 / MM4 (xauth_clear.c) */
	if (!qm && s->out && s->xchg == IK_X_MAIN)
		ik_xa_clear_request(sa, s->out);
	return true;
}

struct ik_sa *ik_initiate(struct ik_engine *e)
{
	struct ik_status st;
	enum ik_xchg x = e->cfg.aggressive ? IK_X_AGGR : IK_X_MAIN;
	struct ik_sa *sa = ik_sa_new(e, IK_INITIATOR, x, &e->cfg.remote);

	if (!sa)
		return NULL;
	if (e->cfg.natt_start && e->natt.fd >= 0) { /* RFC 3947 4: "begin on port 4500" */
		sa->floated = true;
		ik_addr_set_port(&sa->peer, e->cfg.remote_natt_port);
	}
	if (!ik_run_step(sa, NULL, ik_step_find(x, IK_INITIATOR, 0), NULL, &st))
		ik_sa_fail(sa, NULL, &st);
	return sa;
}

/* A quick mode or (tx) a transaction exchange under sa, in its list; msgid 0: a random one. */
struct ik_qm *ik_qm_new(struct ik_sa *sa, enum ik_who role, uint32_t msgid, bool tx)
{
	struct ik_qm *qm = calloc(1, sizeof(*qm));

	if (!qm)
		return NULL;
	qm->sa = sa;
	qm->role = role;
	qm->tx = tx;
	qm->msgid = msgid;
	ik_wr_init(&qm->last_out);
	/* RFC 2408 3.1: a random, non-zero message ID per exchange. */
	while (!qm->msgid)
		ik_rng_bytes(&qm->msgid, sizeof(qm->msgid));
	/* RFC 2409 App. B; draft-dukes-ike-mode-cfg-02 3.1.1 takes the same for transactions. */
	ik_p1_phase2_iv(&sa->k, qm->msgid, qm->k.iv);
	struct ik_qm **list = tx ? &sa->txs : &sa->qms;
	qm->next = *list;
	*list = qm;
	return qm;
}

struct ik_qm *ik_quick_initiate(struct ik_sa *sa)
{
	struct ik_status st;
	struct ik_qm *qm = ik_qm_new(sa, IK_INITIATOR, 0, false);

	if (!qm)
		return NULL;
	if (!ik_run_step(sa, qm, ik_step_find(IK_X_QUICK, IK_INITIATOR, 0), NULL, &st))
		ik_sa_fail(sa, qm, &st);
	return qm;
}

/* ---- the engine ---- */

static void on_readable(struct ik_engine *e, struct ik_sock *s)
{
	static struct ik_dgram d; /* 64 KiB: not on the stack; one engine thread */

	while (ik_sock_recv(s, &d))
		ik_engine_input(e, &d);
}

static void on_ike(void *arg)
{
	struct ik_engine *e = arg;
	on_readable(e, &e->sock);
}

static void on_natt(void *arg)
{
	struct ik_engine *e = arg;
	on_readable(e, &e->natt);
}

bool ik_engine_init(struct ik_engine *e, const struct ik_cfg *cfg, struct ik_loop *loop,
                    struct ik_status *st)
{
	memset(e, 0, sizeof(*e));
	e->cfg = *cfg;
	e->loop = loop;
	e->sock.fd = e->natt.fd = -1;
	if (!e->cfg.retrans_ms)
		e->cfg.retrans_ms = 500;
	if (!e->cfg.retrans_tries)
		e->cfg.retrans_tries = 5;
	if (!ik_sock_open(&e->sock, &e->cfg.local, e->cfg.local_len, false, st))
		return false;
	ik_addr_set_port(&e->cfg.local, e->sock.port);
	if (e->cfg.natt_port || e->cfg.natt) {
		struct sockaddr_storage n = e->cfg.local;
		ik_addr_set_port(&n, e->cfg.natt_port);
		if (!ik_sock_open(&e->natt, &n, e->cfg.local_len, true, st)) {
			ik_sock_close(&e->sock);
			return false;
		}
		e->cfg.natt_port = e->natt.port;
	}
	if (!e->cfg.remote_natt_port)
		e->cfg.remote_natt_port = 4500;
	/* A socket the loop does not poll would read as a silent DUT: refuse to start instead. */
	if (!ik_loop_add_fd(loop, e->sock.fd, on_ike, e) ||
	    (e->natt.fd >= 0 && !ik_loop_add_fd(loop, e->natt.fd, on_natt, e))) {
		ik_loop_del_fd(loop, e->sock.fd);
		ik_sock_close(&e->sock);
		ik_sock_close(&e->natt);
		return ik_fail(st, 0, "event loop full: more than %d sockets", IK_LOOP_MAX_FDS);
	}
	return true;
}

/* The tester's NAT mapping changes (RFC 3947 7): a new NAT-T socket on a port the system picks
 * takes the old one's place, so everything we send from here on leaves from a new source port.
 * The old socket is no longer polled; it is the caller's (to hear what still comes there). Not
 * from a socket callback: the loop's table of sockets changes (from a timer, or outside). */
bool ik_engine_natt_move(struct ik_engine *e, struct ik_sock *old, struct ik_status *st)
{
	struct ik_sock n = {.fd = -1};
	struct sockaddr_storage a = e->cfg.local;

	if (e->natt.fd < 0)
		return ik_fail(st, 0, "no NAT-T socket whose mapping could move");
	ik_addr_set_port(&a, 0);
	if (!ik_sock_open(&n, &a, e->cfg.local_len, true, st))
		return false;
	if (!ik_loop_add_fd(e->loop, n.fd, on_natt, e)) {
		ik_sock_close(&n);
		return ik_fail(st, 0, "event loop full: more than %d sockets", IK_LOOP_MAX_FDS);
	}
	ik_loop_del_fd(e->loop, e->natt.fd);
	*old = e->natt;
	e->natt = n;
	e->cfg.natt_port = n.port;
	return true;
}

void ik_engine_free(struct ik_engine *e)
{
	if (e->loop) {
		if (e->sock.fd >= 0)
			ik_loop_del_fd(e->loop, e->sock.fd);
		if (e->natt.fd >= 0)
			ik_loop_del_fd(e->loop, e->natt.fd);
	}
	while (e->sas) {
		struct ik_sa *sa = e->sas;
		e->sas = sa->next;
		ik_sa_free(sa);
	}
	free(e->icky);
	e->icky = NULL;
	e->icky_cap = e->icky_n = e->icky_unfiled = 0;
	ik_mut_free(e);
	ik_frag_free(e);
	ik_sock_close(&e->sock);
	ik_sock_close(&e->natt);
	OPENSSL_cleanse(e->cfg.psk, sizeof(e->cfg.psk));
}
