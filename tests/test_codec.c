/*
 * The codec on built messages: every payload kind round-trips, fix-ups fill lengths/chains/
 * counts unless pinned, paths find and set fields, encrypted and decrypted bodies, the dump.
 * Malformed input is in test_codec_malformed.c, the captures in test_codec_pcap.c.
 */
#include "cunit.h"
#include "codec.h"

#include <stdlib.h>
#include <string.h>

#define OK(x) CU_ASSERT_TRUE_FATAL(x)

static struct ik_node *payload(struct ik_msg *m, uint8_t type)
{
	struct ik_node *n = ik_payload_new(type);
	OK(n && ik_msg_add(m, n));
	return n;
}

static void bytes(struct ik_node *n, int field, const char *s)
{
	OK(ik_node_set_bytes(n, field, s, strlen(s)));
}

static void num(struct ik_node *n, int field, uint32_t v)
{
	OK(ik_node_set_num(n, field, v));
}

static struct ik_node *kid(struct ik_node *parent, struct ik_node *k)
{
	OK(k && ik_node_insert(parent, SIZE_MAX, k));
	return k;
}

/* A quick-mode-like message holding one of every payload kind (not a valid exchange). */
static void build_all(struct ik_msg *m)
{
	OK(ik_msg_new(m, IK_EXCH_QUICK));
	bytes(m->hdr, IK_F_HDR_ICOOKIE, "ICOOKIE!");
	bytes(m->hdr, IK_F_HDR_RCOOKIE, "RCOOKIE!");
	num(m->hdr, IK_F_HDR_MSGID, 0x01020304);
	bytes(payload(m, IK_PAYLOAD_HASH), IK_F_HASH_DATA, "0123456789abcdefghij");
	struct ik_node *sa = payload(m, IK_PAYLOAD_SA);
	num(sa, IK_F_SA_DOI, IK_DOI_IPSEC);
	num(sa, IK_F_SA_SITUATION, IK_SIT_IDENTITY_ONLY);
	struct ik_node *p = kid(sa, ik_node_new(&ik_sd_prop));
	num(p, IK_F_P_NUMBER, 1);
	num(p, IK_F_P_PROTO, IK_PROTO_ESP);
	bytes(p, IK_F_P_SPI, "SPI1");
	for (int i = 0; i < 2; i++) {
		struct ik_node *t = kid(p, ik_node_new(&ik_sd_trans));
		num(t, IK_F_T_NUMBER, (uint32_t)i + 1);
		num(t, IK_F_T_ID, i ? IK_ESP_TRANS_3DES : IK_ESP_TRANS_AES);
		kid(t, ik_attr_new(IK_P2_ATTR_LIFE_TYPE, true, IK_LIFE_TYPE_SECONDS, 0));
		kid(t, ik_attr_new(IK_P2_ATTR_LIFE_DURATION, false, 3600 * (i + 1), 4));
		kid(t, ik_attr_new(IK_P2_ATTR_ENCAP, true, IK_ENCAP_TUNNEL, 0));
		kid(t, ik_attr_new(IK_P2_ATTR_AUTH, true, IK_P2_AUTH_HMAC_SHA, 0));
	}
	bytes(payload(m, IK_PAYLOAD_NONCE), IK_F_NONCE_DATA, "nonce-nonce-nonce-nonce");
	bytes(payload(m, IK_PAYLOAD_KE), IK_F_KE_DATA, "public-value");
	struct ik_node *id = payload(m, IK_PAYLOAD_ID);
	num(id, IK_F_ID_ID_TYPE, IK_ID_TYPE_IPV4_ADDR_SUBNET);
	num(id, IK_F_ID_PROTO, 17);
	num(id, IK_F_ID_PORT, 500);
	OK(ik_node_set_bytes(id, IK_F_ID_DATA, "\x0a\x00\x00\x00\xff\xff\xff\x00", 8));
	struct ik_node *cert = payload(m, IK_PAYLOAD_CERT);
	num(cert, IK_F_CERT_ENCODING, IK_CERT_ENC_X509_SIG);
	bytes(cert, IK_F_CERT_DATA, "0\x82-der");
	num(payload(m, IK_PAYLOAD_CR), IK_F_CR_CERT_TYPE, IK_CERT_ENC_X509_SIG);
	bytes(payload(m, IK_PAYLOAD_SIG), IK_F_SIG_DATA, "signature");
	struct ik_node *n = payload(m, IK_PAYLOAD_N);
	num(n, IK_F_N_DOI, IK_DOI_IPSEC);
	num(n, IK_F_N_PROTO, IK_PROTO_ISAKMP);
	num(n, IK_F_N_TYPE, IK_NOTIFY_INITIAL_CONTACT);
	bytes(n, IK_F_N_SPI, "ICOOKIE!RCOOKIE!");
	n = payload(m, IK_PAYLOAD_N);
	num(n, IK_F_N_DOI, IK_DOI_IPSEC);
	num(n, IK_F_N_PROTO, IK_PROTO_ESP);
	num(n, IK_F_N_TYPE, IK_NOTIFY_RESPONDER_LIFETIME);
	bytes(n, IK_F_N_SPI, "SPI1");
	OK(ik_node_set_bytes(n, IK_F_N_DATA, "\x80\x01\x00\x01\x00\x02\x00\x04\x00\x00\x0e\x10",
	                     12));
	struct ik_node *d = payload(m, IK_PAYLOAD_D);
	num(d, IK_F_D_DOI, IK_DOI_IPSEC);
	num(d, IK_F_D_PROTO, IK_PROTO_ESP);
	num(d, IK_F_D_SPI_SIZE, 4);
	bytes(d, IK_F_D_SPIS, "AAAABBBBCCCC");
	OK(ik_node_set_bytes(payload(m, IK_PAYLOAD_VID), IK_F_VID_DATA,
	                     "\xaf\xca\xd7\x13\x68\xa1\xf1\xc9\x6b\x86\x96\xfc\x77\x57\x01\x00",
	                     16));
	struct ik_node *cfg = payload(m, IK_PAYLOAD_ATTR);
	num(cfg, IK_F_ATTR_TYPE, IK_CFG_TYPE_REPLY);
	num(cfg, IK_F_ATTR_IDENTIFIER, 0x4242);
	struct ik_node *a = kid(cfg, ik_attr_new(IK_CFG_ATTR_XAUTH_USER_NAME, false, 0, 0));
	OK(ik_val_set_bytes(&a->v[IK_F_A_VALUE], "alice", 5));
	kid(cfg, ik_attr_new(IK_CFG_ATTR_XAUTH_STATUS, true, IK_XAUTH_STATUS_OK, 0));
	/* short values by their kind, not as numbers (mode-cfg 3.3) */
	a = kid(cfg, ik_attr_new(IK_CFG_ATTR_INTERNAL_IP4_ADDRESS, false, 0, 0));
	OK(ik_val_set_bytes(&a->v[IK_F_A_VALUE], "\x0a\x09\x00\x0a", 4));
	a = kid(cfg, ik_attr_new(IK_CFG_ATTR_XAUTH_MESSAGE, false, 0, 0));
	OK(ik_val_set_bytes(&a->v[IK_F_A_VALUE], "joe", 3));
	bytes(payload(m, IK_PAYLOAD_NATD), IK_F_NATD_DATA, "natd-hash-twenty-oct");
	bytes(payload(m, IK_PAYLOAD_NATD_DRAFT), IK_F_NATD_DATA, "natd-draft-hash-abcd");
	struct ik_node *oa = payload(m, IK_PAYLOAD_NATOA);
	num(oa, IK_F_NATOA_ID_TYPE, IK_ID_TYPE_IPV4_ADDR);
	OK(ik_node_set_bytes(oa, IK_F_NATOA_ADDR, "\xc0\x00\x02\x01", 4));
	oa = payload(m, IK_PAYLOAD_NATOA_DRAFT);
	num(oa, IK_F_NATOA_ID_TYPE, IK_ID_TYPE_IPV4_ADDR);
	OK(ik_node_set_bytes(oa, IK_F_NATOA_ADDR, "\xc0\x00\x02\x02", 4));
	struct ik_node *fr = payload(m, IK_PAYLOAD_FRAG);
	num(fr, IK_F_FRAG_FRAG_ID, 7);
	num(fr, IK_F_FRAG_FRAG_NUM, 1);
	num(fr, IK_F_FRAG_FLAGS, 1);
	bytes(fr, IK_F_FRAG_DATA, "fragment");
	bytes(payload(m, 200), IK_F_PRIVATE_DATA, "private");
}

