/*
 * NAT-OA in quick mode (RFC 3947 5.2): with UDP-Encapsulated-Transport the two ends tell each
 * other the original addresses, so that each can fix TCP/UDP checksums after a NAT.
 *
 *   "In the case of transport mode, both ends MUST send both original Initiator and Responder
 *    addresses to the other end. For tunnel mode, both ends SHOULD NOT send original addresses
 *    to the other end. ... The initiator MUST send the payloads if it proposes any
 *    UDP-Encapsulated-Transport mode, and the responder MUST send the payload only if it
 *    selected UDP-Encapsulated-Transport mode."
 *
 *   QM1  HDR*, HASH(1), SA, Ni [, KE] [, IDci, IDcr] [, NAT-OAi, NAT-OAr]
 *   QM2  HDR*, HASH(2), SA, Nr [, KE] [, IDci, IDcr] [, NAT-OAi, NAT-OAr]
 *
 * The initiator's NAT-OAi is its own address and NAT-OAr the responder's as it sees it; the
 * responder's NAT-OAi is the initiator's as it sees it and NAT-OAr its own. What the peer sends
 * is checked for presence, count and ID type (RFC 3947 5.2: ID_IPV4_ADDR or ID_IPV6_ADDR only);
 * a break is the peer's fault (ik_sa_fault), the exchange goes on: ESP does not need the
 * addresses for ICMP. In tunnel mode NAT-OA from either end breaks the SHOULD NOT of 5.2 (row
 * NATT-5.2-02 of should.def: a case that cites it WARNs); from a responder also the MUST above.
 */
#include "consts.h"
#include "xchg.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

bool ik_encap_udp_transport(uint16_t encap)
{
	return encap == IK_ENCAP_UDP_TRANSPORT || encap == IK_ENCAP_UDP_TRANSPORT_DRAFT;
}

/* RFC 3947 uses payload type 21; the drafts it replaced 131 (draft-ietf-ipsec-nat-t-ike-02). */
static uint8_t natoa_type(const struct ik_sa *sa)
{
	return sa->natt_method == IK_NATT_RFC ? IK_PAYLOAD_NATOA : IK_PAYLOAD_NATOA_DRAFT;
}

static bool add_one(struct ik_msg *out, uint8_t type, const struct sockaddr_storage *a)
{
	struct ik_node *n = ik_pl_add(out, type);
	bool v4 = a->ss_family == AF_INET;
	const void *addr = v4 ? (const void *)&((const struct sockaddr_in *)a)->sin_addr
	                      : (const void *)&((const struct sockaddr_in6 *)a)->sin6_addr;
	return n &&
	       ik_node_set_num(n, IK_F_NATOA_ID_TYPE,
	                       v4 ? IK_ID_TYPE_IPV4_ADDR : IK_ID_TYPE_IPV6_ADDR) &&
	       ik_node_set_bytes(n, IK_F_NATOA_ADDR, addr, v4 ? 4 : 16);
}

bool ik_natoa_add(struct ik_sa *sa, struct ik_msg *out, uint16_t encap, struct ik_status *st)
{
	ik_quirks_t q = sa->eng->cfg.quirks;
	/* Quirk nat-oa-tunnel: the payloads in UDP-Encapsulated-Tunnel mode too (RFC 3947 5.2:
	 * "For tunnel mode, both ends SHOULD NOT send original addresses"). */
	bool udp_tunnel = encap == IK_ENCAP_UDP_TUNNEL || encap == IK_ENCAP_UDP_TUNNEL_DRAFT;
	bool due = ik_encap_udp_transport(encap) || (udp_tunnel && IK_HAS(q, NAT_OA_TUNNEL));
	/* Quirk no-nat-oa: the payloads are left out whatever the mode. */
	if (!due || IK_HAS(q, NO_NAT_OA))
		return true;
	const struct sockaddr_storage *me = &sa->eng->cfg.local, *peer = &sa->peer;
	bool ini = sa->role == IK_INITIATOR;
	return (add_one(out, natoa_type(sa), ini ? me : peer) &&
	        add_one(out, natoa_type(sa), ini ? peer : me)) ||
	       ik_fail(st, 0, "ik_natoa_add: out of memory");
}

/* The NAT-OA payloads of a message (at most 2 kept; the count goes on). */
static size_t natoas(const struct ik_in *in, const struct ik_node *n[2])
{
	size_t count = 0;
	for (size_t i = 0; i < in->m.hdr->nkids; i++) {
		const struct ik_node *k = in->m.hdr->kids[i];
		if (k->type != IK_PAYLOAD_NATOA && k->type != IK_PAYLOAD_NATOA_DRAFT)
			continue;
		if (count < 2)
			n[count] = k;
		count++;
	}
	return count;
}

