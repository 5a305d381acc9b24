/*
 * Result records (result.h): the JSON Lines writer the runner calls as each verdict is reached,
 * and the loader every report starts from. One table of fields per record kind drives both the
 * writer and the reader, so a field cannot be written under one name and read under another.
 * docs/results-format.md documents the fields.
 */
#include "result.h"
#include "json.h"
#include "report_util.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char *const verdict_names[IK_V__N] = {
	[IK_V_PASS] = "PASS", [IK_V_FAIL] = "FAIL",   [IK_V_WARN] = "WARN",
	[IK_V_SKIP] = "SKIP", [IK_V_ERROR] = "ERROR",
};

const char *ik_verdict_name(enum ik_verdict v)
{
	return (unsigned)v < IK_V__N ? verdict_names[v] : "?";
}

bool ik_verdict_parse(const char *s, enum ik_verdict *v)
{
	for (unsigned i = 0; i < IK_V__N; i++)
		if (!strcasecmp(s, verdict_names[i])) {
			*v = (enum ik_verdict)i;
			return true;
		}
	return false;
}

/* ---- the field tables ---- */

enum fkind { F_STR, F_DBL, F_BOOL, F_VERDICT };

struct field {
	const char *key;
	enum fkind kind;
	size_t off, size;
};

#define FS(st, m)                                                              \
	{                                                                      \
#m, F_STR, offsetof(struct st, m), sizeof(((struct st *)0)->m) \
	}
#define FD(st, m)                                                 \
	{                                                         \
#m, F_DBL, offsetof(struct st, m), sizeof(double) \
	}
#define FB(st, m)                                                \
	{                                                        \
#m, F_BOOL, offsetof(struct st, m), sizeof(bool) \
	}

/* {"type":"run", ...}: "complete" is not on the line, it means an "end" record was seen. */
static const struct field run_fields[] = {
	FS(ik_run_info, dut),     FS(ik_run_info, profile),  FS(ik_run_info, version),
	FS(ik_run_info, started), FS(ik_run_info, finished), FD(ik_run_info, duration_s),
	FS(ik_run_info, args),    FS(ik_run_info, shard),
};

static const struct field rung_fields[] = {
	FD(ik_result_rung, t_s),        FB(ik_result_rung, sent),     FS(ik_result_rung, msg),
	FS(ik_result_rung, state),      FS(ik_result_rung, payloads), FS(ik_result_rung, notify),
	FB(ik_result_rung, retransmit), FS(ik_result_rung, note),
};

/* {"type":"case", ...}: in this order, then "ladder": [rung, ...]. */
static const struct field case_fields[] = {
	FS(ik_result, id),
	FS(ik_result, title),
	FS(ik_result, area),
	FS(ik_result, level),
	{"verdict", F_VERDICT, offsetof(struct ik_result, verdict), 0},
	FS(ik_result, ref),
	FS(ik_result, binds),
	FS(ik_result, req),
	FS(ik_result, reason),
	FS(ik_result, expected),
	FS(ik_result, observed),
	FS(ik_result, where),
	FS(ik_result, hint),
	FS(ik_result, mutation),
	FS(ik_result, notify),
	FS(ik_result, evidence),
	FS(ik_result, pcap),
	FD(ik_result, started_s),
	FD(ik_result, duration_s),
};

/* ---- writing ---- */

static void put_num(FILE *f, double d)
{
	fprintf(f, "%.3f", isfinite(d) ? d : 0.0);
}

static void put_fields(FILE *f, const struct field *t, size_t n, const void *base, bool first,
                       unsigned flags)
{
	const char *b = base;
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%s\"%s\":", first && i == 0 ? "" : ",", t[i].key);
		switch (t[i].kind) {
		case F_STR:
			fputc('"', f);
			ik_esc_json(f, b + t[i].off, flags);
			fputc('"', f);
			break;
		case F_DBL: put_num(f, *(const double *)(const void *)(b + t[i].off)); break;
		case F_BOOL: fputs(*(const bool *)(b + t[i].off) ? "true" : "false", f); break;
		case F_VERDICT:
			fprintf(f, "\"%s\"",
			        ik_verdict_name(
					*(const enum ik_verdict *)(const void *)(b + t[i].off)));
			break;
		}
	}
}

