/*
 * Quirk switches (engine/mutation/quirk.def), engine against engine: for each quirk a deviating initiator
 * (configured differently, or a message injected into the responder) that the conformant
 * responder refuses and the quirky one goes along with. Each row runs twice, without and with
 * the quirk, and the row's probe must say "went along" exactly once: the quirk is what changes
 * the outcome, and the conformant engine really refuses (a false PASS of the suite's self-test
 * starts here).
 */
#include "cunit.h"
#include "datapath.h"
#include "codec.h"
#include "ike_pair.h"
#include "mutate.h"
#include "payload.h"
#include "quirk.h"
#include "frag.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define HDR_EXCH 18 /* RFC 2408 3.1: exchange type octet of the header */

/* What the taps saw: the first message of one exchange type the initiator sent, and how many
 * messages the responder sent. */
static struct {
	uint8_t exch;
	unsigned skip; /* matching messages to let pass before the one kept */
	uint8_t buf[4096];
	size_t len;
	unsigned res_sent;
} cap;

static void tap(struct ik_engine *e, bool sent, const struct sockaddr_storage *peer,
                uint16_t local_port, const uint8_t *p, size_t len)
{
	struct ik_pair *pp = e->user;
	(void)peer, (void)local_port;
	if (e == &pp->res && sent)
		cap.res_sent++;
	if (e == &pp->ini && sent && !cap.len && len > HDR_EXCH && p[HDR_EXCH] == cap.exch &&
	    len <= sizeof(cap.buf) && !cap.skip--) {
		memcpy(cap.buf, p, len);
		cap.len = len;
	}
}

/* Hand the responder a datagram as if the initiator had sent it. */
static void inject(struct ik_pair *p, const uint8_t *b, size_t len)
{
	static struct ik_dgram d; /* 64 KiB */
	memset(&d, 0, sizeof(d));
	d.peer = p->ini.cfg.local;
	d.peer_len = p->ini.cfg.local_len;
	d.local_port = p->res.sock.port;
	d.kind = IK_DGRAM_IKE;
	memcpy(d.data, b, len);
	d.len = len;
	ik_engine_input(&p->res, &d);
}

#define SPIN_UNTIL(p, cond, ms)                       \
	do {                                          \
		uint64_t end_ = ik_now_ms() + (ms);   \
		while (!(cond) && ik_now_ms() < end_) \
			ik_loop_once(&(p)->loop, 10); \
	} while (0)

static size_t count_qms(const struct ik_sa *sa)
{
	size_t n = 0;
	for (const struct ik_qm *q = sa ? sa->qms : NULL; q; q = q->next)
		n++;
	return n;
}

/* ---- probes: did the responder go along? ---- */

static bool p1_up(struct ik_pair *p)
{
	p->ini.auto_quick = false;
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, p->res.p1_up || p->failed, 2000);
	return p->res.p1_up > 0;
}

static bool p2_up(struct ik_pair *p)
{
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, p->res.p2_up || p->failed, 3000);
	return p->res.p2_up > 0;
}

/* Phase 1 up with the initiator's 86400 s as it is, and no RESPONDER-LIFETIME. */
static bool p1_life_as_offered(struct ik_pair *p)
{
	return p1_up(p) && p->res.sas->life_s == p->ini.cfg.p1_life && !p->res.sas->life_notify;
}

/* Phase 1 up and no RESPONDER-LIFETIME for the initiator's kilobytes. */
static bool p1_kb_silent(struct ik_pair *p)
{
	return p1_up(p) && !p->res.sas->life_notify;
}

static bool p2_life_as_offered(struct ik_pair *p)
{
	if (!p2_up(p) || !p->res.sas->qms)
		return false;
	const struct ik_qm *q = p->res.sas->qms;
	return q->life_s == p->ini.cfg.p2_life && !q->lowered;
}

#include "quirk_hash_ke.h"

/* A refused exchange first; then does a good initiator still get an answer? ("went along" here
 * means the responder is dead.) */
static bool dead_after_refusal(struct ik_pair *p)
{
	struct ik_cfg good;
	struct ik_engine e2;
	struct ik_status st;

	p->ini.auto_quick = false;
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, p->failed, 1500);
	pair_cfg(&good, true);
	good.retrans_ms = 100;
	good.retrans_tries = 2;
	ik_addr_set_port(&good.remote, p->res.sock.port);
	if (!ik_engine_init(&e2, &good, &p->loop, &st))
		return false;
	e2.quiet = true;
	ik_initiate(&e2);
	SPIN_UNTIL(p, e2.p1_up || (e2.sas && e2.sas->dead), 2000);
	bool dead = !e2.p1_up;
	ik_engine_free(&e2);
	return dead;
}

/* The initiator's MM1 (captured, never delivered) handed to the responder twice: did the second
 * copy open another ISAKMP SA? */
static bool mm1_twice_new_sa(struct ik_pair *p)
{
	cap.exch = IK_EXCH_ID_PROT;
	p->ini.auto_quick = false;
	ik_initiate(&p->ini);
	if (!cap.len)
		return false;
	inject(p, cap.buf, cap.len);
	inject(p, cap.buf, cap.len);
	return p->res.sa_count == 2 && cap.res_sent == 2;
}

/* Phase 1 up (the loop runs), then the initiator's QM1 captured and handed to the responder
 * directly; `after` says whether the quick mode completes first (replay) or not (retransmit). */
static bool qm1_again(struct ik_pair *p, bool complete_first)
{
	p->ini.auto_quick = false;
	struct ik_sa *sa = ik_initiate(&p->ini);
	SPIN_UNTIL(p, (p->res.p1_up && p->ini.p1_up) || p->failed, 2000);
	if (!sa || !sa->established)
		return false;
	cap.exch = IK_EXCH_QUICK;
	ik_quick_initiate(sa);
	if (!cap.len)
		return false;
	if (complete_first)
		SPIN_UNTIL(p, p->res.p2_up || p->failed, 2000);
	else
		inject(p, cap.buf, cap.len); /* the original stays unread in the socket */
	if (complete_first && !p->res.p2_up)
		return false;
	unsigned before = cap.res_sent;
	inject(p, cap.buf, cap.len);
	/* A new quick mode answers with a new QM2; a retransmission is answered too (the stored
	 * QM2), so the number of quick modes tells them apart. */
	return count_qms(p->res.sas) == 2 && cap.res_sent == before + 1;
}

static bool qm1_retransmit_new_qm(struct ik_pair *p)
{
	return qm1_again(p, false);
}

static bool qm1_replay_new_qm(struct ik_pair *p)
{
	return qm1_again(p, true);
}

/* The initiator did not get a notify for its refused MM1. */
static bool refused_silently(struct ik_pair *p)
{
	p->ini.auto_quick = false;
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, p->ini.sas && p->ini.sas->dead, 2000);
	return p->ini.sas && p->ini.sas->dead && p->notifies == 0;
}

