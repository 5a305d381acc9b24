/*
 * What a case starts from and what it leaves as evidence: the tester-side configuration (the DUT
 * profile with the case's `set` lines applied, re-validated by the profile parser so a bad
 * override is reported like a bad profile), and the result's ladder, notifies and mutations.
 */
#include "consts.h"
#include "result_ladder.h"
#include "runner_int.h"
#include "xchg.h" /* ik_cfg_attr_list */

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

/* The line "[sec]" starts (spaces before it allowed): a "[sec]" inside a comment or a value, like
 * the "[xauth] and [modecfg]" of a profile's header comment, is not the section. NULL if none. */
static char *find_section(char *text, const char *hdr)
{
	size_t hl = strlen(hdr);
	for (char *line = text; line && *line;
	     line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		char *q = line;
		while (*q == ' ' || *q == '\t')
			q++;
		if (!strncmp(q, hdr, hl))
			return q;
	}
	return NULL;
}

/* Replace "key = ..." inside [section] (or add it at the section's end, or add the section). */
static bool override_one(char **text, const char *skey, const char *val, struct ik_status *st)
{
	char sec[48], hdr[56];
	const char *dot = strchr(skey, '.');
	if (!dot || (size_t)(dot - skey) >= sizeof(sec))
		return ik_fail(st, 0, "override '%s': expected section.key", skey);
	memcpy(sec, skey, (size_t)(dot - skey));
	sec[dot - skey] = 0;
	const char *key = dot + 1;
	snprintf(hdr, sizeof(hdr), "[%s]", sec);

	size_t tl = strlen(*text), kl = strlen(key);
	char *s = find_section(*text, hdr);
	size_t at = tl, end = tl; /* insert position; end of the line replaced */
	if (s) {
		bool found = false;
		char *p = strchr(s, '\n');
		at = p ? (size_t)(p + 1 - *text) : tl;
		while (at < tl && (*text)[at] != '[') {
			char *line = *text + at, *nl = strchr(line, '\n');
			size_t ll = nl ? (size_t)(nl - line) + 1 : tl - at;
			const char *q = line;
			while (*q == ' ' || *q == '\t')
				q++;
			if (!strncmp(q, key, kl) && strchr(" \t=", q[kl])) {
				end = at + ll;
				found = true;
				break;
			}
			at += ll;
		}
		if (!found)       /* (a key on the file's last line ends at tl too) */
			end = at; /* not found: insert before the next section */
	}
	char line[320];
	int n;
	if (!s)
		n = snprintf(line, sizeof(line), "\n%s\n%s = %s\n", hdr, key, val);
	else
		n = snprintf(line, sizeof(line), "%s = %s\n", key, val);
	if (n < 0 || (size_t)n >= sizeof(line))
		return ik_fail(st, 0, "override '%s': value too long", skey);
	char *out = malloc(tl + (size_t)n + 2);
	if (!out)
		return ik_fail(st, 0, "out of memory");
	memcpy(out, *text, at);
	/* a new key at a section's end must start on its own line */
	size_t o = at;
	if (s && o && out[o - 1] != '\n')
		out[o++] = '\n';
	memcpy(out + o, line, (size_t)n);
	memcpy(out + o + n, *text + end, tl - end + 1);
	free(*text);
	*text = out;
	return true;
}

bool ik_profile_override(const char *text, const char keys[][48], const char vals[][160], size_t n,
                         char **out, struct ik_status *st)
{
	*out = strdup(text);
	if (!*out)
		return ik_fail(st, 0, "out of memory");
	bool id = false;
	for (size_t i = 0; i < n; i++) {
		id = id || !strcmp(keys[i], "tester.id");
		if (!override_one(out, keys[i], vals[i], st)) {
			free(*out);
			*out = NULL;
			return false;
		}
	}
	/* The tester's view does not read auth.peer_ids (the DUT's policy): a case that changes
	 * the tester's identity must not make it contradict the DUT's list of accepted ones. */
	if (id && !override_one(out, "auth.peer_ids", "any", st)) {
		free(*out);
		*out = NULL;
		return false;
	}
	return true;
}

/* `set phaseN.proposals = first`: the profile's own first proposal, so a case that breaks one
 * transform or proposal offers nothing the DUT could take instead (suite/cases/robustness). */
