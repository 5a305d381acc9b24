/*
 * IKEv1 fragmentation: the Cisco scheme that Microsoft, strongSwan and Libreswan implement (no
 * RFC; the FRAGMENTATION vendor ID, payload type 132, engine/codec/payload.def FRAG). A message
 * too large for one datagram (certificates) goes out as several datagrams, each an ISAKMP header
 * (message ID 0, the phase 1 exchange type, E clear) and one FRAG payload: Fragment ID, Fragment
 * Number from 1, Flags 0x01 on the last one, and a slice of the complete message as it would have
 * gone on the wire -- header and encrypted body included, so an encrypted message is fragmented
 * after encryption. The receiver puts the slices together in number order once it has every
 * number up to the one flagged LAST, and takes the result as if it had come in one datagram.
 *
 * The receiving side here is a table of incomplete sets with limits (frag.c), kept apart from the
 * engine so that it is tested on its own (tests/test_frag.c); frag_io.c hooks both directions into
 * the driver (ike.c ik_send_wire, ike_in.c input_one).
 */
#ifndef IK_FRAG_H
#define IK_FRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* What we do (profile dut./tester.fragmentation, docs/profile.md), as strongSwan's
 * connections.<conn>.fragmentation: no: no vendor ID, never fragment; accept: the vendor ID,
 * never fragment; yes: the vendor ID, fragment a message larger than the fragment size once
 * the peer sent the vendor ID too; force: also before that (the first message). Fragments
 * that come are taken in every mode, as strongSwan and Libreswan do. */
enum ik_frag_mode { IK_FRAG_NO, IK_FRAG_YES, IK_FRAG_ACCEPT, IK_FRAG_FORCE };

#define IK_FRAG_LAST 0x01 /* FRAG Flags: the last fragment */
#define IK_FRAG_SIZE_DEFAULT \
	1280                /* IP datagram octets per fragment: strongSwan's charon.fragment_size */
#define IK_FRAG_SIZE_MIN 68 /* IPv4 + UDP + non-ESP marker + ISAKMP header + FRAG header + 1 */
#define IK_FRAG_HDR_LEN  8  /* the FRAG payload before its data */
#define IK_FRAG_MAX_NUM \
	32 /* fragments of one message we take (Libreswan's MAX_IKE_FRAGMENTS;
				    * Windows was seen sending 29) */
#define IK_FRAG_MAX_OCTETS \
	16384 /* octets of one reassembled message (strongSwan: 10000 by its
				    * charon.max_packet) */
#define IK_FRAG_TIMEOUT_MS \
	30000               /* an incomplete set is dropped this long after its first fragment */
#define IK_FRAG_SETS    8   /* incomplete sets kept at once; a new one evicts the oldest */
#define IK_FRAG_NUM_CAP 255 /* Fragment Number is one octet */

/* One fragment as read off the wire. */
struct ik_frag_in {
	const struct sockaddr_storage *peer;
	const uint8_t *cookies; /* the 16 octets of the fragment's ISAKMP header */
	uint16_t id;
	uint8_t num;
	bool last;
	const uint8_t *data;
	size_t len;
};

struct ik_frag_set {
	bool used;
	struct sockaddr_storage peer;
	uint8_t cookies[16];
	uint16_t id;
	uint64_t first_ms;
	uint8_t last; /* the number flagged LAST; 0 while it has not come */
	unsigned count;
	size_t octets;
	uint8_t *part[IK_FRAG_NUM_CAP + 1]; /* by number; [0] unused */
	size_t part_len[IK_FRAG_NUM_CAP + 1];
	uint8_t order[IK_FRAG_NUM_CAP]; /* numbers in arrival order (quirk frag-arrival-order) */
};

/* How a table takes fragments: the limits, and the deliberate faults of `ikecheck serve`
 * (engine/mutation/quirk.def) that a conformant receiver never has. */
struct ik_frag_limits {
	unsigned max_num;
	size_t max_octets;
	uint64_t timeout_ms;
	bool ignore_id;     /* quirk frag-ignore-id: every Fragment ID of an SA goes into one set */
	bool arrival_order; /* quirk frag-arrival-order: put together in arrival order */
};

struct ik_frag_table {
	struct ik_frag_limits lim;
	unsigned done_count; /* fragments of the set completed last */
	struct ik_frag_set set[IK_FRAG_SETS];
};

enum ik_frag_res {
	IK_FRAG_MORE,      /* kept; the set is still incomplete */
	IK_FRAG_DONE,      /* the set is complete: the message is in out */
	IK_FRAG_DUPLICATE, /* a number the set already holds: ignored */
	IK_FRAG_REFUSED,   /* malformed or over a limit: why says which; the set is dropped */
};

/* The conformant limits above. */
void ik_frag_table_init(struct ik_frag_table *t);
void ik_frag_table_free(struct ik_frag_table *t);
/* Take one fragment at time now_ms. IK_FRAG_DONE puts the reassembled message (at most cap
 * octets) into out and *outlen; why (whylen octets) gets one sentence for every result. */
enum ik_frag_res ik_frag_add(struct ik_frag_table *t, const struct ik_frag_in *f, uint64_t now_ms,
                             uint8_t *out, size_t cap, size_t *outlen, char *why, size_t whylen);
/* Sets that are still incomplete (tests, logs). */
unsigned ik_frag_pending(const struct ik_frag_table *t);

/* Octets of message data one fragment carries for a datagram of frag_size octets: minus the IP
 * header (IPv6: 40, IPv4: 20), UDP, the non-ESP marker on the NAT-T port, the ISAKMP header and
 * the FRAG header; at least 1. */
size_t ik_frag_data_len(unsigned frag_size, bool ipv6, bool natt);

#endif
