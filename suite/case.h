/*
 * Test cases as data (DESIGN.md "Suite: how a test is written"): text files under
 * suite/cases/<area>/NAME.case that a test engineer edits without writing C. docs/writing-cases.md
 * teaches the language; this is its parsed form, what the runner (suite/runner.c) executes.
 *
 *   case MM-LIFE-003
 *     title    A responder lowers or refuses a phase 1 lifetime longer than its own
 *     ref      RFC2407 4.6.3.1 ; RFC2409 5
 *     req      DOI-4.6.3-01 IKE-5-03            (ids from ../shared/REQUIREMENTS.md)
 *     level    MUST                             (MUST | SHOULD | MAY | ADVISORY)
 *     binds    responder: "... MUST ..."        (who the rule binds, and its sentence)
 *     role     dut=responder                    (or dut=initiator)
 *     needs    aggressive nat_t                 (profile features; SKIP when the DUT lacks one;
 *                                               claimed:/unclaimed:/offered: tokens for the
 *                                               claim check, suite/claims.c)
 *     run      main, quick                      (steps, see enum ik_step_kind)
 *     set      phase1.lifetime = 86401          (override the TESTER's side of the profile)
 *     mutate   MM1 SA.P[0].T[0].LIFE_DURATION set:86401      (engine/mutation/mutate.h syntax)
 *     expect   policy p1=strict: rejected at MM1 by notify NO-PROPOSAL-CHOSEN or silence
 *     expect   policy p1=lenient: adjusted p1-lifetime
 *     breaks   any-p1-lifetime                  (serve quirks under which the case must FAIL)
 *
 * A family line expands into one case per field of a message:
 *
 *   family MM1-FUZZ-{n}  fields MM1  ops omit fill:0xff
 *     ... (the other lines as for a case; "{path}" and "{op}" in the title are substituted)
 *
 * The area is the directory name under suite/cases/. Comments start with '#' (at the start of a
 * line, or after a blank and before a blank: "MM3#1" is no comment); a line starting with '|', or
 * indented deeper than its keyword line and not starting with a keyword, continues the value.
 * Expect forms: established [phase1|phase2]; rejected [at MSG] [by notify A | B] [or silence];
 * rejected by silence; adjusted p1-lifetime|p2-lifetime; ignored; survives; alive; carries traffic;
 * discards probes; accepts probes; stops traffic; queries [strict|none]; kept REQ-ID...; each optionally after
 * "policy p1=V:" or "policy p2=V:" (V strict, lenient or obey: the profile's phase1/phase2
 * lifetime_policy; "policy V:" is p1) or "policy ids=any:" / "policy ids=list:" (auth.peer_ids).
 */
#ifndef IK_CASE_H
#define IK_CASE_H

#include "mutate.h"
#include "status.h"
#include "where.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IK_CASE_MAX_STEPS  8
#define IK_CASE_MAX_SETS   8
#define IK_CASE_MAX_NOTIFY 8
#define IK_CASE_MAX_EXPECT 3
#define IK_CASE_MAX_QUIRKS 16
#define IK_CASE_MAX_CLAIMS 8

enum ik_level { IK_LVL_MUST, IK_LVL_SHOULD, IK_LVL_MAY, IK_LVL_ADVISORY };

/* The party the rule a case checks binds (`binds` line, docs/verdicts.md). */
enum ik_binds {
	IK_BINDS_NONE,
	IK_BINDS_RECEIVER,
	IK_BINDS_RESPONDER,
	IK_BINDS_INITIATOR,
	IK_BINDS_SENDER,
	IK_BINDS_BOTH,
	IK_BINDS_ROBUSTNESS,
	IK_BINDS_ADVICE,
	IK_BINDS_POLICY
};

