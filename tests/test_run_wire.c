/*
 * Wire identity (suite/run_wire.h, issue 10 item 6): an answer that names no exchange of ours is
 * tied to a datagram we broke only by octets no conformant DUT could send on its own; every
 * other datagram (a notify, another exchange, a reply of ours, a short one) is not.
 */
#include "cunit.h"
#include "consts.h"
#include "run_wire.h"

#include <string.h>

static const uint8_t I[8] = {1, 2, 3, 4, 5, 6, 7, 8}, R[8] = {9, 10, 11, 12, 13, 14, 15, 16},
		     Z[8] = {0};

/* A 28-octet ISAKMP header: cookies, next payload, version 1.0, exchange, flags, message ID. */
static void hdr(uint8_t *h, const uint8_t *ic, const uint8_t *rc, uint8_t exch, uint32_t mid)
{
	memset(h, 0, 28);
	memcpy(h, ic, 8);
	memcpy(h + 8, rc, 8);
	h[16] = 8, h[17] = 0x10, h[18] = exch, h[19] = 1;
	for (int i = 0; i < 4; i++)
		h[20 + i] = (uint8_t)(mid >> (24 - 8 * i)), h[24 + i] = i == 3 ? 28 : 0;
}

/* The header with octets [at, at+n) removed, as `omit` sends it (the rest moves up). */
static void omit(uint8_t *h, size_t at, size_t n)
{
	memmove(h + at, h + at + n, 28 - at - n);
	memset(h + 28 - n, 0xab, n);
}

struct wire_row {
	const char *what;
	uint8_t b_ic[8], b_rc[8], b_exch, our_exch;
	uint32_t b_mid;
	int b_omit; /* octets of the icookie (0) or rcookie (8) omitted; -1 none */
	uint8_t a_ic[8], a_rc[8], a_exch;
	uint32_t a_mid;
	bool ours, want;
};

/* Cookies: ours (IC), the DUT's (RC), none (ZC), another exchange's (XC). */
#define IC                             \
	{                              \
		1, 2, 3, 4, 5, 6, 7, 8 \
	}
#define RC                                    \
	{                                     \
		9, 10, 11, 12, 13, 14, 15, 16 \
	}
#define ZC        \
	{         \
		0 \
	}
#define XC                             \
	{                              \
		7, 7, 7, 7, 7, 7, 7, 7 \
	}
#define Q IK_EXCH_QUICK
#define M IK_EXCH_ID_PROT
#define A IK_EXCH_AGGRESSIVE
static const struct wire_row rows[] = {
	{"MM1 without its initiator cookie: MM2 to the zeros it read", IC, ZC, M, M, 0, 0, ZC, RC,
         M, 0, false, true},
	{"  ... a notify to it is a refusal",
         IC,
         ZC,
         M,
         M,
         0,
         0,
         {0},
         RC,
         IK_EXCH_INFO,
         0,
         false,
         false},
	{"  ... an answer with our own cookie is not tied by it", IC, ZC, M, M, 0, 0, IC, RC, M, 0,
         false, false},
	{"QM1 with message ID ffffffff: QM2 under it", IC, RC, Q, Q, 0xffffffff, -1, IC, RC, Q,
         0xffffffff, false, true},
	{"  ... a quick mode under another message ID is not", IC, RC, Q, Q, 0xffffffff, -1, IC, RC,
         Q, 0x12345678, false, false},
	{"  ... nor one the exchange takes as ours", IC, RC, Q, Q, 0xffffffff, -1, IC, RC, Q,
         0xffffffff, true, false},
	{"QM1 with message ID 0: a QM2 under 0", IC, RC, Q, Q, 0, -1, IC, RC, Q, 0, false, true},
	{"  ... a phase 1 message under 0 is not tied by it", IC, RC, Q, Q, 0, -1, IC, RC, M, 0,
         false, false},
	{"AM1 without its responder cookie: answered in main mode", IC, ZC, A, A, 0, 8, IC, RC, M,
         0, false, true},
	{"  ... in aggressive mode it would be our exchange's, not tied",
         IC,
         {0},
         A,
         A,
         0,
         8,
         IC,
         RC,
         A,
         0,
         false,
         false},
	{"MM3 with a broken body: an MM2 (retransmitted) is no answer to it", IC, RC, M, M, 0, -1,
         IC, RC, M, 0, false, false},
	{"an unrelated datagram (other cookies) is not", IC, ZC, M, M, 0, 0, XC, RC, M, 0, false,
         false},
};

static void test_wire_table(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct wire_row *w = &rows[i];
		struct ik_wire_id ids[IK_WIRE_MAX];
		size_t n = 0;
		uint8_t b[28], a[28];
		char why[300] = "";
		hdr(b, w->b_ic, w->b_rc, w->b_exch, w->b_mid);
		if (w->b_omit >= 0)
			omit(b, (size_t)w->b_omit, 8);
		ik_wire_keep(ids, &n, b, sizeof(b), I, w->our_exch);
		hdr(a, w->a_ic, w->a_rc, w->a_exch, w->a_mid);
		bool got = ik_wire_answers(&ids[0], a, sizeof(a), w->ours, why, sizeof(why));
		if (got != w->want)
			fprintf(stderr, "\n  row %zu (%s): got %d\n", i, w->what, got);
		CU_ASSERT_EQUAL(got, w->want);
		CU_ASSERT_EQUAL(why[0] != 0, w->want); /* evidence exactly when tied */
		/* A short datagram carries no message ID: never tied. */
		CU_ASSERT_FALSE(ik_wire_answers(&ids[0], a, 20, w->ours, why, sizeof(why)));
	}
}

/* A retransmission of the same broken datagram is kept once; the store is bounded. */
static void test_wire_keep(void)
{
	struct ik_wire_id ids[IK_WIRE_MAX];
	size_t n = 0;
	uint8_t h[28];
	hdr(h, Z, R, M, 0);
	ik_wire_keep(ids, &n, h, sizeof(h), I, M);
	ik_wire_keep(ids, &n, h, sizeof(h), I, M);
	CU_ASSERT_EQUAL(n, 1);
	for (uint32_t k = 1; k < 3 * IK_WIRE_MAX; k++) {
		hdr(h, I, R, Q, k);
		ik_wire_keep(ids, &n, h, sizeof(h), I, Q);
	}
	CU_ASSERT_EQUAL(n, IK_WIRE_MAX);
	hdr(h, I, R, Q, 1); /* a truncated datagram keeps what it has */
	ik_wire_keep(ids, &n, h, 5, I, Q);
	CU_ASSERT_EQUAL(n, IK_WIRE_MAX);
	struct ik_wire_id one[1];
	size_t m = 0;
	ik_wire_keep(one, &m, h, 5, I, Q);
	CU_ASSERT_EQUAL(one[0].len, 5);
	char why[80];
	CU_ASSERT_FALSE(ik_wire_answers(&one[0], h, sizeof(h), false, why, sizeof(why)));
}

static const struct ik_test tests[] = {
	{"wire identity: answers tied to a broken datagram, and not", test_wire_table},
	{"wire identity: kept once, bounded", test_wire_keep},
};

IK_TEST_MAIN("run_wire", tests)
