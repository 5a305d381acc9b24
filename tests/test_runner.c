/*
 * The runner's pure parts: the judge (expectations against observations, DESIGN.md "Verdicts"),
 * profile overrides for a case's `set` lines, the capture writer read back by our own pcap
 * reader, and the loop's fd removal.
 */
#include "cunit.h"
#include "consts.h"
#include "loop.h"
#include "pcapio.h"
#include "runner.h"
#include "runner_int.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct ik_case mk_case(enum ik_level lvl, struct ik_expect x)
{
	struct ik_case c;
	memset(&c, 0, sizeof(c));
	snprintf(c.id, sizeof(c.id), "T-001");
	snprintf(c.ref, sizeof(c.ref), "RFC2409 5");
	c.level = lvl;
	c.expect[0] = x;
	c.nexpect = 1;
	return c;
}

struct judge_row {
	const char *what;
	enum ik_level lvl;
	struct ik_expect x;
	struct ik_observed o;
	enum ik_verdict want;
};

#define NOPC IK_NOTIFY_NO_PROPOSAL_CHOSEN
static const struct judge_row rows[] = {
	{"a Delete after the mutated AM3 refuses like silence",
         IK_LVL_MUST,
         {.kind = IK_EXP_REJECTED, .notify = {NOPC}, .nnotify = 1, .silence = true},
         {.failed = true, .dut_deleted = true, .at_x = IK_X_AGGR, .at_msg = 3},
         IK_V_PASS},
	{"a Delete is not the silence 'by silence' asks for",
         IK_LVL_MUST,
         {.kind = IK_EXP_REJECTED, .silence = true},
         {.failed = true, .dut_deleted = true, .at_x = IK_X_AGGR, .at_msg = 3},
         IK_V_FAIL},
	{"a Delete does not ignore",
         IK_LVL_MUST,
         {.kind = IK_EXP_IGNORED},
         {.failed = true, .dut_deleted = true, .at_x = IK_X_MAIN, .at_msg = 6},
         IK_V_FAIL},
	{"established and it was",
         IK_LVL_MUST,
         {.kind = IK_EXP_ESTABLISHED},
         {.p1_up = true, .p2_up = true, .all_done = true},
         IK_V_PASS},
	{"established but silent at MM3",
         IK_LVL_MUST,
         {.kind = IK_EXP_ESTABLISHED},
         {.failed = true, .silence = true, .at_x = IK_X_MAIN, .at_msg = 3},
         IK_V_FAIL},
	{"established phase 1 only asked",
         IK_LVL_MUST,
         {.kind = IK_EXP_ESTABLISHED, .phase = 1},
         {.p1_up = true, .failed = true, .at_x = IK_X_QUICK, .at_msg = 1},
         IK_V_PASS},
	{"restart spoils established",
         IK_LVL_MUST,
         {.kind = IK_EXP_ESTABLISHED},
         {.p1_up = true, .p2_up = true, .all_done = true, .restarted = true},
         IK_V_FAIL},
	{"rejected by the right notify",
         IK_LVL_MUST,
         {.kind = IK_EXP_REJECTED, .at_x = IK_X_MAIN, .at_msg = 1, .notify = {NOPC}, .nnotify = 1},
         {.failed = true, .at_x = IK_X_MAIN, .at_msg = 1, .notify = {NOPC}, .nnotify = 1},
         IK_V_PASS},
	{"rejected by another notify",
         IK_LVL_MUST,
         {.kind = IK_EXP_REJECTED, .notify = {NOPC}, .nnotify = 1},
         {.failed = true,
          .at_x = IK_X_MAIN,
          .at_msg = 1,
          .notify = {IK_NOTIFY_PAYLOAD_MALFORMED},
          .nnotify = 1},
         IK_V_PASS},
	{"rejected at the wrong message",
         IK_LVL_MUST,
         {.kind = IK_EXP_REJECTED, .at_x = IK_X_MAIN, .at_msg = 5, .silence = true},
         {.failed = true, .silence = true, .at_x = IK_X_MAIN, .at_msg = 3},
         IK_V_FAIL},
	{"silence allowed",
         IK_LVL_MUST,
         {.kind = IK_EXP_REJECTED, .notify = {NOPC}, .nnotify = 1, .silence = true},
         {.failed = true, .silence = true, .at_x = IK_X_MAIN, .at_msg = 1},
         IK_V_PASS},
	{"silence only, but a notify came",
         IK_LVL_MUST,
         {.kind = IK_EXP_REJECTED, .silence = true},
         {.failed = true, .at_x = IK_X_MAIN, .at_msg = 1, .notify = {NOPC}, .nnotify = 1},
         IK_V_PASS},
	{"any rejection",
         IK_LVL_MUST,
         {.kind = IK_EXP_REJECTED},
         {.failed = true, .silence = true, .at_x = IK_X_QUICK, .at_msg = 1},
         IK_V_PASS},
	{"DUT went on: not a rejection",
         IK_LVL_MUST,
         {.kind = IK_EXP_REJECTED},
         {.failed = true, .we_refused = true, .at_x = IK_X_MAIN, .at_msg = 5},
         IK_V_FAIL},
	{"rejection expected, established",
         IK_LVL_SHOULD,
         {.kind = IK_EXP_REJECTED},
         {.p1_up = true, .p2_up = true, .all_done = true},
         IK_V_WARN},
	{"advisory: weak crypto accepted",
         IK_LVL_ADVISORY,
         {.kind = IK_EXP_REJECTED},
         {.p1_up = true, .all_done = true},
         IK_V_WARN},
	{"adjusted p2 and it was",
         IK_LVL_MUST,
         {.kind = IK_EXP_ADJUSTED, .adjust = IK_ADJ_P2_LIFETIME},
         {.p1_up = true, .p2_up = true, .all_done = true, .p2_adjusted = true},
         IK_V_PASS},
	{"adjusted p2 but not",
         IK_LVL_MUST,
         {.kind = IK_EXP_ADJUSTED, .adjust = IK_ADJ_P2_LIFETIME},
         {.p1_up = true, .p2_up = true, .all_done = true},
         IK_V_FAIL},
	{"adjusted p1 and it was",
         IK_LVL_MUST,
         {.kind = IK_EXP_ADJUSTED, .adjust = IK_ADJ_P1_LIFETIME},
         {.p1_up = true, .all_done = true, .p1_adjusted = true},
         IK_V_PASS},
	{"ignored and completed",
         IK_LVL_MUST,
         {.kind = IK_EXP_IGNORED},
         {.p1_up = true, .p2_up = true, .all_done = true},
         IK_V_PASS},
	{"ignored, but the DUT answered the mutated message",
         IK_LVL_MUST,
         {.kind = IK_EXP_IGNORED},
         {.p1_up = true, .p2_up = true, .all_done = true, .answered_mutated = true},
         IK_V_FAIL},
	{"another notify, but at the wrong message",
         IK_LVL_MUST,
         {.kind = IK_EXP_REJECTED, .at_x = IK_X_MAIN, .at_msg = 5, .notify = {NOPC}, .nnotify = 1},
         {.failed = true,
          .at_x = IK_X_MAIN,
          .at_msg = 1,
          .notify = {IK_NOTIFY_PAYLOAD_MALFORMED},
          .nnotify = 1},
         IK_V_FAIL},
	{"ignored but stopped",
         IK_LVL_MUST,
         {.kind = IK_EXP_IGNORED},
         {.failed = true, .silence = true, .at_x = IK_X_MAIN, .at_msg = 3},
         IK_V_FAIL},
	{"survives: refused by silence",
         IK_LVL_MUST,
         {.kind = IK_EXP_SURVIVES},
         {.failed = true, .silence = true, .at_x = IK_X_MAIN, .at_msg = 1},
         IK_V_PASS},
	{"survives, but an SA was built from the broken message",
         IK_LVL_MUST,
         {.kind = IK_EXP_SURVIVES},
         {.p1_up = true, .all_done = true, .accepted_mutated = true},
         IK_V_FAIL},
	{"survives (SHOULD), but the DUT answered the broken MM1 with MM2",
         IK_LVL_SHOULD,
         {.kind = IK_EXP_SURVIVES},
         {.failed = true,
          .silence = true,
          .at_x = IK_X_MAIN,
          .at_msg = 2,
          .accepted_mutated = true},
         IK_V_WARN},
	{"alive: taking the message is allowed",
         IK_LVL_MUST,
         {.kind = IK_EXP_ALIVE},
         {.p1_up = true, .all_done = true, .accepted_mutated = true},
         IK_V_PASS},
	{"established, but on the transform we broke",
         IK_LVL_SHOULD,
         {.kind = IK_EXP_ESTABLISHED},
         {.p1_up = true, .all_done = true, .chose_broken = "it chose transform #1"},
         IK_V_WARN},
	{"a MUST broken in what the DUT sent fails any case",
         IK_LVL_ADVISORY,
         {.kind = IK_EXP_ALIVE},
         {.p1_up = true, .all_done = true, .fault = "RFC 2409 5: modified"},
         IK_V_FAIL},
	{"rejected at QM1 or silence, but it answered the broken QM1 (tied by its octets)",
         IK_LVL_SHOULD,
         {.kind = IK_EXP_REJECTED, .at_x = IK_X_QUICK, .at_msg = 1, .silence = true},
         {.failed = true,
          .silence = true,
          .at_x = IK_X_QUICK,
          .at_msg = 1,
          .wire_answer = "the DUT answered a datagram we broke"},
         IK_V_WARN},
	/* ESP probes (suite/run_traffic.c): what came back decides; nothing after them, nothing */
	{"probes unanswered, pings after them answered",
         IK_LVL_MUST,
         {.kind = IK_EXP_DISCARDS},
         {.all_done = true,
          .probe = IK_PROBE_REPLAY,
          .probes = 3,
          .pongs_before = 2,
          .pongs_after = 3,
          .pings = 5,
          .pongs = 5},
         IK_V_PASS},
	{"a replayed ping answered",
         IK_LVL_MUST,
         {.kind = IK_EXP_DISCARDS},
         {.all_done = true,
          .probe = IK_PROBE_REPLAY,
          .probes = 3,
          .probe_replies = 2,
          .pongs_before = 2,
          .pongs_after = 3,
          .pings = 5,
          .pongs = 5},
         IK_V_FAIL},
	{"nothing after the bad-ICV probes: a dead SA looks the same",
         IK_LVL_MUST,
         {.kind = IK_EXP_DISCARDS},
         {.all_done = true,
          .probe = IK_PROBE_BAD_ICV,
          .probes = 3,
          .pongs_before = 2,
          .pings = 5,
          .pongs = 2},
         IK_V_ERROR},
	{"nothing after dummies, though before: the dummy killed the SA",
         IK_LVL_MUST,
         {.kind = IK_EXP_DISCARDS},
         {.all_done = true,
          .probe = IK_PROBE_DUMMY,
          .probes = 3,
          .pongs_before = 2,
          .pings = 5,
          .pongs = 2},
         IK_V_FAIL},
	{"never reached the probes",
         IK_LVL_MUST,
         {.kind = IK_EXP_DISCARDS},
         {.failed = true, .silence = true, .at_x = IK_X_QUICK, .at_msg = 1},
         IK_V_ERROR},
	{"reordered probes answered",
         IK_LVL_MUST,
         {.kind = IK_EXP_ACCEPTS},
         {.all_done = true,
          .probe = IK_PROBE_REORDER,
          .probes = 3,
          .probe_replies = 3,
          .pongs_before = 2,
          .pongs_after = 3,
          .pings = 5,
          .pongs = 5},
         IK_V_PASS},
	{"reordered probes dropped, pings after them answered",
         IK_LVL_MUST,
         {.kind = IK_EXP_ACCEPTS},
         {.all_done = true,
          .probe = IK_PROBE_REORDER,
          .probes = 3,
          .pongs_before = 2,
          .pongs_after = 3,
          .pings = 5,
          .pongs = 5},
         IK_V_FAIL},
	{"a Delete acted on: nothing after it",
         IK_LVL_SHOULD,
         {.kind = IK_EXP_STOPS},
         {.all_done = true,
          .probe = IK_PROBE_DELETE,
          .probes = 1,
          .pongs_before = 2,
          .pings = 5,
          .pongs = 2},
         IK_V_PASS},
	{"a Delete not acted on: traffic goes on",
         IK_LVL_SHOULD,
         {.kind = IK_EXP_STOPS},
         {.all_done = true,
          .probe = IK_PROBE_DELETE,
          .probes = 1,
          .pongs_before = 2,
          .pongs_after = 3,
          .pings = 5,
          .pongs = 5},
         IK_V_WARN},
	{"traffic only after the Delete: the SA was not up at the DUT yet (our QM3 lost), no "
         "verdict",
         IK_LVL_SHOULD,
         {.kind = IK_EXP_STOPS},
         {.all_done = true,
          .probe = IK_PROBE_DELETE,
          .probes = 1,
          .pongs_before = 0,
          .pongs_after = 3,
          .pings = 5,
          .pongs = 3},
         IK_V_ERROR},
	{"a Delete with a bad HASH acted on: the SA died of it",
         IK_LVL_MUST,
         {.kind = IK_EXP_DISCARDS},
         {.all_done = true,
          .probe = IK_PROBE_DELETE,
          .probes = 1,
          .pongs_before = 2,
          .pings = 5,
          .pongs = 2},
         IK_V_FAIL},
	{"harness fault",
         IK_LVL_MUST,
         {.kind = IK_EXP_ESTABLISHED},
         {.failed = true, .step_fail = "could not send MM1"},
         IK_V_ERROR},
	/* keepalive-listen (RFC 3948 2.3, 4): one rule per expect line, none heard is nothing to
	 * judge but for the interval */
	{"keepalives from the NAT-T port to our floated port",
         IK_LVL_MUST,
         {.kind = IK_EXP_KEEPALIVE, .ka = IK_KA_PORTS},
         {.all_done = true, .ka_listened = true, .ka_heard = 2, .ka_octet = "2 octets"},
         IK_V_PASS},
	{"a keepalive from the IKE port",
         IK_LVL_MUST,
         {.kind = IK_EXP_KEEPALIVE, .ka = IK_KA_PORTS},
         {.all_done = true, .ka_listened = true, .ka_heard = 2, .ka_port = "from port 500"},
         IK_V_FAIL},
	{"a keepalive of two octets",
         IK_LVL_MUST,
         {.kind = IK_EXP_KEEPALIVE, .ka = IK_KA_OCTET},
         {.all_done = true, .ka_listened = true, .ka_heard = 1, .ka_octet = "2 octets"},
         IK_V_FAIL},
	{"no keepalive: no octet to judge",
         IK_LVL_MUST,
         {.kind = IK_EXP_KEEPALIVE, .ka = IK_KA_OCTET},
         {.all_done = true, .ka_listened = true, .ka_late = "silent 43 s"},
         IK_V_ERROR},
	{"no keepalive in 2M + 2 s of silence",
         IK_LVL_SHOULD,
         {.kind = IK_EXP_KEEPALIVE, .ka = IK_KA_TIMELY},
         {.all_done = true, .ka_listened = true, .ka_late = "silent 43 s"},
         IK_V_WARN},
	{"no keepalive, but never silent that long: none was due",
         IK_LVL_SHOULD,
         {.kind = IK_EXP_KEEPALIVE, .ka = IK_KA_TIMELY},
         {.all_done = true, .ka_listened = true},
         IK_V_PASS},
	{"quick mode never came up: no keepalive judged, the case fails as any",
         IK_LVL_MUST,
         {.kind = IK_EXP_KEEPALIVE, .ka = IK_KA_PORTS},
         {.failed = true, .silence = true},
         IK_V_FAIL},
};

