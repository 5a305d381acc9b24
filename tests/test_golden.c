/*
 * Determinism and golden transcripts (issue 4 item 8, DESIGN.md "Determinism"): with
 * ik_rng_seed() before the start, an engine-vs-engine exchange is the same octets every time,
 * and those octets are the ones stored in vectors/golden/.
 *
 * The exchange runs over the engines' own sockets, but the datagrams are handed from one engine
 * to the other by this file, in the order sent, from the tap hook: one message at a time, no
 * timers, no poll(), so both engines draw from the one global RNG in a fixed order. The
 * addresses the engines believe they have are fixed (the NAT-D hashes of RFC 3947 3.2 cover
 * address and port), so no well-known port has to be bound and parallel runs cannot collide.
 * A second test runs the same seed through the real event loop on loopback and gets the same
 * octets. With `--regen` the binary writes the golden files instead of checking them.
 */
#include "cunit.h"
#include "golden.h"
#include "ike_pair.h"
#include "rng.h"

#include <errno.h>
#include <stddef.h>
#include <unistd.h>

/* The addresses of the transcripts. The initiator may sit behind a simulated NAT that maps
 * 127.0.0.1:P to 127.0.0.2:P+20000 (RFC 3947 4: UDP(500,500) to UDP(X,500)). */
#define INI_IKE   40500
#define INI_NATT  44500
#define RES_IKE   50500
#define RES_NATT  54500
#define NAT_SHIFT 20000

struct gold_case {
	const char *file; /* under vectors/golden/ */
	const char *title;
	bool aggressive, natt, nat;
	uint16_t pfs;
	uint64_t seed;
};

/* The algorithms of every case (gold_cfg). */
#define ALGS "PSK, AES-128/SHA-1/MODP-2048, ESP AES-128/SHA-1"

static const struct gold_case cases[] = {
	{"main_quick.txt", "main mode + quick mode, " ALGS ", no PFS", false, false, false, 0,
         0x6b01},
	{"main_quick_pfs.txt", "main mode + quick mode, " ALGS ", PFS group 14", false, false,
         false, 14, 0x6b02},
	{"aggr_quick.txt", "aggressive mode + quick mode, " ALGS ", no PFS", true, false, false, 0,
         0x6b03},
	{"aggr_quick_pfs.txt", "aggressive mode + quick mode, " ALGS ", PFS group 14", true, false,
         false, 14, 0x6b04},
	{"main_quick_natt.txt",
         "main mode + quick mode with NAT-T (RFC 3947) on both sides, no NAT between them, no PFS",
         false, true, false, 0, 0x6b05},
	{"main_quick_natt_float.txt",
         "main mode + quick mode with NAT-T, initiator behind a simulated NAT "
         "(127.0.0.1:P -> 127.0.0.2:P+20000): float to the NAT-T ports, UDP-encapsulated tunnel, "
         "no PFS",
         false, true, true, 0, 0x6b06},
	{"aggr_quick_natt_float.txt",
         "aggressive mode + quick mode with NAT-T, initiator behind the simulated NAT: AM3 onward "
         "between the NAT-T ports, no PFS",
         true, true, true, 0, 0x6b07},
};

struct gold_run {
	struct ik_loop loop;
	struct ik_engine ini, res;
	struct gold_tx tx;
	struct sockaddr_storage dst[GOLD_MAX_MSGS]; /* where each message was sent */
	uint16_t sport[GOLD_MAX_MSGS];              /* and from which local port */
	size_t next;                                /* first message not yet delivered */
	bool nat, loopback;
	int p2_up, failed;
	char why[256];
};

static void addr_of(struct sockaddr_storage *ss, const char *a, uint16_t port)
{
	socklen_t l;
	struct ik_status st;
	ik_addr_parse(a, port, ss, &l, &st);
}

