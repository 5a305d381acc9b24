/*
 * Quick mode, RFC 2409 5.5, both roles: ESP proposals in tunnel or transport mode (UDP-
 * encapsulated ones after a NAT, RFC 3947 5.1), optional PFS in any group, optional client IDs
 * (IDci/IDcr), RESPONDER-LIFETIME (RFC 2407 4.5.4) and KEYMAT with or without PFS.
 *
 *      Initiator                                        Responder
 *   QM1  HDR*, HASH(1), SA, Ni [, KE] [, IDci, IDcr] -->
 *   QM2                                              <-- HDR*, HASH(2), SA, Nr [, KE] [, IDci, IDcr]
 *   QM3  HDR*, HASH(3)                               -->
 */
#include "consts.h"
#include "rng.h"
#include "xchg.h"

#include <string.h>

/* RFC 2407 4.5 / RFC 3947 5.1 (and the draft values when that is what was negotiated). */
static uint16_t encap_mode(const struct ik_sa *sa)
{
	bool transport = sa->eng->cfg.transport, draft = sa->natt_method != IK_NATT_RFC;
	if (!sa->floated)
		return transport ? IK_ENCAP_TRANSPORT : IK_ENCAP_TUNNEL;
	if (transport)
		return draft ? IK_ENCAP_UDP_TRANSPORT_DRAFT : IK_ENCAP_UDP_TRANSPORT;
	return draft ? IK_ENCAP_UDP_TUNNEL_DRAFT : IK_ENCAP_UDP_TUNNEL;
}

static bool add_nonce(struct ik_msg *out, uint8_t *nonce, size_t *len)
{
	struct ik_node *n = ik_pl_add(out, IK_PAYLOAD_NONCE);
	ik_rng_bytes(nonce, IK_NONCE_LEN);
	*len = IK_NONCE_LEN;
	return n && ik_node_set_bytes(n, IK_F_NONCE_DATA, nonce, IK_NONCE_LEN);
}

static bool add_ke(struct ik_qm *qm, uint16_t group, struct ik_msg *out, struct ik_status *st)
{
	const struct ik_dh_group *g = ik_dh_by_id(group);
	struct ik_node *n;

	if (!g)
		return ik_fail(st, IK_NOTIFY_ATTRIBUTES_NOT_SUPPORTED,
		               "PFS group %u is not supported by this engine", group);
	if (!qm->k.dh.g && !ik_dh_generate(&qm->k.dh, g, st))
		return false;
	qm->k.dh.unchecked = qm->sa->eng->cfg.quirks & IK_QUIRK(WEAK_KE); /* quirk weak-ke */
	return ((n = ik_pl_add(out, IK_PAYLOAD_KE)) &&
	        ik_node_set_bytes(n, IK_F_KE_DATA, qm->k.dh.pub, qm->k.dh.pub_len)) ||
	       ik_fail(st, 0, "add_ke: out of memory");
}

static bool add_id(struct ik_msg *out, const struct ik_id *id)
{
	struct ik_node *n = ik_pl_add(out, IK_PAYLOAD_ID);
	return n && ik_node_set_num(n, IK_F_ID_ID_TYPE, id->type) &&
	       ik_node_set_num(n, IK_F_ID_PROTO, id->proto) &&
	       ik_node_set_num(n, IK_F_ID_PORT, id->port) &&
	       ik_node_set_bytes(n, IK_F_ID_DATA, id->data, id->len);
}

static void read_id(const struct ik_node *n, struct ik_id *id)
{
	const struct ik_val *d = ik_fget(n, IK_F_ID_DATA);
	id->type = (uint8_t)ik_fnum(n, IK_F_ID_ID_TYPE);
	id->proto = (uint8_t)ik_fnum(n, IK_F_ID_PROTO);
	id->port = (uint16_t)ik_fnum(n, IK_F_ID_PORT);
	id->len = d && d->len <= IK_MAX_ID ? d->len : 0;
	if (id->len)
		memcpy(id->data, d->bytes, id->len);
}

static bool same_id(const struct ik_id *a, const struct ik_id *b)
{
	return a->type == b->type && a->proto == b->proto && a->port == b->port &&
	       a->len == b->len && !memcmp(a->data, b->data, a->len);
}

