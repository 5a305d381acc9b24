/*
 * Field paths over the payload tree: "SA.P[0].T[1].LIFE_DURATION", "HDR.flags", "N[1].type".
 * This is how mutations (and tests) address any field the descriptors define.
 */
#include "codec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct tok {
	char name[48];
	long idx; /* -1: no [k] */
};

/* Next segment "NAME" or "NAME[k]"; advances *s past a '.'. */
static bool next_tok(const char **s, struct tok *t)
{
	const char *p = *s;
	size_t n = strcspn(p, ".[");
	char *end;

	if (!n || n >= sizeof(t->name))
		return false;
	memcpy(t->name, p, n);
	t->name[n] = 0;
	p += n;
	t->idx = -1;
	if (*p == '[') {
		t->idx = strtol(p + 1, &end, 10);
		if (end == p + 1 || *end != ']' || t->idx < 0)
			return false;
		p = end + 1;
	}
	if (*p == '.' && p[1])
		p++;
	else if (*p)
		return false;
	*s = p;
	return true;
}

static enum ik_table attr_table(const struct ik_node *n)
{
	if (n->nkids)
		return n->kids[0]->ctx;
	if (n->sd == &ik_sd_trans)
		return n->ctx == IK_T_P1_TRANS ? IK_T_P1_ATTR : IK_T_P2_ATTR;
	return IK_T_CFG_ATTR;
}

/* A child of n by name: "P"/"T" by position, "A" by position, attributes by class name. */
static bool child(struct ik_node *n, const struct tok *t, size_t *at)
{
	size_t want = t->idx < 0 ? 0 : (size_t)t->idx, seen = 0;
	uint32_t cls;
	bool by_class = false;

	if (n->sd->list == IK_NO_LIST)
		return false;
	if (n->sd->f[n->sd->list].child == &ik_sd_attr && strcasecmp(t->name, "A")) {
		if (!ik_value_of(attr_table(n), t->name, &cls))
			return false;
		by_class = true;
	}
	for (size_t k = 0; k < n->nkids; k++) {
		const struct ik_node *c = n->kids[k];
		bool match =
			by_class ? c->v[IK_F_A_TYPE].num == cls : !strcasecmp(c->sd->name, t->name);
		if (match && seen++ == want) {
			*at = k;
			return true;
		}
	}
	return false;
}

bool ik_path_find(struct ik_msg *m, const char *path, struct ik_ref *ref, struct ik_status *st)
{
	const char *s = path;
	struct tok t;
	size_t at;
	uint32_t type;

	memset(ref, 0, sizeof(*ref));
	ref->field = -1;
	if (!m->hdr)
		return ik_fail(st, 0, "ik_path_find: empty message");
	ik_msg_contexts(m);
	if (!next_tok(&s, &t))
		return ik_fail(st, 0, "ik_path_find: bad path '%s'", path);
	if (!strcasecmp(t.name, "HDR")) {
		ref->node = m->hdr;
	} else if (!strcasecmp(t.name, "PL") && t.idx >= 0 && (size_t)t.idx < m->hdr->nkids) {
		ref->parent = m->hdr;
		ref->index = (size_t)t.idx;
	} else if (ik_value_of(IK_T_PAYLOAD, t.name, &type) && type < 256) {
		size_t want = t.idx < 0 ? 0 : (size_t)t.idx, seen = 0;
		for (at = 0; at < m->hdr->nkids; at++)
			if (m->hdr->kids[at]->type == type && seen++ == want)
				break;
		if (at == m->hdr->nkids)
			return ik_fail(st, 0, "ik_path_find: '%s': no %s[%zu] in the message", path,
			               t.name, want);
		ref->parent = m->hdr;
		ref->index = at;
	} else {
		return ik_fail(st, 0, "ik_path_find: '%s': '%s' is not a payload", path, t.name);
	}
	if (!ref->node)
		ref->node = ref->parent->kids[ref->index];
	while (*s) {
		struct ik_node *n = ref->node;
		int fi;
		if (!next_tok(&s, &t))
			return ik_fail(st, 0, "ik_path_find: bad path '%s'", path);
		fi = ik_field_index(n->sd, t.name);
		if (fi >= 0 && n->sd->f[fi].kind != IK_K_LIST && t.idx < 0) {
			if (*s)
				return ik_fail(st, 0,
				               "ik_path_find: '%s': %s is a field, not a node",
				               path, t.name);
			ref->field = fi;
			return true;
		}
		if (!child(n, &t, &at))
			return ik_fail(st, 0, "ik_path_find: '%s': no %s[%ld] under %s", path,
			               t.name, t.idx < 0 ? 0 : t.idx, n->sd->name);
		ref->parent = n;
		ref->index = at;
		ref->node = n->kids[at];
	}
	if (ref->node->sd == &ik_sd_attr)
		ref->field = IK_F_A_VALUE;
	return true;
}

