/*
 * ikecheck connect: bring one tunnel up as initiator towards the DUT of a profile (main or
 * aggressive mode, then quick mode), print the message ladder in RFC message names and Cisco
 * IOS states, then one result line; finally delete the IPsec and ISAKMP SAs (RFC 2408 4.8,
 * 3.15) unless --keep. Exit 0 established, 1 the DUT did not bring it up, 2 usage, profile or
 * local network error (docs/connect-serve.md).
 */
#include "run_engine.h"
#include "cli.h"
#include "connect_ping.h"
#include "consts.h"

#include <stdlib.h>
#include <string.h>

struct mutations {
	struct ik_mutation m[IK_MAX_MUTATIONS]; /* --mutate, in the order given */
	size_t n;
};

struct conn {
	struct ik_run r;
	bool aggressive, no_quick, keep, hold, quiet, verbose;
	unsigned timeout_s;
	struct ik_sa *sa;
	struct ik_qm *qm_done, *qm_failed;
	bool p1_up, failed;
	bool xauth_seen, modecfg_seen; /* XAUTH ended, mode-config gave an address */
	struct mutations muts;
	struct ik_ping_run ping; /* --ping */
};

static bool set_timeout(void *dst, const char *val, char *why, size_t n)
{
	return ik_opt_uint(dst, val, 1, 3600, why, n);
}

static bool set_ping(void *dst, const char *val, char *why, size_t n)
{
	return ik_opt_uint(dst, val, 1, IK_DP_MAX_PINGS, why, n);
}

static bool set_mutate(void *dst, const char *val, char *why, size_t n)
{
	struct mutations *ms = dst;
	struct ik_status st;

	if (ms->n == IK_MAX_MUTATIONS) {
		snprintf(why, n, "more than %d --mutate", IK_MAX_MUTATIONS);
		return false;
	}
	if (!ik_mutation_parse(val, &ms->m[ms->n], &st)) {
		snprintf(why, n, "%s", st.why);
		return false;
	}
	ms->n++;
	return true;
}

static const struct ik_opt opts[] = {
	IK_RUN_OPTS(struct conn, "the DUT profile; we are its [tester], the DUT its [dut]"),
	IK_FLAG("aggressive", 0, struct conn, aggressive, "aggressive mode instead of main mode"),
	IK_FLAG("no-quick", 0, struct conn, no_quick, "stop after phase 1"),
	IK_FLAG("keep", 0, struct conn, keep, "do not delete the SAs before exiting"),
	IK_FLAG("hold", 0, struct conn, hold,
                "once established, stay up (answering DPD) until SIGINT/SIGTERM"),
	IK_SET("timeout", 0, "SEC", struct conn, timeout_s, set_timeout,
               "give up after SEC seconds (1..3600, default 30)"),
	IK_SET("ping", 0, "N", struct conn, ping.n, set_ping,
               "after quick mode, N pings (1..64) from the first host of tester.subnet to\n"
               "the first host of dut.subnet through the tunnel (our ESP, in UDP); exit 1\n"
               "when none comes back"),
	IK_SET("mutate", 0, "SPEC", struct conn, muts, set_mutate,
               "a deliberate deviation, \"MSG[#N] PLACE OP[:ARG]\" such as\n"
               "\"MM5 HASH.data flip:0\" (up to 8; docs/mutations.md, ikecheck list\n"
               "mutations); the ladder marks where it applied"),
	IK_OPT_END,
};

static const struct ik_cmd_spec spec = {
	.verb = "connect",
	.synopsis = "--profile FILE [options]",
	.opts = opts,
	.quiet = "only the result line",
	.verbose = "engine log lines on stderr",
	.more = "exit: 0 established, 1 not established (the DUT's answer or silence), 2 usage,\n"
		"      profile or local network error\n",
};

static void on_event(struct ik_engine *e, struct ik_sa *sa, struct ik_qm *qm, enum ik_event ev)
{
	struct conn *c = e->user;

	if (!c->sa)
		c->sa = sa; /* ik_initiate has not returned yet: MM1 could not be sent */
	if (sa != c->sa)
		return;
	switch (ev) {
	case IK_EV_P1_UP:
		c->p1_up = true;
		if (c->r.kf.f)
			ik_keyfile_isakmp(&c->r.kf, sa);
		break;
	case IK_EV_P2_UP:
		if (!c->qm_done)
			c->qm_done = qm;
		if (c->r.kf.f)
			ik_keyfile_esp(&c->r.kf, sa, qm);
		break;
	case IK_EV_FAILED:
		c->failed = true;
		if (qm)
			c->qm_failed = qm;
		break;
	case IK_EV_XAUTH: c->xauth_seen = true; break;
	case IK_EV_MODECFG: c->modecfg_seen = true; break;
	default: break;
	}
}

