/*
 * The packets ikecheck carries through an ESP SA, built and checked by ikecheck itself (issue 12
 * item 1): IPv4 (RFC 791) with ICMP echo (RFC 792) or UDP (RFC 768), checksums included, so a
 * tunnel is proven by an answer whose every field we checked, not by a counter in the DUT.
 */
#ifndef IK_INNER_H
#define IK_INNER_H

#include "status.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IK_INNER_ICMP 1
#define IK_INNER_UDP  17
#define IK_INNER_IPV4 4 /* ESP next header of an inner IPv4 packet (tunnel mode) */

struct ik_inner {
	struct in_addr src, dst;
	uint8_t proto, ttl;
	uint8_t icmp_type, icmp_code; /* ICMP */
	uint16_t id, seq;             /* ICMP echo */
	uint16_t sport, dport;        /* UDP */
	const uint8_t *data;          /* the echo or UDP payload, inside the packet */
	size_t data_len;
};

/* An ICMP echo request (type 8) or reply (0) of data_len octets of pattern; its length. */
size_t ik_inner_echo(uint8_t *buf, size_t cap, struct in_addr src, struct in_addr dst, uint8_t type,
                     uint16_t id, uint16_t seq, size_t data_len);
/* A UDP datagram with payload p; its length (0 when it does not fit). */
size_t ik_inner_udp(uint8_t *buf, size_t cap, struct in_addr src, struct in_addr dst,
                    uint16_t sport, uint16_t dport, const uint8_t *p, size_t len);
/* Transport mode (RFC 4303 3.1.1): the IP header a receiver puts back in front of the upper
 * layer it took out of ESP, the outer packet's addresses in it, so ik_inner_parse checks it as a
 * tunnel's packet; len octets of upper (which may be buf + 20 already); the length, 0 if it does
 * not fit. */
size_t ik_inner_wrap(uint8_t *buf, size_t cap, struct in_addr src, struct in_addr dst,
                     uint8_t proto, const uint8_t *upper, size_t len);
/* Parse and check an inner IPv4 packet: version, header length and checksum, total length,
 * fragments, and the ICMP or UDP checksum. False with the reason in st. */
bool ik_inner_parse(const uint8_t *p, size_t len, struct ik_inner *out, struct ik_status *st);

#endif
