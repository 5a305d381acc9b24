/* Proposal selection (engine/codec/select.c): RFC 2408 4.2, RFC 2409 5 / App. A, RFC 2407 4.5. */
#include "cunit.h"
#include "consts.h"
#include "select.h"

#include <string.h>

#define A(c, v)                        \
	{                              \
		.cls = (c), .val = (v) \
	}
#define AES  IK_P1_ENCR_AES_CBC
#define TDES IK_P1_ENCR_3DES_CBC
#define SHA  IK_P1_HASH_SHA
#define PSK  IK_P1_AUTH_PSK

static const struct ik_p1_xform configured[] = {
	{.enc = AES, .keylen = 128, .hash = SHA, .auth = PSK, .group = 14},
	{.enc = TDES, .hash = SHA, .auth = PSK, .group = 2},
};

/* One row: an offer (as attributes), the lifetime policy, and what must come out. */
struct p1_row {
	const char *name;
	struct ik_attr attrs[10];
	size_t n;
	enum ik_life_policy policy;
	bool ok;
	uint32_t life_s;
	bool notify;
	uint16_t fail_notify;
	const char *why; /* substring of the refusal */
};

#define P1(enc, kl, grp) A(1, enc), A(2, SHA), A(3, PSK), A(4, grp), A(14, kl)
#define LIFE(s)          A(11, 1), A(12, s)

static const struct p1_row p1_rows[] = {
	{"exact match",
         {P1(AES, 128, 14), LIFE(28800)},
         7,
         IK_LIFE_STRICT,
         true,
         28800,
         false,
         0,
         NULL},
	{"shorter lifetime kept",
         {P1(AES, 128, 14), LIFE(3600)},
         7,
         IK_LIFE_STRICT,
         true,
         3600,
         false,
         0,
         NULL},
	{"no lifetime: ours", {P1(AES, 128, 14)}, 5, IK_LIFE_STRICT, true, 28800, false, 0, NULL},
	{"longer lifetime, strict: refused",
         {P1(AES, 128, 14), LIFE(86400)},
         7,
         IK_LIFE_STRICT,
         false,
         0,
         false,
         IK_NOTIFY_NO_PROPOSAL_CHOSEN,
         "lifetime 86400 s longer"},
	{"longer lifetime, lenient: lowered + notify",
         {P1(AES, 128, 14), LIFE(86400)},
         7,
         IK_LIFE_LENIENT,
         true,
         28800,
         true,
         0,
         NULL},
	{"longer lifetime, obey",
         {P1(AES, 128, 14), LIFE(86400)},
         7,
         IK_LIFE_OBEY,
         true,
         86400,
         false,
         0,
         NULL},
	{"wrong key length",
         {P1(AES, 256, 14)},
         5,
         IK_LIFE_STRICT,
         false,
         0,
         false,
         IK_NOTIFY_NO_PROPOSAL_CHOSEN,
         "AES-CBC/256"},
	{"unconfigured group",
         {P1(AES, 128, 5)},
         5,
         IK_LIFE_STRICT,
         false,
         0,
         false,
         IK_NOTIFY_NO_PROPOSAL_CHOSEN,
         "MODP-1536 not configured"},
	{"duration without type",
         {P1(AES, 128, 14), A(12, 100)},
         6,
         IK_LIFE_STRICT,
         false,
         0,
         false,
         IK_NOTIFY_ATTRIBUTES_NOT_SUPPORTED,
         "without a preceding"},
	{"zero lifetime",
         {P1(AES, 128, 14), LIFE(0)},
         7,
         IK_LIFE_STRICT,
         false,
         0,
         false,
         IK_NOTIFY_ATTRIBUTES_NOT_SUPPORTED,
         "zero"},
	{"custom group prime unsupported",
         {P1(AES, 128, 14), A(6, 1)},
         6,
         IK_LIFE_STRICT,
         false,
         0,
         false,
         IK_NOTIFY_ATTRIBUTES_NOT_SUPPORTED,
         "GROUP_PRIME"},
	{"conflicting duplicate",
         {P1(AES, 128, 14), A(2, IK_P1_HASH_MD5)},
         6,
         IK_LIFE_STRICT,
         false,
         0,
         false,
         IK_NOTIFY_ATTRIBUTES_NOT_SUPPORTED,
         "HASH_ALGORITHM"},
	{"missing group (mandatory)",
         {A(1, TDES), A(2, SHA), A(3, PSK)},
         3,
         IK_LIFE_STRICT,
         false,
         0,
         false,
         IK_NOTIFY_ATTRIBUTES_NOT_SUPPORTED,
         "GROUP_DESCRIPTION (4) missing"},
	/* No volume lifetime on ISAKMP SAs: refused (strict), our seconds said (lenient), taken (obey). */
	{"kilobyte lifetime, strict: refused",
         {P1(AES, 128, 14), A(11, 2), A(12, 1000)},
         7,
         IK_LIFE_STRICT,
         false,
         0,
         false,
         IK_NOTIFY_NO_PROPOSAL_CHOSEN,
         "1000 KB"},
	{"kilobyte lifetime, lenient: ours + notify",
         {P1(AES, 128, 14), A(11, 2), A(12, 1000)},
         7,
         IK_LIFE_LENIENT,
         true,
         28800,
         true,
         0,
         NULL},
	{"kilobyte + shorter seconds, lenient: seconds kept + notify",
         {P1(AES, 128, 14), A(11, 2), A(12, 1000), LIFE(600)},
         9,
         IK_LIFE_LENIENT,
         true,
         600,
         true,
         0,
         NULL},
	{"kilobyte lifetime, obey: taken",
         {P1(AES, 128, 14), A(11, 2), A(12, 1000)},
         7,
         IK_LIFE_OBEY,
         true,
         28800,
         false,
         0,
         NULL},
};

