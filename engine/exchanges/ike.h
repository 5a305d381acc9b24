/*
 * The IKEv1 engine: ISAKMP SAs and quick modes, one driver for every exchange and both roles
 * (DESIGN.md "Exchanges"). The exchanges themselves are state tables of steps (xchg_*.c) whose
 * handlers are named after their messages (main_inI1_outR1 ...); this header holds what they
 * share.
 */
#ifndef IK_IKE_H
#define IK_IKE_H

#include "codec.h"
#include "sa_crypto.h"
#include "loop.h"
#include "msg.h"
#include "net.h"
#include "select.h"
#include "where.h"
#include "mutate.h"
#include "quirk.h"
#include "xauth_check.h"
#include "should.h"

#define IK_NONCE_LEN    32 /* RFC 2409 5: nonces of 8 to 256 octets; we send 32 */
#define IK_MAX_ID       256
#define IK_MAX_PEER_IDS 8 /* identities a responder accepts (profile auth.peer_ids) */

/* An identification payload body: RFC 2407 4.6.2 (type, protocol, port, data). */
struct ik_id {
	uint8_t type, proto;
	uint16_t port;
	uint8_t data[IK_MAX_ID];
	size_t len;
};

/* XAUTH (draft-beaulieu-ike-xauth-02) and mode-config (draft-dukes-ike-mode-cfg-02) as one
 * engine plays them after phase 1 (engine/exchanges/xauth.c). */
#define IK_XA_STR        64 /* user names and passwords we keep */
#define IK_XA_MAX_USERS  8
#define IK_XA_MAX_DNS    2
#define IK_CFG_MAX_ATTRS 16

struct ik_xauth_user {
	char name[IK_XA_STR], password[IK_XA_STR];
};

struct ik_xauth_cfg {
	bool client;  /* answer the gateway's XAUTH REQUEST with `me` */
	bool gateway; /* as phase 1 responder, REQUEST user/password and SET the status */
	struct ik_xauth_user me;
	struct ik_xauth_user users[IK_XA_MAX_USERS]; /* the gateway's accepted users */
	size_t nusers;
	bool cfg_client;  /* REQUEST an address (pull) once XAUTH is done, or at once without */
	bool cfg_gateway; /* answer REQUESTs from the pool */
	bool cfg_push;    /* the gateway SETs the address after XAUTH instead of waiting */
	bool cfg_early;   /* the client REQUESTs at once, XAUTH or not (a test of the gateway) */
	/* A tester gateway that SETs XAUTH_STATUS FAIL keeps the SA and takes what the client sends
	 * next, as though it had said OK: does the client stop on its own (draft-beaulieu 6)? */
	bool keep_on_fail;
	/* A gateway REQUESTs this XAUTH_TYPE (6.3; 0: generic, no attribute), with a challenge for
	 * the challenge types: a test of the client (XA-CLI-004) */
	uint16_t req_type;
	/* Tests of a gateway, as its client: REPLY XAUTH_STATUS OK and no credentials (6.2: a REPLY
	 * may carry the status only as FAIL), and take a SET(STATUS=FAIL) as OK and go on, to see
	 * whether the gateway deleted the SA (6) */
	bool reply_status_ok, go_on_fail;
	/* Tests of a client, as its gateway: a transaction REQUEST for user and password sent in
	 * the clear right after main mode message 2 or 4 (0: none), before phase 1 has
	 * authenticated us (xauth-02 10, XA-CLI-013); the first cfg_unanswered copies of the
	 * peer's REQUEST (a client's mode-config REQUEST, a gateway's XAUTH REQUEST) left
	 * unanswered, as if our REPLY were lost, to see how it retransmits (mode-cfg 2, 3.5;
	 * XA-CLI-014, XA-EDGE-019) */
	uint8_t clear_req_after, cfg_unanswered;
	/* A gateway re-runs XAUTH this long after each OK (0: never; xauth-02 6 "MAY be initiated by
	 * the edge device at any time after the initial authentication"); a tester client answers
	 * such a re-authentication with a wrong password (reauth_fail: XAUTH-6-07, the `xauth-reauth`
	 * step); a tester gateway's REPLY with an address carries INTERNAL_ADDRESS_EXPIRY cfg_expiry
	 * seconds (0: only when asked; mode-cfg 3.4, MCFG-3.4-10) */
	uint32_t reauth_s, cfg_expiry;
	bool reauth_fail;
	uint8_t pool[4], netmask[4], dns[IK_XA_MAX_DNS][4];
	size_t ndns;
};

