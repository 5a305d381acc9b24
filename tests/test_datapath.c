/*
 * The ESP data path (suite/datapath.c) between two engines in one process: after main mode and
 * quick mode, pings through ESP in UDP (RFC 3948) come back decrypted for each ESP transform,
 * ESP_NULL included (RFC 2410), and a tunnel keyed wrongly carries nothing (the KEYMAT of
 * RFC 2409 5.5 is what is proven); the inbound selector check of RFC 4301 5.2.
 */
#include "cunit.h"
#include "datapath.h"
#include "ike_pair.h"

#include <arpa/inet.h>
#include <string.h>

static struct in_addr a4(const char *s)
{
	struct in_addr a;
	inet_pton(AF_INET, s, &a);
	return a;
}

static const struct ik_qm *up_qm(const struct ik_engine *e)
{
	for (const struct ik_sa *sa = e->sas; sa; sa = sa->next)
		for (const struct ik_qm *q = sa->qms; q; q = q->next)
			if (q->established)
				return q;
	return NULL;
}

/* Bring a pair up with ESP transform x; both sides' data paths started. */
static bool tunnel_mode(struct ik_pair *p, const struct ik_p2_xform *x, struct ik_datapath *di,
                        struct ik_datapath *dr, bool transport)
{
	struct ik_cfg ci, cr;
	struct ik_status st = {0};
	pair_cfg(&ci, true);
	pair_cfg(&cr, false);
	ci.transport = cr.transport = transport;
	ci.p2[0] = cr.p2[0] = *x;
	ci.natt = cr.natt = true; /* NAT-T sockets on ephemeral ports: ESP travels in UDP */
	CU_ASSERT_FATAL(pair_open(p, &ci, &cr, &st));
	p->ini.cfg.remote_natt_port = p->res.natt.port;
	p->res.cfg.remote_natt_port = p->ini.natt.port;
	ik_initiate(&p->ini);
	pair_run(p, 1, 5000);
	const struct ik_qm *qi = up_qm(&p->ini), *qr = up_qm(&p->res);
	CU_ASSERT_FATAL(qi && qr);
	bool ok = ik_dp_start(di, &p->ini, qi->sa, qi, a4("10.1.0.1"), a4("10.2.0.1"), &st) &&
	          ik_dp_start(dr, &p->res, qr->sa, qr, a4("10.2.0.1"), a4("10.1.0.1"), &st);
	if (!ok)
		fprintf(stderr, "data path: %s\n", st.why);
	return ok;
}

static bool tunnel(struct ik_pair *p, const struct ik_p2_xform *x, struct ik_datapath *di,
                   struct ik_datapath *dr)
{
	return tunnel_mode(p, x, di, dr, false);
}

static void ping(struct ik_pair *p, struct ik_datapath *di, unsigned n)
{
	struct ik_status st = {0};
	for (unsigned i = 0; i < n; i++)
		CU_ASSERT_TRUE(ik_dp_ping(di, (uint16_t)i, &st));
	for (int i = 0; i < 100 && di->replies + di->refused < n; i++)
		ik_loop_once(&p->loop, 10);
}