static void test_p1_rows(void)
{
	struct ik_p1_policy pol = {configured, 2, 28800, IK_LIFE_STRICT};

	for (size_t i = 0; i < sizeof(p1_rows) / sizeof(p1_rows[0]); i++) {
		const struct p1_row *r = &p1_rows[i];
		struct ik_p1_xform x = {.number = 1};
		struct ik_pick pick;
		struct ik_status st;

		ik_status_clear(&st);
		ik_p1_from_attrs(&x, r->attrs, r->n);
		pol.life = r->policy;
		bool ok = ik_p1_select(&pol, &x, 1, &pick, &st);
		CU_ASSERT_EQUAL(ok, r->ok);
		if (ok != r->ok)
			fprintf(stderr, "row '%s': ok=%d why=%s\n", r->name, ok, st.why);
		if (ok && r->ok) {
			CU_ASSERT_EQUAL(pick.life_s, r->life_s);
			CU_ASSERT_EQUAL(pick.notify_lifetime, r->notify);
		}
		if (!ok && !r->ok) {
			CU_ASSERT_EQUAL(st.notify, r->fail_notify);
			CU_ASSERT_PTR_NOT_NULL(strstr(st.why, r->why));
			if (!strstr(st.why, r->why))
				fprintf(stderr, "row '%s': why=%s\n", r->name, st.why);
		}
	}
}

/* RFC 2408 4.2: offers are taken in the initiator's order; the first acceptable one wins and the
 * refusal lists every transform with its reason. */
static void test_p1_order_and_reasons(void)
{
	struct ik_p1_policy pol = {configured, 2, 28800, IK_LIFE_STRICT};
	struct ik_p1_xform offers[3] = {
		{.number = 1, .enc = AES, .keylen = 256, .hash = SHA, .auth = PSK, .group = 14},
		{.number = 2, .enc = TDES, .hash = SHA, .auth = PSK, .group = 2},
		{.number = 3, .enc = AES, .keylen = 128, .hash = SHA, .auth = PSK, .group = 14},
	};
	struct ik_pick pick;
	struct ik_status st;

	CU_ASSERT_TRUE(ik_p1_select(&pol, offers, 3, &pick, &st));
	CU_ASSERT_EQUAL(pick.index, 1);
	CU_ASSERT_FALSE(ik_p1_select(&pol, offers, 1, &pick, &st));
	CU_ASSERT_PTR_NOT_NULL(strstr(st.why, "T1 AES-CBC/256 SHA PRE-SHARED-KEY MODP-2048"));
	CU_ASSERT_FALSE(ik_p1_select(&pol, offers, 0, &pick, &st));
	CU_ASSERT_EQUAL(st.notify, IK_NOTIFY_BAD_PROPOSAL_SYNTAX);
}

