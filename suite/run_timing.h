/*
 * The answer time of a case's alike variants (case.h `timing N`, docs/writing-cases.md): each
 * variant runs N times, interleaved, and a variant whose answers reliably come later (or
 * earlier) than the others' tells the inputs apart as a different answer would (a timing oracle,
 * RSAENC-TIME-*). The bound is generous so that a busy machine never makes a DUT look like one.
 */
#ifndef IK_RUN_TIMING_H
#define IK_RUN_TIMING_H

#include "case.h"
#include "where.h"

#include <stdbool.h>
#include <stddef.h>

/* The absolute floor of a difference that counts, in ms: scheduling noise on a loaded 2-core
 * host stays below it, a deliberate or expensive extra step on one path (pke-slow-padding:
 * 150 ms) does not. */
#define IK_TIMING_FLOOR_MS 50u

struct ik_timing {
	unsigned ms[IK_CASE_MAX_ALIKE][IK_CASE_MAX_TIMING]; /* answer times per variant, by run */
	unsigned n[IK_CASE_MAX_ALIKE];
};

enum ik_timing_verdict {
	IK_TIMING_UNJUDGED, /* fewer than two variants answered in at least 3 runs */
	IK_TIMING_ALIKE,
	IK_TIMING_APART, /* one variant reliably answered later or earlier than the rest */
};

/* The DUT's answer time in ms to the last message we sent in the ladder: from its first
 * transmission to the DUT's first datagram after it that is not a copy of one of its own; -1
 * when the DUT said nothing. An answer slower than our retransmission interval is timed from the
 * first copy all the same (a copy lost on the path makes one run late: the median absorbs it). */
long ik_answer_ms(const struct ik_ladder *l);

/* Note one run's answer time for variant v (ms < 0: none). */
void ik_timing_add(struct ik_timing *t, unsigned v, long ms);

/* Judge the answer times of nvar variants (texts: each variant's spec, for the sentences):
 * ev gets the per-variant medians, ranges and the bound; why, when apart, which variant and by
 * how much. */
enum ik_timing_verdict ik_timing_judge(const struct ik_timing *t, size_t nvar,
                                       const char *const texts[], char *ev, size_t evn, char *why,
                                       size_t whyn);

#endif
