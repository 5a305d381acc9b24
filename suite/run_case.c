/*
 * One case run: an engine of its own (own sockets, so own cookies and ports), the case's steps
 * in order, and what the DUT did, recorded in struct ik_observed for the judge (verdict.c).
 * Silence is decided by a window without progress (DESIGN.md "Networking": one test must never
 * wait for another's timeout, nor for the DUT's full retransmission schedule).
 */
#include "cfgq.h"
#include "consts.h"
#include "runner_int.h"
#include "rng.h"
#include "util.h"
#include "xchg.h"

#include <openssl/crypto.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void step_start(struct crun *cr);

static void finish(struct crun *cr)
{
	if (cr->finished)
		return;
	cr->finished = true;
	cr->o.steps_done = (unsigned)cr->step;
	/* A new exchange opened for a late copy counts against the DUT only if ours then broke. */
	if (cr->restart_late && cr->o.failed && !cr->o.all_done && !cr->o.restarted) {
		size_t l = strlen(cr->o.restart_why);
		cr->o.restarted = true;
		snprintf(cr->o.restart_why + l, sizeof(cr->o.restart_why) - l,
		         "; the exchange in progress then broke");
	}
	ik_loop_cancel(&cr->R->loop, cr->watch_timer);
	ik_loop_cancel(&cr->R->loop, cr->step_timer);
	cr->watch_timer = cr->step_timer = 0;
	if (cr->sa && !cr->o.failed) {
		cr->o.at_x = cr->qm ? IK_X_QUICK : cr->sa->xchg;
		cr->o.at_msg = cr->qm ? cr->qm->msg : cr->sa->msg;
	}
}

/* As responder, our SA is the first the DUT opened; it exists before any event says so. */
static void own_sa(struct crun *cr)
{
	if (cr->sa || !cr->responder)
		return;
	for (struct ik_sa *s = cr->eng.sas; s; s = s->next)
		cr->sa = s; /* the list is newest first: keep the oldest */
}

/* Where the exchange is, as one number that grows with every message and step. */
static int progress(struct crun *cr)
{
	own_sa(cr);
	int p = (int)cr->step * 100;
	if (cr->sa)
		p += cr->sa->msg * 10;
	if (cr->qm)
		p += cr->qm->msg;
	return p;
}

static void stop_at(struct crun *cr)
{
	own_sa(cr);
	/* As responder our quick mode is the one the DUT started. */
	if (cr->responder && !cr->qm && cr->sa)
		cr->qm = cr->sa->qms;
	const struct ik_sa *sa = cr->sa;
	/* the `cfg` step's query unanswered: stopped at our TX1 ("rejected at TX1") */
	if (cr->cfgq && !cr->cfgq->established) {
		cr->o.at_x = IK_X_TRANS, cr->o.at_msg = cr->cfgq->msg;
		return;
	}
	cr->o.at_x = cr->qm && sa && sa->established ? IK_X_QUICK : sa ? sa->xchg : IK_X_MAIN;
	cr->o.at_msg = cr->o.at_x == IK_X_QUICK ? cr->qm->msg : sa ? sa->msg : 0;
}

/* The time an answer to our latest transmission gets before silence is declared: a
 * retransmission that went out just before the window closed is not left unanswered (a DUT
 * answering it 4 ms after the deadline was once declared dead). Extended once at most: a DPD
 * step retransmits more often than this. */
static uint64_t answer_time(unsigned window_ms)
{
	return window_ms / 4 > 250 ? window_ms / 4 : 250;
}

/* A change of progress seen now (the watch polls it; our own transmissions report it at once,
 * so the window starts when the exchange moved, not at the next poll). */
static void note_progress(struct crun *cr, uint64_t now)
{
	int p = progress(cr);
	if (p != cr->snap) {
		cr->snap = p;
		cr->last_change_ms = now;
	}
}

/* When silence is due if nothing happens: a whole window without progress, and the answer time
 * after our latest transmission (or a second answer time after the window). */
static uint64_t silence_due(const struct crun *cr, unsigned w)
{
	uint64_t window = cr->last_change_ms + w, answer = cr->last_tx_ms + answer_time(w),
		 cap = window + answer_time(w);
	uint64_t last = answer < cap ? answer : cap;
	return window > last ? window : last;
}

/* Every quarter window, and exactly when silence falls due: no progress for a whole window (and
 * no transmission of ours still waiting for its answer) is silence. Polling alone declared it
 * up to a quarter window after it was due (silence then lasted up to 1.5 windows). */