static void set_values(const struct ik_runner *R, const struct ik_case *c, char vals[][160])
{
	for (size_t i = 0; c && i < c->nsets; i++) {
		snprintf(vals[i], 160, "%s", c->set_val[i]);
		if (strcmp(vals[i], "first"))
			continue;
		if (!strcmp(c->set_key[i], "phase1.proposals") && R->base->p1.n_prop)
			ik_p1_format(&R->base->p1.prop[0], vals[i], 160);
		else if (!strcmp(c->set_key[i], "phase2.proposals") && R->base->p2.n_prop)
			ik_p2_format(&R->base->p2.prop[0], 0, vals[i], 160);
	}
}

bool ik_crun_cfg(struct ik_runner *R, const struct ik_case *c, struct ik_cfg *cfg,
                 struct ik_status *st)
{
	return ik_crun_cfg_variant(R, c, IK_CASE_MAX_ALIKE, cfg, st);
}

bool ik_case_pins_port(const struct ik_case *c)
{
	for (size_t i = 0; c && i < c->nsets; i++)
		if (!strcmp(c->set_key[i], "tester.port"))
			return true;
	return false;
}

bool ik_crun_cfg_variant(struct ik_runner *R, const struct ik_case *c, unsigned v,
                         struct ik_cfg *cfg, struct ik_status *st)
{
	char *text = NULL, vals[IK_CASE_MAX_SETS + 1][160], keys[IK_CASE_MAX_SETS + 1][48];
	struct ik_profile *p = calloc(1, sizeof(*p));
	size_t n = c ? c->nsets : 0;
	set_values(R, c, vals);
	if (n)
		memcpy(keys, c->set_key, n * sizeof(keys[0]));
	if (c && v < c->nalike && c->alike_key[v][0]) { /* a `set` variant (case.h alike) */
		memcpy(keys[n], c->alike_key[v], sizeof(keys[0]));
		memcpy(vals[n], c->alike_val[v], sizeof(vals[0]));
		n++;
	}
	bool ok = p && ik_profile_override(R->profile_text, n ? (const char(*)[48])keys : NULL,
	                                   n ? (const char(*)[160])vals : NULL, n, &text, st);
	if (!p)
		ik_fail(st, 0, "out of memory");
	if (ok && !ik_profile_parse(p, text, strlen(text), R->o->profile, st)) {
		char why[sizeof(st->why)];
		snprintf(why, sizeof(why), "the case's set lines make the profile invalid: %.180s",
		         st->why);
		ik_fail(st, 0, "%s", why);
		ok = false;
	}
	if (ok)
		ok = ik_cfg_from_profile(cfg, p, false, st);
	if (ok) {
		/* Our own ports per case: own cookies and no clash with the profile's tester port,
		 * except where the DUT initiates (a case, or a probe of a DUT that only initiates):
		 * it sends to the tester port the profile names. */
		if (c ? c->dut_role != IK_INITIATOR : !ik_probe_by_dut(R)) {
			/* but a case that names its source port (NATT-020: not 500, RFC 3947 3) */
			if (!ik_case_pins_port(c))
				ik_addr_set_port(&cfg->local, 0);
			if (cfg->natt_port || cfg->natt)
				cfg->natt_port = 0;
		}
		/* As the XAUTH gateway of a DUT client, a FAIL we SET does not end the SA from our
		 * side: whether the client stops by itself is the question (XA-CLI-002). */
		cfg->xauth.keep_on_fail = c && c->dut_role == IK_INITIATOR;
		if (!ik_run_may_claim_initial_contact(R->o))
			cfg->initial_contact = false;
		/* A liveness probe asks whether the DUT answers, not whether its SIG is right (a
		 * case judges that, CERT-DSS-001 under quirk dss-der-sig): its engine checks the
		 * DUT's certificate and identity but not the signature (docs/verdicts.md 7). */
		if (!c)
			cfg->quirks = ik_quirks_or(cfg->quirks, IK_QUIRK(SIG_NO_VERIFY));
		bool aggr = c && c->nsteps && c->steps[0].kind == IK_STEP_AGGRESSIVE;
		if (aggr || (!c && !(R->base->p1.modes & IK_MODE_MAIN)))
			ik_cfg_one_group(cfg); /* RFC 2409 5: one KE in AM1, one group */
	}
	if (text)
		OPENSSL_cleanse(text, strlen(text));
	free(text);
	if (p)
		ik_profile_wipe(p);
	free(p);
	return ok;
}