/* A profile with the policies the judge reads (lifetime policies and peer identities). */
static struct ik_profile policy_profile(enum ik_lifetime_policy p1, enum ik_lifetime_policy p2,
                                        bool any_id)
{
	struct ik_profile p;
	memset(&p, 0, sizeof(p));
	p.p1.lifetime_policy = p1;
	p.p2.lifetime_policy = p2;
	p.peer_ids.any = any_id;
	return p;
}

static void test_judge_table(void)
{
	char reason[256], exp[160], obs[160];
	static struct ik_profile lenient;
	lenient = policy_profile(IK_LIFETIME_LENIENT, IK_LIFETIME_LENIENT, false);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct ik_case c = mk_case(rows[i].lvl, rows[i].x);
		enum ik_verdict v = ik_judge(&c, &rows[i].o, &lenient, reason, sizeof(reason), exp,
		                             sizeof(exp), obs, sizeof(obs));
		if (v != rows[i].want)
			printf("\n%s: got verdict %d (%s)\n", rows[i].what, (int)v, reason);
		CU_ASSERT_EQUAL(v, rows[i].want);
		CU_ASSERT(reason[0] != 0);
	}
}

/* A SHOULD row of engine/exchanges/should.def judges only the cases that cite it (docs/verdicts.md
 * 6): broken, a met expectation WARNs, whatever the level; kept, the reason says so; never
 * judged, nothing to judge by (ERROR). A MUST fault still FAILs first. */