static void watch(void *arg)
{
	struct crun *cr = arg;
	uint64_t now = ik_now_ms();
	unsigned w = cr->window_ms;
	/* The DUT starting an exchange (--dut-initiate) may take a moment before its first message. */
	if (cr->responder && !cr->sa && w < 5000)
		w = 5000;

	cr->watch_timer = 0;
	if (cr->finished)
		return;
	enum ik_step_kind k = cr->step < cr->nsteps ? cr->steps[cr->step].kind : IK_STEP_MAIN;
	bool waiting = cr->step < cr->nsteps &&
	               (k == IK_STEP_WAIT || k == IK_STEP_TRAFFIC || k == IK_STEP_DPD_LISTEN ||
	                k == IK_STEP_KA_LISTEN || k == IK_STEP_REPLAY_500 || k == IK_STEP_DPD_500 ||
	                k == IK_STEP_CLEAR_CFG || k == IK_STEP_XAUTH_REAUTH);
	if (waiting) { /* a wait, traffic or dpd-listen step is not silence */
		cr->snap = progress(cr);
		cr->last_change_ms = now;
	}
	note_progress(cr, now);
	if (now >= silence_due(cr, w)) {
		stop_at(cr);
		cr->o.failed = cr->o.silence = true;
		snprintf(cr->o.why, sizeof(cr->o.why),
		         "no progress from the DUT for %u ms after %s", w,
		         cr->o.at_msg ? ik_msg_name(cr->o.at_x, cr->o.at_msg) : "the start");
		finish(cr);
		return;
	}
	uint64_t next = now + (w / 4 ? w / 4 : 1), due = silence_due(cr, w);
	cr->watch_timer = ik_loop_timer(&cr->R->loop, (due < next ? due : next) - now, watch, cr);
}

static void advance(struct crun *cr)
{
	cr->step++;
	cr->last_change_ms = ik_now_ms();
	cr->snap = progress(cr);
	step_start(cr);
}

static void step_timer_fired(void *arg)
{
	struct crun *cr = arg;
	cr->step_timer = 0;
	if (!cr->finished)
		advance(cr);
}

static void note_notify(struct crun *cr, uint16_t type, bool in_quick)
{
	if (cr->o.nnotify < sizeof(cr->o.notify) / sizeof(cr->o.notify[0]))
		cr->o.notify[cr->o.nnotify++] = type;
	if (type == IK_NOTIFY_RESPONDER_LIFETIME && !in_quick)
		cr->o.p1_adjusted = true;
}

static bool mutated_yet(const struct crun *cr)
{
	for (size_t i = 0; i < cr->nmut; i++)
		if (cr->mut[i].applied)
			return true;
	return false;
}

/* The `cfg` step's query is broken on purpose (an overrunning ATTR, two ATTRs, an unknown type):
 * a Delete after it is the DUT's refusal, as after a mutated message. */
static bool cfgq_broken(const struct crun *cr)
{
	const struct ik_qm *q = cr->cfgq;
	return q && ((q->cfgq & (IK_CFGQ_OVERRUN | IK_CFGQ_TWO_ATTR)) ||
	             (q->tx_out.type != IK_CFG_TYPE_REQUEST && q->tx_out.type != IK_CFG_TYPE_SET));
}

/* The case presents a bad certificate (`set tester.bad_cert`) and the message that carries it
 * went out (MM5 or AM3 as initiator, MM6 or AM2 as responder): it broke that message on purpose
 * as a mutation would, so a Delete after it is the DUT's refusal. */
static bool bad_cert_sent(const struct crun *cr, const struct ik_sa *sa)
{
	bool bad = false;

	for (size_t i = 0; cr->c && i < cr->c->nsets; i++)
		bad = bad || !strcmp(cr->c->set_key[i], "tester.bad_cert");
	int at = sa->xchg == IK_X_AGGR ? (sa->role == IK_INITIATOR ? 3 : 2)
	                               : (sa->role == IK_INITIATOR ? 5 : 6);
	return bad && sa->msg >= at;
}

static bool xa_ready(const struct crun *cr);
static bool quick(struct crun *cr, const struct ik_case_step *s);

/* A quick step that waited for XAUTH and mode-config, once they are done. */
static void quick_go(struct crun *cr)
{
	const struct ik_case_step *s = cr->quick_wait;
	if (!s || !xa_ready(cr))
		return;
	cr->quick_wait = NULL;
	if (!quick(cr, s)) {
		stop_at(cr);
		cr->o.failed = true;
		finish(cr);
	}
}

