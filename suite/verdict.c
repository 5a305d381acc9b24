/*
 * The judge: a case's expectations (suite/case.h) against what the DUT did (struct ik_observed).
 * PASS when one expect line that applies to the profile's policy matches; otherwise FAIL for a
 * MUST, WARN for SHOULD / MAY / ADVISORY (DESIGN.md "Verdicts"); ERROR when the harness could
 * not run the case as written. Every verdict comes with one sentence saying why.
 */
#include "consts.h"
#include "runner.h"
#include "claims.h"

#include <string.h>

/* s cut to fit n-1 characters at a word, with "..." when cut (the full text is in its own field). */
static const char *clip(char *out, size_t n, const char *s)
{
	size_t l = strlen(s);
	if (l < n) {
		memcpy(out, s, l + 1);
		return out;
	}
	size_t cut = n - 4;
	while (cut > n / 2 && s[cut] != ' ')
		cut--;
	memcpy(out, s, cut);
	memcpy(out + cut, "...", 4);
	return out;
}

static void add(char *buf, size_t n, const char *fmt, const char *s)
{
	size_t l = strlen(buf);
	if (l < n)
		snprintf(buf + l, n - l, fmt, s);
}

/* "p1=strict", "ids=any": the policy an expect line names, as the case language writes it. */
static void policy_name(const struct ik_expect *x, char *buf, size_t n)
{
	static const char *const life[] = {"", "strict", "lenient", "obey"}; /* IK_LIFETIME_* + 1 */
	static const char *const dims[] = {"", "p1", "p2", "ids"};

	if (x->dim == IK_POL_IDS)
		snprintf(buf, n, "ids=%s", x->policy == IK_IDS_ANY ? "any" : "list");
	else
		snprintf(buf, n, "%s=%s", dims[x->dim],
		         x->policy >= 1 && x->policy <= 3 ? life[x->policy] : "?");
}

void ik_expect_text(const struct ik_expect *x, char *buf, size_t n)
{
	static const char *adj[] = {"", "p1-lifetime", "p2-lifetime"};
	char pol[24];

	buf[0] = 0;
	if (x->dim) {
		policy_name(x, pol, sizeof(pol));
		add(buf, n, "policy %s: ", pol);
	}
	switch (x->kind) {
	case IK_EXP_ESTABLISHED:
		add(buf, n, "%s",
		    x->phase == 1   ? "established phase 1"
		    : x->phase == 2 ? "established phase 2"
		                    : "established");
		break;
	case IK_EXP_REJECTED:
		add(buf, n, "%s", "rejected");
		if (x->at_msg)
			add(buf, n, " at %s", ik_msg_name(x->at_x, x->at_msg));
		for (size_t i = 0; i < x->nnotify; i++)
			add(buf, n, i ? " | %s" : " by notify %s",
			    ik_name(IK_T_NOTIFY, x->notify[i]));
		if (x->silence)
			add(buf, n, "%s", x->nnotify ? " or silence" : " by silence");
		break;
	case IK_EXP_ADJUSTED:
		add(buf, n, "adjusted %s", adj[x->adjust <= 2 ? x->adjust : 0]);
		break;
	case IK_EXP_IGNORED: add(buf, n, "%s", "ignored (dropped, then completed)"); break;
	case IK_EXP_SURVIVES:
		add(buf, n, "%s", "survives (no SA from the broken message, alive afterwards)");
		break;
	case IK_EXP_ALIVE: add(buf, n, "%s", "alive (any outcome, alive afterwards)"); break;
	case IK_EXP_ANNOUNCED:
		add(buf, n, "%s", "announced no-replay (REPLAY-STATUS 0 in its QM2)");
		break;
	case IK_EXP_TRAFFIC:
		add(buf, n, "%s", "carries traffic (pings come back through ESP)");
		break;
	case IK_EXP_DISCARDS:
		add(buf, n, "%s", "discards probes (none answered, the pings after them are)");
		break;
	case IK_EXP_ACCEPTS: add(buf, n, "%s", "accepts probes (they are answered)"); break;
	case IK_EXP_STOPS:
		add(buf, n, "%s", "stops traffic (pings answered before the probes, none after)");
		break;
	case IK_EXP_KEPT:
		add(buf, n, "%s", "kept");
		for (unsigned r = 0; r < IK_XC__N; r++)
			if (x->kept_rows & IK_XC_BIT(r))
				add(buf, n, " %s", ik_xa_check_req(r));
		break;
	case IK_EXP_KEEPALIVE:
		add(buf, n, "keepalive %s",
		    x->ka == IK_KA_PORTS      ? "ports (from its NAT-T port to our floated port)"
		    : x->ka == IK_KA_OCTET    ? "octet (one octet 0xff)"
		    : x->ka == IK_KA_CHECKSUM ? "checksum (UDP checksum 0)"
		                              : "timely (one when idle for natt.keepalive)");
		break;
	case IK_EXP_QUERIES:
		add(buf, n, "%s",
		    x->none     ? "queries none (no R-U-THERE to a peer that sent no DPD vendor ID)"
		    : x->strict ? "queries strict (R-U-THERE on its own, again when unanswered, "
		                  "the cookies as SPI)"
		                : "queries (R-U-THERE on its own, its MUSTs kept)");
		break;
	}
}

