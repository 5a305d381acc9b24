/*
 * The rows of tests/test_quirk.c for the XAUTH and mode-config quirks.
 * Included by test_quirk.c only (static functions, as tests/quirk_cert.h).
 */
#ifndef IK_QUIRK_XAUTH_H
#define IK_QUIRK_XAUTH_H

/* ---- XAUTH and mode-config (draft-beaulieu-ike-xauth-02 6): the responder is the gateway ---- */

static void xauth_pair(struct ik_cfg *ci, struct ik_cfg *cr, const char *password)
{
	ci->p1[0].auth = cr->p1[0].auth = IK_P1_AUTH_XAUTH_INIT_PSK;
	ci->xauth.client = ci->xauth.cfg_client = true;
	snprintf(ci->xauth.me.name, IK_XA_STR, "joe");
	snprintf(ci->xauth.me.password, IK_XA_STR, "%s", password);
	cr->xauth.gateway = cr->xauth.cfg_gateway = true;
	snprintf(cr->xauth.users[0].name, IK_XA_STR, "joe");
	snprintf(cr->xauth.users[0].password, IK_XA_STR, "foobar");
	cr->xauth.nusers = 1;
	cr->xauth.pool[0] = 10, cr->xauth.pool[3] = 10;
}

/* mode-config by set/acknowledge (draft-dukes-ike-mode-cfg-02 2): the gateway pushes the address
 * after XAUTH and the client ACKs it (XA-CLI-012). */
static void xauth_push(struct ik_cfg *ci, struct ik_cfg *cr)
{
	xauth_pair(ci, cr, "foobar");
	ci->xauth.cfg_push = cr->xauth.cfg_push = true;
}

static void xauth_wrong_password(struct ik_cfg *ci, struct ik_cfg *cr)
{
	xauth_pair(ci, cr, "wrong");
}

/* The client is the one judged (XA-CLI-003): the gateway refuses its password and, as the
 * tester does, keeps the SA after its SET(STATUS=FAIL) to see whether the client stops (the
 * quirk xauth-ignore-fail is set on the initiator, test_quirk.c initiator_quirks). */
static void xauth_fail_kept(struct ik_cfg *ci, struct ik_cfg *cr)
{
	xauth_pair(ci, cr, "wrong");
	cr->xauth.keep_on_fail = true;
}

/* XA-CLI-004: the gateway asks for RADIUS-CHAP, which the client lacks: it must say FAIL, not
 * give its password as generic (draft-beaulieu-ike-xauth-02 6.1, 6.2). */
static void xauth_chap_asked(struct ik_cfg *ci, struct ik_cfg *cr)
{
	xauth_pair(ci, cr, "foobar");
	cr->xauth.keep_on_fail = true;
	cr->xauth.req_type = IK_XAUTH_TYPE_RADIUS_CHAP;
}

static void modecfg_early(struct ik_cfg *ci, struct ik_cfg *cr)
{
	xauth_pair(ci, cr, "foobar");
	ci->xauth.cfg_early = true;
}

/* went along: the wrong password got an IPsec SA (or, XA-CLI-003, the client went on to quick
 * mode after the FAIL) */
static bool xauth_let_in(struct ik_pair *p)
{
	ik_initiate(&p->ini);
	pair_spin(p, 1200);
	return p->p2_up == 2;
}

/* went along: the REQUEST made before XAUTH was answered */
static bool modecfg_answered_early(struct ik_pair *p)
{
	ik_initiate(&p->ini);
	pair_spin(p, 1200);
	return p->ini.sas && p->ini.sas->xa.early_replies > 0;
}

/* ---- the gateway judged on what it sends (XA-EDGE, engine/exchanges/xauth_check.def) ---- */

static void xauth_good(struct ik_cfg *ci, struct ik_cfg *cr)
{
	xauth_pair(ci, cr, "foobar");
}

/* XA-EDGE-011: the client REPLYs XAUTH_STATUS OK and no credentials. */
static void xauth_status_ok_reply(struct ik_cfg *ci, struct ik_cfg *cr)
{
	xauth_pair(ci, cr, "foobar");
	ci->xauth.reply_status_ok = true;
}

/* XA-EDGE-012: a wrong password, and the client goes on after the FAIL. */
static void xauth_fail_go_on(struct ik_cfg *ci, struct ik_cfg *cr)
{
	xauth_pair(ci, cr, "wrong");
	ci->xauth.go_on_fail = true;
}

/* went along: the row of xauth_check.def broke on the side that reads the peer's message (the
 * client reads the gateway's REQUEST and SET, the gateway the client's ACK) */
static bool xa_broke(struct ik_engine *e, unsigned row)
{
	return e->sas && (e->sas->xa.chk_broke & IK_XC_BIT(row));
}

static bool xa_run_pair(struct ik_pair *p)
{
	ik_initiate(&p->ini);
	pair_spin(p, 1200);
	return p->ini.sas != NULL;
}

