/*
 * Dead peer detection started by us (RFC 3706 5.4, 5.5), and the peer's R-U-THERE queries
 * judged as they come (5.3, 6.1, 6.2). ik_send_dpd (info.c) builds the query; info.c answers.
 *
 *   "DPD does not mandate the exchange of R-U-THERE messages at any time" (5.4): with
 *   cfg.dpd_delay, an ISAKMP SA whose peer sent the DPD vendor ID is probed once it has been
 *   idle that long (no authenticated message from the peer: 5.5's idle period), and again every
 *   delay while the query stays unanswered (5.4 "SHOULD retransmit"), each time with the next
 *   sequence number (6.2). After IK_DPD_TRIES unanswered queries the peer is taken for dead
 *   and probing stops (5.4: "SHOULD assume its peer to be unreachable").
 */
#include "consts.h"
#include "xchg.h"

#include <string.h>

#define IK_DPD_TRIES 5
/* A new query more than one past the last: queries lost on the path, up to this many (docs/
 * verdicts.md 7: loss is not the peer's fault); equal or lower is the peer's doing. */
#define IK_DPD_GAP 16u

static void dpd_fire(void *arg)
{
	struct ik_sa *sa = arg;
	struct ik_engine *e = sa->eng;
	uint64_t now = ik_now_ms(), delay = (uint64_t)e->cfg.dpd_delay * 1000u;
	sa->dpd_timer = 0;
	if (sa->dead || !sa->established)
		return;
	if (sa->dpd_unacked >= IK_DPD_TRIES) {
		IK_LOG(e, "DPD: %u R-U-THEREs unanswered, peer taken for dead (RFC 3706 5.4)",
		       sa->dpd_unacked);
		return;
	}
	/* Idle long enough, or a query outstanding (retransmitted as a new one, RFC 3706 5.4). */
	if (sa->dpd_unacked || now - sa->rx_ms >= delay)
		ik_send_dpd(sa);
	uint64_t next = sa->dpd_unacked ? delay : sa->rx_ms + delay - now;
	sa->dpd_timer = ik_loop_timer(e->loop, next ? next : 1, dpd_fire, sa);
}

void ik_dpd_arm(struct ik_sa *sa)
{
	const struct ik_cfg *c = &sa->eng->cfg;
	sa->rx_ms = ik_now_ms();
	/* RFC 3706 5.1: "Both peers of an IKE session MUST send the DPD vendor ID before DPD
	 * exchanges can begin" (quirk dpd-lax: it probes a peer that sent none). */
	bool vid = sa->peer_dpd || IK_HAS(c->quirks, DPD_LAX);
	if (!c->dpd || !c->dpd_delay || !vid || sa->dpd_timer)
		return;
	sa->dpd_timer = ik_loop_timer(sa->eng->loop, (uint64_t)c->dpd_delay * 1000u, dpd_fire, sa);
}

/* Quirk keepalive-alive (RFC 3948 4: "Reception of NAT-keepalive packets MUST NOT be used to
 * detect whether a connection is live"): a keepalive from the peer of an SA counts as a message
 * of it, and the SA is not idle. */
void ik_dpd_keepalive(struct ik_engine *e, const struct ik_dgram *d)
{
	for (struct ik_sa *sa = e->sas; sa; sa = sa->next)
		if (sa->established && !sa->dead && ik_addr_equal(&sa->peer, &d->peer))
			sa->rx_ms = ik_now_ms();
}

static uint32_t seq_of(const struct ik_val *v)
{
	return (uint32_t)v->bytes[0] << 24 | (uint32_t)v->bytes[1] << 16 |
	       (uint32_t)v->bytes[2] << 8 | v->bytes[3];
}

