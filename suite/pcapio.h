/*
 * Reading ISAKMP messages out of capture files (libpcap): UDP 500, and UDP 4500 after the
 * 4-octet non-ESP marker (RFC 3948 2.2); ESP-in-UDP and NAT keepalives (RFC 3948 2.3) on 4500
 * are skipped. IPv4 (fragments put together) and IPv6; Ethernet (with 802.1Q), Linux cooked
 * v1/v2, raw IP, BSD loopback.
 */
#ifndef IK_PCAPIO_H
#define IK_PCAPIO_H

#include "status.h"

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

struct ik_pkt {
	size_t num; /* frame number in the file, from 1 */
	struct timeval ts;
	int family; /* AF_INET or AF_INET6 */
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	uint16_t sport, dport;
	int marker;    /* 1: came after a non-ESP marker on a NAT-T port */
	int truncated; /* the capture holds fewer octets than the UDP length says (snaplen) */
	const uint8_t *isakmp; /* the ISAKMP message; valid until the next ik_pcap_next */
	size_t len;
};

struct ik_pcap;

struct ik_pcap *ik_pcap_open(const char *path, struct ik_status *st);
/* 1: *pkt holds the next ISAKMP message; 0: end of file; -1: read error (st says why). */
int ik_pcap_next(struct ik_pcap *p, struct ik_pkt *pkt, struct ik_status *st);
void ik_pcap_close(struct ik_pcap *p);
/* Also read UDP port `port` (either side) as IKE: a lab or loopback profile on a high port. */
void ik_pcap_ike_port(struct ik_pcap *p, uint16_t port);

/*
 * Which part of a UDP payload is ISAKMP. Port 500 (either side): all of it. Port 4500: after a
 * zero non-ESP marker; a 1-octet 0xff is a NAT keepalive, anything else ESP. Returns the offset
 * of the ISAKMP message, or -1 when the datagram carries none. Other ports: treated like 500
 * when `any_port` (lab setups on odd ports).
 */
int ik_udp_isakmp_offset(uint16_t sport, uint16_t dport, const uint8_t *p, size_t len,
                         int any_port);

#endif