static void cat(char *buf, size_t n, const char *sep, const char *s)
{
	size_t l = strlen(buf);
	if (l + 1 < n)
		snprintf(buf + l, n - l, "%s%s", l ? sep : "", s);
}

/* What the rows of xauth_check.def saw in the DUT's XAUTH messages: those the case's `kept`
 * lines name (a MAY row's note is all its verdict rests on), and any that broke. */
static void xauth_evidence(const struct crun *cr, struct ik_result *r)
{
	uint64_t rows = cr->o.xc_broke;
	char line[IK_XC_NOTE + 32];
	for (size_t i = 0; i < cr->c->nexpect; i++)
		if (cr->c->expect[i].kind == IK_EXP_KEPT)
			rows |= cr->c->expect[i].kept_rows;
	for (unsigned i = 0; i < IK_XC__N; i++)
		if (rows & cr->o.xc_seen & IK_XC_BIT(i)) {
			snprintf(line, sizeof(line), "%s %s: %s", ik_xa_check_req(i),
			         cr->o.xc_broke & IK_XC_BIT(i) ? "broken" : "seen",
			         cr->o.xc_note[i]);
			cat(r->evidence, sizeof(r->evidence), "\n", line);
		}
}

/* What the DUT answered the `cfg` step's query with (its type, identifier and attributes): the
 * evidence of a case that judges only whether an answer came (MC-EDGE-013 .. 016). */
static void cfgq_evidence(const struct crun *cr, struct ik_result *r)
{
	const struct ik_qm *q = cr->cfgq;
	char l[IK_XC_NOTE], line[IK_XC_NOTE + 2 * IK_NAME_MAX + 80], out[IK_NAME_MAX],
		in[IK_NAME_MAX];
	if (!q)
		return;
	ik_fmt(out, IK_T_CFG_TYPE, q->tx_out.type);
	ik_fmt(in, IK_T_CFG_TYPE, q->tx_in.type);
	ik_cfg_attr_list(&q->tx_in, NULL, l, sizeof(l));
	if (!q->established)
		snprintf(line, sizeof(line), "our %s (identifier %u) got no answer", out,
		         q->tx_out.id);
	else
		snprintf(line, sizeof(line),
		         "our %s (identifier %u) was answered by %s (identifier %u): %s", out,
		         q->tx_out.id, in, q->tx_in.id, l);
	cat(r->evidence, sizeof(r->evidence), "\n", line);
}

