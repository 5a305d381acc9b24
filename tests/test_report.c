/*
 * Result records and report writers (reports/): the JSON Lines writer and strict loader round
 * trip byte for byte (every byte value, a torn last line, errors that name line and problem),
 * and the text, JUnit and JSON reports of tests/fixtures/results.jsonl equal the golden files
 * under tests/golden/reports/ byte for byte. `test_report --regen` rewrites the golden files
 * (review the change with `git diff`).
 */
#include "cunit.h"
#include "consts.h"
#include "json.h"
#include "report.h"
#include "result.h"
#include "result_ladder.h"
#include "where.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define FIXTURE "tests/fixtures/results.jsonl"
#define GOLDEN  "tests/golden/reports/"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(1 << 20);
	*len = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
	if (buf)
		buf[*len] = 0;
	fclose(f);
	return buf;
}

static bool write_file(const char *path, const char *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return false;
	bool ok = fwrite(p, 1, n, f) == n;
	return fclose(f) == 0 && ok;
}

/* Render with fn into a malloc'ed string. */
static char *render(bool (*fn)(FILE *, const struct ik_results *), const struct ik_results *rs,
                    size_t *len)
{
	char *s = NULL;
	FILE *m = open_memstream(&s, len);
	bool ok = m && fn(m, rs);
	if (m)
		fclose(m);
	CU_ASSERT(ok);
	return s;
}

/* The records as results.jsonl text (what the runner would have written). */
static bool write_jsonl(FILE *f, const struct ik_results *rs)
{
	/* The runner writes the run record before it knows how the run ends. */
	struct ik_run_info start = rs->run;
	start.finished[0] = 0;
	start.duration_s = 0;
	bool ok = ik_result_write_run(f, &start);
	for (size_t i = 0; i < rs->n; i++)
		ok = ok && ik_result_write_case(f, &rs->r[i]);
	if (rs->run.complete)
		ok = ok &&
		     ik_result_write_end(f, rs->run.finished, rs->run.duration_s, rs->run.stopped);
	return ok;
}

static bool load_fixture(struct ik_results *rs)
{
	char err[300];
	memset(rs, 0, sizeof(*rs));
	bool ok = ik_results_load(rs, FIXTURE, err, sizeof(err));
	if (!ok)
		fprintf(stderr, "load_fixture: %s\n", err);
	return ok;
}

static void test_verdict_names(void)
{
	static const char *const names[] = {"PASS", "FAIL", "WARN", "SKIP", "ERROR"};
	for (unsigned v = 0; v < IK_V__N; v++) {
		enum ik_verdict got;
		CU_ASSERT_STRING_EQUAL(ik_verdict_name((enum ik_verdict)v), names[v]);
		CU_ASSERT(ik_verdict_parse(names[v], &got) && got == v);
	}
	enum ik_verdict got = IK_V_PASS;
	CU_ASSERT(ik_verdict_parse("error", &got) && got == IK_V_ERROR);
	CU_ASSERT(!ik_verdict_parse("PASSED", &got));
	CU_ASSERT(!ik_verdict_parse("", &got));
	CU_ASSERT_STRING_EQUAL(ik_verdict_name(IK_V__N), "?");
	CU_ASSERT(ik_verdict_bad(IK_V_FAIL) && ik_verdict_bad(IK_V_ERROR));
	CU_ASSERT(!ik_verdict_bad(IK_V_WARN) && !ik_verdict_bad(IK_V_SKIP));
}

/* The fixture is written in the writer's own format: load + write gives the same bytes. */
static void test_fixture_round_trip(void)
{
	struct ik_results rs;
	CU_ASSERT_FATAL(load_fixture(&rs));
	CU_ASSERT_EQUAL(rs.n, 9);
	CU_ASSERT(rs.run.complete);
	CU_ASSERT(!rs.torn);
	CU_ASSERT_STRING_EQUAL(rs.run.finished, "2026-11-23T10:00:13Z");
	const struct ik_result *r = ik_results_find(&rs, "QM-BAD-ID-005");
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->verdict, IK_V_FAIL);
	CU_ASSERT_EQUAL(r->nladder, 8);
	CU_ASSERT_STRING_EQUAL(r->ladder[7].notify, "INVALID-ID-INFORMATION (18)");
	CU_ASSERT(!r->ladder[7].sent && r->ladder[6].sent);
	size_t n, flen;
	char *s = render(write_jsonl, &rs, &n);
	char *want = slurp(FIXTURE, &flen);
	CU_ASSERT_FATAL(s && want);
	CU_ASSERT_EQUAL(n, flen);
	CU_ASSERT(n == flen && !memcmp(s, want, n));
	free(s);
	s = render(ik_results_write, &rs, &n);
	CU_ASSERT(n == flen && !memcmp(s, want, n));
	free(s);
	free(want);
	ik_results_free(&rs);
}

