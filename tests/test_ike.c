/* Engine against engine, in one process on loopback (RFC 2409 5, 5.4, 5.5; RFC 3947). */
#include "cunit.h"
#include "ike_pair.h"
#include "xchg.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

static void test_main_quick_default(void)
{
	struct ik_cfg ci, cr;
	struct ik_pair p;
	struct ik_status st;

	pair_cfg(&ci, true);
	pair_cfg(&cr, false);
	CU_ASSERT_TRUE_FATAL(pair_open(&p, &ci, &cr, &st));
	struct ik_sa *sa = ik_initiate(&p.ini);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sa);
	pair_run(&p, 1, 3000);
	if (p.failed)
		fprintf(stderr, "failed: %s\n", p.why.why);
	CU_ASSERT_EQUAL(p.p1_up, 2);
	CU_ASSERT_EQUAL(p.p2_up, 2);
	CU_ASSERT_EQUAL(sa->msg, 6);
	/* Both sides derived the same KEYMAT, crossed: my inbound is your outbound. */
	struct ik_qm *qi = sa->qms, *qr = p.res.sas ? p.res.sas->qms : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(qi);
	CU_ASSERT_PTR_NOT_NULL_FATAL(qr);
	CU_ASSERT_EQUAL(qi->spi_in, qr->spi_out);
	CU_ASSERT_EQUAL(qi->spi_out, qr->spi_in);
	CU_ASSERT_EQUAL(qi->k.keymat_len, 16 + 20);
	CU_ASSERT_EQUAL(memcmp(qi->k.keymat_in, qr->k.keymat_out, qi->k.keymat_len), 0);
	CU_ASSERT_EQUAL(memcmp(qi->k.keymat_out, qr->k.keymat_in, qi->k.keymat_len), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(qi->k.keymat_in, qi->k.keymat_out, qi->k.keymat_len), 0);
	pair_close(&p);
}

/* The algorithm spread of issue 4: every mode x PFS x cipher x hash, groups 2, 14, 19 in turn. */
static void test_matrix(void)
{
	static const struct {
		uint16_t enc, keylen, esp, esp_keylen;
	} ciphers[] = {
		{IK_P1_ENCR_DES_CBC, 0, IK_ESP_TRANS_DES, 0},
		{IK_P1_ENCR_3DES_CBC, 0, IK_ESP_TRANS_3DES, 0},
		{IK_P1_ENCR_AES_CBC, 128, IK_ESP_TRANS_AES, 128},
		{IK_P1_ENCR_AES_CBC, 256, IK_ESP_TRANS_AES_GCM_16, 256},
	};
	static const struct {
		uint16_t hash, esp_auth;
	} hashes[] = {
		{IK_P1_HASH_MD5, IK_P2_AUTH_HMAC_MD5},
		{IK_P1_HASH_SHA, IK_P2_AUTH_HMAC_SHA},
		{IK_P1_HASH_SHA2_256, IK_P2_AUTH_HMAC_SHA2_256},
		{IK_P1_HASH_SHA2_384, IK_P2_AUTH_HMAC_SHA2_384},
		{IK_P1_HASH_SHA2_512, IK_P2_AUTH_HMAC_SHA2_512},
	};
	static const uint16_t groups[] = {2, 14, 19};
	int runs = 0, ok = 0, n = 0;

	for (int aggr = 0; aggr < 2; aggr++)
		for (int pfs = 0; pfs < 2; pfs++)
			for (size_t c = 0; c < 4; c++)
				for (size_t h = 0; h < 5; h++, n++) {
					struct ik_cfg ci, cr;
					struct ik_pair p;
					struct ik_status st;
					uint16_t g = groups[n % 3];
					pair_cfg(&ci, true);
					pair_cfg(&cr, false);
					for (int side = 0; side < 2; side++) {
						struct ik_cfg *x = side ? &cr : &ci;
						x->p1[0].enc = ciphers[c].enc;
						x->p1[0].keylen = ciphers[c].keylen;
						x->p1[0].hash = hashes[h].hash;
						x->p1[0].group = g;
						x->p2[0].id = (uint8_t)ciphers[c].esp;
						x->p2[0].keylen = ciphers[c].esp_keylen;
						bool gcm =
							ciphers[c].esp == IK_ESP_TRANS_AES_GCM_16;
						x->p2[0].auth = gcm ? 0 : hashes[h].esp_auth;
						x->pfs_group = pfs ? g : 0;
					}
					ci.aggressive = aggr;
					CU_ASSERT_TRUE_FATAL(pair_open(&p, &ci, &cr, &st));
					ik_initiate(&p.ini);
					pair_run(&p, 1, 3000);
					runs++;
					if (p.p2_up == 2)
						ok++;
					else
						fprintf(stderr,
						        "%s pfs=%d enc=%u/%u hash=%u group=%u: "
						        "%s\n",
						        aggr ? "aggressive" : "main", pfs,
						        ciphers[c].enc, ciphers[c].keylen,
						        hashes[h].hash, g,
						        p.failed ? p.why.why : "timeout");
					pair_close(&p);
				}
	CU_ASSERT_EQUAL(runs, 80);
	CU_ASSERT_EQUAL(ok, runs);
}