/* One attribute of an ATTR payload (draft-dukes-ike-mode-cfg-02 3.2, RFC 2408 3.3). */
struct ik_cfg_attr {
	uint16_t type;
	bool tv; /* basic (AF=1): the value is v[0..1] */
	uint8_t len;
	uint8_t v[IK_XA_STR];
};

/* An ATTR payload: its message type, identifier and attributes. */
struct ik_cfg_msg {
	uint8_t type;
	uint16_t id;
	struct ik_cfg_attr a[IK_CFG_MAX_ATTRS];
	size_t n;
};

#define IK_XC_NOTE 120 /* what one row of xauth_check.def saw */

/* Where XAUTH and mode-config are on one ISAKMP SA. */
struct ik_xa_state {
	uint16_t id;       /* the XAUTH transaction's identifier (gateway) */
	bool xauth_done;   /* the status was SET and acknowledged */
	bool xauth_ok;     /* ... and it was OK */
	bool fail_said;    /* a gateway SET XAUTH_STATUS FAIL (kept open: keep_on_fail) */
	bool fail_set;     /* a gateway sent SET XAUTH_STATUS FAIL, acknowledged or not */
	bool type_ignored; /* the client answered req_type with a password as generic (6.2) */
	bool fail_taken; /* a client told FAIL went on as told OK (go_on_fail: a test of the gateway) */
	bool cfg_done;      /* an address was handed out / received */
	bool quick_started; /* the client's quick mode went once all this was done */
	bool peer_vid;      /* the peer sent the XAUTH vendor ID in phase 1 (xauth-02 4) */
	bool reauth;        /* a REQUEST for user and password after XAUTH was done (xauth 6) */
	bool reauth_failed; /* ... we, the tester, failed it: the SA kept to see the Deletes */
	char user[IK_XA_STR];
	uint8_t addr[4], netmask[4], dns[IK_XA_MAX_DNS][4];
	uint8_t ndns;     /* a byte, not a size_t: the SA within 2 KiB (tests/test_sa_memory.c) */
	unsigned refused; /* mode-config REQUESTs a gateway refused before XAUTH was done */
	uint32_t early_msgid;   /* the client's REQUEST made before XAUTH was done (0: none) */
	unsigned early_replies; /* addresses a client received for that REQUEST */
	/* the peer's XAUTH messages against xauth_check.def: rows read, rows broken, what each saw;
	 * the gateway peer's REQUESTs (their count, the first identifier, their XAUTH_TYPEs) */
	uint64_t chk_seen, chk_broke;
	char (*chk_note)[IK_XC_NOTE]; /* IK_XC__N notes, allocated at the first check */
	unsigned nreq;
	uint16_t req_id, req_types[4];
	uint32_t req_msgid;
	uint32_t clear_mid;    /* our clear REQUEST before phase 1 was done (xauth_clear.c) */
	struct ik_xa_rtx *rtx; /* the client's mode-config REQUEST copies (xauth_rtx.c) */
	/* xauth_reauth.c: its timers and the address expiry, allocated when one is armed */
	struct ik_xa_later *later;
};

struct ik_creds;
struct ik_trust;

