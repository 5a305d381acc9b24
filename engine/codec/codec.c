/*
 * The codec walker: decode and encode driven by the payload descriptors (payload.c).
 * Every byte is read through ik_rd; every failure names the path, the field and the notify.
 */
#include "codec.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- nodes ---- */

struct ik_node *ik_node_new(const struct ik_sdesc *sd)
{
	struct ik_node *n = calloc(1, sizeof(*n));
	if (n) {
		n->sd = sd;
		n->type = sd->type;
	}
	return n;
}

void ik_node_free(struct ik_node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < IK_MAX_FIELDS; i++)
		free(n->v[i].bytes);
	for (size_t i = 0; i < n->nkids; i++)
		ik_node_free(n->kids[i]);
	free(n->kids);
	free(n);
}

struct ik_node *ik_node_clone(const struct ik_node *n)
{
	struct ik_node *c = ik_node_new(n->sd);
	if (!c)
		return NULL;
	c->type = n->type;
	c->ctx = n->ctx;
	c->off = n->off;
	c->len = n->len;
	for (size_t i = 0; i < IK_MAX_FIELDS; i++) {
		c->v[i] = n->v[i];
		c->v[i].bytes = NULL;
		c->v[i].len = 0;
		if (n->v[i].bytes && !ik_val_set_bytes(&c->v[i], n->v[i].bytes, n->v[i].len))
			goto fail;
	}
	for (size_t i = 0; i < n->nkids; i++) {
		struct ik_node *k = ik_node_clone(n->kids[i]);
		if (!k || !ik_node_insert(c, SIZE_MAX, k)) {
			ik_node_free(k);
			goto fail;
		}
	}
	return c;
fail:
	ik_node_free(c);
	return NULL;
}

bool ik_node_insert(struct ik_node *parent, size_t at, struct ik_node *kid)
{
	if (parent->nkids == parent->cap) {
		size_t cap = parent->cap ? parent->cap * 2 : 4;
		struct ik_node **k = realloc(parent->kids, cap * sizeof(*k));
		if (!k)
			return false;
		parent->kids = k;
		parent->cap = cap;
	}
	if (at > parent->nkids)
		at = parent->nkids;
	memmove(parent->kids + at + 1, parent->kids + at,
	        (parent->nkids - at) * sizeof(*parent->kids));
	parent->kids[at] = kid;
	parent->nkids++;
	return true;
}

struct ik_node *ik_node_remove(struct ik_node *parent, size_t at)
{
	if (at >= parent->nkids)
		return NULL;
	struct ik_node *k = parent->kids[at];
	memmove(parent->kids + at, parent->kids + at + 1,
	        (parent->nkids - at - 1) * sizeof(*parent->kids));
	parent->nkids--;
	return k;
}

bool ik_val_set_bytes(struct ik_val *v, const void *p, size_t len)
{
	uint8_t *b = malloc(len ? len : 1);
	if (!b)
		return false;
	if (len)
		memcpy(b, p, len);
	free(v->bytes);
	v->bytes = b;
	v->len = len;
	return true;
}

struct ik_node *ik_attr_new(uint16_t type, bool tv, uint64_t value, size_t len)
{
	struct ik_node *a = ik_node_new(&ik_sd_attr);
	uint8_t b[8];

	if (!a)
		return NULL;
	a->v[IK_F_A_AF].num = tv;
	a->v[IK_F_A_TYPE].num = type & 0x7fff;
	if (tv) {
		a->v[IK_F_A_VALUE].num = (uint16_t)value;
		return a;
	}
	if (len > sizeof(b))
		len = sizeof(b);
	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)(value >> (8 * (len - 1 - i)));
	if (!ik_val_set_bytes(&a->v[IK_F_A_VALUE], b, len)) {
		ik_node_free(a);
		return NULL;
	}
	a->v[IK_F_A_LENGTH].num = (uint32_t)len;
	return a;
}

bool ik_attr_num(const struct ik_node *a, uint64_t *out)
{
	if (a->v[IK_F_A_AF].num) {
		*out = a->v[IK_F_A_VALUE].num;
		return true;
	}
	if (a->v[IK_F_A_VALUE].len > 8)
		return false;
	*out = 0;
	for (size_t i = 0; i < a->v[IK_F_A_VALUE].len; i++)
		*out = *out << 8 | a->v[IK_F_A_VALUE].bytes[i];
	return true;
}

