/* Proposal selection by the RFC rules; see select.h for the rules and their sources. */
#include "select.h"
#include "consts.h"

#include <stdio.h>
#include <string.h>

#define BAD(x, c, ...)                                                             \
	do {                                                                       \
		if (!(x)->bad_class) {                                             \
			(x)->bad_class = (c);                                      \
			snprintf((x)->bad_why, sizeof((x)->bad_why), __VA_ARGS__); \
		}                                                                  \
	} while (0)

/* RFC 2407 4.5.2 / RFC 2409 App. A: a duration follows its type; a second duration for the same
 * type that disagrees is a conflict. Shared by both phases (their class numbers differ). */
struct life_state {
	uint16_t type; /* last LIFE_TYPE seen, 0 before any */
	uint32_t *s, *kb;
};

static const char *life_attr(struct life_state *ls, uint16_t cls, uint32_t val, bool is_type)
{
	if (is_type) {
		if (val != IK_LIFE_TYPE_SECONDS && val != IK_LIFE_TYPE_KILOBYTES)
			return "unknown LIFE_TYPE value";
		ls->type = (uint16_t)val;
		return NULL;
	}
	(void)cls;
	if (!ls->type)
		return "LIFE_DURATION without a preceding LIFE_TYPE (RFC 2407 4.5)";
	uint32_t *slot = ls->type == IK_LIFE_TYPE_SECONDS ? ls->s : ls->kb;
	if (*slot && *slot != val)
		return "conflicting LIFE_DURATION values (RFC 2407 4.5.2)";
	if (!val)
		return "LIFE_DURATION of zero";
	*slot = val;
	ls->type = 0;
	return NULL;
}

/* Store a single-valued attribute; a repeated class with another value is a conflict. */
static bool set_once(uint16_t *slot, uint32_t val)
{
	if (val > 0xffff || (*slot && *slot != val))
		return false;
	*slot = (uint16_t)val;
	return true;
}

/* Where a single-valued attribute class lands in an xform (offset of a uint16_t), or NOWHERE
 * for a class that is understood and checked for conflicts but not kept. */
#define NOWHERE SIZE_MAX
struct slot {
	uint16_t cls;
	size_t off;
};

/* One phase's attribute rules: its single-valued classes, its lifetime classes, its names. */
struct attr_rules {
	const struct slot *slots;
	size_t nslots;
	uint16_t life_type, life_duration;
	enum ik_table names;
	const char *unsupported;
};

/* RFC 2409 Appendix A: classes 1-16; we support the fixed groups only (no 6-10, 15, 16) and no
 * PRF attribute (none is defined, RFC 2409 App. A "PRF"). */
static const struct slot p1_slots[] = {
	{IK_P1_ATTR_ENCR, offsetof(struct ik_p1_xform, enc)},
	{IK_P1_ATTR_HASH, offsetof(struct ik_p1_xform, hash)},
	{IK_P1_ATTR_AUTH, offsetof(struct ik_p1_xform, auth)},
	{IK_P1_ATTR_GROUP_DESC, offsetof(struct ik_p1_xform, group)},
	{IK_P1_ATTR_KEY_LENGTH, offsetof(struct ik_p1_xform, keylen)},
	{IK_P1_ATTR_GROUP_TYPE, NOWHERE},
};
static const struct attr_rules p1_rules = {
	p1_slots,
	sizeof(p1_slots) / sizeof(p1_slots[0]),
	IK_P1_ATTR_LIFE_TYPE,
	IK_P1_ATTR_LIFE_DURATION,
	IK_T_P1_ATTR,
	"attribute class not supported",
};

/* RFC 2407 4.5: classes 1-11. Key rounds and the compression classes have no meaning for ESP. */
static const struct slot p2_slots[] = {
	{IK_P2_ATTR_GROUP_DESC, offsetof(struct ik_p2_xform, group)},
	{IK_P2_ATTR_ENCAP, offsetof(struct ik_p2_xform, encap)},
	{IK_P2_ATTR_AUTH, offsetof(struct ik_p2_xform, auth)},
	{IK_P2_ATTR_KEY_LENGTH, offsetof(struct ik_p2_xform, keylen)},
	{IK_P2_ATTR_ECN_TUNNEL, NOWHERE},
};
static const struct attr_rules p2_rules = {
	p2_slots,
	sizeof(p2_slots) / sizeof(p2_slots[0]),
	IK_P2_ATTR_LIFE_TYPE,
	IK_P2_ATTR_LIFE_DURATION,
	IK_T_P2_ATTR,
	"attribute class not supported for ESP",
};