static void test_p1_reply_match(void)
{
	struct ik_p1_xform offers[2] = {
		{.number = 1, .enc = AES, .keylen = 128, .hash = SHA, .auth = PSK, .group = 14},
		{.number = 2, .enc = TDES, .hash = SHA, .auth = PSK, .group = 2},
	};
	struct ik_p1_xform reply = offers[1];
	bool renumbered;
	struct ik_status st;

	CU_ASSERT_EQUAL(ik_p1_match_reply(offers, 2, &reply, &renumbered, &st), 1);
	reply.group = 14; /* responder changed an attribute */
	CU_ASSERT_EQUAL(ik_p1_match_reply(offers, 2, &reply, &renumbered, &st), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(st.why, "changed the attributes"));
	CU_ASSERT_PTR_NOT_NULL(strstr(st.why, ": group 2 -> 14 ("));
	reply.life_s = 28800; /* and added a lifetime (RFC 2409 5: "attributes have been added") */
	CU_ASSERT_EQUAL(ik_p1_match_reply(offers, 2, &reply, &renumbered, &st), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(st.why, ": group 2 -> 14, life seconds 0 -> 28800 ("));
	reply = offers[1];
	offers[1].tid = 2; /* offered with Transform-ID 2, answered as KEY_IKE (RFC 2408 5.6) */
	reply.tid = 1;
	CU_ASSERT_EQUAL(ik_p1_match_reply(offers, 2, &reply, &renumbered, &st), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(st.why, ": transform id 2 -> 1 ("));
	offers[1].tid = 0; /* a configured offer: no Transform-ID read, nothing to compare */
	CU_ASSERT_EQUAL(ik_p1_match_reply(offers, 2, &reply, &renumbered, &st), 1);
	reply = offers[0];
	reply.number = 9; /* renumbered (RFC 2408 4.2 "SHOULD retain"): still offer 0 */
	CU_ASSERT_EQUAL(ik_p1_match_reply(offers, 2, &reply, &renumbered, &st), 0);
	CU_ASSERT_TRUE(renumbered);
	reply.group = 5; /* and no offer has its attributes */
	CU_ASSERT_EQUAL(ik_p1_match_reply(offers, 2, &reply, &renumbered, &st), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(st.why, "never offered"));
}

static const struct ik_p2_xform p2_conf[] = {
	{.proto = IK_PROTO_ESP, .id = IK_ESP_TRANS_AES, .keylen = 128, .auth = IK_P2_AUTH_HMAC_SHA},
	{.proto = IK_PROTO_ESP, .id = IK_ESP_TRANS_AES_GCM_16, .keylen = 256},
};

struct p2_row {
	const char *name;
	uint8_t id;
	struct ik_attr attrs[8];
	size_t n;
	uint16_t pfs;
	bool udp;
	bool ok;
	uint32_t life_s;
	bool notify;
	const char *why;
};

#define CBC      IK_ESP_TRANS_AES
#define ESPA(kl) A(6, kl), A(5, IK_P2_AUTH_HMAC_SHA)
#define TUN      A(4, IK_ENCAP_TUNNEL)

static const struct p2_row p2_rows[] = {
	{"match, lifetime kept",
         CBC,
         {ESPA(128), TUN, A(1, 1), A(2, 1200)},
         5,
         0,
         false,
         true,
         1200,
         false,
         NULL},
	{"longer lifetime lowered + RESPONDER-LIFETIME",
         CBC,
         {ESPA(128), TUN, A(1, 1), A(2, 86400)},
         5,
         0,
         false,
         true,
         3600,
         true,
         NULL},
	{"no lifetime = 28800 s default, lowered",
         CBC,
         {ESPA(128), TUN},
         3,
         0,
         false,
         true,
         3600,
         true,
         NULL},
	{"PFS required, none offered",
         CBC,
         {ESPA(128), TUN},
         3,
         14,
         false,
         false,
         0,
         false,
         "no PFS offered but MODP-2048 (14) required"},
	{"PFS group mismatch",
         CBC,
         {ESPA(128), TUN, A(3, 5)},
         4,
         14,
         false,
         false,
         0,
         false,
         "PFS group MODP-1536 (5) offered"},
	{"PFS offered, not configured",
         CBC,
         {ESPA(128), TUN, A(3, 14)},
         4,
         0,
         false,
         false,
         0,
         false,
         "none configured"},
	{"PFS match", CBC, {ESPA(128), TUN, A(3, 14)}, 4, 14, false, true, 3600, true, NULL},
	{"transport refused when tunnel wanted",
         CBC,
         {ESPA(128), A(4, 2)},
         3,
         0,
         false,
         false,
         0,
         false,
         "encapsulation TRANSPORT"},
	{"UDP tunnel with NAT (RFC 3947)",
         CBC,
         {ESPA(128), A(4, 3)},
         3,
         0,
         true,
         true,
         3600,
         true,
         NULL},
	{"UDP tunnel draft value with NAT",
         CBC,
         {ESPA(128), A(4, 61443)},
         3,
         0,
         true,
         true,
         3600,
         true,
         NULL},
	{"plain tunnel refused under NAT",
         CBC,
         {ESPA(128), TUN},
         3,
         0,
         true,
         false,
         0,
         false,
         "encapsulation TUNNEL"},
	{"GCM without auth",
         IK_ESP_TRANS_AES_GCM_16,
         {A(6, 256), TUN},
         2,
         0,
         false,
         true,
         3600,
         true,
         NULL},
	{"wrong key length", CBC, {ESPA(192), TUN}, 3, 0, false, false, 0, false, "ESP_AES/192"},
	{"key rounds unsupported",
         CBC,
         {ESPA(128), A(7, 10)},
         3,
         0,
         false,
         false,
         0,
         false,
         "KEY_ROUNDS"},
};

