/*
 * Runner internals shared by runner.c (scheduling, liveness, records) and run_case.c (one case:
 * its engine, its steps, what it saw).
 */
#ifndef IK_RUNNER_INT_H
#define IK_RUNNER_INT_H

#include "keyfile.h"
#include "runner.h"
#include "run_timing.h"
#include "run_wire.h"

struct ik_runner;
struct ik_traffic;
struct ik_udp_tap;

/* One case in flight (or its liveness probe). */
struct crun {
	struct ik_runner *R;
	const struct ik_case *c;
	size_t idx;         /* index in the case set */
	bool probe;         /* this is the fresh exchange after the case, not the case */
	unsigned window_ms; /* silence window of this run (the probe gets a longer one) */
	unsigned probe_try;
	struct ik_cfg cfg;
	struct ik_engine eng;
	bool eng_up;
	struct ik_mutation mut[IK_MAX_MUTATIONS];
	size_t nmut;
	const struct ik_case_step *steps;
	size_t nsteps, step;
	struct ik_sa *sa;
	struct ik_qm *qm;
	uint64_t t0_ms, last_change_ms, last_tx_ms;
	uint64_t watch_timer, step_timer;
	int snap; /* progress snapshot: steps, message numbers */
	bool last_ev_notify;
	uint8_t rcookie[8];
	bool have_rc;
	bool restart_late; /* the DUT opened a new exchange for a late copy (judged at the end) */
	bool deleted;      /* our Deletes went out */
	uint8_t qm2[32];   /* digest of the first QM2 of our quick mode */
	bool have_qm2;
	const struct ik_case_step *quick_wait; /* a quick step waiting for XAUTH / mode-config */
	struct ik_qm *cfgq; /* the `cfg` step's query in flight (a transaction under sa) */
	struct ik_wire_id broken[IK_WIRE_MAX]; /* the datagrams we broke, as sent (run_wire.h) */
	size_t nbroken;
	char wire_answer[300]; /* a DUT answer tied to one of them by its octets ("" none) */
	char noop[200];  /* a mutation that changed no octet: the case is SKIPped, saying so */
	bool responder;  /* dut=initiator: we answer on the profile's tester port */
	int trigger_pid; /* --dut-initiate command, while it runs */
	uint64_t dpd_until, dpd_done_at;         /* dpd-listen: when it gives up, when it is done */
	uint64_t ra_start, ra_until, ra_done_at; /* xauth-reauth (run_reauth.c): likewise */
	/* keepalive-listen (run_keepalive.c): the DUT's last datagram (any, on either port), when the
	 * step gives up, when it is done; on: the step is listening */
	uint64_t dut_rx_ms, ka_start_ms, ka_until, ka_done_at;
	bool ka_on;
	/* replay-500, dpd-500 (run_old_port.c): when our first datagram to the DUT's IKE port went
	 * (0: none yet), whether the DUT answered the R-U-THERE */
	uint64_t old_sent_ms;
	bool old_acked;
	enum ik_step_kind old_kind; /* which of the two sent it */
	/* clear-cfg (run_clear_cfg.c): the cookie and identifier of our clear REQUEST, once sent */
	uint8_t cc_cookie[8];
	uint16_t cc_id;
	bool cc_sent;
	/* remap (run_remap.c): our NAT-T socket before the mapping changed, still heard; open: it
	 * is (the clearing of a rerun leaves fd 0, not -1) */
	struct ik_sock remap_old;
	bool remap_open;
	uint64_t dpd_ka_next; /* dpd-listen keepalives: when the next one goes */
	struct ik_observed o;
	struct ik_pcapw *pcap;
	struct ik_traffic *tr;  /* traffic step (run_traffic.c) */
	struct ik_udp_tap *tap; /* traffic, keepalive-listen: the UDP checksum tap (udp_tap.h) */
	bool finished;
	/* kept across attempts and the probe (start_probe and rerun clear everything above): */
	struct ik_result *pending; /* the case's result while its liveness probe runs */
	unsigned probes_answered;  /* of its probes, those that ended on a refusal, not silence */
	unsigned attempt;          /* 0: the first run of the case; 1.. reruns (run_retry.c) */
	struct ik_result *best;    /* the attempt that showed most of the DUT so far */
	struct ik_observed best_o;
	int best_info;
	bool best_stalled;  /* that attempt never got past its unmutated setup */
	bool best_unsent;   /* it went silent on a message our own host never sent */
	char attempts[800]; /* one line per attempt, for the evidence */
	/* a case with alike variants (case.h): the variant running, each one's answer, the first
	 * variant whose own verdict was not a PASS */
	unsigned variant;
	unsigned run; /* with `timing N`: the run, 0 .. N * variants - 1 (variant = run % n) */
	unsigned odd_answers;    /* runs of a variant answered otherwise than its first run */
	struct ik_timing timing; /* the answer times of the runs (run_timing.h) */
	char alike_seen[IK_CASE_MAX_ALIKE][160];
	struct ik_result *alike_bad;
	bool revival; /* a probe of a DUT declared dead: does it answer again? */
	unsigned
		epoch; /* R->deaths when the case started: a death since then means it met a dead DUT */
	struct crun *next;
};