/* The first error notify (RFC 2408 3.14.1: types below 16384) the DUT sent, 0 if none. */
static uint16_t error_notify(const struct ik_observed *o)
{
	for (size_t i = 0; i < o->nnotify; i++)
		if (o->notify[i] && o->notify[i] < 16384)
			return o->notify[i];
	return 0;
}

static const char *ka_broke(const struct ik_expect *x, const struct ik_observed *o);

static bool rejected_matches(const struct ik_expect *x, const struct ik_observed *o)
{
	uint16_t nt = error_notify(o);
	if (!o->failed || o->all_done || o->we_refused)
		return false;
	/* It answered a datagram we broke (suite/run_wire.h): whatever it said later, it took it. */
	if (o->wire_answer[0])
		return false;
	if (x->at_msg && (o->at_x != x->at_x || o->at_msg != x->at_msg))
		return false;
	/* Without "at": the refusal must still be of the message we broke; answering it with the next
	 * message of its exchange took it (an SA from it), whatever came later. */
	if (!x->at_msg && o->accepted_mutated)
		return false;
	/* "or silence": a Delete of the ISAKMP SA (RFC 2408 3.15) refuses as plainly. */
	bool quiet = (o->silence || o->dut_deleted) && !nt;
	if (!x->nnotify)
		return !x->silence || (o->silence && !nt);
	for (size_t i = 0; i < x->nnotify; i++)
		if (nt == x->notify[i])
			return true;
	return x->silence && quiet;
}

/* Rejected where required, but with an error notify the case does not list (or where it asks
 * for silence): RFC 2408 section 5 only says which notify "MAY be sent" for each check ("This
 * action is dictated by a system security policy"), so the refusal meets the requirement and the
 * notify type is the DUT's choice (docs/verdicts.md 3): PASS, naming the notify it sent. */
static bool rejected_other_notify(const struct ik_expect *x, const struct ik_observed *o)
{
	struct ik_expect any = *x;
	if (x->kind != IK_EXP_REJECTED || !error_notify(o))
		return false;
	any.nnotify = 0, any.silence = false;
	return rejected_matches(&any, o);
}

