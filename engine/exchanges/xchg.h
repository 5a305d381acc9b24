/*
 * The exchanges as state tables (DESIGN.md "Exchanges"): the handlers column of messages.def
 * gives each message the step that builds it and an exchange's last message the step that takes
 * it, named after its messages as Libreswan and isakmpd do (main_inI1_outR1 = responder receives
 * the initiator's first message and sends its own first). One driver (ike.c) runs every step in
 * both roles.
 */
#ifndef IK_XCHG_H
#define IK_XCHG_H

#include "ike.h"
#include "rules.h"

/* What a handler sees of a received message: the decoded plaintext tree and the bytes its node
 * offsets point into (so HASH inputs are the exact octets that were on the wire). */
struct ik_in {
	struct ik_msg m;
	const uint8_t *body; /* plaintext payload chain */
	size_t len;
	const struct ik_dgram *d;
	bool made_up; /* quirk answer-unparsed: made up from our own side (no SIG to check) */
};

/* Build the reply (or the first message) in out; false with st set to refuse the message. */
typedef bool (*ik_handler)(struct ik_sa *sa, struct ik_qm *qm, struct ik_in *in, struct ik_msg *out,
                           struct ik_status *st);
/* After encoding: patch what depends on the encoded octets (HASH payloads) in plain. dec is
 * plain decoded again, so node offsets locate every payload. */
typedef bool (*ik_filler)(struct ik_sa *sa, struct ik_qm *qm, uint8_t *plain, size_t len,
                          const struct ik_msg *dec, struct ik_status *st);

struct ik_step {
	enum ik_xchg xchg;
	enum ik_who role; /* who runs this step */
	int in;           /* message received (0: the step starts the exchange) */
	int out;          /* message sent (0: none; the exchange is complete) */
	ik_handler fn;
	ik_filler fill;
	const char *name;
};

const struct ik_step *ik_step_find(enum ik_xchg x, enum ik_who role, int in);

/* Handlers (xchg_main.c, xchg_aggr.c, xchg_quick.c), declared from messages.def. */
#define BUILD(fn, fill)                                                          \
	bool fn(struct ik_sa *, struct ik_qm *, struct ik_in *, struct ik_msg *, \
	        struct ik_status *);
#define LAST(fn)                                                           BUILD(fn, NULL)
#define MSG(state, name, x, n, sender, enc, payloads, ios, hint, handlers) handlers
#include "messages.def"
#undef MSG
#undef LAST
#undef BUILD
bool ik_fill_hash_i(struct ik_sa *, struct ik_qm *, uint8_t *, size_t, const struct ik_msg *,
                    struct ik_status *);
bool ik_fill_hash_r(struct ik_sa *, struct ik_qm *, uint8_t *, size_t, const struct ik_msg *,
                    struct ik_status *);
bool ik_fill_qm_hash(struct ik_sa *, struct ik_qm *, uint8_t *, size_t, const struct ik_msg *,
                     struct ik_status *);
bool ik_fill_tx_hash(struct ik_sa *, struct ik_qm *, uint8_t *, size_t, const struct ik_msg *,
                     struct ik_status *);
/* XAUTH and mode-config over transactions (xauth.c). ik_xa_answer: what to answer the TX1 in
 * qm->tx_in, into qm->tx_out (false: refused, st says why); ik_xa_complete: what follows a
 * finished transaction; ik_xa_p1_up: phase 1 is up, start what comes first (true: quick mode
 * waits for it); ik_xa_blocks_quick: a gateway whose XAUTH is not done takes no quick mode. */
bool ik_xa_answer(struct ik_sa *sa, struct ik_qm *qm, struct ik_status *st);
void ik_xa_complete(struct ik_sa *sa, struct ik_qm *qm);
bool ik_xa_p1_up(struct ik_sa *sa);
bool ik_xa_blocks_quick(const struct ik_sa *sa);
/* Whether an ATTR payload carries an XAUTH attribute (16520-16529, draft-beaulieu-ike-xauth-02
 * 6.2): an XAUTH transaction rather than mode-config (xauth.c). */
