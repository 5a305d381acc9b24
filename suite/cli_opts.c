/* The option parser every verb shares: one table per verb over getopt_long; see cli_opts.h. */
#include "cli_opts.h"
#include "case.h"
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_OPTS 48
#define HELP_COL 24  /* where the help column starts, after "  " */
#define VAL_BASE 256 /* getopt_long's value for table row i: VAL_BASE + i, above any letter */

/* The common options: the same letters, names and meaning for every verb. */
static const struct ik_opt common[] = {
	{"quiet", 'q', NULL, NULL, 0, NULL},
	{"verbose", 'v', NULL, NULL, 0, NULL},
	{"help", 'h', NULL, "this text", 0, NULL},
};

static size_t count(const struct ik_opt *t)
{
	size_t n = 0;
	while (t && t[n].name)
		n++;
	return n;
}

/* One row: "  -p, --profile FILE" then the help, its '\n' continued under the help column. */
static void usage_row(FILE *f, const struct ik_opt *o, const char *help)
{
	char left[96];
	bool opt = o->arg && o->arg[0] == '['; /* "[N]": --name[=N] */
	snprintf(left, sizeof(left), "%c%c%c --%s%s%s%s", o->letter ? '-' : ' ',
	         o->letter ? o->letter : ' ', o->letter ? ',' : ' ', o->name,
	         o->arg && !opt ? " " : "", opt ? "[=" : "", o->arg ? o->arg + opt : "");
	if (strlen(left) < HELP_COL)
		fprintf(f, "  %-*s ", HELP_COL, left);
	else
		fprintf(f, "  %s\n  %*s ", left, HELP_COL, "");
	for (const char *p = help; *p; p++) {
		fputc(*p, f);
		if (*p == '\n')
			fprintf(f, "  %*s ", HELP_COL, "");
	}
	fputc('\n', f);
}

static void usage_block(FILE *f, const struct ik_cmd_spec *s, bool first)
{
	fprintf(f, "%s ikecheck %s%s%s\n", first ? "usage:" : "      ", s->verb,
	        s->synopsis ? " " : "", s->synopsis ? s->synopsis : "");
	for (size_t i = 0; i < count(s->opts); i++)
		usage_row(f, &s->opts[i], s->opts[i].help);
}

void ik_cli_usage(FILE *f, const struct ik_cmd_spec *s)
{
	if (!s->subs)
		usage_block(f, s, true);
	for (size_t i = 0; s->subs && s->subs[i]; i++)
		usage_block(f, s->subs[i], i == 0);
	usage_row(f, &common[0], s->quiet ? s->quiet : "accepted; changes nothing here");
	usage_row(f, &common[1], s->verbose ? s->verbose : "accepted; changes nothing here");
	usage_row(f, &common[2], common[2].help);
	if (s->more)
		fputs(s->more, f);
	if (s->more_fn)
		s->more_fn(f);
}

/* The getopt_long tables for s: common options by their letter, table rows by VAL_BASE + i. */
static void build(const struct ik_cmd_spec *s, struct option *lo, char *shorts)
{
	size_t n = count(s->opts), k = 0;
	char *p = shorts;

	p += sprintf(p, "-:qvh"); /* '-': operands in order; ':': a missing value says ':' */
	for (size_t i = 0; i < 3; i++)
		lo[k++] = (struct option){common[i].name, no_argument, NULL, common[i].letter};
	for (size_t i = 0; i < n; i++) {
		const struct ik_opt *o = &s->opts[i];
		int has = !o->arg            ? no_argument
		          : o->arg[0] == '[' ? optional_argument
		                             : required_argument;
		lo[k++] = (struct option){o->name, has, NULL, VAL_BASE + (int)i};
		if (o->letter)
			p += sprintf(p, "%c%s", o->letter,
			             has == no_argument         ? ""
			             : has == optional_argument ? "::"
			                                        : ":");
	}
	lo[k] = (struct option){NULL, 0, NULL, 0};
}

/* The table row getopt_long answered with (a VAL_BASE value or a letter); -1 for none. */
static int row_of(const struct ik_cmd_spec *s, int val)
{
	size_t n = count(s->opts);
	if (val >= VAL_BASE && (size_t)(val - VAL_BASE) < n)
		return val - VAL_BASE;
	for (size_t i = 0; i < n; i++)
		if (s->opts[i].letter && s->opts[i].letter == val)
			return (int)i;
	return -1;
}

static int usage_error(const struct ik_cmd_spec *s)
{
	fputc('\n', stderr);
	ik_cli_usage(stderr, s);
	return IK_EXIT_USAGE;
}