static void test_judge_should(void)
{
	char reason[512], exp[160], obs[160];
	static struct ik_profile L;
	L = policy_profile(IK_LIFETIME_LENIENT, IK_LIFETIME_LENIENT, false);
	struct ik_case c = mk_case(IK_LVL_MUST, (struct ik_expect){.kind = IK_EXP_ESTABLISHED});
	struct ik_observed o = {.p1_up = true, .p2_up = true, .all_done = true};
	unsigned row = IK_SH_NATOA_TUNNEL;
#define JUDGE() ik_judge(&c, &o, &L, reason, sizeof(reason), exp, sizeof(exp), obs, sizeof(obs))
	o.sh_broke = o.sh_seen = IK_SH_BIT(row);
	snprintf(o.sh_note[row], sizeof(o.sh_note[row]), "its QM1 carried 2 NAT-OA");
	CU_ASSERT_EQUAL(JUDGE(), IK_V_PASS); /* not cited */
	snprintf(c.req, sizeof(c.req), "NATT-5.2-01 %s", ik_should_req(row));
	CU_ASSERT_EQUAL(JUDGE(), IK_V_WARN);
	CU_ASSERT_PTR_NOT_NULL(strstr(reason, "its QM1 carried 2 NAT-OA"));
	snprintf(c.req, sizeof(c.req), "%s0", ik_should_req(row)); /* another id, a prefix */
	CU_ASSERT_EQUAL(JUDGE(), IK_V_PASS);
	snprintf(c.req, sizeof(c.req), "%s", ik_should_req(row));
	o.sh_broke = 0;
	snprintf(o.sh_note[row], sizeof(o.sh_note[row]), "its QM1 carried no NAT-OA");
	CU_ASSERT_EQUAL(JUDGE(), IK_V_PASS);
	CU_ASSERT_PTR_NOT_NULL(strstr(reason, "As required (NATT-5.2-02), its QM1 carried no"));
	o.sh_seen = 0;
	CU_ASSERT_EQUAL(JUDGE(), IK_V_ERROR);
	snprintf(o.fault, sizeof(o.fault), "RFC 3947 5.2: a MUST");
	CU_ASSERT_EQUAL(JUDGE(), IK_V_FAIL);
	o.fault[0] = 0, o.all_done = o.p2_up = false, o.failed = o.silence = true;
	CU_ASSERT_EQUAL(JUDGE(), IK_V_FAIL); /* the expectation decides first */
#undef JUDGE
}

