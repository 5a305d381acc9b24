/*
 * The claim rule (suite/claims.c, docs/verdicts.md section 4): a table of cases x profiles ->
 * run, or SKIP with the sentence that names what the profile does or does not claim. Also the
 * case-language forms the rule reads: expect policy p1= / p2= / ids=, needs claimed: /
 * unclaimed: / offered: / nopfs.
 */
#include "cunit.h"
#include "claims.h"

#include <stdio.h>
#include <string.h>

/* Profiles: one base with slots for [auth], [phase1] and [phase2] lines. */
static const char base[] =
	"[dut]\naddress = 192.0.2.2\n[tester]\naddress = 192.0.2.1\n"
	"[auth]\nmethod = psk\npsk = s\n%s"
	"[phase1]\nmodes = main, aggressive\nproposals = %s\n%s"
	"[phase2]\nproposals = %s\n%s";

enum prof { LAB, NARROW, STRICT, NOPFS, LONGLIFE, NPROF };

static const struct {
	const char *auth, *p1props, *p1, *p2props, *p2;
} profs[NPROF] = {
	[LAB] = {"", "aes128-sha1-modp2048, aes256-sha256-modp2048", "", "aes128-sha1, aes256gcm16",
                 "pfs = modp2048\n"},
	[NARROW] = {"peer_ids = any\n", "aes128-sha1-modp2048", "", "aes128-sha1",
                    "pfs = modp2048\nlifetime_policy = obey\n"},
	[STRICT] = {"peer_ids = 192.0.2.1, @stranger.test\n",
                    "aes128-sha1-modp2048, aes192-sha512-modp4096, aes128-sha1-modp1536",
                    "lifetime = 3600\nlifetime_policy = strict\n", "aes128-sha1, aes192-sha512",
                    "pfs = modp1536\nlifetime = 1800\nlifetime_policy = strict\n"},
	[NOPFS] = {"", "aes128-sha1-modp2048", "", "aes128-sha1", "pfs = none\n"},
	[LONGLIFE] = {"", "aes128-sha1-modp2048", "", "aes128-sha1",
                      "pfs = modp2048\nlifetime = 1d\n"},
};

static void load_profile(struct ik_profile *p, enum prof which)
{
	char text[1024];
	struct ik_status st;

	snprintf(text, sizeof(text), base, profs[which].auth, profs[which].p1props, profs[which].p1,
	         profs[which].p2props, profs[which].p2);
	bool ok = ik_profile_parse(p, text, strlen(text), "t.conf", &st);
	if (!ok)
		fprintf(stderr, "\n  profile %d: %s\n", (int)which, st.why);
	CU_ASSERT_TRUE_FATAL(ok);
}

#define HEAD(level)                                            \
	"case T-1\n  title t\n  ref RFC2409 5\n  level " level \
	"\n  binds both: \"MUST SHOULD MAY\"\n  role dut=responder\n"

/* Cases, as their lines after the head. */
static const char POS_AES256[] = HEAD("MUST") "  run main, quick\n"
                                              "  set phase1.proposals = aes256-sha256-modp2048\n"
                                              "  expect established\n";
static const char NEG_ABSENT[] =
    HEAD("MUST") "  run main\n"
                 "  set phase1.proposals = aes192-sha512-modp4096\n"
                 "  expect rejected at MM1 by notify NO-PROPOSAL-CHOSEN or silence\n";
static const char ADV_ABSENT[] =
    HEAD("ADVISORY") "  run main\n"
                     "  set phase1.proposals = aes192-sha512-modp4096\n"
                     "  expect rejected at MM1\n";
static const char MUT_SECOND[] =
    HEAD("MUST") "  run main, quick\n"
                 "  set phase2.proposals = aes128-sha1, aes256gcm16\n"
                 "  mutate QM1 SA.P[0].T[0].id set:99\n  expect established phase2\n";