/* RFC 2408 3.14.1: when the DUT said why, its notify is a better hint than the stall table. */
static const struct {
	uint16_t notify;
	const char *hint;
} notify_hints[] = {
	{IK_NOTIFY_NO_PROPOSAL_CHOSEN,
         "the DUT accepts none of our proposals: compare the profile's proposals (in quick mode "
         "also "
         "the PFS group and the mode) with its configuration"},
	{IK_NOTIFY_ATTRIBUTES_NOT_SUPPORTED,
         "the DUT does not support an attribute we proposed (often a lifetime or a key length)"},
	{IK_NOTIFY_INVALID_ID_INFORMATION,
         "the DUT refused an identity: check the profile's ids (phase 1) or subnets (quick mode)"},
	{IK_NOTIFY_INVALID_HASH_INFORMATION,
         "the DUT could not verify our HASH: usually a pre-shared key mismatch"},
	{IK_NOTIFY_AUTHENTICATION_FAILED,
         "the DUT could not authenticate us: usually a pre-shared key or identity mismatch"},
};

static const char *notify_hint(const struct ik_sa *sa)
{
	if (strncmp(sa->st.why, "peer sent", 9))
		return NULL;
	for (size_t i = 0; i < sizeof(notify_hints) / sizeof(notify_hints[0]); i++)
		if (notify_hints[i].notify == sa->st.notify)
			return notify_hints[i].hint;
	return NULL;
}

/* Each --mutate and how often it took effect: one that never did says nothing about the DUT. */
static void mutations(const struct conn *c)
{
	for (size_t i = 0; i < c->muts.n; i++) {
		const struct ik_mutation *m = &c->muts.m[i];
		if (m->applied)
			printf("mutation '%s': applied %u time(s)\n", m->text, m->applied);
		else
			printf("mutation '%s': NOT applied (%s; -v says why)\n", m->text,
			       m->seen ? "the message was there but the mutation did not fit it"
			               : "the message never came");
	}
}

/* XAUTH and mode-config done as the profile asks (docs/xauth.md): they come before quick mode. */
static bool xa_done(const struct conn *c)
{
	const struct ik_xauth_cfg *x = &c->r.cfg.xauth;
	return (!x->client || c->xauth_seen) && (!x->cfg_client || c->modecfg_seen);
}

/* The XAUTH result and the address mode-config assigned, one line each. */
static void xa_lines(const struct conn *c)
{
	char buf[160];
	if (c->xauth_seen) {
		ik_run_xauth_summary(c->sa, buf, sizeof(buf));
		printf("xauth: %s\n", buf);
	}
	if (c->modecfg_seen) {
		ik_run_modecfg_summary(c->sa, buf, sizeof(buf));
		printf("mode-config: %s\n", buf);
	}
}

/* The result line (stdout) and, on failure, the hint for the message that never came. */
static int verdict(struct conn *c, bool timed_out)
{
	struct ik_sa *sa = c->sa;
	char cky[40], p1[128], p2[256], where[64];
	const char *hint;
	bool want_qm = !c->no_quick;

	xa_lines(c);
	if (c->p1_up && xa_done(c) && (!want_qm || c->qm_done)) {
		ik_run_cookies(sa, cky, sizeof(cky));
		ik_run_p1_summary(sa, p1, sizeof(p1));
		printf("established: ISAKMP SA %s (%s)", cky, p1);
		if (c->qm_done) {
			ik_run_p2_summary(c->qm_done, p2, sizeof(p2));
			printf(", IPsec SA %s", p2);
		}
		printf("\n");
		return IK_EXIT_OK;
	}
	/* Nothing went out (no route, a firewall, a socket error: every datagram refused by our own
	 * host, nothing received): our side could not run, not the DUT's fault. */
	bool went_out = false;
	for (size_t i = 0; i < sa->ladder.n; i++)
		went_out = went_out || !sa->ladder.rungs[i].sent ||
		           !strstr(sa->ladder.rungs[i].note, IK_NOT_SENT);
	if (c->failed && !went_out) {
		printf("could not start: %s\n", sa->st.why);
		return IK_EXIT_USAGE;
	}
	struct ik_qm *qm = c->p1_up ? (c->qm_failed ? c->qm_failed : sa->qms) : NULL;
	ik_run_where(sa, qm, where, sizeof(where), &hint);
	/* draft-beaulieu-ike-xauth-02 6: the gateway refused the user, and deleted phase 1. */
	if (c->xauth_seen && !sa->xa.xauth_ok) {
		snprintf(where, sizeof(where), "XAUTH (QM_IDLE)");
		hint = "the gateway refused the XAUTH user: check xauth.user and xauth.password";
	}
	const char *why = c->failed ? sa->st.why : "";
	if (c->failed && notify_hint(sa))
		hint = notify_hint(sa);
	if (timed_out && !c->failed)
		printf("failed at %s: no answer within %u s (connect --timeout)\n", where,
		       c->timeout_s);
	else
		printf("failed at %s: %s\n", where, why);
	if (!strstr(why, hint))
		printf("hint: %s\n", hint);
	return IK_EXIT_FAIL;
}