/* Quick mode refused (identities): the notify came under QM1's own message ID. */
static bool notify_under_qm_mid(struct ik_pair *p)
{
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, p->ini.sas && p->ini.sas->fault[0], 1500);
	return p->ini.sas && strstr(p->ini.sas->fault, "IKE-5.7-01");
}

#include "quirk_edit.h"

/* QM1 under message ID 0 (RFC 2408 3.1: phase 1's): does the responder answer it with a QM2? */
static bool qm1_msgid_zero(struct ik_pair *p)
{
	static struct ik_mutation m;
	struct ik_status st;
	if (!ik_mutation_parse("QM1 HDR.msgid set:0", &m, &st))
		return false;
	p->ini.mut = &m, p->ini.nmut = 1;
	p->ini.auto_quick = false;
	struct ik_sa *sa = ik_initiate(&p->ini);
	SPIN_UNTIL(p, (p->res.p1_up && p->ini.p1_up) || p->failed, 2000);
	if (!sa || !sa->established)
		return false;
	cap.exch = IK_EXCH_QUICK;
	unsigned before = cap.res_sent;
	ik_quick_initiate(sa);
	const struct ik_sa *r = p->res.sas;
	SPIN_UNTIL(p, (r->qms && r->qms->msg >= 2) || cap.res_sent > before, 500);
	return r->qms && r->qms->msgid == 0 && r->qms->msg >= 2;
}

/* The responder answers MM1 with a lifetime the initiator did not offer: does the initiator
 * carry on (phase 1 up)? */
static bool mm2_other_lifetime(struct ik_pair *p)
{
	static struct ik_mutation m;
	struct ik_status st;
	if (!ik_mutation_parse("MM2 SA.P[0].T[0].LIFE_DURATION set:99999", &m, &st))
		return false;
	p->res.mut = &m, p->res.nmut = 1;
	p->ini.auto_quick = false;
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, p->ini.p1_up || p->failed, 2000);
	return p->ini.p1_up > 0;
}

/* Phase 1 up, then the initiator deletes the ISAKMP SA: is it still up at the responder? */
static bool delete_ignored(struct ik_pair *p)
{
	p->ini.auto_quick = false;
	struct ik_sa *sa = ik_initiate(&p->ini);
	SPIN_UNTIL(p, (p->res.p1_up && p->ini.p1_up) || p->failed, 2000);
	if (!sa || !sa->established || !p->res.sas)
		return false;
	uint8_t spi[16];
	memcpy(spi, sa->icookie, 8);
	memcpy(spi + 8, sa->rcookie, 8);
	ik_send_delete(sa, IK_PROTO_ISAKMP, spi, 16, 1);
	SPIN_UNTIL(p, p->deletes, 500);
	return p->deletes > 0 && !p->res.sas->dead;
}

/* The responder acts on INITIAL-CONTACT (serve's cfg.ic_delete, RFC 3947 6). */
static void ic_responder(struct ik_cfg *ci, struct ik_cfg *cr)
{
	(void)ci;
	cr->ic_delete = true;
}

/* Phase 1 and quick mode up, then a second phase 1 under the same identity whose MM5 carries
 * INITIAL-CONTACT (the peer restarted): does the responder keep the first ISAKMP SA? */
static bool ic_kept(struct ik_pair *p)
{
	p->ini.auto_quick = false;
	struct ik_sa *first = ik_initiate(&p->ini);
	SPIN_UNTIL(p, (p->res.p1_up && p->ini.p1_up) || p->failed, 2000);
	if (!first || !first->established || !p->res.sas || !ik_quick_initiate(first))
		return false;
	SPIN_UNTIL(p, p->res.p2_up || p->failed, 2000);
	struct ik_sa *old = p->res.sas;
	p->ini.cfg.initial_contact = true;
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, p->res.p1_up == 2 || p->failed, 2000);
	return p->res.p1_up == 2 && p->res.p2_up && !old->dead;
}

static bool mm1_reserved(struct ik_pair *p)
{
	return mm1_edited(p, edit_reserved);
}

static bool mm1_dup_sa(struct ik_pair *p)
{
	return mm1_edited(p, edit_dup_sa);
}

static bool mm1_unknown_attr(struct ik_pair *p)
{
	return mm1_edited(p, edit_unknown_attr);
}

/* ---- deviations: how the initiator (or the responder's policy) differs ---- */

static void life_long(struct ik_cfg *ci, struct ik_cfg *cr)
{
	ci->p1_life = 86400;
	cr->p1_policy = IK_LIFE_STRICT;
}

static void life_long_lenient(struct ik_cfg *ci, struct ik_cfg *cr)
{
	ci->p1_life = 86400;
	cr->p1_policy = IK_LIFE_LENIENT;
}

static void life_kb_lenient(struct ik_cfg *ci, struct ik_cfg *cr)
{
	ci->p1[0].life_kb = 1000;
	cr->p1_policy = IK_LIFE_LENIENT;
}

static void p2_life_long(struct ik_cfg *ci, struct ik_cfg *cr)
{
	(void)cr;
	ci->p2_life = 86400;
}

static void p2_life_long_strict(struct ik_cfg *ci, struct ik_cfg *cr)
{
	ci->p2_life = 86400;
	cr->p2_policy = IK_LIFE_STRICT;
}

static void pfs_other(struct ik_cfg *ci, struct ik_cfg *cr)
{
	(void)cr;
	ci->pfs_group = 5;
}

static void pfs_unwanted(struct ik_cfg *ci, struct ik_cfg *cr)
{
	(void)ci;
	cr->pfs_group = 0;
}

static void pfs_missing(struct ik_cfg *ci, struct ik_cfg *cr)
{
	(void)cr;
	ci->pfs_group = 0;
}

/* Aggressive mode with another key: the initiator itself ignores HASH_R (quirk on its side) so
 * it sends AM3, whose HASH_I cannot verify. */
static void aggr_wrong_psk(struct ik_cfg *ci, struct ik_cfg *cr)
{
	(void)cr;
	ci->aggressive = true;
	ci->psk[0] ^= 1;
	ci->quirks = IK_QUIRK(IGNORE_HASH);
}

static void ini_ignores_hash(struct ik_cfg *ci, struct ik_cfg *cr)
{
	(void)cr;
	ci->quirks = IK_QUIRK(IGNORE_HASH);
}

static void other_id(struct ik_cfg *ci, struct ik_cfg *cr)
{
	(void)ci;
	id_addr4(&cr->id_remote, "127.0.0.9");
}

static void other_id_aggr(struct ik_cfg *ci, struct ik_cfg *cr)
{
	ci->aggressive = true;
	id_addr4(&cr->id_remote, "127.0.0.9");
}

static void other_subnet(struct ik_cfg *ci, struct ik_cfg *cr)
{
	(void)cr;
	id_subnet4(&ci->ts_local, "10.9.0.0", "255.255.255.0");
}

