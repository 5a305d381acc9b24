/*
 * The value of each case-file keyword (docs/writing-cases.md): one parser per keyword, each
 * saying what it expected when the text is wrong. Names of notifies come from the constants
 * table (engine/codec/consts.def), DH groups from the proposal tables, profile keys from the profile.
 */
#include "case_internal.h"
#include "consts.h"
#include "cfgq.h"        /* the `cfg` step's queries */
#include "xauth_check.h" /* `expect kept` */
#include "profile.h"
#include "proposal.h"
#include "quirk.h"
#include "trim.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_WORDS 48

/* Split s (copied into buf) at blanks, commas and '|' (alternatives) into words. */
static size_t words(const char *s, char *buf, size_t cap, char *w[MAX_WORDS])
{
	size_t n = 0;
	char *save = NULL;

	snprintf(buf, cap, "%s", s);
	for (char *t = strtok_r(buf, " \t,|", &save); t && n < MAX_WORDS;
	     t = strtok_r(NULL, " \t,|", &save))
		w[n++] = t;
	return n;
}

bool ik_case_word_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_.", *s))
			return false;
	return true;
}

bool ik_case_msg_by_name(const char *s, enum ik_xchg *x, int *msg)
{
	static const enum ik_xchg xs[] = {IK_X_MAIN, IK_X_AGGR, IK_X_QUICK};

	for (size_t i = 0; i < IK_ARRAY_SIZE(xs); i++)
		for (int m = 1; m <= ik_xchg_len(xs[i]); m++)
			if (!strcasecmp(s, ik_msg_name(xs[i], m))) {
				*x = xs[i];
				*msg = m;
				return true;
			}
	return false;
}

/* "TX1": a transaction request of ours (the `cfg` step's query), for "rejected at" only. */
static bool tx_by_name(const char *s, enum ik_xchg *x, int *msg)
{
	if (strcasecmp(s, ik_msg_name(IK_X_TRANS, 1)))
		return false;
	*x = IK_X_TRANS, *msg = 1;
	return true;
}

/* A section number or name: "5.4", "4.6.3.1", "App.A", "Appendix B", "3". */
static bool section_ok(const char *s)
{
	return *s && isalnum((unsigned char)*s);
}

/*
 * ref: "RFC2409 5.4", "draft-ietf-ipsec-nat-t-ike-02 3.2"; several separated by ';'.
 * "RFC 2409 5.4" is taken too and written as "RFC2409 5.4".
 */
bool ik_case_parse_ref(struct ik_case *c, const char *text, const struct ik_cpos *at)
{
	char buf[512], *save = NULL, out[512] = "";

	snprintf(buf, sizeof(buf), "%s", text);
	for (char *r = strtok_r(buf, ";", &save); r; r = strtok_r(NULL, ";", &save)) {
		char doc[96], sec[96] = "", *p = r + strspn(r, " \t");
		size_t n = strcspn(p, " \t");
		snprintf(doc, sizeof(doc), "%.*s", (int)n, p);
		p += n;
		p += strspn(p, " \t");
		if (!strcasecmp(doc, "RFC") && isdigit((unsigned char)*p)) { /* "RFC 2409 5.4" */
			n = strcspn(p, " \t");
			snprintf(doc, sizeof(doc), "RFC%.*s", (int)n, p);
			p += n;
			p += strspn(p, " \t");
		}
		snprintf(sec, sizeof(sec), "%s", p);
		ik_rtrim(sec);
		bool rfc = !strncasecmp(doc, "RFC", 3) && doc[3] &&
		           strspn(doc + 3, "0123456789") == strlen(doc + 3);
		bool draft = !strncmp(doc, "draft-", 6) && ik_case_word_ok(doc);
		if ((!rfc && !draft) || !section_ok(sec))
			return ik_case_fail(at,
			                    "ref '%.60s': expected 'RFCnnnn SECTION' or "
			                    "'draft-NAME SECTION' (e.g. RFC2409 5.4), several "
			                    "separated by ';' (requirement ids go on a 'req' line)",
			                    r + strspn(r, " \t"));
		if (rfc)
			memcpy(doc, "RFC", 3);
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s %s", *out ? " ; " : "",
		         doc, sec);
	}
	if (!*out)
		return ik_case_fail(at, "ref: expected 'RFCnnnn SECTION'");
	if (strlen(out) >= sizeof(c->ref))
		return ik_case_fail(at, "ref: longer than %zu characters", sizeof(c->ref) - 1);
	memcpy(c->ref, out, strlen(out) + 1);
	return true;
}

