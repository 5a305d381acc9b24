/* Per-message payload rules (engine/exchanges/messages.def): RFC 2409 5, 5.5, 5.7; RFC 3947. */
#include "cunit.h"
#include "consts.h"
#include "rules.h"
#include "xchg.h"

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

/* The payloads a message must carry, in the order of its row (the families' field paths). */
static void test_required(void)
{
	uint8_t t[8];
	CU_ASSERT_EQUAL(ik_rules_required(IK_X_AGGR, 1, t, 8), 4);
	CU_ASSERT(t[0] == SA && t[1] == KE && t[2] == NO && t[3] == ID);
	CU_ASSERT_EQUAL(ik_rules_required(IK_X_QUICK, 3, t, 8), 1);
	CU_ASSERT_EQUAL(t[0], HA);
	CU_ASSERT_EQUAL(ik_rules_required(IK_X_TRANS, 1, t, 8), 2); /* draft-dukes 3.1.1 */
	CU_ASSERT(t[0] == HA && t[1] == IK_PAYLOAD_ATTR);
	CU_ASSERT_EQUAL(ik_rules_required(IK_X_MAIN, 1, t, 0), 0);
}

/* The steps of messages.def: each exchange alternates between the roles, every message is built
 * by its sender, and the receiver of the last one takes it (RFC 2409 5, 5.5). */
static void test_steps(void)
{
	static const enum ik_xchg xs[] = {IK_X_MAIN, IK_X_AGGR, IK_X_QUICK, IK_X_TRANS};
	for (size_t i = 0; i < sizeof(xs) / sizeof(xs[0]); i++) {
		enum ik_who role = IK_INITIATOR;
		int in = 0, len = ik_xchg_len(xs[i]);
		for (;;) {
			const struct ik_step *s = ik_step_find(xs[i], role, in);
			CU_ASSERT_PTR_NOT_NULL_FATAL(s);
			CU_ASSERT_EQUAL(s->out, in < len ? in + 1 : 0);
			if (!s->out)
				break;
			CU_ASSERT_EQUAL(ik_msg_sender(xs[i], s->out), role);
			CU_ASSERT_PTR_NULL(ik_step_find(xs[i], role, s->out));
			role = role == IK_INITIATOR ? IK_RESPONDER : IK_INITIATOR;
			in = s->out;
		}
	}
	CU_ASSERT_PTR_NULL(ik_step_find(IK_X_INFO, IK_INITIATOR, 0));
	CU_ASSERT_STRING_EQUAL(ik_step_find(IK_X_MAIN, IK_RESPONDER, 1)->name, "main_inI1_outR1");
	CU_ASSERT_STRING_EQUAL(ik_step_find(IK_X_QUICK, IK_RESPONDER, 3)->name, "quick_inI2");
}

static const struct ik_test tests[] = {
	{"message rules table (RFC 2409 5, 5.5, 5.7)", test_rows},
	{"the payloads each message must carry, in order", test_required},
	{"one step per message, alternating roles (RFC 2409 5, 5.5)", test_steps},
};

IK_TEST_MAIN("rules", tests)
