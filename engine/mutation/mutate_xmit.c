/*
 * Mutations on the way out and in (mutate.h): which transmission (or reception) of a message a
 * mutation meets, the builds of one message (mutated for the wire, clean for retransmission,
 * later #N variants), the send operations (drop, duplicate, delay, replay) and recv (drop,
 * duplicate). The edits of one build are in mutate_apply.c.
 *
 * #N: a mutation for one transmission only (retransmissions count). The first transmission
 * builds the clean message (kept for retransmission; its IV chain is the one that continues, so
 * a DUT that drops the bad message accepts the clean retransmission) and the mutated one (sent).
 * For a later transmission (#2: the first retransmission) the mutated variant is built at the
 * first transmission from the same tree and IV and sent in place of the stored one when its turn
 * comes. Without #N the stored message is the mutated one.
 */
#include "mutate_apply.h"
#include "consts.h"

#include <stdlib.h>
#include <string.h>

#define MAX_STORED 64 /* replay store per engine: enough for any exchange, bounded for serve */

struct stored { /* our last wire octets of one message of one SA, for replay:MSG */
	uint8_t icookie[8];
	enum ik_xchg x;
	int msg;
	uint8_t *p;
	size_t len;
	struct stored *next;
};

struct variant { /* a #N transmission, N > 1, prebuilt at the first one; or (idx KEPT) which
		 * every-time mutations the stored message carries */
	size_t idx;
	unsigned mask;
	uint8_t icookie[8];
	uint8_t msgid[4];
	uint8_t *p;
	size_t len;
	struct variant *next;
};

struct delayed { /* send:delay: the datagram waits for a loop timer */
	struct ik_engine *e;
	struct ik_sock *s;
	struct sockaddr_storage peer;
	uint64_t timer;
	uint8_t *p;
	size_t len;
	struct delayed *next;
};

struct ik_mut_state {
	struct stored *stored;
	size_t nstored;
	struct variant *variants;
	struct delayed *delayed;
};

#define BIT(i) (1u << (i))
#define KEPT   SIZE_MAX

static bool build_place(enum ik_mut_place p)
{
	return p == IK_MP_FIELD || p == IK_MP_PLAIN || p == IK_MP_WIRE || p == IK_MP_IV ||
	       p == IK_MP_CLEAR;
}

size_t ik_mut_n(const struct ik_engine *e)
{
	return e->nmut < 32 ? e->nmut : 32;
}

static struct ik_mut_state *state(struct ik_engine *e)
{
	if (!e->mst)
		e->mst = calloc(1, sizeof(*e->mst));
	return e->mst;
}

/* ---- which mutations a transmission or reception meets ---- */

static bool msg_match(const struct ik_mutation *m, enum ik_xchg x, int msgno)
{
	return m->xchg == x && (x == IK_X_INFO || m->msg == msgno);
}

/* Count one transmission (recv: reception) of MSG; every: mutations for each one, now: for
 * this one (#N), later: #N still to come. */
static void count(struct ik_engine *e, enum ik_xchg x, int msgno, bool recv, unsigned *every,
                  unsigned *now, unsigned *later)
{
	*every = *now = *later = 0;
	for (size_t i = 0; i < ik_mut_n(e); i++) {
		struct ik_mutation *m = &e->mut[i];
		if ((m->place == IK_MP_RECV) != recv || !msg_match(m, x, msgno))
			continue;
		m->seen++;
		if (!m->nth)
			*every |= BIT(i);
		else if (m->nth == m->seen)
			*now |= BIT(i);
		else if (m->nth > m->seen)
			*later |= BIT(i);
	}
}

unsigned ik_mut_places(const struct ik_engine *e, unsigned mask, bool build)
{
	unsigned r = 0;
	for (size_t i = 0; i < ik_mut_n(e); i++)
		if ((mask & BIT(i)) && build_place(e->mut[i].place) == build)
			r |= BIT(i);
	return r;
}

/* Count what took effect: `applied`, the log, and "mutated: ..." for the ladder rung. */
static void count_applied(struct ik_engine *e, unsigned done, char *note, size_t n)
{
	size_t l = 0;
	for (size_t i = 0; i < ik_mut_n(e); i++) {
		if (!(done & BIT(i)))
			continue;
		e->mut[i].applied++;
		IK_LOG(e, "mutated: %s", e->mut[i].text);
		if (note && l < n)
			l += (size_t)snprintf(note + l, n - l, "%s%s",
			                      l ? "; " : "mutated: ", e->mut[i].text);
	}
}

