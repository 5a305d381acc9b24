/*
 * The work main mode and aggressive mode share (RFC 2409 5, 5.4): the SA offer and choice,
 * KE and nonce, identities, HASH_I / HASH_R, vendor IDs, NAT-D (RFC 3947 3). The exchanges in
 * xchg_main.c and xchg_aggr.c are then short lists of these steps.
 */
#include "consts.h"
#include "rng.h"
#include "xchg.h"

#include <netinet/in.h>
#include <string.h>

/* Vendor IDs we send (RFC 3947 4, draft-ietf-ipsec-nat-t-ike-02/03, RFC 3706 5.1). */
static const uint8_t vid_rfc3947[16] = {0x4a, 0x13, 0x1c, 0x81, 0x07, 0x03, 0x58, 0x45,
                                        0x5c, 0x57, 0x28, 0xf2, 0x0e, 0x95, 0x45, 0x2f};
static const uint8_t vid_draft03[16] = {0x7d, 0x94, 0x19, 0xa6, 0x53, 0x10, 0xca, 0x6f,
                                        0x2c, 0x17, 0x9d, 0x92, 0x15, 0x52, 0x9d, 0x56};
static const uint8_t vid_draft02n[16] = {0x90, 0xcb, 0x80, 0x91, 0x3e, 0xbb, 0x69, 0x6e,
                                         0x08, 0x63, 0x81, 0xb5, 0xec, 0x42, 0x7b, 0x1f};
static const uint8_t vid_dpd[16] = {0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9,
                                    0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00};

static void keep_id(uint8_t *dst, size_t *dlen, const struct ik_msg *m, const uint8_t *base);

/* draft-beaulieu-ike-xauth-02 4: "Vendor ID = 0x09002689DFD6B712", sent in phase 1 by whoever
 * does XAUTH (engine/codec/payload_vid.def names it, and Cisco Unity's). */
static const uint8_t vid_xauth[8] = {0x09, 0x00, 0x26, 0x89, 0xdf, 0xd6, 0xb7, 0x12};

static bool add_vid(struct ik_msg *out, const uint8_t *v, size_t len)
{
	struct ik_node *n = ik_pl_add(out, IK_PAYLOAD_VID);
	return n && ik_node_set_bytes(n, IK_F_VID_DATA, v, len);
}

static const uint8_t *natt_vid(uint8_t method)
{
	return method == IK_NATT_RFC       ? vid_rfc3947
	       : method == IK_NATT_DRAFT03 ? vid_draft03
	                                   : vid_draft02n;
}

bool ik_p1_offer(struct ik_sa *sa, struct ik_msg *out)
{
	const struct ik_cfg *c = &sa->eng->cfg;

	sa->hs->noffers = c->np1;
	for (size_t i = 0; i < c->np1; i++) {
		sa->hs->offers[i] = c->p1[i];
		/* Quirk xform-same-number: every transform #1 (RFC 2408 3.6: each a unique one). */
		sa->hs->offers[i].number =
			IK_HAS(c->quirks, XFORM_SAME_NUMBER) ? 1 : (uint8_t)(i + 1);
		sa->hs->offers[i].life_s = c->p1_life;
	}
	if (!ik_sa_p1_add(out, sa->hs->offers, sa->hs->noffers))
		return false;
	if (c->natt && !(add_vid(out, vid_rfc3947, 16) && add_vid(out, vid_draft03, 16) &&
	                 add_vid(out, vid_draft02n, 16)))
		return false;
	/* Quirk xauth-no-vid: none (draft-beaulieu-ike-xauth-02 4). */
	if (c->xauth.client && !(IK_HAS(c->quirks, XAUTH_NO_VID)) && !add_vid(out, vid_xauth, 8))
		return false;
	return (!c->dpd || add_vid(out, vid_dpd, 16)) && ik_frag_add_vid(sa, out);
}

/* The best NAT-T method both sides know, DPD support (RFC 3706 5.1) and IKE fragmentation
 * (the FRAGMENTATION vendor ID, frag.h). */
void ik_p1_vids(struct ik_sa *sa, struct ik_in *in)
{
	ik_p1_saw_cr(sa, in); /* a CR may come in the first message too (RFC 2408 3.10) */
	for (size_t i = 0; i < in->m.hdr->nkids; i++) {
		const struct ik_node *n = in->m.hdr->kids[i];
		const struct ik_val *v =
			n->type == IK_PAYLOAD_VID ? ik_fget(n, IK_F_VID_DATA) : NULL;
		if (!v)
			continue;
		const char *name = ik_vendor_name(v->bytes, v->len);
		uint8_t m = IK_NATT_NONE;
		if (!name)
			continue;
		if (!strcmp(name, "RFC 3947"))
			m = IK_NATT_RFC;
		else if (!strcmp(name, "draft-ietf-ipsec-nat-t-ike-03"))
			m = IK_NATT_DRAFT03;
		else if (!strncmp(name, "draft-ietf-ipsec-nat-t-ike-02", 29))
			m = IK_NATT_DRAFT02;
		else if (!strncmp(name, "DPD", 3))
			sa->peer_dpd = true;
		else if (!strcmp(name, "FRAGMENTATION"))
			sa->peer_frag = true; /* frag.h: we may fragment towards it */
		else if (!strcmp(name, "XAUTH"))
			sa->xa.peer_vid = true;
		if (sa->eng->cfg.natt && m > sa->natt_method)
			sa->natt_method = m;
	}
}