/* What the tester does, in order, once the previous step succeeded. */
enum ik_step_kind {
	IK_STEP_MAIN,       /* main mode (RFC 2409 5) */
	IK_STEP_AGGRESSIVE, /* aggressive mode (RFC 2409 5) */
	IK_STEP_QUICK,      /* quick mode (RFC 2409 5.5); arg: PFS group override, 0 = profile's */
	IK_STEP_DPD,        /* R-U-THERE, expect the ACK (RFC 3706 5) */
	IK_STEP_DELETE,     /* delete the IPsec SAs, then the ISAKMP SA (RFC 2408 3.15) */
	IK_STEP_INITIAL_CONTACT, /* INITIAL-CONTACT notify (RFC 2407 4.6.3.3) */
	IK_STEP_WAIT,            /* wait arg ms (let a DUT act, e.g. DPD towards us) */
	IK_STEP_TRAFFIC, /* arg ICMP echo requests through the quick mode's ESP SA (RFC 4303) */
	IK_STEP_XAUTH, /* wait for the DUT gateway's XAUTH to say OK (draft-beaulieu-ike-xauth-02) */
	IK_STEP_MODECFG,    /* an address by mode-config (draft-dukes-ike-mode-cfg-02 5.1); before
	                  * XAUTH is done it asks at once: the gateway must not answer (xauth 6) */
	IK_STEP_DPD_LISTEN, /* stay quiet and hear the DUT's own R-U-THEREs (RFC 3706 5.4;
	                     * run_dpd.c): the first unanswered, the next ones ACKed; arg 1
	                     * (`dpd-listen keepalives`): a NAT-keepalive every second meanwhile
	                     * (RFC 3948 4) */
	IK_STEP_CFG, /* a mode-config query of suite/cfgq.def (arg: its row) whose answer the case
	             * judges (draft-dukes-ike-mode-cfg-02; docs/xauth.md) */
	IK_STEP_KA_LISTEN,  /* stay quiet and hear the DUT's own NAT-keepalives (RFC 3948 2.3, 4;
	                    * run_keepalive.c) */
	IK_STEP_REPLAY_500, /* after the float, a copy of our last phase 1 message to the DUT's IKE
	                     * port, which must discard it (RFC 3947 4; run_old_port.c) */
	IK_STEP_DPD_500,    /* after the float, an R-U-THERE to the DUT's IKE port, which may take
	                     * it (RFC 3947 4; run_old_port.c) */
	IK_STEP_CLEAR_CFG,  /* before phase 1, a clear mode-config REQUEST for APPLICATION_VERSION
	                    * (draft-dukes-ike-mode-cfg-02 3.1.2; run_clear_cfg.c) */
	IK_STEP_REMAP, /* behind our simulated NAT, its mapping changes: our NAT-T port moves, an
	                * R-U-THERE goes from the new one, the DUT must follow (RFC 3947 7;
	                * run_remap.c) */
	IK_STEP_XAUTH_REAUTH, /* the DUT gateway's XAUTH re-authentication answered with a wrong
	                       * password, its Deletes heard (draft-beaulieu-ike-xauth-02 6;
	                       * run_reauth.c) */
};

/* What a traffic step sends besides its pings (run_traffic.c, docs/writing-cases.md). */
enum ik_probe {
	IK_PROBE_NONE,
#define PROBE(id, name, what, silence_judged) IK_PROBE_##id,
#include "probes.def"
#undef PROBE
	IK_PROBE__N
};

struct ik_case_step {
	enum ik_step_kind kind;
	long arg;            /* quick: "pfs=modp2048" -> group number, "nopfs" -> -1; wait: ms */
	enum ik_probe probe; /* traffic: what it sends besides its pings */
};

enum ik_expect_kind {
	IK_EXP_ESTABLISHED, /* every step completed (phase: 1 only phase 1, 2 through quick mode) */
	IK_EXP_REJECTED, /* the exchange stopped: at `at` (0 any), by one of `notify`, or silence */
	IK_EXP_ADJUSTED, /* completed, and the DUT lowered a lifetime and said so */
	IK_EXP_IGNORED,  /* the DUT dropped the mutated message (a #1 mutation) and completed
			     * on the clean retransmission */
	IK_EXP_SURVIVES, /* the DUT builds no SA from the broken message (does not answer it with
			     * the next message of its exchange, nor completes that exchange) and
			     * is alive afterwards (docs/verdicts.md 5) */
	IK_EXP_ALIVE,    /* any outcome, as long as the DUT is alive afterwards (both taking and
			     * refusing the message are allowed) */
	IK_EXP_TRAFFIC,  /* every step completed and the traffic step's pings came back through
			     * the tunnel (docs/writing-cases.md "traffic") */
	IK_EXP_DISCARDS, /* the traffic step's probes got no answer, its pings after them did */
	IK_EXP_ACCEPTS,  /* the traffic step's probes were answered */
	IK_EXP_STOPS,    /* pings came back before the probes and none after (a Delete acted on) */
	IK_EXP_QUERIES,  /* the DUT sent R-U-THERE on its own (dpd-listen; its MUSTs are checked
			     * on every query, RFC 3706 5.3, 6.2); strict: and its SHOULDs, a
			     * second query after the unanswered first, the cookies as SPI */
	IK_EXP_KEEPALIVE, /* keepalive-listen heard the DUT's NAT-keepalives (RFC 3948 2.3, 4): ka
			     * says which rule is judged (IK_KA_*) */
	IK_EXP_KEPT,      /* the DUT's XAUTH messages kept the rows of engine/exchanges/
			     * xauth_check.def named (kept_rows): each was read at least once and none
			     * broke (a MAY row never breaks: what it saw is the evidence) */
	IK_EXP_ANNOUNCED, /* completed, and the DUT's QM2 said REPLAY-STATUS 0 for the SA (RFC 2407
			     * 4.6.3.2): it will not check sequence numbers, as its profile says */
};