static void encode(struct ik_msg *m, struct ik_wr *w)
{
	struct ik_status st;
	ik_wr_init(w);
	OK(ik_encode(m, w, &st));
}

static char *dump(struct ik_msg *m)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	ik_dump(f, m, 0);
	ik_dump_findings(f, m);
	fclose(f);
	return buf;
}

static void test_all_payloads_roundtrip(void)
{
	struct ik_msg m, m2;
	struct ik_wr w, w2;
	struct ik_status st;

	build_all(&m);
	encode(&m, &w);
	CU_ASSERT_EQUAL(m.hdr->v[IK_F_HDR_LENGTH].num, w.len); /* HDR.length filled */
	CU_ASSERT_EQUAL(w.p[16], IK_PAYLOAD_HASH);             /* HDR.np = first payload */
	if (!ik_decode(&m2, w.p, w.len, &st))
		CU_FAIL_FATAL(st.why);
	CU_ASSERT_EQUAL(m2.hdr->nkids, m.hdr->nkids);
	CU_ASSERT_EQUAL(m2.nfindings, 1); /* the private payload type */
	encode(&m2, &w2);
	CU_ASSERT_EQUAL(w.len, w2.len);
	CU_ASSERT(w.len == w2.len && !memcmp(w.p, w2.p, w.len));
	char *d = dump(&m2);
	static const char *const want[] = {
		"exch=QUICK (32)",
		"type=INITIAL-CONTACT (24578)",
		"proto=ISAKMP (1)",
		"type=RESPONDER-LIFETIME (24576)",
		"id=ESP_AES (12)",
		"SA_LIFE_DURATION (2) = 3600 [TLV length=4]",
		"ENCAPSULATION_MODE (4) = TUNNEL (1) [TV]",
		"data=10.0.0.0/255.255.255.0",
		"XAUTH_USER_NAME (16521) = \"alice\"",
		"XAUTH_STATUS (16527) = OK (1) [TV]",
		"INTERNAL_IP4_ADDRESS (1) = 10.9.0.10 [TLV length=4]",
		"XAUTH_MESSAGE (16524) = \"joe\" [TLV length=3]",
		"vendor=DPD (RFC 3706)",
		"addr=192.0.2.1",
		"NAT-OA-DRAFT[0]:",
		"count=3",
		"transforms=2 spi=53504931 (4 octets)",
		"PL[18] type 200",
		"frag_num=1",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(d, want[i])) {
			fprintf(stderr, "missing in dump: %s\n%s", want[i], d);
			CU_FAIL(want[i]);
		}
	free(d);
	ik_wr_free(&w);
	ik_wr_free(&w2);
	ik_msg_free(&m);
	ik_msg_free(&m2);
}

