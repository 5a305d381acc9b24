/*
 * The arithmetic of `ikecheck load` (suite/cmd_load.c), kept apart so it is unit-tested
 * (tests/test_load_stats.c): latency percentiles, failures counted by reason, and the start
 * schedule of a --rate.
 */
#ifndef IK_LOAD_STATS_H
#define IK_LOAD_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The latencies of the setups that completed, in microseconds, in the order they came. */
struct ik_lat {
	uint32_t *us;
	size_t n, cap;
};

bool ik_lat_add(struct ik_lat *l, uint32_t us);
void ik_lat_free(struct ik_lat *l);

/* p50/p90/p99 and max of a set of latencies, in microseconds; all 0 for an empty set. */
struct ik_pct {
	uint32_t p50, p90, p99, max;
	size_t n;
};

/* The nearest-rank percentile (the smallest value with at least pct percent of the values at
 * or below it) of sorted[0..n); 0 when n is 0; pct in 1..100. */
uint32_t ik_pctl_sorted(const uint32_t *sorted, size_t n, unsigned pct);
/* Sorts l's values (their order carries no meaning) and fills out. */
void ik_lat_pct(struct ik_lat *l, struct ik_pct *out);

/* Failures counted by reason, in the order each reason first came; a reason beyond the table
 * is counted under "other". */
#define IK_TALLY_MAX 32
struct ik_tally {
	struct {
		char reason[96];
		unsigned n;
	} row[IK_TALLY_MAX];
	size_t nrows;
	unsigned total;
};

void ik_tally_add(struct ik_tally *t, const char *reason);

/* When setup number i (from 0) may start, in microseconds after the first, at rate setups per
 * second; 0 for every i when rate is 0 (as fast as the window of --parallel allows). */
uint64_t ik_load_due_us(uint64_t i, unsigned rate);

#endif