static bool matches(const struct ik_expect *x, const struct ik_observed *o)
{
	switch (x->kind) {
	case IK_EXP_ESTABLISHED:
		if (o->restarted || o->chose_broken[0])
			return false; /* a restart, or an SA on the transform we broke */
		return x->phase == 1 ? o->p1_up : x->phase == 2 ? o->p2_up : o->all_done;
	case IK_EXP_REJECTED: return rejected_matches(x, o);
	case IK_EXP_ADJUSTED:
		return o->all_done && !o->restarted &&
		       (x->adjust == IK_ADJ_P1_LIFETIME ? o->p1_adjusted : o->p2_adjusted);
	case IK_EXP_IGNORED: return o->all_done && !o->restarted && !o->answered_mutated;
	case IK_EXP_SURVIVES: return !o->accepted_mutated;
	case IK_EXP_ALIVE: return true;
	case IK_EXP_ANNOUNCED: return o->all_done && !o->restarted && o->p2_no_replay;
	case IK_EXP_TRAFFIC: return o->all_done && !o->restarted && o->pongs > 0;
	case IK_EXP_DISCARDS:
		return o->all_done && !o->restarted && o->probes && !o->probe_replies &&
		       o->pongs_after;
	case IK_EXP_ACCEPTS: return o->all_done && !o->restarted && o->probe_replies > 0;
	case IK_EXP_STOPS:
		return o->all_done && !o->restarted && o->probes && o->pongs_before &&
		       !o->pongs_after;
	case IK_EXP_KEPT: return !(x->kept_rows & ~o->xc_seen) && !(x->kept_rows & o->xc_broke);
	case IK_EXP_QUERIES:
		if (x->none) /* RFC 3706 5.1: no DPD exchange with a peer without the vendor ID */
			return o->all_done && o->dpd_listened && !o->dpd_queries;
		return o->all_done && o->dpd_queries && (!x->strict || !o->dpd_should[0]);
	case IK_EXP_KEEPALIVE:
		return o->all_done && !ka_broke(x, o)[0] && (o->ka_heard || x->ka == IK_KA_TIMELY);
	}
	return false;
}

/* What the probes of a traffic step met (suite/run_traffic.c). */
static void probe_text(const struct ik_observed *o, char *buf, size_t n)
{
	size_t l = strlen(buf);
	if (o->probe == IK_PROBE_NONE || o->probe >= IK_PROBE__N || l + 1 >= n)
		return;
	snprintf(buf + l, n - l,
	         "; %u %s drew %u repl%s; through the SA %u of %u pings came back, %u of them "
	         "after the probes (mean %.2f ms)",
	         o->probes, ik_probe_what(o->probe), o->probe_replies,
	         o->probe_replies == 1 ? "y" : "ies", o->pongs, o->pings, o->pongs_after,
	         o->rtt_ms);
}

/* Whether one of the case's expect lines that apply to this profile is of kind k. */
static bool expects_kind(const struct ik_case *c, const struct ik_profile *p, enum ik_expect_kind k)
{
	for (size_t i = 0; i < c->nexpect; i++)
		if (c->expect[i].kind == k && ik_expect_applies(&c->expect[i], p))
			return true;
	return false;
}

/* A probe case that cannot be judged (ERROR, not FAIL): it never reached its probes, or nothing
 * came back after them while they drew no answer either -- a dead SA and a DUT that discarded
 * the probes look the same then. A probe after which silence is judged (silence_judged in suite/probes.def: one the DUT must
 * discard without harm to the SA, a dummy, a broken Pad Length; or one that ends it, a Delete, an
 * expired lifetime) is the exception, as long as the SA carried traffic before. */
static bool probe_inconclusive(const struct ik_case *c, const struct ik_observed *o,
                               const struct ik_profile *p, char *reason, size_t rlen)
{
	bool probing = false;
	for (size_t i = 0; i < c->nexpect; i++)
		probing = probing || (ik_expect_applies(&c->expect[i], p) &&
		                      (c->expect[i].kind == IK_EXP_DISCARDS ||
		                       c->expect[i].kind == IK_EXP_ACCEPTS ||
		                       c->expect[i].kind == IK_EXP_STOPS));
	/* Traffic only after an ending probe (a Delete): the SA was not up at the DUT when the probe
	 * went out (our QM3 lost and resent later, say), so the probe says nothing about it. */
	if (probing && ik_probe_silence_judged(o->probe) && o->probes && !o->pongs_before &&
	    o->pongs_after && expects_kind(c, p, IK_EXP_STOPS)) {
		snprintf(reason, rlen,
		         "inconclusive: no ping came back before the probes, %u after them: the SA "
		         "was not up at the DUT when they went out, so they cannot be judged",
		         o->pongs_after);
		return true;
	}
	/* old-sa: silence on the first SA after the INITIAL-CONTACT means it ended only if it had
	 * carried traffic before (the earlier traffic step); with no traffic on the new one either,
	 * the words below say so. */
	if (probing && o->probe == IK_PROBE_OLD_SA && !o->old_pongs && !o->probe_replies &&
	    (o->pongs_before || o->pongs_after)) {
		snprintf(reason, rlen,
		         "inconclusive: the first ISAKMP SA's IPsec SA carried no traffic in the "
		         "earlier traffic step, so its silence after the INITIAL-CONTACT says "
		         "nothing");
		return true;
	}
	if (!probing || o->probe_replies || o->pongs_after)
		return false;
	if (ik_probe_silence_judged(o->probe) && o->pongs_before)
		return false;
	if (!o->probes)
		snprintf(reason, rlen, "inconclusive: the case never reached its probes (%.150s)",
		         o->why[0] ? o->why : "it stopped before the traffic step");
	else if (!o->pongs_before)
		snprintf(reason, rlen,
		         "inconclusive: the SA carried no traffic at all (no ping came back before "
		         "or "
		         "after the probes), so the probes cannot be judged; the traffic cases "
		         "(ESP-POS) judge the SA itself");
	else
		snprintf(reason, rlen,
		         "inconclusive: nothing came back through the SA after the probes (%u of "
		         "the "
		         "pings before them did): a discarded probe cannot be told from a dead SA",
		         o->pongs_before);
	return true;
}

