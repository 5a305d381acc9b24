/*
 * How long the DUT takes to answer, as the runner sees it (RFC 6298's estimator, whose rules fit
 * any request/response protocol): a clean round trip (a first transmission of ours answered
 * before any retransmission of it, Karn's rule, RFC 6298 3) moves a smoothed round-trip time
 * and its variation; the retransmission interval of each case is then at least srtt + 4 rttvar.
 *
 * Why: each case retransmits after a tenth of its window (run_case.c) so that six copies fit in
 * it on a lossy path. On a machine so busy that the DUT's answer takes longer than that (the
 * self-test runs four suites at once on two cores), a copy goes out that no loss called for, and
 * a DUT that handles copies badly (restart-on-retransmit) is then driven into a state no case
 * asked for: a case meant to pass stalls, and a case meant to fail is left inconclusive.
 */
#include "runner_int.h"

#include <string.h>

/* RFC 6298 2.2 and 2.3 (alpha 1/8, beta 1/4), in milliseconds. */
static void rtt_sample(struct ik_runner *R, unsigned r)
{
	if (!R->rtt_samples++) {
		R->srtt_ms = r;
		R->rttvar_ms = r / 2;
		return;
	}
	unsigned d = r > R->srtt_ms ? r - R->srtt_ms : R->srtt_ms - r;
	R->rttvar_ms = (3 * R->rttvar_ms + d) / 4;
	R->srtt_ms = (7 * R->srtt_ms + r) / 8;
}

void ik_rtt_scan(struct ik_runner *R, const struct ik_ladder *l)
{
	for (size_t i = 0; i + 1 < l->n; i++) {
		const struct ik_rung *g = &l->rungs[i];
		/* what the DUT does with a message we broke may take its time on purpose */
		if (!g->sent || g->retransmit || g->xchg == IK_X_INFO ||
		    !strncmp(g->note, "mutated", 7))
			continue;
		/* the DUT's next message, the answer to this one (MM1 -> MM2, QM2 -> QM3), with no copy of
		 * ours in between (Karn); a message it starts later (a rekey, a DPD) is no answer */
		size_t j = i + 1;
		bool copied = false;
		for (; j < l->n && l->rungs[j].sent; j++)
			copied = copied || l->rungs[j].retransmit;
		if (j == l->n || copied || l->rungs[j].retransmit || l->rungs[j].xchg != g->xchg ||
		    l->rungs[j].msg != g->msg + 1)
			continue;
		uint64_t r = l->rungs[j].t_ms - g->t_ms;
		/* one answer held back on purpose (a DUT that waits out a bad message) moves it
		 * no further than the silence window */
		rtt_sample(R, (unsigned)(r < R->o->silence_ms ? r : R->o->silence_ms));
	}
}

unsigned ik_rtt_retrans_ms(const struct ik_runner *R, unsigned window_ms)
{
	unsigned base = window_ms / 10 ? window_ms / 10 : 1;
	unsigned rto = R->rtt_samples ? R->srtt_ms + 4 * R->rttvar_ms : 0;
	/* never so long that fewer than three copies fit in the window (0, w/3, 0.77w) */
	unsigned cap = window_ms / 3 > base ? window_ms / 3 : base;
	return rto < base ? base : rto > cap ? cap : rto;
}
