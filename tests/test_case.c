/*
 * The test language (suite/case.h, docs/writing-cases.md): good cases parse into the fields the
 * runner reads; every bad input is refused with FILE:LINE and what was expected; families expand
 * to one case per (field, operator) from the descriptors; filters by glob and level.
 */
#include "case.h"
#include "consts.h"
#include "cunit.h"
#include "xauth_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HEAD                   \
	"case T-001\n"         \
	"  title  t\n"         \
	"  ref    RFC2409 5\n" \
	"  level  MUST\n"      \
	"  role   dut=responder\n"

/* A binds line that fits every level (appended where a test needs a complete case). */
#define BINDS "  binds  both: \"MUST SHOULD MAY\"\n"

static bool parse(struct ik_caseset *cs, const char *text, struct ik_status *st)
{
	return ik_cases_parse(cs, text, strlen(text), "t.case", "area", st);
}

/* Parse text; when want_why is set the parse must fail saying so. The case parsed, or NULL (a
 * failure checked, or an unexpected one reported with label). */
static const struct ik_case *parse_or_why(struct ik_caseset *cs, const char *text,
                                          const char *want_why, const char *label)
{
	struct ik_status st;
	bool ok = parse(cs, text, &st);
	CU_ASSERT_EQUAL(ok, want_why == NULL);
	if (ok)
		return &cs->c[0];
	CU_ASSERT_PTR_NOT_NULL(want_why ? strstr(st.why, want_why) : NULL);
	if (!want_why || !strstr(st.why, want_why))
		fprintf(stderr, "'%s': %s\n", label, st.why);
	return NULL;
}

static void test_good_case(void)
{
	static const char text[] =
		"# a comment line\n"
		"case MM-LIFE-003   # trailing comment\n"
		"  title    A responder lowers a long lifetime\n"
		"  ref      RFC 2407 4.6.3.1 ; RFC2409 5 ; draft-ietf-ipsec-nat-t-ike-02 3.2\n"
		"  req      DOI-4.5.4-02, IMP-DOI-4.5.4-01\n"
		"  req      ISAKMP-1.5.3-01\n"
		"  level    SHOULD\n"
		"  binds    receiver: \"... SHOULD check ...\" (RFC 2408 5)\n"
		"  role     dut=initiator\n"
		"  needs    aggressive nat_t\n"
		"  needs    pfs\n"
		"  run      main, quick pfs=modp2048, quick nopfs, quick pfs=14, dpd, delete,\n"
		"           initial-contact, wait 500ms\n"
		"  set      phase1.lifetime = 86401\n"
		"  mutate   MM1 SA.P[0].T[0].LIFE_DURATION set:86401\n"
		"  mutate   MM3#1 KE.data set:one\n"
		"  expect   policy strict: rejected at MM1 by notify NO-PROPOSAL-CHOSEN | 14\n"
		"           | PAYLOAD-MALFORMED, or by silence\n"
		"  expect   policy lenient: adjusted p1-lifetime\n"
		"  breaks   any-p1-lifetime ignore-hash\n";
	struct ik_caseset cs = {0};
	struct ik_status st;

	CU_ASSERT_FATAL(parse(&cs, text, &st));
	CU_ASSERT_EQUAL_FATAL(cs.n, 1);
	const struct ik_case *c = &cs.c[0];
	CU_ASSERT_STRING_EQUAL(c->id, "MM-LIFE-003");
	CU_ASSERT_STRING_EQUAL(c->family, "");
	CU_ASSERT_STRING_EQUAL(c->title, "A responder lowers a long lifetime");
	CU_ASSERT_STRING_EQUAL(c->ref,
	                       "RFC2407 4.6.3.1 ; RFC2409 5 ; draft-ietf-ipsec-nat-t-ike-02 3.2");
	CU_ASSERT_STRING_EQUAL(c->req, "DOI-4.5.4-02 IMP-DOI-4.5.4-01 ISAKMP-1.5.3-01");
	CU_ASSERT_STRING_EQUAL(c->area, "area");
	CU_ASSERT_STRING_EQUAL(c->file, "t.case");
	CU_ASSERT_EQUAL(c->line, 2);
	CU_ASSERT_EQUAL(c->level, IK_LVL_SHOULD);
	CU_ASSERT_EQUAL(c->binds_who, IK_BINDS_RECEIVER);
	CU_ASSERT_STRING_EQUAL(c->binds, "\"... SHOULD check ...\" (RFC 2408 5)");
	CU_ASSERT_EQUAL(c->dut_role, IK_INITIATOR);
	CU_ASSERT_EQUAL(c->needs, IK_NEED_AGGRESSIVE | IK_NEED_NAT_T | IK_NEED_PFS);
	CU_ASSERT_EQUAL_FATAL(c->nsteps, 8);
	static const struct ik_case_step want[] = {
		{IK_STEP_MAIN, 0, IK_PROBE_NONE},
		{IK_STEP_QUICK, 14, IK_PROBE_NONE},
		{IK_STEP_QUICK, -1, IK_PROBE_NONE},
		{IK_STEP_QUICK, 14, IK_PROBE_NONE},
		{IK_STEP_DPD, 0, IK_PROBE_NONE},
		{IK_STEP_DELETE, 0, IK_PROBE_NONE},
		{IK_STEP_INITIAL_CONTACT, 0, IK_PROBE_NONE},
		{IK_STEP_WAIT, 500, IK_PROBE_NONE},
	};
	for (size_t i = 0; i < 8; i++) {
		CU_ASSERT_EQUAL(c->steps[i].kind, want[i].kind);
		CU_ASSERT_EQUAL(c->steps[i].arg, want[i].arg);
	}
	CU_ASSERT_EQUAL_FATAL(c->nsets, 1);
	CU_ASSERT_STRING_EQUAL(c->set_key[0], "phase1.lifetime");
	CU_ASSERT_STRING_EQUAL(c->set_val[0], "86401");
	CU_ASSERT_EQUAL_FATAL(c->nmut, 2);
	CU_ASSERT_EQUAL(c->mut[0].xchg, IK_X_MAIN);
	CU_ASSERT_EQUAL(c->mut[0].msg, 1);
	CU_ASSERT_EQUAL(c->mut[0].nth, 0);
	CU_ASSERT_EQUAL(c->mut[1].msg, 3);
	CU_ASSERT_EQUAL(c->mut[1].nth, 1); /* "MM3#1" is not a comment */
	CU_ASSERT_EQUAL_FATAL(c->nexpect, 2);
	const struct ik_expect *e = &c->expect[0];
	CU_ASSERT_EQUAL(e->dim, IK_POL_P1); /* "policy strict:" is p1=strict */
	CU_ASSERT_EQUAL(e->policy, 1);      /* IK_LIFETIME_STRICT + 1 */
	CU_ASSERT_EQUAL(e->kind, IK_EXP_REJECTED);
	CU_ASSERT_EQUAL(e->at_x, IK_X_MAIN);
	CU_ASSERT_EQUAL(e->at_msg, 1);
	CU_ASSERT_EQUAL_FATAL(e->nnotify, 3);
	CU_ASSERT_EQUAL(e->notify[0], IK_NOTIFY_NO_PROPOSAL_CHOSEN);
	CU_ASSERT_EQUAL(e->notify[1], 14);
	CU_ASSERT_EQUAL(e->notify[2], IK_NOTIFY_PAYLOAD_MALFORMED);
	CU_ASSERT_TRUE(e->silence);
	CU_ASSERT_EQUAL(c->expect[1].policy, 2);
	CU_ASSERT_EQUAL(c->expect[1].kind, IK_EXP_ADJUSTED);
	CU_ASSERT_EQUAL(c->expect[1].adjust, IK_ADJ_P1_LIFETIME);
	CU_ASSERT_EQUAL_FATAL(c->nbreaks, 2);
	CU_ASSERT_STRING_EQUAL(c->breaks[1], "ignore-hash");
	ik_cases_free(&cs);
}

