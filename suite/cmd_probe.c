/*
 * ikecheck probe HOST[:PORT]...: what does each gateway answer to a main mode (or aggressive
 * mode) first message: the transform it chooses, its vendor IDs, a notify, or nothing; in
 * aggressive mode its identity and HASH_R; with --showbackoff the timing of its retransmissions
 * (ike-scan's job, with its defaults and option names where they mean the same; docs/probe.md).
 * Exit 0 every host answered, 1 some host stayed silent, 2 bad input or a local error.
 */
#include "cli.h"
#include "cli_opts.h"
#include "consts.h"
#include "probe.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

struct probe_cmd {
	struct ik_probe_cfg cfg; /* first: the set functions below take the whole struct */
	unsigned dport, idtype;
	bool json, have_id;
	const char *id;
};

static bool set_trans(void *dst, const char *val, char *why, size_t n)
{
	struct ik_probe_cfg *c = dst;
	if (c->ntrans == IK_PROBE_MAX_TRANS) {
		snprintf(why, n, "more than %d --trans", IK_PROBE_MAX_TRANS);
		return false;
	}
	return ik_probe_parse_trans(val, &c->trans[c->ntrans++], why, n);
}

static bool set_ms(void *dst, const char *val, char *why, size_t n)
{
	return ik_opt_uint(dst, val, 0, 600000, why, n);
}

static bool set_timeout(void *dst, const char *val, char *why, size_t n)
{
	return ik_opt_uint(dst, val, 1, 600000, why, n);
}

static bool set_retry(void *dst, const char *val, char *why, size_t n)
{
	return ik_opt_uint(dst, val, 1, 100, why, n);
}

/* ike-scan's factor (1.5) as a percentage, 100..1000. */
static bool set_backoff(void *dst, const char *val, char *why, size_t n)
{
	char *end;
	double f = strtod(val, &end);
	if (!*val || *end || !(f >= 1.0 && f <= 10.0)) {
		snprintf(why, n, "expected a factor from 1 to 10, such as 1.5");
		return false;
	}
	*(unsigned *)dst = (unsigned)(f * 100 + 0.5);
	return true;
}

static bool set_showbackoff(void *dst, const char *val, char *why, size_t n)
{
	if (!val) {
		*(unsigned *)dst = 60; /* ike-scan's default wait */
		return true;
	}
	return ik_opt_uint(dst, val, 1, 3600, why, n);
}

static bool set_port(void *dst, const char *val, char *why, size_t n)
{
	return ik_opt_uint(dst, val, 1, 65535, why, n);
}

static bool set_sport(void *dst, const char *val, char *why, size_t n)
{
	unsigned v;
	if (!ik_opt_uint(&v, val, 0, 65535, why, n))
		return false;
	*(uint16_t *)dst = (uint16_t)v;
	return true;
}

static bool set_life(void *dst, const char *val, char *why, size_t n)
{
	unsigned v = 0;
	if (strcmp(val, "none") && !ik_opt_uint(&v, val, 1, 0xffffffffu, why, n))
		return false;
	*(uint32_t *)dst = v;
	return true;
}

static bool set_group(void *dst, const char *val, char *why, size_t n)
{
	struct ik_probe_trans t;
	char spec[96];
	snprintf(spec, sizeof(spec), "1,1,1,%s", val);
	if (!ik_probe_parse_trans(spec, &t, why, n))
		return false;
	*(uint16_t *)dst = t.group;
	return true;
}

static bool set_noncelen(void *dst, const char *val, char *why, size_t n)
{
	return ik_opt_uint(dst, val, 1, 256, why, n);
}

static bool set_idtype(void *dst, const char *val, char *why, size_t n)
{
	uint32_t v;
	if (!ik_value_of(IK_T_ID_TYPE, val, &v) || v == 0 || v > 255) {
		snprintf(why, n, "expected an ID type 1..255 or a name such as ID_FQDN");
		return false;
	}
	*(unsigned *)dst = v;
	return true;
}

