/*
 * Liveness (docs/running-the-suite.md "Liveness", docs/verdicts.md section 7): after a case that
 * did not complete cleanly, fresh unmutated exchanges ask whether the DUT still answers. It is
 * declared dead only when several independent probes (each a new engine, port and cookies, each
 * giving its last transmission its full answer time) all fail; the case before them is blamed.
 * Then the run waits: a revival probe every few seconds, for up to --dead-wait seconds. If the
 * DUT answers again the run resumes (cases whose own probe met the dead DUT run again); if not,
 * the cases not yet decided are reported as not run.
 */
#include "runner_int.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define PROBES       3    /* independent probes before a DUT is called dead */
#define REVIVE_EVERY 5000 /* ms between revival probes of a dead DUT */

static const struct ik_case_step probe_main[] = {{.kind = IK_STEP_MAIN}, {.kind = IK_STEP_QUICK}};
static const struct ik_case_step probe_aggr[] = {{.kind = IK_STEP_AGGRESSIVE},
                                                 {.kind = IK_STEP_QUICK}};

/* Windows of the probes: generous, longer for the last one (a busy DUT is not a dead one). */
static unsigned probe_window(const struct ik_runner *R, unsigned try)
{
	static const unsigned times[PROBES] = {2, 2, 3};
	return R->o->silence_ms * times[try < PROBES ? try : PROBES - 1];
}

bool ik_probe_start(struct ik_runner *R, struct crun *cr, struct ik_pcapw *pcap, unsigned try,
                    struct ik_status *st)
{
	struct ik_runner *keepR = cr->R;
	const struct ik_case *c = cr->c;
	size_t idx = cr->idx;
	memset(cr, 0, offsetof(struct crun, pending));
	cr->R = keepR, cr->c = c, cr->idx = idx;
	cr->pcap = pcap; /* the probe's packets are evidence too */
	cr->probe_try = try;
	cr->window_ms = probe_window(R, try);
	cr->probe = true;
	bool main_ok = R->base->p1.modes & IK_MODE_MAIN;
	cr->steps = main_ok ? probe_main : probe_aggr;
	/* A DUT that does not answer is told to initiate, and we answer on the tester port. */
	cr->responder = ik_probe_by_dut(R);
	/* An XAUTH gateway answers when phase 1 completes: quick mode waits for its XAUTH, which a
	 * case may have shown broken (XA-EDGE-010), and a broken XAUTH is no dead DUT. So for a
	 * client: its quick mode waits for our XAUTH and mode-config, which it may refuse. */
	bool xa = R->base->features.xauth || (cr->responder && R->base->features.xauth_client);
	cr->nsteps = xa ? 1 : 2;
	return ik_crun_cfg(R, NULL, &cr->cfg, st) && ik_crun_start(cr, st);
}

/* A case whose probe met a DUT already declared dead runs again once the DUT answers. */
static bool requeue(struct ik_runner *R, size_t idx)
{
	size_t *q = realloc(R->requeue, (R->nrequeue + 1) * sizeof(*q));
	if (!q)
		return false;
	R->requeue = q;
	R->requeue[R->nrequeue++] = idx;
	return true;
}

void ik_alive_not_decided(const struct ik_runner *R, size_t idx, const char *before, char *why,
                          size_t n)
{
	char buf[320]; /* then cut to n: the case's own reason comes last */
	snprintf(buf, sizeof(buf), "not decided: the DUT %s (after %s)%s%s%.40s",
	         R->dut_took_part ? "had stopped answering"
	                          : "took part in no exchange of this run",
	         R->dead_since,
	         R->confirm[idx] && R->dut_took_part
	                 ? ", this case among them; it did not come back, so which one "
	                   "is not known (try --parallel 1)"
	                 : "",
	         before ? "; " : "", before ? before : "");
	size_t l = strlen(buf) < n ? strlen(buf) : n - 1;
	memcpy(why, buf, l);
	why[l] = '\0';
}

bool ik_alive_met_death(struct ik_runner *R, const struct crun *cr, struct ik_result *r)
{
	char why[sizeof(r->reason)];
	if (cr->epoch == R->deaths)
		return false;
	if (!R->dead_final && requeue(R, cr->idx))
		return true;
	ik_alive_not_decided(R, cr->idx, r->reason, why, sizeof(why));
	snprintf(r->reason, sizeof(r->reason), "%s", why);
	r->verdict = IK_V_ERROR;
	return false;
}

/* The other cases in flight (their case or its probe) when the DUT stopped answering: any of them
 * may have stopped it. Each is marked to run again alone; their ids go into ids. */
static size_t others_in_flight(struct ik_runner *R, const struct crun *cr, char *ids, size_t n)
{
	size_t k = 0, l = strlen(ids);
	for (const struct crun *x = R->running; x; x = x->next) {
		if (x == cr || !x->c || x->revival)
			continue;
		R->confirm[x->idx] = true;
		k++;
		l += (size_t)snprintf(ids + l, l < n ? n - l : 0, ", %s", x->c->id);
		if (l >= n)
			l = n - 1;
	}
	return k;
}

