/*
 * ikecheck report DIR [--format text|junit|json|html|all] [--merge DIR2 ...] [--baseline FILE]
 *                     [--out DIR] [--quiet]
 *
 * Re-renders the reports of a run from DIR/results.jsonl (DIR may also name a results.jsonl or
 * report.json file): report.txt, junit.xml, report.json, report.html into DIR (or --out). The
 * text summary goes to stdout unless --quiet. --merge joins the results of shards (--shard I/N)
 * into one report. --baseline compares with a previous results.jsonl or report.json.
 * Exit (docs/reports.md): without --baseline 0 when no case is FAIL or ERROR, else 1; with
 * --baseline 0 when there is no new failure, else 1; 2 for bad usage or unreadable results.
 */
#include "cli.h"
#include "cli_opts.h"
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_MERGE 64

static const struct {
	const char *name;
	unsigned bits;
} format_names[] = {
	{"text", IK_FMT_TEXT}, {"junit", IK_FMT_JUNIT}, {"json", IK_FMT_JSON},
	{"html", IK_FMT_HTML}, {"all", IK_FMT_ALL},
};

static bool parse_formats(void *dst, const char *s, char *why, size_t n)
{
	unsigned *bits = dst;
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", s);
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		size_t i;
		for (i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++)
			if (!strcmp(t, format_names[i].name))
				break;
		if (i == sizeof(format_names) / sizeof(format_names[0])) {
			snprintf(why, n, "unknown format '%s' (text, junit, json, html, all)", t);
			return false;
		}
		*bits |= format_names[i].bits;
	}
	return true;
}

struct merges {
	const char *dir[MAX_MERGE];
	size_t n;
};

struct opts {
	const char *dir, *out, *baseline;
	struct merges merge;
	unsigned formats;
	bool quiet;
};

static bool add_merge(void *dst, const char *val, char *why, size_t n)
{
	struct merges *m = dst;
	if (m->n == MAX_MERGE) {
		snprintf(why, n, "at most %d --merge", MAX_MERGE);
		return false;
	}
	m->dir[m->n++] = val;
	return true;
}

static const struct ik_opt opts[] = {
	IK_SET("format", 0, "F", struct opts, formats, parse_formats,
               "only that format: text, junit, json, html or all\n"
               "(repeatable, or comma-separated)"),
	IK_SET("merge", 0, "DIR2", struct opts, merge, add_merge,
               "add the results of another shard of the same run (repeatable);\n"
               "needs --out, which also gets the joined results.jsonl"),
	IK_STR("baseline", 0, "FILE", struct opts, baseline,
               "compare with a previous results.jsonl or report.json"),
	IK_STR("out", 0, "DIR", struct opts, out, "write the reports here instead of into DIR"),
	IK_OPT_END,
};

static const struct ik_cmd_spec spec = {
	.verb = "report",
	.synopsis = "DIR [options]",
	.opts = opts,
	.min_pos = 1,
	.max_pos = 1,
	.quiet = "do not print the text summary on stdout",
	.more = "Reads DIR/results.jsonl (or DIR given as a results.jsonl / report.json file) and\n"
		"writes report.txt, junit.xml, report.json and report.html into DIR or --out.\n"
		"Exit: 0 no FAIL/ERROR (with --baseline: no new failure), 1 otherwise, 2 error.\n",
};

/* DIR -> DIR/results.jsonl; a file is taken as it is. outdir gets the directory. */
static void resolve(const char *arg, char *path, size_t plen, char *dir, size_t dlen)
{
	struct stat st;
	if (stat(arg, &st) == 0 && S_ISREG(st.st_mode)) {
		snprintf(path, plen, "%s", arg);
		const char *slash = strrchr(arg, '/');
		if (slash)
			snprintf(dir, dlen, "%.*s", (int)(slash - arg), arg);
		else
			snprintf(dir, dlen, ".");
		return;
	}
	snprintf(path, plen, "%s/results.jsonl", arg);
	snprintf(dir, dlen, "%s", arg);
}