/* Each expect form and what it becomes. */
static void test_expect_forms(void)
{
	static const struct {
		const char *line;
		enum ik_expect_kind kind;
		int phase, at_msg;
		size_t nnotify;
		bool silence;
	} t[] = {
		{"established", IK_EXP_ESTABLISHED, 0, 0, 0, false},
		{"established phase1", IK_EXP_ESTABLISHED, 1, 0, 0, false},
		{"established phase 2", IK_EXP_ESTABLISHED, 2, 0, 0, false},
		{"rejected", IK_EXP_REJECTED, 0, 0, 0, false},
		{"rejected by silence", IK_EXP_REJECTED, 0, 0, 0, true},
		{"rejected at MM3", IK_EXP_REJECTED, 0, 3, 0, false},
		{"rejected at QM1 by notify INVALID-ID-INFORMATION", IK_EXP_REJECTED, 0, 1, 1,
	         false},
		{"rejected by notify A | B", IK_EXP_REJECTED, 0, 0, 0, false}, /* refused below */
		{"rejected by notify NO-PROPOSAL-CHOSEN or ATTRIBUTES-NOT-SUPPORTED or silence",
	         IK_EXP_REJECTED, 0, 0, 2, true},
		{"survives", IK_EXP_SURVIVES, 0, 0, 0, false},
		{"adjusted p2-lifetime", IK_EXP_ADJUSTED, 0, 0, 0, false},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char text[512];
		struct ik_caseset cs = {0};
		struct ik_status st;
		snprintf(text, sizeof(text), HEAD "  run main, quick\n  expect %s\n" BINDS,
		         t[i].line);
		bool ok = parse(&cs, text, &st);
		if (i == 7) {
			CU_ASSERT_FALSE(ok);
			CU_ASSERT_PTR_NOT_NULL(
				strstr(st.why, "t.case:7: expect: unknown notify 'A'"));
			continue;
		}
		CU_ASSERT_TRUE_FATAL(ok);
		const struct ik_expect *e = &cs.c[0].expect[0];
		CU_ASSERT_EQUAL(e->kind, t[i].kind);
		CU_ASSERT_EQUAL(e->phase, t[i].phase);
		CU_ASSERT_EQUAL(e->at_msg, t[i].at_msg);
		CU_ASSERT_EQUAL(e->nnotify, t[i].nnotify);
		CU_ASSERT_EQUAL(e->silence, t[i].silence);
		CU_ASSERT_EQUAL(e->policy, 0);
		ik_cases_free(&cs);
	}
}

/* Bad inputs: refused, naming t.case, the line, and what was expected. */

/* suite/probes.def: every probe has a name and words for the reason; silence after a dummy, a
 * Delete, a broken Pad Length or a lifetime is judged, after a replay it is not. */
static void test_probe_table(void)
{
	for (int k = 1; k < IK_PROBE__N; k++)
		CU_ASSERT_TRUE(*ik_probe_name((enum ik_probe)k) &&
		               *ik_probe_what((enum ik_probe)k));
	CU_ASSERT_STRING_EQUAL(ik_probe_name(IK_PROBE__N), "?");
	CU_ASSERT_TRUE(ik_probe_silence_judged(IK_PROBE_DUMMY) &&
	               ik_probe_silence_judged(IK_PROBE_PAD_OVERRUN) &&
	               ik_probe_silence_judged(IK_PROBE_EXPIRE) &&
	               ik_probe_silence_judged(IK_PROBE_VOLUME));
	CU_ASSERT_FALSE(ik_probe_silence_judged(IK_PROBE_REPLAY) ||
	                ik_probe_silence_judged(IK_PROBE_BAD_PAD) ||
	                ik_probe_silence_judged(IK_PROBE_OUTSIDE_SRC));
}

