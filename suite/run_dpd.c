/*
 * The dpd-listen step (docs/writing-cases.md): the tester stays quiet and hears the DUT's own
 * R-U-THEREs. RFC 3706 5.4: "an IKE peer SHOULD send an R-U-THERE query to its peer only if it
 * is interested in the liveliness of this peer"; a DUT with DPD configured (phase1.dpd, its idle
 * period) asks a peer that went quiet. The first query is left unanswered, so that the DUT asks
 * again (5.4 "SHOULD retransmit R-U-THERE queries when it fails to receive an ACK"); the next
 * ones get their R-U-THERE-ACK (5.2, 6.1).
 *
 * The engine judges every query as it comes (engine/exchanges/dpd.c: protected, Protocol ID
 * ISAKMP, a 4-octet sequence number, one more than the last for each new query: MUSTs of RFC
 * 3706 5.3 and 6.2 whose break fails the case). The step gathers what `expect queries strict`
 * asks besides, the SHOULDs: DOI IPsec, SPI size 16 holding the two cookies (5.3), the high bit
 * of the first number clear (6.2), and a second query after the unanswered first (5.4).
 *
 * It ends a moment (ACK_MS) after a query that followed one we answered (a new query, whose
 * number must be new), or after LISTEN_ROUNDS idle periods of phase1.dpd and GRACE_MS.
 *
 * `dpd-listen keepalives`: meanwhile a NAT-keepalive (one octet 0xFF, RFC 3948 2.3) goes every
 * KA_EVERY_MS from our NAT-T port to the DUT's, where UDP-ESP goes, and nothing else does. RFC
 * 3948 4: "Reception of NAT-keepalive packets MUST NOT be used to detect whether a connection
 * is live", so the DUT's idle period runs as if they did not come, and its queries come as in
 * the plain step; a DUT that sends none took them for life (suite/verdict.c).
 */
#include "runner_int.h"

#include <string.h>

#define POLL_MS       100
#define ACK_MS        500
#define LISTEN_ROUNDS 4
#define GRACE_MS      2000
#define LISTEN_MAX_S  60 /* a longer phase1.dpd is not waited out: the step is an ERROR */
#define KA_EVERY_MS   1000

/* The first SHOULD of RFC 3706 5.3 / 6.2 the queries break, into o->dpd_should. */
static void shoulds(const struct ik_sa *sa, struct ik_observed *o)
{
	unsigned kept = sa->n_dpd_rx < IK_DPD_RX ? sa->n_dpd_rx : IK_DPD_RX;
	o->dpd_should[0] = 0;
	for (unsigned i = 0; i < kept && !o->dpd_should[0]; i++) {
		const struct ik_dpd_query *q = &sa->dpd_rx[i];
		if (q->doi != IK_DOI_IPSEC)
			snprintf(o->dpd_should, sizeof(o->dpd_should),
			         "RFC 3706 5.3: DOI %u, not IPSEC-DOI (\"SHOULD be set to "
			         "IPSEC-DOI\")",
			         q->doi);
		else if (q->spi_len != 16 || !q->cookies)
			snprintf(
				o->dpd_should, sizeof(o->dpd_should),
				"RFC 3706 5.3: an SPI of %u octets, not the cookies of the ISAKMP "
				"SA "
				"(\"SHOULD be set to the cookies of the Initiator and Responder\")",
				q->spi_len);
		else if (!i && q->seq & 0x80000000u)
			snprintf(
				o->dpd_should, sizeof(o->dpd_should),
				"RFC 3706 6.2: the first sequence number %08x has its high bit set "
				"(\"SHOULD be set to zero\")",
				q->seq);
	}
	if (!o->dpd_should[0] && o->dpd_queries == 1)
		snprintf(o->dpd_should, sizeof(o->dpd_should),
		         "RFC 3706 5.4: no second R-U-THERE after the first went unanswered "
		         "(\"SHOULD retransmit R-U-THERE queries when it fails to receive an "
		         "ACK\")");
}

