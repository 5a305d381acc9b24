/*
 * The rows of tests/test_quirk.c for the ESP receiver quirks (engine/mutation/quirk.def,
 * suite/cases/esp): quick mode up over NAT-T, a ping that comes back, then a probe as the ESP
 * cases send it (suite/run_traffic.c). Included by test_quirk.c only (static functions, as
 * tests/quirk_cert.h); it uses that file's pair helpers (SPIN_UNTIL, with_natt).
 */
#ifndef IK_QUIRK_ESP_H
#define IK_QUIRK_ESP_H

/* The ESP receiver quirks: quick mode up, a ping that comes back, then a probe as the ESP cases
 * send it (suite/run_traffic.c); went along = the responder's data path did what the quirk says
 * (RFC 4303 2.4, 2.5, 2.6, 3.4.2, 3.4.3, 3.4.4.1). */
enum esp_try {
	TRY_REPLAY,
	TRY_BAD_ICV,
	TRY_SPI,
	TRY_DUMMY,
	TRY_REORDER,
	TRY_KEYS,
	TRY_SEQ,
	TRY_KEEPALIVE,
	TRY_BAD_PAD,
	TRY_PAD_OVERRUN,
	TRY_OUTSIDE,
	TRY_OUTSIDE_DST,
	TRY_WINDOW_64,
	TRY_AHEAD,
	TRY_PAD_ALLOWED,
	TRY_SEQ_STUCK,
	TRY_ALIGN,
	TRY_SEQ_ZERO,
	TRY_OUTER,
	TRY_IV,
	TRY_FRAG,
	TRY_ESN,
	TRY_SHA2_96,
	TRY_SPI_FIELD,
	TRY_CBC_RAGGED,
	TRY_CBC_IV,
	TRY_SHA1_160
};

static void esp_probe(struct ik_datapath *di, enum esp_try t, struct ik_status *st)
{
	struct ik_dp_how how = {0};
	switch (t) {
	case TRY_REPLAY: ik_dp_resend(di, st); return;
	case TRY_BAD_ICV: how.flip_icv = true; break;
	case TRY_SPI: how.spi = di->out.spi ^ 0x5a5a5a5au; break;
	case TRY_DUMMY: how.dummy = true; break;
	case TRY_BAD_PAD: how.trailer = IK_ESP_PAD_ZEROS; break;
	case TRY_PAD_OVERRUN: how.trailer = IK_ESP_PAD_OVERRUN; break;
	case TRY_SEQ_ZERO: how.seq_zero = true; break; /* esp-seq-zero: under 0, a valid ICV */
	case TRY_FRAG: /* esp-no-reassembly: the ping as two IPv4 fragments (a raw socket) */
		how.data_len = 300, how.frag = 256;
		break;
	case TRY_OUTER: /* esp-outer-check: DSCP EF and TTL 17 on the outer header */
		how.tos = 0xb8, how.ttl = 17;
		break;
	case TRY_OUTSIDE:
		how.src.s_addr = htonl(0x0a010101);
		break; /* 10.1.1.1: not in 10.1.0.0/24 */
	case TRY_OUTSIDE_DST:
		how.dst.s_addr = htonl(0x0a020101);
		break; /* 10.2.1.1: not in 10.2.0.0/24 */
	case TRY_REORDER:
		di->out.seq += 39; /* ping 1 goes out 40 on, the probe 30 behind it */
		ik_dp_ping(di, 1, st);
		how.seq_at = di->out.seq - 30;
		break;
	case TRY_WINDOW_64: /* esp-window-32: ping 1 goes out 80 on, the probe 63 behind it */
		di->out.seq += 79;
		ik_dp_ping(di, 1, st);
		how.seq_at = di->out.seq - 63;
		break;
	case TRY_AHEAD: /* esp-early-window: forged 2^20 ahead, then a ping that should pass */
		how.flip_icv = true;
		how.seq_at = di->out.seq + (1u << 20);
		break;
	case TRY_PAD_ALLOWED: /* esp-pad-strict: 255 octets of padding (2), none (3) */
		how.trailer = IK_ESP_PAD_MAX;
		ik_dp_send(di, 2, &how, st);
		how.trailer = IK_ESP_PAD_NONE;
		ik_dp_send(di, 3, &how, st);
		return;
	case TRY_SEQ_STUCK: /* esp-seq-stuck: a second ping, its reply under number 1 again */
	case TRY_ALIGN:     /* esp-bad-align (GCM): a second ping, its reply unaligned */
		ik_dp_ping(di, 1, st);
		return;
	case TRY_KEEPALIVE: /* keepalive-fatal: a NAT-keepalive, then a ping that should still come back */
		ik_dp_keepalive(di, st);
		ik_dp_ping(di, 3, st);
		return;
	case TRY_SPI_FIELD: /* esp-udp-spi-zero: a second plain ping, its reply under SPI 0 too */
	case TRY_ESN: /* esp-esn-icv: a second plain ping, its reply's ICV refused as the first */
	case TRY_SHA2_96:  /* esp-sha2-96: likewise, its 96-bit ICV named so */
	case TRY_SHA1_160: /* esp-sha1-160: likewise, its 160-bit ICV named so */
	case TRY_IV: /* esp-implicit-iv: a second plain ping, its reply refused as the first */
	case TRY_CBC_RAGGED: /* esp-cbc-ragged: a second plain ping, its reply ragged as the first */
	case TRY_CBC_IV:     /* esp-cbc-iv-counter: a second plain ping, its reply's IV one up */
	case TRY_KEYS:       /* esp-wrong-keys: a second plain ping, refused as the first */
	case TRY_SEQ:        /* esp-seq-gaps: a second plain ping, to see the reply's number */
		ik_dp_ping(di, 1, st);
		return;
	}
	ik_dp_send(di, 2, &how, st);
	if (t == TRY_DUMMY || t == TRY_PAD_OVERRUN || t == TRY_AHEAD)
		ik_dp_ping(di, 3, st);
}