bool quick_outI1(struct ik_sa *sa, struct ik_qm *qm, struct ik_in *in, struct ik_msg *out,
                 struct ik_status *st)
{
	const struct ik_cfg *c = &sa->eng->cfg;
	(void)in;

	qm->noffers = c->np2;
	for (size_t i = 0; i < c->np2; i++) {
		struct ik_p2_xform *x = &qm->offers[i];
		*x = c->p2[i];
		x->proposal = (uint8_t)(i + 1), x->number = 1, x->proto = IK_PROTO_ESP;
		x->group = c->pfs_group;
		x->encap = encap_mode(sa);
		x->life_s = c->p2_life, x->life_kb = c->p2_life_kb;
	}
	/* RFC 4303 2.1: SPIs 1-255 are reserved. */
	while (qm->spi_in < 256)
		ik_rng_bytes(&qm->spi_in, sizeof(qm->spi_in));
	if (!ik_p1_add_hash(out, sa->k.p1.h->len) ||
	    !ik_sa_p2_add(out, qm->offers, qm->noffers, qm->spi_in) ||
	    !add_nonce(out, qm->k.ni, &qm->k.ni_len))
		return ik_fail(st, 0, "quick_outI1: out of memory");
	if (c->pfs_group && !add_ke(qm, c->pfs_group, out, st))
		return false;
	if (c->ts_local.type) {
		qm->idci = c->ts_local, qm->idcr = c->ts_remote, qm->have_ids = true;
		if (!add_id(out, &qm->idci) || !add_id(out, &qm->idcr))
			return ik_fail(st, 0, "quick_outI1: out of memory");
	}
	return ik_natoa_add(sa, out, encap_mode(sa), st);
}

/* The nonce, the PFS KE (required exactly when the transform names a group, RFC 2409 5.5) and
 * the client IDs of a received QM1 or QM2. */
static bool take_nonce_ke_ids(struct ik_qm *qm, struct ik_in *in, uint16_t group, uint8_t *nonce,
                              size_t *nlen, struct ik_status *st)
{
	const struct ik_val *no = ik_fget(ik_pl_find(&in->m, IK_PAYLOAD_NONCE, 0), IK_F_NONCE_DATA);
	const struct ik_val *ke = ik_fget(ik_pl_find(&in->m, IK_PAYLOAD_KE, 0), IK_F_KE_DATA);
	const struct ik_dh_group *g = ik_dh_by_id(group);
	bool lax_nonce = qm->sa->eng->cfg.quirks & IK_QUIRK(ANY_NONCE_LENGTH);
	uint8_t fit[IK_DH_MAX];
	const uint8_t *pub = ke ? ke->bytes : NULL;

	/* Quirk any-nonce-length: any nonce, a longer one cut to what we keep. */
	if (!no || (!lax_nonce && (no->len < 8 || no->len > IK_MAX_NONCE)))
		return ik_fail(st, IK_NOTIFY_PAYLOAD_MALFORMED,
		               "quick mode nonce of %zu octets, RFC 2409 5 allows 8 to 256",
		               no ? no->len : 0);
	*nlen = no->len < IK_MAX_NONCE ? no->len : IK_MAX_NONCE;
	memcpy(nonce, no->bytes, *nlen);
	/* Quirk any-pfs-group: a Group Description without a KE, or a KE without one, is no PFS. */
	if (qm->sa->eng->cfg.quirks & IK_QUIRK(ANY_PFS_GROUP) && !group != !ke)
		group = qm->chosen.group = 0, ke = NULL;
	if (!group && ke)
		return ik_fail(st, IK_NOTIFY_PAYLOAD_MALFORMED,
		               "KE payload without a GROUP_DESCRIPTION attribute (RFC 2409 5.5)");
	if (group && !ke)
		return ik_fail(st, IK_NOTIFY_PAYLOAD_MALFORMED,
		               "PFS group %u chosen but no KE payload (RFC 2409 5.5)", group);
	if (group) {
		/* Quirk weak-ke: 0, 1, p-1, off-curve points, other lengths (fitted) go through. */
		bool weak = qm->sa->eng->cfg.quirks & IK_QUIRK(WEAK_KE);
		if (g && weak && ke->len != g->len)
			pub = ik_dh_fit(g, ke->bytes, ke->len, fit);
		if (!g || (ke->len != g->len && !weak) ||
		    (!weak && !ik_dh_check_peer(g, ke->bytes, ke->len, st)))
			return st->why[0] ? false
			                  : ik_fail(st, IK_NOTIFY_INVALID_KEY_INFORMATION,
			                            "PFS KE of %zu octets does not fit group %u",
			                            ke->len, group);
		memcpy(qm->k.gpeer, pub, g->len);
		qm->k.gpeer_len = g->len;
	}
	const struct ik_node *i1 = ik_pl_find(&in->m, IK_PAYLOAD_ID, 0);
	const struct ik_node *i2 = ik_pl_find(&in->m, IK_PAYLOAD_ID, 1);
	/* Quirk any-proxy-id: IDci alone goes too (check_ids_responder puts our side as IDcr). */
	if (!!i1 != !!i2 && !(qm->sa->eng->cfg.quirks & IK_QUIRK(ANY_PROXY_ID)))
		return ik_fail(st, IK_NOTIFY_INVALID_ID_INFORMATION,
		               "one client ID alone: IDci and IDcr come together (RFC 2409 5.5)");
	return true;
}