static void no_client_ids(struct ik_cfg *ci, struct ik_cfg *cr)
{
	(void)cr;
	ci->ts_local.type = ci->ts_remote.type = 0;
}

static void weak_offer(struct ik_cfg *ci, struct ik_cfg *cr)
{
	(void)cr;
	ci->p1[0].enc = IK_P1_ENCR_3DES_CBC;
	ci->p1[0].keylen = 0;
	ci->p1[0].hash = IK_P1_HASH_MD5;
	ci->p2[0].id = IK_ESP_TRANS_3DES;
	ci->p2[0].keylen = 0;
	ci->p2[0].auth = IK_P2_AUTH_HMAC_MD5;
}

static void aggr_not_allowed(struct ik_cfg *ci, struct ik_cfg *cr)
{
	ci->aggressive = true;
	cr->refuse_aggressive = true;
}

static void group19(struct ik_cfg *ci, struct ik_cfg *cr)
{
	ci->p1[0].group = cr->p1[0].group = 19;
}

static void p1_mismatch(struct ik_cfg *ci, struct ik_cfg *cr)
{
	(void)cr;
	ci->p1[0].group = 2;
}

static void with_natt(struct ik_cfg *ci, struct ik_cfg *cr)
{
	ci->natt = cr->natt = true; /* ESP travels in UDP between the NAT-T sockets */
}

/* RFC 2409 App. B: the initiator reads MM6 (and the responder MM5) only when both sides chain
 * the phase 1 IV alike; with a wrong IV on either, the initiator's phase 1 never comes up. */
static bool p1_iv_broken(struct ik_pair *p)
{
	p->ini.auto_quick = false;
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, p->ini.p1_up || p->failed, 1500);
	return !p->ini.p1_up;
}

/* Phase 1 comes up, but the initiator cannot read QM2 (RFC 2409 App. B). */
static bool qm2_iv_broken(struct ik_pair *p)
{
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, p->ini.p2_up || p->failed, 1500);
	return p->ini.p1_up && !p->ini.p2_up;
}

/* The responder's record of what the initiator broke in what it sent (sa->fault), and whether
 * it names rule: the check the quirk is for, not just a failed exchange. */
static bool res_fault(struct ik_pair *p, const char *rule)
{
	for (const struct ik_sa *sa = p->res.sas; sa; sa = sa->next)
		if (strstr(sa->fault, rule))
			return true;
	return false;
}

/* ke-short: the responder refuses MM3 and blames the initiator's KE length (RFC 2409 5). */
static bool ke_short_blamed(struct ik_pair *p)
{
	p->ini.auto_quick = false;
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, p->res.p1_up || p->failed, 1500);
	return !p->res.p1_up && res_fault(p, "KE holds 255 octets");
}

/* qm-doi-zero: the responder blames QM1's DOI 0 (RFC 2408 3.4, 5.4). */
static bool qm_doi_blamed(struct ik_pair *p)
{
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, p->res.p2_up || p->failed, 2000);
	return !p->res.p2_up && res_fault(p, "quick mode SA payload has DOI 0");
}

/* xform-same-number: the initiator offers two phase 1 transforms (SHA-1, then SHA-256). */
static void two_p1_transforms(struct ik_cfg *ci, struct ik_cfg *cr)
{
	(void)cr;
	ci->p1[1] = ci->p1[0];
	ci->p1[1].hash = IK_P1_HASH_SHA2_256;
	ci->np1 = 2;
}

/* xform-same-number: the responder blames the repeated Transform # (RFC 2408 3.6, 5.6). */
static bool xform_numbers_blamed(struct ik_pair *p)
{
	p->ini.auto_quick = false;
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, p->res.p1_up || p->failed, 1500);
	return res_fault(p, "transforms 1 and 2 both #1");
}

/* id-data-long: the responder blames IDci's 9 octets of subnet (RFC 2408 5.8, RFC 2407 4.6.2). */
static bool id_long_blamed(struct ik_pair *p)
{
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, p->res.p2_up || p->failed, 2000);
	return !p->res.p2_up && res_fault(p, "9 octets");
}

#include "quirk_esp.h"
#include "quirk_frag.h"
#include "quirk_xauth.h"
#include "quirk_cert.h"
#include "quirk_rsaenc.h"
#include "quirk_dpd.h"
#include "quirk_info.h"
#include "quirk_order.h"
#include "quirk_natt.h"
#include "quirk_natt_init.h"
#include "quirk_natt_qm.h"
#include "quirk_udpsum.h"

struct row {
	const char *name;
	ik_quirks_t quirk;
	void (*deviate)(struct ik_cfg *ci, struct ik_cfg *cr);
	bool (*went_along)(struct ik_pair *p);
};

/* Quirks that change how the initiator judges the responder's reply: set on the initiator. */
static const ik_quirks_t initiator_quirks[] = {
	IK_QUIRK(ACCEPT_ANY_REPLY),   IK_QUIRK(XAUTH_IGNORE_FAIL),   IK_QUIRK(XAUTH_ANY_TYPE),
	IK_QUIRK(XAUTH_ACK_ATTRS),    IK_QUIRK(MODECFG_REQ_NO_ADDR), IK_QUIRK(MODECFG_AFTER_QUICK),
	IK_QUIRK(MODECFG_CLEAR),      IK_QUIRK(XAUTH_ACK_NEW_ID),    IK_QUIRK(NATT_NO_FLOAT_INIT),
	IK_QUIRK(NATT_FLOAT_SRC_500), IK_QUIRK(MODECFG_ACK_VALUES),  IK_QUIRK(XAUTH_CLEAR_REPLY),
	IK_QUIRK(TX_RTX_NEW_MID),     IK_QUIRK(ESP_SEQ_NO_REPLAY),   IK_QUIRK(QM_MIXED_ENCAP),
	IK_QUIRK(KE_SHORT),           IK_QUIRK(QM_DOI_ZERO),         IK_QUIRK(XFORM_SAME_NUMBER),
	IK_QUIRK(ID_DATA_LONG),       IK_QUIRK(MODECFG_NO_RENEW),
};

static bool on_initiator(ik_quirks_t q)
{
	for (size_t i = 0; i < sizeof(initiator_quirks) / sizeof(initiator_quirks[0]); i++)
		if (ik_quirks_any(q, initiator_quirks[i]))
			return true;
	return false;
}

