/*
 * The rows of tests/test_quirk.c for the NAT-T quick mode quirks (RFC 3947 5.1, 5.2): the
 * initiator fakes a NAT in front of itself (cfg.nat_sim), both float, and quick mode negotiates
 * UDP-Encapsulated-Tunnel. Included by test_quirk.c only, after quirk_natt.h (behind_nat).
 */
#ifndef IK_QUIRK_NATT_QM_H
#define IK_QUIRK_NATT_QM_H

/* Main mode and quick mode behind the simulated NAT, to the end. */
static void qm_behind_nat(struct ik_pair *p)
{
	p->ini.cfg.remote_natt_port = p->res.natt.port;
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, p->p2_up >= 2 || p->failed, 3000);
}

/* Quirk nat-oa-tunnel, the responder: its QM2 in UDP-Encapsulated-Tunnel carries NAT-OA, a MUST
 * NOT of RFC 3947 5.2 for a responder, which the initiator records as its fault (and row
 * NATT-5.2-02 broken). */
static bool natoa_in_tunnel(struct ik_pair *p)
{
	qm_behind_nat(p);
	const struct ik_sa *si = p->ini.sas;
	return si && si->qms && si->qms->chosen.encap == IK_ENCAP_UDP_TUNNEL &&
	       strstr(si->fault, "3947 5.2") && si->sh.broke & IK_SH_BIT(IK_SH_NATOA_TUNNEL);
}

/* Quirk qm-mixed-encap, the initiator: after the float its QM1 offers UDP-Encapsulated-Tunnel
 * and tunnel mode together; the responder records row NATT-5.1-03 broken, and the SA still
 * comes up (a SHOULD NOT: nothing is refused). */
static bool mixed_offered(struct ik_pair *p)
{
	qm_behind_nat(p);
	const struct ik_sa *sr = p->res.sas;
	return p->p2_up >= 2 && sr && sr->sh.seen & IK_SH_BIT(IK_SH_MIXED_ENCAP) &&
	       sr->sh.broke & IK_SH_BIT(IK_SH_MIXED_ENCAP);
}

#endif