static void test_pings_each_transform(void)
{
	static const struct ik_p2_xform xs[] = {
		{.proto = IK_PROTO_ESP,
	         .id = IK_ESP_TRANS_AES,
	         .keylen = 128,
	         .auth = IK_P2_AUTH_HMAC_SHA},
		{.proto = IK_PROTO_ESP,
	         .id = IK_ESP_TRANS_AES,
	         .keylen = 256,
	         .auth = IK_P2_AUTH_HMAC_SHA2_256},
		{.proto = IK_PROTO_ESP, .id = IK_ESP_TRANS_3DES, .auth = IK_P2_AUTH_HMAC_MD5},
		{.proto = IK_PROTO_ESP,
	         .id = IK_ESP_TRANS_AES_CTR,
	         .keylen = 128,
	         .auth = IK_P2_AUTH_HMAC_SHA2_512},
		{.proto = IK_PROTO_ESP, .id = IK_ESP_TRANS_AES_GCM_16, .keylen = 128},
		/* RFC 2410: ESP_NULL, integrity only; KEYMAT is the HMAC key alone (keymat.c) */
		{.proto = IK_PROTO_ESP, .id = IK_ESP_TRANS_NULL, .auth = IK_P2_AUTH_HMAC_SHA},
	};
	for (size_t k = 0; k < sizeof(xs) / sizeof(xs[0]); k++) {
		struct ik_pair p;
		struct ik_datapath di, dr;
		if (tunnel(&p, &xs[k], &di, &dr)) {
			ping(&p, &di, 5);
			CU_ASSERT_EQUAL(di.replies, 5);
			CU_ASSERT_EQUAL(dr.answered, 5);
			CU_ASSERT_EQUAL(di.refused + dr.refused, 0);
			for (int i = 0; i < 5; i++)
				CU_ASSERT_TRUE(di.rtt_ms[i] >= 0);
		} else {
			CU_FAIL("the data path did not start");
		}
		ik_dp_stop(&di);
		ik_dp_stop(&dr);
		pair_close(&p);
	}
}

/* RFC 4303 3.2: "both algorithms MUST NOT be simultaneously NULL". Both sides configured with
 * ESP_NULL and no authentication: quick mode never completes. */
static void test_null_without_auth_refused(void)
{
	struct ik_pair p;
	struct ik_cfg ci, cr;
	struct ik_status st = {0};
	pair_cfg(&ci, true);
	pair_cfg(&cr, false);
	ci.p2[0] = cr.p2[0] = (struct ik_p2_xform){.proto = IK_PROTO_ESP, .id = IK_ESP_TRANS_NULL};
	CU_ASSERT_FATAL(pair_open(&p, &ci, &cr, &st));
	ik_initiate(&p.ini);
	pair_run(&p, 1, 1500);
	CU_ASSERT_PTR_NULL(up_qm(&p.ini));
	CU_ASSERT_PTR_NULL(up_qm(&p.res));
	pair_close(&p);
}

/* The responder keyed with the wrong direction's KEYMAT: every ping is refused, none answered. */
static void test_wrong_keys_carry_nothing(void)
{
	static const struct ik_p2_xform x = {.proto = IK_PROTO_ESP,
	                                     .id = IK_ESP_TRANS_AES,
	                                     .keylen = 128,
	                                     .auth = IK_P2_AUTH_HMAC_SHA};
	struct ik_pair p;
	struct ik_datapath di, dr;
	struct ik_status st = {0};
	CU_ASSERT_FATAL(tunnel(&p, &x, &di, &dr));
	struct ik_esp_xform ex;
	CU_ASSERT_TRUE(ik_dp_xform(&x, &ex, &st));
	const struct ik_qm *qr = up_qm(&p.res);
	ik_esp_sa_free(&dr.in);
	CU_ASSERT_TRUE(ik_esp_sa_init(&dr.in, &ex, qr->spi_in, qr->k.keymat_out, qr->k.keymat_len,
	                              64, &st));
	ping(&p, &di, 3);
	CU_ASSERT_EQUAL(di.replies, 0);
	CU_ASSERT_EQUAL(dr.answered, 0);
	CU_ASSERT_EQUAL(dr.refused, 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(dr.why, "ICV"));
	ik_dp_stop(&di);
	ik_dp_stop(&dr);
	pair_close(&p);
}