/* What one engine negotiates: the numeric form of a DUT profile seen from our side. */
struct ik_cfg {
	struct sockaddr_storage local, remote;
	socklen_t local_len, remote_len;
	uint16_t natt_port;        /* our NAT-T port (RFC 3947), 0: none */
	uint16_t remote_natt_port; /* the peer's */
	uint8_t psk[256];
	size_t psk_len;
	/* Signature authentication (RFC 2409 5.1), used when the chosen transform's method is
	 * IK_P1_AUTH_RSA_SIG: our certificate and key, and what we trust of a peer's (cert.h).
	 * Owned by the caller; NULL without signatures. */
	const struct ik_creds *creds;
	const struct ik_trust *trust;
	struct ik_id id_local, id_remote; /* phase 1 identities; id_remote.type 0: accept any
					   * well-formed one (profile auth.peer_ids = any) */
	struct ik_id id_remote_also[IK_MAX_PEER_IDS - 1]; /* more accepted peer identities */
	size_t n_id_remote_also;
	bool aggressive;        /* initiate aggressive mode instead of main mode */
	bool am3_encrypted;     /* send AM3 as HDR* (RFC 2409 5 allows it in the clear or not) */
	bool refuse_aggressive; /* as responder: aggressive mode is not in the policy (the DUT
				 * profile's phase1.modes lacks it; RFC 2409 5 makes it optional) */
	struct ik_p1_xform p1[IK_MAX_XFORMS];
	size_t np1;
	uint32_t p1_life;
	enum ik_life_policy p1_policy;
	struct ik_p2_xform p2[IK_MAX_XFORMS];
	size_t np2;
	uint16_t pfs_group;
	uint32_t p2_life, p2_life_kb; /* quick mode lifetime: seconds, and kilobytes (0: none) */
	enum ik_life_policy p2_policy;
	bool transport;
	struct ik_id ts_local, ts_remote; /* quick mode IDci/IDcr (type 0: none sent) */
	bool natt, dpd, initial_contact;
	/* Act on a peer's INITIAL-CONTACT: its other SAs under the same identity end (RFC 2407
	 * 4.6.3.3, RFC 3947 6; initial_contact.c). ikecheck serve does; the tester's engine does
	 * not, so that a DUT restarting in the middle of a case leaves the case's SA to judge. */
	bool ic_delete;
	/* public key encryption (RFC 2409 5.2, 5.3): send HASH(1), the hash of the peer's certificate
	 * we encrypt to, in MM3 / AM1 (a responder with several keys picks its own by it) */
	bool pke_hash1;
	/* signatures: refuse the peer's SIG when none of its phase 1 messages carried a CR (RFC
	 * 2408 3.10 "SHOULD be included"; tester.need_cr, the check of CERT-CR-002) */
	bool need_peer_cr;
	/* signatures: refuse the peer's SIG when a CR it sent is not built as RFC 2408 3.10 / 5.10
	 * say (a type of 3.9, an X.509 authority that is one DER name); tester.check_cr, CERT-CR-007 */
	bool check_peer_cr;
	/* signatures: send SIG without CERT payloads (RFC 2409 5.1 "[ CERT, ]": "One or more
	 * certificate payloads MAY be optionally passed"); the peer must hold our certificate.
	 * tester.send_cert = no, CERT-POS-007 */
	bool no_cert;
	/* A simulated NAT in front of us (a lab without one): our NAT-D for our own address hashes
	 * the next port, as a port-translating NAT makes it differ (RFC 3947 3.2), and we know we
	 * are behind it, so an initiator floats to the NAT-T port (4) and quick mode offers the
	 * UDP-encapsulated modes (5.1). */
	bool nat_sim;
	/* A simulated NAT in front of the peer: our NAT-D for the peer's address hashes the next
	 * port, as if a NAT had translated its port on the way to us (RFC 3947 3.2), so the peer
	 * finds itself behind a NAT and should keep the mapping open with NAT-keepalives (RFC 3948
	 * 4); we know of the NAT too, so an initiator floats (3947 4). tester.simulate_nat = dut. */
	bool nat_sim_peer;
	/* RFC 3947 4: begin phase 1 on the peer's NAT-T port (with the non-ESP marker), as an
	 * initiator that knows of a NAT before it starts; tester.start_on_natt */
	bool natt_start;
	/* RFC 3948 2.2 broken on purpose: IKE on the NAT-T port without the non-ESP marker, which
	 * a receiver must not take for IKE (tester.omit_marker, NATT-013) */
	bool natt_no_marker;
	/* RFC 2407 4.6.3.2: our inbound ESP SAs do no anti-replay, and as quick mode responder our
	 * QM2 says so, REPLAY-STATUS 0 naming our inbound SPI (tester.anti_replay = no; serve:
	 * features.anti_replay = no) */
	bool replay_off;
	/* RFC 3706 5.5: probe a peer (that sent the DPD vendor ID) idle this many seconds with
	 * R-U-THERE, again every delay while unanswered (dpd.c); 0: never (we only answer) */
	uint32_t dpd_delay;
	/* RFC 3948 4: M, the NAT-keepalive interval in ms of an SA whose side is behind a NAT (the
	 * DUT side: natt.keepalive); 0: none sent (keepalive.c) */
	uint32_t keepalive_ms;
	uint32_t retrans_ms;     /* first retransmission after this; then longer each time */
	uint32_t retrans_growth; /* percent each interval grows by (0: 100, doubling; RFC 2408 5.1
				  * asks for increasing intervals, "e.g. exponential backoff") */
	uint32_t retrans_tries;  /* give up after this many retransmissions */
	/* IKEv1 fragmentation (frag.h): enum ik_frag_mode, and the IP datagram size of a fragment
	 * (0: IK_FRAG_SIZE_DEFAULT) */
	uint8_t frag;
	uint16_t frag_size;
	/* the octets of our phase 1 nonces (0: IK_NONCE_LEN); RFC 2409 5 allows 8 to 256, fewer is
	 * a negative case's (a well-encrypted nonce of a forbidden length, suite/cases/rsaenc) */
	uint16_t nonce_len;
	ik_quirks_t
		quirks; /* ikecheck serve --quirk: deliberate non-conformance (engine/mutation/quirk.def) */
	struct ik_xauth_cfg xauth; /* XAUTH and mode-config after phase 1 (xauth.c) */
	/* No message ladder per SA (where.h): a daemon that holds many SAs and writes no report of
	 * them (serve, load) saves its rungs, several hundred octets each (bench/README.md). */
	bool no_ladder;
};