int cmd_connect(int argc, char **argv)
{
	struct conn c = {.r = {.verb = "cmd_connect"}, .timeout_s = 30};
	struct ik_cli cli;
	int rc = ik_cli_parse(&spec, argc, argv, &c, &cli);

	if (rc >= 0)
		return rc;
	c.quiet = cli.quiet;
	c.verbose = cli.verbose;
	if (!ik_run_load(&c.r, false)) {
		ik_run_end(&c.r);
		return IK_EXIT_USAGE;
	}
	if (c.aggressive)
		c.r.cfg.aggressive = true;
	if (c.r.cfg.aggressive && ik_cfg_one_group(&c.r.cfg) && c.verbose)
		fprintf(stderr,
		        "cmd_connect: aggressive mode: only the proposals in the first one's "
		        "DH group are offered (RFC 2409 5: KE goes in AM1)\n");
	ik_run_fit_retrans(&c.r.cfg, c.timeout_s);
	if (!ik_run_start(&c.r)) {
		ik_run_end(&c.r);
		return IK_EXIT_USAGE;
	}
	ik_run_signals(&c.r);
	c.r.eng.user = &c;
	c.r.eng.on_event = on_event;
	c.r.eng.quiet = !c.verbose;
	c.r.eng.auto_quick = !c.no_quick;
	c.r.eng.mut = c.muts.m;
	c.r.eng.nmut = c.muts.n;
	c.sa = ik_initiate(&c.r.eng);
	if (!c.sa) {
		fprintf(stderr, "cmd_connect: out of memory\n");
		ik_run_end(&c.r);
		return IK_EXIT_USAGE;
	}
	uint64_t end = ik_now_ms() + (uint64_t)c.timeout_s * 1000;
	bool timed_out = false;
	while (!c.failed && !(c.p1_up && xa_done(&c) && (c.no_quick || c.qm_done)) &&
	       !c.r.loop.stop) {
		if (ik_now_ms() >= end) {
			timed_out = true;
			break;
		}
		ik_loop_once(&c.r.loop, 50);
	}
	if (c.r.loop.stop && ik_run_signalled) {
		/* Show how far it got; an interrupted run says nothing about the DUT. */
		char where[64];
		const char *hint;
		if (!c.quiet)
			ik_ladder_print(&c.sa->ladder, stdout, c.r.p->name);
		ik_run_where(c.sa, c.p1_up ? c.sa->qms : NULL, where, sizeof(where), &hint);
		printf("interrupted at %s\n", where);
		ik_run_end(&c.r);
		return IK_EXIT_USAGE;
	}
	if (c.hold && c.p1_up && xa_done(&c) && (c.no_quick || c.qm_done)) {
		/* A lab peer: report now, then stay up (DPD, the peer's deletes) until told. */
		if (!c.quiet)
			ik_ladder_print(&c.sa->ladder, stdout, c.r.p->name);
		mutations(&c);
		rc = verdict(&c, false);
		fflush(stdout);
		ik_loop_run(&c.r.loop, 0);
		if (!c.keep)
			ik_send_delete_all(c.sa);
		ik_run_end(&c.r);
		return rc;
	}
	if (c.ping.n && c.qm_done)
		ik_connect_ping(&c.r, c.sa, c.qm_done, &c.ping);
	if (c.p1_up && !c.keep)
		ik_send_delete_all(c.sa);
	if (!c.quiet)
		ik_ladder_print(&c.sa->ladder, stdout, c.r.p->name);
	mutations(&c);
	rc = verdict(&c, timed_out);
	if (rc == IK_EXIT_OK && c.ping.n && !ik_connect_ping_report(&c.ping, c.r.p))
		rc = IK_EXIT_FAIL;
	ik_connect_ping_end(&c.ping);
	ik_run_end(&c.r);
	return rc;
}
