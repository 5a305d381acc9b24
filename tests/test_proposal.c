/*
 * Unit tests of the algorithm table (engine/crypto/algs.def) as proposals use it: the numbers are checked against the
 * RFCs independently of the tables, and every keyword parses and renders back to itself.
 */
#include "cunit.h"
#include "proposal.h"

#include <stdio.h>
#include <string.h>

/* Expected numbers, copied from the RFCs (not from algs.def). */
static const struct {
	const char *name;
	uint16_t ike, esp, bits;
} enc_rfc[] = {
	{"des", 1, 2, 0},            /* RFC 2409 App. A; RFC 2407 4.4.4 ESP_DES */
	{"3des", 5, 3, 0},           /* RFC 2409 App. A; ESP_3DES */
	{"aes128", 7, 12, 128},      /* RFC 3602 5: AES-CBC 7 in IKE, ESP_AES 12 */
	{"aes192", 7, 12, 192},      /* */
	{"aes256", 7, 12, 256},      /* */
	{"aes128ctr", 0, 13, 128},   /* RFC 3686 5: ESP_AES-CTR 13 */
	{"aes256ctr", 0, 13, 256},   /* */
	{"aes128gcm16", 0, 20, 128}, /* RFC 4106 8.4: 20 = 16 octet ICV */
	{"aes256gcm16", 0, 20, 256}, /* */
	{"null", 0, 11, 0},          /* RFC 2407 4.4.4 ESP_NULL, RFC 2410 */
};

static const struct {
	const char *name;
	uint16_t hash, auth;
} integ_rfc[] = {
	{"md5", 1, 1},    /* RFC 2409 App. A; RFC 2407 4.5 HMAC-MD5 */
	{"sha1", 2, 2},   /* SHA; HMAC-SHA */
	{"sha256", 4, 5}, /* IANA hash 4; RFC 4868 2.4: HMAC-SHA2-256 5 */
	{"sha384", 5, 6}, /* */
	{"sha512", 6, 7}, /* */
};