/* An expect line for the other lifetime policy does not apply; one for ours does. */
static void test_judge_policy(void)
{
	char reason[256], exp[160], obs[160];
	static struct ik_profile L, S;
	L = policy_profile(IK_LIFETIME_LENIENT, IK_LIFETIME_STRICT, true);
	S = policy_profile(IK_LIFETIME_STRICT, IK_LIFETIME_LENIENT, false);
	struct ik_expect strict = {
		.dim = IK_POL_P1, .policy = IK_LIFETIME_STRICT + 1, .kind = IK_EXP_REJECTED};
	struct ik_expect lenient = {.dim = IK_POL_P1,
	                            .policy = IK_LIFETIME_LENIENT + 1,
	                            .kind = IK_EXP_ADJUSTED,
	                            .adjust = IK_ADJ_P1_LIFETIME};
	struct ik_case c = mk_case(IK_LVL_MUST, strict);
	c.expect[1] = lenient;
	c.nexpect = 2;
	struct ik_observed adj = {.p1_up = true, .all_done = true, .p1_adjusted = true};
	struct ik_observed rej = {.failed = true, .silence = true, .at_x = IK_X_MAIN, .at_msg = 1};
	CU_ASSERT_EQUAL(
		ik_judge(&c, &adj, &L, reason, sizeof(reason), exp, sizeof(exp), obs, sizeof(obs)),
		IK_V_PASS);
	CU_ASSERT_EQUAL(
		ik_judge(&c, &rej, &L, reason, sizeof(reason), exp, sizeof(exp), obs, sizeof(obs)),
		IK_V_FAIL);
	CU_ASSERT_EQUAL(
		ik_judge(&c, &rej, &S, reason, sizeof(reason), exp, sizeof(exp), obs, sizeof(obs)),
		IK_V_PASS);
	CU_ASSERT_EQUAL(
		ik_judge(&c, &adj, &S, reason, sizeof(reason), exp, sizeof(exp), obs, sizeof(obs)),
		IK_V_FAIL);
	CU_ASSERT_PTR_NOT_NULL(strstr(reason, "RFC2409 5"));
	/* Phase 2 and identity policies select their lines the same way. */
	c.expect[0] = (struct ik_expect){
		.dim = IK_POL_IDS, .policy = IK_IDS_LIST, .kind = IK_EXP_REJECTED};
	c.expect[1] = (struct ik_expect){
		.dim = IK_POL_IDS, .policy = IK_IDS_ANY, .kind = IK_EXP_ESTABLISHED};
	struct ik_observed up = {.p1_up = true, .p2_up = true, .all_done = true};
	CU_ASSERT_EQUAL(
		ik_judge(&c, &up, &L, reason, sizeof(reason), exp, sizeof(exp), obs, sizeof(obs)),
		IK_V_PASS); /* L: peer_ids = any */
	CU_ASSERT_EQUAL(
		ik_judge(&c, &up, &S, reason, sizeof(reason), exp, sizeof(exp), obs, sizeof(obs)),
		IK_V_FAIL);
	CU_ASSERT_PTR_NOT_NULL(strstr(exp, "policy ids=list: rejected"));
	c.expect[0] = (struct ik_expect){
		.dim = IK_POL_P2, .policy = IK_LIFETIME_STRICT + 1, .kind = IK_EXP_REJECTED};
	c.nexpect = 1;
	CU_ASSERT_EQUAL(
		ik_judge(&c, &rej, &L, reason, sizeof(reason), exp, sizeof(exp), obs, sizeof(obs)),
		IK_V_PASS); /* L: phase 2 strict */
	CU_ASSERT_EQUAL(
		ik_judge(&c, &rej, &S, reason, sizeof(reason), exp, sizeof(exp), obs, sizeof(obs)),
		IK_V_ERROR); /* no line for phase 2 lenient */
}

