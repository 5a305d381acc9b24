/*
 * ikecheck run: the conformance suite against the DUT of a profile (suite/runner.c). Exit 0 when
 * every required case passed, 1 when some failed (or could not be decided), 2 when the run
 * could not be done (DESIGN.md "Reports").
 */
#include "cli.h"
#include "cli_opts.h"
#include "runner.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool set_parallel(void *dst, const char *val, char *why, size_t n)
{
	return ik_opt_uint(dst, val, 1, 64, why, n);
}

static bool set_silence(void *dst, const char *val, char *why, size_t n)
{
	return ik_opt_uint(dst, val, 100, 600000, why, n);
}

static bool set_dead_wait(void *dst, const char *val, char *why, size_t n)
{
	return ik_opt_uint(dst, val, 0, 86400, why, n);
}

static bool set_shard(void *dst, const char *val, char *why, size_t n)
{
	struct ik_runopts *o = dst;
	if (sscanf(val, "%u/%u", &o->shard_i, &o->shard_n) == 2 && o->shard_n && o->shard_i >= 1 &&
	    o->shard_i <= o->shard_n)
		return true;
	snprintf(why, n, "expected I/N with 1 <= I <= N");
	return false;
}

static const struct ik_opt opts[] = {
	IK_STR("profile", 0, "FILE", struct ik_runopts, profile,
               "the DUT profile (docs/profile.md); we play its [tester]"),
	IK_STR("cases", 0, "GLOBS", struct ik_runopts, glob,
               "only cases whose id matches: comma-separated, !GLOB excludes\n"
               "(e.g. 'MM-LIFE-*,QM-LIFE-*' or '!FZ-*')"),
	IK_SET("level", 0, "L", struct ik_runopts, level, ik_opt_level,
               "only cases of level L or stricter (MUST < SHOULD < MAY < ADVISORY)"),
	IK_STR("out", 0, "DIR", struct ik_runopts, out,
               "results.jsonl, reports, pcap/ and keys go here (default out/run)"),
	IK_SET("parallel", 0, "N", struct ik_runopts, parallel, set_parallel,
               "cases in flight at once (1..64, default 8; 1 for fragile DUTs)"),
	IK_SET("silence", 0, "MS", struct ik_runopts, silence_ms, set_silence,
               "no progress for MS milliseconds counts as silence (default 3000)"),
	IK_SET("dead-wait", 0, "S", struct ik_runopts, dead_wait_s, set_dead_wait,
               "a DUT that stopped answering gets S seconds to answer again before\n"
               "the remaining cases are not run (default 30)"),
	IK_SET_WHOLE("shard", 0, "I/N", set_shard,
                     "run only the I-th of N stable slices of the cases (CI job matrix)"),
	IK_STR("cases-dir", 0, "DIR", struct ik_runopts, cases,
               "where the case files are (default suite/cases)"),
	IK_STR("baseline", 0, "FILE", struct ik_runopts, baseline,
               "compare with a previous run; exit 1 only for new failures"),
	IK_STR("dut-initiate", 0, "CMD", struct ik_runopts, dut_initiate,
               "shell command that makes the DUT start an exchange towards us\n"
               "(cases with role dut=initiator; without it they are SKIPped)"),
	IK_FLAG("no-alive-check", 0, struct ik_runopts, no_alive,
                "do not probe the DUT with a fresh exchange after negative cases"),
	IK_FLAG("show-secrets", 0, struct ik_runopts, show_secrets,
                "allow secrets (the PSK) in the reports"),
	IK_OPT_END,
};

static const struct ik_cmd_spec spec = {
	.verb = "run",
	.synopsis = "--profile FILE [options]",
	.opts = opts,
	.quiet = "only the summary",
	.verbose = "engine log lines on stderr",
	.more = "exit: 0 every required case passed, 1 some failed, 2 the run could not be done\n",
};

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

int cmd_run(int argc, char **argv)
{
	char cases[PATH_MAX + 32], args[512] = "ikecheck";
	struct ik_runopts o = {.level = -1,
	                       .out = "out/run",
	                       .parallel = 8,
	                       .silence_ms = 3000,
	                       .dead_wait_s = 30};
	struct ik_cli c;

	/* The command line as given, before getopt_long reorders argv. */
	for (int i = 0; i < argc; i++) {
		size_t l = strlen(args);
		snprintf(args + l, sizeof(args) - l, " %s", argv[i]);
	}
	int rc = ik_cli_parse(&spec, argc, argv, &o, &c);
	if (rc >= 0)
		return rc;
	if (!o.profile) {
		fprintf(stderr, "ikecheck run: --profile FILE is required\n");
		ik_cli_usage(stderr, &spec);
		return IK_EXIT_USAGE;
	}
	o.quiet = c.quiet;
	o.verbose = c.verbose;
	if (!o.cases)
		o.cases = default_cases(cases, sizeof(cases));
	o.argv_text = args;
	return ik_runner_run(&o);
}