bool ik_cfg_has_xauth(const struct ik_cfg_msg *c);
/* The peer's XAUTH messages against xauth_check.def (xauth_check.c): ik_xa_check_msg a
 * transaction message it sent (qm: its transaction, m: what it said), ik_xa_check_hash_bad one
 * whose HASH did not verify, ik_xa_check_p1 its phase 1 once up; ik_cfg_find an attribute. */
void ik_xa_check_msg(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m);
void ik_xa_check_hash_bad(struct ik_sa *sa, uint32_t msgid);
void ik_xa_check_p1(struct ik_sa *sa);
const struct ik_cfg_attr *ik_cfg_find(const struct ik_cfg_msg *c, uint16_t type);
/* The rows of xauth_check.def and cfg_check.def: the peer's messages each reads (XC_P1 its phase
 * 1, XC_TX every transaction message, XC_REQ / XC_SET the gateway's XAUTH REQUEST / SET, XC_ACK
 * the client's ACK of our SET, XC_CFG the answer to a mode-config REQUEST of ours, XC_CREQ the
 * client's mode-config REQUEST to us, XC_ANS the client's REPLY or ACK to an XAUTH message of
 * ours, XC_CACK its ACK of our mode-config SET) and the function that reads one: false when it
 * breaks the rule, what it saw in note. */
enum {
	XC_P1 = 1,
	XC_TX = 2,
	XC_REQ = 4,
	XC_SET = 8,
	XC_ACK = 16,
	XC_CFG = 32,
	XC_CREQ = 64,
	XC_ANS = 128,
	XC_CACK = 256 /* the client's ACK of a mode-config SET of ours (push) */
};
typedef bool ik_chk_fn(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m,
                       char *note, size_t n);
#define XCHK(id, req, from, fn) ik_chk_fn fn;
#include "cfg_check.def"
#undef XCHK
/* "XAUTH_USER_NAME (empty), XAUTH_MESSAGE (12 octets)": the attributes of m that keep keeps (all
 * with NULL), into out; "no attributes" for none. */
void ik_cfg_attr_list(const struct ik_cfg_msg *m, bool (*keep)(uint16_t), char *out, size_t n);
/* The peer sent a new message under the message ID of a finished transaction (ike_in.c tx_of):
 * MCFG-3.1.1-02 broken (cfg_check.c). */
void ik_xa_check_mid_reuse(struct ik_sa *sa, uint32_t msgid);
/* The client's side of mode-config (cfg_client_check.c): a quick mode of the peer begins on sa
 * (before qm_of makes it), a transaction of the peer came in the clear. */
void ik_xa_check_quick(struct ik_sa *sa);
void ik_xa_check_clear(struct ik_sa *sa, uint32_t msgid);
/* Row i broken by what no message read shows, with what was seen (xauth_check.c). */
void ik_xa_row_broke(struct ik_sa *sa, unsigned i, const char *note);
/* Row i kept so far, with what was seen (a row read by a hook, not by a message). */
void ik_xa_row_kept(struct ik_sa *sa, unsigned i, const char *note);
/* Re-authentication and address expiry (xauth_reauth.c): a gateway arms its re-run of XAUTH
 * after an OK, and tears the SAs down when one fails; a client keeps the SA after a
 * re-authentication it failed on purpose and judges the Deletes (XAUTH-6-07); a client renews
 * its address before an INTERNAL_ADDRESS_EXPIRY; a gateway that handed one out judges whether
 * the client renewed in time (MCFG-3.4-10). */
void ik_xa_login_request(struct ik_sa *sa);
void ik_xa_reauth_arm(struct ik_sa *sa);
void ik_xa_reauth_failed(struct ik_sa *sa);
void ik_xa_renew_arm(struct ik_sa *sa, const struct ik_cfg_msg *reply);
void ik_xa_expiry_put(struct ik_sa *sa, const struct ik_cfg_msg *asked, struct ik_cfg_msg *out);
void ik_xa_timers_cancel(struct ik_sa *sa); /* and frees them */
/* A peer's REQUEST retransmissions (xauth_rtx.c: the client's mode-config REQUEST, the
 * gateway's XAUTH REQUEST): a copy of the transaction q
 * arrived (same: the octets of its first; true: q is such a REQUEST), and whether our REPLY to it is held back (tester
 * cfg_unanswered: the REPLY "lost"); the quirk tx-rtx-new-mid's retransmission. */
