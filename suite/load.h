/*
 * ikecheck load (suite/cmd_load.c drives the setups, suite/load_out.c says how they went,
 * suite/load_stats.c does the arithmetic). docs/load.md.
 */
#ifndef IK_LOAD_H
#define IK_LOAD_H

#include "run_engine.h"
#include "load_stats.h"

#include <stdio.h>
#include <sys/resource.h>

#define IK_LOAD_MAX_COUNT    10000000
#define IK_LOAD_MAX_PARALLEL 4096

/* One setup in flight: its ISAKMP SA and when it started. */
struct ik_load_slot {
	struct ik_sa *sa; /* NULL: free; IK_LOAD_STARTING: inside ik_initiate */
	uint64_t t0_us;
};
#define IK_LOAD_STARTING ((struct ik_sa *)&ik_load_starting)
extern const char ik_load_starting;

struct ik_load {
	struct ik_run r;
	/* the options */
	unsigned count, rate, parallel, timeout_s;
	bool keep, del, hold, aggressive, no_quick;
	const char *json;
	/* the run */
	bool progress; /* the live line on stderr (a terminal, no -q) */
	struct ik_load_slot *fly;
	unsigned nfly, started, ok, failed, kept, deleted;
	struct ik_lat lat;
	struct ik_tally why;
	uint64_t t_start_us, t_end_us;
	struct rusage ru0, ru1;
	bool interrupted, oom;
};

uint64_t ik_load_now_us(void);
/* Why a setup failed, short and without per-SA detail so that failures of one kind count
 * together: "INVALID-HASH-INFORMATION notify after MM4", "no MM6 (silence after MM5)". */
void ik_load_reason(const struct ik_sa *sa, const struct ik_qm *qm, char *buf, size_t n);
/* The live line on stderr ("\r...", cleared and ended with a newline when last). */
void ik_load_progress(struct ik_load *l, uint64_t now_us, bool last);
/* The summary for people, and as JSON into path ("-": stdout); false when it cannot write. */
void ik_load_summary(struct ik_load *l, FILE *f);
bool ik_load_json(struct ik_load *l, const char *path);

#endif