/* "traffic [N] [PROBE]" and the expects that judge probes (docs/writing-cases.md). */
static void test_traffic_probes(void)
{
	static const struct {
		const char *run, *expect;
		long n;
		enum ik_probe probe;
		const char *why; /* NULL: parses */
	} t[] = {
		{"traffic", "carries traffic", 3, IK_PROBE_NONE, NULL},
		{"traffic replay", "discards probes", 3, IK_PROBE_REPLAY, NULL},
		{"traffic 5 bad-icv", "discards probes", 5, IK_PROBE_BAD_ICV, NULL},
		{"traffic unknown-spi 2", "discards probes", 2, IK_PROBE_UNKNOWN_SPI, NULL},
		{"traffic dummy", "discards probes", 3, IK_PROBE_DUMMY, NULL},
		{"traffic reorder", "accepts probes", 3, IK_PROBE_REORDER, NULL},
		{"traffic delete", "stops traffic", 3, IK_PROBE_DELETE, NULL},
		{"traffic bad-pad", "discards probes", 3, IK_PROBE_BAD_PAD, NULL},
		{"traffic pad-overrun", "discards probes", 3, IK_PROBE_PAD_OVERRUN, NULL},
		{"traffic outside-src", "discards probes", 3, IK_PROBE_OUTSIDE_SRC, NULL},
		{"traffic outside-dst", "discards probes", 3, IK_PROBE_OUTSIDE_DST, NULL},
		{"traffic expire", "stops traffic", 3, IK_PROBE_EXPIRE, NULL},
		{"traffic 4 volume", "stops traffic", 4, IK_PROBE_VOLUME, NULL},
		{"traffic expires", "stops traffic", 0, 0, "probe of replay bad-icv"},
		{"traffic", "stops traffic", 0, 0, "'expect stops traffic' but no traffic step"},
		{"traffic replay dummy", "discards probes", 0, 0,
	         "run: traffic takes a ping count"},
		{"traffic 17", "carries traffic", 0, 0, "run: traffic takes a ping count"},
		{"traffic replays", "discards probes", 0, 0, "run: traffic takes a ping count"},
		{"traffic", "discards probes", 0, 0,
	         "'expect discards probes' but no traffic step"},
		{"traffic", "accepts probes", 0, 0, "'expect accepts probes' but no traffic step"},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char text[512];
		struct ik_caseset cs = {0};
		snprintf(text, sizeof(text),
		         HEAD
		         "  needs traffic anti_replay\n  run main, quick, %s\n  expect %s\n" BINDS,
		         t[i].run, t[i].expect);
		const struct ik_case *c = parse_or_why(&cs, text, t[i].why, t[i].run);
		if (!c)
			continue;
		CU_ASSERT_EQUAL(c->steps[2].kind, IK_STEP_TRAFFIC);
		CU_ASSERT_EQUAL(c->steps[2].arg, t[i].n);
		CU_ASSERT_EQUAL(c->steps[2].probe, t[i].probe);
		CU_ASSERT_EQUAL(c->steps[1].probe, IK_PROBE_NONE);
		CU_ASSERT_EQUAL(c->needs, IK_NEED_TRAFFIC | IK_NEED_ANTI_REPLAY);
		CU_ASSERT_TRUE(t[i].probe == IK_PROBE_NONE
		                       ? !strcmp(ik_probe_name(t[i].probe), "none")
		                       : strstr(t[i].run, ik_probe_name(t[i].probe)) != NULL);
		ik_cases_free(&cs);
	}
}
static void test_errors(void)
{
	static const struct {
		const char *text;
		const char *why; /* expected prefix of st.why after "t.case:" */
	} t[] = {
		{HEAD "  titel x\n", "6: unknown keyword 'titel' (expected one of: title, ref"},
		{"title x\n", "1: 'title' outside a case"},
		{"case A\n  ref RFC2409 5\n  level MUST\n  role dut=responder\n  run main\n"
	         "  expect established\n",
	         "1: case A: missing 'title'"},
		{"case A\n  title t\n  level MUST\n  role dut=responder\n  run main\n"
	         "  expect established\n",
	         "1: case A: missing 'ref'"},
		{"case A\n  title t\n  ref RFC2409 5\n  role dut=responder\n  run main\n"
	         "  expect established\n",
	         "1: case A: missing 'level'"},
		{"case A\n  title t\n  ref RFC2409 5\n  level MUST\n  run main\n"
	         "  expect established\n" BINDS,
	         "1: case A: missing 'role'"},
		{HEAD "  expect established\n" BINDS, "1: case T-001: missing 'run'"},
		{HEAD "  run main\n" BINDS, "1: case T-001: missing 'expect'"},
		{"case\n", "1: case: expected one id after 'case'"},
		{"case A B\n", "1: case: expected one id after 'case'"},
		{"case A/B\n", "1: case id 'A/B': expected"},
		{HEAD "  run main\n  expect established\n" BINDS HEAD
	              "  run main\n  expect established\n" BINDS,
	         "9: case id T-001 already used at t.case:1"},
		{HEAD "  run main\n  mutate MM3 KE.data set:one\n  expect ignored\n" BINDS,
	         "1: case T-001: 'expect ignored' needs a mutation of one transmission only"},
		{HEAD "  run main\n  expect rejected by notify NO-SUCH-NOTIFY\n",
	         "7: expect: unknown notify 'NO-SUCH-NOTIFY'"},
		{HEAD "  run main, quik\n  expect established\n", "6: run: unknown step 'quik'"},
		{HEAD "  run main psk\n  expect established\n",
	         "6: run: step 'main' takes no argument"},
		{HEAD "  run main, quick pfs=modp9999\n  expect established\n",
	         "6: run: 'pfs=modp9999': unknown DH group"},
		{HEAD "  run main, wait soon\n  expect established\n",
	         "6: run: wait needs one duration"},
		{HEAD "  run quick\n  expect established\n", "6: run: the first step must be main"},
		{HEAD "  needs nat_t ipv6\n  run main\n  expect established\n",
	         "6: needs 'ipv6': expected aggressive, nat_t"},
		{"case A\n  title t\n  ref RFC2409 5\n  level MUSTN'T\n",
	         "4: level 'MUSTN'T': expected MUST, SHOULD, MAY or ADVISORY"},
		{"case A\n  title t\n  ref RFC2409 5\n  level MUST\n  role dut=both\n",
	         "5: role 'dut=both': expected dut=responder"},
		{HEAD "  run main\n  mutate XX9 HASH.data flip\n  expect established\n",
	         "7: mutate: ik_mutation_parse: message 'XX9'"},
		{HEAD "  run main\n  mutate MM5 HASH.data frob\n  expect established\n",
	         "7: mutate: ik_mutation_parse: operation 'frob'"},
		{HEAD "  run main\n  mutate MM5 HASH.data\n  expect established\n",
	         "7: mutate: ik_mutation_parse: 'MM5 HASH.data': expected"},
		{"case A\n  title t\n  ref RFC2409 5.4 ; REQ IKE-5.4-03\n",
	         "3: ref 'REQ IKE-5.4-03': expected 'RFCnnnn SECTION'"},
		{"case A\n  title t\n  ref RFC2409\n", "3: ref 'RFC2409': expected"},
		{"case A\n  req not_an_id\n", "2: req 'not_an_id': expected requirement ids"},
		{HEAD "  set phase1.lifetim = 3\n", "6: set: unknown profile key 'phase1.lifetim'"},
		{HEAD "  set phase1.lifetime 3\n",
	         "6: set 'phase1.lifetime 3': expected 'set section"},
		{HEAD "  run main\n  expect established\n  expect policy p1=obey: rejected\n",
	         "8: expect: a second expect line must name a different policy"},
		{HEAD "  run main\n  expect policy sloppy: established\n",
	         "7: expect policy: expected 'policy p1=V:'"},
		{HEAD "  run main\n  expect policy p3=obey: established\n",
	         "7: expect policy: expected 'policy p1=V:'"},
		{HEAD "  run main\n  expect policy ids=some: established\n",
	         "7: expect policy: expected"},
		{HEAD "  run main\n  expect policy p1=obey: established\n  expect policy obey: "
	              "rejected\n",
	         "8: expect: a second expect line must name a different policy"},
		{HEAD "  run main\n  expect policy p1=obey: established\n"
	              "  expect policy ids=any: established\n",
	         "8: expect: the policy lines of a case name one policy"},
		{HEAD "  run main\n  expect policy ids=any: established\n  expect rejected\n",
	         "8: expect: a second expect line must name a different policy"},
		{HEAD
	         "  needs unclaimed:aes128-sha1-modp2048\n  run main\n  expect rejected\n" BINDS,
	         "1: case T-001: needs unclaimed:aes128-sha1-modp2048 names no proposal of its "
	         "`set"},
		{HEAD "  needs claimed:\n", "6: needs 'claimed:': expected claimed:PROPOSAL"},
		{HEAD "  needs maybe:x\n", "6: needs 'maybe:x': expected claimed:PROPOSAL"},
		{HEAD "  needs offered:phase3.lifetime=8h\n",
	         "6: needs 'offered:phase3.lifetime=8h'"},
		{HEAD "  needs offered:phase2.lifetime=8w\n",
	         "6: needs 'offered:phase2.lifetime=8w'"},
		{HEAD "  run main\n  expect rejected at MM9\n", "7: expect: rejected at 'MM9'"},
		{HEAD "  run main\n  expect rejected soon\n", "7: expect: rejected ... 'soon'"},
		{HEAD "  run main\n  expect rejected by\n",
	         "7: expect: rejected ... 'by' must be followed by"},
		{HEAD "  run main\n  expect rejected at MM1 or\n",
	         "7: expect: rejected ... 'or' must be"},
		{HEAD "  run main\n  expect established phase3\n",
	         "7: expect: established 'phase3'"},
		{HEAD "  run main\n  expect established phase2\n" BINDS,
	         "1: case T-001: 'expect established phase2' but 'run' has no quick step"},
		{HEAD "  run main\n  expect happy\n", "7: expect 'happy': expected established"},
		{HEAD "  run main\n  expect ignored now\n", "7: expect: 'ignored' takes nothing"},
		{HEAD "  title again\n", "6: 'title' given twice in case T-001"},
		{HEAD "  run\n", "6: 'run' needs a value"},
		{HEAD "  breaks any-p1-lifetime no-such-quirk\n",
	         "6: breaks 'no-such-quirk': unknown quirk"},
		/* The continuation belongs to the expect on line 7: the error is reported there. */
		{HEAD "  run main\n  expect rejected by notify NO-PROPOSAL-CHOSEN\n"
	              "         | NOPE\n",
	         "7: expect: unknown notify 'NOPE'"},
		/* binds (docs/verdicts.md): the level follows from the sentence and whom it binds. */
		{HEAD "  binds nobody: x\n", "6: binds 'nobody': expected receiver"},
		{HEAD "  binds receiver \"MUST\"\n", "6: binds receiver: expected ':'"},
		{HEAD "  binds receiver:\n", "6: binds receiver: expected the sentence"},
		{HEAD "  binds receiver: it should drop it\n  run main\n  expect rejected\n",
	         "1: case T-001: level MUST, but the binds sentence has no MUST"},
		{HEAD "  binds robustness: a peer ought to live\n  run main\n  expect survives\n",
	         "1: case T-001: level MUST, but binds robustness"},
		{HEAD
	         "  binds initiator: \"the initiator MUST ...\"\n  run main\n  expect rejected\n",
	         "1: case T-001: level MUST, but the rule binds the initiator and the DUT is the "
	         "responder"},
		{HEAD "  binds sender: \"nonces MUST be 8..256\"\n  run main\n"
	              "  mutate MM3 NONCE.data truncate:4\n  expect rejected\n",
	         "1: case T-001: level MUST, but a sender rule binds us"},
		{"case A\n  title t\n  ref RFC2409 5\n  level SHOULD\n  binds receiver: they drop "
	         "it quietly\n"
	         "  role dut=responder\n  run main\n  expect rejected\n",
	         "1: case A: level SHOULD, but the binds sentence has no RFC 2119"},
		{"case A\n  title t\n  ref RFC2409 5\n  level MAY\n  binds both: \"SHOULD\"\n"
	         "  role dut=responder\n  run main\n  expect rejected\n",
	         "1: case A: level MAY, but the binds sentence has no MAY"},
		{"family F fields MM1 ops omit\n", "1: family id 'F': expected one '{n}'"},
		{"family F-{n} fields MM1\n",
	         "1: family: expected 'family ID-{n} fields MSG ops OP"},
		{"family F-{n} fields MM9 ops omit\n", "1: family: fields 'MM9'"},
		{"family F-{n} fields MM1 ops explode\n",
	         "1: family: operator 'explode' applies to"},
		{"case A\n  title t\0oops\n", "2: NUL byte"},
		{"case A\n  title \x01\n", "2: control character 0x01"},
		{"  | PAYLOAD-MALFORMED\n", "1: '|' continues a value, but no keyword line"},
		{"\xef\xbb\xbf" HEAD "  run main\n  expect bogus\n", "7: expect 'bogus'"},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct ik_caseset cs = {0};
		struct ik_status st;
		char want[256];
		size_t len = strlen(t[i].text);
		if (strstr(t[i].why, "NUL byte"))
			len += 1 + strlen(t[i].text + len + 1);
		snprintf(want, sizeof(want), "t.case:%s", t[i].why);
		bool ok = ik_cases_parse(&cs, t[i].text, len, "t.case", "a", &st);
		CU_ASSERT_FALSE(ok);
		if (ok || strncmp(st.why, want, strlen(want)))
			fprintf(stderr, "\n  input %zu: got  '%s'\n            want '%s...'\n", i,
			        st.why, want);
		CU_ASSERT_EQUAL(strncmp(st.why, want, strlen(want)), 0);
		ik_cases_free(&cs);
	}
}