static void on_event(struct ik_engine *e, struct ik_sa *sa, struct ik_qm *qm, enum ik_event ev)
{
	struct crun *cr = e->user;
	const struct ik_case_step *s = cr->step < cr->nsteps ? &cr->steps[cr->step] : NULL;

	if (!cr->sa)
		cr->sa = sa;
	if (sa != cr->sa || cr->finished)
		return;
	switch (ev) {
	case IK_EV_P1_UP:
		cr->o.p1_up = true;
		if (cr->R->kf.f)
			ik_keyfile_isakmp(&cr->R->kf, sa);
		if (s && (s->kind == IK_STEP_MAIN || s->kind == IK_STEP_AGGRESSIVE))
			advance(cr);
		break;
	case IK_EV_P2_UP:
		if (cr->responder && !cr->qm)
			cr->qm = qm;
		if (qm != cr->qm)
			break;
		cr->o.p2_up = true;
		/* A lifetime in kilobytes only (life_s 0) is not a lowered one. */
		cr->o.p2_adjusted = qm->lowered || (qm->life_s && qm->life_s < e->cfg.p2_life);
		cr->o.p2_no_replay = qm->peer_replay_off;
		if (cr->R->kf.f)
			ik_keyfile_esp(&cr->R->kf, sa, qm);
		if (s && s->kind == IK_STEP_QUICK)
			advance(cr);
		break;
	case IK_EV_NOTIFY:
		note_notify(cr, sa->st.notify, false);
		cr->last_ev_notify = true;
		return;
	case IK_EV_DELETE:
		/* the Deletes after a failed re-authentication are what xauth-reauth waits for */
		if (!sa->dead || cr->deleted || cr->o.failed ||
		    (s && s->kind == IK_STEP_XAUTH_REAUTH))
			return;
		/* After a message we broke on purpose, the DUT deleting the ISAKMP SA is its refusal
		 * (strongSwan answers a wrong HASH_I in AM3, or a bad certificate in AM3 or MM6, so);
		 * so it is after an XAUTH FAIL we SET or an XAUTH_TYPE it may lack (draft-beaulieu-ike-
		 * xauth-02 6, 6.1), or after one it SET that we took as OK to see whether it did so, or
		 * after a broken `cfg` query. A client may delete on our SET(FAIL) before any ACK
		 * (pluto does): 6 wants the SA "immediately deleted" and puts no keyword on the ACK
		 * (6.1), so fail_set, not only fail_said (set at the ACK). */
		/* So is one after a datagram we sent to its IKE port after the float (run_old_port.c). */
		if (mutated_yet(cr) || bad_cert_sent(cr, sa) || cfgq_broken(cr) ||
		    cr->old_sent_ms || sa->xa.fail_said || sa->xa.fail_set || sa->xa.fail_taken ||
		    sa->eng->cfg.xauth.req_type) {
			stop_at(cr);
			cr->o.failed = cr->o.dut_deleted = true;
			snprintf(cr->o.why, sizeof(cr->o.why),
			         "the DUT sent a Delete for this ISAKMP SA");
			finish(cr);
			return;
		}
		/* Otherwise not an answer to the case's question, so the harness reports it (ERROR)
		 * with the likely cause. */
		snprintf(
			cr->o.step_fail, sizeof(cr->o.step_fail),
			"the DUT deleted this exchange's ISAKMP SA before it completed (a DUT that "
			"keeps one SA per peer replaces concurrent ones: try --parallel 1)");
		stop_at(cr);
		cr->o.failed = true;
		finish(cr);
		return;
	case IK_EV_XAUTH:
		if (s && s->kind == IK_STEP_XAUTH && sa->xa.xauth_ok)
			advance(cr);
		quick_go(cr);
		break;
	case IK_EV_MODECFG:
		/* the early step (xauth.c early_msgid) goes on only for an address to its REQUEST */
		if (s && s->kind == IK_STEP_MODECFG &&
		    (!sa->xa.early_msgid || sa->xa.early_replies))
			advance(cr);
		/* a wait that listens to the client resending its REQUEST ends once our REPLY to
		 * it went at last (tester.cfg_unanswered, XA-CLI-014): nothing more to time */
		/* ... or once our INTERNAL_ADDRESS_EXPIRY was renewed or ran out (XA-CLI-015) */
		if (s && s->kind == IK_STEP_WAIT &&
		    (ik_xa_rtx_answered(sa) || ik_xa_expiry_judged(sa))) {
			ik_loop_cancel(&cr->R->loop, cr->step_timer);
			cr->step_timer = 0;
			advance(cr);
		}
		quick_go(cr);
		break;
	case IK_EV_CFGQ:
		if (s && s->kind == IK_STEP_CFG && qm == cr->cfgq)
			advance(cr);
		break;
	case IK_EV_DPD_ACK:
		if (s && s->kind == IK_STEP_DPD_500)
			ik_old_port_acked(cr);
		if (s && (s->kind == IK_STEP_DPD || s->kind == IK_STEP_REMAP)) {
			ik_loop_cancel(&cr->R->loop, cr->step_timer);
			cr->step_timer = 0;
			advance(cr);
		}
		break;
	case IK_EV_FAILED:
		if (cr->responder && qm && !cr->qm)
			cr->qm = qm;
		if (qm && qm != cr->qm && qm != cr->cfgq)
			break;
		stop_at(cr);
		cr->o.failed = true;
		/* the gateway refused our XAUTH user: its answer, not our engine's refusal */
		cr->o.xauth_refused = sa->xa.xauth_done && !sa->xa.xauth_ok;
		cr->o.we_refused = !cr->last_ev_notify && !cr->o.xauth_refused;
		snprintf(cr->o.why, sizeof(cr->o.why), "%s", sa->st.why);
		finish(cr);
		break;
	default: break;
	}
	cr->last_ev_notify = false;
}