/* An option getopt_long refused: unknown, a value missing, or a value given to a flag. */
static int refused(const struct ik_cmd_spec *s, int r, char **argv)
{
	int row = row_of(s, optopt);
	const char *given = argv[optind - 1];

	if (r == ':' && row >= 0)
		fprintf(stderr, "ikecheck %s: --%s needs a value: %s\n", s->verb, s->opts[row].name,
		        s->opts[row].arg);
	else if (row >= 0 || (optopt && strchr("qvh", optopt) && given[1] == '-'))
		fprintf(stderr, "ikecheck %s: '%s' takes no value\n", s->verb, given);
	else if (optopt)
		fprintf(stderr, "ikecheck %s: unknown option '-%c'\n", s->verb, optopt);
	else
		fprintf(stderr, "ikecheck %s: unknown option '%s'\n", s->verb, given);
	return usage_error(s);
}

/* Store the value of table row o into opts. */
static int take(const struct ik_cmd_spec *s, const struct ik_opt *o, void *opts, const char *v)
{
	char *dst = (char *)opts + o->off, why[256] = "";

	if (o->set) {
		if (o->set(dst, v, why, sizeof(why)))
			return -1;
		if (why[0]) /* empty: the set function has said it all */
			fprintf(stderr, "ikecheck %s: --%s '%s': %s\n", s->verb, o->name,
			        v ? v : "", why);
		return IK_EXIT_USAGE;
	}
	if (o->arg)
		*(const char **)dst = v;
	else
		*(bool *)dst = true;
	return -1;
}

static int operands(const struct ik_cmd_spec *s, const struct ik_cli *c)
{
	if (c->npos >= s->min_pos && c->npos <= s->max_pos)
		return -1;
	if (c->npos > s->max_pos)
		fprintf(stderr, "ikecheck %s: unexpected argument '%s'\n", s->verb,
		        c->pos[s->max_pos]);
	else
		fprintf(stderr, "ikecheck %s: missing argument (%s)\n", s->verb,
		        s->synopsis ? s->synopsis : "");
	return usage_error(s);
}

int ik_cli_parse(const struct ik_cmd_spec *s, int argc, char **argv, void *opts, struct ik_cli *c)
{
	struct option lo[MAX_OPTS + 4];
	char shorts[3 * MAX_OPTS + 8];
	int r, rc;

	*c = (struct ik_cli){0};
	if (count(s->opts) > MAX_OPTS)
		abort(); /* a programming error: the table outgrew the parser */
	build(s, lo, shorts);
	optind = 0; /* glibc: start afresh (a verb may parse twice, a test many times) */
	opterr = 0;
	while ((r = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		int row = row_of(s, r);
		if (r == 1 && c->npos < IK_MAX_POS)
			c->pos[c->npos++] = optarg;
		else if (r == 1)
			c->npos = IK_MAX_POS + 1;
		else if (r == 'q')
			c->quiet = true;
		else if (r == 'v')
			c->verbose = true;
		else if (r == 'h') {
			ik_cli_usage(stdout, s);
			return IK_EXIT_OK;
		} else if (r == '?' || r == ':' || row < 0)
			return refused(s, r, argv);
		else if ((rc = take(s, &s->opts[row], opts, optarg)) >= 0)
			return rc;
	}
	for (; optind < argc && c->npos < IK_MAX_POS; optind++) /* after "--" */
		c->pos[c->npos++] = argv[optind];
	return operands(s, c);
}

const struct ik_cmd_spec *ik_cli_sub(const struct ik_cmd_spec *s, int argc, char **argv, int *rc)
{
	struct ik_cli c;

	if (argc >= 2 && argv[1][0] != '-') {
		for (size_t i = 0; s->subs[i]; i++) {
			const char *name = strchr(s->subs[i]->verb, ' ');
			if (name && !strcmp(name + 1, argv[1]))
				return s->subs[i];
		}
		fprintf(stderr, "ikecheck %s: unknown subcommand '%s'\n", s->verb, argv[1]);
		*rc = usage_error(s);
		return NULL;
	}
	*rc = ik_cli_parse(s, argc, argv, NULL, &c);
	if (*rc < 0) {
		fprintf(stderr, "ikecheck %s: missing the subcommand\n", s->verb);
		*rc = usage_error(s);
	}
	return NULL;
}

bool ik_opt_uint(void *dst, const char *val, unsigned long min, unsigned long max, char *why,
                 size_t n)
{
	char *end;

	errno = 0;
	unsigned long v = strtoul(val, &end, 10);
	if (errno || !*val || *end || *val == '-' || v < min || v > max) {
		snprintf(why, n, "expected a whole number from %lu to %lu", min, max);
		return false;
	}
	*(unsigned *)dst = (unsigned)v;
	return true;
}

bool ik_opt_level(void *dst, const char *val, char *why, size_t n)
{
	for (int l = IK_LVL_MUST; l <= IK_LVL_ADVISORY; l++)
		if (!strcasecmp(val, ik_level_name((enum ik_level)l))) {
			*(int *)dst = l;
			return true;
		}
	snprintf(why, n, "expected MUST, SHOULD, MAY or ADVISORY");
	return false;
}