static void sa_body(const struct ik_node *sa_pl, const uint8_t *base, struct ik_sa *sa)
{
	size_t len;
	const uint8_t *b = ik_pl_body(sa_pl, base, &len);
	if (b)
		ik_sa_set_sai(&sa->hs->k, b, len);
}

/* RFC 2408 4.2: answer with the chosen transform exactly as offered, numbers kept. */
/* Quirk renumber-reply: the choice goes back as proposal #1 transform #1 (RFC 2408 4.2 "SHOULD
 * retain" the numbers offered). */
static bool reply_sa(struct ik_msg *out, const struct ik_node *sa_in, size_t pick, bool renumber)
{
	struct ik_node *sa_out = ik_node_clone(sa_in);
	if (!sa_out)
		return false;
	struct ik_node *p = sa_out->kids[0];
	for (size_t i = p->nkids; i-- > 0;)
		if (i != pick)
			ik_node_free(ik_node_remove(p, i));
	if (renumber && p->nkids)
		ik_node_set_num(p, IK_F_P_NUMBER, 1), ik_node_set_num(p->kids[0], IK_F_T_NUMBER, 1);
	if (ik_node_insert(out->hdr, SIZE_MAX, sa_out))
		return true;
	ik_node_free(sa_out);
	return false;
}

/* Quirk accept-any-proposal: what offer x lacks or we cannot do, taken from ours. */
static void complete_offer(struct ik_p1_xform *x, const struct ik_p1_xform *ours)
{
	if (!ik_cipher_by_ike(x->enc, x->keylen))
		x->enc = ours->enc, x->keylen = ours->keylen;
	if (!ik_hash_by_id(x->hash))
		x->hash = ours->hash;
	if (!ik_dh_by_id(x->group))
		x->group = ours->group;
	if (!ik_p1_auth_psk(x->auth))
		x->auth = ours->auth;
}

/* Pre-shared keys, alone or with XAUTH after phase 1 (draft-beaulieu-ike-xauth-02 7.2: "PreShared"
 * -> pre-shared key; the keys and HASHes are RFC 2409 5.4's). */
bool ik_p1_auth_psk(uint16_t auth)
{
	return auth == IK_P1_AUTH_PSK || auth == IK_P1_AUTH_XAUTH_INIT_PSK ||
	       auth == IK_P1_AUTH_XAUTH_RESP_PSK;
}

bool ik_p1_auth_sig(uint16_t auth)
{
	return auth == IK_P1_AUTH_RSA_SIG || auth == IK_P1_AUTH_DSS;
}

bool ik_p1_choose(struct ik_sa *sa, struct ik_in *in, struct ik_msg *out, struct ik_status *st)
{
	const struct ik_cfg *c = &sa->eng->cfg;
	const struct ik_node *sa_in = ik_pl_find(&in->m, IK_PAYLOAD_SA, 0);
	struct ik_p1_policy pol = {c->p1, c->np1, c->p1_life, c->p1_policy};
	struct ik_pick pick;
	struct ik_node *stripped = NULL, *lax = NULL;
	const struct ik_node *offer = sa_in;

	/* Quirk any-p1-lifetime: any lifetime as offered, never refused nor answered. */
	if (IK_HAS(c->quirks, ANY_P1_LIFETIME))
		pol.life = IK_LIFE_OBEY;
	ik_sa_check_xform_numbers(sa, sa_in);
	/* Quirk skip-sa-checks: read as the offer we expect (DOI, situation, protocol...). */
	if (IK_HAS(c->quirks, SKIP_SA_CHECKS) && sa_in && (lax = ik_node_clone(sa_in)))
		ik_sa_as_expected(lax, true), offer = lax;
	/* Quirk ignore-critical: attributes we do not support are dropped instead of refused. */
	if (IK_HAS(c->quirks, IGNORE_CRITICAL) && offer && (stripped = ik_node_clone(offer)))
		ik_sa_strip_unknown(stripped, true), offer = stripped;
	bool ok = ik_sa_p1_read(offer, sa->hs->offers, IK_MAX_XFORMS, &sa->hs->noffers, st);
	ik_node_free(stripped);
	if (!ok) {
		ik_node_free(lax);
		return false;
	}
	/* Quirk accept-any-proposal: the first transform whatever we have configured, completed
	 * from our own first proposal where it lacks or names an algorithm we do not have. */
	if (IK_HAS(c->quirks, ACCEPT_ANY_PROPOSAL)) {
		pick = (struct ik_pick){
			0, sa->hs->offers[0].life_s ? sa->hs->offers[0].life_s : c->p1_life, false,
			0};
		complete_offer(&sa->hs->offers[0], &c->p1[0]);
	} else if (!ik_p1_select(&pol, sa->hs->offers, sa->hs->noffers, &pick, st)) {
		ik_node_free(lax);
		return false;
	}
	sa->chosen = sa->hs->offers[pick.index];
	sa->life_s = pick.life_s;
	sa->life_notify = pick.notify_lifetime;
	sa_body(sa_in, in->body, sa);
	ik_p1_vids(sa, in);
	/* skip-sa-checks answers with the offer as it read it */
	ok = reply_sa(out, lax ? lax : sa_in, pick.index, IK_HAS(c->quirks, RENUMBER_REPLY));
	ik_node_free(lax);
	if (!ok)
		return ik_fail(st, 0, "ik_p1_choose: out of memory");
	if (sa->natt_method && !add_vid(out, natt_vid(sa->natt_method), 16))
		return ik_fail(st, 0, "ik_p1_choose: out of memory");
	if ((c->dpd && !add_vid(out, vid_dpd, 16)) || !ik_frag_add_vid(sa, out))
		return ik_fail(st, 0, "ik_p1_choose: out of memory");
	if (c->xauth.gateway && !(IK_HAS(c->quirks, XAUTH_NO_VID)) && !add_vid(out, vid_xauth, 8))
		return ik_fail(st, 0, "ik_p1_choose: out of memory");
	return true;
}