/* The case sends copies of earlier messages late on purpose (replay, delay). */
static bool late_copies(const struct crun *cr)
{
	for (size_t i = 0; i < cr->nmut; i++)
		if (cr->mut[i].op == IK_MO_REPLAY || cr->mut[i].op == IK_MO_DELAY)
			return true;
	return false;
}

/* The SA a datagram we sent belongs to: the one its octets 0-7 name when they name one of ours. A
 * DUT that initiates may run two phase 1s towards us at once (charon answering one dut-initiate
 * with two MM1s), and the case's SA is then not the sender of every datagram: taking its cookie
 * for the other's made that cookie look moved, and the DUT's next QM1 a tied answer. */
struct ik_sa *ik_wire_sender(struct ik_sa *sas, struct ik_sa *own, const uint8_t *p, size_t len)
{
	for (struct ik_sa *s = sas; len >= 8 && s; s = s->next)
		if (!memcmp(s->icookie, p, 8))
			return s;
	return own ? own : sas; /* the SA of MM1 is ours before cr->sa is */
}

/* Issue 10 item 6: keep the wire identity of each datagram we broke as it goes out, and tie to
 * it an answer of the DUT that names no exchange of ours (run_wire.h): a fail-open DUT answers
 * the cookies, exchange type and message ID it read, which the mutation may have moved. */
static void wire_tap(struct crun *cr, struct ik_engine *e, bool sent,
                     const struct sockaddr_storage *peer, const uint8_t *p, size_t len)
{
	if (sent) {
		struct ik_sa *sa = ik_wire_sender(e->sas, cr->sa, p, len);
		if (e->tx_broken && sa)
			ik_wire_keep(cr->broken, &cr->nbroken, p, len, sa->icookie,
			             sa->established ? IK_EXCH_QUICK : ik_exch_of(sa->xchg));
		return;
	}
	if (!cr->nbroken || cr->wire_answer[0] || len < 28)
		return;
	struct ik_sa *own = ik_sa_find(e, p, p + 8, peer);
	uint32_t mid = (uint32_t)p[20] << 24 | (uint32_t)p[21] << 16 | (uint32_t)p[22] << 8 | p[23];
	bool ours = own && (p[18] == IK_EXCH_INFO || (!mid && p[18] == ik_exch_of(own->xchg)));
	for (const struct ik_qm *q = own ? own->qms : NULL; q && !ours; q = q->next)
		ours = p[18] == IK_EXCH_QUICK && mid && q->msgid == mid;
	for (size_t i = 0; i < cr->nbroken; i++)
		if (ik_wire_answers(&cr->broken[i], p, len, ours, cr->wire_answer,
		                    sizeof(cr->wire_answer)))
			return;
}

/* Evidence and two restart checks. A DUT that answers a retransmitted request with a new
 * responder cookie restarted the exchange instead of resending its reply (RFC 2408 2.5.3); one
 * that answers an old copy of a completed quick mode's QM1 with a QM2 other than the one it sent
 * set up a second SA from a replay (RFC 2408 3.1 message IDs, RFC 2409 5.5). */