/* Both phases: each attribute into its slot, lifetimes by RFC 2407 4.5.2, anything else (and
 * any conflict) into bad_class / bad_why. */
static void from_attrs(const struct attr_rules *r, void *x, uint32_t *life_s, uint32_t *life_kb,
                       uint16_t *bad_class, char *bad_why, size_t why_len, const struct ik_attr *a,
                       size_t n)
{
	struct life_state ls = {0, life_s, life_kb};
	uint16_t vals[8] = {0};
	char nb[IK_NAME_MAX];

	for (size_t i = 0; i < n; i++) {
		uint16_t c = a[i].cls;
		const char *why = NULL;
		bool ok = !a[i].too_long;
		size_t k;

		for (k = 0; k < r->nslots && r->slots[k].cls != c; k++)
			;
		if (k < r->nslots)
			ok = ok && set_once(&vals[k], a[i].val);
		else if (c == r->life_type || c == r->life_duration)
			ok = !(why = ok ? life_attr(&ls, c, a[i].val, c == r->life_type)
			                : "duration longer than 4 octets");
		else
			ok = false, why = r->unsupported;
		if (!ok && !*bad_class) {
			*bad_class = c ? c : 0xffff;
			snprintf(bad_why, why_len, "%s: %s", ik_fmt(nb, r->names, c),
			         why ? why : "repeated with another value or out of range");
		}
	}
	for (size_t k = 0; k < r->nslots; k++)
		if (r->slots[k].off != NOWHERE)
			memcpy((char *)x + r->slots[k].off, &vals[k], sizeof(uint16_t));
}

void ik_p1_from_attrs(struct ik_p1_xform *x, const struct ik_attr *a, size_t n)
{
	char nb[IK_NAME_MAX];

	from_attrs(&p1_rules, x, &x->life_s, &x->life_kb, &x->bad_class, x->bad_why,
	           sizeof(x->bad_why), a, n);
	/* RFC 2409 5: these four MUST be negotiated in every phase 1 transform. */
	for (size_t k = 0; k < 4; k++) {
		uint16_t v;
		memcpy(&v, (const char *)x + p1_slots[k].off, sizeof(v));
		if (!v)
			BAD(x, p1_slots[k].cls, "%s missing (mandatory, RFC 2409 5)",
			    ik_fmt(nb, IK_T_P1_ATTR, p1_slots[k].cls));
	}
}

void ik_p2_from_attrs(struct ik_p2_xform *x, const struct ik_attr *a, size_t n)
{
	from_attrs(&p2_rules, x, &x->life_s, &x->life_kb, &x->bad_class, x->bad_why,
	           sizeof(x->bad_why), a, n);
	/* RFC 2407 4.5: an unspecified SA lifetime means 28800 seconds. */
	if (!x->life_s && !x->life_kb)
		x->life_s = 28800;
}

/* Append "T<n>: reason; " to the refusal sentence, keeping it inside the status buffer. */
static void note(char *buf, size_t cap, unsigned proposal, unsigned number, const char *why)
{
	size_t len = strlen(buf);
	if (len + 8 >= cap)
		return;
	if (proposal)
		snprintf(buf + len, cap - len, "%sP%u.T%u %s", len ? "; " : "", proposal, number,
		         why);
	else
		snprintf(buf + len, cap - len, "%sT%u %s", len ? "; " : "", number, why);
}

static bool p1_same_suite(const struct ik_p1_xform *a, const struct ik_p1_xform *b)
{
	return a->enc == b->enc && a->keylen == b->keylen && a->hash == b->hash &&
	       a->auth == b->auth && a->group == b->group;
}

static void p1_suite_str(const struct ik_p1_xform *x, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s", ik_name(IK_T_P1_ENCR, x->enc));
	size_t l = strlen(buf);
	if (x->keylen)
		snprintf(buf + l, cap - l, "/%u", x->keylen);
	l = strlen(buf);
	snprintf(buf + l, cap - l, " %s %s %s", ik_name(IK_T_P1_HASH, x->hash),
	         ik_name(IK_T_P1_AUTH, x->auth), ik_name(IK_T_GROUP, x->group));
}

/* RFC 2407 4.5.4 applied to phase 1 by the profile's policy. False: refuse this transform.
 * We keep no volume (kilobyte) lifetime on an ISAKMP SA, so one offered is not honoured: like a
 * longer lifetime it is refused (strict) or answered with our seconds lifetime in
 * RESPONDER-LIFETIME (lenient, RFC 2407 4.6.3.1); only the obey policy takes it silently. */
