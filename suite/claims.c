/*
 * Only what the profile claims (docs/verdicts.md section 4; claims.h). A case is read for what
 * it offers: the proposals of its `set phase1.proposals` / `set phase2.proposals` lines, the PFS
 * group it asks for (`quick pfs=G`, `quick nopfs`, `set phase2.pfs`, a group named in a phase 2
 * proposal), `set phase2.mode`, `set tester.id` and `set phase1/phase2.lifetime`. What it offers
 * without a `set` line is the profile's own and so claimed. Then, by the expect line that applies
 * to the profile:
 *
 *   accept   (established, ignored, survives, or any case with a mutation: the refusal must come
 *            from the mutation, so the offer must be one the DUT takes): every item claimed;
 *   refusal  (rejected, no mutation: the offer itself is what the DUT refuses): the items of the
 *            message it is refused at (MM1/AM1 the phase 1 offer, QM1 the phase 2 offer, later
 *            the identity) must be unclaimed, those before it claimed;
 *   lifetime (a p1=/p2= policy line, or adjusted): every item claimed, and the lifetime of that
 *            phase longer than the profile's unless the policy is obey.
 *
 * ADVISORY cases are never SKIPped by this rule: an advisory about DES must WARN when the
 * profile configures DES. `needs claimed:P` / `unclaimed:P` override the rule for one proposal.
 */
#include "claims.h"
#include "case_internal.h"
#include "proposal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The stages an offer is judged at, in exchange order. */
enum stage { ST_NONE, ST_P1, ST_ID, ST_P2 };

/* What a case offers, read from its own lines. */
struct offer {
	struct ik_p1_proposal p1[IK_PROFILE_MAX_PROPOSALS];
	signed char s1[IK_PROFILE_MAX_PROPOSALS]; /* needs claimed: +1, unclaimed: -1, else 0 */
	size_t n1;
	struct ik_p2_proposal p2[IK_PROFILE_MAX_PROPOSALS];
	signed char s2[IK_PROFILE_MAX_PROPOSALS];
	size_t n2;
	bool pfs_set; /* the case asks for a PFS group (0: none) */
	uint16_t pfs;
	char pfs_how[40]; /* which line asks for it */
	bool mode_set;
	enum ik_ipsec_mode mode;
	bool id_set;
	struct ik_ident id;
	uint32_t life[3]; /* [1], [2] seconds; 0: the profile's own */
};

/* The judgement in progress: the profile, the offer, and where the reason goes. */
struct judge {
	const struct ik_profile *p;
	const struct offer *o;
	bool nopfs; /* needs nopfs: the PFS offer is the point of the case, not a claim */
	char *why;
	size_t n;
};

static bool p1_same(const struct ik_p1_proposal *a, const struct ik_p1_proposal *b)
{
	return a->enc_id == b->enc_id && a->key_bits == b->key_bits && a->hash_id == b->hash_id &&
	       a->group == b->group;
}

/* Phase 2 suites compare without their group: PFS is an item of its own. */
static bool p2_same(const struct ik_p2_proposal *a, const struct ik_p2_proposal *b)
{
	return a->esp_id == b->esp_id && a->key_bits == b->key_bits && a->auth_alg == b->auth_alg;
}

/* ---- reading the case ---- */

/* "a, b ,c" -> trimmed items; fn parses one into slot i. Returns how many parsed. */
static size_t split(const char *v, size_t cap, void *out, bool phase1)
{
	char buf[sizeof(((struct ik_case *)0)->set_val[0])], *save = NULL;
	struct ik_status st;
	size_t n = 0;

	snprintf(buf, sizeof(buf), "%s", v);
	for (char *t = strtok_r(buf, ", \t", &save); t && n < cap;
	     t = strtok_r(NULL, ", \t", &save))
		if (phase1 ? ik_p1_parse(t, &((struct ik_p1_proposal *)out)[n], &st)
		           : ik_p2_parse(t, &((struct ik_p2_proposal *)out)[n], &st))
			n++;
	return n;
}

static void ask_pfs(struct offer *o, uint16_t group, const char *how)
{
	o->pfs_set = true;
	o->pfs = group;
	snprintf(o->pfs_how, sizeof(o->pfs_how), "%s", how);
}