static void test_override(void)
{
	const char *text =
		"[dut]\naddress = 127.0.0.1\n\n[phase1]\nlifetime = 28800\n"
		"proposals = aes128-sha1-modp2048\n[features]\nnat_t = yes\n";
	const char k[3][48] = {"phase1.lifetime", "phase1.lifetime_policy", "phase2.pfs"};
	const char v[3][160] = {"86401", "strict", "modp1024"};
	char *out = NULL;
	struct ik_status st;
	CU_ASSERT_TRUE_FATAL(ik_profile_override(text, k, v, 3, &out, &st));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "lifetime = 86401\n"));
	CU_ASSERT_PTR_NULL(strstr(out, "28800"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "lifetime_policy = strict\n[features]"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\n[phase2]\npfs = modp1024\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "proposals = aes128-sha1-modp2048\n"));
	free(out);
	const char bad[1][48] = {"nodot"};
	CU_ASSERT_FALSE(ik_profile_override(text, bad, v, 1, &out, &st));
	CU_ASSERT_PTR_NOT_NULL(strstr(st.why, "section.key"));
	/* A stranger's identity on our side: the DUT's list (its policy) does not apply to us. */
	static const char listed[] =
		"[dut]\naddress = 192.0.2.2\n[tester]\naddress = 192.0.2.1\n"
		"[auth]\nmethod = psk\npsk = s\npeer_ids = 192.0.2.1\n"
		"[phase1]\nproposals = aes128-sha1-modp2048\n"
		"[phase2]\nproposals = aes128-sha1\n";
	const char ik[1][48] = {"tester.id"};
	const char iv[1][160] = {"@stranger.test"};
	static struct ik_profile p;
	CU_ASSERT_TRUE_FATAL(ik_profile_override(listed, ik, iv, 1, &out, &st));
	CU_ASSERT_TRUE(ik_profile_parse(&p, out, strlen(out), "t.conf", &st));
	CU_ASSERT_STRING_EQUAL(p.tester.id.text, "@stranger.test");
	ik_profile_wipe(&p);
	free(out);
	/* A "[xauth]" in a comment before the section (peers/profiles/strongswan-xauth.conf's header) is
	 * not the section: the key lands under the real header (it went before [dut], an ERROR). */
	static const char commented[] =
		"# the same plus [xauth] and [modecfg]\n[dut]\naddress = 1.2.3.4\n"
		"[xauth]\nuser = joe\npassword = foobar\n";
	const char xk[1][48] = {"xauth.password"};
	const char xv[1][160] = {"wrong"};
	CU_ASSERT_TRUE_FATAL(ik_profile_override(commented, xk, xv, 1, &out, &st));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "[xauth]\nuser = joe\npassword = wrong\n"));
	CU_ASSERT_PTR_NULL(strstr(out, "foobar"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "[modecfg]\n[dut]"));
	free(out);
}

/* RFC 2407 4.6.3.3: the tester claims "first SA with you" (INITIAL-CONTACT in MM5) only when one
 * case runs at a time; in parallel runs a conformant DUT acting on it deleted the other cases' SAs
 * (strongSwan: DPD-008, RTX-003... "went silent"). A case that sends it on purpose runs alone. */
