/*
 * Case files (suite/case.h, docs/writing-cases.md): reading the text into statements, the keyword
 * table, closing a case (required keywords, consistency) and loading a whole directory tree.
 *
 * A statement is a keyword line plus its continuation lines: a line whose first non-blank
 * character is '|' (the '|' is kept: it separates alternatives), or a line indented deeper than
 * the keyword line that does not itself begin with a keyword. '#' at the start of a line, or
 * after a blank and followed by a blank, starts a comment ("MM3#1" is not one).
 */
#include "case_internal.h"
#include "xauth_check.h" /* ik_xa_check_req: the rows of `expect kept` */
#include "trim.h"
#include "util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define STMT_MAX 2048

bool ik_case_fail(const struct ik_cpos *at, const char *fmt, ...)
{
	char msg[224];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ik_fail(at->st, 0, "%s:%u: %s", at->file, at->line, msg);
}

const char *ik_level_name(enum ik_level l)
{
	static const char *const names[] = {"MUST", "SHOULD", "MAY", "ADVISORY"};
	return (unsigned)l < IK_ARRAY_SIZE(names) ? names[l] : "?";
}

struct ik_case *ik_caseset_push(struct ik_caseset *cs)
{
	if (cs->n == cs->cap) {
		size_t cap = cs->cap ? cs->cap * 2 : 32;
		struct ik_case *c = realloc(cs->c, cap * sizeof(*c));
		if (!c)
			return NULL;
		cs->c = c;
		cs->cap = cap;
	}
	memset(&cs->c[cs->n], 0, sizeof(cs->c[0]));
	return &cs->c[cs->n++];
}

const struct ik_case *ik_cases_find(const struct ik_caseset *cs, const char *id)
{
	for (size_t i = 0; i < cs->n; i++)
		if (!strcmp(cs->c[i].id, id))
			return &cs->c[i];
	return NULL;
}

void ik_cases_free(struct ik_caseset *cs)
{
	free(cs->c);
	memset(cs, 0, sizeof(*cs));
}

/* The parser's state while it reads one file. */
struct pstate {
	struct ik_caseset *cs;
	const char *area;
	struct ik_cpos at;
	bool open; /* a case or family block is being read */
	bool family;
	struct ik_family fam;
	struct ik_case cur;
	unsigned seen; /* KW_* bits of the keywords given in this block */
};

enum kw {
	KW_TITLE,
	KW_REF,
	KW_REQ,
	KW_LEVEL,
	KW_BINDS,
	KW_ROLE,
	KW_NEEDS,
	KW_RUN,
	KW_SET,
	KW_MUTATE,
	KW_EXPECT,
	KW_BREAKS,
	KW_ALIKE,
	KW_TIMING,
	KW_CASE,
	KW_FAMILY
};

static bool kw_title(struct ik_case *c, const char *v, const struct ik_cpos *at)
{
	if (strlen(v) >= sizeof(c->title))
		return ik_case_fail(at, "title: longer than %zu characters", sizeof(c->title) - 1);
	snprintf(c->title, sizeof(c->title), "%s", v);
	return true;
}

/* The keywords of a block: the value parser, and whether the keyword may appear again. */
static const struct keyword {
	const char *name;
	enum kw kw;
	bool (*parse)(struct ik_case *c, const char *v, const struct ik_cpos *at);
	bool repeat;
	bool required;
} keywords[] = {
	{"title", KW_TITLE, kw_title, false, true},
	{"ref", KW_REF, ik_case_parse_ref, false, true},
	{"req", KW_REQ, ik_case_parse_req, true, false},
	{"level", KW_LEVEL, ik_case_parse_level, false, true},
	{"binds", KW_BINDS, ik_case_parse_binds, false, true},
	{"role", KW_ROLE, ik_case_parse_role, false, true},
	{"needs", KW_NEEDS, ik_case_parse_needs, true, false},
	{"run", KW_RUN, ik_case_parse_run, false, true},
	{"set", KW_SET, ik_case_parse_set, true, false},
	{"mutate", KW_MUTATE, ik_case_parse_mutate, true, false},
	{"expect", KW_EXPECT, ik_case_parse_expect, true, true},
	{"breaks", KW_BREAKS, ik_case_parse_breaks, true, false},
	{"alike", KW_ALIKE, ik_case_parse_alike, false, false},
	{"timing", KW_TIMING, ik_case_parse_timing, false, false},
	{"case", KW_CASE, NULL, true, false},
	{"family", KW_FAMILY, NULL, true, false},
};