/* ESP in UDP on the NAT-T port, into the case's pcap as it was on the wire (no marker). */
static void esp_tap(struct ik_engine *e, bool sent, const struct sockaddr_storage *peer,
                    const uint8_t *p, size_t len)
{
	struct crun *cr = e->user;
	struct sockaddr_storage me = e->cfg.local;
	ik_addr_set_port(&me, e->natt.port);
	if (cr->pcap)
		ik_pcapw_udp(cr->pcap, sent ? &me : peer, sent ? peer : &me, false, p, len);
}
static void tap(struct ik_engine *e, bool sent, const struct sockaddr_storage *peer,
                uint16_t local_port, const uint8_t *p, size_t len)
{
	struct crun *cr = e->user;
	static const uint8_t zero[8];
	struct sockaddr_storage me = e->cfg.local;
	/* the pcap shows what went: no marker where tester.omit_marker left it out (NATT-013) */
	bool marker =
		e->natt.fd >= 0 && local_port == e->natt.port && !(sent && e->cfg.natt_no_marker);
	uint8_t h[32];

	ik_addr_set_port(&me, local_port);
	if (cr->pcap)
		ik_pcapw_udp(cr->pcap, sent ? &me : peer, sent ? peer : &me, marker, p, len);
	if (sent) {
		cr->last_tx_ms = ik_now_ms();
		note_progress(cr, cr->last_tx_ms);
	}
	wire_tap(cr, e, sent, peer, p, len);
	if (!sent) {
		ik_old_port_rx(cr, local_port, p, len);
		ik_clear_cfg_rx(cr, p, len);
	}
	/* An informational message may echo the cookies of a message we broke on purpose (an
	 * INVALID-COOKIE notify, RFC 2408 5.2): only exchange replies name the DUT's SA. */
	if (sent || len < 28 || !cr->sa || memcmp(p, cr->sa->icookie, 8) ||
	    !memcmp(p + 8, zero, 8) || p[18] == IK_EXCH_INFO)
		return;
	if (cr->have_rc && memcmp(cr->rcookie, p + 8, 8) && !cr->o.restarted && !cr->restart_late) {
		char was[17], now[17];
		snprintf(cr->o.restart_why, sizeof(cr->o.restart_why),
		         "it answered with responder cookie %s instead of its own %s (a new "
		         "exchange, "
		         "or it took a cookie we altered)",
		         ik_hex_encode(now, p + 8, 8), ik_hex_encode(was, cr->rcookie, 8));
		/* An answer to a copy we replayed or delayed on purpose opens a new exchange, which is
		 * only wrong if it breaks the one in progress (docs/verdicts.md 6): decided at the end.
		 * An answer to a retransmission must be the stored reply (RFC 2408 5.1). */
		if (late_copies(cr))
			cr->restart_late = true;
		else
			cr->o.restarted = true;
		return;
	}
	if (!cr->have_rc || !cr->restart_late)
		memcpy(cr->rcookie, p + 8, 8);
	cr->have_rc = true;
	uint32_t msgid =
		(uint32_t)p[20] << 24 | (uint32_t)p[21] << 16 | (uint32_t)p[22] << 8 | p[23];
	const struct ik_qm *q = cr->qm;
	if (p[18] != IK_EXCH_QUICK || !q || q->msgid != msgid || q->role != IK_INITIATOR ||
	    cr->o.restarted)
		return;
	/* As initiator the DUT sends one message per quick mode, QM2: a second, different one is a
	 * second exchange for the same message ID. */
	ik_digest_of(p, len, h);
	if (!cr->have_qm2) {
		memcpy(cr->qm2, h, 32);
		cr->have_qm2 = true;
	} else if (memcmp(h, cr->qm2, 32)) {
		cr->o.restarted = true;
		snprintf(cr->o.restart_why, sizeof(cr->o.restart_why),
		         "it answered a copy of QM1 with a second, different QM2 (a second SA)");
	}
}

static bool send_deletes(struct crun *cr)
{
	uint8_t cookies[16];
	bool ok = true;
	cr->deleted = true;
	if (cr->qm && cr->qm->established)
		ok = ik_send_delete_qm(cr->sa, cr->qm);
	memcpy(cookies, cr->sa->icookie, 8);
	memcpy(cookies + 8, cr->sa->rcookie, 8);
	return ik_send_delete(cr->sa, IK_PROTO_ISAKMP, cookies, 16, 1) && ok;
}

/* The dpd step's R-U-THERE: the next number, or with `dpd replay` the first one the DUT
 * answered, again, after a later one it answered too (RFC 3706 6.2: a receiver "SHOULD reject the R-U-THERE message if it
 * fails to match the expected sequence number"). */
static bool send_query(struct crun *cr)
{
	const struct ik_case_step *s = cr->step < cr->nsteps ? &cr->steps[cr->step] : NULL;
	if (s && s->kind == IK_STEP_DPD && s->arg)
		return ik_send_dpd_replay(cr->sa);
	return ik_send_dpd(cr->sa);
}

/* RFC 3706 5: a sender SHOULD retransmit R-U-THERE when no ACK comes (each with the next sequence
 * number, 6.2); inside the silence window, so a DUT that dropped a bad one can answer the next. */