/* The same id in two files is refused, naming the first file. */
static void test_duplicate_across_files(void)
{
	struct ik_caseset cs = {0};
	struct ik_status st;
	/* Unqualified expect lines are alternatives (RFC 2408 4.2: "select ... or reject"). */
	static const char alt[] = HEAD
		"  run main\n  expect established phase1\n"
		"  expect rejected at MM1\n" BINDS;
	struct ik_caseset cs2 = {0};
	struct ik_status st2;
	CU_ASSERT_TRUE(parse(&cs2, alt, &st2));
	CU_ASSERT_EQUAL(cs2.n ? cs2.c[0].nexpect : 0, 2);
	ik_cases_free(&cs2);
	static const char a[] = HEAD "  run main\n  expect established\n" BINDS;

	CU_ASSERT_TRUE(ik_cases_parse(&cs, a, strlen(a), "one.case", "x", &st));
	CU_ASSERT_FALSE(ik_cases_parse(&cs, a, strlen(a), "two.case", "y", &st));
	CU_ASSERT_STRING_EQUAL(st.why, "two.case:1: case id T-001 already used at one.case:1");
	ik_cases_free(&cs);
}

/*
 * MM1 as our engine sends it (RFC 2408 3.1, 3.4-3.6; engine/codec/msg.c): the header's 8 fields, the
 * SA node and its 5 fields, proposal node and 7 fields (no SPI in phase 1), transform node and
 * 6 fields, 6 attributes = 35 paths; three of them are nodes, which take omit but not flip.
 */