/* After a traffic step: "SA up and carries traffic", or that nothing came back and why. */
static void traffic_text(const struct ik_observed *o, char *buf, size_t n)
{
	size_t l = strlen(buf);
	if (!o->pings || l + 1 >= n)
		return;
	if (o->probe != IK_PROBE_NONE) {
		probe_text(o, buf, n);
		return;
	}
	if (o->pongs)
		snprintf(buf + l, n - l,
		         "; the SA carries traffic: %u of %u pings came back through "
		         "ESP (mean %.2f ms)",
		         o->pongs, o->pings, o->rtt_ms);
	else
		snprintf(buf + l, n - l, "; none of %u pings came back through ESP%s%s", o->pings,
		         o->traffic_why[0] ? ": " : "", o->traffic_why);
}

/* After a dpd-listen step: the queries the DUT sent on its own, and a SHOULD they broke. */
static void dpd_text(const struct ik_observed *o, char *buf, size_t n)
{
	size_t l = strlen(buf);
	if (!o->dpd_listened || l + 1 >= n)
		return;
	if (!o->dpd_queries && o->dpd_ka_sent)
		snprintf(buf + l, n - l,
		         "; no R-U-THERE of its own in %u s in which we sent it only %u "
		         "NAT-keepalives",
		         o->dpd_wait_s, o->dpd_ka_sent);
	else if (!o->dpd_queries)
		snprintf(buf + l, n - l, "; no R-U-THERE of its own in %u s of our silence",
		         o->dpd_wait_s);
	else
		snprintf(buf + l, n - l,
		         "; it sent %u R-U-THERE%s of its own (sequence numbers %08x to %08x), "
		         "the first left unanswered%s%s",
		         o->dpd_queries, o->dpd_queries == 1 ? "" : "s", o->dpd_first, o->dpd_last,
		         o->dpd_should[0] ? "; " : "", o->dpd_should);
}

static void observed_text(const struct ik_observed *o, bool ignoring, char *buf, size_t n);

/* After a remap step: the ports, and whether anything of the DUT's still came to the old one. */
static void remap_text(const struct ik_observed *o, char *buf, size_t n)
{
	size_t l = strlen(buf);
	if (!o->remap_to || l + 1 >= n)
		return;
	snprintf(buf + l, n - l, "; after our NAT-T port moved from %u to %u, %s", o->remap_from,
	         o->remap_to,
	         o->remap_stale[0] ? o->remap_stale : "nothing of it came to the old one");
}

/* What keepalive-listen heard, and the first break of the rule an `expect keepalive` judges. */
static const char *ka_broke(const struct ik_expect *x, const struct ik_observed *o)
{
	return x->ka == IK_KA_PORTS      ? o->ka_port
	       : x->ka == IK_KA_OCTET    ? o->ka_octet
	       : x->ka == IK_KA_CHECKSUM ? o->ka_csum
	                                 : o->ka_late;
}