/* RFC 2409 5.4: a wrong pre-shared key never gives an ISAKMP SA; the responder cannot read MM5. */
static void test_wrong_psk(void)
{
	struct ik_cfg ci, cr;
	struct ik_pair p;
	struct ik_status st;

	pair_cfg(&ci, true);
	pair_cfg(&cr, false);
	cr.psk[0] ^= 1;
	CU_ASSERT_TRUE_FATAL(pair_open(&p, &ci, &cr, &st));
	struct ik_sa *sa = ik_initiate(&p.ini);
	pair_run(&p, 1, 2000);
	CU_ASSERT_EQUAL(p.p1_up, 0);
	CU_ASSERT(p.failed >= 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(p.res.sas->st.why, "pre-shared key"));
	CU_ASSERT_EQUAL(sa->msg, 5); /* stopped at MM_KEY_EXCH, waiting for MM6 */
	pair_close(&p);
}

/* RFC 2409 5.5 + the profile: PFS required by the responder, not offered by the initiator. */
static void test_pfs_mismatch(void)
{
	struct ik_cfg ci, cr;
	struct ik_pair p;
	struct ik_status st;

	pair_cfg(&ci, true);
	pair_cfg(&cr, false);
	ci.pfs_group = 0;
	CU_ASSERT_TRUE_FATAL(pair_open(&p, &ci, &cr, &st));
	ik_initiate(&p.ini);
	pair_run(&p, 1, 2000);
	CU_ASSERT_EQUAL(p.p1_up, 2);
	CU_ASSERT_EQUAL(p.p2_up, 0);
	CU_ASSERT(p.failed >= 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(p.res.sas->st.why, "no PFS offered"));
	pair_close(&p);
}

/* Retransmission with backoff, then a verdict that names the state and the likely cause. */
static void test_silent_peer(void)
{
	struct ik_cfg ci, cr;
	struct ik_pair p;
	struct ik_status st;

	pair_cfg(&ci, true);
	pair_cfg(&cr, false);
	ci.retrans_ms = 20;
	ci.retrans_tries = 2;
	CU_ASSERT_TRUE_FATAL(pair_open(&p, &ci, &cr, &st));
	ik_addr_set_port(&p.ini.cfg.remote, 9); /* discard: nobody answers */
	struct ik_sa *sa = ik_initiate(&p.ini);
	pair_run(&p, 1, 2000);
	CU_ASSERT_EQUAL(p.failed, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(sa->st.why, "no MM2"));
	CU_ASSERT_PTR_NOT_NULL(strstr(sa->st.why, "MM_NO_STATE"));
	CU_ASSERT_EQUAL(sa->ladder.n, 3); /* MM1 and two retransmissions */
	pair_close(&p);
}

/* Quick mode lifetime lowered by the responder and said so (RFC 2407 4.5.4, 4.6.3.1). */
static void test_responder_lifetime(void)
{
	struct ik_cfg ci, cr;
	struct ik_pair p;
	struct ik_status st;

	pair_cfg(&ci, true);
	pair_cfg(&cr, false);
	ci.p2_life = 86400;
	CU_ASSERT_TRUE_FATAL(pair_open(&p, &ci, &cr, &st));
	struct ik_sa *sa = ik_initiate(&p.ini);
	pair_run(&p, 1, 2000);
	CU_ASSERT_EQUAL(p.p2_up, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sa->qms);
	CU_ASSERT_TRUE(sa->qms->lowered);
	CU_ASSERT_EQUAL(sa->qms->life_s, 3600);
	pair_close(&p);
}

/*
 * The responder's accepted peer identities (profile auth.peer_ids, RFC 2407 4.6.2): one, a list,
 * or any (id_remote type 0). "Any" still refuses an ID that is no identity (RFC 2408 5.8).
 */
enum id_policy { ID_ONE, ID_LIST, ID_ANY };