/* ---- sending ---- */

static bool any_replay(const struct ik_engine *e)
{
	for (size_t i = 0; i < ik_mut_n(e); i++)
		if (e->mut[i].op == IK_MO_REPLAY)
			return true;
	return false;
}

/* Keep our last wire octets of each message per SA while some mutation may replay them. */
static void store(struct ik_sa *sa, enum ik_xchg x, int msgno, const uint8_t *p, size_t len)
{
	struct ik_mut_state *ms = state(sa->eng);
	struct stored *s, **pp;

	if (!ms || !any_replay(sa->eng))
		return;
	for (s = ms->stored; s; s = s->next)
		if (!memcmp(s->icookie, sa->icookie, 8) && s->x == x && s->msg == msgno)
			break;
	if (!s && ms->nstored >= MAX_STORED) { /* the oldest goes */
		for (pp = &ms->stored; (*pp)->next; pp = &(*pp)->next)
			;
		free((*pp)->p);
		free(*pp);
		*pp = NULL;
		ms->nstored--;
	}
	if (!s) {
		if (!(s = calloc(1, sizeof(*s))))
			return;
		memcpy(s->icookie, sa->icookie, 8);
		s->x = x, s->msg = msgno;
		s->next = ms->stored;
		ms->stored = s;
		ms->nstored++;
	}
	uint8_t *b = malloc(len ? len : 1);
	if (!b)
		return;
	if (len) /* a mutation may have cut the message to nothing: p is NULL then */
		memcpy(b, p, len);
	free(s->p);
	s->p = b, s->len = len;
}

static const struct stored *stored_of(struct ik_sa *sa, enum ik_xchg x, int msgno)
{
	struct ik_mut_state *ms = sa->eng->mst;
	for (const struct stored *s = ms ? ms->stored : NULL; s; s = s->next)
		if (!memcmp(s->icookie, sa->icookie, 8) && s->x == x && s->msg == msgno)
			return s;
	return NULL;
}

