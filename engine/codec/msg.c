/* Builders and readers over the codec tree; see msg.h. */
#include "msg.h"
#include "consts.h"

#include <string.h>

bool ik_msg_start(struct ik_msg *m, const uint8_t icookie[8], const uint8_t rcookie[8],
                  uint8_t exch, uint8_t flags, uint32_t msgid)
{
	memset(m, 0, sizeof(*m));
	m->hdr = ik_node_new(&ik_sd_hdr);
	if (!m->hdr)
		return false;
	/* RFC 2408 3.1: major version 1, minor 0. */
	return ik_node_set_bytes(m->hdr, IK_F_HDR_ICOOKIE, icookie, 8) &&
	       ik_node_set_bytes(m->hdr, IK_F_HDR_RCOOKIE, rcookie, 8) &&
	       ik_node_set_num(m->hdr, IK_F_HDR_VERSION, 0x10) &&
	       ik_node_set_num(m->hdr, IK_F_HDR_EXCH, exch) &&
	       ik_node_set_num(m->hdr, IK_F_HDR_FLAGS, flags) &&
	       ik_node_set_num(m->hdr, IK_F_HDR_MSGID, msgid);
}

struct ik_node *ik_pl_add(struct ik_msg *m, uint8_t type)
{
	const struct ik_sdesc *sd = ik_payload_desc(type);
	struct ik_node *n = sd ? ik_node_new(sd) : NULL;

	if (n && !ik_node_insert(m->hdr, SIZE_MAX, n)) {
		ik_node_free(n);
		return NULL;
	}
	return n;
}

struct ik_node *ik_pl_find(const struct ik_msg *m, uint8_t type, size_t nth)
{
	for (size_t i = 0; m->hdr && i < m->hdr->nkids; i++)
		if (m->hdr->kids[i]->type == type && nth-- == 0)
			return m->hdr->kids[i];
	return NULL;
}

size_t ik_pl_types(const struct ik_msg *m, uint8_t *types, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; m->hdr && i < m->hdr->nkids && n < cap; i++)
		types[n++] = m->hdr->kids[i]->type;
	return n;
}

const struct ik_val *ik_fget(const struct ik_node *n, int field)
{
	return n && field >= 0 && field < n->sd->nf ? &n->v[field] : NULL;
}

uint32_t ik_fnum(const struct ik_node *n, int field)
{
	const struct ik_val *v = ik_fget(n, field);
	return v ? v->num : 0;
}

const uint8_t *ik_pl_body(const struct ik_node *n, const uint8_t *base, size_t *len)
{
	if (!n || n->len < 4) {
		*len = 0;
		return NULL;
	}
	*len = n->len - 4;
	return base + n->off + 4;
}

/* Append a TV attribute, or a 4-octet TLV when the value does not fit 16 bits (RFC 2408 3.3). */
static bool add_attr(struct ik_node *t, uint16_t cls, uint32_t v)
{
	struct ik_node *a =
		v > 0xffff ? ik_attr_new(cls, false, v, 4) : ik_attr_new(cls, true, v, 0);
	if (a && ik_node_insert(t, SIZE_MAX, a))
		return true;
	ik_node_free(a);
	return false;
}

static struct ik_node *add_kid(struct ik_node *parent, const struct ik_sdesc *sd)
{
	struct ik_node *k = ik_node_new(sd);
	if (k && ik_node_insert(parent, SIZE_MAX, k))
		return k;
	ik_node_free(k);
	return NULL;
}

static bool p1_transform(struct ik_node *p, const struct ik_p1_xform *x, uint8_t number)
{
	struct ik_node *t = add_kid(p, &ik_sd_trans);
	bool ok = t && ik_node_set_num(t, IK_F_T_NUMBER, number) &&
	          ik_node_set_num(t, IK_F_T_ID, IK_P1_TRANS_KEY_IKE);

	/* RFC 2409 App. A order as most implementations send it. */
	ok = ok && add_attr(t, IK_P1_ATTR_ENCR, x->enc);
	if (ok && x->keylen)
		ok = add_attr(t, IK_P1_ATTR_KEY_LENGTH, x->keylen);
	ok = ok && add_attr(t, IK_P1_ATTR_HASH, x->hash) && add_attr(t, IK_P1_ATTR_AUTH, x->auth) &&
	     add_attr(t, IK_P1_ATTR_GROUP_DESC, x->group);
	if (ok && x->life_s)
		ok = add_attr(t, IK_P1_ATTR_LIFE_TYPE, IK_LIFE_TYPE_SECONDS) &&
		     add_attr(t, IK_P1_ATTR_LIFE_DURATION, x->life_s);
	if (ok && x->life_kb)
		ok = add_attr(t, IK_P1_ATTR_LIFE_TYPE, IK_LIFE_TYPE_KILOBYTES) &&
		     add_attr(t, IK_P1_ATTR_LIFE_DURATION, x->life_kb);
	return ok;
}