/* req: requirement ids (ISAKMP-3.1-02 ...), blank or comma separated; may be repeated. */
bool ik_case_parse_req(struct ik_case *c, const char *text, const struct ik_cpos *at)
{
	char buf[512], *w[MAX_WORDS];
	size_t n = words(text, buf, sizeof(buf), w);

	for (size_t i = 0; i < n; i++) {
		if (!ik_case_word_ok(w[i]) || !strchr(w[i], '-'))
			return ik_case_fail(at,
			                    "req '%.40s': expected requirement ids such as "
			                    "ISAKMP-3.1-02 (docs/REQUIREMENTS.md)",
			                    w[i]);
		if (strlen(c->req) + 1 + strlen(w[i]) >= sizeof(c->req))
			return ik_case_fail(at, "req: more ids than fit %zu characters",
			                    sizeof(c->req) - 1);
		snprintf(c->req + strlen(c->req), sizeof(c->req) - strlen(c->req), "%s%s",
		         *c->req ? " " : "", w[i]);
	}
	return true;
}

bool ik_case_parse_level(struct ik_case *c, const char *text, const struct ik_cpos *at)
{
	for (int l = IK_LVL_MUST; l <= IK_LVL_ADVISORY; l++)
		if (!strcmp(text, ik_level_name((enum ik_level)l))) {
			c->level = (enum ik_level)l;
			return true;
		}
	return ik_case_fail(at, "level '%.40s': expected MUST, SHOULD, MAY or ADVISORY", text);
}

bool ik_case_parse_role(struct ik_case *c, const char *text, const struct ik_cpos *at)
{
	if (!strcmp(text, "dut=responder"))
		c->dut_role = IK_RESPONDER;
	else if (!strcmp(text, "dut=initiator"))
		c->dut_role = IK_INITIATOR;
	else
		return ik_case_fail(at,
		                    "role '%.40s': expected dut=responder (ikecheck initiates) "
		                    "or dut=initiator",
		                    text);
	return true;
}

/* needs: the profile features a case depends on (SKIP when the DUT lacks one). */
static const struct {
	const char *name;
	unsigned bit;
} features[] = {
	{"aggressive", IK_NEED_AGGRESSIVE},
	{"nat_t", IK_NEED_NAT_T},
	{"nat-t", IK_NEED_NAT_T},
	{"dpd", IK_NEED_DPD},
	{"pfs", IK_NEED_PFS},
	{"xauth", IK_NEED_XAUTH},
	{"modecfg", IK_NEED_MODECFG},
	{"transport", IK_NEED_TRANSPORT},
	{"nopfs", IK_NEED_NOPFS},
	{"traffic", IK_NEED_TRAFFIC},
	{"anti_replay", IK_NEED_ANTI_REPLAY},
	{"anti-replay", IK_NEED_ANTI_REPLAY},
	{"fragmentation", IK_NEED_FRAGMENTATION},
	{"rsa_sig", IK_NEED_RSA_SIG},
	{"rsa-sig", IK_NEED_RSA_SIG},
	{"dss_sig", IK_NEED_DSS_SIG},
	{"dss-sig", IK_NEED_DSS_SIG},
	{"psk", IK_NEED_PSK},
	{"crl", IK_NEED_CRL},
	{"rsa_enc", IK_NEED_RSA_ENC},
	{"rsa-enc", IK_NEED_RSA_ENC},
	{"rsa_enc_rev", IK_NEED_RSA_ENC_REV},
	{"rsa-enc-rev", IK_NEED_RSA_ENC_REV},
	{"dpd_delay", IK_NEED_DPD_DELAY},
	{"xauth_client", IK_NEED_XAUTH_CLIENT},
	{"keepalive", IK_NEED_KEEPALIVE},
	{"modecfg_push", IK_NEED_MODECFG_PUSH},
	{"modecfg_pull", IK_NEED_MODECFG_PULL},
	{"peer_cert", IK_NEED_PEER_CERT},
	{"no_anti_replay", IK_NEED_NO_ANTI_REPLAY},
	{"tunnel", IK_NEED_TUNNEL},
	{"xauth_reauth", IK_NEED_XAUTH_REAUTH},
};

/*
 * claimed:PROPOSAL, unclaimed:PROPOSAL (which `set` line holds it is checked at the end of the
 * block, suite/claims.c) and offered:phase1.lifetime=D / offered:phase2.lifetime=D.
 */
