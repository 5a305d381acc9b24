/* The subcommand table and the helpers every subcommand shares. */
#ifndef IK_CLI_H
#define IK_CLI_H

#define CMD(verb, fn, help) int fn(int argc, char **argv);
#include "commands.def"
#undef CMD

/* Exit statuses shared by every verb (DESIGN.md "Reports"): 0 ok, 1 failures found, 2 could not run. */
enum { IK_EXIT_OK = 0, IK_EXIT_FAIL = 1, IK_EXIT_USAGE = 2 };

#endif
