/*
 * The runner's schedule: up to --parallel cases in flight on one event loop; after a case that
 * did not complete, a fresh clean exchange (the liveness probe) in the same slot; each verdict
 * appended to OUT/results.jsonl as soon as it is known (reports/result.h), so Ctrl-C or a crash
 * loses nothing already decided.
 */
#include "report.h"
#include "runner_int.h"
#include "claims.h"
#include "udp_tap.h"
#include "util.h"

#include <openssl/crypto.h>
#include <stddef.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t interrupted;
static struct ik_loop *sig_loop;

static void on_signal(int sig)
{
	interrupted = sig;
	if (sig_loop)
		sig_loop->stop = 1;
}

static void iso_now(char *buf, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Copy with truncation (a reason longer than its field is cut, never overflows). */
static void put(char *d, size_t n, const char *s)
{
	size_t l = strlen(s);
	if (l >= n)
		l = n - 1;
	memcpy(d, s, l);
	d[l] = 0;
}

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

/* ---- records ---- */

static void result_head(struct ik_runner *R, const struct ik_case *c, struct ik_result *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%s", c->id);
	snprintf(r->title, sizeof(r->title), "%s", c->title);
	snprintf(r->area, sizeof(r->area), "%s", c->area);
	snprintf(r->ref, sizeof(r->ref), "%s", c->ref);
	snprintf(r->binds, sizeof(r->binds), "%s: %s", ik_binds_name(c->binds_who), c->binds);
	snprintf(r->req, sizeof(r->req), "%s", c->req);
	snprintf(r->level, sizeof(r->level), "%s", ik_level_name(c->level));
	r->started_s = (double)(ik_now_ms() - R->t0_ms) / 1000.0;
}

void ik_run_record(struct ik_runner *R, struct ik_result *r)
{
	R->counts[r->verdict]++;
	R->decided++;
	if (r->verdict == IK_V_FAIL || r->verdict == IK_V_ERROR)
		R->failed_required = true;
	if (!ik_result_write_case(R->results, r))
		fprintf(stderr, "ikecheck run: cannot append to results.jsonl: %s\n",
		        strerror(errno));
	if (!R->o->quiet)
		ik_report_progress(stdout, R->tty, R->decided, R->cs.n, r);
}

void ik_run_note(struct ik_runner *R, const char *fmt, ...)
{
	va_list ap;
	if (R->tty)
		fputs("\r\033[K", stdout);
	fputs("ikecheck run: ", stdout);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

static void record_now(struct ik_runner *R, const struct ik_case *c, enum ik_verdict v,
                       const char *reason)
{
	struct ik_result *r = calloc(1, sizeof(*r));
	if (!r)
		return;
	result_head(R, c, r);
	r->verdict = v;
	snprintf(r->reason, sizeof(r->reason), "%s", reason);
	ik_run_record(R, r);
	free(r);
}

/* ---- one slot ---- */

/* One name per IK_NEED_* bit, in bit order (suite/case.h). */
/* clang-format off */
static const char *need_names[] = {"aggressive",   "nat_t",        "dpd",           "pfs",
                                   "xauth",        "modecfg",      "transport",     "nopfs",
                                   "traffic",      "anti_replay",  "fragmentation", "rsa_sig",
                                   "psk",          "crl",          "rsa_enc",       "rsa_enc_rev",
                                   "dpd_delay",    "xauth_client", "keepalive",     "modecfg_push",
                                   "modecfg_pull", "peer_cert",    "no_anti_replay", "tunnel",
                                   "dss_sig", "xauth_reauth"};
/* clang-format on */

/* SKIP when the profile says the DUT lacks what the case needs. */
static bool lacks(const struct ik_runner *R, const struct ik_case *c, char *why, size_t n)
{
	const struct ik_profile *p = R->base;
	bool have[] = {p->features.aggressive,
	               p->features.nat_t,
	               p->features.dpd,
	               p->p2.pfs_group != 0,
	               p->features.xauth,
	               p->features.modecfg,
	               p->p2.mode == IK_IPSEC_TRANSPORT,
	               true, /* nopfs: suite/claims.c decides */
	               p->features.traffic,
	               p->features.anti_replay,
	               p->dut.fragmentation != 0,
	               p->auth == IK_PROFILE_AUTH_RSA_SIG,
	               p->auth == IK_PROFILE_AUTH_PSK,
	               p->auth == IK_PROFILE_AUTH_RSA_SIG && p->pki.crl[0],
	               p->auth == IK_AUTH_RSA_ENC,
	               p->auth == IK_AUTH_RSA_ENC_REV,
	               p->features.dpd && p->p1.dpd_delay > 0,
	               p->features.xauth_client,
	               p->features.nat_t && p->natt.keepalive_set && p->natt.keepalive > 0,
	               p->features.modecfg && p->modecfg.push,
	               p->features.modecfg && !p->modecfg.push,
	               p->auth == IK_PROFILE_AUTH_RSA_SIG && p->dut.peer_cert[0],
	               p->features.anti_replay_set && !p->features.anti_replay,
	               p->p2.mode != IK_IPSEC_TRANSPORT,
	               p->auth == IK_PROFILE_AUTH_DSS_SIG,
	               p->features.xauth && p->xauth.reauth > 0};
	for (size_t i = 0; i < IK_ARRAY_SIZE(have); i++)
		if ((c->needs & (1u << i)) && !have[i]) {
			snprintf(why, n, "the profile says the DUT lacks %s%s", need_names[i],
			         (1u << i) == IK_NEED_PEER_CERT
			                 ? " (no dut.peer_cert: it holds no certificate of the "
			                   "tester "
			                   "to check a SIG that comes without CERT)"
			                 : "");
			return true;
		}
	/* dut.roles: a DUT that only initiates (an XAUTH client) is not judged as a responder. */
	unsigned role = c->dut_role == IK_INITIATOR ? IK_ROLE_INITIATOR : IK_ROLE_RESPONDER;
	if (!(p->roles & role)) {
		snprintf(why, n, "the profile says the DUT does not play %s (dut.roles)",
		         role == IK_ROLE_INITIATOR ? "initiator" : "responder");
		return true;
	}
	if (ik_traffic_cannot(c, why, n))
		return true;
	if (ik_udp_tap_cannot(c, why, n))
		return true;
	if (ik_case_unclaimed(c, p, why, n)) /* docs/verdicts.md 4: only what the profile claims */
		return true;
	if (c->dut_role == IK_INITIATOR && !R->o->dut_initiate) {
		snprintf(why, n,
		         "the DUT must initiate this case: give the command that makes it "
		         "initiate with --dut-initiate CMD");
		return true;
	}
	return false;
}

/* The case's own steps and a clean copy of its mutations (counters at zero): every attempt
 * starts from the case as written. */
static void case_init(struct crun *cr)
{
	const struct ik_case *c = cr->c;
	cr->responder = c->dut_role == IK_INITIATOR;
	cr->steps = c->steps;
	cr->nsteps = c->nsteps;
	cr->nmut = c->nmut;
	memcpy(cr->mut, c->mut, sizeof(cr->mut));
	if (c->nalike && cr->nmut < IK_MAX_MUTATIONS && cr->variant < c->nalike &&
	    !c->alike_key[cr->variant][0])
		cr->mut[cr->nmut++] = c->alike[cr->variant];
	for (size_t i = 0; i < cr->nmut; i++)
		cr->mut[i].seen = cr->mut[i].applied = 0;
}

static struct crun *start_case(struct ik_runner *R, size_t idx)
{
	const struct ik_case *c = &R->cs.c[idx];
	struct ik_status st;
	char why[300], path[512];

	ik_status_clear(&st);
	if (lacks(R, c, why, sizeof(why))) {
		record_now(R, c, IK_V_SKIP, why);
		return NULL;
	}
	if (R->dead_final) {
		if (R->confirm[idx])
			ik_alive_not_decided(R, idx, NULL, why, sizeof(why));
		else
			snprintf(why, sizeof(why), "not run: %s", R->stopped);
		record_now(R, c, IK_V_ERROR, why);
		return NULL;
	}
	struct crun *cr = calloc(1, sizeof(*cr));
	if (!cr)
		return NULL;
	cr->R = R;
	cr->c = c;
	cr->idx = idx;
	cr->epoch = R->deaths;
	case_init(cr);
	snprintf(path, sizeof(path), "%s/pcap/%s.pcap", R->o->out, c->id);
	cr->pcap = ik_pcapw_open(path, &st);
	if (!cr->pcap || !ik_crun_cfg_variant(R, c, 0, &cr->cfg, &st) || !ik_crun_start(cr, &st)) {
		snprintf(why, sizeof(why), "harness: %.150s", st.why);
		record_now(R, c, IK_V_ERROR, why);
		ik_crun_free(cr);
		free(cr);
		return NULL;
	}
	return cr;
}

/* Another attempt of the same case (run_retry.c): a fresh engine, ports and cookies; the pcap
 * goes on, so every attempt is in the evidence. */
static bool restart_case(struct ik_runner *R, struct crun *cr, struct ik_status *st)
{
	struct ik_pcapw *pcap = cr->pcap;
	const struct ik_case *c = cr->c;
	size_t idx = cr->idx;
	cr->pcap = NULL;
	ik_crun_free(cr);
	memset(cr, 0, offsetof(struct crun, pending));
	cr->R = R, cr->c = c, cr->idx = idx;
	cr->pcap = pcap;
	case_init(cr);
	return ik_crun_cfg_variant(R, c, cr->variant, &cr->cfg, st) && ik_crun_start(cr, st);
}

/* Whether the DUT answered a mutated message itself: after a rung we sent with a mutation, the
 * next rung is the DUT's (and not its retransmission of an earlier message) before we sent
 * anything again. An `ignored` expectation needs it not to. */
static bool answered_mutated(const struct ik_ladder *l)
{
	for (size_t i = 0; i + 1 < l->n; i++) {
		const struct ik_rung *r = &l->rungs[i], *nx = &l->rungs[i + 1];
		if (r->sent && !strncmp(r->note, "mutated", 7) && !nx->sent && !nx->retransmit)
			return true;
	}
	return false;
}

/* The DUT built an SA from a message we broke (docs/verdicts.md 5): it answered a mutated
 * transmission with the next message of that exchange (MM2 to a mutated MM1, QM2 to a mutated
 * QM1) before any clean copy of it went out. */
/* Only the octets of a message can be broken: a copy sent again (duplicate, replay, delay) or a
 * dropped one is not a broken message. */
static bool breaks_msg(const struct crun *cr, enum ik_xchg x, int msg)
{
	for (size_t i = 0; i < cr->nmut; i++) {
		const struct ik_mutation *m = &cr->mut[i];
		if (m->xchg == x && m->msg == msg && m->applied && m->place != IK_MP_SEND &&
		    m->place != IK_MP_RECV)
			return true;
	}
	return false;
}

static bool accepted_mutated(const struct crun *cr, const struct ik_ladder *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct ik_rung *r = &l->rungs[i];
		if (!r->sent || strncmp(r->note, "mutated", 7) || r->xchg == IK_X_INFO ||
		    !breaks_msg(cr, r->xchg, r->msg))
			continue;
		for (size_t k = i + 1; k < l->n; k++) {
			const struct ik_rung *a = &l->rungs[k];
			if (a->sent && a->xchg == r->xchg && a->msg == r->msg &&
			    strncmp(a->note, "mutated", 7))
				break; /* a clean copy: what follows answers it */
			if (!a->sent && a->xchg == r->xchg && a->msg == r->msg + 1 && !a->notify)
				return true;
		}
	}
	return false;
}

/* A mutation whose message went out (or came in) but which never applied names a place that
 * message does not have: the case did not test what it says, so it is the harness's ERROR. */
static void check_mutations(struct crun *cr)
{
	for (size_t i = 0; i < cr->nmut && cr->sa && !cr->o.step_fail[0]; i++) {
		const struct ik_mutation *m = &cr->mut[i];
		const struct ik_ladder *l = &cr->sa->ladder;
		bool reached = false;
		for (size_t k = 0; k < l->n; k++)
			if (l->rungs[k].xchg == m->xchg && l->rungs[k].msg == m->msg &&
			    l->rungs[k].sent == (m->place != IK_MP_RECV))
				reached = true;
		char why[256];
		snprintf(why, sizeof(why),
		         "mutation '%.100s' never applied although its message was exchanged",
		         m->text);
		if (!m->applied && m->noop) {
			snprintf(why, sizeof(why),
			         "the mutation '%.100s' changes no octet of the message "
			         "as sent here: nothing was broken, so nothing is judged",
			         m->text);
			put(cr->noop, sizeof(cr->noop), why);
			continue;
		}
		if (!m->applied && reached)
			put(cr->o.step_fail, sizeof(cr->o.step_fail), why);
	}
}

/* How often our last message went out (its retransmissions included, local refusals not). */
static unsigned sends_of_last(const struct ik_ladder *l)
{
	const struct ik_rung *last = NULL;
	unsigned n = 0;
	for (size_t i = l->n; i-- > 0 && !last;)
		if (l->rungs[i].sent)
			last = &l->rungs[i];
	for (size_t i = 0; last && i < l->n; i++) {
		const struct ik_rung *g = &l->rungs[i];
		n += g->sent && g->xchg == last->xchg && g->msg == last->msg &&
		     !strstr(g->note, IK_NOT_SENT);
	}
	return n;
}

/* One attempt of a case finished: judge it. */
static struct ik_result *judge_case(struct ik_runner *R, struct crun *cr)
{
	struct ik_result *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	result_head(R, cr->c, r);
	r->started_s = (double)(cr->t0_ms - R->t0_ms) / 1000.0;
	r->duration_s = (double)(ik_now_ms() - cr->t0_ms) / 1000.0;
	check_mutations(cr);
	if (cr->sa) {
		cr->o.answered_mutated = answered_mutated(&cr->sa->ladder);
		cr->o.accepted_mutated = accepted_mutated(cr, &cr->sa->ladder);
	}
	/* An answer tied to a broken datagram by its octets took it, whatever the ladder shows. */
	if (cr->wire_answer[0]) {
		snprintf(cr->o.wire_answer, sizeof(cr->o.wire_answer), "%s", cr->wire_answer);
		cr->o.accepted_mutated = cr->o.answered_mutated = true;
	}
	if (cr->sa)
		cr->o.last_sends = sends_of_last(&cr->sa->ladder);
	cr->o.answer_ms = cr->sa ? ik_answer_ms(&cr->sa->ladder) : -1;
	if (cr->sa) {
		/* the engine's, else what the data path saw (run_traffic.c: ESP sequence numbers) */
		if (cr->sa->fault[0])
			snprintf(cr->o.fault, sizeof(cr->o.fault), "%s", cr->sa->fault);
		snprintf(cr->o.chose_broken, sizeof(cr->o.chose_broken), "%s",
		         cr->sa->chose_broken);
		cr->o.sh_seen = cr->sa->sh.seen, cr->o.sh_broke = cr->sa->sh.broke;
		if (cr->sa->sh.note)
			memcpy(cr->o.sh_note, cr->sa->sh.note, sizeof(cr->o.sh_note));
		cr->o.xc_seen = cr->sa->xa.chk_seen, cr->o.xc_broke = cr->sa->xa.chk_broke;
		if (cr->sa->xa.chk_note)
			memcpy(cr->o.xc_note, cr->sa->xa.chk_note, sizeof(cr->o.xc_note));
	}
	cr->o.send_errors = cr->eng.send_errors;
	snprintf(cr->o.send_error, sizeof(cr->o.send_error), "%s", cr->eng.send_error);
	r->verdict = ik_judge(cr->c, &cr->o, R->base, r->reason, sizeof(r->reason), r->expected,
	                      sizeof(r->expected), r->observed, sizeof(r->observed));
	if (cr->noop[0] && r->verdict != IK_V_ERROR) {
		r->verdict = IK_V_SKIP;
		snprintf(r->reason, sizeof(r->reason), "%s", cr->noop);
	}
	ik_crun_evidence(cr, r);
	snprintf(r->pcap, sizeof(r->pcap), "pcap/%s.pcap", cr->c->id);
	return r;
}

/* The message the case stopped on (our last one) never left our host: every transmission of it
 * was refused locally (a firewall answering EPERM), so the DUT cannot be judged on it. */
static bool never_left(const struct ik_ladder *l)
{
	const struct ik_rung *last = NULL;
	for (size_t i = l->n; i-- > 0 && !last;)
		if (l->rungs[i].sent && l->rungs[i].xchg != IK_X_INFO)
			last = &l->rungs[i];
	if (!last)
		return false;
	for (size_t i = 0; i < l->n; i++) {
		const struct ik_rung *g = &l->rungs[i];
		if (g->sent && g->xchg == last->xchg && g->msg == last->msg &&
		    !strstr(g->note, IK_NOT_SENT))
			return false;
	}
	return true;
}

/* Keep the attempt that showed most of the DUT (run_retry.c); note every attempt. */
static void keep_attempt(struct crun *cr, struct ik_result *r)
{
	int info = ik_obs_info(cr);
	size_t l = strlen(cr->attempts);
	snprintf(cr->attempts + l, sizeof(cr->attempts) - l, "%sattempt %u: %.110s", l ? "\n" : "",
	         cr->attempt + 1, r->observed);
	if (cr->best && info <= cr->best_info) {
		free(r);
		return;
	}
	free(cr->best);
	cr->best = r;
	cr->best_o = cr->o;
	cr->best_info = info;
	cr->best_stalled = ik_obs_stalled(cr);
	cr->best_unsent =
		cr->o.silence && cr->o.send_errors && cr->sa && never_left(&cr->sa->ladder);
}

/* The verdict of the attempts together: a case that never got past its unmutated setup, or
 * whose datagrams our own host refused, is inconclusive (ERROR), not the DUT's failure. */
static void final_attempt(struct crun *cr, struct ik_result *r)
{
	const struct ik_observed *o = &cr->best_o;
	char why[sizeof(r->reason)];
	if (cr->attempt) {
		size_t l = strlen(r->evidence);
		snprintf(r->evidence + l, sizeof(r->evidence) - l,
		         "%sthe case ran %u times (loss on "
		         "the path, or a stalled setup); judged: the attempt that showed most of "
		         "the "
		         "DUT\n%s",
		         l ? "\n" : "", cr->attempt + 1, cr->attempts);
	}
	if (r->verdict == IK_V_ERROR)
		return;
	if (cr->best_unsent) {
		snprintf(why, sizeof(why),
		         "harness: our host refused %u datagram%s of this case (%.90s): "
		         "a local firewall or route, not the DUT",
		         o->send_errors, o->send_errors == 1 ? "" : "s", o->send_error);
	} else if (cr->best_stalled) {
		snprintf(why, sizeof(why),
		         "harness: the case never reached the message it tests: the "
		         "DUT did not answer the unmutated %s in %u attempt%s (loss on the path, "
		         "or a "
		         "DUT that refuses this setup: check the profile)",
		         o->at_msg ? ik_msg_name(o->at_x, o->at_msg) : "first message",
		         cr->attempt + 1, cr->attempt ? "s" : "");
	} else {
		return;
	}
	snprintf(r->reason, sizeof(r->reason), "%s", why);
	r->verdict = IK_V_ERROR;
}

/* A case runs alone when its kind needs it, or to tell whether it stopped the DUT (run_alive.c). */
static bool runs_alone(const struct ik_runner *R, size_t idx)
{
	return R->confirm[idx] || ik_case_runs_alone(&R->cs.c[idx], R->o, R->base);
}

/* How the DUT answered a variant: where it stopped, and with which notify or none. */
static void answer_of(const struct ik_observed *o, char *buf, size_t n)
{
	const char *at = o->at_msg ? ik_msg_name(o->at_x, o->at_msg) : "nothing";

	if (o->all_done)
		snprintf(buf, n, "completed every step");
	else if (o->nnotify)
		snprintf(buf, n, "notify %s after %s", ik_name(IK_T_NOTIFY, o->notify[0]), at);
	else
		snprintf(buf, n, "%s after %s", o->silence ? "silence" : "stop without a notify",
		         at);
}

static const char *first_other(const struct crun *cr)
{
	for (unsigned i = 1; i < cr->c->nalike && i <= cr->run; i++)
		if (strcmp(cr->alike_seen[i], cr->alike_seen[0]))
			return cr->alike_seen[i];
	return "";
}

/* A case with `timing N` (case.h): the variants' answer times compared (run_timing.h); one
 * told apart fails the case as a different answer does, the medians go to the evidence. */
static void alike_timing(struct crun *cr, struct ik_result *r)
{
	const struct ik_case *c = cr->c;
	const char *texts[IK_CASE_MAX_ALIKE];
	char ev[600], why[sizeof(r->reason)];

	for (size_t i = 0; i < c->nalike; i++)
		texts[i] = c->alike[i].text;
	enum ik_timing_verdict tv =
		ik_timing_judge(&cr->timing, c->nalike, texts, ev, sizeof(ev), why, sizeof(why));
	size_t l = strlen(r->evidence);
	snprintf(r->evidence + l, sizeof(r->evidence) - l,
	         "%stiming, %u runs per variant, interleaved (%u answered otherwise than the "
	         "variant's first run): %s",
	         l ? "\n" : "", c->timing, cr->odd_answers, ev);
	if (tv == IK_TIMING_APART && r->verdict == IK_V_PASS) {
		r->verdict = c->level == IK_LVL_MUST ? IK_V_FAIL : IK_V_WARN; /* docs/verdicts.md */
		snprintf(r->reason, sizeof(r->reason), "%s", why);
	} else if (r->verdict == IK_V_PASS) {
		l = strlen(r->reason);
		if (l < 200)
			snprintf(r->reason + l, sizeof(r->reason) - l, "; answer times %s",
			         tv == IK_TIMING_ALIKE ? "alike within the bound (evidence)"
			                               : "not compared (too few answers)");
	}
}

/* A case with alike variants (case.h): note how the DUT answered this one and start the next
 * (NULL: it runs), or, after the last, the verdict of them all: the first variant that failed
 * its expect line, else a FAIL when the answers differ (docs/writing-cases.md "alike"). */
static struct ik_result *alike_next(struct ik_runner *R, struct crun *cr, struct ik_result *r)
{
	const struct ik_case *c = cr->c;
	struct ik_status st;
	char list[700] = "", seen[sizeof(cr->alike_seen[0])];
	unsigned runs = (unsigned)c->nalike * (c->timing ? c->timing : 1);

	/* each variant's first run says how it is answered; with `timing` the later runs of a
	 * variant answered the same way give its answer times (run_timing.h) */
	answer_of(&cr->best_o, seen, sizeof(seen));
	if (cr->run < c->nalike)
		memcpy(cr->alike_seen[cr->variant], seen, sizeof(seen));
	if (strcmp(seen, cr->alike_seen[cr->variant]))
		cr->odd_answers++;
	else if (c->timing)
		ik_timing_add(&cr->timing, cr->variant, cr->best_o.answer_ms);
	if (r->verdict != IK_V_PASS && !cr->alike_bad) {
		char why[sizeof(r->reason)];
		snprintf(why, sizeof(why), "variant %u: %.200s", cr->variant + 1, r->reason);
		snprintf(r->reason, sizeof(r->reason), "%s", why);
		cr->alike_bad = r;
	}
	if (cr->run + 1 < runs && !R->dut_dead) {
		if (r != cr->alike_bad)
			free(r);
		cr->run++;
		cr->variant = cr->run % (unsigned)c->nalike;
		cr->attempt = 0;
		cr->attempts[0] = '\0';
		cr->best_info = 0;
		ik_status_clear(&st);
		if (restart_case(R, cr, &st))
			return NULL;
		r = calloc(1, sizeof(*r));
		if (!r)
			return cr->alike_bad;
		result_head(R, c, r);
		r->verdict = IK_V_ERROR;
		snprintf(r->reason, sizeof(r->reason),
		         "harness: variant %u could not start: %.150s", cr->variant + 1, st.why);
		return r;
	}
	bool same = true;
	for (unsigned i = 0; i < c->nalike && i <= cr->run; i++) {
		size_t l = strlen(list);
		snprintf(list + l, sizeof(list) - l, "%s%u (%.50s): %.100s", i ? "; " : "", i + 1,
		         c->alike[i].text, cr->alike_seen[i]);
		same = same && !strcmp(cr->alike_seen[i], cr->alike_seen[0]);
	}
	if (cr->alike_bad && cr->alike_bad != r)
		free(r);
	r = cr->alike_bad ? cr->alike_bad : r;
	cr->alike_bad = NULL;
	if (r->verdict == IK_V_PASS && !same) {
		r->verdict = c->level == IK_LVL_MUST ? IK_V_FAIL : IK_V_WARN; /* docs/verdicts.md */
		snprintf(r->reason, sizeof(r->reason),
		         "the variants were answered differently (their list is in the evidence): "
		         "%.80s, but %.80s",
		         cr->alike_seen[0], first_other(cr));
	} else if (r->verdict == IK_V_PASS) {
		size_t l = strlen(r->reason);
		if (l < 150)
			snprintf(r->reason + l, sizeof(r->reason) - l,
			         "%severy variant answered alike: %.90s", l ? "; " : "",
			         cr->alike_seen[0]);
	}
	size_t l = strlen(r->evidence);
	snprintf(r->evidence + l, sizeof(r->evidence) - l, "%svariants: %s", l ? "\n" : "", list);
	if (c->timing)
		alike_timing(cr, r);
	return r;
}

/* A finished case run: judge it, run it again, start its probe, or record. True when cr can
 * be freed. */
static bool reap(struct ik_runner *R, struct crun *cr)
{
	struct ik_status st;
	if (cr->probe)
		return ik_probe_reap(R, cr);
	struct ik_result *r = judge_case(R, cr);
	if (!r)
		return true;
	enum ik_verdict v = r->verdict;
	ik_loss_note(R, cr);
	bool again = ik_want_rerun(R, cr, v);
	keep_attempt(cr, r);
	ik_status_clear(&st);
	if (again) {
		cr->attempt++;
		R->reruns++;
		if (restart_case(R, cr, &st))
			return false;
		cr->attempt--; /* judged on what it has; the evidence says why no further attempt */
		size_t l = strlen(cr->attempts);
		snprintf(cr->attempts + l, sizeof(cr->attempts) - l, "\nno further attempt: %.150s",
		         st.why);
	}
	r = cr->best;
	cr->best = NULL;
	final_attempt(cr, r);
	if (cr->c->nalike && !(r = alike_next(R, cr, r)))
		return false; /* the next variant runs */
	bool clean = cr->best_o.all_done && !cr->best_o.restarted;
	if (!clean && r->verdict != IK_V_SKIP && ik_alive_met_death(R, cr, r)) {
		free(r);
		return true;
	}
	/* A case stalled on its unmutated setup is inconclusive (ERROR), but it may be the first to
	 * meet a DUT that stopped answering: its probe tells (run_alive.c). */
	bool stalled = cr->best_stalled && !cr->best_unsent;
	if (clean || R->o->no_alive || (r->verdict == IK_V_ERROR && !stalled) ||
	    r->verdict == IK_V_SKIP) {
		ik_run_record(R, r);
		free(r);
		return true;
	}
	struct ik_pcapw *pcap = cr->pcap;
	cr->pcap = NULL;
	ik_crun_free(cr);
	cr->pending = r;
	cr->probes_answered = 0;
	ik_status_clear(&st);
	if (!ik_probe_start(R, cr, pcap, 0, &st)) {
		snprintf(r->reason, sizeof(r->reason),
		         "harness: the liveness probe could not start: "
		         "%.180s",
		         st.why);
		r->verdict = IK_V_ERROR;
		ik_run_record(R, r);
		return true;
	}
	return false;
}

static void reap_all(struct ik_runner *R)
{
	for (struct crun **pp = &R->running; *pp;) {
		struct crun *cr = *pp;
		if (!cr->finished || !reap(R, cr)) {
			pp = &cr->next;
			continue;
		}
		*pp = cr->next;
		if (cr->c && !cr->revival && runs_alone(R, cr->idx))
			R->exclusive = false;
		if (cr->c && !cr->revival && ik_case_owns_tester_port(cr->c, R->o))
			R->port_busy = false;
		ik_crun_free(cr);
		free(cr->pending);
		free(cr->best);
		free(cr);
		R->nrunning--;
	}
}

/* A case the DUT initiates waits while another holds the tester port. */
static bool port_free_for(const struct ik_runner *R, size_t idx)
{
	return !R->port_busy || !ik_case_owns_tester_port(&R->cs.c[idx], R->o);
}

/* The next case to run: one that met a dead DUT first (it runs again), then the first in the
 * order run_order.c chose that may start now (the cases behind one that waits for the tester
 * port go first). *pos is its place in that order, SIZE_MAX for a case run again. */
static bool next_case(struct ik_runner *R, size_t *idx, size_t *pos)
{
	while (R->next < R->cs.n && R->started[R->order[R->next]])
		R->next++;
	if (R->nrequeue && port_free_for(R, R->requeue[R->nrequeue - 1])) {
		*idx = R->requeue[R->nrequeue - 1];
		*pos = SIZE_MAX;
		return true;
	}
	for (size_t k = R->next; k < R->cs.n; k++) {
		size_t i = R->order[k];
		if (!R->started[i] && port_free_for(R, i)) {
			*idx = i, *pos = k;
			return true;
		}
	}
	return false;
}

static void schedule(struct ik_runner *R)
{
	size_t idx, pos;
	if (!ik_alive_schedule(R))
		return;
	while (!interrupted && !R->exclusive && R->nrunning < R->o->parallel &&
	       next_case(R, &idx, &pos)) {
		const struct ik_case *c = &R->cs.c[idx];
		bool alone = runs_alone(R, idx);
		if (alone && R->nrunning)
			break;
		if (pos == SIZE_MAX)
			R->nrequeue--;
		else
			R->started[idx] = true;
		struct crun *cr = start_case(R, idx);
		if (!cr)
			continue;
		R->exclusive = alone;
		R->port_busy = R->port_busy || ik_case_owns_tester_port(c, R->o);
		cr->next = R->running;
		R->running = cr;
		R->nrunning++;
	}
}

/* ---- setup ---- */

static bool read_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	char *buf = NULL;
	size_t cap = 0, n = 0, got;
	do {
		if (n + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = cap * 2 + 8192);
			if (!nb) {
				free(buf);
				fclose(f);
				return false;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, 4096, f);
		n += got;
	} while (got);
	fclose(f);
	buf[n] = 0;
	*out = buf, *len = n;
	return true;
}