static void test_family(void)
{
	static const char text[] =
		"family MM1-FUZZ-{n} fields MM1 ops omit flip\n"
		"  title  MM1 with {path} mutated by {op} ({n})\n"
		"  ref    RFC2408 5.2\n"
		"  level  MUST\n"
		"  binds  both: \"MUST SHOULD MAY\"\n"
		"  role   dut=responder\n"
		"  run    main\n"
		"  expect survives\n";
	static char paths[64][96];
	struct ik_caseset cs = {0};
	struct ik_status st;

	CU_ASSERT_EQUAL(ik_case_field_paths(IK_X_MAIN, 1, paths, 64), 35);
	CU_ASSERT_STRING_EQUAL(paths[0], "HDR.icookie");
	CU_ASSERT_STRING_EQUAL(paths[34], "SA.P[0].T[0].LIFE_DURATION");
	CU_ASSERT_EQUAL(ik_case_field_paths(IK_X_QUICK, 1, paths, 64), 43); /* + SPI, HASH, NONCE */
	CU_ASSERT_EQUAL(ik_case_field_paths(IK_X_MAIN, 7, paths, 64), 0);
	CU_ASSERT_EQUAL(ik_case_field_paths(IK_X_MAIN, 1, paths, 4), 35); /* count beyond cap */

	CU_ASSERT_FATAL(parse(&cs, text, &st));
	CU_ASSERT_EQUAL_FATAL(cs.n, 35 + 32);
	CU_ASSERT_STRING_EQUAL(cs.c[0].id, "MM1-FUZZ-001");
	CU_ASSERT_STRING_EQUAL(cs.c[0].family, "MM1-FUZZ-{n}");
	CU_ASSERT_STRING_EQUAL(cs.c[0].title, "MM1 with HDR.icookie mutated by omit (001)");
	CU_ASSERT_EQUAL(cs.c[0].nmut, 1);
	CU_ASSERT_EQUAL(cs.c[0].mut[0].msg, 1);
	CU_ASSERT_STRING_EQUAL(cs.c[0].mut[0].text, "MM1 HDR.icookie omit");
	CU_ASSERT_STRING_EQUAL(cs.c[66].id, "MM1-FUZZ-067");
	CU_ASSERT_STRING_EQUAL(cs.c[66].mut[0].text, "MM1 SA.P[0].T[0].LIFE_DURATION flip");
	CU_ASSERT_EQUAL(cs.c[66].line, 1);
	/* The SA node is omitted but never flipped. */
	size_t sa = 0;
	for (size_t i = 0; i < cs.n; i++)
		sa += !strncmp(cs.c[i].mut[0].text, "MM1 SA ", 7);
	CU_ASSERT_EQUAL(sa, 1);

	/* A second family colliding with an id of the first is refused. */
	static const char again[] =
		"family MM1-FUZZ-{n} fields MM2 ops omit\n"
		"  title t\n  ref RFC2408 5.2\n  level MUST\n  binds both: \"MUST SHOULD MAY\"\n"
		"  role dut=initiator\n  run main\n  expect survives\n";
	CU_ASSERT_FALSE(parse(&cs, again, &st));
	CU_ASSERT_PTR_NOT_NULL(strstr(st.why, "t.case:1: case id MM1-FUZZ-001 already used"));
	ik_cases_free(&cs);
}

static const struct ik_case *by_mut(const struct ik_caseset *cs, const char *mut)
{
	for (size_t i = 0; i < cs->n; i++)
		if (!strcmp(cs->c[i].mut[0].text, mut))
			return &cs->c[i];
	return NULL;
}

/* suite/fz_rules.def: a `survives` family's cases take level, binds and expectation from the
 * rule of their field (docs/verdicts.md 5); no-op mutations are not generated. */