static void test_initial_contact_parallel(void)
{
	static const char prof[] =
		"[dut]\naddress = 192.0.2.2\n[tester]\naddress = 192.0.2.1\n"
		"[auth]\nmethod = psk\npsk = \"s3cret\"\n"
		"[phase1]\nproposals = aes128-sha1-modp2048\n"
		"[phase2]\nproposals = aes128-sha1\n[features]\ndpd = yes\n";
	struct ik_runopts o = {.parallel = 1, .profile = "t.conf"};
	struct ik_profile base;
	struct ik_runner R;
	struct ik_cfg cfg;
	struct ik_status st;
	struct ik_case c = mk_case(IK_LVL_MUST, (struct ik_expect){.kind = IK_EXP_ESTABLISHED});

	memset(&R, 0, sizeof(R));
	ik_status_clear(&st);
	CU_ASSERT_TRUE_FATAL(ik_profile_parse(&base, prof, strlen(prof), "t.conf", &st));
	R.o = &o;
	R.profile_text = (char *)prof;
	R.base = &base;
	c.steps[0].kind = IK_STEP_MAIN;
	c.steps[1].kind = IK_STEP_DPD;
	c.nsteps = 2;

	CU_ASSERT_TRUE_FATAL(ik_crun_cfg(&R, &c, &cfg, &st));
	CU_ASSERT_TRUE(cfg.initial_contact);
	CU_ASSERT_TRUE_FATAL(ik_crun_cfg(&R, NULL, &cfg, &st)); /* the probe after a case */
	CU_ASSERT_TRUE(cfg.initial_contact);
	CU_ASSERT_FALSE(ik_case_runs_alone(&c, &o, &base));
	o.parallel = 4;
	CU_ASSERT_TRUE_FATAL(ik_crun_cfg(&R, &c, &cfg, &st));
	CU_ASSERT_FALSE(cfg.initial_contact);
	CU_ASSERT_TRUE_FATAL(ik_crun_cfg(&R, NULL, &cfg, &st));
	CU_ASSERT_FALSE(cfg.initial_contact);
	CU_ASSERT_FALSE(ik_case_runs_alone(&c, &o, &base));

	c.steps[1].kind = IK_STEP_INITIAL_CONTACT; /* INFO-IC-001: main, initial-contact, quick */
	c.steps[2].kind = IK_STEP_QUICK;
	c.nsteps = 3;
	CU_ASSERT_TRUE(ik_case_runs_alone(&c, &o, &base));
	c.steps[1].kind = IK_STEP_DPD;
	c.dut_role = IK_INITIATOR; /* owns the tester port, but only when we can make it start */
	CU_ASSERT_FALSE(ik_case_runs_alone(&c, &o, &base));
	o.dut_initiate = "true";
	CU_ASSERT_TRUE(ik_case_runs_alone(&c, &o, &base));
	CU_ASSERT_TRUE(ik_case_owns_tester_port(&c, &o));
	base.features.fresh_init = true; /* a DUT that starts a new ISAKMP SA when told to */
	CU_ASSERT_FALSE(ik_case_runs_alone(&c, &o, &base));
	CU_ASSERT_TRUE(ik_case_owns_tester_port(&c, &o)); /* one at a time all the same */
	c.dut_role = IK_RESPONDER;
	c.steps[1].kind = IK_STEP_INITIAL_CONTACT;
	base.features.ic_ignored = true; /* a DUT that deletes nothing on INITIAL-CONTACT */
	CU_ASSERT_FALSE(ik_case_runs_alone(&c, &o, &base));
	c.steps[1].kind = IK_STEP_TRAFFIC;
	CU_ASSERT_TRUE(ik_case_runs_alone(&c, &o, &base));
	base.features.parallel_esp = true; /* it answers through the SA the traffic came in on */
	CU_ASSERT_FALSE(ik_case_runs_alone(&c, &o, &base));
	ik_profile_wipe(&base);
}

/* What the runner writes per case reads back with the decoder's own pcap reader (and tshark in
 * the shell tests): addresses, ports, the non-ESP marker stripped again. */
