/*
 * What an ISAKMP SA keeps once phase 1 is up (issue 14 item 1, bench/README.md "bytes per idle
 * SA"): the handshake part (struct ik_hs: KE values, nonces, DH pair, SAi_b, offers, identities)
 * is freed when phase 1 ends, up or failed, and what comes after phase 1 -- quick mode (RFC 2409
 * 5.5: SKEYID_d/a/e and the IV only), DPD (RFC 3706), the stored reply sent again for a
 * retransmitted MM5 (RFC 2408 5.1) -- works without it. The ladder is kept only when wanted.
 */
#include "cunit.h"
#include "ike_pair.h"

#include <stdlib.h>
#include <string.h>

/* The initiator's datagrams as sent, and the responder's count of sends. */
struct wire {
	uint8_t sent[8][512];
	size_t len[8], n;
	unsigned res_sends;
};

static struct wire W;

static void ini_tap(struct ik_engine *e, bool sent, const struct sockaddr_storage *peer,
                    uint16_t local_port, const uint8_t *p, size_t len)
{
	(void)e, (void)peer, (void)local_port;
	if (sent && W.n < 8 && len <= sizeof(W.sent[0])) {
		memcpy(W.sent[W.n], p, len);
		W.len[W.n++] = len;
	}
}

static void res_tap(struct ik_engine *e, bool sent, const struct sockaddr_storage *peer,
                    uint16_t local_port, const uint8_t *p, size_t len)
{
	(void)e, (void)peer, (void)local_port, (void)p, (void)len;
	if (sent)
		W.res_sends++;
}

static void up(struct ik_pair *p, bool aggressive)
{
	struct ik_cfg ci, cr;
	struct ik_status st;

	memset(&W, 0, sizeof(W));
	pair_cfg(&ci, true);
	pair_cfg(&cr, false);
	ci.aggressive = aggressive;
	CU_ASSERT_TRUE_FATAL(pair_open(p, &ci, &cr, &st));
	p->ini.tap = ini_tap;
	p->res.tap = res_tap;
	CU_ASSERT_PTR_NOT_NULL_FATAL(ik_initiate(&p->ini));
	pair_run(p, 1, 3000);
}

/* RFC 2409 5.5: quick mode takes SKEYID_d/a/e and the IV, none of the handshake part. */
static void check_freed(bool aggressive)
{
	struct ik_pair p;

	up(&p, aggressive);
	CU_ASSERT_EQUAL(p.p1_up, 2);
	CU_ASSERT_EQUAL(p.p2_up, 2);
	CU_ASSERT_TRUE(p.res_hs.seen); /* there while IK_EV_P1_UP was handled */
	CU_ASSERT_PTR_NOT_NULL_FATAL(p.ini.sas);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p.res.sas);
	CU_ASSERT_PTR_NULL(p.ini.sas->hs);
	CU_ASSERT_PTR_NULL(p.res.sas->hs);
	/* the stored last message in the octets it needs */
	CU_ASSERT_EQUAL(p.res.sas->last_out.cap, p.res.sas->last_out.len);
	/* SKEYID goes with it; SKEYID_a stays for every HASH after phase 1 */
	static const uint8_t zero[IK_MAX_HASH];
	CU_ASSERT_EQUAL(memcmp(p.res.sas->k.p1.skeyid, zero, sizeof(zero)), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(p.res.sas->k.p1.skeyid_a, zero, sizeof(zero)), 0);
	/* RFC 3706: DPD after phase 1 */
	CU_ASSERT_TRUE(ik_send_dpd(p.ini.sas));
	uint64_t end = ik_now_ms() + 2000;
	while (!p.dpd_acks && ik_now_ms() < end)
		ik_loop_once(&p.loop, 10);
	CU_ASSERT_EQUAL(p.dpd_acks, 1);
	pair_close(&p);
}

static void test_freed_main(void)
{
	check_freed(false);
}

static void test_freed_aggressive(void)
{
	check_freed(true);
}

/* RFC 2408 5.1: MM6 lost, the initiator sends MM5 again; the responder, phase 1 up and its
 * handshake part gone, answers with its stored MM6 and stays up. */
