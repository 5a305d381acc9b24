/*
 * A password only to an authenticated peer (draft-beaulieu-ike-xauth-02 10: "A user's password
 * should never be sent in the clear and when sent encrypted, the destination MUST have been
 * previously authenticated"). As the gateway of a DUT client (tester xauth_clear_request), we
 * send, right after MM2 or MM4 and so before our MM6 has authenticated us, the transaction
 * REQUEST for user and password in its unprotected form (draft-dukes-ike-mode-cfg-02 3.1.2:
 * "HDR, ATTR", no HASH). What the client sends in the transaction exchange before phase 1 is up
 * is judged (row XAUTH-10-01): a clear XAUTH_USER_PASSWORD with a value, or anything encrypted
 * (it cannot have authenticated us yet), breaks it; ignoring the REQUEST, or a notify, keeps
 * it. Quirk xauth-clear-reply: serve, the client, answers such a REQUEST in the clear.
 */
#include "consts.h"
#include "crypto.h"
#include "mutate_apply.h"
#include "rng.h"
#include "util.h"
#include "xchg.h"

#include <string.h>

static void put(struct ik_cfg_msg *c, uint16_t type, const char *v)
{
	struct ik_cfg_attr *a = &c->a[c->n++];
	size_t len = v ? strlen(v) : 0;
	memset(a, 0, sizeof(*a));
	a->type = type;
	a->len = (uint8_t)(len < sizeof(a->v) ? len : sizeof(a->v));
	if (a->len)
		memcpy(a->v, v, a->len);
}

/* HDR, ATTR in the clear under message ID mid (3.1.2), with a ladder rung. */
static bool send_clear(struct ik_sa *sa, uint32_t mid, int msgno, const struct ik_cfg_msg *c)
{
	struct ik_msg out;
	struct ik_wr wire;
	struct ik_status st;
	ik_wr_init(&wire);
	bool ok = ik_msg_start(&out, sa->icookie, sa->rcookie, IK_EXCH_TRANSACTION, 0, mid) &&
	          ik_cfg_msg_add(&out, c) &&
	          ik_emit_build(sa, NULL, NULL, false, &out, NULL, NULL, &wire, &st) &&
	          ik_send_wire(sa, wire.p, wire.len, &st);
	struct ik_rung *r = ok ? ik_ladder_add(&sa->ladder, true, IK_X_TRANS, msgno) : NULL;
	if (r) {
		ik_ladder_payloads(&out, false, r->payloads, sizeof(r->payloads));
		snprintf(r->note, sizeof(r->note), "in the clear, before phase 1 is done");
	}
	ik_msg_free(&out);
	ik_wr_free(&wire);
	return ok;
}

void ik_xa_clear_request(struct ik_sa *sa, int msgno)
{
	const struct ik_xauth_cfg *x = &sa->eng->cfg.xauth;
	char note[IK_XC_NOTE];
	if (sa->role != IK_RESPONDER || !x->gateway || x->clear_req_after != msgno ||
	    sa->xa.clear_mid)
		return;
	struct ik_cfg_msg c = {.type = IK_CFG_TYPE_REQUEST};
	while (!c.id)
		ik_rng_bytes(&c.id, sizeof(c.id));
	while (!sa->xa.clear_mid)
		ik_rng_bytes(&sa->xa.clear_mid, sizeof(sa->xa.clear_mid));
	put(&c, IK_CFG_ATTR_XAUTH_USER_NAME, NULL); /* 6.1: what we want back, empty */
	put(&c, IK_CFG_ATTR_XAUTH_USER_PASSWORD, NULL);
	if (!send_clear(sa, sa->xa.clear_mid, 1, &c))
		return;
	snprintf(note, sizeof(note),
	         "our clear REQUEST (ID %08x, after MM%d) got no password, nor any answer before "
	         "phase 1",
	         sa->xa.clear_mid, msgno);
	ik_xa_row_kept(sa, IK_XC_CLEAR_PW, note);
}

/* The gateway's side: what the client sent in the exchange type 6 before phase 1 was up, or in
 * the clear after. */
static void judge(struct ik_sa *sa, const struct ik_msg *m, bool enc, uint32_t mid)
{
	char note[IK_XC_NOTE], l[IK_XC_NOTE];
	struct ik_cfg_msg c;
	struct ik_status st;
	if (enc) {
		snprintf(note, sizeof(note),
		         "a transaction (ID %08x) encrypted before our MM6: to a peer not yet "
		         "authenticated",
		         mid);
		ik_xa_row_broke(sa, IK_XC_CLEAR_PW, note);
		return;
	}
	if (!ik_cfg_msg_read(m, &c, &st))
		return;
	const struct ik_cfg_attr *pw = ik_cfg_find(&c, IK_CFG_ATTR_XAUTH_USER_PASSWORD);
	ik_cfg_attr_list(&c, NULL, l, sizeof(l));
	if (pw && pw->len) {
		snprintf(note, sizeof(note), "its password in the clear (ID %08x): %.70s", mid, l);
		ik_xa_row_broke(sa, IK_XC_CLEAR_PW, note);
		return;
	}
	snprintf(note, sizeof(note), "in the clear (ID %08x), no password: %.70s", mid, l);
	ik_xa_row_kept(sa, IK_XC_CLEAR_PW, note);
}

/* Quirk xauth-clear-reply: the client answers a clear REQUEST for its login in the clear. */
static void clear_reply(struct ik_sa *sa, const struct ik_msg *m, uint32_t mid)
{
	const struct ik_xauth_cfg *x = &sa->eng->cfg.xauth;
	struct ik_cfg_msg in, out;
	struct ik_status st;
	if (!ik_cfg_msg_read(m, &in, &st) || in.type != IK_CFG_TYPE_REQUEST ||
	    !ik_cfg_find(&in, IK_CFG_ATTR_XAUTH_USER_PASSWORD))
		return;
	out = (struct ik_cfg_msg){.type = IK_CFG_TYPE_REPLY, .id = in.id};
	put(&out, IK_CFG_ATTR_XAUTH_USER_NAME, x->me.name);
	put(&out, IK_CFG_ATTR_XAUTH_USER_PASSWORD, x->me.password);
	IK_LOG(sa->eng, "quirk xauth-clear-reply: user and password sent in the clear");
	send_clear(sa, mid, 2, &out);
}

void ik_xa_clear_in(struct ik_sa *sa, const struct ik_msg *m, const struct ik_dgram *d)
{
	bool enc = ik_fnum(m->hdr, IK_F_HDR_FLAGS) & IK_HDR_FLAG_ENC;
	uint32_t mid = ik_fnum(m->hdr, IK_F_HDR_MSGID);
	(void)d;
	/* in the clear, a password is read even after phase 1 (10: "never sent in the clear") */
	if (sa->role == IK_RESPONDER && sa->xa.clear_mid && (!sa->established || !enc))
		judge(sa, m, enc, mid);
	else if (sa->role == IK_INITIATOR && !enc && !sa->established &&
	         sa->eng->cfg.xauth.client && IK_HAS(sa->eng->cfg.quirks, XAUTH_CLEAR_REPLY))
		clear_reply(sa, m, mid);
}
