/*
 * ikecheck list: what the suite holds. `cases` (id, level, area, title), `mutations` (the
 * catalogue of engine/mutation/mutate.h), `coverage` (which observable requirements of
 * docs/REQUIREMENTS.md have a case: DESIGN.md "Requirements and coverage"), `fields MSG` (the
 * field paths a family line generates for MSG).
 */
#include "case.h"
#include "cli.h"
#include "cli_opts.h"
#include "reqcat.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_CASES "suite/cases"
#define DEFAULT_REQS  "docs/REQUIREMENTS.md"

struct opts {
	const char *dir, *glob, *reqs;
	int level;
	const char *breaks; /* --breaks QUIRK: only the cases that quirk must make fail */
	bool unkillable;    /* --unkillable: refusal cases no quirk but die-on-refusal breaks */
};

static const struct ik_opt cases_opts[] = {
	IK_STR("cases", 0, "GLOB", struct opts, glob, "only cases whose id matches"),
	IK_SET("level", 0, "MUST|SHOULD|MAY|ADVISORY", struct opts, level, ik_opt_level,
               "only cases of that level"),
	IK_STR("breaks", 0, "QUIRK", struct opts, breaks,
               "only the cases that quirk must make fail"),
	IK_FLAG("unkillable", 0, struct opts, unkillable,
                "refusal cases that no quirk but die-on-refusal makes fail"),
	IK_OPT_END,
};

static const struct ik_opt coverage_opts[] = {
	IK_STR("requirements", 0, "FILE", struct opts, reqs,
               "the requirement catalogue (default " DEFAULT_REQS ")"),
	IK_OPT_END,
};

static const struct ik_cmd_spec spec_cases = {
	.verb = "list cases", .synopsis = "[options] [DIR]", .opts = cases_opts, .max_pos = 1};
static const struct ik_cmd_spec spec_coverage = {.verb = "list coverage",
                                                 .synopsis = "[options] [DIR]",
                                                 .opts = coverage_opts,
                                                 .max_pos = 1};
static const struct ik_cmd_spec spec_mutations = {.verb = "list mutations"};
static const struct ik_cmd_spec spec_fields = {
	.verb = "list fields", .synopsis = "MSG", .min_pos = 1, .max_pos = 1};
static const struct ik_cmd_spec *const subs[] = {&spec_cases, &spec_coverage, &spec_mutations,
                                                 &spec_fields, NULL};
static const struct ik_cmd_spec spec = {
	.verb = "list",
	.more = "DIR defaults to " DEFAULT_CASES ", FILE to " DEFAULT_REQS
		" (docs/writing-cases.md);\n"
		"fields MSG (MM1..MM6, AM1..AM3, QM1..QM3): the paths a family generates\n",
	.subs = subs,
};

/* The options and DIR of a sub-verb; -1 to go on, else the exit status. */
static int parse_opts(const struct ik_cmd_spec *sub, int argc, char **argv, struct opts *o)
{
	struct ik_cli c;
	*o = (struct opts){DEFAULT_CASES, NULL, DEFAULT_REQS, -1, NULL, false};
	int rc = ik_cli_parse(sub, argc - 1, argv + 1, o, &c);
	if (rc < 0 && c.npos)
		o->dir = c.pos[0];
	return rc;
}

/* Whether case c names quirk q on its breaks line (the suite's self-test, docs/quirks.md). */
static bool breaks(const struct ik_case *c, const char *q)
{
	for (size_t i = 0; i < c->nbreaks; i++)
		if (!strcmp(c->breaks[i], q))
			return true;
	return false;
}

/* A case that expects a refusal: one of its expect lines, for any policy, wants the broken
 * message refused (rejected), dropped (ignored) or built no SA from (survives). */
static bool expects_refusal(const struct ik_case *c)
{
	for (size_t i = 0; i < c->nexpect; i++)
		if (c->expect[i].kind == IK_EXP_REJECTED || c->expect[i].kind == IK_EXP_IGNORED ||
		    c->expect[i].kind == IK_EXP_SURVIVES)
			return true;
	return false;
}

