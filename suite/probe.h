/*
 * ikecheck probe: what does a gateway answer to a first phase 1 message (ike-scan's job).
 *
 * For every host one MM1 (or AM1) goes out through one non-blocking socket; its initiator
 * cookie names the host (a random half for the run, the host's index in the other), so an
 * answer finds its host at once however many are probed. Hosts are sent to in turn, no two
 * datagrams closer than --interval; a host without an answer after its timeout gets the same
 * message again (the timeout multiplied by --backoff each time) until --retry attempts are
 * used. The first answer decides the host: a handshake (MM2/AM2: the transform the responder
 * chose, its vendor IDs, in aggressive mode its identity and HASH_R), a notify, or something
 * else; with --showbackoff the host is kept listening (never answered) and every copy of its
 * reply is timed: the retransmission backoff fingerprint (docs/probe.md).
 *
 * probe.c owns the hosts, the message and the schedule; probe_parse.c reads an answer into a
 * host; probe_out.c prints the table, the JSON lines and the backoff tables.
 */
#ifndef IK_PROBE_H
#define IK_PROBE_H

#include "select.h"
#include "status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#define IK_PROBE_MAX_TRANS   64  /* transforms in the one proposal (ike-scan's default: 8) */
#define IK_PROBE_MAX_VIDS    16  /* vendor IDs kept per answer */
#define IK_PROBE_MAX_BACKOFF 64  /* copies of a reply timed with --showbackoff */
#define IK_PROBE_MAX_ID      256 /* our aggressive mode identity; the peer's as text */
#define IK_PROBE_VID_MAX     64  /* octets of one vendor ID kept */

/* One phase 1 transform as offered: RFC 2409 Appendix A values, keylen 0 when absent. */
struct ik_probe_trans {
	uint16_t enc, keylen, hash, auth, group;
};

struct ik_probe_cfg {
	struct ik_probe_trans trans[IK_PROBE_MAX_TRANS];
	size_t ntrans;   /* 0: ike-scan's default set (ik_probe_default_trans) */
	uint32_t life_s; /* LIFE_DURATION in seconds as a 4-octet value; 0: no lifetime */
	bool aggressive;
	uint8_t id_type; /* aggressive mode: our identity (RFC 2407 4.6.2) */
	uint8_t id[IK_PROBE_MAX_ID];
	size_t id_len;
	uint16_t dhgroup;       /* aggressive mode KE group; 0: the first transform's */
	unsigned noncelen;      /* aggressive mode nonce octets (ike-scan: 20) */
	unsigned retry;         /* attempts per host (ike-scan --retry: 3) */
	unsigned timeout_ms;    /* the first attempt's timeout (ike-scan --timeout: 500) */
	unsigned backoff_pct;   /* each further timeout, in percent of the last (ike-scan: 150) */
	unsigned interval_ms;   /* at least this long between two datagrams we send */
	unsigned showbackoff_s; /* 0: off; else the silence after a host's last reply copy */
	uint16_t sport;         /* our UDP source port, 0: any */
	bool pskcrack;          /* keep what psk-crack needs from an aggressive mode answer */
};

enum ik_probe_result {
	IK_PROBE_SILENT,    /* no answer after every attempt */
	IK_PROBE_HANDSHAKE, /* MM2 or AM2: the responder chose a transform */
	IK_PROBE_NOTIFY,    /* an informational exchange with a notify (NO-PROPOSAL-CHOSEN...) */
	IK_PROBE_OTHER,     /* an answer that is neither (malformed, another exchange) */
};

struct ik_probe_vid {
	uint8_t data[IK_PROBE_VID_MAX];
	size_t len;       /* octets kept (at most IK_PROBE_VID_MAX) */
	const char *name; /* engine/codec/payload_vid.def, NULL when unknown */
};