static void gold_tap(struct ik_engine *e, bool sent, const struct sockaddr_storage *peer,
                     uint16_t local_port, const uint8_t *p, size_t len)
{
	struct gold_run *r = e->user;
	char src[80], dst[80];
	struct sockaddr_storage me;

	if (!sent) {
		/* What the receiver saw must be what the sender sent. */
		const struct gold_msg *m = r->next ? &r->tx.m[r->next - 1] : NULL;
		if (!r->loopback && (!m || m->len != len || memcmp(m->p, p, len)) && !r->why[0])
			snprintf(r->why, sizeof(r->why),
			         "received octets differ from the ones sent");
		return;
	}
	addr_of(&me, "127.0.0.1", local_port);
	if (r->tx.n < GOLD_MAX_MSGS) {
		r->dst[r->tx.n] = *peer;
		r->sport[r->tx.n] = local_port;
	}
	gold_add(&r->tx, e == &r->ini ? "I->R" : "R->I", ik_addr_str(&me, src, sizeof(src)),
	         ik_addr_str(peer, dst, sizeof(dst)), p, len);
}

static void gold_event(struct ik_engine *e, struct ik_sa *sa, struct ik_qm *qm, enum ik_event ev)
{
	struct gold_run *r = e->user;
	(void)qm;
	if (ev == IK_EV_P2_UP)
		r->p2_up++;
	if (ev == IK_EV_FAILED) {
		r->failed++;
		snprintf(r->why, sizeof(r->why), "%s", sa->st.why);
	}
}

/* Give the engine fixed addresses after its sockets are bound to free ports: the ports only
 * enter the octets through the NAT-D hashes (natt.c reads sock.port / natt.port). */
static void pin_ports(struct ik_engine *e, uint16_t ike, uint16_t natt)
{
	e->sock.port = ike;
	ik_addr_set_port(&e->cfg.local, ike);
	if (e->natt.fd >= 0)
		e->natt.port = e->cfg.natt_port = natt;
}

/*
 * The configuration of every transcript, spelled out here rather than taken from pair_cfg so
 * that a change to the shared test default cannot change the golden octets: AES-128/SHA-1/
 * MODP-2048 with a PSK, IDs 127.0.0.1, ESP AES-128/HMAC-SHA-1 between 10.1.0.0/24 and
 * 10.2.0.0/24.
 */
static void gold_cfg(struct ik_cfg *c, bool initiator, const struct gold_case *gc)
{
	struct ik_status st;

	memset(c, 0, sizeof(*c));
	ik_addr_parse("127.0.0.1", 0, &c->local, &c->local_len, &st);
	ik_addr_parse("127.0.0.1", 0, &c->remote, &c->remote_len, &st);
	memcpy(c->psk, "ikecheck-test-psk", 17);
	c->psk_len = 17;
	id_addr4(&c->id_local, "127.0.0.1");
	id_addr4(&c->id_remote, "127.0.0.1");
	c->p1[0] = (struct ik_p1_xform){.enc = IK_P1_ENCR_AES_CBC,
	                                .keylen = 128,
	                                .hash = IK_P1_HASH_SHA,
	                                .auth = IK_P1_AUTH_PSK,
	                                .group = 14};
	c->np1 = 1;
	c->p1_life = 28800;
	c->p2[0] = (struct ik_p2_xform){.proto = IK_PROTO_ESP,
	                                .id = IK_ESP_TRANS_AES,
	                                .keylen = 128,
	                                .auth = IK_P2_AUTH_HMAC_SHA};
	c->np2 = 1;
	c->pfs_group = gc->pfs;
	c->p2_life = 3600;
	id_subnet4(initiator ? &c->ts_local : &c->ts_remote, "10.1.0.0", "255.255.255.0");
	id_subnet4(initiator ? &c->ts_remote : &c->ts_local, "10.2.0.0", "255.255.255.0");
	c->natt = gc->natt;
	c->aggressive = initiator && gc->aggressive;
	/* No retransmission may fire: it would put a clock-dependent message in. */
	c->retrans_ms = 600000;
	c->retrans_tries = 3;
}