static const struct row rows[] = {
	{"XAUTH with a wrong password", IK_QUIRK(XAUTH_ACCEPT_ANY), xauth_wrong_password,
         xauth_let_in},
	{"mode-config REQUEST before XAUTH", IK_QUIRK(MODECFG_BEFORE_XAUTH), modecfg_early,
         modecfg_answered_early},
	{"XAUTH client told FAIL", IK_QUIRK(XAUTH_IGNORE_FAIL), xauth_fail_kept, xauth_let_in},
	{"XAUTH client asked for RADIUS-CHAP", IK_QUIRK(XAUTH_ANY_TYPE), xauth_chap_asked,
         xauth_let_in},
	{"XAUTH REQUEST, user filled in", IK_QUIRK(XAUTH_REQ_FILLED), xauth_good, req_not_empty},
	{"XAUTH REQUEST, generic with a challenge", IK_QUIRK(XAUTH_CHALLENGE_GENERIC), xauth_good,
         challenge_generic},
	{"XAUTH REQUEST, NEXT_PIN with the login", IK_QUIRK(XAUTH_NEXT_PIN_EXTRA), xauth_good,
         next_pin_extra},
	{"mode-config client REQUEST without an address", IK_QUIRK(MODECFG_REQ_NO_ADDR), xauth_good,
         cli_no_addr},
	{"mode-config client, quick mode first", IK_QUIRK(MODECFG_AFTER_QUICK), xauth_good,
         cli_after_quick},
	{"mode-config client REQUEST in the clear", IK_QUIRK(MODECFG_CLEAR), xauth_good, cli_clear},
	{"XAUTH client ACK under a new identifier", IK_QUIRK(XAUTH_ACK_NEW_ID), xauth_good,
         cli_ack_new_id},
	{"mode-config client ACK of a pushed SET", IK_QUIRK(MODECFG_ACK_VALUES), xauth_push,
         cli_ack_values},
	{"mode-config gateway in push mode", IK_QUIRK(MODECFG_NO_PUSH), xauth_push, push_missing},
	{"XAUTH REQUEST, bare XAUTH_ANSWER", IK_QUIRK(XAUTH_ANSWER_BARE), xauth_good, answer_bare},
	{"XAUTH SET with a challenge", IK_QUIRK(XAUTH_SET_EXTRA), xauth_good, set_extra},
	{"XAUTH SET under a new identifier", IK_QUIRK(XAUTH_SET_NEW_ID), xauth_good, set_new_id},
	{"transaction HASH over M-ID 0", IK_QUIRK(XAUTH_HASH_NO_MID), xauth_good, tx_hash_bad},
	{"XAUTH REPLY of STATUS OK only", IK_QUIRK(XAUTH_STATUS_OK), xauth_status_ok_reply,
         xauth_let_in},
	{"XAUTH FAIL, the client goes on", IK_QUIRK(XAUTH_KEEP_ON_FAIL), xauth_fail_go_on,
         xauth_let_in},
	{"XAUTH re-authentication failed", IK_QUIRK(XAUTH_REAUTH_KEEP), xauth_reauth_failed,
         reauth_kept},
	{"mode-config address with an expiry", IK_QUIRK(MODECFG_NO_RENEW), xauth_expiry,
         expiry_ran_out},
	{"phase 1 of an XAUTH gateway", IK_QUIRK(XAUTH_NO_VID), xauth_good, no_vid},
	{"XAUTH client ACK", IK_QUIRK(XAUTH_ACK_ATTRS), xauth_good, ack_attrs},
	{"mode-config REQUEST of unknown attributes", IK_QUIRK(MODECFG_SILENT), xauth_good,
         cfg_unknown_silent},
	{"mode-config REPLY values", IK_QUIRK(MODECFG_BAD_VALUES), xauth_good, cfg_bad_values},
	{"mode-config message of type 100", IK_QUIRK(MODECFG_ANY_TYPE), xauth_good,
         cfg_type_answered},
	{"mode-config ATTR overrun", IK_QUIRK(MODECFG_CUT_ATTR), xauth_good, cfg_overrun_answered},
	{"mode-config REPLY identifier", IK_QUIRK(MODECFG_NEW_ID), xauth_good, cfg_new_id},
	{"mode-config REQUEST with a suggestion", IK_QUIRK(MODECFG_SUGGEST_SILENT), xauth_good,
         cfg_suggest_silent},
	{"transaction message IDs", IK_QUIRK(MODECFG_SAME_MID), xauth_good, tx_same_mid},
	{"XAUTH client asked in the clear before MM6", IK_QUIRK(XAUTH_CLEAR_REPLY),
         xauth_clear_asked, cli_clear_pw},
	{"mode-config client REQUEST unanswered", IK_QUIRK(TX_RTX_NEW_MID), xauth_cfg_unanswered,
         cli_rtx_broke},
	{"ESP keyed with the negotiated KEYMAT", IK_QUIRK(ESP_WRONG_KEYS), with_natt,
         esp_undecryptable},
	{"ESP packet sent again", IK_QUIRK(ESP_NO_REPLAY_CHECK), with_natt, esp_replay_taken},
	{"ESP with its ICV flipped", IK_QUIRK(ESP_IGNORE_ICV), with_natt, esp_bad_icv_taken},
	{"ESP under an unknown SPI", IK_QUIRK(ESP_ANY_SPI), with_natt, esp_spi_taken},
	{"ESP dummy packet", IK_QUIRK(ESP_DUMMY_FATAL), with_natt, esp_dummy_killed},
	{"NAT-keepalive", IK_QUIRK(KEEPALIVE_FATAL), with_natt, keepalive_killed},
	{"ESP 30 behind the newest", IK_QUIRK(ESP_NO_WINDOW), with_natt, esp_reorder_dropped},
	{"ESP replies counted from 1 by one", IK_QUIRK(ESP_SEQ_GAPS), with_natt, esp_seq_skipped},
	{"ESP padded with zeros", IK_QUIRK(ESP_NO_PAD_CHECK), with_natt, esp_bad_pad_taken},
	{"ESP with a Pad Length past the payload", IK_QUIRK(ESP_PADLEN_FATAL), with_natt,
         esp_pad_overrun_killed},
	{"ESP 63 behind the newest", IK_QUIRK(ESP_WINDOW_32), with_natt, esp_window_narrow},
	{"ESP forged 2^20 ahead", IK_QUIRK(ESP_EARLY_WINDOW), with_natt, esp_window_dragged},
	{"ESP padded with 255 octets, and none", IK_QUIRK(ESP_PAD_STRICT), with_natt,
         esp_pad_refused},
	{"ESP replies counted by one", IK_QUIRK(ESP_SEQ_STUCK), with_natt, esp_seq_reused},
	{"ESP in GCM aligned to 4 octets", IK_QUIRK(ESP_BAD_ALIGN), with_gcm, esp_unaligned},
	{"ESP under sequence number 0", IK_QUIRK(ESP_SEQ_ZERO), with_natt, esp_seq_zero_taken},
	{"ESP with another outer TOS and TTL", IK_QUIRK(ESP_OUTER_CHECK), with_natt,
         esp_outer_refused},
	{"ESP in IP fragments", IK_QUIRK(ESP_NO_REASSEMBLY), with_natt, esp_frag_dropped},
	{"ESP without integrity, replies", IK_QUIRK(ESP_ICV_ALWAYS), with_conf_only, esp_icv_sent},
	{"quick mode, proposal 2 chosen", IK_QUIRK(ESP_SPI_ZERO), second_proposal, spi_zero_given},
	{"ESP replies in AES-CBC", IK_QUIRK(ESP_IMPLICIT_IV), with_natt, esp_iv_missing},
	{"ESP replies in whole AES-CBC blocks", IK_QUIRK(ESP_CBC_RAGGED), with_natt,
         esp_cbc_ragged},
	{"ESP replies under HMAC-SHA-1-96", IK_QUIRK(ESP_SHA1_160), with_natt, esp_sha1_160},
	{"ESP replies under random AES-CBC IVs", IK_QUIRK(ESP_CBC_IV_COUNTER), with_natt,
         esp_cbc_iv_counter},
	{"ESP replies after REPLAY-STATUS 0", IK_QUIRK(ESP_SEQ_NO_REPLAY), responder_no_replay,
         esp_seq_stopped},
	{"QM2 of a responder without anti-replay", IK_QUIRK(NO_REPLAY_STATUS), responder_no_replay,
         replay_status_missing},
	{"ESP replies' ICV without ESN", IK_QUIRK(ESP_ESN_ICV), with_natt, esp_esn_icv},
	{"ESP replies' GCM tag without ESN", IK_QUIRK(ESP_ESN_ICV), with_gcm, esp_esn_icv},
	{"ESP replies under HMAC-SHA-256", IK_QUIRK(ESP_SHA2_96), with_sha256, esp_sha2_96},
	{"ESP from outside the selectors", IK_QUIRK(ESP_IGNORE_SELECTORS), with_natt,
         esp_outside_answered},
	{"ESP to outside the selectors", IK_QUIRK(ESP_ANY_DST), with_natt,
         esp_outside_dst_answered},
	{"QM2 of UDP-encapsulated transport", IK_QUIRK(NO_NAT_OA), natt_transport, natoa_missing},
	{"QM2 of UDP-encapsulated tunnel", IK_QUIRK(NAT_OA_TUNNEL), behind_nat, natoa_in_tunnel},
	{"QM1 of an initiator behind a NAT", IK_QUIRK(QM_MIXED_ENCAP), behind_nat, mixed_offered},
	{"ESP replies in UDP-encapsulated tunnel", IK_QUIRK(ESP_UDP_SPI_ZERO), behind_nat,
         esp_udp_spi_zero},
	{"the responder's R-U-THERE asked again", IK_QUIRK(DPD_SEQ_STUCK), responder_probes,
         dpd_seq_repeated},
	{"R-U-THERE in the clear", IK_QUIRK(DPD_LAX), dpd_both, clear_query_acked},
	{"R-U-THERE naming other cookies", IK_QUIRK(DPD_LAX), dpd_both, cookie_query_acked},
	{"R-U-THERE repeating an answered number", IK_QUIRK(DPD_LAX), dpd_both, replay_acked},
	{"an idle peer without the DPD vendor ID", IK_QUIRK(DPD_LAX), probes_no_vid,
         probed_without_vid},
	{"R-U-THERE with DOI 9", IK_QUIRK(NOTIFY_LAX), dpd_both, odd_doi_query_acked},
	{"R-U-THERE with Protocol-ID 99", IK_QUIRK(NOTIFY_LAX), dpd_both, odd_proto_query_acked},
	{"Delete of the ISAKMP SA with DOI 9", IK_QUIRK(DELETE_LAX), NULL, odd_doi_delete_taken},
	{"Delete with Protocol-ID 99", IK_QUIRK(DELETE_LAX), NULL, odd_proto_delete_taken},
	{"Delete naming other cookies", IK_QUIRK(DELETE_LAX), NULL, other_cookies_delete_taken},
	{"Delete of the ISAKMP SA in the clear", IK_QUIRK(DELETE_LAX), NULL, clear_delete_taken},
	{"MM1 transform #7 answered as #1", IK_QUIRK(RENUMBER_REPLY), NULL, reply_renumbered},
	{"MM3 with its nonce before its KE", IK_QUIRK(FIXED_ORDER), NULL, reordered_refused},
	{"Delete of the cookies and a bogus pair", IK_QUIRK(DELETE_ALL_OR_NONE), NULL,
         mixed_delete_ignored},
	{"ESP past a 1 s lifetime", IK_QUIRK(ESP_NO_LIFETIME), short_p2_life,
         esp_used_past_lifetime},
	{"86400 s phase 1 lifetime, strict", IK_QUIRK(ANY_P1_LIFETIME), life_long,
         p1_life_as_offered},
	{"86400 s phase 1 lifetime, lenient", IK_QUIRK(ANY_P1_LIFETIME), life_long_lenient,
         p1_life_as_offered},
	{"kilobyte phase 1 lifetime, lenient", IK_QUIRK(ANY_P1_LIFETIME), life_kb_lenient,
         p1_kb_silent},
	{"86400 s quick mode lifetime", IK_QUIRK(ANY_P2_LIFETIME), p2_life_long,
         p2_life_as_offered},
	{"86400 s quick mode lifetime, strict", IK_QUIRK(ANY_P2_LIFETIME), p2_life_long_strict,
         p2_life_as_offered},
	{"PFS group 5 against 14", IK_QUIRK(ANY_PFS_GROUP), pfs_other, p2_up},
	{"PFS offered, none configured", IK_QUIRK(ANY_PFS_GROUP), pfs_unwanted, p2_up},
	{"no PFS, 14 required", IK_QUIRK(ANY_PFS_GROUP), pfs_missing, p2_up},
	{"aggressive mode, wrong PSK (HASH_I)", IK_QUIRK(IGNORE_HASH), aggr_wrong_psk, p1_up},
	{"quick mode HASH(1)/HASH(3) wrong", IK_QUIRK(IGNORE_HASH), ini_ignores_hash, qm_bad_hash},
	{"informational HASH(1) wrong (delete)", IK_QUIRK(IGNORE_HASH), NULL, info_bad_hash},
	{"MM1 SA.reserved = 1", IK_QUIRK(ANSWER_MALFORMED), NULL, mm1_reserved},
	{"MM1 with two SA payloads", IK_QUIRK(ANSWER_MALFORMED), NULL, mm1_dup_sa},
	{"KE = 1 (MODP-2048)", IK_QUIRK(WEAK_KE), NULL, weak_ke_one},
	{"KE all 0xff, above p (MODP-2048)", IK_QUIRK(WEAK_KE), NULL, weak_ke_above_p},
	{"KE off the curve (ECP-256)", IK_QUIRK(WEAK_KE), group19, weak_ke_off_curve},
	{"dead after refusing a proposal", IK_QUIRK(DIE_ON_REFUSAL), p1_mismatch,
         dead_after_refusal},
	{"MM1 twice", IK_QUIRK(RESTART_ON_RETRANSMIT), NULL, mm1_twice_new_sa},
	{"QM1 twice", IK_QUIRK(RESTART_ON_RETRANSMIT), NULL, qm1_retransmit_new_qm},
	{"unknown phase 1 identity, main mode", IK_QUIRK(ANY_ID), other_id, p1_up},
	{"unknown phase 1 identity, aggressive mode", IK_QUIRK(ANY_ID), other_id_aggr, p1_up},
	{"IDci outside the configured subnet", IK_QUIRK(ANY_PROXY_ID), other_subnet, p2_up},
	{"no client IDs under a subnet policy", IK_QUIRK(ANY_PROXY_ID), no_client_ids, p2_up},
	{"3DES/MD5 offered, AES/SHA configured", IK_QUIRK(ACCEPT_ANY_PROPOSAL), weak_offer, p2_up},
	{"aggressive mode, main mode only configured", IK_QUIRK(ACCEPT_ANY_PROPOSAL),
         aggr_not_allowed, p1_up},
	{"refusal without a notify", IK_QUIRK(NO_NOTIFY), p1_mismatch, refused_silently},
	{"quick mode refused: the notify's message ID", IK_QUIRK(INFO_QM_MID), other_subnet,
         notify_under_qm_mid},
	{"QM1 replayed after QM3", IK_QUIRK(REPLAY_QM), NULL, qm1_replay_new_qm},
	{"unknown attribute class in MM1", IK_QUIRK(IGNORE_CRITICAL), NULL, mm1_unknown_attr},
	{"KE one octet short (MODP-2048)", IK_QUIRK(WEAK_KE), NULL, weak_ke_short},
	{"MM1 with major version 2", IK_QUIRK(ACCEPT_BAD_HEADER), NULL, mm1_version2},
	{"MM3 with a responder cookie of no SA", IK_QUIRK(IGNORE_COOKIES), NULL, mm3_other_rcookie},
	{"MM1 with # of Transforms 9 for one", IK_QUIRK(LENIENT_PARSER), NULL, mm1_transforms},
	{"MM1 with a payload of reserved type 99", IK_QUIRK(SKIP_UNKNOWN_PAYLOADS), NULL,
         mm1_unknown_payload},
	{"MM1 SA with DOI 2", IK_QUIRK(SKIP_SA_CHECKS), NULL, mm1_doi},
	{"MM3 with a 4-octet nonce", IK_QUIRK(ANY_NONCE_LENGTH), NULL, mm3_short_nonce},
	{"MM2 with a lifetime not offered", IK_QUIRK(ACCEPT_ANY_REPLY), NULL, mm2_other_lifetime},
	{"Delete of the ISAKMP SA", IK_QUIRK(IGNORE_DELETE), NULL, delete_ignored},
	{"INITIAL-CONTACT of a restarted peer", IK_QUIRK(IC_KEEP), ic_responder, ic_kept},
	{"MM1 cut to 40 octets", IK_QUIRK(ANSWER_UNPARSED), NULL, mm1_truncated},
	{"QM1 with message ID 0", IK_QUIRK(ANSWER_UNPARSED), NULL, qm1_msgid_zero},
	{"MM1 fragment 2 under another Fragment ID", IK_QUIRK(FRAG_LOOSE), frag_initiator,
         frag_mixed_ids_taken},
	{"the responder's fragments without LAST", IK_QUIRK(FRAG_NO_LAST), frag_responder,
         frag_never_complete},
	{"certificate of an untrusted CA", IK_QUIRK(CERT_ANY_CA), qc_wrongca, p1_up},
	{"expired certificate", IK_QUIRK(CERT_NO_VALIDITY), qc_expired, p1_up},
	{"revoked certificate", IK_QUIRK(CERT_NO_CRL), qc_revoked, p1_up},
	{"certificate without digitalSignature", IK_QUIRK(CERT_NO_KU), qc_badku, p1_up},
	{"certificate not naming the ID", IK_QUIRK(CERT_NO_ID_CHECK), qc_noid, p1_up},
	{"SIG_I with one octet inverted", IK_QUIRK(SIG_NO_VERIFY), qc_good, qc_bad_sig_taken},
	{"CERT of encoding 6 beside the good ones", IK_QUIRK(CERT_ENCODING_FATAL), qc_good,
         qc_odd_cert_refused},
	{"CR naming an unknown CA", IK_QUIRK(CR_STRICT), qc_good, qc_odd_cr_refused},
	{"CR of certificate type 6", IK_QUIRK(CR_TYPE_FATAL), qc_good, qc_cr_type_refused},
	{"CR whose CA is no DER name", IK_QUIRK(CR_CA_FATAL), qc_good, qc_cr_ca_refused},
	{"CR naming its CA by DER", IK_QUIRK(CR_BAD_CA), qc_check_cr, qc_no_cert_sent},
	{"SIG_R over a SHA2-256 HASH_R", IK_QUIRK(SIG_HASH_20), qc_sha256, qc_no_cert_sent},
	{"CERT asked for by CR", IK_QUIRK(CERT_NOT_SENT), qc_good, qc_no_cert_sent},
	{"SIG_R of DSS as r||s", IK_QUIRK(DSS_DER_SIG), qc_dss, qc_no_cert_sent},
	{"CR from a peer with no directory service", IK_QUIRK(CR_NOT_SENT), qc_need_cr,
         qc_no_cr_sent},
	{"MM5 with no CERT, the certificate held", IK_QUIRK(CERT_REQUIRED), qc_no_cert,
         qc_certless_refused},
	{"encrypted nonce with bad PKCS #1 padding", IK_QUIRK(PKE_PADDING_ORACLE), qe_pair,
         qe_padding_told_apart},
	{"revised mode, HASH(1) after the nonce", IK_QUIRK(PKE_HASH1_LATE), qe_rev_hash1,
         qe_late_hash1_taken},
	{"HASH(1) naming another certificate", IK_QUIRK(PKE_IGNORE_HASH1), qe_hash1,
         qe_wrong_hash1_taken},
	{"encrypted nonce with bad PKCS #1 padding, timed", IK_QUIRK(PKE_SLOW_PADDING), qe_pair,
         qe_padding_slow},
	{"IKE after a float behind a NAT", IK_QUIRK(NATT_STALE_PORT), behind_nat, natt_port_stale},
	{"IKE on the NAT-T port", IK_QUIRK(NATT_NO_MARKER), behind_nat, natt_marker_missing},
	{"phase 1 begun on the NAT-T port", IK_QUIRK(NATT_NO_START), start_on_natt,
         natt_start_dropped},
	{"R-U-THERE after a float behind a NAT", IK_QUIRK(NATT_INFO_500), behind_nat_dpd,
         natt_info_on_500},
	{"MM5 without the non-ESP marker", IK_QUIRK(NATT_MARKER_OPTIONAL), behind_nat_no_marker,
         natt_markerless_taken},
	{"MM5 again on the IKE port after the float", IK_QUIRK(NATT_OLD_500), behind_nat,
         old_answered_on_ike},
	{"MM5 again on the IKE port after the float", IK_QUIRK(NATT_OLD_TAKEN), behind_nat,
         old_answered_on_natt},
	{"a new main mode on the IKE port after the float", IK_QUIRK(NATT_NEW_500_IGNORED),
         behind_nat, new_mm_ignored},
	{"MM5 of an initiator told of a NAT", IK_QUIRK(NATT_NO_FLOAT_INIT), responder_behind_nat,
         mm5_not_floated},
	{"MM5 floated to the NAT-T port", IK_QUIRK(NATT_FLOAT_SRC_500), responder_behind_nat,
         mm5_from_ike_port},
	{"AM3 of an initiator told of a NAT", IK_QUIRK(NATT_NO_FLOAT_INIT),
         responder_behind_nat_aggr, am3_not_floated},
	{"AM3 floated to the NAT-T port", IK_QUIRK(NATT_FLOAT_SRC_500), responder_behind_nat_aggr,
         mm5_from_ike_port},
	{"MM1 from a low port, not 500", IK_QUIRK(NATT_PORT_500_ONLY), initiator_on_low_port,
         low_port_dropped},
	{"NAT-keepalives of an idle responder behind a NAT", IK_QUIRK(KEEPALIVE_NEVER),
         res_behind_nat, ka_none},
	{"NAT-keepalive ports", IK_QUIRK(KEEPALIVE_IKE_PORT), res_behind_nat, ka_wrong_port},
	{"R-U-THERE from a new NAT mapping after the float", IK_QUIRK(NATT_NO_REMAP),
         behind_nat_dpd, natt_remap_ignored},
	{"only NAT-keepalives from an idle peer, DPD on", IK_QUIRK(KEEPALIVE_ALIVE),
         behind_nat_probes, ka_taken_for_life},
	{"NAT-keepalive octets", IK_QUIRK(KEEPALIVE_LONG), res_behind_nat, ka_not_one_ff},
	{"UDP checksum of ESP replies", IK_QUIRK(UDP_CHECKSUM), with_natt, esp_checksum_set},
	{"UDP checksum of NAT-keepalives", IK_QUIRK(UDP_CHECKSUM), res_behind_nat, ka_checksum_set},
	{"the first phase 1 IV", IK_QUIRK(P1_IV_SWAPPED), NULL, p1_iv_broken},
	{"MM6's IV", IK_QUIRK(P1_IV_RESTART), NULL, p1_iv_broken},
	{"QM2's IV", IK_QUIRK(QM_IV_RESTART), NULL, qm2_iv_broken},
	{"the initiator's KE length", IK_QUIRK(KE_SHORT), NULL, ke_short_blamed},
	{"the DOI of QM1's SA", IK_QUIRK(QM_DOI_ZERO), NULL, qm_doi_blamed},
	{"MM1's transform numbers", IK_QUIRK(XFORM_SAME_NUMBER), two_p1_transforms,
         xform_numbers_blamed},
	{"IDci's data length", IK_QUIRK(ID_DATA_LONG), NULL, id_long_blamed},
};