/* Quick mode IDs as selector ranges (RFC 2407 4.6.2.2, .5, .8), and addresses outside them. */
static void test_selector_ranges(void)
{
	static const struct {
		uint8_t type;
		uint8_t data[8];
		size_t len;
		bool ok;
		uint32_t lo, hi;
	} ids[] = {
		{IK_ID_TYPE_IPV4_ADDR, {10, 1, 0, 7}, 4, true, 0x0a010007, 0x0a010007},
		{IK_ID_TYPE_IPV4_ADDR_SUBNET,
	         {10, 1, 0, 9, 255, 255, 255, 0},
	         8,
	         true,
	         0x0a010000,
	         0x0a0100ff},
		{IK_ID_TYPE_IPV4_ADDR_RANGE,
	         {10, 1, 0, 5, 10, 1, 0, 9},
	         8,
	         true,
	         0x0a010005,
	         0x0a010009},
		{IK_ID_TYPE_IPV4_ADDR_RANGE, {10, 1, 0, 9, 10, 1, 0, 5}, 8, false, 0, 0},
		{IK_ID_TYPE_IPV4_ADDR_SUBNET, {10, 1, 0, 9}, 4, false, 0, 0},
		{IK_ID_TYPE_FQDN, {'a', '.', 'b'}, 3, false, 0, 0},
	};
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		struct ik_id id = {.type = ids[i].type, .len = ids[i].len};
		struct ik_sel_range r = {0};
		memcpy(id.data, ids[i].data, ids[i].len);
		CU_ASSERT_EQUAL(ik_sel_range_of(&id, &r), ids[i].ok);
		if (ids[i].ok)
			CU_ASSERT_TRUE(r.lo == ids[i].lo && r.hi == ids[i].hi);
	}
	struct ik_sel_range t = {0x0a010000, 0x0a0100ff}, d = {0x0a010100, 0x0a0101ff};
	struct in_addr out;
	CU_ASSERT_TRUE(ik_sel_outside(&t, NULL, &out));
	CU_ASSERT_EQUAL(ntohl(out.s_addr), 0x0a010101); /* the next /24's first host */
	CU_ASSERT_TRUE(ik_sel_outside(&t, &d, &out));
	CU_ASSERT_EQUAL(ntohl(out.s_addr), 0x0a00ff01); /* the one before, the next is the DUT's */
	struct ik_sel_range all = {0, 0xffffffffu};
	CU_ASSERT_FALSE(ik_sel_outside(&all, NULL, &out));
	struct ik_selectors s = {true, {0x0a020000, 0x0a0200ff}, t};
	CU_ASSERT_TRUE(ik_sel_fits(&s, a4("10.1.0.1"), a4("10.2.0.1")));
	CU_ASSERT_FALSE(ik_sel_fits(&s, a4("10.1.1.1"), a4("10.2.0.1")));
	CU_ASSERT_FALSE(ik_sel_fits(&s, a4("10.1.0.1"), a4("10.3.0.1")));
	s.on = false;
	CU_ASSERT_TRUE(ik_sel_fits(&s, a4("10.1.1.1"), a4("10.3.0.1")));
}

/* RFC 4301 5.2 step 5: a ping through the SA from a source outside IDci is discarded by the
 * responder's data path; pings from inside before and after it are answered. Each side reads the
 * selectors from its own role. */
static void test_outside_selectors_dropped(void)
{
	static const struct ik_p2_xform x = {.proto = IK_PROTO_ESP,
	                                     .id = IK_ESP_TRANS_AES,
	                                     .keylen = 128,
	                                     .auth = IK_P2_AUTH_HMAC_SHA};
	struct ik_pair p;
	struct ik_datapath di, dr;
	struct ik_status st = {0};
	CU_ASSERT_FATAL(tunnel(&p, &x, &di, &dr));
	CU_ASSERT_TRUE(di.sel.on && dr.sel.on);
	CU_ASSERT_TRUE(di.sel.mine.lo == dr.sel.theirs.lo && di.sel.theirs.hi == dr.sel.mine.hi);
	ping(&p, &di, 1);
	CU_ASSERT_TRUE(ik_dp_send(&di, 1, &(struct ik_dp_how){.src = a4("10.1.1.1")}, &st));
	CU_ASSERT_TRUE(ik_dp_ping(&di, 2, &st));
	for (int i = 0; i < 100 && di.replies < 2; i++)
		ik_loop_once(&p.loop, 10);
	CU_ASSERT_EQUAL(di.nrep[0], 1);
	CU_ASSERT_EQUAL(di.nrep[1], 0);
	CU_ASSERT_EQUAL(di.nrep[2], 1);
	CU_ASSERT_EQUAL(dr.refused, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(dr.why, "selectors"));
	ik_dp_stop(&di);
	ik_dp_stop(&dr);
	pair_close(&p);
}

