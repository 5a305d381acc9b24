/*
 * Runner internals shared by runner.c (scheduling, liveness, records) and run_case.c (one case:
 * its engine, its steps, what it saw).
 */
#ifndef IK_RUNNER_INT_H
#define IK_RUNNER_INT_H

#include "keyfile.h"
#include "runner.h"

struct ik_runner;

/* One case in flight (or its liveness probe). */
struct crun {
	struct ik_runner *R;
	const struct ik_case *c;
	size_t idx;        /* index in the case set */
	bool probe;        /* this is the fresh exchange after the case, not the case */
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
	uint64_t t0_ms, last_change_ms;
	uint64_t watch_timer, step_timer;
	int snap; /* progress snapshot: steps, message numbers */
	bool last_ev_notify;
	uint8_t rcookie[8];
	bool have_rc;
	bool deleted; /* our Deletes went out */
	uint8_t qm2[32]; /* digest of the first QM2 of our quick mode */
	bool have_qm2;
	bool responder; /* dut=initiator: we answer on the profile's tester port */
	int trigger_pid; /* --dut-initiate command, while it runs */
	struct ik_observed o;
	struct ik_pcapw *pcap;
	bool finished;
	/* kept across the probe: */
	struct ik_result *pending; /* the case's result while its liveness probe runs */
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
	char dead_since[40]; /* the case after which the DUT stopped answering */
	uint64_t t0_ms;
	bool failed_required;
	bool tty; /* stdout is a terminal: live progress line */
	bool exclusive; /* a case that runs alone is in flight (ik_case_runs_alone) */
};

/* Build the case's engine and start its first step; false with st set (harness fault). */
bool ik_crun_start(struct crun *cr, struct ik_status *st);
/* Free what the case run holds (engine, pcap, timers); the record is built before this. */
void ik_crun_free(struct crun *cr);
/* The tester-side configuration for a case (profile + the case's `set` lines). */
bool ik_crun_cfg(struct ik_runner *R, const struct ik_case *c, struct ik_cfg *cfg,
		 struct ik_status *st);
/* Whether the tester may send INITIAL-CONTACT with phase 1 (only when cases run one at a time). */
bool ik_run_may_claim_initial_contact(const struct ik_runopts *o);
/* Whether a case must run with no other case in flight (DUT-initiated, or INITIAL-CONTACT). */
bool ik_case_runs_alone(const struct ik_case *c, const struct ik_runopts *o);
/* Fill the evidence part of a result (ladder, notifies, mutations, where, hint, evidence). */
void ik_crun_evidence(const struct crun *cr, struct ik_result *r);

#endif