/* loopback: real delivery through the event loop on the bound ports (no NAT possible). */
static bool gold_open(struct gold_run *r, const struct gold_case *c, bool loopback)
{
	struct ik_cfg ci, cr;
	struct ik_status st;

	memset(r, 0, sizeof(*r));
	gold_cfg(&ci, true, c);
	gold_cfg(&cr, false, c);
	ci.remote_natt_port = RES_NATT;
	r->nat = c->nat;
	r->loopback = loopback;
	ik_loop_init(&r->loop);
	if (!ik_engine_init(&r->res, &cr, &r->loop, &st))
		goto fail;
	ik_addr_set_port(&ci.remote, loopback ? r->res.sock.port : RES_IKE);
	if (!ik_engine_init(&r->ini, &ci, &r->loop, &st)) {
		ik_engine_free(&r->res);
		goto fail;
	}
	if (!loopback) {
		pin_ports(&r->ini, INI_IKE, INI_NATT);
		pin_ports(&r->res, RES_IKE, RES_NATT);
	}
	r->ini.user = r->res.user = r;
	r->ini.on_event = r->res.on_event = gold_event;
	r->ini.tap = r->res.tap = gold_tap;
	r->ini.quiet = r->res.quiet = !getenv("IK_VERBOSE");
	r->ini.auto_quick = true;
	return true;
fail:
	ik_loop_free(&r->loop);
	fprintf(stderr, "gold_open: %s\n", st.why);
	return false;
}

static void gold_close(struct gold_run *r)
{
	ik_engine_free(&r->ini);
	ik_engine_free(&r->res);
	ik_loop_free(&r->loop);
	gold_free(&r->tx);
}

/* Hand message r->next to its receiver as the network (with the NAT, if any) would. */
static bool deliver_one(struct gold_run *r)
{
	static struct ik_dgram d; /* 64 KiB: not on the stack */
	size_t i = r->next++;
	const struct gold_msg *m = &r->tx.m[i];
	const struct sockaddr_storage *to = &r->dst[i];
	bool from_ini = strstr(m->head, " I->R ") != NULL;
	uint16_t sport = r->sport[i], dport = ik_addr_port(to), local;
	struct sockaddr_storage listens;
	char a[80];
	bool known;

	memset(&d, 0, offsetof(struct ik_dgram, data));
	d.kind = IK_DGRAM_IKE;
	if (from_ini) {
		/* The responder sees the initiator's address after the NAT. */
		addr_of(&d.peer, r->nat ? "127.0.0.2" : "127.0.0.1",
		        (uint16_t)(r->nat ? sport + NAT_SHIFT : sport));
		addr_of(&listens, "127.0.0.1", dport);
		local = dport;
		known = local == RES_IKE || local == RES_NATT;
	} else {
		addr_of(&d.peer, "127.0.0.1", sport);
		addr_of(&listens, r->nat ? "127.0.0.2" : "127.0.0.1", dport);
		local = r->nat ? (uint16_t)(dport - NAT_SHIFT) : dport;
		known = local == INI_IKE || local == INI_NATT;
	}
	if (!known || !ik_addr_equal(&listens, to)) {
		snprintf(r->why, sizeof(r->why), "%s: sent to %s, where nobody listens", m->head,
		         ik_addr_str(to, a, sizeof(a)));
		return false;
	}
	/* RFC 3948 2.2: the non-ESP marker is added on a NAT-T socket and stripped only by one. */
	bool from_natt = sport == INI_NATT || sport == RES_NATT;
	bool to_natt = local == INI_NATT || local == RES_NATT;
	if (from_natt != to_natt) {
		snprintf(r->why, sizeof(r->why), "%s: %s non-ESP marker arrives on a %s port",
		         m->head, from_natt ? "a message with the" : "a message without the",
		         to_natt ? "NAT-T" : "plain IKE");
		return false;
	}
	d.local_port = local;
	d.len = m->len;
	memcpy(d.data, m->p, m->len);
	ik_engine_input(from_ini ? &r->res : &r->ini, &d);
	return true;
}

typedef void (*gold_inspect)(struct gold_run *r);

/* Seed, start, deliver every message in order until nothing is left to send; *out gets the
 * transcript (also on failure, for the message). inspect sees the engines before they go. */