/* RFC 2407 4.5.4 in quick mode, by the profile's phase2.lifetime_policy. */
static const struct {
	enum ik_life_policy life;
	struct p2_row r;
} p2_life_rows[] = {
	{IK_LIFE_STRICT,
         {"longer lifetime, strict: refused",
          CBC,
          {ESPA(128), TUN, A(1, 1), A(2, 86400)},
          5,
          0,
          false,
          false,
          0,
          false,
          "lifetime 86400 s longer than the configured 3600 s (strict"}},
	{IK_LIFE_STRICT,
         {"no lifetime (28800 s), strict: refused",
          CBC,
          {ESPA(128), TUN},
          3,
          0,
          false,
          false,
          0,
          false,
          "longer than the configured"}},
	{IK_LIFE_STRICT,
         {"kilobytes only, strict: refused",
          CBC,
          {ESPA(128), TUN, A(1, 2), A(2, 50000)},
          5,
          0,
          false,
          false,
          0,
          false,
          "50000 KB only (strict"}},
	{IK_LIFE_STRICT,
         {"shorter lifetime, strict: kept",
          CBC,
          {ESPA(128), TUN, A(1, 1), A(2, 600)},
          5,
          0,
          false,
          true,
          600,
          false,
          NULL}},
	{IK_LIFE_OBEY,
         {"longer lifetime, obey: shortened silently",
          CBC,
          {ESPA(128), TUN, A(1, 1), A(2, 86400)},
          5,
          0,
          false,
          true,
          3600,
          false,
          NULL}},
	{IK_LIFE_OBEY,
         {"kilobytes only, obey: ours, silently",
          CBC,
          {ESPA(128), TUN, A(1, 2), A(2, 50000)},
          5,
          0,
          false,
          true,
          3600,
          false,
          NULL}},
	{IK_LIFE_LENIENT,
         {"kilobytes only, lenient: announced",
          CBC,
          {ESPA(128), TUN, A(1, 2), A(2, 50000)},
          5,
          0,
          false,
          true,
          3600,
          true,
          NULL}},
};

static void check_p2_row(const struct p2_row *r, enum ik_life_policy life)
{
	struct ik_p2_policy pol = {p2_conf, 2, r->pfs, 3600, life, false, r->udp, false};
	struct ik_p2_xform x = {.proposal = 1, .number = 1, .proto = IK_PROTO_ESP, .id = r->id};
	struct ik_pick pick;
	struct ik_status st;

	ik_status_clear(&st);
	ik_p2_from_attrs(&x, r->attrs, r->n);
	bool ok = ik_p2_select(&pol, &x, 1, &pick, &st);
	CU_ASSERT_EQUAL(ok, r->ok);
	if (ok != r->ok)
		fprintf(stderr, "row '%s': ok=%d why=%s\n", r->name, ok, st.why);
	if (ok && r->ok) {
		CU_ASSERT_EQUAL(pick.life_s, r->life_s);
		CU_ASSERT_EQUAL(pick.notify_lifetime, r->notify);
	}
	if (!ok && !r->ok) {
		CU_ASSERT_PTR_NOT_NULL(strstr(st.why, r->why));
		if (!strstr(st.why, r->why))
			fprintf(stderr, "row '%s': why=%s\n", r->name, st.why);
	}
}

static void test_p2_rows(void)
{
	for (size_t i = 0; i < sizeof(p2_rows) / sizeof(p2_rows[0]); i++)
		check_p2_row(&p2_rows[i], IK_LIFE_LENIENT);
	for (size_t i = 0; i < sizeof(p2_life_rows) / sizeof(p2_life_rows[0]); i++)
		check_p2_row(&p2_life_rows[i].r, p2_life_rows[i].life);
}

static const struct ik_test tests[] = {
	{"phase 1 selection table (RFC 2409 App. A, RFC 2407 4.5.4)", test_p1_rows},
	{"phase 1 preference order and reasons (RFC 2408 4.2)", test_p1_order_and_reasons},
	{"initiator checks the reply (RFC 2408 4.2)", test_p1_reply_match},
	{"quick mode selection table (RFC 2407 4.5, RFC 2409 5.5, RFC 3947 5.1)", test_p2_rows},
};

IK_TEST_MAIN("select", tests)