/* Every byte value 0x01..0xff in a string survives write + load, and the line is ASCII. */
static void test_escaping_round_trip(void)
{
	struct ik_results rs = {0}, back = {0};
	snprintf(rs.run.dut, sizeof(rs.run.dut), "dut \"q\" \\ /");
	struct ik_result *r = ik_results_add(&rs);
	CU_ASSERT_FATAL(r != NULL);
	snprintf(r->id, sizeof(r->id), "ESC-001");
	for (int i = 1; i < 256; i++)
		r->evidence[i - 1] = (char)i;
	r->verdict = IK_V_WARN;
	r->nladder = 1;
	snprintf(r->ladder[0].note, sizeof(r->ladder[0].note), "\x1b[2J\t\"<\xc3\xa9>\xff");
	r->ladder[0].retransmit = true;
	r->ladder[0].t_s = 1.5;
	char path[] = "/tmp/test_report_XXXXXX";
	int fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	FILE *f = fdopen(fd, "w");
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT(write_jsonl(f, &rs));
	fclose(f);
	size_t n;
	char *text = slurp(path, &n);
	CU_ASSERT_FATAL(text != NULL);
	for (size_t i = 0; i < n; i++)
		CU_ASSERT((text[i] >= 0x20 && text[i] < 0x7f) || text[i] == '\n');
	CU_ASSERT(strstr(text, "\\u001b[2J\\t\\\"<\\u00c3\\u00a9>\\u00ff") != NULL);
	char err[300];
	CU_ASSERT_FATAL(ik_results_load(&back, path, err, sizeof(err)));
	CU_ASSERT_EQUAL(back.n, 1);
	CU_ASSERT_STRING_EQUAL(back.run.dut, rs.run.dut);
	CU_ASSERT_STRING_EQUAL(back.r[0].evidence, r->evidence);
	CU_ASSERT_STRING_EQUAL(back.r[0].ladder[0].note, r->ladder[0].note);
	CU_ASSERT(back.r[0].ladder[0].retransmit && back.r[0].ladder[0].t_s == 1.5);
	CU_ASSERT_EQUAL(back.r[0].verdict, IK_V_WARN);
	CU_ASSERT(!back.run.complete); /* no end record written */
	/* report.json (UTF-8 passed through) loads back to the same bytes too. */
	char *js = render(ik_report_json, &rs, &n);
	CU_ASSERT(strstr(js, "<\xc3\xa9>\\u00ff") != NULL);
	CU_ASSERT(write_file(path, js, n));
	ik_results_free(&back);
	CU_ASSERT_FATAL(ik_results_load(&back, path, err, sizeof(err)));
	CU_ASSERT_STRING_EQUAL(back.r[0].evidence, r->evidence);
	CU_ASSERT_STRING_EQUAL(back.r[0].ladder[0].note, r->ladder[0].note);
	free(js);
	free(text);
	unlink(path);
	ik_results_free(&back);
	ik_results_free(&rs);
}