/* Fix-ups fill counts, sizes, chains and lengths; pinned fields are left as set. */
static void test_fixups_and_pins(void)
{
	struct ik_msg m, m2;
	struct ik_wr w;
	struct ik_status st;
	struct ik_ref r;

	build_all(&m);
	encode(&m, &w);
	OK(ik_path_find(&m, "SA.P[0]", &r, &st));
	CU_ASSERT_EQUAL(r.node->v[IK_F_P_SPI_SIZE].num, 4);   /* spi_size */
	CU_ASSERT_EQUAL(r.node->v[IK_F_P_TRANSFORMS].num, 2); /* transforms */
	CU_ASSERT_EQUAL(r.node->kids[0]->v[IK_F_T_NP].num, IK_PAYLOAD_T);
	CU_ASSERT_EQUAL(r.node->kids[1]->v[IK_F_T_NP].num, 0);
	OK(ik_path_find(&m, "HASH.length", &r, &st));
	CU_ASSERT_EQUAL(r.node->v[r.field].num, 24);
	CU_ASSERT_EQUAL(r.node->off, IK_HDR_LEN); /* spans recorded by the encoder */
	CU_ASSERT_EQUAL(r.node->len, 24);
	CU_ASSERT_EQUAL(m.hdr->kids[1]->off, IK_HDR_LEN + 24);
	CU_ASSERT_EQUAL(m.hdr->kids[1]->kids[0]->kids[0]->off,
	                IK_HDR_LEN + 24 + 12 + 8 + 4); /* SA, P hdr, SPI */
	CU_ASSERT_EQUAL(m.hdr->kids[1]->kids[0]->kids[0]->kids[1]->len, 8);
	CU_ASSERT_EQUAL(m.hdr->len, w.len);
	size_t hash_off = IK_HDR_LEN;
	ik_wr_free(&w);

	/* A wrong length on purpose: it survives encoding, and the decoder rejects it. */
	OK(ik_path_set_num(&m, "HASH.length", 99, &st));
	encode(&m, &w);
	CU_ASSERT_EQUAL(w.p[hash_off + 2] << 8 | w.p[hash_off + 3], 99);
	CU_ASSERT_FALSE(ik_decode(&m2, w.p, w.len, &st));
	CU_ASSERT_EQUAL(st.notify, IK_NOTIFY_PAYLOAD_MALFORMED);
	ik_wr_free(&w);

	/* Unpinned again: back to the true length. Then a wrong next payload, pinned. */
	OK(ik_path_find(&m, "HASH.length", &r, &st));
	r.node->v[r.field].pinned = false;
	OK(ik_path_set_num(&m, "HASH.np", 99, &st));
	encode(&m, &w);
	CU_ASSERT_EQUAL(w.p[hash_off + 3], 24);
	CU_ASSERT_EQUAL(w.p[hash_off], 99);
	CU_ASSERT_FALSE(ik_decode(&m2, w.p, w.len, &st));
	CU_ASSERT_EQUAL(st.notify, IK_NOTIFY_INVALID_PAYLOAD_TYPE);
	ik_wr_free(&w);

	/* An omitted field shrinks the payload; the length follows. */
	OK(ik_path_find(&m, "HASH.np", &r, &st));
	r.node->v[r.field].pinned = false;
	OK(ik_path_find(&m, "N[0].spi", &r, &st));
	r.node->v[r.field].omitted = true;
	size_t before = r.node->len;
	encode(&m, &w);
	CU_ASSERT_EQUAL(r.node->v[IK_F_N_LENGTH].num, 12); /* 4 + doi 4 + proto, spi_size, type 4 */
	CU_ASSERT_EQUAL(r.node->v[IK_F_N_SPI_SIZE].num, 16); /* spi_size still claims 16 */
	(void)before;
	CU_ASSERT_FALSE(ik_decode(&m2, w.p, w.len, &st));
	ik_wr_free(&w);
	ik_msg_free(&m);
}