static bool mkdirs(const char *dir)
{
	char p[512];
	snprintf(p, sizeof(p), "%s", dir);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = 0;
			if (mkdir(p, 0755) && errno != EEXIST)
				return false;
			*s = '/';
		}
	return !mkdir(p, 0755) || errno == EEXIST;
}

static void shard(struct ik_runner *R)
{
	const struct ik_runopts *o = R->o;
	size_t k = 0;
	if (!o->shard_n)
		return;
	/* A case's shard depends on its id alone: stable when cases are added elsewhere. */
	for (size_t i = 0; i < R->cs.n; i++)
		if (fnv1a(R->cs.c[i].id) % o->shard_n == o->shard_i - 1)
			R->cs.c[k++] = R->cs.c[i];
	R->cs.n = k;
}

static bool setup(struct ik_runner *R, struct ik_status *st)
{
	const struct ik_runopts *o = R->o;
	char path[512];

	if (!read_file(o->profile, &R->profile_text, &R->profile_len))
		return ik_fail(st, 0, "%s: %s", o->profile, strerror(errno));
	if (!(R->base = calloc(1, sizeof(*R->base))) || !ik_profile_load(R->base, o->profile, st))
		return false;
	if (!ik_cases_load(&R->cs, o->cases, st))
		return false;
	ik_cases_filter(&R->cs, o->glob, o->level);
	shard(R);
	if (!R->cs.n)
		return ik_fail(st, 0, "no case in %s matches%s%s", o->cases, o->glob ? " " : "",
		               o->glob ? o->glob : "");
	if (!ik_run_order(R))
		return ik_fail(st, 0, "out of memory");
	snprintf(path, sizeof(path), "%s/pcap", o->out);
	if (!mkdirs(path))
		return ik_fail(st, 0, "cannot create %s: %s", path, strerror(errno));
	snprintf(path, sizeof(path), "%s/keys", o->out);
	if (!ik_keyfile_open(&R->kf, path, st))
		return false;
	snprintf(path, sizeof(path), "%s/results.jsonl", o->out);
	if (!(R->results = fopen(path, "w")))
		return ik_fail(st, 0, "cannot write %s: %s", path, strerror(errno));
	return true;
}