/* A kill mid-write leaves the last line without its newline: ignored, the rest kept. */
static void test_torn_last_line(void)
{
	size_t flen;
	char *full = slurp(FIXTURE, &flen);
	CU_ASSERT_FATAL(full != NULL);
	/* Cut inside the end record, inside the last case, right after a case's newline. */
	const char *end_rec = strstr(full, "{\"type\":\"end\"");
	const char *last_case = strstr(full, "{\"type\":\"case\",\"id\":\"INFO-DPD-001\"");
	CU_ASSERT_FATAL(end_rec && last_case);
	const struct {
		size_t cut;
		size_t want_n;
		bool torn;
	} cuts[] = {
		{(size_t)(end_rec - full) + 20, 9, true},
		{(size_t)(last_case - full) + 300, 8, true},
		{(size_t)(last_case - full), 8, false},
		{flen - 1, 9, false}, /* only the final newline lost: the record is whole */
	};
	char path[] = "/tmp/test_report_XXXXXX";
	int fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		struct ik_results rs = {0};
		char err[300] = "";
		CU_ASSERT_FATAL(write_file(path, full, cuts[i].cut));
		bool ok = ik_results_load(&rs, path, err, sizeof(err));
		CU_ASSERT(ok);
		if (!ok)
			fprintf(stderr, "cut %zu: %s\n", i, err);
		CU_ASSERT_EQUAL(rs.n, cuts[i].want_n);
		CU_ASSERT_EQUAL(rs.torn, cuts[i].torn);
		CU_ASSERT_EQUAL(rs.run.complete, i == 3);
		/* A stopped run still renders. */
		size_t n;
		char *txt = render(ik_report_text, &rs, &n);
		CU_ASSERT(i == 3 || strstr(txt, "INTERRUPTED") != NULL);
		free(txt);
		ik_results_free(&rs);
	}
	unlink(path);
	free(full);
}

#define RUN     "{\"type\":\"run\",\"dut\":\"d\"}\n"
#define CASE(x) "{\"type\":\"case\",\"id\":\"C1\",\"verdict\":\"PASS\"" x "}\n"

/* Bad files: refused, and the error names the line and the problem. */
static void test_strict_errors(void)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{"", "no \"run\" record"},
		{CASE(""), ":1: a \"case\" record before the \"run\" record"},
		{RUN CASE(",\"colour\":\"red\""), ":2: unknown field \"colour\""},
		{RUN "{\"type\":\"case\",\"id\":\"C1\",\"verdict\":\"MAYBE\"}\n",
	         ":2: unknown verdict"},
		{RUN "{\"type\":\"case\",\"id\":\"C1\"}\n", ":2: a case record needs"},
		{RUN CASE(",\"title\":1"), ":2: field \"title\" must be a string, not a number"},
		{RUN CASE(",\"id\":\"C2\""), ":2: at byte 46: duplicate key \"id\""},
		{RUN CASE("") CASE(""), ":3: case C1 appears twice"},
		{RUN RUN, ":2: a second \"run\" record"},
		{RUN "{\"type\":\"end\"}\n" CASE(""), ":3: a record after the \"end\" record"},
		{RUN CASE(",") CASE(""), ":2: at byte 42: expected a key string"},
		{RUN "{\"type\":\"run\" x\n" CASE(""), ":2: at byte 14: expected ',' or '}'"},
		{RUN CASE(",\"duration_s\":01"), ":2: at byte 56: expected ',' or '}'"},
		{RUN CASE(",\"title\":\"\\u0000\""), "\\u0000 is not allowed"},
		{RUN CASE(",\"title\":\"\\ud800x\""), "high surrogate not followed"},
		{RUN CASE(",\"title\":\"a\tb\""), "raw control character 0x09"},
		{RUN CASE(",\"ladder\":{}"), "\"ladder\" must be an array"},
		{RUN CASE(",\"ladder\":[{\"sent\":\"yes\"}]"),
	         "ladder rung 0: field \"sent\" must be a boolean"},
		{RUN CASE(",\"id\":\"0123456789012345678901234567890123\""), "duplicate key"},
		{RUN "{\"type\":\"case\",\"id\":\"0123456789012345678901234567890123\",\"verdict\":"
	             "\"PASS\"}\n",
	         "field \"id\" is 34 bytes, at most 31"},
		{RUN "{\"type\":\"bogus\"}\n", "unknown record type \"bogus\""},
		{RUN CASE(",\"duration_s\":1e999"), "field \"duration_s\" is out of range"},
		{RUN "[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]\n", "nested deeper than 16"},
		{"{\"format\":\"ikecheck-report\",\"run\":{},\"cases\":{}}", "needs \"run\" and a"},
		{"{\"format\":\"other\",\"run\":{},\"cases\":[]}", "not an ikecheck report"},
	};
	char path[] = "/tmp/test_report_XXXXXX";
	int fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ik_results rs = {0};
		char err[300] = "";
		CU_ASSERT_FATAL(write_file(path, bad[i].text, strlen(bad[i].text)));
		bool ok = ik_results_load(&rs, path, err, sizeof(err));
		CU_ASSERT(!ok);
		CU_ASSERT(strstr(err, bad[i].want) != NULL);
		if (ok || !strstr(err, bad[i].want))
			fprintf(stderr, "bad[%zu]: got \"%s\", wanted \"%s\"\n", i, err,
			        bad[i].want);
		CU_ASSERT(strncmp(err, path, strlen(path)) == 0);
		CU_ASSERT_EQUAL(rs.n, 0);
		ik_results_free(&rs);
	}
	unlink(path);
	struct ik_results rs = {0};
	char err[300];
	CU_ASSERT(!ik_results_load(&rs, "/nonexistent/results.jsonl", err, sizeof(err)));
	CU_ASSERT(strstr(err, "No such file") != NULL);
}

