/*
 * The answer times of alike variants (suite/run_timing.c, case.h `timing N`): the answer time read
 * from a ladder, and the judgment -- a variant reliably 150 ms later is told apart (quirk
 * pke-slow-padding), noise and single slow runs of a busy host are not.
 */
#include "cunit.h"
#include "run_timing.h"

#include <string.h>

static const char *const texts[] = {"MM3 NONCE.data flip:128", "set tester.nonce_length = 4", "c",
                                    "d"};

static struct ik_timing timing_of(const unsigned ms[][5], size_t nvar)
{
	struct ik_timing t = {0};
	for (size_t v = 0; v < nvar; v++)
		for (unsigned i = 0; i < 5; i++)
			ik_timing_add(&t, (unsigned)v, ms[v][i] == ~0u ? -1 : (long)ms[v][i]);
	return t;
}

static enum ik_timing_verdict judge(const unsigned ms[][5], size_t nvar, char *why, size_t n)
{
	struct ik_timing t = timing_of(ms, nvar);
	char ev[600];
	enum ik_timing_verdict v = ik_timing_judge(&t, nvar, texts, ev, sizeof(ev), why, n);
	CU_ASSERT_PTR_NOT_NULL(strstr(ev, "answer times: 1 (MM3 NONCE.data flip:128): median"));
	return v;
}

static void test_judge(void)
{
	char why[300];
	/* serve, conformant: a few ms each, one slow run of a loaded host in each variant */
	static const unsigned alike[][5] = {{2, 3, 90, 2, 4}, {3, 120, 2, 2, 3}};
	CU_ASSERT_EQUAL(judge(alike, 2, why, sizeof(why)), IK_TIMING_ALIKE);
	/* two slow runs of five in one variant still leave its median alone */
	static const unsigned spikes[][5] = {{2, 300, 250, 2, 4}, {3, 3, 2, 2, 3}};
	CU_ASSERT_EQUAL(judge(spikes, 2, why, sizeof(why)), IK_TIMING_ALIKE);
	/* pke-slow-padding: bad padding answered 150 ms later, run after run */
	static const unsigned slow[][5] = {{152, 155, 151, 160, 153}, {3, 2, 2, 4, 3}};
	CU_ASSERT_EQUAL(judge(slow, 2, why, sizeof(why)), IK_TIMING_APART);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "variant 1 (MM3 NONCE.data flip:128) was answered"));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "later than variant 2"));
	/* a difference under the 50 ms floor is noise on a loaded host, not a finding */
	static const unsigned small[][5] = {{32, 35, 31, 40, 33}, {3, 2, 2, 4, 3}};
	CU_ASSERT_EQUAL(judge(small, 2, why, sizeof(why)), IK_TIMING_ALIKE);
	/* sooner counts as well: a cheaper path for one kind of input among three */
	static const unsigned sooner[][5] = {
		{400, 410, 395, 405, 420}, {90, 95, 92, 99, 91}, {398, 402, 399, 415, 401}};
	CU_ASSERT_EQUAL(judge(sooner, 3, why, sizeof(why)), IK_TIMING_APART);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "than variant 2"));
	/* two groups of two: either pair across them is told apart */
	static const unsigned groups[][5] = {{160, 150, 155, 158, 152},
	                                     {3, 2, 2, 4, 3},
	                                     {150, 152, 160, 151, 155},
	                                     {2, 3, 3, 2, 5}};
	CU_ASSERT_EQUAL(judge(groups, 4, why, sizeof(why)), IK_TIMING_APART);
	/* a slow DUT is noisy in proportion: 60 ms on a 1 s answer is within a quarter of it */
	static const unsigned slowdut[][5] = {{1060, 1000, 1100, 1070, 990},
	                                      {1000, 980, 1010, 1030, 995}};
	CU_ASSERT_EQUAL(judge(slowdut, 2, why, sizeof(why)), IK_TIMING_ALIKE);
	/* not reliably: three high runs move the median, but two are on the other side */
	static const unsigned mixed[][5] = {{200, 210, 220, 3, 2}, {3, 2, 2, 4, 3}};
	CU_ASSERT_EQUAL(judge(mixed, 2, why, sizeof(why)), IK_TIMING_ALIKE);
	/* silence has no time: fewer than two variants answered in 3 runs */
	static const unsigned silent[][5] = {{~0u, ~0u, ~0u, 2, 3}, {3, 2, 2, 4, 3}};
	CU_ASSERT_EQUAL(judge(silent, 2, why, sizeof(why)), IK_TIMING_UNJUDGED);
}

static void rung(struct ik_ladder *l, bool sent, int msg, uint64_t t, bool retransmit)
{
	struct ik_rung *r = ik_ladder_add(l, sent, msg ? IK_X_MAIN : IK_X_INFO, msg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	r->t_ms = t;
	r->retransmit = retransmit;
}

static void test_answer_ms(void)
{
	struct ik_ladder l;

	ik_ladder_init(&l);
	rung(&l, true, 1, 0, false);
	rung(&l, false, 2, 5, false);
	rung(&l, true, 3, 6, false);
	CU_ASSERT_EQUAL(ik_answer_ms(&l), -1); /* no answer to MM3 yet */
	rung(&l, true, 3, 106, true);          /* our copy goes first: timed from the first */
	rung(&l, false, 0, 160, false);        /* the DUT's notify */
	CU_ASSERT_EQUAL(ik_answer_ms(&l), 154);
	ik_ladder_free(&l);

	ik_ladder_init(&l);
	rung(&l, true, 1, 0, false);
	rung(&l, false, 2, 5, false);
	rung(&l, true, 3, 6, false);
	rung(&l, false, 2, 1006, true); /* its MM2 again: it never got MM3, no answer */
	CU_ASSERT_EQUAL(ik_answer_ms(&l), -1);
	rung(&l, false, 4, 1010, false);
	CU_ASSERT_EQUAL(ik_answer_ms(&l), 1004);
	rung(&l, true, 0, 1011, false); /* an informational of ours is no message of the exchange */
	CU_ASSERT_EQUAL(ik_answer_ms(&l), 1004);
	ik_ladder_free(&l);
}

static const struct ik_test tests[] = {
	{"variants told apart by answer time, or not", test_judge},
	{"answer time read from the ladder", test_answer_ms},
};

IK_TEST_MAIN("timing", tests)