struct ik_engine;
struct ik_sa;
struct ik_mut_state;

/* An R-U-THERE the peer sent us (RFC 3706 5.3), as dpd.c judged it. */
struct ik_dpd_query {
	uint32_t msgid, seq, doi;
	uint8_t spi_len;
	bool cookies; /* the SPI is CKY-I | CKY-R of this ISAKMP SA */
	bool acked;   /* we answered it with R-U-THERE-ACK */
};
#define IK_DPD_RX 8

/* One quick mode (or informational) exchange under an ISAKMP SA, keyed by message ID. */
struct ik_qm {
	struct ik_sa *sa;
	enum ik_who role;
	bool tx; /* a transaction exchange (type 6), not a quick mode: in sa->txs */
	struct ik_cfg_msg tx_out, tx_in; /* its ATTR payloads: what we sent, what came */
	uint8_t cfgq; /* a query of ours (ik_cfg_query, IK_CFGQ_*): its answer is judged, not used */
	uint32_t msgid;
	int msg; /* last message number done */
	bool established;
	struct ik_qm_keys k;
	struct ik_p2_xform offers[IK_MAX_XFORMS];
	size_t noffers;
	struct ik_p2_xform chosen;
	uint32_t spi_in, spi_out; /* ours (inbound) and the peer's */
	uint32_t life_s,
		life_kb; /* the SA's lifetime: seconds, kilobytes (0: none; RFC 2407 4.5) */
	bool lowered;    /* responder lowered the lifetime (RESPONDER-LIFETIME) */
	/* RFC 2407 4.6.3.2: the responder's QM2 said REPLAY-STATUS 0 for this SA (it will not
	 * check our sequence numbers; RFC 4303 3.3.3: we still count them) */
	bool peer_replay_off;
	bool peer_deleted; /* the peer sent a Delete naming this IPsec SA (info.c) */
	struct ik_id idci, idcr;
	bool have_ids;
	struct ik_wr
		last_out; /* for retransmission (initiator) and replay of replies (responder) */
	uint64_t rtx_timer;
	uint32_t rtx_count;
	uint8_t last_in[32]; /* digest of the last message received: spots retransmissions */
	struct ik_qm *next;
};

/*
 * The part of an ISAKMP SA only phase 1 reads (RFC 2409 5): the crypto of the handshake (KE values,
 * nonces, DH pair, SAi_b), the transforms offered or received (RFC 2408 4.2: a reply is checked
 * against them) and the identities as hashed and checked. Allocated with the SA, wiped and freed
 * right after IK_EV_P1_UP (the event's handlers may still read it) or when phase 1 fails:
 * an idle SA a gateway holds keeps none of it (bench/README.md "bytes per idle SA").
 */
