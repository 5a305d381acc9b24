/*
 * report.json: one document per run for other tools (shape in docs/report-json.md). The "run"
 * object and each element of "cases" have exactly the members of the results.jsonl records
 * (minus "type", plus run.complete), so ik_results_load reads a report.json back too and a
 * baseline can be either file.
 */
#include "json.h"
#include "report.h"

static void put_tally(FILE *f, const struct ik_tally *t)
{
	fprintf(f, "{\"total\":%u", t->total);
	for (unsigned v = 0; v < IK_V__N; v++)
		fprintf(f, ",\"%s\":%u", ik_verdict_name((enum ik_verdict)v), t->v[v]);
	fputc('}', f);
}

static void put_groups(FILE *f, const char *key, const struct ik_group *g, size_t n, unsigned flags)
{
	fprintf(f, ",\n\"%s\":[", key);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",\n {\"name\":\"" : "\n {\"name\":\"", f);
		ik_esc_json(f, g[i].name, flags);
		fputs("\",\"counts\":", f);
		put_tally(f, &g[i].t);
		fputc('}', f);
	}
	fputs(n ? "\n]" : "]", f);
}

bool ik_report_json_doc(FILE *f, const struct ik_results *rs, unsigned flags)
{
	struct ik_counts c;
	if (!ik_counts_make(&c, rs))
		return false;
	fputs("{\"format\":\"ikecheck-report\",\"format_version\":1,\n\"run\":{", f);
	ik_result_json_run(f, &rs->run, flags);
	fprintf(f, ",\"complete\":%s,\"torn\":%s,\"stopped\":\"",
	        rs->run.complete ? "true" : "false", rs->torn ? "true" : "false");
	ik_esc_json(f, rs->run.stopped, 0);
	fputs("\"},\n\"counts\":", f);
	put_tally(f, &c.all);
	put_groups(f, "by_area", c.area, c.narea, flags);
	put_groups(f, "by_level", c.level, c.nlevel, flags);
	fputs(",\n\"cases\":[", f);
	for (size_t i = 0; i < rs->n; i++) {
		fputs(i ? ",\n {" : "\n {", f);
		ik_result_json_case(f, &rs->r[i], flags);
		fputc('}', f);
	}
	fputs(rs->n ? "\n]}\n" : "]}\n", f);
	ik_counts_free(&c);
	return !ferror(f);
}

bool ik_report_json(FILE *f, const struct ik_results *rs)
{
	return ik_report_json_doc(f, rs, IK_JSON_UTF8);
}
