/*
 * Shared CUnit scaffolding: each tests/test_<area>.c is one binary holding one table of tests.
 *
 *   static const struct ik_test tests[] = { {"rd bounds", test_rd_bounds}, ... };
 *   IK_TEST_MAIN("buf", tests)
 *
 * Tests run from the repository root (make check does), so vectors/ paths are relative.
 */
#ifndef IK_TEST_CUNIT_H
#define IK_TEST_CUNIT_H

#include <CUnit/Basic.h>
#include <stdlib.h>

struct ik_test {
	const char *name;
	void (*fn)(void);
};

static inline int ik_test_run(const char *suite, const struct ik_test *t, size_t n)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	CU_pSuite s = CU_add_suite(suite, NULL, NULL);
	for (size_t i = 0; s && i < n; i++)
		CU_add_test(s, t[i].name, t[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	int failed = (int)CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}

#define IK_TEST_MAIN(suite, table)                                                  \
	int main(void)                                                              \
	{                                                                           \
		return ik_test_run(suite, table, sizeof(table) / sizeof(table[0])); \
	}

#endif