static void test_json_reader(void)
{
	static const struct {
		const char *text;
		bool ok;
	} cases[] = {
		{"0", true},
		{"-0.5e+3", true},
		{"[1, 2.25, -3e2]", true},
		{"\"\\ud83d\\ude00\"", true},
		{"{\"a\":[true,false,null]}", true},
		{" {} ", true},
		{"01", false},
		{"1.", false},
		{".5", false},
		{"+1", false},
		{"[1,]", false},
		{"{\"a\":1,}", false},
		{"nul", false},
		{"\"abc", false},
		{"[1] x", false},
		{"\"\\x\"", false},
		{"", false},
		{"NaN", false},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ik_json j;
		char err[200];
		bool ok = ik_json_parse(cases[i].text, strlen(cases[i].text), &j, err, sizeof(err));
		CU_ASSERT_EQUAL(ok, cases[i].ok);
		if (ok != cases[i].ok)
			fprintf(stderr, "json[%zu] %s: %s\n", i, cases[i].text, err);
		ik_json_free(&j);
	}
	struct ik_json j;
	char err[200];
	const char *s = "{\"n\":-12.5,\"s\":\"\\ud83d\\ude00\\u00e9\"}";
	CU_ASSERT_FATAL(ik_json_parse(s, strlen(s), &j, err, sizeof(err)));
	CU_ASSERT(ik_json_get(&j, "n")->num == -12.5);
	CU_ASSERT_STRING_EQUAL(ik_json_get(&j, "s")->str, "\xf0\x9f\x98\x80\xe9");
	CU_ASSERT(ik_json_get(&j, "x") == NULL);
	ik_json_free(&j);
}

static void test_counts(void)
{
	struct ik_results rs;
	struct ik_counts c;
	CU_ASSERT_FATAL(load_fixture(&rs));
	CU_ASSERT_FATAL(ik_counts_make(&c, &rs));
	CU_ASSERT_EQUAL(c.all.total, 9);
	CU_ASSERT_EQUAL(c.all.v[IK_V_PASS], 4);
	CU_ASSERT_EQUAL(c.all.v[IK_V_FAIL], 2);
	CU_ASSERT_EQUAL(c.all.v[IK_V_ERROR], 1);
	CU_ASSERT_EQUAL(c.narea, 4);
	CU_ASSERT_STRING_EQUAL(c.area[0].name, "AM");
	CU_ASSERT_STRING_EQUAL(c.area[3].name, "QM");
	CU_ASSERT_EQUAL(c.area[2].t.total, 4); /* MM */
	CU_ASSERT_EQUAL(c.nlevel, 4);
	static const char *const lv[] = {"MUST", "SHOULD", "MAY", "ADVISORY"};
	for (size_t i = 0; i < 4; i++)
		CU_ASSERT_STRING_EQUAL(c.level[i].name, lv[i]);
	CU_ASSERT_EQUAL(c.level[0].t.v[IK_V_FAIL], 2);
	ik_counts_free(&c);
	ik_results_free(&rs);
}