static bool claim_token(struct ik_case *c, const char *w, const struct ik_cpos *at)
{
	const char *colon = strchr(w, ':');
	size_t kl = (size_t)(colon - w);

	if (kl == 7 && !strncmp(w, "offered", 7)) {
		uint32_t secs;
		int ph = !strncmp(colon + 1, "phase1.lifetime=", 16)   ? 1
		         : !strncmp(colon + 1, "phase2.lifetime=", 16) ? 2
		                                                       : 0;
		if (!ph || !ik_duration_parse(colon + 17, &secs) || !secs)
			return ik_case_fail(
				at,
				"needs '%.60s': expected offered:phase1.lifetime=DURATION "
				"or offered:phase2.lifetime=DURATION (e.g. 28800, 8h)",
				w);
		c->offered_life[ph] = secs;
		return true;
	}
	bool plus = kl == 7 && !strncmp(w, "claimed", 7);
	if ((!plus && (kl != 9 || strncmp(w, "unclaimed", 9))) || !colon[1] ||
	    strlen(colon + 1) >= sizeof(c->claim[0]))
		return ik_case_fail(
			at,
			"needs '%.60s': expected claimed:PROPOSAL, unclaimed:PROPOSAL or "
			"offered:phaseN.lifetime=DURATION",
			w);
	if (c->nclaims == IK_CASE_MAX_CLAIMS)
		return ik_case_fail(at, "needs: more than %d claimed:/unclaimed: tokens",
		                    IK_CASE_MAX_CLAIMS);
	snprintf(c->claim[c->nclaims], sizeof(c->claim[0]), "%s", colon + 1);
	c->claim_sign[c->nclaims++] = plus ? 1 : -1;
	return true;
}

bool ik_case_parse_needs(struct ik_case *c, const char *text, const struct ik_cpos *at)
{
	char buf[512], *w[MAX_WORDS];
	size_t n = words(text, buf, sizeof(buf), w);

	for (size_t i = 0; i < n; i++) {
		if (strchr(w[i], ':')) {
			if (!claim_token(c, w[i], at))
				return false;
			continue;
		}
		size_t k = 0;
		while (k < IK_ARRAY_SIZE(features) && strcmp(features[k].name, w[i]))
			k++;
		if (k == IK_ARRAY_SIZE(features))
			return ik_case_fail(at,
			                    "needs '%.40s': expected aggressive, nat_t, dpd, pfs, "
			                    "nopfs, xauth, modecfg, transport, tunnel, traffic, "
			                    "anti_replay, fragmentation, "
			                    "claimed:PROPOSAL, "
			                    "unclaimed:PROPOSAL or offered:phaseN.lifetime=D",
			                    w[i]);
		c->needs |= features[k].bit;
	}
	return true;
}

/* "500ms", "2s", "500" (ms) -> milliseconds, 1..600000. */
static bool duration_ms(const char *s, long *ms)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || v < 0)
		return false;
	if (!strcmp(end, "s"))
		v *= 1000;
	else if (*end && strcmp(end, "ms"))
		return false;
	*ms = v;
	return v > 0 && v <= 600000;
}

static bool step_quick_arg(struct ik_case_step *s, const char *w, const struct ik_cpos *at)
{
	const struct ik_dh_group *dh;
	char *end;

	if (!strcmp(w, "nopfs")) {
		s->arg = -1;
		return true;
	}
	if (strncmp(w, "pfs=", 4))
		return ik_case_fail(at,
		                    "run: quick '%.40s': expected pfs=GROUP (modp2048, 14, ...) "
		                    "or nopfs",
		                    w);
	if ((dh = ik_dh_by_name(w + 4))) {
		s->arg = dh->id;
		return true;
	}
	long g = strtol(w + 4, &end, 10);
	if (end == w + 4 || *end || g <= 0 || g > 65535 || !ik_dh_by_id((uint16_t)g))
		return ik_case_fail(at,
		                    "run: '%.40s': unknown DH group (expected e.g. modp2048, "
		                    "ecp256, or a group number ikecheck knows)",
		                    w);
	s->arg = g;
	return true;
}

/* The probes a traffic step can send (enum ik_probe): suite/probes.def. */
static const struct {
	const char *name, *what;
	bool silence_judged;
} probes[IK_PROBE__N] = {
	[IK_PROBE_NONE] = {"none", "", false},
#define PROBE(id, name, what, silence_judged) [IK_PROBE_##id] = {name, what, silence_judged},
#include "probes.def"
#undef PROBE
};

const char *ik_probe_name(enum ik_probe p)
{
	return p < IK_PROBE__N ? probes[p].name : "?";
}

const char *ik_probe_what(enum ik_probe p)
{
	return p < IK_PROBE__N ? probes[p].what : "?";
}

bool ik_probe_silence_judged(enum ik_probe p)
{
	return p < IK_PROBE__N && probes[p].silence_judged;
}

/* "traffic [N] [PROBE]": N pings (1..16, 3 by default) and what else goes through the SA. */
static bool step_traffic(struct ik_case_step *s, char **w, size_t n, const struct ik_cpos *at)
{
	s->arg = 3;
	s->probe = IK_PROBE_NONE;
	for (size_t i = 1; i < n; i++) {
		char *end = NULL;
		long v = strtol(w[i], &end, 10);
		size_t k = 1;
		while (k < IK_PROBE__N && strcmp(w[i], probes[k].name))
			k++;
		if (end != w[i] && !*end && v >= 1 && v <= 16)
			s->arg = v;
		else if (k < IK_PROBE__N && s->probe == IK_PROBE_NONE)
			s->probe = (enum ik_probe)k;
		else
			return ik_case_fail(at,
			                    "run: traffic takes a ping count 1-16 and one probe of"
#define PROBE(id, name, what, silence_judged) " " name
#include "probes.def"
#undef PROBE
			                    " ('%.40s')",
			                    w[i]);
	}
	return true;
}