/* Transport mode (RFC 4303 3.1.1): ESP carries the ICMP message alone, next header 1, and the
 * receiver reads it behind the header of the packet it came in; both engines negotiate transport
 * mode (RFC 2407 4.5 Encapsulation Mode) and pings come back through each transform. */
static void test_transport_mode(void)
{
	static const struct ik_p2_xform xs[] = {
		{.proto = IK_PROTO_ESP,
	         .id = IK_ESP_TRANS_AES,
	         .keylen = 128,
	         .auth = IK_P2_AUTH_HMAC_SHA},
		{.proto = IK_PROTO_ESP, .id = IK_ESP_TRANS_AES_GCM_16, .keylen = 128},
	};
	for (size_t k = 0; k < sizeof(xs) / sizeof(xs[0]); k++) {
		struct ik_pair p;
		struct ik_datapath di, dr;
		struct ik_status st = {0};
		CU_ASSERT_FATAL(tunnel_mode(&p, &xs[k], &di, &dr, true));
		CU_ASSERT_TRUE(di.transport && dr.transport);
		ping(&p, &di, 4);
		CU_ASSERT_EQUAL(di.replies, 4);
		CU_ASSERT_EQUAL(dr.answered, 4);
		CU_ASSERT_EQUAL(di.refused + dr.refused, 0);
		/* What went out is the ICMP echo alone: 8 + 56 octets, next header 1. */
		const struct ik_qm *qr = up_qm(&p.res);
		struct ik_esp_xform ex;
		struct ik_esp_sa chk;
		uint8_t clear[256], nh = 0;
		size_t n = 0;
		CU_ASSERT_FATAL(ik_dp_xform(&xs[k], &ex, &st) &&
		                ik_esp_sa_init(&chk, &ex, qr->spi_in, qr->k.keymat_in,
		                               qr->k.keymat_len, 64, &st));
		CU_ASSERT_EQUAL(
			ik_esp_open(&chk, di.last, di.last_len, clear, sizeof(clear), &n, &nh, &st),
			IK_ESP_OK);
		CU_ASSERT_EQUAL(nh, IK_INNER_ICMP);
		CU_ASSERT_EQUAL(n, 64);
		ik_esp_sa_free(&chk);
		ik_dp_stop(&di);
		ik_dp_stop(&dr);
		pair_close(&p);
	}
}

/* RFC 4301 4.4.2.1, RFC 2407 4.5: quick mode offers 3600 s and 2 KB; the responder's host data
 * path (as serve runs it) keeps both, answers two pings and the first two of three 1228-octet
 * pings, and nothing once 2 KB went through: the first limit to expire ends the SA. */
