/*
 * The ESP data path of one quick mode (issue 12 item 2): ikecheck's own ESP SAs (engine/esp/)
 * keyed from the quick mode's KEYMAT (RFC 2409 5.5), ICMP echo through the tunnel with round
 * trips measured, and echo requests to our inner address answered, so a DUT's ping reaches a
 * host. ESP travels in UDP on the NAT-T port (RFC 3948); tunnel mode, or transport mode (RFC 4303
 * 3.1.1: the upper layer alone, read behind the header the outer packet carried; me and peer then
 * stand for the outer addresses). An engine carries any
 * number of them: its ESP input finds the one whose inbound SPI the packet names.
 */
#ifndef IK_DATAPATH_H
#define IK_DATAPATH_H

#include "esp.h"
#include "ike.h"
#include "inner.h"
#include "selectors.h"

#define IK_DP_MAX_PINGS 64
/* The peer's AES-CBC IVs kept to compare (esp_cbc.c), and the Hamming distance under which two
 * in a row count as near: 16 of 128 bits, which two random IVs fall under with odds of about
 * 10^-20 (RFC 3602 3 wants them "randomly distributed"; a counter differs in a bit or two). */
#define IK_CBC_IVS       32
#define IK_CBC_NEAR_BITS 16
#define IK_DP_MAX_DATA   1400                   /* echo data of the biggest ping (a volume probe) */
#define IK_DP_MAX_PACKET (IK_DP_MAX_DATA + 160) /* it sealed: headers, IV, padding, ICV */

struct ik_datapath {
	struct ik_engine *e;
	struct ik_esp_sa out, in;
	struct sockaddr_storage
		to;  /* where ESP goes: the peer's NAT-T port, then where it came from */
	bool mapped; /* to is a mapping the peer's packets showed (the float, or its first ESP) */
	struct in_addr me, peer;  /* inner addresses: ours and the one we ping */
	struct in_addr probe_dst; /* another destination a probe went to: its replies count too */
	bool transport; /* RFC 4303 3.1.1: ESP carries the upper layer; me and peer stand for the
	                 * addresses of the outer header (the caller passes them) */
	struct ik_selectors
		sel; /* the quick mode's, what an echo request to us must fit (RFC 4301 5.2) */
	uint16_t id; /* ICMP echo identifier of our pings */
	uint64_t sent_us[IK_DP_MAX_PINGS]; /* CLOCK_MONOTONIC, microseconds */
	double rtt_ms[IK_DP_MAX_PINGS];    /* < 0: no reply yet */
	uint8_t nrep[IK_DP_MAX_PINGS];     /* replies to each (a replayed ping: more than one) */
	uint8_t last[IK_DP_MAX_PACKET];    /* the last packet sent (ik_dp_resend) */
	size_t last_len;
	unsigned sent, replies,
		answered; /* echo requests sent, replies to them, requests answered */
	unsigned refused; /* inbound packets ESP or the inner check refused */
	uint32_t in_top;  /* newest inbound sequence number (quirk esp-no-window) */
	uint32_t in_seq[2 *
	                IK_DP_MAX_PINGS]; /* sequence numbers of the peer's packets, as they came */
	unsigned nin_seq;
	uint64_t in_tag[2 * IK_DP_MAX_PINGS]; /* the last 8 octets of each of them (its ICV) */
	/* RFC 4303 2.2: an authentic packet of the peer's under a number it had used for another
	 * packet (not a copy the path made: another ICV), or one left of the window never seen:
	 * how many, and the first such number. */
	unsigned seq_reused;
	uint32_t seq_reused_at;
	/* RFC 3948 2.1 "The SPI field in the ESP header MUST NOT be a zero value": the peer's
	 * packets that came with 0 there (read as IKE after a non-ESP marker) and authenticate
	 * under our inbound SA, and the first one's sequence number. */
	unsigned spi_zero;
	uint32_t spi_zero_seq;
	/* RFC 3602, the peer's authentic AES-CBC packets (esp_cbc.c): encrypted data of no whole
	 * number of blocks (2.4), an IV another number had (3: "chosen at random"), an IV within
	 * IK_CBC_NEAR_BITS bits of the one before it (3: no "low-Hamming distance source"): how many,
	 * the first one's sequence number (and distance); the IVs seen, up to IK_CBC_IVS. */
	unsigned cbc_ragged, cbc_iv_same, cbc_iv_near, cbc_near_bits, ncbc_iv;
	uint32_t cbc_ragged_seq, cbc_iv_same_seq, cbc_iv_near_seq;
	uint8_t cbc_iv[IK_CBC_IVS][16];
	uint32_t cbc_iv_seq[IK_CBC_IVS];
	/* Quirk esp-outer-check: the outer TOS and TTL of the first packet in (outer_seen). */
	bool outer_seen;
	int outer_tos, outer_ttl;
	bool owned; /* allocated by ik_dp_host_add: a quirk may free it */
	/* Quirk esp-seq-no-replay: the peer said REPLAY-STATUS 0, and our counter no longer moves. */
	bool out_stuck;
	/* Called at the first reply to each ping (set after ik_dp_start; NULL: nobody waits), so
	 * a caller pacing its pings can send the next one as soon as this one is back. */
	void (*on_reply)(void *arg);
	void *reply_arg;
	/* Host data paths (serve): when the SA's lifetime ends (0: never) and the octets either
	 * direction may carry (0: no limit), RFC 4301 4.4.2.1. The tester's have none. */
	uint64_t expires_us, life_octets;
	char why[256];            /* the last refusal */
	struct ik_datapath *next; /* the engine's others (e->esp_arg is the first) */
};

