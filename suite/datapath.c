/* The ESP data path of one quick mode; see datapath.h. */
#include "datapath.h"
#include "consts.h"
#include "algs.h"
#include "rng.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* From the algorithm table (engine/crypto/algs.def): the cipher by ESP transform id and key
 * length, the HMAC by ESP Authentication Algorithm. */
bool ik_dp_xform(const struct ik_p2_xform *chosen, struct ik_esp_xform *x, struct ik_status *st)
{
	static const enum ik_esp_mode modes[] = {[IK_MODE_CBC] = IK_ESP_CBC,
	                                         [IK_MODE_CTR] = IK_ESP_CTR,
	                                         [IK_MODE_GCM] = IK_ESP_GCM,
	                                         [IK_MODE_NULL] = IK_ESP_NULL};
	const struct ik_cipher_alg *c = ik_cipher_by_esp(chosen->id, chosen->keylen);
	memset(x, 0, sizeof(*x));
	if (!c || (!c->evp && c->mode != IK_MODE_NULL))
		return ik_fail(st, 0, "data path: ESP transform %u/%u unknown", chosen->id,
		               chosen->keylen);
	x->mode = modes[c->mode];
	x->cipher = c->evp;
	x->key_len = c->key_len, x->salt_len = c->salt, x->iv_len = c->iv_len;
	x->block = c->mode == IK_MODE_CBC ? c->block : 4;
	if (c->aead) {
		x->icv_len = c->icv;
		return true;
	}
	if (!chosen->auth)
		return true; /* confidentiality only (RFC 4303 3.2); no anti-replay then (3.4.3) */
	const struct ik_hash_alg *h = ik_hash_by_esp(chosen->auth);
	if (!h)
		return ik_fail(st, 0, "data path: ESP authentication algorithm %u unknown",
		               chosen->auth);
	/* RFC 2403 and 2404: HMAC-MD5-96 and HMAC-SHA-1-96; RFC 4868 2.3: half the output. */
	x->integ = h->evp;
	x->integ_key_len = h->len;
	x->icv_len = h->len <= 20 ? 12 : h->len / 2;
	return true;
}

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

static void refuse(struct ik_datapath *dp, const char *why)
{
	dp->refused++;
	snprintf(dp->why, sizeof(dp->why), "%s", why);
}

/* What ESP carries of an inner IPv4 packet b (n octets, our 20-octet header): in tunnel mode the
 * packet, next header 4; in transport mode its upper layer, next header its protocol (RFC 4303
 * 3.1.1: the ESP header goes after the IP header, which the outer packet is). */
static const uint8_t *carried(const struct ik_datapath *dp, const uint8_t *b, size_t *n,
                              uint8_t *nh)
{
	if (!dp->transport) {
		*nh = IK_INNER_IPV4;
		return b;
	}
	*nh = b[9];
	*n -= 20;
	return b + 20;
}

/* The inner packet ESP delivered (n octets at clear, cap of room): tunnel mode an IPv4 packet;
 * transport mode an upper layer, put back behind the IP header its outer packet carried. */
static bool inner_of(const struct ik_datapath *dp, uint8_t *clear, size_t cap, size_t n, uint8_t nh,
                     struct ik_inner *in, struct ik_status *st)
{
	if (!dp->transport)
		return nh == IK_INNER_IPV4
		               ? ik_inner_parse(clear, n, in, st)
		               : ik_fail(st, 0, "next header %u is not IPv4 (tunnel mode)", nh);
	if (nh != IK_INNER_ICMP && nh != IK_INNER_UDP)
		return ik_fail(st, 0, "next header %u is neither ICMP nor UDP (transport mode)",
		               nh);
	size_t m = ik_inner_wrap(clear, cap, dp->peer, dp->me, nh, clear, n);
	return m ? ik_inner_parse(clear, m, in, st)
	         : ik_fail(st, 0, "transport mode: %zu octets do not fit behind a header", n);
}

