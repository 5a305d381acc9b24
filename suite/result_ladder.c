/*
 * The engine's message ladder (engine/exchanges/where.h) flattened into a result record's rungs, with the
 * names every report shows: RFC message names, Cisco IOS states, notify names. It lives with the
 * runner, not in reports/, so the report writers only ever see strings (docs/architecture.md).
 */
#include "result_ladder.h"

#include "consts.h"
#include "where.h"

#include <string.h>

static void set_rung(struct ik_result_rung *o, const struct ik_rung *r)
{
	memset(o, 0, sizeof(*o));
	o->t_s = (double)r->t_ms / 1000.0; /* already since the ladder started */
	o->sent = r->sent;
	o->retransmit = r->retransmit;
	/* An informational exchange, or message 0 (fits no exchange step: a stray notify or
	 * delete), is shown as INFO without a state (as ik_ladder_print does). */
	bool info = r->xchg == IK_X_INFO || !r->msg;
	snprintf(o->msg, sizeof(o->msg), "%s", info ? "INFO" : ik_msg_name(r->xchg, r->msg));
	snprintf(o->state, sizeof(o->state), "%s", info ? "" : ik_ios_state(r->xchg, r->msg));
	snprintf(o->payloads, sizeof(o->payloads), "%s", r->payloads);
	snprintf(o->note, sizeof(o->note), "%s", r->note);
	if (r->notify) {
		char buf[IK_NAME_MAX];
		snprintf(o->notify, sizeof(o->notify), "%s", ik_fmt(buf, IK_T_NOTIFY, r->notify));
	}
}

void ik_result_set_ladder(struct ik_result *res, const struct ik_ladder *l)
{
	size_t n = l->n, max = IK_RESULT_MAX_RUNGS;
	res->nladder = 0;
	if (n <= max) {
		for (size_t i = 0; i < n; i++)
			set_rung(&res->ladder[res->nladder++], &l->rungs[i]);
		return;
	}
	/* Too long (a retransmission storm): the start, a marker, and the end, where the
	 * exchange stopped; the pcap has every message. */
	size_t head = max / 2, tail = max - head - 1;
	for (size_t i = 0; i < head; i++)
		set_rung(&res->ladder[res->nladder++], &l->rungs[i]);
	struct ik_result_rung *gap = &res->ladder[res->nladder++];
	memset(gap, 0, sizeof(*gap));
	gap->t_s = res->ladder[head - 1].t_s;
	snprintf(gap->msg, sizeof(gap->msg), "...");
	snprintf(gap->note, sizeof(gap->note), "%zu messages left out here; the pcap has them all",
	         n - head - tail);
	for (size_t i = n - tail; i < n; i++)
		set_rung(&res->ladder[res->nladder++], &l->rungs[i]);
}