/* Offers are read proposal by proposal, transform by transform (msg.c); find the pick again
 * in the tree, keep only it, and put our SPI in (RFC 2408 4.2). */
static bool reply_sa(struct ik_msg *out, const struct ik_node *sa_in, size_t pick, uint32_t spi)
{
	struct ik_node *sa = ik_node_clone(sa_in);
	size_t idx = 0;
	uint8_t spib[4] = {(uint8_t)(spi >> 24), (uint8_t)(spi >> 16), (uint8_t)(spi >> 8),
	                   (uint8_t)spi};

	if (!sa)
		return false;
	for (size_t p = 0; p < sa->nkids;) {
		struct ik_node *prop = sa->kids[p];
		size_t keep = SIZE_MAX;
		if (pick >= idx && pick < idx + prop->nkids)
			keep = pick - idx;
		idx += prop->nkids;
		if (keep == SIZE_MAX) {
			ik_node_free(ik_node_remove(sa, p));
			continue;
		}
		for (size_t t = prop->nkids; t-- > 0;)
			if (t != keep)
				ik_node_free(ik_node_remove(prop, t));
		ik_node_set_bytes(prop, IK_F_P_SPI, spib, 4);
		p++;
	}
	if (ik_node_insert(out->hdr, SIZE_MAX, sa))
		return true;
	ik_node_free(sa);
	return false;
}

/* RFC 2407 4.6.3.1: RESPONDER-LIFETIME, SPI = our inbound SPI, data = the lifetime attributes. */
static bool add_responder_lifetime(struct ik_qm *qm, struct ik_msg *out)
{
	struct ik_node *n = ik_pl_add(out, IK_PAYLOAD_N);
	uint8_t spi[4], data[12] = {0x80, 1, 0, 1, 0, 2, 0, 4};

	for (int i = 0; i < 4; i++) {
		spi[i] = (uint8_t)(qm->spi_in >> (24 - 8 * i));
		data[8 + i] = (uint8_t)(qm->life_s >> (24 - 8 * i));
	}
	return n && ik_node_set_num(n, IK_F_N_DOI, IK_DOI_IPSEC) &&
	       ik_node_set_num(n, IK_F_N_PROTO, IK_PROTO_ESP) &&
	       ik_node_set_num(n, IK_F_N_TYPE, IK_NOTIFY_RESPONDER_LIFETIME) &&
	       ik_node_set_bytes(n, IK_F_N_SPI, spi, 4) &&
	       ik_node_set_bytes(n, IK_F_N_DATA, data, sizeof(data));
}

/* A single address (host) identity, as the phase 1 endpoints are (RFC 2407 4.6.2.2, 4.6.2.6). */
static bool host_id(const struct ik_id *id)
{
	return id->type == IK_ID_TYPE_IPV4_ADDR || id->type == IK_ID_TYPE_IPV6_ADDR;
}