static void run_header(struct ik_runner *R, struct ik_run_info *ri)
{
	memset(ri, 0, sizeof(*ri));
	char dut[400];
	snprintf(dut, sizeof(dut), "%s (%s port %u)", R->base->name, R->base->dut.addr.text,
	         R->base->dut.port);
	put(ri->dut, sizeof(ri->dut), dut);
	snprintf(ri->profile, sizeof(ri->profile), "%s", R->o->profile);
	snprintf(ri->version, sizeof(ri->version), "ikecheck %s", IKECHECK_VERSION);
	iso_now(ri->started, sizeof(ri->started));
	snprintf(ri->args, sizeof(ri->args), "%s", R->o->argv_text ? R->o->argv_text : "");
	if (R->o->shard_n)
		snprintf(ri->shard, sizeof(ri->shard), "%u/%u", R->o->shard_i, R->o->shard_n);
}

static void teardown(struct ik_runner *R)
{
	while (R->running) {
		struct crun *cr = R->running;
		R->running = cr->next;
		ik_crun_free(cr);
		free(cr->pending);
		free(cr);
	}
	if (R->results)
		fclose(R->results);
	ik_keyfile_close(&R->kf);
	ik_loop_free(&R->loop);
	ik_cases_free(&R->cs);
	free(R->requeue);
	free(R->order);
	free(R->started);
	free(R->confirm);
	if (R->base) {
		ik_profile_wipe(R->base);
		free(R->base);
	}
	if (R->profile_text)
		OPENSSL_cleanse(R->profile_text, R->profile_len);
	free(R->profile_text);
}