static bool run_row(const struct row *r, bool quirk)
{
	struct ik_cfg ci, cr;
	struct ik_pair p;
	struct ik_status st;

	pair_cfg(&ci, true);
	pair_cfg(&cr, false);
	ci.retrans_ms = cr.retrans_ms = 100;
	ci.retrans_tries = cr.retrans_tries = 2;
	if (r->deviate)
		r->deviate(&ci, &cr);
	if (quirk) {
		ik_quirks_t *to = on_initiator(r->quirk) ? &ci.quirks : &cr.quirks;
		*to = ik_quirks_or(*to, r->quirk);
	}
	memset(&cap, 0, sizeof(cap));
	if (!pair_open(&p, &ci, &cr, &st)) {
		fprintf(stderr, "row '%s': %s\n", r->name, st.why);
		return !quirk; /* fails the row either way */
	}
	p.ini.tap = p.res.tap = tap;
	bool went = r->went_along(&p);
	pair_close(&p);
	return went;
}

static void test_rows(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		char name[64];
		ik_quirk_names(r->quirk, name, sizeof(name));
		bool conformant = run_row(r, false), quirky = run_row(r, true);
		CU_ASSERT_FALSE(conformant);
		CU_ASSERT_TRUE(quirky);
		if (conformant || !quirky)
			fprintf(stderr,
			        "row '%s' (%s): conformant went along %d, with the quirk %d\n",
			        r->name, name, conformant, quirky);
	}
}

