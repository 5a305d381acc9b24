/*
 * NAT-keepalives we send (RFC 3948 2.3, 4), for an ISAKMP SA whose own side is behind a NAT.
 *
 *   RFC 3947 3.2: "If the first check fails (i.e., first NAT-D payload does not match any of
 *   the local IP addresses and ports), it means that there is dynamic NAT between the peers, and
 *   this end should start sending keepalives as defined in the [RFC3948] (this end is behind the
 *   NAT)." RFC 3948 4: "A peer SHOULD send a NAT-keepalive packet if a need for it is detected
 *   according to [RFC3947] and if no other packet to the peer has been sent in M seconds."
 *
 * So with cfg.keepalive_ms (M; the DUT side's natt.keepalive) an SA that found a NAT in front
 * of itself (sa->nat_here) and floated looks at its peer every M: when nothing went to the peer
 * for M (sa->tx_ms: its IKE messages and keepalives), one octet 0xFF goes from the NAT-T port to
 * where UDP-ESP goes (2.3: "the Source Port and Destination Port MUST be the same as used by
 * UDP-ESP encapsulation"). A NAT in front of the peer only is not a reason (the keepalives
 * "have to initiate from the peer behind the NAT", RFC 3947 3.2; sending anyway is 3948 4's
 * MAY). ESP the caller sends does not postpone them: sending one more is allowed (4: "MAY send
 * a NAT-keepalive packet if one or more phase I or phase II SAs exist"). They stop with the SA.
 */
#include "xchg.h"

static void ka_send(struct ik_sa *sa)
{
	struct ik_engine *e = sa->eng;
	struct ik_status st;
	static const uint8_t two[2] = {0xff, 0xff};
	bool ok;
	if (IK_HAS(e->cfg.quirks, KEEPALIVE_IKE_PORT)) /* from the IKE port, not the NAT-T one */
		ok = e->wedged || ik_sock_send_raw(&e->sock, &sa->peer, two, 1, &st);
	else if (IK_HAS(e->cfg.quirks, KEEPALIVE_LONG)) /* two octets: UDP length 10, not 9 */
		ok = e->wedged || ik_sock_send_raw(&e->natt, &sa->peer, two, 2, &st);
	else
		ok = ik_engine_send_keepalive(e, &sa->peer, &st);
	if (!ok)
		IK_LOG(e, "NAT-keepalive not sent: %s", st.why);
	sa->tx_ms = ik_now_ms();
}

static void ka_fire(void *arg)
{
	struct ik_sa *sa = arg;
	struct ik_engine *e = sa->eng;
	uint64_t now = ik_now_ms(), m = e->cfg.keepalive_ms;
	sa->ka_timer = 0;
	if (sa->dead || !sa->established)
		return;
	if (now - sa->tx_ms >= m)
		ka_send(sa);
	uint64_t next = sa->tx_ms + m - now; /* M after the last packet to the peer */
	sa->ka_timer = ik_loop_timer(e->loop, next && next <= m ? next : m, ka_fire, sa);
}

void ik_ka_arm(struct ik_sa *sa)
{
	const struct ik_engine *e = sa->eng;
	if (!e->cfg.keepalive_ms || !sa->nat_here || !sa->floated || e->natt.fd < 0 ||
	    sa->ka_timer || (IK_HAS(e->cfg.quirks, KEEPALIVE_NEVER)))
		return;
	sa->ka_timer = ik_loop_timer(sa->eng->loop, e->cfg.keepalive_ms, ka_fire, sa);
}
