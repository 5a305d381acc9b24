/*
 * The keepalive-listen step (docs/writing-cases.md): after phase 1 and quick mode behind a NAT,
 * the tester stays quiet and hears the DUT's own NAT-keepalives (RFC 3948 2.3, 4).
 *
 *   2.3: "the Source Port and Destination Port MUST be the same as used by UDP-ESP
 *   encapsulation" ... "The sender MUST use a one-octet-long payload with the value 0xFF."
 *   4:   "A peer SHOULD send a NAT-keepalive packet if a need for it is detected according to
 *   [RFC3947] and if no other packet to the peer has been sent in M seconds."
 *
 * Every datagram of fewer than 8 octets from the DUT's address, on either of our ports, is
 * taken for a keepalive (no ESP packet is that short, RFC 4303 2: SPI and Sequence Number alone
 * are 8; no IKE message either): each is judged by the ports it used (from the DUT's NAT-T port
 * to our floated port, where its UDP-ESP goes) and by its octets (one, 0xFF). The interval: M
 * is the profile's natt.keepalive; a DUT that looks at its peers on a timer of period M sends at
 * most 2M after its last packet, so a silence longer than 2M + GRACE_MS breaks 4's SHOULD.
 *
 * It ends a moment (AFTER_MS) after the second keepalive, when the DUT stayed silent past that
 * limit, or after two such limits in all (a DUT that keeps talking needs none).
 */
#include "runner_int.h"
#include "pcapw.h"
#include "udp_tap.h"

#include <netinet/in.h>
#include <string.h>

#define POLL_MS      100
#define AFTER_MS     500
#define GRACE_MS     2000
#define SHORT_DGRAM  8  /* fewer octets: no ESP (RFC 4303 2), no IKE: a keepalive or a bad one */
#define LISTEN_MAX_S 60 /* a longer natt.keepalive is not waited out: the step is an ERROR */

/* The same host, whatever the port. */
static bool same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	struct sockaddr_storage x = *a, y = *b;
	ik_addr_set_port(&x, 0);
	ik_addr_set_port(&y, 0);
	return ik_addr_equal(&x, &y);
}

/* Judge one keepalive (or what passes for one) the DUT sent: ports and octets. */
static void judge(struct crun *cr, const struct ik_dgram *d, uint64_t gap)
{
	struct ik_observed *o = &cr->o;
	const struct ik_engine *e = &cr->eng;
	char hex[2 * SHORT_DGRAM + 1] = "";
	for (size_t i = 0; i < d->len; i++)
		snprintf(hex + 2 * i, sizeof(hex) - 2 * i, "%02x", d->data[i]);
	unsigned from = ik_addr_port(&d->peer), to = d->local_port;
	unsigned esp_from = cr->sa ? ik_addr_port(&cr->sa->peer) : 0;
	bool natt = e->natt.fd >= 0 && to == e->natt.port;
	if (!o->ka_heard++)
		snprintf(o->ka_first, sizeof(o->ka_first),
		         "%zu octet%s %s from its port %u to our %s port, %.1f s after its last "
		         "packet",
		         d->len, d->len == 1 ? "" : "s", d->len ? hex : "(none)", from,
		         natt ? "NAT-T" : "IKE", gap / 1000.0);
	if ((!natt || from != esp_from) && !o->ka_port[0])
		snprintf(o->ka_port, sizeof(o->ka_port),
		         "a keepalive went from its port %u to our %s port %u, where its UDP-ESP "
		         "goes from port %u to port %u",
		         from, natt ? "NAT-T" : "IKE", to, esp_from, e->natt.port);
	if ((d->len != 1 || d->data[0] != 0xff) && !o->ka_octet[0])
		snprintf(o->ka_octet, sizeof(o->ka_octet),
		         "a keepalive of %zu octet%s (%s), UDP length %zu, not one octet 0xff",
		         d->len, d->len == 1 ? "" : "s", d->len ? hex : "none", d->len + 8);
}

void ik_ka_rx_tap(struct ik_engine *e, const struct ik_dgram *d)
{
	struct crun *cr = e->user;
	uint64_t now = ik_now_ms();
	if (!same_host(&d->peer, &cr->cfg.remote))
		return;
	uint64_t gap = cr->dut_rx_ms ? now - cr->dut_rx_ms : 0;
	cr->dut_rx_ms = now;
	if (!cr->ka_on || d->len >= SHORT_DGRAM ||
	    (d->kind == IK_DGRAM_IKE && e->natt.fd >= 0 && d->local_port == e->natt.port))
		return;
	if (d->kind == IK_DGRAM_RUNT &&
	    cr->pcap) { /* the engine's taps see no runt: the pcap does */
		struct sockaddr_storage me = e->cfg.local;
		ik_addr_set_port(&me, d->local_port);
		ik_pcapw_udp(cr->pcap, &d->peer, &me, false, d->data, d->len);
	}
	if (gap > cr->o.ka_gap_ms)
		cr->o.ka_gap_ms = (unsigned)gap;
	judge(cr, d, gap);
	if (cr->o.ka_heard == 2)
		cr->ka_done_at = now + AFTER_MS;
}

