/*
 * The traffic step (docs/writing-cases.md): ICMP echo through the quick mode's ESP SA (RFC 4303,
 * UDP-encapsulated per RFC 3948) from the first host of the tester's subnet to the first host of
 * the DUT's, one transmission at most every PING_MS after SETTLE_MS. With a probe ("traffic replay",
 * ...) the step sends BEFORE pings, then PROBES probe packets, then its pings: a probe the DUT
 * answers is its doing (loss never makes a reply), and the pings around the probes show whether
 * the SA carried traffic before and after them. Done when every ping is answered or half a
 * silence window after the last transmission. A ping whose reply is back is followed by the
 * next transmission at once rather than at the next tick: waiting out the rest of PING_MS
 * told nothing (a probe or a Delete has no answer, so after one the full PING_MS stands: the
 * DUT's time to act on it). What came back goes into the observation; the
 * verdict (suite/verdict.c) decides what it means.
 */
#include "datapath.h"
#include "runner_int.h"
#include "udp_tap.h"
#include "xchg.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PING_MS 100
/* The DUT installs its SAs once it has QM3 (RFC 2409 5.5), and does so at its own pace (charon
 * hands it to a worker thread, kernel-libipsec then sets up its TUN route): a ping sent the
 * moment our QM3 leaves can arrive before the SA exists. The first waits this long. */
#define SETTLE_MS 250
#define BEFORE    2 /* pings before the probes */
#define PROBES    3 /* probe packets: three chances against loss on the path */
/* RFC 4303 3.4.3: a receiver's window holds at least 32 packets, 64 by default, more if it
 * chooses. The reorder probes jump the counter ahead (numbers skipped look like loss to the DUT),
 * then send below the newest, never-sent numbers: reorder inside any window a conformant
 * receiver keeps (the MUST), window-64 inside 64 but not 32 (the SHOULD), window-wide outside 64
 * (a larger window MAY be chosen). */
static const struct reach {
	enum ik_probe probe;
	uint32_t jump, behind; /* the jump ping goes jump on; the first probe behind below it */
} reaches[] = {
	{IK_PROBE_REORDER, 40, 30},
	{IK_PROBE_WINDOW_64, 80, 63},
	{IK_PROBE_WINDOW_WIDE, 120, 100},
};
/* ahead-bad-icv: how far ahead of the last packet sent the forged probes go (RFC 4303 3.4.3). */
#define AHEAD (1u << 20)
/* RFC 2407 4.5 kilobytes: each volume probe is a ping of VOLUME_DATA octets of echo data (1228
 * octets of IPv4), so the three carry 3.6 KB each way; a case offers a lifetime of at most
 * VOLUME_MAX_KB, which they exceed however the DUT counts (RFC 4301 4.4.2.1 (a): the octets the
 * cipher is applied to; one direction suffices). */
#define VOLUME_DATA   1200
#define VOLUME_MAX_KB 3

/* outer-dscp, outer-ttl: the outer IP header of the probes (RFC 4303 2: the ICV covers the ESP
 * packet, not the header before it; RFC 4301 4.1: the DSCP "MUST NOT be checked as part of
 * SA/packet validation"). DSCP EF (46), ECN bits clear; a TTL no host starts with, high
 * enough for any lab path. */
#define OUTER_TOS 0xb8
#define OUTER_TTL 17

/* fragment: a ping whose UDP-ESP datagram goes as IPv4 fragments (RFC 4303 3.4.1, 3.3.4: "such
 * fragments must be reassembled prior to ESP processing at a receiver"), cut by us on a raw
 * socket, so that it is fragmented whatever the path's MTU (loopback's 65536 fits any datagram;
 * a router's 576, RFC 791, is what the cut stands for). FRAG_DATA octets of echo data make a
 * datagram of about 1.1 KB, FRAG_UDP the UDP octets of each fragment (a multiple of 8, an IP
 * packet of 572). The reply fits any path whole. */
#define FRAG_DATA 1000
#define FRAG_UDP  552

