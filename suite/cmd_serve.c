/*
 * ikecheck serve: a conformant IKEv1 responder for the DUT of a profile (we are its [dut]):
 * any number of peers at once, until SIGINT or SIGTERM, then a clean exit with everything
 * freed. One log line per ISAKMP SA and IPsec SA established or failed, with the RFC message
 * name, the Cisco IOS state and the reason (docs/connect-serve.md).
 */
#include "run_engine.h"
#include "cli.h"
#include "datapath.h"
#include "serve_fuzz.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct serve {
	struct ik_run r;
	const char *pidfile;
	bool once, list_quirks;
	bool initiate;      /* --role initiator: also bring one tunnel up towards the peer */
	ik_quirks_t quirks; /* --quirk: deliberate non-conformance (engine/mutation/quirk.def) */
	struct ik_fuzz
		fuzz; /* --fuzz: a hostile DUT, every message we send broken (serve_fuzz.h) */
};

static bool set_role(void *dst, const char *val, char *why, size_t n)
{
	*(bool *)dst = !strcmp(val, "initiator");
	if (!*(bool *)dst && strcmp(val, "responder"))
		snprintf(why, n, "not responder or initiator");
	return *(bool *)dst || !strcmp(val, "responder");
}

/* The valid names are listed too, so the message is ours rather than the parser's. */
static bool set_quirk(void *dst, const char *val, char *why, size_t n)
{
	char bad[64];
	(void)why, (void)n;
	if (ik_quirk_parse(val, dst, bad, sizeof(bad)))
		return true;
	fprintf(stderr, "ikecheck serve: --quirk: unknown quirk '%s'; known ones:\n", bad);
	ik_quirk_list(stderr);
	return false;
}

static const struct ik_opt opts[] = {
	IK_RUN_OPTS(struct serve, "the DUT profile; we play its [dut] towards its [tester]"),
	IK_SET("role", 0, "responder|initiator", struct serve, initiate, set_role,
               "initiator: also start main (or aggressive) + quick mode towards the peer"),
	IK_STR("pidfile", 0, "FILE", struct serve, pidfile,
               "write our process id there once listening; removed at exit"),
	IK_FLAG("once", 0, struct serve, once, "exit after the first quick mode completes"),
	IK_SET("quirk", 0, "NAMES", struct serve, quirks, set_quirk,
               "behave non-conformantly on purpose (the suite's self-test);\n"
               "NAME[,NAME...], repeatable; --list-quirks shows the names"),
	IK_FLAG("list-quirks", 0, struct serve, list_quirks, "list the quirks and exit"),
	IK_SET("fuzz", 0, "SEED", struct serve, fuzz, ik_fuzz_set_seed,
               "a hostile DUT: every message we send gets a random mutation drawn\n"
               "from SEED and the datagram's index, printed as serve_fuzz: lines"),
	IK_SET("fuzz-rate", 0, "P", struct serve, fuzz, ik_fuzz_set_rate,
               "with --fuzz: the fraction of replies mutated (0..1, default 1)"),
	IK_OPT_END,
};

static const struct ik_cmd_spec spec = {
	.verb = "serve",
	.synopsis = "--profile FILE [options]    (or: ikecheck serve --list-quirks)",
	.opts = opts,
	.verbose = "engine log lines on stderr too",
	.more = "SIGUSR1 starts one more exchange towards the peer (as --role initiator does).\n"
		"Runs until SIGINT or SIGTERM; exit 0 after a clean shutdown, 2 when it cannot "
		"start.\n",
};

/* One line per event, flushed by the main loop once per dispatch (a write per line cost about 4 %
 * of a setup's CPU under load, bench/README.md): a reader sees it as soon as the batch it came
 * in is done. */
static void log_line(const struct ik_sa *sa, const char *fmt, const char *a, const char *b)
{
	char peer[80], cky[40];

	ik_run_cookies(sa, cky, sizeof(cky));
	printf("serve_event: %s %s ", ik_addr_str(&sa->peer, peer, sizeof(peer)), cky);
	printf(fmt, a, b);
	putchar('\n');
}

