/*
 * Engine against engine after phase 1: retransmitted requests (RFC 2408 has no ACK: a responder
 * answers a repeated request with its stored reply), DPD (RFC 3706), delete (RFC 2408 3.15),
 * NAT-T negotiation and floating (RFC 3947).
 */
#include "cunit.h"
#include "ike_pair.h"

#include <stdio.h>

/* Keep the last message the initiator sent, to replay it. */
static uint8_t last_sent[4096];
static size_t last_len;
static int sent_by_res;

static void tap(struct ik_engine *e, bool sent, const struct sockaddr_storage *peer,
                uint16_t local_port, const uint8_t *p, size_t len)
{
	struct ik_pair *pair = e->user;
	(void)peer, (void)local_port;
	if (sent && e == &pair->ini && len <= sizeof(last_sent)) {
		memcpy(last_sent, p, len);
		last_len = len;
	}
	if (sent && e == &pair->res)
		sent_by_res++;
}

static bool up(struct ik_pair *p, struct ik_cfg *ci, struct ik_cfg *cr)
{
	struct ik_status st;
	if (!pair_open(p, ci, cr, &st))
		return false;
	p->ini.tap = p->res.tap = tap;
	ik_initiate(&p->ini);
	pair_run(p, 1, 3000);
	return p->p2_up == 2;
}

/* MM5 again after MM6: the responder sends MM6 again and does not advance (RFC 2408 5). */
static void test_replayed_mm5(void)
{
	struct ik_cfg ci, cr;
	struct ik_pair p;

	pair_cfg(&ci, true);
	pair_cfg(&cr, false);
	ci.pfs_group = cr.pfs_group = 0;
	p.ini.auto_quick = false;
	CU_ASSERT_TRUE_FATAL(pair_open(&p, &ci, &cr, &(struct ik_status){0}));
	p.ini.tap = p.res.tap = tap;
	p.ini.auto_quick = false;
	struct ik_sa *sa = ik_initiate(&p.ini);
	uint64_t end = ik_now_ms() + 2000;
	while (p.p1_up < 2 && ik_now_ms() < end)
		ik_loop_once(&p.loop, 10);
	CU_ASSERT_EQUAL_FATAL(p.p1_up, 2);
	CU_ASSERT_EQUAL(sa->msg, 6);
	struct ik_dgram *d = calloc(1, sizeof(*d));
	memcpy(d->data, last_sent, last_len); /* MM5 as it went out */
	d->len = last_len;
	d->peer = p.ini.cfg.local;
	d->local_port = p.res.sock.port;
	int before = sent_by_res;
	ik_engine_input(&p.res, d);
	CU_ASSERT_EQUAL(sent_by_res, before + 1); /* MM6 again */
	CU_ASSERT_EQUAL(p.res.sas->msg, 6);
	CU_ASSERT_EQUAL(p.p1_up, 2); /* not established twice */
	free(d);
	pair_close(&p);
}

static void test_dpd_and_delete(void)
{
	struct ik_cfg ci, cr;
	struct ik_pair p;

	pair_cfg(&ci, true);
	pair_cfg(&cr, false);
	ci.dpd = cr.dpd = true;
	CU_ASSERT_TRUE_FATAL(up(&p, &ci, &cr));
	struct ik_sa *sa = p.ini.sas;
	CU_ASSERT_TRUE(sa->peer_dpd); /* RFC 3706 5.1: both sent the DPD vendor ID */
	CU_ASSERT_TRUE(p.res.sas->peer_dpd);
	CU_ASSERT_TRUE(ik_send_dpd(sa));
	pair_spin(&p, 200);
	CU_ASSERT_EQUAL(p.dpd_acks, 1);
	/* And the other way round (the responder asks). */
	CU_ASSERT_TRUE(ik_send_dpd(p.res.sas));
	pair_spin(&p, 200);
	CU_ASSERT_EQUAL(p.dpd_acks, 2);
	uint8_t spi[4];
	for (int i = 0; i < 4; i++)
		spi[i] = (uint8_t)(sa->qms->spi_in >> (24 - 8 * i));
	CU_ASSERT_TRUE(ik_send_delete(sa, IK_PROTO_ESP, spi, 4, 1));
	pair_spin(&p, 200);
	CU_ASSERT_EQUAL(p.deletes, 1);
	/* RFC 2408 3.15: the SPI named is the one its sender receives on, our outbound one */
	CU_ASSERT_EQUAL(p.ipsec_deletes, 1);
	pair_close(&p);
}

/* RFC 3706 5.4: the ACK to a retried R-U-THERE's earlier copy proves the peer alive (a slow
 * peer answers the first copy after the retry went out); a second ACK for the same query does not
 * count twice, and an ACK for a sequence number never sent does not count at all. */