static const struct keyword *keyword_of(const char *w, size_t n)
{
	for (size_t i = 0; i < IK_ARRAY_SIZE(keywords); i++)
		if (strlen(keywords[i].name) == n && !strncmp(keywords[i].name, w, n))
			return &keywords[i];
	return NULL;
}

/* An `expect kept` row is a requirement the case checks: its id must be on the `req` line. */
static bool kept_in_req(const struct ik_case *c, const struct ik_expect *e,
                        const struct ik_cpos *at)
{
	for (unsigned r = 0; r < 32; r++) {
		const char *id = (e->kept_rows & IK_XC_BIT(r)) ? ik_xa_check_req(r) : NULL;
		size_t l = id ? strlen(id) : 0;
		bool found = false;
		for (const char *p = c->req; id && !found && (p = strstr(p, id)); p += l)
			found = (p == c->req || p[-1] == ' ') && (!p[l] || p[l] == ' ');
		if (id && !found)
			return ik_case_fail(at,
			                    "case %s: 'expect kept %s' but 'req' does not name %s",
			                    c->id, id, id);
	}
	return true;
}

/* Checks that need the whole block: required keywords, expectations against steps/mutations. */
static bool block_check(struct pstate *ps, const struct ik_cpos *at)
{
	struct ik_case *c = &ps->cur;

	for (size_t i = 0; i < IK_ARRAY_SIZE(keywords); i++)
		if (keywords[i].required && !(ps->seen & (1u << keywords[i].kw)))
			return ik_case_fail(at,
			                    "%s %s: missing '%s' (a case needs title, ref, "
			                    "level, binds, role, run and expect)",
			                    ps->family ? "family" : "case",
			                    ps->family ? ps->fam.pattern : c->id, keywords[i].name);
	char what[48];
	snprintf(what, sizeof(what), "%s %s", ps->family ? "family" : "case",
	         ps->family ? ps->fam.pattern : c->id);
	if (!ik_case_check_binds(c, what, ps->family, at))
		return false;
	struct ik_status cst;
	if (!ik_case_claims_ok(c, &cst)) /* needs claimed:/unclaimed: name a `set` proposal */
		return ik_case_fail(at, "%s", cst.why);
	if (c->timing && !c->nalike)
		return ik_case_fail(at,
		                    "case %s: 'timing' compares the answers of 'alike' variants: "
		                    "it needs an 'alike' line",
		                    c->id);
	bool nth = false, quick = false, traffic = false, probe = false, listen = false,
	     ka_listen = false;
	for (size_t i = 0; i < c->nmut; i++)
		nth = nth || c->mut[i].nth;
	for (size_t i = 0; i < c->nsteps; i++) {
		quick = quick || c->steps[i].kind == IK_STEP_QUICK;
		traffic = traffic || c->steps[i].kind == IK_STEP_TRAFFIC;
		probe = probe || c->steps[i].probe != IK_PROBE_NONE;
		listen = listen || c->steps[i].kind == IK_STEP_DPD_LISTEN;
		ka_listen = ka_listen || c->steps[i].kind == IK_STEP_KA_LISTEN;
	}
	for (size_t i = 0; i < c->nexpect; i++) {
		const struct ik_expect *e = &c->expect[i];
		if (e->kind == IK_EXP_IGNORED && !nth && !ps->family)
			return ik_case_fail(at,
			                    "case %s: 'expect ignored' needs a mutation of one "
			                    "transmission only (MSG#N, e.g. \"MM3#1 ...\") so "
			                    "the retransmission is clean",
			                    c->id);
		if (e->kind == IK_EXP_ESTABLISHED && e->phase == 2 && !quick)
			return ik_case_fail(at,
			                    "case %s: 'expect established phase2' but 'run' "
			                    "has no quick step",
			                    c->id);
		if (e->kind == IK_EXP_KEPT && !kept_in_req(c, e, at))
			return false;
		if (e->kind == IK_EXP_QUERIES && !listen)
			return ik_case_fail(at,
			                    "case %s: 'expect queries' but 'run' has no "
			                    "dpd-listen step",
			                    c->id);
		if (e->kind == IK_EXP_KEEPALIVE && !ka_listen)
			return ik_case_fail(at,
			                    "case %s: 'expect keepalive' but 'run' has no "
			                    "keepalive-listen step",
			                    c->id);
		if (e->kind == IK_EXP_TRAFFIC && !traffic)
			return ik_case_fail(at,
			                    "case %s: 'expect carries traffic' but 'run' has no "
			                    "traffic step",
			                    c->id);
		if ((e->kind == IK_EXP_DISCARDS || e->kind == IK_EXP_ACCEPTS ||
		     e->kind == IK_EXP_STOPS) &&
		    !probe)
			return ik_case_fail(at,
			                    "case %s: 'expect %s' but no traffic step sends a "
			                    "probe (e.g. 'traffic replay')",
			                    c->id,
			                    e->kind == IK_EXP_DISCARDS  ? "discards probes"
			                    : e->kind == IK_EXP_ACCEPTS ? "accepts probes"
			                                                : "stops traffic");
		if (e->kind == IK_EXP_ADJUSTED && e->adjust == IK_ADJ_P2_LIFETIME && !quick)
			return ik_case_fail(at,
			                    "case %s: 'expect adjusted p2-lifetime' but 'run' "
			                    "has no quick step",
			                    c->id);
	}
	return true;
}