/* One step of "run": main, aggressive, quick [pfs=G|nopfs], dpd, delete, initial-contact,
 * wait DURATION, traffic [N] [PROBE], xauth, modecfg, dpd-listen, cfg QUERY, keepalive-listen,
 * replay-500, dpd-500, remap, clear-cfg, xauth-reauth; dpd-listen [keepalives]; dpd [replay]. */
static bool step(struct ik_case *c, char *text, const struct ik_cpos *at)
{
	static const struct {
		const char *name;
		enum ik_step_kind kind;
	} names[] = {
		{"main", IK_STEP_MAIN},
		{"aggressive", IK_STEP_AGGRESSIVE},
		{"quick", IK_STEP_QUICK},
		{"dpd", IK_STEP_DPD},
		{"delete", IK_STEP_DELETE},
		{"initial-contact", IK_STEP_INITIAL_CONTACT},
		{"wait", IK_STEP_WAIT},
		{"traffic", IK_STEP_TRAFFIC},
		{"xauth", IK_STEP_XAUTH},
		{"modecfg", IK_STEP_MODECFG},
		{"dpd-listen", IK_STEP_DPD_LISTEN},
		{"cfg", IK_STEP_CFG},
		{"keepalive-listen", IK_STEP_KA_LISTEN},
		{"replay-500", IK_STEP_REPLAY_500},
		{"dpd-500", IK_STEP_DPD_500},
		{"remap", IK_STEP_REMAP},
		{"clear-cfg", IK_STEP_CLEAR_CFG},
		{"xauth-reauth", IK_STEP_XAUTH_REAUTH},
	};
	char buf[256], *w[MAX_WORDS];
	size_t n = words(text, buf, sizeof(buf), w), k = 0;

	if (!n)
		return ik_case_fail(at, "run: empty step (steps are separated by ',')");
	while (k < IK_ARRAY_SIZE(names) && strcmp(names[k].name, w[0]))
		k++;
	if (k == IK_ARRAY_SIZE(names))
		return ik_case_fail(at,
		                    "run: unknown step '%.40s' (expected main, aggressive, "
		                    "quick, dpd, delete, initial-contact, wait, traffic, xauth, "
		                    "modecfg, dpd-listen, keepalive-listen, replay-500, dpd-500, "
		                    "remap, clear-cfg, xauth-reauth or cfg)",
		                    w[0]);
	if (c->nsteps == IK_CASE_MAX_STEPS)
		return ik_case_fail(at, "run: more than %d steps", IK_CASE_MAX_STEPS);
	struct ik_case_step *s = &c->steps[c->nsteps++];
	s->kind = names[k].kind;
	s->arg = 0;
	s->probe = IK_PROBE_NONE;
	if (s->kind == IK_STEP_WAIT) {
		if (n != 2 || !duration_ms(w[1], &s->arg))
			return ik_case_fail(at,
			                    "run: wait needs one duration, e.g. 'wait 500ms' or "
			                    "'wait 2s' (at most 600s)");
		return true;
	}
	if (s->kind == IK_STEP_QUICK && n == 2)
		return step_quick_arg(s, w[1], at);
	/* "cfg NAME": a mode-config query of suite/cfgq.def */
	if (s->kind == IK_STEP_CFG) {
		s->arg = n == 2 ? ik_cfgq_find(w[1]) : -1;
		if (s->arg < 0)
			return ik_case_fail(at, "run: cfg needs one query of suite/cfgq.def (%s)",
			                    ik_cfgq_names());
		return true;
	}
	if (s->kind == IK_STEP_TRAFFIC)
		return step_traffic(s, w, n, at);
	/* "dpd-listen keepalives": NAT-keepalives (RFC 3948 4) flow while the tester listens */
	if (s->kind == IK_STEP_DPD_LISTEN && n == 2 && !strcmp(w[1], "keepalives")) {
		s->arg = 1;
		return true;
	}
	/* "dpd replay": our first R-U-THERE's number again, already answered (RFC 3706 6.2) */
	if (s->kind == IK_STEP_DPD && n == 2 && !strcmp(w[1], "replay")) {
		s->arg = 1;
		return true;
	}
	if (n > 1)
		return ik_case_fail(at, "run: step '%s' takes no argument ('%.40s')%s", w[0], w[1],
		                    s->kind == IK_STEP_MAIN ? "; credentials come from the profile"
		                                            : "");
	return true;
}