void ik_result_json_run(FILE *f, const struct ik_run_info *ri, unsigned flags)
{
	put_fields(f, run_fields, IK_ARRAY_SIZE(run_fields), ri, true, flags);
}

void ik_result_json_case(FILE *f, const struct ik_result *r, unsigned flags)
{
	put_fields(f, case_fields, IK_ARRAY_SIZE(case_fields), r, true, flags);
	fputs(",\"ladder\":[", f);
	size_t n = r->nladder < IK_RESULT_MAX_RUNGS ? r->nladder : IK_RESULT_MAX_RUNGS;
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",{" : "{", f);
		put_fields(f, rung_fields, IK_ARRAY_SIZE(rung_fields), &r->ladder[i], true, flags);
		fputc('}', f);
	}
	fputc(']', f);
}

/*
 * The line is built in memory and handed to the file in one fwrite, then flushed and fsynced:
 * a kill leaves at most one torn line, the last, which the loader ignores.
 */
static bool emit_line(FILE *f, char *line, size_t len)
{
	bool ok = line && fwrite(line, 1, len, f) == len && fflush(f) == 0;
	free(line);
	if (!ok) {
		fprintf(stderr, "ik_result_write: cannot write a result record: %s\n",
		        strerror(errno));
		return false;
	}
	int fd = fileno(f);
	/* Pipes, terminals and memory streams cannot be synced; that is not a failure. */
	if (fd >= 0 && fsync(fd) != 0 && errno != EINVAL && errno != EROFS) {
		fprintf(stderr, "ik_result_write: fsync: %s\n", strerror(errno));
		return false;
	}
	return true;
}

/* The three lines, written to any stream. */
static void line_run(FILE *m, const struct ik_run_info *ri)
{
	fputs("{\"type\":\"run\",", m);
	ik_result_json_run(m, ri, 0);
	fputs("}\n", m);
}

static void line_case(FILE *m, const struct ik_result *r)
{
	fputs("{\"type\":\"case\",", m);
	ik_result_json_case(m, r, 0);
	fputs("}\n", m);
}

static void line_end(FILE *m, const char *finished, double duration_s, const char *stopped)
{
	fputs("{\"type\":\"end\",\"finished\":\"", m);
	ik_esc_json(m, finished ? finished : "", 0);
	fputs("\",\"duration_s\":", m);
	put_num(m, duration_s);
	if (stopped && stopped[0]) {
		fputs(",\"stopped\":\"", m);
		ik_esc_json(m, stopped, 0);
		fputc('"', m);
	}
	fputs("}\n", m);
}

/* One record built in memory by fn, then emitted (see emit_line). */
#define WRITE_LINE(f, call)                            \
	do {                                           \
		char *line = NULL;                     \
		size_t len = 0;                        \
		FILE *m = open_memstream(&line, &len); \
		if (!m)                                \
			return false;                  \
		call;                                  \
		fclose(m);                             \
		return emit_line(f, line, len);        \
	} while (0)

bool ik_result_write_run(FILE *f, const struct ik_run_info *ri)
{
	WRITE_LINE(f, line_run(m, ri));
}

bool ik_result_write_case(FILE *f, const struct ik_result *r)
{
	WRITE_LINE(f, line_case(m, r));
}

bool ik_result_write_end(FILE *f, const char *finished, double duration_s, const char *stopped)
{
	WRITE_LINE(f, line_end(m, finished, duration_s, stopped));
}