static bool p1_lifetime(const struct ik_p1_policy *pol, const struct ik_p1_xform *o,
                        struct ik_pick *pick, char *why, size_t cap)
{
	bool longer = o->life_s > pol->life_s;

	pick->notify_lifetime = false;
	pick->life_s = o->life_s ? o->life_s : pol->life_s;
	if ((!longer && !o->life_kb) || pol->life == IK_LIFE_OBEY)
		return true;
	if (pol->life == IK_LIFE_STRICT) {
		if (longer)
			snprintf(why, cap,
			         "lifetime %u s longer than the configured %u s (strict "
			         "policy)",
			         o->life_s, pol->life_s);
		else
			snprintf(why, cap,
			         "lifetime of %u KB: no volume lifetime on the ISAKMP SA "
			         "(strict policy)",
			         o->life_kb);
		return false;
	}
	if (longer)
		pick->life_s = pol->life_s;
	pick->notify_lifetime = true;
	return true;
}

/* The notify for a refused offer: every transform unreadable for its SPI (RFC 2408 5.5 step 2)
 * or for its attributes (5.6), else none configured. */
static uint16_t refusal(size_t n, size_t unsupported, size_t badspi)
{
	if (badspi == n)
		return IK_NOTIFY_INVALID_SPI;
	return unsupported + badspi == n ? IK_NOTIFY_ATTRIBUTES_NOT_SUPPORTED
	                                 : IK_NOTIFY_NO_PROPOSAL_CHOSEN;
}

bool ik_p1_select(const struct ik_p1_policy *pol, const struct ik_p1_xform *offers, size_t n,
                  struct ik_pick *pick, struct ik_status *st)
{
	char reasons[sizeof(st->why)] = "";
	char why[160], suite[96];
	size_t unsupported = 0, badspi = 0;

	for (size_t i = 0; i < n; i++) {
		const struct ik_p1_xform *o = &offers[i];
		if (o->bad_class) {
			*(o->bad_class == IK_BAD_SPI ? &badspi : &unsupported) += 1;
			note(reasons, sizeof(reasons), 0, o->number, o->bad_why);
			continue;
		}
		size_t k;
		for (k = 0; k < pol->n && !p1_same_suite(o, &pol->accept[k]); k++)
			;
		if (k == pol->n) {
			p1_suite_str(o, suite, sizeof(suite));
			snprintf(why, sizeof(why), "%s not configured", suite);
			note(reasons, sizeof(reasons), 0, o->number, why);
			continue;
		}
		if (!p1_lifetime(pol, o, pick, why, sizeof(why))) {
			note(reasons, sizeof(reasons), 0, o->number, why);
			continue;
		}
		pick->index = i;
		return true;
	}
	if (!n)
		return ik_fail(st, IK_NOTIFY_BAD_PROPOSAL_SYNTAX, "no transform offered");
	return ik_fail(st, refusal(n, unsupported, badspi), "%s", reasons);
}

/* Encapsulation modes that mean what the policy wants (RFC 2407 4.5, RFC 3947 5.1 and the
 * draft-02 private values); 0 (unspecified) is host-dependent, so it is accepted. */
static bool encap_ok(const struct ik_p2_policy *pol, uint16_t e)
{
	if (!e)
		return true;
	if (pol->udp_encap)
		return pol->transport
		               ? e == IK_ENCAP_UDP_TRANSPORT || e == IK_ENCAP_UDP_TRANSPORT_DRAFT
		               : e == IK_ENCAP_UDP_TUNNEL || e == IK_ENCAP_UDP_TUNNEL_DRAFT;
	return e == (pol->transport ? IK_ENCAP_TRANSPORT : IK_ENCAP_TUNNEL);
}

static bool p2_same_suite(const struct ik_p2_xform *a, const struct ik_p2_xform *b)
{
	return a->proto == b->proto && a->id == b->id && a->keylen == b->keylen &&
	       a->auth == b->auth;
}