static bool gold_run_case(const struct gold_case *c, uint64_t seed, struct gold_tx *out,
                          gold_inspect inspect, char *why, size_t cap)
{
	struct gold_run r;

	memset(out, 0, sizeof(*out));
	ik_rng_seed(seed);
	if (!gold_open(&r, c, false)) {
		ik_rng_unseed();
		snprintf(why, cap, "%s: cannot open the engines", c->file);
		return false;
	}
	bool ok = ik_initiate(&r.ini) != NULL;
	while (ok && r.next < r.tx.n && !r.tx.overflow)
		ok = deliver_one(&r);
	ik_rng_unseed();
	ok = ok && !r.tx.overflow && !r.failed && r.p2_up == 2 && !r.why[0];
	if (!ok)
		snprintf(why, cap, "%s: %s", c->file,
		         r.why[0]        ? r.why
		         : r.tx.overflow ? "too many messages"
		                         : "quick mode not up");
	if (inspect)
		inspect(&r);
	*out = r.tx;
	memset(&r.tx, 0, sizeof(r.tx));
	gold_close(&r);
	return ok;
}

static void path_of(const struct gold_case *c, char *buf, size_t n)
{
	snprintf(buf, n, "vectors/golden/%s", c->file);
}

#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* ---- tests ---- */

static void test_golden_match(void)
{
	for (size_t i = 0; i < NCASES; i++) {
		struct gold_tx want, got;
		char path[256], why[512];
		path_of(&cases[i], path, sizeof(path));
		bool ran = gold_run_case(&cases[i], cases[i].seed, &got, NULL, why, sizeof(why));
		if (!ran)
			fprintf(stderr, "\n%s\n", why);
		CU_ASSERT_TRUE(ran);
		if (!gold_read(path, &want, why, sizeof(why))) {
			fprintf(stderr, "\n%s\n", why);
			CU_FAIL("golden file unreadable");
		} else {
			bool same = gold_compare(&want, &got, why, sizeof(why));
			if (!same)
				fprintf(stderr, "\n%s: %s\n", path, why);
			CU_ASSERT_TRUE(same);
			gold_free(&want);
		}
		gold_free(&got);
	}
}

/* The same seed twice in one process, with another exchange in between: identical octets, so
 * no state survives from one exchange to the next (a static counter, a cached key ...). */
static void test_same_seed_twice(void)
{
	struct gold_tx a, b, other;
	char why[512];

	CU_ASSERT_TRUE(gold_run_case(&cases[1], 42, &a, NULL, why, sizeof(why)));
	CU_ASSERT_TRUE(gold_run_case(&cases[3], 43, &other, NULL, why, sizeof(why)));
	CU_ASSERT_TRUE(gold_run_case(&cases[1], 42, &b, NULL, why, sizeof(why)));
	bool same = gold_compare(&a, &b, why, sizeof(why));
	if (!same)
		fprintf(stderr, "\nsame seed, different octets: %s\n", why);
	CU_ASSERT_TRUE(same);
	CU_ASSERT_EQUAL(a.n, 9);
	gold_free(&a);
	gold_free(&b);
	gold_free(&other);
}

/* Two seeds: every message differs (cookies, nonces, KE values, and so everything encrypted),
 * while the shape of the exchange (names, directions, lengths) stays the same. */
static void test_different_seeds(void)
{
	struct gold_tx a, b;
	char why[512];

	for (size_t c = 0; c < 3; c++) {
		CU_ASSERT_TRUE(gold_run_case(&cases[c], 1000 + c, &a, NULL, why, sizeof(why)));
		CU_ASSERT_TRUE(gold_run_case(&cases[c], 2000 + c, &b, NULL, why, sizeof(why)));
		CU_ASSERT_FALSE(gold_compare(&a, &b, why, sizeof(why)));
		CU_ASSERT_EQUAL_FATAL(a.n, b.n);
		for (size_t i = 0; i < a.n; i++) {
			CU_ASSERT_STRING_EQUAL(a.m[i].head, b.m[i].head);
			CU_ASSERT(a.m[i].len == b.m[i].len &&
			          memcmp(a.m[i].p, b.m[i].p, a.m[i].len));
		}
		gold_free(&a);
		gold_free(&b);
	}
}

/* The real event loop on loopback, same seed: the same octets as the golden file (the ports
 * are free ones here; without NAT-T they are in no octet), so the hand delivery of the other
 * tests changes nothing. */
