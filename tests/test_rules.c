/* Per-message payload rules (engine/exchanges/rules.def): RFC 2409 5, 5.5, 5.7; RFC 3947. */
#include "cunit.h"
#include "consts.h"
#include "rules.h"

#include <string.h>

struct row {
	const char *name;
	enum ik_xchg x;
	int msg;
	bool enc;
	uint8_t types[8];
	size_t n;
	uint16_t notify; /* 0: must pass */
	const char *why;
};

enum {
	SA = IK_PAYLOAD_SA,
	KE = IK_PAYLOAD_KE,
	NO = IK_PAYLOAD_NONCE,
	ID = IK_PAYLOAD_ID,
	HA = IK_PAYLOAD_HASH,
	VI = IK_PAYLOAD_VID,
	ND = IK_PAYLOAD_NATD,
	N = IK_PAYLOAD_N,
	D = IK_PAYLOAD_D
};

static const struct row rows[] = {
	{"MM1 SA+VIDs", IK_X_MAIN, 1, false, {SA, VI, VI}, 3, 0, NULL},
	{"MM1 without SA", IK_X_MAIN, 1, false, {VI}, 1, IK_NOTIFY_PAYLOAD_MALFORMED, "0 SA"},
	{"MM1 SA not first",
         IK_X_MAIN,
         1,
         false,
         {VI, SA},
         2,
         IK_NOTIFY_PAYLOAD_MALFORMED,
         "must be payload 1"},
	{"MM1 two SAs",
         IK_X_MAIN,
         1,
         false,
         {SA, SA},
         2,
         IK_NOTIFY_PAYLOAD_MALFORMED,
         "must be payload 1"},
	{"MM1 with KE", IK_X_MAIN, 1, false, {SA, KE}, 2, IK_NOTIFY_INVALID_PAYLOAD_TYPE, "KE (4)"},
	{"MM1 encrypted", IK_X_MAIN, 1, true, {SA}, 1, IK_NOTIFY_INVALID_FLAGS, "not be encrypted"},
	{"MM3 with NAT-D", IK_X_MAIN, 3, false, {KE, NO, ND, ND}, 4, 0, NULL},
	{"MM3 without nonce",
         IK_X_MAIN,
         3,
         false,
         {KE, ND, ND},
         3,
         IK_NOTIFY_PAYLOAD_MALFORMED,
         "NONCE"},
	{"MM5 plain",
         IK_X_MAIN,
         5,
         false,
         {ID, HA},
         2,
         IK_NOTIFY_INVALID_FLAGS,
         "must be encrypted"},
	{"MM5 with INITIAL-CONTACT", IK_X_MAIN, 5, true, {ID, HA, N}, 3, 0, NULL},
	{"MM6 no HASH", IK_X_MAIN, 6, true, {ID}, 1, IK_NOTIFY_PAYLOAD_MALFORMED, "HASH"},
	{"AM1", IK_X_AGGR, 1, false, {SA, KE, NO, ID, VI}, 5, 0, NULL},
	{"AM3 plain or encrypted", IK_X_AGGR, 3, true, {HA}, 1, 0, NULL},
	{"QM1 with PFS and IDs", IK_X_QUICK, 1, true, {HA, SA, NO, KE, ID, ID}, 6, 0, NULL},
	{"QM1 HASH not first",
         IK_X_QUICK,
         1,
         true,
         {SA, HA, NO},
         3,
         IK_NOTIFY_PAYLOAD_MALFORMED,
         "SA must be payload 2"},
	{"QM1 three IDs",
         IK_X_QUICK,
         1,
         true,
         {HA, SA, NO, ID, ID, ID},
         6,
         IK_NOTIFY_PAYLOAD_MALFORMED,
         "3 ID"},
	{"QM3", IK_X_QUICK, 3, true, {HA}, 1, 0, NULL},
	{"QM3 with nonce",
         IK_X_QUICK,
         3,
         true,
         {HA, NO},
         2,
         IK_NOTIFY_INVALID_PAYLOAD_TYPE,
         "NONCE"},
	{"INFO delete", IK_X_INFO, 1, true, {HA, D}, 2, 0, NULL},
	{"INFO without HASH", IK_X_INFO, 1, true, {N}, 1, IK_NOTIFY_PAYLOAD_MALFORMED, "0 HASH"},
	{"INFO plain notify", IK_X_INFO, IK_INFO_PLAIN, false, {N}, 1, 0, NULL},
};

static void test_rows(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct ik_status st;
		ik_status_clear(&st);
		bool ok = ik_rules_check(r->x, r->msg, r->enc, r->types, r->n, &st);
		CU_ASSERT_EQUAL(ok, r->notify == 0);
		if (!ok) {
			CU_ASSERT_EQUAL(st.notify, r->notify);
			CU_ASSERT_PTR_NOT_NULL(r->why ? strstr(st.why, r->why) : NULL);
		}
		if (ok != (r->notify == 0) || (!ok && (!r->why || !strstr(st.why, r->why))))
			fprintf(stderr, "row '%s': %s\n", r->name, st.why);
	}
}

static const struct ik_test tests[] = {
	{"message rules table (RFC 2409 5, 5.5, 5.7)", test_rows},
};

IK_TEST_MAIN("rules", tests)
