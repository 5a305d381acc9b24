/*
 * What every report shares (report.h): the counts by verdict, area and level, writing the
 * formats into a run directory, joining shards, and the comparison with a baseline.
 */
#include "report.h"
#include "json.h"
#include "report_util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool ik_verdict_bad(enum ik_verdict v)
{
	return v == IK_V_FAIL || v == IK_V_ERROR;
}

/* ---- counts ---- */

static void tally_add(struct ik_tally *t, const struct ik_result *r)
{
	if ((unsigned)r->verdict < IK_V__N)
		t->v[r->verdict]++;
	t->total++;
	t->time_s += r->duration_s;
}

static struct ik_group *group_get(struct ik_group **g, size_t *n, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*g)[i].name, name))
			return &(*g)[i];
	void *p = realloc(*g, (*n + 1) * sizeof(**g));
	if (!p)
		return NULL;
	*g = p;
	memset(&(*g)[*n], 0, sizeof(**g));
	snprintf((*g)[*n].name, sizeof((*g)[*n].name), "%s", name);
	return &(*g)[(*n)++];
}

/* The requirement levels of RFC 2119 in the order they matter, then the suite's own. */
static const char *const level_order[] = {"MUST", "SHOULD", "MAY", "ADVISORY"};

static int level_rank(const char *l)
{
	for (size_t i = 0; i < IK_ARRAY_SIZE(level_order); i++)
		if (!strcmp(l, level_order[i]))
			return (int)i;
	return 99;
}

static int cmp_group_name(const void *a, const void *b)
{
	return strcmp(((const struct ik_group *)a)->name, ((const struct ik_group *)b)->name);
}

static int cmp_level(const void *a, const void *b)
{
	const struct ik_group *x = a, *y = b;
	int rx = level_rank(x->name), ry = level_rank(y->name);
	return rx != ry ? rx - ry : strcmp(x->name, y->name);
}

bool ik_counts_make(struct ik_counts *c, const struct ik_results *rs)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < rs->n; i++) {
		const struct ik_result *r = &rs->r[i];
		struct ik_group *a = group_get(&c->area, &c->narea, r->area[0] ? r->area : "-");
		struct ik_group *l = group_get(&c->level, &c->nlevel, r->level[0] ? r->level : "-");
		if (!a || !l) {
			ik_counts_free(c);
			return false;
		}
		tally_add(&c->all, r);
		tally_add(&a->t, r);
		tally_add(&l->t, r);
	}
	if (c->narea)
		qsort(c->area, c->narea, sizeof(*c->area), cmp_group_name);
	if (c->nlevel)
		qsort(c->level, c->nlevel, sizeof(*c->level), cmp_level);
	return true;
}

void ik_counts_free(struct ik_counts *c)
{
	free(c->area);
	free(c->level);
	memset(c, 0, sizeof(*c));
}

/* ---- writing the files ---- */

static const struct {
	unsigned fmt;
	const char *file;
	bool (*write)(FILE *, const struct ik_results *);
} formats[] = {
	{IK_FMT_TEXT, "report.txt", ik_report_text},
	{IK_FMT_JUNIT, "junit.xml", ik_report_junit},
	{IK_FMT_JSON, "report.json", ik_report_json},
	{IK_FMT_HTML, "report.html", ik_report_html},
	{IK_FMT_RESULTS, "results.jsonl", ik_results_write},
};

static bool write_one(const struct ik_results *rs, const char *dir, const char *name,
                      bool (*fn)(FILE *, const struct ik_results *), char *err, size_t errlen)
{
	char path[4096], tmp[4096];
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.%ld.tmp", dir, name, (long)getpid()) >=
	            sizeof(tmp))
		return ik_err(err, errlen, "ik_report_write: path too long: %s", dir);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return ik_err(err, errlen, "ik_report_write: %s: %s", tmp, strerror(errno));
	bool ok = fn(f, rs);
	ok = fflush(f) == 0 && ok && !ferror(f);
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		return ik_err(err, errlen, "ik_report_write: cannot write %s: %s", path,
		              ok ? strerror(e) : "write error");
	}
	return true;
}

bool ik_report_write(const struct ik_results *rs, const char *dir, unsigned fmts, char *err,
                     size_t errlen)
{
	struct stat st;
	if (stat(dir, &st) != 0 && mkdir(dir, 0755) != 0)
		return ik_err(err, errlen, "ik_report_write: cannot create %s: %s", dir,
		              strerror(errno));
	for (size_t i = 0; i < IK_ARRAY_SIZE(formats); i++)
		if ((fmts & formats[i].fmt) &&
		    !write_one(rs, dir, formats[i].file, formats[i].write, err, errlen))
			return false;
	return true;
}