bool ik_attr_set_tv(struct ik_node *a, bool tv)
{
	uint64_t v;
	uint8_t b[8];
	size_t n;

	if (!ik_attr_num(a, &v) || (tv && v > 0xffff))
		return false;
	if (tv) {
		free(a->v[IK_F_A_VALUE].bytes);
		a->v[IK_F_A_VALUE].bytes = NULL;
		a->v[IK_F_A_VALUE].len = 0;
		a->v[IK_F_A_VALUE].num = (uint32_t)v;
	} else {
		n = v <= 0xffff ? 2 : v <= 0xffffffff ? 4 : 8;
		for (size_t i = 0; i < n; i++)
			b[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
		if (!ik_val_set_bytes(&a->v[IK_F_A_VALUE], b, n))
			return false;
		a->v[IK_F_A_VALUE].num = 0;
	}
	a->v[IK_F_A_AF].num = tv;
	return true;
}

void ik_msg_free(struct ik_msg *m)
{
	if (!m)
		return;
	ik_node_free(m->hdr);
	free(m->body);
	free(m->pad);
	free(m->findings);
	memset(m, 0, sizeof(*m));
}

/* ---- contexts: which names apply to transform ids and attribute classes ---- */

static enum ik_table trans_table(uint32_t proto)
{
	switch (proto) {
	case IK_PROTO_ISAKMP: return IK_T_P1_TRANS;
	case IK_PROTO_AH: return IK_T_AH_TRANS;
	case IK_PROTO_ESP: return IK_T_ESP_TRANS;
	case IK_PROTO_IPCOMP: return IK_T_IPCOMP_TRANS;
	default: return IK_T_NONE;
	}
}

/* RFC 2409 App.A classes under KEY_IKE (protocol ISAKMP), RFC 2407 4.5 otherwise. */
static void set_ctx(struct ik_node *n, const struct ik_node *parent)
{
	if (n->sd == &ik_sd_trans)
		n->ctx = trans_table(parent ? parent->v[IK_F_P_PROTO].num : 0);
	else if (n->sd == &ik_sd_attr && parent && parent->sd == &ik_sd_trans)
		n->ctx = parent->ctx == IK_T_P1_TRANS ? IK_T_P1_ATTR : IK_T_P2_ATTR;
	else if (n->sd == &ik_sd_attr && parent && parent->type == IK_PAYLOAD_ATTR)
		n->ctx = IK_T_CFG_ATTR;
	for (size_t i = 0; i < n->nkids; i++)
		set_ctx(n->kids[i], n);
}

void ik_msg_contexts(struct ik_msg *m)
{
	if (m && m->hdr)
		set_ctx(m->hdr, NULL);
}

/* ---- decoding ---- */

struct dec {
	struct ik_msg *m;
	const uint8_t *base; /* start of the message: node offsets are relative to it */
	struct ik_status *st;
	char path[160]; /* where we are, for messages: "SA[0].P[0].T[1]" */
	size_t npayloads;
	unsigned opts; /* enum ik_dec_opt: checks a quirk skips */
};

static void finding(struct dec *d, uint16_t notify, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void finding(struct dec *d, uint16_t notify, const char *fmt, ...)
{
	struct ik_msg *m = d->m;
	va_list ap;

	if (m->nfindings >= 64)
		return; /* enough to make the point */
	struct ik_finding *f = realloc(m->findings, (m->nfindings + 1) * sizeof(*f));
	if (!f)
		return;
	m->findings = f;
	f += m->nfindings++;
	f->notify = notify;
	va_start(ap, fmt);
	vsnprintf(f->text, sizeof(f->text), fmt, ap);
	va_end(ap);
}

static size_t pos_of(const struct dec *d, const struct ik_rd *r)
{
	return (size_t)(r->p + r->pos - d->base);
}

/* Append "/seg" to the path for the duration of a child; returns the old length. */
static size_t path_push(struct dec *d, const char *name, size_t idx)
{
	size_t old = strlen(d->path);
	snprintf(d->path + old, sizeof(d->path) - old, "%s%s[%zu]", old ? "." : "", name, idx);
	return old;
}

static bool decode_list(struct dec *d, struct ik_node *n, const struct ik_fdesc *f,
                        struct ik_rd *r);

static bool decode_number(struct dec *d, const struct ik_fdesc *f, struct ik_rd *r,
                          struct ik_val *v, uint16_t notify, size_t slen)
{
	bool ok;
	uint8_t b8;
	uint16_t b16;

	switch (f->kind) {
	case IK_K_U8:
		ok = ik_rd_u8(r, &b8);
		v->num = b8;
		break;
	case IK_K_U16:
		ok = ik_rd_u16(r, &b16);
		v->num = b16;
		break;
	default: ok = ik_rd_u32(r, &v->num); break;
	}
	if (!ok)
		return ik_fail(d->st, notify, "%s.%s: length %zu leaves no room for this field",
		               d->path, f->name, slen);
	return true;
}

static bool decode_fields(struct dec *d, struct ik_node *n, struct ik_rd *r, uint16_t notify)
{
	const struct ik_sdesc *sd = n->sd;
	size_t slen = r->len;

	for (uint8_t i = 0; i < sd->nf; i++) {
		const struct ik_fdesc *f = &sd->f[i];
		struct ik_val *v = &n->v[i];
		const uint8_t *p;
		size_t want = ik_rd_left(r);

		switch (f->kind) {
		case IK_K_U8:
		case IK_K_U16:
		case IK_K_U32:
			if (!decode_number(d, f, r, v, notify, slen))
				return false;
			if (f->role == IK_R_RESERVED && v->num)
				finding(d, IK_NOTIFY_PAYLOAD_MALFORMED,
				        "%s.%s = 0x%02x: %s says MUST be zero", d->path, f->name,
				        v->num, f->rule);
			break;
		case IK_K_BYTES:
			if (f->size)
				want = f->size;
			else if (f->ref >= 0)
				want = (size_t)n->v[f->ref].num *
				       (f->mul >= 0 ? n->v[f->mul].num : 1);
			if (!ik_rd_span(r, &p, want))
				return ik_fail(
					d->st, notify,
					"%s.%s: %zu octets needed, only %zu left in length %zu",
					d->path, f->name, want, ik_rd_left(r), slen);
			if (!ik_val_set_bytes(v, p, want))
				return ik_fail(d->st, 0, "%s: out of memory", d->path);
			break;
		case IK_K_LIST:
			if (!decode_list(d, n, f, r))
				return false;
			break;
		}
	}
	/* IK_DEC_LENIENT: a chain of proposals or transforms that ended early leaves them. */
	if (ik_rd_left(r) && !(d->opts & IK_DEC_LENIENT))
		return ik_fail(d->st, notify, "%s: %zu octets after the last field", d->path,
		               ik_rd_left(r));
	return true;
}

/* RFC 2408 3.3: a data attribute, TV (AF=1) or TLV (AF=0). */
static bool decode_attr(struct dec *d, struct ik_node *a, struct ik_rd *r)
{
	uint16_t t, lv;
	const uint8_t *p;
	size_t start = pos_of(d, r), left = ik_rd_left(r);

	/* Fewer than 4 octets left: zeros are padding counted in the payload's length (Libreswan's
	 * ikepad=yes pads the last payload so); for an ATTR payload draft-dukes-ike-mode-cfg-02 3.2
	 * has the receiver discard it. Said, so that it does not read as garbage. */
	if (left && left < 4) {
		uint8_t rest[3] = {0};
		bool zero = ik_rd_bytes(r, rest, left) && !(rest[0] | rest[1] | rest[2]);
		return ik_fail(d->st, IK_NOTIFY_PAYLOAD_MALFORMED,
		               "%s: attribute header needs 4 octets, %zu left%s", d->path, left,
		               zero ? " (zeros: padding inside the payload length)" : "");
	}
	if (!ik_rd_u16(r, &t) || !ik_rd_u16(r, &lv))
		return ik_fail(d->st, IK_NOTIFY_PAYLOAD_MALFORMED,
		               "%s: attribute header needs 4 octets, %zu left", d->path, left);
	a->v[IK_F_A_AF].num = t >> 15;
	a->v[IK_F_A_TYPE].num = t & 0x7fff;
	if (t >> 15) {
		a->v[IK_F_A_VALUE].num = lv;
	} else {
		a->v[IK_F_A_LENGTH].num = lv;
		/* IK_DEC_CUT_ATTR: cut to what its payload has left. */
		if (lv > ik_rd_left(r) && d->opts & IK_DEC_CUT_ATTR)
			lv = (uint16_t)ik_rd_left(r);
		if (!ik_rd_span(r, &p, lv))
			return ik_fail(d->st, IK_NOTIFY_PAYLOAD_MALFORMED,
			               "%s: attribute length %u runs past its payload (%zu left)",
			               d->path, lv, ik_rd_left(r));
		if (!ik_val_set_bytes(&a->v[IK_F_A_VALUE], p, lv))
			return ik_fail(d->st, 0, "%s: out of memory", d->path);
	}
	a->off = start;
	a->len = pos_of(d, r) - start;
	return true;
}

/* A self-delimiting structure (generic payload header): carve its length, decode its fields. */
static bool decode_payload(struct dec *d, struct ik_node *n, struct ik_rd *r, uint16_t notify)
{
	struct ik_rd peek = *r, sub;
	uint16_t len;

	if (ik_rd_left(r) < 4)
		return ik_fail(d->st, IK_NOTIFY_PAYLOAD_MALFORMED,
		               "%s: %zu octets left, a payload header needs 4", d->path,
		               ik_rd_left(r));
	ik_rd_skip(&peek, 2);
	ik_rd_u16(&peek, &len);
	if (len < 4)
		return ik_fail(d->st, IK_NOTIFY_PAYLOAD_MALFORMED,
		               "%s.length = %u, less than its own header (4)", d->path, len);
	/* IK_DEC_LENIENT: cut to what its container has left. */
	if (len > ik_rd_left(r) && d->opts & IK_DEC_LENIENT)
		len = (uint16_t)(ik_rd_left(r) < 0xffff ? ik_rd_left(r) : 0xffff);
	if (len > ik_rd_left(r))
		return ik_fail(d->st, IK_NOTIFY_PAYLOAD_MALFORMED,
		               "%s.length = %u runs past the end (%zu octets left)", d->path, len,
		               ik_rd_left(r));
	n->off = pos_of(d, r);
	n->len = len;
	ik_rd_sub(r, &sub, len);
	return decode_fields(d, n, &sub, notify);
}

/* Children of a LIST field that follow each other in a next-payload chain (P in SA, T in P). */
static bool decode_chain_kids(struct dec *d, struct ik_node *n, const struct ik_fdesc *f,
                              struct ik_rd *r)
{
	const struct ik_sdesc *csd = f->child;
	uint16_t bad = IK_NOTIFY_BAD_PROPOSAL_SYNTAX;

	if (!ik_rd_left(r))
		return ik_fail(d->st, bad, "%s: no %s in it", d->path, csd->name);
	while (ik_rd_left(r)) {
		struct ik_node *k = ik_node_new(csd);
		if (!k || !ik_node_insert(n, SIZE_MAX, k)) {
			ik_node_free(k);
			return ik_fail(d->st, 0, "%s: out of memory", d->path);
		}
		set_ctx(k, n);
		size_t old = path_push(d, csd->name, n->nkids - 1);
		if (!decode_payload(d, k, r, IK_NOTIFY_PAYLOAD_MALFORMED))
			return false;
		uint32_t np = k->v[IK_F_GEN_NP].num;
		/* IK_DEC_LENIENT: the chain ends at 0 or where its container does. */
		if (d->opts & IK_DEC_LENIENT && (np == 0 || !ik_rd_left(r))) {
			d->path[old] = 0;
			break;
		}
		if (d->opts & IK_DEC_LENIENT)
			np = csd->type;
		if (np != 0 && np != csd->type)
			return ik_fail(d->st, bad, "%s.np = %u: must be %u (%s follows) or 0",
			               d->path, np, csd->type, csd->name);
		if (np == 0 && ik_rd_left(r))
			return ik_fail(d->st, bad, "%s.np = 0 but %zu octets follow", d->path,
			               ik_rd_left(r));
		if (np != 0 && !ik_rd_left(r))
			return ik_fail(d->st, bad, "%s.np = %u but nothing follows", d->path, np);
		d->path[old] = 0;
	}
	return true;
}

static bool decode_list(struct dec *d, struct ik_node *n, const struct ik_fdesc *f, struct ik_rd *r)
{
	if (f->child == &ik_sd_attr) {
		while (ik_rd_left(r)) {
			struct ik_node *a = ik_node_new(&ik_sd_attr);
			if (!a || !ik_node_insert(n, SIZE_MAX, a)) {
				ik_node_free(a);
				return ik_fail(d->st, 0, "%s: out of memory", d->path);
			}
			set_ctx(a, n);
			size_t old = path_push(d, "A", n->nkids - 1);
			if (!decode_attr(d, a, r))
				return false;
			d->path[old] = 0;
		}
		return true;
	}
	if (!decode_chain_kids(d, n, f, r))
		return false;
	/* RFC 2408 3.5: the number of transforms must match what follows. */
	for (uint8_t i = 0; i < n->sd->nf && !(d->opts & IK_DEC_LENIENT); i++)
		if (n->sd->f[i].role == IK_R_COUNT && &n->sd->f[n->sd->f[i].ref] == f &&
		    n->v[i].num != n->nkids)
			return ik_fail(d->st, IK_NOTIFY_BAD_PROPOSAL_SYNTAX,
			               "%s.%s = %u but %zu %s follow", d->path, n->sd->f[i].name,
			               n->v[i].num, n->nkids, f->child->name);
	return true;
}

/* Checks on a decoded payload that are about meaning, not structure: findings or failures. */
static bool check_payload(struct dec *d, struct ik_node *k)
{
	if (k->type == IK_PAYLOAD_SA &&
	    (k->v[IK_F_SA_SITUATION].num & ~(uint32_t)IK_SIT_IDENTITY_ONLY) &&
	    k->v[IK_F_SA_DOI].num == IK_DOI_IPSEC && !(d->opts & IK_DEC_ANY_SITUATION))
		return ik_fail(d->st, IK_NOTIFY_SITUATION_NOT_SUPPORTED,
		               "%s.situation = 0x%x: only SIT_IDENTITY_ONLY is decoded (RFC2407 "
		               "4.2; labeled domains are not)",
		               d->path, k->v[IK_F_SA_SITUATION].num);
	if (k->type == IK_PAYLOAD_ID && !(d->opts & IK_DEC_ANY_ID_DATA)) {
		static const size_t want[] = {
			[1] = 4, [4] = 8, [5] = 16, [6] = 32, [7] = 8, [8] = 32};
		uint32_t t = k->v[IK_F_ID_ID_TYPE].num;
		if (t < sizeof(want) / sizeof(want[0]) && want[t] &&
		    k->v[IK_F_ID_DATA].len != want[t])
			finding(d, IK_NOTIFY_INVALID_ID_INFORMATION,
			        "%s.data: %zu octets, %s carries %zu (RFC2407 4.6.2)", d->path,
			        k->v[IK_F_ID_DATA].len, ik_name(IK_T_ID_TYPE, t), want[t]);
	}
	/* RFC 3947 5.1: the original address is 4 octets for ID_IPV4_ADDR, 16 for ID_IPV6_ADDR. */
	if (k->type == IK_PAYLOAD_NATOA || k->type == IK_PAYLOAD_NATOA_DRAFT) {
		uint32_t t = k->v[IK_F_NATOA_ID_TYPE].num;
		size_t want = t == IK_ID_TYPE_IPV4_ADDR ? 4 : t == IK_ID_TYPE_IPV6_ADDR ? 16 : 0;
		if (want != k->v[IK_F_NATOA_ADDR].len)
			finding(d, IK_NOTIFY_PAYLOAD_MALFORMED,
			        "%s.addr: %zu octets with %s (RFC3947 5.1 allows IPv4 or IPv6 "
			        "only)",
			        d->path, k->v[IK_F_NATOA_ADDR].len, ik_name(IK_T_ID_TYPE, t));
	}
	return true;
}

/* One to three zero octets after the last payload of a plaintext message, counted in the header
 * Length: a sender padding the message to four octets (Libreswan 4.10's AM1 after an ID of odd
 * length). RFC 2408 3.1 counts header and payloads only, but no receiver rule of 5.x refuses it
 * (5.1 compares the header Length with the datagram, which agree): kept in m->pad, as the
 * padding of a decrypted body is. Anything longer, or not zero, stays an error. */
static bool align_pad(const struct ik_rd *r)
{
	size_t n = ik_rd_left(r);
	const uint8_t *p = r->p + r->pos;

	if (n > 3)
		return false;
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* RFC 2408 3.1 / 5.x: the chain of payloads that starts at the header's next payload. */
static bool decode_chain(struct dec *d, struct ik_rd *r, uint32_t np, bool allow_pad)
{
	allow_pad = allow_pad || d->opts & (IK_DEC_PAD | IK_DEC_LENIENT);
	struct ik_node *h = d->m->hdr;
	size_t count[256] = {0};
	const char *prev = "HDR";

	while (np != IK_PAYLOAD_NONE) {
		const struct ik_sdesc *sd = ik_payload_desc((uint8_t)np);
		/* IK_DEC_LENIENT: a Next Payload naming one past the end ends the chain. */
		if (!ik_rd_left(r) && d->opts & IK_DEC_LENIENT)
			break;
		if (!ik_rd_left(r))
			return ik_fail(d->st, IK_NOTIFY_PAYLOAD_MALFORMED,
			               "%s.np = %s (%u) but the message ends there", prev,
			               ik_name(IK_T_PAYLOAD, np), np);
		/* IK_DEC_SKIP_UNKNOWN: any type without a descriptor is opaque data, no finding. */
		if (!sd && d->opts & IK_DEC_SKIP_UNKNOWN) {
			sd = &ik_sd_opaque;
		} else if (!sd && np >= 128) {
			sd = &ik_sd_opaque;
			finding(d, IK_NOTIFY_INVALID_PAYLOAD_TYPE,
			        "%s.np = %u: a private-use payload type, shown as opaque data",
			        prev, np);
		}
		if (!sd)
			return ik_fail(d->st, IK_NOTIFY_INVALID_PAYLOAD_TYPE,
			               "%s.np = %u: not a payload type that may appear here", prev,
			               np);
		if (++d->npayloads > IK_MAX_PAYLOADS)
			return ik_fail(d->st, IK_NOTIFY_PAYLOAD_MALFORMED, "more than %d payloads",
			               IK_MAX_PAYLOADS);
		struct ik_node *k = ik_node_new(sd);
		if (!k || !ik_node_insert(h, SIZE_MAX, k)) {
			ik_node_free(k);
			return ik_fail(d->st, 0, "out of memory");
		}
		k->type = (uint8_t)np;
		d->path[0] = 0;
		path_push(d, ik_name(IK_T_PAYLOAD, np), count[np]++);
		if (!decode_payload(d, k, r, IK_NOTIFY_PAYLOAD_MALFORMED) || !check_payload(d, k))
			return false;
		np = k->v[IK_F_GEN_NP].num;
		prev = sd->name;
		d->path[0] = 0;
	}
	if (ik_rd_left(r) && !allow_pad && !align_pad(r))
		return ik_fail(d->st, IK_NOTIFY_UNEQUAL_PAYLOAD_LENGTHS,
		               "%zu octets after the last payload (%s.np = 0)", ik_rd_left(r),
		               prev);
	if (ik_rd_left(r)) {
		const uint8_t *p;
		size_t n = ik_rd_left(r);
		ik_rd_span(r, &p, n);
		free(d->m->pad);
		d->m->pad = malloc(n);
		if (!d->m->pad)
			return ik_fail(d->st, 0, "out of memory");
		memcpy(d->m->pad, p, n);
		d->m->pad_len = n;
	}
	return true;
}

/* RFC 2408 3.1 header checks (5.2 says which notify each one gets). */
static bool check_header(struct dec *d, size_t len)
{
	const struct ik_val *v = d->m->hdr->v;
	uint32_t ver = v[IK_F_HDR_VERSION].num, exch = v[IK_F_HDR_EXCH].num,
		 flags = v[IK_F_HDR_FLAGS].num;

	if (ver >> 4 != 1)
		return ik_fail(d->st, IK_NOTIFY_INVALID_MAJOR_VERSION,
		               "HDR.version = 0x%02x: major version %u, IKEv1 is 1", ver, ver >> 4);
	if (ver & 0xf)
		finding(d, IK_NOTIFY_INVALID_MINOR_VERSION,
		        "HDR.version = 0x%02x: minor version %u, RFC2408 3.1 has 0", ver,
		        ver & 0xf);
	if (exch == IK_EXCH_NONE || (exch >= 7 && exch <= 31) || (exch >= 34 && exch <= 239))
		return ik_fail(d->st, IK_NOTIFY_INVALID_EXCHANGE_TYPE,
		               "HDR.exch = %u: %s exchange type", exch,
		               exch ? "a reserved" : "the NONE");
	if (exch >= 240)
		finding(d, IK_NOTIFY_INVALID_EXCHANGE_TYPE,
		        "HDR.exch = %u: a private-use exchange type", exch);
	if (flags & ~(uint32_t)(IK_HDR_FLAG_ENC | IK_HDR_FLAG_COMMIT | IK_HDR_FLAG_AUTH_ONLY))
		return ik_fail(d->st, IK_NOTIFY_INVALID_FLAGS,
		               "HDR.flags = 0x%02x: only E, C, A (0x07) are defined, the rest MUST "
		               "be zero (RFC2408 3.1)",
		               flags);
	if (v[IK_F_HDR_LENGTH].num != len)
		return ik_fail(d->st, IK_NOTIFY_UNEQUAL_PAYLOAD_LENGTHS,
		               "HDR.length = %u but the message has %zu octets",
		               v[IK_F_HDR_LENGTH].num, len);
	return true;
}

bool ik_decode_with(struct ik_msg *m, const uint8_t *p, size_t len, unsigned opts,
                    struct ik_status *st)
{
	struct dec d = {.m = m, .base = p, .st = st, .opts = opts};
	struct ik_rd r, hr;

	memset(m, 0, sizeof(*m));
	ik_status_clear(st);
	ik_rd_init(&r, p, len);
	if (len < IK_HDR_LEN)
		return ik_fail(st, IK_NOTIFY_PAYLOAD_MALFORMED,
		               "truncated header: %zu octets, an ISAKMP header has %d", len,
		               IK_HDR_LEN);
	m->hdr = ik_node_new(&ik_sd_hdr);
	if (!m->hdr)
		return ik_fail(st, 0, "out of memory");
	strcpy(d.path, "HDR");
	ik_rd_sub(&r, &hr, IK_HDR_LEN);
	/* The header's fields up to (not including) the payload list. */
	for (uint8_t i = 0; i < ik_sd_hdr.list; i++) {
		const struct ik_fdesc *f = &ik_sd_hdr.f[i];
		const uint8_t *b;
		if (f->kind == IK_K_BYTES) {
			ik_rd_span(&hr, &b, f->size);
			ik_val_set_bytes(&m->hdr->v[i], b, f->size);
		} else {
			decode_number(&d, f, &hr, &m->hdr->v[i], IK_NOTIFY_PAYLOAD_MALFORMED, len);
		}
	}
	m->hdr->len = len;
	if (hr.failed || !m->hdr->v[IK_F_HDR_ICOOKIE].bytes || !m->hdr->v[IK_F_HDR_RCOOKIE].bytes)
		ik_fail(st, 0, "out of memory");
	else if (check_header(&d, len)) {
		if (!(m->hdr->v[IK_F_HDR_FLAGS].num & IK_HDR_FLAG_ENC))
			goto payloads;
		/* RFC 2408 3.1 E flag: the payloads are encrypted; keep them as they are. */
		m->body_len = ik_rd_left(&r);
		m->body = malloc(m->body_len ? m->body_len : 1);
		if (m->body) {
			ik_rd_bytes(&r, m->body, m->body_len);
			return true;
		}
		ik_fail(st, 0, "out of memory");
	}
	ik_msg_free(m);
	return false;
payloads:
	if (decode_chain(&d, &r, m->hdr->v[IK_F_HDR_NP].num, false))
		return true;
	ik_msg_free(m);
	return false;
}

bool ik_decode(struct ik_msg *m, const uint8_t *p, size_t len, struct ik_status *st)
{
	return ik_decode_with(m, p, len, 0, st);
}

bool ik_decode_body(struct ik_msg *m, const uint8_t *p, size_t len, struct ik_status *st)
{
	return ik_decode_body_with(m, p, len, 0, st);
}

bool ik_decode_body_with(struct ik_msg *m, const uint8_t *p, size_t len, unsigned opts,
                         struct ik_status *st)
{
	struct dec d = {.m = m, .base = p, .st = st, .opts = opts};
	struct ik_rd r;

	ik_status_clear(st);
	if (!m->hdr)
		return ik_fail(st, 0, "ik_decode_body: no header decoded");
	for (size_t i = m->hdr->nkids; i-- > 0;)
		ik_node_free(ik_node_remove(m->hdr, i));
	ik_rd_init(&r, p, len);
	return decode_chain(&d, &r, m->hdr->v[IK_F_HDR_NP].num, true);
}

/* ---- encoding ---- */

/* Values that follow from the tree's shape (lengths come later, while writing). */
static void fixup(struct ik_node *n)
{
	const struct ik_sdesc *sd = n->sd;

	for (size_t k = 0; k < n->nkids; k++) {
		struct ik_node *kid = n->kids[k];
		fixup(kid);
		if (kid->sd->kind == IK_S_PAYLOAD && !kid->v[IK_F_GEN_NP].pinned)
			kid->v[IK_F_GEN_NP].num = k + 1 < n->nkids ? n->kids[k + 1]->type : 0;
	}
	for (uint8_t i = 0; i < sd->nf; i++) {
		const struct ik_fdesc *f = &sd->f[i];
		struct ik_val *v = &n->v[i];
		if (v->pinned)
			continue;
		if (f->role == IK_R_FIRST && n->nkids)
			v->num = n->kids[0]->type;
		else if (f->role == IK_R_SIZE)
			v->num = (uint32_t)n->v[f->ref].len;
		else if (f->role == IK_R_COUNT && sd->f[f->ref].kind == IK_K_LIST)
			v->num = (uint32_t)n->nkids;
		else if (f->role == IK_R_COUNT && sd->f[f->ref].ref >= 0 &&
		         n->v[sd->f[f->ref].ref].num)
			v->num = (uint32_t)(n->v[f->ref].len / n->v[sd->f[f->ref].ref].num);
	}
}

static bool put_num(struct ik_wr *w, enum ik_kind k, uint32_t v)
{
	switch (k) {
	case IK_K_U8: return ik_wr_u8(w, (uint8_t)v);
	case IK_K_U16: return ik_wr_u16(w, (uint16_t)v);
	default: return ik_wr_u32(w, v);
	}
}

static bool patch_num(struct ik_wr *w, size_t off, enum ik_kind k, uint32_t v)
{
	switch (k) {
	case IK_K_U8: return ik_wr_put_u8_at(w, off, (uint8_t)v);
	case IK_K_U16: return ik_wr_put_u16_at(w, off, (uint16_t)v);
	default: return ik_wr_put_u32_at(w, off, v);
	}
}

static bool encode_attr(struct ik_node *a, struct ik_wr *w)
{
	struct ik_val *v = a->v;
	bool tv = v[IK_F_A_AF].num & 1;

	if (!v[IK_F_A_LENGTH].pinned)
		v[IK_F_A_LENGTH].num = (uint32_t)v[IK_F_A_VALUE].len;
	if (!v[IK_F_A_TYPE].omitted)
		ik_wr_u16(w, (uint16_t)((tv ? 0x8000 : 0) | (v[IK_F_A_TYPE].num & 0x7fff)));
	if (tv) {
		if (!v[IK_F_A_VALUE].omitted)
			ik_wr_u16(w, (uint16_t)v[IK_F_A_VALUE].num);
	} else {
		if (!v[IK_F_A_LENGTH].omitted)
			ik_wr_u16(w, (uint16_t)v[IK_F_A_LENGTH].num);
		if (!v[IK_F_A_VALUE].omitted)
			ik_wr_bytes(w, v[IK_F_A_VALUE].bytes, v[IK_F_A_VALUE].len);
	}
	return !w->failed;
}

static bool encode_node(struct ik_msg *m, struct ik_node *n, struct ik_wr *w, size_t base);

static bool encode_kids(struct ik_msg *m, struct ik_node *n, struct ik_wr *w, size_t base)
{
	for (size_t k = 0; k < n->nkids; k++)
		if (!encode_node(m, n->kids[k], w, base))
			return false;
	return true;
}

/* Writes n; records where it went (off relative to the message start `base`, len). */
static bool encode_node(struct ik_msg *m, struct ik_node *n, struct ik_wr *w, size_t base)
{
	const struct ik_sdesc *sd = n->sd;
	size_t start = w->len, len_off = SIZE_MAX;
	int len_field = -1;

	n->off = start - base;
	if (sd->kind == IK_S_ATTR) {
		bool ok = encode_attr(n, w);
		n->len = w->len - start;
		return ok;
	}
	for (uint8_t i = 0; i < sd->nf; i++) {
		const struct ik_fdesc *f = &sd->f[i];
		struct ik_val *v = &n->v[i];
		if (f->kind == IK_K_LIST) {
			if (sd->kind == IK_S_HDR && m->body) {
				ik_wr_bytes(w, m->body, m->body_len);
				continue;
			}
			if (!encode_kids(m, n, w, base))
				return false;
			if (sd->kind == IK_S_HDR && m->pad)
				ik_wr_bytes(w, m->pad, m->pad_len);
			continue;
		}
		if (v->omitted)
			continue;
		if (f->role == IK_R_LENGTH) {
			len_field = i;
			len_off = w->len;
		}
		if (f->kind == IK_K_BYTES)
			ik_wr_bytes(w, v->bytes, v->len);
		else
			put_num(w, f->kind, v->num);
	}
	if (len_field >= 0 && !n->v[len_field].pinned) {
		n->v[len_field].num = (uint32_t)(w->len - start);
		patch_num(w, len_off, sd->f[len_field].kind, n->v[len_field].num);
	}
	n->len = w->len - start;
	return !w->failed;
}

bool ik_encode(struct ik_msg *m, struct ik_wr *w, struct ik_status *st)
{
	ik_status_clear(st);
	if (!m->hdr)
		return ik_fail(st, 0, "ik_encode: no header");
	fixup(m->hdr);
	if (!encode_node(m, m->hdr, w, w->len))
		return ik_fail(st, 0, "ik_encode: out of memory");
	return true;
}

bool ik_encode_body(struct ik_msg *m, struct ik_wr *w, struct ik_status *st)
{
	ik_status_clear(st);
	if (!m->hdr)
		return ik_fail(st, 0, "ik_encode_body: no header");
	fixup(m->hdr);
	/* offsets as if the 28-octet header preceded the body */
	if (!encode_kids(m, m->hdr, w, w->len - IK_HDR_LEN) ||
	    (m->pad && !ik_wr_bytes(w, m->pad, m->pad_len)))
		return ik_fail(st, 0, "ik_encode_body: out of memory");
	return true;
}

/* ---- builders ---- */

struct ik_node *ik_payload_new(uint8_t type)
{
	const struct ik_sdesc *sd = ik_payload_desc(type);
	struct ik_node *n = ik_node_new(sd ? sd : &ik_sd_opaque);
	if (n)
		n->type = type;
	return n;
}

bool ik_msg_new(struct ik_msg *m, uint8_t exch)
{
	static const uint8_t zero[8];

	memset(m, 0, sizeof(*m));
	m->hdr = ik_node_new(&ik_sd_hdr);
	if (!m->hdr || !ik_val_set_bytes(&m->hdr->v[IK_F_HDR_ICOOKIE], zero, 8) ||
	    !ik_val_set_bytes(&m->hdr->v[IK_F_HDR_RCOOKIE], zero, 8)) {
		ik_msg_free(m);
		return false;
	}
	m->hdr->v[IK_F_HDR_VERSION].num = 0x10; /* RFC 2408 3.1: major 1, minor 0 */
	m->hdr->v[IK_F_HDR_EXCH].num = exch;
	return true;
}

bool ik_node_set_num(struct ik_node *n, int i, uint32_t v)
{
	if (i < 0 || i >= n->sd->nf || n->sd->f[i].kind == IK_K_BYTES ||
	    n->sd->f[i].kind == IK_K_LIST)
		return false;
	n->v[i].num = v;
	return true;
}

bool ik_node_set_bytes(struct ik_node *n, int i, const void *p, size_t len)
{
	if (i < 0 || i >= n->sd->nf || (n->sd->f[i].kind != IK_K_BYTES && n->sd != &ik_sd_attr))
		return false;
	return ik_val_set_bytes(&n->v[i], p, len);
}

bool ik_msg_add(struct ik_msg *m, struct ik_node *payload)
{
	return m->hdr && ik_node_insert(m->hdr, SIZE_MAX, payload);
}
