/*
 * ikecheck load: many main mode (or aggressive mode) + quick mode setups against the DUT of a
 * profile, as fast as it answers or at --rate, up to --parallel at once in one engine and one
 * event loop; then the count, setups per second, failures by reason and latency percentiles
 * (suite/load_out.c prints them, JSON too). Each tunnel is deleted as soon as it is up
 * (RFC 2408 3.15 Delete payloads: the IPsec SA, then the ISAKMP SA) unless --keep, which holds
 * them all (how many SAs does the gateway hold?). docs/load.md.
 */
#include "load.h"
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static bool set_count(void *dst, const char *val, char *why, size_t n)
{
	return ik_opt_uint(dst, val, 1, IK_LOAD_MAX_COUNT, why, n);
}

static bool set_rate(void *dst, const char *val, char *why, size_t n)
{
	return ik_opt_uint(dst, val, 0, 1000000, why, n);
}

static bool set_parallel(void *dst, const char *val, char *why, size_t n)
{
	return ik_opt_uint(dst, val, 1, IK_LOAD_MAX_PARALLEL, why, n);
}

static bool set_timeout(void *dst, const char *val, char *why, size_t n)
{
	return ik_opt_uint(dst, val, 1, 3600, why, n);
}

static const struct ik_opt opts[] = {
	IK_RUN_OPTS(struct ik_load, "the DUT profile; we are its [tester], the DUT its [dut]"),
	IK_SET("count", 0, "M", struct ik_load, count, set_count,
               "set up M tunnels in all (1..10000000, default 100)"),
	IK_SET("rate", 0, "N", struct ik_load, rate, set_rate,
               "start at most N setups per second (default 0: as fast as the DUT answers,\n"
               "--parallel at a time)"),
	IK_SET("parallel", 0, "K", struct ik_load, parallel, set_parallel,
               "at most K setups in flight at once (1..4096, default 16)"),
	IK_FLAG("keep", 0, struct ik_load, keep,
                "keep every SA up until the end (the DUT holds them all); default: delete\n"
                "each tunnel as soon as it is up"),
	IK_FLAG("delete", 0, struct ik_load, del,
                "delete each tunnel (IPsec SA, then ISAKMP SA) once it is up (the default)"),
	IK_FLAG("hold", 0, struct ik_load, hold,
                "with --keep: once done, stay up (answering DPD) until SIGINT/SIGTERM"),
	IK_FLAG("aggressive", 0, struct ik_load, aggressive,
                "aggressive mode instead of main mode"),
	IK_FLAG("no-quick", 0, struct ik_load, no_quick, "phase 1 only"),
	IK_SET("timeout", 0, "SEC", struct ik_load, timeout_s, set_timeout,
               "a setup not up after SEC seconds fails (1..3600, default 10)"),
	IK_STR("json", 0, "FILE", struct ik_load, json, "write the summary as JSON to FILE"),
	IK_OPT_END,
};

static const struct ik_cmd_spec spec = {
	.verb = "load",
	.synopsis = "--profile FILE [--count M] [--rate N] [--parallel K] [options]",
	.opts = opts,
	.quiet = "no progress line, only the summary",
	.verbose = "engine log lines on stderr",
	.more = "A live progress line goes to stderr when it is a terminal.\n"
		"exit: 0 every setup came up, 1 some failed, 2 usage, profile or local error, or\n"
		"      interrupted\n",
};

uint64_t ik_load_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static struct ik_load_slot *slot_of(struct ik_load *l, const struct ik_sa *sa)
{
	for (unsigned i = 0; i < l->parallel; i++)
		if (l->fly[i].sa == sa)
			return &l->fly[i];
	return NULL;
}

/* A setup is over: counted, its slot freed; its SA deleted (or kept) and reaped after the
 * callback returns (ik_run_reap). */
static void finish(struct ik_load *l, struct ik_load_slot *s, const char *fail)
{
	struct ik_sa *sa = s->sa;

	if (fail) {
		l->failed++;
		ik_tally_add(&l->why, fail);
	} else {
		l->ok++;
		if (!ik_lat_add(&l->lat, (uint32_t)(ik_load_now_us() - s->t0_us)))
			l->oom = true;
	}
	if (!fail && l->keep) {
		l->kept++;
	} else {
		if (sa->established && !l->keep) {
			ik_send_delete_all(sa);
			l->deleted++;
		}
		sa->dead = true;
		sa->eng->ndead++;
	}
	s->sa = NULL;
	l->nfly--;
}

static void on_event(struct ik_engine *e, struct ik_sa *sa, struct ik_qm *qm, enum ik_event ev)
{
	struct ik_load *l = e->user;
	struct ik_load_slot *s = slot_of(l, sa);
	char why[128];

	if (!s && (s = slot_of(l, IK_LOAD_STARTING)))
		s->sa = sa; /* inside ik_initiate: MM1 could not even be sent */
	if (!s)
		return; /* a setup already counted (a late notify, the DUT's delete) */
	switch (ev) {
	case IK_EV_P1_UP:
		if (l->no_quick)
			finish(l, s, NULL);
		break;
	case IK_EV_P2_UP: finish(l, s, NULL); break;
	case IK_EV_FAILED:
		ik_load_reason(sa, qm, why, sizeof(why));
		finish(l, s, why);
		break;
	default: break;
	}
}