/* A refusal case that no quirk but die-on-refusal makes fail: nothing shows it can catch a
 * DUT that takes what it should refuse (issue 10 item 6). die-on-refusal does not count: it
 * fails any case the responder refuses, through the liveness check, whatever the case checks. */
static bool unkillable(const struct ik_case *c)
{
	if (!expects_refusal(c))
		return false;
	for (size_t i = 0; i < c->nbreaks; i++)
		if (strcmp(c->breaks[i], "die-on-refusal"))
			return false;
	return true;
}

static int list_cases(int argc, char **argv)
{
	struct ik_caseset cs = {0};
	struct ik_status st;
	struct opts o;
	int rc = parse_opts(&spec_cases, argc, argv, &o);

	if (rc >= 0)
		return rc;
	if (!ik_cases_load(&cs, o.dir, &st)) {
		fprintf(stderr, "%s\n", st.why);
		return IK_EXIT_USAGE;
	}
	ik_cases_filter(&cs, o.glob, o.level);
	size_t shown = 0;
	for (size_t i = 0; i < cs.n; i++) {
		if ((o.breaks && !breaks(&cs.c[i], o.breaks)) ||
		    (o.unkillable && !unkillable(&cs.c[i])))
			continue;
		shown++;
		printf("%-20s %-8s %-18s %s\n", cs.c[i].id, ik_level_name(cs.c[i].level),
		       cs.c[i].area, cs.c[i].title);
	}
	printf("%zu case%s\n", shown, shown == 1 ? "" : "s");
	ik_cases_free(&cs);
	return IK_EXIT_OK;
}

/* Whether case c names requirement id among its req words. */
static bool cites(const struct ik_case *c, const char *id)
{
	size_t l = strlen(id);
	for (const char *p = c->req; (p = strstr(p, id)); p += l)
		if ((p == c->req || p[-1] == ' ') && (!p[l] || p[l] == ' '))
			return true;
	return false;
}

/* Ids a case cites that the catalogue lacks: each is reported; returns how many. */
static size_t unknown_ids(const struct ik_caseset *cs, const struct ik_reqcat *rc)
{
	size_t bad = 0;

	for (size_t i = 0; i < cs->n; i++) {
		char buf[sizeof(cs->c[i].req)], *save = NULL;
		snprintf(buf, sizeof(buf), "%s", cs->c[i].req);
		for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
			if (!ik_reqcat_find(rc, t)) {
				fprintf(stderr, "%s:%u: case %s cites unknown requirement %s\n",
				        cs->c[i].file, cs->c[i].line, cs->c[i].id, t);
				bad++;
			}
	}
	return bad;
}

/* The numeric suffix of a generated id ("FZ-MM1-017" -> 17, prefix length 7), -1 if none. */
static int suffix_num(const char *id, size_t *plen)
{
	size_t n = strlen(id);

	if (n < 4 || !isdigit((unsigned char)id[n - 1]) || !isdigit((unsigned char)id[n - 2]) ||
	    !isdigit((unsigned char)id[n - 3]) || isdigit((unsigned char)id[n - 4]))
		return -1;
	*plen = n - 3;
	return atoi(id + n - 3);
}