static bool req_not_empty(struct ik_pair *p)
{
	return xa_run_pair(p) && xa_broke(&p->ini, IK_XC_REQ_EMPTY);
}

static bool challenge_generic(struct ik_pair *p)
{
	return xa_run_pair(p) && xa_broke(&p->ini, IK_XC_CHALLENGE_GENERIC);
}

static bool next_pin_extra(struct ik_pair *p)
{
	return xa_run_pair(p) && xa_broke(&p->ini, IK_XC_NEXT_PIN_ONLY);
}

/* the client judged by its gateway (the responder reads the rows; cfg_client_check.c) */
static bool cli_no_addr(struct ik_pair *p)
{
	return xa_run_pair(p) && xa_broke(&p->res, IK_XC_CLI_ADDR_REQ);
}

static bool cli_after_quick(struct ik_pair *p)
{
	return xa_run_pair(p) && xa_broke(&p->res, IK_XC_CLI_ORDER);
}

static bool cli_clear(struct ik_pair *p)
{
	return xa_run_pair(p) && xa_broke(&p->res, IK_XC_CLI_PROTECTED);
}

static bool cli_ack_new_id(struct ik_pair *p)
{
	return xa_run_pair(p) && xa_broke(&p->res, IK_XC_CFG_SAME_ID);
}

/* XA-CLI-013: the gateway asks for the password in the clear right after MM4 (xauth-02 10). */
static void xauth_clear_asked(struct ik_cfg *ci, struct ik_cfg *cr)
{
	xauth_pair(ci, cr, "foobar");
	cr->xauth.clear_req_after = 4;
}

static bool cli_clear_pw(struct ik_pair *p)
{
	return xa_run_pair(p) && xa_broke(&p->res, IK_XC_CLEAR_PW);
}

/* XA-CLI-014: the gateway leaves the client's mode-config REQUEST unanswered twice (mode-cfg
 * 3.5); the client's copies come 100 and 200 ms apart (test_quirk.c run_row's timers). */
static void xauth_cfg_unanswered(struct ik_cfg *ci, struct ik_cfg *cr)
{
	xauth_pair(ci, cr, "foobar");
	cr->xauth.cfg_unanswered = 2;
}

static bool cli_rtx_broke(struct ik_pair *p)
{
	return xa_run_pair(p) && p->res.sas && (p->res.sas->xa.chk_seen & IK_XC_BIT(IK_XC_RTX)) &&
	       xa_broke(&p->res, IK_XC_RTX);
}

/* XA-EDGE-020: the gateway re-runs XAUTH after 1 s (xauth-02 6), the client answers it with a
 * wrong password and keeps the SA to hear the Deletes. */
static void xauth_reauth_failed(struct ik_cfg *ci, struct ik_cfg *cr)
{
	xauth_pair(ci, cr, "foobar");
	cr->xauth.reauth_s = 1;
	ci->xauth.reauth_fail = true;
}

/* went along: the re-authentication failed and the client did not see every SA deleted */
static bool reauth_kept(struct ik_pair *p)
{
	ik_initiate(&p->ini);
	pair_spin(p, 2200);
	if (!p->ini.sas || !p->ini.sas->xa.reauth_failed)
		return false;
	ik_xa_reauth_judge(p->ini.sas);
	return xa_broke(&p->ini, IK_XC_REAUTH_DOWN);
}

/* XA-CLI-015: the gateway's REPLY gives the address for 2 s (mode-cfg 3.4). */
static void xauth_expiry(struct ik_cfg *ci, struct ik_cfg *cr)
{
	xauth_pair(ci, cr, "foobar");
	cr->xauth.cfg_expiry = 2;
}

/* went along: the expiry ran out with no new REQUEST for the address */
static bool expiry_ran_out(struct ik_pair *p)
{
	ik_initiate(&p->ini);
	pair_spin(p, 2500);
	return xa_broke(&p->res, IK_XC_EXPIRY_RENEW);
}

/* went along: the push gateway set no address, so the client has none (and no quick mode) */
static bool push_missing(struct ik_pair *p)
{
	ik_initiate(&p->ini);
	pair_spin(p, 1200);
	return !(p->ini.sas && p->ini.sas->xa.cfg_done);
}

/* the gateway read the client's ACK of its pushed SET, which returned values (mode-cfg 2) */
static bool cli_ack_values(struct ik_pair *p)
{
	return xa_run_pair(p) && xa_broke(&p->res, IK_XC_CLI_ACK_ZERO);
}

static bool answer_bare(struct ik_pair *p)
{
	return xa_run_pair(p) && xa_broke(&p->ini, IK_XC_ANSWER_MSG) &&
	       xa_broke(&p->ini, IK_XC_ANSWER_ONLY);
}