struct ik_hs {
	struct ik_p1_hs k;
	struct ik_p1_xform offers[IK_MAX_XFORMS];
	size_t noffers;
	struct ik_id id_peer;
	/* ID payload bodies as on the wire (IDii_b / IDir_b of RFC 2409 5): aggressive mode hashes
	 * an ID that is not in the message carrying the HASH. */
	uint8_t id_mine_b[IK_MAX_ID + 4], id_peer_b[IK_MAX_ID + 4];
	size_t id_mine_len, id_peer_len;
	char peer_cr_bad[256]; /* why the first ill-built CR of the peer is (check_peer_cr) */
};

struct ik_sa {
	struct ik_engine *eng;
	enum ik_who role;
	enum ik_xchg xchg; /* IK_X_MAIN or IK_X_AGGR */
	int msg;           /* last phase 1 message number done */
	bool established, dead;
	uint8_t icookie[8], rcookie[8];
	struct sockaddr_storage peer;
	bool floated; /* moved to the NAT-T port (RFC 3947 4) */
	struct sockaddr_storage
		peer_ike; /* where the peer was before the float (quirks natt-info-500, natt-new-500-ignored) */
	struct ik_hs *hs; /* NULL once phase 1 is over (up or failed) */
	struct ik_p1_xform chosen;
	uint32_t life_s;
	bool life_notify; /* send RESPONDER-LIFETIME for phase 1 (lenient policy) */
	struct ik_sa_keys k;
	/* RFC 3947 / draft NAT-T and RFC 3706 DPD as negotiated by vendor IDs */
	uint8_t natt_method; /* 0 none; IK_NATT_RFC, IK_NATT_DRAFT02, IK_NATT_DRAFT03 */
	bool nat_here, nat_there;
	bool peer_dpd;
	bool peer_frag;  /* the peer sent the FRAGMENTATION vendor ID (frag.h) */
	bool peer_cr;    /* the peer sent a CR in a phase 1 message so far (RFC 2408 3.10) */
	bool ic_seen;    /* its phase 1 carried INITIAL-CONTACT (initial_contact.c) */
	bool dpd_replay; /* a replay of dpd_seq0 is out, its ACK not yet seen */
	bool dpd_took;   /* dpd_taken holds a query (below) */
	uint32_t dpd_seq;
	uint32_t dpd_seq0;    /* the first number of ours the peer ACKed (ik_send_dpd_replay) */
	uint32_t dpd_unacked; /* R-U-THEREs sent since the last ACK: retries of one query */
	uint64_t dpd_timer;   /* cfg.dpd_delay: our next look at the SA's idleness (dpd.c) */
	/* The peer's phase 1 identity (type and data) folded to 64 bits, 0 before phase 1 is up:
	 * whose SAs its INITIAL-CONTACT ends (initial_contact.c). */
	uint64_t peer_tag;
	uint64_t rx_ms; /* the peer's last authenticated message (its idle period) */
	/* RFC 3948 4 (keepalive.c): when we last sent this SA's peer an IKE message or a
	 * NAT-keepalive, and the timer of our next look at it (cfg.keepalive_ms) */
	uint64_t tx_ms, ka_timer;
	/* The peer's R-U-THEREs: the first IK_DPD_RX, the last, how many; dpd_ack_skip: how many
	 * of the next ones to leave unanswered (a tester asking for a retransmission) */
	struct ik_dpd_query dpd_rx[IK_DPD_RX], dpd_last;
	unsigned n_dpd_rx, dpd_ack_skip;
	/* The last one we took (its checks passed), whose number the next must follow (RFC 3706
	 * 6.2): a refused one (a replay, one in the clear) does not move it. */
	struct ik_dpd_query dpd_taken;
	struct ik_wr last_out;
	uint64_t rtx_timer;
	uint32_t rtx_count;
	uint8_t last_in[32];
	struct ik_ladder ladder;
	/* An encrypted informational that came before phase 1 was complete (MM6 lost and resent):
	 * its IV derives from the last phase 1 block (RFC 2409 App. B), so it is held, not
	 * dropped, and read once phase 1 is done (ik_info_hold). NULL when none. */
	struct ik_dgram *held_info;
	uint64_t held_timer;
	/* The first MUST the peer broke in what it sent us, as its initiator (a reply SA that modifies
	 * our offer, a malformed RESPONDER-LIFETIME): the runner fails the case on it whatever the
	 * case asked (docs/verdicts.md 6). "" when none. */
	char fault[200];
	/* The peer chose a transform we broke on purpose (suite/verdict.c: not what "established"
	 * asks for). "" when it did not. */
	char chose_broken[160];
	/* The SHOULDs of should.def the peer kept or broke in what it sent (ik_sa_should): a case
	 * citing a broken row WARNs (docs/verdicts.md 6). */
	struct ik_should_state sh;
	struct ik_status st;   /* why it failed */
	struct ik_xa_state xa; /* XAUTH and mode-config (xauth.c) */
	struct ik_qm *txs;     /* transaction exchanges (draft-dukes-ike-mode-cfg-02 3.1) */
	struct ik_qm *qms;
	struct ik_sa *next;
	/* The engine's index by initiator cookie (ike.c): the next SA in its bucket, the cookie it
	 * is filed under, and whether it is filed (not yet, for a responder's SA until
	 * ik_sa_set_icookie names the peer's cookie). */
	struct ik_sa *icky_next;
	uint8_t icky_key[8];
	bool indexed;
};