bool ik_case_parse_run(struct ik_case *c, const char *text, const struct ik_cpos *at)
{
	char buf[512], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", text);
	if (buf[strlen(buf) - 1] == ',')
		return ik_case_fail(at, "run: empty step after the last ','");
	for (char *s = strtok_r(buf, ",", &save); s; s = strtok_r(NULL, ",", &save))
		if (!step(c, s, at))
			return false;
	bool p1 = c->nsteps &&
	          (c->steps[0].kind == IK_STEP_MAIN || c->steps[0].kind == IK_STEP_AGGRESSIVE);
	if (!p1 && c->steps[0].kind != IK_STEP_WAIT && c->steps[0].kind != IK_STEP_CLEAR_CFG)
		return ik_case_fail(
			at,
			"run: the first step must be main or aggressive (phase 1 "
			"comes before anything else; a wait or clear-cfg may go first)");
	for (size_t i = 1; i < c->nsteps; i++)
		if (c->steps[i].kind == IK_STEP_CLEAR_CFG)
			return ik_case_fail(at, "run: clear-cfg goes first (before phase 1)");
	return true;
}

/* set section.key = value: a tester-side profile override (suite/profile.h keys). */
bool ik_case_parse_set(struct ik_case *c, const char *text, const struct ik_cpos *at)
{
	const char *eq = strchr(text, '=');
	char key[sizeof(c->set_key[0])];
	size_t kl;

	if (!eq)
		return ik_case_fail(at, "set '%.40s': expected 'set section.key = value'", text);
	kl = (size_t)(eq - text);
	while (kl && (text[kl - 1] == ' ' || text[kl - 1] == '\t'))
		kl--;
	if (!kl || kl >= sizeof(c->set_key[0]))
		return ik_case_fail(at, "set: expected 'set section.key = value'");
	snprintf(key, sizeof(key), "%.*s", (int)kl, text);
	const char *k;
	size_t i = 0;
	while ((k = ik_profile_key_at(i)) && strcmp(k, key))
		i++;
	if (!k)
		return ik_case_fail(at,
		                    "set: unknown profile key '%s' (keys as in docs/profile.md: "
		                    "phase1.lifetime, phase2.pfs, ...)",
		                    key);
	const char *v = eq + 1 + strspn(eq + 1, " \t");
	if (!*v || strlen(v) >= sizeof(c->set_val[0]))
		return ik_case_fail(at, "set %s: expected a value after '=' (up to %zu characters)",
		                    key, sizeof(c->set_val[0]) - 1);
	if (c->nsets == IK_CASE_MAX_SETS)
		return ik_case_fail(at, "set: more than %d overrides", IK_CASE_MAX_SETS);
	snprintf(c->set_key[c->nsets], sizeof(c->set_key[0]), "%s", key);
	snprintf(c->set_val[c->nsets], sizeof(c->set_val[0]), "%s", v);
	c->nsets++;
	return true;
}

bool ik_case_parse_mutate(struct ik_case *c, const char *text, const struct ik_cpos *at)
{
	struct ik_status mst;

	if (c->nmut == IK_MAX_MUTATIONS)
		return ik_case_fail(at, "mutate: more than %d mutations", IK_MAX_MUTATIONS);
	if (!ik_mutation_parse(text, &c->mut[c->nmut], &mst))
		return ik_case_fail(at, "mutate: %s", mst.why);
	c->nmut++;
	return true;
}

/* alike: up to IK_CASE_MAX_ALIKE variants separated by '|', one per run of the case: each a
 * mutation, or `set KEY = VALUE`. */
bool ik_case_parse_alike(struct ik_case *c, const char *text, const struct ik_cpos *at)
{
	char buf[512], *save = NULL;
	struct ik_status mst;

	snprintf(buf, sizeof(buf), "%s", text);
	for (char *t = strtok_r(buf, "|", &save); t; t = strtok_r(NULL, "|", &save)) {
		t = ik_trim(t);
		if (!*t)
			continue;
		if (c->nalike == IK_CASE_MAX_ALIKE)
			return ik_case_fail(at, "alike: more than %d variants", IK_CASE_MAX_ALIKE);
		if (!strncmp(t, "set ", 4)) { /* a profile override, checked as `set` checks it */
			struct ik_case scratch = {0};
			if (!ik_case_parse_set(&scratch, ik_trim(t + 4), at))
				return false;
			memcpy(c->alike_key[c->nalike], scratch.set_key[0],
			       sizeof(c->alike_key[0]));
			memcpy(c->alike_val[c->nalike], scratch.set_val[0],
			       sizeof(c->alike_val[0]));
			snprintf(c->alike[c->nalike].text, sizeof(c->alike[0].text), "%.*s",
			         (int)sizeof(c->alike[0].text) - 1, t);
		} else if (!ik_mutation_parse(t, &c->alike[c->nalike], &mst))
			return ik_case_fail(at, "alike: %s", mst.why);
		c->nalike++;
	}
	return c->nalike >= 2 || ik_case_fail(at, "alike: at least two variants, separated by '|'");
}