static const char MUT_PINNED[] =
    HEAD("MUST") "  run main\n"
                 "  set phase1.proposals = aes128-sha1-modp2048\n"
                 "  mutate MM1 SA.P[0].T[0].KEY_LENGTH set:100\n  expect rejected at MM1\n";
static const char DECOYS[] =
    HEAD("MUST") "  run main\n"
                 "  set phase1.proposals = aes192-sha512-modp4096, aes128-sha1-modp2048\n"
                 "  needs unclaimed:aes192-sha512-modp4096\n  expect established phase1\n";
static const char KE_GROUP[] =
    HEAD("MUST") "  run aggressive\n"
                 "  set phase1.proposals = aes128-sha1-modp1536, aes128-sha1-modp2048\n"
                 "  needs claimed:aes128-sha1-modp2048\n  expect rejected at AM1\n";
static const char PFS_OTHER[] = HEAD("MUST") "  needs pfs\n  run main, quick pfs=modp1536\n"
                                             "  expect rejected at QM1\n";
static const char PFS_NONE[] = HEAD("MUST") "  run main, quick nopfs\n  expect rejected at QM1\n";
static const char PFS_POS[] = HEAD("MUST") "  run main, quick pfs=modp2048\n"
                                           "  expect established phase2\n";
static const char PFS_UNASKED[] = HEAD("MAY") "  run main, quick pfs=modp2048\n  needs nopfs\n"
                                              "  expect established phase2\n";
static const char STRANGER[] = HEAD("MUST") "  run main, quick\n"
                                            "  set tester.id = @stranger.test\n"
                                            "  expect policy ids=list: rejected at MM5\n"
                                            "  expect policy ids=any: established\n";
static const char ID_LIST_ONLY[] = HEAD("MUST") "  run main\n  mutate MM5 ID.id_type set:2\n"
                                                "  expect policy ids=list: rejected at MM5\n";
static const char P2_LONGER[] = HEAD("SHOULD") "  run main, quick\n"
                                               "  set phase2.lifetime = 86400\n"
                                               "  expect policy p2=strict: rejected at QM1\n"
                                               "  expect policy p2=lenient: adjusted p2-lifetime\n"
                                               "  expect policy p2=obey: established phase2\n";
static const char P2_DEFAULT[] = HEAD("SHOULD") "  run main, quick\n"
                                                "  set phase2.proposals = aes128-sha1\n"
                                                "  mutate QM1 SA.P[0].T[0].SA_LIFE_TYPE omit\n"
                                                "  mutate QM1 SA.P[0].T[0].SA_LIFE_DURATION omit\n"
                                                "  needs offered:phase2.lifetime=8h\n"
                                                "  expect policy p2=strict: rejected at QM1\n"
                                                "  expect policy p2=lenient: adjusted p2-lifetime\n"
                                                "  expect policy p2=obey: established phase2\n";
static const char P1_EIGHT_HOURS[] = HEAD("MUST") "  run main\n  set phase1.lifetime = 28800\n"
                                                  "  expect established phase1\n";
static const char TRANSPORT[] = HEAD("MUST") "  run main, quick\n  set phase2.mode = transport\n"
                                             "  expect established\n";
static const char WRONG_PSK[] = HEAD("MUST") "  run main\n"
                                             "  set phase1.proposals = aes128-sha1-modp2048\n"
                                             "  set auth.psk = wrong\n  expect rejected at MM5\n";
static const char P2_ABSENT[] =
    HEAD("MUST") "  run main, quick\n"
                 "  set phase2.proposals = aes192-sha512\n  expect rejected at QM1\n";
static const char P1_PINNED_P2_REFUSED[] =
    HEAD("MUST") "  run main, quick\n"
                 "  set phase1.proposals = aes256-sha256-modp2048\n"
                 "  set phase2.proposals = aes192-sha512\n"
                 "  expect rejected at QM1\n";