/* RFC 4301 4.4.2.1: past its lifetime an SA is "replaced with a new SA (and new SPI) or
 * terminated". The expire probe holds the step until the negotiated lifetime, counted from the
 * step's start (our QM3 is out; the DUT starts its clock no earlier than QM1), has passed by
 * GRACE_MS: the one-way delay of QM3 and a DUT that checks expiry once a second (Linux XFRM
 * timers) fit in it. Lifetimes above EXPIRE_MAX_S are refused: a case waits them out. */
#define GRACE_MS     1500
#define EXPIRE_MAX_S 30

enum act { A_PING, A_JUMP_PING, A_PROBE, A_WAIT, A_EXPIRE };

struct ik_traffic {
	struct ik_datapath dp;
	struct crun *cr;
	enum ik_probe probe;
	enum act acts[BEFORE + PROBES + 16];
	size_t nact, next;
	uint16_t seq;               /* next ICMP sequence number */
	uint16_t probe_seq[PROBES]; /* the pings the probes carry (UINT16_MAX: none, a replay
	                              * or a dummy) */
	uint16_t first_after;       /* first ping sent after the probes */
	uint32_t top;               /* ESP sequence number of the jump ping */
	struct in_addr outside; /* outside-src, -dst: an inner address outside the SA's selectors */
	uint64_t end;           /* when the step gives up waiting */
	bool ping_last;         /* the last transmission was a ping (its reply may end the tick) */
	uint64_t expire_ms;     /* expire: when the SA's lifetime has passed (GRACE_MS on) */
	/* old-sa: the earlier traffic step, kept with its data path on the first ISAKMP SA's IPsec
	 * SA (the probes go through it) */
	struct ik_traffic *prev;
};

static const struct reach *reach_of(enum ik_probe p)
{
	for (size_t i = 0; i < sizeof(reaches) / sizeof(reaches[0]); i++)
		if (reaches[i].probe == p)
			return &reaches[i];
	return NULL;
}

static const struct ik_qm *established_qm(const struct crun *cr)
{
	if (cr->qm && cr->qm->established)
		return cr->qm;
	for (const struct ik_qm *q = cr->sa ? cr->sa->qms : NULL; q; q = q->next)
		if (q->established)
			return q;
	return NULL;
}

/* The plan: N pings; with a probe, BEFORE pings (the second the jump for reorder), PROBES
 * probes, then the N pings. */
static void plan(struct ik_traffic *t, enum ik_probe probe, unsigned pings)
{
	t->probe = probe;
	if (probe != IK_PROBE_NONE) {
		for (size_t i = 0; i < BEFORE; i++)
			t->acts[t->nact++] = i && reach_of(probe) ? A_JUMP_PING : A_PING;
		/* one Delete, then two ticks for the DUT to act on it before the pings; one hold until
		 * the lifetime has passed (expire), then two ticks */
		bool once = probe == IK_PROBE_DELETE || probe == IK_PROBE_EXPIRE;
		enum act first = probe == IK_PROBE_EXPIRE ? A_EXPIRE : A_PROBE;
		for (size_t i = 0; i < PROBES; i++)
			t->acts[t->nact++] = once && i ? A_WAIT : first;
	}
	for (unsigned i = 0; i < pings; i++)
		t->acts[t->nact++] = A_PING;
}

/* A protected Delete of the IPsec SA, naming the SPI we receive on (RFC 2408 3.15; the case's
 * INFO mutations apply to it): from now on the DUT must not use the pair (5.15). */
static bool send_delete(struct crun *cr, struct ik_status *st)
{
	const struct ik_qm *qm = established_qm(cr);
	if (!qm || !cr->sa)
		return ik_fail(st, 0, "traffic: no quick mode to delete");
	return ik_send_delete_qm(cr->sa, qm) ||
	       ik_fail(st, 0, "traffic: the Delete could not be sent");
}