static void test_dpd_ack_to_earlier_retry(void)
{
	struct ik_cfg ci, cr;
	struct ik_pair p;
	struct ik_mutation m;
	struct ik_status st;

	pair_cfg(&ci, true);
	pair_cfg(&cr, false);
	ci.dpd = cr.dpd = true;
	CU_ASSERT_TRUE_FATAL(up(&p, &ci, &cr));
	CU_ASSERT_TRUE_FATAL(ik_mutation_parse("INFO#2 send drop", &m, &st));
	p.ini.mut = &m, p.ini.nmut = 1;
	struct ik_sa *sa = p.ini.sas;
	CU_ASSERT_TRUE(ik_send_dpd(sa)); /* seq N: answered */
	CU_ASSERT_TRUE(ik_send_dpd(sa)); /* seq N+1: lost on the way */
	pair_spin(&p, 200);
	CU_ASSERT_EQUAL(p.dpd_acks, 1);
	CU_ASSERT_EQUAL(sa->dpd_unacked, 0);
	/* Both copies answered (no loss): still one liveness proof for one query. */
	p.ini.nmut = 0;
	CU_ASSERT_TRUE(ik_send_dpd(sa));
	CU_ASSERT_TRUE(ik_send_dpd(sa));
	pair_spin(&p, 200);
	CU_ASSERT_EQUAL(p.dpd_acks, 2);
	/* A query lost on the way; an ACK for an older, already answered query does not count,
	 * one for the outstanding query does. */
	CU_ASSERT_TRUE_FATAL(ik_mutation_parse("INFO#1 send drop", &m, &st));
	p.ini.nmut = 1;
	CU_ASSERT_TRUE(ik_send_dpd(sa));
	uint8_t spi[16], seq[4];
	memcpy(spi, sa->icookie, 8);
	memcpy(spi + 8, sa->rcookie, 8);
	for (int k = 2; k >= 0; k--) { /* seq - 2 (old), seq - 1 (old), seq */
		uint32_t v = sa->dpd_seq - (uint32_t)k;
		for (int i = 0; i < 4; i++)
			seq[i] = (uint8_t)(v >> (24 - 8 * i));
		CU_ASSERT_TRUE(ik_send_notify(p.res.sas, IK_NOTIFY_R_U_THERE_ACK, IK_PROTO_ISAKMP,
		                              spi, 16, seq, 4));
		pair_spin(&p, 50);
		CU_ASSERT_EQUAL(p.dpd_acks, k ? 2 : 3);
	}
	pair_close(&p);
}

/* RFC 3706 5.4 / 6.2: a query we left unanswered may come again with its own number (a
 * retransmission, as strongSwan sends it) and is answered; a new query after that ACK with the
 * same number is the peer's fault. */
static void test_dpd_retransmission_same_seq(void)
{
	struct ik_cfg ci, cr;
	struct ik_pair p;
	uint8_t spi[16], seq[4] = {0, 0, 0x12, 0x34};

	pair_cfg(&ci, true);
	pair_cfg(&cr, false);
	ci.dpd = cr.dpd = true;
	CU_ASSERT_TRUE_FATAL(up(&p, &ci, &cr));
	struct ik_sa *sa = p.ini.sas;
	memcpy(spi, sa->icookie, 8);
	memcpy(spi + 8, sa->rcookie, 8);
	sa->dpd_ack_skip = 1;
	for (int i = 0; i < 3; i++) { /* unanswered, its retransmission (ACKed), a reused number */
		CU_ASSERT_TRUE(ik_send_notify(p.res.sas, IK_NOTIFY_R_U_THERE, IK_PROTO_ISAKMP, spi,
		                              16, seq, 4));
		pair_spin(&p, 100);
		CU_ASSERT_EQUAL(sa->n_dpd_rx, (unsigned)i + 1);
		if (i < 2)
			CU_ASSERT_STRING_EQUAL(sa->fault, "");
	}
	CU_ASSERT_FALSE(sa->dpd_rx[0].acked);
	CU_ASSERT_TRUE(sa->dpd_rx[1].acked);
	CU_ASSERT_PTR_NOT_NULL(strstr(sa->fault, "RFC 3706 6.2"));
	pair_close(&p);
}

/* RFC 3947: NAT-T vendor IDs agree on the RFC method; no NAT on loopback, so no float. */
/* RFC 3706 5.5: with cfg.dpd_delay the responder asks an idle initiator; the initiator judges
 * each query (5.3, 6.2: engine/exchanges/dpd.c), leaves one unanswered on request (the
 * responder asks again, one up: 5.4, 6.2) and answers the next; a query with Protocol ID ESP is
 * the peer's fault. */