bool ik_results_write(FILE *f, const struct ik_results *rs)
{
	/* The run line as the runner writes it, before the end is known. */
	struct ik_run_info start = rs->run;
	start.finished[0] = 0;
	start.duration_s = 0;
	line_run(f, &start);
	for (size_t i = 0; i < rs->n; i++)
		line_case(f, &rs->r[i]);
	if (rs->run.complete)
		line_end(f, rs->run.finished, rs->run.duration_s, rs->run.stopped);
	return !ferror(f);
}

/* ---- reading ---- */

/* Fill base from the members of object o by table t; keys in `extra` are the caller's. */
static bool map_object(const struct ik_json *o, const struct field *t, size_t n, void *base,
                       const char *const *extra, char *err, size_t errlen)
{
	char *b = base;
	if (o->kind != IK_J_OBJ)
		return ik_err(err, errlen, "expected an object, got %s",
		              ik_json_kind_name(o->kind));
	for (size_t k = 0; k < o->n; k++) {
		const char *key = o->keys[k];
		const struct ik_json *v = &o->kids[k];
		const struct field *fd = NULL;
		for (size_t i = 0; i < n && !fd; i++)
			if (!strcmp(t[i].key, key))
				fd = &t[i];
		if (!fd) {
			bool known = false;
			for (size_t i = 0; extra && extra[i] && !known; i++)
				known = !strcmp(extra[i], key);
			if (known)
				continue;
			return ik_err(err, errlen, "unknown field \"%s\"", key);
		}
		enum ik_json_kind want = fd->kind == F_DBL    ? IK_J_NUM
		                         : fd->kind == F_BOOL ? IK_J_BOOL
		                                              : IK_J_STR;
		if (v->kind != want)
			return ik_err(err, errlen, "field \"%s\" must be a %s, not a %s", key,
			              ik_json_kind_name(want), ik_json_kind_name(v->kind));
		switch (fd->kind) {
		case F_STR:
			if (v->len >= fd->size)
				return ik_err(err, errlen, "field \"%s\" is %zu bytes, at most %zu",
				              key, v->len, fd->size - 1);
			memcpy(b + fd->off, v->str, v->len + 1);
			break;
		case F_DBL:
			if (!isfinite(v->num))
				return ik_err(err, errlen, "field \"%s\" is out of range", key);
			memcpy(b + fd->off, &v->num, sizeof(double));
			break;
		case F_BOOL: *(bool *)(b + fd->off) = v->b; break;
		case F_VERDICT:
			if (!ik_verdict_parse(v->str, (enum ik_verdict *)(void *)(b + fd->off)))
				return ik_err(err, errlen, "unknown verdict \"%s\"", v->str);
			break;
		}
	}
	return true;
}

struct ik_result *ik_results_add(struct ik_results *rs)
{
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 64;
		void *p = realloc(rs->r, cap * sizeof(*rs->r));
		if (!p)
			return NULL;
		rs->r = p;
		rs->cap = cap;
	}
	memset(&rs->r[rs->n], 0, sizeof(rs->r[0]));
	return &rs->r[rs->n++];
}

const struct ik_result *ik_results_find(const struct ik_results *rs, const char *id)
{
	for (size_t i = 0; i < rs->n; i++)
		if (!strcmp(rs->r[i].id, id))
			return &rs->r[i];
	return NULL;
}

