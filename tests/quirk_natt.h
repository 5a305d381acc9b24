/*
 * The rows of tests/test_quirk.c for the NAT-T quirks (engine/mutation/quirk.def, suite/cases/natt):
 * the initiator fakes a NAT in front of itself (cfg.nat_sim, RFC 3947 3.2), so it floats to the
 * NAT-T port at MM5 (RFC 3947 4) from its own ephemeral NAT-T port, a port the responder's
 * configuration does not name: the NAT's mapping Y; or (natt-no-start) it begins there at once.
 * Included by test_quirk.c only.
 */
#ifndef IK_QUIRK_NATT_H
#define IK_QUIRK_NATT_H

#include "xchg.h" /* ik_send_datagram: a copy from the IKE port */

static void behind_nat(struct ik_cfg *ci, struct ik_cfg *cr)
{
	ci->natt = cr->natt = true;
	ci->nat_sim = true;
}

/* Main mode and quick mode with the float; true when the responder floated but its answers never
 * got through to the initiator's NAT-T port. */
static bool float_broke(struct ik_pair *p)
{
	p->ini.cfg.remote_natt_port = p->res.natt.port; /* the responder's "4500" */
	ik_initiate(&p->ini);
	pair_run(p, 1, 3000);
	const struct ik_sa *rs = p->res.sas;
	return rs && rs->floated && p->p2_up < 2;
}

/* Quirk natt-stale-port: the responder answers at its configured peer port (4500), not Y. */
static bool natt_port_stale(struct ik_pair *p)
{
	bool broke = float_broke(p);
	const struct ik_sa *rs = p->res.sas;
	return broke && rs && ik_addr_port(&rs->peer) != p->ini.natt.port;
}

/* A negotiation that begins on the NAT-T port (RFC 3947 4). */
static void start_on_natt(struct ik_cfg *ci, struct ik_cfg *cr)
{
	ci->natt = cr->natt = true;
	ci->natt_start = true;
}

/* Quirk natt-no-start: the responder drops an MM1 that came to its NAT-T port; true when the
 * initiator began there and got nowhere. */
static bool natt_start_dropped(struct ik_pair *p)
{
	p->ini.cfg.remote_natt_port = p->res.natt.port;
	ik_initiate(&p->ini);
	pair_run(p, 1, 3000);
	const struct ik_sa *is = p->ini.sas;
	return is && is->floated && p->p2_up < 2;
}

/* Quirk natt-no-marker: the initiator takes the responder's markerless IKE for ESP. */
static bool natt_marker_missing(struct ik_pair *p)
{
	return float_broke(p);
}

/* Behind a NAT, with DPD (RFC 3706) on both sides. */
static void behind_nat_dpd(struct ik_cfg *ci, struct ik_cfg *cr)
{
	behind_nat(ci, cr);
	ci->dpd = cr->dpd = true;
}

/* Quirk natt-info-500: after the float the responder's R-U-THERE-ACK comes to the initiator's IKE
 * port; true when the initiator heard it there and judged it (RFC 3947 4, ike_in.c after_float). */
static bool natt_info_on_500(struct ik_pair *p)
{
	p->ini.cfg.remote_natt_port = p->res.natt.port;
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, p->p2_up >= 2 || p->failed, 3000);
	struct ik_sa *si = p->ini.sas;
	if (!si || !si->established || !si->floated || !ik_send_dpd(si))
		return false;
	SPIN_UNTIL(p, si->fault[0], 1000);
	return strstr(si->fault, "3947 4") != NULL;
}

/* Quirk natt-no-remap (RFC 3947 7): after the float the initiator's NAT mapping changes (its
 * NAT-T socket moves to a new port) and an authenticated R-U-THERE comes from there; true when
 * the responder still sends to the old port. Conformant: it follows, and the ACK comes back. */