/* End of a case or family block: check it and add it (or its expansion) to the set. */
static bool block_close(struct pstate *ps)
{
	struct ik_cpos at = ps->at;
	const struct ik_case *dup;

	if (!ps->open)
		return true;
	ps->open = false;
	at.line = ps->cur.line;
	if (!block_check(ps, &at))
		return false;
	if (ps->family)
		return ik_family_expand(ps->cs, &ps->cur, &ps->fam, &at);
	if ((dup = ik_cases_find(ps->cs, ps->cur.id)))
		return ik_case_fail(&at, "case id %s already used at %s:%u", ps->cur.id, dup->file,
		                    dup->line);
	struct ik_case *c = ik_caseset_push(ps->cs);
	if (!c)
		return ik_case_fail(&at, "out of memory");
	*c = ps->cur;
	return true;
}

static bool block_open(struct pstate *ps, enum kw kw, const char *v)
{
	struct ik_case *c = &ps->cur;

	if (!block_close(ps))
		return false;
	memset(c, 0, sizeof(*c));
	ps->open = true;
	ps->seen = 0;
	ps->family = kw == KW_FAMILY;
	snprintf(c->file, sizeof(c->file), "%s", ps->at.file);
	snprintf(c->area, sizeof(c->area), "%s", ps->area);
	c->line = ps->at.line;
	c->dut_role = IK_RESPONDER;
	if (ps->family)
		return ik_family_parse(&ps->fam, v, &ps->at);
	if (!*v || strchr(v, ' ') || strchr(v, '\t'))
		return ik_case_fail(&ps->at,
		                    "case: expected one id after 'case' (e.g. MM-PSK-004), "
		                    "got '%s'",
		                    v);
	if (strlen(v) >= sizeof(c->id) || !ik_case_word_ok(v))
		return ik_case_fail(&ps->at,
		                    "case id '%s': expected up to %zu letters, digits, '-', "
		                    "'_' or '.'",
		                    v, sizeof(c->id) - 1);
	snprintf(c->id, sizeof(c->id), "%s", v);
	return true;
}

/* One statement: "keyword value..." (continuations already joined). */
static bool statement(struct pstate *ps, char *s)
{
	size_t n = strcspn(s, " \t");
	const struct keyword *k = keyword_of(s, n);
	char *v = s + n;

	while (*v == ' ' || *v == '\t')
		v++;
	if (!k) {
		char list[160] = "";
		for (size_t i = 0; i < IK_ARRAY_SIZE(keywords); i++)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
			         i ? ", " : "", keywords[i].name);
		return ik_case_fail(&ps->at, "unknown keyword '%.*s' (expected one of: %s)",
		                    (int)(n > 40 ? 40 : n), s, list);
	}
	if (k->kw == KW_CASE || k->kw == KW_FAMILY)
		return block_open(ps, k->kw, v);
	if (!ps->open)
		return ik_case_fail(&ps->at,
		                    "'%s' outside a case: a block starts with 'case ID' or "
		                    "'family ID-{n} fields MSG ops OP...'",
		                    k->name);
	if (!k->repeat && (ps->seen & (1u << k->kw)))
		return ik_case_fail(&ps->at, "'%s' given twice in case %s", k->name,
		                    ps->family ? ps->fam.pattern : ps->cur.id);
	if (!*v)
		return ik_case_fail(&ps->at, "'%s' needs a value", k->name);
	ps->seen |= 1u << k->kw;
	return k->parse(&ps->cur, v, &ps->at);
}

/* Cut a trailing comment: '#' after a blank and before a blank or the end. */
static void cut_comment(char *s)
{
	for (char *p = s; (p = strchr(p, '#')); p++)
		if (p > s && (p[-1] == ' ' || p[-1] == '\t') &&
		    (!p[1] || p[1] == ' ' || p[1] == '\t')) {
			*p = 0;
			return;
		}
}