static bool esp_try(struct ik_pair *p, enum esp_try t)
{
	struct ik_datapath di = {0}, dr = {0};
	struct ik_status st = {0};
	struct in_addr a = {htonl(0x0a010001)}, b = {htonl(0x0a020001)};
	p->ini.cfg.remote_natt_port = p->res.natt.port;
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, p->p2_up >= 2 || p->failed, 3000);
	const struct ik_sa *si = p->ini.sas, *sr = p->res.sas;
	bool went = false;
	if (si && sr && si->qms && sr->qms && ik_dp_start(&di, &p->ini, si, si->qms, a, b, &st) &&
	    ik_dp_start(&dr, &p->res, sr, sr->qms, b, a, &st)) {
		di.in.lax |=
			IK_ESP_UNALIGNED; /* as the tester: opened and counted (run_traffic.c) */
		ik_dp_ping(&di, 0, &st);
		SPIN_UNTIL(p, di.replies >= 1, 500);
		esp_probe(&di, t, &st);
		SPIN_UNTIL(p, false, 200); /* whatever comes back comes back by then */
		went = t == TRY_KEYS  ? di.replies == 0 && dr.refused == 2
		       : t == TRY_SEQ ? di.nin_seq == 2 && (di.in_seq[0] != 1 || di.in_seq[1] != 2)
		       : t == TRY_REPLAY      ? di.nrep[0] > 1
		       : t == TRY_DUMMY       ? di.nrep[0] && !di.nrep[3]
		       : t == TRY_KEEPALIVE   ? di.nrep[0] && !di.nrep[3]
		       : t == TRY_PAD_OVERRUN ? di.nrep[0] && !di.nrep[3]
		       : t == TRY_REORDER     ? di.nrep[1] && !di.nrep[2]
		       : t == TRY_WINDOW_64   ? di.nrep[1] && !di.nrep[2]
		       : t == TRY_AHEAD       ? di.nrep[0] && !di.nrep[3]
		       : t == TRY_PAD_ALLOWED ? di.nrep[0] && !di.nrep[2] && !di.nrep[3]
		       : t == TRY_SEQ_STUCK   ? di.seq_reused > 0
		       : t == TRY_ALIGN       ? di.nrep[1] && di.in.unaligned > 0
		       : t == TRY_OUTER       ? di.nrep[0] && !di.nrep[2]
		       : t == TRY_FRAG        ? di.nrep[0] && !di.nrep[2]
		       : t == TRY_IV          ? di.replies == 0 && di.refused >= 2
		       : t == TRY_CBC_RAGGED  ? di.replies == 0 && di.cbc_ragged >= 2
		       : t == TRY_SHA1_160
		               ? di.replies == 0 && di.refused >= 2 && strstr(di.why, "160-bit")
		       : t == TRY_CBC_IV    ? di.replies == 2 && di.cbc_iv_near >= 1
		       : t == TRY_SPI_FIELD ? di.replies == 0 && di.spi_zero >= 2
		       : t == TRY_SHA2_96
		               ? di.replies == 0 && di.refused >= 2 && strstr(di.why, "96-bit")
		       : t == TRY_ESN
		               ? di.replies == 0 && di.refused >= 2 &&
		                         (strstr(di.why, "ICV") || strstr(di.why, "integrity")) &&
		                         !dr.refused
		               : di.nrep[2] > 0;
	}
	ik_dp_stop(&di);
	ik_dp_stop(&dr);
	return went;
}