/* Every quirk of the table has a row above, so none is a switch that changes nothing here. */
static void test_every_quirk_has_a_row(void)
{
	size_t n;
	const struct ik_quirk *q = ik_quirk_table(&n);
	CU_ASSERT_EQUAL(n, IK_QUIRK_COUNT);
	for (size_t i = 0; i < n; i++) {
		bool found = false;
		for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++)
			found |= ik_quirks_eq(rows[k].quirk, q[i].bit);
		CU_ASSERT_TRUE(found);
		if (!found)
			fprintf(stderr, "quirk %s has no row\n", q[i].name);
	}
}

static void test_names(void)
{
	ik_quirks_t bits = {0};
	char bad[32], buf[128];

	CU_ASSERT_TRUE(ik_quirks_eq(ik_quirk_by_name("any-id"), IK_QUIRK(ANY_ID)));
	CU_ASSERT_TRUE(ik_quirks_none(ik_quirk_by_name("any")));
	CU_ASSERT_TRUE(ik_quirk_parse("weak-ke,no-notify", &bits, bad, sizeof(bad)));
	CU_ASSERT_TRUE(ik_quirks_eq(bits, ik_quirks_or(IK_QUIRK(WEAK_KE), IK_QUIRK(NO_NOTIFY))));
	ik_quirk_names(bits, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "weak-ke,no-notify");
	CU_ASSERT_FALSE(ik_quirk_parse("weak-ke,nope", &bits, bad, sizeof(bad)));
	CU_ASSERT_STRING_EQUAL(bad, "nope");
	CU_ASSERT_FALSE(ik_quirk_parse("weak-ke,", &bits, bad, sizeof(bad)));
	CU_ASSERT_FALSE(ik_quirk_parse("", &bits, bad, sizeof(bad)));
	ik_quirk_names((ik_quirks_t){0}, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "none");
}