/* ids ("A, B, C") into dst of n bytes: whole ids only, then " and K more" for those that do not
 * fit, so a cut list never names half an id or hides that it was cut. */
static void ids_fit(char *dst, size_t n, const char *ids)
{
	size_t total = 1, kept = 0, l = 0;
	for (const char *p = ids; (p = strstr(p, ", ")); p += 2)
		total++;
	dst[0] = '\0';
	for (const char *p = ids; *p && kept < total;) {
		const char *e = strstr(p, ", ");
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (l + len + 2 + 24 >= n) /* room for ", id" and " and 9999 more" */
			break;
		l += (size_t)snprintf(dst + l, n - l, "%s%.*s", kept ? ", " : "", (int)len, p);
		kept++;
		p = e ? e + 2 : p + len;
	}
	if (kept < total)
		snprintf(dst + l, n - l, " and %zu more", total - kept);
}

/* The reason of the one case in flight when the probes failed: FAIL. Silence and a refusal of
 * every fresh exchange both leave the DUT unusable; the sentence says which one the probes met. */
static void blame(struct ik_runner *R, const struct crun *cr, struct ik_result *r)
{
	char why[256], met[24] = "";
	if (cr->probes_answered)
		snprintf(met, sizeof(met), ", %u refused", cr->probes_answered);
	snprintf(why, sizeof(why),
	         "The DUT %s after this case%s: %u fresh clean exchanges then failed%s "
	         "(last: %.40s). Before that: %.48s",
	         cr->probes_answered ? "stopped completing exchanges" : "stopped answering",
	         R->confirm[cr->idx] ? " (run again alone to tell)" : "", PROBES, met,
	         cr->o.why[0] ? cr->o.why : cr->o.step_fail, r->reason);
	snprintf(r->reason, sizeof(r->reason), "%s", why);
	r->verdict = IK_V_FAIL;
	snprintf(R->dead_since, sizeof(R->dead_since), "case %s", r->id);
}

/* Whether the DUT took part in an exchange of this run: of the cases done (R->dut_took_part) or
 * of one still in flight (its ladder is only scanned when it ends). */
static bool took_part(struct ik_runner *R)
{
	for (const struct crun *x = R->running; x && !R->dut_took_part; x = x->next)
		if (x->eng_up && x->sa && ik_ladder_dut_took_part(&x->sa->ladder))
			R->dut_took_part = true;
	return R->dut_took_part;
}

/* The DUT answers no probe: blame cr's case when it was the only one in flight (FAIL). With
 * others in flight, which one stopped the DUT is not known: every one of them runs again alone
 * once the DUT answers (a second death then has one culprit); false when cr is to be requeued. */
static bool declare_dead(struct ik_runner *R, struct crun *cr, struct ik_result *r)
{
	char ids[2048];
	snprintf(ids, sizeof(ids), "%s", r->id);
	size_t others = took_part(R) ? others_in_flight(R, cr, ids, sizeof(ids)) : 0;
	R->deaths++;
	R->dut_dead = true;
	R->dead_at_ms = ik_now_ms();
	R->revive_at_ms = R->dead_at_ms + REVIVE_EVERY;
	if (!R->dut_took_part) {
		/* Never shown to work in this run (not there, or the profile does not match it): no
		 * case stopped it, so none is blamed; each runs when it answers (requeued). */
		snprintf(R->dead_since, sizeof(R->dead_since), "case %s", r->id);
		if (!R->o->quiet)
			ik_run_note(
				R,
				"the DUT took part in no exchange so far (%u fresh clean exchanges "
				"failed, %u refused): is it up, does the profile match it? Waiting "
				"up to %u s for it",
				PROBES, cr->probes_answered, R->o->dead_wait_s);
		return false;
	}
	if (others) {
		R->confirm[cr->idx] = true;
		char some[64]; /* the reason quotes dead_since: keep it short, the note lists all */
		ids_fit(some, sizeof(some), ids);
		snprintf(R->dead_since, sizeof(R->dead_since), "one of the cases %s", some);
		if (!R->o->quiet)
			ik_run_note(R,
			            "the DUT stopped answering while cases %s were in flight; "
			            "waiting up to %u s for "
			            "it, then each runs again alone",
			            ids, R->o->dead_wait_s);
		return false;
	}
	blame(R, cr, r);
	if (!R->o->quiet)
		ik_run_note(R, "the DUT stopped answering after case %s; waiting up to %u s for it",
		            r->id, R->o->dead_wait_s);
	return true;
}

/* The case's probes are over: blame, requeue or record. True when the result was recorded (or
 * dropped for a rerun) and cr may be freed. */