/* As responder: the client IDs must be the mirror of our configured ones (RFC 2409 5.5). */
static bool check_ids_responder(struct ik_sa *sa, struct ik_qm *qm, struct ik_in *in,
                                struct ik_status *st)
{
	const struct ik_cfg *c = &sa->eng->cfg;
	const struct ik_node *i1 = ik_pl_find(&in->m, IK_PAYLOAD_ID, 0);
	/* Quirk any-proxy-id: whatever traffic the initiator asks for. */
	bool any = c->quirks & IK_QUIRK(ANY_PROXY_ID);

	/* RFC 2409 5.5: without client IDs the phase 1 addresses are assumed, which a subnet
	 * policy cannot match. */
	if (!i1 && !any && c->ts_local.type && (!host_id(&c->ts_local) || !host_id(&c->ts_remote)))
		return ik_fail(
			st, IK_NOTIFY_INVALID_ID_INFORMATION,
			"quick mode without client IDs means the phase 1 addresses (RFC 2409 "
			"5.5), our policy is %s to %s",
			ik_name(IK_T_ID_TYPE, c->ts_local.type),
			ik_name(IK_T_ID_TYPE, c->ts_remote.type));
	if (!i1)
		return true; /* no IDs: the SA is between the two IKE peers */
	read_id(i1, &qm->idci);
	read_id(ik_pl_find(&in->m, IK_PAYLOAD_ID, 1), &qm->idcr);
	if (!qm->idcr.type) /* IDci alone, let through by quirk any-proxy-id: our own side */
		qm->idcr = c->ts_local;
	qm->have_ids = true;
	if (!any && c->ts_local.type &&
	    (!same_id(&qm->idci, &c->ts_remote) || !same_id(&qm->idcr, &c->ts_local)))
		return ik_fail(st, IK_NOTIFY_INVALID_ID_INFORMATION,
		               "proxy identities (IDci %s, IDcr %s) do not match our policy",
		               ik_name(IK_T_ID_TYPE, qm->idci.type),
		               ik_name(IK_T_ID_TYPE, qm->idcr.type));
	return true;
}

/* QM1 in, QM2 out, for the SA payload sa_in (as received, or as quirk skip-sa-checks read it). */
static bool respond_qm1(struct ik_sa *sa, struct ik_qm *qm, struct ik_in *in, struct ik_msg *out,
                        const struct ik_node *sa_in, struct ik_status *st)
{
	const struct ik_cfg *c = &sa->eng->cfg;
	/* Quirk any-pfs-group: whatever PFS (or none) the initiator offers. */
	struct ik_p2_policy pol = {
		c->p2,        c->np2,       c->pfs_group, c->p2_life,
		c->p2_policy, c->transport, sa->floated,  c->quirks & IK_QUIRK(ANY_PFS_GROUP)};
	uint32_t spis[IK_MAX_XFORMS];
	struct ik_pick pick;
	struct ik_node *stripped = NULL;
	const struct ik_node *offer = sa_in;

	/* Quirk any-p2-lifetime: a longer lifetime is never refused either (strict policy). */
	if (c->quirks & IK_QUIRK(ANY_P2_LIFETIME))
		pol.life = IK_LIFE_OBEY;
	/* Quirk ignore-critical: attributes we do not support are dropped instead of refused. */
	if (c->quirks & IK_QUIRK(IGNORE_CRITICAL) && offer && (stripped = ik_node_clone(offer)))
		ik_sa_strip_unknown(stripped, false), offer = stripped;
	bool ok = ik_check_hash_after(sa, in, qm->msgid, NULL, 0, "HASH(1)", st) &&
	          ik_sa_p2_read(offer, qm->offers, spis, IK_MAX_XFORMS, &qm->noffers, st);
	ik_node_free(stripped);
	if (!ok)
		return false;
	/* Quirk accept-any-proposal: the first proposal whatever we have configured. */
	if (c->quirks & IK_QUIRK(ACCEPT_ANY_PROPOSAL))
		pick = (struct ik_pick){0, qm->offers[0].life_s ? qm->offers[0].life_s : c->p2_life,
		                        false, qm->offers[0].life_kb};
	else if (!ik_p2_select(&pol, qm->offers, qm->noffers, &pick, st))
		return false;
	/* Quirk any-p2-lifetime: the offered lifetime as it is, never lowered nor answered. */
	if (c->quirks & IK_QUIRK(ANY_P2_LIFETIME)) {
		if (qm->offers[pick.index].life_s)
			pick.life_s = qm->offers[pick.index].life_s;
		pick.notify_lifetime = false;
	}
	qm->chosen = qm->offers[pick.index];
	qm->spi_out = spis[pick.index];
	qm->life_s = pick.life_s;
	qm->life_kb = pick.life_kb;
	qm->lowered = pick.notify_lifetime;
	if (!take_nonce_ke_ids(qm, in, qm->chosen.group, qm->k.ni, &qm->k.ni_len, st) ||
	    !check_ids_responder(sa, qm, in, st))
		return false;
	ik_natoa_check_qm1(sa, qm, in);
	while (qm->spi_in < 256)
		ik_rng_bytes(&qm->spi_in, sizeof(qm->spi_in));
	if (!ik_p1_add_hash(out, sa->k.p1.h->len) ||
	    !reply_sa(out, sa_in, pick.index, qm->spi_in) ||
	    !add_nonce(out, qm->k.nr, &qm->k.nr_len))
		return ik_fail(st, 0, "quick_inI1_outR1: out of memory");
	if (qm->chosen.group && !add_ke(qm, qm->chosen.group, out, st))
		return false;
	if (qm->have_ids && (!add_id(out, &qm->idci) || !add_id(out, &qm->idcr)))
		return ik_fail(st, 0, "quick_inI1_outR1: out of memory");
	if (!ik_natoa_add(sa, out, qm->chosen.encap, st))
		return false;
	return !qm->lowered || add_responder_lifetime(qm, out) ||
	       ik_fail(st, 0, "quick_inI1_outR1: out of memory");
}