static const struct {
	const char *name;
	uint16_t group;
} dh_rfc[] = {
	{"modp768", 1},   {"modp1024", 2},  {"modp1536", 5},  {"modp2048", 14},
	{"modp3072", 15}, {"modp4096", 16}, {"modp6144", 17}, {"modp8192", 18},
	{"ecp256", 19},   {"ecp384", 20},   {"ecp521", 21},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_numbers_match_rfcs(void)
{
	for (size_t i = 0; i < N(enc_rfc); i++) {
		const struct ik_cipher_alg *e = ik_cipher_by_name(enc_rfc[i].name);
		CU_ASSERT_PTR_NOT_NULL_FATAL(e);
		CU_ASSERT_EQUAL(e->ike_id, enc_rfc[i].ike);
		CU_ASSERT_EQUAL(e->esp_id, enc_rfc[i].esp);
		CU_ASSERT_EQUAL(e->key_bits, enc_rfc[i].bits);
	}
	for (size_t i = 0; i < N(integ_rfc); i++) {
		const struct ik_hash_alg *h = ik_hash_by_keyword(integ_rfc[i].name);
		CU_ASSERT_PTR_NOT_NULL_FATAL(h);
		CU_ASSERT_EQUAL(h->ike_hash, integ_rfc[i].hash);
		CU_ASSERT_EQUAL(h->esp_auth, integ_rfc[i].auth);
	}
	for (size_t i = 0; i < N(dh_rfc); i++) {
		const struct ik_dh_group *d = ik_dh_by_name(dh_rfc[i].name);
		CU_ASSERT_PTR_NOT_NULL_FATAL(d);
		CU_ASSERT_EQUAL(d->id, dh_rfc[i].group);
		CU_ASSERT_PTR_EQUAL(ik_dh_by_id(dh_rfc[i].group), d);
	}
	CU_ASSERT_PTR_NULL(ik_dh_by_id(22));
	CU_ASSERT_PTR_NULL(ik_cipher_by_name("blowfish"));
}

/* Every keyword: parse in the phases where it is allowed, render back, find by number. */
static void test_every_keyword_round_trips(void)
{
	struct ik_p1_proposal p1;
	struct ik_p2_proposal p2;
	struct ik_status st;
	char text[64], back[64];

	for (size_t i = 0; i < ik_cipher_alg_count; i++) {
		const struct ik_cipher_alg *e = &ik_cipher_algs[i];
		snprintf(text, sizeof(text), "%s-sha1-modp2048", e->name);
		CU_ASSERT_EQUAL(ik_p1_parse(text, &p1, &st), e->ike_id != 0);
		if (e->ike_id) {
			CU_ASSERT_TRUE(ik_p1_format(&p1, back, sizeof(back)));
			CU_ASSERT_STRING_EQUAL(back, text);
			CU_ASSERT_PTR_EQUAL(ik_cipher_by_ike(p1.enc_id, p1.key_bits), e);
		}
		snprintf(text, sizeof(text), e->aead ? "%s" : "%s-sha256", e->name);
		CU_ASSERT_TRUE(ik_p2_parse(text, &p2, &st));
		CU_ASSERT_TRUE(ik_p2_format(&p2, 0, back, sizeof(back)));
		CU_ASSERT_STRING_EQUAL(back, text);
		CU_ASSERT_PTR_EQUAL(ik_cipher_by_esp(p2.esp_id, p2.key_bits), e);
		CU_ASSERT_EQUAL(p2.auth_alg, e->aead ? 0 : 5);
	}
	for (size_t i = 0; i < ik_hash_alg_count; i++) {
		const struct ik_hash_alg *h = &ik_hash_algs[i];
		snprintf(text, sizeof(text), "aes128-%s-ecp256", h->name);
		CU_ASSERT_TRUE(ik_p1_parse(text, &p1, &st));
		CU_ASSERT_TRUE(ik_p1_format(&p1, back, sizeof(back)));
		CU_ASSERT_STRING_EQUAL(back, text);
		CU_ASSERT_PTR_EQUAL(ik_hash_by_id(p1.hash_id), h);
		snprintf(text, sizeof(text), "3des-%s", h->name);
		CU_ASSERT_TRUE(ik_p2_parse(text, &p2, &st));
		CU_ASSERT_PTR_EQUAL(ik_hash_by_esp(p2.auth_alg), h);
	}
	for (size_t i = 0; i < ik_dh_group_count; i++) {
		const struct ik_dh_group *d = &ik_dh_groups[i];
		snprintf(text, sizeof(text), "aes256-sha384-%s", d->name);
		CU_ASSERT_TRUE(ik_p1_parse(text, &p1, &st));
		CU_ASSERT_EQUAL(p1.group, d->id);
		CU_ASSERT_TRUE(ik_p1_format(&p1, back, sizeof(back)));
		CU_ASSERT_STRING_EQUAL(back, text);
		/* As a PFS group in phase 2, explicit or appended from the profile's pfs. */
		snprintf(text, sizeof(text), "aes128gcm16-%s", d->name);
		CU_ASSERT_TRUE(ik_p2_parse(text, &p2, &st));
		CU_ASSERT_EQUAL(p2.group, d->id);
		CU_ASSERT_TRUE(ik_p2_parse("aes128gcm16", &p2, &st));
		CU_ASSERT_TRUE(ik_p2_format(&p2, d->id, back, sizeof(back)));
		CU_ASSERT_STRING_EQUAL(back, text);
	}
	/* Confidentiality-only ESP (RFC 4303 5): a cipher alone, no Authentication Algorithm. */
	CU_ASSERT_TRUE(ik_p2_parse("aes128", &p2, &st));
	CU_ASSERT_EQUAL(p2.auth_alg, 0);
	CU_ASSERT_PTR_NULL(p2.integ);
	CU_ASSERT_TRUE(ik_p2_format(&p2, 0, back, sizeof(back)));
	CU_ASSERT_STRING_EQUAL(back, "aes128");
}

static void test_aliases(void)
{
	const char *alias, *canon;
	size_t n = 0;

	for (size_t i = 0; ik_alias_at(i, &alias, &canon); i++, n++) {
		const void *a = ik_cipher_by_name(alias) ? (const void *)ik_cipher_by_name(alias)
		                                         : (const void *)ik_hash_by_keyword(alias);
		const void *c = ik_cipher_by_name(canon) ? (const void *)ik_cipher_by_name(canon)
		                                         : (const void *)ik_hash_by_keyword(canon);
		CU_ASSERT_PTR_NOT_NULL(a);
		CU_ASSERT_PTR_EQUAL(a, c);
	}
	CU_ASSERT(n >= 5);
	struct ik_p2_proposal p2;
	struct ik_status st;
	char back[64];
	CU_ASSERT_TRUE(ik_p2_parse("aes256gcm128-modp2048", &p2, &st));
	CU_ASSERT_TRUE(ik_p2_format(&p2, 0, back, sizeof(back)));
	CU_ASSERT_STRING_EQUAL(back, "aes256gcm16-modp2048");
	struct ik_p1_proposal p1;
	CU_ASSERT_TRUE(ik_p1_parse("modp2048-sha2_256-aes", &p1, &st)); /* any order, aliases */
	CU_ASSERT_TRUE(ik_p1_format(&p1, back, sizeof(back)));
	CU_ASSERT_STRING_EQUAL(back, "aes128-sha256-modp2048");
}

/* Every target spelling is present where the target has the algorithm. */
static void test_target_names(void)
{
	for (size_t i = 0; i < ik_cipher_alg_count; i++) {
		const struct ik_cipher_alg *e = &ik_cipher_algs[i];
		if (e->ike_id && strcmp(e->name, "des"))
			CU_ASSERT_PTR_NOT_NULL(e->libreswan);
		if (e->ike_id)
			CU_ASSERT_PTR_NOT_NULL(e->ios_ike);
	}
	CU_ASSERT_STRING_EQUAL(ik_cipher_by_name("aes256gcm16")->libreswan, "aes_gcm256");
	CU_ASSERT_STRING_EQUAL(ik_cipher_by_name("aes128gcm16")->ios_esp, "esp-gcm 128");
	CU_ASSERT_STRING_EQUAL(ik_hash_by_keyword("sha1")->ios_esp, "esp-sha-hmac");
	CU_ASSERT_STRING_EQUAL(ik_hash_by_keyword("sha256")->libreswan, "sha2_256");
	CU_ASSERT_PTR_NULL(ik_dh_by_name("modp1024")->libreswan);
	CU_ASSERT_STRING_EQUAL(ik_dh_by_name("ecp256")->libreswan, "dh19");
	CU_ASSERT_FALSE(ik_dh_by_name("modp8192")->ios);
}

static const struct {
	const char *text;
	bool phase1;
	const char *want;
} bad[] = {
	{"", true, "empty proposal"},
	{"aes128-sha1", true, "lacks a Diffie-Hellman group"},
	{"aes128-modp2048", true, "lacks a hash"},
	{"sha1-modp2048", true, "lacks an encryption"},
	{"aes128ctr-sha1-modp2048", true, "not defined for IKEv1 phase 1"},
	{"null-sha1-modp2048", true, "not defined for IKEv1 phase 1"},
	{"aes128-sha1-modp2048-ecp256", true, "two Diffie-Hellman"},
	{"aes128-sha1-md5-modp2048", true, "two integrity"},
	{"aes128-sha1-modp2048-", true, "empty algorithm"},
	{"aes128-prfsha1-modp2048", true, "unknown algorithm 'prfsha1'"},
	{"aes128gcm16-sha1", false, "AEAD"},
	{"null", false, "lacks an integrity"},
	{"sha1", false, "lacks an encryption"},
	{"aes128-sha1-esn", false, "unknown algorithm 'esn'"},
	{"aes128-sha1-thisnameismuchtoolongforanyalgorithmkeyword", false, "too long"},
};

static void test_bad_proposals(void)
{
	struct ik_p1_proposal p1;
	struct ik_p2_proposal p2;
	struct ik_status st;

	for (size_t i = 0; i < N(bad); i++) {
		ik_status_clear(&st);
		bool ok = bad[i].phase1 ? ik_p1_parse(bad[i].text, &p1, &st)
		                        : ik_p2_parse(bad[i].text, &p2, &st);
		CU_ASSERT_FALSE(ok);
		if (!strstr(st.why, bad[i].want))
			fprintf(stderr, "\n  '%s': '%s' lacks '%s'\n", bad[i].text, st.why,
			        bad[i].want);
		CU_ASSERT_PTR_NOT_NULL(strstr(st.why, bad[i].want));
	}
}

static void test_format_truncation(void)
{
	struct ik_p1_proposal p1;
	struct ik_status st;
	char small[8];

	CU_ASSERT_TRUE(ik_p1_parse("aes256-sha512-modp8192", &p1, &st));
	CU_ASSERT_FALSE(ik_p1_format(&p1, small, sizeof(small)));
}

static const struct ik_test tests[] = {
	{"numbers match the RFCs", test_numbers_match_rfcs},
	{"every keyword round-trips", test_every_keyword_round_trips},
	{"aliases", test_aliases},
	{"Libreswan and IOS spellings", test_target_names},
	{"bad proposals say why", test_bad_proposals},
	{"format reports truncation", test_format_truncation},
};

IK_TEST_MAIN("proposal", tests)