static bool esp_replay_taken(struct ik_pair *p)
{
	return esp_try(p, TRY_REPLAY);
}
static bool esp_bad_icv_taken(struct ik_pair *p)
{
	return esp_try(p, TRY_BAD_ICV);
}
static bool esp_spi_taken(struct ik_pair *p)
{
	return esp_try(p, TRY_SPI);
}
static bool esp_dummy_killed(struct ik_pair *p)
{
	return esp_try(p, TRY_DUMMY);
}
/* Quirk keepalive-fatal (RFC 3948 2.3: a NAT-keepalive is ignored): the SA goes with it. */
static bool keepalive_killed(struct ik_pair *p)
{
	return esp_try(p, TRY_KEEPALIVE);
}
static bool esp_reorder_dropped(struct ik_pair *p)
{
	return esp_try(p, TRY_REORDER);
}
/* Quirk esp-no-pad-check (RFC 4303 2.4): a ping padded with zeros comes back. */
static bool esp_bad_pad_taken(struct ik_pair *p)
{
	return esp_try(p, TRY_BAD_PAD);
}
/* Quirk esp-padlen-fatal: a Pad Length past the payload takes the SA with it. */
static bool esp_pad_overrun_killed(struct ik_pair *p)
{
	return esp_try(p, TRY_PAD_OVERRUN);
}
/* Quirk esp-window-32 (RFC 4303 3.4.3, 64 the default): a ping 63 behind is dropped. */
static bool esp_window_narrow(struct ik_pair *p)
{
	return esp_try(p, TRY_WINDOW_64);
}
/* Quirk esp-early-window (RFC 4303 3.4.3): a forged packet far ahead drags the window. */
static bool esp_window_dragged(struct ik_pair *p)
{
	return esp_try(p, TRY_AHEAD);
}
/* Quirk esp-pad-strict (RFC 4303 2.4): 255 octets of padding, and none, are dropped. */
static bool esp_pad_refused(struct ik_pair *p)
{
	return esp_try(p, TRY_PAD_ALLOWED);
}
/* Quirk esp-seq-stuck (RFC 4303 2.2): two replies under one number, both authentic. */
static bool esp_seq_reused(struct ik_pair *p)
{
	return esp_try(p, TRY_SEQ_STUCK);
}
/* Quirk esp-bad-align (RFC 4303 2.4): a GCM reply whose trailer ends off the 4 octets. */
static bool esp_unaligned(struct ik_pair *p)
{
	return esp_try(p, TRY_ALIGN);
}
/* Quirk esp-implicit-iv (RFC 3602 3): the replies come without their CBC IV; the tester, which
 * reads the first block as the IV, refuses both. */
