/*
 * The rows of tests/test_quirk.c for quirk udp-checksum (RFC 3948 2.1, 2.3: "the IPv4 UDP
 * Checksum SHOULD be transmitted as a zero value"): the responder's UDP-ESP replies and its
 * NAT-keepalives, their UDP header read on the raw socket of suite/udp_tap.c as the cases ESP-SND-010
 * and NATT-018 read it. Went along = one carried a checksum other than 0. A host that refuses
 * the raw socket (no CAP_NET_RAW) cannot try it: the row then reads as the quirk says, with a
 * note. Included by test_quirk.c only, after quirk_esp.h and quirk_natt.h (esp_try, ka_listen).
 */
#ifndef IK_QUIRK_UDPSUM_H
#define IK_QUIRK_UDPSUM_H

#include "udp_tap.h"

/* A tap on datagrams from the responder's NAT-T port to the initiator's; NULL without one. */
static struct ik_udp_tap *sum_tap(struct ik_pair *p)
{
	struct sockaddr_storage from = p->res.cfg.local, to = p->ini.cfg.local;
	char why[160];
	ik_addr_set_port(&from, p->res.natt.port);
	ik_addr_set_port(&to, p->ini.natt.port);
	struct ik_udp_tap *t = ik_udp_tap_open(&p->loop, &from, &to, why, sizeof(why));
	if (!t)
		fprintf(stderr, "# udp-checksum: %s, not tried\n", why);
	return t;
}

/* The responder's two ESP replies (esp_try's plain second ping). */
static bool esp_checksum_set(struct ik_pair *p)
{
	struct ik_udp_tap *t = sum_tap(p);
	if (!t)
		return IK_HAS(p->res.cfg.quirks, UDP_CHECKSUM);
	esp_try(p, TRY_SEQ);
	ik_udp_tap_drain(t);
	bool went = t->esp[1] > 0;
	ik_udp_tap_close(t);
	return went;
}

/* The keepalives of the responder behind the simulated NAT (ka_listen's second of quiet). */
static bool ka_checksum_set(struct ik_pair *p)
{
	struct ik_udp_tap *t = sum_tap(p);
	if (!t)
		return IK_HAS(p->res.cfg.quirks, UDP_CHECKSUM);
	bool heard = ka_listen(p);
	ik_udp_tap_drain(t);
	bool went = heard && t->ka[1] > 0;
	ik_udp_tap_close(t);
	return went;
}

#endif
