/* The constants table and the descriptors: names, ranges, uniqueness, vendor ids, layouts. */
#include "cunit.h"
#include "consts.h"
#include "payload.h"

#include <openssl/evp.h>
#include <string.h>

static void test_format(void)
{
	char b[IK_NAME_MAX];
	static const struct {
		enum ik_table t;
		uint32_t v;
		const char *want;
	} rows[] = {
		{IK_T_NOTIFY, 14, "NO-PROPOSAL-CHOSEN (14)"},
		{IK_T_NOTIFY, 24578, "INITIAL-CONTACT (24578)"},
		{IK_T_NOTIFY, 36136, "R-U-THERE (36136)"},
		{IK_T_NOTIFY, 36137, "R-U-THERE-ACK (36137)"},
		{IK_T_NOTIFY, 40000, "PRIVATE-USE-STATUS (40000)"},
		{IK_T_NOTIFY, 9000, "PRIVATE-USE-ERROR (9000)"},
		{IK_T_PAYLOAD, 20, "NAT-D (20)"},
		{IK_T_PAYLOAD, 130, "NAT-D-DRAFT (130)"},
		{IK_T_PAYLOAD, 131, "NAT-OA-DRAFT (131)"},
		{IK_T_PAYLOAD, 132, "FRAG (132)"},
		{IK_T_PAYLOAD, 200, "PRIVATE-USE (200)"},
		{IK_T_PAYLOAD, 50, "RESERVED (50)"},
		{IK_T_EXCH, 6, "TRANSACTION (6)"},
		{IK_T_EXCH, 32, "QUICK (32)"},
		{IK_T_CERT_ENC, 300, "UNKNOWN (300)"},
		{IK_T_P1_AUTH, 65001, "XAUTH-INIT-PSK (65001)"},
		{IK_T_P1_AUTH, 65100, "PRIVATE-USE (65100)"},
		{IK_T_ENCAP, 61443, "UDP-ENCAPSULATED-TUNNEL-DRAFT (61443)"},
		{IK_T_ENCAP, 3, "UDP-ENCAPSULATED-TUNNEL (3)"},
		{IK_T_ESP_TRANS, 12, "ESP_AES (12)"},
		{IK_T_ID_TYPE, 9, "ID_DER_ASN1_DN (9)"},
		{IK_T_CFG_ATTR, 16521, "XAUTH_USER_NAME (16521)"},
		{IK_T_CFG_ATTR, 28676, "UNITY_SPLIT_INCLUDE (28676)"},
		{IK_T_CFG_ATTR, 28700, "PRIVATE-USE (28700)"},
		{IK_T_NONE, 7, "7"},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		ik_fmt(b, rows[i].t, rows[i].v);
		CU_ASSERT_STRING_EQUAL(b, rows[i].want);
	}
	CU_ASSERT_STRING_EQUAL(ik_name(IK_T_NOTIFY, 16), "PAYLOAD-MALFORMED");
	CU_ASSERT_STRING_EQUAL(ik_ref(IK_T_NOTIFY, 24577), "RFC2407 4.6.3.2");
	CU_ASSERT_EQUAL(IK_NOTIFY_UNEQUAL_PAYLOAD_LENGTHS, 30);
	CU_ASSERT_EQUAL(IK_PAYLOAD_NATOA_DRAFT, 131);
}

/* Every number the RFCs define for these tables has its own row. */
static void test_coverage(void)
{
	for (uint32_t v = 1; v <= 30; v++)
		CU_ASSERT(ik_known(IK_T_NOTIFY, v));
	CU_ASSERT(ik_known(IK_T_NOTIFY, 16384));
	for (uint32_t v = 0; v <= 14; v++)
		CU_ASSERT(ik_known(IK_T_PAYLOAD, v));
	for (uint32_t v = 1; v <= 16; v++)
		CU_ASSERT(ik_known(IK_T_P1_ATTR, v));
	for (uint32_t v = 1; v <= 9; v++)
		CU_ASSERT(ik_known(IK_T_P2_ATTR, v));
	for (uint32_t v = 1; v <= 11; v++)
		CU_ASSERT(ik_known(IK_T_ID_TYPE, v));
	for (uint32_t v = 0; v <= 10; v++)
		CU_ASSERT(ik_known(IK_T_CERT_ENC, v));
	for (uint32_t v = 65001; v <= 65010; v++)
		CU_ASSERT(ik_known(IK_T_P1_AUTH, v));
	for (uint32_t v = 1; v <= 15; v++)
		CU_ASSERT(ik_known(IK_T_CFG_ATTR, v));
	for (uint32_t v = 16520; v <= 16529; v++)
		CU_ASSERT(ik_known(IK_T_CFG_ATTR, v));
	for (uint32_t v = 0; v <= 6; v++)
		CU_ASSERT(ik_known(IK_T_EXCH, v));
}