static bool map_case(struct ik_results *rs, const struct ik_json *o, char *err, size_t errlen)
{
	static const char *const extra[] = {"type", "ladder", NULL};
	struct ik_result *r = ik_results_add(rs);
	if (!r)
		return ik_err(err, errlen, "out of memory");
	if (!map_object(o, case_fields, IK_ARRAY_SIZE(case_fields), r, extra, err, errlen)) {
		rs->n--;
		return false;
	}
	if (!r->id[0] || !ik_json_get(o, "verdict"))
		return ik_err(err, errlen, "a case record needs \"id\" and \"verdict\"");
	for (size_t i = 0; i + 1 < rs->n; i++)
		if (!strcmp(rs->r[i].id, r->id))
			return ik_err(err, errlen, "case %s appears twice", r->id);
	const struct ik_json *l = ik_json_get(o, "ladder");
	if (!l)
		return true;
	if (l->kind != IK_J_ARR)
		return ik_err(err, errlen, "field \"ladder\" must be an array");
	if (l->n > IK_RESULT_MAX_RUNGS)
		return ik_err(err, errlen, "ladder has %zu rungs, at most %d", l->n,
		              IK_RESULT_MAX_RUNGS);
	for (size_t i = 0; i < l->n; i++) {
		char e2[200];
		if (!map_object(&l->kids[i], rung_fields, IK_ARRAY_SIZE(rung_fields), &r->ladder[i],
		                NULL, e2, sizeof(e2)))
			return ik_err(err, errlen, "ladder rung %zu: %s", i, e2);
	}
	r->nladder = l->n;
	return true;
}

static bool map_run(struct ik_results *rs, const struct ik_json *o, char *err, size_t errlen)
{
	static const char *const extra[] = {"type", "complete", "torn", "stopped", NULL};
	if (!map_object(o, run_fields, IK_ARRAY_SIZE(run_fields), &rs->run, extra, err, errlen))
		return false;
	const struct ik_json *s = ik_json_get(o, "stopped");
	if (s && s->kind != IK_J_STR)
		return ik_err(err, errlen, "field \"stopped\" must be a string");
	if (s)
		snprintf(rs->run.stopped, sizeof(rs->run.stopped), "%s", s->str);
	const struct ik_json *c = ik_json_get(o, "complete");
	if (c && c->kind != IK_J_BOOL)
		return ik_err(err, errlen, "field \"complete\" must be a boolean");
	rs->run.complete = c && c->b;
	const struct ik_json *t = ik_json_get(o, "torn");
	if (t && t->kind != IK_J_BOOL)
		return ik_err(err, errlen, "field \"torn\" must be a boolean");
	rs->torn = t && t->b;
	return true;
}

/* One line of results.jsonl; *seen_run / *seen_end track the order of the records. */
static bool load_line(struct ik_results *rs, const struct ik_json *o, bool *seen_run,
                      bool *seen_end, char *err, size_t errlen)
{
	const struct ik_json *t = ik_json_get(o, "type");
	if (!t || t->kind != IK_J_STR)
		return ik_err(err, errlen, "a record needs a \"type\" string");
	if (!strcmp(t->str, "run")) {
		if (*seen_run)
			return ik_err(err, errlen, "a second \"run\" record (one run per file)");
		*seen_run = true;
		return map_run(rs, o, err, errlen);
	}
	if (!*seen_run)
		return ik_err(err, errlen, "a \"%s\" record before the \"run\" record", t->str);
	if (*seen_end)
		return ik_err(err, errlen, "a record after the \"end\" record");
	if (!strcmp(t->str, "case"))
		return map_case(rs, o, err, errlen);
	if (strcmp(t->str, "end"))
		return ik_err(err, errlen, "unknown record type \"%s\"", t->str);
	static const struct field end_fields[] = {
		FS(ik_run_info, finished), FD(ik_run_info, duration_s), FS(ik_run_info, stopped)};
	static const char *const extra[] = {"type", NULL};
	*seen_end = true;
	rs->run.complete = true;
	return map_object(o, end_fields, IK_ARRAY_SIZE(end_fields), &rs->run, extra, err, errlen);
}

