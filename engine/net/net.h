/*
 * UDP transport for IKE: port 500 and the NAT-T port (RFC 3947/3948), and one event loop with
 * timers so many exchanges run in one process and none waits for another's timeout.
 *
 * On a NAT-T socket every IKE message carries the 4-byte non-ESP marker (RFC 3948 2.2); a datagram
 * whose first four bytes are not zero is ESP (RFC 3948 2.1) and a single 0xFF byte is a NAT
 * keepalive (RFC 3948 2.3). The marker is added and stripped here and nowhere else.
 */
#ifndef IK_NET_H
#define IK_NET_H

#include "status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define IK_MAX_DGRAM 65535

struct ik_sock {
	int fd;
	uint16_t port; /* local port, as bound (useful when 0 was asked for) */
	bool natt;     /* carries the non-ESP marker (RFC 3948 2.2) */
};

enum ik_dgram_kind {
	IK_DGRAM_IKE,       /* an ISAKMP message (marker already stripped) */
	IK_DGRAM_ESP,       /* UDP-encapsulated ESP (RFC 3948 2.1) */
	IK_DGRAM_KEEPALIVE, /* NAT keepalive, one 0xFF byte (RFC 3948 2.3) */
	IK_DGRAM_RUNT,      /* on a NAT-T port: 1..3 bytes that are not a keepalive */
};

struct ik_dgram {
	struct sockaddr_storage peer;
	socklen_t peer_len;
	uint16_t local_port;
	enum ik_dgram_kind kind;
	/* The outer IPv4 header's TOS and TTL as received (IP_RECVTOS, IP_RECVTTL on a NAT-T
	 * socket), -1 when the kernel did not say: what a receiver must not validate (RFC 4301 4.1). */
	int tos, ttl;
	/* IP_RECVFRAGSIZE: the largest fragment the datagram was reassembled from, 0 when it came
	 * whole (what a receiver that drops fragments, quirk esp-no-reassembly, goes by). */
	int frag;
	size_t len;
	uint8_t data[IK_MAX_DGRAM];
};

/* Parse "192.0.2.1", "::1" plus port into a sockaddr; false with a reason on bad input. */
bool ik_addr_parse(const char *host, uint16_t port, struct sockaddr_storage *ss, socklen_t *len,
                   struct ik_status *st);
/* "192.0.2.1:500" / "[::1]:4500" into buf; returns buf. */
const char *ik_addr_str(const struct sockaddr_storage *ss, char *buf, size_t n);
uint16_t ik_addr_port(const struct sockaddr_storage *ss);
void ik_addr_set_port(struct sockaddr_storage *ss, uint16_t port);
bool ik_addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b);

bool ik_sock_open(struct ik_sock *s, const struct sockaddr_storage *local, socklen_t len, bool natt,
                  struct ik_status *st);
void ik_sock_close(struct ik_sock *s);
/* Send one IKE message (adds the non-ESP marker on a NAT-T socket). */
bool ik_sock_send_ike(struct ik_sock *s, const struct sockaddr_storage *to, const uint8_t *msg,
                      size_t len, struct ik_status *st);
/* Send raw bytes as they are (ESP, keepalives, deliberately broken datagrams). */
bool ik_sock_send_raw(struct ik_sock *s, const struct sockaddr_storage *to, const uint8_t *p,
                      size_t len, struct ik_status *st);
/* The same with the outer IPv4 header's TOS and TTL set for this datagram alone (0: the
 * socket's): the tester's outer-dscp and outer-ttl probes (RFC 4301 4.1, RFC 4303 2). */
bool ik_sock_send_marked(struct ik_sock *s, const struct sockaddr_storage *to, const uint8_t *p,
                         size_t len, uint8_t tos, uint8_t ttl, struct ik_status *st);
/* The datagram as IPv4 fragments of at most frag octets of UDP each (a multiple of 8), built on
 * a raw socket with the socket's port as source (CAP_NET_RAW): the tester's fragment probe, which
 * the peer's IP layer must reassemble before ESP sees it (RFC 4303 3.4.1). */
bool ik_sock_send_fragments(struct ik_sock *s, const struct sockaddr_storage *to, const uint8_t *p,
                            size_t len, size_t frag, struct ik_status *st);
/* RFC 3948 2.1, 2.3: UDP-ESP and NAT-keepalives go over IPv4 with a UDP checksum of 0 (SHOULD).
 * Linux SO_NO_CHECK turns the checksum off for what the socket sends while on; the caller turns
 * it on around those sends alone, so that IKE on the same port keeps its checksum. A no-op
 * where the option does not exist, and for IPv6 (RFC 8200 8.1: a zero checksum is not allowed). */
void ik_sock_no_check(struct ik_sock *s, bool on);
/* Receive one datagram without blocking; false when none is waiting (EAGAIN) or on error. */
bool ik_sock_recv(struct ik_sock *s, struct ik_dgram *d);

/* Milliseconds on the monotonic clock. */
uint64_t ik_now_ms(void);

#endif