static void ka_text(const struct ik_observed *o, char *buf, size_t n)
{
	size_t l = strlen(buf);
	if (!o->ka_listened || l + 1 >= n)
		return;
	if (!o->ka_heard)
		snprintf(buf + l, n - l,
		         "; no NAT-keepalive in %u s of our silence (longest "
		         "silence %.1f s)",
		         o->ka_wait_s, o->ka_gap_ms / 1000.0);
	else
		snprintf(buf + l, n - l,
		         "; %u NAT-keepalive%s in %u s (the first: %s; longest "
		         "silence %.1f s)",
		         o->ka_heard, o->ka_heard == 1 ? "" : "s", o->ka_wait_s, o->ka_first,
		         o->ka_gap_ms / 1000.0);
}

/* An `expect keepalive` line (RFC 3948 2.3, 4) judged with its own reason: the break it found,
 * or nothing to judge (none sent: RFC 3948 4 asks for keepalives with a SHOULD only), or PASS. */
static bool ka_judged(const struct ik_case *c, const struct ik_observed *o,
                      const struct ik_profile *p, enum ik_verdict *v, char *reason, size_t rlen)
{
	const struct ik_expect *x = NULL;
	for (size_t i = 0; i < c->nexpect && !x; i++)
		if (c->expect[i].kind == IK_EXP_KEEPALIVE && ik_expect_applies(&c->expect[i], p))
			x = &c->expect[i];
	if (!x || !o->ka_listened || !o->all_done)
		return false;
	const char *broke = ka_broke(x, o);
	char heard[300] = "";
	ka_text(o, heard, sizeof(heard));
	if (broke[0]) {
		snprintf(reason, rlen, "The DUT broke RFC 3948 %s: %s.",
		         x->ka == IK_KA_PORTS
		                 ? "2.3 (\"the Source Port and Destination Port MUST be "
		                   "the same as used by UDP-ESP encapsulation\")"
		         : x->ka == IK_KA_OCTET
		                 ? "2.3 (\"The sender MUST use a one-octet-long payload "
		                   "with the value 0xFF\")"
		         : x->ka == IK_KA_CHECKSUM
		                 ? "2.3 (\"the IPv4 UDP Checksum SHOULD be transmitted as a "
		                   "zero value\")"
		                 : "4 (\"A peer SHOULD send a NAT-keepalive packet ... if "
		                   "no other packet to the peer has been sent in M "
		                   "seconds\")",
		         broke);
		*v = c->level == IK_LVL_MUST ? IK_V_FAIL : IK_V_WARN;
	} else if (!o->ka_heard && x->ka != IK_KA_TIMELY) {
		snprintf(
			reason, rlen,
			"inconclusive: no NAT-keepalive from the DUT in %u s of our silence behind "
			"the simulated NAT: none to judge (RFC 3948 4 asks for them with a SHOULD)",
			o->ka_wait_s);
		*v = IK_V_ERROR;
	} else if (x->ka == IK_KA_CHECKSUM && !o->ka_tapped) {
		snprintf(reason, rlen,
		         "inconclusive: no NAT-keepalive from the DUT's NAT-T port to ours on the "
		         "raw "
		         "socket, of the %u it sent (%s): no UDP checksum to judge",
		         o->ka_heard, o->tap_why[0] ? o->tap_why : "none came that way");
		*v = IK_V_ERROR;
	} else {
		char sum[80] = "";
		if (x->ka == IK_KA_CHECKSUM)
			snprintf(sum, sizeof(sum),
			         "; the %u read on a raw socket had UDP checksum 0", o->ka_tapped);
		snprintf(reason, rlen, "As required, the DUT sent%s%s (%s).",
		         o->ka_heard ? heard + 1
		                     : " nothing it had to: it was never silent that long",
		         sum, c->ref);
		*v = IK_V_PASS;
	}
	return true;
}

/* The rows of the case's applicable `kept` lines that broke (true), as far as read. */
static bool kept_broke(const struct ik_case *c, const struct ik_observed *o,
                       const struct ik_profile *p)
{
	for (size_t i = 0; i < c->nexpect; i++)
		if (c->expect[i].kind == IK_EXP_KEPT && ik_expect_applies(&c->expect[i], p) &&
		    (c->expect[i].kept_rows & o->xc_broke))
			return true;
	return false;
}

