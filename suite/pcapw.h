/*
 * Writing what the engine sent and received as a capture (libpcap, LINKTYPE_RAW IPv4/IPv6 with
 * UDP headers), so every case of a run has its own pcap of exactly its packets, even against a
 * remote DUT where tcpdump cannot run (issue 6 "Evidence per case"). Messages on a NAT-T port
 * get the 4-octet non-ESP marker back (RFC 3948 2.2), so Wireshark and `ikecheck decode` read
 * them as on the wire.
 */
#ifndef IK_PCAPW_H
#define IK_PCAPW_H

#include "status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct ik_pcapw;

struct ik_pcapw *ik_pcapw_open(const char *path, struct ik_status *st);
/* One UDP datagram from src to dst (ports in the sockaddrs); marker: prepend the non-ESP
 * marker. */
bool ik_pcapw_udp(struct ik_pcapw *w, const struct sockaddr_storage *src,
                  const struct sockaddr_storage *dst, bool marker, const uint8_t *p, size_t len);
void ik_pcapw_close(struct ik_pcapw *w);

#endif