/* RFC 2408 4.2: the initiator MUST check the reply is one of its offers; SAi_b is the SA
 * payload body we sent, taken back from the stored first message. */
bool ik_p1_accept_reply(struct ik_sa *sa, struct ik_in *in, struct ik_status *st)
{
	struct ik_p1_xform reply[IK_MAX_XFORMS];
	size_t n;
	struct ik_msg first = {0};

	ik_sa_check_doi(sa, ik_pl_find(&in->m, IK_PAYLOAD_SA, 0), true, true);
	if (!ik_sa_p1_read(ik_pl_find(&in->m, IK_PAYLOAD_SA, 0), reply, IK_MAX_XFORMS, &n, st))
		return false;
	if (n != 1)
		return ik_fail(st, IK_NOTIFY_BAD_PROPOSAL_SYNTAX,
		               "reply SA holds %zu transforms, exactly one expected (RFC 2408 4.2)",
		               n);
	/* Quirk accept-any-reply: the choice is never compared with what we offered. */
	bool renumbered = false;
	int i = IK_HAS(sa->eng->cfg.quirks, ACCEPT_ANY_REPLY)
	                ? 0
	                : ik_p1_match_reply(sa->hs->offers, sa->hs->noffers, &reply[0], &renumbered,
	                                    st);
	if (i < 0) {
		ik_sa_fault(sa, "RFC 2409 5 \"Responders MUST NOT modify attributes of any offer\"",
		            st);
		return false;
	}
	ik_sa_should(sa, IK_SH_KEEP_NUMBERS, !renumbered, "its %s answers our transform #%u as #%u",
	             ik_msg_name(sa->xchg, 2), sa->hs->offers[i].number, reply[0].number);
	/* We authenticate with a pre-shared key, or RSA / DSS signatures with credentials (RFC
	 * 2409 5.1): a DUT that took another method (an offer we broke on purpose) gets no hash we know
	 * to be wrong; the exchange stops here. */
	uint16_t auth = sa->hs->offers[i].auth;
	const struct ik_cfg *c = &sa->eng->cfg;
	bool enc = auth == IK_P1_AUTH_RSA_ENC || auth == IK_P1_AUTH_RSA_REV_ENC;
	if (!ik_p1_auth_psk(auth) && !(ik_p1_auth_sig(auth) && ik_p1_sig_ready(c)) &&
	    !(enc && ik_p1_enc_ready(c)))
		return ik_fail(st, IK_NOTIFY_NO_PROPOSAL_CHOSEN,
		               "the DUT chose authentication method %s, "
		               "which this exchange cannot do (pre-shared key%s%s only): stopped, "
		               "rather than sending a hash we know to be wrong",
		               ik_name(IK_T_P1_AUTH, auth),
		               ik_p1_sig_ready(c) ? " or signatures" : "",
		               ik_p1_enc_ready(c) ? " or RSA encryption" : "");
	sa->chosen = sa->hs->offers[i];
	sa->life_s = sa->chosen.life_s;
	ik_p1_vids(sa, in);
	/* A transform we broke on purpose (an attribute it cannot honour) taken by the peer. */
	if (sa->chosen.bad_class)
		snprintf(sa->chose_broken, sizeof(sa->chose_broken),
		         "it chose transform #%u, whose %.60s", sa->chosen.number,
		         sa->chosen.bad_why);
	if (!ik_decode(&first, sa->last_out.p, sa->last_out.len, st)) {
		/* Only a message we broke on purpose (a mutation) gets here. */
		char why[sizeof(st->why)];
		snprintf(why, sizeof(why), "%s", st->why);
		return ik_fail(st, st->notify,
		               "our own %s as sent does not parse, so SAi_b cannot be "
		               "taken from it: %.150s",
		               ik_msg_name(sa->xchg, 1), why);
	}
	sa_body(ik_pl_find(&first, IK_PAYLOAD_SA, 0), sa->last_out.p, sa);
	ik_msg_free(&first);
	return true;
}