static const struct row {
	const char *name, *text;
	enum prof prof;
	const char *skip; /* NULL: the case runs; else a substring of the SKIP sentence */
} rows[] = {
	{"positive, pinned suite listed", POS_AES256, LAB, NULL},
	{"positive, pinned suite not listed", POS_AES256, NARROW,
         "does not list aes256-sha256-modp2048 in phase1.proposals, and this case needs the DUT "
         "to accept it"},
	{"refusal of an absent suite", NEG_ABSENT, LAB, NULL},
	{"refusal of a suite the profile lists", NEG_ABSENT, STRICT,
         "The profile lists aes192-sha512-modp4096 in phase1.proposals, which this case assumes "
         "the DUT refuses."},
	{"advisories are never skipped", ADV_ABSENT, STRICT, NULL},
	{"mutation: every pinned suite must be taken", MUT_SECOND, LAB, NULL},
	{"mutation: the second suite unlisted", MUT_SECOND, NARROW,
         "does not list aes256gcm16 in phase2.proposals"},
	{"mutation of a listed suite", MUT_PINNED, NARROW, NULL},
	{"a decoy the profile lacks", DECOYS, LAB, NULL},
	{"a decoy the profile lists", DECOYS, STRICT, "lists aes192-sha512-modp4096"},
	{"claimed: overrides the refusal rule", KE_GROUP, LAB, NULL},
	{"the KE group's suite listed", KE_GROUP, STRICT, "lists aes128-sha1-modp1536"},
	{"PFS group refused, another configured", PFS_OTHER, LAB, NULL},
	{"PFS group refused, but configured", PFS_OTHER, STRICT,
         "The profile's phase2.pfs is modp1536, the PFS choice (quick pfs=modp1536) this case "
         "assumes the DUT refuses."},
	{"no PFS refused, PFS configured", PFS_NONE, LAB, NULL},
	{"no PFS refused, none configured", PFS_NONE, NOPFS, "phase2.pfs is none"},
	{"PFS group needed, configured", PFS_POS, LAB, NULL},
	{"PFS group needed, another configured", PFS_POS, STRICT,
         "asks for PFS group modp2048 (quick pfs=modp2048), but the profile's phase2.pfs is "
         "modp1536"},
	{"needs nopfs, PFS configured", PFS_UNASKED, LAB, "needs a DUT configured without PFS"},
	{"needs nopfs, none configured", PFS_UNASKED, NOPFS, NULL},
	{"stranger id, list without it", STRANGER, LAB, NULL},
	{"stranger id, any", STRANGER, NARROW, NULL},
	{"stranger id listed", STRANGER, STRICT,
         "auth.peer_ids accepts @stranger.test (listed), the identity this case assumes the DUT "
         "refuses"},
	{"ids=list only, any", ID_LIST_ONLY, NARROW,
         "This case has no expect line for auth.peer_ids = any."},
	{"ids=list only, list", ID_LIST_ONLY, LAB, NULL},
	{"longer phase 2 lifetime, lenient", P2_LONGER, LAB, NULL},
	{"longer phase 2 lifetime, strict", P2_LONGER, STRICT, NULL},
	{"longer phase 2 lifetime, obey", P2_LONGER, NARROW, NULL},
	{"phase 2 lifetime not longer than the profile's", P2_LONGER, LONGLIFE,
         "needs a phase 2 lifetime longer than phase2.lifetime (86400 s) but offers 86400 s"},
	{"offered: default lifetime, 1 h profile", P2_DEFAULT, LAB, NULL},
	{"offered: default lifetime, 1 d profile", P2_DEFAULT, LONGLIFE,
         "longer than phase2.lifetime (86400 s) but offers 28800 s"},
	{"8 h phase 1 lifetime, lenient 8 h", P1_EIGHT_HOURS, LAB, NULL},
	{"8 h phase 1 lifetime, strict 1 h", P1_EIGHT_HOURS, STRICT,
         "offers a phase 1 lifetime of 28800 s, longer than phase1.lifetime (3600 s), which "
         "phase1.lifetime_policy = strict refuses"},
	{"transport asked, tunnel configured", TRANSPORT, LAB,
         "asks for transport mode, but the profile's phase2.mode is tunnel"},
	{"refusal at MM5: the pinned suite must be taken", WRONG_PSK, STRICT, NULL},
	{"refusal at MM5, pinned suite unlisted", WRONG_PSK, NOPFS, NULL},
	{"phase 2 refusal of an absent suite", P2_ABSENT, LAB, NULL},
	{"phase 2 refusal of a listed suite", P2_ABSENT, STRICT, "lists aes192-sha512 in phase2"},
	{"refusal at QM1 needs phase 1 through", P1_PINNED_P2_REFUSED, NARROW,
         "does not list aes256-sha256-modp2048 in phase1.proposals"},
	{"refusal at QM1, phase 1 listed", P1_PINNED_P2_REFUSED, LAB, NULL},
};