/* One probe packet (enum ik_probe, suite/case.h). */
static bool send_probe(struct ik_traffic *t, size_t k, struct ik_status *st)
{
	struct ik_datapath *dp = &t->dp;
	struct ik_dp_how how = {0};
	switch (t->probe) {
	case IK_PROBE_REPLAY: /* the last ping before the probes, octet for octet */
		return ik_dp_resend(dp, st);
	case IK_PROBE_BAD_ICV: how.flip_icv = true; break;
	case IK_PROBE_UNKNOWN_SPI:
		/* An SPI the DUT never gave: ours turned over, kept out of the reserved 1-255. */
		how.spi = dp->out.spi ^ 0x5a5a5a5au;
		how.spi = how.spi < 256 ? how.spi | 0x10000u : how.spi;
		break;
	case IK_PROBE_DUMMY: return ik_dp_send(dp, 0, &(struct ik_dp_how){.dummy = true}, st);
	case IK_PROBE_REORDER:
	case IK_PROBE_WINDOW_64:
	case IK_PROBE_WINDOW_WIDE:
		how.seq_at = t->top - reach_of(t->probe)->behind + (uint32_t)k;
		break;
	case IK_PROBE_AHEAD_BAD_ICV: /* forged far ahead: the window must not follow it */
		how.flip_icv = true;
		how.seq_at = dp->out.seq + AHEAD + (uint32_t)k;
		break;
	case IK_PROBE_PAD_NONE: how.trailer = IK_ESP_PAD_NONE; break;
	case IK_PROBE_PAD_MAX: how.trailer = IK_ESP_PAD_MAX; break;
	case IK_PROBE_DELETE: return send_delete(t->cr, st);
	case IK_PROBE_KEEPALIVE: return ik_dp_keepalive(dp, st);
	case IK_PROBE_BAD_PAD: how.trailer = IK_ESP_PAD_ZEROS; break;
	case IK_PROBE_PAD_OVERRUN: how.trailer = IK_ESP_PAD_OVERRUN; break;
	case IK_PROBE_OUTSIDE_SRC: how.src = t->outside; break;
	case IK_PROBE_OUTSIDE_DST: how.dst = t->outside; break;
	case IK_PROBE_VOLUME: how.data_len = VOLUME_DATA; break;
	case IK_PROBE_SEQ_ZERO: how.seq_zero = true; break;
	case IK_PROBE_OUTER_DSCP: how.tos = OUTER_TOS; break;
	case IK_PROBE_OUTER_TTL: how.ttl = OUTER_TTL; break;
	case IK_PROBE_FRAGMENT:
		how.data_len = FRAG_DATA;
		how.frag = FRAG_UDP;
		break;
	case IK_PROBE_OLD_SA: /* numbered as ours: a reply counts through either SA */
		t->probe_seq[k] = t->seq;
		ik_dp_sent_elsewhere(dp, t->seq);
		return ik_dp_send(&t->prev->dp, t->seq++, &how, st);
	case IK_PROBE_EXPIRE: /* a hold, not a packet (tick) */
	case IK_PROBE_NONE:
	case IK_PROBE__N: return ik_fail(st, 0, "traffic: no probe to send");
	}
	t->probe_seq[k] = t->seq;
	return ik_dp_send(dp, t->seq++, &how, st);
}

static bool act(struct ik_traffic *t, enum act a, size_t probe_no, struct ik_status *st)
{
	struct ik_datapath *dp = &t->dp;
	if (a == A_PROBE)
		return send_probe(t, probe_no, st);
	if (a == A_WAIT || a == A_EXPIRE)
		return true;
	if (a == A_JUMP_PING) {
		dp->out.seq += reach_of(t->probe)->jump - 1; /* the next packet goes that far on */
		t->top = dp->out.seq + 1;
	}
	if (t->probe != IK_PROBE_NONE && t->next > BEFORE + PROBES && !t->first_after)
		t->first_after = t->seq; /* t->next is one past this action */
	return ik_dp_ping(dp, t->seq++, st);
}

