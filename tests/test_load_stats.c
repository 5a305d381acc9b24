/* The arithmetic of `ikecheck load` (suite/load_stats.c): nearest-rank percentiles, failures by
 * reason, the --rate schedule. */
#include "cunit.h"
#include "load_stats.h"

#include <stdio.h>
#include <string.h>

/* Nearest rank: the smallest value with at least pct percent of the values at or below it. */
static void test_pctl_nearest_rank(void)
{
	uint32_t v[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

	CU_ASSERT_EQUAL(ik_pctl_sorted(v, 10, 50), 5);
	CU_ASSERT_EQUAL(ik_pctl_sorted(v, 10, 90), 9);
	CU_ASSERT_EQUAL(ik_pctl_sorted(v, 10, 99), 10);
	CU_ASSERT_EQUAL(ik_pctl_sorted(v, 10, 100), 10);
	CU_ASSERT_EQUAL(ik_pctl_sorted(v, 10, 1), 1);
	CU_ASSERT_EQUAL(ik_pctl_sorted(v, 10, 11), 2);
	/* one value is every percentile; none is 0 */
	CU_ASSERT_EQUAL(ik_pctl_sorted(v + 6, 1, 50), 7);
	CU_ASSERT_EQUAL(ik_pctl_sorted(v + 6, 1, 99), 7);
	CU_ASSERT_EQUAL(ik_pctl_sorted(v, 0, 50), 0);
	/* two values: p50 is the lower, p51 the upper */
	CU_ASSERT_EQUAL(ik_pctl_sorted(v, 2, 50), 1);
	CU_ASSERT_EQUAL(ik_pctl_sorted(v, 2, 51), 2);
}

/* 1000 values in reverse order: sorted first; p99 of 1..1000 is 990, max 1000. */
static void test_lat_pct(void)
{
	struct ik_lat l = {0};
	struct ik_pct p;

	ik_lat_pct(&l, &p);
	CU_ASSERT_EQUAL(p.n, 0);
	CU_ASSERT_EQUAL(p.p50 + p.p90 + p.p99 + p.max, 0);
	for (uint32_t i = 1000; i >= 1; i--)
		CU_ASSERT_FATAL(ik_lat_add(&l, i));
	ik_lat_pct(&l, &p);
	CU_ASSERT_EQUAL(p.n, 1000);
	CU_ASSERT_EQUAL(p.p50, 500);
	CU_ASSERT_EQUAL(p.p90, 900);
	CU_ASSERT_EQUAL(p.p99, 990);
	CU_ASSERT_EQUAL(p.max, 1000);
	/* a slow outlier moves max and p99 of 101 values, not p50 */
	struct ik_lat m = {0};
	for (uint32_t i = 0; i < 100; i++)
		ik_lat_add(&m, 10);
	ik_lat_add(&m, 5000);
	ik_lat_pct(&m, &p);
	CU_ASSERT_EQUAL(p.p50, 10);
	CU_ASSERT_EQUAL(p.p99, 10);
	CU_ASSERT_EQUAL(p.max, 5000);
	ik_lat_free(&l);
	ik_lat_free(&m);
	CU_ASSERT_PTR_NULL(l.us);
}

static void test_tally(void)
{
	struct ik_tally t = {0};

	ik_tally_add(&t, "no MM6 (silence after MM5)");
	ik_tally_add(&t, "PAYLOAD-MALFORMED notify after MM5");
	ik_tally_add(&t, "no MM6 (silence after MM5)");
	CU_ASSERT_EQUAL(t.total, 3);
	CU_ASSERT_EQUAL(t.nrows, 2);
	CU_ASSERT_STRING_EQUAL(t.row[0].reason, "no MM6 (silence after MM5)");
	CU_ASSERT_EQUAL(t.row[0].n, 2);
	CU_ASSERT_EQUAL(t.row[1].n, 1);
}

/* More reasons than rows: the last row gathers the rest as "other"; nothing is lost. */
static void test_tally_full(void)
{
	struct ik_tally t = {0};
	char r[32];
	unsigned sum = 0;

	for (int i = 0; i < IK_TALLY_MAX + 10; i++) {
		snprintf(r, sizeof(r), "reason %d", i);
		ik_tally_add(&t, r);
	}
	ik_tally_add(&t, "reason 0");
	CU_ASSERT_EQUAL(t.nrows, IK_TALLY_MAX);
	CU_ASSERT_EQUAL(t.total, IK_TALLY_MAX + 11);
	CU_ASSERT_EQUAL(t.row[0].n, 2);
	CU_ASSERT_STRING_EQUAL(t.row[IK_TALLY_MAX - 1].reason, "other");
	CU_ASSERT_EQUAL(t.row[IK_TALLY_MAX - 1].n, 11);
	for (size_t i = 0; i < t.nrows; i++)
		sum += t.row[i].n;
	CU_ASSERT_EQUAL(sum, t.total);
}

static void test_rate_schedule(void)
{
	CU_ASSERT_EQUAL(ik_load_due_us(0, 100), 0);
	CU_ASSERT_EQUAL(ik_load_due_us(1, 100), 10000);
	CU_ASSERT_EQUAL(ik_load_due_us(250, 100), 2500000);
	CU_ASSERT_EQUAL(ik_load_due_us(3, 3), 1000000);
	/* rate 0: every setup is due at once (the --parallel window paces them) */
	CU_ASSERT_EQUAL(ik_load_due_us(12345, 0), 0);
	/* no overflow at the largest count and rate 1 */
	CU_ASSERT_EQUAL(ik_load_due_us(10000000, 1), 10000000ull * 1000000ull);
}

static const struct ik_test tests[] = {
	{"percentile by nearest rank", test_pctl_nearest_rank},
	{"latency set: p50/p90/p99/max", test_lat_pct},
	{"failures counted by reason", test_tally},
	{"a full tally gathers the rest as other", test_tally_full},
	{"the --rate schedule", test_rate_schedule},
};

IK_TEST_MAIN("load_stats", tests)