static void test_family_rules(void)
{
	static const char text[] =
		"family FZ-{n} fields MM1 ops omit fill:0xff fill:0x00\n"
		"  title  MM1 {path}: {op}; {outcome}\n"
		"  ref    RFC2408 5\n"
		"  level  SHOULD\n"
		"  binds  robustness: a gateway stays up\n"
		"  role   dut=responder\n"
		"  run    main\n"
		"  expect survives\n";
	struct ik_caseset cs = {0};
	struct ik_status st;
	const struct ik_case *c;

	CU_ASSERT_FATAL(parse(&cs, text, &st));
	c = by_mut(&cs, "MM1 HDR.length fill:0xff"); /* RFC 2408 5.1: MUST be rejected */
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->level, IK_LVL_MUST);
	CU_ASSERT_EQUAL(c->binds_who, IK_BINDS_RECEIVER);
	CU_ASSERT_STRING_EQUAL(c->ref, "RFC2408 5.1");
	CU_ASSERT_EQUAL(c->expect[0].kind, IK_EXP_SURVIVES);
	CU_ASSERT_PTR_NOT_NULL(strstr(c->title, "builds no SA from it"));
	c = by_mut(&cs, "MM1 HDR.icookie fill:0xff"); /* any initiator cookie is allowed */
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->expect[0].kind, IK_EXP_ALIVE);
	CU_ASSERT_PTR_NOT_NULL(strstr(c->title, "it may take the message"));
	c = by_mut(&cs, "MM1 SA.P[0].T[0].id fill:0xff"); /* RFC 2408 5.6: MUST be ignored */
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->level, IK_LVL_MUST);
	c = by_mut(&cs, "MM1 SA.P[0].T[0].LIFE_DURATION fill:0xff"); /* the responder's policy */
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->expect[0].kind, IK_EXP_ALIVE);
	c = by_mut(&cs, "MM1 SA.P[0].transforms omit"); /* no rule: robustness */
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->level, IK_LVL_SHOULD);
	CU_ASSERT_EQUAL(c->binds_who, IK_BINDS_ROBUSTNESS);
	/* The quirks of the row become the case's breaks (issue 10 item 6); an ACCEPT row's case
	 * breaks nothing (no REFUSE row names none any more: the header omissions break under
	 * answer-unparsed since the runner ties answers by their octets, suite/run_wire.h). */
	c = by_mut(&cs, "MM1 HDR.length fill:0xff");
	CU_ASSERT_EQUAL_FATAL(c->nbreaks, 2);
	CU_ASSERT_STRING_EQUAL(c->breaks[0], "accept-bad-header");
	CU_ASSERT_STRING_EQUAL(c->breaks[1], "answer-unparsed");
	CU_ASSERT_EQUAL(by_mut(&cs, "MM1 HDR.icookie fill:0xff")->nbreaks, 0);
	c = by_mut(&cs, "MM1 HDR.icookie omit");
	CU_ASSERT_EQUAL_FATAL(c->nbreaks, 1);
	CU_ASSERT_STRING_EQUAL(c->breaks[0], "answer-unparsed");
	/* A RESERVED field filled with zeros and a phase 1 message ID of zero change nothing. */
	CU_ASSERT_PTR_NULL(by_mut(&cs, "MM1 SA.reserved fill:0x00"));
	CU_ASSERT_PTR_NULL(by_mut(&cs, "MM1 HDR.msgid fill:0x00"));
	CU_ASSERT_PTR_NOT_NULL(by_mut(&cs, "MM1 SA.reserved fill:0xff"));
	ik_cases_free(&cs);
}

static void test_filter(void)
{
	static const char text[] =
		"family F-{n} fields MM1 ops omit\n  title t\n  ref RFC2408 5.2\n  level MAY\n  "
		"binds both: \"MUST SHOULD MAY\"\n"
		"  role dut=responder\n  run main\n  expect alive\n"
		"case S-1\n  title t\n  ref RFC2409 5\n  level SHOULD\n  binds both: \"MUST SHOULD "
		"MAY\"\n  role dut=responder\n"
		"  run main\n  expect established\n"
		"case M-1\n  title t\n  ref RFC2409 5\n  level MUST\n  binds both: \"MUST SHOULD "
		"MAY\"\n  role dut=responder\n"
		"  run main\n  expect established\n";
	struct ik_caseset cs = {0};
	struct ik_status st;

	CU_ASSERT_FATAL(parse(&cs, text, &st));
	CU_ASSERT_EQUAL(cs.n, 37);
	ik_cases_filter(&cs, NULL, -1);
	CU_ASSERT_EQUAL(cs.n, 37);
	ik_cases_filter(&cs, NULL, IK_LVL_SHOULD);
	CU_ASSERT_EQUAL_FATAL(cs.n, 2);
	CU_ASSERT_STRING_EQUAL(cs.c[0].id, "S-1");
	ik_cases_filter(&cs, "M-*", -1);
	CU_ASSERT_EQUAL_FATAL(cs.n, 1);
	CU_ASSERT_STRING_EQUAL(cs.c[0].id, "M-1");
	ik_cases_free(&cs);

	CU_ASSERT_FATAL(parse(&cs, text, &st));
	ik_cases_filter(&cs, "F-00?", IK_LVL_MAY);
	CU_ASSERT_EQUAL(cs.n, 9);
	ik_cases_free(&cs);
	CU_ASSERT_STRING_EQUAL(ik_level_name(IK_LVL_ADVISORY), "ADVISORY");
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

/* Loading a tree: sorted by path, area from the first directory, errors name the file. */
static void test_load(void)
{
	char dir[] = "/tmp/ikecheck-case-XXXXXX", p[256];
	struct ik_caseset cs = {0};
	struct ik_status st;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/b-area", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/a-area", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/a-area/sub", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/b-area/x.case", dir);
	write_file(p,
	           "case B-1\n  title t\n  ref RFC2409 5\n  level MUST\n  binds both: \"MUST "
	           "SHOULD MAY\"\n  role dut=responder\n"
	           "  run main\n  expect established"); /* no final newline */
	snprintf(p, sizeof(p), "%s/a-area/sub/y.case", dir);
	write_file(p,
	           "case A-2\n  title t\n  ref RFC2409 5\n  level MUST\n  binds both: \"MUST "
	           "SHOULD MAY\"\n  role dut=responder\n"
	           "  run main\n  expect established\n");
	snprintf(p, sizeof(p), "%s/a-area/README", dir);
	write_file(p, "not a case file\n");

	CU_ASSERT_TRUE_FATAL(ik_cases_load(&cs, dir, &st));
	CU_ASSERT_EQUAL_FATAL(cs.n, 2);
	CU_ASSERT_STRING_EQUAL(cs.c[0].id, "A-2");
	CU_ASSERT_STRING_EQUAL(cs.c[0].area, "a-area");
	CU_ASSERT_STRING_EQUAL(cs.c[1].id, "B-1");
	CU_ASSERT_STRING_EQUAL(cs.c[1].area, "b-area");
	CU_ASSERT_EQUAL(cs.c[1].nexpect, 1);
	ik_cases_free(&cs);

	snprintf(p, sizeof(p), "%s/b-area/z.case", dir);
	write_file(p,
	           "\n\ncase A-2\n  title t\n  ref RFC2409 5\n  level MUST\n  binds both: \"MUST "
	           "SHOULD MAY\"\n"
	           "  role dut=responder\n  run main\n  expect established\n");
	CU_ASSERT_FALSE(ik_cases_load(&cs, dir, &st));
	char want[512];
	snprintf(want, sizeof(want),
	         "%s/b-area/z.case:3: case id A-2 already used at "
	         "%s/a-area/sub/y.case:1",
	         dir, dir);
	CU_ASSERT_STRING_EQUAL(st.why, want);
	CU_ASSERT_EQUAL(cs.n, 0);
	unlink(p);

	snprintf(p, sizeof(p), "%s/nope", dir);
	CU_ASSERT_FALSE(ik_cases_load(&cs, p, &st));
	CU_ASSERT_PTR_NOT_NULL(strstr(st.why, "nope:0: "));
	/* one file */
	snprintf(p, sizeof(p), "%s/a-area/sub/y.case", dir);
	CU_ASSERT_TRUE(ik_cases_load(&cs, p, &st));
	CU_ASSERT_EQUAL(cs.n, 1);
	CU_ASSERT_STRING_EQUAL(cs.c[0].area, "sub");
	ik_cases_free(&cs);

	unlink(p);
	snprintf(p, sizeof(p), "%s/b-area/x.case", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/a-area/README", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/a-area/sub", dir);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/a-area", dir);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/b-area", dir);
	rmdir(p);
	rmdir(dir);
}

