/*
 * ikecheck probe (suite/probe.c, probe_parse.c): the --trans and --id parsers as tables, the
 * default set octet for octet against ike-scan 1.9.5's SA payloads (captured from ike-scan
 * against serve: main mode MM1, and the sai_b field of its --pskcrack line in aggressive mode),
 * and answers built with the codec read back: a handshake with vendor IDs, a notify, an
 * aggressive mode answer with identity and HASH_R, and a malformed datagram.
 */
#include "cunit.h"
#include "codec.h"
#include "consts.h"
#include "msg.h"
#include "probe.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

struct trans_row {
	const char *in;
	bool ok;
	struct ik_probe_trans want;
};

static const struct trans_row trans_rows[] = {
	{"5,2,1,2", true, {5, 0, 2, 1, 2}},
	{"7/256,4,1,14", true, {7, 256, 4, 1, 14}},
	{"aes128,sha1,psk,modp2048", true, {7, 128, 2, 1, 14}},
	{"aes256,sha256,rsa,ecp256", true, {7, 256, 4, 3, 19}},
	{"3DES-CBC,SHA,PRE-SHARED-KEY,MODP-1024", true, {5, 0, 2, 1, 2}},
	{"des,md5,1,modp768", true, {1, 0, 1, 1, 1}},
	{"5,2,1", false, {0}},
	{"5,2,1,2,9", false, {0}},
	{"rot13,2,1,2", false, {0}},
	{"7/0,2,1,14", false, {0}},
	{"7/x,2,1,14", false, {0}},
	{"5,2,1,99999", false, {0}},
	{"", false, {0}},
};

static void test_trans(void)
{
	for (size_t i = 0; i < IK_ARRAY_SIZE(trans_rows); i++) {
		const struct trans_row *r = &trans_rows[i];
		struct ik_probe_trans t;
		char why[160] = "";
		bool ok = ik_probe_parse_trans(r->in, &t, why, sizeof(why));
		CU_ASSERT_EQUAL(ok, r->ok);
		if (ok != r->ok)
			fprintf(stderr, "--trans '%s': %s\n", r->in, why);
		if (ok && r->ok)
			CU_ASSERT(!memcmp(&t, &r->want, sizeof(t)));
		if (!ok)
			CU_ASSERT(why[0] != 0);
	}
}

struct id_row {
	const char *in;
	bool ok;
	uint8_t type;
	size_t len;
};

static const struct id_row id_rows[] = {
	{"192.0.2.1", true, IK_ID_TYPE_IPV4_ADDR, 4},
	{"2001:db8::1", true, IK_ID_TYPE_IPV6_ADDR, 16},
	{"probe@example.test", true, IK_ID_TYPE_USER_FQDN, 18},
	{"gw.example.test", true, IK_ID_TYPE_FQDN, 15},
	{"0xc0000201", true, 0, 4}, /* the type stays as --idtype said (none here) */
	{"0x1", false, 0, 0},
	{"0xzz", false, 0, 0},
	{"", false, 0, 0},
};

static void test_id(void)
{
	for (size_t i = 0; i < IK_ARRAY_SIZE(id_rows); i++) {
		const struct id_row *r = &id_rows[i];
		struct ik_probe_cfg c = {0};
		char why[160];
		CU_ASSERT_EQUAL(ik_probe_set_id(&c, r->in, why, sizeof(why)), r->ok);
		if (r->ok) {
			CU_ASSERT_EQUAL(c.id_type, r->type);
			CU_ASSERT_EQUAL(c.id_len, r->len);
		}
	}
}

/* ike-scan 1.9.5's SA payload bodies (after the generic header), default set. */
static const char is_mm_sa[] =
	"00000001000000010000012801010008"
	"030000240101000080010005800200028003000180040002800b0001000c000400007080"
	"030000240201000080010005800200018003000180040002800b0001000c000400007080"
	"030000240301000080010001800200028003000180040002800b0001000c000400007080"
	"030000240401000080010001800200018003000180040002800b0001000c000400007080"
	"030000240501000080010005800200028003000180040001800b0001000c000400007080"
	"030000240601000080010005800200018003000180040001800b0001000c000400007080"
	"030000240701000080010001800200028003000180040001800b0001000c000400007080"
	"000000240801000080010001800200018003000180040001800b0001000c000400007080";
