/*
 * Families: one line generates a case per (field of a message, mutation operator), so that
 * robustness coverage comes from the payload descriptors (engine/codec/payload.c) PROTOS-style rather
 * than from copy-paste (DESIGN.md "Suite: how a test is written").
 *
 *   family MM1-FUZZ-{n} fields MM1 ops omit fill:0xff flip
 *
 * The fields of a message are those our engine really sends in it, so every generated mutation
 * finds its target: the ISAKMP header, every payload the message must carry (engine/exchanges/messages.def,
 * min >= 1; optional ones such as VID or NAT-D may be absent), each payload's fields from its
 * descriptor, the first proposal and transform of an SA and the transform attributes the engine
 * writes for every proposal (engine/codec/msg.c p1_transform / p2_transform, without the ones that
 * depend on the algorithm: KEY_LENGTH, AUTHENTICATION_ALGORITHM, GROUP_DESCRIPTION in QM).
 * Operators that make no sense for a place (set:V on a whole payload, reorder on a number) are
 * not paired with it, so a family expands to the sensible pairs only.
 */
#include "case_internal.h"
#include "consts.h"
#include "payload.h"
#include "quirk.h"
#include "rules.h"
#include "util.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

/* What a path names; which operators it takes. */
enum pkind { PK_NODE, PK_LIST_NODE, PK_NUM, PK_BYTES, PK_ATTR };

struct fpath {
	char path[96];
	enum pkind kind;
};

/* The transform attributes the engine writes whatever the proposal (engine/codec/msg.c). */
static const uint16_t p1_attrs[] = {IK_P1_ATTR_ENCR,      IK_P1_ATTR_HASH,
                                    IK_P1_ATTR_AUTH,      IK_P1_ATTR_GROUP_DESC,
                                    IK_P1_ATTR_LIFE_TYPE, IK_P1_ATTR_LIFE_DURATION};
static const uint16_t p2_attrs[] = {IK_P2_ATTR_LIFE_TYPE, IK_P2_ATTR_LIFE_DURATION,
                                    IK_P2_ATTR_ENCAP};

/* Which operators each kind of place takes (the mutation catalogue's rules for field paths). */
static bool op_fits(const char *op, enum pkind k)
{
	static const struct {
		const char *op;
		unsigned kinds;
	} fits[] = {
#define K(k) (1u << (k))
		{"set", K(PK_NUM) | K(PK_BYTES) | K(PK_ATTR)},
		{"omit", K(PK_NODE) | K(PK_LIST_NODE) | K(PK_NUM) | K(PK_BYTES) | K(PK_ATTR)},
		{"empty", K(PK_LIST_NODE) | K(PK_BYTES)},
		{"duplicate", K(PK_NODE) | K(PK_LIST_NODE) | K(PK_ATTR)},
		{"fill", K(PK_NUM) | K(PK_BYTES) | K(PK_ATTR)},
		{"flip", K(PK_NUM) | K(PK_BYTES) | K(PK_ATTR)},
		{"truncate", K(PK_LIST_NODE) | K(PK_BYTES)},
		{"append", K(PK_BYTES)},
		{"reorder", K(PK_NODE) | K(PK_LIST_NODE) | K(PK_ATTR)},
#undef K
	};
	size_t n = strcspn(op, ":");

	for (size_t i = 0; i < IK_ARRAY_SIZE(fits); i++)
		if (strlen(fits[i].op) == n && !strncmp(fits[i].op, op, n))
			return fits[i].kinds & (1u << k);
	return false;
}

static void add(struct fpath *out, size_t cap, size_t *n, enum pkind k, const char *fmt,
                const char *a, const char *b)
{
	if (*n < cap) {
		snprintf(out[*n].path, sizeof(out[*n].path), fmt, a, b);
		out[*n].kind = k;
	}
	(*n)++;
}

/* prefix.field for every non-list field of sd. */
static void fields(const struct ik_sdesc *sd, const char *prefix, struct fpath *out, size_t cap,
                   size_t *n)
{
	for (size_t i = 0; i < sd->nf; i++) {
		const struct ik_fdesc *f = &sd->f[i];
		if (f->kind == IK_K_LIST)
			continue;
		add(out, cap, n, f->kind == IK_K_BYTES ? PK_BYTES : PK_NUM, "%s.%s", prefix,
		    f->name);
	}
}

