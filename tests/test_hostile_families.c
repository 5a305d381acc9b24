/*
 * A tester no DUT can crash (issue 14 item 4): the generated families of suite/fuzz_walk.c run
 * engine against engine in one process. The engine that sends the broken message plays the
 * hostile DUT; the other is the tester. For every entry: the tester reaches a verdict (as
 * initiator: the IPsec SA up, or failed with a reason, before a deadline), nothing crashes or
 * leaks (this binary runs under ASan and UBSan), and afterwards the tester still works (a clean
 * main + quick mode, or a clean DPD round trip, completes on the same engines).
 *
 * make check runs a sample (every IK_HOSTILE_STEP-th entry, default 37); `make hostile` runs all
 * of them (IK_HOSTILE_STEP=1) in IK_HOSTILE_SHARD=i/n slices, and IK_HOSTILE_FROM=K runs one.
 */
#include "cunit.h"
#include "fuzz_walk.h"
#include "ike_pair.h"
#include "mutate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct side {
	int p2, failed, acks;
	char why[256];
};

static struct side s_ini, s_res;
/* The clean setup after an entry: only its own SA's events count (the broken one may still
 * retransmit, fail or time out meanwhile). */
static struct side s_clean;
static const struct ik_sa *watch;

static void on_event(struct ik_engine *e, struct ik_sa *sa, struct ik_qm *qm, enum ik_event ev)
{
	struct ik_pair *p = e->user;
	struct side *s = e == &p->ini ? &s_ini : &s_res;
	(void)qm;
	if (e == &p->ini && sa == watch) {
		s_clean.p2 += ev == IK_EV_P2_UP;
		if (ev == IK_EV_FAILED && !s_clean.failed++)
			snprintf(s_clean.why, sizeof(s_clean.why), "%s", sa->st.why);
	}
	if (ev == IK_EV_P2_UP)
		s->p2++;
	else if (ev == IK_EV_DPD_ACK)
		s->acks++;
	else if (ev == IK_EV_FAILED) {
		s->failed++;
		snprintf(s->why, sizeof(s->why), "%s", sa->st.why);
	}
}

/* Run until the initiator's count of quick modes up passes p2, it failed, or ms passed. */
static bool until_ini(struct ik_pair *p, int p2, int failed, uint64_t ms)
{
	uint64_t end = ik_now_ms() + ms;
	while (s_ini.p2 <= p2 && s_ini.failed <= failed && ik_now_ms() < end)
		ik_loop_once(&p->loop, 5);
	return s_ini.p2 > p2 || s_ini.failed > failed;
}

static bool until_ack(struct ik_pair *p, int acks, uint64_t ms)
{
	uint64_t end = ik_now_ms() + ms;
	while (s_ini.acks <= acks && ik_now_ms() < end)
		ik_loop_once(&p->loop, 5);
	return s_ini.acks > acks;
}

static struct totals {
	size_t run, applied, up, failed;
} tot;

/* One entry: false with why filled when the tester lost its verdict or stopped working. */
static bool run_entry(const struct ik_walk *w, struct ik_mutation *m, char *why, size_t n)
{
	struct ik_cfg ci, cr;
	struct ik_pair p;
	struct ik_status st = {0};
	bool ok = true;

	pair_cfg(&ci, true);
	pair_cfg(&cr, false);
	ci.aggressive = w->x == IK_X_AGGR;
	ci.dpd = cr.dpd = w->x == IK_X_INFO;
	/* short timers: a broken exchange ends by the initiator giving up after 20 + 40 + 80 ms */
	ci.retrans_ms = cr.retrans_ms = 20;
	ci.retrans_tries = cr.retrans_tries = 2;
	memset(&s_ini, 0, sizeof(s_ini));
	memset(&s_res, 0, sizeof(s_res));
	if (!pair_open(&p, &ci, &cr, &st)) {
		snprintf(why, n, "the engines did not open: %s", st.why);
		return false;
	}
	p.ini.on_event = p.res.on_event = on_event;
	struct ik_engine *dut = w->sender == IK_WALK_INITIATOR ? &p.ini : &p.res;
	if (w->x != IK_X_INFO)
		dut->mut = m, dut->nmut = 1;
	struct ik_sa *sa = ik_initiate(&p.ini);
	bool done = until_ini(&p, 0, 0, 3000);
	if (w->x == IK_X_INFO && s_ini.p2 && sa) {
		/* the exchange the entry breaks: an R-U-THERE and its ACK (RFC 3706 5.1) */
		dut->mut = m, dut->nmut = 1;
		ik_send_dpd(sa);
		until_ack(&p, 0, 150);
		dut->nmut = 0;
		/* the tester still answers, or is still answered, on the same SA */
		p.ini.cfg.retrans_ms = 200;
		int acks = s_ini.acks;
		if (!ik_send_dpd(sa) || !until_ack(&p, acks, 2000))
			ok = false, snprintf(why, n, "no DPD round trip after the broken one");
	} else if (!done) {
		ok = false,
		snprintf(why, n, "the initiator reached no verdict in 3 s (lost verdict)");
	} else {
		/* a clean setup on the same engines: the tester survived */
		dut->nmut = 0;
		p.ini.cfg.retrans_ms = 200, p.ini.cfg.retrans_tries = 4;
		memset(&s_clean, 0, sizeof(s_clean));
		watch = ik_initiate(&p.ini);
		uint64_t end = ik_now_ms() + 4000;
		while (watch && !s_clean.p2 && !s_clean.failed && ik_now_ms() < end)
			ik_loop_once(&p.loop, 5);
		if (!s_clean.p2)
			ok = false, snprintf(why, n, "a clean setup afterwards did not come up%s%s",
			                     s_clean.why[0] ? ": " : "", s_clean.why);
		watch = NULL;
	}
	tot.run++;
	tot.applied += m->applied > 0;
	if (!m->applied && getenv("IK_HOSTILE_VERBOSE"))
		fprintf(stderr, "  not applied: %s\n", w->spec);
	tot.up += s_ini.p2 > 0 && !s_ini.failed;
	tot.failed += s_ini.failed > 0;
	pair_close(&p);
	return ok;
}