bool ik_xa_rtx_copy(struct ik_sa *sa, const struct ik_qm *q, bool same);
bool ik_xa_rtx_hold(struct ik_sa *sa, const struct ik_qm *q);
bool ik_xa_rtx_new_mid(struct ik_sa *sa, struct ik_qm *q);
/* A transaction before phase 1 was done (xauth_clear.c): our clear REQUEST after MM2 / MM4 as a
 * gateway testing its client (XAUTH-10-01), and what the peer sends in the exchange type 6
 * before phase 1 is up (judged; the quirk xauth-clear-reply answers it). */
void ik_xa_clear_request(struct ik_sa *sa, int msgno);
void ik_xa_clear_in(struct ik_sa *sa, const struct ik_msg *m, const struct ik_dgram *d);
/* An ATTR payload to and from its neutral form (xchg_trans.c). */
bool ik_cfg_msg_add(struct ik_msg *out, const struct ik_cfg_msg *c);
bool ik_cfg_msg_read(const struct ik_msg *m, struct ik_cfg_msg *c, struct ik_status *st);

/* Shared phase 1 work (phase1.c): the parts main and aggressive mode have in common. */
bool ik_p1_auth_psk(uint16_t auth); /* PSK, or XAUTH over PSK (draft-beaulieu 7.2) */
bool ik_p1_auth_sig(uint16_t auth); /* RSA-SIG or DSS-SIG (RFC 2409 5.1, Appendix A 3, 2) */
bool ik_p1_offer(struct ik_sa *sa, struct ik_msg *out); /* SA + our vendor IDs */
bool ik_p1_choose(struct ik_sa *sa, struct ik_in *in, struct ik_msg *out, struct ik_status *st);
bool ik_p1_accept_reply(struct ik_sa *sa, struct ik_in *in, struct ik_status *st);
bool ik_p1_add_ke_nonce(struct ik_sa *sa, struct ik_msg *out, struct ik_status *st);
bool ik_p1_take_ke_nonce(struct ik_sa *sa, struct ik_in *in, struct ik_status *st);
/* The same checks on a KE and nonce given as octets (decrypted, RFC 2409 5.2 / 5.3). */
bool ik_p1_take_ke_nonce_raw(struct ik_sa *sa, const uint8_t *ke, size_t ke_len, const uint8_t *no,
                             size_t no_len, struct ik_status *st);
bool ik_p1_add_id(struct ik_sa *sa, struct ik_msg *out);
bool ik_p1_take_id(struct ik_sa *sa, struct ik_in *in, struct ik_status *st);
bool ik_p1_take_id_body(struct ik_sa *sa, const uint8_t *b, size_t len, struct ik_status *st);
bool ik_p1_add_hash(struct ik_msg *out, size_t len); /* placeholder, filled after encoding */
bool ik_p1_check_hash(struct ik_sa *sa, struct ik_in *in, bool initiator_hash,
                      struct ik_status *st);
void ik_p1_vids(struct ik_sa *sa, struct ik_in *in); /* note NAT-T / DPD vendor IDs */
/* HASH_I (initiator_hash) or HASH_R of RFC 2409 5 into out (the PRF's length). */
bool ik_p1_hash(struct ik_sa *sa, bool initiator_hash, uint8_t *out, struct ik_status *st);
/* The same with the HMAC of mac (NULL: the prf), keyed by SKEYID (RFC 2409 5.1, DSS). */
bool ik_p1_hash_mac(struct ik_sa *sa, bool initiator_hash, const struct ik_hash_alg *mac,
                    uint8_t *out, struct ik_status *st);
/* Signature authentication (phase1_sig.c, RFC 2409 5.1). ik_p1_sig: the chosen transform's
 * method is RSA or DSS signatures; ik_p1_sig_ready: cfg has credentials with a key and a trust. */
bool ik_p1_sig(const struct ik_sa *sa);
bool ik_p1_sig_ready(const struct ik_cfg *c);
bool ik_p1_add_cr(struct ik_sa *sa, struct ik_msg *out, struct ik_status *st); /* sig only */
/* The peer's CRs: accepted (RFC 2408 3.10); quirk cr-strict refuses one it cannot answer. */
bool ik_p1_take_cr(struct ik_sa *sa, struct ik_in *in, struct ik_status *st);
/* HASH (PSK) or [CERT,] SIG (signatures), filled after encoding (ik_fill_hash_i / _r). */
bool ik_p1_add_auth(struct ik_sa *sa, struct ik_msg *out, struct ik_status *st);
bool ik_p1_fill_sig(struct ik_sa *sa, bool initiator_hash, uint8_t *plain, const struct ik_msg *dec,
                    struct ik_status *st);
