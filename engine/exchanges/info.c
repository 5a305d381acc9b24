/*
 * Informational exchanges (RFC 2408 4.8, RFC 2409 5.7): notifies and deletes, protected by
 * HASH(1) = prf(SKEYID_a, M-ID | N/D) once the ISAKMP SA exists, in the clear before; DPD
 * R-U-THERE / R-U-THERE-ACK (RFC 3706 5) ride on them.
 */
#include "consts.h"
#include "rng.h"
#include "rules.h"
#include "xchg.h"

#include <stdlib.h>
#include <string.h>

static uint32_t fresh_msgid(void)
{
	uint32_t id = 0;
	while (!id)
		ik_rng_bytes(&id, sizeof(id));
	return id;
}

/* End of the payload chain in a decoded message (padding after it is not hashed); a payload
 * that came with no octets (engine/exchanges/ike_in.c add_missing) does not move it. */
static size_t chain_end(const struct ik_msg *m)
{
	size_t end = 0;
	for (size_t i = 0; i < m->hdr->nkids; i++)
		if (m->hdr->kids[i]->off + m->hdr->kids[i]->len > end)
			end = m->hdr->kids[i]->off + m->hdr->kids[i]->len;
	return end;
}

/* prf(SKEYID_a, M-ID | everything after the HASH payload): informational HASH(1) (5.7) and
 * quick mode HASH(1) (5.5) alike; ni adds Ni_b for quick mode HASH(2). */
bool ik_hash_after(const struct ik_sa *sa, const struct ik_msg *m, const uint8_t *base,
                   uint32_t msgid, const uint8_t *ni, size_t ni_len, uint8_t *out,
                   struct ik_status *st)
{
	const struct ik_node *h = m->hdr->nkids ? m->hdr->kids[0] : NULL;
	const struct ik_hash_alg *alg = sa->k.p1.h;

	if (!h || h->type != IK_PAYLOAD_HASH)
		return ik_fail(st, IK_NOTIFY_PAYLOAD_MALFORMED, "HASH is not the first payload");
	size_t from = h->off + h->len, to = chain_end(m);
	struct ik_span rest = IK_SPAN(base + from, to > from ? to - from : 0);
	if (ni)
		return ik_qm_hash2(alg, sa->k.p1.skeyid_a, msgid, IK_SPAN(ni, ni_len), rest, out,
		                   st);
	return ik_qm_hash1(alg, sa->k.p1.skeyid_a, msgid, rest, out, st);
}

bool ik_check_hash_after(const struct ik_sa *sa, const struct ik_in *in, uint32_t msgid,
                         const uint8_t *ni, size_t ni_len, const char *what, struct ik_status *st)
{
	uint8_t want[IK_MAX_HASH];
	const struct ik_val *got = ik_fget(ik_pl_find(&in->m, IK_PAYLOAD_HASH, 0), IK_F_HASH_DATA);

	if (!ik_hash_after(sa, &in->m, in->body, msgid, ni, ni_len, want, st))
		return false;
	/* Quirk ignore-hash: quick mode HASH(1)/(2) and the informational HASH(1) never compared. */
	if (IK_HAS(sa->eng->cfg.quirks, IGNORE_HASH))
		return true;
	if (!got || got->len != sa->k.p1.h->len || !ik_ct_equal(got->bytes, want, got->len))
		return ik_fail(st, IK_NOTIFY_INVALID_HASH_INFORMATION,
		               "%s does not verify (RFC 2409 %s)", what,
		               ni || !strcmp(what, "HASH(1)") ? "5.5" : "5.7");
	return true;
}

static bool fill_info_hash(struct ik_sa *sa, struct ik_qm *qm, uint8_t *plain, size_t len,
                           const struct ik_msg *dec, struct ik_status *st)
{
	uint8_t h[IK_MAX_HASH];
	(void)qm, (void)len;
	if (!ik_hash_after(sa, dec, plain, ik_fnum(dec->hdr, IK_F_HDR_MSGID), NULL, 0, h, st))
		return false;
	memcpy(plain + dec->hdr->kids[0]->off + 4, h, sa->k.p1.h->len);
	return true;
}