static void test_paths(void)
{
	struct ik_msg m;
	struct ik_ref r;
	struct ik_status st;
	uint64_t v;
	char buf[128];

	build_all(&m);
	OK(ik_path_find(&m, "SA.P[0].T[1].SA_LIFE_DURATION", &r, &st));
	CU_ASSERT_EQUAL(r.field, IK_F_A_VALUE);
	CU_ASSERT(ik_attr_num(r.node, &v) && v == 7200);
	CU_ASSERT_EQUAL(r.index, 1);
	OK(ik_path_set_num(&m, "SA.P[0].T[1].sa-life-duration", 86400, &st));
	CU_ASSERT(ik_attr_num(r.node, &v) && v == 86400);
	CU_ASSERT_EQUAL(r.node->v[IK_F_A_VALUE].len, 4);
	OK(ik_path_find(&m, "SA.P[0].T[0].A[2]", &r, &st));
	CU_ASSERT_EQUAL(r.node->v[IK_F_A_TYPE].num, IK_P2_ATTR_ENCAP);
	OK(ik_path_find(&m, "N[1].type", &r, &st));
	CU_ASSERT_EQUAL(r.node->v[r.field].num, IK_NOTIFY_RESPONDER_LIFETIME);
	OK(ik_path_set_num(&m, "HDR.flags", 0x01, &st));
	CU_ASSERT_EQUAL(m.hdr->v[IK_F_HDR_FLAGS].num, 1);
	CU_ASSERT(m.hdr->v[IK_F_HDR_FLAGS].pinned);
	OK(ik_path_set_bytes(&m, "HASH.data", "xyz", 3, &st));
	OK(ik_path_find(&m, "HASH", &r, &st));
	CU_ASSERT_EQUAL(r.field, -1);
	CU_ASSERT_EQUAL(r.parent, m.hdr);
	CU_ASSERT_EQUAL(r.index, 0);
	CU_ASSERT_EQUAL(r.node->v[IK_F_HASH_DATA].len, 3);
	OK(ik_path_find(&m, "PL[18].data", &r, &st));
	CU_ASSERT_EQUAL(r.node->type, 200);
	OK(ik_path_find(&m, "ATTR.XAUTH_USER_NAME", &r, &st));
	CU_ASSERT_EQUAL(r.node->v[IK_F_A_VALUE].len, 5);
	OK(ik_path_find(&m, "NAT-OA-DRAFT.addr", &r, &st));
	ik_path_of(&m, r.node, r.field, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "NAT-OA-DRAFT[0].addr");
	OK(ik_path_find(&m, "SA.P[0].T[1].A[3]", &r, &st));
	ik_path_of(&m, r.node, -1, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "SA[0].P[0].T[1].A[3]");
	static const char *const bad[] = {
		"",
		"XYZ",
		"N[2]",
		"SA.P[1]",
		"SA.P[0].T[0].LIFE_DURATION",
		"HDR.nosuch",
		"SA.doi.x",
		"SA.P[0].T[x]",
		"HASH.data.",
		"N[1].type[0]",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_FALSE(ik_path_find(&m, bad[i], &r, &st));
		CU_ASSERT(st.why[0] != 0);
	}
	OK(ik_path_find(&m, "SA.P[0].T[0].SA_LIFE_TYPE", &r, &st));
	OK(ik_attr_set_tv(r.node, false));
	CU_ASSERT(r.node->v[IK_F_A_VALUE].len == 2 && ik_attr_num(r.node, &v) && v == 1);
	OK(ik_attr_set_tv(r.node, true));
	CU_ASSERT(r.node->v[IK_F_A_AF].num == 1 && r.node->v[IK_F_A_VALUE].num == 1);
	OK(ik_path_find(&m, "SA.P[0].T[0].SA_LIFE_DURATION", &r, &st));
	OK(ik_path_set_num(&m, "SA.P[0].T[0].SA_LIFE_DURATION", 0x10000, &st));
	CU_ASSERT_FALSE(ik_attr_set_tv(r.node, true)); /* does not fit in 16 bits */
	CU_ASSERT_FALSE(ik_path_set_num(&m, "HASH.data", 1, &st));
	CU_ASSERT_FALSE(ik_path_set_bytes(&m, "N[0].type", "x", 1, &st));
	/* Mutation-style edits on children: duplicate a transform, remove a payload. */
	OK(ik_path_find(&m, "SA.P[0].T[0]", &r, &st));
	OK(ik_node_insert(r.parent, 1, ik_node_clone(r.node)));
	ik_node_free(ik_node_remove(m.hdr, 0));
	struct ik_wr w;
	struct ik_msg m2;
	m.hdr->v[IK_F_HDR_FLAGS].num = 0; /* flags back to none so it decodes */
	encode(&m, &w);
	OK(ik_decode(&m2, w.p, w.len, &st));
	OK(ik_path_find(&m2, "SA.P[0]", &r, &st));
	CU_ASSERT_EQUAL(r.node->v[IK_F_P_TRANSFORMS].num, 3);
	CU_ASSERT_EQUAL(m2.hdr->kids[0]->type, IK_PAYLOAD_SA);
	ik_wr_free(&w);
	ik_msg_free(&m2);
	ik_msg_free(&m);
}