bool ik_p1_add_ke_nonce(struct ik_sa *sa, struct ik_msg *out, struct ik_status *st)
{
	struct ik_p1_hs *k = &sa->hs->k;
	const struct ik_dh_group *g =
		ik_dh_by_id(sa->chosen.group ? sa->chosen.group : sa->hs->offers[0].group);
	bool ini = sa->role == IK_INITIATOR;

	if (!g)
		return ik_fail(st, IK_NOTIFY_ATTRIBUTES_NOT_SUPPORTED,
		               "DH group %u is not supported by this engine", sa->chosen.group);
	if (!k->dh.g && !ik_dh_generate(&k->dh, g, st))
		return false;
	k->dh.unchecked = IK_HAS(sa->eng->cfg.quirks, WEAK_KE); /* quirk weak-ke */
	k->gx_len = k->dh.pub_len;
	memcpy(ini ? k->gxi : k->gxr, k->dh.pub, k->dh.pub_len);
	uint8_t *nonce = ini ? k->ni : k->nr;
	uint16_t nlen = sa->eng->cfg.nonce_len && sa->eng->cfg.nonce_len <= IK_MAX_NONCE
	                        ? sa->eng->cfg.nonce_len
	                        : IK_NONCE_LEN;
	ik_rng_bytes(nonce, nlen);
	*(ini ? &k->ni_len : &k->nr_len) = nlen;
	struct ik_node *ke = ik_pl_add(out, IK_PAYLOAD_KE);
	struct ik_node *no = ik_pl_add(out, IK_PAYLOAD_NONCE);
	/* Quirk ke-short: as initiator, the public value without its first octet (RFC 2409 5). */
	size_t cut = ini && IK_HAS(sa->eng->cfg.quirks, KE_SHORT) ? 1 : 0;
	if (!ke || !no ||
	    !ik_node_set_bytes(ke, IK_F_KE_DATA, k->dh.pub + cut, k->dh.pub_len - cut) ||
	    !ik_node_set_bytes(no, IK_F_NONCE_DATA, nonce, nlen))
		return ik_fail(st, 0, "ik_p1_add_ke_nonce: out of memory");
	return true;
}

/* RFC 2409 5: the KE must fit the negotiated group; nonces are 8 to 256 octets. */
bool ik_p1_take_ke_nonce(struct ik_sa *sa, struct ik_in *in, struct ik_status *st)
{
	const struct ik_val *ke = ik_fget(ik_pl_find(&in->m, IK_PAYLOAD_KE, 0), IK_F_KE_DATA);
	const struct ik_val *no = ik_fget(ik_pl_find(&in->m, IK_PAYLOAD_NONCE, 0), IK_F_NONCE_DATA);

	if (!ke || !no)
		return ik_fail(st, IK_NOTIFY_PAYLOAD_MALFORMED, "KE or NONCE missing");
	bool ok = ik_p1_take_ke_nonce_raw(sa, ke->bytes, ke->len, no->bytes, no->len, st);
	/* The peer's own KE, as it sent it (not the revised mode's decrypted one): a length other
	 * than the group's is its fault, whatever we answer (RFC 2408 5.7, RFC 2409 5). */
	const struct ik_dh_group *g = ik_dh_by_id(sa->chosen.group);
	if (g && ke->len != g->len) {
		struct ik_status why = {0};
		ik_fail(&why, 0, "its KE holds %zu octets, group %u needs %zu", ke->len, g->id,
		        g->len);
		ik_sa_fault(sa, IK_RULE_KE_LEN, &why);
	}
	return ok;
}

bool ik_p1_take_ke_nonce_raw(struct ik_sa *sa, const uint8_t *ke, size_t ke_len, const uint8_t *no,
                             size_t no_len, struct ik_status *st)
{
	struct ik_p1_hs *k = &sa->hs->k;
	const struct ik_dh_group *g = ik_dh_by_id(sa->chosen.group);
	bool ini = sa->role == IK_INITIATOR;

	uint8_t fit[IK_DH_MAX];
	const uint8_t *pub = ke;
	size_t nlen = no_len;

	if (!g)
		return ik_fail(st, IK_NOTIFY_PAYLOAD_MALFORMED, "KE or NONCE missing");
	/* Quirk weak-ke: a KE of another length is used too, fitted to the group. */
	if (IK_HAS(sa->eng->cfg.quirks, WEAK_KE) && ke_len != g->len)
		pub = ik_dh_fit(g, ke, ke_len, fit);
	else if (ke_len != g->len)
		return ik_fail(st, IK_NOTIFY_INVALID_KEY_INFORMATION,
		               "KE of %zu octets, group %u needs %zu (RFC 2409 5)", ke_len, g->id,
		               g->len);
	/* Quirk weak-ke: 0, 1, p-1, off-curve points go through. */
	if (!(IK_HAS(sa->eng->cfg.quirks, WEAK_KE)) && !ik_dh_check_peer(g, ke, ke_len, st))
		return false;
	/* Quirk any-nonce-length: any nonce, a longer one cut to what we keep. */
	if (IK_HAS(sa->eng->cfg.quirks, ANY_NONCE_LENGTH))
		nlen = nlen < IK_MAX_NONCE ? nlen : IK_MAX_NONCE;
	else if (no_len < 8 || no_len > IK_MAX_NONCE)
		return ik_fail(st, IK_NOTIFY_PAYLOAD_MALFORMED,
		               "nonce of %zu octets, RFC 2409 5 allows 8 to 256", no_len);
	k->gx_len = g->len;
	memcpy(ini ? k->gxr : k->gxi, pub, g->len);
	memcpy(ini ? k->nr : k->ni, no, nlen);
	*(ini ? &k->nr_len : &k->ni_len) = nlen;
	return true;
}

