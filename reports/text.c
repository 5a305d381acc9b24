/*
 * The text summary (report.txt and the end of a run on stdout) and the live progress line.
 * Every string from a record goes through ik_esc_text: a DUT's vendor ID text must not be able
 * to send escape sequences to the operator's terminal.
 */
#include "json.h"
#include "report.h"
#include "report_util.h"

#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Area and level names come from case files; shown padded, control bytes as '?'. */
static void put_tally_row(FILE *f, const char *name, const struct ik_tally *t)
{
	char safe[40];
	snprintf(safe, sizeof(safe), "%s", name);
	for (char *p = safe; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	fprintf(f, "  %-16s %6u", safe, t->total);
	for (unsigned v = 0; v < IK_V__N; v++)
		fprintf(f, " %5u", t->v[v]);
	fputc('\n', f);
}

static void put_table(FILE *f, const char *title, const struct ik_group *g, size_t n)
{
	fprintf(f, "%-18s %6s", title, "total");
	for (unsigned v = 0; v < IK_V__N; v++)
		fprintf(f, " %5s", ik_verdict_name((enum ik_verdict)v));
	fputc('\n', f);
	for (size_t i = 0; i < n; i++)
		put_tally_row(f, g[i].name, &g[i].t);
}

static void put_field(FILE *f, const char *label, const char *val)
{
	if (!val[0])
		return;
	fprintf(f, "  %-9s ", label);
	ik_esc_text(f, val);
	fputc('\n', f);
}

static void put_header(FILE *f, const struct ik_results *rs)
{
	const struct ik_run_info *ri = &rs->run;
	fputs("ikecheck report\n", f);
	put_field(f, "DUT", ri->dut);
	put_field(f, "profile", ri->profile);
	put_field(f, "version", ri->version);
	put_field(f, "started", ri->started);
	put_field(f, "finished", ri->finished);
	fprintf(f, "  %-9s %.3f s\n", "duration", ri->duration_s);
	put_field(f, "shard", ri->shard);
	put_field(f, "command", ri->args);
	if (ri->complete && ri->stopped[0])
		fprintf(f, "  %-9s STOPPED EARLY: %s\n", "status", ri->stopped);
	else if (ri->complete)
		fprintf(f, "  %-9s complete\n", "status");
	else
		fprintf(f,
		        "  %-9s INTERRUPTED: no end record, the run was stopped; these are the "
		        "%zu cases it decided\n",
		        "status", rs->n);
	if (rs->torn)
		fprintf(f, "  %-9s the last record was cut short by the stop and is left out\n",
		        "note");
}

static void put_case(FILE *f, const struct ik_result *r)
{
	fprintf(f, "%-5s ", ik_verdict_name(r->verdict));
	ik_esc_text(f, r->id);
	fputs("  ", f);
	ik_esc_text(f, r->title);
	fputc('\n', f);
	static const struct {
		const char *label;
		size_t off;
	} fields[] = {
		{"level", offsetof(struct ik_result, level)},
		{"ref", offsetof(struct ik_result, ref)},
		{"binds", offsetof(struct ik_result, binds)},
		{"reason", offsetof(struct ik_result, reason)},
		{"expected", offsetof(struct ik_result, expected)},
		{"observed", offsetof(struct ik_result, observed)},
		{"where", offsetof(struct ik_result, where)},
		{"hint", offsetof(struct ik_result, hint)},
		{"mutation", offsetof(struct ik_result, mutation)},
		{"notify", offsetof(struct ik_result, notify)},
		{"pcap", offsetof(struct ik_result, pcap)},
	};
	for (size_t i = 0; i < IK_ARRAY_SIZE(fields); i++) {
		const char *v = (const char *)r + fields[i].off;
		if (!v[0])
			continue;
		fprintf(f, "      %-9s ", fields[i].label);
		ik_esc_text(f, v);
		fputc('\n', f);
	}
}

bool ik_report_text(FILE *f, const struct ik_results *rs)
{
	struct ik_counts c;
	if (!ik_counts_make(&c, rs))
		return false;
	put_header(f, rs);
	fprintf(f, "\n%u cases:", c.all.total);
	for (unsigned v = 0; v < IK_V__N; v++)
		fprintf(f, " %s %u%s", ik_verdict_name((enum ik_verdict)v), c.all.v[v],
		        v + 1 < IK_V__N ? "," : "\n");
	fputc('\n', f);
	put_table(f, "by area", c.area, c.narea);
	put_table(f, "by level", c.level, c.nlevel);
	size_t bad = c.all.total - c.all.v[IK_V_PASS];
	fprintf(f, "\nnot passed: %zu\n", bad);
	for (size_t i = 0; i < rs->n; i++)
		if (rs->r[i].verdict != IK_V_PASS)
			put_case(f, &rs->r[i]);
	ik_counts_free(&c);
	return !ferror(f);
}

/* ---- the live line ---- */

static unsigned term_width(FILE *f)
{
	struct winsize ws;
	if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}

void ik_report_progress(FILE *f, bool tty, size_t done, size_t total, const struct ik_result *r)
{
	if (!tty)
		return;
	char line[512];
	int n = snprintf(line, sizeof(line), "[%*zu/%zu] %-5s %s %s", total >= 100 ? 3 : 2, done,
	                 total, ik_verdict_name(r->verdict), r->id, r->title);
	if (n < 0)
		return;
	/* One screen line: cut at the terminal width, control bytes shown as '?'. */
	unsigned w = term_width(f) - 1;
	if ((unsigned)n > w)
		line[w] = 0;
	for (char *p = line; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
			*p = '?';
	fprintf(f, "\r%s\033[K", line);
	/* A case that did not pass stays on screen; the next line overwrites a PASS. */
	if (r->verdict != IK_V_PASS)
		fputc('\n', f);
	fflush(f);
}

void ik_report_progress_end(FILE *f, bool tty)
{
	if (!tty)
		return;
	fputs("\r\033[K", f);
	fflush(f);
}