/* No table gives one number two names or one name two numbers; every row cites a source. */
static void test_unique(void)
{
	size_t n = ik_const_count();
	for (size_t i = 0; i < n; i++) {
		const struct ik_const *a = ik_const_at(i);
		CU_ASSERT(a->ref && a->ref[0]);
		CU_ASSERT(a->name && a->name[0]);
		if (a->is_range)
			continue;
		uint32_t back;
		CU_ASSERT(ik_value_of(a->table, a->name, &back) && back == a->lo);
		for (size_t j = i + 1; j < n; j++) {
			const struct ik_const *b = ik_const_at(j);
			if (b->table != a->table || b->is_range)
				continue;
			CU_ASSERT(b->lo != a->lo);
			CU_ASSERT(strcmp(b->name, a->name) != 0);
		}
	}
	uint32_t v;
	CU_ASSERT(ik_value_of(IK_T_P1_ATTR, "life-duration", &v) && v == 12);
	CU_ASSERT(ik_value_of(IK_T_NOTIFY, "0x0e", &v) && v == 14);
	CU_ASSERT_FALSE(ik_value_of(IK_T_NOTIFY, "NO-SUCH-THING", &v));
	CU_ASSERT_EQUAL(ik_attr_values(IK_T_P1_ATTR, 1), IK_T_P1_ENCR);
	CU_ASSERT_EQUAL(ik_attr_values(IK_T_P2_ATTR, 4), IK_T_ENCAP);
	CU_ASSERT_EQUAL(ik_attr_values(IK_T_P1_ATTR, 12), IK_T_NONE);
}

/* Vendor ids that are MD5 hashes of strings: recompute them independently. */
static void test_vendor_ids(void)
{
	static const struct {
		const char *s, *name;
		size_t keep; /* octets of the hash that are sent */
	} rows[] = {
		{"RFC 3947", "RFC 3947", 16},
		{"draft-ietf-ipsec-nat-t-ike-02", "draft-ietf-ipsec-nat-t-ike-02", 16},
		{"draft-ietf-ipsec-nat-t-ike-02\n", "draft-ietf-ipsec-nat-t-ike-02\\n", 16},
		{"draft-ietf-ipsec-nat-t-ike-03", "draft-ietf-ipsec-nat-t-ike-03", 16},
		{"strongSwan", "strongSwan", 16},
		{"FRAGMENTATION", "FRAGMENTATION", 16},
		{"draft-ietf-ipsra-isakmp-xauth-06.txt", "XAUTH", 8},
		{"CISCO-UNITY", "Cisco Unity", 14},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t md[16];
		unsigned int n = 0;
		CU_ASSERT_FATAL(EVP_Digest(rows[i].s, strlen(rows[i].s), md, &n, EVP_md5(), NULL));
		const char *got = ik_vendor_name(md, rows[i].keep);
		CU_ASSERT_PTR_NOT_NULL_FATAL(got);
		CU_ASSERT_STRING_EQUAL(got, rows[i].name);
	}
	/* RFC 3706 5.1: the DPD id with its version octets. */
	static const uint8_t dpd[] = {0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9,
	                              0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00};
	CU_ASSERT_STRING_EQUAL(ik_vendor_name(dpd, sizeof(dpd)), "DPD (RFC 3706)");
	CU_ASSERT_PTR_NULL(ik_vendor_name(dpd, 4));
	static const uint8_t lsw[] = {'O', 'E', 'N', 'x', 'y'};
	CU_ASSERT_PTR_NOT_NULL(strstr(ik_vendor_name(lsw, sizeof(lsw)), "Libreswan"));
}

/* The descriptors refer to fields that exist and have the right kind. */
static void test_descriptors(void)
{
	size_t n;
	const struct ik_sdesc *const *all = ik_all_descs(&n);

	CU_ASSERT(n >= 20);
	for (size_t i = 0; i < n; i++) {
		const struct ik_sdesc *sd = all[i];
		CU_ASSERT(sd->nf <= IK_MAX_FIELDS);
		CU_ASSERT(sd->ref && sd->ref[0]);
		if (sd->list != IK_NO_LIST)
			CU_ASSERT(sd->list < sd->nf && sd->f[sd->list].kind == IK_K_LIST);
		for (int j = 0; j < sd->nf; j++) {
			const struct ik_fdesc *f = &sd->f[j];
			if (f->kind == IK_K_LIST)
				CU_ASSERT_EQUAL(sd->list, j);
			if (f->role == IK_R_SIZE)
				CU_ASSERT(f->ref > j && f->ref < sd->nf &&
				          sd->f[f->ref].kind == IK_K_BYTES);
			if (f->role == IK_R_COUNT)
				CU_ASSERT(f->ref > j && f->ref < sd->nf &&
				          (sd->f[f->ref].kind == IK_K_LIST ||
				           sd->f[f->ref].kind == IK_K_BYTES));
			if (f->kind == IK_K_BYTES && f->ref >= 0)
				CU_ASSERT(f->ref < j && sd->f[f->ref].kind != IK_K_BYTES);
			if (f->role == IK_R_RESERVED)
				CU_ASSERT_PTR_NOT_NULL(f->rule);
			if (sd->kind == IK_S_PAYLOAD && j == 0)
				CU_ASSERT_EQUAL(f->role, IK_R_NEXT);
		}
	}
	static const uint8_t types[] = {1,  4,  5,  6,  7,  8,   9,   10, 11,
	                                12, 13, 14, 20, 21, 130, 131, 132};
	for (size_t i = 0; i < sizeof(types); i++) {
		const struct ik_sdesc *sd = ik_payload_desc(types[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(sd);
		CU_ASSERT_EQUAL(sd->type, types[i]);
		CU_ASSERT_STRING_EQUAL(sd->name, ik_name(IK_T_PAYLOAD, types[i]));
	}
	CU_ASSERT_PTR_NULL(ik_payload_desc(2)); /* proposals only inside an SA */
	CU_ASSERT_PTR_NULL(ik_payload_desc(99));
}

static const struct ik_test tests[] = {
	{"names and ranges", test_format},
	{"RFC numbers all present", test_coverage},
	{"unique rows with references", test_unique},
	{"vendor ids recomputed", test_vendor_ids},
	{"descriptor consistency", test_descriptors},
};
IK_TEST_MAIN("consts", tests)