void ik_dpd_retry(void *arg)
{
	struct crun *cr = arg;
	cr->step_timer = 0;
	enum ik_step_kind k = cr->step < cr->nsteps ? cr->steps[cr->step].kind : IK_STEP_MAIN;
	if (cr->finished || (k != IK_STEP_DPD && k != IK_STEP_REMAP))
		return;
	send_query(cr);
	cr->step_timer = ik_loop_timer(&cr->R->loop, cr->window_ms / 6 + 1, ik_dpd_retry, cr);
}

static bool need_sa(struct crun *cr, const char *what)
{
	if (cr->sa && cr->sa->established)
		return true;
	snprintf(cr->o.step_fail, sizeof(cr->o.step_fail),
	         "step '%s' needs an established ISAKMP SA: put main or aggressive before it",
	         what);
	return false;
}

/* dut=initiator: run the --dut-initiate command (e.g. `kill -USR1 PID` for ikecheck serve,
 * `swanctl --initiate ...`, `harness/lab initiate`) without waiting for it; it may block until
 * its own exchange ends. */
static bool trigger(struct crun *cr)
{
	const char *cmd = cr->R->o->dut_initiate;
	if (cr->trigger_pid > 0)
		return true;
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(cr->o.step_fail, sizeof(cr->o.step_fail), "--dut-initiate: fork: %s",
		         strerror(errno));
		return false;
	}
	if (!pid) {
		/* its own process group: trigger_reap ends the whole command (a lab script's
		 * `whack --initiate` or `swanctl --initiate` too), not only the shell */
		setpgid(0, 0);
		int fd = open("/dev/null", O_RDWR);
		if (fd >= 0) {
			dup2(fd, 0), dup2(fd, 1), dup2(fd, 2);
			close(fd);
		}
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	setpgid(pid, pid); /* either side may run first */
	cr->trigger_pid = pid;
	return true;
}

/* The case is over: whatever its trigger still runs must not overlap the next case's (a
 * leftover `peer terminate` or initiate would act on the next case's SA). The whole group
 * goes, also when the shell itself has already exited and left children behind. */
static void trigger_reap(struct crun *cr)
{
	int status;
	if (cr->trigger_pid <= 0)
		return;
	kill(-cr->trigger_pid, SIGTERM);
	waitpid(cr->trigger_pid, &status, 0);
	/* the shell is gone; its children (now init's) may take a moment to die */
	int i = 0;
	while (kill(-cr->trigger_pid, 0) == 0 && i++ < 100)
		usleep(20000);
	if (i > 100)
		kill(-cr->trigger_pid, SIGKILL); /* after 2 s: whatever still holds on */
	cr->trigger_pid = 0;
}

/* XAUTH and mode-config done as the profile asks (docs/xauth.md): quick mode may start. */
static bool xa_ready(const struct crun *cr)
{
	const struct ik_xauth_cfg *x = &cr->eng.cfg.xauth;
	const struct ik_sa *sa = cr->sa;
	return cr->responder ||
	       ((!x->client || sa->xa.xauth_ok) && (!x->cfg_client || sa->xa.cfg_done));
}

static bool quick(struct crun *cr, const struct ik_case_step *s)
{
	struct ik_engine *e = &cr->eng;
	if (s->arg)
		e->cfg.pfs_group = s->arg < 0 ? 0 : (uint16_t)s->arg;
	cr->have_qm2 = false;
	cr->qm = ik_quick_initiate(cr->sa);
	if (!cr->qm)
		snprintf(cr->o.step_fail, sizeof(cr->o.step_fail), "could not send QM1");
	return cr->qm != NULL;
}

/* The `cfg` step: its query of suite/cfgq.def under a fresh identifier (mode-cfg 3.2); the step
 * ends when it is answered (IK_EV_CFGQ), and silence is the DUT's answer to judge. */
static bool cfg_query(struct crun *cr, const struct ik_case_step *s)
{
	struct ik_cfg_msg m;
	unsigned flaws;
	uint16_t id;
	ik_rng_bytes(&id, sizeof(id));
	ik_cfgq_build((int)s->arg, id, &m, &flaws);
	cr->cfgq = ik_cfg_query(cr->sa, &m, flaws);
	if (!cr->cfgq)
		snprintf(cr->o.step_fail, sizeof(cr->o.step_fail),
		         "could not send the cfg query %s", ik_cfgq_name((int)s->arg));
	return cr->cfgq != NULL;
}

