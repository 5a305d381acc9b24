/*
 * The traffic step (docs/writing-cases.md): ICMP echo through the quick mode's ESP SA (RFC 4303,
 * UDP-encapsulated per RFC 3948) from the first host of the tester's subnet to the first host of
 * the DUT's, one every PING_MS after SETTLE_MS; done when every reply is back or half a silence
 * window after the last ping. What came back goes into the observation; the verdict decides what it means.
 */
#include "datapath.h"
#include "runner_int.h"

#include <stdlib.h>
#include <string.h>

#define PING_MS 100
/* The DUT installs its SAs once it has QM3 (RFC 2409 5.5), and does so at its own pace (charon
 * hands it to a worker thread, kernel-libipsec then sets up its TUN route): a ping sent the
 * moment our QM3 leaves can arrive before the SA exists. The first waits this long. */
#define SETTLE_MS 250

static const struct ik_qm *established_qm(const struct crun *cr)
{
	if (cr->qm && cr->qm->established)
		return cr->qm;
	for (const struct ik_qm *q = cr->sa ? cr->sa->qms : NULL; q; q = q->next)
		if (q->established)
			return q;
	return NULL;
}

static void tick(void *arg);

static void schedule(struct crun *cr)
{
	cr->step_timer = ik_loop_timer(&cr->R->loop, PING_MS, tick, cr);
}

/* Every ping interval: the next ping, and the step over when all are back or late. */
static void tick(void *arg)
{
	struct crun *cr = arg;
	struct ik_datapath *dp = cr->dp;
	unsigned want = (unsigned)cr->steps[cr->step].arg;
	struct ik_status st = {0};
	cr->step_timer = 0;
	uint64_t now = ik_now_ms();
	if (dp->sent < want && ik_dp_ping(dp, (uint16_t)dp->sent, &st))
		cr->last_tx_ms = now;
	cr->o.pings = dp->sent, cr->o.pongs = dp->replies;
	if (dp->refused)
		snprintf(cr->o.traffic_why, sizeof(cr->o.traffic_why), "%u refused: %.130s",
		         dp->refused, dp->why);
	if (dp->sent == want && !cr->traffic_end)
		cr->traffic_end = now + cr->window_ms / 2;
	if (dp->replies == want || (cr->traffic_end && now >= cr->traffic_end)) {
		double sum = 0;
		for (unsigned i = 0; i < dp->sent; i++)
			sum += dp->rtt_ms[i] >= 0 ? dp->rtt_ms[i] : 0;
		cr->o.rtt_ms = dp->replies ? sum / dp->replies : 0;
		ik_traffic_done(cr);
		return;
	}
	schedule(cr);
}

bool ik_traffic_start(struct crun *cr)
{
	const struct ik_profile *p = cr->R->base;
	const struct ik_qm *qm = established_qm(cr);
	struct ik_status st = {0};
	if (!qm) {
		snprintf(cr->o.step_fail, sizeof(cr->o.step_fail),
		         "step 'traffic' needs an established quick mode: put quick before it");
		return false;
	}
	if (!(cr->dp = calloc(1, sizeof(*cr->dp))) ||
	    !ik_dp_start(cr->dp, &cr->eng, qm->sa, qm, ik_profile_first_host(&p->tester),
	                 ik_profile_first_host(&p->dut), &st)) {
		snprintf(cr->o.step_fail, sizeof(cr->o.step_fail), "traffic: %.140s",
		         cr->dp ? st.why : "out of memory");
		return false;
	}
	cr->traffic_end = 0;
	cr->step_timer = ik_loop_timer(&cr->R->loop, SETTLE_MS, tick, cr);
	return true;
}

void ik_traffic_stop(struct crun *cr)
{
	if (!cr->dp)
		return;
	ik_dp_stop(cr->dp);
	free(cr->dp);
	cr->dp = NULL;
}