/* What `expect keepalive` judges (docs/writing-cases.md). */
enum { IK_KA_PORTS = 1, IK_KA_OCTET, IK_KA_TIMELY, IK_KA_CHECKSUM };

enum ik_adjust { IK_ADJ_P1_LIFETIME = 1, IK_ADJ_P2_LIFETIME };

/* The profile policy an expect line depends on (docs/writing-cases.md "Policy"). */
enum ik_policy_dim {
	IK_POL_NONE,
	IK_POL_P1,  /* phase1.lifetime_policy; policy = IK_LIFETIME_* + 1 */
	IK_POL_P2,  /* phase2.lifetime_policy; policy = IK_LIFETIME_* + 1 */
	IK_POL_IDS, /* auth.peer_ids; policy = IK_IDS_ANY or IK_IDS_LIST */
};
enum { IK_IDS_ANY = 1, IK_IDS_LIST = 2 };

struct ik_expect {
	enum ik_policy_dim dim; /* IK_POL_NONE: the line applies whatever the profile says */
	int policy; /* 0 with IK_POL_NONE; else the policy value (+1) under which the line applies */
	enum ik_expect_kind kind;
	int phase;         /* established: 1 or 2 (0: all steps) */
	enum ik_xchg at_x; /* rejected at: exchange and message (at_msg 0: anywhere) */
	int at_msg;
	uint16_t notify[IK_CASE_MAX_NOTIFY]; /* acceptable notify types */
	size_t nnotify;
	bool silence; /* silence is acceptable (or the only outcome when nnotify == 0);
				 * plain "rejected" (nnotify 0, silence false): any notify or
				 * silence, as long as the exchange does not complete */
	enum ik_adjust adjust;
	bool strict;        /* queries strict */
	bool none;          /* queries none: no R-U-THERE may come (RFC 3706 5.1, DPD-016) */
	int ka;             /* keepalive: IK_KA_PORTS, IK_KA_OCTET, IK_KA_TIMELY, IK_KA_CHECKSUM */
	uint64_t kept_rows; /* kept: bit i = row i of xauth_check.def */
};

#define IK_CASE_MAX_ALIKE  4
#define IK_CASE_MAX_TIMING 9

struct ik_case {
	char id[32];
	char title[200];
	char ref[96];   /* "RFC2409 5.4" (required) */
	char req[160];  /* requirement ids, space-separated (may be empty) */
	char area[32];  /* directory under suite/cases */
	char file[256]; /* for messages: FILE:LINE */
	unsigned line;
	enum ik_level level;
	enum ik_binds binds_who; /* binds: who the cited rule binds (NONE: no binds line) */
	char binds[320];         /* binds: the sentence that binds it */
	enum ik_who dut_role;    /* IK_RESPONDER: we initiate */
	unsigned needs;          /* IK_NEED_* */
	struct ik_case_step steps[IK_CASE_MAX_STEPS];
	size_t nsteps;
	char set_key[IK_CASE_MAX_SETS][48]; /* "phase1.lifetime" */
	char set_val[IK_CASE_MAX_SETS][160];
	size_t nsets;
	struct ik_mutation mut[IK_MAX_MUTATIONS];
	size_t nmut;
	/* alike: variants, one mutation each; the case runs once per variant, each run judged by
	 * the expect lines, and the DUT must answer every variant the same way (suite/runner.c) */
	struct ik_mutation alike[IK_CASE_MAX_ALIKE];
	/* a variant that is `set KEY = VALUE` instead (alike_key[i][0] set; alike[i] unused) */
	char alike_key[IK_CASE_MAX_ALIKE][48];
	char alike_val[IK_CASE_MAX_ALIKE][160];
	size_t nalike;
	/* timing N: each alike variant runs N times, interleaved, and the DUT's answer latency is
	 * compared across variants as well (suite/run_timing.c); 0: answers only */
	unsigned timing;
	struct ik_expect expect[IK_CASE_MAX_EXPECT];
	size_t nexpect;
	char breaks[IK_CASE_MAX_QUIRKS][32]; /* serve quirk names */
	size_t nbreaks;
	char family[32]; /* the family id pattern ("MM1-FUZZ-{n}") that generated the case, or "" */
	/* needs claimed:P / unclaimed:P: a proposal of a `set` line the claim check (suite/claims.c)
	 * takes as needed (+1) or as assumed absent from the DUT (-1), whatever its rule says */
	char claim[IK_CASE_MAX_CLAIMS][64];
	signed char claim_sign[IK_CASE_MAX_CLAIMS];
	size_t nclaims;
	uint32_t offered_life[3]; /* needs offered:phaseN.lifetime=D: [N] what the case offers in
				   * effect (its mutations decide it); 0 = only `set` says */
};

