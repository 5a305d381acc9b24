/*
 * ikecheck run: the conformance suite against the DUT of a profile (suite/runner.c). Exit 0 when
 * every required case passed, 1 when some failed (or could not be decided), 2 when the run
 * could not be done (DESIGN.md "Reports").
 */
#include "cli.h"
#include "runner.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fputs("usage: ikecheck run --profile FILE [--cases GLOB] [--level "
	      "MUST|SHOULD|MAY|ADVISORY]\n"
	      "                    [--out DIR] [--parallel N] [--silence MS] [--dead-wait S]\n"
	      "                    [--shard I/N]\n"
	      "                    [--cases-dir DIR] [--baseline FILE] [--dut-initiate CMD]\n"
	      "                    [--no-alive-check] [--show-secrets] [--quiet] [-v]\n"
	      "  --profile FILE   the DUT profile (docs/profile.md); we play its [tester]\n"
	      "  --cases GLOBS    only cases whose id matches: comma-separated, !GLOB excludes\n"
	      "                   (e.g. 'MM-LIFE-*,QM-LIFE-*' or '!FZ-*')\n"
	      "  --level L        only cases of level L or stricter (MUST < SHOULD < MAY < "
	      "ADVISORY)\n"
	      "  --out DIR        results.jsonl, reports, pcap/ and keys go here (default "
	      "out/run)\n"
	      "  --parallel N     cases in flight at once (default 8; 1 for fragile DUTs)\n"
	      "  --silence MS     no progress for MS milliseconds counts as silence (default "
	      "3000)\n"
	      "  --dead-wait S    a DUT that stopped answering gets S seconds to answer again "
	      "before\n"
	      "                   the remaining cases are not run (default 30)\n"
	      "  --shard I/N      run only the I-th of N stable slices of the cases (CI job "
	      "matrix)\n"
	      "  --cases-dir DIR  where the case files are (default suite/cases)\n"
	      "  --baseline FILE  compare with a previous run; exit 1 only for new failures\n"
	      "  --dut-initiate CMD  shell command that makes the DUT start an exchange towards "
	      "us\n"
	      "                   (cases with role dut=initiator; without it they are SKIPped)\n"
	      "  --no-alive-check do not probe the DUT with a fresh exchange after negative cases\n"
	      "  --show-secrets   allow secrets (the PSK) in the reports\n"
	      "  --quiet          only the summary\n"
	      "  -v               engine log lines on stderr\n"
	      "exit: 0 every required case passed, 1 some failed, 2 the run could not be done\n",
	      f);
}

static bool num(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	if (!s || !*s || *s == '-')
		return false;
	*out = strtoul(s, &end, 10);
	return !*end && *out <= max;
}

static int level_of(const char *s)
{
	for (int l = IK_LVL_MUST; l <= IK_LVL_ADVISORY; l++)
		if (!strcasecmp(s, ik_level_name((enum ik_level)l)))
			return l;
	return -2;
}

/* The cases next to the binary when not run from the source tree (build/ikecheck). */
static const char *default_cases(char *buf, size_t n)
{
	char exe[PATH_MAX];
	if (!access("suite/cases", R_OK))
		return "suite/cases";
	ssize_t l = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (l > 0) {
		exe[l] = 0;
		char *slash = strrchr(exe, '/');
		if (slash)
			*slash = 0;
		snprintf(buf, n, "%s/../suite/cases", exe);
		if (!access(buf, R_OK))
			return buf;
		snprintf(buf, n, "%s/../share/ikecheck/cases", exe);
		if (!access(buf, R_OK))
			return buf;
	}
	return "suite/cases";
}

static int parse(struct ik_runopts *o, int argc, char **argv)
{
	unsigned long v;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return IK_EXIT_OK;
		} else if (!strcmp(a, "--show-secrets")) {
			o->show_secrets = true;
		} else if (!strcmp(a, "--no-alive-check")) {
			o->no_alive = true;
		} else if (!strcmp(a, "--quiet")) {
			o->quiet = true;
		} else if (!strcmp(a, "-v")) {
			o->verbose = true;
		} else if (!val) {
			fprintf(stderr, "ikecheck run: unknown option or missing value: %s\n", a);
			return IK_EXIT_USAGE;
		} else if (!strcmp(a, "--profile")) {
			o->profile = argv[++i];
		} else if (!strcmp(a, "--cases")) {
			o->glob = argv[++i];
		} else if (!strcmp(a, "--cases-dir")) {
			o->cases = argv[++i];
		} else if (!strcmp(a, "--out")) {
			o->out = argv[++i];
		} else if (!strcmp(a, "--dut-initiate")) {
			o->dut_initiate = argv[++i];
		} else if (!strcmp(a, "--baseline")) {
			o->baseline = argv[++i];
		} else if (!strcmp(a, "--level") && (o->level = level_of(val)) >= 0) {
			i++;
		} else if (!strcmp(a, "--parallel") && num(val, 64, &v) && v) {
			o->parallel = (unsigned)v, i++;
		} else if (!strcmp(a, "--silence") && num(val, 600000, &v) && v >= 100) {
			o->silence_ms = (unsigned)v, i++;
		} else if (!strcmp(a, "--dead-wait") && num(val, 86400, &v)) {
			o->dead_wait_s = (unsigned)v, i++;
		} else if (!strcmp(a, "--shard") &&
		           sscanf(val, "%u/%u", &o->shard_i, &o->shard_n) == 2 && o->shard_n &&
		           o->shard_i >= 1 && o->shard_i <= o->shard_n) {
			i++;
		} else {
			fprintf(stderr, "ikecheck run: bad option or value: %s %s\n", a, val);
			return IK_EXIT_USAGE;
		}
	}
	if (!o->profile) {
		fprintf(stderr, "ikecheck run: --profile FILE is required\n");
		usage(stderr);
		return IK_EXIT_USAGE;
	}
	return -1;
}

int cmd_run(int argc, char **argv)
{
	char cases[PATH_MAX + 32], args[512] = "ikecheck";
	struct ik_runopts o = {.level = -1,
	                       .out = "out/run",
	                       .parallel = 8,
	                       .silence_ms = 3000,
	                       .dead_wait_s = 30};
	int rc = parse(&o, argc, argv);

	if (rc >= 0)
		return rc;
	if (!o.cases)
		o.cases = default_cases(cases, sizeof(cases));
	for (int i = 0; i < argc; i++) {
		size_t l = strlen(args);
		snprintf(args + l, sizeof(args) - l, " %s", argv[i]);
	}
	o.argv_text = args;
	return ik_runner_run(&o);
}