enum { IK_NATT_NONE, IK_NATT_DRAFT02, IK_NATT_DRAFT03, IK_NATT_RFC };

/* Where phase 1 and a quick mode are, as the states of where.h (messages.def). */
static inline enum ik_state ik_sa_state(const struct ik_sa *sa)
{
	return ik_state_of(sa->xchg, sa->msg);
}

/* A quick mode or a transaction exchange (both are keyed by message ID under their SA). */
static inline enum ik_xchg ik_qm_xchg(const struct ik_qm *qm)
{
	return qm->tx ? IK_X_TRANS : IK_X_QUICK;
}

static inline enum ik_state ik_qm_state(const struct ik_qm *qm)
{
	return ik_state_of(ik_qm_xchg(qm), qm->msg);
}

/* What the engine tells its user (connect, serve, the runner, tests). */
enum ik_event {
	IK_EV_P1_UP,     /* ISAKMP SA established */
	IK_EV_P2_UP,     /* quick mode done: IPsec SA pair negotiated */
	IK_EV_FAILED,    /* sa->st says why and where */
	IK_EV_NOTIFY,    /* a notify arrived (sa->st.notify holds its type) */
	IK_EV_DELETE,    /* the peer deleted an SA */
	IK_EV_DPD_ACK,   /* R-U-THERE-ACK received */
	IK_EV_DPD_QUERY, /* the peer's R-U-THERE received (sa->dpd_last) */
	IK_EV_XAUTH,     /* XAUTH ended: sa->xa.xauth_ok says how (draft-beaulieu-ike-xauth-02 5) */
	IK_EV_MODECFG,   /* mode-config handed out / received an address (sa->xa.addr) */
	IK_EV_CFGQ,      /* a query of ik_cfg_query was answered (qm->tx_in) */
};