static bool natt_remap_ignored(struct ik_pair *p)
{
	struct ik_sock old;
	struct ik_status st;
	p->ini.cfg.remote_natt_port = p->res.natt.port;
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, p->p2_up >= 2 || p->failed, 3000);
	struct ik_sa *si = p->ini.sas;
	const struct ik_sa *rs = p->res.sas;
	if (!si || !rs || !si->established || !rs->floated ||
	    !ik_engine_natt_move(&p->ini, &old, &st))
		return false;
	int acks = p->dpd_acks;
	bool sent = ik_send_dpd(si);
	SPIN_UNTIL(p, p->dpd_acks > acks, 1000);
	ik_sock_close(&old);
	return sent && ik_addr_port(&rs->peer) != p->ini.natt.port && p->dpd_acks == acks;
}

/* Behind a NAT, DPD both ways, the responder probing an initiator idle for 1 s (RFC 3706 5.5). */
static void behind_nat_probes(struct ik_cfg *ci, struct ik_cfg *cr)
{
	behind_nat_dpd(ci, cr);
	cr->dpd_delay = 1;
}

/* Quirk keepalive-alive (RFC 3948 4: keepalives "MUST NOT be used to detect whether a connection
 * is live"): after the float the initiator sends the responder nothing but a NAT-keepalive every
 * 200 ms for 2.4 s; true when no R-U-THERE came. Conformant: it asks after 1 s. */
static bool ka_taken_for_life(struct ik_pair *p)
{
	struct ik_status st;
	p->ini.cfg.remote_natt_port = p->res.natt.port;
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, p->p2_up >= 2 || p->failed, 3000);
	struct ik_sa *si = p->ini.sas;
	if (!si || !si->established || !si->floated)
		return false;
	for (int i = 0; i < 12 && !si->n_dpd_rx; i++) {
		if (!ik_engine_send_keepalive(&p->ini, &si->peer, &st))
			return false;
		SPIN_UNTIL(p, si->n_dpd_rx, 200);
	}
	return !si->n_dpd_rx;
}

/* Behind a NAT, the initiator's IKE on the NAT-T port without the non-ESP marker (RFC 3948 2.2
 * broken on purpose, tester.omit_marker). */
static void behind_nat_no_marker(struct ik_cfg *ci, struct ik_cfg *cr)
{
	behind_nat(ci, cr);
	ci->natt_no_marker = true;
}

/* Quirk natt-marker-optional: true when the markerless MM5 still completed phase 1. */
static bool natt_markerless_taken(struct ik_pair *p)
{
	p->ini.cfg.remote_natt_port = p->res.natt.port;
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, (p->ini.sas && p->ini.sas->established) || p->failed, 1500);
	return p->ini.sas && p->ini.sas->established;
}

/* The responder behind a simulated NAT: the initiator's NAT-D for it hashes the next port (RFC
 * 3947 3.2, tester.simulate_nat = dut), and it keeps the mapping open every 200 ms (RFC 3948 4). */
static void res_behind_nat(struct ik_cfg *ci, struct ik_cfg *cr)
{
	ci->natt = cr->natt = true;
	ci->nat_sim_peer = true;
	cr->keepalive_ms = 200;
}

/* The responder's keepalives as the initiator heard them (datagrams under 8 octets, on either
 * port): how many, how many from its NAT-T port to ours, how many one octet 0xFF. */
static struct {
	unsigned n, ports, octet;
} ka_rx;

static void ka_tap(struct ik_engine *e, const struct ik_dgram *d)
{
	const struct ik_pair *p = e->user;
	if (d->len >= 8 || (d->kind == IK_DGRAM_IKE && d->local_port == e->natt.port))
		return;
	ka_rx.n++;
	ka_rx.ports += d->local_port == e->natt.port && ik_addr_port(&d->peer) == p->res.natt.port;
	ka_rx.octet += d->len == 1 && d->data[0] == 0xff;
}

