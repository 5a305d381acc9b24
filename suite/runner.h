/*
 * The runner (`ikecheck run`): executes test cases (suite/case.h) against the DUT of a profile,
 * many at once on one event loop, each case with its own engine, sockets and cookies; decides
 * silence with a window instead of the DUT's retransmission schedule; checks after every
 * negative case that the DUT still completes a fresh exchange; appends each verdict with its
 * evidence to OUT/results.jsonl the moment it is decided (reports/result.h).
 */
#ifndef IK_RUNNER_H
#define IK_RUNNER_H

#include "case.h"
#include "cfg_profile.h" /* first of profile.h/ike.h: see its comment */
#include "pcapw.h"
#include "result.h"
#include "should.h"

#include <stdio.h>

struct ik_runopts {
	const char *profile; /* --profile FILE */
	const char *cases;   /* --cases-dir DIR (default suite/cases next to the binary's tree) */
	const char *glob;    /* --cases GLOB */
	int level;           /* --level: -1 all */
	const char *out;     /* --out DIR */
	unsigned parallel;   /* --parallel N */
	unsigned silence_ms; /* --silence MS: no progress for this long is silence */
	unsigned
		dead_wait_s; /* --dead-wait S: how long a DUT that stopped answering may take to come back */
	unsigned shard_i, shard_n; /* --shard I/N (1-based); n 0: no sharding */
	bool show_secrets;         /* --show-secrets: PSK in the report's run header */
	bool no_alive;             /* --no-alive-check (debugging a DUT) */
	bool quiet, verbose;
	const char *argv_text;
	const char *baseline;     /* --baseline FILE: a previous results.jsonl or report.json */
	const char *dut_initiate; /* --dut-initiate CMD: makes the DUT start an exchange */
};