/* Serve quirk p1-iv-swapped: the first phase 1 IV from g^xr | g^xi, the KE values in the wrong
 * order (RFC 2409 App. B: "the initiator's public value and the responder's public value"). */
static bool quirk_iv_swapped(struct ik_sa *sa, struct ik_status *st)
{
	struct ik_p1_hs *k = &sa->hs->k;
	struct ik_sa_keys *sk = &sa->k;

	if (!ik_p1_iv(sk->p1.h, IK_SPAN(k->gxr, k->gx_len), IK_SPAN(k->gxi, k->gx_len), sk->blk,
	              sk->p1.iv, st))
		return false;
	memcpy(sk->iv, sk->p1.iv, sizeof(sk->iv));
	memcpy(sk->p1_last, sk->p1.iv, sizeof(sk->p1_last));
	return true;
}

bool ik_p1_derive_keys(struct ik_sa *sa, struct ik_status *st)
{
	const struct ik_cfg *c = &sa->eng->cfg;
	/* RFC 2409 5: SKEYID by the method */
	enum ik_auth_kind auth = ik_p1_sig(sa)   ? IK_AUTH_SIG
	                         : ik_p1_enc(sa) ? IK_AUTH_PKE
	                                         : IK_AUTH_PSK;
	if (!ik_sa_derive(&sa->k, &sa->hs->k, sa->chosen.enc, sa->chosen.keylen, sa->chosen.hash,
	                  auth, c->psk, c->psk_len, sa->icookie, sa->rcookie,
	                  sa->role == IK_INITIATOR, st))
		return false;
	if (IK_HAS(c->quirks, P1_IV_SWAPPED))
		return quirk_iv_swapped(sa, st);
	return true;
}

/* RFC 2407 4.6.2: phase 1 IDs carry protocol 0 / port 0, or UDP / 500. */
bool ik_p1_add_id(struct ik_sa *sa, struct ik_msg *out)
{
	struct ik_id mine = sa->eng->cfg.id_local;
	const struct ik_id *id = &mine;
	uint8_t *b = sa->hs->id_mine_b;

	if (!ik_p1_sig_id(sa, &mine))
		return false;
	b[0] = id->type, b[1] = id->proto, b[2] = (uint8_t)(id->port >> 8),
	b[3] = (uint8_t)id->port;
	memcpy(b + 4, id->data, id->len);
	sa->hs->id_mine_len = id->len + 4;
	struct ik_node *n = ik_pl_add(out, IK_PAYLOAD_ID);
	return n && ik_node_set_num(n, IK_F_ID_ID_TYPE, id->type) &&
	       ik_node_set_num(n, IK_F_ID_PROTO, id->proto) &&
	       ik_node_set_num(n, IK_F_ID_PORT, id->port) &&
	       ik_node_set_bytes(n, IK_F_ID_DATA, id->data, id->len);
}

/* RFC 2407 4.6.2.1: the identification types and the length of their data (max 0: any length
 * of at least min octets); text types carry a name without terminators (4.6.2.3: "The string
 * MUST not contain any terminators (e.g., NULL, CR, etc.)"). */
static const struct {
	uint8_t type;
	size_t min, max;
	bool text;
} id_forms[] = {
	{IK_ID_TYPE_IPV4_ADDR, 4, 4, false},       {IK_ID_TYPE_FQDN, 1, 0, true},
	{IK_ID_TYPE_USER_FQDN, 1, 0, true},        {IK_ID_TYPE_IPV4_ADDR_SUBNET, 8, 8, false},
	{IK_ID_TYPE_IPV6_ADDR, 16, 16, false},     {IK_ID_TYPE_IPV6_ADDR_SUBNET, 32, 32, false},
	{IK_ID_TYPE_IPV4_ADDR_RANGE, 8, 8, false}, {IK_ID_TYPE_IPV6_ADDR_RANGE, 32, 32, false},
	{IK_ID_TYPE_DER_ASN1_DN, 1, 0, false},     {IK_ID_TYPE_DER_ASN1_GN, 1, 0, false},
	{IK_ID_TYPE_KEY_ID, 1, 0, false},
};

/* Why an ID payload's data is not a well-formed identity of its type, or NULL. A responder
 * that takes any identity (profile auth.peer_ids = any) still refuses these (RFC 2408 5.8). */