/* Two shards (alternate cases) merged equal the whole, sorted by id. */
static void test_merge(void)
{
	struct ik_results whole, a = {0}, b = {0};
	char err[300];
	CU_ASSERT_FATAL(load_fixture(&whole));
	a.run = b.run = whole.run;
	snprintf(a.run.shard, sizeof(a.run.shard), "1/2");
	snprintf(b.run.shard, sizeof(b.run.shard), "2/2");
	for (size_t i = 0; i < whole.n; i++)
		*ik_results_add(i % 2 ? &b : &a) = whole.r[i];
	CU_ASSERT_FATAL(ik_results_merge(&a, &b, err, sizeof(err)));
	ik_results_sort(&whole);
	CU_ASSERT_EQUAL(a.n, whole.n);
	for (size_t i = 0; i < a.n && i < whole.n; i++)
		CU_ASSERT_STRING_EQUAL(a.r[i].id, whole.r[i].id);
	CU_ASSERT_STRING_EQUAL(a.run.shard, "merged");
	CU_ASSERT(!ik_results_merge(&a, &b, err, sizeof(err)));
	CU_ASSERT(strstr(err, "is in two result files") != NULL);
	snprintf(b.run.dut, sizeof(b.run.dut), "other");
	b.n = 0;
	CU_ASSERT(!ik_results_merge(&a, &b, err, sizeof(err)));
	CU_ASSERT(strstr(err, "different DUTs") != NULL);
	ik_results_free(&a);
	ik_results_free(&b);
	ik_results_free(&whole);
}

static void test_baseline(void)
{
	struct ik_results base, cur;
	CU_ASSERT_FATAL(load_fixture(&base));
	CU_ASSERT_FATAL(load_fixture(&cur));
	size_t n;
	char *out = NULL;
	FILE *m = open_memstream(&out, &n);
	CU_ASSERT_EQUAL(ik_report_baseline(m, &cur, &base), 0);
	fclose(m);
	CU_ASSERT(strstr(out, "baseline: 0 new failures, 0 fixed, 0 changed, 0 not run") != NULL);
	free(out);
	/* One newly failing, one fixed, one with another reason, one gone. */
	struct ik_result *r = (struct ik_result *)ik_results_find(&cur, "MM-BASE-001");
	r->verdict = IK_V_FAIL;
	snprintf(r->reason, sizeof(r->reason), "now broken");
	((struct ik_result *)ik_results_find(&cur, "MM-LIFE-003"))->verdict = IK_V_PASS;
	r = (struct ik_result *)ik_results_find(&cur, "QM-BAD-ID-005");
	snprintf(r->reason, sizeof(r->reason), "another reason");
	cur.n--; /* INFO-DPD-001, the last one */
	m = open_memstream(&out, &n);
	CU_ASSERT_EQUAL(ik_report_baseline(m, &cur, &base), 1);
	fclose(m);
	CU_ASSERT(strstr(out,
	                 "new failures:\n  FAIL  MM-BASE-001 (was PASS)\n        now: now "
	                 "broken\n") != NULL);
	CU_ASSERT(strstr(out, "fixed:\n  PASS  MM-LIFE-003 (was FAIL)") != NULL);
	CU_ASSERT(strstr(out,
	                 "changed verdict or reason:\n  FAIL  QM-BAD-ID-005 (was FAIL)\n"
	                 "        now: another reason\n        was: the DUT answered") != NULL);
	CU_ASSERT(strstr(out, "not in this run:\n  PASS  INFO-DPD-001") != NULL);
	CU_ASSERT(strstr(out, "baseline: 1 new failures, 1 fixed, 1 changed, 1 not run") != NULL);
	free(out);
	ik_results_free(&cur);
	ik_results_free(&base);
}

static void test_progress(void)
{
	struct ik_results rs;
	CU_ASSERT_FATAL(load_fixture(&rs));
	size_t n;
	char *out = NULL;
	FILE *m = open_memstream(&out, &n);
	ik_report_progress(m, false, 1, 9, &rs.r[0]);
	ik_report_progress_end(m, false);
	fclose(m);
	CU_ASSERT_EQUAL(n, 0); /* not a terminal: quiet */
	free(out);
	m = open_memstream(&out, &n);
	ik_report_progress(m, true, 1, 9, &rs.r[0]);
	ik_report_progress(m, true, 2, 150, &rs.r[1]);
	snprintf(rs.r[2].title, sizeof(rs.r[2].title), "evil \x1b[2J title");
	ik_report_progress(m, true, 3, 150, &rs.r[2]);
	ik_report_progress_end(m, true);
	fclose(m);
	CU_ASSERT(strncmp(out, "\r[ 1/9] PASS  MM-BASE-001 Main mode", 35) == 0);
	CU_ASSERT(strstr(out, "\r[  2/150] FAIL  MM-LIFE-003 A responder") != NULL);
	CU_ASSERT(strstr(out, "\033[K\n") != NULL);        /* the FAIL stays on screen */
	CU_ASSERT(strstr(out, "evil ?[2J title") != NULL); /* no escape from the DUT */
	CU_ASSERT(strcmp(out + n - 4, "\r\033[K") == 0);
	free(out);
	ik_results_free(&rs);
}