/* What came back, into the observation. */
static void observe(struct crun *cr, const struct ik_traffic *t)
{
	const struct ik_datapath *dp = &t->dp;
	struct ik_observed *o = &cr->o;
	bool probing = t->probe != IK_PROBE_NONE;
	unsigned first_after = probing ? t->first_after : 0;
	double sum = 0;
	o->probe = t->probe;
	o->pings = o->pongs = o->pongs_before = o->pongs_after = o->probe_replies = 0;
	for (uint16_t s = 0; s < t->seq; s++) {
		bool is_probe = false;
		for (size_t k = 0; probing && k < o->probes; k++)
			is_probe = is_probe || t->probe_seq[k] == s;
		if (is_probe) {
			o->probe_replies += dp->nrep[s] + (t->prev ? t->prev->dp.nrep[s] : 0u);
			continue;
		}
		o->pings++;
		if (dp->rtt_ms[s] < 0)
			continue;
		o->pongs++, sum += dp->rtt_ms[s];
		if (probing && s < BEFORE)
			o->pongs_before++;
		else if (!probing || (first_after && s >= first_after))
			o->pongs_after++;
	}
	/* A replayed ping answered: more than one reply to the ping the copies repeat. */
	if (t->probe == IK_PROBE_REPLAY && o->probes && dp->nrep[BEFORE - 1] > 1)
		o->probe_replies = dp->nrep[BEFORE - 1] - 1u;
	o->rtt_ms = o->pongs ? sum / o->pongs : 0;
	if (dp->refused)
		snprintf(o->traffic_why, sizeof(o->traffic_why), "%u refused: %.130s", dp->refused,
		         dp->why);
}

/* Probes a conformant DUT answers: a lost answer leaves a gap in its sequence numbers. */
static bool answered_probe(enum ik_probe p)
{
	return reach_of(p) || p == IK_PROBE_PAD_NONE || p == IK_PROBE_PAD_MAX ||
	       p == IK_PROBE_OUTER_DSCP || p == IK_PROBE_OUTER_TTL || p == IK_PROBE_FRAGMENT;
}

/* What the DUT broke in the ESP it sent, whatever was lost (docs/verdicts.md 6): SPI 0 in the
 * header (RFC 3948 2.1), a number used for two packets (RFC 4303 2.2), a trailer off the
 * 4-octet boundary (2.4). */
static bool sender_fault(struct crun *cr, const struct ik_datapath *dp)
{
	if (dp->spi_zero)
		snprintf(
			cr->o.fault, sizeof(cr->o.fault),
			"RFC 3948 2.1 (\"The SPI field in the ESP header MUST NOT be a zero "
			"value\"): %u of its UDP-encapsulated ESP packets for our SPI %08x carried "
			"SPI 0 (ICV verified), first sequence number %u",
			dp->spi_zero, dp->in.spi, dp->spi_zero_seq);
	else if (dp->seq_reused)
		snprintf(cr->o.fault, sizeof(cr->o.fault),
		         "RFC 4303 2.2 (\"the sender MUST increment this field for every "
		         "transmitted packet\"): %u ESP packets on SPI %08x reused the number of "
		         "another (ICV verified), first %u",
		         dp->seq_reused, dp->in.spi, dp->seq_reused_at);
	else if (dp->cbc_ragged)
		snprintf(cr->o.fault, sizeof(cr->o.fault),
		         "RFC 3602 2.4 (padding MUST make the data to be encrypted \"a multiple of "
		         "16 "
		         "octets\"): %u AES-CBC packets on SPI %08x (ICV verified) were not, first "
		         "seq %u",
		         dp->cbc_ragged, dp->in.spi, dp->cbc_ragged_seq);
	else if (dp->cbc_iv_same)
		snprintf(cr->o.fault, sizeof(cr->o.fault),
		         "RFC 3602 3 (\"The IV MUST be chosen at random\"): %u AES-CBC packets on "
		         "SPI "
		         "%08x reused an earlier packet's IV, first seq %u",
		         dp->cbc_iv_same, dp->in.spi, dp->cbc_iv_same_seq);
	else if (dp->cbc_iv_near)
		snprintf(
			cr->o.fault, sizeof(cr->o.fault),
			"RFC 3602 3 (\"MUST NOT use a counter or other low-Hamming distance source "
			"for IVs\"): on SPI %08x the IV of seq %u is %u bits from the last "
			"(random: "
			"~64); %u such",
			dp->in.spi, dp->cbc_iv_near_seq, dp->cbc_near_bits, dp->cbc_iv_near);
	else if (dp->in.unaligned)
		snprintf(cr->o.fault, sizeof(cr->o.fault),
		         "RFC 4303 2.4 (\"the Pad Length and Next Header fields must be right "
		         "aligned within a 4-byte word\"): %u ESP packets on SPI %08x end their "
		         "trailer off the boundary",
		         dp->in.unaligned, dp->in.spi);
	return cr->o.fault[0];
}