/* A protected informational exchange holding the payload `extra` builds. */
static bool send_protected(struct ik_sa *sa, struct ik_msg *out, struct ik_status *st)
{
	uint8_t iv[IK_MAX_BLOCK];
	struct ik_wr keep;
	uint32_t msgid = ik_fnum(out->hdr, IK_F_HDR_MSGID);

	ik_wr_init(&keep);
	ik_p1_phase2_iv(&sa->k, msgid, iv);
	bool ok = ik_emit(sa, NULL, IK_X_INFO, 1, fill_info_hash, out, iv, &keep, st);
	ik_wr_free(&keep);
	return ok;
}

static struct ik_node *notify_payload(struct ik_msg *out, uint16_t type, uint8_t proto,
                                      const uint8_t *spi, size_t spi_len, const uint8_t *data,
                                      size_t dlen)
{
	struct ik_node *n = ik_pl_add(out, IK_PAYLOAD_N);
	if (!n || !ik_node_set_num(n, IK_F_N_DOI, IK_DOI_IPSEC) ||
	    !ik_node_set_num(n, IK_F_N_PROTO, proto) || !ik_node_set_num(n, IK_F_N_TYPE, type) ||
	    (spi_len && !ik_node_set_bytes(n, IK_F_N_SPI, spi, spi_len)) ||
	    (dlen && !ik_node_set_bytes(n, IK_F_N_DATA, data, dlen)))
		return NULL;
	return n;
}

bool ik_send_notify(struct ik_sa *sa, uint16_t type, uint8_t proto, const uint8_t *spi,
                    size_t spi_len, const uint8_t *data, size_t dlen)
{
	return ik_send_notify_mid(sa, fresh_msgid(), type, proto, spi, spi_len, data, dlen);
}

bool ik_send_notify_mid(struct ik_sa *sa, uint32_t msgid, uint16_t type, uint8_t proto,
                        const uint8_t *spi, size_t spi_len, const uint8_t *data, size_t dlen)
{
	struct ik_msg out;
	struct ik_status st;
	bool ok = ik_msg_start(&out, sa->icookie, sa->rcookie, IK_EXCH_INFO, 0, msgid) &&
	          ik_p1_add_hash(&out, sa->k.p1.h->len) &&
	          notify_payload(&out, type, proto, spi, spi_len, data, dlen) &&
	          send_protected(sa, &out, &st);
	ik_msg_free(&out);
	return ok;
}

bool ik_send_delete(struct ik_sa *sa, uint8_t proto, const uint8_t *spis, size_t spi_len,
                    uint16_t count)
{
	struct ik_msg out;
	struct ik_status st;
	struct ik_node *d;
	bool ok = ik_msg_start(&out, sa->icookie, sa->rcookie, IK_EXCH_INFO, 0, fresh_msgid()) &&
	          ik_p1_add_hash(&out, sa->k.p1.h->len) && (d = ik_pl_add(&out, IK_PAYLOAD_D)) &&
	          ik_node_set_num(d, IK_F_D_DOI, IK_DOI_IPSEC) &&
	          ik_node_set_num(d, IK_F_D_PROTO, proto) &&
	          ik_node_set_num(d, IK_F_D_SPI_SIZE, (uint32_t)spi_len) &&
	          ik_node_set_bytes(d, IK_F_D_SPIS, spis, spi_len * count) &&
	          send_protected(sa, &out, &st);
	ik_msg_free(&out);
	return ok;
}

/* RFC 2408 3.15: one IPsec SA, named by the SPI we receive on (the peer sends to it). */
bool ik_send_delete_qm(struct ik_sa *sa, const struct ik_qm *q)
{
	uint8_t spi[4] = {(uint8_t)(q->spi_in >> 24), (uint8_t)(q->spi_in >> 16),
	                  (uint8_t)(q->spi_in >> 8), (uint8_t)q->spi_in};
	return ik_send_delete(sa, IK_PROTO_ESP, spi, 4, 1);
}

/* RFC 2408 3.15 / RFC 2409 5.7: every established IPsec SA, then the ISAKMP SA itself (its SPI
 * is the two cookies), each in its own protected informational exchange. */
