/*
 * How a peer retransmits a transaction REQUEST it started (draft-dukes-ike-mode-cfg-02 2: "If
 * one is not received, the implementation MAY wish to retransmit the original message"; 3.5:
 * "Retransmission SHOULD follow the same retransmission rules used with standard ISAKMP
 * messages"): a mode-config client's address REQUEST when we are its gateway (XA-CLI-014), an
 * XAUTH gateway's REQUEST for user and password when we are its client (XA-EDGE-019). We leave
 * the first cfg_unanswered copies unanswered (our REPLY is built and kept, as if lost on the
 * way: ik_xa_rtx_hold) and note every copy as it comes. The ISAKMP rules (RFC 2408 5.1): "the
 * ISAKMP message is resent" (the same message: its message ID and its octets), and "successive
 * retransmissions of the same packet should be separated by increasingly longer time
 * intervals". A peer that never resends keeps 3.5 (nothing to judge: 2 makes the
 * retransmission a MAY); one that resends under a new message ID, other octets, or sooner than
 * the time before, breaks it. Rows MCFG-2-04 (the note) and MCFG-3.5-01.
 */
#include "consts.h"
#include "util.h"
#include "xchg.h"

#include <stdlib.h>
#include <string.h>

#define RTX_MAX 8 /* copies timed */

struct ik_xa_rtx {
	uint32_t mid;           /* the first copy's message ID */
	unsigned n, held;       /* copies seen, REPLYs held back */
	bool answered;          /* our REPLY went at last */
	uint64_t t[RTX_MAX];    /* when each copy came (ms) */
	uint32_t mids[RTX_MAX]; /* and under which message ID */
};

/* The REQUEST whose answer we hold back: one the peer started, a mode-config REQUEST of the
 * client when we are its gateway (phase 1's responder), the XAUTH REQUEST of the gateway when we
 * are its client (the client's XAUTH REPLY and ACK come under our IDs, and so on). */
static bool tracked(const struct ik_sa *sa, const struct ik_qm *q)
{
	if (!q->tx || q->role != IK_RESPONDER || q->tx_in.type != IK_CFG_TYPE_REQUEST ||
	    !sa->eng->cfg.xauth.cfg_unanswered)
		return false;
	return sa->role == IK_RESPONDER ? !ik_cfg_has_xauth(&q->tx_in)
	                                : ik_cfg_has_xauth(&q->tx_in);
}

static struct ik_xa_rtx *state(struct ik_sa *sa)
{
	if (!sa->xa.rtx)
		sa->xa.rtx = calloc(1, sizeof(*sa->xa.rtx));
	return sa->xa.rtx;
}

/* "after 1012 ms, 1996 ms": the intervals between the copies. */
static void intervals(const struct ik_xa_rtx *r, char *out, size_t n)
{
	size_t l = 0;
	out[0] = 0;
	for (unsigned i = 1; i < r->n && i < RTX_MAX && l + 1 < n; i++) {
		int w = snprintf(out + l, n - l, "%s%llu ms", i > 1 ? ", " : "",
		                 (unsigned long long)(r->t[i] - r->t[i - 1]));
		l += w > 0 ? (size_t)w : 0;
	}
}

/* What copy k (0-based, k >= 1) breaks of the ISAKMP rules, into note; false: nothing. */
static bool broken(const struct ik_xa_rtx *r, unsigned k, bool same, char *note, size_t n)
{
	if (r->mids[k] != r->mid) {
		snprintf(note, n,
		         "its REQUEST (ID %08x) unanswered, it sent it again under ID %08x: a new "
		         "transaction, not a resend",
		         r->mid, r->mids[k]);
		return true;
	}
	if (!same) {
		snprintf(note, n,
		         "its REQUEST resent under ID %08x with other octets than the first: not "
		         "the same message",
		         r->mid);
		return true;
	}
	/* RFC 2408 5.1 "increasingly longer time intervals": one shorter than the one before
	 * (beyond a tenth and 50 ms of timer noise) shrinks */
	uint64_t a = k >= 2 ? r->t[k - 1] - r->t[k - 2] : 0, b = r->t[k] - r->t[k - 1];
	if (k >= 2 && b * 10 + 500 < a * 9) {
		snprintf(note, n,
		         "its REQUEST (ID %08x) resent after %llu ms, then after %llu ms: the "
		         "interval shrank",
		         r->mid, (unsigned long long)a, (unsigned long long)b);
		return true;
	}
	return false;
}