void ik_crun_evidence(const struct crun *cr, struct ik_result *r)
{
	char nb[IK_NAME_MAX], line[256];
	const char *hint = "";

	if (cr->sa) {
		ik_result_set_ladder(r, &cr->sa->ladder);
		if (cr->o.failed) {
			hint = ik_stall_hint(cr->o.at_x, cr->o.at_msg + 1);
			snprintf(r->where, sizeof(r->where), "%s (%s)",
			         cr->o.at_msg ? ik_msg_name(cr->o.at_x, cr->o.at_msg) : "start",
			         ik_ios_state(cr->o.at_x, cr->o.at_msg));
		}
	}
	snprintf(r->hint, sizeof(r->hint), "%s", hint ? hint : "");
	for (size_t i = 0; i < cr->o.nnotify; i++)
		cat(r->notify, sizeof(r->notify), "; ", ik_fmt(nb, IK_T_NOTIFY, cr->o.notify[i]));
	for (size_t i = 0; i < cr->nmut; i++) {
		snprintf(line, sizeof(line), "%s (applied %u time%s)", cr->mut[i].text,
		         cr->mut[i].applied, cr->mut[i].applied == 1 ? "" : "s");
		cat(r->mutation, sizeof(r->mutation), "; ", line);
	}
	if (cr->o.why[0])
		cat(r->evidence, sizeof(r->evidence), "\n", cr->o.why);
	if (cr->o.restarted)
		cat(r->evidence, sizeof(r->evidence), "\n", cr->o.restart_why);
	if (cr->sa && cr->sa->xa.type_ignored)
		cat(r->evidence, sizeof(r->evidence), "\n",
		    "the DUT answered our XAUTH_TYPE with its password as generic "
		    "(draft-beaulieu-ike-xauth-02 6.2: the REPLY's type MUST be the REQUEST's)");
	if (cr->sa && cr->sa->xa.fail_said)
		cat(r->evidence, sizeof(r->evidence), "\n",
		    "we SET XAUTH_STATUS FAIL and kept the SA to see whether the DUT stops");
	if (cr->sa && cr->sa->xa.fail_taken)
		cat(r->evidence, sizeof(r->evidence), "\n",
		    "the DUT SET XAUTH_STATUS FAIL; we took it as OK to see whether it deleted the "
		    "SA");
	xauth_evidence(cr, r);
	cfgq_evidence(cr, r);
	if (cr->sa && cr->sa->established) {
		snprintf(line, sizeof(line), "ISAKMP SA: %s %s, %u s",
		         ik_name(IK_T_P1_ENCR, cr->sa->chosen.enc),
		         ik_name(IK_T_P1_HASH, cr->sa->chosen.hash), cr->sa->life_s);
		cat(r->evidence, sizeof(r->evidence), "\n", line);
	}
	if (cr->qm && cr->qm->established) {
		snprintf(line, sizeof(line), "IPsec SA: %s, PFS %s, %u s%s",
		         ik_name(IK_T_ESP_TRANS, cr->qm->chosen.id),
		         cr->qm->chosen.group ? ik_name(IK_T_GROUP, cr->qm->chosen.group) : "none",
		         cr->qm->life_s,
		         cr->qm->lowered ? " (lowered by the DUT: RESPONDER-LIFETIME)" : "");
		cat(r->evidence, sizeof(r->evidence), "\n", line);
	}
}

/* RFC 2407 4.6.3.3: INITIAL-CONTACT says "this is the first SA with you", and its receiver
 * "might then elect to delete any existing SA's it has for the sending system". With several
 * cases in flight against one DUT under one identity that claim is false, and a conformant DUT
 * acting on it kills the other cases' SAs without a word (strongSwan 5.9.8: "destroying duplicate
 * IKE_SA for peer ..., received INITIAL_CONTACT"): they then fail as "went silent". So MM5 carries
 * it only when one case runs at a time (RFC 2407 4.6.3 keeps it out of aggressive mode anyway). */
bool ik_run_may_claim_initial_contact(const struct ik_runopts *o)
{
	return o->parallel <= 1;
}

/* A case that runs with no other case in flight, unless the profile says the DUT keeps what it
 * fears apart (docs/profile.md [features]):
 *   - one that sends traffic: every traffic case's SA covers the same inner hosts, so a DUT that
 *     routes by its policy may answer one case's pings through another case's SA, or through
 *     the probe SA of a case beside it (parallel_esp: it answers through the SA they came in on);
 *   - one that sends INITIAL-CONTACT on purpose (see above: it may cost the other cases their
 *     SAs; ic_ignored: the DUT deletes nothing on it);
 *   - one where the DUT initiates: told to, a DUT may start quick mode on an ISAKMP SA another
 *     case holds with the tester instead of a new main mode (fresh_init: it starts a new one).
 *     Such a case also owns the tester port, where the DUT sends: ik_case_owns_tester_port. */
bool ik_case_runs_alone(const struct ik_case *c, const struct ik_runopts *o,
                        const struct ik_profile *p)
{
	if (ik_case_owns_tester_port(c, o) && !p->features.fresh_init)
		return true;
	if (c->timing) /* answer times: no other case of ours loads the DUT meanwhile */
		return true;
	for (size_t i = 0; i < c->nsteps; i++)
		if ((c->steps[i].kind == IK_STEP_INITIAL_CONTACT && !p->features.ic_ignored) ||
		    (c->steps[i].kind == IK_STEP_TRAFFIC && !p->features.parallel_esp))
			return true;
	return false;
}

/* The DUT initiates this case to the profile's tester port: one such case at a time. */
bool ik_case_owns_tester_port(const struct ik_case *c, const struct ik_runopts *o)
{
	return c->dut_role == IK_INITIATOR && o->dut_initiate;
}