static void test_dpd_probing_judged(void)
{
	struct ik_cfg ci, cr;
	struct ik_pair p;

	pair_cfg(&ci, true);
	pair_cfg(&cr, false);
	ci.dpd = cr.dpd = true;
	cr.dpd_delay = 1;
	CU_ASSERT_TRUE_FATAL(up(&p, &ci, &cr));
	struct ik_sa *sa = p.ini.sas;
	sa->dpd_ack_skip = 1;
	pair_spin(&p, 2400); /* a query at 1 s, unanswered; again at 2 s, answered */
	CU_ASSERT_EQUAL_FATAL(sa->n_dpd_rx, 2);
	CU_ASSERT_NOT_EQUAL(sa->dpd_rx[0].msgid, sa->dpd_rx[1].msgid);
	CU_ASSERT_EQUAL(sa->dpd_rx[1].seq, sa->dpd_rx[0].seq + 1);
	CU_ASSERT_TRUE(sa->dpd_rx[0].cookies && sa->dpd_rx[0].spi_len == 16);
	CU_ASSERT_EQUAL(sa->dpd_rx[0].doi, IK_DOI_IPSEC);
	CU_ASSERT_EQUAL(p.res.sas->dpd_unacked, 0); /* the second one's ACK came */
	CU_ASSERT_STRING_EQUAL(sa->fault, "");
	uint8_t seq[4] = {0, 0, 0, 1};
	CU_ASSERT_TRUE(
		ik_send_notify(p.res.sas, IK_NOTIFY_R_U_THERE, IK_PROTO_ESP, NULL, 0, seq, 4));
	pair_spin(&p, 100);
	CU_ASSERT_PTR_NOT_NULL(strstr(sa->fault, "RFC 3706 5.3"));
	pair_close(&p);
}

static void test_natt_no_nat(void)
{
	struct ik_cfg ci, cr;
	struct ik_pair p;

	pair_cfg(&ci, true);
	pair_cfg(&cr, false);
	ci.natt = cr.natt = true;
	CU_ASSERT_TRUE_FATAL(up(&p, &ci, &cr));
	CU_ASSERT_EQUAL(p.ini.sas->natt_method, IK_NATT_RFC);
	CU_ASSERT_EQUAL(p.res.sas->natt_method, IK_NATT_RFC);
	CU_ASSERT_FALSE(p.ini.sas->floated);
	CU_ASSERT_FALSE(p.ini.sas->nat_here || p.ini.sas->nat_there);
	CU_ASSERT_PTR_NOT_NULL(strstr(p.ini.sas->ladder.rungs[2].payloads, "NAT-D"));
	CU_ASSERT_EQUAL(p.ini.sas->qms->chosen.encap, IK_ENCAP_TUNNEL);
	pair_close(&p);
}

/* The initiator hashes 0.0.0.0 as its own address while the responder sees 127.0.0.1: exactly
 * what a NAT looks like (RFC 3947 3.2). Both must float to the NAT-T port and quick mode must
 * negotiate UDP-encapsulated tunnel mode (RFC 3947 5.1). */
static void test_natt_float(void)
{
	struct ik_cfg ci, cr;
	struct ik_pair p;
	struct ik_status st;

	pair_cfg(&ci, true);
	pair_cfg(&cr, false);
	ci.natt = cr.natt = true;
	ik_addr_parse("0.0.0.0", 0, &ci.local, &ci.local_len, &st);
	CU_ASSERT_TRUE_FATAL(pair_open(&p, &ci, &cr, &st));
	p.ini.cfg.remote_natt_port = p.res.natt.port;
	ik_initiate(&p.ini);
	pair_run(&p, 1, 3000);
	if (p.failed)
		fprintf(stderr, "natt float: %s\n", p.why.why);
	CU_ASSERT_EQUAL_FATAL(p.p2_up, 2);
	CU_ASSERT_TRUE(p.ini.sas->nat_here);
	CU_ASSERT_TRUE(p.res.sas->nat_there);
	CU_ASSERT_TRUE(p.ini.sas->floated);
	CU_ASSERT_TRUE(p.res.sas->floated);
	CU_ASSERT_EQUAL(ik_addr_port(&p.ini.sas->peer), p.res.natt.port);
	CU_ASSERT_EQUAL(p.ini.sas->qms->chosen.encap, IK_ENCAP_UDP_TUNNEL);
	pair_close(&p);
}

static const struct ik_test tests[] = {
	{"replayed MM5 gets the stored MM6, no second advance", test_replayed_mm5},
	{"DPD both ways and delete (RFC 3706, RFC 2408 3.15)", test_dpd_and_delete},
	{"DPD: the ACK to an earlier copy of a retried R-U-THERE counts once (RFC 3706 5.4)",
         test_dpd_ack_to_earlier_retry},
	{"DPD: the peer's own queries judged, asked again when unanswered (RFC 3706 5.4, 6.2)",
         test_dpd_probing_judged},
	{"DPD: an unanswered query may come again with its number (RFC 3706 5.4)",
         test_dpd_retransmission_same_seq},
	{"NAT-T without a NAT: RFC 3947 method, no float", test_natt_no_nat},
	{"NAT-T with a NAT: float to 4500, UDP-encapsulated tunnel", test_natt_float},
};

IK_TEST_MAIN("ike_info", tests)