/* An echo reply to one of our pings: its round trip. */
static void got_reply(struct ik_datapath *dp, const struct ik_inner *in)
{
	if (in->id != dp->id || in->seq >= IK_DP_MAX_PINGS || in->seq >= dp->sent ||
	    (in->src.s_addr != dp->peer.s_addr &&
	     (!dp->probe_dst.s_addr || in->src.s_addr != dp->probe_dst.s_addr))) {
		refuse(dp, "an echo reply that answers none of our pings");
		return;
	}
	if (dp->nrep[in->seq] < UINT8_MAX)
		dp->nrep[in->seq]++;
	if (dp->rtt_ms[in->seq] >= 0)
		return; /* a duplicate (a replayed ping answered): counted in nrep only */
	dp->rtt_ms[in->seq] = (double)(now_us() - dp->sent_us[in->seq]) / 1000.0;
	dp->replies++;
	if (dp->on_reply)
		dp->on_reply(dp->reply_arg);
}

/* An echo request to our inner address: answered as a host would (RFC 792), from the address it
 * was sent to (ours; another under quirk esp-any-dst). */
static void answer(struct ik_datapath *dp, const struct ik_inner *in)
{
	uint8_t b[IK_MAX_DGRAM], pkt[IK_MAX_DGRAM];
	struct ik_status st = {0};
	size_t n = ik_inner_echo(b, sizeof(b), in->dst, in->src, 0, in->id, in->seq, in->data_len),
	       m = 0;
	uint8_t nh = 0;
	/* The reply carries the request's data back (ik_inner_echo wrote a pattern there). */
	memcpy(b + 28, in->data, in->data_len);
	/* Quirk esp-seq-gaps (RFC 4303 3.3.3 not kept): the counter skips one before each packet.
	 * Quirk esp-seq-stuck (RFC 4303 2.2 "the sender MUST increment this field for every
	 * transmitted packet" not kept): it never moves, every packet carries 1. */
	if (IK_HAS(dp->e->cfg.quirks, ESP_SEQ_GAPS))
		dp->out.seq++;
	if (IK_HAS(dp->e->cfg.quirks, ESP_SEQ_STUCK) || dp->out_stuck)
		dp->out.seq = 0;
	const uint8_t *p = n ? carried(dp, b, &n, &nh) : b;
	bool sealed = n && ik_esp_seal(&dp->out, nh, p, n, NULL, pkt, sizeof(pkt), &m, &st);
	/* Quirk esp-icv-always (RFC 4303 5, 3.2 not kept: NULL integrity negotiated, an ICV sent
	 * anyway): on an SA without integrity, 12 octets after the trailer, as HMAC-SHA1-96 would
	 * put there. */
	if (sealed && !dp->out.x.icv_len && IK_HAS(dp->e->cfg.quirks, ESP_ICV_ALWAYS) &&
	    m + 12 <= sizeof(pkt)) {
		memset(pkt + m, 0xa5, 12);
		m += 12;
	}
	if (!sealed || !ik_engine_send_esp(dp->e, &dp->to, pkt, m, &st)) {
		refuse(dp, st.why[0] ? st.why : "an echo reply that does not fit");
		return;
	}
	dp->answered++;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The data path whose inbound SPI the packet names. Quirk esp-any-spi (RFC 4303 3.4.2 not
 * kept): failing that, the newest one of the peer it came from. */
static struct ik_datapath *lookup(struct ik_engine *e, const struct ik_dgram *d)
{
	struct ik_datapath *dp = e->esp_arg;
	uint32_t spi = d->len >= 4 ? get32(d->data) : 0;
	while (dp && dp->in.spi != spi)
		dp = dp->next;
	if (dp || !(IK_HAS(e->cfg.quirks, ESP_ANY_SPI)))
		return dp;
	for (dp = e->esp_arg; dp && !ik_addr_equal(&dp->to, &d->peer); dp = dp->next)
		;
	if (dp)
		dp->in.lax |= IK_ESP_LAX_SPI;
	return dp;
}

/* Quirks esp-dummy-fatal, esp-padlen-fatal and keepalive-fatal (RFC 4303 2.6, 2.5, RFC 3948 2.3
 * not kept): the SA is dropped. */
static void drop_dp(struct ik_datapath *dp)
{
	ik_dp_stop(dp);
	if (dp->owned)
		free(dp);
}

/* RFC 4301 4.4.2.1: an SA past its lifetime is "replaced with a new SA (and new SPI) or
 * terminated". A host data path (serve) is terminated when a packet comes for it after its
 * lifetime in seconds, or once either direction carried its kilobytes (counted as payload
 * octets, a little under what RFC 4301 4.4.2.1 (a) counts: never early), which it then no longer
 * opens; the peer sees the SA stop. Quirk esp-no-lifetime: it carries on. */
static bool expired(struct ik_datapath *dp)
{
	bool over = (dp->expires_us && now_us() >= dp->expires_us) ||
	            (dp->life_octets &&
	             (dp->in.octets >= dp->life_octets || dp->out.octets >= dp->life_octets));
	if (!over || IK_HAS(dp->e->cfg.quirks, ESP_NO_LIFETIME))
		return false;
	drop_dp(dp);
	return true;
}

/* Quirk esp-no-window (RFC 4303 3.4.3 not kept): nothing older than the newest passes. */
static bool too_old(struct ik_datapath *dp, const struct ik_dgram *d)
{
	uint32_t seq = get32(d->data + 4);
	if (!(IK_HAS(dp->e->cfg.quirks, ESP_NO_WINDOW)) || seq > dp->in_top) {
		dp->in_top = seq > dp->in_top ? seq : dp->in_top;
		return false;
	}
	refuse(dp, "quirk esp-no-window: older than the newest sequence number");
	return true;
}

/* RFC 3948 2.3: a NAT-keepalive is ignored. Quirk keepalive-fatal: the peer's data paths go. */
static void keepalive_in(struct ik_engine *e, const struct ik_dgram *d)
{
	if (!(IK_HAS(e->cfg.quirks, KEEPALIVE_FATAL)))
		return;
	for (struct ik_datapath *dp = e->esp_arg, *next; dp; dp = next) {
		next = dp->next;
		if (ik_addr_equal(&dp->to, &d->peer))
			drop_dp(dp);
	}
}

/* An inner packet that came through the SA: a reply to one of our pings is recorded (what the
 * peer sent is the evidence, wherever it was addressed); a request to us is answered if it fits
 * the SA's selectors. RFC 4301 5.2 step 5: "If an IPsec system receives an inbound packet on an
 * SA and the packet's header fields are not consistent with the selectors for the SA, it MUST
 * discard the packet." Quirk esp-ignore-selectors: it answers whatever the source. Quirk
 * esp-any-dst: the destination is not checked, and a request to another address is answered
 * from that address (the host a gateway would forward it to). */
static void deliver(struct ik_datapath *dp, const struct ik_inner *in)
{
	bool lax = IK_HAS(dp->e->cfg.quirks, ESP_IGNORE_SELECTORS),
	     any_dst = IK_HAS(dp->e->cfg.quirks, ESP_ANY_DST);
	bool echo = in->proto == IK_INNER_ICMP && in->icmp_type == 8;
	if (in->proto == IK_INNER_ICMP && in->icmp_type == 0)
		got_reply(dp, in);
	else if (!lax && !ik_sel_fits(&dp->sel, in->src, any_dst ? dp->me : in->dst))
		refuse(dp, "an inner packet outside the SA's selectors (RFC 4301 5.2)");
	else if (echo && (in->dst.s_addr == dp->me.s_addr || (any_dst && !dp->transport)))
		answer(dp, in);
	else
		refuse(dp, "an inner packet that is neither an echo reply nor a request to us");
}

static uint64_t tail64(const struct ik_dgram *d)
{
	uint64_t v = 0;
	for (size_t i = d->len >= 8 ? d->len - 8 : 0; i < d->len; i++)
		v = v << 8 | d->data[i];
	return v;
}

/* A packet the window refused (RFC 4303 3.4.3) whose ICV verifies: the peer sent it. A copy the
 * path made of a packet already taken carries that packet's ICV; any other breaks RFC 4303 2.2
 * ("the sender MUST increment this field for every transmitted packet"): recorded. */
static void replay_in(struct ik_datapath *dp, const struct ik_dgram *d)
{
	uint32_t seq = get32(d->data + 4);
	if (!ik_esp_authentic(&dp->in, d->data, d->len))
		return;
	for (unsigned i = 0; i < dp->nin_seq; i++)
		if (dp->in_seq[i] == seq && dp->in_tag[i] == tail64(d))
			return;
	if (!dp->seq_reused++)
		dp->seq_reused_at = seq;
}

/* Quirks esp-early-window and esp-pad-strict, after the packet was opened: the one moves the
 * window for a packet whose ICV failed (RFC 4303 3.4.3: "the receiver cannot yet modify its
 * local counter" before the check), the other refuses padding RFC 4303 2.4 allows (none, or a
 * block or more: "The sender MAY add 0 to 255 bytes of padding"). True: the packet is dropped. */
static bool quirks_after_open(struct ik_datapath *dp, const struct ik_dgram *d,
                              enum ik_esp_verdict v)
{
	ik_quirks_t q = dp->e->cfg.quirks;
	if (v == IK_ESP_BAD_ICV && IK_HAS(q, ESP_EARLY_WINDOW) && dp->in.replay_on)
		ik_esp_replay_update(&dp->in.win, get32(d->data + 4));
	if (v != IK_ESP_OK || !(IK_HAS(q, ESP_PAD_STRICT)) ||
	    (dp->in.last_pad && dp->in.last_pad < dp->in.x.block))
		return false;
	refuse(dp, "quirk esp-pad-strict: no padding, or a block of it or more");
	return true;
}

/* Quirk esp-outer-check (RFC 4301 4.1: the DSCP "MUST NOT be checked as part of SA/packet
 * validation"; RFC 4303 2: the ICV covers the ESP packet, not the IP header before it): the SA
 * keeps the outer TOS and TTL of its first packet and drops packets that came with others.
 * True: the packet is dropped. */
static bool outer_changed(struct ik_datapath *dp, const struct ik_dgram *d)
{
	if (!(IK_HAS(dp->e->cfg.quirks, ESP_OUTER_CHECK)))
		return false;
	if (!dp->outer_seen) {
		dp->outer_seen = true, dp->outer_tos = d->tos, dp->outer_ttl = d->ttl;
		return false;
	}
	if (d->tos == dp->outer_tos && d->ttl == dp->outer_ttl)
		return false;
	refuse(dp, "quirk esp-outer-check: another outer TOS or TTL than the SA's first packet");
	return true;
}

static void esp_in(struct ik_engine *e, const struct ik_dgram *d)
{
	if (d->kind == IK_DGRAM_KEEPALIVE) {
		keepalive_in(e, d);
		return;
	}
	struct ik_datapath *dp = lookup(e, d);
	if (!dp || expired(dp) || outer_changed(dp, d))
		return; /* RFC 4303 3.4.2: no SA for it (or no more), discarded */
	/* Quirk esp-no-reassembly (RFC 4303 3.4.1 not kept: "reassembly is performed prior to ESP
	 * processing"): a datagram the kernel reassembled from fragments (IP_RECVFRAGSIZE) is
	 * dropped, as by a receiver that takes only whole datagrams. */
	if (d->frag && IK_HAS(e->cfg.quirks, ESP_NO_REASSEMBLY)) {
		refuse(dp, "quirk esp-no-reassembly: an ESP datagram that came in IP fragments");
		return;
	}
	uint8_t clear[IK_MAX_DGRAM], nh = 0;
	size_t n = 0;
	struct ik_status st = {0};
	struct ik_inner in;
	enum ik_esp_verdict v =
		ik_esp_open(&dp->in, d->data, d->len, clear, sizeof(clear), &n, &nh, &st);
	dp->in.lax &= ~(unsigned)IK_ESP_LAX_SPI;
	ik_dp_cbc_watch(dp, d->data, d->len, v);
	if ((v == IK_ESP_OK || v == IK_ESP_DUMMY) && dp->nin_seq < IK_ARRAY_SIZE(dp->in_seq)) {
		dp->in_tag[dp->nin_seq] = tail64(d);
		dp->in_seq[dp->nin_seq++] = get32(d->data + 4);
	}
	if (v == IK_ESP_REPLAY)
		replay_in(dp, d);
	if (quirks_after_open(dp, d, v))
		return;
	/* Quirk esp-padlen-fatal (robustness, RFC 4303 2.5): a Pad Length past the payload kills it. */
	if ((v == IK_ESP_DUMMY && IK_HAS(e->cfg.quirks, ESP_DUMMY_FATAL)) ||
	    (v == IK_ESP_BAD_PAD_LEN && IK_HAS(e->cfg.quirks, ESP_PADLEN_FATAL))) {
		drop_dp(dp);
		return;
	}
	if (v == IK_ESP_DUMMY || (v == IK_ESP_OK && too_old(dp, d)))
		return;
	if (v != IK_ESP_OK || !inner_of(dp, clear, sizeof(clear), n, nh, &in, &st)) {
		refuse(dp, st.why);
		return;
	}
	/* RFC 3948 3.1 / RFC 3947 5.2, 7: answer where the peer's authentic ESP comes from (a NAT's
	 * new mapping). Quirk natt-no-remap: the first mapping seen (the float's, or without one
	 * the first ESP's) is kept, a later one ignored. */
	if (!(IK_HAS(e->cfg.quirks, NATT_NO_REMAP)) || !dp->mapped)
		dp->to = d->peer;
	dp->mapped = true;
	deliver(dp, &in);
}

/* engine esp_marked: a datagram after the non-ESP marker that is the peer's ESP under SPI 0
 * (RFC 3948 2.1) if, the four zero octets put back, its ICV verifies under one of our inbound
 * SAs (without integrity nothing can be told: it stays IKE). Counted, then dropped: no SA of
 * ours has SPI 0 (RFC 4303 3.4.2). */
static bool marked_esp(struct ik_engine *e, const struct ik_dgram *d)
{
	static uint8_t pkt[IK_MAX_DGRAM];
	if (d->len + 4 > sizeof(pkt))
		return false;
	memset(pkt, 0, 4);
	memcpy(pkt + 4, d->data, d->len);
	for (struct ik_datapath *dp = e->esp_arg; dp; dp = dp->next)
		if (ik_esp_authentic(&dp->in, pkt, d->len + 4)) {
			if (!dp->spi_zero++)
				dp->spi_zero_seq = get32(pkt + 4);
			if (e->esp_tap)
				e->esp_tap(e, false, &d->peer, pkt, d->len + 4);
			return true;
		}
	return false;
}

/* RFC 3947 5.1: the UDP-Encapsulated modes, RFC's and drafts'. */
static bool udp_mode(uint16_t encap)
{
	return encap == IK_ENCAP_UDP_TUNNEL || encap == IK_ENCAP_UDP_TRANSPORT ||
	       encap == IK_ENCAP_UDP_TUNNEL_DRAFT || encap == IK_ENCAP_UDP_TRANSPORT_DRAFT;
}

bool ik_dp_start(struct ik_datapath *dp, struct ik_engine *e, const struct ik_sa *sa,
                 const struct ik_qm *qm, struct in_addr me, struct in_addr peer,
                 struct ik_status *st)
{
	struct ik_esp_xform x;
	memset(dp, 0, sizeof(*dp));
	dp->e = e, dp->me = me, dp->peer = peer;
	dp->id = (uint16_t)(qm->spi_in ^ qm->spi_in >> 16);
	for (size_t i = 0; i < IK_DP_MAX_PINGS; i++)
		dp->rtt_ms[i] = -1;
	if (qm->chosen.proto != IK_PROTO_ESP || qm->sa != sa || !qm->established)
		return ik_fail(st, 0, "data path: the quick mode has no established ESP SA");
	dp->transport = qm->chosen.encap == IK_ENCAP_TRANSPORT ||
	                qm->chosen.encap == IK_ENCAP_UDP_TRANSPORT ||
	                qm->chosen.encap == IK_ENCAP_UDP_TRANSPORT_DRAFT;
	/* Quirk esp-wrong-keys (RFC 2409 5.5 not kept): each direction keyed with the other's. */
	bool swap = IK_HAS(e->cfg.quirks, ESP_WRONG_KEYS);
	const uint8_t *kin = swap ? qm->k.keymat_out : qm->k.keymat_in,
		      *kout = swap ? qm->k.keymat_in : qm->k.keymat_out;
	/* RFC 4303 3.4.3: a window of 64 "SHOULD be employed as the default". Quirk esp-window-32:
	 * the least allowed, 32. */
	size_t window = IK_HAS(e->cfg.quirks, ESP_WINDOW_32) ? 32 : 64;
	if (!ik_dp_xform(&qm->chosen, &x, st))
		return false;
	/* Quirk esp-sha2-96 (RFC 4868 2.3 not kept): what it sends under HMAC-SHA-2 carries 96 bits of
	 * ICV, as HMAC-SHA-1 does; what it receives is checked as the RFC says. */
	struct ik_esp_xform xo = x;
	if (IK_HAS(e->cfg.quirks, ESP_SHA2_96) && xo.integ && xo.icv_len > 12)
		xo.icv_len = 12;
	/* Quirk esp-sha1-160 (RFC 2404 2 not kept): under HMAC-SHA-1 it sends the whole 160 bits. */
	if (IK_HAS(e->cfg.quirks, ESP_SHA1_160) && xo.integ && !strcmp(xo.integ, "SHA1"))
		xo.icv_len = 20;
	if (!ik_esp_sa_init(&dp->out, &xo, qm->spi_out, kout, qm->k.keymat_len, window, st))
		return false;
	if (!ik_esp_sa_init(&dp->in, &x, qm->spi_in, kin, qm->k.keymat_len, window, st)) {
		ik_esp_sa_free(&dp->out);
		return false;
	}
	/* Quirks esp-no-replay-check, esp-ignore-icv and esp-no-pad-check: an inbound SA without
	 * those checks. */
	if (IK_HAS(e->cfg.quirks, ESP_NO_REPLAY_CHECK))
		dp->in.replay_on = false;
	if (IK_HAS(e->cfg.quirks, ESP_IGNORE_ICV))
		dp->in.lax |= IK_ESP_LAX_ICV;
	if (IK_HAS(e->cfg.quirks, ESP_NO_PAD_CHECK))
		dp->in.lax |= IK_ESP_LAX_PAD;
	/* RFC 2407 4.6.3.2: told (by the profile) to do no anti-replay, we do none (RFC 4303 3.4.3:
	 * "If the receiver does not enable anti-replay for an SA, no inbound checks are performed
	 * on the Sequence Number"); as responder our QM2 said so. */
	if (e->cfg.replay_off)
		dp->in.replay_on = false;
	/* Quirk esp-seq-no-replay (RFC 4303 2.2, 3.3.3 not kept): told REPLAY-STATUS 0, it stops
	 * counting. */
	dp->out_stuck = IK_HAS(e->cfg.quirks, ESP_SEQ_NO_REPLAY) && qm->peer_replay_off;
	/* Quirk esp-seq-zero (RFC 4303 3.4.3, 3.3.3 not kept): 0 is one more number in the window. */
	if (IK_HAS(e->cfg.quirks, ESP_SEQ_ZERO))
		dp->in.lax |= IK_ESP_SEQ_ZERO;
	/* Quirk esp-bad-align (RFC 4303 2.4 not kept): no padding for the 4-octet alignment. */
	if (IK_HAS(e->cfg.quirks, ESP_BAD_ALIGN))
		dp->out.lax |= IK_ESP_UNALIGNED;
	/* Quirk esp-implicit-iv (RFC 3602 3, RFC 4303 2.3 not kept): no CBC IV on the wire. */
	if (IK_HAS(e->cfg.quirks, ESP_IMPLICIT_IV))
		dp->out.lax |= IK_ESP_NO_IV;
	/* Quirks esp-cbc-ragged (RFC 3602 2.4) and esp-cbc-iv-counter (RFC 3602 3) not kept. */
	if (IK_HAS(e->cfg.quirks, ESP_CBC_RAGGED))
		dp->out.lax |= IK_ESP_CBC_RAGGED;
	if (IK_HAS(e->cfg.quirks, ESP_CBC_IV_COUNTER))
		dp->out.lax |= IK_ESP_CBC_IV_COUNTER;
	/* Quirk esp-esn-icv (RFC 4303 2.2.1 not kept): the ICV as if ESN had been negotiated. */
	if (IK_HAS(e->cfg.quirks, ESP_ESN_ICV))
		dp->out.lax |= IK_ESP_ESN_ICV;
	/* Quirk esp-udp-spi-zero (RFC 3948 2.1 not kept): SPI 0 in the header of its ESP in a
	 * UDP-Encapsulated mode, the ICV over it. */
	if (IK_HAS(e->cfg.quirks, ESP_UDP_SPI_ZERO) && udp_mode(qm->chosen.encap))
		dp->out.spi = 0;
	ik_sel_of_qm(qm, &dp->sel);
	/* After a float the peer's address is its NAT-T source; before, its configured port. */
	dp->to = sa->peer;
	dp->mapped = sa->floated;
	if (!sa->floated)
		set_port(&dp->to, e->cfg.remote_natt_port);
	e->esp_in = esp_in;
	e->esp_marked = marked_esp;
	dp->next = e->esp_arg;
	e->esp_arg = dp;
	return true;
}

bool ik_dp_send(struct ik_datapath *dp, uint16_t seq, const struct ik_dp_how *how,
                struct ik_status *st)
{
	static const struct ik_dp_how plain = {0};
	uint8_t b[IK_DP_MAX_DATA + 28];
	size_t m = 0, n = 0;
	uint32_t spi = dp->out.spi, next = dp->out.seq;
	if (!how)
		how = &plain;
	if (seq >= IK_DP_MAX_PINGS)
		return ik_fail(st, 0, "data path: at most %d pings", IK_DP_MAX_PINGS);
	if (how->dummy) {
		n = 40; /* RFC 4303 2.6: the rest "may consist of only random bytes" */
		if (!ik_rng_bytes(b, n))
			return ik_fail(st, 0, "data path: no random octets");
	} else {
		/* No padding, or 255 octets of it (RFC 4303 2.4): echo data sized so that the
		 * trailer still ends on the alignment. */
		uint16_t dl = how->data_len ? how->data_len : 56;
		while (dl < IK_DP_MAX_DATA &&
		       !ik_esp_pad_fits(&dp->out.x, dl + (dp->transport ? 8u : 28u), how->trailer))
			dl++;
		n = ik_inner_echo(b, sizeof(b), how->src.s_addr ? how->src : dp->me,
		                  how->dst.s_addr ? how->dst : dp->peer, 8, dp->id, seq, dl);
		if (!n)
			return ik_fail(st, 0, "data path: at most %d octets of echo data",
			               IK_DP_MAX_DATA);
	}
	if (how->dst.s_addr)
		dp->probe_dst = how->dst; /* a reply from there is evidence too */
	if (how->spi)
		dp->out.spi = how->spi;
	if (how->seq_at)
		dp->out.seq = how->seq_at - 1;
	if (how->seq_zero)
		dp->out.lax |= IK_ESP_SEQ_ZERO; /* the counter stays (esp.h) */
	uint8_t nh = IK_ESP_NH_NONE;
	const uint8_t *p = how->dummy ? b : carried(dp, b, &n, &nh);
	bool ok = ik_esp_seal_trailer(&dp->out, nh, p, n, how->trailer, dp->last, sizeof(dp->last),
	                              &m, st);
	dp->out.lax &= ~(unsigned)IK_ESP_SEQ_ZERO;
	dp->out.spi = spi;
	if (how->seq_at)
		dp->out.seq = next; /* the counter goes on where it was (RFC 4303 3.3.3) */
	if (!ok)
		return false;
	if (how->flip_icv && dp->out.x.icv_len)
		dp->last[m - 1] ^= 0xff;
	dp->last_len = m;
	if (how->frag ? !ik_engine_send_esp_fragments(dp->e, &dp->to, dp->last, m, how->frag, st)
	              : !ik_engine_send_esp_marked(dp->e, &dp->to, dp->last, m, how->tos, how->ttl,
	                                           st))
		return false;
	if (how->dummy)
		return true;
	dp->sent_us[seq] = now_us();
	if (seq + 1u > dp->sent)
		dp->sent = seq + 1u;
	return true;
}

bool ik_dp_ping(struct ik_datapath *dp, uint16_t seq, struct ik_status *st)
{
	return ik_dp_send(dp, seq, NULL, st);
}

bool ik_dp_keepalive(struct ik_datapath *dp, struct ik_status *st)
{
	return ik_engine_send_keepalive(dp->e, &dp->to, st);
}

bool ik_dp_resend(struct ik_datapath *dp, struct ik_status *st)
{
	if (!dp->last_len)
		return ik_fail(st, 0, "data path: nothing sent yet to send again");
	return ik_engine_send_esp(dp->e, &dp->to, dp->last, dp->last_len, st);
}

void ik_dp_pings_reset(struct ik_datapath *dp, uint16_t id)
{
	dp->id = id;
	dp->sent = dp->replies = 0;
	memset(dp->nrep, 0, sizeof(dp->nrep));
	for (size_t i = 0; i < IK_DP_MAX_PINGS; i++)
		dp->rtt_ms[i] = -1;
}

void ik_dp_sent_elsewhere(struct ik_datapath *dp, uint16_t seq)
{
	if (seq >= IK_DP_MAX_PINGS)
		return;
	dp->sent_us[seq] = now_us();
	if (seq + 1u > dp->sent)
		dp->sent = seq + 1u;
}

void ik_dp_stop(struct ik_datapath *dp)
{
	if (dp->e) {
		struct ik_datapath **pp = (struct ik_datapath **)&dp->e->esp_arg;
		while (*pp && *pp != dp)
			pp = &(*pp)->next;
		if (*pp)
			*pp = dp->next;
		if (!dp->e->esp_arg)
			dp->e->esp_in = NULL, dp->e->esp_marked = NULL;
		dp->e = NULL;
	}
	ik_esp_sa_free(&dp->out);
	ik_esp_sa_free(&dp->in);
}

bool ik_dp_host_add(struct ik_engine *e, const struct ik_sa *sa, const struct ik_qm *qm,
                    struct in_addr me, struct in_addr peer, struct ik_status *st)
{
	struct ik_datapath *dp = calloc(1, sizeof(*dp));
	if (!dp)
		return ik_fail(st, 0, "data path: out of memory");
	if (!ik_dp_start(dp, e, sa, qm, me, peer, st)) {
		free(dp);
		return false;
	}
	dp->owned = true;
	if (qm->life_s) /* RFC 2407 4.5: the seconds quick mode settled on */
		dp->expires_us = now_us() + qm->life_s * 1000000ull;
	dp->life_octets = qm->life_kb * 1024ull; /* RFC 2407 4.5: kilobytes */
	size_t n = 0;
	struct ik_datapath *last = dp;
	for (struct ik_datapath *d = dp; d; d = d->next, n++)
		last = d;
	if (n > IK_DP_KEEP) {
		ik_dp_stop(last);
		free(last);
	}
	return true;
}

void ik_dp_host_free(struct ik_engine *e)
{
	while (e->esp_arg) {
		struct ik_datapath *dp = e->esp_arg;
		ik_dp_stop(dp);
		free(dp);
	}
}

void ik_dp_host_del(struct ik_engine *e, uint32_t spi)
{
	struct ik_datapath *dp = e->esp_arg;
	while (dp && dp->in.spi != spi)
		dp = dp->next;
	if (!dp)
		return;
	ik_dp_stop(dp);
	if (dp->owned)
		free(dp);
}
