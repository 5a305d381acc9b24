/*
 * Mutations (DESIGN.md "Mutations"): deliberate deviations applied at named hook points of the one
 * pipeline every message takes (ike.c ik_emit / ik_send_wire, ike_in.c input). A mutation is
 * data -- which message, where, what, an argument -- parsed from one line of text:
 *
 *   MSG[#N] PLACE OP[:ARG]
 *
 *   MSG    MM1..MM6, AM1..AM3, QM1..QM3 (RFC message numbers), INFO (an informational we send)
 *   #N     the Nth transmission (or reception) of MSG only; default: every one. "#1" leaves the
 *          retransmissions clean, so a DUT that drops the bad message can still complete.
 *   PLACE  a field path of the codec (engine/codec/codec.h: HDR.flags, SA.P[0].T[0].LIFE_DURATION,
 *          HASH.data, NONCE, KE.data, PL[2], VID[1]) -- applied to the payload tree before
 *          encoding; paths into HASH and SIG apply after they are filled in;
 *          plain[OFF]  the plaintext after length fix-ups and HASH filling, before padding and
 *                      encryption (OFF: byte offset from the first payload; omitted: the end);
 *          wire[OFF]   the octets on the wire after encryption (offset from the ISAKMP header);
 *          send        the datagram as a whole: drop, duplicate, delay:MS, replay:MSG;
 *          recv        a datagram we receive (MSG is then the DUT's message): drop, duplicate;
 *          crypto.iv   the CBC IV used to encrypt MSG (the chain follows what was sent).
 *          crypto      omit: MSG, an encrypted message, goes out in the clear (its plaintext,
 *                      the E flag clear; a HASH in it still filled unless omitted too).
 *          frag[N]     fragment N (from 1) of MSG when it goes out in IKEv1 fragments (frag.h):
 *                      drop, duplicate, set:V (its Fragment ID), reorder:POS (sent at POS).
 *   OP     set:V  omit  empty  duplicate  fill:BYTE[:LEN]  flip[:N]  truncate:N  append:HEX
 *          reorder:POS  drop  delay:MS  replay:MSG  -- which ops a PLACE takes is in the catalogue
 *          (`ikecheck list mutations`).
 *   V      a number (decimal or 0x..) for numeric fields; hex octets for byte fields; for KE.data
 *          also zero, one and p-1 (the group's values of RFC 2409 5 / RFC 2412 that a responder
 *          must refuse).
 *
 * Examples: "MM5 HASH.data flip:0", "MM1 SA.P[0].T[0].LIFE_DURATION set:86401",
 * "MM3 KE.data set:one", "MM1 wire truncate:40", "QM1 send duplicate", "MM3#1 send drop",
 * "MM2 recv drop", "MM5 crypto.iv flip:0".
 */
#ifndef IK_MUTATE_H
#define IK_MUTATE_H

#include "status.h"
#include "where.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define IK_MAX_MUTATIONS 8

enum ik_mut_place {
	IK_MP_FIELD,
	IK_MP_PLAIN,
	IK_MP_WIRE,
	IK_MP_SEND,
	IK_MP_RECV,
	IK_MP_IV,
	IK_MP_CLEAR, /* crypto omit: not encrypted */
	IK_MP_FRAG   /* one IKEv1 fragment of MSG (frag.h), offset = its Fragment Number */
};

enum ik_mut_op {
	IK_MO_SET,
	IK_MO_OMIT,
	IK_MO_EMPTY,
	IK_MO_DUPLICATE,
	IK_MO_FILL,
	IK_MO_FLIP,
	IK_MO_TRUNCATE,
	IK_MO_APPEND,
	IK_MO_REORDER,
	IK_MO_DROP,
	IK_MO_DELAY,
	IK_MO_REPLAY
};

struct ik_mutation {
	enum ik_xchg xchg;
	int msg;      /* RFC message number; 0 with IK_X_INFO */
	unsigned nth; /* 0: every transmission/reception; N: the Nth only */
	enum ik_mut_place place;
	char path[96]; /* IK_MP_FIELD */
	long offset;   /* IK_MP_PLAIN / IK_MP_WIRE: byte offset, -1 when not given */
	enum ik_mut_op op;
	uint64_t
		num; /* numeric argument (set on a number field, flip index, truncate length, delay,
			* fill byte, reorder position) */
	bool has_num;
	uint8_t arg[256]; /* byte argument (set on bytes, append) */
	size_t arg_len;
	int special;           /* KE.data set:zero/one/p-1: 1, 2, 3; 0 otherwise */
	enum ik_xchg replay_x; /* replay:MSG */
	int replay_msg;
	char text[160];   /* the spec as written: traced on the ladder and into reports */
	unsigned seen;    /* transmissions (receptions) of MSG so far */
	unsigned applied; /* times it took effect: the runner says ERROR when a case's mutation
			   * never applied, rather than judging a DUT on an unmutated exchange */
	unsigned noop; /* times it applied to a message but changed no octet of it (a RESERVED field
			   * filled with zeros, a Next Payload set to what it was): not counted applied */
};

/* Parse one spec; on error st->why says which word is wrong and what was expected. */
bool ik_mutation_parse(const char *spec, struct ik_mutation *m, struct ik_status *st);
/* The catalogue for `ikecheck list mutations`: places, operations, arguments, examples. */
void ik_mutation_catalogue(FILE *f);

#endif
