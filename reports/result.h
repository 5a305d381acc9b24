/*
 * Result records: what the runner decides per case, appended to OUT/results.jsonl the moment it
 * is decided (one JSON object per line, flushed and fsynced), so an interrupted run keeps every
 * verdict it reached. Every report (text, JUnit, JSON, HTML) is rendered from these records;
 * `ikecheck report DIR` re-renders them. The line format is documented in docs/results-format.md.
 *
 *   {"type":"run", ...ik_run_info...}        first line of a run
 *   {"type":"case", ...ik_result...}         one per decided case
 *   {"type":"end", "finished":..., "duration_s":...}   when the run completed (absent if killed)
 */
#ifndef IK_RESULT_H
#define IK_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum ik_verdict { IK_V_PASS, IK_V_FAIL, IK_V_WARN, IK_V_SKIP, IK_V_ERROR, IK_V__N };

struct ik_run_info {
	char dut[128];     /* profile [dut] name and address:port */
	char profile[256]; /* profile path */
	char version[64];  /* ikecheck version */
	char started[32];  /* ISO 8601 UTC */
	char finished[32]; /* "" while running / when killed */
	double duration_s;
	char args[512];    /* the command line */
	char shard[16];    /* "I/N" or "" */
	char stopped[200]; /* why the run stopped before its last case ("" when it did not) */
	bool complete;     /* an "end" record was seen */
};

/* One rung of the ladder as reports draw it: text only (the runner flattens the engine's ladder,
 * suite/run_setup.c). */
struct ik_result_rung {
	double t_s;
	bool sent;         /* tester -> DUT */
	char msg[16];      /* "MM3", "QM1", "INFO", "?" */
	char state[24];    /* Cisco IOS state after it: "MM_KEY_EXCH" */
	char payloads[96]; /* "HDR*, HASH, ID" */
	char notify[40];   /* "NO-PROPOSAL-CHOSEN" or "" */
	bool retransmit;
	char note[96]; /* "mutated: MM1 SA.P[0].T[0].LIFE_DURATION set:86401" */
};

#define IK_RESULT_MAX_RUNGS 48

struct ik_result {
	char id[32];
	char title[200];
	char area[32];
	char ref[96];
	char binds[340]; /* who the cited rule binds and its sentence ("receiver: ...") */
	char req[160];
	char level[12]; /* "MUST" ... */
	enum ik_verdict verdict;
	char reason[256];    /* one sentence: why this verdict */
	char expected[160];  /* the expectation, as text */
	char observed[160];  /* what happened, as text */
	char where[48];      /* where the exchange stopped: "MM5 (MM_KEY_EXCH)" or "" */
	char hint[200];      /* one-line hint for a stall */
	char mutation[400];  /* the mutations applied, "; "-separated, "" for none */
	char notify[120];    /* notifies received, "; "-separated */
	char evidence[2048]; /* decoded payloads that mattered (multi-line text) */
	char pcap[128];      /* relative to the run directory, "" when none */
	double started_s;    /* since the run started */
	double duration_s;
	struct ik_result_rung ladder[IK_RESULT_MAX_RUNGS];
	size_t nladder;
};

const char *ik_verdict_name(enum ik_verdict v); /* "PASS" ... */
bool ik_verdict_parse(const char *s, enum ik_verdict *v);

/* Append one record as a JSON line and flush it to disk (fflush + fsync). */
bool ik_result_write_run(FILE *f, const struct ik_run_info *ri);
bool ik_result_write_case(FILE *f, const struct ik_result *r);
/* stopped: why the run ended before its last case (the DUT stopped answering), "" or NULL. */
bool ik_result_write_end(FILE *f, const char *finished, double duration_s, const char *stopped);

/* All records of a results.jsonl (a torn last line, from a kill, is ignored). */
struct ik_results {
	struct ik_run_info run;
	struct ik_result *r;
	size_t n, cap;
	bool torn; /* the last line was cut short (a kill mid-write) and was ignored */
};
/* Load a results.jsonl, or a report.json (its "run" and "cases", docs/report-json.md); the
 * format is told from the content. rs must be zeroed. Errors name the file, line and problem. */
bool ik_results_load(struct ik_results *rs, const char *path, char *err, size_t errlen);
/* The same from memory (buf need not end in NUL); path only names it in errors. */
bool ik_results_load_mem(struct ik_results *rs, const char *path, const char *buf, size_t len,
                         char *err, size_t errlen);
void ik_results_free(struct ik_results *rs);
/* A new zeroed record at the end of rs, NULL when out of memory. */
struct ik_result *ik_results_add(struct ik_results *rs);
/* All of rs as a results.jsonl (no fsync: for merged or converted files, not a live run). */
bool ik_results_write(FILE *f, const struct ik_results *rs);
/* The record with this id, NULL when none. */
const struct ik_result *ik_results_find(const struct ik_results *rs, const char *id);
/* The JSON members of one record, without braces and without "type" (report.json reuses them). */
void ik_result_json_run(FILE *f, const struct ik_run_info *ri, unsigned flags);
void ik_result_json_case(FILE *f, const struct ik_result *r, unsigned flags);

#endif