/* A `kept` case not met: what each of its rows saw, the broken ones first; a row never read
 * (the DUT never sent the message it judges) and none broken is inconclusive (ERROR). */
static bool kept_judged(const struct ik_case *c, const struct ik_observed *o,
                        const struct ik_profile *p, char *reason, size_t rlen)
{
	uint64_t rows = 0;
	for (size_t i = 0; i < c->nexpect; i++)
		if (c->expect[i].kind == IK_EXP_KEPT && ik_expect_applies(&c->expect[i], p))
			rows |= c->expect[i].kept_rows;
	if (!rows)
		return false;
	reason[0] = 0;
	for (unsigned r = 0; r < IK_XC__N; r++)
		if (rows & o->xc_broke & IK_XC_BIT(r)) {
			add(reason, rlen, "%s", reason[0] ? "; " : "The DUT broke ");
			add(reason, rlen, "%s: ", ik_xa_check_req(r));
			add(reason, rlen, "%s", o->xc_note[r]);
		}
	if (reason[0]) {
		add(reason, rlen, " (%s).", c->ref);
		return true;
	}
	for (unsigned r = 0; r < IK_XC__N; r++)
		if (rows & ~o->xc_seen & IK_XC_BIT(r)) {
			char ob[160];
			observed_text(o, false, ob, sizeof(ob));
			snprintf(reason, rlen,
			         "inconclusive: the DUT sent no message %s judges (it %.150s)",
			         ik_xa_check_req(r), ob);
			return true;
		}
	return false;
}

/* What the `kept` rows of the case saw, for a PASS reason: "XAUTH-6.1-05: its SET ...". */
static void kept_text(const struct ik_case *c, const struct ik_observed *o, char *buf, size_t n)
{
	for (size_t i = 0; i < c->nexpect; i++)
		for (unsigned r = 0; c->expect[i].kind == IK_EXP_KEPT && r < IK_XC__N; r++)
			if (c->expect[i].kept_rows & o->xc_seen & IK_XC_BIT(r)) {
				add(buf, n, "; %s: ", ik_xa_check_req(r));
				add(buf, n, "%s", o->xc_note[r]);
			}
}

static void observed_text(const struct ik_observed *o, bool ignoring, char *buf, size_t n)
{
	char nb[IK_NAME_MAX];
	const char *at = o->at_msg ? ik_msg_name(o->at_x, o->at_msg) : "the start";
	uint16_t nt = error_notify(o);

	buf[0] = 0;
	if (o->all_done) {
		snprintf(buf, n, "completed every step%s%s%s%s",
		         o->p2_up   ? " (phase 1 and quick mode up)"
		         : o->p1_up ? " (phase 1 up)"
		                    : "",
		         o->p1_adjusted ? ", lowering the phase 1 lifetime" : "",
		         o->p2_adjusted ? ", lowering the quick mode lifetime" : "",
		         o->p2_no_replay ? ", its QM2 saying REPLAY-STATUS 0 (no anti-replay)"
		                         : "");
		traffic_text(o, buf, n);
		remap_text(o, buf, n);
		dpd_text(o, buf, n);
		ka_text(o, buf, n);
		if (o->old_port[0])
			add(buf, n, "; %s", o->old_port);
		if (o->clear_cfg[0])
			add(buf, n, "; %s", o->clear_cfg);
	} else if (nt) {
		snprintf(buf, n, "refused %s with notify %s", at, ik_fmt(nb, IK_T_NOTIFY, nt));
	} else if (o->xauth_refused) {
		snprintf(buf, n, "refused the XAUTH user after %s (SET XAUTH_STATUS FAIL)", at);
	} else if (o->dut_deleted) {
		snprintf(buf, n, "deleted the ISAKMP SA (Delete) after %s", at);
	} else if (o->silence) {
		snprintf(buf, n, "went silent after %s", at);
	} else if (o->we_refused) {
		snprintf(buf, n, "answered %s with %s, which our engine refused: %.150s", at,
		         ik_msg_name(o->at_x, o->at_msg + 1), o->why);
	} else {
		snprintf(buf, n, "stopped at %s: %.150s", at, o->why);
	}
	if (o->answered_mutated && ignoring) {
		size_t l = strlen(buf);
		snprintf(buf + l, n - l, "; it answered the mutated message itself");
	}
	if (o->chose_broken[0]) {
		size_t l = strlen(buf);
		snprintf(buf + l, n - l, "; %s", o->chose_broken);
	}
	if (o->wire_answer[0]) {
		size_t l = strlen(buf);
		snprintf(buf + l, n - l, "; %s", o->wire_answer);
	} else if (o->accepted_mutated) {
		size_t l = strlen(buf);
		snprintf(buf + l, n - l,
		         "; it answered a message we broke with the next message of its "
		         "exchange (an SA from the broken message)");
	}
	if (o->restarted) {
		size_t l = strlen(buf);
		snprintf(buf + l, n - l, "; %s", o->restart_why);
	}
}