/* Print the ids, folding runs of a family ("FZ-MM1-001..067") so coverage lines stay short. */
static void print_ids(const struct ik_case *const *c, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t pl = 0, pl2 = 0, j = i + 1;
		int a = suffix_num(c[i]->id, &pl);
		while (a >= 0 && j < n && suffix_num(c[j]->id, &pl2) == a + (int)(j - i) &&
		       pl2 == pl && !strncmp(c[j]->id, c[i]->id, pl))
			j++;
		if (j - i > 2)
			printf(" %s..%s", c[i]->id, c[j - 1]->id + pl);
		else
			j = i + 1, printf(" %s", c[i]->id);
		i = j;
	}
}
static int list_coverage(int argc, char **argv)
{
	struct ik_caseset cs = {0};
	struct ik_reqcat rc;
	struct ik_status st;
	struct opts o;
	size_t with[2] = {0}, total[2] = {0}, citing = 0;
	int rc0 = parse_opts(&spec_coverage, argc, argv, &o);

	if (rc0 >= 0)
		return rc0;
	if (!ik_reqcat_load(&rc, o.reqs, &st)) {
		fprintf(stderr, "%s\n", st.why);
		return IK_EXIT_USAGE;
	}
	if (!ik_cases_load(&cs, o.dir, &st)) {
		fprintf(stderr, "%s\n", st.why);
		ik_reqcat_free(&rc);
		return IK_EXIT_USAGE;
	}
	const struct ik_case **citing_cases = calloc(cs.n + 1, sizeof(*citing_cases));
	if (!citing_cases) {
		ik_cases_free(&cs);
		ik_reqcat_free(&rc);
		return IK_EXIT_USAGE;
	}
	for (size_t i = 0; i < rc.n; i++) {
		const struct ik_req *r = &rc.r[i];
		int k = !strcmp(r->obs, "yes") ? 0 : !strcmp(r->obs, "partly") ? 1 : -1;
		size_t m = 0;
		if (k < 0)
			continue;
		for (size_t j = 0; j < cs.n; j++)
			if (cites(&cs.c[j], r->id))
				citing_cases[m++] = &cs.c[j];
		bool any = m > 0;
		printf("%-22s %-12s %-6s", r->id, r->level, r->obs);
		print_ids(citing_cases, m);
		printf("%s\n", any ? "" : " -");
		total[k]++;
		with[k] += any;
	}
	for (size_t j = 0; j < cs.n; j++)
		citing += cs.c[j].req[0] != 0;
	printf("observable requirements: %zu, %zu with a case, %zu without\n", total[0], with[0],
	       total[0] - with[0]);
	printf("partly observable requirements: %zu, %zu with a case, %zu without\n", total[1],
	       with[1], total[1] - with[1]);
	printf("cases: %zu, %zu citing requirements\n", cs.n, citing);
	size_t bad = unknown_ids(&cs, &rc);
	free(citing_cases);
	ik_cases_free(&cs);
	ik_reqcat_free(&rc);
	return bad ? IK_EXIT_FAIL : IK_EXIT_OK;
}

static int list_fields(const char *msg)
{
	static char paths[256][96];
	enum ik_xchg x = IK_X_MAIN;
	int m = 0;

	for (enum ik_xchg t = IK_X_MAIN; t <= IK_X_QUICK && !m; t++)
		for (int k = 1; k <= ik_xchg_len(t); k++)
			if (!strcasecmp(msg, ik_msg_name(t, k))) {
				x = t;
				m = k;
				break;
			}
	if (!m) {
		fprintf(stderr, "list fields: '%s': expected MM1..MM6, AM1..AM3 or QM1..QM3\n",
		        msg);
		return IK_EXIT_USAGE;
	}
	size_t n = ik_case_field_paths(x, m, paths, 256);
	for (size_t i = 0; i < n && i < 256; i++)
		printf("%s\n", paths[i]);
	return IK_EXIT_OK;
}

int cmd_list(int argc, char **argv)
{
	int rc;
	struct ik_cli c;
	const struct ik_cmd_spec *sub = ik_cli_sub(&spec, argc, argv, &rc);

	if (!sub)
		return rc;
	if (sub == &spec_cases)
		return list_cases(argc, argv);
	if (sub == &spec_coverage)
		return list_coverage(argc, argv);
	if ((rc = ik_cli_parse(sub, argc - 1, argv + 1, NULL, &c)) >= 0)
		return rc;
	if (sub == &spec_fields)
		return list_fields(c.pos[0]);
	ik_mutation_catalogue(stdout);
	return IK_EXIT_OK;
}
