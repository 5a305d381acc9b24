/*
 * The remap step (docs/writing-cases.md): the NAT the tester simulates in front of itself
 * (tester.simulate_nat = yes) changes its mapping, as one that dropped a mapping and made a new
 * one does. RFC 3947 7:
 *
 *   "ends that are NOT behind NAT SHOULD use the last valid UDP encapsulated IKE or IPsec packet
 *   from the other end to determine which IP and port addresses should be used."
 *
 * Our NAT-T socket moves to a new port (ik_engine_natt_move): everything we send from here on
 * leaves from there, and an R-U-THERE goes at once, a valid, authenticated IKE packet from the
 * new mapping (the step then goes on as the dpd step: its ACK ends it). The old socket stays
 * open and is heard: an IKE message of the case's SA or an ESP packet from the DUT that still
 * comes to the old port after ours went from the new one is the DUT keeping the mapping it no
 * longer should (o->remap_stale, judged by suite/verdict.c at the case's level). Datagrams of
 * fewer than 8 octets (a keepalive, which "cannot be used for these purposes") are not judged.
 *
 * The move waits a third of the silence window (at least SETTLE_MS) after the step starts: our
 * last message from the old port (QM3) must have been taken first. A DUT that takes datagrams on
 * several threads (charon) may otherwise handle the R-U-THERE before a QM3 sent a moment earlier
 * and then, rightly, follow the QM3 back to the old port: the last valid packet it processed.
 * The fd table of the loop changes, which a socket callback must not do (the step may start
 * from one: an event of the engine), so the move runs from that timer.
 */
#include "consts.h"
#include "pcapw.h"
#include "runner_int.h"
#include "xchg.h"

#include <string.h>

#define SHORT_DGRAM 8   /* fewer octets: no ESP (RFC 4303 2), no IKE: a keepalive at most */
#define SETTLE_MS   300 /* the least wait before the move */

/* What came to the old port: the first one, for the verdict (no random number in it: the
 * reason goes into the reviewed baselines; the ports are in the observed text). */
static void stale(struct crun *cr, const struct ik_dgram *d)
{
	const struct ik_sa *sa = cr->sa;
	const char *what;
	if (d->kind == IK_DGRAM_IKE && d->len >= 28 && sa && !memcmp(d->data, sa->icookie, 8))
		what = d->data[18] == IK_EXCH_INFO    ? "an informational of the SA"
		       : d->data[18] == IK_EXCH_QUICK ? "a quick mode message of the SA"
		                                      : "an IKE message of the SA";
	else if (d->kind == IK_DGRAM_ESP)
		what = "an ESP packet";
	else
		return;
	if (!cr->o.remap_stale[0])
		snprintf(cr->o.remap_stale, sizeof(cr->o.remap_stale),
		         "%s still went to our old port after our R-U-THERE came from the new one",
		         what);
}

static void old_rx(void *arg)
{
	struct crun *cr = arg;
	static struct ik_dgram d; /* 64 KiB: not on the stack */
	while (cr->remap_open && ik_sock_recv(&cr->remap_old, &d)) {
		if (cr->pcap) { /* as it was on the wire, to the old port */
			struct sockaddr_storage me = cr->eng.cfg.local;
			ik_addr_set_port(&me, cr->remap_old.port);
			ik_pcapw_udp(cr->pcap, &d.peer, &me, d.kind == IK_DGRAM_IKE, d.data, d.len);
		}
		struct sockaddr_storage from = d.peer, dut = cr->cfg.remote;
		ik_addr_set_port(&from, 0);
		ik_addr_set_port(&dut, 0);
		if (!cr->finished && d.len >= SHORT_DGRAM && ik_addr_equal(&from, &dut))
			stale(cr, &d);
	}
}

static void remap_go(void *arg)
{
	struct crun *cr = arg;
	struct ik_status st;
	cr->step_timer = 0;
	if (cr->finished)
		return;
	uint16_t from = cr->eng.natt.port;
	if (!ik_engine_natt_move(&cr->eng, &cr->remap_old, &st) ||
	    !ik_loop_add_fd(&cr->R->loop, cr->remap_old.fd, old_rx, cr)) {
		snprintf(cr->o.step_fail, sizeof(cr->o.step_fail), "remap: %.140s",
		         cr->eng.natt.port == from ? st.why : "event loop full");
		if (cr->eng.natt.port != from)
			ik_sock_close(&cr->remap_old);
		ik_step_fail(cr, cr->o.step_fail); /* an ERROR of the harness (step_fail) */
		return;
	}
	cr->remap_open = true;
	cr->o.remap_from = from;
	cr->o.remap_to = cr->eng.natt.port;
	ik_send_dpd(cr->sa); /* lost or not sent: ik_dpd_retry sends it again */
	cr->step_timer = ik_loop_timer(&cr->R->loop, cr->window_ms / 6 + 1, ik_dpd_retry, cr);
}

bool ik_remap_start(struct crun *cr)
{
	const struct ik_sa *sa = cr->sa;
	if (!sa->floated || cr->eng.natt.fd < 0 || !cr->eng.cfg.nat_sim || cr->remap_open) {
		snprintf(cr->o.step_fail, sizeof(cr->o.step_fail),
		         "step 'remap' (once a case) needs an ISAKMP SA floated behind our "
		         "simulated "
		         "NAT: main or aggressive before it, set tester.simulate_nat = yes");
		return false;
	}
	unsigned settle = cr->window_ms / 3 > SETTLE_MS ? cr->window_ms / 3 : SETTLE_MS;
	cr->step_timer = ik_loop_timer(&cr->R->loop, settle, remap_go, cr);
	return true;
}

void ik_remap_close(struct crun *cr)
{
	if (!cr->remap_open)
		return;
	ik_loop_del_fd(&cr->R->loop, cr->remap_old.fd);
	ik_sock_close(&cr->remap_old);
	cr->remap_open = false;
}
