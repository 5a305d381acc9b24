/*
 * XAUTH (draft-beaulieu-ike-xauth-02) and mode-config (draft-dukes-ike-mode-cfg-02), engine
 * against engine in one process: the client is phase 1's initiator, the gateway its responder
 * (tests/ike_pair.c). Each negative test has a twin with the gateway quirk that breaks the rule
 * (engine/mutation/quirk.def), so the assertion is seen to fail when the rule is not kept.
 */
#include "cunit.h"
#include "ike_pair.h"
#include "xchg.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static void ip4(uint8_t *dst, const char *a)
{
	inet_pton(AF_INET, a, dst);
}

/* Client joe/foobar asking for an address; gateway knowing joe and handing out 10.9.0.10/24
 * with DNS 10.9.0.53. Phase 1 offers XAUTHInitPreShared (draft-beaulieu-ike-xauth-02 7.2). */
static void xa_cfgs(struct ik_cfg *ci, struct ik_cfg *cr, const char *password)
{
	pair_cfg(ci, true);
	pair_cfg(cr, false);
	ci->p1[0].auth = cr->p1[0].auth = IK_P1_AUTH_XAUTH_INIT_PSK;
	ci->xauth.client = ci->xauth.cfg_client = true;
	snprintf(ci->xauth.me.name, IK_XA_STR, "joe");
	snprintf(ci->xauth.me.password, IK_XA_STR, "%s", password);
	cr->xauth.gateway = cr->xauth.cfg_gateway = true;
	snprintf(cr->xauth.users[0].name, IK_XA_STR, "joe");
	snprintf(cr->xauth.users[0].password, IK_XA_STR, "foobar");
	cr->xauth.nusers = 1;
	ip4(cr->xauth.pool, "10.9.0.10");
	ip4(cr->xauth.netmask, "255.255.255.0");
	ip4(cr->xauth.dns[0], "10.9.0.53");
	cr->xauth.ndns = 1;
}

/* Run until both quick modes are up or ms passed (a refused transaction reports a failure of
 * that transaction only: pair_run would stop at it). */
static void run_until_up(struct ik_pair *p, uint64_t ms)
{
	uint64_t end = ik_now_ms() + ms;
	while (p->p2_up < 2 && ik_now_ms() < end)
		ik_loop_once(&p->loop, 20);
}

/* Both engines up, the client initiating, until quick mode is up both ways or ms pass. */
static bool xa_start(struct ik_pair *p, struct ik_cfg *ci, struct ik_cfg *cr, uint64_t ms)
{
	struct ik_status st;
	if (!pair_open(p, ci, cr, &st))
		return false;
	ik_initiate(&p->ini);
	run_until_up(p, ms);
	return true;
}

static bool addr_is(const uint8_t *a, const char *want)
{
	uint8_t w[4];
	ip4(w, want);
	return !memcmp(a, w, 4);
}

static void good_path(bool aggressive, bool push)
{
	struct ik_cfg ci, cr;
	struct ik_pair p;

	xa_cfgs(&ci, &cr, "foobar");
	ci.aggressive = aggressive;
	ci.xauth.cfg_push = cr.xauth.cfg_push = push;
	CU_ASSERT_TRUE_FATAL(xa_start(&p, &ci, &cr, 4000));
	if (p.failed)
		fprintf(stderr, "xauth: %s\n", p.why.why);
	CU_ASSERT_EQUAL(p.p2_up, 2);
	struct ik_sa *c = p.ini.sas, *g = p.res.sas;
	CU_ASSERT_TRUE_FATAL(c && g);
	CU_ASSERT_TRUE(c->xa.xauth_done && c->xa.xauth_ok);
	CU_ASSERT_TRUE(g->xa.xauth_done && g->xa.xauth_ok);
	CU_ASSERT_STRING_EQUAL(g->xa.user, "joe");
	/* draft-beaulieu-ike-xauth-02 4: both sent the XAUTH vendor ID in phase 1 */
	CU_ASSERT_TRUE(c->xa.peer_vid && g->xa.peer_vid);
	CU_ASSERT_TRUE(c->xa.cfg_done);
	CU_ASSERT_TRUE(addr_is(c->xa.addr, "10.9.0.10"));
	CU_ASSERT_TRUE(addr_is(c->xa.netmask, "255.255.255.0"));
	CU_ASSERT_EQUAL(c->xa.ndns, 1);
	CU_ASSERT_TRUE(addr_is(c->xa.dns[0], "10.9.0.53"));
	/* one REQUEST/REPLY and one SET/ACK for XAUTH, one transaction for mode-config */
	size_t n = 0;
	for (struct ik_qm *q = g->txs; q; q = q->next)
		n += q->established;
	CU_ASSERT_EQUAL(n, 3);
	pair_close(&p);
}