static const char is_am_sa[] =
	"00000001000000010000009801010004"
	"030000240101000080010005800200028003000180040002800b0001000c000400007080"
	"030000240201000080010005800200018003000180040002800b0001000c000400007080"
	"030000240301000080010001800200028003000180040002800b0001000c000400007080"
	"000000240401000080010001800200018003000180040002800b0001000c000400007080";

static void sa_is(bool aggressive, const char *want)
{
	struct ik_probe p = {.cfg = {.life_s = 28800,
	                             .aggressive = aggressive,
	                             .noncelen = 20,
	                             .id_type = IK_ID_TYPE_FQDN,
	                             .id = "x",
	                             .id_len = 1}};
	struct ik_status st;
	char hex[1024];

	CU_ASSERT_FATAL(ik_probe_build(&p, &st));
	CU_ASSERT_EQUAL(p.cfg.ntrans, aggressive ? 4u : 8u);
	CU_ASSERT_EQUAL(p.sa_len * 2, strlen(want));
	if (p.sa_len * 2 == strlen(want)) {
		ik_hex_encode(hex, p.pkt + p.sa_off, p.sa_len);
		CU_ASSERT_STRING_EQUAL(hex, want);
	}
	CU_ASSERT_EQUAL(p.pkt[18], aggressive ? IK_EXCH_AGGRESSIVE : IK_EXCH_ID_PROT);
	if (aggressive) {
		CU_ASSERT_EQUAL(p.ke_len, 128u); /* MODP-1024 */
		CU_ASSERT_EQUAL(p.ni_len, 20u);
	}
	ik_probe_free(&p);
}

static void test_default_set_is_ike_scans(void)
{
	sa_is(false, is_mm_sa);
	sa_is(true, is_am_sa);
}

/* An answer from the codec: header with our cookie, then payloads added by fill(). */
static size_t answer(uint8_t exch, void (*fill)(struct ik_msg *), uint8_t *out, size_t cap)
{
	static const uint8_t ic[8] = {1, 2, 3, 4, 0, 0, 0, 0}, rc[8] = {9, 9, 9, 9, 9, 9, 9, 9};
	struct ik_msg m;
	struct ik_wr w;
	struct ik_status st;
	size_t n = 0;

	ik_wr_init(&w);
	if (ik_msg_start(&m, ic, rc, exch, 0, 0)) {
		fill(&m);
		if (ik_encode(&m, &w, &st) && w.len <= cap) {
			memcpy(out, w.p, w.len);
			n = w.len;
		}
		ik_msg_free(&m);
	}
	ik_wr_free(&w);
	return n;
}

static void vid(struct ik_msg *m, const char *hex)
{
	uint8_t b[32];
	size_t n = strlen(hex) / 2;
	ik_hex_decode(hex, n, b);
	ik_node_set_bytes(ik_pl_add(m, IK_PAYLOAD_VID), IK_F_VID_DATA, b, n);
}

static void fill_mm2(struct ik_msg *m)
{
	struct ik_p1_xform x = {
		.number = 3, .enc = 1, .hash = 2, .auth = 1, .group = 2, .life_s = 28800};
	ik_sa_p1_add(m, &x, 1);
	vid(m, "afcad71368a1f1c96b8696fc77570100");
	vid(m, "0123456789abcdef");
}

static void fill_notify(struct ik_msg *m)
{
	struct ik_node *n = ik_pl_add(m, IK_PAYLOAD_N);
	ik_node_set_num(n, IK_F_N_DOI, IK_DOI_IPSEC);
	ik_node_set_num(n, IK_F_N_PROTO, IK_PROTO_ISAKMP);
	ik_node_set_num(n, IK_F_N_TYPE, IK_NOTIFY_NO_PROPOSAL_CHOSEN);
}