struct ik_engine {
	struct ik_cfg cfg;
	struct ik_loop *loop;
	struct ik_sock sock, natt;
	struct ik_sa *sas;
	void (*on_event)(struct ik_engine *e, struct ik_sa *sa, struct ik_qm *qm, enum ik_event ev);
	void *user;
	/* Sees every IKE message sent or received (without the non-ESP marker): pcaps, golden
	 * transcripts. local_port tells the NAT-T port from port 500. */
	void (*tap)(struct ik_engine *e, bool sent, const struct sockaddr_storage *peer,
	            uint16_t local_port, const uint8_t *p, size_t len);
	/* UDP-encapsulated ESP that arrived on the NAT-T port (RFC 3948 2.1), for the caller's ESP
	 * SAs (engine/esp/), and NAT-keepalives (d->kind says which); NULL: dropped, as an
	 * engine without a data path must. */
	void (*esp_in)(struct ik_engine *e, const struct ik_dgram *d);
	void *esp_arg; /* the caller's, for esp_in */
	/* RFC 3948 2.1: ESP whose SPI field is 0 arrives on the NAT-T port as an IKE message after a
	 * non-ESP marker. Shown each one (marker stripped) that does not look like an IKE header,
	 * the caller's data path claims (true) what authenticates under one of its inbound SAs:
	 * the peer's ESP under SPI 0, its fault. NULL: every such datagram is IKE. */
	bool (*esp_marked)(struct ik_engine *e, const struct ik_dgram *d);
	/* Sees every ESP packet sent or received on the NAT-T port (case pcaps show the data path). */
	void (*esp_tap)(struct ik_engine *e, bool sent, const struct sockaddr_storage *peer,
	                const uint8_t *p, size_t len);
	/* Sees every datagram that arrives, on either port, before anything reads it (d->kind and
	 * d->local_port say what and where): the tester hears NAT-keepalives wherever they come. */
	void (*rx_tap)(struct ik_engine *e, const struct ik_dgram *d);
	bool quiet;      /* no log lines on stderr */
	bool auto_quick; /* as initiator, start quick mode when phase 1 is up */
	/* Deliberate deviations (engine/mutation/mutate.h), owned by the caller; the engine counts in them
	 * what it applied. */
	struct ik_mutation *mut;
	size_t nmut;
	struct ik_mut_state *mst; /* the engine's own bookkeeping for them (mutate_apply.c) */
	unsigned sa_count, p1_up, p2_up;
	uint32_t xa_leases; /* mode-config addresses handed out from the pool (xauth.c) */
	/* ISAKMP SAs by initiator cookie, so that finding the SA of a message does not walk every SA
	 * the engine holds (a gateway holding 100,000; ik_sa_find): buckets of SAs chained newest
	 * first, a power of two of them; the SAs not filed yet are looked for the old way. */
	struct ik_sa **icky;
	size_t icky_cap, icky_n, icky_unfiled;
	/* ISAKMP SAs marked dead since the caller last reaped (suite/run_engine.c ik_run_reap walks
	 * the list only when this is not 0); whoever sets sa->dead counts it here. */
	unsigned ndead;
	bool wedged; /* quirk die-on-refusal fired: nothing in, nothing out from now on */
	/* Datagrams our host refused to send (treated as lost: retransmitted), and the last such
	 * refusal, e.g. "ik_sock_send: to ...: Operation not permitted". */
	unsigned send_errors;
	char send_error[120];
	bool send_failed; /* the latest datagram was one of those (the ladder notes it) */
	/* The datagram being handed to the tap carries a build mutation (its octets are broken on
	 * purpose): the runner keeps its wire identity to recognise an answer to it. */
	bool tx_broken;
	/* IKEv1 fragments (frag.h, frag_io.c): incomplete sets received (NULL until the first
	 * fragment), the frag[N] mutations of the transmission under way and those that took effect
	 * (mutate_xmit.c), and how many fragments the message sent or taken last came in (0: one
	 * datagram), for the ladder. */
	struct ik_frag_table *frags;
	unsigned frag_mask, frag_done;
	unsigned tx_frags, rx_frags;
};

/* Open the sockets (cfg.local and cfg.natt_port) and hook them on the loop. */
bool ik_engine_init(struct ik_engine *e, const struct ik_cfg *cfg, struct ik_loop *loop,
                    struct ik_status *st);
void ik_engine_free(struct ik_engine *e); /* frees every SA, wipes every key */
/* The tester behind a NAT whose mapping changed (RFC 3947 7): our NAT-T socket moves to a new
 * port the system picks; the old one, no longer polled, goes to old (the caller closes it). */
bool ik_engine_natt_move(struct ik_engine *e, struct ik_sock *old, struct ik_status *st);
/* Start phase 1 as initiator towards cfg.remote (main or aggressive mode by cfg.aggressive). */
struct ik_sa *ik_initiate(struct ik_engine *e);
/* Start a quick mode on an established ISAKMP SA. */
struct ik_qm *ik_quick_initiate(struct ik_sa *sa);
/* Start a transaction exchange carrying msg (draft-dukes-ike-mode-cfg-02 3.1), as its initiator. */
struct ik_qm *ik_trans_initiate(struct ik_sa *sa, const struct ik_cfg_msg *msg);
/* A mode-config query of the suite's `cfg` step (docs/xauth.md): msg as it is, with the flaws asked
 * for (IK_CFGQ_OVERRUN: its last attribute's Length says 4 octets more than follow, 3.2;
 * IK_CFGQ_TWO_ATTR: the ATTR payload twice, 3.1.1; IK_CFGQ_SUGGEST: msg's attributes already
 * carry values, suggestions of the client, 2). Any
 * answer ends it (IK_EV_CFGQ) and is only judged (cfg_check.def), never taken. */
