/*
 * What comes after XAUTH and mode-config on a live ISAKMP SA, driven by a timer:
 *
 *   draft-beaulieu-ike-xauth-02 6: "Extended Authentication MAY be initiated by the edge device
 *   at any time after the initial authentication exchange ... If the Extended Authentication
 *   exchange fails, the edge device MUST tear down all phase 1 and phase 2 SAs associated with
 *   the user."
 *   draft-dukes-ike-mode-cfg-02 3.4, INTERNAL_ADDRESS_EXPIRY: "Specifies the number of seconds
 *   that the host can use the internal IP address. The host MUST renew the IP address before
 *   this expiry time."
 *
 * The gateway (cfg.xauth.reauth_s) REQUESTs user and password again that long after each OK; a
 * FAIL then deletes every IPsec SA of the ISAKMP SA and the ISAKMP SA (quirk xauth-reauth-keep:
 * it keeps them). The tester, its client, answers a re-authentication with a wrong password when
 * the case asks (reauth_fail), keeps the SA after the FAIL and judges the Deletes that came
 * (row XAUTH-6-07). A client renews its address (a new REQUEST) halfway to an expiry it was given
 * (quirk modecfg-no-renew: never); the tester, its gateway (cfg_expiry), judges whether an address
 * REQUEST came, on this ISAKMP SA or a new one of the same peer, before the expiry ran out (row
 * MCFG-3.4-10).
 */
#include "consts.h"
#include "util.h"
#include "xchg.h"

#include <stdlib.h>
#include <string.h>

#define RENEW_MIN_MS 1000u

/* Allocated when a timer is first armed: most SAs never need it. */
struct ik_xa_later {
	uint64_t reauth_timer, renew_timer, expiry_timer;
	uint64_t expiry_given_ms; /* when our REPLY gave the expiry (0: not yet) */
	uint32_t expiry_s;
	bool expiry_judged; /* renewed in time, or run out */
};

static struct ik_xa_later *later(struct ik_sa *sa)
{
	if (!sa->xa.later)
		sa->xa.later = calloc(1, sizeof(*sa->xa.later));
	return sa->xa.later;
}

/* ---- the gateway's re-authentication ---- */

static void reauth_fire(void *arg)
{
	struct ik_sa *sa = arg;
	sa->xa.later->reauth_timer = 0;
	if (sa->dead || !sa->established || !sa->xa.xauth_ok)
		return;
	IK_LOG(sa->eng, "XAUTH re-authentication after %u s (draft-beaulieu-ike-xauth-02 6)",
	       sa->eng->cfg.xauth.reauth_s);
	sa->xa.reauth = true;
	sa->xa.id = 0; /* a new transaction, a new identifier (6) */
	ik_xa_login_request(sa);
}

void ik_xa_reauth_arm(struct ik_sa *sa)
{
	uint32_t s = sa->eng->cfg.xauth.reauth_s;
	struct ik_xa_later *l = s && sa->role == IK_RESPONDER ? later(sa) : NULL;
	if (!l || l->reauth_timer)
		return;
	l->reauth_timer = ik_loop_timer(sa->eng->loop, (uint64_t)s * 1000u, reauth_fire, sa);
}

/* A re-authentication failed: every IPsec SA, then the ISAKMP SA (6: "all phase 1 and phase 2
 * SAs"). Quirk xauth-reauth-keep: all kept, as though it had not failed. */
void ik_xa_reauth_failed(struct ik_sa *sa)
{
	struct ik_status st;
	if (IK_HAS(sa->eng->cfg.quirks, XAUTH_REAUTH_KEEP)) {
		sa->xa.xauth_ok = true;
		IK_LOG(sa->eng, "XAUTH re-authentication failed; the SAs are kept (quirk)");
		return;
	}
	ik_send_delete_all(sa);
	ik_fail(&st, 0,
	        "XAUTH re-authentication failed: the IPsec SAs and the ISAKMP SA were deleted "
	        "(draft-beaulieu-ike-xauth-02 6)");
	ik_sa_fail(sa, NULL, &st);
}

/* The tester, after the gateway failed its re-authentication: a Delete of the ISAKMP SA and one
 * of every IPsec SA of it (those it sends to, our spi_out) is the row kept. */
void ik_xa_reauth_judge(struct ik_sa *sa)
{
	char note[IK_XC_NOTE];
	unsigned n = 0, del = 0;
	if (!sa->xa.reauth_failed)
		return;
	for (const struct ik_qm *q = sa->qms; q; q = q->next)
		if (q->established)
			n++, del += q->peer_deleted;
	snprintf(note, sizeof(note),
	         "after its SET(FAIL) of our re-authentication it deleted %s and %u of the %u "
	         "IPsec SA%s",
	         sa->dead ? "the ISAKMP SA" : "no ISAKMP SA", del, n, n == 1 ? "" : "s");
	if (sa->dead && del == n)
		ik_xa_row_kept(sa, IK_XC_REAUTH_DOWN, note);
	else
		ik_xa_row_broke(sa, IK_XC_REAUTH_DOWN, note);
}

/* ---- the client's renewal ---- */

static void renew_fire(void *arg)
{
	struct ik_sa *sa = arg;
	sa->xa.later->renew_timer = 0;
	if (sa->dead || !sa->established)
		return;
	IK_LOG(sa->eng,
	       "mode-config: the address is renewed before it expires "
	       "(draft-dukes-ike-mode-cfg-02 3.4)");
	ik_xa_request_cfg(sa);
}