static void test_loopback_same_octets(void)
{
	const struct gold_case *c = &cases[1];
	struct gold_run r;
	struct gold_tx want;
	char path[256], why[512];

	path_of(c, path, sizeof(path));
	CU_ASSERT_TRUE_FATAL(gold_read(path, &want, why, sizeof(why)));
	ik_rng_seed(c->seed);
	CU_ASSERT_TRUE_FATAL(gold_open(&r, c, true));
	ik_initiate(&r.ini);
	uint64_t end = ik_now_ms() + 5000;
	while (r.p2_up < 2 && !r.failed && ik_now_ms() < end)
		ik_loop_once(&r.loop, 20);
	ik_rng_unseed();
	CU_ASSERT_EQUAL(r.p2_up, 2);
	CU_ASSERT_EQUAL(r.tx.n, want.n);
	for (size_t i = 0; i < want.n && i < r.tx.n; i++) {
		bool same = want.m[i].len == r.tx.m[i].len &&
		            !memcmp(want.m[i].p, r.tx.m[i].p, want.m[i].len);
		if (!same)
			fprintf(stderr, "\nloopback: %s differs\n", want.m[i].head);
		CU_ASSERT_TRUE(same);
	}
	gold_free(&want);
	gold_close(&r);
}

/* Every stored message decodes, and the ladders are the RFC's: MM1..MM6 or AM1..AM3, then
 * QM1..QM3, alternating between initiator and responder. */
static void test_golden_shape(void)
{
	static const char *const main_names[] = {"MM1", "MM2", "MM3", "MM4", "MM5",
	                                         "MM6", "QM1", "QM2", "QM3"};
	static const char *const aggr_names[] = {"AM1", "AM2", "AM3", "QM1", "QM2", "QM3"};

	for (size_t i = 0; i < NCASES; i++) {
		struct gold_tx t;
		char path[256], why[512], name[16], dir[8];
		const char *const *names = cases[i].aggressive ? aggr_names : main_names;
		size_t n = cases[i].aggressive ? 6 : 9;
		path_of(&cases[i], path, sizeof(path));
		if (!gold_read(path, &t, why, sizeof(why))) {
			fprintf(stderr, "\n%s\n", why);
			CU_FAIL("golden file unreadable");
			continue;
		}
		CU_ASSERT_EQUAL(t.n, n);
		for (size_t k = 0; k < t.n && k < n; k++) {
			struct ik_msg m = {0};
			struct ik_status st;
			CU_ASSERT_EQUAL(sscanf(t.m[k].head, "msg %*u %15s %7s", name, dir), 2);
			CU_ASSERT_STRING_EQUAL(name, names[k]);
			/* AM3 and QM3 come from the initiator like AM1 and QM1. */
			bool ini = names[k][2] == '1' || names[k][2] == '3' || names[k][2] == '5';
			CU_ASSERT_STRING_EQUAL(dir, ini ? "I->R" : "R->I");
			CU_ASSERT_TRUE(ik_decode(&m, t.m[k].p, t.m[k].len, &st));
			ik_msg_free(&m);
		}
		gold_free(&t);
	}
}

static void inspect_float(struct gold_run *r)
{
	struct ik_sa *si = r->ini.sas, *sr = r->res.sas;
	struct sockaddr_storage mapped;
	char a[80];

	CU_ASSERT_TRUE(si && sr);
	if (!si || !sr)
		return;
	CU_ASSERT_TRUE(si->floated && si->nat_here && !si->nat_there);
	CU_ASSERT_TRUE(sr->floated && !sr->nat_here && sr->nat_there);
	/* RFC 3947 4: the responder answers where MM5 came from, the NAT's mapping of 4500. */
	addr_of(&mapped, "127.0.0.2", INI_NATT + NAT_SHIFT);
	if (!ik_addr_equal(&sr->peer, &mapped))
		fprintf(stderr, "\nresponder's peer is %s\n", ik_addr_str(&sr->peer, a, sizeof(a)));
	CU_ASSERT_TRUE(ik_addr_equal(&sr->peer, &mapped));
	/* RFC 3947 5.1: UDP-encapsulated tunnel mode once a NAT is seen. */
	CU_ASSERT_TRUE(si->qms && sr->qms);
	if (si->qms && sr->qms) {
		CU_ASSERT_EQUAL(si->qms->chosen.encap, IK_ENCAP_UDP_TUNNEL);
		CU_ASSERT_EQUAL(sr->qms->chosen.encap, IK_ENCAP_UDP_TUNNEL);
	}
}

