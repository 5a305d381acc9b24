/*
 * The options of a verb as one table, parsed by getopt_long (suite/cli_opts.c): the common
 * options (-q/--quiet, -v/--verbose, -h/--help) mean the same for every verb, an unknown option
 * or a missing value is the same usage error (exit 2) everywhere, and the usage text is made
 * from the table, so it cannot forget an option.
 */
#ifndef IK_CLI_OPTS_H
#define IK_CLI_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Takes the value of an option into dst; false with a reason in why (one phrase). */
typedef bool (*ik_opt_set)(void *dst, const char *val, char *why, size_t n);

struct ik_opt {
	const char *name; /* the long form, without "--" */
	char letter;      /* the short form, 0 for none */
	const char *arg;  /* the value's name in the usage ("FILE"); NULL: a flag; "[N]": the value
			   * is optional, given as --name=N only (set() gets NULL without it) */
	const char *help; /* for the usage; a '\n' continues it on an indented line */
	size_t off;       /* where the value goes: an offset into the verb's options struct */
	ik_opt_set set;   /* NULL: a flag sets a bool there, a value stores its const char * */
};

/* Table rows: a flag (bool field), a value kept as given (const char * field), a value that
 * set() checks and stores. */
#define IK_FLAG(name, letter, type, field, help)                      \
	{                                                             \
		name, letter, NULL, help, offsetof(type, field), NULL \
	}
#define IK_STR(name, letter, arg, type, field, help)                 \
	{                                                            \
		name, letter, arg, help, offsetof(type, field), NULL \
	}
#define IK_SET(name, letter, arg, type, field, set, help)           \
	{                                                           \
		name, letter, arg, help, offsetof(type, field), set \
	}
/* A value whose set function fills more than one field: dst is the whole options struct. */
#define IK_SET_WHOLE(name, letter, arg, set, help) \
	{                                          \
		name, letter, arg, help, 0, set    \
	}
#define IK_OPT_END                           \
	{                                    \
		NULL, 0, NULL, NULL, 0, NULL \
	}

struct ik_cmd_spec {
	const char *verb;            /* "connect", "list cases": the usage line and every message */
	const char *synopsis;        /* what follows the verb in the usage line */
	const struct ik_opt *opts;   /* ends with IK_OPT_END; NULL for none */
	int min_pos, max_pos;        /* how many operands (arguments that are not options) */
	const char *quiet, *verbose; /* what -q and -v do here; NULL: nothing more or less */
	const char *more;            /* text after the options (exit statuses), or NULL */
	void (*more_fn)(FILE *f);    /* more text known only at run time, or NULL */
	const struct ik_cmd_spec *const *subs; /* sub-verbs ("list cases"), NULL-terminated */
};

#define IK_MAX_POS 64

struct ik_cli {
	bool quiet, verbose;
	const char *pos[IK_MAX_POS]; /* the operands, in the order given */
	int npos;
};

/* Parse argv[1..] (argv[0] is the verb) into opts by s->opts, the common options into c.
 * Returns -1 to go on, else the exit status: 0 after --help (usage on stdout), 2 on a usage
 * error (said on stderr, with the usage where the error is in the form). */
int ik_cli_parse(const struct ik_cmd_spec *s, int argc, char **argv, void *opts, struct ik_cli *c);
/* The usage text, made from the table(s). */
void ik_cli_usage(FILE *f, const struct ik_cmd_spec *s);
/* The sub-verb named by argv[1] (argv[0] is the verb); NULL with *rc the exit status when
 * there is none: --help, a bad option, a missing or unknown sub-verb. */
const struct ik_cmd_spec *ik_cli_sub(const struct ik_cmd_spec *s, int argc, char **argv, int *rc);

/* A whole number in [min, max] into the unsigned at dst, for the set functions of bounded
 * numbers (the bounds are each option's own); false with the reason in why. */
bool ik_opt_uint(void *dst, const char *val, unsigned long min, unsigned long max, char *why,
                 size_t n);
/* A case level (MUST, SHOULD, MAY, ADVISORY; any case) into an int: run and list cases. */
bool ik_opt_level(void *dst, const char *val, char *why, size_t n);

#endif
