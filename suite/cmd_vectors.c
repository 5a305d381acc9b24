/*
 * ikecheck vectors [--dir DIR] [FAMILY...]: run the known-answer tests (suite/kat.h) and print
 * "family: N passed, M failed" per family and "vectors: N passed, M failed" in total.
 * Exit 0 all passed, 1 some case failed, 2 a vector file is missing/unreadable or bad usage.
 */
#include "cli.h"
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

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: ikecheck vectors [--dir DIR] [FAMILY...]\n"
	        "  Runs the known-answer tests over the files under DIR (default: vectors).\n"
	        "  Families:\n");
	for (size_t i = 0; i < ik_kat_family_count; i++)
		fprintf(f, "    %-10s %s\n", ik_kat_families[i].name, ik_kat_families[i].source);
}

int cmd_vectors(int argc, char **argv)
{
	const char *dir = "vectors";
	const struct ik_kat_family *want[64];
	size_t nwant = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return IK_EXIT_OK;
		} else if (!strcmp(argv[i], "--dir")) {
			if (i + 1 == argc) {
				fprintf(stderr, "cmd_vectors: --dir needs a directory\n");
				return IK_EXIT_USAGE;
			}
			dir = argv[++i];
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "cmd_vectors: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return IK_EXIT_USAGE;
		} else if (!(want[nwant] = ik_kat_find(argv[i])) || nwant + 1 >= 64) {
			fprintf(stderr, "cmd_vectors: unknown family '%s'\n", argv[i]);
			usage(stderr);
			return IK_EXIT_USAGE;
		} else {
			nwant++;
		}
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
