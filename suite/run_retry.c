/*
 * A lossy path must never read as the DUT's fault (docs/verdicts.md section 7). Loss only takes
 * datagrams away: it can turn an answer into silence, a RESPONDER-LIFETIME into nothing, a
 * mutated message the DUT would have answered into one it never saw. It never makes the DUT
 * say something. So:
 *
 *   - the runner watches for evidence of loss on the path (an unmutated request of ours answered
 *     only after a retransmission, the DUT resending a reply because our next message did not
 *     arrive, datagrams our own host refused to send);
 *   - on a lossy path, a case whose verdict rests on the DUT not doing something (silence, a
 *     missing notify, "ignored", "survives", any non-PASS) is run once more, and the attempt in
 *     which the DUT said the most is judged;
 *   - a case that stalled before its mutation was ever sent (an unmutated setup step went
 *     silent), or a positive case that went silent, is run again whatever the path, and stays
 *     inconclusive (ERROR, not FAIL) when it never gets past its setup.
 */
#include "claims.h"
#include "runner_int.h"

#include <string.h>

#define MAX_ATTEMPTS  3 /* a stalled setup or a silent positive case */
#define NOTE_ATTEMPTS 5 /* an announcement the case waits for (RESPONDER-LIFETIME) never came */
#define SILENT_SENDS  5 /* copies of our message unanswered before silence needs no second attempt */
#define WARM_SAMPLES  12 /* fewer clean round trips seen than this: the path is not known yet */

static bool mutated_note(const struct ik_rung *g)
{
	return !strncmp(g->note, "mutated", 7);
}

/* The rung before which a ladder says something about the path: our first mutated message, and
 * in a case that expects a refusal, the message it expects refused (all of it when it names
 * none and mutates nothing). A case whose `set` lines break the exchange (FRAG-003's 4-octet
 * fragments) mutates nothing, and a DUT that resends its reply to a message it refused is
 * refusing ours, not missing it: counted as loss, that made every later case on loopback run
 * again. c NULL (a liveness probe): the whole ladder. */
static size_t scan_end(const struct ik_ladder *l, const struct ik_case *c,
                       const struct ik_profile *p)
{
	size_t end = 0;
	/* a REPLY we held back on purpose (tester.cfg_unanswered) is a break like a mutation */
	while (end < l->n && !(l->rungs[end].sent && mutated_note(&l->rungs[end])) &&
	       strncmp(l->rungs[end].note, "held:", 5))
		end++;
	for (size_t i = 0; c && i < c->nexpect; i++) {
		const struct ik_expect *x = &c->expect[i];
		if (x->kind != IK_EXP_REJECTED || !ik_expect_applies(x, p))
			continue;
		if (!x->at_msg && !c->nmut)
			return 0;
		for (size_t k = 0; x->at_msg && k < end; k++)
			if (l->rungs[k].sent && l->rungs[k].xchg == x->at_x &&
			    l->rungs[k].msg == x->at_msg)
				end = k;
	}
	return end;
}

void ik_loss_scan(const struct ik_ladder *l, const struct ik_case *c, const struct ik_profile *p,
                  unsigned *samples, unsigned *events)
{
	/* Only the part of the exchange before we broke it (scan_end): after it, a DUT that resends
	 * or waits may be answering what we broke, not a lost datagram. Informational exchanges
	 * are not acknowledged, so they say nothing either way. */
	size_t end = scan_end(l, c, p);
	for (size_t i = 0; i < end; i++) {
		const struct ik_rung *g = &l->rungs[i];
		if (g->xchg == IK_X_INFO)
			continue;
		if (!g->sent) {
			/* The DUT resent a reply: our next message did not reach it. */
			if (g->retransmit && i > 0)
				(*events)++;
			continue;
		}
		if (g->retransmit)
			continue;
		/* A clean first transmission: answered at once, or only after a retransmission? */
		size_t rtx = 0, j = i + 1;
		for (; j < end && l->rungs[j].sent; j++)
			if (l->rungs[j].retransmit && l->rungs[j].xchg == g->xchg &&
			    l->rungs[j].msg == g->msg)
				rtx++;
		if (j == end)
			continue; /* never answered (here): the case decides what that means */
		(*samples)++;
		if (rtx)
			(*events)++;
	}
}