static void test_rule_table(void)
{
	static struct ik_profile p[NPROF];
	char why[200];

	for (int i = 0; i < NPROF; i++)
		load_profile(&p[i], (enum prof)i);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct ik_caseset cs = {0};
		struct ik_status st;
		const struct row *r = &rows[i];

		bool ok = ik_cases_parse(&cs, r->text, strlen(r->text), "t.case", "t", &st);
		if (!ok)
			fprintf(stderr, "\n  row '%s': %s\n", r->name, st.why);
		CU_ASSERT_TRUE_FATAL(ok);
		why[0] = 0;
		bool skip = ik_case_unclaimed(&cs.c[0], &p[r->prof], why, sizeof(why));
		bool good = skip == (r->skip != NULL) && (!r->skip || strstr(why, r->skip));
		if (!good)
			fprintf(stderr, "\n  row '%s': skip=%d '%s'\n", r->name, skip, why);
		CU_ASSERT_TRUE(good);
		ik_cases_free(&cs);
	}
	for (int i = 0; i < NPROF; i++)
		ik_profile_wipe(&p[i]);
}

/* The case-language forms the rule reads land in the parsed case. */
static void test_forms(void)
{
	static const char text[] =
	    HEAD("MUST") "  run main, quick\n"
	                 "  set phase1.proposals = aes192-sha512-modp4096, "
	                 "aes128-sha1-modp2048\n"
	                 "  needs nopfs unclaimed:aes192-sha512-modp4096\n"
	                 "  needs claimed:aes128-sha1-modp2048 offered:phase2.lifetime=2h\n"
	                 "  expect policy p2=obey: established\n"
	                 "  expect policy p2=strict: rejected at QM1\n";
	struct ik_caseset cs = {0};
	struct ik_status st;

	CU_ASSERT_TRUE_FATAL(ik_cases_parse(&cs, text, strlen(text), "t.case", "t", &st));
	const struct ik_case *c = &cs.c[0];
	CU_ASSERT_TRUE(c->needs & IK_NEED_NOPFS);
	CU_ASSERT_EQUAL(c->nclaims, 2);
	CU_ASSERT_STRING_EQUAL(c->claim[0], "aes192-sha512-modp4096");
	CU_ASSERT_EQUAL(c->claim_sign[0], -1);
	CU_ASSERT_EQUAL(c->claim_sign[1], 1);
	CU_ASSERT_EQUAL(c->offered_life[2], 7200);
	CU_ASSERT_EQUAL(c->expect[0].dim, IK_POL_P2);
	CU_ASSERT_EQUAL(c->expect[0].policy, IK_LIFETIME_OBEY + 1);
	CU_ASSERT_EQUAL(c->expect[1].policy, IK_LIFETIME_STRICT + 1);
	ik_cases_free(&cs);
}

static const struct ik_test tests[] = {
	{"cases x profiles: run or SKIP with the reason", test_rule_table},
	{"policy lines and needs tokens parse", test_forms},
};

IK_TEST_MAIN("claims", tests)