bool ik_send_delete_all(struct ik_sa *sa)
{
	uint8_t cookies[16];
	bool ok = true;
	for (struct ik_qm *q = sa->qms; q; q = q->next)
		if (q->established)
			ok = ik_send_delete_qm(sa, q) && ok;
	memcpy(cookies, sa->icookie, 8);
	memcpy(cookies + 8, sa->rcookie, 8);
	return ik_send_delete(sa, IK_PROTO_ISAKMP, cookies, 16, 1) && ok;
}

/* Before the ISAKMP SA exists an error can only go out in the clear (RFC 2408 5). */
bool ik_send_plain_notify(struct ik_sa *sa, uint16_t type)
{
	struct ik_msg out;
	struct ik_wr keep;
	struct ik_status st;
	uint8_t spi[16];

	memcpy(spi, sa->icookie, 8);
	memcpy(spi + 8, sa->rcookie, 8);
	ik_wr_init(&keep);
	/* Through ik_emit like every message (in the clear: no IV), so INFO mutations apply. */
	bool ok = ik_msg_start(&out, sa->icookie, sa->rcookie, IK_EXCH_INFO, 0, 0) &&
	          notify_payload(&out, type, IK_PROTO_ISAKMP, spi, 16, NULL, 0) &&
	          ik_emit(sa, NULL, IK_X_INFO, 0, NULL, &out, NULL, &keep, &st);
	ik_msg_free(&out);
	ik_wr_free(&keep);
	return ok;
}

static uint32_t u32_of(const struct ik_val *v)
{
	return v && v->len == 4 ? (uint32_t)v->bytes[0] << 24 | (uint32_t)v->bytes[1] << 16 |
	                                  (uint32_t)v->bytes[2] << 8 | v->bytes[3]
	                        : 0;
}

/* A phase 1 RESPONDER-LIFETIME from our responder must obey its sender rules (RFC 2407 4.6.3,
 * 4.6.3.1): sent protected, outside aggressive mode (an informational after MM6 or AM3), for the
 * ISAKMP protocol with the cookie pair as its SPI. A break is recorded as the peer's fault. */
static void check_p1_lifetime_notify(struct ik_sa *sa, const struct ik_node *n, bool protected)
{
	struct ik_status st;
	const struct ik_val *spi = ik_fget(n, IK_F_N_SPI);
	uint8_t cookies[16];

	if (sa->role != IK_INITIATOR)
		return;
	memcpy(cookies, sa->icookie, 8);
	memcpy(cookies + 8, sa->rcookie, 8);
	if (!protected)
		ik_fail(&st, 0, "RESPONDER-LIFETIME sent in the clear");
	else if (sa->xchg == IK_X_AGGR && !sa->established)
		ik_fail(&st, 0, "RESPONDER-LIFETIME sent inside aggressive mode");
	else if (ik_fnum(n, IK_F_N_PROTO) != IK_PROTO_ISAKMP || !spi || spi->len != 16 ||
	         memcmp(spi->bytes, cookies, 16))
		ik_fail(&st, 0,
		        "RESPONDER-LIFETIME for the ISAKMP SA without protocol ISAKMP and the "
		        "cookie pair as its 16-octet SPI");
	else
		return;
	ik_sa_fault(sa,
	            "RFC 2407 4.6.3 \"MUST be sent under the protection of an ISAKMP SA\", 4.6.3.1",
	            &st);
}

