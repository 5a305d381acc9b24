/* Quick mode IDs as IPv4 selectors and the inbound selector check; see selectors.h. */
#include "selectors.h"
#include "consts.h"

#include <string.h>

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

bool ik_sel_range_of(const struct ik_id *id, struct ik_sel_range *r)
{
	if (id->type == IK_ID_TYPE_IPV4_ADDR && id->len == 4) { /* RFC 2407 4.6.2.2 */
		r->lo = r->hi = get32(id->data);
		return true;
	}
	if (id->len != 8)
		return false;
	uint32_t a = get32(id->data), b = get32(id->data + 4);
	if (id->type == IK_ID_TYPE_IPV4_ADDR_SUBNET) { /* 4.6.2.5: address and mask */
		r->lo = a & b, r->hi = (a & b) | ~b;
		return true;
	}
	if (id->type == IK_ID_TYPE_IPV4_ADDR_RANGE && a <= b) { /* 4.6.2.8: first and last */
		r->lo = a, r->hi = b;
		return true;
	}
	return false;
}

void ik_sel_of_qm(const struct ik_qm *qm, struct ik_selectors *s)
{
	/* IDci is the initiator's side, IDcr the responder's (RFC 2409 5.5). */
	const struct ik_id *mine = qm->role == IK_INITIATOR ? &qm->idci : &qm->idcr,
			   *theirs = qm->role == IK_INITIATOR ? &qm->idcr : &qm->idci;
	memset(s, 0, sizeof(*s));
	s->on = qm->have_ids && ik_sel_range_of(mine, &s->mine) &&
	        ik_sel_range_of(theirs, &s->theirs);
}

static bool in_range(const struct ik_sel_range *r, struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);
	return h >= r->lo && h <= r->hi;
}

bool ik_sel_fits(const struct ik_selectors *s, struct in_addr src, struct in_addr dst)
{
	return !s->on || (in_range(&s->theirs, src) && in_range(&s->mine, dst));
}

bool ik_sel_outside(const struct ik_sel_range *r, const struct ik_sel_range *avoid,
                    struct in_addr *out)
{
	uint64_t size = (uint64_t)r->hi - r->lo + 1, cand[2] = {(uint64_t)r->hi + 2, 0};
	if (r->lo >= size)
		cand[1] = (uint64_t)r->lo - size + 1;
	for (int i = 0; i < 2; i++) {
		uint64_t c = cand[i];
		/* a unicast host: not 0.0.0.0/8, not multicast or above (224.0.0.0/3) */
		if (c < 0x01000000u || c >= 0xe0000000u || (c >= r->lo && c <= r->hi) ||
		    (avoid && c >= avoid->lo && c <= avoid->hi))
			continue;
		out->s_addr = htonl((uint32_t)c);
		return true;
	}
	return false;
}