bool ik_report_write_all(const struct ik_results *rs, const char *dir, char *err, size_t errlen)
{
	return ik_report_write(rs, dir, IK_FMT_ALL, err, errlen);
}

/* ---- shards ---- */

static int cmp_result_id(const void *a, const void *b)
{
	return strcmp(((const struct ik_result *)a)->id, ((const struct ik_result *)b)->id);
}

void ik_results_sort(struct ik_results *rs)
{
	if (rs->n > 1)
		qsort(rs->r, rs->n, sizeof(*rs->r), cmp_result_id); /* ids are unique */
}

/* Earliest of two ISO 8601 UTC stamps (they sort as text); "" counts as unknown. */
static const char *earlier(const char *a, const char *b, bool want_earlier)
{
	if (!a[0])
		return b;
	if (!b[0])
		return a;
	return (strcmp(a, b) < 0) == want_earlier ? a : b;
}

bool ik_results_merge(struct ik_results *dst, const struct ik_results *src, char *err,
                      size_t errlen)
{
	struct ik_run_info *d = &dst->run;
	const struct ik_run_info *s = &src->run;
	if (strcmp(d->dut, s->dut))
		return ik_err(err, errlen, "ik_results_merge: results of different DUTs (%s, %s)",
		              d->dut, s->dut);
	for (size_t i = 0; i < src->n; i++)
		if (ik_results_find(dst, src->r[i].id))
			return ik_err(err, errlen,
			              "ik_results_merge: case %s is in two result files (shards "
			              "must not overlap)",
			              src->r[i].id);
	for (size_t i = 0; i < src->n; i++) {
		struct ik_result *r = ik_results_add(dst);
		if (!r)
			return ik_err(err, errlen, "ik_results_merge: out of memory");
		*r = src->r[i];
	}
	char tmp[32];
	snprintf(tmp, sizeof(tmp), "%s", earlier(d->started, s->started, true));
	snprintf(d->started, sizeof(d->started), "%s", tmp);
	snprintf(tmp, sizeof(tmp), "%s", earlier(d->finished, s->finished, false));
	snprintf(d->finished, sizeof(d->finished), "%s", tmp);
	if (s->duration_s > d->duration_s)
		d->duration_s = s->duration_s;
	d->complete = d->complete && s->complete;
	dst->torn = dst->torn || src->torn;
	snprintf(d->shard, sizeof(d->shard), "merged");
	ik_results_sort(dst);
	return true;
}

/* ---- baseline ---- */

size_t ik_report_baseline(FILE *f, const struct ik_results *cur, const struct ik_results *base)
{
	size_t nnew = 0, nfixed = 0, nchanged = 0, ngone = 0;
	for (int pass = 0; pass < 3; pass++) {
		static const char *const heads[] = {"new failures", "fixed",
		                                    "changed verdict or reason"};
		bool printed = false;
		for (size_t i = 0; i < cur->n; i++) {
			const struct ik_result *r = &cur->r[i];
			const struct ik_result *b = ik_results_find(base, r->id);
			bool bad = ik_verdict_bad(r->verdict),
			     was = b && ik_verdict_bad(b->verdict);
			bool hit;
			if (pass == 0)
				hit = bad && !was;
			else if (pass == 1)
				hit = was && !bad;
			else
				hit = b && bad == was &&
				      (r->verdict != b->verdict ||
				       (r->verdict != IK_V_PASS && strcmp(r->reason, b->reason)));
			if (!hit)
				continue;
			if (!printed)
				fprintf(f, "%s:\n", heads[pass]);
			printed = true;
			fprintf(f, "  %-5s %s (was %s)\n", ik_verdict_name(r->verdict), r->id,
			        b ? ik_verdict_name(b->verdict) : "not in the baseline");
			if (pass != 1 && r->reason[0]) {
				fputs("        now: ", f);
				ik_esc_text(f, r->reason);
				fputc('\n', f);
			}
			if (b && b->reason[0] && strcmp(b->reason, r->reason)) {
				fputs("        was: ", f);
				ik_esc_text(f, b->reason);
				fputc('\n', f);
			}
			*(pass == 0 ? &nnew : pass == 1 ? &nfixed : &nchanged) += 1;
		}
	}
	for (size_t i = 0; i < base->n; i++) {
		if (ik_results_find(cur, base->r[i].id))
			continue;
		if (!ngone++)
			fprintf(f, "not in this run:\n");
		fprintf(f, "  %-5s %s (baseline verdict)\n", ik_verdict_name(base->r[i].verdict),
		        base->r[i].id);
	}
	fprintf(f, "baseline: %zu new failures, %zu fixed, %zu changed, %zu not run\n", nnew,
	        nfixed, nchanged, ngone);
	return nnew;
}