static bool set_extra(struct ik_pair *p)
{
	return xa_run_pair(p) && xa_broke(&p->ini, IK_XC_SET_ONLY) &&
	       xa_broke(&p->ini, IK_XC_CHALLENGE_REQ);
}

static bool set_new_id(struct ik_pair *p)
{
	return xa_run_pair(p) && xa_broke(&p->ini, IK_XC_SAME_ID);
}

static bool tx_hash_bad(struct ik_pair *p)
{
	return xa_run_pair(p) && xa_broke(&p->ini, IK_XC_TX_FORMAT);
}

static bool no_vid(struct ik_pair *p)
{
	return xa_run_pair(p) && xa_broke(&p->ini, IK_XC_VID);
}

static bool ack_attrs(struct ik_pair *p)
{
	return xa_run_pair(p) && xa_broke(&p->res, IK_XC_ACK_EMPTY);
}

/* ---- the mode-config gateway judged on its answers (MC-EDGE, engine/exchanges/cfg_check.def) ---- */

/* Quick mode up (XAUTH and the address done), then a query of ours as the `cfg` step sends it:
 * its type, flaws (IK_CFGQ_*) and attribute types, each asked with a zero-length value. */
static const struct ik_qm *mc_query(struct ik_pair *p, uint8_t type, unsigned flaws,
                                    const uint16_t *attrs, size_t n)
{
	struct ik_cfg_msg m = {.type = type, .id = 4242};
	ik_initiate(&p->ini);
	pair_run(p, 1, 1500);
	if (!p->ini.sas || !p->ini.sas->established)
		return NULL;
	for (size_t i = 0; i < n && m.n < IK_CFG_MAX_ATTRS; i++)
		m.a[m.n++].type = attrs[i];
	const struct ik_qm *q = ik_cfg_query(p->ini.sas, &m, flaws);
	pair_spin(p, 500);
	return q;
}

static bool mc_answered(const struct ik_qm *q)
{
	return q && q->established;
}

/* went along: a REQUEST of only attributes it does not know was left unanswered */
static bool cfg_unknown_silent(struct ik_pair *p)
{
	static const uint16_t a[] = {16383, 20000};
	const struct ik_qm *q = mc_query(p, IK_CFG_TYPE_REQUEST, 0, a, 2);
	return q && !q->established;
}

static bool cfg_bad_values(struct ik_pair *p)
{
	static const uint16_t a[] = {IK_CFG_ATTR_INTERNAL_IP4_ADDRESS,
	                             IK_CFG_ATTR_INTERNAL_IP4_NBNS};
	return mc_answered(mc_query(p, IK_CFG_TYPE_REQUEST, 0, a, 2)) &&
	       xa_broke(&p->ini, IK_XC_CFG_NO_EMPTY) && xa_broke(&p->ini, IK_XC_CFG_ADDR_COUNT);
}

/* went along: a message of type 100 answered */
static bool cfg_type_answered(struct ik_pair *p)
{
	static const uint16_t a[] = {IK_CFG_ATTR_INTERNAL_IP4_ADDRESS};
	return mc_answered(mc_query(p, 100, 0, a, 1));
}

/* went along: an ATTR whose last attribute overruns it answered */
static bool cfg_overrun_answered(struct ik_pair *p)
{
	static const uint16_t a[] = {IK_CFG_ATTR_INTERNAL_IP4_ADDRESS,
	                             IK_CFG_ATTR_APPLICATION_VERSION};
	return mc_answered(mc_query(p, IK_CFG_TYPE_REQUEST, IK_CFGQ_OVERRUN, a, 2));
}

static bool cfg_new_id(struct ik_pair *p)
{
	static const uint16_t a[] = {IK_CFG_ATTR_INTERNAL_IP4_ADDRESS};
	return mc_answered(mc_query(p, IK_CFG_TYPE_REQUEST, 0, a, 1)) &&
	       xa_broke(&p->ini, IK_XC_CFG_SAME_ID);
}

/* went along: a REQUEST suggesting an address (draft-dukes-ike-mode-cfg-02 2) left unanswered */
static bool cfg_suggest_silent(struct ik_pair *p)
{
	struct ik_cfg_msg m = {.type = IK_CFG_TYPE_REQUEST, .id = 4243, .n = 1};
	m.a[0] = (struct ik_cfg_attr){
		.type = IK_CFG_ATTR_INTERNAL_IP4_ADDRESS, .len = 4, .v = {10, 9, 9, 9}};
	ik_initiate(&p->ini);
	pair_run(p, 1, 1500);
	if (!p->ini.sas || !p->ini.sas->established)
		return false;
	const struct ik_qm *q = ik_cfg_query(p->ini.sas, &m, IK_CFGQ_SUGGEST);
	pair_spin(p, 500);
	return q && !q->established;
}

static bool tx_same_mid(struct ik_pair *p)
{
	return xa_run_pair(p) && xa_broke(&p->ini, IK_XC_CFG_MID);
}
#endif