/* Every format rendered from the records just written (as `ikecheck report DIR` would), the
 * text summary on stdout, and the comparison with a baseline when one is given: then only new
 * failures decide the exit status (issue 6 "Baselines"). */
static int finish_reports(const struct ik_runner *R, const struct ik_runopts *o, double secs,
                          int rc)
{
	struct ik_results rs = {0}, base = {0};
	char path[512], err[256];

	snprintf(path, sizeof(path), "%s/results.jsonl", o->out);
	if (!ik_results_load(&rs, path, err, sizeof(err)) ||
	    !ik_report_write_all(&rs, o->out, err, sizeof(err))) {
		fprintf(stderr, "ikecheck run: report: %s\n", err);
		rc = rc ? rc : 2;
	} else if (!o->quiet) {
		ik_report_text(stdout, &rs);
	}
	printf("%zu case%s in %.1f s:", R->decided, R->decided == 1 ? "" : "s", secs);
	for (int v = 0; v < IK_V__N; v++)
		printf(" %s %zu%s", ik_verdict_name((enum ik_verdict)v), R->counts[v],
		       v + 1 < IK_V__N ? "," : "\n");
	if (R->loss_events || R->reruns)
		printf("path: %u sign%s of loss in %u clean round trips; %u case attempt%s run "
		       "again "
		       "(docs/verdicts.md section 7)\n",
		       R->loss_events, R->loss_events == 1 ? "" : "s", R->loss_samples, R->reruns,
		       R->reruns == 1 ? "" : "s");
	printf("report: %s/report.html (also report.txt, junit.xml, report.json; pcap/ per case)\n",
	       o->out);
	if (o->baseline && rs.n) {
		if (!ik_results_load(&base, o->baseline, err, sizeof(err))) {
			fprintf(stderr, "ikecheck run: baseline %s: %s\n", o->baseline, err);
			rc = 2;
		} else if (rc != 2) {
			rc = ik_report_baseline(stdout, &rs, &base) ? 1 : 0;
		}
	}
	ik_results_free(&rs);
	ik_results_free(&base);
	return rc;
}