struct ik_node *ik_sa_p1_add(struct ik_msg *m, const struct ik_p1_xform *x, size_t n)
{
	struct ik_node *sa = ik_pl_add(m, IK_PAYLOAD_SA);
	struct ik_node *p = sa ? add_kid(sa, &ik_sd_prop) : NULL;
	bool ok = p && ik_node_set_num(sa, IK_F_SA_DOI, IK_DOI_IPSEC) &&
	          ik_node_set_num(sa, IK_F_SA_SITUATION, IK_SIT_IDENTITY_ONLY) &&
	          ik_node_set_num(p, IK_F_P_NUMBER, 1) &&
	          ik_node_set_num(p, IK_F_P_PROTO, IK_PROTO_ISAKMP);

	for (size_t i = 0; ok && i < n; i++)
		ok = p1_transform(p, &x[i], x[i].number ? x[i].number : (uint8_t)(i + 1));
	return ok ? sa : NULL;
}

/* The attributes of a transform node as neutral (class, value) pairs. */
static size_t read_attrs(const struct ik_node *t, struct ik_attr *a, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < t->nkids && n < cap; i++) {
		const struct ik_node *k = t->kids[i];
		uint64_t v = 0;
		a[n].cls = (uint16_t)k->v[IK_F_A_TYPE].num;
		a[n].too_long = !ik_attr_num(k, &v) || v > 0xffffffffu;
		a[n].val = (uint32_t)v;
		n++;
	}
	return n;
}

/* RFC 2408 3.4: the SA payload of the IPsec DOI (RFC 2407 4.6.1). */
static bool sa_header_ok(const struct ik_node *sa, struct ik_status *st)
{
	char nb[IK_NAME_MAX];

	if (ik_fnum(sa, IK_F_SA_DOI) != IK_DOI_IPSEC)
		return ik_fail(st, IK_NOTIFY_DOI_NOT_SUPPORTED, "SA.doi = %s, expected IPSEC (1)",
		               ik_fmt(nb, IK_T_DOI, ik_fnum(sa, IK_F_SA_DOI)));
	if (ik_fnum(sa, IK_F_SA_SITUATION) != IK_SIT_IDENTITY_ONLY)
		return ik_fail(st, IK_NOTIFY_SITUATION_NOT_SUPPORTED,
		               "SA.situation = 0x%x, only SIT_IDENTITY_ONLY (1) is supported",
		               ik_fnum(sa, IK_F_SA_SITUATION));
	if (!sa->nkids)
		return ik_fail(st, IK_NOTIFY_BAD_PROPOSAL_SYNTAX, "SA payload holds no proposal");
	return true;
}

bool ik_sa_p1_read(const struct ik_node *sa, struct ik_p1_xform *out, size_t cap, size_t *n,
                   struct ik_status *st)
{
	struct ik_attr attrs[32];

