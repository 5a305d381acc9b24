/*
 * The traffic selectors of an IPsec SA as quick mode negotiated them (RFC 2409 5.5: IDci and IDcr
 * stand for the initiator's and the responder's side; RFC 2407 4.6.2 their forms), as IPv4
 * address ranges, and the check of RFC 4301 5.2 step 4-5: an inbound packet whose header fields
 * are not consistent with the selectors of the SA it came on is discarded.
 */
#ifndef IK_SELECTORS_H
#define IK_SELECTORS_H

#include "ike.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

struct ik_sel_range {
	uint32_t lo, hi; /* host order, inclusive */
};

struct ik_selectors {
	bool on;                    /* false: no IDs, or not IPv4 (nothing to check against) */
	struct ik_sel_range mine;   /* our side: the inner destination of what comes in */
	struct ik_sel_range theirs; /* the peer's side: the inner source of what comes in */
};

/* The range of an IPv4 ID (ID_IPV4_ADDR, _SUBNET, _RANGE); false for other types or bad data. */
bool ik_sel_range_of(const struct ik_id *id, struct ik_sel_range *r);
/* The selectors of a quick mode, from our side of it (qm->role). Without client IDs (the phase 1
 * addresses are meant, RFC 2409 5.5) or with another ID type, off. */
void ik_sel_of_qm(const struct ik_qm *qm, struct ik_selectors *s);
/* RFC 4301 5.2 step 5: does an inbound inner packet from src to dst fit? (Always, when off.) */
bool ik_sel_fits(const struct ik_selectors *s, struct in_addr src, struct in_addr dst);
/* An address outside r and outside avoid (e.g. the other side's range): the first host of the
 * block of r's size after r, or before it; false when r is all of IPv4 space or none fits. */
bool ik_sel_outside(const struct ik_sel_range *r, const struct ik_sel_range *avoid,
                    struct in_addr *out);

#endif
