/*
 * report.html: one self-contained file for people (inline CSS and JS, no network fetch, works
 * from file://). The run header is written here, HTML-escaped; everything per case comes from
 * the data island, the report.json document written script-safe (no '<', '>' or '&' in it, so
 * no string from a DUT can close the <script> element), and is rendered by the script with
 * textContent only, never innerHTML, so nothing from a DUT is parsed as markup. The
 * Content-Security-Policy forbids any fetch.
 *
 * The style sheet and the script are reports/assets/report.css and report.js; the Makefile
 * embeds them as ik_html_css and ik_html_js in the generated html_assets.h. The script reads the
 * data island (<script type="application/json" id="ik-data">) and builds the counts, the
 * tables, the filters and, when a case is opened, its ladder.
 *
 * URL fragment: #verdict=FAIL&level=MUST&area=MM&q=text&expand=ID (expand opens one case; the
 * HTML test uses it to see a ladder in the rendered DOM).
 * Element ids the test reads: count-total, count-PASS..count-ERROR, count-area-<area>-<verdict>,
 * count-level-<level>-<verdict>, case-<ID>, detail-<ID>, ladder-<ID>, shown; body[data-ready].
 */
#include "html_assets.h" /* generated: build/gen/reports (Makefile) */
#include "json.h"
#include "report.h"

static void put_dd(FILE *f, const char *label, const char *val)
{
	fprintf(f, "<dt>%s</dt><dd>", label);
	ik_esc_xml(f, val[0] ? val : "-");
	fputs("</dd>", f);
}

static void put_header(FILE *f, const struct ik_results *rs)
{
	const struct ik_run_info *ri = &rs->run;
	char dur[32];
	snprintf(dur, sizeof(dur), "%.3f s", ri->duration_s);
	fputs("<header><h1>ikecheck report: ", f);
	ik_esc_xml(f, ri->dut[0] ? ri->dut : "(no DUT name)");
	fputs("</h1><dl>", f);
	put_dd(f, "DUT", ri->dut);
	put_dd(f, "profile", ri->profile);
	put_dd(f, "version", ri->version);
	put_dd(f, "shard", ri->shard);
	put_dd(f, "started", ri->started);
	put_dd(f, "finished", ri->finished);
	put_dd(f, "duration", dur);
	put_dd(f, "command", ri->args);
	fputs("</dl></header>\n", f);
	if (ri->complete && ri->stopped[0]) {
		fputs("<div class=\"banner\" id=\"stopped\">This run stopped early: ", f);
		ik_esc_xml(f, ri->stopped);
		fputs(". The cases after it are reported as not run.</div>\n", f);
	}
	if (!ri->complete)
		fprintf(f,
		        "<div class=\"banner\" id=\"interrupted\">This run was stopped before it "
		        "ended: the report shows the %zu cases it decided%s.</div>\n",
		        rs->n, rs->torn ? " (the record cut short by the stop is left out)" : "");
}

static const char body_top[] =
	"<div class=\"banner\" id=\"mismatch\" hidden>The counts computed from the cases differ "
	"from the counts stored in the report: the file was edited.</div>\n"
	"<noscript><div class=\"banner\">This report draws its tables with JavaScript; "
	"report.txt next to it has the same content as text.</div></noscript>\n"
	"<main>\n"
	"<h2>Verdicts</h2><div class=\"counts\" id=\"counts\"></div>\n"
	"<div class=\"grids\"><div><h2>By area</h2><table id=\"by-area\"></table></div>\n"
	"<div><h2>By level</h2><table id=\"by-level\"></table></div></div>\n"
	"<h2>Cases</h2>\n"
	"<div class=\"filters\">"
	"<label>verdict <select id=\"f-verdict\"></select></label>"
	"<label>level <select id=\"f-level\"></select></label>"
	"<label>area <select id=\"f-area\"></select></label>"
	"<label>text <input id=\"f-q\" type=\"search\" placeholder=\"id, title, reason, ref\">"
	"</label><span class=\"muted\" id=\"shown\"></span></div>\n"
	"<p class=\"muted\">Click a case to open its message ladder, evidence and pcap.</p>\n"
	"<table id=\"cases\"><thead><tr><th>verdict</th><th>id</th><th>title</th><th>area</th>"
	"<th>level</th><th>reason</th></tr></thead><tbody id=\"case-rows\"></tbody></table>\n"
	"</main>\n";

bool ik_report_html(FILE *f, const struct ik_results *rs)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
	      f);
	fputs("ikecheck: ", f);
	ik_esc_xml(f, rs->run.dut);
	fputs("</title>\n<style>\n", f);
	fputs(ik_html_css, f);
	fputs("</style></head>\n<body>\n", f);
	put_header(f, rs);
	fputs(body_top, f);
	fputs("<script type=\"application/json\" id=\"ik-data\">", f);
	if (!ik_report_json_doc(f, rs, IK_JSON_UTF8 | IK_JSON_SCRIPT_SAFE))
		return false;
	fputs("</script>\n<script>\n", f);
	fputs(ik_html_js, f);
	fputs("</script>\n</body></html>\n", f);
	return !ferror(f);
}