static uint32_t expiry_of(const struct ik_cfg_msg *m)
{
	const struct ik_cfg_attr *a = ik_cfg_find(m, IK_CFG_ATTR_INTERNAL_ADDRESS_EXPIRY);
	if (!a || a->len != 4)
		return 0;
	return (uint32_t)a->v[0] << 24 | (uint32_t)a->v[1] << 16 | (uint32_t)a->v[2] << 8 | a->v[3];
}

/* A REPLY with an address and an expiry: REQUEST again halfway there. */
void ik_xa_renew_arm(struct ik_sa *sa, const struct ik_cfg_msg *reply)
{
	uint32_t s = expiry_of(reply);
	if (!s || !ik_cfg_find(reply, IK_CFG_ATTR_INTERNAL_IP4_ADDRESS) ||
	    IK_HAS(sa->eng->cfg.quirks, MODECFG_NO_RENEW))
		return;
	struct ik_xa_later *l = later(sa);
	if (!l || l->renew_timer)
		return;
	uint64_t ms = (uint64_t)s * 500u;
	l->renew_timer =
		ik_loop_timer(sa->eng->loop, ms > RENEW_MIN_MS ? ms : RENEW_MIN_MS, renew_fire, sa);
}

/* ---- the gateway's expiry, judged ---- */

static void expiry_fire(void *arg)
{
	struct ik_sa *sa = arg;
	struct ik_xa_later *l = sa->xa.later;
	char note[IK_XC_NOTE];
	l->expiry_timer = 0;
	if (l->expiry_judged)
		return;
	l->expiry_judged = true;
	snprintf(note, sizeof(note),
	         "given an address for %u s (INTERNAL_ADDRESS_EXPIRY), it asked for none again "
	         "before it ran out",
	         l->expiry_s);
	ik_xa_row_broke(sa, IK_XC_EXPIRY_RENEW, note);
	ik_emit_event(sa, NULL, IK_EV_MODECFG);
}

/* An address REQUEST from the peer of sa: one that renews an address we gave this SA or an
 * earlier SA of the same peer, whose expiry has not run out, keeps the row on that SA. */
static void renewal(struct ik_sa *sa)
{
	char note[IK_XC_NOTE];
	uint64_t now = ik_now_ms();
	for (struct ik_sa *o = sa->eng->sas; o; o = o->next) {
		struct ik_xa_later *l = o->xa.later;
		if (!l || !l->expiry_given_ms || l->expiry_judged ||
		    !ik_addr_equal(&o->peer, &sa->peer))
			continue;
		l->expiry_judged = true;
		snprintf(note, sizeof(note),
		         "given an address for %u s (INTERNAL_ADDRESS_EXPIRY), it asked again "
		         "after %.1f s, %s",
		         l->expiry_s, (double)(now - l->expiry_given_ms) / 1000.0,
		         o == sa ? "on the same ISAKMP SA" : "in a new phase 1");
		ik_xa_row_kept(o, IK_XC_EXPIRY_RENEW, note);
		ik_emit_event(o, NULL, IK_EV_MODECFG);
	}
}

/* The gateway's REPLY to an address REQUEST: cfg_expiry (a test of the client) puts or replaces
 * its INTERNAL_ADDRESS_EXPIRY ("Only one attribute MAY be present in the reply", 3.4) and
 * starts the clock once; a later address REQUEST is the renewal. */
void ik_xa_expiry_put(struct ik_sa *sa, const struct ik_cfg_msg *asked, struct ik_cfg_msg *out)
{
	uint32_t s = sa->eng->cfg.xauth.cfg_expiry;
	struct ik_cfg_attr *a = NULL;
	if (!s || !ik_cfg_find(asked, IK_CFG_ATTR_INTERNAL_IP4_ADDRESS))
		return;
	renewal(sa);
	for (size_t i = 0; i < out->n && !a; i++)
		if (out->a[i].type == IK_CFG_ATTR_INTERNAL_ADDRESS_EXPIRY)
			a = &out->a[i];
	if (!a && out->n < IK_CFG_MAX_ATTRS)
		a = &out->a[out->n++];
	if (!a)
		return;
	memset(a, 0, sizeof(*a));
	a->type = IK_CFG_ATTR_INTERNAL_ADDRESS_EXPIRY;
	a->len = 4;
	for (int i = 0; i < 4; i++)
		a->v[i] = (uint8_t)(s >> (24 - 8 * i));
	struct ik_xa_later *l = later(sa);
	if (!l || l->expiry_given_ms)
		return;
	l->expiry_given_ms = ik_now_ms();
	l->expiry_s = s;
	l->expiry_timer = ik_loop_timer(sa->eng->loop, (uint64_t)s * 1000u, expiry_fire, sa);
}

bool ik_xa_expiry_judged(const struct ik_sa *sa)
{
	return sa->xa.later && sa->xa.later->expiry_judged;
}

void ik_xa_timers_cancel(struct ik_sa *sa)
{
	struct ik_xa_later *l = sa->xa.later;
	if (!l)
		return;
	ik_loop_cancel(sa->eng->loop, l->reauth_timer);
	ik_loop_cancel(sa->eng->loop, l->renew_timer);
	ik_loop_cancel(sa->eng->loop, l->expiry_timer);
	free(l);
	sa->xa.later = NULL;
}