/* A case that expects `keepalive checksum` (or cites UDPE-2.1-02 on a traffic step) opens the
 * UDP checksum tap on datagrams from dut (the DUT's address and NAT-T port) to our NAT-T port;
 * when it cannot, tap_why says why and the rows have nothing to judge. */
void ik_tap_begin(struct crun *cr, const struct sockaddr_storage *dut)
{
	if (cr->tap || !ik_udp_tap_wanted(cr->c))
		return;
	struct sockaddr_storage me = cr->eng.cfg.local;
	ik_addr_set_port(&me, cr->eng.natt.port);
	cr->tap = ik_udp_tap_open(&cr->R->loop, dut, &me, cr->o.tap_why, sizeof(cr->o.tap_why));
}

void ik_tap_end(struct crun *cr)
{
	ik_udp_tap_close(cr->tap);
	cr->tap = NULL;
}

/* RFC 3948 2.3 "the IPv4 UDP Checksum SHOULD be transmitted as a zero value": what the tap read
 * of the keepalives, for `expect keepalive checksum`. */
static void ka_checksums(struct crun *cr)
{
	struct ik_udp_tap *t = cr->tap;
	if (!t)
		return;
	ik_udp_tap_drain(t);
	cr->o.ka_tapped = t->ka[0] + t->ka[1];
	if (t->ka[1])
		snprintf(cr->o.ka_csum, sizeof(cr->o.ka_csum),
		         "%u of the %u NAT-keepalives it sent to our NAT-T port carried a UDP "
		         "checksum other than 0 (the first 0x%04x)",
		         t->ka[1], cr->o.ka_tapped, t->ka_sum);
	ik_tap_end(cr);
}

static void tick(void *arg)
{
	struct crun *cr = arg;
	struct ik_observed *o = &cr->o;
	uint64_t now = ik_now_ms(), quiet = now - cr->dut_rx_ms;
	cr->step_timer = 0;
	if (cr->finished || !cr->sa)
		return;
	if (quiet > o->ka_gap_ms)
		o->ka_gap_ms = (unsigned)quiet;
	if (quiet > o->ka_limit_ms && !o->ka_late[0])
		snprintf(o->ka_late, sizeof(o->ka_late),
		         "it sent nothing for %.1f s, more than the %.1f s allowed (natt.keepalive "
		         "= %u s, twice that and 2 s), though our NAT-D put it behind a NAT",
		         quiet / 1000.0, o->ka_limit_ms / 1000.0, cr->R->base->natt.keepalive);
	o->ka_wait_s = (unsigned)((now - cr->ka_start_ms + 500) / 1000);
	if (o->ka_late[0] || (cr->ka_done_at && now >= cr->ka_done_at) || now >= cr->ka_until) {
		cr->ka_on = false;
		ka_checksums(cr);
		ik_step_done(cr);
		return;
	}
	cr->step_timer = ik_loop_timer(&cr->R->loop, POLL_MS, tick, cr);
}

bool ik_ka_listen_start(struct crun *cr)
{
	uint32_t m = cr->R->base->natt.keepalive;
	if (!cr->sa || !cr->sa->established || !cr->sa->floated) {
		snprintf(cr->o.step_fail, sizeof(cr->o.step_fail),
		         "step 'keepalive-listen' needs an established ISAKMP SA that floated to "
		         "the NAT-T port (set tester.simulate_nat = dut)");
		return false;
	}
	if (!m || m > LISTEN_MAX_S) {
		snprintf(cr->o.step_fail, sizeof(cr->o.step_fail),
		         "keepalive-listen waits up to 4 intervals of natt.keepalive, which is %u "
		         "s: the profile needs one of 1 to %d s",
		         m, LISTEN_MAX_S);
		return false;
	}
	uint64_t now = ik_now_ms();
	cr->o.ka_listened = true;
	cr->o.ka_limit_ms = 2 * m * 1000u + GRACE_MS;
	cr->ka_start_ms = now;
	cr->ka_until = now + 2u * cr->o.ka_limit_ms + AFTER_MS;
	cr->ka_done_at = 0;
	cr->ka_on = true;
	if (!cr->dut_rx_ms)
		cr->dut_rx_ms = now;
	ik_tap_begin(cr, &cr->sa->peer);
	cr->step_timer = ik_loop_timer(&cr->R->loop, POLL_MS, tick, cr);
	return true;
}