/* A host behind each tunnel: pings from the peer's inner address to ours are answered through
 * ESP (suite/datapath.c), so `connect --ping` and the traffic cases see a DUT that forwards. */
static void host(struct serve *s, const struct ik_sa *sa, const struct ik_qm *qm)
{
	const struct ik_profile *p = s->r.p;
	bool dut = s->r.side ? s->r.side == 1 : true;
	struct ik_status st = {0};
	if (!ik_dp_host_add(&s->r.eng, sa, qm, ik_profile_first_host(dut ? &p->dut : &p->tester),
	                    ik_profile_first_host(dut ? &p->tester : &p->dut), &st))
		log_line(sa, "no ESP data path for this IPsec SA: %s%s", st.why, "");
}

static void on_event(struct ik_engine *e, struct ik_sa *sa, struct ik_qm *qm, enum ik_event ev)
{
	struct serve *s = e->user;
	char sum[256], where[64];

	switch (ev) {
	case IK_EV_P1_UP:
		ik_run_p1_summary(sa, sum, sizeof(sum));
		log_line(sa, "ISAKMP SA established, %s (%s)",
		         sa->xchg == IK_X_AGGR ? "aggressive mode" : "main mode", sum);
		if (s->r.kf.f)
			ik_keyfile_isakmp(&s->r.kf, sa);
		break;
	case IK_EV_P2_UP:
		ik_run_p2_summary(qm, sum, sizeof(sum));
		log_line(sa, "IPsec SA established: %s%s", sum, "");
		if (s->r.kf.f)
			ik_keyfile_esp(&s->r.kf, sa, qm);
		host(s, sa, qm);
		if (s->once)
			e->loop->stop = 1;
		break;
	case IK_EV_FAILED: {
		/* The message that broke is the peer's next one (refused, or never sent). */
		enum ik_xchg x = qm ? ik_qm_xchg(qm) : sa->xchg;
		int msg = qm ? qm->msg : sa->msg;
		snprintf(where, sizeof(where), "%s (%s)", ik_msg_name(x, msg + 1),
		         ik_ios_state(x, msg));
		snprintf(sum, sizeof(sum), "%s failed at %s",
		         !qm      ? "phase 1"
		         : qm->tx ? "transaction"
		                  : "quick mode",
		         where);
		log_line(sa, "%s: %s", sum, sa->st.why);
		break;
	}
	case IK_EV_XAUTH:
		ik_run_xauth_summary(sa, sum, sizeof(sum));
		log_line(sa, "%s%s", sum, "");
		break;
	case IK_EV_MODECFG:
		ik_run_modecfg_summary(sa, sum, sizeof(sum));
		log_line(sa, "mode-config: %s%s", sum, "");
		break;
	case IK_EV_DELETE:
		/* an IPsec SA the peer deleted (RFC 2408 5.15): its host stops answering on it */
		if (qm)
			ik_dp_host_del(e, qm->spi_in);
		else
			log_line(sa, "%s%s", sa->st.why, "");
		break;
	default: break;
	}
}

/* --fuzz: every IKE datagram in or out passes here; a received one draws the next mutations. */
static void fuzz_tap(struct ik_engine *e, bool sent, const struct sockaddr_storage *peer,
                     uint16_t local_port, const uint8_t *p, size_t len)
{
	struct serve *s = e->user;
	(void)peer, (void)local_port, (void)p, (void)len;
	ik_fuzz_datagram(&s->fuzz, e, sent);
}

static bool write_pidfile(const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f)) {
		fprintf(stderr, "cmd_serve: --pidfile %s: %s\n", path, strerror(errno));
		return false;
	}
	return true;
}

/* SIGUSR1: start one more exchange towards the peer, as --role initiator does at start; the
 * runner (`ikecheck run --dut-initiate`) uses it for the cases where the DUT must initiate. */
