/*
 * ikecheck vectors [--dir DIR] [FAMILY...]: run the known-answer tests (suite/kat.h) and print
 * "family: N passed, M failed" per family and "vectors: N passed, M failed" in total.
 * Exit 0 all passed, 1 some case failed, 2 a vector file is missing/unreadable or bad usage.
 */
#include "cli.h"
#include "cli_opts.h"
#include "kat.h"

#include <stdio.h>
#include <string.h>

#define SHOW_FAILURES 10 /* per family; the rest are counted */

struct fail_log {
	unsigned shown;
};

static void on_fail(void *arg, const char *family, const char *what)
{
	struct fail_log *log = arg;

	if (log->shown++ < SHOW_FAILURES)
		printf("  FAIL %s: %s\n", family, what);
}

static void families(FILE *f)
{
	fprintf(f,
	        "Runs the known-answer tests over the files under DIR (default: vectors).\n"
	        "Families:\n");
	for (size_t i = 0; i < ik_kat_family_count; i++)
		fprintf(f, "  %-10s %s\n", ik_kat_families[i].name, ik_kat_families[i].source);
}

struct opts {
	const char *dir;
};

static const struct ik_opt opts[] = {
	IK_STR("dir", 0, "DIR", struct opts, dir, "where the vector files are (default vectors)"),
	IK_OPT_END,
};

static const struct ik_cmd_spec spec = {
	.verb = "vectors",
	.synopsis = "[--dir DIR] [FAMILY...]",
	.opts = opts,
	.max_pos = 64,
	.more = "exit: 0 all passed, 1 some case failed, 2 a vector file is missing or bad usage\n",
	.more_fn = families,
};

int cmd_vectors(int argc, char **argv)
{
	struct opts o = {"vectors"};
	struct ik_cli c;
	const struct ik_kat_family *want[64];
	size_t nwant = 0;
	int rc = ik_cli_parse(&spec, argc, argv, &o, &c);

	if (rc >= 0)
		return rc;
	const char *dir = o.dir;
	for (; nwant < (size_t)c.npos; nwant++)
		if (!(want[nwant] = ik_kat_find(c.pos[nwant]))) {
			fprintf(stderr, "cmd_vectors: unknown family '%s'\n\n", c.pos[nwant]);
			ik_cli_usage(stderr, &spec);
			return IK_EXIT_USAGE;
		}
	if (nwant == 0)
		for (; nwant < ik_kat_family_count; nwant++)
			want[nwant] = &ik_kat_families[nwant];

	unsigned passed = 0, failed = 0;
	bool missing = false;
	for (size_t i = 0; i < nwant; i++) {
		struct ik_kat_tally t;
		struct fail_log log = {0};
		enum ik_kat_result r = ik_kat_run(want[i], dir, &t, on_fail, &log);
		if (r == IK_KAT_MISSING) {
			fprintf(stderr, "cmd_vectors: %s: cannot read vector file %s\n",
			        want[i]->name, t.missing_file);
			printf("%s: missing vector file %s\n", want[i]->name, t.missing_file);
			missing = true;
			continue;
		}
		if (log.shown > SHOW_FAILURES)
			printf("  FAIL %s: ... and %u more\n", want[i]->name,
			       log.shown - SHOW_FAILURES);
		printf("%s: %u passed, %u failed\n", want[i]->name, t.passed, t.failed);
		passed += t.passed;
		failed += t.failed;
	}
	printf("vectors: %u passed, %u failed\n", passed, failed);
	if (missing)
		return IK_EXIT_USAGE;
	return failed ? IK_EXIT_FAIL : IK_EXIT_OK;
}
