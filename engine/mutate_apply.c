/*
 * Applying mutations (mutate.h, DESIGN.md "Mutations") at the hook points of the one pipeline:
 * the payload tree before encoding (field paths), the tree again after the HASH filler (paths
 * into HASH), the plaintext, the CBC IV, the wire octets, the datagram as a whole on sending,
 * and received datagrams.
 *
 * #N: a mutation for one transmission only. The first transmission builds the clean message
 * (kept for retransmission, its IV chain is the one that continues: a DUT that drops the bad
 * message accepts the clean retransmission) and the mutated one (sent). For a later
 * transmission (#2: the first retransmission) the mutated variant is built at the first
 * transmission from the same tree and IV and sent in place of the stored one when its turn
 * comes. Without #N the stored message is the mutated one.
 *
 * A mutation that cannot apply (a path the real message lacks, an offset beyond its end) is
 * logged with the reason and not counted in `applied`, so a runner can say ERROR instead of
 * judging a DUT on an unmutated exchange.
 */
#include "mutate_apply.h"
#include "consts.h"
#include "dh.h"

#include <openssl/bn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
#define KEPT SIZE_MAX
static bool build_place(enum ik_mut_place p)
{
	return p == IK_MP_FIELD || p == IK_MP_PLAIN || p == IK_MP_WIRE || p == IK_MP_IV;
}

static size_t nmut(const struct ik_engine *e)
{
	return e->nmut < 32 ? e->nmut : 32;
}

static struct ik_mut_state *state(struct ik_engine *e)
{
	if (!e->mst)
		e->mst = calloc(1, sizeof(*e->mst));
	return e->mst;
}