static void test_pcap_writer(void)
{
	char path[] = "/tmp/ik-pcapw-XXXXXX";
	int fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	struct ik_status st;
	struct sockaddr_storage a, b;
	socklen_t l;
	CU_ASSERT_TRUE_FATAL(ik_addr_parse("127.0.0.2", 20500, &a, &l, &st));
	CU_ASSERT_TRUE_FATAL(ik_addr_parse("127.0.0.1", 4500, &b, &l, &st));
	uint8_t msg[28] = {1, 2, 3, 4, 5, 6, 7, 8};
	msg[17] = 0x10, msg[18] = 2, msg[27] = 28;
	struct ik_pcapw *w = ik_pcapw_open(path, &st);
	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	CU_ASSERT_TRUE(ik_pcapw_udp(w, &a, &b, true, msg, sizeof(msg)));
	CU_ASSERT_TRUE(ik_pcapw_udp(w, &b, &a, true, msg, sizeof(msg)));
	ik_pcapw_close(w);

	struct ik_pcap *r = ik_pcap_open(path, &st);
	struct ik_pkt pkt;
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(ik_pcap_next(r, &pkt, &st), 1);
	CU_ASSERT_STRING_EQUAL(pkt.src, "127.0.0.2");
	CU_ASSERT_EQUAL(pkt.dport, 4500);
	CU_ASSERT_EQUAL(pkt.marker, 1);
	CU_ASSERT_EQUAL(pkt.len, sizeof(msg));
	CU_ASSERT_EQUAL(memcmp(pkt.isakmp, msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(ik_pcap_next(r, &pkt, &st), 1);
	CU_ASSERT_EQUAL(pkt.sport, 4500);
	CU_ASSERT_EQUAL(ik_pcap_next(r, &pkt, &st), 0);
	ik_pcap_close(r);
	unlink(path);
}

static int fired;
static struct ik_loop *cur_loop;
static void on_fd_remove_self(void *arg)
{
	int *fds = arg;
	char c;
	fired++;
	if (read(fds[0], &c, 1) == 1)
		ik_loop_del_fd(cur_loop, fds[0]);
}

/* An fd removed from inside its own callback is not polled again (engines are freed that way). */
static void test_loop_del_fd(void)
{
	struct ik_loop l;
	int p[2];
	CU_ASSERT_FATAL(pipe(p) == 0);
	ik_loop_init(&l);
	cur_loop = &l;
	fired = 0;
	CU_ASSERT_TRUE(ik_loop_add_fd(&l, p[0], on_fd_remove_self, p));
	CU_ASSERT_EQUAL(write(p[1], "ab", 2), 2);
	ik_loop_once(&l, 100);
	ik_loop_once(&l, 50); /* one octet is still readable, but the fd is gone */
	CU_ASSERT_EQUAL(fired, 1);
	CU_ASSERT_EQUAL(l.nfds, 0);
	ik_loop_free(&l);
	close(p[0]);
	close(p[1]);
}

/* Signs of loss in a ladder (run_retry.c): a rung is sent (S) or received (R), first copy or
 * retransmission (+), mutated (!). */
struct loss_row {
	const char *what;
	const char *rungs; /* "S1 R2 S3 S3+ R2+": message numbers of main mode */
	struct ik_expect x;
	size_t nmut;
	unsigned samples, events;
};

static const struct loss_row loss_rows[] = {
	{"clean round trips", "S1 R2 S3 R4", {.kind = IK_EXP_ESTABLISHED}, 0, 2, 0},
	{"an answer only to the retransmission",
         "S1 S1+ R2",
         {.kind = IK_EXP_ESTABLISHED},
         0,
         1,
         1},
	{"the DUT resends a reply", "S1 R2 S3 R2+ R4", {.kind = IK_EXP_ESTABLISHED}, 0, 2, 1},
	{"nothing after our first mutated message",
         "S1 R2 S3! S3+ R2+",
         {.kind = IK_EXP_SURVIVES},
         1,
         1,
         0},
	{"a set line breaks MM3: the DUT refusing it is no loss",
         "S1 R2 S3 S3+ R2+ S3+",
         {.kind = IK_EXP_REJECTED, .at_x = IK_X_MAIN, .at_msg = 3, .silence = true},
         0,
         1,
         0},
	{"a refusal anywhere, nothing mutated: nothing to read",
         "S1 S1+ R2",
         {.kind = IK_EXP_REJECTED, .silence = true},
         0,
         0,
         0},
};

/* A ladder from "S1 R2 S3! S3+ R2+@120": S our message, R the DUT's, the digit its number, "+" a
 * retransmission, "!" a mutated message, "@T" its time in ms (else 0). */
static void ladder_of(struct ik_ladder *l, const char *rungs)
{
	ik_ladder_init(l);
	for (const char *s = rungs; *s; s++) {
		if (*s != 'S' && *s != 'R')
			continue;
		struct ik_rung *g = ik_ladder_add(l, *s == 'S', IK_X_MAIN, s[1] - '0');
		CU_ASSERT_FATAL(g != NULL);
		g->retransmit = s[2] == '+';
		if (s[2] == '!')
			snprintf(g->note, sizeof(g->note), "mutated: test");
		const char *at = strchr(s, '@'), *next = strchr(s, ' ');
		g->t_ms = at && (!next || at < next) ? strtoull(at + 1, NULL, 10) : 0;
	}
}

static void test_loss_scan(void)
{
	struct ik_profile p = {0};
	for (size_t i = 0; i < sizeof(loss_rows) / sizeof(loss_rows[0]); i++) {
		const struct loss_row *row = &loss_rows[i];
		struct ik_case c = mk_case(IK_LVL_MUST, row->x);
		struct ik_ladder l;
		unsigned samples = 0, events = 0;
		c.nmut = row->nmut;
		ladder_of(&l, row->rungs);
		ik_loss_scan(&l, &c, &p, &samples, &events);
		if (samples != row->samples || events != row->events)
			fprintf(stderr, "loss scan '%s': %u samples, %u events\n", row->what,
			        samples, events);
		CU_ASSERT_EQUAL(samples, row->samples);
		CU_ASSERT_EQUAL(events, row->events);
		ik_ladder_free(&l);
	}
}

/* run_case.c ik_wire_sender: a datagram we broke is kept under the cookie of the SA that sent it.
 * charon may answer one dut-initiate with two MM1s; our MM4 of its second SA taken for the
 * case's made that cookie look moved (a false FAIL of CERT-CR-006 in a clean-clone run). */
static void test_wire_sender(void)
{
	struct ik_sa *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	CU_ASSERT_FATAL(a && b);
	memset(a->icookie, 0xaa, 8);
	memset(b->icookie, 0xbb, 8);
	a->next = b;
	uint8_t d[28];
	memset(d, 0xbb, sizeof(d));
	CU_ASSERT_PTR_EQUAL(ik_wire_sender(a, a, d, sizeof(d)), b); /* the other SA's */
	memset(d, 0xaa, 8);
	CU_ASSERT_PTR_EQUAL(ik_wire_sender(a, b, d, sizeof(d)), a);
	memset(d, 0x5c, 8); /* a cookie the mutation moved: the case's SA */
	CU_ASSERT_PTR_EQUAL(ik_wire_sender(a, b, d, sizeof(d)), b);
	CU_ASSERT_PTR_EQUAL(ik_wire_sender(a, NULL, d, sizeof(d)), a); /* MM1, before cr->sa */
	memset(d, 0xbb, 8);
	CU_ASSERT_PTR_EQUAL(ik_wire_sender(a, a, d, 4), a); /* too short to name one */
	free(a);
	free(b);
}

/* The DUT's round-trip time (run_rtt.c, RFC 6298): "S1@0" is our MM1 at 0 ms, "R2@100" its MM2
 * at 100 ms (ladder_of). */
static const struct rtt_row {
	const char *what, *rungs;
	unsigned samples, retrans; /* samples taken; retransmission interval at window 1200 */
} rtt_rows[] = {
	{"no round trip yet: a tenth of the window", "", 0, 120},
	{"answers within 1 ms: a tenth of the window", "S1@0 R2@1 S3@1 R4@2", 2, 120},
	{"100 and 200 ms: srtt 112, rttvar 62", "S1@0 R2@100 S3@100 R4@300", 2, 360},
	{"Karn: an answer after our copy is no sample", "S1@0 S1+@120 R2@500", 0, 120},
	{"a mutated message is no sample", "S1@0 R2@1 S3!@1 R4@900", 1, 120},
	{"a message the DUT starts later is no answer", "S1@0 R2@1 S3@1 R1@60000", 1, 120},
	{"slow answers: at most a third of the window", "S1@0 R2@1000 S3@1000 R4@2000", 2, 400},
};

static void test_rtt(void)
{
	struct ik_runopts o = {.silence_ms = 1200};
	for (size_t i = 0; i < sizeof(rtt_rows) / sizeof(rtt_rows[0]); i++) {
		const struct rtt_row *row = &rtt_rows[i];
		struct ik_runner R;
		struct ik_ladder l;
		memset(&R, 0, sizeof(R));
		R.o = &o;
		ladder_of(&l, row->rungs);
		ik_rtt_scan(&R, &l);
		unsigned rt = ik_rtt_retrans_ms(&R, 1200);
		if (R.rtt_samples != row->samples || rt != row->retrans)
			fprintf(stderr, "rtt '%s': %u samples, retransmit after %u ms\n", row->what,
			        R.rtt_samples, rt);
		CU_ASSERT_EQUAL(R.rtt_samples, row->samples);
		CU_ASSERT_EQUAL(rt, row->retrans);
		ik_ladder_free(&l);
	}
}

/* expect kept: PASS when every row was read and none broke (the notes in the reason), FAIL /
 * WARN by the case's level when one broke (naming it and what it saw), ERROR when a row was never
 * read (the DUT sent no message it judges) and none broke. */
static void test_judge_kept(void)
{
	char reason[256], exp[160], obs[160];
	struct ik_profile p = policy_profile(IK_LIFETIME_LENIENT, IK_LIFETIME_LENIENT, false);
	int a = ik_xa_check_find("XAUTH-6.1-04"), b = ik_xa_check_find("XAUTH-6.1-05");
	CU_ASSERT_TRUE_FATAL(a >= 0 && b >= 0);
	struct ik_expect x = {.kind = IK_EXP_KEPT, .kept_rows = IK_XC_BIT(a) | IK_XC_BIT(b)};
	struct ik_case c = mk_case(IK_LVL_MUST, x);
	static struct ik_observed o; /* its notes are large */
	memset(&o, 0, sizeof(o));
	o.all_done = o.p1_up = true;
	o.xc_seen = IK_XC_BIT(a) | IK_XC_BIT(b);
	snprintf(o.xc_note[a], sizeof(o.xc_note[a]), "its SET carries: XAUTH_STATUS = 1");
	snprintf(o.xc_note[b], sizeof(o.xc_note[b]), "its SET carries no XAUTH_MESSAGE");
	CU_ASSERT_EQUAL(
		ik_judge(&c, &o, &p, reason, sizeof(reason), exp, sizeof(exp), obs, sizeof(obs)),
		IK_V_PASS);
	CU_ASSERT_PTR_NOT_NULL(strstr(reason, "XAUTH-6.1-05: its SET carries no XAUTH_MESSAGE"));
	CU_ASSERT_PTR_NOT_NULL(strstr(exp, "kept XAUTH-6.1-04 XAUTH-6.1-05"));
	o.xc_broke = IK_XC_BIT(a);
	snprintf(o.xc_note[a], sizeof(o.xc_note[a]), "its SET carries more: XAUTH_CHALLENGE");
	CU_ASSERT_EQUAL(
		ik_judge(&c, &o, &p, reason, sizeof(reason), exp, sizeof(exp), obs, sizeof(obs)),
		IK_V_FAIL);
	CU_ASSERT_PTR_NOT_NULL(strstr(reason, "The DUT broke XAUTH-6.1-04: its SET carries more"));
	c.level = IK_LVL_SHOULD;
	CU_ASSERT_EQUAL(
		ik_judge(&c, &o, &p, reason, sizeof(reason), exp, sizeof(exp), obs, sizeof(obs)),
		IK_V_WARN);
	o.xc_broke = 0, o.xc_seen = IK_XC_BIT(a);
	CU_ASSERT_EQUAL(
		ik_judge(&c, &o, &p, reason, sizeof(reason), exp, sizeof(exp), obs, sizeof(obs)),
		IK_V_ERROR);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(reason, "inconclusive: the DUT sent no message XAUTH-6.1-05"));
}

static const struct ik_test tests[] = {
	{"loss on the path: what a ladder says", test_loss_scan},
	{"the DUT's round-trip time sets the retransmission interval", test_rtt},
	{"a datagram we sent belongs to the SA its cookie names", test_wire_sender},
	{"judge: expectations against observations", test_judge_table},
	{"judge: expect lines by lifetime policy", test_judge_policy},
	{"judge: the SHOULD rows a case cites", test_judge_should},
	{"judge: expect kept, the XAUTH checks", test_judge_kept},
	{"profile overrides for set lines", test_override},
	{"INITIAL-CONTACT only when cases run one at a time", test_initial_contact_parallel},
	{"pcap writer read back", test_pcap_writer},
	{"loop: fd removed inside its callback", test_loop_del_fd},
};

IK_TEST_MAIN("runner", tests)
