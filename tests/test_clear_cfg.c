/*
 * What the clear-cfg step (suite/run_clear_cfg.c, draft-dukes-ike-mode-cfg-02 3.1.2) says the
 * DUT answered under its cookie: a clear REPLY with its attributes, one under another
 * identifier, anything else by exchange type and protection. Each datagram is built by the
 * codec, as a DUT would send it.
 */
#include "cunit.h"
#include "consts.h"
#include "runner_int.h"
#include "util.h"
#include "xchg.h"

#include <string.h>

static const uint8_t IC[8] = {1, 2, 3, 4, 5, 6, 7, 8}, RC[8] = {9, 9, 9, 9, 9, 9, 9, 9};

/* HDR exch/flags, then an ATTR of type and identifier with APPLICATION_VERSION = v (NULL: no
 * ATTR at all, a bare header) into w. */
static bool build(struct ik_wr *w, uint8_t exch, uint8_t flags, uint8_t type, uint16_t id,
                  const char *v)
{
	struct ik_msg m;
	struct ik_status st = {0};
	struct ik_cfg_msg c = {.type = type, .id = id, .n = 1};
	c.a[0].type = IK_CFG_ATTR_APPLICATION_VERSION;
	c.a[0].len = v ? (uint8_t)strlen(v) : 0;
	if (v)
		memcpy(c.a[0].v, v, c.a[0].len);
	ik_wr_init(w);
	bool ok = ik_msg_start(&m, IC, RC, exch, flags, 0x1234) && (!v || ik_cfg_msg_add(&m, &c)) &&
	          ik_encode(&m, w, &st);
	ik_msg_free(&m);
	return ok;
}

struct cc_row {
	const char *what;
	uint8_t exch, flags, type;
	uint16_t id;
	const char *v, *want;
};

static const struct cc_row rows[] = {
	{"a clear REPLY of ours", IK_EXCH_TRANSACTION, 0, IK_CFG_TYPE_REPLY, 7, "strongSwan 5.9",
         "in the clear (3.1.2): CFG-REPLY (identifier 7): APPLICATION_VERSION"},
	{"a REPLY under another identifier", IK_EXCH_TRANSACTION, 0, IK_CFG_TYPE_REPLY, 8, "x",
         "(identifier 8, not ours)"},
	{"a clear notify", IK_EXCH_INFO, 0, 0, 0, NULL, "with a clear INFORMATIONAL message"},
	{"an encrypted transaction", IK_EXCH_TRANSACTION, IK_HDR_FLAG_ENC, 0, 0, NULL,
         "with an encrypted TRANSACTION message"},
	{"a clear transaction with no ATTR", IK_EXCH_TRANSACTION, 0, 0, 0, NULL,
         "without one ATTR payload"},
};

static void test_describe(void)
{
	for (size_t i = 0; i < IK_ARRAY_SIZE(rows); i++) {
		const struct cc_row *r = &rows[i];
		struct ik_wr w;
		char out[240];
		CU_ASSERT_TRUE_FATAL(build(&w, r->exch, r->flags, r->type, r->id, r->v));
		ik_clear_cfg_describe(w.p, w.len, 7, out, sizeof(out));
		if (!strstr(out, r->want))
			fprintf(stderr, "%s: %s\n", r->what, out);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, r->want));
		ik_wr_free(&w);
	}
}

static const struct ik_test tests[] = {
	{"clear-cfg: what the DUT answered before phase 1, in words", test_describe},
};

IK_TEST_MAIN("clear_cfg", tests)