/* Start every setup that is due (the --rate schedule) while the window has room. */
static bool start_due(struct ik_load *l, uint64_t now)
{
	while (l->started < l->count && l->nfly < l->parallel &&
	       now >= l->t_start_us + ik_load_due_us(l->started, l->rate)) {
		struct ik_load_slot *s = slot_of(l, NULL);
		s->t0_us = ik_load_now_us();
		s->sa = IK_LOAD_STARTING; /* taken: ik_initiate may report a failure at once */
		l->nfly++;
		l->started++;
		struct ik_sa *sa = ik_initiate(&l->r.eng);
		if (!sa) {
			fprintf(stderr, "ikecheck load: out of memory after %u setups\n",
			        l->started);
			return false;
		}
		if (s->sa == IK_LOAD_STARTING)
			s->sa = sa;
	}
	return true;
}

/* Our own deadline per setup, behind the engine's retransmissions (ik_run_fit_retrans). */
static void expire(struct ik_load *l, uint64_t now)
{
	for (unsigned i = 0; i < l->parallel; i++) {
		struct ik_load_slot *s = &l->fly[i];
		if (!s->sa || now - s->t0_us < (uint64_t)l->timeout_s * 1000000u)
			continue;
		struct ik_sa *sa = s->sa;
		struct ik_qm *qm = NULL;
		char why[128];
		for (struct ik_qm *q = sa->established ? sa->qms : NULL; q && !qm; q = q->next)
			qm = q->established ? NULL : q;
		/* dead and reaped below: ik_sa_free stops its retransmissions */
		ik_fail(&sa->st, 0, "no answer within %u s (load --timeout)", l->timeout_s);
		ik_load_reason(sa, qm, why, sizeof(why));
		finish(l, s, why);
	}
}

static bool done(const struct ik_load *l)
{
	return l->started == l->count && !l->nfly;
}

static int run(struct ik_load *l)
{
	uint64_t next_draw = 0;

	l->t_start_us = ik_load_now_us();
	getrusage(RUSAGE_SELF, &l->ru0);
	while (!done(l) && !l->r.loop.stop) {
		uint64_t now = ik_load_now_us();
		if (!start_due(l, now))
			return IK_EXIT_USAGE;
		int wait = 50;
		if (l->started < l->count && l->nfly < l->parallel && l->rate) {
			uint64_t due = l->t_start_us + ik_load_due_us(l->started, l->rate);
			wait = due > now ? (int)((due - now) / 1000) : 0;
			wait = wait > 50 ? 50 : wait;
		}
		ik_loop_once(&l->r.loop, wait);
		ik_run_reap(&l->r.eng);
		now = ik_load_now_us();
		expire(l, now);
		if (l->progress && now >= next_draw) {
			ik_load_progress(l, now, false);
			next_draw = now + 250000;
		}
	}
	l->t_end_us = ik_load_now_us();
	getrusage(RUSAGE_SELF, &l->ru1);
	if (l->progress)
		ik_load_progress(l, l->t_end_us, true);
	return IK_EXIT_OK;
}

static bool check_opts(const struct ik_load *l)
{
	const char *bad = NULL;

	if (!l->r.profile)
		bad = "--profile FILE is required";
	else if (l->keep && l->del)
		bad = "--keep and --delete exclude each other";
	else if (l->hold && !l->keep)
		bad = "--hold needs --keep (only kept SAs stay up)";
	if (bad)
		fprintf(stderr, "ikecheck load: %s (ikecheck load --help)\n", bad);
	return !bad;
}

static bool setup(struct ik_load *l, bool verbose)
{
	if (!ik_run_load(&l->r, false))
		return false;
	if (l->aggressive)
		l->r.cfg.aggressive = true;
	ik_run_fit_retrans(&l->r.cfg, l->timeout_s);
	/* RFC 2407 4.6.3.3: INITIAL-CONTACT says this is the first SA with the peer, and a peer
	 * may delete every other SA of ours on it (charon does): many setups at once claim none. */
	l->r.cfg.initial_contact = false;
	l->r.cfg.no_ladder = true; /* no report reads it: a kept SA holds no rungs */
	if (!ik_run_start(&l->r))
		return false;
	l->fly = calloc(l->parallel, sizeof(*l->fly));
	if (!l->fly) {
		fprintf(stderr, "ikecheck load: out of memory\n");
		return false;
	}
	ik_run_signals(&l->r);
	l->r.eng.user = l;
	l->r.eng.on_event = on_event;
	l->r.eng.quiet = !verbose;
	l->r.eng.auto_quick = !l->no_quick;
	return true;
}

int cmd_load(int argc, char **argv)
{
	struct ik_load l = {
		.r = {.verb = "cmd_load"}, .count = 100, .parallel = 16, .timeout_s = 10};
	struct ik_cli cli;
	int rc = ik_cli_parse(&spec, argc, argv, &l, &cli);

	if (rc >= 0)
		return rc;
	if (!check_opts(&l))
		return IK_EXIT_USAGE;
	l.progress = !cli.quiet && isatty(STDERR_FILENO);
	if (!setup(&l, cli.verbose)) {
		free(l.fly);
		ik_run_end(&l.r);
		return IK_EXIT_USAGE;
	}
	rc = run(&l);
	l.interrupted = l.r.loop.stop && ik_run_signalled;
	if (rc == IK_EXIT_OK) {
		ik_load_summary(&l, stdout);
		if (l.json && !ik_load_json(&l, l.json))
			rc = IK_EXIT_USAGE;
		fflush(stdout);
	}
	if (rc == IK_EXIT_OK && l.hold && !l.interrupted)
		ik_loop_run(&l.r.loop, 0); /* a lab peer's table stays full until we are told */
	if (rc == IK_EXIT_OK)
		rc = l.interrupted || l.oom ? IK_EXIT_USAGE
		     : l.ok == l.count      ? IK_EXIT_OK
		                            : IK_EXIT_FAIL;
	ik_lat_free(&l.lat);
	free(l.fly);
	ik_run_end(&l.r);
	return rc;
}
