/*
 * The order cases start in (issue 14 item 5: the suite's wall-clock time). The verdicts do not
 * depend on it; the time does:
 *
 *   - the cases expected to take longest start first (a fixed wait, a silence window to sit
 *     out), so none of them starts near the end and runs on alone: RPL-005's 4.5 s wait, last
 *     in file order, used to end the run 4 s after every other case;
 *   - the cases that run alone (ik_case_runs_alone) come last, all together: each of them
 *     waits until nothing else is in flight, and in file order that meant draining the slots
 *     before every one of them while no new case could start. At the end they also meet a path
 *     the runner already knows (run_retry.c: an unknown path makes verdicts run again).
 *
 * Within a cost the file order stands, so a run's order is the same every time.
 */
#include "runner_int.h"

#include <stdlib.h>

struct ranked {
	size_t idx;
	bool alone;
	unsigned cost_ms;
};

/* Roughly how long a case takes against a DUT that does what the case expects: its fixed waits,
 * plus a silence window (and the answer time of the last copy) where silence may end it, plus
 * the DPD step's retries around that window. An estimate for the order only. */
static unsigned cost_ms(const struct ik_case *c, unsigned window_ms)
{
	unsigned ms = 0;
	for (size_t i = 0; i < c->nsteps; i++) {
		if (c->steps[i].kind == IK_STEP_WAIT && c->steps[i].arg > 0)
			ms += (unsigned)c->steps[i].arg;
		if (c->steps[i].kind == IK_STEP_DPD)
			ms += window_ms / 4;
	}
	if (ik_silence_accepted(c))
		ms += window_ms + window_ms / 4;
	return ms;
}

static int by_rank(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->alone != y->alone)
		return x->alone ? 1 : -1;
	if (x->cost_ms != y->cost_ms)
		return x->cost_ms > y->cost_ms ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

bool ik_run_order(struct ik_runner *R)
{
	size_t n = R->cs.n;
	struct ranked *rk = calloc(n ? n : 1, sizeof(*rk));
	R->order = calloc(n ? n : 1, sizeof(*R->order));
	R->started = calloc(n ? n : 1, sizeof(*R->started));
	R->confirm = calloc(n ? n : 1, sizeof(*R->confirm));
	if (!rk || !R->order || !R->started || !R->confirm) {
		free(rk);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		const struct ik_case *c = &R->cs.c[i];
		rk[i] = (struct ranked){i, ik_case_runs_alone(c, R->o, R->base),
		                        cost_ms(c, R->o->silence_ms)};
	}
	qsort(rk, n, sizeof(*rk), by_rank);
	for (size_t i = 0; i < n; i++)
		R->order[i] = rk[i].idx;
	free(rk);
	return true;
}