static void test_mm5_again(void)
{
	struct ik_pair p;

	up(&p, false);
	CU_ASSERT_EQUAL_FATAL(p.p1_up, 2);
	CU_ASSERT_PTR_NULL(p.res.sas->hs);
	CU_ASSERT_FATAL(W.n >= 3); /* MM1, MM3, MM5 */
	struct ik_dgram *d = calloc(1, sizeof(*d));
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	d->peer = p.ini.cfg.local;
	d->peer_len = p.ini.cfg.local_len;
	d->local_port = p.res.sock.port;
	d->kind = IK_DGRAM_IKE;
	d->len = W.len[2];
	memcpy(d->data, W.sent[2], d->len);
	unsigned before = W.res_sends;
	ik_engine_input(&p.res, d);
	CU_ASSERT_EQUAL(W.res_sends, before + 1);
	CU_ASSERT_TRUE(p.res.sas->established);
	CU_ASSERT_FALSE(p.res.sas->dead);
	free(d);
	pair_close(&p);
}

/* A phase 1 that fails frees the part too (RFC 2409 5.4: a wrong key fails HASH_I at MM5). */
static void test_freed_on_failure(void)
{
	struct ik_cfg ci, cr;
	struct ik_pair p;
	struct ik_status st;

	pair_cfg(&ci, true);
	pair_cfg(&cr, false);
	memcpy(cr.psk, "another key", 11);
	cr.psk_len = 11;
	CU_ASSERT_TRUE_FATAL(pair_open(&p, &ci, &cr, &st));
	ik_initiate(&p.ini);
	uint64_t end = ik_now_ms() + 3000;
	while (!(p.res.sas && p.res.sas->dead) && ik_now_ms() < end)
		ik_loop_once(&p.loop, 10);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p.res.sas);
	CU_ASSERT_TRUE(p.res.sas->dead);
	CU_ASSERT_EQUAL(p.res.sas->msg, 4); /* MM5 refused */
	CU_ASSERT_PTR_NULL(p.res.sas->hs);
	/* the initiator keeps it while it waits for MM6, and frees it once it gives up */
	CU_ASSERT_EQUAL(p.ini.sas->hs == NULL, p.ini.sas->dead);
	pair_close(&p);
}

/* ik_cfg no_ladder (serve, load): no rung kept; the default keeps every message. */
static void test_no_ladder(void)
{
	struct ik_cfg ci, cr;
	struct ik_pair p;
	struct ik_status st;

	pair_cfg(&ci, true);
	pair_cfg(&cr, false);
	cr.no_ladder = true;
	CU_ASSERT_TRUE_FATAL(pair_open(&p, &ci, &cr, &st));
	ik_initiate(&p.ini);
	pair_run(&p, 1, 3000);
	CU_ASSERT_EQUAL(p.p2_up, 2);
	CU_ASSERT_EQUAL(p.res.sas->ladder.n, 0);
	CU_ASSERT_PTR_NULL(p.res.sas->ladder.rungs);
	CU_ASSERT_EQUAL(p.ini.sas->ladder.n, 9); /* MM1-MM6, QM1-QM3 */
	pair_close(&p);
}

/* The SA itself within its share of the 4 KiB goal, which its stored last message, the engine's
 * index and malloc's own overhead share (bench_idle_sa measures the whole). */
static void test_sa_size(void)
{
	CU_ASSERT(sizeof(struct ik_sa) <= 2048);
}

static const struct ik_test tests[] = {
	{"handshake part freed once main mode is up; quick mode, DPD go on", test_freed_main},
	{"handshake part freed once aggressive mode is up (RFC 2409 5.4)", test_freed_aggressive},
	{"MM5 again after phase 1: the stored MM6 is sent (RFC 2408 5.1)", test_mm5_again},
	{"handshake part freed when phase 1 fails", test_freed_on_failure},
	{"no_ladder keeps no rungs; the default keeps them", test_no_ladder},
	{"struct ik_sa within 2 KiB", test_sa_size},
};

IK_TEST_MAIN("sa_memory", tests)