bool quick_inI1_outR1(struct ik_sa *sa, struct ik_qm *qm, struct ik_in *in, struct ik_msg *out,
                      struct ik_status *st)
{
	const struct ik_node *sa_in = ik_pl_find(&in->m, IK_PAYLOAD_SA, 0);
	struct ik_node *lax = NULL;

	/* Quirk skip-sa-checks: read, and answered, as the offer we expect (DOI, situation, ESP). */
	if (sa->eng->cfg.quirks & IK_QUIRK(SKIP_SA_CHECKS) && sa_in && (lax = ik_node_clone(sa_in)))
		ik_sa_as_expected(lax, false);
	bool ok = respond_qm1(sa, qm, in, out, lax ? lax : sa_in, st);
	ik_node_free(lax);
	return ok;
}

/* RFC 2407 4.6.3.1: "Protocol ID - set to selected Protocol ID from chosen SA", SPI the two
 * ISAKMP cookies or "the sender's inbound IPSEC SPI" (the SPI of its QM2 proposal). */
static bool lifetime_notify_names_sa(const struct ik_sa *sa, const struct ik_qm *qm,
                                     const struct ik_node *n)
{
	const struct ik_val *spi = ik_fget(n, IK_F_N_SPI);
	uint8_t mine[4] = {(uint8_t)(qm->spi_out >> 24), (uint8_t)(qm->spi_out >> 16),
	                   (uint8_t)(qm->spi_out >> 8), (uint8_t)qm->spi_out};
	uint8_t cookies[16];
	memcpy(cookies, sa->icookie, 8);
	memcpy(cookies + 8, sa->rcookie, 8);
	if (ik_fnum(n, IK_F_N_PROTO) != qm->chosen.proto || !spi)
		return false;
	return (spi->len == 4 && !memcmp(spi->bytes, mine, 4)) ||
	       (spi->len == 16 && !memcmp(spi->bytes, cookies, 16));
}

/* RESPONDER-LIFETIME in QM2: the responder's real lifetime (RFC 2407 4.5.4); its format is a
 * MUST of RFC 2407 4.6.3.1, a break of which is the peer's fault. */