/* HASH_I / HASH_R (PSK) or the peer's certificate, identity and SIG (signatures). */
bool ik_p1_check_auth(struct ik_sa *sa, struct ik_in *in, bool initiator_hash,
                      struct ik_status *st);
bool ik_p1_sig_id(struct ik_sa *sa, struct ik_id *id);       /* DN from our certificate */
void ik_p1_saw_cr(struct ik_sa *sa, const struct ik_in *in); /* sa->peer_cr */
/* Public key encryption (phase1_enc.c, RFC 2409 5.2 and the revised mode of 5.3). ik_p1_enc:
 * the chosen method is either, ik_p1_enc_rev the revised one; ik_p1_enc_ready: cfg has our key
 * and the peer's certificate. ik_p1_enc_add / _take: the KE, nonce and ID of MM3 / MM4 (AM1 /
 * AM2) encrypted / decrypted and checked. ik_p1_rules_auth: the message rules to check by
 * (rules.h), the chosen method or, before the choice is read, the one offered. */
bool ik_p1_enc(const struct ik_sa *sa);
bool ik_p1_enc_rev(const struct ik_sa *sa);
bool ik_p1_enc_ready(const struct ik_cfg *c);
enum ik_rules_auth ik_p1_rules_auth(const struct ik_sa *sa);
bool ik_p1_enc_add(struct ik_sa *sa, struct ik_msg *out, struct ik_status *st);
bool ik_p1_enc_take(struct ik_sa *sa, struct ik_in *in, struct ik_status *st);
bool ik_natd_add(struct ik_sa *sa, struct ik_msg *out, struct ik_status *st);
void ik_natd_check(struct ik_sa *sa, struct ik_in *in);
void ik_p1_done(struct ik_sa *sa); /* driver: phase 1 complete */
/* Quirk answer-unparsed (engine/exchanges/ike_in.c): the payloads of the message a responder waits for,
 * made up from its own side -- MM1/AM1 its first proposal (AM1 with a KE, nonce and the identity
 * it expects), MM3 a KE and a nonce of its own, MM5 the identity it expects and the HASH_I that
 * verifies (under signatures the identity alone, taken as authenticated); QM1 its first
 * proposal, a nonce, a KE if it wants PFS, its client IDs mirrored and a placeholder HASH(1)
 * (filled once encoded). */
bool ik_p1_fake_input(struct ik_sa *sa, int msgno, struct ik_msg *m, struct ik_status *st);
bool ik_qm_fake_input(struct ik_sa *sa, struct ik_qm *qm, struct ik_msg *m, struct ik_status *st);
void ik_natt_follow(struct ik_sa *sa, const struct ik_dgram *d);
/* RFC 3947 4: as responder, after a NAT was seen, whether the peer's MM5 (AM3), just taken,
 * came to our NAT-T port from its own; a break is its fault (ik_sa_fault). */
void ik_natt_judge_float(struct ik_sa *sa, int msgno, const struct ik_dgram *d);
/* NAT-OA in quick mode (natoa.c, RFC 3947 5.2): our two payloads when encap is
 * UDP-Encapsulated-Transport; the peer's checked (transport: whether it had to send them). */
bool ik_encap_udp_transport(uint16_t encap);
/* DPD (dpd.c, RFC 3706): our probing of an idle peer, armed when phase 1 completes; the peer's
 * R-U-THERE judged and recorded (true: answer it). */
void ik_dpd_arm(struct ik_sa *sa);
/* Quirk keepalive-alive: a NAT-keepalive from the peer of an SA restarts its DPD idle period. */
void ik_dpd_keepalive(struct ik_engine *e, const struct ik_dgram *d);
/* RFC 3948 4: NAT-keepalives from an SA whose own side is behind a NAT (keepalive.c). */
void ik_ka_arm(struct ik_sa *sa);
/* INITIAL-CONTACT (initial_contact.c, RFC 2407 4.6.3.3, RFC 3947 6): noted in the last main
 * mode message, acted on once phase 1 is done (ik_ic_p1_done) or at once in a protected
 * informational (ik_ic_received). */