/* Engine fix: an old copy of MM1 (no responder cookie) arriving while the responder waits for
 * MM5 was taken for MM5 and killed the SA; it is dropped and the exchange completes. */
static void test_stale_mm1(void)
{
	struct ik_cfg ci, cr;
	struct ik_pair p;
	struct ik_status st;

	pair_cfg(&ci, true);
	pair_cfg(&cr, false);
	memset(&cap, 0, sizeof(cap));
	cap.exch = IK_EXCH_ID_PROT;
	CU_ASSERT_TRUE_FATAL(pair_open(&p, &ci, &cr, &st));
	p.ini.tap = p.res.tap = tap;
	p.ini.auto_quick = false;
	ik_initiate(&p.ini);
	SPIN_UNTIL(&p, p.res.sas && p.res.sas->msg >= 4, 2000);
	CU_ASSERT_TRUE_FATAL(p.res.sas && p.res.sas->msg == 4 && cap.len);
	inject(&p, cap.buf, cap.len);
	CU_ASSERT_FALSE(p.res.sas->dead);
	SPIN_UNTIL(&p, p.res.p1_up || p.failed, 2000);
	CU_ASSERT_EQUAL(p.res.p1_up, 1);
	CU_ASSERT_EQUAL(p.failed, 0);
	pair_close(&p);
}