struct ik_probe_host {
	char name[300]; /* as given, "HOST[:PORT]" */
	struct sockaddr_storage addr;
	socklen_t addr_len;
	unsigned sent;       /* attempts so far */
	uint64_t sent_us;    /* when the last attempt went out (ik_probe_now_us) */
	uint64_t due_us;     /* the next attempt, or giving up, or (answered) the end */
	uint64_t timeout_us; /* the current attempt's timeout */
	bool done;
	/* The answer */
	enum ik_probe_result result;
	uint8_t exch;    /* its exchange type */
	uint64_t rtt_us; /* from the last attempt before it to the answer */
	uint8_t rcookie[8];
	struct ik_p1_xform chosen; /* the transform the responder chose (handshake) */
	int chosen_index;          /* which of ours it is, -1 when none matches */
	char problem[300];         /* what is wrong with the answer, "" when nothing */
	struct ik_probe_vid vids[IK_PROBE_MAX_VIDS];
	size_t nvids;
	uint16_t notify; /* IK_PROBE_NOTIFY: the type */
	/* Aggressive mode (AM2) */
	bool have_id;
	uint8_t id_type;
	char id_text[IK_PROBE_MAX_ID * 4 + 1]; /* printable: an address, a name, else hex */
	size_t ke_len, nonce_len, hash_len;
	char *pskcrack; /* --pskcrack: the psk-crack line (malloc'd), NULL when none */
	/* --showbackoff: when each copy of the reply arrived, from the start of the run */
	uint64_t rx_us[IK_PROBE_MAX_BACKOFF];
	size_t nrx;
};

struct ik_probe {
	struct ik_probe_cfg cfg;
	struct ik_probe_host *hosts;
	size_t nhosts, cap;
	uint8_t *pkt; /* the message, our cookie patched in per host */
	size_t pkt_len;
	uint8_t tag[4];      /* the random half of every initiator cookie of this run */
	uint64_t start_us;   /* when the run started */
	uint64_t elapsed_us; /* how long it took */
	unsigned stray;      /* datagrams that named no host of ours */
	size_t sa_off, sa_len, ke_off, ke_len, ni_off, ni_len; /* our payload bodies (pskcrack) */
	bool verbose;
	volatile int *stop; /* set by a signal: end now, report what we have */
};

/* ike-scan's default main mode set: 3DES and DES, SHA-1 and MD5, pre-shared key, MODP 1024 and
 * 768 (8 transforms); in aggressive mode the first four in the KE group. */
size_t ik_probe_default_trans(struct ik_probe_trans *t, bool aggressive, uint16_t group);
/* "enc[/len],hash,auth,group": numbers as ike-scan takes them or names (aes128, 3des, sha1,
 * md5, psk, modp1024, 3DES-CBC, SHA, PRE-SHARED-KEY, MODP-1024 ...); false with the reason. */
bool ik_probe_parse_trans(const char *s, struct ik_probe_trans *t, char *why, size_t n);
/* An identity as ike-scan takes it: 0xHEX as octets, else text; type: an IPv4 or IPv6 address
 * is ID_IPV4_ADDR/ID_IPV6_ADDR, a name with '@' ID_USER_FQDN, else ID_FQDN (unless given). */
bool ik_probe_set_id(struct ik_probe_cfg *c, const char *s, char *why, size_t n);

/* Add "HOST[:PORT]" ("[v6]:PORT"); names are resolved (getaddrinfo); false with the reason. */
bool ik_probe_add_host(struct ik_probe *p, const char *spec, uint16_t dport, struct ik_status *st);
/* The message every host gets (p->pkt; the default set when cfg.ntrans is 0); ik_probe_run
 * calls it. False when out of memory or the KE group has no implementation. */
bool ik_probe_build(struct ik_probe *p, struct ik_status *st);
/* Build the message and run the schedule until every host is done (or *stop). False only when
 * our side cannot run (no socket, no KE for the group): st says why. */
bool ik_probe_run(struct ik_probe *p, struct ik_status *st);
void ik_probe_free(struct ik_probe *p);
/* Microseconds on the monotonic clock. */
uint64_t ik_probe_now_us(void);

/* probe_parse.c: one datagram from the peer into host h (the cookie already matched). */
void ik_probe_answer(struct ik_probe *p, struct ik_probe_host *h, const uint8_t *d, size_t len,
                     uint64_t now_us);

/* probe_out.c */
void ik_probe_print_table(const struct ik_probe *p, FILE *f);
void ik_probe_print_json(const struct ik_probe *p, FILE *f);
void ik_probe_print_backoff(const struct ik_probe *p, FILE *f);
void ik_probe_print_pskcrack(const struct ik_probe *p, FILE *f);
/* "3DES-CBC SHA PRE-SHARED-KEY MODP-1024" (AES with "/128"): the names of a transform. */
void ik_probe_trans_str(uint16_t enc, uint16_t keylen, uint16_t hash, uint16_t auth, uint16_t group,
                        char *buf, size_t n);

#endif
