/*
 * The rows of tests/test_quirk.c for the quirks of suite/cases/natt/initiator.case: the
 * responder fakes a NAT in front of itself (cfg.nat_sim, RFC 3947 3.2), so the initiator must
 * float to UDP(4500,4500) with MM5 (RFC 3947 4), which the responder judges
 * (natt.c ik_natt_judge_float); and an initiator on a fixed port below the ephemeral range, not
 * 500, as a NAT's mapping (RFC 3947 3). Included by test_quirk.c only.
 */
#ifndef IK_QUIRK_NATT_INIT_H
#define IK_QUIRK_NATT_INIT_H

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

static void responder_behind_nat(struct ik_cfg *ci, struct ik_cfg *cr)
{
	ci->natt = cr->natt = true;
	cr->nat_sim = true;
}

/* The same in aggressive mode: AM3 must float (RFC 3947 4, "The procedure for Aggressive Mode is
 * very similar"). */
static void responder_behind_nat_aggr(struct ik_cfg *ci, struct ik_cfg *cr)
{
	responder_behind_nat(ci, cr);
	ci->aggressive = true;
}

/* Main mode (aggressive mode) and quick mode with the responder's NAT faked; the responder's verdict on the MM5 it
 * took: true when it found fault with it under the rule named by part. */
static bool float_judged(struct ik_pair *p, const char *part)
{
	p->ini.cfg.remote_natt_port = p->res.natt.port; /* each side's "4500" */
	p->res.cfg.remote_natt_port = p->ini.natt.port;
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, (p->res.sas && p->res.sas->fault[0]) || p->p2_up >= 2 || p->failed, 3000);
	const struct ik_sa *rs = p->res.sas;
	return rs && strstr(rs->fault, part) != NULL;
}

/* Quirk natt-no-float-init: MM5 (AM3) came to the responder's IKE port. */
static bool mm5_not_floated(struct ik_pair *p)
{
	return float_judged(p, "MUST change ports");
}

/* Quirk natt-float-src-500: MM5 (AM3) came to the NAT-T port from the initiator's IKE port. */
static bool mm5_from_ike_port(struct ik_pair *p)
{
	return float_judged(p, "source and destination ports");
}

/* Quirk natt-no-float-init in aggressive mode: the judge quotes the aggressive mode sentence. */
static bool am3_not_floated(struct ik_pair *p)
{
	return float_judged(p, "After the NAT has been detected");
}

/* A free UDP port of 127.0.0.1 from 9376 up (below 32768, not 500): what a NAT's mapping of port
 * 500 looks like to the responder (RFC 3947 3). 0 when none is free. */
static uint16_t low_port(void)
{
	for (uint16_t port = 9376; port < 9440; port++) {
		struct sockaddr_in a = {.sin_family = AF_INET,
		                        .sin_port = htons(port),
		                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
		int fd = socket(AF_INET, SOCK_DGRAM, 0);
		bool ok = fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
		if (fd >= 0)
			close(fd);
		if (ok)
			return port;
	}
	return 0;
}

static void initiator_on_low_port(struct ik_cfg *ci, struct ik_cfg *cr)
{
	(void)cr;
	ik_addr_set_port(&ci->local, low_port());
}

/* Quirk natt-port-500-only: main mode from that port got no answer. */
static bool low_port_dropped(struct ik_pair *p)
{
	if (ik_addr_port(&p->ini.cfg.local) >= 32768)
		return false; /* no low port was free: the row fails */
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, p->res.p1_up || p->failed, 1500);
	return !p->res.p1_up;
}

#endif
