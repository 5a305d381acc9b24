/*
 * serve --fuzz (suite/serve_fuzz.c): every spec the generator makes is one the mutation
 * language accepts (a spec that does not parse would leave a message clean without saying so),
 * the draw is a function of (seed, index, message) so a finding reproduces, --fuzz-rate holds,
 * and the option values are checked.
 */
#include "cunit.h"
#include "mutate.h"
#include "serve_fuzz.h"

#include <stdio.h>
#include <string.h>

static const struct {
	enum ik_xchg x;
	int msg;
} msgs[] = {{IK_X_MAIN, 1},  {IK_X_MAIN, 2},  {IK_X_MAIN, 3}, {IK_X_MAIN, 4}, {IK_X_MAIN, 5},
            {IK_X_MAIN, 6},  {IK_X_AGGR, 1},  {IK_X_AGGR, 2}, {IK_X_AGGR, 3}, {IK_X_QUICK, 1},
            {IK_X_QUICK, 2}, {IK_X_QUICK, 3}, {IK_X_INFO, 0}};

static void test_every_spec_parses(void)
{
	char spec[160];
	struct ik_mutation m;
	struct ik_status st;
	unsigned bad = 0, n = 0;

	for (uint64_t seed = 0; seed < 60; seed++)
		for (uint64_t idx = 0; idx < 60; idx++)
			for (size_t k = 0; k < sizeof(msgs) / sizeof(msgs[0]); k++) {
				CU_ASSERT_TRUE(ik_fuzz_spec(seed, 1.0, idx, msgs[k].x, msgs[k].msg,
				                            spec, sizeof(spec)));
				memset(&st, 0, sizeof(st));
				n++;
				if (!ik_mutation_parse(spec, &m, &st) && bad++ < 5)
					fprintf(stderr, "'%s': %s\n", spec, st.why);
			}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(n, 60 * 60 * 13);
}

static void test_deterministic(void)
{
	char a[160], b[160];
	unsigned differ = 0;

	for (uint64_t idx = 0; idx < 50; idx++) {
		CU_ASSERT_TRUE(ik_fuzz_spec(7, 1.0, idx, IK_X_MAIN, 4, a, sizeof(a)));
		CU_ASSERT_TRUE(ik_fuzz_spec(7, 1.0, idx, IK_X_MAIN, 4, b, sizeof(b)));
		CU_ASSERT_STRING_EQUAL(a, b);
		CU_ASSERT_TRUE(ik_fuzz_spec(8, 1.0, idx, IK_X_MAIN, 4, b, sizeof(b)));
		differ += strcmp(a, b) != 0;
		CU_ASSERT_EQUAL(strncmp(a, "MM4 ", 4), 0);
	}
	CU_ASSERT_TRUE(differ > 25); /* another seed, another run */
	CU_ASSERT_TRUE(ik_fuzz_spec(1, 1.0, 3, IK_X_INFO, 0, a, sizeof(a)));
	CU_ASSERT_EQUAL(strncmp(a, "INFO ", 5), 0);
}

static void test_rate(void)
{
	char a[160];
	unsigned hit = 0;

	for (uint64_t idx = 0; idx < 1000; idx++) {
		CU_ASSERT_FALSE(ik_fuzz_spec(3, 0.0, idx, IK_X_QUICK, 2, a, sizeof(a)));
		hit += ik_fuzz_spec(3, 0.25, idx, IK_X_QUICK, 2, a, sizeof(a));
	}
	CU_ASSERT_TRUE(hit > 180 && hit < 320);
}

static void test_options(void)
{
	struct ik_fuzz f = {0};
	char why[128] = "";

	CU_ASSERT_FALSE(ik_fuzz_set_seed(&f, "x1", why, sizeof(why)));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "not a number"));
	CU_ASSERT_FALSE(ik_fuzz_set_seed(&f, "-1", why, sizeof(why)));
	CU_ASSERT_FALSE(ik_fuzz_set_seed(&f, "", why, sizeof(why)));
	CU_ASSERT_TRUE(ik_fuzz_set_seed(&f, "0x10", why, sizeof(why)));
	CU_ASSERT_EQUAL(f.seed, 16);
	CU_ASSERT_DOUBLE_EQUAL(f.rate, 1.0, 1e-9); /* the default */
	CU_ASSERT_FALSE(ik_fuzz_set_rate(&f, "1.5", why, sizeof(why)));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "between 0 and 1"));
	CU_ASSERT_FALSE(ik_fuzz_set_rate(&f, "-0.1", why, sizeof(why)));
	CU_ASSERT_FALSE(ik_fuzz_set_rate(&f, "nan", why, sizeof(why)));
	CU_ASSERT_FALSE(ik_fuzz_set_rate(&f, "half", why, sizeof(why)));
	CU_ASSERT_TRUE(ik_fuzz_set_rate(&f, "0.5", why, sizeof(why)));
	CU_ASSERT_DOUBLE_EQUAL(f.rate, 0.5, 1e-9);
}

static const struct ik_test tests[] = {
	{"every generated spec parses", test_every_spec_parses},
	{"the draw depends on seed and index only", test_deterministic},
	{"--fuzz-rate: the fraction of indexes mutated", test_rate},
	{"--fuzz and --fuzz-rate values", test_options},
};

IK_TEST_MAIN("serve_fuzz", tests)