enum { IK_CFGQ_QUERY = 1, IK_CFGQ_OVERRUN = 2, IK_CFGQ_TWO_ATTR = 4, IK_CFGQ_SUGGEST = 8 };
struct ik_qm *ik_cfg_query(struct ik_sa *sa, const struct ik_cfg_msg *msg, unsigned flaws);
/* A client's mode-config REQUEST now, XAUTH done or not (the suite's `modecfg` step). */
void ik_xa_request_cfg(struct ik_sa *sa);
/* The REPLY held back (cfg_unanswered: to a client's mode-config or a gateway's XAUTH REQUEST)
 * went at last. */
bool ik_xa_rtx_answered(const struct ik_sa *sa);
/* The `xauth-reauth` step (xauth_reauth.c): row XAUTH-6-07 judged from the Deletes that came
 * after the gateway failed our re-authentication; and whether a gateway's
 * INTERNAL_ADDRESS_EXPIRY was judged yet (renewed in time, or run out: MCFG-3.4-10). */
void ik_xa_reauth_judge(struct ik_sa *sa);
bool ik_xa_expiry_judged(const struct ik_sa *sa);
/* Send an informational exchange: a notify (type, with SPI if spi_len) or a delete. */
/* The same under a message ID of the caller's (quirk info-qm-mid: that of a quick mode). */
bool ik_send_notify_mid(struct ik_sa *sa, uint32_t msgid, uint16_t type, uint8_t proto,
                        const uint8_t *spi, size_t spi_len, const uint8_t *data, size_t dlen);
bool ik_send_notify(struct ik_sa *sa, uint16_t type, uint8_t proto, const uint8_t *spi,
                    size_t spi_len, const uint8_t *data, size_t dlen);
bool ik_send_delete(struct ik_sa *sa, uint8_t proto, const uint8_t *spis, size_t spi_len,
                    uint16_t count);
/* One IPsec SA (our inbound SPI); every established one and then the ISAKMP SA. */
bool ik_send_delete_qm(struct ik_sa *sa, const struct ik_qm *q);
bool ik_send_delete_all(struct ik_sa *sa);
/* RFC 3706 5: send R-U-THERE with the next sequence number; IK_EV_DPD_ACK when answered. */
bool ik_send_dpd(struct ik_sa *sa);
/* The step `dpd replay` (RFC 3706 6.2): the first number of ours the peer answered, again, once
 * a later query was answered too, in a new protected informational (a new message ID, a valid
 * HASH); IK_EV_DPD_ACK if answered. */
bool ik_send_dpd_replay(struct ik_sa *sa);
/* Send one UDP-encapsulated ESP packet (no non-ESP marker, RFC 3948 2.1) from the NAT-T port.
 * The tap stays IKE only: the caller that owns the ESP SAs records its own packets. */
bool ik_engine_send_esp(struct ik_engine *e, const struct sockaddr_storage *to, const uint8_t *p,
                        size_t len, struct ik_status *st);
/* The same with the outer IP header's TOS and TTL set for this packet (0: as usual): the ICV
 * does not cover them (RFC 4303 2), nor may a receiver validate the DSCP (RFC 4301 4.1). */
bool ik_engine_send_esp_marked(struct ik_engine *e, const struct sockaddr_storage *to,
                               const uint8_t *p, size_t len, uint8_t tos, uint8_t ttl,
                               struct ik_status *st);
/* The same as IPv4 fragments of at most frag octets of UDP each, on a raw socket (CAP_NET_RAW):
 * the peer must reassemble it before ESP processing (RFC 4303 3.4.1). */
bool ik_engine_send_esp_fragments(struct ik_engine *e, const struct sockaddr_storage *to,
                                  const uint8_t *p, size_t len, size_t frag, struct ik_status *st);
/* Send one NAT-keepalive (RFC 3948 2.3: a single octet 0xFF, from the NAT-T port to the port
 * UDP-ESP goes to) to keep a NAT mapping open; the ESP tap sees it. */
bool ik_engine_send_keepalive(struct ik_engine *e, const struct sockaddr_storage *to,
                              struct ik_status *st);
/* Feed one received IKE datagram (the socket callbacks do this; tests may call it directly). */
void ik_engine_input(struct ik_engine *e, const struct ik_dgram *d);
/* Log a line (prefixed with the function name by the IK_LOG macro) unless quiet. */
void ik_log(const struct ik_engine *e, const char *fn, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define IK_LOG(e, ...) ik_log(e, __func__, __VA_ARGS__)

#endif