/* RFC 4303 3.3.3: the sender's counter starts at 0 and goes up by one for each packet sent, so
 * its packets carry 1, 2, 3, ... Judged only when nothing can have been lost: every ping (and
 * every probe it answers) came back and none of the DUT's packets was refused. A break is a MUST
 * the DUT broke in what it sent: it fails the case whatever it asked (docs/verdicts.md 6). */
static void check_seq(struct crun *cr, const struct ik_traffic *t)
{
	const struct ik_datapath *dp = &t->dp;
	const struct ik_observed *o = &cr->o;
	bool all_back = t->next == t->nact && o->pongs == o->pings && !dp->refused &&
	                (!answered_probe(t->probe) || o->probe_replies >= o->probes);
	if (o->fault[0] || sender_fault(cr, dp) || !all_back)
		return;
	for (unsigned i = 0; i < dp->nin_seq; i++)
		if (dp->in_seq[i] != i + 1) {
			snprintf(cr->o.fault, sizeof(cr->o.fault),
			         "RFC 4303 3.3.3 (the sender's counter starts at 0 and goes up by "
			         "one "
			         "for each packet): its ESP packet %u on SPI %08x carried sequence "
			         "number %u, and none was lost",
			         i + 1, dp->in.spi, dp->in_seq[i]);
			return;
		}
}
/* RFC 3948 2.1 "the IPv4 UDP Checksum SHOULD be transmitted as a zero value": what the tap read
 * of the DUT's UDP-ESP, as should.def row UDPE-2.1-02 (a case citing it WARNs for a non-zero
 * one, docs/verdicts.md 6). IKE on the port (non-ESP marker) is not counted. */
static void esp_checksums(struct crun *cr)
{
	struct ik_udp_tap *t = cr->tap;
	if (!t)
		return;
	ik_udp_tap_drain(t);
	unsigned n = t->esp[0] + t->esp[1];
	if (n && cr->sa && t->esp[1])
		ik_sa_should(cr->sa, IK_SH_UDP_CSUM_ESP, false,
		             "%u of the %u UDP-ESP datagrams it sent to our NAT-T port carried a "
		             "UDP checksum other than 0 (the first 0x%04x)",
		             t->esp[1], n, t->esp_sum);
	else if (n && cr->sa)
		ik_sa_should(cr->sa, IK_SH_UDP_CSUM_ESP, true,
		             "its %u UDP-ESP datagrams had UDP checksum 0", n);
	ik_tap_end(cr);
}
static void tick(void *arg);

/* Every PING_MS: the next transmission, and the step over when all are back or late. */
static void tick(void *arg)
{
	struct crun *cr = arg;
	struct ik_traffic *t = cr->tr;
	struct ik_status st = {0};
	cr->step_timer = 0;
	uint64_t now = ik_now_ms();
	if (t->next < t->nact) {
		enum act a = t->acts[t->next];
		if (a == A_EXPIRE && now < t->expire_ms) { /* hold: the SA is not expired yet */
			observe(cr, t);
			cr->step_timer = ik_loop_timer(&cr->R->loop, PING_MS, tick, cr);
			return;
		}
		size_t probe_no = a == A_PROBE ? cr->o.probes : 0;
		t->next++;
		t->ping_last = a == A_PING || a == A_JUMP_PING;
		if (act(t, a, probe_no, &st)) {
			cr->last_tx_ms = now;
			cr->o.probes += a == A_PROBE || a == A_EXPIRE;
		}
	}
	observe(cr, t);
	if (t->next == t->nact && !t->end)
		t->end = now + cr->window_ms / 2;
	bool all = t->next == t->nact && cr->o.pongs == cr->o.pings;
	if (all || (t->end && now >= t->end)) {
		check_seq(cr, t);
		esp_checksums(cr);
		ik_traffic_done(cr);
		return;
	}
	cr->step_timer = ik_loop_timer(&cr->R->loop, PING_MS, tick, cr);
}