int ik_runner_run(const struct ik_runopts *o)
{
	struct ik_runner R = {.o = o};
	struct ik_run_info ri;
	struct ik_status st;
	struct sigaction sa;
	int rc = 2;

	ik_status_clear(&st);
	ik_loop_init(&R.loop);
	if (!setup(&R, &st)) {
		fprintf(stderr, "ikecheck run: %s\n", st.why);
		teardown(&R);
		return 2;
	}
	run_header(&R, &ri);
	ik_result_write_run(R.results, &ri);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sig_loop = &R.loop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	R.t0_ms = ik_now_ms();
	R.tty = isatty(STDOUT_FILENO);
	schedule(&R);
	while (!interrupted && (R.running || R.next < R.cs.n || R.nrequeue)) {
		ik_loop_once(&R.loop, 200);
		reap_all(&R);
		schedule(&R);
	}
	double secs = (double)(ik_now_ms() - R.t0_ms) / 1000.0;
	if (!interrupted) {
		iso_now(ri.finished, sizeof(ri.finished));
		ik_result_write_end(R.results, ri.finished, secs, R.stopped);
		rc = R.failed_required ? 1 : 0;
	} else {
		fprintf(stderr, "ikecheck run: interrupted; %zu verdict%s kept\n", R.decided,
		        R.decided == 1 ? "" : "s");
	}
	fflush(R.results);
	if (!o->quiet)
		ik_report_progress_end(stdout, R.tty);
	teardown(&R);
	sig_loop = NULL;
	return finish_reports(&R, o, secs, rc);
}