static unsigned indent_of(const char *s)
{
	unsigned col = 0;
	for (; *s == ' ' || *s == '\t'; s++)
		col = *s == '\t' ? (col / 8 + 1) * 8 : col + 1;
	return col;
}

/* The statement being assembled from a keyword line and its continuations. */
struct reader {
	char stmt[STMT_MAX];
	unsigned line, indent;
	bool have;
};

static bool flush(struct pstate *ps, struct reader *r)
{
	if (!r->have)
		return true;
	r->have = false;
	ps->at.line = r->line;
	return statement(ps, r->stmt);
}

/* Process one physical line (no newline); flushes the pending statement when a new one starts. */
static bool physical_line(struct pstate *ps, struct reader *r, char *line, unsigned lineno)
{
	char *p = line + strspn(line, " \t");

	ps->at.line = lineno;
	for (const unsigned char *q = (const unsigned char *)line; *q; q++)
		if (*q < 0x20 && *q != '\t' && *q != '\r')
			return ik_case_fail(&ps->at, "control character 0x%02x: not a text line",
			                    *q);
	if (*p == '#' || !*p)
		return true;
	cut_comment(line);
	ik_rtrim(line);
	if (!*p)
		return true;
	size_t w = strcspn(p, " \t");
	if (*p == '|' && !r->have)
		return ik_case_fail(&ps->at,
		                    "'|' continues a value, but no keyword line comes "
		                    "before it");
	if (r->have && (*p == '|' || (indent_of(line) > r->indent && !keyword_of(p, w)))) {
		if (strlen(r->stmt) + 1 + strlen(p) >= sizeof(r->stmt))
			return ik_case_fail(&ps->at, "statement longer than %zu characters",
			                    sizeof(r->stmt) - 1);
		strcat(r->stmt, " ");
		strcat(r->stmt, p);
		return true;
	}
	if (!flush(ps, r))
		return false;
	snprintf(r->stmt, sizeof(r->stmt), "%s", p);
	r->line = lineno;
	r->indent = indent_of(line);
	r->have = true;
	return true;
}

bool ik_cases_parse(struct ik_caseset *cs, const char *text, size_t len, const char *file,
                    const char *area, struct ik_status *st)
{
	struct pstate *ps = calloc(1, sizeof(*ps));
	struct reader *r = calloc(1, sizeof(*r));
	char line[STMT_MAX];
	unsigned lineno = 0;
	bool ok = ps && r;
	size_t pos = 0;

	ik_status_clear(st);
	if (!ok) {
		free(ps);
		free(r);
		return ik_fail(st, 0, "%s:0: out of memory", file);
	}
	ps->cs = cs;
	ps->area = area ? area : "";
	ps->at = (struct ik_cpos){file, 0, st};
	while (ok && pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t e = nl ? (size_t)(nl - text) : len;
		lineno++;
		ps->at.line = lineno;
		if (e - pos >= sizeof(line))
			ok = ik_case_fail(&ps->at, "line longer than %zu characters",
			                  sizeof(line) - 1);
		else if (memchr(text + pos, 0, e - pos))
			ok = ik_case_fail(&ps->at, "NUL byte: not a text file");
		if (!ok)
			break;
		memcpy(line, text + pos, e - pos);
		line[e - pos] = 0;
		if (lineno == 1 && !strncmp(line, "\xef\xbb\xbf", 3))
			memmove(line, line + 3, e - pos - 2); /* a UTF-8 byte order mark */
		pos = e + 1;
		ok = physical_line(ps, r, line, lineno);
	}
	ok = ok && flush(ps, r);
	if (ok) {
		ps->at.line = lineno;
		ok = block_close(ps);
	}
	free(ps);
	free(r);
	return ok;
}

/* --- loading a directory tree ------------------------------------------------------------- */

struct flist {
	char **v;
	size_t n, cap;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcmp(s + a - b, suf);
}

/* Collect every *.case below dir (no symlink loops: depth limited). */
static bool collect(struct flist *fl, const char *dir, int depth, struct ik_status *st)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return ik_fail(st, 0, "%s:0: cannot open directory: %s", dir, strerror(errno));
	if (depth > 8) {
		closedir(d);
		return ik_fail(st, 0, "%s:0: directories nested too deep", dir);
	}
	while ((de = readdir(d))) {
		char path[512];
		struct stat sb;
		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
		            sizeof(path) ||
		    stat(path, &sb))
			continue;
		if (S_ISDIR(sb.st_mode)) {
			if (!collect(fl, path, depth + 1, st)) {
				closedir(d);
				return false;
			}
		} else if (S_ISREG(sb.st_mode) && ends_with(de->d_name, ".case")) {
			if (fl->n == fl->cap) {
				size_t cap = fl->cap ? fl->cap * 2 : 64;
				char **v = realloc(fl->v, cap * sizeof(*v));
				if (!v)
					break;
				fl->v = v;
				fl->cap = cap;
			}
			if (!(fl->v[fl->n] = strdup(path)))
				break;
			fl->n++;
		}
	}
	closedir(d);
	return true;
}