/* A mutation that could not take effect: say why (it stays unapplied). */
static bool not_applied(const struct ik_mut_ctx *mx, const struct ik_mutation *m, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static bool not_applied(const struct ik_mut_ctx *mx, const struct ik_mutation *m, const char *fmt, ...)
{
	char why[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	IK_LOG(mx->e, "'%s' not applied: %s", m->text, why);
	return false;
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
	for (size_t i = 0; i < nmut(e); i++) {
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

static unsigned of_places(const struct ik_engine *e, unsigned mask, bool build)
{
	unsigned r = 0;
	for (size_t i = 0; i < nmut(e); i++)
		if ((mask & BIT(i)) && build_place(e->mut[i].place) == build)
			r |= BIT(i);
	return r;
}

/* Count what took effect: `applied`, the log, and "mutated: ..." for the ladder rung. */
static void count_applied(struct ik_engine *e, unsigned done, char *note, size_t n)
{
	size_t l = 0;
	for (size_t i = 0; i < nmut(e); i++) {
		if (!(done & BIT(i)))
			continue;
		e->mut[i].applied++;
		IK_LOG(e, "mutated: %s", e->mut[i].text);
		if (note && l < n)
			l += (size_t)snprintf(note + l, n - l, "%s%s", l ? "; " : "mutated: ",
					      e->mut[i].text);
	}
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
		return not_applied(mx, m, "offset %zu is beyond the %zu octets there", off, n);
	switch (m->op) {
	case IK_MO_SET:
		nl = off + m->arg_len > n ? off + m->arg_len : n;
		break;
	case IK_MO_FILL:
		nl = m->arg_len ? (off + m->arg_len > n ? off + m->arg_len : n) : n;
		break;
	case IK_MO_FLIP:
		if (off + m->num >= n)
			return not_applied(mx, m, "octet %zu is beyond the %zu octets there",
				    off + (size_t)m->num, n);
		(*p)[off + m->num] ^= 0xff;
		return true;
	case IK_MO_TRUNCATE:
		if (off + m->num >= n)
			return not_applied(mx, m, "%zu octets are no longer than %zu", n,
				    off + (size_t)m->num);
		*len = off + (size_t)m->num;
		return true;
	case IK_MO_APPEND:
		nl = n + m->arg_len;
		break;
	default:
		return not_applied(mx, m, "'%s' does not apply to octets", m->text);
	}
	if (!(b = calloc(1, nl ? nl : 1)))
		return not_applied(mx, m, "out of memory");
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
		return not_applied(mx, m, "out of memory");
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
	const struct ik_dh_group *g = mx->qm && mx->qm->k.dh.g ? mx->qm->k.dh.g : mx->sa->k.dh.g;
	uint8_t b[IK_DH_MAX] = {0};

	if (!g)
		return not_applied(mx, m, "no DH group for this KE");
	if (m->special == 2 && g->kind == IK_DH_MODP)
		b[g->len - 1] = 1;
	else if (m->special == 3 && g->kind == IK_DH_MODP) {
		BIGNUM *p = NULL;
		bool ok = BN_hex2bn(&p, g->prime) && BN_sub_word(p, 1) &&
			  BN_bn2binpad(p, b, (int)g->len) == (int)g->len;
		BN_free(p);
		if (!ok)
			return not_applied(mx, m, "cannot compute p-1 of group %u", g->id);
	} else if (m->special != 1)
		return not_applied(mx, m, "group %u is an elliptic curve group: only set:zero applies", g->id);
	return ik_val_set_bytes(v, b, g->len) || not_applied(mx, m, "out of memory");
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
				return not_applied(mx, m, "a %zu-octet number field takes a number", w);
			x = 0;
			for (size_t i = 0; i < m->arg_len; i++)
				x = x << 8 | m->arg[i];
		}
		if (x > max)
			return not_applied(mx, m, "%llu does not fit a %zu-octet field",
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
			return not_applied(mx, m, "bit %llu of a %zu-octet number",
				    (unsigned long long)m->num, w);
		v->num ^= 1u << m->num;
		break;
	case IK_MO_OMIT:
		v->omitted = true;
		break;
	default:
		return not_applied(mx, m, "'%s' needs an octet field or a node; this is a number",
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
	struct ik_val *v = &a->v[IK_A_VALUE];
	uint8_t b[8];

	if ((a->v[IK_A_AF].num & 1) && m->num <= 0xffff) {
		v->num = (uint32_t)m->num;
		v->pinned = true;
		return true;
	}
	if ((a->v[IK_A_AF].num & 1) && !ik_attr_set_tv(a, false))
		return not_applied(mx, m, "out of memory");
	size_t w = m->num > 0xffffffffu ? 8 : 4;
	if (v->len > w && v->len <= 8)
		w = v->len;
	for (size_t i = 0; i < w; i++)
		b[w - 1 - i] = (uint8_t)(m->num >> (8 * i));
	if (!ik_val_set_bytes(v, b, w))
		return not_applied(mx, m, "out of memory");
	v->pinned = true;
	return true;
}

static bool field_op(const struct ik_mut_ctx *mx, const struct ik_mutation *m, struct ik_msg *msg,
		     struct ik_node *n, int f)
{
	struct ik_val *v = &n->v[f];
	bool attr = n->sd == &ik_sd_attr;
	bool bytes = attr ? f == IK_A_VALUE && !(n->v[IK_A_AF].num & 1)
			  : n->sd->f[f].kind == IK_K_BYTES;

	(void)msg;
	if (attr && f == IK_A_VALUE && m->op == IK_MO_SET && m->has_num)
		return attr_set_num(mx, m, n);
	if (!bytes)
		return num_op(mx, m, n, f);
	if (m->op == IK_MO_SET && m->special)
		return ke_special(mx, m, v) && (v->pinned = true);
	switch (m->op) {
	case IK_MO_SET:
		if (!m->arg_len)
			return not_applied(mx, m, "an octet field takes hex octets");
		if (!ik_val_set_bytes(v, m->arg, m->arg_len))
			return not_applied(mx, m, "out of memory");
		break;
	case IK_MO_OMIT:
		v->omitted = true;
		break;
	case IK_MO_EMPTY:
		v->len = 0;
		break;
	case IK_MO_FILL:
		if (m->arg_len) {
			if (!ik_val_set_bytes(v, m->arg, m->arg_len))
				return not_applied(mx, m, "out of memory");
		} else {
			if (!v->len)
				return not_applied(mx, m, "the field is empty: give fill:BYTE:LEN");
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
		return not_applied(mx, m, "'%s' needs a node; this is a field", ik_mutation_op_word(m->op));
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

static bool node_op(const struct ik_mut_ctx *mx, const struct ik_mutation *m, struct ik_msg *msg,
		    const struct ik_ref *r)
{
	struct ik_node *n = r->node, *c;
	bool list = n->sd->list != IK_NO_LIST;
	int only;

	if (!r->parent && (m->op == IK_MO_OMIT || m->op == IK_MO_DUPLICATE || m->op == IK_MO_REORDER))
		return not_applied(mx, m, "the header cannot be removed, copied or moved");
	switch (m->op) {
	case IK_MO_OMIT:
		ik_node_free(ik_node_remove(r->parent, r->index));
		return true;
	case IK_MO_DUPLICATE:
		if (!(c = ik_node_clone(n)) || !ik_node_insert(r->parent, r->index + 1, c)) {
			ik_node_free(c);
			return not_applied(mx, m, "out of memory");
		}
		return true;
	case IK_MO_REORDER:
		c = ik_node_remove(r->parent, r->index);
		if (!ik_node_insert(r->parent, (size_t)m->num, c)) {
			ik_node_free(c);
			return not_applied(mx, m, "out of memory");
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
				return not_applied(mx, m, "%s has only %zu children", n->sd->name, n->nkids);
			while (n->nkids > m->num)
				ik_node_free(ik_node_remove(n, n->nkids - 1));
			return true;
		}
		break;
	default:
		break;
	}
	/* set/fill/flip/append/truncate on NONCE, KE, HASH, VID...: their one octet field. */
	if ((only = only_bytes_field(n)) >= 0)
		return field_op(mx, m, msg, n, only);
	return not_applied(mx, m, "'%s' names %s, a node: give one of its fields", m->path, n->sd->name);
}

/* An attribute path ending in .value/.af/.type/.length names the field, else the attribute. */
static bool names_attr_field(const char *path)
{
	const char *dot = strrchr(path, '.');
	static const char *const f[] = {"value", "af", "type", "length"};
	for (size_t i = 0; dot && i < sizeof(f) / sizeof(f[0]); i++)
		if (!strcasecmp(dot + 1, f[i]))
			return true;
	return false;
}

static bool apply_path(const struct ik_mut_ctx *mx, const struct ik_mutation *m, struct ik_msg *msg)
{
	struct ik_ref r;
	struct ik_status st;

	if (!ik_path_find(msg, m->path, &r, &st))
		return not_applied(mx, m, "%s", st.why);
	bool attr_node = r.node->sd == &ik_sd_attr && !names_attr_field(m->path) &&
			 (m->op == IK_MO_OMIT || m->op == IK_MO_DUPLICATE || m->op == IK_MO_REORDER);
	if (r.field < 0 || attr_node)
		return node_op(mx, m, msg, &r);
	return field_op(mx, m, msg, r.node, r.field);
}

/* Paths into HASH apply after the filler computed it (else the filler would undo them). */
static bool after_fill(const struct ik_mut_ctx *mx, const struct ik_mutation *m)
{
	return mx->has_fill && !strncasecmp(m->path, "HASH", 4) &&
	       (m->path[4] == '.' || m->path[4] == '[' || !m->path[4]);
}

bool ik_mut_tree(struct ik_mut_ctx *mx, struct ik_msg *out, bool post, struct ik_status *st)
{
	(void)st;
	for (size_t i = 0; i < nmut(mx->e); i++) {
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
	if (!of_places(mx->e, mx->mask, true))
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
	for (size_t i = 0; i < nmut(mx->e); i++)
		any |= (mx->mask & BIT(i)) && mx->e->mut[i].place == IK_MP_FIELD &&
		       after_fill(mx, &mx->e->mut[i]);
	if (!any)
		return true;
	/* The filled HASH values into the tree, then the mutation, then the body again. */
	for (size_t k = 0; k < out->hdr->nkids; k++) {
		struct ik_node *h = out->hdr->kids[k];
		int f = ik_field_index(h->sd, "data");
		if (h->type != IK_PAYLOAD_HASH || f < 0 || h->v[f].omitted)
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
	for (size_t i = 0; i < nmut(mx->e); i++)
		if ((mx->mask & BIT(i)) && mx->e->mut[i].place == IK_MP_PLAIN &&
		    wr_op(mx, &mx->e->mut[i], plain)) {
			mx->done |= BIT(i);
			mx->plain_changed = true;
		}
	return !plain->failed;
}

void ik_mut_iv(struct ik_mut_ctx *mx, uint8_t *iv, size_t blk)
{
	for (size_t i = 0; i < nmut(mx->e); i++) {
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
	for (size_t i = 0; i < nmut(mx->e); i++)
		if ((mx->mask & BIT(i)) && mx->e->mut[i].place == IK_MP_WIRE &&
		    wr_op(mx, &mx->e->mut[i], wire))
			mx->done |= BIT(i);
	return !wire->failed;
}

/* ---- sending ---- */

static bool any_replay(const struct ik_engine *e)
{
	for (size_t i = 0; i < nmut(e); i++)
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
		     unsigned mask, unsigned *done, struct ik_status *st)
{
	struct ik_engine *e = sa->eng;
	struct ik_mut_ctx mx = {.e = e, .sa = sa, .x = x, .msgno = msgno};
	unsigned drop = 0, dup = 0, late = 0;
	uint64_t ms = 0;

	for (size_t i = 0; i < nmut(e); i++) {
		const struct ik_mutation *m = &e->mut[i];
		if (!(mask & BIT(i)))
			continue;
		if (m->op == IK_MO_DROP)
			drop |= BIT(i);
		else if (m->op == IK_MO_DUPLICATE)
			dup |= BIT(i);
		else if (m->op == IK_MO_DELAY)
			late |= BIT(i), ms = m->num > ms ? m->num : ms;
		else if (m->op == IK_MO_REPLAY) {
			const struct stored *s = stored_of(sa, m->replay_x, m->replay_msg);
			if (!s)
				not_applied(&mx, m, "%s of this SA was never sent",
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
	if (!ik_send_wire(sa, p, len, st))
		return false;
	if (dup && ik_send_wire(sa, p, len, st))
		*done |= dup;
	return true;
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
 * value the peer got. (A responder derived SKEYID before sending MM4/AM2: not followed.) */
static void own_state(struct ik_sa *sa, struct ik_qm *qm, const struct ik_msg *m)
{
	const struct ik_val *v = ik_fget(ik_pl_find(m, IK_PAYLOAD_NONCE, 0), "data");
	bool ini = qm ? qm->role == IK_INITIATOR : sa->role == IK_INITIATOR;
	uint8_t *dst = qm ? (ini ? qm->k.ni : qm->k.nr) : (ini ? sa->k.ni : sa->k.nr);
	size_t *len = qm ? (ini ? &qm->k.ni_len : &qm->k.nr_len) : (ini ? &sa->k.ni_len : &sa->k.nr_len);

	if (v && v->len <= IK_MAX_NONCE) {
		memcpy(dst, v->bytes, v->len);
		*len = v->len;
	}
	/* Our phase 1 offers as sent: the reply is checked against them (RFC 2408 4.2). */
	struct ik_p1_xform offers[IK_MAX_XFORMS];
	size_t n;
	struct ik_status st;
	const struct ik_node *sa_pl = ik_pl_find(m, IK_PAYLOAD_SA, 0);
	if (!qm && ini && sa_pl && ik_sa_p1_read(sa_pl, offers, IK_MAX_XFORMS, &n, &st) && n) {
		memcpy(sa->offers, offers, sizeof(offers));
		sa->noffers = n;
	}
}

/* One build of a copy of the tree (out stays as it was) with a copy of the IV. */
static bool build_copy(struct ik_mut_ctx *mx, ik_filler fill, bool enc, const struct ik_msg *out,
		       const uint8_t *iv, struct ik_wr *w, struct ik_status *st)
{
	struct ik_msg c = {.hdr = ik_node_clone(out->hdr)};
	uint8_t ivc[IK_MAX_BLOCK];

	memcpy(ivc, iv, sizeof(ivc));
	bool ok = c.hdr && ik_emit_build(mx->sa, mx->qm, fill, enc, &c, ivc, mx, w, st);
	ik_msg_free(&c);
	return ok;
}

bool ik_mut_emit(struct ik_sa *sa, struct ik_qm *qm, enum ik_xchg x, int msgno, ik_filler fill,
		 bool enc, struct ik_msg *out, uint8_t *iv, struct ik_wr *keep, char *note, size_t n,
		 struct ik_status *st)
{
	struct ik_engine *e = sa->eng;
	struct ik_mut_ctx base = {.e = e, .sa = sa, .qm = qm, .x = x, .msgno = msgno,
				  .has_fill = fill != NULL};
	unsigned every, now, later, done = 0;
	struct ik_wr wire, clean;
	struct ik_msg pristine = {0};
	bool ok = false;

	count(e, x, msgno, false, &every, &now, &later);
	unsigned b_every = of_places(e, every, true), b_now = of_places(e, now, true);
	later = of_places(e, later, true);
	ik_wr_init(&wire);
	ik_wr_init(&clean);
	if ((b_now || later) && !(pristine.hdr = ik_node_clone(out->hdr)))
		return ik_fail(st, 0, "ik_mut_emit: out of memory");
	/* Later transmissions (#N > 1) from the same tree and IV as this one. */
	for (size_t i = 0; i < nmut(e); i++) {
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
		uint8_t ivc[IK_MAX_BLOCK];
		memcpy(ivc, iv, sizeof(ivc));
		if (!ik_emit_build(sa, qm, fill, enc, out, ivc, &mw, &wire, st) ||
		    !ik_emit_build(sa, qm, fill, enc, &pristine, iv, mc.mask ? &mc : NULL, &clean, st))
			goto out;
	} else {
		if (!ik_emit_build(sa, qm, fill, enc, out, iv, mw.mask ? &mw : NULL, &wire, st) ||
		    !ik_wr_bytes(&clean, wire.p, wire.len))
			goto out;
	}
	done = mw.done;
	if (!transmit(sa, x, msgno, wire.p, wire.len, of_places(e, every | now, false), &done, st))
		goto out;
	ik_wr_reset(keep);
	ik_wr_bytes(keep, clean.p, clean.len);
	keep_mask(e, keep, (b_now ? mc.done : mw.done) & b_every);
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
	for (size_t i = 0; i < nmut(e); i++) {
		const struct variant *v;
		if (!(of_places(e, now, true) & BIT(i)))
			continue;
		if (!(v = variant_of(e, i, keep))) {
			IK_LOG(e, "'%s' not applied: no prepared transmission #%u", e->mut[i].text,
			       e->mut[i].nth);
			continue;
		}
		p = v->p, len = v->len;
		done |= BIT(i);
	}
	unsigned sendm = of_places(e, every | now, false);
	if (reply) /* the peer retransmitted: duplicating or replaying the answer feeds a loop */
		for (size_t i = 0; i < nmut(e); i++)
			if (e->mut[i].op == IK_MO_DUPLICATE || e->mut[i].op == IK_MO_REPLAY)
				sendm &= ~BIT(i);
	bool sent = transmit(sa, x, msgno, p, len, sendm, &done, st);
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
	uint32_t msgid = (uint32_t)p[20] << 24 | (uint32_t)p[21] << 16 | (uint32_t)p[22] << 8 | p[23];
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
	for (size_t i = 0; i < nmut(e); i++) {
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
		snprintf(r->payloads, sizeof(r->payloads), "%s", times ? "(processed twice)"
								     : "(ignored as if lost)");
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