static bool p2_refusal(const struct ik_p2_policy *pol, const struct ik_p2_xform *o, char *why,
                       size_t cap)
{
	char a[IK_NAME_MAX], b[IK_NAME_MAX];
	size_t k;

	for (k = 0; k < pol->n && !p2_same_suite(o, &pol->accept[k]); k++)
		;
	if (k == pol->n) {
		snprintf(why, cap, "%s/%u %s not configured", ik_name(IK_T_ESP_TRANS, o->id),
		         o->keylen, o->auth ? ik_name(IK_T_P2_AUTH, o->auth) : "(no auth)");
		return true;
	}
	/* RFC 2409 5.5: the group attribute says whether PFS is done and with which group.
	 * Quirk any-pfs-group (quirk.def): take whatever the initiator offers. */
	if (!pol->any_group && o->group != pol->pfs_group) {
		if (!pol->pfs_group)
			snprintf(why, cap, "PFS %s offered but none configured",
			         ik_fmt(a, IK_T_GROUP, o->group));
		else if (!o->group)
			snprintf(why, cap, "no PFS offered but %s required",
			         ik_fmt(a, IK_T_GROUP, pol->pfs_group));
		else
			snprintf(why, cap, "PFS group %s offered, %s configured",
			         ik_fmt(a, IK_T_GROUP, o->group),
			         ik_fmt(b, IK_T_GROUP, pol->pfs_group));
		return true;
	}
	if (!encap_ok(pol, o->encap)) {
		snprintf(why, cap, "encapsulation %s not what the policy wants",
		         ik_fmt(a, IK_T_ENCAP, o->encap));
		return true;
	}
	return false;
}

/* RFC 2407 4.5.4 applied to quick mode by the profile's policy (phase2.lifetime_policy). An
 * offer in kilobytes only has no seconds limit: like a longer one
 * it is refused (strict) or answered with our seconds in RESPONDER-LIFETIME (lenient, RFC 2407
 * 4.6.3.1), the kilobytes kept as well; obey completes without a notify and shortens silently, never keeping an SA longer
 * than configured (IMP-DOI-4.5.4-01). False: refuse this transform. */
static bool p2_lifetime(const struct ik_p2_policy *pol, const struct ik_p2_xform *o,
                        struct ik_pick *pick, char *why, size_t cap)
{
	bool longer = o->life_s > pol->life_s, kb_only = !o->life_s && o->life_kb;

	pick->notify_lifetime = false;
	pick->life_s = o->life_s && !longer ? o->life_s : pol->life_s;
	pick->life_kb =
		o->life_kb; /* RFC 4301 4.4.2.1: both kinds supported, the first to expire wins */
	if ((!longer && !kb_only) || pol->life == IK_LIFE_OBEY)
		return true;
	if (pol->life == IK_LIFE_STRICT) {
		if (longer)
			snprintf(why, cap,
			         "lifetime %u s longer than the configured %u s (strict "
			         "policy)",
			         o->life_s, pol->life_s);
		else
			snprintf(why, cap, "lifetime of %u KB only (strict policy)", o->life_kb);
		return false;
	}
	pick->notify_lifetime = true;
	return true;
}

bool ik_p2_select(const struct ik_p2_policy *pol, const struct ik_p2_xform *offers, size_t n,
                  struct ik_pick *pick, struct ik_status *st)
{
	char reasons[sizeof(st->why)] = "";
	char why[160];
	size_t unsupported = 0, badspi = 0;

	for (size_t i = 0; i < n; i++) {
		const struct ik_p2_xform *o = &offers[i];
		if (o->bad_class) {
			*(o->bad_class == IK_BAD_SPI ? &badspi : &unsupported) += 1;
			note(reasons, sizeof(reasons), o->proposal, o->number, o->bad_why);
			continue;
		}
		if (p2_refusal(pol, o, why, sizeof(why)) ||
		    !p2_lifetime(pol, o, pick, why, sizeof(why))) {
			note(reasons, sizeof(reasons), o->proposal, o->number, why);
			continue;
		}
		pick->index = i;
		return true;
	}
	if (!n)
		return ik_fail(st, IK_NOTIFY_BAD_PROPOSAL_SYNTAX, "no transform offered");
	return ik_fail(st, refusal(n, unsupported, badspi), "%s", reasons);
}

/* What a reply changed in the transform we offered, for the evidence: "hash 2 -> 4, life
 * seconds 0 -> 28800" (numbers as on the wire, RFC 2409 App.A / RFC 2407 4.5 values). */
struct field_change {
	const char *name;
	uint32_t offered, answered;
};

static void changes_str(const struct field_change *f, size_t n, char *buf, size_t cap)
{
	size_t l = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && l < cap; i++) {
		if (f[i].offered == f[i].answered)
			continue;
		int w = snprintf(buf + l, cap - l, "%s%s %u -> %u", l ? ", " : "", f[i].name,
		                 f[i].offered, f[i].answered);
		if (w < 0)
			break;
		l += (size_t)w;
	}
}