enum {
	IK_NEED_AGGRESSIVE = 1,
	IK_NEED_NAT_T = 2,
	IK_NEED_DPD = 4,
	IK_NEED_PFS = 8,
	IK_NEED_XAUTH = 16,
	IK_NEED_MODECFG = 32,
	IK_NEED_TRANSPORT = 64,
	IK_NEED_NOPFS = 128, /* a DUT without PFS (phase2.pfs = none); checked by suite/claims.c */
	IK_NEED_TRAFFIC = 256,        /* features.traffic: the DUT forwards ESP to an inner host */
	IK_NEED_ANTI_REPLAY = 512,    /* features.anti_replay: its ESP SAs check sequence numbers */
	IK_NEED_FRAGMENTATION = 1024, /* dut.fragmentation not no: it takes IKEv1 fragments */
	IK_NEED_RSA_SIG = 2048,       /* auth.method = rsa-sig (RFC 2409 5.1) */
	IK_NEED_PSK = 4096,           /* auth.method = psk: a DUT without signatures */
	IK_NEED_CRL = 8192,           /* auth.crl: the DUT checks certificates against a CRL */
	IK_NEED_RSA_ENC = 16384,      /* auth.method = rsa-enc (RFC 2409 5.2) */
	IK_NEED_RSA_ENC_REV = 32768,  /* auth.method = rsa-enc-rev (RFC 2409 5.3) */
	IK_NEED_DPD_DELAY = 65536,    /* phase1.dpd: the DUT probes an idle peer after that long */
	IK_NEED_XAUTH_CLIENT = 131072,  /* features.xauth_client: initiating, an XAUTH client */
	IK_NEED_KEEPALIVE = 262144,     /* natt.keepalive stated: the DUT sends NAT-keepalives */
	IK_NEED_MODECFG_PUSH = 524288,  /* modecfg.push: mode-config by SET/ACK (mode-cfg-02 2) */
	IK_NEED_MODECFG_PULL = 1048576, /* features.modecfg, not push: REQUEST/REPLY */
	IK_NEED_PEER_CERT = 2097152,    /* dut.peer_cert: the DUT holds the tester's certificate */
	IK_NEED_NO_ANTI_REPLAY = 4194304, /* features.anti_replay = no, stated: no replay checks */
	IK_NEED_TUNNEL = 8388608,         /* phase2.mode = tunnel (RFC 2407 4.5, RFC 3947 5.1) */
	IK_NEED_DSS_SIG = 16777216,       /* auth.method = dss-sig (RFC 2409 5.1, r||s) */
	IK_NEED_XAUTH_REAUTH = 33554432 /* xauth.reauth: the DUT gateway re-runs XAUTH (xauth 6) */
};

struct ik_caseset {
	struct ik_case *c;
	size_t n, cap;
};

/* Load every *.case under dir (recursively, sorted by path, then by order in the file). On a
 * syntax error st->why is "FILE:LINE: what was expected" and the set is freed. */
bool ik_cases_load(struct ik_caseset *cs, const char *dir, struct ik_status *st);
/* Parse one file's text (tests use this); area names the cases' area. Appends to cs, which may
 * already hold other files' cases (ids must be unique across all of them). On an error the
 * cases read before it stay in cs: the caller frees the set. */
bool ik_cases_parse(struct ik_caseset *cs, const char *text, size_t len, const char *file,
                    const char *area, struct ik_status *st);
void ik_cases_free(struct ik_caseset *cs);
/* Keep only cases whose id matches glob (fnmatch) and whose level is at most `level` strict
 * (MUST keeps MUST; SHOULD keeps MUST and SHOULD; ...). NULL/-1: no filter. */
void ik_cases_filter(struct ik_caseset *cs, const char *glob, int level);
const char *ik_level_name(enum ik_level l);
const char *ik_binds_name(enum ik_binds w);
const char *ik_probe_name(enum ik_probe p);    /* "replay", ... (case_values.c, probes.def) */
const char *ik_probe_what(enum ik_probe p);    /* what it sends, for a verdict's reason */
bool ik_probe_silence_judged(enum ik_probe p); /* nothing after it is judged (probes.def) */
/*
 * The field paths a family line generates for message msg of exchange x (suite/case_family.c):
 * the header, each payload the message must carry (engine/exchanges/messages.def), SA.P[0], SA.P[0].T[0] and
 * the transform attributes the engine always sends. Fills up to cap, returns how many there are.
 */
size_t ik_case_field_paths(enum ik_xchg x, int msg, char paths[][96], size_t cap);

#endif