static enum ik_verdict judge_expect(const struct ik_case *c, const struct ik_observed *o,
                                    const struct ik_profile *p, char *reason, size_t rlen,
                                    char *expected, size_t elen, char *observed, size_t olen)
{
	char one[160];

	expected[0] = 0;
	bool ignoring = false;
	for (size_t i = 0; i < c->nexpect; i++)
		ignoring = ignoring || c->expect[i].kind == IK_EXP_IGNORED;
	observed_text(o, ignoring, observed, olen);
	if (o->step_fail[0]) {
		snprintf(reason, rlen, "harness: %s", o->step_fail);
		return IK_V_ERROR;
	}
	/* A MUST the DUT broke in what it sent fails the case whatever it asked (docs/verdicts.md 6). */
	if (o->fault[0]) {
		snprintf(reason, rlen, "The DUT broke %.200s.", o->fault);
		return IK_V_FAIL;
	}
	/* RFC 3947 7 (the remap step): the DUT kept the old mapping; at the case's level. */
	if (o->remap_stale[0]) {
		snprintf(reason, rlen,
		         "Our NAT mapping changed (our NAT-T port moved): %.120s (RFC 3947 7: the "
		         "end "
		         "not behind the NAT \"SHOULD use the last valid UDP encapsulated IKE or "
		         "IPsec packet\").",
		         o->remap_stale);
		for (size_t i = 0; i < c->nexpect; i++)
			if (ik_expect_applies(&c->expect[i], p))
				ik_expect_text(&c->expect[i], expected, elen);
		return c->level == IK_LVL_MUST ? IK_V_FAIL : IK_V_WARN;
	}
	enum ik_verdict kv;
	if (ka_judged(c, o, p, &kv, reason, rlen)) {
		for (size_t i = 0; i < c->nexpect; i++)
			if (ik_expect_applies(&c->expect[i], p))
				ik_expect_text(&c->expect[i], expected, elen);
		return kv;
	}
	for (size_t i = 0; i < c->nexpect; i++) {
		const struct ik_expect *x = &c->expect[i];
		if (!ik_expect_applies(x, p))
			continue;
		ik_expect_text(x, one, sizeof(one));
		if (expected[0] && strlen(expected) + 4 < elen)
			strcat(expected, "; or ");
		if (strlen(expected) + strlen(one) < elen)
			strcat(expected, one);
		if (matches(x, o)) {
			if (x->kind == IK_EXP_KEPT) {
				char kt[sizeof(o->xc_note)];
				kt[0] = 0;
				kept_text(c, o, kt, sizeof(kt));
				snprintf(reason, rlen, "As required, %.*s.", (int)rlen - 16,
				         kt + 2);
				return IK_V_PASS;
			}
			char c1[150], c2[90];
			snprintf(reason, rlen, "The DUT %s, as expected (%s).",
			         clip(c1, sizeof(c1), observed), clip(c2, sizeof(c2), one));
			return IK_V_PASS;
		}
	}
	for (size_t i = 0; i < c->nexpect; i++) {
		const struct ik_expect *x = &c->expect[i];
		if (ik_expect_applies(x, p) && rejected_other_notify(x, o)) {
			snprintf(reason, rlen,
			         "The DUT %.160s: refused as required; the notify is its "
			         "choice (RFC 2408 5).",
			         observed);
			return IK_V_PASS;
		}
	}
	if (!expected[0]) {
		snprintf(reason, rlen,
		         "harness: no expect line applies to this profile's policies");
		return IK_V_ERROR;
	}
	if (probe_inconclusive(c, o, p, reason, rlen))
		return IK_V_ERROR;
	/* NAT-keepalives flowed and no query came: they were taken for life (RFC 3948 4). */
	if (o->dpd_listened && o->all_done && !o->dpd_queries && o->dpd_ka_sent) {
		snprintf(
			reason, rlen,
			"The DUT sent no R-U-THERE in %u s in which we sent it nothing but %u "
			"NAT-keepalives, though phase1.dpd says it probes an idle peer: RFC 3948 4 "
			"\"Reception of NAT-keepalive packets MUST NOT be used to detect whether a "
			"connection is live\" (%s).",
			o->dpd_wait_s, o->dpd_ka_sent, c->ref);
		return c->level == IK_LVL_MUST ? IK_V_FAIL : IK_V_WARN;
	}
	/* Nothing to judge: RFC 3706 5.4 mandates no query at any time. */
	if (o->dpd_listened && o->all_done && !o->dpd_queries) {
		snprintf(reason, rlen,
		         "inconclusive: no R-U-THERE from the DUT in %u s of silence (phase1.dpd "
		         "says it probes an idle peer): there is no query to judge",
		         o->dpd_wait_s);
		return IK_V_ERROR;
	}
	if (kept_judged(c, o, p, reason, rlen))
		return kept_broke(c, o, p) ? (c->level == IK_LVL_MUST ? IK_V_FAIL : IK_V_WARN)
		                           : IK_V_ERROR;
	char c1[100], c2[120];
	snprintf(reason, rlen, "Expected %s, but the DUT %s (%s).", clip(c1, sizeof(c1), expected),
	         clip(c2, sizeof(c2), observed), c->ref);
	return c->level == IK_LVL_MUST ? IK_V_FAIL : IK_V_WARN;
}