#define P struct probe_cmd
static const struct ik_opt opts[] = {
	IK_SET("trans", 'a', "T", P, cfg, set_trans,
               "offer transform enc[/bits],hash,auth,group instead of the default set\n"
               "(repeatable, in this order): numbers as ike-scan's --trans=5,2,1,2 or\n"
               "names: aes128,sha1,psk,modp2048; default: ike-scan's 8 (3DES/DES,\n"
               "SHA1/MD5, PSK, MODP 1024/768)"),
	IK_SET("lifetime", 'l', "SEC", P, cfg.life_s, set_life,
               "LIFE_DURATION of every transform (4 octets), 'none' for no lifetime\n"
               "(default 28800)"),
	IK_FLAG("aggressive", 'A', P, cfg.aggressive,
                "aggressive mode (AM1: SA, KE, nonce, ID) instead of main mode"),
	IK_STR("id", 'n', "ID", P, id,
               "our aggressive mode identity: an address (ID_IPV4_ADDR, ID_IPV6_ADDR), a\n"
               "name with '@' (ID_USER_FQDN), another name (ID_FQDN), or 0xHEX octets"),
	IK_SET("idtype", 'y', "TYPE", P, idtype, set_idtype,
               "the identity's type, a number or name (default: from --id as above;\n"
               "ID_USER_FQDN for 0xHEX, as ike-scan)"),
	IK_SET("dhgroup", 'g', "GROUP", P, cfg.dhgroup, set_group,
               "aggressive mode: the KE group, and the group of the default set\n"
               "(default 2, MODP-1024)"),
	IK_SET("noncelen", 'c', "N", P, cfg.noncelen, set_noncelen,
               "aggressive mode nonce octets (default 20)"),
	IK_FLAG("pskcrack", 'P', P, cfg.pskcrack,
                "aggressive mode: print psk-crack's input line per handshake\n"
                "(g_xr:g_xi:cky_r:cky_i:sai_b:idir_b:ni_b:nr_b:hash_r)"),
	IK_SET("showbackoff", 'o', "[SEC]", P, cfg.showbackoff_s, set_showbackoff,
               "do not stop at the first answer: time every copy of each host's reply\n"
               "until SEC seconds pass without one (default 60), print the deltas"),
	IK_SET("dport", 'd', "PORT", P, dport, set_port,
               "the port of hosts given without one (default 500)"),
	IK_SET("sport", 's', "PORT", P, cfg.sport, set_sport,
               "our source port (default 0: any; ike-scan's default is 500)"),
	IK_SET("retry", 'r', "N", P, cfg.retry, set_retry, "attempts per host (default 3)"),
	IK_SET("timeout", 't', "MS", P, cfg.timeout_ms, set_timeout,
               "the first attempt's timeout in ms (default 500)"),
	IK_SET("backoff", 'b', "FACTOR", P, cfg.backoff_pct, set_backoff,
               "each further timeout is the last times FACTOR (default 1.5)"),
	IK_SET("interval", 'i', "MS", P, cfg.interval_ms, set_ms,
               "at least MS ms between two datagrams we send (default 2)"),
	IK_FLAG("json", 0, P, json, "one JSON object per host per line instead of the table"),
	IK_OPT_END,
};
#undef P

static const struct ik_cmd_spec spec = {
	.verb = "probe",
	.synopsis = "[options] HOST[:PORT]...",
	.opts = opts,
	.min_pos = 1,
	.max_pos = IK_MAX_POS,
	.quiet = "no table: only the exit status (and --pskcrack lines)",
	.verbose = "a line on stderr per datagram sent",
	.more = "exit: 0 every host answered (a handshake, a notify or another message), 1 some\n"
		"      host did not answer any attempt, 2 bad input (an unresolvable host, a bad\n"
		"      --trans) or a local error\n",
};

static volatile int stop;
static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* The options that depend on each other; false with the message said. */
static bool finish(struct probe_cmd *c)
{
	char why[160];
	struct ik_probe_cfg *k = &c->cfg;

	k->id_type = (uint8_t)c->idtype;
	if (c->id && !ik_probe_set_id(k, c->id, why, sizeof(why))) {
		fprintf(stderr, "ikecheck probe: --id '%s': %s\n", c->id, why);
		return false;
	}
	if (!k->id_type)
		k->id_type = IK_ID_TYPE_USER_FQDN; /* ike-scan's default for --id 0x... or none */
	if ((c->id || c->idtype || k->pskcrack || k->dhgroup || k->noncelen != 20) &&
	    !k->aggressive) {
		fprintf(stderr,
		        "ikecheck probe: --id, --idtype, --dhgroup, --noncelen and "
		        "--pskcrack are for --aggressive\n");
		return false;
	}
	if (k->aggressive && k->ntrans) {
		uint16_t g = k->dhgroup ? k->dhgroup : k->trans[0].group;
		for (size_t i = 0; i < k->ntrans; i++)
			if (k->trans[i].group != g) {
				fprintf(stderr,
				        "ikecheck probe: aggressive mode: every --trans needs "
				        "the KE group (%u); transform %zu has %u\n",
				        g, i + 1, k->trans[i].group);
				return false;
			}
	}
	return true;
}

int cmd_probe(int argc, char **argv)
{
	struct probe_cmd c = {
		.cfg = {.life_s = 28800,
	                .noncelen = 20,
	                .retry = 3,
	                .timeout_ms = 500,
	                .backoff_pct = 150,
	                .interval_ms = 2},
		.dport = 500,
	};
	struct ik_cli cli;
	struct ik_probe p = {0};
	struct ik_status st;
	int rc = ik_cli_parse(&spec, argc, argv, &c, &cli);

	if (rc >= 0)
		return rc;
	if (!finish(&c))
		return IK_EXIT_USAGE;
	p.cfg = c.cfg;
	p.verbose = cli.verbose;
	for (int i = 0; i < cli.npos; i++)
		if (!ik_probe_add_host(&p, cli.pos[i], (uint16_t)c.dport, &st)) {
			fprintf(stderr, "ikecheck probe: %s\n", st.why);
			ik_probe_free(&p);
			return IK_EXIT_USAGE;
		}
	stop = 0;
	p.stop = &stop;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (!ik_probe_run(&p, &st)) {
		fprintf(stderr, "ikecheck probe: %s\n", st.why);
		ik_probe_free(&p);
		return IK_EXIT_USAGE;
	}
	if (c.json)
		ik_probe_print_json(&p, stdout);
	else if (!cli.quiet)
		ik_probe_print_table(&p, stdout);
	if (p.cfg.showbackoff_s && !c.json && !cli.quiet)
		ik_probe_print_backoff(&p, stdout);
	if (p.cfg.pskcrack)
		ik_probe_print_pskcrack(&p, stdout);
	rc = IK_EXIT_OK;
	for (size_t i = 0; i < p.nhosts; i++)
		if (p.hosts[i].result == IK_PROBE_SILENT)
			rc = IK_EXIT_FAIL;
	if (stop)
		rc = IK_EXIT_USAGE; /* interrupted: what we have is printed, but it is not a result */
	ik_probe_free(&p);
	return rc;
}