static void read_set(struct offer *o, const char *k, const char *v)
{
	const char *why;
	const struct ik_dh_group *dh;

	if (!strcmp(k, "phase1.proposals"))
		o->n1 = split(v, IK_PROFILE_MAX_PROPOSALS, o->p1, true);
	else if (!strcmp(k, "phase2.proposals"))
		o->n2 = split(v, IK_PROFILE_MAX_PROPOSALS, o->p2, false);
	else if (!strcmp(k, "phase2.pfs") && (!strcasecmp(v, "none") || ik_dh_by_name(v)))
		ask_pfs(o, (dh = ik_dh_by_name(v)) ? dh->id : 0, "set phase2.pfs");
	else if (!strcmp(k, "phase2.mode") &&
	         (!strcasecmp(v, "tunnel") || !strcasecmp(v, "transport")))
		o->mode_set = true,
		o->mode = strcasecmp(v, "tunnel") ? IK_IPSEC_TRANSPORT : IK_IPSEC_TUNNEL;
	else if (!strcmp(k, "tester.id"))
		o->id_set = ik_ident_parse(&o->id, v, &why);
	else if (!strcmp(k, "phase1.lifetime") || !strcmp(k, "phase2.lifetime"))
		ik_duration_parse(v, &o->life[k[5] - '0']);
}

/* needs claimed:/unclaimed: on the proposal it names; false when no `set` line holds it. */
static bool mark(struct offer *o, const char *text, signed char sign)
{
	struct ik_p1_proposal a;
	struct ik_p2_proposal b;
	struct ik_status st;
	bool found = false;

	if (ik_p1_parse(text, &a, &st))
		for (size_t i = 0; i < o->n1; i++)
			if (p1_same(&o->p1[i], &a))
				o->s1[i] = sign, found = true;
	if (!found && ik_p2_parse(text, &b, &st))
		for (size_t i = 0; i < o->n2; i++)
			if (p2_same(&o->p2[i], &b) && o->p2[i].group == b.group)
				o->s2[i] = sign, found = true;
	return found;
}

static void read_offer(const struct ik_case *c, struct offer *o)
{
	char how[40];

	memset(o, 0, sizeof(*o));
	for (size_t i = 0; i < c->nsets; i++)
		read_set(o, c->set_key[i], c->set_val[i]);
	/* RFC 2409 5.5: a group named by a phase 2 proposal asks for PFS with it. */
	for (size_t i = 0; i < o->n2 && !o->pfs_set; i++)
		if (o->p2[i].group)
			ask_pfs(o, o->p2[i].group, "set phase2.proposals");
	/* A quick step's own group overrides everything else (suite/run_case.c). */
	for (size_t i = 0; i < c->nsteps; i++) {
		const struct ik_case_step *s = &c->steps[i];
		if (s->kind != IK_STEP_QUICK || !s->arg)
			continue;
		const struct ik_dh_group *dh = s->arg > 0 ? ik_dh_by_id((uint16_t)s->arg) : NULL;
		snprintf(how, sizeof(how), "quick %s%s",
		         s->arg < 0 ? "nopfs" : "pfs=", dh ? dh->name : "");
		ask_pfs(o, dh ? dh->id : 0, how);
	}
	for (int ph = 1; ph <= 2; ph++)
		if (c->offered_life[ph])
			o->life[ph] = c->offered_life[ph];
	for (size_t i = 0; i < c->nclaims; i++)
		mark(o, c->claim[i], c->claim_sign[i]);
}

/* ---- what the profile claims ---- */

static bool p1_listed(const struct ik_profile *p, const struct ik_p1_proposal *x)
{
	for (size_t i = 0; i < p->p1.n_prop; i++)
		if (p1_same(&p->p1.prop[i], x))
			return true;
	return false;
}

static bool p2_listed(const struct ik_profile *p, const struct ik_p2_proposal *x)
{
	for (size_t i = 0; i < p->p2.n_prop; i++)
		if (p2_same(&p->p2.prop[i], x))
			return true;
	return false;
}

/* The DUT's PFS group as the engine takes it (suite/cfg_profile.c): a group its proposals name
 * wins over phase2.pfs. */
static uint16_t profile_pfs(const struct ik_profile *p)
{
	for (size_t i = 0; i < p->p2.n_prop; i++)
		if (p->p2.prop[i].group)
			return p->p2.prop[i].group;
	return p->p2.pfs_group;
}

static const char *group_name(uint16_t g)
{
	const struct ik_dh_group *dh = g ? ik_dh_by_id(g) : NULL;
	return dh ? dh->name : "none";
}

static const char *life_policy_name(enum ik_lifetime_policy v)
{
	return v == IK_LIFETIME_STRICT ? "strict" : v == IK_LIFETIME_OBEY ? "obey" : "lenient";
}

/* ---- the checks: each true when it holds, else false with the reason ---- */