/* The shipped fixtures parse (the shell test lists them). */
static void test_fixtures(void)
{
	struct ik_caseset cs = {0};
	struct ik_status st;

	CU_ASSERT_TRUE(ik_cases_load(&cs, "tests/fixtures/cases", &st));
	if (cs.n == 0)
		fprintf(stderr, "\n  %s\n", st.why);
	CU_ASSERT(cs.n > 3);
	ik_cases_free(&cs);
}

/* alike: variants separated by '|', mutations or `set KEY = VALUE`, at least two; needs rsa_enc
 * and rsa_enc_rev (suite/cases/rsaenc). */
static void test_alike(void)
{
	static const char text[] =
		"case RSAENC-X-1\n"
		"  title  t\n  ref RFC2409 5.2\n  level SHOULD\n"
		"  binds  robustness: answers that differ reveal the padding\n  role "
		"dut=responder\n"
		"  needs  rsa_enc rsa-enc-rev\n  run main\n"
		"  alike  MM3 NONCE.data flip:128 | MM3 NONCE.data truncate:255\n"
		"         | set tester.nonce_length = 4\n"
		"  expect rejected\n";
	static const char one[] =
		"case RSAENC-X-2\n"
		"  title  t\n  ref RFC2409 5.2\n  level SHOULD\n"
		"  binds  robustness: answers that differ reveal the padding\n"
		"  role dut=responder\n  run main\n"
		"  alike  MM3 NONCE.data flip:128\n  expect rejected\n";
	struct ik_caseset cs = {0};
	struct ik_status st;

	bool ok = parse(&cs, text, &st);
	if (!ok)
		fprintf(stderr, "\n  %s\n", st.why);
	CU_ASSERT_FATAL(ok);
	const struct ik_case *c = &cs.c[0];
	CU_ASSERT_EQUAL(c->needs, IK_NEED_RSA_ENC | IK_NEED_RSA_ENC_REV);
	CU_ASSERT_EQUAL(c->nalike, 3);
	CU_ASSERT_EQUAL(c->nmut, 0);
	CU_ASSERT_STRING_EQUAL(c->alike[1].text, "MM3 NONCE.data truncate:255");
	CU_ASSERT_EQUAL(c->alike_key[0][0], '\0');
	CU_ASSERT_STRING_EQUAL(c->alike_key[2], "tester.nonce_length");
	CU_ASSERT_STRING_EQUAL(c->alike_val[2], "4");
	ik_cases_free(&cs);
	CU_ASSERT_FALSE(parse(&cs, one, &st));
	CU_ASSERT_PTR_NOT_NULL(strstr(st.why, "at least two variants"));
	ik_cases_free(&cs);
}

/* timing N: an odd number of runs per variant, 3 to 9, and only beside an alike line. */
#define TIMING_CASE(alike, timing)                                                     \
	"case RSAENC-T-1\n  title  t\n  ref RFC2409 5.2\n  level ADVISORY\n"           \
	"  binds  advice: a refusal that comes later for bad padding is an oracle\n"   \
	"  role dut=responder\n  needs rsa_enc\n  run main\n" alike "  timing " timing \
	"\n  expect rejected\n"
#define TIMING_ALIKE "  alike  MM3 NONCE.data flip:128 | set tester.nonce_length = 4\n"
static void test_timing(void)
{
	static const struct {
		const char *text, *why; /* why: NULL, parses */
		unsigned reps;
	} t[] = {
		{TIMING_CASE(TIMING_ALIKE, "5"), NULL, 5},
		{TIMING_CASE(TIMING_ALIKE, "9"), NULL, 9},
		{TIMING_CASE(TIMING_ALIKE, "4"), "timing: '4' is not an odd number", 0},
		{TIMING_CASE(TIMING_ALIKE, "11"), "timing: '11' is not an odd number", 0},
		{TIMING_CASE(TIMING_ALIKE, "1"), "timing: '1'", 0},
		{TIMING_CASE(TIMING_ALIKE, "5 runs"), "timing: '5 runs'", 0},
		{TIMING_CASE("", "5"), "'timing' compares the answers of 'alike' variants", 0},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct ik_caseset cs = {0};
		const struct ik_case *c = parse_or_why(&cs, t[i].text, t[i].why, t[i].text);
		if (c)
			CU_ASSERT_EQUAL(c->timing, t[i].reps);
		ik_cases_free(&cs);
	}
}