static bool esp_iv_missing(struct ik_pair *p)
{
	return esp_try(p, TRY_IV);
}
/* Quirk esp-sha1-160 (RFC 2404 2): under HMAC-SHA-1 the replies carry all 160 bits of the HMAC;
 * the tester refuses both and names the length (engine/esp/esp.c icv_hint). */
static bool esp_sha1_160(struct ik_pair *p)
{
	return esp_try(p, TRY_SHA1_160);
}
/* Quirk esp-cbc-ragged (RFC 3602 2.4): the AES-CBC replies carry 4 octets past their last block;
 * the tester cannot open them, and counts them by their ICV (suite/esp_cbc.c). */
static bool esp_cbc_ragged(struct ik_pair *p)
{
	return esp_try(p, TRY_CBC_RAGGED);
}
/* Quirk esp-cbc-iv-counter (RFC 3602 3): both replies open, the second's IV two bits at most from
 * the first's (their sequence numbers). */
static bool esp_cbc_iv_counter(struct ik_pair *p)
{
	return esp_try(p, TRY_CBC_IV);
}
/* Quirk esp-esn-icv (RFC 4303 2.2.1, 3.3.2.1): the replies' ICV covers the high-order 32 bits of
 * an ESN nobody negotiated; the tester, which computes it without them, refuses both for their
 * ICV (GCM: their tag), while the responder opened both pings. */
static bool esp_esn_icv(struct ik_pair *p)
{
	return esp_try(p, TRY_ESN);
}
/* Quirk esp-sha2-96 (RFC 4868 2.3): under HMAC-SHA-256 the replies carry a 96-bit ICV; the
 * tester refuses both and names the length (engine/esp/esp.c icv_hint). */
static bool esp_sha2_96(struct ik_pair *p)
{
	return esp_try(p, TRY_SHA2_96);
}
/* Quirk esp-udp-spi-zero (RFC 3948 2.1): behind the simulated NAT the responder's replies carry
 * SPI 0; the initiator's data path knows them by their ICV (suite/datapath.c marked_esp). */
static bool esp_udp_spi_zero(struct ik_pair *p)
{
	return esp_try(p, TRY_SPI_FIELD);
}
/* Quirk esp-seq-zero (RFC 4303 3.4.3, 3.3.3): a ping under sequence number 0 comes back. */
static bool esp_seq_zero_taken(struct ik_pair *p)
{
	return esp_try(p, TRY_SEQ_ZERO);
}
/* Quirk esp-no-reassembly (RFC 4303 3.4.1): a ping that came in IP fragments is dropped. The
 * fragments are cut on a raw socket: a host that refuses one (no CAP_NET_RAW) cannot try it, and
 * the row then reads as the quirk says, with a note. */
static bool esp_frag_dropped(struct ik_pair *p)
{
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		fprintf(stderr, "# esp-no-reassembly: no raw socket (%s), not tried\n",
		        strerror(errno));
		return IK_HAS(p->res.cfg.quirks, ESP_NO_REASSEMBLY);
	}
	close(fd);
	return esp_try(p, TRY_FRAG);
}
/* Quirk esp-outer-check (RFC 4301 4.1): a ping with another outer TOS and TTL is dropped. */
static bool esp_outer_refused(struct ik_pair *p)
{
	return esp_try(p, TRY_OUTER);
}
/* Quirk esp-spi-zero (RFC 4303 2.1): the initiator offers a suite the responder lacks, then its
 * own; the responder chooses proposal 2 and its QM2 gives SPI 0, the initiator's fault. */
static void second_proposal(struct ik_cfg *ci, struct ik_cfg *cr)
{
	(void)cr;
	ci->p2[1] = ci->p2[0];
	ci->p2[0].keylen = 192;
	ci->np2 = 2;
}