static bool find_field(struct ik_msg *m, const char *path, struct ik_ref *r, struct ik_status *st)
{
	if (!ik_path_find(m, path, r, st))
		return false;
	if (r->field < 0)
		return ik_fail(st, 0, "ik_path: '%s' names a node, not a field", path);
	return true;
}

bool ik_path_set_num(struct ik_msg *m, const char *path, uint32_t v, struct ik_status *st)
{
	struct ik_ref r;

	if (!find_field(m, path, &r, st))
		return false;
	struct ik_val *val = &r.node->v[r.field];
	bool attr_tlv =
		r.node->sd == &ik_sd_attr && r.field == IK_F_A_VALUE && !r.node->v[IK_F_A_AF].num;
	if (attr_tlv) {
		/* TLV value: keep its width (4 octets when empty), big endian. */
		uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8),
		                (uint8_t)v};
		size_t n = val->len && val->len < 4 ? val->len : 4;
		if (!ik_val_set_bytes(val, b + 4 - n, n))
			return ik_fail(st, 0, "ik_path_set_num: out of memory");
	} else if (r.node->sd != &ik_sd_attr && r.node->sd->f[r.field].kind == IK_K_BYTES) {
		return ik_fail(st, 0, "ik_path_set_num: '%s' holds octets, not a number", path);
	} else {
		val->num = v;
	}
	val->pinned = true;
	return true;
}

bool ik_path_set_bytes(struct ik_msg *m, const char *path, const void *p, size_t len,
                       struct ik_status *st)
{
	struct ik_ref r;

	if (!find_field(m, path, &r, st))
		return false;
	bool is_bytes = r.node->sd == &ik_sd_attr ? r.field == IK_F_A_VALUE
	                                          : r.node->sd->f[r.field].kind == IK_K_BYTES;
	if (!is_bytes)
		return ik_fail(st, 0, "ik_path_set_bytes: '%s' is a number", path);
	if (!ik_val_set_bytes(&r.node->v[r.field], p, len))
		return ik_fail(st, 0, "ik_path_set_bytes: out of memory");
	r.node->v[r.field].pinned = true;
	return true;
}

/* Depth-first search for node, writing the path on the way back up. */
static bool path_in(const struct ik_node *n, const struct ik_node *want, char *buf, size_t len)
{
	for (size_t k = 0; k < n->nkids; k++) {
		const struct ik_node *c = n->kids[k];
		size_t used = strlen(buf), seen = 0;
		if (c->sd == &ik_sd_attr)
			snprintf(buf + used, len - used, ".A[%zu]", k);
		else {
			for (size_t j = 0; j < k; j++)
				seen += n->kids[j]->sd == c->sd;
			snprintf(buf + used, len - used, ".%s[%zu]", c->sd->name, seen);
		}
		if (c == want || path_in(c, want, buf, len))
			return true;
		buf[used] = 0;
	}
	return false;
}

void ik_path_of(struct ik_msg *m, const struct ik_node *node, int field, char *buf, size_t n)
{
	char tmp[160] = "";
	size_t seen = 0;

	snprintf(buf, n, "?");
	if (!m->hdr)
		return;
	if (node == m->hdr) {
		snprintf(tmp, sizeof(tmp), "HDR");
	} else {
		for (size_t k = 0; k < m->hdr->nkids; k++) {
			const struct ik_node *p = m->hdr->kids[k];
			seen = 0;
			for (size_t j = 0; j < k; j++)
				seen += m->hdr->kids[j]->type == p->type;
			snprintf(tmp, sizeof(tmp), "%s[%zu]", ik_name(IK_T_PAYLOAD, p->type), seen);
			if (p->sd == &ik_sd_opaque)
				snprintf(tmp, sizeof(tmp), "PL[%zu]", k);
			if (p == node || path_in(p, node, tmp, sizeof(tmp)))
				break;
			tmp[0] = 0;
		}
	}
	if (!tmp[0])
		return;
	if (field >= 0 && (size_t)field < node->sd->nf)
		snprintf(buf, n, "%s.%s", tmp, node->sd->f[field].name);
	else
		snprintf(buf, n, "%s", tmp);
}