static bool load_jsonl(struct ik_results *rs, const char *path, const char *buf, size_t len,
                       char *err, size_t errlen)
{
	bool seen_run = false, seen_end = false;
	size_t lineno = 0;
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;
		lineno++;
		const char *s = buf + pos;
		size_t sl = end - pos;
		pos = end + 1;
		size_t blank = 0;
		while (blank < sl && (s[blank] == ' ' || s[blank] == '\t' || s[blank] == '\r'))
			blank++;
		if (blank == sl)
			continue; /* a blank line */
		struct ik_json o;
		char e[200];
		if (!ik_json_parse(s, sl, &o, e, sizeof(e))) {
			if (!nl) {
				/* The last line, cut short: the record being written when the
				 * run died (emit_line writes a line and its newline at once). */
				rs->torn = true;
				break;
			}
			return ik_err(err, errlen, "%s:%zu: %s", path, lineno, e);
		}
		bool ok = load_line(rs, &o, &seen_run, &seen_end, e, sizeof(e));
		ik_json_free(&o);
		if (!ok)
			return ik_err(err, errlen, "%s:%zu: %s", path, lineno, e);
	}
	if (!seen_run)
		return ik_err(err, errlen, "%s: no \"run\" record%s", path,
		              rs->torn ? " (only a torn line)" : "");
	return true;
}

/* report.json: {"format":"ikecheck-report", "run":{...}, "cases":[...], ...}. */
static bool load_report_json(struct ik_results *rs, const char *path, const struct ik_json *d,
                             char *err, size_t errlen)
{
	const struct ik_json *run = ik_json_get(d, "run"), *cases = ik_json_get(d, "cases");
	char e[200];
	if (!run || !cases || cases->kind != IK_J_ARR)
		return ik_err(err, errlen, "%s: a report.json needs \"run\" and a \"cases\" array",
		              path);
	if (!map_run(rs, run, e, sizeof(e)))
		return ik_err(err, errlen, "%s: run: %s", path, e);
	for (size_t i = 0; i < cases->n; i++)
		if (!map_case(rs, &cases->kids[i], e, sizeof(e)))
			return ik_err(err, errlen, "%s: cases[%zu]: %s", path, i, e);
	return true;
}

static char *slurp(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		ik_err(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	char *buf = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		if (n + 65536 + 1 > cap) {
			cap = cap ? cap * 2 : 1 << 16;
			char *p = realloc(buf, cap + 65536 + 1);
			if (!p) {
				free(buf);
				fclose(f);
				ik_err(err, errlen, "%s: out of memory", path);
				return NULL;
			}
			buf = p;
		}
		size_t got = fread(buf + n, 1, 65536, f);
		n += got;
		if (got < 65536)
			break;
	}
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		ik_err(err, errlen, "%s: read error", path);
		return NULL;
	}
	buf[n] = 0;
	*len = n;
	return buf;
}

bool ik_results_load(struct ik_results *rs, const char *path, char *err, size_t errlen)
{
	size_t len;
	char *buf = slurp(path, &len, err, errlen);
	if (!buf)
		return false;
	bool ok = ik_results_load_mem(rs, path, buf, len, err, errlen);
	free(buf);
	return ok;
}

bool ik_results_load_mem(struct ik_results *rs, const char *path, const char *buf, size_t len,
                         char *err, size_t errlen)
{
	if (memchr(buf, 0, len))
		return ik_err(err, errlen, "%s: contains a NUL byte: not a result file", path);
	/* A report.json is one document with "format"; a results.jsonl is one per line. */
	struct ik_json d;
	char e[200];
	bool ok;
	if (ik_json_parse(buf, len, &d, e, sizeof(e)) && ik_json_get(&d, "format")) {
		const struct ik_json *fm = ik_json_get(&d, "format");
		if (fm->kind != IK_J_STR || strcmp(fm->str, "ikecheck-report"))
			ok = ik_err(err, errlen, "%s: not an ikecheck report (format)", path);
		else
			ok = load_report_json(rs, path, &d, err, errlen);
	} else {
		ok = load_jsonl(rs, path, buf, len, err, errlen);
	}
	ik_json_free(&d);
	if (!ok)
		ik_results_free(rs);
	return ok;
}

void ik_results_free(struct ik_results *rs)
{
	free(rs->r);
	memset(rs, 0, sizeof(*rs));
}