static void probe_done(struct ik_runner *R, struct crun *cr)
{
	struct ik_result *r = cr->pending;
	if (cr->o.all_done && ik_alive_met_death(R, cr, r))
		return; /* the DUT is back, but the case met it dead: it runs again */
	bool inconclusive = cr->o.step_fail[0] != 0; /* e.g. the DUT deleted the probe's SA */
	bool stalled = cr->best_stalled && !cr->best_unsent; /* an ERROR that met silence */
	if (!cr->o.all_done && !inconclusive && (r->verdict != IK_V_ERROR || stalled)) {
		if (!R->dut_dead && declare_dead(R, cr, r)) {
			; /* blamed: FAIL */
		} else if (!R->dead_final && requeue(R, cr->idx)) {
			return; /* not judged against a dead DUT (or one of several in flight when it
			         * stopped): it runs again when the DUT is back */
		} else {
			char why[sizeof(r->reason)];
			ik_alive_not_decided(R, cr->idx, r->reason, why, sizeof(why));
			snprintf(r->reason, sizeof(r->reason), "%s", why);
			r->verdict = IK_V_ERROR;
		}
	}
	if (!cr->o.all_done) {
		size_t l = strlen(r->evidence);
		snprintf(r->evidence + l, sizeof(r->evidence) - l, "%sliveness probe: %s",
		         l ? "\n" : "", cr->o.why[0] ? cr->o.why : cr->o.step_fail);
	}
	r->duration_s = (double)(ik_now_ms() - R->t0_ms) / 1000.0 - r->started_s;
	ik_run_record(R, r);
}

static void revival_done(struct ik_runner *R, const struct crun *cr)
{
	R->reviving = false;
	if (cr->o.all_done) {
		R->dut_dead = false;
		if (!R->o->quiet)
			ik_run_note(R, "the DUT answers again after %.1f s; the run goes on",
			            (double)(ik_now_ms() - R->dead_at_ms) / 1000.0);
		return;
	}
	R->revive_at_ms = ik_now_ms() + REVIVE_EVERY;
}

bool ik_probe_reap(struct ik_runner *R, struct crun *cr)
{
	struct ik_status st;
	if (cr->sa && ik_ladder_dut_took_part(&cr->sa->ladder))
		R->dut_took_part = true;
	if (cr->sa) { /* a clean exchange: the best measure of the path */
		ik_loss_scan(&cr->sa->ladder, NULL, R->base, &R->loss_samples, &R->loss_events);
		ik_rtt_scan(R, &cr->sa->ladder);
	}
	if (!cr->revival && !cr->o.all_done && !cr->o.silence)
		cr->probes_answered++;
	R->loss_events += cr->eng.send_errors;
	if (cr->revival) {
		revival_done(R, cr);
		return true;
	}
	if (!cr->o.all_done && !cr->o.step_fail[0] && !R->dut_dead && cr->probe_try + 1 < PROBES) {
		struct ik_pcapw *pc = cr->pcap;
		cr->pcap = NULL;
		ik_crun_free(cr);
		ik_status_clear(&st);
		if (ik_probe_start(R, cr, pc, cr->probe_try + 1, &st))
			return false;
	}
	probe_done(R, cr);
	return true;
}

/* While the DUT is dead: a revival probe now and then; give up after --dead-wait. True when
 * cases may be started. */
bool ik_alive_schedule(struct ik_runner *R)
{
	struct ik_status st;
	uint64_t now = ik_now_ms();
	if (!R->dut_dead || R->dead_final)
		return true;
	if (R->reviving || now < R->revive_at_ms)
		return false;
	if (now - R->dead_at_ms >= (uint64_t)R->o->dead_wait_s * 1000) {
		R->dead_final = true;
		if (R->dut_took_part)
			snprintf(R->stopped, sizeof(R->stopped),
			         "the DUT stopped answering after %.120s and did not answer again "
			         "within %u s",
			         R->dead_since, R->o->dead_wait_s);
		else
			snprintf(R->stopped, sizeof(R->stopped),
			         "the DUT took part in no exchange of this run, %u s after %.100s: "
			         "is it up, does the profile match it?",
			         R->o->dead_wait_s, R->dead_since);
		if (!R->o->quiet)
			ik_run_note(R, "%s: the remaining cases are not run", R->stopped);
		return true;
	}
	struct crun *cr = calloc(1, sizeof(*cr));
	if (!cr)
		return false;
	cr->R = R;
	cr->revival = true;
	ik_status_clear(&st);
	/* A short window: the run only wants to know whether the DUT is back. */
	if (!ik_probe_start(R, cr, NULL, 0, &st)) {
		ik_crun_free(cr);
		free(cr);
		R->revive_at_ms = now + REVIVE_EVERY;
		return false;
	}
	cr->revival = true;
	R->reviving = true;
	cr->next = R->running;
	R->running = cr;
	R->nrunning++;
	return false;
}

/* A DUT whose profile does not claim the responder role (dut.roles = initiator: an XAUTH client,
 * peers/profiles/strongswan-xauth-client.conf) is not expected to answer our main mode; charon as
 * a client refuses it at MM5 (no config for XAuthInitPSK as responder). Asking it to initiate
 * (--dut-initiate) is then the fresh clean exchange that tells whether it is alive. */
bool ik_probe_by_dut(const struct ik_runner *R)
{
	return !(R->base->roles & IK_ROLE_RESPONDER) && R->o->dut_initiate;
}