/* The reply to the ping just sent is back: the next transmission need not wait for the tick. */
static void reply_back(void *arg)
{
	struct crun *cr = arg;
	struct ik_traffic *t = cr->tr;
	if (!t || !t->ping_last || !t->seq || t->dp.rtt_ms[t->seq - 1] < 0 || !cr->step_timer)
		return;
	t->ping_last = false;
	ik_loop_cancel(&cr->R->loop, cr->step_timer);
	cr->step_timer = ik_loop_timer(&cr->R->loop, 0, tick, cr);
}

/* expire: the lifetime quick mode settled on (RFC 2407 4.5; RESPONDER-LIFETIME taken), short
 * enough to wait out. */
static bool set_expiry(struct ik_traffic *t, const struct ik_qm *qm, struct ik_status *st)
{
	if (!qm->life_s || qm->life_s > EXPIRE_MAX_S)
		return ik_fail(
			st, 0,
			"expire waits the SA's lifetime out, which is %u s: the case sets one of "
			"at most %d s (set phase2.lifetime)",
			qm->life_s ? qm->life_s : 28800, EXPIRE_MAX_S);
	t->expire_ms = ik_now_ms() + qm->life_s * 1000ull + GRACE_MS;
	return true;
}

/* volume: the kilobytes quick mode settled on, few enough for the probes to exceed. */
static bool check_volume(const struct ik_qm *qm, struct ik_status *st)
{
	if (!qm->life_kb || qm->life_kb > VOLUME_MAX_KB)
		return ik_fail(
			st, 0,
			"volume sends %d octets past the SA's lifetime in kilobytes, which is "
			"%s: the case sets one of at most %d KB (set phase2.lifetime_kb)",
			PROBES * (VOLUME_DATA + 28), qm->life_kb ? "longer" : "not set",
			VOLUME_MAX_KB);
	return true;
}

/* outside-src: a source outside the selectors of the SA as quick mode negotiated them (our IDci;
 * RFC 4301 5.2), and outside the DUT's side too. outside-dst: a destination outside the DUT's
 * side (its IDcr), and outside ours. */
static bool pick_outside(struct ik_traffic *t, struct ik_status *st)
{
	const struct ik_selectors *s = &t->dp.sel;
	bool src = t->probe == IK_PROBE_OUTSIDE_SRC;
	const char *name = src ? "outside-src" : "outside-dst";
	if (t->dp.transport)
		return ik_fail(
			st, 0,
			"%s needs tunnel mode: in transport mode the inner addresses are the "
			"outer header's",
			name);
	if (!s->on)
		return ik_fail(
			st, 0,
			"%s needs IPv4 client IDs in quick mode (tester.subnet and "
			"dut.subnet): without them there are no selectors to step outside of",
			name);
	if (!ik_sel_outside(src ? &s->mine : &s->theirs, src ? &s->theirs : &s->mine, &t->outside))
		return ik_fail(st, 0, "%s: no IPv4 address lies outside %s quick mode ID", name,
		               src ? "our" : "the DUT's");
	return true;
}

static void traffic_free(struct ik_traffic *t)
{
	while (t) {
		struct ik_traffic *prev = t->prev;
		ik_dp_stop(&t->dp);
		free(t);
		t = prev;
	}
}

/* An earlier traffic step of the case: kept for an old-sa probe (the probes go through its data
 * path, the first SA's, and its replies are the proof that SA carried traffic), else let go. */