static size_t env_num(const char *name, size_t dflt)
{
	const char *v = getenv(name);
	return v && *v ? strtoul(v, NULL, 10) : dflt;
}

/* Every entry parses in the case language, and the walk has the size the issue asks for. */
static void test_walk_parses(void)
{
	size_t n = ik_fuzz_walk_count();
	struct ik_walk w;
	struct ik_mutation m;
	size_t bad = 0;

	CU_ASSERT(n >= 5000);
	for (size_t k = 0; k < n; k++) {
		struct ik_status st = {0};
		CU_ASSERT_TRUE_FATAL(ik_fuzz_walk(k, &w));
		if (getenv("IK_HOSTILE_LIST"))
			printf("%zu %s\n", k, w.spec);
		if (!ik_mutation_parse(w.spec, &m, &st) && bad++ < 5)
			fprintf(stderr, "  #%zu '%s': %s\n", k, w.spec, st.why);
		if (m.xchg != w.x || (w.x != IK_X_INFO && m.msg != w.msg))
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_FALSE(ik_fuzz_walk(n, &w));
	printf("\n  %zu generated entries over 14 messages\n", n);
}

static void test_tester_holds(void)
{
	size_t n = ik_fuzz_walk_count(), step = env_num("IK_HOSTILE_STEP", 37);
	size_t from = env_num("IK_HOSTILE_FROM", 0), to = getenv("IK_HOSTILE_FROM") ? from + 1 : n;
	size_t shard = 0, shards = 1, lost = 0;
	const char *sh = getenv("IK_HOSTILE_SHARD");
	if (sh && sscanf(sh, "%zu/%zu", &shard, &shards) != 2)
		shard = 0, shards = 1;
	if (!step || !shards)
		step = shards = 1;
	for (size_t k = from, i = 0; k < to && k < n; k += step, i++) {
		struct ik_walk w;
		struct ik_mutation m;
		struct ik_status st = {0};
		char why[400];
		if (i % shards != shard || !ik_fuzz_walk(k, &w) ||
		    !ik_mutation_parse(w.spec, &m, &st))
			continue;
		if (getenv("IK_HOSTILE_TRACE")) /* the last line names the entry a crash stopped at */
			fprintf(stderr, "entry #%zu %s\n", k, w.spec);
		if (!run_entry(&w, &m, why, sizeof(why))) {
			lost++;
			fprintf(stderr, "  #%zu %s: %s\n", k, w.spec, why);
		}
	}
	CU_ASSERT_EQUAL(lost, 0);
	printf("\n  hostile families: %zu of %zu entries run (%zu applied, the rest found no "
	       "target); the tester's IPsec SA up in %zu, failed in %zu; the tester held in %zu\n",
	       tot.run, n, tot.applied, tot.up, tot.failed, tot.run - lost);
}

static const struct ik_test tests[] = {
	{"every generated entry parses; at least 5,000", test_walk_parses},
	{"the tester reaches a verdict and still works after each entry", test_tester_holds},
};

IK_TEST_MAIN("hostile_families", tests)