static size_t paths_of(enum ik_xchg x, int msg, struct fpath *out, size_t cap)
{
	size_t n = 0;
	bool p1 = x == IK_X_MAIN || x == IK_X_AGGR;

	if (x != IK_X_MAIN && x != IK_X_AGGR && x != IK_X_QUICK)
		return 0;
	if (msg < 1 || msg > ik_xchg_len(x))
		return 0;
	fields(&ik_sd_hdr, "HDR", out, cap, &n);
	uint8_t must[16]; /* a message must carry at most a handful */
	size_t nmust = ik_rules_required(x, msg, must, IK_ARRAY_SIZE(must));
	for (size_t r = 0; r < nmust; r++) {
		const struct ik_sdesc *sd = ik_payload_desc(must[r]);
		if (!sd)
			continue;
		add(out, cap, &n, sd->list == IK_NO_LIST ? PK_NODE : PK_LIST_NODE, "%s%s", sd->name,
		    "");
		fields(sd, sd->name, out, cap, &n);
		if (must[r] != IK_PAYLOAD_SA)
			continue;
		add(out, cap, &n, PK_LIST_NODE, "%s%s", "SA.P[0]", "");
		for (size_t i = 0; i < ik_sd_prop.nf; i++) {
			const struct ik_fdesc *f = &ik_sd_prop.f[i];
			/* Phase 1 proposals carry no SPI (RFC 2408 2.4 allows it empty). */
			if (f->kind == IK_K_LIST || (p1 && i == IK_F_P_SPI))
				continue;
			add(out, cap, &n, f->kind == IK_K_BYTES ? PK_BYTES : PK_NUM, "SA.P[0].%s",
			    f->name, "");
		}
		add(out, cap, &n, PK_LIST_NODE, "%s%s", "SA.P[0].T[0]", "");
		fields(&ik_sd_trans, "SA.P[0].T[0]", out, cap, &n);
		const uint16_t *a = p1 ? p1_attrs : p2_attrs;
		size_t na = p1 ? IK_ARRAY_SIZE(p1_attrs) : IK_ARRAY_SIZE(p2_attrs);
		for (size_t i = 0; i < na; i++)
			add(out, cap, &n, PK_ATTR, "SA.P[0].T[0].%s%s",
			    ik_name(p1 ? IK_T_P1_ATTR : IK_T_P2_ATTR, a[i]), "");
	}
	return n;
}

size_t ik_case_field_paths(enum ik_xchg x, int msg, char paths[][96], size_t cap)
{
	struct fpath fp[256];
	size_t n = paths_of(x, msg, fp, 256);

	for (size_t i = 0; i < n && i < cap && i < 256; i++)
		memcpy(paths[i], fp[i].path, sizeof(paths[i]));
	return n;
}

/* family ID-PATTERN fields MSG ops OP... */
bool ik_family_parse(struct ik_family *f, const char *text, const struct ik_cpos *at)
{
	char buf[1024], *w[40], *save = NULL;
	size_t n = 0;

	memset(f, 0, sizeof(*f));
	f->line = at->line;
	snprintf(buf, sizeof(buf), "%s", text);
	for (char *t = strtok_r(buf, " \t", &save); t && n < 40; t = strtok_r(NULL, " \t", &save))
		w[n++] = t;
	if (n < 5 || strcmp(w[1], "fields") || strcmp(w[3], "ops"))
		return ik_case_fail(at,
		                    "family: expected 'family ID-{n} fields MSG ops OP...' (e.g. "
		                    "family MM1-FUZZ-{n} fields MM1 ops omit fill:0xff)");
	const char *brace = strstr(w[0], "{n}");
	if (!brace || strstr(brace + 1, "{n}"))
		return ik_case_fail(at,
		                    "family id '%.31s': expected one '{n}' (replaced by 001, 002, "
		                    "...)",
		                    w[0]);
	if (strlen(w[0]) >= sizeof(f->pattern) || strlen(w[0]) - 3 + 3 >= 32)
		return ik_case_fail(at, "family id '%.31s': too long", w[0]);
	snprintf(f->pattern, sizeof(f->pattern), "%s", w[0]);
	char probe[40];
	snprintf(probe, sizeof(probe), "%.*s000%s", (int)(brace - w[0]), w[0], brace + 3);
	if (!ik_case_word_ok(probe))
		return ik_case_fail(at,
		                    "family id '%.31s': expected letters, digits, '-', '_', '.' "
		                    "around '{n}'",
		                    w[0]);
	if (!ik_case_msg_by_name(w[2], &f->x, &f->msg))
		return ik_case_fail(at,
		                    "family: fields '%.20s': expected a message MM1..MM6, "
		                    "AM1..AM3 or QM1..QM3",
		                    w[2]);
	for (size_t i = 4; i < n; i++) {
		bool any = false;
		for (int k = PK_NODE; k <= PK_ATTR; k++)
			any = any || op_fits(w[i], (enum pkind)k);
		if (!any)
			return ik_case_fail(
				at,
				"family: operator '%.30s' applies to no field (expected "
				"set:V omit empty duplicate fill:B flip truncate:N "
				"append:HEX reorder:N)",
				w[i]);
		if (f->nops == sizeof(f->ops) / sizeof(f->ops[0]) ||
		    strlen(w[i]) >= sizeof(f->ops[0]))
			return ik_case_fail(at, "family: too many or too long operators");
		snprintf(f->ops[f->nops++], sizeof(f->ops[0]), "%s", w[i]);
	}
	return true;
}