static void fill_am2(struct ik_msg *m)
{
	struct ik_p1_xform x = {.number = 1, .enc = 5, .hash = 2, .auth = 1, .group = 2};
	uint8_t ke[128] = {7}, nonce[32] = {8}, hash[20] = {9};
	ik_sa_p1_add(m, &x, 1);
	ik_node_set_bytes(ik_pl_add(m, IK_PAYLOAD_KE), IK_F_KE_DATA, ke, sizeof(ke));
	ik_node_set_bytes(ik_pl_add(m, IK_PAYLOAD_NONCE), IK_F_NONCE_DATA, nonce, sizeof(nonce));
	struct ik_node *id = ik_pl_add(m, IK_PAYLOAD_ID);
	ik_node_set_num(id, IK_F_ID_ID_TYPE, IK_ID_TYPE_FQDN);
	ik_node_set_bytes(id, IK_F_ID_DATA, "gw.example", 10);
	ik_node_set_bytes(ik_pl_add(m, IK_PAYLOAD_HASH), IK_F_HASH_DATA, hash, sizeof(hash));
}

static void test_answers(void)
{
	struct ik_probe p = {.cfg = {.life_s = 28800}};
	struct ik_probe_host h;
	struct ik_status st;
	uint8_t d[2048];
	size_t n;

	CU_ASSERT_FATAL(ik_probe_build(&p, &st));
	/* MM2 choosing our third transform (DES SHA-1 group 2), two vendor IDs */
	memset(&h, 0, sizeof(h));
	h.chosen_index = -1;
	n = answer(IK_EXCH_ID_PROT, fill_mm2, d, sizeof(d));
	CU_ASSERT_FATAL(n > 0);
	ik_probe_answer(&p, &h, d, n, 1000);
	CU_ASSERT_EQUAL(h.result, IK_PROBE_HANDSHAKE);
	CU_ASSERT_EQUAL(h.chosen_index, 2);
	CU_ASSERT_EQUAL(h.chosen.life_s, 28800u);
	CU_ASSERT_EQUAL(h.nvids, 2u);
	CU_ASSERT_STRING_EQUAL(h.vids[0].name ? h.vids[0].name : "", "DPD (RFC 3706)");
	CU_ASSERT_PTR_NULL(h.vids[1].name);
	CU_ASSERT_STRING_EQUAL(h.problem, "");
	/* a notify */
	memset(&h, 0, sizeof(h));
	n = answer(IK_EXCH_INFO, fill_notify, d, sizeof(d));
	ik_probe_answer(&p, &h, d, n, 1000);
	CU_ASSERT_EQUAL(h.result, IK_PROBE_NOTIFY);
	CU_ASSERT_EQUAL(h.notify, IK_NOTIFY_NO_PROPOSAL_CHOSEN);
	/* an aggressive mode answer to a main mode probe: read, and noted */
	memset(&h, 0, sizeof(h));
	h.chosen_index = -1;
	n = answer(IK_EXCH_AGGRESSIVE, fill_am2, d, sizeof(d));
	ik_probe_answer(&p, &h, d, n, 1000);
	CU_ASSERT_EQUAL(h.result, IK_PROBE_HANDSHAKE);
	CU_ASSERT(h.have_id);
	CU_ASSERT_STRING_EQUAL(h.id_text, "gw.example");
	CU_ASSERT_EQUAL(h.hash_len, 20u);
	CU_ASSERT_EQUAL(h.ke_len, 128u);
	CU_ASSERT_PTR_NOT_NULL(strstr(h.problem, "answered in AGGRESSIVE"));
	/* a cut datagram: another answer, said why */
	memset(&h, 0, sizeof(h));
	n = answer(IK_EXCH_ID_PROT, fill_mm2, d, sizeof(d));
	ik_probe_answer(&p, &h, d, n - 10, 1000);
	CU_ASSERT_EQUAL(h.result, IK_PROBE_OTHER);
	CU_ASSERT_PTR_NOT_NULL(strstr(h.problem, "malformed"));
	ik_probe_free(&p);
}

static const struct ik_test tests[] = {
	{"--trans values", test_trans},
	{"--id types", test_id},
	{"the default set is ike-scan's, octet for octet", test_default_set_is_ike_scans},
	{"answers read back", test_answers},
};

IK_TEST_MAIN("probe", tests)