static const struct {
	const char *name;
	enum id_policy pol;
	struct ik_id offer; /* what the initiator says it is */
	bool up;
} id_rows[] = {
	{"configured one", ID_ONE, {.type = 1, .data = {127, 0, 0, 1}, .len = 4}, true},
	{"a stranger, one configured", ID_ONE, {.type = 2, .data = "x.test", .len = 6}, false},
	{"a listed other", ID_LIST, {.type = 2, .data = "branch.test", .len = 11}, true},
	{"a stranger, list", ID_LIST, {.type = 2, .data = "x.test", .len = 6}, false},
	{"a stranger, any", ID_ANY, {.type = 2, .data = "x.test", .len = 6}, true},
	{"user fqdn, any", ID_ANY, {.type = 3, .data = "ops@x.test", .len = 10}, true},
	{"reserved type 0, any", ID_ANY, {.type = 0, .data = {127, 0, 0, 1}, .len = 4}, false},
	{"undefined type 200, any", ID_ANY, {.type = 200, .data = {127, 0, 0, 1}, .len = 4}, false},
	{"IPv4 of 3 octets, any", ID_ANY, {.type = 1, .data = {127, 0, 0}, .len = 3}, false},
	{"FQDN with a NUL, any", ID_ANY, {.type = 2, .data = {127, 0, 0, 2}, .len = 4}, false},
};

static void test_peer_ids(void)
{
	for (size_t i = 0; i < sizeof(id_rows) / sizeof(id_rows[0]); i++) {
		struct ik_cfg ci, cr;
		struct ik_pair p;
		struct ik_status st;

		pair_cfg(&ci, true);
		pair_cfg(&cr, false);
		ci.id_local = id_rows[i].offer;
		if (id_rows[i].pol == ID_ANY)
			memset(&cr.id_remote, 0, sizeof(cr.id_remote));
		if (id_rows[i].pol == ID_LIST) {
			cr.id_remote_also[0] =
				(struct ik_id){.type = 2, .data = "branch.test", .len = 11};
			cr.n_id_remote_also = 1;
		}
		CU_ASSERT_TRUE_FATAL(pair_open(&p, &ci, &cr, &st));
		p.ini.auto_quick = false;
		ik_initiate(&p.ini);
		uint64_t end = ik_now_ms() + 2000;
		while (!p.res.p1_up && !p.failed && ik_now_ms() < end)
			ik_loop_once(&p.loop, 10);
		bool up = p.res.p1_up > 0;
		if (getenv("IK_SHOW") || up != id_rows[i].up)
			fprintf(stderr, "\n  row '%s': up=%d (%s)\n", id_rows[i].name, up,
			        p.why.why);
		CU_ASSERT_EQUAL(up, id_rows[i].up);
		CU_ASSERT(up || strstr(p.why.why, "identit") || strstr(p.why.why, "ID[0]"));
		pair_close(&p);
	}
}

/* A datagram our own host refuses (here: to the broadcast address, which a socket without
 * SO_BROADCAST may not send to) is tried again at once, LOCAL_TRIES times, before it counts as
 * lost: a QM3 or a Delete is never retransmitted (ik_send_datagram). The next datagram that
 * leaves clears the failure. */
static void test_local_refusal_retried(void)
{
	struct ik_cfg ci, cr;
	struct ik_pair p;
	struct ik_status st;
	struct sockaddr_storage bc = {0};
	struct sockaddr_in *in = (struct sockaddr_in *)&bc;
	static const uint8_t d[8] = {1};

	pair_cfg(&ci, true);
	pair_cfg(&cr, false);
	CU_ASSERT_TRUE_FATAL(pair_open(&p, &ci, &cr, &st));
	in->sin_family = AF_INET;
	in->sin_port = htons(9);
	in->sin_addr.s_addr = htonl(INADDR_BROADCAST);
	CU_ASSERT_TRUE(ik_send_datagram(&p.ini, &p.ini.sock, &bc, d, sizeof(d), &st));
	CU_ASSERT_TRUE(p.ini.send_failed);
	CU_ASSERT_EQUAL(p.ini.send_errors, 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(p.ini.send_error, "ermi"));
	struct ik_sa *sa = ik_initiate(&p.ini);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sa);
	pair_run(&p, 1, 3000);
	CU_ASSERT_FALSE(p.ini.send_failed);
	CU_ASSERT_EQUAL(p.ini.send_errors, 3);
	pair_close(&p);
}

static const struct ik_test tests[] = {
	{"main + quick mode, PSK, PFS (RFC 2409 5.4, 5.5)", test_main_quick_default},
	{"mode x PFS x cipher x hash matrix, groups 2/14/19", test_matrix},
	{"wrong pre-shared key stops at MM5 (RFC 2409 5.4)", test_wrong_psk},
	{"PFS mismatch refused in quick mode (RFC 2409 5.5)", test_pfs_mismatch},
	{"silent peer: retransmissions then a hint", test_silent_peer},
	{"RESPONDER-LIFETIME lowers the quick mode lifetime (RFC 2407 4.5.4)",
         test_responder_lifetime},
	{"peer identities: one, a list, any well-formed (RFC 2407 4.6.2)", test_peer_ids},
	{"a datagram our host refuses is tried again at once", test_local_refusal_retried},
};

IK_TEST_MAIN("ike", tests)