/* Whether the case's `req` line names requirement id req (a whole word). */
static bool cites(const struct ik_case *c, const char *req)
{
	size_t n = strlen(req);
	for (const char *h = strstr(c->req, req); h; h = strstr(h + 1, req))
		if ((h == c->req || h[-1] == ' ') && (h[n] == 0 || h[n] == ' '))
			return true;
	return false;
}

/* The SHOULD rows of engine/exchanges/should.def the case cites, after its expectation was met
 * (docs/verdicts.md 6): one the DUT broke in what it sent makes the PASS a WARN, a SHOULD broken
 * whatever the case's level; one never judged leaves nothing to judge it by (ERROR); the ones it
 * kept are said in the reason. */
static enum ik_verdict judge_should(const struct ik_case *c, const struct ik_observed *o,
                                    char *reason, size_t rlen)
{
	char kept[300] = "";
	for (unsigned i = 0; i < IK_SH__N; i++) {
		const char *req = ik_should_req(i);
		if (!cites(c, req))
			continue;
		if (o->sh_broke & IK_SH_BIT(i)) {
			snprintf(reason, rlen, "The DUT broke %s (%s): %s.", ik_should_rule(i), req,
			         o->sh_note[i]);
			return IK_V_WARN;
		}
		if (!(o->sh_seen & IK_SH_BIT(i))) {
			snprintf(reason, rlen,
			         "inconclusive: nothing the DUT sent came under %s (%s), which the "
			         "case cites",
			         req, ik_should_rule(i));
			return IK_V_ERROR;
		}
		size_t l = strlen(kept);
		snprintf(kept + l, sizeof(kept) - l, " As required (%s), %s.", req, o->sh_note[i]);
	}
	size_t l = strlen(reason);
	if (kept[0] && l + 2 < rlen)
		snprintf(reason + l, rlen - l, "%s", kept);
	return IK_V_PASS;
}

enum ik_verdict ik_judge(const struct ik_case *c, const struct ik_observed *o,
                         const struct ik_profile *p, char *reason, size_t rlen, char *expected,
                         size_t elen, char *observed, size_t olen)
{
	enum ik_verdict v = judge_expect(c, o, p, reason, rlen, expected, elen, observed, olen);
	return v == IK_V_PASS ? judge_should(c, o, reason, rlen) : v;
}