/* A run killed (SIGKILL) after three verdicts: the file holds exactly those, and renders. */
static void test_killed_writer(void)
{
	struct ik_results fx;
	CU_ASSERT_FATAL(load_fixture(&fx));
	char path[] = "/tmp/test_report_XXXXXX";
	int fd = mkstemp(path), sync[2];
	CU_ASSERT_FATAL(fd >= 0 && pipe(sync) == 0);
	fflush(NULL);
	pid_t pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		FILE *f = fdopen(fd, "w");
		bool ok = f && ik_result_write_run(f, &fx.run);
		for (size_t i = 0; ok && i < 3; i++)
			ok = ik_result_write_case(f, &fx.r[i]);
		if (write(sync[1], ok ? "y" : "n", 1) != 1)
			_exit(1);
		for (;;)
			pause(); /* "still running" until killed: no end record, no exit path */
	}
	close(fd);
	char c = 0;
	CU_ASSERT(read(sync[0], &c, 1) == 1 && c == 'y');
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(sync[0]);
	close(sync[1]);
	struct ik_results rs = {0};
	char err[300];
	CU_ASSERT_FATAL(ik_results_load(&rs, path, err, sizeof(err)));
	CU_ASSERT_EQUAL(rs.n, 3);
	CU_ASSERT(!rs.run.complete && !rs.torn);
	CU_ASSERT_STRING_EQUAL(rs.r[2].id, fx.r[2].id);
	size_t n;
	char *txt = render(ik_report_text, &rs, &n);
	CU_ASSERT(strstr(txt, "INTERRUPTED") != NULL && strstr(txt, "\n3 cases:") != NULL);
	free(txt);
	unlink(path);
	ik_results_free(&rs);
	ik_results_free(&fx);
}

/* The engine's ladder becomes rungs with RFC names, IOS states and notify names. */
static void test_ladder_from_engine(void)
{
	struct ik_ladder l;
	struct ik_result *r = calloc(1, sizeof(*r));
	CU_ASSERT_FATAL(r != NULL);
	ik_ladder_init(&l);
	for (int m = 1; m <= 2; m++) {
		struct ik_rung *g = ik_ladder_add(&l, m == 1, IK_X_MAIN, m);
		CU_ASSERT_FATAL(g != NULL);
		snprintf(g->payloads, sizeof(g->payloads), "HDR, SA");
	}
	struct ik_rung *g = ik_ladder_add(&l, false, IK_X_INFO, 0);
	CU_ASSERT_FATAL(g != NULL);
	g->notify = IK_NOTIFY_NO_PROPOSAL_CHOSEN;
	ik_result_set_ladder(r, &l);
	CU_ASSERT_EQUAL(r->nladder, 3);
	CU_ASSERT_STRING_EQUAL(r->ladder[0].msg, "MM1");
	CU_ASSERT(r->ladder[0].sent && !r->ladder[1].sent);
	CU_ASSERT_STRING_EQUAL(r->ladder[1].state, ik_ios_state(IK_X_MAIN, 2));
	CU_ASSERT_STRING_EQUAL(r->ladder[1].payloads, "HDR, SA");
	CU_ASSERT_STRING_EQUAL(r->ladder[2].msg, "INFO");
	CU_ASSERT_STRING_EQUAL(r->ladder[2].notify, "NO-PROPOSAL-CHOSEN (14)");
	/* A retransmission storm: 60 messages keep the start and the end. */
	for (int i = 0; i < 57; i++) {
		g = ik_ladder_add(&l, true, IK_X_MAIN, 5);
		CU_ASSERT_FATAL(g != NULL);
		g->retransmit = true;
	}
	snprintf(l.rungs[59].note, sizeof(l.rungs[59].note), "the last one");
	ik_result_set_ladder(r, &l);
	CU_ASSERT_EQUAL(r->nladder, IK_RESULT_MAX_RUNGS);
	CU_ASSERT_STRING_EQUAL(r->ladder[0].msg, "MM1");
	CU_ASSERT_STRING_EQUAL(r->ladder[IK_RESULT_MAX_RUNGS / 2].msg, "...");
	CU_ASSERT(strstr(r->ladder[IK_RESULT_MAX_RUNGS / 2].note, "13 messages left out") != NULL);
	CU_ASSERT_STRING_EQUAL(r->ladder[IK_RESULT_MAX_RUNGS - 1].note, "the last one");
	CU_ASSERT(r->ladder[IK_RESULT_MAX_RUNGS - 1].retransmit);
	ik_ladder_free(&l);
	free(r);
}

