/* Per-message payload rules (the encryption and payload columns of messages.def): required,
 * optional, how many, where, and encryption. */
#ifndef IK_RULES_H
#define IK_RULES_H

#include "status.h"
#include "where.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ik_enc { IK_ENC_NO, IK_ENC_YES, IK_ENC_ANY };

/* Message 2 of IK_X_INFO (INFO_PLAIN in messages.def) holds the rules of an unprotected
 * informational (no ISAKMP SA yet). */
#define IK_INFO_PLAIN 2

/* Check the payload types of one message (in order) against the rules of (x, msg).
 * Fails with INVALID-PAYLOAD-TYPE (a payload the message may not carry), PAYLOAD-MALFORMED
 * (missing, repeated or misplaced) or INVALID-FLAGS (encryption wrong), naming the payload. */
bool ik_rules_check(enum ik_xchg x, int msg, bool encrypted, const uint8_t *types, size_t n,
                    struct ik_status *st);
/* The authentication method chosen, which picks the PK() (pre-shared keys), PS() (signatures,
 * RFC 2409 5.1) or PE() (public key encryption, 5.2 and 5.3) rules of messages.def. */
enum ik_rules_auth { IK_RULES_PSK, IK_RULES_SIG, IK_RULES_ENC };
/* The same under the authentication method chosen. ik_rules_check is IK_RULES_PSK, as are
 * ik_rules_min and ik_rules_required. */
bool ik_rules_check_auth(enum ik_xchg x, int msg, bool encrypted, enum ik_rules_auth auth,
                         const uint8_t *types, size_t n, struct ik_status *st);
/* Quirk fixed-order (rules.c): the payloads in the order of messages.def's rows. */
bool ik_rules_in_order(enum ik_xchg x, int msg, enum ik_rules_auth auth, const uint8_t *types,
                       size_t n, struct ik_status *st);
/* Whether message msg of exchange x must travel encrypted. */
enum ik_enc ik_rules_enc(enum ik_xchg x, int msg);
/* The payload type message msg of exchange x must start with (SA in MM1/MM2/AM1/AM2, HASH in
 * quick mode), or 0 when any may come first. */
uint8_t ik_rules_first(enum ik_xchg x, int msg);
/* How many payloads of type the message must carry at least (0: optional or not allowed). */
unsigned ik_rules_min(enum ik_xchg x, int msg, uint8_t type);
/* The same under the authentication method. */
unsigned ik_rules_min_auth(enum ik_xchg x, int msg, uint8_t type, enum ik_rules_auth auth);
/* The payload types message msg of exchange x must carry (min >= 1), in the table's order, into
 * types (at most cap); how many. */
size_t ik_rules_required(enum ik_xchg x, int msg, uint8_t *types, size_t cap);

#endif