/* What one case run saw, from which the verdict is judged (suite/verdict.c). */
struct ik_observed {
	bool p1_up, p2_up, all_done; /* all_done: every step of the case completed */
	bool failed;                 /* the exchange stopped */
	bool silence;                /* it stopped because the DUT made no progress */
	bool dut_deleted;   /* the DUT deleted our ISAKMP SA in answer to a mutated message */
	bool xauth_refused; /* the DUT, an XAUTH gateway, SET XAUTH_STATUS FAIL (draft-beaulieu 6) */
	bool we_refused;    /* our engine refused a message of the DUT */
	bool restarted;     /* the DUT answered with a new responder cookie */
	bool answered_mutated; /* the DUT answered a message we mutated (before a clean copy) */
	bool accepted_mutated; /* it answered a mutated message with the next message of its
				       * exchange, or completed the exchange it belongs to */
	char restart_why[160]; /* how the DUT restarted */
	bool p1_adjusted, p2_adjusted; /* RESPONDER-LIFETIME (or a lower lifetime) from the DUT */
	bool p2_no_replay;             /* the DUT's QM2 said REPLAY-STATUS 0 (RFC 2407 4.6.3.2) */
	enum ik_xchg at_x;             /* where it stopped: exchange and last message done */
	int at_msg;
	bool dut_answered_after; /* the DUT sent the next message of the exchange */
	uint16_t notify[16];     /* error/status notifies the DUT sent, in order */
	size_t nnotify;
	char why[256];          /* the engine's sentence for the stop */
	char step_fail[160];    /* a step that could not run (harness fault) */
	char fault[200];        /* a MUST the DUT broke in what it sent (engine: sa->fault) */
	char chose_broken[160]; /* it chose a transform we broke (engine: sa->chose_broken) */
	char wire_answer[300];  /* it answered a datagram we broke that names no exchange of ours
				       * (suite/run_wire.h): which octets tie the answer to it */
	unsigned steps_done;    /* steps of the case completed when it stopped */
	unsigned last_sends;    /* transmissions of our last message that left our host */
	long answer_ms;         /* the DUT's answer time to our last message (run_timing.h), -1 */
	unsigned send_errors;  /* datagrams our own host refused to send (engine/exchanges/ike.h) */
	unsigned pings, pongs; /* traffic step: echo requests sent, replies through the tunnel */
	double rtt_ms;         /* their mean round trip */
	enum ik_probe probe; /* what the traffic step sent besides pings (IK_PROBE_NONE: nothing) */
	unsigned probes;     /* probe packets sent */
	unsigned old_pongs;  /* old-sa: replies the earlier traffic step had through the first SA */
	unsigned probe_replies;             /* echo replies the probes drew (none for dummies) */
	unsigned pongs_before, pongs_after; /* replies to the pings sent before / after them */
	char traffic_why[160]; /* why a packet of the DUT's was refused (ESP or inner check) */
	char send_error[120];
	/* dpd-listen (run_dpd.c): the DUT's own R-U-THEREs heard (copies too), the first and
	 * last sequence numbers, the wait, and the first SHOULD of RFC 3706 they broke ("" none) */
	bool dpd_listened;
	unsigned dpd_queries, dpd_wait_s;
	uint32_t dpd_first, dpd_last;
	char dpd_should[200];
	/* keepalive-listen (run_keepalive.c): datagrams of fewer than 8 octets from the DUT (a
	 * NAT-keepalive, RFC 3948 2.3, or what passes for one: no ESP or IKE is that short), the
	 * longest silence allowed (2M + grace) and the longest seen, the first keepalive, and the
	 * first that broke the ports (2.3), the octet (2.3) or the interval (4); "" none */
	bool ka_listened;
	unsigned ka_heard, ka_limit_ms, ka_gap_ms, ka_wait_s;
	char ka_first[120], ka_port[160], ka_octet[160], ka_late[200];
	/* keepalive checksum (suite/udp_tap.h): the keepalives the raw socket read, and the first
	 * with a UDP checksum other than 0 (RFC 3948 2.3), or why there was no tap; "" none */
	unsigned ka_tapped;
	char ka_csum[160], tap_why[160];
	/* the DUT's XAUTH messages against engine/exchanges/xauth_check.def (sa->xa): the rows read,
	 * the rows broken, and what each saw (`expect kept`) */
	uint64_t xc_seen, xc_broke;
	/* replay-500, dpd-500 (run_old_port.c): what the DUT did with our datagrams to its IKE port
	 * after the float ("" no such step) */
	char old_port[200];
	/* clear-cfg (run_clear_cfg.c): what the DUT answered our clear REQUEST before phase 1 */
	char clear_cfg[240];
	/* remap (run_remap.c): our NAT-T port before and after the NAT's mapping changed, and the
	 * first datagram of the DUT that still came to the old one (RFC 3947 7; "" none) */
	unsigned remap_from, remap_to;
	char remap_stale[200];
	/* dpd-listen keepalives: the NAT-keepalives we sent while listening (RFC 3948 4) */
	unsigned dpd_ka_sent;
	char xc_note[IK_XC__N][IK_XC_NOTE];
	/* the SHOULD rows of engine/exchanges/should.def judged in what the DUT sent (sa->sh): a
	 * case that cites a broken one on its `req` line WARNs (docs/verdicts.md 6) */
	uint32_t sh_seen, sh_broke;
	char sh_note[IK_SH__N][IK_SH_NOTE];
};

/* Judge one case by the expect lines that apply to profile p's policies: verdict, reason, and
 * the expected/observed sentences. */
enum ik_verdict ik_judge(const struct ik_case *c, const struct ik_observed *o,
                         const struct ik_profile *p, char *reason, size_t rlen, char *expected,
                         size_t elen, char *observed, size_t olen);
/* "rejected at MM1 by NO-PROPOSAL-CHOSEN or silence" */
void ik_expect_text(const struct ik_expect *x, char *buf, size_t n);

/* Run the cases; returns the process exit status (0 all required passed, 1 some failed, 2 the
 * run could not be done). */
int ik_runner_run(const struct ik_runopts *o);

/* Profile text with `section.key = value` overrides applied (tester side of a case). */
bool ik_profile_override(const char *text, const char keys[][48], const char vals[][160], size_t n,
                         char **out, struct ik_status *st);

#endif
