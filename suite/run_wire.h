/*
 * Wire identity of a datagram we broke on purpose (issue 10 item 6). A receiver reads the
 * cookies from octets 0-15 of what arrives, the exchange type from octet 18 and the message ID
 * from octets 20-23, whatever the mutation moved there (RFC 2408 3.1). A DUT that fails open
 * answers with what it read, so its answer may name no exchange of ours; it still carries the
 * identity of the broken datagram as sent, and that ties it to the message we broke.
 */
#ifndef IK_RUN_WIRE_H
#define IK_RUN_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IK_WIRE_MAX 8 /* broken datagrams kept per case run (distinct headers) */

struct ik_wire_id {
	uint8_t hdr[28];    /* the first octets of the datagram as sent */
	size_t len;         /* how many of them there were (a truncated header keeps fewer) */
	uint8_t icookie[8]; /* our exchange's initiator cookie when it was sent */
	uint8_t exch;       /* the exchange type of the message we built (before mutation) */
};

/* Keep the identity of a broken datagram p (len octets) sent on an exchange with initiator
 * cookie ic and exchange type exch; a copy with the same header is kept once. */
void ik_wire_keep(struct ik_wire_id *ids, size_t *n, const uint8_t *p, size_t len,
                  const uint8_t ic[8], uint8_t exch);

/* Whether datagram a (alen octets) from the DUT answers the broken datagram b. ours: a names an
 * exchange of ours (its cookies name our SA and its exchange type and message ID name our phase
 * 1 or one of our quick modes); such a datagram is judged by the exchange, never here. On true,
 * why (n) says which octets tie it to b. */
bool ik_wire_answers(const struct ik_wire_id *b, const uint8_t *a, size_t alen, bool ours,
                     char *why, size_t n);

#endif
