/*
 * JUnit XML (junit.xml) for CI systems, in the Jenkins/Ant dialect that reports/junit.xsd
 * describes: one <testsuite> per area, one <testcase> per case with classname = the area and
 * name = "ID title".
 *
 * Verdicts: FAIL -> <failure message="reason">, ERROR -> <error message="reason">, SKIP ->
 * <skipped message="reason">. WARN has no JUnit equivalent; a WARN is a case that passed with a
 * remark (a SHOULD not met, a lenient choice), so it is reported as passed, with a line
 * "WARN: reason" at the top of its <system-out>: a CI job stays green on warnings and the
 * remark is still in the log. Everything that explains a verdict (level, references, expected
 * and observed, where it stopped, hint, mutation, notifies, ladder, evidence) is in
 * <system-out>.
 */
#include "json.h"
#include "report.h"
#include "report_util.h"

#include <ctype.h>
#include <math.h>
#include <string.h>

/* JUnit times are non-negative decimals (junit.xsd): a clock step back shows as 0. */
static double secs(double s)
{
	return isfinite(s) && s > 0 ? s : 0.0;
}

static void attr(FILE *f, const char *name, const char *val)
{
	fprintf(f, " %s=\"", name);
	ik_esc_xml(f, val);
	fputc('"', f);
}

static void put_counts_attrs(FILE *f, const struct ik_tally *t)
{
	fprintf(f, " tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"%u\" time=\"%.3f\"",
	        t->total, t->v[IK_V_FAIL], t->v[IK_V_ERROR], t->v[IK_V_SKIP], secs(t->time_s));
}

/* xs:dateTime as the runner writes it: YYYY-MM-DDTHH:MM:SS, optional fraction, optional Z. */
static bool is_datetime(const char *s)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:dd";
	size_t i;
	for (i = 0; pat[i]; i++)
		if (pat[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != pat[i])
			return false;
	if (s[i] == '.') {
		if (!isdigit((unsigned char)s[++i]))
			return false;
		while (isdigit((unsigned char)s[i]))
			i++;
	}
	if (s[i] == 'Z')
		i++;
	return s[i] == 0;
}

static void put_line(FILE *f, const char *label, const char *val)
{
	if (!val[0])
		return;
	fprintf(f, "%s: ", label);
	ik_esc_xml(f, val);
	fputc('\n', f);
}

static void put_ladder(FILE *f, const struct ik_result *r)
{
	if (!r->nladder)
		return;
	fputs("ladder (--&gt; tester to DUT, &lt;-- DUT to tester; [state after it]):\n", f);
	for (size_t i = 0; i < r->nladder && i < IK_RESULT_MAX_RUNGS; i++) {
		const struct ik_result_rung *g = &r->ladder[i];
		fprintf(f, "  %8.3f  %s ", g->t_s, g->sent ? "--&gt;" : "&lt;--");
		ik_esc_xml(f, g->msg);
		if (g->payloads[0]) {
			fputs("  ", f);
			ik_esc_xml(f, g->payloads);
		}
		if (g->state[0]) {
			fputs("  [", f);
			ik_esc_xml(f, g->state);
			fputc(']', f);
		}
		if (g->notify[0]) {
			fputs("  notify ", f);
			ik_esc_xml(f, g->notify);
		}
		if (g->retransmit)
			fputs("  (retransmit)", f);
		if (g->note[0]) {
			fputs("  ", f);
			ik_esc_xml(f, g->note);
		}
		fputc('\n', f);
	}
}

