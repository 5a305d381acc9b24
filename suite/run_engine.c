/* Glue shared by `ikecheck connect` and `ikecheck serve`; see run_engine.h. */
#include "run_engine.h"
#include "util.h"
#include "consts.h"
#include "rng.h"
#include "xchg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <openssl/crypto.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

volatile sig_atomic_t ik_run_signalled;
static struct ik_loop *signal_loop;

bool ik_run_set_side(void *dst, const char *val, char *why, size_t n)
{
	struct ik_run *r = dst;

	r->side = !strcmp(val, "dut") ? 1 : !strcmp(val, "tester") ? 2 : 0;
	if (!r->side)
		snprintf(why, n, "not dut or tester");
	return r->side != 0;
}

bool ik_run_set_seed(void *dst, const char *val, char *why, size_t n)
{
	struct ik_run *r = dst;
	char *end;

	errno = 0;
	r->seed = strtoull(val, &end, 0);
	r->seeded = !errno && *val && !*end && *val != '-';
	if (!r->seeded)
		snprintf(why, n, "not a number");
	return r->seeded;
}

bool ik_run_load(struct ik_run *r, bool as_dut)
{
	struct ik_status st;

	ik_status_clear(&st);
	if (!r->profile) {
		fprintf(stderr, "%s: --profile FILE is required\n", r->verb);
		return false;
	}
	if (!(r->p = calloc(1, sizeof(*r->p)))) {
		fprintf(stderr, "%s: out of memory\n", r->verb);
		return false;
	}
	if (!ik_profile_load(r->p, r->profile, &st) ||
	    !ik_cfg_from_profile(&r->cfg, r->p, r->side ? r->side == 1 : as_dut, &st)) {
		fprintf(stderr, "%s\n", st.why);
		return false;
	}
	return true;
}

bool ik_run_start(struct ik_run *r)
{
	struct ik_status st;
	char a[80];

	ik_status_clear(&st);
	if (r->seeded)
		ik_rng_seed(r->seed);
	ik_loop_init(&r->loop);
	if (r->keys && !ik_keyfile_open(&r->kf, r->keys, &st)) {
		fprintf(stderr, "%s: %s\n", r->verb, st.why);
		return false;
	}
	if (!ik_engine_init(&r->eng, &r->cfg, &r->loop, &st)) {
		fprintf(stderr, "%s: cannot listen on %s: %s\n", r->verb,
		        ik_addr_str(&r->cfg.local, a, sizeof(a)), st.why);
		ik_engine_free(&r->eng); /* closes what was opened, wipes the PSK copy */
		return false;
	}
	r->eng_up = true;
	return true;
}

void ik_run_end(struct ik_run *r)
{
	if (r->eng_up)
		ik_engine_free(&r->eng);
	r->eng_up = false;
	ik_loop_free(&r->loop);
	ik_keyfile_close(&r->kf);
	OPENSSL_cleanse(r->cfg.psk, sizeof(r->cfg.psk));
	ik_cfg_release(&r->cfg); /* an rsa-sig profile's certificates */
	if (r->p) {
		ik_profile_wipe(r->p);
		free(r->p);
		r->p = NULL;
	}
	if (r->seeded)
		ik_rng_unseed();
	if (signal_loop == &r->loop)
		signal_loop = NULL;
}

void ik_run_reap(struct ik_engine *e)
{
	if (!e->ndead)
		return; /* nothing died: no walk over every SA a busy responder holds */
	e->ndead = 0;
	for (struct ik_sa **pp = &e->sas; *pp;) {
		struct ik_sa *sa = *pp;
		if (sa->dead) {
			*pp = sa->next;
			ik_sa_free(sa);
		} else {
			pp = &sa->next;
		}
	}
}

/* Only async-signal-safe work here: the loop notices stop after poll() returns EINTR. */
static void on_signal(int sig)
{
	ik_run_signalled = sig;
	if (signal_loop)
		signal_loop->stop = 1;
}