/* The MUSTs of a query as its sender (RFC 3706 5.3, 6.2; RFC 2408 4.8: protected), in order. */
static bool query_must(struct ik_sa *sa, const struct ik_node *n, uint32_t msgid, bool protected)
{
	const struct ik_val *data = ik_fget(n, IK_F_N_DATA);
	const struct ik_dpd_query *last = sa->dpd_took ? &sa->dpd_taken : NULL;
	struct ik_status st;
	const char *rule = NULL;
	if (!protected) {
		ik_fail(&st, 0, "an R-U-THERE outside the protection of the ISAKMP SA");
		rule = "RFC 2408 4.8 \"the Informational Exchange MUST be transmitted under the "
		       "protection provided by ... the ISAKMP SA\"";
	} else if (ik_fnum(n, IK_F_N_PROTO) != IK_PROTO_ISAKMP &&
	           !IK_HAS(sa->eng->cfg.quirks, NOTIFY_LAX)) { /* notify-lax: any protocol */
		ik_fail(&st, 0, "an R-U-THERE with Protocol ID %u",
		        (unsigned)ik_fnum(n, IK_F_N_PROTO));
		rule = "RFC 3706 5.3 \"Protocol ID (1 octet) - MUST be set to the protocol ID for "
		       "ISAKMP\"";
	} else if (!data || data->len != 4) {
		ik_fail(&st, 0, "an R-U-THERE with %zu octets of Notification Data",
		        data ? data->len : 0);
		rule = "RFC 3706 5.3 \"Notification Data (4 octets) - MUST be set to the sequence "
		       "number\"";
	} else if (last && last->msgid != msgid && !(seq_of(data) == last->seq && !last->acked) &&
	           seq_of(data) - last->seq - 1 >= IK_DPD_GAP) {
		/* A query we left unanswered may come again with its number (RFC 3706 5.4 "SHOULD
		 * retransmit R-U-THERE queries": a retransmission is not a "subsequent" query of
		 * 6.2; strongSwan 5.9.8 resends it so), or with the next one; a new query after an
		 * ACK needs a new number. */
		ik_fail(&st, 0, "its R-U-THERE after %08x (message ID %08x) carried %08x",
		        last->seq, last->msgid, seq_of(data));
		rule = "RFC 3706 6.2 \"Subsequent R-U-THERE messages MUST increment the sequence "
		       "number by one\"";
	}
	if (rule)
		ik_sa_fault(sa, rule, &st);
	return !rule;
}

/* RFC 3706 6.1: "both the receiver of the R-U-THERE and the R-U-THERE-ACK message SHOULD check
 * the validity of the Initiator and Responder cookies presented in the SPI field": an SPI that
 * is there must be the ISAKMP SA's two cookies, in that order (5.3); none leaves nothing to
 * check. */
bool ik_dpd_cookies_ok(const struct ik_sa *sa, const struct ik_node *n)
{
	const struct ik_val *spi = ik_fget(n, IK_F_N_SPI);
	if (!spi || !spi->len)
		return true;
	return spi->len == 16 && !memcmp(spi->bytes, sa->icookie, 8) &&
	       !memcmp(spi->bytes + 8, sa->rcookie, 8);
}

bool ik_dpd_query_in(struct ik_sa *sa, const struct ik_node *n, uint32_t msgid, bool protected)
{
	const struct ik_val *spi = ik_fget(n, IK_F_N_SPI), *data = ik_fget(n, IK_F_N_DATA);
	bool ok = query_must(sa, n, msgid, protected);
	/* What a receiver rejects (RFC 3706 5.2: unencrypted, MUST; 6.1: other cookies, SHOULD;
	 * 6.2: a number that does not follow, SHOULD, query_must). Quirk dpd-lax: none of it. */
	bool take = (protected && ok && ik_dpd_cookies_ok(sa, n)) ||
	            IK_HAS(sa->eng->cfg.quirks, DPD_LAX);
	struct ik_dpd_query *q = &sa->dpd_last; /* the first IK_DPD_RX are kept in dpd_rx too */
	q->msgid = msgid;
	q->seq = data && data->len == 4 ? seq_of(data) : 0;
	q->doi = (uint32_t)ik_fnum(n, IK_F_N_DOI);
	q->spi_len = spi ? (uint8_t)spi->len : 0;
	q->cookies = spi && spi->len == 16 && ik_dpd_cookies_ok(sa, n);
	/* RFC 3706 5.2: answered when taken; dpd_ack_skip leaves queries unanswered on purpose (a
	 * tester asking the peer to retransmit, 5.4). */
	q->acked = take && !sa->dpd_ack_skip;
	if (take && sa->dpd_ack_skip)
		sa->dpd_ack_skip--;
	if (take) {
		sa->dpd_taken = *q;
		sa->dpd_took = true;
	}
	if (sa->n_dpd_rx < IK_DPD_RX)
		sa->dpd_rx[sa->n_dpd_rx] = *q;
	sa->n_dpd_rx++;
	ik_emit_event(sa, NULL, IK_EV_DPD_QUERY);
	return q->acked;
}