bool ik_xa_rtx_copy(struct ik_sa *sa, const struct ik_qm *q, bool same)
{
	struct ik_xa_rtx *r;
	char note[IK_XC_NOTE], iv[80];
	if (!tracked(sa, q))
		return false;
	if (!(r = state(sa)) || r->n >= RTX_MAX ||
	    (r->n && r->held < r->n)) /* answered already: a late copy */
		return true;
	unsigned k = r->n++;
	r->t[k] = ik_now_ms(), r->mids[k] = q->msgid;
	if (!k) {
		r->mid = q->msgid;
		snprintf(
			note, sizeof(note),
			"its REQUEST (ID %08x) unanswered, not sent again: 2 makes that a MAY, 3.5 "
			"judges resends",
			r->mid);
		ik_xa_row_kept(sa, IK_XC_RTX, note);
		snprintf(note, sizeof(note),
		         "its REQUEST (message ID %08x) left unanswered: not sent again", r->mid);
		ik_xa_row_kept(sa, IK_XC_RTX_SEEN, note);
		return true;
	}
	intervals(r, iv, sizeof(iv));
	snprintf(note, sizeof(note),
	         "its REQUEST unanswered, it sent it %u time%s more, after %.60s", k,
	         k == 1 ? "" : "s", iv);
	ik_xa_row_kept(sa, IK_XC_RTX_SEEN, note);
	if (broken(r, k, same, note, sizeof(note))) {
		ik_xa_row_broke(sa, IK_XC_RTX, note);
		return true;
	}
	snprintf(note, sizeof(note),
	         "its REQUEST resent %u time%s unchanged (ID %08x, the same octets), after %.36s",
	         k, k == 1 ? "" : "s", r->mid, iv);
	ik_xa_row_kept(sa, IK_XC_RTX, note);
	return true;
}

bool ik_xa_rtx_hold(struct ik_sa *sa, const struct ik_qm *q)
{
	struct ik_xa_rtx *r = tracked(sa, q) ? sa->xa.rtx : NULL;
	if (!r || r->held >= sa->eng->cfg.xauth.cfg_unanswered || r->held >= r->n) {
		if (r && r->n && !r->answered) { /* the listening is over (a case's wait step) */
			r->answered = true;
			ik_emit_event(sa, NULL, IK_EV_MODECFG);
		}
		return false;
	}
	r->held++;
	IK_LOG(sa->eng, "mode-config REPLY (message ID %08x) held back: copy %u left unanswered",
	       q->msgid, r->held);
	return true;
}

/* Quirk tx-rtx-new-mid: a REQUEST we started (a client's mode-config REQUEST, a gateway's XAUTH
 * REQUEST), unanswered, goes again as a new transaction (a new message ID); the old one is
 * dropped. True: done instead of a resend. */
bool ik_xa_rtx_new_mid(struct ik_sa *sa, struct ik_qm *q)
{
	if (!(IK_HAS(sa->eng->cfg.quirks, TX_RTX_NEW_MID)) || !q->tx || q->role != IK_INITIATOR ||
	    q->tx_out.type != IK_CFG_TYPE_REQUEST || q->cfgq)
		return false;
	struct ik_cfg_msg m = q->tx_out;
	q->established = true; /* given up: its timer stops, a late REPLY to it is dropped */
	ik_trans_initiate(sa, &m);
	return true;
}

bool ik_xa_rtx_answered(const struct ik_sa *sa)
{
	return sa->xa.rtx && sa->xa.rtx->answered;
}
