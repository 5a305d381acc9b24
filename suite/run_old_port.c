/*
 * After the float (RFC 3947 4), datagrams of the case's ISAKMP SA sent on purpose from our IKE
 * port to the DUT's, where "Once port change has occurred, if a packet is received on port 500,
 * that packet is old":
 *
 * - replay-500: a copy of our last phase 1 message (MM5, AM3) under the SA's cookies. "If the
 *   packet is a Main Mode or an Aggressive Mode packet (with the same cookies as previous
 *   packets), it SHOULD be discarded." A phase 1 answer on our NAT-T port shows the copy was
 *   taken as a retransmission, not discarded: the exchange stops there (the case's SHOULD,
 *   WARN).
 * - dpd-500: an R-U-THERE. "If the packet is an informational packet, it MAY be processed if
 *   local policy allows this": its ACK on the NAT-T port and no ACK both do.
 * After either, any datagram of the SA that reaches our IKE port breaks the responder's MUST
 * ("respond with all subsequent IKE packets to this peer by using UDP(4500,Y)"): a fault, FAIL,
 * with one sentence whichever exchange it is (engine/exchanges/ike_in.c after_float would name
 * it, and a peer may answer with an ACK one time, with a quick mode of its own the next).
 *
 * Each step then listens a third of the silence window (at least 500 ms) and the case goes on:
 * a later step on the NAT-T port (dpd, quick) shows that the SA survived. A Delete of the SA
 * from the DUT after one of them is its doing (run_case.c on_event).
 */
#include "consts.h"
#include "runner_int.h"
#include "util.h"
#include "xchg.h"

#include <string.h>

static void old_port_done(void *arg)
{
	struct crun *cr = arg;
	cr->step_timer = 0;
	if (cr->finished)
		return;
	if (cr->steps[cr->step].kind == IK_STEP_DPD_500 && !cr->o.old_port[0])
		snprintf(cr->o.old_port, sizeof(cr->o.old_port),
		         "it %s the R-U-THERE sent to its IKE port after the float (RFC 3947 4: "
		         "it MAY process it)",
		         cr->old_acked ? "answered" : "did not answer");
	else if (!cr->o.old_port[0])
		snprintf(cr->o.old_port, sizeof(cr->o.old_port),
		         "it did not answer the copy of %s sent to its IKE port after the float",
		         ik_msg_name(cr->sa->xchg, cr->sa->xchg == IK_X_AGGR ? 3 : 5));
	ik_step_done(cr);
}

bool ik_old_port_start(struct crun *cr, const struct ik_case_step *s)
{
	struct ik_engine *e = &cr->eng;
	struct ik_sa *sa = cr->sa;
	struct ik_status st;
	bool dpd = s->kind == IK_STEP_DPD_500;

	if (!sa || !sa->established || !sa->floated || e->natt.fd < 0) {
		snprintf(cr->o.step_fail, sizeof(cr->o.step_fail),
		         "step '%s' needs an ISAKMP SA that floated to the NAT-T port: main or "
		         "aggressive before it, with set tester.simulate_nat = yes",
		         dpd ? "dpd-500" : "replay-500");
		return false;
	}
	if (!dpd && !sa->last_out.len) {
		snprintf(cr->o.step_fail, sizeof(cr->o.step_fail),
		         "replay-500: no phase 1 message of ours is kept to copy");
		return false;
	}
	if (!cr->old_sent_ms) {
		cr->old_sent_ms = ik_now_ms();
		cr->old_kind = s->kind;
	}
	if (dpd) {
		/* One R-U-THERE as the SA went before the float: our IKE socket, the DUT's IKE
		 * address (ik_send_wire picks the socket by sa->floated). */
		struct sockaddr_storage floated_to = sa->peer;
		sa->floated = false;
		sa->peer = e->cfg.remote;
		bool ok = ik_send_dpd(sa);
		sa->floated = true;
		sa->peer = floated_to;
		if (!ok)
			return false;
	} else if (!ik_send_datagram(e, &e->sock, &e->cfg.remote, sa->last_out.p, sa->last_out.len,
	                             &st)) {
		return false;
	}
	unsigned hold = cr->window_ms / 3 > 500 ? cr->window_ms / 3 : 500;
	cr->step_timer = ik_loop_timer(&cr->R->loop, hold, old_port_done, cr);
	return true;
}

void ik_old_port_acked(struct crun *cr)
{
	cr->old_acked = true;
}

/* What we sent to the DUT's IKE port: "copy of MM5", "copy of AM3" or "R-U-THERE". */
static const char *what_sent(const struct crun *cr, char *buf, size_t n)
{
	const struct ik_sa *sa = cr->sa;
	if (cr->old_kind == IK_STEP_DPD_500)
		return "R-U-THERE";
	snprintf(buf, n, "copy of %s", ik_msg_name(sa->xchg, sa->xchg == IK_X_AGGR ? 3 : 5));
	return buf;
}

/* A datagram of the case's SA from the DUT after our first one to its IKE port. On our IKE port,
 * of any exchange: the responder's MUST (its first such datagram is the fault, whichever exchange
 * it is: charon answers with an ACK, or starts a quick mode, from there). A phase 1 message on our
 * NAT-T port: it took our copy for a retransmission instead of discarding it. */
void ik_old_port_rx(struct crun *cr, uint16_t local_port, const uint8_t *p, size_t len)
{
	struct ik_sa *sa = cr->sa;
	char why[200], w[40];

	if (!cr->old_sent_ms || !sa || cr->finished || len < 28 || memcmp(p, sa->icookie, 8))
		return;
	const char *sent = what_sent(cr, w, sizeof(w));
	if (local_port == cr->eng.sock.port) {
		struct ik_status st;
		ik_fail(&st, 0, "after our %s to its IKE port, it sent IKE of the SA from there",
		        sent);
		ik_sa_fault(sa,
		            "RFC 3947 4 \"The responder MUST respond with all subsequent IKE "
		            "packets to this peer by using UDP(4500,Y)\"",
		            &st);
		snprintf(cr->o.old_port, sizeof(cr->o.old_port),
		         "after our %s to its IKE port it sent IKE from there", sent);
		return;
	}
	if (p[18] != IK_EXCH_ID_PROT && p[18] != IK_EXCH_AGGRESSIVE)
		return;
	snprintf(why, sizeof(why),
	         "it answered our %s on its IKE port (on the NAT-T ports): not discarded", sent);
	ik_step_fail(cr, why);
}