static volatile sig_atomic_t initiate_requested;

static void on_usr1(int sig)
{
	(void)sig;
	initiate_requested = 1;
}

int cmd_serve(int argc, char **argv)
{
	struct serve s = {.r = {.verb = "cmd_serve"}};
	struct ik_cli cli;
	char a[80];
	int rc = ik_cli_parse(&spec, argc, argv, &s, &cli);

	if (rc >= 0)
		return rc;
	if (s.list_quirks) {
		ik_quirk_list(stdout);
		return IK_EXIT_OK;
	}
	if (s.fuzz.rate_set && !s.fuzz.on) {
		fprintf(stderr, "ikecheck serve: --fuzz-rate needs --fuzz SEED\n");
		return IK_EXIT_USAGE;
	}
	if (!ik_run_load(&s.r, true)) {
		ik_run_end(&s.r);
		return IK_EXIT_USAGE;
	}
	s.r.cfg.quirks = s.quirks;
	s.r.cfg.ic_delete = true; /* a peer that restarted loses its old SAs (initial_contact.c) */
	s.r.cfg.no_ladder = true; /* no report reads it: an idle SA keeps no rungs */
	if (!ik_run_start(&s.r)) {
		ik_run_end(&s.r);
		return IK_EXIT_USAGE;
	}
	ik_run_signals(&s.r);
	signal(SIGUSR1, on_usr1);
	s.r.eng.user = &s;
	s.r.eng.on_event = on_event;
	s.r.eng.quiet = !cli.verbose;
	if (s.fuzz.on)
		s.r.eng.tap = fuzz_tap;
	if (s.pidfile && !write_pidfile(s.pidfile)) {
		ik_run_end(&s.r);
		return IK_EXIT_USAGE;
	}
	printf("ikecheck serve: listening on %s", ik_addr_str(&s.r.eng.cfg.local, a, sizeof(a)));
	if (s.r.eng.natt.fd >= 0)
		printf(" (NAT-T %u)", s.r.eng.natt.port);
	printf("\n");
	fflush(stdout);
	if (!ik_quirks_none(s.quirks)) {
		char names[512];
		ik_quirk_names(s.quirks, names, sizeof(names));
		printf("serve: QUIRKS ACTIVE (non-conformant on purpose): %s\n", names);
		fflush(stdout);
	}
	if (s.fuzz.on) {
		printf("serve: FUZZING (hostile on purpose): seed %llu, rate %g\n",
		       (unsigned long long)s.fuzz.seed, s.fuzz.rate);
		fflush(stdout);
	}
	/* --role initiator: one exchange towards the peer; answering goes on as before. */
	if (s.initiate) {
		s.r.eng.auto_quick = true;
		if (!ik_initiate(&s.r.eng))
			fprintf(stderr, "cmd_serve: out of memory\n");
	}
	/* The loop returns after each dispatch, so SAs that failed or were deleted are reaped
	 * outside the engine's callbacks. */
	while (!s.r.loop.stop) {
		ik_loop_once(&s.r.loop, 200); /* a SIGUSR1 between polls waits at most this */
		fflush(stdout);
		if (initiate_requested) {
			initiate_requested = 0;
			s.r.eng.auto_quick = true;
			if (!ik_initiate(&s.r.eng))
				fprintf(stderr, "cmd_serve: could not start an exchange\n");
		}
		ik_run_reap(&s.r.eng);
		if (s.fuzz.on)
			ik_fuzz_flush(&s.fuzz); /* a drop or a delay passes no tap */
	}
	printf("ikecheck serve: %s, %u ISAKMP SA(s) and %u IPsec SA(s) established; exiting\n",
	       ik_run_signalled ? "signal received" : "--once: first quick mode done",
	       s.r.eng.p1_up, s.r.eng.p2_up);
	if (s.pidfile)
		unlink(s.pidfile);
	ik_dp_host_free(&s.r.eng);
	ik_run_end(&s.r);
	return IK_EXIT_OK;
}