static bool spi_zero_given(struct ik_pair *p)
{
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, p->res.p2_up || p->failed || (p->ini.sas && p->ini.sas->fault[0]), 3000);
	return p->ini.sas && strstr(p->ini.sas->fault, "4303 2.1");
}
/* ESP in AES-GCM-16 (RFC 4106), over NAT-T: the stream mode whose alignment is 4 octets. */
static void with_gcm(struct ik_cfg *ci, struct ik_cfg *cr)
{
	ci->natt = cr->natt = true;
	ci->p2[0] = cr->p2[0] = (struct ik_p2_xform){
		.proto = IK_PROTO_ESP, .id = IK_ESP_TRANS_AES_GCM_16, .keylen = 128};
}
/* HMAC-SHA-256 ESP over NAT-T (RFC 4868 2.3: a 128-bit ICV). */
static void with_sha256(struct ik_cfg *ci, struct ik_cfg *cr)
{
	ci->natt = cr->natt = true;
	ci->p2[0] = cr->p2[0] = (struct ik_p2_xform){.proto = IK_PROTO_ESP,
	                                             .id = IK_ESP_TRANS_AES,
	                                             .keylen = 128,
	                                             .auth = IK_P2_AUTH_HMAC_SHA2_256};
}
/* Confidentiality-only ESP over NAT-T: AES-128-CBC without an Authentication Algorithm (RFC 4303
 * 5, RFC 2407 4.5), so no ICV either way. */
static void with_conf_only(struct ik_cfg *ci, struct ik_cfg *cr)
{
	ci->natt = cr->natt = true;
	ci->p2[0] = cr->p2[0] =
		(struct ik_p2_xform){.proto = IK_PROTO_ESP, .id = IK_ESP_TRANS_AES, .keylen = 128};
}
/* Quirk esp-icv-always (RFC 4303 5, 2.8): the replies carry 12 octets of ICV the SA does not
 * have; the tester, which opens them without one, refuses both (as the esp-implicit-iv row). */
static bool esp_icv_sent(struct ik_pair *p)
{
	return esp_try(p, TRY_IV);
}
/* Quirk esp-ignore-selectors (RFC 4301 5.2): a ping from outside IDci is answered. */
static bool esp_outside_answered(struct ik_pair *p)
{
	return esp_try(p, TRY_OUTSIDE);
}
/* Quirk esp-any-dst (RFC 4301 5.2): a ping to an address outside IDcr is answered from there. */
static bool esp_outside_dst_answered(struct ik_pair *p)
{
	return esp_try(p, TRY_OUTSIDE_DST);
}
/* Quirk no-nat-oa (RFC 3947 5.2): UDP-encapsulated transport behind a simulated NAT; the
 * responder's QM2 comes without NAT-OA and the initiator records that as the peer's fault. */
static void natt_transport(struct ik_cfg *ci, struct ik_cfg *cr)
{
	with_natt(ci, cr);
	ci->transport = cr->transport = true;
	ci->nat_sim = true;
}

static bool natoa_missing(struct ik_pair *p)
{
	p->ini.cfg.remote_natt_port = p->res.natt.port;
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, p->p2_up >= 2 || p->failed, 3000);
	const struct ik_sa *si = p->ini.sas;
	return si && si->floated && si->qms && si->qms->chosen.encap == IK_ENCAP_UDP_TRANSPORT &&
	       strstr(si->fault, "3947 5.2");
}

/* Quirk esp-no-lifetime (RFC 4301 4.4.2.1): quick mode agrees on 1 s; the responder's host data
 * path (as serve runs it) answers a ping at once, and one after 1.2 s only with the quirk. */
static void short_p2_life(struct ik_cfg *ci, struct ik_cfg *cr)
{
	with_natt(ci, cr);
	ci->p2_life = cr->p2_life = 1;
}

