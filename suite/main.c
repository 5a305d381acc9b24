/*
 * ikecheck: one binary, a table of subcommands (suite/commands.def).
 * An unknown verb prints usage to stderr and exits 2.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#ifndef IKECHECK_VERSION
#define IKECHECK_VERSION "unknown"
#endif

struct command {
	const char *verb;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
#define CMD(verb, fn, help) {verb, fn, help},
#include "commands.def"
#undef CMD
	{NULL, NULL, NULL}, /* sentinel: the table may be empty while verbs are added */
};

static void usage(FILE *f)
{
	fprintf(f, "usage: ikecheck VERB [options]   (ikecheck VERB --help for details)\n\n");
	fprintf(f, "  %-10s %s\n", "help", "this list");
	fprintf(f, "  %-10s %s\n", "version", "print the version (also --version)");
	for (size_t i = 0; commands[i].verb; i++)
		fprintf(f, "  %-10s %s\n", commands[i].verb, commands[i].help);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return IK_EXIT_USAGE;
	}
	const char *verb = argv[1];
	if (!strcmp(verb, "help") || !strcmp(verb, "--help") || !strcmp(verb, "-h")) {
		usage(stdout);
		return IK_EXIT_OK;
	}
	if (!strcmp(verb, "version") || !strcmp(verb, "--version")) {
		printf("ikecheck %s\n", IKECHECK_VERSION);
		return IK_EXIT_OK;
	}
	for (size_t i = 0; commands[i].verb; i++)
		if (!strcmp(verb, commands[i].verb))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "ikecheck: unknown verb '%s'\n\n", verb);
	usage(stderr);
	return IK_EXIT_USAGE;
}
