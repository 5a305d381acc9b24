/* The engine's index of ISAKMP SAs by initiator cookie (engine/exchanges/ike.c): ik_sa_find
 * answers as the walk over every SA did (newest first), through growth, frees and SAs that are
 * not filed yet. */
#include "cunit.h"
#include "ike_pair.h"
#include "xchg.h"

#include <string.h>

#define N 3000

static struct ik_loop loop;
static struct ik_engine eng;
static struct sockaddr_storage peer;

static void open_engine(void)
{
	struct ik_cfg c;
	struct ik_status st;
	socklen_t len;

	pair_cfg(&c, false);
	ik_loop_init(&loop);
	CU_ASSERT_FATAL(ik_engine_init(&eng, &c, &loop, &st));
	ik_addr_parse("127.0.0.2", 500, &peer, &len, &st);
}

static void close_engine(void)
{
	ik_engine_free(&eng);
	CU_ASSERT_PTR_NULL(eng.icky);
	ik_loop_free(&loop);
}

/* unlink sa from the engine's list and free it, as suite/run_engine.c ik_run_reap does */
static void reap(struct ik_sa *sa)
{
	for (struct ik_sa **pp = &eng.sas; *pp; pp = &(*pp)->next)
		if (*pp == sa) {
			*pp = sa->next;
			break;
		}
	ik_sa_free(sa);
}

static void cookie(uint8_t ck[8], unsigned i)
{
	memset(ck, 0, 8);
	memcpy(ck, &i, sizeof(i));
	ck[7] = 0x5a;
}

static void test_find_many(void)
{
	static struct ik_sa *sa[N];
	static const uint8_t zero[8];
	uint8_t ck[8];

	open_engine();
	for (unsigned i = 0; i < N; i++) {
		sa[i] = ik_sa_new(&eng, i % 2 ? IK_INITIATOR : IK_RESPONDER, IK_X_MAIN, &peer);
		CU_ASSERT_FATAL(sa[i] != NULL);
		if (i % 2 == 0) {
			cookie(ck, i);
			ik_sa_set_icookie(sa[i], ck);
		}
	}
	CU_ASSERT_EQUAL(eng.icky_unfiled, 0);
	CU_ASSERT_EQUAL(eng.icky_n, N);
	CU_ASSERT(eng.icky_cap >= N);
	for (unsigned i = 0; i < N; i++) /* by both cookies, and by a zero responder cookie */
		CU_ASSERT_PTR_EQUAL(ik_sa_find(&eng, sa[i]->icookie, sa[i]->rcookie, &peer), sa[i]);
	cookie(ck, 4);
	CU_ASSERT_PTR_EQUAL(ik_sa_find(&eng, ck, zero, &peer), sa[4]);
	/* half of them gone: the rest still found, the gone ones not */
	for (unsigned i = 0; i < N; i += 2) {
		uint8_t ic[8], rc[8];
		memcpy(ic, sa[i]->icookie, 8);
		memcpy(rc, sa[i]->rcookie, 8);
		reap(sa[i]);
		CU_ASSERT_PTR_NULL(ik_sa_find(&eng, ic, rc, &peer));
	}
	for (unsigned i = 1; i < N; i += 2)
		CU_ASSERT_PTR_EQUAL(ik_sa_find(&eng, sa[i]->icookie, sa[i]->rcookie, &peer), sa[i]);
	CU_ASSERT_EQUAL(eng.icky_n, N / 2);
	close_engine();
}

/* Two responder SAs with one initiator cookie (a peer reusing it): the newest answers a first
 * message, as the newest-first walk did; each answers its own responder cookie. */
static void test_same_cookie_newest_first(void)
{
	static const uint8_t zero[8];
	uint8_t ck[8];

	open_engine();
	cookie(ck, 7);
	struct ik_sa *old = ik_sa_new(&eng, IK_RESPONDER, IK_X_MAIN, &peer);
	ik_sa_set_icookie(old, ck);
	for (unsigned i = 0; i < 200; i++) { /* grow the index in between */
		uint8_t o[8];
		cookie(o, 1000 + i);
		ik_sa_set_icookie(ik_sa_new(&eng, IK_RESPONDER, IK_X_MAIN, &peer), o);
	}
	struct ik_sa *young = ik_sa_new(&eng, IK_RESPONDER, IK_X_MAIN, &peer);
	ik_sa_set_icookie(young, ck);
	CU_ASSERT_PTR_EQUAL(ik_sa_find(&eng, ck, zero, &peer), young);
	CU_ASSERT_PTR_EQUAL(ik_sa_find(&eng, ck, old->rcookie, &peer), old);
	CU_ASSERT_PTR_EQUAL(ik_sa_find(&eng, ck, young->rcookie, &peer), young);
	reap(young);
	CU_ASSERT_PTR_EQUAL(ik_sa_find(&eng, ck, zero, &peer), old);
	close_engine();
}

/* A responder SA whose cookie is not named yet is unfiled: found by the walk, then filed. */
static void test_unfiled(void)
{
	uint8_t ck[8];

	open_engine();
	struct ik_sa *a = ik_sa_new(&eng, IK_RESPONDER, IK_X_MAIN, &peer);
	CU_ASSERT_EQUAL(eng.icky_unfiled, 1);
	CU_ASSERT_PTR_EQUAL(ik_sa_find(&eng, a->icookie, a->rcookie, &peer), a);
	cookie(ck, 9);
	ik_sa_set_icookie(a, ck);
	CU_ASSERT_EQUAL(eng.icky_unfiled, 0);
	CU_ASSERT_PTR_EQUAL(ik_sa_find(&eng, ck, a->rcookie, &peer), a);
	/* named again: filed under the new cookie only */
	uint8_t ck2[8];
	cookie(ck2, 10);
	ik_sa_set_icookie(a, ck2);
	CU_ASSERT_PTR_NULL(ik_sa_find(&eng, ck, a->rcookie, &peer));
	CU_ASSERT_PTR_EQUAL(ik_sa_find(&eng, ck2, a->rcookie, &peer), a);
	struct ik_sa *b = ik_sa_new(&eng, IK_RESPONDER, IK_X_MAIN, &peer);
	reap(b); /* freed before it was named */
	CU_ASSERT_EQUAL(eng.icky_unfiled, 0);
	close_engine();
}

static const struct ik_test tests[] = {
	{"3000 SAs found by their cookies, half freed", test_find_many},
	{"one initiator cookie twice: newest first", test_same_cookie_newest_first},
	{"an SA not yet named is found by the walk", test_unfiled},
};

IK_TEST_MAIN("sa_index", tests)