static void observe(struct crun *cr)
{
	const struct ik_sa *sa = cr->sa;
	struct ik_observed *o = &cr->o;
	o->dpd_listened = true;
	o->dpd_queries = sa->n_dpd_rx; /* a retransmitted copy counts: 5.4 asks for that */
	o->dpd_wait_s = cr->R->base->p1.dpd_delay * LISTEN_ROUNDS + GRACE_MS / 1000;
	o->dpd_first = sa->n_dpd_rx ? sa->dpd_rx[0].seq : 0;
	o->dpd_last = sa->n_dpd_rx ? sa->dpd_last.seq : 0;
	shoulds(sa, o);
}

/* A query came after one we answered: a new query, whose number must be new (RFC 3706 6.2). */
static bool asked_after_ack(const struct ik_sa *sa)
{
	unsigned kept = sa->n_dpd_rx < IK_DPD_RX ? sa->n_dpd_rx : IK_DPD_RX;
	for (unsigned i = 1; i < kept; i++)
		if (sa->dpd_rx[i - 1].acked)
			return true;
	return kept < sa->n_dpd_rx;
}

/* dpd-listen keepalives: the next NAT-keepalive when it is due (the tap puts it in the pcap). */
static void keepalive(struct crun *cr, uint64_t now)
{
	struct ik_status st;
	if (!cr->steps[cr->step].arg || now < cr->dpd_ka_next)
		return;
	cr->dpd_ka_next = now + KA_EVERY_MS;
	if (ik_engine_send_keepalive(&cr->eng, &cr->sa->peer, &st))
		cr->o.dpd_ka_sent++;
}

static void tick(void *arg)
{
	struct crun *cr = arg;
	uint64_t now = ik_now_ms();
	cr->step_timer = 0;
	if (cr->finished || !cr->sa)
		return;
	keepalive(cr, now);
	observe(cr);
	if (asked_after_ack(cr->sa) && !cr->dpd_done_at)
		cr->dpd_done_at = now + ACK_MS; /* its ACK is out: let it arrive */
	if ((cr->dpd_done_at && now >= cr->dpd_done_at) || now >= cr->dpd_until) {
		ik_step_done(cr);
		return;
	}
	cr->step_timer = ik_loop_timer(&cr->R->loop, POLL_MS, tick, cr);
}

bool ik_dpd_listen_start(struct crun *cr)
{
	uint32_t delay = cr->R->base->p1.dpd_delay;
	if (!cr->sa || !cr->sa->established) {
		snprintf(cr->o.step_fail, sizeof(cr->o.step_fail),
		         "step 'dpd-listen' needs an established ISAKMP SA: put main or aggressive "
		         "before it");
		return false;
	}
	if (!delay || delay > LISTEN_MAX_S) {
		snprintf(cr->o.step_fail, sizeof(cr->o.step_fail),
		         "dpd-listen waits %d idle periods of phase1.dpd, which is %u s: the "
		         "profile "
		         "needs one of 1 to %d s",
		         LISTEN_ROUNDS, delay, LISTEN_MAX_S);
		return false;
	}
	if (cr->steps[cr->step].arg && (!cr->sa->floated || cr->eng.natt.fd < 0)) {
		snprintf(cr->o.step_fail, sizeof(cr->o.step_fail),
		         "dpd-listen keepalives needs an ISAKMP SA that floated to the NAT-T port "
		         "(set tester.simulate_nat = yes)");
		return false;
	}
	cr->dpd_ka_next = ik_now_ms();
	cr->sa->dpd_ack_skip = 1; /* RFC 3706 5.4: the first unanswered, for a retransmission */
	cr->dpd_until = ik_now_ms() + (uint64_t)delay * 1000u * LISTEN_ROUNDS + GRACE_MS;
	cr->dpd_done_at = 0;
	cr->step_timer = ik_loop_timer(&cr->R->loop, POLL_MS, tick, cr);
	return true;
}
