/*
 * A read-only tap on the UDP headers of the DUT's UDP-ESP and NAT-keepalives (RFC 3948 2.1,
 * 2.3: "the IPv4 UDP Checksum SHOULD be transmitted as a zero value"). The engine's UDP sockets
 * (engine/net/net.c) hand over the payload alone; this raw IPv4 socket (SOCK_RAW, IPPROTO_UDP:
 * CAP_NET_RAW) gets a copy of every UDP datagram the host receives, keeps those from the DUT's
 * address and NAT-T port to ours, and counts them by kind and by whether the checksum was 0.
 * Opened by the traffic and keepalive-listen steps of a case that judges the checksum
 * (ik_udp_tap_wanted), closed when the step ends.
 */
#ifndef IK_UDP_TAP_H
#define IK_UDP_TAP_H

#include "case.h"
#include "loop.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

struct ik_udp_tap {
	int fd;
	struct ik_loop *loop;
	struct in_addr from, to;     /* the DUT's address, ours (INADDR_ANY: any) */
	uint16_t from_port, to_port; /* network order */
	/* [0]: checksum 0, [1]: not 0 */
	unsigned esp[2], ka[2];
	unsigned esp_sum, ka_sum; /* the first non-zero checksum of each kind */
};

/* The case judges the checksum: it cites UDPE-2.1-02 or expects `keepalive checksum`. */
bool ik_udp_tap_wanted(const struct ik_case *c);
/* Such a case on a host that refuses the raw socket: true, why says so (the case SKIPs). */
bool ik_udp_tap_cannot(const struct ik_case *c, char *why, size_t n);
/* A tap on datagrams from (the DUT's address and port) to (ours), on loop l; NULL (why says
 * why) when the socket is refused or either address is not IPv4. */
struct ik_udp_tap *ik_udp_tap_open(struct ik_loop *l, const struct sockaddr_storage *from,
                                   const struct sockaddr_storage *to, char *why, size_t n);
/* What is waiting is read first; NULL is fine. */
void ik_udp_tap_close(struct ik_udp_tap *t);
/* Read what is waiting (the steps call it before judging). */
void ik_udp_tap_drain(struct ik_udp_tap *t);

#endif