/* timing N: the alike variants run N times each, interleaved, their answer latencies compared
 * (suite/run_timing.c); an odd N from 3 to 9 so that each variant has a middle sample. */
bool ik_case_parse_timing(struct ik_case *c, const char *text, const struct ik_cpos *at)
{
	char *end;
	unsigned long n = strtoul(text, &end, 10);

	if (end == text || end[strspn(end, " \t")] || n < 3 || n > IK_CASE_MAX_TIMING || !(n & 1))
		return ik_case_fail(at,
		                    "timing: '%s' is not an odd number of runs per variant from 3 "
		                    "to %d (e.g. 'timing 5')",
		                    text, IK_CASE_MAX_TIMING);
	c->timing = (unsigned)n;
	return true;
}

/* breaks: serve quirks (engine/mutation/quirk.def) under which the case must FAIL (the self-test). */
bool ik_case_parse_breaks(struct ik_case *c, const char *text, const struct ik_cpos *at)
{
	char buf[512], *w[MAX_WORDS];
	size_t n = words(text, buf, sizeof(buf), w);

	for (size_t i = 0; i < n; i++) {
		if (strlen(w[i]) >= sizeof(c->breaks[0]) || ik_quirks_none(ik_quirk_by_name(w[i])))
			return ik_case_fail(at,
			                    "breaks '%.40s': unknown quirk (`ikecheck serve "
			                    "--list-quirks` names them)",
			                    w[i]);
		if (c->nbreaks == IK_CASE_MAX_QUIRKS)
			return ik_case_fail(at, "breaks: more than %d quirks", IK_CASE_MAX_QUIRKS);
		snprintf(c->breaks[c->nbreaks++], sizeof(c->breaks[0]), "%s", w[i]);
	}
	return true;
}

/* --- expect -------------------------------------------------------------------------------- */

static bool notify_add(struct ik_expect *e, const char *name, const struct ik_cpos *at)
{
	uint32_t v;

	if (!ik_value_of(IK_T_NOTIFY, name, &v) || v > 0xffff || !v)
		return ik_case_fail(at,
		                    "expect: unknown notify '%.40s' (names as in RFC 2408 "
		                    "3.14.1, e.g. NO-PROPOSAL-CHOSEN, INVALID-HASH-INFORMATION)",
		                    name);
	if (e->nnotify == IK_CASE_MAX_NOTIFY)
		return ik_case_fail(at, "expect: more than %d notify types", IK_CASE_MAX_NOTIFY);
	e->notify[e->nnotify++] = (uint16_t)v;
	return true;
}

/* rejected [at MSG] [by notify NAME | NAME ...] [or silence] | rejected by silence */
static bool rejected(struct ik_expect *e, char **w, size_t n, const struct ik_cpos *at)
{
	size_t i = 1;
	bool by_notify = false;

	e->kind = IK_EXP_REJECTED;
	while (i < n) {
		if (!strcmp(w[i], "at") && i + 1 < n && !e->at_msg) {
			if (!ik_case_msg_by_name(w[i + 1], &e->at_x, &e->at_msg) &&
			    !tx_by_name(w[i + 1], &e->at_x, &e->at_msg))
				return ik_case_fail(at,
				                    "expect: rejected at '%.20s': expected a "
				                    "message MM1..MM6, AM1..AM3, QM1..QM3 or TX1",
				                    w[i + 1]);
			i += 2;
		} else if (!strcmp(w[i], "or") || !strcmp(w[i], "by")) {
			const char *next = i + 1 < n ? w[i + 1] : "";
			bool by = w[i][0] == 'b';
			if (strcmp(next, "silence") && strcmp(next, by ? "notify" : "by"))
				return ik_case_fail(
					at, "expect: rejected ... '%s' must be followed by %s",
					w[i],
					by ? "'notify NAME' or 'silence'"
					   : "'silence' or 'by silence'");
			i++;
		} else if (!strcmp(w[i], "silence")) {
			e->silence = true;
			i++;
		} else if (!strcmp(w[i], "notify") && !by_notify) {
			by_notify = true;
			for (i++; i < n; i++) {
				if (!strcmp(w[i], "or")) {
					if (i + 1 < n && (!strcmp(w[i + 1], "silence") ||
					                  !strcmp(w[i + 1], "by")))
						break;
					continue;
				}
				if (!strcmp(w[i], "by") || !strcmp(w[i], "at") ||
				    !strcmp(w[i], "silence"))
					break;
				if (!notify_add(e, w[i], at))
					return false;
			}
			if (!e->nnotify)
				return ik_case_fail(at,
				                    "expect: 'by notify' needs at least one notify "
				                    "name");
		} else {
			return ik_case_fail(at,
			                    "expect: rejected ... '%.40s': expected 'at MSG', "
			                    "'by notify NAME | NAME', 'or silence' or 'by "
			                    "silence'",
			                    w[i]);
		}
	}
	return true;
}

