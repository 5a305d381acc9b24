/*
 * The report writers (DESIGN.md "Reports", docs/reports.md). Every format is rendered from the
 * same records (result.h), so `ikecheck report DIR` re-renders what a run wrote and a run killed
 * halfway still gets a report of what it decided. Secrets never reach a record (the runner
 * leaves them out unless --show-secrets), and no writer adds any.
 *
 * The runner calls, in this order:
 *   ik_report_progress(stdout, isatty(1), done, total, &r)   after each case (live line)
 *   ik_report_progress_end(stdout, isatty(1))                 before printing anything else
 *   ik_report_write_all(&rs, outdir, err, sizeof(err))        at the end and after SIGINT
 *   ik_report_text(stdout, &rs)                               the summary on stdout
 *   ik_report_baseline(stdout, &rs, &base)                    with --baseline: new failures
 */
#ifndef IK_REPORT_H
#define IK_REPORT_H

#include "result.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Counts per verdict. */
struct ik_tally {
	unsigned v[IK_V__N];
	unsigned total;
	double time_s; /* sum of the cases' durations */
};

/* One row of a grouped count: an area or a level. */
struct ik_group {
	char name[32];
	struct ik_tally t;
};

struct ik_counts {
	struct ik_tally all;
	struct ik_group *area, *level; /* areas sorted by name; levels MUST, SHOULD, MAY,
					  ADVISORY, then any other sorted by name */
	size_t narea, nlevel;
};

bool ik_counts_make(struct ik_counts *c, const struct ik_results *rs);
void ik_counts_free(struct ik_counts *c);
/* FAIL or ERROR: what makes the exit status 1. */
bool ik_verdict_bad(enum ik_verdict v);

/* The writers; each returns false when the stream failed. */
bool ik_report_text(FILE *f, const struct ik_results *rs);
bool ik_report_junit(FILE *f, const struct ik_results *rs);
bool ik_report_json(FILE *f, const struct ik_results *rs);
bool ik_report_html(FILE *f, const struct ik_results *rs);
/* report.json (flags IK_JSON_UTF8), or the data island of the HTML report (plus
 * IK_JSON_SCRIPT_SAFE: no "<" can end its <script>). */
bool ik_report_json_doc(FILE *f, const struct ik_results *rs, unsigned flags);

enum {
	IK_FMT_TEXT = 1,
	IK_FMT_JUNIT = 2,
	IK_FMT_JSON = 4,
	IK_FMT_HTML = 8,
	IK_FMT_ALL = 15,     /* the four reports */
	IK_FMT_RESULTS = 16, /* results.jsonl itself (a merge writes the joined records) */
};

/* Write the chosen formats into dir (report.txt, junit.xml, report.json, report.html), each
 * through a temporary file and rename, so a reader never sees half a report. */
bool ik_report_write(const struct ik_results *rs, const char *dir, unsigned formats, char *err,
                     size_t errlen);
bool ik_report_write_all(const struct ik_results *rs, const char *dir, char *err, size_t errlen);

/* The live line "[ 37/150] PASS MM-LIFE-003 title": on a terminal (tty) it overwrites itself
 * with \r and a non-PASS line stays on screen; not on a terminal it prints nothing. */
void ik_report_progress(FILE *f, bool tty, size_t done, size_t total, const struct ik_result *r);
/* Clear the live line (terminal only). */
void ik_report_progress_end(FILE *f, bool tty);

/*
 * Shards (--shard I/N) of one run joined into one: src's cases appended to dst, the cases
 * sorted by id afterwards (ik_results_sort). Refused when the DUT differs or a case id is in
 * both. The run header keeps dst's DUT/profile/version, the earliest start, the latest finish,
 * the longest duration, complete only when both are; shard becomes "merged".
 */
bool ik_results_merge(struct ik_results *dst, const struct ik_results *src, char *err,
                      size_t errlen);
void ik_results_sort(struct ik_results *rs);

/* Compare with a previous run: prints new failures, fixed cases, changed verdicts and reasons,
 * and cases not run any more; returns the number of new failures (FAIL/ERROR now, and not
 * FAIL/ERROR in the baseline or absent from it). */
size_t ik_report_baseline(FILE *f, const struct ik_results *cur, const struct ik_results *base);

#endif