static void fault(struct ik_sa *sa, const char *rule, const char *why)
{
	struct ik_status st;
	ik_fail(&st, 0, "%s", why);
	ik_sa_fault(sa, rule, &st);
}

/* Encapsulation Mode tunnel (RFC 2407 4.5), or UDP-Encapsulated-Tunnel (RFC 3947 5.1; the
 * drafts' value when that is what was negotiated). */
static bool tunnel_mode(uint16_t encap)
{
	return encap == IK_ENCAP_TUNNEL || encap == IK_ENCAP_UDP_TUNNEL ||
	       encap == IK_ENCAP_UDP_TUNNEL_DRAFT;
}

/* RFC 3947 5.2 "For tunnel mode, both ends SHOULD NOT send original addresses": the peer's QM1
 * (all it offers a tunnel mode) or QM2 (it chose one) judged on row NATT-5.2-02 of should.def. */
static void natoa_tunnel(struct ik_sa *sa, size_t count, int qm, uint16_t encap)
{
	char nb[IK_NAME_MAX];
	const char *mode = ik_fmt(nb, IK_T_ENCAP, encap);
	if (count)
		ik_sa_should(sa, IK_SH_NATOA_TUNNEL, false, "its QM%d in %s carried %zu NAT-OA", qm,
		             mode, count);
	else
		ik_sa_should(sa, IK_SH_NATOA_TUNNEL, true, "its QM%d in %s carried no NAT-OA", qm,
		             mode);
}

void ik_natoa_check(struct ik_sa *sa, struct ik_in *in, uint16_t encap)
{
	const struct ik_node *n[2];
	size_t count = natoas(in, n);
	bool ini = sa->role == IK_INITIATOR; /* so they came in QM2 */
	bool transport = ik_encap_udp_transport(encap);
	char why[120];
	if (ini && tunnel_mode(encap))
		natoa_tunnel(sa, count, 2, encap);
	if (!transport) { /* only a responder is bound here; an initiator may send them anyway */
		snprintf(why, sizeof(why),
		         "QM2 carries %zu NAT-OA, the responder chose tunnel mode", count);
		if (ini && count)
			fault(sa,
			      "RFC 3947 5.2 \"the responder MUST send the payload only if it "
			      "selected "
			      "UDP-Encapsulated-Transport mode\"",
			      why);
		return;
	}
	if (count != 2) {
		snprintf(why, sizeof(why),
		         "QM%d with UDP-Encapsulated-Transport carries %zu NAT-OA payloads, not 2",
		         ini ? 2 : 1, count);
		fault(sa,
		      ini ? "RFC 3947 5.2 \"In the case of transport mode, both ends MUST send "
		            "both "
		            "original Initiator and Responder addresses\""
		          : "RFC 3947 5.2 \"The initiator MUST send the payloads if it proposes "
		            "any "
		            "UDP-Encapsulated-Transport mode\"",
		      why);
		return;
	}
	for (unsigned i = 0; i < 2; i++) {
		unsigned t = (unsigned)ik_fnum(n[i], IK_F_NATOA_ID_TYPE);
		if (t == IK_ID_TYPE_IPV4_ADDR || t == IK_ID_TYPE_IPV6_ADDR)
			continue;
		snprintf(why, sizeof(why), "NAT-OA %u of 2 has ID type %u", i + 1, t);
		fault(sa, "RFC 3947 5.2 \"Only ID_IPV4_ADDR and ID_IPV6_ADDR types are allowed\"",
		      why);
		return;
	}
}

/* QM1: NAT-OA is due when any offer is UDP-Encapsulated-Transport (RFC 3947 5.2); when every
 * offer is a tunnel mode, NAT-OA payloads break a SHOULD NOT (an offer of normal transport mode is
 * judged by neither). */
void ik_natoa_check_qm1(struct ik_sa *sa, const struct ik_qm *qm, struct ik_in *in)
{
	bool udp_transport = false, tunnel = qm->noffers > 0;
	for (size_t i = 0; i < qm->noffers; i++) {
		udp_transport |= ik_encap_udp_transport(qm->offers[i].encap);
		tunnel &= tunnel_mode(qm->offers[i].encap);
	}
	if (tunnel) {
		const struct ik_node *n[2];
		natoa_tunnel(sa, natoas(in, n), 1, qm->offers[0].encap);
		return;
	}
	ik_natoa_check(sa, in, udp_transport ? IK_ENCAP_UDP_TRANSPORT : IK_ENCAP_TRANSPORT);
}