static bool run_step(struct crun *cr, const struct ik_case_step *s)
{
	struct ik_engine *e = &cr->eng;
	uint8_t cookies[16];

	switch (s->kind) {
	case IK_STEP_MAIN:
	case IK_STEP_AGGRESSIVE:
		if (cr->responder)
			return trigger(cr); /* then wait for the DUT's phase 1 */
		cr->have_rc = false;        /* a new ISAKMP SA: its own responder cookie */
		e->cfg.aggressive = s->kind == IK_STEP_AGGRESSIVE;
		cr->sa = ik_initiate(e);
		if (!cr->sa && !cr->o.failed)
			snprintf(cr->o.step_fail, sizeof(cr->o.step_fail), "could not send %s",
			         e->cfg.aggressive ? "AM1" : "MM1");
		return cr->sa || cr->o.failed;
	case IK_STEP_QUICK:
		if (cr->responder)
			return true; /* the DUT starts its quick mode */
		if (!need_sa(cr, "quick"))
			return false;
		/* draft-beaulieu-ike-xauth-02 6: XAUTH (and the address) before quick mode */
		if (!xa_ready(cr)) {
			cr->quick_wait = s;
			return true;
		}
		return quick(cr, s);
	case IK_STEP_XAUTH:
		if (!need_sa(cr, "xauth"))
			return false;
		if (cr->sa->xa.xauth_ok) /* the DUT's REQUEST came before the step */
			cr->step_timer = ik_loop_timer(&cr->R->loop, 0, step_timer_fired, cr);
		return true;
	case IK_STEP_MODECFG:
		if (!need_sa(cr, "modecfg"))
			return false;
		if (cr->sa->xa.cfg_done)
			cr->step_timer = ik_loop_timer(&cr->R->loop, 0, step_timer_fired, cr);
		else if (e->cfg.xauth.client && !cr->sa->xa.xauth_done)
			ik_xa_request_cfg(cr->sa); /* early; later the engine asks by itself */
		return true;
	case IK_STEP_CFG: return need_sa(cr, "cfg") && cfg_query(cr, s);
	case IK_STEP_REMAP: return need_sa(cr, "remap") && ik_remap_start(cr);
	case IK_STEP_DPD:
		if (!need_sa(cr, "dpd"))
			return false;
		if (!send_query(cr)) {
			if (s->arg)
				snprintf(cr->o.step_fail, sizeof(cr->o.step_fail),
				         "step 'dpd replay' needs an earlier dpd step answered (an "
				         "old "
				         "number to repeat)");
			return false;
		}
		cr->step_timer =
			ik_loop_timer(&cr->R->loop, cr->window_ms / 6 + 1, ik_dpd_retry, cr);
		return true;
	case IK_STEP_DELETE:
		if (!need_sa(cr, "delete") || !send_deletes(cr))
			return false;
		cr->step_timer = ik_loop_timer(&cr->R->loop, 200, step_timer_fired, cr);
		return true;
	case IK_STEP_INITIAL_CONTACT:
		if (!need_sa(cr, "initial-contact"))
			return false;
		memcpy(cookies, cr->sa->icookie, 8);
		memcpy(cookies + 8, cr->sa->rcookie, 8);
		if (!ik_send_notify(cr->sa, IK_NOTIFY_INITIAL_CONTACT, IK_PROTO_ISAKMP, cookies, 16,
		                    NULL, 0))
			return false;
		cr->step_timer = ik_loop_timer(&cr->R->loop, 200, step_timer_fired, cr);
		return true;
	case IK_STEP_WAIT:
		cr->step_timer =
			ik_loop_timer(&cr->R->loop, (uint64_t)s->arg, step_timer_fired, cr);
		return true;
	case IK_STEP_TRAFFIC: return ik_traffic_start(cr);
	case IK_STEP_DPD_LISTEN: return ik_dpd_listen_start(cr);
	case IK_STEP_KA_LISTEN: return ik_ka_listen_start(cr);
	case IK_STEP_XAUTH_REAUTH: return ik_reauth_start(cr);
	case IK_STEP_REPLAY_500:
	case IK_STEP_DPD_500: return ik_old_port_start(cr, s);
	case IK_STEP_CLEAR_CFG: return ik_clear_cfg_start(cr);
	}
	return false;
}

/* After the last step: a phase 1 RESPONDER-LIFETIME comes as an informational after MM6/AM3, so
 * a case that expects one gives it a moment (a fraction of the window) to arrive. */
static void linger_done(void *arg)
{
	struct crun *cr = arg;
	cr->step_timer = 0;
	finish(cr);
}

static bool wants_p1_adjust(const struct ik_case *c)
{
	for (size_t i = 0; c && i < c->nexpect; i++)
		if (c->expect[i].kind == IK_EXP_ADJUSTED &&
		    c->expect[i].adjust == IK_ADJ_P1_LIFETIME)
			return true;
	return false;
}