static const char *id_malformed(uint8_t type, const uint8_t *data, size_t len)
{
	for (size_t i = 0; i < sizeof(id_forms) / sizeof(id_forms[0]); i++) {
		if (id_forms[i].type != type)
			continue;
		if (len < id_forms[i].min || (id_forms[i].max && len != id_forms[i].max))
			return "data of the wrong length for its type (RFC 2407 4.6.2)";
		for (size_t k = 0; id_forms[i].text && k < len; k++)
			if (data[k] < 0x20 || data[k] == 0x7f)
				return "a name with a terminator or control octet (RFC 2407 "
				       "4.6.2.3)";
		return NULL;
	}
	return "not an identification type (RFC 2407 4.6.2.1)";
}

static bool same_id_data(const struct ik_id *a, uint8_t type, const uint8_t *data, size_t len)
{
	return a->type == type && a->len == len && !memcmp(a->data, data, len);
}

/* The configured remote identity, one of the others configured, or any (type 0). */
static bool peer_id_accepted(const struct ik_cfg *c, uint8_t type, const uint8_t *data, size_t len)
{
	if (!c->id_remote.type || same_id_data(&c->id_remote, type, data, len))
		return true;
	for (size_t i = 0; i < c->n_id_remote_also; i++)
		if (same_id_data(&c->id_remote_also[i], type, data, len))
			return true;
	return false;
}

/* Quirk any-id: the peer's address as its identity (ID_IPV4_ADDR or ID_IPV6_ADDR, protocol and
 * port 0), as RFC 2409 5.5 assumes for a quick mode without client IDs. */
static bool addr_id(struct ik_sa *sa)
{
	const struct sockaddr_storage *a = &sa->peer;
	bool v6 = a->ss_family == AF_INET6;
	const void *ip =
		v6 ? (const void *)&((const struct sockaddr_in6 *)(const void *)a)->sin6_addr
		   : (const void *)&((const struct sockaddr_in *)(const void *)a)->sin_addr;
	size_t len = v6 ? 16 : 4;

	memset(sa->hs->id_peer_b, 0, 4);
	sa->hs->id_peer_b[0] = v6 ? IK_ID_TYPE_IPV6_ADDR : IK_ID_TYPE_IPV4_ADDR;
	memcpy(sa->hs->id_peer_b + 4, ip, len);
	sa->hs->id_peer_len = 4 + len;
	return true;
}

bool ik_p1_take_id(struct ik_sa *sa, struct ik_in *in, struct ik_status *st)
{
	size_t len;
	const struct ik_node *n = ik_pl_find(&in->m, IK_PAYLOAD_ID, 0);
	const uint8_t *b = ik_pl_body(n, in->body, &len);

	if (!n || !ik_fget(n, IK_F_ID_DATA))
		return ik_fail(st, IK_NOTIFY_PAYLOAD_MALFORMED, "ID payload missing");
	/* Quirk any-id: the empty ID payload ike_in.c made up for a missing one is the address. */
	if ((!b || len < 4) && IK_HAS(sa->eng->cfg.quirks, ANY_ID)) {
		memset(&sa->hs->id_peer, 0, sizeof(sa->hs->id_peer));
		return sa->hs->id_peer_len || addr_id(sa);
	}
	return ik_p1_take_id_body(sa, b, len, st);
}

/* An ID payload body (RFC 2407 4.6.2: type, protocol, port, data) as it was on the wire or as
 * it decrypted (RFC 2409 5.2, 5.3), kept whole: IDii_b / IDir_b of HASH_I / HASH_R. */
bool ik_p1_take_id_body(struct ik_sa *sa, const uint8_t *b, size_t len, struct ik_status *st)
{
	char nb[IK_NAME_MAX];
	const uint8_t *data = b + 4;
	size_t dlen = len - 4;

	if (len < 4 || len > IK_MAX_ID + 4)
		return ik_fail(st, IK_NOTIFY_PAYLOAD_MALFORMED, "ID payload body of %zu octets",
		               len);
	uint32_t proto = b[1], port = (uint32_t)(b[2] << 8 | b[3]);
	memcpy(sa->hs->id_peer_b, b, len);
	sa->hs->id_peer_len = len;
	sa->hs->id_peer.type = b[0];
	sa->hs->id_peer.len = dlen;
	if (dlen)
		memcpy(sa->hs->id_peer.data, data, dlen);
	/* Quirk any-id: whoever the peer says it is, well-formed or not, on any protocol and port;
	 * no identity at all is its address (ike_in.c hands a missing ID payload over empty). */
	if (IK_HAS(sa->eng->cfg.quirks, ANY_ID))
		return sa->hs->id_peer_len || addr_id(sa);
	/* RFC 2407 4.6.2; port 4500 tolerated because RFC 3947 peers send it (catalogue note). */
	if (!(proto == 0 && port == 0) &&
	    !(proto == 17 && (port == 0 || port == 500 || port == 4500)))
		return ik_fail(
			st, IK_NOTIFY_INVALID_ID_INFORMATION,
			"phase 1 ID with protocol %u port %u (RFC 2407 4.6.2: 0/0 or UDP/500)",
			proto, port);
	const char *bad = id_malformed(sa->hs->id_peer.type, data, dlen);
	if (bad)
		return ik_fail(st, IK_NOTIFY_INVALID_ID_INFORMATION, "peer identity %s: %s",
		               ik_fmt(nb, IK_T_ID_TYPE, sa->hs->id_peer.type), bad);
	size_t others = sa->eng->cfg.n_id_remote_also;
	if (!peer_id_accepted(&sa->eng->cfg, sa->hs->id_peer.type, data, dlen))
		return ik_fail(st, IK_NOTIFY_INVALID_ID_INFORMATION,
		               "peer identity %s (%zu octets) is not the one configured%s",
		               ik_fmt(nb, IK_T_ID_TYPE, sa->hs->id_peer.type), dlen,
		               others ? " nor one of the others" : "");
	return true;
}

