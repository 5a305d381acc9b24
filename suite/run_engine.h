/*
 * What `connect` and `serve` share: a profile loaded into an engine configuration, the common
 * options (--profile, --keys, --seed), and the one-line summaries of SAs and of where an
 * exchange stopped, in RFC message names and Cisco IOS states.
 */
#ifndef IK_RUN_ENGINE_H
#define IK_RUN_ENGINE_H

#include "cfg_profile.h" /* first: it includes profile.h and ike.h together */
#include "cli_opts.h"
#include "keyfile.h"

#include <signal.h>
#include <stdio.h>

struct ik_run {
	const char *verb;    /* "cmd_connect" / "cmd_serve": prefixes every message */
	const char *profile; /* --profile FILE */
	const char *keys;    /* --keys FILE */
	bool seeded;
	int side; /* --side: 0 the verb's own, 1 dut, 2 tester (a lab peer may play either) */
	uint64_t seed;
	struct ik_profile *p;
	struct ik_cfg cfg;
	struct ik_loop loop;
	struct ik_engine eng;
	struct ik_keyfile kf;
	bool eng_up;
};

/* The option rows connect and serve share, for a verb struct of type whose member r is the
 * struct ik_run (cli_opts.h); profile_help says which side of the profile the verb plays. */
#define IK_RUN_OPTS(type, profile_help)                                               \
	IK_STR("profile", 0, "FILE", type, r.profile, profile_help),                  \
		IK_SET("side", 0, "dut|tester", type, r, ik_run_set_side,             \
	               "play this side of the profile instead (lab peers)"),          \
		IK_STR("keys", 0, "FILE", type, r.keys,                               \
	               "write Wireshark decryption keys as SAs come up (mode 0600)"), \
		IK_SET("seed", 0, "N", type, r, ik_run_set_seed,                      \
	               "reproducible cookies, nonces and DH values (tests only)")
/* The set functions of --side and --seed; dst is the struct ik_run. */
bool ik_run_set_side(void *dst, const char *val, char *why, size_t n);
bool ik_run_set_seed(void *dst, const char *val, char *why, size_t n);
/* Load the profile and build the configuration for one side (the profile's own FILE:LINE
 * message on stderr when it is bad). */
bool ik_run_load(struct ik_run *r, bool as_dut);
/* Seed, open the key file, start the engine on r->cfg; errors on stderr. */
bool ik_run_start(struct ik_run *r);
/* Free the engine, close the key file, wipe the profile: everything ik_run_* made. */
void ik_run_end(struct ik_run *r);
/* Reap ISAKMP SAs that failed or were deleted (a long-running responder must not grow). */
void ik_run_reap(struct ik_engine *e);
/* Retransmissions (first after 500 ms, doubling) that fit into timeout_s: the engine's own
 * verdict ("no MM2 after N retransmissions ...") then comes before the verb's deadline
 * (connect --timeout, load --timeout). */
void ik_run_fit_retrans(struct ik_cfg *cfg, unsigned timeout_s);
/* Stop r->loop on SIGINT and SIGTERM (the handler only sets loop.stop). */
void ik_run_signals(struct ik_run *r);
extern volatile sig_atomic_t ik_run_signalled;

/* "AES-CBC/128 SHA MODP-2048, 28800 s" */
void ik_run_p1_summary(const struct ik_sa *sa, char *buf, size_t n);
/* "ESP in 0x... out 0x... (ESP_AES/128 HMAC-SHA, PFS MODP-2048, 3600 s, tunnel)" */
void ik_run_p2_summary(const struct ik_qm *qm, char *buf, size_t n);
/* XAUTH and mode-config (docs/xauth.md): "XAUTH OK as user joe", "XAUTH FAIL as user joe". */
void ik_run_xauth_summary(const struct ik_sa *sa, char *buf, size_t n);
/* "address 10.9.0.10 netmask 255.255.255.0 DNS 10.9.0.53" (what mode-config handed out). */
void ik_run_modecfg_summary(const struct ik_sa *sa, char *buf, size_t n);
/* "0123456789abcdef/fedcba9876543210" */
void ik_run_cookies(const struct ik_sa *sa, char *buf, size_t n);
/* Where an exchange stopped: "MM5 (MM_KEY_EXCH)"; the hint is for the message expected next. */
void ik_run_where(const struct ik_sa *sa, const struct ik_qm *qm, char *buf, size_t n,
                  const char **hint);

#endif