static void step_start(struct crun *cr)
{
	if (cr->finished)
		return;
	if (cr->step == cr->nsteps) {
		cr->o.all_done = true;
		if (!cr->probe && wants_p1_adjust(cr->c) && !cr->o.p1_adjusted)
			cr->step_timer =
				ik_loop_timer(&cr->R->loop, cr->window_ms / 2, linger_done, cr);
		else
			finish(cr);
		return;
	}
	if (!run_step(cr, &cr->steps[cr->step]) && !cr->o.failed) {
		if (!cr->o.step_fail[0])
			snprintf(cr->o.step_fail, sizeof(cr->o.step_fail),
			         "step %zu could not be sent", cr->step + 1);
		stop_at(cr);
		cr->o.failed = true;
		finish(cr);
	}
}

/* The engine on the case's ports. A case that pins its source port (NATT-021, RFC 3947 3) takes
 * the next free one above it when another run holds it (the self-test runs four suites at once). */
static bool engine_init(struct crun *cr, struct ik_status *st)
{
	uint16_t port = ik_addr_port(&cr->cfg.local);
	bool pinned = !cr->responder && port && ik_case_pins_port(cr->c);
	for (unsigned i = 0;; i++) {
		if (ik_engine_init(&cr->eng, &cr->cfg, &cr->R->loop, st))
			return true;
		if (!pinned || i == 63 || !strstr(st->why, "in use"))
			return false;
		ik_addr_set_port(&cr->cfg.local, (uint16_t)(port + i + 1));
	}
}

bool ik_crun_start(struct crun *cr, struct ik_status *st)
{
	struct ik_runner *R = cr->R;

	if (!cr->window_ms)
		cr->window_ms = R->o->silence_ms;
	/* Retransmit inside the window, so a DUT that dropped a #1-mutated message gets the clean
	 * one before silence is declared, and never give up before the window does. */
	/* Six transmissions of a message inside the window (0, .1w, .23w, .41w, .65w, .96w), so a
	 * lossy path is ridden out inside one attempt: silence after six unanswered copies is the
	 * DUT's (docs/verdicts.md section 7). */
	/* Longer on a busy machine whose answers come late (run_rtt.c): a copy no loss called for
	 * would reach a DUT that handles copies badly. */
	cr->cfg.retrans_ms = ik_rtt_retrans_ms(R, cr->window_ms);
	cr->cfg.retrans_growth = 33;
	cr->cfg.retrans_tries = 20;
	if (!engine_init(cr, st))
		return false;
	cr->eng_up = true;
	cr->eng.user = cr;
	cr->eng.on_event = on_event;
	cr->eng.tap = tap;
	cr->eng.esp_tap = esp_tap;
	cr->eng.rx_tap = ik_ka_rx_tap;
	cr->eng.quiet = !R->o->verbose;
	cr->eng.mut = cr->nmut ? cr->mut : NULL;
	cr->eng.nmut = cr->nmut;
	cr->t0_ms = cr->last_change_ms = ik_now_ms();
	cr->watch_timer =
		ik_loop_timer(&R->loop, cr->window_ms / 4 ? cr->window_ms / 4 : 1, watch, cr);
	step_start(cr);
	return true;
}

void ik_traffic_done(struct crun *cr)
{
	if (!cr->finished)
		advance(cr);
}

void ik_step_done(struct crun *cr)
{
	ik_traffic_done(cr);
}

void ik_step_fail(struct crun *cr, const char *why)
{
	if (cr->finished)
		return;
	stop_at(cr);
	cr->o.failed = true;
	snprintf(cr->o.why, sizeof(cr->o.why), "%s", why);
	finish(cr);
}

void ik_crun_free(struct crun *cr)
{
	trigger_reap(cr);
	ik_traffic_stop(cr);
	ik_remap_close(cr);
	ik_loop_cancel(&cr->R->loop, cr->watch_timer);
	ik_loop_cancel(&cr->R->loop, cr->step_timer);
	if (cr->eng_up) {
		/* Leave nothing behind on the DUT (RFC 2408 3.15): delete what we established. */
		if (cr->sa && cr->sa->established && !cr->sa->dead && !cr->deleted)
			send_deletes(cr);
		ik_engine_free(&cr->eng);
	}
	cr->eng_up = false;
	ik_pcapw_close(cr->pcap);
	cr->pcap = NULL;
	OPENSSL_cleanse(cr->cfg.psk, sizeof(cr->cfg.psk));
	ik_cfg_release(&cr->cfg); /* an rsa-sig profile's certificates */
}