bool ik_p1_add_hash(struct ik_msg *out, size_t len)
{
	uint8_t zero[IK_MAX_HASH] = {0};
	struct ik_node *n = ik_pl_add(out, IK_PAYLOAD_HASH);
	return n && ik_node_set_bytes(n, IK_F_HASH_DATA, zero, len);
}

/* Keep an ID payload body exactly as it is on the wire. */
static void keep_id(uint8_t *dst, size_t *dlen, const struct ik_msg *m, const uint8_t *base)
{
	size_t len;
	const uint8_t *b = ik_pl_body(ik_pl_find(m, IK_PAYLOAD_ID, 0), base, &len);
	if (b && len <= IK_MAX_ID + 4) {
		memcpy(dst, b, len);
		*dlen = len;
	}
}

/* HASH_I (over IDii_b) or HASH_R (over IDir_b), RFC 2409 5. */
bool ik_p1_hash_mac(struct ik_sa *sa, bool initiator_hash, const struct ik_hash_alg *mac,
                    uint8_t *out, struct ik_status *st)
{
	struct ik_p1_hs *k = &sa->hs->k;
	bool mine = initiator_hash == (sa->role == IK_INITIATOR);
	const uint8_t *id = mine ? sa->hs->id_mine_b : sa->hs->id_peer_b;
	size_t idlen = mine ? sa->hs->id_mine_len : sa->hs->id_peer_len;
	struct ik_p1_in in = {
		.gxi = IK_SPAN(k->gxi, k->gx_len),
		.gxr = IK_SPAN(k->gxr, k->gx_len),
	};

	if (!idlen)
		return ik_fail(st, IK_NOTIFY_PAYLOAD_MALFORMED, "no identity to hash");
	memcpy(in.cky_i, sa->icookie, 8);
	memcpy(in.cky_r, sa->rcookie, 8);
	struct ik_span sai = IK_SPAN(k->sai_b, k->sai_len), idb = IK_SPAN(id, idlen);
	if (mac) /* RFC 2409 5.1: the signature's own hash, keyed by the prf's SKEYID */
		return ik_hash_ir_with(mac, sa->k.p1.skeyid, sa->k.p1.h->len, initiator_hash, &in,
		                       sai, idb, out, st);
	return initiator_hash ? ik_hash_i(sa->k.p1.h, sa->k.p1.skeyid, &in, sai, idb, out, st)
	                      : ik_hash_r(sa->k.p1.h, sa->k.p1.skeyid, &in, sai, idb, out, st);
}

bool ik_p1_hash(struct ik_sa *sa, bool initiator_hash, uint8_t *out, struct ik_status *st)
{
	return ik_p1_hash_mac(sa, initiator_hash, NULL, out, st);
}

static bool fill_p1_hash(struct ik_sa *sa, bool initiator_hash, uint8_t *plain,
                         const struct ik_msg *dec, struct ik_status *st)
{
	const struct ik_node *h = ik_pl_find(dec, IK_PAYLOAD_HASH, 0);
	uint8_t out[IK_MAX_HASH];

	/* under encryption (RFC 2409 5.2, 5.3) the ID payload on the wire is a ciphertext: IDir_b
	 * is the plaintext ik_p1_add_id kept */
	if (!ik_p1_enc(sa))
		keep_id(sa->hs->id_mine_b, &sa->hs->id_mine_len, dec, plain);
	if (ik_p1_sig(sa)) /* RFC 2409 5.1: SIG_I / SIG_R in place of the hash */
		return ik_p1_fill_sig(sa, initiator_hash, plain, dec, st);
	if (!h || !ik_p1_hash(sa, initiator_hash, out, st))
		return h ? false : ik_fail(st, 0, "no HASH payload to fill");
	/* A mutation may have resized the HASH payload: never write past it. */
	size_t n = h->len - 4 < sa->k.p1.h->len ? h->len - 4 : sa->k.p1.h->len;
	memcpy(plain + h->off + 4, out, n);
	return true;
}

bool ik_fill_hash_i(struct ik_sa *sa, struct ik_qm *qm, uint8_t *plain, size_t len,
                    const struct ik_msg *dec, struct ik_status *st)
{
	(void)qm, (void)len;
	return fill_p1_hash(sa, true, plain, dec, st);
}