/* Main mode and quick mode with the float, then a second of quiet heard by ka_tap. */
static bool ka_listen(struct ik_pair *p)
{
	memset(&ka_rx, 0, sizeof(ka_rx));
	p->ini.rx_tap = ka_tap;
	p->ini.cfg.remote_natt_port = p->res.natt.port;
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, p->p2_up >= 2 || p->failed, 3000);
	const struct ik_sa *rs = p->res.sas;
	if (!rs || !rs->nat_here || !rs->floated || p->p2_up < 2)
		return false;
	pair_spin(p, 1000);
	return true;
}

/* Quirk keepalive-never: true when the responder, behind the NAT and idle, sent none. */
static bool ka_none(struct ik_pair *p)
{
	return ka_listen(p) && !ka_rx.n;
}

/* Quirk keepalive-ike-port: true when one came from elsewhere than its NAT-T port. */
static bool ka_wrong_port(struct ik_pair *p)
{
	return ka_listen(p) && ka_rx.n && ka_rx.ports < ka_rx.n;
}

/* Quirk keepalive-long: true when one was not one octet 0xFF. */
static bool ka_not_one_ff(struct ik_pair *p)
{
	return ka_listen(p) && ka_rx.n && ka_rx.octet < ka_rx.n;
}

/* What the initiator heard after sending its MM5 again (RFC 3947 4: "old"): phase 1 datagrams of
 * its SA, by the port they reached. */
static struct {
	unsigned on_ike, on_natt;
	uint8_t icookie[8];
} old_rx;

static void old_tap(struct ik_engine *e, const struct ik_dgram *d)
{
	if (d->kind != IK_DGRAM_IKE || d->len < 28 || memcmp(d->data, old_rx.icookie, 8) ||
	    (d->data[18] != IK_EXCH_ID_PROT && d->data[18] != IK_EXCH_AGGRESSIVE))
		return;
	if (d->local_port == e->natt.port)
		old_rx.on_natt++;
	else
		old_rx.on_ike++;
}

/* Main mode and quick mode with the float, then the initiator's MM5 again, octet for octet, from
 * its IKE port to the responder's (the tester's replay-500); false when there was no float. */
static bool mm5_copy_sent(struct ik_pair *p)
{
	struct ik_status st;
	p->ini.cfg.remote_natt_port = p->res.natt.port;
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, p->p2_up >= 2 || p->failed, 3000);
	struct ik_sa *si = p->ini.sas;
	if (!si || !si->floated || p->p2_up < 2 || !si->last_out.len)
		return false;
	memset(&old_rx, 0, sizeof(old_rx));
	memcpy(old_rx.icookie, si->icookie, 8);
	p->ini.rx_tap = old_tap;
	ik_send_datagram(&p->ini, &p->ini.sock, &p->ini.cfg.remote, si->last_out.p,
	                 si->last_out.len, &st);
	pair_spin(p, 400);
	return true;
}

/* Quirk natt-old-500: the copy is answered on the IKE ports (RFC 3947 4 "SHOULD be discarded",
 * and the responder's "MUST respond ... by using UDP(4500,Y)"). */
static bool old_answered_on_ike(struct ik_pair *p)
{
	return mm5_copy_sent(p) && old_rx.on_ike;
}

/* Quirk natt-old-taken: the copy is answered as a retransmission, on the NAT-T ports. */
static bool old_answered_on_natt(struct ik_pair *p)
{
	return mm5_copy_sent(p) && old_rx.on_natt;
}

/* Quirk natt-new-500-ignored: after the float, a second main mode from the initiator's IKE port
 * (a new initiator cookie, a rebooted peer) never comes up (RFC 3947 4 "processed normally"). */
static bool new_mm_ignored(struct ik_pair *p)
{
	p->ini.cfg.remote_natt_port = p->res.natt.port;
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, p->p2_up >= 2 || p->failed, 3000);
	const struct ik_sa *si = p->ini.sas;
	if (!si || !si->floated || p->p2_up < 2)
		return false;
	int up = p->p1_up;
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, p->p1_up >= up + 2 || p->failed, 1500);
	return p->p1_up < up + 2;
}

#endif