/* RFC 3947 4 behind a NAT: MM1..MM4 (AM1, AM2) on the IKE ports, MM5 (AM3) onward between
 * the NAT-T ports, and the responder's replies go to the NAT's mapping of the initiator's NAT-T
 * port. */
static void test_nat_float(void)
{
	for (size_t c = 0; c < NCASES; c++) {
		if (!cases[c].nat)
			continue;
		struct gold_tx t;
		char why[512];
		size_t first_natt = cases[c].aggressive ? 2 : 4, n = cases[c].aggressive ? 6 : 9;
		bool ok = gold_run_case(&cases[c], cases[c].seed, &t, inspect_float, why,
		                        sizeof(why));
		if (!ok)
			fprintf(stderr, "\n%s\n", why);
		CU_ASSERT_TRUE(ok);
		CU_ASSERT_EQUAL(t.n, n);
		for (size_t k = 0; k < t.n && k < n; k++) {
			bool late = k >= first_natt, ini = k % 2 == 0;
			/* aggressive mode: AM3 and QM1 both come from the initiator */
			if (cases[c].aggressive)
				ini = k == 0 || k == 2 || k == 3 || k == 5;
			char want[160];
			snprintf(want, sizeof(want), "%s 127.0.0.1:%u -> %s:%u",
			         ini ? "I->R" : "R->I",
			         ini ? (late ? INI_NATT : INI_IKE) : (late ? RES_NATT : RES_IKE),
			         ini ? "127.0.0.1" : "127.0.0.2",
			         ini ? (late ? RES_NATT : RES_IKE)
			             : (late ? INI_NATT : INI_IKE) + NAT_SHIFT);
			if (!strstr(t.m[k].head, want))
				fprintf(stderr, "\n%s: want %s\n", t.m[k].head, want);
			CU_ASSERT_PTR_NOT_NULL(strstr(t.m[k].head, want));
		}
		gold_free(&t);
	}
}

/* A damaged golden file is an error that names the line, never a crash or a pass. */
static void test_reader_errors(void)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{"msg 1 MM1 I->R a -> b len 2\nhex 0g\n", ":2: not hex"},
		{"msg 1 MM1 I->R a -> b len 2\nhex 001\n", ":2: not hex"},
		{"msg 1 MM1 I->R a -> b len 1\nhex 0011\n", ":2: more octets"},
		{"msg 1 MM1 I->R a -> b len 3\nhex 0011\n", "last message has 2 octets"},
		{"msg 1 MM1 I->R a -> b len 3\nhex 0011\nmsg 2 MM2 R->I a -> b len 1\n",
	         ":3: previous"},
		{"msg 1 MM1 I->R a -> b\n", ":1: bad message header"},
		{"msg 1 MM1 I->R a -> b len x\n", ":1: bad length"},
		{"bogus\n", ":1: expected"},
		{"# only a comment\n", "no messages"},
	};
	char path[] = "/tmp/ik_golden_XXXXXX";
	int fd = mkstemp(path);

	CU_ASSERT_TRUE_FATAL(fd >= 0);
	close(fd);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct gold_tx t;
		char why[512] = "";
		FILE *f = fopen(path, "w");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		fputs(bad[i].text, f);
		fclose(f);
		CU_ASSERT_FALSE(gold_read(path, &t, why, sizeof(why)));
		if (!strstr(why, bad[i].want))
			fprintf(stderr, "\ncase %zu: got '%s', want '%s'\n", i, why, bad[i].want);
		CU_ASSERT_PTR_NOT_NULL(strstr(why, bad[i].want));
	}
	unlink(path);
}

static const struct ik_test tests[] = {
	{"golden transcripts match byte for byte (vectors/golden)", test_golden_match},
	{"golden files decode; MM1..MM6/AM1..AM3 then QM1..QM3", test_golden_shape},
	{"same seed twice in one process: identical octets", test_same_seed_twice},
	{"different seeds: every message differs, same shape", test_different_seeds},
	{"real event loop on loopback gives the golden octets", test_loopback_same_octets},
	{"NAT-T behind a NAT floats at MM5 (RFC 3947 4, 5.1)", test_nat_float},
	{"damaged golden files are named errors", test_reader_errors},
};