/* RFC 2408 3.1 E flag: header decoded, body kept; a decrypted body decodes with padding. */
static void test_encrypted(void)
{
	struct ik_msg m, e;
	struct ik_wr w, body;
	struct ik_status st;

	build_all(&m);
	ik_wr_init(&body);
	OK(ik_encode_body(&m, &body, &st));
	ik_wr_zero(&body, 7); /* cipher block padding */
	OK(ik_path_set_num(&m, "HDR.flags", 1, &st));
	m.body = malloc(body.len);
	OK(m.body != NULL);
	memcpy(m.body, body.p, body.len);
	m.body_len = body.len;
	encode(&m, &w);
	CU_ASSERT_EQUAL(w.len, IK_HDR_LEN + body.len);
	OK(ik_decode(&e, w.p, w.len, &st));
	CU_ASSERT_EQUAL(e.hdr->nkids, 0);
	CU_ASSERT_EQUAL(e.body_len, body.len);
	char *d = dump(&e);
	CU_ASSERT_PTR_NOT_NULL(strstr(d, "encrypted body"));
	free(d);
	OK(ik_decode_body(&e, body.p, body.len, &st));
	CU_ASSERT_EQUAL(e.hdr->nkids, m.hdr->nkids);
	CU_ASSERT_EQUAL(e.pad_len, 7);
	struct ik_wr w2;
	encode(&e, &w2);
	CU_ASSERT(w2.len == w.len && !memcmp(w.p, w2.p, w.len));
	ik_wr_free(&w);
	ik_wr_free(&w2);
	ik_wr_free(&body);
	ik_msg_free(&e);
	ik_msg_free(&m);
}