/* Key both directions from qm and add dp to the engine's data paths (its ESP input). me and
 * peer are the inner addresses. False (st says why) for a transform the data path does not
 * carry. */
bool ik_dp_start(struct ik_datapath *dp, struct ik_engine *e, const struct ik_sa *sa,
                 const struct ik_qm *qm, struct in_addr me, struct in_addr peer,
                 struct ik_status *st);
/* Send echo request number seq (0 .. IK_DP_MAX_PINGS-1) through the tunnel. */
bool ik_dp_ping(struct ik_datapath *dp, uint16_t seq, struct ik_status *st);
/* How ik_dp_send seals one packet besides a plain ping (the ESP cases' probes, run_traffic.c). */
struct ik_dp_how {
	uint32_t spi;    /* 0: the SA's; else this SPI in the header, the ICV computed over it */
	bool flip_icv;   /* the last ICV octet inverted after sealing */
	bool dummy;      /* next header 59 and random octets instead of a ping (RFC 4303 2.6) */
	uint32_t seq_at; /* 0: the next sequence number; else this one (the counter is kept) */
	enum ik_esp_trailer trailer; /* padding and Pad Length: the default, or broken (esp.h) */
	struct in_addr src; /* 0: our inner address; else this inner source (RFC 4301 5.2 probes) */
	struct in_addr dst; /* 0: the peer's inner address; else this destination (RFC 4301 5.2) */
	uint16_t
		data_len; /* echo data octets: 0 for the usual 56 (a big ping for volume lifetimes) */
	bool seq_zero; /* sequence number 0, which no sender uses (RFC 4303 3.3.3), under a valid ICV */
	/* 0: as usual; else the outer IP header's TOS and TTL, for this packet (RFC 4301 4.1) */
	uint8_t tos, ttl;
	/* 0: one datagram; else sent as IPv4 fragments of at most this many UDP octets, on a raw
	 * socket (RFC 4303 3.4.1: the receiver reassembles before ESP) */
	uint16_t frag;
};
/* Send echo request seq (0 .. IK_DP_MAX_PINGS-1; unused for a dummy) sealed as how says. The
 * packet is kept for ik_dp_resend. */
bool ik_dp_send(struct ik_datapath *dp, uint16_t seq, const struct ik_dp_how *how,
                struct ik_status *st);
/* The last packet ik_dp_ping or ik_dp_send sent, again octet for octet (a replay). */
bool ik_dp_resend(struct ik_datapath *dp, struct ik_status *st);
/* A NAT-keepalive (RFC 3948 2.3) to where the ESP goes. */
bool ik_dp_keepalive(struct ik_datapath *dp, struct ik_status *st);
/* old-sa (run_traffic.c): forget the pings dp sent so far and number its next ones as another
 * data path does (its ICMP identifier id), so that the replies to pings it sends for that one,
 * through whichever SA they come back, count by the same sequence numbers. */
void ik_dp_pings_reset(struct ik_datapath *dp, uint16_t id);
/* Ping seq went out through another data path of the same peer: its reply counts here too. */
void ik_dp_sent_elsewhere(struct ik_datapath *dp, uint16_t seq);
/* Take dp off its engine and wipe its keys. */
void ik_dp_stop(struct ik_datapath *dp);

/* A host behind every quick mode of an engine (ikecheck serve): a data path per established
 * quick mode, answering pings to me; the oldest beyond IK_DP_KEEP are let go. */
#define IK_DP_KEEP 256
bool ik_dp_host_add(struct ik_engine *e, const struct ik_sa *sa, const struct ik_qm *qm,
                    struct in_addr me, struct in_addr peer, struct ik_status *st);
void ik_dp_host_free(struct ik_engine *e);
/* The data path of the quick mode whose inbound SPI is spi, taken down (the peer deleted it). */
void ik_dp_host_del(struct ik_engine *e, uint32_t spi);

/* The ESP transform of a quick mode's chosen ESP transform, from the engine's algorithm data. */
bool ik_dp_xform(const struct ik_p2_xform *chosen, struct ik_esp_xform *x, struct ik_status *st);
/* RFC 3602 sender checks on one packet of the peer's that ESP opened with verdict v (esp_cbc.c):
 * nothing unless the inbound SA is AES-CBC. */
void ik_dp_cbc_watch(struct ik_datapath *dp, const uint8_t *pkt, size_t len, enum ik_esp_verdict v);

#endif