/* "dpd-listen" and "expect queries [strict]" (docs/writing-cases.md), with needs dpd_delay. */
static void test_dpd_listen(void)
{
	static const struct {
		const char *run, *expect;
		bool strict;
		const char *why; /* NULL: parses */
	} t[] = {
		{"main, dpd-listen", "queries", false, NULL},
		{"main, quick, dpd-listen", "queries strict", true, NULL},
		{"main", "queries", false, "'expect queries' but 'run' has no dpd-listen step"},
		{"main, dpd-listen 5", "queries", false, "step 'dpd-listen' takes no argument"},
		{"main, dpd-listen", "queries loose", false, "expect 'queries'"},
		{"main, quick, dpd-listen", "queries none", false, NULL},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char text[512];
		struct ik_caseset cs = {0};
		snprintf(text, sizeof(text),
		         HEAD "  needs dpd dpd_delay\n  run %s\n  expect %s\n" BINDS, t[i].run,
		         t[i].expect);
		const struct ik_case *c = parse_or_why(&cs, text, t[i].why, t[i].run);
		if (!c)
			continue;
		CU_ASSERT_EQUAL(c->steps[c->nsteps - 1].kind, IK_STEP_DPD_LISTEN);
		CU_ASSERT_EQUAL(c->expect[0].kind, IK_EXP_QUERIES);
		CU_ASSERT_EQUAL(c->expect[0].strict, t[i].strict);
		CU_ASSERT_EQUAL(c->expect[0].none, !strcmp(t[i].expect, "queries none"));
		CU_ASSERT_EQUAL(c->needs, IK_NEED_DPD | IK_NEED_DPD_DELAY);
		ik_cases_free(&cs);
	}
}

/* The steps that send to the DUT's IKE port after the float (suite/run_old_port.c). */
static void test_old_port_steps(void)
{
	static const struct {
		const char *run;
		enum ik_step_kind kind; /* of the third step */
		const char *why;        /* NULL: parses */
	} t[] = {
		{"main, quick, replay-500, dpd", IK_STEP_REPLAY_500, NULL},
		{"aggressive, quick, dpd-500, dpd", IK_STEP_DPD_500, NULL},
		{"main, quick, replay-500 MM3", IK_STEP_REPLAY_500,
	         "step 'replay-500' takes no argument"},
		{"main, quick, dpd-500 2", IK_STEP_DPD_500, "step 'dpd-500' takes no argument"},
		{"main, dpd, dpd replay, dpd", IK_STEP_DPD, NULL},
		{"main, dpd, dpd again, dpd", IK_STEP_DPD, "step 'dpd' takes no argument"},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char text[512];
		struct ik_caseset cs = {0};
		snprintf(text, sizeof(text),
		         HEAD "  needs nat_t dpd\n  run %s\n  expect established\n" BINDS,
		         t[i].run);
		const struct ik_case *c = parse_or_why(&cs, text, t[i].why, t[i].run);
		if (!c)
			continue;
		CU_ASSERT_EQUAL_FATAL(c->nsteps, 4);
		CU_ASSERT_EQUAL(c->steps[2].kind, t[i].kind);
		ik_cases_free(&cs);
	}
}

/* expect kept: rows of engine/exchanges/xauth_check.def by requirement id, each on the req line */
static void test_kept(void)
{
	static const struct {
		const char *req, *expect;
		const char *why; /* NULL: parses */
	} t[] = {
		{"XAUTH-6.1-01 XAUTH-6.1-02", "kept XAUTH-6.1-01 XAUTH-6.1-02", NULL},
		{"XAUTH-6.1-04", "kept XAUTH-6.1-05",
	         "'expect kept XAUTH-6.1-05' but 'req' does not"},
		{"XAUTH-6.1-011", "kept XAUTH-6.1-01", "'req' does not name XAUTH-6.1-01"},
		{"XAUTH-6-03", "kept XAUTH-6-03", "'XAUTH-6-03' is no XAUTH check"},
		{"XAUTH-6-01", "kept", "expect kept: name the requirement ids"},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char text[512];
		struct ik_caseset cs = {0};
		snprintf(text, sizeof(text),
		         HEAD "  req %s\n  needs xauth\n  run main, xauth\n  expect %s\n" BINDS,
		         t[i].req, t[i].expect);
		const struct ik_case *c = parse_or_why(&cs, text, t[i].why, t[i].expect);
		if (c) {
			CU_ASSERT_EQUAL(c->expect[0].kind, IK_EXP_KEPT);
			CU_ASSERT_EQUAL(c->expect[0].kept_rows,
			                IK_XC_BIT(ik_xa_check_find("XAUTH-6.1-01")) |
			                        IK_XC_BIT(ik_xa_check_find("XAUTH-6.1-02")));
		}
		ik_cases_free(&cs);
	}
}

static const struct ik_test tests[] = {
	{"alike variants and the encryption needs", test_alike},
	{"timing: runs per variant beside alike", test_timing},
	{"a full case", test_good_case},
	{"expect forms", test_expect_forms},
	{"errors name FILE:LINE and what was expected", test_errors},
	{"duplicate id across files", test_duplicate_across_files},
	{"family expands per field and operator", test_family},
	{"family cases judged by suite/fz_rules.def", test_family_rules},
	{"filter by glob and level", test_filter},
	{"load a directory tree", test_load},
	{"fixtures parse", test_fixtures},
	{"traffic probes and their expects", test_traffic_probes},
	{"dpd-listen and expect queries", test_dpd_listen},
	{"replay-500 and dpd-500", test_old_port_steps},
	{"expect kept names XAUTH checks on the req line", test_kept},
	{"the probe table (suite/probes.def)", test_probe_table},
};
IK_TEST_MAIN("case", tests)