/* suite/fz_rules.def: what a conformant receiver may do with each generated mutation. */
enum fz_class { FZ_NOOP, FZ_ACCEPT, FZ_REFUSE };

static const struct fz_rule {
	const char *msg, *path, *op;
	enum fz_class cls;
	const char *quirks; /* serve quirks that build an SA from the mutation: the case's breaks */
	enum ik_level level;
	enum ik_binds who;
	const char *ref, *binds;
} fz_rules[] = {
/* FZ(...) passes its arguments on expanded, so a row may name its rule by one macro (the
 * R_* of fz_rules.def stand for level, whom it binds, reference and sentence). */
#define FZ(...)                           FZ_ROW(__VA_ARGS__)
#define FZ_ROW(m, p, o, c, q, l, w, r, b) {m, p, o, FZ_##c, q, IK_LVL_##l, IK_BINDS_##w, r, b},
#include "fz_rules.def"
#undef FZ_ROW
#undef FZ
};

static const struct fz_rule *fz_rule_of(const char *msg, const char *path, const char *op)
{
	for (size_t i = 0; i < IK_ARRAY_SIZE(fz_rules); i++) {
		const struct fz_rule *r = &fz_rules[i];
		if (!fnmatch(r->msg, msg, 0) && !fnmatch(r->path, path, 0) &&
		    !fnmatch(r->op, op, 0))
			return r;
	}
	return NULL; /* the last row matches everything */
}

/* A generated case of a `survives` family takes its level, binds line and reference from its
 * rule; where the broken message may still be acceptable it only asks for liveness; where it
 * must be refused, the quirks that make serve take it are what the case breaks (the self-test
 * runs it under them). False (with *bad the name) when the row names an unknown quirk. */
static bool fz_apply(struct ik_case *c, const struct fz_rule *r, const char **bad)
{
	bool survives = false;
	for (size_t i = 0; i < c->nexpect; i++)
		survives = survives || c->expect[i].kind == IK_EXP_SURVIVES;
	if (!r || !survives)
		return true;
	c->level = r->level;
	c->binds_who = r->who;
	snprintf(c->binds, sizeof(c->binds), "%s", r->binds);
	snprintf(c->ref, sizeof(c->ref), "%s", r->ref);
	for (size_t i = 0; i < c->nexpect && r->cls == FZ_ACCEPT; i++)
		if (c->expect[i].kind == IK_EXP_SURVIVES)
			c->expect[i].kind = IK_EXP_ALIVE;
	for (const char *q = r->quirks; r->cls == FZ_REFUSE && *q;) {
		size_t n = strcspn(q, " ");
		char name[sizeof(c->breaks[0])];
		snprintf(name, sizeof(name), "%.*s", (int)n, q);
		if (n >= sizeof(name) || ik_quirks_none(ik_quirk_by_name(name)) ||
		    c->nbreaks == IK_CASE_MAX_QUIRKS) {
			*bad = q;
			return false;
		}
		memcpy(c->breaks[c->nbreaks++], name, sizeof(name));
		q += n + strspn(q + n, " ");
	}
	return true;
}