void ik_run_signals(struct ik_run *r)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	signal_loop = &r->loop; /* no SA_RESTART: poll() must return */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

void ik_run_p1_summary(const struct ik_sa *sa, char *buf, size_t n)
{
	const struct ik_p1_xform *x = &sa->chosen;
	char kl[16] = "";

	if (x->keylen)
		snprintf(kl, sizeof(kl), "/%u", x->keylen);
	snprintf(buf, n, "%s%s %s %s, %u s", ik_name(IK_T_P1_ENCR, x->enc), kl,
	         ik_name(IK_T_P1_HASH, x->hash), ik_name(IK_T_GROUP, x->group), sa->life_s);
}

void ik_run_xauth_summary(const struct ik_sa *sa, char *buf, size_t n)
{
	const char *user = sa->xa.user[0] ? sa->xa.user : sa->eng->cfg.xauth.me.name;
	snprintf(buf, n, "XAUTH %s as user %s",
	         sa->xa.xauth_ok && !sa->xa.fail_said ? "OK" : "FAIL", user);
}

void ik_run_modecfg_summary(const struct ik_sa *sa, char *buf, size_t n)
{
	char a[INET_ADDRSTRLEN], m[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, sa->xa.addr, a, sizeof(a));
	inet_ntop(AF_INET, sa->xa.netmask, m, sizeof(m));
	size_t l = (size_t)snprintf(buf, n, "address %s netmask %s", a, m);
	for (size_t i = 0; i < sa->xa.ndns && l < n; i++) {
		inet_ntop(AF_INET, sa->xa.dns[i], d, sizeof(d));
		l += (size_t)snprintf(buf + l, n - l, " DNS %s", d);
	}
}

void ik_run_p2_summary(const struct ik_qm *qm, char *buf, size_t n)
{
	const struct ik_p2_xform *x = &qm->chosen;
	char kl[16] = "", pfs[48] = "no PFS";

	if (x->keylen)
		snprintf(kl, sizeof(kl), "/%u", x->keylen);
	if (x->group)
		snprintf(pfs, sizeof(pfs), "PFS %s", ik_name(IK_T_GROUP, x->group));
	snprintf(buf, n, "ESP in 0x%08" PRIx32 " out 0x%08" PRIx32 " (%s%s%s%s, %s, %u s, %s)",
	         qm->spi_in, qm->spi_out, ik_name(IK_T_ESP_TRANS, x->id), kl, x->auth ? " " : "",
	         x->auth ? ik_name(IK_T_P2_AUTH, x->auth) : "", pfs, qm->life_s,
	         ik_name(IK_T_ENCAP, x->encap));
}

void ik_run_cookies(const struct ik_sa *sa, char *buf, size_t n)
{
	if (n < 34)
		return;
	ik_hex_encode(buf, sa->icookie, 8);
	buf[16] = '/';
	ik_hex_encode(buf + 17, sa->rcookie, 8);
}

void ik_run_where(const struct ik_sa *sa, const struct ik_qm *qm, char *buf, size_t n,
                  const char **hint)
{
	enum ik_xchg x = qm ? IK_X_QUICK : sa->xchg;
	int msg = qm ? qm->msg : sa->msg;

	*hint = ik_stall_hint(x, msg + 1);
	if (!msg)
		snprintf(buf, n, "before %s (%s)", ik_msg_name(x, 1), ik_ios_state(x, 0));
	else
		snprintf(buf, n, "%s (%s)", ik_msg_name(x, msg), ik_ios_state(x, msg));
}

void ik_run_fit_retrans(struct ik_cfg *cfg, unsigned timeout_s)
{
	uint64_t total = 500, budget = (uint64_t)timeout_s * 1000;
	cfg->retrans_ms = 500;
	cfg->retrans_tries = 0;
	while (cfg->retrans_tries < 8 && total + (500ull << (cfg->retrans_tries + 1)) <= budget)
		total += 500ull << ++cfg->retrans_tries;
}