bool ik_fill_hash_r(struct ik_sa *sa, struct ik_qm *qm, uint8_t *plain, size_t len,
                    const struct ik_msg *dec, struct ik_status *st)
{
	(void)qm, (void)len;
	return fill_p1_hash(sa, false, plain, dec, st);
}

bool ik_p1_check_hash(struct ik_sa *sa, struct ik_in *in, bool initiator_hash, struct ik_status *st)
{
	uint8_t want[IK_MAX_HASH];
	const struct ik_val *got = ik_fget(ik_pl_find(&in->m, IK_PAYLOAD_HASH, 0), IK_F_HASH_DATA);

	if (!ik_p1_hash(sa, initiator_hash, want, st))
		return false;
	/* Quirk ignore-hash: never compared. */
	if (IK_HAS(sa->eng->cfg.quirks, IGNORE_HASH))
		return true;
	if (!got || got->len != sa->k.p1.h->len || !ik_ct_equal(got->bytes, want, got->len))
		return ik_fail(st, IK_NOTIFY_INVALID_HASH_INFORMATION,
		               "%s does not verify (RFC 2409 5): %s or a changed message",
		               initiator_hash ? "HASH_I" : "HASH_R",
		               ik_p1_enc(sa)
		                       ? "a peer that could not decrypt our nonce (RFC 2409 5.2)"
		                       : "pre-shared key mismatch");
	return true;
}

/* A KE of our own making in group g and a nonce: what a made-up MM3 or AM1 carries. */
static bool fake_ke_nonce(struct ik_msg *m, uint16_t group, struct ik_status *st)
{
	struct ik_dh dh = {0};
	uint8_t nonce[IK_NONCE_LEN];
	struct ik_node *ke = ik_pl_add(m, IK_PAYLOAD_KE), *no = ik_pl_add(m, IK_PAYLOAD_NONCE);
	bool ok = ke && no && ik_dh_generate(&dh, ik_dh_by_id(group), st) &&
	          ik_node_set_bytes(ke, IK_F_KE_DATA, dh.pub, dh.pub_len);
	ik_dh_free(&dh);
	ik_rng_bytes(nonce, sizeof(nonce));
	return ok && ik_node_set_bytes(no, IK_F_NONCE_DATA, nonce, sizeof(nonce));
}

/* The identity the responder expects of its peer: the configured one, else the address. */
static bool fake_id(struct ik_sa *sa, struct ik_msg *m)
{
	const struct ik_id *want = &sa->eng->cfg.id_remote;
	struct ik_node *n = ik_pl_add(m, IK_PAYLOAD_ID);

	if (!want->type)
		addr_id(sa);
	else {
		sa->hs->id_peer_b[0] = want->type, sa->hs->id_peer_b[1] = want->proto;
		sa->hs->id_peer_b[2] = (uint8_t)(want->port >> 8),
		sa->hs->id_peer_b[3] = (uint8_t)want->port;
		memcpy(sa->hs->id_peer_b + 4, want->data, want->len);
		sa->hs->id_peer_len = 4 + want->len;
	}
	const uint8_t *b = sa->hs->id_peer_b;
	return n && ik_node_set_num(n, IK_F_ID_ID_TYPE, b[0]) &&
	       ik_node_set_num(n, IK_F_ID_PROTO, b[1]) &&
	       ik_node_set_num(n, IK_F_ID_PORT, (uint32_t)(b[2] << 8 | b[3])) &&
	       ik_node_set_bytes(n, IK_F_ID_DATA, b + 4, sa->hs->id_peer_len - 4);
}

bool ik_p1_fake_input(struct ik_sa *sa, int msgno, struct ik_msg *m, struct ik_status *st)
{
	const struct ik_cfg *c = &sa->eng->cfg;
	struct ik_p1_xform first = c->p1[0];
	uint8_t hash[IK_MAX_HASH];

	first.life_s = c->p1_life;
	first.number = 1;
	if (msgno == 1)
		return (ik_sa_p1_add(m, &first, 1) &&
		        (sa->xchg == IK_X_MAIN ||
		         (fake_ke_nonce(m, first.group, st) && fake_id(sa, m)))) ||
		       ik_fail(st, 0, "ik_p1_fake_input: out of memory");
	if (msgno == 3 && sa->xchg == IK_X_MAIN)
		return fake_ke_nonce(m, sa->chosen.group, st);
	if (msgno == 5 && sa->xchg == IK_X_MAIN && ik_p1_sig(sa)) /* no SIG to make up */
		return fake_id(sa, m) || ik_fail(st, 0, "ik_p1_fake_input: out of memory");
	if (msgno == 5 && sa->xchg == IK_X_MAIN) {
		struct ik_node *h;
		return fake_id(sa, m) && ik_p1_hash(sa, true, hash, st) &&
		       (h = ik_pl_add(m, IK_PAYLOAD_HASH)) &&
		       ik_node_set_bytes(h, IK_F_HASH_DATA, hash, sa->k.p1.h->len);
	}
	return ik_fail(st, 0, "ik_p1_fake_input: %s is not made up", ik_msg_name(sa->xchg, msgno));
}
