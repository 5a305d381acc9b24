/*
 * The hostile DUT's generated families (issue 14 item 4): every message of every exchange a peer
 * sends (MM1..MM6, AM1..AM3, QM1..QM3, INFORMATIONAL both ways), crossed with every family of
 * breakage serve --fuzz draws at random (header fields, lengths, payloads dropped, duplicated,
 * emptied or reordered, Next Payload values, contents, truncation, garbage, ciphertext and
 * plaintext octets, IV, drops, duplicates, delays, replays), each over a fixed grid of values.
 * Entry K of the walk is always the same spec in the case mutation language (mutate.h), so a
 * finding replays by its index or by its text. tests/test_hostile_families.c runs them.
 */
#ifndef IK_FUZZ_WALK_H
#define IK_FUZZ_WALK_H

#include "where.h"

#include <stdbool.h>
#include <stddef.h>

/* Who sends the broken message: the other side is the tester under attack. */
enum ik_walk_side { IK_WALK_INITIATOR, IK_WALK_RESPONDER };

struct ik_walk {
	enum ik_xchg x;           /* IK_X_MAIN, IK_X_AGGR, IK_X_QUICK or IK_X_INFO */
	int msg;                  /* RFC message number; 0 with IK_X_INFO */
	enum ik_walk_side sender; /* whose message is broken */
	char spec[160];           /* e.g. "MM4 PL[2].np set:132" */
};

/* How many entries the walk has. */
size_t ik_fuzz_walk_count(void);
/* Entry k (0 <= k < ik_fuzz_walk_count()); false past the end. */
bool ik_fuzz_walk(size_t k, struct ik_walk *w);

#endif