struct ik_runner {
	const struct ik_runopts *o;
	char *profile_text;
	size_t profile_len;
	struct ik_profile *base; /* the profile as written (DUT name, policy, features) */
	struct ik_caseset cs;
	struct ik_loop loop;
	struct ik_keyfile kf;
	FILE *results;
	struct crun *running;
	size_t nrunning, next, decided;
	size_t counts[IK_V__N];
	bool dut_dead;
	char dead_since[120]; /* "case X", or "one of the cases X, Y" in flight when it stopped */
	uint64_t t0_ms;
	bool failed_required;
	bool tty;       /* stdout is a terminal: live progress line */
	bool exclusive; /* a case that runs alone is in flight (ik_case_runs_alone) */
	bool port_busy; /* a case the DUT initiates holds the tester port (ik_case_owns_tester_port) */
	unsigned loss_samples,
		loss_events; /* clean round trips seen; signs of loss (run_retry.c) */
	unsigned reruns;     /* attempts beyond the first, over all cases */
	unsigned rtt_samples, srtt_ms, rttvar_ms; /* the DUT's answer time (run_rtt.c) */
	uint64_t dead_at_ms, revive_at_ms; /* when the DUT was declared dead; next revival probe */
	bool dead_final;   /* it did not answer again within --dead-wait: the rest is not run */
	bool reviving;     /* a revival probe is in flight */
	char stopped[200]; /* why the run stopped early ("" when it did not) */
	size_t *requeue; /* cases to run again once the DUT answers (their probe met a dead DUT) */
	size_t nrequeue;
	size_t *order; /* the case set's indices in the order they start (run_order.c) */
	bool *started; /* by index in the case set: started (or decided without running) */
	/* by index: in flight when the DUT stopped answering alongside other cases; it runs again alone
	 * (once the DUT answers) before anyone is blamed (run_alive.c) */
	bool *confirm;
	unsigned deaths; /* how many times the DUT was declared dead */
	/* The DUT has sent a message of an exchange in this run (not only notifies): until then, a
	 * run whose probes fail met a DUT that is not there or a profile that does not match it,
	 * never one a case stopped (run_alive.c declare_dead). */
	bool dut_took_part;
};

/* Build the case's engine and start its first step; false with st set (harness fault). */
bool ik_crun_start(struct crun *cr, struct ik_status *st);
/* Free what the case run holds (engine, pcap, timers); the record is built before this. */
void ik_crun_free(struct crun *cr);
/* The tester-side configuration for a case (profile + the case's `set` lines). */
/* The same for variant v of a case with alike variants (its `set` variant added). */
bool ik_crun_cfg_variant(struct ik_runner *R, const struct ik_case *c, unsigned v,
                         struct ik_cfg *cfg, struct ik_status *st);
/* Whether case c names the tester's IKE port (`set tester.port`, NATT-021): a case where the DUT
 * responds then starts from it, or from the next free port above it (ik_crun_start). */
bool ik_case_pins_port(const struct ik_case *c);
bool ik_crun_cfg(struct ik_runner *R, const struct ik_case *c, struct ik_cfg *cfg,
                 struct ik_status *st);
/* Whether the tester may send INITIAL-CONTACT with phase 1 (only when cases run one at a time). */
bool ik_run_may_claim_initial_contact(const struct ik_runopts *o);
/* Whether a case must run with no other case in flight (DUT-initiated, INITIAL-CONTACT,
 * traffic), given what the profile says the DUT keeps apart. */
bool ik_case_runs_alone(const struct ik_case *c, const struct ik_runopts *o,
                        const struct ik_profile *p);
/* Whether the DUT initiates the case to the tester port (one such case in flight at a time). */
bool ik_case_owns_tester_port(const struct ik_case *c, const struct ik_runopts *o);
/* Whether a liveness probe asks the DUT to initiate (--dut-initiate) instead of initiating:
 * the profile does not claim the DUT answers (dut.roles without responder, run_alive.c). */
bool ik_probe_by_dut(const struct ik_runner *R);
/* Fill the evidence part of a result (ladder, notifies, mutations, where, hint, evidence). */
void ik_crun_evidence(const struct crun *cr, struct ik_result *r);

