/*
 * Small builders and readers over the codec tree (codec.h) for the exchanges: add a payload,
 * set a field by its IK_F_<S>_<FIELD> index, find the n-th payload of a type, SA payloads to and
 * from the neutral transform structs of select.h. Fields are named by the enums of payload.def,
 * so nothing here knows a byte offset.
 */
#ifndef IK_MSG_H
#define IK_MSG_H

#include "codec.h"
#include "select.h"

#define IK_MAX_XFORMS 16

/* A fresh message: header with cookies, exchange type, flags and message ID; no payloads. */
bool ik_msg_start(struct ik_msg *m, const uint8_t icookie[8], const uint8_t rcookie[8],
                  uint8_t exch, uint8_t flags, uint32_t msgid);
/* Append a payload of `type` to the message; NULL when out of memory or no descriptor. */
struct ik_node *ik_pl_add(struct ik_msg *m, uint8_t type);
/* The nth (0-based) payload of `type`, NULL when there is none. */
struct ik_node *ik_pl_find(const struct ik_msg *m, uint8_t type, size_t nth);
/* The payload types in wire order into types[]; returns how many (at most cap). */
size_t ik_pl_types(const struct ik_msg *m, uint8_t *types, size_t cap);

/* Field access by index, IK_F_<S>_<FIELD> (setters: codec.h ik_node_set_num/bytes); NULL or 0
 * when n is NULL or has no such field. */
const struct ik_val *ik_fget(const struct ik_node *n, int field);
uint32_t ik_fnum(const struct ik_node *n, int field); /* 0 when absent */
/* The payload body after the 4-octet generic header, as it was on the wire (decoded nodes). */
const uint8_t *ik_pl_body(const struct ik_node *n, const uint8_t *base, size_t *len);

/* RFC 2409 5 / App. A: an SA payload (IPsec DOI, SIT_IDENTITY_ONLY) with one KEY_IKE proposal
 * holding one transform per offer; lifetimes are sent in seconds when life_s is set. */
struct ik_node *ik_sa_p1_add(struct ik_msg *m, const struct ik_p1_xform *x, size_t n);
/* Read the transforms of a phase 1 SA payload; checks the RFC 2409 5 shape (one proposal,
 * PROTO_ISAKMP, KEY_IKE transforms) and says what is wrong (BAD-PROPOSAL-SYNTAX, ...). */
bool ik_sa_p1_read(const struct ik_node *sa, struct ik_p1_xform *out, size_t cap, size_t *n,
                   struct ik_status *st);
/* RFC 2407 4.6.1 / RFC 2409 5.5: an ESP SA payload, one proposal per offer with our SPI. */
struct ik_node *ik_sa_p2_add(struct ik_msg *m, const struct ik_p2_xform *x, size_t n, uint32_t spi);
/* Read the ESP transforms of a quick mode SA payload and the SPI of each proposal. */
bool ik_sa_p2_read(const struct ik_node *sa, struct ik_p2_xform *out, uint32_t *spis, size_t cap,
                   size_t *n, struct ik_status *st);
/* Quirk ignore-critical (quirk.def): drop the attributes selection does not support from every
 * transform of an SA payload (a copy: the reply still echoes the offer as it came). */
void ik_sa_strip_unknown(struct ik_node *sa, bool phase1);
/* Quirk skip-sa-checks: make an SA payload (a copy) the IPsec DOI offer the engine expects, so
 * that none of the checks of RFC 2408 5.4-5.6 and RFC 2409 5 can refuse it: DOI IPSEC, Situation
 * SIT_IDENTITY_ONLY, and in phase 1 only the first proposal, of protocol ISAKMP, with KEY_IKE
 * transforms; in quick mode ESP proposals. */
void ik_sa_as_expected(struct ik_node *sa, bool phase1);

#endif