/* RFC 3706 5: answer R-U-THERE with R-U-THERE-ACK carrying the same sequence number. */
static void on_notify(struct ik_sa *sa, const struct ik_node *n, uint32_t msgid, bool protected)
{
	uint16_t type = (uint16_t)ik_fnum(n, IK_F_N_TYPE);
	const struct ik_val *spi = ik_fget(n, IK_F_N_SPI), *data = ik_fget(n, IK_F_N_DATA);
	char nb[IK_NAME_MAX];

	if (type == IK_NOTIFY_R_U_THERE) {
		if (ik_dpd_query_in(sa, n, msgid, protected))
			ik_send_notify(sa, IK_NOTIFY_R_U_THERE_ACK, IK_PROTO_ISAKMP,
			               spi ? spi->bytes : NULL, spi ? spi->len : 0,
			               data ? data->bytes : NULL, data ? data->len : 0);
		return;
	}
	if (type == IK_NOTIFY_R_U_THERE_ACK && protected) {
		/* The answer to a replay of our first number (ik_send_dpd_replay). */
		if (sa->dpd_replay && u32_of(data) == sa->dpd_seq0) {
			sa->dpd_replay = false;
			ik_emit_event(sa, NULL, IK_EV_DPD_ACK);
			return;
		}
		/* An ACK for any retry of the outstanding query counts (RFC 3706 5.4: the sender
		 * retransmits; a slow peer's ACK to the previous retry still proves it alive). */
		uint32_t back = (sa->dpd_seq - u32_of(data)) & 0x7fffffff;
		if (sa->dpd_unacked && back < sa->dpd_unacked) {
			sa->dpd_unacked = 0;
			if (!sa->dpd_seq0) /* the first number answered, for ik_send_dpd_replay */
				sa->dpd_seq0 = u32_of(data);
			ik_emit_event(sa, NULL, IK_EV_DPD_ACK);
		}
		return;
	}
	if (type == IK_NOTIFY_RESPONDER_LIFETIME)
		check_p1_lifetime_notify(sa, n, protected);
	if (type == IK_NOTIFY_INITIAL_CONTACT && protected && sa->established)
		ik_ic_received(sa); /* RFC 2407 4.6.3.3: in "a separate Informational Exchange" */
	sa->st.notify = type;
	snprintf(sa->st.why, sizeof(sa->st.why), "peer sent %s notify %s",
	         protected ? "a protected" : "an unprotected", ik_fmt(nb, IK_T_NOTIFY, type));
	ik_emit_event(sa, NULL, IK_EV_NOTIFY);
	/* RFC 2408 3.14.1: types below 16384 are errors; one before the SA is up ends it. */
	if (type < 16384 && !sa->established) {
		struct ik_status st = sa->st;
		ik_sa_fail(sa, NULL, &st);
	} else if (type < 16384) {
		/* An error notify under the SA answers our pending quick modes. */
		struct ik_status st = sa->st;
		for (struct ik_qm *q = sa->qms; q; q = q->next)
			if (q->role == IK_INITIATOR && !q->established && q->rtx_timer)
				ik_sa_fail(sa, q, &st);
	}
}

/* An IPsec SA Delete lists the SPIs its sender receives on (RFC 2408 3.15), our outbound ones:
 * the quick modes they name get the event, so a caller with a data path stops using them. */
static void ipsec_deleted(struct ik_sa *sa, const struct ik_node *d)
{
	const struct ik_val *v = ik_fget(d, IK_F_D_SPIS);
	if (ik_fnum(d, IK_F_D_SPI_SIZE) != 4 || !v || !v->bytes)
		return;
	for (size_t o = 0; o + 4 <= v->len; o += 4) {
		uint32_t spi = (uint32_t)v->bytes[o] << 24 | (uint32_t)v->bytes[o + 1] << 16 |
		               (uint32_t)v->bytes[o + 2] << 8 | v->bytes[o + 3];
		for (struct ik_qm *q = sa->qms; q; q = q->next)
			if (q->established && q->spi_out == spi) {
				q->peer_deleted = true;
				ik_emit_event(sa, q, IK_EV_DELETE);
			}
	}
}

static void on_delete(struct ik_sa *sa, const struct ik_node *d)
{
	uint32_t proto = ik_fnum(d, IK_F_D_PROTO);
	/* an unknown protocol reaches here only under quirk delete-lax, which takes it for ISAKMP */
	bool isakmp = proto == IK_PROTO_ISAKMP || proto > IK_PROTO_IPCOMP;

	if (!ik_info_payload_ok(sa, d) || (isakmp && !ik_info_delete_names_sa(sa, d)))
		return;
	sa->st.notify = 0;
	snprintf(sa->st.why, sizeof(sa->st.why), "peer deleted %s SA(s)",
	         ik_name(IK_T_PROTO, proto));
	/* dead before the event, so the listener can tell an ISAKMP SA delete from an IPsec one;
	 * quirk ignore-delete: it stays up */
	if (isakmp && !(IK_HAS(sa->eng->cfg.quirks, IGNORE_DELETE))) {
		sa->dead = true;
		sa->eng->ndead++;
	}
	ik_emit_event(sa, NULL, IK_EV_DELETE);
	if (!isakmp && !(IK_HAS(sa->eng->cfg.quirks, IGNORE_DELETE)))
		ipsec_deleted(sa, d);
}