/* An expect line of kind k that applies to the profile's policies (claims.c). */
static bool expects(const struct crun *cr, enum ik_expect_kind k)
{
	const struct ik_case *c = cr->c;
	for (size_t i = 0; i < c->nexpect; i++)
		if (c->expect[i].kind == k && ik_expect_applies(&c->expect[i], cr->R->base))
			return true;
	return false;
}

/* The case waits for pings coming back (loss can take them away). */
static bool expects_traffic(const struct crun *cr)
{
	return expects(cr, IK_EXP_TRAFFIC) || expects(cr, IK_EXP_DISCARDS) ||
	       expects(cr, IK_EXP_ACCEPTS) || expects(cr, IK_EXP_STOPS);
}

/* The step after which the case tests the effect of an unacknowledged message of ours (a
 * Delete, INITIAL-CONTACT: informational exchanges get no answer, RFC 2408 4.8), or 0. */
static unsigned unacked_step(const struct ik_case *c)
{
	for (size_t i = 0; i < c->nsteps; i++)
		if (c->steps[i].kind == IK_STEP_DELETE ||
		    c->steps[i].kind == IK_STEP_INITIAL_CONTACT)
			return (unsigned)i + 1;
	return 0;
}

/* What an attempt showed of the DUT; the attempt that ranks highest is judged. Loss takes
 * datagrams away, so further progress and more said by the DUT rank higher, and the DUT doing
 * something wrong (a restart; for an `ignored` case an answer to the mutated message, whose
 * copy another attempt may simply have lost) outranks all. One exception: where the case tests
 * the effect of an unacknowledged message of ours, losing that message takes the effect away
 * and leaves the DUT doing more: there, among the attempts that got that far, the one in which
 * the DUT did least after it ranks highest. */
int ik_obs_info(const struct crun *cr)
{
	const struct ik_observed *o = &cr->o;
	bool ignoring = expects(cr, IK_EXP_IGNORED);
	int stage = o->all_done ? 90 : o->at_x == IK_X_QUICK ? 40 + o->at_msg : o->at_msg * 5;
	int said = (int)(o->nnotify > 9 ? 9 : o->nnotify) + (o->dut_deleted ? 1 : 0) +
	           (o->p1_adjusted || o->p2_adjusted ? 2 : 0) + (o->pongs ? 2 : 0) +
	           (o->pongs_after ? 2 : 0) + (o->probe_replies ? 2 : 0);
	/* a probe answered where the case wants it discarded: the DUT's doing */
	bool took_probe = o->probe_replies && expects(cr, IK_EXP_DISCARDS);
	int wrong = (o->restarted ? 1000 : 0) + (ignoring && o->answered_mutated ? 2000 : 0) +
	            (o->accepted_mutated ? 2000 : 0) + (took_probe ? 2000 : 0);
	/* Our Delete is not acknowledged (RFC 2408 4.8): the attempt in which it arrived, the one
	 * with least traffic after it, shows what the DUT does with it. */
	if (expects(cr, IK_EXP_STOPS))
		return o->all_done && o->pongs_before ? 1000 - (int)o->pongs_after * 10 : stage;
	unsigned u = unacked_step(cr->c);
	if (u)
		return o->steps_done < u ? -10000 + (int)o->steps_done
		                         : 5000 - (int)o->steps_done * 10;
	/* Datagrams our host refused only break a tie: an attempt that lost some but still heard
	 * the DUT say more (a RESPONDER-LIFETIME) shows more of it. */
	return (wrong + stage * 10 + said + (o->answered_mutated ? 1 : 0)) * 2 -
	       (o->send_errors ? 1 : 0);
}

static bool any_applied(const struct crun *cr)
{
	for (size_t i = 0; i < cr->nmut; i++)
		if (cr->mut[i].applied)
			return true;
	return false;
}

bool ik_obs_stalled(const struct crun *cr)
{
	return cr->o.silence && cr->nmut && !any_applied(cr);
}

/* Silence is one of the answers the case accepts (a refusal "or silence", "survives"). */
bool ik_silence_accepted(const struct ik_case *c)
{
	for (size_t i = 0; i < c->nexpect; i++) {
		const struct ik_expect *x = &c->expect[i];
		if (x->kind == IK_EXP_SURVIVES || x->kind == IK_EXP_ALIVE ||
		    (x->kind == IK_EXP_REJECTED && (x->silence || !x->nnotify)))
			return true;
	}
	return false;
}