static void take_responder_lifetime(struct ik_sa *sa, struct ik_qm *qm, struct ik_in *in)
{
	struct ik_status st;
	for (size_t k = 0; k < 4; k++) {
		const struct ik_node *n = ik_pl_find(&in->m, IK_PAYLOAD_N, k);
		const struct ik_val *d = ik_fget(n, IK_F_N_DATA);
		if (!n || ik_fnum(n, IK_F_N_TYPE) != IK_NOTIFY_RESPONDER_LIFETIME || !d)
			continue;
		if (!lifetime_notify_names_sa(sa, qm, n)) {
			ik_fail(&st, 0,
			        "RESPONDER-LIFETIME in QM2 names protocol %u and an SPI that are "
			        "not those of the SA it answers",
			        (unsigned)ik_fnum(n, IK_F_N_PROTO));
			ik_sa_fault(sa,
			            "RFC 2407 4.6.3.1 \"the Notification Payload MUST have the "
			            "following format\"",
			            &st);
			continue;
		}
		/* Walk the attribute list for a seconds duration. */
		bool secs = false;
		for (size_t o = 0; o + 4 <= d->len;) {
			uint16_t t = (uint16_t)(d->bytes[o] << 8 | d->bytes[o + 1]);
			uint16_t v = (uint16_t)(d->bytes[o + 2] << 8 | d->bytes[o + 3]);
			uint32_t val = v;
			size_t step = 4;
			if (!(t & 0x8000)) {
				val = 0;
				for (size_t i = 0; i < v && o + 4 + i < d->len; i++)
					val = val << 8 | d->bytes[o + 4 + i];
				step += v;
			}
			if ((t & 0x7fff) == IK_P2_ATTR_LIFE_TYPE)
				secs = val == IK_LIFE_TYPE_SECONDS;
			else if ((t & 0x7fff) == IK_P2_ATTR_LIFE_DURATION && secs && val &&
			         (!qm->life_s ||
			          val < qm->life_s)) { /* lowered, or it says nothing */
				qm->life_s = val;
				qm->lowered = true;
			}
			o += step;
		}
	}
}

bool quick_inR1_outI2(struct ik_sa *sa, struct ik_qm *qm, struct ik_in *in, struct ik_msg *out,
                      struct ik_status *st)
{
	struct ik_p2_xform reply[IK_MAX_XFORMS];
	uint32_t spis[IK_MAX_XFORMS];
	size_t n;

	if (!ik_check_hash_after(sa, in, qm->msgid, qm->k.ni, qm->k.ni_len, "HASH(2)", st) ||
	    !ik_sa_p2_read(ik_pl_find(&in->m, IK_PAYLOAD_SA, 0), reply, spis, IK_MAX_XFORMS, &n,
	                   st))
		return false;
	if (n != 1)
		return ik_fail(st, IK_NOTIFY_BAD_PROPOSAL_SYNTAX,
		               "QM2 SA holds %zu transforms, exactly one expected (RFC 2408 4.2)",
		               n);
	int i = ik_p2_match_reply(qm->offers, qm->noffers, &reply[0], st);
	if (i < 0) {
		ik_sa_fault(sa, "RFC 2409 5 \"Responders MUST NOT modify attributes of any offer\"",
		            st);
		return false;
	}
	qm->chosen = qm->offers[i];
	qm->spi_out = spis[0];
	qm->life_s = qm->chosen.life_s;
	qm->life_kb = qm->chosen.life_kb;
	if (!take_nonce_ke_ids(qm, in, qm->chosen.group, qm->k.nr, &qm->k.nr_len, st))
		return false;
	if (qm->have_ids) {
		struct ik_id ci, cr;
		const struct ik_node *i1 = ik_pl_find(&in->m, IK_PAYLOAD_ID, 0);
		if (!i1)
			return ik_fail(st, IK_NOTIFY_INVALID_ID_INFORMATION,
			               "QM2 without the client IDs we sent (RFC 2409 5.5)");
		read_id(i1, &ci);
		read_id(ik_pl_find(&in->m, IK_PAYLOAD_ID, 1), &cr);
		if (!same_id(&ci, &qm->idci) || !same_id(&cr, &qm->idcr))
			return ik_fail(st, IK_NOTIFY_INVALID_ID_INFORMATION,
			               "QM2 client IDs differ from the ones we proposed");
	}
	take_responder_lifetime(sa, qm, in);
	ik_natoa_check(sa, in, ik_encap_udp_transport(qm->chosen.encap));
	if (!ik_qm_keymat(sa, qm, st))
		return false;
	return ik_p1_add_hash(out, sa->k.p1.h->len) || ik_fail(st, 0, "out of memory");
}