static bool read_file(const char *path, char **text, size_t *len, struct ik_status *st)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		return ik_fail(st, 0, "%s:0: cannot open: %s", path, strerror(errno));
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || n > (1L << 22) ||
	    fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return ik_fail(st, 0, "%s:0: cannot read, or larger than 4 MiB", path);
	}
	*text = malloc((size_t)n + 1);
	if (!*text || fread(*text, 1, (size_t)n, f) != (size_t)n) {
		free(*text);
		fclose(f);
		return ik_fail(st, 0, "%s:0: cannot read", path);
	}
	fclose(f);
	*len = (size_t)n;
	return true;
}

/* The area: the first directory below the root, or the root's own name for files in it. */
static void area_of(const char *root, const char *path, char *area, size_t n)
{
	size_t rl = strlen(root);
	const char *rel = path + rl + (path[rl] == '/');
	const char *slash = strchr(rel, '/');

	while (rl > 1 && root[rl - 1] == '/')
		rl--;
	if (slash) {
		snprintf(area, n, "%.*s", (int)(slash - rel), rel);
	} else {
		const char *b = root + rl;
		while (b > root && b[-1] != '/')
			b--;
		snprintf(area, n, "%.*s", (int)(root + rl - b), b);
	}
}

bool ik_cases_load(struct ik_caseset *cs, const char *dir, struct ik_status *st)
{
	struct flist fl = {0};
	char root[512];
	struct stat sb;
	bool ok = true;

	ik_status_clear(st);
	if (stat(dir, &sb))
		return ik_fail(st, 0, "%s:0: %s", dir, strerror(errno));
	snprintf(root, sizeof(root), "%s", dir);
	if (S_ISREG(sb.st_mode)) { /* one file: its directory is the root, its name the area */
		char *slash = strrchr(root, '/');
		if (slash)
			*slash = 0;
		else
			snprintf(root, sizeof(root), ".");
		fl.v = malloc(sizeof(char *));
		if (!fl.v || !(fl.v[0] = strdup(dir)))
			ok = ik_fail(st, 0, "%s:0: out of memory", dir);
		else
			fl.n = 1;
	} else {
		ok = collect(&fl, dir, 0, st);
	}
	if (fl.n)
		qsort(fl.v, fl.n, sizeof(*fl.v), cmp_str);
	for (size_t i = 0; ok && i < fl.n; i++) {
		char *text = NULL, area[32];
		size_t len = 0;
		area_of(root, fl.v[i], area, sizeof(area));
		ok = read_file(fl.v[i], &text, &len, st) &&
		     ik_cases_parse(cs, text, len, fl.v[i], area, st);
		free(text);
	}
	for (size_t i = 0; i < fl.n; i++)
		free(fl.v[i]);
	free(fl.v);
	if (!ok)
		ik_cases_free(cs);
	return ok;
}

/* GLOB is a comma-separated list of fnmatch patterns; a pattern with a leading '!' excludes.
 * A case is kept when it matches no exclusion and, if there is any plain pattern, one of them
 * ("MM-*,QM-*", "!FZ-*"). */
static bool glob_keeps(const char *glob, const char *id)
{
	char pat[128];
	bool any_plain = false, hit = false;

	for (const char *p = glob; *p;) {
		size_t n = strcspn(p, ",");
		if (n && n < sizeof(pat)) {
			memcpy(pat, p, n);
			pat[n] = 0;
			bool neg = pat[0] == '!';
			if (neg && !fnmatch(pat + 1, id, 0))
				return false;
			if (!neg) {
				any_plain = true;
				hit = hit || !fnmatch(pat, id, 0);
			}
		}
		p += n + (p[n] == ',');
	}
	return !any_plain || hit;
}

void ik_cases_filter(struct ik_caseset *cs, const char *glob, int level)
{
	size_t k = 0;

	for (size_t i = 0; i < cs->n; i++) {
		const struct ik_case *c = &cs->c[i];
		if (glob && !glob_keeps(glob, c->id))
			continue;
		if (level >= 0 && (int)c->level > level)
			continue;
		if (k != i)
			cs->c[k] = *c;
		k++;
	}
	cs->n = k;
}