/* Engine fix (RFC 2409 5.5): a subnet policy refuses a quick mode without client IDs; a host to
 * host one (no IDs configured) still takes it. */
static void test_no_ids_host_to_host(void)
{
	struct ik_cfg ci, cr;
	struct ik_pair p;
	struct ik_status st;

	pair_cfg(&ci, true);
	pair_cfg(&cr, false);
	ci.ts_local.type = ci.ts_remote.type = cr.ts_local.type = cr.ts_remote.type = 0;
	CU_ASSERT_TRUE_FATAL(pair_open(&p, &ci, &cr, &st));
	ik_initiate(&p.ini);
	pair_run(&p, 1, 3000);
	CU_ASSERT_EQUAL(p.p2_up, 2);
	pair_close(&p);
}

/* The self-test wants exactly the matching cases to fail: with any one quirk on, a conformant
 * initiator still gets main mode and quick mode, with PFS, and aggressive mode. But for the IV
 * quirks (RFC 2409 App. B), which garble every exchange by design: tests/sh/selftest.sh runs
 * their cases one per run, and their rows above show the exchange failing. */
static void test_quirk_alone_still_interoperates(void)
{
	size_t n;
	const struct ik_quirk *q = ik_quirk_table(&n);
	const ik_quirks_t whole =
		ik_quirks_or(IK_QUIRK(P1_IV_SWAPPED),
	                     ik_quirks_or(IK_QUIRK(P1_IV_RESTART), IK_QUIRK(QM_IV_RESTART)));

	for (size_t i = 0; i < n; i++)
		for (int aggr = 0; aggr < 2 && !ik_quirks_any(q[i].bit, whole); aggr++) {
			struct ik_cfg ci, cr;
			struct ik_pair p;
			struct ik_status st;
			pair_cfg(&ci, true);
			pair_cfg(&cr, false);
			ci.aggressive = aggr;
			cr.quirks = q[i].bit;
			CU_ASSERT_TRUE_FATAL(pair_open(&p, &ci, &cr, &st));
			ik_initiate(&p.ini);
			pair_run(&p, 1, 3000);
			CU_ASSERT_EQUAL(p.p2_up, 2);
			if (p.p2_up != 2)
				fprintf(stderr, "quirk %s (%s mode): %s\n", q[i].name,
				        aggr ? "aggressive" : "main", p.why.why);
			pair_close(&p);
		}
}

/* RFC 3947 5.2 for the initiator (row NATT-5.2-02, a SHOULD NOT: nothing is refused): its QM1
 * offering UDP-Encapsulated-Tunnel alone carries no NAT-OA, and with quirk nat-oa-tunnel it
 * does; the responder records the row kept, then broken, and quick mode comes up both times. */
static void test_natoa_tunnel_initiator(void)
{
	for (int quirk = 0; quirk < 2; quirk++) {
		struct ik_cfg ci, cr;
		struct ik_pair p;
		struct ik_status st;
		pair_cfg(&ci, true);
		pair_cfg(&cr, false);
		behind_nat(&ci, &cr);
		ci.quirks = quirk ? IK_QUIRK(NAT_OA_TUNNEL) : (ik_quirks_t){0};
		CU_ASSERT_TRUE_FATAL(pair_open(&p, &ci, &cr, &st));
		qm_behind_nat(&p);
		const struct ik_sa *sr = p.res.sas;
		CU_ASSERT_EQUAL(p.p2_up, 2);
		CU_ASSERT_TRUE_FATAL(sr != NULL);
		CU_ASSERT_TRUE((sr->sh.seen & IK_SH_BIT(IK_SH_NATOA_TUNNEL)) != 0);
		CU_ASSERT_EQUAL(!!(sr->sh.broke & IK_SH_BIT(IK_SH_NATOA_TUNNEL)), quirk);
		CU_ASSERT_STRING_EQUAL(sr->fault, "");
		pair_close(&p);
	}
}

/* Engine fix (RFC 2408 3.1): a phase 1 message with a message ID is dropped, first or not, and
 * the clean one that follows still completes the exchange. */
static void test_phase1_msgid(void)
{
	for (int mm3 = 0; mm3 < 2; mm3++) {
		struct ik_cfg ci, cr;
		struct ik_pair p;
		struct ik_status st;

		pair_cfg(&ci, true);
		pair_cfg(&cr, false);
		memset(&cap, 0, sizeof(cap));
		CU_ASSERT_TRUE_FATAL(pair_open(&p, &ci, &cr, &st));
		p.ini.tap = p.res.tap = tap;
		CU_ASSERT_FALSE(mm3 ? mm3_msgid(&p) : mm1_msgid(&p));
		/* Nothing answered the copy: MM2 went out for the real MM1 only, MM3 is not taken. */
		CU_ASSERT_EQUAL(cap.res_sent, mm3 ? 1 : 0);
		CU_ASSERT(mm3 ? p.res.sas && p.res.sas->msg == 2 : !p.res.sas);
		SPIN_UNTIL(&p, p.res.p1_up || p.failed, 2000);
		CU_ASSERT_EQUAL(p.res.p1_up, 1);
		pair_close(&p);
	}
}

static const struct ik_test tests[] = {
	{"quirk names, parse, list", test_names},
	{"every quirk has a row", test_every_quirk_has_a_row},
	{"conformant refuses, quirk goes along (each row twice)", test_rows},
	{"each quirk alone: a conformant initiator still gets through",
         test_quirk_alone_still_interoperates},
	{"RFC 3947 5.2: an initiator's NAT-OA in tunnel mode is a SHOULD NOT, recorded",
         test_natoa_tunnel_initiator},
	{"engine: a stale MM1 copy does not kill the SA (RFC 2408 2.5.3)", test_stale_mm1},
	{"engine: phase 1 messages with a message ID are dropped (RFC 2408 3.1)",
         test_phase1_msgid},
	{"engine: host to host quick mode without IDs (RFC 2409 5.5)", test_no_ids_host_to_host},
};

IK_TEST_MAIN("quirk", tests)