static struct ik_traffic *keep_earlier(struct crun *cr, const struct ik_case_step *s)
{
	struct ik_traffic *t = cr->tr;
	cr->tr = NULL;
	cr->o.old_pongs = 0;
	if (t && s->probe == IK_PROBE_OLD_SA && !t->prev) {
		cr->o.old_pongs = cr->o.pongs;
		return t;
	}
	traffic_free(t);
	return NULL;
}

bool ik_traffic_start(struct crun *cr)
{
	const struct ik_profile *p = cr->R->base;
	const struct ik_qm *qm = established_qm(cr);
	const struct ik_case_step *s = &cr->steps[cr->step];
	struct ik_status st = {0};
	if (!qm) {
		snprintf(cr->o.step_fail, sizeof(cr->o.step_fail),
		         "step 'traffic' needs an established quick mode: put quick before it");
		return false;
	}
	struct ik_traffic *prev = keep_earlier(cr, s);
	if (!(cr->tr = calloc(1, sizeof(*cr->tr))))
		traffic_free(prev);
	else
		cr->tr->prev = prev; /* freed with it (ik_traffic_stop) */
	if (!cr->tr ||
	    !ik_dp_start(&cr->tr->dp, &cr->eng, qm->sa, qm, ik_profile_first_host(&p->tester),
	                 ik_profile_first_host(&p->dut), &st)) {
		snprintf(cr->o.step_fail, sizeof(cr->o.step_fail), "traffic: %.140s",
		         cr->tr ? st.why : "out of memory");
		return false;
	}
	memset(cr->tr->probe_seq, 0xff, sizeof(cr->tr->probe_seq));
	if (prev)
		ik_dp_pings_reset(&prev->dp, cr->tr->dp.id);
	else if (s->probe == IK_PROBE_OLD_SA) {
		snprintf(cr->o.step_fail, sizeof(cr->o.step_fail),
		         "traffic old-sa: no earlier traffic step on the first ISAKMP SA's quick "
		         "mode "
		         "(run: main, quick, traffic, main, quick, traffic old-sa)");
		return false;
	}
	/* The DUT's packets off the 4-octet boundary are opened and counted, for the reason
	 * (RFC 4303 2.4), not refused as malformed. */
	cr->tr->dp.in.lax |= IK_ESP_UNALIGNED;
	cr->tr->cr = cr;
	cr->tr->dp.on_reply = reply_back;
	cr->tr->dp.reply_arg = cr;
	plan(cr->tr, s->probe, (unsigned)s->arg);
	bool outside = s->probe == IK_PROBE_OUTSIDE_SRC || s->probe == IK_PROBE_OUTSIDE_DST;
	bool ready = outside                       ? pick_outside(cr->tr, &st)
	             : s->probe == IK_PROBE_EXPIRE ? set_expiry(cr->tr, qm, &st)
	             : s->probe == IK_PROBE_VOLUME ? check_volume(qm, &st)
	                                           : true;
	if (!ready) {
		snprintf(cr->o.step_fail, sizeof(cr->o.step_fail), "traffic: %.140s", st.why);
		return false;
	}
	ik_tap_begin(cr, &cr->tr->dp.to);
	cr->o.probes = 0;
	cr->step_timer = ik_loop_timer(&cr->R->loop, SETTLE_MS, tick, cr);
	return true;
}

void ik_traffic_stop(struct crun *cr)
{
	ik_tap_end(cr);
	traffic_free(cr->tr);
	cr->tr = NULL;
}

bool ik_traffic_cannot(const struct ik_case *c, char *why, size_t n)
{
	for (size_t i = 0; i < c->nsteps; i++) {
		if (c->steps[i].kind != IK_STEP_TRAFFIC || c->steps[i].probe != IK_PROBE_FRAGMENT)
			continue;
		int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
		if (fd >= 0) {
			close(fd);
			return false;
		}
		snprintf(why, n,
		         "the fragment probe cuts its datagram into IP fragments on a raw socket, "
		         "which this host refused (%s: run as root, or with CAP_NET_RAW)",
		         strerror(errno));
		return true;
	}
	return false;
}