static const struct {
	const char *file;
	bool (*fn)(FILE *, const struct ik_results *);
} goldens[] = {
	{GOLDEN "report.txt", ik_report_text},
	{GOLDEN "junit.xml", ik_report_junit},
	{GOLDEN "report.json", ik_report_json},
};

static void test_golden(void)
{
	struct ik_results rs;
	CU_ASSERT_FATAL(load_fixture(&rs));
	for (size_t i = 0; i < sizeof(goldens) / sizeof(goldens[0]); i++) {
		size_t n, glen = 0;
		char *got = render(goldens[i].fn, &rs, &n);
		char *want = slurp(goldens[i].file, &glen);
		CU_ASSERT(want != NULL);
		bool same = want && got && n == glen && !memcmp(got, want, n);
		CU_ASSERT(same);
		if (!same)
			fprintf(stderr,
			        "golden: %s differs (%zu vs %zu bytes); after review: "
			        "build/san/tests/test_report --regen\n",
			        goldens[i].file, n, glen);
		free(got);
		free(want);
	}
	ik_results_free(&rs);
}

/* The HTML: one file, nothing fetched, and no DUT string able to leave its element. */
static void test_html(void)
{
	struct ik_results rs;
	CU_ASSERT_FATAL(load_fixture(&rs));
	size_t n;
	char *h = render(ik_report_html, &rs, &n);
	CU_ASSERT_FATAL(h != NULL);
	CU_ASSERT(strncmp(h, "<!DOCTYPE html>", 15) == 0);
	CU_ASSERT(strstr(h, "<script>alert") == NULL);
	CU_ASSERT(strstr(h, "<img src=x>") == NULL);
	CU_ASSERT(strstr(h, "src=\"http") == NULL && strstr(h, "href=\"http") == NULL);
	CU_ASSERT(strstr(h, "default-src 'none'") != NULL);
	const char *island = strstr(h, "<script type=\"application/json\" id=\"ik-data\">");
	CU_ASSERT_FATAL(island != NULL);
	island = strchr(island, '>') + 1;
	const char *end = strstr(island, "</script>");
	CU_ASSERT_FATAL(end != NULL);
	CU_ASSERT(memchr(island, '<', (size_t)(end - island)) == NULL);
	struct ik_json j;
	char err[200];
	CU_ASSERT(ik_json_parse(island, (size_t)(end - island), &j, err, sizeof(err)));
	CU_ASSERT_EQUAL(ik_json_get(&j, "cases")->n, 9);
	ik_json_free(&j);
	free(h);
	ik_results_free(&rs);
}

static const struct ik_test tests[] = {
	{"verdict names", test_verdict_names},
	{"fixture round trip", test_fixture_round_trip},
	{"escaping round trip", test_escaping_round_trip},
	{"torn last line", test_torn_last_line},
	{"strict errors", test_strict_errors},
	{"json reader", test_json_reader},
	{"counts", test_counts},
	{"merge shards", test_merge},
	{"baseline", test_baseline},
	{"progress line", test_progress},
	{"ladder from the engine", test_ladder_from_engine},
	{"killed writer", test_killed_writer},
	{"golden reports", test_golden},
	{"html", test_html},
};

static int regen(void)
{
	struct ik_results rs;
	if (!load_fixture(&rs))
		return 1;
	for (size_t i = 0; i < sizeof(goldens) / sizeof(goldens[0]); i++) {
		FILE *f = fopen(goldens[i].file, "w");
		if (!f || !goldens[i].fn(f, &rs) || fclose(f) != 0) {
			fprintf(stderr, "regen: cannot write %s: %s\n", goldens[i].file,
			        strerror(errno));
			return 1;
		}
		printf("regen: wrote %s\n", goldens[i].file);
	}
	ik_results_free(&rs);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--regen"))
		return regen();
	if (argc > 1) {
		fprintf(stderr, "usage: %s [--regen]   (run from the repository root)\n", argv[0]);
		return 2;
	}
	return ik_test_run("report", tests, sizeof(tests) / sizeof(tests[0]));
}
