/*
 * The edits of one build of a message (mutate.h, DESIGN.md "Mutations"), called by ike.c's
 * ik_emit_build at its hook points: the payload tree before encoding (field paths), the tree
 * again after the HASH filler (paths into HASH), the plaintext, the CBC IV, the wire octets.
 * Which transmission gets which mutations, and the send/recv operations: mutate_xmit.c.
 *
 * A mutation that cannot apply (a path the real message lacks, an offset beyond its end) is
 * logged with the reason and not counted in `applied`, so a runner can say ERROR instead of
 * judging a DUT on an unmutated exchange.
 */
#include "mutate_apply.h"
#include "consts.h"
#include "dh.h"
#include "util.h"

#include <openssl/bn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define BIT(i) (1u << (i))

bool ik_mut_not_applied(const struct ik_mut_ctx *mx, const struct ik_mutation *m, const char *fmt,
                        ...)
{
	char why[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	IK_LOG(mx->e, "'%s' not applied: %s", m->text, why);
	return false;
}

/* ---- octets: plaintext, wire, IV, octet fields ---- */

/* Replace *p (malloc'd, *len octets) by the result of m's operation at off; def_end: an omitted
 * offset means the end (append), else 0. */
static bool bytes_op(const struct ik_mut_ctx *mx, const struct ik_mutation *m, uint8_t **p,
                     size_t *len, long offset, bool field)
{
	size_t off = offset >= 0 ? (size_t)offset : m->op == IK_MO_APPEND && !field ? *len : 0;
	size_t n = *len, nl;
	uint8_t *b;

	if (field && m->op == IK_MO_APPEND)
		off = n;
	if (off > n)
		return ik_mut_not_applied(mx, m, "offset %zu is beyond the %zu octets there", off,
		                          n);
	switch (m->op) {
	case IK_MO_SET: nl = off + m->arg_len > n ? off + m->arg_len : n; break;
	case IK_MO_FILL: nl = m->arg_len ? (off + m->arg_len > n ? off + m->arg_len : n) : n; break;
	case IK_MO_FLIP:
		if (off + m->num >= n)
			return ik_mut_not_applied(mx, m, "octet %zu is beyond the %zu octets there",
			                          off + (size_t)m->num, n);
		(*p)[off + m->num] ^= 0xff;
		return true;
	case IK_MO_TRUNCATE:
		if (off + m->num >= n)
			return ik_mut_not_applied(mx, m, "%zu octets are no longer than %zu", n,
			                          off + (size_t)m->num);
		*len = off + (size_t)m->num;
		return true;
	case IK_MO_APPEND: nl = n + m->arg_len; break;
	default: return ik_mut_not_applied(mx, m, "'%s' does not apply to octets", m->text);
	}
	if (!(b = calloc(1, nl ? nl : 1)))
		return ik_mut_not_applied(mx, m, "out of memory");
	if (n)
		memcpy(b, *p, n);
	if (m->op == IK_MO_SET) {
		memcpy(b + off, m->arg, m->arg_len);
	} else if (m->op == IK_MO_FILL) {
		memset(b + off, (int)m->num, m->arg_len ? m->arg_len : n - off);
	} else {
		memmove(b + off + m->arg_len, b + off, n - off);
		memcpy(b + off, m->arg, m->arg_len);
	}
	free(*p);
	*p = b;
	*len = nl;
	return true;
}

/* The same on a writer (plaintext, wire). */
static bool wr_op(const struct ik_mut_ctx *mx, const struct ik_mutation *m, struct ik_wr *w)
{
	size_t len = w->len;
	uint8_t *p = malloc(len ? len : 1);
	if (!p)
		return ik_mut_not_applied(mx, m, "out of memory");
	memcpy(p, w->p, len);
	bool ok = bytes_op(mx, m, &p, &len, m->offset, false);
	if (ok) {
		ik_wr_reset(w);
		ok = ik_wr_bytes(w, p, len);
	}
	free(p);
	return ok;
}

/* ---- the payload tree ---- */

/* KE.data set:zero|one|p-1 in the group of the KE we send (RFC 2409 5 / RFC 2412 E.1). */
static bool ke_special(const struct ik_mut_ctx *mx, const struct ik_mutation *m, struct ik_val *v)
{
	const struct ik_dh_group *g = mx->qm && mx->qm->k.dh.g ? mx->qm->k.dh.g
	                              : mx->sa->hs             ? mx->sa->hs->k.dh.g
	                                                       : NULL;
	uint8_t b[IK_DH_MAX] = {0};

	if (!g)
		return ik_mut_not_applied(mx, m, "no DH group for this KE");
	if (m->special == 2 && g->kind == IK_DH_MODP)
		b[g->len - 1] = 1;
	else if (m->special == 3 && g->kind == IK_DH_MODP) {
		BIGNUM *p = g->prime(NULL);
		bool ok = p && BN_sub_word(p, 1) && BN_bn2binpad(p, b, (int)g->len) == (int)g->len;
		BN_free(p);
		if (!ok)
			return ik_mut_not_applied(mx, m, "cannot compute p-1 of group %u", g->id);
	} else if (m->special != 1)
		return ik_mut_not_applied(
			mx, m, "group %u is an elliptic curve group: only set:zero applies", g->id);
	return ik_val_set_bytes(v, b, g->len) || ik_mut_not_applied(mx, m, "out of memory");
}

static size_t num_width(const struct ik_node *n, int f)
{
	if (n->sd == &ik_sd_attr)
		return 2;
	switch (n->sd->f[f].kind) {
	case IK_K_U8: return 1;
	case IK_K_U16: return 2;
	default: return 4;
	}
}

static bool num_op(const struct ik_mut_ctx *mx, const struct ik_mutation *m, struct ik_node *n,
                   int f)
{
	struct ik_val *v = &n->v[f];
	size_t w = num_width(n, f);
	uint64_t max = w == 4 ? 0xffffffffu : (1u << (8 * w)) - 1, x = m->num;

	switch (m->op) {
	case IK_MO_SET:
		if (!m->has_num) {
			if (!m->arg_len || m->arg_len > w)
				return ik_mut_not_applied(
					mx, m, "a %zu-octet number field takes a number", w);
			x = 0;
			for (size_t i = 0; i < m->arg_len; i++)
				x = x << 8 | m->arg[i];
		}
		if (x > max)
			return ik_mut_not_applied(mx, m, "%llu does not fit a %zu-octet field",
			                          (unsigned long long)x, w);
		v->num = (uint32_t)x;
		break;
	case IK_MO_FILL:
		x = 0;
		for (size_t i = 0; i < w; i++)
			x = x << 8 | m->num;
		v->num = (uint32_t)x;
		break;
	case IK_MO_FLIP:
		if (m->num >= 8 * w)
			return ik_mut_not_applied(mx, m, "bit %llu of a %zu-octet number",
			                          (unsigned long long)m->num, w);
		v->num ^= 1u << m->num;
		break;
	case IK_MO_OMIT: v->omitted = true; break;
	default:
		return ik_mut_not_applied(mx, m,
		                          "'%s' needs an octet field or a node; this is a number",
		                          ik_mutation_op_word(m->op));
	}
	v->pinned = true;
	return true;
}

/* An attribute value set to a number: TV while it fits 16 bits, else TLV of at least 4 octets
 * (8 beyond 32 bits) keeping a longer width it had (RFC 2408 3.3). */
static bool attr_set_num(const struct ik_mut_ctx *mx, const struct ik_mutation *m,
                         struct ik_node *a)
{
	struct ik_val *v = &a->v[IK_F_A_VALUE];
	uint8_t b[8];

	if ((a->v[IK_F_A_AF].num & 1) && m->num <= 0xffff) {
		v->num = (uint32_t)m->num;
		v->pinned = true;
		return true;
	}
	if ((a->v[IK_F_A_AF].num & 1) && !ik_attr_set_tv(a, false))
		return ik_mut_not_applied(mx, m, "out of memory");
	size_t w = m->num > 0xffffffffu ? 8 : 4;
	if (v->len > w && v->len <= 8)
		w = v->len;
	for (size_t i = 0; i < w; i++)
		b[w - 1 - i] = (uint8_t)(m->num >> (8 * i));
	if (!ik_val_set_bytes(v, b, w))
		return ik_mut_not_applied(mx, m, "out of memory");
	v->pinned = true;
	return true;
}

static bool field_op(const struct ik_mut_ctx *mx, const struct ik_mutation *m, struct ik_node *n,
                     int f)
{
	struct ik_val *v = &n->v[f];
	bool attr = n->sd == &ik_sd_attr;
	bool bytes = attr ? f == IK_F_A_VALUE && !(n->v[IK_F_A_AF].num & 1)
	                  : n->sd->f[f].kind == IK_K_BYTES;

	if (attr && f == IK_F_A_VALUE && m->op == IK_MO_SET && m->has_num)
		return attr_set_num(mx, m, n);
	if (!bytes)
		return num_op(mx, m, n, f);
	if (m->op == IK_MO_SET && m->special)
		return ke_special(mx, m, v) && (v->pinned = true);
	switch (m->op) {
	case IK_MO_SET:
		if (!m->arg_len)
			return ik_mut_not_applied(mx, m, "an octet field takes hex octets");
		if (!ik_val_set_bytes(v, m->arg, m->arg_len))
			return ik_mut_not_applied(mx, m, "out of memory");
		break;
	case IK_MO_OMIT: v->omitted = true; break;
	case IK_MO_EMPTY: v->len = 0; break;
	case IK_MO_FILL:
		if (m->arg_len) {
			if (!ik_val_set_bytes(v, m->arg, m->arg_len))
				return ik_mut_not_applied(mx, m, "out of memory");
		} else {
			if (!v->len)
				return ik_mut_not_applied(mx, m,
				                          "the field is empty: give fill:BYTE:LEN");
			memset(v->bytes, (int)m->num, v->len);
		}
		break;
	case IK_MO_FLIP:
	case IK_MO_TRUNCATE:
	case IK_MO_APPEND:
		if (!bytes_op(mx, m, &v->bytes, &v->len, 0, true))
			return false;
		break;
	default:
		return ik_mut_not_applied(mx, m, "'%s' needs a node; this is a field",
		                          ik_mutation_op_word(m->op));
	}
	v->pinned = true;
	return true;
}

/* The single octet field of a node (NONCE, KE, HASH, VID: "data"), -1 when none or several. */
static int only_bytes_field(const struct ik_node *n)
{
	int found = -1;
	for (uint8_t i = 0; i < n->sd->nf; i++)
		if (n->sd->f[i].kind == IK_K_BYTES) {
			if (found >= 0)
				return -1;
			found = i;
		}
	return found;
}

static bool node_op(const struct ik_mut_ctx *mx, const struct ik_mutation *m,
                    const struct ik_ref *r)
{
	struct ik_node *n = r->node, *c;
	bool list = n->sd->list != IK_NO_LIST;
	int only;

	if (!r->parent &&
	    (m->op == IK_MO_OMIT || m->op == IK_MO_DUPLICATE || m->op == IK_MO_REORDER))
		return ik_mut_not_applied(mx, m, "the header cannot be removed, copied or moved");
	switch (m->op) {
	case IK_MO_OMIT: ik_node_free(ik_node_remove(r->parent, r->index)); return true;
	case IK_MO_DUPLICATE:
		if (!(c = ik_node_clone(n)) || !ik_node_insert(r->parent, r->index + 1, c)) {
			ik_node_free(c);
			return ik_mut_not_applied(mx, m, "out of memory");
		}
		return true;
	case IK_MO_REORDER:
		c = ik_node_remove(r->parent, r->index);
		if (!ik_node_insert(r->parent, (size_t)m->num, c)) {
			ik_node_free(c);
			return ik_mut_not_applied(mx, m, "out of memory");
		}
		return true;
	case IK_MO_EMPTY:
		if (list) {
			while (n->nkids)
				ik_node_free(ik_node_remove(n, n->nkids - 1));
			return true;
		}
		for (uint8_t i = 0; i < n->sd->nf; i++)
			if (n->sd->f[i].kind == IK_K_BYTES) {
				n->v[i].len = 0;
				n->v[i].pinned = true;
			}
		return true;
	case IK_MO_TRUNCATE:
		if (list) {
			if (m->num >= n->nkids)
				return ik_mut_not_applied(mx, m, "%s has only %zu children",
				                          n->sd->name, n->nkids);
			while (n->nkids > m->num)
				ik_node_free(ik_node_remove(n, n->nkids - 1));
			return true;
		}
		break;
	default: break;
	}
	/* set/fill/flip/append/truncate on NONCE, KE, HASH, VID...: their one octet field. */
	if ((only = only_bytes_field(n)) >= 0)
		return field_op(mx, m, n, only);
	return ik_mut_not_applied(mx, m, "'%s' names %s, a node: give one of its fields", m->path,
	                          n->sd->name);
}

/* An attribute path ending in .value/.af/.type/.length names the field, else the attribute. */
static bool names_attr_field(const char *path)
{
	const char *dot = strrchr(path, '.');
	return dot && ik_field_index(&ik_sd_attr, dot + 1) >= 0;
}

static bool apply_path(const struct ik_mut_ctx *mx, const struct ik_mutation *m, struct ik_msg *msg)
{
	struct ik_ref r;
	struct ik_status st;

	if (!ik_path_find(msg, m->path, &r, &st))
		return ik_mut_not_applied(mx, m, "%s", st.why);
	bool attr_node =
		r.node->sd == &ik_sd_attr && !names_attr_field(m->path) &&
		(m->op == IK_MO_OMIT || m->op == IK_MO_DUPLICATE || m->op == IK_MO_REORDER);
	if (r.field < 0 || attr_node)
		return node_op(mx, m, &r);
	return field_op(mx, m, r.node, r.field);
}

static bool path_into(const char *path, const char *type)
{
	size_t n = strlen(type);
	return !strncasecmp(path, type, n) && (path[n] == '.' || path[n] == '[' || !path[n]);
}

/* Paths into HASH and SIG (RFC 2409 5.1) apply after the filler computed them (else the filler
 * would undo them). */
static bool after_fill(const struct ik_mut_ctx *mx, const struct ik_mutation *m)
{
	return mx->has_fill && (path_into(m->path, "HASH") || path_into(m->path, "SIG"));
}

bool ik_mut_tree(struct ik_mut_ctx *mx, struct ik_msg *out, bool post, struct ik_status *st)
{
	(void)st;
	for (size_t i = 0; i < ik_mut_n(mx->e); i++) {
		const struct ik_mutation *m = &mx->e->mut[i];
		if ((mx->mask & BIT(i)) && m->place == IK_MP_FIELD && after_fill(mx, m) == post &&
		    apply_path(mx, m, out))
			mx->done |= BIT(i);
	}
	return true;
}

/* Node offsets of the encoding itself when a mutated plaintext no longer decodes: the filler
 * only needs to know where the payloads went. */
static void shift_offsets(struct ik_node *n)
{
	n->off -= IK_HDR_LEN;
	for (size_t k = 0; k < n->nkids; k++)
		shift_offsets(n->kids[k]);
}

bool ik_mut_dec_of(struct ik_mut_ctx *mx, const struct ik_msg *out, struct ik_msg *dec,
                   struct ik_status *st)
{
	IK_LOG(mx->e, "the mutated %s does not decode (%s): HASH filled by the encoder's offsets",
	       ik_msg_name(mx->x, mx->msgno), st->why);
	ik_msg_free(dec);
	if (!(dec->hdr = ik_node_clone(out->hdr)))
		return false;
	for (size_t k = 0; k < dec->hdr->nkids; k++)
		shift_offsets(dec->hdr->kids[k]);
	return true;
}

/* A mutation broke what the filler needs (the HASH moved or went): send it unfilled. */
bool ik_mut_fill_failed(struct ik_mut_ctx *mx, const struct ik_status *st)
{
	if (!ik_mut_places(mx->e, mx->mask, true))
		return false;
	IK_LOG(mx->e, "%s: HASH not filled after the mutation: %s", ik_msg_name(mx->x, mx->msgno),
	       st->why);
	return true;
}

/* Offset of field f inside node n as the encoder wrote it. */
static size_t field_off(const struct ik_node *n, int f)
{
	size_t off = 0;
	for (int i = 0; i < f; i++) {
		const struct ik_val *v = &n->v[i];
		if (v->omitted)
			continue;
		switch (n->sd->f[i].kind) {
		case IK_K_U8: off += 1; break;
		case IK_K_U16: off += 2; break;
		case IK_K_U32: off += 4; break;
		default: off += v->len; break;
		}
	}
	return off;
}

bool ik_mut_after_fill(struct ik_mut_ctx *mx, struct ik_msg *out, struct ik_wr *plain,
                       struct ik_status *st)
{
	bool any = false;
	for (size_t i = 0; i < ik_mut_n(mx->e); i++)
		any |= (mx->mask & BIT(i)) && mx->e->mut[i].place == IK_MP_FIELD &&
		       after_fill(mx, &mx->e->mut[i]);
	if (!any)
		return true;
	/* The filled HASH and SIG values into the tree, then the mutation, then the body again. */
	for (size_t k = 0; k < out->hdr->nkids; k++) {
		struct ik_node *h = out->hdr->kids[k];
		const int f = h->type == IK_PAYLOAD_SIG ? IK_F_SIG_DATA : IK_F_HASH_DATA;
		if ((h->type != IK_PAYLOAD_HASH && h->type != IK_PAYLOAD_SIG) || h->v[f].omitted)
			continue;
		size_t at = h->off - IK_HDR_LEN + field_off(h, f);
		if (at + h->v[f].len <= plain->len)
			memcpy(h->v[f].bytes, plain->p + at, h->v[f].len);
	}
	ik_mut_tree(mx, out, true, st);
	ik_wr_reset(plain);
	return ik_encode_body(out, plain, st);
}

bool ik_mut_plain(struct ik_mut_ctx *mx, struct ik_wr *plain, struct ik_status *st)
{
	(void)st;
	for (size_t i = 0; i < ik_mut_n(mx->e); i++)
		if ((mx->mask & BIT(i)) && mx->e->mut[i].place == IK_MP_PLAIN &&
		    wr_op(mx, &mx->e->mut[i], plain)) {
			mx->done |= BIT(i);
			mx->plain_changed = true;
		}
	return !plain->failed;
}

bool ik_mut_clear(struct ik_mut_ctx *mx)
{
	bool clear = false;
	for (size_t i = 0; i < ik_mut_n(mx->e); i++)
		if ((mx->mask & BIT(i)) && mx->e->mut[i].place == IK_MP_CLEAR) {
			mx->done |= BIT(i);
			clear = true;
		}
	return clear;
}

void ik_mut_iv(struct ik_mut_ctx *mx, uint8_t *iv, size_t blk)
{
	for (size_t i = 0; i < ik_mut_n(mx->e); i++) {
		const struct ik_mutation *m = &mx->e->mut[i];
		if (!(mx->mask & BIT(i)) || m->place != IK_MP_IV)
			continue;
		uint8_t *p = malloc(blk);
		size_t len = blk;
		if (!p)
			continue;
		memcpy(p, iv, blk);
		if (bytes_op(mx, m, &p, &len, -1, true)) {
			/* The IV keeps its block size: a longer set is cut, a shorter one kept. */
			memcpy(iv, p, len < blk ? len : blk);
			mx->done |= BIT(i);
		}
		free(p);
	}
}

bool ik_mut_wire(struct ik_mut_ctx *mx, struct ik_wr *wire, struct ik_status *st)
{
	(void)st;
	for (size_t i = 0; i < ik_mut_n(mx->e); i++)
		if ((mx->mask & BIT(i)) && mx->e->mut[i].place == IK_MP_WIRE &&
		    wr_op(mx, &mx->e->mut[i], wire))
			mx->done |= BIT(i);
	return !wire->failed;
}