/* Append a decided result to results.jsonl (and the progress line). */
void ik_run_record(struct ik_runner *R, struct ik_result *r);
/* A one-line note about the run on the terminal (not a verdict). */
void ik_run_note(struct ik_runner *R, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Liveness (run_alive.c). */
bool ik_probe_start(struct ik_runner *R, struct crun *cr, struct ik_pcapw *pcap, unsigned try,
                    struct ik_status *st);
/* A probe finished: the next probe, or blame / requeue / record. True when cr may be freed. */
bool ik_probe_reap(struct ik_runner *R, struct crun *cr);
/* While the DUT is dead: revival probes, --dead-wait. True when cases may be started. */
bool ik_alive_schedule(struct ik_runner *R);
/* A case run (or its probe) that was in flight when the DUT was declared dead is not judged on
 * it: requeued to run again once the DUT answers (true); once the run gave up on the DUT, r says it
 * is not decided (false: record r). */
bool ik_alive_met_death(struct ik_runner *R, const struct crun *cr, struct ik_result *r);
/* Why case idx is not decided when the DUT stopped answering (naming the cases in flight when
 * it was one of them), then before (its own reason, may be NULL). */
void ik_alive_not_decided(const struct ik_runner *R, size_t idx, const char *before, char *why,
                          size_t n);

/* The SA of ours a datagram we sent belongs to (run_case.c): the one whose initiator cookie its
 * octets 0-7 are, else own (the case's), else the first of sas. */
struct ik_sa *ik_wire_sender(struct ik_sa *sas, struct ik_sa *own, const uint8_t *p, size_t len);

/* Loss on the path (run_retry.c, docs/verdicts.md section 7). */
/* Count clean round trips and signs of loss in a ladder; c: its case (NULL: a probe). */
void ik_loss_scan(const struct ik_ladder *l, const struct ik_case *c, const struct ik_profile *p,
                  unsigned *samples, unsigned *events);
void ik_loss_note(struct ik_runner *R, const struct crun *cr);
/* Whether the DUT sent a message of an exchange (not a notify) on this ladder. */
bool ik_ladder_dut_took_part(const struct ik_ladder *l);
bool ik_path_lossy(struct ik_runner *R);
/* The DUT's round-trip time (run_rtt.c): clean round trips of a ladder moving the estimate; the
 * retransmission interval of a case with this window. */
void ik_rtt_scan(struct ik_runner *R, const struct ik_ladder *l);
unsigned ik_rtt_retrans_ms(const struct ik_runner *R, unsigned window_ms);
/* How much of the DUT an attempt showed (higher: judge this attempt). */
int ik_obs_info(const struct crun *cr);
/* The attempt went silent before any of its mutations was sent. */
bool ik_obs_stalled(const struct crun *cr);
/* Whether the case just judged (verdict v) must be run again before it is believed. */
bool ik_want_rerun(struct ik_runner *R, const struct crun *cr, enum ik_verdict v);
/* Silence is one of the answers the case accepts (a refusal "or silence", "survives"). */
bool ik_silence_accepted(const struct ik_case *c);

/* The order the cases start in (run_order.c): R->order; false when out of memory. */
bool ik_run_order(struct ik_runner *R);

/* The traffic step (run_traffic.c): start it (false with o.step_fail set), and take its data
 * path down; run_case.c's ik_traffic_done moves on to the next step. */
/* A probe this host cannot send (fragment: no raw socket without CAP_NET_RAW): true, why says
 * so, and the case is SKIPped rather than judged on a probe that never went. */
bool ik_traffic_cannot(const struct ik_case *c, char *why, size_t n);
bool ik_traffic_start(struct crun *cr);
void ik_traffic_stop(struct crun *cr);
void ik_traffic_done(struct crun *cr);
/* The dpd-listen step (run_dpd.c); run_case.c's ik_step_done moves on to the next step. */
bool ik_dpd_listen_start(struct crun *cr);
/* The xauth-reauth step (run_reauth.c): the DUT gateway's re-authentication failed, its
 * Deletes heard. */
bool ik_reauth_start(struct crun *cr);
/* The keepalive-listen step (run_keepalive.c), and its tap of every datagram that arrives. */
bool ik_ka_listen_start(struct crun *cr);
/* The remap step (run_remap.c): move our NAT-T port, hear the old one; and its close. */
bool ik_remap_start(struct crun *cr);
/* The dpd step's timer (run_case.c): the R-U-THERE again until its ACK ends the step. */
void ik_dpd_retry(void *arg);
void ik_remap_close(struct crun *cr);
void ik_ka_rx_tap(struct ik_engine *e, const struct ik_dgram *d);
void ik_step_done(struct crun *cr);
/* The UDP checksum tap of a traffic or keepalive-listen step (run_keepalive.c, udp_tap.h):
 * opened on datagrams from dut to our NAT-T port when the case judges the checksum; closed. */
void ik_tap_begin(struct crun *cr, const struct sockaddr_storage *dut);
void ik_tap_end(struct crun *cr);
/* The exchange stops here for why (the DUT's doing, judged by the case's expect lines). */
void ik_step_fail(struct crun *cr, const char *why);
/* The replay-500 and dpd-500 steps (run_old_port.c), the datagrams of the DUT they watch (the
 * tap: received on our port local_port), and an R-U-THERE-ACK during dpd-500. */
bool ik_old_port_start(struct crun *cr, const struct ik_case_step *s);
void ik_old_port_rx(struct crun *cr, uint16_t local_port, const uint8_t *p, size_t len);
void ik_old_port_acked(struct crun *cr);
/* The clear-cfg step (run_clear_cfg.c), the DUT's datagrams it watches, and what one of them
 * under our cookie was, in words (the REQUEST's identifier id). */
bool ik_clear_cfg_start(struct crun *cr);
void ik_clear_cfg_rx(struct crun *cr, const uint8_t *p, size_t len);
void ik_clear_cfg_describe(const uint8_t *p, size_t len, uint16_t id, char *out, size_t n);

#endif