/* An encrypted informational before phase 1 is complete cannot be read yet: its IV derives from
 * the last CBC block of phase 1 (RFC 2409 App. B), which a lost and resent MM6 has not brought.
 * The newest one is held and read when phase 1 is done; a RESPONDER-LIFETIME sent right after
 * MM6 (RFC 2407 4.6.3.1) is not lost with it (docs/verdicts.md section 7). */
static void hold(struct ik_sa *sa, const struct ik_dgram *d)
{
	if (!sa->held_info && !(sa->held_info = malloc(sizeof(*d))))
		return;
	memcpy(sa->held_info, d, sizeof(*d));
	IK_LOG(sa->eng, "protected informational before phase 1 is complete: held");
}

static void held_fire(void *arg)
{
	struct ik_sa *sa = arg;
	struct ik_dgram *d = sa->held_info;

	sa->held_timer = 0;
	sa->held_info = NULL;
	if (d)
		ik_engine_reinput(sa->eng, d);
	free(d);
}

void ik_info_release(struct ik_sa *sa)
{
	/* from the loop, not from inside the input that completed phase 1 */
	if (sa->held_info && !sa->held_timer)
		sa->held_timer = ik_loop_timer(sa->eng->loop, 0, held_fire, sa);
}

/* RFC 2409 5.7: an informational's message ID "is unique to this exchange and MUST NOT be the
 * same as the message ID of another phase 2 exchange which generated this informational
 * exchange": one under the M-ID of a quick mode or transaction of this SA breaks it. */
static void check_own_mid(struct ik_sa *sa, uint32_t msgid)
{
	struct ik_status st;
	for (int list = 0; list < 2; list++)
		for (const struct ik_qm *q = list ? sa->txs : sa->qms; q; q = q->next) {
			if (q->msgid != msgid)
				continue;
			ik_fail(&st, 0,
			        "its informational came under message ID %08x, that of %s exchange "
			        "under way",
			        msgid, q->tx ? "a transaction" : "a quick mode");
			ik_sa_fault(sa,
			            "IKE-5.7-01 (RFC 2409 5.7 \"MUST NOT be the same as the "
			            "message ID of "
			            "another phase 2 exchange\")",
			            &st);
			return;
		}
}