static void test_kilobytes_end_the_sa(void)
{
	static const struct ik_p2_xform x = {.proto = IK_PROTO_ESP,
	                                     .id = IK_ESP_TRANS_AES,
	                                     .keylen = 128,
	                                     .auth = IK_P2_AUTH_HMAC_SHA};
	struct ik_pair p;
	struct ik_cfg ci, cr;
	struct ik_datapath di;
	struct ik_status st = {0};
	pair_cfg(&ci, true);
	pair_cfg(&cr, false);
	ci.p2[0] = cr.p2[0] = x;
	ci.p2_life_kb = 2;
	ci.natt = cr.natt = true;
	CU_ASSERT_FATAL(pair_open(&p, &ci, &cr, &st));
	p.ini.cfg.remote_natt_port = p.res.natt.port;
	p.res.cfg.remote_natt_port = p.ini.natt.port;
	ik_initiate(&p.ini);
	pair_run(&p, 1, 5000);
	const struct ik_qm *qi = up_qm(&p.ini), *qr = up_qm(&p.res);
	CU_ASSERT_FATAL(qi && qr);
	CU_ASSERT_TRUE(qi->life_kb == 2 && qr->life_kb == 2 && qr->life_s == 3600);
	CU_ASSERT_FATAL(ik_dp_start(&di, &p.ini, qi->sa, qi, a4("10.1.0.1"), a4("10.2.0.1"), &st));
	CU_ASSERT_FATAL(ik_dp_host_add(&p.res, qr->sa, qr, a4("10.2.0.1"), a4("10.1.0.1"), &st));
	for (uint16_t i = 0; i < 6; i++) {
		struct ik_dp_how big = {.data_len = i >= 2 && i < 5 ? 1200 : 0};
		CU_ASSERT_TRUE(ik_dp_send(&di, i, &big, &st));
		for (int k = 0; k < 30 && di.nrep[i] == 0; k++)
			ik_loop_once(&p.loop, 10);
	}
	CU_ASSERT_TRUE(di.nrep[0] && di.nrep[1] && di.nrep[2] && di.nrep[3]);
	CU_ASSERT_TRUE(!di.nrep[4] && !di.nrep[5]);
	CU_ASSERT_PTR_NULL(p.res.esp_arg); /* the host data path is gone */
	ik_dp_stop(&di);
	ik_dp_host_free(&p.res);
	pair_close(&p);
}

/* Behind a simulated NAT (ik_cfg.nat_sim, RFC 3947 3.2): the initiator floats, quick mode takes
 * the UDP-encapsulated mode (5.1), NAT-OA goes both ways in transport mode and neither way in
 * tunnel mode (5.2; a missing or misplaced pair would be a fault of the peer), and pings pass. */
static void test_natoa_behind_nat(void)
{
	static const struct ik_p2_xform x = {.proto = IK_PROTO_ESP,
	                                     .id = IK_ESP_TRANS_AES,
	                                     .keylen = 128,
	                                     .auth = IK_P2_AUTH_HMAC_SHA};
	for (int transport = 0; transport < 2; transport++) {
		struct ik_pair p;
		struct ik_cfg ci, cr;
		struct ik_datapath di, dr;
		struct ik_status st = {0};
		pair_cfg(&ci, true);
		pair_cfg(&cr, false);
		ci.transport = cr.transport = transport;
		ci.p2[0] = cr.p2[0] = x;
		ci.natt = cr.natt = ci.nat_sim = true;
		CU_ASSERT_FATAL(pair_open(&p, &ci, &cr, &st));
		p.ini.cfg.remote_natt_port = p.res.natt.port;
		ik_initiate(&p.ini);
		pair_run(&p, 1, 5000);
		const struct ik_qm *qi = up_qm(&p.ini), *qr = up_qm(&p.res);
		CU_ASSERT_FATAL(qi && qr);
		CU_ASSERT_TRUE(qi->sa->floated && qr->sa->floated && qr->sa->nat_there);
		CU_ASSERT_EQUAL(qi->chosen.encap,
		                transport ? IK_ENCAP_UDP_TRANSPORT : IK_ENCAP_UDP_TUNNEL);
		CU_ASSERT_STRING_EQUAL(qi->sa->fault, "");
		CU_ASSERT_STRING_EQUAL(qr->sa->fault, "");
		CU_ASSERT_FATAL(
			ik_dp_start(&di, &p.ini, qi->sa, qi, a4("10.1.0.1"), a4("10.2.0.1"), &st) &&
			ik_dp_start(&dr, &p.res, qr->sa, qr, a4("10.2.0.1"), a4("10.1.0.1"), &st));
		ping(&p, &di, 2);
		CU_ASSERT_EQUAL(di.replies, 2);
		ik_dp_stop(&di);
		ik_dp_stop(&dr);
		pair_close(&p);
	}
}