void ik_ic_note(struct ik_sa *sa, const struct ik_in *in);
void ik_ic_p1_done(struct ik_sa *sa);
void ik_ic_received(struct ik_sa *sa);
/* RFC 2408 5.14, 5.15 (info_check.c): may a received Notify or Delete be acted on? */
bool ik_info_payload_ok(struct ik_sa *sa, const struct ik_node *p);
bool ik_info_delete_names_sa(struct ik_sa *sa, const struct ik_node *d);
bool ik_dpd_query_in(struct ik_sa *sa, const struct ik_node *n, uint32_t msgid, bool protected);
/* RFC 3706 6.1: a DPD notify's SPI, when it has one, is the ISAKMP SA's cookie pair. */
bool ik_dpd_cookies_ok(const struct ik_sa *sa, const struct ik_node *n);
bool ik_natoa_add(struct ik_sa *sa, struct ik_msg *out, uint16_t encap, struct ik_status *st);
void ik_natoa_check(struct ik_sa *sa, struct ik_in *in, uint16_t encap);
void ik_natoa_check_qm1(struct ik_sa *sa, const struct ik_qm *qm, struct ik_in *in);

/* Driver internals shared by ike.c (SAs, output), ike_in.c (input) and info.c. */
uint8_t ik_exch_of(enum ik_xchg x);
void ik_digest_of(const uint8_t *p, size_t len, uint8_t out[32]);
struct ik_sa *ik_sa_new(struct ik_engine *e, enum ik_who role, enum ik_xchg x,
                        const struct sockaddr_storage *peer);
void ik_sa_free(struct ik_sa *sa);
/* Phase 1 is over, up or failed: the handshake part (sa->hs, ike.h) is wiped and freed, and
 * SKEYID with it (only HASH_I / HASH_R and SIG_I / SIG_R are made of it, RFC 2409 5). */
void ik_sa_end_handshake(struct ik_sa *sa);
/* Name the initiator cookie of an SA (a responder's, from the peer's first message) and file the
 * SA under it in the engine's index (ik_sa_find); never write sa->icookie directly. */
void ik_sa_set_icookie(struct ik_sa *sa, const uint8_t ck[8]);
void ik_qm_free(struct ik_qm *qm);
struct ik_qm *ik_qm_new(struct ik_sa *sa, enum ik_who role, uint32_t msgid, bool tx);
struct ik_sa *ik_sa_find(struct ik_engine *e, const uint8_t *ic, const uint8_t *rc,
                         const struct sockaddr_storage *peer);
void ik_emit_event(struct ik_sa *sa, struct ik_qm *qm, enum ik_event ev);
void ik_sa_fail(struct ik_sa *sa, struct ik_qm *qm, const struct ik_status *st);
/* Record the first MUST the peer broke in what it sent (sa->fault: "RULE: why"). */
void ik_sa_fault(struct ik_sa *sa, const char *rule, const struct ik_status *st);
/* Sender rules of RFC 2408 5 the peer's messages are judged by (sa->fault fits 200 octets). */
#define IK_RULE_KE_LEN                                                                         \
	"RFC 2409 5 \"The Diffie-Hellman public value passed in a KE payload ... MUST be the " \
	"length of the negotiated Diffie-Hellman group\""
#define IK_RULE_SA_DOI \
	"RFC 2408 5.4, 3.4 (the DOI \"under which this negotiation is taking place\")"
/* RFC 2408 5.4 step 1 and 3.4: the DOI of the peer's SA payload, in quick mode (0 names a phase 1
 * generic ISAKMP SA only) or in its reply (the DOI and situation of our offer: 1,
 * SIT_IDENTITY_ONLY; not judged when a mutation broke that offer); a break is the peer's fault
 * (ik_sa_fault). */
void ik_sa_check_doi(struct ik_sa *sa, const struct ik_node *sa_pl, bool reply, bool phase1);
#define IK_RULE_XFORM_NUM \
	"RFC 2408 5.6, 3.6 (\"each Transform payload has a unique Transform number\")"