/* dst = src with every `key` replaced by `val`; false when it does not fit. */
static bool subst(char *dst, size_t cap, const char *src, const char *key, const char *val)
{
	size_t kl = strlen(key), o = 0;

	for (const char *p = src; *p;) {
		const char *s = !strncmp(p, key, kl) ? val : NULL;
		size_t l = s ? strlen(s) : 1;
		if (o + l >= cap)
			return false;
		memcpy(dst + o, s ? s : p, l);
		o += l;
		p += s ? kl : 1;
	}
	dst[o] = 0;
	return true;
}

bool ik_family_expand(struct ik_caseset *cs, const struct ik_case *t, const struct ik_family *f,
                      const struct ik_cpos *at)
{
	struct fpath *fp = calloc(256, sizeof(*fp));
	size_t np = fp ? paths_of(f->x, f->msg, fp, 256) : 0;
	unsigned idx = 0;
	bool ok = true;

	if (!fp)
		return ik_case_fail(at, "out of memory");
	if (t->nmut == IK_MAX_MUTATIONS)
		ok = ik_case_fail(at, "family %s: no room for the generated mutation (at most %d)",
		                  f->pattern, IK_MAX_MUTATIONS - 1);
	for (size_t p = 0; ok && p < np && p < 256; p++)
		for (size_t o = 0; ok && o < f->nops; o++) {
			if (!op_fits(f->ops[o], fp[p].kind))
				continue;
			const struct fz_rule *rule =
				fz_rule_of(ik_msg_name(f->x, f->msg), fp[p].path, f->ops[o]);
			if (rule && rule->cls == FZ_NOOP)
				continue; /* it would change no octet */
			char num[8], spec[200], title[sizeof(t->title)], tmp[sizeof(t->title)];
			struct ik_status mst;
			const struct ik_case *dup;
			snprintf(num, sizeof(num), "%03u", ++idx);
			struct ik_case *c = ik_caseset_push(cs);
			if (!c) {
				ok = ik_case_fail(at, "out of memory");
				break;
			}
			*c = *t;
			snprintf(c->family, sizeof(c->family), "%s", f->pattern);
			subst(c->id, sizeof(c->id), f->pattern, "{n}", num);
			if (idx > 999 || (dup = ik_cases_find(cs, c->id)) != c) {
				cs->n--;
				ok = idx > 999
				             ? ik_case_fail(at, "family %s: more than 999 cases",
				                            f->pattern)
				             : ik_case_fail(at, "case id %s already used at %s:%u",
				                            c->id, dup->file, dup->line);
				break;
			}
			snprintf(spec, sizeof(spec), "%s %s %s", ik_msg_name(f->x, f->msg),
			         fp[p].path, f->ops[o]);
			const char *outcome = rule && rule->cls == FZ_ACCEPT
			                              ? "it stays up (it may take the message)"
			                              : "it builds no SA from it and stays up";
			ok = subst(tmp, sizeof(tmp), t->title, "{path}", fp[p].path) &&
			     subst(title, sizeof(title), tmp, "{op}", f->ops[o]) &&
			     subst(tmp, sizeof(tmp), title, "{outcome}", outcome) &&
			     subst(c->title, sizeof(c->title), tmp, "{n}", num);
			if (!ok) {
				cs->n--;
				ok = ik_case_fail(at,
				                  "family %s: title too long once {path} and {op} "
				                  "are filled in",
				                  f->pattern);
				break;
			}
			if (!ik_mutation_parse(spec, &c->mut[c->nmut], &mst)) {
				cs->n--;
				ok = ik_case_fail(at, "family %s: generated mutation '%s': %s",
				                  f->pattern, spec, mst.why);
				break;
			}
			c->nmut++;
			const char *bad = NULL;
			if (!fz_apply(c, rule, &bad)) {
				cs->n--;
				ok = ik_case_fail(at,
				                  "family %s: suite/fz_rules.def names an unknown "
				                  "quirk (or more than %d) at '%.40s'",
				                  f->pattern, IK_CASE_MAX_QUIRKS, bad);
				break;
			}
		}
	if (ok && !idx)
		ok = ik_case_fail(at, "family %s: no field of %s takes these operators", f->pattern,
		                  ik_msg_name(f->x, f->msg));
	free(fp);
	return ok;
}
