/*
 * libFuzzer target for the result loader and the report writers: any input is loaded or
 * refused with a reason; whatever loads is written back as results.jsonl, and that text loads
 * again and writes the same bytes (the writer and loader agree on every record they accept);
 * every report format renders it without a memory error.
 */
#include "report.h"
#include "result.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *as_jsonl(const struct ik_results *rs, size_t *len)
{
	char *s = NULL;
	FILE *f = open_memstream(&s, len);
	if (!f)
		abort();
	bool ok = ik_result_write_run(f, &rs->run);
	for (size_t i = 0; i < rs->n; i++)
		ok = ok && ik_result_write_case(f, &rs->r[i]);
	if (rs->run.complete)
		ok = ok &&
		     ik_result_write_end(f, rs->run.finished, rs->run.duration_s, rs->run.stopped);
	fclose(f);
	if (!ok)
		abort();
	return s;
}

static void render_all(const struct ik_results *rs)
{
	bool (*const fns[])(FILE *, const struct ik_results *) = {ik_report_text, ik_report_junit,
	                                                          ik_report_json, ik_report_html};
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		char *s = NULL;
		size_t n;
		FILE *f = open_memstream(&s, &n);
		if (!f || !fns[i](f, rs))
			abort();
		fclose(f);
		free(s);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ik_results rs = {0}, again = {0};
	char err[512] = "";
	if (!ik_results_load_mem(&rs, "fuzz", (const char *)data, size, err, sizeof(err))) {
		if (!err[0])
			abort(); /* a refusal must say why */
		return 0;
	}
	size_t n1, n2;
	char *t1 = as_jsonl(&rs, &n1);
	if (!ik_results_load_mem(&again, "again", t1, n1, err, sizeof(err))) {
		fprintf(stderr, "written records do not load: %s\n", err);
		abort();
	}
	char *t2 = as_jsonl(&again, &n2);
	if (n1 != n2 || memcmp(t1, t2, n1)) {
		fprintf(stderr, "write/load/write differs\n");
		abort();
	}
	render_all(&rs);
	free(t1);
	free(t2);
	ik_results_free(&rs);
	ik_results_free(&again);
	return 0;
}
