/*
 * The xauth-reauth step (docs/writing-cases.md): after main mode, XAUTH and quick mode with a
 * DUT gateway that re-runs XAUTH (xauth.reauth), the tester waits for its new REQUEST, answers it
 * with a wrong password (cfg.xauth.reauth_fail), ACKs the SET(XAUTH_STATUS=FAIL) and keeps the
 * SA to hear the Deletes that follow (xauth_reauth.c judges them, row XAUTH-6-07):
 *
 *   draft-beaulieu-ike-xauth-02 6: "Extended Authentication MAY be initiated by the edge device
 *   at any time after the initial authentication exchange ... If the Extended Authentication
 *   exchange fails, the edge device MUST tear down all phase 1 and phase 2 SAs associated with
 *   the user."
 *
 * Re-running is a MAY: no REQUEST within the profile's interval and GRACE_MS is nothing to judge
 * (an ERROR that says so, not a FAIL). After the FAIL the step listens LISTEN_MS, or AFTER_MS
 * past the moment the ISAKMP SA and every IPsec SA were deleted.
 */
#include "runner_int.h"

#define POLL_MS      100
#define GRACE_MS     10000
#define LISTEN_MS    5000
#define AFTER_MS     300
#define REAUTH_MAX_S 300 /* a longer xauth.reauth is not waited out: the step is an ERROR */

static bool all_down(const struct ik_sa *sa)
{
	if (!sa->dead)
		return false;
	for (const struct ik_qm *q = sa->qms; q; q = q->next)
		if (q->established && !q->peer_deleted)
			return false;
	return true;
}

static void tick(void *arg)
{
	struct crun *cr = arg;
	struct ik_sa *sa = cr->sa;
	uint64_t now = ik_now_ms();
	cr->step_timer = 0;
	if (cr->finished || !sa)
		return;
	if (!sa->xa.reauth_failed && now >= cr->ra_until) {
		snprintf(
			cr->o.step_fail, sizeof(cr->o.step_fail),
			"%s in %u s (xauth.reauth = %u s): re-running XAUTH is a MAY (xauth-02 6), "
			"nothing to judge",
			sa->xa.reauth ? "no SET(FAIL) of our wrong re-authentication password"
				      : "no re-authentication REQUEST from the DUT",
			(unsigned)((now - cr->ra_start) / 1000), cr->R->base->xauth.reauth);
		ik_step_fail(cr, cr->o.step_fail);
		return;
	}
	if (sa->xa.reauth_failed && !cr->ra_done_at)
		cr->ra_done_at = now + LISTEN_MS;
	if (cr->ra_done_at && all_down(sa) && cr->ra_done_at > now + AFTER_MS)
		cr->ra_done_at = now + AFTER_MS;
	if (cr->ra_done_at && now >= cr->ra_done_at) {
		ik_xa_reauth_judge(sa);
		ik_step_done(cr);
		return;
	}
	cr->step_timer = ik_loop_timer(&cr->R->loop, POLL_MS, tick, cr);
}

bool ik_reauth_start(struct crun *cr)
{
	uint32_t s = cr->R->base->xauth.reauth;
	if (!cr->sa || !cr->sa->established || !cr->sa->xa.xauth_ok) {
		snprintf(cr->o.step_fail, sizeof(cr->o.step_fail),
		         "step 'xauth-reauth' needs an ISAKMP SA the DUT logged us in on: put main "
		         "and xauth before it");
		return false;
	}
	if (!s || s > REAUTH_MAX_S) {
		snprintf(cr->o.step_fail, sizeof(cr->o.step_fail),
		         "xauth-reauth waits for the DUT's re-authentication after xauth.reauth, "
		         "which is %u s: the profile needs one of 1 to %d s",
		         s, REAUTH_MAX_S);
		return false;
	}
	cr->eng.cfg.xauth.reauth_fail = true;
	cr->ra_start = ik_now_ms();
	cr->ra_until = cr->ra_start + (uint64_t)s * 1000u + GRACE_MS;
	cr->ra_done_at = 0;
	cr->step_timer = ik_loop_timer(&cr->R->loop, POLL_MS, tick, cr);
	return true;
}