static void test_main_mode(void)
{
	good_path(false, false);
}

static void test_aggressive_mode(void)
{
	good_path(true, false);
}

static void test_push(void)
{
	good_path(false, true);
}

/* draft-beaulieu-ike-xauth-02 6: "If the extended authentication fails, then the phase 1 SA
 * MUST be immediately deleted": SET(STATUS=FAIL), no address, no quick mode, both SAs gone.
 * With quirk xauth-accept-any the gateway lets the same wrong password in. */
static void wrong_password(ik_quirks_t quirks)
{
	struct ik_cfg ci, cr;
	struct ik_pair p;

	xa_cfgs(&ci, &cr, "wrong");
	cr.quirks = quirks;
	CU_ASSERT_TRUE_FATAL(xa_start(&p, &ci, &cr, !ik_quirks_none(quirks) ? 4000 : 1500));
	struct ik_sa *c = p.ini.sas, *g = p.res.sas;
	CU_ASSERT_TRUE_FATAL(c && g);
	CU_ASSERT_TRUE(g->xa.xauth_done);
	/* fail_set: the gateway sent SET(FAIL), what the runner reads when a client deletes the SA
	 * before its ACK (suite/run_case.c) */
	CU_ASSERT_EQUAL(g->xa.fail_set, ik_quirks_none(quirks));
	if (ik_quirks_none(quirks)) {
		CU_ASSERT_FALSE(g->xa.xauth_ok);
		CU_ASSERT_FALSE(c->xa.xauth_ok);
		CU_ASSERT_TRUE(c->dead);
		CU_ASSERT_TRUE(g->dead);
		CU_ASSERT_FALSE(c->xa.cfg_done);
		CU_ASSERT_EQUAL(p.p2_up, 0);
	} else {
		CU_ASSERT_TRUE(c->xa.xauth_ok);
		CU_ASSERT_FALSE(g->dead);
		CU_ASSERT_EQUAL(p.p2_up, 2);
	}
	pair_close(&p);
}

static void test_wrong_password(void)
{
	wrong_password((ik_quirks_t){0});
}

static void test_wrong_password_quirk(void)
{
	wrong_password(IK_QUIRK(XAUTH_ACCEPT_ANY));
}

/* draft-beaulieu-ike-xauth-02 6: XAUTH comes "before any other exchange": a mode-config REQUEST
 * sent at once after phase 1 gets no address; once XAUTH is done the client asks again and gets
 * one. With quirk modecfg-before-xauth the early REQUEST is answered. */
static void early_modecfg(ik_quirks_t quirks)
{
	struct ik_cfg ci, cr;
	struct ik_pair p;

	xa_cfgs(&ci, &cr, "foobar");
	ci.xauth.cfg_early = true;
	cr.quirks = quirks;
	CU_ASSERT_TRUE_FATAL(xa_start(&p, &ci, &cr, 4000));
	struct ik_sa *c = p.ini.sas, *g = p.res.sas;
	CU_ASSERT_TRUE_FATAL(c && g);
	CU_ASSERT_EQUAL(p.p2_up, 2);
	CU_ASSERT_TRUE(c->xa.xauth_ok && c->xa.cfg_done);
	if (ik_quirks_none(quirks)) {
		CU_ASSERT_TRUE(g->xa.refused >= 1);
		CU_ASSERT_EQUAL(c->xa.early_replies, 0);
	} else {
		CU_ASSERT_EQUAL(g->xa.refused, 0);
		CU_ASSERT_EQUAL(c->xa.early_replies, 1);
	}
	pair_close(&p);
}

static void test_early_modecfg(void)
{
	early_modecfg((ik_quirks_t){0});
}

static void test_early_modecfg_quirk(void)
{
	early_modecfg(IK_QUIRK(MODECFG_BEFORE_XAUTH));
}