/* How many attempts a verdict needs on a lossy path before it is believed (1: it stands):
 *   - a FAIL or WARN on something the DUT did (it took a broken message, completed where it
 *     should have refused, restarted, broke a MUST in what it sent) stands: loss cannot invent
 *     it, unless the case tests the effect of our own unacknowledged Delete;
 *   - any other FAIL or WARN (silence, a notify or a lowered lifetime that never came) is a
 *     claim against the DUT that loss can fake: three attempts;
 *   - an `ignored` PASS: the one mutated copy may simply have been lost: three attempts;
 *   - a PASS by silence (or a Delete) after fewer than SILENT_SENDS copies of our message left
 *     our host: two attempts (after that many, silence is the DUT's: 0.19^6 at 10% loss);
 *   - a PASS on something the DUT said or did: loss cannot invent it.
 */
static unsigned attempts_needed(const struct crun *cr, enum ik_verdict v)
{
	const struct ik_observed *o = &cr->o;
	/* Completing every step is something the DUT did, unless the case waits for more than
	 * completion that loss can take away: an announcement, pings coming back, or a
	 * NAT-keepalive (one missed, ka_late, may have been lost on the path: RFC 3948 4). */
	bool did = o->fault[0] || o->accepted_mutated || o->restarted ||
	           (o->probe_replies && expects(cr, IK_EXP_DISCARDS)) ||
	           (o->all_done && !expects(cr, IK_EXP_ADJUSTED) && !expects_traffic(cr) &&
	            !o->ka_late[0]);
	if (v != IK_V_PASS) {
		if (o->all_done && expects(cr, IK_EXP_ADJUSTED) && !did)
			return NOTE_ATTEMPTS; /* one unanswered informational, no retransmission */
		return did && !unacked_step(cr->c) ? 1 : MAX_ATTEMPTS;
	}
	/* the probes (or their answers) may all have been lost, as the one mutated copy */
	if (expects(cr, IK_EXP_IGNORED) || expects(cr, IK_EXP_DISCARDS))
		return MAX_ATTEMPTS;
	if ((o->silence || o->dut_deleted) && o->last_sends < SILENT_SENDS)
		return 2;
	return 1;
}

bool ik_path_lossy(struct ik_runner *R)
{
	unsigned samples = R->loss_samples, events = R->loss_events;
	/* Cases still in flight count too: they have been talking to the DUT all along. */
	for (const struct crun *cr = R->running; cr; cr = cr->next)
		if (cr->eng_up && cr->sa)
			ik_loss_scan(&cr->sa->ladder, cr->probe ? NULL : cr->c, R->base, &samples,
			             &events);
	return events > 0 || samples < WARM_SAMPLES;
}

bool ik_ladder_dut_took_part(const struct ik_ladder *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (!l->rungs[i].sent && l->rungs[i].xchg != IK_X_INFO && l->rungs[i].msg > 0)
			return true;
	return false;
}

void ik_loss_note(struct ik_runner *R, const struct crun *cr)
{
	if (cr->sa && ik_ladder_dut_took_part(&cr->sa->ladder))
		R->dut_took_part = true;
	if (cr->sa)
		ik_loss_scan(&cr->sa->ladder, cr->c, R->base, &R->loss_samples, &R->loss_events);
	if (cr->sa)
		ik_rtt_scan(R, &cr->sa->ladder);
	R->loss_events += cr->eng.send_errors;
}

bool ik_want_rerun(struct ik_runner *R, const struct crun *cr, enum ik_verdict v)
{
	const struct ik_observed *o = &cr->o;
	unsigned tries = cr->attempt + 1;

	if (R->dut_dead || v == IK_V_SKIP || (o->step_fail[0] && !o->send_errors))
		return false; /* a dead DUT, nothing to judge, or a harness fault an attempt repeats */
	/* Silence that would fail the case, or a setup that never reached the tested message: run
	 * again whatever the path (rare against a DUT that answers). */
	if (ik_obs_stalled(cr) || (o->silence && !ik_silence_accepted(cr->c)))
		return tries < MAX_ATTEMPTS;
	if (o->send_errors && v != IK_V_PASS)
		return tries < MAX_ATTEMPTS;
	/* A FAIL or WARN on the effect of our own unacknowledged message (a Delete, INITIAL-CONTACT):
	 * its loss leaves no trace on any path, lossy-looking yet or not, so it is confirmed. */
	if (unacked_step(cr->c) && v != IK_V_PASS && v != IK_V_ERROR)
		return tries < MAX_ATTEMPTS;
	return tries < attempts_needed(cr, v) && ik_path_lossy(R);
}