static void put_system_out(FILE *f, const struct ik_result *r)
{
	fputs("      <system-out>", f);
	if (r->verdict == IK_V_WARN)
		put_line(f, "WARN", r->reason[0] ? r->reason : "(no reason given)");
	put_line(f, "level", r->level);
	put_line(f, "ref", r->ref);
	put_line(f, "binds", r->binds);
	put_line(f, "req", r->req);
	put_line(f, "expected", r->expected);
	put_line(f, "observed", r->observed);
	put_line(f, "where", r->where);
	put_line(f, "hint", r->hint);
	put_line(f, "mutation", r->mutation);
	put_line(f, "notify", r->notify);
	put_line(f, "pcap", r->pcap);
	put_ladder(f, r);
	if (r->evidence[0]) {
		fputs("evidence:\n", f);
		ik_esc_xml(f, r->evidence);
		fputc('\n', f);
	}
	fputs("</system-out>\n", f);
}

static void put_case(FILE *f, const struct ik_result *r)
{
	char name[sizeof(r->id) + sizeof(r->title) + 2];
	snprintf(name, sizeof(name), "%s%s%s", r->id, r->title[0] ? " " : "", r->title);
	fputs("    <testcase", f);
	attr(f, "classname", r->area[0] ? r->area : "-");
	attr(f, "name", name);
	fprintf(f, " time=\"%.3f\">\n", secs(r->duration_s));
	static const char *const elem[IK_V__N] = {
		[IK_V_FAIL] = "failure", [IK_V_ERROR] = "error", [IK_V_SKIP] = "skipped"};
	const char *e = (unsigned)r->verdict < IK_V__N ? elem[r->verdict] : NULL;
	if (e) {
		fprintf(f, "      <%s", e);
		attr(f, "message", r->reason);
		if (r->verdict != IK_V_SKIP) {
			attr(f, "type", ik_verdict_name(r->verdict));
			fputc('>', f);
			put_line(f, "where", r->where);
			put_line(f, "hint", r->hint);
			fprintf(f, "</%s>\n", e);
		} else {
			fputs("/>\n", f);
		}
	}
	put_system_out(f, r);
	fputs("    </testcase>\n", f);
}

static void put_properties(FILE *f, const struct ik_results *rs)
{
	const struct ik_run_info *ri = &rs->run;
	const struct {
		const char *name, *val;
	} props[] = {
		{"dut", ri->dut},           {"profile", ri->profile},
		{"version", ri->version},   {"started", ri->started},
		{"finished", ri->finished}, {"shard", ri->shard},
		{"command", ri->args},      {"complete", ri->complete ? "true" : "false"},
		{"stopped", ri->stopped},
	};
	fputs("    <properties>\n", f);
	for (size_t i = 0; i < IK_ARRAY_SIZE(props); i++) {
		if (!props[i].val[0])
			continue;
		fputs("      <property", f);
		attr(f, "name", props[i].name);
		attr(f, "value", props[i].val);
		fputs("/>\n", f);
	}
	fputs("    </properties>\n", f);
}

bool ik_report_junit(FILE *f, const struct ik_results *rs)
{
	struct ik_counts c;
	if (!ik_counts_make(&c, rs))
		return false;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	      "<!-- ikecheck: WARN cases are reported as passed with \"WARN: reason\" in their "
	      "system-out (docs/reports.md) -->\n",
	      f);
	fputs("<testsuites name=\"ikecheck\"", f);
	/* The run's wall time, not the sum of the cases' (they run in parallel). */
	if (rs->run.duration_s > 0)
		c.all.time_s = rs->run.duration_s;
	put_counts_attrs(f, &c.all);
	fputs(">\n", f);
	for (size_t a = 0; a < c.narea; a++) {
		fputs("  <testsuite", f);
		attr(f, "name", c.area[a].name);
		put_counts_attrs(f, &c.area[a].t);
		fprintf(f, " id=\"%zu\" package=\"ikecheck\"", a);
		if (is_datetime(rs->run.started))
			attr(f, "timestamp", rs->run.started);
		fputs(">\n", f);
		put_properties(f, rs);
		for (size_t i = 0; i < rs->n; i++) {
			const char *area = rs->r[i].area[0] ? rs->r[i].area : "-";
			if (!strcmp(area, c.area[a].name))
				put_case(f, &rs->r[i]);
		}
		fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
	ik_counts_free(&c);
	return !ferror(f);
}