/* A gateway refuses quick mode before XAUTH said OK (draft-beaulieu-ike-xauth-02 6): a client
 * that knows nothing of XAUTH (plain PSK quick mode at once) gets no IPsec SA. */
static void test_quick_before_xauth(void)
{
	struct ik_cfg ci, cr;
	struct ik_pair p;

	xa_cfgs(&ci, &cr, "foobar");
	memset(&ci.xauth, 0, sizeof(ci.xauth));
	CU_ASSERT_TRUE_FATAL(xa_start(&p, &ci, &cr, 1500));
	CU_ASSERT_EQUAL(p.p1_up, 2);
	CU_ASSERT_EQUAL(p.p2_up, 0);
	pair_close(&p);
}

/* Only the edge device states the result (draft-beaulieu-ike-xauth-02 5): a SET(STATUS=OK) sent
 * to the gateway, whose profile also holds the client's part, logs nobody in. */
static void test_set_to_gateway(void)
{
	struct ik_engine e;
	struct ik_sa sa;
	struct ik_qm qm;
	struct ik_status st;

	memset(&e, 0, sizeof(e));
	memset(&sa, 0, sizeof(sa));
	memset(&qm, 0, sizeof(qm));
	e.quiet = true;
	e.cfg.xauth.client = e.cfg.xauth.gateway = true;
	e.cfg.xauth.cfg_client = e.cfg.xauth.cfg_gateway = true;
	sa.eng = &e;
	sa.role = IK_RESPONDER;
	qm.tx_in = (struct ik_cfg_msg){.type = IK_CFG_TYPE_SET, .id = 7, .n = 1};
	qm.tx_in.a[0] = (struct ik_cfg_attr){.type = IK_CFG_ATTR_XAUTH_STATUS,
	                                     .tv = true,
	                                     .len = 2,
	                                     .v = {0, IK_XAUTH_STATUS_OK}};
	CU_ASSERT_FALSE(ik_xa_answer(&sa, &qm, &st));
	CU_ASSERT_FALSE(sa.xa.xauth_ok);
	sa.role = IK_INITIATOR; /* the same SET to the client is the gateway's verdict */
	CU_ASSERT_TRUE(ik_xa_answer(&sa, &qm, &st));
	CU_ASSERT_TRUE(sa.xa.xauth_ok);
}

/* The gateway judging a client (XA-CLI-003, XA-CLI-004; suite/run_setup.c keep_on_fail): it SETs
 * FAIL and keeps the SA. A conformant client stops on its own (draft-beaulieu-ike-xauth-02 6);
 * one with quirk xauth-ignore-fail goes on to quick mode. With req_type RADIUS-CHAP a conformant
 * client REPLYs STATUS FAIL (6.1); one with quirk xauth-any-type gives its password as generic,
 * which the gateway notes (6.2) and lets in. */
static void client_judged(const char *password, uint16_t req_type, ik_quirks_t quirks)
{
	struct ik_cfg ci, cr;
	struct ik_pair p;

	xa_cfgs(&ci, &cr, password);
	cr.xauth.keep_on_fail = true;
	cr.xauth.req_type = req_type;
	ci.quirks = quirks;
	CU_ASSERT_TRUE_FATAL(xa_start(&p, &ci, &cr, !ik_quirks_none(quirks) ? 4000 : 1500));
	struct ik_sa *c = p.ini.sas, *g = p.res.sas;
	CU_ASSERT_TRUE_FATAL(c && g);
	CU_ASSERT_TRUE(g->xa.xauth_done);
	CU_ASSERT_FALSE(g->dead); /* kept on purpose */
	CU_ASSERT_EQUAL(g->xa.type_ignored,
	                req_type && ik_quirks_eq(quirks, IK_QUIRK(XAUTH_ANY_TYPE)));
	/* it SET FAIL to a wrong password, and to RADIUS-CHAP answered in kind or by STATUS FAIL */
	CU_ASSERT_EQUAL(g->xa.fail_set,
	                strcmp(password, "foobar") || (req_type && ik_quirks_none(quirks)));
	if (ik_quirks_none(quirks)) {
		CU_ASSERT_TRUE(g->xa.fail_said);
		CU_ASSERT_TRUE(c->dead);
		CU_ASSERT_EQUAL(p.p2_up, 0);
	} else {
		CU_ASSERT_EQUAL(p.p2_up, 2);
	}
	pair_close(&p);
}