/* NAT-keepalives the initiator heard from the responder's NAT-T port: one octet 0xFF each. */
static unsigned ka_good, ka_other;
static void ka_heard(struct ik_engine *e, const struct ik_dgram *d)
{
	const struct ik_pair *p = e->user;
	if (d->kind == IK_DGRAM_IKE && d->local_port == e->natt.port)
		return;
	bool good = d->kind == IK_DGRAM_KEEPALIVE && ik_addr_port(&d->peer) == p->res.natt.port;
	ka_good += good;
	ka_other += !good && d->len < 8;
}

/* RFC 3947 3.2: "the keepalives have to initiate from the peer 'behind' the NAT" (the first
 * NAT-D does not match its own address); RFC 3948 4: it SHOULD send one once nothing went to
 * the peer for M, 2.3: from its NAT-T port to where its UDP-ESP goes, one octet 0xFF. The
 * responder keeps quiet with a NAT in front of the initiator alone (nat_sim), and sends them
 * with one in front of itself (nat_sim_peer: the initiator's NAT-D for it hashes the next port). */
static void test_keepalives_behind_nat(void)
{
	for (int dut_side = 0; dut_side < 2; dut_side++) {
		struct ik_pair p;
		struct ik_cfg ci, cr;
		struct ik_status st = {0};
		pair_cfg(&ci, true);
		pair_cfg(&cr, false);
		ci.natt = cr.natt = true;
		ci.nat_sim = !dut_side;
		ci.nat_sim_peer = dut_side;
		cr.keepalive_ms = 200;
		CU_ASSERT_FATAL(pair_open(&p, &ci, &cr, &st));
		ka_good = ka_other = 0;
		p.ini.rx_tap = ka_heard;
		p.ini.cfg.remote_natt_port = p.res.natt.port;
		ik_initiate(&p.ini);
		pair_run(&p, 1, 5000);
		const struct ik_sa *si = p.ini.sas, *sr = p.res.sas;
		CU_ASSERT_FATAL(si && sr && si->floated && sr->floated);
		CU_ASSERT_EQUAL(sr->nat_here, dut_side);
		CU_ASSERT_TRUE(sr->nat_there == !dut_side && si->nat_there == dut_side);
		pair_spin(&p, 700);
		CU_ASSERT_TRUE(dut_side ? ka_good >= 2 : !ka_good);
		CU_ASSERT_EQUAL(ka_other, 0);
		pair_close(&p);
	}
}

static const struct ik_test tests[] = {
	{"pings through each ESP transform", test_pings_each_transform},
	{"wrong keys carry nothing", test_wrong_keys_carry_nothing},
	{"ESP_NULL without authentication is refused (RFC 4303 3.2)",
         test_null_without_auth_refused},
	{"quick mode IDs as selectors (RFC 2407 4.6.2)", test_selector_ranges},
	{"a ping from outside the selectors is discarded (RFC 4301 5.2)",
         test_outside_selectors_dropped},
	{"transport mode: the upper layer alone (RFC 4303 3.1.1)", test_transport_mode},
	{"behind a NAT: UDP encapsulation, NAT-OA in transport mode (RFC 3947 5.2)",
         test_natoa_behind_nat},
	{"kilobytes end the SA (RFC 4301 4.4.2.1)", test_kilobytes_end_the_sa},
	{"NAT-keepalives from the side behind the NAT (RFC 3948 2.3, 4)",
         test_keepalives_behind_nat},
};
IK_TEST_MAIN("datapath", tests)