static bool esp_used_past_lifetime(struct ik_pair *p)
{
	struct ik_datapath di = {0};
	struct ik_status st = {0};
	struct in_addr a = {htonl(0x0a010001)}, b = {htonl(0x0a020001)};
	p->ini.cfg.remote_natt_port = p->res.natt.port;
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, p->p2_up >= 2 || p->failed, 3000);
	const struct ik_sa *si = p->ini.sas, *sr = p->res.sas;
	bool went = false;
	if (si && sr && si->qms && sr->qms && sr->qms->life_s == 1 &&
	    ik_dp_start(&di, &p->ini, si, si->qms, a, b, &st) &&
	    ik_dp_host_add(&p->res, sr, sr->qms, b, a, &st)) {
		di.in.lax |=
			IK_ESP_UNALIGNED; /* as the tester: opened and counted (run_traffic.c) */
		ik_dp_ping(&di, 0, &st);
		SPIN_UNTIL(p, di.replies >= 1, 500);
		SPIN_UNTIL(p, false, 1200);
		ik_dp_ping(&di, 1, &st);
		SPIN_UNTIL(p, di.replies >= 2, 300);
		went = di.nrep[0] && di.nrep[1];
	}
	ik_dp_stop(&di);
	ik_dp_host_free(&p->res);
	return went;
}

/* Quirk esp-seq-no-replay (RFC 4303 2.2, 3.3.3): the responder does no anti-replay and says so in
 * QM2, REPLAY-STATUS 0 (RFC 2407 4.6.3.2); it pings the initiator twice, whose replies, with the
 * quirk, both carry sequence number 1 (taken: the responder checks nothing), else 1 and 2. */
static void responder_no_replay(struct ik_cfg *ci, struct ik_cfg *cr)
{
	with_natt(ci, cr);
	cr->replay_off = true;
}

static bool esp_seq_stopped(struct ik_pair *p)
{
	struct ik_datapath di = {0}, dr = {0};
	struct ik_status st = {0};
	struct in_addr a = {htonl(0x0a010001)}, b = {htonl(0x0a020001)};
	p->ini.cfg.remote_natt_port = p->res.natt.port;
	p->res.cfg.remote_natt_port = p->ini.natt.port; /* the responder's pings go there */
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, p->p2_up >= 2 || p->failed, 3000);
	const struct ik_sa *si = p->ini.sas, *sr = p->res.sas;
	bool went = false;
	if (si && sr && si->qms && sr->qms && si->qms->peer_replay_off &&
	    ik_dp_start(&di, &p->ini, si, si->qms, a, b, &st) &&
	    ik_dp_start(&dr, &p->res, sr, sr->qms, b, a, &st) && !dr.in.replay_on) {
		ik_dp_ping(&dr, 0, &st);
		SPIN_UNTIL(p, dr.replies >= 1, 500);
		ik_dp_ping(&dr, 1, &st);
		SPIN_UNTIL(p, dr.replies >= 2, 500);
		went = dr.replies == 2 && dr.nin_seq == 2 && dr.in_seq[1] == 1;
	}
	ik_dp_stop(&di);
	ik_dp_stop(&dr);
	return went;
}

/* Quirk no-replay-status (RFC 4303 3.4.3 SHOULD, RFC 2407 4.6.3.2): the responder, without
 * anti-replay, completes quick mode without REPLAY-STATUS 0 in its QM2, so the initiator never
 * learns it. */
static bool replay_status_missing(struct ik_pair *p)
{
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, p->p2_up >= 2 || p->failed, 3000);
	const struct ik_sa *si = p->ini.sas;
	return p->p2_up >= 2 && si && si->qms && !si->qms->peer_replay_off;
}

/* Quirk esp-wrong-keys: quick mode completes, then the responder's ESP refuses our pings. */
static bool esp_undecryptable(struct ik_pair *p)
{
	return esp_try(p, TRY_KEYS);
}
/* Quirk esp-seq-gaps: the responder's replies carry 2, 4, ... instead of 1, 2, ... */
static bool esp_seq_skipped(struct ik_pair *p)
{
	return esp_try(p, TRY_SEQ);
}

#endif
