/*
 * Proposal selection as a responder, by the RFC rules, on neutral structs so it can be tested
 * without packets: the exchange code turns SA payloads into these and back.
 *
 * RFC 2408 4.2: the responder selects a single transform of a single proposal, keeps its numbers,
 * and never changes its attributes. RFC 2409 5: phase 1 offers are one proposal with several
 * transforms. RFC 2407 4.5.3: an attribute (value) it does not support aborts the offer with
 * ATTRIBUTES-NOT-SUPPORTED. RFC 2407 4.5.4: a lifetime longer than wanted may be refused, shortened
 * silently, or shortened with RESPONDER-LIFETIME; the profile chooses, for phase 1 and for quick
 * mode each (strict as Cisco IOS, lenient, or obey: phase1/phase2.lifetime_policy).
 */
#ifndef IK_SELECT_H
#define IK_SELECT_H

#include "status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* bad_class for a transform whose proposal has an SPI of the wrong size: not an attribute
 * problem, so the refusal is INVALID-SPI (RFC 2408 5.5 step 2), not ATTRIBUTES-NOT-SUPPORTED. */
#define IK_BAD_SPI 0xfffe

/* One data attribute as decoded: class and value (TLV values longer than 4 octets: too_long). */
struct ik_attr {
	uint16_t cls;
	uint32_t val;
	bool too_long;
};

/* A phase 1 transform (RFC 2409 Appendix A attributes), offered or configured. */
struct ik_p1_xform {
	uint8_t number; /* transform # as offered, echoed in the reply (RFC 2408 4.2) */
	uint8_t tid;    /* Transform-ID: KEY_IKE (1) unless a mutation broke it (RFC 2408 5.6) */
	uint16_t enc, keylen, hash, auth, group, prf;
	uint32_t life_s, life_kb; /* 0 = not given */
	uint16_t bad_class;       /* first attribute class we cannot honour, 0 if none */
	char bad_why[96];         /* why that attribute cannot be honoured */
};

/* A phase 2 (quick mode) ESP transform (RFC 2407 4.4.4 transform ids, 4.5 attributes). */
struct ik_p2_xform {
	uint8_t proposal, number; /* proposal # and transform # as offered */
	uint8_t proto;            /* RFC 2407 4.4.1 protocol id */
	uint8_t id;               /* ESP transform id */
	uint16_t keylen, auth, group, encap;
	uint32_t life_s, life_kb;
	uint16_t bad_class;
	char bad_why[96];
};

/* Lenient first: a zeroed configuration lowers a longer lifetime and says so (RFC 2407 4.6.3.1),
 * what the profile defaults to as well. */
enum ik_life_policy {
	IK_LIFE_LENIENT, /* accept, use ours, tell the initiator with RESPONDER-LIFETIME */
	IK_LIFE_STRICT,  /* a longer proposed lifetime (or one in kilobytes only) makes the
			  * transform unacceptable (Cisco IOS) */
	IK_LIFE_OBEY,    /* complete without a notify: phase 1 takes the initiator's lifetime as
			  * it is, quick mode keeps ours when shorter, silently (IMP-DOI-4.5.4-01) */
};

struct ik_p1_policy {
	const struct ik_p1_xform *accept; /* configured transforms; life fields ignored */
	size_t n;
	uint32_t life_s; /* configured phase 1 lifetime */
	enum ik_life_policy life;
};

struct ik_p2_policy {
	const struct ik_p2_xform
		*accept; /* configured transforms (group ignored: pfs_group rules) */
	size_t n;
	uint16_t pfs_group; /* 0: no PFS configured */
	uint32_t life_s;
	enum ik_life_policy life; /* a longer quick mode lifetime (RFC 2407 4.5.4) */
	bool transport;           /* transport mode wanted (else tunnel) */
	bool udp_encap;           /* NAT detected: UDP-encapsulated modes (RFC 3947 5.1) */
	bool any_group;           /* quirk any-pfs-group: no PFS check at all */
};

struct ik_pick {
	size_t index;         /* into the offers array */
	uint32_t life_s;      /* lifetime to use */
	bool notify_lifetime; /* send RESPONDER-LIFETIME with life_s (RFC 2407 4.6.3.1) */
	uint32_t
		life_kb; /* quick mode: the offer's kilobytes, kept as well (RFC 2407 4.5; 0: none) */
};

/* Attributes of one transform into a struct: RFC 2409 App. A (phase 1), RFC 2407 4.5 (phase 2).
 * Unknown classes, conflicting duplicates (RFC 2407 4.5.2) and a duration without a type land in
 * bad_class/bad_why; they do not fail the parse, so selection can say which transform and why. */
void ik_p1_from_attrs(struct ik_p1_xform *x, const struct ik_attr *a, size_t n);
void ik_p2_from_attrs(struct ik_p2_xform *x, const struct ik_attr *a, size_t n);

/* Pick the first acceptable offer (initiator's preference order, RFC 2408 4.2). On failure the
 * status holds NO-PROPOSAL-CHOSEN (or ATTRIBUTES-NOT-SUPPORTED when every offer failed on an
 * unsupported attribute) and a sentence listing why each offer was refused. */
bool ik_p1_select(const struct ik_p1_policy *pol, const struct ik_p1_xform *offers, size_t n,
                  struct ik_pick *pick, struct ik_status *st);
bool ik_p2_select(const struct ik_p2_policy *pol, const struct ik_p2_xform *offers, size_t n,
                  struct ik_pick *pick, struct ik_status *st);

/* As initiator (RFC 2408 4.2 "MUST verify"): the reply's transform must be one we offered with
 * the same attributes. Returns the index of the matching offer or -1 with a reason; *renumbered
 * says it came back under other numbers (4.2: the responder "SHOULD retain" them). */
int ik_p1_match_reply(const struct ik_p1_xform *offers, size_t n, const struct ik_p1_xform *reply,
                      bool *renumbered, struct ik_status *st);
int ik_p2_match_reply(const struct ik_p2_xform *offers, size_t n, const struct ik_p2_xform *reply,
                      bool *renumbered, struct ik_status *st);

/* Whether an attribute class of phase 1 (RFC 2409 App. A) or of an ESP transform (RFC 2407 4.5)
 * is one the selection honours; any other makes the transform unacceptable (RFC 2407 4.5.3). */
bool ik_attr_supported(bool phase1, uint16_t cls);

#endif