	if (!sa_header_ok(sa, st))
		return false;
	/* RFC 2409 5: phase 1 offers are transforms of ONE proposal. */
	if (sa->nkids != 1)
		return ik_fail(st, IK_NOTIFY_BAD_PROPOSAL_SYNTAX,
		               "phase 1 SA holds %zu proposals, RFC 2409 5 allows exactly one",
		               sa->nkids);
	const struct ik_node *p = sa->kids[0];
	if (ik_fnum(p, IK_F_P_PROTO) != IK_PROTO_ISAKMP)
		return ik_fail(st, IK_NOTIFY_INVALID_PROTOCOL_ID,
		               "phase 1 proposal protocol is %u, PROTO_ISAKMP (1) expected",
		               ik_fnum(p, IK_F_P_PROTO));
	*n = 0;
	for (size_t i = 0; i < p->nkids && *n < cap; i++) {
		const struct ik_node *t = p->kids[i];
		struct ik_p1_xform *x = &out[(*n)++];
		memset(x, 0, sizeof(*x));
		x->number = (uint8_t)ik_fnum(t, IK_F_T_NUMBER);
		x->tid = (uint8_t)ik_fnum(t, IK_F_T_ID);
		/* The attributes of a transform we cannot take are still read: the evidence of a
		 * reply that changed them names them (RFC 2409 5). */
		ik_p1_from_attrs(x, attrs, read_attrs(t, attrs, 32));
		if (x->tid != IK_P1_TRANS_KEY_IKE) {
			x->bad_class = 0xffff;
			snprintf(x->bad_why, sizeof(x->bad_why),
			         "transform id %u is not KEY_IKE (1)", x->tid);
		}
	}
	if (!*n)
		return ik_fail(st, IK_NOTIFY_BAD_PROPOSAL_SYNTAX,
		               "phase 1 proposal has no transform");
	return true;
}

static bool p2_transform(struct ik_node *p, const struct ik_p2_xform *x, uint8_t number)
{
	struct ik_node *t = add_kid(p, &ik_sd_trans);
	bool ok = t && ik_node_set_num(t, IK_F_T_NUMBER, number) &&
	          ik_node_set_num(t, IK_F_T_ID, x->id);

	/* RFC 2407 4.5: lifetime first, as the parsing example of 4.5.2 does. */
	if (ok && x->life_s)
		ok = add_attr(t, IK_P2_ATTR_LIFE_TYPE, IK_LIFE_TYPE_SECONDS) &&
		     add_attr(t, IK_P2_ATTR_LIFE_DURATION, x->life_s);
	if (ok && x->life_kb)
		ok = add_attr(t, IK_P2_ATTR_LIFE_TYPE, IK_LIFE_TYPE_KILOBYTES) &&
		     add_attr(t, IK_P2_ATTR_LIFE_DURATION, x->life_kb);
	if (ok && x->group)
		ok = add_attr(t, IK_P2_ATTR_GROUP_DESC, x->group);
	if (ok && x->encap)
		ok = add_attr(t, IK_P2_ATTR_ENCAP, x->encap);
	if (ok && x->auth)
		ok = add_attr(t, IK_P2_ATTR_AUTH, x->auth);
	if (ok && x->keylen)
		ok = add_attr(t, IK_P2_ATTR_KEY_LENGTH, x->keylen);
	return ok;
}

struct ik_node *ik_sa_p2_add(struct ik_msg *m, const struct ik_p2_xform *x, size_t n, uint32_t spi)
{
	struct ik_node *sa = ik_pl_add(m, IK_PAYLOAD_SA);
	bool ok = sa && ik_node_set_num(sa, IK_F_SA_DOI, IK_DOI_IPSEC) &&
	          ik_node_set_num(sa, IK_F_SA_SITUATION, IK_SIT_IDENTITY_ONLY);
	uint8_t spib[4] = {(uint8_t)(spi >> 24), (uint8_t)(spi >> 16), (uint8_t)(spi >> 8),
	                   (uint8_t)spi};

	/* One proposal per offer (logical OR, RFC 2408 4.2), each ESP with our inbound SPI. */
	for (size_t i = 0; ok && i < n; i++) {
		struct ik_node *p = add_kid(sa, &ik_sd_prop);
		ok = p &&
		     ik_node_set_num(p, IK_F_P_NUMBER,
		                     x[i].proposal ? x[i].proposal : (uint8_t)(i + 1)) &&
		     ik_node_set_num(p, IK_F_P_PROTO, x[i].proto ? x[i].proto : IK_PROTO_ESP) &&
		     ik_node_set_bytes(p, IK_F_P_SPI, spib, 4) &&
		     p2_transform(p, &x[i], x[i].number ? x[i].number : 1);
	}
	return ok ? sa : NULL;
}