/* RFC 2408 5.6 step 1 and 3.6: the transform numbers within each proposal of the peer's offer
 * are distinct (the count, # of Transforms, the decoder checks); a repeat is its fault. */
void ik_sa_check_xform_numbers(struct ik_sa *sa, const struct ik_node *sa_pl);
#define IK_RULE_ID_DATA "RFC 2408 5.8 (an ID built \"as defined by the DOI\"), RFC 2407 4.6.2"
/* A SHOULD row of should.def judged in what the peer sent: kept or not, and what was seen (the
 * note of its first break is kept). Never stops the exchange. */
void ik_sa_should(struct ik_sa *sa, enum ik_should row, bool kept, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
bool ik_send_wire(struct ik_sa *sa, const uint8_t *p, size_t len, struct ik_status *st);
/* One datagram out of socket s to peer, with the tap; a refusal by our host counts as a loss. */
bool ik_send_datagram(struct ik_engine *e, struct ik_sock *s, const struct sockaddr_storage *peer,
                      const uint8_t *p, size_t len, struct ik_status *st);
/* IKEv1 fragmentation (frag_io.c, frag.h): our vendor ID when we announce it; whether a message
 * of len octets goes out in fragments (natt: from the NAT-T port); sending it so; a FRAG message
 * received; the reassembly table freed. */
bool ik_frag_add_vid(const struct ik_sa *sa, struct ik_msg *out);
bool ik_frag_wanted(const struct ik_sa *sa, size_t len, bool natt);
bool ik_frag_send(struct ik_sa *sa, struct ik_sock *s, const uint8_t *p, size_t len,
                  struct ik_status *st);
void ik_frag_input(struct ik_engine *e, const struct ik_msg *m, const struct ik_dgram *d);
void ik_frag_free(struct ik_engine *e);
void ik_ladder_payloads(const struct ik_msg *m, bool enc, char *buf, size_t cap);
bool ik_emit(struct ik_sa *sa, struct ik_qm *qm, enum ik_xchg x, int msgno, ik_filler fill,
             struct ik_msg *out, uint8_t *iv, struct ik_wr *keep, struct ik_status *st);
bool ik_run_step(struct ik_sa *sa, struct ik_qm *qm, const struct ik_step *s, struct ik_in *in,
                 struct ik_status *st);
/* Informational exchanges (info.c). */
bool ik_hash_after(const struct ik_sa *sa, const struct ik_msg *m, const uint8_t *base,
                   uint32_t msgid, const uint8_t *ni, size_t ni_len, uint8_t *out,
                   struct ik_status *st);
bool ik_check_hash_after(const struct ik_sa *sa, const struct ik_in *in, uint32_t msgid,
                         const uint8_t *ni, size_t ni_len, const char *what, struct ik_status *st);
bool ik_send_plain_notify(struct ik_sa *sa, uint16_t type);
bool ik_p1_derive_keys(struct ik_sa *sa, struct ik_status *st);
bool ik_qm_keymat(struct ik_sa *sa, struct ik_qm *qm, struct ik_status *st);
size_t ik_esp_auth_keylen(uint16_t auth);
void ik_info_input(struct ik_engine *e, struct ik_sa *sa, struct ik_msg *m,
                   const struct ik_dgram *d);
/* An informational held while phase 1 was not complete is read once it is (ik_p1_done). */
void ik_info_release(struct ik_sa *sa);
/* One datagram through the receive path again, without the tap or recv mutations (ike_in.c). */
void ik_engine_reinput(struct ik_engine *e, const struct ik_dgram *d);
/* The decoder checks the engine's quirks skip (enum ik_dec_opt, engine/exchanges/ike_rules_in.c). */
unsigned ik_dec_opts(const struct ik_engine *e);
/* ike_rules_in.c: the message rules and the decoder's findings on a received message (RFC 2408 5,
 * RFC 2409 5), and an ID of the wrong length as the sender's fault (RFC 2408 5.8). */
bool ik_rules_ok(const struct ik_engine *e, const struct ik_sa *sa, enum ik_xchg x, int msgno,
                 struct ik_msg *m, bool enc, struct ik_status *st);
void ik_id_fault(struct ik_sa *sa, enum ik_xchg x, int msgno, const struct ik_msg *m);

#endif