bool quick_inI2(struct ik_sa *sa, struct ik_qm *qm, struct ik_in *in, struct ik_msg *out,
                struct ik_status *st)
{
	uint8_t want[IK_MAX_HASH];
	const struct ik_val *got = ik_fget(ik_pl_find(&in->m, IK_PAYLOAD_HASH, 0), IK_F_HASH_DATA);
	(void)out;

	if (!ik_qm_hash3(sa->k.p1.h, sa->k.p1.skeyid_a, qm->msgid, IK_SPAN(qm->k.ni, qm->k.ni_len),
	                 IK_SPAN(qm->k.nr, qm->k.nr_len), want, st))
		return false;
	/* Quirk ignore-hash: HASH(3) never compared. */
	if (!(sa->eng->cfg.quirks & IK_QUIRK(IGNORE_HASH)) &&
	    (!got || got->len != sa->k.p1.h->len || !ik_ct_equal(got->bytes, want, got->len)))
		return ik_fail(st, IK_NOTIFY_INVALID_HASH_INFORMATION,
		               "HASH(3) does not verify (RFC 2409 5.5)");
	return ik_qm_keymat(sa, qm, st);
}

bool ik_fill_qm_hash(struct ik_sa *sa, struct ik_qm *qm, uint8_t *plain, size_t len,
                     const struct ik_msg *dec, struct ik_status *st)
{
	uint8_t h[IK_MAX_HASH];
	bool ok;
	(void)len;

	if (qm->msg == 2)
		ok = ik_qm_hash3(sa->k.p1.h, sa->k.p1.skeyid_a, qm->msgid,
		                 IK_SPAN(qm->k.ni, qm->k.ni_len), IK_SPAN(qm->k.nr, qm->k.nr_len),
		                 h, st);
	else
		ok = ik_hash_after(sa, dec, plain, qm->msgid, qm->msg == 1 ? qm->k.ni : NULL,
		                   qm->k.ni_len, h, st);
	if (!ok || !dec->hdr->nkids || dec->hdr->kids[0]->type != IK_PAYLOAD_HASH)
		return ok ? ik_fail(st, 0, "no HASH payload first") : false;
	memcpy(plain + dec->hdr->kids[0]->off + 4, h, sa->k.p1.h->len);
	return true;
}

bool ik_qm_fake_input(struct ik_sa *sa, struct ik_qm *qm, struct ik_msg *m, struct ik_status *st)
{
	const struct ik_cfg *c = &sa->eng->cfg;
	struct ik_p2_xform x = c->p2[0];
	uint32_t spi = 0;
	uint8_t nonce[IK_NONCE_LEN];
	size_t nlen;
	struct ik_dh dh = {0};
	struct ik_node *ke;

	(void)qm;
	x.proposal = 1, x.number = 1, x.proto = IK_PROTO_ESP, x.group = c->pfs_group;
	x.encap = encap_mode(sa), x.life_s = c->p2_life, x.life_kb = c->p2_life_kb;
	while (spi < 256)
		ik_rng_bytes(&spi, sizeof(spi));
	bool ok = ik_p1_add_hash(m, sa->k.p1.h->len) && ik_sa_p2_add(m, &x, 1, spi) &&
	          add_nonce(m, nonce, &nlen);
	if (ok && c->pfs_group)
		ok = ik_dh_generate(&dh, ik_dh_by_id(c->pfs_group), st) &&
		     (ke = ik_pl_add(m, IK_PAYLOAD_KE)) &&
		     ik_node_set_bytes(ke, IK_F_KE_DATA, dh.pub, dh.pub_len);
	ik_dh_free(&dh);
	if (ok && c->ts_local.type)
		ok = add_id(m, &c->ts_remote) && add_id(m, &c->ts_local);
	return ok || st->why[0] ? ok : ik_fail(st, 0, "ik_qm_fake_input: out of memory");
}