bool ik_sa_p2_read(const struct ik_node *sa, struct ik_p2_xform *out, uint32_t *spis, size_t cap,
                   size_t *n, struct ik_status *st)
{
	struct ik_attr attrs[32];

	if (!sa_header_ok(sa, st))
		return false;
	*n = 0;
	for (size_t i = 0; i < sa->nkids; i++) {
		const struct ik_node *p = sa->kids[i];
		const struct ik_val *spi = ik_fget(p, IK_F_P_SPI);
		uint32_t s = 0;
		/* RFC 2407 4.6.1 / RFC 2408 2.4: an IPsec SPI is four octets. */
		if (spi && spi->len == 4)
			s = (uint32_t)spi->bytes[0] << 24 | (uint32_t)spi->bytes[1] << 16 |
			    (uint32_t)spi->bytes[2] << 8 | spi->bytes[3];
		/* RFC 2408 4.2: proposals sharing a number are one AND-suite (e.g. AH+ESP); we do ESP only. */
		bool combined = (i > 0 && ik_fnum(sa->kids[i - 1], IK_F_P_NUMBER) ==
		                                  ik_fnum(p, IK_F_P_NUMBER)) ||
		                (i + 1 < sa->nkids && ik_fnum(sa->kids[i + 1], IK_F_P_NUMBER) ==
		                                              ik_fnum(p, IK_F_P_NUMBER));
		for (size_t k = 0; k < p->nkids && *n < cap; k++) {
			const struct ik_node *t = p->kids[k];
			struct ik_p2_xform *x = &out[*n];
			memset(x, 0, sizeof(*x));
			x->proposal = (uint8_t)ik_fnum(p, IK_F_P_NUMBER);
			x->number = (uint8_t)ik_fnum(t, IK_F_T_NUMBER);
			x->proto = (uint8_t)ik_fnum(p, IK_F_P_PROTO);
			x->id = (uint8_t)ik_fnum(t, IK_F_T_ID);
			ik_p2_from_attrs(x, attrs, read_attrs(t, attrs, 32));
			if (!spi || spi->len != 4) {
				x->bad_class = IK_BAD_SPI;
				snprintf(x->bad_why, sizeof(x->bad_why),
				         "SPI of %zu octets, 4 expected (RFC 2407 4.6.1)",
				         spi ? spi->len : 0);
			} else if (combined) {
				x->bad_class = 0xffff;
				snprintf(x->bad_why, sizeof(x->bad_why),
				         "proposal #%u is a combined suite, not supported",
				         x->proposal);
			} else if (x->proto != IK_PROTO_ESP) {
				x->bad_class = 0xffff;
				snprintf(x->bad_why, sizeof(x->bad_why),
				         "protocol %u: only ESP (3)", x->proto);
			}
			spis[(*n)++] = s;
		}
	}
	if (!*n)
		return ik_fail(st, IK_NOTIFY_BAD_PROPOSAL_SYNTAX,
		               "quick mode SA holds no transform");
	return true;
}

void ik_sa_strip_unknown(struct ik_node *sa, bool phase1)
{
	for (size_t i = 0; sa && i < sa->nkids; i++)
		for (size_t k = 0; k < sa->kids[i]->nkids; k++) {
			struct ik_node *t = sa->kids[i]->kids[k];
			for (size_t a = t->nkids; a-- > 0;)
				if (!ik_attr_supported(phase1,
				                       (uint16_t)t->kids[a]->v[IK_F_A_TYPE].num))
					ik_node_free(ik_node_remove(t, a));
		}
}

void ik_sa_as_expected(struct ik_node *sa, bool phase1)
{
	ik_node_set_num(sa, IK_F_SA_DOI, IK_DOI_IPSEC);
	ik_node_set_num(sa, IK_F_SA_SITUATION, IK_SIT_IDENTITY_ONLY);
	while (phase1 && sa->nkids > 1)
		ik_node_free(ik_node_remove(sa, sa->nkids - 1));
	for (size_t i = 0; i < sa->nkids; i++) {
		struct ik_node *p = sa->kids[i];
		ik_node_set_num(p, IK_F_P_PROTO, phase1 ? IK_PROTO_ISAKMP : IK_PROTO_ESP);
		for (size_t k = 0; phase1 && k < p->nkids; k++)
			ik_node_set_num(p->kids[k], IK_F_T_ID, IK_P1_TRANS_KEY_IKE);
	}
}