static void test_client_fail(void)
{
	client_judged("wrong", 0, (ik_quirks_t){0});
	client_judged("wrong", 0, IK_QUIRK(XAUTH_IGNORE_FAIL));
}

static void test_client_chap(void)
{
	client_judged("foobar", IK_XAUTH_TYPE_RADIUS_CHAP, (ik_quirks_t){0});
	client_judged("foobar", IK_XAUTH_TYPE_RADIUS_CHAP, IK_QUIRK(XAUTH_ANY_TYPE));
}

/* engine/exchanges/xauth_check.c: against a conformant gateway the client read every row that
 * judges the gateway and none broke; the gateway read the client's ACK; the MAY rows say what
 * they saw. */
static void test_checks_conformant(void)
{
	struct ik_cfg ci, cr;
	struct ik_pair p;

	xa_cfgs(&ci, &cr, "foobar");
	CU_ASSERT_TRUE_FATAL(xa_start(&p, &ci, &cr, 4000));
	struct ik_sa *c = p.ini.sas, *g = p.res.sas;
	CU_ASSERT_TRUE_FATAL(c && g && c->xa.chk_note && g->xa.chk_note);
	/* the gateway's own rows: the client's ACK, and its mode-config REQUEST
	 * (cfg_client_check.c) */
	uint64_t cli_rows = IK_XC_BIT(IK_XC_ACK_EMPTY) | IK_XC_BIT(IK_XC_CLI_ADDR_REQ) |
	                    IK_XC_BIT(IK_XC_CLI_ORDER);
	/* the client's ACK of a pushed SET (MCFG-2-03): no SET is pushed in pull mode, so no row */
	uint64_t push_rows = IK_XC_BIT(IK_XC_CLI_ACK_ZERO);
	/* rows read only when the tester is told to test (xauth_clear.c, xauth_rtx.c,
	 * xauth_reauth.c) */
	uint64_t hook_rows = IK_XC_BIT(IK_XC_CLEAR_PW) | IK_XC_BIT(IK_XC_RTX_SEEN) |
	                     IK_XC_BIT(IK_XC_RTX) | IK_XC_BIT(IK_XC_REAUTH_DOWN) |
	                     IK_XC_BIT(IK_XC_EXPIRY_RENEW);
	uint64_t gw_rows = (IK_XC_BIT(IK_XC__N) - 1) & ~cli_rows & ~push_rows & ~hook_rows;
	CU_ASSERT_EQUAL(c->xa.chk_seen, gw_rows);
	CU_ASSERT_EQUAL((c->xa.chk_seen | g->xa.chk_seen) & (push_rows | hook_rows), 0);
	CU_ASSERT_EQUAL(c->xa.chk_broke, 0);
	CU_ASSERT_EQUAL(g->xa.chk_seen & (cli_rows | IK_XC_BIT(IK_XC_CFG_SAME_ID) |
	                                  IK_XC_BIT(IK_XC_CLI_PROTECTED)),
	                cli_rows | IK_XC_BIT(IK_XC_CFG_SAME_ID) | IK_XC_BIT(IK_XC_CLI_PROTECTED));
	CU_ASSERT_STRING_EQUAL(
		g->xa.chk_note[IK_XC_CLI_ORDER],
		"its mode-config REQUEST came after phase 1 and before any quick mode");
	CU_ASSERT_EQUAL(g->xa.chk_broke, 0);
	CU_ASSERT_STRING_EQUAL(
		c->xa.chk_note[IK_XC_REQ_ATTRS],
		"its REQUEST asks: XAUTH_USER_NAME (empty), XAUTH_USER_PASSWORD (empty)");
	CU_ASSERT_STRING_EQUAL(c->xa.chk_note[IK_XC_PAIRS],
	                       "it ran 1 REQUEST/REPLY pair before its SET");
	CU_ASSERT_STRING_EQUAL(c->xa.chk_note[IK_XC_SET_TEXT], "its SET carries no XAUTH_MESSAGE");
	CU_ASSERT_STRING_EQUAL(g->xa.chk_note[IK_XC_ACK_EMPTY], "its ACK carries no attributes");
	pair_close(&p);
}