void ik_info_input(struct ik_engine *e, struct ik_sa *sa, struct ik_msg *m,
                   const struct ik_dgram *d)
{
	struct ik_status st;
	uint8_t *plain = NULL, iv[IK_MAX_BLOCK];
	bool enc = ik_fnum(m->hdr, IK_F_HDR_FLAGS) & IK_HDR_FLAG_ENC;
	uint32_t msgid = ik_fnum(m->hdr, IK_F_HDR_MSGID);
	struct ik_in in = {.body = d->data, .len = d->len, .d = d};

	if (!sa) {
		IK_LOG(e, "informational for unknown cookies dropped");
		return;
	}
	if (enc && !sa->established) {
		hold(sa, d);
		return;
	}
	if (enc) {
		if (!sa->k.have_keys || !m->body_len || m->body_len % sa->k.blk)
			return;
		plain = malloc(m->body_len);
		if (!plain)
			return;
		memcpy(plain, m->body, m->body_len);
		ik_p1_phase2_iv(&sa->k, msgid, iv);
		if (!ik_p1_crypt(&sa->k, iv, plain, m->body_len, false, &st) ||
		    !ik_decode_body_with(m, plain, m->body_len, ik_dec_opts(e), &st)) {
			IK_LOG(e, "protected informational does not decrypt: %s", st.why);
			goto out;
		}
		in.body = plain, in.len = m->body_len;
	}
	in.m = *m;
	uint8_t types[IK_MAX_PAYLOADS];
	size_t n = ik_pl_types(m, types, IK_MAX_PAYLOADS);
	/* Quirk delete-lax: a Delete in the clear is read too (RFC 2408 5.15 step 1: "the message MUST
	 * have these security services applied using the ISAKMP SA"). */
	bool lax_clear =
		!enc && IK_HAS(e->cfg.quirks, DELETE_LAX) && ik_pl_find(m, IK_PAYLOAD_D, 0);
	if ((!lax_clear &&
	     !ik_rules_check(IK_X_INFO, enc ? 1 : IK_INFO_PLAIN, enc, types, n, &st)) ||
	    (enc && !ik_check_hash_after(sa, &in, msgid, NULL, 0, "informational HASH(1)", &st))) {
		IK_LOG(e, "informational dropped: %s", st.why);
		goto out;
	}
	if (enc) {
		sa->rx_ms = ik_now_ms(); /* RFC 3706 5.5: not idle (dpd.c) */
		/* RFC 3947 7: a valid, authenticated IKE packet on the NAT-T port after the float
		 * names the peer's mapping now ("ends that are NOT behind NAT SHOULD use the last
		 * valid UDP encapsulated IKE or IPsec packet"), so what we send next goes there.
		 * Behind a NAT ourselves we do not: "The host behind dynamic NAT MUST NOT do this". */
		if (sa->floated && !sa->nat_here)
			ik_natt_follow(sa, d);
		check_own_mid(sa, msgid);
	}
	struct ik_rung *r = ik_ladder_add(&sa->ladder, false, IK_X_INFO, 0);
	if (r) {
		ik_ladder_payloads(m, enc, r->payloads, sizeof(r->payloads));
		const struct ik_node *nn = ik_pl_find(m, IK_PAYLOAD_N, 0);
		r->notify = nn ? (uint16_t)ik_fnum(nn, IK_F_N_TYPE) : 0;
	}
	for (size_t i = 0; i < m->hdr->nkids; i++) {
		if (m->hdr->kids[i]->type == IK_PAYLOAD_N &&
		    ik_info_payload_ok(sa, m->hdr->kids[i]))
			on_notify(sa, m->hdr->kids[i], msgid, enc);
		else if (m->hdr->kids[i]->type == IK_PAYLOAD_D && (enc || lax_clear))
			on_delete(sa, m->hdr->kids[i]);
	}
out:
	free(plain);
}

/* RFC 3706 5.3: an R-U-THERE carrying seqno, SPI = the two cookies. */
static bool send_query(struct ik_sa *sa, uint32_t seqno)
{
	uint8_t spi[16], seq[4];
	memcpy(spi, sa->icookie, 8);
	memcpy(spi + 8, sa->rcookie, 8);
	for (int i = 0; i < 4; i++)
		seq[i] = (uint8_t)(seqno >> (24 - 8 * i));
	return ik_send_notify(sa, IK_NOTIFY_R_U_THERE, IK_PROTO_ISAKMP, spi, 16, seq, 4);
}

/* RFC 3706 5: R-U-THERE with the next sequence number. */
bool ik_send_dpd(struct ik_sa *sa)
{
	if (!sa->established)
		return false;
	bool first = !sa->dpd_seq;
	if (first)
		ik_rng_bytes(&sa->dpd_seq, sizeof(sa->dpd_seq)); /* RFC 3706 7: random start */
	/* Quirk dpd-seq-stuck: every query carries the first one's number. */
	if (first || !(IK_HAS(sa->eng->cfg.quirks, DPD_SEQ_STUCK)))
		sa->dpd_seq = (sa->dpd_seq + 1) & 0x7fffffff;
	sa->dpd_unacked++;
	return send_query(sa, sa->dpd_seq);
}

bool ik_send_dpd_replay(struct ik_sa *sa)
{
	/* only once a query was answered, a later one sent and answered too: an old number then */
	if (!sa->established || !sa->dpd_seq0 || sa->dpd_seq == sa->dpd_seq0 || sa->dpd_unacked)
		return false;
	sa->dpd_replay = true;
	return send_query(sa, sa->dpd_seq0);
}