/*
 * For the readable dump only: decrypt each encrypted message with the initiator's keys, the IVs
 * rebuilt as RFC 2409 Appendix B says (phase 1: hash(g^xi | g^xr), then the last cipher block
 * of the previous message; each quick mode: hash(last phase 1 block | M-ID), then chained).
 */
static void gold_decrypt(struct gold_run *r)
{
	struct ik_sa *sa = r->ini.sas;
	struct ik_status st;
	uint8_t iv1[IK_MAX_BLOCK];
	struct {
		uint32_t id;
		uint8_t iv[IK_MAX_BLOCK];
	} p2[8];
	size_t np2 = 0;

	/* the first phase 1 IV, hash(g^xi | g^xr), stays in the keys (the KE values are gone with
	 * the handshake part once phase 1 is up) */
	if (!sa || !sa->k.have_keys)
		return;
	memcpy(iv1, sa->k.p1.iv, sizeof(iv1));
	for (size_t i = 0; i < r->tx.n; i++) {
		struct gold_msg *m = &r->tx.m[i];
		if (m->len <= 28 || !(m->p[19] & 1) || (m->len - 28) % sa->k.blk)
			continue;
		uint32_t id = (uint32_t)m->p[20] << 24 | (uint32_t)m->p[21] << 16 |
		              (uint32_t)m->p[22] << 8 | m->p[23];
		uint8_t *iv = iv1;
		if (id) {
			size_t k = 0;
			while (k < np2 && p2[k].id != id)
				k++;
			if (k == np2) {
				if (np2 == sizeof(p2) / sizeof(p2[0]))
					continue;
				p2[np2].id = id;
				ik_p1_phase2_iv(&sa->k, id, p2[np2++].iv);
			}
			iv = p2[k].iv;
		}
		m->plain_len = m->len - 28;
		m->plain = malloc(m->plain_len);
		if (m->plain)
			memcpy(m->plain, m->p + 28, m->plain_len);
		if (!m->plain || !ik_p1_crypt(&sa->k, iv, m->plain, m->plain_len, false, &st)) {
			free(m->plain);
			m->plain = NULL;
		}
	}
}

/* --regen: write every golden file (a changed engine must be reviewed with `git diff`). */
static int regen(void)
{
	int bad = 0;

	for (size_t i = 0; i < NCASES; i++) {
		struct gold_tx t;
		char path[256], tmp[300], why[512];
		path_of(&cases[i], path, sizeof(path));
		snprintf(tmp, sizeof(tmp), "%s.tmp", path);
		if (!gold_run_case(&cases[i], cases[i].seed, &t, gold_decrypt, why, sizeof(why))) {
			fprintf(stderr, "regen: %s (not written)\n", why);
			gold_free(&t);
			bad = 1;
			continue;
		}
		FILE *f = fopen(tmp, "w");
		if (!f) {
			fprintf(stderr, "regen: %s: %s\n", tmp, strerror(errno));
			gold_free(&t);
			return 1;
		}
		char title[400];
		snprintf(title, sizeof(title),
		         "%s\n# seed 0x%llx; initiator 127.0.0.1:%u (NAT-T %u), "
		         "responder 127.0.0.1:%u (NAT-T %u)",
		         cases[i].title, (unsigned long long)cases[i].seed, INI_IKE, INI_NATT,
		         RES_IKE, RES_NATT);
		gold_write(f, title, &t);
		if (fclose(f) || rename(tmp, path)) {
			fprintf(stderr, "regen: cannot write %s: %s\n", path, strerror(errno));
			bad = 1;
		} else {
			printf("regen: wrote %s (%zu messages)\n", path, t.n);
		}
		gold_free(&t);
	}
	return bad;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--regen"))
		return regen();
	if (argc > 1) {
		fprintf(stderr, "usage: %s [--regen]   (run from the repository root)\n", argv[0]);
		return 2;
	}
	return ik_test_run("golden", tests, sizeof(tests) / sizeof(tests[0]));
}