static void p1_changes(const struct ik_p1_xform *o, const struct ik_p1_xform *r, char *buf,
                       size_t cap)
{
	const struct field_change f[] = {
		{"transform id", o->tid ? o->tid : r->tid, r->tid},
		{"encryption", o->enc, r->enc},
		{"key length", o->keylen, r->keylen},
		{"hash", o->hash, r->hash},
		{"authentication method", o->auth, r->auth},
		{"group", o->group, r->group},
		{"life seconds", o->life_s, r->life_s},
		{"life kilobytes", o->life_kb, r->life_kb},
	};
	changes_str(f, sizeof(f) / sizeof(f[0]), buf, cap);
}

static void p2_changes(const struct ik_p2_xform *o, const struct ik_p2_xform *r, char *buf,
                       size_t cap)
{
	const struct field_change f[] = {
		{"protocol", o->proto, r->proto},     {"transform id", o->id, r->id},
		{"key length", o->keylen, r->keylen}, {"authentication", o->auth, r->auth},
		{"group", o->group, r->group},        {"encapsulation mode", o->encap, r->encap},
	};
	changes_str(f, sizeof(f) / sizeof(f[0]), buf, cap);
}

/* The offer the reply is, attributes and lifetimes alike (a Transform-ID of 0 is one we did not
 * read off the wire: a configured offer). */
static bool p1_same_offer(const struct ik_p1_xform *o, const struct ik_p1_xform *r)
{
	bool tid_changed = o->tid && r->tid && o->tid != r->tid;
	return !tid_changed && p1_same_suite(o, r) && o->life_s == r->life_s &&
	       o->life_kb == r->life_kb;
}

int ik_p1_match_reply(const struct ik_p1_xform *offers, size_t n, const struct ik_p1_xform *reply,
                      bool *renumbered, struct ik_status *st)
{
	size_t i, by_number = n;

	*renumbered = false;
	for (i = 0; i < n && by_number == n; i++)
		if (offers[i].number == reply->number)
			by_number = i;
	if (by_number < n && p1_same_offer(&offers[by_number], reply))
		return (int)by_number;
	/* RFC 2408 4.2: the responder only "SHOULD retain" the numbers; one of our offers, exactly,
	 * under another number is still that offer. */
	for (i = 0; i < n; i++)
		if (p1_same_offer(&offers[i], reply)) {
			*renumbered = true;
			return (int)i;
		}
	if (by_number < n) {
		char what[160];
		p1_changes(&offers[by_number], reply, what, sizeof(what));
		ik_fail(st, IK_NOTIFY_NO_PROPOSAL_CHOSEN,
		        "responder changed the attributes of transform #%u: %s (RFC 2408 4.2)",
		        reply->number, what);
		return -1;
	}
	ik_fail(st, IK_NOTIFY_NO_PROPOSAL_CHOSEN,
	        "responder chose transform #%u, which was never offered (RFC 2408 4.2)",
	        reply->number);
	return -1;
}

static bool p2_same_offer(const struct ik_p2_xform *o, const struct ik_p2_xform *r)
{
	return p2_same_suite(o, r) && o->group == r->group && o->encap == r->encap;
}

int ik_p2_match_reply(const struct ik_p2_xform *offers, size_t n, const struct ik_p2_xform *reply,
                      bool *renumbered, struct ik_status *st)
{
	size_t i, by_number = n;

	*renumbered = false;
	for (i = 0; i < n && by_number == n; i++)
		if (offers[i].proposal == reply->proposal && offers[i].number == reply->number)
			by_number = i;
	if (by_number < n && p2_same_offer(&offers[by_number], reply))
		return (int)by_number;
	for (i = 0; i < n; i++) /* renumbered: as ik_p1_match_reply */
		if (p2_same_offer(&offers[i], reply)) {
			*renumbered = true;
			return (int)i;
		}
	if (by_number < n) {
		char what[160];
		p2_changes(&offers[by_number], reply, what, sizeof(what));
		ik_fail(st, IK_NOTIFY_NO_PROPOSAL_CHOSEN,
		        "responder changed the attributes of proposal #%u transform #%u: %s (RFC "
		        "2408 4.2)",
		        reply->proposal, reply->number, what);
		return -1;
	}
	ik_fail(st, IK_NOTIFY_NO_PROPOSAL_CHOSEN,
	        "responder chose proposal #%u transform #%u, which was never offered (RFC 2408 "
	        "4.2)",
	        reply->proposal, reply->number);
	return -1;
}

bool ik_attr_supported(bool phase1, uint16_t cls)
{
	const struct attr_rules *r = phase1 ? &p1_rules : &p2_rules;

	for (size_t k = 0; k < r->nslots; k++)
		if (r->slots[k].cls == cls)
			return true;
	return cls == r->life_type || cls == r->life_duration;
}
