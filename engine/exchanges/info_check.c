/*
 * The receiver's checks on a Notify or Delete payload before it is acted on (RFC 2408 5.14 and
 * 5.15, steps 2 to 4): an unsupported DOI or Protocol-ID discards the payload, and a Delete of
 * the ISAKMP SA acts only on an SPI that is its cookie pair. Quirks notify-lax, delete-lax and
 * delete-all-or-none turn them off, for the cases that must fail against such a peer.
 */
#include "consts.h"
#include "xchg.h"

#include <string.h>

/* DOI 0 (ISAKMP, RFC 2408 3.14, 3.15: "For ISAKMP this value is zero") and 1 (IPSEC, RFC 2407
 * 2); Protocol-IDs of RFC 2407 4.4.1, with 0 taken as well: peers put it in phase 1 notifies.
 * Quirk notify-lax (a Notify) or delete-lax (a Delete): anything goes. */
bool ik_info_payload_ok(struct ik_sa *sa, const struct ik_node *p)
{
	bool notify = p->type == IK_PAYLOAD_N;
	uint32_t doi = ik_fnum(p, notify ? IK_F_N_DOI : IK_F_D_DOI);
	uint32_t proto = ik_fnum(p, notify ? IK_F_N_PROTO : IK_F_D_PROTO);
	const char *what = notify ? "Notify" : "Delete", *sec = notify ? "5.14" : "5.15";

	if (notify ? IK_HAS(sa->eng->cfg.quirks, NOTIFY_LAX)
	           : IK_HAS(sa->eng->cfg.quirks, DELETE_LAX))
		return true;
	if (doi != IK_DOI_ISAKMP && doi != IK_DOI_IPSEC) {
		IK_LOG(sa->eng, "%s with DOI %u discarded (RFC 2408 %s step 2)", what, doi, sec);
		return false;
	}
	if (proto > IK_PROTO_IPCOMP) {
		IK_LOG(sa->eng, "%s with Protocol-ID %u discarded (RFC 2408 %s step 3)", what,
		       proto, sec);
		return false;
	}
	return true;
}

/* Does a Delete of the ISAKMP SA name this one? RFC 2408 3.15: "the SPIs are the initiator and
 * responder cookies"; 5.15 step 4 checks "each SPI": bogus ones are skipped and a valid one is
 * still acted on. Quirk delete-all-or-none: one bogus SPI voids the payload; delete-lax: any
 * Delete of the ISAKMP SA (or of an unknown protocol) names this one. */
bool ik_info_delete_names_sa(struct ik_sa *sa, const struct ik_node *d)
{
	const struct ik_val *v = ik_fget(d, IK_F_D_SPIS);
	uint8_t cookies[16];
	size_t ours = 0, other = 0;

	if (IK_HAS(sa->eng->cfg.quirks, DELETE_LAX))
		return true;
	if (ik_fnum(d, IK_F_D_SPI_SIZE) != 16 || !v || !v->bytes) {
		IK_LOG(sa->eng, "Delete of the ISAKMP SA without 16-octet SPIs discarded");
		return false;
	}
	memcpy(cookies, sa->icookie, 8);
	memcpy(cookies + 8, sa->rcookie, 8);
	for (size_t o = 0; o + 16 <= v->len; o += 16)
		++*(memcmp(v->bytes + o, cookies, 16) ? &other : &ours);
	if (other)
		IK_LOG(sa->eng,
		       "Delete: %zu SPI(s) not this ISAKMP SA's cookies skipped (RFC 2408 5.15 "
		       "step 4)",
		       other);
	return ours && !(other && IK_HAS(sa->eng->cfg.quirks, DELETE_ALL_OR_NONE));
}