/* Semantic deviations decode, reported as findings naming the field (RFC 3947 5.1, RFC 2407 4.6.2).
 */
static void test_semantic_findings(void)
{
	struct ik_msg m, m2;
	struct ik_wr w;
	struct ik_status st;

	build_all(&m);
	OK(ik_path_set_bytes(&m, "NAT-OA.addr", "abc", 3, &st));
	OK(ik_path_set_bytes(&m, "ID.data", "\x0a\x00\x00\x00", 4, &st));
	encode(&m, &w);
	OK(ik_decode(&m2, w.p, w.len, &st));
	CU_ASSERT_EQUAL(m2.nfindings, 3);
	char *d = dump(&m2);
	CU_ASSERT_PTR_NOT_NULL(strstr(d, "NAT-OA[0].addr: 3 octets with ID_IPV4_ADDR"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d, "ID[0].data: 4 octets, ID_IPV4_ADDR_SUBNET carries 8"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d, "INVALID-ID-INFORMATION (18)"));
	free(d);
	ik_wr_free(&w);
	ik_msg_free(&m);
	ik_msg_free(&m2);
}

static const struct ik_test tests[] = {
	{"semantic deviations are findings", test_semantic_findings},
	{"every payload kind round-trips", test_all_payloads_roundtrip},
	{"fix-ups and pinned fields", test_fixups_and_pins},
	{"paths find, set and edit", test_paths},
	{"encrypted and decrypted bodies", test_encrypted},
};
IK_TEST_MAIN("codec", tests)