static bool load(const char *arg, struct ik_results *rs, char *outdir, size_t olen)
{
	char path[4096], dir[4096], err[512];
	resolve(arg, path, sizeof(path), dir, sizeof(dir));
	if (outdir)
		snprintf(outdir, olen, "%s", dir);
	memset(rs, 0, sizeof(*rs));
	if (!ik_results_load(rs, path, err, sizeof(err))) {
		fprintf(stderr, "cmd_report: %s\n", err);
		return false;
	}
	if (rs->torn)
		fprintf(stderr,
		        "cmd_report: %s: the last line was cut short (a stopped run) and "
		        "is left out\n",
		        path);
	return true;
}

/* True when directories a and b are the same (b need not exist). */
static bool same_dir(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/*
 * A merge writes the joined records as OUT/results.jsonl too, so OUT is a run directory of its
 * own (re-renderable, usable as a baseline). OUT must therefore be new: never a shard's.
 */
static bool check_merge_out(const struct opts *o)
{
	if (!o->out) {
		fprintf(stderr,
		        "cmd_report: --merge needs --out DIR (a directory other than the "
		        "shards')\n");
		return false;
	}
	for (size_t i = 0; i <= o->merge.n; i++) {
		char path[4096], dir[4096];
		resolve(i ? o->merge.dir[i - 1] : o->dir, path, sizeof(path), dir, sizeof(dir));
		if (same_dir(dir, o->out)) {
			fprintf(stderr,
			        "cmd_report: --out %s is the directory of %s; merged results "
			        "go to a new directory\n",
			        o->out, path);
			return false;
		}
	}
	return true;
}

int cmd_report(int argc, char **argv)
{
	struct opts o = {0};
	struct ik_cli c;
	int rc = ik_cli_parse(&spec, argc, argv, &o, &c);
	if (rc >= 0)
		return rc;
	o.dir = c.pos[0];
	o.quiet = c.quiet;
	if (!o.formats)
		o.formats = IK_FMT_ALL;
	if (o.merge.n && !check_merge_out(&o))
		return IK_EXIT_USAGE;
	struct ik_results rs, more;
	char outdir[4096], err[512];
	if (!load(o.dir, &rs, outdir, sizeof(outdir)))
		return IK_EXIT_USAGE;
	for (size_t i = 0; i < o.merge.n; i++) {
		if (!load(o.merge.dir[i], &more, NULL, 0)) {
			ik_results_free(&rs);
			return IK_EXIT_USAGE;
		}
		bool ok = ik_results_merge(&rs, &more, err, sizeof(err));
		ik_results_free(&more);
		if (!ok) {
			fprintf(stderr, "cmd_report: %s: %s\n", o.merge.dir[i], err);
			ik_results_free(&rs);
			return IK_EXIT_USAGE;
		}
	}
	unsigned fmts = o.formats | (o.merge.n ? IK_FMT_RESULTS : 0);
	if (!ik_report_write(&rs, o.out ? o.out : outdir, fmts, err, sizeof(err))) {
		fprintf(stderr, "cmd_report: %s\n", err);
		ik_results_free(&rs);
		return IK_EXIT_USAGE;
	}
	if (!o.quiet)
		ik_report_text(stdout, &rs);
	rc = IK_EXIT_OK;
	if (o.baseline) {
		struct ik_results base;
		if (!load(o.baseline, &base, NULL, 0)) {
			ik_results_free(&rs);
			return IK_EXIT_USAGE;
		}
		if (!o.quiet)
			fputc('\n', stdout);
		rc = ik_report_baseline(stdout, &rs, &base) ? IK_EXIT_FAIL : IK_EXIT_OK;
		ik_results_free(&base);
	} else {
		for (size_t i = 0; i < rs.n; i++)
			if (ik_verdict_bad(rs.r[i].verdict))
				rc = IK_EXIT_FAIL;
	}
	ik_results_free(&rs);
	return rc;
}