/* The tester's tests of a gateway: a REPLY of STATUS OK alone logs nobody in (the gateway SETs
 * FAIL); a client that goes on after a FAIL finds the SA deleted (no quick mode). */
static void test_tester_client_modes(void)
{
	struct ik_cfg ci, cr;
	struct ik_pair p;

	xa_cfgs(&ci, &cr, "foobar");
	ci.xauth.reply_status_ok = true;
	CU_ASSERT_TRUE_FATAL(xa_start(&p, &ci, &cr, 1500));
	CU_ASSERT_EQUAL(p.p2_up, 0);
	CU_ASSERT_TRUE(p.res.sas == NULL || !p.res.sas->xa.xauth_ok);
	pair_close(&p);

	xa_cfgs(&ci, &cr, "wrong");
	ci.xauth.go_on_fail = true;
	CU_ASSERT_TRUE_FATAL(xa_start(&p, &ci, &cr, 1500));
	CU_ASSERT_EQUAL(p.p2_up, 0);
	CU_ASSERT_TRUE(p.ini.sas == NULL || p.ini.sas->xa.fail_taken);
	pair_close(&p);
}

/* XA-CLI-013, XA-CLI-014 (xauth_clear.c, xauth_rtx.c): the gateway asks for the password in
 * the clear after MM4, and leaves the client's mode-config REQUEST unanswered twice; a conformant
 * client ignores the first (and logs in encrypted after MM6) and resends the second unchanged,
 * and everything still comes up. */
static void test_client_tests(void)
{
	struct ik_cfg ci, cr;
	struct ik_pair p;

	xa_cfgs(&ci, &cr, "foobar");
	cr.xauth.clear_req_after = 4;
	cr.xauth.cfg_unanswered = 2;
	CU_ASSERT_TRUE_FATAL(xa_start(&p, &ci, &cr, 6000));
	struct ik_sa *g = p.res.sas;
	CU_ASSERT_TRUE_FATAL(g && g->xa.chk_note);
	CU_ASSERT_EQUAL(p.p2_up, 2);
	uint64_t rows =
		IK_XC_BIT(IK_XC_CLEAR_PW) | IK_XC_BIT(IK_XC_RTX_SEEN) | IK_XC_BIT(IK_XC_RTX);
	CU_ASSERT_EQUAL(g->xa.chk_seen & rows, rows);
	CU_ASSERT_EQUAL(g->xa.chk_broke & rows, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(g->xa.chk_note[IK_XC_CLEAR_PW], "got no password"));
	CU_ASSERT_PTR_NOT_NULL(strstr(g->xa.chk_note[IK_XC_RTX], "resent 2 times unchanged"));
	CU_ASSERT_TRUE(ik_xa_rtx_answered(g));
	pair_close(&p);
}

static const struct ik_test tests[] = {
	{"the gateway's clear REQUEST ignored, its held REPLY awaited: XA-CLI-013/014",
         test_client_tests},
	{"the gateway's XAUTH messages checked (xauth_check.def): none broke",
         test_checks_conformant},
	{"tester as client: STATUS OK alone, going on after FAIL", test_tester_client_modes},
	{"XAUTH + mode-config after main mode: address, netmask, DNS, quick mode", test_main_mode},
	{"XAUTH + mode-config after aggressive mode", test_aggressive_mode},
	{"XAUTH + mode-config pushed by SET/ACK", test_push},
	{"XAUTH wrong password: STATUS FAIL, both SAs torn down", test_wrong_password},
	{"XAUTH wrong password, gateway quirk xauth-accept-any: let in", test_wrong_password_quirk},
	{"mode-config before XAUTH refused, asked again after it", test_early_modecfg},
	{"mode-config before XAUTH, gateway quirk modecfg-before-xauth: answered",
         test_early_modecfg_quirk},
	{"quick mode before XAUTH refused by the gateway", test_quick_before_xauth},
	{"a SET(XAUTH_STATUS=OK) sent to the gateway logs nobody in", test_set_to_gateway},
	{"a client told FAIL stops by itself; quirk xauth-ignore-fail goes on", test_client_fail},
	{"a client asked for RADIUS-CHAP says FAIL; quirk xauth-any-type gives its password",
         test_client_chap},
};

IK_TEST_MAIN("xauth", tests)