static bool outcome(struct ik_expect *e, char **w, size_t n, const struct ik_cpos *at)
{
	if (!strcmp(w[0], "rejected"))
		return rejected(e, w, n, at);
	if (!strcmp(w[0], "established")) {
		e->kind = IK_EXP_ESTABLISHED;
		if (n == 1)
			return true;
		if (n == 2 && (!strcmp(w[1], "phase1") || !strcmp(w[1], "phase2")))
			e->phase = w[1][5] - '0';
		else if (n == 3 && !strcmp(w[1], "phase") &&
		         (!strcmp(w[2], "1") || !strcmp(w[2], "2")))
			e->phase = w[2][0] - '0';
		else
			return ik_case_fail(at,
			                    "expect: established '%.40s': expected nothing, "
			                    "phase1 or phase2",
			                    w[1]);
		return true;
	}
	if (!strcmp(w[0], "adjusted")) {
		e->kind = IK_EXP_ADJUSTED;
		if (n == 2 && !strcmp(w[1], "p1-lifetime"))
			e->adjust = IK_ADJ_P1_LIFETIME;
		else if (n == 2 && !strcmp(w[1], "p2-lifetime"))
			e->adjust = IK_ADJ_P2_LIFETIME;
		else
			return ik_case_fail(at,
			                    "expect: adjusted needs p1-lifetime or p2-lifetime");
		return true;
	}
	/* "announced no-replay": the DUT's QM2 carried REPLAY-STATUS 0 (RFC 2407 4.6.3.2) */
	if (!strcmp(w[0], "announced") && n == 2 && !strcmp(w[1], "no-replay")) {
		e->kind = IK_EXP_ANNOUNCED;
		return true;
	}
	if (!strcmp(w[0], "carries") && n == 2 && !strcmp(w[1], "traffic")) {
		e->kind = IK_EXP_TRAFFIC;
		return true;
	}
	/* "discards probes" / "accepts probes": what the traffic step's probes met */
	if ((!strcmp(w[0], "discards") || !strcmp(w[0], "accepts")) && n == 2 &&
	    !strcmp(w[1], "probes")) {
		e->kind = w[0][0] == 'd' ? IK_EXP_DISCARDS : IK_EXP_ACCEPTS;
		return true;
	}
	/* "stops traffic": nothing came back after the probes (a Delete the DUT acted on) */
	if (!strcmp(w[0], "stops") && n == 2 && !strcmp(w[1], "traffic")) {
		e->kind = IK_EXP_STOPS;
		return true;
	}
	/* "queries" [strict|none]: the DUT's own R-U-THEREs heard by a dpd-listen step; none: not
	 * one may come (we sent no DPD vendor ID, RFC 3706 5.1) */
	if (!strcmp(w[0], "queries") &&
	    (n == 1 || (n == 2 && (!strcmp(w[1], "strict") || !strcmp(w[1], "none"))))) {
		e->kind = IK_EXP_QUERIES;
		e->strict = n == 2 && !strcmp(w[1], "strict");
		e->none = n == 2 && !e->strict;
		return true;
	}
	/* "keepalive ports|octet|timely|checksum": the DUT's own NAT-keepalives heard by keepalive-listen */
	if (!strcmp(w[0], "keepalive")) {
		static const char *const ka[] = {"ports", "octet", "timely", "checksum"};
		for (int i = 0; n == 2 && i < 4; i++)
			if (!strcmp(w[1], ka[i]))
				e->ka = IK_KA_PORTS + i;
		e->kind = IK_EXP_KEEPALIVE;
		return e->ka ||
		       ik_case_fail(at, "expect keepalive needs ports, octet, timely or checksum");
	}
	/* "kept ROW...": rows of engine/exchanges/xauth_check.def, by requirement id */
	if (!strcmp(w[0], "kept")) {
		e->kind = IK_EXP_KEPT;
		for (size_t i = 1; i < n; i++) {
			int r = ik_xa_check_find(w[i]);
			if (r < 0)
				return ik_case_fail(at,
				                    "expect kept: '%.40s' is no XAUTH check "
				                    "(engine/exchanges/xauth_check.def)",
				                    w[i]);
			e->kept_rows |= IK_XC_BIT(r);
		}
		if (!e->kept_rows)
			return ik_case_fail(at, "expect kept: name the requirement ids it checks");
		return true;
	}
	if (!strcmp(w[0], "ignored") || !strcmp(w[0], "survives") || !strcmp(w[0], "alive")) {
		e->kind = w[0][0] == 'i'   ? IK_EXP_IGNORED
		          : w[0][0] == 's' ? IK_EXP_SURVIVES
		                           : IK_EXP_ALIVE;
		if (n > 1)
			return ik_case_fail(at, "expect: '%s' takes nothing after it ('%.40s')",
			                    w[0], w[1]);
		return true;
	}
	return ik_case_fail(
		at,
		"expect '%.40s': expected established, rejected, adjusted, "
		"ignored, survives, alive, carries traffic, discards probes, accepts probes, "
		"stops traffic, queries [strict], keepalive ports|octet|timely, announced "
		"no-replay or "
		"kept REQ-ID...",
		w[0]);
}