static bool say(struct judge *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool say(struct judge *j, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(j->why, j->n, fmt, ap);
	va_end(ap);
	return false;
}

/* want: +1 every proposal listed, -1 none listed; a needs claimed:/unclaimed: overrides. */
static bool proposals(struct judge *j, int phase, int want)
{
	const struct offer *o = j->o;
	char text[64];
	size_t n = phase == 1 ? o->n1 : o->n2;

	for (size_t i = 0; i < n; i++) {
		int w = (phase == 1 ? o->s1[i] : o->s2[i]) ? (phase == 1 ? o->s1[i] : o->s2[i])
		                                           : want;
		bool listed = phase == 1 ? p1_listed(j->p, &o->p1[i]) : p2_listed(j->p, &o->p2[i]);
		if (listed == (w > 0))
			continue;
		if (phase == 1)
			ik_p1_format(&o->p1[i], text, sizeof(text));
		else
			ik_p2_format(&o->p2[i], 0, text, sizeof(text));
		if (w > 0)
			return say(
				j,
				"The profile does not list %s in phase%d.proposals, and this case "
				"needs the DUT to accept it.",
				text, phase);
		return say(j,
		           "The profile lists %s in phase%d.proposals, which this case assumes "
		           "the DUT refuses.",
		           text, phase);
	}
	return true;
}

static bool pfs(struct judge *j, bool claimed)
{
	uint16_t have = profile_pfs(j->p);

	if (!j->o->pfs_set || j->nopfs || (j->o->pfs == have) == claimed)
		return true;
	if (claimed)
		return say(j,
		           "This case asks for PFS group %s (%s), but the profile's phase2.pfs is "
		           "%s.",
		           group_name(j->o->pfs), j->o->pfs_how, group_name(have));
	return say(j,
	           "The profile's phase2.pfs is %s, the PFS choice (%s) this case assumes the "
	           "DUT refuses.",
	           group_name(have), j->o->pfs_how);
}

static bool mode(struct judge *j, bool claimed)
{
	static const char *const names[] = {"", "tunnel", "transport"};

	if (!j->o->mode_set || (j->o->mode == j->p->p2.mode) == claimed)
		return true;
	if (claimed)
		return say(j, "This case asks for %s mode, but the profile's phase2.mode is %s.",
		           names[j->o->mode], names[j->p->p2.mode]);
	return say(j,
	           "The profile's phase2.mode is %s, the mode this case assumes the DUT "
	           "refuses.",
	           names[j->p->p2.mode]);
}

static bool identity(struct judge *j, bool claimed)
{
	if (!j->o->id_set || ik_profile_accepts_id(j->p, &j->o->id) == claimed)
		return true;
	if (claimed)
		return say(j,
		           "auth.peer_ids does not accept %.100s, the identity this case needs the "
		           "DUT to accept.",
		           j->o->id.text);
	return say(j,
	           "auth.peer_ids accepts %.100s (%s), the identity this case assumes the DUT "
	           "refuses.",
	           j->o->id.text, j->p->peer_ids.any ? "any" : "listed");
}

/* longer: the case needs a lifetime longer than the profile's (a lifetime case); else one the
 * DUT accepts (not longer, or a policy that takes longer ones). */
static bool lifetime(struct judge *j, int phase, bool longer)
{
	uint32_t offered = j->o->life[phase];
	uint32_t have = phase == 1 ? j->p->p1.lifetime : j->p->p2.lifetime;
	enum ik_lifetime_policy pol =
		phase == 1 ? j->p->p1.lifetime_policy : j->p->p2.lifetime_policy;

	if (!offered)
		return true;
	if (longer && offered <= have)
		return say(
			j,
			"This case needs a phase %d lifetime longer than phase%d.lifetime (%u s) "
			"but offers %u s.",
			phase, phase, have, offered);
	if (!longer && offered > have && pol == IK_LIFETIME_STRICT)
		return say(
			j,
			"This case offers a phase %d lifetime of %u s, longer than "
			"phase%d.lifetime (%u s), which phase%d.lifetime_policy = strict refuses.",
			phase, offered, phase, have, phase);
	return true;
}

/* Everything the case offers claimed, but lifetime `skip_life` (a lifetime case judges it). */
static bool all_claimed(struct judge *j, int skip_life)
{
	return proposals(j, 1, 1) && (skip_life == 1 || lifetime(j, 1, false)) &&
	       identity(j, true) && proposals(j, 2, 1) && pfs(j, true) && mode(j, true) &&
	       (skip_life == 2 || lifetime(j, 2, false));
}

/* The message a refusal is expected at, as the stage whose offer it refuses. */
static enum stage refused_stage(const struct ik_expect *e, const struct offer *o)
{
	bool p2_items = o->n2 || o->pfs_set || o->mode_set;

	if (e->at_msg == 1 && e->at_x == IK_X_MAIN)
		return ST_P1;
	if (e->at_msg == 1 && e->at_x == IK_X_AGGR) /* AM1 carries the offer and the identity */
		return o->n1 || !o->id_set ? ST_P1 : ST_ID;
	if (e->at_msg == 1 && e->at_x == IK_X_QUICK)
		return ST_P2;
	if (e->at_msg)
		return o->id_set ? ST_ID : ST_NONE;
	/* No `at`: the latest thing the case pins is what it is about. */
	return o->id_set ? ST_ID : p2_items ? ST_P2 : o->n1 ? ST_P1 : ST_NONE;
}

/* A refusal of the offer itself: the refused stage unclaimed, the stages before it claimed. */
static bool refusal(struct judge *j, enum stage at)
{
	if (at == ST_NONE)
		return all_claimed(j, 0);
	if (!proposals(j, 1, at == ST_P1 ? -1 : 1) || (at > ST_P1 && !lifetime(j, 1, false)))
		return false;
	if (at == ST_P1)
		return true;
	if (!identity(j, at != ST_ID))
		return false;
	if (at == ST_ID)
		return true;
	bool asks_pfs = j->o->pfs_set && !j->nopfs;
	if (!asks_pfs && !j->o->mode_set)
		return proposals(j, 2, -1);
	/* The PFS group or the mode is what is refused: the suites themselves must be taken. */
	if (!proposals(j, 2, 1))
		return false;
	if ((asks_pfs && j->o->pfs != profile_pfs(j->p)) ||
	    (j->o->mode_set && j->o->mode != j->p->p2.mode))
		return true;
	return asks_pfs ? pfs(j, false) : mode(j, false);
}

/* ---- policies ---- */

bool ik_expect_applies(const struct ik_expect *x, const struct ik_profile *p)
{
	switch (x->dim) {
	case IK_POL_NONE: return true;
	case IK_POL_P1: return x->policy == (int)p->p1.lifetime_policy + 1;
	case IK_POL_P2: return x->policy == (int)p->p2.lifetime_policy + 1;
	case IK_POL_IDS: return x->policy == (p->peer_ids.any ? IK_IDS_ANY : IK_IDS_LIST);
	}
	return false;
}

static const struct ik_expect *applicable(const struct ik_case *c, const struct ik_profile *p)
{
	for (size_t i = 0; i < c->nexpect; i++)
		if (ik_expect_applies(&c->expect[i], p))
			return &c->expect[i];
	return NULL;
}

/* "phase2.lifetime_policy = obey": the profile's value of the policy a case's lines name. */
static void policy_text(enum ik_policy_dim d, const struct ik_profile *p, char *out, size_t n)
{
	if (d == IK_POL_IDS)
		snprintf(out, n, "auth.peer_ids = %s", p->peer_ids.any ? "any" : "a list");
	else
		snprintf(out, n, "phase%d.lifetime_policy = %s", d == IK_POL_P1 ? 1 : 2,
		         life_policy_name(d == IK_POL_P1 ? p->p1.lifetime_policy
		                                         : p->p2.lifetime_policy));
}

bool ik_case_unclaimed(const struct ik_case *c, const struct ik_profile *p, char *why, size_t n)
{
	struct offer o;
	struct judge j = {p, &o, (c->needs & IK_NEED_NOPFS) != 0, why, n};
	char pol[64];

	if (j.nopfs && profile_pfs(p))
		return !say(&j,
		            "The profile's phase2.pfs is %s; this case needs a DUT configured "
		            "without PFS (needs nopfs).",
		            group_name(profile_pfs(p)));
	const struct ik_expect *e = applicable(c, p);
	if (!e && c->nexpect) {
		policy_text(c->expect[0].dim, p, pol, sizeof(pol));
		return !say(&j, "This case has no expect line for %s.", pol);
	}
	if (!e || c->level == IK_LVL_ADVISORY)
		return false;
	read_offer(c, &o);
	bool life_case = e->dim == IK_POL_P1 || e->dim == IK_POL_P2 || e->kind == IK_EXP_ADJUSTED;
	if (life_case) {
		int ph = e->dim == IK_POL_P2 || e->adjust == IK_ADJ_P2_LIFETIME ? 2 : 1;
		bool obey = e->dim && e->policy == IK_LIFETIME_OBEY + 1;
		return !(all_claimed(&j, ph) && (obey || lifetime(&j, ph, true)));
	}
	if (e->kind == IK_EXP_REJECTED && !c->nmut && !c->nalike)
		return !refusal(&j, refused_stage(e, &o));
	return !all_claimed(&j, 0);
}

bool ik_case_claims_ok(const struct ik_case *c, struct ik_status *st)
{
	struct offer o;

	read_offer(c, &o);
	for (size_t i = 0; i < c->nclaims; i++)
		if (!mark(&o, c->claim[i], c->claim_sign[i]))
			return ik_fail(st, 0,
			               "case %s: needs %s:%s names no proposal of its `set "
			               "phase1.proposals` or `set phase2.proposals` lines",
			               c->id, c->claim_sign[i] > 0 ? "claimed" : "unclaimed",
			               c->claim[i]);
	return true;
}