static void delayed_fire(void *arg)
{
	struct delayed *d = arg, **pp;
	struct ik_engine *e = d->e;
	struct ik_status st;

	if (ik_sock_send_ike(d->s, &d->peer, d->p, d->len, &st) && e->tap)
		e->tap(e, true, &d->peer, d->s->port, d->p, d->len);
	for (pp = &e->mst->delayed; *pp && *pp != d; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = d->next;
	free(d->p);
	free(d);
}

static bool delay(struct ik_sa *sa, uint64_t ms, const uint8_t *p, size_t len)
{
	struct ik_engine *e = sa->eng;
	struct ik_mut_state *st = state(e);
	struct delayed *d = calloc(1, sizeof(*d));

	if (!st || !d || !(d->p = malloc(len ? len : 1))) {
		free(d);
		return false;
	}
	if (len) /* p is NULL for a message cut to nothing */
		memcpy(d->p, p, len);
	d->len = len;
	d->e = e;
	d->s = sa->floated && e->natt.fd >= 0 ? &e->natt : &e->sock; /* as ik_send_wire */
	d->peer = sa->peer;
	d->timer = ik_loop_timer(e->loop, ms, delayed_fire, d);
	d->next = st->delayed;
	st->delayed = d;
	return true;
}

/* One transmission with its send-place mutations (mask); done collects what took effect. True
 * when it counts as transmitted, a deliberate drop or delay included. */
static bool transmit(struct ik_sa *sa, enum ik_xchg x, int msgno, const uint8_t *p, size_t len,
                     unsigned mask, bool broken, unsigned *done, struct ik_status *st)
{
	struct ik_engine *e = sa->eng;
	struct ik_mut_ctx mx = {.e = e, .sa = sa, .x = x, .msgno = msgno};
	unsigned drop = 0, dup = 0, late = 0, frag = 0;
	uint64_t ms = 0;

	for (size_t i = 0; i < ik_mut_n(e); i++) {
		const struct ik_mutation *m = &e->mut[i];
		if (!(mask & BIT(i)))
			continue;
		if (m->place == IK_MP_FRAG) /* one fragment: frag_io.c applies it */
			frag |= BIT(i);
		else if (m->op == IK_MO_DROP)
			drop |= BIT(i);
		else if (m->op == IK_MO_DUPLICATE)
			dup |= BIT(i);
		else if (m->op == IK_MO_DELAY)
			late |= BIT(i), ms = m->num > ms ? m->num : ms;
		else if (m->op == IK_MO_REPLAY) {
			const struct stored *s = stored_of(sa, m->replay_x, m->replay_msg);
			if (!s)
				ik_mut_not_applied(&mx, m, "%s of this SA was never sent",
				                   ik_msg_name(m->replay_x, m->replay_msg));
			else if (ik_send_wire(sa, s->p, s->len, st))
				*done |= BIT(i);
		}
	}
	store(sa, x, msgno, p, len);
	if (drop) {
		*done |= drop;
		return true;
	}
	if (late) {
		if (!delay(sa, ms, p, len))
			return ik_fail(st, 0, "transmit: out of memory");
		*done |= late;
		return true;
	}
	/* broken: p carries a build mutation (the tap tells the runner; replays and delayed copies
	 * are not marked, so nothing is tied to them) */
	e->tx_broken = broken;
	e->frag_mask = frag, e->frag_done = 0;
	bool ok = ik_send_wire(sa, p, len, st);
	e->frag_mask = 0;
	*done |= e->frag_done;
	if (ok && dup && ik_send_wire(sa, p, len, st))
		*done |= dup;
	e->tx_broken = false;
	return ok;
}

static bool keep_variant(struct ik_engine *e, size_t idx, const struct ik_wr *w)
{
	struct ik_mut_state *ms = state(e);
	struct variant *v = calloc(1, sizeof(*v));

	if (!ms || !v || w->len < IK_HDR_LEN || !(v->p = malloc(w->len))) {
		free(v);
		return false;
	}
	v->idx = idx;
	memcpy(v->icookie, w->p, 8);
	memcpy(v->msgid, w->p + 24, 4);
	memcpy(v->p, w->p, w->len);
	v->len = w->len;
	v->next = ms->variants;
	ms->variants = v;
	return true;
}

/* Remember which every-time mutations the stored message carries: its retransmissions count. */
static void keep_mask(struct ik_engine *e, const struct ik_wr *keep, unsigned mask)
{
	struct ik_mut_state *ms = state(e);
	struct variant *v;

	if (!ms || keep->len < IK_HDR_LEN)
		return;
	for (v = ms->variants; v; v = v->next)
		if (v->idx == KEPT && !memcmp(v->icookie, keep->p, 8) &&
		    !memcmp(v->msgid, keep->p + 24, 4))
			break;
	if (!v && mask && (v = calloc(1, sizeof(*v)))) {
		v->idx = KEPT;
		memcpy(v->icookie, keep->p, 8);
		memcpy(v->msgid, keep->p + 24, 4);
		v->next = ms->variants;
		ms->variants = v;
	}
	if (v)
		v->mask = mask;
}

/* The prebuilt #N variant of mutation idx for the message stored in keep (KEPT: the mask). */
static const struct variant *variant_of(struct ik_engine *e, size_t idx, const struct ik_wr *keep)
{
	for (const struct variant *v = e->mst ? e->mst->variants : NULL; v; v = v->next)
		if (v->idx == idx && keep->len >= IK_HDR_LEN && !memcmp(v->icookie, keep->p, 8) &&
		    !memcmp(v->msgid, keep->p + 24, 4))
			return v;
	return NULL;
}

/* Our nonce as the kept message carries it: SKEYID and the quick mode HASHes then use the
 * value the peer got. (A responder derived SKEYID before sending MM4/AM2: not followed.) Under
 * public key encryption phase 1's NONCE carries the nonce's RSA ciphertext (RFC 2409 5.2, 5.3),
 * not the nonce: ours stays what we encrypted. */
static void own_state(struct ik_sa *sa, struct ik_qm *qm, const struct ik_msg *m)
{
	const struct ik_val *v =
		qm || ik_p1_rules_auth(sa) != IK_RULES_ENC
			? ik_fget(ik_pl_find(m, IK_PAYLOAD_NONCE, 0), IK_F_NONCE_DATA)
			: NULL;
	bool ini = qm ? qm->role == IK_INITIATOR : sa->role == IK_INITIATOR;
	/* phase 1's nonces are in its handshake part, gone once phase 1 is over (ike.h) */
	struct ik_p1_hs *hk = !qm && sa->hs ? &sa->hs->k : NULL;
	uint8_t *dst = qm ? (ini ? qm->k.ni : qm->k.nr) : hk ? (ini ? hk->ni : hk->nr) : NULL;
	size_t *len = qm   ? (ini ? &qm->k.ni_len : &qm->k.nr_len)
	              : hk ? (ini ? &hk->ni_len : &hk->nr_len)
	                   : NULL;

	if (v && dst && v->len <= IK_MAX_NONCE) {
		memcpy(dst, v->bytes, v->len);
		*len = v->len;
	}
	/* Our phase 1 offers as sent: the reply is checked against them (RFC 2408 4.2). */
	struct ik_p1_xform offers[IK_MAX_XFORMS];
	size_t n;
	struct ik_status st;
	const struct ik_node *sa_pl = ik_pl_find(m, IK_PAYLOAD_SA, 0);
	if (hk && ini && sa_pl && ik_sa_p1_read(sa_pl, offers, IK_MAX_XFORMS, &n, &st) && n) {
		memcpy(sa->hs->offers, offers, sizeof(offers));
		sa->hs->noffers = n;
	}
	/* Quick mode likewise: QM2 is compared with the proposals as they went out (docs/verdicts.md 6:
	 * a lifetime we broke on purpose and the DUT took is not "the responder changed it"). */
	struct ik_p2_xform p2[IK_MAX_XFORMS];
	uint32_t spis[IK_MAX_XFORMS];
	if (qm && ini && sa_pl && ik_sa_p2_read(sa_pl, p2, spis, IK_MAX_XFORMS, &n, &st) && n) {
		memcpy(qm->offers, p2, sizeof(p2));
		qm->noffers = n;
	}
}

/* One build of a copy of the tree (out stays as it was) with a copy of the IV. */
static bool build_copy(struct ik_mut_ctx *mx, ik_filler fill, bool enc, const struct ik_msg *out,
                       const uint8_t *iv, struct ik_wr *w, struct ik_status *st)
{
	struct ik_msg c = {.hdr = ik_node_clone(out->hdr)};
	uint8_t ivc[IK_MAX_BLOCK] = {0};

	if (iv) /* NULL: a message in the clear */
		memcpy(ivc, iv, sizeof(ivc));
	bool ok = c.hdr && ik_emit_build(mx->sa, mx->qm, fill, enc, &c, ivc, mx, w, st);
	ik_msg_free(&c);
	return ok;
}

/* Whether the message built without this transmission's mutations has the same octets as the
 * one built with them (from the same tree and IV): then they changed nothing, and a case must
 * not be judged as if the DUT had received a broken message (docs/verdicts.md 5). */
static bool unchanged(struct ik_sa *sa, struct ik_qm *qm, ik_filler fill, bool enc,
                      struct ik_msg *pristine, uint8_t *iv, const struct ik_wr *wire)
{
	struct ik_wr w;
	struct ik_status st;
	ik_wr_init(&w);
	bool same = pristine->hdr &&
	            ik_emit_build(sa, qm, fill, enc, pristine, iv, NULL, &w, &st) &&
	            w.len == wire->len && !memcmp(w.p, wire->p, w.len);
	ik_wr_free(&w);
	return same;
}

/* The mutations in `built` changed no octet: counted as no-ops, not as applied. */
static unsigned noop(struct ik_engine *e, unsigned done, unsigned built)
{
	for (size_t i = 0; i < ik_mut_n(e); i++)
		if (built & BIT(i)) {
			e->mut[i].noop++;
			IK_LOG(e, "'%s' changes no octet of this message", e->mut[i].text);
		}
	return done & ~built;
}

bool ik_mut_emit(struct ik_sa *sa, struct ik_qm *qm, enum ik_xchg x, int msgno, ik_filler fill,
                 bool enc, struct ik_msg *out, uint8_t *iv, struct ik_wr *keep, char *note,
                 size_t n, struct ik_status *st)
{
	struct ik_engine *e = sa->eng;
	struct ik_mut_ctx base = {
		.e = e, .sa = sa, .qm = qm, .x = x, .msgno = msgno, .has_fill = fill != NULL};
	unsigned every, now, later, done = 0;
	struct ik_wr wire, clean;
	struct ik_msg pristine = {0};
	bool ok = false, same = false;

	count(e, x, msgno, false, &every, &now, &later);
	unsigned b_every = ik_mut_places(e, every, true), b_now = ik_mut_places(e, now, true);
	later = ik_mut_places(e, later, true);
	ik_wr_init(&wire);
	ik_wr_init(&clean);
	if ((b_now || later || b_every) && !(pristine.hdr = ik_node_clone(out->hdr)))
		return ik_fail(st, 0, "ik_mut_emit: out of memory");
	/* Later transmissions (#N > 1) from the same tree and IV as this one. */
	for (size_t i = 0; i < ik_mut_n(e); i++) {
		struct ik_mut_ctx mx = base;
		struct ik_wr w;
		if (!(later & BIT(i)))
			continue;
		ik_wr_init(&w);
		mx.mask = b_every | BIT(i);
		if (!build_copy(&mx, fill, enc, &pristine, iv, &w, st) || !keep_variant(e, i, &w))
			IK_LOG(e, "'%s': cannot prepare transmission #%u", e->mut[i].text,
			       e->mut[i].nth);
		ik_wr_free(&w);
	}
	struct ik_mut_ctx mw = base, mc = base;
	mw.mask = b_every | b_now;
	mc.mask = b_every;
	if (b_now) {
		/* This transmission mutated, with a copy of the IV; the clean one is kept for
		 * retransmission and its IV chain continues. */
		uint8_t ivc[IK_MAX_BLOCK] = {0};
		if (iv)
			memcpy(ivc, iv, sizeof(ivc));
		if (!ik_emit_build(sa, qm, fill, enc, out, ivc, &mw, &wire, st) ||
		    !ik_emit_build(sa, qm, fill, enc, &pristine, iv, mc.mask ? &mc : NULL, &clean,
		                   st))
			goto out;
	} else {
		uint8_t ivc[IK_MAX_BLOCK] = {0};
		if (iv)
			memcpy(ivc, iv, sizeof(ivc));
		if (!ik_emit_build(sa, qm, fill, enc, out, iv, mw.mask ? &mw : NULL, &wire, st) ||
		    !ik_wr_bytes(&clean, wire.p, wire.len))
			goto out;
		same = mw.done && unchanged(sa, qm, fill, enc, &pristine, iv ? ivc : NULL, &wire);
	}
	done = mw.done;
	if (same ||
	    (b_now && mw.done && wire.len == clean.len && !memcmp(wire.p, clean.p, wire.len)))
		done = noop(e, done, same ? mw.done : mw.done & b_now);
	if (!transmit(sa, x, msgno, wire.p, wire.len, ik_mut_places(e, every | now, false),
	              ik_mut_places(e, done, true) != 0, &done, st))
		goto out;
	ik_wr_reset(keep);
	ik_wr_bytes(keep, clean.p, clean.len);
	keep_mask(e, keep, (b_now ? mc.done : done) & b_every);
	if (b_now ? mc.done : mw.done)
		own_state(sa, qm, b_now ? &pristine : out);
	count_applied(e, done, note, n);
	ok = true;
out:
	ik_msg_free(&pristine);
	ik_wr_free(&wire);
	ik_wr_free(&clean);
	return ok;
}

bool ik_mut_resend(struct ik_sa *sa, enum ik_xchg x, int msgno, const struct ik_wr *keep,
                   bool reply, char *note, size_t n, struct ik_status *st)
{
	struct ik_engine *e = sa->eng;
	unsigned every, now, later, done = 0;
	const uint8_t *p = keep->p;
	size_t len = keep->len;

	count(e, x, msgno, false, &every, &now, &later);
	/* The stored message already carries the every-time changes; #N ones were prebuilt. */
	const struct variant *kept = variant_of(e, KEPT, keep);
	if (kept)
		done |= kept->mask & every;
	for (size_t i = 0; i < ik_mut_n(e); i++) {
		const struct variant *v;
		if (!(ik_mut_places(e, now, true) & BIT(i)))
			continue;
		if (!(v = variant_of(e, i, keep))) {
			IK_LOG(e, "'%s' not applied: no prepared transmission #%u", e->mut[i].text,
			       e->mut[i].nth);
			continue;
		}
		p = v->p, len = v->len;
		done |= BIT(i);
	}
	unsigned sendm = ik_mut_places(e, every | now, false);
	if (reply) /* the peer retransmitted: duplicating or replaying the answer feeds a loop */
		for (size_t i = 0; i < ik_mut_n(e); i++)
			if (e->mut[i].op == IK_MO_DUPLICATE || e->mut[i].op == IK_MO_REPLAY)
				sendm &= ~BIT(i);
	bool sent = transmit(sa, x, msgno, p, len, sendm, done != 0, &done, st);
	count_applied(e, done, note, n);
	return sent;
}

/* ---- receiving ---- */

/* The message number a datagram carries as the engine sees it: the one it expects next, or
 * the last it received when this is a retransmission of it. */
static bool recv_msg(struct ik_engine *e, const struct ik_dgram *d, enum ik_xchg *x, int *msgno,
                     struct ik_sa **sap)
{
	static const uint8_t zero[8];
	const uint8_t *p = d->data;
	uint8_t h[32];

	if (d->len < IK_HDR_LEN)
		return false;
	uint8_t exch = p[18];
	uint32_t msgid =
		(uint32_t)p[20] << 24 | (uint32_t)p[21] << 16 | (uint32_t)p[22] << 8 | p[23];
	struct ik_sa *sa = ik_sa_find(e, p, p + 8, &d->peer);
	*sap = sa;
	if (exch == IK_EXCH_INFO) {
		*x = IK_X_INFO, *msgno = 0;
		return true;
	}
	if (exch == IK_EXCH_ID_PROT || exch == IK_EXCH_AGGRESSIVE) {
		*x = exch == IK_EXCH_ID_PROT ? IK_X_MAIN : IK_X_AGGR;
		if (!sa) {
			*msgno = 1;
			return !memcmp(p + 8, zero, 8);
		}
		ik_digest_of(d->data, d->len, h);
		int last = ik_msg_sender(sa->xchg, sa->msg) == sa->role ? sa->msg - 1 : sa->msg;
		*msgno = !memcmp(h, sa->last_in, 32) ? last : sa->msg + 1;
		return sa->xchg == *x;
	}
	if (exch == IK_EXCH_QUICK && sa) {
		struct ik_qm *q = sa->qms;
		while (q && q->msgid != msgid)
			q = q->next;
		*x = IK_X_QUICK;
		if (!q) {
			*msgno = 1;
			return true;
		}
		ik_digest_of(d->data, d->len, h);
		int last = ik_msg_sender(IK_X_QUICK, q->msg) == q->role ? q->msg - 1 : q->msg;
		*msgno = !memcmp(h, q->last_in, 32) ? last : q->msg + 1;
		return true;
	}
	return false;
}

unsigned ik_mut_recv(struct ik_engine *e, const struct ik_dgram *d)
{
	enum ik_xchg x;
	int msgno;
	struct ik_sa *sa = NULL;
	unsigned every, now, later, done = 0, times = 1;
	char note[sizeof(((struct ik_rung *)0)->note)] = "";

	if (d->kind != IK_DGRAM_IKE || !recv_msg(e, d, &x, &msgno, &sa))
		return 1;
	count(e, x, msgno, true, &every, &now, &later);
	for (size_t i = 0; i < ik_mut_n(e); i++) {
		if (!((every | now) & BIT(i)))
			continue;
		done |= BIT(i);
		if (e->mut[i].op == IK_MO_DROP)
			times = 0;
		else if (times)
			times = 2;
	}
	if (!done)
		return 1;
	count_applied(e, done, note, sizeof(note));
	struct ik_rung *r = sa ? ik_ladder_add(&sa->ladder, false, x, msgno) : NULL;
	if (r) {
		snprintf(r->payloads, sizeof(r->payloads), "%s",
		         times ? "(processed twice)" : "(ignored as if lost)");
		snprintf(r->note, sizeof(r->note), "%s", note);
	}
	return times;
}

void ik_mut_free(struct ik_engine *e)
{
	struct ik_mut_state *ms = e->mst;

	if (!ms)
		return;
	while (ms->stored) {
		struct stored *s = ms->stored;
		ms->stored = s->next;
		free(s->p);
		free(s);
	}
	while (ms->variants) {
		struct variant *v = ms->variants;
		ms->variants = v->next;
		free(v->p);
		free(v);
	}
	while (ms->delayed) {
		struct delayed *d = ms->delayed;
		ms->delayed = d->next;
		ik_loop_cancel(e->loop, d->timer);
		free(d->p);
		free(d);
	}
	free(ms);
	e->mst = NULL;
}