/* The policies an expect line may name (docs/writing-cases.md "Policy"); a bare lifetime policy
 * is the older spelling of p1=. */
static const struct {
	const char *name;
	enum ik_policy_dim dim;
	int val;
} policies[] = {
	{"p1=strict", IK_POL_P1, IK_LIFETIME_STRICT + 1},
	{"p1=lenient", IK_POL_P1, IK_LIFETIME_LENIENT + 1},
	{"p1=obey", IK_POL_P1, IK_LIFETIME_OBEY + 1},
	{"p2=strict", IK_POL_P2, IK_LIFETIME_STRICT + 1},
	{"p2=lenient", IK_POL_P2, IK_LIFETIME_LENIENT + 1},
	{"p2=obey", IK_POL_P2, IK_LIFETIME_OBEY + 1},
	{"ids=any", IK_POL_IDS, IK_IDS_ANY},
	{"ids=list", IK_POL_IDS, IK_IDS_LIST},
	{"strict", IK_POL_P1, IK_LIFETIME_STRICT + 1},
	{"lenient", IK_POL_P1, IK_LIFETIME_LENIENT + 1},
	{"obey", IK_POL_P1, IK_LIFETIME_OBEY + 1},
};

/* "policy NAME:" at the start of an expect line: fills dim/policy, returns what follows. */
static const char *expect_policy(struct ik_expect *e, const char *text, const struct ik_cpos *at)
{
	const char *p = text + 6 + strspn(text + 6, " \t"), *colon = strchr(p, ':');
	size_t k = 0, pl = colon ? (size_t)(colon - p) : 0, n = IK_ARRAY_SIZE(policies);

	while (pl && (p[pl - 1] == ' ' || p[pl - 1] == '\t'))
		pl--;
	while (k < n && (strlen(policies[k].name) != pl || strncmp(policies[k].name, p, pl)))
		k++;
	if (!colon || k == n) {
		ik_case_fail(at,
		             "expect policy: expected 'policy p1=V:' or 'policy p2=V:' (V strict, "
		             "lenient or obey), or 'policy ids=any:' / 'policy ids=list:', before "
		             "the outcome");
		return NULL;
	}
	e->dim = policies[k].dim;
	e->policy = policies[k].val;
	return colon + 1;
}

/* Lines of one case: unqualified lines (alternatives: any of them passes, for outcomes the RFC
 * leaves to the DUT, e.g. RFC 2408 4.2 "select a single transform ... or reject the entire
 * proposal"), or qualified lines naming one policy, each value once (the lines for the
 * profile's policy apply; none: suite/claims.c SKIPs then). */
static bool expect_fits(const struct ik_case *c, const struct ik_expect *e,
                        const struct ik_cpos *at)
{
	for (size_t i = 0; i < c->nexpect; i++) {
		const struct ik_expect *o = &c->expect[i];
		if (!o->policy && !e->policy)
			continue; /* alternatives */
		if (o->dim != e->dim && o->dim && e->dim)
			return ik_case_fail(at,
			                    "expect: the policy lines of a case name one policy "
			                    "(p1=, p2= or ids=), not several");
		if (o->policy == e->policy || !o->policy || !e->policy)
			return ik_case_fail(at,
			                    "expect: a second expect line must name a different "
			                    "policy (one line per 'policy p1=strict:', 'policy "
			                    "p1=lenient:' ...), or be unqualified like the first "
			                    "(alternatives)");
	}
	return true;
}

/* expect [policy p1=|p2=strict|lenient|obey: | policy ids=any|list:] OUTCOME */
bool ik_case_parse_expect(struct ik_case *c, const char *text, const struct ik_cpos *at)
{
	struct ik_expect e = {0};
	char buf[1024], *w[MAX_WORDS];
	const char *rest = text;

	if (!strncmp(text, "policy", 6) && (text[6] == ' ' || text[6] == '\t') &&
	    !(rest = expect_policy(&e, text, at)))
		return false;
	size_t n = words(rest, buf, sizeof(buf), w);
	if (!n)
		return ik_case_fail(at, "expect: expected an outcome after the policy");
	if (c->nexpect == IK_CASE_MAX_EXPECT)
		return ik_case_fail(at, "expect: more than %d expect lines", IK_CASE_MAX_EXPECT);
	if (!outcome(&e, w, n, at) || !expect_fits(c, &e, at))
		return false;
	c->expect[c->nexpect++] = e;
	return true;
}
